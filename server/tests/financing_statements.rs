//! Financing, continued (issue 19), through real HTTP on SQLite and
//! PostgreSQL: repayments imported from a statement (CSV and XLSX, a dry run
//! first, matched by loan reference and national ID, applied once; the same
//! statement again pays nothing twice), a guarantee call that lowers the
//! loan's outstanding balance while the association's position stays exact,
//! another guarantor (a person, an appearance kafala), a write-off, the
//! further-loan rule, and the exports.

#![allow(clippy::inconsistent_digit_grouping)]

mod common;

use app::database::now;
use app::identity::{RoleKind, with_check_digit};
use app::time::SaudiDate;
use common::{Browser, TestApp, location, persona};
use serde_json::Value;

const MONA_NAKHLA_STAFF: &str = "1000000032";
const REEM_BAHR_STAFF: &str = "1000000040";

async fn json(browser: &Browser, path: &str, form: &[(&str, &str)]) -> Value {
    let r = browser.post_api(path, form).await;
    assert_eq!(r.status(), 200, "{path}: {}", r.text().await.unwrap());
    let body = r.text().await.unwrap();
    if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&body).unwrap()
    }
}

async fn status(browser: &Browser, path: &str, form: &[(&str, &str)]) -> u16 {
    browser.post_api(path, form).await.status().as_u16()
}

async fn one(app: &TestApp, sql: &str) -> i64 {
    app.me.count(sql).await
}

/// A family's financing line of 20 000 riyals, approved by Al Nakhla (the
/// council refers the unrouted line to it). Returns the line.
async fn approved_line(app: &TestApp, family: &Browser) -> i64 {
    let form = json(family, "/api/get_apply_form", &[]).await;
    let financing = one(
        app,
        "SELECT id FROM assistance_types WHERE code = 'financing'",
    )
    .await;
    let r = family
        .post_api(
            "/api/submit_application",
            &[
                ("submission_key", form["submission_key"].as_str().unwrap()),
                ("lines[0][assistance_type_id]", &financing.to_string()),
                ("lines[0][chosen]", "1"),
                ("lines[0][description]", "قرض لمعدات خياطة"),
                ("lines[0][amount]", "20000"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let line = one(app, "SELECT MAX(id) FROM application_lines").await;
    let nakhla = one(
        app,
        "SELECT id FROM associations WHERE licence_number = 'DEMO-001'",
    )
    .await
    .to_string();
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let line_id = line.to_string();
    json(
        &council,
        "/api/act_on_line",
        &[
            ("line_id", &line_id),
            ("action", "refer"),
            ("to_association_id", &nakhla),
            ("note", "تمويل"),
        ],
    )
    .await;
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    for action in ["accept_referral", "approve"] {
        json(
            &staff,
            "/api/act_on_line",
            &[("line_id", &line_id), ("action", action)],
        )
        .await;
    }
    line
}

/// Opens the line's file and takes it to an eligibility check with every
/// document in; returns the file id.
async fn checked_file(app: &TestApp, staff: &Browser, line: i64) -> i64 {
    let line_id = line.to_string();
    json(
        staff,
        "/api/open_financing_file",
        &[
            ("line_id", &line_id),
            ("activity", "sewing"),
            ("requested", "20000"),
            ("months", "20"),
            ("birth_date", "1985-03-01"),
            ("monthly_income", "4000"),
        ],
    )
    .await;
    let file = one(
        app,
        &format!("SELECT id FROM financing_files WHERE line_id = {line}"),
    )
    .await;
    let file_id = file.to_string();
    let today = SaudiDate::of(now());
    let next_year = today.add_months(12).unwrap().to_string();
    for (kind, expires) in [
        ("certificate", next_year.as_str()),
        ("national_id", ""),
        ("housing", ""),
        ("quote", ""),
    ] {
        json(
            staff,
            "/api/record_financing_document",
            &[
                ("file_id", &file_id),
                ("kind", kind),
                ("received_on", &today.to_string()),
                ("expires_on", expires),
            ],
        )
        .await;
    }
    json(
        staff,
        "/api/check_financing_eligibility",
        &[("file_id", &file_id)],
    )
    .await;
    file
}

/// Refers, approves and disburses the file's loan (20 000 over 20 months,
/// 1 000 a month), the first instalment due `first_due`, the association a
/// payment guarantor for all of it. Returns the loan's reference.
async fn disbursed(staff: &Browser, file: i64, first_due: SaudiDate) -> String {
    let file_id = file.to_string();
    json(
        staff,
        "/api/refer_financing_file",
        &[("file_id", &file_id), ("to", "sdb")],
    )
    .await;
    json(
        staff,
        "/api/approve_loan",
        &[("file_id", &file_id), ("amount", "20000"), ("months", "20")],
    )
    .await;
    json(
        staff,
        "/api/disburse_loan",
        &[
            ("file_id", &file_id),
            (
                "disbursed_on",
                &first_due.add_months(-1).unwrap().to_string(),
            ),
            ("first_due_on", &first_due.to_string()),
            ("kafala", "payment"),
            ("share_percent", "100"),
        ],
    )
    .await;
    let detail = json(staff, "/api/get_financing_file", &[("file_id", &file_id)]).await;
    detail["loan"]["summary"]["reference"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn loan_of(staff: &Browser, file: i64) -> Value {
    json(
        staff,
        "/api/get_financing_file",
        &[("file_id", &file.to_string())],
    )
    .await["loan"]
        .clone()
}

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

async fn write_off_further_loan_and_exports(app: TestApp) {
    let head = with_check_digit("139000002");
    let family = app.signed_in(&head).await;
    common::register_household(&family, common::jeddah_district(&app.state.db, 4).await).await;
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    let bahr = app.signed_in(REEM_BAHR_STAFF).await;
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let line = approved_line(&app, &family).await;
    let file = checked_file(&app, &staff, line).await;
    let today = SaudiDate::of(now());
    let first_due = today.add_months(-5).unwrap();
    disbursed(&staff, file, first_due).await;
    let f = file.to_string();
    // 9 000 of 20 000 repaid: not more than half.
    json(
        &staff,
        "/api/enter_repayment",
        &[
            ("file_id", &f),
            ("amount", "9000"),
            ("paid_on", &today.to_string()),
        ],
    )
    .await;

    // A further loan for the same household: the first line is fulfilled,
    // the family asks again; the eligibility check refuses it in words
    // until more than half of the first loan is repaid.
    let first_line = line.to_string();
    json(
        &staff,
        "/api/act_on_line",
        &[
            ("line_id", &first_line),
            ("action", "fulfil"),
            ("value", "20000"),
            ("given_on", &today.to_string()),
        ],
    )
    .await;
    // (The type's cooldown after a fulfilment is over: the first line was
    // fulfilled long ago.)
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE application_lines SET last_action_at = last_action_at - 3650 * 86400 WHERE id = {line}"
    )))
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let second_line = approved_line(&app, &family).await;
    let second = checked_file(&app, &staff, second_line).await;
    let s = second.to_string();
    let detail = json(&staff, "/api/get_financing_file", &[("file_id", &s)]).await;
    assert_eq!(detail["eligible"], false);
    let failed: Vec<&str> = detail["eligibility"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r[1] == false)
        .map(|r| r[0].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["further_loan"]);
    assert_eq!(
        status(
            &staff,
            "/api/refer_financing_file",
            &[("file_id", &s), ("to", "sdb")]
        )
        .await,
        409
    );
    let page = staff
        .get(&format!("{}/{second}", app::paths::FINANCING_FILE_PAGE))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("rule-no"), "{page}");
    json(
        &staff,
        "/api/enter_repayment",
        &[
            ("file_id", &f),
            ("amount", "1000.01"),
            ("paid_on", &today.to_string()),
        ],
    )
    .await;
    json(
        &staff,
        "/api/check_financing_eligibility",
        &[("file_id", &s)],
    )
    .await;
    assert_eq!(
        json(&staff, "/api/get_financing_file", &[("file_id", &s)]).await["eligible"],
        true
    );

    // Write-off: a reason is required; another association may not; the
    // loan leaves outstanding, PAR and exposure, and shows what was written off.
    let before = json(&staff, "/api/get_financing_exposure", &[]).await["figures"].clone();
    let outstanding = loan_of(&staff, file).await["summary"]["outstanding"]
        .as_i64()
        .unwrap();
    assert_eq!(outstanding, 9_999_99);
    let write_off = |reason: &'static str| {
        vec![
            ("file_id", f.clone()),
            ("on", today.to_string()),
            ("reason", reason.to_string()),
        ]
    };
    let post = |browser: &Browser, form: Vec<(&'static str, String)>| {
        let browser = browser.clone();
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = browser.post_api("/api/write_off_loan", &pairs).await;
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (code, body) = post(&staff, write_off(" ")).await;
    assert_eq!(code, 422);
    assert!(body.contains("financing_reason_required"), "{body}");
    assert_eq!(post(&bahr, write_off("وفاة المستفيد")).await.0, 403);
    assert_eq!(post(&staff, write_off("وفاة المستفيد")).await.0, 200);
    assert_eq!(post(&staff, write_off("وفاة المستفيد")).await.0, 409);
    let loan = loan_of(&staff, file).await;
    assert_eq!(loan["summary"]["status"], "written_off");
    assert_eq!(loan["summary"]["outstanding"], 0);
    assert_eq!(loan["written_off"], outstanding);
    assert_eq!(loan["written_off_reason"], "وفاة المستفيد");
    let after = json(&staff, "/api/get_financing_exposure", &[]).await["figures"].clone();
    assert_eq!(
        after["outstanding"].as_i64().unwrap(),
        before["outstanding"].as_i64().unwrap() - outstanding
    );
    assert_eq!(
        after["exposure"].as_i64().unwrap(),
        before["exposure"].as_i64().unwrap() - outstanding
    );
    assert_eq!(after["written_off"], outstanding);
    assert_eq!(
        status(
            &staff,
            "/api/enter_repayment",
            &[
                ("file_id", &f),
                ("amount", "10"),
                ("paid_on", &today.to_string())
            ]
        )
        .await,
        409
    );
    assert_eq!(
        one(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'loan_written_off'"
        )
        .await,
        1
    );

    // Exports: the loan list (names families: staff of the association
    // only, audited as an exported list) and the council's figures.
    let r = staff
        .get(&format!("{}.csv", app::paths::FINANCING_LOANS_EXPORT))
        .await;
    assert_eq!(r.status(), 200);
    let body = r.bytes().await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(text.contains("F-"), "{text}");
    assert!(text.contains("written_off"), "{text}");
    let r = staff
        .get(&format!("{}.xlsx", app::paths::FINANCING_LOANS_EXPORT))
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    assert_eq!(
        family
            .get(&format!("{}.csv", app::paths::FINANCING_LOANS_EXPORT))
            .await
            .status(),
        403
    );
    assert_eq!(
        one(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE action = 'personal_data_exported' \
             AND subject_id = 'financing_loans'"
        )
        .await,
        2
    );
    let r = council
        .get(&format!("{}.csv", app::paths::COUNCIL_FINANCING_EXPORT))
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("PAR30"));
    let r = council
        .get(&format!("{}.xlsx", app::paths::COUNCIL_FINANCING_EXPORT))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        staff
            .get(&format!("{}.csv", app::paths::COUNCIL_FINANCING_EXPORT))
            .await
            .status(),
        403
    );

    // The council sets another share for the further-loan rule.
    let day = today.to_string();
    let mut form = vec![
        ("min_age", "18"),
        ("max_age", "65"),
        ("max_monthly_income", "10000"),
        ("min_amount", "5000"),
        ("max_amount", "50000"),
        ("max_months", "36"),
        ("certificate_required", "on"),
        ("no_commercial_registration", "on"),
        ("delinquency_bounds", "30,60,90"),
        ("reminder_days_before", "3"),
        ("valid_from", day.as_str()),
        ("further_loan_percent", "٦٠"),
    ];
    json(&council, "/api/save_financing_settings", &form).await;
    let all = json(&council, "/api/get_council_financing", &[]).await;
    assert_eq!(
        all["settings"]["eligibility"]["further_loan_repaid_bp"],
        6_000
    );
    form[11] = ("further_loan_percent", "101");
    assert_eq!(
        status(&council, "/api/save_financing_settings", &form).await,
        422
    );
}

both_engines! {
    async fn statements(app: TestApp) {
        statements_and_calls(app).await;
    }
    async fn write_off_and_exports(app: TestApp) {
        write_off_further_loan_and_exports(app).await;
    }
}
