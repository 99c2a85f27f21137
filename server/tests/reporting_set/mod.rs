//! The reporting tests' data set: two new associations, seven households
//! in January 2020, their lines in every state with their events, benefits,
//! coverage, a shop with products and taps, a course, continuity statuses;
//! and the helpers that read a dashboard's rows.

#![allow(dead_code)]

use app::time::SaudiDate;
use serde_json::Value;

use crate::common::{Browser, TestApp, random_suffix};

pub const MONA_NAKHLA_STAFF: &str = "1000000032";
pub const NOURA: &str = "1000000065";
pub const DAY: i64 = 86_400;
pub const PERIOD: &str = "from=2020-01-01&to=2020-02-29";

/// Noon (Saudi time) of a day.
pub fn at(day: &str) -> i64 {
    SaudiDate::parse(day).unwrap().start() + 12 * 3600
}

pub async fn one(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    n
}

pub async fn insert(app: &TestApp, sql: &str, values: &[i64]) -> i64 {
    let mut query = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(format!("{sql} RETURNING id")));
    for v in values {
        query = query.bind(*v);
    }
    query.fetch_one(&app.state.db.pool).await.unwrap().0
}

pub async fn exec(app: &TestApp, sql: &str, values: &[i64]) {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()));
    for v in values {
        query = query.bind(*v);
    }
    query.execute(&app.state.db.pool).await.unwrap();
}

/// The data set's ids.
pub struct Set {
    pub x: i64,
    pub y: i64,
    pub type_a: i64,
    pub type_b: i64,
    pub households: Vec<i64>,
    pub x_staff: String,
}

pub async fn user(app: &TestApp) -> i64 {
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

pub async fn association(app: &TestApp, name: &str) -> i64 {
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

pub async fn data_set(app: &TestApp) -> Set {
    let x = association(app, "X").await;
    let y = association(app, "Y").await;
    let types: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM assistance_types WHERE active = 1 ORDER BY id LIMIT 2")
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    let (type_a, type_b) = (types[0].0, types[1].0);
    let d0 = crate::common::jeddah_district(&app.state.db, 0).await;
    let d1 = crate::common::jeddah_district(&app.state.db, 1).await;

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

pub fn random_digits() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..12)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// Signs in a new person and makes them staff of the association.
pub async fn staff_of(app: &TestApp, national_id: &str, association_id: i64) -> Browser {
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

pub async fn dashboard(browser: &Browser, form: &[(&str, String)]) -> (u16, Value) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = browser.post_api("/api/get_dashboard", &form).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The shown value of an indicator's row (`key` empty: its total).
pub fn shown(board: &Value, indicator: &str, key: &str) -> Value {
    let indicator = indicator_variant(indicator);
    board["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == indicator && r["key"] == key)
        .unwrap_or_else(|| panic!("no row {indicator} {key}"))["shown"]
        .clone()
}

pub fn value(n: i64) -> Value {
    serde_json::json!({ "Value": n })
}

pub fn indicator_variant(key: &str) -> String {
    key.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

pub fn period_form(board: &str, association: Option<i64>) -> Vec<(&'static str, String)> {
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
