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

/// The training provider a person reads rosters for: the centre whose staff
/// they are, else the first provider they train for. `None` for anyone else.
#[tracing::instrument(skip_all)]
pub async fn provider_of_reader(
    db: &Db,
    user_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.name_ar, p.name_en FROM training_providers p WHERE p.id = COALESCE( \
           (SELECT MIN(s.provider_id) FROM provider_staff s WHERE s.user_id = $1), \
           (SELECT MIN(tp.provider_id) FROM trainer_providers tp \
              JOIN trainers t ON t.id = tp.trainer_id WHERE t.user_id = $2))",
    )
    .bind(user_id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await
}
