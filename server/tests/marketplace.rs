//! The marketplace on SQLite and PostgreSQL: a family opens a shop and lists
//! a product with a real photo; moderation rights; Arabic search through each
//! engine's full-text index; filters and pages; hidden products never reach
//! public pages or the sitemap; "order on WhatsApp" taps are counted per
//! product and day through the redirect, and only the owner sees them.

mod common;

use app::identity::RoleKind;
use app::marketplace::api::{MyShopView, SearchView};
use app::marketplace::db::{ProductInput, ShopInput};
use app::marketplace::{Availability, Category, ProductStatus, ProductTaps};
use common::{Browser, TestApp, persona};

const NOURA: &str = "1000000065";
const STAFF_NAKHLA: &str = "1000000032";
const STAFF_BAHR: &str = "1000000040";

/// A small real JPEG with an EXIF block that carries a GPS tag.
fn jpeg_with_gps() -> Vec<u8> {
    use image::ImageEncoder;
    let picture = image::RgbImage::from_fn(900, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 150])
    });
    // Little-endian TIFF: IFD0 with one entry, the GPS IFD pointer, then a
    // GPS IFD with the latitude reference "N".
    let mut exif: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00\x01\x00".to_vec();
    exif.extend_from_slice(&[
        0x25, 0x88, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x00,
    ]);
    exif.extend_from_slice(&[0, 0, 0, 0]);
    exif.extend_from_slice(&[
        0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, b'N', 0, 0, 0,
    ]);
    exif.extend_from_slice(&[0, 0, 0, 0]);
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
    encoder.set_exif_metadata(exif).unwrap();
    encoder
        .write_image(picture.as_raw(), 900, 600, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// Approves a shop's name and bio as a moderator would (the shops these
/// tests open straight in the database).
async fn approve_shop_text(app: &TestApp, shop_id: i64) {
    let event = app::audit::AuditEvent {
        action: app::audit::action::SHOP_TEXT_MODERATED,
        ..Default::default()
    };
    app::marketplace::db::decide_shop_text(&app.state.db, shop_id, true, None, event)
        .await
        .unwrap();
}

/// Uploads a file as the photo form does; `html` sends it as a browser without JavaScript.
async fn upload(
    browser: &Browser,
    product: i64,
    name: &str,
    bytes: Vec<u8>,
    html: bool,
) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let form = reqwest::multipart::Form::new().part("photo", part);
    let mut request = browser
        .client
        .post(browser.url(&format!("/my-shop/products/{product}/photos")))
        .multipart(form);
    if !html {
        request = request.header("accept", "application/json");
    }
    request.send().await.unwrap()
}

async fn search(browser: &Browser, params: &[(&str, &str)]) -> SearchView {
    let form: Vec<(String, &str)> = params
        .iter()
        .map(|(k, v)| (format!("params[{k}]"), *v))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let r = browser.post_api("/api/search_products", &form).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn product_id(app: &TestApp, title: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM products WHERE title_ar = $1")
        .bind(title)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    id
}

async fn status(app: &TestApp, id: i64) -> String {
    let (status,): (String,) = sqlx::query_as("SELECT status FROM products WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    status
}

const TITLE: &str = "معمول بالتمر";

/// A visitor without an account or cookies: one GET with these headers.
async fn visit(base: &str, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

both_engines! {
    async fn whatsapp_taps_are_counted_per_product_and_day_for_the_owner(app: TestApp) {
        let db = &app.state.db;
        let noura = app.signed_in(NOURA).await;
        let district = common::jeddah_district(db, 0).await.to_string();
        let shop = [("name_ar", "حلويات نورة"), ("district_id", district.as_str()), ("pickup", "1"), ("bio", "حلويات بيتية"),
                    ("whatsapp_opt_in", "1"), ("whatsapp", "0551234567")];
        assert_eq!(noura.post_api("/api/save_shop", &shop).await.status(), 200);
        let mine: MyShopView = noura.post_api("/api/get_my_shop", &[]).await.json().await.unwrap();
        let shop_id = mine.shop.unwrap().id;
        approve_shop_text(&app, shop_id).await;
        for title in [TITLE, "كليجا"] {
            let product = [("title_ar", title), ("description_ar", "طازج كل يوم"), ("category", "sweets"), ("price", "45"), ("unit_ar", "علبة"), ("availability", "in_stock")];
            assert_eq!(noura.post_api("/api/save_product", &product).await.status(), 200);
        }
        let (published, draft) = (product_id(&app, TITLE).await, product_id(&app, "كليجا").await);
        app::marketplace::db::submit_for_review(db, shop_id, published, None).await.unwrap();
        app::marketplace::db::set_status(db, published, ProductStatus::Pending, ProductStatus::Published, None, None).await.unwrap();

        // The public page's button goes through the route, never straight to wa.me.
        let html = app.get(&format!("/market/products/{published}")).await.text().await.unwrap();
        assert!(html.contains(&format!("href=\"/order/{published}\"")), "the button goes through the route");
        assert!(html.contains("rel=\"nofollow noopener\""));
        assert!(!html.contains("https://wa.me/"));
        assert!(!html.contains("id=\"taps-"), "visitors see no counts");

        // Two taps by a visitor without an account: counted, sent on, no cookie.
        let expected = app::marketplace::whatsapp_link(
            "966551234567",
            TITLE,
            &format!("{}/market/products/{published}", app.state.settings.public_url),
        );
        let visitor = app.browser();
        for _ in 0..2 {
            let r = visitor.get(&format!("/order/{published}")).await;
            assert_eq!(r.status(), 303);
            assert_eq!(r.headers()["location"].to_str().unwrap(), expected);
            assert!(r.headers().get("set-cookie").is_none(), "no cookie");
            assert_eq!(r.headers()["cache-control"], "no-store");
            assert_eq!(r.headers()["referrer-policy"], "strict-origin-when-cross-origin");
        }
        // A link checker's HEAD is answered alike but not counted.
        let head = visitor.client.head(visitor.url(&format!("/order/{published}"))).send().await.unwrap();
        assert_eq!(head.status(), 303);
        let today = app::marketplace::unix_day(app::database::now());
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as("SELECT product_id, day, taps FROM product_taps")
            .fetch_all(&db.pool).await.unwrap();
        assert_eq!(rows, [(published, today, 2)]);

        // A draft, an unknown product, a word: the not-found page, nothing counted.
        for path in [draft.to_string(), "999999".to_string(), "abc".to_string()] {
            let r = visitor.get(&format!("/order/{path}")).await;
            assert_eq!(r.status(), 404, "/order/{path}");
            assert!(r.headers().get("set-cookie").is_none());
            assert!(r.text().await.unwrap().contains("الصفحة غير موجودة"), "the translated not-found page");
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM product_taps").await, 1);
        // A hidden product stops counting too.
        app::marketplace::db::set_status(db, published, ProductStatus::Published, ProductStatus::Hidden, None, None).await.unwrap();
        assert_eq!(visitor.get(&format!("/order/{published}")).await.status(), 404);
        app::marketplace::db::set_status(db, published, ProductStatus::Hidden, ProductStatus::Published, None, None).await.unwrap();
        assert_eq!(app.count("SELECT taps FROM product_taps").await, 2);

        // The basket's "send": one message written by the server from its own
        // titles and prices, a tap counted per product; a draft or a word in
        // the list gets the not-found page.
        let shop_page = format!("{}/market/shops/{shop_id}", app.state.settings.public_url);
        let r = visitor.get(&format!("/basket/order?lang=ar&shop={shop_id}&items={published}:3")).await;
        assert_eq!(r.status(), 303);
        let message = app::marketplace::basket::order_message(false, &[(TITLE.to_string(), 3, 4_500)], &shop_page);
        assert!(message.contains("المجموع: 135 ر.س"), "{message}");
        assert_eq!(
            r.headers()["location"].to_str().unwrap(),
            format!("https://wa.me/966551234567?text={}", app::marketplace::url_encode(&message))
        );
        assert!(r.headers().get("set-cookie").is_none(), "no cookie");
        assert_eq!(app.count("SELECT taps FROM product_taps").await, 3);
        for items in [format!("{draft}:1"), format!("{published}:1,{draft}:1"), "abc".to_string(), format!("{published}:0")] {
            let r = visitor.get(&format!("/basket/order?shop={shop_id}&items={items}")).await;
            assert_eq!(r.status(), 404, "{items}");
        }
        assert_eq!(visitor.get(&format!("/basket/order?shop=999999&items={published}:1")).await.status(), 404);
        assert_eq!(app.count("SELECT taps FROM product_taps").await, 3);

        // The owner sees them: 30 days take in a tap 10 days old, 7 days do not.
        sqlx::query("INSERT INTO product_taps (product_id, day, taps) VALUES ($1, $2, 3), ($1, $3, 40)")
            .bind(published).bind(today - 10).bind(today - 30)
            .execute(&db.pool).await.unwrap();
        let mine: MyShopView = noura.post_api("/api/get_my_shop", &[]).await.json().await.unwrap();
        assert_eq!(mine.taps, [ProductTaps { product_id: published, last_7_days: 3, last_30_days: 6 }]);
        // (Without the renderer's `<!>` markers between text and values.)
        let page = noura.get("/my-shop").await.text().await.unwrap().replace("<!>", "");
        assert!(page.contains(&format!("id=\"taps-{published}\"")));
        assert!(page.contains("في آخر 30 يومًا: 6"), "the owner's page shows the 30 days");
        assert!(page.contains("في آخر 7 أيام: 3"));
        assert!(page.contains(&format!("id=\"taps-{draft}\"")), "untapped products show zero");
        let shop_page = app.get(&format!("/market/shops/{shop_id}")).await.text().await.unwrap();
        assert!(!shop_page.contains("id=\"taps-"));
        // Another family's shop page shows nothing of Noura's.
        let other = app.signed_in("2000000071").await;
        let theirs = other.post_api("/api/get_my_shop", &[]).await;
        if theirs.status() == 200 {
            let theirs: MyShopView = theirs.json().await.unwrap();
            assert!(theirs.taps.is_empty());
        }
    }

    async fn a_family_lists_a_product_that_is_moderated_found_and_hidden(app: TestApp) {
        let noura = app.signed_in(NOURA).await;
        let district = common::jeddah_district(&app.state.db, 0).await;
        common::register_household(&noura, district).await;
        let district = district.to_string();

        // Without a shop there is nothing to add products to.
        let r = noura.post_api("/api/get_product_editor", &[]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("shop_required"));

        // The shop form refuses what is missing, with reasons.
        let shop = |name: &'static str, pickup: bool| {
            let mut form = vec![("name_ar", name), ("district_id", "")];
            if pickup {
                form.push(("pickup", "1"));
            }
            form.extend([("whatsapp_opt_in", "1"), ("whatsapp", "٠٥٥١٢٣٤٥٦٧"), ("bio", "حلويات بيتية")]);
            form
        };
        let mut form = shop("", true);
        form[1].1 = &district;
        let r = noura.post_api("/api/save_shop", &form).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("shop_name_required"));
        let mut form = shop("حلويات نورة", false);
        form[1].1 = &district;
        let r = noura.post_api("/api/save_shop", &form).await;
        assert!(r.text().await.unwrap().contains("pickup_or_delivery"));
        let mut form = shop("حلويات نورة", true);
        form[1].1 = &district;
        assert_eq!(noura.post_api("/api/save_shop", &form).await.status(), 200);
        let mine: MyShopView = noura.post_api("/api/get_my_shop", &[]).await.json().await.unwrap();
        let shop = mine.shop.expect("shop opened");
        assert_eq!(shop.whatsapp.as_deref(), Some("966551234567"));
        let (linked,): (Option<i64>,) = sqlx::query_as("SELECT household_id FROM shops WHERE id = $1")
            .bind(shop.id).fetch_one(&app.state.db.pool).await.unwrap();
        assert!(linked.is_some(), "the shop belongs to the household");

        // A product: a bad price is refused and nothing is created.
        let product_form = |price: &'static str| vec![
            ("title_ar", TITLE), ("description_ar", "معمول طازج محشو بتمر المدينة"),
            ("category", "sweets"), ("price", price), ("unit_ar", "علبة"), ("availability", "in_stock"),
        ];
        let r = noura.post_api("/api/save_product", &product_form("0")).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("price_invalid"));
        assert_eq!(app.count("SELECT COUNT(*) FROM products").await, 0);
        // Without JavaScript the refused form comes back with what was typed,
        // for its author only.
        let r = noura.post_form_from("/my-shop/products/new", "/api/save_product", &product_form("مجاناً")).await;
        assert_eq!(r.status(), 303);
        let back = common::location(&r);
        assert!(back.starts_with("/my-shop/products/new?draft=") && back.ends_with("&error=price_invalid"), "{back}");
        let form = noura.get(&back).await.text().await.unwrap();
        assert!(form.contains("value=\"مجاناً\"") && form.contains("معمول طازج محشو بتمر المدينة"), "typed text kept");
        assert!(form.contains("value=\"sweets\" selected"));
        let stranger = app.signed_in("2000000071").await;
        let theirs = stranger.get(&back).await.text().await.unwrap();
        assert!(!theirs.contains("معمول طازج محشو بتمر المدينة"));
        assert_eq!(app.count("SELECT COUNT(*) FROM products").await, 0);
        assert_eq!(noura.post_api("/api/save_product", &product_form("٤٥")).await.status(), 200);
        let id = product_id(&app, TITLE).await;
        assert_eq!(status(&app, id).await, "draft");

        // Review needs a photo; bad files are refused and nothing is lost.
        let r = noura.post_api("/api/submit_product", &[("product_id", &id.to_string())]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("photo_required"));
        let r = upload(&noura, id, "photo.jpg", "ليست صورة".as_bytes().to_vec(), false).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("photo_not_image"));
        let photo = jpeg_with_gps();
        let r = upload(&noura, id, "cut.jpg", photo[..photo.len() / 3].to_vec(), false).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("photo_corrupt"));
        let r = upload(&noura, id, "maamoul.jpg", photo.clone(), true).await;
        assert_eq!(r.status(), 303, "a form post goes back to the editor");
        assert_eq!(common::location(&r), format!("/my-shop/products/{id}"));
        let r = upload(&noura, id, "bad.jpg", b"GIF89a".to_vec(), true).await;
        assert_eq!(common::location(&r), format!("/my-shop/products/{id}?error=photo_not_image"));
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM product_photos WHERE product_id = {id}")).await, 1);
        assert_eq!(status(&app, id).await, "draft");
        // The stored photo is WebP with no trace of the GPS block.
        let (key, width): (String, i64) = sqlx::query_as("SELECT file_key, width FROM product_photos WHERE product_id = $1")
            .bind(id).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(width, 900);
        // A draft's photo is the family's own: not for visitors or strangers,
        // and never kept by a shared cache.
        let photo_url = format!("/photos/{key}-640.webp");
        assert_eq!(app.get(&photo_url).await.status(), 404);
        assert_eq!(stranger.get(&photo_url).await.status(), 404);
        let file = noura.get(&photo_url).await;
        assert_eq!(file.status(), 200);
        assert_eq!(file.headers()["cache-control"], "private, no-store");
        assert_eq!(file.headers()["content-type"], "image/webp");
        let bytes = file.bytes().await.unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"));
        assert_eq!(app.get("/photos/..%2F..%2Fetc%2Fpasswd").await.status(), 404);
        // A photo stored before a width existed gets it on its first request,
        // made from a larger file and kept.
        let app::marketplace::photos::PhotoStore::Directory(dir) = &app.state.photos else { unreachable!() };
        let missing = dir.join(format!("{key}-480.webp"));
        std::fs::remove_file(&missing).unwrap();
        let file = noura.get(&format!("/photos/{key}-480.webp")).await;
        assert_eq!(file.status(), 200);
        let made = image::load_from_memory(&file.bytes().await.unwrap()).unwrap();
        assert_eq!(made.width(), 480);
        assert!(missing.exists());
        for wrong in ["1280", "500"] {
            assert_eq!(noura.get(&format!("/photos/{key}-{wrong}.webp")).await.status(), 404, "{wrong}");
        }
        assert_eq!(noura.get("/photos/0123456789abcdef0123456789abcdef-480.webp").await.status(), 404);
        // Someone else cannot add photos to this product.
        let r = upload(&stranger, id, "x.jpg", photo.clone(), false).await;
        assert_eq!(r.status(), 403);

        assert_eq!(noura.post_api("/api/submit_product", &[("product_id", &id.to_string())]).await.status(), 200);
        assert_eq!(status(&app, id).await, "pending");
        assert_eq!(app.get(&format!("/market/products/{id}")).await.status(), 404);
        assert!(search(&app, &[("q", "معمول")]).await.cards.is_empty(), "pending is not public");

        // Moderation: not the family, not an association unlinked to the household.
        let decide = |decision: &'static str, reason: &'static str| {
            vec![("product_id", id.to_string()), ("decision", decision.to_string()), ("reason", reason.to_string())]
        };
        let as_form = |f: &Vec<(&'static str, String)>| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
        let approve = as_form(&decide("approve", ""));
        let approve: Vec<(&str, &str)> = approve.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(noura.post_api("/api/moderate_product", &approve).await.status(), 403);
        let nakhla = app.signed_in(STAFF_NAKHLA).await;
        let bahr = app.signed_in(STAFF_BAHR).await;
        assert_eq!(nakhla.post_api("/api/moderate_product", &approve).await.status(), 403);
        let queue: app::marketplace::api::ModerationView = nakhla.post_api("/api/get_moderation_queue", &[]).await.json().await.unwrap();
        assert!(queue.items.is_empty());
        // The council's queue holds households no association serves yet.
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let queue: app::marketplace::api::ModerationView = council.post_api("/api/get_moderation_queue", &[]).await.json().await.unwrap();
        assert_eq!(queue.items.len(), 1);
        assert_eq!((queue.total, queue.page, queue.pages), (1, 1, 1));
        // A page past the end is the last page.
        let queue: app::marketplace::api::ModerationView = council.post_api("/api/get_moderation_queue", &[("page", "9")]).await.json().await.unwrap();
        assert_eq!((queue.items.len(), queue.page), (1, 1));
        // Once the household applies (routed to Al Nakhla), Al Nakhla moderates it.
        let (training,): (i64,) = sqlx::query_as("SELECT id FROM assistance_types WHERE code = 'training'")
            .fetch_one(&app.state.db.pool).await.unwrap();
        let key: app::applications::api::ApplyForm = noura.post_api("/api/get_apply_form", &[]).await.json().await.unwrap();
        let r = noura.post_api("/api/submit_application", &[
            ("submission_key", key.submission_key.as_str()),
            ("lines[0][assistance_type_id]", &training.to_string()),
            ("lines[0][chosen]", "1"),
            ("lines[0][description]", "أحتاج دورة في تغليف الحلويات"),
            ("lines[0][amount]", ""),
        ]).await;
        assert_eq!(r.status(), 200);
        let queue: app::marketplace::api::ModerationView = nakhla.post_api("/api/get_moderation_queue", &[]).await.json().await.unwrap();
        assert_eq!(queue.items.len(), 1);
        assert_eq!(bahr.post_api("/api/moderate_product", &approve).await.status(), 403);
        let reject = as_form(&decide("reject", ""));
        let reject: Vec<(&str, &str)> = reject.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = nakhla.post_api("/api/moderate_product", &reject).await;
        assert_eq!(r.status(), 422, "a rejection needs a reason");
        assert_eq!(nakhla.post_api("/api/moderate_product", &approve).await.status(), 200);
        assert_eq!(nakhla.post_api("/api/moderate_product", &approve).await.status(), 409, "decided once");
        assert_eq!(status(&app, id).await, "published");
        // Published, the photo is public: kept an hour, then revalidated by its name.
        let file = app.get(&photo_url).await;
        assert_eq!(file.status(), 200);
        assert_eq!(file.headers()["cache-control"], "public, max-age=3600");
        let etag = file.headers()["etag"].to_str().unwrap().to_string();
        let again = visit(&app.base, &photo_url, &[("if-none-match", &etag)]).await;
        assert_eq!(again.status(), 304);

        // The shop's name and bio are reviewed text too: until a moderator
        // approves them the public sees "a productive family", never them.
        let page = app.get(&format!("/market/products/{id}")).await.text().await.unwrap();
        assert!(!page.contains("حلويات نورة") && page.contains("أسرة منتجة"));
        assert!(search(&app, &[("q", "حلويات نورة")]).await.cards.iter().all(|c| c.shop_name_ar.is_empty()));
        let queue: app::marketplace::api::ModerationView = nakhla.post_api("/api/get_moderation_queue", &[]).await.json().await.unwrap();
        assert_eq!(queue.shops.len(), 1);
        assert_eq!(queue.shops[0].proposed.name_ar, "حلويات نورة");
        assert!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'personal_data_listed' AND subject_id = 'moderation_queue'").await >= 1,
            "reading the moderation queue is audited");
        let shop_id = shop.id.to_string();
        let shop_text = |decision: &'static str, reason: &'static str| {
            [("shop_id", shop_id.clone()), ("decision", decision.to_string()), ("reason", reason.to_string())]
        };
        let decide_text = |moderator: &Browser, decision: &'static str, reason: &'static str| {
            let form = shop_text(decision, reason);
            let moderator = moderator.clone();
            async move {
                let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                moderator.post_api("/api/moderate_shop", &form).await.status()
            }
        };
        assert_eq!(decide_text(&bahr, "approve", "").await, 403);
        assert_eq!(decide_text(&noura, "approve", "").await, 403);
        assert_eq!(decide_text(&nakhla, "reject", "").await, 422, "a refusal needs a reason");
        assert_eq!(decide_text(&nakhla, "approve", "").await, 200);
        assert_eq!(decide_text(&nakhla, "approve", "").await, 409, "decided once");
        assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'shop_text_moderated'").await, 1);
        let page = app.get(&format!("/market/products/{id}")).await.text().await.unwrap();
        assert!(page.contains("حلويات نورة"));
        // A new name waits again; the approved one stays public meanwhile,
        // and a refused one stays the family's with the reason.
        let shop_form = |name: &'static str| {
            vec![("name_ar", name), ("district_id", district.as_str()), ("pickup", "1"), ("bio", "حلويات بيتية"),
                 ("whatsapp_opt_in", "1"), ("whatsapp", "٠٥٥١٢٣٤٥٦٧")]
        };
        let renamed = "حلويات نورة — اتصلوا على الخاص";
        assert_eq!(noura.post_api("/api/save_shop", &shop_form(renamed)).await.status(), 200);
        let page = app.get(&format!("/market/products/{id}")).await.text().await.unwrap();
        assert!(page.contains("حلويات نورة") && !page.contains("اتصلوا على الخاص"));
        let reason = "لا أرقام أو دعوات للتواصل الخاص في الاسم";
        assert_eq!(decide_text(&nakhla, "reject", reason).await, 200);
        let mine: MyShopView = noura.post_api("/api/get_my_shop", &[]).await.json().await.unwrap();
        let review = mine.text_review.expect("the refused text stays with the family");
        assert_eq!(review.text.name_ar, renamed);
        assert_eq!(review.rejection_reason.as_deref(), Some(reason));
        assert_eq!(mine.shop.unwrap().name_ar, "حلويات نورة");
        let my_page = noura.get("/my-shop").await.text().await.unwrap();
        assert!(my_page.contains(reason) && my_page.contains(renamed));
        // Saving the approved name again withdraws the refused one.
        assert_eq!(noura.post_api("/api/save_shop", &shop_form("حلويات نورة")).await.status(), 200);
        let mine: MyShopView = noura.post_api("/api/get_my_shop", &[]).await.json().await.unwrap();
        assert!(mine.text_review.is_none());

        let id_text = id.to_string();
        // Public: the page, Open Graph, canonical, WhatsApp with number and text.
        let page = app.get(&format!("/market/products/{id}")).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains(TITLE));
        assert!(html.contains("property=\"og:title\""));
        assert!(html.contains("rel=\"canonical\""));
        assert!(html.contains(&format!("href=\"{}/market/products/{id}\"", app.base)));
        assert!(html.contains(&format!("href=\"/order/{id}\"")), "WhatsApp through the counted redirect");
        let order = app.browser().get(&format!("/order/{id}")).await;
        let wa = order.headers()["location"].to_str().unwrap().to_string();
        assert!(wa.starts_with("https://wa.me/966551234567?text="));
        assert!(wa.contains(&app::marketplace::url_encode("«معمول بالتمر»")));
        assert!(html.contains("srcset=\"/photos/"));
        assert!(!html.contains("value=\"hide\""), "visitors get no moderation form");
        let as_moderator = nakhla.get(&format!("/market/products/{id}")).await.text().await.unwrap();
        assert!(as_moderator.contains("value=\"hide\""));
        // The council features it on the home page; nobody else may.
        let feature = [("product_id", id_text.as_str()), ("featured", "true")];
        assert_eq!(nakhla.post_api("/api/feature_product", &feature).await.status(), 403);
        assert_eq!(council.post_api("/api/feature_product", &feature).await.status(), 200);
        let home: app::marketplace::api::MarketHome = app.post_api("/api/get_market_home", &[]).await.json().await.unwrap();
        assert_eq!(home.featured.iter().map(|c| c.id).collect::<Vec<_>>(), vec![id]);
        for query in ["معمول", "المعمول", "مَعْمُول", "حلويات نورة", "حلويات"] {
            let found = search(&app, &[("q", query)]).await;
            assert_eq!(found.cards.len(), 1, "{query}");
            assert_eq!(found.cards[0].id, id);
        }
        assert!(search(&app, &[("q", "عطر")]).await.cards.is_empty());
        let html = app.get(&format!("/market/search?q={}", app::marketplace::url_encode("المعمول"))).await.text().await.unwrap();
        assert!(html.contains(&format!("href=\"/market/products/{id}\"")));
        let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
        assert!(sitemap.contains(&format!("/market/products/{id}</loc>")));
        assert!(sitemap.contains(&format!("/market/shops/{}</loc>", shop.id)));
        let robots = app.get("/robots.txt").await.text().await.unwrap();
        assert!(robots.contains("Sitemap: ") && robots.contains("Disallow: /my-shop"));

        // Editing the price keeps it public; editing the title sends it back to review.
        let mut edit = product_form("50");
        edit.push(("product_id", &id_text));
        assert_eq!(noura.post_api("/api/save_product", &edit).await.status(), 200);
        assert_eq!(status(&app, id).await, "published");
        edit[0].1 = "معمول بالتمر المديني";
        assert_eq!(noura.post_api("/api/save_product", &edit).await.status(), 200);
        assert_eq!(status(&app, id).await, "pending");
        assert!(search(&app, &[("q", "معمول")]).await.cards.is_empty());
        assert_eq!(council.post_api("/api/moderate_product", &approve).await.status(), 200, "the council may moderate any");

        // Hidden by a moderator: gone from every public page and the sitemap.
        let hide = as_form(&decide("hide", "صورة غير واضحة"));
        let hide: Vec<(&str, &str)> = hide.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(nakhla.post_api("/api/moderate_product", &hide).await.status(), 200);
        assert_eq!(status(&app, id).await, ProductStatus::Hidden.as_str());
        assert_eq!(app.get(&format!("/market/products/{id}")).await.status(), 404);
        assert_eq!(app.get(&format!("/market/shops/{}", shop.id)).await.status(), 404);
        // Its photos too, even to a browser that kept them; the family and
        // the moderators still see them.
        assert_eq!(app.get(&photo_url).await.status(), 404);
        assert_eq!(visit(&app.base, &photo_url, &[("if-none-match", &etag)]).await.status(), 404);
        assert_eq!(noura.get(&photo_url).await.status(), 200);
        assert_eq!(nakhla.get(&photo_url).await.status(), 200);
        assert_eq!(bahr.get(&photo_url).await.status(), 404);
        assert!(search(&app, &[("q", "معمول")]).await.cards.is_empty());
        let sitemap = app.get("/sitemap.xml").await.text().await.unwrap();
        assert!(!sitemap.contains("/market/products/"));
        let mine: MyShopView = noura.post_api("/api/get_my_shop", &[]).await.json().await.unwrap();
        assert_eq!(mine.products[0].moderation_reason.as_deref(), Some("صورة غير واضحة"));
    }

    async fn search_filters_sorts_and_pages(app: TestApp) {
        let db = &app.state.db;
        let mut shops = Vec::new();
        let mut owners = Vec::new();
        for (n, delivery) in [(0i64, true), (1, false)] {
            let id = app::identity::NationalId::parse(&app::identity::with_check_digit(&format!("10888888{n}"))).unwrap();
            let (user, _) = app::identity::db::grant_role(db, &id, RoleKind::FamilyMember, None, None, None).await.unwrap();
            let district = common::jeddah_district(db, n).await;
            let shop = app::marketplace::db::save_shop(db, user, None, &ShopInput {
                name_ar: format!("متجر رقم {n}"), name_en: None, bio: String::new(), district_id: district,
                pickup: !delivery, delivery, delivery_areas: String::new(), delivery_fee_halalas: None,
                whatsapp: None, public_phone: None, working_hours: String::new(),
            }, None).await.unwrap();
            approve_shop_text(&app, shop).await;
            shops.push((shop, district));
            owners.push(user);
        }
        // 30 products: riyal prices 1..=30, alternating shops and categories.
        for i in 1..=30i64 {
            let (shop, _) = shops[(i % 2) as usize];
            let (title, category) = if i % 2 == 0 { ("كعك بالسمسم", Category::BakedGoods) } else { ("بخور العود", Category::PerfumeIncense) };
            let id = app::marketplace::db::save_product(db, shop, None, &ProductInput {
                title_ar: format!("{title} {i}"), title_en: None, description_ar: "وصف المنتج للتجربة".into(),
                description_en: None, category, price_halalas: i * 100, unit_ar: String::new(),
                availability: if i <= 5 { Availability::Paused } else { Availability::InStock }, lead_time_days: None,
            }).await.unwrap();
            app::marketplace::db::submit_for_review(db, shop, id, None).await.unwrap();
            app::marketplace::db::set_status(db, id, ProductStatus::Pending, ProductStatus::Published, None, None).await.unwrap();
        }
        let all = search(&app, &[]).await;
        assert_eq!((all.cards.len(), all.has_next, all.total), (24, true, 30));
        let page2 = search(&app, &[("page", "2")]).await;
        assert_eq!((page2.cards.len(), page2.has_next), (6, false));
        let mut seen: Vec<i64> = all.cards.iter().chain(page2.cards.iter()).map(|c| c.id).collect();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 30, "pages neither repeat nor skip");

        let cheap = search(&app, &[("sort", "price_low"), ("max", "٣")]).await;
        assert_eq!(cheap.cards.iter().map(|c| c.price_halalas).collect::<Vec<_>>(), vec![100, 200, 300]);
        let dear = search(&app, &[("sort", "price_high"), ("min", "28")]).await;
        assert_eq!(dear.cards.iter().map(|c| c.price_halalas).collect::<Vec<_>>(), vec![3000, 2900, 2800]);
        let baked = search(&app, &[("category", "baked_goods")]).await;
        assert_eq!(baked.total, 15);
        assert!(baked.cards.iter().all(|c| c.category == Category::BakedGoods));
        let by_word = search(&app, &[("q", "الكعك")]).await;
        assert_eq!(by_word.total, 15);
        let by_category_name = search(&app, &[("q", "مخبوزات")]).await;
        assert_eq!(by_category_name.total, 15, "the category's name is searchable");
        let both = search(&app, &[("q", "بخور"), ("available", "1")]).await;
        assert_eq!(both.total, 12, "odd prices 7..=29 are in stock");
        let delivering = search(&app, &[("delivery", "1")]).await;
        assert_eq!(delivering.total, 15);
        let district = shops[1].1.to_string();
        let in_district = search(&app, &[("district", &district)]).await;
        assert_eq!(in_district.total, 15);
        assert_eq!(search(&app, &[("q", "بخور"), ("district", &district)]).await.total, 15);
        let (city,): (i64,) = sqlx::query_as("SELECT city_id FROM districts WHERE id = $1")
            .bind(shops[1].1).fetch_one(&db.pool).await.unwrap();
        let city = city.to_string();
        assert_eq!(search(&app, &[("city", &city), ("pickup", "1")]).await.total, 15);
        // Products are where their shop is: a shop that moves to the other
        // district and starts delivering takes its products along.
        app::marketplace::db::save_shop(db, owners[1], None, &ShopInput {
            name_ar: "متجر رقم 1".into(), name_en: None, bio: String::new(), district_id: shops[0].1,
            pickup: false, delivery: true, delivery_areas: String::new(), delivery_fee_halalas: None,
            whatsapp: None, public_phone: None, working_hours: String::new(),
        }, None).await.unwrap();
        assert_eq!(search(&app, &[("district", &district)]).await.total, 0);
        assert_eq!(search(&app, &[("district", &shops[0].1.to_string())]).await.total, 30);
        assert_eq!(search(&app, &[("delivery", "1")]).await.total, 30);
        assert_eq!(search(&app, &[("city", &city), ("pickup", "1")]).await.total, 0);
        // Wrong parameters are ignored, never an error.
        let odd = search(&app, &[("page", "abc"), ("sort", "sideways"), ("category", "cars"), ("min", "x")]).await;
        assert_eq!(odd.total, 30);
        // The same search as a plain GET URL (no JavaScript) with stable page links.
        let html = app.get("/market/search?category=baked_goods&sort=price_low").await.text().await.unwrap();
        assert!(html.contains("كعك بالسمسم 2"));
        assert!(!html.contains("بخور العود"));
        let html = app.get("/market/search?page=2").await.text().await.unwrap();
        assert!(html.contains("rel=\"prev\" href=\"/market/search\""));
        let home = app.get("/market").await;
        assert_eq!(home.status(), 200);
        // The stylesheet is in the page (a phone paints without a second
        // request), unescaped, and the policy allows exactly it by its hash.
        use base64::Engine as _;
        use sha2::Digest as _;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(common::TEST_STYLESHEET));
        let policy = home.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(policy.contains(&format!("style-src 'self' 'sha256-{hash}';")), "{policy}");
        let html = home.text().await.unwrap();
        assert!(html.contains(&format!("<style>{}</style>", common::TEST_STYLESHEET)));
        assert!(!html.contains("rel=\"stylesheet\""));
        assert!(html.contains("<meta name=\"description\""));
        assert_eq!(html.matches("<meta name=\"description\"").count(), 1);
    }

    async fn a_common_word_and_a_rare_one_both_page_correctly_at_scale(app: TestApp) {
        let generated = app::demo::generate_market(&app.state.db, &app.state.photos, 1_200).await.unwrap();
        assert_eq!((generated.shops, generated.products), (120, 1_200));
        // Every generated description says «صناعة بيتية طازجة»: more matches than
        // the count goes, so the products are walked in order.
        let common = search(&app, &[("q", "طازجة")]).await;
        assert_eq!((common.total, common.cards.len(), common.has_next), (1_001, 24, true));
        let newest: Vec<i64> = common.cards.iter().map(|c| c.id).collect();
        let mut sorted = newest.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(newest, sorted, "newest first");
        let page2 = search(&app, &[("q", "طازجة"), ("page", "2")]).await;
        assert!(page2.cards.iter().all(|c| !newest.contains(&c.id)));
        // A rare word: its few matches drive the query and are sorted.
        let rare = search(&app, &[("q", "معمول طازجة"), ("sort", "price_low")]).await;
        assert!(rare.total > 0 && rare.total < 1_000, "{}", rare.total);
        assert!(rare.cards.iter().all(|c| c.title_ar.starts_with("معمول")));
        let prices: Vec<i64> = rare.cards.iter().map(|c| c.price_halalas).collect();
        assert!(prices.windows(2).all(|w| w[0] <= w[1]));
        // Generated products carry their shop's place: each filter finds what
        // the shops say.
        let (district, in_district): (i64, i64) = sqlx::query_as(
            "SELECT s.district_id, CAST(COUNT(*) AS BIGINT) FROM products p JOIN shops s ON s.id = p.shop_id \
             GROUP BY s.district_id ORDER BY COUNT(*) DESC, s.district_id LIMIT 1",
        ).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(search(&app, &[("district", &district.to_string())]).await.total, in_district);
        let (delivering,): (i64,) = sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM products p JOIN shops s ON s.id = p.shop_id WHERE s.delivery = 1",
        ).fetch_one(&app.state.db.pool).await.unwrap();
        assert_eq!(search(&app, &[("delivery", "1")]).await.total, delivering.min(1_001));
        // The photos are real files under each product's own name.
        let card = &common.cards[0];
        let photo = card.cover.as_ref().unwrap();
        let file = app.get(&app::marketplace::photo_url(&photo.key, photo.width, 320)).await;
        assert_eq!(file.status(), 200);
    }

    async fn public_pages_are_kept_in_memory_until_the_market_changes(app: TestApp) {
        let db = &app.state.db;
        let national_id = app::identity::NationalId::parse(&app::identity::with_check_digit("108888890")).unwrap();
        let (user, _) = app::identity::db::grant_role(db, &national_id, RoleKind::FamilyMember, None, None, None).await.unwrap();
        let shop = app::marketplace::db::save_shop(db, user, None, &ShopInput {
            name_ar: "بخور أم سعد".into(), name_en: None, bio: String::new(),
            district_id: common::jeddah_district(db, 0).await, pickup: true, delivery: false,
            delivery_areas: String::new(), delivery_fee_halalas: None, whatsapp: None, public_phone: None, working_hours: String::new(),
        }, None).await.unwrap();
        let id = app::marketplace::db::save_product(db, shop, None, &ProductInput {
            title_ar: "بخور معطر".into(), title_en: Some("Scented incense".into()),
            description_ar: "بخور بيتي".into(), description_en: None, category: Category::PerfumeIncense,
            price_halalas: 2_500, unit_ar: String::new(), availability: Availability::InStock, lead_time_days: None,
        }).await.unwrap();
        app::marketplace::db::submit_for_review(db, shop, id, None).await.unwrap();
        app::marketplace::db::set_status(db, id, ProductStatus::Pending, ProductStatus::Published, None, None).await.unwrap();

        // A second instance over the same database that looks for changes every 100 ms.
        let second_db = app::database::Db::connect(&app.database.url, 4).await.unwrap();
        let nafath: std::sync::Arc<dyn app::identity::nafath::NafathProvider> =
            std::sync::Arc::new(app::identity::nafath::SimulatedNafath::new(second_db.clone()));
        let settings = app::state::Settings { page_cache_check_ms: 100, ..app::state::Settings::development() };
        let second = common::start_sharing(second_db, nafath, settings).await;
        let get = visit;
        let page = format!("/market/products/{id}");
        let outcome = |r: &reqwest::Response| r.headers().get("x-page-cache").map(|v| v.to_str().unwrap().to_string());

        // Rendered once, then served from memory, in each language, compressed once.
        let first = get(&second.base, &page, &[]).await;
        assert_eq!((first.status().as_u16(), outcome(&first).as_deref()), (200, Some("miss")));
        let first = first.text().await.unwrap();
        assert!(first.contains("بخور معطر") && first.contains("lang=\"ar\""));
        let again = get(&second.base, &page, &[]).await;
        assert_eq!(outcome(&again).as_deref(), Some("hit"));
        assert!(again.headers()["content-security-policy"].to_str().unwrap().contains("script-src 'self'"));
        assert!(!again.headers()["content-security-policy"].to_str().unwrap().contains("nonce-"));
        assert_eq!(again.text().await.unwrap(), first);
        let english = get(&second.base, &page, &[("accept-language", "en-US,en;q=0.9")]).await;
        assert_eq!(outcome(&english).as_deref(), Some("miss"), "another language, another page");
        assert!(english.text().await.unwrap().contains("Scented incense"));
        let chosen = get(&second.base, &page, &[("cookie", "i18n_pref_locale=en")]).await;
        assert_eq!(outcome(&chosen).as_deref(), Some("hit"));
        assert!(chosen.text().await.unwrap().contains("lang=\"en\""));
        // A visitor who chose a language is the first to ask for a page: it is
        // kept (no cookie set again) and sent compressed.
        let shop_page = format!("/market/shops/{shop}");
        let chooser = get(&second.base, &shop_page, &[("cookie", "i18n_pref_locale=en"), ("accept-encoding", "br")]).await;
        assert_eq!(outcome(&chooser).as_deref(), Some("miss"));
        assert!(chooser.headers().get("set-cookie").is_none());
        assert_eq!(chooser.headers()["content-encoding"], "br");
        let browser_english = get(&second.base, &shop_page, &[("accept-language", "en")]).await;
        assert_eq!(outcome(&browser_english).as_deref(), Some("hit"));
        let compressed = get(&second.base, &page, &[("accept-encoding", "br")]).await;
        assert_eq!(compressed.headers()["content-encoding"], "br");
        let bytes = compressed.bytes().await.unwrap();
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &bytes[..], &mut decoded).unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), first);

        // A signed-in person always gets their own page (their name, their links).
        let council = app.signed_in(&persona(RoleKind::CouncilAdmin)).await;
        let own = council.get(&page).await;
        assert_eq!(own.status(), 200);
        assert!(outcome(&own).is_none());
        assert!(own.text().await.unwrap().contains("value=\"hide\""), "the moderator's form");

        // Hidden through the first instance: gone there at once...
        assert_eq!(outcome(&get(&app.base, &page, &[]).await).as_deref(), Some("miss"));
        assert_eq!(outcome(&get(&app.base, &page, &[]).await).as_deref(), Some("hit"));
        let hide = [("product_id", id.to_string()), ("decision", "hide".into()), ("reason", "صورة غير واضحة".into())];
        let hide: Vec<(&str, &str)> = hide.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(council.post_api("/api/moderate_product", &hide).await.status(), 200);
        assert_eq!(get(&app.base, &page, &[]).await.status(), 404);
        // ...and from the second within its check interval.
        let mut gone_after = None;
        for attempt in 0..40 {
            if get(&second.base, &page, &[]).await.status() == 404 {
                gone_after = Some(attempt);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert!(gone_after.is_some(), "the second instance still shows a hidden product");
        let sitemap = get(&second.base, "/sitemap.xml", &[]).await.text().await.unwrap();
        assert!(!sitemap.contains(&page));

        // A change made outside any server (the CLI, another tool) is seen too.
        app::marketplace::db::set_status(db, id, ProductStatus::Hidden, ProductStatus::Published, None, None).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        assert_eq!(get(&second.base, &page, &[]).await.status(), 200);
    }
}

/// Photo uploads are counted per person before anything is read or decoded.
async fn photo_uploads_are_counted_per_person(engine: app::database::Engine) {
    let settings = app::state::Settings {
        photo_uploads_per_day: 2,
        ..app::state::Settings::development()
    };
    let Some(app) = common::spawn_app_with(engine, settings).await else {
        return;
    };
    let noura = app.signed_in(NOURA).await;
    let district = common::jeddah_district(&app.state.db, 0).await.to_string();
    let shop = [
        ("name_ar", "حلويات نورة"),
        ("district_id", district.as_str()),
        ("pickup", "1"),
    ];
    assert_eq!(noura.post_api("/api/save_shop", &shop).await.status(), 200);
    let product = [
        ("title_ar", TITLE),
        ("description_ar", "معمول طازج"),
        ("category", "sweets"),
        ("price", "45"),
        ("unit_ar", "علبة"),
        ("availability", "in_stock"),
    ];
    assert_eq!(
        noura.post_api("/api/save_product", &product).await.status(),
        200
    );
    let id = product_id(&app, TITLE).await;
    let photo = jpeg_with_gps();
    for _ in 0..2 {
        assert_eq!(
            upload(&noura, id, "p.jpg", photo.clone(), false)
                .await
                .status(),
            204
        );
    }
    let r = upload(&noura, id, "p.jpg", photo.clone(), false).await;
    assert_eq!(r.status(), 429);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM product_photos WHERE product_id = {id}"
        ))
        .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_uploads_are_counted_per_person_sqlite() {
    photo_uploads_are_counted_per_person(app::database::Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_uploads_are_counted_per_person_postgres() {
    photo_uploads_are_counted_per_person(app::database::Engine::Postgres).await;
}
