//! Follow-up flags raised by absence streaks.

use crate::audit::AuditEvent;
use crate::database::{Db, Sql, now};
use crate::training::FollowUpFlag;

/// id, household, head's name, course title (ar, en), raised at.
type FlagRow = (i64, i64, String, Option<String>, Option<String>, i64);

/// After `FROM …`: open flags of the households linked to these
/// associations (a line or a benefit), or of households linked to none (for
/// the council). Shared by [`open_flag_count`] and [`open_flags`].
fn push_open(sql: &mut Sql, association_ids: &[i64], council: bool) {
    // No associations: `IN (NULL)` matches nothing.
    sql.push(
        " WHERE f.resolved_at IS NULL AND (f.household_id IN (SELECT household_id \
           FROM household_associations WHERE association_id IN ",
    );
    sql.bind_list(association_ids);
    if council {
        sql.push(
            ") OR NOT EXISTS (SELECT 1 FROM household_associations s \
               WHERE s.household_id = f.household_id",
        );
    }
    sql.push("))");
}

/// What the flag list reads from (the course is optional).
const FLAGS_FROM: &str = "FROM follow_up_flags f JOIN households h ON h.id = f.household_id \
     LEFT JOIN courses c ON c.id = f.course_id";

/// How many open flags the dashboard lists (see [`push_open`]).
#[tracing::instrument(skip_all)]
pub async fn open_flag_count(
    db: &Db,
    association_ids: &[i64],
    council: bool,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new(&format!("SELECT COUNT(*) {FLAGS_FROM}"));
    push_open(&mut sql, association_ids, council);
    let (n,): (i64,) = sql.query_as().fetch_one(&db.pool).await?;
    Ok(n)
}

/// A page of the open flags (see [`push_open`]), newest first; `limit` from `offset`.
#[tracing::instrument(skip_all)]
pub async fn open_flags(
    db: &Db,
    association_ids: &[i64],
    council: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<FollowUpFlag>, sqlx::Error> {
    let mut sql = Sql::new(&format!(
        "SELECT f.id, f.household_id, h.head_name_ar, c.title_ar, c.title_en, f.raised_at {FLAGS_FROM}"
    ));
    push_open(&mut sql, association_ids, council);
    sql.push(" ORDER BY f.id DESC LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let rows: Vec<FlagRow> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|r| FollowUpFlag {
            id: r.0,
            household_id: r.1,
            head_name_ar: r.2,
            course_title_ar: r.3,
            course_title_en: r.4,
            raised_at: r.5,
        })
        .collect())
}

/// The household a flag is about (to check the caller may close it).
#[tracing::instrument(skip_all)]
pub async fn flag_household(db: &Db, flag_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT household_id FROM follow_up_flags WHERE id = $1 AND resolved_at IS NULL",
    )
    .bind(flag_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Closes a follow-up flag (the caseworker followed up).
#[tracing::instrument(skip_all)]
pub async fn resolve_flag(
    db: &Db,
    flag_id: i64,
    by: i64,
    audit: Option<AuditEvent<'_>>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE follow_up_flags SET resolved_at = $2, resolved_by = $3 WHERE id = $1 AND resolved_at IS NULL",
    )
    .bind(flag_id)
    .bind(now())
    .bind(by)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    if let Some(event) = audit {
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(true)
}
