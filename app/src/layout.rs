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

/// One navigation link: icon and label.
fn nav_link(href: &'static str, icon: IconName, label: AnyView) -> AnyView {
    view! {
        <li>
            <a href=href>
                <Icon name=icon />
                <span class="nav-label">{label}</span>
            </a>
        </li>
    }
    .into_any()
}

/// Links for what this person may do; roles come from the server session.
/// The few that matter for the person's roles stay in one row (on a phone
/// too); the rest sit under "More", a `<details>` that opens without
/// JavaScript.
#[component]
fn Navigation() -> impl IntoView {
    let i18n = use_i18n();
    let user = identity::signed_in_user();
    let simulator = identity::simulator_enabled();
    let signed_in = user.is_some();
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
    // Staff, council, officer and trainer pages take the row; a family's own pages
    // join it only for a person who works in no other role (the row must fit a phone).
    let works = staff || council || officer || trains;
    let family_row = family && !works;
    // A signed-in person without a working role keeps account and household in the row.
    let no_role = signed_in && !(family || works);

    let mut row: Vec<AnyView> = vec![nav_link("/", IconName::Home, t!(i18n, nav.home).into_any())];
    let mut more: Vec<AnyView> = Vec::new();
    {
        // Signed out, the public pages are the row; signed in, they move under "More".
        let public = if signed_in { &mut more } else { &mut row };
        public.push(nav_link(
            crate::paths::MARKET_PAGE,
            IconName::Store,
            t!(i18n, market.nav_link).into_any(),
        ));
        public.push(nav_link(
            crate::paths::COURSES_PAGE,
            IconName::Book,
            t!(i18n, training.nav_link).into_any(),
        ));
    }
    if signed_in {
        let list = if no_role { &mut row } else { &mut more };
        list.push(nav_link(
            "/account",
            IconName::User,
            t!(i18n, nav.account).into_any(),
        ));
        let list = if no_role || family_row {
            &mut row
        } else {
            &mut more
        };
        list.push(nav_link(
            crate::paths::WIZARD_PAGE,
            IconName::Users,
            t!(i18n, household.nav_link).into_any(),
        ));
    }
    if family {
        let list = if family_row { &mut row } else { &mut more };
        list.push(nav_link(
            crate::paths::MY_APPLICATIONS_PAGE,
            IconName::Book,
            t!(i18n, applications.nav_link).into_any(),
        ));
        let list = if family_row { &mut row } else { &mut more };
        list.push(nav_link(
            crate::paths::MY_SHOP_PAGE,
            IconName::Store,
            t!(i18n, my_shop.nav_link).into_any(),
        ));
        more.push(nav_link(
            crate::paths::MY_COURSES_PAGE,
            IconName::Book,
            t!(i18n, training.my_nav_link).into_any(),
        ));
        more.push(nav_link(
            crate::paths::MY_LOANS_PAGE,
            IconName::Book,
            t!(i18n, financing.my_nav).into_any(),
        ));
    }
    if staff {
        row.push(nav_link(
            crate::paths::QUEUE_PAGE,
            IconName::Shield,
            t!(i18n, nav.staff_area).into_any(),
        ));
        // The household search: in the row for an association's staff; the
        // council's row is full (matrix, associations), so under "More".
        let acting = user.as_ref().and_then(|u| u.acting_association_id());
        let (list, page) = match acting {
            Some(_) => (&mut row, crate::paths::ASSOCIATION_SEARCH_PAGE),
            None => (&mut more, crate::paths::COUNCIL_SEARCH_PAGE),
        };
        list.push(nav_link(
            page,
            IconName::Search,
            t!(i18n, search.nav).into_any(),
        ));
        let list = if council { &mut more } else { &mut row };
        list.push(nav_link(
            crate::paths::FINANCING_PAGE,
            IconName::Shield,
            t!(i18n, financing.nav).into_any(),
        ));
    }
    if disputes {
        more.push(nav_link(
            crate::paths::PRIVACY_DISPUTES_PAGE,
            IconName::Alert,
            t!(i18n, privacy.disputes_nav).into_any(),
        ));
    }
    if trains {
        row.push(nav_link(
            crate::paths::MANAGE_PAGE,
            IconName::Users,
            t!(i18n, training.manage_nav_link).into_any(),
        ));
    }
    if council {
        row.push(nav_link(
            crate::paths::MATRIX_PAGE,
            IconName::Map,
            t!(i18n, coverage.matrix_title).into_any(),
        ));
        row.push(nav_link(
            crate::paths::ASSOCIATIONS_PAGE,
            IconName::Shield,
            t!(i18n, network.nav_link).into_any(),
        ));
        more.push(nav_link(
            crate::paths::COUNCIL_DASHBOARD_PAGE,
            IconName::Map,
            t!(i18n, reporting.nav).into_any(),
        ));
        more.push(nav_link(
            crate::paths::PARTNERS_PAGE,
            IconName::Shield,
            t!(i18n, partners.nav).into_any(),
        ));
        more.push(nav_link(
            crate::paths::COUNCIL_FINANCING_PAGE,
            IconName::Map,
            t!(i18n, financing.council_nav).into_any(),
        ));
        more.push(nav_link(
            crate::paths::CONTINUITY_RULES_PAGE,
            IconName::Alert,
            t!(i18n, continuity.nav_rules).into_any(),
        ));
        more.push(nav_link(
            crate::paths::DUPLICATES_PAGE,
            IconName::Users,
            t!(i18n, duplicates.title).into_any(),
        ));
    }
    // The data-protection officer's pages, together.
    if officer {
        row.push(nav_link(
            crate::paths::PRIVACY_QUEUE_PAGE,
            IconName::Shield,
            t!(i18n, privacy.queue_nav).into_any(),
        ));
        row.push(nav_link(
            crate::paths::BREACHES_PAGE,
            IconName::Alert,
            t!(i18n, data_protection.nav_breaches).into_any(),
        ));
        row.push(nav_link(
            crate::paths::RETENTION_PAGE,
            IconName::Clock,
            t!(i18n, data_protection.nav_retention).into_any(),
        ));
        row.push(nav_link(
            crate::paths::NOTICE_VERSIONS_PAGE,
            IconName::Shield,
            t!(i18n, data_protection.nav_notice).into_any(),
        ));
    }
    if !signed_in {
        row.push(nav_link(
            "/sign-in",
            IconName::SignIn,
            t!(i18n, nav.sign_in).into_any(),
        ));
    }
    if simulator {
        let list = if signed_in { &mut more } else { &mut row };
        list.push(nav_link(
            "/nafath-simulator",
            IconName::Phone,
            t!(i18n, nav.simulator).into_any(),
        ));
    }
    if signed_in {
        more.push(
            view! {
                <li>
                    <form method="post" action=identity::api::SignOut::PATH class="inline-form">
                        <button type="submit" class="link-button">
                            <Icon name=IconName::SignOut />
                            <span class="nav-label">{t!(i18n, nav.sign_out)}</span>
                        </button>
                    </form>
                </li>
            }
            .into_any(),
        );
    }
    let menu = (!more.is_empty()).then(|| {
        view! {
            <li class="nav-more">
                <details>
                    <summary>
                        <span class="nav-more-icon" aria-hidden="true"></span>
                        <span class="nav-label">{t!(i18n, nav.more)}</span>
                    </summary>
                    <ul>{more}</ul>
                </details>
            </li>
        }
    });
    view! {
        <nav class="site-nav" aria-label=move || t_string!(i18n, nav.label)>
            <ul class="container nav-row">
                {row}
                {menu}
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
