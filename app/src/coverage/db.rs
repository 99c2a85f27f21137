//! SQL of coverage: proposed and approved cells, and the cells that route a line.

use sqlx::{Any, Transaction};

use super::{CoverageCell, CoverageRole, ProposalStatus, ProposedCell};
use crate::audit::AuditEvent;
use crate::database::{Db, Sql, now, stored};

/// Why a coverage write was refused.
#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    #[error("no such proposal, or it was already decided")]
    NotPending,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

crate::db_failure!(CoverageError);

/// A stored role; an unknown one is a loud decode error, never a guess.
fn role_of(value: &str) -> Result<CoverageRole, sqlx::Error> {
    stored("coverage_cells.role", value, CoverageRole::parse)
}

/// What an association admin proposes: one type, one role, a validity, many districts.
pub struct Proposal<'a> {
    pub association_id: i64,
    pub district_ids: &'a [i64],
    pub assistance_type_id: i64,
    pub role: CoverageRole,
    pub valid_from: i64,
    pub valid_to: Option<i64>,
    pub proposed_by: i64,
}

/// Records the proposal, one cell per district, with its `audit` row;
/// returns how many were created.
#[tracing::instrument(skip_all)]
pub async fn propose(
    db: &Db,
    proposal: &Proposal<'_>,
    audit: AuditEvent<'_>,
) -> Result<usize, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let at = now();
    for district_id in proposal.district_ids {
        sqlx::query(
            "INSERT INTO coverage_cells (association_id, district_id, assistance_type_id, role, \
               status, valid_from, valid_to, proposed_by, proposed_at) \
             VALUES ($1, $2, $3, $4, 'proposed', $5, $6, $7, $8)",
        )
        .bind(proposal.association_id)
        .bind(district_id)
        .bind(proposal.assistance_type_id)
        .bind(proposal.role.as_str())
        .bind(proposal.valid_from)
        .bind(proposal.valid_to)
        .bind(proposal.proposed_by)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(proposal.district_ids.len())
}

/// Approves or rejects a pending proposal (the council's decision), with
/// its `audit` row.
#[tracing::instrument(skip_all)]
pub async fn decide(
    db: &Db,
    cell_id: i64,
    approve: bool,
    note: Option<&str>,
    decided_by: i64,
    audit: AuditEvent<'_>,
) -> Result<(), CoverageError> {
    let status = if approve { "approved" } else { "rejected" };
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE coverage_cells SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
         WHERE id = $5 AND status = 'proposed'",
    )
    .bind(status)
    .bind(decided_by)
    .bind(now())
    .bind(note)
    .bind(cell_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(CoverageError::NotPending);
    }
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends an approved cell now (the council's decision): a cell in force stops
/// routing from this moment; one that has not started yet never will. Its
/// history stays, so past routing remains explainable. `audit` is written with it.
#[tracing::instrument(skip_all)]
pub async fn end_cell(
    db: &Db,
    cell_id: i64,
    ended_by: i64,
    audit: AuditEvent<'_>,
) -> Result<(), CoverageError> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let found: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT valid_from, valid_to FROM coverage_cells WHERE id = $1 AND status = 'approved'",
    )
    .bind(cell_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((valid_from, valid_to)) = found else {
        return Err(CoverageError::NotPending);
    };
    if valid_to.is_some_and(|to| to <= at) {
        return Err(CoverageError::NotPending);
    }
    // valid_to must stay after valid_from (a CHECK): a cell not yet started is
    // withdrawn instead of given an empty period.
    let sql = if valid_from < at {
        "UPDATE coverage_cells SET valid_to = $1, decided_by = $2, decided_at = $1 WHERE id = $3"
    } else {
        "UPDATE coverage_cells SET status = 'rejected', decided_by = $2, decided_at = $1 WHERE id = $3"
    };
    sqlx::query(sql)
        .bind(at)
        .bind(ended_by)
        .bind(cell_id)
        .execute(&mut *tx)
        .await?;
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

type CellRow = (i64, i64, i64, String, i64, Option<i64>);

fn cell_of(row: CellRow) -> Result<CoverageCell, sqlx::Error> {
    let (association_id, district_id, assistance_type_id, role, valid_from, valid_to) = row;
    Ok(CoverageCell {
        association_id,
        district_id,
        assistance_type_id,
        role: role_of(&role)?,
        valid_from,
        valid_to,
    })
}

const CELL_COLUMNS: &str =
    "association_id, district_id, assistance_type_id, role, valid_from, valid_to";

/// Approved cells that may be in force at `at` (the matrix filters precisely).
/// A suspended association's cells are left out: it routes nothing, and the
/// matrix shows the gap it leaves.
#[tracing::instrument(skip_all)]
pub async fn approved_cells(db: &Db, at: i64) -> Result<Vec<CoverageCell>, sqlx::Error> {
    let sql = format!(
        "SELECT {CELL_COLUMNS} FROM coverage_cells \
         WHERE status = 'approved' AND valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1) \
           AND association_id IN (SELECT id FROM associations WHERE status = 'active')"
    );
    let rows: Vec<CellRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(at)
        .fetch_all(&db.pool)
        .await?;
    rows.into_iter().map(cell_of).collect()
}

/// Approved cells of one (district, type) pair of active associations, read
/// inside the routing transaction.
#[tracing::instrument(skip_all)]
pub async fn cells_of_pair(
    tx: &mut Transaction<'static, Any>,
    district_id: i64,
    assistance_type_id: i64,
) -> Result<Vec<CoverageCell>, sqlx::Error> {
    let sql = format!(
        "SELECT {CELL_COLUMNS} FROM coverage_cells \
         WHERE district_id = $1 AND assistance_type_id = $2 AND status = 'approved' \
           AND association_id IN (SELECT id FROM associations WHERE status = 'active')"
    );
    let rows: Vec<CellRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(district_id)
        .bind(assistance_type_id)
        .fetch_all(&mut **tx)
        .await?;
    rows.into_iter().map(cell_of).collect()
}

/// Which cells a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct CellQuery {
    /// One association's cells; `None`: every association's.
    pub association_id: Option<i64>,
    pub status: Option<ProposalStatus>,
    /// Only the districts of this city.
    pub city_id: Option<i64>,
    /// Leave out cells whose validity ended before this time.
    pub still_valid_at: Option<i64>,
}

/// A row of [`list_cells`], as stored.
#[derive(sqlx::FromRow)]
struct ListedCellRow {
    id: i64,
    association_id: i64,
    association_name_ar: String,
    association_name_en: String,
    district_id: i64,
    district_name_ar: String,
    district_name_en: String,
    city_name_ar: String,
    city_name_en: String,
    assistance_type_id: i64,
    type_name_ar: String,
    type_name_en: String,
    valid_from: i64,
    valid_to: Option<i64>,
    status: String,
    proposed_at: i64,
    role: String,
}

/// Cells with the names to show, newest first.
#[tracing::instrument(skip_all)]
pub async fn list_cells(
    db: &Db,
    query: CellQuery,
    limit: i64,
) -> Result<Vec<ProposedCell>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT c.id, a.id AS association_id, a.name_ar AS association_name_ar, \
           a.name_en AS association_name_en, d.id AS district_id, d.name_ar AS district_name_ar, \
           d.name_en AS district_name_en, ci.name_ar AS city_name_ar, ci.name_en AS city_name_en, \
           t.id AS assistance_type_id, t.name_ar AS type_name_ar, t.name_en AS type_name_en, \
           c.valid_from, c.valid_to, c.status, c.proposed_at, c.role \
         FROM coverage_cells c \
         JOIN associations a ON a.id = c.association_id \
         JOIN districts d ON d.id = c.district_id \
         JOIN cities ci ON ci.id = d.city_id \
         JOIN assistance_types t ON t.id = c.assistance_type_id \
         WHERE 1 = 1",
    );
    if let Some(association_id) = query.association_id {
        sql.push(" AND c.association_id = ").bind(association_id);
    }
    if let Some(status) = query.status {
        sql.push(" AND c.status = ").bind(status.as_str());
    }
    if let Some(city_id) = query.city_id {
        sql.push(" AND d.city_id = ").bind(city_id);
    }
    if let Some(at) = query.still_valid_at {
        sql.push(" AND (c.valid_to IS NULL OR c.valid_to > ")
            .bind(at)
            .push(")");
    }
    sql.push(" ORDER BY c.id DESC LIMIT ").bind(limit);
    let rows: Vec<ListedCellRow> = sql.query_as().fetch_all(&db.pool).await?;
    rows.into_iter()
        .map(|r| {
            Ok(ProposedCell {
                id: r.id,
                association_id: r.association_id,
                association_name_ar: r.association_name_ar,
                association_name_en: r.association_name_en,
                district_id: r.district_id,
                district_name_ar: r.district_name_ar,
                district_name_en: r.district_name_en,
                city_name_ar: r.city_name_ar,
                city_name_en: r.city_name_en,
                assistance_type_id: r.assistance_type_id,
                type_name_ar: r.type_name_ar,
                type_name_en: r.type_name_en,
                valid_from: r.valid_from,
                valid_to: r.valid_to,
                status: stored("coverage_cells.status", &r.status, ProposalStatus::parse)?,
                proposed_at: r.proposed_at,
                role: role_of(&r.role)?,
            })
        })
        .collect()
}
