//! The family's side: the application form, submitting it, following the
//! lines, and withdrawing one.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::super::documents::LineDocument;
use super::super::{Benefit, LineSummary, Notification};
use crate::assistance::{AssistanceType, DocumentKind};
use crate::error::{AppError, ErrorKey};

#[cfg(feature = "ssr")]
use {
    super::super::db::{self, RequestedLine, Submission},
    super::super::{LineAction, LineState, transition},
    super::lines::store_transition,
    crate::audit,
    crate::identity::{Ctx, CurrentUser, serve, session},
    crate::registry::{ActingFor, Household, HouseholdStatus},
};

/// An assistance type as the application form offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyChoice {
    pub assistance_type: AssistanceType,
    /// The active line of this type, if any: the form shows it instead.
    pub active: Option<LineSummary>,
    /// Granted within the type's cooldown: when the family may ask again
    /// (Unix seconds), shown on the form.
    pub cooldown_until: Option<i64>,
    /// The documents the council asks for with this type.
    pub documents: Vec<DocumentKind>,
}

/// What the application form needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyForm {
    /// Registered with a district: may apply.
    pub ready: bool,
    pub choices: Vec<ApplyChoice>,
    /// Generated with the form: submitting it twice creates nothing twice.
    pub submission_key: String,
    /// What was typed when the server last refused this form (`?draft=`).
    #[serde(default)]
    pub draft: Option<ApplyDraft>,
}

/// A refused application form as it was typed, kept for an hour
/// (`ui::drafts`) so that the form comes back filled in: the lines' ticks,
/// descriptions and amounts, the field the server refused with its message,
/// and the documents whose files were sent (a browser cannot fill a file
/// input again: the page says which to choose again).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyDraft {
    pub lines: Vec<ApplyLine>,
    /// The refused field: a line's as [`ApplyDraft::line_field`] names it
    /// (by its type, so the message finds its field whatever the form's
    /// order), else as the form names it (`documents[3]`, `lines`).
    pub field: Option<String>,
    pub error: Option<ErrorKey>,
    /// The document kinds a file was sent for.
    pub files: Vec<i64>,
}

impl ApplyDraft {
    /// The typed line of a type, if the form carried it.
    pub fn line(&self, assistance_type_id: i64) -> Option<&ApplyLine> {
        self.lines
            .iter()
            .find(|l| l.assistance_type_id == assistance_type_id)
    }

    /// The message for `field`, when it is the refused one.
    pub fn error_at(&self, field: &str) -> Option<ErrorKey> {
        self.error.filter(|_| self.field.as_deref() == Some(field))
    }

    /// The name a line's field (`description`, `amount`) is kept under.
    pub fn line_field(assistance_type_id: i64, field: &str) -> String {
        format!("type {assistance_type_id} {field}")
    }

    /// The form's name of a refused field (`lines[<i>][<field>]`, `i` the
    /// line's place among `lines`) as a draft keeps it.
    pub fn field_of(lines: &[ApplyLine], field: &str) -> String {
        field
            .strip_prefix("lines[")
            .and_then(|rest| rest.split_once("]["))
            .and_then(|(i, f)| {
                let line = lines.get(i.parse::<usize>().ok()?)?;
                Some(Self::line_field(
                    line.assistance_type_id,
                    f.strip_suffix(']')?,
                ))
            })
            .unwrap_or_else(|| field.to_string())
    }
}

/// The name the family's drafts are kept under.
#[cfg(feature = "ssr")]
pub(in crate::applications) const APPLY_DRAFT: &str = "apply";

/// Keeps a refused form's typed values; its token, or `None` when it cannot
/// (the form then comes back empty, with the message).
#[cfg(feature = "ssr")]
pub(in crate::applications) async fn keep_draft(
    ctx: &Ctx,
    form: &str,
    draft: &ApplyDraft,
) -> Option<String> {
    let user = ctx.user.as_ref()?;
    let fields = serde_json::to_string(draft).ok()?;
    match crate::ui::drafts::keep(ctx.db(), user.user_id, form, &fields).await {
        Ok(token) => Some(token),
        Err(error) => {
            tracing::error!(%error, "keeping an application draft failed");
            None
        }
    }
}

/// The draft kept under `token` for the caller and this form, if fresh.
#[cfg(feature = "ssr")]
pub(super) async fn read_draft(
    ctx: &Ctx,
    form: &str,
    token: Option<String>,
) -> Result<Option<ApplyDraft>, AppError> {
    let (Some(token), Some(user)) = (token, ctx.user.as_ref()) else {
        return Ok(None);
    };
    Ok(
        crate::ui::drafts::read(ctx.db(), user.user_id, form, &token)
            .await?
            .and_then(|fields| serde_json::from_str(&fields).ok()),
    )
}

/// The signed-in family member and the household they act for: the one they
/// head, or the one whose head allowed them to act for it (asked afresh on
/// every call: a revocation counts at once).
#[cfg(feature = "ssr")]
pub(super) async fn own_household(
    ctx: &Ctx,
) -> Result<(&CurrentUser, Option<Household>, Option<ActingFor>), AppError> {
    let (user, acting) = crate::registry::delegates::require_acting_household(ctx).await?;
    let household = match acting {
        Some(a) => crate::registry::db::load(ctx.db(), a.household_id).await?,
        None => None,
    };
    Ok((user, household, acting))
}

/// A member acting for the household writes what they did into its history
/// (the head's own acts are theirs already).
#[cfg(feature = "ssr")]
pub(super) async fn note_act(
    ctx: &Ctx,
    acting: Option<ActingFor>,
    user_id: i64,
    act: &str,
    detail: String,
) -> Result<(), AppError> {
    if let Some(a) = acting.filter(|a| !a.is_head()) {
        crate::registry::db::record_act_now(ctx.db(), a.household_id, user_id, act, Some(detail))
            .await?;
    }
    Ok(())
}

/// The application form: the active types, what the household already has,
/// and (with the token of a refused post) what was typed.
#[server(endpoint = "get_apply_form")]
pub async fn get_apply_form(
    #[server(default)] draft: Option<String>,
) -> Result<ApplyForm, AppError> {
    serve(|ctx| apply_form(ctx, draft)).await
}

/// Builds the family's form for its registered household with a district.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn apply_form(ctx: Ctx, draft: Option<String>) -> Result<ApplyForm, AppError> {
    let (_, household, _) = own_household(&ctx).await?;
    let household =
        household.filter(|h| h.status == HouseholdStatus::Registered && h.district_id.is_some());
    let mut form = form_for(&ctx, household.map(|h| h.id)).await?;
    form.draft = read_draft(&ctx, APPLY_DRAFT, draft).await?;
    Ok(form)
}

/// The form for a household (`None`: not ready to apply): each active type
/// with the household's active line of that type (if any) and whether it is
/// still in its cooldown. The family's form and the counter's share it.
#[cfg(feature = "ssr")]
pub(super) async fn form_for(ctx: &Ctx, household_id: Option<i64>) -> Result<ApplyForm, AppError> {
    let types = crate::assistance::db::list_active(ctx.db()).await?;
    let lines = match household_id {
        Some(id) => db::lines_of_household(ctx.db(), id).await?,
        None => Vec::new(),
    };
    let at = crate::database::now();
    let cooldowns = crate::assistance::db::cooldown_days(ctx.db()).await?;
    let kinds = crate::assistance::db::document_kinds(ctx.db()).await?;
    let choices = types
        .into_iter()
        .map(|t| {
            let cooldown = cooldowns.get(&t.id).copied().unwrap_or(0) * 86_400;
            ApplyChoice {
                active: lines
                    .iter()
                    .find(|l| l.assistance_type_id == t.id && l.state.is_active())
                    .cloned(),
                cooldown_until: lines
                    .iter()
                    .filter(|l| {
                        l.assistance_type_id == t.id
                            && l.state == LineState::Fulfilled
                            && l.last_action_at > at - cooldown
                    })
                    .map(|l| l.last_action_at + cooldown)
                    .max(),
                documents: kinds
                    .iter()
                    .filter(|k| k.active && k.assistance_type_id == t.id)
                    .cloned()
                    .collect(),
                assistance_type: t,
            }
        })
        .collect();
    Ok(ApplyForm {
        ready: household_id.is_some(),
        choices,
        submission_key: session::new_token(),
        draft: None,
    })
}

/// One assistance type on the application form (checkbox, description, amount).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    serve(|ctx| submit(ctx, submission_key, lines)).await
}

/// The chosen lines of the form, checked: a description of at least ten
/// characters, a positive amount when one is given.
#[cfg(feature = "ssr")]
fn requested_lines(lines: &[ApplyLine]) -> Result<Vec<RequestedLine>, AppError> {
    let mut requested = Vec::new();
    for (i, line) in lines.iter().enumerate().filter(|(_, l)| l.chosen.is_some()) {
        let description = crate::checks::description(&line.description).ok_or_else(|| {
            AppError::validation(
                &format!("lines[{i}][description]"),
                ErrorKey::DescriptionRequired,
            )
        })?;
        let amount_halalas = match line
            .amount
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            Some(raw) => Some(crate::checks::parse_amount(raw).ok_or_else(|| {
                AppError::validation(&format!("lines[{i}][amount]"), ErrorKey::AmountInvalid)
            })?),
            None => None,
        };
        requested.push(RequestedLine {
            assistance_type_id: line.assistance_type_id,
            description,
            amount_halalas,
            documents: Vec::new(),
        });
    }
    if requested.is_empty() {
        return Err(AppError::validation("lines", ErrorKey::NothingChosen));
    }
    Ok(requested)
}

/// The form without files (a form post of the server function): stored like
/// any other, refused when a chosen type requires a document.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn submit(ctx: Ctx, submission_key: String, lines: Vec<ApplyLine>) -> Result<(), AppError> {
    submit_with_documents(&ctx, submission_key, lines, Vec::new()).await?;
    leptos_axum::redirect(&format!(
        "{}?submitted=1",
        super::super::MY_APPLICATIONS_PAGE
    ));
    Ok(())
}

/// The family's own application for its registered household, with its
/// documents (`files`: each kind's uploaded bytes).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
pub(in crate::applications) async fn submit_with_documents(
    ctx: &Ctx,
    submission_key: String,
    lines: Vec<ApplyLine>,
    files: Vec<(i64, Vec<u8>)>,
) -> Result<(), AppError> {
    let (user, household, acting) = own_household(ctx).await?;
    let household = household
        .filter(|h| h.status == HouseholdStatus::Registered)
        .ok_or(AppError::Conflict(ErrorKey::HouseholdNotRegistered))?;
    // The head is told of the lines' changes (as of every later decision),
    // also when an allowed member sent them.
    let notify_user_id = match acting {
        Some(a) if !a.is_head() => {
            crate::registry::db::head_user_id(ctx.db(), household.id).await?
        }
        _ => Some(user.user_id),
    };
    let by = Applicant {
        user_id: user.user_id,
        notify_user_id,
        at_counter_for: None,
    };
    let stored = store_application(ctx, &submission_key, &lines, &household, by, files).await?;
    if let Stored::New(_) = stored {
        // A member acting for the household: its history says who applied, for what.
        let types = crate::assistance::db::list_active(ctx.db()).await?;
        let names: Vec<&str> = lines
            .iter()
            .filter(|l| l.chosen.is_some())
            .filter_map(|l| types.iter().find(|t| t.id == l.assistance_type_id))
            .map(|t| t.name_ar.as_str())
            .collect();
        let names = names.join("، ");
        note_act(ctx, acting, user.user_id, "application_submitted", names).await?;
    }
    Ok(())
}

/// Who makes an application: the family itself, or staff at the counter.
#[cfg(feature = "ssr")]
pub(super) struct Applicant {
    pub user_id: i64,
    /// Told of every change of the lines (the head, once they have an account).
    pub notify_user_id: Option<i64>,
    /// Staff acting for this association at the counter (the head confirms later).
    pub at_counter_for: Option<i64>,
}

/// The one way an application is stored, whoever makes it: the form checked
/// (key, descriptions, amounts, active types named once), the household's
/// district required, its documents checked (every file before any is
/// stored), a possible duplicate flagged, then every line routed by coverage
/// in one transaction with its audit row — the same cooldown and
/// one-active-line rules for the family and the counter (retried on a
/// transient failure; the key makes a retry create nothing twice). A form
/// refused at any step keeps nothing: files stored for it are removed.
/// Says whether it is new, with the application's id.
#[cfg(feature = "ssr")]
pub(super) async fn store_application(
    ctx: &Ctx,
    submission_key: &str,
    lines: &[ApplyLine],
    household: &Household,
    by: Applicant,
    files: Vec<(i64, Vec<u8>)>,
) -> Result<Stored, AppError> {
    let key = submission_key.trim();
    if key.len() < 16 || key.len() > 128 {
        return Err(AppError::BadRequest);
    }
    let mut requested = requested_lines(lines)?;
    let types = crate::assistance::db::list_active(ctx.db()).await?;
    let mut seen = std::collections::HashSet::new();
    if requested.iter().any(|l| {
        !types.iter().any(|t| t.id == l.assistance_type_id) || !seen.insert(l.assistance_type_id)
    }) {
        return Err(AppError::BadRequest);
    }
    let district_id = household
        .district_id
        .ok_or(AppError::Conflict(ErrorKey::HouseholdNotRegistered))?;
    let stored = super::documents::attach(ctx, &mut requested, files).await?;
    let result = store(ctx, household, district_id, key, requested, by).await;
    if !matches!(result, Ok(Stored::New(_))) {
        super::documents::forget(ctx, &stored).await;
    }
    result
}

/// What storing a checked application did.
#[cfg(feature = "ssr")]
pub(super) enum Stored {
    /// A new application (its id).
    New(i64),
    /// The same form was stored before (the earlier application, when it is
    /// this household's).
    Before(Option<i64>),
}

#[cfg(feature = "ssr")]
impl Stored {
    /// The application's id (for a form sent twice, the earlier one's).
    pub(super) fn application_id(self) -> Option<i64> {
        match self {
            Stored::New(id) => Some(id),
            Stored::Before(earlier) => earlier,
        }
    }
}

/// Stores a checked application with its audit row.
#[cfg(feature = "ssr")]
async fn store(
    ctx: &Ctx,
    household: &Household,
    district_id: i64,
    key: &str,
    requested: Vec<RequestedLine>,
    by: Applicant,
) -> Result<Stored, AppError> {
    // A possible duplicate household is flagged on the new lines.
    crate::registry::duplicates::check(ctx.db(), household.id).await?;
    let submission = Submission {
        household_id: household.id,
        district_id,
        submitted_by: by.user_id,
        notify_user_id: by.notify_user_id,
        submission_key: key.to_string(),
        lines: requested,
        made_by_association_id: by.at_counter_for,
    };
    let action = match by.at_counter_for {
        Some(_) => audit::action::APPLICATION_MADE_AT_COUNTER,
        None => audit::action::APPLICATION_SUBMITTED,
    };
    let audit = ctx
        .event(action)
        .acting_for(by.at_counter_for)
        .subject("household", household.id);
    match crate::database::retrying(|| db::submit(ctx.db(), &submission, audit.clone())).await {
        // Recorded: the council counts the duplicates the registry prevents.
        Err(db::ApplicationError::AlreadyActive(type_id)) => {
            let refused = ctx
                .event(audit::action::LINE_REFUSED_ACTIVE)
                .acting_for(by.at_counter_for)
                .subject("household", household.id)
                .detail(type_id.to_string());
            audit::record(ctx.db(), refused).await?;
            Err(AppError::Conflict(ErrorKey::LineAlreadyActive))
        }
        Ok(db::SubmitOutcome::Created { application_id, .. }) => Ok(Stored::New(application_id)),
        Ok(db::SubmitOutcome::AlreadySubmitted(earlier)) => Ok(Stored::Before(earlier)),
        Err(other) => Err(other.into()),
    }
}

/// The family's lines, benefits and notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyApplications {
    pub registered: bool,
    pub lines: Vec<LineSummary>,
    pub notifications: Vec<Notification>,
    pub benefits: Vec<Benefit>,
    /// The documents given with the lines.
    pub documents: Vec<LineDocument>,
    /// The documents asked for with the types of the open lines: a family
    /// may add one (missing or more) while the line is open.
    #[serde(default)]
    pub document_kinds: Vec<DocumentKind>,
    /// The caller acts for the household as a member its head allows:
    /// the head's name, said on the page.
    #[serde(default)]
    pub acts_for: Option<String>,
}

/// The family's applications; showing the notifications marks them read.
#[server(endpoint = "get_my_applications")]
pub async fn get_my_applications() -> Result<MyApplications, AppError> {
    serve(my_applications).await
}

/// The household's lines and benefits, the person's latest notifications
/// (then marked read).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn my_applications(ctx: Ctx) -> Result<MyApplications, AppError> {
    let (user, household, acting) = own_household(&ctx).await?;
    let acts_for = household
        .as_ref()
        .filter(|_| acting.is_some_and(|a| !a.is_head()))
        .map(|h| h.head_name_ar.clone());
    let (lines, benefits, documents) = match &household {
        Some(h) => (
            db::lines_of_household(ctx.db(), h.id).await?,
            db::benefits_of_household(ctx.db(), h.id).await?,
            db::documents::documents_of_household(ctx.db(), h.id).await?,
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let open_types: Vec<i64> = lines
        .iter()
        .filter(|l| l.state.takes_documents())
        .map(|l| l.assistance_type_id)
        .collect();
    let document_kinds = if open_types.is_empty() {
        Vec::new()
    } else {
        crate::assistance::db::document_kinds(ctx.db())
            .await?
            .into_iter()
            .filter(|k| k.active && open_types.contains(&k.assistance_type_id))
            .collect()
    };
    let notifications = db::notifications_of(ctx.db(), user.user_id, 20).await?;
    db::mark_notifications_read(ctx.db(), user.user_id).await?;
    Ok(MyApplications {
        document_kinds,
        registered: household.is_some_and(|h| h.status == HouseholdStatus::Registered),
        lines,
        notifications,
        benefits,
        documents,
        acts_for,
    })
}

/// The family takes back a line that is not decided yet.
#[server(endpoint = "withdraw_line")]
pub async fn withdraw_line(line_id: i64) -> Result<(), AppError> {
    serve(|ctx| withdraw(ctx, line_id)).await
}

/// Withdraws one of the household's own lines; another household's line
/// is answered as not found.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(line_id = line_id))]
async fn withdraw(ctx: Ctx, line_id: i64) -> Result<(), AppError> {
    let (user, household, acting) = own_household(&ctx).await?;
    let line = db::line_record(ctx.db(), line_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if household.is_none_or(|h| h.id != line.household_id) {
        return Err(AppError::NotFound);
    }
    let to = transition(line.state, &LineAction::Withdraw, line.association_id)?;
    store_transition(&ctx, &line, to, None, None, None, None).await?;
    if acting.is_some_and(|a| !a.is_head()) {
        let name = crate::assistance::db::list_active(ctx.db())
            .await?
            .into_iter()
            .find(|t| t.id == line.assistance_type_id)
            .map_or_else(|| line_id.to_string(), |t| t.name_ar);
        note_act(&ctx, acting, user.user_id, "line_withdrawn", name).await?;
    }
    leptos_axum::redirect(super::super::MY_APPLICATIONS_PAGE);
    Ok(())
}
