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
#[cfg(feature = "ssr")]
pub mod http;
pub mod pages;
pub mod partner;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::error::ErrorKey;
use crate::i18n::{Locale, td_string};
use crate::time::SaudiDate;

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
    /// Median days from a line's submission to its first approval or
    /// rejection, for lines decided in the period.
    DaysToDecision,
    /// Median days from a line's submission to its fulfilment, for lines
    /// fulfilled in the period.
    DaysToFulfilment,
    /// Lines referred on in the period, by the referring association.
    Referrals,
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

use Dimension::{AssistanceType as T, Association as A, City as C, District as D, Period as P};

impl Indicator {
    /// Every indicator, in the order pages and exports list them.
    pub const ALL: [Indicator; 18] = [
        Indicator::RegisteredHouseholds,
        Indicator::LinesByType,
        Indicator::LinesByState,
        Indicator::CoverageRate,
        Indicator::DaysToDecision,
        Indicator::DaysToFulfilment,
        Indicator::Referrals,
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
            Indicator::RegisteredHouseholds => &[P, C, D, A],
            Indicator::LinesByType
            | Indicator::LinesByState
            | Indicator::DaysToDecision
            | Indicator::DaysToFulfilment
            | Indicator::Referrals
            | Indicator::BenefitsByType
            | Indicator::BenefitsValue => &[P, C, D, A, T],
            Indicator::CoverageRate => &[C, D, A, T],
            Indicator::HouseholdsPerAssociation => &[C, D, A],
            Indicator::ActiveShops
            | Indicator::PublishedProducts
            | Indicator::WhatsappTaps
            | Indicator::AtRiskHouseholds => &[C, D, A],
            Indicator::SeatsFilled
            | Indicator::CompletionRate
            | Indicator::Certificates
            | Indicator::ExitedHouseholds => &[P, C, D, A],
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

/// Who looks at a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Viewer {
    /// The council sees every figure whole.
    Council,
    /// An association's staff: its own figures whole, others' suppressed.
    Association(i64),
    /// Anyone outside every association (a partner through the API):
    /// every small count suppressed.
    Outsider,
}

/// Below this many cases a figure is shown as "fewer than 5" outside its owner.
pub const SMALL_CELL: i64 = 5;

/// A figure as a viewer may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shown {
    Value(i64),
    /// 1 to 4 cases, outside the owner's own view.
    FewerThan5,
    /// Nothing to measure.
    Nothing,
}

/// Small-cell suppression: a figure made of 1 to 4 households' records is
/// shown as "fewer than 5" to anyone but the council and the association
/// it belongs to (a platform-wide figure belongs to no association). Zero
/// is shown: it singles nobody out.
pub fn suppress(
    value: Option<i64>,
    cases: Option<i64>,
    owner: Option<i64>,
    viewer: Viewer,
) -> Shown {
    let Some(value) = value else {
        return Shown::Nothing;
    };
    let insider = match viewer {
        Viewer::Council => true,
        Viewer::Association(id) => owner == Some(id),
        Viewer::Outsider => false,
    };
    match cases {
        Some(n) if !insider && n > 0 && n < SMALL_CELL => Shown::FewerThan5,
        _ => Shown::Value(value),
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
}

/// A period as Unix seconds, `[start, end)`, in Saudi days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

const DAY: i64 = 86_400;
/// The longest period a dashboard covers (5 years of months in its chart).
pub const MAX_PERIOD_DAYS: i64 = 5 * 366;

impl Period {
    /// The period of `from`..=`to`; both empty: the last six months up to
    /// today (`today`: a Unix time within it).
    pub fn parse(from: &str, to: &str, today: i64) -> Result<Self, ErrorKey> {
        let today = SaudiDate::of(today);
        let end = match to.trim() {
            "" => today,
            text => SaudiDate::parse(text).ok_or(ErrorKey::ReportPeriod)?,
        };
        let start = match from.trim() {
            "" => month_start(end, -5),
            text => SaudiDate::parse(text).ok_or(ErrorKey::ReportPeriod)?,
        };
        let period = Period {
            start: start.start(),
            end: end.start() + DAY,
        };
        if period.start >= period.end || period.end - period.start > MAX_PERIOD_DAYS * DAY {
            return Err(ErrorKey::ReportPeriod);
        }
        Ok(period)
    }

    /// The period of the same length just before.
    pub fn previous(self) -> Self {
        Period {
            start: 2 * self.start - self.end,
            end: self.start,
        }
    }

    /// `YYYY-MM-DD` of the first day, as `benefits.given_on` stores days.
    pub fn first_day(self) -> String {
        SaudiDate::of(self.start).to_string()
    }

    /// `YYYY-MM-DD` of the day after the last.
    pub fn day_after(self) -> String {
        SaudiDate::of(self.end).to_string()
    }

    /// `YYYY-MM-DD` of the last day (for the form).
    pub fn last_day(self) -> String {
        SaudiDate::of(self.end - DAY).to_string()
    }

    /// The Gregorian months it touches, as `YYYY-MM`, oldest first.
    pub fn months(self) -> Vec<String> {
        let mut out = Vec::new();
        let mut month = month_start(SaudiDate::of(self.start), 0);
        while month.start() < self.end {
            out.push(month_key(month.start()));
            month = month_start(month, 1);
        }
        out
    }
}

/// `YYYY-MM` of the Saudi day a Unix time falls on.
pub fn month_key(unix_seconds: i64) -> String {
    let day = SaudiDate::of(unix_seconds).to_string();
    day[..7].to_string()
}

/// The first day of the month `delta` months from `date`'s.
fn month_start(date: SaudiDate, delta: i64) -> SaudiDate {
    let text = date.to_string();
    let (year, month): (i64, i64) = (
        text[..4].parse().unwrap_or(2000),
        text[5..7].parse().unwrap_or(1),
    );
    let index = year * 12 + (month - 1) + delta;
    let (y, m) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    SaudiDate::parse(&format!("{y:04}-{m:02}-01")).unwrap_or(date)
}

/// Counts per month of the period, zero-filled, from (time, count) pairs.
pub fn per_month(period: Period, counts: &[(i64, i64)]) -> Vec<(String, i64)> {
    let mut months: Vec<(String, i64)> = period.months().into_iter().map(|m| (m, 0)).collect();
    for &(at, n) in counts {
        if at < period.start || at >= period.end {
            continue;
        }
        let key = month_key(at);
        if let Some(slot) = months.iter_mut().find(|(m, _)| *m == key) {
            slot.1 += n;
        }
    }
    months
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
