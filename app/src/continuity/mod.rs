//! Keeping families in (issue 17 §1–2): who owns a family's case, the
//! follow-ups booked with it, and a continuity status per household computed
//! from signals that already exist, with its reasons in words.
//!
//! The status is a pure function of a household's [`Signals`] and the
//! council's [`Rules`] ([`assess`]): each signal that fires adds its weight
//! and a [`Reason`]; the sum decides between active, watch and at risk. A
//! household with nothing open and no contact for long is inactive; one
//! whose cases were all closed (and that has not come back) has exited.
//! Signals read before the caseworker last reached the family do not count
//! again: reaching a family answers them.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod job;
mod labels;
pub mod pages;
mod visit_pages;

pub use labels::{ExitReasonText, FollowUpKindText, OutcomeText, ReasonText, StatusBadge};
pub use visit_pages::{CasePage, FollowUpPage};

use serde::{Deserialize, Serialize};

const DAY: i64 = 86_400;

/// Households per continuity list page.
pub const CASES_PAGE_SIZE: i64 = 50;

/// Where a household stands, from thriving to gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Active,
    Watch,
    AtRisk,
    Inactive,
    Exited,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Active,
        Status::Watch,
        Status::AtRisk,
        Status::Inactive,
        Status::Exited,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Watch => "watch",
            Status::AtRisk => "at_risk",
            Status::Inactive => "inactive",
            Status::Exited => "exited",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// What a follow-up is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    Call,
    HomeVisit,
    TrainingCheck,
    MarketCheck,
    FinancingInstalment,
}

impl FollowUpKind {
    pub const ALL: [FollowUpKind; 5] = [
        FollowUpKind::Call,
        FollowUpKind::HomeVisit,
        FollowUpKind::TrainingCheck,
        FollowUpKind::MarketCheck,
        FollowUpKind::FinancingInstalment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpKind::Call => "call",
            FollowUpKind::HomeVisit => "home_visit",
            FollowUpKind::TrainingCheck => "training_check",
            FollowUpKind::MarketCheck => "market_check",
            FollowUpKind::FinancingInstalment => "financing_instalment",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// How a follow-up went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The family was reached: the signals before it are answered.
    Reached,
    NotReached,
    /// The appointment moved (a new follow-up is booked).
    Moved,
    /// The case is closed, with an [`ExitReason`].
    Closed,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::Reached,
        Outcome::NotReached,
        Outcome::Moved,
        Outcome::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Reached => "reached",
            Outcome::NotReached => "not_reached",
            Outcome::Moved => "moved",
            Outcome::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == value)
    }
}

/// Why a case was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    Graduated,
    MovedAway,
    NoLongerInterested,
    LostContact,
}

impl ExitReason {
    pub const ALL: [ExitReason; 4] = [
        ExitReason::Graduated,
        ExitReason::MovedAway,
        ExitReason::NoLongerInterested,
        ExitReason::LostContact,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExitReason::Graduated => "graduated",
            ExitReason::MovedAway => "moved_away",
            ExitReason::NoLongerInterested => "no_longer_interested",
            ExitReason::LostContact => "lost_contact",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

/// The council's weights and thresholds. Each signal that fires adds its
/// weight to the household's score; `watch_at` and `at_risk_at` cut the
/// score into statuses. Saved as JSON (`continuity_rules`), newest in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// A score from which a household is watched.
    pub watch_at: i64,
    /// A score from which it is at risk.
    pub at_risk_at: i64,
    /// No contact or decision for this many days…
    pub no_contact_days: i64,
    /// …weighs this much.
    pub no_contact_weight: i64,
    /// Nothing open and no contact for this many days: inactive.
    pub inactive_days: i64,
    /// Each follow-up past its due date weighs this much.
    pub overdue_follow_up_weight: i64,
    /// This many unexcused absences in a running course (since the family
    /// was last reached)…
    pub absences_at: i64,
    /// …weigh this much.
    pub absences_weight: i64,
    /// An open follow-up flag raised by training weighs this much.
    pub training_flag_weight: i64,
    /// A shop with no product update and no WhatsApp tap for this many weeks…
    pub stale_shop_weeks: i64,
    /// …weighs this much.
    pub stale_shop_weight: i64,
    /// An approved line not fulfilled after this many days…
    pub unfulfilled_days: i64,
    /// …weighs this much.
    pub unfulfilled_weight: i64,
    /// A loan instalment past its due date and not fully paid weighs this
    /// much (rules saved before it existed read the default).
    #[serde(default = "default_instalment_weight")]
    pub instalment_overdue_weight: i64,
}

fn default_instalment_weight() -> i64 {
    2
}

impl Default for Rules {
    /// The defaults (docs/CONTINUITY.md explains each).
    fn default() -> Self {
        Self {
            watch_at: 2,
            at_risk_at: 4,
            no_contact_days: 60,
            no_contact_weight: 2,
            inactive_days: 180,
            overdue_follow_up_weight: 2,
            absences_at: 2,
            absences_weight: 2,
            training_flag_weight: 1,
            stale_shop_weeks: 8,
            stale_shop_weight: 2,
            unfulfilled_days: 30,
            unfulfilled_weight: 2,
            instalment_overdue_weight: default_instalment_weight(),
        }
    }
}

/// Why council rules were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesRefusal {
    /// A number is negative, or a threshold is zero.
    OutOfRange,
    /// "At risk" must need more than "watch".
    ThresholdsOutOfOrder,
}

impl Rules {
    /// Checks rules a council admin typed.
    pub fn check(&self) -> Result<(), RulesRefusal> {
        let all = [
            self.watch_at,
            self.at_risk_at,
            self.no_contact_days,
            self.no_contact_weight,
            self.inactive_days,
            self.overdue_follow_up_weight,
            self.absences_at,
            self.absences_weight,
            self.training_flag_weight,
            self.stale_shop_weeks,
            self.stale_shop_weight,
            self.unfulfilled_days,
            self.unfulfilled_weight,
            self.instalment_overdue_weight,
        ];
        if all.iter().any(|n| !(0..=10_000).contains(n)) || self.watch_at == 0 {
            return Err(RulesRefusal::OutOfRange);
        }
        if self.at_risk_at <= self.watch_at {
            return Err(RulesRefusal::ThresholdsOutOfOrder);
        }
        Ok(())
    }
}

/// Unexcused absences in one running course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Absences {
    pub course_title_ar: String,
    pub course_title_en: String,
    pub count: i64,
}

/// What is known of a household, read from every domain at `now`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    pub registered_at: i64,
    /// The last decision on a line, benefit, or reached follow-up.
    pub last_contact_at: Option<i64>,
    /// When a caseworker last reached the family.
    pub last_reached_at: Option<i64>,
    /// Lines not yet decided or fulfilled, and courses running.
    pub open_items: i64,
    pub overdue_follow_ups: i64,
    /// Per running course, absences since the family was last reached.
    pub absences: Vec<Absences>,
    /// Training follow-up flags still open, raised since last reached.
    pub training_flags: i64,
    /// The shop's last sign of life (a product or shop update, a WhatsApp
    /// tap), when it has published products.
    pub shop_last_sign_at: Option<i64>,
    /// The oldest approved, unfulfilled line's approval.
    pub oldest_unfulfilled_at: Option<i64>,
    /// The last case closed and its reason, when no case is open since and
    /// nothing new was asked since.
    pub exited: Option<(ExitReason, i64)>,
    /// The oldest late loan instalment (read from financing's tables by
    /// name): the association whose loan it is, and days late.
    pub instalment_overdue: Option<OverdueInstalment>,
}

/// A loan instalment past its due date and not fully paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverdueInstalment {
    pub association_id: i64,
    pub days: i64,
}

/// One reason a household is watched, in words on the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    NoContact { days: i64 },
    OverdueFollowUps { count: i64 },
    MissedSessions(Absences),
    TrainingFlags { count: i64 },
    StaleShop { weeks: i64 },
    ApprovedNotFulfilled { days: i64 },
    InstalmentOverdue { days: i64 },
    Exited { reason: ExitReason },
    Inactive { days: i64 },
}

/// A household's status, its score and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub status: Status,
    pub score: i64,
    pub reasons: Vec<Reason>,
}

/// Whole days from `at` to `now` (none before it).
fn days_since(at: i64, now: i64) -> i64 {
    (now - at).max(0) / DAY
}

/// The continuity rule: a household's status from its signals.
pub fn assess(signals: &Signals, rules: &Rules, now: i64) -> Assessment {
    if let Some((reason, _)) = signals.exited {
        return Assessment {
            status: Status::Exited,
            score: 0,
            reasons: vec![Reason::Exited { reason }],
        };
    }
    let contact = signals.last_contact_at.unwrap_or(signals.registered_at);
    let silent = days_since(contact, now);
    if signals.open_items == 0 && silent >= rules.inactive_days {
        return Assessment {
            status: Status::Inactive,
            score: 0,
            reasons: vec![Reason::Inactive { days: silent }],
        };
    }
    let mut score = 0;
    let mut reasons = Vec::new();
    let mut fire = |weight: i64, reason: Reason| {
        if weight > 0 {
            score += weight;
            reasons.push(reason);
        }
    };
    if silent >= rules.no_contact_days {
        fire(rules.no_contact_weight, Reason::NoContact { days: silent });
    }
    if signals.overdue_follow_ups > 0 {
        fire(
            rules.overdue_follow_up_weight * signals.overdue_follow_ups,
            Reason::OverdueFollowUps {
                count: signals.overdue_follow_ups,
            },
        );
    }
    for absences in &signals.absences {
        if absences.count >= rules.absences_at {
            fire(
                rules.absences_weight,
                Reason::MissedSessions(absences.clone()),
            );
        }
    }
    if signals.training_flags > 0 {
        fire(
            rules.training_flag_weight * signals.training_flags,
            Reason::TrainingFlags {
                count: signals.training_flags,
            },
        );
    }
    if let Some(sign) = signals.shop_last_sign_at {
        let weeks = days_since(sign, now) / 7;
        if weeks >= rules.stale_shop_weeks {
            fire(rules.stale_shop_weight, Reason::StaleShop { weeks });
        }
    }
    if let Some(approved) = signals.oldest_unfulfilled_at {
        let days = days_since(approved, now);
        if days >= rules.unfulfilled_days {
            fire(
                rules.unfulfilled_weight,
                Reason::ApprovedNotFulfilled { days },
            );
        }
    }
    if let Some(late) = signals.instalment_overdue {
        fire(
            rules.instalment_overdue_weight,
            Reason::InstalmentOverdue { days: late.days },
        );
    }
    let status = if score >= rules.at_risk_at {
        Status::AtRisk
    } else if score >= rules.watch_at {
        Status::Watch
    } else {
        Status::Active
    };
    Assessment {
        status,
        score,
        reasons,
    }
}

/// One household on a continuity list, as its association's staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRow {
    pub household_id: i64,
    pub head_name_ar: String,
    pub district_name_ar: Option<String>,
    pub district_name_en: Option<String>,
    pub status: Status,
    pub reasons: Vec<Reason>,
    /// The owner: the assigned caseworker, else whoever acted last.
    pub owner_name: Option<String>,
    pub owner_name_en: Option<String>,
    pub owner_assigned: bool,
    pub reentry: bool,
    /// The next open follow-up's due time.
    pub next_due_at: Option<i64>,
}

/// Which households a continuity list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseView {
    /// Watch and at risk, most at risk first.
    AtRisk,
    /// The signed-in caseworker's cases.
    Mine,
    /// Cases nobody owns (no assignment and no one acted yet).
    Unassigned,
}

impl CaseView {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "at_risk" => Some(CaseView::AtRisk),
            "mine" => Some(CaseView::Mine),
            "unassigned" => Some(CaseView::Unassigned),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CaseView::AtRisk => "at_risk",
            CaseView::Mine => "mine",
            CaseView::Unassigned => "unassigned",
        }
    }
}

/// A follow-up as its association's staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: i64,
    pub household_id: i64,
    pub head_name_ar: String,
    pub kind: FollowUpKind,
    pub due_at: i64,
    pub assignee_user_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub assignee_name_en: Option<String>,
    pub note: String,
    pub outcome: Option<Outcome>,
    pub outcome_at: Option<i64>,
    pub exit_reason: Option<ExitReason>,
}

/// A caseworker who may own a case: staff of the serving association.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caseworker {
    pub user_id: i64,
    pub name: String,
    /// May be empty: the page falls back to the Arabic name.
    pub name_en: String,
}

/// Whether a follow-up is past due and still open.
pub fn is_overdue(follow_up: &FollowUp, now: i64) -> bool {
    follow_up.outcome.is_none() && follow_up.due_at < now
}

#[cfg(test)]
mod tests;
