//! SQL of the privacy interface (`marketplace::subject`).

use sqlx::{Any, Transaction};

use super::super::subject::{SubjectProduct, SubjectShop};
use crate::database::{Db, Engine};

/// id, names, bio, whatsapp, phone, created
type ShopRow = (
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    i64,
);
/// id, titles, description, price, status, photos
type ProductRow = (i64, String, Option<String>, String, i64, String, i64);

/// The shop of the household (or of its head, opened before registering).
#[tracing::instrument(skip_all)]
pub async fn shop_of(
    db: &Db,
    household_id: i64,
    owner_user_id: i64,
) -> Result<Option<SubjectShop>, sqlx::Error> {
    let row: Option<ShopRow> = sqlx::query_as(
        // A name or bio still under review is the family's own text too.
        "SELECT id, COALESCE(NULLIF(name_ar, ''), proposed_name_ar, ''), \
           COALESCE(name_en, proposed_name_en), \
           CASE WHEN bio = '' THEN COALESCE(proposed_bio, '') ELSE bio END, \
           whatsapp, public_phone, created_at FROM shops \
         WHERE household_id = $1 OR owner_user_id = $2 ORDER BY id LIMIT 1",
    )
    .bind(household_id)
    .bind(owner_user_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some((id, name_ar, name_en, bio, whatsapp, public_phone, created_at)) = row else {
        return Ok(None);
    };
    let products: Vec<ProductRow> = sqlx::query_as(
        "SELECT p.id, p.title_ar, p.title_en, p.description_ar, p.price_halalas, p.status, \
           (SELECT COUNT(*) FROM product_photos f WHERE f.product_id = p.id) \
         FROM products p WHERE p.shop_id = $1 ORDER BY p.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    Ok(Some(SubjectShop {
        id,
        name_ar,
        name_en,
        bio,
        whatsapp,
        public_phone,
        created_at,
        products: products
            .into_iter()
            .map(
                |(id, title_ar, title_en, description_ar, price_halalas, status, photos)| {
                    SubjectProduct {
                        id,
                        title_ar,
                        title_en,
                        description_ar,
                        price_halalas,
                        status,
                        photos,
                    }
                },
            )
            .collect(),
    }))
}

/// A deletion: the shop, its products, their search entries and photo rows
/// leave the marketplace (the market revision triggers renew every cached
/// page). Returns each photo's key and width, for the caller to remove the
/// files once the transaction is committed.
#[tracing::instrument(skip_all)]
pub async fn erase(
    tx: &mut Transaction<'static, Any>,
    engine: Engine,
    household_id: i64,
    owner_user_id: i64,
) -> Result<Vec<(String, u32)>, sqlx::Error> {
    let shops: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM shops WHERE household_id = $1 OR owner_user_id = $2")
            .bind(household_id)
            .bind(owner_user_id)
            .fetch_all(&mut **tx)
            .await?;
    let mut files = Vec::new();
    for (shop_id,) in shops {
        let products: Vec<(i64, Option<i64>)> =
            sqlx::query_as("SELECT id, published_seq FROM products WHERE shop_id = $1")
                .bind(shop_id)
                .fetch_all(&mut **tx)
                .await?;
        for (product_id, seq) in products {
            if let Some(seq) = seq {
                match engine {
                    Engine::Sqlite => {
                        sqlx::query("DELETE FROM product_search WHERE rowid = $1").bind(seq)
                    }
                    Engine::Postgres => {
                        sqlx::query("DELETE FROM product_search WHERE product_id = $1")
                            .bind(product_id)
                    }
                }
                .execute(&mut **tx)
                .await?;
            }
            let keys: Vec<(String, i64)> =
                sqlx::query_as("SELECT file_key, width FROM product_photos WHERE product_id = $1")
                    .bind(product_id)
                    .fetch_all(&mut **tx)
                    .await?;
            files.extend(keys.into_iter().map(|(k, w)| (k, w as u32)));
            sqlx::query("DELETE FROM product_photos WHERE product_id = $1")
                .bind(product_id)
                .execute(&mut **tx)
                .await?;
            sqlx::query("DELETE FROM products WHERE id = $1")
                .bind(product_id)
                .execute(&mut **tx)
                .await?;
        }
        sqlx::query("DELETE FROM shops WHERE id = $1")
            .bind(shop_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(files)
}
