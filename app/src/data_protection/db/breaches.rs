//! SQL of the breach register: incidents, the households they touched, and
//! the two notifications (the authority, the families).

use super::super::{AffectedFamily, BreachSummary, HouseholdRef};
use crate::audit::AuditEvent;
use crate::database::Db;
use crate::registry::SaudiPhone;
use crate::text::mask_identifier;

/// Why households could not be added.
#[derive(Debug, thiserror::Error)]
pub enum AddError {
    /// A national ID or household number the registry does not hold.
    #[error("unknown household")]
    Unknown,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}
crate::db_failure!(AddError);

const SUMMARY_COLUMNS: &str = "b.id, b.summary, b.discovered_at, b.recorded_at, \
    b.authority_notified_at, b.families_notified_at, \
    (SELECT COUNT(*) FROM breach_households bh WHERE bh.breach_id = b.id)";

type SummaryRow = (i64, String, i64, i64, Option<i64>, Option<i64>, i64);

fn summary(
    (id, summary, discovered_at, recorded_at, authority, families, households): SummaryRow,
) -> BreachSummary {
    BreachSummary {
        id,
        summary,
        discovered_at,
        recorded_at,
        authority_notified_at: authority,
        families_notified_at: families,
        households,
    }
}

/// Every breach, newest discovered first.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db) -> Result<Vec<BreachSummary>, sqlx::Error> {
    let rows: Vec<SummaryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} FROM breaches b ORDER BY b.discovered_at DESC, b.id DESC"
    )))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(summary).collect())
}

/// One breach.
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: i64) -> Result<Option<BreachSummary>, sqlx::Error> {
    let row: Option<SummaryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {SUMMARY_COLUMNS} FROM breaches b WHERE b.id = $1"
    )))
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(summary))
}

/// household id, head's name, head's national ID, phone
type FamilyRow = (i64, String, String, Option<String>);

/// The households a breach touched, by household number.
#[tracing::instrument(skip_all)]
pub async fn families(db: &Db, breach_id: i64) -> Result<Vec<AffectedFamily>, sqlx::Error> {
    let rows: Vec<FamilyRow> = sqlx::query_as(
        "SELECT h.id, h.head_name_ar, h.head_national_id, h.phone \
         FROM breach_households bh JOIN households h ON h.id = bh.household_id \
         WHERE bh.breach_id = $1 ORDER BY h.id",
    )
    .bind(breach_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(household_id, head_name, national_id, phone)| AffectedFamily {
                household_id,
                head_name,
                masked_national_id: mask_identifier(&national_id),
                phone: phone.map(|p| match SaudiPhone::parse(&p) {
                    Ok(phone) => phone.local(),
                    Err(_) => p,
                }),
            },
        )
        .collect())
}

/// Finds the household of each reference (a national ID of a head or a
/// member, or a household number); any unknown one refuses the whole list.
async fn resolve(
    conn: &mut sqlx::AnyConnection,
    refs: &[HouseholdRef],
) -> Result<Vec<i64>, AddError> {
    let mut ids = Vec::with_capacity(refs.len());
    for reference in refs {
        let found: Option<(i64,)> = match reference {
            HouseholdRef::NationalId(id) => {
                sqlx::query_as(
                    "SELECT household_id FROM household_identities WHERE national_id = $1 \
                     UNION SELECT id FROM households WHERE head_national_id = $1",
                )
                .bind(id.as_str())
                .fetch_optional(&mut *conn)
                .await?
            }
            HouseholdRef::Household(id) => {
                sqlx::query_as("SELECT id FROM households WHERE id = $1")
                    .bind(*id)
                    .fetch_optional(&mut *conn)
                    .await?
            }
        };
        let (id,) = found.ok_or(AddError::Unknown)?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

async fn add_in(
    conn: &mut sqlx::AnyConnection,
    breach_id: i64,
    households: &[i64],
    now: i64,
) -> Result<u64, sqlx::Error> {
    let mut added = 0;
    for household in households {
        added += sqlx::query(
            "INSERT INTO breach_households (breach_id, household_id, added_at) VALUES ($1, $2, $3) \
             ON CONFLICT (breach_id, household_id) DO NOTHING",
        )
        .bind(breach_id)
        .bind(*household)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(added)
}

/// Records a breach with the households it touched, and its audit row, in
/// one transaction; returns its id.
#[tracing::instrument(skip_all)]
pub async fn record(
    db: &Db,
    summary: &str,
    discovered_at: i64,
    recorded_by: i64,
    refs: &[HouseholdRef],
    now: i64,
    event: AuditEvent<'static>,
) -> Result<i64, AddError> {
    let mut tx = db.begin_write().await?;
    let households = resolve(&mut tx, refs).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO breaches (summary, discovered_at, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(summary)
    .bind(discovered_at)
    .bind(recorded_by)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    add_in(&mut tx, id, &households, now).await?;
    let event = event
        .subject("breach", id)
        .detail(format!("{} households", households.len()));
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds households to a breach (those already listed are skipped); returns
/// how many were new. `None`: no such breach.
#[tracing::instrument(skip_all)]
pub async fn add_households(
    db: &Db,
    breach_id: i64,
    refs: &[HouseholdRef],
    now: i64,
    event: AuditEvent<'static>,
) -> Result<Option<u64>, AddError> {
    let mut tx = db.begin_write().await?;
    let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM breaches WHERE id = $1")
        .bind(breach_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        return Ok(None);
    }
    let households = resolve(&mut tx, refs).await?;
    let added = add_in(&mut tx, breach_id, &households, now).await?;
    crate::audit::record_in(
        &mut tx,
        event
            .subject("breach", breach_id)
            .detail(format!("{added} households added")),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(added))
}

/// Which notification is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notified {
    Authority,
    Families,
}

/// Records that the authority (or the families) were told at `at`; once
/// only (a second time changes nothing and answers false). The families'
/// notice comes after the authority's.
#[tracing::instrument(skip_all)]
pub async fn mark_notified(
    db: &Db,
    breach_id: i64,
    who: Notified,
    at: i64,
    event: AuditEvent<'static>,
) -> Result<bool, sqlx::Error> {
    let sql = match who {
        Notified::Authority => {
            "UPDATE breaches SET authority_notified_at = $1 WHERE id = $2 \
             AND authority_notified_at IS NULL"
        }
        Notified::Families => {
            "UPDATE breaches SET families_notified_at = $1 WHERE id = $2 \
             AND families_notified_at IS NULL AND authority_notified_at IS NOT NULL"
        }
    };
    let mut tx = db.begin_write().await?;
    let changed = sqlx::query(sql)
        .bind(at)
        .bind(breach_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    if changed {
        crate::audit::record_in(&mut tx, event.subject("breach", breach_id)).await?;
    }
    tx.commit().await?;
    Ok(changed)
}
