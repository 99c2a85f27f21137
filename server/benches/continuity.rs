//! How long the continuity recompute takes, on the engine of
//! `BENCH_DATABASE_URL` (default: a SQLite file under /var/tmp) with
//! `BENCH_HOUSEHOLDS` generated households (default 100 000; generated once
//! and reused), a share of them with the signals the rule reads: approved
//! lines waiting, overdue follow-ups, decisions long ago. Prints the time of
//! a full run (the scheduled job) and p50/p95/max of the per-event update of
//! one household (what follows a decision, a mark, a reached call).

use std::time::{Duration, Instant};

use app::continuity::{db as continuity, job};
use app::database::{Db, now};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let households: usize = std::env::var("BENCH_HOUSEHOLDS")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite:///var/tmp/takamul-bench/continuity-{households}.db"));
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
        signals(&db).await;
        println!(
            "generated {} households ({} lines) and their signals in {:.1} s",
            generated.households,
            generated.lines,
            started.elapsed().as_secs_f64()
        );
    }
    println!("engine {:?}, {households} households", db.engine);

    // The first run writes every status: start from none.
    sqlx::query("DELETE FROM continuity_status")
        .execute(&db.pool)
        .await
        .unwrap();
    let at = now();
    let started = Instant::now();
    let report = job::recompute_all(&db, "bench", at)
        .await
        .expect("recompute")
        .expect("the lease");
    let full = started.elapsed();
    println!(
        "full recompute, first: {} households in {:.2} s ({} changed status)",
        report.households,
        full.as_secs_f64(),
        report.changed
    );
    // Again: the steady state of the schedule (only what changed is written).
    let started = Instant::now();
    let again = job::recompute_all(&db, "bench", now())
        .await
        .expect("recompute")
        .expect("the lease");
    println!(
        "full recompute again: {} households in {:.2} s ({} changed status)",
        again.households,
        started.elapsed().as_secs_f64(),
        again.changed
    );
    for (status, n) in continuity::counts(&db).await.unwrap() {
        println!("  {:<9} {n}", status.as_str());
    }

    let step = (households / 500).max(1) as i64;
    let sample: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM households WHERE id % $1 = 0 ORDER BY id LIMIT 500")
            .bind(step)
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let mut samples = Vec::with_capacity(sample.len());
    for (id,) in &sample {
        let t = Instant::now();
        job::recompute(&db, &[*id], now()).await.unwrap();
        samples.push(t.elapsed());
    }
    samples.sort();
    println!(
        "per-event update of one household      n={:<5} p50={:>7.2} ms  p95={:>7.2} ms  max={:>7.2} ms",
        samples.len(),
        percentile(&samples, 0.50).as_secs_f64() * 1e3,
        percentile(&samples, 0.95).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3,
    );
}

/// Signals for a share of the generated households: half the generated
/// lines approved 40 days ago and never fulfilled, and an overdue call for
/// every seventh household.
async fn signals(db: &Db) {
    let at = now();
    sqlx::query(
        "UPDATE application_lines SET state = 'approved', last_action_at = $1 \
         WHERE id % 2 = 0 AND state = 'submitted' AND association_id IS NOT NULL",
    )
    .bind(at - 40 * 86_400)
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO follow_ups (household_id, association_id, kind, due_at, created_at) \
         SELECT l.household_id, MIN(l.association_id), 'call', $1, $2 FROM application_lines l \
         WHERE l.household_id % 7 = 0 AND l.association_id IS NOT NULL GROUP BY l.household_id",
    )
    .bind(at - 3 * 86_400)
    .bind(at - 10 * 86_400)
    .execute(&db.pool)
    .await
    .unwrap();
}
