//! Sign-in limits a stranger cannot turn against a person: counted per
//! client behind a trusted proxy.

use super::*;

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

/// A server behind a reverse proxy on loopback (as in production).
async fn behind_a_proxy(engine: Engine) -> Option<TestApp> {
    let settings = Settings {
        trusted_proxies: vec!["127.0.0.1/32".parse().unwrap()],
        ..Settings::development()
    };
    common::spawn_app_with(engine, settings).await
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
