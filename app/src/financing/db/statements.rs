//! Statements' SQL: the loans a statement's rows may name, the dry run
//! stored row by row, and applying it once (each row a repayment with the
//! row's key, allocated oldest instalment first).

use std::collections::HashMap;

use crate::audit::AuditEvent;
use crate::database::{Db, now};
use crate::financing::statement::{LoanToMatch, RowOutcome, RowProblem, StatementSource};

/// The association's loans by reference (upper-cased), as the dry run
/// matches them: the head's national ID, whether repayments may be
/// recorded, the statement keys already used and the repayments entered by
/// hand. Read in three queries whatever the number of loans.
pub async fn loans_to_match(
    db: &Db,
    association_id: i64,
) -> Result<HashMap<String, LoanToMatch>, sqlx::Error> {
    let loans: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT l.id, l.reference, h.head_national_id, l.status FROM loans l \
         JOIN households h ON h.id = l.household_id WHERE l.association_id = $1",
    )
    .bind(association_id)
    .fetch_all(&db.pool)
    .await?;
    let mut by_id: HashMap<i64, LoanToMatch> = loans
        .iter()
        .map(|(id, _, national_id, status)| {
            let running = crate::financing::LoanStatus::parse(status)
                .is_some_and(crate::financing::LoanStatus::is_running);
            (
                *id,
                LoanToMatch {
                    loan_id: *id,
                    head_national_id: national_id.clone(),
                    running,
                    keys: Vec::new(),
                    entered: Vec::new(),
                },
            )
        })
        .collect();
    let repayments: Vec<(i64, Option<String>, String, i64, String)> = sqlx::query_as(
        "SELECT r.loan_id, r.statement_key, r.paid_on, r.amount_halalas, r.source \
         FROM loan_repayments r JOIN loans l ON l.id = r.loan_id WHERE l.association_id = $1",
    )
    .bind(association_id)
    .fetch_all(&db.pool)
    .await?;
    for (loan_id, key, paid_on, amount, source) in repayments {
        let Some(loan) = by_id.get_mut(&loan_id) else {
            continue;
        };
        if let Some(key) = key {
            loan.keys.push(key);
        } else if source == "staff" {
            loan.entered.push((paid_on, amount));
        }
    }
    Ok(loans
        .into_iter()
        .filter_map(|(id, reference, ..)| Some((reference.to_uppercase(), by_id.remove(&id)?)))
        .collect())
}

/// A statement's row as checked (the national ID already masked).
#[derive(Debug, Clone)]
pub struct CheckedRow {
    pub line_no: i64,
    pub reference: String,
    pub national_id_masked: String,
    pub paid_on: String,
    pub amount: i64,
    pub row_key: String,
    pub loan_id: Option<i64>,
    pub outcome: RowOutcome,
    pub problem: Option<RowProblem>,
}

/// Stores an uploaded statement and its dry run, audited; its id.
#[allow(clippy::too_many_arguments)]
pub async fn create_statement(
    db: &Db,
    association_id: i64,
    source: StatementSource,
    file_name: &str,
    sha256: &str,
    user_id: i64,
    rows: &[CheckedRow],
    event: AuditEvent<'_>,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO statement_imports (association_id, source, file_name, sha256, status, \
           uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, 'dry_run', $5, $6) RETURNING id",
    )
    .bind(association_id)
    .bind(source.as_str())
    .bind(file_name)
    .bind(sha256)
    .bind(user_id)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    for row in rows {
        sqlx::query(
            "INSERT INTO statement_rows (import_id, line_no, reference, national_id_masked, \
               paid_on, amount_halalas, row_key, loan_id, outcome, reason) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id)
        .bind(row.line_no)
        .bind(&row.reference)
        .bind(&row.national_id_masked)
        .bind(&row.paid_on)
        .bind(row.amount)
        .bind(&row.row_key)
        .bind(row.loan_id)
        .bind(row.outcome.as_str())
        .bind(row.problem.map(RowProblem::as_str).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    crate::audit::record_in(&mut tx, event.subject("statement_import", id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// A stored statement: association, source, file name, status, when
/// uploaded and (if so) applied.
#[derive(Debug, Clone)]
pub struct StatementRecord {
    pub id: i64,
    pub association_id: i64,
    pub source: String,
    pub file_name: String,
    pub status: String,
    pub uploaded_at: i64,
    pub applied_at: Option<i64>,
}

type StatementTuple = (i64, i64, String, String, String, i64, Option<i64>);

fn record(
    (id, association_id, source, file_name, status, uploaded_at, applied_at): StatementTuple,
) -> StatementRecord {
    StatementRecord {
        id,
        association_id,
        source,
        file_name,
        status,
        uploaded_at,
        applied_at,
    }
}

const STATEMENT_COLUMNS: &str = "SELECT id, association_id, source, file_name, status, uploaded_at, applied_at FROM statement_imports";

/// One statement.
pub async fn statement(db: &Db, id: i64) -> Result<Option<StatementRecord>, sqlx::Error> {
    let row: Option<StatementTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STATEMENT_COLUMNS} WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(record))
}

/// The association's latest statements.
pub async fn statements_of(
    db: &Db,
    association_id: i64,
) -> Result<Vec<StatementRecord>, sqlx::Error> {
    let rows: Vec<StatementTuple> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STATEMENT_COLUMNS} WHERE association_id = $1 ORDER BY id DESC LIMIT 50"
    )))
    .bind(association_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(record).collect())
}

/// A statement's row as stored: line, reference, masked ID, day, amount,
/// outcome, reason, result.
pub type StoredRow = (
    i64,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
);

/// A statement's rows in line order.
pub async fn statement_rows(db: &Db, import_id: i64) -> Result<Vec<StoredRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT line_no, reference, national_id_masked, paid_on, amount_halalas, outcome, reason, \
           result FROM statement_rows WHERE import_id = $1 ORDER BY line_no, id",
    )
    .bind(import_id)
    .fetch_all(&db.pool)
    .await
}

/// Applies a dry run once: the status moves from `dry_run` to `applied`
/// (false when another request did it first); each row the dry run would
/// pay becomes a repayment with its key, unless the key is on one already
/// or staff entered the same day and amount by hand since (then it is
/// skipped, with its reason) or the loan stopped running; every loan touched is
/// allocated again, oldest instalment first. One transaction: all or none.
pub async fn apply_statement(
    db: &Db,
    import_id: i64,
    source: StatementSource,
    user_id: i64,
    event: AuditEvent<'_>,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let claimed = sqlx::query(
        "UPDATE statement_imports SET status = 'applied', applied_by = $1, applied_at = $2 \
         WHERE id = $3 AND status = 'dry_run'",
    )
    .bind(user_id)
    .bind(now())
    .bind(import_id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    let rows: Vec<(i64, i64, String, i64, String, String)> = sqlx::query_as(
        "SELECT s.id, s.loan_id, s.paid_on, s.amount_halalas, s.row_key, l.status \
         FROM statement_rows s JOIN loans l ON l.id = s.loan_id \
         WHERE s.import_id = $1 AND s.outcome = 'pay' ORDER BY s.line_no, s.id",
    )
    .bind(import_id)
    .fetch_all(&mut *tx)
    .await?;
    let (mut paid, mut skipped) = (0, 0);
    let mut touched = std::collections::BTreeSet::new();
    for (row_id, loan_id, paid_on, amount, key, status) in rows {
        let running = crate::financing::LoanStatus::parse(&status)
            .is_some_and(crate::financing::LoanStatus::is_running);
        // Checked again here: staff may have entered the same payment by
        // hand between the dry run and now.
        let (entered,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM loan_repayments WHERE loan_id = $1 AND paid_on = $2 \
             AND amount_halalas = $3 AND source = 'staff' AND statement_key IS NULL",
        )
        .bind(loan_id)
        .bind(&paid_on)
        .bind(amount)
        .fetch_one(&mut *tx)
        .await?;
        let result = if !running {
            "refused"
        } else if entered > 0 {
            sqlx::query("UPDATE statement_rows SET reason = $1 WHERE id = $2")
                .bind(RowProblem::AlreadyEntered.as_str())
                .bind(row_id)
                .execute(&mut *tx)
                .await?;
            skipped += 1;
            "skipped"
        } else if super::loans::insert_repayment(
            &mut tx,
            loan_id,
            amount,
            &paid_on,
            source.as_str(),
            user_id,
            Some(&key),
        )
        .await?
        {
            touched.insert(loan_id);
            paid += 1;
            "paid"
        } else {
            skipped += 1;
            "skipped"
        };
        sqlx::query("UPDATE statement_rows SET result = $1 WHERE id = $2")
            .bind(result)
            .bind(row_id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "UPDATE statement_rows SET result = CASE outcome WHEN 'skip' THEN 'skipped' ELSE 'refused' END \
         WHERE import_id = $1 AND result IS NULL",
    )
    .bind(import_id)
    .execute(&mut *tx)
    .await?;
    for loan_id in touched {
        super::loans::reallocate(&mut tx, loan_id).await?;
    }
    crate::audit::record_in(
        &mut tx,
        event.detail(format!("{paid} paid, {skipped} skipped")),
    )
    .await?;
    tx.commit().await?;
    Ok(Some((paid, skipped)))
}
