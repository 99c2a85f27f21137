//! How long a dashboard takes to compute, on the engine of
//! `BENCH_DATABASE_URL` (default: a SQLite file under /var/tmp) with
//! `BENCH_HOUSEHOLDS` generated households (default 1 000 000) and
//! `BENCH_PRODUCTS` published products (default 100 000), both generated
//! once and reused. Prints p50/p95/max of `reporting::api::load` — every
//! indicator for the period and the previous one, the trend and the map —
//! for the council's board, the council's board cut by a district and a
//! craft, and an association's own board. No cache: each load reads the
//! database afresh.

use std::time::{Duration, Instant};

use app::database::{Db, now};
use app::reporting::api::{Board, load, load_cached};
use app::reporting::{Filters, Viewer};

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

#[tokio::main]
async fn main() {
    let households = count("BENCH_HOUSEHOLDS", 1_000_000);
    let products = count("BENCH_PRODUCTS", 100_000);
    let runs = count("BENCH_RUNS", 20);
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite:///var/tmp/takamul-bench/reporting-{households}.db"));
    let db = Db::connect(&url, 8).await.expect("connect");
    db.migrate().await.expect("migrate");
    // Statistics for indexes a migration may just have added, and on
    // PostgreSQL the visibility map that index-only scans need after a bulk
    // load (what autovacuum or `PRAGMA optimize` give a running server in
    // minutes; without, 100 000 products fresh from the generator are read
    // from the heap with as many dead versions).
    match db.engine {
        app::database::Engine::Postgres => {
            sqlx::query("VACUUM ANALYZE")
                .execute(&db.pool)
                .await
                .expect("vacuum");
        }
        app::database::Engine::Sqlite => db.analyze().await.expect("analyze"),
    }
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
    let existing = rows(&db, "products").await;
    if existing < products {
        let dir = std::path::PathBuf::from(format!("/var/tmp/takamul-bench/photos-{households}"));
        std::fs::create_dir_all(&dir).unwrap();
        let store = app::photos::pipeline::PhotoStore::Directory(dir);
        let started = Instant::now();
        app::demo::generate_market(&db, &store, products - existing)
            .await
            .expect("generate products");
        println!(
            "generated {} products in {:.1} s",
            products - existing,
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "engine {:?}: {} households, {} lines, {} products",
        db.engine,
        rows(&db, "households").await,
        rows(&db, "application_lines").await,
        rows(&db, "products").await
    );
    let (district,): (i64,) = sqlx::query_as(
        "SELECT district_id FROM households WHERE district_id IS NOT NULL \
         GROUP BY district_id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let (association,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM associations")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let cases = [
        (
            "council, all",
            Board::Council,
            Viewer::Council,
            Filters::default(),
        ),
        (
            "council, a district and a craft",
            Board::Council,
            Viewer::Council,
            Filters {
                district_id: Some(district),
                craft: Some("sewing".into()),
                ..Filters::default()
            },
        ),
        (
            "an association's own",
            Board::Association,
            Viewer::Association(association),
            Filters {
                association_id: Some(association),
                ..Filters::default()
            },
        ),
    ];
    for (name, board, viewer, filters) in cases {
        let mut samples = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            load(&db, board, viewer, filters.clone(), now())
                .await
                .expect("dashboard");
            samples.push(t.elapsed());
        }
        samples.sort();
        println!(
            "dashboard, {name:<34} n={runs:<3} p50={:>8.1} ms  p95={:>8.1} ms  max={:>8.1} ms",
            percentile(&samples, 0.50).as_secs_f64() * 1e3,
            percentile(&samples, 0.95).as_secs_f64() * 1e3,
            samples.last().unwrap().as_secs_f64() * 1e3,
        );
        // The same view again within the cache's minute (what get_dashboard does).
        let cache = app::cache::AnswerCache::new(16, 60);
        load_cached(&cache, &db, board, viewer, filters.clone(), now())
            .await
            .expect("dashboard");
        let mut hits = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            load_cached(&cache, &db, board, viewer, filters.clone(), now())
                .await
                .expect("dashboard");
            hits.push(t.elapsed());
        }
        hits.sort();
        println!(
            "  cached, {name:<34} n={runs:<3} p50={:>8.3} ms  p95={:>8.3} ms",
            percentile(&hits, 0.50).as_secs_f64() * 1e3,
            percentile(&hits, 0.95).as_secs_f64() * 1e3,
        );
        if std::env::var("BENCH_QUERIES").is_ok_and(|v| v == "1") {
            breakdown(&db, filters).await;
        }
    }
}

/// BENCH_QUERIES=1: the median time of each indicator group's read alone
/// (one after the other, as `figures` runs them), to find the heavy ones.
async fn breakdown(db: &Db, mut filters: Filters) {
    use app::reporting::Indicator as I;
    use app::reporting::db;
    let cut = app::reporting::api::cut_of(db, &mut filters, now())
        .await
        .expect("cut");
    let previous = db::Cut {
        period: cut.period.previous(),
        ..cut
    };
    let groups = [
        ("registered", I::RegisteredHouseholds),
        ("lines", I::LinesByType),
        ("coverage", I::CoverageRate),
        ("days to decision", I::DaysToDecision),
        ("days to fulfilment", I::DaysToFulfilment),
        ("referrals", I::Referrals),
        ("duplicates prevented", I::DuplicatesPrevented),
        ("households per association", I::HouseholdsPerAssociation),
        ("benefits", I::BenefitsByType),
        ("market", I::ActiveShops),
        ("training", I::SeatsFilled),
        ("continuity", I::AtRiskHouseholds),
    ];
    let time = |samples: &mut Vec<Duration>| {
        samples.sort();
        percentile(samples, 0.5).as_secs_f64() * 1e3
    };
    for (label, at) in [("", &cut), ("previous period: ", &previous)] {
        for (name, indicator) in groups {
            let mut samples = Vec::new();
            for _ in 0..5 {
                let t = Instant::now();
                db::figures_of(db, at, indicator).await.expect("figures");
                samples.push(t.elapsed());
            }
            println!("    {label}{name:<30} {:>8.1} ms", time(&mut samples));
        }
    }
    let mut samples = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        db::lines_per_day(db, &cut).await.expect("trend");
        samples.push(t.elapsed());
    }
    println!("    {:<30} {:>8.1} ms", "lines per day", time(&mut samples));
}
