//! `server backup` and `server restore` on a live instance that keeps being
//! written to: each backup, restored into a fresh database, must equal the
//! live database as it was between two writes — every table, every row.
//!
//! The writer makes one write transaction at a time (fictional registered
//! households with their identities, keys and application lines, across
//! several tables) and reads the whole database after each, so every state
//! the database went through is known; a consistent snapshot is one of them.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use app::database::{Db, Engine};
use common::TestDatabase;
use sha2::Digest;

/// Per table: its row count and the SHA-256 of its rows (each as text,
/// sorted) — the whole content of a database, small enough to keep one per
/// state the database goes through.
type Dump = BTreeMap<String, (usize, [u8; 32])>;

async fn table_names(db: &Db) -> Vec<String> {
    let sql = match db.engine {
        // Planner statistics (ANALYZE) are not data.
        Engine::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_stat%' ORDER BY name"
        }
        Engine::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1"
        }
    };
    sqlx::query_as::<_, (String,)>(sql)
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .into_iter()
        .map(|(name,)| name)
        .collect()
}

/// Reads every row of every table, each row as one text value.
async fn dump(db: &Db) -> Dump {
    let mut out = Dump::new();
    for table in table_names(db).await {
        let select = match db.engine {
            Engine::Sqlite => {
                let columns: Vec<(String,)> =
                    sqlx::query_as("SELECT name FROM pragma_table_info($1) ORDER BY cid")
                        .bind(&table)
                        .fetch_all(&db.pool)
                        .await
                        .unwrap();
                let row = columns
                    .iter()
                    .map(|(c,)| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                format!("SELECT {row} FROM \"{table}\"")
            }
            Engine::Postgres => format!("SELECT CAST(row_to_json(t) AS TEXT) FROM \"{table}\" t"),
        };
        let mut rows: Vec<String> = sqlx::query_as::<_, (String,)>(sqlx::AssertSqlSafe(select))
            .fetch_all(&db.pool)
            .await
            .unwrap_or_else(|e| panic!("reading {table}: {e}"))
            .into_iter()
            .map(|(r,)| r)
            .collect();
        rows.sort();
        let mut digest = sha2::Sha256::new();
        for row in &rows {
            digest.update(row.as_bytes());
            digest.update([0]);
        }
        out.insert(table, (rows.len(), digest.finalize().into()));
    }
    out
}

/// Runs the server binary with `DATABASE_URL` (and nothing else of ours).
async fn server(database_url: &str, args: &[&str]) -> std::process::Output {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command.args(args).env("DATABASE_URL", database_url);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(output: &std::process::Output) -> String {
    format!(
        "status {}\nstdout: {}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The tables that differ between two dumps, for a readable failure.
fn difference(a: &Dump, b: &Dump) -> String {
    let mut out = Vec::new();
    for (table, (rows, _)) in a {
        match b.get(table) {
            None => out.push(format!("{table} missing")),
            Some(other) if other != &a[table] => {
                out.push(format!("{table}: {rows} rows vs {}", other.0));
            }
            _ => {}
        }
    }
    out.extend(
        b.keys()
            .filter(|t| !a.contains_key(*t))
            .map(|t| format!("{t} extra")),
    );
    out.join(", ")
}

both_engines! {
    async fn a_backup_taken_under_writes_restores_one_consistent_moment(app: TestApp) {
        let engine = app.state.db.engine;
        let db = app.state.db.clone();
        // Some volume, and the tables a real sign-in and registration fill.
        app::demo::generate_households(&db, 300).await.unwrap();
        let family = app
            .signed_in(&common::persona(app::identity::RoleKind::FamilyMember))
            .await;
        common::register_household(&family, common::jeddah_district(&db, 3).await).await;

        let states = Arc::new(Mutex::new(vec![dump(&db).await]));
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (db, states, stop) = (db.clone(), states.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    // One write transaction (with an ANALYZE after it).
                    app::demo::generate_households(&db, 2).await.unwrap();
                    let state = dump(&db).await;
                    states.lock().unwrap().push(state);
                }
            })
        };
        let written = || states.lock().unwrap().len();
        while written() < 3 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }

        // Backups until two of them saw a write finish while they ran (a
        // backup takes tens of milliseconds, a write and its read-back a few
        // hundred, so this takes some tries). Those and the first are
        // restored and checked.
        let folder = tempfile::tempdir().unwrap();
        let mut backups = Vec::new();
        let mut overlapped = 0;
        for round in 0..60u64 {
            let path = folder.path().join(format!("takamul-{round}.backup"));
            let before = written();
            let output = server(&app.database.url, &["backup", path.to_str().unwrap()]).await;
            let after = written();
            assert!(output.status.success(), "backup: {}", text(&output));
            assert!(String::from_utf8_lossy(&output.stdout).contains("backup written"));
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "a backup is for its owner only");
            if round == 0 || after > before {
                overlapped += usize::from(after > before);
                backups.push((path, before, after));
            }
            if overlapped >= 2 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(13 * (round % 7))).await;
        }
        while written() < backups.last().unwrap().2 + 2 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        stop.store(true, Ordering::SeqCst);
        writer.await.unwrap();
        let states = states.lock().unwrap().clone();
        eprintln!(
            "{engine:?}: {} tables, {} writes in all; {overlapped} backups saw writes finish \
             while they ran",
            states[0].len(),
            states.len() - 1
        );
        assert!(overlapped > 0, "no write finished while a backup ran: the test proves nothing");

        // Never over an existing file, and never into a database that holds data.
        let (first, _, _) = &backups[0];
        let again = server(&app.database.url, &["backup", first.to_str().unwrap()]).await;
        assert_eq!(again.status.code(), Some(1), "{}", text(&again));
        assert!(
            String::from_utf8_lossy(&again.stderr).contains("already exists"),
            "{}",
            text(&again)
        );
        let over_live = server(&app.database.url, &["restore", first.to_str().unwrap()]).await;
        assert_eq!(over_live.status.code(), Some(1), "{}", text(&over_live));
        assert!(
            String::from_utf8_lossy(&over_live.stderr).contains("restore needs an empty database"),
            "{}",
            text(&over_live)
        );

        for (path, before, after) in &backups {
            let target = TestDatabase::create(engine).await.unwrap();
            let output = server(&target.url, &["restore", path.to_str().unwrap()]).await;
            assert!(output.status.success(), "restore: {}", text(&output));
            let restored = Db::connect(&target.url, 2).await.unwrap();
            let content = dump(&restored).await;
            // The state after k writes; it was taken between the last state
            // recorded before the backup started and the first after it ended.
            let k = states.iter().position(|s| *s == content).unwrap_or_else(|| {
                panic!(
                    "{}: restored content equals no state the database went through \
                     (against the nearest: {})",
                    path.display(),
                    difference(&content, &states[*before.min(&(states.len() - 1))])
                )
            });
            assert!(
                k + 1 >= *before && k <= *after,
                "restored state {k} lies outside the backup's time ({before}..{after})"
            );
            assert!(content.values().map(|(rows, _)| rows).sum::<usize>() > 1000);
            // The restored database takes new writes (counters and sequences came along).
            restored.migrate().await.unwrap();
            app::demo::generate_households(&restored, 1).await.unwrap();
            restored.pool.close().await;
        }
    }
}

#[tokio::test]
async fn a_backup_refuses_what_it_cannot_do() {
    let folder = tempfile::tempdir().unwrap();
    let missing = format!("sqlite://{}/none.db", folder.path().display());
    let output = server(
        &missing,
        &["backup", folder.path().join("b").to_str().unwrap()],
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("does not exist"),
        "{}",
        text(&output)
    );
    assert!(!Path::new(&folder.path().join("none.db")).exists());
    // PostgreSQL without its client tools: the sentence says what to install.
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(["backup", folder.path().join("pg.backup").to_str().unwrap()])
        .env("DATABASE_URL", common::postgres_admin_url())
        .env("PATH", "/nonexistent");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("pg_dump was not found: PostgreSQL backups use the PostgreSQL client tools"),
        "{}",
        text(&output)
    );
    assert!(!folder.path().join("pg.backup").exists());
    let not_a_backup = folder.path().join("notes.txt");
    std::fs::write(&not_a_backup, "hello").unwrap();
    let target = format!("sqlite://{}/restored.db", folder.path().display());
    let output = server(&target, &["restore", not_a_backup.to_str().unwrap()]).await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("is not a Takamul SQLite backup"),
        "{}",
        text(&output)
    );
}
