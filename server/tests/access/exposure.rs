//! What reaches others: opt-in public phones on shops, online course
//! links for the enrolled only, and audited reads of lists.

use super::*;

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
