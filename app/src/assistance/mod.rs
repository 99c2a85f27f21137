//! The assistance-type catalogue the council edits (DESIGN.md §3): what an
//! association can give and a family can ask for.

#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};

/// One kind of assistance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistanceType {
    pub id: i64,
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    /// Whether the apply form asks the family for an amount with this type.
    pub asks_amount: bool,
}

/// One type as the council edits the catalogue: with its rules and whether
/// it is offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueEntry {
    pub id: i64,
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    /// Days after a fulfilled line before the household may ask again.
    pub cooldown_days: i64,
    pub asks_amount: bool,
    /// Retired types are no longer offered; their lines and benefits stay.
    pub active: bool,
    pub sort_order: i64,
    /// How many application lines name it (its history).
    pub lines: i64,
}

/// A document the council asks a family to attach when it asks for a type
/// (an ID copy, a quotation, a licence), required or optional.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentKind {
    pub id: i64,
    pub assistance_type_id: i64,
    pub name_ar: String,
    pub name_en: String,
    /// The apply form is refused without it.
    pub required: bool,
    /// A retired kind is no longer asked for; documents given stay.
    pub active: bool,
}

/// The longest waiting period the council may set (ten years).
pub const MAX_COOLDOWN_DAYS: i64 = 3650;

/// Whether `code` is a catalogue code: 2–40 of `a-z`, `0-9`, `_`, starting
/// with a letter (codes appear in exports and URLs, so they stay ASCII).
pub fn is_valid_code(code: &str) -> bool {
    (2..=40).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_lowercase())
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The catalogue as first seeded: (code, Arabic, English).
pub const SEED_CATALOGUE: [(&str, &str, &str); 8] = [
    ("training", "التدريب والتأهيل", "Training"),
    ("equipment", "المعدات والأدوات", "Equipment and tools"),
    ("raw_materials", "المواد الخام", "Raw materials"),
    (
        "financing",
        "التمويل (قرض بنك التنمية الاجتماعية)",
        "Financing (Social Development Bank loan)",
    ),
    (
        "sales_location",
        "موقع بيع أو ركن في سوق",
        "Sales location / market booth",
    ),
    (
        "marketing",
        "التسويق والتجارة الإلكترونية",
        "Marketing and e-commerce",
    ),
    ("licensing", "التراخيص والوثائق", "Licensing and documents"),
    (
        "packaging",
        "التغليف والعلامة التجارية",
        "Packaging and branding",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_lowercase_ascii() {
        for code in SEED_CATALOGUE.map(|(code, _, _)| code) {
            assert!(is_valid_code(code), "{code}");
        }
        assert!(is_valid_code("home_food_2"));
        for bad in [
            "",
            "a",
            "Training",
            "2fast",
            "تدريب",
            "with space",
            &"x".repeat(41),
        ] {
            assert!(!is_valid_code(bad), "{bad}");
        }
    }
}
