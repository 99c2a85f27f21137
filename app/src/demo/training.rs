//! The demo's training: providers, trainers and courses.

use super::db as demo_db;
use super::{SeedError, personas};
use crate::database::Db;
use crate::identity::RoleKind;

/// Demo training: a training center and Al Nakhla as providers, three
/// trainers (the trainer persona among them, so they can take attendance),
/// three open courses and one already running. Dates are relative to today.
/// Only seeded once.
pub(super) async fn seed_demo_training(db: &Db, nakhla: i64) -> Result<usize, SeedError> {
    use crate::training::db::{self as training, CourseInput, TrainerInput};
    use crate::training::{CourseMode, CourseStatus, Specialty, TimeSpan};
    let existing = demo_db::count_courses(db).await?;
    let district = demo_db::fourth_jeddah_district(db).await?;
    let (Some(district), 0) = (district, existing) else {
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
    let trainer_user = match trainer_persona {
        Some(national_id) => demo_db::user_id_of(db, &national_id).await?,
        None => None,
    };
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
                trainer_user,
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
