//! Scheduled jobs that run on one instance at a time: a named lease in
//! `job_leases`, taken by a conditional update (whoever's update changes the
//! row holds it), renewed while the job works, given back at the end. A
//! crashed holder's lease simply expires.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use crate::database::Db;

/// This process's name in leases and job records: host and a random suffix,
/// so two instances on one host differ.
pub fn instance_name() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "server".to_string());
        format!("{host}-{}", &crate::ids::new_token()[..8])
    })
}

/// Runs `run` in this process at start-up and then every `interval`; a
/// zero interval means never (logged with the setting that turned it off).
/// A late tick waits rather than bunching up; `run` logs its own outcome.
pub fn every<F, Fut>(interval: Duration, off_because: &'static str, run: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    if interval.is_zero() {
        tracing::info!("{off_because}");
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            run().await;
        }
    });
}

/// Takes `job`'s lease for `holder` until `expires_at` when nobody holds it
/// or the holder's lease has expired; true when `holder` now has it.
pub async fn take_lease(
    db: &Db,
    job: &str,
    holder: &str,
    now: i64,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO job_leases (job, holder, expires_at) VALUES ($1, NULL, 0) \
         ON CONFLICT (job) DO NOTHING",
    )
    .bind(job)
    .execute(&db.pool)
    .await?;
    let taken = sqlx::query(
        "UPDATE job_leases SET holder = $1, expires_at = $2 \
         WHERE job = $3 AND (holder IS NULL OR expires_at < $4)",
    )
    .bind(holder)
    .bind(expires_at)
    .bind(job)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// Extends `holder`'s lease; false when it is no longer theirs.
pub async fn renew_lease(
    db: &Db,
    job: &str,
    holder: &str,
    expires_at: i64,
) -> Result<bool, sqlx::Error> {
    let renewed =
        sqlx::query("UPDATE job_leases SET expires_at = $1 WHERE job = $2 AND holder = $3")
            .bind(expires_at)
            .bind(job)
            .bind(holder)
            .execute(&db.pool)
            .await?;
    Ok(renewed.rows_affected() == 1)
}

/// Gives the lease back (only if `holder` still has it).
pub async fn release_lease(db: &Db, job: &str, holder: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE job_leases SET holder = NULL, expires_at = 0 WHERE job = $1 AND holder = $2",
    )
    .bind(job)
    .bind(holder)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Notes, inside the caller's transaction, that something a household's
/// continuity status is computed from has changed (a decision, an attendance
/// mark, a product update); the continuity worker recomputes it shortly.
pub async fn household_changed(
    conn: &mut sqlx::AnyConnection,
    household_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO continuity_queue (household_id, changed_at) VALUES ($1, $2) \
         ON CONFLICT (household_id) DO UPDATE SET changed_at = excluded.changed_at",
    )
    .bind(household_id)
    .bind(crate::database::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
