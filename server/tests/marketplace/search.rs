//! Arabic search through each engine's full-text index: filters, sorting
//! and pages, and a common word and a rare one both paging correctly at scale.

use super::*;

both_engines! {
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
}
