//! The partners' API (issue 18 §4), through real HTTP on SQLite and
//! PostgreSQL: tokens created by the council only, their secret shown once
//! and stored hashed; 401 without a token or with a revoked one, 403 out of
//! scope, 429 past the rate; the indicators equal to the council
//! dashboard's for the same filters, small counts suppressed; the DCI sync
//! search (registered, not registered, benefits withheld outside the
//! token's association, a malformed body); the audit rows; and the
//! family's "My data" naming the partner that looked it up.
//! National IDs of this file start with 138000.

mod common;

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

async fn tokens_are_the_councils_and_shown_once(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    let form = [
        ("partner_name_ar", "وزارة الموارد البشرية"),
        ("partner_name_en", "Ministry of Human Resources"),
        ("scope", "indicators"),
    ];
    // Only the council: staff and families are refused (403), nobody signed in 401.
    assert_eq!(
        staff
            .post_api("/api/create_partner_token", &form)
            .await
            .status(),
        403
    );
    let family = app.signed_in(&with_check_digit("138000001")).await;
    assert_eq!(
        family
            .post_api("/api/create_partner_token", &form)
            .await
            .status(),
        403
    );
    assert_eq!(
        app.browser()
            .post_api("/api/create_partner_token", &form)
            .await
            .status(),
        401
    );
    assert_eq!(staff.get("/council/partners").await.status(), 403);
    assert_eq!(one(&app, "SELECT COUNT(*) FROM partner_tokens").await, 0);

    // The council's form, without JavaScript: back to the page, which shows
    // the secret once.
    let r = council
        .post_form_from("/council/partners", "/api/create_partner_token", &form)
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    assert!(common::location(&r).starts_with("/council/partners"));
    let page = council.get("/council/partners").await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    let start = html.find("tkm_").expect("the new secret on the page");
    let secret: String = html[start..].chars().take(68).collect();
    assert!(
        app::reporting::partner::looks_like_secret(&secret),
        "{secret}"
    );
    assert!(html.contains("Ministry of Human Resources") || html.contains("وزارة الموارد البشرية"));
    let again = council.get("/council/partners").await.text().await.unwrap();
    assert!(!again.contains(&secret), "the secret is shown once");
    // Stored as its SHA-256 only.
    let (hash, name): (String, String) =
        sqlx::query_as("SELECT secret_sha256, partner_name_en FROM partner_tokens")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(hash, app::identity::session::hash_token(&secret));
    assert_eq!(name, "Ministry of Human Resources");
    let stored: (String, String, String, String) = sqlx::query_as(
        "SELECT partner_name_ar, partner_name_en, scope, secret_sha256 FROM partner_tokens",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(
        ![&stored.0, &stored.1, &stored.2, &stored.3]
            .iter()
            .any(|v| v.contains(&secret[4..]))
    );
    // It works, until revoked.
    let (status, _, _) = call(&app, Some(&secret), "/api/v1/indicators", None).await;
    assert_eq!(status, 200);

    // A households token needs an association (422, nothing stored).
    let r = council
        .post_api(
            "/api/create_partner_token",
            &[
                ("partner_name_ar", "وزارة"),
                ("partner_name_en", "Ministry"),
                ("scope", "households"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(one(&app, "SELECT COUNT(*) FROM partner_tokens").await, 1);
    assert_eq!(
        app::audit::count_actions(&app.state.db, "partner_token_created")
            .await
            .unwrap(),
        1
    );

    // Revoked by the council (staff may not): the next call is 401.
    let id: i64 = one(&app, "SELECT id FROM partner_tokens").await;
    let revoke = [("token_id", id.to_string())];
    let revoke: Vec<(&str, &str)> = revoke.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        staff
            .post_api("/api/revoke_partner_token", &revoke)
            .await
            .status(),
        403
    );
    assert_eq!(
        council
            .post_api("/api/revoke_partner_token", &revoke)
            .await
            .status(),
        200
    );
    assert_eq!(
        council
            .post_api("/api/revoke_partner_token", &revoke)
            .await
            .status(),
        404
    );
    let (status, body, headers) = call(&app, Some(&secret), "/api/v1/indicators", None).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "err.request.unauthorized");
    assert!(headers.contains_key("www-authenticate"));
    assert_eq!(
        app::audit::count_actions(&app.state.db, "partner_token_revoked")
            .await
            .unwrap(),
        1
    );
    let page = council.get("/council/partners").await.text().await.unwrap();
    assert!(page.contains("data-testid=\"partner-token\""));
    // The refused call is audited with the token.
    let denied = one(
        &app,
        &format!(
            "SELECT COUNT(*) FROM audit_events WHERE partner_token_id = {id} \
             AND action = 'access_denied' AND actor_user_id IS NULL"
        ),
    )
    .await;
    assert_eq!(denied, 1);
}

async fn tokens_are_checked_scoped_and_counted(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    // Without a token, or with one that is not ours: 401, for every route
    // the OpenAPI document names (so each is routed), but the document itself.
    let (status, doc, _) = call(&app, None, "/api/v1/openapi.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path.ends_with("openapi.json") {
            continue;
        }
        let path = path.replace("{key}", "registered_households");
        for method in item.as_object().unwrap().keys() {
            let body = (method == "post").then(|| search(&[]));
            let (status, answer, _) = call(&app, None, &path, body.as_ref()).await;
            assert_eq!(status, 401, "{method} {path}: {answer}");
            assert_eq!(answer["error"]["code"], "err.request.unauthorized");
            let fake = format!("tkm_{}", "0".repeat(64));
            let (status, _, _) = call(&app, Some(&fake), &path, body.as_ref()).await;
            assert_eq!(status, 401, "{method} {path} with an unknown token");
        }
    }
    // A session cookie is no way in.
    assert_eq!(council.get("/api/v1/indicators").await.status(), 401);

    // An indicators token: aggregates yes, look-up no (403, audited).
    let (id, secret) = token(&council, "Funder", "indicators", None).await;
    let (status, list, _) = call(&app, Some(&secret), "/api/v1/indicators", None).await;
    assert_eq!(status, 200);
    assert!(list["indicators"].as_array().unwrap().len() >= 18);
    let (status, answer, _) = call(
        &app,
        Some(&secret),
        SEARCH,
        Some(&search(&[&with_check_digit("138000010")])),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(answer["error"]["code"], "err.request.forbidden");
    let (status, answer, _) = call(
        &app,
        Some(&secret),
        "/api/v1/indicators/no_such_thing",
        None,
    )
    .await;
    assert_eq!(status, 404, "{answer}");
    let (status, answer, _) = call(
        &app,
        Some(&secret),
        "/api/v1/indicators/registered_households?city=abc",
        None,
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    let (status, _, _) = call(
        &app,
        Some(&secret),
        "/api/v1/indicators/registered_households?from=2026-02-01&to=2026-01-01",
        None,
    )
    .await;
    assert_eq!(status, 400);
    // Every call is audited with the token, the route and the status.
    let rows: Vec<(String, Option<String>, Option<i64>)> = sqlx::query_as(
        "SELECT action, detail, actor_user_id FROM audit_events WHERE partner_token_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(rows.len(), 5, "{rows:?}");
    assert_eq!(rows[0].0, "partner_api_called");
    assert_eq!(rows[0].1.as_deref(), Some("GET /api/v1/indicators 200"));
    assert_eq!(rows[1].0, "access_denied");
    assert_eq!(
        rows[1].1.as_deref(),
        Some("POST /api/v1/registry/sync/search 403")
    );
    assert!(rows.iter().all(|r| r.2.is_none()));
    let used = one(
        &app,
        &format!(
            "SELECT COUNT(*) FROM partner_tokens WHERE id = {id} AND last_used_at IS NOT NULL"
        ),
    )
    .await;
    assert_eq!(used, 1);
}

/// The rate: a low limit (5 a minute) so the test reaches it.
async fn the_rate_is_limited_per_token(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let (_, first) = token(&council, "First", "indicators", None).await;
    let (_, second) = token(&council, "Second", "indicators", None).await;
    for i in 0..5 {
        let (status, _, _) = call(&app, Some(&first), "/api/v1/indicators", None).await;
        assert_eq!(status, 200, "call {i}");
    }
    let (status, answer, headers) = call(&app, Some(&first), "/api/v1/indicators", None).await;
    assert_eq!(status, 429);
    assert_eq!(answer["error"]["code"], "err.request.too_many_requests");
    let wait: i64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Another token has its own count.
    let (status, _, _) = call(&app, Some(&second), "/api/v1/indicators", None).await;
    assert_eq!(status, 200);
}

/// The period of the comparisons: this year and the last.
fn period() -> (String, String) {
    let today = app::time::SaudiDate::of(app::database::now()).to_string();
    let year: i64 = today[..4].parse().unwrap();
    (format!("{}-01-01", year - 1), today)
}

async fn indicators_are_the_dashboards_suppressed(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    // One family in a district of its own: a count of 1 there.
    let district = common::jeddah_district(&app.state.db, 7).await;
    let family = app.signed_in(&with_check_digit("138000002")).await;
    common::register_household(&family, district).await;
    let (_, secret) = token(&council, "Funder", "indicators", None).await;
    let (from, to) = period();
    let mut suppressed_seen = 0;
    let mut values_seen = 0;
    for filters in [
        format!("from={from}&to={to}"),
        format!("from={from}&to={to}&district={district}"),
        format!(
            "from={from}&to={to}&association={}",
            association(&app, "DEMO-001").await
        ),
    ] {
        let form: Vec<(String, String)> =
            std::iter::once(("board".to_string(), "council".to_string()))
                .chain(filters.split('&').map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap();
                    (k.to_string(), v.to_string())
                }))
                .collect();
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = council.post_api("/api/get_dashboard", &form).await;
        assert_eq!(r.status(), 200);
        let board: Value = r.json().await.unwrap();
        for indicator in app::reporting::Indicator::ALL {
            let (status, figure, _) = call(
                &app,
                Some(&secret),
                &format!("/api/v1/indicators/{}?{filters}", indicator.key()),
                None,
            )
            .await;
            assert_eq!(status, 200, "{}: {figure}", indicator.key());
            let variant = serde_json::to_value(indicator).unwrap();
            let rows: Vec<&Value> = board["rows"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["indicator"] == variant)
                .collect();
            let mut api_rows = vec![("".to_string(), figure["total"].clone())];
            for part in figure["breakdown"].as_array().unwrap() {
                api_rows.push((part["key"].as_str().unwrap().to_string(), part.clone()));
            }
            assert_eq!(rows.len(), api_rows.len(), "{}: {filters}", indicator.key());
            for (key, api) in api_rows {
                let row = rows.iter().find(|r| r["key"] == key.as_str()).unwrap();
                let council_value = row["shown"]["Value"].as_i64();
                if api["suppressed"] == true {
                    suppressed_seen += 1;
                    assert!(api["value"].is_null());
                    // Only what the council sees as a small, non-zero figure.
                    assert!(
                        council_value.is_some_and(|v| v != 0),
                        "{} {key}",
                        indicator.key()
                    );
                    // Withheld beside a small one (complementary suppression): any size.
                    if indicator.unit() == app::reporting::Unit::Count && api["withheld"] != true {
                        assert!(
                            (1..5).contains(&council_value.unwrap()),
                            "{} {key}",
                            indicator.key()
                        );
                    }
                } else {
                    if council_value.is_some() {
                        values_seen += 1;
                    }
                    assert_eq!(
                        api["value"].as_i64(),
                        council_value,
                        "{} {key}: {filters}",
                        indicator.key()
                    );
                }
            }
        }
    }
    assert!(
        suppressed_seen > 0 && values_seen > 0,
        "{suppressed_seen} {values_seen}"
    );
    // The lone family's district: one registered household, "fewer than 5".
    let (_, figure, _) = call(
        &app,
        Some(&secret),
        &format!(
            "/api/v1/indicators/registered_households?from={from}&to={to}&district={district}"
        ),
        None,
    )
    .await;
    assert_eq!(figure["total"], json!({"value": null, "suppressed": true}));
    assert_eq!(figure["unit"], "count");
    assert_eq!(figure["name"]["en"], "Registered households");
    assert_eq!(figure["filters"]["district"], district);
    // A filter the indicator is not cut by is said so.
    let (_, figure, _) = call(
        &app,
        Some(&secret),
        "/api/v1/indicators/registered_households?assistance_type=1",
        None,
    )
    .await;
    assert_eq!(figure["filters_not_applied"], json!(["assistance_type"]));
}

async fn households_are_looked_up_in_the_dci_envelope(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    // A family served by Al Nakhla, with a benefit.
    let family_id = with_check_digit("138000003");
    let family = app.signed_in(&family_id).await;
    let line = common::apply_for_training(&app, &family).await.to_string();
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    staff
        .post_api("/api/get_line_detail", &[("line_id", &line)])
        .await;
    for (action, extra) in [
        ("start_review", vec![]),
        ("approve", vec![]),
        ("fulfil", vec![("value", "٥٠٠"), ("given_on", "2026-11-20")]),
    ] {
        let mut form = vec![("line_id", line.as_str()), ("action", action)];
        form.extend(extra);
        let r = staff.post_api("/api/act_on_line", &form).await;
        assert_eq!(r.status(), 200, "{action}");
    }
    let (nakhla, bahr) = (
        association(&app, "DEMO-001").await,
        association(&app, "DEMO-002").await,
    );
    let nakhla_name: (String,) = sqlx::query_as("SELECT name_ar FROM associations WHERE id = $1")
        .bind(nakhla)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let (ministry_id, ministry) = token(
        &council,
        "Ministry of Human Resources",
        "households",
        Some(nakhla),
    )
    .await;
    let (_, other) = token(&council, "Another ministry", "households", Some(bahr)).await;

    // Registered, served by Al Nakhla, with the benefit (no amount).
    let nobody = with_check_digit("138000099");
    let (status, answer, _) = call(
        &app,
        Some(&ministry),
        SEARCH,
        Some(&search(&[&family_id, &nobody, "12345"])),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["header"]["action"], "on-search");
    assert_eq!(answer["header"]["status"], "succ");
    assert_eq!(answer["header"]["message_id"], "msg-1");
    assert_eq!(answer["header"]["receiver_id"], "ministry.example.sa");
    assert_eq!(answer["message"]["transaction_id"], "txn-1");
    let responses = answer["message"]["search_response"].as_array().unwrap();
    assert_eq!(responses.len(), 3);
    assert_eq!(responses[0]["reference_id"], "ref-0");
    assert_eq!(responses[0]["status"], "succ");
    let record = &responses[0]["data"]["reg_records"][0];
    assert_eq!(record["registered"], true, "{answer}");
    assert_eq!(
        record["serving_associations"][0]["name_ar"],
        nakhla_name.0.as_str()
    );
    assert_eq!(record["benefits_withheld"], false);
    assert_eq!(record["benefits"][0]["assistance_type"], "training");
    assert_eq!(record["benefits"][0]["given_on"], "2026-11-20");
    // Not registered; and an item that is no national ID is rejected alone.
    assert_eq!(responses[1]["status"], "succ");
    assert_eq!(responses[1]["data"]["reg_records"][0]["registered"], false);
    assert_eq!(responses[2]["status"], "rjct");
    assert_eq!(
        responses[2]["status_reason_code"],
        "rjct.search_criteria.invalid"
    );
    let text = answer.to_string();
    for absent in [
        family_id.as_str(),
        nobody.as_str(),
        "50000",
        "٥٠٠",
        "966551",
        "شارع",
    ] {
        assert!(!text.contains(absent), "{absent} in {text}");
    }

    // Another association's token: registered and served by, no benefits.
    let (status, answer, _) = call(&app, Some(&other), SEARCH, Some(&search(&[&family_id]))).await;
    assert_eq!(status, 200);
    let record = &answer["message"]["search_response"][0]["data"]["reg_records"][0];
    assert_eq!(record["registered"], true);
    assert_eq!(record["benefits_withheld"], true);
    assert!(record.get("benefits").is_none(), "{record}");

    // A malformed body: 400, in the DCI shape.
    let (status, answer, _) = call(&app, Some(&ministry), SEARCH, Some(&json!({"hello": 1}))).await;
    assert_eq!(status, 400);
    assert_eq!(answer["header"]["status"], "rjct");
    assert!(
        answer["header"].get("status_reason_code").is_none(),
        "{answer}"
    );
    assert_eq!(answer["error"]["code"], "err.request.bad");
    let mut wrong = search(&[&family_id]);
    wrong["header"]["action"] = json!("subscribe");
    let (status, answer, _) = call(&app, Some(&ministry), SEARCH, Some(&wrong)).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["header"]["status_reason_code"],
        "rjct.action.invalid"
    );
    let r = partner_client()
        .post(app.url(SEARCH))
        .bearer_auth(&ministry)
        .body("not json at all")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // The audit: one look-up row per household found, the household as
    // its subject, the token as the actor; the national ID nowhere.
    let household = one(
        &app,
        &format!("SELECT id FROM households WHERE head_national_id = '{family_id}'"),
    )
    .await;
    let lookups: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT partner_token_id, subject_id, actor_user_id FROM audit_events \
         WHERE action = 'partner_lookup' ORDER BY id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(lookups.len(), 2, "{lookups:?}");
    assert_eq!(lookups[0], (ministry_id, household.to_string(), None));
    let leaked = one(
        &app,
        &format!(
            "SELECT COUNT(*) FROM audit_events WHERE detail LIKE '%{family_id}%' \
             OR subject_id = '{family_id}' OR detail LIKE '%{nobody}%'"
        ),
    )
    .await;
    assert_eq!(leaked, 0);

    // The family's "My data": read by the partner, by its name, never a person.
    let mine: Value = family
        .post_api("/api/get_my_data", &[])
        .await
        .json()
        .await
        .unwrap();
    let reads = mine["reads"].as_array().unwrap();
    let by_partner: Vec<&Value> = reads
        .iter()
        .filter(|r| r["kind"] == "partner_lookup")
        .collect();
    assert_eq!(by_partner.len(), 2, "{mine}");
    assert_eq!(
        by_partner[1]["association_name_en"],
        "Ministry of Human Resources"
    );
    assert_eq!(by_partner[0]["association_name_en"], "Another ministry");
    let page = family.get("/my-data").await.text().await.unwrap();
    assert!(
        page.contains("Ministry of Human Resources بالعربية"),
        "the partner's name on the page"
    );
}

both_engines! {
    async fn the_council_makes_tokens_and_the_secret_is_shown_once(app: TestApp) {
        tokens_are_the_councils_and_shown_once(app).await;
    }
    async fn tokens_are_checked_scoped_and_audited(app: TestApp) {
        tokens_are_checked_scoped_and_counted(app).await;
    }
    async fn indicators_equal_the_dashboard_with_small_counts_suppressed(app: TestApp) {
        indicators_are_the_dashboards_suppressed(app).await;
    }
    async fn the_dci_look_up_answers_and_is_audited_for_the_family(app: TestApp) {
        households_are_looked_up_in_the_dci_envelope(app).await;
    }
}

/// A server whose tokens may make 5 calls a minute.
async fn low_rate(engine: Engine) -> Option<TestApp> {
    let settings = Settings {
        partner_api_per_minute: 5,
        ..Settings::development()
    };
    common::spawn_app_with(engine, settings).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_is_limited_per_token_sqlite() {
    the_rate_is_limited_per_token(low_rate(Engine::Sqlite).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_is_limited_per_token_postgres() {
    if let Some(app) = low_rate(Engine::Postgres).await {
        the_rate_is_limited_per_token(app).await;
    }
}
