//! Moderation: the queue of what waits for review, a moderator's decision on
//! a product, and the council's featured products. Who moderates a shop is
//! decided once, in [`moderates`].

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::super::{Product, Shop};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::super::{Moderation, db},
    super::optional,
    crate::associations::Association,
    crate::audit::{self, ListRead},
    crate::error::ErrorKey,
    crate::identity::{Ctx, CurrentUser, Requirement, serve},
};

/// A product waiting for review, as the public would see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingItem {
    pub product: Product,
    pub shop: Shop,
}

/// The moderators' queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModerationView {
    pub items: Vec<PendingItem>,
    /// Shops whose new name or bio waits for review.
    pub shops: Vec<super::super::shop_review::PendingShopText>,
    /// Whose queue: an association's name, or `None` for the council's.
    pub association: Option<crate::associations::Association>,
    /// Products waiting in all, and where this page stands among them.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// Products shown per page of the moderation queue.
pub const MODERATION_PER_PAGE: i64 = 20;

/// Refuses a caller who moderates nothing here; audited like a missing
/// council role, which is what would have let them in.
#[cfg(feature = "ssr")]
async fn refuse(ctx: &Ctx) -> AppError {
    ctx.deny(format!("{:?}", Requirement::CouncilAdmin)).await
}

/// The association a staff member moderates for, or the council (`None`).
#[cfg(feature = "ssr")]
pub(crate) async fn moderator(ctx: &Ctx) -> Result<(&CurrentUser, Option<Association>), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    if let Some(id) = user.association_ids().first() {
        let association = crate::associations::db::list(ctx.db())
            .await?
            .into_iter()
            .find(|a| a.id == *id);
        return Ok((user, association));
    }
    if user.is_council_admin() {
        return Ok((user, None));
    }
    Err(refuse(ctx).await)
}

/// Whether `user` moderates the shop of this household: the council, or
/// staff of an association linked to the household (a line or a benefit).
/// The one rule for moderating a shop, its products and its photos.
#[cfg(feature = "ssr")]
pub(crate) async fn moderates(
    db: &crate::database::Db,
    user: &CurrentUser,
    household_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    if user.is_council_admin() {
        return Ok(true);
    }
    if user.association_ids().is_empty() {
        return Ok(false);
    }
    let moderators = db::moderating_associations(db, household_id).await?;
    Ok(user
        .association_ids()
        .iter()
        .any(|id| moderators.contains(id)))
}

/// Refuses the caller (already a [`moderator`]) unless they moderate this
/// household's shop (the refusal is audited); the association they act for.
#[cfg(feature = "ssr")]
pub(crate) async fn require_moderates(
    ctx: &Ctx,
    household_id: Option<i64>,
) -> Result<Option<i64>, AppError> {
    let user = ctx.user()?;
    if !moderates(ctx.db(), user, household_id).await? {
        return Err(refuse(ctx).await);
    }
    Ok(user.association_ids().first().copied())
}

/// The caller's moderation queue (an association's, or the council's).
#[server(endpoint = "get_moderation_queue")]
pub async fn get_moderation_queue(page: Option<i64>) -> Result<ModerationView, AppError> {
    serve(|ctx| moderation_queue(ctx, page)).await
}

/// What waits for the caller's review: products and shop texts (a list read).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn moderation_queue(ctx: Ctx, page: Option<i64>) -> Result<ModerationView, AppError> {
    let (_, association) = moderator(&ctx).await?;
    let association_id = association.as_ref().map(|a| a.id);
    let total = db::moderation_count(ctx.db(), association_id).await?;
    let (page, pages, offset) = crate::ui::page_window(total, MODERATION_PER_PAGE, page);
    // Shop texts are few (one per shop at most): all on the first page.
    let shops = match page {
        1 => db::pending_shop_texts(ctx.db(), association_id, 50).await?,
        _ => Vec::new(),
    };
    let items: Vec<PendingItem> =
        db::moderation_queue(ctx.db(), association_id, MODERATION_PER_PAGE, offset)
            .await?
            .into_iter()
            .map(|p| PendingItem {
                product: p.product,
                shop: p.shop,
            })
            .collect();
    // Families' shops and products, before they are public: a list read.
    let shop_ids: Vec<i64> = items
        .iter()
        .map(|i| i.shop.id)
        .chain(shops.iter().map(|s| s.shop_id))
        .collect();
    let households = db::households_of_shops(ctx.db(), &shop_ids).await?;
    ctx.record_list_read(
        association_id,
        ListRead::shown("moderation_queue", items.len() + shops.len()).of(households),
    )
    .await?;
    Ok(ModerationView {
        items,
        shops,
        association,
        total,
        page,
        pages,
    })
}

/// Approves, rejects (with a reason) or hides (with a reason) a product. Only
/// staff of an association linked to the household, or the council.
#[server(endpoint = "moderate_product")]
pub async fn moderate_product(
    product_id: i64,
    decision: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| moderate(ctx, product_id, decision, reason)).await
}

/// A moderator's decision on a product, audited with the status change.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(product_id = product_id))]
async fn moderate(
    ctx: Ctx,
    product_id: i64,
    decision: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    // Who may moderate at all comes first: a stranger learns nothing of ids.
    moderator(&ctx).await?;
    let db = ctx.db();
    let product = db::product(db, product_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let record = db::shop(db, product.shop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let acting_for = require_moderates(&ctx, record.household_id).await?;
    let decision = Moderation::parse(&decision)
        .ok_or_else(|| AppError::validation("decision", ErrorKey::BadRequest))?;
    let reason = optional(reason, 500);
    if decision != Moderation::Approve && reason.is_none() {
        return Err(AppError::validation("reason", ErrorKey::ReasonRequired));
    }
    let to = decision
        .apply(product.status)
        .ok_or(AppError::Conflict(ErrorKey::ProductStatusWrong))?;
    let event = ctx
        .event(audit::action::PRODUCT_MODERATED)
        .subject("product", product_id)
        .acting_for(acting_for)
        .detail(format!("{} → {}", product.status.as_str(), to.as_str()));
    db::set_status(
        db,
        product_id,
        product.status,
        to,
        reason.as_deref(),
        Some(event),
    )
    .await?;
    leptos_axum::redirect(super::super::MODERATION_PAGE);
    Ok(())
}

/// The council features a published product on the marketplace home, or stops featuring it.
#[server(endpoint = "feature_product")]
pub async fn feature_product(product_id: i64, featured: bool) -> Result<(), AppError> {
    serve(|ctx| feature(ctx, product_id, featured)).await
}

/// Features or unfeatures a published product (the council only).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(product_id = product_id))]
async fn feature(ctx: Ctx, product_id: i64, featured: bool) -> Result<(), AppError> {
    ctx.require(Requirement::CouncilAdmin).await?;
    let event = ctx
        .event(audit::action::PRODUCT_MODERATED)
        .subject("product", product_id)
        .detail(if featured { "featured" } else { "unfeatured" });
    db::set_featured(ctx.db(), product_id, featured, Some(event)).await?;
    leptos_axum::redirect(&super::super::product_url(product_id));
    Ok(())
}
