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
/// `less` is the text of a suppressed value ("fewer than 5").
#[component]
pub fn BarChart(
    label: String,
    points: Vec<(String, Shown)>,
    less: String,
    month: String,
    value: String,
) -> impl IntoView {
    let values: Vec<Shown> = points.iter().map(|p| p.1).collect();
    let geometry = bars(&values);
    let width = GAP + points.len().max(1) as i64 * (BAR + GAP);
    let text = move |shown: Shown, less: &str| match shown {
        Shown::Value(n) => n.to_string(),
        Shown::FewerThan5 => format!("<5 ({less})"),
        Shown::Nothing => "—".to_string(),
    };
    let short = |shown: Shown| match shown {
        Shown::Value(n) => n.to_string(),
        Shown::FewerThan5 => "<5".to_string(),
        Shown::Nothing => String::new(),
    };
    let summary = points
        .iter()
        .map(|(m, v)| format!("{m}: {}", text(*v, &less)))
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
                    .map(|((m, v), (x, y, h))| {
                        let mid = x + BAR / 2;
                        view! {
                            <g>
                                <rect x=x y=y width=BAR height=h class="bar" />
                                <text x=mid y=y - 4 text-anchor="middle" class="bar-value">
                                    {short(v)}
                                </text>
                                <text x=mid y=HEIGHT - 6 text-anchor="middle" class="bar-label">
                                    {m[5..].to_string()}
                                </text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
            <figcaption>{label}</figcaption>
            <table class="visually-hidden">
                <thead>
                    <tr>
                        <th scope="col">{month}</th>
                        <th scope="col">{value}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|(m, v)| view! { <tr><th scope="row">{m}</th><td>{text(v, &less)}</td></tr> })
                        .collect_view()}
                </tbody>
            </table>
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
