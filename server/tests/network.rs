//! Going live (issue 15), through real HTTP on SQLite and PostgreSQL: the
//! council creates an association and appoints its admin (pending until the
//! first Nafath sign-in); the admin invites and revokes staff, and the access
//! history shows it; a suspended association's staff lose access, its
//! coverage stops routing and its open lines wait in the council's queue; a
//! person working for two associations acts for one at a time; the council
//! edits the assistance catalogue.

mod common;

use app::identity::{RoleKind, with_check_digit};
use common::{Browser, TestApp, location, persona};
use serde_json::Value;

const NOURA: &str = "1000000065";
const AMINA: &str = "2000000071";
const MONA_NAKHLA_STAFF: &str = "1000000032";
const REEM_BAHR_STAFF: &str = "1000000040";

async fn association_id(app: &TestApp, licence: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM associations WHERE licence_number = $1")
        .bind(licence)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id
}

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

async fn set_status(browser: &Browser, form: &[(&str, String)]) -> u16 {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    status(browser, "/api/set_association_status", &form).await
}

async fn the_council_onboards_an_association(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let noura = app.signed_in(NOURA).await;
    assert_eq!(status(&noura, "/api/get_associations", &[]).await, 403);

    let card = |licence: &'static str| {
        vec![
            ("licence_number", licence),
            ("name_ar", "جمعية الوفاء الخيرية"),
            ("name_en", "Al Wafa Charity"),
            ("city_id", ""),
            ("contact_name", "أمل"),
            ("phone", "012 657 0000"),
            ("email", "info@wafa.org.sa"),
        ]
    };
    assert_eq!(
        status(&council, "/api/save_association", &card("12/3")).await,
        422
    );
    assert_eq!(
        status(&noura, "/api/save_association", &card("4471")).await,
        403
    );
    let r = council
        .post_form("/api/save_association", &card("٤٤٧١"))
        .await;
    assert_eq!(r.status(), 302);
    let page = location(&r);
    assert!(page.starts_with("/council/associations/"), "{page}");
    let wafa = association_id(&app, "4471").await;
    assert_eq!(page, format!("/council/associations/{wafa}"));
    assert_eq!(
        status(&council, "/api/save_association", &card("4471")).await,
        409
    );

    // The admin is appointed by national ID: pending until they sign in.
    let admin_id = with_check_digit("112233445");
    let wafa_id = wafa.to_string();
    let appoint = [
        ("association_id", wafa_id.as_str()),
        ("national_id", admin_id.as_str()),
    ];
    assert_eq!(
        status(&noura, "/api/appoint_association_admin", &appoint).await,
        403
    );
    assert_eq!(
        status(&council, "/api/appoint_association_admin", &appoint).await,
        200
    );
    let page = json(&council, "/api/get_association_page", &[("id", &wafa_id)]).await;
    assert_eq!(page["admins"][0]["pending"], true, "{page}");
    let html = council.get(&format!("/council/associations/{wafa}")).await;
    assert_eq!(html.status(), 200);
    assert!(html.text().await.unwrap().contains("دعوة معلقة"));

    let admin = app.signed_in(&admin_id).await;
    let page = json(&council, "/api/get_association_page", &[("id", &wafa_id)]).await;
    assert_eq!(page["admins"][0]["pending"], false, "{page}");

    // The admin invites a staff member, who then works the queue…
    let staff_id = with_check_digit("112233446");
    let invite = [
        ("national_id", staff_id.as_str()),
        ("role", "association_staff"),
        ("association_id", wafa_id.as_str()),
    ];
    assert_eq!(status(&admin, "/api/grant_role", &invite).await, 200);
    let nakhla = association_id(&app, "DEMO-001").await.to_string();
    let elsewhere = [
        ("national_id", staff_id.as_str()),
        ("role", "association_staff"),
        ("association_id", nakhla.as_str()),
    ];
    assert_eq!(status(&admin, "/api/grant_role", &elsewhere).await, 403);
    let staff = app.signed_in(&staff_id).await;
    assert_eq!(status(&staff, "/api/get_queue", &[]).await, 200);
    let access = json(&admin, "/api/get_access", &[]).await;
    let people = access["people"].as_array().unwrap();
    let person = people
        .iter()
        .find(|p| {
            p["masked_national_id"]
                .as_str()
                .unwrap()
                .ends_with(&staff_id[8..])
        })
        .expect("the staff member is listed");
    assert!(person["last_sign_in_at"].is_i64());
    // …until the admin revokes the role: refused on the next request.
    let staff_user = person["user_id"].to_string();
    let revoke = [
        ("user_id", staff_user.as_str()),
        ("role", "association_staff"),
        ("association_id", wafa_id.as_str()),
    ];
    assert_eq!(status(&admin, "/api/revoke_role", &revoke).await, 200);
    assert_eq!(status(&staff, "/api/get_queue", &[]).await, 403);

    // The access history shows the association's changes, and only its own.
    let history = json(&admin, "/api/get_access_history", &[]).await;
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"role_granted") && actions.contains(&"role_revoked"),
        "{actions:?}"
    );
    assert!(
        history
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["association_name_en"] == "Al Wafa Charity"),
        "{history}"
    );
    assert_eq!(status(&noura, "/api/get_access_history", &[]).await, 403);
    let everything = json(&council, "/api/get_access_history", &[]).await;
    assert!(everything.as_array().unwrap().len() > history.as_array().unwrap().len());
    let signed_out = app.browser().get("/access/history").await;
    assert_eq!(location(&signed_out), "/sign-in");
}

async fn a_suspended_association_routes_nothing(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let mona = app.signed_in(MONA_NAKHLA_STAFF).await;
    let noura = app.signed_in(NOURA).await;
    let line = common::apply_for_training(&app, &noura).await;
    let nakhla = association_id(&app, "DEMO-001").await;
    let bahr = association_id(&app, "DEMO-002").await;
    let queue = json(&mona, "/api/get_queue", &[]).await;
    assert!(
        queue["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == line)
    );

    let nakhla_id = nakhla.to_string();
    let suspend = |reason: &'static str| {
        [
            ("association_id", nakhla_id.clone()),
            ("suspend", "true".into()),
            ("reason", reason.into()),
        ]
    };
    assert_eq!(set_status(&council, &suspend(" ")).await, 422);
    assert_eq!(set_status(&mona, &suspend("no")).await, 403);
    assert_eq!(
        set_status(&council, &suspend("الترخيص قيد التجديد")).await,
        200
    );

    // Its staff lose access on their next request.
    assert_eq!(status(&mona, "/api/get_queue", &[]).await, 403);
    // Its open line waits in the council's queue, marked, and the council
    // may refer it on (to an active association only).
    let queue = json(&council, "/api/get_queue", &[]).await;
    let waiting = queue["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == line)
        .expect("the suspended association's line is in the council's queue");
    assert_eq!(waiting["association_suspended"], true);
    let line_id = line.to_string();
    let refer = |to: i64| {
        vec![
            ("line_id", line_id.clone()),
            ("action", "refer".to_string()),
            ("note", "إلى جمعية أخرى مؤقتًا".to_string()),
            ("to_association_id", to.to_string()),
        ]
    };
    let act = |b: &Browser, f: Vec<(&'static str, String)>| {
        let b = b.clone();
        async move {
            let form: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.post_api("/api/act_on_line", &form)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(act(&council, refer(nakhla)).await, 422);
    // Its coverage stops routing: a new training line is unrouted.
    let amina = app.signed_in(AMINA).await;
    let second = common::apply_for_training(&app, &amina).await;
    let (routed,): (Option<i64>,) =
        sqlx::query_as("SELECT association_id FROM application_lines WHERE id = $1")
            .bind(second)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(routed, None);
    assert_eq!(act(&council, refer(bahr)).await, 200);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM application_lines WHERE id = {line} AND association_id = {bahr}"
        ))
        .await,
        1
    );

    // Reactivated: access and routing come back; nothing was deleted.
    let reactivate = [
        ("association_id", nakhla_id.clone()),
        ("suspend", "false".to_string()),
    ];
    assert_eq!(set_status(&council, &reactivate).await, 200);
    assert_eq!(status(&mona, "/api/get_queue", &[]).await, 200);
    let events = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action IN ('association_suspended', 'association_reactivated')")
        .await;
    assert_eq!(events, 2);
}

async fn staff_of_two_associations_act_for_one(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let nakhla = association_id(&app, "DEMO-001").await;
    let bahr = association_id(&app, "DEMO-002").await;
    let waha = association_id(&app, "DEMO-003").await;
    let nakhla_id = nakhla.to_string();
    let grant = [
        ("national_id", REEM_BAHR_STAFF),
        ("role", "association_staff"),
        ("association_id", nakhla_id.as_str()),
    ];
    assert_eq!(status(&council, "/api/grant_role", &grant).await, 200);
    let reem = app.signed_in(REEM_BAHR_STAFF).await;
    let me = json(&reem, "/api/get_current_user", &[]).await;
    assert_eq!(me["memberships"].as_array().unwrap().len(), 2);
    let acting = |me: &Value| -> Vec<i64> {
        me["roles"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["association_id"].as_i64())
            .collect()
    };
    assert_eq!(acting(&me), vec![bahr], "the first association joined");
    let home = reem.get("/").await.text().await.unwrap();
    assert!(home.contains("association-switch"));

    assert_eq!(
        status(&reem, "/api/act_for", &[("association_id", &nakhla_id)]).await,
        200
    );
    let me = json(&reem, "/api/get_current_user", &[]).await;
    assert_eq!(acting(&me), vec![nakhla]);
    let queue = json(&reem, "/api/get_queue", &[]).await;
    assert_eq!(queue["owner"]["association"]["id"], nakhla);
    let bahr_id = bahr.to_string();
    assert_eq!(
        status(&reem, "/api/get_queue", &[("association", &bahr_id)]).await,
        403
    );
    let waha_id = waha.to_string();
    assert_eq!(
        status(&reem, "/api/act_for", &[("association_id", &waha_id)]).await,
        403
    );
    // Someone with one association sees no switch.
    let mona = app.signed_in(MONA_NAKHLA_STAFF).await;
    assert!(
        !mona
            .get("/")
            .await
            .text()
            .await
            .unwrap()
            .contains("association-switch")
    );
}

async fn the_council_edits_the_catalogue(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let noura = app.signed_in(NOURA).await;
    common::register_household(&noura, common::jeddah_district(&app.state.db, 0).await).await;
    let new_type = |code: &'static str, cooldown: &'static str| {
        vec![
            ("code", code),
            ("name_ar", "تجهيز مطبخ منزلي"),
            ("name_en", "Home kitchen fit-out"),
            ("cooldown_days", cooldown),
            ("asks_amount", "1"),
            ("active", "1"),
        ]
    };
    assert_eq!(
        status(
            &noura,
            "/api/save_assistance_type",
            &new_type("kitchen", "90")
        )
        .await,
        403
    );
    assert_eq!(
        status(
            &council,
            "/api/save_assistance_type",
            &new_type("Kitchen", "90")
        )
        .await,
        422
    );
    assert_eq!(
        status(
            &council,
            "/api/save_assistance_type",
            &new_type("kitchen", "x")
        )
        .await,
        422
    );
    assert_eq!(
        status(
            &council,
            "/api/save_assistance_type",
            &new_type("kitchen", "٩٠")
        )
        .await,
        200
    );
    assert_eq!(
        status(
            &council,
            "/api/save_assistance_type",
            &new_type("kitchen", "90")
        )
        .await,
        409
    );

    let offered = |form: &Value| -> Option<Value> {
        form["choices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| &c["assistance_type"])
            .find(|t| t["code"] == "kitchen")
            .cloned()
    };
    let form = json(&noura, "/api/get_apply_form", &[]).await;
    let kitchen = offered(&form).expect("a new type is offered");
    assert_eq!(kitchen["asks_amount"], true);

    // Retired: no longer offered, still in the catalogue with its history.
    let id = kitchen["id"].to_string();
    let retire = [
        ("id", id.as_str()),
        ("name_ar", "تجهيز مطبخ منزلي"),
        ("name_en", "Home kitchen fit-out"),
        ("cooldown_days", "90"),
    ];
    assert_eq!(
        status(&council, "/api/save_assistance_type", &retire).await,
        200
    );
    assert!(offered(&json(&noura, "/api/get_apply_form", &[]).await).is_none());
    let catalogue = json(&council, "/api/get_catalogue", &[]).await;
    let entry = catalogue
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == "kitchen")
        .unwrap();
    assert_eq!(entry["active"], false);
    assert_eq!(entry["cooldown_days"], 90);
    assert_eq!(council.get("/council/catalogue").await.status(), 200);
    assert_eq!(noura.get("/council/catalogue").await.status(), 403);
}

/// A small PNG logo.
fn png_logo() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(400, 400, |x, y| {
        image::Rgb([(x % 256) as u8, 120, (y % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Posts the logo form as a browser without JavaScript does.
async fn upload_logo(browser: &Browser, association: i64, bytes: Vec<u8>) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name("logo.png");
    let form = reqwest::multipart::Form::new().part("logo", part);
    browser
        .client
        .post(browser.url(&format!("/council/associations/{association}/logo")))
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn the_council_uploads_a_logo(app: TestApp) {
    let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    let nakhla = association_id(&app, "DEMO-001").await;
    let page = format!("/council/associations/{nakhla}");

    // Only the council: staff are refused and nothing is stored.
    let r = upload_logo(&staff, nakhla, png_logo()).await;
    assert_eq!(location(&r), format!("{page}?error=forbidden"));
    let logo = |app: &TestApp| {
        let pool = app.state.db.pool.clone();
        async move {
            let (key, width): (Option<String>, Option<i64>) = sqlx::query_as(
                "SELECT logo_key, logo_width FROM associations WHERE licence_number = 'DEMO-001'",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            key.zip(width)
        }
    };
    assert_eq!(logo(&app).await, None);

    // Not an image: a translated error on the page, no logo.
    let r = upload_logo(&council, nakhla, b"not a picture".to_vec()).await;
    assert_eq!(location(&r), format!("{page}?error=photo_not_image"));
    assert_eq!(logo(&app).await, None);

    let r = upload_logo(&council, nakhla, png_logo()).await;
    assert_eq!(location(&r), page);
    let (key, width) = logo(&app).await.expect("a logo");
    assert_eq!(width, 400);
    // The page shows it and anyone may fetch it; a made-up name is not found.
    let html = council.get(&page).await.text().await.unwrap();
    assert!(html.contains(&format!("/logos/{key}-")), "{html}");
    let public = app.browser();
    let r = public.get(&format!("/logos/{key}-320.webp")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/webp");
    assert_eq!(
        public
            .get("/logos/aaaaaaaaaaaaaaaaaaaaaaaaaa-320.webp")
            .await
            .status(),
        404
    );
    // A product photo's route does not serve a logo as a product photo.
    assert_eq!(
        public
            .get(&format!("/photos/{key}-320.webp"))
            .await
            .status(),
        404
    );

    // Replacing it removes the old files.
    let r = upload_logo(&council, nakhla, png_logo()).await;
    assert_eq!(location(&r), page);
    let (new_key, _) = logo(&app).await.unwrap();
    assert_ne!(new_key, key);
    assert_eq!(
        public.get(&format!("/logos/{key}-320.webp")).await.status(),
        404
    );
    assert_eq!(
        public
            .get(&format!("/logos/{new_key}-320.webp"))
            .await
            .status(),
        200
    );
    assert_eq!(
        council
            .count("SELECT COUNT(*) FROM audit_events WHERE action = 'association_saved' AND detail = 'logo'")
            .await,
        2
    );
}

both_engines! {
    async fn association_logo(app: TestApp) {
        the_council_uploads_a_logo(app).await;
    }

    async fn onboarding_an_association(app: TestApp) {
        the_council_onboards_an_association(app).await;
    }
    async fn suspension(app: TestApp) {
        a_suspended_association_routes_nothing(app).await;
    }
    async fn acting_for_one_association(app: TestApp) {
        staff_of_two_associations_act_for_one(app).await;
    }
    async fn catalogue(app: TestApp) {
        the_council_edits_the_catalogue(app).await;
    }
}
