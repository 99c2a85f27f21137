//! The caseworker's continuity lists and the council's rules. Plain links
//! and forms: everything works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    ContinuityList, RecomputeContinuity, SaveContinuityRules, get_continuity, get_continuity_rules,
};
use super::{CaseRow, CaseView, FollowUp, FollowUpKindText, ReasonText, Rules, StatusBadge};
use crate::i18n::*;
use crate::paths::{CASE_PAGE, CONTINUITY_PAGE, FOLLOW_UP_PAGE};
use crate::time::{format_date, format_time_of_day};
use crate::ui::{
    DataTable, ErrorAlert, ListPager, ListTotal, error_from_query, is_english, loaded, pick,
};

/// `/association/continuity?view=at_risk|mine|unassigned`.
#[component]
pub fn ContinuityPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let (view, page, due_page) = query.with_untracked(|q| {
        (
            q.get("view").unwrap_or_default(),
            q.get("page").and_then(|p| p.parse::<i64>().ok()),
            q.get("due_page").and_then(|p| p.parse::<i64>().ok()),
        )
    });
    let data = Resource::new_blocking(|| (), move |_| get_continuity(view.clone(), page, due_page));
    view! {
        <Title text=t_string!(i18n, continuity.title).to_string() />
        <section class="card wide continuity">
            <h1>{t!(i18n, continuity.title)}</h1>
            <p class="lead">{t!(i18n, continuity.intro)}</p>
            {error_from_query().map(|key| view! { <ErrorAlert key /> })}
            {loaded(data, |list| view! { <List list /> })}
        </section>
    }
}

#[component]
fn Tabs(current: CaseView) -> impl IntoView {
    let i18n = use_i18n();
    let tab = move |view: CaseView, label: AnyView| {
        let href = format!("{CONTINUITY_PAGE}?view={}", view.as_str());
        let current = (view == current).then_some("page");
        view! { <a href=href aria-current=current class="tab">{label}</a> }
    };
    view! {
        <nav class="tabs" aria-label=move || t_string!(i18n, continuity.views)>
            {tab(CaseView::AtRisk, t!(i18n, continuity.view_at_risk).into_any())}
            {tab(CaseView::Mine, t!(i18n, continuity.view_mine).into_any())}
            {tab(CaseView::Unassigned, t!(i18n, continuity.view_unassigned).into_any())}
        </nav>
    }
}

#[component]
fn List(list: ContinuityList) -> impl IntoView {
    let i18n = use_i18n();
    let view = list.view;
    // Each list's pager keeps the other list on the page it is at.
    let keep = |page: i64| {
        if page > 1 {
            page.to_string()
        } else {
            String::new()
        }
    };
    let due_filters = vec![
        ("view", view.as_str().to_string()),
        ("page", keep(list.page)),
    ];
    let case_filters = vec![
        ("view", view.as_str().to_string()),
        ("due_page", keep(list.due_page)),
    ];
    let now = list.now;
    view! {
        <Tabs current=view />
        <Due due=list.due now />
        {(list.due_total > 0).then(|| view! {
            <ListTotal total=list.due_total />
            <ListPager base=CONTINUITY_PAGE filters=due_filters page=list.due_page pages=list.due_pages
                param="due_page" label=t_string!(i18n, continuity.this_week).to_string() />
        })}
        <h2>{match view {
            CaseView::AtRisk => t!(i18n, continuity.view_at_risk).into_any(),
            CaseView::Mine => t!(i18n, continuity.view_mine).into_any(),
            CaseView::Unassigned => t!(i18n, continuity.view_unassigned).into_any(),
        }}</h2>
        {(list.total > 0).then(|| view! { <ListTotal total=list.total /> })}
        {if list.rows.is_empty() {
            view! { <p class="muted">{t!(i18n, continuity.empty)}</p> }.into_any()
        } else {
            view! {
                <ul class="case-list" data-testid="case-list">
                    {list.rows.into_iter().map(|row| view! { <CaseItem row now /> }).collect_view()}
                </ul>
            }.into_any()
        }}
        <ListPager base=CONTINUITY_PAGE filters=case_filters page=list.page pages=list.pages />
    }
}

#[component]
fn CaseItem(row: CaseRow, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let href = format!("{CASE_PAGE}/{}", row.household_id);
    let district = row
        .district_name_ar
        .as_deref()
        .map(|ar| pick(english, ar, row.district_name_en.as_deref().unwrap_or("")));
    view! {
        <li class="case" data-household=row.household_id.to_string() data-status=row.status.as_str()>
            <p class="case-head">
                <a href=href><strong>{row.head_name_ar.clone()}</strong></a>
                " " <StatusBadge status=row.status />
                {row.reentry.then(|| view! { " " <span class="pill">{t!(i18n, continuity.reentry)}</span> })}
            </p>
            {district.map(|d| view! { <p class="small muted">{d}</p> })}
            {(!row.reasons.is_empty()).then(|| view! {
                <ul class="reasons" data-testid="reasons">
                    {row.reasons.into_iter().map(|reason| view! { <li><ReasonText reason /></li> }).collect_view()}
                </ul>
            })}
            <p class="small">
                {match row.owner_name.as_deref().map(|ar| pick(english, ar, row.owner_name_en.as_deref().unwrap_or(""))) {
                    Some(name) if row.owner_assigned => view! { {t!(i18n, continuity.owner)} " " {name} }.into_any(),
                    Some(name) => view! { {t!(i18n, continuity.owner_last_acted)} " " {name} }.into_any(),
                    None => t!(i18n, continuity.no_owner).into_any(),
                }}
                {row.next_due_at.map(|due| {
                    let class = if due < now { "overdue" } else { "" };
                    view! { " · " <span class=class>{t!(i18n, continuity.next_due)} " " {format_date(due)}</span> }
                })}
            </p>
        </li>
    }
}

#[component]
fn Due(due: Vec<FollowUp>, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    if due.is_empty() {
        return ().into_any();
    }
    let (overdue, week): (Vec<_>, Vec<_>) = due.into_iter().partition(|f| f.due_at < now);
    let rows = move |items: Vec<FollowUp>| {
        items
            .into_iter()
            .map(|f| {
                let href = format!("{FOLLOW_UP_PAGE}/{}", f.id);
                view! {
                    <tr data-follow-up=f.id.to_string()>
                        <td><a href=href>{f.head_name_ar}</a></td>
                        <td><FollowUpKindText kind=f.kind /></td>
                        <td><span class="date">{format_date(f.due_at)}</span> " " {format_time_of_day(f.due_at)}</td>
                        <td>{f.assignee_name.as_deref().map(|ar| pick(english, ar, f.assignee_name_en.as_deref().unwrap_or(""))).unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let head = move || {
        view! {
            <thead><tr>
                <th>{t!(i18n, continuity.family)}</th>
                <th>{t!(i18n, continuity.kind)}</th>
                <th>{t!(i18n, continuity.due)}</th>
                <th>{t!(i18n, continuity.assignee)}</th>
            </tr></thead>
        }
    };
    view! {
        {(!overdue.is_empty()).then(|| view! {
            <h2 class="overdue">{t!(i18n, continuity.overdue)}</h2>
            <DataTable class="due overdue-list">{head()}<tbody>{rows(overdue)}</tbody></DataTable>
        })}
        {(!week.is_empty()).then(|| view! {
            <h2>{t!(i18n, continuity.this_week)}</h2>
            <DataTable class="due">{head()}<tbody>{rows(week)}</tbody></DataTable>
        })}
    }
    .into_any()
}

/// `/council/continuity-rules`: weights and thresholds, and a recompute.
#[component]
pub fn ContinuityRulesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let (saved, recomputed) =
        query.with_untracked(|q| (q.get("saved").is_some(), q.get("recomputed")));
    let data = Resource::new_blocking(|| (), |_| get_continuity_rules());
    view! {
        <Title text=t_string!(i18n, continuity.rules_title).to_string() />
        <section class="card">
            <h1>{t!(i18n, continuity.rules_title)}</h1>
            <p class="lead">{t!(i18n, continuity.rules_intro)}</p>
            {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {saved.then(|| view! { <p class="notice" role="status">{t!(i18n, continuity.rules_saved)}</p> })}
            {recomputed.map(|n| view! { <p class="notice" role="status">{t!(i18n, continuity.recomputed, count = move || n.clone())}</p> })}
            {loaded(data, |rules| view! { <RulesForm rules /> })}
            <form method="post" action=RecomputeContinuity::PATH>
                <button type="submit" class="button secondary">{t!(i18n, continuity.recompute)}</button>
            </form>
        </section>
    }
}

#[component]
fn RulesForm(rules: Rules) -> impl IntoView {
    let i18n = use_i18n();
    let field = move |name: &'static str, label: AnyView, value: i64| {
        let id = format!("rules-{name}");
        view! {
            <label for=id.clone()>{label}</label>
            <input id=id name=format!("rules[{name}]") type="number" inputmode="numeric" min="0" max="10000" required value=value.to_string() />
        }
    };
    view! {
        <form method="post" action=SaveContinuityRules::PATH class="stack rules-form">
            <fieldset>
                <legend>{t!(i18n, continuity.rules_thresholds)}</legend>
                {field("watch_at", t!(i18n, continuity.rule_watch_at).into_any(), rules.watch_at)}
                {field("at_risk_at", t!(i18n, continuity.rule_at_risk_at).into_any(), rules.at_risk_at)}
                {field("inactive_days", t!(i18n, continuity.rule_inactive_days).into_any(), rules.inactive_days)}
            </fieldset>
            <fieldset>
                <legend>{t!(i18n, continuity.rules_signals)}</legend>
                {field("no_contact_days", t!(i18n, continuity.rule_no_contact_days).into_any(), rules.no_contact_days)}
                {field("no_contact_weight", t!(i18n, continuity.rule_weight).into_any(), rules.no_contact_weight)}
                {field("overdue_follow_up_weight", t!(i18n, continuity.rule_overdue_weight).into_any(), rules.overdue_follow_up_weight)}
                {field("absences_at", t!(i18n, continuity.rule_absences_at).into_any(), rules.absences_at)}
                {field("absences_weight", t!(i18n, continuity.rule_weight).into_any(), rules.absences_weight)}
                {field("training_flag_weight", t!(i18n, continuity.rule_training_flag_weight).into_any(), rules.training_flag_weight)}
                {field("stale_shop_weeks", t!(i18n, continuity.rule_stale_shop_weeks).into_any(), rules.stale_shop_weeks)}
                {field("stale_shop_weight", t!(i18n, continuity.rule_weight).into_any(), rules.stale_shop_weight)}
                {field("unfulfilled_days", t!(i18n, continuity.rule_unfulfilled_days).into_any(), rules.unfulfilled_days)}
                {field("unfulfilled_weight", t!(i18n, continuity.rule_weight).into_any(), rules.unfulfilled_weight)}
                {field("instalment_overdue_weight", t!(i18n, continuity.rule_instalment_weight).into_any(), rules.instalment_overdue_weight)}
            </fieldset>
            <button type="submit" class="button">{t!(i18n, continuity.rules_save)}</button>
        </form>
    }
}
