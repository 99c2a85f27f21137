//! The answer-reading test (issue 13): signs in as each role, calls every
//! server function (listed from the server-function registry, so a new one
//! cannot be missed: it fails here until it has a fixture) and opens every
//! page route, with ids the caller may and may not see, and fails when a
//! whole national ID or a registry phone that is not the caller's own (or,
//! for staff, of a household their association serves) appears anywhere in
//! a body, JSON or HTML.

mod common;

use std::collections::{BTreeMap, HashSet};

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
    let fixtures: BTreeMap<&str, Vec<Vec<(&str, String)>>> = BTreeMap::from([
        (
            "get_access",
            vec![vec![], vec![("national_id", NOURA.to_string())]],
        ),
        (
            "revoke_role",
            vec![vec![
                ("user_id", mona_user.clone()),
                ("role", "association_staff".into()),
                ("association_id", bahr.clone()),
            ]],
        ),
        ("end_sessions", vec![vec![("user_id", "0".into())]]),
        (
            "set_account_disabled",
            vec![vec![("user_id", "0".into()), ("disabled", "false".into())]],
        ),
        ("start_sign_in", vec![vec![]]),
        ("get_pending_sign_in", vec![vec![]]),
        ("get_current_user", vec![vec![]]),
        ("decide_simulator_request", vec![vec![]]),
        ("grant_role", vec![vec![]]),
        ("set_language", vec![vec![("lang", "ar".into())]]),
        ("list_courses", vec![vec![]]),
        ("get_course", vec![vec![("course_id", course.clone())]]),
        ("enroll", vec![vec![]]),
        ("cancel_enrollment", vec![vec![]]),
        ("get_my_courses", vec![vec![]]),
        ("get_certificate", vec![vec![("code", "NOPE".into())]]),
        ("verify_certificate", vec![vec![("code", "NOPE".into())]]),
        ("get_training_dashboard", vec![vec![]]),
        (
            "get_course_editor",
            vec![vec![], vec![("course_id", course.clone())]],
        ),
        ("save_course", vec![vec![]]),
        ("add_course_session", vec![vec![]]),
        ("remove_course_session", vec![vec![]]),
        ("change_course_status", vec![vec![]]),
        ("get_attendance", vec![vec![("course_id", course.clone())]]),
        ("mark_attendance", vec![vec![]]),
        ("get_trainers", vec![vec![]]),
        ("save_trainer", vec![vec![]]),
        ("resolve_follow_up", vec![vec![("flag_id", "0".into())]]),
        ("register_center", vec![vec![]]),
        ("add_center_staff", vec![vec![]]),
        ("get_market_home", vec![vec![]]),
        ("search_products", vec![vec![]]),
        ("get_product_page", vec![vec![("product_id", "1".into())]]),
        ("get_shop_page", vec![vec![("shop_id", "1".into())]]),
        ("get_my_shop", vec![vec![]]),
        ("save_shop", vec![vec![]]),
        ("get_product_editor", vec![vec![]]),
        ("save_product", vec![vec![]]),
        ("submit_product", vec![vec![("product_id", "1".into())]]),
        ("change_photo", vec![vec![]]),
        ("get_moderation_queue", vec![vec![]]),
        ("moderate_product", vec![vec![]]),
        (
            "moderate_shop",
            vec![vec![
                ("shop_id", "1".into()),
                ("decision", "approve".into()),
            ]],
        ),
        ("feature_product", vec![vec![]]),
        ("get_coverage_matrix", vec![vec![]]),
        ("get_coverage_proposals", vec![vec![]]),
        ("propose_coverage", vec![vec![]]),
        ("decide_coverage", vec![vec![]]),
        ("get_member_claims", vec![vec![]]),
        (
            "verify_member_claim",
            vec![vec![
                ("member_id", "1".into()),
                ("document", "family_record".into()),
            ]],
        ),
        (
            "answer_member_claim",
            vec![vec![("member_id", "0".into()), ("confirm", "false".into())]],
        ),
        ("get_my_household", vec![vec![]]),
        ("save_household_contact", vec![vec![]]),
        ("save_household_place", vec![vec![]]),
        ("save_household_circumstances", vec![vec![]]),
        ("save_household_crafts", vec![vec![]]),
        ("add_household_member", vec![vec![]]),
        (
            "remove_household_member",
            vec![vec![("member_id", "0".into())]],
        ),
        ("submit_household", vec![vec![]]),
        (
            "get_household_history",
            vec![
                vec![("household_id", noura_household.clone())],
                vec![("household_id", amina_household.clone())],
            ],
        ),
        ("get_household_wizard", vec![vec![]]),
        ("get_duplicate_candidates", vec![vec![]]),
        ("decide_duplicate", vec![vec![]]),
        ("register_walk_in", vec![vec![]]),
        ("get_walk_in_form", vec![vec![]]),
        ("get_apply_form", vec![vec![]]),
        ("submit_application", vec![vec![]]),
        ("get_my_applications", vec![vec![]]),
        ("withdraw_line", vec![vec![]]),
        ("act_on_line", vec![vec![]]),
        ("add_line_note", vec![vec![]]),
        (
            "get_queue",
            vec![
                vec![],
                vec![("association", nakhla.clone())],
                vec![("association", bahr.clone())],
            ],
        ),
        ("get_line_detail", vec![vec![("line_id", line.clone())]]),
        (
            "get_our_families",
            vec![
                vec![],
                vec![("association", nakhla.clone())],
                vec![("association", bahr.clone())],
            ],
        ),
        // The network (issue 15): reads with ids the caller may and may
        // not see; writes with input that is refused, so the network the
        // other calls read stays as it is.
        ("get_associations", vec![vec![]]),
        (
            "get_association_page",
            vec![vec![], vec![("id", nakhla.clone())]],
        ),
        (
            "save_association",
            vec![vec![("licence_number", "".into())]],
        ),
        (
            "set_association_status",
            vec![vec![
                ("association_id", bahr.clone()),
                ("suspend", "true".into()),
                ("reason", "".into()),
            ]],
        ),
        (
            "appoint_association_admin",
            vec![vec![
                ("association_id", bahr.clone()),
                ("national_id", "123".into()),
            ]],
        ),
        ("get_catalogue", vec![vec![]]),
        ("save_assistance_type", vec![vec![("name_ar", "".into())]]),
        ("get_access_history", vec![vec![]]),
        ("act_for", vec![vec![("association_id", bahr.clone())]]),
        (
            "get_imports",
            vec![vec![], vec![("association", bahr.clone())]],
        ),
        ("get_import_batch", vec![vec![("batch_id", "1".into())]]),
        ("commit_import", vec![vec![("batch_id", "0".into())]]),
        ("recheck_import", vec![vec![("batch_id", "0".into())]]),
        ("resume_import", vec![vec![("batch_id", "0".into())]]),
        (
            "map_import_district",
            vec![vec![
                ("batch_id", "0".into()),
                ("place", "جدة|حي".into()),
                ("district_id", "0".into()),
            ]],
        ),
        // Keeping families in (issue 17): lists, cases of households the
        // caller may and may not serve, and writes with refused input.
        (
            "get_continuity",
            vec![
                vec![],
                vec![("view", "mine".into())],
                vec![("view", "unassigned".into())],
            ],
        ),
        (
            "get_case",
            vec![
                vec![("household_id", noura_household.clone())],
                vec![("household_id", amina_household.clone())],
            ],
        ),
        (
            "assign_case",
            vec![vec![
                ("household_id", noura_household.clone()),
                ("assignee", "abc".into()),
            ]],
        ),
        (
            "book_follow_up",
            vec![vec![
                ("household_id", noura_household.clone()),
                ("kind", "none".into()),
                ("due_on", "".into()),
            ]],
        ),
        ("get_follow_up", vec![vec![("id", "1".into())]]),
        (
            "save_follow_up_note",
            vec![vec![("id", "0".into()), ("note", "".into())]],
        ),
        (
            "record_follow_up",
            vec![vec![("id", "0".into()), ("outcome", "reached".into())]],
        ),
        (
            "close_case",
            vec![vec![("household_id", noura_household.clone())]],
        ),
        ("get_continuity_rules", vec![vec![]]),
        ("save_continuity_rules", vec![vec![]]),
        ("recompute_continuity", vec![vec![]]),
        // Financing (issue 19): files and loans of ids the caller may and
        // may not see, writes with refused input.
        ("get_financing", vec![vec![]]),
        ("get_financing_file", vec![vec![("file_id", "1".into())]]),
        ("get_financing_exposure", vec![vec![]]),
        ("get_council_financing", vec![vec![]]),
        ("get_my_loans", vec![vec![]]),
        (
            "open_financing_file",
            vec![vec![
                ("line_id", line.clone()),
                ("activity", "none".into()),
                ("requested", "".into()),
                ("months", "".into()),
                ("birth_date", "".into()),
                ("monthly_income", "".into()),
            ]],
        ),
        (
            "record_financing_document",
            vec![vec![
                ("file_id", "1".into()),
                ("kind", "none".into()),
                ("received_on", "".into()),
            ]],
        ),
        (
            "check_financing_eligibility",
            vec![vec![("file_id", "0".into())]],
        ),
        (
            "refer_financing_file",
            vec![vec![("file_id", "0".into()), ("to", "sdb".into())]],
        ),
        (
            "approve_loan",
            vec![vec![
                ("file_id", "0".into()),
                ("amount", "".into()),
                ("months", "".into()),
            ]],
        ),
        (
            "disburse_loan",
            vec![vec![
                ("file_id", "0".into()),
                ("disbursed_on", "".into()),
                ("first_due_on", "".into()),
            ]],
        ),
        (
            "enter_repayment",
            vec![vec![
                ("file_id", "0".into()),
                ("amount", "".into()),
                ("paid_on", "".into()),
            ]],
        ),
        (
            "save_financing_settings",
            vec![vec![
                ("min_age", "".into()),
                ("max_age", "".into()),
                ("max_monthly_income", "".into()),
                ("min_amount", "".into()),
                ("max_amount", "".into()),
                ("max_months", "".into()),
                ("delinquency_bounds", "".into()),
                ("reminder_days_before", "".into()),
                ("valid_from", "".into()),
            ]],
        ),
        (
            "reschedule_loan",
            vec![vec![
                ("file_id", "0".into()),
                ("months", "".into()),
                ("first_due_on", "".into()),
            ]],
        ),
        (
            "record_guarantee_call",
            vec![vec![
                ("file_id", "0".into()),
                ("amount", "".into()),
                ("on", "".into()),
            ]],
        ),
        (
            "add_loan_guarantee",
            vec![vec![
                ("file_id", "0".into()),
                ("guarantor", "person".into()),
                ("name", "".into()),
                ("kafala", "payment".into()),
                ("starts_on", "".into()),
            ]],
        ),
        (
            "write_off_loan",
            vec![vec![
                ("file_id", "0".into()),
                ("on", "".into()),
                ("reason", "".into()),
            ]],
        ),
        ("get_statements", vec![vec![]]),
        ("get_statement", vec![vec![("import_id", "1".into())]]),
        ("apply_statement", vec![vec![("import_id", "0".into())]]),
        (
            "set_exposure_limit",
            vec![vec![
                ("association_id", "0".into()),
                ("limit", "".into()),
                ("valid_from", "".into()),
            ]],
        ),
        // My data and the data-protection officer (issue 16).
        ("get_my_data", vec![vec![]]),
        ("get_disputes", vec![vec![]]),
        ("get_privacy_queue", vec![vec![]]),
        (
            "make_privacy_request",
            vec![vec![("kind", "access".into())]],
        ),
        (
            "dispute_benefit",
            vec![vec![("benefit_id", "0".into()), ("note", "خطأ".into())]],
        ),
        (
            "extend_privacy_request",
            vec![vec![("id", "0".into()), ("reason", "".into())]],
        ),
        (
            "decide_privacy_request",
            vec![vec![("id", "0".into()), ("outcome", "done".into())]],
        ),
        ("get_breaches", vec![vec![]]),
        ("get_breach", vec![vec![("id", "1".into())]]),
        (
            "record_breach",
            vec![vec![
                ("summary", "".into()),
                ("discovered_date", "".into()),
                ("discovered_time", "".into()),
                ("households", noura_household.clone()),
            ]],
        ),
        (
            "add_breach_households",
            vec![vec![
                ("breach_id", "0".into()),
                ("households", NOURA.into()),
            ]],
        ),
        (
            "mark_breach_notified",
            vec![vec![("breach_id", "0".into()), ("who", "authority".into())]],
        ),
        ("get_retention_page", vec![vec![]]),
        ("run_retention_now", vec![vec![]]),
        ("get_notice_versions", vec![vec![]]),
        ("get_privacy_notice", vec![vec![]]),
        ("publish_privacy_notice", vec![vec![("version", "".into())]]),
        (
            "accept_privacy_notice",
            vec![vec![("version", "none".into())]],
        ),
        // Reporting (issue 18): both boards, a filter on another association.
        (
            "get_dashboard",
            vec![
                vec![],
                vec![("board", "council".into())],
                vec![("board", "association".into()), ("association", "1".into())],
                vec![
                    ("board", "council".into()),
                    ("from", "2020-01-01".into()),
                    ("to", "2020-01-31".into()),
                ],
            ],
        ),
        // Partner tokens (issue 18 §4): the council's list, a creation
        // refused for its input, a revocation of no token.
        ("get_partner_tokens", vec![vec![]]),
        (
            "create_partner_token",
            vec![vec![
                ("partner_name_ar", "".into()),
                ("partner_name_en", "".into()),
                ("scope", "indicators".into()),
            ]],
        ),
        ("revoke_partner_token", vec![vec![("token_id", "0".into())]]),
        // At the counter (issue 21 §2, §8): both households, a submission
        // refused for its key (nothing stored), an answer to no application.
        (
            "get_counter_apply_form",
            vec![
                vec![("household_id", noura_household.clone())],
                vec![("household_id", amina_household.clone())],
            ],
        ),
        (
            "submit_counter_application",
            vec![vec![
                ("household_id", noura_household.clone()),
                ("submission_key", "".into()),
            ]],
        ),
        ("get_counter_applications", vec![vec![]]),
        (
            "answer_counter_application",
            vec![vec![
                ("application_id", "0".into()),
                ("confirm", "false".into()),
            ]],
        ),
        (
            "get_household_file",
            vec![
                vec![("household_id", noura_household.clone())],
                vec![("household_id", amina_household.clone())],
            ],
        ),
        ("get_receipt", vec![vec![("application_id", "1".into())]]),
        // Members who act for the household (issue 21 §3).
        ("allow_member_to_act", vec![vec![("member_id", "1".into())]]),
        ("revoke_member_act", vec![vec![("member_id", "1".into())]]),
        // Documents an assistance type asks for (issue 21 §4).
        ("get_document_kinds", vec![vec![]]),
        (
            "save_document_kind",
            vec![vec![
                ("assistance_type_id", "1".into()),
                ("name_ar", "نسخة الهوية".into()),
                ("name_en", "ID copy".into()),
            ]],
        ),
        // The staff search (issue 21 §1): by name, so no ID is echoed back.
        (
            "search_households",
            vec![vec![("q", "نورة".into())], vec![("q", "أمينة يوسف".into())]],
        ),
        // Messages to the family's phone (issue 17).
        ("get_message_preferences", vec![vec![]]),
        (
            "save_message_preferences",
            vec![vec![
                ("channel", "pigeon".into()),
                ("language", "ar".into()),
            ]],
        ),
    ]);

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
            panic!("{name}: a new server function; give it a fixture in answers.rs")
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
