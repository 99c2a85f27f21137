//! The household figures: registered households (from the tallies the
//! database keeps, migration 0028) and households per association (the
//! served pairs of `household_associations`, written out by
//! [`served_union`]).

use super::{Cut, DAY, LIVE, per_association};
use crate::database::{Db, Sql};
use crate::reporting::{Figure, Indicator};

const SAUDI_OFFSET: i64 = crate::time::SAUDI_OFFSET_SECONDS;

/// The pairs of the view `household_associations` (migration 0017: an
/// association serves a household it has a line with, referred a line of,
/// gave a benefit to or imported), its four parts written out with a
/// condition on each part (`condition` appends ` AND …` given the part's
/// association column; it may as well name `household_id`). Through the view
/// neither engine took the condition into the parts (SQLite read every line
/// for the referrals part alone): this reads only the rows the condition
/// picks, by index. Selects `household_id` (and the association with `pairs`),
/// distinct; keep in step with the view. The view's `IS NOT NULL` is
/// written `> 0` (ids are positive): SQLite reads that as a range of the
/// column's index, and `IS NOT NULL` as a scan of the table.
pub(super) fn served_union(sql: &mut Sql, pairs: bool, condition: impl Fn(&mut Sql, &str)) {
    let parts = [
        ("application_lines", "association_id"),
        ("application_lines", "referred_from_id"),
        ("benefits", "association_id"),
        ("imported_households", "association_id"),
    ];
    for (i, (table, association)) in parts.into_iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ");
        }
        sql.push("SELECT household_id");
        if pairs {
            sql.push(", ").push(association).push(" AS association_id");
        }
        sql.push(" FROM ")
            .push(table)
            .push(" WHERE ")
            .push(association)
            .push(" > 0");
        condition(sql, association);
    }
}

/// Registered households at the end of the period, verified or not.
pub(super) async fn registered(db: &Db, cut: &Cut) -> Result<Vec<Figure>, sqlx::Error> {
    Ok(registered_then(db, cut, None).await?.0)
}

/// Whether the tallies answer the cut: not by association or craft, and a
/// period ending at a Saudi midnight (as every parsed period does).
fn tallied(cut: &Cut) -> bool {
    cut.association_id.is_none()
        && cut.craft.is_none()
        && (cut.period.end + SAUDI_OFFSET) % DAY == 0
}

/// [`registered`] at the period's end, and with `previous` at the previous
/// period's end too: counted households are read once for both (an
/// association's served households are looked up one by one: twice the
/// work as two reads).
pub(super) async fn registered_then(
    db: &Db,
    cut: &Cut,
    previous: Option<&Cut>,
) -> Result<(Vec<Figure>, Option<Vec<Figure>>), sqlx::Error> {
    if tallied(cut) && previous.is_none_or(tallied) {
        let before = match previous {
            Some(previous) => Some(figures(previous, &tally(db, previous).await?)),
            None => None,
        };
        return Ok((figures(cut, &tally(db, cut).await?), before));
    }
    // (verified, registered by the end, registered by the previous end).
    let before_end = previous.map_or(i64::MIN, |p| p.period.end);
    let mut sql =
        Sql::new("SELECT h.verified, COUNT(*), CAST(COALESCE(SUM(CASE WHEN h.created_at < ");
    sql.bind(before_end)
        .push(" THEN 1 ELSE 0 END), 0) AS BIGINT) FROM households h WHERE ")
        .push(LIVE)
        .push(" AND h.created_at < ")
        .bind(cut.period.end.max(before_end));
    cut.place(&mut sql, "h.district_id");
    cut.served(&mut sql, "h.id");
    cut.craft(&mut sql, "h");
    sql.push(" GROUP BY h.verified");
    let rows: Vec<(i64, i64, i64)> = sql.query_as().fetch_all(&db.pool).await?;
    let now: Vec<(i64, i64)> = rows.iter().map(|r| (r.0, r.1)).collect();
    let before: Vec<(i64, i64)> = rows.iter().map(|r| (r.0, r.2)).collect();
    Ok((
        figures(cut, &now),
        previous.map(|previous| figures(previous, &before)),
    ))
}

/// (verified, households) from the tallies the database keeps of live
/// households by district, Saudi day of registration and verified
/// (migration 0028): a few hundred rows summed, not a million households
/// counted. Registered before the period's end: before its Saudi day.
async fn tally(db: &Db, cut: &Cut) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT h.verified, CAST(COALESCE(SUM(h.households), 0) AS BIGINT) \
         FROM household_tallies h WHERE h.day < ",
    );
    sql.bind((cut.period.end + SAUDI_OFFSET) / DAY);
    cut.place(&mut sql, "h.district_id");
    sql.push(" GROUP BY h.verified");
    sql.query_as().fetch_all(&db.pool).await
}

/// The indicator's total and its two parts from (verified, households).
fn figures(cut: &Cut, rows: &[(i64, i64)]) -> Vec<Figure> {
    let count = |flag: i64| {
        rows.iter()
            .filter(|r| r.0 == flag)
            .map(|r| r.1)
            .sum::<i64>()
    };
    let (verified, not) = (count(1), count(0));
    let i = Indicator::RegisteredHouseholds;
    vec![
        cut.total(i, Some(verified + not), Some(verified + not)),
        cut.part(i, "verified", "موثقة", "Verified", verified),
        cut.part(i, "not_verified", "غير موثقة", "Not verified", not),
    ]
}

/// Households each association serves, every association's row (an
/// association's own whole, the others' suppressed when small).
pub(super) async fn households_per_association(
    db: &Db,
    cut: &Cut,
) -> Result<Vec<Figure>, sqlx::Error> {
    if !cut.by_household() {
        return served_pairs(db, cut).await;
    }
    // The live households of the place (and craft), few by their index:
    // their pairs read by household, not the whole view joined to them.
    let households = |sql: &mut Sql, column: &str| {
        sql.push(column)
            .push(" IN (SELECT h.id FROM households h WHERE ")
            .push(LIVE);
        cut.place(sql, "h.district_id");
        cut.craft(sql, "h");
        sql.push(")");
    };
    let mut sql = Sql::new("SELECT a.id, a.name_ar, a.name_en, COUNT(*) FROM (");
    served_union(&mut sql, true, |sql, _| {
        sql.push(" AND ");
        households(sql, "household_id");
    });
    sql.push(
        ") ha JOIN associations a ON a.id = ha.association_id \
         GROUP BY a.id, a.name_ar, a.name_en ORDER BY a.id",
    );
    let mut out = per_association(Indicator::HouseholdsPerAssociation, cut, sql, db).await?;
    // The total: households served by the filtered association (its own
    // row), else by any (each once).
    let n = match cut.association_id {
        Some(id) => out
            .iter()
            .find(|f| f.key == id.to_string())
            .and_then(|f| f.value)
            .unwrap_or(0),
        None => {
            let mut total = Sql::new("SELECT COUNT(*) FROM (");
            served_union(&mut total, false, |sql, _| {
                sql.push(" AND ");
                households(sql, "household_id");
            });
            total.push(") s");
            let (n,): (i64,) = total.query_as().fetch_one(&db.pool).await?;
            n
        }
    };
    out[0] = cut.total(Indicator::HouseholdsPerAssociation, Some(n), Some(n));
    Ok(out)
}

/// Households not live (drafts, erased, merged): few, read by their own
/// partial index (migration 0028).
const NOT_LIVE: &str = "SELECT h.id FROM households h WHERE NOT (h.status = 'registered' \
     AND h.erased_at IS NULL AND h.merged_into_id IS NULL)";

/// [`households_per_association`] uncut by place or craft: every served
/// pair counted, less the pairs of households not live — the same figures
/// without looking up each served household (at 10^6 households and 60 000
/// pairs that look-up was most of a second on PostgreSQL).
async fn served_pairs(db: &Db, cut: &Cut) -> Result<Vec<Figure>, sqlx::Error> {
    // Grouped by association before the names are joined (a few rows to
    // join, not one per pair).
    let mut sql = Sql::new(
        "SELECT a.id, a.name_ar, a.name_en, x.n FROM \
           (SELECT ha.association_id, COUNT(*) - CAST(COALESCE(SUM(CASE WHEN ha.household_id IN (",
    );
    sql.push(NOT_LIVE)
        .push(") THEN 1 ELSE 0 END), 0) AS BIGINT) AS n FROM (");
    served_union(&mut sql, true, |_, _| {});
    sql.push(
        ") ha GROUP BY ha.association_id) x \
         JOIN associations a ON a.id = x.association_id ORDER BY a.id",
    );
    let rows = sql
        .query_as::<(i64, String, String, i64)>()
        .fetch_all(&db.pool);
    // The total without a filtered association: the households served by
    // any (each once). With one: its own row.
    let any = async {
        if cut.association_id.is_some() {
            return Ok((0,));
        }
        let mut sql = Sql::new("SELECT COUNT(*) FROM (");
        served_union(&mut sql, false, |_, _| {});
        sql.push(") s WHERE s.household_id NOT IN (")
            .push(NOT_LIVE)
            .push(")");
        sql.query_as::<(i64,)>().fetch_one(&db.pool).await
    };
    let (rows, (any,)) = tokio::try_join!(rows, any)?;
    // An association with only households no longer live had no row.
    let out: Vec<Figure> = rows
        .into_iter()
        .filter(|r| r.3 > 0)
        .map(|(id, ar, en, n)| Figure {
            indicator: Indicator::HouseholdsPerAssociation,
            key: id.to_string(),
            label_ar: ar,
            label_en: en,
            owner: Some(id),
            value: Some(n),
            cases: Some(n),
        })
        .collect();
    let n = match cut.association_id {
        Some(id) => out
            .iter()
            .find(|f| f.key == id.to_string())
            .and_then(|f| f.value)
            .unwrap_or(0),
        None => any,
    };
    let mut all = vec![cut.total(Indicator::HouseholdsPerAssociation, Some(n), Some(n))];
    all.extend(out);
    Ok(all)
}
