//! Financing (issue 19), through real HTTP on SQLite and PostgreSQL: a family
//! applies for 20 000 riyals; the council routes the line to Al Nakhla, which
//! approves it, opens the file, records the documents, checks eligibility,
//! refers, is warned at its exposure limit, records the approval and the
//! disbursement with itself as payment guarantor; two instalments are paid
//! and the third is missed and now more than 30 days late (the schedule is
//! drawn in the past, so "today" is 31 days after its due date). Then: the
//! arrears, PAR30/PAR90, exposure and collection rate (computed again here),
//! the continuity signal and follow-up, the due-date reminder, and who may
//! see and do what.

#![allow(clippy::inconsistent_digit_grouping)]

mod common;

use app::database::now;
use app::identity::{RoleKind, with_check_digit};
use app::time::SaudiDate;
use common::{Browser, TestApp, persona};
use serde_json::Value;

const MONA_NAKHLA_STAFF: &str = "1000000032";
const REEM_BAHR_STAFF: &str = "1000000040";
const DAY: i64 = 86_400;

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

async fn post(browser: &Browser, form: &[(&str, String)]) -> u16 {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser
        .post_api("/api/record_guarantee_call", &pairs)
        .await
        .status()
        .as_u16()
}

async fn one(app: &TestApp, sql: &str) -> i64 {
    app.me.count(sql).await
}

async fn association(app: &TestApp, licence: &str) -> i64 {
    one(
        app,
        &format!("SELECT id FROM associations WHERE licence_number = '{licence}'"),
    )
    .await
}

/// A family registers and asks for financing (20 000 riyals); the line is
/// unrouted (financing is a gap in the demo coverage), the council refers it
/// to Al Nakhla, whose staff take and approve it. Returns the family, the
/// line and the household.
async fn approved_financing_line(app: &TestApp, national_id: &str) -> (Browser, i64, i64) {
    let family = app.signed_in(national_id).await;
    common::register_household(&family, common::jeddah_district(&app.state.db, 1).await).await;
    let form = json(&family, "/api/get_apply_form", &[]).await;
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
                ("lines[0][description]", "قرض لشراء فرن ومعدات حلويات"),
                ("lines[0][amount]", "٢٠٬٠٠٠"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let line = one(app, "SELECT MAX(id) FROM application_lines").await;
    let household = one(
        app,
        &format!("SELECT household_id FROM application_lines WHERE id = {line}"),
    )
    .await;
    let nakhla = association(app, "DEMO-001").await.to_string();
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let line_id = line.to_string();
    json(
        &council,
        "/api/act_on_line",
        &[
            ("line_id", &line_id),
            ("action", "refer"),
            ("to_association_id", &nakhla),
            ("note", "تمويل عبر بنك التنمية"),
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
    (family, line, household)
}

async fn the_walk_from_a_line_to_arrears(app: TestApp) {
    let family_id = with_check_digit("136000001");
    let (family, line, household) = approved_financing_line(&app, &family_id).await;
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    let bahr = app.signed_in(REEM_BAHR_STAFF).await;
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let line_id = line.to_string();

    // The line waits for a file at Al Nakhla only.
    let list = json(&staff, "/api/get_financing", &[]).await;
    assert_eq!(list["ready"][0]["line_id"], line);
    assert!(
        json(&bahr, "/api/get_financing", &[]).await["ready"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let open = [
        ("line_id", line_id.as_str()),
        ("activity", "sweets"),
        ("requested", "٢٠٠٠٠"),
        ("months", "20"),
        ("birth_date", "1985-03-01"),
        ("monthly_income", "4000"),
    ];
    assert_eq!(status(&bahr, "/api/open_financing_file", &open).await, 403);
    assert_eq!(
        status(&family, "/api/open_financing_file", &open).await,
        403
    );
    let mut bad = open;
    bad[1] = ("activity", "piracy");
    assert_eq!(status(&staff, "/api/open_financing_file", &bad).await, 422);
    json(&staff, "/api/open_financing_file", &open).await;
    assert_eq!(status(&staff, "/api/open_financing_file", &open).await, 409);
    let file = one(
        &app,
        &format!("SELECT id FROM financing_files WHERE line_id = {line}"),
    )
    .await;
    let file_id = file.to_string();
    let f = [("file_id", file_id.as_str())];

    // Another association, and the family, may not read the staff's file.
    assert_eq!(status(&bahr, "/api/get_financing_file", &f).await, 403);
    assert_eq!(status(&family, "/api/get_financing_file", &f).await, 403);
    // The council reads it, and may not act on it.
    assert_eq!(
        json(&council, "/api/get_financing_file", &f).await["may_act"],
        false
    );
    assert_eq!(
        status(&council, "/api/check_financing_eligibility", &f).await,
        403
    );

    // Not eligible before the certificate is in; referral refused.
    json(&staff, "/api/check_financing_eligibility", &f).await;
    let detail = json(&staff, "/api/get_financing_file", &f).await;
    assert_eq!(detail["eligible"], false);
    let failed: Vec<&str> = detail["eligibility"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r[1] == false)
        .map(|r| r[0].as_str().unwrap())
        .collect();
    assert_eq!(failed, vec!["certificate"]);
    let refer = [("file_id", file_id.as_str()), ("to", "sdb")];
    assert_eq!(
        status(&staff, "/api/refer_financing_file", &refer).await,
        409
    );

    // Documents: the certificate (with its expiry), the ID, housing, a quote.
    let today = SaudiDate::of(now());
    let next_year = today.add_months(12).unwrap().to_string();
    let day = today.to_string();
    for (kind, expires) in [
        ("certificate", next_year.as_str()),
        ("national_id", ""),
        ("housing", ""),
        ("quote", ""),
    ] {
        json(
            &staff,
            "/api/record_financing_document",
            &[
                ("file_id", &file_id),
                ("kind", kind),
                ("received_on", &day),
                ("expires_on", expires),
            ],
        )
        .await;
    }
    json(&staff, "/api/check_financing_eligibility", &f).await;
    let detail = json(&staff, "/api/get_financing_file", &f).await;
    assert_eq!(detail["eligible"], true, "{detail}");
    assert_eq!(detail["documents"].as_array().unwrap().len(), 4);
    assert_eq!(
        status(&bahr, "/api/refer_financing_file", &refer).await,
        403
    );
    json(&staff, "/api/refer_financing_file", &refer).await;
    assert_eq!(
        status(&staff, "/api/refer_financing_file", &refer).await,
        409
    );

    // The council sets a limit below the loan: the approval is warned and
    // needs confirming.
    let nakhla = association(&app, "DEMO-001").await.to_string();
    json(
        &council,
        "/api/set_exposure_limit",
        &[
            ("association_id", &nakhla),
            ("limit", "15000"),
            ("valid_from", &day),
        ],
    )
    .await;
    assert_eq!(
        status(
            &staff,
            "/api/set_exposure_limit",
            &[
                ("association_id", &nakhla),
                ("limit", "1"),
                ("valid_from", &day)
            ]
        )
        .await,
        403
    );
    let approve = [
        ("file_id", file_id.as_str()),
        ("amount", "20000"),
        ("months", "20"),
    ];
    let r = staff.post_api("/api/approve_loan", &approve).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("financing_over_limit"));
    let mut confirmed = approve.to_vec();
    confirmed.push(("confirm_over_limit", "on"));
    json(&staff, "/api/approve_loan", &confirmed).await;

    // Disbursed with the association as payment guarantor; the first
    // instalment fell due two months before the third, which fell due 31
    // days ago: two are paid, the third is missed.
    let first_due = SaudiDate::of(now() - 31 * DAY).add_months(-2).unwrap();
    let third_due = first_due.add_months(2).unwrap();
    let disbursed = first_due.add_months(-1).unwrap();
    json(
        &staff,
        "/api/disburse_loan",
        &[
            ("file_id", &file_id),
            ("disbursed_on", &disbursed.to_string()),
            ("first_due_on", &first_due.to_string()),
            ("kafala", "payment"),
            ("share_percent", "100"),
        ],
    )
    .await;
    for on in [first_due, first_due.add_months(1).unwrap()] {
        json(
            &staff,
            "/api/enter_repayment",
            &[
                ("file_id", &file_id),
                ("amount", "1000"),
                ("paid_on", &on.to_string()),
            ],
        )
        .await;
    }
    assert_eq!(
        status(
            &bahr,
            "/api/enter_repayment",
            &[("file_id", &file_id), ("amount", "1000"), ("paid_on", &day)]
        )
        .await,
        403
    );
    // A repayment puts the household in continuity's change feed.
    assert_eq!(
        one(
            &app,
            &format!("SELECT COUNT(*) FROM continuity_queue WHERE household_id = {household}")
        )
        .await,
        1
    );

    // The loan, as staff see it.
    let today = SaudiDate::of(now());
    let arrears = third_due.days_until(today);
    assert!(arrears >= 31, "{arrears}");
    let loan = &json(&staff, "/api/get_financing_file", &f).await["loan"];
    assert_eq!(loan["summary"]["status"], "repaying");
    assert_eq!(loan["summary"]["principal"], 20_000_00);
    assert_eq!(loan["summary"]["outstanding"], 18_000_00);
    assert_eq!(loan["summary"]["arrears_days"], arrears);
    assert_eq!(loan["summary"]["range"], if arrears <= 60 { 2 } else { 3 });
    let instalments = loan["instalments"].as_array().unwrap();
    assert_eq!(instalments.len(), 20);
    let total: i64 = instalments
        .iter()
        .map(|i| i["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 20_000_00);
    assert_eq!(instalments[1]["paid"], 1_000_00);
    assert_eq!(instalments[2]["paid"], 0);
    assert_eq!(instalments[2]["late"], true);

    // Exposure and figures, computed here independently: the only loan has
    // an instalment more than 30 (not 90) days late.
    let due_by_today: i64 = instalments
        .iter()
        .filter(|i| i["due_on"].as_str().unwrap() <= today.to_string().as_str())
        .map(|i| i["amount"].as_i64().unwrap())
        .sum();
    let exposure = json(&staff, "/api/get_financing_exposure", &[]).await;
    let figures = &exposure["figures"];
    assert_eq!(figures["outstanding"], 18_000_00);
    assert_eq!(figures["exposure"], 18_000_00);
    assert_eq!(figures["exposure_in_arrears"], 18_000_00);
    assert_eq!(figures["par30_bp"], 10_000);
    assert_eq!(figures["par90_bp"], 0);
    assert_eq!(figures["collection_bp"], 2_000_00 * 10_000 / due_by_today);
    assert_eq!(exposure["limit"], 15_000_00);
    assert_eq!(exposure["largest"][0]["outstanding"], 18_000_00);
    // By activity and by district.
    assert_eq!(exposure["by_activity"][0]["key"], "sweets");
    assert_eq!(exposure["by_activity"][0]["loans"], 1);
    assert_eq!(exposure["by_activity"][0]["outstanding"], 18_000_00);
    assert_eq!(exposure["by_district"].as_array().unwrap().len(), 1);
    assert_eq!(exposure["by_district"][0]["outstanding"], 18_000_00);
    // Al Bahr carries nothing.
    assert_eq!(
        json(&bahr, "/api/get_financing_exposure", &[]).await["figures"]["exposure"],
        0
    );
    // The council's view across associations.
    let all = json(&council, "/api/get_council_financing", &[]).await;
    assert_eq!(all["totals"]["outstanding"], 18_000_00);
    assert_eq!(all["totals"]["par30_bp"], 10_000);
    assert!(
        all["associations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["largest"].as_array().unwrap().is_empty())
    );
    assert_eq!(status(&staff, "/api/get_council_financing", &[]).await, 403);

    // The family sees its own loan and its arrears; another family nothing.
    let mine = json(&family, "/api/get_my_loans", &[]).await;
    assert_eq!(mine["loans"][0]["summary"]["arrears_days"], arrears);
    assert!(mine["loans"][0]["due_now"].as_i64().unwrap() >= 1_000_00);
    let other = app.signed_in(&with_check_digit("136000002")).await;
    common::register_household(&other, common::jeddah_district(&app.state.db, 2).await).await;
    assert!(
        json(&other, "/api/get_my_loans", &[]).await["loans"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let page = family
        .get(app::paths::MY_LOANS_PAGE)
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-testid=\"my-arrears\""), "{page}");

    // Continuity: the late instalment is a reason, and a follow-up of kind
    // "financing instalment" is booked at Al Nakhla, once.
    app::continuity::job::recompute(&app.state.db, &[household], now())
        .await
        .unwrap();
    let status_row = app::continuity::db::status_of(&app.state.db, household)
        .await
        .unwrap()
        .unwrap();
    let reasons = serde_json::to_value(&status_row.reasons).unwrap();
    assert!(
        reasons
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "instalment_overdue" && r["days"] == arrears),
        "{reasons}"
    );
    let follow_ups = format!(
        "SELECT COUNT(*) FROM follow_ups WHERE household_id = {household} \
         AND association_id = {nakhla} AND kind = 'financing_instalment'"
    );
    assert_eq!(one(&app, &follow_ups).await, 1);
    app::continuity::job::recompute(&app.state.db, &[household], now())
        .await
        .unwrap();
    assert_eq!(one(&app, &follow_ups).await, 1);

    // The reminder three days before a due date: once per instalment.
    let fifth_due = first_due.add_months(4).unwrap();
    let run_at = fifth_due.start() - 2 * DAY;
    let sent = app::financing::reminders::run_once(&app.state.db, run_at)
        .await
        .unwrap();
    assert_eq!(sent, 1);
    assert_eq!(
        app::financing::reminders::run_once(&app.state.db, run_at)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        one(
            &app,
            "SELECT COUNT(*) FROM message_outbox WHERE kind = 'instalment_reminder'"
        )
        .await,
        1
    );

    // The bank calls the guarantee; the association recovers part from the
    // family: its position is exact in halalas, and bounded.
    let call = |amount: &'static str, recovery: &'static str| {
        vec![
            ("file_id", file_id.clone()),
            ("amount", amount.to_string()),
            ("on", day.clone()),
            ("recovery", recovery.to_string()),
        ]
    };
    assert_eq!(post(&bahr, &call("3000", "")).await, 403);
    assert_eq!(post(&staff, &call("20000.01", "")).await, 422);
    assert_eq!(post(&staff, &call("3000.50", "")).await, 200);
    assert_eq!(post(&staff, &call("3000.51", "on")).await, 422);
    assert_eq!(post(&staff, &call("1000.25", "on")).await, 200);
    let loan = &json(&staff, "/api/get_financing_file", &f).await["loan"];
    let g = &loan["guarantees"][0];
    assert_eq!(
        (g["called"].as_i64(), g["recovered"].as_i64()),
        (Some(3_000_50), Some(1_000_25))
    );
    // The call was paid to the bank: the loan owes it that much less (the
    // oldest instalments first: the missed third is now paid).
    assert_eq!(loan["summary"]["outstanding"], 18_000_00 - 3_000_50);
    assert_eq!(loan["instalments"][2]["paid"], 1_000_00);
    let page = staff
        .get(&format!("{}/{file}", app::paths::FINANCING_FILE_PAGE))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-position=\"200025\""), "{page}");

    // A reschedule: what is outstanding over 12 months from next month; the
    // old schedule stays, later repayments count towards the new one.
    let next_month = SaudiDate::of(now()).add_months(1).unwrap().to_string();
    let reschedule = [
        ("file_id", file_id.as_str()),
        ("months", "12"),
        ("first_due_on", next_month.as_str()),
    ];
    assert_eq!(
        status(&bahr, "/api/reschedule_loan", &reschedule).await,
        403
    );
    json(&staff, "/api/reschedule_loan", &reschedule).await;
    json(
        &staff,
        "/api/enter_repayment",
        &[("file_id", &file_id), ("amount", "1500"), ("paid_on", &day)],
    )
    .await;
    let loan = &json(&staff, "/api/get_financing_file", &f).await["loan"];
    assert_eq!(loan["summary"]["status"], "rescheduled");
    assert_eq!(
        loan["summary"]["outstanding"],
        18_000_00 - 3_000_50 - 1_500_00
    );
    assert_eq!(loan["summary"]["arrears_days"], 0);
    assert_eq!(loan["schedule_no"], 2);
    let new: Vec<i64> = loan["instalments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(
        (new.len(), new.iter().sum::<i64>()),
        (12, 18_000_00 - 3_000_50)
    );
    // 14 999.50 over 12: 1 249.95 each; the 1 500 pays the first and part of the second.
    assert_eq!(loan["instalments"][0]["paid"], 1_249_95);
    assert_eq!(loan["instalments"][1]["paid"], 1_500_00 - 1_249_95);
    assert_eq!(
        one(
            &app,
            &format!(
                "SELECT COUNT(*) FROM loan_instalments i JOIN loans l ON l.id = i.loan_id \
             WHERE l.file_id = {file} AND i.schedule_no = 1 AND i.paid_halalas = 100000"
            )
        )
        .await,
        5
    );

    // The staff pages render.
    for path in [
        app::paths::FINANCING_PAGE.to_string(),
        app::paths::FINANCING_EXPOSURE_PAGE.to_string(),
        format!("{}/{file}", app::paths::FINANCING_FILE_PAGE),
    ] {
        let r = staff.get(&path).await;
        assert_eq!(r.status(), 200, "{path}");
    }
    assert_eq!(
        council
            .get(app::paths::COUNCIL_FINANCING_PAGE)
            .await
            .status(),
        200
    );
}

async fn the_council_edits_the_settings(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    let day = SaudiDate::of(now()).to_string();
    let form = [
        ("min_age", "21"),
        ("max_age", "60"),
        ("max_monthly_income", "8000"),
        ("min_amount", "5000"),
        ("max_amount", "40000"),
        ("max_months", "24"),
        ("certificate_required", "on"),
        ("no_commercial_registration", "on"),
        ("delinquency_bounds", "30,60,90"),
        ("reminder_days_before", "3"),
        ("valid_from", day.as_str()),
    ];
    assert_eq!(
        status(&staff, "/api/save_financing_settings", &form).await,
        403
    );
    let mut wrong = form;
    wrong[4] = ("max_amount", "1000");
    assert_eq!(
        status(&council, "/api/save_financing_settings", &wrong).await,
        422
    );
    json(&council, "/api/save_financing_settings", &form).await;
    let all = json(&council, "/api/get_council_financing", &[]).await;
    assert_eq!(all["settings"]["eligibility"]["max_amount"], 40_000_00);
    assert_eq!(all["settings"]["eligibility"]["min_age"], 21);
    assert_eq!(all["settings_from"], day);
}

both_engines! {
    async fn walk(app: TestApp) {
        the_walk_from_a_line_to_arrears(app).await;
    }
    async fn settings(app: TestApp) {
        the_council_edits_the_settings(app).await;
    }
}
