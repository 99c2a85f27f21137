//! Coverage pages: the matrix (districts × assistance types) with gap and
//! overlap marks and totals, and the proposal / approval page. Plain HTML:
//! filters are GET forms, decisions are POST forms.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    DecideCoverage, MatrixView, ProposalsView, ProposeCoverage, get_coverage_matrix,
    get_coverage_proposals,
};
use super::{
    CellStatus, CoverageRole, MATRIX_CSV, MATRIX_PAGE, PROPOSALS_PAGE, ProposalStatus, Totals,
    short_label,
};
use crate::i18n::*;
use crate::time::format_date;
use crate::ui::{DataTable, ErrorAlert, error_from_query, is_english, loaded, pick};

/// `/coverage`: the council's matrix; read-only for association staff.
#[component]
pub fn MatrixPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let city = query.with_untracked(|q| q.get("city").and_then(|c| c.parse::<i64>().ok()));
    let status = query.with_untracked(|q| q.get("status"));
    let type_filter = query.with_untracked(|q| q.get("type").and_then(|t| t.parse::<i64>().ok()));
    let filter = status.clone();
    let data = Resource::new_blocking(|| (), move |_| get_coverage_matrix(city, filter.clone()));
    view! {
        <Title text=t_string!(i18n, coverage.matrix_title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, coverage.matrix_title)}</h1>
            <p class="muted">{t!(i18n, coverage.matrix_intro)}</p>
            {loaded(data, move |view| view! { <Matrix view status=status.clone() type_filter /> })}
        </section>
    }
}

#[component]
fn StatusMark(status: CellStatus) -> impl IntoView {
    let i18n = use_i18n();
    let label = match status {
        CellStatus::Gap => t!(i18n, coverage.gap).into_any(),
        CellStatus::Ok => t!(i18n, coverage.ok).into_any(),
        CellStatus::Overlap => t!(i18n, coverage.overlap).into_any(),
    };
    view! { <span class=format!("mark mark-{}", status.as_str())>{label}</span> }
}

/// The city's totals as figures: a coloured swatch, the state, the number.
#[component]
fn TotalsFigures(totals: Totals) -> impl IntoView {
    let figure = |status: CellStatus, count: u32| {
        view! {
            <div class=format!("figure-{}", status.as_str())>
                <dt><StatusMark status /></dt>
                <dd>{count}</dd>
            </div>
        }
    };
    view! {
        <dl class="figures coverage-figures">
            {figure(CellStatus::Gap, totals.gaps)}
            {figure(CellStatus::Ok, totals.ok)}
            {figure(CellStatus::Overlap, totals.overlaps)}
        </dl>
    }
}

/// A type's totals in the matrix footer: three coloured counts, each named
/// for screen readers.
#[component]
fn TotalsCounts(totals: Totals) -> impl IntoView {
    let count = |status: CellStatus, n: u32| {
        view! {
            <span class=format!("count count-{}", status.as_str())>
                <span class="visually-hidden"><StatusMark status /> " "</span>
                {n}
            </span>
        }
    };
    view! {
        <span class="counts">
            {count(CellStatus::Gap, totals.gaps)}
            {count(CellStatus::Ok, totals.ok)}
            {count(CellStatus::Overlap, totals.overlaps)}
        </span>
    }
}

/// The key of the matrix colours, the four states in words.
#[component]
fn Legend() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="matrix-legend">
            <li><span class="swatch-cell cell-gap" aria-hidden="true"></span><StatusMark status=CellStatus::Gap /></li>
            <li><span class="swatch-cell cell-support" aria-hidden="true"></span>{t!(i18n, coverage.supporting_only)}</li>
            <li><span class="swatch-cell cell-ok" aria-hidden="true"></span><StatusMark status=CellStatus::Ok /></li>
            <li><span class="swatch-cell cell-overlap" aria-hidden="true"></span><StatusMark status=CellStatus::Overlap /></li>
        </ul>
    }
}

/// District names as shown in the rows: a name that two districts of the
/// city share gets its position among them ("حكومي (1)", "حكومي (2)").
fn district_labels(names: &[String]) -> Vec<String> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    names
        .iter()
        .map(|name| {
            let shared = names.iter().filter(|n| *n == name).count() > 1;
            let nth = seen.entry(name.as_str()).or_insert(0);
            *nth += 1;
            if shared {
                format!("{name} ({nth})")
            } else {
                name.clone()
            }
        })
        .collect()
}

#[component]
fn Matrix(view: MatrixView, status: Option<String>, type_filter: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let city_id = view.city_id;
    let city_name = view
        .cities
        .iter()
        .find(|c| c.id == city_id)
        .map(|c| pick(english, &c.name_ar, &c.name_en))
        .unwrap_or_default();
    let csv = format!("{MATRIX_CSV}?city={city_id}");
    let status_option = move |value: &'static str, label: AnyView| {
        let selected = status.as_deref() == Some(value);
        view! { <option value=value selected=selected>{label}</option> }
    };
    // The columns shown: every type, or the one chosen.
    let shown: Vec<usize> = (0..view.types.len())
        .filter(|i| type_filter.is_none_or(|id| view.types[*i].id == id))
        .collect();
    let header = shown
        .iter()
        .map(|i| {
            let t = &view.types[*i];
            view! { <th scope="col">{pick(english, &t.name_ar, &t.name_en)}</th> }
        })
        .collect_view();
    let per_type = shown
        .iter()
        .filter_map(|i| view.per_type.get(*i))
        .map(|totals| view! { <td><TotalsCounts totals=*totals /></td> })
        .collect_view();
    let names: Vec<String> = view
        .rows
        .iter()
        .map(|row| pick(english, &row.district.name_ar, &row.district.name_en))
        .collect();
    let labels = district_labels(&names);
    let rows = view
        .rows
        .iter()
        .zip(labels)
        .map(|(row, label)| {
            let cells = shown
                .iter()
                .filter_map(|i| row.cells.get(*i))
                .map(|cell| {
                    let full = cell
                        .primaries
                        .iter()
                        .map(|id| view.association_name(*id, english))
                        .collect::<Vec<_>>();
                    let short = full.iter().map(|n| short_label(n)).collect::<Vec<_>>().join("، ");
                    let full = full.join("، ");
                    let supporting = cell
                        .supporting
                        .iter()
                        .map(|id| view.association_name(*id, english))
                        .collect::<Vec<_>>()
                        .join("، ");
                    let support_only = cell.status == CellStatus::Gap && !cell.supporting.is_empty();
                    let state = if support_only { "support" } else { cell.status.as_str() };
                    let title = match (full.is_empty(), supporting.is_empty()) {
                        (false, true) => full.clone(),
                        (false, false) => format!("{full} + {supporting}"),
                        (true, false) => format!("+ {supporting}"),
                        (true, true) => String::new(),
                    };
                    let count = cell.supporting.len();
                    view! {
                        <td class=format!("cell cell-{state}") data-status=state title=(!title.is_empty()).then_some(title)>
                            <span class="visually-hidden"><StatusMark status=cell.status /> " "</span>
                            {(!full.is_empty()).then(|| view! {
                                <span class="cell-name" aria-hidden="true">{short}</span>
                                <span class="visually-hidden">{full}</span>
                            })}
                            {(count > 0).then(|| view! {
                                <span class="cell-support-count" aria-hidden="true">"+" {count}</span>
                                <span class="visually-hidden">{t!(i18n, coverage.supporting)} ": " {supporting}</span>
                            })}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let per_city = view
        .cities
        .iter()
        .zip(view.per_city.iter())
        .map(|(c, totals)| {
            view! {
                <tr>
                    <th scope="row">
                        <a href=format!("{MATRIX_PAGE}?city={}", c.id)>{pick(english, &c.name_ar, &c.name_en)}</a>
                    </th>
                    <td class="num">{totals.gaps}</td>
                    <td class="num">{totals.ok}</td>
                    <td class="num">{totals.overlaps}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <form method="get" action=MATRIX_PAGE class="filters">
            <div class="field">
                <label for="city">{t!(i18n, coverage.city)}</label>
                <select id="city" name="city">
                    {view.cities.iter().map(|c| view! {
                        <option value=c.id.to_string() selected=c.id == city_id>{pick(english, &c.name_ar, &c.name_en)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="status">{t!(i18n, coverage.show)}</label>
                <select id="status" name="status">
                    {status_option("", t!(i18n, coverage.all_rows).into_any())}
                    {status_option("gap", t!(i18n, coverage.rows_with_gaps).into_any())}
                    {status_option("overlap", t!(i18n, coverage.rows_with_overlaps).into_any())}
                </select>
            </div>
            <div class="field">
                <label for="type">{t!(i18n, coverage.assistance_type)}</label>
                <select id="type" name="type">
                    <option value="">{t!(i18n, coverage.all_types)}</option>
                    {view.types.iter().map(|t| view! {
                        <option value=t.id.to_string() selected=type_filter == Some(t.id)>{pick(english, &t.name_ar, &t.name_en)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button secondary">{t!(i18n, coverage.apply_filter)}</button>
            <a class="button secondary" href=csv download="">{t!(i18n, coverage.export_csv)}</a>
        </form>
        <h2>{city_name}</h2>
        <TotalsFigures totals=view.city_total />
        <Legend />
        <DataTable class="matrix" focusable=true>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, coverage.district)}</th>
                        {header}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{t!(i18n, coverage.per_type)}</th>
                        {per_type}
                    </tr>
                </tfoot>
            </DataTable>
        <h2>{t!(i18n, coverage.per_city)}</h2>
        <DataTable>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, coverage.city)}</th>
                        <th scope="col"><StatusMark status=CellStatus::Gap /></th>
                        <th scope="col"><StatusMark status=CellStatus::Ok /></th>
                        <th scope="col"><StatusMark status=CellStatus::Overlap /></th>
                    </tr>
                </thead>
                <tbody>{per_city}</tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{t!(i18n, coverage.region)}</th>
                        <td class="num">{view.region_total.gaps}</td>
                        <td class="num">{view.region_total.ok}</td>
                        <td class="num">{view.region_total.overlaps}</td>
                    </tr>
                </tfoot>
            </DataTable>
        <p><a href=PROPOSALS_PAGE>{t!(i18n, coverage.proposals_link)}</a></p>
    }
}

/// `/coverage/proposals`: association admins propose cells; the council decides.
#[component]
pub fn ProposalsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let city = query.with_untracked(|q| q.get("city").and_then(|c| c.parse::<i64>().ok()));
    let show = query.with_untracked(|q| q.get("show"));
    let data = Resource::new_blocking(|| (), move |_| get_coverage_proposals(city, show.clone()));
    let error = error_from_query();
    view! {
        <Title text=t_string!(i18n, coverage.proposals_title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, coverage.proposals_title)}</h1>
            {error.map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |view| view! { <Proposals view /> })}
            <p><a href=MATRIX_PAGE>{t!(i18n, coverage.matrix_link)}</a></p>
        </section>
    }
}

#[component]
fn RoleName(role: CoverageRole) -> impl IntoView {
    let i18n = use_i18n();
    match role {
        CoverageRole::Primary => t!(i18n, coverage.primary).into_any(),
        CoverageRole::Supporting => t!(i18n, coverage.supporting).into_any(),
    }
}

#[component]
fn ProposalStatusName(status: ProposalStatus) -> impl IntoView {
    let i18n = use_i18n();
    match status {
        ProposalStatus::Proposed => t!(i18n, coverage.status_proposed).into_any(),
        ProposalStatus::Approved => t!(i18n, coverage.status_approved).into_any(),
        ProposalStatus::Rejected => t!(i18n, coverage.status_rejected).into_any(),
    }
}

#[component]
fn Proposals(view: ProposalsView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let can_decide = view.can_decide;
    let in_force = view.showing_in_force;
    let cells = view
        .cells
        .iter()
        .map(|c| {
            let validity = match c.valid_to {
                Some(to) => format!("{} → {}", format_date(c.valid_from), format_date(to)),
                None => format!("{} →", format_date(c.valid_from)),
            };
            let id = c.id.to_string();
            view! {
                <tr data-cell-id=id.clone()>
                    <td>{pick(english, &c.association_name_ar, &c.association_name_en)}</td>
                    <td>{pick(english, &c.district_name_ar, &c.district_name_en)} <span class="muted small">" · " {pick(english, &c.city_name_ar, &c.city_name_en)}</span></td>
                    <td>{pick(english, &c.type_name_ar, &c.type_name_en)}</td>
                    <td><RoleName role=c.role /></td>
                    <td><bdi dir="ltr">{validity}</bdi></td>
                    <td><ProposalStatusName status=c.status /></td>
                    {(can_decide && in_force).then(|| view! {
                        <td class="decide">
                            <form method="post" action=DecideCoverage::PATH class="inline-form">
                                <input type="hidden" name="cell_id" value=id.clone() />
                                <input type="hidden" name="decision" value="end" />
                                <button type="submit" class="button small secondary">{t!(i18n, coverage.end)}</button>
                            </form>
                        </td>
                    })}
                    {(can_decide && !in_force).then(|| view! {
                        <td class="decide">
                            <form method="post" action=DecideCoverage::PATH class="inline-form">
                                <input type="hidden" name="cell_id" value=id.clone() />
                                <input type="hidden" name="decision" value="approve" />
                                <button type="submit" class="button small primary">{t!(i18n, coverage.approve)}</button>
                            </form>
                            <form method="post" action=DecideCoverage::PATH class="inline-form">
                                <input type="hidden" name="cell_id" value=id.clone() />
                                <input type="hidden" name="decision" value="reject" />
                                <button type="submit" class="button small secondary">{t!(i18n, coverage.reject)}</button>
                            </form>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    let empty = view.cells.is_empty();
    view! {
        {view.proposing_for.clone().map(|association| view! { <ProposeForm view=view.clone() association_name=pick(english, &association.name_ar, &association.name_en) /> })}
        {can_decide.then(|| view! { <CouncilTabs view=view.clone() /> })}
        <h2>{if in_force {
            t!(i18n, coverage.in_force).into_any()
        } else if can_decide {
            t!(i18n, coverage.pending).into_any()
        } else {
            t!(i18n, coverage.our_cells).into_any()
        }}</h2>
        {in_force.then(|| view! { <p class="muted">{t!(i18n, coverage.end_hint)}</p> })}
        {if empty && in_force {
            view! { <p class="muted">{t!(i18n, coverage.nothing_in_force)}</p> }.into_any()
        } else if empty {
            view! { <p class="muted">{t!(i18n, coverage.nothing_pending)}</p> }.into_any()
        } else {
            view! {
                <DataTable>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, coverage.association)}</th>
                                <th scope="col">{t!(i18n, coverage.district)}</th>
                                <th scope="col">{t!(i18n, coverage.assistance_type)}</th>
                                <th scope="col">{t!(i18n, coverage.role)}</th>
                                <th scope="col">{t!(i18n, coverage.validity)}</th>
                                <th scope="col">{t!(i18n, coverage.status)}</th>
                                {can_decide.then(|| view! { <th scope="col">{t!(i18n, coverage.decision)}</th> })}
                            </tr>
                        </thead>
                        <tbody>{cells}</tbody>
                    </DataTable>
            }.into_any()
        }}
    }
}

/// The council's two lists: pending proposals, and approved cells in force
/// (by city) that it may end.
#[component]
fn CouncilTabs(view: ProposalsView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let city_id = view.city_id;
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, coverage.proposals_title)>
            <a href=PROPOSALS_PAGE aria-current=(!view.showing_in_force).then_some("page")>{t!(i18n, coverage.pending_link)}</a>
            <a href=format!("{PROPOSALS_PAGE}?show=in_force") aria-current=view.showing_in_force.then_some("page")>{t!(i18n, coverage.in_force_link)}</a>
        </nav>
        {view.showing_in_force.then(|| view! {
            <form method="get" action=PROPOSALS_PAGE class="filters">
                <input type="hidden" name="show" value="in_force" />
                <div class="field">
                    <label for="in-force-city">{t!(i18n, coverage.city)}</label>
                    <select id="in-force-city" name="city">
                        <option value="">{t!(i18n, coverage.region)}</option>
                        {view.cities.iter().map(|c| view! {
                            <option value=c.id.to_string() selected=city_id == Some(c.id)>{pick(english, &c.name_ar, &c.name_en)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button secondary">{t!(i18n, coverage.apply_filter)}</button>
            </form>
        })}
    }
}

#[component]
fn ProposeForm(view: ProposalsView, association_name: String) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let city_id = view.city_id;
    let today = view.today.clone();
    view! {
        <h2>{t!(i18n, coverage.propose_title)} " · " {association_name}</h2>
        <form method="get" action=PROPOSALS_PAGE class="filters">
            <div class="field">
                <label for="city">{t!(i18n, coverage.city)}</label>
                <select id="city" name="city">
                    {view.cities.iter().map(|c| view! {
                        <option value=c.id.to_string() selected=city_id == Some(c.id)>{pick(english, &c.name_ar, &c.name_en)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button secondary">{t!(i18n, coverage.choose_city)}</button>
        </form>
        {city_id.map(|city_id| view! {
            <form method="post" action=ProposeCoverage::PATH class="stack">
                <input type="hidden" name="city_id" value=city_id.to_string() />
                <div class="field">
                    <label for="district">{t!(i18n, coverage.district)}</label>
                    <select id="district" name="district_id" aria-describedby="form-error">
                        <option value="all">{t!(i18n, coverage.all_districts)}</option>
                        {view.districts.iter().map(|d| view! {
                            <option value=d.id.to_string()>{pick(english, &d.name_ar, &d.name_en)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="type">{t!(i18n, coverage.assistance_type)}</label>
                    <select id="type" name="assistance_type_id">
                        {view.types.iter().map(|t| view! {
                            <option value=t.id.to_string()>{pick(english, &t.name_ar, &t.name_en)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <fieldset class="field">
                    <legend>{t!(i18n, coverage.role)}</legend>
                    <label class="choice-row"><input type="radio" name="role" value="primary" checked /> <RoleName role=CoverageRole::Primary /></label>
                    <label class="choice-row"><input type="radio" name="role" value="supporting" /> <RoleName role=CoverageRole::Supporting /></label>
                </fieldset>
                <div class="field">
                    <label for="valid-from">{t!(i18n, coverage.valid_from)}</label>
                    <input id="valid-from" name="valid_from" type="date" required value=today />
                </div>
                <div class="field">
                    <label for="valid-to">{t!(i18n, coverage.valid_to)}</label>
                    <p class="hint" id="valid-to-hint">{t!(i18n, coverage.valid_to_hint)}</p>
                    <input id="valid-to" name="valid_to" type="date" aria-describedby="valid-to-hint" />
                </div>
                <div class="actions">
                    <button type="submit" class="button primary">{t!(i18n, coverage.propose)}</button>
                </div>
            </form>
        })}
    }
}
