//! The field-by-field history of a household: one version per change,
//! each entry with its old and new value.

use sqlx::{Any, Transaction};

use super::RegistryError;
use crate::database::{Db, now};
use crate::registry::HouseholdChange;

/// Writes one history entry of a household version.
pub(in crate::registry) async fn record(
    tx: &mut Transaction<'_, Any>,
    household_id: i64,
    version: i64,
    changed_by: i64,
    field: &str,
    old_value: Option<String>,
    new_value: Option<String>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO household_changes (household_id, version, changed_by, changed_at, field, old_value, new_value) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(household_id)
    .bind(version)
    .bind(changed_by)
    .bind(now())
    .bind(field)
    .bind(old_value)
    .bind(new_value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Bumps the version and returns the new one (the row lock serializes writers).
pub(in crate::registry) async fn next_version(
    tx: &mut Transaction<'_, Any>,
    household_id: i64,
) -> Result<i64, RegistryError> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE households SET version = version + 1, updated_at = $2 WHERE id = $1 RETURNING version",
    )
    .bind(household_id)
    .bind(now())
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|(v,)| v).ok_or(RegistryError::NotFound)
}

/// version, changed by (name), changed at, field, old value, new value
type ChangeRow = (
    i64,
    Option<String>,
    i64,
    String,
    Option<String>,
    Option<String>,
);

/// The history, newest first.
#[tracing::instrument(skip_all)]
pub async fn history(db: &Db, household_id: i64) -> Result<Vec<HouseholdChange>, sqlx::Error> {
    let rows: Vec<ChangeRow> = sqlx::query_as(
        "SELECT c.version, u.name_ar, c.changed_at, c.field, c.old_value, c.new_value \
         FROM household_changes c LEFT JOIN users u ON u.id = c.changed_by \
         WHERE c.household_id = $1 ORDER BY c.version DESC, c.id DESC",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(version, changed_by_name, changed_at, field, old_value, new_value)| HouseholdChange {
                version,
                changed_by_name,
                changed_at,
                field,
                old_value,
                new_value,
            },
        )
        .collect())
}
