//! Continuity's words: statuses, reasons, kinds, outcomes and exit reasons
//! in the reader's language.

use leptos::prelude::*;

use super::{ExitReason, FollowUpKind, Outcome, Reason, Status};
use crate::i18n::*;
use crate::ui::{is_english, pick};

/// A status as a badge.
#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let i18n = use_i18n();
    let label = match status {
        Status::Active => t!(i18n, continuity.status_active).into_any(),
        Status::Watch => t!(i18n, continuity.status_watch).into_any(),
        Status::AtRisk => t!(i18n, continuity.status_at_risk).into_any(),
        Status::Inactive => t!(i18n, continuity.status_inactive).into_any(),
        Status::Exited => t!(i18n, continuity.status_exited).into_any(),
    };
    view! {
        <span class=format!("state continuity-{}", status.as_str()) data-status=status.as_str()>{label}</span>
    }
}

/// One reason in words ("no contact for 75 days").
#[component]
pub fn ReasonText(reason: Reason) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    match reason {
        Reason::NoContact { days } => {
            t!(i18n, continuity.reason_no_contact, days = move || days).into_any()
        }
        Reason::OverdueFollowUps { count } => {
            t!(i18n, continuity.reason_overdue, count = move || count).into_any()
        }
        Reason::MissedSessions(a) => {
            let course = pick(english, &a.course_title_ar, &a.course_title_en);
            let count = a.count;
            t!(
                i18n,
                continuity.reason_missed_sessions,
                count = move || count,
                course = move || course.clone()
            )
            .into_any()
        }
        Reason::TrainingFlags { count } => t!(
            i18n,
            continuity.reason_training_flags,
            count = move || count
        )
        .into_any(),
        Reason::StaleShop { weeks } => {
            t!(i18n, continuity.reason_stale_shop, weeks = move || weeks).into_any()
        }
        Reason::ApprovedNotFulfilled { days } => {
            t!(i18n, continuity.reason_unfulfilled, days = move || days).into_any()
        }
        Reason::InstalmentOverdue { days } => t!(
            i18n,
            continuity.reason_instalment_overdue,
            days = move || days
        )
        .into_any(),
        Reason::Exited { reason } => view! { <ExitReasonText reason /> }.into_any(),
        Reason::Inactive { days } => {
            t!(i18n, continuity.reason_inactive, days = move || days).into_any()
        }
    }
}

/// What a follow-up is for.
#[component]
pub fn FollowUpKindText(kind: FollowUpKind) -> impl IntoView {
    let i18n = use_i18n();
    match kind {
        FollowUpKind::Call => t!(i18n, continuity.kind_call).into_any(),
        FollowUpKind::HomeVisit => t!(i18n, continuity.kind_home_visit).into_any(),
        FollowUpKind::TrainingCheck => t!(i18n, continuity.kind_training_check).into_any(),
        FollowUpKind::MarketCheck => t!(i18n, continuity.kind_market_check).into_any(),
        FollowUpKind::FinancingInstalment => {
            t!(i18n, continuity.kind_financing_instalment).into_any()
        }
    }
}

/// How a follow-up went.
#[component]
pub fn OutcomeText(outcome: Outcome) -> impl IntoView {
    let i18n = use_i18n();
    match outcome {
        Outcome::Reached => t!(i18n, continuity.outcome_reached).into_any(),
        Outcome::NotReached => t!(i18n, continuity.outcome_not_reached).into_any(),
        Outcome::Moved => t!(i18n, continuity.outcome_moved).into_any(),
        Outcome::Closed => t!(i18n, continuity.outcome_closed).into_any(),
    }
}

/// Why a case was closed.
#[component]
pub fn ExitReasonText(reason: ExitReason) -> impl IntoView {
    let i18n = use_i18n();
    match reason {
        ExitReason::Graduated => t!(i18n, continuity.exit_graduated).into_any(),
        ExitReason::MovedAway => t!(i18n, continuity.exit_moved_away).into_any(),
        ExitReason::NoLongerInterested => t!(i18n, continuity.exit_no_longer_interested).into_any(),
        ExitReason::LostContact => t!(i18n, continuity.exit_lost_contact).into_any(),
    }
}

/// The exit reasons as `<option>`s.
#[component]
pub fn ExitReasonOptions() -> impl IntoView {
    ExitReason::ALL
        .into_iter()
        .map(|reason| view! { <option value=reason.as_str()><ExitReasonText reason /></option> })
        .collect_view()
}
