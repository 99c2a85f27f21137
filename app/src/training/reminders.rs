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

/// The starts a run at `now` reminds of: `(from, to]`.
pub fn window(now: i64) -> (i64, i64) {
    (now + WINDOW_START_SECS, now + WINDOW_END_SECS)
}

/// Reminds every enrolled person of each session in the window of `now`
/// that they were not reminded of yet. Returns how many reminders this run
/// recorded (another instance's are not counted).
pub async fn run_once(db: &Db, now: i64) -> Result<usize, sqlx::Error> {
    let (from, to) = window(now);
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
    crate::jobs::every(
        interval,
        "session reminders off (TAKAMUL_SESSION_REMINDER_INTERVAL_SECS=0)",
        move || {
            let db = db.clone();
            async move {
                match run_once(&db, crate::database::now()).await {
                    Ok(0) => {}
                    Ok(sent) => tracing::info!(sent, "session reminders put in the outbox"),
                    Err(error) => tracing::warn!(%error, "session reminder run failed"),
                }
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::window;

    fn seen(now: i64, starts_at: i64) -> bool {
        let (from, to) = window(now);
        from < starts_at && starts_at <= to
    }

    #[test]
    fn runs_a_day_or_an_hour_apart_see_every_session() {
        let first_run = 1_800_000_000;
        for offset in (0..3 * 86_400).step_by(7 * 60 + 13) {
            let starts_at = first_run + 40 * 3600 + offset;
            // Daily runs: exactly one sees it (the window is a day wide).
            let daily = (0..6)
                .filter(|k| seen(first_run + k * 86_400, starts_at))
                .count();
            assert_eq!(daily, 1, "session at +{offset}s");
            // Hourly runs: 24 see it; the sent table keeps it to one message.
            let hourly = (0..6 * 24)
                .filter(|k| seen(first_run + k * 3600, starts_at))
                .count();
            assert_eq!(hourly, 24, "session at +{offset}s");
        }
        // Tomorrow is in, the day after tomorrow is not.
        assert!(seen(first_run, first_run + 24 * 3600));
        assert!(!seen(first_run, first_run + 72 * 3600));
        assert!(!seen(first_run, first_run + 6 * 3600));
    }
}
