//! SQL of the associations domain.

use super::Association;
use crate::database::{Db, now};

/// Creates an association unless its licence number exists; returns its id.
pub async fn upsert(
    db: &Db,
    licence_number: &str,
    name_ar: &str,
    name_en: &str,
    phone: Option<&str>,
    email: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO associations (licence_number, name_ar, name_en, phone, email, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (licence_number) DO UPDATE SET licence_number = associations.licence_number \
         RETURNING id",
    )
    .bind(licence_number)
    .bind(name_ar)
    .bind(name_en)
    .bind(phone)
    .bind(email)
    .bind(now())
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

/// All associations, by Arabic name.
pub async fn list(db: &Db) -> Result<Vec<Association>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, licence_number, name_ar, name_en FROM associations ORDER BY name_ar",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, licence_number, name_ar, name_en)| Association {
            id,
            licence_number,
            name_ar,
            name_en,
        })
        .collect())
}
