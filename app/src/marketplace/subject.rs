//! The named interface the privacy domain uses (listed in `tests/floors.rs`):
//! the shop and products of one household for its "My data" page and
//! download, and their removal when its deletion is approved. The SQL is in
//! `db/subject.rs`.

use serde::{Deserialize, Serialize};

/// A product as its owner sees it on "My data".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectProduct {
    pub id: i64,
    pub title_ar: String,
    pub title_en: Option<String>,
    pub description_ar: String,
    pub price_halalas: i64,
    /// Its stored status: draft, pending, published, rejected, hidden.
    pub status: String,
    pub photos: i64,
}

/// The household's shop as its owner sees it on "My data".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectShop {
    pub id: i64,
    pub name_ar: String,
    pub name_en: Option<String>,
    pub bio: String,
    pub whatsapp: Option<String>,
    pub public_phone: Option<String>,
    pub created_at: i64,
    pub products: Vec<SubjectProduct>,
}

#[cfg(feature = "ssr")]
pub use super::db::subject::{erase, shop_of};
