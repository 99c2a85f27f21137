//! Keeping families in (issue 17 §1–2), through real HTTP on SQLite and
//! PostgreSQL: a household that misses sessions and whose shop went quiet
//! comes up at risk with both reasons; a caseworker books a call (the family
//! gets a message), reaches the family, and the status falls to watch at
//! once; ownership, closing with an exit reason, a re-entry, the change
//! feed, the council's rules, the lease, and who may see what.

mod common;

use app::continuity::{Status, db as continuity, job};
use app::database::now;
use app::identity::RoleKind;
use common::{Browser, TestApp, location, persona};
use serde_json::Value;

const NOURA: &str = "1000000065";
const MONA_NAKHLA_STAFF: &str = "1000000032";
const REEM_BAHR_STAFF: &str = "1000000040";
const DAY: i64 = 86_400;

async fn json(browser: &Browser, path: &str, form: &[(&str, &str)]) -> Value {
    let r = browser.post_api(path, form).await;
    assert_eq!(r.status(), 200, "{path}: {}", r.text().await.unwrap());
    r.json().await.unwrap()
}

async fn status(browser: &Browser, path: &str, form: &[(&str, &str)]) -> u16 {
    browser.post_api(path, form).await.status().as_u16()
}

async fn one(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    n
}

/// The signals of a quiet family, written as the other domains would have:
/// a running course with two sessions she missed, and a shop whose one
/// product has not changed (nor been tapped) for ten weeks.
async fn missed_sessions_and_a_quiet_shop(app: &TestApp, household: i64, user: i64) {
    let db = &app.state.db.pool;
    let at = now();
    let provider = one(app, "SELECT MIN(id) FROM training_providers").await;
    let (course,): (i64,) = sqlx::query_as(
        "INSERT INTO courses (provider_id, title_ar, title_en, specialty, mode, seats, opens_at, \
           closes_at, status, completion_percent, created_at, updated_at) \
         VALUES ($1, 'الخياطة', 'Sewing', 'sewing', 'online', 10, $2, $3, 'running', 75, $2, $2) RETURNING id",
    )
    .bind(provider)
    .bind(at - 30 * DAY)
    .bind(at + 30 * DAY)
    .fetch_one(db)
    .await
    .unwrap();
    let (enrollment,): (i64,) = sqlx::query_as(
        "INSERT INTO enrollments (course_id, user_id, household_id, status, created_at, updated_at) \
         VALUES ($1, $2, $3, 'enrolled', $4, $4) RETURNING id",
    )
    .bind(course)
    .bind(user)
    .bind(household)
    .bind(at - 20 * DAY)
    .fetch_one(db)
    .await
    .unwrap();
    for days in [10, 3] {
        let (session,): (i64,) = sqlx::query_as(
            "INSERT INTO course_sessions (course_id, starts_at, ends_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(course)
        .bind(at - days * DAY)
        .bind(at - days * DAY + 7200)
        .fetch_one(db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO attendance (enrollment_id, session_id, mark, marked_by, marked_at) \
             VALUES ($1, $2, 'absent', $3, $4)",
        )
        .bind(enrollment)
        .bind(session)
        .bind(user)
        .bind(at - days * DAY + 7200)
        .execute(db)
        .await
        .unwrap();
    }
    let old = at - 70 * DAY;
    let district = common::jeddah_district(&app.state.db, 0).await;
    let (shop,): (i64,) = sqlx::query_as(
        "INSERT INTO shops (household_id, owner_user_id, name_ar, bio, district_id, pickup, delivery, \
           delivery_areas, whatsapp, created_at, updated_at) \
         VALUES ($1, $2, 'مطبخ نورة', 'أكل بيتي', $3, 1, 0, '', '966551234567', $4, $4) RETURNING id",
    )
    .bind(household)
    .bind(user)
    .bind(district)
    .bind(old)
    .fetch_one(db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO products (shop_id, category, title_ar, description_ar, price_halalas, availability, \
           status, created_at, updated_at, published_at) \
         VALUES ($1, 'food', 'معمول', 'معمول بالتمر', 2500, 'in_stock', 'published', $2, $2, $2)",
    )
    .bind(shop)
    .bind(old)
    .execute(db)
    .await
    .unwrap();
}

async fn reasons_of(app: &TestApp, household: i64) -> (Status, Vec<String>) {
    let a = continuity::status_of(&app.state.db, household)
        .await
        .unwrap()
        .expect("a status");
    let kinds = serde_json::to_value(&a.reasons).unwrap();
    let kinds = kinds
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap().to_string())
        .collect();
    (a.status, kinds)
}

async fn a_quiet_family_is_called_and_comes_back(app: TestApp) {
    let noura = app.signed_in(NOURA).await;
    common::apply_for_training(&app, &noura).await;
    let household = one(
        &app,
        &format!("SELECT id FROM households WHERE head_national_id = '{NOURA}'"),
    )
    .await;
    let user = one(
        &app,
        &format!("SELECT id FROM users WHERE national_id = '{NOURA}'"),
    )
    .await;
    // The submission is in the change feed; a full run assesses her: active.
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM continuity_queue WHERE household_id = {household}"
        ))
        .await,
        1
    );
    let report = job::recompute_all(&app.state.db, "test", now())
        .await
        .unwrap()
        .unwrap();
    assert!(report.households >= 1);
    assert_eq!(reasons_of(&app, household).await, (Status::Active, vec![]));

    missed_sessions_and_a_quiet_shop(&app, household, user).await;
    job::recompute(&app.state.db, &[household], now())
        .await
        .unwrap();
    let (now_status, reasons) = reasons_of(&app, household).await;
    assert_eq!(now_status, Status::AtRisk);
    assert_eq!(reasons, vec!["missed_sessions", "stale_shop"]);
    let history = app
        .count(&format!(
            "SELECT COUNT(*) FROM continuity_history WHERE household_id = {household}"
        ))
        .await;
    assert_eq!(history, 2, "active, then at risk");

    // Al Nakhla serves her (the line): she is on its at-risk list, with reasons in words.
    let mona = app.signed_in(MONA_NAKHLA_STAFF).await;
    let list = json(&mona, "/api/get_continuity", &[("view", "at_risk")]).await;
    let row = list["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["household_id"] == household)
        .expect("on the list")
        .clone();
    assert_eq!(row["status"], "at_risk");
    assert!(
        row.get("phone").is_none() && !list.to_string().contains(NOURA),
        "no phone, no national ID: {list}"
    );
    let page = mona
        .get("/association/continuity")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("الخياطة") && page.contains("data-status=\"at_risk\""),
        "{page}"
    );
    assert!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'personal_data_listed' AND subject_id = 'continuity at_risk'").await >= 1);

    // Bahr does not serve her: not on its list, and her case is closed to it.
    let reem = app.signed_in(REEM_BAHR_STAFF).await;
    let theirs = json(&reem, "/api/get_continuity", &[("view", "at_risk")]).await;
    assert!(
        !theirs["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["household_id"] == household)
    );
    let h = household.to_string();
    let h = h.as_str();
    assert_eq!(
        status(&reem, "/api/get_case", &[("household_id", h)]).await,
        403
    );
    assert_eq!(
        status(
            &reem,
            "/api/book_follow_up",
            &[
                ("household_id", h),
                ("kind", "call"),
                ("due_on", "2099-01-01")
            ]
        )
        .await,
        403
    );
    assert_eq!(status(&noura, "/api/get_continuity", &[]).await, 403);

    // Mona books a call: bad input is refused in words; a good one tells the family.
    assert_eq!(
        status(
            &mona,
            "/api/book_follow_up",
            &[
                ("household_id", h),
                ("kind", "dance"),
                ("due_on", "2099-01-01")
            ]
        )
        .await,
        422
    );
    assert_eq!(
        status(
            &mona,
            "/api/book_follow_up",
            &[("household_id", h), ("kind", "call"), ("due_on", "someday")]
        )
        .await,
        422
    );
    let refused = mona
        .post_form(
            "/api/book_follow_up",
            &[("household_id", h), ("kind", "call"), ("due_on", "someday")],
        )
        .await;
    assert!(
        location(&refused).contains("error=date_invalid"),
        "{}",
        location(&refused)
    );
    let tomorrow = app::time::format_date(now() + DAY);
    assert_eq!(
        status(
            &mona,
            "/api/book_follow_up",
            &[
                ("household_id", h),
                ("kind", "call"),
                ("due_on", tomorrow.as_str()),
                ("due_time", "١٠:٣٠")
            ]
        )
        .await,
        200
    );
    let kinds: Vec<(String,)> =
        sqlx::query_as("SELECT kind FROM message_outbox WHERE user_id = $1")
            .bind(user)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert!(
        kinds.iter().any(|(k,)| k == "follow_up_appointment"),
        "{kinds:?}"
    );
    let case = json(&mona, "/api/get_case", &[("household_id", h)]).await;
    let follow_up = case["follow_ups"][0]["id"].as_i64().unwrap();
    assert_eq!(case["follow_ups"][0]["kind"], "call");
    let mine = json(&mona, "/api/get_continuity", &[("view", "mine")]).await;
    assert!(
        mine["due"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == follow_up),
        "due this week: {mine}"
    );

    // The visit form, saved per part: the note alone, then the outcome.
    let f = follow_up.to_string();
    let f = f.as_str();
    assert_eq!(
        status(
            &mona,
            "/api/save_follow_up_note",
            &[("id", f), ("note", "اتصلت بها، ستعود للدورة")]
        )
        .await,
        200
    );
    assert_eq!(
        status(
            &reem,
            "/api/save_follow_up_note",
            &[("id", f), ("note", "x")]
        )
        .await,
        403
    );
    assert_eq!(
        status(
            &mona,
            "/api/record_follow_up",
            &[("id", f), ("outcome", "closed")]
        )
        .await,
        422,
        "closing needs a reason"
    );
    assert_eq!(
        status(
            &mona,
            "/api/record_follow_up",
            &[("id", f), ("outcome", "reached")]
        )
        .await,
        200
    );
    assert_eq!(
        status(
            &mona,
            "/api/record_follow_up",
            &[("id", f), ("outcome", "reached")]
        )
        .await,
        409
    );
    // Reached: the absences are answered; the quiet shop remains: watch, at once.
    assert_eq!(
        reasons_of(&app, household).await,
        (Status::Watch, vec!["stale_shop".to_string()])
    );
    let visit = mona
        .get(&format!("/association/follow-ups/{follow_up}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(visit.contains("اتصلت بها"), "the note is kept");

    // Ownership: assigned to Mona by name; the unassigned list no longer has her.
    let mona_id = one(
        &app,
        &format!("SELECT id FROM users WHERE national_id = '{MONA_NAKHLA_STAFF}'"),
    )
    .await;
    assert_eq!(
        status(
            &mona,
            "/api/assign_case",
            &[("household_id", h), ("assignee", user.to_string().as_str())]
        )
        .await,
        422,
        "only the association's staff"
    );
    assert_eq!(
        status(
            &mona,
            "/api/assign_case",
            &[
                ("household_id", h),
                ("assignee", mona_id.to_string().as_str())
            ]
        )
        .await,
        200
    );
    let mine = json(&mona, "/api/get_continuity", &[("view", "mine")]).await;
    let row = mine["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["household_id"] == household)
        .expect("my case")
        .clone();
    assert_eq!(row["owner_assigned"], true);
    let unassigned = json(&mona, "/api/get_continuity", &[("view", "unassigned")]).await;
    assert!(
        !unassigned["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["household_id"] == household)
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'case_assigned'")
            .await,
        1
    );

    // Closing the case: exited, with its reason.
    assert_eq!(
        status(&mona, "/api/close_case", &[("household_id", h)]).await,
        422
    );
    assert_eq!(
        status(
            &mona,
            "/api/close_case",
            &[("household_id", h), ("exit_reason", "graduated")]
        )
        .await,
        200
    );
    assert_eq!(
        reasons_of(&app, household).await,
        (Status::Exited, vec!["exited".to_string()])
    );
    assert_eq!(
        json(&mona, "/api/get_case", &[("household_id", h)]).await["reentry"],
        false
    );

    // She comes back with a new request: no longer exited, and visibly a re-entry.
    sqlx::query("UPDATE application_lines SET state = 'withdrawn' WHERE household_id = $1")
        .bind(household)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query(
        // A day later (times are in seconds: the return comes after the close).
        "UPDATE cases SET closed_at = closed_at - 86400 WHERE household_id = $1",
    )
    .bind(household)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    common::apply_for_training(&app, &noura).await;
    job::recompute(&app.state.db, &[household], now())
        .await
        .unwrap();
    assert_ne!(reasons_of(&app, household).await.0, Status::Exited);
    assert_eq!(
        json(&mona, "/api/get_case", &[("household_id", h)]).await["reentry"],
        true
    );
    let exits = app.count(&format!("SELECT COUNT(*) FROM continuity_history WHERE household_id = {household} AND status = 'exited'")).await;
    assert_eq!(exits, 1, "the history keeps the exit for reports");
}

async fn the_feed_the_rules_and_the_lease(app: TestApp) {
    let noura = app.signed_in(NOURA).await;
    let line = common::apply_for_training(&app, &noura).await;
    let household = one(
        &app,
        &format!("SELECT id FROM households WHERE head_national_id = '{NOURA}'"),
    )
    .await;
    // A decision puts the household in the change feed; the worker's drain empties it.
    let mona = app.signed_in(MONA_NAKHLA_STAFF).await;
    let l = line.to_string();
    let l = l.as_str();
    assert_eq!(
        status(
            &mona,
            "/api/act_on_line",
            &[("line_id", l), ("action", "start_review")]
        )
        .await,
        200
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM continuity_queue WHERE household_id = {household}"
        ))
        .await,
        1
    );
    assert!(job::drain_changes(&app.state.db, now()).await.unwrap() >= 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM continuity_queue").await, 0);
    assert_eq!(reasons_of(&app, household).await.0, Status::Active);

    // The council's rules: checked, saved, applied by the next recompute.
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    assert_eq!(status(&mona, "/api/get_continuity_rules", &[]).await, 403);
    let rules = json(&council, "/api/get_continuity_rules", &[]).await;
    assert_eq!(rules["at_risk_at"], 4);
    let mut form: Vec<(String, String)> = rules
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (format!("rules[{k}]"), v.to_string()))
        .collect();
    let set = |form: &mut Vec<(String, String)>, key: &str, value: &str| {
        form.iter_mut()
            .find(|(k, _)| k == &format!("rules[{key}]"))
            .unwrap()
            .1 = value.to_string();
    };
    set(&mut form, "at_risk_at", "2");
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        status(&council, "/api/save_continuity_rules", &borrowed).await,
        422,
        "at risk must need more than watch"
    );
    assert_eq!(
        status(&mona, "/api/save_continuity_rules", &borrowed).await,
        403
    );
    set(&mut form, "at_risk_at", "3");
    set(&mut form, "no_contact_days", "0");
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        status(&council, "/api/save_continuity_rules", &borrowed).await,
        200
    );
    let recompute = council.post_form("/api/recompute_continuity", &[]).await;
    assert!(
        location(&recompute).contains("recomputed="),
        "{}",
        location(&recompute)
    );
    assert_eq!(
        reasons_of(&app, household).await,
        (Status::Watch, vec!["no_contact".to_string()])
    );
    let page = council
        .get("/council/continuity-rules")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("name=\"rules[no_contact_days]\""), "{page}");

    // One full run at a time: while another instance holds the lease, a run is skipped.
    let at = now();
    assert!(
        app::jobs::take_lease(&app.state.db, job::LEASE, "other", at, at + 600)
            .await
            .unwrap()
    );
    assert_eq!(
        job::recompute_all(&app.state.db, "test", at).await.unwrap(),
        None
    );
    assert_eq!(
        council
            .post_api("/api/recompute_continuity", &[])
            .await
            .status(),
        409
    );
    app::jobs::release_lease(&app.state.db, job::LEASE, "other")
        .await
        .unwrap();
    assert!(
        job::recompute_all(&app.state.db, "test", at)
            .await
            .unwrap()
            .is_some()
    );
}

both_engines! {
    async fn quiet_family(app: TestApp) {
        a_quiet_family_is_called_and_comes_back(app).await;
    }
    async fn feed_rules_lease(app: TestApp) {
        the_feed_the_rules_and_the_lease(app).await;
    }
}
