//! Sessions and guards (server only).
//!
//! The browser holds a random token in an HttpOnly cookie; the database holds
//! its SHA-256 hash, the user and the times that enforce the idle and absolute
//! timeouts. [`load_session`] (an axum middleware) resolves the cookie once per
//! request; server functions and pages read the result with [`current_user`]
//! and guard themselves with [`Ctx::require`](super::ctx::Ctx::require).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use cookie::{Cookie, SameSite};
use http::HeaderValue;
use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use http::request::Parts;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use sha2::{Digest, Sha256};

use super::{CurrentUser, db};
use crate::database::now;
use crate::state::{AppState, Settings};

/// The session cookie's name in development (plain HTTP on loopback).
pub const SESSION_COOKIE: &str = "takamul_session";
/// The cookie binding a pending Nafath sign-in to the browser that started it
/// (development name).
pub const PENDING_COOKIE: &str = "takamul_pending";
/// The names outside development: `__Host-` makes the browser refuse them
/// unless they are `Secure`, for this host only (no `Domain`) and `Path=/`,
/// so neither a sibling subdomain nor plain HTTP can plant or read them.
const SESSION_COOKIE_SECURE: &str = "__Host-takamul_session";
const PENDING_COOKIE_SECURE: &str = "__Host-takamul_pending";

/// The session cookie's name under these settings.
pub fn session_cookie(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        SESSION_COOKIE_SECURE
    } else {
        SESSION_COOKIE
    }
}

/// The pending sign-in cookie's name under these settings.
pub fn pending_cookie(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        PENDING_COOKIE_SECURE
    } else {
        PENDING_COOKIE
    }
}
/// Touch `last_seen_at` at most this often, to spare the database a write per request.
const TOUCH_INTERVAL_SECS: i64 = 60;

/// The signed-in person of this request, put in the request extensions by
/// [`load_session`].
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: CurrentUser,
    pub token_hash: String,
}

pub use crate::ids::new_token;

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

/// How long a cookie lives in the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieLife {
    /// Until the browser closes (no `Max-Age`): the server's idle and
    /// absolute timeouts decide when a session ends, and a shared phone's
    /// browser forgets it when closed.
    BrowserSession,
    /// This many seconds.
    Seconds(i64),
    /// Deleted now.
    Delete,
}

/// Builds a Set-Cookie value: HttpOnly, SameSite=Lax, Path=/, and Secure
/// unless `secure` is false (development only).
pub fn set_cookie_header(name: &str, value: &str, life: CookieLife, secure: bool) -> HeaderValue {
    let mut cookie = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build();
    match life {
        CookieLife::BrowserSession => {}
        CookieLife::Seconds(secs) => cookie.set_max_age(cookie::time::Duration::seconds(secs)),
        CookieLife::Delete => cookie.set_max_age(cookie::time::Duration::ZERO),
    }
    HeaderValue::from_str(&cookie.to_string()).expect("cookie values are hex or empty")
}

/// Middleware: resolves the session cookie into a [`SessionUser`] extension.
pub async fn load_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(token) = cookie_value(request.headers(), session_cookie(&state.settings)) {
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
    Ok(db::load_user(&state.db, session.user_id)
        .await?
        .map(|user| user.in_session(session.acting_association_id)))
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

/// The client's address: the direct peer, or, when the peer is one of the
/// trusted proxies, the first address in `X-Forwarded-For` read from the
/// right that is not a trusted proxy. A client can write anything in the
/// header, but only what our own proxies appended is believed.
pub fn client_address(
    peer: IpAddr,
    headers: &http::HeaderMap,
    trusted_proxies: &[ipnet::IpNet],
) -> IpAddr {
    let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|net| net.contains(ip));
    if !trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        // An unparsable hop ends the chain of trust: keep the last good one.
        let Ok(ip) = hop.parse::<IpAddr>() else {
            break;
        };
        client = ip;
        if !trusted(&ip) {
            break;
        }
    }
    client
}

/// The current request's client address (see [`client_address`]).
pub fn client_ip() -> String {
    let Some(parts) = request_parts() else {
        return "unknown".to_string();
    };
    let Some(peer) = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return "unknown".to_string();
    };
    let trusted = use_context::<AppState>()
        .map(|state| state.settings.trusted_proxies.clone())
        .unwrap_or_default();
    client_address(peer, &parts.headers, &trusted).to_string()
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
pub fn set_response_cookie(name: &str, value: &str, life: CookieLife, secure: bool) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(SET_COOKIE, set_cookie_header(name, value, life, secure));
    }
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
        let header = set_cookie_header(SESSION_COOKIE, "abc", CookieLife::Seconds(60), true);
        let text = header.to_str().unwrap();
        assert!(text.contains("HttpOnly"));
        assert!(text.contains("SameSite=Lax"));
        assert!(text.contains("Secure"));
        assert!(text.contains("Path=/"));
        let session = set_cookie_header(SESSION_COOKIE, "abc", CookieLife::BrowserSession, true);
        assert!(!session.to_str().unwrap().contains("Max-Age"));
    }

    #[test]
    fn secure_names_are_host_prefixed_by_default() {
        assert_eq!(
            session_cookie(&Settings::default()),
            "__Host-takamul_session"
        );
        assert_eq!(session_cookie(&Settings::development()), SESSION_COOKIE);
        assert!(pending_cookie(&Settings::default()).starts_with("__Host-"));
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let mut headers = http::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.9, 10.0.0.7"),
        );
        let direct: IpAddr = "198.51.100.1".parse().unwrap();
        // A stranger's header is ignored.
        assert_eq!(client_address(direct, &headers, &proxies), direct);
        // Through our proxies: the rightmost address that is not ours; what
        // the client wrote before it (6.6.6.6) is not believed.
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        assert_eq!(
            client_address(proxy, &headers, &proxies),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        // A proxy without the header is the client as far as we can tell.
        assert_eq!(
            client_address(proxy, &http::HeaderMap::new(), &proxies),
            proxy
        );
    }
}
