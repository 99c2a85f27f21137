//! The retention job (issue 16), on SQLite and PostgreSQL: with the clock
//! moved forward step by step, each rule deletes exactly its rows past
//! their period and keeps the others; the audit trail refuses deletion
//! except by a run holding the lease; two runs never run at once; the
//! officer sees the runs.

mod common;

use app::data_protection::db::retention as lease;
use app::data_protection::retention::{self, RunOutcome};
use app::data_protection::{RetentionPolicy, Rule, StartedBy};
use app::database::{Db, now};
use app::identity::RoleKind;
use common::{TestApp, location, persona};

const NOURA: &str = "1000000065";
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

fn policy(app: &TestApp) -> RetentionPolicy {
    retention::policy_of(&app.state)
}

async fn count(db: &Db, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&db.pool)
        .await
        .unwrap();
    n
}

async fn run_at(app: &TestApp, at: i64) -> RunOutcome {
    retention::run(
        &app.state.db,
        &policy(app),
        at,
        "test",
        StartedBy::CommandLine,
    )
    .await
    .expect("retention run")
}

/// Every rule's count in a run, as (rule, deleted), for a readable failure.
fn counts(outcome: &RunOutcome) -> Vec<(Rule, i64)> {
    Rule::ALL
        .iter()
        .map(|r| (*r, outcome.deleted(*r)))
        .collect()
}

fn expect(pairs: &[(Rule, i64)]) -> Vec<(Rule, i64)> {
    Rule::ALL
        .iter()
        .map(|r| {
            (
                *r,
                pairs.iter().find(|(p, _)| p == r).map_or(0, |(_, n)| *n),
            )
        })
        .collect()
}

/// An import batch with `rows` rows: committed (finished at `at`) or a dry run (checked at `at`).
async fn import_fixture(db: &Db, committed: bool, at: i64, rows: i64, sha: &str) -> i64 {
    let (association,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM associations")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (user,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM users")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (batch,): (i64,) = sqlx::query_as(
        "INSERT INTO import_batches (association_id, kind, file_name, file_sha256, status, \
           uploaded_by, uploaded_at, checked_at, finished_at, rows_total) \
         VALUES ($1, 'households', 'families.csv', $2, $3, $4, $5, $5, $6, $7) RETURNING id",
    )
    .bind(association)
    .bind(sha)
    .bind(if committed { "committed" } else { "dry_run" })
    .bind(user)
    .bind(at)
    .bind(if committed { Some(at) } else { None })
    .bind(rows)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    for line in 0..rows {
        sqlx::query(
            "INSERT INTO import_rows (batch_id, line_no, cells, outcome) VALUES ($1, $2, $3, 'create')",
        )
        .bind(batch)
        .bind(line + 3)
        .bind(r#"{"national_id":"1000000065","phone":"0551234567"}"#)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    batch
}

async fn each_rule_deletes_its_rows_after_its_period(app: TestApp) {
    let db = app.state.db.clone();
    let t0 = now();
    // Real sign-ins: attempts, simulator requests, counters, sessions, audit rows.
    let noura = app.signed_in(NOURA).await;
    let officer = app
        .signed_in(&persona(RoleKind::DataProtectionOfficer))
        .await;
    assert_eq!(noura.get("/account").await.status(), 200);
    sqlx::query(
        "INSERT INTO form_drafts (token, user_id, form, fields, created_at) \
         SELECT 'draft-1', id, 'household', '{}', $1 FROM users WHERE national_id = $2",
    )
    .bind(t0)
    .bind(NOURA)
    .execute(&db.pool)
    .await
    .unwrap();
    let committed = import_fixture(&db, true, t0, 3, "aa").await;
    import_fixture(&db, false, t0, 2, "bb").await;
    // An audit row from six years ago: past the legal period already.
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, action, detail) VALUES ($1, 'sign_in', 'old')",
    )
    .bind(t0 - 6 * 365 * DAY)
    .execute(&db.pool)
    .await
    .unwrap();

    let attempts = count(&db, "nafath_requests").await;
    let simulated = count(&db, "nafath_sim_requests").await;
    let counters = count(&db, "sign_in_counters").await;
    let sessions = count(&db, "sessions").await;
    assert!(attempts >= 2 && simulated >= 2 && counters >= 2 && sessions == 2);

    // Two hours on: sessions (idle an hour) and drafts (an hour) go, and
    // the six-year-old audit row; everything else stays.
    let ran = run_at(&app, t0 + 2 * HOUR).await;
    assert_eq!(
        counts(&ran),
        expect(&[
            (Rule::Sessions, sessions),
            (Rule::FormDrafts, 1),
            (Rule::AuditEvents, 1),
        ])
    );
    assert_eq!(count(&db, "sessions").await, 0);
    assert_eq!(count(&db, "nafath_requests").await, attempts);
    assert_eq!(count(&db, "nafath_sim_requests").await, simulated);
    assert_eq!(count(&db, "sign_in_counters").await, counters);
    assert_eq!(count(&db, "import_rows").await, 5);
    // The session is gone for the browser too.
    let r = noura.get("/account").await;
    assert!(location(&r).contains("/sign-in"), "{}", r.status());
    let audit_after_first = count(&db, "audit_events").await;

    // Two days on: the simulator's requests and the rate-limit counters.
    let ran = run_at(&app, t0 + 2 * DAY).await;
    assert_eq!(
        counts(&ran),
        expect(&[
            (Rule::SimulatorRequests, simulated),
            (Rule::RateLimits, counters),
        ])
    );
    assert_eq!(count(&db, "nafath_requests").await, attempts);

    // A month on: the sign-in attempts, the import rows (committed and
    // abandoned) and the abandoned batch; the committed batch's summary stays.
    let ran = run_at(&app, t0 + 31 * DAY).await;
    assert_eq!(
        counts(&ran),
        expect(&[
            (Rule::SignInAttempts, attempts),
            (Rule::ImportRows, 5),
            (Rule::AbandonedImports, 1),
        ])
    );
    let (kept,): (i64,) = sqlx::query_as("SELECT id FROM import_batches")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(kept, committed);
    assert_eq!(count(&db, "audit_events").await, audit_after_first);

    // Five years and three days on: every audit row of the test (all
    // written around t0) and the first three runs' reports (a year old).
    let audit = count(&db, "audit_events").await;
    assert!(audit > 3, "sign-ins were audited");
    let ran = run_at(&app, t0 + (5 * 365 + 3) * DAY).await;
    assert_eq!(
        counts(&ran),
        expect(&[(Rule::AuditEvents, audit), (Rule::RetentionRuns, 3)])
    );
    assert_eq!(count(&db, "audit_events").await, 0);
    assert_eq!(count(&db, "retention_runs").await, 1);
    assert!(count(&db, "users").await > 0, "people are not the job's");

    // The officer sees the run and its counts (signed in again: the session
    // went with the first run).
    drop(officer);
    let officer = app
        .signed_in(&persona(RoleKind::DataProtectionOfficer))
        .await;
    let page = officer.get("/data-protection/retention").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("audit_events"), "the table is listed");
    assert!(html.contains("class=\"run\""), "the run is listed");
}

async fn the_audit_trail_is_deleted_only_by_a_run_past_its_period(app: TestApp) {
    let db = app.state.db.clone();
    let t0 = now();
    sqlx::query(
        "INSERT INTO audit_events (occurred_at, action, detail) VALUES ($1, 'sign_in', 'old')",
    )
    .bind(t0 - 10 * 365 * DAY)
    .execute(&db.pool)
    .await
    .unwrap();
    // Outside a run: refused, even for an old row.
    let refused = sqlx::query("DELETE FROM audit_events WHERE detail = 'old'")
        .execute(&db.pool)
        .await;
    assert!(refused.is_err(), "the trigger refuses");
    let refused = sqlx::query("UPDATE audit_events SET detail = 'x'")
        .execute(&db.pool)
        .await;
    assert!(refused.is_err(), "never updated");
    // With the lease held and a cut-off: older rows only.
    assert!(
        lease::take_lease(&db, "me", t0, t0 + 60, t0 - 365 * DAY)
            .await
            .unwrap()
    );
    let recent = sqlx::query("DELETE FROM audit_events WHERE occurred_at > $1")
        .bind(t0 - 365 * DAY)
        .execute(&db.pool)
        .await;
    assert!(recent.is_err(), "a row newer than the cut-off stays");
    let old = sqlx::query("DELETE FROM audit_events WHERE detail = 'old'")
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(old.rows_affected(), 1);
    lease::release_lease(&db, "me").await.unwrap();
}

async fn two_runs_never_run_at_once(app: TestApp) {
    let db = app.state.db.clone();
    let t0 = now();
    let _noura = app.signed_in(NOURA).await;
    // Another instance holds the lease: this run does nothing.
    assert!(
        lease::take_lease(&db, "other", t0 - HOUR, t0 + retention::LEASE_SECS, 0)
            .await
            .unwrap()
    );
    assert_eq!(run_at(&app, t0 + 14 * 60).await, RunOutcome::Busy);
    assert_eq!(count(&db, "retention_runs").await, 0);
    assert_eq!(count(&db, "sessions").await, 1, "nothing deleted");
    // The officer's button says so.
    let officer = app
        .signed_in(&persona(RoleKind::DataProtectionOfficer))
        .await;
    let r = officer.post_api("/api/run_retention_now", &[]).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("retention_busy"));
    // Its holder vanished: once the lease expires, a run takes it over.
    let ran = run_at(&app, t0 + retention::LEASE_SECS + 1).await;
    assert!(matches!(ran, RunOutcome::Ran { .. }));
    // Many instances asking at the same moment: exactly one gets it.
    let mut asks = Vec::new();
    for i in 0..8 {
        let db = db.clone();
        asks.push(tokio::spawn(async move {
            lease::take_lease(&db, &format!("instance-{i}"), t0, t0 + 60, 0)
                .await
                .unwrap()
        }));
    }
    let mut taken = 0;
    for ask in asks {
        taken += i64::from(ask.await.unwrap());
    }
    assert_eq!(taken, 1, "one lease for eight instances");
    // Runs started together: never two at once (the others answer Busy).
    let (holder,): (String,) = sqlx::query_as("SELECT holder FROM retention_lease")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    lease::release_lease(&db, &holder).await.unwrap();
    let policy = policy(&app);
    let (a, b) = tokio::join!(
        retention::run(&db, &policy, t0, "a", StartedBy::Schedule),
        retention::run(&db, &policy, t0, "b", StartedBy::Schedule),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let runs = count(&db, "retention_runs").await;
    // Either both ran one after the other, or one found the other running.
    assert!(
        (a != RunOutcome::Busy && b != RunOutcome::Busy && runs == 3)
            || ((a == RunOutcome::Busy) != (b == RunOutcome::Busy) && runs == 2),
        "{a:?} {b:?} {runs}"
    );
    // The officer's own run, audited.
    let r = officer.post_form("/api/run_retention_now", &[]).await;
    assert_eq!(r.status(), 302);
    assert_eq!(
        app::audit::count_actions(&db, "retention_run")
            .await
            .unwrap(),
        1
    );
    // Nobody else may.
    let noura = app.signed_in(NOURA).await;
    assert_eq!(
        noura.post_api("/api/run_retention_now", &[]).await.status(),
        403
    );
    assert_eq!(
        noura
            .post_api("/api/get_retention_page", &[])
            .await
            .status(),
        403
    );
}

both_engines! {
    async fn retention_table(app: TestApp) {
        each_rule_deletes_its_rows_after_its_period(app).await
    }
    async fn audit_trail_deletion(app: TestApp) {
        the_audit_trail_is_deleted_only_by_a_run_past_its_period(app).await
    }
    async fn one_run_at_a_time(app: TestApp) {
        two_runs_never_run_at_once(app).await
    }
}
