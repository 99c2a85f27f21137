//! Trust before launch (issue 13), the defaults, through real HTTP on SQLite
//! and PostgreSQL: production cookies, no-store and HSTS, the metrics guard,
//! a panic as a 500 page, cross-site posts refused by every server function,
//! error redirects that stay on the site, and demo data refused on a live
//! configuration.

mod common;

use std::net::SocketAddr;

use app::database::Engine;
use app::state::Settings;
use common::{TestApp, location};
use reqwest::header::{ACCEPT, COOKIE, ORIGIN, SET_COOKIE};

const NOURA: &str = "1000000065";

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
        // The privacy notice is public: it is read before signing in.
        "get_privacy_notice",
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

/// Two writers that lock the same two rows in opposite orders: on
/// PostgreSQL one of them is chosen as a deadlock victim and fails, and
/// `retrying` runs it again, so both land; on SQLite the second writer waits
/// for the first (`BEGIN IMMEDIATE`). Without the retry the victim's change
/// would be lost with a 500.
async fn writes_that_meet_are_retried(app: TestApp) {
    let db = app.state.db.clone();
    sqlx::query("CREATE TABLE retry_probe (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO retry_probe (id, n) VALUES (1, 0), (2, 0)")
        .execute(&db.pool)
        .await
        .unwrap();
    let attempts = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let writer = |first: i64, second: i64| {
        let db = db.clone();
        let attempts = attempts.clone();
        tokio::spawn(async move {
            app::database::retrying(|| async {
                attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut tx = db.begin_write().await?;
                for id in [first, second] {
                    sqlx::query("UPDATE retry_probe SET n = n + 1 WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                }
                tx.commit().await?;
                Ok::<_, sqlx::Error>(())
            })
            .await
        })
    };
    let (a, b) = tokio::join!(writer(1, 2), writer(2, 1));
    a.unwrap().expect("the first writer landed");
    b.unwrap().expect("the second writer landed");
    let total: i64 = sqlx::query_scalar("SELECT CAST(SUM(n) AS BIGINT) FROM retry_probe")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(total, 4, "both writers' changes are there, once each");
    if db.engine == Engine::Postgres {
        assert_eq!(
            attempts.load(std::sync::atomic::Ordering::SeqCst),
            3,
            "the deadlock's victim ran again"
        );
    }
}

both_engines! {
    async fn conflicting_writes_are_retried(app: TestApp) {
        writes_that_meet_are_retried(app).await;
    }
    async fn cross_site_posts_are_refused(app: TestApp) {
        every_form_refuses_cross_site_posts(app).await;
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
