//! How the plain axum routes (uploads, files) answer: a browser's form post
//! gets a redirect, with `?error=` for a mistake the person can fix; any
//! other caller gets the status and the typed error as JSON.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Whether the request came from a page (a form post) rather than a program.
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// `303 See Other` to `location` (400 if it cannot be a header).
pub fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// The error's status with the error as JSON, for a program.
pub fn error_json(error: AppError) -> Response {
    (
        StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        axum::Json(error),
    )
        .into_response()
}

/// A failed form post from a page: to sign-in when signed out, back to
/// `back` (which ends in `?` or `&`) with the error's key when the person can
/// fix it, else the error as it is.
pub fn form_error(error: AppError, back: &str) -> Response {
    match error {
        AppError::Unauthorized => see_other(crate::paths::SIGN_IN_PAGE),
        error if error.status() < 500 => {
            see_other(&format!("{back}error={}", error.key().as_str()))
        }
        error => error_json(error),
    }
}
