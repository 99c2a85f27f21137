//! Places: region → city (governorate) → district (DESIGN.md §3). Seeded from
//! the National Address data in `app/data/places/`.

#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};

/// A city (governorate) of the region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct City {
    pub id: i64,
    pub name_ar: String,
    pub name_en: String,
}

/// A district, the unit coverage and routing work on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct District {
    pub id: i64,
    pub city_id: i64,
    pub name_ar: String,
    pub name_en: String,
}
