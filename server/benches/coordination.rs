//! Latency of the coordination core at scale, on the engine of
//! `BENCH_DATABASE_URL` (default: a SQLite file under /var/tmp) with
//! `BENCH_HOUSEHOLDS` generated households (default 100 000; generated once
//! and reused). Prints p50/p95/max of:
//! - the national-ID lookup of a household (with its members),
//! - the duplicate check one new application runs,
//! - the first page of a caseworker's queue (with counts per state).

use std::time::{Duration, Instant};

use app::applications::QueueFilter;
use app::database::Db;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<38} n={:<5} p50={:>8.3} ms  p95={:>8.3} ms  max={:>8.3} ms",
        samples.len(),
        percentile(&samples, 0.50).as_secs_f64() * 1e3,
        percentile(&samples, 0.95).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3,
    );
}

#[tokio::main]
async fn main() {
    let households: usize = std::env::var("BENCH_HOUSEHOLDS")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite:///var/tmp/takamul-bench/households-{households}.db"));
    let db = Db::connect(&url, 8).await.expect("connect");
    db.migrate().await.expect("migrate");
    app::demo::seed_demo(&db).await.expect("seed");
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM households")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    if (existing as usize) < households {
        let started = Instant::now();
        let generated = app::demo::generate_households(&db, households - existing as usize)
            .await
            .expect("generate");
        println!(
            "generated {} households ({} lines) in {:.1} s",
            generated.households,
            generated.lines,
            started.elapsed().as_secs_f64()
        );
    }
    let (lines,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM application_lines")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    println!(
        "engine {:?}, {households} households, {lines} application lines",
        db.engine
    );

    // A spread-out sample of existing households.
    let step = (households / 1000).max(1) as i64;
    let sample: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, head_national_id FROM households WHERE id % $1 = 0 ORDER BY id LIMIT 1000",
    )
    .bind(step)
    .fetch_all(&db.pool)
    .await
    .unwrap();

    let mut lookups = Vec::new();
    for (_, national_id) in &sample {
        let t = Instant::now();
        let found = app::registry::db::household_of_head(&db, national_id)
            .await
            .unwrap();
        lookups.push(t.elapsed());
        assert!(found.is_some());
    }
    report("national-ID lookup", lookups);

    let mut checks = Vec::new();
    for (id, _) in sample.iter().take(300) {
        let t = Instant::now();
        app::registry::duplicates::check(&db, *id).await.unwrap();
        checks.push(t.elapsed());
    }
    report("duplicate check of one application", checks);

    let (association,): (i64,) =
        sqlx::query_as("SELECT id FROM associations WHERE licence_number = 'DEMO-001'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let (queued,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM application_lines WHERE association_id = $1")
            .bind(association)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let first_page = QueueFilter {
        page: 1,
        ..Default::default()
    };
    let mut pages = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let (lines, _, _) = app::applications::db::queue(&db, Some(association), &first_page)
            .await
            .unwrap();
        pages.push(t.elapsed());
        assert!(!lines.is_empty());
    }
    report(&format!("queue first page ({queued} lines)"), pages);
    let submitted = QueueFilter {
        page: 1,
        state: Some(app::applications::LineState::Submitted),
        newest_first: true,
        ..Default::default()
    };
    let mut filtered = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        app::applications::db::queue(&db, Some(association), &submitted)
            .await
            .unwrap();
        filtered.push(t.elapsed());
    }
    report("queue first page, submitted, newest", filtered);
    let (type_id,): (i64,) =
        sqlx::query_as("SELECT id FROM assistance_types WHERE code = 'training'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let one_type = QueueFilter {
        page: 1,
        assistance_type_id: Some(type_id),
        ..Default::default()
    };
    let mut typed = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        app::applications::db::queue(&db, Some(association), &one_type)
            .await
            .unwrap();
        typed.push(t.elapsed());
    }
    report("queue first page, one type (+count)", typed);
}
