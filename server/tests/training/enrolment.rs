//! Enrolment: a seat, a promotion and the day-before reminder reaching the
//! phone (the reminder once per person, across two instances and repeated
//! runs); 200 members racing for 20 seats on two instances, cancellation
//! promoting exactly one, double and overlapping enrolments refused.

use super::*;

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
}
