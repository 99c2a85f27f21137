//! Reporting (issue 18): the figures the council and the associations act
//! on, each indicator declared once ([`Indicator`]: its name, unit and the
//! dimensions it can be cut by) and computed by one SQL read in `db/` over
//! the other domains' tables by name (no sibling domain is imported). The
//! same figures feed the dashboards (`pages.rs`), and the CSV and XLSX
//! exports (`export.rs`, `http.rs`). Counts under 5 are shown as "fewer
//! than 5" to anyone outside the owning association ([`suppress`]).

pub mod api;
pub mod chart;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod export;
pub mod funder;
#[cfg(feature = "ssr")]
pub mod http;
pub mod pages;
pub mod partner;
mod period;
mod suppression;
#[cfg(test)]
mod tests;

pub use period::*;
pub use suppression::*;

use serde::{Deserialize, Serialize};

use crate::i18n::{Locale, td_string};

/// What a figure measures in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    /// A number of things.
    Count,
    /// A share, stored in basis points (1/100 of a percent).
    Rate,
    /// A number of days, stored in tenths of a day.
    Days,
    /// Money, stored in halalas.
    Riyals,
}

/// What an indicator can be cut by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Dimension {
    /// A `from`/`to` date range (Saudi days), and months within it.
    Period,
    City,
    District,
    Association,
    AssistanceType,
    /// The craft of the household (`households.crafts`).
    Craft,
}

/// Every indicator, defined once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Indicator {
    /// Registered households at the end of the period, verified or not.
    RegisteredHouseholds,
    /// Application lines submitted in the period, by assistance type.
    LinesByType,
    /// Application lines submitted in the period, by their state now.
    LinesByState,
    /// District × active assistance type pairs with an approved primary
    /// association today, over all pairs.
    CoverageRate,
    /// District × active type pairs with no approved primary today.
    CoverageGaps,
    /// District × active type pairs with two or more approved primaries today.
    CoverageOverlaps,
    /// Median days from a line's submission to its first approval or
    /// rejection, for lines decided in the period.
    DaysToDecision,
    /// Median days from a line's submission to its fulfilment, for lines
    /// fulfilled in the period.
    DaysToFulfilment,
    /// Lines referred on in the period, by the referring association.
    Referrals,
    /// Duplicated work the registry prevented in the period: lines refused
    /// because the household had an active one of the type, and duplicate
    /// households merged by the council.
    DuplicatesPrevented,
    /// Households each association serves (`household_associations`).
    HouseholdsPerAssociation,
    /// Benefits given in the period, by type.
    BenefitsByType,
    /// The value of the benefits given in the period, by type.
    BenefitsValue,
    /// Shops with at least one published product.
    ActiveShops,
    /// Products published now.
    PublishedProducts,
    /// Taps on "order on WhatsApp" in the last 30 days.
    WhatsappTaps,
    /// Seats held in courses opening in the period.
    SeatsFilled,
    /// Completed over finished enrollments of courses closing in the period.
    CompletionRate,
    /// Certificates earned in the period.
    Certificates,
    /// Households at risk of dropping out now (continuity).
    AtRiskHouseholds,
    /// Households that exited in the period (continuity history).
    ExitedHouseholds,
}

use Dimension::{
    AssistanceType as T, Association as A, City as C, Craft as K, District as D, Period as P,
};

impl Indicator {
    /// Every indicator, in the order pages and exports list them.
    pub const ALL: [Indicator; 21] = [
        Indicator::RegisteredHouseholds,
        Indicator::LinesByType,
        Indicator::LinesByState,
        Indicator::CoverageRate,
        Indicator::CoverageGaps,
        Indicator::CoverageOverlaps,
        Indicator::DaysToDecision,
        Indicator::DaysToFulfilment,
        Indicator::Referrals,
        Indicator::DuplicatesPrevented,
        Indicator::HouseholdsPerAssociation,
        Indicator::BenefitsByType,
        Indicator::BenefitsValue,
        Indicator::ActiveShops,
        Indicator::PublishedProducts,
        Indicator::WhatsappTaps,
        Indicator::SeatsFilled,
        Indicator::CompletionRate,
        Indicator::Certificates,
        Indicator::AtRiskHouseholds,
        Indicator::ExitedHouseholds,
    ];

    /// The key of its name under `reporting.` in the locales, and its
    /// column in the exports.
    pub fn key(self) -> &'static str {
        match self {
            Indicator::RegisteredHouseholds => "registered_households",
            Indicator::LinesByType => "lines_by_type",
            Indicator::LinesByState => "lines_by_state",
            Indicator::CoverageRate => "coverage_rate",
            Indicator::CoverageGaps => "coverage_gaps",
            Indicator::CoverageOverlaps => "coverage_overlaps",
            Indicator::DuplicatesPrevented => "duplicates_prevented",
            Indicator::DaysToDecision => "days_to_decision",
            Indicator::DaysToFulfilment => "days_to_fulfilment",
            Indicator::Referrals => "referrals",
            Indicator::HouseholdsPerAssociation => "households_per_association",
            Indicator::BenefitsByType => "benefits_by_type",
            Indicator::BenefitsValue => "benefits_value",
            Indicator::ActiveShops => "active_shops",
            Indicator::PublishedProducts => "published_products",
            Indicator::WhatsappTaps => "whatsapp_taps",
            Indicator::SeatsFilled => "seats_filled",
            Indicator::CompletionRate => "completion_rate",
            Indicator::Certificates => "certificates",
            Indicator::AtRiskHouseholds => "at_risk_households",
            Indicator::ExitedHouseholds => "exited_households",
        }
    }

    /// Its name in `locale` (`reporting.<key>` in the locales).
    pub fn name_in(self, locale: Locale) -> String {
        match self {
            Indicator::RegisteredHouseholds => {
                td_string!(locale, reporting.registered_households).to_string()
            }
            Indicator::LinesByType => td_string!(locale, reporting.lines_by_type).to_string(),
            Indicator::LinesByState => td_string!(locale, reporting.lines_by_state).to_string(),
            Indicator::CoverageRate => td_string!(locale, reporting.coverage_rate).to_string(),
            Indicator::CoverageGaps => td_string!(locale, reporting.coverage_gaps).to_string(),
            Indicator::CoverageOverlaps => {
                td_string!(locale, reporting.coverage_overlaps).to_string()
            }
            Indicator::DuplicatesPrevented => {
                td_string!(locale, reporting.duplicates_prevented).to_string()
            }
            Indicator::DaysToDecision => td_string!(locale, reporting.days_to_decision).to_string(),
            Indicator::DaysToFulfilment => {
                td_string!(locale, reporting.days_to_fulfilment).to_string()
            }
            Indicator::Referrals => td_string!(locale, reporting.referrals).to_string(),
            Indicator::HouseholdsPerAssociation => {
                td_string!(locale, reporting.households_per_association).to_string()
            }
            Indicator::BenefitsByType => td_string!(locale, reporting.benefits_by_type).to_string(),
            Indicator::BenefitsValue => td_string!(locale, reporting.benefits_value).to_string(),
            Indicator::ActiveShops => td_string!(locale, reporting.active_shops).to_string(),
            Indicator::PublishedProducts => {
                td_string!(locale, reporting.published_products).to_string()
            }
            Indicator::WhatsappTaps => td_string!(locale, reporting.whatsapp_taps).to_string(),
            Indicator::SeatsFilled => td_string!(locale, reporting.seats_filled).to_string(),
            Indicator::CompletionRate => td_string!(locale, reporting.completion_rate).to_string(),
            Indicator::Certificates => td_string!(locale, reporting.certificates).to_string(),
            Indicator::AtRiskHouseholds => {
                td_string!(locale, reporting.at_risk_households).to_string()
            }
            Indicator::ExitedHouseholds => {
                td_string!(locale, reporting.exited_households).to_string()
            }
        }
    }

    /// Its name in Arabic or English.
    pub fn name(self, english: bool) -> String {
        self.name_in(if english { Locale::en } else { Locale::ar })
    }

    /// What its value measures in.
    pub fn unit(self) -> Unit {
        match self {
            Indicator::CoverageRate | Indicator::CompletionRate => Unit::Rate,
            Indicator::DaysToDecision | Indicator::DaysToFulfilment => Unit::Days,
            Indicator::BenefitsValue => Unit::Riyals,
            _ => Unit::Count,
        }
    }

    /// The dimensions it can be cut by; a filter on another dimension
    /// leaves it whole (the page says so).
    pub fn dimensions(self) -> &'static [Dimension] {
        match self {
            Indicator::RegisteredHouseholds => &[P, C, D, A, K],
            Indicator::LinesByType
            | Indicator::LinesByState
            | Indicator::DaysToDecision
            | Indicator::DaysToFulfilment
            | Indicator::Referrals
            | Indicator::BenefitsByType
            | Indicator::BenefitsValue => &[P, C, D, A, T, K],
            Indicator::CoverageRate | Indicator::CoverageOverlaps => &[C, D, A, T],
            Indicator::CoverageGaps => &[C, D, T],
            Indicator::DuplicatesPrevented => &[P, C, D, K],
            Indicator::HouseholdsPerAssociation => &[C, D, A, K],
            Indicator::ActiveShops
            | Indicator::PublishedProducts
            | Indicator::WhatsappTaps
            | Indicator::AtRiskHouseholds => &[C, D, A, K],
            Indicator::SeatsFilled
            | Indicator::CompletionRate
            | Indicator::Certificates
            | Indicator::ExitedHouseholds => &[P, C, D, A, K],
        }
    }

    /// Whether the period cuts it (else it is a figure of today).
    pub fn by_period(self) -> bool {
        self.dimensions().contains(&Dimension::Period)
    }

    pub fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.key() == key)
    }
}

/// One computed figure, before suppression (server only: it may hold a
/// small count that must not leave the server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub indicator: Indicator,
    /// The breakdown it is a part of (a state, a type's code, an
    /// association's id, `verified`); empty for the indicator's total.
    pub key: String,
    pub label_ar: String,
    pub label_en: String,
    /// The association the figure belongs to: the filtered one, or the
    /// association of a per-association breakdown. `None`: platform-wide.
    pub owner: Option<i64>,
    /// In the unit's storage (see [`Unit`]); `None` when there is nothing
    /// to measure (a median of no lines).
    pub value: Option<i64>,
    /// How many households' records it is made of, when it could single a
    /// family out (what suppression looks at); `None` for figures about
    /// associations or the catalogue.
    pub cases: Option<i64>,
}

impl Figure {
    /// A total of one indicator.
    pub fn total(
        indicator: Indicator,
        owner: Option<i64>,
        value: Option<i64>,
        cases: Option<i64>,
    ) -> Self {
        Self {
            indicator,
            key: String::new(),
            label_ar: String::new(),
            label_en: String::new(),
            owner,
            value,
            cases,
        }
    }
}

/// One row of the indicator table, as the viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub indicator: Indicator,
    pub key: String,
    pub label_ar: String,
    pub label_en: String,
    pub shown: Shown,
}

impl Row {
    /// The figure after suppression for `viewer`.
    pub fn of(figure: Figure, viewer: Viewer) -> Self {
        Self {
            indicator: figure.indicator,
            shown: suppress(figure.value, figure.cases, figure.owner, viewer),
            key: figure.key,
            label_ar: figure.label_ar,
            label_en: figure.label_en,
        }
    }

    pub fn is_total(&self) -> bool {
        self.key.is_empty()
    }

    /// The breakdown's label in the language, or the indicator's name for a total.
    pub fn label(&self, english: bool) -> String {
        if self.is_total() {
            self.indicator.name(english)
        } else if english && !self.label_en.is_empty() {
            self.label_en.clone()
        } else {
            self.label_ar.clone()
        }
    }
}

/// A value in its unit, with Western digits: `12`, `37.5%`, `0.03%`, `3.5`, `250.50`.
pub fn format_value(unit: Unit, value: i64) -> String {
    match unit {
        Unit::Count => value.to_string(),
        Unit::Rate if value % 10 == 0 => format!("{}%", tenths(value / 10)),
        Unit::Rate => format!("{}.{:02}%", value / 100, (value % 100).abs()),
        Unit::Days => tenths(value),
        Unit::Riyals => crate::text::format_riyals(value),
    }
}

fn tenths(value: i64) -> String {
    if value % 10 == 0 {
        (value / 10).to_string()
    } else {
        format!("{}.{}", value / 10, (value % 10).abs())
    }
}

/// The median of `values` (seconds) in tenths of a day, rounded; `None`
/// for none. Computed here so the SQL stays the same on both engines.
pub fn median_days(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    let twice = if n % 2 == 1 {
        2 * values[n / 2]
    } else {
        values[n / 2 - 1] + values[n / 2]
    };
    // tenths of a day = seconds / 8640; twice the median, so / 17280, rounded.
    Some((twice + 8_640) / 17_280)
}

/// A rate in basis points, rounded; `None` when the denominator is zero.
pub fn rate(numerator: i64, denominator: i64) -> Option<i64> {
    (denominator > 0).then(|| (numerator * 10_000 + denominator / 2) / denominator)
}

/// The filters of a dashboard, as read from its GET form (empty: not set).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    /// `YYYY-MM-DD`, the first day of the period.
    pub from: String,
    /// `YYYY-MM-DD`, the last day of the period (included).
    pub to: String,
    pub association_id: Option<i64>,
    pub assistance_type_id: Option<i64>,
    pub city_id: Option<i64>,
    pub district_id: Option<i64>,
    /// A craft code of the catalogue (`registry::CRAFTS`).
    pub craft: Option<String>,
    /// What one bar of the trend covers, and in which calendar.
    pub grain: Grain,
    pub calendar: Calendar,
}

/// The headline indicators, with the change against the previous period.
pub const HEADLINES: [Indicator; 6] = [
    Indicator::RegisteredHouseholds,
    Indicator::LinesByType,
    Indicator::DaysToDecision,
    Indicator::BenefitsValue,
    Indicator::CoverageRate,
    Indicator::AtRiskHouseholds,
];

/// A headline: the indicator's total now and in the previous period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    pub indicator: Indicator,
    pub now: Shown,
    /// `None` when the indicator is not cut by period.
    pub before: Option<Shown>,
}

impl Headline {
    /// The change from before to now, in the unit, when both are known.
    pub fn change(&self) -> Option<i64> {
        match (self.now, self.before?) {
            (Shown::Value(now), Shown::Value(before)) => Some(now - before),
            _ => None,
        }
    }
}

/// One choice of a filter's list (an association, a type, a city, a district).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub id: i64,
    pub name_ar: String,
    pub name_en: String,
}
