//! The providers' pages: the dashboard (fill, waitlist, attendance and
//! completion per course, follow-up flags), the course form with its
//! sessions, status and roster, the phone attendance sheet (one tap per
//! person, saved at once) and the shared trainer registry.

mod attendance;
mod trainers;

pub use attendance::AttendancePage;
pub use trainers::TrainersPage;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::i18n::*;
use crate::text::format_riyals;
use crate::time::format_date;
use crate::training::api::{
    AddCenterStaff, AddCourseSession, ChangeCourseStatus, CourseEditor, DashboardView,
    RegisterCenter, RemoveCourseSession, ResolveFollowUp, SaveCourse, get_course_editor,
    get_training_dashboard,
};
use crate::training::pages::{CourseStatusBadge, SessionTime, SpecialtyName};
use crate::training::{
    AttendanceMark, CourseFigures, CourseMode, CourseStatus, EnrollmentStatus, MANAGE_PAGE,
    Specialty, TRAINERS_PAGE, course_url, manage_url, roster_csv_url,
};
use crate::ui::id_param;
use crate::ui::{
    DataTable, EmptyState, ErrorAlert, ListPager, ListTotal, error_from_query, is_english, loaded,
    pick,
};

/// A share as a whole percentage, or a dash when there is nothing to share.
fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        "—".to_string()
    } else {
        format!("{}%", part * 100 / whole)
    }
}

/// `/training`: the courses this person manages or teaches, with their figures.
#[component]
pub fn TrainingDashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = error_from_query();
    let (page, flags_page) = use_query_map().with_untracked(|q| {
        let number = |key: &str| q.get(key).and_then(|p| p.parse::<i64>().ok());
        (number("page"), number("flags_page"))
    });
    let data = Resource::new_blocking(|| (), move |_| get_training_dashboard(page, flags_page));
    view! {
        <Title text=t_string!(i18n, training.dashboard_title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, training.dashboard_title)}</h1>
            {error.map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |view| view! { <Dashboard view /> })}
        </section>
    }
}

#[component]
fn Dashboard(view: DashboardView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let council = crate::identity::signed_in_user().is_some_and(|u| u.is_council_admin());
    // Each list's pager keeps the other list on the page it is at.
    let (course_page, flag_page) = (view.course_page, view.flag_page);
    let keep = |page: i64| {
        if page > 1 {
            page.to_string()
        } else {
            String::new()
        }
    };
    let courses_filters = vec![("flags_page", keep(flag_page))];
    let flags_filters = vec![("page", keep(course_page))];
    let (course_pages, flag_pages) = (view.course_pages, view.flag_pages);
    view! {
        <p>
            {view.can_create.then(|| view! {
                <a class="button primary" id="new-course" href=format!("{}/new", super::MANAGE_COURSE_PAGE)>{t!(i18n, training.new_course)}</a>
                " "
            })}
            <a class="button secondary" href=TRAINERS_PAGE>{t!(i18n, training.trainers_title)}</a>
        </p>
        {if view.courses.is_empty() {
            view! { <p class="muted">{t!(i18n, training.no_managed_courses)}</p> }.into_any()
        } else {
            view! {
                <ListTotal total=view.course_total />
                <DataTable>
                        <thead><tr>
                            <th>{t!(i18n, training.course)}</th>
                            <th>{t!(i18n, training.status)}</th>
                            <th>{t!(i18n, training.fill_rate)}</th>
                            <th>{t!(i18n, training.waitlist)}</th>
                            <th>{t!(i18n, training.attendance_rate)}</th>
                            <th>{t!(i18n, training.completion_rate)}</th>
                            <th>{t!(i18n, training.actions)}</th>
                        </tr></thead>
                        <tbody>
                            {view.courses.into_iter().map(|row| {
                                let c = row.course;
                                let f: CourseFigures = row.figures;
                                view! {
                                    <tr>
                                        <td><a href=manage_url(c.id)>{c.title(english).to_string()}</a></td>
                                        <td><CourseStatusBadge course=c.clone() /></td>
                                        <td>{c.enrolled} "/" {c.seats} " (" {percent(c.enrolled, c.seats)} ")"</td>
                                        <td>{c.waitlisted}</td>
                                        <td>{percent(f.present, f.marks)}</td>
                                        <td>{percent(f.completed, f.completed + f.not_completed)}</td>
                                        <td class="actions">
                                            <a href=format!("{}/attendance", manage_url(c.id))>{t!(i18n, training.take_attendance)}</a>
                                            " · "
                                            <a href=roster_csv_url(c.id) download="">{t!(i18n, training.roster_csv)}</a>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </DataTable>
                <ListPager base=MANAGE_PAGE filters=courses_filters page=course_page pages=course_pages />
            }.into_any()
        }}
        <h2>{t!(i18n, training.follow_ups)}</h2>
        {if view.flags.is_empty() {
            view! { <p class="muted">{t!(i18n, training.no_follow_ups)}</p> }.into_any()
        } else {
            view! {
                <ListTotal total=view.flag_total />
                <ul class="flags">
                    {view.flags.into_iter().map(|flag| view! {
                        <li class="flag">
                            <p>
                                <strong>{flag.head_name_ar.clone()}</strong> " — "
                                {t!(i18n, training.flag_absence_streak)}
                                {flag.course_title_ar.clone().map(|ar| format!(" ({})", pick(english, &ar, flag.course_title_en.as_deref().unwrap_or(""))))}
                                " · " <bdi dir="ltr">{format_date(flag.raised_at)}</bdi>
                            </p>
                            <form method="post" action=ResolveFollowUp::PATH class="inline-form">
                                <input type="hidden" name="flag_id" value=flag.id.to_string() />
                                <button type="submit" class="button secondary small">{t!(i18n, training.followed_up)}</button>
                            </form>
                        </li>
                    }).collect_view()}
                </ul>
                <ListPager base=MANAGE_PAGE filters=flags_filters page=flag_page pages=flag_pages
                    param="flags_page" label=t_string!(i18n, training.follow_ups).to_string() />
            }.into_any()
        }}
        {council.then(|| view! { <Centers centers=view.centers.clone() /> })}
    }
}

/// The council's list of training centers, and the forms that add one or its staff.
#[component]
fn Centers(centers: Vec<(super::Provider, i64)>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    view! {
        <h2>{t!(i18n, training.centers)}</h2>
        <ul class="flags">
            {centers.iter().map(|(p, staff)| view! {
                <li class="flag"><p>{pick(english, &p.name_ar, &p.name_en)}</p><p class="small muted">{t!(i18n, training.staff_count)} ": " {*staff}</p></li>
            }).collect_view()}
        </ul>
        <form method="post" action=RegisterCenter::PATH class="filters">
            <div class="field">
                <label for="center-name-ar">{t!(i18n, training.center_name_ar)}</label>
                <input id="center-name-ar" name="name_ar" required maxlength="120" />
            </div>
            <div class="field">
                <label for="center-name-en">{t!(i18n, training.center_name_en)}</label>
                <input id="center-name-en" name="name_en" maxlength="120" dir="ltr" />
            </div>
            <button type="submit" class="button secondary">{t!(i18n, training.register_center)}</button>
        </form>
        {(!centers.is_empty()).then(|| view! {
            <form method="post" action=AddCenterStaff::PATH class="filters">
                <div class="field">
                    <label for="staff-center">{t!(i18n, training.centers)}</label>
                    <select id="staff-center" name="provider_id">
                        {centers.iter().map(|(p, _)| view! { <option value=p.id.to_string()>{pick(english, &p.name_ar, &p.name_en)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="staff-national-id">{t!(i18n, training.staff_national_id)}</label>
                    <input id="staff-national-id" name="national_id" inputmode="numeric" dir="ltr" required aria-describedby="staff-hint" />
                    <p class="hint" id="staff-hint">{t!(i18n, training.staff_hint)}</p>
                </div>
                <button type="submit" class="button secondary">{t!(i18n, training.add_center_staff)}</button>
            </form>
        })}
    }
}

/// `/training/courses/<id>` (or `new`): the course form, sessions, status, roster.
#[component]
pub fn CourseManagePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let error = error_from_query();
    let data = Resource::new_blocking(|| (), move |_| get_course_editor(id));
    view! {
        <Title text=t_string!(i18n, training.manage_title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, training.manage_title)}</h1>
            {error.map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |editor| view! { <CourseManager editor /> })}
            <p><a href=MANAGE_PAGE>{t!(i18n, training.back_to_dashboard)}</a></p>
        </section>
    }
}

#[component]
fn CourseManager(editor: CourseEditor) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let course = editor.course.clone();
    view! {
        {course.clone().map(|c| {
            let status = c.status;
            let next: Vec<(CourseStatus, &'static str)> = [
                (CourseStatus::Open, "open"),
                (CourseStatus::Running, "running"),
                (CourseStatus::Finished, "finished"),
                (CourseStatus::Cancelled, "cancelled"),
            ]
            .into_iter()
            .filter(|(to, _)| status.can_become(*to))
            .collect();
            view! {
                <p>
                    <CourseStatusBadge course=c.clone() /> " "
                    {(status != CourseStatus::Draft).then(|| view! { <a href=course_url(c.id)>{t!(i18n, training.public_page)}</a> })}
                </p>
                <div class="button-row">
                    {next.into_iter().map(|(to, code)| view! {
                        <form method="post" action=ChangeCourseStatus::PATH class="inline-form">
                            <input type="hidden" name="course_id" value=c.id.to_string() />
                            <input type="hidden" name="to" value=code />
                            {(to == CourseStatus::Cancelled).then(|| view! {
                                <label class="choice-row small"><input type="checkbox" name="confirm" value="1" required /> {t!(i18n, training.confirm_cancel)}</label>
                            })}
                            <button type="submit" class=if to == CourseStatus::Cancelled { "button danger" } else { "button primary" } id=format!("to-{code}")>
                                {match to {
                                    CourseStatus::Open => t!(i18n, training.do_open).into_any(),
                                    CourseStatus::Running => t!(i18n, training.do_start).into_any(),
                                    CourseStatus::Finished => t!(i18n, training.do_finish).into_any(),
                                    _ => t!(i18n, training.do_cancel).into_any(),
                                }}
                            </button>
                        </form>
                    }).collect_view()}
                </div>
                {(status == CourseStatus::Running).then(|| view! { <p class="muted small">{t!(i18n, training.finish_explained, percent = move || c.completion_percent)}</p> })}
            }
        })}
        <CourseForm editor=editor.clone() />
        {course.clone().map(|c| view! {
            <h2>{t!(i18n, training.sessions)}</h2>
            <ol class="sessions">
                {editor.sessions.iter().map(|(session_id, span)| view! {
                    <li>
                        <SessionTime span=*span />
                        {(c.status == CourseStatus::Draft).then(|| view! {
                            " "
                            <form method="post" action=RemoveCourseSession::PATH class="inline-form">
                                <input type="hidden" name="course_id" value=c.id.to_string() />
                                <input type="hidden" name="session_id" value=session_id.to_string() />
                                <button type="submit" class="link-button">{t!(i18n, training.remove)}</button>
                            </form>
                        })}
                    </li>
                }).collect_view()}
            </ol>
            {matches!(c.status, CourseStatus::Draft | CourseStatus::Open).then(|| view! {
                <form method="post" action=AddCourseSession::PATH class="filters" id="add-session">
                    <input type="hidden" name="course_id" value=c.id.to_string() />
                    <div class="field">
                        <label for="session-date">{t!(i18n, training.session_date)}</label>
                        <input id="session-date" type="date" name="date" required />
                    </div>
                    <div class="field">
                        <label for="session-starts">{t!(i18n, training.session_starts)}</label>
                        <input id="session-starts" type="time" name="starts" required />
                    </div>
                    <div class="field">
                        <label for="session-ends">{t!(i18n, training.session_ends)}</label>
                        <input id="session-ends" type="time" name="ends" required />
                    </div>
                    <button type="submit" class="button secondary">{t!(i18n, training.add_session)}</button>
                </form>
            })}
            <h2>{t!(i18n, training.roster)}</h2>
            <p>
                <a class="button secondary" href=format!("{}/attendance", manage_url(c.id))>{t!(i18n, training.take_attendance)}</a>
                " "
                <a class="button secondary" href=roster_csv_url(c.id) download="">{t!(i18n, training.roster_csv)}</a>
            </p>
            {if editor.roster.is_empty() {
                view! { <EmptyState>{t!(i18n, training.roster_empty)}</EmptyState> }.into_any()
            } else {
                view! {
                    <DataTable>
                            <thead><tr>
                                <th>{t!(i18n, training.member)}</th>
                                <th>{t!(i18n, training.national_id)}</th>
                                <th>{t!(i18n, training.district)}</th>
                                <th>{t!(i18n, training.status)}</th>
                                <th>{t!(i18n, training.present_count)}</th>
                            </tr></thead>
                            <tbody>
                                {editor.roster.iter().map(|e| view! {
                                    <tr>
                                        <td>{pick(english, &e.name_ar, e.name_en.as_deref().unwrap_or(""))}</td>
                                        <td><bdi dir="ltr">{e.masked_national_id.clone()}</bdi></td>
                                        <td>{pick(english, e.district_name_ar.as_deref().unwrap_or(""), e.district_name_en.as_deref().unwrap_or(""))}</td>
                                        <td><EnrollmentStatusName status=e.status position=e.waitlist_position /></td>
                                        <td>{e.marks.iter().filter(|m| **m == Some(AttendanceMark::Present)).count()} "/" {e.marks.len()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </DataTable>
                }.into_any()
            }}
        })}
    }
}

/// An enrollment's status, with the waitlist position.
#[component]
fn EnrollmentStatusName(status: EnrollmentStatus, position: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let n = position.unwrap_or(0);
    match status {
        EnrollmentStatus::Enrolled => t!(i18n, training.state_enrolled).into_any(),
        EnrollmentStatus::Waitlisted => {
            t!(i18n, training.state_waitlisted, position = move || n).into_any()
        }
        EnrollmentStatus::Completed => t!(i18n, training.state_completed).into_any(),
        EnrollmentStatus::NotCompleted => t!(i18n, training.state_not_completed).into_any(),
        EnrollmentStatus::Cancelled => t!(i18n, training.state_cancelled).into_any(),
    }
}

#[component]
fn CourseForm(editor: CourseEditor) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let c = editor.course.clone();
    let value = |f: fn(&super::Course) -> String| c.as_ref().map(f).unwrap_or_default();
    let editable = c
        .as_ref()
        .is_none_or(|c| matches!(c.status, CourseStatus::Draft | CourseStatus::Open));
    let provider = c.as_ref().map(|c| c.provider_id);
    let trainer = c.as_ref().and_then(|c| c.trainer_id);
    let specialty = c.as_ref().map(|c| c.specialty);
    let mode = c.as_ref().map_or(CourseMode::InPerson, |c| c.mode);
    let district = c.as_ref().and_then(|c| c.district_id);
    let eligible = c
        .as_ref()
        .map(|c| c.eligible_districts.clone())
        .unwrap_or_default();
    if !editable {
        return ().into_any();
    }
    view! {
        <h2>{if c.is_some() { t!(i18n, training.edit_course).into_any() } else { t!(i18n, training.new_course).into_any() }}</h2>
        <form method="post" action=SaveCourse::PATH class="stack" id="course-form">
            {c.as_ref().map(|c| view! { <input type="hidden" name="course_id" value=c.id.to_string() /> })}
            <div class="field">
                <label for="provider">{t!(i18n, training.provider)}</label>
                <select id="provider" name="provider_id" required>
                    {editor.providers.iter().map(|p| view! {
                        <option value=p.id.to_string() selected=provider == Some(p.id)>{pick(english, &p.name_ar, &p.name_en)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="title-ar">{t!(i18n, training.title_ar)}</label>
                <input id="title-ar" name="title_ar" required maxlength="120" value=value(|c| c.title_ar.clone()) />
            </div>
            <div class="field">
                <label for="title-en">{t!(i18n, training.title_en)}</label>
                <input id="title-en" name="title_en" maxlength="120" dir="ltr" value=value(|c| c.title_en.clone()) />
            </div>
            <div class="field">
                <label for="description-ar">{t!(i18n, training.description_ar)}</label>
                <textarea id="description-ar" name="description_ar" rows="3" maxlength="2000">{value(|c| c.description_ar.clone())}</textarea>
            </div>
            <div class="field">
                <label for="description-en">{t!(i18n, training.description_en)}</label>
                <textarea id="description-en" name="description_en" rows="3" maxlength="2000" dir="ltr">{value(|c| c.description_en.clone())}</textarea>
            </div>
            <div class="field">
                <label for="specialty">{t!(i18n, training.specialty)}</label>
                <select id="specialty" name="specialty" required>
                    {Specialty::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=specialty == Some(*s)><SpecialtyName specialty=*s /></option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="trainer">{t!(i18n, training.trainer)}</label>
                <select id="trainer" name="trainer_id">
                    <option value="">{t!(i18n, training.no_trainer_yet)}</option>
                    {editor.trainers.iter().map(|t| view! {
                        <option value=t.id.to_string() selected=trainer == Some(t.id)>{pick(english, &t.name_ar, &t.name_en)}</option>
                    }).collect_view()}
                </select>
            </div>
            <fieldset class="field">
                <legend>{t!(i18n, training.mode)}</legend>
                <label class="choice-row"><input type="radio" name="mode" value="in_person" checked=mode == CourseMode::InPerson /> {t!(i18n, training.in_person)}</label>
                <label class="choice-row"><input type="radio" name="mode" value="online" checked=mode == CourseMode::Online /> {t!(i18n, training.online)}</label>
            </fieldset>
            <div class="field">
                <label for="district">{t!(i18n, training.venue_district)}</label>
                <select id="district" name="district_id">
                    <option value="">{t!(i18n, training.choose)}</option>
                    {editor.places.iter().map(|(city, districts)| view! {
                        <optgroup label=pick(english, &city.name_ar, &city.name_en)>
                            {districts.iter().map(|d| view! {
                                <option value=d.id.to_string() selected=district == Some(d.id)>{pick(english, &d.name_ar, &d.name_en)}</option>
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="venue">{t!(i18n, training.venue)}</label>
                <input id="venue" name="venue" maxlength="200" value=value(|c| c.venue.clone()) />
            </div>
            <div class="field">
                <label for="online-url">{t!(i18n, training.online_url)}</label>
                <input id="online-url" name="online_url" type="url" dir="ltr" maxlength="300" placeholder="https://" value=value(|c| c.online_url.clone()) />
            </div>
            <div class="field">
                <label for="seats">{t!(i18n, training.seats)}</label>
                <input id="seats" name="seats" inputmode="numeric" required value=value(|c| c.seats.to_string()) />
            </div>
            <div class="field">
                <label for="opens-on">{t!(i18n, training.opens_on)}</label>
                <input id="opens-on" name="opens_on" type="date" required value=value(|c| format_date(c.opens_at)) />
            </div>
            <div class="field">
                <label for="closes-on">{t!(i18n, training.closes_on)}</label>
                <input id="closes-on" name="closes_on" type="date" required value=value(|c| format_date(c.closes_at)) />
            </div>
            <div class="field">
                <label for="eligible">{t!(i18n, training.eligible_districts)}</label>
                <select id="eligible" name="eligible_districts[]" multiple size="4" aria-describedby="eligible-hint">
                    {editor.places.iter().map(|(city, districts)| view! {
                        <optgroup label=pick(english, &city.name_ar, &city.name_en)>
                            {districts.iter().map(|d| view! {
                                <option value=d.id.to_string() selected=eligible.contains(&d.id)>{pick(english, &d.name_ar, &d.name_en)}</option>
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
                <p class="hint" id="eligible-hint">{t!(i18n, training.eligible_hint)}</p>
            </div>
            <div class="field">
                <label for="fee">{t!(i18n, training.fee_sar)}</label>
                <input id="fee" name="fee" inputmode="decimal" value=value(|c| if c.fee_halalas == 0 { String::new() } else { format_riyals(c.fee_halalas) }) placeholder=move || t_string!(i18n, training.free) />
            </div>
            <div class="field">
                <label for="completion">{t!(i18n, training.completion_percent)}</label>
                <input id="completion" name="completion_percent" inputmode="numeric" value=c.as_ref().map_or("75".to_string(), |c| c.completion_percent.to_string()) />
            </div>
            <button type="submit" class="button primary">{t!(i18n, training.save_course)}</button>
        </form>
    }
    .into_any()
}
