//! Takamul (تكامل): one platform for the productive families of the Makkah
//! region and the charitable associations that serve them.
//!
//! Pages are rendered on the server in Leptos islands mode: only `#[island]`
//! components ship WebAssembly, and every form works without JavaScript
//! (DESIGN.md §5). Each domain lives in its own folder with the same shape:
//! `mod.rs` (types and pure rules), `api.rs` (server functions), `db.rs`
//! (server-only SQL), `pages.rs`.

#![recursion_limit = "256"]

// The build.rs code generation leptos_i18n now prefers adds a build step for
// no gain at our size; the macro reads the same files.
#[allow(deprecated)]
mod i18n_gen {
    leptos_i18n::load_locales!();
}
pub use i18n_gen::i18n;

pub mod applications;
pub mod assistance;
pub mod associations;
pub mod audit;
pub mod checks;
pub mod continuity;
pub mod coverage;
pub mod data_protection;
pub mod error;
pub mod financing;
pub mod home;
pub mod identity;
pub mod ids;
pub mod imports;
pub mod layout;
pub mod marketplace;
pub mod messaging;
pub mod network;
pub mod paths;
pub mod phone;
pub mod photos;
pub mod places;
pub mod privacy;
pub mod registry;
pub mod reporting;
pub mod search;
pub mod text;
pub mod time;
pub mod training;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod answer;
#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod database;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod jobs;
#[cfg(feature = "ssr")]
pub mod nafath;
#[cfg(feature = "ssr")]
pub mod state;

use leptos::prelude::*;
use leptos_meta::{Link, MetaTags, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Route, Router, Routes},
};

use crate::i18n::*;

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_page_security_policy();
    // Leptos writes every resolved resource into the page for hydration
    // (`__RESOLVED_RESOURCES`), whether the page shows all of it or not. A
    // page without islands has nothing in the browser to read it, so nothing
    // is written: the page carries what it shows and no more.
    #[cfg(feature = "ssr")]
    if !page_has_islands()
        && let Some(context) = Owner::current_shared_context()
    {
        context.set_is_hydrating(false);
    }
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0f5c4d" />
                <AutoReload options=options.clone() />
                {page_has_islands().then(|| view! { <HydrationScripts options islands=true /> })}
                // After the font preload among the meta tags, which the
                // browser should find first.
                <MetaTags />
                {stylesheet()}
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The stylesheet: inline in production (see [`state::InlineStyle`]), else a
/// link that cargo-leptos reloads in development.
fn stylesheet() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(style) = use_context::<state::AppState>().and_then(|state| state.inline_style) {
        return view! { <style inner_html=style.css.to_string()></style> }.into_any();
    }
    view! { <link rel="stylesheet" id="leptos" href="/pkg/takamul.css" /> }.into_any()
}

/// Paths (prefixes; `*` stands for one segment, such as an id) of the pages
/// that contain an `#[island]`. Only these load the WebAssembly module at
/// once: a page without islands ships no JS or WASM at all (a phone on a weak
/// network should not fetch it for nothing). Add a page here when it gains an
/// island. The shop and product pages are not here: their basket islands
/// wake on demand (`marketplace::basket`, `public/basket.js`).
pub const PAGES_WITH_ISLANDS: &[&str] = &[
    paths::SIGN_IN_PAGE,
    paths::WIZARD_PAGE,
    paths::WALK_IN_PAGE,
    paths::APPLY_PAGE,
    "/association/households/*/apply",
    paths::MY_PRODUCT_PAGE,
    "/training/courses/*/attendance",
];

/// Whether `path` starts with the segments of `pattern` (`*`: any one segment).
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let mut segments = path.split('/');
    pattern.split('/').all(|expected| {
        segments
            .next()
            .is_some_and(|segment| expected == "*" || segment == expected)
    })
}

/// Whether the page being rendered needs the island scripts.
fn page_has_islands() -> bool {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().is_some_and(|parts| {
            PAGES_WITH_ISLANDS
                .iter()
                .any(|pattern| path_matches(pattern, parts.uri.path()))
        })
    }
    #[cfg(not(feature = "ssr"))]
    {
        true
    }
}

/// The page's Content-Security-Policy: inline scripts only with this
/// response's nonce (Leptos puts it on its hydration scripts).
#[cfg(feature = "ssr")]
fn set_page_security_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let inline_style = use_context::<state::AppState>()
        .and_then(|state| state.inline_style)
        .map(|style| format!(" {}", style.csp_source))
        .unwrap_or_default();
    // `blob:` images: the previews of photos chosen on the phone, made by
    // the page itself (`marketplace::photo_shrink`).
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'{inline_style}; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The application: locale, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Link rel="icon" href="/favicon.svg" attr:r#type="image/svg+xml" />
            <Link rel="manifest" href="/manifest.webmanifest" />
            <DefaultTitle />
            <FontPreload />
            <Router>
                <layout::Layout>
                    <Routes fallback=ui::NotFoundPage>
                        <Route path=StaticSegment("") view=home::HomePage />
                        <Route path=StaticSegment("sign-in") view=identity::pages::SignInPage />
                        <Route
                            path=(StaticSegment("sign-in"), StaticSegment("wait"))
                            view=identity::pages::WaitPage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("account") view=AccountWithCounter ssr=SsrMode::Async />
                        <Route path=StaticSegment("access") view=identity::access_page::AccessPage ssr=SsrMode::Async />
                        <Route
                            path=(StaticSegment("access"), StaticSegment("history"))
                            view=identity::access_page::AccessHistoryPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("council"), StaticSegment("associations"))
                            view=network::pages::AssociationsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("council"), StaticSegment("associations"), ParamSegment("id"))
                            view=network::pages::AssociationPageView
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("council"), StaticSegment("catalogue"))
                            view=network::pages::CataloguePage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("household") view=registry::pages::HouseholdPage ssr=SsrMode::Async />
                        <Route path=StaticSegment("my-data") view=privacy::pages::MyDataPage ssr=SsrMode::Async />
                        <Route
                            path=(StaticSegment("council"), StaticSegment("privacy-requests"))
                            view=privacy::pages::PrivacyQueuePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("search"))
                            view=search::pages::AssociationSearchPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("council"), StaticSegment("search"))
                            view=search::pages::CouncilSearchPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("continuity"))
                            view=continuity::pages::ContinuityPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("cases"), ParamSegment("id"))
                            view=continuity::CasePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("follow-ups"), ParamSegment("id"))
                            view=continuity::FollowUpPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("council"), StaticSegment("dashboard"))
                            view=reporting::pages::CouncilDashboardPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("dashboard"))
                            view=reporting::pages::AssociationDashboardPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("council"), StaticSegment("partners"))
                            view=reporting::partner::pages::PartnersPageView
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("funder-report"))
                            view=reporting::funder::AssociationFunderReportPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("council"), StaticSegment("funder-report"))
                            view=reporting::funder::CouncilFunderReportPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("financing"))
                            view=financing::FinancingPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("financing"), StaticSegment("exposure"))
                            view=financing::FinancingExposurePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("financing"), StaticSegment("files"), ParamSegment("id"))
                            view=financing::FinancingFilePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("financing"), StaticSegment("statements"))
                            view=financing::FinancingStatementsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("financing"), StaticSegment("statements"), ParamSegment("id"))
                            view=financing::FinancingStatementPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("council"), StaticSegment("financing"))
                            view=financing::CouncilFinancingPage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("my-loans") view=financing::MyLoansPage ssr=SsrMode::Async />
                        <Route
                            path=(StaticSegment("council"), StaticSegment("continuity-rules"))
                            view=continuity::pages::ContinuityRulesPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("disputes"))
                            view=privacy::pages::DisputesPage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("applications") view=applications::pages::MyApplicationsPage ssr=SsrMode::Async />
                        <Route
                            path=(StaticSegment("applications"), StaticSegment("new"))
                            view=applications::pages::ApplyPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("applications"), StaticSegment("receipts"), ParamSegment("id"))
                            view=applications::pages::ReceiptPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("households"), ParamSegment("id"))
                            view=applications::pages::HouseholdFilePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("households"), ParamSegment("id"), StaticSegment("apply"))
                            view=applications::pages::CounterApplyPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("queue"))
                            view=applications::pages::QueuePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("lines"), ParamSegment("id"))
                            view=applications::pages::LinePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("walk-in"))
                            view=registry::pages::WalkInPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("imports"))
                            view=imports::pages::ImportsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("imports"), ParamSegment("id"))
                            view=imports::pages::ImportBatchPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("families"))
                            view=applications::pages::FamiliesPage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("coverage") view=coverage::pages::MatrixPage ssr=SsrMode::Async />
                        <Route path=StaticSegment("market") view=marketplace::pages::MarketPage ssr=SsrMode::Async />
                        <Route
                            path=(StaticSegment("market"), StaticSegment("search"))
                            view=marketplace::pages::SearchPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("market"), StaticSegment("products"), ParamSegment("id"))
                            view=marketplace::pages::ProductPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("market"), StaticSegment("shops"), ParamSegment("id"))
                            view=marketplace::pages::ShopPage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("my-shop") view=marketplace::shop_pages::MyShopPage ssr=SsrMode::Async />
                        <Route
                            path=(StaticSegment("my-shop"), StaticSegment("products"), ParamSegment("id"))
                            view=marketplace::shop_pages::ProductEditorPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("association"), StaticSegment("moderation"))
                            view=marketplace::shop_pages::ModerationPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("council"), StaticSegment("duplicates"))
                            view=registry::pages::DuplicatesPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("coverage"), StaticSegment("proposals"))
                            view=coverage::pages::ProposalsPage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("courses") view=training::pages::CoursesPage ssr=SsrMode::Async />
                        <Route
                            path=(StaticSegment("courses"), ParamSegment("id"))
                            view=training::pages::CoursePage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("my-courses") view=training::pages::MyCoursesPage ssr=SsrMode::Async />
                        <Route
                            path=(StaticSegment("certificates"), ParamSegment("code"))
                            view=training::pages::CertificatePage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("verify") view=training::pages::VerifyPage ssr=SsrMode::Async />
                        <Route
                            path=(StaticSegment("verify"), ParamSegment("code"))
                            view=training::pages::VerifyPage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("training") view=training::manage_pages::TrainingDashboardPage ssr=SsrMode::Async />
                        <Route
                            path=(StaticSegment("training"), StaticSegment("trainers"))
                            view=training::manage_pages::TrainersPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("training"), StaticSegment("courses"), ParamSegment("id"))
                            view=training::manage_pages::CourseManagePage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("training"), StaticSegment("courses"), ParamSegment("id"), StaticSegment("attendance"))
                            view=training::manage_pages::AttendancePage
                            ssr=SsrMode::Async
                        />
                        <Route path=StaticSegment("privacy") view=data_protection::notice_pages::NoticePageView ssr=SsrMode::Async />
                        <Route
                            path=(StaticSegment("data-protection"), StaticSegment("breaches"))
                            view=data_protection::pages::BreachesPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("data-protection"), StaticSegment("breaches"), ParamSegment("id"))
                            view=data_protection::pages::BreachPageView
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("data-protection"), StaticSegment("retention"))
                            view=data_protection::pages::RetentionPageView
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=(StaticSegment("data-protection"), StaticSegment("notice"))
                            view=data_protection::notice_pages::NoticeVersionsPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("nafath-simulator")
                            view=identity::pages::SimulatorPage
                            ssr=SsrMode::Async
                        />
                        <Route
                            path=StaticSegment("messaging-simulator")
                            view=messaging::pages::MessagingSimulatorPage
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </layout::Layout>
            </Router>
        </I18nContextProvider>
    }
}

/// Preloads both weights of the font (one file each, both scripts): the first
/// screen of every page sets text in both (body text, titles and prices), and
/// without the preload the browser finds a font only after laying the page
/// out, then paints the text again (Lighthouse's LCP waits for it).
#[component]
fn FontPreload() -> impl IntoView {
    ["/fonts/ibm-plex-sans-arabic-400.woff2", "/fonts/ibm-plex-sans-arabic-600.woff2"].map(|font| {
        view! { <Link rel="preload" href=font as_="font" type_="font/woff2" crossorigin="anonymous" /> }
    })
}

/// The account page, where Nafath sign-in lands, with the applications
/// staff made for this head at the counter waiting for their answer on top
/// (issue 21 §2: confirmed on the next sign-in, like a walk-in registration).
#[component]
fn AccountWithCounter() -> impl IntoView {
    view! {
        <applications::pages::CounterAnswers />
        <identity::pages::AccountPage />
    }
}

#[component]
fn DefaultTitle() -> impl IntoView {
    let i18n = use_i18n();
    // Read now, not in the formatter: leptos_axum runs the formatter after
    // the page's reactive owner may be gone (a panic under load).
    let site = t_string!(i18n, site.name).to_string();
    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() { site.clone() } else { format!("{page} · {site}") }
        } />
    }
}

/// The WebAssembly entry point: wakes up the islands of the page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console while developing; the release build
    // aborts on a panic (`panic = "abort"`) and spares the hook's formatting.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn island_pages_match_by_segment() {
        assert!(path_matches("/sign-in", "/sign-in/wait"));
        assert!(!path_matches("/sign-in", "/sign-in-help"));
        assert!(path_matches(
            "/training/courses/*/attendance",
            "/training/courses/12/attendance"
        ));
        assert!(!path_matches(
            "/training/courses/*/attendance",
            "/training/courses/12"
        ));
        assert!(!path_matches("/household", "/"));
    }
}
