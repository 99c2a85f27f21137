//! Financing for productive families (issue 19): the rules of a loan, as
//! pure functions over halalas and Saudi days — the schedule, the allocation
//! of repayments, arrears, delinquency ranges, portfolio at risk, guarantee
//! exposure and the bank's eligibility rules — and on them the files opened
//! from approved financing lines, loans, repayments, guarantees, the
//! exposure and portfolio figures (`portfolio`), the pages and the due-date
//! reminders. `docs/FINANCING.md` is the domain as staff read it.
//!
//! The Social Development Bank's figures (amounts, terms, ages, income) are
//! configuration ([`EligibilityRules`], council-editable and dated once
//! stored), never constants in the rules. Loans are interest-free: the
//! outstanding balance is the principal not yet repaid.

// Amounts in halalas are written `riyals_hh` (20_000_00 is 20 000 riyals).
#![allow(clippy::inconsistent_digit_grouping)]

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod documents;
#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
mod http_documents;
mod labels;
mod model;
pub mod pages;
mod pages_council;
mod pages_file;
mod pages_statements;
pub mod portfolio;
#[cfg(feature = "ssr")]
pub mod reminders;
mod rules;
pub mod statement;
pub mod subject;

pub use model::*;
pub use pages::{FinancingExposurePage, FinancingPage};
pub use pages_council::{CouncilFinancingPage, MyLoansPage};
pub use pages_file::FinancingFilePage;
pub use pages_statements::{FinancingStatementPage, FinancingStatementsPage};
pub use rules::*;

use serde::{Deserialize, Serialize};

use crate::time::SaudiDate;

/// An amount of money in halalas (1 riyal = 100 halalas).
pub type Halalas = i64;

/// One instalment of a loan's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instalment {
    /// 1 for the first.
    pub number: u32,
    pub due: SaudiDate,
    pub amount: Halalas,
}

/// A repayment received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repayment {
    pub paid_on: SaudiDate,
    pub amount: Halalas,
}

/// An instalment with what has been allocated to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstalmentState {
    pub instalment: Instalment,
    pub paid: Halalas,
    /// The day the instalment was paid in full.
    pub settled_on: Option<SaudiDate>,
}

impl InstalmentState {
    /// What is still owed on this instalment.
    pub fn owed(&self) -> Halalas {
        self.instalment.amount - self.paid
    }
}

/// The schedule after every repayment has been allocated, oldest instalment
/// first, and what was paid beyond the whole loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub instalments: Vec<InstalmentState>,
    /// Paid beyond the principal (to be refunded or held).
    pub credit: Halalas,
}

impl Allocation {
    /// The principal not yet repaid.
    pub fn outstanding(&self) -> Halalas {
        self.instalments.iter().map(InstalmentState::owed).sum()
    }

    /// What has been repaid towards the principal.
    pub fn repaid(&self) -> Halalas {
        self.instalments.iter().map(|s| s.paid).sum()
    }
}

/// Why a schedule cannot be drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleRefusal {
    /// The principal must be above zero.
    Principal,
    /// Between 1 and 120 monthly instalments.
    Term,
    /// A due date past the calendar's range.
    Date,
}

/// Who stands guarantor for a loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Guarantor {
    /// The association that referred the family.
    Association,
    /// A person.
    Person,
    /// Another entity.
    OtherEntity,
}

/// The kind of kafala: a guarantee of payment (كفالة غرم وأداء) lets the
/// creditor claim from the guarantor; a guarantee of appearance (كفالة
/// حضورية) creates no money debt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KafalaKind {
    Payment,
    Appearance,
}

/// A guarantee on one loan: the share of the outstanding balance it covers
/// (in basis points, 10 000 = all of it), capped by an amount when one was
/// agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guarantee {
    pub guarantor: Guarantor,
    pub kind: KafalaKind,
    /// 0–10 000.
    pub share_basis_points: i64,
    pub cap: Option<Halalas>,
}

/// The bank's eligibility rules as configured (issue 19: "configuration,
/// never constants"); [`EligibilityRules::sdb_2026`] is the published
/// programme the council starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityRules {
    pub min_age: i64,
    pub max_age: i64,
    pub max_monthly_income: Halalas,
    pub min_amount: Halalas,
    pub max_amount: Halalas,
    pub max_months: i64,
    /// A productive-family certificate, valid on the day of the check.
    pub certificate_required: bool,
    /// No commercial registration.
    pub no_commercial_registration: bool,
    /// A further loan only once more than this share (basis points) of the
    /// previous one is repaid (settings saved before it existed: half).
    #[serde(default = "half")]
    pub further_loan_repaid_bp: i64,
}

fn half() -> i64 {
    5_000
}

impl EligibilityRules {
    /// The Social Development Bank's productive-families programme as it
    /// publishes it: 5 000–50 000 riyals over up to 36 months, ages 18–65,
    /// monthly income up to 10 000 riyals, a productive-family certificate,
    /// no commercial registration, a further loan once more than half of
    /// the previous one is repaid.
    pub fn sdb_2026() -> Self {
        Self {
            min_age: 18,
            max_age: 65,
            max_monthly_income: 10_000_00,
            min_amount: 5_000_00,
            max_amount: 50_000_00,
            max_months: 36,
            certificate_required: true,
            no_commercial_registration: true,
            further_loan_repaid_bp: half(),
        }
    }
}

/// What an eligibility check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applicant {
    pub age: i64,
    pub monthly_income: Halalas,
    pub has_commercial_registration: bool,
    pub certificate_expires: Option<SaudiDate>,
    pub amount: Halalas,
    pub months: i64,
    /// The household's previous loan least repaid, if it has one: its
    /// principal and what the family has repaid of it.
    pub previous_loan: Option<(Halalas, Halalas)>,
}

/// One rule of the check, for its result in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EligibilityRule {
    Age,
    Income,
    Amount,
    Term,
    Certificate,
    CommercialRegistration,
    /// More than the set share of the previous loan is repaid.
    FurtherLoan,
}

#[cfg(test)]
mod tests;
