//! Financing, continued (issue 19), through real HTTP on SQLite and
//! PostgreSQL: repayments imported from a statement (CSV and XLSX, a dry run
//! first, matched by loan reference and national ID, applied once; the same
//! statement again pays nothing twice), a guarantee call that lowers the
//! loan's outstanding balance while the association's position stays exact,
//! and another guarantor (a person, an appearance kafala). A payment staff
//! enter by hand between the dry run and applying it is not paid twice.

#![allow(clippy::inconsistent_digit_grouping)]

mod common;
mod financing_steps;

use app::database::now;
use app::identity::with_check_digit;
use app::time::SaudiDate;
use common::{Browser, TestApp, location};
use financing_steps::*;

/// Uploads a statement as the page's form does (a browser without
/// JavaScript): the statement's id from the redirect.
async fn upload(browser: &Browser, source: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("source", source.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    browser
        .client
        .post(browser.url(app::paths::FINANCING_STATEMENT_UPLOAD))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn statement_of(response: &reqwest::Response) -> i64 {
    assert_eq!(response.status(), 303);
    let to = location(response);
    to.rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("redirected to {to}"))
}

async fn statements_and_calls(app: TestApp) {
    let head = with_check_digit("139000001");
    let family = app.signed_in(&head).await;
    common::register_household(&family, common::jeddah_district(&app.state.db, 3).await).await;
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    let bahr = app.signed_in(REEM_BAHR_STAFF).await;
    let line = approved_line(&app, &family).await;
    let file = checked_file(&app, &staff, line).await;
    let today = SaudiDate::of(now());
    let first_due = today.add_months(-3).unwrap();
    let reference = disbursed(&staff, file, first_due).await;
    let d = |months: i64| first_due.add_months(months).unwrap().to_string();

    // A staff entry on the first due date.
    json(
        &staff,
        "/api/enter_repayment",
        &[
            ("file_id", &file.to_string()),
            ("amount", "1000"),
            ("paid_on", &d(0)),
        ],
    )
    .await;

    // The bank's statement: two equal payments (two rows, both paid), the
    // staff's entry again (skipped), a wrong ID, an unknown reference, a
    // day in the future and a bad amount (refused), in Arabic headers with
    // Eastern digits.
    let other_id = with_check_digit("139000009");
    let tomorrow = today.add_months(1).unwrap().to_string();
    let csv = format!(
        "مرجع القرض,رقم الهوية,تاريخ السداد,المبلغ\n\
         {reference},{head},{m1},500\n\
         {reference},{head},{m1},500\n\
         {reference},{head},{m0},1000\n\
         {reference},{other_id},{m1},700\n\
         F-999-999,{head},{m1},700\n\
         {reference},{head},{tomorrow},700\n\
         {reference},{head},{m1},abc\n",
        m0 = d(0),
        m1 = d(1),
    );
    // Another association's staff, and the family, may not upload.
    let r = upload(&family, "bank_statement", "s.csv", csv.clone().into_bytes()).await;
    assert!(location(&r).contains("error=forbidden"), "{}", location(&r));
    let r = upload(&staff, "bank_statement", "s.csv", b"a,b\n1,2\n".to_vec()).await;
    assert!(
        location(&r).contains("error=import_columns_missing"),
        "{}",
        location(&r)
    );
    let first =
        statement_of(&upload(&staff, "bank_statement", "s.csv", csv.clone().into_bytes()).await);
    let id = first.to_string();
    let view = json(&staff, "/api/get_statement", &[("import_id", &id)]).await;
    let verdicts: Vec<(String, String)> = view["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["outcome"].as_str().unwrap().to_string(),
                r["problem"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let expected = [
        ("pay", ""),
        ("pay", ""),
        ("skip", "already_entered"),
        ("refuse", "national_id_mismatch"),
        ("refuse", "loan_unknown"),
        ("refuse", "date_future"),
        ("refuse", "amount_invalid"),
    ]
    .map(|(o, p)| (o.to_string(), p.to_string()));
    assert_eq!(verdicts, expected);
    assert_eq!(view["total_to_pay"], 1_000_00);
    assert!(
        view["rows"][0]["national_id"]
            .as_str()
            .unwrap()
            .contains('•')
    );
    // The dry run paid nothing.
    assert_eq!(
        loan_of(&staff, file).await["summary"]["outstanding"],
        19_000_00
    );
    assert_eq!(
        status(&bahr, "/api/get_statement", &[("import_id", &id)]).await,
        403
    );
    assert_eq!(
        status(&bahr, "/api/apply_statement", &[("import_id", &id)]).await,
        403
    );
    let page = staff
        .get(&format!(
            "{}/{first}",
            app::paths::FINANCING_STATEMENTS_PAGE
        ))
        .await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("data-outcome=\"refuse\"")
    );

    // Applied: the two rows paid, oldest instalment first; once only.
    json(&staff, "/api/apply_statement", &[("import_id", &id)]).await;
    assert_eq!(
        status(&staff, "/api/apply_statement", &[("import_id", &id)]).await,
        409
    );
    let loan = loan_of(&staff, file).await;
    assert_eq!(loan["summary"]["outstanding"], 18_000_00);
    assert_eq!(loan["instalments"][1]["paid"], 1_000_00);
    assert_eq!(loan["instalments"][2]["paid"], 0);
    let sources: Vec<&str> = loan["repayments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["staff", "bank_statement", "bank_statement"]);

    // The same statement again: its rows are known, nothing is paid twice.
    let again = statement_of(&upload(&staff, "bank_statement", "s.csv", csv.into_bytes()).await);
    let view = json(
        &staff,
        "/api/get_statement",
        &[("import_id", &again.to_string())],
    )
    .await;
    assert_eq!(view["to_pay"], 0);
    assert_eq!(view["rows"][0]["problem"], "already_imported");
    assert_eq!(view["rows"][1]["problem"], "already_imported");

    // An XLSX statement with a transaction column (its key).
    let rows = vec![
        [
            "Loan reference",
            "National ID",
            "Paid on",
            "Amount",
            "Transaction",
        ]
        .map(str::to_string)
        .to_vec(),
        [
            reference.clone(),
            head.clone(),
            d(2),
            "1500".into(),
            "TX-1".into(),
        ]
        .to_vec(),
    ];
    let xlsx = app::imports::file::xlsx_bytes(&rows).unwrap();
    let third =
        statement_of(&upload(&staff, "association_statement", "s.xlsx", xlsx.clone()).await);
    json(
        &staff,
        "/api/apply_statement",
        &[("import_id", &third.to_string())],
    )
    .await;
    let fourth = statement_of(&upload(&staff, "association_statement", "s.xlsx", xlsx).await);
    let view = json(
        &staff,
        "/api/get_statement",
        &[("import_id", &fourth.to_string())],
    )
    .await;
    assert_eq!(
        (view["to_pay"].as_i64(), view["to_skip"].as_i64()),
        (Some(0), Some(1))
    );
    let loan = loan_of(&staff, file).await;
    assert_eq!(loan["summary"]["outstanding"], 16_500_00);
    assert_eq!(
        one(&app, &format!("SELECT COUNT(*) FROM loan_repayments r JOIN loans l ON l.id = r.loan_id WHERE l.file_id = {file}")).await,
        4
    );

    // The bank calls the guarantee: the association pays 2 000.50 to the
    // bank, so the loan owes the bank that much less (the oldest
    // instalments first); the family now owes the association, which
    // recovers 500.25. The association's position is exact in halalas and
    // what may still be called is the guaranteed amount less the call.
    let call = |amount: &str, recovery: &str| {
        vec![
            ("file_id", file.to_string()),
            ("amount", amount.to_string()),
            ("on", today.to_string()),
            ("recovery", recovery.to_string()),
        ]
    };
    let post = |form: Vec<(&'static str, String)>| {
        let staff = staff.clone();
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            staff
                .post_api("/api/record_guarantee_call", &pairs)
                .await
                .status()
                .as_u16()
        }
    };
    // More than the loan still owes the bank is refused.
    assert_eq!(post(call("16500.01", "")).await, 422);
    assert_eq!(post(call("2000.50", "")).await, 200);
    assert_eq!(post(call("500.25", "on")).await, 200);
    let loan = loan_of(&staff, file).await;
    assert_eq!(loan["summary"]["outstanding"], 14_499_50);
    assert_eq!(loan["instalments"][4]["paid"], 1_000_00);
    assert_eq!(loan["instalments"][5]["paid"], 500_50);
    let g = &loan["guarantees"][0];
    assert_eq!(
        (g["called"].as_i64(), g["recovered"].as_i64()),
        (Some(2_000_50), Some(500_25))
    );
    assert_eq!(g["exposure"], 14_499_50);
    let exposure = json(&staff, "/api/get_financing_exposure", &[]).await;
    assert_eq!(exposure["figures"]["exposure"], 14_499_50);
    assert_eq!(exposure["figures"]["outstanding"], 14_499_50);
    let sources: Vec<&str> = loan["repayments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source"].as_str().unwrap())
        .collect();
    assert!(sources.contains(&"guarantee_call"));
    // A recovery beyond what was called and not recovered is refused.
    assert_eq!(post(call("1500.26", "on")).await, 422);

    // Another guarantor: a person, a guarantee of appearance — no money
    // exposure; the association's own exposure is unchanged.
    let f = file.to_string();
    let person = [
        ("file_id", f.as_str()),
        ("guarantor", "person"),
        ("name", "سعد الغامدي"),
        ("kafala", "appearance"),
        ("starts_on", &d(-1)),
    ];
    assert_eq!(status(&bahr, "/api/add_loan_guarantee", &person).await, 403);
    let mut wrong = person;
    wrong[1] = ("guarantor", "association");
    assert_eq!(status(&staff, "/api/add_loan_guarantee", &wrong).await, 422);
    json(&staff, "/api/add_loan_guarantee", &person).await;
    let entity = [
        ("file_id", f.as_str()),
        ("guarantor", "other_entity"),
        ("name", "مؤسسة البر"),
        ("kafala", "payment"),
        ("share_percent", "50"),
        ("cap", "3000"),
        ("starts_on", &d(-1)),
    ];
    json(&staff, "/api/add_loan_guarantee", &entity).await;
    let loan = loan_of(&staff, file).await;
    let guarantees = loan["guarantees"].as_array().unwrap();
    assert_eq!(guarantees.len(), 3);
    assert_eq!(guarantees[1]["kind"], "appearance");
    assert_eq!(guarantees[1]["exposure"], 0);
    assert_eq!(guarantees[1]["name"], "سعد الغامدي");
    assert_eq!(guarantees[2]["exposure"], 3_000_00);
    assert_eq!(
        json(&staff, "/api/get_financing_exposure", &[]).await["figures"]["exposure"],
        14_499_50
    );
    let page = staff
        .get(&format!("{}/{file}", app::paths::FINANCING_FILE_PAGE))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-kafala=\"appearance\""), "{page}");
    assert!(page.contains("data-source=\"guarantee_call\""));

    // The statements page renders without JavaScript.
    let r = staff.get(app::paths::FINANCING_STATEMENTS_PAGE).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains(&format!("data-statement=\"{first}\""))
    );
}

async fn entered_after_the_dry_run(app: TestApp) {
    let head = with_check_digit("139000001");
    let family = app.signed_in(&head).await;
    common::register_household(&family, common::jeddah_district(&app.state.db, 3).await).await;
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    let line = approved_line(&app, &family).await;
    let file = checked_file(&app, &staff, line).await;
    let first_due = SaudiDate::of(now()).add_months(-2).unwrap();
    let reference = disbursed(&staff, file, first_due).await;
    let day = first_due.to_string();
    let csv = format!("Loan reference,National ID,Paid on,Amount\n{reference},{head},{day},250\n");
    let id = statement_of(&upload(&staff, "bank_statement", "s.csv", csv.into_bytes()).await)
        .to_string();
    let view = json(&staff, "/api/get_statement", &[("import_id", &id)]).await;
    assert_eq!(view["rows"][0]["outcome"], "pay");

    // The same payment, typed by a colleague before the statement is applied.
    let f = file.to_string();
    let by_hand = [
        ("file_id", f.as_str()),
        ("amount", "250"),
        ("paid_on", &day),
    ];
    json(&staff, "/api/enter_repayment", &by_hand).await;
    json(&staff, "/api/apply_statement", &[("import_id", &id)]).await;
    let view = json(&staff, "/api/get_statement", &[("import_id", &id)]).await;
    assert_eq!(view["rows"][0]["result"], "skipped");
    assert_eq!(view["rows"][0]["problem"], "already_entered");
    let loan = loan_of(&staff, file).await;
    assert_eq!(loan["summary"]["outstanding"], 19_750_00);
    assert_eq!(loan["repayments"].as_array().unwrap().len(), 1);
}

both_engines! {
    async fn statements(app: TestApp) {
        statements_and_calls(app).await;
    }

    async fn a_payment_entered_after_the_dry_run_is_not_paid_twice(app: TestApp) {
        entered_after_the_dry_run(app).await;
    }
}
