//! The named interface the privacy domain uses (listed in `tests/floors.rs`):
//! what financing holds about one household — its files, loans and the
//! documents uploaded to them — for its "My data" page and download, and
//! what an approved deletion removes here. The loans themselves stay (a
//! loan and its repayments are the bank's and the association's accounts,
//! kept under their legal duty; the household they point to is anonymised),
//! but the applicant's birth date and income and every uploaded document
//! (rows and stored files) go. The SQL is in `db/subject.rs`.

use serde::{Deserialize, Serialize};

use super::documents::DocumentFormat;
use super::{DocumentKind, Halalas, LoanStatus, Referral};

pub use super::labels::{DocumentText, LoanStatusBadge, ReferralText};

/// One financing file as its household sees it on "My data".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectFinancing {
    pub file_id: i64,
    pub association_name_ar: String,
    pub association_name_en: String,
    /// The activity's craft code.
    pub activity: String,
    pub requested: Halalas,
    pub months: i64,
    /// The birth date and income staff typed for the eligibility check.
    pub applicant_birth_date: String,
    pub monthly_income: Halalas,
    pub referral: Option<Referral>,
    pub opened_at: i64,
    pub loan: Option<SubjectLoan>,
    pub documents: Vec<SubjectDocument>,
}

/// The file's loan, where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectLoan {
    pub reference: String,
    pub status: LoanStatus,
    pub principal: Halalas,
    pub outstanding: Halalas,
}

/// An uploaded document held on the file (its content is not in the copy:
/// the family has it; the page says it is held and since when).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectDocument {
    pub kind: DocumentKind,
    pub format: DocumentFormat,
    pub size: i64,
    pub uploaded_at: i64,
}

#[cfg(feature = "ssr")]
pub use super::db::subject::{erase, financing_of};
