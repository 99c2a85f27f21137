//! Financing, continued (issue 19), through real HTTP on SQLite and
//! PostgreSQL: the further-loan rule (more than the set share of the
//! previous loan repaid, the council's figure), a write-off (out of the
//! portfolio's figures, with its reason), and the exports of the loan list
//! and the council's figures.

#![allow(clippy::inconsistent_digit_grouping)]

mod common;
mod financing_steps;

use app::database::now;
use app::identity::{RoleKind, with_check_digit};
use app::time::SaudiDate;
use common::{Browser, TestApp, persona};
use financing_steps::*;

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
    async fn write_off_and_exports(app: TestApp) {
        write_off_further_loan_and_exports(app).await;
    }
}
