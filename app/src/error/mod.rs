//! The one error type of the application. Every server function returns
//! `Result<_, AppError>`; [`AppError::status`] maps it to an HTTP status in one
//! place and [`ErrorKey`] names the translated message the user sees
//! (`ui::ErrorText`). Internal details are logged on the server, never sent.

use serde::{Deserialize, Serialize};
use server_fn_error::{FromServerFnError, ServerFnErrorErr};

mod keys;
pub use keys::ErrorKey;

// `server_fn` is re-exported by leptos; the alias keeps the imports short.
mod server_fn_error {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

/// Everything that can go wrong, by what the caller should do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// No (valid) session: sign in first. 401.
    #[error("sign-in required")]
    Unauthorized,
    /// Signed in, but this role may not do this. 403.
    #[error("forbidden")]
    Forbidden,
    /// 404.
    #[error("not found")]
    NotFound,
    /// The input was wrong; `field` names the form field. 422.
    #[error("invalid {field}: {key:?}")]
    Validation { field: String, key: ErrorKey },
    /// The request conflicts with what exists, or a state that no longer allows it. 409.
    #[error("conflict: {0:?}")]
    Conflict(ErrorKey),
    /// Too many attempts; try later. 429.
    #[error("rate limited")]
    RateLimited,
    /// An outside service (Nafath) failed or timed out. 503.
    #[error("upstream unavailable")]
    Unavailable,
    /// Too much at once on our side (every decoder busy, a write that kept
    /// meeting another); nothing was changed, try again shortly. 503.
    #[error("busy")]
    Busy,
    /// Malformed request that no form of ours produces. 400.
    #[error("bad request")]
    BadRequest,
    /// A bug or an outage on our side; the details are in the server log. 500.
    #[error("internal error")]
    Internal,
}

impl AppError {
    pub fn validation(field: &str, key: impl Into<ErrorKey>) -> Self {
        AppError::Validation {
            field: field.to_string(),
            key: key.into(),
        }
    }

    /// The HTTP status for this error: the only place it is decided.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Validation { .. } => 422,
            AppError::Conflict(_) => 409,
            AppError::RateLimited => 429,
            AppError::Unavailable => 503,
            AppError::Busy => 503,
            AppError::BadRequest => 400,
            AppError::Internal => 500,
        }
    }

    /// The translated message to show for this error.
    pub fn key(&self) -> ErrorKey {
        match self {
            AppError::Unauthorized => ErrorKey::SignInRequired,
            AppError::Forbidden => ErrorKey::Forbidden,
            AppError::NotFound => ErrorKey::NotFound,
            AppError::Validation { key, .. } => *key,
            AppError::Conflict(key) => *key,
            AppError::RateLimited => ErrorKey::TooManyAttempts,
            AppError::Unavailable => ErrorKey::NafathUnavailable,
            AppError::Busy => ErrorKey::Busy,
            AppError::BadRequest => ErrorKey::BadRequest,
            AppError::Internal => ErrorKey::Internal,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = server_fn_error::JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::BadRequest
            }
            ServerFnErrorErr::MissingArg(_) => AppError::BadRequest,
            _ => AppError::Internal,
        }
    }
}

/// Replaces any `error=` parameter of `path` with this one: the address a
/// failed form goes back to (and an island sends the browser to).
pub fn with_error_param(path: &str, key: &str) -> String {
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("error="))
        .collect();
    let error = format!("error={key}");
    params.push(&error);
    format!("{base}?{}", params.join("&"))
}

#[cfg(feature = "ssr")]
pub use ssr::{is_plain_form_post, respond, respond_at};

#[cfg(feature = "ssr")]
mod ssr {
    use super::{AppError, with_error_param};
    use http::header::{ACCEPT, HOST, LOCATION, REFERER};
    use http::{HeaderValue, StatusCode, request::Parts};
    use leptos::prelude::use_context;
    use leptos_axum::ResponseOptions;

    /// Finishes every server function: on error, sets the HTTP status of the
    /// error (JSON callers) or, for a plain HTML form post (no JavaScript),
    /// redirects back to the form's page with `?error=<key>` so the page can
    /// show the translated message next to what the user typed.
    pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        finish(result, None)
    }

    /// Whether the current server-function call is a plain HTML form post (no
    /// JavaScript): its errors become a redirect back to the form.
    pub fn is_plain_form_post() -> bool {
        use_context::<Parts>().is_some_and(|parts| {
            parts.uri.path().starts_with("/api/")
                && parts
                    .headers
                    .get(ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.contains("text/html"))
        })
    }

    /// Like [`respond`], but form errors go to `page` instead of back to the
    /// Referer (for requests that come from a refresh rather than a form).
    pub fn respond_at<T>(page: &str, result: Result<T, AppError>) -> Result<T, AppError> {
        finish(result, Some(page))
    }

    fn finish<T>(result: Result<T, AppError>, page: Option<&str>) -> Result<T, AppError> {
        let Err(error) = &result else {
            return result;
        };
        let (Some(parts), Some(response)) =
            (use_context::<Parts>(), use_context::<ResponseOptions>())
        else {
            return result;
        };
        if error.status() >= 500 {
            tracing::warn!(?error, path = %parts.uri.path(), "server function failed");
        }
        let accepts_html = parts
            .headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
        // Only a form posted to a server function is sent back to its page;
        // a page that fails to load keeps its address and gets the status
        // (a missing product is a 404, for people and search engines alike).
        let server_function_call = parts.uri.path().starts_with("/api/");
        if accepts_html && server_function_call {
            let back = page
                .map(str::to_string)
                .or_else(|| same_origin_back_path(&parts))
                .unwrap_or_else(|| "/".to_string());
            let location = with_error_param(&back, error.key().as_str());
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.insert_header(LOCATION, value);
                response.set_status(StatusCode::SEE_OTHER);
                return result;
            }
        }
        response.set_status(
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
        result
    }

    /// The path and query of the Referer when it is this site's own page.
    fn same_origin_back_path(parts: &Parts) -> Option<String> {
        let referer = parts.headers.get(REFERER)?.to_str().ok()?;
        let host = parts.headers.get(HOST)?.to_str().ok()?;
        let rest = referer
            .strip_prefix("http://")
            .or_else(|| referer.strip_prefix("https://"))?;
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority != host {
            return None;
        }
        Some(local_path(path))
    }

    /// A path of this site for a `Location` header: `//host/…` and `/\\host/…`
    /// would send the browser to another site (an open redirect), so they
    /// and anything not starting with one `/` become the home page.
    pub(crate) fn local_path(path: &str) -> String {
        let foreign = !path.starts_with('/')
            || path.starts_with("//")
            || path.starts_with("/\\")
            || path.chars().any(|c| c.is_control());
        if foreign {
            "/".to_string()
        } else {
            path.to_string()
        }
    }

    impl From<sqlx::Error> for AppError {
        fn from(error: sqlx::Error) -> Self {
            // Logged here, once; the client only learns that something failed,
            // or, for a conflict that outlasted its retries, to try again.
            tracing::error!(%error, "database error");
            if crate::database::is_transient(&error) {
                AppError::Busy
            } else {
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_keys_round_trip_through_urls_and_json() {
        for key in ErrorKey::ALL {
            assert_eq!(ErrorKey::parse(key.as_str()), Some(key));
            // serde's snake_case must agree with `as_str`.
            assert_eq!(
                serde_json::to_string(&key).unwrap(),
                format!("\"{}\"", key.as_str())
            );
        }
    }

    #[test]
    fn error_param_replaces_the_previous_one() {
        use super::with_error_param;
        assert_eq!(
            with_error_param("/sign-in", "forbidden"),
            "/sign-in?error=forbidden"
        );
        assert_eq!(
            with_error_param("/sign-in?next=/a&error=internal", "forbidden"),
            "/sign-in?next=/a&error=forbidden"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn redirects_stay_on_this_site() {
        use super::ssr::local_path;
        assert_eq!(local_path("/market?q=1"), "/market?q=1");
        assert_eq!(local_path("//evil.example/x"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
        assert_eq!(local_path(""), "/");
        assert_eq!(local_path("/a\nb"), "/");
    }

    #[test]
    fn every_error_has_a_client_error_status_except_internal_and_upstream() {
        let errors = [
            AppError::Unauthorized,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::validation("national_id", ErrorKey::NationalIdLength),
            AppError::Conflict(ErrorKey::SignInExpired),
            AppError::RateLimited,
            AppError::BadRequest,
        ];
        for e in errors {
            assert!((400..500).contains(&e.status()), "{e:?}");
        }
        assert_eq!(AppError::Internal.status(), 500);
        assert_eq!(AppError::Unavailable.status(), 503);
        assert_eq!(AppError::Busy.status(), 503);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(10_000))]
        #[test]
        fn error_key_parser_never_panics(input in ".*") {
            if let Some(key) = ErrorKey::parse(&input) {
                proptest::prop_assert_eq!(key.as_str(), input.as_str());
            }
        }
    }
}
