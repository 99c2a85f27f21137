//! The council's server functions: associations, their admins, the catalogue.
//! Every one requires the council admin, checked here whatever the page shows.

use leptos::prelude::*;

use super::{AssociationPage, AssociationSummary};
use crate::assistance::CatalogueEntry;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{AssociationInput, db, parse_cooldown, validate_association},
    crate::assistance::{self, db::TypeFields, is_valid_code},
    crate::associations::{self, AssociationStatus, db::SaveError},
    crate::audit::action,
    crate::error::ErrorKey,
    crate::identity::{Ctx, NationalId, Requirement, RoleKind, serve},
    crate::paths::{ASSOCIATION_PAGE, CATALOGUE_PAGE},
};

/// Every association with its people and coverage counts.
#[server(endpoint = "get_associations")]
pub async fn get_associations() -> Result<Vec<AssociationSummary>, AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::CouncilAdmin).await?;
        Ok(db::summaries(ctx.db()).await?)
    })
    .await
}

/// One association's card, admins and open lines; `None`: a new one's form.
#[server(endpoint = "get_association_page")]
pub async fn get_association_page(id: Option<i64>) -> Result<AssociationPage, AppError> {
    serve(|ctx| association_page(ctx, id)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn association_page(ctx: Ctx, id: Option<i64>) -> Result<AssociationPage, AppError> {
    ctx.require(Requirement::CouncilAdmin).await?;
    let db = ctx.db();
    let cities = crate::places::db::list_cities(db).await?;
    let Some(id) = id else {
        return Ok(AssociationPage {
            profile: None,
            admins: Vec::new(),
            open_lines: 0,
            cities,
        });
    };
    let profile = associations::db::profile(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(AssociationPage {
        profile: Some(profile),
        admins: db::admins_of(db, id).await?,
        open_lines: db::open_lines(db, id).await?,
        cities,
    })
}

/// Creates (no `id`) or edits an association; goes to its page.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "save_association")]
pub async fn save_association(
    id: Option<i64>,
    licence_number: String,
    name_ar: String,
    name_en: String,
    city_id: Option<String>,
    contact_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
) -> Result<(), AppError> {
    let input = AssociationInput {
        licence_number,
        name_ar,
        name_en,
        city_id,
        contact_name,
        phone,
        email,
    };
    serve(|ctx| save(ctx, id, input)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn save(ctx: Ctx, id: Option<i64>, input: AssociationInput) -> Result<(), AppError> {
    ctx.require(Requirement::CouncilAdmin).await?;
    let fields =
        validate_association(input).map_err(|(field, key)| AppError::validation(field, key))?;
    let taken = |e: SaveError| match e {
        SaveError::LicenceTaken => AppError::Conflict(ErrorKey::LicenceTaken),
        SaveError::Database(e) => e.into(),
    };
    let id = match id {
        Some(id) => {
            if !associations::db::update(ctx.db(), id, &fields)
                .await
                .map_err(taken)?
            {
                return Err(AppError::NotFound);
            }
            id
        }
        None => associations::db::create(ctx.db(), &fields)
            .await
            .map_err(taken)?,
    };
    let event = ctx
        .event(action::ASSOCIATION_SAVED)
        .subject("association", id)
        .acting_for(Some(id));
    crate::audit::record(ctx.db(), event).await?;
    leptos_axum::redirect(&format!("{ASSOCIATION_PAGE}/{id}"));
    Ok(())
}

/// Suspends (`suspend` = "true") or reactivates an association. Suspended,
/// its staff lose access on their next request, its coverage stops routing
/// and its open lines wait in the council's queue; nothing is deleted, and
/// reactivating gives it all back. A suspension needs a reason.
#[server(endpoint = "set_association_status")]
pub async fn set_association_status(
    association_id: i64,
    suspend: bool,
    reason: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| set_status(ctx, association_id, suspend, reason)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn set_status(
    ctx: Ctx,
    association_id: i64,
    suspend: bool,
    reason: Option<String>,
) -> Result<(), AppError> {
    ctx.require(Requirement::CouncilAdmin).await?;
    let reason = reason
        .map(|r| r.trim().chars().take(500).collect::<String>())
        .filter(|r| !r.is_empty());
    if suspend && reason.is_none() {
        return Err(AppError::validation("reason", ErrorKey::ReasonRequired));
    }
    let (status, audited) = if suspend {
        (AssociationStatus::Suspended, action::ASSOCIATION_SUSPENDED)
    } else {
        (AssociationStatus::Active, action::ASSOCIATION_REACTIVATED)
    };
    if associations::db::profile(ctx.db(), association_id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    if associations::db::set_status(ctx.db(), association_id, status, reason.as_deref()).await? {
        let event = ctx
            .event(audited)
            .subject("association", association_id)
            .acting_for(Some(association_id))
            .detail(reason.unwrap_or_default());
        crate::audit::record(ctx.db(), event).await?;
    }
    leptos_axum::redirect(&format!("{ASSOCIATION_PAGE}/{association_id}"));
    Ok(())
}

/// Appoints the holder of a national ID as an admin of an association. A
/// person never seen before is created unverified: the invitation shows as
/// pending until their first Nafath sign-in, which fills in their name.
#[server(endpoint = "appoint_association_admin")]
pub async fn appoint_association_admin(
    association_id: i64,
    national_id: String,
) -> Result<(), AppError> {
    serve(|ctx| appoint(ctx, association_id, national_id)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn appoint(ctx: Ctx, association_id: i64, national_id: String) -> Result<(), AppError> {
    let actor = ctx.require(Requirement::CouncilAdmin).await?;
    let national_id =
        NationalId::parse(&national_id).map_err(|e| AppError::validation("national_id", e))?;
    crate::identity::db::grant_role(
        ctx.db(),
        &national_id,
        RoleKind::AssociationAdmin,
        Some(association_id),
        Some(actor.user_id),
        Some(&ctx.client_ip),
    )
    .await
    .map_err(|e| match e {
        crate::identity::db::GrantError::Database(e) => AppError::from(e),
        crate::identity::db::GrantError::UnknownAssociation(_) => AppError::NotFound,
        _ => AppError::BadRequest,
    })?;
    leptos_axum::redirect(&format!("{ASSOCIATION_PAGE}/{association_id}"));
    Ok(())
}

/// The whole assistance catalogue, retired types included.
#[server(endpoint = "get_catalogue")]
pub async fn get_catalogue() -> Result<Vec<CatalogueEntry>, AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::CouncilAdmin).await?;
        Ok(assistance::db::catalogue(ctx.db()).await?)
    })
    .await
}

/// Adds a type (no `id`, with a `code`) or saves one. A retired type is no
/// longer offered to families or in the coverage matrix; its lines and
/// benefits stay.
#[allow(clippy::too_many_arguments)]
#[server(endpoint = "save_assistance_type")]
pub async fn save_assistance_type(
    id: Option<i64>,
    code: Option<String>,
    name_ar: String,
    name_en: String,
    cooldown_days: String,
    asks_amount: Option<String>,
    active: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::CouncilAdmin).await?;
        let name_ar = name_ar.trim().to_string();
        let name_en = name_en.trim().to_string();
        for (field, name) in [("name_ar", &name_ar), ("name_en", &name_en)] {
            if name.is_empty() || name.chars().count() > 150 {
                return Err(AppError::validation(field, ErrorKey::NameRequired));
            }
        }
        let fields = TypeFields {
            name_ar,
            name_en,
            cooldown_days: parse_cooldown(&cooldown_days)
                .ok_or_else(|| AppError::validation("cooldown_days", ErrorKey::CooldownInvalid))?,
            asks_amount: asks_amount.is_some(),
            active: active.is_some(),
        };
        let id = match id {
            Some(id) => {
                if !assistance::db::update_type(ctx.db(), id, &fields).await? {
                    return Err(AppError::NotFound);
                }
                id
            }
            None => {
                let code = code.unwrap_or_default().trim().to_string();
                if !is_valid_code(&code) {
                    return Err(AppError::validation("code", ErrorKey::CodeInvalid));
                }
                assistance::db::add_type(ctx.db(), &code, &fields)
                    .await?
                    .ok_or(AppError::Conflict(ErrorKey::CodeTaken))?
            }
        };
        let event = ctx
            .event(action::ASSISTANCE_TYPE_SAVED)
            .subject("assistance_type", id)
            .detail(if fields.active { "active" } else { "retired" });
        crate::audit::record(ctx.db(), event).await?;
        leptos_axum::redirect(CATALOGUE_PAGE);
        Ok(())
    })
    .await
}
