//! The DCI sync search: registered, not registered, benefits withheld
//! outside the token's association, a malformed body; the audit rows and the
//! family's "My data" naming the partner that looked it up.

use super::*;

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
    async fn the_dci_look_up_answers_and_is_audited_for_the_family(app: TestApp) {
        households_are_looked_up_in_the_dci_envelope(app).await;
    }
}
