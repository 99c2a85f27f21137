//! `/access`: who holds which role, with revoke, end-sessions and (for the
//! council) disable buttons. Plain forms: it works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::RoleKind;
use super::access::{
    ACCESS_PAGE, AccessChange, AccessView, EndSessions, RevokeRole, SetAccountDisabled, get_access,
    get_access_history,
};
use super::api::GrantRole;
use super::pages::RoleName;
use crate::i18n::*;
use crate::paths::ACCESS_HISTORY_PAGE;
use crate::time::format_date;
use crate::ui::{EmptyState, ErrorAlert, ListPager, ListTotal, error_from_query, is_english, pick};

/// The page.
#[component]
pub fn AccessPage() -> impl IntoView {
    let i18n = use_i18n();
    let (wanted, page) = use_query_map().with_untracked(|q| {
        (
            q.get("national_id"),
            q.get("page").and_then(|p| p.parse::<i64>().ok()),
        )
    });
    let filters = vec![("national_id", wanted.clone().unwrap_or_default())];
    let data = Resource::new_blocking(|| (), move |_| get_access(wanted.clone(), page));
    view! {
        <Title text=t_string!(i18n, access.title).to_string() />
        <h1>{t!(i18n, access.title)}</h1>
        <p class="lead">{t!(i18n, access.intro)}</p>
        <p><a href=ACCESS_HISTORY_PAGE>{t!(i18n, access.history_link)}</a></p>
        {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
        <Suspense fallback=|| ()>
            {move || {
                let filters = filters.clone();
                Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <People view filters /> }.into_any(),
                    Err(error) => view! { <ErrorAlert key=error.key() /> }.into_any(),
                }
                })
            }}
        </Suspense>
    }
}

#[component]
fn People(view: AccessView, filters: Vec<(&'static str, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let council = view.council;
    let (page, pages) = (view.page, view.pages);
    let invite_for = view.associations.first().cloned();
    view! {
        {invite_for.map(|(id, ar, en)| view! {
            <form method="post" action=GrantRole::PATH class="filters card" id="invite-staff">
                <h2>{t!(i18n, access.invite_title)} " · " {pick(english, &ar, &en)}</h2>
                <input type="hidden" name="association_id" value=id.to_string() />
                <input type="hidden" name="role" value="association_staff" />
                <div class="field">
                    <label for="invite-id">{t!(i18n, access.invite_national_id)}</label>
                    <input id="invite-id" name="national_id" inputmode="numeric" dir="ltr" maxlength="14" required aria-describedby="invite-hint" />
                    <p class="hint" id="invite-hint">{t!(i18n, access.invite_hint)}</p>
                </div>
                <button type="submit" class="button">{t!(i18n, access.invite)}</button>
            </form>
        })}
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
                <ListTotal total=view.total />
                <ul class="people">
                    {view.people.into_iter().map(|p| {
                        let user_id = p.user_id.to_string();
                        let actions = !p.is_you;
                        view! {
                            <li class="card person">
                                <h2>{pick(english, &p.name_ar, p.name_en.as_deref().unwrap_or(&p.name_ar))}
                                    " " <bdi dir="ltr" class="muted small">{p.masked_national_id.clone()}</bdi>
                                    {p.disabled.then(|| view! { " " <span class="mark">{t!(i18n, access.disabled)}</span> })}
                                    {p.pending.then(|| view! { " " <span class="mark">{t!(i18n, access.pending)}</span> })}
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
                <ListPager base=ACCESS_PAGE filters page pages />
            }.into_any()
        }}
    }
}

/// `/access/history`: the latest changes to access (roles granted and
/// revoked, sessions ended, accounts and associations suspended), newest first.
#[component]
pub fn AccessHistoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_access_history());
    view! {
        <Title text=t_string!(i18n, access.history_title).to_string() />
        <h1>{t!(i18n, access.history_title)}</h1>
        <p class="lead">{t!(i18n, access.history_intro)}</p>
        {crate::ui::loaded(data, |changes| view! { <History changes /> })}
        <p><a href=ACCESS_PAGE>{t!(i18n, access.back)}</a></p>
    }
}

#[component]
fn History(changes: Vec<AccessChange>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    if changes.is_empty() {
        return view! { <EmptyState>{t!(i18n, access.history_empty)}</EmptyState> }.into_any();
    }
    let name = move |ar: Option<String>, en: Option<String>| {
        let ar = ar.unwrap_or_default();
        pick(english, &ar, en.as_deref().unwrap_or(""))
    };
    view! {
        <crate::ui::DataTable>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, access.when)}</th>
                    <th scope="col">{t!(i18n, access.change)}</th>
                    <th scope="col">{t!(i18n, access.person)}</th>
                    <th scope="col">{t!(i18n, access.by)}</th>
                </tr>
            </thead>
            <tbody>
                {changes.into_iter().map(|c| view! {
                    <tr>
                        <td class="date nowrap">{format_date(c.occurred_at)}</td>
                        <td>
                            <ChangeName action=c.action.clone() />
                            {c.detail.clone().filter(|d| !d.is_empty()).map(|d| view! { " · " <span class="small"><ChangeDetail detail=d /></span> })}
                            {c.association_name_ar.clone().map(|ar| view! { " · " {pick(english, &ar, c.association_name_en.as_deref().unwrap_or(""))} })}
                        </td>
                        <td>
                            {name(c.subject_name_ar.clone(), c.subject_name_en.clone())}
                            {c.subject_masked_id.clone().map(|id| view! { " " <bdi dir="ltr" class="muted small">{id}</bdi> })}
                        </td>
                        <td>{name(c.actor_name_ar.clone(), c.actor_name_en.clone())}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </crate::ui::DataTable>
    }
    .into_any()
}

/// An audited access change in words.
#[component]
fn ChangeName(action: String) -> impl IntoView {
    use crate::audit::action as a;
    let i18n = use_i18n();
    match action.as_str() {
        a::ROLE_GRANTED => t!(i18n, access.did_grant).into_any(),
        a::ROLE_REVOKED => t!(i18n, access.did_revoke).into_any(),
        a::SESSIONS_ENDED => t!(i18n, access.did_end_sessions).into_any(),
        a::ACCOUNT_DISABLED => t!(i18n, access.did_disable).into_any(),
        a::ACCOUNT_ENABLED => t!(i18n, access.did_enable).into_any(),
        a::ASSOCIATION_SUSPENDED => t!(i18n, access.did_suspend).into_any(),
        a::ASSOCIATION_REACTIVATED => t!(i18n, access.did_reactivate).into_any(),
        a::ASSOCIATION_SAVED => t!(i18n, access.did_save_association).into_any(),
        other => other.to_string().into_any(),
    }
}

/// A change's detail as people read it: a role's name, or what of an
/// association's card changed; anything else as it was written.
#[component]
fn ChangeDetail(detail: String) -> impl IntoView {
    let i18n = use_i18n();
    if let Some(kind) = RoleKind::parse(&detail) {
        return view! { <RoleName kind /> }.into_any();
    }
    match detail.as_str() {
        "logo" => t!(i18n, network.logo).into_any(),
        _ => detail.into_any(),
    }
}
