//! The real Nafath client against a fake Nafath on loopback that speaks the
//! documented protocol: request, status, JWK set, and callback JWTs.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::database::{Db, Engine};
use app::identity::nafath::{
    HttpNafath, NafathClientConfig, NafathError, NafathProvider, NafathStatus, NafathTransaction,
};
use app::identity::{NationalId, with_check_digit};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use common::location;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

const APP_ID: &str = "takamul-test";
const APP_KEY: &str = "secret-test-key";

/// What the fake answers for a national ID's status.
#[derive(Clone, Copy)]
enum Script {
    Completed,
    Rejected,
    Expired,
    Waiting,
    Slow,
    Malformed,
    ServerError,
}

#[derive(Clone, Default)]
struct Fake {
    scripts: Arc<Mutex<HashMap<String, Script>>>,
    /// How many times the key set was fetched.
    jwk_fetches: Arc<std::sync::atomic::AtomicUsize>,
}

fn authorized(headers: &HeaderMap) -> bool {
    headers.get("APP-ID").is_some_and(|v| v == APP_ID)
        && headers.get("APP-KEY").is_some_and(|v| v == APP_KEY)
}

async fn request(State(_): State<Fake>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let id = body["nationalId"].as_str().unwrap_or_default();
    if body["service"].as_str().is_none() || id.len() != 10 {
        return StatusCode::BAD_REQUEST.into_response();
    }
    Json(json!({ "transId": format!("tx-{id}"), "random": "42" })).into_response()
}

async fn status(State(fake): State<Fake>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let id = body["nationalId"].as_str().unwrap_or_default().to_string();
    if body["transId"] != json!(format!("tx-{id}")) || body["random"] != json!("42") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let script = fake
        .scripts
        .lock()
        .unwrap()
        .get(&id)
        .copied()
        .unwrap_or(Script::Waiting);
    match script {
        Script::Completed => Json(json!({
            "status": "COMPLETED",
            "person": { "nationalId": id, "arFullName": "خديجة محمد الاختبار", "enFullName": "Khadija Mohammed Test" }
        }))
        .into_response(),
        Script::Rejected => Json(json!({ "status": "REJECTED" })).into_response(),
        Script::Expired => Json(json!({ "status": "EXPIRED" })).into_response(),
        Script::Waiting => Json(json!({ "status": "WAITING" })).into_response(),
        Script::Slow => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            Json(json!({ "status": "COMPLETED" })).into_response()
        }
        Script::Malformed => (StatusCode::OK, "<html>maintenance</html>").into_response(),
        Script::ServerError => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn jwk(State(fake): State<Fake>) -> Response {
    fake.jwk_fetches
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let jwks: Value = serde_json::from_str(include_str!("fixtures/nafath_test_jwks.json")).unwrap();
    Json(jwks).into_response()
}

/// Starts the fake Nafath; returns its base URL and its script board.
async fn spawn_fake() -> (String, Fake) {
    let fake = Fake::default();
    let router = Router::new()
        .route("/api/v1/mfa/request", post(request))
        .route("/api/v1/mfa/request/status", post(status))
        .route("/api/v1/mfa/jwk", get(jwk))
        // A redirect that would carry the app key elsewhere.
        .route(
            "/moved/api/v1/mfa/request",
            post(|| async { axum::response::Redirect::temporary("/api/v1/mfa/request") }),
        )
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), fake)
}

fn client(base: &str, app_key: &str) -> HttpNafath {
    HttpNafath::new(NafathClientConfig {
        base_url: base.to_string(),
        app_id: APP_ID.to_string(),
        app_key: app_key.to_string(),
        service: "Login".to_string(),
        timeout: Duration::from_secs(1),
    })
    .unwrap()
}

fn person(nine: &str) -> NationalId {
    NationalId::parse(&with_check_digit(nine)).unwrap()
}

fn token(key_pem: &[u8], kid: &str, claims: Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_string());
    jsonwebtoken::encode(
        &header,
        &claims,
        &EncodingKey::from_rsa_pem(key_pem).unwrap(),
    )
    .unwrap()
}

fn claims(id: &NationalId, status: &str) -> Value {
    json!({
        "transId": format!("tx-{}", id.as_str()),
        "nationalId": id.as_str(),
        "status": status,
        "person": { "arFullName": "خديجة محمد الاختبار", "enFullName": "Khadija Mohammed Test" },
        "exp": chrono_now() + 300,
    })
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

const GOOD_KEY: &[u8] = include_bytes!("fixtures/nafath_test_key.pem");
const OTHER_KEY: &[u8] = include_bytes!("fixtures/other_test_key.pem");

async fn status_for(script: Script, nine: &str) -> Result<NafathStatus, NafathError> {
    let (base, fake) = spawn_fake().await;
    let id = person(nine);
    fake.scripts
        .lock()
        .unwrap()
        .insert(id.as_str().to_string(), script);
    let nafath = client(&base, APP_KEY);
    let transaction = nafath.request(&id).await.unwrap();
    assert_eq!(
        transaction,
        NafathTransaction {
            trans_id: format!("tx-{}", id.as_str()),
            random: "42".into()
        }
    );
    nafath.status(&id, &transaction).await
}

#[tokio::test]
async fn success_carries_the_asserted_names() {
    match status_for(Script::Completed, "109000001").await.unwrap() {
        NafathStatus::Completed(p) => {
            assert_eq!(p.name_ar.as_deref(), Some("خديجة محمد الاختبار"));
            assert_eq!(p.name_en.as_deref(), Some("Khadija Mohammed Test"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn rejection_expiry_and_waiting() {
    assert_eq!(
        status_for(Script::Rejected, "109000002").await.unwrap(),
        NafathStatus::Rejected
    );
    assert_eq!(
        status_for(Script::Expired, "109000003").await.unwrap(),
        NafathStatus::Expired
    );
    assert_eq!(
        status_for(Script::Waiting, "109000004").await.unwrap(),
        NafathStatus::Waiting
    );
}

#[tokio::test]
async fn slow_malformed_and_failing_answers_are_errors() {
    assert!(matches!(
        status_for(Script::Slow, "109000005").await,
        Err(NafathError::Timeout)
    ));
    assert!(matches!(
        status_for(Script::Malformed, "109000006").await,
        Err(NafathError::Malformed(_))
    ));
    assert!(matches!(
        status_for(Script::ServerError, "109000007").await,
        Err(NafathError::Http(500))
    ));
}

#[tokio::test]
async fn wrong_app_key_is_refused_and_unreachable_nafath_is_reported() {
    let (base, _) = spawn_fake().await;
    let result = client(&base, "wrong").request(&person("109000008")).await;
    assert!(matches!(result, Err(NafathError::Http(401))), "{result:?}");
    // Nothing listens on port 9 of loopback.
    let result = client("http://127.0.0.1:9", APP_KEY)
        .request(&person("109000008"))
        .await;
    assert!(
        matches!(
            result,
            Err(NafathError::Transport(_) | NafathError::Timeout)
        ),
        "{result:?}"
    );
}

#[tokio::test]
async fn forged_key_ids_fetch_the_key_set_at_most_once_a_minute() {
    let (base, fake) = spawn_fake().await;
    let nafath = client(&base, APP_KEY);
    let id = person("109000011");
    for _ in 0..5 {
        let unknown_kid = token(GOOD_KEY, "made-up", claims(&id, "COMPLETED"));
        assert!(matches!(
            nafath.verify_callback(&unknown_kid).await,
            Err(NafathError::InvalidToken(_))
        ));
    }
    assert_eq!(
        fake.jwk_fetches.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    // The known key still verifies without another fetch.
    let good = token(GOOD_KEY, "test-key-1", claims(&id, "COMPLETED"));
    assert!(nafath.verify_callback(&good).await.is_ok());
    assert_eq!(
        fake.jwk_fetches.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
}

#[tokio::test]
async fn redirects_are_not_followed_with_the_app_key() {
    let (base, _) = spawn_fake().await;
    // Nafath "moved": its request path answers with a redirect to a path that
    // would succeed. Following it would send APP-KEY wherever it points.
    let moved = client(&format!("{base}/moved"), APP_KEY);
    match moved.request(&person("109000012")).await {
        Err(NafathError::Http(307)) => {}
        other => panic!(
            "the redirect must not be followed: {:?}",
            other.map(|t| t.trans_id)
        ),
    }
}

#[tokio::test]
async fn callback_tokens_are_verified_against_the_jwk_set() {
    let (base, _) = spawn_fake().await;
    let nafath = client(&base, APP_KEY);
    let id = person("109000009");

    let good = token(GOOD_KEY, "test-key-1", claims(&id, "COMPLETED"));
    let assertion = nafath.verify_callback(&good).await.unwrap();
    assert_eq!(assertion.trans_id, format!("tx-{}", id.as_str()));
    assert!(matches!(assertion.status, NafathStatus::Completed(_)));

    let forged = token(OTHER_KEY, "test-key-1", claims(&id, "COMPLETED"));
    assert!(matches!(
        nafath.verify_callback(&forged).await,
        Err(NafathError::InvalidToken(_))
    ));

    let unknown_kid = token(GOOD_KEY, "nope", claims(&id, "COMPLETED"));
    assert!(matches!(
        nafath.verify_callback(&unknown_kid).await,
        Err(NafathError::InvalidToken(_))
    ));

    let mut expired_claims = claims(&id, "COMPLETED");
    expired_claims["exp"] = json!(chrono_now() - 3600);
    let expired = token(GOOD_KEY, "test-key-1", expired_claims);
    assert!(matches!(
        nafath.verify_callback(&expired).await,
        Err(NafathError::InvalidToken(_))
    ));

    let hs256 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(&id, "COMPLETED"),
        &EncodingKey::from_secret(b"guess"),
    )
    .unwrap();
    assert!(matches!(
        nafath.verify_callback(&hs256).await,
        Err(NafathError::InvalidToken(_))
    ));
    assert!(matches!(
        nafath.verify_callback("not.a.jwt").await,
        Err(NafathError::InvalidToken(_))
    ));
}

/// The whole flow through our server with the real client: start, the
/// callback JWT settles the attempt (no COMPLETED from polling), poll signs in.
async fn callback_signs_in(engine: Engine) {
    let Some(database) = common::TestDatabase::create(engine).await else {
        return;
    };
    let db = Db::connect(&database.url, 8).await.unwrap();
    db.migrate().await.unwrap();
    let (base, _fake) = spawn_fake().await;
    let nafath: Arc<dyn NafathProvider> = Arc::new(client(&base, APP_KEY));
    let app = common::start(database, db, nafath, Default::default()).await;
    let id = person("109000010");

    let start = app
        .post_form("/api/start_sign_in", &[("national_id", id.as_str())])
        .await;
    assert_eq!(location(&start), "/sign-in/wait");
    // The fake keeps answering WAITING to polls.
    assert_eq!(
        location(&app.get("/api/poll_sign_in").await),
        "/sign-in/wait"
    );

    let callback = reqwest::Client::new();
    let forged = token(OTHER_KEY, "test-key-1", claims(&id, "COMPLETED"));
    let r = callback
        .post(app.url("/api/nafath/callback"))
        .json(&json!({ "token": forged }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        location(&app.get("/api/poll_sign_in").await),
        "/sign-in/wait"
    );

    let good = token(GOOD_KEY, "test-key-1", claims(&id, "COMPLETED"));
    let r = callback
        .post(app.url("/api/nafath/callback"))
        .json(&json!({ "token": good }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let poll = app.get("/api/poll_sign_in").await;
    assert_eq!(location(&poll), "/account");
    let account = app.get("/account").await.text().await.unwrap();
    assert!(account.contains("خديجة محمد الاختبار"));
    assert!(
        !account.contains("/nafath-simulator"),
        "no simulator link with the real client"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_signs_in_on_sqlite() {
    callback_signs_in(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_signs_in_on_postgres() {
    callback_signs_in(Engine::Postgres).await;
}
