//! Identifiers and values that are valid by construction, shared by every
//! floor: holding one means it was checked once, where it entered.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::text::{fold_digits, mask_identifier};

/// Why a national ID was refused; each maps to one translated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdError {
    #[error("a national ID has exactly 10 digits")]
    Length,
    #[error("a national ID has digits only")]
    NotDigits,
    #[error("a national ID starts with 1 (citizen) or 2 (resident)")]
    Prefix,
    #[error("the check digit does not match")]
    CheckDigit,
}

/// A Saudi national ID (citizen, starts with 1) or Iqama number (resident,
/// starts with 2): ten digits with a Luhn check digit. The only way to build
/// one is [`NationalId::parse`], so holding one means it is valid.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NationalId(String);

impl NationalId {
    /// Parses user input: surrounding spaces are ignored and Eastern-Arabic
    /// digits are accepted.
    pub fn parse(input: &str) -> Result<Self, NationalIdError> {
        let folded = fold_digits(input.trim());
        if !folded.chars().all(|c| c.is_ascii_digit()) {
            return Err(NationalIdError::NotDigits);
        }
        if folded.len() != 10 {
            return Err(NationalIdError::Length);
        }
        if !folded.starts_with('1') && !folded.starts_with('2') {
            return Err(NationalIdError::Prefix);
        }
        if !luhn_valid(&folded) {
            return Err(NationalIdError::CheckDigit);
        }
        Ok(Self(folded))
    }

    /// The ten digits; only for storage and the owner's own pages.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form shown anywhere but the owner's own pages: `1•••••••89`.
    pub fn masked(&self) -> String {
        mask_identifier(&self.0)
    }

    /// True for residents (Iqama numbers start with 2).
    pub fn is_resident(&self) -> bool {
        self.0.starts_with('2')
    }
}

impl fmt::Debug for NationalId {
    // Never print a full ID into logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId({})", self.masked())
    }
}

impl TryFrom<String> for NationalId {
    type Error = NationalIdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<NationalId> for String {
    fn from(id: NationalId) -> Self {
        id.0
    }
}

/// The Luhn check over all ten digits (the last one is the check digit).
pub(crate) fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Completes nine leading digits with their Luhn check digit. Used to make
/// fake but valid IDs for demo data and tests.
pub fn with_check_digit(first_nine: &str) -> String {
    (0..=9)
        .map(|d| format!("{first_nine}{d}"))
        .find(|candidate| luhn_valid(candidate))
        .expect("one of ten check digits always satisfies Luhn")
}

/// A new random token (256 bits, hex): a cookie, a form's submission key.
#[cfg(feature = "ssr")]
pub fn new_token() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
