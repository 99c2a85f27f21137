//! The append-only audit trail (DESIGN.md §3): who, acting for which
//! association, did or viewed what, when. The table refuses updates and
//! deletes; [`record`] is the one way to write it.

#[cfg(feature = "ssr")]
mod db;
#[cfg(feature = "ssr")]
pub use db::{AuditEvent, count_actions, record, record_in};

/// A read of a list that carries households' personal data: which list,
/// how many rows, and the households it contained (so "who read my record"
/// can name it to each of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRead {
    /// The list's name as stored in `subject_id` (`queue`, `course 3 roster`).
    pub list: String,
    pub rows: usize,
    pub households: Vec<i64>,
    /// A file the reader took away (a CSV roster, an import's result file),
    /// rather than a page.
    pub exported: bool,
    /// The record the list belongs to (a course, for its roster), when the
    /// organisation accountable for the read is that record's.
    pub about: Option<(&'static str, i64)>,
}

impl ListRead {
    /// A list shown on a page.
    pub fn shown(list: impl Into<String>, rows: usize) -> Self {
        Self {
            list: list.into(),
            rows,
            households: Vec::new(),
            exported: false,
            about: None,
        }
    }

    /// A list taken away as a file.
    pub fn exported(list: impl Into<String>, rows: usize) -> Self {
        Self {
            exported: true,
            ..Self::shown(list, rows)
        }
    }

    /// The households the rows belong to (repeats are stored once).
    pub fn of(mut self, households: impl IntoIterator<Item = i64>) -> Self {
        self.households = households.into_iter().collect();
        self.households.sort_unstable();
        self.households.dedup();
        self
    }

    /// The record the list belongs to (stored as the event's subject, the
    /// list's name moving to its detail).
    pub fn about(mut self, subject_type: &'static str, id: i64) -> Self {
        self.about = Some((subject_type, id));
        self
    }

    /// The audited action: a page read or an export.
    pub fn action(&self) -> &'static str {
        if self.exported {
            action::PERSONAL_DATA_EXPORTED
        } else {
            action::PERSONAL_DATA_LISTED
        }
    }
}

/// Records a read of a list that carries households' personal data (a queue
/// page, "our families", a course roster, an export): who read which list,
/// for which association, how many rows, and which households were in it.
/// Nothing when the list is empty.
#[cfg(feature = "ssr")]
pub async fn record_list_read(
    db: &crate::database::Db,
    actor_user_id: i64,
    acting_for_association_id: Option<i64>,
    read: &ListRead,
    client_ip: String,
) -> Result<(), sqlx::Error> {
    if read.rows == 0 {
        return Ok(());
    }
    let event = AuditEvent::new(read.action())
        .by(Some(actor_user_id), Some(client_ip))
        .acting_for(acting_for_association_id);
    let event = match read.about {
        Some((subject_type, id)) => event
            .subject(subject_type, id)
            .detail(format!("{}: {} rows", read.list, read.rows)),
        None => event
            .subject("list", &read.list)
            .detail(format!("{} rows", read.rows)),
    };
    db::record_with_households(db, event, &read.households).await
}

/// The audited actions, as stored in `audit_events.action`.
pub mod action {
    pub const SIGN_IN: &str = "sign_in";
    pub const SIGN_IN_FAILED: &str = "sign_in_failed";
    pub const SIGN_OUT: &str = "sign_out";
    pub const SIGN_OUT_EVERYWHERE: &str = "sign_out_everywhere";
    pub const ROLE_GRANTED: &str = "role_granted";
    pub const ROLE_REVOKED: &str = "role_revoked";
    pub const ACCOUNT_DISABLED: &str = "account_disabled";
    pub const ACCOUNT_ENABLED: &str = "account_enabled";
    pub const SESSIONS_ENDED: &str = "sessions_ended";
    pub const PERSONAL_DATA_LISTED: &str = "personal_data_listed";
    pub const PERSONAL_DATA_EXPORTED: &str = "personal_data_exported";
    pub const ACCESS_DENIED: &str = "access_denied";
    pub const HOUSEHOLD_VIEWED: &str = "household_viewed";
    pub const COVERAGE_PROPOSED: &str = "coverage_proposed";
    pub const COVERAGE_APPROVED: &str = "coverage_approved";
    pub const COVERAGE_REJECTED: &str = "coverage_rejected";
    pub const COVERAGE_ENDED: &str = "coverage_ended";
    pub const APPLICATION_SUBMITTED: &str = "application_submitted";
    /// Staff filled the application for a household at the counter (issue 21 §2).
    pub const APPLICATION_MADE_AT_COUNTER: &str = "application_made_at_counter";
    /// The head confirmed an application made for them at the counter.
    pub const COUNTER_APPLICATION_CONFIRMED: &str = "counter_application_confirmed";
    /// The head declined one: its open lines were withdrawn.
    pub const COUNTER_APPLICATION_DECLINED: &str = "counter_application_declined";
    pub const LINE_TRANSITION: &str = "line_transition";
    pub const LINE_NOTE_ADDED: &str = "line_note_added";
    /// A document added to an open application line after it was sent
    /// (the household is the subject, the line in the detail).
    pub const LINE_DOCUMENT_UPLOADED: &str = "line_document_uploaded";
    /// A family asked again for a type it has an active line of (a duplicate prevented).
    pub const LINE_REFUSED_ACTIVE: &str = "line_refused_active";
    pub const BENEFIT_RECORDED: &str = "benefit_recorded";
    pub const DUPLICATE_DECIDED: &str = "duplicate_decided";
    pub const WALK_IN_REGISTERED: &str = "walk_in_registered";
    pub const MEMBER_VERIFIED: &str = "member_verified";
    /// The head allowed a member to act for the household (issue 21 §3).
    pub const DELEGATE_ALLOWED: &str = "delegate_allowed";
    pub const DELEGATE_REVOKED: &str = "delegate_revoked";
    pub const SHOP_SAVED: &str = "shop_saved";
    pub const PRODUCT_SUBMITTED: &str = "product_submitted";
    pub const PRODUCT_MODERATED: &str = "product_moderated";
    pub const SHOP_TEXT_MODERATED: &str = "shop_text_moderated";
    pub const COURSE_SAVED: &str = "course_saved";
    pub const COURSE_STATUS_CHANGED: &str = "course_status_changed";
    pub const COURSE_ENROLLED: &str = "course_enrolled";
    pub const ENROLLMENT_CANCELLED: &str = "enrollment_cancelled";
    pub const ATTENDANCE_MARKED: &str = "attendance_marked";
    pub const TRAINER_SAVED: &str = "trainer_saved";
    pub const PROVIDER_SAVED: &str = "provider_saved";
    pub const FOLLOW_UP_RESOLVED: &str = "follow_up_resolved";
    pub const ACTING_FOR_CHOSEN: &str = "acting_for_chosen";
    pub const ASSOCIATION_SAVED: &str = "association_saved";
    pub const ASSOCIATION_SUSPENDED: &str = "association_suspended";
    pub const ASSOCIATION_REACTIVATED: &str = "association_reactivated";
    pub const ASSISTANCE_TYPE_SAVED: &str = "assistance_type_saved";
    /// A document the council asks for with a type, added or saved.
    pub const DOCUMENT_KIND_SAVED: &str = "document_kind_saved";
    // imports
    pub const IMPORT_UPLOADED: &str = "import_uploaded";
    pub const IMPORT_COMMIT_STARTED: &str = "import_commit_started";
    pub const IMPORT_COMMITTED: &str = "import_committed";
    pub const DISTRICT_ALIAS_SAVED: &str = "district_alias_saved";
    // continuity
    pub const CASE_ASSIGNED: &str = "case_assigned";
    pub const FOLLOW_UP_BOOKED: &str = "follow_up_booked";
    pub const FOLLOW_UP_RECORDED: &str = "follow_up_recorded";
    pub const CASE_CLOSED: &str = "case_closed";
    pub const CONTINUITY_RULES_SAVED: &str = "continuity_rules_saved";
    // privacy ("My data", PDPL)
    pub const PRIVACY_COPY_DOWNLOADED: &str = "privacy_copy_downloaded";
    pub const PRIVACY_REQUEST_MADE: &str = "privacy_request_made";
    pub const PRIVACY_REQUEST_EXTENDED: &str = "privacy_request_extended";
    pub const PRIVACY_REQUEST_DECIDED: &str = "privacy_request_decided";
    pub const HOUSEHOLD_ANONYMISED: &str = "household_anonymised";
    // reporting
    pub const REPORT_EXPORTED: &str = "report_exported";
    // the partners' API (issue 18 §4)
    pub const PARTNER_TOKEN_CREATED: &str = "partner_token_created";
    pub const PARTNER_TOKEN_REVOKED: &str = "partner_token_revoked";
    /// A call of `/api/v1/…` with a token (its route and status in the detail).
    pub const PARTNER_API_CALLED: &str = "partner_api_called";
    /// A registered household looked up by a partner (the household is the subject).
    pub const PARTNER_LOOKUP: &str = "partner_lookup";
    // financing
    pub const FINANCING_FILE_OPENED: &str = "financing_file_opened";
    pub const FINANCING_DOCUMENT_RECORDED: &str = "financing_document_recorded";
    pub const FINANCING_ELIGIBILITY_CHECKED: &str = "financing_eligibility_checked";
    pub const FINANCING_REFERRED: &str = "financing_referred";
    pub const LOAN_APPROVED: &str = "loan_approved";
    pub const LOAN_DISBURSED: &str = "loan_disbursed";
    pub const REPAYMENT_ENTERED: &str = "repayment_entered";
    pub const FINANCING_SETTINGS_SAVED: &str = "financing_settings_saved";
    pub const EXPOSURE_LIMIT_SET: &str = "exposure_limit_set";
    pub const GUARANTEE_CALLED: &str = "guarantee_called";
    pub const LOAN_RESCHEDULED: &str = "loan_rescheduled";
    pub const GUARANTEE_RECOVERY_RECORDED: &str = "guarantee_recovery_recorded";
    pub const LOAN_GUARANTEE_ADDED: &str = "loan_guarantee_added";
    /// A checklist document's file uploaded (a PDF or a photo of it).
    pub const FINANCING_DOCUMENT_UPLOADED: &str = "financing_document_uploaded";
    pub const LOAN_WRITTEN_OFF: &str = "loan_written_off";
    /// A bank's or association's statement uploaded and checked (the dry run).
    pub const STATEMENT_UPLOADED: &str = "statement_uploaded";
    /// A statement's dry run applied: its repayments recorded.
    pub const STATEMENT_APPLIED: &str = "statement_applied";
}
