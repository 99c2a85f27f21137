//! SQL of product photos: their records, the cover, and who may see a file.

use super::{MarketError, sync_search};
use crate::database::{Db, Sql, now, stored};
use crate::marketplace::{MAX_PHOTOS, Photo, Product, ProductStatus};

/// Records a stored photo; the first becomes the cover. Photos are reviewed
/// content: a published product goes back to review.
#[tracing::instrument(skip_all)]
pub async fn add_photo(
    db: &Db,
    product_id: i64,
    key: &str,
    width: u32,
    height: u32,
) -> Result<(), MarketError> {
    let mut tx = db.begin_write().await?;
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM product_photos WHERE product_id = $1")
            .bind(product_id)
            .fetch_one(&mut *tx)
            .await?;
    if count as usize >= MAX_PHOTOS {
        return Err(MarketError::TooManyPhotos);
    }
    let at = now();
    sqlx::query(
        "INSERT INTO product_photos (product_id, file_key, width, height, is_cover, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(product_id)
    .bind(key)
    .bind(i64::from(width))
    .bind(i64::from(height))
    .bind(i64::from(count == 0))
    .bind(at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE products SET status = CASE WHEN status = 'published' THEN 'pending' ELSE status END, \
           updated_at = $1 WHERE id = $2",
    )
    .bind(at)
    .bind(product_id)
    .execute(&mut *tx)
    .await?;
    sync_search(&mut tx, db.engine, product_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a photo record (the caller removes its files); when it was the
/// cover, the oldest remaining photo becomes the cover. Returns its key and width.
#[tracing::instrument(skip_all)]
pub async fn remove_photo(
    db: &Db,
    product_id: i64,
    photo_id: i64,
) -> Result<(String, u32), MarketError> {
    let mut tx = db.begin_write().await?;
    let row: Option<(String, i64, i64)> = sqlx::query_as(
        "SELECT file_key, width, is_cover FROM product_photos WHERE id = $1 AND product_id = $2",
    )
    .bind(photo_id)
    .bind(product_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (key, width, was_cover) = row.ok_or(MarketError::NotFound)?;
    sqlx::query("DELETE FROM product_photos WHERE id = $1")
        .bind(photo_id)
        .execute(&mut *tx)
        .await?;
    if was_cover == 1 {
        sqlx::query(
            "UPDATE product_photos SET is_cover = 1 WHERE id = \
               (SELECT MIN(id) FROM product_photos WHERE product_id = $1)",
        )
        .bind(product_id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok((key, u32::try_from(width).unwrap_or(1)))
}

/// Makes one of a product's photos its cover.
#[tracing::instrument(skip_all)]
pub async fn set_cover(db: &Db, product_id: i64, photo_id: i64) -> Result<(), MarketError> {
    let mut tx = db.begin_write().await?;
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM product_photos WHERE id = $1 AND product_id = $2")
            .bind(photo_id)
            .bind(product_id)
            .fetch_optional(&mut *tx)
            .await?;
    if found.is_none() {
        return Err(MarketError::NotFound);
    }
    sqlx::query(
        "UPDATE product_photos SET is_cover = CASE WHEN id = $1 THEN 1 ELSE 0 END \
         WHERE product_id = $2",
    )
    .bind(photo_id)
    .bind(product_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

type PhotoRow = (i64, i64, String, i64, i64, i64);

/// The photos of these products, cover first, then in upload order.
#[tracing::instrument(skip_all)]
pub(super) async fn photos_of(
    db: &Db,
    product_ids: &[i64],
) -> Result<Vec<(i64, Photo)>, sqlx::Error> {
    if product_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT product_id, id, file_key, width, height, is_cover FROM product_photos \
         WHERE product_id IN ",
    );
    sql.bind_list(product_ids)
        .push(" ORDER BY product_id, is_cover DESC, id");
    let rows: Vec<PhotoRow> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|(product_id, id, key, width, height, is_cover)| {
            (
                product_id,
                Photo {
                    id,
                    key,
                    width: u32::try_from(width).unwrap_or(1),
                    height: u32::try_from(height).unwrap_or(1),
                    is_cover: is_cover == 1,
                },
            )
        })
        .collect())
}

/// Fills in the photos of these products (one query for all of them).
#[tracing::instrument(skip_all)]
pub(super) async fn attach_photos(db: &Db, products: &mut [Product]) -> Result<(), sqlx::Error> {
    let ids: Vec<i64> = products.iter().map(|p| p.id).collect();
    for (product_id, photo) in photos_of(db, &ids).await? {
        if let Some(p) = products.iter_mut().find(|p| p.id == product_id) {
            p.photos.push(photo);
        }
    }
    Ok(())
}

/// What decides who may fetch a photo's files: its product's status and
/// whose shop it is; and the stored (largest) width, to make a missing width.
pub struct PhotoAccess {
    pub status: ProductStatus,
    pub owner_user_id: i64,
    pub household_id: Option<i64>,
    pub largest_width: u32,
}

/// The access facts of the photo with this file key, if it is a photo of ours.
#[tracing::instrument(skip_all)]
pub async fn photo_access(db: &Db, file_key: &str) -> Result<Option<PhotoAccess>, sqlx::Error> {
    let row: Option<(String, i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT p.status, s.owner_user_id, s.household_id, ph.width FROM product_photos ph \
           JOIN products p ON p.id = ph.product_id JOIN shops s ON s.id = p.shop_id \
         WHERE ph.file_key = $1",
    )
    .bind(file_key)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(status, owner_user_id, household_id, width)| {
        Ok(PhotoAccess {
            status: stored("status", &status, ProductStatus::parse)?,
            owner_user_id,
            household_id,
            largest_width: u32::try_from(width).unwrap_or(1),
        })
    })
    .transpose()
}
