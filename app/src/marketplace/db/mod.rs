//! SQL of the marketplace: shops, products, photos, moderation, and the one
//! search function over each engine's full-text facility (SQLite FTS5,
//! PostgreSQL `tsvector`), both fed the same normalized document.

use sqlx::{Any, Row, Transaction};

use super::{
    Availability, Category, Photo, Product, ProductCard, ProductStatus, Shop, search_document,
};
use crate::audit::AuditEvent;
use crate::database::{Db, Engine, now};
use crate::marketplace::shop_review::{
    AfterSave, ShopText, ShopTextUnderReview, TextReview, after_save,
};

mod moderation;
mod photos;
mod search;

pub use moderation::*;
pub use photos::*;
use photos::{attach_photos, photos_of};
pub use search::*;

/// Why a marketplace write was refused.
#[derive(Debug, thiserror::Error)]
pub enum MarketError {
    #[error("the product is not in a state that allows this")]
    WrongStatus,
    #[error("a product has at most five photos")]
    TooManyPhotos,
    #[error("no such product or photo")]
    NotFound,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

crate::db_failure!(MarketError);

/// What the family writes about its shop.
#[derive(Debug, Clone)]
pub struct ShopInput {
    pub name_ar: String,
    pub name_en: Option<String>,
    pub bio: String,
    pub district_id: i64,
    pub pickup: bool,
    pub delivery: bool,
    pub delivery_areas: String,
    pub delivery_fee_halalas: Option<i64>,
    /// International form; `None`: no WhatsApp orders.
    pub whatsapp: Option<String>,
    /// International form; `None`: no "Call" button.
    pub public_phone: Option<String>,
    pub working_hours: String,
}

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

const SHOP_SELECT: &str = "SELECT s.id, s.name_ar, s.name_en, s.bio, s.district_id, d.name_ar, \
       d.name_en, c.name_ar, c.name_en, s.pickup, s.delivery, s.delivery_areas, \
       s.delivery_fee_halalas, s.whatsapp, s.public_phone, s.working_hours, s.household_id, s.owner_user_id \
     FROM shops s JOIN districts d ON d.id = s.district_id JOIN cities c ON c.id = d.city_id";

/// A shop and who it belongs to.
pub struct ShopRecord {
    pub shop: Shop,
    pub household_id: Option<i64>,
    pub owner_user_id: i64,
}

fn shop_of(row: sqlx::any::AnyRow) -> Result<ShopRecord, sqlx::Error> {
    Ok(ShopRecord {
        shop: Shop {
            id: row.try_get(0)?,
            name_ar: row.try_get(1)?,
            name_en: row.try_get(2)?,
            bio: row.try_get(3)?,
            district_id: row.try_get(4)?,
            district_name_ar: row.try_get(5)?,
            district_name_en: row.try_get(6)?,
            city_name_ar: row.try_get(7)?,
            city_name_en: row.try_get(8)?,
            pickup: row.try_get::<i64, _>(9)? == 1,
            delivery: row.try_get::<i64, _>(10)? == 1,
            delivery_areas: row.try_get(11)?,
            delivery_fee_halalas: row.try_get(12)?,
            whatsapp: row.try_get(13)?,
            phone: row.try_get(14)?,
            working_hours: row.try_get(15)?,
        },
        household_id: row.try_get(16)?,
        owner_user_id: row.try_get(17)?,
    })
}

/// The shop a person owns.
pub async fn shop_of_owner(db: &Db, user_id: i64) -> Result<Option<ShopRecord>, sqlx::Error> {
    let sql = format!("{SHOP_SELECT} WHERE s.owner_user_id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?
        .map(shop_of)
        .transpose()
}

/// A shop by id.
pub async fn shop(db: &Db, shop_id: i64) -> Result<Option<ShopRecord>, sqlx::Error> {
    let sql = format!("{SHOP_SELECT} WHERE s.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(shop_id)
        .fetch_optional(&db.pool)
        .await?
        .map(shop_of)
        .transpose()
}

/// Opens or updates the owner's shop (one per person, one per household) and
/// re-indexes its products, whose search document holds the shop's names.
/// The name and bio are reviewed text: a change waits in `proposed_*` (see
/// [`shop_review`](crate::marketplace::shop_review)); the public keeps the
/// approved text. `event` is audited in the same transaction.
pub async fn save_shop(
    db: &Db,
    owner_user_id: i64,
    household_id: Option<i64>,
    input: &ShopInput,
    event: Option<AuditEvent<'_>>,
) -> Result<i64, sqlx::Error> {
    let at = now();
    let mut tx = db.begin_write().await?;
    // One shop per owner: the owner's second save updates it; a shop opened
    // before registering keeps the household it gets later. A new shop has
    // no public text until its first is approved.
    let row = sqlx::query(
        "INSERT INTO shops (owner_user_id, household_id, name_ar, name_en, bio, district_id, \
           pickup, delivery, delivery_areas, delivery_fee_halalas, whatsapp, working_hours, \
           created_at, updated_at, public_phone) \
         VALUES ($1, $2, '', NULL, '', $3, $4, $5, $6, $7, $8, $9, $10, $10, $11) \
         ON CONFLICT (owner_user_id) DO UPDATE SET \
           household_id = COALESCE(shops.household_id, excluded.household_id), \
           district_id = excluded.district_id, pickup = excluded.pickup, \
           delivery = excluded.delivery, delivery_areas = excluded.delivery_areas, \
           delivery_fee_halalas = excluded.delivery_fee_halalas, whatsapp = excluded.whatsapp, \
           working_hours = excluded.working_hours, updated_at = excluded.updated_at, \
           public_phone = excluded.public_phone \
         RETURNING id, name_ar, name_en, bio, proposed_name_ar, proposed_name_en, proposed_bio, \
           text_review",
    )
    .bind(owner_user_id)
    .bind(household_id)
    .bind(input.district_id)
    .bind(i64::from(input.pickup))
    .bind(i64::from(input.delivery))
    .bind(&input.delivery_areas)
    .bind(input.delivery_fee_halalas)
    .bind(&input.whatsapp)
    .bind(&input.working_hours)
    .bind(at)
    .bind(&input.public_phone)
    .fetch_one(&mut *tx)
    .await?;
    let shop_id: i64 = row.try_get(0)?;
    let public = ShopText {
        name_ar: row.try_get(1)?,
        name_en: row.try_get(2)?,
        bio: row.try_get(3)?,
    };
    let proposed = match row.try_get::<Option<String>, _>(4)? {
        Some(name_ar) => Some(ShopText {
            name_ar,
            name_en: row.try_get(5)?,
            bio: row.try_get::<Option<String>, _>(6)?.unwrap_or_default(),
        }),
        None => None,
    };
    let review = TextReview::parse(&row.try_get::<String, _>(7)?).unwrap_or(TextReview::Pending);
    let wanted = ShopText {
        name_ar: input.name_ar.clone(),
        name_en: input.name_en.clone(),
        bio: input.bio.clone(),
    };
    match after_save(&public, proposed.as_ref(), review, wanted) {
        AfterSave::StillRejected => {}
        AfterSave::Public => {
            sqlx::query(
                "UPDATE shops SET proposed_name_ar = NULL, proposed_name_en = NULL, \
                   proposed_bio = NULL, text_review = 'approved', text_rejection_reason = NULL \
                 WHERE id = $1 AND text_review <> 'approved'",
            )
            .bind(shop_id)
            .execute(&mut *tx)
            .await?;
        }
        AfterSave::Review(text) => {
            sqlx::query(
                "UPDATE shops SET proposed_name_ar = $2, proposed_name_en = $3, proposed_bio = $4, \
                   text_review = 'pending', text_rejection_reason = NULL WHERE id = $1",
            )
            .bind(shop_id)
            .bind(&text.name_ar)
            .bind(&text.name_en)
            .bind(&text.bio)
            .execute(&mut *tx)
            .await?;
        }
    }
    copy_shop_place(&mut tx, PlaceOf::Shop(shop_id)).await?;
    if let Some(mut event) = event {
        event.subject_id = Some(shop_id.to_string());
        crate::audit::record_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok(shop_id)
}

/// proposed name (ar, en), proposed bio, review state, rejection reason.
type ReviewRow = (
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// The family's shop text under review, if any waits or was refused.
pub async fn shop_text_under_review(
    db: &Db,
    shop_id: i64,
) -> Result<Option<ShopTextUnderReview>, sqlx::Error> {
    let row: Option<ReviewRow> = sqlx::query_as(
        "SELECT proposed_name_ar, proposed_name_en, proposed_bio, text_review, \
               text_rejection_reason FROM shops WHERE id = $1",
    )
    .bind(shop_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.and_then(|(name_ar, name_en, bio, review, reason)| {
        let review = TextReview::parse(&review)?;
        (review != TextReview::Approved).then(|| ShopTextUnderReview {
            text: ShopText {
                name_ar: name_ar.unwrap_or_default(),
                name_en,
                bio: bio.unwrap_or_default(),
            },
            review,
            rejection_reason: reason,
        })
    }))
}

/// Re-indexes every product of a shop (its names are in their search document).
pub(super) async fn sync_shop_search(
    tx: &mut Transaction<'static, Any>,
    engine: Engine,
    shop_id: i64,
) -> Result<(), sqlx::Error> {
    let products: Vec<(i64,)> = sqlx::query_as("SELECT id FROM products WHERE shop_id = $1")
        .bind(shop_id)
        .fetch_all(&mut **tx)
        .await?;
    for (product_id,) in products {
        sync_search(tx, engine, product_id).await?;
    }
    Ok(())
}

/// Which products take their shop's place again.
pub(crate) enum PlaceOf {
    Product(i64),
    Shop(i64),
    /// Products inserted without it (the generator's batches).
    Unplaced,
}

/// Copies the shop's district, city, pick-up and delivery onto products,
/// which search filters on without joining the shops (migration
/// `0011_product_place`). Called in the transaction that wrote the shop or
/// the product.
pub(crate) async fn copy_shop_place(
    tx: &mut Transaction<'static, Any>,
    which: PlaceOf,
) -> Result<(), sqlx::Error> {
    let (condition, id) = match which {
        PlaceOf::Product(id) => ("id = $1", Some(id)),
        PlaceOf::Shop(id) => ("shop_id = $1", Some(id)),
        PlaceOf::Unplaced => ("district_id IS NULL", None),
    };
    let sql = format!(
        "UPDATE products SET (district_id, city_id, pickup, delivery) = \
           (SELECT s.district_id, d.city_id, s.pickup, s.delivery \
              FROM shops s JOIN districts d ON d.id = s.district_id \
             WHERE s.id = products.shop_id) \
         WHERE {condition}"
    );
    let query = sqlx::query(sqlx::AssertSqlSafe(sql));
    match id {
        Some(id) => query.bind(id),
        None => query,
    }
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Brings a product's entry in the text index in line with the product: its
/// current text and shop names while it is published (under its publication
/// number), no entry otherwise.
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
    let category = Category::parse(&text(4)?).unwrap_or(Category::Other);
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
            let status = ProductStatus::parse(&status)
                .unwrap_or(ProductStatus::Draft)
                .after_edit(reviewed_changed);
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
    commit_audited(tx, audit).await
}

/// Features a published product on the home page (or stops); only published
/// products can be featured.
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

fn product_of(row: sqlx::any::AnyRow) -> Result<Product, sqlx::Error> {
    let category: String = row.try_get(6)?;
    let availability: String = row.try_get(9)?;
    let status: String = row.try_get(11)?;
    Ok(Product {
        id: row.try_get(0)?,
        shop_id: row.try_get(1)?,
        title_ar: row.try_get(2)?,
        title_en: row.try_get(3)?,
        description_ar: row.try_get(4)?,
        description_en: row.try_get(5)?,
        category: Category::parse(&category).unwrap_or(Category::Other),
        price_halalas: row.try_get(7)?,
        unit_ar: row.try_get(8)?,
        availability: Availability::parse(&availability).unwrap_or(Availability::Paused),
        lead_time_days: row.try_get(10)?,
        status: ProductStatus::parse(&status).unwrap_or(ProductStatus::Draft),
        moderation_reason: row.try_get(12)?,
        photos: Vec::new(),
        updated_at: row.try_get(13)?,
    })
}

/// One product with its photos, whatever its status (callers decide who may see it).
pub async fn product(db: &Db, product_id: i64) -> Result<Option<Product>, sqlx::Error> {
    let sql = format!("{PRODUCT_SELECT} WHERE id = $1");
    let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(product_id)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    let mut product = product_of(row)?;
    product.photos = photos_of(db, &[product_id])
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    Ok(Some(product))
}

/// Every product of a shop with its photos, newest first (the family's list).
pub async fn products_of_shop(db: &Db, shop_id: i64) -> Result<Vec<Product>, sqlx::Error> {
    let sql = format!("{PRODUCT_SELECT} WHERE shop_id = $1 ORDER BY id DESC");
    let mut products = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(shop_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(product_of)
        .collect::<Result<Vec<_>, _>>()?;
    attach_photos(db, &mut products).await?;
    Ok(products)
}

pub(super) const CARD_COLUMNS: &str = "p.id, p.title_ar, p.title_en, p.price_halalas, p.unit_ar, \
       p.category, p.availability, ph.id, ph.file_key, ph.width, ph.height, \
       s.id, s.name_ar, s.name_en, d.name_ar, d.name_en";
pub(super) const CARD_JOINS: &str = "JOIN shops s ON s.id = p.shop_id \
     JOIN districts d ON d.id = p.district_id \
     LEFT JOIN product_photos ph ON ph.product_id = p.id AND ph.is_cover = 1";
pub(super) fn card_of(row: sqlx::any::AnyRow) -> Result<ProductCard, sqlx::Error> {
    let category: String = row.try_get(5)?;
    let availability: String = row.try_get(6)?;
    let photo_id: Option<i64> = row.try_get(7)?;
    let cover = match photo_id {
        Some(id) => Some(Photo {
            id,
            key: row.try_get(8)?,
            width: u32::try_from(row.try_get::<i64, _>(9)?).unwrap_or(1),
            height: u32::try_from(row.try_get::<i64, _>(10)?).unwrap_or(1),
            is_cover: true,
        }),
        None => None,
    };
    Ok(ProductCard {
        id: row.try_get(0)?,
        title_ar: row.try_get(1)?,
        title_en: row.try_get(2)?,
        price_halalas: row.try_get(3)?,
        unit_ar: row.try_get(4)?,
        category: Category::parse(&category).unwrap_or(Category::Other),
        availability: Availability::parse(&availability).unwrap_or(Availability::Paused),
        cover,
        shop_id: row.try_get(11)?,
        shop_name_ar: row.try_get(12)?,
        shop_name_en: row.try_get(13)?,
        district_name_ar: row.try_get(14)?,
        district_name_en: row.try_get(15)?,
    })
}

/// Newest published products; `featured` keeps only those the council featured.
pub async fn newest(db: &Db, featured: bool, limit: i64) -> Result<Vec<ProductCard>, sqlx::Error> {
    // Featured first in the condition: its own index (few rows) serves it.
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM products p {CARD_JOINS} WHERE {} p.status = 'published' \
         ORDER BY p.published_seq DESC LIMIT $1",
        if featured { "p.featured = 1 AND" } else { "" }
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(card_of)
        .collect()
}

/// A shop's published products, newest first.
pub async fn published_of_shop(db: &Db, shop_id: i64) -> Result<Vec<ProductCard>, sqlx::Error> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM products p {CARD_JOINS} WHERE p.shop_id = $1 AND p.status = 'published' \
         ORDER BY p.published_seq DESC LIMIT 200"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(shop_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(card_of)
        .collect()
}

/// Districts with the most shops, for the home page (counted from the
/// district index alone: the home page is the busiest page).
pub async fn districts_with_shops(
    db: &Db,
    limit: i64,
) -> Result<Vec<(i64, String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.id, d.name_ar, d.name_en, c.shops FROM \
           (SELECT district_id, CAST(COUNT(*) AS BIGINT) AS shops FROM shops \
            GROUP BY district_id ORDER BY shops DESC, district_id LIMIT $1) c \
         JOIN districts d ON d.id = c.district_id ORDER BY c.shops DESC, d.id",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await
}

/// What the sitemap lists: published products and the shops that have one,
/// with their last change.
pub async fn sitemap_entries(db: &Db) -> Result<(Vec<(i64, i64)>, Vec<(i64, i64)>), sqlx::Error> {
    let products: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT id, updated_at FROM products WHERE status = 'published' ORDER BY id LIMIT 50000",
    )
    .fetch_all(&db.pool)
    .await?;
    let shops: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT s.id, s.updated_at FROM shops s WHERE EXISTS \
           (SELECT 1 FROM products p WHERE p.shop_id = s.id AND p.status = 'published') \
         ORDER BY s.id LIMIT 50000",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok((products, shops))
}

/// The market revision: raised by the database with every change that shows
/// on the public pages (see `page_cache`).
pub async fn market_revision(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT revision FROM market_revision WHERE id = 1")
        .fetch_one(&db.pool)
        .await
}
