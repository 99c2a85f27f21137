//! The "our families" export at scale, through the real router over HTTP:
//! `BENCH_ROWS` households (default 100 000) served by Al Nakhla (one line
//! each, written straight into a fresh database of the engine named by
//! `BENCH_ENGINE`, `sqlite` or `postgres`), then the CSV and the XLSX
//! downloaded by its staff member. Prints each file's rows, size, time and
//! the server process's peak resident memory during the download (the
//! peak is reset before each, through /proc/self/clear_refs).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use app::database::Engine;

const MONA_NAKHLA_STAFF: &str = "1000000032";

/// (resident now, peak since the last reset), in MiB, from /proc/self/status.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn reset_peak() {
    // "5" resets the peak resident set size (Linux 4.0 and later).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

#[tokio::main]
async fn main() {
    let rows: i64 = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let engine = match std::env::var("BENCH_ENGINE").as_deref() {
        Ok("postgres") => Engine::Postgres,
        _ => Engine::Sqlite,
    };
    let Some(app) = common::spawn_app(engine).await else {
        println!("no PostgreSQL: set TAKAMUL_TEST_POSTGRES_URL");
        return;
    };
    let pool = &app.state.db.pool;
    let (nakhla,): (i64,) =
        sqlx::query_as("SELECT id FROM associations WHERE licence_number = 'DEMO-001'")
            .fetch_one(pool)
            .await
            .unwrap();
    let (district,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM districts")
        .fetch_one(pool)
        .await
        .unwrap();
    let (kind,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM assistance_types WHERE active = 1")
        .fetch_one(pool)
        .await
        .unwrap();
    let started = Instant::now();
    let now = app::database::now();
    for chunk in (0..rows).collect::<Vec<_>>().chunks(500) {
        let mut tx = pool.begin().await.unwrap();
        for i in chunk {
            let (household,): (i64,) = sqlx::query_as(
                "INSERT INTO households (head_national_id, head_name_ar, district_id, verified, \
                   status, created_at, updated_at) VALUES ($1, $2, $3, 1, 'registered', $4, $4) \
                 RETURNING id",
            )
            .bind(format!("B{i:09}"))
            .bind(format!("أسرة رقم {i}"))
            .bind(district)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            let (application,): (i64,) = sqlx::query_as(
                "INSERT INTO applications (household_id, submission_key, created_at) \
                 VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(household)
            .bind(format!("bench-{i}"))
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            sqlx::query(
                "INSERT INTO application_lines (application_id, household_id, assistance_type_id, \
                   description, state, association_id, created_at, last_action_at) \
                 VALUES ($1, $2, $3, 'طلب', 'submitted', $4, $5, $5)",
            )
            .bind(application)
            .bind(household)
            .bind(kind)
            .bind(nakhla)
            .bind(now)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
    }
    println!(
        "engine {engine:?}: {rows} households served by Al Nakhla written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let staff = app.signed_in(MONA_NAKHLA_STAFF).await;
    for format in ["csv", "xlsx"] {
        reset_peak();
        let (before, _) = memory();
        let started = Instant::now();
        let mut response = staff
            .get(&format!(
                "/association/families.{format}?association={nakhla}"
            ))
            .await;
        assert_eq!(response.status(), 200);
        // Counted as they arrive, not kept: the peak is the server's.
        let mut size = 0;
        while let Some(chunk) = response.chunk().await.unwrap() {
            size += chunk.len();
        }
        let elapsed = started.elapsed();
        let (_, peak) = memory();
        println!(
            "families.{format:<4} {rows} rows, {:>6.1} MiB in {:>5.2} s; server RSS before {before:>6.1} MiB, peak during {peak:>6.1} MiB (+{:.1})",
            size as f64 / 1_048_576.0,
            elapsed.as_secs_f64(),
            peak - before
        );
    }
}
