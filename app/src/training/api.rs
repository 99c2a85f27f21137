//! Server functions of training: the public course list and page, enrollment
//! and cancellation by family members, and the providers' side (courses,
//! sessions, status, attendance, completion, trainers, follow-up flags).
//! Every function checks its caller's rights here, whatever the page shows.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Course, EnrollmentStatus, TimeSpan};
use crate::error::AppError;
use crate::places::{City, District};

pub use super::{
    Certificate, CourseFigures, FollowUpFlag, MyEnrollment, Provider, RosterEntry, Trainer,
};

#[cfg(feature = "ssr")]
use {
    super::db::{self, TrainingError},
    super::{AttendanceMark, CourseMode, CourseStatus, Specialty},
    crate::audit::{self, AuditEvent},
    crate::error::{ErrorKey, respond},
    crate::identity::{CurrentUser, Requirement, RoleKind, session},
    crate::state::{AppState, app_state},
};

#[cfg(feature = "ssr")]
impl From<TrainingError> for AppError {
    fn from(error: TrainingError) -> Self {
        match error {
            TrainingError::NotFound => AppError::NotFound,
            TrainingError::NotOpen => AppError::Conflict(ErrorKey::CourseNotOpen),
            TrainingError::NotEligible => AppError::Conflict(ErrorKey::CourseNotEligible),
            TrainingError::AlreadyEnrolled => AppError::Conflict(ErrorKey::AlreadyEnrolled),
            TrainingError::Overlap => AppError::Conflict(ErrorKey::CourseOverlap),
            TrainingError::NotEnrolled => AppError::Conflict(ErrorKey::NotEnrolled),
            TrainingError::WrongStatus => AppError::Conflict(ErrorKey::CourseStatusWrong),
            TrainingError::Database(e) => e.into(),
        }
    }
}

/// The public list's raw URL parameters (wrong ones are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseListParams {
    pub specialty: Option<String>,
    pub district: Option<String>,
    pub mode: Option<String>,
    pub upcoming: Option<String>,
}

/// The public course list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseListView {
    pub params: CourseListParams,
    pub courses: Vec<Course>,
    /// Districts that have an in-person course, for the filter.
    pub districts: Vec<(i64, String, String)>,
}

#[server(endpoint = "list_courses")]
pub async fn list_courses(
    #[server(default)] params: CourseListParams,
) -> Result<CourseListView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let filter = db::CourseFilter {
                specialty: params.specialty.as_deref().and_then(Specialty::parse),
                district_id: params.district.as_deref().and_then(|d| d.parse().ok()),
                mode: params.mode.as_deref().and_then(CourseMode::parse),
                upcoming: params.upcoming.as_deref().is_some_and(|v| !v.is_empty()),
            };
            let mut courses = db::public_courses(&state.db, &filter).await?;
            // An online course's meeting link is for the people enrolled in it.
            for course in &mut courses {
                course.online_url.clear();
            }
            let districts = db::public_course_districts(&state.db).await?;
            Ok(CourseListView {
                params,
                courses,
                districts,
            })
        }
        .await,
    )
}

/// A course's public page, with the signed-in member's place in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseView {
    pub course: Course,
    pub canonical: String,
    pub signed_in: bool,
    /// The member's enrollment: status and waitlist position.
    pub mine: Option<(EnrollmentStatus, Option<i64>)>,
    /// Whether the enrollment window is open now.
    pub window_open: bool,
    /// Names of the eligible districts (Arabic, English).
    pub eligible_district_names: Vec<(String, String)>,
    pub can_manage: bool,
    pub now: i64,
}

#[server(endpoint = "get_course")]
pub async fn get_course(course_id: i64) -> Result<CourseView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let mut course = db::course(&state.db, course_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let user = session::current_user();
            let can_manage = match &user {
                Some(u) => may_manage(&state.db, u, &course).await?,
                None => false,
            };
            // A draft is its provider's work in progress.
            if course.status == CourseStatus::Draft && !can_manage {
                return Err(AppError::NotFound);
            }
            let mine = match &user {
                Some(u) => db::enrollment_in(&state.db, course_id, u.user_id).await?,
                None => None,
            };
            let holds_a_seat = matches!(
                mine,
                Some((
                    EnrollmentStatus::Enrolled
                        | EnrollmentStatus::Completed
                        | EnrollmentStatus::NotCompleted,
                    _
                ))
            );
            if !can_manage && !holds_a_seat {
                course.online_url.clear();
            }
            let mut eligible_district_names = Vec::new();
            for id in &course.eligible_districts {
                let row: Option<(String, String)> =
                    crate::places::db::district_names(&state.db, *id).await?;
                eligible_district_names.extend(row);
            }
            let now = crate::database::now();
            Ok(CourseView {
                canonical: format!(
                    "{}{}",
                    state.settings.public_url,
                    super::course_url(course_id)
                ),
                window_open: course.window_open(now),
                course,
                signed_in: user.is_some(),
                mine,
                eligible_district_names,
                can_manage,
                now,
            })
        }
        .await,
    )
}

/// Enrolls the signed-in family member: a seat, or the waitlist when full.
#[server(endpoint = "enroll")]
pub async fn enroll(course_id: i64) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::FamilyMember).await?;
            let member = db::member(&state.db, user.user_id, &user.national_id)
                .await?
                .ok_or(AppError::Conflict(ErrorKey::HouseholdNotRegistered))?;
            let audit = AuditEvent {
                actor_user_id: Some(user.user_id),
                action: audit::action::COURSE_ENROLLED,
                subject_type: Some("course"),
                subject_id: Some(course_id.to_string()),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            crate::database::retrying(|| db::enroll(&state.db, course_id, member, audit.clone()))
                .await?;
            leptos_axum::redirect(&super::course_url(course_id));
            Ok(())
        }
        .await,
    )
}

/// Cancels the member's seat or waitlist place; a freed seat goes to the
/// first on the waitlist at once.
#[server(endpoint = "cancel_enrollment")]
pub async fn cancel_enrollment(course_id: i64) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let audit = AuditEvent {
                actor_user_id: Some(user.user_id),
                action: audit::action::ENROLLMENT_CANCELLED,
                subject_type: Some("course"),
                subject_id: Some(course_id.to_string()),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            db::cancel(&state.db, course_id, user.user_id, audit).await?;
            leptos_axum::redirect(super::MY_COURSES_PAGE);
            Ok(())
        }
        .await,
    )
}

/// The member's courses and unread "a seat is yours" notices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyCoursesView {
    pub enrollments: Vec<MyEnrollment>,
    /// Courses whose seat came to the member from the waitlist (unread notices).
    pub promotions: Vec<i64>,
    pub now: i64,
}

#[server(endpoint = "get_my_courses")]
pub async fn get_my_courses() -> Result<MyCoursesView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let promotions = db::unread_promotions(&state.db, user.user_id)
                .await?
                .into_iter()
                .map(|(_, course_id, _)| course_id)
                .collect();
            // Shown once, on this page.
            db::mark_promotions_read(&state.db, user.user_id).await?;
            let mut enrollments = db::enrollments_of(&state.db, user.user_id).await?;
            for e in &mut enrollments {
                if matches!(
                    e.status,
                    EnrollmentStatus::Waitlisted | EnrollmentStatus::Cancelled
                ) {
                    e.course.online_url.clear();
                }
            }
            Ok(MyCoursesView {
                enrollments,
                promotions,
                now: crate::database::now(),
            })
        }
        .await,
    )
}

/// A certificate, for its owner to print (the council may open any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub certificate: Certificate,
    pub verify_url: String,
}

#[server(endpoint = "get_certificate")]
pub async fn get_certificate(code: String) -> Result<CertificateView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let code = super::normalize_certificate_code(&code).ok_or(AppError::NotFound)?;
            let certificate = db::certificate(&state.db, &code)
                .await?
                .ok_or(AppError::NotFound)?;
            if certificate.user_id != user.user_id && !user.is_council_admin() {
                return Err(AppError::NotFound);
            }
            Ok(CertificateView {
                verify_url: format!(
                    "{}{}/{}",
                    state.settings.public_url,
                    super::VERIFY_PAGE,
                    code
                ),
                certificate,
            })
        }
        .await,
    )
}

/// What the public verification shows: only the name and the course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub code: String,
    pub name_ar: String,
    pub name_en: Option<String>,
    pub course_title_ar: String,
    pub course_title_en: String,
    pub provider_name_ar: String,
    pub provider_name_en: String,
    pub hours: String,
    pub completed_at: i64,
}

/// Checks a certificate code; `None` when no certificate has it. Public.
#[server(endpoint = "verify_certificate")]
pub async fn verify_certificate(code: String) -> Result<Option<Verification>, AppError> {
    respond(
        async {
            let state = app_state()?;
            let Some(code) = super::normalize_certificate_code(&code) else {
                return Ok(None);
            };
            let found = db::certificate(&state.db, &code).await?;
            Ok(found.map(|c| Verification {
                code: c.code,
                name_ar: c.name_ar,
                name_en: c.name_en,
                hours: super::format_hours(&c.course.sessions),
                course_title_ar: c.course.title_ar,
                course_title_en: c.course.title_en,
                provider_name_ar: c.course.provider_name_ar,
                provider_name_en: c.course.provider_name_en,
                completed_at: c.completed_at,
            }))
        }
        .await,
    )
}

/// Whether this person may manage the course: the council, or staff of its provider.
#[cfg(feature = "ssr")]
pub(super) async fn may_manage(
    db: &crate::database::Db,
    user: &CurrentUser,
    course: &Course,
) -> Result<bool, sqlx::Error> {
    if user.is_council_admin() {
        return Ok(true);
    }
    let providers = db::providers_of(db, user.user_id, &user.association_ids()).await?;
    Ok(providers.contains(&course.provider_id))
}

/// Whether this person may take the course's attendance: its managers and its trainer.
#[cfg(feature = "ssr")]
pub(super) async fn may_take_attendance(
    db: &crate::database::Db,
    user: &CurrentUser,
    course: &Course,
) -> Result<bool, sqlx::Error> {
    if may_manage(db, user, course).await? {
        return Ok(true);
    }
    let trainer = db::trainer_of_user(db, user.user_id).await?;
    Ok(trainer.is_some() && trainer == course.trainer_id)
}

/// The course, when this person may manage it; 403 otherwise (audited).
#[cfg(feature = "ssr")]
async fn managed_course(
    state: &AppState,
    course_id: i64,
) -> Result<(CurrentUser, Course), AppError> {
    let user = session::require(state, Requirement::SignedIn).await?;
    let course = db::course(&state.db, course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_manage(&state.db, &user, &course).await? {
        return Err(denied(state).await);
    }
    Ok((user, course))
}

/// The Forbidden answer, with the audit row `require` writes.
#[cfg(feature = "ssr")]
async fn denied(state: &AppState) -> AppError {
    session::require(state, Requirement::CouncilAdmin)
        .await
        .err()
        .unwrap_or(AppError::Forbidden)
}

/// One course on the dashboard, with its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardCourse {
    pub course: Course,
    pub figures: CourseFigures,
}

/// The providers' (and trainers') dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    pub courses: Vec<DashboardCourse>,
    /// Whether the person may create courses (acts for a provider, or the council).
    pub can_create: bool,
    /// Open follow-up flags of the households of the person's associations.
    pub flags: Vec<FollowUpFlag>,
    /// For the council: the training centers and their staff counts.
    pub centers: Vec<(Provider, i64)>,
}

/// Whether this person has any part in training (staff, trainer, council).
#[cfg(feature = "ssr")]
fn training_role(user: &CurrentUser) -> bool {
    user.is_council_admin()
        || user.has(RoleKind::Trainer)
        || user.has(RoleKind::AssociationAdmin)
        || user.has(RoleKind::AssociationStaff)
}

#[server(endpoint = "get_training_dashboard")]
pub async fn get_training_dashboard() -> Result<DashboardView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let providers =
                db::providers_of(&state.db, user.user_id, &user.association_ids()).await?;
            let trainer = db::trainer_of_user(&state.db, user.user_id).await?;
            if !training_role(&user) && providers.is_empty() && trainer.is_none() {
                return Err(denied(&state).await);
            }
            let mut courses = Vec::new();
            for course in
                db::managed_courses(&state.db, &providers, trainer, user.is_council_admin()).await?
            {
                courses.push(DashboardCourse {
                    figures: db::figures(&state.db, course.id).await?,
                    course,
                });
            }
            Ok(DashboardView {
                courses,
                can_create: user.is_council_admin() || !providers.is_empty(),
                flags: db::open_flags(&state.db, &user.association_ids(), user.is_council_admin())
                    .await?,
                centers: if user.is_council_admin() {
                    db::centers(&state.db).await?
                } else {
                    Vec::new()
                },
            })
        }
        .await,
    )
}

/// The course form (new or existing), its sessions and the lists it offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseEditor {
    pub course: Option<Course>,
    /// Session ids with their times, in order.
    pub sessions: Vec<(i64, TimeSpan)>,
    pub providers: Vec<Provider>,
    pub trainers: Vec<Trainer>,
    pub places: Vec<(City, Vec<District>)>,
    pub figures: CourseFigures,
    pub roster: Vec<RosterEntry>,
}

#[server(endpoint = "get_course_editor")]
pub async fn get_course_editor(course_id: Option<i64>) -> Result<CourseEditor, AppError> {
    respond(
        async {
            let state = app_state()?;
            let db = &state.db;
            let (user, course) = match course_id {
                Some(id) => {
                    let (user, course) = managed_course(&state, id).await?;
                    (user, Some(course))
                }
                None => (session::require(&state, Requirement::SignedIn).await?, None),
            };
            // An association's provider row is made the first time its staff open the form.
            for association_id in user.association_ids() {
                db::association_provider(db, association_id).await?;
            }
            let mine = db::providers_of(db, user.user_id, &user.association_ids()).await?;
            let providers: Vec<Provider> = db::providers(db)
                .await?
                .into_iter()
                .filter(|p| user.is_council_admin() || mine.contains(&p.id))
                .collect();
            if providers.is_empty() {
                return Err(denied(&state).await);
            }
            let mut places = Vec::new();
            for city in crate::places::db::list_cities(db).await? {
                let districts = crate::places::db::list_districts(db, city.id).await?;
                places.push((city, districts));
            }
            let (sessions, figures, roster) = match &course {
                Some(c) => (
                    db::sessions(db, c.id).await?,
                    db::figures(db, c.id).await?,
                    db::roster(db, c.id, &user.association_ids()).await?,
                ),
                None => (Vec::new(), CourseFigures::default(), Vec::new()),
            };
            if let Some(c) = &course {
                audit::record_list_read(
                    db,
                    user.user_id,
                    None,
                    &format!("course {} roster", c.id),
                    roster.len(),
                    session::client_ip(),
                )
                .await?;
            }
            Ok(CourseEditor {
                course,
                sessions,
                providers,
                trainers: db::trainers(db, None).await?,
                places,
                figures,
                roster,
            })
        }
        .await,
    )
}

/// Trims a form field to `max` characters; empty is `None`.
#[cfg(feature = "ssr")]
fn field(value: Option<String>, max: usize) -> Option<String> {
    value
        .map(|v| v.trim().chars().take(max).collect::<String>())
        .filter(|v| !v.is_empty())
}

/// Parses an integer form field (Eastern digits accepted) within bounds.
#[cfg(feature = "ssr")]
fn int_field(value: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    crate::text::fold_digits(value.trim())
        .parse::<i64>()
        .ok()
        .filter(|v| range.contains(v))
}

/// Creates or updates a course (status draft or open).
#[server(endpoint = "save_course")]
pub async fn save_course(
    course_id: Option<i64>,
    provider_id: i64,
    trainer_id: Option<String>,
    title_ar: String,
    title_en: Option<String>,
    description_ar: Option<String>,
    description_en: Option<String>,
    specialty: String,
    mode: String,
    district_id: Option<String>,
    venue: Option<String>,
    online_url: Option<String>,
    seats: String,
    opens_on: String,
    closes_on: String,
    #[server(default)] eligible_districts: Vec<String>,
    fee: Option<String>,
    completion_percent: Option<String>,
) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let db = &state.db;
            let user = match course_id {
                Some(id) => managed_course(&state, id).await?.0,
                None => session::require(&state, Requirement::SignedIn).await?,
            };
            let mine = db::providers_of(db, user.user_id, &user.association_ids()).await?;
            if !user.is_council_admin() && !mine.contains(&provider_id) {
                return Err(denied(&state).await);
            }
            let title_ar = field(Some(title_ar), 120)
                .ok_or_else(|| AppError::validation("title_ar", ErrorKey::TitleRequired))?;
            let specialty = Specialty::parse(&specialty)
                .ok_or_else(|| AppError::validation("specialty", ErrorKey::ValueInvalid))?;
            let mode = CourseMode::parse(&mode)
                .ok_or_else(|| AppError::validation("mode", ErrorKey::ValueInvalid))?;
            let district_id = match field(district_id, 12) {
                Some(raw) => {
                    let id = int_field(&raw, 1..=i64::MAX).ok_or_else(|| {
                        AppError::validation("district_id", ErrorKey::DistrictUnknown)
                    })?;
                    crate::places::db::city_of_district(db, id)
                        .await?
                        .ok_or_else(|| {
                            AppError::validation("district_id", ErrorKey::DistrictUnknown)
                        })?;
                    Some(id)
                }
                None => None,
            };
            if mode == CourseMode::InPerson && district_id.is_none() {
                return Err(AppError::validation(
                    "district_id",
                    ErrorKey::DistrictUnknown,
                ));
            }
            let online_url = field(online_url, 300).unwrap_or_default();
            if mode == CourseMode::Online && !online_url.starts_with("https://") {
                return Err(AppError::validation(
                    "online_url",
                    ErrorKey::OnlineLinkInvalid,
                ));
            }
            let seats = int_field(&seats, 1..=500)
                .ok_or_else(|| AppError::validation("seats", ErrorKey::SeatsInvalid))?;
            let opens_at = super::parse_date(&opens_on)
                .ok_or_else(|| AppError::validation("opens_on", ErrorKey::DateInvalid))?;
            let closes_at = super::parse_date(&closes_on)
                .map(|day| day + 86_399)
                .filter(|end| *end >= opens_at)
                .ok_or_else(|| AppError::validation("closes_on", ErrorKey::DateInvalid))?;
            let fee_halalas = match field(fee, 20) {
                Some(raw) => crate::text::parse_riyals(&raw)
                    .ok_or_else(|| AppError::validation("fee", ErrorKey::PriceInvalid))?,
                None => 0,
            };
            let completion_percent = match field(completion_percent, 4) {
                Some(raw) => int_field(&raw, 1..=100).ok_or_else(|| {
                    AppError::validation("completion_percent", ErrorKey::ValueInvalid)
                })?,
                None => 75,
            };
            let trainer_id = field(trainer_id, 12).and_then(|t| t.parse::<i64>().ok());
            if let Some(id) = trainer_id
                && !db::trainer_exists(db, id).await?
            {
                return Err(AppError::validation("trainer_id", ErrorKey::ValueInvalid));
            }
            let mut eligible = Vec::new();
            for raw in eligible_districts {
                let id = int_field(&raw, 1..=i64::MAX).ok_or_else(|| {
                    AppError::validation("eligible_districts", ErrorKey::DistrictUnknown)
                })?;
                eligible.push(id);
            }
            let input = db::CourseInput {
                provider_id,
                trainer_id,
                title_ar,
                title_en: field(title_en, 120).unwrap_or_default(),
                description_ar: field(description_ar, 2000).unwrap_or_default(),
                description_en: field(description_en, 2000).unwrap_or_default(),
                specialty,
                mode,
                district_id: district_id.filter(|_| mode == CourseMode::InPerson),
                venue: field(venue, 200).unwrap_or_default(),
                online_url: if mode == CourseMode::Online {
                    online_url
                } else {
                    String::new()
                },
                seats,
                opens_at,
                closes_at,
                eligible_districts: eligible,
                fee_halalas,
                completion_percent,
            };
            let audit = course_event(&user, course_id, audit::action::COURSE_SAVED, None);
            let id =
                db::save_course(db, course_id, &input, Some(user.user_id), Some(audit)).await?;
            leptos_axum::redirect(&super::manage_url(id));
            Ok(())
        }
        .await,
    )
}

/// The audit row of a change to a course (written with the change).
#[cfg(feature = "ssr")]
fn course_event(
    user: &CurrentUser,
    course_id: Option<i64>,
    action: &'static str,
    detail: Option<String>,
) -> AuditEvent<'static> {
    AuditEvent {
        actor_user_id: Some(user.user_id),
        acting_for_association_id: user.association_ids().first().copied(),
        action,
        subject_type: Some("course"),
        subject_id: course_id.map(|id| id.to_string()),
        detail,
        client_ip: Some(session::client_ip()),
    }
}

/// Adds a session (date, start and end in Saudi time).
#[server(endpoint = "add_course_session")]
pub async fn add_course_session(
    course_id: i64,
    date: String,
    starts: String,
    ends: String,
) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let (user, _) = managed_course(&state, course_id).await?;
            let span = super::parse_session(&date, &starts, &ends)
                .ok_or_else(|| AppError::validation("date", ErrorKey::SessionInvalid))?;
            let audit = course_event(
                &user,
                Some(course_id),
                audit::action::COURSE_SAVED,
                Some("session added".into()),
            );
            db::add_session(&state.db, course_id, span, Some(audit)).await?;
            leptos_axum::redirect(&super::manage_url(course_id));
            Ok(())
        }
        .await,
    )
}

/// Removes a session of a draft course.
#[server(endpoint = "remove_course_session")]
pub async fn remove_course_session(course_id: i64, session_id: i64) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let (user, _) = managed_course(&state, course_id).await?;
            let audit = course_event(
                &user,
                Some(course_id),
                audit::action::COURSE_SAVED,
                Some("session removed".into()),
            );
            db::remove_session(&state.db, course_id, session_id, Some(audit)).await?;
            leptos_axum::redirect(&super::manage_url(course_id));
            Ok(())
        }
        .await,
    )
}

/// Opens enrollment, starts, cancels or finishes a course. Finishing decides
/// completion and issues the certificates.
#[server(endpoint = "change_course_status")]
pub async fn change_course_status(course_id: i64, to: String) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let (user, course) = managed_course(&state, course_id).await?;
            let to = CourseStatus::parse(&to)
                .ok_or_else(|| AppError::validation("to", ErrorKey::BadRequest))?;
            if to == CourseStatus::Open && course.sessions.is_empty() {
                return Err(AppError::Conflict(ErrorKey::SessionsRequired));
            }
            let detail = format!("{} → {}", course.status.as_str(), to.as_str());
            let audit = course_event(
                &user,
                Some(course_id),
                audit::action::COURSE_STATUS_CHANGED,
                Some(detail),
            );
            if to == CourseStatus::Finished {
                db::finish_course(&state.db, course_id, Some(audit)).await?;
            } else {
                db::set_course_status(&state.db, course_id, course.status, to, Some(audit)).await?;
            }
            leptos_axum::redirect(&super::manage_url(course_id));
            Ok(())
        }
        .await,
    )
}

/// The attendance sheet of one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceView {
    pub course: Course,
    pub sessions: Vec<(i64, TimeSpan)>,
    /// The session being taken (index into `sessions`).
    pub current: Option<usize>,
    pub roster: Vec<RosterEntry>,
}

#[server(endpoint = "get_attendance")]
pub async fn get_attendance(
    course_id: i64,
    session_id: Option<i64>,
) -> Result<AttendanceView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let course = db::course(&state.db, course_id)
                .await?
                .ok_or(AppError::NotFound)?;
            if !may_take_attendance(&state.db, &user, &course).await? {
                return Err(denied(&state).await);
            }
            let sessions = db::sessions(&state.db, course_id).await?;
            let now = crate::database::now();
            // Without a choice: the session under way or the latest started,
            // else the first.
            let current = match session_id {
                Some(id) => sessions.iter().position(|(s, _)| *s == id),
                None => sessions
                    .iter()
                    .rposition(|(_, span)| span.starts_at <= now)
                    .or(if sessions.is_empty() { None } else { Some(0) }),
            };
            let roster: Vec<RosterEntry> =
                db::roster(&state.db, course_id, &user.association_ids())
                    .await?
                    .into_iter()
                    .filter(|e| e.status != EnrollmentStatus::Waitlisted)
                    .collect();
            audit::record_list_read(
                &state.db,
                user.user_id,
                None,
                &format!("course {course_id} attendance"),
                roster.len(),
                session::client_ip(),
            )
            .await?;
            Ok(AttendanceView {
                course,
                sessions,
                current,
                roster,
            })
        }
        .await,
    )
}

/// One attendance tap, saved at once. Only the course's trainer, its
/// provider's staff and the council.
#[server(endpoint = "mark_attendance")]
pub async fn mark_attendance(
    course_id: i64,
    session_id: i64,
    enrollment_id: i64,
    mark: String,
) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let course = db::course(&state.db, course_id)
                .await?
                .ok_or(AppError::NotFound)?;
            if !may_take_attendance(&state.db, &user, &course).await? {
                return Err(denied(&state).await);
            }
            let mark = AttendanceMark::parse(&mark)
                .ok_or_else(|| AppError::validation("mark", ErrorKey::BadRequest))?;
            let audit = course_event(
                &user,
                Some(course_id),
                audit::action::ATTENDANCE_MARKED,
                Some(format!(
                    "enrollment {enrollment_id} session {session_id}: {}",
                    mark.as_str()
                )),
            );
            db::mark_attendance(
                &state.db,
                course_id,
                enrollment_id,
                session_id,
                mark,
                user.user_id,
                Some(audit),
            )
            .await?;
            leptos_axum::redirect(&format!(
                "{}/attendance?session={session_id}#e{enrollment_id}",
                super::manage_url(course_id)
            ));
            Ok(())
        }
        .await,
    )
}

/// The shared trainer registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainersView {
    pub trainers: Vec<Trainer>,
    pub specialty: Option<String>,
    /// The providers this person may add trainers for.
    pub providers: Vec<Provider>,
    /// Whether the form offers to link a trainer to a person's account (the council).
    pub may_link_accounts: bool,
}

/// Visible to every association's staff, every provider and every trainer.
#[server(endpoint = "get_trainers")]
pub async fn get_trainers(specialty: Option<String>) -> Result<TrainersView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let mine = db::providers_of(&state.db, user.user_id, &user.association_ids()).await?;
            if !training_role(&user) && mine.is_empty() {
                return Err(denied(&state).await);
            }
            let providers = db::providers(&state.db)
                .await?
                .into_iter()
                .filter(|p| user.is_council_admin() || mine.contains(&p.id))
                .collect();
            Ok(TrainersView {
                trainers: db::trainers(&state.db, specialty.as_deref().and_then(Specialty::parse))
                    .await?,
                specialty,
                providers,
                may_link_accounts: user.is_council_admin(),
            })
        }
        .await,
    )
}

/// Adds a trainer to the registry for one of the caller's providers. When a
/// national ID is given and that person has an account, the trainer record is
/// theirs (they take attendance of their courses).
#[server(endpoint = "save_trainer")]
pub async fn save_trainer(
    provider_id: i64,
    name_ar: String,
    name_en: Option<String>,
    #[server(default)] specialties: Vec<String>,
    qualifications: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    national_id: Option<String>,
) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let db = &state.db;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let mine = db::providers_of(db, user.user_id, &user.association_ids()).await?;
            if !user.is_council_admin() && !mine.contains(&provider_id) {
                return Err(denied(&state).await);
            }
            let name_ar = field(Some(name_ar), 120)
                .ok_or_else(|| AppError::validation("name_ar", ErrorKey::TrainerNameRequired))?;
            let phone = match field(phone, 30) {
                Some(raw) => Some(
                    crate::registry::SaudiPhone::parse(&raw)
                        .map_err(|_| AppError::validation("phone", ErrorKey::PhoneFormat))?
                        .international()
                        .to_string(),
                ),
                None => None,
            };
            // Linking a record to a person's account makes them a trainer
            // (the role, and the attendance of that record's courses): the
            // council decides it. A provider's save makes a new, unlinked
            // record, so it can never rewrite a trainer another provider owns.
            let user_id = match field(national_id, 20) {
                Some(raw) => {
                    let id = crate::identity::NationalId::parse(&raw)
                        .map_err(|e| AppError::validation("national_id", e))?;
                    if !user.is_council_admin() {
                        return Err(AppError::validation(
                            "national_id",
                            ErrorKey::TrainerLinkByCouncil,
                        ));
                    }
                    let (account, _) = crate::identity::db::grant_role(
                        db,
                        &id,
                        RoleKind::Trainer,
                        None,
                        Some(user.user_id),
                        Some(&session::client_ip()),
                    )
                    .await
                    .map_err(|_| AppError::Internal)?;
                    Some(account)
                }
                None => None,
            };
            let input = db::TrainerInput {
                user_id,
                name_ar,
                name_en: field(name_en, 120).unwrap_or_default(),
                specialties: specialties
                    .iter()
                    .filter_map(|s| Specialty::parse(s))
                    .collect(),
                qualifications: field(qualifications, 600).unwrap_or_default(),
                phone,
                email: field(email, 120),
                provider_id,
            };
            let audit = AuditEvent {
                actor_user_id: Some(user.user_id),
                action: audit::action::TRAINER_SAVED,
                subject_type: Some("trainer"),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            db::save_trainer(db, &input, Some(user.user_id), Some(audit)).await?;
            leptos_axum::redirect(super::TRAINERS_PAGE);
            Ok(())
        }
        .await,
    )
}

/// Closes a follow-up flag: staff of an association linked to the household,
/// or the council.
#[server(endpoint = "resolve_follow_up")]
pub async fn resolve_follow_up(flag_id: i64) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let household = db::flag_household(&state.db, flag_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let linked = crate::registry::db::associations_serving(&state.db, household).await?;
            let allowed = user.is_council_admin()
                || user.association_ids().iter().any(|id| linked.contains(id));
            if !allowed {
                return Err(denied(&state).await);
            }
            let audit = AuditEvent {
                actor_user_id: Some(user.user_id),
                acting_for_association_id: user.association_ids().first().copied(),
                action: audit::action::FOLLOW_UP_RESOLVED,
                subject_type: Some("household"),
                subject_id: Some(household.to_string()),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            db::resolve_flag(&state.db, flag_id, user.user_id, Some(audit)).await?;
            leptos_axum::redirect(super::MANAGE_PAGE);
            Ok(())
        }
        .await,
    )
}

/// The council registers a training center.
#[server(endpoint = "register_center")]
pub async fn register_center(name_ar: String, name_en: Option<String>) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::CouncilAdmin).await?;
            let name_ar = field(Some(name_ar), 120)
                .ok_or_else(|| AppError::validation("name_ar", ErrorKey::TitleRequired))?;
            let audit = AuditEvent {
                actor_user_id: Some(user.user_id),
                action: audit::action::PROVIDER_SAVED,
                subject_type: Some("training_provider"),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            db::upsert_center(
                &state.db,
                &name_ar,
                &field(name_en, 120).unwrap_or_default(),
                Some(audit),
            )
            .await?;
            leptos_axum::redirect(super::MANAGE_PAGE);
            Ok(())
        }
        .await,
    )
}

/// The council lists a person (who has signed in at least once) as staff of a
/// training center: they then create and manage its courses.
#[server(endpoint = "add_center_staff")]
pub async fn add_center_staff(provider_id: i64, national_id: String) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::CouncilAdmin).await?;
            let id = crate::identity::NationalId::parse(&national_id)
                .map_err(|e| AppError::validation("national_id", e))?;
            if !db::centers(&state.db)
                .await?
                .iter()
                .any(|(p, _)| p.id == provider_id)
            {
                return Err(AppError::NotFound);
            }
            let account: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM users WHERE national_id = $1")
                    .bind(id.as_str())
                    .fetch_optional(&state.db.pool)
                    .await?;
            let (staff,) = account.ok_or(AppError::Conflict(ErrorKey::AccountNotFound))?;
            let audit = AuditEvent {
                actor_user_id: Some(user.user_id),
                action: audit::action::PROVIDER_SAVED,
                subject_type: Some("training_provider"),
                subject_id: Some(provider_id.to_string()),
                detail: Some(format!("staff user {staff}")),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            db::add_provider_staff(&state.db, provider_id, staff, Some(audit)).await?;
            // The trainer role opens the training area in their navigation;
            // what they may manage still comes from provider_staff.
            crate::identity::db::grant_role(
                &state.db,
                &id,
                RoleKind::Trainer,
                None,
                Some(user.user_id),
                Some(&session::client_ip()),
            )
            .await
            .map_err(|_| AppError::Internal)?;
            leptos_axum::redirect(super::MANAGE_PAGE);
            Ok(())
        }
        .await,
    )
}
