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
         ORDER BY i.due_on, i.id LIMIT 500",
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

/// Records a call on the guarantee (the creditor claims) or a recovery from
/// the family, audited.
#[allow(clippy::too_many_arguments)]
pub async fn add_call_or_recovery(
    db: &Db,
    guarantee_id: i64,
    recovery: bool,
    amount: i64,
    on: &str,
    note: &str,
    user_id: i64,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let sql = if recovery {
        "INSERT INTO guarantee_recoveries (guarantee_id, amount_halalas, recovered_on, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5)"
    } else {
        "INSERT INTO guarantee_calls (guarantee_id, amount_halalas, called_on, recorded_by, recorded_at, note) \
         VALUES ($1, $2, $3, $4, $5, $6)"
    };
    let mut query = sqlx::query(sql)
        .bind(guarantee_id)
        .bind(amount)
        .bind(on)
        .bind(user_id)
        .bind(now());
    if !recovery {
        query = query.bind(note);
    }
    query.execute(&mut *tx).await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await
}
