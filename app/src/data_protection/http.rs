//! The middleware that asks a returning family to accept a new privacy
//! notice: a page loaded by a signed-in person whose household accepted an
//! earlier version goes to the notice first (303), with the page to come
//! back to. Plain redirects: it works without JavaScript.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::PRIVACY_NOTICE_PAGE;
use super::db::notice;
use crate::identity::session::SessionUser;
use crate::state::AppState;

/// Paths a family reaches before accepting: the notice itself, server
/// functions (accepting, signing out, the language), sign-in, the
/// simulator, photos and files.
fn exempt(path: &str) -> bool {
    path == PRIVACY_NOTICE_PAGE
        || path.starts_with("/api/")
        || path.starts_with("/sign-in")
        || path.starts_with("/nafath-simulator")
        || path.starts_with(crate::paths::PHOTO_FILES)
        || path.ends_with(".csv")
        || path.ends_with(".xlsx")
}

/// See the module's comment. A database failure lets the page through (and
/// is logged): the notice is asked for again on the next page.
pub async fn ask_for_new_notice(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if request.method() != Method::GET || exempt(path) {
        return next.run(request).await;
    }
    let Some(user_id) = request
        .extensions()
        .get::<SessionUser>()
        .map(|s| s.user.user_id)
    else {
        return next.run(request).await;
    };
    match notice::must_accept(&state.db, user_id).await {
        Ok(true) => {
            let back = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| path.to_string());
            let location = format!("{PRIVACY_NOTICE_PAGE}?next={}", percent_encode(&back));
            (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
        }
        Ok(false) => next.run(request).await,
        Err(error) => {
            tracing::error!(%error, "privacy notice check failed");
            next.run(request).await
        }
    }
}

/// Percent-encodes a path and query to carry it in a query parameter.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_to_come_back_to_is_encoded() {
        assert_eq!(
            percent_encode("/applications?x=1&y"),
            "/applications%3Fx%3D1%26y"
        );
        assert!(exempt("/api/accept_privacy_notice"));
        assert!(exempt(PRIVACY_NOTICE_PAGE));
        assert!(!exempt("/account"));
    }
}
