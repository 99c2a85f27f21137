//! SQL of members who act for their household (issue 21 §3): the head allows
//! or revokes, and every call asks [`acting_for`] afresh (nothing is kept in
//! the session), so a revocation counts from the next request.

use sqlx::{Any, Transaction};

use super::{ID_CONFIRMED, RegistryError, next_version, record};
use crate::audit::AuditEvent;
use crate::database::{Db, now};
use crate::registry::ActingFor;

/// The household this national ID may act for: the one it heads, else the
/// one that allowed it as a member — only while the member's ID is the
/// household's (confirmed after Nafath or verified by staff).
#[tracing::instrument(skip_all)]
pub async fn acting_for(db: &Db, national_id: &str) -> Result<Option<ActingFor>, sqlx::Error> {
    if let Some(household_id) = super::household_id_of_head(db, national_id).await? {
        return Ok(Some(ActingFor {
            household_id,
            member_id: None,
        }));
    }
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT COALESCE(h.merged_into_id, h.id), m.id FROM household_delegates d \
         JOIN household_members m ON m.id = d.member_id \
         JOIN household_identities i \
           ON i.national_id = m.national_id AND i.household_id = m.household_id \
         JOIN households h ON h.id = m.household_id \
         WHERE m.national_id = $1 ORDER BY m.id LIMIT 1",
    )
    .bind(national_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(household_id, member_id)| ActingFor {
        household_id,
        member_id: Some(member_id),
    }))
}

/// The member's name and whether their ID is the household's; `None` when
/// the member is not one of this household's.
async fn member_of(
    tx: &mut Transaction<'static, Any>,
    household_id: i64,
    member_id: i64,
) -> Result<Option<(String, bool)>, sqlx::Error> {
    let sql = format!(
        "SELECT m.full_name, {ID_CONFIRMED} FROM household_members m \
         WHERE m.id = $1 AND m.household_id = $2"
    );
    let row: Option<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(member_id)
        .bind(household_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(|(name, confirmed)| (name, confirmed == 1)))
}

/// Why the head's choice was refused.
#[derive(Debug, thiserror::Error)]
pub enum DelegateError {
    #[error("no such member in this household")]
    NotFound,
    #[error("the member's national ID is not the household's")]
    NotVerified,
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The head allows (`allow`) or stops allowing a member to act for the
/// household: the history names who and by whom, `event` is audited in the
/// same transaction. Allowing twice or revoking a member not allowed
/// changes nothing (and records nothing).
#[tracing::instrument(skip_all)]
pub async fn set_delegate(
    db: &Db,
    household_id: i64,
    member_id: i64,
    head_user_id: i64,
    allow: bool,
    event: AuditEvent<'_>,
) -> Result<(), DelegateError> {
    let mut tx = db.begin_write().await?;
    let (name, confirmed) = member_of(&mut tx, household_id, member_id)
        .await?
        .ok_or(DelegateError::NotFound)?;
    let changed = if allow {
        if !confirmed {
            return Err(DelegateError::NotVerified);
        }
        sqlx::query(
            "INSERT INTO household_delegates (member_id, granted_by, granted_at) \
             VALUES ($1, $2, $3) ON CONFLICT (member_id) DO NOTHING",
        )
        .bind(member_id)
        .bind(head_user_id)
        .bind(now())
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        sqlx::query("DELETE FROM household_delegates WHERE member_id = $1")
            .bind(member_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
    };
    if changed == 0 {
        return Ok(());
    }
    let version = next_version(&mut tx, household_id).await?;
    let (field, old, new) = if allow {
        ("delegate_allowed", None, Some(name))
    } else {
        ("delegate_revoked", Some(name), None)
    };
    record(
        &mut tx,
        household_id,
        version,
        head_user_id,
        field,
        old,
        new,
    )
    .await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes what someone did for the household (an application, the shop)
/// into its history, inside the caller's transaction, at the household's
/// current version: the record itself did not change.
#[tracing::instrument(skip_all)]
pub async fn record_act(
    tx: &mut Transaction<'_, Any>,
    household_id: i64,
    user_id: i64,
    act: &str,
    detail: Option<String>,
) -> Result<(), sqlx::Error> {
    let (version,): (i64,) = sqlx::query_as("SELECT version FROM households WHERE id = $1")
        .bind(household_id)
        .fetch_one(&mut **tx)
        .await?;
    record(tx, household_id, version, user_id, act, None, detail).await
}

/// [`record_act`] in a transaction of its own.
#[tracing::instrument(skip_all)]
pub async fn record_act_now(
    db: &Db,
    household_id: i64,
    user_id: i64,
    act: &str,
    detail: Option<String>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    record_act(&mut tx, household_id, user_id, act, detail).await?;
    tx.commit().await
}

crate::db_failure!(DelegateError);

/// Whether this national ID is a confirmed member (not the head) of a household.
#[tracing::instrument(skip_all)]
pub async fn is_member_of_any(db: &Db, national_id: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT household_id FROM household_identities WHERE national_id = $1 AND role = 'member'",
    )
    .bind(national_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.is_some())
}
