//! The local messaging simulator (development only, `MESSAGING_MODE=simulator`):
//! it speaks the same two HTTP APIs as Taqnyat and the WhatsApp Cloud API on
//! this server's own loopback address, stores what it receives, and shows it
//! on `/messaging-simulator`. Numbers that trigger each documented failure:
//!
//! | recipient      | SMS (Taqnyat)                 | WhatsApp                         | retried |
//! |----------------|-------------------------------|----------------------------------|---------|
//! | `966500000400` | 400 invalid number            | 400, code 131026 undeliverable   | no      |
//! | `966500000402` | 402 insufficient balance      | 400, code 131042 payment issue   | yes     |
//! | `966500000429` | 429 rate limited              | 429, code 130429 rate limit hit  | yes     |
//! | `966500000500` | 500 every time                | 500, code 131000                 | yes     |
//! | `966500000503` | 503 for the first two tries of a message, then accepted | same   | yes     |
//!
//! A wrong bearer token gets 401 (WhatsApp: code 190). Any other number is
//! accepted (`201` with a `messageId`; WhatsApp `200` with a `wamid`).

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::MessagingMode;
use super::worker::{SIMULATOR_PHONE_NUMBER_ID, SIMULATOR_TOKEN};
use crate::state::AppState;

/// Where the simulated Taqnyat API lives (`{SMS_BASE}/v1/messages`).
pub const SMS_BASE: &str = "/messaging-simulator/taqnyat";
/// Where the simulated Graph API lives (`{WHATSAPP_BASE}/{version}/{id}/messages`).
pub const WHATSAPP_BASE: &str = "/messaging-simulator/whatsapp";

/// The number that is refused as invalid.
pub const INVALID_NUMBER: &str = "966500000400";
/// The number whose account has no balance left.
pub const NO_BALANCE_NUMBER: &str = "966500000402";
/// The number that is always rate limited.
pub const RATE_LIMITED_NUMBER: &str = "966500000429";
/// The number the provider always fails on.
pub const BROKEN_NUMBER: &str = "966500000500";
/// The number that fails twice per message, then is accepted.
pub const FLAKY_NUMBER: &str = "966500000503";

/// The simulator's two APIs (answer 404 unless the simulator is on).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{SMS_BASE}/v1/messages"), post(taqnyat_send))
        .route(
            &format!("{WHATSAPP_BASE}/{{version}}/{{phone_number_id}}/messages"),
            post(whatsapp_send),
        )
}

fn enabled(state: &AppState) -> bool {
    state.settings.messaging.mode == MessagingMode::Simulator
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {SIMULATOR_TOKEN}"))
}

/// How the simulated provider answers a recipient: `None` accepts.
async fn failure_for(
    state: &AppState,
    recipient: &str,
    body: &str,
) -> Result<Option<(StatusCode, i64, &'static str)>, sqlx::Error> {
    Ok(match recipient {
        INVALID_NUMBER => Some((StatusCode::BAD_REQUEST, 131026, "invalid recipient number")),
        NO_BALANCE_NUMBER => Some((StatusCode::PAYMENT_REQUIRED, 131042, "insufficient balance")),
        RATE_LIMITED_NUMBER => Some((StatusCode::TOO_MANY_REQUESTS, 130429, "rate limit hit")),
        BROKEN_NUMBER => Some((StatusCode::INTERNAL_SERVER_ERROR, 131000, "provider error")),
        FLAKY_NUMBER if super::db::simulated_tries(&state.db, recipient, body).await? < 2 => {
            Some((
                StatusCode::SERVICE_UNAVAILABLE,
                131000,
                "temporarily unavailable",
            ))
        }
        _ => None,
    })
}

fn internal(error: sqlx::Error) -> Response {
    tracing::error!(%error, "messaging simulator");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// `POST /messaging-simulator/taqnyat/v1/messages`, as Taqnyat's `/v1/messages`.
async fn taqnyat_send(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> Response {
    if !enabled(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !authorized(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"statusCode": 401, "message": "Unauthorized bearer token"})),
        )
            .into_response();
    }
    let recipients: Vec<String> = request["recipients"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|r| match r {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let (Some(body), Some(sender), [recipient]) = (
        request["body"].as_str(),
        request["sender"].as_str(),
        recipients.as_slice(),
    ) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"statusCode": 400, "message": "recipients, body and sender are required"})),
        )
            .into_response();
    };
    let failure = match failure_for(&state, recipient, body).await {
        Ok(f) => f,
        Err(e) => return internal(e),
    };
    let message_id = failure
        .is_none()
        .then(|| rand::random_range(100_000_000_u64..999_999_999).to_string());
    let status = failure.map_or(StatusCode::CREATED, |(status, _, _)| status);
    if let Err(e) = super::db::record_simulated(
        &state.db,
        "sms",
        recipient,
        Some(sender),
        body,
        status.as_u16(),
        message_id.as_deref(),
    )
    .await
    {
        return internal(e);
    }
    match (failure, message_id) {
        (Some((status, _, reason)), _) => (
            status,
            Json(json!({"statusCode": status.as_u16(), "message": reason})),
        )
            .into_response(),
        (None, id) => {
            let id: u64 = id.and_then(|i| i.parse().ok()).unwrap_or_default();
            (
                StatusCode::CREATED,
                Json(json!({
                    "statusCode": 201,
                    "messageId": id,
                    "cost": "0.0000",
                    "currency": "SAR",
                    "totalCount": 1,
                    "msgLength": body.chars().count().div_ceil(70),
                    "accepted": format!("[{recipient},]"),
                    "rejected": "[]",
                })),
            )
                .into_response()
        }
    }
}

fn graph_error(status: StatusCode, code: i64, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"message": message, "type": "OAuthException", "code": code}})),
    )
        .into_response()
}

/// `POST /messaging-simulator/whatsapp/{version}/{phone-number-id}/messages`,
/// as the WhatsApp Cloud API: template messages only.
async fn whatsapp_send(
    State(state): State<AppState>,
    Path((_version, phone_number_id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> Response {
    if !enabled(&state) {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !authorized(&headers) {
        return graph_error(StatusCode::UNAUTHORIZED, 190, "Invalid OAuth access token");
    }
    if phone_number_id != SIMULATOR_PHONE_NUMBER_ID {
        return graph_error(StatusCode::BAD_REQUEST, 100, "Unknown phone number id");
    }
    let template = &request["template"];
    let (Some("whatsapp"), Some(to), Some("template"), Some(name), Some(language)) = (
        request["messaging_product"].as_str(),
        request["to"].as_str(),
        request["type"].as_str(),
        template["name"].as_str(),
        template["language"]["code"].as_str(),
    ) else {
        return graph_error(StatusCode::BAD_REQUEST, 100, "Invalid parameter");
    };
    let values: Vec<&str> = template["components"][0]["parameters"]
        .as_array()
        .map(|list| list.iter().filter_map(|p| p["text"].as_str()).collect())
        .unwrap_or_default();
    let body = format!("{name} [{language}]: {}", values.join(" | "));
    let failure = match failure_for(&state, to, &body).await {
        Ok(f) => f,
        Err(e) => return internal(e),
    };
    let status = match failure {
        // The Cloud API reports a payment problem with HTTP 400.
        Some((StatusCode::PAYMENT_REQUIRED, _, _)) => StatusCode::BAD_REQUEST,
        Some((status, _, _)) => status,
        None => StatusCode::OK,
    };
    let wamid = failure
        .is_none()
        .then(|| format!("wamid.SIM{}", crate::ids::new_token()[..24].to_uppercase()));
    if let Err(e) = super::db::record_simulated(
        &state.db,
        "whatsapp",
        to,
        None,
        &body,
        status.as_u16(),
        wamid.as_deref(),
    )
    .await
    {
        return internal(e);
    }
    match (failure, wamid) {
        (Some((_, code, reason)), _) => graph_error(status, code, reason),
        (None, id) => Json(json!({
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": id.unwrap_or_default()}],
        }))
        .into_response(),
    }
}
