//! The family's own shop: the shop form, the product editor, sending a
//! product for review, and its photos.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::super::{Product, ProductTaps, Shop};
use crate::error::AppError;
use crate::places::{City, District};

#[cfg(feature = "ssr")]
use {
    super::super::{Availability, Category, db},
    super::optional,
    crate::audit,
    crate::error::{ErrorKey, respond},
    crate::identity::{Ctx, CurrentUser, serve},
    crate::registry::{ActingFor, SaudiPhone},
};

/// The family's shop page: the shop form and its products in every status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyShopView {
    /// The shop as the public sees it (its approved name and bio).
    pub shop: Option<Shop>,
    /// The name and bio the family wrote, while they wait for review or
    /// after a moderator refused them.
    pub text_review: Option<super::super::shop_review::ShopTextUnderReview>,
    pub products: Vec<Product>,
    /// Taps on "order on WhatsApp" of the products tapped in the last 30
    /// days (only the shop's owner sees them).
    pub taps: Vec<ProductTaps>,
    /// Every city with its districts, for the district choice.
    pub places: Vec<(City, Vec<District>)>,
    /// The household's district, the default of a new shop. (Its phone is
    /// not offered: what the public sees is only what the family writes.)
    pub household_district_id: Option<i64>,
}

/// The signed-in family member and the household they act for, if any: the
/// one they head, or the one whose head allowed them to run its shop
/// (`registry::delegates`, asked on every call).
#[cfg(feature = "ssr")]
async fn family_member(ctx: &Ctx) -> Result<(&CurrentUser, Option<ActingFor>), AppError> {
    crate::registry::delegates::acting_household(ctx).await
}

/// The shop the caller runs (their own, or their household's as its
/// allowed member), or a clear error to open one first.
#[cfg(feature = "ssr")]
async fn own_shop(ctx: &Ctx) -> Result<(&CurrentUser, db::ShopRecord), AppError> {
    let (user, _) = family_member(ctx).await?;
    let shop = db::shop_run_by(ctx.db(), user.user_id, &user.national_id)
        .await?
        .ok_or(AppError::Conflict(ErrorKey::ShopRequired))?;
    Ok((user, shop))
}

/// A member acting for the household writes what they did with its shop
/// into the household's history.
#[cfg(feature = "ssr")]
async fn note_shop_act(ctx: &Ctx, act: &str, detail: String) -> Result<(), AppError> {
    let (user, acting) = family_member(ctx).await?;
    if let Some(a) = acting.filter(|a| !a.is_head()) {
        crate::registry::db::record_act_now(
            ctx.db(),
            a.household_id,
            user.user_id,
            act,
            Some(detail),
        )
        .await?;
    }
    Ok(())
}

/// A product of the signed-in family's shop (not found: none of theirs).
#[cfg(feature = "ssr")]
async fn own_product(ctx: &Ctx, product_id: i64) -> Result<(db::ShopRecord, Product), AppError> {
    let (_, record) = own_shop(ctx).await?;
    let product = db::product(ctx.db(), product_id)
        .await?
        .filter(|p| p.shop_id == record.shop.id)
        .ok_or(AppError::NotFound)?;
    Ok((record, product))
}

/// The signed-in family's shop page.
#[server(endpoint = "get_my_shop")]
pub async fn get_my_shop() -> Result<MyShopView, AppError> {
    serve(my_shop).await
}

/// The family's shop (if opened), its products and text under review, and the places to choose from.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn my_shop(ctx: Ctx) -> Result<MyShopView, AppError> {
    let (user, acting) = family_member(&ctx).await?;
    let household_id = acting.map(|a| a.household_id);
    let db = ctx.db();
    let record = db::shop_run_by(db, user.user_id, &user.national_id).await?;
    let (products, text_review, taps) = match &record {
        Some(r) => (
            db::products_of_shop(db, r.shop.id).await?,
            db::shop_text_under_review(db, r.shop.id).await?,
            db::taps_of_shop(db, r.shop.id, crate::database::now()).await?,
        ),
        None => (Vec::new(), None, Vec::new()),
    };
    let household = match household_id {
        Some(id) => crate::registry::db::load(db, id).await?,
        None => None,
    };
    let mut places = Vec::new();
    for city in crate::places::db::list_cities(db).await? {
        let districts = crate::places::db::list_districts(db, city.id).await?;
        places.push((city, districts));
    }
    Ok(MyShopView {
        shop: record.map(|r| r.shop),
        text_review,
        products,
        taps,
        places,
        household_district_id: household.as_ref().and_then(|h| h.district_id),
    })
}

/// The shop form's fields as posted.
#[cfg(feature = "ssr")]
struct ShopForm {
    name_ar: String,
    name_en: Option<String>,
    bio: Option<String>,
    district_id: String,
    pickup: Option<String>,
    delivery: Option<String>,
    delivery_areas: Option<String>,
    delivery_fee: Option<String>,
    whatsapp_opt_in: Option<String>,
    whatsapp: Option<String>,
    public_phone: Option<String>,
    working_hours: Option<String>,
}

/// Opens or updates the family's shop.
#[server(endpoint = "save_shop")]
pub async fn save_shop(
    name_ar: String,
    name_en: Option<String>,
    bio: Option<String>,
    district_id: String,
    pickup: Option<String>,
    delivery: Option<String>,
    delivery_areas: Option<String>,
    delivery_fee: Option<String>,
    whatsapp_opt_in: Option<String>,
    whatsapp: Option<String>,
    public_phone: Option<String>,
    working_hours: Option<String>,
) -> Result<(), AppError> {
    let form = ShopForm {
        name_ar,
        name_en,
        bio,
        district_id,
        pickup,
        delivery,
        delivery_areas,
        delivery_fee,
        whatsapp_opt_in,
        whatsapp,
        public_phone,
        working_hours,
    };
    serve(|ctx| save_shop_form(ctx, form)).await
}

/// Checks the shop form and saves it (the name and bio go to review).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn save_shop_form(ctx: Ctx, form: ShopForm) -> Result<(), AppError> {
    let (user, acting) = family_member(&ctx).await?;
    let name_ar = form.name_ar.trim().chars().take(80).collect::<String>();
    if name_ar.is_empty() {
        return Err(AppError::validation("name_ar", ErrorKey::ShopNameRequired));
    }
    let district_id: i64 = form
        .district_id
        .trim()
        .parse()
        .map_err(|_| AppError::validation("district_id", ErrorKey::DistrictUnknown))?;
    if crate::places::db::city_of_district(ctx.db(), district_id)
        .await?
        .is_none()
    {
        return Err(AppError::validation(
            "district_id",
            ErrorKey::DistrictUnknown,
        ));
    }
    let pickup = form.pickup.is_some();
    let delivery = form.delivery.is_some();
    if !pickup && !delivery {
        return Err(AppError::validation("pickup", ErrorKey::PickupOrDelivery));
    }
    let delivery_fee_halalas = match optional(form.delivery_fee, 20).filter(|_| delivery) {
        Some(raw) => Some(
            crate::text::parse_riyals(&raw)
                .ok_or_else(|| AppError::validation("delivery_fee", ErrorKey::PriceInvalid))?,
        ),
        None => None,
    };
    let whatsapp = if form.whatsapp_opt_in.is_some() {
        let raw = optional(form.whatsapp, 30)
            .ok_or_else(|| AppError::validation("whatsapp", ErrorKey::PhoneFormat))?;
        Some(phone(&raw, "whatsapp")?)
    } else {
        None
    };
    let public_phone = match optional(form.public_phone, 30) {
        Some(raw) => Some(phone(&raw, "public_phone")?),
        None => None,
    };
    let input = db::ShopInput {
        name_ar,
        name_en: optional(form.name_en, 80),
        bio: optional(form.bio, 600).unwrap_or_default(),
        district_id,
        pickup,
        delivery,
        delivery_areas: optional(form.delivery_areas, 200)
            .filter(|_| delivery)
            .unwrap_or_default(),
        delivery_fee_halalas,
        whatsapp,
        public_phone,
        working_hours: optional(form.working_hours, 120).unwrap_or_default(),
    };
    let event = ctx.event(audit::action::SHOP_SAVED);
    match acting.filter(|a| !a.is_head()) {
        // A member runs the household's shop: the shop stays its owner's
        // (the head's, or whoever opened it), with the member as its producer.
        Some(a) => {
            let owner = match db::shop_of_household(ctx.db(), a.household_id).await? {
                Some(shop) => shop.owner_user_id,
                None => crate::registry::db::head_user_id(ctx.db(), a.household_id)
                    .await?
                    .ok_or(AppError::Conflict(ErrorKey::HouseholdNotRegistered))?,
            };
            db::save_shop_as(
                ctx.db(),
                owner,
                Some(a.household_id),
                Some(user.user_id),
                &input,
                Some(event),
            )
            .await?;
            note_shop_act(&ctx, "shop_saved", input.name_ar.clone()).await?;
        }
        None => {
            let household_id = acting.map(|a| a.household_id);
            db::save_shop(ctx.db(), user.user_id, household_id, &input, Some(event)).await?;
        }
    }
    leptos_axum::redirect(super::super::MY_SHOP_PAGE);
    Ok(())
}

/// A Saudi phone number in international form, or the form `field`'s error.
#[cfg(feature = "ssr")]
fn phone(raw: &str, field: &'static str) -> Result<String, AppError> {
    Ok(SaudiPhone::parse(raw)
        .map_err(|_| AppError::validation(field, ErrorKey::PhoneFormat))?
        .international()
        .to_string())
}

/// A product's editor: the product (none for a new one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductEditor {
    pub product: Option<Product>,
    /// What the family typed when the server last refused this form.
    pub draft: Option<ProductDraft>,
}

/// The product form's fields as typed, kept when the server refuses them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDraft {
    pub title_ar: String,
    pub title_en: String,
    pub description_ar: String,
    pub description_en: String,
    pub category: String,
    pub price: String,
    pub unit_ar: String,
    pub availability: String,
    pub lead_time_days: String,
}

/// The name product drafts are kept under.
#[cfg(feature = "ssr")]
const PRODUCT_FORM: &str = "product";

/// The product editor: the product (none for a new one) and, with the token
/// of a refused post, what was typed.
#[server(endpoint = "get_product_editor")]
pub async fn get_product_editor(
    product_id: Option<i64>,
    draft: Option<String>,
) -> Result<ProductEditor, AppError> {
    serve(|ctx| product_editor(ctx, product_id, draft)).await
}

/// The family's product (if any) and the draft kept under `draft`.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(product_id = product_id))]
async fn product_editor(
    ctx: Ctx,
    product_id: Option<i64>,
    draft: Option<String>,
) -> Result<ProductEditor, AppError> {
    let product = match product_id {
        Some(id) => Some(own_product(&ctx, id).await?.1),
        None => {
            own_shop(&ctx).await?;
            None
        }
    };
    let user = ctx.user()?;
    let draft = match draft {
        Some(token) => crate::ui::drafts::read(ctx.db(), user.user_id, PRODUCT_FORM, &token)
            .await?
            .and_then(|fields| serde_json::from_str::<ProductDraft>(&fields).ok()),
        None => None,
    };
    Ok(ProductEditor { product, draft })
}

/// Creates or edits a product of the family's shop; a new one starts as a draft.
/// A form post the server refuses goes back to the form with what was typed.
#[server(endpoint = "save_product")]
pub async fn save_product(
    product_id: Option<i64>,
    title_ar: String,
    title_en: Option<String>,
    description_ar: String,
    description_en: Option<String>,
    category: String,
    price: String,
    unit_ar: Option<String>,
    availability: String,
    lead_time_days: Option<String>,
) -> Result<(), AppError> {
    let typed = ProductDraft {
        title_ar,
        title_en: title_en.unwrap_or_default(),
        description_ar,
        description_en: description_en.unwrap_or_default(),
        category,
        price,
        unit_ar: unit_ar.unwrap_or_default(),
        availability,
        lead_time_days: lead_time_days.unwrap_or_default(),
    };
    // Not `serve`: a refused form post goes back to its own form with the
    // draft's token, a page known only once the draft is kept.
    let ctx = match Ctx::from_request() {
        Ok(ctx) => ctx,
        Err(error) => return respond(Err(error)),
    };
    match save_product_form(&ctx, product_id, &typed).await {
        Err(error @ AppError::Validation { .. }) if crate::error::is_plain_form_post() => {
            let form = product_id.map_or_else(
                || format!("{}/new", super::super::MY_PRODUCT_PAGE),
                super::super::edit_url,
            );
            let page = match keep_product_draft(&ctx, &typed).await {
                Some(token) => format!("{form}?draft={token}"),
                None => form,
            };
            crate::error::respond_at(&page, Err(error))
        }
        other => respond(other),
    }
}

/// Checks the product form and saves it.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(product_id = product_id))]
async fn save_product_form(
    ctx: &Ctx,
    product_id: Option<i64>,
    typed: &ProductDraft,
) -> Result<(), AppError> {
    let (_, record) = own_shop(ctx).await?;
    let title_ar = typed.title_ar.trim().chars().take(120).collect::<String>();
    if title_ar.is_empty() {
        return Err(AppError::validation("title_ar", ErrorKey::TitleRequired));
    }
    let description_ar = typed
        .description_ar
        .trim()
        .chars()
        .take(2000)
        .collect::<String>();
    if description_ar.chars().count() < 10 {
        return Err(AppError::validation(
            "description_ar",
            ErrorKey::ProductDescriptionRequired,
        ));
    }
    let category = Category::parse(&typed.category)
        .ok_or_else(|| AppError::validation("category", ErrorKey::BadRequest))?;
    let price_halalas = super::super::parse_price(&typed.price)
        .ok_or_else(|| AppError::validation("price", ErrorKey::PriceInvalid))?;
    let availability = Availability::parse(&typed.availability)
        .ok_or_else(|| AppError::validation("availability", ErrorKey::BadRequest))?;
    // An empty field is no field: `optional` drops it either way.
    let field = |value: &String| Some(value.clone());
    let lead_time_days = match optional(field(&typed.lead_time_days), 10)
        .filter(|_| availability == Availability::MadeToOrder)
    {
        Some(raw) => Some(
            crate::text::fold_digits(&raw)
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=90).contains(d))
                .ok_or_else(|| AppError::validation("lead_time_days", ErrorKey::LeadTimeInvalid))?,
        ),
        None => None,
    };
    let input = db::ProductInput {
        title_ar,
        title_en: optional(field(&typed.title_en), 120),
        description_ar,
        description_en: optional(field(&typed.description_en), 2000),
        category,
        price_halalas,
        unit_ar: optional(field(&typed.unit_ar), 40).unwrap_or_default(),
        availability,
        lead_time_days,
    };
    let id = db::save_product(ctx.db(), record.shop.id, product_id, &input).await?;
    note_shop_act(ctx, "product_saved", input.title_ar.clone()).await?;
    leptos_axum::redirect(&super::super::edit_url(id));
    Ok(())
}

/// Keeps what was typed into a refused product form; `None` if it cannot
/// (the form then comes back empty, as before drafts existed).
#[cfg(feature = "ssr")]
async fn keep_product_draft(ctx: &Ctx, typed: &ProductDraft) -> Option<String> {
    let user = ctx.user.as_ref()?;
    let fields = serde_json::to_string(typed).ok()?;
    match crate::ui::drafts::keep(ctx.db(), user.user_id, PRODUCT_FORM, &fields).await {
        Ok(token) => Some(token),
        Err(error) => {
            tracing::error!(%error, "keeping a product draft failed");
            None
        }
    }
}

/// Sends a draft (or a rejected product, after edits) for review.
#[server(endpoint = "submit_product")]
pub async fn submit_product(product_id: i64) -> Result<(), AppError> {
    serve(|ctx| submit(ctx, product_id)).await
}

/// Sends the family's product for review; it needs a photo first.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(product_id = product_id))]
async fn submit(ctx: Ctx, product_id: i64) -> Result<(), AppError> {
    let (record, product) = own_product(&ctx, product_id).await?;
    if product.photos.is_empty() {
        return Err(AppError::Conflict(ErrorKey::PhotoRequired));
    }
    let event = ctx
        .event(audit::action::PRODUCT_SUBMITTED)
        .subject("product", product_id);
    db::submit_for_review(ctx.db(), record.shop.id, product_id, Some(event)).await?;
    note_shop_act(&ctx, "product_submitted", product.title_ar.clone()).await?;
    leptos_axum::redirect(&super::super::edit_url(product_id));
    Ok(())
}

/// Makes a photo the cover, or removes it (and its files).
#[server(endpoint = "change_photo")]
pub async fn change_photo(product_id: i64, photo_id: i64, action: String) -> Result<(), AppError> {
    serve(|ctx| photo_change(ctx, product_id, photo_id, action)).await
}

/// Sets the cover of the family's product, or removes one of its photos.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(product_id = product_id, photo_id = photo_id))]
async fn photo_change(
    ctx: Ctx,
    product_id: i64,
    photo_id: i64,
    action: String,
) -> Result<(), AppError> {
    own_product(&ctx, product_id).await?;
    match action.as_str() {
        "cover" => db::set_cover(ctx.db(), product_id, photo_id).await?,
        "remove" => {
            let (key, width) = db::remove_photo(ctx.db(), product_id, photo_id).await?;
            ctx.state.photos.remove(&key, width).await;
        }
        _ => return Err(AppError::validation("action", ErrorKey::BadRequest)),
    }
    leptos_axum::redirect(&super::super::edit_url(product_id));
    Ok(())
}
