//! The endpoint Nafath calls when the user decides (server only): an
//! alternative to polling. The body carries a JWT signed by Nafath (RS256),
//! verified against Nafath's published JWK set before anything is believed.

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use http::StatusCode;
use serde::Deserialize;

use super::SignInState;
use super::db;
use super::nafath::{NafathError, NafathStatus};
use crate::state::AppState;

/// Callbacks accepted from one address in ten minutes (Nafath sends one per
/// decision; this leaves room for a busy market day behind one egress).
const CALLBACKS_PER_WINDOW: i64 = 3000;

/// What Nafath posts: the token, and copies of ids we do not trust unsigned.
#[derive(Debug, Deserialize)]
pub struct CallbackBody {
    pub token: String,
}

/// `POST /api/nafath/callback`: 200 when the decision was recorded (or was
/// already known), 401 for a token that fails verification, 400 otherwise.
pub async fn nafath_callback(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: http::HeaderMap,
    Json(body): Json<CallbackBody>,
) -> StatusCode {
    // Verifying a token costs a signature check (and maybe a key fetch): a
    // flood from one address is refused before any of it.
    let client =
        super::session::client_address(peer.ip(), &headers, &state.settings.trusted_proxies);
    match db::count_event(
        &state.db,
        &format!("callback:{client}"),
        CALLBACKS_PER_WINDOW,
        600,
    )
    .await
    {
        Ok(db::Allowance::Allowed) => {}
        Ok(db::Allowance::RefusedUntil(_)) => return StatusCode::TOO_MANY_REQUESTS,
        Err(error) => {
            tracing::error!(%error, "could not count a Nafath callback");
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
    }
    let assertion = match state.nafath.verify_callback(&body.token).await {
        Ok(assertion) => assertion,
        Err(NafathError::InvalidToken(reason)) => {
            tracing::warn!(%reason, "rejected a Nafath callback token");
            return StatusCode::UNAUTHORIZED;
        }
        Err(NafathError::CallbacksUnsupported) => return StatusCode::NOT_FOUND,
        Err(error) => {
            tracing::warn!(%error, "could not verify a Nafath callback");
            return StatusCode::BAD_GATEWAY;
        }
    };
    let (state_after, name_ar, name_en) = match assertion.status {
        NafathStatus::Completed(person) => (SignInState::Completed, person.name_ar, person.name_en),
        NafathStatus::Rejected => (SignInState::Rejected, None, None),
        NafathStatus::Expired => (SignInState::Expired, None, None),
        NafathStatus::Waiting => return StatusCode::OK,
    };
    match db::settle_attempt(
        &state.db,
        &assertion.trans_id,
        &assertion.national_id,
        state_after,
        name_ar.as_deref(),
        name_en.as_deref(),
    )
    .await
    {
        Ok(_) => StatusCode::OK,
        Err(error) => {
            tracing::error!(%error, "could not record a Nafath callback");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}
