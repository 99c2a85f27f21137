//! Sessions and guards (server only).
//!
//! The browser holds a random token in an HttpOnly cookie; the database holds
//! its SHA-256 hash, the user and the times that enforce the idle and absolute
//! timeouts. [`load_session`] (an axum middleware) resolves the cookie once per
//! request; server functions and pages read the result with [`current_user`]
//! and guard themselves with [`require`].

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use cookie::{Cookie, SameSite};
use http::HeaderValue;
use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{CurrentUser, Requirement, db};
use crate::audit::{self, AuditEvent};
use crate::database::now;
use crate::error::AppError;
use crate::state::AppState;

/// The session cookie.
pub const SESSION_COOKIE: &str = "takamul_session";
/// The cookie binding a pending Nafath sign-in to the browser that started it.
pub const PENDING_COOKIE: &str = "takamul_pending";
/// Touch `last_seen_at` at most this often, to spare the database a write per request.
const TOUCH_INTERVAL_SECS: i64 = 60;

/// The signed-in person of this request, put in the request extensions by
/// [`load_session`].
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: CurrentUser,
    pub token_hash: String,
}

/// A new random token (256 bits, hex) for a cookie.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The form in which tokens are stored.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Reads one cookie from request headers.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// Builds a Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, Secure in
/// production; `max_age_secs = 0` deletes the cookie.
pub fn set_cookie_header(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie values are hex or empty")
}

/// Middleware: resolves the session cookie into a [`SessionUser`] extension.
pub async fn load_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(token) = cookie_value(request.headers(), SESSION_COOKIE) {
        let token_hash = hash_token(&token);
        match resolve(&state, &token_hash).await {
            Ok(Some(user)) => {
                request
                    .extensions_mut()
                    .insert(SessionUser { user, token_hash });
            }
            Ok(None) => {}
            // A database failure must not sign anyone in; the page renders as
            // signed out and /healthz reports the outage.
            Err(error) => tracing::error!(%error, "session lookup failed"),
        }
    }
    next.run(request).await
}

async fn resolve(state: &AppState, token_hash: &str) -> Result<Option<CurrentUser>, sqlx::Error> {
    let settings = &state.settings;
    let Some(session) = db::live_session(
        &state.db,
        token_hash,
        settings.session_idle_secs,
        settings.session_absolute_secs,
    )
    .await?
    else {
        return Ok(None);
    };
    if now() - session.last_seen_at >= TOUCH_INTERVAL_SECS {
        db::touch_session(&state.db, token_hash).await?;
    }
    db::load_user(&state.db, session.user_id).await
}

fn request_parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The signed-in person of the current request, if any.
pub fn current_session() -> Option<SessionUser> {
    request_parts().and_then(|parts| parts.extensions.get::<SessionUser>().cloned())
}

/// The signed-in person of the current request, if any.
pub fn current_user() -> Option<CurrentUser> {
    current_session().map(|s| s.user)
}

/// The client's address as the server saw it (the direct peer; put a proxy's
/// own rate limiting in front if one terminates connections).
pub fn client_ip() -> String {
    request_parts()
        .and_then(|parts| {
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

/// The request's User-Agent, for the session list.
pub fn user_agent() -> Option<String> {
    request_parts()?
        .headers
        .get(USER_AGENT)?
        .to_str()
        .ok()
        .map(|s| s.chars().take(200).collect())
}

/// Reads a cookie of the current request.
pub fn request_cookie(name: &str) -> Option<String> {
    request_parts().and_then(|parts| cookie_value(&parts.headers, name))
}

/// Adds a Set-Cookie header to the current response.
pub fn set_response_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(
            SET_COOKIE,
            set_cookie_header(name, value, max_age_secs, secure),
        );
    }
}

/// The guard every server function calls first: the current person if they
/// meet `requirement`; `Unauthorized` when signed out; `Forbidden` (and an
/// audit row) when the role is missing.
pub async fn require(state: &AppState, requirement: Requirement) -> Result<CurrentUser, AppError> {
    let user = current_user().ok_or(AppError::Unauthorized)?;
    if user.satisfies(requirement) {
        return Ok(user);
    }
    audit::record(
        &state.db,
        AuditEvent {
            actor_user_id: Some(user.user_id),
            action: audit::action::ACCESS_DENIED,
            detail: Some(format!("{requirement:?}")),
            client_ip: Some(client_ip()),
            ..Default::default()
        },
    )
    .await?;
    Err(AppError::Forbidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn reads_cookies_from_several_headers() {
        let mut headers = http::HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; takamul_session=abc"));
        headers.append(COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(
            cookie_value(&headers, SESSION_COOKIE).as_deref(),
            Some("abc")
        );
        assert_eq!(cookie_value(&headers, "b").as_deref(), Some("2"));
        assert_eq!(cookie_value(&headers, "c"), None);
    }

    #[test]
    fn cookies_are_http_only_and_lax() {
        let header = set_cookie_header(SESSION_COOKIE, "abc", 60, true);
        let text = header.to_str().unwrap();
        assert!(text.contains("HttpOnly"));
        assert!(text.contains("SameSite=Lax"));
        assert!(text.contains("Secure"));
        assert!(text.contains("Path=/"));
    }
}
