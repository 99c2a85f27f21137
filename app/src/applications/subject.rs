//! The named interface the privacy domain uses (listed in `tests/floors.rs`):
//! what this domain holds about one household, for its "My data" page and
//! download, and what a deletion or a withdrawn consent changes here
//! (open lines stop; the lines and benefits stay, their free text blanked,
//! so the counts in coverage and reports stay right). The SQL is in
//! `db/subject.rs`.

use serde::{Deserialize, Serialize};

pub use super::{LineEvent, LineState, LineSummary};

/// One benefit as its household sees it, with the association that recorded
/// it (the one a dispute goes to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectBenefit {
    pub id: i64,
    pub association_id: i64,
    pub association_name_ar: String,
    pub association_name_en: String,
    pub type_name_ar: String,
    pub type_name_en: String,
    pub given_on: String,
    pub value_halalas: Option<i64>,
}

/// One application line with its full history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectLine {
    pub line: LineSummary,
    pub events: Vec<LineEvent>,
}

#[cfg(feature = "ssr")]
pub use super::db::subject::{benefits_of, erase, lines_of, stop_open_lines};
