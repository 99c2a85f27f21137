//! Data protection, the council's side (PDPL, issue 16): the retention job
//! and its table, the breach register, and the privacy notice's versions
//! with each family's acceptance. (A family's own requests — access,
//! correction, deletion — are the `privacy` domain's.)
//!
//! `mod.rs` holds the views the pages read and the pure rules (the retention
//! table, the 72-hour deadline, reading a list of households);
//! `retention.rs` (server only) runs the job; `api.rs` the server functions;
//! `db/` all the SQL; `http.rs` the middleware that asks a returning family
//! to accept a new notice; `pages.rs`, `notice_pages.rs` the pages.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod http;
pub mod notice_pages;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod retention;

use serde::{Deserialize, Serialize};

use crate::error::ErrorKey;
use crate::ids::NationalId;
use crate::text::fold_digits;

pub use crate::paths::{BREACHES_PAGE, NOTICE_VERSIONS_PAGE, PRIVACY_NOTICE_PAGE, RETENTION_PAGE};

/// The audited actions of this domain, as stored in `audit_events.action`.
pub mod action {
    pub const BREACH_RECORDED: &str = "breach_recorded";
    pub const BREACH_HOUSEHOLDS_ADDED: &str = "breach_households_added";
    pub const BREACH_AUTHORITY_NOTIFIED: &str = "breach_authority_notified";
    pub const BREACH_FAMILIES_NOTIFIED: &str = "breach_families_notified";
    pub const BREACH_VIEWED: &str = "breach_viewed";
    pub const RETENTION_RUN: &str = "retention_run";
    pub const PRIVACY_NOTICE_PUBLISHED: &str = "privacy_notice_published";
    pub const PRIVACY_NOTICE_ACCEPTED: &str = "privacy_notice_accepted";
}

const DAY: i64 = 86_400;

/// The PDPL's notification window: the authority is told within 72 hours
/// of the breach being discovered.
pub const NOTIFY_WITHIN_SECS: i64 = 72 * 3600;

// ---------------------------------------------------------------- retention

/// One line of the retention table: what is deleted, from which table, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Nafath sign-in attempts (`nafath_requests`), pending or decided.
    SignInAttempts,
    /// The simulator's side of them (`nafath_sim_requests`; development only).
    SimulatorRequests,
    /// Rate-limit counters (`sign_in_counters`) whose window and block are over.
    RateLimits,
    /// Sessions past their idle or absolute timeout (`sessions`).
    Sessions,
    /// Refused forms kept to be shown again (`form_drafts`).
    FormDrafts,
    /// The rows of import files (`import_rows`) once their batch is committed,
    /// or abandoned as a dry run; a committed batch's summary stays.
    ImportRows,
    /// Dry-run import batches never committed (`import_batches`).
    AbandonedImports,
    /// Audit rows (`audit_events`) after the legal period.
    AuditEvents,
    /// The job's own reports (`retention_runs`).
    RetentionRuns,
    /// The body, values and phone of messages sent to families
    /// (`message_outbox`); the record of the send stays.
    MessageBodies,
}

impl Rule {
    /// Every rule, in the order a run applies them.
    pub const ALL: [Rule; 10] = [
        Rule::SignInAttempts,
        Rule::SimulatorRequests,
        Rule::RateLimits,
        Rule::Sessions,
        Rule::FormDrafts,
        Rule::ImportRows,
        Rule::AbandonedImports,
        Rule::AuditEvents,
        Rule::RetentionRuns,
        Rule::MessageBodies,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::SignInAttempts => "sign_in_attempts",
            Rule::SimulatorRequests => "simulator_requests",
            Rule::RateLimits => "rate_limits",
            Rule::Sessions => "sessions",
            Rule::FormDrafts => "form_drafts",
            Rule::ImportRows => "import_rows",
            Rule::AbandonedImports => "abandoned_imports",
            Rule::AuditEvents => "audit_events",
            Rule::RetentionRuns => "retention_runs",
            Rule::MessageBodies => "message_bodies",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Rule::ALL.into_iter().find(|r| r.as_str() == value)
    }

    /// The table the rule deletes from.
    pub fn table(self) -> &'static str {
        match self {
            Rule::SignInAttempts => "nafath_requests",
            Rule::SimulatorRequests => "nafath_sim_requests",
            Rule::RateLimits => "sign_in_counters",
            Rule::Sessions => "sessions",
            Rule::FormDrafts => "form_drafts",
            Rule::ImportRows => "import_rows",
            Rule::AbandonedImports => "import_batches",
            Rule::AuditEvents => "audit_events",
            Rule::RetentionRuns => "retention_runs",
            Rule::MessageBodies => "message_outbox",
        }
    }
}

/// How long each kind of row is kept (docs/PRIVACY.md gives the reasons).
/// Times in seconds; built from the server's settings for the sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    pub sign_in_attempts_secs: i64,
    pub simulator_requests_secs: i64,
    pub rate_limits_secs: i64,
    pub session_idle_secs: i64,
    pub session_absolute_secs: i64,
    pub form_drafts_secs: i64,
    pub import_rows_secs: i64,
    pub abandoned_imports_secs: i64,
    pub audit_events_secs: i64,
    pub retention_runs_secs: i64,
}

impl RetentionPolicy {
    /// Sign-in attempts: 30 days, long enough to look into a complaint or
    /// an attack on someone's account, short enough not to become a
    /// history of who signed in when (the audit trail keeps sign-ins).
    pub const SIGN_IN_ATTEMPT_DAYS: i64 = 30;
    /// Rate-limit counters: a day after their window (ten minutes) and any
    /// block are over; they hold a national ID and an address.
    pub const RATE_LIMIT_DAYS: i64 = 1;
    /// Import rows (each a line of an association's file, with IDs and
    /// phones): 30 days after the commit finished, time to read the result
    /// file; the batch's counts stay.
    pub const IMPORT_ROW_DAYS: i64 = 30;
    /// Audit rows: five years. The PDPL (art. 31) asks the controller to
    /// keep its records of processing for as long as the processing lasts
    /// and five years after; the audit trail is that record for every read
    /// and change. Five years after the event is the shortest period that
    /// honours it for the events themselves; longer needs a reason we do
    /// not have. To be confirmed by the council's legal adviser.
    pub const AUDIT_YEARS: i64 = 5;
    /// The job's own reports: a year, enough to show it ran.
    pub const RETENTION_RUN_DAYS: i64 = 365;

    /// The policy for sessions that time out after `idle` / `absolute`
    /// seconds (the server's settings).
    pub fn new(session_idle_secs: i64, session_absolute_secs: i64) -> Self {
        Self {
            sign_in_attempts_secs: Self::SIGN_IN_ATTEMPT_DAYS * DAY,
            simulator_requests_secs: DAY,
            rate_limits_secs: Self::RATE_LIMIT_DAYS * DAY,
            session_idle_secs,
            session_absolute_secs,
            // The form_drafts module reads a draft back for an hour.
            form_drafts_secs: 3600,
            import_rows_secs: Self::IMPORT_ROW_DAYS * DAY,
            abandoned_imports_secs: Self::IMPORT_ROW_DAYS * DAY,
            // 365 days a year and one for each leap year in five.
            audit_events_secs: (Self::AUDIT_YEARS * 365 + 2) * DAY,
            retention_runs_secs: Self::RETENTION_RUN_DAYS * DAY,
        }
    }

    /// How long a rule's rows are kept, in seconds (for sessions, the
    /// absolute timeout; the idle one ends most sooner).
    pub fn kept_secs(&self, rule: Rule) -> i64 {
        match rule {
            Rule::SignInAttempts => self.sign_in_attempts_secs,
            Rule::SimulatorRequests => self.simulator_requests_secs,
            Rule::RateLimits => self.rate_limits_secs,
            Rule::Sessions => self.session_absolute_secs,
            Rule::FormDrafts => self.form_drafts_secs,
            Rule::ImportRows => self.import_rows_secs,
            Rule::AbandonedImports => self.abandoned_imports_secs,
            Rule::AuditEvents => self.audit_events_secs,
            Rule::RetentionRuns => self.retention_runs_secs,
            Rule::MessageBodies => crate::messaging::BODY_RETENTION_SECS,
        }
    }

    /// The time before which a rule's rows are deleted by a run at `now`.
    pub fn cutoff(&self, rule: Rule, now: i64) -> i64 {
        now - self.kept_secs(rule)
    }
}

/// How a run was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartedBy {
    Schedule,
    CommandLine,
    Officer,
}

impl StartedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            StartedBy::Schedule => "schedule",
            StartedBy::CommandLine => "command_line",
            StartedBy::Officer => "officer",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            StartedBy::Schedule,
            StartedBy::CommandLine,
            StartedBy::Officer,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// One run of the retention job, as the officer's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRun {
    pub id: i64,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub started_by: StartedBy,
    /// `running`, `done` or `failed`.
    pub outcome: String,
    /// Rows deleted per rule (rules that deleted nothing included).
    pub deleted: Vec<(Rule, i64)>,
}

/// The retention page: the table in force and the recent runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPage {
    pub policy: RetentionPolicy,
    pub runs: Vec<RetentionRun>,
}

// ---------------------------------------------------------------- breaches

/// Where a breach stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachStatus {
    /// Recorded; the authority not told yet.
    Open,
    AuthorityNotified,
    /// The authority and the families affected are told.
    FamiliesNotified,
}

/// A breach in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachSummary {
    pub id: i64,
    pub summary: String,
    pub discovered_at: i64,
    pub recorded_at: i64,
    pub authority_notified_at: Option<i64>,
    pub families_notified_at: Option<i64>,
    pub households: i64,
}

impl BreachSummary {
    /// When the authority must have been told.
    pub fn deadline(&self) -> i64 {
        self.discovered_at + NOTIFY_WITHIN_SECS
    }

    pub fn status(&self) -> BreachStatus {
        match (self.authority_notified_at, self.families_notified_at) {
            (_, Some(_)) => BreachStatus::FamiliesNotified,
            (Some(_), None) => BreachStatus::AuthorityNotified,
            (None, None) => BreachStatus::Open,
        }
    }

    /// The deadline passed at `now` without the authority being told.
    pub fn overdue(&self, now: i64) -> bool {
        self.authority_notified_at.is_none() && now > self.deadline()
    }

    /// The authority was told, but after the deadline.
    pub fn notified_late(&self) -> bool {
        self.authority_notified_at
            .is_some_and(|at| at > self.deadline())
    }
}

/// A household a breach touched, as the officer sees it to notify the family.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedFamily {
    pub household_id: i64,
    pub head_name: String,
    pub masked_national_id: String,
    /// `05XXXXXXXX`, to call or message the family.
    pub phone: Option<String>,
}

/// The register: every breach, newest discovered first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachList {
    pub breaches: Vec<BreachSummary>,
    pub now: i64,
}

/// One breach with the families to notify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachPage {
    pub breach: BreachSummary,
    pub families: Vec<AffectedFamily>,
    pub now: i64,
}

/// A household named in the officer's list: by a national ID (of its head
/// or a member) or by its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HouseholdRef {
    NationalId(NationalId),
    Household(i64),
}

/// Reads the officer's list of households: national IDs or household
/// numbers, separated by spaces, commas (Latin or Arabic) or lines,
/// Eastern digits accepted. A ten-digit number is a national ID (and must
/// pass its check); a shorter one a household number.
pub fn parse_household_refs(input: &str) -> Result<Vec<HouseholdRef>, ErrorKey> {
    let folded = fold_digits(input);
    let mut refs = Vec::new();
    for token in folded
        .split(|c: char| c.is_whitespace() || c == ',' || c == '،' || c == ';' || c == '؛')
        .filter(|t| !t.is_empty())
    {
        let token = token.trim_start_matches('#');
        let reference = if token.len() == 10 {
            HouseholdRef::NationalId(NationalId::parse(token).map_err(ErrorKey::from)?)
        } else {
            match token.parse::<i64>() {
                Ok(id) if id > 0 && token.len() < 10 => HouseholdRef::Household(id),
                _ => return Err(ErrorKey::BreachHouseholdUnknown),
            }
        };
        if !refs.contains(&reference) {
            refs.push(reference);
        }
    }
    if refs.is_empty() {
        return Err(ErrorKey::BreachHouseholdsRequired);
    }
    Ok(refs)
}

/// A moment typed as a Saudi date (`YYYY-MM-DD`) and time of day (`HH:MM`,
/// empty: midnight), as Unix seconds.
pub fn parse_saudi_moment(date: &str, time: &str) -> Option<i64> {
    let day = crate::time::day_start(date)?;
    let time = time.trim();
    let offset = if time.is_empty() {
        0
    } else {
        crate::time::parse_time_of_day(time)?
    };
    Some(day + offset)
}

// ---------------------------------------------------------------- notice

/// A published version of the privacy notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyNotice {
    pub version: String,
    pub body_ar: String,
    pub body_en: String,
    pub controller_ar: String,
    pub controller_en: String,
    pub contact: String,
    pub published_at: i64,
}

/// The notice page: the current notice and, for a signed-in family, whether
/// it must accept it and what it accepted last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticePage {
    pub notice: PrivacyNotice,
    pub must_accept: bool,
    /// The version and time of the household's last acceptance.
    pub accepted: Option<(String, i64)>,
}

/// A new version as the officer writes it, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeInput {
    pub version: String,
    pub body_ar: String,
    pub body_en: String,
    pub controller_ar: String,
    pub controller_en: String,
    pub contact: String,
}

/// Trims every field and refuses an empty one; a version is at most 20
/// letters, digits, dots or dashes (it is written in URLs and records).
pub fn validate_notice(input: NoticeInput) -> Result<NoticeInput, (&'static str, ErrorKey)> {
    let trim = |s: String, max: usize| s.trim().chars().take(max).collect::<String>();
    let notice = NoticeInput {
        version: trim(fold_digits(&input.version), 20),
        body_ar: trim(input.body_ar, 20_000),
        body_en: trim(input.body_en, 20_000),
        controller_ar: trim(input.controller_ar, 200),
        controller_en: trim(input.controller_en, 200),
        contact: trim(input.contact, 200),
    };
    let fields = [
        ("version", &notice.version),
        ("body_ar", &notice.body_ar),
        ("body_en", &notice.body_en),
        ("controller_ar", &notice.controller_ar),
        ("controller_en", &notice.controller_en),
        ("contact", &notice.contact),
    ];
    if let Some((field, _)) = fields.iter().find(|(_, v)| v.is_empty()) {
        return Err((field, ErrorKey::NoticeFieldsRequired));
    }
    if !notice
        .version
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    {
        return Err(("version", ErrorKey::NoticeFieldsRequired));
    }
    Ok(notice)
}

/// Where to go after accepting: a path of this site only (never another
/// site, `//host` included); anything else goes to the account page.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.contains("://") =>
        {
            path.to_string()
        }
        _ => crate::paths::AFTER_SIGN_IN.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breach(discovered_at: i64, authority: Option<i64>, families: Option<i64>) -> BreachSummary {
        BreachSummary {
            id: 1,
            summary: "x".into(),
            discovered_at,
            recorded_at: discovered_at,
            authority_notified_at: authority,
            families_notified_at: families,
            households: 0,
        }
    }

    #[test]
    fn the_deadline_is_72_hours_after_discovery() {
        let b = breach(1000, None, None);
        assert_eq!(b.deadline(), 1000 + 72 * 3600);
        assert!(!b.overdue(b.deadline()));
        assert!(b.overdue(b.deadline() + 1));
        assert_eq!(b.status(), BreachStatus::Open);
        let told = breach(1000, Some(b.deadline() + 5), None);
        assert!(!told.overdue(i64::MAX), "told, even late, is not overdue");
        assert!(told.notified_late());
        assert_eq!(told.status(), BreachStatus::AuthorityNotified);
        let all = breach(1000, Some(2000), Some(3000));
        assert_eq!(all.status(), BreachStatus::FamiliesNotified);
        assert!(!all.notified_late());
    }

    #[test]
    fn a_list_of_households_mixes_ids_and_numbers() {
        let refs = parse_household_refs("١٠٠٠٠٠٠٠٦٥، 12\n#7 12 1000000065").unwrap();
        assert_eq!(refs.len(), 3);
        assert!(matches!(&refs[0], HouseholdRef::NationalId(id) if id.as_str() == "1000000065"));
        assert_eq!(refs[1], HouseholdRef::Household(12));
        assert_eq!(refs[2], HouseholdRef::Household(7));
        assert_eq!(
            parse_household_refs("1000000066"),
            Err(ErrorKey::NationalIdCheckDigit)
        );
        assert_eq!(
            parse_household_refs("abc"),
            Err(ErrorKey::BreachHouseholdUnknown)
        );
        assert_eq!(
            parse_household_refs("  ,، "),
            Err(ErrorKey::BreachHouseholdsRequired)
        );
        assert_eq!(
            parse_household_refs("0"),
            Err(ErrorKey::BreachHouseholdUnknown)
        );
    }

    #[test]
    fn a_moment_is_read_in_saudi_time() {
        let day = crate::time::day_start("2026-12-01").unwrap();
        assert_eq!(
            parse_saudi_moment("2026-12-01", "٠٨:٣٠"),
            Some(day + 8 * 3600 + 1800)
        );
        assert_eq!(parse_saudi_moment("2026-12-01", ""), Some(day));
        assert_eq!(parse_saudi_moment("2026-13-01", "08:00"), None);
        assert_eq!(parse_saudi_moment("2026-12-01", "25:00"), None);
    }

    #[test]
    fn the_policy_keeps_each_rule_its_period() {
        let p = RetentionPolicy::new(3600, 12 * 3600);
        let now = 10_000_000_000;
        assert_eq!(p.cutoff(Rule::SignInAttempts, now), now - 30 * DAY);
        assert_eq!(p.cutoff(Rule::Sessions, now), now - 12 * 3600);
        assert_eq!(p.cutoff(Rule::AuditEvents, now), now - 1827 * DAY);
        for rule in Rule::ALL {
            assert_eq!(Rule::parse(rule.as_str()), Some(rule));
            assert!(p.kept_secs(rule) > 0);
        }
    }

    #[test]
    fn a_notice_needs_every_field_and_a_plain_version() {
        let full = NoticeInput {
            version: " ٢٠٢٧-01 ".into(),
            body_ar: "نص".into(),
            body_en: "text".into(),
            controller_ar: "المجلس".into(),
            controller_en: "The council".into(),
            contact: "dpo@example.org".into(),
        };
        assert_eq!(validate_notice(full.clone()).unwrap().version, "2027-01");
        let mut bad = full.clone();
        bad.contact = "  ".into();
        assert_eq!(
            validate_notice(bad),
            Err(("contact", ErrorKey::NoticeFieldsRequired))
        );
        let mut bad = full;
        bad.version = "v 1/2".into();
        assert!(validate_notice(bad).is_err());
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/applications?x=1")), "/applications?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/account");
        assert_eq!(safe_next(Some("https://evil.example")), "/account");
        assert_eq!(safe_next(Some("/\\evil")), "/account");
        assert_eq!(safe_next(None), "/account");
    }
}
