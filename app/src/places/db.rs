//! SQL of the places domain, and the loader of the bundled district list.

use super::{City, District};
use crate::database::Db;

/// The bundled National Address extract (see `app/data/places/README.md`).
const DISTRICTS_CSV: &str = include_str!("../../data/places/makkah_region_districts.csv");

/// One row of the bundled CSV.
#[derive(Debug, serde::Deserialize)]
struct DistrictRow {
    district_id: i64,
    city_id: i64,
    city_name_ar: String,
    city_name_en: String,
    name_ar: String,
    name_en: String,
}

/// The cities and districts of the bundled file.
pub fn bundled_places() -> Result<(Vec<City>, Vec<District>), csv::Error> {
    let mut cities: Vec<City> = Vec::new();
    let mut districts = Vec::new();
    for row in csv::Reader::from_reader(DISTRICTS_CSV.as_bytes()).deserialize() {
        let row: DistrictRow = row?;
        if !cities.iter().any(|c| c.id == row.city_id) {
            cities.push(City {
                id: row.city_id,
                name_ar: row.city_name_ar.trim().to_string(),
                name_en: row.city_name_en.trim().to_string(),
            });
        }
        districts.push(District {
            id: row.district_id,
            city_id: row.city_id,
            name_ar: row.name_ar.trim().to_string(),
            // The source pads some names with double spaces.
            name_en: row.name_en.split_whitespace().collect::<Vec<_>>().join(" "),
        });
    }
    Ok((cities, districts))
}

/// Inserts the bundled places; existing rows are left as they are, so running
/// it twice changes nothing.
pub async fn seed(db: &Db) -> Result<(usize, usize), sqlx::Error> {
    let (cities, districts) = bundled_places().map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let mut tx = db.begin_write().await?;
    for city in &cities {
        sqlx::query("INSERT INTO cities (id, name_ar, name_en) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
            .bind(city.id)
            .bind(&city.name_ar)
            .bind(&city.name_en)
            .execute(&mut *tx)
            .await?;
    }
    for district in &districts {
        sqlx::query(
            "INSERT INTO districts (id, city_id, name_ar, name_en) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(district.id)
        .bind(district.city_id)
        .bind(&district.name_ar)
        .bind(&district.name_en)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok((cities.len(), districts.len()))
}

/// All cities, by Arabic name.
pub async fn list_cities(db: &Db) -> Result<Vec<City>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, name_ar, name_en FROM cities ORDER BY name_ar")
            .fetch_all(&db.pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name_ar, name_en)| City {
            id,
            name_ar,
            name_en,
        })
        .collect())
}

/// The districts of one city, by Arabic name.
pub async fn list_districts(db: &Db, city_id: i64) -> Result<Vec<District>, sqlx::Error> {
    let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
        "SELECT id, city_id, name_ar, name_en FROM districts WHERE city_id = $1 ORDER BY name_ar, id",
    )
    .bind(city_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, city_id, name_ar, name_en)| District {
            id,
            city_id,
            name_ar,
            name_en,
        })
        .collect())
}

/// Every district of the region as (district id, city id), for region-wide totals.
pub async fn district_cities(db: &Db) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT id, city_id FROM districts ORDER BY city_id, id")
        .fetch_all(&db.pool)
        .await
}

/// A district's names (Arabic, English).
pub async fn district_names(
    db: &Db,
    district_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT name_ar, name_en FROM districts WHERE id = $1")
        .bind(district_id)
        .fetch_optional(&db.pool)
        .await
}

/// The city a district belongs to.
pub async fn city_of_district(db: &Db, district_id: i64) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT city_id FROM districts WHERE id = $1")
        .bind(district_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(c,)| c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_file_has_the_region() {
        let (cities, districts) = bundled_places().unwrap();
        assert_eq!(cities.len(), 15);
        assert_eq!(districts.len(), 491);
        let jeddah = cities
            .iter()
            .find(|c| c.name_en == "Jeddah")
            .expect("Jeddah");
        assert_eq!(
            districts.iter().filter(|d| d.city_id == jeddah.id).count(),
            170
        );
        assert!(
            districts
                .iter()
                .all(|d| !d.name_ar.is_empty() && !d.name_en.contains("  "))
        );
    }
}
