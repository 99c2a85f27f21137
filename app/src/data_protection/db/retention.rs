//! The retention job's SQL: the lease (one row, taken by a conditional
//! UPDATE, so one run at a time across instances), one deletion per rule in
//! batches, and the reports of each run.

use super::super::{RetentionPolicy, RetentionRun, Rule, StartedBy};
use crate::database::{Db, retrying, stored};

/// Rows deleted per statement: a batch is a short write, so requests keep
/// being served (SQLite has one writer) while a large table is trimmed.
pub const BATCH: i64 = 2000;

/// Takes the lease for `holder` until `expires_at` if no one holds it or
/// its holder's time ran out (a crashed instance); true when taken. One
/// conditional UPDATE: of two instances asking at once, the database lets
/// exactly one match the condition. `audit_before` is the run's cut-off for
/// audit rows, read by the trigger that otherwise refuses their deletion.
#[tracing::instrument(skip_all)]
pub async fn take_lease(
    db: &Db,
    holder: &str,
    now: i64,
    expires_at: i64,
    audit_before: i64,
) -> Result<bool, sqlx::Error> {
    // The row is made by the migration; should it ever be missing, the
    // first taker makes it (and a concurrent one finds it and competes below).
    sqlx::query(
        "INSERT INTO retention_lease (id, holder, expires_at, audit_before) VALUES (1, NULL, 0, 0) \
         ON CONFLICT (id) DO NOTHING",
    )
    .execute(&db.pool)
    .await?;
    let taken = sqlx::query(
        "UPDATE retention_lease SET holder = $1, taken_at = $2, expires_at = $3, audit_before = $4 \
         WHERE id = 1 AND (holder IS NULL OR expires_at <= $2)",
    )
    .bind(holder)
    .bind(now)
    .bind(expires_at)
    .bind(audit_before)
    .execute(&db.pool)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// Extends the lease of `holder`; false when it is no longer theirs.
pub async fn renew_lease(db: &Db, holder: &str, expires_at: i64) -> Result<bool, sqlx::Error> {
    let renewed =
        sqlx::query("UPDATE retention_lease SET expires_at = $2 WHERE id = 1 AND holder = $1")
            .bind(holder)
            .bind(expires_at)
            .execute(&db.pool)
            .await?;
    Ok(renewed.rows_affected() == 1)
}

/// Gives the lease back (only if `holder` still has it).
pub async fn release_lease(db: &Db, holder: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE retention_lease SET holder = NULL, taken_at = NULL, expires_at = 0, \
         audit_before = 0 WHERE id = 1 AND holder = $1",
    )
    .bind(holder)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Records the start of a run; returns its id.
pub async fn start_run(
    db: &Db,
    holder: &str,
    started_by: StartedBy,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO retention_runs (started_at, holder, started_by) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(now)
    .bind(holder)
    .bind(started_by.as_str())
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

/// Records what a rule deleted in a run.
pub async fn record_count(
    db: &Db,
    run_id: i64,
    rule: Rule,
    deleted: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO retention_run_counts (run_id, rule, deleted) VALUES ($1, $2, $3)")
        .bind(run_id)
        .bind(rule.as_str())
        .bind(deleted)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Records the end of a run (`done` or `failed`).
pub async fn finish_run(db: &Db, run_id: i64, outcome: &str, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE retention_runs SET finished_at = $2, outcome = $3 WHERE id = $1")
        .bind(run_id)
        .bind(at)
        .bind(outcome)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The statement deleting one batch of a rule's rows: the keys of at most
/// [`BATCH`] rows past the cut-off ($1; a second value, see [`second_value`],
/// as $2), then those rows. The same SQL on both engines.
fn batch_statement(rule: Rule) -> Option<String> {
    let (table, key, condition) = match rule {
        Rule::SignInAttempts => ("nafath_requests", "id", "created_at < $1"),
        Rule::SimulatorRequests => ("nafath_sim_requests", "trans_id", "created_at < $1"),
        // The window is over and any block has ended.
        Rule::RateLimits => (
            "sign_in_counters",
            "counter_key",
            "window_start < $1 AND blocked_until <= $2",
        ),
        // $1 is the absolute cut-off, $2 the idle one.
        Rule::Sessions => (
            "sessions",
            "token_hash",
            "(created_at <= $1 OR last_seen_at <= $2)",
        ),
        Rule::FormDrafts => ("form_drafts", "token", "created_at < $1"),
        // Rows of batches committed long enough ago, or of dry runs never
        // committed: the cells hold IDs, names and phones as written.
        Rule::ImportRows => (
            "import_rows",
            "id",
            "batch_id IN (SELECT b.id FROM import_batches b WHERE \
               (b.status = 'committed' AND b.finished_at < $1) \
               OR (b.status = 'dry_run' AND b.checked_at < $1))",
        ),
        Rule::AbandonedImports => (
            "import_batches",
            "id",
            "status = 'dry_run' AND checked_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM import_rows r WHERE r.batch_id = import_batches.id)",
        ),
        Rule::AuditEvents => ("audit_events", "id", "occurred_at < $1"),
        Rule::RetentionRuns => ("retention_runs", "id", "started_at < $1"),
        // Blanked, not deleted (see [`apply`]).
        Rule::MessageBodies => return None,
    };
    Some(format!(
        "DELETE FROM {table} WHERE {key} IN \
         (SELECT {key} FROM {table} WHERE {condition} LIMIT {BATCH})"
    ))
}

/// The `$2` of a rule's statement, for the two that need one: the run's
/// time (a rate-limit block still running) and the idle cut-off (sessions).
fn second_value(rule: Rule, policy: &RetentionPolicy, now: i64) -> Option<i64> {
    match rule {
        Rule::RateLimits => Some(now),
        Rule::Sessions => Some(now - policy.session_idle_secs),
        _ => None,
    }
}

/// Deletes a rule's rows past their period at `now`, a batch at a time;
/// returns how many went. Audit rows go only while the caller holds the
/// lease with a cut-off at least this early (the trigger checks).
#[tracing::instrument(skip_all, fields(rule = rule.as_str()))]
pub async fn apply(
    db: &Db,
    policy: &RetentionPolicy,
    rule: Rule,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let Some(sql) = batch_statement(rule) else {
        // A sent message's record stays; only its body, values and phone go.
        let blanked = crate::messaging::db::forget_bodies(db, now).await?;
        return Ok(i64::try_from(blanked).unwrap_or(i64::MAX));
    };
    let second = second_value(rule, policy, now);
    let cutoff = policy.cutoff(rule, now);
    let mut total = 0;
    loop {
        let deleted = retrying(|| async {
            let query = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(cutoff);
            // PostgreSQL refuses a value bound to no placeholder.
            let query = match second {
                Some(value) => query.bind(value),
                None => query,
            };
            query
                .execute(&db.pool)
                .await
                .map(|r| r.rows_affected() as i64)
        })
        .await?;
        total += deleted;
        if deleted < BATCH {
            return Ok(total);
        }
    }
}

/// started_at, finished_at, started_by, outcome, id
type RunRow = (i64, Option<i64>, String, String, i64);

/// The most recent runs, newest first, with their counts.
#[tracing::instrument(skip_all)]
pub async fn recent_runs(db: &Db, limit: i64) -> Result<Vec<RetentionRun>, sqlx::Error> {
    let rows: Vec<RunRow> = sqlx::query_as(
        "SELECT started_at, finished_at, started_by, outcome, id FROM retention_runs \
         ORDER BY started_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let mut runs = Vec::with_capacity(rows.len());
    for (started_at, finished_at, started_by, outcome, id) in rows {
        let counts: Vec<(String, i64)> =
            sqlx::query_as("SELECT rule, deleted FROM retention_run_counts WHERE run_id = $1")
                .bind(id)
                .fetch_all(&db.pool)
                .await?;
        let mut deleted = Vec::with_capacity(counts.len());
        for (rule, n) in counts {
            deleted.push((stored("retention_run_counts.rule", &rule, Rule::parse)?, n));
        }
        // In the table's order, whatever order the rows came in.
        deleted.sort_by_key(|(rule, _)| Rule::ALL.iter().position(|r| r == rule));
        runs.push(RetentionRun {
            id,
            started_at,
            finished_at,
            started_by: stored("retention_runs.started_by", &started_by, StartedBy::parse)?,
            outcome,
            deleted,
        });
    }
    Ok(runs)
}
