//! SQL of the registry: households, members, the identity index that keeps
//! one household per person, and the field-by-field history.

use sqlx::{Any, Transaction};

mod bulk;
mod claims;
mod delegates;
pub mod duplicates;
mod history;
mod links;
mod members;
pub mod name_keys;
pub use bulk::{
    IdentityHolder, NewHousehold, Registered, households_of_heads, identity_holders,
    register_imported,
};
pub use claims::{
    PendingClaim, confirm_claim, decline_claim, member_claim, pending_claims, verify_claim,
};
pub use delegates::{
    DelegateError, acting_for, is_member_of_any, record_act, record_act_now, set_delegate,
};
pub use history::history;
pub(in crate::registry) use history::{next_version, record};
pub use links::{associations_serving, served_by_any, walked_in_at};
pub use members::{add_member, remove_member};

use super::{Household, HouseholdStatus, Member};

/// 1 when member `m`'s national ID is the household's (confirmed by its
/// holder or by staff), 0 while it is only a claim.
const ID_CONFIRMED: &str = "CASE WHEN EXISTS (SELECT 1 FROM household_identities i \
     WHERE i.national_id = m.national_id AND i.household_id = m.household_id) THEN 1 ELSE 0 END";
use crate::database::{Db, is_unique_violation, now, stored};

/// Why a registry write was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("this national ID already belongs to another household")]
    PersonInOtherHousehold,
    #[error("no such household or member")]
    NotFound,
    #[error("too many members with a national ID added today")]
    TooManyClaims,
    #[error("this national ID is already listed in this household")]
    AlreadyListed,
    #[error("{0} is not an editable household field")]
    NotEditable(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

crate::db_failure!(RegistryError);

/// A value of one editable household field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    Text(Option<String>),
    Int(Option<i64>),
}

impl FieldValue {
    fn display(&self) -> Option<String> {
        match self {
            FieldValue::Text(v) => v.clone(),
            FieldValue::Int(v) => v.map(|n| n.to_string()),
        }
    }
}

/// The editable fields, by column name: the only names spliced into SQL.
pub const EDITABLE_FIELDS: [&str; 6] = [
    "phone",
    "district_id",
    "address",
    "income_bracket",
    "dependants",
    "crafts",
];

type HouseholdRow = (
    i64,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    i64,
    String,
    i64,
);

/// The household whose head holds this national ID.
#[tracing::instrument(skip_all)]
pub async fn household_of_head(
    db: &Db,
    national_id: &str,
) -> Result<Option<Household>, sqlx::Error> {
    match household_id_of_head(db, national_id).await? {
        Some(id) => load(db, id).await,
        None => Ok(None),
    }
}

/// The id of the household whose head holds this national ID.
#[tracing::instrument(skip_all)]
pub async fn household_id_of_head(db: &Db, national_id: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> =
        // A household merged into another (duplicate review) answers with the survivor.
        sqlx::query_as(
            "SELECT COALESCE(merged_into_id, id) FROM households WHERE head_national_id = $1",
        )
            .bind(national_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(id,)| id))
}

/// The head's account, once the head has signed in.
#[tracing::instrument(skip_all)]
pub async fn head_user_id(db: &Db, household_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT head_user_id FROM households WHERE id = $1")
            .bind(household_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.and_then(|(id,)| id))
}

/// The head's national ID (shown masked to staff).
#[tracing::instrument(skip_all)]
pub async fn head_national_id(db: &Db, household_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT head_national_id FROM households WHERE id = $1")
            .bind(household_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(id,)| id))
}

/// id, name, relation, birth date, national ID, ID confirmed, may act
type MemberRow = (i64, String, String, String, Option<String>, i64, i64);

/// A household with its members.
#[tracing::instrument(skip_all)]
pub async fn load(db: &Db, household_id: i64) -> Result<Option<Household>, sqlx::Error> {
    let row: Option<HouseholdRow> = sqlx::query_as(
        "SELECT id, head_name_ar, phone, district_id, address, income_bracket, dependants, crafts, \
           verified, status, version FROM households WHERE id = $1",
    )
    .bind(household_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((
        id,
        head_name_ar,
        phone,
        district_id,
        address,
        income_bracket,
        dependants,
        crafts,
        verified,
        status,
        version,
    )) = row
    else {
        return Ok(None);
    };
    let sql = format!(
        "SELECT m.id, m.full_name, m.relation, m.birth_date, m.national_id, {ID_CONFIRMED}, \
           CASE WHEN EXISTS (SELECT 1 FROM household_delegates d WHERE d.member_id = m.id) \
             THEN 1 ELSE 0 END \
         FROM household_members m WHERE m.household_id = $1 ORDER BY m.id"
    );
    let members: Vec<MemberRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(&db.pool)
        .await?;
    Ok(Some(Household {
        id,
        head_name_ar,
        phone,
        district_id,
        address,
        income_bracket,
        dependants,
        crafts: crafts
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        verified: verified == 1,
        status: stored("households.status", &status, HouseholdStatus::parse)?,
        version,
        members: members
            .into_iter()
            .map(
                |(id, full_name, relation, birth_date, national_id, confirmed, may_act)| Member {
                    id,
                    full_name,
                    relation,
                    birth_date,
                    national_id,
                    id_confirmed: confirmed == 1,
                    may_act: confirmed == 1 && may_act == 1,
                },
            )
            .collect(),
    }))
}

/// Opens (or finds) the draft household of this head. `verified` is true
/// when the head registers themself after Nafath; a staff walk-in
/// registration starts unverified.
#[tracing::instrument(skip_all)]
pub async fn open_household(
    db: &Db,
    head_national_id: &str,
    head_name_ar: &str,
    head_user_id: Option<i64>,
    registered_by: i64,
    verified: bool,
) -> Result<i64, RegistryError> {
    if let Some(id) = household_id_of_head(db, head_national_id).await? {
        return Ok(id);
    }
    let mut tx = db.begin_write().await?;
    let id = match insert_household(
        &mut tx,
        head_national_id,
        head_name_ar,
        head_user_id,
        registered_by,
        verified,
    )
    .await
    {
        Ok(id) => id,
        // Another request created it a moment ago: use that one.
        Err(RegistryError::Database(e)) if is_unique_violation(&e) => {
            drop(tx);
            return household_id_of_head(db, head_national_id)
                .await?
                .ok_or(RegistryError::NotFound);
        }
        Err(e) => return Err(e),
    };
    tx.commit().await?;
    Ok(id)
}

/// Staff register a walk-in household (unverified until its head signs in
/// with Nafath and submits it) with its first fields, and `audit`, all in
/// one transaction: it exists whole or not at all. `audit` gets the new
/// household as its subject. The household is linked to the association it
/// walked in at (`walk_in_households`).
#[tracing::instrument(skip_all)]
pub async fn register_walk_in(
    db: &Db,
    head_national_id: &str,
    head_name_ar: &str,
    registered_by: i64,
    association_id: i64,
    fields: &[(&str, FieldValue)],
    audit: crate::audit::AuditEvent<'_>,
) -> Result<i64, RegistryError> {
    let mut tx = db.begin_write().await?;
    let id = insert_household(
        &mut tx,
        head_national_id,
        head_name_ar,
        None,
        registered_by,
        false,
    )
    .await
    .map_err(|e| match e {
        RegistryError::Database(e) if is_unique_violation(&e) => {
            RegistryError::PersonInOtherHousehold
        }
        e => e,
    })?;
    update_fields_in(&mut tx, id, registered_by, fields).await?;
    sqlx::query(
        "INSERT INTO walk_in_households (household_id, association_id, registered_at) \
         VALUES ($1, $2, $3)",
    )
    .bind(id)
    .bind(association_id)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    let audit = audit.subject("household", id);
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(id)
}

/// Inserts a household and its head's identity, with the first history entry.
async fn insert_household(
    tx: &mut Transaction<'_, Any>,
    head_national_id: &str,
    head_name_ar: &str,
    head_user_id: Option<i64>,
    registered_by: i64,
    verified: bool,
) -> Result<i64, RegistryError> {
    let at = now();
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO households (head_user_id, head_national_id, head_name_ar, verified, \
           registered_by_user_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(head_user_id)
    .bind(head_national_id)
    .bind(head_name_ar)
    .bind(i64::from(verified))
    .bind(registered_by)
    .bind(at)
    .fetch_one(&mut **tx)
    .await;
    let (id,) = inserted?;
    claim_identity(tx, head_national_id, id, "head").await?;
    name_keys::insert(tx, std::iter::once((id, name_keys::HEAD, head_name_ar))).await?;
    record(
        tx,
        id,
        1,
        registered_by,
        "household_opened",
        None,
        Some(head_name_ar.to_string()),
    )
    .await?;
    Ok(id)
}

async fn claim_identity(
    tx: &mut Transaction<'_, Any>,
    national_id: &str,
    household_id: i64,
    role: &str,
) -> Result<(), RegistryError> {
    sqlx::query(
        "INSERT INTO household_identities (national_id, household_id, role) VALUES ($1, $2, $3)",
    )
    .bind(national_id)
    .bind(household_id)
    .bind(role)
    .execute(&mut **tx)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            RegistryError::PersonInOtherHousehold
        } else {
            e.into()
        }
    })?;
    Ok(())
}

/// Sets fields of a household; each change (and only a change) is recorded
/// with its old and new value under one new version.
#[tracing::instrument(skip_all)]
pub async fn update_fields(
    db: &Db,
    household_id: i64,
    changed_by: i64,
    fields: &[(&str, FieldValue)],
) -> Result<(), RegistryError> {
    let mut tx = db.begin_write().await?;
    update_fields_in(&mut tx, household_id, changed_by, fields).await?;
    tx.commit().await?;
    Ok(())
}

/// [`update_fields`] inside the caller's transaction.
async fn update_fields_in(
    tx: &mut Transaction<'_, Any>,
    household_id: i64,
    changed_by: i64,
    fields: &[(&str, FieldValue)],
) -> Result<(), RegistryError> {
    let mut version = None;
    for (field, value) in fields {
        assert!(
            EDITABLE_FIELDS.contains(field),
            "not an editable field: {field}"
        );
        let current: Option<String> = match value {
            FieldValue::Text(_) => {
                sqlx::query_as::<_, (Option<String>,)>(sqlx::AssertSqlSafe(format!(
                    "SELECT {field} FROM households WHERE id = $1"
                )))
                .bind(household_id)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(RegistryError::NotFound)?
                .0
            }
            FieldValue::Int(_) => sqlx::query_as::<_, (Option<i64>,)>(sqlx::AssertSqlSafe(
                format!("SELECT {field} FROM households WHERE id = $1"),
            ))
            .bind(household_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(RegistryError::NotFound)?
            .0
            .map(|n| n.to_string()),
        };
        let new = value.display();
        if current == new {
            continue;
        }
        let v = match version {
            Some(v) => v,
            None => {
                let v = next_version(tx, household_id).await?;
                version = Some(v);
                v
            }
        };
        let update = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE households SET {field} = $2 WHERE id = $1"
        )))
        .bind(household_id);
        match value {
            FieldValue::Text(t) => update.bind(t.clone()),
            FieldValue::Int(n) => update.bind(*n),
        }
        .execute(&mut **tx)
        .await?;
        record(tx, household_id, v, changed_by, field, current, new).await?;
    }
    Ok(())
}

/// Marks the household registered with the privacy consent (version and time).
#[tracing::instrument(skip_all)]
pub async fn submit(
    db: &Db,
    household_id: i64,
    changed_by: i64,
    consent_version: &str,
) -> Result<(), RegistryError> {
    let mut tx = db.begin_write().await?;
    let version = next_version(&mut tx, household_id).await?;
    // The head submits it themself, signed in with Nafath: a walk-in record
    // registered by staff becomes verified here, and is linked to the head's account.
    sqlx::query(
        "UPDATE households SET status = 'registered', consent_version = $2, consent_at = $3, \
           verified = 1, head_user_id = COALESCE(head_user_id, $4) WHERE id = $1",
    )
    .bind(household_id)
    .bind(consent_version)
    .bind(now())
    .bind(changed_by)
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        household_id,
        version,
        changed_by,
        "registered",
        None,
        Some(consent_version.to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a district exists.
#[tracing::instrument(skip_all)]
pub async fn district_exists(db: &Db, district_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM districts WHERE id = $1")
        .bind(district_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}
