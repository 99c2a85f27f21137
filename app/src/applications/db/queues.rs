//! The queues: an association's lines (or the council's unrouted ones)
//! with counts per state, and the households an association serves.

use super::super::{LineState, LineSummary, QUEUE_PAGE_SIZE, QueueFilter, ServedFamily};
use super::line_state;
use super::lines::{SUMMARY_SELECT, SummaryRow};
use crate::database::{Db, Sql, now};

/// A page of a queue: its lines, the total matching the filter, and the
/// owner's count of lines in each state.
pub type QueuePage = (Vec<LineSummary>, i64, Vec<(LineState, i64)>);

/// Whose lines: the association's, or (`None`) the council's: the unrouted
/// ones, and the open ones of a suspended association (they wait for the
/// council until it refers them on or the association is reactivated).
fn push_owner(sql: &mut Sql, association_id: Option<i64>) {
    match association_id {
        Some(id) => {
            sql.push("l.association_id = ").bind(id);
        }
        None => {
            sql.push(
                "(l.association_id IS NULL OR (l.state IN ('submitted', 'in_review', 'approved') \
                 AND l.association_id IN (SELECT id FROM associations WHERE status = 'suspended')))",
            );
        }
    }
}

/// The filter's predicates in use (only those, so each engine can use the
/// (association_id, …) indexes); `at` is the time "older than" counts from.
fn push_filter(sql: &mut Sql, filter: &QueueFilter, at: i64) {
    if let Some(state) = filter.state {
        sql.push(" AND l.state = ").bind(state.as_str());
    }
    if let Some(type_id) = filter.assistance_type_id {
        sql.push(" AND l.assistance_type_id = ").bind(type_id);
    }
    if let Some(district_id) = filter.district_id {
        sql.push(" AND h.district_id = ").bind(district_id);
    }
    if let Some(days) = filter.older_than_days.filter(|d| *d > 0) {
        sql.push(" AND l.created_at <= ").bind(at - days * 86_400);
    }
}

/// A page of the queue of an association (`None`: the council's unrouted
/// queue), the total matching the filter, and counts per state.
#[tracing::instrument(skip_all, fields(association_id = association_id))]
pub async fn queue(
    db: &Db,
    association_id: Option<i64>,
    filter: &QueueFilter,
) -> Result<QueuePage, sqlx::Error> {
    let at = now();
    let order = if filter.newest_first { " DESC" } else { " ASC" };
    let offset = (filter.page.max(1) - 1) * QUEUE_PAGE_SIZE;
    let mut page = Sql::new(SUMMARY_SELECT);
    page.push(" WHERE ");
    push_owner(&mut page, association_id);
    push_filter(&mut page, filter, at);
    page.push(" ORDER BY l.last_action_at")
        .push(order)
        .push(", l.id")
        .push(order)
        .push(" LIMIT ")
        .bind(QUEUE_PAGE_SIZE)
        .push(" OFFSET ")
        .bind(offset);
    let lines = page
        .query_as::<SummaryRow>()
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(LineSummary::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let mut per_state_sql = Sql::new("SELECT l.state, COUNT(*) FROM application_lines l WHERE ");
    push_owner(&mut per_state_sql, association_id);
    per_state_sql.push(" GROUP BY l.state");
    let per_state = per_state_sql
        .query_as::<(String, i64)>()
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(state, n)| Ok((line_state("application_lines.state", &state)?, n)))
        .collect::<Result<Vec<(LineState, i64)>, sqlx::Error>>()?;
    let count_of = |state: LineState| {
        per_state
            .iter()
            .find(|(s, _)| *s == state)
            .map_or(0, |(_, n)| *n)
    };
    // The per-state counts already give the total unless a filter narrows
    // further; only then is a second count over the lines needed.
    let narrowed = filter.assistance_type_id.is_some()
        || filter.district_id.is_some()
        || filter.older_than_days.is_some_and(|d| d > 0);
    let total: i64 = if narrowed {
        // The households join only when the district narrows: otherwise the
        // count reads the queue indexes alone.
        let mut count = Sql::new("SELECT COUNT(*) FROM application_lines l ");
        if filter.district_id.is_some() {
            count.push("JOIN households h ON h.id = l.household_id ");
        }
        count.push("WHERE ");
        push_owner(&mut count, association_id);
        push_filter(&mut count, filter, at);
        count.query_as::<(i64,)>().fetch_one(&db.pool).await?.0
    } else {
        match filter.state {
            Some(state) => count_of(state),
            None => per_state.iter().map(|(_, n)| n).sum(),
        }
    };
    let counts = LineState::ALL
        .into_iter()
        .map(|s| (s, count_of(s)))
        .collect();
    Ok((lines, total, counts))
}

/// household, head, district (ar, en), lines, benefits, latest line, last activity.
type ServedRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    i64,
    i64,
    Option<i64>,
    i64,
);

/// Households with any line (current or referred away) or benefit with the association.
#[tracing::instrument(skip_all, fields(association_id = association_id))]
pub async fn households_served_by(
    db: &Db,
    association_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<ServedFamily>, sqlx::Error> {
    served(db, association_id, limit, offset).await
}

/// These served households (an export's next batch, by the ids its audit
/// named), by id: each batch an indexed look-up, whatever the list's length.
/// The lines and benefits of the batch are read once and grouped, not once
/// per household: per household, PostgreSQL with statistics older than a
/// bulk load (100 000 lines written a minute before) ANDed the household's
/// index with the association's and read every line of the association for
/// each household (2 ms a subquery, three subqueries a household: an export
/// of 20 000 households did not finish in a minute).
pub async fn households_served_in(
    db: &Db,
    association_id: i64,
    ids: &[i64],
) -> Result<Vec<ServedFamily>, sqlx::Error> {
    let (Some(first), Some(last)) = (ids.iter().min(), ids.iter().max()) else {
        return Ok(Vec::new());
    };
    // `$1` is the association, `$2`/`$3` the batch's id range: bound first,
    // named again below.
    let mut sql = Sql::new(
        "SELECT h.id, h.head_name_ar, d.name_ar, d.name_en, COALESCE(l.n, 0), COALESCE(b.n, 0), \
           l.latest, COALESCE(l.last_action_at, 0) \
         FROM households h LEFT JOIN districts d ON d.id = h.district_id \
         LEFT JOIN (SELECT household_id, COUNT(*) AS n, MAX(id) AS latest, \
              MAX(last_action_at) AS last_action_at FROM application_lines \
            WHERE (association_id = ",
    );
    sql.bind(association_id)
        .push(" OR referred_from_id = $1) AND household_id >= ")
        .bind(*first)
        .push(" AND household_id <= ")
        .bind(*last)
        .push(
            " GROUP BY household_id) l ON l.household_id = h.id \
             LEFT JOIN (SELECT household_id, COUNT(*) AS n FROM benefits \
               WHERE association_id = $1 AND household_id >= $2 AND household_id <= $3 \
               GROUP BY household_id) b ON b.household_id = h.id \
             WHERE h.id IN ",
        );
    sql.bind_list(ids).push(" ORDER BY h.id");
    let rows: Vec<ServedRow> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows.into_iter().map(family).collect())
}

/// The ids of every household the association serves (what an export's
/// audit names).
pub async fn households_served_ids(db: &Db, association_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT household_id FROM ({SERVED}) s ORDER BY household_id"
    )))
    .bind(association_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The households with a line with the association (or referred on by
/// it) or a benefit from it; `$1` is the association.
const SERVED: &str = "SELECT household_id FROM application_lines \
                      WHERE association_id = $1 OR referred_from_id = $1 \
                      UNION SELECT household_id FROM benefits WHERE association_id = $1";

async fn served(
    db: &Db,
    association_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<ServedFamily>, sqlx::Error> {
    let rows: Vec<ServedRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT h.id, h.head_name_ar, d.name_ar, d.name_en, \
               (SELECT COUNT(*) FROM application_lines l WHERE l.household_id = h.id \
                  AND (l.association_id = $1 OR l.referred_from_id = $1)), \
               (SELECT COUNT(*) FROM benefits b WHERE b.household_id = h.id AND b.association_id = $1), \
               (SELECT MAX(l.id) FROM application_lines l WHERE l.household_id = h.id \
                  AND (l.association_id = $1 OR l.referred_from_id = $1)), \
               COALESCE((SELECT MAX(l.last_action_at) FROM application_lines l WHERE l.household_id = h.id \
                  AND (l.association_id = $1 OR l.referred_from_id = $1)), 0) \
             FROM households h LEFT JOIN districts d ON d.id = h.district_id \
             WHERE h.id IN ({SERVED}) ORDER BY 8 DESC, h.id DESC LIMIT $2 OFFSET $3",
        )))
        .bind(association_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().map(family).collect())
}

fn family(r: ServedRow) -> ServedFamily {
    ServedFamily {
        household_id: r.0,
        head_name_ar: r.1,
        district_name_ar: r.2,
        district_name_en: r.3,
        lines: r.4,
        benefits: r.5,
        latest_line_id: r.6,
        last_activity: r.7,
    }
}

/// The districts the queue's lines come from (for its district filter),
/// by Arabic name.
#[tracing::instrument(skip_all)]
pub async fn queue_districts(
    db: &Db,
    association_id: Option<i64>,
) -> Result<Vec<crate::places::District>, sqlx::Error> {
    let mut sql = Sql::new(
        "SELECT DISTINCT d.id, d.city_id, d.name_ar, d.name_en FROM application_lines l \
         JOIN households h ON h.id = l.household_id JOIN districts d ON d.id = h.district_id WHERE ",
    );
    push_owner(&mut sql, association_id);
    sql.push(" ORDER BY d.name_ar, d.id");
    let rows: Vec<(i64, i64, String, String)> = sql.query_as().fetch_all(&db.pool).await?;
    Ok(rows
        .into_iter()
        .map(|(id, city_id, name_ar, name_en)| crate::places::District {
            id,
            city_id,
            name_ar,
            name_en,
        })
        .collect())
}
