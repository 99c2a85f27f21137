//! SQL of products: the family's edits, review and publication, the text
//! index entry, and the product cards of the public pages.

use sqlx::{Any, Row, Transaction};

use super::{MarketError, PlaceOf, attach_photos, copy_shop_place, photos_of};
use crate::audit::AuditEvent;
use crate::database::{Db, Engine, now, stored};
use crate::marketplace::{
    Availability, Category, Photo, Product, ProductCard, ProductStatus, search_document,
};

/// What the family writes about a product.
#[derive(Debug, Clone)]
pub struct ProductInput {
    pub title_ar: String,
    pub title_en: Option<String>,
    pub description_ar: String,
    pub description_en: Option<String>,
    pub category: Category,
    pub price_halalas: i64,
    pub unit_ar: String,
    pub availability: Availability,
    pub lead_time_days: Option<i64>,
}

/// Brings a product's entry in the text index in line with the product: its
/// current text and shop names while it is published (under its publication
/// number), no entry otherwise.
#[tracing::instrument(skip_all)]
pub(super) async fn sync_search(
    tx: &mut Transaction<'static, Any>,
    engine: Engine,
    product_id: i64,
) -> Result<(), sqlx::Error> {
    let row = sqlx::query(
        "SELECT p.title_ar, p.title_en, p.description_ar, p.description_en, p.category, \
           s.name_ar, s.name_en, p.status, p.published_seq \
         FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = $1",
    )
    .bind(product_id)
    .fetch_one(&mut **tx)
    .await?;
    let published_seq: Option<i64> = row.try_get(8)?;
    let Some(seq) = published_seq else {
        // Never published: never indexed.
        return Ok(());
    };
    match engine {
        Engine::Sqlite => sqlx::query("DELETE FROM product_search WHERE rowid = $1").bind(seq),
        Engine::Postgres => {
            sqlx::query("DELETE FROM product_search WHERE product_id = $1").bind(product_id)
        }
    }
    .execute(&mut **tx)
    .await?;
    if row.try_get::<String, _>(7)? != ProductStatus::Published.as_str() {
        return Ok(());
    }
    let text = |i: usize| -> Result<String, sqlx::Error> {
        Ok(row.try_get::<Option<String>, _>(i)?.unwrap_or_default())
    };
    let category = stored("category", &text(4)?, Category::parse)?;
    let (category_ar, category_en) = category.names();
    let body = search_document(&[
        &text(0)?,
        &text(1)?,
        &text(2)?,
        &text(3)?,
        category_ar,
        category_en,
        &text(5)?,
        &text(6)?,
    ]);
    match engine {
        Engine::Sqlite => sqlx::query("INSERT INTO product_search (rowid, body) VALUES ($1, $2)")
            .bind(seq)
            .bind(&body),
        Engine::Postgres => sqlx::query(
            "INSERT INTO product_search (published_seq, product_id, body) VALUES ($1, $2, $3)",
        )
        .bind(seq)
        .bind(product_id)
        .bind(&body),
    }
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Title, English title, description, English description and status: what
/// decides whether an edit goes back to review.
type ReviewedText = (String, Option<String>, String, Option<String>, String);

/// Creates a draft product, or saves an edit (a published product returns to
/// review when its title or description changed); returns its id.
#[tracing::instrument(skip_all)]
pub async fn save_product(
    db: &Db,
    shop_id: i64,
    product_id: Option<i64>,
    input: &ProductInput,
) -> Result<i64, MarketError> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let id = match product_id {
        Some(id) => {
            let row: Option<ReviewedText> = sqlx::query_as(
                "SELECT title_ar, title_en, description_ar, description_en, status \
                     FROM products WHERE id = $1 AND shop_id = $2",
            )
            .bind(id)
            .bind(shop_id)
            .fetch_optional(&mut *tx)
            .await?;
            let (title_ar, title_en, description_ar, description_en, status) =
                row.ok_or(MarketError::NotFound)?;
            let reviewed_changed = title_ar != input.title_ar
                || title_en != input.title_en
                || description_ar != input.description_ar
                || description_en != input.description_en;
            let status =
                stored("status", &status, ProductStatus::parse)?.after_edit(reviewed_changed);
            sqlx::query(
                "UPDATE products SET title_ar = $1, title_en = $2, description_ar = $3, \
                   description_en = $4, category = $5, price_halalas = $6, unit_ar = $7, \
                   availability = $8, lead_time_days = $9, status = $10, updated_at = $11 \
                 WHERE id = $12",
            )
            .bind(&input.title_ar)
            .bind(&input.title_en)
            .bind(&input.description_ar)
            .bind(&input.description_en)
            .bind(input.category.as_str())
            .bind(input.price_halalas)
            .bind(&input.unit_ar)
            .bind(input.availability.as_str())
            .bind(input.lead_time_days)
            .bind(status.as_str())
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO products (shop_id, title_ar, title_en, description_ar, \
                   description_en, category, price_halalas, unit_ar, availability, \
                   lead_time_days, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $11) RETURNING id",
            )
            .bind(shop_id)
            .bind(&input.title_ar)
            .bind(&input.title_en)
            .bind(&input.description_ar)
            .bind(&input.description_en)
            .bind(input.category.as_str())
            .bind(input.price_halalas)
            .bind(&input.unit_ar)
            .bind(input.availability.as_str())
            .bind(input.lead_time_days)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            copy_shop_place(&mut tx, PlaceOf::Product(id)).await?;
            id
        }
    };
    sync_search(&mut tx, db.engine, id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Sends a draft or rejected product to review; `audit` is written with it.
#[tracing::instrument(skip_all)]
pub async fn submit_for_review(
    db: &Db,
    shop_id: i64,
    product_id: i64,
    audit: Option<AuditEvent<'_>>,
) -> Result<(), MarketError> {
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE products SET status = 'pending', moderation_reason = NULL, updated_at = $1 \
         WHERE id = $2 AND shop_id = $3 AND status IN ('draft', 'rejected')",
    )
    .bind(now())
    .bind(product_id)
    .bind(shop_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(MarketError::WrongStatus);
    }
    commit_audited(tx, audit).await
}

/// Writes `audit` (if any) in the transaction and commits it.
async fn commit_audited(
    mut tx: Transaction<'static, Any>,
    audit: Option<AuditEvent<'_>>,
) -> Result<(), MarketError> {
    if let Some(event) = audit {
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Moves a product from `from` to `to` (a moderator's decision), only if it
/// is still in `from`; the first publication stamps its time and number.
/// `audit` is written with it.
#[tracing::instrument(skip_all)]
pub async fn set_status(
    db: &Db,
    product_id: i64,
    from: ProductStatus,
    to: ProductStatus,
    reason: Option<&str>,
    audit: Option<AuditEvent<'_>>,
) -> Result<(), MarketError> {
    let at = now();
    // SQLite's writer holds the whole database, so the next number follows
    // the highest; PostgreSQL draws it from a sequence (no two alike).
    let next_seq = match db.engine {
        Engine::Sqlite => "(SELECT COALESCE(MAX(published_seq), 0) + 1 FROM products)",
        Engine::Postgres => "nextval('product_publications')",
    };
    let mut tx = db.begin_write().await?;
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE products SET status = $1, moderation_reason = $2, updated_at = $3, \
           published_at = CASE WHEN $1 = 'published' THEN COALESCE(published_at, $3) \
                               ELSE published_at END, \
           published_seq = CASE WHEN $1 = 'published' AND published_seq IS NULL THEN {next_seq} \
                                ELSE published_seq END \
         WHERE id = $4 AND status = $5"
    )))
    .bind(to.as_str())
    .bind(reason)
    .bind(at)
    .bind(product_id)
    .bind(from.as_str())
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(MarketError::WrongStatus);
    }
    sync_search(&mut tx, db.engine, product_id).await?;
    shop_changed(&mut tx, product_id).await?;
    if from == ProductStatus::Pending
        && matches!(to, ProductStatus::Published | ProductStatus::Rejected)
    {
        tell_owner(&mut tx, product_id, to == ProductStatus::Published).await?;
    }
    commit_audited(tx, audit).await
}

/// A product's shop changed: its household's continuity status follows (a
/// shop that shows life is not stale).
async fn shop_changed(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    product_id: i64,
) -> Result<(), sqlx::Error> {
    let household: Option<(Option<i64>,)> = sqlx::query_as(
        "SELECT s.household_id FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = $1",
    )
    .bind(product_id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((Some(household_id),)) = household {
        crate::jobs::household_changed(tx, household_id).await?;
    }
    Ok(())
}

/// Puts the "product approved / rejected" message to the shop's owner in
/// the outbox, in the decision's transaction.
async fn tell_owner(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    product_id: i64,
    approved: bool,
) -> Result<(), sqlx::Error> {
    let (owner, title_ar, title_en): (i64, String, Option<String>) = sqlx::query_as(
        "SELECT s.owner_user_id, p.title_ar, p.title_en FROM products p \
         JOIN shops s ON s.id = p.shop_id WHERE p.id = $1",
    )
    .bind(product_id)
    .fetch_one(&mut **tx)
    .await?;
    let message = crate::messaging::Message::ProductDecision {
        product: crate::messaging::Named::new(title_ar, title_en.unwrap_or_default()),
        approved,
    };
    crate::messaging::db::enqueue(tx, owner, &message, false).await?;
    Ok(())
}

/// Features a published product on the home page (or stops); only published
/// products can be featured.
#[tracing::instrument(skip_all)]
pub async fn set_featured(
    db: &Db,
    product_id: i64,
    featured: bool,
    audit: Option<AuditEvent<'_>>,
) -> Result<(), MarketError> {
    let mut tx = db.begin_write().await?;
    let done =
        sqlx::query("UPDATE products SET featured = $1 WHERE id = $2 AND status = 'published'")
            .bind(i64::from(featured))
            .bind(product_id)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() != 1 {
        return Err(MarketError::WrongStatus);
    }
    commit_audited(tx, audit).await
}

/// Whether a product is featured.
#[tracing::instrument(skip_all)]
pub async fn is_featured(db: &Db, product_id: i64) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT featured FROM products WHERE id = $1")
        .bind(product_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.is_some_and(|(f,)| f == 1))
}

const PRODUCT_SELECT: &str = "SELECT id, shop_id, title_ar, title_en, description_ar, \
       description_en, category, price_halalas, unit_ar, availability, lead_time_days, status, \
       moderation_reason, updated_at FROM products";

/// A row of [`PRODUCT_SELECT`].
#[derive(sqlx::FromRow)]
struct ProductRow {
    id: i64,
    shop_id: i64,
    title_ar: String,
    title_en: Option<String>,
    description_ar: String,
    description_en: Option<String>,
    category: String,
    price_halalas: i64,
    unit_ar: String,
    availability: String,
    lead_time_days: Option<i64>,
    status: String,
    moderation_reason: Option<String>,
    updated_at: i64,
}

impl TryFrom<ProductRow> for Product {
    type Error = sqlx::Error;

    /// The product, its photos not yet attached.
    fn try_from(row: ProductRow) -> Result<Product, sqlx::Error> {
        Ok(Product {
            id: row.id,
            shop_id: row.shop_id,
            title_ar: row.title_ar,
            title_en: row.title_en,
            description_ar: row.description_ar,
            description_en: row.description_en,
            category: stored("category", &row.category, Category::parse)?,
            price_halalas: row.price_halalas,
            unit_ar: row.unit_ar,
            availability: stored("availability", &row.availability, Availability::parse)?,
            lead_time_days: row.lead_time_days,
            status: stored("status", &row.status, ProductStatus::parse)?,
            moderation_reason: row.moderation_reason,
            photos: Vec::new(),
            updated_at: row.updated_at,
        })
    }
}

/// One product with its photos, whatever its status (callers decide who may see it).
#[tracing::instrument(skip_all)]
pub async fn product(db: &Db, product_id: i64) -> Result<Option<Product>, sqlx::Error> {
    let sql = format!("{PRODUCT_SELECT} WHERE id = $1");
    let Some(row) = sqlx::query_as::<_, ProductRow>(sqlx::AssertSqlSafe(sql))
        .bind(product_id)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    let mut product = Product::try_from(row)?;
    product.photos = photos_of(db, &[product_id])
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    Ok(Some(product))
}

/// Every product of a shop with its photos, newest first (the family's list).
#[tracing::instrument(skip_all)]
pub async fn products_of_shop(db: &Db, shop_id: i64) -> Result<Vec<Product>, sqlx::Error> {
    let sql = format!("{PRODUCT_SELECT} WHERE shop_id = $1 ORDER BY id DESC");
    let mut products = sqlx::query_as::<_, ProductRow>(sqlx::AssertSqlSafe(sql))
        .bind(shop_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(Product::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    attach_photos(db, &mut products).await?;
    Ok(products)
}

/// The columns of a [`CardRow`] (named: shops and districts share column names).
pub(super) const CARD_COLUMNS: &str = "p.id AS id, p.title_ar AS title_ar, \
       p.title_en AS title_en, p.price_halalas AS price_halalas, p.unit_ar AS unit_ar, \
       p.category AS category, p.availability AS availability, ph.id AS photo_id, \
       ph.file_key AS file_key, ph.width AS width, ph.height AS height, \
       s.id AS shop_id, s.name_ar AS shop_name_ar, s.name_en AS shop_name_en, \
       d.name_ar AS district_name_ar, d.name_en AS district_name_en";
/// What [`CARD_COLUMNS`] read from beside the products (`p`).
pub(super) const CARD_JOINS: &str = "JOIN shops s ON s.id = p.shop_id \
     JOIN districts d ON d.id = p.district_id \
     LEFT JOIN product_photos ph ON ph.product_id = p.id AND ph.is_cover = 1";

/// A row of [`CARD_COLUMNS`].
#[derive(sqlx::FromRow)]
pub(super) struct CardRow {
    id: i64,
    title_ar: String,
    title_en: Option<String>,
    price_halalas: i64,
    unit_ar: String,
    category: String,
    availability: String,
    photo_id: Option<i64>,
    file_key: Option<String>,
    width: Option<i64>,
    height: Option<i64>,
    shop_id: i64,
    shop_name_ar: String,
    shop_name_en: Option<String>,
    district_name_ar: String,
    district_name_en: String,
}

impl TryFrom<CardRow> for ProductCard {
    type Error = sqlx::Error;

    fn try_from(row: CardRow) -> Result<ProductCard, sqlx::Error> {
        let size = |v: Option<i64>| v.and_then(|v| u32::try_from(v).ok()).unwrap_or(1);
        let cover = row.photo_id.map(|id| Photo {
            id,
            key: row.file_key.unwrap_or_default(),
            width: size(row.width),
            height: size(row.height),
            is_cover: true,
        });
        Ok(ProductCard {
            id: row.id,
            title_ar: row.title_ar,
            title_en: row.title_en,
            price_halalas: row.price_halalas,
            unit_ar: row.unit_ar,
            category: stored("category", &row.category, Category::parse)?,
            availability: stored("availability", &row.availability, Availability::parse)?,
            cover,
            shop_id: row.shop_id,
            shop_name_ar: row.shop_name_ar,
            shop_name_en: row.shop_name_en,
            district_name_ar: row.district_name_ar,
            district_name_en: row.district_name_en,
        })
    }
}

/// Newest published products; `featured` keeps only those the council featured.
#[tracing::instrument(skip_all)]
pub async fn newest(db: &Db, featured: bool, limit: i64) -> Result<Vec<ProductCard>, sqlx::Error> {
    // Featured first in the condition: its own index (few rows) serves it.
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM products p {CARD_JOINS} WHERE {} p.status = 'published' \
         ORDER BY p.published_seq DESC LIMIT $1",
        if featured { "p.featured = 1 AND" } else { "" }
    );
    sqlx::query_as::<_, CardRow>(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(ProductCard::try_from)
        .collect()
}

/// A shop's published products, newest first.
#[tracing::instrument(skip_all)]
pub async fn published_of_shop(db: &Db, shop_id: i64) -> Result<Vec<ProductCard>, sqlx::Error> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM products p {CARD_JOINS} WHERE p.shop_id = $1 AND p.status = 'published' \
         ORDER BY p.published_seq DESC LIMIT 200"
    );
    sqlx::query_as::<_, CardRow>(sqlx::AssertSqlSafe(sql))
        .bind(shop_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(ProductCard::try_from)
        .collect()
}
