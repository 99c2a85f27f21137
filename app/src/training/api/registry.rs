//! The shared trainer registry, follow-up flags, and the council's training
//! centers and their staff.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::training::{Provider, Trainer};

#[cfg(feature = "ssr")]
use {
    super::access::{choosable_providers, require_provider, training_role},
    super::form::field,
    crate::audit,
    crate::error::ErrorKey,
    crate::identity::{Ctx, Requirement, RoleKind, serve},
    crate::training::{Specialty, db},
};

/// The shared trainer registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainersView {
    /// One page of the registry, by name.
    pub trainers: Vec<Trainer>,
    pub specialty: Option<String>,
    /// Trainers in all (of the specialty), and where this page stands among them.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    /// The providers this person may add trainers for.
    pub providers: Vec<Provider>,
    /// Whether the form offers to link a trainer to a person's account (the council).
    pub may_link_accounts: bool,
}

/// Trainers shown per page of the registry.
pub const TRAINERS_PER_PAGE: i64 = 30;

/// Visible to every association's staff, every provider and every trainer.
#[server(endpoint = "get_trainers")]
pub async fn get_trainers(
    specialty: Option<String>,
    page: Option<i64>,
) -> Result<TrainersView, AppError> {
    serve(|ctx| trainers(ctx, specialty, page)).await
}

/// The registry, optionally of one specialty.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn trainers(
    ctx: Ctx,
    specialty: Option<String>,
    page: Option<i64>,
) -> Result<TrainersView, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    // For anyone but the council these are exactly the providers they act for.
    let providers = choosable_providers(ctx.db(), user).await?;
    if !training_role(user) && providers.is_empty() {
        return Err(ctx.deny("trainer registry").await);
    }
    let wanted = specialty.as_deref().and_then(Specialty::parse);
    let total = db::trainers_count(ctx.db(), wanted).await?;
    let (page, pages, offset) = crate::ui::page_window(total, TRAINERS_PER_PAGE, page);
    Ok(TrainersView {
        trainers: db::trainers(ctx.db(), wanted, TRAINERS_PER_PAGE, offset).await?,
        specialty,
        total,
        page,
        pages,
        providers,
        may_link_accounts: user.is_council_admin(),
    })
}

/// The trainer form as posted.
#[cfg(feature = "ssr")]
struct TrainerForm {
    provider_id: i64,
    name_ar: String,
    name_en: Option<String>,
    specialties: Vec<String>,
    qualifications: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    national_id: Option<String>,
}

/// Adds a trainer to the registry for one of the caller's providers. When a
/// national ID is given and that person has an account, the trainer record is
/// theirs (they take attendance of their courses).
#[server(endpoint = "save_trainer")]
pub async fn save_trainer(
    provider_id: i64,
    name_ar: String,
    name_en: Option<String>,
    #[server(default)] specialties: Vec<String>,
    qualifications: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    national_id: Option<String>,
) -> Result<(), AppError> {
    let form = TrainerForm {
        provider_id,
        name_ar,
        name_en,
        specialties,
        qualifications,
        phone,
        email,
        national_id,
    };
    serve(|ctx| add_trainer(ctx, form)).await
}

/// Validates and saves the trainer (audited); the council may link an account.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(provider_id = form.provider_id))]
async fn add_trainer(ctx: Ctx, form: TrainerForm) -> Result<(), AppError> {
    let db = ctx.db();
    let user = ctx.require(Requirement::SignedIn).await?;
    require_provider(&ctx, form.provider_id).await?;
    let name_ar = field(Some(form.name_ar), 120)
        .ok_or_else(|| AppError::validation("name_ar", ErrorKey::TrainerNameRequired))?;
    let phone = match field(form.phone, 30) {
        Some(raw) => Some(
            crate::registry::SaudiPhone::parse(&raw)
                .map_err(|_| AppError::validation("phone", ErrorKey::PhoneFormat))?
                .international()
                .to_string(),
        ),
        None => None,
    };
    // Linking a record to a person's account makes them a trainer (the
    // role, and the attendance of that record's courses): the council
    // decides it. A provider's save makes a new, unlinked record, so it can
    // never rewrite a trainer another provider owns.
    let user_id = match field(form.national_id, 20) {
        Some(raw) => {
            let id = crate::identity::NationalId::parse(&raw)
                .map_err(|e| AppError::validation("national_id", e))?;
            if !user.is_council_admin() {
                return Err(AppError::validation(
                    "national_id",
                    ErrorKey::TrainerLinkByCouncil,
                ));
            }
            let (account, _) = crate::identity::db::grant_role(
                db,
                &id,
                RoleKind::Trainer,
                None,
                Some(user.user_id),
                Some(&ctx.client_ip),
            )
            .await
            .map_err(|_| AppError::Internal)?;
            Some(account)
        }
        None => None,
    };
    let input = db::TrainerInput {
        user_id,
        name_ar,
        name_en: field(form.name_en, 120).unwrap_or_default(),
        specialties: form
            .specialties
            .iter()
            .filter_map(|s| Specialty::parse(s))
            .collect(),
        qualifications: field(form.qualifications, 600).unwrap_or_default(),
        phone,
        email: field(form.email, 120),
        provider_id: form.provider_id,
    };
    // The trainer is the subject once saved (its id is new).
    let event = ctx.event(audit::action::TRAINER_SAVED);
    db::save_trainer(db, &input, Some(user.user_id), Some(event)).await?;
    leptos_axum::redirect(crate::training::TRAINERS_PAGE);
    Ok(())
}

/// Closes a follow-up flag: staff of an association linked to the household,
/// or the council.
#[server(endpoint = "resolve_follow_up")]
pub async fn resolve_follow_up(flag_id: i64) -> Result<(), AppError> {
    serve(|ctx| resolve_flag(ctx, flag_id)).await
}

/// Closes the flag when the caller serves its household (audited).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(flag_id = flag_id))]
async fn resolve_flag(ctx: Ctx, flag_id: i64) -> Result<(), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let household = db::flag_household(ctx.db(), flag_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let linked = crate::registry::db::associations_serving(ctx.db(), household).await?;
    let allowed =
        user.is_council_admin() || user.association_ids().iter().any(|id| linked.contains(id));
    if !allowed {
        return Err(ctx.deny(format!("resolve follow-up flag {flag_id}")).await);
    }
    let event = ctx
        .event(audit::action::FOLLOW_UP_RESOLVED)
        .acting_for(user.association_ids().first().copied())
        .subject("household", household);
    db::resolve_flag(ctx.db(), flag_id, user.user_id, Some(event)).await?;
    leptos_axum::redirect(crate::training::MANAGE_PAGE);
    Ok(())
}

/// The council registers a training center.
#[server(endpoint = "register_center")]
pub async fn register_center(name_ar: String, name_en: Option<String>) -> Result<(), AppError> {
    serve(|ctx| add_center(ctx, name_ar, name_en)).await
}

/// Registers the center (audited), or finds it by its Arabic name.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn add_center(ctx: Ctx, name_ar: String, name_en: Option<String>) -> Result<(), AppError> {
    ctx.require(Requirement::CouncilAdmin).await?;
    let name_ar = field(Some(name_ar), 120)
        .ok_or_else(|| AppError::validation("name_ar", ErrorKey::TitleRequired))?;
    // The center is the subject once saved (its id may be new).
    let event = ctx.event(audit::action::PROVIDER_SAVED);
    db::upsert_center(
        ctx.db(),
        &name_ar,
        &field(name_en, 120).unwrap_or_default(),
        Some(event),
    )
    .await?;
    leptos_axum::redirect(crate::training::MANAGE_PAGE);
    Ok(())
}

/// The council lists a person (who has signed in at least once) as staff of a
/// training center: they then create and manage its courses.
#[server(endpoint = "add_center_staff")]
pub async fn add_center_staff(provider_id: i64, national_id: String) -> Result<(), AppError> {
    serve(|ctx| add_staff(ctx, provider_id, national_id)).await
}

/// Lists the person as the center's staff (audited) and gives them the
/// trainer role, which opens the training area.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(provider_id = provider_id))]
async fn add_staff(ctx: Ctx, provider_id: i64, national_id: String) -> Result<(), AppError> {
    let user = ctx.require(Requirement::CouncilAdmin).await?;
    let id = crate::identity::NationalId::parse(&national_id)
        .map_err(|e| AppError::validation("national_id", e))?;
    if !db::centers(ctx.db())
        .await?
        .iter()
        .any(|(p, _)| p.id == provider_id)
    {
        return Err(AppError::NotFound);
    }
    let staff = db::user_by_national_id(ctx.db(), id.as_str())
        .await?
        .ok_or(AppError::Conflict(ErrorKey::AccountNotFound))?;
    let event = ctx
        .event(audit::action::PROVIDER_SAVED)
        .subject("training_provider", provider_id)
        .detail(format!("staff user {staff}"));
    db::add_provider_staff(ctx.db(), provider_id, staff, Some(event)).await?;
    // The trainer role opens the training area in their navigation; what
    // they may manage still comes from provider_staff.
    crate::identity::db::grant_role(
        ctx.db(),
        &id,
        RoleKind::Trainer,
        None,
        Some(user.user_id),
        Some(&ctx.client_ip),
    )
    .await
    .map_err(|_| AppError::Internal)?;
    leptos_axum::redirect(crate::training::MANAGE_PAGE);
    Ok(())
}
