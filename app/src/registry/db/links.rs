//! Which associations serve a household: the `household_associations` view
//! (migration 0015) is the only answer, for every domain. SQL elsewhere that
//! needs it (moderation queues, rosters, follow-up flags) reads the view.

use crate::database::Db;

/// The associations serving a household, in id order.
#[tracing::instrument(skip_all)]
pub async fn associations_serving(db: &Db, household_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT association_id FROM household_associations WHERE household_id = $1 \
         ORDER BY association_id",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Whether any of these associations serves the household.
#[tracing::instrument(skip_all)]
pub async fn served_by_any(
    db: &Db,
    household_id: i64,
    association_ids: &[i64],
) -> Result<bool, sqlx::Error> {
    let serving = associations_serving(db, household_id).await?;
    Ok(serving.iter().any(|id| association_ids.contains(id)))
}

/// The association a walk-in household was registered at (by its staff, at
/// the counter), if it walked in. A household merged into another answers
/// for the survivor too.
#[tracing::instrument(skip_all)]
pub async fn walked_in_at(db: &Db, household_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT w.association_id FROM walk_in_households w \
           JOIN households h ON h.id = w.household_id \
         WHERE h.id = $1 OR h.merged_into_id = $1 ORDER BY w.association_id",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
