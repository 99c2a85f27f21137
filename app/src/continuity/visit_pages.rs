//! A household's case (status and why, owner, follow-ups, booking, closing)
//! and a follow-up's visit form, built for a phone without JavaScript: each
//! part is its own small form, saved alone.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    AssignCase, BookFollowUp, Case, CloseCase, RecordFollowUp, SaveFollowUpNote, get_case,
    get_follow_up,
};
use super::labels::ExitReasonOptions;
use super::{
    ExitReasonText, FollowUp, FollowUpKind, FollowUpKindText, Outcome, OutcomeText, ReasonText,
    StatusBadge, is_overdue,
};
use crate::i18n::*;
use crate::paths::{CASE_PAGE, CONTINUITY_PAGE, FOLLOW_UP_PAGE};
use crate::time::{format_date, format_time_of_day};
use crate::ui::{ErrorAlert, error_from_query, id_param, is_english, loaded, pick};

/// `/association/cases/<household id>`.
#[component]
pub fn CasePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param().unwrap_or(0);
    let data = Resource::new_blocking(|| (), move |_| get_case(id));
    view! {
        <Title text=t_string!(i18n, continuity.case_title).to_string() />
        <section class="card case-page">
            <p><a href=CONTINUITY_PAGE>{t!(i18n, continuity.back_to_lists)}</a></p>
            {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |case| view! { <CaseBody case /> })}
        </section>
    }
}

#[component]
fn CaseBody(case: Case) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let household = case.household_id.to_string();
    let now = case.now;
    let today = format_date(now);
    let (status, reasons) = case
        .assessment
        .map(|a| (Some(a.status), a.reasons))
        .unwrap_or_default();
    let caseworkers = case.caseworkers.clone();
    let assignee = case.assignee_user_id;
    view! {
        <h1>{case.head_name_ar.clone()}</h1>
        <p data-testid="case-status">
            {status.map(|status| view! { <StatusBadge status /> })}
            {case.reentry.then(|| view! { " " <span class="pill">{t!(i18n, continuity.reentry)}</span> })}
        </p>
        {(!reasons.is_empty()).then(|| view! {
            <ul class="reasons" data-testid="reasons">
                {reasons.into_iter().map(|reason| view! { <li><ReasonText reason /></li> }).collect_view()}
            </ul>
        })}

        <h2>{t!(i18n, continuity.owner_heading)}</h2>
        <form method="post" action=AssignCase::PATH class="stack">
            <input type="hidden" name="household_id" value=household.clone() />
            <label for="assignee">{t!(i18n, continuity.assignee)}</label>
            <select id="assignee" name="assignee">
                <option value="" selected=assignee.is_none()>{t!(i18n, continuity.whoever_acts)}</option>
                {caseworkers.iter().map(|c| view! {
                    <option value=c.user_id.to_string() selected=assignee == Some(c.user_id)>{pick(english, &c.name, &c.name_en)}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="button secondary">{t!(i18n, continuity.assign)}</button>
        </form>

        <h2>{t!(i18n, continuity.follow_ups)}</h2>
        {if case.follow_ups.is_empty() {
            view! { <p class="muted">{t!(i18n, continuity.no_follow_ups)}</p> }.into_any()
        } else {
            view! {
                <ul class="follow-ups" data-testid="follow-ups">
                    {case.follow_ups.into_iter().map(|f| view! { <FollowUpItem f now /> }).collect_view()}
                </ul>
            }.into_any()
        }}

        <details open=true class="book">
            <summary>{t!(i18n, continuity.book)}</summary>
            <form method="post" action=BookFollowUp::PATH class="stack" data-testid="book-follow-up">
                <input type="hidden" name="household_id" value=household.clone() />
                <label for="kind">{t!(i18n, continuity.kind)}</label>
                <select id="kind" name="kind">
                    {FollowUpKind::ALL.into_iter().map(|kind| view! {
                        <option value=kind.as_str()><FollowUpKindText kind /></option>
                    }).collect_view()}
                </select>
                <label for="due_on">{t!(i18n, continuity.due_on)}</label>
                <input id="due_on" name="due_on" type="date" required value=today.clone() min=today />
                <label for="due_time">{t!(i18n, continuity.due_time)}</label>
                <input id="due_time" name="due_time" type="time" value="10:00" />
                <label for="book-assignee">{t!(i18n, continuity.assignee)}</label>
                <select id="book-assignee" name="assignee">
                    <option value="">{t!(i18n, continuity.me)}</option>
                    {caseworkers.iter().map(|c| view! {
                        <option value=c.user_id.to_string()>{pick(english, &c.name, &c.name_en)}</option>
                    }).collect_view()}
                </select>
                <p class="hint">{t!(i18n, continuity.book_hint)}</p>
                <button type="submit" class="button">{t!(i18n, continuity.book)}</button>
            </form>
        </details>

        <details class="close">
            <summary>{t!(i18n, continuity.close_case)}</summary>
            <form method="post" action=CloseCase::PATH class="stack">
                <input type="hidden" name="household_id" value=household />
                <label for="close-reason">{t!(i18n, continuity.exit_reason)}</label>
                <select id="close-reason" name="exit_reason" required>
                    <option value="">{t!(i18n, continuity.choose)}</option>
                    <ExitReasonOptions />
                </select>
                <button type="submit" class="button secondary">{t!(i18n, continuity.close_case)}</button>
            </form>
        </details>
    }
}

#[component]
fn FollowUpItem(f: FollowUp, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let overdue = is_overdue(&f, now);
    let href = format!("{FOLLOW_UP_PAGE}/{}", f.id);
    view! {
        <li data-follow-up=f.id.to_string() class=overdue.then_some("overdue")>
            <a href=href><FollowUpKindText kind=f.kind /></a>
            " · " <span class="date">{format_date(f.due_at)}</span> " " {format_time_of_day(f.due_at)}
            {f.assignee_name.as_deref().map(|ar| pick(english, ar, f.assignee_name_en.as_deref().unwrap_or(""))).map(|name| view! { " · " {name} })}
            " · "
            {match f.outcome {
                Some(outcome) => view! {
                    <OutcomeText outcome />
                    {f.exit_reason.map(|reason| view! { " (" <ExitReasonText reason /> ")" })}
                }.into_any(),
                None if overdue => view! { <strong class="overdue">{t!(i18n, continuity.overdue_one)}</strong> }.into_any(),
                None => t!(i18n, continuity.open).into_any(),
            }}
        </li>
    }
}

/// `/association/follow-ups/<id>`: the visit form.
#[component]
pub fn FollowUpPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param().unwrap_or(0);
    let saved = use_query_map().with_untracked(|q| q.get("saved").is_some());
    let data = Resource::new_blocking(|| (), move |_| get_follow_up(id));
    view! {
        <Title text=t_string!(i18n, continuity.visit_title).to_string() />
        <section class="card visit">
            {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {saved.then(|| view! { <p class="notice" role="status">{t!(i18n, continuity.note_saved)}</p> })}
            {loaded(data, |f| view! { <Visit f /> })}
        </section>
    }
}

#[component]
fn Visit(f: FollowUp) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let id = f.id.to_string();
    let case = format!("{CASE_PAGE}/{}", f.household_id);
    let open = f.outcome.is_none();
    view! {
        <p><a href=case>{t!(i18n, continuity.back_to_case)}</a></p>
        <h1><FollowUpKindText kind=f.kind /> " · " {f.head_name_ar.clone()}</h1>
        <p><span class="date">{format_date(f.due_at)}</span> " " {format_time_of_day(f.due_at)}
            {f.assignee_name.as_deref().map(|ar| pick(english, ar, f.assignee_name_en.as_deref().unwrap_or(""))).map(|name| view! { " · " {name} })}</p>

        <form method="post" action=SaveFollowUpNote::PATH class="stack">
            <input type="hidden" name="id" value=id.clone() />
            <label for="note">{t!(i18n, continuity.note)}</label>
            <textarea id="note" name="note" rows="4" maxlength="2000">{f.note.clone()}</textarea>
            <button type="submit" class="button secondary">{t!(i18n, continuity.save_note)}</button>
        </form>

        {match f.outcome {
            Some(outcome) => view! {
                <p data-testid="outcome"><OutcomeText outcome />
                    {f.exit_reason.map(|reason| view! { " (" <ExitReasonText reason /> ")" })}
                    {f.outcome_at.map(|at| view! { " · " <span class="date">{format_date(at)}</span> })}
                </p>
            }.into_any(),
            None => ().into_any(),
        }}
        {open.then(|| view! {
            <form method="post" action=RecordFollowUp::PATH class="stack" data-testid="outcome-form">
                <input type="hidden" name="id" value=id />
                <fieldset class="choice-block">
                    <legend>{t!(i18n, continuity.outcome)}</legend>
                    {Outcome::ALL.into_iter().map(|outcome| {
                        let input_id = format!("outcome-{}", outcome.as_str());
                        view! {
                            <label for=input_id.clone() class="choice-row">
                                <input type="radio" id=input_id.clone() name="outcome" value=outcome.as_str() required />
                                " " <OutcomeText outcome />
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <label for="exit_reason">{t!(i18n, continuity.exit_reason_if_closed)}</label>
                <select id="exit_reason" name="exit_reason">
                    <option value="">{t!(i18n, continuity.choose)}</option>
                    <ExitReasonOptions />
                </select>
                <button type="submit" class="button">{t!(i18n, continuity.record)}</button>
            </form>
        })}
    }
}
