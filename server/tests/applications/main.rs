//! Applications and coverage on SQLite and PostgreSQL: routing by coverage,
//! idempotent submission, one active line per type under concurrency, the
//! line life cycle across two associations, and who may see and do what.

#[path = "../common/mod.rs"]
mod common;
mod coverage_and_duplicates;
mod life_cycle;
mod submission;

use app::applications::LineState;
use app::applications::api::{ApplyForm, LineDetail, MyApplications, QueueView};
use app::identity::RoleKind;
use common::{Browser, TestApp, persona};

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";
const STAFF_NAKHLA: &str = "1000000032";
const STAFF_BAHR: &str = "1000000040";

async fn type_id(app: &TestApp, code: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM assistance_types WHERE code = $1")
        .bind(code)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id
}

async fn association_id(app: &TestApp, licence: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM associations WHERE licence_number = $1")
        .bind(licence)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id
}

/// A registered family in the `district_index`-th district of Jeddah.
async fn family(app: &TestApp, national_id: &str, district_index: i64) -> Browser {
    let browser = app.signed_in(national_id).await;
    let district = common::jeddah_district(&app.state.db, district_index).await;
    common::register_household(&browser, district).await;
    browser
}

async fn apply_form(browser: &Browser) -> ApplyForm {
    let r = browser.post_api("/api/get_apply_form", &[]).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// Submits the application form with these (type id, description, amount) lines.
async fn submit(browser: &Browser, key: &str, lines: &[(i64, &str, &str)]) -> reqwest::Response {
    let mut form: Vec<(String, String)> = vec![("submission_key".into(), key.into())];
    for (i, (type_id, description, amount)) in lines.iter().enumerate() {
        form.push((
            format!("lines[{i}][assistance_type_id]"),
            type_id.to_string(),
        ));
        form.push((format!("lines[{i}][chosen]"), "1".into()));
        form.push((format!("lines[{i}][description]"), description.to_string()));
        form.push((format!("lines[{i}][amount]"), amount.to_string()));
    }
    browser
        .client
        .post(browser.url("/api/submit_application"))
        .header("accept", "application/json")
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn my_applications(browser: &Browser) -> MyApplications {
    let r = browser.post_api("/api/get_my_applications", &[]).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn queue(browser: &Browser) -> QueueView {
    let r = browser.post_api("/api/get_queue", &[]).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn act(
    browser: &Browser,
    line: i64,
    action: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let line = line.to_string();
    let mut form = vec![("line_id", line.as_str()), ("action", action)];
    form.extend_from_slice(extra);
    browser.post_api("/api/act_on_line", &form).await
}

/// The council dashboard's duplicates prevented (the last six months):
/// (lines refused, households merged).
async fn prevented(council: &Browser) -> (i64, i64) {
    let board: serde_json::Value = council
        .post_api("/api/get_dashboard", &[("board", "council")])
        .await
        .json()
        .await
        .unwrap();
    let part = |key: &str| {
        board["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"] == "DuplicatesPrevented" && r["key"] == key)
            .map(|r| r["shown"]["Value"].as_i64().unwrap())
            .unwrap()
    };
    (part("line_refused"), part("households_merged"))
}

/// (who, as whom, server function, form, expected status)
type AccessCase<'a> = (&'a str, &'a Browser, &'a str, &'a [(&'a str, &'a str)], u16);

const NEED: &str = "أحتاج دورة في تغليف الحلويات";
