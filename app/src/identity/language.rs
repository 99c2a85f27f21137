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
