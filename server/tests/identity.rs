//! Integration tests of the foundation on SQLite and PostgreSQL: migrations,
//! seed idempotence, sign-in through the simulator, sessions, guards, audit.

mod common;

use app::audit::action;
use app::identity::RoleKind;
use common::{location, persona};

both_engines! {
    async fn migrations_and_seed_are_idempotent(app: TestApp) {
        let before: Vec<i64> = {
            let mut v = Vec::new();
            for table in ["cities", "districts", "assistance_types", "associations", "users", "role_grants", "nafath_sim_people"] {
                v.push(app.count(&format!("SELECT COUNT(*) FROM {table}")).await);
            }
            v
        };
        assert_eq!(before[0], 15);
        assert_eq!(before[1], 491);
        assert_eq!(before[2], 8);
        assert_eq!(before[3], 3);
        app.state.db.migrate().await.unwrap();
        app::demo::seed_demo(&app.state.db).await.unwrap();
        let mut after = Vec::new();
        for table in ["cities", "districts", "assistance_types", "associations", "users", "role_grants", "nafath_sim_people"] {
            after.push(app.count(&format!("SELECT COUNT(*) FROM {table}")).await);
        }
        assert_eq!(before, after);
    }

    async fn family_signs_in_through_the_simulator(app: TestApp) {
        let id = persona(RoleKind::FamilyMember);
        let poll = app.sign_in(&id).await;
        assert_eq!(poll.status(), 302);
        assert_eq!(location(&poll), "/account");
        let set_cookie: Vec<_> = poll.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
        let session = set_cookie.iter().find(|c| c.starts_with("takamul_session=")).expect("session cookie");
        assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"));

        let account = app.get("/account").await;
        assert_eq!(account.status(), 200);
        let html = account.text().await.unwrap();
        assert!(html.contains("نورة عبدالله الأسرية"), "{html}");
        assert!(html.contains(&id));
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
        assert_eq!(app::audit::count_actions(&app.state.db, action::SIGN_IN).await.unwrap(), 1);

        // The same approval cannot be used twice.
        let again = app.get("/api/poll_sign_in").await;
        assert_eq!(again.status(), 303);
        assert!(location(&again).starts_with("/sign-in?error="));
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
    }

    async fn waiting_page_shows_the_number_and_refreshes(app: TestApp) {
        let id = persona(RoleKind::FamilyMember);
        let start = app.post_form("/api/start_sign_in", &[("national_id", &id)]).await;
        assert_eq!(location(&start), "/sign-in/wait");
        let (random,): (String,) = sqlx::query_as("SELECT random FROM nafath_requests")
            .fetch_one(&app.state.db.pool).await.unwrap();
        let wait = app.get("/sign-in/wait").await;
        assert_eq!(wait.status(), 200);
        // Debug builds erase view types and mark dynamic text with `<!>`.
        let html = wait.text().await.unwrap().replace("<!>", "");
        assert!(html.contains(&format!(">{random}</bdi>")), "{html}");
        assert!(html.contains("http-equiv=\"refresh\" content=\"3;url=/api/poll_sign_in\""), "{html}");
        assert!(html.contains("/api/poll_sign_in"));
        // Still waiting: polling sends the browser back to the waiting page.
        let poll = app.get("/api/poll_sign_in").await;
        assert_eq!(location(&poll), "/sign-in/wait");
        // The masked ID, never the whole one, on the waiting page.
        assert!(!html.contains(&id));
    }

    async fn rejection_and_timeout_get_their_messages(app: TestApp) {
        let id = persona(RoleKind::FamilyMember);
        app.post_form("/api/start_sign_in", &[("national_id", &id)]).await;
        let (trans_id,): (String,) = sqlx::query_as("SELECT trans_id FROM nafath_sim_requests")
            .fetch_one(&app.state.db.pool).await.unwrap();
        let reject = app.post_form("/api/decide_simulator_request", &[("trans_id", &trans_id)]).await;
        assert_eq!(reject.status(), 302);
        let poll = app.get("/api/poll_sign_in").await;
        assert_eq!(location(&poll), "/sign-in?error=sign_in_rejected");
        let page = app.get("/sign-in?error=sign_in_rejected").await.text().await.unwrap();
        assert!(page.contains("تم رفض طلب الدخول"), "{page}");

        // A request nobody answers in time.
        app.post_form("/api/start_sign_in", &[("national_id", &id)]).await;
        sqlx::query("UPDATE nafath_requests SET created_at = created_at - 100000 WHERE status = 'WAITING'")
            .execute(&app.state.db.pool).await.unwrap();
        let poll = app.get("/api/poll_sign_in").await;
        assert_eq!(location(&poll), "/sign-in?error=sign_in_timed_out");
        assert_eq!(app::audit::count_actions(&app.state.db, action::SIGN_IN_FAILED).await.unwrap(), 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
    }

    async fn bad_national_ids_get_a_clear_4xx(app: TestApp) {
        // A browser without JavaScript: back to the form with the reason.
        let response = app.post_form_from("/sign-in", "/api/start_sign_in", &[("national_id", "1234567890")]).await;
        assert_eq!(response.status(), 303);
        assert_eq!(location(&response), "/sign-in?error=national_id_check_digit");
        let page = app.get("/sign-in?error=national_id_check_digit").await.text().await.unwrap();
        assert!(page.contains("aria-invalid=\"true\""));
        assert!(page.contains("national-id-error"));

        // A script: a 422 with a typed error.
        let response = app.post_api("/api/start_sign_in", &[("national_id", "12345")]).await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.unwrap();
        assert!(body.contains("national_id_length"), "{body}");

        // Missing field: 400, not a panic.
        let response = app.post_api("/api/start_sign_in", &[("other", "x")]).await;
        assert_eq!(response.status(), 400);
        assert_eq!(app.count("SELECT COUNT(*) FROM nafath_requests").await, 0);
    }

    async fn eastern_arabic_digits_sign_in(app: TestApp) {
        let id = persona(RoleKind::FamilyMember);
        let eastern: String = id.chars().map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap()).collect();
        let poll = app.sign_in(&eastern).await;
        assert_eq!(location(&poll), "/account");
    }

    async fn sign_in_is_rate_limited_per_national_id(app: TestApp) {
        let id = persona(RoleKind::FamilyMember);
        for _ in 0..5 {
            let r = app.post_form("/api/start_sign_in", &[("national_id", &id)]).await;
            assert_eq!(location(&r), "/sign-in/wait");
        }
        let r = app.post_api("/api/start_sign_in", &[("national_id", &id)]).await;
        assert_eq!(r.status(), 429);
        assert_eq!(app.count("SELECT COUNT(*) FROM nafath_requests").await, 5);
    }

    async fn sessions_rotate_and_end(app: TestApp) {
        let family = persona(RoleKind::FamilyMember);
        app.sign_in(&family).await;
        let (first,): (String,) = sqlx::query_as("SELECT token_hash FROM sessions").fetch_one(&app.state.db.pool).await.unwrap();
        // Signing in again in the same browser replaces the session id.
        app.sign_in(&family).await;
        let hashes: Vec<(String,)> = sqlx::query_as("SELECT token_hash FROM sessions").fetch_all(&app.state.db.pool).await.unwrap();
        assert_eq!(hashes.len(), 1);
        assert_ne!(hashes[0].0, first);

        // A second device.
        let other = common::browser_client(&app.base);
        let start = other.post(app.url("/api/start_sign_in")).form(&[("national_id", family.as_str())]).send().await.unwrap();
        assert_eq!(start.status(), 302);
        let (trans_id, random): (String, String) = sqlx::query_as(
            "SELECT trans_id, random FROM nafath_sim_requests WHERE status = 'WAITING'").fetch_one(&app.state.db.pool).await.unwrap();
        app.post_form("/api/decide_simulator_request", &[("trans_id", &trans_id), ("picked", &random)]).await;
        let poll = other.get(app.url("/api/poll_sign_in")).send().await.unwrap();
        assert_eq!(location(&poll), "/account");
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 2);

        // Sign out here ends only this session; everywhere ends the rest.
        let out = app.post_form("/api/sign_out", &[]).await;
        assert_eq!(location(&out), "/");
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
        assert_eq!(app.get("/account").await.status(), 302);
        let out = other.post(app.url("/api/sign_out_everywhere")).send().await.unwrap();
        assert_eq!(out.status(), 302);
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
        assert_eq!(other.get(app.url("/account")).send().await.unwrap().status(), 302);
        assert_eq!(app::audit::count_actions(&app.state.db, action::SIGN_OUT).await.unwrap(), 1);
        assert_eq!(app::audit::count_actions(&app.state.db, action::SIGN_OUT_EVERYWHERE).await.unwrap(), 1);
    }

    async fn idle_and_absolute_timeouts_end_sessions(app: TestApp) {
        app.sign_in(&persona(RoleKind::FamilyMember)).await;
        assert_eq!(app.get("/account").await.status(), 200);
        let idle = app.state.settings.session_idle_secs + 1;
        sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - $1").bind(idle)
            .execute(&app.state.db.pool).await.unwrap();
        assert_eq!(app.get("/account").await.status(), 302);

        app.sign_in(&persona(RoleKind::FamilyMember)).await;
        assert_eq!(app.get("/account").await.status(), 200);
        let absolute = app.state.settings.session_absolute_secs + 1;
        sqlx::query("UPDATE sessions SET created_at = created_at - $1").bind(absolute)
            .execute(&app.state.db.pool).await.unwrap();
        assert_eq!(app.get("/account").await.status(), 302);
    }

    async fn guards_refuse_the_wrong_role(app: TestApp) {
        let new_person = app::identity::with_check_digit("100000099");
        let grant = |role: &'static str, association: Option<i64>| {
            let client = app.client.clone();
            let url = app.url("/api/grant_role");
            let person = new_person.clone();
            async move {
                let mut form = vec![("national_id", person), ("role", role.to_string())];
                if let Some(a) = association {
                    form.push(("association_id", a.to_string()));
                }
                client.post(url).header("accept", "application/json").form(&form).send().await.unwrap().status()
            }
        };
        // (The demo's own grants are audited too; count from here.)
        let granted = app::audit::count_actions(&app.state.db, action::ROLE_GRANTED).await.unwrap();
        // Signed out.
        assert_eq!(grant("trainer", None).await, 401);
        // A family member.
        app.sign_in(&persona(RoleKind::FamilyMember)).await;
        assert_eq!(grant("trainer", None).await, 403);
        // An association admin, for another association and for a council role.
        app.sign_in(&persona(RoleKind::AssociationAdmin)).await;
        let (own,): (i64,) = sqlx::query_as("SELECT id FROM associations WHERE licence_number = 'DEMO-001'").fetch_one(&app.state.db.pool).await.unwrap();
        let (other,): (i64,) = sqlx::query_as("SELECT id FROM associations WHERE licence_number = 'DEMO-002'").fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(grant("association_staff", Some(other)).await, 403);
        assert_eq!(grant("council_admin", None).await, 403);
        assert_eq!(grant("association_staff", Some(own)).await, 200);
        // The council admin.
        app.sign_in(&persona(RoleKind::CouncilAdmin)).await;
        assert_eq!(grant("trainer", None).await, 200);
        assert_eq!(grant("not_a_role", None).await, 400);

        assert_eq!(app::audit::count_actions(&app.state.db, action::ROLE_GRANTED).await.unwrap(), granted + 2);
        assert_eq!(app::audit::count_actions(&app.state.db, action::ACCESS_DENIED).await.unwrap(), 3);
    }

    async fn a_second_instance_sees_the_session(app: TestApp) {
        // Another server process on the same database (as behind a load balancer).
        let db = app::database::Db::connect(&app.database.url, 4).await.unwrap();
        let nafath = std::sync::Arc::new(app::identity::nafath::SimulatedNafath::new(db.clone()));
        let second = common::start_sharing(db, nafath, app::state::Settings::development()).await;
        // Start on the first instance, approve and finish on the second.
        let start = app.post_form("/api/start_sign_in", &[("national_id", &persona(RoleKind::FamilyMember))]).await;
        assert_eq!(location(&start), "/sign-in/wait");
        let (trans_id, random): (String, String) =
            sqlx::query_as("SELECT trans_id, random FROM nafath_sim_requests").fetch_one(&app.state.db.pool).await.unwrap();
        app.post_form("/api/decide_simulator_request", &[("trans_id", &trans_id), ("picked", &random)]).await;
        // Cookies are not scoped by port, so one browser talks to both instances.
        let poll = app.client.get(format!("{}/api/poll_sign_in", second.base)).send().await.unwrap();
        assert_eq!(location(&poll), "/account");
        // The session the second instance created works on the first.
        assert_eq!(app.get("/account").await.status(), 200);
        assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 1);
    }

    async fn audit_rows_cannot_be_changed(app: TestApp) {
        app.sign_in(&persona(RoleKind::FamilyMember)).await;
        assert!(sqlx::query("UPDATE audit_events SET action = 'x'").execute(&app.state.db.pool).await.is_err());
        assert!(sqlx::query("DELETE FROM audit_events").execute(&app.state.db.pool).await.is_err());
        assert_eq!(app::audit::count_actions(&app.state.db, action::SIGN_IN).await.unwrap(), 1);
    }

    async fn foreign_origins_are_refused(app: TestApp) {
        let response = app
            .client
            .post(app.url("/api/start_sign_in"))
            .header("origin", "https://evil.example")
            .form(&[("national_id", persona(RoleKind::FamilyMember).as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
        assert_eq!(app.count("SELECT COUNT(*) FROM nafath_requests").await, 0);
    }

    async fn pages_health_metrics_and_headers(app: TestApp) {
        let home = app.get("/").await;
        assert_eq!(home.status(), 200);
        let csp = home.headers().get("content-security-policy").unwrap().to_str().unwrap().to_string();
        assert!(csp.contains("nonce-") && csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(home.headers().get("x-content-type-options").unwrap(), "nosniff");
        let html = home.text().await.unwrap();
        assert!(html.contains("lang=\"ar\"") && html.contains("dir=\"rtl\""), "{}", &html[..400.min(html.len())]);

        let missing = app.get("/no-such-page").await;
        assert_eq!(missing.status(), 404);
        assert!(missing.text().await.unwrap().contains("الصفحة غير موجودة"));

        assert_eq!(app.get("/healthz").await.status(), 200);

        // Precompressed assets are served with their Content-Encoding.
        let pkg = app.site_root.path().join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("takamul.js"), "export default 1;".repeat(50)).unwrap();
        server::precompress::precompress_dir(app.site_root.path()).unwrap();
        for encoding in ["br", "gzip"] {
            let asset = app.client.get(app.url("/pkg/takamul.js")).header("accept-encoding", encoding).send().await.unwrap();
            assert_eq!(asset.status(), 200);
            assert_eq!(asset.headers().get("content-encoding").unwrap(), encoding);
        }
        let metrics = app.get("/metrics").await.text().await.unwrap();
        assert!(metrics.contains("takamul_database_up 1"));
    }

    async fn language_follows_the_cookie_and_accept_language(app: TestApp) {
        let english = app
            .client
            .get(app.url("/"))
            .header("accept-language", "en-US,en;q=0.9")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(english.contains("lang=\"en\"") && english.contains("dir=\"ltr\""));
        // The switch is a plain form: a cookie, and back to the page.
        let switch = app.post_form_from("/sign-in", "/api/set_language", &[("lang", "en")]).await;
        assert_eq!(switch.status(), 302);
        assert!(location(&switch).starts_with(&app.url("/sign-in")));
        let page = app.get("/sign-in").await.text().await.unwrap();
        assert!(page.contains("Sign in with Nafath"));
        let bad = app.post_api("/api/set_language", &[("lang", "fr")]).await;
        assert_eq!(bad.status(), 400);
    }
}
