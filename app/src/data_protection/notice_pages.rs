//! The privacy notice (`/privacy`: public; a returning family accepts a new
//! version here before going on) and its versions (`/data-protection/notice`:
//! the officer publishes a new one). Plain forms: they work without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    AcceptPrivacyNotice, PublishPrivacyNotice, get_notice_versions, get_privacy_notice,
};
use super::{NoticePage, PRIVACY_NOTICE_PAGE, PrivacyNotice};
use crate::i18n::*;
use crate::time::format_date;
use crate::ui::{ErrorAlert, error_from_query, is_english, loaded, pick};

/// The notice's text, its controller and contact.
#[component]
fn NoticeText(notice: PrivacyNotice) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    view! {
        <section class="card" id="notice-text">
            <p class="muted small">
                {t!(i18n, data_protection.notice_version)} " " <bdi dir="ltr">{notice.version.clone()}</bdi>
                " · " {t!(i18n, data_protection.published_on)} " " <span class="date">{format_date(notice.published_at)}</span>
            </p>
            {pick(english, &notice.body_ar, &notice.body_en)
                .split("\n\n")
                .map(|paragraph| view! { <p class="prose">{paragraph.to_string()}</p> })
                .collect_view()}
            <dl class="facts">
                <dt>{t!(i18n, data_protection.controller)}</dt>
                <dd>{pick(english, &notice.controller_ar, &notice.controller_en)}</dd>
                <dt>{t!(i18n, data_protection.contact)}</dt>
                <dd><bdi dir="ltr">{notice.contact.clone()}</bdi></dd>
            </dl>
        </section>
    }
}

/// `/privacy`: the notice in force. A family asked to accept it (sent here
/// by the middleware with `?next=`) accepts it and goes on.
#[component]
pub fn NoticePageView() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_privacy_notice());
    let next = use_query_map().with_untracked(|q| q.get("next"));
    view! {
        <Title text=t_string!(i18n, data_protection.notice_title).to_string() />
        <h1>{t!(i18n, data_protection.notice_title)}</h1>
        {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
        {loaded(data, move |page| view! { <NoticeBody page next=next.clone() /> })}
    }
}

#[component]
fn NoticeBody(page: NoticePage, next: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let version = page.notice.version.clone();
    view! {
        {page.must_accept.then(|| view! {
            <div class="alert alert-info" role="status" id="notice-changed">
                <p>{t!(i18n, data_protection.notice_changed)}</p>
            </div>
        })}
        <NoticeText notice=page.notice />
        {if page.must_accept {
            view! {
                <form method="post" action=AcceptPrivacyNotice::PATH class="stack card" id="accept-notice">
                    <input type="hidden" name="version" value=version />
                    {next.map(|n| view! { <input type="hidden" name="next" value=n /> })}
                    <button type="submit" class="button">{t!(i18n, data_protection.accept)}</button>
                </form>
            }.into_any()
        } else {
            page.accepted.map(|(v, at)| view! {
                <p class="muted small" id="notice-accepted">
                    {t!(i18n, data_protection.you_accepted)} " " <bdi dir="ltr">{v}</bdi> " · "
                    <span class="date">{format_date(at)}</span>
                </p>
            }).into_any()
        }}
    }
}

/// `/data-protection/notice`: every version, and the form of a new one
/// (filled with the current text to edit).
#[component]
pub fn NoticeVersionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_notice_versions());
    view! {
        <Title text=t_string!(i18n, data_protection.versions_title).to_string() />
        <h1>{t!(i18n, data_protection.versions_title)}</h1>
        <p class="lead">{t!(i18n, data_protection.versions_intro)}</p>
        <p><a href=PRIVACY_NOTICE_PAGE>{t!(i18n, data_protection.see_notice)}</a></p>
        {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
        {loaded(data, |versions| view! { <Versions versions /> })}
    }
}

#[component]
fn Versions(versions: Vec<PrivacyNotice>) -> impl IntoView {
    let i18n = use_i18n();
    let current = versions.first().cloned();
    let value = move |f: fn(&PrivacyNotice) -> String| current.as_ref().map(f).unwrap_or_default();
    view! {
        <section class="card">
            <h2>{t!(i18n, data_protection.published_versions)}</h2>
            <ul>
                {versions.iter().map(|v| view! {
                    <li><bdi dir="ltr">{v.version.clone()}</bdi> " · " <span class="date">{format_date(v.published_at)}</span></li>
                }).collect_view()}
            </ul>
        </section>
        <form method="post" action=PublishPrivacyNotice::PATH class="stack card" id="publish-notice">
            <h2>{t!(i18n, data_protection.publish_title)}</h2>
            <p class="hint">{t!(i18n, data_protection.publish_hint)}</p>
            <div class="field">
                <label for="notice-version">{t!(i18n, data_protection.notice_version)}</label>
                <input id="notice-version" name="version" required maxlength="20" dir="ltr" pattern="[A-Za-z0-9.\\-]+" />
            </div>
            <div class="field">
                <label for="notice-body-ar">{t!(i18n, data_protection.body_ar)}</label>
                <textarea id="notice-body-ar" name="body_ar" rows="6" required dir="rtl" lang="ar">{value(|n| n.body_ar.clone())}</textarea>
            </div>
            <div class="field">
                <label for="notice-body-en">{t!(i18n, data_protection.body_en)}</label>
                <textarea id="notice-body-en" name="body_en" rows="6" required dir="ltr" lang="en">{value(|n| n.body_en.clone())}</textarea>
            </div>
            <div class="field">
                <label for="controller-ar">{t!(i18n, data_protection.controller_ar)}</label>
                <input id="controller-ar" name="controller_ar" required maxlength="200" value=value(|n| n.controller_ar.clone()) />
            </div>
            <div class="field">
                <label for="controller-en">{t!(i18n, data_protection.controller_en)}</label>
                <input id="controller-en" name="controller_en" required maxlength="200" dir="ltr" value=value(|n| n.controller_en.clone()) />
            </div>
            <div class="field">
                <label for="notice-contact">{t!(i18n, data_protection.contact)}</label>
                <input id="notice-contact" name="contact" required maxlength="200" dir="ltr" value=value(|n| n.contact.clone()) />
            </div>
            <button type="submit" class="button">{t!(i18n, data_protection.publish)}</button>
        </form>
    }
}
