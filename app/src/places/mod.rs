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

/// The city a place list opens on when nothing else says which: Jeddah,
/// where most of the region's families live (issue 21: the list opened on
/// the first city alphabetically, الجموم).
pub const DEFAULT_CITY_NAME_EN: &str = "Jeddah";

/// The city a form opens on: the one asked for, else Jeddah when listed,
/// else none.
pub fn city_to_open(asked: Option<i64>, cities: &[City]) -> Option<i64> {
    asked.or_else(|| {
        cities
            .iter()
            .find(|c| c.name_en == DEFAULT_CITY_NAME_EN)
            .map(|c| c.id)
    })
}

/// A district, the unit coverage and routing work on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct District {
    pub id: i64,
    pub city_id: i64,
    pub name_ar: String,
    pub name_en: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_lists_open_on_jeddah_unless_asked() {
        let city = |id, en: &str| City {
            id,
            name_ar: String::new(),
            name_en: en.to_string(),
        };
        let cities = [city(1, "Al Jumum"), city(2, "Jeddah"), city(3, "Makkah")];
        assert_eq!(city_to_open(None, &cities), Some(2));
        assert_eq!(city_to_open(Some(3), &cities), Some(3));
        assert_eq!(city_to_open(None, &cities[..1]), None);
    }
}
