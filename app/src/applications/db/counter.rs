//! Applications made by staff at the counter (issue 21 §2): the ones waiting
//! for the head's answer, the answer itself, an application's receipt, and
//! the notes an association wrote on a household's lines (its file).

use super::super::{LineState, LineSummary};
use super::lines::{SUMMARY_SELECT, SummaryRow};
use super::{ApplicationError, insert_event};
use crate::audit::AuditEvent;
use crate::database::{Db, Sql, now};

/// An application as its receipt and the head's confirmation show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub household_id: i64,
    pub created_at: i64,
    pub head_name_ar: String,
    pub made_by_association_id: Option<i64>,
    pub made_by_name_ar: Option<String>,
    pub made_by_name_en: Option<String>,
    pub head_confirmation: Option<String>,
    pub head_answered_at: Option<i64>,
}

const APPLICATION_SELECT: &str = "SELECT ap.id, ap.household_id, ap.created_at, h.head_name_ar, \
       ap.made_by_association_id, a.name_ar AS made_by_name_ar, a.name_en AS made_by_name_en, \
       ap.head_confirmation, ap.head_answered_at \
     FROM applications ap JOIN households h ON h.id = ap.household_id \
     LEFT JOIN associations a ON a.id = ap.made_by_association_id";

/// One application, or `None`.
#[tracing::instrument(skip_all, fields(application_id = application_id))]
pub async fn application(
    db: &Db,
    application_id: i64,
) -> Result<Option<ApplicationRow>, sqlx::Error> {
    let mut sql = Sql::new(APPLICATION_SELECT);
    sql.push(" WHERE ap.id = ").bind(application_id);
    sql.query_as::<ApplicationRow>()
        .fetch_optional(&db.pool)
        .await
}

/// The household's applications made at the counter that wait for the
/// head's answer, oldest first.
#[tracing::instrument(skip_all)]
pub async fn awaiting_head(db: &Db, household_id: i64) -> Result<Vec<ApplicationRow>, sqlx::Error> {
    let mut sql = Sql::new(APPLICATION_SELECT);
    sql.push(" WHERE ap.household_id = ")
        .bind(household_id)
        .push(" AND ap.head_confirmation = 'pending' ORDER BY ap.id");
    sql.query_as::<ApplicationRow>().fetch_all(&db.pool).await
}

/// The lines of one application, in the order they were asked for.
#[tracing::instrument(skip_all, fields(application_id = application_id))]
pub async fn lines_of_application(
    db: &Db,
    application_id: i64,
) -> Result<Vec<LineSummary>, sqlx::Error> {
    let mut sql = Sql::new(SUMMARY_SELECT);
    sql.push(" WHERE l.application_id = ")
        .bind(application_id)
        .push(" ORDER BY l.id");
    sql.query_as::<SummaryRow>()
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(LineSummary::try_from)
        .collect()
}

/// The head answers an application made for the household at the counter,
/// once: confirmed, its lines go on as they are; declined, every line still
/// open is withdrawn (with the head as actor, as the family's own withdrawal). The answer, the
/// withdrawals and `audit` are one transaction; an application of another
/// household, or already answered, changes nothing (`NotFound`).
#[tracing::instrument(skip_all, fields(application_id = application_id))]
pub async fn answer(
    db: &Db,
    application_id: i64,
    household_id: i64,
    confirm: bool,
    head_user_id: i64,
    audit: AuditEvent<'_>,
) -> Result<(), ApplicationError> {
    let mut tx = db.begin_write().await?;
    let at = now();
    let done = sqlx::query(
        "UPDATE applications SET head_confirmation = $1, head_answered_at = $2 \
         WHERE id = $3 AND household_id = $4 AND head_confirmation = 'pending'",
    )
    .bind(if confirm { "confirmed" } else { "declined" })
    .bind(at)
    .bind(application_id)
    .bind(household_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(ApplicationError::NotFound);
    }
    if !confirm {
        // Approval waits for the confirmation: the open lines are all withdrawable.
        let open: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, state FROM application_lines \
             WHERE application_id = $1 AND state IN ('submitted', 'in_review', 'referred') \
             ORDER BY id",
        )
        .bind(application_id)
        .fetch_all(&mut *tx)
        .await?;
        for (line_id, state) in open {
            let from = super::line_state("application_lines.state", &state)?;
            let moved = sqlx::query(
                "UPDATE application_lines SET state = 'withdrawn', last_action_at = $1 \
                 WHERE id = $2 AND state = $3",
            )
            .bind(at)
            .bind(line_id)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await?;
            if moved.rows_affected() != 1 {
                return Err(ApplicationError::StateChanged);
            }
            insert_event(
                &mut tx,
                line_id,
                Some(from),
                LineState::Withdrawn,
                Some(head_user_id),
                None,
                None,
            )
            .await?;
        }
        crate::jobs::household_changed(&mut tx, household_id).await?;
    }
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

/// The notes one association wrote on any line of the household: line,
/// author, text, time; oldest first.
#[tracing::instrument(skip_all)]
pub async fn notes_of_household(
    db: &Db,
    household_id: i64,
    association_id: i64,
) -> Result<Vec<(i64, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT n.line_id, u.name_ar, n.body, n.created_at FROM line_notes n \
         JOIN application_lines l ON l.id = n.line_id \
         JOIN users u ON u.id = n.author_user_id \
         WHERE l.household_id = $1 AND n.association_id = $2 ORDER BY n.id",
    )
    .bind(household_id)
    .bind(association_id)
    .fetch_all(&db.pool)
    .await
}
