//! Financing's SQL (server only): the council's settings and limits, files
//! with their documents and eligibility, and the approved financing lines
//! they are opened from (read by name). Loans, schedules and repayments are
//! in `loans.rs`.

mod documents;
mod guarantees;
mod loans;
mod statements;
pub mod subject;

pub use documents::*;
pub use guarantees::*;
pub use loans::*;
pub use statements::*;

use sqlx::Row;

use super::{Document, DocumentKind, EligibilityRule, ReadyLine, Referral, Settings};
use crate::audit::AuditEvent;
use crate::database::{Db, now};

/// The settings in force on `day` (`YYYY-MM-DD`): the newest row valid from
/// that day or earlier, its id and day; the bank's published programme when
/// the council has saved none.
#[tracing::instrument(skip_all)]
pub async fn settings(
    db: &Db,
    day: &str,
) -> Result<(Option<i64>, Settings, Option<String>), sqlx::Error> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT id, settings, valid_from FROM financing_settings WHERE valid_from <= $1 \
         ORDER BY valid_from DESC, id DESC LIMIT 1",
    )
    .bind(day)
    .fetch_optional(&db.pool)
    .await?;
    Ok(match row {
        Some((id, json, from)) => match serde_json::from_str(&json) {
            Ok(settings) => (Some(id), settings, Some(from)),
            Err(error) => {
                tracing::warn!(%error, id, "unreadable financing settings; the defaults apply");
                (None, Settings::default(), None)
            }
        },
        None => (None, Settings::default(), None),
    })
}

/// Saves settings valid from `valid_from`, audited in the same transaction.
pub async fn save_settings(
    db: &Db,
    settings: &Settings,
    valid_from: &str,
    user_id: i64,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(settings).unwrap_or_default();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO financing_settings (settings, valid_from, saved_by, saved_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(json)
    .bind(valid_from)
    .bind(user_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await
}

/// The association's exposure limit in force on `day`, and since when.
pub async fn limit(
    db: &Db,
    association_id: i64,
    day: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT limit_halalas, valid_from FROM exposure_limits \
         WHERE association_id = $1 AND valid_from <= $2 \
         ORDER BY valid_from DESC, id DESC LIMIT 1",
    )
    .bind(association_id)
    .bind(day)
    .fetch_optional(&db.pool)
    .await
}

/// Sets an association's limit from a day (the council), audited.
pub async fn set_limit(
    db: &Db,
    association_id: i64,
    limit: i64,
    valid_from: &str,
    user_id: i64,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO exposure_limits (association_id, limit_halalas, valid_from, set_by, set_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(association_id)
    .bind(limit)
    .bind(valid_from)
    .bind(user_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await
}

/// Active associations: id and names.
pub async fn associations(db: &Db) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name_ar, COALESCE(name_en, name_ar) FROM associations \
         WHERE status = 'active' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
}

/// An association's names.
pub async fn association_names(
    db: &Db,
    association_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT name_ar, COALESCE(name_en, name_ar) FROM associations WHERE id = $1")
        .bind(association_id)
        .fetch_optional(&db.pool)
        .await
}

/// Approved (or fulfilled) financing lines of an association (`$1`) that
/// have no file yet: shared by [`ready_count`] and [`ready_lines`].
const READY_OF: &str = "FROM application_lines l \
     JOIN assistance_types t ON t.id = l.assistance_type_id AND t.code = 'financing' \
     JOIN households h ON h.id = l.household_id \
     WHERE l.association_id = $1 AND l.state IN ('approved', 'fulfilled') \
       AND NOT EXISTS (SELECT 1 FROM financing_files f WHERE f.line_id = l.id)";

/// How many financing lines wait for a file (see [`ready_lines`]).
#[tracing::instrument(skip_all)]
pub async fn ready_count(db: &Db, association_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {READY_OF}")))
        .bind(association_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

/// A page of the approved (or fulfilled) financing lines the association
/// serves that have no file yet, oldest first; `limit` from `offset`.
#[tracing::instrument(skip_all)]
pub async fn ready_lines(
    db: &Db,
    association_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<ReadyLine>, sqlx::Error> {
    let rows: Vec<(i64, i64, String, Option<i64>, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT l.id, l.household_id, h.head_name_ar, l.amount_halalas, l.description \
             {READY_OF} ORDER BY l.last_action_at, l.id LIMIT $2 OFFSET $3"
        )))
        .bind(association_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(line_id, household_id, head_name_ar, amount, description)| ReadyLine {
                line_id,
                household_id,
                head_name_ar,
                amount,
                description,
            },
        )
        .collect())
}

/// A financing line a file may be opened from: household, association
/// (`None`: unrouted), state, and the amount asked.
pub async fn financing_line(
    db: &Db,
    line_id: i64,
) -> Result<Option<(i64, Option<i64>, String, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.household_id, l.association_id, l.state, l.amount_halalas \
         FROM application_lines l \
         JOIN assistance_types t ON t.id = l.assistance_type_id AND t.code = 'financing' \
         WHERE l.id = $1",
    )
    .bind(line_id)
    .fetch_optional(&db.pool)
    .await
}

/// What a new file holds.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub line_id: i64,
    pub household_id: i64,
    pub association_id: i64,
    pub activity: String,
    pub requested: i64,
    pub months: i64,
    pub applicant_birth_date: String,
    pub monthly_income: i64,
    pub commercial_registration: bool,
    pub opened_by: i64,
}

/// Opens the file (once per line: the unique key decides), audited; its id.
pub async fn open_file(db: &Db, file: &NewFile, event: AuditEvent<'_>) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO financing_files (line_id, household_id, association_id, activity, \
           requested_halalas, months, applicant_birth_date, monthly_income_halalas, \
           commercial_registration, opened_by, opened_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(file.line_id)
    .bind(file.household_id)
    .bind(file.association_id)
    .bind(&file.activity)
    .bind(file.requested)
    .bind(file.months)
    .bind(&file.applicant_birth_date)
    .bind(file.monthly_income)
    .bind(i64::from(file.commercial_registration))
    .bind(file.opened_by)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    crate::audit::record_in(&mut tx, event.subject("financing_file", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// A file as stored.
#[derive(Debug, Clone)]
pub struct FileRecord {
    pub id: i64,
    pub line_id: i64,
    pub household_id: i64,
    pub association_id: i64,
    pub head_name_ar: String,
    pub activity: String,
    pub requested: i64,
    pub months: i64,
    pub applicant_birth_date: String,
    pub monthly_income: i64,
    pub commercial_registration: bool,
    pub eligibility: Option<Vec<(EligibilityRule, bool)>>,
    pub eligible: Option<bool>,
    pub referral: Option<Referral>,
}

const FILE_COLUMNS: &str = "f.id, f.line_id, f.household_id, f.association_id, h.head_name_ar, \
     f.activity, f.requested_halalas, f.months, f.applicant_birth_date, f.monthly_income_halalas, \
     f.commercial_registration, f.eligibility, f.eligible, f.referral";
/// Where a file's columns come from (see [`FILE_COLUMNS`]).
const FILE_FROM: &str = "FROM financing_files f JOIN households h ON h.id = f.household_id";
/// An association's files (`$1`): shared by [`files_count`] and [`files_of`].
const FILES_OF: &str = "WHERE f.association_id = $1";

fn file_of(row: &sqlx::any::AnyRow) -> Result<FileRecord, sqlx::Error> {
    let eligibility: Option<String> = row.try_get(11)?;
    let eligible: Option<i64> = row.try_get(12)?;
    let referral: Option<String> = row.try_get(13)?;
    Ok(FileRecord {
        id: row.try_get(0)?,
        line_id: row.try_get(1)?,
        household_id: row.try_get(2)?,
        association_id: row.try_get(3)?,
        head_name_ar: row.try_get(4)?,
        activity: row.try_get(5)?,
        requested: row.try_get(6)?,
        months: row.try_get(7)?,
        applicant_birth_date: row.try_get(8)?,
        monthly_income: row.try_get(9)?,
        commercial_registration: row.try_get::<i64, _>(10)? == 1,
        eligibility: eligibility.and_then(|j| serde_json::from_str(&j).ok()),
        eligible: eligible.map(|e| e == 1),
        referral: referral.as_deref().and_then(Referral::parse),
    })
}

/// One file.
pub async fn file(db: &Db, id: i64) -> Result<Option<FileRecord>, sqlx::Error> {
    let sql = format!("SELECT {FILE_COLUMNS} {FILE_FROM} WHERE f.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(file_of).transpose()
}

/// How many files an association has (see [`files_of`]).
pub async fn files_count(db: &Db, association_id: i64) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) {FILE_FROM} {FILES_OF}");
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(association_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

/// A page of an association's files, newest first; `limit` from `offset`.
pub async fn files_of(
    db: &Db,
    association_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<FileRecord>, sqlx::Error> {
    let sql = format!(
        "SELECT {FILE_COLUMNS} {FILE_FROM} {FILES_OF} ORDER BY f.id DESC LIMIT $2 OFFSET $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(association_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(file_of).collect()
}

/// The file's documents in checklist order.
pub async fn documents(db: &Db, file_id: i64) -> Result<Vec<Document>, sqlx::Error> {
    let rows: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT kind, received_on, expires_on FROM financing_documents WHERE file_id = $1",
    )
    .bind(file_id)
    .fetch_all(&db.pool)
    .await?;
    let mut documents: Vec<Document> = rows
        .into_iter()
        .filter_map(|(kind, received_on, expires_on)| {
            Some(Document {
                kind: DocumentKind::parse(&kind)?,
                received_on,
                expires_on,
            })
        })
        .collect();
    documents.sort_by_key(|d| DocumentKind::ALL.iter().position(|k| *k == d.kind));
    Ok(documents)
}

/// Records (or corrects) a document of the checklist, audited.
pub async fn save_document(
    db: &Db,
    file_id: i64,
    document: &Document,
    user_id: i64,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO financing_documents (file_id, kind, received_on, expires_on, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (file_id, kind) DO UPDATE SET received_on = excluded.received_on, \
           expires_on = excluded.expires_on, recorded_by = excluded.recorded_by, \
           recorded_at = excluded.recorded_at",
    )
    .bind(file_id)
    .bind(document.kind.as_str())
    .bind(&document.received_on)
    .bind(&document.expires_on)
    .bind(user_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await
}

/// Stores the eligibility check's result with the settings it used, audited.
pub async fn save_eligibility(
    db: &Db,
    file_id: i64,
    results: &[(EligibilityRule, bool)],
    settings_id: Option<i64>,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let eligible = results.iter().all(|(_, ok)| *ok);
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE financing_files SET eligibility = $1, eligible = $2, checked_at = $3, \
           settings_id = $4 WHERE id = $5",
    )
    .bind(serde_json::to_string(results).unwrap_or_default())
    .bind(i64::from(eligible))
    .bind(now())
    .bind(settings_id)
    .bind(file_id)
    .execute(&mut *tx)
    .await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await
}

/// The household of a head of household's national ID.
pub async fn household_of(db: &Db, national_id: &str) -> Result<Option<i64>, sqlx::Error> {
    crate::registry::db::household_id_of_head(db, national_id).await
}
