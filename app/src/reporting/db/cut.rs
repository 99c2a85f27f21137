//! What a read is cut by, and the SQL conditions each cut adds.

use super::households::served_union;
use crate::database::Sql;
use crate::reporting::{Figure, Indicator, Period};

/// What a read is cut by: the period, and optionally an association, an
/// assistance type, a city or a district; `now` for figures of today.
#[derive(Debug, Clone, Copy)]
pub struct Cut {
    pub period: Period,
    pub association_id: Option<i64>,
    pub assistance_type_id: Option<i64>,
    pub city_id: Option<i64>,
    pub district_id: Option<i64>,
    /// A craft code of the catalogue (checked before it gets here).
    pub craft: Option<&'static str>,
    pub now: i64,
}

pub(super) const DAY: i64 = 86_400;

/// A registered household that is still one (not erased, not merged).
pub(in crate::reporting) const LIVE: &str =
    "h.status = 'registered' AND h.erased_at IS NULL AND h.merged_into_id IS NULL";

impl Cut {
    /// ` AND <column> …` for the district, else the city.
    pub(super) fn place(&self, sql: &mut Sql, column: &str) {
        if let Some(district) = self.district_id {
            sql.push(" AND ").push(column).push(" = ").bind(district);
        } else if let Some(city) = self.city_id {
            sql.push(" AND ")
                .push(column)
                .push(" IN (SELECT id FROM districts WHERE city_id = ")
                .bind(city)
                .push(")");
        }
    }

    /// ` AND <column> = association`.
    pub(super) fn association(&self, sql: &mut Sql, column: &str) {
        if let Some(id) = self.association_id {
            sql.push(" AND ").push(column).push(" = ").bind(id);
        }
    }

    /// ` AND <household column>` served by the association (`household_associations`,
    /// written out by [`served_union`] so the association reaches each part).
    pub(super) fn served(&self, sql: &mut Sql, column: &str) {
        if let Some(id) = self.association_id {
            sql.push(" AND ").push(column).push(" IN (");
            served_union(sql, false, |sql, column| {
                sql.push(" AND ").push(column).push(" = ").bind(id);
            });
            sql.push(")");
        }
    }

    /// ` AND` the household joined as `alias` has the craft (matched as a
    /// whole code in its comma list). On the joined row, not through a
    /// subquery: `IN (SELECT id FROM households WHERE …)` read every
    /// household (SQLite builds the whole list first) on each query.
    pub(super) fn craft(&self, sql: &mut Sql, alias: &str) {
        if let Some(craft) = self.craft {
            sql.push(" AND (',' || ")
                .push(alias)
                .push(".crafts || ',') LIKE ")
                .bind(format!("%,{craft},%"));
        }
    }

    /// ` AND` the household of `column` (not joined) has the craft: one
    /// look-up by id per row.
    pub(super) fn craft_of(&self, sql: &mut Sql, column: &str) {
        if let Some(craft) = self.craft {
            sql.push(" AND EXISTS (SELECT 1 FROM households hc WHERE hc.id = ")
                .push(column)
                .push(" AND (',' || hc.crafts || ',') LIKE ")
                .bind(format!("%,{craft},%"))
                .push(")");
        }
    }

    /// Whether a read of lines, events or benefits must join their
    /// household (to cut by its place or craft); without, the join only
    /// costs a look-up per row (every row has one: a foreign key).
    pub(super) fn by_household(&self) -> bool {
        self.district_id.is_some() || self.city_id.is_some() || self.craft.is_some()
    }

    /// ` JOIN households h ON h.id = <column>` when [`Self::by_household`].
    pub(super) fn join_household(&self, sql: &mut Sql, column: &str) {
        if self.by_household() {
            sql.push(" JOIN households h ON h.id = ").push(column);
        }
    }

    pub(super) fn assistance_type(&self, sql: &mut Sql, column: &str) {
        if let Some(id) = self.assistance_type_id {
            sql.push(" AND ").push(column).push(" = ").bind(id);
        }
    }

    /// ` AND <column> >= start AND <column> < end` (Unix seconds).
    pub(super) fn within(&self, sql: &mut Sql, column: &str) {
        sql.push(" AND ")
            .push(column)
            .push(" >= ")
            .bind(self.period.start)
            .push(" AND ")
            .push(column)
            .push(" < ")
            .bind(self.period.end);
    }

    /// A total owned by the filtered association (or by nobody).
    pub(super) fn total(
        &self,
        indicator: Indicator,
        value: Option<i64>,
        cases: Option<i64>,
    ) -> Figure {
        Figure::total(indicator, self.association_id, value, cases)
    }

    pub(super) fn part(
        &self,
        indicator: Indicator,
        key: &str,
        ar: &str,
        en: &str,
        value: i64,
    ) -> Figure {
        Figure {
            indicator,
            key: key.to_string(),
            label_ar: ar.to_string(),
            label_en: en.to_string(),
            owner: self.association_id,
            value: Some(value),
            cases: Some(value),
        }
    }
}
