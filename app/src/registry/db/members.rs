//! Members of a household: adding one (a national ID only as a claim) and
//! removing one, each a new version in the history.

use super::{RegistryError, next_version, record};
use crate::database::{Db, now};

/// How a member appears in the history.
fn member_summary(full_name: &str, relation: &str, birth_date: &str) -> String {
    format!("{full_name} ({relation}, {birth_date})")
}

/// Members with a national ID a household may add in a day, and hold.
const CLAIMS_PER_DAY: i64 = 10;
const CLAIMS_HELD: i64 = 20;

/// Adds a member. A national ID given for a member is only a *claim*: it
/// becomes the member's (and counts in `household_identities`) when that
/// person signs in and confirms it ([`confirm_claim`](super::confirm_claim)). So a claim never
/// blocks the real person from registering or applying, and the answer is the
/// same whether the ID is known or not; a claim on an ID some household
/// already holds shows up in the council's duplicate review.
#[tracing::instrument(skip_all)]
pub async fn add_member(
    db: &Db,
    household_id: i64,
    changed_by: i64,
    full_name: &str,
    relation: &str,
    birth_date: &str,
    national_id: Option<&str>,
) -> Result<i64, RegistryError> {
    let mut tx = db.begin_write().await?;
    let version = next_version(&mut tx, household_id).await?;
    if national_id.is_some() {
        let (today, held): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN created_at > $2 THEN 1 ELSE 0 END), 0), COUNT(*) \
             FROM household_members WHERE household_id = $1 AND national_id IS NOT NULL",
        )
        .bind(household_id)
        .bind(now() - 86_400)
        .fetch_one(&mut *tx)
        .await?;
        if today >= CLAIMS_PER_DAY || held >= CLAIMS_HELD {
            return Err(RegistryError::TooManyClaims);
        }
        let (listed,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM household_members WHERE household_id = $1 AND national_id = $2",
        )
        .bind(household_id)
        .bind(national_id)
        .fetch_one(&mut *tx)
        .await?;
        if listed > 0 {
            return Err(RegistryError::AlreadyListed);
        }
    }
    let (member_id,): (i64,) = sqlx::query_as(
        "INSERT INTO household_members (household_id, full_name, relation, birth_date, national_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(household_id)
    .bind(full_name)
    .bind(relation)
    .bind(birth_date)
    .bind(national_id)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    let summary = member_summary(full_name, relation, birth_date);
    record(
        &mut tx,
        household_id,
        version,
        changed_by,
        "member_added",
        None,
        Some(summary),
    )
    .await?;
    super::name_keys::insert(
        &mut tx,
        std::iter::once((household_id, member_id, full_name)),
    )
    .await?;
    tx.commit().await?;
    Ok(member_id)
}

/// Removes a member of this household (and frees their national ID).
#[tracing::instrument(skip_all)]
pub async fn remove_member(
    db: &Db,
    household_id: i64,
    changed_by: i64,
    member_id: i64,
) -> Result<(), RegistryError> {
    let mut tx = db.begin_write().await?;
    let member: Option<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT full_name, relation, birth_date, national_id FROM household_members WHERE id = $1 AND household_id = $2",
    )
    .bind(member_id)
    .bind(household_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (full_name, relation, birth_date, national_id) = member.ok_or(RegistryError::NotFound)?;
    let version = next_version(&mut tx, household_id).await?;
    sqlx::query("DELETE FROM household_members WHERE id = $1")
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM household_name_keys WHERE household_id = $1 AND person = $2")
        .bind(household_id)
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
    if let Some(id) = national_id {
        sqlx::query(
            "DELETE FROM household_identities WHERE national_id = $1 AND household_id = $2",
        )
        .bind(id)
        .bind(household_id)
        .execute(&mut *tx)
        .await?;
    }
    let summary = member_summary(&full_name, &relation, &birth_date);
    record(
        &mut tx,
        household_id,
        version,
        changed_by,
        "member_removed",
        Some(summary),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
