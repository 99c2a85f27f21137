//! SQL of cases and follow-ups: who owns a household's case at an
//! association, the tasks booked with it, and the lists caseworkers work from.

use sqlx::{Any, Transaction};

use crate::audit::AuditEvent;
use crate::continuity::{
    CaseRow, CaseView, Caseworker, ExitReason, FollowUp, FollowUpKind, Outcome, Status,
};
use crate::database::{Db, Sql, now, stored};

use crate::continuity::CASES_PAGE_SIZE as CASES_PAGE;

/// household, head, district (ar, en), status, reasons, assignee, assignee
/// name, last actor name, re-entry, next due, assignee and last actor's
/// English names.
type CaseRecord = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// The households an association serves that the view shows, `select`ed
/// (the case list's columns, or a count); unordered.
fn cases_in_view(select: &str, association_id: i64, view: CaseView, me: i64) -> Sql {
    // The owner is the assigned caseworker, else the association's staff
    // member who last acted on one of the household's lines.
    let mut sql = Sql::new(select);
    sql.push(
        " FROM ( \
           SELECT h.id, h.head_name_ar, d.name_ar AS district_ar, d.name_en AS district_en, \
             cs.status, cs.reasons, cs.score, c.assignee_user_id, c.reentry, \
             (SELECT le.actor_user_id FROM line_events le \
                JOIN application_lines l ON l.id = le.line_id \
              WHERE l.household_id = h.id AND le.association_id = ",
    );
    sql.bind(association_id).push(
        " AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = le.actor_user_id \
                  AND g.association_id = le.association_id) \
              ORDER BY le.id DESC LIMIT 1) AS last_actor, \
             (SELECT MIN(f.due_at) FROM follow_ups f WHERE f.household_id = h.id \
                AND f.association_id = ",
    );
    sql.bind(association_id).push(
        " AND f.outcome IS NULL) AS next_due \
           FROM (SELECT DISTINCT household_id FROM household_associations WHERE association_id = ",
    );
    sql.bind(association_id).push(
        ") s JOIN households h ON h.id = s.household_id \
           LEFT JOIN districts d ON d.id = h.district_id \
           LEFT JOIN continuity_status cs ON cs.household_id = h.id \
           LEFT JOIN cases c ON c.household_id = h.id AND c.closed_at IS NULL AND c.association_id = ",
    );
    sql.bind(association_id).push(
        " WHERE h.erased_at IS NULL AND h.merged_into_id IS NULL) x \
         LEFT JOIN users ua ON ua.id = x.assignee_user_id \
         LEFT JOIN users ul ON ul.id = x.last_actor WHERE ",
    );
    match view {
        CaseView::AtRisk => {
            sql.push("x.status IN ('at_risk', 'watch')");
        }
        CaseView::Mine => {
            sql.push("(x.assignee_user_id = ")
                .bind(me)
                .push(" OR (x.assignee_user_id IS NULL AND x.last_actor = ")
                .bind(me)
                .push("))");
        }
        CaseView::Unassigned => {
            sql.push(
                "x.assignee_user_id IS NULL AND x.last_actor IS NULL \
                 AND COALESCE(x.status, 'active') NOT IN ('exited', 'inactive')",
            );
        }
    }
    sql
}

/// How many households the view shows (the case list's total).
#[tracing::instrument(skip_all)]
pub async fn cases_count(
    db: &Db,
    association_id: i64,
    view: CaseView,
    me: i64,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = cases_in_view("SELECT COUNT(*)", association_id, view, me)
        .query_as()
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}

/// A page of the households an association serves, as the view asks.
#[tracing::instrument(skip_all)]
pub async fn cases(
    db: &Db,
    association_id: i64,
    view: CaseView,
    me: i64,
    page: i64,
) -> Result<Vec<CaseRow>, sqlx::Error> {
    let mut sql = cases_in_view(
        "SELECT x.id, x.head_name_ar, x.district_ar, x.district_en, x.status, x.reasons, \
           x.assignee_user_id, ua.name_ar, ul.name_ar, x.reentry, x.next_due, \
           ua.name_en, ul.name_en",
        association_id,
        view,
        me,
    );
    sql.push(match view {
        CaseView::AtRisk => " ORDER BY x.score DESC, x.id",
        CaseView::Mine => " ORDER BY COALESCE(x.next_due, 9999999999), x.id",
        CaseView::Unassigned => " ORDER BY x.id",
    });
    sql.push(" LIMIT ")
        .bind(CASES_PAGE)
        .push(" OFFSET ")
        .bind((page.max(1) - 1) * CASES_PAGE);
    let rows: Vec<CaseRecord> = sql.query_as().fetch_all(&db.pool).await?;
    rows.into_iter()
        .map(|r| {
            Ok(CaseRow {
                household_id: r.0,
                head_name_ar: r.1,
                district_name_ar: r.2,
                district_name_en: r.3,
                status: match r.4 {
                    Some(s) => stored("continuity_status.status", &s, Status::parse)?,
                    None => Status::Active,
                },
                reasons: r
                    .5
                    .and_then(|json| serde_json::from_str(&json).ok())
                    .unwrap_or_default(),
                owner_assigned: r.6.is_some(),
                owner_name_en: if r.6.is_some() { r.11 } else { r.12 },
                owner_name: r.7.or(r.8),
                reentry: r.9 == Some(1),
                next_due_at: r.10,
            })
        })
        .collect()
}

/// The staff of an association, who may own its cases.
pub async fn caseworkers(db: &Db, association_id: i64) -> Result<Vec<Caseworker>, sqlx::Error> {
    let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(
        "SELECT DISTINCT u.id, u.name_ar, u.national_id, u.name_en FROM role_grants g \
           JOIN users u ON u.id = g.user_id \
         WHERE g.association_id = $1 AND g.role IN ('association_staff', 'association_admin') \
         ORDER BY u.name_ar, u.id",
    )
    .bind(association_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(user_id, name, national_id, name_en)| Caseworker {
            user_id,
            name_en: name_en.unwrap_or_default(),
            // Appointed staff who never signed in have no name yet.
            name: if name.trim().is_empty() {
                crate::text::mask_identifier(&national_id)
            } else {
                name
            },
        })
        .collect())
}

/// The open case's assignee (none: whoever acted last).
pub async fn assignee(
    db: &Db,
    household_id: i64,
    association_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(Option<i64>,)> = sqlx::query_as(
        "SELECT assignee_user_id FROM cases \
         WHERE household_id = $1 AND association_id = $2 AND closed_at IS NULL",
    )
    .bind(household_id)
    .bind(association_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.and_then(|(a,)| a))
}

/// Opens the case row when there is none (a re-entry when the family came
/// back after a closed case), inside the caller's transaction.
async fn open_case(
    tx: &mut Transaction<'static, Any>,
    household_id: i64,
    association_id: i64,
    reentry: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO cases (household_id, association_id, opened_at, reentry) \
         SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM cases \
           WHERE household_id = $5 AND association_id = $6 AND closed_at IS NULL)",
    )
    .bind(household_id)
    .bind(association_id)
    .bind(now())
    .bind(i64::from(reentry))
    .bind(household_id)
    .bind(association_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Assigns the household's case at the association to a caseworker (none:
/// back to whoever acts), audited.
pub async fn assign(
    db: &Db,
    household_id: i64,
    association_id: i64,
    assignee: Option<i64>,
    reentry: bool,
    event: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    open_case(&mut tx, household_id, association_id, reentry).await?;
    sqlx::query(
        "UPDATE cases SET assignee_user_id = $1 \
         WHERE household_id = $2 AND association_id = $3 AND closed_at IS NULL",
    )
    .bind(assignee)
    .bind(household_id)
    .bind(association_id)
    .execute(&mut *tx)
    .await?;
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await
}

/// Closes the household's case at the association with its exit reason,
/// inside the caller's transaction.
pub async fn close_case(
    tx: &mut Transaction<'static, Any>,
    household_id: i64,
    association_id: i64,
    reason: ExitReason,
) -> Result<(), sqlx::Error> {
    open_case(tx, household_id, association_id, false).await?;
    sqlx::query(
        "UPDATE cases SET closed_at = $1, exit_reason = $2 \
         WHERE household_id = $3 AND association_id = $4 AND closed_at IS NULL",
    )
    .bind(now())
    .bind(reason.as_str())
    .bind(household_id)
    .bind(association_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A follow-up to book.
#[derive(Debug, Clone)]
pub struct NewFollowUp {
    pub household_id: i64,
    pub association_id: i64,
    pub kind: FollowUpKind,
    pub due_at: i64,
    pub assignee_user_id: Option<i64>,
    pub created_by: i64,
}

/// Books a follow-up inside the caller's transaction; returns its id.
pub async fn add_follow_up(
    tx: &mut Transaction<'static, Any>,
    new: &NewFollowUp,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO follow_ups (household_id, association_id, kind, due_at, assignee_user_id, \
           created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.household_id)
    .bind(new.association_id)
    .bind(new.kind.as_str())
    .bind(new.due_at)
    .bind(new.assignee_user_id)
    .bind(new.created_by)
    .bind(now())
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

const FOLLOW_UP_SELECT: &str = "SELECT f.id, f.household_id, h.head_name_ar, f.kind, f.due_at, \
       f.assignee_user_id, u.name_ar, f.note, f.outcome, f.outcome_at, f.exit_reason, f.association_id, \
       u.name_en \
     FROM follow_ups f JOIN households h ON h.id = f.household_id \
     LEFT JOIN users u ON u.id = f.assignee_user_id";

type FollowUpRecord = (
    i64,
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<String>,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    i64,
    Option<String>,
);

fn follow_up(r: FollowUpRecord) -> Result<(FollowUp, i64), sqlx::Error> {
    Ok((
        FollowUp {
            id: r.0,
            household_id: r.1,
            head_name_ar: r.2,
            kind: stored("follow_ups.kind", &r.3, FollowUpKind::parse)?,
            due_at: r.4,
            assignee_user_id: r.5,
            assignee_name: r.6,
            assignee_name_en: r.12,
            note: r.7,
            outcome: r
                .8
                .map(|o| stored("follow_ups.outcome", &o, Outcome::parse))
                .transpose()?,
            outcome_at: r.9,
            exit_reason: r
                .10
                .map(|e| stored("follow_ups.exit_reason", &e, ExitReason::parse))
                .transpose()?,
        },
        r.11,
    ))
}

/// One follow-up and the association it belongs to.
pub async fn follow_up_by_id(db: &Db, id: i64) -> Result<Option<(FollowUp, i64)>, sqlx::Error> {
    let mut sql = Sql::new(FOLLOW_UP_SELECT);
    sql.push(" WHERE f.id = ").bind(id);
    let row: Option<FollowUpRecord> = sql.query_as().fetch_optional(&db.pool).await?;
    row.map(follow_up).transpose()
}

/// The household's follow-ups at the association, newest due first.
pub async fn follow_ups_of(
    db: &Db,
    household_id: i64,
    association_id: i64,
) -> Result<Vec<FollowUp>, sqlx::Error> {
    let mut sql = Sql::new(FOLLOW_UP_SELECT);
    sql.push(" WHERE f.household_id = ")
        .bind(household_id)
        .push(" AND f.association_id = ")
        .bind(association_id)
        .push(" ORDER BY f.due_at DESC, f.id DESC LIMIT 100");
    let rows: Vec<FollowUpRecord> = sql.query_as().fetch_all(&db.pool).await?;
    rows.into_iter()
        .map(|r| follow_up(r).map(|(f, _)| f))
        .collect()
}

/// After `… FROM follow_ups f …`: open follow-ups of the association due
/// before `until`; only `assignee`'s when given. Shared by
/// [`follow_ups_due_count`] and [`follow_ups_due`].
fn push_due(sql: &mut Sql, association_id: i64, assignee: Option<i64>, until: i64) {
    sql.push(" WHERE f.association_id = ")
        .bind(association_id)
        .push(" AND f.outcome IS NULL AND f.due_at < ")
        .bind(until);
    if let Some(user) = assignee {
        sql.push(" AND f.assignee_user_id = ").bind(user);
    }
}

/// How many follow-ups are due (see [`follow_ups_due`]).
pub async fn follow_ups_due_count(
    db: &Db,
    association_id: i64,
    assignee: Option<i64>,
    until: i64,
) -> Result<i64, sqlx::Error> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM follow_ups f");
    push_due(&mut sql, association_id, assignee, until);
    let (n,): (i64,) = sql.query_as().fetch_one(&db.pool).await?;
    Ok(n)
}

/// A page of the open follow-ups of the association due before `until`
/// (the overdue and this week's), soonest first; only `assignee`'s when
/// given; `limit` from `offset`.
pub async fn follow_ups_due(
    db: &Db,
    association_id: i64,
    assignee: Option<i64>,
    until: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<FollowUp>, sqlx::Error> {
    let mut sql = Sql::new(FOLLOW_UP_SELECT);
    push_due(&mut sql, association_id, assignee, until);
    sql.push(" ORDER BY f.due_at, f.id LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let rows: Vec<FollowUpRecord> = sql.query_as().fetch_all(&db.pool).await?;
    rows.into_iter()
        .map(|r| follow_up(r).map(|(f, _)| f))
        .collect()
}

/// Saves the visit note (its own form: saved alone, like the wizard's steps).
pub async fn save_note(db: &Db, id: i64, note: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE follow_ups SET note = $1 WHERE id = $2")
        .bind(note)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Records a follow-up's outcome inside the caller's transaction.
pub async fn record_outcome(
    tx: &mut Transaction<'static, Any>,
    id: i64,
    outcome: Outcome,
    exit_reason: Option<ExitReason>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE follow_ups SET outcome = $1, outcome_at = $2, exit_reason = $3 WHERE id = $4",
    )
    .bind(outcome.as_str())
    .bind(now())
    .bind(exit_reason.map(ExitReason::as_str))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The household's head (who gets the family's messages) and name.
pub async fn head_of(
    db: &Db,
    household_id: i64,
) -> Result<Option<(Option<i64>, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT head_user_id, head_name_ar FROM households WHERE id = $1 AND erased_at IS NULL",
    )
    .bind(household_id)
    .fetch_optional(&db.pool)
    .await
}

/// The association's names, for the family's message.
pub async fn association_names(
    db: &Db,
    association_id: i64,
) -> Result<(String, String), sqlx::Error> {
    sqlx::query_as("SELECT name_ar, name_en FROM associations WHERE id = $1")
        .bind(association_id)
        .fetch_one(&db.pool)
        .await
}
