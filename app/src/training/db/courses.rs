//! Courses, their sessions and statuses, and the public list.

use super::TrainingError;
use crate::audit::AuditEvent;
use crate::database::{Db, Sql, now, stored};
use crate::training::{Course, CourseMode, CourseStatus, Specialty, TimeSpan};

/// Districts that have a public in-person course, for the list's filter.
#[tracing::instrument(skip_all)]
pub async fn public_course_districts(db: &Db) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT DISTINCT d.id, d.name_ar, d.name_en FROM courses c JOIN districts d ON d.id = c.district_id \
         WHERE c.status IN ('open', 'running', 'finished') ORDER BY d.name_ar",
    )
    .fetch_all(&db.pool)
    .await
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
/// `audit` is written with the change, the course as its subject.
#[tracing::instrument(skip_all)]
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
        crate::audit::record_in(&mut tx, event.subject("course", id)).await?;
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
#[tracing::instrument(skip_all)]
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
    let Some((status,)) = status else {
        return Err(TrainingError::NotFound);
    };
    match stored("status", &status, CourseStatus::parse)? {
        CourseStatus::Draft | CourseStatus::Open => {}
        _ => return Err(TrainingError::WrongStatus),
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
#[tracing::instrument(skip_all)]
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

/// The course's columns, named as [`CourseRow`] reads them.
const COURSE_COLUMNS: &str = "c.id, c.provider_id, p.name_ar AS provider_name_ar, \
     p.name_en AS provider_name_en, c.trainer_id, t.name_ar AS trainer_name_ar, \
     t.name_en AS trainer_name_en, c.title_ar, c.title_en, c.description_ar, c.description_en, \
     c.specialty, c.mode, c.district_id, d.name_ar AS district_name_ar, \
     d.name_en AS district_name_en, c.venue, c.online_url, c.seats, c.enrolled, \
     (SELECT COUNT(*) FROM enrollments w WHERE w.course_id = c.id AND w.status = 'waitlisted') \
       AS waitlisted, \
     c.opens_at, c.closes_at, c.fee_halalas, c.completion_percent, c.status";

const COURSE_FROM: &str = "FROM courses c JOIN training_providers p ON p.id = c.provider_id \
     LEFT JOIN trainers t ON t.id = c.trainer_id LEFT JOIN districts d ON d.id = c.district_id";

/// A course as stored (see [`COURSE_COLUMNS`]); its kinds are still text.
#[derive(sqlx::FromRow)]
struct CourseRow {
    id: i64,
    provider_id: i64,
    provider_name_ar: String,
    provider_name_en: String,
    trainer_id: Option<i64>,
    trainer_name_ar: Option<String>,
    trainer_name_en: Option<String>,
    title_ar: String,
    title_en: String,
    description_ar: String,
    description_en: String,
    specialty: String,
    mode: String,
    district_id: Option<i64>,
    district_name_ar: Option<String>,
    district_name_en: Option<String>,
    venue: String,
    online_url: String,
    seats: i64,
    enrolled: i64,
    waitlisted: i64,
    opens_at: i64,
    closes_at: i64,
    fee_halalas: i64,
    completion_percent: i64,
    status: String,
}

impl CourseRow {
    /// The course, its kinds parsed (an unknown one is an error, not a
    /// default); sessions and districts come from [`complete`].
    fn into_course(self) -> Result<Course, sqlx::Error> {
        Ok(Course {
            id: self.id,
            provider_id: self.provider_id,
            provider_name_ar: self.provider_name_ar,
            provider_name_en: self.provider_name_en,
            trainer_id: self.trainer_id,
            trainer_name_ar: self.trainer_name_ar,
            trainer_name_en: self.trainer_name_en,
            title_ar: self.title_ar,
            title_en: self.title_en,
            description_ar: self.description_ar,
            description_en: self.description_en,
            specialty: stored("specialty", &self.specialty, Specialty::parse)?,
            mode: stored("mode", &self.mode, CourseMode::parse)?,
            district_id: self.district_id,
            district_name_ar: self.district_name_ar,
            district_name_en: self.district_name_en,
            venue: self.venue,
            online_url: self.online_url,
            seats: self.seats,
            enrolled: self.enrolled,
            waitlisted: self.waitlisted,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            eligible_districts: Vec::new(),
            fee_halalas: self.fee_halalas,
            completion_percent: self.completion_percent,
            status: stored("status", &self.status, CourseStatus::parse)?,
            sessions: Vec::new(),
        })
    }
}

/// Fills the sessions and eligible districts of loaded courses (two queries
/// for the whole list).
async fn complete(db: &Db, mut courses: Vec<Course>) -> Result<Vec<Course>, sqlx::Error> {
    if courses.is_empty() {
        return Ok(courses);
    }
    let ids: Vec<i64> = courses.iter().map(|c| c.id).collect();
    let mut sql = Sql::new(
        "SELECT course_id, id, starts_at, ends_at FROM course_sessions WHERE course_id IN ",
    );
    sql.bind_list(&ids).push(" ORDER BY starts_at, id");
    let sessions = sql
        .query_as::<(i64, i64, i64, i64)>()
        .fetch_all(&db.pool)
        .await?;
    let mut sql =
        Sql::new("SELECT course_id, district_id FROM course_districts WHERE course_id IN ");
    sql.bind_list(&ids);
    let districts = sql.query_as::<(i64, i64)>().fetch_all(&db.pool).await?;
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
#[tracing::instrument(skip_all)]
pub async fn course(db: &Db, course_id: i64) -> Result<Option<Course>, sqlx::Error> {
    let mut sql = Sql::new(&format!(
        "SELECT {COURSE_COLUMNS} {COURSE_FROM} WHERE c.id = "
    ));
    sql.bind(course_id);
    let row: Option<CourseRow> = sql.query_as().fetch_optional(&db.pool).await?;
    let Some(row) = row else { return Ok(None) };
    Ok(complete(db, vec![row.into_course()?]).await?.pop())
}

/// The sessions of a course with their ids, in time order.
#[tracing::instrument(skip_all)]
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

/// The public list's condition, its filters bound as `$1`–`$5`.
const PUBLIC_WHERE: &str = "WHERE c.status IN ('open', 'running', 'finished') \
       AND ($1 = '' OR c.specialty = $1) \
       AND ($2 = 0 OR c.district_id = $2) \
       AND ($3 = '' OR c.mode = $3) \
       AND ($4 = 0 OR EXISTS (SELECT 1 FROM course_sessions s WHERE s.course_id = c.id AND s.ends_at > $5))";

/// Binds the public list's filters in [`PUBLIC_WHERE`]'s order.
fn bind_filter<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    filter: &CourseFilter,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    query
        .bind(filter.specialty.map(|s| s.as_str()).unwrap_or_default())
        .bind(filter.district_id.unwrap_or(0))
        .bind(filter.mode.map(|m| m.as_str()).unwrap_or_default())
        .bind(i64::from(filter.upcoming))
        .bind(now())
}

/// How many courses the public list holds with these filters.
#[tracing::instrument(skip_all)]
pub async fn public_course_count(db: &Db, filter: &CourseFilter) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) {COURSE_FROM} {PUBLIC_WHERE}");
    let query = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql));
    Ok(bind_filter(query, filter).fetch_one(&db.pool).await?.0)
}

/// Courses the public may see (open, running, finished), soonest first;
/// `limit` from `offset`.
#[tracing::instrument(skip_all)]
pub async fn public_courses(
    db: &Db,
    filter: &CourseFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Course>, sqlx::Error> {
    let sql = format!(
        "SELECT {COURSE_COLUMNS} {COURSE_FROM} {PUBLIC_WHERE} \
         ORDER BY CASE c.status WHEN 'open' THEN 0 WHEN 'running' THEN 1 ELSE 2 END, \
           (SELECT MIN(s.starts_at) FROM course_sessions s WHERE s.course_id = c.id), c.id \
         LIMIT $6 OFFSET $7"
    );
    let query = sqlx::query_as::<_, CourseRow>(sqlx::AssertSqlSafe(sql));
    let rows: Vec<CourseRow> = bind_filter(query, filter)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    let courses = rows
        .into_iter()
        .map(CourseRow::into_course)
        .collect::<Result<_, _>>()?;
    complete(db, courses).await
}

/// After `WHERE`: the courses of these providers and of this trainer (all
/// for the council). Shared by [`managed_course_count`] and [`managed_courses`].
fn push_managed(sql: &mut Sql, provider_ids: &[i64], trainer_id: Option<i64>, all: bool) {
    sql.bind(i64::from(all))
        .push(" = 1 OR c.trainer_id = ")
        .bind(trainer_id.unwrap_or(0))
        .push(" OR c.provider_id IN ")
        .bind_list(provider_ids);
}

/// How many courses the dashboard lists (see [`push_managed`]).
#[tracing::instrument(skip_all)]
pub async fn managed_course_count(
    db: &Db,
    provider_ids: &[i64],
    trainer_id: Option<i64>,
    all: bool,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new(&format!("SELECT COUNT(*) {COURSE_FROM} WHERE "));
    push_managed(&mut sql, provider_ids, trainer_id, all);
    let (n,): (i64,) = sql.query_as().fetch_one(&db.pool).await?;
    Ok(n)
}

/// A page of the courses of these providers and of this trainer (all for
/// the council), newest first; `limit` from `offset`.
#[tracing::instrument(skip_all)]
pub async fn managed_courses(
    db: &Db,
    provider_ids: &[i64],
    trainer_id: Option<i64>,
    all: bool,
    limit: i64,
    offset: i64,
) -> Result<Vec<Course>, sqlx::Error> {
    let mut sql = Sql::new(&format!("SELECT {COURSE_COLUMNS} {COURSE_FROM} WHERE "));
    push_managed(&mut sql, provider_ids, trainer_id, all);
    sql.push(" ORDER BY c.id DESC LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let rows: Vec<CourseRow> = sql.query_as().fetch_all(&db.pool).await?;
    let courses = rows
        .into_iter()
        .map(CourseRow::into_course)
        .collect::<Result<_, _>>()?;
    complete(db, courses).await
}

/// Moves a course between statuses (guarded by the one it is in). Cancelling
/// a course cancels its active enrollments in the same transaction.
#[tracing::instrument(skip_all)]
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
