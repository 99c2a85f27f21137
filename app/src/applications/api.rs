//! Server functions of applications: the family applies and follows its
//! lines; association staff work their queue; the council works the
//! unrouted queue. Every function decides access on the server.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{
    Benefit, LineElsewhere, LineEvent, LineNote, LineState, LineSummary, Notification, QueueFilter,
    ServedFamily,
};
use crate::assistance::AssistanceType;
use crate::associations::Association;
use crate::error::AppError;
use crate::registry::Household;

#[cfg(feature = "ssr")]
use {
    super::db::{self, ApplicationError, LineRecord, RequestedLine, Submission},
    super::{LineAction, TransitionError, transition},
    crate::audit::{self, AuditEvent},
    crate::error::{ErrorKey, respond},
    crate::identity::{CurrentUser, Requirement, session},
    crate::registry::HouseholdStatus,
    crate::state::{AppState, app_state},
};

#[cfg(feature = "ssr")]
impl From<ApplicationError> for AppError {
    fn from(error: ApplicationError) -> Self {
        match error {
            ApplicationError::AlreadyActive(_) => AppError::Conflict(ErrorKey::LineAlreadyActive),
            ApplicationError::InCooldown(_) => AppError::Conflict(ErrorKey::LineInCooldown),
            ApplicationError::StateChanged => AppError::Conflict(ErrorKey::AlreadyDecided),
            ApplicationError::NotFound => AppError::NotFound,
            ApplicationError::Database(e) => e.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<TransitionError> for AppError {
    fn from(error: TransitionError) -> Self {
        match error {
            TransitionError::Illegal { .. } => AppError::Conflict(ErrorKey::TransitionNotAllowed),
            TransitionError::ReasonRequired => {
                AppError::validation("note", ErrorKey::ReasonRequired)
            }
            TransitionError::ReferralIncomplete => {
                AppError::validation("note", ErrorKey::ReferralIncomplete)
            }
        }
    }
}

/// An assistance type as the application form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyChoice {
    pub assistance_type: AssistanceType,
    /// The active line of this type, if any: the form shows it instead.
    pub active: Option<LineSummary>,
    /// Granted within the cooldown.
    pub in_cooldown: bool,
}

/// What the application form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyForm {
    /// Registered with a district: may apply.
    pub ready: bool,
    pub choices: Vec<ApplyChoice>,
    /// Generated with the form: submitting it twice creates nothing twice.
    pub submission_key: String,
}

/// The signed-in family member and their registered household.
#[cfg(feature = "ssr")]
async fn own_household(state: &AppState) -> Result<(CurrentUser, Option<Household>), AppError> {
    let user = session::require(state, Requirement::FamilyMember).await?;
    let household = crate::registry::db::household_of_head(&state.db, &user.national_id).await?;
    Ok((user, household))
}

#[server(endpoint = "get_apply_form")]
pub async fn get_apply_form() -> Result<ApplyForm, AppError> {
    respond(
        async {
            let state = app_state()?;
            let (_, household) = own_household(&state).await?;
            let household = household
                .filter(|h| h.status == HouseholdStatus::Registered && h.district_id.is_some());
            let types = crate::assistance::db::list_active(&state.db).await?;
            let lines = match &household {
                Some(h) => db::lines_of_household(&state.db, h.id).await?,
                None => Vec::new(),
            };
            let at = crate::database::now();
            let cooldowns = crate::assistance::db::cooldown_days(&state.db).await?;
            let choices = types
                .into_iter()
                .map(|t| {
                    let cooldown = cooldowns.get(&t.id).copied().unwrap_or(0) * 86_400;
                    ApplyChoice {
                        active: lines
                            .iter()
                            .find(|l| l.assistance_type_id == t.id && l.state.is_active())
                            .cloned(),
                        in_cooldown: lines.iter().any(|l| {
                            l.assistance_type_id == t.id
                                && l.state == LineState::Fulfilled
                                && l.last_action_at > at - cooldown
                        }),
                        assistance_type: t,
                    }
                })
                .collect();
            Ok(ApplyForm {
                ready: household.is_some(),
                choices,
                submission_key: session::new_token(),
            })
        }
        .await,
    )
}

/// One assistance type on the application form (checkbox, description, amount).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyLine {
    pub assistance_type_id: i64,
    /// Present when the checkbox is ticked.
    pub chosen: Option<String>,
    #[serde(default)]
    pub description: String,
    /// Riyals, for financing; Eastern digits accepted.
    pub amount: Option<String>,
}

/// Submits an application; each chosen line is routed by coverage.
#[server(endpoint = "submit_application")]
pub async fn submit_application(
    submission_key: String,
    #[server(default)] lines: Vec<ApplyLine>,
) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let key = submission_key.trim();
            if key.len() < 16 || key.len() > 128 {
                return Err(AppError::BadRequest);
            }
            let mut requested = Vec::new();
            for (i, line) in lines.iter().enumerate().filter(|(_, l)| l.chosen.is_some()) {
                let description = line
                    .description
                    .trim()
                    .chars()
                    .take(1000)
                    .collect::<String>();
                if description.chars().count() < 10 {
                    return Err(AppError::validation(
                        &format!("lines[{i}][description]"),
                        ErrorKey::DescriptionRequired,
                    ));
                }
                let amount_halalas = match line
                    .amount
                    .as_deref()
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                {
                    Some(raw) => Some(
                        crate::text::parse_riyals(raw)
                            .filter(|h| *h > 0)
                            .ok_or_else(|| {
                                AppError::validation(
                                    &format!("lines[{i}][amount]"),
                                    ErrorKey::AmountInvalid,
                                )
                            })?,
                    ),
                    None => None,
                };
                requested.push(RequestedLine {
                    assistance_type_id: line.assistance_type_id,
                    description,
                    amount_halalas,
                });
            }
            if requested.is_empty() {
                return Err(AppError::validation("lines", ErrorKey::NothingChosen));
            }
            let types = crate::assistance::db::list_active(&state.db).await?;
            let mut seen = std::collections::HashSet::new();
            if requested.iter().any(|l| {
                !types.iter().any(|t| t.id == l.assistance_type_id)
                    || !seen.insert(l.assistance_type_id)
            }) {
                return Err(AppError::BadRequest);
            }
            let (user, household) = own_household(&state).await?;
            let household = household
                .filter(|h| h.status == HouseholdStatus::Registered)
                .ok_or(AppError::Conflict(ErrorKey::HouseholdNotRegistered))?;
            let district_id = household
                .district_id
                .ok_or(AppError::Conflict(ErrorKey::HouseholdNotRegistered))?;
            // A possible duplicate household is flagged on the new lines.
            crate::registry::duplicates::check(&state.db, household.id).await?;
            let submission = Submission {
                household_id: household.id,
                district_id,
                submitted_by: user.user_id,
                notify_user_id: Some(user.user_id),
                submission_key: key.to_string(),
                lines: requested,
            };
            let audit = AuditEvent {
                actor_user_id: Some(user.user_id),
                action: audit::action::APPLICATION_SUBMITTED,
                subject_type: Some("household"),
                subject_id: Some(household.id.to_string()),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            crate::database::retrying(|| db::submit(&state.db, &submission, audit.clone())).await?;
            leptos_axum::redirect(&format!("{}?submitted=1", super::MY_APPLICATIONS_PAGE));
            Ok(())
        }
        .await,
    )
}

/// The family's lines, benefits and notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyApplications {
    pub registered: bool,
    pub lines: Vec<LineSummary>,
    pub notifications: Vec<Notification>,
    pub benefits: Vec<Benefit>,
}

/// The family's applications; showing the notifications marks them read.
#[server(endpoint = "get_my_applications")]
pub async fn get_my_applications() -> Result<MyApplications, AppError> {
    respond(
        async {
            let state = app_state()?;
            let (user, household) = own_household(&state).await?;
            let (lines, benefits) = match &household {
                Some(h) => (
                    db::lines_of_household(&state.db, h.id).await?,
                    db::benefits_of_household(&state.db, h.id).await?,
                ),
                None => (Vec::new(), Vec::new()),
            };
            let notifications = db::notifications_of(&state.db, user.user_id, 20).await?;
            db::mark_notifications_read(&state.db, user.user_id).await?;
            Ok(MyApplications {
                registered: household.is_some_and(|h| h.status == HouseholdStatus::Registered),
                lines,
                notifications,
                benefits,
            })
        }
        .await,
    )
}

/// The family takes back a line that is not decided yet.
#[server(endpoint = "withdraw_line")]
pub async fn withdraw_line(line_id: i64) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let (user, household) = own_household(&state).await?;
            let line = db::line_record(&state.db, line_id)
                .await?
                .ok_or(AppError::NotFound)?;
            if household.is_none_or(|h| h.id != line.household_id) {
                return Err(AppError::NotFound);
            }
            let to = transition(line.state, &LineAction::Withdraw, line.association_id)?;
            store_transition(&state, &user, &line, to, None, None, None, None).await?;
            leptos_axum::redirect(super::MY_APPLICATIONS_PAGE);
            Ok(())
        }
        .await,
    )
}

/// How the signed-in person may reach a line.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineAccess {
    /// Staff of the association the line is with: may act, sees its notes.
    Current(i64),
    /// Staff of the association that referred it away: may read.
    Referrer(i64),
    /// The council admin: reads everything (audited), acts on unrouted lines.
    Council,
}

#[cfg(feature = "ssr")]
impl LineAccess {
    fn association_id(self) -> Option<i64> {
        match self {
            LineAccess::Current(id) | LineAccess::Referrer(id) => Some(id),
            LineAccess::Council => None,
        }
    }
}

/// Decides access to a line; refusals are audited by `session::require`.
#[cfg(feature = "ssr")]
async fn line_access(
    state: &AppState,
    user: &CurrentUser,
    line: &LineRecord,
) -> Result<LineAccess, AppError> {
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
    session::require(state, Requirement::CouncilAdmin).await?;
    Err(AppError::Forbidden)
}

#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
async fn store_transition(
    state: &AppState,
    user: &CurrentUser,
    line: &LineRecord,
    to: LineState,
    acting_association_id: Option<i64>,
    note: Option<&str>,
    refer_to: Option<i64>,
    benefit: Option<(Option<i64>, &str)>,
) -> Result<(), AppError> {
    let mut audit = vec![AuditEvent {
        actor_user_id: Some(user.user_id),
        acting_for_association_id: acting_association_id,
        action: audit::action::LINE_TRANSITION,
        subject_type: Some("application_line"),
        subject_id: Some(line.id.to_string()),
        detail: Some(format!("{} → {}", line.state.as_str(), to.as_str())),
        client_ip: Some(session::client_ip()),
    }];
    if let Some((_, given_on)) = benefit {
        audit.push(AuditEvent {
            actor_user_id: Some(user.user_id),
            acting_for_association_id: acting_association_id,
            action: audit::action::BENEFIT_RECORDED,
            subject_type: Some("household"),
            subject_id: Some(line.household_id.to_string()),
            detail: Some(format!("line {} on {given_on}", line.id)),
            client_ip: Some(session::client_ip()),
        });
    }
    db::apply_transition(
        &state.db,
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
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let line = db::line_record(&state.db, line_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let access = line_access(&state, &user, &line).await?;
            let may_act = match access {
                LineAccess::Current(_) => true,
                LineAccess::Council => line.association_id.is_none(),
                LineAccess::Referrer(_) => false,
            };
            if !may_act {
                return Err(AppError::Forbidden);
            }
            let note = note
                .map(|n| n.trim().chars().take(1000).collect::<String>())
                .unwrap_or_default();
            let decided = match action.as_str() {
                "start_review" => LineAction::StartReview,
                "approve" => LineAction::Approve,
                "reject" => LineAction::Reject {
                    reason: note.clone(),
                },
                "refer" => {
                    let to = to_association_id
                        .as_deref()
                        .and_then(|t| t.trim().parse::<i64>().ok())
                        .ok_or_else(|| {
                            AppError::validation("to_association_id", ErrorKey::ReferralIncomplete)
                        })?;
                    let exists = crate::associations::db::list(&state.db)
                        .await?
                        .iter()
                        .any(|a| a.id == to);
                    if !exists {
                        return Err(AppError::validation(
                            "to_association_id",
                            ErrorKey::ReferralIncomplete,
                        ));
                    }
                    LineAction::Refer {
                        to_association_id: to,
                        note: note.clone(),
                    }
                }
                "accept_referral" => LineAction::AcceptReferral,
                "fulfil" => LineAction::Fulfil,
                _ => return Err(AppError::BadRequest),
            };
            let to = transition(line.state, &decided, line.association_id)?;
            let benefit = if let LineAction::Fulfil = decided {
                let value = match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                    Some(raw) => Some(
                        crate::text::parse_riyals(raw)
                            .ok_or_else(|| AppError::validation("value", ErrorKey::ValueInvalid))?,
                    ),
                    None => None,
                };
                let date = given_on
                    .as_deref()
                    .and_then(crate::time::SaudiDate::parse)
                    .map(|d| d.to_string())
                    .ok_or_else(|| AppError::validation("given_on", ErrorKey::DateInvalid))?;
                Some((value, date))
            } else {
                None
            };
            let refer_to = match decided {
                LineAction::Refer {
                    to_association_id, ..
                } => Some(to_association_id),
                _ => None,
            };
            store_transition(
                &state,
                &user,
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
                leptos_axum::redirect(super::QUEUE_PAGE);
            } else {
                leptos_axum::redirect(&super::line_url(line.id));
            }
            Ok(())
        }
        .await,
    )
}

/// Adds an internal note (visible to the writer's association only).
#[server(endpoint = "add_line_note")]
pub async fn add_line_note(line_id: i64, body: String) -> Result<(), AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let line = db::line_record(&state.db, line_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let Some(association_id) = line_access(&state, &user, &line).await?.association_id()
            else {
                return Err(AppError::Forbidden);
            };
            let body = body.trim().chars().take(2000).collect::<String>();
            if body.is_empty() {
                return Err(AppError::validation("body", ErrorKey::NoteRequired));
            }
            let audit = AuditEvent {
                actor_user_id: Some(user.user_id),
                acting_for_association_id: Some(association_id),
                action: audit::action::LINE_NOTE_ADDED,
                subject_type: Some("application_line"),
                subject_id: Some(line.id.to_string()),
                client_ip: Some(session::client_ip()),
                ..Default::default()
            };
            db::add_note(
                &state.db,
                line.id,
                association_id,
                user.user_id,
                &body,
                audit,
            )
            .await?;
            leptos_axum::redirect(&super::line_url(line.id));
            Ok(())
        }
        .await,
    )
}

/// Whose queue a staff page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueOwner {
    /// `None`: the council's unrouted queue.
    pub association: Option<Association>,
    /// The associations the person may switch between.
    pub choices: Vec<Association>,
}

/// Resolves whose queue: the requested association if the person works
/// there (or is the council admin), else their first; the council admin
/// without an association role gets the unrouted queue.
#[cfg(feature = "ssr")]
async fn queue_owner(
    state: &AppState,
    user: &CurrentUser,
    requested: Option<i64>,
) -> Result<QueueOwner, AppError> {
    let all = crate::associations::db::list(&state.db).await?;
    let mine = user.association_ids();
    let id = match requested {
        Some(id) => {
            session::require(state, Requirement::AssociationMember(id)).await?;
            Some(id)
        }
        None => match mine.first() {
            Some(id) => Some(*id),
            None if user.is_council_admin() => None,
            None => {
                session::require(state, Requirement::CouncilAdmin).await?;
                None
            }
        },
    };
    let choices = all
        .iter()
        .filter(|a| user.is_council_admin() || mine.contains(&a.id))
        .cloned()
        .collect();
    Ok(QueueOwner {
        association: id.and_then(|id| all.into_iter().find(|a| a.id == id)),
        choices,
    })
}

/// A page of a queue with its counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    pub owner: QueueOwner,
    pub filter: QueueFilter,
    pub lines: Vec<LineSummary>,
    pub total: i64,
    pub counts: Vec<(LineState, i64)>,
    pub types: Vec<AssistanceType>,
    pub now: i64,
}

#[server(endpoint = "get_queue")]
pub async fn get_queue(
    association: Option<i64>,
    state_filter: Option<String>,
    assistance_type_id: Option<i64>,
    district_id: Option<i64>,
    older_than_days: Option<i64>,
    sort: Option<String>,
    page: Option<i64>,
) -> Result<QueueView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let owner = queue_owner(&state, &user, association).await?;
            let filter = QueueFilter {
                state: state_filter.as_deref().and_then(LineState::parse),
                assistance_type_id,
                district_id,
                older_than_days,
                newest_first: sort.as_deref() == Some("newest"),
                page: page.unwrap_or(1).clamp(1, 100_000),
            };
            let (lines, total, counts) =
                db::queue(&state.db, owner.association.as_ref().map(|a| a.id), &filter).await?;
            audit::record_list_read(
                &state.db,
                user.user_id,
                owner.association.as_ref().map(|a| a.id),
                "queue",
                lines.len(),
                session::client_ip(),
            )
            .await?;
            Ok(QueueView {
                owner,
                filter,
                lines,
                total,
                counts,
                types: crate::assistance::db::list_active(&state.db).await?,
                now: crate::database::now(),
            })
        }
        .await,
    )
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
}

/// The line's detail; reading the household's full record is audited.
#[server(endpoint = "get_line_detail")]
pub async fn get_line_detail(line_id: i64) -> Result<LineDetail, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let record = db::line_record(&state.db, line_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let access = line_access(&state, &user, &record).await?;
            let line = db::line_summary(&state.db, line_id)
                .await?
                .ok_or(AppError::NotFound)?;
            let mut household = crate::registry::db::load(&state.db, record.household_id)
                .await?
                .ok_or(AppError::NotFound)?;
            for member in &mut household.members {
                member.national_id = member
                    .national_id
                    .as_deref()
                    .map(crate::text::mask_identifier);
            }
            let head_national_id_masked =
                crate::registry::db::head_national_id(&state.db, household.id)
                    .await?
                    .map(|id| crate::text::mask_identifier(&id))
                    .unwrap_or_default();
            audit::record(
                &state.db,
                AuditEvent {
                    actor_user_id: Some(user.user_id),
                    acting_for_association_id: access.association_id(),
                    action: audit::action::HOUSEHOLD_VIEWED,
                    subject_type: Some("household"),
                    subject_id: Some(household.id.to_string()),
                    detail: Some(format!("line {line_id}")),
                    client_ip: Some(session::client_ip()),
                },
            )
            .await?;
            let notes_of = match access {
                LineAccess::Current(id) | LineAccess::Referrer(id) => Some(id),
                LineAccess::Council => record.association_id,
            };
            let notes = match notes_of {
                Some(id) => db::notes_of_line(&state.db, line_id, id).await?,
                None => Vec::new(),
            };
            let may_act = match access {
                LineAccess::Current(_) => true,
                LineAccess::Council => record.association_id.is_none(),
                LineAccess::Referrer(_) => false,
            };
            let actions = if may_act {
                possible_actions(record.state)
            } else {
                Vec::new()
            };
            let other_lines = db::lines_of_household(&state.db, household.id)
                .await?
                .into_iter()
                .filter(|l| l.id != line_id)
                .map(LineElsewhere::from)
                .collect();
            let referral_targets = crate::associations::db::list(&state.db)
                .await?
                .into_iter()
                .filter(|a| Some(a.id) != record.association_id)
                .collect();
            Ok(LineDetail {
                line,
                benefits: db::benefits_of_household(&state.db, household.id).await?,
                household,
                head_national_id_masked,
                events: db::events_of_line(&state.db, line_id).await?,
                notes,
                other_lines,
                actions,
                may_write_notes: matches!(access, LineAccess::Current(_) | LineAccess::Referrer(_)),
                referral_targets,
                today: crate::time::format_date(crate::database::now()),
            })
        }
        .await,
    )
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamiliesView {
    pub owner: QueueOwner,
    pub families: Vec<ServedFamily>,
    pub page: i64,
}

#[server(endpoint = "get_our_families")]
pub async fn get_our_families(
    association: Option<i64>,
    page: Option<i64>,
) -> Result<FamiliesView, AppError> {
    respond(
        async {
            let state = app_state()?;
            let user = session::require(&state, Requirement::SignedIn).await?;
            let owner = queue_owner(&state, &user, association).await?;
            let Some(association_id) = owner.association.as_ref().map(|a| a.id) else {
                return Ok(FamiliesView {
                    owner,
                    families: Vec::new(),
                    page: 1,
                });
            };
            let page = page.unwrap_or(1).clamp(1, 100_000);
            let size = super::QUEUE_PAGE_SIZE;
            let families =
                db::households_served_by(&state.db, association_id, size, (page - 1) * size)
                    .await?;
            audit::record_list_read(
                &state.db,
                user.user_id,
                Some(association_id),
                "our_families",
                families.len(),
                session::client_ip(),
            )
            .await?;
            Ok(FamiliesView {
                owner,
                families,
                page,
            })
        }
        .await,
    )
}
