//! Member IDs as claims the person answers.

use super::*;

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
    common::submit_training_application(&app, &amina, "دورة تغليف").await;
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

both_engines! {
    async fn member_ids_are_claims(app: TestApp) {
        a_member_id_is_a_claim_the_person_answers(app).await;
    }
}
