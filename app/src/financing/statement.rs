//! Repayments from a bank's or an association's statement, as pure rules:
//! which columns a statement's header names (Arabic or English, any order),
//! each row's cells, the row's key (so that a statement imported twice pays
//! nothing twice), and the dry run's verdict on a row against the loan its
//! reference names. Reading the file is the imports domain's
//! (`imports::file::table`); storing and applying is `db/statements.rs`.

use serde::{Deserialize, Serialize};

use super::Halalas;
use crate::time::SaudiDate;

/// The most rows a statement may have (a month of an association's
/// portfolio is far fewer).
pub const MAX_STATEMENT_ROWS: usize = 5_000;

/// Whose statement it is (`loan_repayments.source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementSource {
    /// The lender's (the Social Development Bank's).
    BankStatement,
    /// The association's own collections.
    AssociationStatement,
}

impl StatementSource {
    pub fn as_str(self) -> &'static str {
        match self {
            StatementSource::BankStatement => "bank_statement",
            StatementSource::AssociationStatement => "association_statement",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::BankStatement, Self::AssociationStatement]
            .into_iter()
            .find(|s| s.as_str() == value)
    }
}

/// A statement's columns. The loan reference, the payer's national ID, the
/// day and the amount are required; a transaction reference is used as the
/// row's key when the statement has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementColumn {
    Reference,
    NationalId,
    PaidOn,
    Amount,
    Transaction,
}

impl StatementColumn {
    const ALL: [StatementColumn; 5] = [
        StatementColumn::Reference,
        StatementColumn::NationalId,
        StatementColumn::PaidOn,
        StatementColumn::Amount,
        StatementColumn::Transaction,
    ];

    /// The header names recognised (compared lower-cased, Arabic normalised).
    fn names(self) -> &'static [&'static str] {
        match self {
            StatementColumn::Reference => &[
                "loan reference",
                "reference",
                "loan",
                "مرجع القرض",
                "رقم القرض",
                "المرجع",
            ],
            StatementColumn::NationalId => &[
                "national id",
                "national_id",
                "id number",
                "رقم الهوية",
                "الهوية",
                "رقم هوية المستفيد",
            ],
            StatementColumn::PaidOn => &[
                "paid on",
                "paid_on",
                "date",
                "payment date",
                "تاريخ السداد",
                "التاريخ",
            ],
            StatementColumn::Amount => &["amount", "amount in riyals", "المبلغ", "مبلغ السداد"],
            StatementColumn::Transaction => &[
                "transaction",
                "transaction reference",
                "transaction id",
                "رقم العملية",
                "مرجع العملية",
            ],
        }
    }

    /// The template's header in Arabic and English.
    pub fn header(self) -> (&'static str, &'static str) {
        match self {
            StatementColumn::Reference => ("مرجع القرض", "Loan reference"),
            StatementColumn::NationalId => ("رقم الهوية", "National ID"),
            StatementColumn::PaidOn => ("تاريخ السداد", "Paid on"),
            StatementColumn::Amount => ("المبلغ", "Amount"),
            StatementColumn::Transaction => ("رقم العملية", "Transaction"),
        }
    }

    /// Every column, in the template's order.
    pub fn all() -> [StatementColumn; 5] {
        Self::ALL
    }
}

fn header_key(cell: &str) -> String {
    crate::text::normalize_arabic(&cell.trim().to_lowercase())
}

/// Where each column stands in a header row: `None` when a required one is
/// missing.
pub fn statement_header(cells: &[String]) -> Option<[Option<usize>; 5]> {
    let keys: Vec<String> = cells.iter().map(|c| header_key(c)).collect();
    let mut positions = [None; 5];
    for (slot, column) in positions.iter_mut().zip(StatementColumn::ALL) {
        *slot = column
            .names()
            .iter()
            .find_map(|name| keys.iter().position(|k| *k == header_key(name)));
    }
    positions[..4]
        .iter()
        .all(Option::is_some)
        .then_some(positions)
}

/// One row of a statement as read: its line and cells (trimmed, possibly
/// empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    pub line_no: i64,
    pub reference: String,
    pub national_id: String,
    pub paid_on: String,
    pub amount: String,
    pub transaction: String,
}

impl StatementRow {
    /// The day paid, if it reads as one (`YYYY-MM-DD` or `DD/MM/YYYY`).
    pub fn day(&self) -> Option<SaudiDate> {
        let folded = crate::text::fold_digits(self.paid_on.trim());
        if let Some(date) = SaudiDate::parse(&folded) {
            return Some(date);
        }
        let parts: Vec<&str> = folded.split('/').collect();
        match parts.as_slice() {
            [d, m, y] => SaudiDate::parse(&format!("{y}-{m}-{d}")),
            _ => None,
        }
    }

    /// The amount in halalas, if it reads as one and is above zero.
    pub fn halalas(&self) -> Option<Halalas> {
        crate::text::parse_riyals(&self.amount).filter(|a| *a > 0)
    }

    /// The national ID with Eastern digits folded.
    pub fn national_id(&self) -> String {
        crate::text::fold_digits(self.national_id.trim())
    }
}

/// Why a statement could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementFileError {
    /// No header row names the reference, ID, day and amount.
    MissingColumns,
    /// No row under the header.
    Empty,
    /// More than [`MAX_STATEMENT_ROWS`].
    TooManyRows,
}

/// A statement's rows from a table of text cells (as `imports::file::table`
/// reads CSV and XLSX): the first non-empty line is the header; further
/// header rows and empty lines are skipped.
pub fn statement_rows(
    table: Vec<(i64, Vec<String>)>,
) -> Result<Vec<StatementRow>, StatementFileError> {
    let mut lines = table
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let (_, header) = lines.next().ok_or(StatementFileError::Empty)?;
    let positions = statement_header(&header).ok_or(StatementFileError::MissingColumns)?;
    let mut rows = Vec::new();
    for (line_no, cells) in lines {
        if statement_header(&cells).is_some() {
            continue;
        }
        if rows.len() == MAX_STATEMENT_ROWS {
            return Err(StatementFileError::TooManyRows);
        }
        let cell = |i: usize| {
            positions[i]
                .and_then(|p| cells.get(p))
                .map(|c| c.trim().to_string())
                .unwrap_or_default()
        };
        rows.push(StatementRow {
            line_no,
            reference: cell(0),
            national_id: cell(1),
            paid_on: cell(2),
            amount: cell(3),
            transaction: cell(4),
        });
    }
    if rows.is_empty() {
        return Err(StatementFileError::Empty);
    }
    Ok(rows)
}

/// Each row's key, stored with the repayment it makes (unique per loan):
/// the transaction reference when the statement gives one; otherwise the
/// reference, day and amount with the row's rank among identical rows of
/// the file — so two equal payments in one statement are two payments, and
/// the same statement imported again makes the same keys.
pub fn row_keys(rows: &[StatementRow]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, u32> = Default::default();
    rows.iter()
        .map(|row| {
            let transaction = crate::text::fold_digits(row.transaction.trim());
            if !transaction.is_empty() {
                return format!("tx:{transaction}");
            }
            let base = format!(
                "row:{}|{}|{}",
                row.reference.trim().to_uppercase(),
                row.day().map(|d| d.to_string()).unwrap_or_default(),
                row.halalas().unwrap_or_default()
            );
            let rank = seen.entry(base.clone()).or_insert(0);
            *rank += 1;
            format!("{base}|{rank}")
        })
        .collect()
}

/// What the dry run says of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// A repayment will be recorded.
    Pay,
    /// Already recorded: nothing to do.
    Skip,
    /// Not imported, for the row's problem.
    Refuse,
}

impl RowOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            RowOutcome::Pay => "pay",
            RowOutcome::Skip => "skip",
            RowOutcome::Refuse => "refuse",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pay, Self::Skip, Self::Refuse]
            .into_iter()
            .find(|o| o.as_str() == value)
    }
}

/// Why a row is refused or skipped (each has words on the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowProblem {
    /// No loan reference.
    ReferenceMissing,
    /// No loan of the association has this reference.
    LoanUnknown,
    /// The national ID is not the loan's head of household's.
    NationalIdMismatch,
    /// The loan is not being repaid (not disbursed, settled or written off).
    LoanNotRunning,
    /// The day does not read as a date.
    DateInvalid,
    /// The day is after today.
    DateFuture,
    /// The amount does not read as riyals above zero.
    AmountInvalid,
    /// This statement row was imported before (its key is on a repayment).
    AlreadyImported,
    /// A repayment of the same amount on the same day was entered by hand.
    AlreadyEntered,
}

impl RowProblem {
    pub const ALL: [RowProblem; 9] = [
        RowProblem::ReferenceMissing,
        RowProblem::LoanUnknown,
        RowProblem::NationalIdMismatch,
        RowProblem::LoanNotRunning,
        RowProblem::DateInvalid,
        RowProblem::DateFuture,
        RowProblem::AmountInvalid,
        RowProblem::AlreadyImported,
        RowProblem::AlreadyEntered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RowProblem::ReferenceMissing => "reference_missing",
            RowProblem::LoanUnknown => "loan_unknown",
            RowProblem::NationalIdMismatch => "national_id_mismatch",
            RowProblem::LoanNotRunning => "loan_not_running",
            RowProblem::DateInvalid => "date_invalid",
            RowProblem::DateFuture => "date_future",
            RowProblem::AmountInvalid => "amount_invalid",
            RowProblem::AlreadyImported => "already_imported",
            RowProblem::AlreadyEntered => "already_entered",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == value)
    }
}

/// What the dry run knows of the loan a row's reference names (a loan of
/// the importing association only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanToMatch {
    pub loan_id: i64,
    /// The head of household's national ID.
    pub head_national_id: String,
    /// Repayments may be recorded.
    pub running: bool,
    /// Statement keys already on its repayments.
    pub keys: Vec<String>,
    /// (day, amount) of repayments entered by staff.
    pub entered: Vec<(String, Halalas)>,
}

/// The dry run's verdict on one row with its key, against the loan its
/// reference names (`None`: no such loan at this association). Checked in
/// the order a person would fix them.
pub fn check_row(
    row: &StatementRow,
    key: &str,
    loan: Option<&LoanToMatch>,
    today: SaudiDate,
) -> (RowOutcome, Option<RowProblem>) {
    let refuse = |p| (RowOutcome::Refuse, Some(p));
    if row.reference.trim().is_empty() {
        return refuse(RowProblem::ReferenceMissing);
    }
    let Some(loan) = loan else {
        return refuse(RowProblem::LoanUnknown);
    };
    if row.national_id() != loan.head_national_id {
        return refuse(RowProblem::NationalIdMismatch);
    }
    let Some(day) = row.day() else {
        return refuse(RowProblem::DateInvalid);
    };
    if day > today {
        return refuse(RowProblem::DateFuture);
    }
    let Some(amount) = row.halalas() else {
        return refuse(RowProblem::AmountInvalid);
    };
    if loan.keys.iter().any(|k| k == key) {
        return (RowOutcome::Skip, Some(RowProblem::AlreadyImported));
    }
    if loan
        .entered
        .iter()
        .any(|(on, a)| *on == day.to_string() && *a == amount)
    {
        return (RowOutcome::Skip, Some(RowProblem::AlreadyEntered));
    }
    if !loan.running {
        return refuse(RowProblem::LoanNotRunning);
    }
    (RowOutcome::Pay, None)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::inconsistent_digit_grouping)]
    use super::*;

    fn table(lines: &[&[&str]]) -> Vec<(i64, Vec<String>)> {
        lines
            .iter()
            .enumerate()
            .map(|(i, cells)| (i as i64 + 1, cells.iter().map(|c| c.to_string()).collect()))
            .collect()
    }

    fn loan() -> LoanToMatch {
        LoanToMatch {
            loan_id: 7,
            head_national_id: "1000000008".into(),
            running: true,
            keys: vec![],
            entered: vec![],
        }
    }

    fn today() -> SaudiDate {
        SaudiDate::parse("2026-05-01").unwrap()
    }

    #[test]
    fn headers_in_either_language_any_order() {
        let rows = statement_rows(table(&[
            &["المبلغ", "تاريخ السداد", "رقم الهوية", "مرجع القرض"],
            &["Amount", "Paid on", "National ID", "Loan reference"],
            &["١٠٠٠", "10/04/2026", "١٠٠٠٠٠٠٠٠٨", "F-1-2"],
            &["", "", "", ""],
        ]))
        .unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line_no, 3);
        assert_eq!(rows[0].reference, "F-1-2");
        assert_eq!(rows[0].halalas(), Some(1_000_00));
        assert_eq!(rows[0].day(), SaudiDate::parse("2026-04-10"));
        assert_eq!(rows[0].national_id(), "1000000008");
        assert_eq!(
            statement_rows(table(&[&["a", "b"], &["1", "2"]])),
            Err(StatementFileError::MissingColumns)
        );
        assert_eq!(
            statement_rows(table(&[&["reference", "national id", "date", "amount"]])),
            Err(StatementFileError::Empty)
        );
    }

    #[test]
    fn keys_are_stable_and_tell_equal_rows_apart() {
        let rows = statement_rows(table(&[
            &["reference", "national id", "date", "amount", "transaction"],
            &["F-1-2", "1000000008", "2026-04-10", "500", ""],
            &["F-1-2", "1000000008", "2026-04-10", "500", ""],
            &["F-1-2", "1000000008", "2026-04-10", "500", "TX-9"],
        ]))
        .unwrap();
        let keys = row_keys(&rows);
        assert_eq!(keys[0], "row:F-1-2|2026-04-10|50000|1");
        assert_eq!(keys[1], "row:F-1-2|2026-04-10|50000|2");
        assert_eq!(keys[2], "tx:TX-9");
        assert_eq!(row_keys(&rows), keys);
    }

    #[test]
    fn the_dry_run_says_why() {
        let row = |reference: &str, id: &str, on: &str, amount: &str| StatementRow {
            line_no: 2,
            reference: reference.into(),
            national_id: id.into(),
            paid_on: on.into(),
            amount: amount.into(),
            transaction: String::new(),
        };
        let ok = row("F-1-2", "1000000008", "2026-04-10", "500");
        let l = loan();
        assert_eq!(
            check_row(&ok, "k", Some(&l), today()),
            (RowOutcome::Pay, None)
        );
        let verdict =
            |r: &StatementRow, loan: Option<&LoanToMatch>| check_row(r, "k", loan, today()).1;
        assert_eq!(
            verdict(&row("", "1", "", ""), Some(&l)),
            Some(RowProblem::ReferenceMissing)
        );
        assert_eq!(verdict(&ok, None), Some(RowProblem::LoanUnknown));
        assert_eq!(
            verdict(&row("F-1-2", "1000000016", "2026-04-10", "500"), Some(&l)),
            Some(RowProblem::NationalIdMismatch)
        );
        assert_eq!(
            verdict(&row("F-1-2", "1000000008", "yesterday", "500"), Some(&l)),
            Some(RowProblem::DateInvalid)
        );
        assert_eq!(
            verdict(&row("F-1-2", "1000000008", "2026-06-10", "500"), Some(&l)),
            Some(RowProblem::DateFuture)
        );
        assert_eq!(
            verdict(&row("F-1-2", "1000000008", "2026-04-10", "-5"), Some(&l)),
            Some(RowProblem::AmountInvalid)
        );
        let imported = LoanToMatch {
            keys: vec!["k".into()],
            ..loan()
        };
        assert_eq!(
            check_row(&ok, "k", Some(&imported), today()),
            (RowOutcome::Skip, Some(RowProblem::AlreadyImported))
        );
        let entered = LoanToMatch {
            entered: vec![("2026-04-10".into(), 500_00)],
            ..loan()
        };
        assert_eq!(
            check_row(&ok, "k", Some(&entered), today()),
            (RowOutcome::Skip, Some(RowProblem::AlreadyEntered))
        );
        let settled = LoanToMatch {
            running: false,
            ..loan()
        };
        assert_eq!(
            verdict(&ok, Some(&settled)),
            Some(RowProblem::LoanNotRunning)
        );
    }
}
