//! Server functions of the marketplace: public browsing (no account), the
//! family's shop and products, and moderation by the household's association
//! (or the council).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Product, ProductCard, SearchQuery, Shop};
use crate::error::AppError;
use crate::places::{City, District};

#[cfg(feature = "ssr")]
use {
    super::db::{self, MarketError},
    super::{Availability, Category, Moderation, ProductStatus, SearchSort},
    crate::audit::{self, AuditEvent},
    crate::error::{ErrorKey, respond},
    crate::identity::{CurrentUser, Requirement, session},
    crate::registry::SaudiPhone,
    crate::state::{AppState, app_state},
};

#[cfg(feature = "ssr")]
impl From<MarketError> for AppError {
    fn from(error: MarketError) -> Self {
        match error {
            MarketError::WrongStatus => AppError::Conflict(ErrorKey::ProductStatusWrong),
            MarketError::TooManyPhotos => AppError::Conflict(ErrorKey::TooManyPhotos),
            MarketError::NotFound => AppError::NotFound,
            MarketError::Database(e) => e.into(),
        }
    }
}

/// A district and how many shops in it have something published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictLink {
    pub id: i64,
    pub name_ar: String,
    pub name_en: String,
    pub shops: i64,
}

/// The marketplace home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketHome {
    pub featured: Vec<ProductCard>,
    pub newest: Vec<ProductCard>,
    pub districts: Vec<DistrictLink>,
}

#[server(endpoint = "get_market_home")]
pub async fn get_market_home() -> Result<MarketHome, AppError> {
    respond(
        async {
            let state = app_state()?;
            let db = &state.db;
            Ok(MarketHome {
                featured: db::newest(db, true, 4).await?,
                newest: db::newest(db, false, 12).await?,
                districts: db::districts_with_shops(db, 12)
                    .await?
                    .into_iter()
                    .map(|(id, name_ar, name_en, shops)| DistrictLink {
                        id,
                        name_ar,
                        name_en,
                        shops,
                    })
                    .collect(),
            })
        }
        .await,
    )
}

/// One page of search results with what the filter form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchView {
    pub query: SearchQuery,
    pub cards: Vec<ProductCard>,
    pub has_next: bool,
    /// Matches, up to [`super::db::COUNT_CAP`] + 1 ("more than" beyond the cap).
    pub total: i64,
    pub count_cap: i64,
    pub cities: Vec<City>,
    /// Districts of the chosen city.
    pub districts: Vec<District>,
}

/// The search's raw URL parameters; every one optional, wrong ones ignored
/// (a shared link with a typo still shows results).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub category: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub min: Option<String>,
    pub max: Option<String>,
    pub delivery: Option<String>,
    pub pickup: Option<String>,
    pub available: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
}

impl SearchParams {
    /// The query these parameters ask for.
    #[cfg(feature = "ssr")]
    pub fn to_query(&self) -> SearchQuery {
        let int = |v: &Option<String>| {
            v.as_deref()
                .and_then(|s| crate::text::fold_digits(s.trim()).parse::<i64>().ok())
        };
        let price = |v: &Option<String>| {
            v.as_deref()
                .filter(|s| !s.trim().is_empty())
                .and_then(crate::text::parse_riyals)
        };
        let flag = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
        SearchQuery {
            text: self
                .q
                .as_deref()
                .unwrap_or_default()
                .chars()
                .take(100)
                .collect(),
            category: self.category.as_deref().and_then(Category::parse),
            city_id: int(&self.city),
            district_id: int(&self.district),
            min_halalas: price(&self.min),
            max_halalas: price(&self.max),
            delivery: flag(&self.delivery),
            pickup: flag(&self.pickup),
            available_now: flag(&self.available),
            sort: self
                .sort
                .as_deref()
                .and_then(SearchSort::parse)
                .unwrap_or_default(),
            page: int(&self.page).unwrap_or(1).clamp(1, 1000),
        }
    }
}

#[server(endpoint = "search_products")]
pub async fn search_products(
    #[server(default)] params: SearchParams,
) -> Result<SearchView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let db = &state.db;
            let query = params.to_query();
            let results = db::search(db, &query).await?;
            let districts = match query.city_id {
                Some(city) => crate::places::db::list_districts(db, city).await?,
                None => Vec::new(),
            };
            Ok(SearchView {
                cards: results.cards,
                has_next: results.has_next,
                total: results.total,
                count_cap: db::COUNT_CAP,
                cities: crate::places::db::list_cities(db).await?,
                districts,
                query,
            })
        }
        .await,
    )
}

/// A product's public page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductView {
    pub product: Product,
    pub shop: Shop,
    /// The shop's other published products.
    pub others: Vec<ProductCard>,
    /// "Order on WhatsApp", when the family opted in.
    pub whatsapp_link: Option<String>,
    pub canonical: String,
    /// The visitor moderates this shop's products (may hide it from here).
    pub can_moderate: bool,
    /// The visitor is the council, which features products on the home page.
    pub can_feature: bool,
    pub featured: bool,
}

#[server(endpoint = "get_product_page")]
pub async fn get_product_page(product_id: i64) -> Result<ProductView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let db = &state.db;
            let product = db::product(db, product_id)
                .await?
                .filter(|p| p.status == ProductStatus::Published)
                .ok_or(AppError::NotFound)?;
            let record = db::shop(db, product.shop_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let viewer = session::current_user();
            let can_feature = viewer.as_ref().is_some_and(|u| u.is_council_admin());
            let can_moderate = match viewer {
                Some(user) if user.is_council_admin() => true,
                Some(user) => {
                    let moderators = db::moderating_associations(db, record.household_id).await?;
                    user.association_ids()
                        .iter()
                        .any(|id| moderators.contains(id))
                }
                None => false,
            };
            let shop = record.shop;
            let canonical = format!(
                "{}{}",
                state.settings.public_url,
                super::product_url(product.id)
            );
            let others = db::published_of_shop(db, shop.id)
                .await?
                .into_iter()
                .filter(|c| c.id != product.id)
                .take(8)
                .collect();
            Ok(ProductView {
                whatsapp_link: shop
                    .whatsapp
                    .as_deref()
                    .map(|number| super::whatsapp_link(number, &product.title_ar, &canonical)),
                product,
                shop,
                others,
                canonical,
                can_moderate,
                can_feature,
                // Only the council sees the toggle; visitors skip the query.
                featured: can_feature && db::is_featured(db, product_id).await?,
            })
        }
        .await,
    )
}

/// A shop's public page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopView {
    pub shop: Shop,
    pub products: Vec<ProductCard>,
    pub canonical: String,
}

#[server(endpoint = "get_shop_page")]
pub async fn get_shop_page(shop_id: i64) -> Result<ShopView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let db = &state.db;
            let shop = db::shop(db, shop_id).await?.ok_or(AppError::NotFound)?.shop;
            let products = db::published_of_shop(db, shop.id).await?;
            // A shop with nothing public is not a public page yet.
            if products.is_empty() {
                return Err(AppError::NotFound);
            }
            Ok(ShopView {
                canonical: format!("{}{}", state.settings.public_url, super::shop_url(shop.id)),
                shop,
                products,
            })
        }
        .await,
    )
}

/// The family's shop page: the shop form and its products in every status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyShopView {
    /// The shop as the public sees it (its approved name and bio).
    pub shop: Option<Shop>,
    /// The name and bio the family wrote, while they wait for review or
    /// after a moderator refused them.
    pub text_review: Option<super::shop_review::ShopTextUnderReview>,
    pub products: Vec<Product>,
    /// Every city with its districts, for the district choice.
    pub places: Vec<(City, Vec<District>)>,
    /// The household's district, the default of a new shop. (Its phone is
    /// not offered: what the public sees is only what the family writes.)
    pub household_district_id: Option<i64>,
}

/// The signed-in family member and the household they head, if any.
#[cfg(feature = "ssr")]
async fn family_member(state: &AppState) -> Result<(CurrentUser, Option<i64>), AppError> {
    let user = session::require(state, Requirement::FamilyMember).await?;
    let household = crate::registry::db::household_id_of_head(&state.db, &user.national_id).await?;
    Ok((user, household))
}

/// The signed-in family member's shop, or a clear error to open one first.
#[cfg(feature = "ssr")]
async fn own_shop(state: &AppState) -> Result<(CurrentUser, db::ShopRecord), AppError> {
    let (user, _) = family_member(state).await?;
    let shop = db::shop_of_owner(&state.db, user.user_id)
        .await?
        .ok_or(AppError::Conflict(ErrorKey::ShopRequired))?;
    Ok((user, shop))
}

#[server(endpoint = "get_my_shop")]
pub async fn get_my_shop() -> Result<MyShopView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let (user, household_id) = family_member(&state).await?;
            let db = &state.db;
            let record = db::shop_of_owner(db, user.user_id).await?;
            let (products, text_review) = match &record {
                Some(r) => (
                    db::products_of_shop(db, r.shop.id).await?,
                    db::shop_text_under_review(db, r.shop.id).await?,
                ),
                None => (Vec::new(), None),
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
                places,
                household_district_id: household.as_ref().and_then(|h| h.district_id),
            })
        }
        .await,
    )
}

/// Trims a form field; empty is `None`.
#[cfg(feature = "ssr")]
pub(super) fn optional(value: Option<String>, max_chars: usize) -> Option<String> {
    value
        .map(|v| v.trim().chars().take(max_chars).collect::<String>())
        .filter(|v| !v.is_empty())
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
    respond(
        async {
            let state = app_state()?;
            let (user, household_id) = family_member(&state).await?;
            let name_ar = name_ar.trim().chars().take(80).collect::<String>();
            if name_ar.is_empty() {
                return Err(AppError::validation("name_ar", ErrorKey::ShopNameRequired));
            }
            let district_id: i64 = district_id
                .trim()
                .parse()
                .map_err(|_| AppError::validation("district_id", ErrorKey::DistrictUnknown))?;
            if crate::places::db::city_of_district(&state.db, district_id)
                .await?
                .is_none()
            {
                return Err(AppError::validation(
                    "district_id",
                    ErrorKey::DistrictUnknown,
                ));
            }
            let pickup = pickup.is_some();
            let delivery = delivery.is_some();
            if !pickup && !delivery {
                return Err(AppError::validation("pickup", ErrorKey::PickupOrDelivery));
            }
            let delivery_fee_halalas =
                match optional(delivery_fee, 20).filter(|_| delivery) {
                    Some(raw) => Some(crate::text::parse_riyals(&raw).ok_or_else(|| {
                        AppError::validation("delivery_fee", ErrorKey::PriceInvalid)
                    })?),
                    None => None,
                };
            let whatsapp = if whatsapp_opt_in.is_some() {
                let raw = optional(whatsapp, 30)
                    .ok_or_else(|| AppError::validation("whatsapp", ErrorKey::PhoneFormat))?;
                Some(
                    SaudiPhone::parse(&raw)
                        .map_err(|_| AppError::validation("whatsapp", ErrorKey::PhoneFormat))?
                        .international()
                        .to_string(),
                )
            } else {
                None
            };
            let public_phone = match optional(public_phone, 30) {
                Some(raw) => Some(
                    SaudiPhone::parse(&raw)
                        .map_err(|_| AppError::validation("public_phone", ErrorKey::PhoneFormat))?
                        .international()
                        .to_string(),
                ),
                None => None,
            };
            let input = db::ShopInput {
                name_ar,
                name_en: optional(name_en, 80),
                bio: optional(bio, 600).unwrap_or_default(),
                district_id,
                pickup,
                delivery,
                delivery_areas: optional(delivery_areas, 200)
                    .filter(|_| delivery)
                    .unwrap_or_default(),
                delivery_fee_halalas,
                whatsapp,
                public_phone,
                working_hours: optional(working_hours, 120).unwrap_or_default(),
            };
            let event = AuditEvent {
                actor_user_id: Some(user.user_id),
                action: audit::action::SHOP_SAVED,
                subject_type: Some("shop"),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            db::save_shop(&state.db, user.user_id, household_id, &input, Some(event)).await?;
            leptos_axum::redirect(super::MY_SHOP_PAGE);
            Ok(())
        }
        .await,
    )
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
    respond(
        async {
            let state = app_state()?;
            let (user, record) = own_shop(&state).await?;
            let draft = match draft {
                Some(token) => {
                    crate::ui::drafts::read(&state.db, user.user_id, PRODUCT_FORM, &token)
                        .await?
                        .and_then(|fields| serde_json::from_str::<ProductDraft>(&fields).ok())
                }
                None => None,
            };
            let product = match product_id {
                Some(id) => Some(
                    db::product(&state.db, id)
                        .await?
                        .filter(|p| p.shop_id == record.shop.id)
                        .ok_or(AppError::NotFound)?,
                ),
                None => None,
            };
            Ok(ProductEditor { product, draft })
        }
        .await,
    )
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
        title_ar: title_ar.clone(),
        title_en: title_en.clone().unwrap_or_default(),
        description_ar: description_ar.clone(),
        description_en: description_en.clone().unwrap_or_default(),
        category: category.clone(),
        price: price.clone(),
        unit_ar: unit_ar.clone().unwrap_or_default(),
        availability: availability.clone(),
        lead_time_days: lead_time_days.clone().unwrap_or_default(),
    };
    let result = async {
        let state = app_state()?;
        let (_, record) = own_shop(&state).await?;
        let title_ar = title_ar.trim().chars().take(120).collect::<String>();
        if title_ar.is_empty() {
            return Err(AppError::validation("title_ar", ErrorKey::TitleRequired));
        }
        let description_ar = description_ar.trim().chars().take(2000).collect::<String>();
        if description_ar.chars().count() < 10 {
            return Err(AppError::validation(
                "description_ar",
                ErrorKey::ProductDescriptionRequired,
            ));
        }
        let category = Category::parse(&category)
            .ok_or_else(|| AppError::validation("category", ErrorKey::BadRequest))?;
        let price_halalas = super::parse_price(&price)
            .ok_or_else(|| AppError::validation("price", ErrorKey::PriceInvalid))?;
        let availability = Availability::parse(&availability)
            .ok_or_else(|| AppError::validation("availability", ErrorKey::BadRequest))?;
        let lead_time_days = match optional(lead_time_days, 10)
            .filter(|_| availability == Availability::MadeToOrder)
        {
            Some(raw) => Some(
                crate::text::fold_digits(&raw)
                    .parse::<i64>()
                    .ok()
                    .filter(|d| (1..=90).contains(d))
                    .ok_or_else(|| {
                        AppError::validation("lead_time_days", ErrorKey::LeadTimeInvalid)
                    })?,
            ),
            None => None,
        };
        let input = db::ProductInput {
            title_ar,
            title_en: optional(title_en, 120),
            description_ar,
            description_en: optional(description_en, 2000),
            category,
            price_halalas,
            unit_ar: optional(unit_ar, 40).unwrap_or_default(),
            availability,
            lead_time_days,
        };
        let id = db::save_product(&state.db, record.shop.id, product_id, &input).await?;
        leptos_axum::redirect(&super::edit_url(id));
        Ok(())
    }
    .await;
    match result {
        Err(error @ AppError::Validation { .. }) if crate::error::is_plain_form_post() => {
            let form = product_id.map_or_else(
                || format!("{}/new", super::MY_PRODUCT_PAGE),
                super::edit_url,
            );
            let page = match keep_product_draft(&typed).await {
                Some(token) => format!("{form}?draft={token}"),
                None => form,
            };
            crate::error::respond_at(&page, Err(error))
        }
        other => respond(other),
    }
}

/// Keeps what was typed into a refused product form; `None` if it cannot
/// (the form then comes back empty, as before drafts existed).
#[cfg(feature = "ssr")]
async fn keep_product_draft(typed: &ProductDraft) -> Option<String> {
    let state = app_state().ok()?;
    let user = session::current_user()?;
    let fields = serde_json::to_string(typed).ok()?;
    match crate::ui::drafts::keep(&state.db, user.user_id, PRODUCT_FORM, &fields).await {
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
    respond(
        async {
            let state = app_state()?;
            let (user, record) = own_shop(&state).await?;
            let product = db::product(&state.db, product_id)
                .await?
                .filter(|p| p.shop_id == record.shop.id)
                .ok_or(AppError::NotFound)?;
            if product.photos.is_empty() {
                return Err(AppError::Conflict(ErrorKey::PhotoRequired));
            }
            let audit = AuditEvent {
                actor_user_id: Some(user.user_id),
                action: audit::action::PRODUCT_SUBMITTED,
                subject_type: Some("product"),
                subject_id: Some(product_id.to_string()),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            db::submit_for_review(&state.db, record.shop.id, product_id, Some(audit)).await?;
            leptos_axum::redirect(&super::edit_url(product_id));
            Ok(())
        }
        .await,
    )
}

/// Makes a photo the cover, or removes it (and its files).
#[server(endpoint = "change_photo")]
pub async fn change_photo(product_id: i64, photo_id: i64, action: String) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let (_, record) = own_shop(&state).await?;
            db::product(&state.db, product_id)
                .await?
                .filter(|p| p.shop_id == record.shop.id)
                .ok_or(AppError::NotFound)?;
            match action.as_str() {
                "cover" => db::set_cover(&state.db, product_id, photo_id).await?,
                "remove" => {
                    let (key, width) = db::remove_photo(&state.db, product_id, photo_id).await?;
                    state.photos.remove(&key, width).await;
                }
                _ => return Err(AppError::validation("action", ErrorKey::BadRequest)),
            }
            leptos_axum::redirect(&super::edit_url(product_id));
            Ok(())
        }
        .await,
    )
}

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
    pub shops: Vec<super::shop_review::PendingShopText>,
    /// Whose queue: an association's name, or `None` for the council's.
    pub association: Option<crate::associations::Association>,
}

/// The association a staff member moderates for, or the council (`None`).
#[cfg(feature = "ssr")]
pub(crate) async fn moderator(
    state: &AppState,
) -> Result<(CurrentUser, Option<crate::associations::Association>), AppError> {
    let user = session::require(state, Requirement::SignedIn).await?;
    if let Some(id) = user.association_ids().first() {
        let association = crate::associations::db::list(&state.db)
            .await?
            .into_iter()
            .find(|a| a.id == *id);
        return Ok((user, association));
    }
    if user.is_council_admin() {
        return Ok((user, None));
    }
    Err(session::require(state, Requirement::CouncilAdmin)
        .await
        .err()
        .unwrap_or(AppError::Forbidden))
}

/// Whether `user` moderates the shop of this household: the council, or
/// staff of an association linked to the household (a line or a benefit).
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

/// Refuses `user` unless they moderate this household's shop (the refusal
/// is audited like any missing role).
#[cfg(feature = "ssr")]
pub(super) async fn require_moderates(
    state: &AppState,
    user: &CurrentUser,
    household_id: Option<i64>,
) -> Result<(), AppError> {
    if moderates(&state.db, user, household_id).await? {
        return Ok(());
    }
    Err(session::require(state, Requirement::CouncilAdmin)
        .await
        .err()
        .unwrap_or(AppError::Forbidden))
}

#[server(endpoint = "get_moderation_queue")]
pub async fn get_moderation_queue() -> Result<ModerationView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let (user, association) = moderator(&state).await?;
            let association_id = association.as_ref().map(|a| a.id);
            let shops = db::pending_shop_texts(&state.db, association_id, 50).await?;
            let items: Vec<PendingItem> = db::moderation_queue(&state.db, association_id, 50)
                .await?
                .into_iter()
                .map(|p| PendingItem {
                    product: p.product,
                    shop: p.shop,
                })
                .collect();
            // Families' shops and products, before they are public: a list read.
            audit::record_list_read(
                &state.db,
                user.user_id,
                association_id,
                "moderation_queue",
                items.len() + shops.len(),
                session::client_ip(),
            )
            .await?;
            Ok(ModerationView {
                items,
                shops,
                association,
            })
        }
        .await,
    )
}

/// Approves, rejects (with a reason) or hides (with a reason) a product. Only
/// staff of an association linked to the household, or the council.
#[server(endpoint = "moderate_product")]
pub async fn moderate_product(
    product_id: i64,
    decision: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let (user, _) = moderator(&state).await?;
            let db = &state.db;
            let product = db::product(db, product_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let record = db::shop(db, product.shop_id)
                .await?
                .ok_or(AppError::NotFound)?;
            require_moderates(&state, &user, record.household_id).await?;
            let decision = Moderation::parse(&decision)
                .ok_or_else(|| AppError::validation("decision", ErrorKey::BadRequest))?;
            let reason = optional(reason, 500);
            if decision != Moderation::Approve && reason.is_none() {
                return Err(AppError::validation("reason", ErrorKey::ReasonRequired));
            }
            let to = decision
                .apply(product.status)
                .ok_or(AppError::Conflict(ErrorKey::ProductStatusWrong))?;
            let audit = AuditEvent {
                actor_user_id: Some(user.user_id),
                acting_for_association_id: user.association_ids().first().copied(),
                action: audit::action::PRODUCT_MODERATED,
                subject_type: Some("product"),
                subject_id: Some(product_id.to_string()),
                detail: Some(format!("{} → {}", product.status.as_str(), to.as_str())),
                client_ip: Some(session::client_ip()),
            };
            db::set_status(
                db,
                product_id,
                product.status,
                to,
                reason.as_deref(),
                Some(audit),
            )
            .await?;
            leptos_axum::redirect(super::MODERATION_PAGE);
            Ok(())
        }
        .await,
    )
}

/// The council features a published product on the marketplace home, or stops featuring it.
#[server(endpoint = "feature_product")]
pub async fn feature_product(product_id: i64, featured: bool) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::CouncilAdmin).await?;
            let audit = AuditEvent {
                actor_user_id: Some(user.user_id),
                action: audit::action::PRODUCT_MODERATED,
                subject_type: Some("product"),
                subject_id: Some(product_id.to_string()),
                detail: Some(if featured { "featured" } else { "unfeatured" }.to_string()),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            db::set_featured(&state.db, product_id, featured, Some(audit)).await?;
            leptos_axum::redirect(&super::product_url(product_id));
            Ok(())
        }
        .await,
    )
}
