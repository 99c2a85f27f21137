//! SQL of applications: submission with routing (one transaction)
//! ([`submit`]), lines and their transitions guarded by their current state
//! ([`lines`]), notes, benefits and notifications ([`notes`]), and the
//! association queue with the links that decide who may see a household
//! ([`queues`]).

pub(super) mod benefits;
mod counter;
pub(super) mod documents;
mod lines;
mod notes;
mod queues;
pub(super) mod subject;
mod submit;

pub use counter::{
    ApplicationRow, answer, application, awaiting_head, lines_of_application, notes_of_household,
};
pub use lines::{
    LineRecord, Transition, apply_transition, events_of_line, line_record, line_summary,
    lines_of_household,
};
pub use notes::{
    add_note, benefits_of_household, mark_notifications_read, notes_of_line, notifications_of,
};
pub use queues::{
    QueuePage, households_served_by, households_served_ids, households_served_in, queue,
    queue_districts,
};
pub use submit::{RequestedLine, Submission, SubmitOutcome, submit};

use sqlx::{Any, Transaction};

use super::LineState;
use crate::database::now;

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

/// A line's state as stored, decoded or failing loudly.
fn line_state(column: &'static str, value: &str) -> Result<LineState, sqlx::Error> {
    crate::database::stored(column, value, LineState::parse)
}

/// Appends a transition to a line's history (inside the caller's write).
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

/// Tells the family a line reached `state` (inside the caller's write).
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
