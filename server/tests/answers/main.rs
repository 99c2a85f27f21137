//! The answer-reading test (issue 13): signs in as each role, calls every
//! server function (listed from the server-function registry, so a new one
//! cannot be missed: it fails here until it has a fixture) and opens every
//! page route, with ids the caller may and may not see, and fails when a
//! whole national ID or a registry phone that is not the caller's own (or,
//! for staff, of a household their association serves) appears anywhere in
//! a body, JSON or HTML.

#[path = "../common/mod.rs"]
mod common;
mod fixtures;

use std::collections::HashSet;

use app::identity::RoleKind;
use common::{Browser, TestApp, persona};

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";
const MONA_NAKHLA_STAFF: &str = "1000000032";
const REEM_BAHR_STAFF: &str = "1000000040";
const HIND_NAKHLA_ADMIN: &str = "1000000024";
/// The registry phones of the two families (international form; not the
/// pages' own example number).
const NOURA_PHONE: &str = "966551110001";
const AMINA_PHONE: &str = "966559876543";

/// Registers a household with this phone (local form) through the wizard.
async fn register(browser: &Browser, district_id: i64, phone: &str) {
    let district = district_id.to_string();
    for (path, form) in [
        ("/api/save_household_contact", vec![("phone", phone)]),
        (
            "/api/save_household_place",
            vec![("district_id", district.as_str()), ("address", "شارع الأمل")],
        ),
        (
            "/api/save_household_circumstances",
            vec![("income_bracket", "under_3000"), ("dependants", "3")],
        ),
        ("/api/save_household_crafts", vec![("sweets", "on")]),
        (
            "/api/submit_household",
            vec![("consent", app::registry::PRIVACY_NOTICE_VERSION)],
        ),
    ] {
        let r = browser.post_api(path, &form).await;
        assert_eq!(r.status(), 200, "{path}: {}", r.text().await.unwrap());
    }
}

/// Server functions not called here, with the reason.
const NOT_CALLED: &[(&str, &str)] = &[
    ("sign_out", "ends the caller's session; tested in identity"),
    (
        "sign_out_everywhere",
        "ends the caller's sessions; tested in identity",
    ),
    (
        "poll_sign_in",
        "a GET that finishes a sign-in; tested in identity",
    ),
    (
        "list_simulator_requests",
        "the Nafath simulator (development on loopback only) plays a person's phone",
    ),
    (
        "list_simulated_messages",
        "the messaging simulator (development on loopback only) plays the families' phones",
    ),
];

/// Runs of digits shaped like a national ID or a Saudi mobile in a body
/// (the caller keeps those the registry holds: timestamps look alike).
fn secrets_in(body: &str) -> Vec<String> {
    let bytes = body.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()) {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &body[start..i];
            let id = run.len() == 10 && (run.starts_with('1') || run.starts_with('2'));
            let phone = (run.len() == 12 && run.starts_with("9665"))
                || (run.len() == 10 && run.starts_with("05"));
            if id || phone {
                found.push(run.to_string());
            }
        } else {
            i += 1;
        }
    }
    found
}

struct Caller {
    name: &'static str,
    browser: Browser,
    /// What this caller may receive whole.
    allowed: HashSet<String>,
}

async fn id_of(app: &TestApp, sql: &str) -> String {
    let (id,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id.to_string()
}

async fn every_answer_carries_only_what_its_caller_may_see(app: TestApp) {
    // Two registered families; Noura's line is with Al Nakhla.
    let noura = app.signed_in(NOURA).await;
    register(
        &noura,
        common::jeddah_district(&app.state.db, 0).await,
        "0551110001",
    )
    .await;
    let amina = app.signed_in(AMINA).await;
    register(
        &amina,
        common::jeddah_district(&app.state.db, 40).await,
        "0559876543",
    )
    .await;
    let key: serde_json::Value = noura
        .post_api("/api/get_apply_form", &[])
        .await
        .json()
        .await
        .unwrap();
    let training = id_of(
        &app,
        "SELECT id FROM assistance_types WHERE code = 'training'",
    )
    .await;
    let r = noura
        .post_api(
            "/api/submit_application",
            &[
                ("submission_key", key["submission_key"].as_str().unwrap()),
                ("lines[0][assistance_type_id]", training.as_str()),
                ("lines[0][chosen]", "1"),
                ("lines[0][description]", "أحتاج دورة"),
                ("lines[0][amount]", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let line = id_of(&app, "SELECT id FROM application_lines").await;
    let noura_household = id_of(
        &app,
        &format!("SELECT id FROM households WHERE head_national_id = '{NOURA}'"),
    )
    .await;
    let amina_household = id_of(
        &app,
        &format!("SELECT id FROM households WHERE head_national_id = '{AMINA}'"),
    )
    .await;
    let course = id_of(&app, "SELECT MIN(id) FROM courses").await;
    let nakhla = id_of(
        &app,
        "SELECT id FROM associations WHERE licence_number = 'DEMO-001'",
    )
    .await;
    let bahr = id_of(
        &app,
        "SELECT id FROM associations WHERE licence_number = 'DEMO-002'",
    )
    .await;
    let mona_user = id_of(
        &app,
        &format!("SELECT id FROM users WHERE national_id = '{MONA_NAKHLA_STAFF}'"),
    )
    .await;
    // (An enrollment puts Noura on a roster, if this course takes her.)
    noura
        .post_api("/api/enroll", &[("course_id", course.as_str())])
        .await;

    // Centre staff: a person the council lists as staff of the demo
    // training centre (they manage its courses and see its rosters).
    let centre_staff = app::identity::with_check_digit("108000001");
    app.signed_in(&centre_staff).await;
    let centre = id_of(
        &app,
        "SELECT MIN(id) FROM training_providers WHERE kind = 'center'",
    )
    .await;
    let r = app
        .signed_in(&persona(RoleKind::CouncilAdmin))
        .await
        .post_api(
            "/api/add_center_staff",
            &[
                ("provider_id", centre.as_str()),
                ("national_id", centre_staff.as_str()),
            ],
        )
        .await;
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());

    // What the registry holds: every national ID and phone (both forms).
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT national_id FROM users UNION SELECT head_national_id FROM households \
         UNION SELECT national_id FROM household_members WHERE national_id IS NOT NULL \
         UNION SELECT phone FROM households WHERE phone IS NOT NULL",
    )
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap();
    let mut known: HashSet<String> = HashSet::new();
    for (value,) in rows {
        if value.starts_with("9665") {
            known.insert(format!("0{}", &value[3..]));
        }
        known.insert(value);
    }
    assert!(known.contains(NOURA_PHONE) && known.contains(AMINA_PHONE) && known.contains(NOURA));
    let (trainer, council) = (persona(RoleKind::Trainer), persona(RoleKind::CouncilAdmin));
    let officer = persona(RoleKind::DataProtectionOfficer);
    // Who calls, and what each may receive whole.
    let mut callers = vec![Caller {
        name: "anonymous",
        browser: app.browser(),
        allowed: HashSet::new(),
    }];
    for (name, id, phones) in [
        ("family", NOURA, vec![NOURA_PHONE]),
        ("another family", AMINA, vec![AMINA_PHONE]),
        ("staff of A", MONA_NAKHLA_STAFF, vec![NOURA_PHONE]),
        ("admin of A", HIND_NAKHLA_ADMIN, vec![NOURA_PHONE]),
        ("staff of B", REEM_BAHR_STAFF, vec![]),
        ("trainer", trainer.as_str(), vec![]),
        ("council", council.as_str(), vec![NOURA_PHONE, AMINA_PHONE]),
        ("centre staff", centre_staff.as_str(), vec![]),
        ("data-protection officer", officer.as_str(), vec![]),
    ] {
        let mut allowed: HashSet<String> = phones.iter().map(|p| p.to_string()).collect();
        allowed.insert(id.to_string());
        // A phone is also written locally (05…) on its owner's forms.
        for p in &phones {
            allowed.insert(format!("0{}", &p[3..]));
        }
        callers.push(Caller {
            name,
            browser: app.signed_in(id).await,
            allowed,
        });
    }

    // Arguments per server function: ids the caller may and may not see.
    let fixtures = fixtures::table(fixtures::Ids {
        line: &line,
        noura_household: &noura_household,
        amina_household: &amina_household,
        course: &course,
        nakhla: &nakhla,
        bahr: &bahr,
        mona_user: &mona_user,
    });

    let paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    let mut leaks = Vec::new();
    let mut calls = 0;
    for path in &paths {
        let name = path.trim_start_matches("/api/");
        if NOT_CALLED.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let cases = fixtures.get(name).unwrap_or_else(|| {
            panic!("{name}: a new server function; give it a fixture in answers/fixtures.rs")
        });
        for caller in &callers {
            for case in cases {
                let form: Vec<(&str, &str)> = case.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let body = caller
                    .browser
                    .post_api(path, &form)
                    .await
                    .text()
                    .await
                    .unwrap();
                calls += 1;
                for secret in secrets_in(&body) {
                    if known.contains(&secret) && !caller.allowed.contains(&secret) {
                        leaks.push(format!("{} ← {name} {form:?}: {secret}", caller.name));
                    }
                }
            }
        }
    }
    // Every page route, with the same ids.
    let routes = leptos_axum::generate_route_list(app::App);
    for route in &routes {
        let template = route.path();
        let addresses: Vec<String> = if template.contains('{') {
            [
                line.as_str(),
                noura_household.as_str(),
                amina_household.as_str(),
                course.as_str(),
                "1",
            ]
            .iter()
            .map(|id| {
                let mut path = template.to_string();
                for param in ["{id}", "{code}"] {
                    path = path.replace(param, id);
                }
                path
            })
            .collect()
        } else {
            vec![template.to_string()]
        };
        for address in addresses {
            for caller in &callers {
                let body = caller.browser.get(&address).await.text().await.unwrap();
                calls += 1;
                for secret in secrets_in(&body) {
                    if known.contains(&secret) && !caller.allowed.contains(&secret) {
                        leaks.push(format!("{} ← GET {address}: {secret}", caller.name));
                    }
                }
            }
        }
    }
    assert!(calls > 500, "{calls} calls");
    leaks.sort();
    leaks.dedup();
    assert!(
        leaks.is_empty(),
        "answers carried what their caller may not see:\n{}",
        leaks.join("\n")
    );
}

/// Both engines one after the other, not side by side as the other suites
/// run them: with two servers rendering every page at once in one test
/// process, a page render was seen to hang (2 runs in 9, never with one
/// server; under investigation, see docs/SECURITY.md). Each request has a
/// 60-second limit, so a hang fails with its address instead of stalling.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_is_minimal() {
    let sqlite = common::spawn_app(app::database::Engine::Sqlite)
        .await
        .unwrap();
    every_answer_carries_only_what_its_caller_may_see(sqlite).await;
    if let Some(postgres) = common::spawn_app(app::database::Engine::Postgres).await {
        every_answer_carries_only_what_its_caller_may_see(postgres).await;
    }
}

#[test]
fn finds_ids_and_phones() {
    assert_eq!(
        secrets_in("x 1000000065 y 966551234567, 0551234567 not 12345 nor 10000000651"),
        vec!["1000000065", "966551234567", "0551234567"]
    );
}
