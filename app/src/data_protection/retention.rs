//! The retention job (server only): applies the retention table
//! ([`Rule`], [`RetentionPolicy`]) under the lease, records what each rule
//! deleted, and runs on a schedule inside every server process — the lease
//! makes sure only one instance runs at a time.
//!
//! Time comes in as a parameter (`now`, Unix seconds): the schedule passes
//! the clock, tests pass a clock moved forward.

use std::time::Duration;

use super::db::retention as db;
use super::{RetentionPolicy, Rule, StartedBy};
use crate::database::Db;
use crate::state::AppState;

/// How long a lease lasts before another instance may take it over (a
/// crashed run's); renewed after each rule, which takes far less.
pub const LEASE_SECS: i64 = 15 * 60;

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// The run happened: its id and rows deleted per rule.
    Ran {
        run_id: i64,
        deleted: Vec<(Rule, i64)>,
    },
    /// Another run holds the lease; nothing was done.
    Busy,
}

impl RunOutcome {
    /// Rows a rule deleted (0 when the run did not happen).
    pub fn deleted(&self, rule: Rule) -> i64 {
        match self {
            RunOutcome::Ran { deleted, .. } => deleted
                .iter()
                .find(|(r, _)| *r == rule)
                .map_or(0, |(_, n)| *n),
            RunOutcome::Busy => 0,
        }
    }
}

/// A line per rule for the command line.
pub fn describe(outcome: &RunOutcome) -> String {
    match outcome {
        RunOutcome::Busy => {
            "another instance is running the retention job; nothing done".to_string()
        }
        RunOutcome::Ran { run_id, deleted } => {
            let mut text = format!("retention run {run_id} done:");
            for (rule, n) in deleted {
                text.push_str(&format!(
                    "\n  {:<20} {:>8} deleted from {}",
                    rule.as_str(),
                    n,
                    rule.table()
                ));
            }
            text
        }
    }
}

/// This process's name on the lease (shared with the other jobs).
pub use crate::jobs::instance_name;

/// The policy in force for this server's session timeouts.
pub fn policy_of(state: &AppState) -> RetentionPolicy {
    RetentionPolicy::new(
        state.settings.session_idle_secs,
        state.settings.session_absolute_secs,
    )
}

/// Runs the retention table once at `now`, as `holder`: takes the lease
/// (or answers [`RunOutcome::Busy`]), applies every rule in order, records
/// the run and its counts, gives the lease back. A failure marks the run
/// failed and still gives the lease back.
#[tracing::instrument(skip_all, fields(holder))]
pub async fn run(
    db: &Db,
    policy: &RetentionPolicy,
    now: i64,
    holder: &str,
    started_by: StartedBy,
) -> Result<RunOutcome, sqlx::Error> {
    let audit_before = policy.cutoff(Rule::AuditEvents, now);
    if !db::take_lease(db, holder, now, now + LEASE_SECS, audit_before).await? {
        tracing::info!("retention: another run holds the lease");
        return Ok(RunOutcome::Busy);
    }
    let started = std::time::Instant::now();
    let result = apply_all(db, policy, now, holder, started_by).await;
    let elapsed = started.elapsed().as_secs() as i64;
    let released = db::release_lease(db, holder).await;
    match result {
        Ok((run_id, deleted)) => {
            db::finish_run(db, run_id, "done", now + elapsed).await?;
            released?;
            tracing::info!(run_id, ?deleted, "retention run done");
            Ok(RunOutcome::Ran { run_id, deleted })
        }
        Err((run_id, error)) => {
            if let Some(run_id) = run_id {
                let _ = db::finish_run(db, run_id, "failed", now + elapsed).await;
            }
            Err(error)
        }
    }
}

type Applied = Result<(i64, Vec<(Rule, i64)>), (Option<i64>, sqlx::Error)>;

async fn apply_all(
    db: &Db,
    policy: &RetentionPolicy,
    now: i64,
    holder: &str,
    started_by: StartedBy,
) -> Applied {
    let run_id = db::start_run(db, holder, started_by, now)
        .await
        .map_err(|e| (None, e))?;
    let fail = |e| (Some(run_id), e);
    let mut deleted = Vec::with_capacity(Rule::ALL.len());
    for rule in Rule::ALL {
        let n = db::apply(db, policy, rule, now).await.map_err(fail)?;
        // The run's own row is recent: never deleted by its own run.
        db::record_count(db, run_id, rule, n).await.map_err(fail)?;
        deleted.push((rule, n));
        db::renew_lease(db, holder, now + LEASE_SECS)
            .await
            .map_err(fail)?;
    }
    Ok((run_id, deleted))
}

/// Starts the schedule: a run at start-up, then every `interval` (0: never),
/// in this process; each run is skipped when another instance holds the
/// lease. Errors are logged, and the next tick tries again.
pub fn spawn_schedule(state: AppState, interval: Duration) {
    crate::jobs::every(
        interval,
        "retention schedule off (TAKAMUL_RETENTION_INTERVAL_SECS=0)",
        move || {
            let state = state.clone();
            async move {
                let policy = policy_of(&state);
                let now = crate::database::now();
                let started = run(
                    &state.db,
                    &policy,
                    now,
                    instance_name(),
                    StartedBy::Schedule,
                );
                if let Err(error) = started.await {
                    tracing::warn!(%error, "retention run failed");
                }
            }
        },
    );
}
