//! SQL of imports: batches and their rows, district aliases, the catalogue
//! lookups of a dry run; the steps of the background commit in `commit.rs`.

mod commit;
mod result;
pub use commit::{PendingRow, add_progress, finish, link_created, pending_rows, set_result};
pub use result::{ResultRow, result_rows};

use std::collections::HashMap;

use super::check::Evaluation;
use super::rules::{Cells, PlaceIndex, PlaceRow, TypeIndex};
use super::{
    AssociationChoice, BatchStatus, BatchSummary, DistrictChoice, ImportKind, Outcome, RowFilter,
    RowResult, RowView, STALLED_AFTER_SECS, UnknownPlace, join_reasons, split_reasons,
};
use crate::audit::AuditEvent;
use crate::database::{Db, Sql, is_unique_violation, now, stored};

/// Why an import write was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// This file was committed for this association already.
    #[error("this file was already committed")]
    AlreadyCommitted,
    /// The batch is no longer a dry run (committed meanwhile).
    #[error("the batch changed meanwhile")]
    NotDryRun,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

crate::db_failure!(ImportError);

/// The district catalogue and this association's aliases.
#[tracing::instrument(skip_all)]
pub async fn place_index(db: &Db, association_id: i64) -> Result<PlaceIndex, sqlx::Error> {
    let rows: Vec<(i64, i64, String, String, String, String)> = sqlx::query_as(
        "SELECT d.id, c.id, c.name_ar, c.name_en, d.name_ar, d.name_en \
         FROM districts d JOIN cities c ON c.id = d.city_id ORDER BY d.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let places: Vec<PlaceRow> = rows
        .into_iter()
        .map(
            |(district_id, city_id, city_ar, city_en, name_ar, name_en)| PlaceRow {
                district_id,
                city_id,
                city_ar,
                city_en,
                name_ar,
                name_en,
            },
        )
        .collect();
    let aliases: Vec<(String, i64)> = sqlx::query_as(
        "SELECT alias_key, district_id FROM district_aliases WHERE association_id = $1",
    )
    .bind(association_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(PlaceIndex::new(&places, aliases.into_iter().collect()))
}

/// Every assistance type, retired ones too (a past benefit may be of one).
#[tracing::instrument(skip_all)]
pub async fn type_index(db: &Db) -> Result<TypeIndex, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, code, name_ar, name_en FROM assistance_types ORDER BY id")
            .fetch_all(&db.pool)
            .await?;
    Ok(TypeIndex::new(&rows))
}

/// A file about to be stored with its dry run.
#[derive(Debug, Clone)]
pub struct NewBatch<'a> {
    pub association_id: i64,
    pub kind: ImportKind,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub uploaded_by: i64,
}

/// The dry run's counts: create, match, review (of create), refuse.
fn counts(evaluations: &[Evaluation]) -> [i64; 4] {
    let mut out = [0i64; 4];
    for e in evaluations {
        match e.outcome {
            Outcome::Create => out[0] += 1,
            Outcome::Match => out[1] += 1,
            Outcome::Refuse => out[3] += 1,
        }
        if e.duplicate {
            out[2] += 1;
        }
    }
    out
}

fn place_text(e: &Evaluation) -> Option<String> {
    e.place
        .as_ref()
        .map(|(city, district)| format!("{city}|{district}"))
}

/// Stores a file's batch and every row with its dry run, and `audit`, in
/// one transaction.
#[tracing::instrument(skip_all, fields(rows = rows.len()))]
pub async fn create_batch(
    db: &Db,
    batch: &NewBatch<'_>,
    rows: &[(i64, Cells)],
    evaluations: &[Evaluation],
    audit: AuditEvent<'_>,
) -> Result<i64, sqlx::Error> {
    let [create, matched, review, refuse] = counts(evaluations);
    let at = now();
    let mut tx = db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO import_batches (association_id, kind, file_name, file_sha256, uploaded_by, \
           uploaded_at, checked_at, rows_total, would_create, would_match, would_review, would_refuse) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(batch.association_id)
    .bind(batch.kind.as_str())
    .bind(batch.file_name)
    .bind(batch.sha256)
    .bind(batch.uploaded_by)
    .bind(at)
    .bind(rows.len() as i64)
    .bind(create)
    .bind(matched)
    .bind(review)
    .bind(refuse)
    .fetch_one(&mut *tx)
    .await?;
    let pairs: Vec<_> = rows.iter().zip(evaluations).collect();
    for chunk in pairs.chunks(100) {
        let mut sql = Sql::new(
            "INSERT INTO import_rows (batch_id, line_no, cells, outcome, duplicate, reasons, \
               place_text) VALUES ",
        );
        for (n, ((line_no, cells), e)) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            let cells = serde_json::to_string(cells).unwrap_or_default();
            sql.push("(")
                .bind(id)
                .push(", ")
                .bind(*line_no)
                .push(", ")
                .bind(cells)
                .push(", ")
                .bind(e.outcome.as_str())
                .push(", ")
                .bind(i64::from(e.duplicate))
                .push(", ")
                .bind(join_reasons(&e.reasons))
                .push(", ")
                .bind(place_text(e))
                .push(")");
        }
        sql.query().execute(&mut *tx).await?;
    }
    crate::audit::record_in(&mut tx, audit.subject("import_batch", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// A batch's stored rows (id, line, cells), in file order.
#[tracing::instrument(skip_all)]
pub async fn stored_rows(db: &Db, batch_id: i64) -> Result<Vec<(i64, i64, Cells)>, sqlx::Error> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, line_no, cells FROM import_rows WHERE batch_id = $1 ORDER BY line_no",
    )
    .bind(batch_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, line, cells)| (id, line, serde_json::from_str(&cells).unwrap_or_default()))
        .collect())
}

/// Stores a new dry run of a batch still in its dry run: the rows whose
/// evaluation changed, and the counts.
#[tracing::instrument(skip_all)]
pub async fn replace_dry_run(
    db: &Db,
    batch_id: i64,
    row_ids: &[i64],
    evaluations: &[Evaluation],
) -> Result<(), ImportError> {
    let [create, matched, review, refuse] = counts(evaluations);
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE import_batches SET checked_at = $2, would_create = $3, would_match = $4, \
           would_review = $5, would_refuse = $6 WHERE id = $1 AND status = 'dry_run'",
    )
    .bind(batch_id)
    .bind(now())
    .bind(create)
    .bind(matched)
    .bind(review)
    .bind(refuse)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(ImportError::NotDryRun);
    }
    let before: Vec<(i64, String, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, outcome, duplicate, reasons, place_text FROM import_rows WHERE batch_id = $1",
    )
    .bind(batch_id)
    .fetch_all(&mut *tx)
    .await?;
    let before: HashMap<i64, (String, i64, String, Option<String>)> = before
        .into_iter()
        .map(|(id, o, d, r, p)| (id, (o, d, r, p)))
        .collect();
    for (row_id, e) in row_ids.iter().zip(evaluations) {
        let now_is = (
            e.outcome.as_str().to_string(),
            i64::from(e.duplicate),
            join_reasons(&e.reasons),
            place_text(e),
        );
        if before.get(row_id) == Some(&now_is) {
            continue;
        }
        sqlx::query(
            "UPDATE import_rows SET outcome = $2, duplicate = $3, reasons = $4, place_text = $5 \
             WHERE id = $1",
        )
        .bind(row_id)
        .bind(now_is.0)
        .bind(now_is.1)
        .bind(now_is.2)
        .bind(now_is.3)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

const BATCH_SELECT: &str = "SELECT b.id, b.association_id, b.kind, b.file_name, b.status, \
       u.name_ar, b.uploaded_at, c.name_ar, b.committed_at, b.finished_at, b.heartbeat_at, \
       b.rows_total, b.rows_done, b.would_create, b.would_match, b.would_review, b.would_refuse, \
       b.created, b.matched, b.sent_to_review, b.refused \
     FROM import_batches b JOIN users u ON u.id = b.uploaded_by \
     LEFT JOIN users c ON c.id = b.committed_by";

fn summary(row: sqlx::any::AnyRow) -> Result<BatchSummary, sqlx::Error> {
    use sqlx::Row;
    let status = stored(
        "import_batches.status",
        &row.try_get::<String, _>(4)?,
        BatchStatus::parse,
    )?;
    let heartbeat: Option<i64> = row.try_get(10)?;
    Ok(BatchSummary {
        id: row.try_get(0)?,
        association_id: row.try_get(1)?,
        kind: stored(
            "import_batches.kind",
            &row.try_get::<String, _>(2)?,
            ImportKind::parse,
        )?,
        file_name: row.try_get(3)?,
        status,
        uploaded_by: row.try_get(5)?,
        uploaded_at: row.try_get(6)?,
        committed_by: row.try_get(7)?,
        committed_at: row.try_get(8)?,
        finished_at: row.try_get(9)?,
        rows_total: row.try_get(11)?,
        rows_done: row.try_get(12)?,
        would_create: row.try_get(13)?,
        would_match: row.try_get(14)?,
        would_review: row.try_get(15)?,
        would_refuse: row.try_get(16)?,
        created: row.try_get(17)?,
        matched: row.try_get(18)?,
        sent_to_review: row.try_get(19)?,
        refused: row.try_get(20)?,
        stalled: status == BatchStatus::Committing
            && heartbeat.is_none_or(|beat| now() - beat > STALLED_AFTER_SECS),
    })
}

/// One batch.
#[tracing::instrument(skip_all)]
pub async fn batch(db: &Db, batch_id: i64) -> Result<Option<BatchSummary>, sqlx::Error> {
    let sql = format!("{BATCH_SELECT} WHERE b.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(batch_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(summary).transpose()
}

/// An association's batches (`$1`): shared by [`batches_count`] and [`batches`].
const BATCHES_OF: &str = "WHERE b.association_id = $1";

/// How many batches an association has (see [`batches`]).
#[tracing::instrument(skip_all)]
pub async fn batches_count(db: &Db, association_id: i64) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) FROM import_batches b {BATCHES_OF}");
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(association_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

/// A page of an association's batches, newest first; `limit` from `offset`.
#[tracing::instrument(skip_all)]
pub async fn batches(
    db: &Db,
    association_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<BatchSummary>, sqlx::Error> {
    let sql = format!("{BATCH_SELECT} {BATCHES_OF} ORDER BY b.id DESC LIMIT $2 OFFSET $3");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(association_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    rows.into_iter().map(summary).collect()
}

/// A page of a batch's rows and how many the filter selects.
#[tracing::instrument(skip_all)]
pub async fn rows_page(
    db: &Db,
    batch_id: i64,
    kind: ImportKind,
    filter: RowFilter,
    page: i64,
) -> Result<(Vec<RowView>, i64), sqlx::Error> {
    let condition = match filter {
        RowFilter::Attention => " AND (outcome = 'refuse' OR duplicate = 1)",
        RowFilter::All => "",
    };
    let (total,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM import_rows WHERE batch_id = $1{condition}"
    )))
    .bind(batch_id)
    .fetch_one(&db.pool)
    .await?;
    type Row = (
        i64,
        String,
        String,
        i64,
        String,
        Option<String>,
        Option<i64>,
    );
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT line_no, cells, outcome, duplicate, reasons, result, household_id FROM import_rows \
             WHERE batch_id = $1{condition} ORDER BY line_no LIMIT $2 OFFSET $3"
    )))
    .bind(batch_id)
    .bind(super::ROWS_PAGE_SIZE)
    .bind(page.max(0) * super::ROWS_PAGE_SIZE)
    .fetch_all(&db.pool)
    .await?;
    let label_key = match kind {
        ImportKind::Households => "head_name",
        ImportKind::Benefits => "assistance_type",
    };
    let views = rows
        .into_iter()
        .map(
            |(line_no, cells, outcome, duplicate, reasons, result, household_id)| {
                let cells: Cells = serde_json::from_str(&cells).unwrap_or_default();
                let text = |key: &str| cells.get(key).cloned().unwrap_or_default();
                Ok(RowView {
                    line_no,
                    household_id,
                    head_id_masked: crate::text::mask_identifier(&text("head_national_id")),
                    label: text(label_key),
                    outcome: stored("import_rows.outcome", &outcome, Outcome::parse)?,
                    duplicate: duplicate == 1,
                    reasons: split_reasons(&reasons),
                    result: result
                        .map(|r| stored("import_rows.result", &r, RowResult::parse))
                        .transpose()?,
                })
            },
        )
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((views, total))
}

/// The places of a batch no district answers, most rows first.
#[tracing::instrument(skip_all)]
pub async fn unknown_places(db: &Db, batch_id: i64) -> Result<Vec<UnknownPlace>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT place_text, COUNT(*) FROM import_rows \
         WHERE batch_id = $1 AND place_text IS NOT NULL \
         GROUP BY place_text ORDER BY COUNT(*) DESC, place_text LIMIT 20",
    )
    .bind(batch_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(text, rows)| {
            let (city, district) = text.split_once('|').unwrap_or(("", &text));
            UnknownPlace {
                key: super::rules::place_pair_key(city, district),
                city: city.to_string(),
                district: district.to_string(),
                rows,
            }
        })
        .collect())
}

/// Every district, by city, to map an unknown name to.
#[tracing::instrument(skip_all)]
pub async fn district_choices(db: &Db) -> Result<Vec<DistrictChoice>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT d.id, c.name_ar, c.name_en, d.name_ar, d.name_en \
         FROM districts d JOIN cities c ON c.id = d.city_id ORDER BY c.name_ar, d.name_ar, d.id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, city_ar, city_en, name_ar, name_en)| DistrictChoice {
            id,
            city_ar,
            city_en,
            name_ar,
            name_en,
        })
        .collect())
}

/// Maps a place as an association's files write it to a district (the
/// latest mapping wins), with `audit`.
#[tracing::instrument(skip_all)]
pub async fn save_alias(
    db: &Db,
    association_id: i64,
    alias_key: &str,
    district_id: i64,
    user_id: i64,
    audit: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO district_aliases (association_id, alias_key, district_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (association_id, alias_key) \
         DO UPDATE SET district_id = excluded.district_id, created_by = excluded.created_by, \
           created_at = excluded.created_at",
    )
    .bind(association_id)
    .bind(alias_key)
    .bind(district_id)
    .bind(user_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a district exists.
pub async fn district_exists(db: &Db, district_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM districts WHERE id = $1")
        .bind(district_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// Starts committing a dry run, with `audit`. A second commit of the same
/// file by the same association fails on the unique index
/// `import_batches_committed_once`, however close the two come.
#[tracing::instrument(skip_all)]
pub async fn start_commit(
    db: &Db,
    batch_id: i64,
    user_id: i64,
    audit: AuditEvent<'_>,
) -> Result<(), ImportError> {
    let mut tx = db.begin_write().await?;
    let at = now();
    let done = sqlx::query(
        "UPDATE import_batches SET status = 'committing', committed_by = $2, committed_at = $3, \
           heartbeat_at = $3 WHERE id = $1 AND status = 'dry_run'",
    )
    .bind(batch_id)
    .bind(user_id)
    .bind(at)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            ImportError::AlreadyCommitted
        } else {
            e.into()
        }
    })?;
    if done.rows_affected() != 1 {
        return Err(ImportError::NotDryRun);
    }
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

/// Whether another of this association's batches of the same file was
/// committed (shown before the admin tries).
pub async fn committed_twin(db: &Db, batch: &BatchSummary) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT o.id FROM import_batches o JOIN import_batches b ON b.id = $1 \
         WHERE o.association_id = b.association_id AND o.file_sha256 = b.file_sha256 \
           AND o.id <> b.id AND o.status <> 'dry_run' LIMIT 1",
    )
    .bind(batch.id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}

/// Takes over a stalled commit (its job stopped with its server): true for
/// the one caller that gets it.
#[tracing::instrument(skip_all)]
pub async fn claim_stalled(db: &Db, batch_id: i64) -> Result<bool, sqlx::Error> {
    let at = now();
    let done = sqlx::query(
        "UPDATE import_batches SET heartbeat_at = $2 WHERE id = $1 AND status = 'committing' \
           AND (heartbeat_at IS NULL OR heartbeat_at < $3)",
    )
    .bind(batch_id)
    .bind(at)
    .bind(at - STALLED_AFTER_SECS)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The associations these ids name (all of them for `None`: the council).
#[tracing::instrument(skip_all)]
pub async fn associations(
    db: &Db,
    ids: Option<&[i64]>,
) -> Result<Vec<AssociationChoice>, sqlx::Error> {
    let mut sql = Sql::new("SELECT id, name_ar, name_en FROM associations");
    if let Some(ids) = ids {
        sql.push(" WHERE id IN ").bind_list(ids);
    }
    sql.push(" ORDER BY id");
    let rows: Vec<(i64, String, String)> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name_ar, name_en)| AssociationChoice {
            id,
            name_ar,
            name_en,
        })
        .collect())
}
