//! The families' side: the public course list and page, enrollment and
//! cancellation, the member's courses, and certificates.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::training::{Certificate, Course, EnrollmentStatus, MyEnrollment};

#[cfg(feature = "ssr")]
use {
    super::access::may_manage,
    crate::audit,
    crate::error::ErrorKey,
    crate::identity::{Ctx, Requirement, serve},
    crate::training::{CourseMode, CourseStatus, Specialty, db},
};

/// The public list's raw URL parameters (wrong ones are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseListParams {
    pub specialty: Option<String>,
    pub district: Option<String>,
    pub mode: Option<String>,
    pub upcoming: Option<String>,
    pub page: Option<String>,
}

/// Courses per page of the public list.
pub const COURSES_PER_PAGE: i64 = 24;

/// The public course list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourseListView {
    pub params: CourseListParams,
    pub courses: Vec<Course>,
    /// Districts that have an in-person course, for the filter.
    pub districts: Vec<(i64, String, String)>,
    /// Courses with these filters in all, and where this page stands.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

#[server(endpoint = "list_courses")]
pub async fn list_courses(
    #[server(default)] params: CourseListParams,
) -> Result<CourseListView, AppError> {
    serve(|ctx| course_list(ctx, params)).await
}

/// The public list, filtered by its URL parameters.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn course_list(ctx: Ctx, params: CourseListParams) -> Result<CourseListView, AppError> {
    let filter = db::CourseFilter {
        specialty: params.specialty.as_deref().and_then(Specialty::parse),
        district_id: params.district.as_deref().and_then(|d| d.parse().ok()),
        mode: params.mode.as_deref().and_then(CourseMode::parse),
        upcoming: params.upcoming.as_deref().is_some_and(|v| !v.is_empty()),
    };
    let total = db::public_course_count(ctx.db(), &filter).await?;
    let asked = params.page.as_deref().and_then(|p| p.parse().ok());
    let (page, pages, offset) = crate::ui::page_window(total, COURSES_PER_PAGE, asked);
    let mut courses = db::public_courses(ctx.db(), &filter, COURSES_PER_PAGE, offset).await?;
    // An online course's meeting link is for the people enrolled in it.
    for course in &mut courses {
        course.online_url.clear();
    }
    let districts = db::public_course_districts(ctx.db()).await?;
    Ok(CourseListView {
        params,
        courses,
        districts,
        total,
        page,
        pages,
    })
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
    serve(|ctx| course_page(ctx, course_id)).await
}

/// A course's page; a draft only for those who manage it.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(course_id = course_id))]
async fn course_page(ctx: Ctx, course_id: i64) -> Result<CourseView, AppError> {
    let mut course = db::course(ctx.db(), course_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let user = ctx.user.as_ref();
    let can_manage = match user {
        Some(u) => may_manage(ctx.db(), u, &course).await?,
        None => false,
    };
    // A draft is its provider's work in progress.
    if course.status == CourseStatus::Draft && !can_manage {
        return Err(AppError::NotFound);
    }
    let mine = match user {
        Some(u) => db::enrollment_in(ctx.db(), course_id, u.user_id).await?,
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
            crate::places::db::district_names(ctx.db(), *id).await?;
        eligible_district_names.extend(row);
    }
    let now = crate::database::now();
    Ok(CourseView {
        canonical: format!(
            "{}{}",
            ctx.state.settings.public_url,
            crate::training::course_url(course_id)
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

/// Enrolls the signed-in family member: a seat, or the waitlist when full.
#[server(endpoint = "enroll")]
pub async fn enroll(course_id: i64) -> Result<(), AppError> {
    serve(|ctx| enroll_member(ctx, course_id)).await
}

/// Takes a seat or a waitlist place for the caller's household member.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(course_id = course_id))]
async fn enroll_member(ctx: Ctx, course_id: i64) -> Result<(), AppError> {
    let user = ctx.require(Requirement::FamilyMember).await?;
    let member = db::member(ctx.db(), user.user_id, &user.national_id)
        .await?
        .ok_or(AppError::Conflict(ErrorKey::HouseholdNotRegistered))?;
    let event = ctx
        .event(audit::action::COURSE_ENROLLED)
        .subject("course", course_id);
    crate::database::retrying(|| db::enroll(ctx.db(), course_id, member, event.clone())).await?;
    leptos_axum::redirect(&crate::training::course_url(course_id));
    Ok(())
}

/// Cancels the member's seat or waitlist place; a freed seat goes to the
/// first on the waitlist at once.
#[server(endpoint = "cancel_enrollment")]
pub async fn cancel_enrollment(course_id: i64) -> Result<(), AppError> {
    serve(|ctx| cancel(ctx, course_id)).await
}

/// Gives up the caller's place in the course.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(course_id = course_id))]
async fn cancel(ctx: Ctx, course_id: i64) -> Result<(), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let event = ctx
        .event(audit::action::ENROLLMENT_CANCELLED)
        .subject("course", course_id);
    db::cancel(ctx.db(), course_id, user.user_id, event).await?;
    leptos_axum::redirect(crate::training::MY_COURSES_PAGE);
    Ok(())
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
    serve(my_courses).await
}

/// The caller's courses; the notices are marked read as they are shown.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn my_courses(ctx: Ctx) -> Result<MyCoursesView, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let promotions = db::unread_promotions(ctx.db(), user.user_id)
        .await?
        .into_iter()
        .map(|(_, course_id, _)| course_id)
        .collect();
    // Shown once, on this page.
    db::mark_promotions_read(ctx.db(), user.user_id).await?;
    let mut enrollments = db::enrollments_of(ctx.db(), user.user_id).await?;
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

/// A certificate, for its owner to print (the council may open any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub certificate: Certificate,
    pub verify_url: String,
}

#[server(endpoint = "get_certificate")]
pub async fn get_certificate(code: String) -> Result<CertificateView, AppError> {
    serve(|ctx| certificate(ctx, code)).await
}

/// The caller's certificate (any, for the council); 404 for anyone else's.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn certificate(ctx: Ctx, code: String) -> Result<CertificateView, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let code = crate::training::normalize_certificate_code(&code).ok_or(AppError::NotFound)?;
    let certificate = db::certificate(ctx.db(), &code)
        .await?
        .ok_or(AppError::NotFound)?;
    if certificate.user_id != user.user_id && !user.is_council_admin() {
        return Err(AppError::NotFound);
    }
    Ok(CertificateView {
        verify_url: format!(
            "{}{}/{}",
            ctx.state.settings.public_url,
            crate::training::VERIFY_PAGE,
            code
        ),
        certificate,
    })
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
    serve(|ctx| verify(ctx, code)).await
}

/// The name and course behind a certificate code, if any.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn verify(ctx: Ctx, code: String) -> Result<Option<Verification>, AppError> {
    let Some(code) = crate::training::normalize_certificate_code(&code) else {
        return Ok(None);
    };
    let found = db::certificate(ctx.db(), &code).await?;
    Ok(found.map(|c| Verification {
        code: c.code,
        name_ar: c.name_ar,
        name_en: c.name_en,
        hours: crate::training::format_hours(&c.course.sessions),
        course_title_ar: c.course.title_ar,
        course_title_en: c.course.title_en,
        provider_name_ar: c.course.provider_name_ar,
        provider_name_en: c.course.provider_name_en,
        completed_at: c.completed_at,
    }))
}
