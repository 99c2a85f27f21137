//! Server functions shared by every page.

use leptos::prelude::*;

use crate::error::AppError;

/// The cookie leptos_i18n reads to choose the language.
pub const LANGUAGE_COOKIE: &str = "i18n_pref_locale";

/// Keeps the chosen language ("ar" or "en") in a cookie for a year and sends
/// the browser back to the page it came from.
#[server(endpoint = "set_language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    crate::error::respond(set_language_inner(lang))
}

/// Sets the cookie. Not a `Ctx` body: `ui` is core, below identity (the
/// floors), and the switch needs neither a person nor an audit row.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
fn set_language_inner(lang: String) -> Result<(), AppError> {
    use cookie::{Cookie, SameSite};
    if lang != "ar" && lang != "en" {
        return Err(AppError::BadRequest);
    }
    let secure = crate::state::app_state()?.settings.secure_cookies();
    let cookie = Cookie::build((LANGUAGE_COOKIE, lang))
        .path("/")
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(cookie::time::Duration::days(365))
        .build();
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(
            http::header::SET_COOKIE,
            http::HeaderValue::from_str(&cookie.to_string()).map_err(|_| AppError::BadRequest)?,
        );
    }
    Ok(())
}
