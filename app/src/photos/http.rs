//! What every photo route shares (server only): reading the uploaded field
//! without buffering past the limit, the errors a user is told, and the
//! answer for a stored file with its caching rules.

use axum::extract::Multipart;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::MAX_PHOTO_BYTES;
use super::pipeline::{PhotoError, PhotoStore};
use crate::answer::{error_json, form_error, see_other, wants_html};
use crate::error::{AppError, ErrorKey};

/// The request body limit of an upload route: one photo and the form around it.
pub const UPLOAD_BODY_LIMIT: usize = MAX_PHOTO_BYTES + 64 * 1024;

impl From<PhotoError> for AppError {
    fn from(error: PhotoError) -> Self {
        let field = "photo";
        match error {
            PhotoError::TooLarge => AppError::validation(field, ErrorKey::PhotoTooLarge),
            PhotoError::NotAnImage => AppError::validation(field, ErrorKey::PhotoNotImage),
            PhotoError::Corrupt => AppError::validation(field, ErrorKey::PhotoCorrupt),
            PhotoError::TooManyPixels => AppError::validation(field, ErrorKey::PhotoTooManyPixels),
            PhotoError::Busy => AppError::Busy,
            PhotoError::Store(e) => {
                tracing::error!(error = %e, "storing a photo failed");
                AppError::Internal
            }
        }
    }
}

/// The bytes of the form's `field`, refused past the size limit while
/// reading (never buffered whole first).
pub async fn read_photo_field(mut multipart: Multipart, name: &str) -> Result<Vec<u8>, AppError> {
    let too_large = || AppError::validation("photo", ErrorKey::PhotoTooLarge);
    while let Some(mut field) = multipart.next_field().await.map_err(|_| too_large())? {
        if field.name() != Some(name) {
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|_| too_large())? {
            if bytes.len() + chunk.len() > MAX_PHOTO_BYTES {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        if bytes.is_empty() {
            break;
        }
        return Ok(bytes);
    }
    Err(AppError::validation("photo", ErrorKey::PhotoNotImage))
}

/// The answer to an upload: a form post goes back to `page` (with `?error=`
/// on a failure the user can fix); other callers get the status and the
/// error as JSON.
pub fn upload_answer(result: Result<(), AppError>, headers: &HeaderMap, page: &str) -> Response {
    match (result, wants_html(headers)) {
        (Ok(()), true) => see_other(page),
        (Ok(()), false) => StatusCode::NO_CONTENT.into_response(),
        (Err(error), true) => form_error(error, &format!("{page}?")),
        (Err(error), false) => error_json(error),
    }
}

/// A stored photo file the caller may see. A public one is kept an hour and
/// then revalidated (a name never changes its content, so the name is the
/// ETag): a photo taken down stops being served within the hour, even to a
/// browser that kept it. Others are never kept by a shared cache.
pub async fn file_response(
    photos: &PhotoStore,
    file: &str,
    largest_width: u32,
    public: bool,
    headers: &HeaderMap,
) -> Response {
    let cache = if public {
        "public, max-age=3600"
    } else {
        "private, no-store"
    };
    let etag = format!("\"{file}\"");
    let unchanged = public
        && headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));
    let etag = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    if unchanged {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
                (header::ETAG, etag),
            ],
        )
            .into_response();
    }
    match read_or_fill(photos, file, largest_width).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("image/webp")),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
                (header::ETAG, etag),
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
/// predates that width (see [`super::pipeline::PhotoStore::fill_width`]).
async fn read_or_fill(
    photos: &PhotoStore,
    file: &str,
    largest: u32,
) -> Result<Option<Vec<u8>>, AppError> {
    if let Some(bytes) = photos.read(file).await? {
        return Ok(Some(bytes));
    }
    let Some((key, width)) = file
        .strip_suffix(".webp")
        .and_then(|stem| stem.split_once('-'))
        .and_then(|(key, width)| Some((key, width.parse::<u32>().ok()?)))
    else {
        return Ok(None);
    };
    Ok(photos.fill_width(key, largest, width).await?)
}
