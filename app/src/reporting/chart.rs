//! A bar chart drawn as inline SVG on the server (no JavaScript), with its
//! figures as a table beside it for screen readers and print.

use leptos::prelude::*;

use super::Shown;

/// The chart's drawing units (the SVG scales to the width it is given).
const HEIGHT: i64 = 160;
const BAR: i64 = 28;
const GAP: i64 = 12;
const TOP: i64 = 18;
const BOTTOM: i64 = 22;

/// One bar's geometry: x, y, height (drawing units), from the values.
pub fn bars(values: &[Shown]) -> Vec<(i64, i64, i64)> {
    let max = values
        .iter()
        .filter_map(|v| match v {
            Shown::Value(n) => Some(*n),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let room = HEIGHT - TOP - BOTTOM;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let n = match v {
                Shown::Value(n) => (*n).max(0),
                _ => 0,
            };
            let h = n * room / max;
            let x = GAP + i as i64 * (BAR + GAP);
            (x, TOP + room - h, h)
        })
        .collect()
}

/// A labelled bar chart: `label` names it (the SVG's accessible name),
/// `less` is the text of a suppressed value ("fewer than 5"); each point
/// is (its label, the short tick under its bar, its value).
#[component]
pub fn BarChart(
    label: String,
    points: Vec<(String, String, Shown)>,
    less: String,
    month: String,
    value: String,
) -> impl IntoView {
    let values: Vec<Shown> = points.iter().map(|p| p.2).collect();
    let geometry = bars(&values);
    let width = GAP + points.len().max(1) as i64 * (BAR + GAP);
    let text = move |shown: Shown, less: &str| match shown {
        Shown::Value(n) => n.to_string(),
        Shown::FewerThan5 => format!("<5 ({less})"),
        Shown::Nothing => "—".to_string(),
        Shown::Withheld => "*".to_string(),
    };
    let short = |shown: Shown| match shown {
        Shown::Value(n) => n.to_string(),
        Shown::FewerThan5 => "<5".to_string(),
        Shown::Nothing => String::new(),
        Shown::Withheld => "*".to_string(),
    };
    let summary = points
        .iter()
        .map(|(m, _, v)| format!("{m}: {}", text(*v, &less)))
        .collect::<Vec<_>>()
        .join("، ");
    let aria = format!("{label}. {summary}");
    let rows = points.clone();
    view! {
        <figure class="chart">
            <svg
                viewBox=format!("0 0 {width} {HEIGHT}")
                role="img"
                aria-label=aria
                preserveAspectRatio="xMinYMid meet"
                class="bar-chart"
                data-testid="trend-chart"
            >
                {points
                    .into_iter()
                    .zip(geometry)
                    .map(|((_, tick, v), (x, y, h))| {
                        let mid = x + BAR / 2;
                        view! {
                            <g>
                                <rect x=x y=y width=BAR height=h class="bar" />
                                <text x=mid y=y - 4 text-anchor="middle" class="bar-value">
                                    {short(v)}
                                </text>
                                <text x=mid y=HEIGHT - 6 text-anchor="middle" class="bar-label">
                                    {tick}
                                </text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
            <figcaption>{label}</figcaption>
            <div class="visually-hidden"><table>
                <thead>
                    <tr>
                        <th scope="col">{month}</th>
                        <th scope="col">{value}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(m, _, v)| view! { <tr><th scope="row">{m}</th><td>{text(v, &less)}</td></tr> })
                        .collect_view()}
                </tbody>
            </table></div>
        </figure>
    }
}

/// One bar's length out of 100, from the values (the largest is 100).
pub fn lengths(values: &[Shown]) -> Vec<i64> {
    let max = values
        .iter()
        .filter_map(|v| match v {
            Shown::Value(n) => Some(*n),
            _ => None,
        })
        .max()
        .unwrap_or(0)
        .max(1);
    values
        .iter()
        .map(|v| match v {
            Shown::Value(n) => (*n).max(0) * 100 / max,
            _ => 0,
        })
        .collect()
}

/// Bars across, one per labelled row (a breakdown by type): each bar an
/// inline SVG beside its label and value, so the list reads as text and
/// follows the page's direction (the bar is mirrored in Arabic by CSS).
#[component]
pub fn RowBars(label: String, points: Vec<(String, String)>, values: Vec<Shown>) -> impl IntoView {
    let lengths = lengths(&values);
    view! {
        <figure class="chart">
            <ul class="row-bars" aria-label=label.clone() data-testid="type-chart">
                {points
                    .into_iter()
                    .zip(lengths)
                    .map(|((name, value), length)| {
                        view! {
                            <li>
                                <span class="row-bar-name">{name}</span>
                                <svg viewBox="0 0 100 10" class="row-bar" aria-hidden="true" preserveAspectRatio="none">
                                    <rect x="0" y="0" width=length height="10" class="bar" />
                                </svg>
                                <span class="row-bar-value">{value}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <figcaption>{label}</figcaption>
        </figure>
    }
}

/// How much of a district's assistance the coverage map shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileState {
    /// No active type has a primary association.
    Gap,
    /// Some types have one.
    Partial,
    /// Every type has one.
    Full,
}

/// A district's state from its counts (types with one primary, with two
/// or more, of `types`).
pub fn tile_state(covered: i64, overlaps: i64, types: i64) -> TileState {
    match covered + overlaps {
        0 => TileState::Gap,
        n if n >= types => TileState::Full,
        _ => TileState::Partial,
    }
}

const TILE: i64 = 20;
const TILE_GAP: i64 = 3;
/// Tiles per row: 170 districts of Jeddah make 13 rows on a phone.
const TILES_PER_ROW: i64 = 14;

/// A tile's x and y (drawing units).
pub fn tile_at(index: i64) -> (i64, i64) {
    (
        (index % TILES_PER_ROW) * (TILE + TILE_GAP),
        (index / TILES_PER_ROW) * (TILE + TILE_GAP),
    )
}

/// One district on the map: its name, and the text of its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tile {
    pub name: String,
    pub figures: String,
    pub state: TileState,
    pub overlap: bool,
}

/// The coverage of a city's districts as a grid of tiles, drawn on the
/// server: each district a tile coloured by its state, outlined when two
/// associations are primary for one of its types; each tile's name and
/// figures in its `<title>`, and the whole as a table for screen readers.
#[component]
pub fn DistrictMap(
    caption: String,
    summary: String,
    tiles: Vec<Tile>,
    district: String,
    figures: String,
) -> impl IntoView {
    let rows = (tiles.len() as i64 + TILES_PER_ROW - 1) / TILES_PER_ROW;
    let width = TILES_PER_ROW * (TILE + TILE_GAP);
    let height = rows.max(1) * (TILE + TILE_GAP);
    let table = tiles.clone();
    view! {
        <figure class="chart district-map">
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-label=format!("{caption}. {summary}")
                class="map" data-testid="district-map">
                {tiles.into_iter().enumerate().map(|(i, tile)| {
                    let (x, y) = tile_at(i as i64);
                    let class = match tile.state {
                        TileState::Gap => "tile gap",
                        TileState::Partial => "tile partial",
                        TileState::Full => "tile full",
                    };
                    let class = if tile.overlap { format!("{class} overlap") } else { class.to_string() };
                    view! {
                        <rect x=x y=y width=TILE height=TILE rx="3" class=class>
                            <title>{format!("{}: {}", tile.name, tile.figures)}</title>
                        </rect>
                    }
                }).collect_view()}
            </svg>
            <figcaption>{caption}" — "{summary}</figcaption>
            <div class="visually-hidden"><table>
                <thead><tr><th scope="col">{district}</th><th scope="col">{figures}</th></tr></thead>
                <tbody>
                    {table.into_iter().map(|t| view! { <tr><th scope="row">{t.name}</th><td>{t.figures}</td></tr> }).collect_view()}
                </tbody>
            </table></div>
        </figure>
    }
}
