//! SQL of the assistance-type catalogue.

use super::{AssistanceType, SEED_CATALOGUE};
use crate::database::Db;

/// Inserts the seed catalogue; existing codes are left alone (the council may
/// have renamed them).
pub async fn seed(db: &Db) -> Result<usize, sqlx::Error> {
    for (order, (code, name_ar, name_en)) in SEED_CATALOGUE.iter().enumerate() {
        sqlx::query(
            "INSERT INTO assistance_types (code, name_ar, name_en, sort_order) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (code) DO NOTHING",
        )
        .bind(code)
        .bind(name_ar)
        .bind(name_en)
        .bind(order as i64)
        .execute(&db.pool)
        .await?;
    }
    Ok(SEED_CATALOGUE.len())
}

/// The active types in catalogue order.
pub async fn list_active(db: &Db) -> Result<Vec<AssistanceType>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, code, name_ar, name_en FROM assistance_types WHERE active = 1 ORDER BY sort_order, id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name_ar, name_en)| AssistanceType {
            id,
            code,
            name_ar,
            name_en,
        })
        .collect())
}

/// Each assistance type's cooldown in days (after a fulfilled line).
pub async fn cooldown_days(db: &Db) -> Result<std::collections::HashMap<i64, i64>, sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT id, cooldown_days FROM assistance_types")
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().collect())
}
