//! A line's life cycle: referral through two associations, the family
//! withdrawing and the council assigning, and staff reaching only the
//! households linked to their association.

use super::*;

both_engines! {
    async fn a_line_goes_through_two_associations(app: TestApp) {
        let noura = family(&app, NOURA, 0).await;
        let (training, equipment) = (type_id(&app, "training").await, type_id(&app, "equipment").await);
        let key = apply_form(&noura).await.submission_key;
        assert_eq!(submit(&noura, &key, &[(training, NEED, ""), (equipment, "ماكينة خياطة منزلية", "")]).await.status(), 200);
        let nakhla_staff = app.signed_in(STAFF_NAKHLA).await;
        let q = queue(&nakhla_staff).await;
        assert_eq!(q.lines.len(), 2);
        let line_of = |t: i64| q.lines.iter().find(|l| l.assistance_type_id == t).unwrap().id;
        let (training_line, equipment_line) = (line_of(training), line_of(equipment));

        // Illegal moves are refused with a reason; nothing changes.
        let r = act(&nakhla_staff, training_line, "approve", &[]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("transition_not_allowed"));
        let r = act(&nakhla_staff, training_line, "reject", &[("note", "  ")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("reason_required"));

        assert_eq!(act(&nakhla_staff, training_line, "start_review", &[]).await.status(), 200);
        assert_eq!(act(&nakhla_staff, training_line, "approve", &[]).await.status(), 200);
        let bahr = association_id(&app, "DEMO-002").await.to_string();
        let r = act(&nakhla_staff, equipment_line, "refer", &[("to_association_id", &bahr), ("note", "لديهم برنامج المعدات")]).await;
        assert_eq!(r.status(), 200);
        let r = nakhla_staff.post_api("/api/add_line_note", &[("line_id", &training_line.to_string()), ("body", "زيارة منزلية يوم الأحد")]).await;
        assert_eq!(r.status(), 200);

        // The receiving association sees the referral in its queue and takes it.
        let bahr_staff = app.signed_in(STAFF_BAHR).await;
        let q = queue(&bahr_staff).await;
        assert_eq!(q.lines.iter().map(|l| (l.id, l.state)).collect::<Vec<_>>(), vec![(equipment_line, LineState::Referred)]);
        assert_eq!(act(&bahr_staff, equipment_line, "accept_referral", &[]).await.status(), 200);
        let raw = bahr_staff.post_api("/api/get_line_detail", &[("line_id", &equipment_line.to_string())]).await.text().await.unwrap();
        // The training line is Al Nakhla's: Al Bahr learns its type, state and
        // association, never the family's words about it.
        assert!(!raw.contains(NEED), "{raw}");
        let detail: LineDetail = serde_json::from_str(&raw).unwrap();
        assert_eq!(detail.other_lines.len(), 1);
        assert!(detail.other_lines[0].association_name_ar.is_some());
        // Nor does the page carry it, shown or not (no serialized resources).
        let page = bahr_staff.get(&format!("/association/lines/{equipment_line}")).await.text().await.unwrap();
        assert!(!page.contains(NEED), "{page}");
        assert!(!page.contains("\"other_lines\""), "the page embeds no data: {page}");
        assert_eq!(detail.line.referred_from_id, Some(association_id(&app, "DEMO-001").await));
        assert!(detail.notes.is_empty(), "another association's notes stay private");
        assert!(detail.actions.contains(&"approve".to_string()));

        // Fulfilling records a benefit every association sees.
        assert_eq!(act(&nakhla_staff, training_line, "fulfil", &[("value", "١٬٢٠٠"), ("given_on", "2026-11-20")]).await.status(), 200);
        let detail: LineDetail = bahr_staff.post_api("/api/get_line_detail", &[("line_id", &equipment_line.to_string())]).await.json().await.unwrap();
        assert_eq!(detail.benefits.len(), 1);
        assert_eq!(detail.benefits[0].given_on, "2026-11-20");
        let detail: LineDetail = nakhla_staff.post_api("/api/get_line_detail", &[("line_id", &training_line.to_string())]).await.json().await.unwrap();
        assert_eq!(detail.notes.len(), 1);
        assert_eq!(detail.events.iter().map(|e| e.to_state).collect::<Vec<_>>(),
            vec![LineState::Submitted, LineState::InReview, LineState::Approved, LineState::Fulfilled]);

        // The family sees both states and was told of every change.
        let mine = my_applications(&noura).await;
        let state_of = |t: i64| mine.lines.iter().find(|l| l.assistance_type_id == t).unwrap().state;
        assert_eq!(state_of(training), LineState::Fulfilled);
        assert_eq!(state_of(equipment), LineState::InReview);
        assert_eq!(mine.notifications.len(), 2 + 3 + 2);
        let mut announced: Vec<LineState> = mine.notifications.iter().map(|n| n.state).collect();
        announced.sort_by_key(|s| s.as_str());
        announced.dedup();
        assert_eq!(announced.len(), 5, "each update names its own state: {announced:?}");
        assert!(mine.notifications.iter().all(|n| !n.read), "shown unread once");
        assert!(my_applications(&noura).await.notifications.iter().all(|n| n.read));
        assert_eq!(mine.benefits.len(), 1);

        // Granted within the cooldown: the form says from when she may ask again…
        let form = apply_form(&noura).await;
        let until = form.choices.iter().find(|c| c.assistance_type.id == training).unwrap().cooldown_until.expect("in cooldown");
        assert!(until > app::database::now() + 170 * 86_400, "a cooldown of 180 days: {until}");
        let page = noura.get("/applications/new").await.text().await.unwrap();
        assert!(page.contains(&app::time::format_date(until)), "the date on the form");
        // …and a new request for training is refused.
        let r = submit(&noura, &apply_form(&noura).await.submission_key, &[(training, NEED, "")]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("line_in_cooldown"));
        // Every transition and full-record view was audited.
        assert_eq!(app::audit::count_actions(&app.state.db, app::audit::action::LINE_TRANSITION).await.unwrap(), 5);
        assert!(app::audit::count_actions(&app.state.db, app::audit::action::HOUSEHOLD_VIEWED).await.unwrap() >= 3);
    }

    async fn the_family_withdraws_and_the_council_assigns(app: TestApp) {
        let noura = family(&app, NOURA, 0).await;
        let (training, financing) = (type_id(&app, "training").await, type_id(&app, "financing").await);
        let key = apply_form(&noura).await.submission_key;
        assert_eq!(submit(&noura, &key, &[(training, NEED, ""), (financing, "قرض لشراء فرن صناعي", "")]).await.status(), 200);
        let mine = my_applications(&noura).await;
        let line_of = |t: i64| mine.lines.iter().find(|l| l.assistance_type_id == t).unwrap().id.to_string();
        // Another family cannot withdraw it.
        let amina = family(&app, AMINA, 1).await;
        assert_eq!(amina.post_api("/api/withdraw_line", &[("line_id", &line_of(training))]).await.status(), 404);
        assert_eq!(noura.post_api("/api/withdraw_line", &[("line_id", &line_of(training))]).await.status(), 200);
        assert_eq!(noura.post_api("/api/withdraw_line", &[("line_id", &line_of(training))]).await.status(), 409);
        // A withdrawn line frees the type: the family may ask again.
        assert_eq!(submit(&noura, &apply_form(&noura).await.submission_key, &[(training, NEED, "")]).await.status(), 200);

        // The council assigns the unrouted financing line to an association.
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let waha = association_id(&app, "DEMO-003").await.to_string();
        let r = act(&council, line_of(financing).parse().unwrap(), "refer", &[("to_association_id", &waha), ("note", "تمويل عبر بنك التنمية")]).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let (state, association): (String, Option<i64>) = sqlx::query_as("SELECT state, association_id FROM application_lines WHERE id = $1")
            .bind(line_of(financing).parse::<i64>().unwrap()).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!((state.as_str(), association), ("referred", Some(waha.parse().unwrap())));
    }

    async fn staff_reach_only_households_linked_to_their_association(app: TestApp) {
        let noura = family(&app, NOURA, 0).await;
        let training = type_id(&app, "training").await;
        let key = apply_form(&noura).await.submission_key;
        assert_eq!(submit(&noura, &key, &[(training, NEED, "")]).await.status(), 200);
        let line = my_applications(&noura).await.lines[0].id.to_string();
        let household = my_applications(&noura).await.lines[0].household_id.to_string();
        let nakhla = association_id(&app, "DEMO-001").await.to_string();
        let bahr = association_id(&app, "DEMO-002").await.to_string();

        let staff_own = app.signed_in(STAFF_NAKHLA).await;
        let staff_other = app.signed_in(STAFF_BAHR).await;
        let admin_own = app.signed_in(&persona(RoleKind::AssociationAdmin)).await;
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let trainer = app.signed_in(&persona(RoleKind::Trainer)).await;
        let amina = app.signed_in(AMINA).await;
        let anonymous = app.browser();

        // (who, server function, form, expected status)
        let line_form = [("line_id", line.as_str())];
        let note_form = [("line_id", line.as_str()), ("body", "ملاحظة")];
        let act_form = [("line_id", line.as_str()), ("action", "start_review")];
        let history_form = [("household_id", household.as_str())];
        let queue_own = [("association", nakhla.as_str())];
        let queue_other = [("association", bahr.as_str())];
        let cases: Vec<AccessCase> = vec![
            ("staff of the line's association", &staff_own, "/api/get_line_detail", &line_form, 200),
            ("staff of another association", &staff_other, "/api/get_line_detail", &line_form, 403),
            ("admin of the line's association", &admin_own, "/api/get_line_detail", &line_form, 200),
            ("council", &council, "/api/get_line_detail", &line_form, 200),
            ("trainer", &trainer, "/api/get_line_detail", &line_form, 403),
            ("another family", &amina, "/api/get_line_detail", &line_form, 403),
            ("signed out", &anonymous, "/api/get_line_detail", &line_form, 401),
            ("staff of another association", &staff_other, "/api/add_line_note", &note_form, 403),
            ("council", &council, "/api/act_on_line", &act_form, 403),
            ("staff of another association", &staff_other, "/api/act_on_line", &act_form, 403),
            ("another family", &amina, "/api/act_on_line", &act_form, 403),
            ("staff of another association", &staff_other, "/api/get_household_history", &history_form, 403),
            ("staff of the line's association", &staff_own, "/api/get_household_history", &history_form, 200),
            ("staff, own queue", &staff_own, "/api/get_queue", &queue_own, 200),
            ("staff, another association's queue", &staff_own, "/api/get_queue", &queue_other, 403),
            ("council, any queue", &council, "/api/get_queue", &queue_other, 200),
            ("family, a queue", &amina, "/api/get_queue", &[], 403),
            ("trainer, a queue", &trainer, "/api/get_queue", &[], 403),
            ("family, the matrix", &amina, "/api/get_coverage_matrix", &[], 403),
            ("staff, the matrix", &staff_other, "/api/get_coverage_matrix", &[], 200),
            ("signed out, the matrix", &anonymous, "/api/get_coverage_matrix", &[], 401),
            ("staff, our families", &staff_other, "/api/get_our_families", &queue_own, 403),
            ("the family, its own lines", &noura, "/api/get_my_applications", &[], 200),
            ("staff without a household, applying", &staff_other, "/api/get_apply_form", &[], 200),
            ("signed out, applying", &anonymous, "/api/get_apply_form", &[], 401),
        ];
        for (who, browser, path, form, expected) in cases {
            let r = browser.post_api(path, form).await;
            assert_eq!(r.status().as_u16(), expected, "{who} → {path}");
        }
        // Once a staff member of the second association is sent the line, they may read it.
        let r = act(&staff_own, line.parse().unwrap(), "refer", &[("to_association_id", &bahr), ("note", "إحالة")]).await;
        assert_eq!(r.status(), 200);
        assert_eq!(staff_other.post_api("/api/get_line_detail", &line_form).await.status(), 200);
        // … and the referring association keeps read access, but may no longer act.
        assert_eq!(staff_own.post_api("/api/get_line_detail", &line_form).await.status(), 200);
        assert_eq!(act(&staff_own, line.parse().unwrap(), "accept_referral", &[]).await.status(), 403);
        assert!(app::audit::count_actions(&app.state.db, app::audit::action::ACCESS_DENIED).await.unwrap() >= 10);
    }
}
