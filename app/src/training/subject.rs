//! The named interface the privacy domain uses (listed in `tests/floors.rs`):
//! one person's courses, enrollments and certificates for the "My data" page
//! and download. The SQL is in `db/subject.rs`.

use serde::{Deserialize, Serialize};

/// An enrollment as its holder sees it on "My data".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectEnrollment {
    pub course_title_ar: String,
    pub course_title_en: String,
    /// Its stored status: enrolled, waitlisted, cancelled, completed, not_completed.
    pub status: String,
    pub enrolled_at: i64,
    pub certificate_code: Option<String>,
    pub completed_at: Option<i64>,
    /// Sessions marked present, of the sessions marked.
    pub present: i64,
    pub marked: i64,
}

#[cfg(feature = "ssr")]
pub use super::db::subject::{enrollments_of, provider_of_course};
