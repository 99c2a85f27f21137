//! The account page's "messages to my phone" section: the family chooses the
//! channel (SMS, WhatsApp or none), the language and, if it wants, the
//! number; a plain form that works without JavaScript. The messages
//! themselves are `crate::messaging`'s.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;
use crate::i18n::*;
use crate::messaging::{Channel, Language, Preferences};
use crate::ui::{ErrorAlert, error_from_query};

#[cfg(feature = "ssr")]
use {
    super::{Ctx, Requirement, serve},
    crate::error::ErrorKey,
};

/// The caller's message settings.
#[server(endpoint = "get_message_preferences")]
pub async fn get_message_preferences() -> Result<Preferences, AppError> {
    serve(own_preferences).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn own_preferences(ctx: Ctx) -> Result<Preferences, AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    Ok(crate::messaging::db::preferences(ctx.db(), user.user_id).await?)
}

/// Saves the caller's channel, language and number (empty: the household's).
#[server(endpoint = "save_message_preferences")]
pub async fn save_message_preferences(
    channel: String,
    language: String,
    phone: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| save_preferences(ctx, channel, language, phone)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
async fn save_preferences(
    ctx: Ctx,
    channel: String,
    language: String,
    phone: Option<String>,
) -> Result<(), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let channel = Channel::parse(channel.trim())
        .ok_or_else(|| AppError::validation("channel", ErrorKey::BadRequest))?;
    let language = Language::parse(language.trim())
        .ok_or_else(|| AppError::validation("language", ErrorKey::BadRequest))?;
    let phone = match phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(typed) => Some(
            crate::messaging::international_phone(typed)
                .ok_or_else(|| AppError::validation("phone", ErrorKey::PhoneFormat))?,
        ),
    };
    let preferences = Preferences {
        channel,
        language,
        phone,
    };
    crate::messaging::db::save_preferences(ctx.db(), user.user_id, &preferences).await?;
    leptos_axum::redirect(&format!("{}?saved=messages", crate::paths::AFTER_SIGN_IN));
    Ok(())
}

/// The section of the account page.
#[component]
pub fn MessagePreferencesSection() -> impl IntoView {
    let i18n = use_i18n();
    let error = error_from_query();
    let saved = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("saved").is_some_and(|s| s == "messages"));
    let preferences = Resource::new_blocking(|| (), |_| get_message_preferences());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let p = preferences.await.unwrap_or_default();
                // Stored as 9665XXXXXXXX; shown as families write it.
                let phone = p
                    .phone
                    .as_deref()
                    .and_then(|stored| crate::phone::SaudiPhone::parse(stored).ok())
                    .map(|phone| phone.local())
                    .unwrap_or_default();
                view! {
                    <section class="card" id="messages" aria-labelledby="messages-title">
                        <h2 id="messages-title">{t!(i18n, messages.title)}</h2>
                        <p class="muted small">{t!(i18n, messages.intro)}</p>
                        {saved.then(|| view! { <p class="alert alert-ok" role="status">{t!(i18n, messages.saved)}</p> })}
                        {error.map(|key| view! { <ErrorAlert key id="messages-error" /> })}
                        <form method="post" action=SaveMessagePreferences::PATH class="stack">
                            <fieldset class="field">
                                <legend>{t!(i18n, messages.channel)}</legend>
                                <label class="choice-row">
                                    <input type="radio" name="channel" value="sms" checked=p.channel == Channel::Sms />
                                    {t!(i18n, messages.channel_sms)}
                                </label>
                                <label class="choice-row">
                                    <input type="radio" name="channel" value="whatsapp" checked=p.channel == Channel::WhatsApp />
                                    {t!(i18n, messages.channel_whatsapp)}
                                </label>
                                <label class="choice-row">
                                    <input type="radio" name="channel" value="none" checked=p.channel == Channel::None />
                                    {t!(i18n, messages.channel_none)}
                                </label>
                            </fieldset>
                            <fieldset class="field">
                                <legend>{t!(i18n, messages.language)}</legend>
                                <label class="choice-row">
                                    <input type="radio" name="language" value="ar" checked=p.language == Language::Ar />
                                    {t!(i18n, messages.language_ar)}
                                </label>
                                <label class="choice-row">
                                    <input type="radio" name="language" value="en" checked=p.language == Language::En />
                                    {t!(i18n, messages.language_en)}
                                </label>
                            </fieldset>
                            <div class="field">
                                <label for="messages-phone">{t!(i18n, messages.phone)}</label>
                                <p class="hint" id="messages-phone-hint">{t!(i18n, messages.phone_hint)}</p>
                                <input
                                    id="messages-phone"
                                    name="phone"
                                    type="tel"
                                    inputmode="tel"
                                    dir="ltr"
                                    autocomplete="tel"
                                    value=phone
                                    aria-describedby="messages-phone-hint"
                                />
                            </div>
                            <button type="submit" class="button primary">{t!(i18n, messages.save)}</button>
                        </form>
                    </section>
                }
            })}
        </Suspense>
    }
}
