//! Server functions of the marketplace: public browsing (no account), the
//! family's shop and products, and moderation by the household's association
//! (or the council).

mod moderation;
mod my_shop;
mod public;

pub use moderation::*;
pub use my_shop::*;
pub use public::*;

#[cfg(feature = "ssr")]
pub(crate) use moderation::{moderates, moderator, require_moderates};

#[cfg(feature = "ssr")]
use {
    super::db::MarketError,
    crate::error::{AppError, ErrorKey},
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

/// Trims a form field; empty is `None`.
#[cfg(feature = "ssr")]
pub(super) fn optional(value: Option<String>, max_chars: usize) -> Option<String> {
    value
        .map(|v| v.trim().chars().take(max_chars).collect::<String>())
        .filter(|v| !v.is_empty())
}
