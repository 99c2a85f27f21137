//! The council approving coverage and routing following it; possible
//! duplicate households flagged, reviewed and merged, and a pair judged
//! different never proposed again.

use super::*;

both_engines! {
    async fn the_council_approves_coverage_and_routing_follows(app: TestApp) {
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let admin = app.signed_in(&persona(RoleKind::AssociationAdmin)).await;
        let staff = app.signed_in(STAFF_NAKHLA).await;
        let financing = type_id(&app, "financing").await;
        let district = common::jeddah_district(&app.state.db, 0).await;
        let (jeddah,): (i64,) = sqlx::query_as("SELECT city_id FROM districts WHERE id = $1").bind(district).fetch_one(&app.state.db.pool).await.unwrap();

        // The association admin proposes financing for one district; staff may not.
        let form = [
            ("city_id", jeddah.to_string()), ("district_id", district.to_string()),
            ("assistance_type_id", financing.to_string()), ("role", "primary".into()),
            ("valid_from", "2026-01-01".into()), ("valid_to", "".into()),
        ];
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(staff.post_api("/api/propose_coverage", &form).await.status(), 403);
        assert_eq!(admin.post_api("/api/propose_coverage", &form).await.status(), 200);
        let mut bad = form.clone();
        bad[5] = ("valid_to", "2025-01-01");
        let r = admin.post_api("/api/propose_coverage", &bad).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("date_invalid"));

        let (cell,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM coverage_cells WHERE status = 'proposed' AND district_id = $1 AND assistance_type_id = $2")
            .bind(district).bind(financing).fetch_one(&app.state.db.pool).await.unwrap();
        let cell = cell.to_string();
        assert_eq!(admin.post_api("/api/decide_coverage", &[("cell_id", &cell), ("decision", "approve")]).await.status(), 403);
        // Before approval, financing in this district is a gap (the demo's other proposal is pending too).
        let matrix: app::coverage::api::MatrixView = council.post_api("/api/get_coverage_matrix", &[("city_id", &jeddah.to_string())]).await.json().await.unwrap();
        let column = matrix.types.iter().position(|t| t.id == financing).unwrap();
        let row = matrix.rows.iter().find(|r| r.district.id == district).unwrap();
        assert_eq!(row.cells[column].status, app::coverage::CellStatus::Gap);
        assert!(matrix.city_total.overlaps >= 3, "the demo's overlapping raw-materials cells");

        assert_eq!(council.post_api("/api/decide_coverage", &[("cell_id", &cell), ("decision", "approve")]).await.status(), 200);
        let r = council.post_api("/api/decide_coverage", &[("cell_id", &cell), ("decision", "reject")]).await;
        assert_eq!(r.status(), 409, "decided once");
        let matrix: app::coverage::api::MatrixView = council.post_api("/api/get_coverage_matrix", &[("city_id", &jeddah.to_string())]).await.json().await.unwrap();
        let row = matrix.rows.iter().find(|r| r.district.id == district).unwrap();
        assert_eq!(row.cells[column].status, app::coverage::CellStatus::Ok);

        // A family of that district now reaches the association directly.
        let noura = family(&app, NOURA, 0).await;
        let key = apply_form(&noura).await.submission_key;
        assert_eq!(submit(&noura, &key, &[(financing, "قرض لشراء فرن صناعي", "5000")]).await.status(), 200);
        let mine = my_applications(&noura).await;
        assert_eq!(mine.lines[0].association_id, Some(association_id(&app, "DEMO-001").await));

        // The CSV export: one row per district × type of the city, for the council and staff only.
        let csv = council.get(&format!("/coverage/matrix.csv?city={jeddah}")).await;
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let body = csv.text().await.unwrap();
        let districts = app.count(&format!("SELECT COUNT(*) FROM districts WHERE city_id = {jeddah}")).await;
        assert_eq!(body.lines().count() as i64, 1 + districts * 8);
        assert!(body.contains(",financing,ok,"));
        assert_eq!(app.browser().get("/coverage/matrix.csv").await.status(), 401);
        assert_eq!(noura.get("/coverage/matrix.csv").await.status(), 403);

        // The council ends the cell early: the in-force list shows it, only the
        // council may end it, once; new requests of that district go back to the council.
        let in_force: app::coverage::api::ProposalsView = council
            .post_api("/api/get_coverage_proposals", &[("city_id", &jeddah.to_string()), ("show", "in_force")])
            .await.json().await.unwrap();
        assert!(in_force.showing_in_force && in_force.cells.iter().any(|c| c.id.to_string() == cell));
        assert_eq!(admin.post_api("/api/decide_coverage", &[("cell_id", &cell), ("decision", "end")]).await.status(), 403);
        assert_eq!(council.post_api("/api/decide_coverage", &[("cell_id", &cell), ("decision", "end")]).await.status(), 200);
        assert_eq!(council.post_api("/api/decide_coverage", &[("cell_id", &cell), ("decision", "end")]).await.status(), 409, "ended once");
        let in_force: app::coverage::api::ProposalsView = council
            .post_api("/api/get_coverage_proposals", &[("city_id", &jeddah.to_string()), ("show", "in_force")])
            .await.json().await.unwrap();
        assert!(!in_force.cells.iter().any(|c| c.id.to_string() == cell));
        let matrix: app::coverage::api::MatrixView = council.post_api("/api/get_coverage_matrix", &[("city_id", &jeddah.to_string())]).await.json().await.unwrap();
        let row = matrix.rows.iter().find(|r| r.district.id == district).unwrap();
        assert_eq!(row.cells[column].status, app::coverage::CellStatus::Gap);
        let amina = family(&app, AMINA, 0).await;
        let key = apply_form(&amina).await.submission_key;
        assert_eq!(submit(&amina, &key, &[(financing, "قرض لشراء ماكينة خياطة", "3000")]).await.status(), 200);
        assert_eq!(my_applications(&amina).await.lines[0].association_id, None, "unrouted: a gap again");

        // An approved cell that has not started yet is withdrawn, never in force.
        let mut future = form.clone();
        future[4] = ("valid_from", "2099-01-01");
        assert_eq!(admin.post_api("/api/propose_coverage", &future).await.status(), 200);
        let (later,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM coverage_cells WHERE status = 'proposed' AND district_id = $1 AND assistance_type_id = $2")
            .bind(district).bind(financing).fetch_one(&app.state.db.pool).await.unwrap();
        let later = later.to_string();
        assert_eq!(council.post_api("/api/decide_coverage", &[("cell_id", &later), ("decision", "approve")]).await.status(), 200);
        assert_eq!(council.post_api("/api/decide_coverage", &[("cell_id", &later), ("decision", "end")]).await.status(), 200);
        let (status,): (String,) = sqlx::query_as("SELECT status FROM coverage_cells WHERE id = $1")
            .bind(later.parse::<i64>().unwrap()).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(status, "rejected");
        assert_eq!(app::audit::count_actions(&app.state.db, app::audit::action::COVERAGE_ENDED).await.unwrap(), 2);
    }

    async fn possible_duplicates_are_flagged_reviewed_and_merged(app: TestApp) {
        // Both demo families register with the same phone (the helper's): a candidate pair.
        let noura = family(&app, NOURA, 0).await;
        let amina = family(&app, AMINA, 1).await;
        assert_eq!(app.count("SELECT COUNT(*) FROM duplicate_candidates WHERE status = 'open'").await, 1);
        let (training, equipment) = (type_id(&app, "training").await, type_id(&app, "equipment").await);
        assert_eq!(submit(&noura, &apply_form(&noura).await.submission_key, &[(training, NEED, "")]).await.status(), 200);
        assert_eq!(submit(&amina, &apply_form(&amina).await.submission_key, &[(training, NEED, ""), (equipment, "ماكينة خياطة منزلية", "")]).await.status(), 200);
        // The staff member sees the warning on the line.
        let staff = app.signed_in(STAFF_NAKHLA).await;
        let q = queue(&staff).await;
        assert_eq!(q.lines.len(), 3);
        assert!(q.lines.iter().all(|l| l.possible_duplicate));

        // Only the council reviews.
        assert_eq!(staff.post_api("/api/get_duplicate_candidates", &[]).await.status(), 403);
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let candidates = council
            .post_api("/api/get_duplicate_candidates", &[])
            .await
            .json::<app::registry::api::DuplicatePage>()
            .await
            .unwrap()
            .candidates;
        assert_eq!(candidates.len(), 1);
        assert!(candidates[0].reasons.contains(&app::registry::DuplicateReason::SamePhone));
        let (keep, gone) = (candidates[0].a.household.id, candidates[0].b.household.id);
        let history_before = app.count(&format!("SELECT COUNT(*) FROM household_changes WHERE household_id IN ({keep}, {gone})")).await;

        // The merged household's shop and enrollments move with it.
        let district = app::places::db::list_cities(&app.state.db).await.unwrap();
        let district = app::places::db::list_districts(&app.state.db, district[0].id).await.unwrap()[0].id.to_string();
        let shop = [("name_ar", "خياطة أمينة"), ("district_id", district.as_str()), ("pickup", "1")];
        assert_eq!(amina.post_api("/api/save_shop", &shop).await.status(), 200);
        let course = app.count("SELECT MIN(id) FROM courses").await.to_string();
        amina.post_api("/api/enroll", &[("course_id", course.as_str())]).await;

        // A merge joins two people's records: refused while a head has not
        // proved who they are with Nafath (as a walk-in record has not).
        let id = candidates[0].id.to_string();
        sqlx::query("UPDATE households SET verified = 0 WHERE id = $1").bind(gone).execute(&app.state.db.pool).await.unwrap();
        let r = council.post_api("/api/decide_duplicate", &[("candidate_id", &id), ("decision", "same")]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("merge_needs_verified_heads"));
        sqlx::query("UPDATE households SET verified = 1 WHERE id = $1").bind(gone).execute(&app.state.db.pool).await.unwrap();

        // "Same household": merged, keeping all history and lines.
        assert_eq!(council.post_api("/api/decide_duplicate", &[("candidate_id", &id), ("decision", "same")]).await.status(), 200);
        for table in ["shops", "enrollments", "follow_up_flags", "household_members", "benefits"] {
            assert_eq!(app.count(&format!("SELECT COUNT(*) FROM {table} WHERE household_id = {gone}")).await, 0, "{table}");
        }
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM shops WHERE household_id = {keep}")).await, 1, "the shop moved");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'duplicate_decided'").await, 1);
        assert_eq!(prevented(&council).await, (0, 1), "the merge counted as a duplicate prevented");
        assert_eq!(council.post_api("/api/decide_duplicate", &[("candidate_id", &id), ("decision", "different")]).await.status(), 409);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM application_lines WHERE household_id = {keep}")).await, 3);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM household_changes WHERE household_id = {keep}")).await, history_before + 1);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM application_lines WHERE household_id = {keep} AND state = 'withdrawn'")).await, 1,
            "the same type asked twice keeps one active line");
        assert_eq!(app.count("SELECT COUNT(*) FROM application_lines WHERE state <> 'withdrawn'").await, 2);
        // The merged head now finds the surviving household.
        let mine = my_applications(&amina).await;
        assert_eq!(mine.lines.len(), 3);
        assert!(mine.lines.iter().all(|l| l.household_id == keep));
    }

    async fn a_pair_judged_different_is_never_proposed_again(app: TestApp) {
        let noura = family(&app, NOURA, 0).await;
        let _amina = family(&app, AMINA, 1).await;
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let candidates = council
            .post_api("/api/get_duplicate_candidates", &[])
            .await
            .json::<app::registry::api::DuplicatePage>()
            .await
            .unwrap()
            .candidates;
        let id = candidates[0].id.to_string();
        assert_eq!(council.post_api("/api/decide_duplicate", &[("candidate_id", &id), ("decision", "different")]).await.status(), 200);
        // A new application checks again: nothing new, and the line is not flagged.
        let training = type_id(&app, "training").await;
        assert_eq!(submit(&noura, &apply_form(&noura).await.submission_key, &[(training, NEED, "")]).await.status(), 200);
        assert_eq!(app.count("SELECT COUNT(*) FROM duplicate_candidates").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM application_lines WHERE possible_duplicate = 1").await, 0);
        let candidates = council
            .post_api("/api/get_duplicate_candidates", &[])
            .await
            .json::<app::registry::api::DuplicatePage>()
            .await
            .unwrap()
            .candidates;
        assert!(candidates.is_empty());
    }
}
