//! How long the staff search (issue 21 §1) takes, on the engine of
//! `BENCH_DATABASE_URL` (default: a SQLite file under /var/tmp) with
//! `BENCH_HOUSEHOLDS` generated households (default 1 000 000, the
//! reporting bench's generator: four-part names from 16 given names and 12
//! family names, so every name part is common). Prints p50/p95/max per kind
//! of query over `BENCH_RUNS` samples (default 30), each a different
//! household: the answer (`search::api::answer`: the keys, the page's
//! households, who serves them, their benefits) and its two audit rows, as
//! a staff member of the first association.

use std::time::{Duration, Instant};

use app::database::Db;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(default)
}

async fn rows(db: &Db, table: &str) -> usize {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&db.pool)
        .await
        .unwrap();
    n as usize
}

/// Eastern-Arabic digits, as a caseworker's Arabic keyboard types them.
fn eastern(digits: &str) -> String {
    digits
        .chars()
        .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap_or(0)).unwrap())
        .collect()
}

#[tokio::main]
async fn main() {
    let households = count("BENCH_HOUSEHOLDS", 1_000_000);
    let runs = count("BENCH_RUNS", 30);
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite:///var/tmp/takamul-bench/search-{households}.db"));
    let db = Db::connect(&url, 8).await.expect("connect");
    db.migrate().await.expect("migrate");
    app::demo::seed_demo(&db).await.expect("seed");
    let existing = rows(&db, "households").await;
    if existing < households {
        let started = Instant::now();
        let generated = app::demo::generate_households(&db, households - existing)
            .await
            .expect("generate");
        println!(
            "generated {} households ({} lines) in {:.1} s",
            generated.households,
            generated.lines,
            started.elapsed().as_secs_f64()
        );
    }
    let started = Instant::now();
    let filled = app::registry::db::name_keys::fill(&db).await.expect("fill");
    if filled > 0 {
        println!(
            "filled the keys of {filled} households in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    match db.engine {
        app::database::Engine::Postgres => {
            sqlx::query("VACUUM ANALYZE")
                .execute(&db.pool)
                .await
                .expect("vacuum");
        }
        app::database::Engine::Sqlite => db.analyze().await.expect("analyze"),
    }
    println!(
        "engine {:?}: {} households, {} name keys, {} lines",
        db.engine,
        rows(&db, "households").await,
        rows(&db, "household_name_keys").await,
        rows(&db, "application_lines").await,
    );
    let (association,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM associations")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (staff,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM users")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let (max_id,): (i64,) = sqlx::query_as("SELECT MAX(id) FROM households")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    // Sample households spread over the table (deterministic).
    let mut samples: Vec<(String, Option<String>, String)> = Vec::new();
    let mut i = 0i64;
    while samples.len() < runs {
        i += 1;
        let id = 1 + (i * 7_919_131) % max_id;
        let row: Option<(String, Option<String>, String)> = sqlx::query_as(
            "SELECT head_national_id, phone, head_name_ar FROM households WHERE id = $1 \
             AND erased_at IS NULL AND merged_into_id IS NULL",
        )
        .bind(id)
        .fetch_optional(&db.pool)
        .await
        .unwrap();
        if let Some(row) = row {
            samples.push(row);
        }
    }
    type Make = fn(&(String, Option<String>, String)) -> String;
    let kinds: [(&str, Make); 7] = [
        ("national ID (Eastern digits)", |s| eastern(&s.0)),
        ("phone (+966 form)", |s| {
            format!("+{}", s.1.clone().unwrap_or_default())
        }),
        ("phone (05 form)", |s| {
            format!("0{}", &s.1.clone().unwrap_or_default()[3..])
        }),
        ("full name (4 parts)", |s| s.2.clone()),
        ("family + given, reversed", |s| {
            let parts: Vec<&str> = s.2.split(' ').collect();
            format!("{} {}", parts[parts.len() - 1], parts[0])
        }),
        ("partial (3 letters of 2 parts)", |s| {
            let parts: Vec<&str> = s.2.split(' ').collect();
            let cut = |p: &str| p.chars().take(3).collect::<String>();
            format!("{} {}", cut(parts[0]), cut(parts[parts.len() - 1]))
        }),
        ("one common given name", |s| {
            s.2.split(' ').next().unwrap_or_default().to_string()
        }),
    ];
    for (name, make) in kinds {
        let mut times = Vec::with_capacity(runs);
        let mut found = 0;
        for sample in &samples {
            let q = make(sample);
            let t = Instant::now();
            let answer = app::search::api::answer(&db, Some(association), &q, None)
                .await
                .expect("search");
            for (list, households) in [("served", &answer.here), ("elsewhere", &answer.elsewhere)] {
                let read =
                    app::audit::ListRead::shown(format!("search bench {list}"), households.len())
                        .of(households.iter().copied());
                app::audit::record_list_read(&db, staff, Some(association), &read, "bench".into())
                    .await
                    .expect("audit");
            }
            times.push(t.elapsed());
            found += answer.here.len() + answer.elsewhere.len();
        }
        times.sort();
        println!(
            "{name:32} p50 {:6.1} ms  p95 {:6.1} ms  max {:6.1} ms  ({:.1} households a page)",
            percentile(&times, 0.5).as_secs_f64() * 1000.0,
            percentile(&times, 0.95).as_secs_f64() * 1000.0,
            times.last().unwrap().as_secs_f64() * 1000.0,
            found as f64 / runs as f64,
        );
    }
}
