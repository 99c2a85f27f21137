//! A real server per test (zero2prod's `spawn_app`): a fresh SQLite file or
//! a fresh PostgreSQL database, the real router on a random loopback port,
//! and an HTTP client that behaves like a browser without JavaScript.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use app::database::{Db, Engine};
use app::identity::nafath::{NafathProvider, SimulatedNafath};
use app::state::{AppState, Settings};
use leptos::config::LeptosOptions;
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue, ORIGIN};

/// The PostgreSQL server the tests create their databases in.
pub fn postgres_admin_url() -> String {
    std::env::var("TAKAMUL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A database made for one test, removed when dropped.
pub struct TestDatabase {
    pub url: String,
    engine: Engine,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A fresh database of this engine; `None` when PostgreSQL is not
    /// reachable outside CI (the caller reports it loudly). In CI an
    /// unreachable PostgreSQL fails the test.
    pub async fn create(engine: Engine) -> Option<Self> {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/test.db", dir.path().display());
                Some(Self {
                    url,
                    engine,
                    name: String::new(),
                    _dir: Some(dir),
                })
            }
            Engine::Postgres => {
                let admin = postgres_admin_url();
                let name = format!("takamul_test_{}", random_suffix());
                let created = async {
                    sqlx::any::install_default_drivers();
                    let mut conn =
                        <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await?;
                    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                        .execute(&mut conn)
                        .await?;
                    Ok::<_, sqlx::Error>(())
                }
                .await;
                if let Err(error) = created {
                    if std::env::var("CI").is_ok_and(|v| v == "true") {
                        panic!("PostgreSQL is required in CI but unreachable at {admin}: {error}");
                    }
                    eprintln!(
                        "\n!!!!! PostgreSQL unreachable at {admin} ({error}): the PostgreSQL half of this test was NOT run !!!!!\n"
                    );
                    return None;
                }
                let (base, _) = admin.rsplit_once('/').expect("database URL has a path");
                Some(Self {
                    url: format!("{base}/{name}"),
                    engine,
                    name,
                    _dir: None,
                })
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if self.engine != Engine::Postgres {
            return;
        }
        let admin = postgres_admin_url();
        let name = self.name.clone();
        // Drop runs inside the test's runtime; use a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut conn) =
                    <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await
                {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                }
            });
        })
        .join();
    }
}

/// The national ID of the first demo persona with this role.
pub fn persona(role: app::identity::RoleKind) -> String {
    app::demo::personas()
        .into_iter()
        .find(|p| p.role == role)
        .expect("a demo persona per role")
        .national_id
}

pub fn random_suffix() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..12)
        .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
        .collect()
}

/// A running server and a browser-like client (cookies kept, redirects not
/// followed so tests can see them, `Accept: text/html` like a form post).
pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    pub state: AppState,
    /// The default visitor; `app.browser()` opens another (own cookies).
    pub me: Browser,
    pub database: TestDatabase,
    /// The static site root this server serves (empty until a test writes to it).
    pub site_root: tempfile::TempDir,
}

/// A server as `make run` starts it (development settings: cookies without
/// `Secure`, so the test client sends them over plain HTTP).
pub async fn spawn_app(engine: Engine) -> Option<TestApp> {
    spawn_app_with(engine, Settings::development()).await
}

pub async fn spawn_app_with(engine: Engine, settings: Settings) -> Option<TestApp> {
    let database = TestDatabase::create(engine).await?;
    let db = Db::connect(&database.url, 8).await.expect("connect");
    db.migrate().await.expect("migrate");
    app::demo::seed_demo(&db).await.expect("seed");
    let nafath: Arc<dyn NafathProvider> = Arc::new(SimulatedNafath::new(db.clone()));
    Some(start(database, db, nafath, settings).await)
}

/// Starts the real router over an existing database and provider.
pub async fn start(
    database: TestDatabase,
    db: Db,
    nafath: Arc<dyn NafathProvider>,
    settings: Settings,
) -> TestApp {
    let instance = start_sharing(db, nafath, settings).await;
    TestApp {
        me: Browser {
            base: instance.base.clone(),
            client: browser_client(&instance.base),
            db: instance.state.db.clone(),
        },
        base: instance.base,
        addr: instance.addr,
        state: instance.state,
        database,
        site_root: instance.site_root,
    }
}

/// Another server instance over the same database (as behind a load balancer).
pub struct Instance {
    pub base: String,
    pub addr: SocketAddr,
    pub state: AppState,
    pub site_root: tempfile::TempDir,
}

pub async fn start_sharing(
    db: Db,
    nafath: Arc<dyn NafathProvider>,
    settings: Settings,
) -> Instance {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let site_root = tempfile::tempdir().unwrap();
    let mut settings = settings;
    if settings.photo_dir == Settings::default().photo_dir {
        settings.photo_dir = site_root.path().join("photos");
    }
    settings.public_url = format!("http://{addr}");
    // A stylesheet where cargo-leptos puts it, so pages carry it inline as in production.
    std::fs::create_dir_all(site_root.path().join("pkg")).unwrap();
    std::fs::write(site_root.path().join("pkg/takamul.css"), TEST_STYLESHEET).unwrap();
    let leptos_options = LeptosOptions::builder()
        .output_name("takamul")
        .site_root(site_root.path().to_string_lossy().to_string())
        .site_addr(addr)
        .env(leptos::config::Env::PROD)
        .build();
    let photos = app::marketplace::photos::PhotoStore::new(
        &settings.photo_dir,
        settings.photo_bucket.as_ref(),
    )
    .expect("photo store");
    let answers = Arc::new(app::cache::AnswerCache::new(
        512,
        settings.dashboard_cache_secs,
    ));
    let state = AppState {
        db,
        nafath,
        answers,
        settings: Arc::new(settings),
        photos,
        inline_style: app::state::InlineStyle::load(&leptos_options),
        leptos_options,
    };
    let router = server::router(state.clone());
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    Instance {
        base: format!("http://{addr}"),
        addr,
        state,
        site_root,
    }
}

/// The stylesheet every test instance serves (a child combinator: it must
/// reach the page unescaped).
pub const TEST_STYLESHEET: &str = "main > p { color: #0f5c4d }\n";

/// A client like a browser with JavaScript off: keeps cookies, sends
/// `Accept: text/html` and this site's Origin, does not follow redirects.
pub fn browser_client(base: &str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, HeaderValue::from_static("text/html"));
    headers.insert(ORIGIN, HeaderValue::from_str(base).unwrap());
    headers.insert("accept-language", HeaderValue::from_static("ar"));
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        // A request that hangs fails the test with its address instead of
        // holding the whole run.
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

impl TestApp {
    /// Another visitor of the same server, with their own cookies.
    pub fn browser(&self) -> Browser {
        Browser {
            base: self.base.clone(),
            client: browser_client(&self.base),
            db: self.state.db.clone(),
        }
    }

    /// Another visitor, signed in as this person.
    pub async fn signed_in(&self, national_id: &str) -> Browser {
        let browser = self.browser();
        let poll = browser.sign_in(national_id).await;
        assert_eq!(poll.status(), 302, "sign-in of {national_id}");
        browser
    }
}

impl std::ops::Deref for TestApp {
    type Target = Browser;
    fn deref(&self) -> &Browser {
        &self.me
    }
}

/// One visitor: a cookie jar on a server (a clone shares the cookies).
#[derive(Clone)]
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub db: app::database::Db,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Posts a form as a script would (JSON answers, real status codes).
    pub async fn post_api(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Posts a form from the page at `from`, as a browser without JavaScript does.
    pub async fn post_form_from(
        &self,
        from: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header(reqwest::header::REFERER, self.url(from))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Signs in through the simulator, as a person would: start, read the
    /// number, pick it in the simulator, poll. Returns the poll response.
    pub async fn sign_in(&self, national_id: &str) -> reqwest::Response {
        let start = self
            .post_form("/api/start_sign_in", &[("national_id", national_id)])
            .await;
        assert_eq!(
            start.status(),
            302,
            "start_sign_in: {:?}",
            start.text().await
        );
        let (trans_id, random): (String, String) = sqlx::query_as(
            "SELECT trans_id, random FROM nafath_sim_requests WHERE national_id = $1 \
             AND status = 'WAITING' ORDER BY created_at DESC LIMIT 1",
        )
        .bind(
            app::identity::NationalId::parse(national_id)
                .unwrap()
                .as_str(),
        )
        .fetch_one(&self.db.pool)
        .await
        .unwrap();
        let picked = self
            .post_form(
                "/api/decide_simulator_request",
                &[("trans_id", &trans_id), ("picked", &random)],
            )
            .await;
        assert_eq!(picked.status(), 302);
        self.get("/api/poll_sign_in").await
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_one(&self.db.pool)
            .await
            .unwrap();
        n
    }
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Declares one async test per engine: `sqlite` and `postgres` submodules.
#[macro_export]
macro_rules! both_engines {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {
        $(
            async fn $name($app: common::TestApp) $body
        )*
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = super::common::spawn_app(app::database::Engine::Sqlite).await.unwrap();
                    super::$name(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = super::common::spawn_app(app::database::Engine::Postgres).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}

/// The `index`-th district of Jeddah (by id).
pub async fn jeddah_district(db: &Db, index: i64) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT d.id FROM districts d JOIN cities c ON c.id = d.city_id WHERE c.name_en = 'Jeddah' \
         ORDER BY d.id LIMIT 1 OFFSET $1",
    )
    .bind(index)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    id
}

/// Fills every step of the household wizard through the server functions.
pub async fn fill_household(browser: &Browser, district_id: i64) {
    let district = district_id.to_string();
    for (path, form) in [
        ("/api/save_household_contact", vec![("phone", "٠٥٥١٢٣٤٥٦٧")]),
        (
            "/api/save_household_place",
            vec![
                ("district_id", district.as_str()),
                ("address", "شارع الأمل، بيت ٧"),
            ],
        ),
        (
            "/api/save_household_circumstances",
            vec![("income_bracket", "under_3000"), ("dependants", "٤")],
        ),
        (
            "/api/save_household_crafts",
            vec![("sweets", "on"), ("food", "on")],
        ),
    ] {
        let r = browser.post_api(path, &form).await;
        assert_eq!(r.status(), 200, "{path}: {}", r.text().await.unwrap());
    }
}

/// Fills the wizard and submits it with consent: a registered household.
pub async fn register_household(browser: &Browser, district_id: i64) {
    fill_household(browser, district_id).await;
    let r = browser
        .post_api(
            "/api/submit_household",
            &[("consent", app::registry::PRIVACY_NOTICE_VERSION)],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

/// The family applies for training (routed to Al Nakhla on the demo
/// coverage); returns the line's id.
pub async fn apply_for_training(app: &TestApp, family: &Browser) -> i64 {
    register_household(family, jeddah_district(&app.state.db, 0).await).await;
    submit_training_application(app, family, "أحتاج دورة خياطة").await
}

/// The family (its household already registered) applies for training with
/// this description; returns the line's id.
pub async fn submit_training_application(
    app: &TestApp,
    family: &Browser,
    description: &str,
) -> i64 {
    let form: serde_json::Value = family
        .post_api("/api/get_apply_form", &[])
        .await
        .json()
        .await
        .unwrap();
    let (training,): (i64,) =
        sqlx::query_as("SELECT id FROM assistance_types WHERE code = 'training'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let r = family
        .post_api(
            "/api/submit_application",
            &[
                ("submission_key", form["submission_key"].as_str().unwrap()),
                ("lines[0][assistance_type_id]", &training.to_string()),
                ("lines[0][chosen]", "1"),
                ("lines[0][description]", description),
                ("lines[0][amount]", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let (line,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM application_lines")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    line
}
