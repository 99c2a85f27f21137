//! SQL of moderation: what waits for review, and who reviews it.

use super::{MarketError, product, shop, sync_shop_search};
use crate::audit::AuditEvent;
use crate::database::{Db, Sql, now};
use crate::marketplace::shop_review::{PendingShopText, ShopText};
use crate::marketplace::{Product, Shop};

/// Households an association (`$1`) moderates: those it serves.
const LINKED: &str = "SELECT household_id FROM household_associations WHERE association_id = $1";
/// Households some association serves; the council moderates the others.
const ANY_LINKED: &str = "SELECT household_id FROM household_associations";

/// A pending product waiting for a moderator, with its shop.
pub struct PendingProduct {
    pub product: Product,
    pub shop: Shop,
}

/// Which pending products a queue holds: this association's (`$1`: households
/// linked to it by a line or a benefit), or, for the council, those whose
/// household no association is linked to.
fn pending_of(association_id: Option<i64>) -> String {
    match association_id {
        Some(_) => format!(
            "FROM products p JOIN shops s ON s.id = p.shop_id \
             WHERE p.status = 'pending' AND s.household_id IN ({LINKED})"
        ),
        None => format!(
            "FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.status = 'pending' \
               AND (s.household_id IS NULL OR s.household_id NOT IN ({ANY_LINKED}))"
        ),
    }
}

/// How many products wait in the queue (see [`moderation_queue`]).
#[tracing::instrument(skip_all)]
pub async fn moderation_count(db: &Db, association_id: Option<i64>) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) {}", pending_of(association_id));
    let mut query = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql));
    if let Some(id) = association_id {
        query = query.bind(id);
    }
    Ok(query.fetch_one(&db.pool).await?.0)
}

/// Products waiting for review by this association, or the council's
/// (`None`, see [`pending_of`]); oldest first, `limit` from `offset`.
#[tracing::instrument(skip_all)]
pub async fn moderation_queue(
    db: &Db,
    association_id: Option<i64>,
    limit: i64,
    offset: i64,
) -> Result<Vec<PendingProduct>, sqlx::Error> {
    let n = if association_id.is_some() { 2 } else { 1 };
    let sql = format!(
        "SELECT p.id, s.id {} ORDER BY p.updated_at, p.id LIMIT ${n} OFFSET ${}",
        pending_of(association_id),
        n + 1
    );
    let mut query = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql));
    if let Some(id) = association_id {
        query = query.bind(id);
    }
    let ids = query.bind(limit).bind(offset).fetch_all(&db.pool).await?;
    let mut out = Vec::with_capacity(ids.len());
    for (product_id, shop_id) in ids {
        if let (Some(product), Some(shop)) =
            (product(db, product_id).await?, shop(db, shop_id).await?)
        {
            out.push(PendingProduct {
                product,
                shop: shop.shop,
            });
        }
    }
    Ok(out)
}

/// The associations that moderate a shop's products: those serving its household.
#[tracing::instrument(skip_all)]
pub async fn moderating_associations(
    db: &Db,
    household_id: Option<i64>,
) -> Result<Vec<i64>, sqlx::Error> {
    match household_id {
        Some(household_id) => crate::registry::db::associations_serving(db, household_id).await,
        None => Ok(Vec::new()),
    }
}

type ShopTextRow = (
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Shops whose new name or bio waits for this association's review (or, for
/// the council, `None`, those of households no association is linked to);
/// oldest change first.
#[tracing::instrument(skip_all)]
pub async fn pending_shop_texts(
    db: &Db,
    association_id: Option<i64>,
    limit: i64,
) -> Result<Vec<PendingShopText>, sqlx::Error> {
    let columns = "s.id, s.name_ar, s.name_en, s.bio, s.proposed_name_ar, s.proposed_name_en, \
                   s.proposed_bio FROM shops s WHERE s.text_review = 'pending'";
    let rows: Vec<ShopTextRow> = match association_id {
        Some(association_id) => {
            let sql = format!(
                "SELECT {columns} AND s.household_id IN ({LINKED}) \
                 ORDER BY s.updated_at, s.id LIMIT $2"
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(association_id)
                .bind(limit)
                .fetch_all(&db.pool)
                .await?
        }
        None => {
            let sql = format!(
                "SELECT {columns} \
                   AND (s.household_id IS NULL OR s.household_id NOT IN ({ANY_LINKED})) \
                 ORDER BY s.updated_at, s.id LIMIT $1"
            );
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(limit)
                .fetch_all(&db.pool)
                .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(
            |(shop_id, name_ar, name_en, bio, proposed_ar, proposed_en, proposed_bio)| {
                PendingShopText {
                    shop_id,
                    public: ShopText {
                        name_ar,
                        name_en,
                        bio,
                    },
                    proposed: ShopText {
                        name_ar: proposed_ar.unwrap_or_default(),
                        name_en: proposed_en,
                        bio: proposed_bio.unwrap_or_default(),
                    },
                }
            },
        )
        .collect())
}

/// A moderator's decision on a shop's waiting text: approved, it becomes the
/// public text (and the shop's products are re-indexed under it); refused, it
/// stays the family's with the reason. Audited in the same transaction.
/// `WrongStatus` when nothing waits (decided meanwhile).
#[tracing::instrument(skip_all)]
pub async fn decide_shop_text(
    db: &Db,
    shop_id: i64,
    approve: bool,
    reason: Option<&str>,
    event: AuditEvent<'_>,
) -> Result<(), MarketError> {
    let mut tx = db.begin_write().await?;
    let done = if approve {
        sqlx::query(
            "UPDATE shops SET name_ar = proposed_name_ar, name_en = proposed_name_en, \
               bio = COALESCE(proposed_bio, ''), proposed_name_ar = NULL, proposed_name_en = NULL, \
               proposed_bio = NULL, text_review = 'approved', text_rejection_reason = NULL, \
               updated_at = $2 \
             WHERE id = $1 AND text_review = 'pending'",
        )
        .bind(shop_id)
        .bind(now())
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query(
            "UPDATE shops SET text_review = 'rejected', text_rejection_reason = $2 \
             WHERE id = $1 AND text_review = 'pending'",
        )
        .bind(shop_id)
        .bind(reason)
        .execute(&mut *tx)
        .await?
    };
    if done.rows_affected() == 0 {
        return Err(MarketError::WrongStatus);
    }
    if approve {
        sync_shop_search(&mut tx, db.engine, shop_id).await?;
    }
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// The households that own these shops (for the audit of a moderation
/// queue read: "who read my record").
#[tracing::instrument(skip_all)]
pub async fn households_of_shops(db: &Db, shop_ids: &[i64]) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql =
        Sql::new("SELECT household_id FROM shops WHERE household_id IS NOT NULL AND id IN ");
    sql.bind_list(shop_ids);
    let rows: Vec<(i64,)> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
