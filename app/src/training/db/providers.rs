//! Providers (training centers and associations), their staff, and the trainer registry.

use crate::audit::AuditEvent;
use crate::database::{Db, now};
use crate::training::{Provider, Specialty, Trainer};

/// Every provider, by name.
#[tracing::instrument(skip_all)]
pub async fn providers(db: &Db) -> Result<Vec<Provider>, sqlx::Error> {
    let rows: Vec<(i64, Option<i64>, String, String)> = sqlx::query_as(
        "SELECT id, association_id, name_ar, name_en FROM training_providers ORDER BY name_ar",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, association_id, name_ar, name_en)| Provider {
            id,
            association_id,
            name_ar,
            name_en,
        })
        .collect())
}

/// The providers a person acts for: centers that list them as staff and the
/// training providers of the associations they work for.
#[tracing::instrument(skip_all)]
pub async fn providers_of(
    db: &Db,
    user_id: i64,
    association_ids: &[i64],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids: Vec<i64> =
        sqlx::query_as::<_, (i64,)>("SELECT provider_id FROM provider_staff WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .map(|(id,)| id)
            .collect();
    // Read only: this runs on every page that checks rights; the rows are
    // created where a provider is chosen (`association_provider`).
    for association_id in association_ids {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM training_providers WHERE association_id = $1")
                .bind(association_id)
                .fetch_optional(&db.pool)
                .await?;
        ids.extend(row.map(|(id,)| id));
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The training provider of an association, created the first time it is
/// needed (every association may train its families and others').
#[tracing::instrument(skip_all)]
pub async fn association_provider(db: &Db, association_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO training_providers (kind, association_id, name_ar, name_en, phone, email, created_at) \
         SELECT 'association', id, name_ar, name_en, phone, email, $2 FROM associations WHERE id = $1 \
         ON CONFLICT (association_id) DO NOTHING",
    )
    .bind(association_id)
    .bind(now())
    .execute(&db.pool)
    .await?;
    let (id,): (i64,) =
        sqlx::query_as("SELECT id FROM training_providers WHERE association_id = $1")
            .bind(association_id)
            .fetch_one(&db.pool)
            .await?;
    Ok(id)
}

/// The training centers (not associations), with how many staff each lists.
#[tracing::instrument(skip_all)]
pub async fn centers(db: &Db) -> Result<Vec<(Provider, i64)>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT p.id, p.name_ar, p.name_en, \
           (SELECT COUNT(*) FROM provider_staff s WHERE s.provider_id = p.id) \
         FROM training_providers p WHERE p.kind = 'center' ORDER BY p.name_ar",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name_ar, name_en, staff)| {
            (
                Provider {
                    id,
                    association_id: None,
                    name_ar,
                    name_en,
                },
                staff,
            )
        })
        .collect())
}

/// Registers a training center (by the council), or finds it by its Arabic
/// name. `audit` is written with a new center, as its subject.
#[tracing::instrument(skip_all)]
pub async fn upsert_center(
    db: &Db,
    name_ar: &str,
    name_en: &str,
    audit: Option<AuditEvent<'_>>,
) -> Result<i64, sqlx::Error> {
    let existing: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM training_providers WHERE kind = 'center' AND name_ar = $1")
            .bind(name_ar)
            .fetch_optional(&db.pool)
            .await?;
    if let Some((id,)) = existing {
        return Ok(id);
    }
    let mut tx = db.begin_write().await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO training_providers (kind, name_ar, name_en, created_at) \
         VALUES ('center', $1, $2, $3) RETURNING id",
    )
    .bind(name_ar)
    .bind(name_en)
    .bind(now())
    .fetch_one(&mut *tx)
    .await?;
    if let Some(event) = audit {
        crate::audit::record_in(&mut tx, event.subject("training_provider", id)).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Lists a person as staff of a training center.
#[tracing::instrument(skip_all)]
pub async fn add_provider_staff(
    db: &Db,
    provider_id: i64,
    user_id: i64,
    audit: Option<AuditEvent<'_>>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO provider_staff (provider_id, user_id) VALUES ($1, $2) \
         ON CONFLICT (provider_id, user_id) DO NOTHING",
    )
    .bind(provider_id)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    if let Some(event) = audit {
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What a trainer form saves.
#[derive(Debug, Clone)]
pub struct TrainerInput {
    pub user_id: Option<i64>,
    pub name_ar: String,
    pub name_en: String,
    pub specialties: Vec<Specialty>,
    pub qualifications: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub provider_id: i64,
}

/// Adds a trainer to the registry (or, for a person already in it by
/// account, updates them) and links them to the provider. `audit` is written
/// with the change, the trainer as its subject.
#[tracing::instrument(skip_all)]
pub async fn save_trainer(
    db: &Db,
    input: &TrainerInput,
    by: Option<i64>,
    audit: Option<AuditEvent<'_>>,
) -> Result<i64, sqlx::Error> {
    let specialties = input
        .specialties
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",");
    let mut tx = db.begin_write().await?;
    let existing: Option<(i64,)> = match input.user_id {
        Some(user_id) => {
            sqlx::query_as("SELECT id FROM trainers WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?
        }
        None => None,
    };
    let id = match existing {
        Some((id,)) => {
            sqlx::query(
                "UPDATE trainers SET name_ar = $2, name_en = $3, specialties = $4, \
                 qualifications = $5, phone = $6, email = $7 WHERE id = $1",
            )
            .bind(id)
            .bind(&input.name_ar)
            .bind(&input.name_en)
            .bind(&specialties)
            .bind(&input.qualifications)
            .bind(&input.phone)
            .bind(&input.email)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO trainers (user_id, name_ar, name_en, specialties, qualifications, \
                 phone, email, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 RETURNING id",
            )
            .bind(input.user_id)
            .bind(&input.name_ar)
            .bind(&input.name_en)
            .bind(&specialties)
            .bind(&input.qualifications)
            .bind(&input.phone)
            .bind(&input.email)
            .bind(by)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?;
            id
        }
    };
    sqlx::query(
        "INSERT INTO trainer_providers (trainer_id, provider_id) VALUES ($1, $2) \
         ON CONFLICT (trainer_id, provider_id) DO NOTHING",
    )
    .bind(id)
    .bind(input.provider_id)
    .execute(&mut *tx)
    .await?;
    if let Some(event) = audit {
        crate::audit::record_in(&mut tx, event.subject("trainer", id)).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// A trainer as stored; `specialties` is a comma list.
#[derive(sqlx::FromRow)]
struct TrainerRow {
    id: i64,
    user_id: Option<i64>,
    name_ar: String,
    name_en: String,
    specialties: String,
    qualifications: String,
    phone: Option<String>,
    email: Option<String>,
}

/// The registry's rows, optionally of one specialty (`$1`, empty for any):
/// shared by [`trainers_count`] and [`trainers`]. Specialties are a short
/// comma list: ',' || list || ',' LIKE '%,code,%' finds one exactly on both
/// engines.
const TRAINERS_OF: &str = "FROM trainers t \
     WHERE $1 = '' OR (',' || t.specialties || ',') LIKE ('%,' || $1 || ',%')";

/// How many trainers the registry holds, optionally of one specialty.
#[tracing::instrument(skip_all)]
pub async fn trainers_count(db: &Db, specialty: Option<Specialty>) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) {TRAINERS_OF}"
    )))
    .bind(specialty.map(|s| s.as_str()).unwrap_or_default())
    .fetch_one(&db.pool)
    .await?;
    Ok(n)
}

/// A page of the registry, optionally of one specialty, by name; `limit`
/// from `offset`.
#[tracing::instrument(skip_all)]
pub async fn trainers(
    db: &Db,
    specialty: Option<Specialty>,
    limit: i64,
    offset: i64,
) -> Result<Vec<Trainer>, sqlx::Error> {
    let rows: Vec<TrainerRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT t.id, t.user_id, t.name_ar, t.name_en, t.specialties, t.qualifications, t.phone, \
           t.email {TRAINERS_OF} ORDER BY t.name_ar, t.id LIMIT $2 OFFSET $3"
    )))
    .bind(specialty.map(|s| s.as_str()).unwrap_or_default())
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?;
    let links: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT tp.trainer_id, p.name_ar, p.name_en FROM trainer_providers tp \
         JOIN training_providers p ON p.id = tp.provider_id ORDER BY p.name_ar",
    )
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let id = row.id;
            Ok(Trainer {
                id,
                user_id: row.user_id,
                name_ar: row.name_ar,
                name_en: row.name_en,
                specialties: Specialty::parse_list(&row.specialties),
                qualifications: row.qualifications,
                phone: row.phone,
                email: row.email,
                providers: links
                    .iter()
                    .filter(|(t, _, _)| *t == id)
                    .map(|(_, ar, en)| (ar.clone(), en.clone()))
                    .collect(),
            })
        })
        .collect()
}

/// Whether the registry has this trainer.
#[tracing::instrument(skip_all)]
pub async fn trainer_exists(db: &Db, trainer_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM trainers WHERE id = $1")
        .bind(trainer_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some())
}

/// The trainer record of a person's account.
#[tracing::instrument(skip_all)]
pub async fn trainer_of_user(db: &Db, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM trainers WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(id,)| id))
}

/// The account with this national ID, if the person has signed in once.
#[tracing::instrument(skip_all)]
pub async fn user_by_national_id(db: &Db, national_id: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE national_id = $1")
        .bind(national_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(id,)| id))
}
