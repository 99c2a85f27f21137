//! The demo's marketplace: four fictional families' shops, their products
//! published with generated photos.

use super::SeedError;
use super::db as demo_db;
use crate::audit::AuditEvent;
use crate::database::Db;
use crate::identity::{NationalId, RoleKind, db as identity_db, with_check_digit};
use crate::marketplace::photos::PhotoStore;
use crate::marketplace::{Availability, Category, ProductStatus};

/// Demo shops of fictional families: (name ar, name en, bio, products as
/// (title ar, title en, description, category, price in riyals, unit, colour)).
type DemoProduct = (
    &'static str,
    &'static str,
    &'static str,
    Category,
    i64,
    &'static str,
    [u8; 3],
);
const DEMO_SHOPS: [(&str, &str, &str, &[DemoProduct]); 4] = [
    (
        "حلويات أم سارة",
        "Umm Sara Sweets",
        "معمول وكعك بالتمر من مطبخ البيت منذ عشرين سنة.",
        &[
            (
                "معمول بالتمر",
                "Date maamoul",
                "معمول طازج محشو بتمر المدينة، يُجهّز يوم الطلب.",
                Category::Sweets,
                45,
                "علبة 24 حبة",
                [176, 120, 64],
            ),
            (
                "كعك بالسمسم",
                "Sesame kaak",
                "كعك هش بالسمسم المحمص، مناسب مع القهوة.",
                Category::BakedGoods,
                30,
                "كيس نصف كيلو",
                [214, 170, 96],
            ),
            (
                "لقيمات",
                "Luqaimat",
                "لقيمات مقرمشة مع دبس التمر، تُقلى عند الطلب.",
                Category::Sweets,
                25,
                "علبة",
                [200, 140, 40],
            ),
            (
                "معمول بالفستق",
                "Pistachio maamoul",
                "معمول محشو بالفستق الحلبي للمناسبات.",
                Category::Sweets,
                60,
                "علبة 24 حبة",
                [150, 170, 90],
            ),
        ],
    ),
    (
        "مطبخ بيت جدة",
        "Beit Jeddah Kitchen",
        "أكلات حجازية بيتية: سليق ومطبق وسمبوسة مجمّدة.",
        &[
            (
                "سمبوسة مجمدة باللحم",
                "Frozen meat sambousa",
                "سمبوسة باللحم جاهزة للقلي، 30 حبة.",
                Category::Food,
                40,
                "كيس 30 حبة",
                [222, 184, 135],
            ),
            (
                "مطبق حجازي",
                "Hijazi mutabbaq",
                "مطبق باللحم والبيض على الطريقة الحجازية.",
                Category::Food,
                20,
                "حبة",
                [190, 150, 100],
            ),
            (
                "بهارات الكبسة",
                "Kabsa spice mix",
                "خلطة بهارات الكبسة المطحونة في البيت.",
                Category::Spices,
                18,
                "علبة 250 غرام",
                [160, 70, 40],
            ),
        ],
    ),
    (
        "تطريز نوف",
        "Nouf Embroidery",
        "تطريز يدوي على الجلابيات والمفارش بخيوط حرير.",
        &[
            (
                "جلابية مطرزة",
                "Embroidered jalabiya",
                "جلابية قطنية بتطريز يدوي على الصدر والأكمام، مقاسات حسب الطلب.",
                Category::SewingEmbroidery,
                180,
                "قطعة",
                [90, 60, 130],
            ),
            (
                "مفرش طاولة مطرز",
                "Embroidered table runner",
                "مفرش كتان مطرز بنقوش نجدية.",
                Category::SewingEmbroidery,
                95,
                "قطعة",
                [120, 40, 60],
            ),
            (
                "سجادة صلاة مطرزة",
                "Embroidered prayer mat",
                "سجادة صلاة خفيفة بتطريز الاسم.",
                Category::Gifts,
                120,
                "قطعة",
                [30, 90, 80],
            ),
        ],
    ),
    (
        "عطور دار الورد",
        "Dar Al Ward Perfumes",
        "خلطات عطور وبخور ودهن عود بأيدٍ سعودية.",
        &[
            (
                "دهن ورد طائفي",
                "Taifi rose oil",
                "دهن ورد طائفي أصلي في قارورة زجاجية.",
                Category::PerfumeIncense,
                150,
                "3 مل",
                [200, 60, 90],
            ),
            (
                "بخور معطر",
                "Scented bakhoor",
                "بخور معمول بالعود والمسك، يدوم طويلًا.",
                Category::PerfumeIncense,
                55,
                "علبة 100 غرام",
                [100, 60, 40],
            ),
            (
                "صابون طبيعي بالورد",
                "Natural rose soap",
                "صابون بزيت الزيتون وماء الورد بدون مواد حافظة.",
                Category::Beauty,
                22,
                "قالب",
                [230, 170, 190],
            ),
        ],
    ),
];

/// A plate-like demo photo: a coloured disc on a light cloth, with some
/// texture so the encoder has something real to do.
pub(super) fn demo_photo(colour: [u8; 3], seed: u32) -> Vec<u8> {
    use image::{ImageEncoder, Rgb, RgbImage};
    let size = 960u32;
    let centre = size as f32 / 2.0;
    let picture = RgbImage::from_fn(size, size, |x, y| {
        let (dx, dy) = (x as f32 - centre, y as f32 - centre);
        let distance = (dx * dx + dy * dy).sqrt();
        let grain = ((x * 7 + y * 13 + seed * 31) % 23) as f32 / 23.0;
        if distance < size as f32 * 0.36 {
            let shade = 1.0 - distance / (size as f32 * 0.9) - grain * 0.08;
            Rgb(colour.map(|c| (c as f32 * shade).clamp(0.0, 255.0) as u8))
        } else if distance < size as f32 * 0.42 {
            Rgb([245, 245, 240])
        } else {
            let stripe = if (x / 48 + y / 48 + seed).is_multiple_of(2) {
                236
            } else {
                226
            };
            Rgb([stripe, stripe - 6, stripe - 16])
        }
    });
    let mut jpeg = Vec::new();
    let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 88).write_image(
        picture.as_raw(),
        size,
        size,
        image::ExtendedColorType::Rgb8,
    );
    jpeg
}

/// Demo shops of four fictional Jeddah families, each product published with
/// a generated photo stored in `photo_store`. Idempotent: shops that exist are kept.
pub async fn seed_demo_market(db: &Db, photo_store: &PhotoStore) -> Result<usize, SeedError> {
    use crate::marketplace::{db as market, photos};
    let districts = match demo_db::jeddah(db).await? {
        Some(city) => crate::places::db::list_districts(db, city).await?,
        None => Vec::new(),
    };
    let jeddah_district = |i: usize| districts.get(i * 7 % districts.len().max(1)).map(|d| d.id);
    let mut created = 0;
    for (index, (name_ar, name_en, bio, products)) in DEMO_SHOPS.iter().enumerate() {
        let national_id = NationalId::parse(&with_check_digit(&format!("10999990{index}")))
            .map_err(|_| SeedError::BadId(format!("10999990{index}")))?;
        let (user_id, _) =
            identity_db::grant_role(db, &national_id, RoleKind::FamilyMember, None, None, None)
                .await?;
        if market::shop_of_owner(db, user_id).await?.is_some() {
            continue;
        }
        let Some(district_id) = jeddah_district(index) else {
            break;
        };
        let shop_id = market::save_shop(
            db,
            user_id,
            None,
            &market::ShopInput {
                name_ar: name_ar.to_string(),
                name_en: Some(name_en.to_string()),
                bio: bio.to_string(),
                district_id,
                pickup: true,
                delivery: index % 2 == 0,
                delivery_areas: if index % 2 == 0 {
                    "شمال جدة".to_string()
                } else {
                    String::new()
                },
                delivery_fee_halalas: (index % 2 == 0).then_some(1_500),
                whatsapp: Some(format!("96655500000{index}")),
                public_phone: None,
                working_hours: "يوميًا ٤ م – ١٠ م".to_string(),
            },
            None,
        )
        .await?;
        // Demo shops show their names at once, as if a moderator approved them.
        market::decide_shop_text(db, shop_id, true, None, seeded_review(shop_id)).await?;
        for (n, (title_ar, title_en, description, category, riyals, unit, colour)) in
            products.iter().enumerate()
        {
            let product_id = market::save_product(
                db,
                shop_id,
                None,
                &market::ProductInput {
                    title_ar: title_ar.to_string(),
                    title_en: Some(title_en.to_string()),
                    description_ar: description.to_string(),
                    description_en: None,
                    category: *category,
                    price_halalas: riyals * 100,
                    unit_ar: unit.to_string(),
                    availability: if n == 1 {
                        Availability::MadeToOrder
                    } else {
                        Availability::InStock
                    },
                    lead_time_days: (n == 1).then_some(2),
                },
            )
            .await?;
            let jpeg = demo_photo(*colour, (index * 10 + n) as u32);
            let processed = photos::process(&jpeg)?;
            let key = photos::new_key();
            photo_store.put(&key, &processed).await?;
            market::add_photo(db, product_id, &key, processed.width, processed.height).await?;
            market::submit_for_review(db, shop_id, product_id, None).await?;
            market::set_status(
                db,
                product_id,
                ProductStatus::Pending,
                ProductStatus::Published,
                None,
                None,
            )
            .await?;
            created += 1;
        }
    }
    Ok(created)
}

/// The audit row of a demo shop's text "approved" by the seed itself.
fn seeded_review(shop_id: i64) -> AuditEvent<'static> {
    AuditEvent::new(crate::audit::action::SHOP_TEXT_MODERATED)
        .subject("shop", shop_id)
        .detail("approved by the demo seed")
}
