//! SQL of the assistance-type catalogue.

use super::{AssistanceType, CatalogueEntry, DocumentKind, SEED_CATALOGUE};
use crate::database::{Db, is_unique_violation};

/// Inserts the seed catalogue; existing codes are left alone (the council may
/// have renamed them).
pub async fn seed(db: &Db) -> Result<usize, sqlx::Error> {
    for (order, (code, name_ar, name_en)) in SEED_CATALOGUE.iter().enumerate() {
        sqlx::query(
            "INSERT INTO assistance_types (code, name_ar, name_en, sort_order, asks_amount) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING",
        )
        .bind(code)
        .bind(name_ar)
        .bind(name_en)
        .bind(order as i64)
        .bind(i64::from(*code == "financing"))
        .execute(&db.pool)
        .await?;
    }
    Ok(SEED_CATALOGUE.len())
}

/// The active types in catalogue order.
pub async fn list_active(db: &Db) -> Result<Vec<AssistanceType>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, code, name_ar, name_en, asks_amount FROM assistance_types WHERE active = 1 \
         ORDER BY sort_order, id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, code, name_ar, name_en, asks_amount)| AssistanceType {
            id,
            code,
            name_ar,
            name_en,
            asks_amount: asks_amount == 1,
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

/// id, code, names, cooldown, asks amount, active, order, lines
type EntryRow = (i64, String, String, String, i64, i64, i64, i64, i64);

/// The whole catalogue, retired types included, with each type's history count.
pub async fn catalogue(db: &Db) -> Result<Vec<CatalogueEntry>, sqlx::Error> {
    let rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT t.id, t.code, t.name_ar, t.name_en, t.cooldown_days, t.asks_amount, t.active, \
         t.sort_order, (SELECT COUNT(*) FROM application_lines l WHERE l.assistance_type_id = t.id) \
         FROM assistance_types t ORDER BY t.active DESC, t.sort_order, t.id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                code,
                name_ar,
                name_en,
                cooldown_days,
                asks_amount,
                active,
                sort_order,
                lines,
            )| {
                CatalogueEntry {
                    id,
                    code,
                    name_ar,
                    name_en,
                    cooldown_days,
                    asks_amount: asks_amount == 1,
                    active: active == 1,
                    sort_order,
                    lines,
                }
            },
        )
        .collect())
}

/// The editable fields of a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeFields {
    pub name_ar: String,
    pub name_en: String,
    pub cooldown_days: i64,
    pub asks_amount: bool,
    pub active: bool,
}

/// Adds a type at the end of the catalogue; `None` when the code is taken.
pub async fn add_type(
    db: &Db,
    code: &str,
    fields: &TypeFields,
) -> Result<Option<i64>, sqlx::Error> {
    let result: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO assistance_types (code, name_ar, name_en, cooldown_days, asks_amount, active, \
         sort_order) VALUES ($1, $2, $3, $4, $5, $6, \
         (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM assistance_types)) RETURNING id",
    )
    .bind(code)
    .bind(&fields.name_ar)
    .bind(&fields.name_en)
    .bind(fields.cooldown_days)
    .bind(i64::from(fields.asks_amount))
    .bind(i64::from(fields.active))
    .fetch_one(&db.pool)
    .await;
    match result {
        Ok((id,)) => Ok(Some(id)),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Saves a type's fields (its code never changes: exports and history name
/// it); `false` when there is no such type.
pub async fn update_type(db: &Db, id: i64, fields: &TypeFields) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE assistance_types SET name_ar = $2, name_en = $3, cooldown_days = $4, \
         asks_amount = $5, active = $6 WHERE id = $1",
    )
    .bind(id)
    .bind(&fields.name_ar)
    .bind(&fields.name_en)
    .bind(fields.cooldown_days)
    .bind(i64::from(fields.asks_amount))
    .bind(i64::from(fields.active))
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// id, type, names, required, active
type KindRow = (i64, i64, String, String, i64, i64);

fn kind_of((id, assistance_type_id, name_ar, name_en, required, active): KindRow) -> DocumentKind {
    DocumentKind {
        id,
        assistance_type_id,
        name_ar,
        name_en,
        required: required == 1,
        active: active == 1,
    }
}

/// Every document kind of every type (retired ones with `active` false), in
/// the order the council added them.
pub async fn document_kinds(db: &Db) -> Result<Vec<DocumentKind>, sqlx::Error> {
    let rows: Vec<KindRow> = sqlx::query_as(
        "SELECT id, assistance_type_id, name_ar, name_en, required, active FROM document_kinds \
         ORDER BY assistance_type_id, sort_order, id",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(kind_of).collect())
}

/// One document kind.
pub async fn document_kind(db: &Db, id: i64) -> Result<Option<DocumentKind>, sqlx::Error> {
    let row: Option<KindRow> = sqlx::query_as(
        "SELECT id, assistance_type_id, name_ar, name_en, required, active FROM document_kinds \
         WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(kind_of))
}

/// The editable fields of a document kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindFields {
    pub name_ar: String,
    pub name_en: String,
    pub required: bool,
    pub active: bool,
}

/// Adds a document kind at the end of its type's list; `None` when there is
/// no such type.
pub async fn add_document_kind(
    db: &Db,
    assistance_type_id: i64,
    fields: &KindFields,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO document_kinds (assistance_type_id, name_ar, name_en, required, active, \
           sort_order, created_at) \
         SELECT t.id, $2, $3, $4, $5, \
           (SELECT COALESCE(MAX(k.sort_order), 0) + 1 FROM document_kinds k \
             WHERE k.assistance_type_id = t.id), $6 \
         FROM assistance_types t WHERE t.id = $1 RETURNING id",
    )
    .bind(assistance_type_id)
    .bind(&fields.name_ar)
    .bind(&fields.name_en)
    .bind(i64::from(fields.required))
    .bind(i64::from(fields.active))
    .bind(crate::database::now())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Saves a document kind's fields; `false` when there is no such kind.
pub async fn update_document_kind(
    db: &Db,
    id: i64,
    fields: &KindFields,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE document_kinds SET name_ar = $2, name_en = $3, required = $4, active = $5 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(&fields.name_ar)
    .bind(&fields.name_en)
    .bind(i64::from(fields.required))
    .bind(i64::from(fields.active))
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}
