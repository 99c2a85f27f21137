//! The day-before session reminders: which enrolled people a session in the
//! reminder window still owes a message, and the claim that makes each one
//! go out once (`session_reminders_sent`, migration 0024).

use crate::database::Db;
use crate::messaging::{Message, Named};

/// A reminder owed: a session, an enrolled person and what the message says.
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub session_id: i64,
    pub enrollment_id: i64,
    pub user_id: i64,
    pub starts_at: i64,
    pub title_ar: String,
    pub title_en: String,
}

/// session, enrollment, user, start, titles.
type DueRow = (i64, i64, i64, i64, String, String);

/// Sessions starting in `(from, to]` of courses that are open or running,
/// with each person enrolled in them (not waitlisted, cancelled or finished)
/// who has not been reminded of that session yet; at most `limit` rows.
#[tracing::instrument(skip_all)]
pub async fn due_reminders(
    db: &Db,
    from: i64,
    to: i64,
    limit: i64,
) -> Result<Vec<DueReminder>, sqlx::Error> {
    let rows: Vec<DueRow> = sqlx::query_as(
        "SELECT s.id, e.id, e.user_id, s.starts_at, c.title_ar, c.title_en \
         FROM course_sessions s \
         JOIN courses c ON c.id = s.course_id \
         JOIN enrollments e ON e.course_id = s.course_id AND e.status = 'enrolled' \
         WHERE s.starts_at > $1 AND s.starts_at <= $2 AND c.status IN ('open', 'running') \
           AND NOT EXISTS (SELECT 1 FROM session_reminders_sent r \
                            WHERE r.session_id = s.id AND r.enrollment_id = e.id) \
         ORDER BY s.starts_at, s.id, e.id LIMIT $3",
    )
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(session_id, enrollment_id, user_id, starts_at, title_ar, title_en)| DueReminder {
                session_id,
                enrollment_id,
                user_id,
                starts_at,
                title_ar,
                title_en,
            },
        )
        .collect())
}

/// Records the reminder and puts the message in the outbox, in one
/// transaction. The insert decides who sends: when another instance (or an
/// earlier run) already recorded this session and enrollment, nothing is
/// written and `false` comes back.
#[tracing::instrument(skip_all, fields(session_id = due.session_id))]
pub async fn send_reminder(db: &Db, due: &DueReminder, now: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let claimed = sqlx::query(
        "INSERT INTO session_reminders_sent (session_id, enrollment_id, sent_at) \
         VALUES ($1, $2, $3) ON CONFLICT (session_id, enrollment_id) DO NOTHING",
    )
    .bind(due.session_id)
    .bind(due.enrollment_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    // Still enrolled at the time of the claim (a cancellation may have come
    // between the list and now).
    let still: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM enrollments WHERE id = $1 AND status = 'enrolled'")
            .bind(due.enrollment_id)
            .fetch_optional(&mut *tx)
            .await?;
    if still.is_none() {
        tx.rollback().await?;
        return Ok(false);
    }
    let message = Message::SessionReminder {
        course: Named::new(due.title_ar.clone(), due.title_en.clone()),
        starts_at: due.starts_at,
    };
    crate::messaging::db::enqueue(&mut tx, due.user_id, &message, false).await?;
    tx.commit().await?;
    Ok(true)
}
