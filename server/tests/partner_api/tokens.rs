//! Partner tokens: created by the council only, the secret shown once and
//! stored hashed; 401 without a token or with a revoked one, 403 out of
//! scope, the audit rows; 429 past the rate, counted per token.

use super::*;

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

both_engines! {
    async fn the_council_makes_tokens_and_the_secret_is_shown_once(app: TestApp) {
        tokens_are_the_councils_and_shown_once(app).await;
    }
    async fn tokens_are_checked_scoped_and_audited(app: TestApp) {
        tokens_are_checked_scoped_and_counted(app).await;
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
