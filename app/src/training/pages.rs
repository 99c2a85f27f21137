//! Public and family pages of training: the course list and page (no account
//! needed to read), enrollment and cancellation (plain forms), "my courses",
//! the printable certificate and the public verification page.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    CancelEnrollment, CertificateView, CourseListParams, CourseListView, CourseView, Enroll,
    MyCoursesView, Verification, get_certificate, get_course, get_my_courses, list_courses,
    verify_certificate,
};
use super::{
    Course, CourseMode, CourseStatus, EnrollmentStatus, MY_COURSES_PAGE, Specialty, TimeSpan,
    VERIFY_PAGE, course_url, format_hours, format_session, manage_url,
};
use crate::i18n::*;
use crate::time::format_date;
use crate::ui::{EmptyState, ErrorAlert, error_from_query, is_english, loaded, pick};
use crate::ui::{PageMeta, Price, id_param};

/// A specialty's name in the page's language.
#[component]
pub fn SpecialtyName(specialty: Specialty) -> impl IntoView {
    let (ar, en) = specialty.names();
    pick(is_english(), ar, en)
}

/// A course's status as a badge; an open course with every seat taken is "full".
#[component]
pub fn CourseStatusBadge(course: Course) -> impl IntoView {
    let i18n = use_i18n();
    let (class, label) = if course.is_full() {
        ("full", t!(i18n, training.status_full).into_any())
    } else {
        let label = match course.status {
            CourseStatus::Draft => t!(i18n, training.status_draft).into_any(),
            CourseStatus::Open => t!(i18n, training.status_open).into_any(),
            CourseStatus::Running => t!(i18n, training.status_running).into_any(),
            CourseStatus::Finished => t!(i18n, training.status_finished).into_any(),
            CourseStatus::Cancelled => t!(i18n, training.status_cancelled).into_any(),
        };
        (course.status.as_str(), label)
    };
    view! { <span class=format!("state state-{class}")>{label}</span> }
}

/// Where: the district and venue, or "online".
#[component]
fn Place(course: Course) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    match course.mode {
        CourseMode::Online => t!(i18n, training.online).into_any(),
        CourseMode::InPerson => {
            let district = pick(
                english,
                course.district_name_ar.as_deref().unwrap_or(""),
                course.district_name_en.as_deref().unwrap_or(""),
            );
            if course.venue.is_empty() {
                district.into_any()
            } else {
                format!("{district} · {}", course.venue).into_any()
            }
        }
    }
}

/// Free, or the fee with the Riyal sign.
#[component]
fn Fee(halalas: i64) -> impl IntoView {
    let i18n = use_i18n();
    if halalas == 0 {
        t!(i18n, training.free).into_any()
    } else {
        view! { <Price halalas /> }.into_any()
    }
}

/// One session, left to right inside Arabic text (dates and times read LTR),
/// with its Hijri date.
#[component]
pub fn SessionTime(span: TimeSpan) -> impl IntoView {
    view! { <bdi dir="ltr">{format_session(&span)}</bdi> " " <HijriDate unix=span.starts_at /> }
}

pub use crate::ui::HijriDate;

/// One course in the list.
#[component]
fn CourseCard(course: Course) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let first = course.sessions.first().copied();
    let seats_left = (course.seats - course.enrolled).max(0);
    view! {
        <li class="course-card">
            <h2><a href=course_url(course.id)>{course.title(english).to_string()}</a></h2>
            <p class="small">
                <CourseStatusBadge course=course.clone() /> " "
                <SpecialtyName specialty=course.specialty />
            </p>
            <dl class="facts">
                <dt>{t!(i18n, training.provider)}</dt>
                <dd>{pick(english, &course.provider_name_ar, &course.provider_name_en)}</dd>
                <dt>{t!(i18n, training.place)}</dt>
                <dd><Place course=course.clone() /></dd>
                {first.map(|span| view! {
                    <dt>{t!(i18n, training.starts)}</dt>
                    <dd><SessionTime span /></dd>
                })}
                <dt>{t!(i18n, training.seats_left)}</dt>
                <dd>{seats_left} " / " {course.seats}</dd>
                <dt>{t!(i18n, training.fee)}</dt>
                <dd><Fee halalas=course.fee_halalas /></dd>
            </dl>
        </li>
    }
}

fn list_params() -> CourseListParams {
    use_query_map().with_untracked(|q| CourseListParams {
        specialty: q.get("specialty"),
        district: q.get("district"),
        mode: q.get("mode"),
        upcoming: q.get("upcoming"),
        page: q.get("page"),
    })
}

/// `/courses`: what is offered, with filters in the URL (a GET form).
#[component]
pub fn CoursesPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = list_params();
    let data = Resource::new_blocking(|| (), move |_| list_courses(params.clone()));
    view! {
        <PageMeta
            title=t_string!(i18n, training.list_title).to_string()
            description=t_string!(i18n, training.list_description).to_string()
        />
        <section class="courses">
            <h1>{t!(i18n, training.list_title)}</h1>
            <p class="muted">{t!(i18n, training.list_description)}</p>
            {loaded(data, |view| view! { <CourseList view /> })}
        </section>
    }
}

#[component]
fn CourseList(view: CourseListView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let p = view.params.clone();
    let specialty = p.specialty.clone().unwrap_or_default();
    let district = p.district.clone().unwrap_or_default();
    let mode = p.mode.clone().unwrap_or_default();
    // Another page keeps the filters: the same query with its page changed.
    let url = move |page: i64| {
        let mut query: Vec<(&str, String)> = [
            ("specialty", p.specialty.clone()),
            ("district", p.district.clone()),
            ("mode", p.mode.clone()),
            ("upcoming", p.upcoming.clone()),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.filter(|v| !v.is_empty())?)))
        .collect();
        query.push(("page", page.to_string()));
        let query: Vec<String> = query
            .into_iter()
            .map(|(k, v)| format!("{k}={}", crate::text::url_encode(&v)))
            .collect();
        format!("{}?{}", super::COURSES_PAGE, query.join("&"))
    };
    let (page, pages, total) = (view.page, view.pages, view.total);
    let upcoming = view.params.upcoming.is_some();
    view! {
        <form method="get" action=super::COURSES_PAGE class="filters">
            <div class="field">
                <label for="specialty">{t!(i18n, training.specialty)}</label>
                <select id="specialty" name="specialty">
                    <option value="">{t!(i18n, training.any)}</option>
                    {Specialty::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=specialty == s.as_str()><SpecialtyName specialty=*s /></option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="district">{t!(i18n, training.district)}</label>
                <select id="district" name="district">
                    <option value="">{t!(i18n, training.any)}</option>
                    {view.districts.iter().map(|(id, ar, en)| view! {
                        <option value=id.to_string() selected=district == id.to_string()>{pick(english, ar, en)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="mode">{t!(i18n, training.mode)}</label>
                <select id="mode" name="mode">
                    <option value="">{t!(i18n, training.any)}</option>
                    <option value="in_person" selected=mode == "in_person">{t!(i18n, training.in_person)}</option>
                    <option value="online" selected=mode == "online">{t!(i18n, training.online)}</option>
                </select>
            </div>
            <label class="choice-row"><input type="checkbox" name="upcoming" value="1" checked=upcoming /> {t!(i18n, training.upcoming)}</label>
            <button type="submit" class="button secondary">{t!(i18n, training.filter)}</button>
        </form>
        {if view.courses.is_empty() {
            view! { <p class="muted">{t!(i18n, training.none_found)}</p> }.into_any()
        } else {
            view! {
                <p class="muted" id="courses-total">{t!(i18n, training.total)} ": " <bdi>{total}</bdi></p>
                <ul class="course-list">{view.courses.into_iter().map(|course| view! { <CourseCard course /> }).collect_view()}</ul>
                {(pages > 1).then(|| view! {
                    <crate::ui::Pager
                        prev=(page > 1).then(|| url(page - 1))
                        next=(page < pages).then(|| url(page + 1))
                        position=format!("{page} / {pages}")
                    />
                })}
            }.into_any()
        }}
    }
}

/// `/courses/<id>`: the course, its sessions, and the member's enrollment.
#[component]
pub fn CoursePage() -> impl IntoView {
    let id = id_param();
    let error = error_from_query();
    let data = Resource::new_blocking(
        || (),
        move |_| async move { get_course(id.ok_or(crate::error::AppError::NotFound)?).await },
    );
    view! {
        <section class="card wide">
            {error.map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |view| view! { <CourseDetail view /> })}
        </section>
    }
}

#[component]
fn CourseDetail(view: CourseView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let course = view.course.clone();
    let title = course.title(english).to_string();
    let trainer = course.trainer_name_ar.clone().map(|ar| {
        pick(
            english,
            &ar,
            course.trainer_name_en.as_deref().unwrap_or(""),
        )
    });
    let eligible = if view.eligible_district_names.is_empty() {
        t_string!(i18n, training.eligible_any).to_string()
    } else {
        view.eligible_district_names
            .iter()
            .map(|(ar, en)| pick(english, ar, en))
            .collect::<Vec<_>>()
            .join("، ")
    };
    view! {
        <PageMeta title=title.clone() description=course.description(english).chars().take(160).collect() canonical=view.canonical.clone() />
        <h1>{title}</h1>
        <p><CourseStatusBadge course=course.clone() /> " " <SpecialtyName specialty=course.specialty /></p>
        <p class="prose">{course.description(english).to_string()}</p>
        <dl class="facts">
            <dt>{t!(i18n, training.provider)}</dt>
            <dd>{pick(english, &course.provider_name_ar, &course.provider_name_en)}</dd>
            {trainer.map(|name| view! { <dt>{t!(i18n, training.trainer)}</dt><dd>{name}</dd> })}
            <dt>{t!(i18n, training.place)}</dt>
            <dd><Place course=course.clone() /></dd>
            <dt>{t!(i18n, training.hours)}</dt>
            <dd>{format_hours(&course.sessions)}</dd>
            <dt>{t!(i18n, training.seats)}</dt>
            <dd>{course.enrolled} " / " {course.seats}
                {(course.waitlisted > 0).then(|| view! { " · " {t!(i18n, training.waitlist)} " " {course.waitlisted} })}
            </dd>
            <dt>{t!(i18n, training.enrollment_window)}</dt>
            <dd><span class="nowrap"><bdi dir="ltr">{format_date(course.opens_at)}</bdi> " –"</span> " " <span class="nowrap"><bdi dir="ltr">{format_date(course.closes_at)}</bdi></span></dd>
            <dt>{t!(i18n, training.eligibility)}</dt>
            <dd>{eligible}</dd>
            <dt>{t!(i18n, training.fee)}</dt>
            <dd><Fee halalas=course.fee_halalas /></dd>
            <dt>{t!(i18n, training.completion_rule)}</dt>
            <dd>{t!(i18n, training.completion_rule_text, percent = move || course.completion_percent)}</dd>
        </dl>
        <h2>{t!(i18n, training.sessions)}</h2>
        {if course.sessions.is_empty() {
            view! { <p class="muted">{t!(i18n, training.no_sessions)}</p> }.into_any()
        } else {
            view! { <ol class="sessions">{course.sessions.iter().map(|span| view! { <li><SessionTime span=*span /></li> }).collect_view()}</ol> }.into_any()
        }}
        <EnrollmentBox view=view.clone() />
        {view.can_manage.then(|| view! { <p><a class="button secondary" href=manage_url(course.id)>{t!(i18n, training.manage)}</a></p> })}
    }
}

/// The member's place in the course, or the button that gives them one.
#[component]
fn EnrollmentBox(view: CourseView) -> impl IntoView {
    let i18n = use_i18n();
    let course = view.course.clone();
    let cancel_form = move || {
        view! {
            <form method="post" action=CancelEnrollment::PATH>
                <input type="hidden" name="course_id" value=course.id.to_string() />
                <button type="submit" class="button secondary">{t!(i18n, training.cancel)}</button>
            </form>
        }
    };
    let body = match view.mine {
        Some((EnrollmentStatus::Enrolled, _)) => view! {
            <p class="alert alert-ok" id="enrollment-state" role="status">{t!(i18n, training.you_are_enrolled)}</p>
            {cancel_form()}
        }
        .into_any(),
        Some((EnrollmentStatus::Waitlisted, position)) => view! {
            <p class="alert alert-info" id="enrollment-state" role="status">
                {t!(i18n, training.you_are_waitlisted, position = move || position.unwrap_or(0))}
            </p>
            {cancel_form()}
        }
        .into_any(),
        Some((EnrollmentStatus::Completed, _)) => view! {
            <p class="alert alert-ok" id="enrollment-state">{t!(i18n, training.you_completed)}</p>
            <p><a href=MY_COURSES_PAGE>{t!(i18n, training.my_title)}</a></p>
        }
        .into_any(),
        Some((_, _)) => view! { <p class="muted" id="enrollment-state">{t!(i18n, training.you_did_not_complete)}</p> }.into_any(),
        None if !course.status.takes_enrollments() || !view.window_open => {
            view! { <p class="muted">{t!(i18n, training.enrollment_closed)}</p> }.into_any()
        }
        None if !view.signed_in => view! {
            <p><a class="button primary" href="/sign-in">{t!(i18n, training.sign_in_to_enroll)}</a></p>
        }
        .into_any(),
        None => view! {
            <form method="post" action=Enroll::PATH>
                <input type="hidden" name="course_id" value=course.id.to_string() />
                <button type="submit" class="button primary" id="enroll">
                    {if course.is_full() { t!(i18n, training.join_waitlist).into_any() } else { t!(i18n, training.enroll).into_any() }}
                </button>
            </form>
            {course.is_full().then(|| view! { <p class="muted small">{t!(i18n, training.full_explained)}</p> })}
        }
        .into_any(),
    };
    view! { <div class="enrollment-box">{body}</div> }
}

/// `/my-courses`: enrolled, waitlisted (with position), completed.
#[component]
pub fn MyCoursesPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = error_from_query();
    let data = Resource::new_blocking(|| (), |_| get_my_courses());
    view! {
        <Title text=t_string!(i18n, training.my_title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, training.my_title)}</h1>
            {error.map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |view| view! { <MyCourses view /> })}
            <p><a href=super::COURSES_PAGE>{t!(i18n, training.browse)}</a></p>
        </section>
    }
}

#[component]
fn MyCourses(view: MyCoursesView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let now = view.now;
    let promoted: Vec<String> = view
        .enrollments
        .iter()
        .filter(|e| view.promotions.contains(&e.course.id))
        .map(|e| e.course.title(english).to_string())
        .collect();
    if view.enrollments.is_empty() {
        return view! { <EmptyState>{t!(i18n, training.my_empty)}</EmptyState> }.into_any();
    }
    view! {
        {promoted.into_iter().map(|title| view! {
            <p class="alert alert-ok" role="status" id="promoted">{t!(i18n, training.promoted_notice, title = move || title.clone())}</p>
        }).collect_view()}
        <ul class="my-courses">
            {view.enrollments.into_iter().map(|e| {
                let next = e.course.next_session(now);
                let course_id = e.course.id;
                view! {
                    <li class="my-course">
                        <h2><a href=course_url(course_id)>{e.course.title(english).to_string()}</a></h2>
                        <p class=format!("state state-{}", e.status.as_str())>
                            {match e.status {
                                EnrollmentStatus::Enrolled => t!(i18n, training.state_enrolled).into_any(),
                                EnrollmentStatus::Waitlisted => t!(i18n, training.state_waitlisted, position = { let n = e.waitlist_position.unwrap_or(0); move || n }).into_any(),
                                EnrollmentStatus::Completed => t!(i18n, training.state_completed).into_any(),
                                EnrollmentStatus::NotCompleted => t!(i18n, training.state_not_completed).into_any(),
                                EnrollmentStatus::Cancelled => t!(i18n, training.state_cancelled).into_any(),
                            }}
                        </p>
                        {(e.status.is_active()).then(|| match next {
                            Some(span) => view! { <p class="small">{t!(i18n, training.next_session)} ": " <SessionTime span /></p> }.into_any(),
                            None => ().into_any(),
                        })}
                        {e.certificate_code.clone().map(|code| view! {
                            <p><a class="button primary" href=format!("{}/{code}", super::CERTIFICATE_PAGE)>{t!(i18n, training.certificate)}</a></p>
                        })}
                        {e.status.is_active().then(|| view! {
                            <form method="post" action=CancelEnrollment::PATH>
                                <input type="hidden" name="course_id" value=course_id.to_string() />
                                <button type="submit" class="button secondary small">{t!(i18n, training.cancel)}</button>
                            </form>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

fn code_param() -> String {
    use_params_map().with_untracked(|p| p.get("code").unwrap_or_default())
}

/// `/certificates/<code>`: the owner's printable certificate (A4 landscape).
#[component]
pub fn CertificatePage() -> impl IntoView {
    let code = code_param();
    let data = Resource::new_blocking(|| (), move |_| get_certificate(code.clone()));
    view! { {loaded(data, |view| view! { <CertificateSheet view /> })} }
}

#[component]
fn CertificateSheet(view: CertificateView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let c = view.certificate.clone();
    let name = pick(english, &c.name_ar, c.name_en.as_deref().unwrap_or(""));
    view! {
        <Title text=t_string!(i18n, training.certificate).to_string() />
        <p class="no-print muted">{t!(i18n, training.print_hint)}</p>
        <article class="certificate" id="certificate">
            <p class="certificate-org">{t!(i18n, site.name)}</p>
            <h1>{t!(i18n, training.certificate_heading)}</h1>
            <p>{t!(i18n, training.certificate_awarded_to)}</p>
            <p class="certificate-name">{name}</p>
            {c.name_verified.then(|| view! { <p class="small muted">{t!(i18n, training.name_verified)}</p> })}
            <p>{t!(i18n, training.certificate_for)}</p>
            <p class="certificate-course">{c.course.title(english).to_string()}</p>
            <dl class="facts certificate-facts">
                <dt>{t!(i18n, training.provider)}</dt>
                <dd>{pick(english, &c.course.provider_name_ar, &c.course.provider_name_en)}</dd>
                <dt>{t!(i18n, training.hours)}</dt>
                <dd>{format_hours(&c.course.sessions)}</dd>
                <dt>{t!(i18n, training.completed_on)}</dt>
                <dd><bdi dir="ltr">{format_date(c.completed_at)}</bdi> " " <HijriDate unix=c.completed_at /></dd>
                <dt>{t!(i18n, training.verification_code)}</dt>
                <dd><bdi dir="ltr" class="code">{c.code.clone()}</bdi></dd>
            </dl>
            <p class="small verify-address">{t!(i18n, training.verify_at)} " " <bdi dir="ltr">{view.verify_url.clone()}</bdi></p>
        </article>
    }
}

/// `/verify` and `/verify/<code>`: is this certificate real? Public; shows
/// only the name and the course.
#[component]
pub fn VerifyPage() -> impl IntoView {
    let i18n = use_i18n();
    let code = {
        let from_path = code_param();
        if from_path.is_empty() {
            use_query_map().with_untracked(|q| q.get("code").unwrap_or_default())
        } else {
            from_path
        }
    };
    let typed = code.clone();
    // Only a typed code is looked up (an unread resource would still run and
    // finish after the page is gone).
    let result = (!code.trim().is_empty()).then(|| {
        let data = Resource::new_blocking(|| (), move |_| verify_certificate(code.clone()));
        loaded(data, |found| view! { <VerifyResult found /> })
    });
    view! {
        <PageMeta title=t_string!(i18n, training.verify_title).to_string() description=t_string!(i18n, training.verify_intro).to_string() />
        <section class="card narrow">
            <h1>{t!(i18n, training.verify_title)}</h1>
            <p class="muted">{t!(i18n, training.verify_intro)}</p>
            <form method="get" action=VERIFY_PAGE class="stack">
                <div class="field">
                    <label for="code">{t!(i18n, training.verification_code)}</label>
                    <input id="code" name="code" dir="ltr" autocomplete="off" value=typed required />
                </div>
                <button type="submit" class="button primary">{t!(i18n, training.verify)}</button>
            </form>
            {result}
        </section>
    }
}

#[component]
fn VerifyResult(found: Option<Verification>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    match found {
        None => view! { <p class="alert alert-error" id="verify-result" role="status">{t!(i18n, training.verify_unknown)}</p> }.into_any(),
        Some(v) => view! {
            <div class="alert alert-ok alert-block" id="verify-result" role="status">
                <p><strong>{t!(i18n, training.verify_valid)}</strong></p>
                <dl class="facts">
                    <dt>{t!(i18n, training.certificate_awarded_to)}</dt>
                    <dd>{pick(english, &v.name_ar, v.name_en.as_deref().unwrap_or(""))}</dd>
                    <dt>{t!(i18n, training.course)}</dt>
                    <dd>{pick(english, &v.course_title_ar, &v.course_title_en)}</dd>
                    <dt>{t!(i18n, training.provider)}</dt>
                    <dd>{pick(english, &v.provider_name_ar, &v.provider_name_en)}</dd>
                    <dt>{t!(i18n, training.hours)}</dt>
                    <dd>{v.hours.clone()}</dd>
                    <dt>{t!(i18n, training.completed_on)}</dt>
                    <dd><bdi dir="ltr">{format_date(v.completed_at)}</bdi> " " <HijriDate unix=v.completed_at /></dd>
                </dl>
            </div>
        }
        .into_any(),
    }
}
