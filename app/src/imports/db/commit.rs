//! The background commit's steps (`job.rs`), each inside the job's chunk
//! transaction, and the closing of a batch.

use sqlx::AnyConnection;

use super::super::rules::Cells;
use super::super::{Outcome, Reason, RowResult, join_reasons, split_reasons};
use crate::audit::AuditEvent;
use crate::database::{Db, Engine, Sql, now, stored};

/// A row waiting for its result: id, cells, dry-run outcome, reasons.
pub type PendingRow = (i64, Cells, Outcome, Vec<Reason>);

/// The next rows without a result, in file order (PostgreSQL locks them so
/// a second job could not take the same rows; SQLite's writer lock does).
pub async fn pending_rows(
    conn: &mut AnyConnection,
    engine: Engine,
    batch_id: i64,
    limit: usize,
) -> Result<Vec<PendingRow>, sqlx::Error> {
    let lock = match engine {
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, cells, outcome, reasons FROM import_rows \
         WHERE batch_id = $1 AND result IS NULL ORDER BY line_no LIMIT $2{lock}"
    )))
    .bind(batch_id)
    .bind(limit as i64)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, cells, outcome, reasons)| {
            Ok((
                id,
                serde_json::from_str(&cells).unwrap_or_default(),
                stored("import_rows.outcome", &outcome, Outcome::parse)?,
                split_reasons(&reasons),
            ))
        })
        .collect()
}

/// A row's result.
pub async fn set_result(
    conn: &mut AnyConnection,
    row_id: i64,
    result: RowResult,
    reasons: &[Reason],
    household_id: Option<i64>,
    benefit_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE import_rows SET result = $2, reasons = $3, household_id = $4, benefit_id = $5 \
         WHERE id = $1",
    )
    .bind(row_id)
    .bind(result.as_str())
    .bind(join_reasons(reasons))
    .bind(household_id)
    .bind(benefit_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Households this import created: the association serves them.
pub async fn link_created(
    conn: &mut AnyConnection,
    association_id: i64,
    batch_id: i64,
    household_ids: &[i64],
) -> Result<(), sqlx::Error> {
    for chunk in household_ids.chunks(300) {
        let mut sql = Sql::new(
            "INSERT INTO imported_households (household_id, association_id, batch_id) VALUES ",
        );
        for (n, id) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind(*id)
                .push(", ")
                .bind(association_id)
                .push(", ")
                .bind(batch_id)
                .push(")");
        }
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Progress after a chunk: rows done and results by kind ([created,
/// matched, sent to review, refused]); the job's heartbeat.
pub async fn add_progress(
    conn: &mut AnyConnection,
    batch_id: i64,
    rows: i64,
    results: [i64; 4],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE import_batches SET rows_done = rows_done + $2, created = created + $3, \
           matched = matched + $4, sent_to_review = sent_to_review + $5, refused = refused + $6, \
           heartbeat_at = $7 WHERE id = $1",
    )
    .bind(batch_id)
    .bind(rows)
    .bind(results[0])
    .bind(results[1])
    .bind(results[2])
    .bind(results[3])
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks a batch committed once no row waits, with `audit`; false while rows wait.
pub async fn finish(db: &Db, batch_id: i64, audit: AuditEvent<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE import_batches SET status = 'committed', finished_at = $2 \
         WHERE id = $1 AND status = 'committing' \
           AND NOT EXISTS (SELECT 1 FROM import_rows WHERE batch_id = $1 AND result IS NULL)",
    )
    .bind(batch_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}
