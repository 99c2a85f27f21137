//! SQL of the associations domain.

use super::{Association, AssociationFields, AssociationProfile, AssociationStatus, Logo};
use crate::database::{Db, is_unique_violation, now, stored};

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

/// All associations (suspended ones too, marked), by Arabic name.
pub async fn list(db: &Db) -> Result<Vec<Association>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, licence_number, name_ar, name_en, status FROM associations ORDER BY name_ar",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, licence_number, name_ar, name_en, status)| Association {
                id,
                licence_number,
                name_ar,
                name_en,
                active: status == AssociationStatus::Active.as_str(),
            },
        )
        .collect())
}

/// Why an association could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// Another association holds this licence number.
    #[error("licence number taken")]
    LicenceTaken,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

crate::db_failure!(SaveError);

/// The only unique column an edit can collide on is the licence number.
fn is_licence_conflict(error: &sqlx::Error) -> bool {
    is_unique_violation(error)
}

/// Creates an association (active); returns its id.
pub async fn create(db: &Db, fields: &AssociationFields) -> Result<i64, SaveError> {
    let result: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO associations (licence_number, name_ar, name_en, city_id, contact_name, \
         phone, email, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(&fields.licence_number)
    .bind(&fields.name_ar)
    .bind(&fields.name_en)
    .bind(fields.city_id)
    .bind(fields.contact_name.as_deref())
    .bind(fields.phone.as_deref())
    .bind(fields.email.as_deref())
    .bind(now())
    .fetch_one(&db.pool)
    .await;
    match result {
        Ok((id,)) => Ok(id),
        Err(e) if is_licence_conflict(&e) => Err(SaveError::LicenceTaken),
        Err(e) => Err(e.into()),
    }
}

/// Updates an association's card; `false` when there is no such association.
pub async fn update(db: &Db, id: i64, fields: &AssociationFields) -> Result<bool, SaveError> {
    let result = sqlx::query(
        "UPDATE associations SET licence_number = $2, name_ar = $3, name_en = $4, city_id = $5, \
         contact_name = $6, phone = $7, email = $8 WHERE id = $1",
    )
    .bind(id)
    .bind(&fields.licence_number)
    .bind(&fields.name_ar)
    .bind(&fields.name_en)
    .bind(fields.city_id)
    .bind(fields.contact_name.as_deref())
    .bind(fields.phone.as_deref())
    .bind(fields.email.as_deref())
    .execute(&db.pool)
    .await;
    match result {
        Ok(done) => Ok(done.rows_affected() == 1),
        Err(e) if is_licence_conflict(&e) => Err(SaveError::LicenceTaken),
        Err(e) => Err(e.into()),
    }
}

/// Suspends or reactivates an association, with the council's reason;
/// `false` when it already had that status (or does not exist).
pub async fn set_status(
    db: &Db,
    id: i64,
    status: AssociationStatus,
    reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE associations SET status = $2, status_reason = $3, status_changed_at = $4 \
         WHERE id = $1 AND status <> $2",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(reason)
    .bind(now())
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// id, licence, names, city, contact, phone, email, status, reason, changed, created
type ProfileRow = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<i64>,
    i64,
    Option<String>,
    Option<i64>,
);

/// One association's card.
pub async fn profile(db: &Db, id: i64) -> Result<Option<AssociationProfile>, sqlx::Error> {
    let row: Option<ProfileRow> = sqlx::query_as(
        "SELECT id, licence_number, name_ar, name_en, city_id, contact_name, phone, email, \
         status, status_reason, status_changed_at, created_at, logo_key, logo_width \
         FROM associations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(
        |(
            id,
            licence_number,
            name_ar,
            name_en,
            city_id,
            contact_name,
            phone,
            email,
            status,
            status_reason,
            status_changed_at,
            created_at,
            logo_key,
            logo_width,
        )| {
            Ok(AssociationProfile {
                id,
                licence_number,
                name_ar,
                name_en,
                city_id,
                contact_name,
                phone,
                email,
                status: stored("associations.status", &status, AssociationStatus::parse)?,
                status_reason,
                status_changed_at,
                created_at,
                logo: Logo::from_columns(logo_key, logo_width),
            })
        },
    )
    .transpose()
}

/// Sets an association's logo; the previous one, if any, so its files can
/// be removed.
pub async fn set_logo(db: &Db, id: i64, logo: &Logo) -> Result<Option<Logo>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let previous: Option<(Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT logo_key, logo_width FROM associations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    sqlx::query("UPDATE associations SET logo_key = $2, logo_width = $3 WHERE id = $1")
        .bind(id)
        .bind(&logo.key)
        .bind(i64::from(logo.width))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(previous.and_then(|(key, width)| Logo::from_columns(key, width)))
}

/// The stored width of the logo with this key, if it is an association's logo.
pub async fn logo_width(db: &Db, key: &str) -> Result<Option<u32>, sqlx::Error> {
    let row: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT logo_width FROM associations WHERE logo_key = $1")
            .bind(key)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.and_then(|(w,)| w).and_then(|w| u32::try_from(w).ok()))
}
