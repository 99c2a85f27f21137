//! Internal notes on lines, benefits a household received, and the
//! family's notifications.

use super::super::{Benefit, LineNote, Notification};
use super::line_state;
use crate::audit::AuditEvent;
use crate::database::{Db, now};

/// Adds an internal note of an association on a line.
#[tracing::instrument(skip_all, fields(line_id = line_id))]
pub async fn add_note(
    db: &Db,
    line_id: i64,
    association_id: i64,
    author_user_id: i64,
    body: &str,
    audit: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO line_notes (line_id, association_id, author_user_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(line_id)
    .bind(association_id)
    .bind(author_user_id)
    .bind(body)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

/// The notes one association wrote on a line (never another's).
#[tracing::instrument(skip_all, fields(line_id = line_id))]
pub async fn notes_of_line(
    db: &Db,
    line_id: i64,
    association_id: i64,
) -> Result<Vec<LineNote>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT u.name_ar, n.body, n.created_at FROM line_notes n \
         JOIN users u ON u.id = n.author_user_id \
         WHERE n.line_id = $1 AND n.association_id = $2 ORDER BY n.id",
    )
    .bind(line_id)
    .bind(association_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(author_name, body, created_at)| LineNote {
            author_name,
            body,
            created_at,
        })
        .collect())
}

/// A benefit as `benefits_of_household` reads it.
#[derive(sqlx::FromRow)]
struct BenefitRow {
    type_name_ar: String,
    type_name_en: String,
    association_name_ar: String,
    association_name_en: String,
    given_on: String,
    value_halalas: Option<i64>,
}

/// Every benefit a household received, from any association, newest first.
#[tracing::instrument(skip_all)]
pub async fn benefits_of_household(
    db: &Db,
    household_id: i64,
) -> Result<Vec<Benefit>, sqlx::Error> {
    let rows: Vec<BenefitRow> = sqlx::query_as(
        "SELECT t.name_ar AS type_name_ar, t.name_en AS type_name_en, \
           a.name_ar AS association_name_ar, a.name_en AS association_name_en, \
           b.given_on, b.value_halalas \
         FROM benefits b JOIN assistance_types t ON t.id = b.assistance_type_id \
         JOIN associations a ON a.id = b.association_id \
         WHERE b.household_id = $1 ORDER BY b.given_on DESC, b.id DESC",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Benefit {
            type_name_ar: r.type_name_ar,
            type_name_en: r.type_name_en,
            association_name_ar: r.association_name_ar,
            association_name_en: r.association_name_en,
            given_on: r.given_on,
            value_halalas: r.value_halalas,
        })
        .collect())
}

/// A notification as `notifications_of` reads it.
#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    line_id: Option<i64>,
    state: String,
    type_name_ar: String,
    type_name_en: String,
    created_at: i64,
    read_at: Option<i64>,
}

/// A person's notifications, newest first.
#[tracing::instrument(skip_all)]
pub async fn notifications_of(
    db: &Db,
    user_id: i64,
    limit: i64,
) -> Result<Vec<Notification>, sqlx::Error> {
    let rows: Vec<NotificationRow> = sqlx::query_as(
        "SELECT n.id, n.line_id, COALESCE(n.state, l.state) AS state, \
           t.name_ar AS type_name_ar, t.name_en AS type_name_en, n.created_at, n.read_at \
         FROM notifications n JOIN application_lines l ON l.id = n.line_id \
         JOIN assistance_types t ON t.id = l.assistance_type_id \
         WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Notification {
                id: r.id,
                line_id: r.line_id,
                state: line_state("notifications.state", &r.state)?,
                type_name_ar: r.type_name_ar,
                type_name_en: r.type_name_en,
                created_at: r.created_at,
                read: r.read_at.is_some(),
            })
        })
        .collect()
}

/// Marks all of a person's notifications read.
#[tracing::instrument(skip_all)]
pub async fn mark_notifications_read(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(now())
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}
