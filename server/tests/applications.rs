//! Applications and coverage on SQLite and PostgreSQL: routing by coverage,
//! idempotent submission, one active line per type under concurrency, the
//! line life cycle across two associations, and who may see and do what.

mod common;

use app::applications::LineState;
use app::applications::api::{ApplyForm, LineDetail, MyApplications, QueueView};
use app::identity::RoleKind;
use common::{Browser, TestApp, persona};

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";
const STAFF_NAKHLA: &str = "1000000032";
const STAFF_BAHR: &str = "1000000040";

async fn type_id(app: &TestApp, code: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM assistance_types WHERE code = $1")
        .bind(code)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id
}

async fn association_id(app: &TestApp, licence: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM associations WHERE licence_number = $1")
        .bind(licence)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id
}

/// A registered family in the `district_index`-th district of Jeddah.
async fn family(app: &TestApp, national_id: &str, district_index: i64) -> Browser {
    let browser = app.signed_in(national_id).await;
    let district = common::jeddah_district(&app.state.db, district_index).await;
    common::register_household(&browser, district).await;
    browser
}

async fn apply_form(browser: &Browser) -> ApplyForm {
    let r = browser.post_api("/api/get_apply_form", &[]).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// Submits the application form with these (type id, description, amount) lines.
async fn submit(browser: &Browser, key: &str, lines: &[(i64, &str, &str)]) -> reqwest::Response {
    let mut form: Vec<(String, String)> = vec![("submission_key".into(), key.into())];
    for (i, (type_id, description, amount)) in lines.iter().enumerate() {
        form.push((
            format!("lines[{i}][assistance_type_id]"),
            type_id.to_string(),
        ));
        form.push((format!("lines[{i}][chosen]"), "1".into()));
        form.push((format!("lines[{i}][description]"), description.to_string()));
        form.push((format!("lines[{i}][amount]"), amount.to_string()));
    }
    browser
        .client
        .post(browser.url("/api/submit_application"))
        .header("accept", "application/json")
        .form(&form)
        .send()
        .await
        .unwrap()
}

async fn my_applications(browser: &Browser) -> MyApplications {
    let r = browser.post_api("/api/get_my_applications", &[]).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn queue(browser: &Browser) -> QueueView {
    let r = browser.post_api("/api/get_queue", &[]).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn act(
    browser: &Browser,
    line: i64,
    action: &str,
    extra: &[(&str, &str)],
) -> reqwest::Response {
    let line = line.to_string();
    let mut form = vec![("line_id", line.as_str()), ("action", action)];
    form.extend_from_slice(extra);
    browser.post_api("/api/act_on_line", &form).await
}

/// The council dashboard's duplicates prevented (the last six months):
/// (lines refused, households merged).
async fn prevented(council: &Browser) -> (i64, i64) {
    let board: serde_json::Value = council
        .post_api("/api/get_dashboard", &[("board", "council")])
        .await
        .json()
        .await
        .unwrap();
    let part = |key: &str| {
        board["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["indicator"] == "DuplicatesPrevented" && r["key"] == key)
            .map(|r| r["shown"]["Value"].as_i64().unwrap())
            .unwrap()
    };
    (part("line_refused"), part("households_merged"))
}

/// (who, as whom, server function, form, expected status)
type AccessCase<'a> = (&'a str, &'a Browser, &'a str, &'a [(&'a str, &'a str)], u16);

const NEED: &str = "أحتاج دورة في تغليف الحلويات";

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
