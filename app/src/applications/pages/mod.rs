//! Application pages: the family's form and "my applications"
//! ([`family`]); the association's queue, line detail and "our families"
//! ([`association`]); the counter application, the head's answer, the
//! household's file and the receipt ([`counter`]). Plain HTML forms. Shared
//! pieces live here.

mod association;
mod counter;
mod documents;
mod family;

pub use association::{FamiliesPage, LinePage, QueuePage};
pub use counter::{AwaitingMark, CounterAnswers, CounterApplyPage, HouseholdFilePage, ReceiptPage};
pub use family::{ApplyPage, MyApplicationsPage};

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{LineState, LineSummary};
use crate::i18n::*;
use crate::ui::{is_english, pick};

/// A line state in the reader's language, as a badge.
#[component]
pub fn StateBadge(state: LineState) -> impl IntoView {
    let i18n = use_i18n();
    let label = match state {
        LineState::Submitted => t!(i18n, applications.states.submitted).into_any(),
        LineState::InReview => t!(i18n, applications.states.in_review).into_any(),
        LineState::Approved => t!(i18n, applications.states.approved).into_any(),
        LineState::Fulfilled => t!(i18n, applications.states.fulfilled).into_any(),
        LineState::Rejected => t!(i18n, applications.states.rejected).into_any(),
        LineState::Referred => t!(i18n, applications.states.referred).into_any(),
        LineState::Withdrawn => t!(i18n, applications.states.withdrawn).into_any(),
    };
    view! { <span class=format!("state state-{}", state.as_str()) data-state=state.as_str()>{label}</span> }
}

fn association_of(line: &LineSummary, english: bool) -> Option<String> {
    line.association_name_ar.as_ref().map(|ar| {
        pick(
            english,
            ar,
            line.association_name_en.as_deref().unwrap_or(""),
        )
    })
}

/// Support a household received, from any association (type, association, date).
#[component]
fn BenefitList(benefits: Vec<super::Benefit>) -> impl IntoView {
    let english = is_english();
    view! {
        <ul class="benefits">
            {benefits.into_iter().map(|b| view! {
                <li>
                    {pick(english, &b.type_name_ar, &b.type_name_en)} " · "
                    {pick(english, &b.association_name_ar, &b.association_name_en)} " · "
                    <span class="date"><bdi dir="ltr">{b.given_on.clone()}</bdi>
                        {crate::time::day_start(&b.given_on).map(|unix| view! { " " <crate::ui::HijriDate unix /> })}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// Query-string value of the current URL as a number.
fn query_number(key: &str) -> Option<i64> {
    use_query_map().with_untracked(|q| q.get(key).and_then(|v| v.parse().ok()))
}
