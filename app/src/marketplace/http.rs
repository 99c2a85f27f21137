//! Plain axum handlers of the marketplace: the photo upload (a multipart
//! form that works without JavaScript), the photo files, the counted "order
//! on WhatsApp" redirect, `sitemap.xml` and `robots.txt`.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::db;
use super::photos;
use crate::error::{AppError, ErrorKey};
use crate::identity::CurrentUser;
use crate::identity::session::SessionUser;
use crate::marketplace::ProductStatus;
use crate::photos::http as photo_http;
use crate::state::AppState;

pub use crate::photos::http::UPLOAD_BODY_LIMIT;

/// `POST /my-shop/products/{id}/photos`: adds one photo to a product of the
/// signed-in family's shop. A form post is answered with a redirect to the
/// editor (with `?error=` on failure); other callers get the status and the
/// error as JSON. Whatever fails, the product and its other photos stay.
pub async fn upload_photo(
    State(state): State<AppState>,
    Path(product_id): Path<i64>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let editor = super::edit_url(product_id);
    let result = async {
        let axum::Extension(session) = session.ok_or(AppError::Unauthorized)?;
        let user = session.user;
        let shop = db::shop_run_by(&state.db, user.user_id, &user.national_id)
            .await?
            .ok_or(AppError::Forbidden)?;
        let product = db::product(&state.db, product_id)
            .await?
            .filter(|p| p.shop_id == shop.shop.id)
            .ok_or(AppError::NotFound)?;
        // Counted per person before anything is read or decoded.
        let quota = crate::identity::db::count_event(
            &state.db,
            &format!("photo_upload:{}", user.user_id),
            state.settings.photo_uploads_per_day,
            24 * 60 * 60,
        )
        .await?;
        if quota != crate::identity::db::Allowance::Allowed {
            return Err(AppError::RateLimited);
        }
        let _slot = UploadSlot::reserve(product_id, product.photos.len())
            .ok_or(AppError::Conflict(ErrorKey::TooManyPhotos))?;
        let bytes =
            photo_http::read_photo_field(multipart.map_err(|_| AppError::BadRequest)?, "photo")
                .await?;
        let processed = photos::decode(move || photos::process(&bytes)).await??;
        let key = photos::new_key();
        state.photos.put(&key, &processed).await?;
        if let Err(error) = db::add_photo(
            &state.db,
            product_id,
            &key,
            processed.width,
            processed.height,
        )
        .await
        {
            state.photos.remove(&key, processed.width).await;
            return Err(error.into());
        }
        Ok(())
    }
    .await;
    photo_http::upload_answer(result, &headers, &editor)
}

/// Uploads being processed, per product. They count with the stored photos,
/// so parallel uploads cannot decode more photos than a product may keep
/// (the database checks again when a photo is recorded, across instances).
static UPLOADING: LazyLock<Mutex<HashMap<i64, usize>>> = LazyLock::new(Default::default);

/// One reserved place for a photo being uploaded; given back when dropped.
struct UploadSlot {
    product_id: i64,
}

impl UploadSlot {
    /// A place beside the `stored` photos and the uploads under way, if one is left.
    fn reserve(product_id: i64, stored: usize) -> Option<UploadSlot> {
        let mut uploading = UPLOADING.lock().unwrap_or_else(|e| e.into_inner());
        let under_way = uploading.entry(product_id).or_insert(0);
        if stored + *under_way >= super::MAX_PHOTOS {
            return None;
        }
        *under_way += 1;
        Some(UploadSlot { product_id })
    }
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let mut uploading = UPLOADING.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(under_way) = uploading.get_mut(&self.product_id) {
            *under_way = under_way.saturating_sub(1);
            if *under_way == 0 {
                uploading.remove(&self.product_id);
            }
        }
    }
}

/// `GET /photos/{file}`: a stored photo. A published product's photos are
/// public; those of a draft, pending, rejected or hidden product only for the
/// shop's owner and its moderators ([`photo_http::file_response`] has the
/// caching rules).
pub async fn photo_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    session: Option<axum::Extension<SessionUser>>,
    headers: HeaderMap,
) -> Response {
    if !photos::is_photo_file_name(&file) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let key = file.split('-').next().unwrap_or_default();
    let user = session.map(|axum::Extension(s)| s.user);
    let access = match photo_access(&state, key, user.as_ref()).await {
        Ok(Some(access)) => access,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(?error, %file, "checking a photo's access failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let public = access.status == ProductStatus::Published;
    photo_http::file_response(&state.photos, &file, access.largest_width, public, &headers).await
}

/// The photo's access facts when `user` may fetch it: anyone for a published
/// product; otherwise the shop's owner, the council, or staff of an
/// association that moderates the shop. `None`: not found, for everyone else.
async fn photo_access(
    state: &AppState,
    key: &str,
    user: Option<&CurrentUser>,
) -> Result<Option<db::PhotoAccess>, sqlx::Error> {
    let Some(access) = db::photo_access(&state.db, key).await? else {
        return Ok(None);
    };
    if access.status == ProductStatus::Published {
        return Ok(Some(access));
    }
    let Some(user) = user else {
        return Ok(None);
    };
    let allowed = user.user_id == access.owner_user_id
        || runs_for_household(state, user, access.household_id).await?
        || super::api::moderates(&state.db, user, access.household_id).await?;
    Ok(allowed.then_some(access))
}

/// The person runs this household's shop as a member its head allows.
async fn runs_for_household(
    state: &AppState,
    user: &CurrentUser,
    household_id: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let Some(household_id) = household_id else {
        return Ok(false);
    };
    Ok(
        crate::registry::db::acting_for(&state.db, &user.national_id)
            .await?
            .is_some_and(|a| !a.is_head() && a.household_id == household_id),
    )
}

/// `GET /order/{product_id}`: the "order on WhatsApp" button. For a
/// published product of a shop that takes WhatsApp orders, counts one tap for
/// the product today ([`db::count_tap`]: a number per product and day, no
/// person, address or cookie) and answers `303 See Other` to the shop's
/// wa.me link, the one [`super::whatsapp_link`] builds for the product page.
/// `None`: no such product takes orders; the caller answers with the
/// not-found page (the server's router renders it, as for any unknown path).
/// A failed count is logged and the visitor still goes on to WhatsApp.
/// `count` is false for a `HEAD` request (a link checker, not a visitor).
pub async fn order_on_whatsapp(
    state: &AppState,
    product_id: &str,
    count: bool,
) -> Option<Response> {
    if product_id.is_empty() || !product_id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let product_id: i64 = product_id.parse().ok()?;
    let target = match db::order_target(&state.db, product_id).await {
        Ok(target) => target?,
        Err(error) => {
            tracing::error!(%error, product_id, "reading an order's product failed");
            return Some(StatusCode::SERVICE_UNAVAILABLE.into_response());
        }
    };
    if count && let Err(error) = db::count_tap(&state.db, product_id, crate::database::now()).await
    {
        tracing::warn!(%error, product_id, "a WhatsApp tap was not counted");
    }
    let canonical = format!(
        "{}{}",
        state.settings.public_url,
        super::product_url(product_id)
    );
    let link = super::whatsapp_link(&target.whatsapp, &target.title_ar, &canonical);
    Some(to_whatsapp(link))
}

/// `GET /sitemap.xml`: the public pages, published products and shops.
pub async fn sitemap(State(state): State<AppState>) -> Response {
    let (products, shops) = match db::sitemap_entries(&state.db).await {
        Ok(entries) => entries,
        Err(error) => {
            tracing::error!(%error, "sitemap query failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let base = &state.settings.public_url;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut url = |path: &str, modified: Option<i64>| {
        xml.push_str(&format!("  <url><loc>{base}{path}</loc>"));
        if let Some(at) = modified.and_then(|t| chrono::DateTime::from_timestamp(t, 0)) {
            xml.push_str(&format!("<lastmod>{}</lastmod>", at.format("%Y-%m-%d")));
        }
        xml.push_str("</url>\n");
    };
    url("/", None);
    url(super::MARKET_PAGE, None);
    for (id, updated_at) in &products {
        url(&super::product_url(*id), Some(*updated_at));
    }
    for (id, updated_at) in &shops {
        url(&super::shop_url(*id), Some(*updated_at));
    }
    xml.push_str("</urlset>\n");
    (
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

/// `GET /robots.txt`: public pages are indexable; accounts, staff pages and
/// the API are not.
pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /account\nDisallow: /household\n\
         Disallow: /applications\nDisallow: /association/\nDisallow: /council/\n\
         Disallow: /coverage\nDisallow: /my-shop\nDisallow: /sign-in\nDisallow: /nafath-simulator\n\
         Disallow: /messaging-simulator\nDisallow: /order/\n\
         Sitemap: {}/sitemap.xml\n",
        state.settings.public_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_under_way_hold_their_place_until_they_end() {
        let product = -7;
        let first = UploadSlot::reserve(product, 3).expect("a fourth photo fits");
        let second = UploadSlot::reserve(product, 3).expect("a fifth photo fits");
        assert!(
            UploadSlot::reserve(product, 3).is_none(),
            "a sixth would not"
        );
        drop(first);
        let third = UploadSlot::reserve(product, 3).expect("the place came back");
        drop((second, third));
        assert!(!UPLOADING.lock().unwrap().contains_key(&product));
    }
}

/// The query of [`order_basket`]; every part optional so that a wrong link
/// gets the not-found page rather than a bare rejection.
#[derive(Debug, Default, serde::Deserialize)]
pub struct BasketOrder {
    pub lang: Option<String>,
    pub shop: Option<String>,
    pub items: Option<String>,
}

/// `GET /basket/order`: the basket's "send on WhatsApp". For a shop that
/// takes WhatsApp orders and published products of it, counts one tap per
/// product and answers `303 See Other` to wa.me with the message the server
/// writes from its own titles and prices ([`super::basket::order_message`]).
/// `None` (the not-found page) for a shop without orders, an unknown
/// product, or a malformed list.
pub async fn order_basket(state: &AppState, order: &BasketOrder, count: bool) -> Option<Response> {
    let shop_id: i64 = order.shop.as_deref()?.parse().ok()?;
    let items = super::basket::parse_items(order.items.as_deref()?)?;
    let english = order.lang.as_deref() == Some("en");
    let ids: Vec<i64> = items.iter().map(|(id, _)| *id).collect();
    let (whatsapp, products) = match db::basket_targets(&state.db, shop_id, &ids).await {
        Ok(found) => found?,
        Err(error) => {
            tracing::error!(%error, shop_id, "reading a basket's products failed");
            return Some(StatusCode::SERVICE_UNAVAILABLE.into_response());
        }
    };
    let mut lines = Vec::with_capacity(items.len());
    for (id, quantity) in &items {
        let (_, title_ar, title_en, price) = products.iter().find(|p| p.0 == *id)?;
        let title = match title_en {
            Some(en) if english && !en.is_empty() => en.clone(),
            _ => title_ar.clone(),
        };
        lines.push((title, *quantity, *price));
    }
    if count {
        let now = crate::database::now();
        for id in &ids {
            if let Err(error) = db::count_tap(&state.db, *id, now).await {
                tracing::warn!(%error, product_id = id, "a WhatsApp tap was not counted");
            }
        }
    }
    let shop_page = format!("{}{}", state.settings.public_url, super::shop_url(shop_id));
    let message = super::basket::order_message(english, &lines, &shop_page);
    let link = format!(
        "https://wa.me/{whatsapp}?text={}",
        super::url_encode(&message)
    );
    Some(to_whatsapp(link))
}

/// `303 See Other` to a wa.me link, never stored, never indexed.
fn to_whatsapp(link: String) -> Response {
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, link),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (
                header::HeaderName::from_static("x-robots-tag"),
                "noindex, nofollow".to_string(),
            ),
        ],
    )
        .into_response()
}
