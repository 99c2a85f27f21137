//! SQL of the privacy interface (`financing::subject`).

use sqlx::{Any, Transaction};

use super::super::documents::{DocumentFormat, document_file_name};
use super::super::subject::{SubjectDocument, SubjectFinancing, SubjectLoan};
use super::super::{DocumentKind, LoanStatus, Referral};
use crate::database::Db;

/// id, association names, activity, requested, months, birth date, income,
/// referral, opened; the loan's reference, status, principal, outstanding
type FileRow = (
    i64,
    String,
    String,
    String,
    i64,
    i64,
    String,
    i64,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
);

/// The household's financing files with their loans and uploaded documents.
#[tracing::instrument(skip_all)]
pub async fn financing_of(
    db: &Db,
    household_id: i64,
) -> Result<Vec<SubjectFinancing>, sqlx::Error> {
    let rows: Vec<FileRow> = sqlx::query_as(
        "SELECT f.id, a.name_ar, a.name_en, f.activity, f.requested_halalas, f.months, \
           f.applicant_birth_date, f.monthly_income_halalas, f.referral, f.opened_at, \
           l.reference, l.status, l.principal_halalas, l.outstanding_halalas \
         FROM financing_files f JOIN associations a ON a.id = f.association_id \
         LEFT JOIN loans l ON l.file_id = f.id \
         WHERE f.household_id = $1 ORDER BY f.id",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    let documents: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT d.file_id, d.kind, d.format, d.size_bytes, d.uploaded_at \
         FROM financing_document_files d JOIN financing_files f ON f.id = d.file_id \
         WHERE f.household_id = $1 ORDER BY d.id",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (file_id, name_ar, name_en, activity, requested, months, birth, income) =
                (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7);
            let loan = match (row.10, row.11, row.12, row.13) {
                (Some(reference), Some(status), Some(principal), Some(outstanding)) => {
                    Some(SubjectLoan {
                        reference,
                        status: LoanStatus::parse(&status).unwrap_or(LoanStatus::Referred),
                        principal,
                        outstanding,
                    })
                }
                _ => None,
            };
            SubjectFinancing {
                file_id,
                association_name_ar: name_ar,
                association_name_en: name_en,
                activity,
                requested,
                months,
                applicant_birth_date: birth,
                monthly_income: income,
                referral: row.8.as_deref().and_then(Referral::parse),
                opened_at: row.9,
                loan,
                documents: documents
                    .iter()
                    .filter(|d| d.0 == file_id)
                    .filter_map(|(_, kind, format, size, at)| {
                        Some(SubjectDocument {
                            kind: DocumentKind::parse(kind)?,
                            format: DocumentFormat::parse(format)?,
                            size: *size,
                            uploaded_at: *at,
                        })
                    })
                    .collect(),
            }
        })
        .collect())
}

/// On an approved deletion: removes the uploaded documents' rows and blanks
/// the applicant's birth date and income on the household's files (the
/// loans, schedules and repayments stay as accounts). Returns the stored
/// documents' file names, for the caller to remove once committed.
#[tracing::instrument(skip_all)]
pub async fn erase(
    tx: &mut Transaction<'static, Any>,
    household_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let stored: Vec<(String, String)> = sqlx::query_as(
        "SELECT d.storage_key, d.format FROM financing_document_files d \
         JOIN financing_files f ON f.id = d.file_id WHERE f.household_id = $1",
    )
    .bind(household_id)
    .fetch_all(&mut **tx)
    .await?;
    sqlx::query(
        "DELETE FROM financing_document_files WHERE file_id IN \
         (SELECT id FROM financing_files WHERE household_id = $1)",
    )
    .bind(household_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE financing_files SET applicant_birth_date = '', monthly_income_halalas = 0 \
         WHERE household_id = $1",
    )
    .bind(household_id)
    .execute(&mut **tx)
    .await?;
    Ok(stored
        .into_iter()
        .filter_map(|(key, format)| Some(document_file_name(&key, DocumentFormat::parse(&format)?)))
        .collect())
}
