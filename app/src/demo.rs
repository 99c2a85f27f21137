//! Demo data for `server seed --demo` (server only): places, the assistance
//! catalogue, fictional associations and one fictional person per role, all
//! idempotent. The national IDs are made up but pass the check digit; the
//! Nafath simulator knows their names.

use crate::database::Db;
use crate::identity::{NationalId, RoleKind, db as identity_db, with_check_digit};

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
        identity_db::grant_role(db, &id, persona.role, association_id, None).await?;
        if persona.role != RoleKind::FamilyMember {
            // Staff are people too: they may register their own household.
            identity_db::grant_role(db, &id, RoleKind::FamilyMember, None, None).await?;
        }
        report.personas += 1;
    }
    Ok(report)
}
