//! The steps of a financing walk the financing tests share: a family's
//! approved financing line, its file checked, its loan disbursed.

#![allow(dead_code)]

use app::database::now;
use app::identity::RoleKind;
use app::time::SaudiDate;
use serde_json::Value;

use super::common::{Browser, TestApp, persona};

pub const MONA_NAKHLA_STAFF: &str = "1000000032";
pub const REEM_BAHR_STAFF: &str = "1000000040";

pub async fn json(browser: &Browser, path: &str, form: &[(&str, &str)]) -> Value {
    let r = browser.post_api(path, form).await;
    assert_eq!(r.status(), 200, "{path}: {}", r.text().await.unwrap());
    let body = r.text().await.unwrap();
    if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&body).unwrap()
    }
}

pub async fn status(browser: &Browser, path: &str, form: &[(&str, &str)]) -> u16 {
    browser.post_api(path, form).await.status().as_u16()
}

pub async fn one(app: &TestApp, sql: &str) -> i64 {
    app.me.count(sql).await
}

/// A family's financing line of 20 000 riyals, approved by Al Nakhla (the
/// council refers the unrouted line to it). Returns the line.
pub async fn approved_line(app: &TestApp, family: &Browser) -> i64 {
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
pub async fn checked_file(app: &TestApp, staff: &Browser, line: i64) -> i64 {
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
pub async fn disbursed(staff: &Browser, file: i64, first_due: SaudiDate) -> String {
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

pub async fn loan_of(staff: &Browser, file: i64) -> Value {
    json(
        staff,
        "/api/get_financing_file",
        &[("file_id", &file.to_string())],
    )
    .await["loan"]
        .clone()
}
