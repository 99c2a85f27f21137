//! Roles given and taken only by policy.

use super::*;

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

both_engines! {
    async fn roles_follow_policy(app: TestApp) {
        roles_are_given_and_taken_only_by_policy(app).await;
    }
}
