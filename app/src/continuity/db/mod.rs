//! SQL of continuity: the signals (read, never written, from the other
//! domains' tables by name: lines, benefits, enrollments, attendance,
//! follow-up flags, shops, products and their WhatsApp taps), the status
//! and its history, and the council's rules. Cases and follow-ups are in
//! `cases.rs`.

mod cases;

pub use cases::*;

use std::collections::HashMap;

use super::{Absences, Assessment, ExitReason, Rules, Signals, Status};
use crate::database::{Db, Sql, now, stored};

/// Which households a read covers: every registered one, or these.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    All,
    Only(&'a [i64]),
}

impl Scope<'_> {
    /// Appends ` AND <column> IN (…)` for `Only`.
    fn push(self, sql: &mut Sql, column: &str) {
        if let Scope::Only(ids) = self {
            sql.push(" AND ").push(column).push(" IN ").bind_list(ids);
        }
    }
}

fn scoped(text: &str, scope: Scope<'_>, column: &str, tail: &str) -> Sql {
    let mut sql = Sql::new(text);
    scope.push(&mut sql, column);
    sql.push(tail);
    sql
}

/// Runs a `(household_id, value)` query and hands each value to its
/// household's signals.
async fn each<T>(
    db: &Db,
    sql: Sql,
    by_id: &mut HashMap<i64, Signals>,
    mut set: impl FnMut(&mut Signals, T),
) -> Result<(), sqlx::Error>
where
    (i64, T): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let rows: Vec<(i64, T)> = sql.query_as().fetch_all(&db.pool).await?;
    for (id, value) in rows {
        if let Some(signals) = by_id.get_mut(&id) {
            set(signals, value);
        }
    }
    Ok(())
}

/// Reads the signals of the households in `scope` (registered, not erased
/// or merged), a few grouped queries whatever their number.
#[tracing::instrument(skip_all)]
pub async fn signals(
    db: &Db,
    scope: Scope<'_>,
    at: i64,
) -> Result<Vec<(i64, Signals)>, sqlx::Error> {
    let households: Vec<(i64, i64)> = scoped(
        "SELECT id, created_at FROM households h \
         WHERE status = 'registered' AND erased_at IS NULL AND merged_into_id IS NULL",
        scope,
        "h.id",
        "",
    )
    .query_as()
    .fetch_all(&db.pool)
    .await?;
    let mut by_id: HashMap<i64, Signals> = households
        .iter()
        .map(|&(id, created_at)| {
            (
                id,
                Signals {
                    registered_at: created_at,
                    ..Default::default()
                },
            )
        })
        .collect();

    // Contact: a line moved, a benefit given, a session attended, a family reached.
    each(
        db,
        scoped(
            "SELECT household_id, MAX(at) FROM ( \
               SELECT household_id, last_action_at AS at FROM application_lines \
               UNION ALL SELECT household_id, recorded_at FROM benefits \
               UNION ALL SELECT e.household_id, a.marked_at FROM attendance a \
                 JOIN enrollments e ON e.id = a.enrollment_id WHERE a.mark = 'present' \
               UNION ALL SELECT household_id, outcome_at FROM follow_ups \
                 WHERE outcome = 'reached' \
             ) c WHERE household_id IS NOT NULL",
            scope,
            "household_id",
            " GROUP BY household_id",
        ),
        &mut by_id,
        |s, at: Option<i64>| s.last_contact_at = at,
    )
    .await?;

    each(
        db,
        scoped(
            "SELECT household_id, MAX(outcome_at) FROM follow_ups WHERE outcome = 'reached'",
            scope,
            "household_id",
            " GROUP BY household_id",
        ),
        &mut by_id,
        |s, at: Option<i64>| s.last_reached_at = at,
    )
    .await?;

    // Open: undecided or unfulfilled lines, seats held or awaited.
    each(
        db,
        scoped(
            "SELECT household_id, COUNT(*) FROM ( \
               SELECT household_id FROM application_lines \
                 WHERE state IN ('submitted', 'in_review', 'approved', 'referred') \
               UNION ALL SELECT household_id FROM enrollments \
                 WHERE status IN ('enrolled', 'waitlisted') \
             ) o WHERE household_id IS NOT NULL",
            scope,
            "household_id",
            " GROUP BY household_id",
        ),
        &mut by_id,
        |s, n: i64| s.open_items = n,
    )
    .await?;

    let mut overdue = Sql::new(
        "SELECT household_id, COUNT(*) FROM follow_ups WHERE outcome IS NULL AND due_at < ",
    );
    overdue.bind(at);
    scope.push(&mut overdue, "household_id");
    overdue.push(" GROUP BY household_id");
    each(db, overdue, &mut by_id, |s, n: i64| {
        s.overdue_follow_ups = n
    })
    .await?;

    // Absences in running courses, by when they were marked; those before the family
    // was last reached are answered.
    let absences: Vec<(i64, i64, String, String, i64)> = scoped(
        "SELECT e.household_id, c.id, c.title_ar, c.title_en, a.marked_at FROM attendance a \
           JOIN enrollments e ON e.id = a.enrollment_id \
           JOIN courses c ON c.id = e.course_id \
         WHERE a.mark = 'absent' AND e.status = 'enrolled' AND e.household_id IS NOT NULL",
        scope,
        "e.household_id",
        " ORDER BY e.household_id, c.id",
    )
    .query_as()
    .fetch_all(&db.pool)
    .await?;
    for (id, _course, title_ar, title_en, at) in absences {
        let Some(s) = by_id.get_mut(&id) else {
            continue;
        };
        if s.last_reached_at.is_some_and(|reached| at <= reached) {
            continue;
        }
        match s
            .absences
            .iter_mut()
            .find(|a| a.course_title_ar == title_ar)
        {
            Some(a) => a.count += 1,
            None => s.absences.push(Absences {
                course_title_ar: title_ar,
                course_title_en: title_en,
                count: 1,
            }),
        }
    }

    let flags = scoped(
        "SELECT household_id, raised_at FROM follow_up_flags WHERE resolved_at IS NULL",
        scope,
        "household_id",
        "",
    );
    each(db, flags, &mut by_id, |s, raised_at: i64| {
        if s.last_reached_at.is_none_or(|reached| raised_at > reached) {
            s.training_flags += 1;
        }
    })
    .await?;

    // A shop with published products: its last update or WhatsApp tap.
    let shops: Vec<(i64, i64, Option<i64>, Option<i64>)> = scoped(
        "SELECT s.household_id, s.updated_at, MAX(p.updated_at), \
           (SELECT MAX(t.day) FROM product_taps t JOIN products tp ON tp.id = t.product_id \
             WHERE tp.shop_id = s.id) \
         FROM shops s JOIN products p ON p.shop_id = s.id AND p.status = 'published' \
         WHERE s.household_id IS NOT NULL",
        scope,
        "s.household_id",
        " GROUP BY s.id, s.household_id, s.updated_at",
    )
    .query_as()
    .fetch_all(&db.pool)
    .await?;
    for (id, shop_at, product_at, tap_day) in shops {
        if let Some(s) = by_id.get_mut(&id) {
            let tap_at = tap_day.map(|day| day * 86_400);
            s.shop_last_sign_at = [Some(shop_at), product_at, tap_at]
                .into_iter()
                .flatten()
                .max();
        }
    }

    each(
        db,
        scoped(
            "SELECT household_id, MIN(last_action_at) FROM application_lines \
             WHERE state = 'approved'",
            scope,
            "household_id",
            " GROUP BY household_id",
        ),
        &mut by_id,
        |s, at: Option<i64>| s.oldest_unfulfilled_at = at,
    )
    .await?;

    // The oldest late instalment of a running loan (financing's tables, by
    // name): the current schedule's instalments due before today, not fully paid.
    let today = crate::time::SaudiDate::of(at);
    let mut late = Sql::new(
        "SELECT l.household_id, l.association_id, MIN(i.due_on) FROM loan_instalments i \
         JOIN loans l ON l.id = i.loan_id AND i.schedule_no = l.schedule_no \
         WHERE l.status IN ('disbursed', 'repaying', 'rescheduled') \
           AND i.paid_halalas < i.amount_halalas AND i.due_on < ",
    );
    late.bind(today.to_string());
    scope.push(&mut late, "l.household_id");
    late.push(" GROUP BY l.household_id, l.association_id");
    let rows: Vec<(i64, i64, String)> = late.query_as().fetch_all(&db.pool).await?;
    for (id, association_id, due) in rows {
        let (Some(s), Some(due)) = (by_id.get_mut(&id), crate::time::SaudiDate::parse(&due)) else {
            continue;
        };
        let days = due.days_until(today);
        if s.instalment_overdue.is_none_or(|o| o.days < days) {
            s.instalment_overdue = Some(super::OverdueInstalment {
                association_id,
                days,
            });
        }
    }

    // Exited: the last case closed, none open, and nothing asked or done since.
    let closed: Vec<(i64, String, i64)> = scoped(
        "SELECT c.household_id, c.exit_reason, c.closed_at FROM cases c \
         WHERE c.closed_at IS NOT NULL \
           AND c.closed_at = (SELECT MAX(l.closed_at) FROM cases l WHERE l.household_id = c.household_id) \
           AND NOT EXISTS (SELECT 1 FROM cases o WHERE o.household_id = c.household_id AND o.closed_at IS NULL)",
        scope,
        "c.household_id",
        "",
    )
    .query_as()
    .fetch_all(&db.pool)
    .await?;
    let asked = last_asked(db, scope).await?;
    for (id, reason, closed_at) in closed {
        let Some(s) = by_id.get_mut(&id) else {
            continue;
        };
        let came_back = asked.get(&id).is_some_and(|&at| at > closed_at);
        if !came_back {
            let reason = stored("cases.exit_reason", &reason, ExitReason::parse)?;
            s.exited = Some((reason, closed_at));
        }
    }

    let mut out: Vec<(i64, Signals)> = by_id.into_iter().collect();
    out.sort_by_key(|(id, _)| *id);
    Ok(out)
}

/// When each household last asked for something (a line or a seat).
async fn last_asked(db: &Db, scope: Scope<'_>) -> Result<HashMap<i64, i64>, sqlx::Error> {
    let rows: Vec<(i64, Option<i64>)> = scoped(
        "SELECT household_id, MAX(at) FROM ( \
           SELECT household_id, created_at AS at FROM application_lines \
           UNION ALL SELECT household_id, created_at FROM enrollments \
         ) a WHERE household_id IS NOT NULL",
        scope,
        "household_id",
        " GROUP BY household_id",
    )
    .query_as()
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, at)| at.map(|at| (id, at)))
        .collect())
}

/// Whether the household came back after its last closed case (a line or a
/// seat asked after it): shown as a re-entry.
pub async fn is_reentry(db: &Db, household_id: i64) -> Result<bool, sqlx::Error> {
    let (closed,): (Option<i64>,) =
        sqlx::query_as("SELECT MAX(closed_at) FROM cases WHERE household_id = $1")
            .bind(household_id)
            .fetch_one(&db.pool)
            .await?;
    let Some(closed) = closed else {
        return Ok(false);
    };
    let asked = last_asked(db, Scope::Only(&[household_id])).await?;
    Ok(asked.get(&household_id).is_some_and(|&at| at > closed))
}

/// Stores assessments: the current status of each household (written only
/// where its status, score or reasons differ from the stored ones, so a
/// steady run writes little) and, where the status changed, a history row.
/// Rows go in multi-row statements. Returns how many statuses changed.
#[tracing::instrument(skip_all)]
pub async fn save(db: &Db, assessed: &[(i64, Assessment)], at: i64) -> Result<usize, sqlx::Error> {
    let mut changed = 0;
    for chunk in assessed.chunks(400) {
        let ids: Vec<i64> = chunk.iter().map(|(id, _)| *id).collect();
        let mut sql = Sql::new(
            "SELECT household_id, status, score, reasons FROM continuity_status WHERE household_id IN ",
        );
        sql.bind_list(&ids);
        let before: HashMap<i64, (String, i64, String)> = sql
            .query_as::<(i64, String, i64, String)>()
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .map(|(id, status, score, reasons)| (id, (status, score, reasons)))
            .collect();
        let mut upsert = Sql::new(
            "INSERT INTO continuity_status (household_id, status, score, reasons, computed_at, since) VALUES ",
        );
        let mut history =
            Sql::new("INSERT INTO continuity_history (household_id, status, previous, at) VALUES ");
        let (mut upserts, mut moves) = (0, 0);
        for (id, a) in chunk {
            let reasons = serde_json::to_string(&a.reasons).unwrap_or_else(|_| "[]".into());
            let previous = before.get(id);
            if previous.is_some_and(|(s, score, r)| {
                s == a.status.as_str() && *score == a.score && *r == reasons
            }) {
                continue;
            }
            if upserts > 0 {
                upsert.push(", ");
            }
            upserts += 1;
            upsert
                .push("(")
                .bind(*id)
                .push(", ")
                .bind(a.status.as_str())
                .push(", ")
                .bind(a.score)
                .push(", ")
                .bind(reasons)
                .push(", ")
                .bind(at)
                .push(", ")
                .bind(at)
                .push(")");
            let previous = previous.map(|(s, _, _)| s.as_str());
            if previous != Some(a.status.as_str()) {
                if moves > 0 {
                    history.push(", ");
                }
                moves += 1;
                history
                    .push("(")
                    .bind(*id)
                    .push(", ")
                    .bind(a.status.as_str())
                    .push(", ")
                    .bind(previous.map(str::to_string))
                    .push(", ")
                    .bind(at)
                    .push(")");
            }
        }
        if upserts == 0 {
            continue;
        }
        // `since` moves only when the status does.
        upsert.push(
            " ON CONFLICT (household_id) DO UPDATE SET \
               since = CASE WHEN continuity_status.status = excluded.status \
                 THEN continuity_status.since ELSE excluded.since END, \
               status = excluded.status, score = excluded.score, reasons = excluded.reasons, \
               computed_at = excluded.computed_at",
        );
        let mut tx = db.pool.begin().await?;
        upsert.query().execute(&mut *tx).await?;
        if moves > 0 {
            history.query().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        changed += moves;
    }
    Ok(changed)
}

/// Takes up to `limit` households from the change feed (each taken by one
/// instance only: the delete decides).
pub async fn take_changes(db: &Db, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "DELETE FROM continuity_queue WHERE household_id IN \
           (SELECT household_id FROM continuity_queue ORDER BY changed_at LIMIT $1) \
         RETURNING household_id",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The rules in force: the newest saved, else the defaults.
pub async fn rules(db: &Db) -> Result<Rules, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT rules FROM continuity_rules ORDER BY id DESC LIMIT 1")
            .fetch_optional(&db.pool)
            .await?;
    Ok(row
        .and_then(|(json,)| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

/// Saves new rules (they apply from the next recompute).
pub async fn save_rules(
    db: &Db,
    rules: &Rules,
    by: i64,
    event: crate::audit::AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query("INSERT INTO continuity_rules (rules, saved_by, saved_at) VALUES ($1, $2, $3)")
        .bind(serde_json::to_string(rules).unwrap_or_default())
        .bind(by)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await
}

/// A household's current status (none: never computed).
pub async fn status_of(db: &Db, household_id: i64) -> Result<Option<Assessment>, sqlx::Error> {
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT status, score, reasons FROM continuity_status WHERE household_id = $1",
    )
    .bind(household_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|(status, score, reasons)| {
        Ok(Assessment {
            status: stored("continuity_status.status", &status, Status::parse)?,
            score,
            reasons: serde_json::from_str(&reasons).unwrap_or_default(),
        })
    })
    .transpose()
}

/// How many households are in each status (for the council and benchmarks).
pub async fn counts(db: &Db) -> Result<Vec<(Status, i64)>, sqlx::Error> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM continuity_status GROUP BY status")
            .fetch_all(&db.pool)
            .await?;
    rows.into_iter()
        .map(|(s, n)| Ok((stored("continuity_status.status", &s, Status::parse)?, n)))
        .collect()
}

/// A follow-up of kind "financing instalment" for each household with a
/// late instalment, at the association whose loan it is, unless one is
/// open there or one was booked in the last 30 days; due now, owned by
/// whoever owns the case. How many were booked.
pub async fn book_instalment_follow_ups(
    db: &Db,
    late: &[(i64, super::OverdueInstalment)],
    at: i64,
) -> Result<usize, sqlx::Error> {
    let mut booked = 0;
    for (household_id, overdue) in late {
        let done = sqlx::query(
            "INSERT INTO follow_ups (household_id, association_id, kind, due_at, created_at) \
             SELECT $1, $2, 'financing_instalment', $3, $3 \
             WHERE NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.household_id = $1 \
               AND f.association_id = $2 AND f.kind = 'financing_instalment' \
               AND (f.outcome IS NULL OR f.created_at > $4))",
        )
        .bind(*household_id)
        .bind(overdue.association_id)
        .bind(at)
        .bind(at - 30 * 86_400)
        .execute(&db.pool)
        .await?;
        booked += done.rows_affected() as usize;
    }
    Ok(booked)
}
