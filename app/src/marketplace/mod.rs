//! The public marketplace (DESIGN.md §3): one free shop per family, product
//! listings moderated by the family's association, and public browsing and
//! Arabic search that need no account and no JavaScript. This module holds the
//! types and pure rules; `db.rs` the SQL (one search function over each
//! engine's full-text facility), `photos.rs` the photo pipeline, `http.rs` the
//! plain axum handlers (photo upload and files, the counted "order on
//! WhatsApp" redirect, sitemap, robots),
//! `page_cache.rs` the public pages kept rendered in memory, `api.rs` the
//! server functions, `pages.rs` the public pages, `shop_pages.rs` the
//! family's and the moderators' pages, and `shop_review.rs` the review of
//! shop names and bios.

pub use crate::paths::{
    MARKET_PAGE, MODERATION_PAGE, MY_PRODUCT_PAGE, MY_SHOP_PAGE, ORDER_BASKET, ORDER_ON_WHATSAPP,
    PHOTO_FILES, PHOTO_UPLOAD, PRODUCT_PAGE, SEARCH_PAGE, SHOP_PAGE,
};
pub mod api;
pub mod basket;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod page_cache;
pub mod pages;
pub mod photo_shrink;
#[cfg(feature = "ssr")]
pub use crate::photos::pipeline as photos;
pub use crate::photos::{MAX_PHOTO_BYTES, PHOTO_WIDTHS, photo_srcset, photo_url, photo_widths};
pub mod shop_pages;
pub mod shop_review;
#[cfg(feature = "ssr")]
mod stored_page;
pub mod subject;

use serde::{Deserialize, Serialize};

/// Results per search page.
pub const SEARCH_PAGE_SIZE: i64 = 24;
/// Photos per product.
pub const MAX_PHOTOS: usize = 5;

/// The URL of a product's public page.
pub fn product_url(product_id: i64) -> String {
    format!("{PRODUCT_PAGE}/{product_id}")
}

/// The URL of a shop's public page.
pub fn shop_url(shop_id: i64) -> String {
    format!("{SHOP_PAGE}/{shop_id}")
}

/// The "order on WhatsApp" link of a product: a tap is counted, then the
/// visitor is sent on to [`whatsapp_link`] (see `http::order_on_whatsapp`).
pub fn order_url(product_id: i64) -> String {
    format!("{ORDER_ON_WHATSAPP}/{product_id}")
}

/// The Unix day (UTC) of a time in seconds: how taps are counted.
pub fn unix_day(at: i64) -> i64 {
    at.div_euclid(86_400)
}

/// Interest in one of the family's products: taps on "order on WhatsApp".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductTaps {
    pub product_id: i64,
    /// Today and the 6 days before.
    pub last_7_days: i64,
    /// Today and the 29 days before.
    pub last_30_days: i64,
}

/// The URL of a product's editor.
pub fn edit_url(product_id: i64) -> String {
    format!("{MY_PRODUCT_PAGE}/{product_id}")
}

/// Product categories, in display order; the code is the key in URLs, SQL and locales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Food,
    Sweets,
    BakedGoods,
    Spices,
    SewingEmbroidery,
    Handicrafts,
    PerfumeIncense,
    Beauty,
    Gifts,
    Other,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Food,
        Category::Sweets,
        Category::BakedGoods,
        Category::Spices,
        Category::SewingEmbroidery,
        Category::Handicrafts,
        Category::PerfumeIncense,
        Category::Beauty,
        Category::Gifts,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Food => "food",
            Category::Sweets => "sweets",
            Category::BakedGoods => "baked_goods",
            Category::Spices => "spices",
            Category::SewingEmbroidery => "sewing_embroidery",
            Category::Handicrafts => "handicrafts",
            Category::PerfumeIncense => "perfume_incense",
            Category::Beauty => "beauty",
            Category::Gifts => "gifts",
            Category::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// Both names, for the search document (a visitor may type either).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Category::Food => ("أكل بيتي", "Home food"),
            Category::Sweets => ("حلويات", "Sweets"),
            Category::BakedGoods => ("مخبوزات", "Baked goods"),
            Category::Spices => ("بهارات", "Spices"),
            Category::SewingEmbroidery => ("خياطة وتطريز", "Sewing and embroidery"),
            Category::Handicrafts => ("حرف يدوية", "Handicrafts"),
            Category::PerfumeIncense => ("عطور وبخور", "Perfume and incense"),
            Category::Beauty => ("تجميل", "Beauty"),
            Category::Gifts => ("هدايا", "Gifts"),
            Category::Other => ("أخرى", "Other"),
        }
    }
}

/// Whether a product can be had now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    InStock,
    /// Made when ordered; ready after the product's lead time.
    MadeToOrder,
    /// Listed but not taking orders.
    Paused,
}

impl Availability {
    pub const ALL: [Availability; 3] = [
        Availability::InStock,
        Availability::MadeToOrder,
        Availability::Paused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Availability::InStock => "in_stock",
            Availability::MadeToOrder => "made_to_order",
            Availability::Paused => "paused",
        }
    }

    pub fn parse(value: &str) -> Option<Availability> {
        Availability::ALL.into_iter().find(|a| a.as_str() == value)
    }
}

/// Where a product stands between the family and the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    /// Being written; only the family sees it.
    Draft,
    /// Sent for review by the household's association (or the council).
    Pending,
    /// Public.
    Published,
    /// Refused at review, with a reason; the family edits and sends again.
    Rejected,
    /// Taken down by a moderator after publication, with a reason.
    Hidden,
}

impl ProductStatus {
    pub const ALL: [ProductStatus; 5] = [
        ProductStatus::Draft,
        ProductStatus::Pending,
        ProductStatus::Published,
        ProductStatus::Rejected,
        ProductStatus::Hidden,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Pending => "pending",
            ProductStatus::Published => "published",
            ProductStatus::Rejected => "rejected",
            ProductStatus::Hidden => "hidden",
        }
    }

    pub fn parse(value: &str) -> Option<ProductStatus> {
        ProductStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// The status after the family saves an edit: a published product goes
    /// back to review only when what the public reads or sees changed.
    pub fn after_edit(self, reviewed_content_changed: bool) -> ProductStatus {
        match self {
            ProductStatus::Published if reviewed_content_changed => ProductStatus::Pending,
            status => status,
        }
    }
}

/// A moderator's decision on a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    Approve,
    Reject,
    Hide,
}

impl Moderation {
    pub fn parse(value: &str) -> Option<Moderation> {
        match value {
            "approve" => Some(Moderation::Approve),
            "reject" => Some(Moderation::Reject),
            "hide" => Some(Moderation::Hide),
            _ => None,
        }
    }

    /// The status a decision leads to from `from`, if it is allowed.
    pub fn apply(self, from: ProductStatus) -> Option<ProductStatus> {
        match (self, from) {
            (Moderation::Approve, ProductStatus::Pending | ProductStatus::Hidden) => {
                Some(ProductStatus::Published)
            }
            (Moderation::Reject, ProductStatus::Pending) => Some(ProductStatus::Rejected),
            (Moderation::Hide, ProductStatus::Published | ProductStatus::Pending) => {
                Some(ProductStatus::Hidden)
            }
            _ => None,
        }
    }
}

pub use crate::checks::{MAX_PRICE_HALALAS, parse_price};

/// The words of a search text as the index holds them: Arabic-normalized
/// (DESIGN.md §5), punctuation dropped, and the definite article and its
/// common prefixed forms taken off, so "المعمول" finds "معمول".
pub fn search_terms(text: &str) -> Vec<String> {
    crate::text::normalize_arabic(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(strip_article)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn strip_article(word: &str) -> &str {
    // Longest prefix first; keep at least two letters of the word itself.
    for prefix in ["وال", "بال", "فال", "كال", "ال", "لل"] {
        if let Some(rest) = word.strip_prefix(prefix)
            && rest.chars().count() >= 2
        {
            return rest;
        }
    }
    word
}

/// The text indexed for a product: its titles and descriptions, its shop's
/// names and its category's names, as [`search_terms`] joined by spaces.
pub fn search_document(parts: &[&str]) -> String {
    search_terms(&parts.join(" ")).join(" ")
}

/// A WhatsApp "click to chat" link to the shop with a prefilled Arabic
/// message naming the product and its page. `international` is a stored
/// Saudi mobile (`9665XXXXXXXX`, the form wa.me wants).
pub fn whatsapp_link(international: &str, product_title: &str, product_page: &str) -> String {
    let message = format!("السلام عليكم، أرغب في طلب «{product_title}» من تكامل: {product_page}");
    format!(
        "https://wa.me/{international}?text={}",
        url_encode(&message)
    )
}

pub use crate::text::url_encode;

/// A stored photo of a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub id: i64,
    /// Server-generated name of the files.
    pub key: String,
    /// Of the largest stored variant.
    pub width: u32,
    pub height: u32,
    pub is_cover: bool,
}

/// A product as cards show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub id: i64,
    pub title_ar: String,
    pub title_en: Option<String>,
    pub price_halalas: i64,
    pub unit_ar: String,
    pub category: Category,
    pub availability: Availability,
    pub cover: Option<Photo>,
    pub shop_id: i64,
    pub shop_name_ar: String,
    pub shop_name_en: Option<String>,
    pub district_name_ar: String,
    pub district_name_en: String,
}

/// A shop as its page and the product page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shop {
    pub id: i64,
    pub name_ar: String,
    pub name_en: Option<String>,
    pub bio: String,
    pub district_id: i64,
    pub district_name_ar: String,
    pub district_name_en: String,
    pub city_name_ar: String,
    pub city_name_en: String,
    pub pickup: bool,
    pub delivery: bool,
    pub delivery_areas: String,
    pub delivery_fee_halalas: Option<i64>,
    /// Only when the family opted in to WhatsApp orders.
    pub whatsapp: Option<String>,
    /// The number the family wrote for "Call" (never the registry's phone).
    pub phone: Option<String>,
    pub working_hours: String,
    /// The given name of the member who runs the shop for the household
    /// (issue 21 §3), while the head allows it.
    #[serde(default)]
    pub producer_name: Option<String>,
}

/// Everything about one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: i64,
    pub shop_id: i64,
    pub title_ar: String,
    pub title_en: Option<String>,
    pub description_ar: String,
    pub description_en: Option<String>,
    pub category: Category,
    pub price_halalas: i64,
    pub unit_ar: String,
    pub availability: Availability,
    pub lead_time_days: Option<i64>,
    pub status: ProductStatus,
    pub moderation_reason: Option<String>,
    pub photos: Vec<Photo>,
    pub updated_at: i64,
}

impl Product {
    /// The title in the page's language (Arabic when there is no English one).
    pub fn title(&self, english: bool) -> String {
        crate::ui::pick(
            english,
            &self.title_ar,
            self.title_en.as_deref().unwrap_or(""),
        )
    }

    /// The description in the page's language.
    pub fn description(&self, english: bool) -> String {
        crate::ui::pick(
            english,
            &self.description_ar,
            self.description_en.as_deref().unwrap_or(""),
        )
    }
}

/// What a search asks for; every field comes from the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub text: String,
    pub category: Option<Category>,
    pub city_id: Option<i64>,
    pub district_id: Option<i64>,
    pub min_halalas: Option<i64>,
    pub max_halalas: Option<i64>,
    pub delivery: bool,
    pub pickup: bool,
    pub available_now: bool,
    pub sort: SearchSort,
    pub page: i64,
}

/// The order of search results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchSort {
    #[default]
    Newest,
    PriceLow,
    PriceHigh,
}

impl SearchSort {
    pub fn as_str(self) -> &'static str {
        match self {
            SearchSort::Newest => "newest",
            SearchSort::PriceLow => "price_low",
            SearchSort::PriceHigh => "price_high",
        }
    }

    pub fn parse(value: &str) -> Option<SearchSort> {
        [
            SearchSort::Newest,
            SearchSort::PriceLow,
            SearchSort::PriceHigh,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_accept_what_families_type_within_bounds() {
        assert_eq!(parse_price("25"), Some(2_500));
        assert_eq!(parse_price("٢٥٫٥٠"), Some(2_550));
        assert_eq!(parse_price("١٬٢٥٠ ريال"), Some(125_000));
        assert_eq!(parse_price("1,250.75"), Some(125_075));
        assert_eq!(parse_price("35 ر.س"), Some(3_500));
        assert_eq!(parse_price("1000000"), Some(MAX_PRICE_HALALAS));
        for bad in ["0", "0.00", "1000000.01", "-5", "abc", "", "12.345", "٥..٥"] {
            assert_eq!(parse_price(bad), None, "{bad}");
        }
    }

    #[test]
    fn search_terms_normalize_both_sides() {
        for query in ["معمول", "المعمول", "مَعْمُول", "معمـــول", "والمعمول"]
        {
            assert_eq!(search_terms(query), vec!["معمول"], "{query}");
        }
        assert_eq!(search_terms("كعك، بالتمر!"), vec!["كعك", "تمر"]);
        assert_eq!(
            search_terms("عطر الورد الطائفي"),
            vec!["عطر", "ورد", "طائفي"]
        );
        assert_eq!(search_terms("Date Maamoul"), vec!["date", "maamoul"]);
        // A short word keeps its letters: "ال" + one letter is not an article.
        assert_eq!(search_terms("الف"), vec!["الف"]);
        assert_eq!(search_terms("  "), Vec::<String>::new());
    }

    #[test]
    fn a_published_product_returns_to_review_only_for_reviewed_fields() {
        assert_eq!(
            ProductStatus::Published.after_edit(true),
            ProductStatus::Pending
        );
        assert_eq!(
            ProductStatus::Published.after_edit(false),
            ProductStatus::Published
        );
        assert_eq!(ProductStatus::Draft.after_edit(true), ProductStatus::Draft);
    }

    #[test]
    fn moderation_moves_only_from_allowed_states() {
        use ProductStatus::*;
        assert_eq!(Moderation::Approve.apply(Pending), Some(Published));
        assert_eq!(Moderation::Reject.apply(Pending), Some(Rejected));
        assert_eq!(Moderation::Hide.apply(Published), Some(Hidden));
        assert_eq!(Moderation::Approve.apply(Hidden), Some(Published));
        assert_eq!(Moderation::Approve.apply(Draft), None);
        assert_eq!(Moderation::Reject.apply(Published), None);
        assert_eq!(Moderation::Hide.apply(Draft), None);
    }

    #[test]
    fn whatsapp_link_carries_the_number_and_the_product() {
        let link = whatsapp_link(
            "966551234567",
            "معمول",
            "https://takamul.sa/market/products/7",
        );
        assert!(link.starts_with("https://wa.me/966551234567?text="));
        let text = link.split("text=").nth(1).unwrap();
        assert!(text.contains(&url_encode("معمول")));
        assert!(text.contains(&url_encode("https://takamul.sa/market/products/7")));
        assert!(!text.contains(' '));
    }

    #[test]
    fn photos_are_never_upscaled() {
        assert_eq!(
            photo_widths(2000).collect::<Vec<_>>(),
            vec![320, 480, 640, 800, 1280]
        );
        assert_eq!(
            photo_widths(700).collect::<Vec<_>>(),
            vec![320, 480, 640, 700]
        );
        assert_eq!(photo_widths(200).collect::<Vec<_>>(), vec![200]);
        assert_eq!(
            photo_srcset("ab", 700),
            "/photos/ab-320.webp 320w, /photos/ab-480.webp 480w, /photos/ab-640.webp 640w, \
             /photos/ab-700.webp 700w"
        );
        assert_eq!(photo_url("ab", 800, 400), "/photos/ab-480.webp");
        assert_eq!(photo_url("ab", 200, 400), "/photos/ab-200.webp");
    }
}
