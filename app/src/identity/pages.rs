//! Pages of the sign-in flow, the account page and the Nafath simulator.

pub use crate::paths::SIMULATOR_PAGE;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};

use super::api::{
    DecideSimulatorRequest, PollSignIn, SignOut, SignOutEverywhere, StartSignIn,
    get_pending_sign_in, list_simulator_requests,
};
use super::wait::NafathWait;
use super::{RoleKind, SignInState, signed_in_user};
use crate::checks::FieldCheck;
use crate::i18n::*;
use crate::paths::AFTER_SIGN_IN;
use crate::ui::{
    CheckedForm, EmptyState, ErrorAlert, Icon, IconName, check_messages, error_from_query,
    is_english,
};

/// Step one: the national ID.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = error_from_query();
    let invalid = error.is_some().then_some("true");
    view! {
        <Title text=t_string!(i18n, sign_in.title).to_string() />
        <section class="card narrow">
            <h1>{t!(i18n, sign_in.title)}</h1>
            <p class="lead">{t!(i18n, sign_in.intro)}</p>
            <ol class="steps">
                <li>{t!(i18n, sign_in.step_id)}</li>
                <li>{t!(i18n, sign_in.step_app)}</li>
                <li>{t!(i18n, sign_in.step_number)}</li>
            </ol>
            <CheckedForm messages=check_messages(&[FieldCheck::NationalId])>
            <form method="post" action=StartSignIn::PATH class="stack" novalidate>
                <div class="field">
                    <label for="national-id">{t!(i18n, sign_in.national_id_label)}</label>
                    <p class="hint" id="national-id-hint">
                        {t!(i18n, sign_in.national_id_hint)}
                    </p>
                    <input
                        id="national-id"
                        name="national_id"
                        type="text"
                        inputmode="numeric"
                        autocomplete="username"
                        dir="ltr"
                        maxlength="14"
                        required
                        data-check=FieldCheck::NationalId.as_str()
                        aria-invalid=invalid
                        aria-describedby=if error.is_some() {
                            "national-id-hint national-id-error"
                        } else {
                            "national-id-hint"
                        }
                    />
                    {error.map(|key| view! { <ErrorAlert key id="national-id-error" /> })}
                </div>
                <button type="submit" class="button primary">
                    <Icon name=IconName::SignIn />
                    {t!(i18n, sign_in.submit)}
                </button>
            </form>
            </CheckedForm>
            <p class="muted small">{t!(i18n, sign_in.privacy)}</p>
        </section>
    }
}

/// Step two: the number to pick in Nafath. Polls by refreshing itself every
/// few seconds without JavaScript, by fetch with it (`wait::NafathWait`), and
/// offers "I confirmed".
#[component]
pub fn WaitPage() -> impl IntoView {
    let i18n = use_i18n();
    let pending = Resource::new_blocking(|| (), |_| get_pending_sign_in());
    view! {
        <Title text=t_string!(i18n, wait.title).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match pending.await {
                    Ok(Some(p)) if p.state == SignInState::Waiting => {
                        view! {
                            // Without JavaScript the page asks by reloading itself; with
                            // it, the island below asks by fetch (a `<noscript>` pragma
                            // is honoured only when scripting is off).
                            <noscript>
                                <meta
                                    http-equiv="refresh"
                                    content=format!("{};url={}", p.refresh_secs, PollSignIn::PATH)
                                />
                            </noscript>
                            <section class="card narrow center">
                                <h1>{t!(i18n, wait.title)}</h1>
                                <p>{t!(i18n, wait.instructions)}</p>
                                <p class="nafath-number" aria-live="polite">
                                    <span class="visually-hidden">{t!(i18n, wait.number_label)}</span>
                                    <bdi data-testid="nafath-number">{p.random}</bdi>
                                </p>
                                <p class="muted">
                                    {t!(i18n, wait.for_id)} " " <bdi dir="ltr">{p.masked_national_id}</bdi>
                                </p>
                                <p class="waiting">
                                    <Icon name=IconName::Clock />
                                    {t!(i18n, wait.waiting)}
                                </p>
                                <NafathWait
                                    expires_in_secs=p.expires_in_secs
                                    label=t_string!(i18n, wait.time_left).to_string()
                                    after=AFTER_SIGN_IN.to_string()
                                />
                                <form method="get" action=PollSignIn::PATH class="stack">
                                    <button type="submit" class="button primary">
                                        <Icon name=IconName::Check />
                                        {t!(i18n, wait.confirmed)}
                                    </button>
                                </form>
                                <a href="/sign-in" class="button secondary">
                                    {t!(i18n, wait.start_again)}
                                </a>
                            </section>
                        }
                            .into_any()
                    }
                    Ok(Some(_)) => {
                        view! {
                            <section class="card narrow center">
                                <h1>{t!(i18n, wait.title)}</h1>
                                <form method="get" action=PollSignIn::PATH class="stack">
                                    <button type="submit" class="button primary">
                                        {t!(i18n, wait.proceed)}
                                    </button>
                                </form>
                            </section>
                        }
                            .into_any()
                    }
                    _ => {
                        view! {
                            <section class="card narrow center">
                                <h1>{t!(i18n, wait.none_title)}</h1>
                                <p>{t!(i18n, wait.none_body)}</p>
                                <a href="/sign-in" class="button primary">
                                    {t!(i18n, wait.start_again)}
                                </a>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The person's verified identity, roles and sessions.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let Some(user) = signed_in_user() else {
        #[cfg(feature = "ssr")]
        leptos_axum::redirect("/sign-in");
        return view! {
            <section class="card narrow">
                <h1>{t!(i18n, account.title)}</h1>
                <p>{t!(i18n, errors.sign_in_required)}</p>
                <a class="button primary" href="/sign-in">
                    {t!(i18n, nav.sign_in)}
                </a>
            </section>
        }
        .into_any();
    };
    let english = is_english();
    let name = user.display_name(english).to_string();
    let verified = user.verified_at.map(crate::time::format_date);
    let manages_access = user.is_council_admin() || user.has(RoleKind::AssociationAdmin);
    let roles = user
        .roles
        .iter()
        .map(|role| {
            let association = if english {
                role.association_name_en.clone()
            } else {
                role.association_name_ar.clone()
            };
            view! {
                <li>
                    <RoleName kind=role.kind />
                    {association.map(|a| view! { <span class="muted">" · " {a}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=t_string!(i18n, account.title).to_string() />
        <section class="card">
            <h1>{t!(i18n, account.title)}</h1>
            <dl class="facts">
                <dt>{t!(i18n, account.name)}</dt>
                <dd data-testid="account-name">{name}</dd>
                <dt>{t!(i18n, account.national_id)}</dt>
                <dd>
                    <bdi dir="ltr" data-testid="account-national-id">{user.national_id.clone()}</bdi>
                </dd>
                <dt>{t!(i18n, account.verification)}</dt>
                <dd>
                    {match verified {
                        Some(date) => {
                            view! {
                                <span class="badge ok">
                                    <Icon name=IconName::Shield />
                                    {t!(i18n, account.verified_by_nafath)}
                                </span>
                                " "
                                <span class="muted date">{date}</span>
                            }
                                .into_any()
                        }
                        None => view! { <span class="badge">{t!(i18n, account.not_verified)}</span> }.into_any(),
                    }}
                </dd>
            </dl>
            <h2>{t!(i18n, account.roles)}</h2>
            <ul class="roles">{roles}</ul>
            <p>
                <a class="button secondary" href=crate::paths::MY_DATA_PAGE data-testid="my-data-link">
                    {t!(i18n, privacy.account_link)}
                </a>
            </p>
            {manages_access.then(|| view! {
                <p><a class="button secondary" href=super::access::ACCESS_PAGE>{t!(i18n, access.link)}</a></p>
            })}
            <div class="actions">
                <form method="post" action=SignOut::PATH>
                    <button type="submit" class="button secondary">
                        <Icon name=IconName::SignOut />
                        {t!(i18n, nav.sign_out)}
                    </button>
                </form>
                <form method="post" action=SignOutEverywhere::PATH>
                    <button type="submit" class="button secondary">
                        {t!(i18n, account.sign_out_everywhere)}
                    </button>
                </form>
            </div>
        </section>
        <super::messages::MessagePreferencesSection />
    }
    .into_any()
}

/// A role's name in the current language.
#[component]
pub fn RoleName(kind: RoleKind) -> impl IntoView {
    let i18n = use_i18n();
    match kind {
        RoleKind::CouncilAdmin => t!(i18n, roles.council_admin).into_any(),
        RoleKind::AssociationAdmin => t!(i18n, roles.association_admin).into_any(),
        RoleKind::AssociationStaff => t!(i18n, roles.association_staff).into_any(),
        RoleKind::Trainer => t!(i18n, roles.trainer).into_any(),
        RoleKind::FamilyMember => t!(i18n, roles.family_member).into_any(),
        RoleKind::DataProtectionOfficer => t!(i18n, roles.data_protection_officer).into_any(),
    }
}

/// The simulator's stand-in for the Nafath phone app: pending requests, and
/// for each the numbers to pick from.
#[component]
pub fn SimulatorPage() -> impl IntoView {
    let i18n = use_i18n();
    let requests = Resource::new_blocking(|| (), |_| list_simulator_requests());
    view! {
        <Title text=t_string!(i18n, simulator.title).to_string() />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match requests.await {
                    Err(_) => view! { <crate::ui::NotFoundPage /> }.into_any(),
                    Ok(requests) => {
                        let empty = requests.is_empty();
                        view! {
                            <Meta http_equiv="refresh" content="5" />
                            <section class="card narrow phone-frame">
                                <h1>
                                    <Icon name=IconName::Phone />
                                    {t!(i18n, simulator.title)}
                                </h1>
                                <p class="muted small">{t!(i18n, simulator.notice)}</p>
                                {empty.then(|| view! { <EmptyState>{t!(i18n, simulator.empty)}</EmptyState> })}
                                <ul class="sim-requests">
                                    {requests
                                        .into_iter()
                                        .map(|r| {
                                            let masked = crate::text::mask_identifier(&r.national_id);
                                            view! {
                                                <li class="sim-request" data-national-id=r.national_id.clone()>
                                                    <p>
                                                        {t!(i18n, simulator.request_for)} " "
                                                        <bdi dir="ltr">{masked}</bdi>
                                                    </p>
                                                    <p class="muted small">{t!(i18n, simulator.pick)}</p>
                                                    <div class="choices">
                                                        {r
                                                            .choices
                                                            .into_iter()
                                                            .map(|choice| {
                                                                view! {
                                                                    <form method="post" action=DecideSimulatorRequest::PATH>
                                                                        <input type="hidden" name="trans_id" value=r.trans_id.clone() />
                                                                        <input type="hidden" name="picked" value=choice.clone() />
                                                                        <button type="submit" class="choice">{choice}</button>
                                                                    </form>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </div>
                                                    <form method="post" action=DecideSimulatorRequest::PATH>
                                                        <input type="hidden" name="trans_id" value=r.trans_id.clone() />
                                                        <button type="submit" class="button danger small">
                                                            <Icon name=IconName::Cross />
                                                            {t!(i18n, simulator.reject)}
                                                        </button>
                                                    </form>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
