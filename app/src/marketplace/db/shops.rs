//! SQL of shops: the family's shop, its reviewed name and bio, and the
//! districts that have shops.

use sqlx::{Any, Row, Transaction};

use super::{PlaceOf, copy_shop_place, sync_search};
use crate::audit::AuditEvent;
use crate::database::{Db, Engine, now, stored};
use crate::marketplace::Shop;
use crate::marketplace::shop_review::{
    AfterSave, ShopText, ShopTextUnderReview, TextReview, after_save,
};

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

/// A shop with its place and owner: the columns of a [`ShopRow`].
const SHOP_SELECT: &str = "SELECT s.id AS id, s.name_ar AS name_ar, s.name_en AS name_en, \
       s.bio AS bio, s.district_id AS district_id, d.name_ar AS district_name_ar, \
       d.name_en AS district_name_en, c.name_ar AS city_name_ar, c.name_en AS city_name_en, \
       s.pickup AS pickup, s.delivery AS delivery, s.delivery_areas AS delivery_areas, \
       s.delivery_fee_halalas AS delivery_fee_halalas, s.whatsapp AS whatsapp, \
       s.public_phone AS public_phone, s.working_hours AS working_hours, \
       s.household_id AS household_id, s.owner_user_id AS owner_user_id, \
       pu.name_ar AS producer_name \
     FROM shops s JOIN districts d ON d.id = s.district_id JOIN cities c ON c.id = d.city_id \
     LEFT JOIN users pu ON pu.id = s.producer_user_id AND EXISTS ( \
       SELECT 1 FROM household_delegates hd JOIN household_members hm ON hm.id = hd.member_id \
       WHERE hm.household_id = s.household_id AND hm.national_id = pu.national_id)";

/// A row of [`SHOP_SELECT`].
#[derive(sqlx::FromRow)]
struct ShopRow {
    id: i64,
    name_ar: String,
    name_en: Option<String>,
    bio: String,
    district_id: i64,
    district_name_ar: String,
    district_name_en: String,
    city_name_ar: String,
    city_name_en: String,
    pickup: i64,
    delivery: i64,
    delivery_areas: String,
    delivery_fee_halalas: Option<i64>,
    whatsapp: Option<String>,
    public_phone: Option<String>,
    working_hours: String,
    household_id: Option<i64>,
    owner_user_id: i64,
    /// The member who runs the shop for the household, while allowed.
    producer_name: Option<String>,
}

/// A shop and who it belongs to.
pub struct ShopRecord {
    pub shop: Shop,
    pub household_id: Option<i64>,
    pub owner_user_id: i64,
}

impl From<ShopRow> for ShopRecord {
    fn from(row: ShopRow) -> Self {
        ShopRecord {
            shop: Shop {
                id: row.id,
                name_ar: row.name_ar,
                name_en: row.name_en,
                bio: row.bio,
                district_id: row.district_id,
                district_name_ar: row.district_name_ar,
                district_name_en: row.district_name_en,
                city_name_ar: row.city_name_ar,
                city_name_en: row.city_name_en,
                pickup: row.pickup == 1,
                delivery: row.delivery == 1,
                delivery_areas: row.delivery_areas,
                delivery_fee_halalas: row.delivery_fee_halalas,
                whatsapp: row.whatsapp,
                phone: row.public_phone,
                working_hours: row.working_hours,
                // Only the given name: the public sees who makes the goods,
                // not the member's full name.
                producer_name: row
                    .producer_name
                    .and_then(|n| n.split_whitespace().next().map(str::to_string)),
            },
            household_id: row.household_id,
            owner_user_id: row.owner_user_id,
        }
    }
}

/// The shop a person owns.
#[tracing::instrument(skip_all)]
pub async fn shop_of_owner(db: &Db, user_id: i64) -> Result<Option<ShopRecord>, sqlx::Error> {
    let sql = format!("{SHOP_SELECT} WHERE s.owner_user_id = $1");
    let row: Option<ShopRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(ShopRecord::from))
}

/// The shop of a household.
#[tracing::instrument(skip_all)]
pub async fn shop_of_household(
    db: &Db,
    household_id: i64,
) -> Result<Option<ShopRecord>, sqlx::Error> {
    let sql = format!("{SHOP_SELECT} WHERE s.household_id = $1");
    let row: Option<ShopRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(household_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(ShopRecord::from))
}

/// The shop this person runs: the household's when they act for it as a
/// member the head allowed (asked now, see `registry::delegates`), else
/// their own.
#[tracing::instrument(skip_all)]
pub async fn shop_run_by(
    db: &Db,
    user_id: i64,
    national_id: &str,
) -> Result<Option<ShopRecord>, sqlx::Error> {
    match crate::registry::db::acting_for(db, national_id).await? {
        Some(a) if !a.is_head() => shop_of_household(db, a.household_id).await,
        _ => shop_of_owner(db, user_id).await,
    }
}

/// A shop by id.
#[tracing::instrument(skip_all)]
pub async fn shop(db: &Db, shop_id: i64) -> Result<Option<ShopRecord>, sqlx::Error> {
    let sql = format!("{SHOP_SELECT} WHERE s.id = $1");
    let row: Option<ShopRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(shop_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(ShopRecord::from))
}

/// Opens or updates the owner's shop (one per person, one per household) and
/// re-indexes its products, whose search document holds the shop's names.
/// The name and bio are reviewed text: a change waits in `proposed_*` (see
/// [`shop_review`](crate::marketplace::shop_review)); the public keeps the
/// approved text. `event` is audited in the same transaction, its subject
/// the shop.
#[tracing::instrument(skip_all)]
pub async fn save_shop(
    db: &Db,
    owner_user_id: i64,
    household_id: Option<i64>,
    input: &ShopInput,
    event: Option<AuditEvent<'_>>,
) -> Result<i64, sqlx::Error> {
    save_shop_as(db, owner_user_id, household_id, None, input, event).await
}

/// [`save_shop`], by `producer_user_id` when a member runs the household's
/// shop for it (named as its producer from then on); `None` keeps the
/// producer the shop has.
#[tracing::instrument(skip_all)]
pub async fn save_shop_as(
    db: &Db,
    owner_user_id: i64,
    household_id: Option<i64>,
    producer_user_id: Option<i64>,
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
           created_at, updated_at, public_phone, producer_user_id) \
         VALUES ($1, $2, '', NULL, '', $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12) \
         ON CONFLICT (owner_user_id) DO UPDATE SET \
           household_id = COALESCE(shops.household_id, excluded.household_id), \
           district_id = excluded.district_id, pickup = excluded.pickup, \
           delivery = excluded.delivery, delivery_areas = excluded.delivery_areas, \
           delivery_fee_halalas = excluded.delivery_fee_halalas, whatsapp = excluded.whatsapp, \
           working_hours = excluded.working_hours, updated_at = excluded.updated_at, \
           public_phone = excluded.public_phone, \
           producer_user_id = COALESCE(excluded.producer_user_id, shops.producer_user_id) \
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
    .bind(producer_user_id)
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
    let review = stored(
        "text_review",
        &row.try_get::<String, _>(7)?,
        TextReview::parse,
    )?;
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
    if let Some(event) = event {
        crate::audit::record_in(&mut tx, event.subject("shop", shop_id)).await?;
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
#[tracing::instrument(skip_all)]
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
    let Some((name_ar, name_en, bio, review, reason)) = row else {
        return Ok(None);
    };
    let review = stored("text_review", &review, TextReview::parse)?;
    Ok(
        (review != TextReview::Approved).then(|| ShopTextUnderReview {
            text: ShopText {
                name_ar: name_ar.unwrap_or_default(),
                name_en,
                bio: bio.unwrap_or_default(),
            },
            review,
            rejection_reason: reason,
        }),
    )
}

/// Re-indexes every product of a shop (its names are in their search document).
#[tracing::instrument(skip_all)]
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

/// Districts with the most shops, for the home page (counted from the
/// district index alone: the home page is the busiest page).
#[tracing::instrument(skip_all)]
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
