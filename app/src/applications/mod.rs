//! Support applications (DESIGN.md §3): a household asks for one or more
//! assistance types; each line is routed by coverage to one association and
//! moves through its states. This module holds the types and the pure state
//! machine; `db/` the SQL, `api/` the server functions, `pages/` the pages.

pub use crate::paths::{
    APPLY_PAGE, FAMILIES_PAGE, HOUSEHOLD_FILE_PAGE, LINE_PAGE, MY_APPLICATIONS_PAGE, QUEUE_PAGE,
    RECEIPT_PAGE,
};
pub mod api;
#[cfg(feature = "ssr")]
pub mod benefits;
#[cfg(feature = "ssr")]
pub mod db;
pub mod documents;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
mod http_documents;
pub mod pages;
pub mod subject;

use serde::{Deserialize, Serialize};

/// A line untouched this long is marked overdue in the queue.
pub const OVERDUE_AFTER_SECS: i64 = 7 * 86_400;
/// Lines per queue page.
pub const QUEUE_PAGE_SIZE: i64 = 20;

/// The URL of a line's detail page.
pub fn line_url(line_id: i64) -> String {
    format!("{LINE_PAGE}/{line_id}")
}

/// Active and untouched for [`OVERDUE_AFTER_SECS`].
pub fn is_overdue(state: LineState, last_action_at: i64, now: i64) -> bool {
    state.is_active() && state != LineState::Approved && now - last_action_at >= OVERDUE_AFTER_SECS
}

/// One line as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineSummary {
    pub id: i64,
    pub household_id: i64,
    pub assistance_type_id: i64,
    pub type_name_ar: String,
    pub type_name_en: String,
    pub description: String,
    pub amount_halalas: Option<i64>,
    pub state: LineState,
    pub association_id: Option<i64>,
    pub association_name_ar: Option<String>,
    pub association_name_en: Option<String>,
    /// The association is suspended: the line waits in the council's queue.
    #[serde(default)]
    pub association_suspended: bool,
    pub referred_from_id: Option<i64>,
    pub referred_from_name_ar: Option<String>,
    pub referred_from_name_en: Option<String>,
    pub referral_note: Option<String>,
    pub decision_reason: Option<String>,
    pub head_name_ar: String,
    pub district_name_ar: Option<String>,
    pub district_name_en: Option<String>,
    pub possible_duplicate: bool,
    pub created_at: i64,
    pub last_action_at: i64,
    /// The application the line belongs to (its receipt's number).
    #[serde(default)]
    pub application_id: i64,
    /// Made by staff at the counter: where the head's confirmation stands
    /// (`None`: the family made it).
    #[serde(default)]
    pub head_confirmation: Option<HeadConfirmation>,
}

impl LineSummary {
    /// Made at the counter and not yet confirmed by the head of household.
    pub fn awaiting_head(&self) -> bool {
        self.head_confirmation == Some(HeadConfirmation::Pending)
    }
}

/// Where the head's answer to an application made by staff at the counter
/// stands (issue 21 §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeadConfirmation {
    Pending,
    Confirmed,
    Declined,
}

impl HeadConfirmation {
    pub fn as_str(self) -> &'static str {
        match self {
            HeadConfirmation::Pending => "pending",
            HeadConfirmation::Confirmed => "confirmed",
            HeadConfirmation::Declined => "declined",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pending, Self::Confirmed, Self::Declined]
            .into_iter()
            .find(|c| c.as_str() == value)
    }
}

/// An application's reference number as printed on its receipt: `T-` and
/// the number, at least six digits.
pub fn reference_number(application_id: i64) -> String {
    format!("T-{application_id:06}")
}

/// Another line of the same household, as staff reading one line may see it:
/// what was asked, where it stands and with whom. Never the family's words,
/// an amount, or another association's reasons and notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineElsewhere {
    pub type_name_ar: String,
    pub type_name_en: String,
    pub state: LineState,
    pub association_name_ar: Option<String>,
    pub association_name_en: Option<String>,
    /// Made at the counter, not yet confirmed by the head.
    #[serde(default)]
    pub awaiting_head: bool,
}

impl From<LineSummary> for LineElsewhere {
    fn from(line: LineSummary) -> Self {
        Self {
            awaiting_head: line.awaiting_head(),
            type_name_ar: line.type_name_ar,
            type_name_en: line.type_name_en,
            state: line.state,
            association_name_ar: line.association_name_ar,
            association_name_en: line.association_name_en,
        }
    }
}

/// A transition in a line's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineEvent {
    pub from_state: Option<LineState>,
    pub to_state: LineState,
    pub association_name_ar: Option<String>,
    pub association_name_en: Option<String>,
    pub note: Option<String>,
    pub occurred_at: i64,
    /// A member the head allowed who made this change for the household
    /// (sent or withdrew the line), by name; `None` for the head or staff.
    pub member_name: Option<String>,
}

/// An association's internal note on a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineNote {
    pub author_name: String,
    pub body: String,
    pub created_at: i64,
}

/// What a household received; every association sees these (never the notes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Benefit {
    pub type_name_ar: String,
    pub type_name_en: String,
    pub association_name_ar: String,
    pub association_name_en: String,
    pub given_on: String,
    pub value_halalas: Option<i64>,
}

/// An in-app notification: a line of the family's changed state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub line_id: Option<i64>,
    pub state: LineState,
    pub type_name_ar: String,
    pub type_name_en: String,
    pub created_at: i64,
    pub read: bool,
}

/// A household an association serves, for its "our families" list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServedFamily {
    pub household_id: i64,
    pub head_name_ar: String,
    pub district_name_ar: Option<String>,
    pub district_name_en: Option<String>,
    pub lines: i64,
    pub benefits: i64,
    pub latest_line_id: Option<i64>,
    pub last_activity: i64,
}

/// How the queue is filtered and sorted (all from the query string).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    pub state: Option<LineState>,
    pub assistance_type_id: Option<i64>,
    pub district_id: Option<i64>,
    /// Only lines older than this many days.
    pub older_than_days: Option<i64>,
    pub newest_first: bool,
    /// 1-based.
    pub page: i64,
}

/// Where an application line stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineState {
    Submitted,
    InReview,
    Approved,
    Fulfilled,
    Rejected,
    Referred,
    Withdrawn,
}

impl LineState {
    /// Active lines block a second request for the same type by the household.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            LineState::Submitted | LineState::InReview | LineState::Approved | LineState::Referred
        )
    }

    /// Open and not decided: the family may still add a document to it
    /// (an approved, fulfilled, rejected or withdrawn line takes none).
    pub fn takes_documents(self) -> bool {
        matches!(
            self,
            LineState::Submitted | LineState::InReview | LineState::Referred
        )
    }

    pub const ALL: [LineState; 7] = [
        LineState::Submitted,
        LineState::InReview,
        LineState::Approved,
        LineState::Fulfilled,
        LineState::Rejected,
        LineState::Referred,
        LineState::Withdrawn,
    ];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LineState::Submitted => "submitted",
            LineState::InReview => "in_review",
            LineState::Approved => "approved",
            LineState::Fulfilled => "fulfilled",
            LineState::Rejected => "rejected",
            LineState::Referred => "referred",
            LineState::Withdrawn => "withdrawn",
        }
    }
}

/// What someone does to a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineAction {
    /// Staff start looking at it.
    StartReview,
    Approve,
    /// A reason is required.
    Reject {
        reason: String,
    },
    /// To another association, with a note.
    Refer {
        to_association_id: i64,
        note: String,
    },
    /// The receiving association takes a referred line.
    AcceptReferral,
    /// The benefit was given.
    Fulfil,
    /// The family takes the request back.
    Withdraw,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{action} is not allowed from {from:?}")]
    Illegal {
        from: LineState,
        action: &'static str,
    },
    #[error("a reason is required")]
    ReasonRequired,
    #[error("a referral needs another association and a note")]
    ReferralIncomplete,
}

impl LineAction {
    /// The action's name, as forms post it.
    pub fn name(&self) -> &'static str {
        match self {
            LineAction::StartReview => "start_review",
            LineAction::Approve => "approve",
            LineAction::Reject { .. } => "reject",
            LineAction::Refer { .. } => "refer",
            LineAction::AcceptReferral => "accept_referral",
            LineAction::Fulfil => "fulfil",
            LineAction::Withdraw => "withdraw",
        }
    }
}

/// The one place the line life cycle is decided:
/// submitted → in review → approved → fulfilled; rejected (with a reason) from
/// submitted or in review; referred (with a note, to another association) from
/// submitted or in review, and a referred line is taken into review by its new
/// association; withdrawn by the family while the line is not yet decided.
pub fn transition(
    from: LineState,
    action: &LineAction,
    current_association_id: Option<i64>,
) -> Result<LineState, TransitionError> {
    use LineState::*;
    let illegal = || TransitionError::Illegal {
        from,
        action: action.name(),
    };
    match (from, action) {
        (Submitted, LineAction::StartReview) => Ok(InReview),
        (InReview, LineAction::Approve) => Ok(Approved),
        (Approved, LineAction::Fulfil) => Ok(Fulfilled),
        (Submitted | InReview, LineAction::Reject { reason }) => {
            if reason.trim().is_empty() {
                Err(TransitionError::ReasonRequired)
            } else {
                Ok(Rejected)
            }
        }
        (
            Submitted | InReview,
            LineAction::Refer {
                to_association_id,
                note,
            },
        ) => {
            if note.trim().is_empty() || current_association_id == Some(*to_association_id) {
                Err(TransitionError::ReferralIncomplete)
            } else {
                Ok(Referred)
            }
        }
        (Referred, LineAction::AcceptReferral) => Ok(InReview),
        (Submitted | InReview | Referred, LineAction::Withdraw) => Ok(Withdrawn),
        _ => Err(illegal()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LineState::*;

    fn reject(reason: &str) -> LineAction {
        LineAction::Reject {
            reason: reason.into(),
        }
    }

    #[test]
    fn the_happy_path() {
        let s = transition(Submitted, &LineAction::StartReview, Some(1)).unwrap();
        let s = transition(s, &LineAction::Approve, Some(1)).unwrap();
        assert_eq!(
            transition(s, &LineAction::Fulfil, Some(1)).unwrap(),
            Fulfilled
        );
    }

    #[test]
    fn rejection_needs_a_reason() {
        assert_eq!(
            transition(InReview, &reject("  "), Some(1)),
            Err(TransitionError::ReasonRequired)
        );
        assert_eq!(
            transition(InReview, &reject("outside our district"), Some(1)),
            Ok(Rejected)
        );
    }

    #[test]
    fn referral_needs_another_association_and_a_note() {
        let refer = |to, note: &str| LineAction::Refer {
            to_association_id: to,
            note: note.into(),
        };
        assert_eq!(
            transition(Submitted, &refer(2, "they run the sewing program"), Some(1)),
            Ok(Referred)
        );
        assert_eq!(
            transition(Submitted, &refer(2, ""), Some(1)),
            Err(TransitionError::ReferralIncomplete)
        );
        assert_eq!(
            transition(Submitted, &refer(1, "self"), Some(1)),
            Err(TransitionError::ReferralIncomplete)
        );
        assert_eq!(
            transition(Referred, &LineAction::AcceptReferral, Some(2)),
            Ok(InReview)
        );
    }

    #[test]
    fn illegal_transitions_are_refused() {
        for (from, action) in [
            (Submitted, LineAction::Approve),
            (Submitted, LineAction::Fulfil),
            (Approved, reject("late")),
            (Approved, LineAction::Withdraw),
            (Fulfilled, LineAction::Withdraw),
            (Rejected, LineAction::StartReview),
            (Withdrawn, LineAction::StartReview),
            (InReview, LineAction::AcceptReferral),
        ] {
            assert!(
                matches!(
                    transition(from, &action, Some(1)),
                    Err(TransitionError::Illegal { .. })
                ),
                "{from:?} {action:?}"
            );
        }
    }

    #[test]
    fn overdue_after_seven_untouched_days() {
        let day = 86_400;
        assert!(!is_overdue(Submitted, 0, 6 * day));
        assert!(is_overdue(Submitted, 0, 7 * day));
        assert!(is_overdue(Referred, 0, 8 * day));
        assert!(
            !is_overdue(Approved, 0, 30 * day),
            "waiting for fulfilment is not idle"
        );
        assert!(!is_overdue(Rejected, 0, 30 * day));
    }

    #[test]
    fn reference_numbers_are_padded() {
        assert_eq!(reference_number(42), "T-000042");
        assert_eq!(reference_number(1_234_567), "T-1234567");
        for c in [
            HeadConfirmation::Pending,
            HeadConfirmation::Confirmed,
            HeadConfirmation::Declined,
        ] {
            assert_eq!(HeadConfirmation::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn states_round_trip() {
        for s in LineState::ALL {
            assert_eq!(LineState::parse(s.as_str()), Some(s));
        }
        assert_eq!(LineState::parse("granted"), None);
    }

    #[test]
    fn active_states() {
        assert!(
            Submitted.is_active()
                && InReview.is_active()
                && Approved.is_active()
                && Referred.is_active()
        );
        assert!(!Fulfilled.is_active() && !Rejected.is_active() && !Withdrawn.is_active());
    }
}
