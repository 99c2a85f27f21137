//! The unified household registry (DESIGN.md §3): one record per household,
//! shared by every association, versioned field by field.
//!
//! `mod.rs`: types and pure rules; `api.rs`: server functions; `db/`: SQL
//! (households, members, history, claims, links, duplicates).

pub use crate::paths::{DUPLICATES_PAGE, WALK_IN_PAGE, WIZARD_PAGE};
pub mod api;
pub mod claims;
#[cfg(feature = "ssr")]
pub mod db;
pub mod delegates;
mod duplicates_api;
pub mod labels;
/// Duplicate detection (its SQL lives in `db`; the path stays `registry::duplicates`).
#[cfg(feature = "ssr")]
pub use db::duplicates;
pub mod pages;

use serde::{Deserialize, Serialize};

use crate::text::normalize_arabic;

pub use crate::phone::{PhoneError, SaudiPhone};

/// Monthly household income, in brackets (SAR).
pub const INCOME_BRACKETS: [&str; 5] = [
    "none",
    "under_3000",
    "3000_6000",
    "6000_10000",
    "over_10000",
];

/// How a member relates to the head of the household.
pub const RELATIONS: [&str; 7] = [
    "spouse", "son", "daughter", "father", "mother", "sibling", "other",
];

/// The crafts and skills catalogue.
pub const CRAFTS: [&str; 8] = [
    "food",
    "sweets",
    "sewing",
    "embroidery",
    "handicrafts",
    "perfume_incense",
    "beauty",
    "other",
];

/// The version of the privacy notice a family consents to.
pub const PRIVACY_NOTICE_VERSION: &str = "2026-11";

/// Whether the household finished the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HouseholdStatus {
    Draft,
    Registered,
}

impl HouseholdStatus {
    /// The stored value (`households.status`).
    pub fn as_str(self) -> &'static str {
        match self {
            HouseholdStatus::Draft => "draft",
            HouseholdStatus::Registered => "registered",
        }
    }

    /// The status of a stored value; `None` for an unknown one.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Draft, Self::Registered]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// A member of a household (the head is not listed here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: i64,
    pub full_name: String,
    pub relation: String,
    pub birth_date: String,
    /// Masked outside the household's own pages.
    pub national_id: Option<String>,
    /// The ID is the household's: its holder confirmed it after Nafath, or
    /// staff verified it with documents. Otherwise it is only a claim.
    pub id_confirmed: bool,
    /// The head allows this member to act for the household (apply, follow
    /// its applications, run its shop); only a member whose ID is confirmed.
    #[serde(default)]
    pub may_act: bool,
}

/// The household a signed-in person acts for, and as whom: its head
/// (`member_id` empty) or a member the head allowed. Asked afresh on every
/// call ([`delegates::acting_household`]), never kept in the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActingFor {
    pub household_id: i64,
    pub member_id: Option<i64>,
}

impl ActingFor {
    /// The person is the household's head.
    pub fn is_head(&self) -> bool {
        self.member_id.is_none()
    }
}

/// A household as its own family sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub id: i64,
    pub head_name_ar: String,
    pub phone: Option<String>,
    pub district_id: Option<i64>,
    pub address: Option<String>,
    pub income_bracket: Option<String>,
    pub dependants: Option<i64>,
    pub crafts: Vec<String>,
    pub verified: bool,
    pub status: HouseholdStatus,
    pub version: i64,
    pub members: Vec<Member>,
}

/// The history entries that say who acted for the household: the head
/// allowing or revoking a member, and what such a member did.
pub const ACTS: [&str; 8] = [
    "delegate_allowed",
    "delegate_revoked",
    "application_submitted",
    "line_withdrawn",
    "document_added",
    "shop_saved",
    "product_saved",
    "product_submitted",
];

/// One entry of a household's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdChange {
    pub version: i64,
    pub changed_by_name: Option<String>,
    pub changed_at: i64,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// Checks a birth date typed as `YYYY-MM-DD` (Eastern digits accepted) and
/// returns it normalized; years 1900–2100.
pub fn parse_birth_date(input: &str) -> Option<String> {
    crate::time::SaudiDate::parse(input).map(|d| d.to_string())
}

pub use crate::checks::parse_dependants;

/// The parts of an Arabic full name after normalization, for comparison
/// (given, father, grandfather, family): "بن"/"بنت"/"ابن" are dropped,
/// "عبد الله" is joined like "عبدالله", and the article "ال" of a family
/// name is dropped ("الزهراني" = "زهراني").
pub fn name_parts(full_name: &str) -> Vec<String> {
    let normalized = normalize_arabic(full_name);
    let mut parts: Vec<String> = Vec::new();
    let mut words = normalized
        .split(' ')
        .filter(|p| !p.is_empty() && !matches!(*p, "بن" | "بنت" | "ابن" | "bin" | "bint"))
        .peekable();
    while let Some(word) = words.next() {
        let word = match (word, words.peek()) {
            ("عبد" | "ابو", Some(next)) => {
                let joined = format!("{word}{next}");
                words.next();
                joined
            }
            _ => word.to_string(),
        };
        let stripped = match word.strip_prefix("ال") {
            Some(rest) if word != "الله" && rest.chars().count() >= 2 => rest.to_string(),
            _ => word,
        };
        parts.push(stripped);
    }
    parts
}

/// How alike two full names are, 0–100: the share of name parts in common,
/// counted on the shorter name, with the given and family names weighing double.
pub fn name_similarity(a: &str, b: &str) -> u8 {
    let (a, b) = (name_parts(a), name_parts(b));
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let weight = |parts: &[String], i: usize| if i == 0 || i + 1 == parts.len() { 2 } else { 1 };
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let total: u32 = (0..short.len()).map(|i| weight(short, i)).sum();
    let shared: u32 = short
        .iter()
        .enumerate()
        .filter(|(_, p)| long.contains(p))
        .map(|(i, _)| weight(short, i))
        .sum();
    (shared * 100 / total.max(1)) as u8
}

/// What is compared to find one household registered twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdFingerprint {
    pub household_id: i64,
    pub district_id: i64,
    pub phone: Option<SaudiPhone>,
    /// Head and members with a national ID.
    pub national_ids: Vec<String>,
    /// Head and members' full names.
    pub names: Vec<String>,
}

/// Why two households look like one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DuplicateReason {
    SamePhone,
    SharedMember,
    SimilarName,
}

/// One side of a candidate pair, as the council compares them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateSide {
    pub household: Household,
    pub head_national_id_masked: String,
    pub district_name_ar: Option<String>,
    pub district_name_en: Option<String>,
    pub lines: i64,
    pub benefits: i64,
}

/// A pair of households that may be one, for the council's review queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateCandidate {
    pub id: i64,
    pub score: i64,
    pub reasons: Vec<DuplicateReason>,
    pub a: DuplicateSide,
    pub b: DuplicateSide,
}

impl DuplicateReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateReason::SamePhone => "same_phone",
            DuplicateReason::SharedMember => "shared_member",
            DuplicateReason::SimilarName => "similar_name",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::SamePhone, Self::SharedMember, Self::SimilarName]
            .into_iter()
            .find(|r| r.as_str() == value)
    }
}

/// Names at least this alike (0–100) in one district make a candidate pair.
pub const SIMILAR_NAME_THRESHOLD: u8 = 75;

/// Scores a pair: the reasons found and a score 0–100 for ordering the
/// council's review queue (a shared national ID is nearly certain).
pub fn duplicate_score(
    a: &HouseholdFingerprint,
    b: &HouseholdFingerprint,
) -> (u8, Vec<DuplicateReason>) {
    let mut reasons = Vec::new();
    let mut score = 0u32;
    if a.national_ids.iter().any(|id| b.national_ids.contains(id)) {
        reasons.push(DuplicateReason::SharedMember);
        score += 90;
    }
    if a.phone.is_some() && a.phone == b.phone {
        reasons.push(DuplicateReason::SamePhone);
        score += 60;
    }
    if a.district_id == b.district_id {
        let best = a
            .names
            .iter()
            .flat_map(|x| b.names.iter().map(move |y| name_similarity(x, y)))
            .max()
            .unwrap_or(0);
        if best >= SIMILAR_NAME_THRESHOLD {
            reasons.push(DuplicateReason::SimilarName);
            score += u32::from(best) / 2;
        }
    }
    (score.min(100) as u8, reasons)
}

/// The blocking keys of a household: two households are compared only when
/// they share a key, so finding candidates never scans all pairs.
pub fn blocking_keys(h: &HouseholdFingerprint) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    if let Some(phone) = &h.phone {
        keys.push(format!("phone:{}", phone.international()));
    }
    keys.extend(h.national_ids.iter().map(|id| format!("id:{id}")));
    for name in &h.names {
        let parts = name_parts(name);
        if let (Some(first), Some(last)) = (parts.first(), parts.last()) {
            keys.push(format!("name:{}:{first}:{last}", h.district_id));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_and_dependants() {
        assert_eq!(parse_birth_date("1990-5-7").as_deref(), Some("1990-05-07"));
        assert_eq!(
            parse_birth_date("٢٠٠٠-٠٢-٢٩").as_deref(),
            Some("2000-02-29")
        );
        for bad in [
            "1900-02-29",
            "2023-13-01",
            "2023-00-10",
            "99-01-01",
            "2023/01/01",
            "",
            "2023-01-32",
            "2101-01-01",
        ] {
            assert_eq!(parse_birth_date(bad), None, "{bad}");
        }
        assert_eq!(parse_dependants("٣"), Some(3));
        assert_eq!(parse_dependants("31"), None);
        assert_eq!(parse_dependants("-1"), None);
    }

    #[test]
    fn names_compare_by_normalized_parts() {
        assert_eq!(
            name_parts("نورة بنت عبدالله الأسرية"),
            vec!["نوره", "عبدالله", "اسريه"]
        );
        assert_eq!(
            name_parts("نوره عبد الله الزهراني"),
            vec!["نوره", "عبدالله", "زهراني"]
        );
        assert_eq!(
            name_similarity("نورة عبدالله محمد الزهراني", "نوره عبد الله الزهراني"),
            100
        );
        assert_eq!(
            name_similarity("نورة عبدالله محمد الزهراني", "نورة سعد محمد الزهراني"),
            83
        );
        assert_eq!(name_similarity("أحمد علي", "احمد علي"), 100);
        assert!(name_similarity("فاطمة سعيد القحطاني", "خالد ناصر العتيبي") < 20);
        assert_eq!(name_similarity("", "أحمد"), 0);
    }

    fn household(
        id: i64,
        district: i64,
        phone: Option<&str>,
        ids: &[&str],
        names: &[&str],
    ) -> HouseholdFingerprint {
        HouseholdFingerprint {
            household_id: id,
            district_id: district,
            phone: phone.map(|p| SaudiPhone::parse(p).unwrap()),
            national_ids: ids.iter().map(|s| s.to_string()).collect(),
            names: names.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn duplicate_reasons_and_scores() {
        let a = household(
            1,
            10,
            Some("0551234567"),
            &["1000000065"],
            &["نورة عبدالله الأسرية"],
        );
        let same_phone = household(2, 11, Some("+966551234567"), &[], &["سارة محمد"]);
        let shared_member = household(3, 12, None, &["1000000065"], &["هند"]);
        let similar_name = household(4, 10, None, &[], &["نوره عبدالله الاسريه"]);
        let similar_elsewhere = household(5, 99, None, &[], &["نوره عبدالله الاسريه"]);
        assert_eq!(
            duplicate_score(&a, &same_phone).1,
            vec![DuplicateReason::SamePhone]
        );
        assert_eq!(
            duplicate_score(&a, &shared_member),
            (90, vec![DuplicateReason::SharedMember])
        );
        assert_eq!(
            duplicate_score(&a, &similar_name).1,
            vec![DuplicateReason::SimilarName]
        );
        assert!(duplicate_score(&a, &similar_elsewhere).1.is_empty());
    }

    #[test]
    fn blocking_keys_meet_only_for_candidates() {
        let a = household(
            1,
            10,
            Some("0551234567"),
            &["1000000065"],
            &["نورة عبدالله الأسرية"],
        );
        let b = household(4, 10, None, &[], &["نوره محمد الاسريه"]);
        let c = household(5, 11, None, &[], &["نوره محمد الاسريه"]);
        let shares = |x: &HouseholdFingerprint, y: &HouseholdFingerprint| {
            let ky = blocking_keys(y);
            blocking_keys(x).iter().any(|k| ky.contains(k))
        };
        assert!(shares(&a, &b));
        assert!(!shares(&a, &c));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(10_000))]
        #[test]
        fn phone_parser_never_panics(input in "\\PC*") {
            if let Ok(phone) = SaudiPhone::parse(&input) {
                proptest::prop_assert_eq!(phone.international().len(), 12);
                proptest::prop_assert!(phone.international().starts_with("9665"));
            }
        }

        #[test]
        fn date_and_number_parsers_never_panic(input in "\\PC*") {
            let _ = parse_birth_date(&input);
            let _ = parse_dependants(&input);
        }

        #[test]
        fn name_similarity_never_panics_and_is_bounded(a in "\\PC{0,40}", b in "\\PC{0,40}") {
            proptest::prop_assert!(name_similarity(&a, &b) <= 100);
        }
    }
}
