//! The public training pages and their filters and paging, course forms
//! (drafts, edits, eligibility by district, other associations refused), the
//! shared trainer registry and training centers' own courses.

use super::*;

both_engines! {
    async fn public_pages_forms_and_refusals(app: TestApp) {
        // The demo courses are public; the list filters by specialty and mode.
        let visitor = app.browser();
        let list = visitor.get("/courses").await.text().await.unwrap();
        assert!(list.contains("الحلويات الشرقية للبيع") && list.contains("كيف تسعّر منتجك المنزلي"));
        let online = visitor.get("/courses?mode=online").await.text().await.unwrap();
        assert!(online.contains("كيف تسعّر منتجك المنزلي") && !online.contains("الحلويات الشرقية للبيع"));
        let sewing = visitor.get("/courses?specialty=sewing&upcoming=1").await.text().await.unwrap();
        assert!(sewing.contains("أساسيات الخياطة والتطريز") && !sewing.contains("الحلويات الشرقية للبيع"));

        // The list pages (24 a page, with the total), keeping its filters.
        let demo: serde_json::Value = visitor.post_api("/api/list_courses", &[]).await.json().await.unwrap();
        let demo_total = demo["total"].as_i64().unwrap();
        assert_eq!(demo["courses"].as_array().unwrap().len() as i64, demo_total);
        let (online_id,): (i64,) = sqlx::query_as("SELECT id FROM courses WHERE mode = 'online' AND status = 'open' ORDER BY id LIMIT 1")
            .fetch_one(&app.state.db.pool).await.unwrap();
        let columns: Vec<String> = {
            use sqlx::{Column, Row};
            sqlx::query("SELECT * FROM courses LIMIT 1").fetch_one(&app.state.db.pool).await.unwrap()
                .columns().iter().map(|c| c.name().to_string()).filter(|c| c != "id").collect()
        };
        let columns = columns.join(", ");
        for _ in 0..30 {
            sqlx::query(sqlx::AssertSqlSafe(format!("INSERT INTO courses ({columns}) SELECT {columns} FROM courses WHERE id = {online_id}")))
                .execute(&app.state.db.pool).await.unwrap();
        }
        let online_total = app.count("SELECT COUNT(*) FROM courses WHERE mode = 'online' AND status IN ('open', 'running', 'finished')").await;
        let first = visitor.get("/courses?mode=online").await.text().await.unwrap();
        assert!(first.contains(&format!("<bdi>{online_total}")), "{first}");
        assert!(first.contains("/courses?mode=online&amp;page=2"), "{first}");
        let last: serde_json::Value = visitor
            .post_api("/api/list_courses", &[("params[mode]", "online"), ("params[page]", "2")])
            .await.json().await.unwrap();
        assert_eq!((last["page"].as_i64(), last["pages"].as_i64()), (Some(2), Some(2)));
        assert_eq!(last["courses"].as_array().unwrap().len() as i64, online_total - 24);

        // A draft is not public.
        let hind = app.signed_in(HIND_NAKHLA_ADMIN).await;
        let (provider,): (i64,) = sqlx::query_as("SELECT id FROM training_providers WHERE kind = 'association'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let provider = provider.to_string();
        let district = common::jeddah_district(&app.state.db, 5).await.to_string();
        let eligible = common::jeddah_district(&app.state.db, 6).await.to_string();
        let base_form = |seats: &'static str, mode: &'static str| {
            vec![
                ("provider_id", provider.clone()),
                ("title_ar", "دورة مسودة".to_string()),
                ("specialty", "packaging".to_string()),
                ("mode", mode.to_string()),
                ("district_id", district.clone()),
                ("seats", seats.to_string()),
                ("opens_on", "2026-01-01".to_string()),
                ("closes_on", "2099-01-01".to_string()),
                ("eligible_districts[]", eligible.clone()),
            ]
        };
        let post = |form: Vec<(&'static str, String)>| {
            let hind = hind.clone();
            async move {
                let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                hind.post_form("/api/save_course", &pairs).await
            }
        };
        for (form, error) in [
            (base_form("0", "in_person"), "seats_invalid"),
            (base_form("abc", "in_person"), "seats_invalid"),
            (base_form("10", "online"), "online_link_invalid"),
            (base_form("10", "by_pigeon"), "value_invalid"),
        ] {
            let r = post(form).await;
            assert!(location(&r).contains(&format!("error={error}")), "{error}: {}", location(&r));
        }
        let r = post(base_form("10", "in_person")).await;
        let draft: i64 = location(&r).rsplit('/').next().unwrap().parse().unwrap();
        // Editing saves over the same course.
        let mut edit = base_form("12", "in_person");
        edit[1].1 = "دورة مسودة معدلة".to_string();
        edit.push(("course_id", draft.to_string()));
        let r = post(edit).await;
        assert_eq!(location(&r), format!("/training/courses/{draft}"));
        assert_eq!(
            app.count(&format!("SELECT COUNT(*) FROM courses WHERE id = {draft} AND seats = 12 AND title_ar = 'دورة مسودة معدلة'")).await,
            1
        );
        assert_eq!(visitor.get(&format!("/courses/{draft}")).await.status(), 404);
        assert_eq!(hind.get(&format!("/courses/{draft}")).await.status(), 200);
        let r = hind.post_form("/api/change_course_status", &[("course_id", draft.to_string().as_str()), ("to", "open")]).await;
        assert!(location(&r).contains("error=sessions_required"));
        let r = hind
            .post_form(
                "/api/add_course_session",
                &[("course_id", draft.to_string().as_str()), ("date", "2099-03-01"), ("starts", "18:00"), ("ends", "17:00")],
            )
            .await;
        assert!(location(&r).contains("error=session_invalid"));
        let (eligibility,): (String,) = sqlx::query_as("SELECT eligibility FROM courses WHERE id = $1")
            .bind(draft)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        assert_eq!(eligibility, "districts", "the multi-select's values arrive");

        // Eligibility by district: a household elsewhere is refused.
        app::training::db::add_session(
            &app.state.db,
            draft,
            app::training::parse_session("2099-03-01", "10:00", "11:00").unwrap(),
            None,
        )
        .await
        .unwrap();
        let r = hind.post_form("/api/change_course_status", &[("course_id", draft.to_string().as_str()), ("to", "open")]).await;
        assert!(!location(&r).contains("error="));
        let outsider = members(&app.state.db, 1, district.parse().unwrap()).await;
        let r = call_as(&app.base, &outsider[0].1, "/api/enroll", &[("course_id", draft.to_string().as_str())]).await;
        assert_eq!(r.status(), 409);
        let body = r.text().await.unwrap();
        assert!(body.contains("course_not_eligible"), "{body}");

        // Another association's staff may not change the course.
        let bahr = app.signed_in(STAFF_BAHR).await;
        let r = bahr.post_form("/api/change_course_status", &[("course_id", draft.to_string().as_str()), ("to", "cancelled")]).await;
        assert!(location(&r).contains("error=forbidden"));
        assert_eq!(bahr.get(&format!("/training/courses/{draft}")).await.status(), 403);

        // The shared trainer registry: visible to every association, with the demo trainers.
        let registry = bahr.get("/training/trainers").await.text().await.unwrap();
        assert!(registry.contains("سارة محمد الخياطة"));
        let r = bahr
            .post_form("/api/save_trainer", &[("provider_id", "999"), ("name_ar", "مدرب")])
            .await;
        assert!(location(&r).contains("error=forbidden"));
        let r = hind
            .post_form(
                "/api/save_trainer",
                &[
                    ("provider_id", provider.as_str()),
                    ("name_ar", "منيرة التغليف"),
                    ("specialties[]", "packaging"),
                    ("specialties[]", "marketing"),
                    ("phone", "٠٥٠١٢٣٤٥٦٧"),
                ],
            )
            .await;
        assert_eq!(location(&r), "/training/trainers");
        let registry = bahr.get("/training/trainers?specialty=packaging").await.text().await.unwrap();
        assert!(registry.contains("منيرة التغليف") && !registry.contains("سارة محمد الخياطة"));

        // The council registers a training center and lists its staff; the staff
        // member then creates the center's courses (and no one else's).
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let r = hind.post_form("/api/register_center", &[("name_ar", "مركز مستقل")]).await;
        assert!(location(&r).contains("error=forbidden"));
        let r = council.post_form("/api/register_center", &[("name_ar", "مركز الرواد للتدريب"), ("name_en", "Al Rowad Training")]).await;
        assert_eq!(location(&r), "/training");
        let (center,): (i64,) = sqlx::query_as("SELECT id FROM training_providers WHERE name_ar = 'مركز الرواد للتدريب'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let center = center.to_string();
        let r = council
            .post_form("/api/add_center_staff", &[("provider_id", center.as_str()), ("national_id", "1055555559")])
            .await;
        assert!(location(&r).contains("error=account_not_found"), "{}", location(&r));
        let noura = app.signed_in(NOURA).await;
        let mut form = base_form("8", "in_person");
        form[0].1 = center.clone();
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = noura.post_form("/api/save_course", &pairs).await;
        assert!(location(&r).contains("error=forbidden"), "not yet the center's staff");
        let r = council
            .post_form("/api/add_center_staff", &[("provider_id", center.as_str()), ("national_id", NOURA)])
            .await;
        assert_eq!(location(&r), "/training");
        let r = noura.post_form("/api/save_course", &pairs).await;
        assert!(location(&r).starts_with("/training/courses/"), "{}", location(&r));
        form[0].1 = provider.clone();
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = noura.post_form("/api/save_course", &pairs).await;
        assert!(location(&r).contains("error=forbidden"), "not Al Nakhla's staff");
        assert!(noura.get("/").await.text().await.unwrap().contains("href=\"/training\""), "the training area is in their navigation");
    }
}
