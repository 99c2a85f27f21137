//! Generators of fictional data at scale for the benchmarks (`server seed
//! --households N`, `--products N`): deterministic, batched, never real IDs.

use super::db as demo_db;
use super::{SeedError, market::demo_photo};
use crate::coverage::routing::{Route, route_line};
use crate::database::Db;
use crate::identity::with_check_digit;
use crate::marketplace::Category;
use crate::marketplace::photos::PhotoStore;

/// What `server seed --households N` generated.
#[derive(Debug, Default)]
pub struct GeneratedReport {
    pub households: usize,
    pub lines: usize,
}

const GIVEN_NAMES: [&str; 16] = [
    "نورة",
    "فاطمة",
    "مريم",
    "هند",
    "سارة",
    "أمل",
    "خديجة",
    "عائشة",
    "محمد",
    "أحمد",
    "عبدالله",
    "خالد",
    "سعيد",
    "يوسف",
    "عمر",
    "ناصر",
];
const FAMILY_NAMES: [&str; 12] = [
    "الحربي",
    "الغامدي",
    "الزهراني",
    "القرشي",
    "العتيبي",
    "الشهري",
    "المالكي",
    "الجهني",
    "السلمي",
    "البقمي",
    "الثقفي",
    "الهذلي",
];

/// Generates `count` registered, fictional households (IDs starting 15…,
/// never real), spread over the region's districts, with their identity and
/// blocking keys; every fifth one has an application line routed by the
/// approved coverage. For benchmarks; batched inserts in transactions.
pub async fn generate_households(db: &Db, count: usize) -> Result<GeneratedReport, SeedError> {
    use crate::registry::{HouseholdFingerprint, SaudiPhone, blocking_keys};
    const BATCH: usize = 500;
    let districts = crate::places::db::district_cities(db).await?;
    let types = crate::assistance::db::list_active(db).await?;
    let at = crate::database::now();
    let cells = crate::coverage::db::approved_cells(db, at).await?;
    let start = demo_db::max_household_id(db).await?;
    let mut report = GeneratedReport::default();
    // A small deterministic generator (xorshift) keeps runs reproducible.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ count as u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut done = 0;
    while done < count {
        let n = BATCH.min(count - done);
        let mut tx = db.begin_write().await?;
        let mut households = Vec::with_capacity(n);
        for k in 0..n {
            let serial = start as usize + done + k;
            let national_id = with_check_digit(&format!("15{serial:07}"));
            let (district_id, _) = districts[(next() % districts.len() as u64) as usize];
            let name = format!(
                "{} {} {} {}",
                GIVEN_NAMES[(next() % 16) as usize],
                GIVEN_NAMES[8 + (next() % 8) as usize],
                GIVEN_NAMES[8 + (next() % 8) as usize],
                FAMILY_NAMES[(next() % 12) as usize]
            );
            let phone = format!("9665{:08}", (serial * 7919) % 100_000_000);
            households.push((national_id, name, phone, district_id));
        }
        let ids = demo_db::insert_registered_households(&mut tx, &households, at).await?;
        let mut heads = Vec::with_capacity(n);
        let mut keys = Vec::new();
        for ((national_id, name, phone, district_id), id) in households.iter().zip(&ids) {
            heads.push((national_id.clone(), *id));
            let fingerprint = HouseholdFingerprint {
                household_id: *id,
                district_id: *district_id,
                phone: SaudiPhone::parse(phone).ok(),
                national_ids: vec![national_id.clone()],
                names: vec![name.clone()],
            };
            keys.extend(blocking_keys(&fingerprint).into_iter().map(|k| (k, *id)));
        }
        demo_db::insert_head_identities(&mut tx, &heads).await?;
        crate::registry::db::name_keys::insert(
            &mut tx,
            households.iter().zip(&ids).map(|((_, name, _, _), id)| {
                (*id, crate::registry::db::name_keys::HEAD, name.as_str())
            }),
        )
        .await?;
        for chunk in keys.chunks(BATCH) {
            demo_db::insert_household_keys(&mut tx, chunk).await?;
        }
        for ((national_id, _, _, district_id), id) in households.iter().zip(&ids) {
            if next() % 5 != 0 {
                continue;
            }
            let kind = &types[(next() % types.len() as u64) as usize];
            let association = match route_line(*district_id, kind.id, &cells, at) {
                Route::Association(a) => Some(a),
                Route::Council => None,
            };
            let age = (next() % (60 * 86_400)) as i64;
            demo_db::insert_submitted_line(
                &mut tx,
                *id,
                &format!("generated-{national_id}"),
                kind.id,
                association,
                at,
                at - age,
            )
            .await?;
            report.lines += 1;
        }
        if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
            crate::registry::db::name_keys::mark_filled(&mut tx, first - 1, *last).await?;
        }
        tx.commit().await?;
        done += n;
        report.households = done;
    }
    db.analyze().await?;
    Ok(report)
}

/// What a marketplace generator run created.
#[derive(Debug, Default)]
pub struct GeneratedMarket {
    pub shops: usize,
    pub products: usize,
}

/// Product words per category, combined with [`PRODUCT_DETAILS`] into titles.
const PRODUCT_WORDS: [(Category, &[&str]); 8] = [
    (
        Category::Sweets,
        &["معمول", "بسبوسة", "لقيمات", "كنافة", "غريبة"],
    ),
    (Category::BakedGoods, &["كعك", "خبز تميس", "فطائر", "كليجا"]),
    (Category::Food, &["سمبوسة", "مطبق", "ورق عنب", "كبسة"]),
    (Category::Spices, &["بهارات", "زعفران", "هيل مطحون"]),
    (Category::SewingEmbroidery, &["جلابية", "مفرش", "عباءة"]),
    (Category::Handicrafts, &["سلة خوص", "مبخرة", "فخار"]),
    (Category::PerfumeIncense, &["بخور", "دهن عود", "عطر"]),
    (Category::Beauty, &["صابون", "زيت شعر", "كريم"]),
];
const PRODUCT_DETAILS: [&str; 8] = [
    "بالتمر",
    "بالفستق",
    "بالسمسم",
    "مطرز",
    "طبيعي",
    "بيتي",
    "فاخر",
    "بالورد",
];

/// Generates `count` published products across `count / 10` shops of
/// fictional families (national IDs starting with 16), each with a photo.
/// Photos come from a pool of 24 generated ones, stored again under each
/// product's own key (a hard link, or a copy inside a bucket), so the data is realistic for pages and search without
/// encoding 10^5 images. For benchmarks.
pub async fn generate_market(
    db: &Db,
    photo_store: &PhotoStore,
    count: usize,
) -> Result<GeneratedMarket, SeedError> {
    use crate::marketplace::{photos, search_document};
    const BATCH: usize = 500;
    let districts = crate::places::db::district_cities(db).await?;
    let mut pool = Vec::new();
    for n in 0..24u32 {
        let colour = [
            (60 + n * 37 % 180) as u8,
            (90 + n * 53 % 150) as u8,
            (40 + n * 71 % 160) as u8,
        ];
        let processed = photos::process(&demo_photo(colour, n))?;
        let key = photos::new_key();
        photo_store.put(&key, &processed).await?;
        pool.push((key, processed.width, processed.height));
    }
    let at = crate::database::now();
    let start = demo_db::max_user_id(db).await?;
    let shop_count = (count / 10).max(1);
    let mut report = GeneratedMarket::default();
    let mut shop_ids = Vec::with_capacity(shop_count);
    while shop_ids.len() < shop_count {
        let n = BATCH.min(shop_count - shop_ids.len());
        let mut tx = db.begin_write().await?;
        let people: Vec<(String, String)> = (0..n)
            .map(|i| {
                let serial = start as usize + shop_ids.len() + i;
                (
                    with_check_digit(&format!("16{serial:07}")),
                    format!("أسرة منتجة {serial}"),
                )
            })
            .collect();
        let users = demo_db::insert_users(&mut tx, &people, at).await?;
        let shops: Vec<(i64, i64)> = users
            .iter()
            .map(|user| {
                (
                    *user,
                    districts[(*user as usize * 7919) % districts.len()].0,
                )
            })
            .collect();
        let shops = demo_db::insert_generated_shops(&mut tx, &shops, at).await?;
        tx.commit().await?;
        shop_ids.extend(shops);
    }
    report.shops = shop_ids.len();
    let mut done = 0;
    while done < count {
        let n = BATCH.min(count - done);
        let mut rows = Vec::with_capacity(n);
        for k in 0..n {
            let serial = done + k;
            let (category, words) = PRODUCT_WORDS[serial % PRODUCT_WORDS.len()];
            let title = format!(
                "{} {}",
                words[(serial / 8) % words.len()],
                PRODUCT_DETAILS[(serial / 3) % PRODUCT_DETAILS.len()]
            );
            let shop = shop_ids[serial % shop_ids.len()];
            let price = 500 + (serial as i64 * 7_919) % 30_000;
            rows.push((shop, title, category, price, at - (count - serial) as i64));
        }
        let mut tx = db.begin_write().await?;
        let ids = demo_db::insert_published_products(&mut tx, db.engine, &rows).await?;
        let mut photos = Vec::with_capacity(n);
        let mut search = Vec::with_capacity(n);
        for ((shop, title, category, _, _), (id, seq)) in rows.iter().zip(&ids) {
            let (pool_key, width, height) = &pool[*id as usize % pool.len()];
            let key = photos::new_key();
            photo_store.duplicate(pool_key, &key, *width).await?;
            photos.push((*id, key, *width, *height));
            let (ar, en) = category.names();
            let body = search_document(&[
                title,
                demo_db::GENERATED_DESCRIPTION,
                ar,
                en,
                &format!("متجر الأسرة {shop}"),
            ]);
            search.push((*seq, *id, body));
        }
        demo_db::insert_cover_photos(&mut tx, &photos, at).await?;
        crate::marketplace::db::copy_shop_place(&mut tx, crate::marketplace::db::PlaceOf::Unplaced)
            .await?;
        demo_db::insert_search_rows(&mut tx, db.engine, &search).await?;
        tx.commit().await?;
        done += n;
    }
    report.products = done;
    db.analyze().await?;
    Ok(report)
}
