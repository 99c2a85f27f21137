//! Saudi mobile numbers, as families type them and as gateways and
//! WhatsApp links need them. In the core: the registry, messaging and every
//! page read them the same way.

use serde::{Deserialize, Serialize};

use crate::text::fold_digits;

/// Why a phone number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("a Saudi mobile number is 05XXXXXXXX or +9665XXXXXXXX")]
    Format,
}

/// A Saudi mobile number, stored as `9665XXXXXXXX` (the form WhatsApp links use).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SaudiPhone(String);

impl SaudiPhone {
    /// Accepts `05XXXXXXXX`, `5XXXXXXXX`, `+9665XXXXXXXX`, `009665XXXXXXXX` and
    /// `9665XXXXXXXX`, with spaces or dashes, in Western or Eastern digits.
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let folded = fold_digits(input);
        let mut digits = String::with_capacity(14);
        for (i, c) in folded.trim().chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '(' | ')' | '\u{200E}' | '\u{200F}' => {}
                _ => return Err(PhoneError::Format),
            }
        }
        let local = digits
            .strip_prefix("00966")
            .or_else(|| digits.strip_prefix("966"))
            .or_else(|| digits.strip_prefix('0'))
            .unwrap_or(&digits);
        if local.len() == 9 && local.starts_with('5') {
            Ok(Self(format!("966{local}")))
        } else {
            Err(PhoneError::Format)
        }
    }

    /// The international form without `+`: `9665XXXXXXXX`.
    pub fn international(&self) -> &str {
        &self.0
    }

    /// The local form families write: `05XXXXXXXX`.
    pub fn local(&self) -> String {
        format!("0{}", &self.0[3..])
    }
}

impl TryFrom<String> for SaudiPhone {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SaudiPhone> for String {
    fn from(phone: SaudiPhone) -> Self {
        phone.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_every_common_form() {
        for input in [
            "0551234567",
            "551234567",
            "+966551234567",
            "00966551234567",
            "966 55 123 4567",
            "٠٥٥١٢٣٤٥٦٧",
            "055-123-4567",
        ] {
            assert_eq!(
                SaudiPhone::parse(input).unwrap().international(),
                "966551234567",
                "{input}"
            );
        }
        assert_eq!(
            SaudiPhone::parse("0551234567").unwrap().local(),
            "0551234567"
        );
        for bad in [
            "",
            "0123456789",
            "05512345",
            "+14155550100",
            "05512345678",
            "05a1234567",
            "++966551234567",
        ] {
            assert!(SaudiPhone::parse(bad).is_err(), "{bad}");
        }
    }
}
