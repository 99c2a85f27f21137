//! Training SQL (server only). Seats are held by one guarded update of the
//! course's counter (`enrolled < seats`, backed by a CHECK), so two instances
//! racing for the last seat cannot both win; the waitlist takes its numbers
//! from the same row. A person's enrollments are serialized by locking their
//! user row first, so the overlap check cannot race with itself.

use sqlx::{Any, Row, Transaction};

use super::{
    AttendanceMark, Certificate, Course, CourseFigures, CourseMode, CourseStatus, EnrollmentStatus,
    FollowUpFlag, MyEnrollment, Placement, Provider, RosterEntry, Specialty, TimeSpan, Trainer,
    absence_streak, format_certificate_code, meets_completion, promotion, schedules_overlap,
};
use crate::audit::AuditEvent;
use crate::database::{Db, is_unique_violation, now};

/// Why an enrollment, a cancellation or a course change was refused.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    #[error("the course does not exist")]
    NotFound,
    #[error("the course does not take enrollments now")]
    NotOpen,
    #[error("the household is not eligible for this course")]
    NotEligible,
    #[error("already enrolled or waitlisted in this course")]
    AlreadyEnrolled,
    #[error("the sessions overlap another course of the member")]
    Overlap,
    #[error("no active enrollment to cancel")]
    NotEnrolled,
    #[error("the course's status does not allow this")]
    WrongStatus,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

crate::db_failure!(TrainingError);

/// Every provider, by name.
pub async fn providers(db: &Db) -> Result<Vec<Provider>, sqlx::Error> {
    let rows: Vec<(i64, Option<i64>, String, String)> = sqlx::query_as(
        "SELECT id, association_id, name_ar, name_en FROM training_providers ORDER BY name_ar",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, association_id, name_ar, name_en)| Provider {
            id,
            association_id,
            name_ar,
            name_en,
        })
        .collect())
}

/// The providers a person acts for: centers that list them as staff and the
/// training providers of the associations they work for.
pub async fn providers_of(
    db: &Db,
    user_id: i64,
    association_ids: &[i64],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids: Vec<i64> =
        sqlx::query_as::<_, (i64,)>("SELECT provider_id FROM provider_staff WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .map(|(id,)| id)
            .collect();
    // Read only: this runs on every page that checks rights; the rows are
    // created where a provider is chosen (`association_provider`).
    for association_id in association_ids {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM training_providers WHERE association_id = $1")
                .bind(association_id)
                .fetch_optional(&db.pool)
                .await?;
        ids.extend(row.map(|(id,)| id));
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The training provider of an association, created the first time it is
/// needed (every association may train its families and others').
pub async fn association_provider(db: &Db, association_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO training_providers (kind, association_id, name_ar, name_en, phone, email, created_at) \
         SELECT 'association', id, name_ar, name_en, phone, email, $2 FROM associations WHERE id = $1 \
         ON CONFLICT (association_id) DO NOTHING",
    )
    .bind(association_id)
    .bind(now())
    .execute(&db.pool)
    .await?;
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM training_providers WHERE association_id = $1")
            .bind(association_id)
            .fetch_one(&db.pool)
            .await?;
    Ok(id)
}

/// The training centers (not associations), with how many staff each lists.
pub async fn centers(db: &Db) -> Result<Vec<(Provider, i64)>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT p.id, p.name_ar, p.name_en, \
           (SELECT COUNT(*) FROM provider_staff s WHERE s.provider_id = p.id) \
         FROM training_providers p WHERE p.kind = 'center' ORDER BY p.name_ar",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name_ar, name_en, staff)| {
            (
                Provider {
                    id,
                    association_id: None,
                    name_ar,
                    name_en,
                },
                staff,
            )
        })
        .collect())
}

/// Registers a training center (by the council), or finds it by its Arabic name.
pub async fn upsert_center(
    db: &Db,
    name_ar: &str,
    name_en: &str,
    audit: Option<AuditEvent<'_>>,
) -> Result<i64, sqlx::Error> {
    let existing: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM training_providers WHERE kind = 'center' AND name_ar = $1")
            .bind(name_ar)
            .fetch_optional(&db.pool)
            .await?;
    if let Some((id,)) = existing {
        return Ok(id);
    }
    let mut tx = db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO training_providers (kind, name_ar, name_en, created_at) \
         VALUES ('center', $1, $2, $3) RETURNING id",
    )
    .bind(name_ar)
    .bind(name_en)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    if let Some(event) = audit {
        let event = AuditEvent {
            subject_id: Some(id.to_string()),
            ..event
        };
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Lists a person as staff of a training center.
pub async fn add_provider_staff(
    db: &Db,
    provider_id: i64,
    user_id: i64,
    audit: Option<AuditEvent<'_>>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO provider_staff (provider_id, user_id) VALUES ($1, $2) \
         ON CONFLICT (provider_id, user_id) DO NOTHING",
    )
    .bind(provider_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if let Some(event) = audit {
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What a trainer form saves.
#[derive(Debug, Clone)]
pub struct TrainerInput {
    pub user_id: Option<i64>,
    pub name_ar: String,
    pub name_en: String,
    pub specialties: Vec<Specialty>,
    pub qualifications: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub provider_id: i64,
}

/// Adds a trainer to the registry (or, for a person already in it by
/// account, updates them) and links them to the provider.
pub async fn save_trainer(
    db: &Db,
    input: &TrainerInput,
    by: Option<i64>,
    audit: Option<AuditEvent<'_>>,
) -> Result<i64, sqlx::Error> {
    let specialties = input
        .specialties
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let mut tx = db.begin_write().await?;
    let existing: Option<(i64,)> = match input.user_id {
        Some(user_id) => {
            sqlx::query_as("SELECT id FROM trainers WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?
        }
        None => None,
    };
    let id = match existing {
        Some((id,)) => {
            sqlx::query(
                "UPDATE trainers SET name_ar = $2, name_en = $3, specialties = $4, \
                 qualifications = $5, phone = $6, email = $7 WHERE id = $1",
            )
            .bind(id)
            .bind(&input.name_ar)
            .bind(&input.name_en)
            .bind(&specialties)
            .bind(&input.qualifications)
            .bind(&input.phone)
            .bind(&input.email)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO trainers (user_id, name_ar, name_en, specialties, qualifications, \
                 phone, email, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 RETURNING id",
            )
            .bind(input.user_id)
            .bind(&input.name_ar)
            .bind(&input.name_en)
            .bind(&specialties)
            .bind(&input.qualifications)
            .bind(&input.phone)
            .bind(&input.email)
            .bind(by)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?;
            id
        }
    };
    sqlx::query(
        "INSERT INTO trainer_providers (trainer_id, provider_id) VALUES ($1, $2) \
         ON CONFLICT (trainer_id, provider_id) DO NOTHING",
    )
    .bind(id)
    .bind(input.provider_id)
    .execute(&mut *tx)
    .await?;
    if let Some(event) = audit {
        let event = AuditEvent {
            subject_id: Some(id.to_string()),
            ..event
        };
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The registry, optionally of one specialty, by name.
pub async fn trainers(db: &Db, specialty: Option<Specialty>) -> Result<Vec<Trainer>, sqlx::Error> {
    // Specialties are a short comma list: ',' || list || ',' LIKE '%,code,%'
    // finds one exactly on both engines.
    let rows = sqlx::query(
        "SELECT t.id, t.user_id, t.name_ar, t.name_en, t.specialties, t.qualifications, t.phone, t.email \
         FROM trainers t WHERE $1 = '' OR (',' || t.specialties || ',') LIKE ('%,' || $1 || ',%') \
         ORDER BY t.name_ar LIMIT 500",
    )
    .bind(specialty.map(|s| s.as_str()).unwrap_or_default())
    .fetch_all(&db.pool)
    .await?;
    let links: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT tp.trainer_id, p.name_ar, p.name_en FROM trainer_providers tp \
         JOIN training_providers p ON p.id = tp.provider_id ORDER BY p.name_ar",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let id: i64 = row.try_get(0)?;
            Ok(Trainer {
                id,
                user_id: row.try_get(1)?,
                name_ar: row.try_get(2)?,
                name_en: row.try_get(3)?,
                specialties: Specialty::parse_list(&row.try_get::<String, _>(4)?),
                qualifications: row.try_get(5)?,
                phone: row.try_get(6)?,
                email: row.try_get(7)?,
                providers: links
                    .iter()
                    .filter(|(t, _, _)| *t == id)
                    .map(|(_, ar, en)| (ar.clone(), en.clone()))
                    .collect(),
            })
        })
        .collect()
}

/// Whether the registry has this trainer.
pub async fn trainer_exists(db: &Db, trainer_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM trainers WHERE id = $1")
        .bind(trainer_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// Districts that have a public in-person course, for the list's filter.
pub async fn public_course_districts(db: &Db) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT DISTINCT d.id, d.name_ar, d.name_en FROM courses c JOIN districts d ON d.id = c.district_id \
         WHERE c.status IN ('open', 'running', 'finished') ORDER BY d.name_ar",
    )
    .fetch_all(&db.pool)
    .await
}

/// The trainer record of a person's account.
pub async fn trainer_of_user(db: &Db, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM trainers WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(id,)| id))
}

/// What the course form saves.
#[derive(Debug, Clone)]
pub struct CourseInput {
    pub provider_id: i64,
    pub trainer_id: Option<i64>,
    pub title_ar: String,
    pub title_en: String,
    pub description_ar: String,
    pub description_en: String,
    pub specialty: Specialty,
    pub mode: CourseMode,
    pub district_id: Option<i64>,
    pub venue: String,
    pub online_url: String,
    pub seats: i64,
    pub opens_at: i64,
    pub closes_at: i64,
    pub eligible_districts: Vec<i64>,
    pub fee_halalas: i64,
    pub completion_percent: i64,
}

/// Creates a course (a draft) or updates one. Seats cannot go below the
/// members already holding one (the CHECK refuses it; reported as `WrongStatus`).
pub async fn save_course(
    db: &Db,
    course_id: Option<i64>,
    input: &CourseInput,
    by: Option<i64>,
    audit: Option<AuditEvent<'_>>,
) -> Result<i64, TrainingError> {
    let at = now();
    let mut tx = db.begin_write().await?;
    // One statement either way, the same 17 fields in the same order; $18 is
    // the course (update) or its author (insert).
    let sql = match course_id {
        Some(_) => {
            "UPDATE courses SET provider_id = $1, trainer_id = $2, title_ar = $3, title_en = $4, \
             description_ar = $5, description_en = $6, specialty = $7, mode = $8, district_id = $9, \
             venue = $10, online_url = $11, seats = $12, opens_at = $13, closes_at = $14, \
             eligibility = $15, fee_halalas = $16, completion_percent = $17, updated_at = $19 \
             WHERE id = $18 AND status IN ('draft', 'open') AND enrolled <= $12 RETURNING id"
        }
        None => {
            "INSERT INTO courses (provider_id, trainer_id, title_ar, title_en, description_ar, \
             description_en, specialty, mode, district_id, venue, online_url, seats, opens_at, \
             closes_at, eligibility, fee_halalas, completion_percent, created_by, created_at, \
             updated_at, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $19, 'draft') RETURNING id"
        }
    };
    let saved: Option<(i64,)> = sqlx::query_as(sql)
        .bind(input.provider_id)
        .bind(input.trainer_id)
        .bind(&input.title_ar)
        .bind(&input.title_en)
        .bind(&input.description_ar)
        .bind(&input.description_en)
        .bind(input.specialty.as_str())
        .bind(input.mode.as_str())
        .bind(input.district_id)
        .bind(&input.venue)
        .bind(&input.online_url)
        .bind(input.seats)
        .bind(input.opens_at)
        .bind(input.closes_at)
        .bind(eligibility(input))
        .bind(input.fee_halalas)
        .bind(input.completion_percent)
        .bind(course_id.or(by))
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
    // An update finds nothing when the course has started or has more members than the new seats.
    let (id,) = saved.ok_or(TrainingError::WrongStatus)?;
    sqlx::query("DELETE FROM course_districts WHERE course_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for district_id in &input.eligible_districts {
        sqlx::query(
            "INSERT INTO course_districts (course_id, district_id) VALUES ($1, $2) \
             ON CONFLICT (course_id, district_id) DO NOTHING",
        )
        .bind(id)
        .bind(district_id)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(event) = audit {
        let event = AuditEvent {
            subject_id: Some(id.to_string()),
            ..event
        };
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(id)
}

fn eligibility(input: &CourseInput) -> &'static str {
    if input.eligible_districts.is_empty() {
        "any"
    } else {
        "districts"
    }
}

/// Adds a session to a course that has not started running.
pub async fn add_session(
    db: &Db,
    course_id: i64,
    span: TimeSpan,
    audit: Option<AuditEvent<'_>>,
) -> Result<i64, TrainingError> {
    let mut tx = db.begin_write().await?;
    let status: Option<(String,)> = sqlx::query_as("SELECT status FROM courses WHERE id = $1")
        .bind(course_id)
        .fetch_optional(&mut *tx)
        .await?;
    match status.and_then(|(s,)| CourseStatus::parse(&s)) {
        None => return Err(TrainingError::NotFound),
        Some(CourseStatus::Draft | CourseStatus::Open) => {}
        Some(_) => return Err(TrainingError::WrongStatus),
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO course_sessions (course_id, starts_at, ends_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(course_id)
    .bind(span.starts_at)
    .bind(span.ends_at)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(event) = audit {
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Removes a session of a draft course (an open one may have members who
/// planned around it).
pub async fn remove_session(
    db: &Db,
    course_id: i64,
    session_id: i64,
    audit: Option<AuditEvent<'_>>,
) -> Result<(), TrainingError> {
    let mut tx = db.begin_write().await?;
    let removed = sqlx::query(
        "DELETE FROM course_sessions WHERE id = $1 AND course_id = $2 \
         AND course_id IN (SELECT id FROM courses WHERE status = 'draft')",
    )
    .bind(session_id)
    .bind(course_id)
    .execute(&mut *tx)
    .await?;
    if removed.rows_affected() == 0 {
        return Err(TrainingError::WrongStatus);
    }
    if let Some(event) = audit {
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The course's columns in the order [`course_of`] reads them.
const COURSE_COLUMNS: &str = "c.id, c.provider_id, p.name_ar, p.name_en, c.trainer_id, t.name_ar, t.name_en, \
     c.title_ar, c.title_en, c.description_ar, c.description_en, c.specialty, c.mode, c.district_id, \
     d.name_ar, d.name_en, c.venue, c.online_url, c.seats, c.enrolled, \
     (SELECT COUNT(*) FROM enrollments w WHERE w.course_id = c.id AND w.status = 'waitlisted'), \
     c.opens_at, c.closes_at, c.fee_halalas, c.completion_percent, c.status";

const COURSE_FROM: &str = "FROM courses c JOIN training_providers p ON p.id = c.provider_id \
     LEFT JOIN trainers t ON t.id = c.trainer_id LEFT JOIN districts d ON d.id = c.district_id";

fn course_of(row: sqlx::any::AnyRow) -> Result<Course, sqlx::Error> {
    Ok(Course {
        id: row.try_get(0)?,
        provider_id: row.try_get(1)?,
        provider_name_ar: row.try_get(2)?,
        provider_name_en: row.try_get(3)?,
        trainer_id: row.try_get(4)?,
        trainer_name_ar: row.try_get(5)?,
        trainer_name_en: row.try_get(6)?,
        title_ar: row.try_get(7)?,
        title_en: row.try_get(8)?,
        description_ar: row.try_get(9)?,
        description_en: row.try_get(10)?,
        specialty: Specialty::parse(&row.try_get::<String, _>(11)?).unwrap_or(Specialty::Food),
        mode: CourseMode::parse(&row.try_get::<String, _>(12)?).unwrap_or(CourseMode::InPerson),
        district_id: row.try_get(13)?,
        district_name_ar: row.try_get(14)?,
        district_name_en: row.try_get(15)?,
        venue: row.try_get(16)?,
        online_url: row.try_get(17)?,
        seats: row.try_get(18)?,
        enrolled: row.try_get(19)?,
        waitlisted: row.try_get(20)?,
        opens_at: row.try_get(21)?,
        closes_at: row.try_get(22)?,
        eligible_districts: Vec::new(),
        fee_halalas: row.try_get(23)?,
        completion_percent: row.try_get(24)?,
        status: CourseStatus::parse(&row.try_get::<String, _>(25)?).unwrap_or(CourseStatus::Draft),
        sessions: Vec::new(),
    })
}

/// Fills the sessions and eligible districts of loaded courses (two queries
/// for the whole list).
async fn complete(db: &Db, mut courses: Vec<Course>) -> Result<Vec<Course>, sqlx::Error> {
    if courses.is_empty() {
        return Ok(courses);
    }
    let placeholders = (1..=courses.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sessions_sql = format!(
        "SELECT course_id, id, starts_at, ends_at FROM course_sessions \
         WHERE course_id IN ({placeholders}) ORDER BY starts_at, id"
    );
    let mut query = sqlx::query_as::<_, (i64, i64, i64, i64)>(sqlx::AssertSqlSafe(sessions_sql));
    for course in &courses {
        query = query.bind(course.id);
    }
    let sessions = query.fetch_all(&db.pool).await?;
    let districts_sql = format!(
        "SELECT course_id, district_id FROM course_districts WHERE course_id IN ({placeholders})"
    );
    let mut query = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(districts_sql));
    for course in &courses {
        query = query.bind(course.id);
    }
    let districts = query.fetch_all(&db.pool).await?;
    for course in &mut courses {
        course.sessions = sessions
            .iter()
            .filter(|s| s.0 == course.id)
            .map(|s| TimeSpan {
                starts_at: s.2,
                ends_at: s.3,
            })
            .collect();
        course.eligible_districts = districts
            .iter()
            .filter(|d| d.0 == course.id)
            .map(|d| d.1)
            .collect();
    }
    Ok(courses)
}

/// One course with its sessions.
pub async fn course(db: &Db, course_id: i64) -> Result<Option<Course>, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {COURSE_COLUMNS} {COURSE_FROM} WHERE c.id = $1"
    )))
    .bind(course_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(complete(db, vec![course_of(row)?]).await?.pop())
}

/// The sessions of a course with their ids, in time order.
pub async fn sessions(db: &Db, course_id: i64) -> Result<Vec<(i64, TimeSpan)>, sqlx::Error> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT id, starts_at, ends_at FROM course_sessions WHERE course_id = $1 ORDER BY starts_at, id",
    )
    .bind(course_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, starts_at, ends_at)| (id, TimeSpan { starts_at, ends_at }))
        .collect())
}

/// The public list's filters.
#[derive(Debug, Clone, Default)]
pub struct CourseFilter {
    pub specialty: Option<Specialty>,
    pub district_id: Option<i64>,
    pub mode: Option<CourseMode>,
    /// Only courses with a session still to come.
    pub upcoming: bool,
}

/// Courses the public may see (open, running, finished), soonest first.
pub async fn public_courses(db: &Db, filter: &CourseFilter) -> Result<Vec<Course>, sqlx::Error> {
    let sql = format!(
        "SELECT {COURSE_COLUMNS} {COURSE_FROM} \
         WHERE c.status IN ('open', 'running', 'finished') \
           AND ($1 = '' OR c.specialty = $1) \
           AND ($2 = 0 OR c.district_id = $2) \
           AND ($3 = '' OR c.mode = $3) \
           AND ($4 = 0 OR EXISTS (SELECT 1 FROM course_sessions s WHERE s.course_id = c.id AND s.ends_at > $5)) \
         ORDER BY CASE c.status WHEN 'open' THEN 0 WHEN 'running' THEN 1 ELSE 2 END, \
           (SELECT MIN(s.starts_at) FROM course_sessions s WHERE s.course_id = c.id), c.id \
         LIMIT 100"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(filter.specialty.map(|s| s.as_str()).unwrap_or_default())
        .bind(filter.district_id.unwrap_or(0))
        .bind(filter.mode.map(|m| m.as_str()).unwrap_or_default())
        .bind(i64::from(filter.upcoming))
        .bind(now())
        .fetch_all(&db.pool)
        .await?;
    let courses = rows.into_iter().map(course_of).collect::<Result<_, _>>()?;
    complete(db, courses).await
}

/// The courses of these providers and of this trainer (all for the council),
/// newest first.
pub async fn managed_courses(
    db: &Db,
    provider_ids: &[i64],
    trainer_id: Option<i64>,
    all: bool,
) -> Result<Vec<Course>, sqlx::Error> {
    let providers = provider_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    // The ids are integers from our own tables, so inlining them is safe.
    let sql = format!(
        "SELECT {COURSE_COLUMNS} {COURSE_FROM} WHERE $1 = 1 OR c.trainer_id = $2 {} \
         ORDER BY c.id DESC LIMIT 200",
        if providers.is_empty() {
            String::new()
        } else {
            format!("OR c.provider_id IN ({providers})")
        }
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(i64::from(all))
        .bind(trainer_id.unwrap_or(0))
        .fetch_all(&db.pool)
        .await?;
    let courses = rows.into_iter().map(course_of).collect::<Result<_, _>>()?;
    complete(db, courses).await
}

/// Moves a course between statuses (guarded by the one it is in). Cancelling
/// a course cancels its active enrollments in the same transaction.
pub async fn set_course_status(
    db: &Db,
    course_id: i64,
    from: CourseStatus,
    to: CourseStatus,
    audit: Option<AuditEvent<'_>>,
) -> Result<(), TrainingError> {
    if !from.can_become(to) || to == CourseStatus::Finished {
        return Err(TrainingError::WrongStatus);
    }
    let at = now();
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(
        "UPDATE courses SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2",
    )
    .bind(course_id)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(at)
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(TrainingError::WrongStatus);
    }
    if to == CourseStatus::Cancelled {
        sqlx::query(
            "UPDATE enrollments SET status = 'cancelled', waitlist_seq = NULL, updated_at = $2 \
             WHERE course_id = $1 AND status IN ('enrolled', 'waitlisted')",
        )
        .bind(course_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE courses SET enrolled = 0 WHERE id = $1")
            .bind(course_id)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(event) = audit {
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The person enrolling and their registered household.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    pub user_id: i64,
    pub household_id: i64,
    pub district_id: Option<i64>,
}

/// The registered household a person belongs to (as head or listed member),
/// with its district.
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
/// member was placed.
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
    let course: Option<(String, i64, i64, String)> = sqlx::query_as(
        "SELECT status, opens_at, closes_at, eligibility FROM courses WHERE id = $1",
    )
    .bind(course_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((status, opens_at, closes_at, eligibility)) = course else {
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
    crate::audit::record_in(
        &mut tx,
        AuditEvent {
            detail: Some(detail),
            ..audit
        },
    )
    .await?;
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
/// to the first on the waitlist, who gets an in-app notification. Returns the
/// promoted person's user id.
/// `audit` is written with the cancellation (its detail names a promotion).
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
    match course.and_then(|(s,)| CourseStatus::parse(&s)) {
        None => return Err(TrainingError::NotFound),
        Some(CourseStatus::Open | CourseStatus::Running) => {}
        Some(_) => return Err(TrainingError::WrongStatus),
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
    let status = EnrollmentStatus::parse(&status).unwrap_or(EnrollmentStatus::Waitlisted);
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
    crate::audit::record_in(
        &mut tx,
        AuditEvent {
            detail: promoted.map(|u| format!("promoted user {u}")),
            ..audit
        },
    )
    .await?;
    tx.commit().await?;
    Ok(promoted)
}

/// course, status, waitlist position, certificate code, promoted at.
type EnrollmentRow = (i64, String, Option<i64>, Option<String>, Option<i64>);
/// course, user, name (ar, en), verified at, completed at.
type CertificateRow = (i64, i64, String, Option<String>, Option<i64>, i64);
/// id, household, head's name, course title (ar, en), raised at.
type FlagRow = (i64, i64, String, Option<String>, Option<String>, i64);

/// A person's enrollments (not the cancelled ones), newest first.
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
                status: EnrollmentStatus::parse(&status).unwrap_or(EnrollmentStatus::Enrolled),
                waitlist_position: position,
                certificate_code: code,
                promoted_at,
            });
        }
    }
    Ok(out)
}

/// A person's active enrollment in a course: status and waitlist position.
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
    Ok(row.map(|(status, position)| {
        (
            EnrollmentStatus::parse(&status).unwrap_or(EnrollmentStatus::Enrolled),
            position,
        )
    }))
}

/// Unread "a seat is yours" notifications: (notification id, course id, time).
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

/// The roster: seat holders (and finished members) by name, then the waitlist in order.
///
/// `phone_for` are the associations of the person reading: a household's
/// phone is read only where one of them serves it (a line or a benefit).
pub async fn roster(
    db: &Db,
    course_id: i64,
    phone_for: &[i64],
) -> Result<Vec<RosterEntry>, sqlx::Error> {
    let ids = phone_for
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let phone = if ids.is_empty() {
        "NULL".to_string()
    } else {
        // Integers from the signed-in person's roles, inlined.
        format!(
            "CASE WHEN e.household_id IN (SELECT household_id FROM household_associations \
               WHERE association_id IN ({ids})) THEN h.phone END"
        )
    };
    let sql = format!(
        "SELECT e.id, u.name_ar, u.name_en, u.national_id, {phone}, d.name_ar, d.name_en, e.status, \
           CASE WHEN e.status = 'waitlisted' THEN (SELECT COUNT(*) FROM enrollments w \
             WHERE w.course_id = e.course_id AND w.status = 'waitlisted' AND w.waitlist_seq <= e.waitlist_seq) END \
         FROM enrollments e JOIN users u ON u.id = e.user_id \
         LEFT JOIN households h ON h.id = e.household_id LEFT JOIN districts d ON d.id = h.district_id \
         WHERE e.course_id = $1 AND e.status <> 'cancelled' \
         ORDER BY CASE WHEN e.status = 'waitlisted' THEN 1 ELSE 0 END, e.waitlist_seq, u.name_ar, e.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(course_id)
        .fetch_all(&db.pool)
        .await?;
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
            let enrollment_id: i64 = row.try_get(0)?;
            let national_id: String = row.try_get(3)?;
            let name_ar: String = row.try_get(1)?;
            Ok(RosterEntry {
                enrollment_id,
                // Nafath names everyone it vouches for; a person registered
                // before any sign-in may have no name yet.
                name_ar: if name_ar.trim().is_empty() {
                    crate::text::mask_identifier(&national_id)
                } else {
                    name_ar
                },
                name_en: row.try_get(2)?,
                masked_national_id: crate::text::mask_identifier(&national_id),
                phone: row.try_get(4)?,
                district_name_ar: row.try_get(5)?,
                district_name_en: row.try_get(6)?,
                status: EnrollmentStatus::parse(&row.try_get::<String, _>(7)?)
                    .unwrap_or(EnrollmentStatus::Enrolled),
                waitlist_position: row.try_get(8)?,
                marks: session_ids
                    .iter()
                    .map(|session| {
                        marks
                            .iter()
                            .find(|(e, s, _)| *e == enrollment_id && s == session)
                            .and_then(|(_, _, m)| AttendanceMark::parse(m))
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Saves one attendance tap and, when it completes an absence streak, flags
/// the household for its association's follow-up (once per course while the
/// flag is open). Returns whether a flag was raised by this tap.
pub async fn mark_attendance(
    db: &Db,
    course_id: i64,
    enrollment_id: i64,
    session_id: i64,
    mark: AttendanceMark,
    by: i64,
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
        .map(|(m,)| m.as_deref().and_then(AttendanceMark::parse))
        .collect();
    let mut flagged = false;
    if let (Some(household_id), true) = (
        household_id,
        absence_streak(&marks) >= super::ABSENCE_STREAK_FLAG,
    ) {
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
        crate::audit::record_in(
            &mut tx,
            AuditEvent {
                detail: Some(detail),
                ..event
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok((completed, not_completed))
}

/// The certificate with this (normalized) code.
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

/// Open flags of the households linked to these associations (a line or a
/// benefit), or of households linked to none (for the council).
pub async fn open_flags(
    db: &Db,
    association_ids: &[i64],
    council: bool,
) -> Result<Vec<FollowUpFlag>, sqlx::Error> {
    let ids = association_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let linked = if ids.is_empty() {
        "0 = 1".to_string()
    } else {
        // Integers from the signed-in person's roles, inlined.
        format!(
            "f.household_id IN (SELECT household_id FROM household_associations \
               WHERE association_id IN ({ids}))"
        )
    };
    let unlinked = if council {
        "OR NOT EXISTS (SELECT 1 FROM household_associations s \
           WHERE s.household_id = f.household_id)"
    } else {
        ""
    };
    let sql = format!(
        "SELECT f.id, f.household_id, h.head_name_ar, c.title_ar, c.title_en, f.raised_at \
         FROM follow_up_flags f JOIN households h ON h.id = f.household_id \
         LEFT JOIN courses c ON c.id = f.course_id \
         WHERE f.resolved_at IS NULL AND ({linked} {unlinked}) ORDER BY f.id DESC LIMIT 200"
    );
    let rows: Vec<FlagRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| FollowUpFlag {
            id: r.0,
            household_id: r.1,
            head_name_ar: r.2,
            course_title_ar: r.3,
            course_title_en: r.4,
            raised_at: r.5,
        })
        .collect())
}

/// The household a flag is about (to check the caller may close it).
pub async fn flag_household(db: &Db, flag_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT household_id FROM follow_up_flags WHERE id = $1 AND resolved_at IS NULL",
    )
    .bind(flag_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Closes a follow-up flag (the caseworker followed up).
pub async fn resolve_flag(
    db: &Db,
    flag_id: i64,
    by: i64,
    audit: Option<AuditEvent<'_>>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE follow_up_flags SET resolved_at = $2, resolved_by = $3 WHERE id = $1 AND resolved_at IS NULL",
    )
    .bind(flag_id)
    .bind(now())
    .bind(by)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    if let Some(event) = audit {
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(true)
}
