//! The landing page: what Takamul is, for families, visitors and associations.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::i18n::*;
use crate::identity::signed_in_user;
use crate::ui::{Icon, IconName};

/// `/`: explains the platform and leads each audience to its first step.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let signed_in = signed_in_user().is_some();
    view! {
        <Title text="" />
        <Meta name="description" content=t_string!(i18n, site.description).to_string() />
        <Meta property="og:title" content=t_string!(i18n, site.name).to_string() />
        <Meta property="og:description" content=t_string!(i18n, site.description).to_string() />
        <section class="hero">
            <h1>{t!(i18n, home.headline)}</h1>
            <p class="lead">{t!(i18n, home.subline)}</p>
            <div class="actions">
                {if signed_in {
                    view! {
                        <a class="button primary" href="/account">
                            <Icon name=IconName::User />
                            {t!(i18n, nav.account)}
                        </a>
                    }
                        .into_any()
                } else {
                    view! {
                        <a class="button primary" href="/sign-in">
                            <Icon name=IconName::SignIn />
                            {t!(i18n, home.cta_sign_in)}
                        </a>
                    }
                        .into_any()
                }}
            </div>
        </section>
        <section class="audiences" aria-labelledby="audiences-title">
            <h2 id="audiences-title" class="visually-hidden">{t!(i18n, home.audiences)}</h2>
            <article class="card">
                <h3>
                    <Icon name=IconName::Home />
                    {t!(i18n, home.families_title)}
                </h3>
                <p>{t!(i18n, home.families_body)}</p>
            </article>
            <article class="card">
                <h3>
                    <Icon name=IconName::Store />
                    {t!(i18n, home.visitors_title)}
                </h3>
                <p>{t!(i18n, home.visitors_body)}</p>
            </article>
            <article class="card">
                <h3>
                    <Icon name=IconName::Users />
                    {t!(i18n, home.associations_title)}
                </h3>
                <p>{t!(i18n, home.associations_body)}</p>
            </article>
            <article class="card">
                <h3>
                    <Icon name=IconName::Map />
                    {t!(i18n, home.council_title)}
                </h3>
                <p>{t!(i18n, home.council_body)}</p>
            </article>
        </section>
        <section class="card how">
            <h2>{t!(i18n, home.how_title)}</h2>
            <ol class="steps">
                <li>{t!(i18n, home.how_1)}</li>
                <li>{t!(i18n, home.how_2)}</li>
                <li>{t!(i18n, home.how_3)}</li>
            </ol>
        </section>
    }
}
