//! Uploaded checklist documents' SQL: which file of which document, where
//! it is stored and in what format.

use crate::audit::AuditEvent;
use crate::database::{Db, now};
use crate::financing::documents::DocumentFormat;
use crate::financing::{DocumentKind, UploadedDocument};

/// Records an uploaded document's stored file, audited; its id.
#[allow(clippy::too_many_arguments)]
pub async fn add_document_file(
    db: &Db,
    file_id: i64,
    kind: DocumentKind,
    storage_key: &str,
    format: DocumentFormat,
    size: i64,
    user_id: i64,
    event: AuditEvent<'_>,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO financing_document_files (file_id, kind, storage_key, format, size_bytes, \
           uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(file_id)
    .bind(kind.as_str())
    .bind(storage_key)
    .bind(format.as_str())
    .bind(size)
    .bind(user_id)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// A file's uploaded documents, oldest first.
pub async fn document_files(db: &Db, file_id: i64) -> Result<Vec<UploadedDocument>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT id, kind, format, size_bytes, uploaded_at FROM financing_document_files \
         WHERE file_id = $1 ORDER BY id",
    )
    .bind(file_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, format, size, uploaded_at)| {
            Some(UploadedDocument {
                id,
                kind: DocumentKind::parse(&kind)?,
                format: DocumentFormat::parse(&format)?,
                size,
                uploaded_at,
            })
        })
        .collect())
}

/// One stored document: its financing file, storage key and format.
pub async fn document_file(
    db: &Db,
    id: i64,
) -> Result<Option<(i64, String, DocumentFormat)>, sqlx::Error> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT file_id, storage_key, format FROM financing_document_files WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(
        row.and_then(|(file_id, key, format)| {
            Some((file_id, key, DocumentFormat::parse(&format)?))
        }),
    )
}
