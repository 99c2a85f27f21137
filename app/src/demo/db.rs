//! SQL of the demo and the generators: lookups the seed needs and the bulk
//! inserts of generated data (every value bound, in batches the caller sizes).

use sqlx::{Any, Transaction};

use crate::database::{Db, Engine, Sql};
use crate::identity::NationalId;
use crate::marketplace::Category;

type Tx = Transaction<'static, Any>;

/// The description every generated product carries (and its search document).
pub const GENERATED_DESCRIPTION: &str = "صناعة بيتية طازجة بمكونات مختارة";

/// The one number a query answers (a count, a largest id).
async fn number(db: &Db, sql: &'static str) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&db.pool).await?;
    Ok(n)
}

/// Lets the Nafath simulator greet a demo person by name.
pub async fn add_simulator_person(
    db: &Db,
    id: &NationalId,
    name_ar: &str,
    name_en: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO nafath_sim_people (national_id, name_ar, name_en) VALUES ($1, $2, $3) \
         ON CONFLICT (national_id) DO NOTHING",
    )
    .bind(id.as_str())
    .bind(name_ar)
    .bind(name_en)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The user id of a national ID, if that person ever signed in or was granted a role.
pub async fn user_id_of(db: &Db, national_id: &str) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE national_id = $1")
        .bind(national_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(id,)| id))
}

pub async fn count_courses(db: &Db) -> Result<i64, sqlx::Error> {
    number(db, "SELECT COUNT(*) FROM courses").await
}

pub async fn count_coverage_cells(db: &Db) -> Result<i64, sqlx::Error> {
    number(db, "SELECT COUNT(*) FROM coverage_cells").await
}

/// The city of Jeddah, once the places are seeded.
pub async fn jeddah(db: &Db) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM cities WHERE name_en = 'Jeddah'")
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(id,)| id))
}

/// A fixed Jeddah district for the demo's in-person courses.
pub async fn fourth_jeddah_district(db: &Db) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT d.id FROM districts d JOIN cities c ON c.id = d.city_id \
         WHERE c.name_en = 'Jeddah' ORDER BY d.id LIMIT 1 OFFSET 3",
    )
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Every assistance type's id and code.
pub async fn assistance_type_codes(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, code FROM assistance_types")
        .fetch_all(&db.pool)
        .await
}

/// Primary coverage cells (association, district, assistance type, status),
/// valid and proposed from `start`, in one transaction.
pub async fn insert_primary_cells(
    db: &Db,
    cells: &[(i64, i64, i64, &str)],
    start: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    for (association_id, district_id, type_id, status) in cells {
        sqlx::query(
            "INSERT INTO coverage_cells (association_id, district_id, assistance_type_id, role, \
               status, valid_from, proposed_at) VALUES ($1, $2, $3, 'primary', $4, $5, $5)",
        )
        .bind(association_id)
        .bind(district_id)
        .bind(type_id)
        .bind(*status)
        .bind(start)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

pub async fn max_household_id(db: &Db) -> Result<i64, sqlx::Error> {
    number(db, "SELECT COALESCE(MAX(id), 0) FROM households").await
}

pub async fn max_user_id(db: &Db) -> Result<i64, sqlx::Error> {
    number(db, "SELECT COALESCE(MAX(id), 0) FROM users").await
}

/// Registered households (head's national ID, head's name, phone, district);
/// their ids in the same order.
pub async fn insert_registered_households(
    tx: &mut Tx,
    households: &[(String, String, String, i64)],
    at: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new(
        "INSERT INTO households (head_national_id, head_name_ar, phone, district_id, income_bracket, \
           dependants, crafts, consent_version, consent_at, verified, status, created_at, updated_at) VALUES ",
    );
    for (i, (national_id, name, phone, district_id)) in households.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(national_id.as_str()).push(", ");
        sql.bind(name.as_str()).push(", ");
        sql.bind(phone.as_str()).push(", ");
        sql.bind(*district_id).push(", 'under_3000', 3, 'food', ");
        sql.bind(crate::registry::PRIVACY_NOTICE_VERSION).push(", ");
        sql.bind(at).push(", 1, 'registered', ");
        sql.bind(at).push(", ");
        sql.bind(at).push(")");
    }
    sql.push(" RETURNING id");
    let ids: Vec<(i64,)> = sql.query_as().fetch_all(&mut **tx).await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Each household's head in the identity index (one household per person).
pub async fn insert_head_identities(
    tx: &mut Tx,
    heads: &[(String, i64)],
) -> Result<(), sqlx::Error> {
    if heads.is_empty() {
        return Ok(());
    }
    let mut sql =
        Sql::new("INSERT INTO household_identities (national_id, household_id, role) VALUES ");
    for (i, (national_id, household_id)) in heads.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(national_id.as_str()).push(", ");
        sql.bind(*household_id).push(", 'head')");
    }
    sql.query().execute(&mut **tx).await?;
    Ok(())
}

/// Blocking keys of the duplicate check (key, household).
pub async fn insert_household_keys(tx: &mut Tx, keys: &[(String, i64)]) -> Result<(), sqlx::Error> {
    if keys.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("INSERT INTO household_keys (key, household_id) VALUES ");
    for (i, (key, household_id)) in keys.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(key.as_str()).push(", ");
        sql.bind(*household_id).push(")");
    }
    sql.push(" ON CONFLICT DO NOTHING");
    sql.query().execute(&mut **tx).await?;
    Ok(())
}

/// A one-line application, submitted `created_at`, routed to `association_id`
/// (the council's queue when `None`).
pub async fn insert_submitted_line(
    tx: &mut Tx,
    household_id: i64,
    submission_key: &str,
    assistance_type_id: i64,
    association_id: Option<i64>,
    at: i64,
    created_at: i64,
) -> Result<(), sqlx::Error> {
    let (application,): (i64,) = sqlx::query_as(
        "INSERT INTO applications (household_id, submission_key, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(household_id)
    .bind(submission_key)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO application_lines (application_id, household_id, assistance_type_id, description, \
           state, association_id, created_at, last_action_at) VALUES ($1, $2, $3, $4, 'submitted', $5, $6, $6)",
    )
    .bind(application)
    .bind(household_id)
    .bind(assistance_type_id)
    .bind("طلب مولد لاختبار الأداء")
    .bind(association_id)
    .bind(created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// People (national ID, Arabic name); their user ids in the same order.
pub async fn insert_users(
    tx: &mut Tx,
    people: &[(String, String)],
    at: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new("INSERT INTO users (national_id, name_ar, created_at) VALUES ");
    for (i, (national_id, name)) in people.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(national_id.as_str()).push(", ");
        sql.bind(name.as_str()).push(", ");
        sql.bind(at).push(")");
    }
    sql.push(" RETURNING id");
    let ids: Vec<(i64,)> = sql.query_as().fetch_all(&mut **tx).await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// A shop for each (owner, district); their ids in the same order.
pub async fn insert_generated_shops(
    tx: &mut Tx,
    shops: &[(i64, i64)],
    at: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut sql = Sql::new(
        "INSERT INTO shops (owner_user_id, name_ar, bio, district_id, pickup, delivery, \
           whatsapp, working_hours, created_at, updated_at) VALUES ",
    );
    for (i, (user, district)) in shops.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(*user).push(", ");
        sql.bind(format!("متجر الأسرة {user}"))
            .push(", 'منتجات بيتية', ");
        sql.bind(*district).push(", 1, ");
        sql.bind(user % 2).push(", ");
        sql.bind(format!("9665{:08}", user * 7 % 100_000_000))
            .push(", 'يوميًا', ");
        sql.bind(at).push(", ");
        sql.bind(at).push(")");
    }
    sql.push(" RETURNING id");
    let ids: Vec<(i64,)> = sql.query_as().fetch_all(&mut **tx).await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Published products (shop, title, category, price in halalas, published at);
/// their (id, publication number) in the same order. Publication numbers:
/// SQLite's writer holds the database, so the next ones follow the highest;
/// PostgreSQL draws them from its sequence.
pub async fn insert_published_products(
    tx: &mut Tx,
    engine: Engine,
    rows: &[(i64, String, Category, i64, i64)],
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let (last_seq,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(published_seq), 0) FROM products")
            .fetch_one(&mut **tx)
            .await?;
    let mut sql = Sql::new(
        "INSERT INTO products (shop_id, title_ar, description_ar, category, price_halalas, \
           unit_ar, availability, status, created_at, updated_at, published_at, published_seq) VALUES ",
    );
    for (i, (shop, title, category, price, published)) in rows.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(*shop).push(", ");
        sql.bind(title.as_str()).push(", ");
        sql.bind(GENERATED_DESCRIPTION).push(", ");
        sql.bind(category.as_str()).push(", ");
        sql.bind(*price).push(", 'حبة', 'in_stock', 'published', ");
        sql.bind(*published).push(", ");
        sql.bind(*published).push(", ");
        sql.bind(*published).push(", ");
        match engine {
            Engine::Sqlite => sql.bind(last_seq + 1 + i as i64),
            Engine::Postgres => sql.push("nextval('product_publications')"),
        };
        sql.push(")");
    }
    sql.push(" RETURNING id, published_seq");
    sql.query_as().fetch_all(&mut **tx).await
}

/// One cover photo per product (product, file key, width, height).
pub async fn insert_cover_photos(
    tx: &mut Tx,
    photos: &[(i64, String, u32, u32)],
    at: i64,
) -> Result<(), sqlx::Error> {
    if photos.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        "INSERT INTO product_photos (product_id, file_key, width, height, is_cover, created_at) VALUES ",
    );
    for (i, (product, key, width, height)) in photos.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(*product).push(", ");
        sql.bind(key.as_str()).push(", ");
        sql.bind(i64::from(*width)).push(", ");
        sql.bind(i64::from(*height)).push(", 1, ");
        sql.bind(at).push(")");
    }
    sql.query().execute(&mut **tx).await?;
    Ok(())
}

/// Search documents (publication number, product, body) in each engine's index.
pub async fn insert_search_rows(
    tx: &mut Tx,
    engine: Engine,
    rows: &[(i64, i64, String)],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(match engine {
        Engine::Sqlite => "INSERT INTO product_search (rowid, body) VALUES ",
        Engine::Postgres => "INSERT INTO product_search (published_seq, product_id, body) VALUES ",
    });
    for (i, (seq, product, body)) in rows.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(*seq).push(", ");
        if engine == Engine::Postgres {
            sql.bind(*product).push(", ");
        }
        sql.bind(body.as_str()).push(")");
    }
    sql.query().execute(&mut **tx).await?;
    Ok(())
}
