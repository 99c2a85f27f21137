//! "My data" (issue 16, the PDPL rights): a family sees everything held
//! about its household and who read it, downloads a copy, disputes a record
//! it cannot edit, withdraws consent or asks for deletion; the council's
//! data-protection officer answers the requests within 30 days.
//!
//! `mod.rs` holds the views and the pure rules (the 30-day clock, the kinds
//! of request and of access); `api.rs` the server functions; `db.rs` the SQL
//! (this domain's table, and the registry's and identity's rows it reads and,
//! on an approved deletion, blanks); `http.rs` the JSON download; `pages.rs`
//! the family's page, the officer's queue and the associations' disputes.
//! Other domains' data comes through their `subject` interfaces
//! (`applications::subject`, `marketplace::subject`, `training::subject`).

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod http;
mod officer_pages;
pub mod pages;

use serde::{Deserialize, Serialize};

use crate::applications::subject::{SubjectBenefit, SubjectLine};
use crate::financing::subject::SubjectFinancing;
use crate::marketplace::subject::SubjectShop;
use crate::registry::Household;
use crate::training::subject::SubjectEnrollment;

pub use crate::paths::{MY_DATA_JSON, MY_DATA_PAGE, PRIVACY_DISPUTES_PAGE, PRIVACY_QUEUE_PAGE};

/// The law's answer time: 30 days from the request.
pub const ANSWER_WITHIN_SECS: i64 = 30 * 86_400;
/// One extension, of the same length, with a reason the family sees.
pub const EXTENSION_SECS: i64 = 30 * 86_400;
/// Sessions and sign-ins shown on "My data".
pub const SIGN_INS_SHOWN_SECS: i64 = 90 * 86_400;
/// The version of the download's format, named in `docs/my-data.schema.json`.
pub const COPY_FORMAT: &str = "takamul-my-data/1";

/// What a family asks of the controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// A full copy, answered by the officer (the download is immediate).
    Access,
    /// A record the family cannot edit is disputed (a benefit).
    Correction,
    /// Delete the household's personal data.
    Deletion,
    /// Consent withdrawn: the processing stops (applications stop).
    Objection,
}

impl RequestKind {
    /// Every kind, in the order the pages list them.
    pub const ALL: [RequestKind; 4] = [
        RequestKind::Access,
        RequestKind::Correction,
        RequestKind::Deletion,
        RequestKind::Objection,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Access => "access",
            RequestKind::Correction => "correction",
            RequestKind::Deletion => "deletion",
            RequestKind::Objection => "objection",
        }
    }

    /// Reads the stored form.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Whether the family must confirm it has read what the request means.
    pub fn needs_confirmation(self) -> bool {
        matches!(self, RequestKind::Deletion | RequestKind::Objection)
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Open,
    /// Done: answered, and for a deletion the household anonymised.
    Done,
    /// Refused, with a reason the family sees.
    Refused,
}

impl RequestStatus {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Done => "done",
            RequestStatus::Refused => "refused",
        }
    }

    /// Reads the stored form.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Open, Self::Done, Self::Refused]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// The due date of a request made at `created_at`.
pub fn due_at(created_at: i64) -> i64 {
    created_at + ANSWER_WITHIN_SECS
}

/// Days left until `due`, a started day counted whole (30 on the day of the
/// request); once past, minus the days late (a started day counted whole).
pub fn days_left(due: i64, now: i64) -> i64 {
    let whole = |secs: i64| (secs + 86_399) / 86_400;
    if due >= now {
        whole(due - now)
    } else {
        -whole(now - due)
    }
}

/// Open and past its due date.
pub fn is_overdue(status: RequestStatus, due: i64, now: i64) -> bool {
    status == RequestStatus::Open && now > due
}

/// Why an extension is refused, if it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionRefusal {
    AlreadyDecided,
    AlreadyExtended,
    ReasonRequired,
}

/// The new due date when an open, never-extended request is extended for
/// a reason.
pub fn extend(
    status: RequestStatus,
    due: i64,
    extended_before: bool,
    reason: &str,
) -> Result<i64, ExtensionRefusal> {
    if status != RequestStatus::Open {
        return Err(ExtensionRefusal::AlreadyDecided);
    }
    if extended_before {
        return Err(ExtensionRefusal::AlreadyExtended);
    }
    if reason.trim().is_empty() {
        return Err(ExtensionRefusal::ReasonRequired);
    }
    Ok(due + EXTENSION_SECS)
}

/// The kind of a staff read of a household's record, as the family sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    /// The household's record and history were opened.
    HouseholdOpened,
    /// An application line was opened (the household's card with it).
    LineOpened,
    /// The council compared it with a possible duplicate.
    DuplicateReview,
    /// A document the family attached to an application was opened.
    DocumentOpened,
    /// It was one row of a list shown on a page (a queue, a roster).
    Listed,
    /// It was in a list taken away as a file (a CSV roster, an import's
    /// result file).
    Exported,
    /// A partner (a ministry, a funder) looked it up through the partners'
    /// API by a national ID of the household.
    PartnerLookup,
}

impl AccessKind {
    /// Reads the kind from an audit row: a list read or an export by its
    /// action, a `household_viewed` row by its detail (`line <id>`,
    /// `duplicate review <id>`, or nothing).
    pub fn of_event(action: &str, detail: Option<&str>) -> Self {
        match (action, detail) {
            (crate::audit::action::PERSONAL_DATA_LISTED, _) => AccessKind::Listed,
            (crate::audit::action::PERSONAL_DATA_EXPORTED, _) => AccessKind::Exported,
            (crate::audit::action::PARTNER_LOOKUP, _) => AccessKind::PartnerLookup,
            (_, detail) => Self::of_detail(detail),
        }
    }

    fn of_detail(detail: Option<&str>) -> Self {
        match detail {
            Some(d) if d.starts_with("line ") => AccessKind::LineOpened,
            Some(d) if d.starts_with("application_document ") => AccessKind::DocumentOpened,
            Some(d) if d.starts_with("duplicate review") => AccessKind::DuplicateReview,
            _ => AccessKind::HouseholdOpened,
        }
    }
}

/// One staff read of the household's record: the organisation accountable
/// for it (an association or, for a course roster, the training provider;
/// for a look-up through the partners' API, the partner; none: the
/// council), the kind and the time. Never the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordRead {
    pub association_name_ar: Option<String>,
    pub association_name_en: Option<String>,
    pub kind: AccessKind,
    pub at: i64,
}

/// The signed-in person's identity and where each field came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    /// Whole: it is the person's own.
    pub national_id: String,
    pub name_ar: String,
    pub name_en: Option<String>,
    /// The last identity assertion from Nafath; none: typed, never verified.
    pub nafath_verified_at: Option<i64>,
    pub account_created_at: i64,
}

/// The household's place in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub city_name_ar: Option<String>,
    pub city_name_en: Option<String>,
    pub district_name_ar: Option<String>,
    pub district_name_en: Option<String>,
    pub address: Option<String>,
}

/// A signed-in browser of the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub created_at: i64,
    pub last_seen_at: i64,
    pub user_agent: Option<String>,
}

/// A consent the household gave: the privacy-notice version and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub notice_version: String,
    pub at: i64,
}

/// A data-subject request as the family, the officer and (for a dispute)
/// the association that wrote the record see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyRequest {
    pub id: i64,
    pub kind: RequestKind,
    pub status: RequestStatus,
    /// The disputed benefit (a correction).
    pub benefit: Option<SubjectBenefit>,
    pub note: String,
    pub created_at: i64,
    pub due_at: i64,
    pub extended_at: Option<i64>,
    pub extension_reason: Option<String>,
    pub decided_at: Option<i64>,
    pub outcome_reason: Option<String>,
}

/// Everything held about the signed-in family: the "My data" page and the
/// downloaded copy (`docs/my-data.schema.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyData {
    pub format: String,
    pub generated_at: i64,
    pub identity: Identity,
    /// None: the person has not registered a household.
    pub household: Option<Household>,
    pub place: Option<Place>,
    pub applications: Vec<SubjectLine>,
    pub benefits: Vec<SubjectBenefit>,
    pub shop: Option<SubjectShop>,
    pub courses: Vec<SubjectEnrollment>,
    /// Financing files, their loans and the documents uploaded to them.
    #[serde(default)]
    pub financing: Vec<SubjectFinancing>,
    pub sessions: Vec<SessionInfo>,
    /// Sign-ins of the last 90 days.
    pub sign_ins: Vec<i64>,
    pub consents: Vec<Consent>,
    pub requests: Vec<PrivacyRequest>,
    pub reads: Vec<RecordRead>,
    /// Who acted for the household: members the head allowed, and what
    /// they did (issue 21 §3).
    #[serde(default)]
    pub acts: Vec<crate::registry::HouseholdChange>,
}

/// One request in the officer's queue, with whose it is and its trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedRequest {
    pub request: PrivacyRequest,
    pub household_id: i64,
    pub head_name_ar: String,
    pub masked_national_id: String,
    /// The household's deletion was approved: nothing left to name it by.
    pub anonymised: bool,
    /// The association that wrote a disputed record.
    pub association_name_ar: Option<String>,
    pub association_name_en: Option<String>,
    /// The request's audit trail: (action, time); never who, beyond the role.
    pub trail: Vec<(String, i64)>,
}

/// A dispute of a record an association wrote, as that association sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    pub request: PrivacyRequest,
    pub household_id: i64,
    pub head_name_ar: String,
}

/// The officer's page: the queue, oldest due first, and the time it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub now: i64,
    /// One page of the queue.
    pub requests: Vec<QueuedRequest>,
    /// Requests in all, and where this page stands among them.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// Requests (or disputes) shown per page of the officer's queue and of an
/// association's disputes: each is a card with its forms, so few.
pub const REQUESTS_PER_PAGE: i64 = 20;

/// An association's disputes page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disputes {
    pub now: i64,
    /// One page of the disputes.
    pub disputes: Vec<Dispute>,
    /// Disputes in all, and where this page stands among them.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// Trims a free-text note and caps it (a note is a sentence or two).
pub fn clean_note(note: &str) -> String {
    note.trim().chars().take(2000).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_due_in_thirty_days_and_extends_once() {
        let made = 1_000_000;
        let due = due_at(made);
        assert_eq!(due - made, 30 * 86_400);
        assert_eq!(days_left(due, made), 30);
        assert_eq!(days_left(due, due), 0);
        assert_eq!(days_left(due, made + 5), 30);
        assert_eq!(days_left(due, due + 1), -1);
        assert_eq!(days_left(due, due + 86_401), -2);
        assert!(!is_overdue(RequestStatus::Open, due, due));
        assert!(is_overdue(RequestStatus::Open, due, due + 1));
        assert!(!is_overdue(RequestStatus::Done, due, due + 1));
        assert_eq!(
            extend(RequestStatus::Open, due, false, "waiting for records"),
            Ok(due + 30 * 86_400)
        );
        assert_eq!(
            extend(RequestStatus::Open, due, true, "again"),
            Err(ExtensionRefusal::AlreadyExtended)
        );
        assert_eq!(
            extend(RequestStatus::Open, due, false, "  "),
            Err(ExtensionRefusal::ReasonRequired)
        );
        assert_eq!(
            extend(RequestStatus::Refused, due, false, "late"),
            Err(ExtensionRefusal::AlreadyDecided)
        );
    }

    #[test]
    fn kinds_and_statuses_round_trip() {
        for kind in RequestKind::ALL {
            assert_eq!(RequestKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(RequestKind::parse("erase"), None);
        assert!(RequestKind::Deletion.needs_confirmation());
        assert!(RequestKind::Objection.needs_confirmation());
        assert!(!RequestKind::Correction.needs_confirmation());
        for status in [
            RequestStatus::Open,
            RequestStatus::Done,
            RequestStatus::Refused,
        ] {
            assert_eq!(RequestStatus::parse(status.as_str()), Some(status));
        }
    }

    #[test]
    fn the_kind_of_access_comes_from_the_audit_row() {
        use crate::audit::action::{
            HOUSEHOLD_VIEWED, PERSONAL_DATA_EXPORTED, PERSONAL_DATA_LISTED,
        };
        let kind = AccessKind::of_event;
        assert_eq!(kind(HOUSEHOLD_VIEWED, None), AccessKind::HouseholdOpened);
        assert_eq!(
            kind(HOUSEHOLD_VIEWED, Some("line 12")),
            AccessKind::LineOpened
        );
        assert_eq!(
            kind(HOUSEHOLD_VIEWED, Some("application_document 4")),
            AccessKind::DocumentOpened
        );
        assert_eq!(
            kind(HOUSEHOLD_VIEWED, Some("duplicate review 3")),
            AccessKind::DuplicateReview
        );
        assert_eq!(
            kind(PERSONAL_DATA_LISTED, Some("12 rows")),
            AccessKind::Listed
        );
        assert_eq!(
            kind(PERSONAL_DATA_EXPORTED, Some("3 rows")),
            AccessKind::Exported
        );
    }

    #[test]
    fn a_note_is_trimmed_and_capped() {
        assert_eq!(clean_note("  خطأ في التاريخ \n"), "خطأ في التاريخ");
        assert_eq!(clean_note(&"x".repeat(5000)).chars().count(), 2000);
    }
}
