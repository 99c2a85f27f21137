//! Trust before launch (issue 13), through real HTTP on SQLite and
//! PostgreSQL: production defaults (cookies, no-store, HSTS), the metrics
//! guard, a panic as a 500 page, sign-in limits that a stranger cannot turn
//! against a person, trusted proxies, cross-site posts, roles given and taken
//! only by policy, member claims that need the person, opt-in public phones,
//! and demo data refused on a live configuration.

mod common;

use std::net::SocketAddr;

use app::audit::action;
use app::database::Engine;
use app::identity::RoleKind;
use app::state::Settings;
use common::{Browser, TestApp, location, persona};
use reqwest::header::{ACCEPT, COOKIE, ORIGIN, SET_COOKIE};

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";
const HIND_NAKHLA_ADMIN: &str = "1000000024";
const MONA_NAKHLA_STAFF: &str = "1000000032";
const REEM_BAHR_STAFF: &str = "1000000040";

/// A client without a cookie jar: the test reads and sends cookies itself.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The `name=value` part of the Set-Cookie header for `name`, and the header.
fn cookie(response: &reqwest::Response, name: &str) -> Option<(String, String)> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| (v.split(';').next().unwrap().to_string(), v.to_string()))
}

/// A browser whose requests come through a trusted proxy for `client_ip`.
fn behind_proxy(app: &TestApp, client_ip: &str) -> Browser {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(ACCEPT, "text/html".parse().unwrap());
    headers.insert(ORIGIN, app.base.parse().unwrap());
    headers.insert("x-forwarded-for", client_ip.parse().unwrap());
    Browser {
        base: app.base.clone(),
        client: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap(),
        db: app.state.db.clone(),
    }
}

async fn production_defaults(engine: Engine) {
    let Some(app) = common::spawn_app_with(engine, Settings::default()).await else {
        return;
    };
    let client = bare_client();
    let start = client
        .post(app.url("/api/start_sign_in"))
        .header(ACCEPT, "text/html")
        .header(ORIGIN, &app.base)
        .form(&[("national_id", NOURA)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&start), "/sign-in/wait");
    let (pending, header) =
        cookie(&start, "__Host-takamul_pending").expect("a __Host- pending cookie");
    assert!(
        header.contains("Secure") && header.contains("HttpOnly") && header.contains("Path=/"),
        "{header}"
    );
    assert!(!header.contains("Domain"), "{header}");
    assert!(cookie(&start, "takamul_pending").is_none());

    let (trans_id, random): (String, String) =
        sqlx::query_as("SELECT trans_id, random FROM nafath_sim_requests WHERE status = 'WAITING'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    app::identity::nafath::simulator::decide(&app.state.db, &trans_id, Some(&random))
        .await
        .unwrap();
    let poll = client
        .get(app.url("/api/poll_sign_in"))
        .header(ACCEPT, "text/html")
        .header(COOKIE, &pending)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&poll), "/account");
    let (session, header) =
        cookie(&poll, "__Host-takamul_session").expect("a __Host- session cookie");
    assert!(
        header.contains("Secure") && header.contains("HttpOnly") && header.contains("SameSite=Lax"),
        "{header}"
    );
    assert!(
        !header.contains("Max-Age") && !header.contains("Expires"),
        "a browser-session cookie: {header}"
    );

    // Signed-in pages and every server-function answer are never stored.
    let account = client
        .get(app.url("/account"))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(account.status(), 200);
    assert_eq!(account.headers().get("cache-control").unwrap(), "no-store");
    assert!(account.headers().contains_key("strict-transport-security"));
    let me = client
        .post(app.url("/api/get_current_user"))
        .header(ACCEPT, "application/json")
        .header(ORIGIN, &app.base)
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(me.headers().get("cache-control").unwrap(), "no-store");
    // The development name is not read in production.
    let plain = session.replacen("__Host-", "", 1);
    let account = client
        .get(app.url("/account"))
        .header(COOKIE, &plain)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&account), "/sign-in", "signed out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_defaults_sqlite() {
    production_defaults(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_defaults_postgres() {
    production_defaults(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_for_loopback_or_the_token() {
    let settings = Settings {
        metrics_token: Some("s3cret-token".into()),
        ..Settings::development()
    };
    let app = common::spawn_app_with(Engine::Sqlite, settings)
        .await
        .unwrap();
    let client = bare_client();
    let get = |headers: &'static [(&'static str, &'static str)]| {
        let mut request = client.get(app.url("/metrics"));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        request.send()
    };
    assert_eq!(
        get(&[]).await.unwrap().status(),
        200,
        "straight from loopback"
    );
    assert_eq!(
        get(&[("x-forwarded-for", "198.51.100.7")])
            .await
            .unwrap()
            .status(),
        404,
        "through a proxy"
    );
    assert_eq!(
        get(&[
            ("x-forwarded-for", "198.51.100.7"),
            ("authorization", "Bearer s3cret-token")
        ])
        .await
        .unwrap()
        .status(),
        200
    );
    assert_eq!(
        get(&[
            ("x-forwarded-for", "198.51.100.7"),
            ("authorization", "Bearer guess")
        ])
        .await
        .unwrap()
        .status(),
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_is_a_500_page() {
    let app = common::spawn_app(Engine::Sqlite).await.unwrap();
    let routes = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            if std::hint::black_box(true) {
                panic!("a bug");
            }
            "never"
        }),
    );
    let cache = app::marketplace::page_cache::PageCache::new(
        app.state.db.clone(),
        0,
        std::time::Duration::from_secs(1),
    );
    let router = server::protect(routes, app.state.clone(), cache);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let r = bare_client()
        .get(format!("http://{addr}/boom"))
        .send()
        .await
        .expect("an answer, not a dropped connection");
    assert_eq!(r.status(), 500);
    assert!(
        r.headers().contains_key("x-content-type-options"),
        "the usual headers"
    );
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Something went wrong") && !body.contains("a bug"),
        "{body}"
    );
}

/// Every state-changing server function refuses a cross-site post, and
/// without a session answers 4xx. The list comes from the server-function
/// registry, so a new function is covered without touching this test.
async fn every_form_refuses_cross_site_posts(app: TestApp) {
    let client = bare_client();
    let family = app.signed_in(NOURA).await;
    let paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .filter(|(_, method)| method == http::Method::POST)
        .map(|(path, _)| path)
        .collect();
    assert!(
        paths.len() > 60,
        "the registry lists the server functions: {}",
        paths.len()
    );
    // Public reads answer without a session by design (the market, courses).
    let public_reads = [
        "get_market_home",
        "search_products",
        "get_product_page",
        "get_shop_page",
        "list_courses",
        "get_course",
        "verify_certificate",
        "get_current_user",
        "get_pending_sign_in",
        "list_simulator_requests",
        "get_certificate",
    ];
    for path in paths {
        let foreign = family
            .client
            .post(family.url(path))
            .header(ORIGIN, "https://evil.example")
            .form(&[("x", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(foreign.status(), 403, "{path} with a foreign Origin");
        let cross_site = client
            .post(app.url(path))
            .header("sec-fetch-site", "cross-site")
            .form(&[("x", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(
            cross_site.status(),
            403,
            "{path} with Sec-Fetch-Site: cross-site"
        );
        if public_reads.iter().any(|name| path.contains(name)) {
            continue;
        }
        let anonymous = client
            .post(app.url(path))
            .header(ORIGIN, &app.base)
            .header(ACCEPT, "application/json")
            .form(&[("x", "1")])
            .send()
            .await
            .unwrap();
        assert!(
            anonymous.status().is_client_error(),
            "{path} without a session: {}",
            anonymous.status()
        );
    }
}

async fn a_stranger_cannot_lock_a_person_out(app: TestApp) {
    let stranger = behind_proxy(&app, "203.0.113.66");
    for _ in 0..5 {
        let r = stranger
            .post_form("/api/start_sign_in", &[("national_id", NOURA)])
            .await;
        assert_eq!(location(&r), "/sign-in/wait");
    }
    let r = stranger
        .post_api("/api/start_sign_in", &[("national_id", NOURA)])
        .await;
    assert_eq!(r.status(), 429);
    // Noura, from her own phone, is not locked out, and her sign-in is
    // recorded with her address, not the proxy's.
    // (The stranger's requests expire unanswered, as they would.)
    sqlx::query("UPDATE nafath_sim_requests SET status = 'EXPIRED' WHERE status = 'WAITING'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let noura = behind_proxy(&app, "198.51.100.20");
    assert_eq!(location(&noura.sign_in(NOURA).await), "/account");
    let (ip,): (Option<String>,) = sqlx::query_as(
        "SELECT client_ip FROM audit_events WHERE action = 'sign_in' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(ip.as_deref(), Some("198.51.100.20"));

    // Backoff: the stranger's pair stays refused after its window, and the
    // next excess doubles the wait.
    sqlx::query("UPDATE sign_in_counters SET window_start = window_start - 700 WHERE counter_key LIKE 'pair:%203.0.113.66'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = stranger
        .post_api("/api/start_sign_in", &[("national_id", NOURA)])
        .await;
    assert_eq!(
        r.status(),
        429,
        "still refused: the wait outlasts the window"
    );
    sqlx::query("UPDATE sign_in_counters SET window_start = window_start - 700, blocked_until = 0 WHERE counter_key LIKE 'pair:%203.0.113.66'")
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    for _ in 0..5 {
        let r = stranger
            .post_form("/api/start_sign_in", &[("national_id", NOURA)])
            .await;
        assert_eq!(location(&r), "/sign-in/wait");
    }
    assert_eq!(
        stranger
            .post_api("/api/start_sign_in", &[("national_id", NOURA)])
            .await
            .status(),
        429
    );
    let (strikes, blocked_until): (i64, i64) = sqlx::query_as(
        "SELECT strikes, blocked_until FROM sign_in_counters WHERE counter_key LIKE 'pair:%203.0.113.66'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(strikes, 2);
    assert!(
        blocked_until - app::database::now() > 1100,
        "the second wait is twice the first"
    );
}

async fn roles_are_given_and_taken_only_by_policy(app: TestApp) {
    let hind = app.signed_in(HIND_NAKHLA_ADMIN).await;
    let (provider,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM training_providers p JOIN associations a ON a.id = p.association_id WHERE a.licence_number = 'DEMO-001'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let provider = provider.to_string();
    let granted_before = app::audit::count_actions(&app.state.db, action::ROLE_GRANTED)
        .await
        .unwrap();
    // A provider cannot link a trainer record to someone's account (nor give the role).
    let r = hind
        .post_form(
            "/api/save_trainer",
            &[
                ("provider_id", provider.as_str()),
                ("name_ar", "مدربة جديدة"),
                ("national_id", NOURA),
            ],
        )
        .await;
    assert!(
        location(&r).contains("error=trainer_link_by_council"),
        "{}",
        location(&r)
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.national_id = '{NOURA}' AND g.role = 'trainer'")).await,
        0
    );
    // The existing trainer (Fahad, linked by the council) is not rewritten by a provider's save.
    let fahad = persona(RoleKind::Trainer);
    let r = hind
        .post_form(
            "/api/save_trainer",
            &[
                ("provider_id", provider.as_str()),
                ("name_ar", "اسم مزور"),
                ("national_id", fahad.as_str()),
            ],
        )
        .await;
    assert!(location(&r).contains("error=trainer_link_by_council"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM trainers WHERE name_ar = 'اسم مزور'")
            .await,
        0
    );
    // The council links, and the grant is audited.
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let r = council
        .post_form(
            "/api/save_trainer",
            &[
                ("provider_id", provider.as_str()),
                ("name_ar", "نورة المدربة"),
                ("national_id", NOURA),
            ],
        )
        .await;
    assert_eq!(location(&r), "/training/trainers");
    assert_eq!(
        app::audit::count_actions(&app.state.db, action::ROLE_GRANTED)
            .await
            .unwrap(),
        granted_before + 1
    );

    // An association admin revokes her own association's staff, not another's.
    let mona = app.signed_in(MONA_NAKHLA_STAFF).await;
    assert_eq!(mona.get("/association/queue").await.status(), 200);
    let user_id = |id: &'static str| {
        let db = app.state.db.clone();
        async move {
            let (uid,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE national_id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
            uid.to_string()
        }
    };
    let (mona_id, reem_id) = (
        user_id(MONA_NAKHLA_STAFF).await,
        user_id(REEM_BAHR_STAFF).await,
    );
    let (nakhla,): (i64,) =
        sqlx::query_as("SELECT id FROM associations WHERE licence_number = 'DEMO-001'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let (bahr,): (i64,) =
        sqlx::query_as("SELECT id FROM associations WHERE licence_number = 'DEMO-002'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let access = hind.get("/access").await;
    assert_eq!(access.status(), 200);
    let page = access.text().await.unwrap();
    assert!(
        page.contains("1•••••••32"),
        "Mona, masked, on the access page"
    );
    assert!(!page.contains(MONA_NAKHLA_STAFF), "never a whole ID");
    let r = hind
        .post_api(
            "/api/revoke_role",
            &[
                ("user_id", reem_id.as_str()),
                ("role", "association_staff"),
                ("association_id", &bahr.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = hind
        .post_api(
            "/api/revoke_role",
            &[
                ("user_id", mona_id.as_str()),
                ("role", "association_staff"),
                ("association_id", &nakhla.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(
        mona.get("/association/queue").await.status(),
        403,
        "the revocation holds at once"
    );
    assert_eq!(
        app::audit::count_actions(&app.state.db, action::ROLE_REVOKED)
            .await
            .unwrap(),
        1
    );

    // The council ends a person's sessions and disables an account.
    let reem = app.signed_in(REEM_BAHR_STAFF).await;
    assert_eq!(reem.get("/account").await.status(), 200);
    assert_eq!(
        hind.post_api("/api/end_sessions", &[("user_id", reem_id.as_str())])
            .await
            .status(),
        403
    );
    assert_eq!(
        council
            .post_api("/api/end_sessions", &[("user_id", reem_id.as_str())])
            .await
            .status(),
        200
    );
    assert_eq!(reem.get("/account").await.status(), 302, "signed out");
    let reem = app.signed_in(REEM_BAHR_STAFF).await;
    assert_eq!(
        hind.post_api(
            "/api/set_account_disabled",
            &[("user_id", reem_id.as_str()), ("disabled", "true")]
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        council
            .post_api(
                "/api/set_account_disabled",
                &[("user_id", reem_id.as_str()), ("disabled", "true")]
            )
            .await
            .status(),
        200
    );
    assert_eq!(reem.get("/account").await.status(), 302);
    let again = app.browser();
    let poll = again.sign_in(REEM_BAHR_STAFF).await;
    assert_ne!(
        location(&poll),
        "/account",
        "a disabled account cannot sign in"
    );
    assert_eq!(
        app::audit::count_actions(&app.state.db, action::ACCOUNT_DISABLED)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app::audit::count_actions(&app.state.db, action::SESSIONS_ENDED)
            .await
            .unwrap(),
        1
    );
}

async fn a_member_id_is_a_claim_the_person_answers(app: TestApp) {
    let amina = app.signed_in(AMINA).await;
    let district = common::jeddah_district(&app.state.db, 1).await;
    common::register_household(&amina, district).await;
    let add = |id: String| {
        let amina = amina.clone();
        async move {
            let r = amina
                .post_api(
                    "/api/add_household_member",
                    &[
                        ("full_name", "فرد مضاف"),
                        ("relation", "sibling"),
                        ("birth_date", "1990-01-01"),
                        ("national_id", id.as_str()),
                    ],
                )
                .await;
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    // Someone else's ID and an ID nobody holds get the same answer.
    let taken = add(NOURA.to_string()).await;
    let unknown = add(app::identity::with_check_digit("100000777")).await;
    assert_eq!(taken, unknown);
    assert_eq!(taken.0, 200);
    // The real person is not blocked: Noura registers her own household.
    let noura = app.signed_in(NOURA).await;
    common::register_household(&noura, common::jeddah_district(&app.state.db, 0).await).await;
    // She is asked, and says it is not her: the ID leaves Amina's member.
    let page = noura.get("/household").await.text().await.unwrap();
    assert!(page.contains("member-claims"), "{page}");
    let claims: Vec<app::registry::claims::MemberClaim> = noura
        .post_api("/api/get_member_claims", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    let member = claims[0].member_id.to_string();
    let r = noura
        .post_api(
            "/api/answer_member_claim",
            &[("member_id", member.as_str()), ("confirm", "false")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM household_members WHERE national_id = '{NOURA}'"
        ))
        .await,
        0
    );
    // Nobody else may answer for her.
    let r = amina
        .post_api(
            "/api/answer_member_claim",
            &[("member_id", member.as_str()), ("confirm", "true")],
        )
        .await;
    assert_eq!(r.status(), 404);
    // Claims are capped: ten a day.
    for i in 0..9 {
        assert_eq!(
            add(app::identity::with_check_digit(&format!("10000{i}888")))
                .await
                .0,
            200
        );
    }
    assert_eq!(
        add(app::identity::with_check_digit("100009999")).await.0,
        429
    );
}

async fn a_shop_shows_only_the_phone_the_family_wrote(app: TestApp) {
    let noura = app.signed_in(NOURA).await;
    let district = common::jeddah_district(&app.state.db, 0).await;
    common::register_household(&noura, district).await; // registry phone 0551234567
    let district = district.to_string();
    let base = [
        ("name_ar", "حلويات نورة"),
        ("district_id", district.as_str()),
        ("pickup", "1"),
    ];
    // The form offers nothing from the registry for publication.
    let form = noura.get("/my-shop").await.text().await.unwrap();
    assert!(!form.contains("0551234567"), "{form}");
    assert_eq!(noura.post_api("/api/save_shop", &base).await.status(), 200);
    // The shop as every answer reads it (public pages use the same row): no
    // phone until the family writes one.
    let mine: app::marketplace::api::MyShopView = noura
        .post_api("/api/get_my_shop", &[])
        .await
        .json()
        .await
        .unwrap();
    let shop = mine.shop.unwrap();
    assert_eq!(shop.phone, None);
    assert_eq!(shop.whatsapp, None, "WhatsApp is opt-in too");
    let mut with_phone = base.to_vec();
    with_phone.push(("public_phone", "٠٥٠١١١٢٢٢٢"));
    assert_eq!(
        noura.post_api("/api/save_shop", &with_phone).await.status(),
        200
    );
    let mine: app::marketplace::api::MyShopView = noura
        .post_api("/api/get_my_shop", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.shop.unwrap().phone.as_deref(), Some("966501112222"));
    let mut bad = base.to_vec();
    bad.push(("public_phone", "12"));
    let r = noura.post_api("/api/save_shop", &bad).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("phone_format"));
}

async fn error_redirects_stay_on_this_site(app: TestApp) {
    let r = app
        .client
        .post(app.url("/api/start_sign_in"))
        .header(
            reqwest::header::REFERER,
            format!("{}//evil.example/x", app.base),
        )
        .form(&[("national_id", "123")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/?error="), "{}", location(&r));
}

/// A server behind a reverse proxy on loopback (as in production).
async fn behind_a_proxy(engine: Engine) -> Option<TestApp> {
    let settings = Settings {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Settings::development()
    };
    common::spawn_app_with(engine, settings).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_limits_count_the_client_sqlite() {
    a_stranger_cannot_lock_a_person_out(behind_a_proxy(Engine::Sqlite).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_limits_count_the_client_postgres() {
    if let Some(app) = behind_a_proxy(Engine::Postgres).await {
        a_stranger_cannot_lock_a_person_out(app).await;
    }
}

both_engines! {
    async fn cross_site_posts_are_refused(app: TestApp) {
        every_form_refuses_cross_site_posts(app).await;
    }
    async fn roles_follow_policy(app: TestApp) {
        roles_are_given_and_taken_only_by_policy(app).await;
    }
    async fn member_ids_are_claims(app: TestApp) {
        a_member_id_is_a_claim_the_person_answers(app).await;
    }
    async fn public_phones_are_opt_in(app: TestApp) {
        a_shop_shows_only_the_phone_the_family_wrote(app).await;
    }
    async fn redirects_stay_home(app: TestApp) {
        error_redirects_stay_on_this_site(app).await;
    }
}

#[test]
fn demo_data_is_refused_on_a_live_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/live.db", dir.path().display());
    let run = |envs: &[(&str, &str)], args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
        command.env_clear().env("DATABASE_URL", &db).args(args);
        for (k, v) in envs {
            command.env(k, v);
        }
        command.output().unwrap()
    };
    let live = [
        ("NAFATH_MODE", "live"),
        ("NAFATH_BASE_URL", "https://nafath.invalid"),
        ("NAFATH_APP_ID", "id"),
        ("NAFATH_APP_KEY", "key"),
    ];
    let out = run(&live, &["seed", "--demo"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refused on a live configuration"), "{err}");
    // Nothing is served with the simulator unless development is asked for,
    // and even then only on loopback.
    let out = run(&[("NAFATH_MODE", "simulator")], &["migrate"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("simulator"));
    let out = run(
        &[
            ("NAFATH_MODE", "simulator"),
            ("TAKAMUL_ENV", "development"),
            ("LEPTOS_SITE_ADDR", "0.0.0.0:0"),
        ],
        &["serve"],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("loopback"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
