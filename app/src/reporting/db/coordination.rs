//! The coordination figures: coverage (rate, gaps, overlaps, and per
//! district for the map) from `coverage_cells`, and the duplicated work
//! the registry prevented (refused lines in the audit trail, merged
//! households in `duplicate_candidates`).

use std::collections::BTreeMap;

use super::Cut;
use crate::database::{Db, Sql};
use crate::reporting::{Figure, Indicator, rate};

/// The approved primary associations of each district × active type pair
/// in the cut's place and type, today.
async fn primaries(db: &Db, cut: &Cut) -> Result<BTreeMap<(i64, i64), Vec<i64>>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT DISTINCT c.district_id, c.assistance_type_id, c.association_id \
         FROM coverage_cells c JOIN assistance_types t ON t.id = c.assistance_type_id \
         WHERE t.active = 1 AND c.role = 'primary' AND c.status = 'approved' AND c.valid_from <= ",
    );
    sql.bind(cut.now)
        .push(" AND (c.valid_to IS NULL OR c.valid_to > ")
        .bind(cut.now)
        .push(")");
    cut.place(&mut sql, "c.district_id");
    cut.assistance_type(&mut sql, "c.assistance_type_id");
    let rows: Vec<(i64, i64, i64)> = sql.query_as().fetch_all(&db.pool).await?;
    let mut pairs: BTreeMap<(i64, i64), Vec<i64>> = BTreeMap::new();
    for (district, kind, association) in rows {
        pairs.entry((district, kind)).or_default().push(association);
    }
    Ok(pairs)
}

/// How many district × active type pairs the cut's place and type hold.
async fn pairs_in_cut(db: &Db, cut: &Cut) -> Result<i64, sqlx::Error> {
    let mut districts = Sql::new("SELECT COUNT(*) FROM districts d WHERE 1 = 1");
    cut.place(&mut districts, "d.id");
    let (districts,): (i64,) = districts.query_as().fetch_one(&db.pool).await?;
    let mut types = Sql::new("SELECT COUNT(*) FROM assistance_types t WHERE t.active = 1");
    cut.assistance_type(&mut types, "t.id");
    let (types,): (i64,) = types.query_as().fetch_one(&db.pool).await?;
    Ok(districts * types)
}

/// The coverage rate (pairs with a primary — the filtered association, if
/// one — over all pairs), the gaps (pairs with no primary) and the
/// overlaps (pairs with two or more; with an association, those it is one
/// of). Figures about associations, never suppressed.
pub(super) async fn coverage(db: &Db, cut: &Cut) -> Result<Vec<Figure>, sqlx::Error> {
    let pairs = primaries(db, cut).await?;
    let all = pairs_in_cut(db, cut).await?;
    let mine = |list: &Vec<i64>| cut.association_id.is_none_or(|id| list.contains(&id));
    let covered = pairs.values().filter(|list| mine(list)).count() as i64;
    let overlaps = pairs
        .values()
        .filter(|list| list.len() > 1 && mine(list))
        .count() as i64;
    let gaps = all - pairs.len() as i64;
    Ok(vec![
        cut.total(Indicator::CoverageRate, rate(covered, all), None),
        // Gaps belong to no association: the filter does not cut them.
        Figure::total(Indicator::CoverageGaps, None, Some(gaps), None),
        cut.total(Indicator::CoverageOverlaps, Some(overlaps), None),
    ])
}

/// One district on the coverage map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictCoverage {
    pub district_id: i64,
    pub name_ar: String,
    pub name_en: String,
    /// Active types (of the cut) with exactly one primary, with two or more.
    pub covered: i64,
    pub overlaps: i64,
    /// Active types of the cut.
    pub types: i64,
}

/// Every district of a city with its coverage today, by name.
pub async fn district_coverage(
    db: &Db,
    cut: &Cut,
    city_id: i64,
) -> Result<Vec<DistrictCoverage>, sqlx::Error> {
    let city_cut = Cut {
        city_id: Some(city_id),
        district_id: None,
        ..*cut
    };
    let pairs = primaries(db, &city_cut).await?;
    let mut types = Sql::new("SELECT COUNT(*) FROM assistance_types t WHERE t.active = 1");
    cut.assistance_type(&mut types, "t.id");
    let (types,): (i64,) = types.query_as().fetch_one(&db.pool).await?;
    let mut sql = Sql::new("SELECT id, name_ar, name_en FROM districts WHERE city_id = ");
    sql.bind(city_id).push(" ORDER BY name_ar, id");
    let districts: Vec<(i64, String, String)> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(districts
        .into_iter()
        .map(|(district_id, name_ar, name_en)| {
            let mut covered = 0;
            let mut overlaps = 0;
            for ((_, _), list) in pairs.range((district_id, i64::MIN)..=(district_id, i64::MAX)) {
                match list.len() {
                    1 => covered += 1,
                    _ => overlaps += 1,
                }
            }
            DistrictCoverage {
                district_id,
                name_ar,
                name_en,
                covered,
                overlaps,
                types,
            }
        })
        .collect())
}

/// Lines refused in the period because the household had an active line
/// of the type, and duplicate households the council merged in it.
pub(super) async fn duplicates_prevented(db: &Db, cut: &Cut) -> Result<Vec<Figure>, sqlx::Error> {
    let mut refused = Sql::new(
        // The CASE keeps PostgreSQL from casting other events' subjects.
        "SELECT COUNT(*) FROM audit_events e JOIN households h ON h.id = \
           CASE WHEN e.subject_type = 'household' THEN CAST(e.subject_id AS BIGINT) END \
         WHERE e.action = 'line_refused_active'",
    );
    cut.within(&mut refused, "e.occurred_at");
    cut.place(&mut refused, "h.district_id");
    cut.craft(&mut refused, "h");
    let (refused,): (i64,) = refused.query_as().fetch_one(&db.pool).await?;
    let mut merged = Sql::new(
        "SELECT COUNT(*) FROM duplicate_candidates dc JOIN households h ON h.id = dc.household_a \
         WHERE dc.status = 'same'",
    );
    cut.within(&mut merged, "dc.decided_at");
    cut.place(&mut merged, "h.district_id");
    cut.craft(&mut merged, "h");
    let (merged,): (i64,) = merged.query_as().fetch_one(&db.pool).await?;
    let i = Indicator::DuplicatesPrevented;
    // Platform-wide figures: the association filter does not cut them.
    let figure = |key: &str, ar: &str, en: &str, n: i64| Figure {
        owner: None,
        ..cut.part(i, key, ar, en, n)
    };
    Ok(vec![
        Figure::total(i, None, Some(refused + merged), Some(refused + merged)),
        figure(
            "line_refused",
            "طلبات رُفضت لوجود طلب نشط من النوع نفسه",
            "Requests refused: one of the type already active",
            refused,
        ),
        figure(
            "households_merged",
            "أسر مكررة دُمجت",
            "Duplicate households merged",
            merged,
        ),
    ])
}
