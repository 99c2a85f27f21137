//! Members who act for their household (issue 21 §3), on SQLite and
//! PostgreSQL: the head allows a member whose ID is confirmed; that member,
//! signed in with Nafath, applies, follows the applications and runs the
//! shop; the history and "My data" name who did what; revoking counts at
//! once; only the head grants.

mod common;

use app::demo::personas;
use app::identity::RoleKind;
use common::{Browser, TestApp};

/// Noura heads the household; Amina is listed as a member with her ID.
fn family() -> (String, String) {
    let mut f = personas()
        .into_iter()
        .filter(|p| p.role == RoleKind::FamilyMember)
        .map(|p| p.national_id);
    (f.next().unwrap(), f.next().unwrap())
}

/// Noura registers her household and lists Amina with her national ID;
/// returns (Noura's browser, Amina's member id, household id).
async fn household_with_member(app: &TestApp, amina_id: &str) -> (Browser, i64, i64) {
    let (noura_id, _) = family();
    let noura = app.signed_in(&noura_id).await;
    common::register_household(&noura, common::jeddah_district(&app.state.db, 0).await).await;
    let r = noura
        .post_api(
            "/api/add_household_member",
            &[
                ("full_name", "أمينة يوسف"),
                ("relation", "daughter"),
                ("birth_date", "2001-02-03"),
                ("national_id", amina_id),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    let mine: Option<app::registry::Household> = noura
        .post_api("/api/get_my_household", &[])
        .await
        .json()
        .await
        .unwrap();
    let mine = mine.unwrap();
    (noura, mine.members[0].id, mine.id)
}

/// Amina signs in with Nafath and confirms she is the listed member.
async fn amina_confirms(app: &TestApp, amina_id: &str, member: i64) -> Browser {
    let amina = app.signed_in(amina_id).await;
    let member = member.to_string();
    let r = amina
        .post_api(
            "/api/answer_member_claim",
            &[("member_id", member.as_str()), ("confirm", "true")],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    amina
}

async fn training_type(app: &TestApp) -> String {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM assistance_types WHERE code = 'training'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id.to_string()
}

async fn apply(app: &TestApp, who: &Browser) -> reqwest::Response {
    let form: serde_json::Value = who
        .post_api("/api/get_apply_form", &[])
        .await
        .json()
        .await
        .unwrap();
    let key = form["submission_key"]
        .as_str()
        .unwrap_or("k".repeat(32).as_str())
        .to_string();
    let training = training_type(app).await;
    who.post_api(
        "/api/submit_application",
        &[
            ("submission_key", key.as_str()),
            ("lines[0][assistance_type_id]", training.as_str()),
            ("lines[0][chosen]", "1"),
            ("lines[0][description]", "أحتاج دورة خياطة للأسرة"),
            ("lines[0][amount]", ""),
        ],
    )
    .await
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM audit_events WHERE action = '{action}'"
    ))
    .await
}

both_engines! {
    async fn an_allowed_member_applies_follows_and_is_named(app: TestApp) {
        let (_, amina_id) = family();
        let (noura, member, household) = household_with_member(&app, &amina_id).await;
        let member_id = member.to_string();
        // A member whose ID is only a claim cannot be allowed.
        let r = noura.post_api("/api/allow_member_to_act", &[("member_id", &member_id)]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("member_id_not_verified"));
        assert_eq!(app.count("SELECT COUNT(*) FROM household_delegates").await, 0);

        let amina = amina_confirms(&app, &amina_id, member).await;
        // Not allowed yet: a member of a household is refused, not treated as a stranger.
        assert_eq!(amina.post_api("/api/get_my_applications", &[]).await.status(), 403);
        assert_eq!(apply(&app, &amina).await.status(), 403);

        // One tap by the head.
        let r = noura.post_form_from("/household?step=members", "/api/allow_member_to_act", &[("member_id", &member_id)]).await;
        assert!(r.status().is_redirection(), "{:?}", r.status());
        assert_eq!(audited(&app, "delegate_allowed").await, 1);
        let mine: Option<app::registry::Household> = noura.post_api("/api/get_my_household", &[]).await.json().await.unwrap();
        assert!(mine.unwrap().members[0].may_act);

        // Amina applies for the household and follows its applications.
        let r = apply(&app, &amina).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let (line_household, submitted_by): (i64, i64) = sqlx::query_as(
            "SELECT l.household_id, a.submitted_by FROM application_lines l \
             JOIN applications a ON a.id = l.application_id ORDER BY l.id DESC LIMIT 1",
        ).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(line_household, household);
        let (amina_user,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE national_id = $1")
            .bind(&amina_id).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(submitted_by, amina_user);
        let followed: serde_json::Value = amina.post_api("/api/get_my_applications", &[]).await.json().await.unwrap();
        assert_eq!(followed["registered"], true);
        assert_eq!(followed["lines"].as_array().unwrap().len(), 1);
        assert!(followed["acts_for"].as_str().unwrap().contains("نورة"));
        // The head sees the same line, and is the one told of it.
        let heads: serde_json::Value = noura.post_api("/api/get_my_applications", &[]).await.json().await.unwrap();
        assert_eq!(heads["lines"].as_array().unwrap().len(), 1);
        let (line_id, told): (i64, i64) = sqlx::query_as(
            "SELECT n.line_id, n.user_id FROM notifications n WHERE n.kind = 'line_state' ORDER BY n.id DESC LIMIT 1",
        ).fetch_one(&app.state.db.pool).await.unwrap();
        let (head_user,): (i64,) = sqlx::query_as("SELECT head_user_id FROM households WHERE id = $1")
            .bind(household).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(told, head_user, "the head is told of a line a member sent");
        // Staff reading the line see that a member the head allowed sent it.
        let council = app.signed_in(&common::persona(RoleKind::CouncilAdmin)).await;
        let detail: serde_json::Value = council.post_api("/api/get_line_detail", &[("line_id", &line_id.to_string())]).await.json().await.unwrap();
        assert_eq!(detail["events"][0]["member_name"], "أمينة يوسف");
        let page = council.get(&format!("/association/lines/{line_id}")).await.text().await.unwrap();
        assert!(page.contains("data-testid=\"by-member\""));
        // The page says for whom she acts, without JavaScript.
        let page = amina.get("/applications").await.text().await.unwrap();
        assert!(page.contains("id=\"acts-for\""));

        // The history names who did what; so does the head's "My data".
        let id = household.to_string();
        let history: Vec<app::registry::HouseholdChange> =
            noura.post_api("/api/get_household_history", &[("household_id", &id)]).await.json().await.unwrap();
        let submitted = history.iter().find(|c| c.field == "application_submitted").unwrap();
        assert!(submitted.changed_by_name.as_deref().unwrap().contains("أمينة"));
        let allowed = history.iter().find(|c| c.field == "delegate_allowed").unwrap();
        assert!(allowed.changed_by_name.as_deref().unwrap().contains("نورة"));
        assert_eq!(allowed.new_value.as_deref(), Some("أمينة يوسف"));
        let data: serde_json::Value = noura.post_api("/api/get_my_data", &[]).await.json().await.unwrap();
        let acts = data["acts"].as_array().unwrap();
        assert!(acts.iter().any(|a| a["field"] == "application_submitted"
            && a["changed_by_name"].as_str().unwrap().contains("أمينة")));
        let my_data = noura.get("/my-data").await.text().await.unwrap();
        assert!(my_data.contains("id=\"acts\""));
        // The member never reads the household's record or its history.
        assert_eq!(amina.post_api("/api/get_household_history", &[("household_id", &id)]).await.status(), 403);
        let hers: serde_json::Value = amina.post_api("/api/get_my_data", &[]).await.json().await.unwrap();
        assert!(hers["household"].is_null());
        assert!(!serde_json::to_string(&followed).unwrap().contains(&amina_id[1..8]));
    }

    async fn revoking_counts_at_once_and_a_member_cannot_grant(app: TestApp) {
        let (_, amina_id) = family();
        let (noura, member, household) = household_with_member(&app, &amina_id).await;
        let member_id = member.to_string();
        let amina = amina_confirms(&app, &amina_id, member).await;
        // A member cannot allow themself, before or after being allowed.
        assert_eq!(amina.post_api("/api/allow_member_to_act", &[("member_id", &member_id)]).await.status(), 403);
        assert_eq!(noura.post_api("/api/allow_member_to_act", &[("member_id", &member_id)]).await.status(), 200);
        assert_eq!(amina.post_api("/api/allow_member_to_act", &[("member_id", &member_id)]).await.status(), 403);
        assert_eq!(amina.post_api("/api/revoke_member_act", &[("member_id", &member_id)]).await.status(), 403);
        // Nor change the household's record.
        assert_ne!(amina.post_api("/api/save_household_contact", &[("phone", "0500000001")]).await.status(), 200);
        let (phone,): (Option<String>,) = sqlx::query_as("SELECT phone FROM households WHERE id = $1")
            .bind(household).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(phone.as_deref(), Some("966551234567"));
        assert!(audited(&app, "access_denied").await >= 3);

        // Allowed: she runs the household's shop, named as its producer.
        let district = common::jeddah_district(&app.state.db, 0).await.to_string();
        let shop = [("name_ar", "مطبخ الأسرة"), ("district_id", district.as_str()), ("pickup", "1"), ("bio", "أكل بيتي")];
        let r = amina.post_api("/api/save_shop", &shop).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let (owner, shop_household, producer): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT s.owner_user_id, s.household_id, s.producer_user_id FROM shops s",
        ).fetch_one(&app.state.db.pool).await.unwrap();
        let (noura_user,): (i64,) = sqlx::query_as("SELECT head_user_id FROM households WHERE id = $1")
            .bind(household).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!((owner, shop_household), (noura_user, Some(household)));
        assert!(producer.is_some());
        let hers: app::marketplace::api::MyShopView = amina.post_api("/api/get_my_shop", &[]).await.json().await.unwrap();
        assert_eq!(hers.shop.as_ref().unwrap().producer_name.as_deref(), Some("أمينة"));
        let heads: app::marketplace::api::MyShopView = noura.post_api("/api/get_my_shop", &[]).await.json().await.unwrap();
        assert_eq!(heads.shop.unwrap().id, hers.shop.unwrap().id);
        let r = apply(&app, &amina).await;
        assert_eq!(r.status(), 200);

        // The head revokes: the next call is refused, without signing her out.
        // The public shop page names her through the permission, so revoking
        // moves the market revision (the page cache empties at once).
        let revision = || app.count("SELECT revision FROM market_revision WHERE id = 1");
        let before = revision().await;
        let r = noura.post_form_from("/household?step=members", "/api/revoke_member_act", &[("member_id", &member_id)]).await;
        assert!(r.status().is_redirection());
        assert_eq!(audited(&app, "delegate_revoked").await, 1);
        assert!(revision().await > before, "revoking moves the market revision");
        assert_eq!(amina.post_api("/api/get_my_applications", &[]).await.status(), 403);
        assert_eq!(amina.post_api("/api/get_apply_form", &[]).await.status(), 403);
        assert_eq!(apply(&app, &amina).await.status(), 403);
        // The shop is no longer hers to run, nor does it name her.
        let r = amina.post_api("/api/save_product", &[("title_ar", "كعك"), ("description_ar", "كعك طازج كل يوم"), ("category", "sweets"), ("price", "20"), ("availability", "in_stock")]).await;
        assert_eq!(r.status(), 409);
        let heads: app::marketplace::api::MyShopView = noura.post_api("/api/get_my_shop", &[]).await.json().await.unwrap();
        assert_eq!(heads.shop.unwrap().producer_name, None);
        let id = household.to_string();
        let history: Vec<app::registry::HouseholdChange> =
            noura.post_api("/api/get_household_history", &[("household_id", &id)]).await.json().await.unwrap();
        assert!(history.iter().any(|c| c.field == "delegate_revoked"));
        assert!(history.iter().any(|c| c.field == "shop_saved" && c.changed_by_name.as_deref().unwrap().contains("أمينة")));
    }
}
