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
