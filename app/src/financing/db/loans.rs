//! Loans: the referral that creates one, approval, disbursement with its
//! schedule and guarantee, repayments reallocated oldest-first, and the
//! reads the pages and figures are made of.

use crate::audit::AuditEvent;
use crate::database::{Db, now};
use crate::financing::{
    Allocation, Guarantee, Instalment, InstalmentState, LoanStatus, Referral, Repayment, allocate,
};
use crate::time::SaudiDate;

/// A loan as stored.
#[derive(Debug, Clone)]
pub struct LoanRecord {
    pub id: i64,
    pub file_id: i64,
    pub household_id: i64,
    pub association_id: i64,
    pub reference: String,
    pub principal: i64,
    pub months: i64,
    pub first_due_on: Option<String>,
    pub disbursed_on: Option<String>,
    pub status: LoanStatus,
    pub outstanding: i64,
    pub schedule_no: i64,
    pub repayments_after: i64,
    pub head_name_ar: String,
    /// The file's activity (a craft code).
    pub activity: String,
    /// The household's district.
    pub district_ar: Option<String>,
    pub district_en: Option<String>,
    /// The day the lender wrote the loan off, why, and how much.
    pub written_off_on: Option<String>,
    pub written_off_reason: Option<String>,
    pub written_off: i64,
}

const LOAN_COLUMNS: &str = "SELECT l.id, l.file_id, l.household_id, l.association_id, l.reference, \
     l.principal_halalas, l.months, l.first_due_on, l.disbursed_on, l.status, \
     l.outstanding_halalas, l.schedule_no, l.repayments_after, h.head_name_ar, f.activity, \
     d.name_ar, d.name_en, l.written_off_on, l.written_off_reason, l.written_off_halalas \
     FROM loans l JOIN households h ON h.id = l.household_id \
     JOIN financing_files f ON f.id = l.file_id LEFT JOIN districts d ON d.id = h.district_id";

fn loan_of(r: &sqlx::any::AnyRow) -> Result<LoanRecord, sqlx::Error> {
    use sqlx::Row;
    let status: String = r.try_get(9)?;
    Ok(LoanRecord {
        id: r.try_get(0)?,
        file_id: r.try_get(1)?,
        household_id: r.try_get(2)?,
        association_id: r.try_get(3)?,
        reference: r.try_get(4)?,
        principal: r.try_get(5)?,
        months: r.try_get(6)?,
        first_due_on: r.try_get(7)?,
        disbursed_on: r.try_get(8)?,
        status: LoanStatus::parse(&status).unwrap_or(LoanStatus::Referred),
        outstanding: r.try_get(10)?,
        schedule_no: r.try_get(11)?,
        repayments_after: r.try_get(12)?,
        head_name_ar: r.try_get(13)?,
        activity: r.try_get(14)?,
        district_ar: r.try_get(15)?,
        district_en: r.try_get(16)?,
        written_off_on: r.try_get(17)?,
        written_off_reason: r.try_get(18)?,
        written_off: r.try_get(19)?,
    })
}

async fn loans_where(
    db: &Db,
    filter: &str,
    id: Option<i64>,
) -> Result<Vec<LoanRecord>, sqlx::Error> {
    let sql = format!("{LOAN_COLUMNS} {filter} ORDER BY l.id");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(id) = id {
        query = query.bind(id);
    }
    query
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(loan_of)
        .collect()
}

/// The loan of a file, if referred.
pub async fn loan_of_file(db: &Db, file_id: i64) -> Result<Option<LoanRecord>, sqlx::Error> {
    Ok(loans_where(db, "WHERE l.file_id = $1", Some(file_id))
        .await?
        .pop())
}

/// A household's loans.
pub async fn loans_of_household(
    db: &Db,
    household_id: i64,
) -> Result<Vec<LoanRecord>, sqlx::Error> {
    loans_where(db, "WHERE l.household_id = $1", Some(household_id)).await
}

/// An association's loans (every association's with `None`).
pub async fn loans_of(
    db: &Db,
    association_id: Option<i64>,
) -> Result<Vec<LoanRecord>, sqlx::Error> {
    match association_id {
        Some(id) => loans_where(db, "WHERE l.association_id = $1", Some(id)).await,
        None => loans_where(db, "", None).await,
    }
}

/// Refers the file and creates its loan (status referred, the requested
/// amount and term), in one transaction, audited. The reference is made of
/// the association and file ids (`F-<association>-<file>`).
pub async fn refer(
    db: &Db,
    file: &super::FileRecord,
    referral: Referral,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let at = now();
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE financing_files SET referral = $1, referred_at = $2 WHERE id = $3")
        .bind(referral.as_str())
        .bind(at)
        .bind(file.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO loans (file_id, household_id, association_id, reference, principal_halalas, \
           months, status, outstanding_halalas, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'referred', 0, $7, $7)",
    )
    .bind(file.id)
    .bind(file.household_id)
    .bind(file.association_id)
    .bind(format!("F-{}-{}", file.association_id, file.id))
    .bind(file.requested)
    .bind(file.months)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await
}

/// Records the lender's approval with the amount and term approved.
pub async fn approve(
    db: &Db,
    loan_id: i64,
    principal: i64,
    months: i64,
    event: AuditEvent<'_>,
) -> Result<bool, sqlx::Error> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE loans SET status = 'approved', principal_halalas = $1, months = $2, \
           approved_at = $3, updated_at = $3 WHERE id = $4 AND status = 'referred'",
    )
    .bind(principal)
    .bind(months)
    .bind(at)
    .bind(loan_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(true)
}

/// A guarantee to record with a disbursement.
#[derive(Debug, Clone)]
pub struct NewGuarantee {
    pub guarantee: Guarantee,
    pub association_id: Option<i64>,
    pub name: Option<String>,
    pub starts_on: String,
    pub ends_on: Option<String>,
}

/// Records the disbursement: the dates, the first schedule, the guarantee;
/// the whole principal is outstanding. False when the loan was not approved.
pub async fn disburse(
    db: &Db,
    loan: &LoanRecord,
    disbursed_on: &str,
    schedule: &[Instalment],
    guarantee: &NewGuarantee,
    user_id: i64,
    event: AuditEvent<'_>,
) -> Result<bool, sqlx::Error> {
    let at = now();
    let first_due = schedule.first().map(|i| i.due.to_string());
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE loans SET status = 'disbursed', disbursed_on = $1, first_due_on = $2, \
           outstanding_halalas = principal_halalas, schedule_no = 1, updated_at = $3 \
         WHERE id = $4 AND status = 'approved'",
    )
    .bind(disbursed_on)
    .bind(first_due)
    .bind(at)
    .bind(loan.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    insert_schedule(&mut tx, loan.id, 1, schedule).await?;
    super::guarantees::insert_guarantee(&mut tx, loan.id, guarantee, user_id).await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(true)
}

/// Records a repayment and allocates every repayment again, oldest
/// instalment first (the pure rule), over the current schedule: each
/// instalment's paid amount, the loan's outstanding balance and status.
/// The household is noted as changed for continuity, in the same
/// transaction.
#[allow(clippy::too_many_arguments)]
pub async fn add_repayment(
    db: &Db,
    loan: &LoanRecord,
    amount: i64,
    paid_on: &str,
    source: &str,
    user_id: i64,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    insert_repayment(&mut tx, loan.id, amount, paid_on, source, user_id, None).await?;
    reallocate(&mut tx, loan.id).await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await
}

/// Inserts a repayment; with a statement row's key, only if no repayment
/// of the loan has that key yet (false then: the unique key decides).
pub(super) async fn insert_repayment(
    tx: &mut sqlx::AnyConnection,
    loan_id: i64,
    amount: i64,
    paid_on: &str,
    source: &str,
    user_id: i64,
    statement_key: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO loan_repayments (loan_id, amount_halalas, paid_on, source, entered_by, \
           entered_at, statement_key) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (loan_id, statement_key) DO NOTHING",
    )
    .bind(loan_id)
    .bind(amount)
    .bind(paid_on)
    .bind(source)
    .bind(user_id)
    .bind(now())
    .bind(statement_key)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Allocates every repayment of the loan's current schedule again, oldest
/// instalment first (the pure rule): each instalment's paid amount, the
/// loan's outstanding balance and status (a written-off loan keeps its
/// status). The household is noted as changed for continuity.
pub(super) async fn reallocate(
    tx: &mut sqlx::AnyConnection,
    loan_id: i64,
) -> Result<(), sqlx::Error> {
    let (household_id, schedule_no, repayments_after, status): (i64, i64, i64, String) =
        sqlx::query_as(
            "SELECT household_id, schedule_no, repayments_after, status FROM loans WHERE id = $1",
        )
        .bind(loan_id)
        .fetch_one(&mut *tx)
        .await?;
    let schedule: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT id, number, due_on, amount_halalas FROM loan_instalments \
         WHERE loan_id = $1 AND schedule_no = $2 ORDER BY number",
    )
    .bind(loan_id)
    .bind(schedule_no)
    .fetch_all(&mut *tx)
    .await?;
    let repayments: Vec<(String, i64)> = sqlx::query_as(
        "SELECT paid_on, amount_halalas FROM loan_repayments WHERE loan_id = $1 AND id > $2",
    )
    .bind(loan_id)
    .bind(repayments_after)
    .fetch_all(&mut *tx)
    .await?;
    let instalments: Vec<Instalment> = schedule
        .iter()
        .filter_map(|(_, number, due, amount)| {
            Some(Instalment {
                number: u32::try_from(*number).ok()?,
                due: SaudiDate::parse(due)?,
                amount: *amount,
            })
        })
        .collect();
    let paid: Vec<Repayment> = repayments
        .iter()
        .filter_map(|(on, amount)| {
            Some(Repayment {
                paid_on: SaudiDate::parse(on)?,
                amount: *amount,
            })
        })
        .collect();
    let allocation = allocate(&instalments, &paid);
    for ((id, ..), state) in schedule.iter().zip(&allocation.instalments) {
        sqlx::query("UPDATE loan_instalments SET paid_halalas = $1, settled_on = $2 WHERE id = $3")
            .bind(state.paid)
            .bind(state.settled_on.map(|d| d.to_string()))
            .bind(*id)
            .execute(&mut *tx)
            .await?;
    }
    let outstanding = allocation.outstanding();
    let status = match LoanStatus::parse(&status) {
        Some(LoanStatus::WrittenOff) => LoanStatus::WrittenOff,
        _ if outstanding == 0 => LoanStatus::Settled,
        Some(LoanStatus::Rescheduled) => LoanStatus::Rescheduled,
        _ => LoanStatus::Repaying,
    };
    sqlx::query(
        "UPDATE loans SET outstanding_halalas = $1, status = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(outstanding)
    .bind(status.as_str())
    .bind(now())
    .bind(loan_id)
    .execute(&mut *tx)
    .await?;
    crate::jobs::household_changed(&mut *tx, household_id).await?;
    Ok(())
}

/// Writes the loan off: the lender gives up what is outstanding; the loan
/// leaves the portfolio's figures. False when it was not running.
pub async fn write_off(
    db: &Db,
    loan: &LoanRecord,
    on: &str,
    reason: &str,
    user_id: i64,
    event: AuditEvent<'_>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE loans SET status = 'written_off', written_off_on = $1, written_off_reason = $2, \
           written_off_halalas = outstanding_halalas, written_off_by = $3, updated_at = $4 \
         WHERE id = $5 AND status IN ('disbursed', 'repaying', 'rescheduled')",
    )
    .bind(on)
    .bind(reason)
    .bind(user_id)
    .bind(now())
    .bind(loan.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    crate::jobs::household_changed(&mut tx, loan.household_id).await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(true)
}

/// The current schedule with what was allocated to each instalment.
pub async fn allocation(db: &Db, loan: &LoanRecord) -> Result<Allocation, sqlx::Error> {
    let rows: Vec<(i64, String, i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT number, due_on, amount_halalas, paid_halalas, settled_on FROM loan_instalments \
         WHERE loan_id = $1 AND schedule_no = $2 ORDER BY number",
    )
    .bind(loan.id)
    .bind(loan.schedule_no)
    .fetch_all(&db.pool)
    .await?;
    let instalments = rows
        .into_iter()
        .filter_map(|(number, due, amount, paid, settled)| {
            Some(InstalmentState {
                instalment: Instalment {
                    number: u32::try_from(number).ok()?,
                    due: SaudiDate::parse(&due)?,
                    amount,
                },
                paid,
                settled_on: settled.as_deref().and_then(SaudiDate::parse),
            })
        })
        .collect();
    Ok(Allocation {
        instalments,
        credit: 0,
    })
}

/// The current schedules of every loan of an association (every
/// association's with `None`) with what was allocated, in one query:
/// by loan id. The figures read thousands of loans this way.
pub async fn allocations(
    db: &Db,
    association_id: Option<i64>,
) -> Result<std::collections::HashMap<i64, Allocation>, sqlx::Error> {
    let sql = format!(
        "SELECT i.loan_id, i.number, i.due_on, i.amount_halalas, i.paid_halalas, i.settled_on \
         FROM loan_instalments i JOIN loans l ON l.id = i.loan_id AND i.schedule_no = l.schedule_no \
         {} ORDER BY i.loan_id, i.number",
        if association_id.is_some() {
            "WHERE l.association_id = $1"
        } else {
            ""
        }
    );
    let mut query =
        sqlx::query_as::<_, (i64, i64, String, i64, i64, Option<String>)>(sqlx::AssertSqlSafe(sql));
    if let Some(id) = association_id {
        query = query.bind(id);
    }
    let mut out: std::collections::HashMap<i64, Allocation> = Default::default();
    for (loan_id, number, due, amount, paid, settled) in query.fetch_all(&db.pool).await? {
        let (Ok(number), Some(due)) = (u32::try_from(number), SaudiDate::parse(&due)) else {
            continue;
        };
        out.entry(loan_id)
            .or_insert_with(|| Allocation {
                instalments: Vec::new(),
                credit: 0,
            })
            .instalments
            .push(InstalmentState {
                instalment: Instalment {
                    number,
                    due,
                    amount,
                },
                paid,
                settled_on: settled.as_deref().and_then(SaudiDate::parse),
            });
    }
    Ok(out)
}

/// The household's other loans (not of `file_id`): each one's principal and
/// what the family itself repaid of it — its repayments to the lender
/// (not the guarantor's calls) and what the guarantor recovered from it.
pub async fn previous_loans(
    db: &Db,
    household_id: i64,
    file_id: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.principal_halalas, \
           CAST(COALESCE((SELECT SUM(r.amount_halalas) FROM loan_repayments r \
             WHERE r.loan_id = l.id AND r.source <> 'guarantee_call'), 0) \
           + COALESCE((SELECT SUM(v.amount_halalas) FROM guarantee_recoveries v \
             JOIN loan_guarantees g ON g.id = v.guarantee_id WHERE g.loan_id = l.id), 0) AS BIGINT) \
         FROM loans l WHERE l.household_id = $1 AND l.file_id <> $2 ORDER BY l.id",
    )
    .bind(household_id)
    .bind(file_id)
    .fetch_all(&db.pool)
    .await
}

/// The loan's repayments, oldest first: day, amount, source.
pub async fn repayments(db: &Db, loan_id: i64) -> Result<Vec<(String, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT paid_on, amount_halalas, source FROM loan_repayments WHERE loan_id = $1 \
         ORDER BY paid_on, id",
    )
    .bind(loan_id)
    .fetch_all(&db.pool)
    .await
}

/// Reschedules a running loan: a new schedule (the next number) over what
/// is outstanding, from `first_due`; the old schedule stays as it was, with
/// what had been paid on it. Later repayments count towards the new one.
pub async fn reschedule(
    db: &Db,
    loan: &LoanRecord,
    months: i64,
    schedule: &[Instalment],
    event: AuditEvent<'_>,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let (last,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM loan_repayments WHERE loan_id = $1",
    )
    .bind(loan.id)
    .fetch_one(&mut *tx)
    .await?;
    let next = loan.schedule_no + 1;
    let done = sqlx::query(
        "UPDATE loans SET schedule_no = $1, months = $2, first_due_on = $3, status = 'rescheduled', \
           repayments_after = $4, updated_at = $5 \
         WHERE id = $6 AND schedule_no = $7 AND status IN ('disbursed', 'repaying', 'rescheduled')",
    )
    .bind(next)
    .bind(months)
    .bind(schedule.first().map(|i| i.due.to_string()))
    .bind(last)
    .bind(now())
    .bind(loan.id)
    .bind(loan.schedule_no)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    insert_schedule(&mut tx, loan.id, next, schedule).await?;
    crate::jobs::household_changed(&mut tx, loan.household_id).await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(true)
}

/// Stores a drawn schedule as the loan's schedule number `schedule_no`
/// (a reschedule adds the next number; the old rows stay as history).
async fn insert_schedule(
    tx: &mut sqlx::AnyConnection,
    loan_id: i64,
    schedule_no: i64,
    schedule: &[Instalment],
) -> Result<(), sqlx::Error> {
    for instalment in schedule {
        sqlx::query(
            "INSERT INTO loan_instalments (loan_id, schedule_no, number, due_on, amount_halalas) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(loan_id)
        .bind(schedule_no)
        .bind(i64::from(instalment.number))
        .bind(instalment.due.to_string())
        .bind(instalment.amount)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
