//! Trust before launch (issue 13), who may do what, through real HTTP on
//! SQLite and PostgreSQL: sign-in limits a stranger cannot turn against a
//! person (behind a trusted proxy), roles given and taken only by policy,
//! member IDs as claims the person answers, opt-in public phones, online
//! course links for the enrolled only, and audited reads of lists.

mod common;

use app::audit::action;
use app::database::Engine;
use app::identity::RoleKind;
use app::state::Settings;
use common::{Browser, TestApp, location, persona};
use reqwest::header::{ACCEPT, ORIGIN};

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";
const HIND_NAKHLA_ADMIN: &str = "1000000024";
const MONA_NAKHLA_STAFF: &str = "1000000032";
const REEM_BAHR_STAFF: &str = "1000000040";

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

async fn roles_are_given_and_taken_only_by_policy(app: TestApp) {
    let hind = app.signed_in(HIND_NAKHLA_ADMIN).await;
    let (provider,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM training_providers p JOIN associations a ON a.id = p.association_id WHERE a.licence_number = 'DEMO-001'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let provider = provider.to_string();
    let granted_before = app::audit::count_actions(&app.state.db, action::ROLE_GRANTED)
        .await
        .unwrap();
    // A provider cannot link a trainer record to someone's account (nor give the role).
    let r = hind
        .post_form(
            "/api/save_trainer",
            &[
                ("provider_id", provider.as_str()),
                ("name_ar", "مدربة جديدة"),
                ("national_id", NOURA),
            ],
        )
        .await;
    assert!(
        location(&r).contains("error=trainer_link_by_council"),
        "{}",
        location(&r)
    );
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.national_id = '{NOURA}' AND g.role = 'trainer'")).await,
        0
    );
    // The existing trainer (Fahad, linked by the council) is not rewritten by a provider's save.
    let fahad = persona(RoleKind::Trainer);
    let r = hind
        .post_form(
            "/api/save_trainer",
            &[
                ("provider_id", provider.as_str()),
                ("name_ar", "اسم مزور"),
                ("national_id", fahad.as_str()),
            ],
        )
        .await;
    assert!(location(&r).contains("error=trainer_link_by_council"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM trainers WHERE name_ar = 'اسم مزور'")
            .await,
        0
    );
    // The council links, and the grant is audited.
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let r = council
        .post_form(
            "/api/save_trainer",
            &[
                ("provider_id", provider.as_str()),
                ("name_ar", "نورة المدربة"),
                ("national_id", NOURA),
            ],
        )
        .await;
    assert_eq!(location(&r), "/training/trainers");
    assert_eq!(
        app::audit::count_actions(&app.state.db, action::ROLE_GRANTED)
            .await
            .unwrap(),
        granted_before + 1
    );

    // An association admin revokes her own association's staff, not another's.
    let mona = app.signed_in(MONA_NAKHLA_STAFF).await;
    assert_eq!(mona.get("/association/queue").await.status(), 200);
    let user_id = |id: &'static str| {
        let db = app.state.db.clone();
        async move {
            let (uid,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE national_id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
            uid.to_string()
        }
    };
    let (mona_id, reem_id) = (
        user_id(MONA_NAKHLA_STAFF).await,
        user_id(REEM_BAHR_STAFF).await,
    );
    let (nakhla,): (i64,) =
        sqlx::query_as("SELECT id FROM associations WHERE licence_number = 'DEMO-001'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let (bahr,): (i64,) =
        sqlx::query_as("SELECT id FROM associations WHERE licence_number = 'DEMO-002'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let access = hind.get("/access").await;
    assert_eq!(access.status(), 200);
    let page = access.text().await.unwrap();
    assert!(
        page.contains("1•••••••32"),
        "Mona, masked, on the access page"
    );
    assert!(!page.contains(MONA_NAKHLA_STAFF), "never a whole ID");
    let r = hind
        .post_api(
            "/api/revoke_role",
            &[
                ("user_id", reem_id.as_str()),
                ("role", "association_staff"),
                ("association_id", &bahr.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = hind
        .post_api(
            "/api/revoke_role",
            &[
                ("user_id", mona_id.as_str()),
                ("role", "association_staff"),
                ("association_id", &nakhla.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(
        mona.get("/association/queue").await.status(),
        403,
        "the revocation holds at once"
    );
    assert_eq!(
        app::audit::count_actions(&app.state.db, action::ROLE_REVOKED)
            .await
            .unwrap(),
        1
    );

    // The council ends a person's sessions and disables an account.
    let reem = app.signed_in(REEM_BAHR_STAFF).await;
    assert_eq!(reem.get("/account").await.status(), 200);
    assert_eq!(
        hind.post_api("/api/end_sessions", &[("user_id", reem_id.as_str())])
            .await
            .status(),
        403
    );
    assert_eq!(
        council
            .post_api("/api/end_sessions", &[("user_id", reem_id.as_str())])
            .await
            .status(),
        200
    );
    assert_eq!(reem.get("/account").await.status(), 302, "signed out");
    let reem = app.signed_in(REEM_BAHR_STAFF).await;
    assert_eq!(
        hind.post_api(
            "/api/set_account_disabled",
            &[("user_id", reem_id.as_str()), ("disabled", "true")]
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        council
            .post_api(
                "/api/set_account_disabled",
                &[("user_id", reem_id.as_str()), ("disabled", "true")]
            )
            .await
            .status(),
        200
    );
    assert_eq!(reem.get("/account").await.status(), 302);
    let again = app.browser();
    let poll = again.sign_in(REEM_BAHR_STAFF).await;
    assert_ne!(
        location(&poll),
        "/account",
        "a disabled account cannot sign in"
    );
    assert_eq!(
        app::audit::count_actions(&app.state.db, action::ACCOUNT_DISABLED)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app::audit::count_actions(&app.state.db, action::SESSIONS_ENDED)
            .await
            .unwrap(),
        1
    );
}

async fn a_member_id_is_a_claim_the_person_answers(app: TestApp) {
    let amina = app.signed_in(AMINA).await;
    let district = common::jeddah_district(&app.state.db, 1).await;
    common::register_household(&amina, district).await;
    let add = |id: String| {
        let amina = amina.clone();
        async move {
            let r = amina
                .post_api(
                    "/api/add_household_member",
                    &[
                        ("full_name", "فرد مضاف"),
                        ("relation", "sibling"),
                        ("birth_date", "1990-01-01"),
                        ("national_id", id.as_str()),
                    ],
                )
                .await;
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    // Someone else's ID and an ID nobody holds get the same answer.
    let taken = add(NOURA.to_string()).await;
    let unknown = add(app::identity::with_check_digit("100000777")).await;
    assert_eq!(taken, unknown);
    assert_eq!(taken.0, 200);
    // The real person is not blocked: Noura registers her own household.
    let noura = app.signed_in(NOURA).await;
    common::register_household(&noura, common::jeddah_district(&app.state.db, 0).await).await;
    // She is asked, and says it is not her: the ID leaves Amina's member.
    let page = noura.get("/household").await.text().await.unwrap();
    assert!(page.contains("member-claims"), "{page}");
    let claims: Vec<app::registry::claims::MemberClaim> = noura
        .post_api("/api/get_member_claims", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(claims.len(), 1);
    let member = claims[0].member_id.to_string();
    let r = noura
        .post_api(
            "/api/answer_member_claim",
            &[("member_id", member.as_str()), ("confirm", "false")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM household_members WHERE national_id = '{NOURA}'"
        ))
        .await,
        0
    );
    // Nobody else may answer for her.
    let r = amina
        .post_api(
            "/api/answer_member_claim",
            &[("member_id", member.as_str()), ("confirm", "true")],
        )
        .await;
    assert_eq!(r.status(), 404);
    // Staff of an association serving Amina's household may confirm a
    // member's ID from the documents she shows; nobody else may.
    let key: serde_json::Value = amina
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
    let r = amina
        .post_api(
            "/api/submit_application",
            &[
                ("submission_key", key["submission_key"].as_str().unwrap()),
                (
                    "lines[0][assistance_type_id]",
                    training.to_string().as_str(),
                ),
                ("lines[0][chosen]", "1"),
                ("lines[0][description]", "دورة تغليف"),
                ("lines[0][amount]", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let (serving,): (String,) = sqlx::query_as(
        "SELECT a.licence_number FROM application_lines l JOIN associations a ON a.id = l.association_id \
         JOIN households h ON h.id = l.household_id WHERE h.head_national_id = $1",
    )
    .bind(AMINA)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let (serving_staff, other_staff) = if serving == "DEMO-001" {
        (MONA_NAKHLA_STAFF, REEM_BAHR_STAFF)
    } else {
        (REEM_BAHR_STAFF, MONA_NAKHLA_STAFF)
    };
    let unknown_id = app::identity::with_check_digit("100000777");
    let (member,): (i64,) =
        sqlx::query_as("SELECT id FROM household_members WHERE national_id = $1")
            .bind(&unknown_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let member = member.to_string();
    let verify = |who: &'static str, document: &'static str| {
        let app = &app;
        let member = member.clone();
        async move {
            app.signed_in(who)
                .await
                .post_api(
                    "/api/verify_member_claim",
                    &[("member_id", member.as_str()), ("document", document)],
                )
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(verify(other_staff, "family_record").await, 404);
    assert_eq!(
        verify(AMINA, "family_record").await,
        404,
        "not by the household itself"
    );
    assert_eq!(verify(serving_staff, "a photo").await, 422);
    assert_eq!(verify(serving_staff, "family_record").await, 200);
    assert_eq!(
        verify(serving_staff, "family_record").await,
        409,
        "confirmed once"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM household_identities WHERE national_id = '{unknown_id}'"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'member_verified'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM household_changes WHERE field = 'member_verified' AND new_value LIKE '%family_record%'")
            .await,
        1
    );
    // Claims are capped: ten a day.
    for i in 0..9 {
        assert_eq!(
            add(app::identity::with_check_digit(&format!("10000{i}888")))
                .await
                .0,
            200
        );
    }
    assert_eq!(
        add(app::identity::with_check_digit("100009999")).await.0,
        429
    );
}

async fn a_shop_shows_only_the_phone_the_family_wrote(app: TestApp) {
    let noura = app.signed_in(NOURA).await;
    let district = common::jeddah_district(&app.state.db, 0).await;
    common::register_household(&noura, district).await; // registry phone 0551234567
    let district = district.to_string();
    let base = [
        ("name_ar", "حلويات نورة"),
        ("district_id", district.as_str()),
        ("pickup", "1"),
    ];
    // The form offers nothing from the registry for publication.
    let form = noura.get("/my-shop").await.text().await.unwrap();
    assert!(!form.contains("0551234567"), "{form}");
    assert_eq!(noura.post_api("/api/save_shop", &base).await.status(), 200);
    // The shop as every answer reads it (public pages use the same row): no
    // phone until the family writes one.
    let mine: app::marketplace::api::MyShopView = noura
        .post_api("/api/get_my_shop", &[])
        .await
        .json()
        .await
        .unwrap();
    let shop = mine.shop.unwrap();
    assert_eq!(shop.phone, None);
    assert_eq!(shop.whatsapp, None, "WhatsApp is opt-in too");
    let mut with_phone = base.to_vec();
    with_phone.push(("public_phone", "٠٥٠١١١٢٢٢٢"));
    assert_eq!(
        noura.post_api("/api/save_shop", &with_phone).await.status(),
        200
    );
    let mine: app::marketplace::api::MyShopView = noura
        .post_api("/api/get_my_shop", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.shop.unwrap().phone.as_deref(), Some("966501112222"));
    let mut bad = base.to_vec();
    bad.push(("public_phone", "12"));
    let r = noura.post_api("/api/save_shop", &bad).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("phone_format"));
}

async fn online_links_only_for_the_enrolled(app: TestApp) {
    const LINK: &str = "meet.example.org/takamul-demo";
    let (course,): (i64,) = sqlx::query_as("SELECT id FROM courses WHERE mode = 'online'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let course = course.to_string();
    let visitor = app.browser();
    let list = visitor
        .post_api("/api/list_courses", &[])
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains(LINK), "{list}");
    let page = visitor
        .get(&format!("/courses/{course}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(LINK));
    let one = visitor
        .post_api("/api/get_course", &[("course_id", course.as_str())])
        .await
        .text()
        .await
        .unwrap();
    assert!(one.contains("\"online_url\":\"\""), "{one}");
    // Enrolled, the member gets the link.
    let noura = app.signed_in(NOURA).await;
    common::register_household(&noura, common::jeddah_district(&app.state.db, 0).await).await;
    assert!(
        noura
            .post_api("/api/enroll", &[("course_id", course.as_str())])
            .await
            .status()
            .is_success()
    );
    let one = noura
        .post_api("/api/get_course", &[("course_id", course.as_str())])
        .await
        .text()
        .await
        .unwrap();
    assert!(one.contains(LINK), "{one}");
}

async fn bulk_reads_are_audited(app: TestApp) {
    let noura = app.signed_in(NOURA).await;
    common::apply_for_training(&app, &noura).await;
    let mona = app.signed_in(MONA_NAKHLA_STAFF).await;
    assert_eq!(mona.get("/association/queue").await.status(), 200);
    assert_eq!(mona.get("/association/families").await.status(), 200);
    let listed: Vec<(Option<String>,)> = sqlx::query_as(
        "SELECT subject_id FROM audit_events WHERE action = 'personal_data_listed' ORDER BY id",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let lists: Vec<&str> = listed.iter().filter_map(|(s,)| s.as_deref()).collect();
    assert!(lists.contains(&"queue"), "{lists:?}");
}

both_engines! {
    async fn roles_follow_policy(app: TestApp) {
        roles_are_given_and_taken_only_by_policy(app).await;
    }
    async fn member_ids_are_claims(app: TestApp) {
        a_member_id_is_a_claim_the_person_answers(app).await;
    }
    async fn public_phones_are_opt_in(app: TestApp) {
        a_shop_shows_only_the_phone_the_family_wrote(app).await;
    }
    async fn online_course_links_are_for_the_enrolled(app: TestApp) {
        online_links_only_for_the_enrolled(app).await;
    }
    async fn reads_of_lists_are_audited(app: TestApp) {
        bulk_reads_are_audited(app).await;
    }
}
