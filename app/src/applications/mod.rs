//! Support applications (DESIGN.md §3): a household asks for one or more
//! assistance types; each line moves through its states. This module holds
//! the pure state machine; storage and pages come with the rest of the domain.

use serde::{Deserialize, Serialize};

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
    fn name(&self) -> &'static str {
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
