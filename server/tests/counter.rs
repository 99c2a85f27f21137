//! Acting for a family at the counter (issue 21 §2) and what is printed
//! (§8), on SQLite and PostgreSQL: staff apply for a walk-in household by
//! the family's rules, recorded as theirs and audited; other associations
//! are refused; the head confirms or declines on their next sign-in; the
//! household's file and the receipt go to whom they belong.

mod common;

use app::applications::HeadConfirmation;
use app::applications::api::{CounterApplication, HouseholdFile, Receipt};
use common::{Browser, TestApp};

const NOURA: &str = "1000000065";
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

async fn user_id(app: &TestApp, national_id: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE national_id = $1")
        .bind(national_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id
}

/// Staff register Noura's household at the counter (Jeddah's first district); its id.
async fn walk_in(app: &TestApp, staff: &Browser) -> i64 {
    let district = common::jeddah_district(&app.state.db, 0).await.to_string();
    let r = staff
        .post_api(
            "/api/register_walk_in",
            &[
                ("national_id", NOURA),
                ("head_name", "نورة عبدالله الأسرية"),
                ("phone", "0551234567"),
                ("district_id", district.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM households")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id
}

/// A fresh form key for the household, as the counter form carries it.
async fn counter_key(staff: &Browser, household: i64) -> reqwest::Response {
    staff
        .post_api(
            "/api/get_counter_apply_form",
            &[("household_id", &household.to_string())],
        )
        .await
}

/// Staff submit the counter form with one line of this type.
async fn apply(staff: &Browser, household: i64, type_id: i64) -> reqwest::Response {
    let form: serde_json::Value = counter_key(staff, household).await.json().await.unwrap();
    let key = form["form"]["submission_key"].as_str().unwrap().to_string();
    staff
        .post_api(
            "/api/submit_counter_application",
            &[
                ("household_id", &household.to_string()),
                ("submission_key", &key),
                ("lines[0][assistance_type_id]", &type_id.to_string()),
                ("lines[0][chosen]", "1"),
                ("lines[0][description]", "تحتاج الأسرة دورة خياطة للبدء"),
                ("lines[0][amount]", ""),
            ],
        )
        .await
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

async fn latest_line(app: &TestApp) -> (i64, i64) {
    sqlx::query_as("SELECT id, application_id FROM application_lines ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

both_engines! {
    async fn staff_apply_for_a_walk_in_and_the_head_confirms(app: TestApp) {
        let nakhla = app.signed_in(STAFF_NAKHLA).await;
        let household = walk_in(&app, &nakhla).await;
        let (training, equipment) = (type_id(&app, "training").await, type_id(&app, "equipment").await);
        let nakhla_id = association_id(&app, "DEMO-001").await;

        // Another association's staff: neither serves the household nor registered it.
        let bahr = app.signed_in(STAFF_BAHR).await;
        let denied_before = app::audit::count_actions(&app.state.db, app::audit::action::ACCESS_DENIED).await.unwrap();
        assert_eq!(counter_key(&bahr, household).await.status(), 403);
        assert_eq!(apply(&nakhla, household, training).await.status(), 200, "the walk-in association applies");
        let r = bahr.post_api("/api/submit_counter_application", &[
            ("household_id", &household.to_string()), ("submission_key", "k-bahr-0123456789abcdef"),
            ("lines[0][assistance_type_id]", &equipment.to_string()), ("lines[0][chosen]", "1"),
            ("lines[0][description]", "تحتاج الأسرة أدوات للعمل"),
        ]).await;
        assert_eq!(r.status(), 403);
        assert_eq!(bahr.post_api("/api/get_household_file", &[("household_id", &household.to_string())]).await.status(), 403);
        assert!(app::audit::count_actions(&app.state.db, app::audit::action::ACCESS_DENIED).await.unwrap() >= denied_before + 3);
        // A family member is no counter.
        let noura = app.signed_in(NOURA).await;
        assert_eq!(counter_key(&noura, household).await.status(), 403);

        // Recorded as made by the staff member for their association, pending the head.
        let (by, made_by, confirmation): (i64, Option<i64>, Option<String>) = sqlx::query_as(
            "SELECT submitted_by, made_by_association_id, head_confirmation FROM applications")
            .fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(by, user_id(&app, STAFF_NAKHLA).await);
        assert_eq!(made_by, Some(nakhla_id));
        assert_eq!(confirmation.as_deref(), Some("pending"));
        let (acting,): (Option<i64>,) = sqlx::query_as(
            "SELECT acting_for_association_id FROM audit_events WHERE action = 'application_made_at_counter'")
            .fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(acting, Some(nakhla_id));
        // Routed at once, like the family's own (training in this district: Al Nakhla).
        let (line, application) = latest_line(&app).await;
        let (routed,): (Option<i64>,) = sqlx::query_as("SELECT association_id FROM application_lines WHERE id = $1")
            .bind(line).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(routed, Some(nakhla_id));

        // The family's rules: one active line per type.
        let r = apply(&nakhla, household, training).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("line_already_active"));

        // Reviewed at once, but not approved before the head confirms.
        assert_eq!(act(&nakhla, line, "start_review", &[]).await.status(), 200);
        let r = act(&nakhla, line, "approve", &[]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("awaiting_head_confirmation"));
        let queue = nakhla.get("/association/queue").await.text().await.unwrap();
        assert!(queue.contains("awaiting-head"), "marked in the queue");

        // The receipt: the counter staff, the head; not another association.
        let receipt: Receipt = nakhla.post_api("/api/get_receipt", &[("application_id", &application.to_string())]).await.json().await.unwrap();
        assert_eq!(receipt.reference, app::applications::reference_number(application));
        assert_eq!(receipt.head_confirmation, Some(HeadConfirmation::Pending));
        assert!(receipt.for_staff);
        assert_eq!(bahr.post_api("/api/get_receipt", &[("application_id", &application.to_string())]).await.status(), 403);

        // The head's next sign-in lands on the account page, which asks.
        let noura = app.signed_in(NOURA).await;
        let account = noura.get("/account").await.text().await.unwrap();
        assert!(account.contains("counter-applications"), "asked on the account page");
        let pending: Vec<CounterApplication> = noura.post_api("/api/get_counter_applications", &[]).await.json().await.unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].application_id, application);
        let own: Receipt = noura.post_api("/api/get_receipt", &[("application_id", &application.to_string())]).await.json().await.unwrap();
        assert!(!own.for_staff);
        // Staff cannot answer for the head.
        assert_eq!(nakhla.post_api("/api/answer_counter_application", &[("application_id", &application.to_string()), ("confirm", "true")]).await.status(), 404);
        let r = noura.post_api("/api/answer_counter_application", &[("application_id", &application.to_string()), ("confirm", "true")]).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        assert_eq!(app::audit::count_actions(&app.state.db, app::audit::action::COUNTER_APPLICATION_CONFIRMED).await.unwrap(), 1);
        // Answered once.
        assert_eq!(noura.post_api("/api/answer_counter_application", &[("application_id", &application.to_string()), ("confirm", "false")]).await.status(), 409);
        assert!(noura.post_api("/api/get_counter_applications", &[]).await.json::<Vec<CounterApplication>>().await.unwrap().is_empty());

        // Confirmed: approved and fulfilled; then the cooldown holds at the counter too.
        assert_eq!(act(&nakhla, line, "approve", &[]).await.status(), 200);
        assert_eq!(act(&nakhla, line, "fulfil", &[("given_on", "2026-11-20")]).await.status(), 200);
        let r = apply(&nakhla, household, training).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("line_in_cooldown"));

        // The household's file: members, lines, benefits, audited as a full read.
        let viewed = app::audit::count_actions(&app.state.db, app::audit::action::HOUSEHOLD_VIEWED).await.unwrap();
        let file: HouseholdFile = nakhla.post_api("/api/get_household_file", &[("household_id", &household.to_string())]).await.json().await.unwrap();
        assert!(file.walked_in_here);
        assert_eq!(file.lines.len(), 1);
        assert_eq!(file.benefits.len(), 1);
        assert!(!file.household.head_national_id_masked.contains("000006"), "masked: {}", file.household.head_national_id_masked);
        assert_eq!(app::audit::count_actions(&app.state.db, app::audit::action::HOUSEHOLD_VIEWED).await.unwrap(), viewed + 1);
        let page = nakhla.get(&format!("/association/households/{household}")).await.text().await.unwrap();
        assert!(page.contains("print-doc"), "{page}");
    }

    async fn the_head_declines_and_the_lines_are_withdrawn(app: TestApp) {
        let nakhla = app.signed_in(STAFF_NAKHLA).await;
        let household = walk_in(&app, &nakhla).await;
        let equipment = type_id(&app, "equipment").await;
        assert_eq!(apply(&nakhla, household, equipment).await.status(), 200);
        let (line, application) = latest_line(&app).await;
        let noura = app.signed_in(NOURA).await;
        // A plain form post (no JavaScript): back to "My applications".
        let r = noura.post_form_from("/account", "/api/answer_counter_application",
            &[("application_id", &application.to_string()), ("confirm", "false")]).await;
        assert!(r.status().is_redirection(), "{}", r.status());
        assert!(common::location(&r).starts_with("/applications?counter=declined"), "{}", common::location(&r));
        let (state,): (String,) = sqlx::query_as("SELECT state FROM application_lines WHERE id = $1")
            .bind(line).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(state, "withdrawn");
        let (confirmation,): (Option<String>,) = sqlx::query_as("SELECT head_confirmation FROM applications WHERE id = $1")
            .bind(application).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(confirmation.as_deref(), Some("declined"));
        assert_eq!(app::audit::count_actions(&app.state.db, app::audit::action::COUNTER_APPLICATION_DECLINED).await.unwrap(), 1);
        // Withdrawn, the type may be asked for again.
        assert_eq!(apply(&nakhla, household, equipment).await.status(), 200);
    }

    async fn a_household_the_association_does_not_serve_is_refused(app: TestApp) {
        // Noura registers herself: no association serves her household yet.
        let noura = app.signed_in(NOURA).await;
        common::register_household(&noura, common::jeddah_district(&app.state.db, 0).await).await;
        let (household,): (i64,) = sqlx::query_as("SELECT id FROM households").fetch_one(&app.state.db.pool).await.unwrap();
        let nakhla = app.signed_in(STAFF_NAKHLA).await;
        assert_eq!(counter_key(&nakhla, household).await.status(), 403);
        let page = nakhla.get(&format!("/association/households/{household}")).await.text().await.unwrap();
        assert!(!page.contains("نورة"), "no record shown: {page}");
        assert_eq!(app.count("SELECT COUNT(*) FROM applications").await, 0);
    }
}
