//! Demo data for `server seed --demo` (server only): places, the assistance
//! catalogue, fictional associations and one fictional person per role, all
//! idempotent; and the generators behind `server seed --households N` and
//! `--products N` for benchmarks. The national IDs are made up but pass the
//! check digit; the Nafath simulator knows their names. The demo sits on the
//! top floor: it fills every domain through the domains' own `db` functions,
//! and its own SQL (bulk inserts, lookups) is in [`db`](self::db) only.

mod coverage;
mod db;
mod generate;
mod market;
mod training;

pub use generate::{GeneratedMarket, GeneratedReport, generate_households, generate_market};
pub use market::seed_demo_market;

use crate::database::Db;
use crate::identity::{NationalId, RoleKind, db as identity_db, with_check_digit};
use db as demo_db;

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
        p(
            "100000008",
            "لمى حسن الحافظة (تجريبية)",
            "Lama Hassan Al-Hafidha (demo)",
            RoleKind::DataProtectionOfficer,
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
        demo_db::add_simulator_person(db, &id, persona.name_ar, persona.name_en).await?;
        let association_id = persona.association.map(|i| association_ids[i]);
        identity_db::grant_role(db, &id, persona.role, association_id, None, None).await?;
        if persona.role != RoleKind::FamilyMember {
            // Staff are people too: they may register their own household.
            identity_db::grant_role(db, &id, RoleKind::FamilyMember, None, None, None).await?;
        }
        report.personas += 1;
    }
    report.coverage_cells = coverage::seed_demo_coverage(db, &association_ids).await?;
    report.courses = training::seed_demo_training(db, association_ids[0]).await?;
    Ok(report)
}
