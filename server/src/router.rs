//! Router assembly: pages, server functions, the Nafath callback, health and
//! metrics, static files, and the security layers around them.

use std::sync::atomic::{AtomicU64, Ordering};

use app::coverage::{MATRIX_CSV, export::matrix_csv};
use app::identity::{callback::nafath_callback, session::load_session};
use app::marketplace::http::{
    BasketOrder, UPLOAD_BODY_LIMIT, order_basket, order_on_whatsapp, photo_file, robots, sitemap,
    upload_photo,
};
use app::marketplace::page_cache::{PageCache, serve_public_pages};
use app::marketplace::{ORDER_BASKET, ORDER_ON_WHATSAPP, PHOTO_FILES, PHOTO_UPLOAD};
use app::state::AppState;
use app::training::{ROSTER_CSV, http::roster_csv};
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::services::ServeDir;

static REQUESTS_2XX: AtomicU64 = AtomicU64::new(0);
static REQUESTS_3XX: AtomicU64 = AtomicU64::new(0);
static REQUESTS_4XX: AtomicU64 = AtomicU64::new(0);
static REQUESTS_5XX: AtomicU64 = AtomicU64::new(0);

/// Upper bounds (seconds) of the response-time histogram's buckets.
const LATENCY_BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Responses at or under each bound (not cumulative here; summed when read).
static LATENCY_COUNTS: [AtomicU64; 12] = [const { AtomicU64::new(0) }; 12];
/// The sum of all response times, in microseconds.
static LATENCY_SUM_MICROS: AtomicU64 = AtomicU64::new(0);

/// The whole application as one axum router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let shell_options = state.leptos_options.clone();
    let site_root = state.leptos_options.site_root.to_string();
    let page_cache = PageCache::new(
        state.db.clone(),
        state.settings.page_cache_bytes,
        std::time::Duration::from_millis(state.settings.page_cache_check_ms),
    );

    let not_found = {
        let state = state.clone();
        move |request: Request| render_app(state.clone(), request)
    };
    let static_files = ServeDir::new(site_root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(tower::service_fn(move |request: Request| {
            let not_found = not_found.clone();
            async move { Ok::<_, std::convert::Infallible>(not_found(request).await) }
        }));

    let routes = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_request_context(&context_state),
            move || shell(shell_options.clone()),
        )
        .route(MATRIX_CSV, get(matrix_csv))
        .route(ROSTER_CSV, get(roster_csv))
        .route(
            PHOTO_UPLOAD,
            post(upload_photo).layer(axum::extract::DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        // Public photos for everyone; an unpublished product's for its owner
        // and moderators, so the session is read here too.
        .route(&format!("{PHOTO_FILES}/{{file}}"), get(photo_file))
        .merge(app::imports::http::routes())
        .merge(app::network::http::routes())
        .merge(app::privacy::http::routes())
        .merge(app::reporting::http::routes())
        .merge(app::applications::export::routes())
        .merge(app::financing::http::routes())
        // Inside the session layer (it reads the signed-in person): a
        // returning family accepts a new privacy notice before any page.
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            app::data_protection::http::ask_for_new_notice,
        ))
        .merge(app::messaging::simulator::routes())
        .route_layer(middleware::from_fn_with_state(state.clone(), load_session))
        // Public, no session needed.
        .route(&format!("{ORDER_ON_WHATSAPP}/{{product_id}}"), get(order))
        .route(ORDER_BASKET, get(basket_order))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
        // Outside the session layer: machine endpoints.
        .route("/api/nafath/callback", post(nafath_callback))
        // The partners' API: bearer tokens, never a session cookie.
        .merge(app::reporting::partner::http::routes())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback_service(static_files)
        .layer(middleware::from_fn(server_fn_error_status));
    protect(routes, state, page_cache)
}

/// The app rendered for a request that no other route answered: the page
/// of an unknown path is the translated not-found page (status 404).
async fn render_app(state: AppState, request: Request) -> Response {
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || provide_request_context(&state),
        move || shell(options.clone()),
    );
    handler(request).await.into_response()
}

/// `GET /order/{product_id}`: the counted "order on WhatsApp" redirect
/// (outside the session layer: no cookie is read or set; `HEAD` is answered
/// alike but not counted); a product that takes no orders gets the
/// not-found page.
async fn order(
    State(state): State<AppState>,
    Path(product_id): Path<String>,
    request: Request,
) -> Response {
    let count = request.method() == Method::GET;
    match order_on_whatsapp(&state, &product_id, count).await {
        Some(answer) => answer,
        None => render_app(state, request).await,
    }
}

/// `GET /basket/order`: the basket's counted "send on WhatsApp" redirect
/// (outside the session layer, like `order`); a wrong list gets the
/// not-found page.
async fn basket_order(
    State(state): State<AppState>,
    Query(order): Query<BasketOrder>,
    request: Request,
) -> Response {
    let count = request.method() == Method::GET;
    match order_basket(&state, &order, count).await {
        Some(answer) => answer,
        None => render_app(state, request).await,
    }
}

/// The layers every response passes through, outermost last: a panic
/// becomes a 500 page, private answers are never stored, foreign posts are
/// refused, security headers, compression, the public page memory, counts.
pub fn protect(routes: Router<AppState>, state: AppState, page_cache: PageCache) -> Router {
    routes
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_page))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            private_no_store,
        ))
        .layer(middleware::from_fn(reject_foreign_origin))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers,
        ))
        // Pages and JSON; static files arrive precompressed and pass through.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .br(true)
                .gzip(true)
                .quality(tower_http::CompressionLevel::Fastest),
        )
        // Outside compression: stored pages are compressed once, not per request.
        .layer(middleware::from_fn_with_state(
            page_cache,
            serve_public_pages,
        ))
        .layer(middleware::from_fn(count_responses))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// A panic in a handler: a 500 page instead of a dropped connection (the
/// panic itself is in the log, with its message; the visitor sees none of it).
fn panic_page(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><meta charset=\"utf-8\">\
         <title>خطأ · Error</title><h1>حدث خطأ من جهتنا</h1>\
         <p>لم يُحفظ شيء جديد. حاول مرة أخرى بعد قليل.</p>\
         <p lang=\"en\" dir=\"ltr\">Something went wrong on our side. Please try again shortly.</p>\
         <p><a href=\"/\">تكامل · Takamul</a></p></html>",
    )
        .into_response()
}

/// `Cache-Control: no-store` on every server-function answer and on every
/// response to a signed-in browser (or one in the middle of signing in), so
/// no shared cache or back button keeps a person's data. Answers that chose
/// their own caching (immutable photos) keep it.
async fn private_no_store(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let settings = &state.settings;
    let private = request.uri().path().starts_with("/api/")
        || [
            app::identity::session::session_cookie(settings),
            app::identity::session::pending_cookie(settings),
        ]
        .iter()
        .any(|name| app::identity::session::cookie_value(request.headers(), name).is_some());
    let mut response = next.run(request).await;
    if private && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// What every page render and server function finds in its context.
fn provide_request_context(state: &AppState) {
    provide_context(state.clone());
    leptos::nonce::provide_nonce();
}

/// Errors raised by the server-function layer before our code runs
/// (arguments that do not decode) come out as 500 with an `AppError` body:
/// give them the status of that error, the one mapping in `AppError::status`.
async fn server_fn_error_status(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.db.ping().await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

/// Whether this request may read `/metrics`: with the configured bearer
/// token, or straight from a loopback address with no proxy in between (a
/// reverse proxy on the same host connects from loopback too, but says so
/// in `X-Forwarded-For`/`Forwarded`).
fn may_read_metrics(
    settings: &app::state::Settings,
    peer: std::net::IpAddr,
    headers: &header::HeaderMap,
) -> bool {
    if let Some(token) = &settings.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(given) = given {
            use sha2::Digest;
            // Compared as digests: equal length, no early exit on the secret.
            return sha2::Sha256::digest(given.as_bytes())
                == sha2::Sha256::digest(token.as_bytes());
        }
    }
    peer.is_loopback()
        && !headers.contains_key("x-forwarded-for")
        && !headers.contains_key(header::FORWARDED)
}

/// `GET /metrics`: Prometheus text format, for the operator only.
async fn metrics(
    State(state): State<AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: header::HeaderMap,
) -> Response {
    if !may_read_metrics(&state.settings, peer.ip(), &headers) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let db_up = state.db.ping().await;
    let (users, sessions) = app::identity::db::count_users_and_sessions(&state.db)
        .await
        .unwrap_or((0, 0));
    let pool_open = state.db.pool.size();
    let pool_idle = state.db.pool.num_idle() as u32;
    let mut body = format!(
        "# HELP takamul_http_responses_total HTTP responses by status class.\n\
         # TYPE takamul_http_responses_total counter\n\
         takamul_http_responses_total{{class=\"2xx\"}} {}\n\
         takamul_http_responses_total{{class=\"3xx\"}} {}\n\
         takamul_http_responses_total{{class=\"4xx\"}} {}\n\
         takamul_http_responses_total{{class=\"5xx\"}} {}\n\
         # HELP takamul_database_up Whether the database answers.\n\
         # TYPE takamul_database_up gauge\n\
         takamul_database_up {}\n\
         # HELP takamul_users People known to the platform.\n\
         # TYPE takamul_users gauge\n\
         takamul_users {users}\n\
         # HELP takamul_sessions Stored sessions (live or not yet purged).\n\
         # TYPE takamul_sessions gauge\n\
         takamul_sessions {sessions}\n\
         # HELP takamul_db_connections This instance's database connections, by state.\n\
         # TYPE takamul_db_connections gauge\n\
         takamul_db_connections{{state=\"busy\"}} {}\n\
         takamul_db_connections{{state=\"idle\"}} {pool_idle}\n\
         # HELP takamul_db_connections_max TAKAMUL_DB_MAX_CONNECTIONS.\n\
         # TYPE takamul_db_connections_max gauge\n\
         takamul_db_connections_max {}\n",
        REQUESTS_2XX.load(Ordering::Relaxed),
        REQUESTS_3XX.load(Ordering::Relaxed),
        REQUESTS_4XX.load(Ordering::Relaxed),
        REQUESTS_5XX.load(Ordering::Relaxed),
        u8::from(db_up),
        pool_open.saturating_sub(pool_idle),
        state.db.pool.options().get_max_connections(),
    );
    write_latency_histogram(&mut body);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

/// The response-time histogram in Prometheus' text format (cumulative buckets).
fn write_latency_histogram(body: &mut String) {
    use std::fmt::Write;
    body.push_str(
        "# HELP takamul_http_response_seconds Time from a request to its response head.\n\
         # TYPE takamul_http_response_seconds histogram\n",
    );
    let mut cumulative = 0;
    for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
        cumulative += LATENCY_COUNTS[i].load(Ordering::Relaxed);
        let _ = writeln!(
            body,
            "takamul_http_response_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
        );
    }
    cumulative += LATENCY_COUNTS[LATENCY_BUCKETS.len()].load(Ordering::Relaxed);
    let _ = writeln!(
        body,
        "takamul_http_response_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n\
         takamul_http_response_seconds_sum {}\n\
         takamul_http_response_seconds_count {cumulative}",
        LATENCY_SUM_MICROS.load(Ordering::Relaxed) as f64 / 1e6
    );
}

async fn count_responses(request: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    // Until the response head: a streamed page's body follows.
    let seconds = started.elapsed().as_secs_f64();
    let bucket = LATENCY_BUCKETS
        .iter()
        .position(|bound| seconds <= *bound)
        .unwrap_or(LATENCY_BUCKETS.len());
    LATENCY_COUNTS[bucket].fetch_add(1, Ordering::Relaxed);
    LATENCY_SUM_MICROS.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    let counter = match response.status().as_u16() {
        200..=299 => &REQUESTS_2XX,
        300..=399 => &REQUESTS_3XX,
        400..=499 => &REQUESTS_4XX,
        _ => &REQUESTS_5XX,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    response
}

/// Refuses state-changing requests that another site's page sent (CSRF
/// defence on top of SameSite=Lax cookies). Nafath's callback comes from a
/// server, not a browser, and carries its own signature.
async fn reject_foreign_origin(request: Request, next: Next) -> Response {
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if unsafe_method && request.uri().path() != "/api/nafath/callback" {
        let headers = request.headers();
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
        let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
        let cross_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == "cross-site");
        let foreign = match (origin, host) {
            (Some("null"), _) => true,
            (Some(origin), Some(host)) => {
                let origin_host = origin.split("://").nth(1).unwrap_or(origin);
                origin_host != host
            }
            (Some(_), None) => true,
            (None, _) => cross_site,
        };
        if foreign {
            tracing::warn!(?origin, ?host, "refused a cross-origin request");
            return (StatusCode::FORBIDDEN, "foreign origin").into_response();
        }
    }
    next.run(request).await
}

/// Security headers on every response. Scripts must carry the page's nonce
/// (Leptos adds it to its own); WebAssembly needs 'wasm-unsafe-eval'.
async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        "referrer-policy",
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        // Pages set their own policy with the nonce (see app::shell); this one
        // covers everything else.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; \
                 base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
            ),
        );
    }
    if !state.settings.development {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}
