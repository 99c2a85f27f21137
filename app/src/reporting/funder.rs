//! The funder report: one printable page for an association and a period —
//! its headline figures, the trend and the breakdown by type, and what the
//! period achieved — in Arabic or English, from the same figures as the
//! dashboard (`/association/funder-report`, and the council's copy for any
//! association at `/council/funder-report?association=`).

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{Board, Dashboard};
use super::chart::BarChart;
use super::pages::{dashboard_resource, shown_text};
use super::{Indicator, Row, bucket_label};
use crate::i18n::*;
use crate::paths::{ASSOCIATION_FUNDER_REPORT_PAGE, COUNCIL_FUNDER_REPORT_PAGE};
use crate::time::SaudiDate;
use crate::ui::{is_english, loaded, pick};

/// What the report lists as the period's outcomes, in this order.
const OUTCOMES: [Indicator; 9] = [
    Indicator::HouseholdsPerAssociation,
    Indicator::BenefitsByType,
    Indicator::BenefitsValue,
    Indicator::LinesByType,
    Indicator::Referrals,
    Indicator::SeatsFilled,
    Indicator::Certificates,
    Indicator::CompletionRate,
    Indicator::ExitedHouseholds,
];

/// The report's page for a board.
pub fn path(board: Board) -> &'static str {
    match board {
        Board::Council => COUNCIL_FUNDER_REPORT_PAGE,
        Board::Association => ASSOCIATION_FUNDER_REPORT_PAGE,
    }
}

/// `/association/funder-report`: the acting association's report.
#[component]
pub fn AssociationFunderReportPage() -> impl IntoView {
    view! { <FunderReport board=Board::Association /> }
}

/// `/council/funder-report`: the council's copy of any association's report.
#[component]
pub fn CouncilFunderReportPage() -> impl IntoView {
    view! { <FunderReport board=Board::Council /> }
}

#[component]
fn FunderReport(board: Board) -> impl IntoView {
    let i18n = use_i18n();
    let data = dashboard_resource(board);
    view! {
        <Title text=move || t_string!(i18n, reporting.funder_title).to_string() />
        <section class="card wide funder-report" data-testid="funder-report">
            {loaded(data, |dashboard| view! { <Report dashboard /> })}
        </section>
    }
}

/// A date as `YYYY-MM-DD` with its Hijri day beside it, each isolated so
/// the digits and dashes keep their order in either direction.
#[component]
fn BothCalendars(day: String) -> impl IntoView {
    let i18n = use_i18n();
    let hijri = SaudiDate::parse(&day).map(SaudiDate::hijri);
    view! {
        <bdi>{day}</bdi>
        {hijri.map(|h| view! { " (" <bdi>{h}</bdi> " " {t!(i18n, reporting.hijri_suffix)} ")" })}
    }
}

#[component]
fn Report(dashboard: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let less = t_string!(i18n, reporting.fewer_than_5).to_string();
    let name = dashboard
        .association
        .as_ref()
        .or_else(|| {
            dashboard
                .associations
                .iter()
                .find(|a| Some(a.id) == dashboard.filters.association_id)
        })
        .map(|a| pick(english, &a.name_ar, &a.name_en));
    let calendar = dashboard.filters.calendar;
    let trend = dashboard
        .trend
        .iter()
        .map(|(key, shown)| {
            let tick = key.get(5..).unwrap_or_default().to_string();
            (bucket_label(key, calendar, english), tick, *shown)
        })
        .collect();
    let outcomes: Vec<Row> = OUTCOMES
        .iter()
        .flat_map(|indicator| {
            dashboard
                .rows
                .iter()
                .filter(move |r| r.indicator == *indicator)
                .filter(|r| {
                    // An association's row of a per-association figure is its own.
                    r.is_total() || r.indicator != Indicator::HouseholdsPerAssociation
                })
                .cloned()
        })
        .collect();
    let (from, to) = (dashboard.filters.from.clone(), dashboard.filters.to.clone());
    view! {
        <header class="report-head">
            <p class="muted">{t!(i18n, reporting.funder_kicker)}</p>
            <h1>{name.unwrap_or_else(|| t_string!(i18n, reporting.all_associations).to_string())}</h1>
            <p data-testid="report-period"><BothCalendars day=from />" — "<BothCalendars day=to /></p>
        </header>
        <h2>{t!(i18n, reporting.headlines)}</h2>
        <ul class="headlines">
            {dashboard.headlines.iter().map(|h| view! {
                <li class="headline" data-indicator=h.indicator.key()>
                    <span class="headline-name">{h.indicator.name(english)}</span>
                    <strong class="headline-value">{shown_text(h.indicator.unit(), h.now, &less)}</strong>
                </li>
            }).collect_view()}
        </ul>
        <BarChart
            label=t_string!(i18n, reporting.trend).to_string()
            points=trend
            less=less.clone()
            month=t_string!(i18n, reporting.month).to_string()
            value=t_string!(i18n, reporting.value).to_string()
        />
        <h2>{t!(i18n, reporting.funder_outcomes)}</h2>
        <dl class="outcomes" data-testid="outcomes">
            {outcomes.into_iter().map(|row| {
                let label = if row.is_total() {
                    row.indicator.name(english)
                } else {
                    format!("{} — {}", row.indicator.name(english), row.label(english))
                };
                view! {
                    <div class=if row.is_total() { "outcome total" } else { "outcome part" } data-indicator=row.indicator.key() data-key=row.key.clone()>
                        <dt>{label}</dt>
                        <dd>{shown_text(row.indicator.unit(), row.shown, &less)}</dd>
                    </div>
                }
            }).collect_view()}
        </dl>
        <p class="small muted">{t!(i18n, reporting.suppression_note)}</p>
        <p class="small muted no-print">{t!(i18n, reporting.funder_print)}</p>
    }
}
