//! Attendance, completion and certificates: only the trainer and the
//! provider take attendance, an absence streak flags the household,
//! finishing issues certificate codes that verify publicly, and the roster
//! CSV is for the course's people only.

use super::*;

both_engines! {
    async fn attendance_completion_certificates_and_rights(app: TestApp) {
        let hind = app.signed_in(HIND_NAKHLA_ADMIN).await;
        let course_id = create_course(
            &hind,
            "دورة الحضور والشهادات",
            "10",
            &[
                ("2099-02-01", "16:00", "18:00"),
                ("2099-02-03", "16:00", "18:00"),
                ("2099-02-05", "16:00", "18:00"),
                ("2099-02-07", "16:00", "17:30"),
            ],
        )
        .await;
        let id = course_id.to_string();
        let district = common::jeddah_district(&app.state.db, 2).await;
        let people = members(&app.state.db, 3, district).await;
        for (_, token) in &people {
            let r = call_as(&app.base, token, "/api/enroll", &[("course_id", id.as_str())]).await;
            assert!(r.status().is_success());
        }
        // Without a registered household there is no enrollment.
        let noura = app.signed_in(NOURA).await;
        let r = noura.post_form("/api/enroll", &[("course_id", id.as_str())]).await;
        assert!(location(&r).contains("error=household_not_registered"), "{}", location(&r));

        let enrollments: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM enrollments WHERE course_id = $1 AND status = 'enrolled' ORDER BY id",
        )
        .bind(course_id)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let sessions: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM course_sessions WHERE course_id = $1 ORDER BY starts_at")
                .bind(course_id)
                .fetch_all(&app.state.db.pool)
                .await
                .unwrap();
        let mark = |browser: Browser, enrollment: i64, session: i64, mark: &'static str| {
            let id = id.clone();
            async move {
                browser
                    .post_form(
                        "/api/mark_attendance",
                        &[
                            ("course_id", id.as_str()),
                            ("session_id", session.to_string().as_str()),
                            ("enrollment_id", enrollment.to_string().as_str()),
                            ("mark", mark),
                        ],
                    )
                    .await
            }
        };
        // Not the family, not another association's staff.
        let family = app.signed_in(NOURA).await;
        let r = mark(family, enrollments[0].0, sessions[0].0, "present").await;
        assert!(location(&r).contains("error=forbidden"), "{}", location(&r));
        let bahr = app.signed_in(STAFF_BAHR).await;
        let r = mark(bahr.clone(), enrollments[0].0, sessions[0].0, "present").await;
        assert!(location(&r).contains("error=forbidden"));
        assert_eq!(bahr.get(&format!("/training/courses/{course_id}/roster.csv")).await.status(), 403);
        assert_eq!(app.count("SELECT COUNT(*) FROM attendance").await, 0);

        // The course's trainer takes attendance, one tap each, saved at once.
        let trainer = app.signed_in(&persona(RoleKind::Trainer)).await;
        let sheet = trainer.get(&format!("/training/courses/{course_id}/attendance")).await;
        assert_eq!(sheet.status(), 200);
        assert!(sheet.text().await.unwrap().contains("متدربة رقم 0"));
        for session in &sessions {
            let r = mark(trainer.clone(), enrollments[0].0, session.0, "present").await;
            assert!(location(&r).starts_with(&format!("/training/courses/{course_id}/attendance?session=")), "{}", location(&r));
        }
        // The second member: present, absent, excused, present (3 of 4 with the excuse as absence: 2/4).
        for (session, m) in sessions.iter().zip(["present", "absent", "excused", "present"]) {
            mark(trainer.clone(), enrollments[1].0, session.0, m).await;
        }
        // The third: present, then absent twice in a row → the household is flagged.
        assert_eq!(app.count("SELECT COUNT(*) FROM follow_up_flags").await, 0);
        mark(trainer.clone(), enrollments[2].0, sessions[0].0, "present").await;
        mark(trainer.clone(), enrollments[2].0, sessions[1].0, "absent").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM follow_up_flags").await, 0);
        mark(trainer.clone(), enrollments[2].0, sessions[2].0, "absent").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM follow_up_flags WHERE resolved_at IS NULL").await, 1);
        // A later tap changes the mark (last tap wins) and raises no second flag.
        mark(trainer.clone(), enrollments[2].0, sessions[3].0, "absent").await;
        mark(hind.clone(), enrollments[2].0, sessions[3].0, "present").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM follow_up_flags").await, 1);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM attendance WHERE enrollment_id = {} AND session_id = {} AND mark = 'present'",
                enrollments[2].0, sessions[3].0
            ))
            .await,
            1
        );

        // A tap from the sheet's island carries a key: sent again after a lost
        // answer (a weak connection), it is applied once; a new key applies.
        let keyed = |key: &'static str, m: &'static str| {
            let (trainer, id) = (trainer.clone(), id.clone());
            let (enrollment, session) = (enrollments[2].0.to_string(), sessions[3].0.to_string());
            async move {
                trainer
                    .post_api(
                        "/api/mark_attendance",
                        &[
                            ("course_id", id.as_str()),
                            ("session_id", session.as_str()),
                            ("enrollment_id", enrollment.as_str()),
                            ("mark", m),
                            ("tap", key),
                        ],
                    )
                    .await
            }
        };
        let marked = "SELECT COUNT(*) FROM audit_events WHERE action = 'attendance_marked'";
        let before = app.count(marked).await;
        for _ in 0..2 {
            assert_eq!(keyed("18c4f-1", "excused").await.status(), 200);
        }
        assert_eq!(app.count(marked).await, before + 1, "one key, one tap");
        assert_eq!(keyed("18c4f-2", "present").await.status(), 200);
        assert_eq!(app.count(marked).await, before + 2);
        // The first key again (a late resend) changes nothing: the last tap stands.
        assert_eq!(keyed("18c4f-1", "excused").await.status(), 200);
        let last = format!(
            "SELECT COUNT(*) FROM attendance WHERE enrollment_id = {} AND session_id = {} AND mark = 'present'",
            enrollments[2].0, sessions[3].0
        );
        assert_eq!(app.count(&last).await, 1);
        assert_eq!(keyed("not a key", "absent").await.status(), 400);

        // The roster CSV, for the trainer: every member, IDs masked, marks per session.
        let csv = trainer.get(&format!("/training/courses/{course_id}/roster.csv")).await;
        assert_eq!(csv.status(), 200);
        let bytes = csv.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text.lines().count(), 4);
        assert!(text.contains("present,present,present,present"));
        assert!(!text.contains(&app::identity::with_check_digit("170000000")), "IDs are masked");
        // A trainer serves no household: no phone in the CSV, and the sheet's
        // JSON carries neither a whole ID nor a phone (the page masks them; the
        // answer must too).
        assert!(!text.contains("966551234567"), "no phone for a trainer: {text}");
        // Each member's "who read my record" names the export, and the
        // training provider answers for it (never the trainer).
        let (provider,): (String,) = sqlx::query_as(
            "SELECT p.name_ar FROM training_providers p JOIN courses c ON c.provider_id = p.id WHERE c.id = $1",
        )
        .bind(course_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let mine: serde_json::Value =
            call_as(&app.base, &people[0].1, "/api/get_my_data", &[]).await.json().await.unwrap();
        let exported: Vec<&serde_json::Value> =
            mine["reads"].as_array().unwrap().iter().filter(|r| r["kind"] == "exported").collect();
        assert_eq!(exported.len(), 1, "{mine}");
        assert_eq!(exported[0]["association_name_ar"], provider.as_str(), "{mine}");
        assert!(mine["reads"].as_array().unwrap().iter().any(|r| r["kind"] == "listed"), "the attendance sheet: {mine}");
        let sheet = trainer.post_api("/api/get_attendance", &[("course_id", id.as_str())]).await;
        assert_eq!(sheet.status(), 200);
        let sheet = sheet.text().await.unwrap();
        assert!(sheet.contains("masked_national_id"), "{sheet}");
        assert!(!sheet.contains(&app::identity::with_check_digit("170000000")), "{sheet}");
        assert!(!sheet.contains("966551234567"), "{sheet}");
        let editor = hind.post_api("/api/get_course_editor", &[("course_id", id.as_str())]).await.text().await.unwrap();
        assert!(!editor.contains(&app::identity::with_check_digit("170000000")), "{editor}");
        assert!(!editor.contains("966551234567"), "these members' households are not Al Nakhla's: {editor}");

        // The dashboard's figures: 12 marks, 8 of them "present".
        let dashboard = hind.get("/training").await.text().await.unwrap();
        assert!(dashboard.contains("دورة الحضور والشهادات"));
        assert!(dashboard.contains("66%"), "attendance rate 8/12");

        // Finishing decides completion by the course's rule (75 %): 4/4 completes, 2/4 does not.
        let r = hind.post_form("/api/change_course_status", &[("course_id", id.as_str()), ("to", "running")]).await;
        assert!(!location(&r).contains("error="));
        let r = hind.post_form("/api/change_course_status", &[("course_id", id.as_str()), ("to", "finished")]).await;
        assert!(!location(&r).contains("error="), "{}", location(&r));
        let outcome: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT status, certificate_code FROM enrollments WHERE course_id = $1 ORDER BY id",
        )
        .bind(course_id)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(outcome[0].0, "completed");
        assert_eq!(outcome[1].0, "not_completed", "2 of 4 present is under 75 %");
        assert_eq!(outcome[2].0, "not_completed");
        assert!(outcome[1].1.is_none());
        let code = outcome[0].1.clone().unwrap();
        assert_eq!(code.len(), 24);

        // The certificate: the owner prints it; a stranger does not see it.
        let owner_page = reqwest::Client::new()
            .get(format!("{}/certificates/{code}", app.base))
            .header(COOKIE, format!("{SESSION_COOKIE}={}", people[0].1))
            .send()
            .await
            .unwrap();
        assert_eq!(owner_page.status(), 200);
        let html = owner_page.text().await.unwrap();
        assert!(html.contains("متدربة رقم 0") && html.contains("دورة الحضور والشهادات"));
        assert!(html.contains(&code));
        assert!(html.contains("7.5"), "hours: 2 + 2 + 2 + 1.5");
        let stranger = noura.get(&format!("/certificates/{code}")).await;
        assert_eq!(stranger.status(), 404);

        // Public verification: name and course only.
        let visitor = app.browser();
        let verify = visitor.get(&format!("/verify/{}", code.to_lowercase().replace('-', ""))).await;
        assert_eq!(verify.status(), 200);
        let html = verify.text().await.unwrap();
        assert!(html.contains("id=\"verify-result\""));
        assert!(html.contains("متدربة رقم 0") && html.contains("دورة الحضور والشهادات"));
        assert!(!html.contains("966551234567") && !html.contains(&app::identity::with_check_digit("170000000")));
        let forged = visitor.get("/verify/0000-0000-0000-0000-0000").await.text().await.unwrap();
        assert!(forged.contains("alert-error"));

        // Codes are 100 random bits: many finished courses never repeat one.
        let mut seen = std::collections::HashSet::new();
        for _ in 0..2000 {
            use rand::RngCore;
            let mut bytes = [0u8; 16];
            rand::rng().fill_bytes(&mut bytes);
            assert!(seen.insert(app::training::format_certificate_code(u128::from_le_bytes(bytes))));
        }

        // The follow-up flag reaches the council (the household has no association yet) and is closed.
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let page = council.get("/training").await.text().await.unwrap();
        assert!(page.contains("متدربة رقم 2"));
        let (flag_id,): (i64,) = sqlx::query_as("SELECT id FROM follow_up_flags")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let r = bahr.post_form("/api/resolve_follow_up", &[("flag_id", flag_id.to_string().as_str())]).await;
        assert!(location(&r).contains("error=forbidden"));
        let r = council.post_form("/api/resolve_follow_up", &[("flag_id", flag_id.to_string().as_str())]).await;
        assert!(!location(&r).contains("error="));
        assert_eq!(app.count("SELECT COUNT(*) FROM follow_up_flags WHERE resolved_at IS NULL").await, 0);
    }
}
