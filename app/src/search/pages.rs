//! `/association/search` and `/council/search`: a plain GET form (works
//! without JavaScript; every search has its own address) and the results
//! in the shared table and pager.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::search_households;
use super::{FoundElsewhere, FoundHere, QueryKind, SearchResults};
use crate::i18n::*;
use crate::paths::{ASSOCIATION_SEARCH_PAGE, CASE_PAGE, COUNCIL_SEARCH_PAGE};
use crate::ui::{DataTable, EmptyState, Pager, is_english, loaded, pick};

/// The address of a search's page.
pub fn search_path(base: &str, q: &str, page: i64) -> String {
    let q = crate::text::url_encode(q);
    if page > 1 {
        format!("{base}?q={q}&page={page}")
    } else {
        format!("{base}?q={q}")
    }
}

/// `/association/search`: the acting association's search.
#[component]
pub fn AssociationSearchPage() -> impl IntoView {
    view! { <SearchPage base=ASSOCIATION_SEARCH_PAGE /> }
}

/// `/council/search`: the council's (every household answered as "elsewhere").
#[component]
pub fn CouncilSearchPage() -> impl IntoView {
    view! { <SearchPage base=COUNCIL_SEARCH_PAGE /> }
}

#[component]
fn SearchPage(base: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let (q, page) = use_query_map().with_untracked(|m| {
        (
            m.get("q").unwrap_or_default(),
            m.get("page").and_then(|p| p.parse::<i64>().ok()),
        )
    });
    let text = q.clone();
    let data = Resource::new_blocking(|| (), move |_| search_households(q.clone(), page));
    view! {
        <Title text=t_string!(i18n, search.title).to_string() />
        <section class="card wide search-page">
            <h1>{t!(i18n, search.title)}</h1>
            <form method="get" action=base class="search-box" role="search">
                <label for="q" class="visually-hidden">{t!(i18n, search.label)}</label>
                <input id="q" type="search" name="q" value=text autocomplete="off" dir="auto"
                    aria-describedby="q-hint"
                    placeholder=move || t_string!(i18n, search.placeholder) />
                <button type="submit" class="button primary">{t!(i18n, search.submit)}</button>
            </form>
            <p class="small muted" id="q-hint">{t!(i18n, search.hint)}</p>
            {loaded(data, move |results| view! { <Results results base /> })}
        </section>
    }
}

#[component]
fn Results(results: SearchResults, base: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let for_whom = match &results.association {
        Some(a) => view! { <p class="muted">{t!(i18n, search.for_association)} " " <strong>{pick(english, &a.name_ar, &a.name_en)}</strong></p> }.into_any(),
        None => view! { <p class="muted">{t!(i18n, search.for_council)}</p> }.into_any(),
    };
    if let Some(error) = results.error.as_deref() {
        let message = match error {
            "number" => t_string!(i18n, search.error_number).to_string(),
            "too_short" => t_string!(i18n, search.error_too_short).to_string(),
            _ => t_string!(i18n, search.error_empty).to_string(),
        };
        return view! {
            {for_whom}
            <p class="alert alert-error" role="alert">{message}</p>
        }
        .into_any();
    }
    let Some(kind) = results.kind else {
        return view! { {for_whom} }.into_any();
    };
    let kind_text = match kind {
        QueryKind::NationalId => t_string!(i18n, search.kind_national_id).to_string(),
        QueryKind::Phone => t_string!(i18n, search.kind_phone).to_string(),
        QueryKind::Name => t_string!(i18n, search.kind_name).to_string(),
    };
    let nothing = results.here.is_empty() && results.elsewhere.is_empty();
    let page = results.page;
    let q = results.q.clone();
    view! {
        {for_whom}
        <p class="small muted">{kind_text}</p>
        {nothing.then(|| view! { <EmptyState>{t!(i18n, search.none)}</EmptyState> })}
        {(!results.here.is_empty()).then(|| view! { <Here rows=results.here.clone() /> })}
        {(!results.elsewhere.is_empty()).then(|| view! { <Elsewhere rows=results.elsewhere.clone() /> })}
        {results.refine.then(|| view! { <p class="alert">{t!(i18n, search.refine)}</p> })}
        <Pager
            prev=(page > 1).then(|| search_path(base, &q, page - 1))
            next=results.more.then(|| search_path(base, &q, page + 1))
            position=format!("{page}")
        />
    }
    .into_any()
}

/// Households the association serves: as on their pages, with a link.
#[component]
fn Here(rows: Vec<FoundHere>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let body = rows
        .into_iter()
        .map(|r| {
            let district = r
                .district_name_ar
                .as_ref()
                .map(|ar| pick(english, ar, r.district_name_en.as_deref().unwrap_or("")));
            view! {
                <tr>
                    <td>
                        <a href=format!("{CASE_PAGE}/{}", r.household_id)>{r.head_name_ar.clone()}</a>
                        {r.member_name.clone().map(|m| view! { <br /><span class="small muted">{t!(i18n, search.member)} " " {m}</span> })}
                    </td>
                    <td><bdi dir="ltr">{r.national_id_masked.clone()}</bdi></td>
                    <td><bdi dir="ltr">{r.phone.clone()}</bdi></td>
                    <td>{district}</td>
                    <td>{if r.registered {
                        t_string!(i18n, search.registered).to_string()
                    } else {
                        t_string!(i18n, search.not_registered).to_string()
                    }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{t!(i18n, search.here_title)}</h2>
        <DataTable>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, queue.head)}</th>
                    <th scope="col">{t!(i18n, search.national_id)}</th>
                    <th scope="col">{t!(i18n, household.phone_label)}</th>
                    <th scope="col">{t!(i18n, coverage.district)}</th>
                    <th scope="col">{t!(i18n, search.status)}</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </DataTable>
    }
}

/// Households served elsewhere (or by no one): only what every association
/// may know.
#[component]
fn Elsewhere(rows: Vec<FoundElsewhere>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let body = rows
        .into_iter()
        .map(|r| {
            let served = if r.served_by.is_empty() {
                t_string!(i18n, search.served_by_none).to_string()
            } else {
                r.served_by
                    .iter()
                    .map(|a| pick(english, &a.name_ar, &a.name_en))
                    .collect::<Vec<_>>()
                    .join("، ")
            };
            let benefits = if r.benefits.is_empty() {
                view! { <span class="muted">{t!(i18n, search.no_benefits)}</span> }.into_any()
            } else {
                view! {
                    <ul class="plain">
                        {r.benefits.iter().map(|b| view! {
                            <li>
                                {pick(english, &b.type_name_ar, &b.type_name_en)} " · "
                                <bdi dir="ltr" class="date">{b.given_on.clone()}</bdi> " · "
                                {pick(english, &b.association.name_ar, &b.association.name_en)}
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            };
            view! {
                <tr>
                    <td>{if r.registered {
                        t_string!(i18n, search.registered).to_string()
                    } else {
                        t_string!(i18n, search.not_registered).to_string()
                    }}</td>
                    <td>{served}</td>
                    <td>{benefits}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{t!(i18n, search.elsewhere_title)}</h2>
        <p class="small muted">{t!(i18n, search.elsewhere_note)}</p>
        <DataTable>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, search.status)}</th>
                    <th scope="col">{t!(i18n, search.served_by)}</th>
                    <th scope="col">{t!(i18n, search.benefits)}</th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </DataTable>
    }
}
