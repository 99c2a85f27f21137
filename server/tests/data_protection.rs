//! The breach register and the privacy notice's versions (issue 16), on
//! SQLite and PostgreSQL, through real HTTP: the officer records a breach
//! with its households (masked IDs and phones, the officer's only), the
//! 72-hour deadline and its overdue mark, the two notifications, each step
//! audited; a new notice version stops a returning family at its next page
//! until it accepts, without JavaScript, and every acceptance is recorded.

mod common;

use app::identity::RoleKind;
use common::{TestApp, location, persona};
use serde_json::Value;

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";

async fn household_of(app: &TestApp, national_id: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM households WHERE head_national_id = $1")
        .bind(national_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id
}

/// A date `days` ago in Saudi time, `YYYY-MM-DD`.
fn days_ago(days: i64) -> String {
    app::time::format_date(app::database::now() - days * 86_400)
}

async fn the_officer_keeps_the_breach_register(app: TestApp) {
    let noura = app.signed_in(NOURA).await;
    common::register_household(&noura, common::jeddah_district(&app.state.db, 0).await).await;
    let amina = app.signed_in(AMINA).await;
    common::register_household(&amina, common::jeddah_district(&app.state.db, 1).await).await;
    let amina_household = household_of(&app, AMINA).await;
    let officer = app
        .signed_in(&persona(RoleKind::DataProtectionOfficer))
        .await;
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let staff = app.signed_in(&persona(RoleKind::AssociationStaff)).await;

    // The register is the officer's only.
    for (who, browser) in [("council", &council), ("staff", &staff), ("family", &noura)] {
        let r = browser.post_api("/api/get_breaches", &[]).await;
        assert_eq!(r.status(), 403, "{who}");
        assert_eq!(browser.get("/data-protection/breaches").await.status(), 403);
    }
    let r = council.get("/data-protection/breaches").await;
    let html = r.text().await.unwrap();
    assert!(!html.contains("record-breach"), "no form for the council");

    // Bad input: translated 422s, nothing recorded.
    let date = days_ago(4);
    for (form, key) in [
        (
            vec![
                ("summary", " "),
                ("discovered_date", date.as_str()),
                ("discovered_time", "09:00"),
                ("households", NOURA),
            ],
            "breach_title_required",
        ),
        (
            vec![
                ("summary", "x"),
                ("discovered_date", "2026-02-30"),
                ("discovered_time", ""),
                ("households", NOURA),
            ],
            "breach_discovered_invalid",
        ),
        (
            vec![
                ("summary", "x"),
                ("discovered_date", "2099-01-01"),
                ("discovered_time", ""),
                ("households", NOURA),
            ],
            "breach_discovered_invalid",
        ),
        (
            vec![
                ("summary", "x"),
                ("discovered_date", date.as_str()),
                ("discovered_time", ""),
                ("households", "1000000066"),
            ],
            "national_id_check_digit",
        ),
        (
            vec![
                ("summary", "x"),
                ("discovered_date", date.as_str()),
                ("discovered_time", ""),
                ("households", "999999"),
            ],
            "breach_household_unknown",
        ),
        (
            vec![
                ("summary", "x"),
                ("discovered_date", date.as_str()),
                ("discovered_time", ""),
                ("households", ""),
            ],
            "breach_households_required",
        ),
    ] {
        let r = officer.post_api("/api/record_breach", &form).await;
        assert_eq!(r.status(), 422, "{key}");
        assert!(r.text().await.unwrap().contains(key), "{key}");
    }
    assert_eq!(officer.count("SELECT COUNT(*) FROM breaches").await, 0);

    // Discovered four days ago, by Noura's ID (Eastern digits) and Amina's
    // household number: a plain form, as without JavaScript.
    let households = format!("١٠٠٠٠٠٠٠٦٥، {amina_household}");
    let r = officer
        .post_form_from(
            "/data-protection/breaches",
            "/api/record_breach",
            &[
                (
                    "summary",
                    "A staff laptop with an export of the queue was stolen.",
                ),
                ("discovered_date", &date),
                ("discovered_time", "٠٩:٣٠"),
                ("households", &households),
            ],
        )
        .await;
    assert_eq!(r.status(), 302);
    let page = location(&r);
    assert!(page.starts_with("/data-protection/breaches/"), "{page}");
    let id = page.rsplit('/').next().unwrap().to_string();

    // Overdue: 72 hours passed without the authority being told.
    let list: Value = officer
        .post_api("/api/get_breaches", &[])
        .await
        .json()
        .await
        .unwrap();
    let breach = &list["breaches"][0];
    assert_eq!(breach["households"], 2);
    let deadline = breach["discovered_at"].as_i64().unwrap() + 72 * 3600;
    assert!(list["now"].as_i64().unwrap() > deadline);
    let html = officer
        .get("/data-protection/breaches")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("class=\"overdue\""), "the row is highlighted");
    assert!(html.contains("متأخر"), "marked overdue");

    // The families to notify: masked IDs, phones; the officer's only.
    let detail: Value = officer
        .post_api("/api/get_breach", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    let families = detail["families"].as_array().unwrap();
    assert_eq!(families.len(), 2);
    assert_eq!(families[0]["masked_national_id"], "1•••••••65");
    assert_eq!(families[0]["phone"], "0551234567");
    assert_eq!(families[1]["masked_national_id"], "2•••••••71");
    let html = officer.get(&page).await.text().await.unwrap();
    assert!(
        html.contains("1•••••••65") && !html.contains(NOURA),
        "masked on the page"
    );
    assert!(html.contains("0551234567"));
    for browser in [&council, &staff, &noura] {
        assert_eq!(
            browser
                .post_api("/api/get_breach", &[("id", &id)])
                .await
                .status(),
            403
        );
        let html = browser.get(&page).await.text().await.unwrap();
        assert!(!html.contains("0551234567") && !html.contains("1•••••••65"));
    }

    // Adding a household already listed changes nothing; an unknown one is refused.
    let r = officer
        .post_api(
            "/api/add_breach_households",
            &[("breach_id", &id), ("households", NOURA)],
        )
        .await;
    assert_eq!(r.status(), 200);
    let r = officer
        .post_api(
            "/api/add_breach_households",
            &[("breach_id", &id), ("households", "888888")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        officer
            .count("SELECT COUNT(*) FROM breach_households")
            .await,
        2
    );

    // The families are told after the authority; each once.
    let families_first = officer
        .post_api(
            "/api/mark_breach_notified",
            &[("breach_id", &id), ("who", "families")],
        )
        .await;
    assert_eq!(families_first.status(), 409);
    for who in ["authority", "authority", "families"] {
        let r = officer
            .post_api(
                "/api/mark_breach_notified",
                &[("breach_id", &id), ("who", who)],
            )
            .await;
        assert_eq!(r.status(), 200, "{who}");
    }
    let r = officer
        .post_api(
            "/api/mark_breach_notified",
            &[("breach_id", &id), ("who", "nobody")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let detail: Value = officer
        .post_api("/api/get_breach", &[("id", &id)])
        .await
        .json()
        .await
        .unwrap();
    assert!(detail["breach"]["authority_notified_at"].is_i64());
    assert!(detail["breach"]["families_notified_at"].is_i64());
    let html = officer.get(&page).await.text().await.unwrap();
    assert!(html.contains("بعد الموعد"), "notified late");
    let r = officer.get("/data-protection/breaches").await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("أُبلغت الأسر") && !html.contains("class=\"overdue\""));

    // Audited, in the same transactions.
    let db = &app.state.db;
    for (action, n) in [
        ("breach_recorded", 1),
        ("breach_households_added", 1),
        ("breach_authority_notified", 1),
        ("breach_families_notified", 1),
    ] {
        assert_eq!(
            app::audit::count_actions(db, action).await.unwrap(),
            n,
            "{action}"
        );
    }
    assert!(
        app::audit::count_actions(db, "breach_viewed")
            .await
            .unwrap()
            >= 3
    );
    assert_eq!(
        officer
            .post_api("/api/get_breach", &[("id", "99999")])
            .await
            .status(),
        404
    );
}

async fn a_new_notice_is_accepted_before_going_on(app: TestApp) {
    let noura = app.signed_in(NOURA).await;
    common::register_household(&noura, common::jeddah_district(&app.state.db, 0).await).await;
    let household = household_of(&app, NOURA).await;
    // Registering recorded the first acceptance.
    let accepted = |db: app::database::Db| async move {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT version FROM privacy_notice_acceptances WHERE household_id = $1 ORDER BY id",
        )
        .bind(household)
        .fetch_all(&db.pool)
        .await
        .unwrap();
        rows.into_iter().map(|(v,)| v).collect::<Vec<_>>()
    };
    assert_eq!(accepted(app.state.db.clone()).await, vec!["2026-11"]);
    assert_eq!(noura.get("/applications").await.status(), 200);

    // The public notice names the controller and a contact.
    let visitor = app.browser();
    let html = visitor.get("/privacy").await.text().await.unwrap();
    assert!(html.contains("مجلس الجمعيات") && html.contains("privacy@takamul.example"));
    assert!(!html.contains("accept-notice"));
    // Dated the day its version names, not the epoch (0036_privacy_notice_first_date).
    let html = html.replace("<!>", "");
    assert!(
        html.contains("2026-11-01") && !html.contains("1970-01-01"),
        "{html}"
    );

    // The officer publishes a new version (a plain form); only the officer may.
    let officer = app
        .signed_in(&persona(RoleKind::DataProtectionOfficer))
        .await;
    let form = [
        ("version", "2027-01"),
        ("body_ar", "نص الإشعار الجديد.\n\nفقرة ثانية."),
        ("body_en", "The new notice.\n\nA second paragraph."),
        ("controller_ar", "مجلس الجمعيات الأهلية بمنطقة مكة المكرمة"),
        (
            "controller_en",
            "The Council of Associations of the Makkah Region",
        ),
        ("contact", "dpo@council.example"),
    ];
    assert_eq!(
        noura
            .post_api("/api/publish_privacy_notice", &form)
            .await
            .status(),
        403
    );
    let r = officer
        .post_form_from(
            "/data-protection/notice",
            "/api/publish_privacy_notice",
            &form,
        )
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(location(&r), "/data-protection/notice");
    let again = officer.post_api("/api/publish_privacy_notice", &form).await;
    assert_eq!(again.status(), 422);
    assert!(again.text().await.unwrap().contains("notice_version_taken"));
    let mut empty = form;
    empty[5] = ("contact", " ");
    empty[0] = ("version", "2027-02");
    let r = officer
        .post_api("/api/publish_privacy_notice", &empty)
        .await;
    assert_eq!(r.status(), 422);
    // The officer has no household: never stopped.
    assert_eq!(officer.get("/data-protection/notice").await.status(), 200);

    // Noura's next page load goes to the notice first, with the way back.
    let r = noura.get("/applications?tab=1").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/privacy?next=/applications%3Ftab%3D1");
    let html = noura.get(&location(&r)).await.text().await.unwrap();
    assert!(html.contains("accept-notice") && html.contains("dpo@council.example"));
    assert!(html.contains("نص الإشعار الجديد"));
    // Server functions and signing out still work; only pages wait.
    assert_eq!(
        noura.post_api("/api/get_apply_form", &[]).await.status(),
        200
    );

    // The old version is not accepted; the current one is, and goes on.
    let r = noura
        .post_api("/api/accept_privacy_notice", &[("version", "2026-11")])
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("notice_not_current"));
    let r = noura
        .post_form_from(
            "/privacy",
            "/api/accept_privacy_notice",
            &[("version", "2027-01"), ("next", "/applications?tab=1")],
        )
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(location(&r), "/applications?tab=1");
    assert_eq!(noura.get("/applications").await.status(), 200);
    assert_eq!(
        accepted(app.state.db.clone()).await,
        vec!["2026-11", "2027-01"]
    );
    let html = noura.get("/privacy").await.text().await.unwrap();
    assert!(html.contains("notice-accepted") && !html.contains("accept-notice"));
    assert_eq!(
        app::audit::count_actions(&app.state.db, "privacy_notice_accepted")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app::audit::count_actions(&app.state.db, "privacy_notice_published")
            .await
            .unwrap(),
        1
    );

    // A next address elsewhere is not followed.
    sqlx::query("UPDATE households SET consent_version = '2026-11' WHERE id = $1")
        .bind(household)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let r = noura
        .post_form(
            "/api/accept_privacy_notice",
            &[("version", "2027-01"), ("next", "//evil.example/")],
        )
        .await;
    assert_eq!(location(&r), "/account");

    // A person without a registered household is never stopped, and cannot accept.
    let amina = app.signed_in(AMINA).await;
    assert_eq!(amina.get("/account").await.status(), 200);
    let r = amina
        .post_api("/api/accept_privacy_notice", &[("version", "2027-01")])
        .await;
    assert_eq!(r.status(), 409);
}

both_engines! {
    async fn breach_register(app: TestApp) {
        the_officer_keeps_the_breach_register(app).await
    }
    async fn notice_versions(app: TestApp) {
        a_new_notice_is_accepted_before_going_on(app).await
    }
}
