//! The language a person reads the site in: a cookie, kept for a year.

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::identity::{Ctx, serve};

/// Keeps the chosen language ("ar" or "en") in a cookie for a year and sends
/// the browser back to the page it came from. Anyone may switch, signed in
/// or not; nothing is audited.
#[server(endpoint = "set_language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    serve(|ctx| remember_language(ctx, lang)).await
}

/// Sets the cookie leptos_i18n reads ([`crate::ui::LANGUAGE_COOKIE`]).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn remember_language(ctx: Ctx, lang: String) -> Result<(), AppError> {
    use cookie::{Cookie, SameSite};
    if lang != "ar" && lang != "en" {
        return Err(AppError::BadRequest);
    }
    let cookie = Cookie::build((crate::ui::LANGUAGE_COOKIE, lang))
        .path("/")
        .same_site(SameSite::Lax)
        .secure(ctx.state.settings.secure_cookies())
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

/// The language a request is answered in, by the same rules as the i18n
/// context: the chosen language's cookie, else the browser's languages in
/// the order it gives them, else Arabic. For answers rendered outside a
/// page (files, cached pages).
#[cfg(feature = "ssr")]
pub fn request_locale(headers: &http::HeaderMap) -> crate::i18n::Locale {
    let chosen = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == crate::ui::LANGUAGE_COOKIE)
        .map(|(_, value)| value);
    locale_of(headers, chosen)
}

/// The language for this chosen value (a cookie's), else the browser's.
#[cfg(feature = "ssr")]
pub fn locale_of(headers: &http::HeaderMap, chosen: Option<&str>) -> crate::i18n::Locale {
    use crate::i18n::Locale;
    use leptos_i18n::Locale as _;
    if let Some(locale) = chosen.and_then(|value| value.parse::<Locale>().ok()) {
        return locale;
    }
    let accepted = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let languages: Vec<&str> = accepted
        .split(',')
        .map(|part| part.split(';').next().unwrap_or_default().trim())
        .filter(|language| !language.is_empty())
        .collect();
    Locale::find_locale(&languages)
}
