//! One line, as association staff and the council reach it: who may read
//! or act on it, its detail (the household's record, audited), moving it
//! on, and internal notes.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::super::documents::LineDocument;
use super::super::{Benefit, LineElsewhere, LineEvent, LineNote, LineSummary};
use crate::associations::Association;
use crate::error::AppError;
use crate::registry::Household;

#[cfg(feature = "ssr")]
use {
    super::super::db::{self, LineRecord},
    super::super::{LineAction, LineState, transition},
    crate::audit,
    crate::error::ErrorKey,
    crate::identity::{Ctx, Requirement, serve},
};

/// How the signed-in person may reach a line.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineAccess {
    /// Staff of the association the line is with: may act, sees its notes.
    Current(i64),
    /// Staff of the association that referred it away: may read.
    Referrer(i64),
    /// The council admin: reads everything (audited), acts on unrouted lines.
    Council,
}

#[cfg(feature = "ssr")]
impl LineAccess {
    /// The association the person acts for (`None`: the council).
    fn association_id(self) -> Option<i64> {
        match self {
            LineAccess::Current(id) | LineAccess::Referrer(id) => Some(id),
            LineAccess::Council => None,
        }
    }

    /// The one rule for moving a line on: its own association's staff, or
    /// the council while the line is unrouted or its association suspended.
    /// A referrer only reads.
    fn may_act(self, line: &LineRecord) -> bool {
        match self {
            LineAccess::Current(_) => true,
            LineAccess::Council => line.association_id.is_none() || line.association_suspended,
            LineAccess::Referrer(_) => false,
        }
    }
}

/// Decides access to a line; a refusal is audited (as a failed
/// council-admin requirement) and answered 403.
#[cfg(feature = "ssr")]
pub(super) async fn line_access(ctx: &Ctx, line: &LineRecord) -> Result<LineAccess, AppError> {
    let user = ctx.user()?;
    let mine = user.association_ids();
    if let Some(id) = line.association_id.filter(|id| mine.contains(id)) {
        return Ok(LineAccess::Current(id));
    }
    if let Some(id) = line.referred_from_id.filter(|id| mine.contains(id)) {
        return Ok(LineAccess::Referrer(id));
    }
    if user.is_council_admin() {
        return Ok(LineAccess::Council);
    }
    Err(ctx.deny(format!("{:?}", Requirement::CouncilAdmin)).await)
}

/// The signed-in person's line and their access to it (401 first for
/// nobody signed in, then 404 for no such line).
#[cfg(feature = "ssr")]
async fn reach_line(ctx: &Ctx, line_id: i64) -> Result<(LineRecord, LineAccess), AppError> {
    ctx.require(Requirement::SignedIn).await?;
    let line = db::line_record(ctx.db(), line_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let access = line_access(ctx, &line).await?;
    Ok((line, access))
}

/// Stores a decided transition with its audit rows (the transition, and
/// the benefit on fulfilment) in one transaction.
#[cfg(feature = "ssr")]
pub(super) async fn store_transition(
    ctx: &Ctx,
    line: &LineRecord,
    to: LineState,
    acting_association_id: Option<i64>,
    note: Option<&str>,
    refer_to: Option<i64>,
    benefit: Option<(Option<i64>, &str)>,
) -> Result<(), AppError> {
    let user = ctx.user()?;
    let mut audit = vec![
        ctx.event(audit::action::LINE_TRANSITION)
            .acting_for(acting_association_id)
            .subject("application_line", line.id)
            .detail(format!("{} → {}", line.state.as_str(), to.as_str())),
    ];
    if let Some((_, given_on)) = benefit {
        audit.push(
            ctx.event(audit::action::BENEFIT_RECORDED)
                .acting_for(acting_association_id)
                .subject("household", line.household_id)
                .detail(format!("line {} on {given_on}", line.id)),
        );
    }
    db::apply_transition(
        ctx.db(),
        &db::Transition {
            line,
            to,
            actor_user_id: user.user_id,
            acting_association_id,
            note,
            refer_to,
            benefit,
            audit,
        },
    )
    .await?;
    Ok(())
}

/// Staff (or the council, on unrouted lines) move a line on: `start_review`,
/// `approve`, `reject` (note = reason), `refer` (to another association, note),
/// `accept_referral`, `fulfil` (benefit value in riyals and date).
#[server(endpoint = "act_on_line")]
pub async fn act_on_line(
    line_id: i64,
    action: String,
    note: Option<String>,
    to_association_id: Option<String>,
    value: Option<String>,
    given_on: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| {
        act(
            ctx,
            line_id,
            action,
            note,
            to_association_id,
            value,
            given_on,
        )
    })
    .await
}

/// The action named by the form, with its note and referral target checked.
#[cfg(feature = "ssr")]
async fn decide(
    ctx: &Ctx,
    action: &str,
    note: &str,
    to_association_id: Option<&str>,
) -> Result<LineAction, AppError> {
    Ok(match action {
        "start_review" => LineAction::StartReview,
        "approve" => LineAction::Approve,
        "reject" => LineAction::Reject {
            reason: note.to_string(),
        },
        "refer" => {
            let to = to_association_id
                .and_then(|t| t.trim().parse::<i64>().ok())
                .ok_or_else(|| {
                    AppError::validation("to_association_id", ErrorKey::ReferralIncomplete)
                })?;
            let exists = crate::associations::db::list(ctx.db())
                .await?
                .iter()
                .any(|a| a.id == to && a.active);
            if !exists {
                return Err(AppError::validation(
                    "to_association_id",
                    ErrorKey::ReferralIncomplete,
                ));
            }
            LineAction::Refer {
                to_association_id: to,
                note: note.to_string(),
            }
        }
        "accept_referral" => LineAction::AcceptReferral,
        "fulfil" => LineAction::Fulfil,
        _ => return Err(AppError::BadRequest),
    })
}

/// The benefit a fulfilment records: its value (riyals, optional) and date.
#[cfg(feature = "ssr")]
fn benefit_of(
    value: Option<&str>,
    given_on: Option<&str>,
) -> Result<(Option<i64>, String), AppError> {
    let value = match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(raw) => Some(
            crate::text::parse_riyals(raw)
                .ok_or_else(|| AppError::validation("value", ErrorKey::ValueInvalid))?,
        ),
        None => None,
    };
    let date = given_on
        .and_then(crate::time::SaudiDate::parse)
        .map(|d| d.to_string())
        .ok_or_else(|| AppError::validation("given_on", ErrorKey::DateInvalid))?;
    Ok((value, date))
}

/// Moves the line on when the person may act on it and the state machine
/// allows it.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(line_id = line_id))]
async fn act(
    ctx: Ctx,
    line_id: i64,
    action: String,
    note: Option<String>,
    to_association_id: Option<String>,
    value: Option<String>,
    given_on: Option<String>,
) -> Result<(), AppError> {
    let (line, access) = reach_line(&ctx, line_id).await?;
    if !access.may_act(&line) {
        return Err(AppError::Forbidden);
    }
    let note = note
        .map(|n| n.trim().chars().take(1000).collect::<String>())
        .unwrap_or_default();
    let decided = decide(&ctx, &action, &note, to_association_id.as_deref()).await?;
    // Made at the counter: reviewed, referred or refused at once, but given
    // nothing until the head confirms it (the UPDATE checks it again).
    if line.awaiting_head && matches!(decided, LineAction::Approve | LineAction::Fulfil) {
        return Err(AppError::Conflict(ErrorKey::AwaitingHeadConfirmation));
    }
    let to = transition(line.state, &decided, line.association_id)?;
    let benefit = match decided {
        LineAction::Fulfil => Some(benefit_of(value.as_deref(), given_on.as_deref())?),
        _ => None,
    };
    let refer_to = match decided {
        LineAction::Refer {
            to_association_id, ..
        } => Some(to_association_id),
        _ => None,
    };
    store_transition(
        &ctx,
        &line,
        to,
        access.association_id(),
        Some(note.as_str()).filter(|n| !n.is_empty()),
        refer_to,
        benefit.as_ref().map(|(v, d)| (*v, d.as_str())),
    )
    .await?;
    // After a referral the line has left this association's hands.
    if refer_to.is_some() {
        leptos_axum::redirect(super::super::QUEUE_PAGE);
    } else {
        leptos_axum::redirect(&super::super::line_url(line.id));
    }
    Ok(())
}

/// Adds an internal note (visible to the writer's association only).
#[server(endpoint = "add_line_note")]
pub async fn add_line_note(line_id: i64, body: String) -> Result<(), AppError> {
    serve(|ctx| add_note(ctx, line_id, body)).await
}

/// Stores the note of the person's association with its audit row; the
/// council (no association) writes none.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(line_id = line_id))]
async fn add_note(ctx: Ctx, line_id: i64, body: String) -> Result<(), AppError> {
    let (line, access) = reach_line(&ctx, line_id).await?;
    let Some(association_id) = access.association_id() else {
        return Err(AppError::Forbidden);
    };
    let body = body.trim().chars().take(2000).collect::<String>();
    if body.is_empty() {
        return Err(AppError::validation("body", ErrorKey::NoteRequired));
    }
    let user = ctx.user()?;
    let audit = ctx
        .event(audit::action::LINE_NOTE_ADDED)
        .acting_for(Some(association_id))
        .subject("application_line", line.id);
    db::add_note(
        ctx.db(),
        line.id,
        association_id,
        user.user_id,
        &body,
        audit,
    )
    .await?;
    leptos_axum::redirect(&super::super::line_url(line.id));
    Ok(())
}

/// A line with the household's full record, as its association sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDetail {
    pub line: LineSummary,
    pub household: Household,
    pub head_national_id_masked: String,
    pub events: Vec<LineEvent>,
    pub notes: Vec<LineNote>,
    pub benefits: Vec<Benefit>,
    /// The household's other lines (any association): type, state, where.
    pub other_lines: Vec<LineElsewhere>,
    /// Actions the viewer may take now, by name.
    pub actions: Vec<String>,
    pub may_write_notes: bool,
    /// Associations a referral may go to.
    pub referral_targets: Vec<Association>,
    pub today: String,
    /// The documents the family gave with the line (opened inline, audited).
    pub documents: Vec<LineDocument>,
}

/// The line's detail; reading the household's full record is audited.
#[server(endpoint = "get_line_detail")]
pub async fn get_line_detail(line_id: i64) -> Result<LineDetail, AppError> {
    serve(|ctx| line_detail(ctx, line_id)).await
}

/// The line, the household's record (identifiers masked), its history,
/// the notes the viewer's association may read, and what the viewer may do.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(line_id = line_id))]
async fn line_detail(ctx: Ctx, line_id: i64) -> Result<LineDetail, AppError> {
    let (record, access) = reach_line(&ctx, line_id).await?;
    let line = db::line_summary(ctx.db(), line_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut household = crate::registry::db::load(ctx.db(), record.household_id)
        .await?
        .ok_or(AppError::NotFound)?;
    for member in &mut household.members {
        member.national_id = member
            .national_id
            .as_deref()
            .map(crate::text::mask_identifier);
    }
    let head_national_id_masked = crate::registry::db::head_national_id(ctx.db(), household.id)
        .await?
        .map(|id| crate::text::mask_identifier(&id))
        .unwrap_or_default();
    audit::record(
        ctx.db(),
        ctx.event(audit::action::HOUSEHOLD_VIEWED)
            .acting_for(access.association_id())
            .subject("household", household.id)
            .detail(format!("line {line_id}")),
    )
    .await?;
    let notes_of = match access {
        LineAccess::Current(id) | LineAccess::Referrer(id) => Some(id),
        LineAccess::Council => record.association_id,
    };
    let notes = match notes_of {
        Some(id) => db::notes_of_line(ctx.db(), line_id, id).await?,
        None => Vec::new(),
    };
    let actions = if access.may_act(&record) {
        possible_actions(record.state)
            .into_iter()
            .filter(|a| !record.awaiting_head || !matches!(a.as_str(), "approve" | "fulfil"))
            .collect()
    } else {
        Vec::new()
    };
    let other_lines = db::lines_of_household(ctx.db(), household.id)
        .await?
        .into_iter()
        .filter(|l| l.id != line_id)
        .map(LineElsewhere::from)
        .collect();
    let referral_targets = crate::associations::db::list(ctx.db())
        .await?
        .into_iter()
        .filter(|a| a.active && Some(a.id) != record.association_id)
        .collect();
    Ok(LineDetail {
        line,
        benefits: db::benefits_of_household(ctx.db(), household.id).await?,
        household,
        head_national_id_masked,
        events: db::events_of_line(ctx.db(), line_id).await?,
        notes,
        other_lines,
        actions,
        may_write_notes: matches!(access, LineAccess::Current(_) | LineAccess::Referrer(_)),
        referral_targets,
        today: crate::time::format_date(crate::database::now()),
        documents: db::documents::documents_of_line(ctx.db(), line_id).await?,
    })
}

/// The staff actions the state machine allows from `state`.
#[cfg(feature = "ssr")]
fn possible_actions(state: LineState) -> Vec<String> {
    let probes = [
        LineAction::StartReview,
        LineAction::Approve,
        LineAction::Reject { reason: "x".into() },
        LineAction::Refer {
            to_association_id: -1,
            note: "x".into(),
        },
        LineAction::AcceptReferral,
        LineAction::Fulfil,
    ];
    probes
        .iter()
        .filter(|a| transition(state, a, None).is_ok())
        .map(|a| a.name().to_string())
        .collect()
}
