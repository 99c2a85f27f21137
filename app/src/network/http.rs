//! Plain axum handlers of the network: an association's logo, uploaded by
//! the council (a multipart form that works without JavaScript) and served
//! to anyone (a logo is public, like the association's name).

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::associations::{self, Logo};
use crate::audit::{self, AuditEvent, action};
use crate::error::AppError;
use crate::identity::Requirement;
use crate::identity::session::{SessionUser, client_address};
use crate::paths::{ASSOCIATION_PAGE, LOGO_FILES};
use crate::photos::http::{UPLOAD_BODY_LIMIT, file_response, read_photo_field, upload_answer};
use crate::photos::pipeline::{self as photos, is_photo_file_name};
use crate::state::AppState;

/// The routes of the network: the logo upload (needs the session layer)
/// and the logo files (public).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            &format!("{ASSOCIATION_PAGE}/{{id}}/logo"),
            post(upload_logo).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route(&format!("{LOGO_FILES}/{{file}}"), get(logo_file))
}

/// `POST /council/associations/{id}/logo`: replaces an association's logo
/// (council admin only). The old logo's files are removed once the new one
/// is recorded; whatever fails, the association keeps the logo it had.
pub async fn upload_logo(
    State(state): State<AppState>,
    Path(association_id): Path<i64>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let page = format!("{ASSOCIATION_PAGE}/{association_id}");
    let result = async {
        let axum::Extension(session) = session.ok_or(AppError::Unauthorized)?;
        let user = session.user;
        if !user.satisfies(Requirement::CouncilAdmin) {
            return Err(AppError::Forbidden);
        }
        associations::db::profile(&state.db, association_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let bytes = read_photo_field(multipart.map_err(|_| AppError::BadRequest)?, "logo").await?;
        let processed = photos::decode(move || photos::process(&bytes)).await??;
        let logo = Logo {
            key: photos::new_key(),
            width: processed.width,
        };
        state.photos.put(&logo.key, &processed).await?;
        let previous = match associations::db::set_logo(&state.db, association_id, &logo).await {
            Ok(previous) => previous,
            Err(error) => {
                state.photos.remove(&logo.key, logo.width).await;
                return Err(error.into());
            }
        };
        if let Some(previous) = previous {
            state.photos.remove(&previous.key, previous.width).await;
        }
        let ip = client_address(peer.ip(), &headers, &state.settings.trusted_proxies);
        let event = AuditEvent::new(action::ASSOCIATION_SAVED)
            .by(Some(user.user_id), Some(ip.to_string()))
            .subject("association", association_id)
            .acting_for(Some(association_id))
            .detail("logo");
        audit::record(&state.db, event).await?;
        Ok(())
    }
    .await;
    upload_answer(result, &headers, &page)
}

/// `GET /logos/{file}`: one width of an association's logo, to anyone.
pub async fn logo_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !is_photo_file_name(&file) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let key = file.split('-').next().unwrap_or_default();
    match associations::db::logo_width(&state.db, key).await {
        Ok(Some(width)) => file_response(&state.photos, &file, width, true, &headers).await,
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(?error, %file, "reading a logo's record failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
