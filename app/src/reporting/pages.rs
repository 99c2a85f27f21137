//! `/council/dashboard` and `/association/dashboard`: the headline figures
//! with their change, the monthly trend as a server-drawn SVG chart, every
//! indicator as a table, the exports, and the filters as a plain GET form
//! (every view has a URL to share; nothing needs JavaScript).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::CoverageMap;
use super::api::{Board, Dashboard, get_dashboard};
use super::chart::{BarChart, DistrictMap, RowBars, Tile, TileState, tile_state};
use super::{
    Calendar, Choice, Filters, Grain, Headline, Indicator, Row, Shown, bucket_label, format_value,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::paths::{ASSOCIATION_DASHBOARD_PAGE, COUNCIL_DASHBOARD_PAGE};
use crate::registry::CRAFTS;
use crate::registry::pages::CraftName;
use crate::text::url_encode;
use crate::ui::{DataTable, is_english, loaded, pick};

/// `/council/dashboard`: every association's figures, whole.
#[component]
pub fn CouncilDashboardPage() -> impl IntoView {
    view! { <DashboardPage board=Board::Council /> }
}

/// `/association/dashboard`: the acting association's own figures.
#[component]
pub fn AssociationDashboardPage() -> impl IntoView {
    view! { <DashboardPage board=Board::Association /> }
}

fn number(text: Option<String>) -> Option<i64> {
    text.and_then(|t| t.trim().parse().ok())
}

/// The page's path for a board.
pub fn board_path(board: Board) -> &'static str {
    match board {
        Board::Council => COUNCIL_DASHBOARD_PAGE,
        Board::Association => ASSOCIATION_DASHBOARD_PAGE,
    }
}

/// The query string of the filters (for the exports' links).
pub fn filters_query(filters: &Filters) -> String {
    let mut parts = vec![
        format!("from={}", url_encode(&filters.from)),
        format!("to={}", url_encode(&filters.to)),
    ];
    for (name, value) in [
        ("association", filters.association_id),
        ("assistance_type", filters.assistance_type_id),
        ("city", filters.city_id),
        ("district", filters.district_id),
    ] {
        if let Some(id) = value {
            parts.push(format!("{name}={id}"));
        }
    }
    if let Some(craft) = &filters.craft {
        parts.push(format!("craft={}", url_encode(craft)));
    }
    if filters.grain != Grain::default() {
        parts.push(format!("grain={}", filters.grain.as_str()));
    }
    if filters.calendar != Calendar::default() {
        parts.push(format!("calendar={}", filters.calendar.as_str()));
    }
    parts.join("&")
}

/// The dashboard of the page's GET filters (the funder report reads the same).
pub(super) fn dashboard_resource(board: Board) -> Resource<Result<Dashboard, AppError>> {
    let query = use_query_map();
    let args = query.with_untracked(|q| {
        (
            (
                q.get("from").unwrap_or_default(),
                q.get("to").unwrap_or_default(),
            ),
            number(q.get("association")),
            number(q.get("assistance_type")),
            number(q.get("city")),
            number(q.get("district")),
            [
                q.get("craft").unwrap_or_default(),
                q.get("grain").unwrap_or_default(),
                q.get("calendar").unwrap_or_default(),
            ],
        )
    });
    Resource::new_blocking(
        || (),
        move |_| {
            let ((from, to), association, kind, city, district, [craft, grain, calendar]) =
                args.clone();
            get_dashboard(
                board.as_str().to_string(),
                from,
                to,
                association,
                kind,
                city,
                district,
                craft,
                grain,
                calendar,
            )
        },
    )
}

#[component]
fn DashboardPage(board: Board) -> impl IntoView {
    let i18n = use_i18n();
    let data = dashboard_resource(board);
    let title = move || match board {
        Board::Council => t_string!(i18n, reporting.title_council).to_string(),
        Board::Association => t_string!(i18n, reporting.title_association).to_string(),
    };
    view! {
        <Title text=title() />
        <section class="card wide dashboard" data-testid="dashboard">
            <h1>{title()}</h1>
            <p class="lead">{t!(i18n, reporting.intro)}</p>
            {loaded(data, |dashboard| view! { <BoardView dashboard /> })}
        </section>
    }
}

#[component]
fn BoardView(dashboard: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let path = board_path(dashboard.board);
    let query = filters_query(&dashboard.filters);
    let lang = if english { "en" } else { "ar" };
    let csv = format!("{path}.csv?{query}&lang={lang}");
    let xlsx = format!("{path}.xlsx?{query}&lang={lang}");
    let funder = format!("{}?{query}", super::funder::path(dashboard.board));
    let less = t_string!(i18n, reporting.fewer_than_5).to_string();
    let calendar = dashboard.filters.calendar;
    let trend = dashboard
        .trend
        .clone()
        .into_iter()
        .map(|(key, shown)| {
            let tick = key.get(5..).unwrap_or_default().to_string();
            (bucket_label(&key, calendar, english), tick, shown)
        })
        .collect();
    view! {
        {dashboard.association.as_ref().map(|a| view! { <p class="muted">{pick(english, &a.name_ar, &a.name_en)}</p> })}
        <FilterForm dashboard=dashboard.clone() />
        <h2>{t!(i18n, reporting.headlines)}</h2>
        <ul class="headlines" data-testid="headlines">
            {dashboard.headlines.into_iter().map(|h| view! { <HeadlineItem headline=h /> }).collect_view()}
        </ul>
        <BarChart
            label=t_string!(i18n, reporting.trend).to_string()
            points=trend
            less=less.clone()
            month=t_string!(i18n, reporting.month).to_string()
            value=t_string!(i18n, reporting.value).to_string()
        />
        <TypeBars rows=dashboard.rows.clone() less=less.clone() />
        <MapSection map=dashboard.map />
        <h2>{t!(i18n, reporting.table)}</h2>
        <p class="exports">
            <a class="button secondary" href=csv download>{t!(i18n, reporting.export_csv)}</a>
            " "
            <a class="button secondary" href=xlsx download>{t!(i18n, reporting.export_xlsx)}</a>
            " "
            <a class="button secondary" href=funder data-testid="funder-link">{t!(i18n, reporting.funder_link)}</a>
        </p>
        <IndicatorTable rows=dashboard.rows less />
        <p class="small muted">{t!(i18n, reporting.suppression_note)}</p>
    }
}

/// Lines submitted by assistance type, as bars.
#[component]
fn TypeBars(rows: Vec<Row>, less: String) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let parts: Vec<Row> = rows
        .into_iter()
        .filter(|r| r.indicator == Indicator::LinesByType && !r.is_total())
        .collect();
    (!parts.is_empty()).then(|| {
        let points = parts
            .iter()
            .map(|r| {
                (
                    r.label(english),
                    shown_text(r.indicator.unit(), r.shown, &less),
                )
            })
            .collect();
        let values = parts.iter().map(|r| r.shown).collect();
        view! {
            <RowBars label=t_string!(i18n, reporting.lines_by_type).to_string() points values />
        }
    })
}

/// A text of the locales with its `{name}` places filled with numbers
/// (strings for attributes, where the view macro's interpolation is not
/// available).
fn fill(template: &str, values: &[(&str, i64)]) -> String {
    values.iter().fold(template.to_string(), |text, (name, n)| {
        text.replace(&format!("{{{name}}}"), &n.to_string())
    })
}

/// The coverage of the city's districts as tiles, with a legend.
#[component]
fn MapSection(map: CoverageMap) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let city = map.city?;
    let tiles: Vec<Tile> = map
        .tiles
        .into_iter()
        .map(|t| Tile {
            name: pick(english, &t.name_ar, &t.name_en),
            figures: fill(
                t_string!(i18n, reporting.map_tile),
                &[
                    ("covered", t.covered + t.overlaps),
                    ("types", t.types),
                    ("overlaps", t.overlaps),
                ],
            ),
            state: tile_state(t.covered, t.overlaps, t.types),
            overlap: t.overlaps > 0,
        })
        .collect();
    let count = |state: TileState| tiles.iter().filter(|t| t.state == state).count();
    let summary = fill(
        t_string!(i18n, reporting.map_summary),
        &[
            ("full", count(TileState::Full) as i64),
            ("partial", count(TileState::Partial) as i64),
            ("gaps", count(TileState::Gap) as i64),
            (
                "overlaps",
                tiles.iter().filter(|t| t.overlap).count() as i64,
            ),
        ],
    );
    let caption = t_string!(i18n, reporting.map_title)
        .to_string()
        .replace("{city}", &pick(english, &city.name_ar, &city.name_en));
    Some(view! {
        <h2>{caption.clone()}</h2>
        <DistrictMap caption summary tiles
            district=t_string!(i18n, reporting.district).to_string()
            figures=t_string!(i18n, reporting.value).to_string() />
        <ul class="map-legend small">
            <li><span class="swatch full"></span>{t!(i18n, reporting.map_full)}</li>
            <li><span class="swatch partial"></span>{t!(i18n, reporting.map_partial)}</li>
            <li><span class="swatch gap"></span>{t!(i18n, reporting.map_gap)}</li>
            <li><span class="swatch overlap"></span>{t!(i18n, reporting.map_overlap)}</li>
        </ul>
        <p class="small muted">{t!(i18n, reporting.map_note)}</p>
    })
}

/// A shown value as text.
pub fn shown_text(unit: super::Unit, shown: Shown, less: &str) -> String {
    match shown {
        Shown::Value(n) => format_value(unit, n),
        Shown::FewerThan5 => less.to_string(),
        Shown::Nothing => "—".to_string(),
        Shown::Withheld => "*".to_string(),
    }
}

#[component]
fn HeadlineItem(headline: Headline) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let unit = headline.indicator.unit();
    let less = t_string!(i18n, reporting.fewer_than_5).to_string();
    let change = headline.change();
    let before = headline.before;
    view! {
        <li class="headline" data-indicator=headline.indicator.key()>
            <span class="headline-name">{headline.indicator.name(english)}</span>
            <strong class="headline-value">{shown_text(unit, headline.now, &less)}</strong>
            <span class="small muted">
                {match (before, change) {
                    (None, _) => t_string!(i18n, reporting.today).to_string(),
                    (Some(_), Some(delta)) => {
                        let sign = if delta > 0 { "+" } else if delta < 0 { "−" } else { "±" };
                        format!(
                            "{sign}{} {}",
                            format_value(unit, delta.abs()),
                            t_string!(i18n, reporting.vs_previous),
                        )
                    }
                    (Some(b), None) => format!(
                        "{}: {}",
                        t_string!(i18n, reporting.previous),
                        shown_text(unit, b, &less),
                    ),
                }}
            </span>
        </li>
    }
}

/// Every indicator as two columns that read on a phone: a total's row
/// names the indicator, its breakdown's rows follow it indented.
#[component]
fn IndicatorTable(rows: Vec<Row>, less: String) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    view! {
        <DataTable class="indicators" focusable=true>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, reporting.indicator)}</th>
                    <th scope="col">{t!(i18n, reporting.value)}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let unit = row.indicator.unit();
                    let total = row.is_total();
                    let note = (total && !row.indicator.by_period())
                        .then(|| t_string!(i18n, reporting.not_by_period).to_string());
                    view! {
                        <tr class=if total { "total" } else { "part" } data-indicator=row.indicator.key() data-key=row.key.clone()>
                            <th scope="row">{row.label(english)}{note.map(|n| view! { <span class="small muted">" (" {n} ")"</span> })}</th>
                            <td class="number">{shown_text(unit, row.shown, &less)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </DataTable>
    }
}

/// A `<select>` of choices with an "all" option.
#[component]
fn Select(
    name: &'static str,
    label: String,
    all: String,
    choices: Vec<Choice>,
    current: Option<i64>,
) -> impl IntoView {
    let english = is_english();
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <select id=name name=name>
                <option value="">{all}</option>
                {choices.into_iter().map(|c| view! {
                    <option value=c.id.to_string() selected=current == Some(c.id)>{pick(english, &c.name_ar, &c.name_en)}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
fn FilterForm(dashboard: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let f = dashboard.filters.clone();
    let council = dashboard.board == Board::Council;
    view! {
        <form method="get" action=board_path(dashboard.board) class="filters" aria-label=move || t_string!(i18n, reporting.filters)>
            <div class="field">
                <label for="from">{t!(i18n, reporting.from)}</label>
                <input type="date" id="from" name="from" value=f.from.clone() />
            </div>
            <div class="field">
                <label for="to">{t!(i18n, reporting.to)}</label>
                <input type="date" id="to" name="to" value=f.to.clone() />
            </div>
            {council.then(|| view! {
                <Select name="association" label=t_string!(i18n, reporting.association).to_string()
                    all=t_string!(i18n, reporting.all_associations).to_string()
                    choices=dashboard.associations.clone() current=f.association_id />
            })}
            <Select name="assistance_type" label=t_string!(i18n, reporting.assistance_type).to_string()
                all=t_string!(i18n, reporting.all_types).to_string()
                choices=dashboard.assistance_types.clone() current=f.assistance_type_id />
            <Select name="city" label=t_string!(i18n, reporting.city).to_string()
                all=t_string!(i18n, reporting.all_cities).to_string()
                choices=dashboard.cities.clone() current=f.city_id />
            {(!dashboard.districts.is_empty()).then(|| view! {
                <Select name="district" label=t_string!(i18n, reporting.district).to_string()
                    all=t_string!(i18n, reporting.all_districts).to_string()
                    choices=dashboard.districts.clone() current=f.district_id />
            })}
            <div class="field">
                <label for="craft">{t!(i18n, reporting.craft)}</label>
                <select id="craft" name="craft">
                    <option value="">{t!(i18n, reporting.all_crafts)}</option>
                    {CRAFTS.iter().map(|c| view! {
                        <option value=*c selected=f.craft.as_deref() == Some(*c)><CraftName code=*c /></option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="grain">{t!(i18n, reporting.grain)}</label>
                <select id="grain" name="grain">
                    <option value="month" selected=f.grain == Grain::Month>{t!(i18n, reporting.by_month)}</option>
                    <option value="quarter" selected=f.grain == Grain::Quarter>{t!(i18n, reporting.by_quarter)}</option>
                </select>
            </div>
            <div class="field">
                <label for="calendar">{t!(i18n, reporting.calendar)}</label>
                <select id="calendar" name="calendar">
                    <option value="gregorian" selected=f.calendar == Calendar::Gregorian>{t!(i18n, reporting.gregorian)}</option>
                    <option value="hijri" selected=f.calendar == Calendar::Hijri>{t!(i18n, reporting.hijri)}</option>
                </select>
            </div>
            <button type="submit" class="button">{t!(i18n, reporting.apply)}</button>
        </form>
    }
}
