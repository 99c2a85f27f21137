//! Enrollment, the waitlist and cancellation; a person's courses and notices.

use super::{TrainingError, course};
use crate::audit::AuditEvent;
use crate::database::{Db, is_unique_violation, now, stored};
use crate::messaging::{Message, Named};
use crate::training::{
    CourseStatus, EnrollmentStatus, MyEnrollment, Placement, TimeSpan, promotion, schedules_overlap,
};
use sqlx::{Any, Transaction};

/// The person enrolling and their registered household.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    pub user_id: i64,
    pub household_id: i64,
    pub district_id: Option<i64>,
}

/// The registered household a person belongs to (as head or listed member),
/// with its district.
#[tracing::instrument(skip_all)]
pub async fn member(
    db: &Db,
    user_id: i64,
    national_id: &str,
) -> Result<Option<Member>, sqlx::Error> {
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT h.id, h.district_id FROM household_identities i \
         JOIN households h ON h.id = i.household_id \
         WHERE i.national_id = $1 AND h.status = 'registered' AND h.merged_into_id IS NULL",
    )
    .bind(national_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(household_id, district_id)| Member {
        user_id,
        household_id,
        district_id,
    }))
}

/// Enrolls a member: a seat if one is free, else the waitlist. All in one
/// transaction; see the module comment for why it holds under concurrency.
/// `audit` is written with the enrollment, its detail saying where the
/// member was placed. A seat puts a "course enrolled" message in the outbox.
#[tracing::instrument(skip_all)]
pub async fn enroll(
    db: &Db,
    course_id: i64,
    member: Member,
    audit: AuditEvent<'_>,
) -> Result<Placement, TrainingError> {
    let at = now();
    let mut tx = db.begin_write().await?;
    // Serializes this person's enrollments (the overlap check below reads
    // their other courses); other people are not held up.
    sqlx::query("UPDATE users SET id = id WHERE id = $1")
        .bind(member.user_id)
        .execute(&mut *tx)
        .await?;
    let course: Option<(String, i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT status, opens_at, closes_at, eligibility, title_ar, title_en FROM courses WHERE id = $1",
    )
    .bind(course_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((status, opens_at, closes_at, eligibility, title_ar, title_en)) = course else {
        return Err(TrainingError::NotFound);
    };
    if status != CourseStatus::Open.as_str() || at < opens_at || at > closes_at {
        return Err(TrainingError::NotOpen);
    }
    if eligibility == "districts" {
        let eligible: Option<(i64,)> = sqlx::query_as(
            "SELECT 1 FROM course_districts WHERE course_id = $1 AND district_id = $2",
        )
        .bind(course_id)
        .bind(member.district_id.unwrap_or(0))
        .fetch_optional(&mut *tx)
        .await?;
        if eligible.is_none() {
            return Err(TrainingError::NotEligible);
        }
    }
    let already: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM enrollments WHERE course_id = $1 AND user_id = $2 AND status <> 'cancelled'",
    )
    .bind(course_id)
    .bind(member.user_id)
    .fetch_optional(&mut *tx)
    .await?;
    if already.is_some() {
        return Err(TrainingError::AlreadyEnrolled);
    }
    let this: Vec<(i64, i64)> =
        sqlx::query_as("SELECT starts_at, ends_at FROM course_sessions WHERE course_id = $1")
            .bind(course_id)
            .fetch_all(&mut *tx)
            .await?;
    let others: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT s.starts_at, s.ends_at FROM enrollments e \
         JOIN course_sessions s ON s.course_id = e.course_id \
         WHERE e.user_id = $1 AND e.course_id <> $2 AND e.status IN ('enrolled', 'waitlisted')",
    )
    .bind(member.user_id)
    .bind(course_id)
    .fetch_all(&mut *tx)
    .await?;
    let spans = |rows: Vec<(i64, i64)>| -> Vec<TimeSpan> {
        rows.into_iter()
            .map(|(starts_at, ends_at)| TimeSpan { starts_at, ends_at })
            .collect()
    };
    if schedules_overlap(&spans(this), &spans(others)) {
        return Err(TrainingError::Overlap);
    }
    // The seat: one guarded update; under concurrency each request re-reads
    // the counter after the previous one commits (PostgreSQL row lock, SQLite
    // write lock), so exactly `seats` requests take one.
    let seat = sqlx::query(
        "UPDATE courses SET enrolled = enrolled + 1, updated_at = $2 \
         WHERE id = $1 AND status = 'open' AND enrolled < seats",
    )
    .bind(course_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let placement = if seat.rows_affected() == 1 {
        insert_enrollment(
            &mut tx,
            course_id,
            member,
            EnrollmentStatus::Enrolled,
            None,
            at,
        )
        .await?;
        // The family hears of its seat on its phone (the outbox, same transaction).
        let message = Message::CourseEnrolled {
            course: Named::new(title_ar, title_en),
        };
        crate::messaging::db::enqueue(&mut tx, member.user_id, &message, false).await?;
        Placement::Seat
    } else {
        let (seq,): (i64,) = sqlx::query_as(
            "UPDATE courses SET waitlist_seq = waitlist_seq + 1, updated_at = $2 \
             WHERE id = $1 AND status = 'open' RETURNING waitlist_seq",
        )
        .bind(course_id)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?
        // Closed between the first read and now.
        .ok_or(TrainingError::NotOpen)?;
        insert_enrollment(
            &mut tx,
            course_id,
            member,
            EnrollmentStatus::Waitlisted,
            Some(seq),
            at,
        )
        .await?;
        Placement::Waitlist(waitlist_position(&mut tx, course_id, seq).await?)
    };
    let detail = match placement {
        Placement::Seat => "seat".to_string(),
        Placement::Waitlist(n) => format!("waitlist {n}"),
    };
    crate::audit::record_in(&mut tx, audit.detail(detail)).await?;
    tx.commit().await?;
    Ok(placement)
}

async fn insert_enrollment(
    tx: &mut Transaction<'static, Any>,
    course_id: i64,
    member: Member,
    status: EnrollmentStatus,
    waitlist_seq: Option<i64>,
    at: i64,
) -> Result<(), TrainingError> {
    sqlx::query(
        "INSERT INTO enrollments (course_id, user_id, household_id, status, waitlist_seq, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(course_id)
    .bind(member.user_id)
    .bind(member.household_id)
    .bind(status.as_str())
    .bind(waitlist_seq)
    .bind(at)
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            TrainingError::AlreadyEnrolled
        } else {
            e.into()
        }
    })?;
    Ok(())
}

/// The place in line of a waitlisted member (1 = next to be promoted).
async fn waitlist_position(
    tx: &mut Transaction<'static, Any>,
    course_id: i64,
    seq: i64,
) -> Result<i64, sqlx::Error> {
    let (position,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM enrollments WHERE course_id = $1 AND status = 'waitlisted' AND waitlist_seq <= $2",
    )
    .bind(course_id)
    .bind(seq)
    .fetch_one(&mut **tx)
    .await?;
    Ok(position)
}

/// Cancels a member's enrollment. A freed seat goes, in the same transaction,
/// to the first on the waitlist, who gets an in-app notification and a
/// message on their phone (the outbox). Returns the
/// promoted person's user id.
/// `audit` is written with the cancellation (its detail names a promotion).
#[tracing::instrument(skip_all)]
pub async fn cancel(
    db: &Db,
    course_id: i64,
    user_id: i64,
    audit: AuditEvent<'_>,
) -> Result<Option<i64>, TrainingError> {
    let at = now();
    let mut tx = db.begin_write().await?;
    // The course row first (as enroll takes it last), so two cancellations of
    // one course queue up instead of deadlocking over the waitlist head.
    let course = sqlx::query_as::<_, (String,)>(
        "UPDATE courses SET updated_at = $2 WHERE id = $1 RETURNING status",
    )
    .bind(course_id)
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((course_status,)) = course else {
        return Err(TrainingError::NotFound);
    };
    match stored("status", &course_status, CourseStatus::parse)? {
        CourseStatus::Open | CourseStatus::Running => {}
        _ => return Err(TrainingError::WrongStatus),
    }
    let mine: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, status FROM enrollments WHERE course_id = $1 AND user_id = $2 \
         AND status IN ('enrolled', 'waitlisted')",
    )
    .bind(course_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((enrollment_id, status)) = mine else {
        return Err(TrainingError::NotEnrolled);
    };
    let status = stored("status", &status, EnrollmentStatus::parse)?;
    sqlx::query(
        "UPDATE enrollments SET status = 'cancelled', waitlist_seq = NULL, updated_at = $2 WHERE id = $1",
    )
    .bind(enrollment_id)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let head: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, waitlist_seq FROM enrollments WHERE course_id = $1 AND status = 'waitlisted' \
         ORDER BY waitlist_seq LIMIT 1",
    )
    .bind(course_id)
    .fetch_all(&mut *tx)
    .await?;
    let promoted = match promotion(status, &head) {
        Some(next) => {
            let (promoted_user,): (i64,) = sqlx::query_as(
                "UPDATE enrollments SET status = 'enrolled', waitlist_seq = NULL, promoted_at = $2, \
                 updated_at = $2 WHERE id = $1 AND status = 'waitlisted' RETURNING user_id",
            )
            .bind(next)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO notifications (user_id, kind, course_id, created_at) \
                 VALUES ($1, 'course_promoted', $2, $3)",
            )
            .bind(promoted_user)
            .bind(course_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            let (title_ar, title_en): (String, String) =
                sqlx::query_as("SELECT title_ar, title_en FROM courses WHERE id = $1")
                    .bind(course_id)
                    .fetch_one(&mut *tx)
                    .await?;
            let message = Message::WaitlistPromoted {
                course: Named::new(title_ar, title_en),
            };
            crate::messaging::db::enqueue(&mut tx, promoted_user, &message, false).await?;
            Some(promoted_user)
        }
        None => {
            if status == EnrollmentStatus::Enrolled {
                sqlx::query("UPDATE courses SET enrolled = enrolled - 1 WHERE id = $1")
                    .bind(course_id)
                    .execute(&mut *tx)
                    .await?;
            }
            None
        }
    };
    let audit = match promoted {
        Some(user) => audit.detail(format!("promoted user {user}")),
        None => audit,
    };
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(promoted)
}

/// course, status, waitlist position, certificate code, promoted at.
type EnrollmentRow = (i64, String, Option<i64>, Option<String>, Option<i64>);

/// A person's enrollments (not the cancelled ones), newest first.
#[tracing::instrument(skip_all)]
pub async fn enrollments_of(db: &Db, user_id: i64) -> Result<Vec<MyEnrollment>, sqlx::Error> {
    let rows: Vec<EnrollmentRow> = sqlx::query_as(
        "SELECT e.course_id, e.status, \
           CASE WHEN e.status = 'waitlisted' THEN (SELECT COUNT(*) FROM enrollments w \
             WHERE w.course_id = e.course_id AND w.status = 'waitlisted' AND w.waitlist_seq <= e.waitlist_seq) END, \
           e.certificate_code, e.promoted_at \
         FROM enrollments e WHERE e.user_id = $1 AND e.status <> 'cancelled' ORDER BY e.id DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (course_id, status, position, code, promoted_at) in rows {
        if let Some(course) = course(db, course_id).await? {
            out.push(MyEnrollment {
                course,
                status: stored("status", &status, EnrollmentStatus::parse)?,
                waitlist_position: position,
                certificate_code: code,
                promoted_at,
            });
        }
    }
    Ok(out)
}

/// A person's active enrollment in a course: status and waitlist position.
#[tracing::instrument(skip_all)]
pub async fn enrollment_in(
    db: &Db,
    course_id: i64,
    user_id: i64,
) -> Result<Option<(EnrollmentStatus, Option<i64>)>, sqlx::Error> {
    let row: Option<(String, Option<i64>)> = sqlx::query_as(
        "SELECT e.status, CASE WHEN e.status = 'waitlisted' THEN (SELECT COUNT(*) FROM enrollments w \
           WHERE w.course_id = e.course_id AND w.status = 'waitlisted' AND w.waitlist_seq <= e.waitlist_seq) END \
         FROM enrollments e WHERE e.course_id = $1 AND e.user_id = $2 AND e.status <> 'cancelled'",
    )
    .bind(course_id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(status, position)| {
        Ok((
            stored("status", &status, EnrollmentStatus::parse)?,
            position,
        ))
    })
    .transpose()
}

/// Unread "a seat is yours" notifications: (notification id, course id, time).
#[tracing::instrument(skip_all)]
pub async fn unread_promotions(db: &Db, user_id: i64) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, course_id, created_at FROM notifications \
         WHERE user_id = $1 AND kind = 'course_promoted' AND read_at IS NULL ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await
}

/// Marks a person's course notifications read.
#[tracing::instrument(skip_all)]
pub async fn mark_promotions_read(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND kind = 'course_promoted' AND read_at IS NULL",
    )
    .bind(user_id)
    .bind(now())
    .execute(&db.pool)
    .await?;
    Ok(())
}
