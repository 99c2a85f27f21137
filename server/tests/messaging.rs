//! Messages that reach the family (issue 17 §3), through real HTTP on SQLite
//! and PostgreSQL: the SMS (Taqnyat) and WhatsApp Cloud API clients' requests
//! as the providers document them; the simulator's failure numbers; the
//! outbox retried with backoff, held in quiet hours, silent for a family that
//! chose no messages, fed by a real decision in the decision's transaction;
//! and sent exactly once by two server instances sharing one database.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::database::{Db, now};
use app::messaging::providers::{SendError, TaqnyatClient, WhatsAppClient};
use app::messaging::simulator::{FLAKY_NUMBER, INVALID_NUMBER, NO_BALANCE_NUMBER};
use app::messaging::{
    Message, MessagingMode, Named, QuietHours, SmsConfig, WhatsAppConfig, db as outbox, worker,
};
use app::state::Settings;
use common::{Browser, TestApp, location};

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";
const STAFF_NAKHLA: &str = "1000000032";

/// Development settings with the messaging simulator on, never quiet, and a
/// ten-second first retry.
fn settings() -> Settings {
    let mut s = Settings::development();
    s.messaging.mode = MessagingMode::Simulator;
    s.messaging.retry_base_secs = 10;
    s.messaging.max_attempts = 5;
    s.messaging.quiet_hours = QuietHours {
        start_minute: 0,
        end_minute: 0,
    };
    s.messaging.poll_ms = 20;
    s
}

macro_rules! messaging_tests {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {
        $(
            async fn $name($app: common::TestApp) $body
        )*
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = super::common::spawn_app_with(app::database::Engine::Sqlite, super::settings()).await.unwrap();
                    super::$name(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(app) = super::common::spawn_app_with(app::database::Engine::Postgres, super::settings()).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}

async fn user_id(db: &Db, national_id: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE national_id = $1")
        .bind(national_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    id
}

/// Signs a family in and saves its message settings through the account form.
async fn family_choosing(
    app: &TestApp,
    national_id: &str,
    form: &[(&str, &str)],
) -> (Browser, i64) {
    let family = app.signed_in(national_id).await;
    let r = family
        .post_form_from("/account", "/api/save_message_preferences", form)
        .await;
    assert!(
        [302, 303].contains(&r.status().as_u16()),
        "{:?}",
        r.text().await
    );
    let id = user_id(&app.state.db, national_id).await;
    (family, id)
}

async fn enqueue(db: &Db, user: i64, message: &Message, urgent: bool) -> Option<i64> {
    let mut tx = db.begin_write().await.unwrap();
    let id = outbox::enqueue(&mut tx, user, message, urgent)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

fn sewing(approved: bool) -> Message {
    Message::ApplicationDecision {
        assistance: Named::new("ماكينة خياطة", "Sewing machine"),
        approved,
    }
}

async fn outbox_row(db: &Db, id: i64) -> (String, i64, Option<String>, Option<String>) {
    sqlx::query_as(
        "SELECT status, attempts, provider_message_id, body FROM message_outbox WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .unwrap()
}

async fn received(db: &Db, recipient: &str) -> Vec<(String, String, i64)> {
    sqlx::query_as(
        "SELECT api, body, outcome FROM messaging_sim_messages WHERE recipient = $1 ORDER BY id",
    )
    .bind(recipient)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

/// A stand-in provider that records each request's path, headers and JSON.
type Captured = Arc<Mutex<Vec<(String, String, String, serde_json::Value)>>>;

async fn capturing_provider() -> (String, Captured) {
    use axum::extract::{Request, State};
    let captured: Captured = Arc::default();
    async fn record(
        State(captured): State<Captured>,
        request: Request,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
        let path = request.uri().path().to_string();
        let (auth, content_type) = {
            let header = |name: &str| {
                request
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string()
            };
            (header("authorization"), header("content-type"))
        };
        let bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
            .await
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        captured
            .lock()
            .unwrap()
            .push((path.clone(), auth, content_type, json));
        if path == "/v1/messages" {
            (
                axum::http::StatusCode::CREATED,
                axum::Json(serde_json::json!({"statusCode": 201, "messageId": 3_100_200, "cost": "0.08", "currency": "SAR", "totalCount": 1, "msgLength": 1, "accepted": "[966501234567,]", "rejected": "[]"})),
            )
                .into_response()
        } else {
            axum::Json(serde_json::json!({"messaging_product": "whatsapp", "contacts": [{"input": "966501234567", "wa_id": "966501234567"}], "messages": [{"id": "wamid.HBgM"}]}))
                .into_response()
        }
    }
    let router = axum::Router::new()
        .fallback(axum::routing::post(record))
        .with_state(captured.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), captured)
}

#[tokio::test]
async fn the_clients_send_the_documented_requests() {
    let (base, captured) = capturing_provider().await;
    let sms = TaqnyatClient::new(
        SmsConfig {
            base_url: base.clone(),
            token: "taqnyat-token".into(),
            sender: "Takamul".into(),
        },
        Duration::from_secs(5),
    );
    let body = sewing(true).body(app::messaging::Language::Ar);
    assert_eq!(sms.send("966501234567", &body).await.unwrap(), "3100200");
    let whatsapp = WhatsAppClient::new(
        WhatsAppConfig {
            base_url: base,
            version: "v21.0".into(),
            phone_number_id: "1234567890".into(),
            token: "meta-token".into(),
        },
        Duration::from_secs(5),
    );
    let id = whatsapp
        .send(
            "966501234567",
            "takamul_application_approved",
            "ar",
            &["ماكينة خياطة".to_string()],
        )
        .await
        .unwrap();
    assert_eq!(id, "wamid.HBgM");
    let captured = captured.lock().unwrap().clone();
    let (path, auth, content_type, json) = &captured[0];
    assert_eq!(path, "/v1/messages");
    assert_eq!(auth, "Bearer taqnyat-token");
    assert_eq!(content_type, "application/json");
    assert_eq!(
        json,
        &serde_json::json!({"recipients": ["966501234567"], "body": body, "sender": "Takamul"})
    );
    let (path, auth, _, json) = &captured[1];
    assert_eq!(path, "/v21.0/1234567890/messages");
    assert_eq!(auth, "Bearer meta-token");
    assert_eq!(
        json,
        &serde_json::json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": "966501234567",
            "type": "template",
            "template": {
                "name": "takamul_application_approved",
                "language": {"code": "ar"},
                "components": [{"type": "body", "parameters": [{"type": "text", "text": "ماكينة خياطة"}]}],
            },
        })
    );
}

messaging_tests! {
    async fn the_real_clients_talk_to_the_simulator(app: TestApp) {
        let (sms_config, whatsapp_config) = worker::simulator_configs(&app.state.settings.messaging, &app.base);
        let sms = TaqnyatClient::new(sms_config.clone(), Duration::from_secs(5));
        let body = sewing(true).body(app::messaging::Language::Ar);
        let id = sms.send("966501234567", &body).await.unwrap();
        assert!(id.parse::<u64>().is_ok(), "{id}");
        assert_eq!(received(&app.state.db, "966501234567").await, [("sms".to_string(), body.clone(), 201)]);
        // Each documented failure, and whether it is worth another try.
        match sms.send(INVALID_NUMBER, &body).await {
            Err(e @ SendError::Refused { status: 400, .. }) => assert!(!e.retryable()),
            other => panic!("{other:?}"),
        }
        match sms.send(NO_BALANCE_NUMBER, &body).await {
            Err(e @ SendError::Refused { status: 402, .. }) => assert!(e.retryable()),
            other => panic!("{other:?}"),
        }
        let wrong = TaqnyatClient::new(SmsConfig { token: "stolen".into(), ..sms_config }, Duration::from_secs(5));
        assert!(matches!(wrong.send("966501234567", &body).await, Err(SendError::Refused { status: 401, .. })));

        let whatsapp = WhatsAppClient::new(whatsapp_config, Duration::from_secs(5));
        let id = whatsapp
            .send("966509999999", "takamul_referral", "en", &["Sewing machine".into(), "Al-Birr".into()])
            .await
            .unwrap();
        assert!(id.starts_with("wamid."), "{id}");
        assert_eq!(
            received(&app.state.db, "966509999999").await,
            [("whatsapp".to_string(), "takamul_referral [en]: Sewing machine | Al-Birr".to_string(), 200)]
        );
        match whatsapp.send(INVALID_NUMBER, "takamul_referral", "ar", &[]).await {
            Err(e @ SendError::Refused { status: 400, .. }) => assert!(!e.retryable(), "{e}"),
            other => panic!("{other:?}"),
        }
        match whatsapp.send(NO_BALANCE_NUMBER, "takamul_referral", "ar", &[]).await {
            Err(e @ SendError::Refused { status: 400, .. }) => assert!(e.retryable(), "{e}"),
            other => panic!("{other:?}"),
        }

        // The simulator's page shows what it received.
        let page = app.get("/messaging-simulator").await.text().await.unwrap();
        assert!(page.contains("966509999999"));
        assert!(page.contains("takamul_referral"));
    }

    async fn a_provider_failing_twice_ends_sent_after_three_attempts(app: TestApp) {
        let (_noura, user) = family_choosing(&app, NOURA, &[("channel", "sms"), ("language", "ar"), ("phone", "0500000503")]).await;
        let id = enqueue(&app.state.db, user, &sewing(true), false).await.unwrap();
        let messenger = worker::messenger_for(&app.state.settings.messaging, &app.base).unwrap();
        let s = &app.state.settings.messaging;
        let t0 = now();
        let round = worker::drain_once(&app.state.db, &messenger, s, "w", t0).await.unwrap();
        assert_eq!((round.sent, round.retried), (0, 1));
        assert_eq!(outbox_row(&app.state.db, id).await.0, "queued");
        // Not due before its backoff: 10 s after the first failure, then 20 s.
        let round = worker::drain_once(&app.state.db, &messenger, s, "w", t0 + 5).await.unwrap();
        assert_eq!(round, worker::Round::default());
        worker::drain_once(&app.state.db, &messenger, s, "w", t0 + 10).await.unwrap();
        let round = worker::drain_once(&app.state.db, &messenger, s, "w", t0 + 25).await.unwrap();
        assert_eq!(round, worker::Round::default());
        let round = worker::drain_once(&app.state.db, &messenger, s, "w", t0 + 30).await.unwrap();
        assert_eq!(round.sent, 1);
        let (status, attempts, provider_id, body) = outbox_row(&app.state.db, id).await;
        assert_eq!((status.as_str(), attempts), ("sent", 3));
        assert!(provider_id.is_some());
        assert!(body.unwrap().contains("تمت الموافقة"));
        let outcomes: Vec<i64> = received(&app.state.db, FLAKY_NUMBER).await.into_iter().map(|r| r.2).collect();
        assert_eq!(outcomes, [503, 503, 201]);

        // A refused number is not retried; the failure is recorded.
        sqlx::query("UPDATE message_preferences SET phone = $1").bind(INVALID_NUMBER).execute(&app.state.db.pool).await.unwrap();
        let refused = enqueue(&app.state.db, user, &sewing(false), false).await.unwrap();
        worker::drain_once(&app.state.db, &messenger, s, "w", now()).await.unwrap();
        let (status, attempts, _, _) = outbox_row(&app.state.db, refused).await;
        assert_eq!((status.as_str(), attempts), ("failed", 1));

        // After 30 days the body is gone; the record of the send stays.
        assert_eq!(outbox::forget_bodies(&app.state.db, now()).await.unwrap(), 0);
        assert_eq!(outbox::forget_bodies(&app.state.db, now() + 31 * 86_400).await.unwrap(), 2);
        let (status, attempts, provider_id, body) = outbox_row(&app.state.db, id).await;
        assert_eq!((status.as_str(), attempts, body), ("sent", 3, None));
        assert!(provider_id.is_some());
    }

    async fn quiet_hours_hold_a_message_until_morning(app: TestApp) {
        let (_noura, user) = family_choosing(&app, NOURA, &[("channel", "whatsapp"), ("language", "en"), ("phone", "0501112233")]).await;
        let waiting = enqueue(&app.state.db, user, &sewing(true), false).await.unwrap();
        let urgent = enqueue(&app.state.db, user, &sewing(false), true).await.unwrap();
        let mut s = app.state.settings.messaging.clone();
        s.quiet_hours = QuietHours::default();
        let messenger = worker::messenger_for(&s, &app.base).unwrap();
        // The next 23:00 in Riyadh after the messages were written.
        let riyadh_midnight = app::time::SaudiDate::of(now()).start();
        let mut night = riyadh_midnight + 23 * 3600;
        if night < now() {
            night += 86_400;
        }
        assert!(s.quiet_hours.contains(night));
        let round = worker::drain_once(&app.state.db, &messenger, &s, "w", night).await.unwrap();
        assert_eq!(round.sent, 1, "only the urgent message goes out at night");
        assert_eq!(outbox_row(&app.state.db, urgent).await.0, "sent");
        assert_eq!(outbox_row(&app.state.db, waiting).await.0, "queued");
        let round = worker::drain_once(&app.state.db, &messenger, &s, "w", night + 8 * 3600).await.unwrap();
        assert_eq!(round.sent, 0, "07:00 is still quiet");
        let round = worker::drain_once(&app.state.db, &messenger, &s, "w", night + 9 * 3600 + 60).await.unwrap();
        assert_eq!(round.sent, 1);
        let (status, attempts, _, _) = outbox_row(&app.state.db, waiting).await;
        assert_eq!((status.as_str(), attempts), ("sent", 1));
        let got = received(&app.state.db, "966501112233").await;
        assert_eq!(got[1].1, "takamul_application_approved [en]: Sewing machine");
    }

    async fn a_real_decision_reaches_the_family_and_none_means_none(app: TestApp) {
        // Noura keeps the default (SMS in Arabic to the household's phone).
        let noura = app.signed_in(NOURA).await;
        let line = common::apply_for_training(&app, &noura).await;
        // Amina chose no messages.
        let (amina, amina_id) = family_choosing(&app, AMINA, &[("channel", "none"), ("language", "ar"), ("phone", "")]).await;
        let amina_line = common::apply_for_training(&app, &amina).await;
        let staff = app.signed_in(STAFF_NAKHLA).await;
        for (line, action, note) in [(line, "approve", ""), (amina_line, "reject", "خارج نطاق الدعم")] {
            assert_eq!(act(&staff, line, "start_review", "").await, 200);
            assert_eq!(act(&staff, line, action, note).await, 200);
        }
        let noura_id = user_id(&app.state.db, NOURA).await;
        let queued: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT user_id, kind, phone FROM message_outbox ORDER BY id",
        )
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(queued, [(noura_id, "application_approved".to_string(), "966551234567".to_string())]);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM message_outbox WHERE user_id = {amina_id}")).await, 0);
        let messenger = worker::messenger_for(&app.state.settings.messaging, &app.base).unwrap();
        worker::drain_once(&app.state.db, &messenger, &app.state.settings.messaging, "w", now()).await.unwrap();
        let got = received(&app.state.db, "966551234567").await;
        assert_eq!(got.len(), 1);
        assert!(got[0].1.starts_with("تكامل: تمت الموافقة على طلبك"), "{}", got[0].1);

        // The account page shows the choice; a bad number is refused with its message.
        let page = amina.get("/account").await.text().await.unwrap();
        assert!(page.contains(r#"value="none" checked"#), "the saved channel is checked");
        let r = amina
            .post_form_from("/account", "/api/save_message_preferences", &[("channel", "sms"), ("language", "ar"), ("phone", "12345")])
            .await;
        assert!(location(&r).contains("error=phone_format"), "{}", location(&r));
        let r = amina.post_api("/api/save_message_preferences", &[("channel", "pigeon"), ("language", "ar")]).await;
        assert_eq!(r.status(), 422);
    }

    async fn a_product_decision_reaches_its_maker(app: TestApp) {
        let (noura, user) = family_choosing(&app, NOURA, &[("channel", "whatsapp"), ("language", "ar"), ("phone", "0551230000")]).await;
        let district = common::jeddah_district(&app.state.db, 0).await.to_string();
        let shop = [("name_ar", "حلويات نورة"), ("district_id", district.as_str()), ("pickup", "1"), ("bio", "حلويات بيتية")];
        assert_eq!(noura.post_api("/api/save_shop", &shop).await.status(), 200);
        for title in ["معمول بالتمر", "كليجا"] {
            let product = [("title_ar", title), ("description_ar", "طازج كل يوم"), ("category", "sweets"), ("price", "45"), ("unit_ar", "علبة"), ("availability", "in_stock")];
            assert_eq!(noura.post_api("/api/save_product", &product).await.status(), 200);
        }
        // Sent for review (the photo the review needs is the marketplace's test).
        sqlx::query("UPDATE products SET status = 'pending'").execute(&app.state.db.pool).await.unwrap();
        let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM products ORDER BY id").fetch_all(&app.state.db.pool).await.unwrap();
        let council = app.signed_in(&common::persona(app::identity::RoleKind::CouncilAdmin)).await;
        let (approved, rejected) = (ids[0].0.to_string(), ids[1].0.to_string());
        let r = council.post_api("/api/moderate_product", &[("product_id", approved.as_str()), ("decision", "approve"), ("reason", "")]).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let r = council.post_api("/api/moderate_product", &[("product_id", rejected.as_str()), ("decision", "reject"), ("reason", "الصورة غير واضحة")]).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let queued: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT user_id, kind, channel, params FROM message_outbox ORDER BY id",
        )
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(
            queued,
            [
                (user, "product_approved".to_string(), "whatsapp".to_string(), r#"["معمول بالتمر"]"#.to_string()),
                (user, "product_rejected".to_string(), "whatsapp".to_string(), r#"["كليجا"]"#.to_string()),
            ]
        );
    }

    async fn two_instances_send_each_message_exactly_once(app: TestApp) {
        let (_noura, user) = family_choosing(&app, NOURA, &[("channel", "sms"), ("language", "ar"), ("phone", "0507654321")]).await;
        let messages = 40;
        for i in 0..messages {
            let message = Message::ProductDecision { product: Named::new(format!("منتج {i}"), ""), approved: true };
            enqueue(&app.state.db, user, &message, false).await.unwrap();
        }
        // A second instance on the same database, with its own pool and worker.
        let db2 = Db::connect(&app.database.url, 8).await.unwrap();
        let nafath: Arc<dyn app::identity::nafath::NafathProvider> =
            Arc::new(app::identity::nafath::SimulatedNafath::new(db2.clone()));
        let second = common::start_sharing(db2.clone(), nafath, settings()).await;
        let s = app.state.settings.messaging.clone();
        let first_worker = worker::spawn(app.state.db.clone(), worker::messenger_for(&s, &app.base).unwrap(), s.clone());
        let second_worker = worker::spawn(db2, worker::messenger_for(&s, &second.base).unwrap(), s);
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while app.count("SELECT COUNT(*) FROM message_outbox WHERE status = 'sent'").await < messages {
            assert!(std::time::Instant::now() < deadline, "not all sent in time");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        first_worker.abort();
        second_worker.abort();
        assert_eq!(app.count("SELECT COUNT(*) FROM messaging_sim_messages").await, messages);
        assert_eq!(app.count("SELECT COUNT(DISTINCT body) FROM messaging_sim_messages").await, messages);
        assert_eq!(app.count("SELECT COUNT(*) FROM message_outbox WHERE attempts <> 1").await, 0);
        let claimants = app.count("SELECT COUNT(DISTINCT claim_token) FROM message_outbox").await;
        println!("{messages} messages sent once each, by {claimants} workers");
    }
}

async fn act(staff: &Browser, line: i64, action: &str, note: &str) -> u16 {
    let line = line.to_string();
    let mut form = vec![("line_id", line.as_str()), ("action", action)];
    if !note.is_empty() {
        form.push(("note", note));
    }
    staff
        .post_api("/api/act_on_line", &form)
        .await
        .status()
        .as_u16()
}
