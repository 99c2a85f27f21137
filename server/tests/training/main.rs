//! Training on SQLite and PostgreSQL, through real HTTP: a provider creates a
//! course; 200 members race for 20 seats across two server instances sharing
//! the database (exactly 20 seats, 180 distinct waitlist places);
//! cancellation promotes exactly one; double and overlapping enrollments are
//! refused; only the trainer and the provider take attendance; an absence
//! streak flags the household; finishing issues unguessable certificate codes
//! that verify publicly; the roster CSV is for the course's people only; a
//! seat, a promotion and the day-before reminder put messages in the outbox
//! (the reminder once per person, across two instances and repeated runs).

mod attendance;
#[path = "../common/mod.rs"]
mod common;
mod enrolment;
mod public_pages;

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
