//! `GET /my-data.json`: the signed-in family's copy of "My data", generated
//! on request, in the format `docs/my-data.schema.json` documents, and
//! audited (`privacy_copy_downloaded`).

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::audit::{self, AuditEvent, action};
use crate::identity::session::SessionUser;
use crate::paths::MY_DATA_JSON;
use crate::state::AppState;

/// The download's route (behind the session layer).
pub fn routes() -> Router<AppState> {
    Router::new().route(MY_DATA_JSON, get(download))
}

/// The handler; the session middleware has put the signed-in person (if any)
/// in the request's extensions.
async fn download(
    State(state): State<AppState>,
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
    let data = match super::api::collect(&state.db, &session.user).await {
        Ok(data) => data,
        Err(error) => {
            let status = StatusCode::from_u16(error.status());
            return status
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
                .into_response();
        }
    };
    let event = AuditEvent::new(action::PRIVACY_COPY_DOWNLOADED)
        .by(Some(session.user.user_id), Some(client_ip))
        .subject("user", session.user.user_id);
    if let Err(error) = audit::record(&state.db, event).await {
        tracing::error!(%error, "my-data copy not audited");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let body = match serde_json::to_vec_pretty(&data) {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "my-data copy not serialized");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"takamul-my-data.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
