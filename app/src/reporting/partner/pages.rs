//! `/council/partners`: the council's tokens for the partners' API — the
//! list (scope, created and revoked, by whom, last use), a plain form to
//! create one, whose secret the page shows once, and a revoke button per
//! token. Nothing needs JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::api::{CreatePartnerToken, RevokePartnerToken, get_partner_tokens};
use super::{NewSecret, PartnerToken, PartnersPage, Scope};
use crate::i18n::*;
use crate::paths::COUNCIL_DASHBOARD_PAGE;
use crate::reporting::Choice;
use crate::time::format_date;
use crate::ui::{EmptyState, ErrorAlert, error_from_query, is_english, loaded, pick};

/// `/council/partners`.
#[component]
pub fn PartnersPageView() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_partner_tokens());
    view! {
        <Title text=t_string!(i18n, partners.title).to_string() />
        <h1>{t!(i18n, partners.title)}</h1>
        <p class="lead">{t!(i18n, partners.intro)}</p>
        {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
        {loaded(data, |page| view! { <Partners page /> })}
        <p class="small">
            {t!(i18n, partners.docs)} " "
            <a href="/api/v1/openapi.json" dir="ltr">"/api/v1/openapi.json"</a>
            " · " <a href=COUNCIL_DASHBOARD_PAGE>{t!(i18n, reporting.title_council)}</a>
        </p>
    }
}

#[component]
fn Partners(page: PartnersPage) -> impl IntoView {
    view! {
        {page.new_secret.map(|secret| view! { <SecretOnce secret /> })}
        <TokenList tokens=page.tokens />
        <CreateForm associations=page.associations />
    }
}

/// The secret of the token just created: shown this once.
#[component]
fn SecretOnce(secret: NewSecret) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card secret-once" id="new-secret" role="status">
            <h2>{t!(i18n, partners.secret_title)}</h2>
            <p class="alert alert-info">{t!(i18n, partners.secret_once)}</p>
            <label for="secret">{t!(i18n, partners.secret_label)} " #" {secret.token_id}</label>
            <textarea id="secret" class="secret-value" readonly rows="3" dir="ltr" spellcheck="false"
                data-testid="partner-secret">{secret.secret.clone()}</textarea>
            <p class="hint">{t!(i18n, partners.secret_use)} " "
                <bdi dir="ltr" class="code">"Authorization: Bearer tkm_…"</bdi>
            </p>
        </section>
    }
}

#[component]
fn ScopeMark(token: PartnerToken) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    match token.scope {
        Scope::Indicators => view! { <span class="mark">{t!(i18n, partners.scope_indicators)}</span> }.into_any(),
        Scope::Households => view! {
            <span class="mark">{t!(i18n, partners.scope_households)}</span>
            {token.association.map(|(ar, en)| view! { " " <span class="small">{pick(english, &ar, &en)}</span> })}
        }
        .into_any(),
    }
}

/// A person's name in the page's language (Arabic when no English is known).
fn person(english: bool, (ar, en): &(String, Option<String>)) -> String {
    pick(english, ar, en.as_deref().unwrap_or(""))
}

#[component]
fn TokenList(tokens: Vec<PartnerToken>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    if tokens.is_empty() {
        return view! { <EmptyState>{t!(i18n, partners.empty)}</EmptyState> }.into_any();
    }
    view! {
        <ul class="token-list" aria-label=t_string!(i18n, partners.list).to_string()>
            {tokens.into_iter().map(|token| {
                let id = token.id;
                view! {
                    <li class="card" data-testid="partner-token">
                        <p class="token-head">
                            <strong>{pick(english, &token.partner_name_ar, &token.partner_name_en)}
                                <span class="small muted"> " #" {id}</span></strong>
                            {match token.revoked_at {
                                Some(_) => view! { <span class="mark mark-gap">{t!(i18n, partners.revoked)}</span> }.into_any(),
                                None => view! { <span class="mark mark-ok">{t!(i18n, partners.active)}</span> }.into_any(),
                            }}
                        </p>
                        <p class="small">{t!(i18n, partners.scope)} ": " <ScopeMark token=token.clone() /></p>
                        <p class="small">
                            {t!(i18n, partners.created)} " " <span class="date">{format_date(token.created_at)}</span>
                            " · " {person(english, &token.created_by)}
                        </p>
                        {token.revoked_at.map(|at| view! {
                            <p class="small">
                                {t!(i18n, partners.revoked)} " " <span class="date">{format_date(at)}</span>
                                {token.revoked_by.as_ref().map(|by| view! { " · " {person(english, by)} })}
                            </p>
                        })}
                        <p class="small">
                            {t!(i18n, partners.last_used)} " "
                            {match token.last_used_at {
                                Some(at) => view! { <span class="date">{format_date(at)}</span> }.into_any(),
                                None => view! { <span class="muted">{t!(i18n, partners.never_used)}</span> }.into_any(),
                            }}
                            " · " {t!(i18n, partners.calls_30_days)} " " {token.calls_30_days}
                        </p>
                        {token.revoked_at.is_none().then(|| view! {
                            <form method="post" action=RevokePartnerToken::PATH class="inline-form">
                                <input type="hidden" name="token_id" value=id.to_string() />
                                <button type="submit" class="button danger small">{t!(i18n, partners.revoke)}</button>
                            </form>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn CreateForm(associations: Vec<Choice>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    view! {
        <form method="post" action=CreatePartnerToken::PATH class="stack card" id="create-token">
            <h2>{t!(i18n, partners.create)}</h2>
            <div class="field">
                <label for="partner-name-ar">{t!(i18n, partners.name_ar)}</label>
                <input id="partner-name-ar" name="partner_name_ar" required maxlength="120" />
            </div>
            <div class="field">
                <label for="partner-name-en">{t!(i18n, partners.name_en)}</label>
                <input id="partner-name-en" name="partner_name_en" required maxlength="120" dir="ltr" />
            </div>
            <fieldset class="field">
                <legend>{t!(i18n, partners.scope)}</legend>
                <label class="choice-row">
                    <input type="radio" name="scope" value="indicators" checked=true />
                    {t!(i18n, partners.scope_indicators_hint)}
                </label>
                <label class="choice-row">
                    <input type="radio" name="scope" value="households" />
                    {t!(i18n, partners.scope_households_hint)}
                </label>
            </fieldset>
            <div class="field">
                <label for="partner-association">{t!(i18n, partners.association)}</label>
                <select id="partner-association" name="association" aria-describedby="partner-association-hint">
                    <option value="">{t!(i18n, partners.no_association)}</option>
                    {associations.into_iter().map(|a| view! {
                        <option value=a.id.to_string()>{pick(english, &a.name_ar, &a.name_en)}</option>
                    }).collect_view()}
                </select>
                <p class="hint" id="partner-association-hint">{t!(i18n, partners.association_hint)}</p>
            </div>
            <button type="submit" class="button">{t!(i18n, partners.create_button)}</button>
        </form>
    }
}
