//! "Order on WhatsApp" taps counted per product and day through the redirect
//! (only the owner sees them), and public pages kept in memory until the
//! market changes.

use super::*;

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
