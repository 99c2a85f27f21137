//! SQL of the search. The same statements on both engines: a name part is
//! a range of `household_name_keys`' primary key (`text::prefix_upper_bound`;
//! byte order on both: SQLite's binary collation, PostgreSQL's `COLLATE
//! "C"`), the other parts a test of the same entry's `names`; national IDs
//! by the identity index and the heads' unique column; phones by
//! `households_phone`. "Served by" and benefits are read by name, as
//! reporting reads them.

use std::collections::HashMap;

use super::{BenefitSeen, Named};
use crate::database::{Db, Sql};

/// Keys counted per part before the rarest is chosen to lead.
const COUNT_CAP: i64 = 5_000;

/// Households whose head holds this national ID, or a member's confirmed
/// identity (a merged household answers with the one it went into); live
/// ones only.
#[tracing::instrument(skip_all)]
pub async fn by_national_id(db: &Db, national_id: &str) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT h.id FROM households h WHERE h.erased_at IS NULL AND h.merged_into_id IS NULL \
           AND h.id IN ( \
             SELECT COALESCE(x.merged_into_id, x.id) FROM households x WHERE x.head_national_id = $1 \
             UNION \
             SELECT COALESCE(x.merged_into_id, x.id) FROM household_identities i \
               JOIN households x ON x.id = i.household_id WHERE i.national_id = $2) \
         ORDER BY h.id",
    )
    .bind(national_id)
    .bind(national_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Live households with this phone (`9665XXXXXXXX`), at most `limit`.
#[tracing::instrument(skip_all)]
pub async fn by_phone(db: &Db, phone: &str, limit: usize) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM households WHERE phone = $1 AND erased_at IS NULL \
           AND merged_into_id IS NULL ORDER BY id LIMIT $2",
    )
    .bind(phone)
    .bind(limit as i64)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Households with a person whose name has a part beginning with each of
/// `parts` (any order): (household, person: 0 the head, else the member),
/// one per household, in key order, at most `limit`.
#[tracing::instrument(skip_all, fields(parts = parts.len()))]
pub async fn by_name(
    db: &Db,
    parts: &[String],
    limit: usize,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let mut ranges: Vec<(String, String, i64)> = Vec::with_capacity(parts.len());
    for part in parts {
        let Some(upper) = crate::text::prefix_upper_bound(part) else {
            continue;
        };
        // How common the part is, counted up to a cap: the rarest leads.
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT 1 FROM household_name_keys \
               WHERE token >= $1 AND token < $2 LIMIT $3) x",
        )
        .bind(part.as_str())
        .bind(upper.as_str())
        .bind(COUNT_CAP)
        .fetch_one(&db.pool)
        .await?;
        if n == 0 {
            return Ok(Vec::new());
        }
        ranges.push((part.clone(), upper, n));
    }
    if ranges.is_empty() {
        return Ok(Vec::new());
    }
    ranges.sort_by(|a, b| a.2.cmp(&b.2).then(b.0.len().cmp(&a.0.len())));
    let (lead, rest) = ranges.split_first().expect("one part at least");
    // The rarest part reads its range of the keys; the others are tested on
    // the same person's keys carried by each entry (`names`).
    let mut sql =
        Sql::new("SELECT k.household_id, k.person FROM household_name_keys k WHERE k.token >= ");
    sql.bind(lead.0.as_str())
        .push(" AND k.token < ")
        .bind(lead.1.as_str());
    for (part, _, _) in rest {
        sql.push(" AND k.names LIKE ").bind(format!("% {part}%"));
    }
    // A person may have two keys the lead begins, a household two persons
    // it matches: read a few more rows than households wanted.
    sql.push(" LIMIT ").bind((limit + 8) as i64);
    let rows: Vec<(i64, i64)> = sql.query_as().fetch_all(&db.pool).await?;
    let mut seen = std::collections::HashSet::new();
    Ok(rows
        .into_iter()
        .filter(|(household, _)| seen.insert(*household))
        .take(limit)
        .collect())
}

/// A live household as read for the results (only its registration is
/// shown for one the caller does not serve).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HouseholdRow {
    pub id: i64,
    pub head_name_ar: String,
    pub head_national_id: String,
    pub phone: Option<String>,
    pub status: String,
    pub district_name_ar: Option<String>,
    pub district_name_en: Option<String>,
}

/// These households, live ones only, by id.
#[tracing::instrument(skip_all, fields(households = ids.len()))]
pub async fn households(db: &Db, ids: &[i64]) -> Result<HashMap<i64, HouseholdRow>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT h.id, h.head_name_ar, h.head_national_id, h.phone, h.status, \
           d.name_ar AS district_name_ar, d.name_en AS district_name_en \
         FROM households h LEFT JOIN districts d ON d.id = h.district_id \
         WHERE h.erased_at IS NULL AND h.merged_into_id IS NULL AND h.id IN ",
    );
    sql.bind_list(ids);
    let rows: Vec<HouseholdRow> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(|r| (r.id, r)).collect())
}

/// The associations serving each of these households
/// (`household_associations`): household → (association id, name).
#[tracing::instrument(skip_all, fields(households = ids.len()))]
pub async fn serving(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Vec<(i64, Named)>>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT ha.household_id, a.id, a.name_ar, a.name_en FROM household_associations ha \
           JOIN associations a ON a.id = ha.association_id WHERE ha.household_id IN ",
    );
    sql.bind_list(ids);
    sql.push(" ORDER BY ha.household_id, a.id");
    let rows: Vec<(i64, i64, String, String)> = sql.query_as().fetch_all(&db.pool).await?;
    let mut out: HashMap<i64, Vec<(i64, Named)>> = HashMap::new();
    for (household, id, name_ar, name_en) in rows {
        out.entry(household)
            .or_default()
            .push((id, Named { name_ar, name_en }));
    }
    Ok(out)
}

/// The benefits of these households, newest first (type, date, association;
/// never the amount).
#[tracing::instrument(skip_all, fields(households = ids.len()))]
pub async fn benefits(db: &Db, ids: &[i64]) -> Result<HashMap<i64, Vec<BenefitSeen>>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT b.household_id, t.name_ar, t.name_en, b.given_on, a.name_ar, a.name_en \
         FROM benefits b JOIN assistance_types t ON t.id = b.assistance_type_id \
           JOIN associations a ON a.id = b.association_id WHERE b.household_id IN ",
    );
    sql.bind_list(ids);
    sql.push(" ORDER BY b.household_id, b.given_on DESC, b.id DESC");
    let rows: Vec<(i64, String, String, String, String, String)> =
        sql.query_as().fetch_all(&db.pool).await?;
    let mut out: HashMap<i64, Vec<BenefitSeen>> = HashMap::new();
    for (household, type_name_ar, type_name_en, given_on, name_ar, name_en) in rows {
        out.entry(household).or_default().push(BenefitSeen {
            type_name_ar,
            type_name_en,
            given_on,
            association: Named { name_ar, name_en },
        });
    }
    Ok(out)
}

/// The names of these members, by id.
#[tracing::instrument(skip_all)]
pub async fn member_names(db: &Db, ids: &[i64]) -> Result<HashMap<i64, String>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = Sql::new("SELECT id, full_name FROM household_members WHERE id IN ");
    sql.bind_list(ids);
    let rows: Vec<(i64, String)> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows.into_iter().collect())
}

/// An association's name.
#[tracing::instrument(skip_all)]
pub async fn association(db: &Db, id: i64) -> Result<Option<Named>, sqlx::Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT name_ar, name_en FROM associations WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(name_ar, name_en)| Named { name_ar, name_en }))
}
