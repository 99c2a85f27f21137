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
use crate::text::url_encode_keeping;

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
            let location = format!(
                "{PRIVACY_NOTICE_PAGE}?next={}",
                url_encode_keeping(&back, b"/")
            );
            (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
        }
        Ok(false) => next.run(request).await,
        Err(error) => {
            tracing::error!(%error, "privacy notice check failed");
            next.run(request).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_to_come_back_to_is_encoded() {
        assert_eq!(
            url_encode_keeping("/applications?x=1&y", b"/"),
            "/applications%3Fx%3D1%26y"
        );
        assert!(exempt("/api/accept_privacy_notice"));
        assert!(exempt(PRIVACY_NOTICE_PAGE));
        assert!(!exempt("/account"));
    }
}
