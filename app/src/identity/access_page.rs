//! `/access`: who holds which role, with revoke, end-sessions and (for the
//! council) disable buttons. Plain forms: it works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::access::{
    ACCESS_PAGE, AccessView, EndSessions, RevokeRole, SetAccountDisabled, get_access,
};
use super::pages::RoleName;
use crate::i18n::*;
use crate::time::format_date;
use crate::ui::{EmptyState, ErrorAlert, error_from_query, is_english, pick};

/// The page.
#[component]
pub fn AccessPage() -> impl IntoView {
    let i18n = use_i18n();
    let wanted = use_query_map().with_untracked(|q| q.get("national_id"));
    let data = Resource::new_blocking(|| (), move |_| get_access(wanted.clone()));
    view! {
        <Title text=t_string!(i18n, access.title).to_string() />
        <h1>{t!(i18n, access.title)}</h1>
        <p class="lead">{t!(i18n, access.intro)}</p>
        {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <People view /> }.into_any(),
                    Err(error) => view! { <ErrorAlert key=error.key() /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn People(view: AccessView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let council = view.council;
    view! {
        {council.then(|| view! {
            <form method="get" action=ACCESS_PAGE class="filters">
                <div class="field">
                    <label for="find-id">{t!(i18n, access.find)}</label>
                    <input id="find-id" name="national_id" inputmode="numeric" dir="ltr" maxlength="14" />
                </div>
                <button type="submit" class="button secondary">{t!(i18n, access.find_button)}</button>
            </form>
        })}
        {if view.people.is_empty() {
            view! { <EmptyState>{t!(i18n, access.empty)}</EmptyState> }.into_any()
        } else {
            view! {
                <ul class="people">
                    {view.people.into_iter().map(|p| {
                        let user_id = p.user_id.to_string();
                        let actions = !p.is_you;
                        view! {
                            <li class="card person">
                                <h2>{pick(english, &p.name_ar, p.name_en.as_deref().unwrap_or(&p.name_ar))}
                                    " " <bdi dir="ltr" class="muted small">{p.masked_national_id.clone()}</bdi>
                                    {p.disabled.then(|| view! { " " <span class="mark">{t!(i18n, access.disabled)}</span> })}
                                </h2>
                                <p class="small muted">
                                    {t!(i18n, access.last_sign_in)} ": "
                                    {match p.last_sign_in_at {
                                        Some(at) => view! { <span class="date">{format_date(at)}</span> }.into_any(),
                                        None => t!(i18n, access.never).into_any(),
                                    }}
                                    " · " {t!(i18n, access.sessions)} ": " {p.live_sessions}
                                </p>
                                <ul class="roles">
                                    {p.roles.iter().map(|r| {
                                        let association = r.association_id.map(|id| id.to_string()).unwrap_or_default();
                                        view! {
                                            <li>
                                                <RoleName kind=r.kind />
                                                {r.association_name_ar.clone().map(|ar| view! {
                                                    " · " {pick(english, &ar, r.association_name_en.as_deref().unwrap_or(&ar))}
                                                })}
                                                {actions.then(|| view! {
                                                <form method="post" action=RevokeRole::PATH class="inline-form">
                                                    <input type="hidden" name="user_id" value=user_id.clone() />
                                                    <input type="hidden" name="role" value=r.kind.as_str() />
                                                    {(!association.is_empty()).then(|| view! {
                                                        <input type="hidden" name="association_id" value=association.clone() />
                                                    })}
                                                    <button type="submit" class="button secondary small">{t!(i18n, access.revoke)}</button>
                                                </form>
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                {actions.then(|| view! {
                                <div class="actions">
                                    <form method="post" action=EndSessions::PATH class="inline-form">
                                        <input type="hidden" name="user_id" value=user_id.clone() />
                                        <button type="submit" class="button secondary">{t!(i18n, access.end_sessions)}</button>
                                    </form>
                                    {council.then(|| view! {
                                        <form method="post" action=SetAccountDisabled::PATH class="inline-form">
                                            <input type="hidden" name="user_id" value=user_id.clone() />
                                            <input type="hidden" name="disabled" value=(!p.disabled).to_string() />
                                            <button type="submit" class="button secondary">
                                                {if p.disabled { t!(i18n, access.enable).into_any() } else { t!(i18n, access.disable).into_any() }}
                                            </button>
                                        </form>
                                    })}
                                </div>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}
