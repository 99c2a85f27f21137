//! SQL of an application's documents (`applications::documents`).

use sqlx::{Any, Transaction};

use super::super::documents::{DocumentFormat, LineDocument, stored_name};
use crate::database::Db;

/// A document's file, checked and stored, waiting for its line's row.
#[derive(Debug, Clone)]
pub struct StoredDocument {
    pub kind_id: i64,
    pub key: String,
    pub format: DocumentFormat,
    pub size_bytes: i64,
}

/// Records a line's document (inside the submission's write).
pub async fn insert(
    tx: &mut Transaction<'static, Any>,
    line_id: i64,
    document: &StoredDocument,
    uploaded_by: i64,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO line_documents (line_id, document_kind_id, storage_key, format, size_bytes, \
           uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(line_id)
    .bind(document.kind_id)
    .bind(&document.key)
    .bind(document.format.as_str())
    .bind(document.size_bytes)
    .bind(uploaded_by)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds documents to a line that is still open (submitted, in review or
/// referred: the condition is in the write, so a decision at the same
/// moment wins) with its audit row, in one transaction; `false` when the
/// line is closed and nothing was written.
#[tracing::instrument(skip_all, fields(line_id = line_id))]
pub async fn add_to_open_line(
    db: &Db,
    line_id: i64,
    documents: &[StoredDocument],
    uploaded_by: i64,
    audit: crate::audit::AuditEvent<'_>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let at = crate::database::now();
    for document in documents {
        let added = sqlx::query(
            "INSERT INTO line_documents (line_id, document_kind_id, storage_key, format, \
               size_bytes, uploaded_by, uploaded_at) \
             SELECT id, $2, $3, $4, $5, $6, $7 FROM application_lines \
             WHERE id = $1 AND state IN ('submitted', 'in_review', 'referred')",
        )
        .bind(line_id)
        .bind(document.kind_id)
        .bind(&document.key)
        .bind(document.format.as_str())
        .bind(document.size_bytes)
        .bind(uploaded_by)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() == 0 {
            return Ok(false);
        }
    }
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

/// id, line, kind names, format, size, time
type Row = (i64, i64, String, String, String, i64, i64);

fn document_of(row: Row) -> Result<LineDocument, sqlx::Error> {
    let (id, line_id, kind_name_ar, kind_name_en, format, size_bytes, uploaded_at) = row;
    Ok(LineDocument {
        id,
        line_id,
        kind_name_ar,
        kind_name_en,
        format: crate::database::stored("line_documents.format", &format, DocumentFormat::parse)?,
        size_bytes,
        uploaded_at,
    })
}

/// The documents of one line, in the order given.
#[tracing::instrument(skip_all)]
pub async fn documents_of_line(db: &Db, line_id: i64) -> Result<Vec<LineDocument>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.id, d.line_id, k.name_ar, k.name_en, d.format, d.size_bytes, d.uploaded_at \
         FROM line_documents d JOIN document_kinds k ON k.id = d.document_kind_id \
         WHERE d.line_id = $1 ORDER BY d.id",
    )
    .bind(line_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(document_of).collect()
}

/// The documents of every line of a household.
#[tracing::instrument(skip_all)]
pub async fn documents_of_household(
    db: &Db,
    household_id: i64,
) -> Result<Vec<LineDocument>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.id, d.line_id, k.name_ar, k.name_en, d.format, d.size_bytes, d.uploaded_at \
         FROM line_documents d JOIN document_kinds k ON k.id = d.document_kind_id \
         JOIN application_lines l ON l.id = d.line_id \
         WHERE l.household_id = $1 ORDER BY d.line_id, d.id",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter().map(document_of).collect()
}

/// A document's line, stored file name and format.
pub async fn document_file(
    db: &Db,
    id: i64,
) -> Result<Option<(i64, String, DocumentFormat)>, sqlx::Error> {
    let row: Option<(i64, String, String)> =
        sqlx::query_as("SELECT line_id, storage_key, format FROM line_documents WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    row.map(|(line_id, key, format)| {
        let format =
            crate::database::stored("line_documents.format", &format, DocumentFormat::parse)?;
        Ok((line_id, stored_name(&key, format), format))
    })
    .transpose()
}

/// Deletes the household's documents (inside the deletion's write) and
/// returns their files' names, to remove once the write is committed.
pub async fn erase(
    tx: &mut Transaction<'static, Any>,
    household_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT d.storage_key, d.format FROM line_documents d \
         JOIN application_lines l ON l.id = d.line_id WHERE l.household_id = $1",
    )
    .bind(household_id)
    .fetch_all(&mut **tx)
    .await?;
    sqlx::query(
        "DELETE FROM line_documents WHERE line_id IN \
           (SELECT id FROM application_lines WHERE household_id = $1)",
    )
    .bind(household_id)
    .execute(&mut **tx)
    .await?;
    rows.into_iter()
        .map(|(key, format)| {
            let format =
                crate::database::stored("line_documents.format", &format, DocumentFormat::parse)?;
            Ok(stored_name(&key, format))
        })
        .collect()
}
