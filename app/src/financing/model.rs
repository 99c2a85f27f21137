//! What the financing pages show, and the council's settings: serde types
//! shared by the server functions and the pages.

use serde::{Deserialize, Serialize};

use super::{EligibilityRule, EligibilityRules, Guarantor, Halalas, KafalaKind};

/// The council's financing settings, stored dated (`financing_settings`):
/// the bank's eligibility figures, the delinquency ranges' upper bounds and
/// how many days before a due date families are reminded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub eligibility: EligibilityRules,
    /// Upper bounds of the delinquency ranges in days (30, 60, 90: 1–30,
    /// 31–60, 61–90, 90+).
    pub delinquency_bounds: Vec<i64>,
    pub reminder_days_before: i64,
}

impl Default for Settings {
    /// The bank's published programme, the usual ranges, three days.
    fn default() -> Self {
        Self {
            eligibility: EligibilityRules::sdb_2026(),
            delinquency_bounds: vec![30, 60, 90],
            reminder_days_before: 3,
        }
    }
}

impl Settings {
    /// Whether settings a council admin typed hold together.
    pub fn is_valid(&self) -> bool {
        let e = &self.eligibility;
        let bounds_rise = self.delinquency_bounds.windows(2).all(|w| w[0] < w[1]);
        e.min_age >= 0
            && e.min_age <= e.max_age
            && e.max_monthly_income >= 0
            && e.min_amount > 0
            && e.min_amount <= e.max_amount
            && (1..=120).contains(&e.max_months)
            && !self.delinquency_bounds.is_empty()
            && self.delinquency_bounds.len() <= 6
            && self.delinquency_bounds[0] > 0
            && bounds_rise
            && (0..=30).contains(&self.reminder_days_before)
            && (0..=10_000).contains(&e.further_loan_repaid_bp)
    }
}

/// Where a loan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoanStatus {
    Referred,
    Approved,
    Disbursed,
    Repaying,
    Settled,
    Rescheduled,
    WrittenOff,
}

impl LoanStatus {
    pub const ALL: [LoanStatus; 7] = [
        LoanStatus::Referred,
        LoanStatus::Approved,
        LoanStatus::Disbursed,
        LoanStatus::Repaying,
        LoanStatus::Settled,
        LoanStatus::Rescheduled,
        LoanStatus::WrittenOff,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            LoanStatus::Referred => "referred",
            LoanStatus::Approved => "approved",
            LoanStatus::Disbursed => "disbursed",
            LoanStatus::Repaying => "repaying",
            LoanStatus::Settled => "settled",
            LoanStatus::Rescheduled => "rescheduled",
            LoanStatus::WrittenOff => "written_off",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// Money is out and owed (repayments may be entered).
    pub fn is_running(self) -> bool {
        matches!(
            self,
            LoanStatus::Disbursed | LoanStatus::Repaying | LoanStatus::Rescheduled
        )
    }
}

/// Where a file is referred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Referral {
    /// The Social Development Bank.
    Sdb,
    /// The association's own SDB-funded portfolio.
    OwnPortfolio,
}

impl Referral {
    pub fn as_str(self) -> &'static str {
        match self {
            Referral::Sdb => "sdb",
            Referral::OwnPortfolio => "own_portfolio",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Referral::Sdb, Referral::OwnPortfolio]
            .into_iter()
            .find(|r| r.as_str() == value)
    }
}

/// A document of the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// The productive-family certificate (it expires).
    Certificate,
    NationalId,
    /// Proof of housing.
    Housing,
    /// Quotes for equipment.
    Quote,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 4] = [
        DocumentKind::Certificate,
        DocumentKind::NationalId,
        DocumentKind::Housing,
        DocumentKind::Quote,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Certificate => "certificate",
            DocumentKind::NationalId => "national_id",
            DocumentKind::Housing => "housing",
            DocumentKind::Quote => "quote",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// A guarantor kind as stored.
pub fn guarantor_str(g: Guarantor) -> &'static str {
    match g {
        Guarantor::Association => "association",
        Guarantor::Person => "person",
        Guarantor::OtherEntity => "other_entity",
    }
}

/// A stored guarantor kind.
pub fn parse_guarantor(value: &str) -> Option<Guarantor> {
    [
        Guarantor::Association,
        Guarantor::Person,
        Guarantor::OtherEntity,
    ]
    .into_iter()
    .find(|g| guarantor_str(*g) == value)
}

/// A kafala kind as stored.
pub fn kafala_str(k: KafalaKind) -> &'static str {
    match k {
        KafalaKind::Payment => "payment",
        KafalaKind::Appearance => "appearance",
    }
}

/// A stored kafala kind.
pub fn parse_kafala(value: &str) -> Option<KafalaKind> {
    [KafalaKind::Payment, KafalaKind::Appearance]
        .into_iter()
        .find(|k| kafala_str(*k) == value)
}

/// An approved financing line of the association with no file yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadyLine {
    pub line_id: i64,
    pub household_id: i64,
    pub head_name_ar: String,
    pub amount: Option<Halalas>,
    pub description: String,
}

/// A file on the association's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRow {
    pub file_id: i64,
    pub household_id: i64,
    pub head_name_ar: String,
    pub activity: String,
    pub requested: Halalas,
    pub loan: Option<LoanSummary>,
}

/// A loan in a list: where it stands today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanSummary {
    pub loan_id: i64,
    pub reference: String,
    pub status: LoanStatus,
    pub principal: Halalas,
    pub outstanding: Halalas,
    pub arrears_days: i64,
    /// 0 current, 1.. the delinquency range (see `bounds`).
    pub range: usize,
}

/// The association's financing list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinancingList {
    /// One page of the approved lines waiting for a file (`ready_page`), oldest first.
    pub ready: Vec<ReadyLine>,
    pub ready_total: i64,
    pub ready_page: i64,
    pub ready_pages: i64,
    /// One page of the association's files, newest first.
    pub files: Vec<FileRow>,
    pub bounds: Vec<i64>,
    /// Files in all, and where this page stands among them.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// Files (and lines waiting for one) shown per page of the association's
/// financing list.
pub const FILES_PER_PAGE: i64 = 30;

/// A document received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub kind: DocumentKind,
    pub received_on: String,
    pub expires_on: Option<String>,
}

/// A document's uploaded file (a PDF or a photo of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedDocument {
    pub id: i64,
    pub kind: DocumentKind,
    pub format: super::documents::DocumentFormat,
    pub size: i64,
    pub uploaded_at: i64,
}

/// One instalment as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalmentRow {
    pub number: i64,
    pub due_on: String,
    pub amount: Halalas,
    pub paid: Halalas,
    pub settled_on: Option<String>,
    /// Due before today and not fully paid.
    pub late: bool,
}

/// One repayment as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepaymentRow {
    pub paid_on: String,
    pub amount: Halalas,
    pub source: String,
}

/// One guarantee as shown, with what it stands to cost now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuaranteeRow {
    pub id: i64,
    pub guarantor: Guarantor,
    pub name: Option<String>,
    pub kind: KafalaKind,
    pub share_basis_points: i64,
    pub cap: Option<Halalas>,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub exposure: Halalas,
    /// Claimed from the guarantor so far.
    pub called: Halalas,
    /// Recovered from the family so far.
    pub recovered: Halalas,
}

impl GuaranteeRow {
    /// What the guarantor is out of pocket on this loan: called, less
    /// recovered (exact in halalas).
    pub fn position(&self) -> Halalas {
        self.called - self.recovered
    }
}

/// A loan with its schedule, repayments and guarantees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanDetail {
    pub summary: LoanSummary,
    pub months: i64,
    pub first_due_on: Option<String>,
    pub disbursed_on: Option<String>,
    pub repaid: Halalas,
    /// What is due today or earlier and not paid.
    pub due_now: Halalas,
    pub next_due: Option<InstalmentRow>,
    pub bounds: Vec<i64>,
    pub instalments: Vec<InstalmentRow>,
    /// The schedule's number (above 1: rescheduled; the earlier ones are kept).
    pub schedule_no: i64,
    pub repayments: Vec<RepaymentRow>,
    pub guarantees: Vec<GuaranteeRow>,
    pub association_name_ar: String,
    pub association_name_en: String,
    /// The write-off: day, reason, and what was outstanding then.
    pub written_off_on: Option<String>,
    pub written_off_reason: Option<String>,
    pub written_off: Halalas,
}

/// A financing file as its association's staff (or the council) see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDetail {
    pub file_id: i64,
    pub line_id: i64,
    pub household_id: i64,
    pub head_name_ar: String,
    pub activity: String,
    pub requested: Halalas,
    pub months: i64,
    pub applicant_birth_date: String,
    pub monthly_income: Halalas,
    pub commercial_registration: bool,
    pub documents: Vec<Document>,
    /// The documents' uploaded files.
    pub uploads: Vec<UploadedDocument>,
    pub eligibility: Option<Vec<(EligibilityRule, bool)>>,
    pub eligible: Option<bool>,
    pub referral: Option<Referral>,
    pub loan: Option<LoanDetail>,
    pub settings: Settings,
    /// The association's exposure now and its limit, for the warning
    /// before an approval.
    pub exposure: Halalas,
    pub limit: Option<Halalas>,
    pub today: String,
    /// The caller acts for the file's association (the council only reads).
    pub may_act: bool,
}

/// A loan among the largest exposures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExposureLoan {
    pub file_id: i64,
    pub reference: String,
    pub head_name_ar: String,
    pub outstanding: Halalas,
    pub exposure: Halalas,
    pub arrears_days: i64,
}

/// Portfolio figures (rates in basis points).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Figures {
    pub loans: i64,
    pub outstanding: Halalas,
    pub disbursed_this_month: Halalas,
    pub par30_bp: i64,
    pub par90_bp: i64,
    /// Paid of what fell due to date.
    pub collection_bp: i64,
    pub exposure: Halalas,
    pub exposure_in_arrears: Halalas,
    /// What lenders wrote off (those loans are out of the other figures).
    #[serde(default)]
    pub written_off: Halalas,
}

/// Loans of one activity or one district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    /// The craft code, or the district's Arabic name.
    pub key: String,
    pub name_en: String,
    pub loans: i64,
    pub outstanding: Halalas,
}

/// An association's financing exposure and figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExposureView {
    pub association_id: i64,
    pub name_ar: String,
    pub name_en: String,
    pub figures: Figures,
    pub limit: Option<Halalas>,
    pub limit_from: Option<String>,
    /// The ten largest exposures.
    pub largest: Vec<ExposureLoan>,
    /// Disbursed loans by activity and by district.
    pub by_activity: Vec<Breakdown>,
    pub by_district: Vec<Breakdown>,
    pub today: String,
}

/// The council's view across associations, and its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilFinancing {
    pub associations: Vec<ExposureView>,
    pub totals: Figures,
    pub settings: Settings,
    pub settings_from: Option<String>,
    pub today: String,
}

/// The family's loans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyLoans {
    pub loans: Vec<LoanDetail>,
    pub today: String,
}

/// A statement on the association's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementSummary {
    pub id: i64,
    pub source: String,
    pub file_name: String,
    /// `dry_run` or `applied`.
    pub status: String,
    pub uploaded_at: i64,
}

/// One row of a statement as the dry run (and the apply) saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementRowView {
    pub line_no: i64,
    pub reference: String,
    /// Masked, like every list.
    pub national_id: String,
    pub paid_on: String,
    pub amount: Halalas,
    pub outcome: super::statement::RowOutcome,
    pub problem: Option<super::statement::RowProblem>,
    /// After the apply: `paid`, `skipped` or `refused`.
    pub result: Option<String>,
}

/// A statement with its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementView {
    pub summary: StatementSummary,
    pub rows: Vec<StatementRowView>,
    /// Rows the dry run would pay, skip and refuse.
    pub to_pay: i64,
    pub to_skip: i64,
    pub to_refuse: i64,
    /// What the rows to pay add up to.
    pub total_to_pay: Halalas,
}
