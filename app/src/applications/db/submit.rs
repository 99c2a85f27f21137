//! Submitting an application: every line checked, routed by coverage and
//! stored with its first event, or none is.

use sqlx::{Any, Transaction};

use super::super::LineState;
use super::{ApplicationError, insert_event, notify};
use crate::audit::AuditEvent;
use crate::coverage::routing::{Route, cells_of_pair, route_line};
use crate::database::{Db, now};

/// One requested assistance type.
#[derive(Debug, Clone)]
pub struct RequestedLine {
    pub assistance_type_id: i64,
    pub description: String,
    pub amount_halalas: Option<i64>,
    /// The documents given with it, their files already stored.
    pub documents: Vec<super::documents::StoredDocument>,
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
    /// Made by staff of this association at the counter: the application
    /// waits for the head's confirmation (`head_confirmation = 'pending'`).
    pub made_by_association_id: Option<i64>,
}

/// What a submission did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// The new application and its lines, with where each went (`None`: the
    /// council's queue).
    Created {
        application_id: i64,
        lines: Vec<(i64, Option<i64>)>,
    },
    /// The same form was submitted before: nothing new (the earlier
    /// application, when it is this household's).
    AlreadySubmitted(Option<i64>),
}

/// Submits an application: every line is checked, routed and stored, or none is.
/// `audit` is written with the lines, its detail saying where each went.
#[tracing::instrument(skip_all)]
pub async fn submit(
    db: &Db,
    submission: &Submission,
    audit: AuditEvent<'_>,
) -> Result<SubmitOutcome, ApplicationError> {
    let mut tx = db.begin_write().await?;
    let at = now();
    let confirmation = submission.made_by_association_id.map(|_| "pending");
    let application: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO applications (household_id, submitted_by, submission_key, created_at, \
           made_by_association_id, head_confirmation) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (submission_key) DO NOTHING RETURNING id",
    )
    .bind(submission.household_id)
    .bind(submission.submitted_by)
    .bind(&submission.submission_key)
    .bind(at)
    .bind(submission.made_by_association_id)
    .bind(confirmation)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((application_id,)) = application else {
        let earlier: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM applications WHERE submission_key = $1 AND household_id = $2",
        )
        .bind(&submission.submission_key)
        .bind(submission.household_id)
        .fetch_optional(&mut *tx)
        .await?;
        return Ok(SubmitOutcome::AlreadySubmitted(earlier.map(|(id,)| id)));
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
        for document in &line.documents {
            super::documents::insert(&mut tx, line_id, document, submission.submitted_by, at)
                .await?;
        }
        created.push((line_id, association_id, line.documents.len()));
    }
    let routed = created
        .iter()
        .map(|(line, to, documents)| {
            let to = match to {
                Some(a) => format!("line {line} → association {a}"),
                None => format!("line {line} → council"),
            };
            match documents {
                0 => to,
                n => format!("{to} ({n} documents)"),
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    crate::audit::record_in(&mut tx, audit.detail(routed)).await?;
    // A new request: a family that had exited has come back.
    crate::jobs::household_changed(&mut tx, submission.household_id).await?;
    tx.commit().await?;
    Ok(SubmitOutcome::Created {
        application_id,
        lines: created.into_iter().map(|(l, a, _)| (l, a)).collect(),
    })
}

/// An open duplicate-household candidate involves this household.
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

/// A line of this type was fulfilled for the household within the type's cooldown.
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
