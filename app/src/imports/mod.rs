//! Imports (issue 15 §3): an association brings the households it already
//! serves and their past benefits from a CSV or XLSX file. Upload → a dry run
//! over every row, stored (what each row would do, and why not) → unknown
//! district names mapped once → commit in the background, in transactions
//! of [`COMMIT_CHUNK`] rows, with progress → a result file. One file (by the
//! SHA-256 of its bytes) is committed once per association: a unique index
//! decides, not a check.
//!
//! Imported households are not verified, like walk-ins, until their head
//! signs in with Nafath; the ones an import created count as served by the
//! importing association (`imported_households`, part of the
//! `household_associations` view); matched ones do not (a file naming an ID
//! proves nothing), unless a benefit of that association is imported for
//! them. Possible duplicates go to the council's duplicate review.
//!
//! `rules.rs`: columns and the pure row checks; `file.rs` (ssr): reading
//! CSV/XLSX and writing templates; `check.rs` (ssr): the dry run; `job.rs`
//! (ssr): the commit; `db.rs` (ssr): SQL; `http.rs` (ssr): upload and
//! downloads; `api.rs`: server functions; `pages.rs`: pages.

pub use crate::paths::{IMPORT_RESULTS, IMPORT_TEMPLATES, IMPORT_UPLOAD, IMPORTS_PAGE};
pub mod api;
#[cfg(feature = "ssr")]
pub mod check;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod file;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod job;
pub mod pages;
pub mod places;
pub mod rules;

use serde::{Deserialize, Serialize};

/// The largest file accepted (10 000 rows of households are about 1.5 MB as CSV).
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;
/// The most rows a file may have.
pub const MAX_ROWS: usize = 20_000;
/// Rows committed per transaction: large enough to be fast, small enough
/// that other writers wait only briefly for SQLite's write lock.
pub const COMMIT_CHUNK: usize = 500;
/// A commit whose job showed no sign of life for this long may be resumed
/// (its server stopped); the job beats after every chunk.
pub const STALLED_AFTER_SECS: i64 = 120;
/// Rows per page of a batch's row list.
pub const ROWS_PAGE_SIZE: i64 = 100;

/// The address of a batch's page.
pub fn batch_url(batch_id: i64) -> String {
    format!("{IMPORTS_PAGE}/{batch_id}")
}

/// The address of a batch's result file.
pub fn result_url(batch_id: i64) -> String {
    format!("{IMPORT_RESULTS}/{batch_id}")
}

/// The address of a template.
pub fn template_url(kind: ImportKind, format: &str) -> String {
    format!("{IMPORT_TEMPLATES}/{}.{format}", kind.as_str())
}

/// What a file brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ImportKind {
    Households,
    Benefits,
}

impl ImportKind {
    pub const ALL: [ImportKind; 2] = [ImportKind::Households, ImportKind::Benefits];

    /// The stored value (`import_batches.kind`), also in addresses.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Households => "households",
            ImportKind::Benefits => "benefits",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// Where a batch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BatchStatus {
    /// Checked; nothing written yet.
    DryRun,
    /// The background job is writing it.
    Committing,
    /// Every row has its result.
    Committed,
}

impl BatchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::DryRun => "dry_run",
            BatchStatus::Committing => "committing",
            BatchStatus::Committed => "committed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::DryRun, Self::Committing, Self::Committed]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// What the dry run says a row would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Outcome {
    /// A new household or benefit.
    Create,
    /// Already there (the household by its head's ID, the benefit by
    /// household, type and day): nothing new.
    Match,
    /// Not imported, for the row's reasons.
    Refuse,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Create => "create",
            Outcome::Match => "match",
            Outcome::Refuse => "refuse",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Create, Self::Match, Self::Refuse]
            .into_iter()
            .find(|o| o.as_str() == value)
    }
}

/// What the commit did with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowResult {
    Created,
    Matched,
    Refused,
}

impl RowResult {
    pub fn as_str(self) -> &'static str {
        match self {
            RowResult::Created => "created",
            RowResult::Matched => "matched",
            RowResult::Refused => "refused",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Created, Self::Matched, Self::Refused]
            .into_iter()
            .find(|r| r.as_str() == value)
    }
}

macro_rules! reasons {
    ($($variant:ident => $code:literal,)*) => {
        /// Why a row is refused, or (the last few) what a matched or flagged
        /// row found. Stored by code; each has a message in both languages
        /// (`imports.reason.<code>`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Reason { $($variant,)* }

        impl Reason {
            pub const ALL: &'static [Reason] = &[$(Reason::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Reason::$variant => $code,)* }
            }

            pub fn parse(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|r| r.as_str() == value)
            }
        }
    };
}

reasons! {
    NationalIdMissing => "national_id_missing",
    NationalIdLength => "national_id_length",
    NationalIdDigits => "national_id_digits",
    NationalIdPrefix => "national_id_prefix",
    NationalIdCheckDigit => "national_id_check_digit",
    NameMissing => "name_missing",
    PhoneNotSaudi => "phone_not_saudi",
    DistrictMissing => "district_missing",
    DistrictUnknown => "district_unknown",
    DependantsInvalid => "dependants_invalid",
    IncomeBracketInvalid => "income_bracket_invalid",
    CraftUnknown => "craft_unknown",
    RepeatedInFile => "repeated_in_file",
    MemberOfOtherHousehold => "member_of_other_household",
    HouseholdUnknown => "household_unknown",
    AssistanceTypeUnknown => "assistance_type_unknown",
    DateInvalid => "date_invalid",
    DateInFuture => "date_in_future",
    ValueInvalid => "value_invalid",
    HouseholdExists => "household_exists",
    BenefitRecorded => "benefit_recorded",
    PossibleDuplicate => "possible_duplicate",
}

/// Codes as stored: comma-separated.
pub fn join_reasons(reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Stored codes back; an unknown code is left out (a newer server's).
pub fn split_reasons(stored: &str) -> Vec<Reason> {
    stored.split(',').filter_map(Reason::parse).collect()
}

/// One import, as the list and the batch page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchSummary {
    pub id: i64,
    pub association_id: i64,
    pub kind: ImportKind,
    pub file_name: String,
    pub status: BatchStatus,
    pub uploaded_by: String,
    pub uploaded_at: i64,
    pub committed_by: Option<String>,
    pub committed_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub rows_total: i64,
    pub rows_done: i64,
    pub would_create: i64,
    pub would_match: i64,
    pub would_review: i64,
    pub would_refuse: i64,
    pub created: i64,
    pub matched: i64,
    pub sent_to_review: i64,
    pub refused: i64,
    /// Committing, but the job has not beaten for [`STALLED_AFTER_SECS`].
    pub stalled: bool,
}

/// One row of a batch, as its page lists it (the association's own file:
/// the head's ID is shown masked all the same).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowView {
    pub line_no: i64,
    /// The household the row made or matched, for the audit of the read
    /// only ("who read my record"): never sent.
    #[serde(skip)]
    pub household_id: Option<i64>,
    pub head_id_masked: String,
    /// The name (households) or the assistance type (benefits) as written.
    pub label: String,
    pub outcome: Outcome,
    pub duplicate: bool,
    pub reasons: Vec<Reason>,
    pub result: Option<RowResult>,
}

/// A place a file names that no district answers, to be mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownPlace {
    /// `rules::place_pair_key` of city and district.
    pub key: String,
    pub city: String,
    pub district: String,
    pub rows: i64,
}

/// A district to map an unknown name to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictChoice {
    pub id: i64,
    pub city_ar: String,
    pub city_en: String,
    pub name_ar: String,
    pub name_en: String,
}

/// Which rows the batch page lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowFilter {
    /// Refused and flagged rows: what needs the admin's eyes.
    Attention,
    All,
}

/// The batch page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchPage {
    pub batch: BatchSummary,
    pub filter: RowFilter,
    pub page: i64,
    pub rows: Vec<RowView>,
    pub rows_in_filter: i64,
    pub unknown_places: Vec<UnknownPlace>,
    /// Filled while unknown places wait to be mapped.
    pub districts: Vec<DistrictChoice>,
}

/// An association the caller may import for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssociationChoice {
    pub id: i64,
    pub name_ar: String,
    pub name_en: String,
}

/// The imports page: the association acted for, the others the caller may
/// choose, and its imports, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportsOverview {
    pub association_id: Option<i64>,
    pub associations: Vec<AssociationChoice>,
    /// One page of the chosen association's imports, newest first.
    pub batches: Vec<BatchSummary>,
    /// Imports in all, and where this page stands among them.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// Imports shown per page of the association's import history.
pub const BATCHES_PER_PAGE: i64 = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_round_trip() {
        for r in Reason::ALL {
            assert_eq!(Reason::parse(r.as_str()), Some(*r));
        }
        for k in ImportKind::ALL {
            assert_eq!(ImportKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            split_reasons(&join_reasons(&[
                Reason::DistrictUnknown,
                Reason::NameMissing
            ])),
            vec![Reason::DistrictUnknown, Reason::NameMissing]
        );
        assert_eq!(split_reasons(""), vec![]);
    }
}
