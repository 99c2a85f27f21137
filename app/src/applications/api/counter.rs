//! Acting for a family at the counter (issue 21 §2): association staff fill
//! the support application for a household their association serves or
//! registered as a walk-in; the application is recorded as theirs (who, for
//! which association, audited) and waits for the head of household, who
//! confirms or declines it after signing in with Nafath.
//!
//! Before the head's answer the lines are routed by coverage at once, like
//! any other (so the one-active-line and cooldown rules hold from the first
//! minute, and the responsible association sees the request in its queue,
//! marked "awaiting the head's confirmation"). Staff may take such a line
//! into review, refer or refuse it, but not approve or fulfil it: nothing is
//! given on the strength of a form the family has not confirmed. A decline
//! withdraws every line still open.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::family::{ApplyForm, ApplyLine};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::super::db,
    super::family::{Applicant, form_for, read_draft, store_application},
    crate::audit,
    crate::error::ErrorKey,
    crate::identity::{Ctx, CurrentUser, Requirement, RoleKind, serve},
    crate::registry::Household,
};

/// The household as the counter form names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterHousehold {
    pub id: i64,
    pub head_name_ar: String,
    pub head_national_id_masked: String,
    /// The head confirmed the household with Nafath (not a walk-in awaiting it).
    pub verified: bool,
    pub district_name_ar: Option<String>,
    pub district_name_en: Option<String>,
}

/// What the counter form needs: the household and the same form the family fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterApplyForm {
    pub household: CounterHousehold,
    pub form: ApplyForm,
}

/// The staff member's association when it serves the household (a line or
/// a benefit, `household_associations`) or the household walked in there;
/// anyone else gets 403 with an `access_denied` audit row.
#[cfg(feature = "ssr")]
pub(super) async fn counter_staff(
    ctx: &Ctx,
    household_id: i64,
) -> Result<(&CurrentUser, i64), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let Some(&association_id) = user.association_ids().first() else {
        return Err(ctx.deny(format!("household {household_id}")).await);
    };
    let serves = crate::registry::db::associations_serving(ctx.db(), household_id)
        .await?
        .contains(&association_id)
        || crate::registry::db::walked_in_at(ctx.db(), household_id)
            .await?
            .contains(&association_id);
    if !serves {
        return Err(ctx.deny(format!("household {household_id}")).await);
    }
    Ok((user, association_id))
}

/// The household (never a merged one: it answers as its survivor).
#[cfg(feature = "ssr")]
pub(super) async fn live_household(ctx: &Ctx, household_id: i64) -> Result<Household, AppError> {
    let head = crate::registry::db::head_national_id(ctx.db(), household_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = crate::registry::db::household_id_of_head(ctx.db(), &head).await?;
    if current != Some(household_id) {
        return Err(AppError::NotFound);
    }
    crate::registry::db::load(ctx.db(), household_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The counter's view of the household: masked head ID, district names.
#[cfg(feature = "ssr")]
pub(super) async fn counter_household(
    ctx: &Ctx,
    household: &Household,
) -> Result<CounterHousehold, AppError> {
    let masked = crate::registry::db::head_national_id(ctx.db(), household.id)
        .await?
        .map(|id| crate::text::mask_identifier(&id))
        .unwrap_or_default();
    let district = match household.district_id {
        Some(d) => crate::places::db::district_names(ctx.db(), d).await?,
        None => None,
    };
    Ok(CounterHousehold {
        id: household.id,
        head_name_ar: household.head_name_ar.clone(),
        head_national_id_masked: masked,
        verified: household.verified,
        district_name_ar: district.as_ref().map(|d| d.0.clone()),
        district_name_en: district.map(|d| d.1),
    })
}

/// The counter's application form for a household, and (with the token of
/// a refused post) what was typed.
#[server(endpoint = "get_counter_apply_form")]
pub async fn get_counter_apply_form(
    household_id: i64,
    #[server(default)] draft: Option<String>,
) -> Result<CounterApplyForm, AppError> {
    serve(|ctx| counter_apply_form(ctx, household_id, draft)).await
}

/// The name a counter form's drafts are kept under (one per household, so a
/// draft never fills another household's form).
#[cfg(feature = "ssr")]
pub(in crate::applications) fn counter_draft(household_id: i64) -> String {
    format!("counter_apply {household_id}")
}

/// The family's form, for staff of an association serving the household or
/// where it walked in; ready once the household has a district.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(household_id = household_id))]
async fn counter_apply_form(
    ctx: Ctx,
    household_id: i64,
    draft: Option<String>,
) -> Result<CounterApplyForm, AppError> {
    counter_staff(&ctx, household_id).await?;
    let household = live_household(&ctx, household_id).await?;
    let ready = household.district_id.map(|_| household.id);
    let mut form = form_for(&ctx, ready).await?;
    form.draft = read_draft(&ctx, &counter_draft(household_id), draft).await?;
    Ok(CounterApplyForm {
        form,
        household: counter_household(&ctx, &household).await?,
    })
}

/// Staff submit the application for the household at the counter (the
/// form without files; the page's form posts with its documents to
/// `COUNTER_APPLY_SEND`, which stores it the same way).
#[server(endpoint = "submit_counter_application")]
pub async fn submit_counter_application(
    household_id: i64,
    submission_key: String,
    #[server(default)] lines: Vec<ApplyLine>,
) -> Result<(), AppError> {
    serve(|ctx| submit_at_counter(ctx, household_id, submission_key, lines)).await
}

/// Stores it by the family's rules, recorded as the staff member's for
/// their association and pending the head's answer; then the receipt.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(household_id = household_id))]
async fn submit_at_counter(
    ctx: Ctx,
    household_id: i64,
    submission_key: String,
    lines: Vec<ApplyLine>,
) -> Result<(), AppError> {
    let stored =
        submit_at_counter_with_documents(&ctx, household_id, submission_key, lines, Vec::new())
            .await?;
    leptos_axum::redirect(&after_counter_application(household_id, stored));
    Ok(())
}

/// Where staff go once the counter's form is stored: the application's
/// receipt, or the household's file for a form sent twice by another.
#[cfg(feature = "ssr")]
pub(in crate::applications) fn after_counter_application(
    household_id: i64,
    application_id: Option<i64>,
) -> String {
    match application_id {
        Some(id) => format!("{}/{id}?made=1", super::super::RECEIPT_PAGE),
        None => format!("{}/{household_id}", super::super::HOUSEHOLD_FILE_PAGE),
    }
}

/// The counter's application with the documents the family brought
/// (`files`: each kind's bytes), checked and stored as the family's form is
/// (`store_application`: every file checked before any is stored), recorded
/// as uploaded by the staff member, for their association; the
/// application's id.
#[cfg(feature = "ssr")]
pub(in crate::applications) async fn submit_at_counter_with_documents(
    ctx: &Ctx,
    household_id: i64,
    submission_key: String,
    lines: Vec<ApplyLine>,
    files: Vec<(i64, Vec<u8>)>,
) -> Result<Option<i64>, AppError> {
    let (user, association_id) = counter_staff(ctx, household_id).await?;
    let household = live_household(ctx, household_id).await?;
    let head_user_id = crate::registry::db::head_user_id(ctx.db(), household.id).await?;
    let by = Applicant {
        user_id: user.user_id,
        notify_user_id: head_user_id,
        at_counter_for: Some(association_id),
    };
    let stored = store_application(ctx, &submission_key, &lines, &household, by, files).await?;
    Ok(stored.application_id())
}

/// An application made at the counter, as its head is asked about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterApplication {
    pub application_id: i64,
    pub reference: String,
    pub created_at: i64,
    pub association_name_ar: String,
    pub association_name_en: String,
    /// The assistance types asked for (Arabic, English).
    pub types: Vec<(String, String)>,
}

/// The applications made for the signed-in head at the counter that wait
/// for their answer (none for anyone else).
#[server(endpoint = "get_counter_applications")]
pub async fn get_counter_applications() -> Result<Vec<CounterApplication>, AppError> {
    serve(counter_applications).await
}

/// The head's household's pending counter applications; empty for a person
/// who heads no household or is no family member (never a refusal: the
/// account page asks for everyone).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn counter_applications(ctx: Ctx) -> Result<Vec<CounterApplication>, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    if !user.has(RoleKind::FamilyMember) {
        return Ok(Vec::new());
    }
    let Some(household_id) =
        crate::registry::db::household_id_of_head(ctx.db(), &user.national_id).await?
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for row in db::awaiting_head(ctx.db(), household_id).await? {
        let types = db::lines_of_application(ctx.db(), row.id)
            .await?
            .into_iter()
            .map(|l| (l.type_name_ar, l.type_name_en))
            .collect();
        out.push(CounterApplication {
            application_id: row.id,
            reference: super::super::reference_number(row.id),
            created_at: row.created_at,
            association_name_ar: row.made_by_name_ar.unwrap_or_default(),
            association_name_en: row.made_by_name_en.unwrap_or_default(),
            types,
        });
    }
    Ok(out)
}

/// The head confirms (`confirm = true`) or declines an application made
/// for the household at the counter.
#[server(endpoint = "answer_counter_application")]
pub async fn answer_counter_application(
    application_id: i64,
    confirm: bool,
) -> Result<(), AppError> {
    serve(|ctx| answer(ctx, application_id, confirm)).await
}

/// Only the head of the application's household answers, once; audited
/// with the association that made it.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(application_id = application_id))]
async fn answer(ctx: Ctx, application_id: i64, confirm: bool) -> Result<(), AppError> {
    let user = ctx.require(Requirement::FamilyMember).await?;
    let household_id = crate::registry::db::household_id_of_head(ctx.db(), &user.national_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let row = db::application(ctx.db(), application_id)
        .await?
        .filter(|a| a.household_id == household_id && a.made_by_association_id.is_some())
        .ok_or(AppError::NotFound)?;
    if row.head_confirmation.as_deref() != Some("pending") {
        return Err(AppError::Conflict(ErrorKey::AlreadyDecided));
    }
    let action = if confirm {
        audit::action::COUNTER_APPLICATION_CONFIRMED
    } else {
        audit::action::COUNTER_APPLICATION_DECLINED
    };
    let event = ctx
        .event(action)
        .acting_for(row.made_by_association_id)
        .subject("application", application_id);
    db::answer(
        ctx.db(),
        application_id,
        household_id,
        confirm,
        user.user_id,
        event,
    )
    .await
    .map_err(|e| match e {
        db::ApplicationError::NotFound => AppError::Conflict(ErrorKey::AlreadyDecided),
        e => e.into(),
    })?;
    let answered = if confirm { "confirmed" } else { "declined" };
    leptos_axum::redirect(&format!(
        "{}?counter={answered}",
        super::super::MY_APPLICATIONS_PAGE
    ));
    Ok(())
}
