//! The data-protection officer's queue (extend once, decide, the trail) and
//! an association's disputes of the records it wrote. Plain forms.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::api::{DecidePrivacyRequest, ExtendPrivacyRequest, get_disputes, get_privacy_queue};
use super::pages::{BenefitText, Clock, KindText, StatusText};
use super::{Disputes, Queue, QueuedRequest, RequestKind, RequestStatus};
use crate::i18n::*;
use crate::paths::{PRIVACY_DISPUTES_PAGE, PRIVACY_QUEUE_PAGE};
use crate::time::format_date;
use crate::ui::{ErrorAlert, ListPager, ListTotal, error_from_query, is_english, loaded, pick};

/// The `page` of the address (`None` when absent or not a number).
fn page_param() -> Option<i64> {
    leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("page").and_then(|p| p.parse().ok()))
}

/// `/council/privacy-requests`: the officer's queue, open requests by due date.
#[component]
pub fn PrivacyQueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let page = page_param();
    let data = Resource::new_blocking(|| (), move |_| get_privacy_queue(page));
    view! {
        <Title text=t_string!(i18n, privacy.queue_title).to_string() />
        <div class="privacy-queue">
        <h1>{t!(i18n, privacy.queue_title)}</h1>
        <p class="lead">{t!(i18n, privacy.queue_intro)}</p>
        {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
        {loaded(data, |queue| view! { <QueueList queue /> })}
        </div>
    }
}

#[component]
fn QueueList(queue: Queue) -> impl IntoView {
    let i18n = use_i18n();
    let now = queue.now;
    if queue.requests.is_empty() {
        return view! { <p class="muted">{t!(i18n, privacy.queue_empty)}</p> }.into_any();
    }
    let (page, pages) = (queue.page, queue.pages);
    view! {
        <ListTotal total=queue.total />
        {queue.requests.into_iter().map(|q| view! { <QueuedCard q now /> }).collect_view()}
        <ListPager base=PRIVACY_QUEUE_PAGE filters=Vec::new() page pages />
    }
    .into_any()
}

#[component]
fn QueuedCard(q: QueuedRequest, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let r = q.request.clone();
    let overdue = super::is_overdue(r.status, r.due_at, now);
    let open = r.status == RequestStatus::Open;
    let id = r.id.to_string();
    let class = if overdue { "card overdue-card" } else { "card" };
    view! {
        <section class=class data-testid="queued-request" data-household=q.household_id.to_string() data-kind=r.kind.as_str() data-status=r.status.as_str()>
            <h2><KindText kind=r.kind /></h2>
            <p><StatusText status=r.status due_at=r.due_at now /></p>
            <p>
                {if q.anonymised {
                    view! { <span class="pill">{t!(i18n, privacy.anonymised)}</span> }.into_any()
                } else {
                    view! { {q.head_name_ar.clone()} " · " <bdi dir="ltr">{q.masked_national_id.clone()}</bdi> }.into_any()
                }}
                " · " {t!(i18n, privacy.household_number)} " " {q.household_id}
            </p>
            {r.benefit.clone().map(|b| view! { <p class="small"><BenefitText benefit=b /></p> })}
            {q.association_name_ar.clone().map(|ar| view! {
                <p class="small">{t!(i18n, privacy.written_by)} " " {pick(english, &ar, q.association_name_en.as_deref().unwrap_or(""))}</p>
            })}
            {(!r.note.is_empty()).then(|| view! { <p class="small">{r.note.clone()}</p> })}
            <Clock request=r.clone() now />
            {(r.kind == RequestKind::Deletion && open).then(|| view! {
                <p class="hint">{t!(i18n, privacy.approve_deletion_means)}</p>
            })}
            {open.then(|| view! {
                <form method="post" action=DecidePrivacyRequest::PATH class="stack">
                    <input type="hidden" name="id" value=id.clone() />
                    <label for=format!("reason-{id}")>{t!(i18n, privacy.outcome_reason_label)}</label>
                    <textarea id=format!("reason-{id}") name="reason" rows="2"></textarea>
                    <div class="actions">
                        <button type="submit" name="outcome" value="done" class="button" data-testid="approve">
                            {t!(i18n, privacy.mark_done)}
                        </button>
                        <button type="submit" name="outcome" value="refused" class="button secondary">
                            {t!(i18n, privacy.refuse)}
                        </button>
                    </div>
                </form>
            })}
            {(open && r.extended_at.is_none()).then(|| view! {
                <details>
                    <summary>{t!(i18n, privacy.extend)}</summary>
                    <form method="post" action=ExtendPrivacyRequest::PATH class="stack">
                        <input type="hidden" name="id" value=id.clone() />
                        <label for=format!("extend-{id}")>{t!(i18n, privacy.extension_reason)}</label>
                        <textarea id=format!("extend-{id}") name="reason" rows="2" required></textarea>
                        <button type="submit" class="button secondary">{t!(i18n, privacy.extend)}</button>
                    </form>
                </details>
            })}
            <details>
                <summary>{t!(i18n, privacy.trail)}</summary>
                <ol class="small">
                    {q.trail.into_iter().map(|(action, at)| view! {
                        <li><span class="date">{format_date(at)}</span> " · " <TrailAction action /></li>
                    }).collect_view()}
                </ol>
            </details>
        </section>
    }
}

#[component]
fn TrailAction(action: String) -> impl IntoView {
    let i18n = use_i18n();
    match action.as_str() {
        "privacy_request_made" => t!(i18n, privacy.trail_made).into_any(),
        "privacy_request_extended" => t!(i18n, privacy.trail_extended).into_any(),
        "privacy_request_decided" => t!(i18n, privacy.trail_decided).into_any(),
        _ => action.into_any(),
    }
}

/// `/association/disputes`: disputes of records the acting association wrote.
#[component]
pub fn DisputesPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = page_param();
    let data = Resource::new_blocking(|| (), move |_| get_disputes(page));
    view! {
        <Title text=t_string!(i18n, privacy.disputes_title).to_string() />
        <div class="privacy-queue">
        <h1>{t!(i18n, privacy.disputes_title)}</h1>
        <p class="lead">{t!(i18n, privacy.disputes_intro)}</p>
        {loaded(data, |disputes| view! { <DisputeList disputes /> })}
        </div>
    }
}

#[component]
fn DisputeList(disputes: Disputes) -> impl IntoView {
    let i18n = use_i18n();
    let now = disputes.now;
    if disputes.disputes.is_empty() {
        return view! { <p class="muted">{t!(i18n, privacy.disputes_empty)}</p> }.into_any();
    }
    let (page, pages) = (disputes.page, disputes.pages);
    let cards = disputes
        .disputes
        .into_iter()
        .map(|d| {
            let r = d.request;
            view! {
                <section class="card" data-testid="dispute">
                    <h2>
                        {if d.head_name_ar.is_empty() {
                            t!(i18n, privacy.anonymised).into_any()
                        } else {
                            d.head_name_ar.into_any()
                        }}
                    </h2>
                    <p><StatusText status=r.status due_at=r.due_at now /></p>
                    {r.benefit.clone().map(|b| view! { <p class="small"><BenefitText benefit=b /></p> })}
                    <p>{r.note.clone()}</p>
                    <Clock request=r.clone() now />
                </section>
            }
        })
        .collect_view();
    view! {
        <ListTotal total=disputes.total />
        {cards}
        <ListPager base=PRIVACY_DISPUTES_PAGE filters=Vec::new() page pages />
    }
    .into_any()
}
