//! Reporting (issue 18), through real HTTP on SQLite and PostgreSQL: a small
//! data set written as the other domains would have (two new associations,
//! seven households in January 2020, their lines in every state with their
//! events, benefits, a shop with products and taps, a course, continuity
//! statuses), then every indicator's value against a figure computed here;
//! suppression of another association's small count; who may see which
//! board; the CSV (with its BOM) and the XLSX read back with calamine.

mod common;

use std::io::{Cursor, Read};

use app::identity::RoleKind;
use app::time::SaudiDate;
use common::{Browser, TestApp, persona, random_suffix};
use serde_json::Value;

const MONA_NAKHLA_STAFF: &str = "1000000032";
const NOURA: &str = "1000000065";
const DAY: i64 = 86_400;
const PERIOD: &str = "from=2020-01-01&to=2020-02-29";

/// Noon (Saudi time) of a day.
fn at(day: &str) -> i64 {
    SaudiDate::parse(day).unwrap().start() + 12 * 3600
}

async fn one(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    n
}

async fn insert(app: &TestApp, sql: &str, values: &[i64]) -> i64 {
    let mut query = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(format!("{sql} RETURNING id")));
    for v in values {
        query = query.bind(*v);
    }
    query.fetch_one(&app.state.db.pool).await.unwrap().0
}

async fn exec(app: &TestApp, sql: &str, values: &[i64]) {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
    for v in values {
        query = query.bind(*v);
    }
    query.execute(&app.state.db.pool).await.unwrap();
}

/// The data set's ids.
struct Set {
    x: i64,
    y: i64,
    type_a: i64,
    type_b: i64,
    households: Vec<i64>,
    x_staff: String,
}

async fn user(app: &TestApp) -> i64 {
    let national_id = format!("U{}", random_suffix());
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (national_id, name_ar, created_at) VALUES ($1, 'مستخدم', $2) RETURNING id",
    )
    .bind(national_id)
    .bind(at("2019-12-01"))
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    id
}

async fn association(app: &TestApp, name: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO associations (licence_number, name_ar, name_en, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(random_suffix())
    .bind(format!("جمعية {name}"))
    .bind(format!("Association {name}"))
    .bind(at("2019-12-01"))
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    id
}

async fn data_set(app: &TestApp) -> Set {
    let x = association(app, "X").await;
    let y = association(app, "Y").await;
    let types: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM assistance_types WHERE active = 1 ORDER BY id LIMIT 2")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    let (type_a, type_b) = (types[0].0, types[1].0);
    let d0 = common::jeddah_district(&app.state.db, 0).await;
    let d1 = common::jeddah_district(&app.state.db, 1).await;

    // Seven households registered in January 2020, every other one verified.
    let mut households = Vec::new();
    for i in 0..7 {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO households (head_national_id, head_name_ar, district_id, verified, status, \
               created_at, updated_at) VALUES ($1, 'أسرة', $2, $3, 'registered', $4, $4) RETURNING id",
        )
        .bind(format!("H{}", random_suffix()))
        .bind(d0)
        .bind(i64::from(i % 2 == 0))
        .bind(at("2020-01-05") + i * DAY)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        households.push(id);
    }

    // One line each, submitted on 10 January; (state, days to decision, days to fulfilment).
    let submitted = at("2020-01-10");
    let plan: [(&str, Option<i64>, Option<i64>); 7] = [
        ("approved", Some(2), None),
        ("rejected", Some(4), None),
        ("fulfilled", Some(1), Some(10)),
        ("submitted", None, None),
        ("in_review", None, None),
        ("referred", None, None),
        ("approved", Some(6), None),
    ];
    for (i, (state, decided, fulfilled)) in plan.iter().enumerate() {
        let h = households[i];
        let kind = if i % 2 == 0 { type_a } else { type_b };
        let application = {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO applications (household_id, submission_key, created_at) \
                 VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(h)
            .bind(random_suffix())
            .bind(submitted)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
            id
        };
        let (owner, from) = if *state == "referred" {
            (y, Some(x))
        } else {
            (x, None)
        };
        let (line,): (i64,) = sqlx::query_as(
            "INSERT INTO application_lines (application_id, household_id, assistance_type_id, \
               description, state, association_id, referred_from_id, created_at, last_action_at) \
             VALUES ($1, $2, $3, 'طلب', $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(application)
        .bind(h)
        .bind(kind)
        .bind(*state)
        .bind(owner)
        .bind(from)
        .bind(submitted)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        let event = |to: &'static str, when: i64| {
            let pool = app.state.db.pool.clone();
            async move {
                sqlx::query(
                    "INSERT INTO line_events (line_id, to_state, association_id, occurred_at) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(line)
                .bind(to)
                .bind(x)
                .bind(when)
                .execute(&pool)
                .await
                .unwrap();
            }
        };
        event("submitted", submitted).await;
        if let Some(days) = decided {
            let to = if *state == "rejected" {
                "rejected"
            } else {
                "approved"
            };
            event(to, submitted + days * DAY).await;
            // A later approval does not move the first decision.
            event("in_review", submitted + (days + 1) * DAY).await;
        }
        if let Some(days) = fulfilled {
            event("fulfilled", submitted + days * DAY).await;
        }
        if *state == "referred" {
            event("referred", at("2020-01-20")).await;
        }
    }

    // Benefits from X: two of type A (500 and 250.50 riyals), one of type B (100).
    for (h, kind, value, day) in [
        (households[0], type_a, 50_000, "2020-01-21"),
        (households[2], type_a, 25_050, "2020-02-03"),
        (households[6], type_b, 10_000, "2020-02-28"),
        // Outside the period: not counted.
        (households[6], type_b, 99_900, "2020-03-01"),
    ] {
        sqlx::query(
            "INSERT INTO benefits (household_id, association_id, assistance_type_id, value_halalas, \
               given_on, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(h)
        .bind(x)
        .bind(kind)
        .bind(value)
        .bind(day)
        .bind(at(day))
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }

    // Coverage: X primary for (d0, A) and (d1, A), supporting for (d0, B).
    for (district, kind, role) in [
        (d0, type_a, "primary"),
        (d1, type_a, "primary"),
        (d0, type_b, "supporting"),
    ] {
        sqlx::query(
            "INSERT INTO coverage_cells (association_id, district_id, assistance_type_id, role, status, \
               valid_from, proposed_at) VALUES ($1, $2, $3, $4, 'approved', $5, $5)",
        )
        .bind(x)
        .bind(district)
        .bind(kind)
        .bind(role)
        .bind(at("2019-12-01"))
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }

    // The first family's shop: two published products (one tapped yesterday,
    // one only 40 days ago) and a draft.
    let owner = user(app).await;
    let shop = insert(
        app,
        "INSERT INTO shops (household_id, owner_user_id, name_ar, district_id, created_at, updated_at) \
         VALUES ($1, $2, 'متجر', $3, $4, $4)",
        &[households[0], owner, d0, at("2020-01-06")],
    )
    .await;
    let today = app::database::now().div_euclid(DAY);
    for (status, taps, day) in [
        ("published", 3, today - 1),
        ("published", 9, today - 40),
        ("draft", 0, today),
    ] {
        let (product,): (i64,) = sqlx::query_as(
            "INSERT INTO products (shop_id, category, title_ar, description_ar, price_halalas, \
               availability, status, created_at, updated_at) \
             VALUES ($1, 'food', 'منتج', 'وصف', 1000, 'in_stock', $2, $3, $3) RETURNING id",
        )
        .bind(shop)
        .bind(status)
        .bind(at("2020-01-07"))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        if taps > 0 {
            exec(
                app,
                "INSERT INTO product_taps (product_id, day, taps) VALUES ($1, $2, $3)",
                &[product, day, taps],
            )
            .await;
        }
    }

    // X's course: four seats held, two completed (one certificate), one not.
    let provider = insert(
        app,
        "INSERT INTO training_providers (kind, association_id, name_ar, created_at) \
         VALUES ('association', $1, 'مركز', $2)",
        &[x, at("2019-12-01")],
    )
    .await;
    let course = insert(
        app,
        "INSERT INTO courses (provider_id, title_ar, specialty, mode, seats, enrolled, opens_at, \
           closes_at, status, created_at, updated_at) \
         VALUES ($1, 'خياطة', 'sewing', 'online', 10, 4, $2, $3, 'finished', $2, $2)",
        &[provider, at("2020-01-15"), at("2020-02-15")],
    )
    .await;
    for (i, status) in ["completed", "completed", "not_completed", "enrolled"]
        .iter()
        .enumerate()
    {
        let trainee = user(app).await;
        let certificate = (i == 0).then(random_suffix);
        sqlx::query(
            "INSERT INTO enrollments (course_id, user_id, household_id, status, certificate_code, \
               completed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(course)
        .bind(trainee)
        .bind(households[i])
        .bind(*status)
        .bind(certificate)
        .bind((*status == "completed").then(|| at("2020-02-16")))
        .bind(at("2020-01-12"))
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }

    // Continuity: two at risk now; one exited in February.
    for (h, status) in [
        (households[3], "at_risk"),
        (households[4], "at_risk"),
        (households[1], "exited"),
    ] {
        sqlx::query(
            "INSERT INTO continuity_status (household_id, status, score, reasons, computed_at, since) \
             VALUES ($1, $2, 50, '[]', $3, $3)",
        )
        .bind(h)
        .bind(status)
        .bind(at("2020-02-01"))
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    }
    exec(
        app,
        "INSERT INTO continuity_history (household_id, status, previous, at) VALUES ($1, 'exited', 'watch', $2)",
        &[households[1], at("2020-02-01")],
    )
    .await;

    // A staff member of X (a new person, signed in through the simulator).
    let x_staff = app::ids::with_check_digit(&format!("1{}", &random_digits()[..8]));
    Set {
        x,
        y,
        type_a,
        type_b,
        households,
        x_staff,
    }
}

fn random_digits() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..12)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// Signs in a new person and makes them staff of the association.
async fn staff_of(app: &TestApp, national_id: &str, association_id: i64) -> Browser {
    let browser = app.signed_in(national_id).await;
    let (user_id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE national_id = $1")
        .bind(national_id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO role_grants (user_id, role, association_id, granted_at) \
         VALUES ($1, 'association_staff', $2, $3)",
    )
    .bind(user_id)
    .bind(association_id)
    .bind(at("2020-01-01"))
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    browser
}

async fn dashboard(browser: &Browser, form: &[(&str, String)]) -> (u16, Value) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = browser.post_api("/api/get_dashboard", &form).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The shown value of an indicator's row (`key` empty: its total).
fn shown(board: &Value, indicator: &str, key: &str) -> Value {
    let indicator = indicator_variant(indicator);
    board["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == indicator && r["key"] == key)
        .unwrap_or_else(|| panic!("no row {indicator} {key}"))["shown"]
        .clone()
}

fn value(n: i64) -> Value {
    serde_json::json!({ "Value": n })
}

fn indicator_variant(key: &str) -> String {
    key.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn period_form(board: &str, association: Option<i64>) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("board", board.to_string()),
        ("from", "2020-01-01".to_string()),
        ("to", "2020-02-29".to_string()),
    ];
    if let Some(id) = association {
        form.push(("association", id.to_string()));
    }
    form
}

both_engines! {
    async fn every_indicator_matches_the_data_set(app: TestApp) {
        let set = data_set(&app).await;
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let (status, board) = dashboard(&council, &period_form("council", Some(set.x))).await;
        assert_eq!(status, 200, "{board}");

        // Figured independently from the plan above.
        let x_lines_a = [0, 2, 4, 6].len() as i64; // even households, all with X
        let x_lines_b = [1, 3].len() as i64; // household 5's line went on to Y
        let districts = one(&app, "SELECT COUNT(*) FROM districts").await;
        let types = one(&app, "SELECT COUNT(*) FROM assistance_types WHERE active = 1").await;
        let coverage = (2 * 10_000 + districts * types / 2) / (districts * types);
        let (x, y) = (set.x.to_string(), set.y.to_string());
        let expected: Vec<(&str, &str, Value)> = vec![
            ("registered_households", "", value(7)),
            ("registered_households", "verified", value(4)),
            ("registered_households", "not_verified", value(3)),
            ("lines_by_type", "", value(x_lines_a + x_lines_b)),
            ("lines_by_state", "approved", value(2)),
            ("lines_by_state", "rejected", value(1)),
            ("lines_by_state", "fulfilled", value(1)),
            ("lines_by_state", "submitted", value(1)),
            ("lines_by_state", "in_review", value(1)),
            ("lines_by_state", "referred", value(0)),
            ("coverage_rate", "", value(coverage)),
            // Decisions after 1, 2, 4 and 6 days: the median is 3 days.
            ("days_to_decision", "", value(30)),
            ("days_to_fulfilment", "", value(100)),
            ("referrals", "", value(1)),
            ("referrals", &x, value(1)),
            ("households_per_association", "", value(7)),
            ("households_per_association", &x, value(7)),
            ("households_per_association", &y, value(1)),
            ("benefits_by_type", "", value(3)),
            ("benefits_value", "", value(50_000 + 25_050 + 10_000)),
            ("active_shops", "", value(1)),
            ("published_products", "", value(2)),
            ("whatsapp_taps", "", value(3)),
            ("seats_filled", "", value(4)),
            ("completion_rate", "", value(6_667)),
            ("certificates", "", value(1)),
            ("at_risk_households", "", value(2)),
            ("exited_households", "", value(1)),
        ];
        for (indicator, key, want) in &expected {
            assert_eq!(&shown(&board, indicator, key), want, "{indicator} {key}");
        }
        let codes: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT code FROM assistance_types WHERE id IN ({}, {}) ORDER BY id",
            set.type_a, set.type_b
        )))
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        let (code_a, code_b) = (codes[0].0.clone(), codes[1].0.clone());
        assert_eq!(shown(&board, "lines_by_type", &code_a), value(x_lines_a));
        assert_eq!(shown(&board, "lines_by_type", &code_b), value(x_lines_b));
        assert_eq!(shown(&board, "benefits_by_type", &code_a), value(2));
        assert_eq!(shown(&board, "benefits_value", &code_b), value(10_000));

        // The trend: six lines in January, none in February.
        assert_eq!(
            board["trend"],
            serde_json::json!([["2020-01", { "Value": 6 }], ["2020-02", { "Value": 0 }]])
        );
        // The previous period (November–December 2019) had none of these lines.
        let lines = board["headlines"].as_array().unwrap().iter()
            .find(|h| h["indicator"] == "LinesByType").unwrap().clone();
        assert_eq!(lines["now"], value(6));
        assert_eq!(lines["before"], value(0));

        // Cut by type: only type B's lines and benefits.
        let mut form = period_form("council", Some(set.x));
        form.push(("assistance_type", set.type_b.to_string()));
        let (_, by_type) = dashboard(&council, &form).await;
        assert_eq!(shown(&by_type, "lines_by_type", ""), value(x_lines_b));
        assert_eq!(shown(&by_type, "benefits_by_type", ""), value(1));
        // Cut by another district: none of the households.
        let mut form = period_form("council", Some(set.x));
        let d5 = common::jeddah_district(&app.state.db, 5).await;
        form.push(("district", d5.to_string()));
        let (_, elsewhere) = dashboard(&council, &form).await;
        assert_eq!(shown(&elsewhere, "registered_households", ""), value(0));
        // The district's city is filled in for the form.
        assert!(elsewhere["filters"]["city_id"].is_i64());
        assert_eq!(set.households.len(), 7);
    }

    async fn an_association_sees_its_own_whole_and_others_small_counts_suppressed(app: TestApp) {
        let set = data_set(&app).await;
        let x_staff = staff_of(&app, &set.x_staff, set.x).await;
        let (status, own) = dashboard(&x_staff, &period_form("association", None)).await;
        assert_eq!(status, 200, "{own}");
        // X's own figures are whole, small ones too.
        assert_eq!(shown(&own, "referrals", ""), value(1));
        assert_eq!(shown(&own, "certificates", ""), value(1));
        assert_eq!(shown(&own, "households_per_association", &set.x.to_string()), value(7));
        // Y serves one household: X sees "fewer than 5".
        assert_eq!(
            shown(&own, "households_per_association", &set.y.to_string()),
            serde_json::json!("FewerThan5")
        );
        assert!(own["associations"].as_array().unwrap().is_empty());
        // Another association's filter is refused, and so is the council's board.
        let (status, _) = dashboard(&x_staff, &period_form("association", Some(set.y))).await;
        assert_eq!(status, 403);
        let (status, _) = dashboard(&x_staff, &period_form("council", None)).await;
        assert_eq!(status, 403);
        // Al Nakhla's staff see Y's single household suppressed, and may not ask for X.
        let mona = app.signed_in(MONA_NAKHLA_STAFF).await;
        let (status, theirs) = dashboard(&mona, &period_form("association", None)).await;
        assert_eq!(status, 200);
        assert_eq!(
            shown(&theirs, "households_per_association", &set.y.to_string()),
            serde_json::json!("FewerThan5")
        );
        let (status, _) = dashboard(&mona, &period_form("association", Some(set.x))).await;
        assert_eq!(status, 403);
        // A family has no board, and no export.
        let family = app.signed_in(NOURA).await;
        for board in ["council", "association"] {
            let (status, _) = dashboard(&family, &period_form(board, None)).await;
            assert_eq!(status, 403, "{board}");
        }
        assert_eq!(family.get(&format!("/council/dashboard.csv?{PERIOD}")).await.status(), 403);
        assert_eq!(family.get(&format!("/association/dashboard.xlsx?{PERIOD}")).await.status(), 403);
        assert_eq!(app.get(&format!("/council/dashboard.csv?{PERIOD}")).await.status(), 401);
        // A period that ends before it starts.
        let mut form = period_form("council", None);
        form[1].1 = "2020-03-01".into();
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let (status, _) = dashboard(&council, &form).await;
        assert_eq!(status, 422);
        // The pages render (Arabic by default, right to left).
        let page = council.get(&format!("/council/dashboard?{PERIOD}&association={}", set.x)).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("data-testid=\"trend-chart\""), "the chart");
        assert!(html.contains("<svg"));
        assert!(html.contains("data-testid=\"type-chart\""), "the bars by type");
        assert!(html.contains("dir=\"rtl\""));
        // In English, left to right.
        let page = council
            .client
            .get(council.url(&format!("/council/dashboard?{PERIOD}")))
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("Council dashboard") && html.contains("dir=\"ltr\""), "English");
        let page = x_staff.get(&format!("/association/dashboard?{PERIOD}")).await;
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("أقل من 5"));
    }

    async fn the_exports_hold_the_table_and_are_audited(app: TestApp) {
        let set = data_set(&app).await;
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let query = format!("{PERIOD}&association={}", set.x);

        let r = council.get(&format!("/council/dashboard.csv?{query}")).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let row = |indicator: &str, key: &str| {
            rows.iter()
                .find(|r| &r[2] == indicator && &r[4] == key)
                .unwrap_or_else(|| panic!("{indicator} {key}"))
                .clone()
        };
        assert_eq!(&row("registered_households", "")[0], "2020-01-01");
        assert_eq!(&row("registered_households", "")[7], "7");
        assert_eq!(&row("benefits_value", "")[7], "850.50");
        assert_eq!(&row("days_to_decision", "")[7], "3");
        assert_eq!(&row("registered_households", "")[3], "الأسر المسجلة");

        let r = council.get(&format!("/council/dashboard.xlsx?{query}")).await;
        assert_eq!(r.status(), 200);
        let bytes = r.bytes().await.unwrap().to_vec();
        check_xlsx(&bytes, true, "المؤشرات");
        let r = council.get(&format!("/council/dashboard.xlsx?{query}&lang=en")).await;
        let english = r.bytes().await.unwrap().to_vec();
        check_xlsx(&english, false, "Indicators");

        // The association's own export; another's filter is refused.
        let x_staff = staff_of(&app, &set.x_staff, set.x).await;
        let r = x_staff.get(&format!("/association/dashboard.csv?{PERIOD}")).await;
        assert_eq!(r.status(), 200);
        let r = x_staff.get(&format!("/association/dashboard.xlsx?{PERIOD}&association={}", set.y)).await;
        assert_eq!(r.status(), 403);
        let r = x_staff.get(&format!("/council/dashboard.csv?{PERIOD}")).await;
        assert_eq!(r.status(), 403);

        assert_eq!(app::audit::count_actions(&app.state.db, "report_exported").await.unwrap(), 4);
    }
}

/// Opens the workbook with calamine: the values, the frozen header row and
/// the sheet's direction.
fn check_xlsx(bytes: &[u8], rtl: bool, sheet: &str) {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = workbook.worksheet_range(sheet).unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    // An empty string is written as a blank cell.
    fn text(cell: &Data) -> &str {
        match cell {
            Data::String(s) => s,
            _ => "",
        }
    }
    let find = |indicator: &str, key: &str| {
        rows.iter()
            .find(|r| text(&r[2]) == indicator && text(&r[4]) == key)
            .unwrap_or_else(|| panic!("{indicator} {key}"))
            .clone()
    };
    assert_eq!(find("registered_households", "")[7], Data::Float(7.0));
    assert_eq!(find("benefits_value", "")[7], Data::Float(850.5));
    assert_eq!(find("completion_rate", "")[7], Data::Float(66.67));
    // Dates are dates.
    assert!(
        matches!(find("registered_households", "")[0], Data::DateTime(_)),
        "a date"
    );
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    archive
        .by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert_eq!(xml.contains("rightToLeft=\"1\""), rtl, "direction");
    assert!(xml.contains("state=\"frozen\""), "a frozen header");
}
