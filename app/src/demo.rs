//! Demo data for `server seed --demo` (server only): places, the assistance
//! catalogue, fictional associations and one fictional person per role, all
//! idempotent. The national IDs are made up but pass the check digit; the
//! Nafath simulator knows their names.

use crate::database::Db;
use crate::identity::{NationalId, RoleKind, db as identity_db, with_check_digit};
use crate::marketplace::photos::PhotoStore;
use crate::marketplace::{Availability, Category, ProductStatus};

/// A demo association: licence number, Arabic and English names.
pub const DEMO_ASSOCIATIONS: [(&str, &str, &str); 3] = [
    (
        "DEMO-001",
        "جمعية النخلة الخيرية (تجريبية)",
        "Al Nakhla Charity (demo)",
    ),
    (
        "DEMO-002",
        "جمعية البحر للأسر المنتجة (تجريبية)",
        "Al Bahr Productive Families Society (demo)",
    ),
    (
        "DEMO-003",
        "جمعية الواحة للتنمية (تجريبية)",
        "Al Waha Development Society (demo)",
    ),
];

/// A demo person: who they are and what they may do.
#[derive(Debug, Clone)]
pub struct Persona {
    pub national_id: String,
    pub name_ar: &'static str,
    pub name_en: &'static str,
    pub role: RoleKind,
    /// Index into [`DEMO_ASSOCIATIONS`] for association roles.
    pub association: Option<usize>,
}

/// One person per role (two families), with fake but valid IDs.
pub fn personas() -> Vec<Persona> {
    let p = |nine: &str, name_ar, name_en, role, association| Persona {
        national_id: with_check_digit(nine),
        name_ar,
        name_en,
        role,
        association,
    };
    vec![
        p(
            "100000001",
            "سلمان أحمد المجلسي (تجريبي)",
            "Salman Ahmed Al-Majlisi (demo)",
            RoleKind::CouncilAdmin,
            None,
        ),
        p(
            "100000002",
            "هند سعيد النخلي (تجريبية)",
            "Hind Saeed Al-Nakhli (demo)",
            RoleKind::AssociationAdmin,
            Some(0),
        ),
        p(
            "100000003",
            "منى خالد العاملة (تجريبية)",
            "Mona Khalid Al-Amila (demo)",
            RoleKind::AssociationStaff,
            Some(0),
        ),
        p(
            "100000004",
            "ريم عمر البحري (تجريبية)",
            "Reem Omar Al-Bahri (demo)",
            RoleKind::AssociationStaff,
            Some(1),
        ),
        p(
            "100000005",
            "فهد ناصر المدرب (تجريبي)",
            "Fahad Nasser Al-Mudarrib (demo)",
            RoleKind::Trainer,
            None,
        ),
        p(
            "100000006",
            "نورة عبدالله الأسرية (تجريبية)",
            "Noura Abdullah Al-Usariya (demo)",
            RoleKind::FamilyMember,
            None,
        ),
        p(
            "200000007",
            "أمينة يوسف المقيمة (تجريبية)",
            "Amina Yousef Al-Muqima (demo)",
            RoleKind::FamilyMember,
            None,
        ),
    ]
}

/// What a seed run found or created.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub cities: usize,
    pub districts: usize,
    pub assistance_types: usize,
    pub associations: usize,
    pub personas: usize,
    pub coverage_cells: usize,
    pub courses: usize,
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Grant(#[from] identity_db::GrantError),
    #[error("demo national ID {0} is invalid")]
    BadId(String),
    #[error(transparent)]
    Photo(#[from] crate::marketplace::photos::PhotoError),
    #[error(transparent)]
    Market(#[from] crate::marketplace::db::MarketError),
    #[error(transparent)]
    Training(#[from] crate::training::db::TrainingError),
}

/// Loads the reference data every installation needs: places and the catalogue.
pub async fn seed_reference(db: &Db) -> Result<SeedReport, SeedError> {
    let (cities, districts) = crate::places::db::seed(db).await?;
    let assistance_types = crate::assistance::db::seed(db).await?;
    Ok(SeedReport {
        cities,
        districts,
        assistance_types,
        ..Default::default()
    })
}

/// Reference data plus the demo associations and personas.
pub async fn seed_demo(db: &Db) -> Result<SeedReport, SeedError> {
    let mut report = seed_reference(db).await?;
    let mut association_ids = Vec::new();
    for (licence, name_ar, name_en) in DEMO_ASSOCIATIONS {
        association_ids.push(
            crate::associations::db::upsert(db, licence, name_ar, name_en, None, None).await?,
        );
    }
    report.associations = association_ids.len();
    for persona in personas() {
        let id = NationalId::parse(&persona.national_id)
            .map_err(|_| SeedError::BadId(persona.national_id.clone()))?;
        sqlx::query(
            "INSERT INTO nafath_sim_people (national_id, name_ar, name_en) VALUES ($1, $2, $3) \
             ON CONFLICT (national_id) DO NOTHING",
        )
        .bind(id.as_str())
        .bind(persona.name_ar)
        .bind(persona.name_en)
        .execute(&db.pool)
        .await?;
        let association_id = persona.association.map(|i| association_ids[i]);
        identity_db::grant_role(db, &id, persona.role, association_id, None, None).await?;
        if persona.role != RoleKind::FamilyMember {
            // Staff are people too: they may register their own household.
            identity_db::grant_role(db, &id, RoleKind::FamilyMember, None, None, None).await?;
        }
        report.personas += 1;
    }
    report.coverage_cells = seed_demo_coverage(db, &association_ids).await?;
    report.courses = seed_demo_training(db, association_ids[0]).await?;
    Ok(report)
}

/// Demo training: a training center and Al Nakhla as providers, three
/// trainers (the trainer persona among them, so they can take attendance),
/// three open courses and one already running. Dates are relative to today.
/// Only seeded once.
async fn seed_demo_training(db: &Db, nakhla: i64) -> Result<usize, SeedError> {
    use crate::training::db::{self as training, CourseInput, TrainerInput};
    use crate::training::{CourseMode, CourseStatus, Specialty, TimeSpan};
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM courses")
        .fetch_one(&db.pool)
        .await?;
    let district: Option<(i64,)> = sqlx::query_as(
        "SELECT d.id FROM districts d JOIN cities c ON c.id = d.city_id \
         WHERE c.name_en = 'Jeddah' ORDER BY d.id LIMIT 1 OFFSET 3",
    )
    .fetch_optional(&db.pool)
    .await?;
    let (Some((district,)), 0) = (district, existing) else {
        return Ok(0);
    };
    let center = training::upsert_center(
        db,
        "مركز جدة للتدريب المهني (تجريبي)",
        "Jeddah Vocational Training Center (demo)",
        None,
    )
    .await?;
    let nakhla = training::association_provider(db, nakhla).await?;
    let trainer_persona = personas()
        .into_iter()
        .find(|p| p.role == RoleKind::Trainer)
        .map(|p| p.national_id);
    let trainer_user: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM users WHERE national_id = $1")
            .bind(trainer_persona)
            .fetch_optional(&db.pool)
            .await?;
    let trainer =
        |user_id, name_ar: &str, name_en: &str, specialties: &[Specialty], provider_id| {
            TrainerInput {
                user_id,
                name_ar: name_ar.to_string(),
                name_en: name_en.to_string(),
                specialties: specialties.to_vec(),
                qualifications: String::new(),
                phone: None,
                email: None,
                provider_id,
            }
        };
    let fahad = training::save_trainer(
        db,
        &TrainerInput {
            qualifications: "شيف حلويات، ١٢ سنة في مطابخ جدة، شهادة سلامة الغذاء".to_string(),
            ..trainer(
                trainer_user.map(|(id,)| id),
                "فهد ناصر المدرب (تجريبي)",
                "Fahad Nasser Al-Mudarrib (demo)",
                &[Specialty::Sweets, Specialty::Food, Specialty::FoodSafety],
                center,
            )
        },
        None,
        None,
    )
    .await?;
    let sara = training::save_trainer(
        db,
        &trainer(
            None,
            "سارة محمد الخياطة (تجريبية)",
            "Sara Mohammed (demo)",
            &[Specialty::Sewing, Specialty::Embroidery],
            nakhla,
        ),
        None,
        None,
    )
    .await?;
    let layla = training::save_trainer(
        db,
        &trainer(
            None,
            "ليلى عبدالرحمن (تجريبية)",
            "Layla Abdulrahman (demo)",
            &[
                Specialty::Marketing,
                Specialty::Pricing,
                Specialty::Ecommerce,
            ],
            center,
        ),
        None,
        None,
    )
    .await?;
    let today = crate::training::parse_date(&crate::time::format_date(crate::database::now()))
        .unwrap_or_default();
    let day = 86_400;
    let at = |days: i64, hour: i64, minutes: i64| TimeSpan {
        starts_at: today + days * day + hour * 3600,
        ends_at: today + days * day + hour * 3600 + minutes * 60,
    };
    let course = |provider_id,
                  trainer_id,
                  title_ar: &str,
                  title_en: &str,
                  description_ar: &str,
                  specialty,
                  mode,
                  seats| CourseInput {
        provider_id,
        trainer_id: Some(trainer_id),
        title_ar: title_ar.to_string(),
        title_en: title_en.to_string(),
        description_ar: description_ar.to_string(),
        description_en: String::new(),
        specialty,
        mode,
        district_id: (mode == CourseMode::InPerson).then_some(district),
        venue: if mode == CourseMode::InPerson {
            "قاعة الجمعية، الدور الأرضي".to_string()
        } else {
            String::new()
        },
        online_url: if mode == CourseMode::Online {
            "https://meet.example.org/takamul-demo".to_string()
        } else {
            String::new()
        },
        seats,
        opens_at: today - 3 * day,
        closes_at: today + 30 * day - 1,
        eligible_districts: Vec::new(),
        fee_halalas: 0,
        completion_percent: 75,
    };
    let plan = [
        (
            course(
                center,
                fahad,
                "الحلويات الشرقية للبيع",
                "Eastern sweets for sale",
                "معمول وغريبة وكليجا بمقادير ثابتة وتكلفة محسوبة، وتغليف يصلح للبيع في السوق.",
                Specialty::Sweets,
                CourseMode::InPerson,
                20,
            ),
            vec![
                at(7, 16, 120),
                at(9, 16, 120),
                at(14, 16, 120),
                at(16, 16, 120),
            ],
            CourseStatus::Open,
        ),
        (
            course(
                center,
                layla,
                "كيف تسعّر منتجك المنزلي",
                "Pricing your home product",
                "حساب التكلفة والهامش وسعر التوصيل، مع أمثلة من منتجات الأسر في السوق.",
                Specialty::Pricing,
                CourseMode::Online,
                15,
            ),
            vec![at(10, 19, 90), at(17, 19, 90)],
            CourseStatus::Open,
        ),
        (
            course(
                nakhla,
                sara,
                "أساسيات الخياطة والتطريز",
                "Sewing and embroidery basics",
                "أخذ المقاسات والقص والخياطة اليدوية والتطريز البسيط على قطع صغيرة.",
                Specialty::Sewing,
                CourseMode::InPerson,
                12,
            ),
            vec![at(8, 10, 120), at(15, 10, 120), at(22, 10, 120)],
            CourseStatus::Open,
        ),
        (
            course(
                center,
                fahad,
                "سلامة الغذاء في المطبخ المنزلي",
                "Food safety in the home kitchen",
                "النظافة والتخزين والحرارة الآمنة، وما تطلبه البلدية من الأسر المنتجة للأغذية.",
                Specialty::FoodSafety,
                CourseMode::InPerson,
                25,
            ),
            vec![at(-7, 17, 90), at(-5, 17, 90), at(2, 17, 90), at(4, 17, 90)],
            CourseStatus::Running,
        ),
    ];
    let count = plan.len();
    for (input, sessions, status) in plan {
        let id = training::save_course(db, None, &input, None, None).await?;
        for span in sessions {
            training::add_session(db, id, span, None).await?;
        }
        training::set_course_status(db, id, CourseStatus::Draft, CourseStatus::Open, None).await?;
        if status == CourseStatus::Running {
            training::set_course_status(db, id, CourseStatus::Open, CourseStatus::Running, None)
                .await?;
        }
    }
    Ok(count)
}

/// Demo coverage of Jeddah, so applications route on a fresh demo: Al Nakhla
/// leads training, equipment, raw materials and packaging; Al Bahr leads sales
/// locations, marketing and licensing; financing is a gap (council queue); Al
/// Waha also claims raw materials in three districts (an overlap) and has a
/// financing proposal waiting for the council. Only seeded once.
async fn seed_demo_coverage(db: &Db, association_ids: &[i64]) -> Result<usize, SeedError> {
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM coverage_cells")
        .fetch_one(&db.pool)
        .await?;
    let jeddah: Option<(i64,)> = sqlx::query_as("SELECT id FROM cities WHERE name_en = 'Jeddah'")
        .fetch_optional(&db.pool)
        .await?;
    let (Some((jeddah,)), 0) = (jeddah, existing) else {
        return Ok(0);
    };
    let districts: Vec<i64> = crate::places::db::list_districts(db, jeddah)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let types: Vec<(i64, String)> = sqlx::query_as("SELECT id, code FROM assistance_types")
        .fetch_all(&db.pool)
        .await?;
    let type_id = |code: &str| types.iter().find(|(_, c)| c == code).map(|(id, _)| *id);
    let plan: [(usize, &str, &[i64], &str); 9] = [
        (0, "training", &districts, "approved"),
        (0, "equipment", &districts, "approved"),
        (0, "raw_materials", &districts, "approved"),
        (0, "packaging", &districts, "approved"),
        (1, "sales_location", &districts, "approved"),
        (1, "marketing", &districts, "approved"),
        (1, "licensing", &districts, "approved"),
        (
            2,
            "raw_materials",
            &districts[districts.len().saturating_sub(3)..],
            "approved",
        ),
        (
            2,
            "financing",
            &districts[..districts.len().min(3)],
            "proposed",
        ),
    ];
    let start = crate::database::now() - 86_400;
    let mut created = 0;
    let mut tx = db.begin_write().await?;
    for (association, code, district_ids, status) in plan {
        let Some(type_id) = type_id(code) else {
            continue;
        };
        for district_id in district_ids {
            sqlx::query(
                "INSERT INTO coverage_cells (association_id, district_id, assistance_type_id, role, \
                   status, valid_from, proposed_at) VALUES ($1, $2, $3, 'primary', $4, $5, $5)",
            )
            .bind(association_ids[association])
            .bind(district_id)
            .bind(type_id)
            .bind(status)
            .bind(start)
            .execute(&mut *tx)
            .await?;
            created += 1;
        }
    }
    tx.commit().await?;
    Ok(created)
}

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
    let (start,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM households")
        .fetch_one(&db.pool)
        .await?;
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
        let mut sql = String::from(
            "INSERT INTO households (head_national_id, head_name_ar, phone, district_id, income_bracket, \
               dependants, crafts, consent_version, consent_at, verified, status, created_at, updated_at) VALUES ",
        );
        for i in 0..n {
            let b = i * 5;
            sql.push_str(&format!(
                "{}(${}, ${}, ${}, ${}, 'under_3000', 3, 'food', '{}', ${}, 1, 'registered', ${}, ${})",
                if i == 0 { "" } else { ", " },
                b + 1, b + 2, b + 3, b + 4,
                crate::registry::PRIVACY_NOTICE_VERSION,
                b + 5, b + 5, b + 5
            ));
        }
        sql.push_str(" RETURNING id");
        let mut query = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql));
        for (national_id, name, phone, district_id) in &households {
            query = query
                .bind(national_id)
                .bind(name)
                .bind(phone)
                .bind(district_id)
                .bind(at);
        }
        let ids: Vec<(i64,)> = query.fetch_all(&mut *tx).await?;
        let mut identities = String::from(
            "INSERT INTO household_identities (national_id, household_id, role) VALUES ",
        );
        let mut keys = Vec::new();
        for (i, ((national_id, name, phone, district_id), (id,))) in
            households.iter().zip(&ids).enumerate()
        {
            identities.push_str(&format!(
                "{}('{national_id}', {id}, 'head')",
                if i == 0 { "" } else { ", " }
            ));
            let fingerprint = HouseholdFingerprint {
                household_id: *id,
                district_id: *district_id,
                phone: SaudiPhone::parse(phone).ok(),
                national_ids: vec![national_id.clone()],
                names: vec![name.clone()],
            };
            keys.extend(blocking_keys(&fingerprint).into_iter().map(|k| (k, *id)));
        }
        // Generated digits and ids only: safe to splice.
        sqlx::query(sqlx::AssertSqlSafe(identities))
            .execute(&mut *tx)
            .await?;
        for chunk in keys.chunks(BATCH) {
            let mut sql = String::from("INSERT INTO household_keys (key, household_id) VALUES ");
            for (i, _) in chunk.iter().enumerate() {
                sql.push_str(&format!(
                    "{}(${}, ${})",
                    if i == 0 { "" } else { ", " },
                    i * 2 + 1,
                    i * 2 + 2
                ));
            }
            sql.push_str(" ON CONFLICT DO NOTHING");
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (key, id) in chunk {
                query = query.bind(key).bind(id);
            }
            query.execute(&mut *tx).await?;
        }
        for ((national_id, _, _, district_id), (id,)) in households.iter().zip(&ids) {
            if next() % 5 != 0 {
                continue;
            }
            let kind = &types[(next() % types.len() as u64) as usize];
            let association = match crate::coverage::route_line(*district_id, kind.id, &cells, at) {
                crate::coverage::Route::Association(a) => Some(a),
                crate::coverage::Route::Council => None,
            };
            let (application,): (i64,) = sqlx::query_as(
                "INSERT INTO applications (household_id, submission_key, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(id)
            .bind(format!("generated-{national_id}"))
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            let age = (next() % (60 * 86_400)) as i64;
            sqlx::query(
                "INSERT INTO application_lines (application_id, household_id, assistance_type_id, description, \
                   state, association_id, created_at, last_action_at) VALUES ($1, $2, $3, $4, 'submitted', $5, $6, $6)",
            )
            .bind(application)
            .bind(id)
            .bind(kind.id)
            .bind("طلب مولد لاختبار الأداء")
            .bind(association)
            .bind(at - age)
            .execute(&mut *tx)
            .await?;
            report.lines += 1;
        }
        tx.commit().await?;
        done += n;
        report.households = done;
    }
    db.analyze().await?;
    Ok(report)
}

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
fn demo_photo(colour: [u8; 3], seed: u32) -> Vec<u8> {
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
    let jeddah: Option<(i64,)> = sqlx::query_as("SELECT id FROM cities WHERE name_en = 'Jeddah'")
        .fetch_optional(&db.pool)
        .await?;
    let districts = match jeddah {
        Some((city,)) => crate::places::db::list_districts(db, city).await?,
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
    let (start,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM users")
        .fetch_one(&db.pool)
        .await?;
    let shop_count = (count / 10).max(1);
    let mut report = GeneratedMarket::default();
    let mut shop_ids = Vec::with_capacity(shop_count);
    while shop_ids.len() < shop_count {
        let n = BATCH.min(shop_count - shop_ids.len());
        let mut tx = db.begin_write().await?;
        let mut sql = String::from("INSERT INTO users (national_id, name_ar, created_at) VALUES ");
        for i in 0..n {
            let serial = start as usize + shop_ids.len() + i;
            sql.push_str(&format!(
                "{}('{}', 'أسرة منتجة {serial}', {at})",
                if i == 0 { "" } else { ", " },
                with_check_digit(&format!("16{serial:07}"))
            ));
        }
        sql.push_str(" RETURNING id");
        let users: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *tx)
            .await?;
        let mut sql = String::from(
            "INSERT INTO shops (owner_user_id, name_ar, bio, district_id, pickup, delivery, \
               whatsapp, working_hours, created_at, updated_at) VALUES ",
        );
        for (i, (user,)) in users.iter().enumerate() {
            let (district, _) = districts[(*user as usize * 7919) % districts.len()];
            sql.push_str(&format!(
                "{}({user}, 'متجر الأسرة {user}', 'منتجات بيتية', {district}, 1, {}, \
                 '9665{:08}', 'يوميًا', {at}, {at})",
                if i == 0 { "" } else { ", " },
                user % 2,
                user * 7 % 100_000_000
            ));
        }
        sql.push_str(" RETURNING id");
        let shops: Vec<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        shop_ids.extend(shops.into_iter().map(|(id,)| id));
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
        // Publication numbers: SQLite's writer holds the database, so the next
        // ones follow the highest; PostgreSQL draws them from its sequence.
        let (last_seq,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(published_seq), 0) FROM products")
                .fetch_one(&mut *tx)
                .await?;
        let mut sql = String::from(
            "INSERT INTO products (shop_id, title_ar, description_ar, category, price_halalas, \
               unit_ar, availability, status, created_at, updated_at, published_at, published_seq) VALUES ",
        );
        for (i, _) in rows.iter().enumerate() {
            let b = i * 5;
            let seq = match db.engine {
                crate::database::Engine::Sqlite => (last_seq + 1 + i as i64).to_string(),
                crate::database::Engine::Postgres => "nextval('product_publications')".to_string(),
            };
            sql.push_str(&format!(
                "{}(${}, ${}, 'صناعة بيتية طازجة بمكونات مختارة', ${}, ${}, 'حبة', \
                 'in_stock', 'published', ${}, ${}, ${}, {seq})",
                if i == 0 { "" } else { ", " },
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 5,
                b + 5
            ));
        }
        sql.push_str(" RETURNING id, published_seq");
        let mut query = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql));
        for (shop, title, category, price, published) in &rows {
            query = query
                .bind(shop)
                .bind(title)
                .bind(category.as_str())
                .bind(price)
                .bind(published);
        }
        let ids: Vec<(i64, i64)> = query.fetch_all(&mut *tx).await?;
        let mut photos_sql = String::from(
            "INSERT INTO product_photos (product_id, file_key, width, height, is_cover, created_at) VALUES ",
        );
        let mut search_sql = match db.engine {
            crate::database::Engine::Sqlite => {
                String::from("INSERT INTO product_search (rowid, body) VALUES ")
            }
            crate::database::Engine::Postgres => {
                String::from("INSERT INTO product_search (published_seq, product_id, body) VALUES ")
            }
        };
        let mut bodies = Vec::with_capacity(n);
        for (i, ((shop, title, category, _, _), (id, seq))) in rows.iter().zip(&ids).enumerate() {
            let (pool_key, width, height) = &pool[*id as usize % pool.len()];
            let key = photos::new_key();
            photo_store.duplicate(pool_key, &key, *width).await?;
            let sep = if i == 0 { "" } else { ", " };
            photos_sql.push_str(&format!("{sep}({id}, '{key}', {width}, {height}, 1, {at})"));
            match db.engine {
                crate::database::Engine::Sqlite => {
                    search_sql.push_str(&format!("{sep}({seq}, ${})", i + 1))
                }
                crate::database::Engine::Postgres => {
                    search_sql.push_str(&format!("{sep}({seq}, {id}, ${})", i + 1))
                }
            }
            let (ar, en) = category.names();
            bodies.push(search_document(&[
                title,
                "صناعة بيتية طازجة بمكونات مختارة",
                ar,
                en,
                &format!("متجر الأسرة {shop}"),
            ]));
        }
        sqlx::query(sqlx::AssertSqlSafe(photos_sql))
            .execute(&mut *tx)
            .await?;
        crate::marketplace::db::copy_shop_place(&mut tx, crate::marketplace::db::PlaceOf::Unplaced)
            .await?;
        let mut query = sqlx::query(sqlx::AssertSqlSafe(search_sql));
        for body in &bodies {
            query = query.bind(body);
        }
        query.execute(&mut *tx).await?;
        tx.commit().await?;
        done += n;
    }
    report.products = done;
    db.analyze().await?;
    Ok(report)
}

/// The audit row of a demo shop's text "approved" by the seed itself.
fn seeded_review(shop_id: i64) -> crate::audit::AuditEvent<'static> {
    crate::audit::AuditEvent {
        action: crate::audit::action::SHOP_TEXT_MODERATED,
        subject_type: Some("shop"),
        subject_id: Some(shop_id.to_string()),
        detail: Some("approved by the demo seed".to_string()),
        ..Default::default()
    }
}
