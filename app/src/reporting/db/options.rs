//! The lists of the dashboard's filter form, and the checks of its values.

use super::super::Choice;
use crate::database::{Db, Sql};

async fn choices(db: &Db, sql: Sql) -> Result<Vec<Choice>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name_ar, name_en)| Choice {
            id,
            name_ar,
            name_en,
        })
        .collect())
}

/// Every association, by name.
pub async fn associations(db: &Db) -> Result<Vec<Choice>, sqlx::Error> {
    choices(
        db,
        Sql::new("SELECT id, name_ar, name_en FROM associations ORDER BY name_ar, id"),
    )
    .await
}

/// The active assistance types, in the catalogue's order.
pub async fn assistance_types(db: &Db) -> Result<Vec<Choice>, sqlx::Error> {
    choices(
        db,
        Sql::new(
            "SELECT id, name_ar, name_en FROM assistance_types WHERE active = 1 \
             ORDER BY sort_order, id",
        ),
    )
    .await
}

/// The cities, by name.
pub async fn cities(db: &Db) -> Result<Vec<Choice>, sqlx::Error> {
    choices(
        db,
        Sql::new("SELECT id, name_ar, name_en FROM cities ORDER BY name_ar, id"),
    )
    .await
}

/// The districts of a city, by name.
pub async fn districts(db: &Db, city_id: i64) -> Result<Vec<Choice>, sqlx::Error> {
    let mut sql = Sql::new("SELECT id, name_ar, name_en FROM districts WHERE city_id = ");
    sql.bind(city_id).push(" ORDER BY name_ar, id");
    choices(db, sql).await
}

/// The city of a district, or `None` for no such district.
pub async fn city_of(db: &Db, district_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let mut sql = Sql::new("SELECT city_id FROM districts WHERE id = ");
    sql.bind(district_id);
    let row: Option<(i64,)> = sql.query_as().fetch_optional(&db.pool).await?;
    Ok(row.map(|r| r.0))
}
