//! Which association a person who works for several acts for: a switch in
//! the header, kept in the session row, so every page and queue (which read
//! the session's roles) follows it.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{is_english, pick};
#[cfg(feature = "ssr")]
use {
    super::{Ctx, Requirement, serve, session},
    crate::audit::action,
};

/// Makes this session act for `association_id`, one of the caller's own
/// (active) associations; anything else is refused and audited.
#[server(endpoint = "act_for")]
pub async fn act_for(association_id: i64) -> Result<(), AppError> {
    serve(|ctx| choose(ctx, association_id)).await
}

/// Stores the choice in the session row; audited (staff act for an
/// association, so the trail says from when).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn choose(ctx: Ctx, association_id: i64) -> Result<(), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    if !user
        .memberships
        .iter()
        .any(|m| m.association_id == association_id)
    {
        return Err(ctx.deny(format!("act_for {association_id}")).await);
    }
    let Some(current) = session::current_session() else {
        return Err(AppError::Unauthorized);
    };
    super::db::set_acting_association(ctx.db(), &current.token_hash, association_id).await?;
    let event = ctx
        .event(action::ACTING_FOR_CHOSEN)
        .acting_for(Some(association_id));
    crate::audit::record(ctx.db(), event).await?;
    Ok(())
}

/// The header's switch: shown only to someone working for more than one
/// association. A plain form (a select and a button) that works without
/// JavaScript; the server sends the browser back to the page it was on.
#[component]
pub fn AssociationSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let user = super::signed_in_user();
    let memberships = user
        .as_ref()
        .map(|u| u.memberships.clone())
        .unwrap_or_default();
    let acting = user.as_ref().and_then(|u| u.acting_association_id());
    (memberships.len() > 1).then(|| {
        view! {
            <form method="post" action=ActFor::PATH class="association-switch">
                <label for="acting-for" class="visually-hidden">{t!(i18n, nav.acting_for)}</label>
                <select id="acting-for" name="association_id">
                    {memberships.into_iter().map(|m| {
                        let selected = Some(m.association_id) == acting;
                        view! {
                            <option value=m.association_id.to_string() selected=selected>
                                {pick(english, &m.name_ar, &m.name_en)}
                            </option>
                        }
                    }).collect_view()}
                </select>
                <button type="submit" class="button secondary small">{t!(i18n, nav.acting_for_button)}</button>
            </form>
        }
    })
}
