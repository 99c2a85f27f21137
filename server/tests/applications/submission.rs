//! Submitting applications: the queue's district filter, routing by
//! coverage, idempotent submission, the reasons given for bad applications,
//! and fifty concurrent identical applications making one active line.

use super::*;

both_engines! {
    async fn the_queue_filters_by_the_districts_its_lines_come_from(app: TestApp) {
        let noura = app.signed_in(NOURA).await;
        let line = common::apply_for_training(&app, &noura).await;
        let district = common::jeddah_district(&app.state.db, 0).await;
        let other = common::jeddah_district(&app.state.db, 1).await;
        let staff = app.signed_in(STAFF_NAKHLA).await;
        let view = queue(&staff).await;
        assert_eq!(view.districts.iter().map(|d| d.id).collect::<Vec<_>>(), vec![district]);
        // The page offers the district and narrows to it.
        let page = staff.get(&format!("/association/queue?district={district}")).await.text().await.unwrap();
        assert!(page.contains(&format!("<option value=\"{district}\" selected")), "{page}");
        assert!(page.contains(&format!("/association/lines/{line}")));
        let none = staff.get(&format!("/association/queue?district={other}")).await.text().await.unwrap();
        assert!(!none.contains(&format!("/association/lines/{line}")));
    }
    async fn lines_are_routed_by_coverage_and_submission_is_idempotent(app: TestApp) {
        let noura = family(&app, NOURA, 0).await;
        let (training, financing) = (type_id(&app, "training").await, type_id(&app, "financing").await);
        let form = apply_form(&noura).await;
        assert!(form.ready);
        assert!(form.choices.iter().all(|c| c.active.is_none()));
        let key = form.submission_key.clone();
        let r = submit(&noura, &key, &[(training, NEED, ""), (financing, "قرض لشراء فرن صناعي", "١٥٬٠٠٠")]).await;
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let mine = my_applications(&noura).await;
        assert_eq!(mine.lines.len(), 2);
        let nakhla = association_id(&app, "DEMO-001").await;
        let by_type = |t: i64| mine.lines.iter().find(|l| l.assistance_type_id == t).unwrap().clone();
        assert_eq!(by_type(training).association_id, Some(nakhla), "training → the primary association");
        assert_eq!(by_type(financing).association_id, None, "financing is a gap → the council's queue");
        assert_eq!(by_type(financing).amount_halalas, Some(1_500_000));
        assert_eq!(mine.notifications.len(), 2);

        // The same form again (a dropped connection, a double tap): nothing new.
        let again = submit(&noura, &key, &[(training, NEED, ""), (financing, "قرض لشراء فرن صناعي", "")]).await;
        assert_eq!(again.status(), 200);
        assert_eq!(app.count("SELECT COUNT(*) FROM application_lines").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM applications").await, 1);

        // A new form for a type already active: refused, and the form shows where it is.
        let form = apply_form(&noura).await;
        let active = form.choices.iter().find(|c| c.assistance_type.id == training).unwrap().active.clone().unwrap();
        assert_eq!(active.association_id, Some(nakhla));
        let r = submit(&noura, &form.submission_key, &[(training, NEED, "")]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("line_already_active"));
        assert_eq!(app.count("SELECT COUNT(*) FROM applications").await, 1, "nothing of the refused form was kept");
        // The council's figures count the duplicate prevented.
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        assert_eq!(prevented(&council).await, (1, 0));

        // The council sees the unrouted line; the association sees the routed one.
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let q = queue(&council).await;
        assert!(q.owner.association.is_none());
        assert_eq!(q.lines.iter().map(|l| l.assistance_type_id).collect::<Vec<_>>(), vec![financing]);
        let staff = app.signed_in(STAFF_NAKHLA).await;
        let q = queue(&staff).await;
        assert_eq!(q.lines.iter().map(|l| l.assistance_type_id).collect::<Vec<_>>(), vec![training]);
        assert_eq!(q.counts.iter().find(|(s, _)| *s == LineState::Submitted).unwrap().1, 1);
    }

    async fn bad_applications_get_reasons(app: TestApp) {
        // Not registered yet: told to register first.
        let amina = app.signed_in(AMINA).await;
        let form = apply_form(&amina).await;
        assert!(!form.ready);
        let training = type_id(&app, "training").await;
        let r = submit(&amina, &form.submission_key, &[(training, NEED, "")]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("household_not_registered"));

        let noura = family(&app, NOURA, 0).await;
        let key = apply_form(&noura).await.submission_key;
        for (lines, status, reason) in [
            (vec![], 422, "nothing_chosen"),
            (vec![(training, "قصير", "")], 422, "description_required"),
            (vec![(training, NEED, "خمسة")], 422, "amount_invalid"),
            (vec![(training, NEED, ""), (training, NEED, "")], 400, "BadRequest"),
            (vec![(987_654, NEED, "")], 400, "BadRequest"),
        ] {
            let r = submit(&noura, &key, &lines).await;
            assert_eq!(r.status(), status, "{lines:?}");
            assert!(r.text().await.unwrap().contains(reason), "{lines:?}");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM applications").await, 0);
        // Without JavaScript: back to the form with the reason.
        let r = noura
            .client
            .post(noura.url("/api/submit_application"))
            .header("referer", noura.url("/applications/new"))
            .form(&[("submission_key", key.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(common::location(&r), "/applications/new?error=nothing_chosen");
    }

    async fn fifty_concurrent_identical_applications_make_one_active_line(app: TestApp) {
        let noura = family(&app, NOURA, 0).await;
        let training = type_id(&app, "training").await;
        let mut tasks = Vec::new();
        for i in 0..50 {
            let client = noura.client.clone();
            let url = noura.url("/api/submit_application");
            // Half resubmit one form, half are fresh forms: both must end in one line.
            let key = if i % 2 == 0 { "same-form-key-0123456789".to_string() } else { format!("fresh-form-key-{i:04}-abcdefgh") };
            tasks.push(tokio::spawn(async move {
                let form = [
                    ("submission_key", key.as_str()),
                    ("lines[0][assistance_type_id]", &training.to_string()),
                    ("lines[0][chosen]", "1"),
                    ("lines[0][description]", NEED),
                ];
                client.post(url).header("accept", "application/json").form(&form).send().await.unwrap().status().as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
        assert_eq!(app.count("SELECT COUNT(*) FROM application_lines").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM application_lines WHERE state = 'submitted'").await, 1);
        println!("50 concurrent submissions: {} accepted as new or repeated, {} refused as already active",
            statuses.iter().filter(|s| **s == 200).count(), statuses.iter().filter(|s| **s == 409).count());
    }
}
