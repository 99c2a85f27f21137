//! One line: where it stands, moving it on (guarded by the state it was
//! read in), its history, and lines as lists show them.

use super::super::{HeadConfirmation, LineEvent, LineState, LineSummary};
use super::{ApplicationError, insert_event, line_state, notify};
use crate::audit::AuditEvent;
use crate::database::{Db, Sql, now};

/// A line as `line_record` reads it.
#[derive(sqlx::FromRow)]
struct LineRecordRow {
    id: i64,
    household_id: i64,
    assistance_type_id: i64,
    state: String,
    association_id: Option<i64>,
    referred_from_id: Option<i64>,
    head_user_id: Option<i64>,
    association_status: Option<String>,
    head_confirmation: Option<String>,
}

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
    /// The line's association is suspended: the council acts on it.
    pub association_suspended: bool,
    /// Made at the counter and not yet confirmed by the head: not approved
    /// or fulfilled until it is.
    pub awaiting_head: bool,
}

/// Where a line stands (state, association, referrer), or `None`.
#[tracing::instrument(skip_all, fields(line_id = line_id))]
pub async fn line_record(db: &Db, line_id: i64) -> Result<Option<LineRecord>, sqlx::Error> {
    let row: Option<LineRecordRow> = sqlx::query_as(
        "SELECT l.id, l.household_id, l.assistance_type_id, l.state, l.association_id, \
               l.referred_from_id, h.head_user_id, a.status AS association_status, \
               ap.head_confirmation \
             FROM application_lines l JOIN households h ON h.id = l.household_id \
             JOIN applications ap ON ap.id = l.application_id \
             LEFT JOIN associations a ON a.id = l.association_id WHERE l.id = $1",
    )
    .bind(line_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(LineRecord {
            id: r.id,
            household_id: r.household_id,
            assistance_type_id: r.assistance_type_id,
            state: line_state("application_lines.state", &r.state)?,
            association_id: r.association_id,
            referred_from_id: r.referred_from_id,
            head_user_id: r.head_user_id,
            association_suspended: r.association_status.as_deref() == Some("suspended"),
            awaiting_head: r.head_confirmation.as_deref() == Some("pending"),
        })
    })
    .transpose()
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
#[tracing::instrument(skip_all, fields(line_id = t.line.id))]
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
    // A line made at the counter is approved or fulfilled only once the head
    // confirmed its application: decided here, in the same statement, so a
    // decline meanwhile wins.
    let confirmed = if matches!(t.to, LineState::Approved | LineState::Fulfilled) {
        " AND NOT EXISTS (SELECT 1 FROM applications ap \
           WHERE ap.id = application_lines.application_id AND ap.head_confirmation = 'pending')"
    } else {
        ""
    };
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE application_lines SET state = $1, association_id = $2, referred_from_id = $3, \
           decision_reason = COALESCE($4, decision_reason), \
           referral_note = COALESCE($5, referral_note), last_action_at = $6 \
         WHERE id = $7 AND state = $8 AND COALESCE(association_id, 0) = $9{confirmed}"
    )))
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
    // A decision is a contact: the household's continuity status follows.
    crate::jobs::household_changed(&mut tx, line.household_id).await?;
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
        message_family(&mut tx, user, line, t).await?;
    }
    for event in &t.audit {
        crate::audit::record_in(&mut tx, event.clone()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Puts the SMS or WhatsApp message of a decision (approved, rejected) or a
/// referral in the family's outbox, in the transition's transaction; other
/// transitions send nothing.
async fn message_family(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: i64,
    line: &LineRecord,
    t: &Transition<'_>,
) -> Result<(), sqlx::Error> {
    use crate::messaging::{Message, Named};
    let (type_ar, type_en): (String, String) =
        sqlx::query_as("SELECT name_ar, name_en FROM assistance_types WHERE id = $1")
            .bind(line.assistance_type_id)
            .fetch_one(&mut **tx)
            .await?;
    let assistance = Named::new(type_ar, type_en);
    let message = match (t.to, t.refer_to) {
        (LineState::Approved, _) => Message::ApplicationDecision {
            assistance,
            approved: true,
        },
        (LineState::Rejected, _) => Message::ApplicationDecision {
            assistance,
            approved: false,
        },
        (LineState::Referred, Some(to)) => {
            let (name_ar, name_en): (String, String) =
                sqlx::query_as("SELECT name_ar, name_en FROM associations WHERE id = $1")
                    .bind(to)
                    .fetch_one(&mut **tx)
                    .await?;
            Message::Referral {
                assistance,
                association: Named::new(name_ar, name_en),
            }
        }
        _ => return Ok(()),
    };
    crate::messaging::db::enqueue(tx, user_id, &message, false).await?;
    Ok(())
}

/// The columns of [`SummaryRow`], from a line and the names lists show.
pub(super) const SUMMARY_SELECT: &str = "SELECT l.id, l.household_id, l.assistance_type_id, \
       t.name_ar AS type_name_ar, t.name_en AS type_name_en, \
       l.description, l.amount_halalas, l.state, l.association_id, \
       a.name_ar AS association_name_ar, a.name_en AS association_name_en, \
       a.status AS association_status, \
       l.referred_from_id, rf.name_ar AS referred_from_name_ar, \
       rf.name_en AS referred_from_name_en, l.referral_note, l.decision_reason, \
       h.head_name_ar, d.name_ar AS district_name_ar, d.name_en AS district_name_en, \
       l.possible_duplicate, l.created_at, l.last_action_at, l.application_id, \
       (SELECT ap.head_confirmation FROM applications ap WHERE ap.id = l.application_id) \
         AS head_confirmation \
     FROM application_lines l \
     JOIN assistance_types t ON t.id = l.assistance_type_id \
     JOIN households h ON h.id = l.household_id \
     LEFT JOIN districts d ON d.id = h.district_id \
     LEFT JOIN associations a ON a.id = l.association_id \
     LEFT JOIN associations rf ON rf.id = l.referred_from_id";

/// A row of [`SUMMARY_SELECT`].
#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    id: i64,
    household_id: i64,
    assistance_type_id: i64,
    type_name_ar: String,
    type_name_en: String,
    description: String,
    amount_halalas: Option<i64>,
    state: String,
    association_id: Option<i64>,
    association_name_ar: Option<String>,
    association_name_en: Option<String>,
    association_status: Option<String>,
    referred_from_id: Option<i64>,
    referred_from_name_ar: Option<String>,
    referred_from_name_en: Option<String>,
    referral_note: Option<String>,
    decision_reason: Option<String>,
    head_name_ar: String,
    district_name_ar: Option<String>,
    district_name_en: Option<String>,
    possible_duplicate: i64,
    created_at: i64,
    last_action_at: i64,
    application_id: i64,
    head_confirmation: Option<String>,
}

impl TryFrom<SummaryRow> for LineSummary {
    type Error = sqlx::Error;

    fn try_from(r: SummaryRow) -> Result<Self, Self::Error> {
        Ok(LineSummary {
            id: r.id,
            household_id: r.household_id,
            assistance_type_id: r.assistance_type_id,
            type_name_ar: r.type_name_ar,
            type_name_en: r.type_name_en,
            description: r.description,
            amount_halalas: r.amount_halalas,
            state: line_state("application_lines.state", &r.state)?,
            association_id: r.association_id,
            association_name_ar: r.association_name_ar,
            association_name_en: r.association_name_en,
            association_suspended: r.association_status.as_deref() == Some("suspended"),
            referred_from_id: r.referred_from_id,
            referred_from_name_ar: r.referred_from_name_ar,
            referred_from_name_en: r.referred_from_name_en,
            referral_note: r.referral_note,
            decision_reason: r.decision_reason,
            head_name_ar: r.head_name_ar,
            district_name_ar: r.district_name_ar,
            district_name_en: r.district_name_en,
            possible_duplicate: r.possible_duplicate == 1,
            created_at: r.created_at,
            last_action_at: r.last_action_at,
            application_id: r.application_id,
            head_confirmation: r
                .head_confirmation
                .as_deref()
                .map(|c| {
                    crate::database::stored(
                        "applications.head_confirmation",
                        c,
                        HeadConfirmation::parse,
                    )
                })
                .transpose()?,
        })
    }
}

/// One line with the names lists show.
#[tracing::instrument(skip_all, fields(line_id = line_id))]
pub async fn line_summary(db: &Db, line_id: i64) -> Result<Option<LineSummary>, sqlx::Error> {
    let mut sql = Sql::new(SUMMARY_SELECT);
    sql.push(" WHERE l.id = ").bind(line_id);
    sql.query_as::<SummaryRow>()
        .fetch_optional(&db.pool)
        .await?
        .map(LineSummary::try_from)
        .transpose()
}

/// All lines of a household, newest first.
#[tracing::instrument(skip_all)]
pub async fn lines_of_household(
    db: &Db,
    household_id: i64,
) -> Result<Vec<LineSummary>, sqlx::Error> {
    let mut sql = Sql::new(SUMMARY_SELECT);
    sql.push(" WHERE l.household_id = ")
        .bind(household_id)
        .push(" ORDER BY l.id DESC");
    sql.query_as::<SummaryRow>()
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(LineSummary::try_from)
        .collect()
}

/// from, to, association (ar, en), note, time, the acting member's name.
type EventRow = (
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
);

/// A line's transitions, oldest first.
#[tracing::instrument(skip_all, fields(line_id = line_id))]
pub async fn events_of_line(db: &Db, line_id: i64) -> Result<Vec<LineEvent>, sqlx::Error> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT e.from_state, e.to_state, a.name_ar, a.name_en, e.note, e.occurred_at, \
               (SELECT hm.full_name FROM users u JOIN household_members hm \
                  ON hm.national_id = u.national_id AND hm.household_id = l.household_id \
                WHERE u.id = e.actor_user_id LIMIT 1) AS member_name \
             FROM line_events e JOIN application_lines l ON l.id = e.line_id \
             LEFT JOIN associations a ON a.id = e.association_id \
             WHERE e.line_id = $1 ORDER BY e.id",
    )
    .bind(line_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(
            |(from, to, name_ar, name_en, note, occurred_at, member_name)| {
                Ok(LineEvent {
                    from_state: from
                        .as_deref()
                        .map(|f| line_state("line_events.from_state", f))
                        .transpose()?,
                    to_state: line_state("line_events.to_state", &to)?,
                    association_name_ar: name_ar,
                    association_name_en: name_en,
                    note,
                    occurred_at,
                    member_name,
                })
            },
        )
        .collect()
}
