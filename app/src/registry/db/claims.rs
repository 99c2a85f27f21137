//! SQL of member claims (see `registry::claims`): the households that list a
//! person, and that person's answer.

use super::{ID_CONFIRMED, RegistryError, claim_identity, next_version, record};
use crate::database::Db;

/// A household that lists this person as a member, awaiting their answer.
#[derive(Debug, Clone)]
pub struct PendingClaim {
    pub member_id: i64,
    pub household_id: i64,
    pub head_name_ar: String,
    pub relation: String,
}

/// The claims on this national ID that its holder has not answered.
#[tracing::instrument(skip_all)]
pub async fn pending_claims(db: &Db, national_id: &str) -> Result<Vec<PendingClaim>, sqlx::Error> {
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT m.id, m.household_id, h.head_name_ar, m.relation FROM household_members m \
         JOIN households h ON h.id = m.household_id \
         WHERE m.national_id = $1 AND h.merged_into_id IS NULL \
           AND NOT EXISTS (SELECT 1 FROM household_identities i \
                           WHERE i.national_id = m.national_id AND i.household_id = m.household_id) \
         ORDER BY m.id",
    )
    .bind(national_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(member_id, household_id, head_name_ar, relation)| PendingClaim {
                member_id,
                household_id,
                head_name_ar,
                relation,
            },
        )
        .collect())
}

/// The household of the member that lists this ID, and the household's next
/// version; `NotFound` when the member does not list it (someone else's claim).
async fn claimed_member(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    member_id: i64,
    national_id: &str,
) -> Result<(i64, i64), RegistryError> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT household_id FROM household_members WHERE id = $1 AND national_id = $2",
    )
    .bind(member_id)
    .bind(national_id)
    .fetch_optional(&mut **tx)
    .await?;
    let (household_id,) = found.ok_or(RegistryError::NotFound)?;
    Ok((household_id, next_version(tx, household_id).await?))
}

/// The person confirms they are this member: the ID becomes the household's
/// (refused when it already belongs to another household).
#[tracing::instrument(skip_all)]
pub async fn confirm_claim(
    db: &Db,
    member_id: i64,
    national_id: &str,
    user_id: i64,
) -> Result<(), RegistryError> {
    let mut tx = db.begin_write().await?;
    let (household_id, version) = claimed_member(&mut tx, member_id, national_id).await?;
    claim_identity(&mut tx, national_id, household_id, "member").await?;
    record(
        &mut tx,
        household_id,
        version,
        user_id,
        "member_confirmed",
        None,
        Some(crate::text::mask_identifier(national_id)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The person says they are not this member: the ID is taken off the member.
#[tracing::instrument(skip_all)]
pub async fn decline_claim(
    db: &Db,
    member_id: i64,
    national_id: &str,
    user_id: i64,
) -> Result<(), RegistryError> {
    let mut tx = db.begin_write().await?;
    let (household_id, version) = claimed_member(&mut tx, member_id, national_id).await?;
    sqlx::query("UPDATE household_members SET national_id = NULL WHERE id = $1")
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    // A confirmed ID is freed too (the person withdraws from the household).
    sqlx::query("DELETE FROM household_identities WHERE national_id = $1 AND household_id = $2")
        .bind(national_id)
        .bind(household_id)
        .execute(&mut *tx)
        .await?;
    // Nor may they act for it any longer.
    sqlx::query("DELETE FROM household_delegates WHERE member_id = $1")
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    record(
        &mut tx,
        household_id,
        version,
        user_id,
        "member_declined",
        Some(crate::text::mask_identifier(national_id)),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The household, national ID and state of a member's claim: `None` when
/// the member lists no ID.
#[tracing::instrument(skip_all)]
pub async fn member_claim(
    db: &Db,
    member_id: i64,
) -> Result<Option<(i64, String, bool)>, sqlx::Error> {
    let sql = format!(
        "SELECT m.household_id, m.national_id, {ID_CONFIRMED} \
         FROM household_members m WHERE m.id = $1 AND m.national_id IS NOT NULL"
    );
    let row: Option<(i64, String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(member_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(household, id, confirmed)| (household, id, confirmed == 1)))
}

/// Staff of an association serving the household saw the member's documents
/// (`document`: which one): the ID becomes the household's, as if its holder
/// had confirmed it. Refused when the ID belongs to another household (the
/// duplicate review decides between them). Audited in the same transaction.
#[tracing::instrument(skip_all)]
pub async fn verify_claim(
    db: &Db,
    member_id: i64,
    national_id: &str,
    staff_user_id: i64,
    document: &str,
    event: crate::audit::AuditEvent<'_>,
) -> Result<(), RegistryError> {
    let mut tx = db.begin_write().await?;
    let (household_id, version) = claimed_member(&mut tx, member_id, national_id).await?;
    claim_identity(&mut tx, national_id, household_id, "member").await?;
    record(
        &mut tx,
        household_id,
        version,
        staff_user_id,
        "member_verified",
        None,
        Some(format!(
            "{} ({document})",
            crate::text::mask_identifier(national_id)
        )),
    )
    .await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(())
}
