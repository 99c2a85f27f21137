//! Taps on "order on WhatsApp" (`product_taps`): a count per product and
//! Unix day, nothing about who tapped.

use crate::database::Db;
use crate::marketplace::{ProductTaps, unix_day};

/// What the redirect needs of a product that takes WhatsApp orders.
#[derive(Debug, Clone)]
pub struct OrderTarget {
    pub title_ar: String,
    /// The shop's WhatsApp number (`9665XXXXXXXX`).
    pub whatsapp: String,
}

/// A published product whose shop takes WhatsApp orders; `None` otherwise
/// (no such product, not published, or no WhatsApp number).
#[tracing::instrument(skip_all, fields(product_id = product_id))]
pub async fn order_target(db: &Db, product_id: i64) -> Result<Option<OrderTarget>, sqlx::Error> {
    let row: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT p.title_ar, s.whatsapp FROM products p JOIN shops s ON s.id = p.shop_id \
         WHERE p.id = $1 AND p.status = 'published'",
    )
    .bind(product_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.and_then(|(title_ar, whatsapp)| {
        whatsapp.map(|whatsapp| OrderTarget { title_ar, whatsapp })
    }))
}

/// A product as the basket's message names it: id, Arabic title, English
/// title, price in halalas.
pub type BasketProduct = (i64, String, Option<String>, i64);

/// A shop's WhatsApp number and its published products among `ids`; `None`
/// when the shop takes no WhatsApp orders.
#[tracing::instrument(skip_all, fields(shop_id = shop_id))]
pub async fn basket_targets(
    db: &Db,
    shop_id: i64,
    ids: &[i64],
) -> Result<Option<(String, Vec<BasketProduct>)>, sqlx::Error> {
    let whatsapp: Option<(Option<String>,)> =
        sqlx::query_as("SELECT whatsapp FROM shops WHERE id = $1")
            .bind(shop_id)
            .fetch_optional(&db.pool)
            .await?;
    let Some(whatsapp) = whatsapp.and_then(|(w,)| w) else {
        return Ok(None);
    };
    // A shop has tens of products: read them all, keep the asked ones.
    let products: Vec<BasketProduct> = sqlx::query_as(
        "SELECT id, title_ar, title_en, price_halalas FROM products \
         WHERE shop_id = $1 AND status = 'published' ORDER BY id",
    )
    .bind(shop_id)
    .fetch_all(&db.pool)
    .await?;
    let products = products
        .into_iter()
        .filter(|(id, ..)| ids.contains(id))
        .collect();
    Ok(Some((whatsapp, products)))
}

/// Counts one tap on a product on the day of `at` (one statement, the same
/// on both engines; concurrent taps add up).
#[tracing::instrument(skip_all, fields(product_id = product_id))]
pub async fn count_tap(db: &Db, product_id: i64, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO product_taps (product_id, day, taps) VALUES ($1, $2, 1) \
         ON CONFLICT (product_id, day) DO UPDATE SET taps = product_taps.taps + 1",
    )
    .bind(product_id)
    .bind(unix_day(at))
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The taps of a shop's products over the last 7 and 30 days up to the day
/// of `at` (products without a tap are left out).
#[tracing::instrument(skip_all, fields(shop_id = shop_id))]
pub async fn taps_of_shop(db: &Db, shop_id: i64, at: i64) -> Result<Vec<ProductTaps>, sqlx::Error> {
    let today = unix_day(at);
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT t.product_id, \
           CAST(SUM(CASE WHEN t.day >= $2 THEN t.taps ELSE 0 END) AS BIGINT), \
           CAST(SUM(t.taps) AS BIGINT) \
         FROM product_taps t JOIN products p ON p.id = t.product_id \
         WHERE p.shop_id = $1 AND t.day >= $3 AND t.day <= $4 \
         GROUP BY t.product_id ORDER BY t.product_id",
    )
    .bind(shop_id)
    .bind(today - 6)
    .bind(today - 29)
    .bind(today)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(product_id, last_7_days, last_30_days)| ProductTaps {
            product_id,
            last_7_days,
            last_30_days,
        })
        .collect())
}
