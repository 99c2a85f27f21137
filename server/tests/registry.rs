//! The household registry on SQLite and PostgreSQL: one household per head
//! and per member ID, step-by-step saving, versioned history, and who may read it.

mod common;

use app::demo::personas;
use app::identity::{RoleKind, with_check_digit};
use common::{TestApp, persona};

fn families() -> (String, String) {
    let mut f = personas()
        .into_iter()
        .filter(|p| p.role == RoleKind::FamilyMember)
        .map(|p| p.national_id);
    (f.next().unwrap(), f.next().unwrap())
}

async fn fill_household(app: &TestApp) {
    let district = common::jeddah_district(&app.state.db, 0).await;
    common::fill_household(app, district).await;
}

both_engines! {
    async fn a_family_registers_step_by_step(app: TestApp) {
        let (family, _) = families();
        app.sign_in(&family).await;
        // The place step opens on Jeddah, its districts listed (not on the
        // first city alphabetically with nothing to pick).
        let wizard: serde_json::Value = app.post_api("/api/get_household_wizard", &[]).await.json().await.unwrap();
        let jeddah = wizard["cities"].as_array().unwrap().iter().find(|c| c["name_en"] == "Jeddah").unwrap()["id"].clone();
        assert_eq!(wizard["city_id"], jeddah);
        assert!(!wizard["districts"].as_array().unwrap().is_empty());
        // Submitting too early says what is missing.
        let early = app.post_api("/api/submit_household", &[("consent", app::registry::PRIVACY_NOTICE_VERSION)]).await;
        assert_eq!(early.status(), 409);
        assert!(early.text().await.unwrap().contains("household_incomplete"));

        fill_household(&app).await;
        let r = app.post_api("/api/add_household_member", &[
            ("full_name", "سارة  محمد الأسرية"), ("relation", "daughter"), ("birth_date", "2010-03-04"),
        ]).await;
        assert_eq!(r.status(), 200);
        // A birth date typed in the Hijri calendar, as on an ID card, is
        // stored as its Gregorian day.
        let r = app.post_api("/api/add_household_member", &[
            ("full_name", "خالد محمد الأسري"), ("relation", "son"), ("birth_calendar", "hijri"),
            ("birth_date_hijri", "١٨/٠٣/١٤٣١"), ("birth_date", ""),
        ]).await;
        assert_eq!(r.status(), 200);
        // Consent is required.
        assert_eq!(app.post_api("/api/submit_household", &[]).await.status(), 422);
        let r = app.post_api("/api/submit_household", &[("consent", app::registry::PRIVACY_NOTICE_VERSION)]).await;
        assert_eq!(r.status(), 200);

        let mine: Option<app::registry::Household> = app.post_api("/api/get_my_household", &[]).await.json().await.unwrap();
        let mine = mine.unwrap();
        assert_eq!(mine.phone.as_deref(), Some("966551234567"));
        assert_eq!(mine.dependants, Some(4));
        assert_eq!(mine.crafts, vec!["food", "sweets"]);
        assert_eq!(mine.members.len(), 2);
        assert_eq!(mine.members[0].full_name, "سارة محمد الأسرية");
        assert_eq!(mine.members[1].birth_date, "2010-03-04");
        assert!(mine.verified);
        assert_eq!(mine.status, app::registry::HouseholdStatus::Registered);
        assert_eq!(app.count("SELECT COUNT(*) FROM households").await, 1);
        let (consent,): (Option<String>,) = sqlx::query_as("SELECT consent_version FROM households").fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(consent.as_deref(), Some(app::registry::PRIVACY_NOTICE_VERSION));
    }

    async fn every_change_is_versioned(app: TestApp) {
        let (family, _) = families();
        app.sign_in(&family).await;
        fill_household(&app).await;
        // Saving the same step again changes nothing.
        app.post_api("/api/save_household_contact", &[("phone", "0551234567")]).await;
        app.post_api("/api/save_household_contact", &[("phone", "0569876543")]).await;
        let mine: Option<app::registry::Household> = app.post_api("/api/get_my_household", &[]).await.json().await.unwrap();
        let id = mine.unwrap().id.to_string();
        let history: Vec<app::registry::HouseholdChange> =
            app.post_api("/api/get_household_history", &[("household_id", &id)]).await.json().await.unwrap();
        let phones: Vec<_> = history.iter().filter(|c| c.field == "phone").collect();
        assert_eq!(phones.len(), 2);
        assert_eq!(phones[0].old_value.as_deref(), Some("966551234567"));
        assert_eq!(phones[0].new_value.as_deref(), Some("966569876543"));
        assert!(phones[0].changed_by_name.as_deref().unwrap().contains("نورة"));
        assert!(history.iter().any(|c| c.field == "household_opened"));
        // Versions only grow.
        assert!(history.windows(2).all(|w| w[0].version >= w[1].version));
    }

    async fn one_household_per_person(app: TestApp) {
        let (first, second) = families();
        let shared_member = with_check_digit("109999999");
        app.sign_in(&first).await;
        fill_household(&app).await;
        let add = |id: &str| {
            let form = vec![
                ("full_name".to_string(), "عضو مشترك".to_string()),
                ("relation".to_string(), "son".to_string()),
                ("birth_date".to_string(), "2005-01-01".to_string()),
                ("national_id".to_string(), id.to_string()),
            ];
            let client = app.client.clone();
            let url = app.url("/api/add_household_member");
            async move { client.post(url).header("accept", "application/json").form(&form).send().await.unwrap() }
        };
        assert_eq!(add(&shared_member).await.status(), 200);
        // The same member again, in the same household: refused.
        let r = add(&shared_member).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("member_already_listed"));
        // Listing the head of another household is only a claim: it is
        // answered like any other ID and blocks no one (issue 13).
        assert_eq!(add(&second).await.status(), 200);
        app.sign_in(&second).await;
        let r = app.post_api("/api/save_household_contact", &[("phone", "0551112222")]).await;
        assert_eq!(r.status(), 200, "the listed person still opens their own household");
        assert_eq!(app.count("SELECT COUNT(*) FROM households").await, 2);
        // A confirmed member ID belongs to one household only: once the
        // second person heads a household, confirming the claim is refused.
        let claims: Vec<app::registry::claims::MemberClaim> =
            app.post_api("/api/get_member_claims", &[]).await.json().await.unwrap();
        assert_eq!(claims.len(), 1);
        let member = claims[0].member_id.to_string();
        let r = app.post_api("/api/answer_member_claim", &[("member_id", &member), ("confirm", "true")]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("person_in_other_household"));
        // Removing a member frees the listing.
        app.sign_in(&first).await;
        let mine: Option<app::registry::Household> = app.post_api("/api/get_my_household", &[]).await.json().await.unwrap();
        let member = mine.unwrap().members.iter().find(|m| m.national_id.is_some()).unwrap().id.to_string();
        assert_eq!(app.post_api("/api/remove_household_member", &[("member_id", &member)]).await.status(), 200);
        assert_eq!(add(&shared_member).await.status(), 200);
    }

    async fn bad_input_is_refused_with_reasons(app: TestApp) {
        let (family, _) = families();
        app.sign_in(&family).await;
        for (path, form, key) in [
            ("/api/save_household_contact", vec![("phone", "12345")], "phone_format"),
            ("/api/save_household_place", vec![("district_id", "1"), ("address", "")], "district_unknown"),
            ("/api/save_household_place", vec![("district_id", "abc"), ("address", "")], "district_unknown"),
            ("/api/save_household_circumstances", vec![("income_bracket", "rich"), ("dependants", "2")], "income_bracket_invalid"),
            ("/api/save_household_circumstances", vec![("income_bracket", "none"), ("dependants", "99")], "dependants_invalid"),
            ("/api/add_household_member", vec![("full_name", "x"), ("relation", "son"), ("birth_date", "2000-01-01")], "member_name_required"),
            ("/api/add_household_member", vec![("full_name", "سعد"), ("relation", "cousin"), ("birth_date", "2000-01-01")], "relation_invalid"),
            ("/api/add_household_member", vec![("full_name", "سعد"), ("relation", "son"), ("birth_date", "2000-02-30")], "birth_date_invalid"),
            ("/api/add_household_member", vec![("full_name", "سعد"), ("relation", "son"), ("birth_calendar", "hijri"), ("birth_date_hijri", "1431-13-01")], "hijri_date_invalid"),
            ("/api/add_household_member", vec![("full_name", "سعد"), ("relation", "son"), ("birth_calendar", "hijri"), ("birth_date", "2000-01-01")], "hijri_date_invalid"),
            ("/api/add_household_member", vec![("full_name", "سعد"), ("relation", "son"), ("birth_date", "2000-02-03"), ("national_id", "1234567890")], "national_id_check_digit"),
        ] {
            let r = app.post_api(path, &form).await;
            assert_eq!(r.status(), 422, "{path} {form:?}");
            assert!(r.text().await.unwrap().contains(key), "{path} {form:?}");
        }
        // Without JavaScript the form gets its page back with the reason.
        let r = app.post_form_from("/household", "/api/save_household_contact", &[("phone", "12345")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(common::location(&r), "/household?error=phone_format");
    }

    async fn families_see_only_their_own_household(app: TestApp) {
        let (first, second) = families();
        // Signed out: nothing.
        assert_eq!(app.post_api("/api/get_my_household", &[]).await.status(), 401);
        app.sign_in(&first).await;
        fill_household(&app).await;
        let mine: Option<app::registry::Household> = app.post_api("/api/get_my_household", &[]).await.json().await.unwrap();
        let id = mine.unwrap().id.to_string();
        app.sign_in(&second).await;
        let theirs: Option<app::registry::Household> = app.post_api("/api/get_my_household", &[]).await.json().await.unwrap();
        assert!(theirs.is_none());
        assert_eq!(app.post_api("/api/get_household_history", &[("household_id", &id)]).await.status(), 403);
        // Association staff cannot read it either until a line links it to them.
        app.sign_in(&persona(RoleKind::AssociationStaff)).await;
        assert_eq!(app.post_api("/api/get_household_history", &[("household_id", &id)]).await.status(), 403);
        // The council admin can, and the read is audited.
        app.sign_in(&persona(RoleKind::CouncilAdmin)).await;
        assert_eq!(app.post_api("/api/get_household_history", &[("household_id", &id)]).await.status(), 200);
        assert_eq!(app::audit::count_actions(&app.state.db, app::audit::action::HOUSEHOLD_VIEWED).await.unwrap(), 1);
    }

    async fn staff_register_a_walk_in_family_that_the_head_then_confirms(app: TestApp) {
        let (family, _) = families();
        let district = common::jeddah_district(&app.state.db, 2).await.to_string();
        let form = [("national_id", family.as_str()), ("head_name", "نورة عبدالله الأسرية"), ("phone", "0551234567"), ("district_id", district.as_str())];
        // A family member cannot register others.
        let someone = app.signed_in(&family).await;
        assert_eq!(someone.post_api("/api/register_walk_in", &form).await.status(), 403);
        let staff = app.signed_in(&persona(RoleKind::AssociationStaff)).await;
        assert_eq!(staff.post_api("/api/register_walk_in", &form).await.status(), 200);
        assert_eq!(staff.post_api("/api/register_walk_in", &form).await.status(), 409);
        let (verified, status): (i64, String) = sqlx::query_as("SELECT verified, status FROM households").fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!((verified, status.as_str()), (0, "draft"), "not verified until the head confirms");

        // The head signs in with Nafath, finds the record, completes and submits it.
        let mine: Option<app::registry::Household> = someone.post_api("/api/get_my_household", &[]).await.json().await.unwrap();
        let mine = mine.unwrap();
        assert!(!mine.verified);
        assert_eq!(mine.phone.as_deref(), Some("966551234567"));
        common::register_household(&someone, district.parse().unwrap()).await;
        let (verified, status): (i64, String) = sqlx::query_as("SELECT verified, status FROM households").fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!((verified, status.as_str()), (1, "registered"));
        assert_eq!(app.count("SELECT COUNT(*) FROM households").await, 1);
        assert_eq!(app::audit::count_actions(&app.state.db, app::audit::action::WALK_IN_REGISTERED).await.unwrap(), 1);
    }
}
