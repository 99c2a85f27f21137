//! The phone attendance sheet: one tap per person, saved at once.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::EnrollmentStatusName;
use crate::i18n::*;
use crate::time::format_date;
use crate::training::api::{AttendanceView, MarkAttendance, get_attendance};
use crate::training::attendance_queue::AttendanceQueue;
use crate::training::pages::SessionTime;
use crate::training::{AttendanceMark, EnrollmentStatus, manage_url};
use crate::ui::id_param;
use crate::ui::{EmptyState, ErrorAlert, error_from_query, is_english, loaded, pick};

/// `/training/courses/<id>/attendance?session=<id>`: one tap per person.
#[component]
pub fn AttendancePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let session =
        use_query_map().with_untracked(|q| q.get("session").and_then(|s| s.parse::<i64>().ok()));
    let error = error_from_query();
    let data = Resource::new_blocking(
        || (),
        move |_| async move {
            get_attendance(id.ok_or(crate::error::AppError::NotFound)?, session).await
        },
    );
    view! {
        <Title text=t_string!(i18n, training.attendance_title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, training.attendance_title)}</h1>
            {error.map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |view| view! { <AttendanceSheet view /> })}
        </section>
    }
}

#[component]
fn AttendanceSheet(view: AttendanceView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let course = view.course.clone();
    let Some(current) = view.current else {
        return view! { <p class="muted">{t!(i18n, training.no_sessions)}</p> }.into_any();
    };
    let (session_id, span) = view.sessions[current];
    let base = format!("{}/attendance", manage_url(course.id));
    view! {
        <p class="lead">{course.title(english).to_string()}</p>
        <nav class="tabs session-tabs" aria-label=move || t_string!(i18n, training.sessions)>
            {view.sessions.iter().enumerate().map(|(i, (id, span))| view! {
                <a href=format!("{base}?session={id}") aria-current=(i == current).then_some("page")>
                    {i + 1} ". " <bdi dir="ltr">{format_date(span.starts_at)}</bdi>
                </a>
            }).collect_view()}
        </nav>
        <p><SessionTime span /></p>
        {if view.roster.is_empty() {
            view! { <EmptyState>{t!(i18n, training.roster_empty)}</EmptyState> }.into_any()
        } else {
            view! {
                <AttendanceQueue waiting=t_string!(i18n, training.waiting_to_send).to_string()>
                <ul class="attendance">
                    {view.roster.iter().map(|e| {
                        let mark = e.marks.get(current).copied().flatten();
                        let taking = e.status == EnrollmentStatus::Enrolled;
                        view! {
                            <li class="attendance-row" id=format!("e{}", e.enrollment_id)>
                                <span class="attendance-name">{pick(english, &e.name_ar, e.name_en.as_deref().unwrap_or(""))}</span>
                                {if taking {
                                    view! {
                                        <span class="attendance-marks">
                                            {AttendanceMark::ALL.into_iter().map(|m| view! {
                                                <form method="post" action=MarkAttendance::PATH class="inline-form">
                                                    <input type="hidden" name="course_id" value=course.id.to_string() />
                                                    <input type="hidden" name="session_id" value=session_id.to_string() />
                                                    <input type="hidden" name="enrollment_id" value=e.enrollment_id.to_string() />
                                                    <input type="hidden" name="mark" value=m.as_str() />
                                                    <button
                                                        type="submit"
                                                        class=format!("mark mark-{}", m.as_str())
                                                        aria-pressed=if mark == Some(m) { "true" } else { "false" }
                                                    >
                                                        {match m {
                                                            AttendanceMark::Present => t!(i18n, training.present).into_any(),
                                                            AttendanceMark::Absent => t!(i18n, training.absent).into_any(),
                                                            AttendanceMark::Excused => t!(i18n, training.excused).into_any(),
                                                        }}
                                                    </button>
                                                </form>
                                            }).collect_view()}
                                        </span>
                                    }.into_any()
                                } else {
                                    view! { <EnrollmentStatusName status=e.status position=None /> }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                </AttendanceQueue>
            }.into_any()
        }}
        <p><a href=manage_url(course.id)>{t!(i18n, training.back_to_course)}</a></p>
    }
    .into_any()
}
