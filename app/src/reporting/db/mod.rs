//! SQL of reporting: every indicator read from the other domains' tables by
//! name (households, lines and their events, coverage cells, benefits,
//! shops, products and their taps, courses and enrollments, continuity),
//! never written. The same SQL runs on both engines: sums are cast back to
//! BIGINT, dates are compared as Unix seconds or `YYYY-MM-DD` text, and
//! medians and months are computed in Rust from fetched values. The lists
//! of the filter form are in `options.rs`.

mod coordination;
mod cut;
mod households;
mod options;

pub use coordination::district_coverage;
pub use cut::Cut;
use cut::{DAY, LIVE};
use households::{households_per_association, registered, registered_then};
pub use options::*;

use std::collections::BTreeMap;

use super::{Figure, Indicator, median_days, rate};
use crate::database::{Db, Sql};

/// Every indicator's figures for the cut, in [`Indicator::ALL`]'s order.
#[tracing::instrument(skip_all)]
pub async fn figures(db: &Db, cut: &Cut) -> Result<Vec<Figure>, sqlx::Error> {
    Ok(figures_with(db, cut, false, None).await?.figures)
}

/// What the dashboard reads in one go: every indicator's figures, the lines
/// per Saudi day (the trend), and the registered households at the previous
/// period's end (a headline's comparison).
pub struct Read {
    pub figures: Vec<Figure>,
    /// As [`lines_per_day`] gives them.
    pub per_day: Vec<(i64, i64)>,
    /// The previous cut's [`Indicator::RegisteredHouseholds`] figures.
    pub registered_before: Vec<Figure>,
}

/// [`figures`], the trend, and the registered households of `previous`:
/// the lines read once for the figures and the trend when the period is
/// short enough that a row per type, state and day stays few, and counted
/// households once for both periods.
#[tracing::instrument(skip_all)]
pub async fn figures_and_trend(db: &Db, cut: &Cut, previous: &Cut) -> Result<Read, sqlx::Error> {
    figures_with(db, cut, true, Some(previous)).await
}

async fn figures_with(
    db: &Db,
    cut: &Cut,
    trend: bool,
    previous: Option<&Cut>,
) -> Result<Read, sqlx::Error> {
    let together = trend && cut.period.end - cut.period.start <= 400 * DAY;
    let apart = async {
        match trend && !together {
            true => lines_per_day(db, cut).await,
            false => Ok(Vec::new()),
        }
    };
    // The groups are independent reads: run at once on the pool's
    // connections (PostgreSQL runs each in its own process; SQLite's WAL
    // lets readers run side by side), in the same order once done.
    let (
        registered,
        lines,
        coverage,
        decision,
        fulfilment,
        referrals,
        duplicates,
        per_association,
        benefits,
        market,
        training,
        continuity,
        apart,
    ) = tokio::try_join!(
        registered_then(db, cut, previous),
        lines_with_days(db, cut, together),
        coordination::coverage(db, cut),
        median(db, cut, Indicator::DaysToDecision),
        median(db, cut, Indicator::DaysToFulfilment),
        referrals(db, cut),
        coordination::duplicates_prevented(db, cut),
        households_per_association(db, cut),
        benefits(db, cut),
        market(db, cut),
        training(db, cut),
        continuity(db, cut),
        apart,
    )?;
    let (lines, days) = lines;
    let (registered, registered_before) = registered;
    let mut out = registered;
    out.extend(lines);
    out.extend(coverage);
    out.push(decision);
    out.push(fulfilment);
    out.extend(referrals);
    out.extend(duplicates);
    out.extend(per_association);
    out.extend(benefits);
    out.extend(market);
    out.extend(training);
    out.extend(continuity);
    Ok(Read {
        figures: out,
        per_day: if together { days } else { apart },
        registered_before: registered_before.unwrap_or_default(),
    })
}

/// One indicator's figures for the cut, as [`figures`] gives them, reading
/// only the indicator's own group (the partners' API asks for one at a time).
#[tracing::instrument(skip_all)]
pub async fn figures_of(
    db: &Db,
    cut: &Cut,
    indicator: Indicator,
) -> Result<Vec<Figure>, sqlx::Error> {
    use Indicator as I;
    let group = match indicator {
        I::RegisteredHouseholds => registered(db, cut).await?,
        I::LinesByType | I::LinesByState => lines(db, cut).await?,
        I::CoverageRate | I::CoverageGaps | I::CoverageOverlaps => {
            coordination::coverage(db, cut).await?
        }
        I::DuplicatesPrevented => coordination::duplicates_prevented(db, cut).await?,
        I::DaysToDecision | I::DaysToFulfilment => vec![median(db, cut, indicator).await?],
        I::Referrals => referrals(db, cut).await?,
        I::HouseholdsPerAssociation => households_per_association(db, cut).await?,
        I::BenefitsByType | I::BenefitsValue => benefits(db, cut).await?,
        I::ActiveShops | I::PublishedProducts | I::WhatsappTaps => market(db, cut).await?,
        I::SeatsFilled | I::CompletionRate | I::Certificates => training(db, cut).await?,
        I::AtRiskHouseholds | I::ExitedHouseholds => continuity(db, cut).await?,
    };
    Ok(group
        .into_iter()
        .filter(|f| f.indicator == indicator)
        .collect())
}

/// A line state's name in both languages.
pub fn state_name(state: &str) -> (&'static str, &'static str) {
    match state {
        "submitted" => ("مقدم", "Submitted"),
        "in_review" => ("قيد المراجعة", "In review"),
        "approved" => ("مقبول", "Approved"),
        "fulfilled" => ("منفذ", "Fulfilled"),
        "rejected" => ("مرفوض", "Rejected"),
        "referred" => ("محال", "Referred"),
        "withdrawn" => ("مسحوب", "Withdrawn"),
        _ => ("", ""),
    }
}

const STATES: [&str; 7] = [
    "submitted",
    "in_review",
    "approved",
    "fulfilled",
    "rejected",
    "referred",
    "withdrawn",
];

/// Lines submitted in the period, by type and by state now.
async fn lines(db: &Db, cut: &Cut) -> Result<Vec<Figure>, sqlx::Error> {
    Ok(lines_with_days(db, cut, false).await?.0)
}

/// The Saudi day of a line's submission: the same expression in SELECT and
/// GROUP BY (a bound value would be two different parameters to
/// PostgreSQL); UTC+3 is 10 800 seconds.
const SAUDI_DAY: &str = "(l.created_at + 10800) / 86400";

/// [`lines`], and with `by_day` the same lines per Saudi day (as
/// [`lines_per_day`]) from the same read: grouped by type, state and day,
/// summed both ways here (the dashboard's two biggest reads made one).
async fn lines_with_days(
    db: &Db,
    cut: &Cut,
    by_day: bool,
) -> Result<(Vec<Figure>, Vec<(i64, i64)>), sqlx::Error> {
    debug_assert_eq!(crate::time::SAUDI_OFFSET_SECONDS, 10_800);
    // Grouped by the line's own columns first (SQLite then reads the
    // (type, state, created_at) index in its order, a range per pair, with
    // no sort), named by the types after.
    let day = if by_day {
        SAUDI_DAY
    } else {
        "CAST(0 AS BIGINT)"
    };
    let mut sql = Sql::new(
        "SELECT t.code, t.name_ar, t.name_en, x.state, x.day, x.n FROM \
           (SELECT l.assistance_type_id, l.state, ",
    );
    sql.push(day)
        .push(" AS day, COUNT(*) AS n FROM application_lines l");
    cut.join_household(&mut sql, "l.household_id");
    sql.push(" WHERE 1 = 1");
    cut.within(&mut sql, "l.created_at");
    cut.association(&mut sql, "l.association_id");
    cut.assistance_type(&mut sql, "l.assistance_type_id");
    cut.place(&mut sql, "h.district_id");
    cut.craft(&mut sql, "h");
    sql.push(" GROUP BY l.assistance_type_id, l.state");
    if by_day {
        sql.push(", ").push(SAUDI_DAY);
    }
    sql.push(
        ") x JOIN assistance_types t ON t.id = x.assistance_type_id ORDER BY t.sort_order, t.code",
    );
    let rows: Vec<(String, String, String, String, i64, i64)> =
        sql.query_as().fetch_all(&db.pool).await?;
    let mut days: BTreeMap<i64, i64> = BTreeMap::new();
    if by_day {
        for r in &rows {
            *days.entry(r.4).or_default() += r.5;
        }
    }
    let days = days
        .into_iter()
        .map(|(day, n)| (day * 86_400 - crate::time::SAUDI_OFFSET_SECONDS, n))
        .collect();
    let rows: Vec<(String, String, String, String, i64)> = rows
        .into_iter()
        .map(|(code, ar, en, state, _, n)| (code, ar, en, state, n))
        .collect();
    let total: i64 = rows.iter().map(|r| r.4).sum();
    let mut by_type: Vec<(String, String, String, i64)> = Vec::new();
    let mut by_state: BTreeMap<&str, i64> = BTreeMap::new();
    for (code, ar, en, state, n) in &rows {
        match by_type.iter_mut().find(|t| &t.0 == code) {
            Some(t) => t.3 += n,
            None => by_type.push((code.clone(), ar.clone(), en.clone(), *n)),
        }
        *by_state.entry(state.as_str()).or_default() += n;
    }
    let mut out = vec![cut.total(Indicator::LinesByType, Some(total), Some(total))];
    for (code, ar, en, n) in by_type {
        out.push(cut.part(Indicator::LinesByType, &code, &ar, &en, n));
    }
    out.push(cut.total(Indicator::LinesByState, Some(total), Some(total)));
    for state in STATES {
        let n = by_state.get(state).copied().unwrap_or(0);
        let (ar, en) = state_name(state);
        out.push(cut.part(Indicator::LinesByState, state, ar, en, n));
    }
    Ok((out, days))
}

/// The median days from submission to the first event into the
/// indicator's states, for lines that reached them in the period.
async fn median(db: &Db, cut: &Cut, indicator: Indicator) -> Result<Figure, sqlx::Error> {
    let states = match indicator {
        Indicator::DaysToFulfilment => "('fulfilled')",
        _ => "('approved', 'rejected')",
    };
    let mut sql = Sql::new(
        "SELECT l.created_at, MIN(e.occurred_at) FROM application_lines l \
         JOIN line_events e ON e.line_id = l.id",
    );
    cut.join_household(&mut sql, "l.household_id");
    sql.push(" WHERE e.to_state IN ").push(states);
    cut.association(&mut sql, "l.association_id");
    cut.assistance_type(&mut sql, "l.assistance_type_id");
    cut.place(&mut sql, "h.district_id");
    cut.craft(&mut sql, "h");
    sql.push(" GROUP BY l.id, l.created_at HAVING MIN(e.occurred_at) >= ")
        .bind(cut.period.start)
        .push(" AND MIN(e.occurred_at) < ")
        .bind(cut.period.end);
    let rows: Vec<(i64, i64)> = sql.query_as().fetch_all(&db.pool).await?;
    let n = rows.len() as i64;
    let waits = rows
        .into_iter()
        .map(|(from, to)| (to - from).max(0))
        .collect();
    Ok(cut.total(indicator, median_days(waits), Some(n)))
}

/// Lines referred on in the period, by the referring association.
async fn referrals(db: &Db, cut: &Cut) -> Result<Vec<Figure>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT a.id, a.name_ar, a.name_en, COUNT(*) FROM line_events e \
         JOIN application_lines l ON l.id = e.line_id \
         JOIN associations a ON a.id = e.association_id",
    );
    cut.join_household(&mut sql, "l.household_id");
    sql.push(" WHERE e.to_state = 'referred'");
    cut.within(&mut sql, "e.occurred_at");
    cut.association(&mut sql, "e.association_id");
    cut.assistance_type(&mut sql, "l.assistance_type_id");
    cut.place(&mut sql, "h.district_id");
    cut.craft(&mut sql, "h");
    sql.push(" GROUP BY a.id, a.name_ar, a.name_en ORDER BY a.id");
    per_association(Indicator::Referrals, cut, sql, db).await
}

/// A total then one row per association (owned by it).
pub(super) async fn per_association(
    indicator: Indicator,
    cut: &Cut,
    sql: Sql,
    db: &Db,
) -> Result<Vec<Figure>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64)> = sql.query_as().fetch_all(&db.pool).await?;
    let total: i64 = rows.iter().map(|r| r.3).sum();
    let mut out = vec![cut.total(indicator, Some(total), Some(total))];
    out.extend(rows.into_iter().map(|(id, ar, en, n)| Figure {
        indicator,
        key: id.to_string(),
        label_ar: ar,
        label_en: en,
        owner: Some(id),
        value: Some(n),
        cases: Some(n),
    }));
    Ok(out)
}

/// Benefits given in the period, by type: how many and their value.
async fn benefits(db: &Db, cut: &Cut) -> Result<Vec<Figure>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT t.code, t.name_ar, t.name_en, COUNT(*), \
           CAST(COALESCE(SUM(b.value_halalas), 0) AS BIGINT) FROM benefits b \
         JOIN assistance_types t ON t.id = b.assistance_type_id",
    );
    cut.join_household(&mut sql, "b.household_id");
    sql.push(" WHERE b.given_on >= ")
        .bind(cut.period.first_day())
        .push(" AND b.given_on < ")
        .bind(cut.period.day_after());
    cut.association(&mut sql, "b.association_id");
    cut.assistance_type(&mut sql, "b.assistance_type_id");
    cut.place(&mut sql, "h.district_id");
    cut.craft(&mut sql, "h");
    sql.push(" GROUP BY t.code, t.name_ar, t.name_en, t.sort_order ORDER BY t.sort_order, t.code");
    let rows: Vec<(String, String, String, i64, i64)> = sql.query_as().fetch_all(&db.pool).await?;
    let (count, value) = rows.iter().fold((0, 0), |(c, v), r| (c + r.3, v + r.4));
    let mut out = vec![cut.total(Indicator::BenefitsByType, Some(count), Some(count))];
    for (code, ar, en, n, _) in &rows {
        out.push(cut.part(Indicator::BenefitsByType, code, ar, en, *n));
    }
    out.push(cut.total(Indicator::BenefitsValue, Some(value), Some(count)));
    for (code, ar, en, n, v) in rows {
        let mut part = cut.part(Indicator::BenefitsValue, &code, &ar, &en, v);
        part.cases = Some(n);
        out.push(part);
    }
    Ok(out)
}

/// Active shops, published products, and taps in the last 30 days, of
/// shops in the place (and of households the association serves).
async fn market(db: &Db, cut: &Cut) -> Result<Vec<Figure>, sqlx::Error> {
    // Uncut, the products alone (every product has its shop: a foreign key).
    let shops_cut = cut.by_household() || cut.association_id.is_some();
    // Products per shop first, then shops and their sum: a GROUP BY in the
    // order of the (shop, status) index, where COUNT(DISTINCT) sorted.
    let mut sql = Sql::new(if shops_cut {
        "SELECT COUNT(*), CAST(COALESCE(SUM(x.n), 0) AS BIGINT) FROM \
           (SELECT p.shop_id, COUNT(*) AS n FROM products p JOIN shops s ON s.id = p.shop_id \
            WHERE p.status = 'published'"
    } else {
        "SELECT COUNT(*), CAST(COALESCE(SUM(x.n), 0) AS BIGINT) FROM \
           (SELECT p.shop_id, COUNT(*) AS n FROM products p WHERE p.status = 'published'"
    });
    cut.place(&mut sql, "s.district_id");
    cut.served(&mut sql, "s.household_id");
    cut.craft_of(&mut sql, "s.household_id");
    sql.push(" GROUP BY p.shop_id) x");
    let (shops, products): (i64, i64) = sql.query_as().fetch_one(&db.pool).await?;
    let mut taps = Sql::new(
        "SELECT CAST(COALESCE(SUM(pt.taps), 0) AS BIGINT), COUNT(DISTINCT s.id) FROM product_taps pt \
         JOIN products p ON p.id = pt.product_id JOIN shops s ON s.id = p.shop_id WHERE pt.day > ",
    );
    taps.bind(cut.now.div_euclid(86_400) - 30);
    cut.place(&mut taps, "s.district_id");
    cut.served(&mut taps, "s.household_id");
    cut.craft_of(&mut taps, "s.household_id");
    let (tapped, tapped_shops): (i64, i64) = taps.query_as().fetch_one(&db.pool).await?;
    Ok(vec![
        cut.total(Indicator::ActiveShops, Some(shops), Some(shops)),
        cut.total(Indicator::PublishedProducts, Some(products), Some(shops)),
        cut.total(Indicator::WhatsappTaps, Some(tapped), Some(tapped_shops)),
    ])
}

/// Seats filled in courses opening in the period, the completion rate of
/// those closing in it, and the certificates earned in it; an
/// association's are those of the courses it runs.
async fn training(db: &Db, cut: &Cut) -> Result<Vec<Figure>, sqlx::Error> {
    let base = |select: &str, condition: &str, column: &str| {
        let mut sql = Sql::new(select);
        sql.push(
            " FROM enrollments e JOIN courses c ON c.id = e.course_id \
             LEFT JOIN households h ON h.id = e.household_id WHERE ",
        )
        .push(condition);
        cut.within(&mut sql, column);
        if let Some(id) = cut.association_id {
            sql.push(
                " AND c.provider_id IN (SELECT id FROM training_providers WHERE association_id = ",
            )
            .bind(id)
            .push(")");
        }
        cut.place(&mut sql, "h.district_id");
        cut.craft(&mut sql, "h");
        sql
    };
    let (seats,): (i64,) = base(
        "SELECT COUNT(*)",
        "e.status IN ('enrolled', 'completed', 'not_completed')",
        "c.opens_at",
    )
    .query_as()
    .fetch_one(&db.pool)
    .await?;
    let (completed, finished): (i64, i64) = base(
        "SELECT CAST(COALESCE(SUM(CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END), 0) AS BIGINT), COUNT(*)",
        "e.status IN ('completed', 'not_completed')",
        "c.closes_at",
    )
    .query_as()
    .fetch_one(&db.pool)
    .await?;
    let (certificates,): (i64,) = base(
        "SELECT COUNT(*)",
        "e.certificate_code IS NOT NULL",
        "e.completed_at",
    )
    .query_as()
    .fetch_one(&db.pool)
    .await?;
    Ok(vec![
        cut.total(Indicator::SeatsFilled, Some(seats), Some(seats)),
        cut.total(
            Indicator::CompletionRate,
            rate(completed, finished),
            Some(finished),
        ),
        cut.total(
            Indicator::Certificates,
            Some(certificates),
            Some(certificates),
        ),
    ])
}

/// Households at risk now, and households that exited in the period.
async fn continuity(db: &Db, cut: &Cut) -> Result<Vec<Figure>, sqlx::Error> {
    let mut at_risk = Sql::new(
        "SELECT COUNT(*) FROM continuity_status cs JOIN households h ON h.id = cs.household_id \
         WHERE cs.status = 'at_risk' AND ",
    );
    at_risk.push(LIVE);
    cut.place(&mut at_risk, "h.district_id");
    cut.served(&mut at_risk, "h.id");
    cut.craft(&mut at_risk, "h");
    let (at_risk,): (i64,) = at_risk.query_as().fetch_one(&db.pool).await?;
    let mut exited = Sql::new(
        "SELECT COUNT(DISTINCT ch.household_id) FROM continuity_history ch \
         JOIN households h ON h.id = ch.household_id WHERE ch.status = 'exited'",
    );
    cut.within(&mut exited, "ch.at");
    cut.place(&mut exited, "h.district_id");
    cut.served(&mut exited, "h.id");
    cut.craft(&mut exited, "h");
    let (exited,): (i64,) = exited.query_as().fetch_one(&db.pool).await?;
    Ok(vec![
        cut.total(Indicator::AtRiskHouseholds, Some(at_risk), Some(at_risk)),
        cut.total(Indicator::ExitedHouseholds, Some(exited), Some(exited)),
    ])
}

/// Lines of the cut submitted in the period, per Saudi day (the day's first
/// second, and how many): grouped by integer division, the same on both
/// engines, so the trend reads one row a day whatever the number of lines.
pub async fn lines_per_day(db: &Db, cut: &Cut) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let mut sql = Sql::new("SELECT ");
    sql.push(SAUDI_DAY)
        .push(" AS day, COUNT(*) FROM application_lines l");
    cut.join_household(&mut sql, "l.household_id");
    sql.push(" WHERE 1 = 1");
    cut.within(&mut sql, "l.created_at");
    cut.association(&mut sql, "l.association_id");
    cut.assistance_type(&mut sql, "l.assistance_type_id");
    cut.place(&mut sql, "h.district_id");
    cut.craft(&mut sql, "h");
    sql.push(" GROUP BY ").push(SAUDI_DAY);
    let rows: Vec<(i64, i64)> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|(day, n)| (day * 86_400 - crate::time::SAUDI_OFFSET_SECONDS, n))
        .collect())
}
