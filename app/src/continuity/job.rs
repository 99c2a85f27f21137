//! The recompute: every household on a schedule (one instance at a time,
//! under the `continuity` lease), and the households the change feed names
//! every few seconds, so a status follows the event that changed it.

use std::time::Duration;

use super::{Rules, assess, db};
use crate::database::Db;
use crate::state::AppState;

/// The lease's name in `job_leases`.
pub const LEASE: &str = "continuity";
/// How long a run may hold the lease without renewing it.
const LEASE_SECS: i64 = 600;
/// Households read and assessed together.
const BATCH: usize = 2_000;

/// What a full run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunReport {
    pub households: usize,
    pub changed: usize,
}

/// Recomputes these households now (after an event, or from the feed).
pub async fn recompute(db: &Db, households: &[i64], at: i64) -> Result<usize, sqlx::Error> {
    if households.is_empty() {
        return Ok(0);
    }
    let rules = db::rules(db).await?;
    let signals = db::signals(db, db::Scope::Only(households), at).await?;
    save(db, &rules, signals, at).await.map(|r| r.changed)
}

async fn save(
    db: &Db,
    rules: &Rules,
    signals: Vec<(i64, super::Signals)>,
    at: i64,
) -> Result<RunReport, sqlx::Error> {
    let assessed: Vec<_> = signals
        .iter()
        .map(|(id, s)| (*id, assess(s, rules, at)))
        .collect();
    let late: Vec<_> = signals
        .iter()
        .filter_map(|(id, s)| s.instalment_overdue.map(|o| (*id, o)))
        .collect();
    db::book_instalment_follow_ups(db, &late, at).await?;
    let changed = db::save(db, &assessed, at).await?;
    Ok(RunReport {
        households: assessed.len(),
        changed,
    })
}

/// Recomputes every household, unless another instance is at it (then
/// `None`). The signals are read in one pass and saved in batches.
pub async fn recompute_all(
    db: &Db,
    holder: &str,
    at: i64,
) -> Result<Option<RunReport>, sqlx::Error> {
    if !crate::jobs::take_lease(db, LEASE, holder, at, at + LEASE_SECS).await? {
        return Ok(None);
    }
    let result = async {
        let rules = db::rules(db).await?;
        let mut signals = db::signals(db, db::Scope::All, at).await?;
        let mut report = RunReport::default();
        while !signals.is_empty() {
            let rest = signals.split_off(signals.len().min(BATCH));
            let done = save(db, &rules, signals, at).await?;
            report.households += done.households;
            report.changed += done.changed;
            crate::jobs::renew_lease(db, LEASE, holder, crate::database::now() + LEASE_SECS)
                .await?;
            signals = rest;
        }
        Ok(report)
    }
    .await;
    crate::jobs::release_lease(db, LEASE, holder).await?;
    result.map(Some)
}

/// Drains the change feed once: recomputes the households it names.
pub async fn drain_changes(db: &Db, at: i64) -> Result<usize, sqlx::Error> {
    let mut total = 0;
    loop {
        let households = db::take_changes(db, 200).await?;
        if households.is_empty() {
            return Ok(total);
        }
        total += households.len();
        recompute(db, &households, at).await?;
    }
}

/// Starts both schedules in this process: the full run every `interval`
/// (0: never) and the change feed every `feed` (0: never).
pub fn spawn(state: AppState, interval: Duration, feed: Duration) {
    let db = state.db.clone();
    crate::jobs::every(
        interval,
        "continuity recompute off (TAKAMUL_CONTINUITY_INTERVAL_SECS=0)",
        move || {
            let db = db.clone();
            async move {
                let at = crate::database::now();
                match recompute_all(&db, crate::jobs::instance_name(), at).await {
                    Ok(Some(report)) => tracing::info!(?report, "continuity recomputed"),
                    Ok(None) => tracing::debug!("continuity run held by another instance"),
                    Err(error) => tracing::warn!(%error, "continuity run failed"),
                }
            }
        },
    );
    crate::jobs::every(
        feed,
        "continuity change feed off (TAKAMUL_CONTINUITY_FEED_SECS=0)",
        move || {
            let db = state.db.clone();
            async move {
                if let Err(error) = drain_changes(&db, crate::database::now()).await {
                    tracing::warn!(%error, "continuity change feed failed");
                }
            }
        },
    );
}
