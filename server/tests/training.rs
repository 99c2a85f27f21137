//! Training on SQLite and PostgreSQL, through real HTTP: a provider creates a
//! course; 200 members race for 20 seats across two server instances sharing
//! the database (exactly 20 seats, 180 distinct waitlist places);
//! cancellation promotes exactly one; double and overlapping enrollments are
//! refused; only the trainer and the provider take attendance; an absence
//! streak flags the household; finishing issues unguessable certificate codes
//! that verify publicly; the roster CSV is for the course's people only; a
//! seat, a promotion and the day-before reminder put messages in the outbox
//! (the reminder once per person, across two instances and repeated runs).

mod common;

use std::sync::Arc;

use app::database::Db;
use app::identity::RoleKind;
use app::identity::nafath::{NafathProvider, SimulatedNafath};
use app::identity::session::{SESSION_COOKIE, hash_token, new_token};
use app::state::Settings;
use common::{Browser, location, persona};
use reqwest::header::{ACCEPT, COOKIE};

const HIND_NAKHLA_ADMIN: &str = "1000000024";
const STAFF_BAHR: &str = "1000000040";
const NOURA: &str = "1000000065";

/// Members made for the race: a user with a registered household and a live
/// session each (test set-up; the enrollment under test goes through HTTP).
async fn members(db: &Db, count: usize, district_id: i64) -> Vec<(i64, String)> {
    let now = app::database::now();
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let national_id = app::identity::with_check_digit(&format!("17{i:07}"));
        let (user_id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (national_id, name_ar, verified_at, created_at) VALUES ($1, $2, $3, $3) RETURNING id",
        )
        .bind(&national_id)
        .bind(format!("متدربة رقم {i}"))
        .bind(now)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO role_grants (user_id, role, granted_at) VALUES ($1, 'family_member', $2)",
        )
        .bind(user_id)
        .bind(now)
        .execute(&db.pool)
        .await
        .unwrap();
        let (household_id,): (i64,) = sqlx::query_as(
            "INSERT INTO households (head_user_id, head_national_id, head_name_ar, phone, district_id, status, created_at, updated_at) \
             VALUES ($1, $2, $3, '966551234567', $4, 'registered', $5, $5) RETURNING id",
        )
        .bind(user_id)
        .bind(&national_id)
        .bind(format!("متدربة رقم {i}"))
        .bind(district_id)
        .bind(now)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        sqlx::query("INSERT INTO household_identities (national_id, household_id, role) VALUES ($1, $2, 'head')")
            .bind(&national_id)
            .bind(household_id)
            .execute(&db.pool)
            .await
            .unwrap();
        let token = new_token();
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
            .bind(hash_token(&token))
            .bind(user_id)
            .bind(now)
            .execute(&db.pool)
            .await
            .unwrap();
        out.push((user_id, token));
    }
    out
}

/// A JSON call of a server function as one member (their session cookie).
async fn call_as(base: &str, token: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}{path}"))
        .header(COOKIE, format!("{SESSION_COOKIE}={token}"))
        .header(ACCEPT, "application/json")
        .header("origin", base)
        .form(form)
        .send()
        .await
        .unwrap()
}

fn today() -> String {
    app::time::format_date(app::database::now())
}

/// A provider admin creates a course through the form, adds sessions and
/// opens enrollment; returns its id.
async fn create_course(
    hind: &Browser,
    title: &str,
    seats: &str,
    sessions: &[(&str, &str, &str)],
) -> i64 {
    let (provider_id,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM training_providers p JOIN associations a ON a.id = p.association_id \
         WHERE a.licence_number = 'DEMO-001'",
    )
    .fetch_one(&hind.db.pool)
    .await
    .unwrap();
    let (trainer_id,): (i64,) = sqlx::query_as(
        "SELECT t.id FROM trainers t JOIN users u ON u.id = t.user_id WHERE u.national_id = $1",
    )
    .bind(persona(RoleKind::Trainer))
    .fetch_one(&hind.db.pool)
    .await
    .unwrap();
    let district = common::jeddah_district(&hind.db, 2).await.to_string();
    let provider = provider_id.to_string();
    let trainer = trainer_id.to_string();
    let opens = today();
    let r = hind
        .post_form(
            "/api/save_course",
            &[
                ("provider_id", provider.as_str()),
                ("trainer_id", trainer.as_str()),
                ("title_ar", title),
                ("description_ar", "دورة تجريبية للاختبار"),
                ("specialty", "sweets"),
                ("mode", "in_person"),
                ("district_id", district.as_str()),
                ("venue", "القاعة"),
                ("seats", seats),
                ("opens_on", opens.as_str()),
                ("closes_on", "2099-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status(), 302, "save_course: {}", location(&r));
    let course_id: i64 = location(&r).rsplit('/').next().unwrap().parse().unwrap();
    let id = course_id.to_string();
    for (date, starts, ends) in sessions {
        let r = hind
            .post_form(
                "/api/add_course_session",
                &[
                    ("course_id", id.as_str()),
                    ("date", date),
                    ("starts", starts),
                    ("ends", ends),
                ],
            )
            .await;
        assert_eq!(r.status(), 302, "add_course_session: {}", location(&r));
        assert!(!location(&r).contains("error="), "{}", location(&r));
    }
    let r = hind
        .post_form(
            "/api/change_course_status",
            &[("course_id", id.as_str()), ("to", "open")],
        )
        .await;
    assert_eq!(location(&r), format!("/training/courses/{course_id}"));
    course_id
}

/// The course's counter and the enrollment rows by status.
async fn counts(db: &Db, course_id: i64) -> (i64, i64, i64) {
    let (counter,): (i64,) = sqlx::query_as("SELECT enrolled FROM courses WHERE id = $1")
        .bind(course_id)
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (enrolled, waitlisted): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM enrollments WHERE course_id = $1 AND status = 'enrolled'), \
                (SELECT COUNT(*) FROM enrollments WHERE course_id = $1 AND status = 'waitlisted')",
    )
    .bind(course_id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    (counter, enrolled, waitlisted)
}

/// The outbox as (user, kind, params), in order.
async fn outbox(db: &Db) -> Vec<(i64, String, String)> {
    sqlx::query_as("SELECT user_id, kind, params FROM message_outbox ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
}

both_engines! {
    async fn a_seat_a_promotion_and_the_day_before_reach_the_phone(app: TestApp) {
        let db = &app.state.db;
        let hind = app.signed_in(HIND_NAKHLA_ADMIN).await;
        let title = "دورة الخياطة للتذكير";
        let course_id = create_course(&hind, title, "2", &[("2099-03-01", "16:00", "18:00")]).await;
        let district = common::jeddah_district(db, 2).await;
        let people = members(db, 4, district).await;
        let id = course_id.to_string();
        for (_, token) in &people {
            let r = call_as(&app.base, token, "/api/enroll", &[("course_id", id.as_str())]).await;
            assert!(r.status().is_success());
        }
        // Two seats, two on the waitlist: a message for each seat, none for the waitlist.
        let user = |i: usize| people[i].0;
        let params = format!("[\"{title}\"]");
        let enrolled = |u: i64| (u, "course_enrolled".to_string(), params.clone());
        assert_eq!(outbox(db).await, [enrolled(user(0)), enrolled(user(1))]);
        // A seat holder leaves: the first in line is promoted and told on the phone.
        let r = call_as(&app.base, &people[0].1, "/api/cancel_enrollment", &[("course_id", id.as_str())]).await;
        assert!(r.status().is_success());
        let queued = outbox(db).await;
        assert_eq!(queued.len(), 3);
        assert_eq!(queued[2], (user(2), "waitlist_promoted".to_string(), params.clone()));

        // A session tomorrow and one in three days.
        let now = app::database::now();
        sqlx::query("INSERT INTO course_sessions (course_id, starts_at, ends_at) VALUES ($1, $2, $3), ($1, $4, $5)")
            .bind(course_id)
            .bind(now + 24 * 3600)
            .bind(now + 26 * 3600)
            .bind(now + 72 * 3600)
            .bind(now + 74 * 3600)
            .execute(&db.pool)
            .await
            .unwrap();
        // Two instances run the job at the same moment, then it runs again
        // (and an hour later): each enrolled person is reminded once, of
        // tomorrow's session only; the cancelled and the waitlisted never.
        let db2 = Db::connect(&app.database.url, 4).await.unwrap();
        let (a, b) = tokio::join!(
            app::training::reminders::run_once(db, now),
            app::training::reminders::run_once(&db2, now)
        );
        assert_eq!(a.unwrap() + b.unwrap(), 2);
        assert_eq!(app::training::reminders::run_once(db, now).await.unwrap(), 0);
        assert_eq!(app::training::reminders::run_once(&db2, now + 3600).await.unwrap(), 0);
        let mut reminded: Vec<i64> = outbox(db)
            .await
            .into_iter()
            .filter(|(_, kind, _)| kind == "session_reminder")
            .map(|(u, _, params)| {
                assert!(params.contains(title), "{params}");
                u
            })
            .collect();
        reminded.sort_unstable();
        let mut expected = vec![user(1), user(2)];
        expected.sort_unstable();
        assert_eq!(reminded, expected);
        assert_eq!(app.count("SELECT COUNT(*) FROM session_reminders_sent").await, 2);
        // Two days on, the other session is tomorrow: reminded once too.
        assert_eq!(app::training::reminders::run_once(db, now + 48 * 3600).await.unwrap(), 2);
        assert_eq!(app::training::reminders::run_once(db, now + 49 * 3600).await.unwrap(), 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM message_outbox WHERE kind = 'session_reminder'").await, 4);
    }

    async fn two_hundred_members_race_for_twenty_seats_on_two_instances(app: TestApp) {
        let hind = app.signed_in(HIND_NAKHLA_ADMIN).await;
        let course_id = create_course(
            &hind,
            "دورة السباق على المقاعد",
            "٢٠",
            &[("2099-01-10", "16:00", "18:00"), ("2099-01-12", "16:00", "18:00")],
        )
        .await;
        let district = common::jeddah_district(&app.state.db, 2).await;
        let racers = members(&app.state.db, 200, district).await;

        // A second server instance with its own connection pool over the same
        // database, as behind a load balancer.
        let db2 = Db::connect(&app.database.url, 8).await.unwrap();
        let nafath: Arc<dyn NafathProvider> = Arc::new(SimulatedNafath::new(db2.clone()));
        let second = common::start_sharing(db2, nafath, Settings::development()).await;

        let id = course_id.to_string();
        let mut tasks = Vec::new();
        for (i, (_, token)) in racers.iter().enumerate() {
            let base = if i % 2 == 0 { app.base.clone() } else { second.base.clone() };
            let (token, id) = (token.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                call_as(&base, &token, "/api/enroll", &[("course_id", id.as_str())]).await.status()
            }));
        }
        for task in tasks {
            assert!(task.await.unwrap().is_success());
        }
        let (counter, enrolled, waitlisted) = counts(&app.state.db, course_id).await;
        assert_eq!((counter, enrolled, waitlisted), (20, 20, 180));
        let seqs: Vec<(i64,)> = sqlx::query_as(
            "SELECT waitlist_seq FROM enrollments WHERE course_id = $1 AND status = 'waitlisted' ORDER BY waitlist_seq",
        )
        .bind(course_id)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let distinct: std::collections::BTreeSet<i64> = seqs.iter().map(|(s,)| *s).collect();
        assert_eq!(distinct.len(), 180, "waitlist places are distinct");
        println!(
            "RACE ({:?}): 200 concurrent enrollments over 2 instances for 20 seats → {enrolled} enrolled, {waitlisted} waitlisted, {} distinct waitlist places",
            app.state.db.engine,
            distinct.len()
        );

        // The member's page shows the waitlist position, 1..=180 over everyone.
        let mut positions = Vec::new();
        for (user_id, _) in &racers {
            if let Some((app::training::EnrollmentStatus::Waitlisted, Some(p))) =
                app::training::db::enrollment_in(&app.state.db, course_id, *user_id).await.unwrap()
            {
                positions.push(p);
            }
        }
        positions.sort_unstable();
        assert_eq!(positions, (1..=180).collect::<Vec<_>>());

        // Enrolling twice is refused, in either instance.
        let (_, first_token) = &racers[0];
        let again = call_as(&second.base, first_token, "/api/enroll", &[("course_id", id.as_str())]).await;
        assert_eq!(again.status(), 409);
        assert!(again.text().await.unwrap().contains("already_enrolled"));

        // A seat holder cancels: exactly one is promoted, the first in line, and told so.
        let (holder_user, holder_token) = {
            let (user,): (i64,) = sqlx::query_as(
                "SELECT user_id FROM enrollments WHERE course_id = $1 AND status = 'enrolled' ORDER BY id LIMIT 1",
            )
            .bind(course_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
            racers.iter().find(|(u, _)| *u == user).cloned().unwrap()
        };
        let (first_in_line,): (i64,) = sqlx::query_as(
            "SELECT user_id FROM enrollments WHERE course_id = $1 AND status = 'waitlisted' ORDER BY waitlist_seq LIMIT 1",
        )
        .bind(course_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let r = call_as(&app.base, &holder_token, "/api/cancel_enrollment", &[("course_id", id.as_str())]).await;
        assert!(r.status().is_success());
        assert_eq!(counts(&app.state.db, course_id).await, (20, 20, 179));
        let promoted = app::training::db::enrollment_in(&app.state.db, course_id, first_in_line).await.unwrap();
        assert_eq!(promoted.map(|p| p.0), Some(app::training::EnrollmentStatus::Enrolled));
        let cancelled = app::training::db::enrollment_in(&app.state.db, course_id, holder_user).await.unwrap();
        assert_eq!(cancelled, None);
        assert_eq!(
            app.count(&format!(
                "SELECT COUNT(*) FROM notifications WHERE kind = 'course_promoted' AND user_id = {first_in_line}"
            ))
            .await,
            1
        );
        // Leaving the waitlist frees no seat and promotes nobody.
        let (last_user,): (i64,) = sqlx::query_as(
            "SELECT user_id FROM enrollments WHERE course_id = $1 AND status = 'waitlisted' ORDER BY waitlist_seq DESC LIMIT 1",
        )
        .bind(course_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let last_token = racers.iter().find(|(u, _)| *u == last_user).unwrap().1.clone();
        call_as(&second.base, &last_token, "/api/cancel_enrollment", &[("course_id", id.as_str())]).await;
        assert_eq!(counts(&app.state.db, course_id).await, (20, 20, 178));
        assert_eq!(app.count("SELECT COUNT(*) FROM notifications WHERE kind = 'course_promoted'").await, 1);

        // The promoted member sees the notice once on "my courses".
        let token = racers.iter().find(|(u, _)| *u == first_in_line).unwrap().1.clone();
        let page = reqwest::Client::new()
            .get(format!("{}/my-courses", app.base))
            .header(COOKIE, format!("{SESSION_COOKIE}={token}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("id=\"promoted\""), "the promotion notice shows");
        assert!(page.contains("دورة السباق على المقاعد"));

        // Overlap: a course at the same time as the first refuses its members.
        let overlapping = create_course(&hind, "دورة متداخلة", "5", &[("2099-01-10", "17:00", "19:00")]).await;
        let r = call_as(&app.base, &token, "/api/enroll", &[("course_id", overlapping.to_string().as_str())]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("course_overlap"));
        let apart = create_course(&hind, "دورة في وقت آخر", "5", &[("2099-01-10", "18:00", "19:00")]).await;
        let r = call_as(&app.base, &token, "/api/enroll", &[("course_id", apart.to_string().as_str())]).await;
        assert!(r.status().is_success(), "back to back is not an overlap");
    }

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
