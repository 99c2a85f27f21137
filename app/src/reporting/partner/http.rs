//! `/api/v1/…`: the partners' API, outside the session layer (no cookie is
//! read or set). Every route but the OpenAPI document takes
//! `Authorization: Bearer <secret>`; an unknown or revoked token is 401, a
//! route outside the token's scope 403, more calls than
//! `TAKAMUL_PARTNER_API_PER_MINUTE` 429. Every call with a known token is
//! audited with the token (`partner_api_called`, or `access_denied`), and
//! each household a look-up finds is audited as its subject
//! (`partner_lookup`), which "My data" shows the family as read by the
//! partner. Errors are JSON in the DCI error shape:
//! `{"error": {"code": "err.request.unauthorized", "message": "…"}}`.
//!
//! The routes are [`ENDPOINTS`]; `docs/openapi.json` describes each one
//! (a test checks both ways).

use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::dci::{self, ItemAnswer};
use super::{Scope, bearer_secret, db, dimension_name, unit_name};
use crate::audit::{self, AuditEvent, action};
use crate::database::now;
use crate::error::AppError;
use crate::identity::db::{Allowance, count_event};
use crate::identity::session::{client_address, hash_token, new_token};
use crate::reporting::api::cut_of;
use crate::reporting::{Filters, Indicator, Row, Shown, Viewer, rows_for};
use crate::state::AppState;

/// The OpenAPI 3.1 description of every route, as served.
pub const OPENAPI_JSON: &str = include_str!("../../../../docs/openapi.json");

/// What a route does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// The OpenAPI document (public: it holds no data).
    OpenApi,
    Indicators,
    Indicator,
    SyncSearch,
}

/// Every `/api/v1` route: method, path (axum's and OpenAPI's `{param}`), what it does.
pub const ENDPOINTS: [(&str, &str, Endpoint); 4] = [
    ("GET", "/api/v1/openapi.json", Endpoint::OpenApi),
    ("GET", "/api/v1/indicators", Endpoint::Indicators),
    ("GET", "/api/v1/indicators/{key}", Endpoint::Indicator),
    ("POST", "/api/v1/registry/sync/search", Endpoint::SyncSearch),
];

/// The routes of [`ENDPOINTS`] (merged outside the session layer).
pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for (method, path, endpoint) in ENDPOINTS {
        let handler =
            move |state: State<AppState>, peer: ConnectInfo<SocketAddr>, request: Request| {
                answer(state, peer, request, endpoint)
            };
        router = match method {
            "POST" => router.route(path, post(handler)),
            _ => router.route(path, get(handler)),
        };
    }
    router
}

/// A refusal or failure, answered as DCI's `Error` object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    Unauthorized,
    Forbidden(&'static str),
    NotFound(&'static str),
    BadRequest(String),
    TooManyRequests { retry_after: i64 },
    Internal,
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// DCI's error code.
    fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthorized => "err.request.unauthorized",
            ApiError::Forbidden(_) => "err.request.forbidden",
            ApiError::NotFound(_) => "err.request.not_found",
            ApiError::BadRequest(_) => "err.request.bad",
            ApiError::TooManyRequests { .. } => "err.request.too_many_requests",
            ApiError::Internal => "err.service.unavailable",
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::Unauthorized => "a valid partner token is required: \
                 Authorization: Bearer <token>"
                .to_string(),
            ApiError::Forbidden(what) | ApiError::NotFound(what) => what.to_string(),
            ApiError::BadRequest(what) => what.clone(),
            ApiError::TooManyRequests { retry_after } => {
                format!("too many calls with this token; retry after {retry_after} s")
            }
            ApiError::Internal => "something failed on our side; nothing was changed".to_string(),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        tracing::error!(%error, "partner API: database");
        ApiError::Internal
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Validation {
                key: crate::error::ErrorKey::ReportPeriod,
                ..
            } => ApiError::BadRequest(
                "from, to: days as YYYY-MM-DD, the first not after the last, at most five years"
                    .into(),
            ),
            AppError::Validation { field, .. } => {
                ApiError::BadRequest(format!("{field}: not a valid value"))
            }
            AppError::BadRequest => ApiError::BadRequest("a filter names nothing known".into()),
            AppError::NotFound => ApiError::NotFound("not found"),
            _ => ApiError::Internal,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status(),
            axum::Json(json!({"error": {"code": self.code(), "message": self.message()}})),
        )
            .into_response();
        let headers = response.headers_mut();
        match &self {
            ApiError::Unauthorized => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"takamul\""),
                );
            }
            ApiError::TooManyRequests { retry_after } => {
                if let Ok(value) = HeaderValue::from_str(&retry_after.to_string()) {
                    headers.insert(header::RETRY_AFTER, value);
                }
            }
            _ => {}
        }
        response
    }
}

/// The caller of one request: its token and address.
struct Partner {
    token: db::Presented,
    client_ip: String,
}

/// One call: the token checked and counted, the route answered, the call
/// audited. A call whose audit row cannot be written fails (500): nothing
/// is read unaudited.
async fn answer(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
    endpoint: Endpoint,
) -> Response {
    if endpoint == Endpoint::OpenApi {
        return ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON).into_response();
    }
    let client_ip = client_address(
        peer.ip(),
        request.headers(),
        &state.settings.trusted_proxies,
    )
    .to_string();
    let route = route_of(request.method(), request.uri());
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let partner = match identify(&state, authorization.as_deref(), &route, client_ip).await {
        Ok(partner) => partner,
        Err(error) => return error.into_response(),
    };
    let response = match dispatch(&state, &partner, request, endpoint).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    };
    let status = response.status();
    let event = AuditEvent::new(if status == StatusCode::FORBIDDEN {
        action::ACCESS_DENIED
    } else {
        action::PARTNER_API_CALLED
    })
    .by_partner(partner.token.id, partner.client_ip.clone())
    .detail(format!("{route} {}", status.as_u16()));
    match audit::record(&state.db, event).await {
        Ok(()) => response,
        Err(error) => ApiError::from(error).into_response(),
    }
}

/// `GET /api/v1/indicators?…`, as audited (at most 300 characters).
fn route_of(method: &Method, uri: &axum::http::Uri) -> String {
    let mut route = format!("{method} {}", uri.path());
    if let Some(query) = uri.query() {
        route.push('?');
        route.push_str(query);
    }
    route.chars().take(300).collect()
}

/// The token of the request, known, live and within its rate.
async fn identify(
    state: &AppState,
    authorization: Option<&str>,
    route: &str,
    client_ip: String,
) -> Result<Partner, ApiError> {
    let secret = authorization
        .and_then(bearer_secret)
        .ok_or(ApiError::Unauthorized)?;
    let token = db::token_by_hash(&state.db, &hash_token(secret))
        .await?
        .ok_or(ApiError::Unauthorized)?;
    if token.revoked {
        let event = AuditEvent::new(action::ACCESS_DENIED)
            .by_partner(token.id, client_ip)
            .detail(format!("{route} 401 revoked token"));
        audit::record(&state.db, event).await?;
        return Err(ApiError::Unauthorized);
    }
    let at = now();
    let allowance = count_event(
        &state.db,
        &format!("partner_api:{}", token.id),
        state.settings.partner_api_per_minute,
        60,
    )
    .await?;
    if let Allowance::RefusedUntil(until) = allowance {
        let event = AuditEvent::new(action::PARTNER_API_CALLED)
            .by_partner(token.id, client_ip)
            .detail(format!("{route} 429"));
        audit::record(&state.db, event).await?;
        return Err(ApiError::TooManyRequests {
            retry_after: (until - at).max(1),
        });
    }
    db::touch(&state.db, token.id, at).await?;
    Ok(Partner { token, client_ip })
}

async fn dispatch(
    state: &AppState,
    partner: &Partner,
    request: Request,
    endpoint: Endpoint,
) -> Result<Response, ApiError> {
    match endpoint {
        Endpoint::OpenApi => Ok(OPENAPI_JSON.into_response()),
        Endpoint::Indicators => Ok(axum::Json(indicator_list()).into_response()),
        Endpoint::Indicator => {
            let (mut parts, _) = request.into_parts();
            let Path(key) = Path::<String>::from_request_parts(&mut parts, state)
                .await
                .map_err(|_| ApiError::NotFound("no such indicator"))?;
            let Query(query) = Query::<FigureQuery>::try_from_uri(&parts.uri)
                .map_err(|_| ApiError::BadRequest("the query string does not parse".into()))?;
            let indicator =
                Indicator::parse(&key).ok_or(ApiError::NotFound("no such indicator"))?;
            Ok(axum::Json(figure(state, indicator, query).await?).into_response())
        }
        Endpoint::SyncSearch => {
            if !partner.token.scope.may_look_up() {
                return Err(ApiError::Forbidden(
                    "this token reads the indicators only; the look-up needs a households token",
                ));
            }
            let body = axum::body::to_bytes(request.into_body(), 1024 * 1024)
                .await
                .map_err(|_| ApiError::BadRequest("the body is over 1 MB".into()))?;
            sync_search(state, partner, body).await
        }
    }
}

/// `GET /api/v1/indicators`: every indicator, its names, unit and dimensions.
pub fn indicator_list() -> Value {
    json!({
        "indicators": Indicator::ALL.iter().map(|i| describe(*i)).collect::<Vec<_>>(),
    })
}

fn describe(indicator: Indicator) -> Value {
    json!({
        "key": indicator.key(),
        "name": {"ar": indicator.name(false), "en": indicator.name(true)},
        "unit": unit_name(indicator.unit()),
        "dimensions": indicator.dimensions().iter().map(|d| dimension_name(*d)).collect::<Vec<_>>(),
        "by_period": indicator.by_period(),
        "href": format!("/api/v1/indicators/{}", indicator.key()),
    })
}

/// The filters of `GET /api/v1/indicators/{key}` (empty: not set).
#[derive(Debug, Default, Deserialize)]
pub struct FigureQuery {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    pub city: Option<String>,
    pub district: Option<String>,
    pub association: Option<String>,
    pub assistance_type: Option<String>,
    /// A craft code (`sweets`, `sewing`, …).
    pub craft: Option<String>,
}

/// An id filter: empty is none; anything but a number is refused.
fn id_filter(name: &str, value: &Option<String>) -> Result<Option<i64>, ApiError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| ApiError::BadRequest(format!("{name}: a number is expected"))),
    }
}

/// A figure as a partner sees it: `{"value": …, "suppressed": …}`.
fn shown(shown: Shown) -> Value {
    match shown {
        Shown::Value(v) => json!({"value": v, "suppressed": false}),
        Shown::FewerThan5 => json!({"value": null, "suppressed": true}),
        // Not small itself, but shown it would give a "fewer than 5" away.
        Shown::Withheld => json!({"value": null, "suppressed": true, "withheld": true}),
        Shown::Nothing => json!({"value": null, "suppressed": false}),
    }
}

/// One indicator for the filters: the dashboards' computation (the same
/// cut and the same SQL, its own group of reads only), suppressed as for an
/// outsider.
async fn figure(
    state: &AppState,
    indicator: Indicator,
    query: FigureQuery,
) -> Result<Value, ApiError> {
    let mut filters = Filters {
        from: query.from.clone(),
        to: query.to.clone(),
        association_id: id_filter("association", &query.association)?,
        assistance_type_id: id_filter("assistance_type", &query.assistance_type)?,
        city_id: id_filter("city", &query.city)?,
        district_id: id_filter("district", &query.district)?,
        craft: query.craft.clone().filter(|c| !c.trim().is_empty()),
        ..Filters::default()
    };
    let cut = cut_of(&state.db, &mut filters, now()).await?;
    let figures = crate::reporting::db::figures_of(&state.db, &cut, indicator).await?;
    let rows: Vec<Row> = rows_for(figures, Viewer::Outsider);
    let total = rows
        .iter()
        .find(|r| r.is_total())
        .map(|r| r.shown)
        .unwrap_or(Shown::Nothing);
    let breakdown: Vec<Value> = rows
        .iter()
        .filter(|r| !r.is_total())
        .map(|r| {
            let mut part = shown(r.shown);
            part["key"] = json!(r.key);
            part["label"] = json!({"ar": r.label(false), "en": r.label(true)});
            part
        })
        .collect();
    let set = [
        ("city", filters.city_id.is_some()),
        ("district", filters.district_id.is_some()),
        ("association", filters.association_id.is_some()),
        ("assistance_type", filters.assistance_type_id.is_some()),
        ("craft", filters.craft.is_some()),
    ];
    let dimensions: Vec<&str> = indicator
        .dimensions()
        .iter()
        .map(|d| dimension_name(*d))
        .collect();
    let not_applied: Vec<&str> = set
        .iter()
        .filter(|(name, set)| *set && !dimensions.contains(name))
        .map(|(name, _)| *name)
        .collect();
    let mut answer = describe(indicator);
    answer["period"] = if indicator.by_period() {
        json!({"from": filters.from, "to": filters.to})
    } else {
        Value::Null
    };
    answer["filters"] = json!({
        "city": filters.city_id,
        "district": filters.district_id,
        "association": filters.association_id,
        "assistance_type": filters.assistance_type_id,
        "craft": filters.craft,
    });
    answer["filters_not_applied"] = json!(not_applied);
    answer["total"] = shown(total);
    answer["breakdown"] = json!(breakdown);
    Ok(answer)
}

/// `POST /api/v1/registry/sync/search`: the DCI sync search by national ID.
async fn sync_search(
    state: &AppState,
    partner: &Partner,
    body: Bytes,
) -> Result<Response, ApiError> {
    let at = now();
    let request = match dci::parse_request(&body) {
        Ok(request) => request,
        Err(refusal) => {
            return Ok((
                StatusCode::BAD_REQUEST,
                axum::Json(dci::refused(&body, &refusal, at)),
            )
                .into_response());
        }
    };
    let mut answers = Vec::with_capacity(request.message.search_request.len());
    for item in &request.message.search_request {
        let national_id = match dci::national_id_of(item) {
            Ok(id) => id,
            Err(reason) => {
                answers.push(ItemAnswer::Rejected(reason));
                continue;
            }
        };
        let Some(household) = db::household_of(&state.db, national_id.as_str()).await? else {
            answers.push(ItemAnswer::Found(dci::HouseholdRecord::not_registered()));
            continue;
        };
        let with_benefits = match (partner.token.scope, partner.token.association_id) {
            (Scope::Households, Some(association)) => {
                db::serves(&state.db, association, household).await?
            }
            _ => false,
        };
        let record = db::record(&state.db, household, with_benefits).await?;
        let event = AuditEvent::new(action::PARTNER_LOOKUP)
            .by_partner(partner.token.id, partner.client_ip.clone())
            .subject("household", household)
            .detail(if with_benefits {
                "registry sync search: registered, serving associations, benefits"
            } else {
                "registry sync search: registered, serving associations"
            });
        audit::record(&state.db, event).await?;
        answers.push(ItemAnswer::Found(record));
    }
    let correlation_id = new_token()[..32].to_string();
    Ok(axum::Json(dci::on_search(&request, &answers, at, &correlation_id)).into_response())
}
