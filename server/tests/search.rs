//! The staff search (issue 21 §1), through real HTTP on SQLite and
//! PostgreSQL: names partial, in either order, normalised (أ/ا/إ, ة/ه, ى/ي,
//! tashkeel, "عبد الله"), with or without the article; national IDs in
//! Eastern-Arabic digits; phones in every Saudi form; a household the
//! association does not serve answered without name, phone or ID; the
//! searches audited with their households; families, trainers and visitors
//! refused; the start-up fill of the keys; erasure and members.
//! National IDs of this file start with 137700.

mod common;

use app::audit::AuditEvent;
use app::identity::{RoleKind, with_check_digit};
use app::registry::db::{FieldValue, add_member, name_keys, register_walk_in};
use common::{Browser, TestApp, persona};
use serde_json::Value;

const MONA_NAKHLA_STAFF: &str = "1000000032";

async fn one(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    n
}

/// A walk-in household with this head, phone and ID suffix: its id.
async fn household(app: &TestApp, suffix: u32, head: &str, phone: &str) -> i64 {
    let staff = one(
        app,
        &format!("SELECT id FROM users WHERE national_id = '{MONA_NAKHLA_STAFF}'"),
    )
    .await;
    let nakhla = one(
        app,
        "SELECT id FROM associations WHERE licence_number = 'DEMO-001'",
    )
    .await;
    register_walk_in(
        &app.state.db,
        &national_id(suffix),
        head,
        staff,
        nakhla,
        &[(
            "phone",
            FieldValue::Text(Some(
                app::registry::SaudiPhone::parse(phone)
                    .unwrap()
                    .international()
                    .to_string(),
            )),
        )],
        AuditEvent::new("walk_in_registered"),
    )
    .await
    .unwrap()
}

fn national_id(suffix: u32) -> String {
    with_check_digit(&format!("1377000{suffix:02}"))
}

/// A benefit `association` gave the household (so it serves it).
async fn benefit(app: &TestApp, household: i64, association: i64) {
    let kind = one(app, "SELECT MIN(id) FROM assistance_types").await;
    sqlx::query(
        "INSERT INTO benefits (household_id, association_id, assistance_type_id, given_on, recorded_at) \
         VALUES ($1, $2, $3, '2026-11-02', 0)",
    )
    .bind(household)
    .bind(association)
    .bind(kind)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
}

async fn search(browser: &Browser, q: &str) -> Value {
    let r = browser
        .post_api("/api/search_households", &[("q", q)])
        .await;
    assert_eq!(r.status(), 200, "{q}");
    r.json().await.unwrap()
}

fn here_ids(results: &Value) -> Vec<i64> {
    results["here"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["household_id"].as_i64().unwrap())
        .collect()
}

both_engines! {
    async fn finds_served_households_by_name_id_and_phone(app: TestApp) {
        let nakhla = one(&app, &format!(
            "SELECT g.association_id FROM role_grants g JOIN users u ON u.id = g.user_id \
             WHERE u.national_id = '{MONA_NAKHLA_STAFF}' AND g.association_id IS NOT NULL"
        )).await;
        let ahmad = household(&app, 1, "أحمد بن محمد الزهراني", "0551112233").await;
        benefit(&app, ahmad, nakhla).await;
        let staff_user = one(&app, &format!("SELECT id FROM users WHERE national_id = '{MONA_NAKHLA_STAFF}'")).await;
        add_member(&app.state.db, ahmad, staff_user, "نورة أحمد الزهراني", "daughter", "2004-05-06", None)
            .await
            .unwrap();
        let staff = app.signed_in(MONA_NAKHLA_STAFF).await;

        for q in ["احمد", "أحمد", "إحمد", "أَحْمَد", "احم", "الزهراني احمد", "زهراني محمد أحمد", "بن زهر"] {
            assert_eq!(here_ids(&search(&staff, q).await), vec![ahmad], "{q}");
        }
        // A member's name finds the household, and says whose it was.
        let r = search(&staff, "نوره الزهرانى").await;
        assert_eq!(here_ids(&r), vec![ahmad]);
        assert_eq!(r["here"][0]["member_name"], "نورة أحمد الزهراني");
        // Parts of different people do not make one name.
        assert!(here_ids(&search(&staff, "نورة محمد").await).is_empty());

        // The national ID in any digits; shown masked.
        let id = national_id(1);
        let eastern: String = id.chars().map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap()).collect();
        for q in [id.as_str(), eastern.as_str()] {
            let r = search(&staff, q).await;
            assert_eq!(r["kind"], "NationalId");
            assert_eq!(here_ids(&r), vec![ahmad], "{q}");
            assert_eq!(r["here"][0]["national_id_masked"], app::text::mask_identifier(&id));
            assert!(!r["here"].to_string().contains(&id));
        }
        // The phone in every Saudi form.
        for q in ["0551112233", "551112233", "+966551112233", "00966551112233", "966 55 111 2233", "٠٥٥١١١٢٢٣٣"] {
            let r = search(&staff, q).await;
            assert_eq!(r["kind"], "Phone", "{q}");
            assert_eq!(here_ids(&r), vec![ahmad], "{q}");
            assert_eq!(r["here"][0]["phone"], "0551112233");
        }
        // Digits that are neither.
        assert_eq!(search(&staff, "12345").await["error"], "number");

        // The page, without JavaScript: a plain GET.
        let page = staff.get("/association/search?q=%D8%A7%D9%84%D8%B2%D9%87%D8%B1%D8%A7%D9%86%D9%8A").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("أحمد بن محمد الزهراني"));
        assert!(html.contains(&format!("/association/cases/{ahmad}")));
    }

    async fn households_served_elsewhere_show_only_the_limited_answer(app: TestApp) {
        let nakhla = one(&app, &format!(
            "SELECT g.association_id FROM role_grants g JOIN users u ON u.id = g.user_id \
             WHERE u.national_id = '{MONA_NAKHLA_STAFF}' AND g.association_id IS NOT NULL"
        )).await;
        let other = one(&app, &format!("SELECT MIN(id) FROM associations WHERE id <> {nakhla}")).await;
        let other_name = one(&app, &format!("SELECT COUNT(*) FROM associations WHERE id = {other}")).await;
        assert_eq!(other_name, 1);
        let fatima = household(&app, 2, "فاطِمة عبد الله الحربى", "0559998877").await;
        benefit(&app, fatima, other).await;
        let lone = household(&app, 3, "خديجة يوسف القرشي", "0553334455").await;
        let staff = app.signed_in(MONA_NAKHLA_STAFF).await;

        for q in ["فاطمه الحربي", "فاطمة عبدالله", "عبد الله فاطمة", "حربي فاط", &national_id(2), "0559998877"] {
            let r = search(&staff, q).await;
            assert!(here_ids(&r).is_empty(), "{q}");
            let elsewhere = r["elsewhere"].as_array().unwrap();
            assert_eq!(elsewhere.len(), 1, "{q}");
            assert!(elsewhere[0].get("household_id").is_none());
            let text = r["elsewhere"].to_string();
            for secret in ["فاطِمة", "فاطمة", "الحربى", "الحربي", "559998877", &national_id(2)] {
                assert!(!text.contains(secret), "{q}: {secret} in {text}");
            }
            assert_eq!(elsewhere[0]["served_by"].as_array().unwrap().len(), 1);
            assert_eq!(elsewhere[0]["benefits"][0]["given_on"], "2026-11-02");
        }
        let r = search(&staff, "خديجة").await;
        assert_eq!(r["elsewhere"][0]["served_by"].as_array().unwrap().len(), 0);

        // Audited: each search that returned them names the households.
        let audited = |household: i64| format!(
            "SELECT COUNT(*) FROM audit_events e JOIN audit_event_households h ON h.audit_event_id = e.id \
             WHERE e.action = 'personal_data_listed' AND e.subject_id LIKE 'search % elsewhere' \
               AND e.acting_for_association_id = {nakhla} AND h.household_id = {household}"
        );
        assert_eq!(one(&app, &audited(fatima)).await, 6);
        assert_eq!(one(&app, &audited(lone)).await, 1);

        // The page shows no name of theirs.
        let page = staff.get("/association/search?q=%D8%AE%D8%AF%D9%8A%D8%AC%D8%A9").await;
        let html = page.text().await.unwrap();
        assert!(!html.contains("القرشي"));

        // The council serves none: the limited answer for every household.
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let r = search(&council, "فاطمة").await;
        assert!(here_ids(&r).is_empty());
        assert_eq!(r["elsewhere"].as_array().unwrap().len(), 1);
    }

    async fn families_trainers_and_visitors_are_refused(app: TestApp) {
        household(&app, 4, "سارة ناصر", "0551212121").await;
        let family = app.signed_in(&persona(RoleKind::FamilyMember)).await;
        let r = family.post_api("/api/search_households", &[("q", "سارة")]).await;
        assert_eq!(r.status(), 403);
        let trainer = app.signed_in(&persona(RoleKind::Trainer)).await;
        let r = trainer.post_api("/api/search_households", &[("q", "سارة")]).await;
        assert_eq!(r.status(), 403);
        let r = app.browser().post_api("/api/search_households", &[("q", "سارة")]).await;
        assert_eq!(r.status(), 401);
        assert!(one(&app, "SELECT COUNT(*) FROM audit_events WHERE action = 'access_denied' AND detail = 'household search'").await >= 2);
        let page = family.get("/association/search?q=x").await.text().await.unwrap();
        assert!(!page.contains("سارة ناصر"));
    }

    async fn keys_follow_members_erasure_and_the_start_up_fill(app: TestApp) {
        let staff_user = one(&app, &format!("SELECT id FROM users WHERE national_id = '{MONA_NAKHLA_STAFF}'")).await;
        let h = household(&app, 5, "هند عمر الثقفي", "0557778899").await;
        let keys = |h: i64| format!("SELECT COUNT(*) FROM household_name_keys WHERE household_id = {h}");
        // هند, عمر, ثقفي, الثقفي
        assert_eq!(one(&app, &keys(h)).await, 4);
        let member = add_member(&app.state.db, h, staff_user, "مريم هند", "daughter", "2010-01-01", None).await.unwrap();
        assert_eq!(one(&app, &keys(h)).await, 6);
        app::registry::db::remove_member(&app.state.db, h, staff_user, member).await.unwrap();
        assert_eq!(one(&app, &keys(h)).await, 4);

        // A household stored before the keys existed gets them from the fill.
        sqlx::query("DELETE FROM household_name_keys WHERE household_id = $1").bind(h).execute(&app.state.db.pool).await.unwrap();
        sqlx::query("UPDATE household_name_keys_filled SET up_to = 0").execute(&app.state.db.pool).await.unwrap();
        assert!(name_keys::fill(&app.state.db).await.unwrap() >= 1);
        assert_eq!(one(&app, &keys(h)).await, 4);
        assert_eq!(name_keys::fill(&app.state.db).await.unwrap(), 0);

        // Erased: no keys left.
        let mut tx = app.state.db.begin_write().await.unwrap();
        app::privacy::db::anonymise(&mut tx, h, None).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(one(&app, &keys(h)).await, 0);
    }
}
