//! The demo's split of Jeddah between the demo associations.

use super::SeedError;
use super::db as demo_db;
use crate::database::Db;

/// Demo coverage of Jeddah, so applications route on a fresh demo: Al Nakhla
/// leads training, equipment, raw materials and packaging; Al Bahr leads sales
/// locations, marketing and licensing; financing is a gap (council queue); Al
/// Waha also claims raw materials in three districts (an overlap) and has a
/// financing proposal waiting for the council. Only seeded once.
pub(super) async fn seed_demo_coverage(
    db: &Db,
    association_ids: &[i64],
) -> Result<usize, SeedError> {
    let existing = demo_db::count_coverage_cells(db).await?;
    let jeddah = demo_db::jeddah(db).await?;
    let (Some(jeddah), 0) = (jeddah, existing) else {
        return Ok(0);
    };
    let districts: Vec<i64> = crate::places::db::list_districts(db, jeddah)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    let types = demo_db::assistance_type_codes(db).await?;
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
    let mut cells = Vec::new();
    for (association, code, district_ids, status) in plan {
        let Some(type_id) = type_id(code) else {
            continue;
        };
        for district_id in district_ids {
            cells.push((association_ids[association], *district_id, type_id, status));
        }
    }
    demo_db::insert_primary_cells(db, &cells, start).await?;
    Ok(cells.len())
}
