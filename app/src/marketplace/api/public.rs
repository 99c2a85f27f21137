//! Public browsing, no account needed: the marketplace home, the search, a
//! product's page and a shop's page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::super::{Product, ProductCard, SearchQuery, Shop};
use crate::error::AppError;
use crate::places::{City, District};

#[cfg(feature = "ssr")]
use {
    super::super::{Category, ProductStatus, SearchSort, db},
    super::moderates,
    crate::identity::{Ctx, serve},
};

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

/// The marketplace home: featured and newest products, districts with shops.
#[server(endpoint = "get_market_home")]
pub async fn get_market_home() -> Result<MarketHome, AppError> {
    serve(market_home).await
}

/// The featured and newest products and the districts with most shops.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn market_home(ctx: Ctx) -> Result<MarketHome, AppError> {
    let db = ctx.db();
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

/// One page of search results with what the filter form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchView {
    pub query: SearchQuery,
    pub cards: Vec<ProductCard>,
    pub has_next: bool,
    /// Matches, up to [`db::COUNT_CAP`](super::super::db::COUNT_CAP) + 1 ("more than" beyond the cap).
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

/// The search page: published products matching the URL's filters.
#[server(endpoint = "search_products")]
pub async fn search_products(
    #[server(default)] params: SearchParams,
) -> Result<SearchView, AppError> {
    serve(|ctx| search(ctx, params)).await
}

/// One page of published products matching the parameters.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn search(ctx: Ctx, params: SearchParams) -> Result<SearchView, AppError> {
    let db = ctx.db();
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

/// A product's public page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductView {
    pub product: Product,
    pub shop: Shop,
    /// The shop's other published products.
    pub others: Vec<ProductCard>,
    /// "Order on WhatsApp" (the counted redirect to wa.me), when the family opted in.
    pub order_link: Option<String>,
    pub canonical: String,
    /// The visitor moderates this shop's products (may hide it from here).
    pub can_moderate: bool,
    /// The visitor is the council, which features products on the home page.
    pub can_feature: bool,
    pub featured: bool,
}

/// A published product's public page.
#[server(endpoint = "get_product_page")]
pub async fn get_product_page(product_id: i64) -> Result<ProductView, AppError> {
    serve(|ctx| product_page(ctx, product_id)).await
}

/// A published product with its shop; what the visitor may do with it.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(product_id = product_id))]
async fn product_page(ctx: Ctx, product_id: i64) -> Result<ProductView, AppError> {
    let db = ctx.db();
    let product = db::product(db, product_id)
        .await?
        .filter(|p| p.status == ProductStatus::Published)
        .ok_or(AppError::NotFound)?;
    let record = db::shop(db, product.shop_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let can_feature = ctx.user.as_ref().is_some_and(|u| u.is_council_admin());
    let can_moderate = match &ctx.user {
        Some(user) => moderates(db, user, record.household_id).await?,
        None => false,
    };
    let shop = record.shop;
    let canonical = format!(
        "{}{}",
        ctx.state.settings.public_url,
        super::super::product_url(product.id)
    );
    let others = db::published_of_shop(db, shop.id)
        .await?
        .into_iter()
        .filter(|c| c.id != product.id)
        .take(8)
        .collect();
    Ok(ProductView {
        order_link: shop
            .whatsapp
            .is_some()
            .then(|| super::super::order_url(product.id)),
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

/// A shop's public page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopView {
    pub shop: Shop,
    pub products: Vec<ProductCard>,
    pub canonical: String,
}

/// A shop's public page (only once something of it is published).
#[server(endpoint = "get_shop_page")]
pub async fn get_shop_page(shop_id: i64) -> Result<ShopView, AppError> {
    serve(|ctx| shop_page(ctx, shop_id)).await
}

/// A shop with its published products; not found while none is published.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(shop_id = shop_id))]
async fn shop_page(ctx: Ctx, shop_id: i64) -> Result<ShopView, AppError> {
    let db = ctx.db();
    let shop = db::shop(db, shop_id).await?.ok_or(AppError::NotFound)?.shop;
    let products = db::published_of_shop(db, shop.id).await?;
    // A shop with nothing public is not a public page yet.
    if products.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(ShopView {
        canonical: format!(
            "{}{}",
            ctx.state.settings.public_url,
            super::super::shop_url(shop.id)
        ),
        shop,
        products,
    })
}
