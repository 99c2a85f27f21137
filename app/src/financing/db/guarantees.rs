//! Guarantees (who stands guarantor, calls on them, recoveries from the
//! family) and the due-date reminders' SQL.

use crate::audit::AuditEvent;
use crate::database::{Db, now};
use crate::financing::{Guarantee, Guarantor, parse_guarantor, parse_kafala};

/// A guarantee as stored.
#[derive(Debug, Clone)]
pub struct GuaranteeRecord {
    pub id: i64,
    pub loan_id: i64,
    pub guarantee: Guarantee,
    pub association_id: Option<i64>,
    pub name: Option<String>,
    pub starts_on: String,
    pub ends_on: Option<String>,
}

type GuaranteeRow = (
    i64,
    i64,
    String,
    Option<i64>,
    Option<String>,
    String,
    i64,
    Option<i64>,
    String,
    Option<String>,
);

/// Guarantees of one loan, or of every loan of an association's (all with `None`).
pub async fn guarantees(
    db: &Db,
    loan_id: Option<i64>,
) -> Result<Vec<GuaranteeRecord>, sqlx::Error> {
    let base = "SELECT id, loan_id, guarantor, guarantor_association_id, guarantor_name, kind, \
       share_basis_points, cap_halalas, starts_on, ends_on FROM loan_guarantees";
    let rows: Vec<GuaranteeRow> = match loan_id {
        Some(id) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{base} WHERE loan_id = $1 ORDER BY id"
            )))
            .bind(id)
            .fetch_all(&db.pool)
            .await?
        }
        None => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{base} ORDER BY id")))
                .fetch_all(&db.pool)
                .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                loan_id,
                guarantor,
                association_id,
                name,
                kind,
                share,
                cap,
                starts_on,
                ends_on,
            )| {
                GuaranteeRecord {
                    id,
                    loan_id,
                    guarantee: Guarantee {
                        guarantor: parse_guarantor(&guarantor).unwrap_or(Guarantor::OtherEntity),
                        kind: parse_kafala(&kind)
                            .unwrap_or(crate::financing::KafalaKind::Appearance),
                        share_basis_points: share,
                        cap,
                    },
                    association_id,
                    name,
                    starts_on,
                    ends_on,
                }
            },
        )
        .collect())
}

/// Instalments falling due in `(from, to]` days (`YYYY-MM-DD`) of running
/// loans, not fully paid and not yet reminded of, with the head's user:
/// instalment id, user, due day, amount owed.
pub async fn instalments_to_remind(
    db: &Db,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, i64, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, h.head_user_id, i.due_on, i.amount_halalas - i.paid_halalas \
         FROM loan_instalments i \
         JOIN loans l ON l.id = i.loan_id AND i.schedule_no = l.schedule_no \
         JOIN households h ON h.id = l.household_id \
         WHERE l.status IN ('disbursed', 'repaying', 'rescheduled') \
           AND i.paid_halalas < i.amount_halalas AND i.due_on > $1 AND i.due_on <= $2 \
           AND h.head_user_id IS NOT NULL \
           AND NOT EXISTS (SELECT 1 FROM instalment_reminders_sent r WHERE r.instalment_id = i.id) \
         ORDER BY i.due_on, i.id LIMIT 500", // a batch of the reminder job, not a list: the next run takes the rest
    )
    .bind(from)
    .bind(to)
    .fetch_all(&db.pool)
    .await
}

/// Claims an instalment's reminder and puts the message in the outbox, in
/// one transaction; false when it was already claimed.
pub async fn send_instalment_reminder(
    db: &Db,
    instalment_id: i64,
    user_id: i64,
    message: &crate::messaging::Message,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let claimed = sqlx::query(
        "INSERT INTO instalment_reminders_sent (instalment_id, sent_at) VALUES ($1, $2) \
         ON CONFLICT (instalment_id) DO NOTHING",
    )
    .bind(instalment_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    crate::messaging::db::enqueue(&mut tx, user_id, message, false).await?;
    tx.commit().await?;
    Ok(true)
}

/// What was called on a guarantee and what was recovered from the family:
/// (called, recovered) in halalas.
pub async fn calls_and_recoveries(db: &Db, guarantee_id: i64) -> Result<(i64, i64), sqlx::Error> {
    let (called,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount_halalas), 0) AS BIGINT) FROM guarantee_calls WHERE guarantee_id = $1",
    )
    .bind(guarantee_id)
    .fetch_one(&db.pool)
    .await?;
    let (recovered,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount_halalas), 0) AS BIGINT) FROM guarantee_recoveries WHERE guarantee_id = $1",
    )
    .bind(guarantee_id)
    .fetch_one(&db.pool)
    .await?;
    Ok((called, recovered))
}

/// What was called on every guarantee and recovered from the families,
/// in one query each: by guarantee id, (called, recovered).
pub async fn calls_and_recoveries_all(
    db: &Db,
) -> Result<std::collections::HashMap<i64, (i64, i64)>, sqlx::Error> {
    let mut out: std::collections::HashMap<i64, (i64, i64)> = Default::default();
    let called: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT guarantee_id, CAST(SUM(amount_halalas) AS BIGINT) FROM guarantee_calls \
         GROUP BY guarantee_id",
    )
    .fetch_all(&db.pool)
    .await?;
    for (id, amount) in called {
        out.entry(id).or_default().0 = amount;
    }
    let recovered: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT guarantee_id, CAST(SUM(amount_halalas) AS BIGINT) FROM guarantee_recoveries \
         GROUP BY guarantee_id",
    )
    .fetch_all(&db.pool)
    .await?;
    for (id, amount) in recovered {
        out.entry(id).or_default().1 = amount;
    }
    Ok(out)
}

/// Records a call on the guarantee (the creditor claims) or a recovery from
/// the family, audited. A call is paid to the lender on the family's
/// behalf: it is also a repayment of `loan_id` (source `guarantee_call`),
/// allocated oldest instalment first, so the loan's outstanding balance
/// falls by it; a recovery is money from the family to the guarantor and
/// leaves the loan as it is.
#[allow(clippy::too_many_arguments)]
pub async fn add_call_or_recovery(
    db: &Db,
    loan_id: i64,
    guarantee_id: i64,
    recovery: bool,
    amount: i64,
    on: &str,
    note: &str,
    user_id: i64,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    if recovery {
        sqlx::query(
            "INSERT INTO guarantee_recoveries (guarantee_id, amount_halalas, recovered_on, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(guarantee_id)
        .bind(amount)
        .bind(on)
        .bind(user_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    } else {
        let (call_id,): (i64,) = sqlx::query_as(
            "INSERT INTO guarantee_calls (guarantee_id, amount_halalas, called_on, recorded_by, recorded_at, note) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(guarantee_id)
        .bind(amount)
        .bind(on)
        .bind(user_id)
        .bind(now())
        .bind(note)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO loan_repayments (loan_id, amount_halalas, paid_on, source, entered_by, \
               entered_at, call_id) VALUES ($1, $2, $3, 'guarantee_call', $4, $5, $6)",
        )
        .bind(loan_id)
        .bind(amount)
        .bind(on)
        .bind(user_id)
        .bind(now())
        .bind(call_id)
        .execute(&mut *tx)
        .await?;
        super::loans::reallocate(&mut tx, loan_id).await?;
    }
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await
}

/// Adds a guarantee to a loan (a person, another entity, or the
/// association), audited.
pub async fn add_guarantee(
    db: &Db,
    loan_id: i64,
    guarantee: &super::NewGuarantee,
    user_id: i64,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    insert_guarantee(&mut tx, loan_id, guarantee, user_id).await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await
}

/// Inserts a guarantee in the caller's transaction.
pub(super) async fn insert_guarantee(
    tx: &mut sqlx::AnyConnection,
    loan_id: i64,
    guarantee: &super::NewGuarantee,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    let g = &guarantee.guarantee;
    sqlx::query(
        "INSERT INTO loan_guarantees (loan_id, guarantor, guarantor_association_id, guarantor_name, \
           kind, share_basis_points, cap_halalas, starts_on, ends_on, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(loan_id)
    .bind(crate::financing::guarantor_str(g.guarantor))
    .bind(guarantee.association_id)
    .bind(&guarantee.name)
    .bind(crate::financing::kafala_str(g.kind))
    .bind(g.share_basis_points)
    .bind(g.cap)
    .bind(&guarantee.starts_on)
    .bind(&guarantee.ends_on)
    .bind(user_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    Ok(())
}
