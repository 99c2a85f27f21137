//! The day-before session reminders (issue 17 §3): a job each server
//! instance runs every `TAKAMUL_SESSION_REMINDER_INTERVAL_SECS` (default an
//! hour; at most a day), and tests call once with [`run_once`].
//!
//! The window: a run at `now` reminds of the sessions starting in
//! `(now + 12 h, now + 36 h]`. It is 24 hours wide, so with runs at most a
//! day apart every session falls in the window of at least one run (a
//! reminder arrives between 12 and 36 hours before the session: "tomorrow").
//! Runs that see a session more than once (hourly runs see it 24 times), or
//! two instances running at the same moment, still remind each enrolled
//! person once: the reminder is recorded in `session_reminders_sent` in the
//! transaction that puts it in the outbox, and its primary key lets only the
//! first insert through. Quiet hours are the outbox worker's: a reminder
//! written at night waits for the morning.

use std::time::Duration;

use super::db;
use crate::database::Db;

/// The window opens this long after the run…
pub const WINDOW_START_SECS: i64 = 12 * 3600;
/// …and closes this long after it.
pub const WINDOW_END_SECS: i64 = 36 * 3600;
/// Reminders written per batch (a run takes batches until none is left).
const BATCH: i64 = 500;

/// Reminds every enrolled person of each session in the window of `now`
/// that they were not reminded of yet. Returns how many reminders this run
/// recorded (another instance's are not counted).
pub async fn run_once(db: &Db, now: i64) -> Result<usize, sqlx::Error> {
    let (from, to) = (now + WINDOW_START_SECS, now + WINDOW_END_SECS);
    let mut sent = 0;
    loop {
        let due = db::due_reminders(db, from, to, BATCH).await?;
        let mut progressed = false;
        for reminder in &due {
            if db::send_reminder(db, reminder, now).await? {
                sent += 1;
            }
            progressed = true;
        }
        // A short batch was the last; a full one may have more behind it
        // (those this run or another recorded drop out of the next query).
        if (due.len() as i64) < BATCH || !progressed {
            return Ok(sent);
        }
    }
}

/// Starts the schedule in this process: a run at start-up, then every
/// `interval` (0: never). Errors are logged and the next tick tries again.
pub fn spawn_schedule(db: Db, interval: Duration) {
    if interval.is_zero() {
        tracing::info!("session reminders off (TAKAMUL_SESSION_REMINDER_INTERVAL_SECS=0)");
        return;
    }
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match run_once(&db, crate::database::now()).await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "session reminders put in the outbox"),
                Err(error) => tracing::warn!(%error, "session reminder run failed"),
            }
        }
    });
}
