//! The pure rules of an import: the columns of each kind of file and their
//! headers, how an assistance type written by hand is found (districts:
//! `places.rs`), and how one row becomes a household or a benefit or a list
//! of reasons.

use std::collections::{BTreeMap, HashMap};

pub use super::places::{PlaceIndex, PlaceRow, place_key, place_pair_key};

use super::{ImportKind, Reason};
use crate::ids::{NationalId, NationalIdError};
use crate::registry::{CRAFTS, INCOME_BRACKETS, SaudiPhone, parse_dependants};
use crate::text::{fold_digits, normalize_arabic, parse_riyals};

/// One row of a file: column key → the text of its cell.
pub type Cells = BTreeMap<String, String>;

/// A column of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The key rows are stored under (also accepted as a header).
    pub key: &'static str,
    /// The header of the template (Arabic).
    pub ar: &'static str,
    /// The English header, accepted as well.
    pub en: &'static str,
    pub required: bool,
}

const fn column(key: &'static str, ar: &'static str, en: &'static str, required: bool) -> Column {
    Column {
        key,
        ar,
        en,
        required,
    }
}

/// The households file, in template order.
pub const HOUSEHOLD_COLUMNS: [Column; 9] = [
    column(
        "head_national_id",
        "رقم هوية رب الأسرة",
        "Head national ID",
        true,
    ),
    column("head_name", "اسم رب الأسرة الكامل", "Head full name", true),
    column("phone", "رقم الجوال", "Mobile phone", false),
    column("city", "المدينة", "City", false),
    column("district", "الحي", "District", true),
    column("address", "العنوان", "Address", false),
    column("dependants", "عدد المعالين", "Dependants", false),
    column("income_bracket", "الدخل الشهري", "Monthly income", false),
    column("crafts", "الحرف والمهارات", "Crafts and skills", false),
];

/// The benefits file, in template order.
pub const BENEFIT_COLUMNS: [Column; 4] = [
    column(
        "head_national_id",
        "رقم هوية رب الأسرة",
        "Head national ID",
        true,
    ),
    column("assistance_type", "نوع المساعدة", "Assistance type", true),
    column("given_on", "تاريخ الصرف", "Date given", true),
    column("value", "القيمة بالريال", "Value in riyals", false),
];

/// The columns of a kind of file.
pub fn columns(kind: ImportKind) -> &'static [Column] {
    match kind {
        ImportKind::Households => &HOUSEHOLD_COLUMNS,
        ImportKind::Benefits => &BENEFIT_COLUMNS,
    }
}

/// A header (or a name) compared loosely: Arabic normalization, Latin
/// lowercase, and only letters and digits.
fn loose(text: &str) -> String {
    normalize_arabic(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Where each column of `kind` sits in a header row (`None` for an optional
/// column the file leaves out), when `cells` is a header row: every
/// required column named, in Arabic or English (or by its key), in any order.
pub fn header_positions(kind: ImportKind, cells: &[String]) -> Option<Vec<Option<usize>>> {
    let loose_cells: Vec<String> = cells.iter().map(|c| loose(c)).collect();
    let positions: Vec<Option<usize>> = columns(kind)
        .iter()
        .map(|col| {
            let names = [loose(col.ar), loose(col.en), loose(col.key)];
            loose_cells
                .iter()
                .position(|cell| !cell.is_empty() && names.contains(cell))
        })
        .collect();
    let complete = columns(kind)
        .iter()
        .zip(&positions)
        .all(|(col, pos)| !col.required || pos.is_some());
    complete.then_some(positions)
}

/// The required columns a header row does not name (for the refusal).
pub fn missing_columns(kind: ImportKind, cells: &[String]) -> Vec<&'static Column> {
    let loose_cells: Vec<String> = cells.iter().map(|c| loose(c)).collect();
    columns(kind)
        .iter()
        .filter(|col| {
            col.required
                && ![loose(col.ar), loose(col.en), loose(col.key)]
                    .iter()
                    .any(|n| loose_cells.contains(n))
        })
        .collect()
}

/// Finds assistance types by code or by name (either language).
#[derive(Debug, Clone, Default)]
pub struct TypeIndex {
    names: HashMap<String, i64>,
}

impl TypeIndex {
    /// From (id, code, Arabic name, English name).
    pub fn new(types: &[(i64, String, String, String)]) -> Self {
        let mut names = HashMap::new();
        for (id, code, ar, en) in types {
            for name in [code, ar, en] {
                names.insert(loose(name), *id);
            }
        }
        Self { names }
    }

    pub fn resolve(&self, text: &str) -> Option<i64> {
        self.names.get(&loose(text)).copied()
    }
}

/// Income bracket labels as the registration pages show them, per code.
const INCOME_LABELS: [(&str, &str, &str); 5] = [
    ("none", "لا يوجد دخل", "No income"),
    ("under_3000", "أقل من 3000 ريال", "Under SAR 3,000"),
    ("3000_6000", "من 3000 إلى 6000 ريال", "SAR 3,000 to 6,000"),
    (
        "6000_10000",
        "من 6000 إلى 10000 ريال",
        "SAR 6,000 to 10,000",
    ),
    ("over_10000", "أكثر من 10000 ريال", "Over SAR 10,000"),
];

/// A monthly income written as a bracket's code or label, or as an amount
/// of riyals (which falls in its bracket).
pub fn parse_income_bracket(text: &str) -> Option<&'static str> {
    let wanted = loose(text);
    if let Some((code, _, _)) = INCOME_LABELS
        .iter()
        .find(|(code, ar, en)| [loose(code), loose(ar), loose(en)].contains(&wanted))
    {
        return INCOME_BRACKETS.iter().copied().find(|b| b == code);
    }
    let halalas = parse_riyals(text)?;
    let riyals = halalas / 100;
    Some(match riyals {
        0 => "none",
        1..3000 => "under_3000",
        3000..6000 => "3000_6000",
        6000..=10000 => "6000_10000",
        _ => "over_10000",
    })
}

/// Craft labels as the registration pages show them, per code.
const CRAFT_LABELS: [(&str, &str, &str); 8] = [
    ("food", "الطبخ والأكلات", "Cooking and food"),
    ("sweets", "الحلويات", "Sweets"),
    ("sewing", "الخياطة", "Sewing"),
    ("embroidery", "التطريز", "Embroidery"),
    ("handicrafts", "الأعمال اليدوية", "Handicrafts"),
    ("perfume_incense", "العطور والبخور", "Perfume and incense"),
    ("beauty", "التجميل", "Beauty"),
    ("other", "أخرى", "Other"),
];

/// Crafts separated by commas (Arabic or Latin), semicolons or slashes,
/// each a code or a label; `None` when one is not in the catalogue.
pub fn parse_crafts(text: &str) -> Option<Vec<&'static str>> {
    let mut out: Vec<&'static str> = Vec::new();
    for part in text.split([',', '،', ';', '؛', '/', '|']) {
        let wanted = loose(part);
        if wanted.is_empty() {
            continue;
        }
        let (code, _, _) = CRAFT_LABELS
            .iter()
            .find(|(code, ar, en)| [loose(code), loose(ar), loose(en)].contains(&wanted))?;
        let code = CRAFTS.iter().copied().find(|c| c == code)?;
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Some(out)
}

/// A date as files write it: `YYYY-MM-DD` or `YYYY/MM/DD`, or day first
/// (`DD/MM/YYYY`, `DD-MM-YYYY`), Eastern digits accepted; `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<String> {
    let folded = fold_digits(text.trim());
    let parts: Vec<&str> = folded.split(['-', '/', '.']).map(str::trim).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let iso = if a.len() == 4 {
        format!("{a}-{b}-{c}")
    } else if c.len() == 4 {
        format!("{c}-{b}-{a}")
    } else {
        return None;
    };
    crate::time::SaudiDate::parse(&iso).map(|d| d.to_string())
}

/// The reason of a national ID that does not parse.
fn id_reason(error: NationalIdError) -> Reason {
    match error {
        NationalIdError::Length => Reason::NationalIdLength,
        NationalIdError::NotDigits => Reason::NationalIdDigits,
        NationalIdError::Prefix => Reason::NationalIdPrefix,
        NationalIdError::CheckDigit => Reason::NationalIdCheckDigit,
    }
}

fn cell<'a>(cells: &'a Cells, key: &str) -> &'a str {
    cells.get(key).map_or("", |v| v.trim())
}

/// The head's national ID of a row, or why not.
pub fn head_id(cells: &Cells) -> Result<NationalId, Reason> {
    let text = cell(cells, "head_national_id");
    if text.is_empty() {
        return Err(Reason::NationalIdMissing);
    }
    // Spreadsheets may show a long number as `1.23E+09` or keep a `.0`.
    NationalId::parse(text.strip_suffix(".0").unwrap_or(text)).map_err(id_reason)
}

/// A household row, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdRow {
    pub head_id: NationalId,
    pub head_name: String,
    pub phone: Option<SaudiPhone>,
    pub district_id: i64,
    pub address: Option<String>,
    pub dependants: Option<i64>,
    pub income_bracket: Option<&'static str>,
    pub crafts: Vec<&'static str>,
}

/// Why a household row cannot be imported: every reason found, and the
/// place as written when its district is unknown (to be mapped).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Refusal {
    pub reasons: Vec<Reason>,
    pub unknown_place: Option<(String, String)>,
}

/// Checks one household row against the catalogue.
pub fn parse_household(cells: &Cells, places: &PlaceIndex) -> Result<HouseholdRow, Refusal> {
    let mut refusal = Refusal::default();
    let head_id = head_id(cells).map_err(|r| refusal.reasons.push(r)).ok();
    let head_name = cell(cells, "head_name")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !(2..=120).contains(&head_name.chars().count()) {
        refusal.reasons.push(Reason::NameMissing);
    }
    let phone = match cell(cells, "phone") {
        "" => None,
        text => SaudiPhone::parse(text.strip_suffix(".0").unwrap_or(text))
            .map_err(|_| refusal.reasons.push(Reason::PhoneNotSaudi))
            .ok(),
    };
    let (city, district) = (cell(cells, "city"), cell(cells, "district"));
    let district_id = if district.is_empty() {
        refusal.reasons.push(Reason::DistrictMissing);
        None
    } else {
        let found = places.resolve(city, district);
        if found.is_none() {
            refusal.reasons.push(Reason::DistrictUnknown);
            refusal.unknown_place = Some((city.to_string(), district.to_string()));
        }
        found
    };
    let address = Some(cell(cells, "address").chars().take(300).collect::<String>())
        .filter(|a| !a.is_empty());
    let dependants = match cell(cells, "dependants") {
        "" => None,
        text => parse_dependants(text.strip_suffix(".0").unwrap_or(text))
            .ok_or_else(|| refusal.reasons.push(Reason::DependantsInvalid))
            .ok(),
    };
    let income_bracket = match cell(cells, "income_bracket") {
        "" => None,
        text => parse_income_bracket(text)
            .ok_or_else(|| refusal.reasons.push(Reason::IncomeBracketInvalid))
            .ok(),
    };
    let crafts = parse_crafts(cell(cells, "crafts")).unwrap_or_else(|| {
        refusal.reasons.push(Reason::CraftUnknown);
        Vec::new()
    });
    match (head_id, district_id) {
        (Some(head_id), Some(district_id)) if refusal.reasons.is_empty() => Ok(HouseholdRow {
            head_id,
            head_name,
            phone,
            district_id,
            address,
            dependants,
            income_bracket,
            crafts,
        }),
        _ => Err(refusal),
    }
}

/// A benefit row, checked (the household is looked up afterwards).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitRow {
    pub head_id: NationalId,
    pub assistance_type_id: i64,
    pub given_on: String,
    pub value_halalas: Option<i64>,
}

/// Checks one benefit row; `today` (`YYYY-MM-DD`) bounds the date.
pub fn parse_benefit(
    cells: &Cells,
    types: &TypeIndex,
    today: &str,
) -> Result<BenefitRow, Vec<Reason>> {
    let mut reasons = Vec::new();
    let head_id = head_id(cells).map_err(|r| reasons.push(r)).ok();
    let assistance_type_id = types.resolve(cell(cells, "assistance_type"));
    if assistance_type_id.is_none() {
        reasons.push(Reason::AssistanceTypeUnknown);
    }
    let given_on = parse_date(cell(cells, "given_on"));
    match &given_on {
        None => reasons.push(Reason::DateInvalid),
        Some(date) if date.as_str() > today => reasons.push(Reason::DateInFuture),
        Some(_) => {}
    }
    let value_halalas = match cell(cells, "value") {
        "" => None,
        text => parse_riyals(text)
            .ok_or_else(|| reasons.push(Reason::ValueInvalid))
            .ok(),
    };
    match (head_id, assistance_type_id, given_on) {
        (Some(head_id), Some(assistance_type_id), Some(given_on)) if reasons.is_empty() => {
            Ok(BenefitRow {
                head_id,
                assistance_type_id,
                given_on,
                value_halalas,
            })
        }
        _ => Err(reasons),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imports::places::tests::sample_index as places;

    #[test]
    fn headers_in_either_language_and_any_order() {
        let ar: Vec<String> = HOUSEHOLD_COLUMNS.iter().map(|c| c.ar.to_string()).collect();
        let en: Vec<String> = HOUSEHOLD_COLUMNS
            .iter()
            .rev()
            .map(|c| c.en.to_uppercase())
            .collect();
        let ar_pos = header_positions(ImportKind::Households, &ar).unwrap();
        assert_eq!(ar_pos[0], Some(0));
        let en_pos = header_positions(ImportKind::Households, &en).unwrap();
        assert_eq!(en_pos[0], Some(8));
        let partial = vec!["رقم هوية رب الاسرة".to_string(), "الحي".to_string()];
        assert!(header_positions(ImportKind::Households, &partial).is_none());
        assert_eq!(
            missing_columns(ImportKind::Households, &partial)
                .iter()
                .map(|c| c.key)
                .collect::<Vec<_>>(),
            vec!["head_name"]
        );
        let benefits: Vec<String> = BENEFIT_COLUMNS.iter().map(|c| c.en.to_string()).collect();
        assert!(header_positions(ImportKind::Benefits, &benefits).is_some());
        assert!(header_positions(ImportKind::Households, &benefits).is_none());
    }

    #[test]
    fn incomes_crafts_and_dates() {
        assert_eq!(parse_income_bracket("under_3000"), Some("under_3000"));
        assert_eq!(parse_income_bracket("أقل من 3000 ريال"), Some("under_3000"));
        assert_eq!(parse_income_bracket("٢٥٠٠"), Some("under_3000"));
        assert_eq!(parse_income_bracket("0"), Some("none"));
        assert_eq!(parse_income_bracket("6000"), Some("6000_10000"));
        assert_eq!(parse_income_bracket("12000"), Some("over_10000"));
        assert_eq!(parse_income_bracket("كثير"), None);
        assert_eq!(
            parse_crafts("الخياطة، sweets"),
            Some(vec!["sewing", "sweets"])
        );
        assert_eq!(parse_crafts(""), Some(vec![]));
        assert_eq!(parse_crafts("نجارة"), None);
        assert_eq!(parse_date("2024-3-5").as_deref(), Some("2024-03-05"));
        assert_eq!(parse_date("05/03/2024").as_deref(), Some("2024-03-05"));
        assert_eq!(parse_date("٢٠٢٤/٠٣/٠٥").as_deref(), Some("2024-03-05"));
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("March 5"), None);
    }

    fn cells(pairs: &[(&str, &str)]) -> Cells {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn household_rows_give_every_reason() {
        let id = crate::ids::with_check_digit("100000123");
        let good = cells(&[
            ("head_national_id", &id),
            ("head_name", "نورة  سعد الحربي"),
            ("phone", "0551234567"),
            ("city", "جدة"),
            ("district", "الصفا"),
            ("dependants", "٣"),
            ("income_bracket", "under_3000"),
        ]);
        let row = parse_household(&good, &places()).unwrap();
        assert_eq!(row.district_id, 2);
        assert_eq!(row.head_name, "نورة سعد الحربي");
        assert_eq!(row.dependants, Some(3));
        let bad = cells(&[
            ("head_national_id", "1000000000"),
            ("head_name", ""),
            ("phone", "+14155550100"),
            ("district", "حي لا يوجد"),
            ("dependants", "99"),
        ]);
        let refusal = parse_household(&bad, &places()).unwrap_err();
        assert_eq!(
            refusal.reasons,
            vec![
                Reason::NationalIdCheckDigit,
                Reason::NameMissing,
                Reason::PhoneNotSaudi,
                Reason::DistrictUnknown,
                Reason::DependantsInvalid,
            ]
        );
        assert_eq!(
            refusal.unknown_place,
            Some((String::new(), "حي لا يوجد".to_string()))
        );
    }

    #[test]
    fn benefit_rows() {
        let types = TypeIndex::new(&[(
            7,
            "training".into(),
            "التدريب والتأهيل".into(),
            "Training".into(),
        )]);
        let id = crate::ids::with_check_digit("100000123");
        let row = parse_benefit(
            &cells(&[
                ("head_national_id", &id),
                ("assistance_type", "التدريب والتاهيل"),
                ("given_on", "2024-01-31"),
                ("value", "1,500.50"),
            ]),
            &types,
            "2026-12-04",
        )
        .unwrap();
        assert_eq!(
            (row.assistance_type_id, row.value_halalas),
            (7, Some(150_050))
        );
        let reasons = parse_benefit(
            &cells(&[
                ("head_national_id", &id),
                ("assistance_type", "loans"),
                ("given_on", "2030-01-01"),
                ("value", "abc"),
            ]),
            &types,
            "2026-12-04",
        )
        .unwrap_err();
        assert_eq!(
            reasons,
            vec![
                Reason::AssistanceTypeUnknown,
                Reason::DateInFuture,
                Reason::ValueInvalid
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(text in "\\PC{0,40}") {
            let _ = parse_income_bracket(&text);
            let _ = parse_crafts(&text);
            let _ = parse_date(&text);
        }
    }
}
