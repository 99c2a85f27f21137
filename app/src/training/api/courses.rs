//! The providers' side of courses: the dashboard, the course form, its
//! sessions, and moving a course through its statuses.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::places::{City, District};
use crate::training::{
    Course, CourseFigures, FollowUpFlag, Provider, RosterEntry, TimeSpan, Trainer,
};

#[cfg(feature = "ssr")]
use {
    super::access::{
        choosable_providers, course_event, managed_course, own_providers, require_provider,
        training_role,
    },
    super::form::{field, int_field},
    crate::audit::{self, ListRead},
    crate::error::ErrorKey,
    crate::identity::{Ctx, CurrentUser, Requirement, serve},
    crate::training::{CourseMode, CourseStatus, Specialty, db},
};

/// One course on the dashboard, with its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardCourse {
    pub course: Course,
    pub figures: CourseFigures,
}

/// The providers' (and trainers') dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    /// One page of the courses, newest first.
    pub courses: Vec<DashboardCourse>,
    /// Courses in all, and where this page stands among them (`page`).
    pub course_total: i64,
    pub course_page: i64,
    pub course_pages: i64,
    /// Whether the person may create courses (acts for a provider, or the council).
    pub can_create: bool,
    /// One page of the open follow-up flags of the households of the
    /// person's associations (`flags_page`), newest first.
    pub flags: Vec<FollowUpFlag>,
    pub flag_total: i64,
    pub flag_page: i64,
    pub flag_pages: i64,
    /// For the council: the training centers and their staff counts.
    pub centers: Vec<(Provider, i64)>,
}

/// Courses shown per page of the dashboard.
pub const DASHBOARD_COURSES_PER_PAGE: i64 = 30;
/// Follow-up flags shown per page of the dashboard.
pub const FLAGS_PER_PAGE: i64 = 30;
/// Trainers the course form offers to choose from: a picker, not a list to read.
#[cfg(feature = "ssr")]
const TRAINER_CHOICES: i64 = 500;

/// The dashboard: `page` of its courses and `flags_page` of its flags.
#[server(endpoint = "get_training_dashboard")]
pub async fn get_training_dashboard(
    page: Option<i64>,
    flags_page: Option<i64>,
) -> Result<DashboardView, AppError> {
    serve(|ctx| dashboard(ctx, page, flags_page)).await
}

/// The courses the caller manages or trains, their flags and (council) the centers.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn dashboard(
    ctx: Ctx,
    page: Option<i64>,
    flags_page: Option<i64>,
) -> Result<DashboardView, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let db = ctx.db();
    let providers = own_providers(db, user).await?;
    let trainer = db::trainer_of_user(db, user.user_id).await?;
    if !training_role(user) && providers.is_empty() && trainer.is_none() {
        return Err(ctx.deny("training dashboard").await);
    }
    let all = user.is_council_admin();
    let course_total = db::managed_course_count(db, &providers, trainer, all).await?;
    let (course_page, course_pages, offset) =
        crate::ui::page_window(course_total, DASHBOARD_COURSES_PER_PAGE, page);
    let mut courses = Vec::new();
    let managed = db::managed_courses(
        db,
        &providers,
        trainer,
        all,
        DASHBOARD_COURSES_PER_PAGE,
        offset,
    );
    for course in managed.await? {
        courses.push(DashboardCourse {
            figures: db::figures(db, course.id).await?,
            course,
        });
    }
    let associations = user.association_ids();
    let flag_total = db::open_flag_count(db, &associations, all).await?;
    let (flag_page, flag_pages, flag_offset) =
        crate::ui::page_window(flag_total, FLAGS_PER_PAGE, flags_page);
    Ok(DashboardView {
        courses,
        course_total,
        course_page,
        course_pages,
        can_create: user.is_council_admin() || !providers.is_empty(),
        flags: db::open_flags(db, &associations, all, FLAGS_PER_PAGE, flag_offset).await?,
        flag_total,
        flag_page,
        flag_pages,
        centers: if user.is_council_admin() {
            db::centers(db).await?
        } else {
            Vec::new()
        },
    })
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
    serve(|ctx| course_editor(ctx, course_id)).await
}

/// The caller, and the course when one is named and they manage it.
#[cfg(feature = "ssr")]
async fn caller_and_course(
    ctx: &Ctx,
    course_id: Option<i64>,
) -> Result<(&CurrentUser, Option<Course>), AppError> {
    Ok(match course_id {
        Some(id) => {
            let (user, course) = managed_course(ctx, id).await?;
            (user, Some(course))
        }
        None => (ctx.require(Requirement::SignedIn).await?, None),
    })
}

/// The form with its lists; an existing course's roster read is audited.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn course_editor(ctx: Ctx, course_id: Option<i64>) -> Result<CourseEditor, AppError> {
    let db = ctx.db();
    let (user, course) = caller_and_course(&ctx, course_id).await?;
    // An association's provider row is made the first time its staff open the form.
    for association_id in user.association_ids() {
        db::association_provider(db, association_id).await?;
    }
    let providers = choosable_providers(db, user).await?;
    if providers.is_empty() {
        return Err(ctx.deny("course form").await);
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
        ctx.record_list_read(
            None,
            ListRead::shown(format!("course {} roster", c.id), roster.len())
                .of(roster.iter().filter_map(|e| e.household_id))
                .about("course", c.id),
        )
        .await?;
    }
    Ok(CourseEditor {
        course,
        sessions,
        providers,
        // The form's trainer picker: a choice, not a list to read; capped as before.
        trainers: db::trainers(db, None, TRAINER_CHOICES, 0).await?,
        places,
        figures,
        roster,
    })
}

/// The course form as posted.
#[cfg(feature = "ssr")]
struct CourseForm {
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
    eligible_districts: Vec<String>,
    fee: Option<String>,
    completion_percent: Option<String>,
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
    let form = CourseForm {
        provider_id,
        trainer_id,
        title_ar,
        title_en,
        description_ar,
        description_en,
        specialty,
        mode,
        district_id,
        venue,
        online_url,
        seats,
        opens_on,
        closes_on,
        eligible_districts,
        fee,
        completion_percent,
    };
    serve(|ctx| save(ctx, course_id, form)).await
}

/// Checks the caller's right to the course and the provider, validates the
/// form and saves it (audited with the change).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(course_id = course_id))]
async fn save(ctx: Ctx, course_id: Option<i64>, form: CourseForm) -> Result<(), AppError> {
    let db = ctx.db();
    let (user, _) = caller_and_course(&ctx, course_id).await?;
    require_provider(&ctx, form.provider_id).await?;
    let input = course_input(db, form).await?;
    let event = course_event(&ctx, course_id, audit::action::COURSE_SAVED);
    let id = db::save_course(db, course_id, &input, Some(user.user_id), Some(event)).await?;
    leptos_axum::redirect(&crate::training::manage_url(id));
    Ok(())
}

/// The validated course form; the first wrong field is the error.
#[cfg(feature = "ssr")]
async fn course_input(
    db: &crate::database::Db,
    form: CourseForm,
) -> Result<db::CourseInput, AppError> {
    let title_ar = field(Some(form.title_ar), 120)
        .ok_or_else(|| AppError::validation("title_ar", ErrorKey::TitleRequired))?;
    let specialty = Specialty::parse(&form.specialty)
        .ok_or_else(|| AppError::validation("specialty", ErrorKey::ValueInvalid))?;
    let mode = CourseMode::parse(&form.mode)
        .ok_or_else(|| AppError::validation("mode", ErrorKey::ValueInvalid))?;
    let district_id = match field(form.district_id, 12) {
        Some(raw) => {
            let id = int_field(&raw, 1..=i64::MAX)
                .ok_or_else(|| AppError::validation("district_id", ErrorKey::DistrictUnknown))?;
            crate::places::db::city_of_district(db, id)
                .await?
                .ok_or_else(|| AppError::validation("district_id", ErrorKey::DistrictUnknown))?;
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
    let online_url = field(form.online_url, 300).unwrap_or_default();
    if mode == CourseMode::Online && !online_url.starts_with("https://") {
        return Err(AppError::validation(
            "online_url",
            ErrorKey::OnlineLinkInvalid,
        ));
    }
    let seats = int_field(&form.seats, 1..=500)
        .ok_or_else(|| AppError::validation("seats", ErrorKey::SeatsInvalid))?;
    let opens_at = crate::training::parse_date(&form.opens_on)
        .ok_or_else(|| AppError::validation("opens_on", ErrorKey::DateInvalid))?;
    let closes_at = crate::training::parse_date(&form.closes_on)
        .map(|day| day + 86_399)
        .filter(|end| *end >= opens_at)
        .ok_or_else(|| AppError::validation("closes_on", ErrorKey::DateInvalid))?;
    let fee_halalas = match field(form.fee, 20) {
        Some(raw) => crate::text::parse_riyals(&raw)
            .ok_or_else(|| AppError::validation("fee", ErrorKey::PriceInvalid))?,
        None => 0,
    };
    let completion_percent = match field(form.completion_percent, 4) {
        Some(raw) => int_field(&raw, 1..=100)
            .ok_or_else(|| AppError::validation("completion_percent", ErrorKey::ValueInvalid))?,
        None => 75,
    };
    let trainer_id = field(form.trainer_id, 12).and_then(|t| t.parse::<i64>().ok());
    if let Some(id) = trainer_id
        && !db::trainer_exists(db, id).await?
    {
        return Err(AppError::validation("trainer_id", ErrorKey::ValueInvalid));
    }
    let mut eligible = Vec::new();
    for raw in form.eligible_districts {
        let id = int_field(&raw, 1..=i64::MAX)
            .ok_or_else(|| AppError::validation("eligible_districts", ErrorKey::DistrictUnknown))?;
        eligible.push(id);
    }
    Ok(db::CourseInput {
        provider_id: form.provider_id,
        trainer_id,
        title_ar,
        title_en: field(form.title_en, 120).unwrap_or_default(),
        description_ar: field(form.description_ar, 2000).unwrap_or_default(),
        description_en: field(form.description_en, 2000).unwrap_or_default(),
        specialty,
        mode,
        district_id: district_id.filter(|_| mode == CourseMode::InPerson),
        venue: field(form.venue, 200).unwrap_or_default(),
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
    })
}

/// Adds a session (date, start and end in Saudi time).
#[server(endpoint = "add_course_session")]
pub async fn add_course_session(
    course_id: i64,
    date: String,
    starts: String,
    ends: String,
) -> Result<(), AppError> {
    serve(|ctx| add_session(ctx, course_id, date, starts, ends)).await
}

/// Adds a session to a course the caller manages.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(course_id = course_id))]
async fn add_session(
    ctx: Ctx,
    course_id: i64,
    date: String,
    starts: String,
    ends: String,
) -> Result<(), AppError> {
    managed_course(&ctx, course_id).await?;
    let span = crate::training::parse_session(&date, &starts, &ends)
        .ok_or_else(|| AppError::validation("date", ErrorKey::SessionInvalid))?;
    let event =
        course_event(&ctx, Some(course_id), audit::action::COURSE_SAVED).detail("session added");
    db::add_session(ctx.db(), course_id, span, Some(event)).await?;
    leptos_axum::redirect(&crate::training::manage_url(course_id));
    Ok(())
}

/// Removes a session of a draft course.
#[server(endpoint = "remove_course_session")]
pub async fn remove_course_session(course_id: i64, session_id: i64) -> Result<(), AppError> {
    serve(|ctx| remove_session(ctx, course_id, session_id)).await
}

/// Removes a session of a course the caller manages.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(course_id = course_id, session_id = session_id))]
async fn remove_session(ctx: Ctx, course_id: i64, session_id: i64) -> Result<(), AppError> {
    managed_course(&ctx, course_id).await?;
    let event =
        course_event(&ctx, Some(course_id), audit::action::COURSE_SAVED).detail("session removed");
    db::remove_session(ctx.db(), course_id, session_id, Some(event)).await?;
    leptos_axum::redirect(&crate::training::manage_url(course_id));
    Ok(())
}

/// Opens enrollment, starts, cancels or finishes a course. Finishing decides
/// completion and issues the certificates.
#[server(endpoint = "change_course_status")]
pub async fn change_course_status(course_id: i64, to: String) -> Result<(), AppError> {
    serve(|ctx| change_status(ctx, course_id, to)).await
}

/// Moves a course the caller manages to the status `to`.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(course_id = course_id))]
async fn change_status(ctx: Ctx, course_id: i64, to: String) -> Result<(), AppError> {
    let (_, course) = managed_course(&ctx, course_id).await?;
    let to =
        CourseStatus::parse(&to).ok_or_else(|| AppError::validation("to", ErrorKey::BadRequest))?;
    if to == CourseStatus::Open && course.sessions.is_empty() {
        return Err(AppError::Conflict(ErrorKey::SessionsRequired));
    }
    let event = course_event(&ctx, Some(course_id), audit::action::COURSE_STATUS_CHANGED)
        .detail(format!("{} → {}", course.status.as_str(), to.as_str()));
    if to == CourseStatus::Finished {
        db::finish_course(ctx.db(), course_id, Some(event)).await?;
    } else {
        db::set_course_status(ctx.db(), course_id, course.status, to, Some(event)).await?;
    }
    leptos_axum::redirect(&crate::training::manage_url(course_id));
    Ok(())
}
