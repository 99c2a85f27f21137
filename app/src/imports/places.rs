//! District names as files write them: one key per spelling family (Arabic
//! normalization, with or without "حي" and the article, English spellings),
//! and the index that finds the one district a city and a name mean,
//! an association's own mappings first.

use std::collections::HashMap;

use crate::text::normalize_arabic;

/// Words a place name may carry or leave out: "حي" and "district" and
/// the English forms of the article.
const PLACE_NOISE: [&str; 8] = [
    "حي",
    "dist",
    "district",
    "neighborhood",
    "neighbourhood",
    "hay",
    "hayy",
    "hai",
];
const LATIN_ARTICLES: [&str; 11] = [
    "al", "el", "an", "ar", "as", "ash", "at", "ad", "adh", "az", "ath",
];

/// A district or city name reduced to what identifies it, so the spellings
/// files use meet: Arabic normalization (ة/ه, أ/ا, ى/ي, tashkeel), with or
/// without "حي" and the article "ال", English case, "Dist.", "Al-"/"Ar "
/// and a final "h" ("Rawdah" = "Rawda"), spaces and punctuation ignored.
pub fn place_key(text: &str) -> String {
    let normalized = normalize_arabic(text);
    let words: Vec<&str> = normalized
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        if PLACE_NOISE.contains(word) && words.len() > 1 {
            continue;
        }
        if LATIN_ARTICLES.contains(word) && i + 1 < words.len() {
            continue;
        }
        let mut word = match word.strip_prefix("ال") {
            Some(rest) if *word != "الله" && rest.chars().count() >= 2 => rest.to_string(),
            _ => word.to_string(),
        };
        if word.is_ascii() && word.len() > 3 && (word.ends_with("ah") || word.ends_with("eh")) {
            word.pop();
        }
        out.push_str(&word);
    }
    out
}

/// The key an unknown place is listed and mapped under: city and district.
pub fn place_pair_key(city: &str, district: &str) -> String {
    format!("{}|{}", place_key(city), place_key(district))
}

/// A district of the catalogue, as the place index needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceRow {
    pub district_id: i64,
    pub city_id: i64,
    pub city_ar: String,
    pub city_en: String,
    pub name_ar: String,
    pub name_en: String,
}

/// Finds districts by the names files give them.
#[derive(Debug, Clone, Default)]
pub struct PlaceIndex {
    cities: HashMap<String, i64>,
    /// place key → (district, city) pairs with that key.
    districts: HashMap<String, Vec<(i64, i64)>>,
    /// An association's mappings: place pair key → district.
    aliases: HashMap<String, i64>,
}

impl PlaceIndex {
    /// The index over the catalogue and an association's aliases.
    pub fn new(rows: &[PlaceRow], aliases: HashMap<String, i64>) -> Self {
        let mut index = Self {
            aliases,
            ..Self::default()
        };
        for row in rows {
            for city in [&row.city_ar, &row.city_en] {
                index.cities.insert(place_key(city), row.city_id);
            }
            for name in [&row.name_ar, &row.name_en] {
                let ids = index.districts.entry(place_key(name)).or_default();
                if !ids.contains(&(row.district_id, row.city_id)) {
                    ids.push((row.district_id, row.city_id));
                }
            }
        }
        index
    }

    /// The district a file means by this city (may be empty) and district
    /// name: the association's mapping first, then the one district of that
    /// name (in that city, when the city is known). `None` when no district
    /// or several answer.
    pub fn resolve(&self, city: &str, district: &str) -> Option<i64> {
        if let Some(id) = self.aliases.get(&place_pair_key(city, district)) {
            return Some(*id);
        }
        let found = self.districts.get(&place_key(district))?;
        let city_id = self.cities.get(&place_key(city));
        let mut ids: Vec<i64> = found
            .iter()
            .filter(|(_, c)| city_id.is_none_or(|id| id == c))
            .map(|(d, _)| *d)
            .collect();
        ids.dedup();
        match ids.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample_index() -> PlaceIndex {
        let row =
            |district_id, city_id, city_ar: &str, city_en: &str, ar: &str, en: &str| PlaceRow {
                district_id,
                city_id,
                city_ar: city_ar.into(),
                city_en: city_en.into(),
                name_ar: ar.into(),
                name_en: en.into(),
            };
        PlaceIndex::new(
            &[
                row(1, 10, "جدة", "Jeddah", "حي الروضة", "Ar Rawdah Dist."),
                row(2, 10, "جدة", "Jeddah", "حي الصفا", "As Safa Dist."),
                row(
                    3,
                    20,
                    "مكة المكرمة",
                    "Makkah",
                    "حي الروضة",
                    "Ar Rawdah Dist.",
                ),
                row(
                    4,
                    20,
                    "مكة المكرمة",
                    "Makkah",
                    "حي العزيزية",
                    "Al Aziziyah Dist.",
                ),
            ],
            HashMap::from([(place_pair_key("", "الروضه الشماليه"), 1)]),
        )
    }

    #[test]
    fn districts_are_found_however_they_are_written() {
        let p = sample_index();
        for (city, name) in [
            ("جدة", "حي الروضة"),
            ("جده", "الروضه"),
            ("Jeddah", "Rawdah"),
            ("jeddah", "Ar-Rawda"),
            ("", "الصفا"),
            ("", "حى الصفا"),
            ("", "Safa district"),
        ] {
            assert!(p.resolve(city, name).is_some(), "{city} / {name}");
        }
        assert_eq!(p.resolve("جدة", "روضة"), Some(1));
        assert_eq!(p.resolve("Makkah", "Al Rawdah"), Some(3));
        // Two cities have a Rawdah: without a city the name is not enough.
        assert_eq!(p.resolve("", "الروضة"), None);
        assert_eq!(p.resolve("", "العزيزيه"), Some(4));
        assert_eq!(p.resolve("", "حي لا يوجد"), None);
        // An association's mapping, by city and name as written.
        assert_eq!(p.resolve("", "الروضة الشمالية"), Some(1));
    }

    #[test]
    fn place_keys_ignore_noise() {
        assert_eq!(place_key("حي الروضة"), place_key("روضه"));
        assert_eq!(place_key("Ar Rawdah Dist."), place_key("rawda"));
        assert_eq!(place_key("حي"), "حي");
        assert_eq!(place_key("  "), "");
    }

    proptest::proptest! {
        #[test]
        fn place_rules_never_panic(text in "\\PC{0,40}") {
            let _ = place_key(&text);
            let _ = sample_index().resolve(&text, &text);
        }
    }
}
