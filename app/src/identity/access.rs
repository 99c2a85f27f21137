//! Who holds which role, and taking access away: the council and association
//! admins revoke roles, end a person's sessions, and (the council) disable an
//! account. Every change writes its audit row in the same transaction.

pub use crate::paths::ACCESS_PAGE;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::Role;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{
        CurrentUser, NationalId, Requirement, RoleKind,
        ctx::{Ctx, serve},
        db,
    },
    crate::audit::{self, AuditEvent},
};

/// One person with access, as an admin sees them: the national ID masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonAccess {
    pub user_id: i64,
    pub name_ar: String,
    pub name_en: Option<String>,
    pub masked_national_id: String,
    /// The roles this admin may see (an association admin: their association's).
    pub roles: Vec<Role>,
    pub disabled: bool,
    /// Granted a role but not signed in with Nafath yet: the invitation is
    /// pending (the name fills in at that sign-in).
    pub pending: bool,
    pub last_sign_in_at: Option<i64>,
    pub live_sessions: i64,
    /// The caller themself: listed, but not offered actions on themself.
    pub is_you: bool,
}

/// The access page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessView {
    pub people: Vec<PersonAccess>,
    /// The council sees everyone and may disable accounts.
    pub council: bool,
    /// The associations this person administers.
    pub associations: Vec<(i64, String, String)>,
    /// People listed in all, and where this page stands among them.
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// People shown per page of the access list.
pub const ACCESS_PER_PAGE: i64 = 30;

/// The associations a person administers (none for the council, who sees all).
#[cfg(feature = "ssr")]
fn administered(user: &CurrentUser) -> Vec<&Role> {
    user.roles
        .iter()
        .filter(|r| r.kind == RoleKind::AssociationAdmin)
        .collect()
}

/// The people the caller may manage: the council, everyone with a role
/// (and one person by national ID); an association admin, their staff.
#[server(endpoint = "get_access")]
pub async fn get_access(
    national_id: Option<String>,
    page: Option<i64>,
) -> Result<AccessView, AppError> {
    serve(|ctx| access(ctx, national_id, page)).await
}

/// The access page's people, their roles filtered to what the caller may see.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn access(
    ctx: Ctx,
    national_id: Option<String>,
    page: Option<i64>,
) -> Result<AccessView, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let council = user.is_council_admin();
    let admin_of = administered(user);
    if !council && admin_of.is_empty() {
        return Err(denied(&ctx).await);
    }
    let wanted = match national_id.as_deref().map(str::trim) {
        Some(raw) if council && !raw.is_empty() => {
            Some(NationalId::parse(raw).map_err(|e| AppError::validation("national_id", e))?)
        }
        _ => None,
    };
    let administered_ids: Vec<i64> = admin_of.iter().filter_map(|r| r.association_id).collect();
    // The council sees everyone with a role; an admin, their associations' people.
    let associations = (!council).then_some(administered_ids.as_slice());
    let total = db::people_with_access_count(ctx.db(), associations, wanted.as_ref()).await?;
    let (page, pages, offset) = crate::ui::page_window(total, ACCESS_PER_PAGE, page);
    let people = db::people_with_access(
        ctx.db(),
        associations,
        wanted.as_ref(),
        ACCESS_PER_PAGE,
        offset,
    )
    .await?;
    let mine = administered_ids;
    let people = people
        .into_iter()
        .map(|p| PersonAccess {
            user_id: p.user.user_id,
            name_ar: p.user.name_ar.clone(),
            name_en: p.user.name_en.clone(),
            masked_national_id: crate::text::mask_identifier(&p.user.national_id),
            roles: p
                .user
                .roles
                .into_iter()
                .filter(|r| council || r.association_id.is_some_and(|id| mine.contains(&id)))
                .collect(),
            disabled: p.disabled_at.is_some(),
            pending: p.user.verified_at.is_none(),
            last_sign_in_at: p.last_sign_in_at,
            live_sessions: p.live_sessions,
            is_you: p.user.user_id == user.user_id,
        })
        .collect();
    Ok(AccessView {
        people,
        council,
        associations: admin_of
            .iter()
            .filter_map(|r| {
                Some((
                    r.association_id?,
                    r.association_name_ar.clone().unwrap_or_default(),
                    r.association_name_en.clone().unwrap_or_default(),
                ))
            })
            .collect(),
        total,
        page,
        pages,
    })
}

/// Whether the caller may manage `target`'s access: the council anyone but
/// themself; an association admin, people holding a role in their association.
#[cfg(feature = "ssr")]
fn may_manage(caller: &CurrentUser, target: &CurrentUser) -> bool {
    if caller.user_id == target.user_id {
        return false;
    }
    if caller.is_council_admin() {
        return true;
    }
    let mine: Vec<i64> = administered(caller)
        .iter()
        .filter_map(|r| r.association_id)
        .collect();
    target
        .roles
        .iter()
        .any(|r| r.association_id.is_some_and(|id| mine.contains(&id)))
}

/// The Forbidden answer: the council requirement's audited refusal; a
/// council admin refused (themself, nobody) gets a plain 403, as ever.
#[cfg(feature = "ssr")]
async fn denied(ctx: &Ctx) -> AppError {
    ctx.require(Requirement::CouncilAdmin)
        .await
        .err()
        .unwrap_or(AppError::Forbidden)
}

/// The caller and the person `user_id`, when the caller may manage them;
/// 403 (audited) otherwise.
#[cfg(feature = "ssr")]
async fn managed_person(ctx: &Ctx, user_id: i64) -> Result<(&CurrentUser, CurrentUser), AppError> {
    let caller = ctx.require(Requirement::SignedIn).await?;
    match db::load_user(ctx.db(), user_id).await? {
        Some(target) if may_manage(caller, &target) => Ok((caller, target)),
        _ => Err(denied(ctx).await),
    }
}

/// The audit row of a change to `target`'s access.
#[cfg(feature = "ssr")]
fn event(ctx: &Ctx, action: &'static str, target: i64) -> AuditEvent<'static> {
    ctx.event(action).subject("user", target)
}

/// Takes a role away. An association admin takes only roles of their own
/// association; global roles (council, trainer) only the council.
#[server(endpoint = "revoke_role")]
pub async fn revoke_role(
    user_id: i64,
    role: String,
    association_id: Option<i64>,
) -> Result<(), AppError> {
    serve(|ctx| revoke(ctx, user_id, role, association_id)).await
}

/// Revokes one role when the caller may manage both the person and the role.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(user_id = user_id))]
async fn revoke(
    ctx: Ctx,
    user_id: i64,
    role: String,
    association_id: Option<i64>,
) -> Result<(), AppError> {
    let role = RoleKind::parse(&role).ok_or(AppError::BadRequest)?;
    let (caller, target) = managed_person(&ctx, user_id).await?;
    let allowed = caller.is_council_admin()
        || association_id.is_some_and(|id| {
            administered(caller)
                .iter()
                .any(|r| r.association_id == Some(id))
        });
    if !allowed {
        return Err(denied(&ctx).await);
    }
    let audit = event(&ctx, audit::action::ROLE_REVOKED, target.user_id)
        .detail(role.as_str())
        .acting_for(association_id);
    db::revoke_role(ctx.db(), target.user_id, role, association_id, audit).await?;
    // No redirect: a form goes back to the page it was posted from (the
    // access page, or the council's page of the association).
    Ok(())
}

/// Ends every session of a person (they must sign in again).
#[server(endpoint = "end_sessions")]
pub async fn end_sessions(user_id: i64) -> Result<(), AppError> {
    serve(|ctx| end_all(ctx, user_id)).await
}

/// Ends a managed person's sessions, audited.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(user_id = user_id))]
async fn end_all(ctx: Ctx, user_id: i64) -> Result<(), AppError> {
    let (_, target) = managed_person(&ctx, user_id).await?;
    let audit = event(&ctx, audit::action::SESSIONS_ENDED, target.user_id);
    db::end_sessions(ctx.db(), target.user_id, audit).await?;
    leptos_axum::redirect(ACCESS_PAGE);
    Ok(())
}

/// Disables an account (no sign-in, sessions ended) or enables it again.
/// The council only: an account is also a family's way in.
#[server(endpoint = "set_account_disabled")]
pub async fn set_account_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    serve(|ctx| set_disabled(ctx, user_id, disabled)).await
}

/// Disables or enables a managed person's account, audited.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(user_id = user_id))]
async fn set_disabled(ctx: Ctx, user_id: i64, disabled: bool) -> Result<(), AppError> {
    ctx.require(Requirement::CouncilAdmin).await?;
    let (_, target) = managed_person(&ctx, user_id).await?;
    let action = if disabled {
        audit::action::ACCOUNT_DISABLED
    } else {
        audit::action::ACCOUNT_ENABLED
    };
    let audit = event(&ctx, action, target.user_id);
    db::set_disabled(ctx.db(), target.user_id, disabled, audit).await?;
    leptos_axum::redirect(ACCESS_PAGE);
    Ok(())
}

/// One change to access, as the access history shows it. The person whose
/// access changed is shown with a masked national ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessChange {
    pub occurred_at: i64,
    pub action: String,
    pub actor_name_ar: Option<String>,
    pub actor_name_en: Option<String>,
    pub subject_name_ar: Option<String>,
    pub subject_name_en: Option<String>,
    pub subject_masked_id: Option<String>,
    pub association_name_ar: Option<String>,
    pub association_name_en: Option<String>,
    pub detail: Option<String>,
}

/// How many changes the history page lists.
pub const HISTORY_LENGTH: i64 = 200;

/// The latest changes to access: the council sees every association's, an
/// association admin their own association's.
#[server(endpoint = "get_access_history")]
pub async fn get_access_history() -> Result<Vec<AccessChange>, AppError> {
    serve(history).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn history(ctx: Ctx) -> Result<Vec<AccessChange>, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let scope = if user.is_council_admin() {
        None
    } else {
        match administered(user).first().and_then(|r| r.association_id) {
            Some(id) => Some(id),
            None => return Err(denied(&ctx).await),
        }
    };
    let rows = db::access_history(ctx.db(), scope, HISTORY_LENGTH).await?;
    Ok(rows
        .into_iter()
        .map(|r| AccessChange {
            occurred_at: r.occurred_at,
            action: r.action,
            actor_name_ar: r.actor_name_ar,
            actor_name_en: r.actor_name_en,
            subject_name_ar: r.subject_name_ar,
            subject_name_en: r.subject_name_en,
            subject_masked_id: r
                .subject_national_id
                .as_deref()
                .map(crate::text::mask_identifier),
            association_name_ar: r.association_name_ar,
            association_name_en: r.association_name_en,
            detail: r.detail,
        })
        .collect())
}
