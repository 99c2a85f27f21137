//! SQL of the privacy interface (`training::subject`).

use super::super::subject::SubjectEnrollment;
use crate::database::Db;

/// titles, status, created, certificate, completed, present, marked
type Row = (
    String,
    String,
    String,
    i64,
    Option<String>,
    Option<i64>,
    i64,
    i64,
);

/// Every enrollment of the person (or of their household), newest first.
#[tracing::instrument(skip_all)]
pub async fn enrollments_of(
    db: &Db,
    user_id: i64,
    household_id: Option<i64>,
) -> Result<Vec<SubjectEnrollment>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT c.title_ar, c.title_en, e.status, e.created_at, e.certificate_code, \
           e.completed_at, \
           (SELECT COUNT(*) FROM attendance a WHERE a.enrollment_id = e.id AND a.mark = 'present'), \
           (SELECT COUNT(*) FROM attendance a WHERE a.enrollment_id = e.id) \
         FROM enrollments e JOIN courses c ON c.id = e.course_id \
         WHERE e.user_id = $1 OR e.household_id = $2 ORDER BY e.id DESC",
    )
    .bind(user_id)
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(title_ar, title_en, status, enrolled_at, code, completed_at, present, marked)| {
                SubjectEnrollment {
                    course_title_ar: title_ar,
                    course_title_en: title_en,
                    status,
                    enrolled_at,
                    certificate_code: code,
                    completed_at,
                    present,
                    marked,
                }
            },
        )
        .collect())
}

/// The training provider running a course (its roster's reads answer to it).
#[tracing::instrument(skip_all)]
pub async fn provider_of_course(
    db: &Db,
    course_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.name_ar, p.name_en FROM training_providers p \
           JOIN courses c ON c.provider_id = p.id WHERE c.id = $1",
    )
    .bind(course_id)
    .fetch_optional(&db.pool)
    .await
}
