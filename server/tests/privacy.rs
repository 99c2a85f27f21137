//! "My data" (issue 16, PDPL), through real HTTP on SQLite and PostgreSQL:
//! a family sees only its own record and who read it (the association,
//! never the staff member), downloads a copy that validates against
//! `docs/my-data.schema.json` (audited), disputes a benefit (seen by the
//! association that wrote it and the officer, not by another association),
//! asks for deletion; only the data-protection officer reads the queue,
//! extends once and decides; an approved deletion anonymises the household
//! (its counted rows stay), removes its shop and products, ends its
//! sessions and frees its national ID.

mod common;

use app::identity::RoleKind;
use common::{Browser, TestApp, persona};
use serde_json::Value;

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";
const MONA_NAKHLA_STAFF: &str = "1000000032";
const REEM_BAHR_STAFF: &str = "1000000040";

async fn json(browser: &Browser, path: &str, form: &[(&str, &str)]) -> Value {
    let r = browser.post_api(path, form).await;
    let status = r.status();
    let body = r.text().await.unwrap();
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

async fn status(browser: &Browser, path: &str, form: &[(&str, &str)]) -> u16 {
    browser.post_api(path, form).await.status().as_u16()
}

/// A small JSON Schema (2020-12) checker for the keywords our schema uses:
/// type, const, enum, required, properties, additionalProperties: false,
/// items, oneOf and local `$ref`s. Returns the first problem found.
fn check(schema: &Value, root: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/$defs/");
        return check(&root["$defs"][name], root, value, at);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let fits = options
            .iter()
            .filter(|o| check(o, root, value, at).is_ok())
            .count();
        return if fits == 1 {
            Ok(())
        } else {
            Err(format!("{at}: {fits} of oneOf fit"))
        };
    }
    let type_of = |v: &Value| match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let allowed: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !allowed.is_empty() && !allowed.contains(&type_of(value)) {
        return Err(format!("{at}: {} is not {allowed:?}", type_of(value)));
    }
    if !schema["const"].is_null() && schema["const"] != *value {
        return Err(format!("{at}: not the constant"));
    }
    if let Some(options) = schema["enum"].as_array()
        && !options.contains(value)
    {
        return Err(format!("{at}: {value} not in enum"));
    }
    if let Value::Object(fields) = value {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap();
            if !fields.contains_key(name) {
                return Err(format!("{at}: `{name}` missing"));
            }
        }
        for (name, field) in fields {
            match schema["properties"].get(name) {
                Some(sub) => check(sub, root, field, &format!("{at}.{name}"))?,
                None if schema["additionalProperties"] == Value::Bool(false) => {
                    return Err(format!("{at}: `{name}` is not in the schema"));
                }
                None => {}
            }
        }
    }
    if let (Value::Array(items), Some(sub)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(sub, root, item, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

fn schema() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/my-data.schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Noura applies for training; Al Nakhla's staff open the line, approve and
/// fulfil it (a benefit). Returns (line id, Al Nakhla's Arabic name).
async fn a_benefit_from_al_nakhla(app: &TestApp, noura: &Browser) -> (i64, String) {
    common::apply_for_training(app, noura).await;
    let (line, name): (i64, String) = sqlx::query_as(
        "SELECT l.id, a.name_ar FROM application_lines l JOIN associations a \
           ON a.id = l.association_id ORDER BY l.id DESC LIMIT 1",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    let id = line.to_string();
    json(&staff, "/api/get_line_detail", &[("line_id", &id)]).await;
    for (action, extra) in [
        ("start_review", vec![]),
        ("approve", vec![]),
        ("fulfil", vec![("value", "٥٠٠"), ("given_on", "2026-11-20")]),
    ] {
        let mut form = vec![("line_id", id.as_str()), ("action", action)];
        form.extend(extra);
        assert_eq!(
            status(&staff, "/api/act_on_line", &form).await,
            200,
            "{action}"
        );
    }
    (line, name)
}

async fn the_family_sees_and_acts_on_its_data(app: TestApp) {
    let noura = app.signed_in(NOURA).await;
    let (_, nakhla) = a_benefit_from_al_nakhla(&app, &noura).await;
    let staff_name: (String,) = sqlx::query_as("SELECT name_ar FROM users WHERE national_id = $1")
        .bind(MONA_NAKHLA_STAFF)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();

    // My data: her own identity whole, the benefit, and who read the record.
    let mine = json(&noura, "/api/get_my_data", &[]).await;
    assert_eq!(mine["identity"]["national_id"], NOURA);
    assert!(mine["identity"]["nafath_verified_at"].is_i64());
    assert_eq!(mine["benefits"].as_array().unwrap().len(), 1);
    assert!(mine["applications"][0]["events"].as_array().unwrap().len() >= 3);
    let reads = mine["reads"].as_array().unwrap();
    assert!(!reads.is_empty());
    assert_eq!(reads[0]["association_name_ar"], nakhla.as_str());
    assert_eq!(reads[0]["kind"], "line_opened");
    // Al Nakhla's queue listed her line: that read is hers to see too.
    let mona = app.signed_in(MONA_NAKHLA_STAFF).await;
    assert_eq!(mona.get("/association/queue").await.status(), 200);
    let mine = json(&noura, "/api/get_my_data", &[]).await;
    let listed = &mine["reads"][0];
    assert_eq!(listed["kind"], "listed", "{mine}");
    assert_eq!(listed["association_name_ar"], nakhla.as_str());
    let raw = mine.to_string();
    assert!(!raw.contains(MONA_NAKHLA_STAFF), "no staff ID: {raw}");
    assert!(!raw.contains(&staff_name.0), "no staff name: {raw}");
    assert_eq!(mine["consents"][0]["notice_version"], "2026-11");
    assert!(!mine["sign_ins"].as_array().unwrap().is_empty());
    let benefit = mine["benefits"][0]["id"].as_i64().unwrap().to_string();

    // The page, without JavaScript.
    let page = noura.get("/my-data").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&nakhla) && !html.contains(&staff_name.0));
    assert_eq!(app.browser().get("/my-data.json").await.status(), 401);

    // Another family sees its own (nothing of Noura's), and cannot dispute hers.
    let amina = app.signed_in(AMINA).await;
    common::register_household(&amina, common::jeddah_district(&app.state.db, 1).await).await;
    let hers = json(&amina, "/api/get_my_data", &[]).await;
    assert_eq!(hers["identity"]["national_id"], AMINA);
    assert!(hers["benefits"].as_array().unwrap().is_empty());
    assert!(hers["reads"].as_array().unwrap().is_empty());
    let dispute = [
        ("benefit_id", benefit.as_str()),
        ("note", "لم أستلم هذا المبلغ"),
    ];
    assert_eq!(status(&amina, "/api/dispute_benefit", &dispute).await, 404);

    // The copy validates against the schema and is audited.
    let r = noura.get("/my-data.json").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let copy: Value = r.json().await.unwrap();
    let schema = schema();
    check(&schema, &schema, &copy, "$").unwrap();
    let downloads = app::audit::count_actions(&app.state.db, "privacy_copy_downloaded").await;
    assert_eq!(downloads.unwrap(), 1);

    // A dispute needs a note; one open dispute per record.
    assert_eq!(
        status(
            &noura,
            "/api/dispute_benefit",
            &[("benefit_id", benefit.as_str()), ("note", " ")]
        )
        .await,
        422
    );
    assert_eq!(status(&noura, "/api/dispute_benefit", &dispute).await, 200);
    assert_eq!(status(&noura, "/api/dispute_benefit", &dispute).await, 409);
    // Deletion only once confirmed.
    assert_eq!(
        status(&noura, "/api/make_privacy_request", &[("kind", "deletion")]).await,
        422
    );
    let delete = [("kind", "deletion"), ("note", ""), ("confirm", "yes")];
    assert_eq!(
        status(&noura, "/api/make_privacy_request", &delete).await,
        200
    );
    assert_eq!(
        status(
            &noura,
            "/api/make_privacy_request",
            &[("kind", "forget_me")]
        )
        .await,
        422
    );

    // Staff see the disputes of their own association's records only.
    let nakhla_staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    let bahr_staff = app.signed_in(REEM_BAHR_STAFF).await;
    let disputes = json(&nakhla_staff, "/api/get_disputes", &[]).await;
    assert_eq!(disputes["disputes"].as_array().unwrap().len(), 1);
    assert_eq!(
        disputes["disputes"][0]["request"]["note"],
        "لم أستلم هذا المبلغ"
    );
    let disputes = json(&bahr_staff, "/api/get_disputes", &[]).await;
    assert!(disputes["disputes"].as_array().unwrap().is_empty());
    assert_eq!(status(&noura, "/api/get_disputes", &[]).await, 403);

    // Nobody but the officer reads the queue.
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    for who in [&noura, &nakhla_staff, &council] {
        assert_eq!(status(who, "/api/get_privacy_queue", &[]).await, 403);
    }
    assert_eq!(
        app.browser()
            .post_api("/api/get_privacy_queue", &[])
            .await
            .status(),
        401
    );
    let officer = app
        .signed_in(&persona(RoleKind::DataProtectionOfficer))
        .await;
    let queue = json(&officer, "/api/get_privacy_queue", &[]).await;
    let requests = queue["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 2);
    for q in requests {
        let r = &q["request"];
        assert_eq!(
            r["due_at"].as_i64().unwrap() - r["created_at"].as_i64().unwrap(),
            30 * 86_400
        );
        assert_ne!(q["masked_national_id"], NOURA, "masked for the officer");
        assert_eq!(q["trail"][0][0], "privacy_request_made");
    }
    let id_of = |kind: &str| {
        requests
            .iter()
            .find(|q| q["request"]["kind"] == kind)
            .unwrap()["request"]["id"]
            .as_i64()
            .unwrap()
            .to_string()
    };
    let (correction, deletion) = (id_of("correction"), id_of("deletion"));

    // Extension once, with a reason the family sees.
    let extend = [
        ("id", correction.as_str()),
        ("reason", "ننتظر سجلات الجمعية"),
    ];
    assert_eq!(
        status(&nakhla_staff, "/api/extend_privacy_request", &extend).await,
        403
    );
    assert_eq!(
        status(
            &officer,
            "/api/extend_privacy_request",
            &[("id", correction.as_str()), ("reason", "")]
        )
        .await,
        422
    );
    assert_eq!(
        status(&officer, "/api/extend_privacy_request", &extend).await,
        200
    );
    assert_eq!(
        status(&officer, "/api/extend_privacy_request", &extend).await,
        409
    );
    let mine = json(&noura, "/api/get_my_data", &[]).await;
    let shown = mine["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "correction")
        .unwrap();
    assert_eq!(shown["extension_reason"], "ننتظر سجلات الجمعية");
    assert_eq!(
        shown["due_at"].as_i64().unwrap() - shown["created_at"].as_i64().unwrap(),
        60 * 86_400
    );
    assert_eq!(shown["benefit"]["association_name_ar"], nakhla.as_str());

    // Refusing needs a reason; the family sees it.
    let refuse = [
        ("id", correction.as_str()),
        ("outcome", "refused"),
        ("reason", ""),
    ];
    assert_eq!(
        status(&officer, "/api/decide_privacy_request", &refuse).await,
        422
    );
    let refuse = [
        ("id", correction.as_str()),
        ("outcome", "refused"),
        ("reason", "المبلغ موثّق بإيصال موقّع"),
    ];
    assert_eq!(
        status(&council, "/api/decide_privacy_request", &refuse).await,
        403
    );
    assert_eq!(
        status(&officer, "/api/decide_privacy_request", &refuse).await,
        200
    );
    assert_eq!(
        status(&officer, "/api/decide_privacy_request", &refuse).await,
        409
    );
    let mine = json(&noura, "/api/get_my_data", &[]).await;
    assert!(
        mine["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "refused" && r["outcome_reason"] == "المبلغ موثّق بإيصال موقّع")
    );
    let _ = deletion;
}

async fn an_approved_deletion_anonymises_the_household(app: TestApp) {
    let noura = app.signed_in(NOURA).await;
    a_benefit_from_al_nakhla(&app, &noura).await;
    let db = &app.state.db;
    // A shop and a published product.
    let (district,): (i64,) = sqlx::query_as("SELECT district_id FROM households")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let district = district.to_string();
    let shop = [
        ("name_ar", "حلويات نورة"),
        ("district_id", district.as_str()),
        ("pickup", "1"),
        ("bio", "حلويات بيتية"),
    ];
    assert_eq!(status(&noura, "/api/save_shop", &shop).await, 200);
    let product = [
        ("title_ar", "معمول بالتمر"),
        ("description_ar", "معمول طازج"),
        ("category", "sweets"),
        ("price", "25"),
        ("unit_ar", "علبة"),
        ("availability", "in_stock"),
    ];
    assert_eq!(status(&noura, "/api/save_product", &product).await, 200);
    let (product_id, shop_id): (i64, i64) = sqlx::query_as("SELECT id, shop_id FROM products")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    use app::marketplace::ProductStatus::{Draft, Published};
    app::marketplace::db::set_status(db, product_id, Draft, Published, None, None)
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/market/products/{product_id}"))
            .await
            .status(),
        200
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM product_search").await, 1);

    let delete = [
        ("kind", "deletion"),
        ("note", "انتقلنا إلى الرياض"),
        ("confirm", "yes"),
    ];
    assert_eq!(
        status(&noura, "/api/make_privacy_request", &delete).await,
        200
    );
    let officer = app
        .signed_in(&persona(RoleKind::DataProtectionOfficer))
        .await;
    let queue = json(&officer, "/api/get_privacy_queue", &[]).await;
    let id = queue["requests"][0]["request"]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let lines_before = app.count("SELECT COUNT(*) FROM application_lines").await;
    let approve = [("id", id.as_str()), ("outcome", "done"), ("reason", "")];
    assert_eq!(
        status(&officer, "/api/decide_privacy_request", &approve).await,
        200
    );

    // Anonymised: the rows counted in coverage and reports stay.
    assert_eq!(app.count("SELECT COUNT(*) FROM households").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM benefits").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM application_lines").await,
        lines_before
    );
    let (head, name, phone, erased): (String, String, Option<String>, Option<i64>) =
        sqlx::query_as("SELECT head_national_id, head_name_ar, phone, erased_at FROM households")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert!(head.starts_with("erased-") && name.is_empty() && phone.is_none());
    assert!(erased.is_some());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM household_members WHERE full_name <> ''")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM application_lines WHERE description <> ''")
            .await,
        0
    );
    // The requests stay (the proof of what was asked), without the family's words.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM privacy_requests WHERE note <> ''")
            .await,
        0
    );
    // Its shop and products are gone from the marketplace.
    assert_eq!(app.count("SELECT COUNT(*) FROM products").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM product_search").await, 0);
    assert_eq!(
        app.get(&format!("/market/products/{product_id}"))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get(&format!("/market/shops/{shop_id}")).await.status(),
        404
    );
    // Its sessions ended.
    assert_eq!(status(&noura, "/api/get_my_data", &[]).await, 401);
    assert_eq!(
        app::audit::count_actions(db, "household_anonymised")
            .await
            .unwrap(),
        1
    );

    // Its national ID registers afresh.
    let again = app.signed_in(NOURA).await;
    common::register_household(&again, common::jeddah_district(db, 0).await).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM households").await, 2);
    let fresh = json(&again, "/api/get_my_data", &[]).await;
    assert!(fresh["benefits"].as_array().unwrap().is_empty());
    assert!(fresh["reads"].as_array().unwrap().is_empty());
}

both_engines! {
    async fn the_family_side_and_the_officer(app: TestApp) {
        the_family_sees_and_acts_on_its_data(app).await;
    }
    async fn deletion(app: TestApp) {
        an_approved_deletion_anonymises_the_household(app).await;
    }
}
