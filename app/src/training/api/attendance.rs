//! Taking attendance: the sheet of one session and one tap at a time.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::training::{Course, RosterEntry, TimeSpan};

#[cfg(feature = "ssr")]
use {
    super::access::{attendance_course, course_event},
    crate::audit::{self, ListRead},
    crate::error::ErrorKey,
    crate::identity::{Ctx, serve},
    crate::training::{AttendanceMark, EnrollmentStatus, db},
};

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
    serve(|ctx| attendance_sheet(ctx, course_id, session_id)).await
}

/// The sheet for the course's trainer, its managers and the council; the
/// roster read is audited.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(course_id = course_id))]
async fn attendance_sheet(
    ctx: Ctx,
    course_id: i64,
    session_id: Option<i64>,
) -> Result<AttendanceView, AppError> {
    let (user, course) = attendance_course(&ctx, course_id).await?;
    let sessions = db::sessions(ctx.db(), course_id).await?;
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
    let roster: Vec<RosterEntry> = db::roster(ctx.db(), course_id, &user.association_ids())
        .await?
        .into_iter()
        .filter(|e| e.status != EnrollmentStatus::Waitlisted)
        .collect();
    ctx.record_list_read(
        None,
        ListRead::shown(format!("course {course_id} attendance"), roster.len())
            .of(roster.iter().filter_map(|e| e.household_id))
            .about("course", course_id),
    )
    .await?;
    Ok(AttendanceView {
        course,
        sessions,
        current,
        roster,
    })
}

/// One attendance tap, saved at once. Only the course's trainer, its
/// provider's staff and the council. `tap` is the key the sheet's island
/// gives each tap (letters, digits and `-`, at most 64), so that a tap sent
/// again is applied once; the plain form sends none.
#[server(endpoint = "mark_attendance")]
pub async fn mark_attendance(
    course_id: i64,
    session_id: i64,
    enrollment_id: i64,
    mark: String,
    tap: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| mark_one(ctx, course_id, session_id, enrollment_id, mark, tap)).await
}

/// Saves the tap (audited; a follow-up flag may be raised with it).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(course_id = course_id, session_id = session_id))]
async fn mark_one(
    ctx: Ctx,
    course_id: i64,
    session_id: i64,
    enrollment_id: i64,
    mark: String,
    tap: Option<String>,
) -> Result<(), AppError> {
    let (user, _) = attendance_course(&ctx, course_id).await?;
    let mark = AttendanceMark::parse(&mark)
        .ok_or_else(|| AppError::validation("mark", ErrorKey::BadRequest))?;
    let tap = tap.filter(|t| !t.is_empty());
    if let Some(key) = &tap
        && !crate::training::is_tap_key(key)
    {
        return Err(AppError::BadRequest);
    }
    let event =
        course_event(&ctx, Some(course_id), audit::action::ATTENDANCE_MARKED).detail(format!(
            "enrollment {enrollment_id} session {session_id}: {}",
            mark.as_str()
        ));
    db::mark_attendance(
        ctx.db(),
        course_id,
        enrollment_id,
        session_id,
        mark,
        user.user_id,
        tap.as_deref(),
        Some(event),
    )
    .await?;
    leptos_axum::redirect(&format!(
        "{}/attendance?session={session_id}#e{enrollment_id}",
        crate::training::manage_url(course_id)
    ));
    Ok(())
}
