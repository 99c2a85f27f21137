//! `GET /training/courses/<id>/roster.csv`: a course's roster for its
//! provider's staff and its trainer (the same people who take attendance).
//! National IDs are masked, as everywhere outside the owner's own pages, and
//! a household's phone is there only for staff of an association serving it.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::api::may_take_attendance;
use super::{AttendanceMark, db};
use crate::audit::ListRead;
use crate::identity::session::SessionUser;
use crate::state::AppState;

/// The handler; the session middleware has put the signed-in person (if any)
/// in the request's extensions.
pub async fn roster_csv(
    State(state): State<AppState>,
    Path(course_id): Path<i64>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: http::HeaderMap,
    session: Option<axum::Extension<SessionUser>>,
) -> Response {
    let Some(axum::Extension(session)) = session else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let client_ip = crate::identity::session::client_address(
        peer.ip(),
        &headers,
        &state.settings.trusted_proxies,
    )
    .to_string();
    match build(&state, course_id, &session, client_ip).await {
        Ok(Some(body)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"takamul-course-{course_id}-roster.csv\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
            body,
        )
            .into_response(),
        Ok(None) => StatusCode::FORBIDDEN.into_response(),
        Err(RosterCsvError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "roster export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum RosterCsvError {
    #[error("no such course")]
    NotFound,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Csv(#[from] csv::Error),
    #[error(transparent)]
    Buffer(#[from] Box<csv::IntoInnerError<csv::Writer<Vec<u8>>>>),
}

/// The CSV bytes, or `None` when this person may not see the roster.
#[tracing::instrument(skip_all, fields(course_id = course_id))]
async fn build(
    state: &AppState,
    course_id: i64,
    session: &SessionUser,
    client_ip: String,
) -> Result<Option<Vec<u8>>, RosterCsvError> {
    let course = db::course(&state.db, course_id)
        .await?
        .ok_or(RosterCsvError::NotFound)?;
    if !may_take_attendance(&state.db, &session.user, &course).await? {
        return Ok(None);
    }
    let sessions = db::sessions(&state.db, course_id).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "name_ar".to_string(),
        "name_en".to_string(),
        "national_id".to_string(),
        "phone".to_string(),
        "district".to_string(),
        "status".to_string(),
        "waitlist_position".to_string(),
        "present".to_string(),
    ];
    header.extend(sessions.iter().map(|(_, span)| super::format_session(span)));
    out.write_record(&header)?;
    let roster = db::roster(&state.db, course_id, &session.user.association_ids()).await?;
    crate::audit::record_list_read(
        &state.db,
        session.user.user_id,
        None,
        &ListRead::exported(format!("course {course_id} roster.csv"), roster.len())
            .of(roster.iter().filter_map(|e| e.household_id))
            .about("course", course_id),
        client_ip,
    )
    .await?;
    for entry in roster {
        let present = entry
            .marks
            .iter()
            .filter(|m| **m == Some(AttendanceMark::Present))
            .count();
        let mut record = vec![
            crate::text::csv_cell(&entry.name_ar).into_owned(),
            crate::text::csv_cell(entry.name_en.as_deref().unwrap_or_default()).into_owned(),
            entry.masked_national_id.clone(),
            entry
                .phone
                .clone()
                .map(|p| format!("+{p}"))
                .unwrap_or_default(),
            crate::text::csv_cell(entry.district_name_ar.as_deref().unwrap_or_default())
                .into_owned(),
            entry.status.as_str().to_string(),
            entry
                .waitlist_position
                .map(|p| p.to_string())
                .unwrap_or_default(),
            format!("{present}/{}", entry.marks.len()),
        ];
        record.extend(
            entry
                .marks
                .iter()
                .map(|m| m.map(|m| m.as_str().to_string()).unwrap_or_default()),
        );
        out.write_record(&record)?;
    }
    // A byte-order mark so spreadsheet programs read the Arabic as UTF-8.
    let mut body = b"\xEF\xBB\xBF".to_vec();
    body.extend(out.into_inner().map_err(Box::new)?);
    Ok(Some(body))
}
