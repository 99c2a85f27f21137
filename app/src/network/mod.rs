//! The network: the council runs the associations of the platform. It
//! creates, edits, suspends and reactivates associations, appoints their
//! admins by national ID, and edits the assistance catalogue.
//!
//! `mod.rs` holds the views the pages read and the pure rules of the forms;
//! `api.rs` the server functions; `db.rs` the council's summary queries;
//! `pages.rs` the pages. The association and catalogue rows themselves are
//! written by the `associations` and `assistance` reference modules.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod document_kinds;
#[cfg(feature = "ssr")]
pub mod http;
pub mod pages;

use serde::{Deserialize, Serialize};

use crate::associations::{AssociationFields, AssociationProfile, AssociationStatus, Logo};
use crate::error::ErrorKey;
use crate::places::City;
use crate::text::fold_digits;

pub use crate::paths::{ASSOCIATIONS_PAGE, CATALOGUE_PAGE};

/// One association in the council's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssociationSummary {
    pub id: i64,
    pub licence_number: String,
    pub name_ar: String,
    pub name_en: String,
    pub status: AssociationStatus,
    pub admins: i64,
    pub staff: i64,
    /// Appointed people who have not signed in with Nafath yet.
    pub pending: i64,
    /// Approved coverage cells in force.
    pub cells: i64,
    pub logo: Option<Logo>,
}

/// A person holding an association role, as the council sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointedPerson {
    pub user_id: i64,
    /// Empty until the person's first Nafath sign-in fills it in.
    pub name_ar: String,
    pub name_en: Option<String>,
    pub masked_national_id: String,
    /// Appointed, but not signed in with Nafath yet: the invitation is
    /// pending and the role takes effect at that sign-in.
    pub pending: bool,
    pub granted_at: i64,
}

/// The council's page of one association (or the form of a new one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssociationPage {
    /// `None`: the form of a new association.
    pub profile: Option<AssociationProfile>,
    pub admins: Vec<AppointedPerson>,
    /// Open application lines routed to it (while suspended, in the
    /// council's queue).
    pub open_lines: i64,
    pub cities: Vec<City>,
}

/// The association form as posted, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssociationInput {
    pub licence_number: String,
    pub name_ar: String,
    pub name_en: String,
    pub city_id: Option<String>,
    pub contact_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Trims a text field; empty is none.
fn optional(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A contact phone of an association: a mobile or a landline, `+` and 9 to
/// 15 digits once spaces and dashes are dropped (Eastern digits accepted).
pub fn parse_contact_phone(input: &str) -> Option<String> {
    let folded = fold_digits(input.trim());
    let (plus, rest) = match folded.strip_prefix('+') {
        Some(rest) => ("+", rest),
        None => ("", folded.as_str()),
    };
    let mut digits = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '\u{200E}' | '\u{200F}' => {}
            _ => return None,
        }
    }
    (9..=15)
        .contains(&digits.len())
        .then(|| format!("{plus}{digits}"))
}

/// Checks the association form; the error names the field and the message.
pub fn validate_association(
    input: AssociationInput,
) -> Result<AssociationFields, (&'static str, ErrorKey)> {
    // The center's numbers are digits; older registrations (and the demo's
    // "DEMO-001") carry letters and dashes, so those are accepted too.
    let licence_number = fold_digits(input.licence_number.trim()).to_ascii_uppercase();
    if licence_number.is_empty()
        || licence_number.len() > 20
        || !licence_number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return Err(("licence_number", ErrorKey::LicenceInvalid));
    }
    let name_ar = input.name_ar.trim().to_string();
    let name_en = input.name_en.trim().to_string();
    for (field, name) in [("name_ar", &name_ar), ("name_en", &name_en)] {
        if name.is_empty() || name.chars().count() > 150 {
            return Err((field, ErrorKey::NameRequired));
        }
    }
    let city_id = match optional(input.city_id) {
        Some(raw) => Some(
            raw.parse::<i64>()
                .map_err(|_| ("city_id", ErrorKey::DistrictUnknown))?,
        ),
        None => None,
    };
    let phone = match optional(input.phone) {
        Some(raw) => Some(parse_contact_phone(&raw).ok_or(("phone", ErrorKey::PhoneFormat))?),
        None => None,
    };
    let email = optional(input.email);
    if let Some(email) = &email {
        let valid = email.len() <= 200
            && !email.contains(char::is_whitespace)
            && email
                .split_once('@')
                .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
        if !valid {
            return Err(("email", ErrorKey::EmailInvalid));
        }
    }
    let contact_name = optional(input.contact_name).map(|n| n.chars().take(150).collect());
    Ok(AssociationFields {
        licence_number,
        name_ar,
        name_en,
        city_id,
        contact_name,
        phone,
        email,
    })
}

/// A catalogue type's waiting period as posted: whole days, 0 to the maximum.
pub fn parse_cooldown(input: &str) -> Option<i64> {
    fold_digits(input.trim())
        .parse::<i64>()
        .ok()
        .filter(|d| (0..=crate::assistance::MAX_COOLDOWN_DAYS).contains(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> AssociationInput {
        AssociationInput {
            licence_number: "٤٥٦".into(),
            name_ar: " جمعية البر ".into(),
            name_en: "Al Birr".into(),
            city_id: Some("".into()),
            contact_name: Some("  ".into()),
            phone: Some("012 657 0000".into()),
            email: Some("info@birr.org.sa".into()),
        }
    }

    #[test]
    fn a_good_form_is_folded_and_trimmed() {
        let fields = validate_association(input()).unwrap();
        assert_eq!(fields.licence_number, "456");
        assert_eq!(fields.name_ar, "جمعية البر");
        assert_eq!(fields.city_id, None);
        assert_eq!(fields.contact_name, None);
        assert_eq!(fields.phone.as_deref(), Some("0126570000"));
    }

    #[test]
    fn each_bad_field_is_named() {
        let bad = |edit: fn(&mut AssociationInput)| {
            let mut form = input();
            edit(&mut form);
            validate_association(form).unwrap_err()
        };
        assert_eq!(
            bad(|f| f.licence_number = "12/3".into()).0,
            "licence_number"
        );
        assert_eq!(bad(|f| f.licence_number = "رقم".into()).0, "licence_number");
        assert_eq!(bad(|f| f.licence_number = "".into()).0, "licence_number");
        assert_eq!(bad(|f| f.name_en = " ".into()).0, "name_en");
        assert_eq!(bad(|f| f.city_id = Some("x".into())).0, "city_id");
        assert_eq!(bad(|f| f.phone = Some("12".into())).0, "phone");
        assert_eq!(bad(|f| f.email = Some("no-at".into())).0, "email");
        assert_eq!(bad(|f| f.email = Some("a@b".into())).0, "email");
    }

    #[test]
    fn contact_phones_and_cooldowns() {
        assert_eq!(
            parse_contact_phone("+966 12 657 0000").as_deref(),
            Some("+966126570000")
        );
        assert_eq!(
            parse_contact_phone("٠٥٥١٢٣٤٥٦٧").as_deref(),
            Some("0551234567")
        );
        assert_eq!(parse_contact_phone("0551x"), None);
        assert_eq!(parse_cooldown("١٨٠"), Some(180));
        assert_eq!(parse_cooldown("0"), Some(0));
        assert_eq!(parse_cooldown("-1"), None);
        assert_eq!(parse_cooldown("3651"), None);
    }
}
