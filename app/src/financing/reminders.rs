//! The due-date reminders (issue 19 §2): a job each server instance runs on
//! the session reminders' schedule; tests call [`run_once`]. An instalment
//! of a running loan, not fully paid and falling due within the council's
//! `reminder_days_before` days (three by default), gets one message to the
//! head of the household, by the channel the family chose (none: nothing is
//! sent). `instalment_reminders_sent` lets only the first claim through, so
//! hourly runs and several instances remind once.

use std::time::Duration;

use super::db;
use crate::database::Db;
use crate::messaging::Message;
use crate::time::SaudiDate;

/// Reminds of every instalment due in `(today, today + days]` not yet
/// reminded of; how many this run recorded.
pub async fn run_once(db: &Db, now: i64) -> Result<usize, sqlx::Error> {
    let today = SaudiDate::of(now);
    let (_, settings, _) = db::settings(db, &today.to_string()).await?;
    let Some(until) = today
        .start()
        .checked_add(settings.reminder_days_before * 86_400)
        .map(SaudiDate::of)
    else {
        return Ok(0);
    };
    let mut sent = 0;
    for (instalment_id, user_id, due_on, owed) in
        db::instalments_to_remind(db, &today.to_string(), &until.to_string()).await?
    {
        let message = Message::InstalmentReminder {
            due_on,
            amount: owed,
        };
        if db::send_instalment_reminder(db, instalment_id, user_id, &message).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Starts the schedule in this process (0: never).
pub fn spawn_schedule(db: Db, interval: Duration) {
    crate::jobs::every(
        interval,
        "instalment reminders off (TAKAMUL_SESSION_REMINDER_INTERVAL_SECS=0)",
        move || {
            let db = db.clone();
            async move {
                match run_once(&db, crate::database::now()).await {
                    Ok(0) => {}
                    Ok(sent) => tracing::info!(sent, "instalment reminders put in the outbox"),
                    Err(error) => tracing::warn!(%error, "instalment reminder run failed"),
                }
            }
        },
    );
}
