//! Members who act for their household (issue 21 §3). The head allows a
//! member whose national ID is the household's to apply, follow its
//! applications and run its shop — one tap on the household page, revoked
//! the same way, both audited and in the history. [`acting_household`] is
//! the one check every domain asks ("may this caller act for a household,
//! and which?"); it reads the database on every call, so a revocation counts
//! from the next request. Only the head grants, revokes, edits the record or
//! deletes it: those functions keep asking for the head.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;
use crate::i18n::*;

#[cfg(feature = "ssr")]
use {
    super::ActingFor,
    super::db::{self, DelegateError},
    crate::audit,
    crate::error::ErrorKey,
    crate::identity::{Ctx, CurrentUser, Requirement, serve},
};

#[cfg(feature = "ssr")]
impl From<DelegateError> for AppError {
    fn from(error: DelegateError) -> Self {
        match error {
            DelegateError::NotFound => AppError::NotFound,
            DelegateError::NotVerified => AppError::Conflict(ErrorKey::MemberIdNotVerified),
            DelegateError::Registry(e) => e.into(),
            DelegateError::Database(e) => e.into(),
        }
    }
}

/// The signed-in family member and the household they may act for: the one
/// they head, or the one whose head allowed them (checked now, in the
/// database). `None`: neither.
#[cfg(feature = "ssr")]
pub async fn acting_household(ctx: &Ctx) -> Result<(&CurrentUser, Option<ActingFor>), AppError> {
    let user = ctx.require(Requirement::FamilyMember).await?;
    let acting = db::acting_for(ctx.db(), &user.national_id).await?;
    Ok((user, acting))
}

/// The head allows a member (with a confirmed national ID) to act for the
/// household.
#[server(endpoint = "allow_member_to_act")]
pub async fn allow_member_to_act(member_id: i64) -> Result<(), AppError> {
    serve(|ctx| set(ctx, member_id, true)).await
}

/// The head stops allowing a member to act for the household (at once).
#[server(endpoint = "revoke_member_act")]
pub async fn revoke_member_act(member_id: i64) -> Result<(), AppError> {
    serve(|ctx| set(ctx, member_id, false)).await
}

/// Allows or revokes, for the head of the member's household only: a member
/// acting for the household is refused (403, audited), like anyone else.
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(member_id = member_id, allow = allow))]
async fn set(ctx: Ctx, member_id: i64, allow: bool) -> Result<(), AppError> {
    let (user, acting) = acting_household(&ctx).await?;
    let Some(household_id) = acting.filter(ActingFor::is_head).map(|a| a.household_id) else {
        return Err(ctx.deny("household head").await);
    };
    let action = if allow {
        audit::action::DELEGATE_ALLOWED
    } else {
        audit::action::DELEGATE_REVOKED
    };
    let event = ctx
        .event(action)
        .subject("household", household_id)
        .detail(format!("member {member_id}"));
    crate::database::retrying(|| {
        db::set_delegate(
            ctx.db(),
            household_id,
            member_id,
            user.user_id,
            allow,
            event.clone(),
        )
    })
    .await?;
    leptos_axum::redirect(&format!("{}?step=members", super::WIZARD_PAGE));
    Ok(())
}

/// Beside a member on the head's household page: "allow to act for the
/// household" for a member whose ID is confirmed, "stop" once allowed, and
/// why not for a member whose ID is only a claim. A plain form.
#[component]
pub fn DelegateToggle(member: super::Member) -> impl IntoView {
    let i18n = use_i18n();
    let id = member.id.to_string();
    if !member.id_confirmed {
        return member
            .national_id
            .is_some()
            .then(|| {
                view! { <span class="muted small">{t!(i18n, delegates.needs_confirmed_id)}</span> }
            })
            .into_any();
    }
    if member.may_act {
        view! {
            <span class="badge ok">{t!(i18n, delegates.acts)}</span>
            <form method="post" action=RevokeMemberAct::PATH class="inline-form">
                <input type="hidden" name="member_id" value=id />
                <button type="submit" class="button secondary small">{t!(i18n, delegates.revoke)}</button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <form method="post" action=AllowMemberToAct::PATH class="inline-form">
                <input type="hidden" name="member_id" value=id />
                <button type="submit" class="button primary small">{t!(i18n, delegates.allow)}</button>
            </form>
        }
        .into_any()
    }
}

/// [`acting_household`] for the acts a household takes (applying,
/// following its applications): a member of a household whose head has not
/// allowed them — or no longer does — is refused (403, audited) instead of
/// being treated as a person without a household.
#[cfg(feature = "ssr")]
pub async fn require_acting_household(
    ctx: &Ctx,
) -> Result<(&CurrentUser, Option<ActingFor>), AppError> {
    let (user, acting) = acting_household(ctx).await?;
    if acting.is_none() && db::is_member_of_any(ctx.db(), &user.national_id).await? {
        return Err(ctx.deny("act for household").await);
    }
    Ok((user, acting))
}

/// What a member allowed to act for a household sees on the household page:
/// whose household, and what they may do for it (the record itself stays
/// the head's).
#[component]
pub fn ActsFor(head: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="alert alert-ok" role="status" id="acts-for">
            <p>{t!(i18n, delegates.acts_for, head = move || head.clone())}</p>
        </div>
        <p class="muted">{t!(i18n, delegates.acts_for_what)}</p>
        <div class="actions">
            <a class="button primary" href=crate::paths::APPLY_PAGE>{t!(i18n, applications.apply_link)}</a>
            <a class="button secondary" href=crate::paths::MY_APPLICATIONS_PAGE>{t!(i18n, applications.mine_title)}</a>
            <a class="button secondary" href=crate::paths::MY_SHOP_PAGE>{t!(i18n, delegates.shop_link)}</a>
        </div>
    }
}

/// What an entry of [`super::ACTS`] says, translated.
#[component]
fn ActName(field: String) -> impl IntoView {
    let i18n = use_i18n();
    match field.as_str() {
        "delegate_allowed" => t!(i18n, delegates.act.delegate_allowed).into_any(),
        "delegate_revoked" => t!(i18n, delegates.act.delegate_revoked).into_any(),
        "application_submitted" => t!(i18n, delegates.act.application_submitted).into_any(),
        "line_withdrawn" => t!(i18n, delegates.act.line_withdrawn).into_any(),
        "document_added" => t!(i18n, delegates.act.document_added).into_any(),
        "shop_saved" => t!(i18n, delegates.act.shop_saved).into_any(),
        "product_saved" => t!(i18n, delegates.act.product_saved).into_any(),
        _ => t!(i18n, delegates.act.product_submitted).into_any(),
    }
}

/// "Who did what" on the head's "My data": each act for the household,
/// newest first, with who did it and when. Nothing when nobody acted.
#[component]
pub fn Acts(acts: Vec<super::HouseholdChange>) -> impl IntoView {
    let i18n = use_i18n();
    (!acts.is_empty()).then(|| {
        view! {
            <section class="card" id="acts">
                <h2>{t!(i18n, delegates.history_title)}</h2>
                <ul class="acts">
                    {acts.into_iter().map(|a| {
                        let what = a.new_value.clone().or(a.old_value.clone()).unwrap_or_default();
                        view! {
                            <li>
                                <strong>{a.changed_by_name.clone().unwrap_or_default()}</strong>
                                " · " <ActName field=a.field.clone() />
                                {(!what.is_empty()).then(|| view! { ": " <bdi>{what}</bdi> })}
                                " · " <span class="date">{crate::time::format_date(a.changed_at)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
