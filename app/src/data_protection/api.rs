//! Server functions of data protection. The register, the retention runs
//! and the notice's versions are the data-protection officer's, checked here
//! whatever the page shows; the notice itself is public, and accepting it is
//! the signed-in family's.

use leptos::prelude::*;

use super::{BreachList, BreachPage, NoticePage, PrivacyNotice, RetentionPage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::db::breaches::{self as breach_db, AddError, Notified},
    super::db::{notice as notice_db, retention as retention_db},
    super::retention::{self, RunOutcome},
    super::{
        BREACHES_PAGE, NOTICE_VERSIONS_PAGE, NoticeInput, RETENTION_PAGE, StartedBy, action,
        parse_household_refs, parse_saudi_moment, safe_next, validate_notice,
    },
    crate::database::now,
    crate::error::ErrorKey,
    crate::identity::{Ctx, Requirement, serve},
};

/// How many runs the retention page lists.
pub const RECENT_RUNS: i64 = 20;

/// The retention table in force and the recent runs.
#[server(endpoint = "get_retention_page")]
pub async fn get_retention_page() -> Result<RetentionPage, AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::DataProtectionOfficer).await?;
        Ok(RetentionPage {
            policy: retention::policy_of(&ctx.state),
            runs: retention_db::recent_runs(ctx.db(), RECENT_RUNS).await?,
        })
    })
    .await
}

/// Runs the retention job now (the officer's button); refused while
/// another run holds the lease.
#[server(endpoint = "run_retention_now")]
pub async fn run_retention_now() -> Result<(), AppError> {
    serve(run_now).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn run_now(ctx: Ctx) -> Result<(), AppError> {
    ctx.require(Requirement::DataProtectionOfficer).await?;
    let policy = retention::policy_of(&ctx.state);
    let outcome = retention::run(
        ctx.db(),
        &policy,
        now(),
        retention::instance_name(),
        StartedBy::Officer,
    )
    .await?;
    let RunOutcome::Ran { run_id, .. } = outcome else {
        return Err(AppError::Conflict(ErrorKey::RetentionBusy));
    };
    let event = ctx
        .event(action::RETENTION_RUN)
        .subject("retention_run", run_id);
    crate::audit::record(ctx.db(), event).await?;
    leptos_axum::redirect(RETENTION_PAGE);
    Ok(())
}

/// The breach register.
#[server(endpoint = "get_breaches")]
pub async fn get_breaches() -> Result<BreachList, AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::DataProtectionOfficer).await?;
        Ok(BreachList {
            breaches: breach_db::list(ctx.db()).await?,
            now: now(),
        })
    })
    .await
}

#[cfg(feature = "ssr")]
fn add_error(error: AddError) -> AppError {
    match error {
        AddError::Unknown => AppError::validation("households", ErrorKey::BreachHouseholdUnknown),
        AddError::Database(e) => e.into(),
    }
}

/// Records a breach: what happened, when it was discovered (Saudi date and
/// time), the households it touched (national IDs or household numbers).
#[server(endpoint = "record_breach")]
pub async fn record_breach(
    summary: String,
    discovered_date: String,
    discovered_time: String,
    households: String,
) -> Result<(), AppError> {
    serve(|ctx| record(ctx, summary, discovered_date, discovered_time, households)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn record(
    ctx: Ctx,
    summary: String,
    discovered_date: String,
    discovered_time: String,
    households: String,
) -> Result<(), AppError> {
    let officer = ctx.require(Requirement::DataProtectionOfficer).await?;
    let summary: String = summary.trim().chars().take(4000).collect();
    if summary.is_empty() {
        return Err(AppError::validation(
            "summary",
            ErrorKey::BreachTitleRequired,
        ));
    }
    let at = now();
    // A few minutes of clock difference with the officer's phone allowed.
    let discovered = parse_saudi_moment(&discovered_date, &discovered_time)
        .filter(|d| *d <= at + 300)
        .ok_or_else(|| {
            AppError::validation("discovered_date", ErrorKey::BreachDiscoveredInvalid)
        })?;
    let refs =
        parse_household_refs(&households).map_err(|key| AppError::validation("households", key))?;
    let event = ctx.event(action::BREACH_RECORDED);
    let id = breach_db::record(
        ctx.db(),
        &summary,
        discovered,
        officer.user_id,
        &refs,
        at,
        event,
    )
    .await
    .map_err(add_error)?;
    leptos_axum::redirect(&format!("{BREACHES_PAGE}/{id}"));
    Ok(())
}

/// One breach with the families to notify (masked IDs, phones): the
/// officer's only; each read is audited.
#[server(endpoint = "get_breach")]
pub async fn get_breach(id: i64) -> Result<BreachPage, AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::DataProtectionOfficer).await?;
        let breach = breach_db::get(ctx.db(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        let families = breach_db::families(ctx.db(), id).await?;
        let event = ctx
            .event(action::BREACH_VIEWED)
            .subject("breach", id)
            .detail(format!("{} households", families.len()));
        crate::audit::record(ctx.db(), event).await?;
        Ok(BreachPage {
            breach,
            families,
            now: now(),
        })
    })
    .await
}

/// Adds households to a breach.
#[server(endpoint = "add_breach_households")]
pub async fn add_breach_households(breach_id: i64, households: String) -> Result<(), AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::DataProtectionOfficer).await?;
        let refs = parse_household_refs(&households)
            .map_err(|key| AppError::validation("households", key))?;
        let event = ctx.event(action::BREACH_HOUSEHOLDS_ADDED);
        breach_db::add_households(ctx.db(), breach_id, &refs, now(), event)
            .await
            .map_err(add_error)?
            .ok_or(AppError::NotFound)?;
        leptos_axum::redirect(&format!("{BREACHES_PAGE}/{breach_id}"));
        Ok(())
    })
    .await
}

/// Records that the authority (`who` = "authority") or the families
/// ("families", after the authority) were notified, now.
#[server(endpoint = "mark_breach_notified")]
pub async fn mark_breach_notified(breach_id: i64, who: String) -> Result<(), AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::DataProtectionOfficer).await?;
        let (notified, audited) = match who.as_str() {
            "authority" => (Notified::Authority, action::BREACH_AUTHORITY_NOTIFIED),
            "families" => (Notified::Families, action::BREACH_FAMILIES_NOTIFIED),
            _ => return Err(AppError::BadRequest),
        };
        let breach = breach_db::get(ctx.db(), breach_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let changed =
            breach_db::mark_notified(ctx.db(), breach_id, notified, now(), ctx.event(audited))
                .await?;
        if !changed {
            // Already recorded, or the families before the authority.
            let already = match notified {
                Notified::Authority => breach.authority_notified_at.is_some(),
                Notified::Families => breach.families_notified_at.is_some(),
            };
            if !already {
                return Err(AppError::Conflict(ErrorKey::TransitionNotAllowed));
            }
        }
        leptos_axum::redirect(&format!("{BREACHES_PAGE}/{breach_id}"));
        Ok(())
    })
    .await
}

/// The privacy notice in force; for a signed-in family, whether it must
/// accept it and what it accepted last. Public.
#[server(endpoint = "get_privacy_notice")]
pub async fn get_privacy_notice() -> Result<NoticePage, AppError> {
    serve(|ctx| async move {
        let notice = notice_db::current(ctx.db())
            .await?
            .ok_or(AppError::NotFound)?;
        let (must_accept, accepted) = match &ctx.user {
            None => (false, None),
            Some(user) => {
                let household = notice_db::household_of(ctx.db(), user.user_id).await?;
                let accepted = household.and_then(|(_, version, at)| version.zip(at));
                let must = accepted
                    .as_ref()
                    .is_some_and(|(version, _)| *version != notice.version);
                (must, accepted)
            }
        };
        Ok(NoticePage {
            notice,
            must_accept,
            accepted,
        })
    })
    .await
}

/// The family accepts `version` of the notice (the current one), then goes
/// on to `next` (a page of this site).
#[server(endpoint = "accept_privacy_notice")]
pub async fn accept_privacy_notice(version: String, next: Option<String>) -> Result<(), AppError> {
    serve(|ctx| async move {
        let user = ctx.user()?;
        let (household, _, _) = notice_db::household_of(ctx.db(), user.user_id)
            .await?
            .ok_or(AppError::Conflict(ErrorKey::HouseholdNotRegistered))?;
        let event = ctx.event(action::PRIVACY_NOTICE_ACCEPTED);
        if !notice_db::accept(ctx.db(), household, version.trim(), now(), event).await? {
            return Err(AppError::Conflict(ErrorKey::NoticeNotCurrent));
        }
        leptos_axum::redirect(&safe_next(next.as_deref()));
        Ok(())
    })
    .await
}

/// Every published version of the notice, newest first (the officer's).
#[server(endpoint = "get_notice_versions")]
pub async fn get_notice_versions() -> Result<Vec<PrivacyNotice>, AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::DataProtectionOfficer).await?;
        Ok(notice_db::versions(ctx.db()).await?)
    })
    .await
}

/// Publishes a new version of the notice: every returning family is asked
/// to accept it on its next page.
#[server(endpoint = "publish_privacy_notice")]
pub async fn publish_privacy_notice(
    version: String,
    body_ar: String,
    body_en: String,
    controller_ar: String,
    controller_en: String,
    contact: String,
) -> Result<(), AppError> {
    let input = NoticeInput {
        version,
        body_ar,
        body_en,
        controller_ar,
        controller_en,
        contact,
    };
    serve(|ctx| async move {
        let officer = ctx.require(Requirement::DataProtectionOfficer).await?;
        let input =
            validate_notice(input).map_err(|(field, key)| AppError::validation(field, key))?;
        let event = ctx.event(action::PRIVACY_NOTICE_PUBLISHED);
        if !notice_db::publish(ctx.db(), &input, officer.user_id, now(), event).await? {
            return Err(AppError::validation(
                "version",
                ErrorKey::NoticeVersionTaken,
            ));
        }
        leptos_axum::redirect(NOTICE_VERSIONS_PAGE);
        Ok(())
    })
    .await
}
