//! The checks a form field is held to, written once and run in two places:
//! by the server function that receives the form (the check that counts),
//! and in the browser as the person types (the `ui::CheckedForm` island), so
//! both show the same translated message. A field names its check in
//! `data-check` (see [`FieldCheck::as_str`]).

use serde::{Deserialize, Serialize};

use crate::error::ErrorKey;
use crate::ids::NationalId;
use crate::phone::SaudiPhone;
use crate::text::{fold_digits, parse_riyals};
use crate::time::{HijriDay, SaudiDate};

/// The highest price of a product, in halalas (one million riyals).
pub const MAX_PRICE_HALALAS: i64 = 100_000_000;

/// What a field must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldCheck {
    /// A national ID or Iqama number (length, digits, first digit, check digit).
    NationalId,
    /// A Saudi mobile number in any common format.
    Phone,
    /// A day typed as `YYYY-MM-DD` (a birth date).
    BirthDate,
    /// A birth date in the Umm al-Qura calendar, as on an ID card (its
    /// shape here; the server finds the day).
    HijriBirthDate,
    /// The number of dependants, 0–30.
    Dependants,
    /// A product price in riyals, above zero, at most [`MAX_PRICE_HALALAS`].
    Price,
    /// An amount of riyals (up to two decimals), above zero.
    Amount,
    /// What a family writes about its need: at least ten characters.
    Description,
}

impl FieldCheck {
    /// Every check, for the island's look-up of `data-check`.
    pub const ALL: [FieldCheck; 8] = [
        FieldCheck::NationalId,
        FieldCheck::Phone,
        FieldCheck::BirthDate,
        FieldCheck::HijriBirthDate,
        FieldCheck::Dependants,
        FieldCheck::Price,
        FieldCheck::Amount,
        FieldCheck::Description,
    ];

    /// The value of the field's `data-check` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldCheck::NationalId => "national-id",
            FieldCheck::Phone => "phone",
            FieldCheck::BirthDate => "birth-date",
            FieldCheck::HijriBirthDate => "hijri-birth-date",
            FieldCheck::Dependants => "dependants",
            FieldCheck::Price => "price",
            FieldCheck::Amount => "amount",
            FieldCheck::Description => "description",
        }
    }

    /// The check a `data-check` attribute names.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// The messages this check can answer with.
    pub fn keys(self) -> &'static [ErrorKey] {
        match self {
            FieldCheck::NationalId => &[
                ErrorKey::NationalIdLength,
                ErrorKey::NationalIdDigits,
                ErrorKey::NationalIdPrefix,
                ErrorKey::NationalIdCheckDigit,
            ],
            FieldCheck::Phone => &[ErrorKey::PhoneFormat],
            FieldCheck::BirthDate => &[ErrorKey::BirthDateInvalid],
            FieldCheck::HijriBirthDate => &[ErrorKey::HijriDateInvalid],
            FieldCheck::Dependants => &[ErrorKey::DependantsInvalid],
            FieldCheck::Price => &[ErrorKey::PriceInvalid],
            FieldCheck::Amount => &[ErrorKey::AmountInvalid],
            FieldCheck::Description => &[ErrorKey::DescriptionRequired],
        }
    }

    /// Checks what was typed; the message's key when it does not pass.
    pub fn check(self, input: &str) -> Result<(), ErrorKey> {
        match self {
            FieldCheck::NationalId => NationalId::parse(input).map(drop).map_err(Into::into),
            FieldCheck::Phone => SaudiPhone::parse(input)
                .map(drop)
                .map_err(|_| ErrorKey::PhoneFormat),
            FieldCheck::BirthDate => SaudiDate::parse(input)
                .map(drop)
                .ok_or(ErrorKey::BirthDateInvalid),
            FieldCheck::HijriBirthDate => HijriDay::parse(input)
                .map(drop)
                .ok_or(ErrorKey::HijriDateInvalid),
            FieldCheck::Dependants => parse_dependants(input)
                .map(drop)
                .ok_or(ErrorKey::DependantsInvalid),
            FieldCheck::Price => parse_price(input).map(drop).ok_or(ErrorKey::PriceInvalid),
            FieldCheck::Amount => parse_amount(input).map(drop).ok_or(ErrorKey::AmountInvalid),
            FieldCheck::Description => description(input)
                .map(drop)
                .ok_or(ErrorKey::DescriptionRequired),
        }
    }
}

/// Parses the number of dependants (0–30), Eastern digits accepted.
pub fn parse_dependants(input: &str) -> Option<i64> {
    fold_digits(input.trim())
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=30).contains(n))
}

/// An amount of riyals above zero, in halalas.
pub fn parse_amount(input: &str) -> Option<i64> {
    parse_riyals(input).filter(|h| *h > 0)
}

/// A description of a need, trimmed and cut at 1 000 characters; `None`
/// when shorter than ten characters.
pub fn description(input: &str) -> Option<String> {
    let text: String = input.trim().chars().take(1000).collect();
    (text.chars().count() >= 10).then_some(text)
}

/// A product price as a family types it (Western or Eastern digits, thousands
/// separators, up to two decimals, an optional currency word), in halalas;
/// `None` unless above zero and at most [`MAX_PRICE_HALALAS`].
pub fn parse_price(input: &str) -> Option<i64> {
    let trimmed = input.trim();
    let without_currency = ["ر.س", "ريال", "SAR", "sar", "\u{20C1}"]
        .iter()
        .find_map(|c| trimmed.strip_suffix(c).or_else(|| trimmed.strip_prefix(c)))
        .unwrap_or(trimmed);
    parse_riyals(without_currency).filter(|h| (1..=MAX_PRICE_HALALAS).contains(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_is_found_by_its_attribute() {
        for check in FieldCheck::ALL {
            assert_eq!(FieldCheck::parse(check.as_str()), Some(check));
        }
        assert_eq!(FieldCheck::parse("nothing"), None);
    }

    #[test]
    fn checks_answer_with_one_of_their_keys() {
        let cases = [
            (FieldCheck::NationalId, "123", false),
            (FieldCheck::NationalId, "1000000065", true),
            (FieldCheck::NationalId, "١٠٠٠٠٠٠٠٦٥", true),
            (FieldCheck::NationalId, "1000000066", false),
            (FieldCheck::Phone, "0551234567", true),
            (FieldCheck::Phone, "12", false),
            (FieldCheck::BirthDate, "1990-02-28", true),
            (FieldCheck::BirthDate, "1990-02-30", false),
            (FieldCheck::HijriBirthDate, "12/03/1405", true),
            (FieldCheck::HijriBirthDate, "1405-03-31", false),
            (FieldCheck::Dependants, "٣", true),
            (FieldCheck::Dependants, "31", false),
            (FieldCheck::Price, "25.50 ر.س", true),
            (FieldCheck::Price, "0", false),
            (FieldCheck::Amount, "20,000", true),
            (FieldCheck::Amount, "abc", false),
            (FieldCheck::Description, "  short  ", false),
            (FieldCheck::Description, "a sewing machine", true),
        ];
        for (check, input, passes) in cases {
            let result = check.check(input);
            assert_eq!(result.is_ok(), passes, "{check:?} {input}");
            if let Err(key) = result {
                assert!(check.keys().contains(&key), "{check:?} {key:?}");
            }
        }
    }
}
