//! Plain axum handlers of the marketplace: the photo upload (a multipart
//! form that works without JavaScript), the photo files, `sitemap.xml` and
//! `robots.txt`.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::db;
use super::photos::{self, PhotoError};
use crate::error::{AppError, ErrorKey};
use crate::identity::session::SessionUser;
use crate::state::AppState;

/// The request body limit of the upload route: one photo and the form around it.
pub const UPLOAD_BODY_LIMIT: usize = super::MAX_PHOTO_BYTES + 64 * 1024;

impl From<PhotoError> for AppError {
    fn from(error: PhotoError) -> Self {
        let field = "photo";
        match error {
            PhotoError::TooLarge => AppError::validation(field, ErrorKey::PhotoTooLarge),
            PhotoError::NotAnImage => AppError::validation(field, ErrorKey::PhotoNotImage),
            PhotoError::Corrupt => AppError::validation(field, ErrorKey::PhotoCorrupt),
            PhotoError::TooManyPixels => AppError::validation(field, ErrorKey::PhotoTooManyPixels),
            PhotoError::Store(e) => {
                tracing::error!(error = %e, "storing a photo failed");
                AppError::Internal
            }
        }
    }
}

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
        let shop = db::shop_of_owner(&state.db, user.user_id)
            .await?
            .ok_or(AppError::Forbidden)?;
        let product = db::product(&state.db, product_id)
            .await?
            .filter(|p| p.shop_id == shop.shop.id)
            .ok_or(AppError::NotFound)?;
        if product.photos.len() >= super::MAX_PHOTOS {
            return Err(AppError::Conflict(ErrorKey::TooManyPhotos));
        }
        let bytes = read_photo_field(multipart.map_err(|_| AppError::BadRequest)?).await?;
        let processed = tokio::task::spawn_blocking(move || photos::process(&bytes))
            .await
            .map_err(|_| AppError::Internal)??;
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
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    match result {
        Ok(()) if wants_html => see_other(&editor),
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(AppError::Unauthorized) if wants_html => see_other("/sign-in"),
        Err(error) if wants_html && error.status() < 500 => {
            see_other(&format!("{editor}?error={}", error.key().as_str()))
        }
        Err(error) => (
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            axum::Json(error),
        )
            .into_response(),
    }
}

/// The bytes of the form's `photo` field, refused past the size limit while
/// reading (never buffered whole first).
async fn read_photo_field(mut multipart: Multipart) -> Result<Vec<u8>, AppError> {
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::validation("photo", ErrorKey::PhotoTooLarge))?
    {
        if field.name() != Some("photo") {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|_| AppError::validation("photo", ErrorKey::PhotoTooLarge))?
        {
            if bytes.len() + chunk.len() > super::MAX_PHOTO_BYTES {
                return Err(AppError::validation("photo", ErrorKey::PhotoTooLarge));
            }
            bytes.extend_from_slice(&chunk);
        }
        if bytes.is_empty() {
            return Err(AppError::validation("photo", ErrorKey::PhotoNotImage));
        }
        return Ok(bytes);
    }
    Err(AppError::validation("photo", ErrorKey::PhotoNotImage))
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// `GET /photos/{file}`: a stored photo. Names are random and never reused,
/// so browsers may keep them for a year.
pub async fn photo_file(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    if !photos::is_photo_file_name(&file) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match read_or_fill(&state, &file).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, "image/webp"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(?error, %file, "reading a photo failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// A stored photo file, or one width of a stored photo made now if the photo
/// predates that width (see [`photos::PhotoStore::fill_width`]).
async fn read_or_fill(state: &AppState, file: &str) -> Result<Option<Vec<u8>>, AppError> {
    if let Some(bytes) = state.photos.read(file).await? {
        return Ok(Some(bytes));
    }
    let Some((key, width)) = file
        .strip_suffix(".webp")
        .and_then(|stem| stem.split_once('-'))
        .and_then(|(key, width)| Some((key, width.parse::<u32>().ok()?)))
    else {
        return Ok(None);
    };
    let Some(largest) = db::photo_width(&state.db, key).await? else {
        return Ok(None);
    };
    Ok(state.photos.fill_width(key, largest, width).await?)
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
         Sitemap: {}/sitemap.xml\n",
        state.settings.public_url
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}
