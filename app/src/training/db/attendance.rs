//! The roster, attendance taps, finishing a course and its certificates.

use super::{TrainingError, course, sessions};
use crate::audit::AuditEvent;
use crate::database::{Db, Sql, now, stored};
use crate::training::{
    ABSENCE_STREAK_FLAG, AttendanceMark, Certificate, CourseFigures, EnrollmentStatus, RosterEntry,
    absence_streak, format_certificate_code, meets_completion,
};

/// course, user, name (ar, en), verified at, completed at.
type CertificateRow = (i64, i64, String, Option<String>, Option<i64>, i64);

/// One roster line as stored (the full national ID is masked before it leaves).
#[derive(sqlx::FromRow)]
struct RosterRow {
    enrollment_id: i64,
    household_id: Option<i64>,
    name_ar: String,
    name_en: Option<String>,
    national_id: String,
    phone: Option<String>,
    district_name_ar: Option<String>,
    district_name_en: Option<String>,
    status: String,
    waitlist_position: Option<i64>,
}

/// The roster: seat holders (and finished members) by name, then the waitlist in order.
///
/// `phone_for` are the associations of the person reading: a household's
/// phone is read only where one of them serves it (a line or a benefit).
#[tracing::instrument(skip_all)]
pub async fn roster(
    db: &Db,
    course_id: i64,
    phone_for: &[i64],
) -> Result<Vec<RosterEntry>, sqlx::Error> {
    // No associations: `IN (NULL)` matches nothing, so no phone is read.
    let mut sql = Sql::new(
        "SELECT e.id AS enrollment_id, e.household_id, u.name_ar, u.name_en, u.national_id, \
           CASE WHEN e.household_id IN (SELECT household_id FROM household_associations \
             WHERE association_id IN ",
    );
    sql.bind_list(phone_for)
        .push(
            ") THEN h.phone END AS phone, d.name_ar AS district_name_ar, \
           d.name_en AS district_name_en, e.status, \
           CASE WHEN e.status = 'waitlisted' THEN (SELECT COUNT(*) FROM enrollments w \
             WHERE w.course_id = e.course_id AND w.status = 'waitlisted' AND w.waitlist_seq <= e.waitlist_seq) END \
             AS waitlist_position \
         FROM enrollments e JOIN users u ON u.id = e.user_id \
         LEFT JOIN households h ON h.id = e.household_id LEFT JOIN districts d ON d.id = h.district_id \
         WHERE e.course_id = ",
        )
        .bind(course_id)
        .push(
            " AND e.status <> 'cancelled' \
         ORDER BY CASE WHEN e.status = 'waitlisted' THEN 1 ELSE 0 END, e.waitlist_seq, u.name_ar, e.id",
        );
    let rows: Vec<RosterRow> = sql.query_as().fetch_all(&db.pool).await?;
    let session_ids: Vec<i64> = sessions(db, course_id)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let marks: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT a.enrollment_id, a.session_id, a.mark FROM attendance a \
         JOIN enrollments e ON e.id = a.enrollment_id WHERE e.course_id = $1",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let enrollment_id = row.enrollment_id;
            Ok(RosterEntry {
                enrollment_id,
                household_id: row.household_id,
                // Nafath names everyone it vouches for; a person registered
                // before any sign-in may have no name yet.
                name_ar: if row.name_ar.trim().is_empty() {
                    crate::text::mask_identifier(&row.national_id)
                } else {
                    row.name_ar
                },
                name_en: row.name_en,
                masked_national_id: crate::text::mask_identifier(&row.national_id),
                phone: row.phone,
                district_name_ar: row.district_name_ar,
                district_name_en: row.district_name_en,
                status: stored("status", &row.status, EnrollmentStatus::parse)?,
                waitlist_position: row.waitlist_position,
                marks: session_ids
                    .iter()
                    .map(|session| {
                        marks
                            .iter()
                            .find(|(e, s, _)| *e == enrollment_id && s == session)
                            .map(|(_, _, m)| stored("mark", m, AttendanceMark::parse))
                            .transpose()
                    })
                    .collect::<Result<_, _>>()?,
            })
        })
        .collect()
}

/// Saves one attendance tap and, when it completes an absence streak, flags
/// the household for its association's follow-up (once per course while the
/// flag is open). Returns whether a flag was raised by this tap. A tap with a
/// key (sent by the sheet's island, perhaps again after a lost answer) is
/// applied once: a key already in `attendance_taps` changes nothing.
#[tracing::instrument(skip_all)]
pub async fn mark_attendance(
    db: &Db,
    course_id: i64,
    enrollment_id: i64,
    session_id: i64,
    mark: AttendanceMark,
    by: i64,
    tap_key: Option<&str>,
    audit: Option<AuditEvent<'_>>,
) -> Result<bool, TrainingError> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let target: Option<(Option<i64>,)> = sqlx::query_as(
        "SELECT e.household_id FROM enrollments e JOIN courses c ON c.id = e.course_id \
         JOIN course_sessions s ON s.course_id = c.id AND s.id = $3 \
         WHERE e.id = $2 AND e.course_id = $1 AND e.status = 'enrolled' AND c.status IN ('open', 'running')",
    )
    .bind(course_id)
    .bind(enrollment_id)
    .bind(session_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((household_id,)) = target else {
        return Err(TrainingError::WrongStatus);
    };
    if let Some(key) = tap_key {
        let fresh = sqlx::query(
            "INSERT INTO attendance_taps (tap_key, enrollment_id, session_id, applied_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (tap_key) DO NOTHING",
        )
        .bind(key)
        .bind(enrollment_id)
        .bind(session_id)
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if fresh == 0 {
            return Ok(false);
        }
    }
    // Absences and attendance are continuity signals.
    if let Some(household_id) = household_id {
        crate::jobs::household_changed(&mut tx, household_id).await?;
    }
    sqlx::query(
        "INSERT INTO attendance (enrollment_id, session_id, mark, marked_by, marked_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (enrollment_id, session_id) \
         DO UPDATE SET mark = excluded.mark, marked_by = excluded.marked_by, marked_at = excluded.marked_at",
    )
    .bind(enrollment_id)
    .bind(session_id)
    .bind(mark.as_str())
    .bind(by)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let marks: Vec<(Option<String>,)> = sqlx::query_as(
        "SELECT a.mark FROM course_sessions s LEFT JOIN attendance a \
           ON a.session_id = s.id AND a.enrollment_id = $2 \
         WHERE s.course_id = $1 ORDER BY s.starts_at, s.id",
    )
    .bind(course_id)
    .bind(enrollment_id)
    .fetch_all(&mut *tx)
    .await?;
    let marks: Vec<Option<AttendanceMark>> = marks
        .iter()
        .map(|(m,)| {
            m.as_deref()
                .map(|m| stored("mark", m, AttendanceMark::parse))
                .transpose()
        })
        .collect::<Result<_, _>>()?;
    let mut flagged = false;
    if let (Some(household_id), true) =
        (household_id, absence_streak(&marks) >= ABSENCE_STREAK_FLAG)
    {
        let raised = sqlx::query(
            "INSERT INTO follow_up_flags (household_id, reason, course_id, raised_at) \
             VALUES ($1, 'absence_streak', $2, $3) \
             ON CONFLICT (household_id, course_id) WHERE resolved_at IS NULL DO NOTHING",
        )
        .bind(household_id)
        .bind(course_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        flagged = raised.rows_affected() == 1;
    }
    if let Some(mut event) = audit {
        if flagged {
            event.detail = event.detail.map(|d| format!("{d}, follow-up flagged"));
        }
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(flagged)
}

/// Finishes a running course: each seat holder completes (with a new
/// certificate code) or not by the course's rule; the waitlist is closed.
/// Returns (completed, not completed).
#[tracing::instrument(skip_all)]
pub async fn finish_course(
    db: &Db,
    course_id: i64,
    audit: Option<AuditEvent<'_>>,
) -> Result<(usize, usize), TrainingError> {
    use rand::RngCore;
    let at = now();
    let mut tx = db.begin_write().await?;
    let course: Option<(i64,)> = sqlx::query_as(
        "UPDATE courses SET status = 'finished', updated_at = $2 \
         WHERE id = $1 AND status = 'running' RETURNING completion_percent",
    )
    .bind(course_id)
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((percent,)) = course else {
        return Err(TrainingError::WrongStatus);
    };
    let (sessions,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM course_sessions WHERE course_id = $1")
            .bind(course_id)
            .fetch_one(&mut *tx)
            .await?;
    let members: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT e.id, (SELECT COUNT(*) FROM attendance a WHERE a.enrollment_id = e.id AND a.mark = 'present') \
         FROM enrollments e WHERE e.course_id = $1 AND e.status = 'enrolled'",
    )
    .bind(course_id)
    .fetch_all(&mut *tx)
    .await?;
    let (mut completed, mut not_completed) = (0, 0);
    for (enrollment_id, present) in members {
        if meets_completion(present as usize, sessions as usize, percent as u32) {
            let mut bytes = [0u8; 16];
            rand::rng().fill_bytes(&mut bytes);
            let code = format_certificate_code(u128::from_le_bytes(bytes));
            sqlx::query(
                "UPDATE enrollments SET status = 'completed', certificate_code = $2, completed_at = $3, \
                 updated_at = $3 WHERE id = $1",
            )
            .bind(enrollment_id)
            .bind(code)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            completed += 1;
        } else {
            sqlx::query(
                "UPDATE enrollments SET status = 'not_completed', updated_at = $2 WHERE id = $1",
            )
            .bind(enrollment_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            not_completed += 1;
        }
    }
    sqlx::query(
        "UPDATE enrollments SET status = 'cancelled', waitlist_seq = NULL, updated_at = $2 \
         WHERE course_id = $1 AND status = 'waitlisted'",
    )
    .bind(course_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    if let Some(event) = audit {
        let detail = format!("finished: {completed} completed, {not_completed} not");
        crate::audit::record_in(&mut tx, event.detail(detail)).await?;
    }
    tx.commit().await?;
    Ok((completed, not_completed))
}

/// The certificate with this (normalized) code.
#[tracing::instrument(skip_all)]
pub async fn certificate(db: &Db, code: &str) -> Result<Option<Certificate>, sqlx::Error> {
    let row: Option<CertificateRow> = sqlx::query_as(
        "SELECT e.course_id, u.id, u.name_ar, u.name_en, u.verified_at, e.completed_at \
         FROM enrollments e JOIN users u ON u.id = e.user_id \
         WHERE e.certificate_code = $1 AND e.status = 'completed'",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    let Some((course_id, user_id, name_ar, name_en, verified_at, completed_at)) = row else {
        return Ok(None);
    };
    let Some(course) = course(db, course_id).await? else {
        return Ok(None);
    };
    Ok(Some(Certificate {
        code: code.to_string(),
        user_id,
        name_ar,
        name_en,
        name_verified: verified_at.is_some(),
        course,
        completed_at,
    }))
}

/// Attendance and completion counts of one course.
#[tracing::instrument(skip_all)]
pub async fn figures(db: &Db, course_id: i64) -> Result<CourseFigures, sqlx::Error> {
    let (marks, present, completed, not_completed): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT \
           (SELECT COUNT(*) FROM attendance a JOIN enrollments e ON e.id = a.enrollment_id WHERE e.course_id = $1), \
           (SELECT COUNT(*) FROM attendance a JOIN enrollments e ON e.id = a.enrollment_id \
              WHERE e.course_id = $1 AND a.mark = 'present'), \
           (SELECT COUNT(*) FROM enrollments WHERE course_id = $1 AND status = 'completed'), \
           (SELECT COUNT(*) FROM enrollments WHERE course_id = $1 AND status = 'not_completed')",
    )
    .bind(course_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(CourseFigures {
        marks,
        present,
        completed,
        not_completed,
    })
}
