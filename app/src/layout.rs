//! The page frame every page is drawn in: skip link, header with the
//! language switch and the navigation of what this person may do, main,
//! footer. It sits above the domains: it links to their pages by the paths in
//! [`crate::paths`] and reads who is signed in from [`crate::identity`].

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::i18n::*;
use crate::identity::language::SetLanguage;
use crate::identity::{self, RoleKind};
use crate::ui::{ICON_SPRITE, Icon, IconName, is_english};

/// The logo, drawn inline in the header for the same reason (the file in
/// `public/` serves the favicon and the web app manifest).
const LOGO: &str = include_str!("../../public/logo.svg");

/// The page frame: skip link, header with role-aware navigation, main, footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div hidden inner_html=ICON_SPRITE></div>
        <a class="skip-link" href="#main">{t!(i18n, nav.skip_to_content)}</a>
        <header class="site-header">
            <div class="container header-row">
                <a class="brand" href="/">
                    <span class="brand-logo" aria-hidden="true" inner_html=LOGO></span>
                    <span>{t!(i18n, site.name)}</span>
                </a>
                <identity::acting::AssociationSwitch />
                <LanguageSwitch />
            </div>
            <Navigation />
        </header>
        <main id="main" class="container">{children()}</main>
        <footer class="site-footer">
            <div class="container">
                <p>{t!(i18n, site.footer)}</p>
                <p><a href=crate::paths::PRIVACY_NOTICE_PAGE>{t!(i18n, data_protection.footer_notice)}</a></p>
                <p class="muted">{t!(i18n, site.data_attribution)}</p>
            </div>
        </footer>
    }
}

/// Links for what this person may do; roles come from the server session.
#[component]
fn Navigation() -> impl IntoView {
    let i18n = use_i18n();
    let user = identity::signed_in_user();
    let simulator = identity::simulator_enabled();
    let family = user.as_ref().is_some_and(|u| u.has(RoleKind::FamilyMember));
    let council = user.as_ref().is_some_and(|u| u.is_council_admin());
    let officer = user
        .as_ref()
        .is_some_and(|u| u.has(RoleKind::DataProtectionOfficer));
    let staff = user.as_ref().is_some_and(|u| {
        u.has(RoleKind::AssociationAdmin)
            || u.has(RoleKind::AssociationStaff)
            || u.is_council_admin()
    });
    let disputes = user
        .as_ref()
        .is_some_and(|u| !u.association_ids().is_empty());
    // Association staff reach training from their area's tabs.
    let trains = !staff && user.as_ref().is_some_and(|u| u.has(RoleKind::Trainer));
    view! {
        <nav class="site-nav" aria-label=move || t_string!(i18n, nav.label)>
            <ul class="container">
                <li>
                    <a href="/">
                        <Icon name=IconName::Home />
                        {t!(i18n, nav.home)}
                    </a>
                </li>
                <li>
                    <a href=crate::paths::MARKET_PAGE>
                        <Icon name=IconName::Store />
                        {t!(i18n, market.nav_link)}
                    </a>
                </li>
                <li>
                    <a href=crate::paths::COURSES_PAGE>
                        <Icon name=IconName::Book />
                        {t!(i18n, training.nav_link)}
                    </a>
                </li>
                {match user {
                    Some(_) => {
                        view! {
                            <li>
                                <a href="/account">
                                    <Icon name=IconName::User />
                                    {t!(i18n, nav.account)}
                                </a>
                            </li>
                            <li>
                                <a href=crate::paths::WIZARD_PAGE>
                                    <Icon name=IconName::Users />
                                    {t!(i18n, household.nav_link)}
                                </a>
                            </li>
                            {family
                                .then(|| {
                                    view! {
                                        <li>
                                            <a href=crate::paths::MY_APPLICATIONS_PAGE>
                                                <Icon name=IconName::Book />
                                                {t!(i18n, applications.nav_link)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::MY_SHOP_PAGE>
                                                <Icon name=IconName::Store />
                                                {t!(i18n, my_shop.nav_link)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::MY_COURSES_PAGE>
                                                <Icon name=IconName::Book />
                                                {t!(i18n, training.my_nav_link)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::MY_LOANS_PAGE>
                                                <Icon name=IconName::Book />
                                                {t!(i18n, financing.my_nav)}
                                            </a>
                                        </li>
                                    }
                                })}
                            {staff
                                .then(|| {
                                    view! {
                                        <li>
                                            <a href=crate::paths::QUEUE_PAGE>
                                                <Icon name=IconName::Shield />
                                                {t!(i18n, nav.staff_area)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::FINANCING_PAGE>
                                                <Icon name=IconName::Shield />
                                                {t!(i18n, financing.nav)}
                                            </a>
                                        </li>
                                    }
                                })}
                            {disputes
                                .then(|| {
                                    view! {
                                        <li>
                                            <a href=crate::paths::PRIVACY_DISPUTES_PAGE>
                                                <Icon name=IconName::Alert />
                                                {t!(i18n, privacy.disputes_nav)}
                                            </a>
                                        </li>
                                    }
                                })}
                            {trains
                                .then(|| {
                                    view! {
                                        <li>
                                            <a href=crate::paths::MANAGE_PAGE>
                                                <Icon name=IconName::Users />
                                                {t!(i18n, training.manage_nav_link)}
                                            </a>
                                        </li>
                                    }
                                })}
                            {council
                                .then(|| {
                                    view! {
                                        <li>
                                            <a href=crate::paths::MATRIX_PAGE>
                                                <Icon name=IconName::Map />
                                                {t!(i18n, coverage.matrix_title)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::ASSOCIATIONS_PAGE>
                                                <Icon name=IconName::Shield />
                                                {t!(i18n, network.nav_link)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::COUNCIL_DASHBOARD_PAGE>
                                                <Icon name=IconName::Map />
                                                {t!(i18n, reporting.nav)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::PARTNERS_PAGE>
                                                <Icon name=IconName::Shield />
                                                {t!(i18n, partners.nav)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::COUNCIL_FINANCING_PAGE>
                                                <Icon name=IconName::Map />
                                                {t!(i18n, financing.council_nav)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::CONTINUITY_RULES_PAGE>
                                                <Icon name=IconName::Alert />
                                                {t!(i18n, continuity.nav_rules)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::DUPLICATES_PAGE>
                                                <Icon name=IconName::Users />
                                                {t!(i18n, duplicates.title)}
                                            </a>
                                        </li>
                                    }
                                })}
                            // The data-protection officer's pages, together.
                            {officer
                                .then(|| {
                                    view! {
                                        <li>
                                            <a href=crate::paths::PRIVACY_QUEUE_PAGE>
                                                <Icon name=IconName::Shield />
                                                {t!(i18n, privacy.queue_nav)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::BREACHES_PAGE>
                                                <Icon name=IconName::Alert />
                                                {t!(i18n, data_protection.nav_breaches)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::RETENTION_PAGE>
                                                <Icon name=IconName::Clock />
                                                {t!(i18n, data_protection.nav_retention)}
                                            </a>
                                        </li>
                                        <li>
                                            <a href=crate::paths::NOTICE_VERSIONS_PAGE>
                                                <Icon name=IconName::Shield />
                                                {t!(i18n, data_protection.nav_notice)}
                                            </a>
                                        </li>
                                    }
                                })}
                            <li>
                                <form method="post" action=identity::api::SignOut::PATH class="inline-form">
                                    <button type="submit" class="link-button">
                                        <Icon name=IconName::SignOut />
                                        {t!(i18n, nav.sign_out)}
                                    </button>
                                </form>
                            </li>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <li>
                                <a href="/sign-in">
                                    <Icon name=IconName::SignIn />
                                    {t!(i18n, nav.sign_in)}
                                </a>
                            </li>
                        }
                            .into_any()
                    }
                }}
                {simulator
                    .then(|| {
                        view! {
                            <li>
                                <a href="/nafath-simulator">
                                    <Icon name=IconName::Phone />
                                    {t!(i18n, nav.simulator)}
                                </a>
                            </li>
                        }
                    })}
            </ul>
        </nav>
    }
}

/// Switches between Arabic and English with a plain form (works without
/// JavaScript); the choice is kept in a cookie.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let (target, label) = if is_english() {
        ("ar", "العربية")
    } else {
        ("en", "English")
    };
    view! {
        <form method="post" action=SetLanguage::PATH class="inline-form">
            <input type="hidden" name="lang" value=target />
            <button
                type="submit"
                class="language-switch"
                lang=target
                aria-label=move || t_string!(i18n, nav.switch_language)
            >
                <Icon name=IconName::Globe />
                {label}
            </button>
        </form>
    }
}
