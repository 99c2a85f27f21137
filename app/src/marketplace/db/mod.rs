//! SQL of the marketplace: shops, products, photos, moderation, and the one
//! search function over each engine's full-text facility (SQLite FTS5,
//! PostgreSQL `tsvector`), both fed the same normalized document.

use sqlx::{Any, Transaction};

use crate::database::Db;

mod moderation;
mod photos;
mod products;
mod search;
mod shops;
pub(super) mod subject;
mod taps;

pub use moderation::*;
pub use photos::*;
use photos::{attach_photos, photos_of};
pub use products::*;
use products::{CARD_COLUMNS, CARD_JOINS, CardRow, sync_search};
pub use search::*;
use shops::sync_shop_search;
pub use shops::*;
pub use taps::*;

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
#[tracing::instrument(skip_all)]
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

/// A row's id and its last change (seconds since the epoch).
pub type Changed = (i64, i64);

/// What the sitemap lists: published products and the shops that have one,
/// with their last change.
#[tracing::instrument(skip_all)]
pub async fn sitemap_entries(db: &Db) -> Result<(Vec<Changed>, Vec<Changed>), sqlx::Error> {
    let products: Vec<Changed> = sqlx::query_as(
        "SELECT id, updated_at FROM products WHERE status = 'published' ORDER BY id LIMIT 50000",
    )
    .fetch_all(&db.pool)
    .await?;
    let shops: Vec<Changed> = sqlx::query_as(
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
#[tracing::instrument(skip_all)]
pub async fn market_revision(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT revision FROM market_revision WHERE id = 1")
        .fetch_one(&db.pool)
        .await
}
