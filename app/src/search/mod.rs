//! One search box for staff and the council (issue 21 §1): households by
//! name (normalised, partial, parts in any order), national ID (exact, any
//! digits) or phone (any Saudi form). A household the caller's association
//! serves comes back as its staff see it on the household's pages; any other
//! only as "registered, served by X and Y, these benefits" — enough not to
//! do the same work twice, without the record. Both reads are audited.
//!
//! A sibling domain: it reads the registry's keys (`household_name_keys`,
//! kept by the registry on every write) and, by name, the tables behind
//! "served by" and benefits (as reporting does); no domain imports it.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
mod db;

pub mod api;
pub mod pages;

/// Households shown per page of results.
pub const PAGE_SIZE: usize = 25;
/// Pages of one name search (a query with more matches asks for more of the name).
pub const MAX_PAGES: i64 = 8;

/// What the box was given, read once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Query {
    /// Ten digits starting with 1 or 2.
    NationalId(String),
    /// A Saudi mobile, as stored: `9665XXXXXXXX`.
    Phone(String),
    /// The name's parts (`text::name_parts`), each matched as a prefix.
    Name(Vec<String>),
}

/// Why the box's text is not a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueryError {
    /// Nothing (or only punctuation) typed.
    Empty,
    /// Digits that are neither a national ID nor a Saudi mobile.
    Number,
    /// A name of one letter.
    TooShort,
}

impl QueryError {
    /// The locale key of the message.
    pub fn key(self) -> &'static str {
        match self {
            QueryError::Empty => "empty",
            QueryError::Number => "number",
            QueryError::TooShort => "too_short",
        }
    }
}

/// The kind of query, for the page's wording and the audit row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueryKind {
    NationalId,
    Phone,
    Name,
}

impl QueryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QueryKind::NationalId => "national_id",
            QueryKind::Phone => "phone",
            QueryKind::Name => "name",
        }
    }
}

impl Query {
    /// Reads the box: digits (Western, Eastern-Arabic or Persian, with
    /// spaces, dashes, brackets or a leading `+`) are a national ID when they
    /// are ten starting with 1 or 2, else a Saudi mobile in any form
    /// (`05…`, `5…`, `9665…`, `+9665…`, `009665…`); anything else is a name.
    pub fn parse(input: &str) -> Result<Self, QueryError> {
        let folded = crate::text::fold_digits(input.trim());
        if folded.is_empty() {
            return Err(QueryError::Empty);
        }
        let numeric = folded.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')' | '\u{200E}' | '\u{200F}')
        });
        if numeric && folded.chars().any(|c| c.is_ascii_digit()) {
            let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
            if digits.len() == 10 && (digits.starts_with('1') || digits.starts_with('2')) {
                return Ok(Query::NationalId(digits));
            }
            return crate::phone::SaudiPhone::parse(&folded)
                .map(|p| Query::Phone(p.international().to_string()))
                .map_err(|_| QueryError::Number);
        }
        let parts = crate::text::name_parts(&folded);
        if parts.is_empty() {
            return Err(QueryError::Empty);
        }
        if parts.iter().all(|p| p.chars().count() < 2) {
            return Err(QueryError::TooShort);
        }
        // Single letters among longer parts add nothing but work.
        let parts = parts.into_iter().filter(|p| p.chars().count() >= 2).take(6);
        Ok(Query::Name(parts.collect()))
    }

    pub fn kind(&self) -> QueryKind {
        match self {
            Query::NationalId(_) => QueryKind::NationalId,
            Query::Phone(_) => QueryKind::Phone,
            Query::Name(_) => QueryKind::Name,
        }
    }
}

/// A household the caller's association serves: what its staff see on the
/// household's pages (the national ID masked), and where to open it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundHere {
    pub household_id: i64,
    pub head_name_ar: String,
    /// The member whose name matched, when it was not the head's.
    pub member_name: Option<String>,
    pub national_id_masked: String,
    /// `05XXXXXXXX`.
    pub phone: Option<String>,
    pub district_name_ar: Option<String>,
    pub district_name_en: Option<String>,
    pub registered: bool,
}

/// An association's name in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub name_ar: String,
    pub name_en: String,
}

/// A benefit as every association sees it: type, date, who gave it (never
/// its amount).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BenefitSeen {
    pub type_name_ar: String,
    pub type_name_en: String,
    pub given_on: String,
    pub association: Named,
}

/// A household the caller does not serve: no name, ID, phone, place or
/// household number — only that it is registered, who serves it and what
/// it received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundElsewhere {
    pub registered: bool,
    pub served_by: Vec<Named>,
    pub benefits: Vec<BenefitSeen>,
}

/// One page of a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The box's text, to show it again.
    pub q: String,
    pub kind: Option<QueryKind>,
    /// Why the text is not a search (a locale key under `search.error_…`).
    pub error: Option<String>,
    /// The association searched for (`None`: the council, which serves none).
    pub association: Option<Named>,
    pub here: Vec<FoundHere>,
    pub elsewhere: Vec<FoundElsewhere>,
    pub page: i64,
    /// Another page follows.
    pub more: bool,
    /// The matches go on past the last page: the name needs another part.
    pub refine: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_ids_in_any_digits() {
        for input in ["1000000008", "١٠٠٠٠٠٠٠٠٨", "۱۰۰۰۰۰۰۰۰۸", " 1000 000 008 "]
        {
            assert_eq!(
                Query::parse(input),
                Ok(Query::NationalId("1000000008".into())),
                "{input}"
            );
        }
        assert_eq!(
            Query::parse("2123456789"),
            Ok(Query::NationalId("2123456789".into()))
        );
    }

    #[test]
    fn phones_in_every_saudi_form() {
        for input in [
            "0551234567",
            "551234567",
            "+966551234567",
            "00966551234567",
            "966551234567",
            "٠٥٥١٢٣٤٥٦٧",
            "055 123 4567",
        ] {
            assert_eq!(
                Query::parse(input),
                Ok(Query::Phone("966551234567".into())),
                "{input}"
            );
        }
        assert_eq!(Query::parse("12345"), Err(QueryError::Number));
    }

    #[test]
    fn names_are_normalised_parts() {
        assert_eq!(
            Query::parse("  فاطِمة   الزهرانى "),
            Ok(Query::Name(vec!["فاطمه".into(), "الزهراني".into()]))
        );
        assert_eq!(
            Query::parse("عبد الله"),
            Ok(Query::Name(vec!["عبدالله".into()]))
        );
        assert_eq!(Query::parse("   "), Err(QueryError::Empty));
        assert_eq!(Query::parse("م"), Err(QueryError::TooShort));
        assert_eq!(Query::parse("م احمد"), Ok(Query::Name(vec!["احمد".into()])));
    }
}
