//! The partners' API (issue 18 §4), through real HTTP on SQLite and
//! PostgreSQL: tokens created by the council only, their secret shown once
//! and stored hashed; 401 without a token or with a revoked one, 403 out of
//! scope, 429 past the rate; the indicators equal to the council
//! dashboard's for the same filters, small counts suppressed; the DCI sync
//! search (registered, not registered, benefits withheld outside the
//! token's association, a malformed body); the audit rows; and the
//! family's "My data" naming the partner that looked it up.
//! National IDs of this file start with 138000.

#[path = "../common/mod.rs"]
mod common;
mod households;
mod indicators;
mod tokens;

use app::database::Engine;
use app::identity::{RoleKind, with_check_digit};
use app::state::Settings;
use common::{Browser, TestApp, persona};
use serde_json::{Value, json};

const MONA_NAKHLA_STAFF: &str = "1000000032";

/// A client without cookies, as a partner's server is.
fn partner_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap()
}

/// One call: (status, JSON body, headers).
async fn call(
    app: &TestApp,
    secret: Option<&str>,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let client = partner_client();
    let url = app.url(path);
    let mut request = match body {
        Some(body) => client.post(url).json(body),
        None => client.get(url),
    };
    if let Some(secret) = secret {
        request = request.bearer_auth(secret);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
        headers,
    )
}

async fn one(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    n
}

async fn association(app: &TestApp, licence: &str) -> i64 {
    one(
        app,
        &format!("SELECT id FROM associations WHERE licence_number = '{licence}'"),
    )
    .await
}

/// A token made by the council through the JSON server function: (id, secret).
async fn token(
    council: &Browser,
    name: &str,
    scope: &str,
    association: Option<i64>,
) -> (i64, String) {
    let association = association.map(|a| a.to_string()).unwrap_or_default();
    let r = council
        .post_api(
            "/api/create_partner_token",
            &[
                ("partner_name_ar", &format!("{name} بالعربية")),
                ("partner_name_en", name),
                ("scope", scope),
                ("association", &association),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    (
        body["token_id"].as_i64().unwrap(),
        body["secret"].as_str().unwrap().to_string(),
    )
}

/// The search envelope for these national IDs.
fn search(ids: &[&str]) -> Value {
    let items: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            json!({
                "reference_id": format!("ref-{i}"),
                "timestamp": "2026-12-04T09:00:00Z",
                "search_criteria": {
                    "version": "1.0.0",
                    "reg_type": {"namespace": "ns:dci:registry-type:v1", "value": "social"},
                    "query_type": "idtype-value",
                    "query": {"type": "NATIONAL_ID", "value": id},
                },
                "locale": "ar",
            })
        })
        .collect();
    json!({
        "signature": "",
        "header": {
            "version": "1.0.0", "message_id": "msg-1", "message_ts": "2026-12-04T09:00:00Z",
            "action": "search", "sender_id": "ministry.example.sa", "receiver_id": "takamul",
            "total_count": ids.len(),
        },
        "message": {"transaction_id": "txn-1", "search_request": items},
    })
}

const SEARCH: &str = "/api/v1/registry/sync/search";
