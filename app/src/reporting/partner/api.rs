//! The council's server functions for partner tokens: the list, creation
//! (the secret is shown once) and revocation. Every one requires the
//! council admin, checked here whatever the page shows.
//!
//! The secret reaches the page once without JavaScript: creation puts it
//! in a short-lived cookie (HttpOnly, `SameSite=Lax`, `Secure` and
//! `__Host-` outside development, two minutes) and goes back to the page,
//! whose load reads it, shows it and deletes the cookie in the same answer
//! (`no-store`, as every signed-in page). The server keeps only its hash.
//! A script calling the function gets the secret in the JSON answer instead.

use leptos::prelude::*;

use super::{NewSecret, PartnersPage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{SECRET_PREFIX, Scope, clean_name, db},
    crate::audit::action,
    crate::database::now,
    crate::error::{ErrorKey, is_plain_form_post},
    crate::identity::session::{self, CookieLife},
    crate::identity::{Ctx, Requirement, serve},
    crate::paths::PARTNERS_PAGE,
    crate::state::Settings,
};

/// The cookie carrying a new token's secret to the page, once.
#[cfg(feature = "ssr")]
fn secret_cookie(settings: &Settings) -> &'static str {
    if settings.secure_cookies() {
        "__Host-takamul_partner_secret"
    } else {
        "takamul_partner_secret"
    }
}

/// The partners page: every token, the associations to tie one to, and
/// the secret of the token just created (once).
#[server(endpoint = "get_partner_tokens")]
pub async fn get_partner_tokens() -> Result<PartnersPage, AppError> {
    serve(partners_page).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn partners_page(ctx: Ctx) -> Result<PartnersPage, AppError> {
    ctx.require(Requirement::CouncilAdmin).await?;
    let settings = &ctx.state.settings;
    let cookie = secret_cookie(settings);
    let new_secret = match session::request_cookie(cookie) {
        Some(value) => {
            session::set_response_cookie(cookie, "", CookieLife::Delete, settings.secure_cookies());
            value.split_once(':').and_then(|(id, secret)| {
                (super::looks_like_secret(secret)).then(|| NewSecret {
                    token_id: id.parse().unwrap_or_default(),
                    secret: secret.to_string(),
                })
            })
        }
        None => None,
    };
    Ok(PartnersPage {
        tokens: db::tokens(ctx.db(), now()).await?,
        associations: crate::reporting::db::associations(ctx.db()).await?,
        new_secret,
    })
}

/// Creates a token for a partner: `scope` `indicators` (aggregates only) or
/// `households` (with the look-up, tied to `association`). Answers its
/// secret, the only time it exists outside the partner's hands.
#[server(endpoint = "create_partner_token")]
pub async fn create_partner_token(
    #[server(default)] partner_name_ar: String,
    #[server(default)] partner_name_en: String,
    #[server(default)] scope: String,
    #[server(default)] association: Option<String>,
) -> Result<NewSecret, AppError> {
    serve(|ctx| create(ctx, partner_name_ar, partner_name_en, scope, association)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn create(
    ctx: Ctx,
    name_ar: String,
    name_en: String,
    scope: String,
    association: Option<String>,
) -> Result<NewSecret, AppError> {
    ctx.require(Requirement::CouncilAdmin).await?;
    let (name_ar, name_en) = (clean_name(&name_ar), clean_name(&name_en));
    if name_ar.is_empty() {
        return Err(AppError::validation(
            "partner_name_ar",
            ErrorKey::NameRequired,
        ));
    }
    if name_en.is_empty() {
        return Err(AppError::validation(
            "partner_name_en",
            ErrorKey::NameRequired,
        ));
    }
    let scope = Scope::parse(&scope).ok_or(AppError::BadRequest)?;
    let association_id = match scope {
        Scope::Indicators => None,
        Scope::Households => {
            let id = association
                .as_deref()
                .and_then(|a| a.trim().parse::<i64>().ok())
                .ok_or_else(|| {
                    AppError::validation("association", ErrorKey::PartnerAssociationRequired)
                })?;
            if !db::association_exists(ctx.db(), id).await? {
                return Err(AppError::validation(
                    "association",
                    ErrorKey::PartnerAssociationRequired,
                ));
            }
            Some(id)
        }
    };
    let secret = format!("{SECRET_PREFIX}{}", session::new_token());
    let token = db::NewToken {
        partner_name_ar: name_ar,
        partner_name_en: name_en,
        scope,
        association_id,
        secret_sha256: session::hash_token(&secret),
    };
    let event = ctx.event(action::PARTNER_TOKEN_CREATED);
    let token_id = db::create(ctx.db(), &token, event, now()).await?;
    if is_plain_form_post() {
        let settings = &ctx.state.settings;
        session::set_response_cookie(
            secret_cookie(settings),
            &format!("{token_id}:{secret}"),
            CookieLife::Seconds(120),
            settings.secure_cookies(),
        );
        leptos_axum::redirect(&format!("{PARTNERS_PAGE}#new-secret"));
    }
    Ok(NewSecret { token_id, secret })
}

/// Revokes a token: its next call is refused (401).
#[server(endpoint = "revoke_partner_token")]
pub async fn revoke_partner_token(token_id: i64) -> Result<(), AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::CouncilAdmin).await?;
        let event = ctx.event(action::PARTNER_TOKEN_REVOKED);
        if !db::revoke(ctx.db(), token_id, event, now()).await? {
            return Err(AppError::NotFound);
        }
        if is_plain_form_post() {
            leptos_axum::redirect(PARTNERS_PAGE);
        }
        Ok(())
    })
    .await
}
