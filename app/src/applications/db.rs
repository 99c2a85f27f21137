//! SQL of applications: submission with routing (one transaction), line
//! transitions guarded by their current state, notes, benefits, notifications,
//! the association queue and the links that decide who may see a household.

use sqlx::{Any, Transaction};

use super::{
    Benefit, LineEvent, LineNote, LineState, LineSummary, Notification, QUEUE_PAGE_SIZE,
    QueueFilter, ServedFamily,
};
use crate::audit::AuditEvent;
use crate::coverage::routing::{Route, cells_of_pair, route_line};
use crate::database::{Db, now};

/// Why an application write was refused.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    /// The household already has an active line of this type.
    #[error("an active line of assistance type {0} exists")]
    AlreadyActive(i64),
    /// A line of this type was fulfilled within the type's cooldown.
    #[error("assistance type {0} was granted within its cooldown")]
    InCooldown(i64),
    /// The line is no longer in the state the action was decided on.
    #[error("the line changed meanwhile")]
    StateChanged,
    #[error("no such line")]
    NotFound,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

crate::db_failure!(ApplicationError);

/// One requested assistance type.
#[derive(Debug, Clone)]
pub struct RequestedLine {
    pub assistance_type_id: i64,
    pub description: String,
    pub amount_halalas: Option<i64>,
}

/// A submission: the household, where it lives, and the form's key.
#[derive(Debug, Clone)]
pub struct Submission {
    pub household_id: i64,
    pub district_id: i64,
    pub submitted_by: i64,
    /// The user to notify of state changes (the head, when they have signed in).
    pub notify_user_id: Option<i64>,
    pub submission_key: String,
    pub lines: Vec<RequestedLine>,
}

/// What a submission did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// New lines, with where each went (`None`: the council's queue).
    Created(Vec<(i64, Option<i64>)>),
    /// The same form was submitted before: nothing new.
    AlreadySubmitted,
}

/// Submits an application: every line is checked, routed and stored, or none is.
/// `audit` is written with the lines, its detail saying where each went.
pub async fn submit(
    db: &Db,
    submission: &Submission,
    audit: AuditEvent<'_>,
) -> Result<SubmitOutcome, ApplicationError> {
    let mut tx = db.begin_write().await?;
    let at = now();
    let application: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO applications (household_id, submitted_by, submission_key, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (submission_key) DO NOTHING RETURNING id",
    )
    .bind(submission.household_id)
    .bind(submission.submitted_by)
    .bind(&submission.submission_key)
    .bind(at)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((application_id,)) = application else {
        return Ok(SubmitOutcome::AlreadySubmitted);
    };
    let flagged = has_open_duplicate(&mut tx, submission.household_id).await?;
    let mut created = Vec::with_capacity(submission.lines.len());
    for line in &submission.lines {
        let type_id = line.assistance_type_id;
        if in_cooldown(&mut tx, submission.household_id, type_id, at).await? {
            return Err(ApplicationError::InCooldown(type_id));
        }
        let cells = cells_of_pair(&mut tx, submission.district_id, type_id).await?;
        let association_id = match route_line(submission.district_id, type_id, &cells, at) {
            Route::Association(id) => Some(id),
            Route::Council => None,
        };
        // The partial unique index keeps one active line per (household, type);
        // DO NOTHING makes a concurrent duplicate an empty result, not an error.
        let inserted: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO application_lines (application_id, household_id, assistance_type_id, \
               description, amount_halalas, state, association_id, possible_duplicate, created_at, \
               last_action_at) \
             VALUES ($1, $2, $3, $4, $5, 'submitted', $6, $7, $8, $8) \
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(application_id)
        .bind(submission.household_id)
        .bind(type_id)
        .bind(&line.description)
        .bind(line.amount_halalas)
        .bind(association_id)
        .bind(i64::from(flagged))
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((line_id,)) = inserted else {
            return Err(ApplicationError::AlreadyActive(type_id));
        };
        insert_event(
            &mut tx,
            line_id,
            None,
            LineState::Submitted,
            Some(submission.submitted_by),
            association_id,
            None,
        )
        .await?;
        if let Some(user) = submission.notify_user_id {
            notify(&mut tx, user, line_id, LineState::Submitted).await?;
        }
        created.push((line_id, association_id));
    }
    let routed = created
        .iter()
        .map(|(line, to)| match to {
            Some(a) => format!("line {line} → association {a}"),
            None => format!("line {line} → council"),
        })
        .collect::<Vec<_>>()
        .join("; ");
    crate::audit::record_in(
        &mut tx,
        AuditEvent {
            detail: Some(routed),
            ..audit
        },
    )
    .await?;
    tx.commit().await?;
    Ok(SubmitOutcome::Created(created))
}

async fn has_open_duplicate(
    tx: &mut Transaction<'static, Any>,
    household_id: i64,
) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM duplicate_candidates \
         WHERE status = 'open' AND (household_a = $1 OR household_b = $1)",
    )
    .bind(household_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

async fn in_cooldown(
    tx: &mut Transaction<'static, Any>,
    household_id: i64,
    assistance_type_id: i64,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM application_lines l \
         JOIN assistance_types t ON t.id = l.assistance_type_id \
         WHERE l.household_id = $1 AND l.assistance_type_id = $2 AND l.state = 'fulfilled' \
           AND l.last_action_at > $3 - t.cooldown_days * 86400",
    )
    .bind(household_id)
    .bind(assistance_type_id)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    Ok(n > 0)
}

async fn insert_event(
    tx: &mut Transaction<'static, Any>,
    line_id: i64,
    from: Option<LineState>,
    to: LineState,
    actor: Option<i64>,
    association_id: Option<i64>,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO line_events (line_id, from_state, to_state, actor_user_id, association_id, \
           note, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(line_id)
    .bind(from.map(LineState::as_str))
    .bind(to.as_str())
    .bind(actor)
    .bind(association_id)
    .bind(note)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn notify(
    tx: &mut Transaction<'static, Any>,
    user_id: i64,
    line_id: i64,
    state: LineState,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notifications (user_id, kind, state, line_id, created_at) \
         VALUES ($1, 'line_state', $2, $3, $4)",
    )
    .bind(user_id)
    .bind(state.as_str())
    .bind(line_id)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// id, household, type, state, association, referred from, head's user.
type LineRecordRow = (i64, i64, i64, String, Option<i64>, Option<i64>, Option<i64>);
/// from, to, association (ar, en), note, time.
type EventRow = (
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);
/// id, line, state, type (ar, en), created, read.
type NotificationRow = (i64, Option<i64>, String, String, String, i64, Option<i64>);
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

/// Where a line stands, for authorization and transitions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRecord {
    pub id: i64,
    pub household_id: i64,
    pub assistance_type_id: i64,
    pub state: LineState,
    pub association_id: Option<i64>,
    pub referred_from_id: Option<i64>,
    /// The household head's account, to notify.
    pub head_user_id: Option<i64>,
}

pub async fn line_record(db: &Db, line_id: i64) -> Result<Option<LineRecord>, sqlx::Error> {
    let row: Option<LineRecordRow> = sqlx::query_as(
        "SELECT l.id, l.household_id, l.assistance_type_id, l.state, l.association_id, \
               l.referred_from_id, h.head_user_id \
             FROM application_lines l JOIN households h ON h.id = l.household_id WHERE l.id = $1",
    )
    .bind(line_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.and_then(|r| {
        Some(LineRecord {
            id: r.0,
            household_id: r.1,
            assistance_type_id: r.2,
            state: LineState::parse(&r.3)?,
            association_id: r.4,
            referred_from_id: r.5,
            head_user_id: r.6,
        })
    }))
}

/// A decided transition, ready to store.
#[derive(Debug, Clone)]
pub struct Transition<'a> {
    pub line: &'a LineRecord,
    pub to: LineState,
    pub actor_user_id: i64,
    /// The association acting (`None`: the council or the family).
    pub acting_association_id: Option<i64>,
    /// Rejection reason, referral note or withdrawal note.
    pub note: Option<&'a str>,
    /// For a referral: the receiving association.
    pub refer_to: Option<i64>,
    /// For fulfilment: the benefit's value and date.
    pub benefit: Option<(Option<i64>, &'a str)>,
    /// Written in the same transaction (the transition, any benefit).
    pub audit: Vec<AuditEvent<'a>>,
}

/// Stores a transition if the line is still as it was read (state and
/// association), with its event, the family's notification and any benefit.
pub async fn apply_transition(db: &Db, t: &Transition<'_>) -> Result<(), ApplicationError> {
    let mut tx = db.begin_write().await?;
    let at = now();
    let line = t.line;
    let (association_id, referred_from) = match t.refer_to {
        Some(to) => (Some(to), line.association_id),
        None => (line.association_id, line.referred_from_id),
    };
    let (reason, referral_note) = match t.to {
        LineState::Referred => (None, t.note),
        LineState::Rejected | LineState::Withdrawn => (t.note, None),
        _ => (None, None),
    };
    let done = sqlx::query(
        "UPDATE application_lines SET state = $1, association_id = $2, referred_from_id = $3, \
           decision_reason = COALESCE($4, decision_reason), \
           referral_note = COALESCE($5, referral_note), last_action_at = $6 \
         WHERE id = $7 AND state = $8 AND COALESCE(association_id, 0) = $9",
    )
    .bind(t.to.as_str())
    .bind(association_id)
    .bind(referred_from)
    .bind(reason)
    .bind(referral_note)
    .bind(at)
    .bind(line.id)
    .bind(line.state.as_str())
    .bind(line.association_id.unwrap_or(0))
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(ApplicationError::StateChanged);
    }
    insert_event(
        &mut tx,
        line.id,
        Some(line.state),
        t.to,
        Some(t.actor_user_id),
        t.acting_association_id,
        t.note,
    )
    .await?;
    if let (Some((value, given_on)), Some(association)) = (t.benefit, line.association_id) {
        sqlx::query(
            "INSERT INTO benefits (household_id, association_id, assistance_type_id, line_id, \
               value_halalas, given_on, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(line.household_id)
        .bind(association)
        .bind(line.assistance_type_id)
        .bind(line.id)
        .bind(value)
        .bind(given_on)
        .bind(t.actor_user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(user) = line.head_user_id {
        notify(&mut tx, user, line.id, t.to).await?;
    }
    for event in &t.audit {
        crate::audit::record_in(&mut tx, event.clone()).await?;
    }
    tx.commit().await?;
    Ok(())
}

const SUMMARY_SELECT: &str = "SELECT l.id, l.household_id, l.assistance_type_id, t.name_ar, t.name_en, \
       l.description, l.amount_halalas, l.state, l.association_id, a.name_ar, a.name_en, \
       l.referred_from_id, rf.name_ar, rf.name_en, l.referral_note, l.decision_reason, \
       h.head_name_ar, d.name_ar, d.name_en, l.possible_duplicate, l.created_at, l.last_action_at \
     FROM application_lines l \
     JOIN assistance_types t ON t.id = l.assistance_type_id \
     JOIN households h ON h.id = l.household_id \
     LEFT JOIN districts d ON d.id = h.district_id \
     LEFT JOIN associations a ON a.id = l.association_id \
     LEFT JOIN associations rf ON rf.id = l.referred_from_id";

fn summary_of(row: sqlx::any::AnyRow) -> Result<LineSummary, sqlx::Error> {
    use sqlx::Row;
    let state: String = row.try_get(7)?;
    Ok(LineSummary {
        id: row.try_get(0)?,
        household_id: row.try_get(1)?,
        assistance_type_id: row.try_get(2)?,
        type_name_ar: row.try_get(3)?,
        type_name_en: row.try_get(4)?,
        description: row.try_get(5)?,
        amount_halalas: row.try_get(6)?,
        state: LineState::parse(&state).unwrap_or(LineState::Submitted),
        association_id: row.try_get(8)?,
        association_name_ar: row.try_get(9)?,
        association_name_en: row.try_get(10)?,
        referred_from_id: row.try_get(11)?,
        referred_from_name_ar: row.try_get(12)?,
        referred_from_name_en: row.try_get(13)?,
        referral_note: row.try_get(14)?,
        decision_reason: row.try_get(15)?,
        head_name_ar: row.try_get(16)?,
        district_name_ar: row.try_get(17)?,
        district_name_en: row.try_get(18)?,
        possible_duplicate: row.try_get::<i64, _>(19)? == 1,
        created_at: row.try_get(20)?,
        last_action_at: row.try_get(21)?,
    })
}

/// One line with the names lists show.
pub async fn line_summary(db: &Db, line_id: i64) -> Result<Option<LineSummary>, sqlx::Error> {
    let sql = format!("{SUMMARY_SELECT} WHERE l.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(line_id)
        .fetch_optional(&db.pool)
        .await?
        .map(summary_of)
        .transpose()
}

/// All lines of a household, newest first.
pub async fn lines_of_household(
    db: &Db,
    household_id: i64,
) -> Result<Vec<LineSummary>, sqlx::Error> {
    let sql = format!("{SUMMARY_SELECT} WHERE l.household_id = $1 ORDER BY l.id DESC");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(household_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(summary_of)
        .collect()
}

/// A page of the queue of an association (`None`: the council's unrouted
/// queue), the total matching the filter, and counts per state.
pub async fn queue(
    db: &Db,
    association_id: Option<i64>,
    filter: &QueueFilter,
) -> Result<(Vec<LineSummary>, i64, Vec<(LineState, i64)>), sqlx::Error> {
    // Only the predicates in use go into the SQL, so each engine can use the
    // (association_id, …) indexes; values are always bound, never spliced.
    let mut params: Vec<QueueParam> = Vec::new();
    let mut conditions = vec![match association_id {
        Some(id) => {
            params.push(QueueParam::Int(id));
            "l.association_id = $1".to_string()
        }
        None => "l.association_id IS NULL".to_string(),
    }];
    let owner_condition = conditions[0].clone();
    let owner_params = params.len();
    let mut add = |sql: &str, param: QueueParam| {
        params.push(param);
        conditions.push(sql.replace('?', &format!("${}", params.len())));
    };
    if let Some(state) = filter.state {
        add("l.state = ?", QueueParam::Text(state.as_str()));
    }
    if let Some(type_id) = filter.assistance_type_id {
        add("l.assistance_type_id = ?", QueueParam::Int(type_id));
    }
    if let Some(district_id) = filter.district_id {
        add("h.district_id = ?", QueueParam::Int(district_id));
    }
    if let Some(days) = filter.older_than_days.filter(|d| *d > 0) {
        add("l.created_at <= ?", QueueParam::Int(now() - days * 86_400));
    }
    let conditions = conditions.join(" AND ");
    let order = if filter.newest_first { "DESC" } else { "ASC" };
    let offset = (filter.page.max(1) - 1) * QUEUE_PAGE_SIZE;
    let sql = format!(
        "{SUMMARY_SELECT} WHERE {conditions} ORDER BY l.last_action_at {order}, l.id {order} \
         LIMIT {QUEUE_PAGE_SIZE} OFFSET {offset}"
    );
    let lines = bind_queue(sqlx::query(sqlx::AssertSqlSafe(sql)), &params)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(summary_of)
        .collect::<Result<Vec<_>, _>>()?;
    let per_state_sql = format!(
        "SELECT l.state, COUNT(*) FROM application_lines l WHERE {owner_condition} GROUP BY l.state"
    );
    let per_state: Vec<(String, i64)> = {
        use sqlx::Row;
        bind_queue(
            sqlx::query(sqlx::AssertSqlSafe(per_state_sql)),
            &params[..owner_params],
        )
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()?
    };
    let count_of = |state: LineState| {
        per_state
            .iter()
            .find(|(name, _)| name == state.as_str())
            .map_or(0, |(_, n)| *n)
    };
    // The per-state counts already give the total unless a filter narrows
    // further; only then is a second count over the lines needed.
    let narrowed = filter.assistance_type_id.is_some()
        || filter.district_id.is_some()
        || filter.older_than_days.is_some_and(|d| d > 0);
    let total: i64 = if narrowed {
        use sqlx::Row;
        // The households join only when the district narrows: otherwise the
        // count reads the queue indexes alone.
        let join = if filter.district_id.is_some() {
            "JOIN households h ON h.id = l.household_id"
        } else {
            ""
        };
        let count_sql =
            format!("SELECT COUNT(*) FROM application_lines l {join} WHERE {conditions}");
        bind_queue(sqlx::query(sqlx::AssertSqlSafe(count_sql)), &params)
            .fetch_one(&db.pool)
            .await?
            .try_get(0)?
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

/// A bound value of the queue's dynamic filter.
enum QueueParam {
    Int(i64),
    Text(&'static str),
}

fn bind_queue<'q>(
    mut query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    params: &[QueueParam],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    for param in params {
        query = match param {
            QueueParam::Int(v) => query.bind(*v),
            QueueParam::Text(v) => query.bind(*v),
        };
    }
    query
}

/// A line's transitions, oldest first.
pub async fn events_of_line(db: &Db, line_id: i64) -> Result<Vec<LineEvent>, sqlx::Error> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT e.from_state, e.to_state, a.name_ar, a.name_en, e.note, e.occurred_at \
             FROM line_events e LEFT JOIN associations a ON a.id = e.association_id \
             WHERE e.line_id = $1 ORDER BY e.id",
    )
    .bind(line_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(from, to, name_ar, name_en, note, occurred_at)| {
            Some(LineEvent {
                from_state: from.as_deref().and_then(LineState::parse),
                to_state: LineState::parse(&to)?,
                association_name_ar: name_ar,
                association_name_en: name_en,
                note,
                occurred_at,
            })
        })
        .collect())
}

/// Adds an internal note of an association on a line.
pub async fn add_note(
    db: &Db,
    line_id: i64,
    association_id: i64,
    author_user_id: i64,
    body: &str,
    audit: AuditEvent<'_>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO line_notes (line_id, association_id, author_user_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(line_id)
    .bind(association_id)
    .bind(author_user_id)
    .bind(body)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    crate::audit::record_in(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(())
}

/// The notes one association wrote on a line (never another's).
pub async fn notes_of_line(
    db: &Db,
    line_id: i64,
    association_id: i64,
) -> Result<Vec<LineNote>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT u.name_ar, n.body, n.created_at FROM line_notes n \
         JOIN users u ON u.id = n.author_user_id \
         WHERE n.line_id = $1 AND n.association_id = $2 ORDER BY n.id",
    )
    .bind(line_id)
    .bind(association_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(author_name, body, created_at)| LineNote {
            author_name,
            body,
            created_at,
        })
        .collect())
}

/// Every benefit a household received, from any association, newest first.
pub async fn benefits_of_household(
    db: &Db,
    household_id: i64,
) -> Result<Vec<Benefit>, sqlx::Error> {
    let rows: Vec<(String, String, String, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT t.name_ar, t.name_en, a.name_ar, a.name_en, b.given_on, b.value_halalas \
         FROM benefits b JOIN assistance_types t ON t.id = b.assistance_type_id \
         JOIN associations a ON a.id = b.association_id \
         WHERE b.household_id = $1 ORDER BY b.given_on DESC, b.id DESC",
    )
    .bind(household_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Benefit {
            type_name_ar: r.0,
            type_name_en: r.1,
            association_name_ar: r.2,
            association_name_en: r.3,
            given_on: r.4,
            value_halalas: r.5,
        })
        .collect())
}

/// A person's notifications, newest first.
pub async fn notifications_of(
    db: &Db,
    user_id: i64,
    limit: i64,
) -> Result<Vec<Notification>, sqlx::Error> {
    let rows: Vec<NotificationRow> = sqlx::query_as(
        "SELECT n.id, n.line_id, COALESCE(n.state, l.state), t.name_ar, t.name_en, n.created_at, n.read_at \
         FROM notifications n JOIN application_lines l ON l.id = n.line_id \
         JOIN assistance_types t ON t.id = l.assistance_type_id \
         WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notification {
            id: r.0,
            line_id: r.1,
            state: LineState::parse(&r.2).unwrap_or(LineState::Submitted),
            type_name_ar: r.3,
            type_name_en: r.4,
            created_at: r.5,
            read: r.6.is_some(),
        })
        .collect())
}

/// Marks all of a person's notifications read.
pub async fn mark_notifications_read(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(now())
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Households with any line (current or referred away) or benefit with the association.
pub async fn households_served_by(
    db: &Db,
    association_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<ServedFamily>, sqlx::Error> {
    let rows: Vec<ServedRow> =
        sqlx::query_as(
            "SELECT h.id, h.head_name_ar, d.name_ar, d.name_en, \
               (SELECT COUNT(*) FROM application_lines l WHERE l.household_id = h.id \
                  AND (l.association_id = $1 OR l.referred_from_id = $1)), \
               (SELECT COUNT(*) FROM benefits b WHERE b.household_id = h.id AND b.association_id = $1), \
               (SELECT MAX(l.id) FROM application_lines l WHERE l.household_id = h.id \
                  AND (l.association_id = $1 OR l.referred_from_id = $1)), \
               COALESCE((SELECT MAX(l.last_action_at) FROM application_lines l WHERE l.household_id = h.id \
                  AND (l.association_id = $1 OR l.referred_from_id = $1)), 0) \
             FROM households h LEFT JOIN districts d ON d.id = h.district_id \
             WHERE h.id IN (SELECT household_id FROM application_lines \
                              WHERE association_id = $1 OR referred_from_id = $1 \
                            UNION SELECT household_id FROM benefits WHERE association_id = $1) \
             ORDER BY 8 DESC, h.id DESC LIMIT $2 OFFSET $3",
        )
        .bind(association_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| ServedFamily {
            household_id: r.0,
            head_name_ar: r.1,
            district_name_ar: r.2,
            district_name_en: r.3,
            lines: r.4,
            benefits: r.5,
            latest_line_id: r.6,
            last_activity: r.7,
        })
        .collect())
}
