//! Server functions of continuity. A caseworker acts for the association
//! chosen in the header, and only on households it serves; the council sets
//! the rules. Every change is audited and recomputes the household at once.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Assessment, CaseRow, CaseView, Caseworker, FollowUp, Rules};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{ExitReason, FollowUpKind, Outcome, RulesRefusal, db, job},
    crate::audit::{ListRead, action},
    crate::database::now,
    crate::error::ErrorKey,
    crate::identity::{Ctx, CurrentUser, Requirement, serve},
    crate::messaging::{Message, Named},
    crate::paths::{CONTINUITY_RULES_PAGE, FOLLOW_UP_PAGE},
};

/// A continuity list page and the follow-ups due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContinuityList {
    pub view: CaseView,
    pub rows: Vec<CaseRow>,
    /// Open follow-ups past due, then those due within a week (the
    /// caller's own in "my cases", else the association's).
    /// One page of them (`due_page`), with how many there are in all.
    pub due: Vec<FollowUp>,
    pub due_total: i64,
    pub due_page: i64,
    pub due_pages: i64,
    /// The page of `rows`, of `pages`; `total` households in the view.
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub now: i64,
}

/// Follow-ups due shown per page of the continuity list.
pub const DUE_PER_PAGE: i64 = 30;

/// A household's case at the acting association.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub household_id: i64,
    pub head_name_ar: String,
    pub assessment: Option<Assessment>,
    pub reentry: bool,
    pub assignee_user_id: Option<i64>,
    pub caseworkers: Vec<Caseworker>,
    pub follow_ups: Vec<FollowUp>,
    pub now: i64,
}

/// The acting association of a caseworker (staff or admin of it).
#[cfg(feature = "ssr")]
async fn caseworker_of(ctx: &Ctx) -> Result<(CurrentUser, i64), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?.clone();
    let Some(association_id) = user.acting_association_id() else {
        return Err(ctx.deny("continuity").await);
    };
    ctx.require(Requirement::AssociationMember(association_id))
        .await?;
    Ok((user, association_id))
}

/// The caller's association, which must serve the household.
#[cfg(feature = "ssr")]
async fn serving(ctx: &Ctx, household_id: i64) -> Result<(CurrentUser, i64), AppError> {
    let (user, association_id) = caseworker_of(ctx).await?;
    let serving = crate::registry::db::associations_serving(ctx.db(), household_id).await?;
    if !serving.contains(&association_id) {
        return Err(ctx.deny(format!("case {household_id}")).await);
    }
    Ok((user, association_id))
}

/// An association's continuity list: `at_risk` (default), `mine` or
/// `unassigned`; with the follow-ups due this week.
#[server(endpoint = "get_continuity")]
pub async fn get_continuity(
    #[server(default)] view: String,
    #[server(default)] page: Option<i64>,
    #[server(default)] due_page: Option<i64>,
) -> Result<ContinuityList, AppError> {
    serve(|ctx| async move {
        let (user, association_id) = caseworker_of(&ctx).await?;
        let view = CaseView::parse(&view).unwrap_or(CaseView::AtRisk);
        let at = now();
        let total = db::cases_count(ctx.db(), association_id, view, user.user_id).await?;
        let (page, pages, _) = crate::ui::page_window(total, super::CASES_PAGE_SIZE, page);
        let rows = db::cases(ctx.db(), association_id, view, user.user_id, page).await?;
        let mine = (view == CaseView::Mine).then_some(user.user_id);
        let until = at + 7 * 86_400;
        let due_total = db::follow_ups_due_count(ctx.db(), association_id, mine, until).await?;
        let (due_page, due_pages, due_offset) =
            crate::ui::page_window(due_total, DUE_PER_PAGE, due_page);
        let due = db::follow_ups_due(
            ctx.db(),
            association_id,
            mine,
            until,
            DUE_PER_PAGE,
            due_offset,
        )
        .await?;
        let households = rows
            .iter()
            .map(|r| r.household_id)
            .chain(due.iter().map(|f| f.household_id));
        ctx.record_list_read(
            Some(association_id),
            ListRead::shown(
                format!("continuity {}", view.as_str()),
                rows.len() + due.len(),
            )
            .of(households),
        )
        .await?;
        Ok(ContinuityList {
            view,
            rows,
            due,
            due_total,
            due_page,
            due_pages,
            page,
            pages,
            total,
            now: at,
        })
    })
    .await
}

/// A household's case: its status and why, the owner, the follow-ups.
#[server(endpoint = "get_case")]
pub async fn get_case(household_id: i64) -> Result<Case, AppError> {
    serve(|ctx| async move {
        let (_, association_id) = serving(&ctx, household_id).await?;
        let db = ctx.db();
        let (_, head_name_ar) = db::head_of(db, household_id)
            .await?
            .ok_or(AppError::NotFound)?;
        crate::audit::record(
            db,
            ctx.event(action::HOUSEHOLD_VIEWED)
                .acting_for(Some(association_id))
                .subject("household", household_id)
                .detail("case"),
        )
        .await?;
        Ok(Case {
            household_id,
            head_name_ar,
            assessment: db::status_of(db, household_id).await?,
            reentry: db::is_reentry(db, household_id).await?,
            assignee_user_id: db::assignee(db, household_id, association_id).await?,
            caseworkers: db::caseworkers(db, association_id).await?,
            follow_ups: db::follow_ups_of(db, household_id, association_id).await?,
            now: now(),
        })
    })
    .await
}

/// A caseworker of the association, or none (empty: whoever acts).
#[cfg(feature = "ssr")]
async fn caseworker_id(
    ctx: &Ctx,
    association_id: i64,
    field: &str,
    value: &str,
) -> Result<Option<i64>, AppError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    let id: i64 = value
        .trim()
        .parse()
        .map_err(|_| AppError::validation(field, ErrorKey::CaseworkerUnknown))?;
    let staff = db::caseworkers(ctx.db(), association_id).await?;
    if !staff.iter().any(|c| c.user_id == id) {
        return Err(AppError::validation(field, ErrorKey::CaseworkerUnknown));
    }
    Ok(Some(id))
}

/// Writes the change's audit row with it, commits, recomputes the household
/// at once and goes back to its case.
#[cfg(feature = "ssr")]
async fn finish_on_case(
    db: &crate::database::Db,
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    event: crate::audit::AuditEvent<'_>,
    household_id: i64,
) -> Result<(), AppError> {
    crate::audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    job::recompute(db, &[household_id], now()).await?;
    leptos_axum::redirect(&case_page(household_id));
    Ok(())
}

#[cfg(feature = "ssr")]
fn case_page(household_id: i64) -> String {
    format!("{}/{household_id}", crate::paths::CASE_PAGE)
}

/// Assigns the case to a caseworker of the association (empty: back to
/// whoever acts last).
#[server(endpoint = "assign_case")]
pub async fn assign_case(
    household_id: i64,
    #[server(default)] assignee: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let (_, association_id) = serving(&ctx, household_id).await?;
        let assignee = caseworker_id(&ctx, association_id, "assignee", &assignee).await?;
        let reentry = db::is_reentry(ctx.db(), household_id).await?;
        let event = ctx
            .event(action::CASE_ASSIGNED)
            .acting_for(Some(association_id))
            .subject("household", household_id)
            .detail(assignee.map_or("none".to_string(), |a| format!("user {a}")));
        db::assign(
            ctx.db(),
            household_id,
            association_id,
            assignee,
            reentry,
            event,
        )
        .await?;
        leptos_axum::redirect(&case_page(household_id));
        Ok(())
    })
    .await
}

/// Books a follow-up; a call or a visit also tells the family when, by the
/// channel it chose.
#[server(endpoint = "book_follow_up")]
pub async fn book_follow_up(
    household_id: i64,
    kind: String,
    due_on: String,
    #[server(default)] due_time: String,
    #[server(default)] assignee: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let (user, association_id) = serving(&ctx, household_id).await?;
        let kind = FollowUpKind::parse(&kind)
            .ok_or_else(|| AppError::validation("kind", ErrorKey::FollowUpKindInvalid))?;
        let day = crate::time::day_start(&due_on)
            .ok_or_else(|| AppError::validation("due_on", ErrorKey::DateInvalid))?;
        let time = match due_time.trim() {
            "" => 10 * 3600,
            t => crate::time::parse_time_of_day(t)
                .ok_or_else(|| AppError::validation("due_time", ErrorKey::DateInvalid))?,
        };
        let due_at = day + time;
        // An appointment is booked for today or later (the family is told of it).
        let today = crate::time::day_start(&crate::time::format_date(now())).unwrap_or(0);
        if day < today {
            return Err(AppError::validation("due_on", ErrorKey::DateInvalid));
        }
        let assignee = caseworker_id(&ctx, association_id, "assignee", &assignee)
            .await?
            .or(Some(user.user_id));
        let db = ctx.db();
        let head = db::head_of(db, household_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let (name_ar, name_en) = db::association_names(db, association_id).await?;
        let mut tx = db.begin_write().await?;
        let id = db::add_follow_up(
            &mut tx,
            &db::NewFollowUp {
                household_id,
                association_id,
                kind,
                due_at,
                assignee_user_id: assignee,
                created_by: user.user_id,
            },
        )
        .await?;
        if let (Some(head_user), FollowUpKind::Call | FollowUpKind::HomeVisit) = (head.0, kind) {
            let message = Message::FollowUpAppointment {
                association: Named::new(name_ar, name_en),
                at: due_at,
            };
            crate::messaging::db::enqueue(&mut tx, head_user, &message, false).await?;
        }
        let event = ctx
            .event(action::FOLLOW_UP_BOOKED)
            .acting_for(Some(association_id))
            .subject("follow_up", id)
            .detail(kind.as_str());
        finish_on_case(db, tx, event, household_id).await
    })
    .await
}

/// A follow-up of the caller's association, for its visit form.
#[server(endpoint = "get_follow_up")]
pub async fn get_follow_up(id: i64) -> Result<FollowUp, AppError> {
    serve(|ctx| async move { Ok(own_follow_up(&ctx, id).await?.0) }).await
}

#[cfg(feature = "ssr")]
async fn own_follow_up(ctx: &Ctx, id: i64) -> Result<(FollowUp, i64), AppError> {
    let (_, association_id) = caseworker_of(ctx).await?;
    let (follow_up, owner) = db::follow_up_by_id(ctx.db(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    if owner != association_id {
        return Err(ctx.deny(format!("follow_up {id}")).await);
    }
    Ok((follow_up, association_id))
}

/// Saves the visit note alone (the form's first part).
#[server(endpoint = "save_follow_up_note")]
pub async fn save_follow_up_note(id: i64, note: String) -> Result<(), AppError> {
    serve(|ctx| async move {
        own_follow_up(&ctx, id).await?;
        let note: String = note.trim().chars().take(2_000).collect();
        db::save_note(ctx.db(), id, &note).await?;
        leptos_axum::redirect(&format!("{FOLLOW_UP_PAGE}/{id}?saved=note"));
        Ok(())
    })
    .await
}

/// Records how the follow-up went; `closed` closes the case with its exit
/// reason. The household is recomputed at once.
#[server(endpoint = "record_follow_up")]
pub async fn record_follow_up(
    id: i64,
    outcome: String,
    #[server(default)] exit_reason: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let (follow_up, association_id) = own_follow_up(&ctx, id).await?;
        if follow_up.outcome.is_some() {
            return Err(AppError::Conflict(ErrorKey::AlreadyDecided));
        }
        let outcome = Outcome::parse(&outcome)
            .ok_or_else(|| AppError::validation("outcome", ErrorKey::OutcomeInvalid))?;
        let exit_reason = match outcome {
            Outcome::Closed => Some(ExitReason::parse(&exit_reason).ok_or_else(|| {
                AppError::validation("exit_reason", ErrorKey::ExitReasonRequired)
            })?),
            _ => None,
        };
        let household_id = follow_up.household_id;
        let db = ctx.db();
        let mut tx = db.begin_write().await?;
        db::record_outcome(&mut tx, id, outcome, exit_reason).await?;
        if let Some(reason) = exit_reason {
            db::close_case(&mut tx, household_id, association_id, reason).await?;
        }
        let event = ctx
            .event(action::FOLLOW_UP_RECORDED)
            .acting_for(Some(association_id))
            .subject("follow_up", id)
            .detail(outcome.as_str());
        finish_on_case(db, tx, event, household_id).await
    })
    .await
}

/// Closes the household's case at the association with an exit reason.
#[server(endpoint = "close_case")]
pub async fn close_case(
    household_id: i64,
    #[server(default)] exit_reason: String,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let (_, association_id) = serving(&ctx, household_id).await?;
        let reason = ExitReason::parse(&exit_reason)
            .ok_or_else(|| AppError::validation("exit_reason", ErrorKey::ExitReasonRequired))?;
        let db = ctx.db();
        let mut tx = db.begin_write().await?;
        db::close_case(&mut tx, household_id, association_id, reason).await?;
        let event = ctx
            .event(action::CASE_CLOSED)
            .acting_for(Some(association_id))
            .subject("household", household_id)
            .detail(reason.as_str());
        finish_on_case(db, tx, event, household_id).await
    })
    .await
}

/// The rules in force (council admin).
#[server(endpoint = "get_continuity_rules")]
pub async fn get_continuity_rules() -> Result<Rules, AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::CouncilAdmin).await?;
        Ok(db::rules(ctx.db()).await?)
    })
    .await
}

/// Saves new weights and thresholds (council admin); they apply from the
/// next recompute.
#[server(endpoint = "save_continuity_rules")]
pub async fn save_continuity_rules(rules: Rules) -> Result<(), AppError> {
    serve(|ctx| async move {
        let admin = ctx.require(Requirement::CouncilAdmin).await?.clone();
        rules.check().map_err(|refusal| match refusal {
            RulesRefusal::OutOfRange => {
                AppError::validation("rules", ErrorKey::ContinuityRulesInvalid)
            }
            RulesRefusal::ThresholdsOutOfOrder => {
                AppError::validation("rules", ErrorKey::ContinuityThresholdsOrder)
            }
        })?;
        let event = ctx.event(action::CONTINUITY_RULES_SAVED);
        db::save_rules(ctx.db(), &rules, admin.user_id, event).await?;
        leptos_axum::redirect(&format!("{CONTINUITY_RULES_PAGE}?saved=1"));
        Ok(())
    })
    .await
}

/// Recomputes every household now (council admin), unless a run is under
/// way; answers with how many were assessed.
#[server(endpoint = "recompute_continuity")]
pub async fn recompute_continuity() -> Result<(), AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::CouncilAdmin).await?;
        let report = job::recompute_all(ctx.db(), crate::jobs::instance_name(), now())
            .await?
            .ok_or(AppError::Conflict(ErrorKey::ContinuityBusy))?;
        leptos_axum::redirect(&format!(
            "{CONTINUITY_RULES_PAGE}?recomputed={}",
            report.households
        ));
        Ok(())
    })
    .await
}
