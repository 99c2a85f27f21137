//! A family opens a shop and lists a product with a real photo: moderation
//! rights, the product found by search, hidden products kept off the public
//! pages and the sitemap; photo uploads counted per person.

use super::*;

both_engines! {
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
