//! The read-only API for partners (issue 18 §4): ministries and funders
//! read the indicators, and an authorised partner looks a household up by
//! national ID, with a token the council creates and revokes
//! (`/council/partners`). The token's secret is shown once and only its
//! SHA-256 is stored; every call is rate-limited per token and audited with
//! the token that made it. The routes are `/api/v1/…` (`http.rs`), described
//! by `docs/openapi.json`; the household look-up speaks the DCI social
//! registry "sync search" envelope (`dci.rs`).
//!
//! What a token may read ([`Scope`]):
//! - `indicators`: the aggregates only, suppressed as for anyone outside
//!   the owning association (counts of 1 to 4 are "fewer than 5").
//! - `households`, tied to one association: the aggregates as above, and the
//!   look-up: for any household, whether it is registered and which
//!   associations serve it (what every association already sees as "served
//!   by"); the benefits received (assistance type, date, association; never
//!   an amount) only for households that association serves. Never a name,
//!   a phone, an address or a member.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod dci;
#[cfg(feature = "ssr")]
pub mod http;
pub mod pages;
#[cfg(all(test, feature = "ssr"))]
mod tests;

use serde::{Deserialize, Serialize};

/// What a partner token may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The aggregates only.
    Indicators,
    /// The aggregates and the household look-up, for one association.
    Households,
}

impl Scope {
    /// As stored in `partner_tokens.scope` and sent by the form.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Indicators => "indicators",
            Scope::Households => "households",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "indicators" => Some(Scope::Indicators),
            "households" => Some(Scope::Households),
            _ => None,
        }
    }

    /// Whether the household look-up is open to it.
    pub fn may_look_up(self) -> bool {
        self == Scope::Households
    }
}

/// A partner token as the council's page lists it (never its secret, which
/// is not stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerToken {
    pub id: i64,
    pub partner_name_ar: String,
    pub partner_name_en: String,
    pub scope: Scope,
    /// The association a `households` token is tied to: (name ar, name en).
    pub association: Option<(String, String)>,
    pub created_at: i64,
    /// The council member who created it (the council's own page): name
    /// in Arabic, and in English when known.
    pub created_by: (String, Option<String>),
    pub revoked_at: Option<i64>,
    pub revoked_by: Option<(String, Option<String>)>,
    pub last_used_at: Option<i64>,
    /// Calls in the last 30 days (from the audit trail).
    pub calls_30_days: i64,
}

/// The council's partners page: the tokens, the associations a new
/// `households` token may be tied to, and the secret of the token just
/// created (once, right after its creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnersPage {
    pub tokens: Vec<PartnerToken>,
    pub associations: Vec<super::Choice>,
    pub new_secret: Option<NewSecret>,
}

/// A token's secret, shown once to the council member who created it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSecret {
    pub token_id: i64,
    pub secret: String,
}

/// The prefix of every token's secret (so secret scanners and people can
/// tell one apart from other keys).
pub const SECRET_PREFIX: &str = "tkm_";

/// Whether `text` has the shape of a secret this platform issues: the
/// prefix and 64 lowercase hex digits.
pub fn looks_like_secret(text: &str) -> bool {
    text.strip_prefix(SECRET_PREFIX).is_some_and(|rest| {
        rest.len() == 64
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The secret in an `Authorization: Bearer <secret>` header value, if it
/// has the shape of one (the scheme is case-insensitive, as RFC 9110 says).
pub fn bearer_secret(header: &str) -> Option<&str> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let secret = rest.trim();
    looks_like_secret(secret).then_some(secret)
}

/// A partner's name as the council types it: trimmed, at most 120 characters.
pub fn clean_name(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(120)
        .collect()
}

/// How an indicator's value is stored, as the API names it.
pub fn unit_name(unit: super::Unit) -> &'static str {
    match unit {
        super::Unit::Count => "count",
        super::Unit::Rate => "basis_points",
        super::Unit::Days => "tenths_of_a_day",
        super::Unit::Riyals => "halalas",
    }
}

/// A dimension as the API names it (also its query parameter, but for
/// `period`, which is `from` and `to`).
pub fn dimension_name(dimension: super::Dimension) -> &'static str {
    match dimension {
        super::Dimension::Period => "period",
        super::Dimension::City => "city",
        super::Dimension::District => "district",
        super::Dimension::Association => "association",
        super::Dimension::AssistanceType => "assistance_type",
        super::Dimension::Craft => "craft",
    }
}
