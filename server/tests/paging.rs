//! Every staff list pages, with a total (issue 21 §6), through real HTTP on
//! SQLite and PostgreSQL: the access list, the association's financing
//! files, its imports, the data-protection officer's queue and the
//! continuity case list. For each:
//! more rows than a page, page 1 full with the total, the last page the
//! remainder, a page past the end gives the last page (not a 500), and the
//! pager's plain links keep the list's filter.

mod common;

use app::database::now;
use app::identity::{RoleKind, with_check_digit};
use common::{Browser, TestApp, persona};
use serde_json::Value;

async fn json(browser: &Browser, path: &str, form: &[(&str, &str)]) -> Value {
    let r = browser.post_api(path, form).await;
    assert_eq!(r.status(), 200, "{path}: {}", r.text().await.unwrap());
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

async fn html(browser: &Browser, path: &str) -> String {
    let r = browser.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

/// Whether the page links to this address (`&` as the HTML writes it).
fn links_to(body: &str, href: &str) -> bool {
    body.contains(&format!("href=\"{href}\""))
        || body.contains(&format!("href=\"{}\"", href.replace('&', "&amp;")))
}

async fn one(app: &TestApp, sql: &str) -> i64 {
    app.me.count(sql).await
}

/// Reads page 1, the last page and a page past the end of a paged server
/// function; checks the counts against `per_page` and returns the total.
async fn check_pages(
    browser: &Browser,
    path: &str,
    rows: &str,
    form: &[(&str, &str)],
    per_page: i64,
) -> i64 {
    let first = json(browser, path, form).await;
    let total = first["total"].as_i64().unwrap();
    let pages = first["pages"].as_i64().unwrap();
    assert!(total > per_page, "{path}: more than a page ({total})");
    assert_eq!(pages, (total + per_page - 1) / per_page, "{path}: pages");
    assert_eq!(first["page"], 1);
    assert_eq!(first[rows].as_array().unwrap().len() as i64, per_page);
    let last_page = pages.to_string();
    let mut with_page: Vec<(&str, &str)> = form.to_vec();
    with_page.push(("page", &last_page));
    let last = json(browser, path, &with_page).await;
    assert_eq!(last["page"], pages);
    assert_eq!(
        last[rows].as_array().unwrap().len() as i64,
        total - per_page * (pages - 1),
        "{path}: the last page holds the remainder"
    );
    let mut beyond: Vec<(&str, &str)> = form.to_vec();
    beyond.push(("page", "999"));
    let past = json(browser, path, &beyond).await;
    assert_eq!(past["page"], pages, "{path}: past the end is the last page");
    assert_eq!(past[rows], last[rows]);
    let mut nonsense: Vec<(&str, &str)> = form.to_vec();
    nonsense.push(("page", "-4"));
    assert_eq!(json(browser, path, &nonsense).await["page"], 1);
    total
}

/// A registered household (the family signs in and fills the wizard).
async fn household(app: &TestApp, nine: &str) -> i64 {
    let id = with_check_digit(nine);
    let family = app.signed_in(&id).await;
    common::register_household(&family, common::jeddah_district(&app.state.db, 1).await).await;
    one(
        app,
        &format!("SELECT id FROM households WHERE head_national_id = '{id}'"),
    )
    .await
}

/// The association a persona holds a role in.
async fn association_of(app: &TestApp, role: RoleKind) -> i64 {
    one(
        app,
        &format!(
            "SELECT g.association_id FROM role_grants g JOIN users u ON u.id = g.user_id \
             WHERE u.national_id = '{}' AND g.association_id IS NOT NULL",
            persona(role)
        ),
    )
    .await
}

async fn the_access_list_pages(app: TestApp) {
    let association = association_of(&app, RoleKind::AssociationAdmin).await;
    let at = now();
    for i in 0..65 {
        let (user,): (i64,) = sqlx::query_as(
            "INSERT INTO users (national_id, name_ar, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(with_check_digit(&format!("17{i:07}")))
        .bind(format!("موظفة {i}"))
        .bind(at)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO role_grants (user_id, role, association_id, granted_at) \
             VALUES ($1, 'association_staff', $2, $3)",
        )
        .bind(user)
        .bind(association)
        .bind(at)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }
    let per_page = app::identity::access::ACCESS_PER_PAGE;
    let admin = app.signed_in(&persona(RoleKind::AssociationAdmin)).await;
    let total = check_pages(&admin, "/api/get_access", "people", &[], per_page).await;
    assert!(total >= 65);
    // The page: the total above, the pager's plain links below.
    let body = html(&admin, "/access").await;
    assert!(body.contains("list-total"), "the total shows");
    assert!(links_to(&body, "/access?page=2"));
    let body = html(&admin, "/access?page=2").await;
    assert!(links_to(&body, "/access?page=1"), "page 2 links back");
    // The council's search for one person is kept on every page.
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let noura = persona(RoleKind::FamilyMember);
    check_pages(
        &council,
        "/api/get_access",
        "people",
        &[("national_id", &noura)],
        per_page,
    )
    .await;
    let body = html(&council, &format!("/access?national_id={noura}")).await;
    assert!(links_to(
        &body,
        &format!("/access?national_id={noura}&page=2")
    ));
}

async fn the_financing_files_page(app: TestApp) {
    let household = household(&app, "137000001").await;
    let association = association_of(&app, RoleKind::AssociationStaff).await;
    let financing = one(
        &app,
        "SELECT id FROM assistance_types WHERE code = 'financing'",
    )
    .await;
    let at = now();
    let pool = &app.state.db.pool;
    let (application,): (i64,) = sqlx::query_as(
        "INSERT INTO applications (household_id, submission_key, created_at) \
         VALUES ($1, 'paging-test', $2) RETURNING id",
    )
    .bind(household)
    .bind(at)
    .fetch_one(pool)
    .await
    .unwrap();
    let per_page = app::financing::FILES_PER_PAGE;
    for _ in 0..(2 * per_page + 7) {
        // Fulfilled lines: no longer "active", so one household holds many.
        let (line,): (i64,) = sqlx::query_as(
            "INSERT INTO application_lines (application_id, household_id, assistance_type_id, \
               description, amount_halalas, state, association_id, created_at, last_action_at) \
             VALUES ($1, $2, $3, 'تمويل', 1000000, 'fulfilled', $4, $5, $5) RETURNING id",
        )
        .bind(application)
        .bind(household)
        .bind(financing)
        .bind(association)
        .bind(at)
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO financing_files (line_id, household_id, association_id, activity, \
               requested_halalas, months, applicant_birth_date, monthly_income_halalas, opened_at) \
             VALUES ($1, $2, $3, 'sweets', 1000000, 36, '1990-01-01', 300000, $4)",
        )
        .bind(line)
        .bind(household)
        .bind(association)
        .bind(at)
        .execute(pool)
        .await
        .unwrap();
    }
    let staff = app.signed_in(&persona(RoleKind::AssociationStaff)).await;
    let total = check_pages(&staff, "/api/get_financing", "files", &[], per_page).await;
    assert_eq!(total, 2 * per_page + 7);
    let body = html(&staff, "/association/financing?page=3").await;
    assert!(body.contains("list-total"));
    assert!(links_to(&body, "/association/financing?page=2"));
    assert!(!body.contains("rel=\"next\""), "the last page has no next");
}

async fn the_imports_page(app: TestApp) {
    let association = association_of(&app, RoleKind::AssociationAdmin).await;
    let admin_id = one(
        &app,
        &format!(
            "SELECT id FROM users WHERE national_id = '{}'",
            persona(RoleKind::AssociationAdmin)
        ),
    )
    .await;
    let per_page = app::imports::BATCHES_PER_PAGE;
    let at = now();
    for i in 0..(per_page + 3) {
        sqlx::query(
            "INSERT INTO import_batches (association_id, kind, file_name, file_sha256, \
               uploaded_by, uploaded_at, checked_at) VALUES ($1, 'households', $2, 'x', $3, $4, $4)",
        )
        .bind(association)
        .bind(format!("families-{i}.csv"))
        .bind(admin_id)
        .bind(at)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }
    let admin = app.signed_in(&persona(RoleKind::AssociationAdmin)).await;
    let chosen = association.to_string();
    let total = check_pages(
        &admin,
        "/api/get_imports",
        "batches",
        &[("association", &chosen)],
        per_page,
    )
    .await;
    assert_eq!(total, per_page + 3);
    // The association chosen is kept in the pager's links.
    let body = html(
        &admin,
        &format!("/association/imports?association={chosen}"),
    )
    .await;
    assert!(body.contains("list-total"));
    assert!(links_to(
        &body,
        &format!("/association/imports?association={chosen}&page=2")
    ));
}

async fn the_officers_queue_pages(app: TestApp) {
    let household = household(&app, "138000001").await;
    let officer = app
        .signed_in(&persona(RoleKind::DataProtectionOfficer))
        .await;
    let add = |n: i64| {
        let pool = app.state.db.pool.clone();
        async move {
            let at = now();
            for i in 0..n {
                sqlx::query(
                    "INSERT INTO privacy_requests (household_id, kind, created_at, due_at) \
                     VALUES ($1, 'access', $2, $3)",
                )
                .bind(household)
                .bind(at)
                .bind(at + 86_400 * (i + 1))
                .execute(&pool)
                .await
                .unwrap();
            }
        }
    };
    // One page: the total shows, no pager at all (not a lone "1").
    add(1).await;
    let body = html(&officer, "/council/privacy-requests").await;
    assert!(body.contains("list-total"));
    assert!(
        !body.contains("class=\"pagination\""),
        "no pager for one page"
    );
    let per_page = app::privacy::REQUESTS_PER_PAGE;
    add(2 * per_page).await;
    let total = check_pages(
        &officer,
        "/api/get_privacy_queue",
        "requests",
        &[],
        per_page,
    )
    .await;
    assert_eq!(
        total,
        one(&app, "SELECT COUNT(*) FROM privacy_requests").await
    );
    let body = html(&officer, "/council/privacy-requests?page=2").await;
    assert!(links_to(&body, "/council/privacy-requests?page=1"));
    assert!(links_to(&body, "/council/privacy-requests?page=3"));
}

/// The continuity case list (issue 21 §6): the households a view shows,
/// counted, paged, a page past the end the last one; the page says the total
/// and its pager keeps the view.
async fn the_case_list_pages(app: TestApp) {
    app::demo::generate_households(&app.state.db, 3000)
        .await
        .expect("generate");
    let staff = app.signed_in(&persona(RoleKind::AssociationStaff)).await;
    let per_page = app::continuity::CASES_PAGE_SIZE;
    let form = [("view", "unassigned")];
    let total = check_pages(&staff, "/api/get_continuity", "rows", &form, per_page).await;
    let at_risk = json(&staff, "/api/get_continuity", &[("view", "at_risk")]).await;
    assert_eq!(
        at_risk["rows"].as_array().unwrap().len() as i64,
        at_risk["total"].as_i64().unwrap().min(per_page)
    );
    let body = html(&staff, "/association/continuity?view=unassigned").await;
    assert!(body.contains("list-total"), "the total shows");
    assert!(body.contains(&total.to_string()));
    assert!(links_to(
        &body,
        "/association/continuity?view=unassigned&page=2"
    ));
}

both_engines! {
    async fn case_list(app: TestApp) {
        the_case_list_pages(app).await;
    }
    async fn access_list(app: TestApp) {
        the_access_list_pages(app).await;
    }
    async fn financing_files(app: TestApp) {
        the_financing_files_page(app).await;
    }
    async fn imports(app: TestApp) {
        the_imports_page(app).await;
    }
    async fn officers_queue(app: TestApp) {
        the_officers_queue_pages(app).await;
    }
}
