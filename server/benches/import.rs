//! How fast an import goes, on the engine of `BENCH_DATABASE_URL` (default:
//! a fresh SQLite file under /var/tmp): a households file of `BENCH_ROWS`
//! rows (default 10 000) is read, dry-run, stored and committed the way the
//! upload and the commit button do it, then a benefits file of as many rows;
//! prints rows per second of each step. Run by `bench/import.sh` on both
//! engines; asserts only that every row was imported.

use std::time::Instant;

use app::database::Db;
use app::identity::{RoleKind, with_check_digit};
use app::imports::{ImportKind, check, db, file, job};

const GIVEN: [&str; 10] = [
    "نورة",
    "فاطمة",
    "سارة",
    "هند",
    "مريم",
    "عائشة",
    "خديجة",
    "أمل",
    "منى",
    "ريم",
];
const FATHER: [&str; 10] = [
    "محمد",
    "أحمد",
    "سعد",
    "علي",
    "خالد",
    "فهد",
    "ناصر",
    "عمر",
    "يوسف",
    "سلمان",
];
const FAMILY: [&str; 10] = [
    "الحربي",
    "الغامدي",
    "الزهراني",
    "القحطاني",
    "العتيبي",
    "الشهري",
    "المالكي",
    "الجهني",
    "السلمي",
    "البقمي",
];

async fn timed<T>(name: &str, rows: usize, step: impl std::future::Future<Output = T>) -> T {
    let started = Instant::now();
    let out = step.await;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{name:<34} {rows:>6} rows  {secs:>7.2} s  {:>8.0} rows/s",
        rows as f64 / secs
    );
    out
}

#[tokio::main]
async fn main() {
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(10_000);
    let dir = std::env::temp_dir().join(format!("takamul-import-bench-{}", std::process::id()));
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}/import.db", dir.display()));
    let db = Db::connect(&url, 8).await.expect("connect");
    db.migrate().await.expect("migrate");
    app::demo::seed_demo(&db).await.expect("seed");
    let admin = app::demo::personas()
        .into_iter()
        .find(|p| p.role == RoleKind::AssociationAdmin)
        .unwrap()
        .national_id;
    let (user_id, association_id): (i64, i64) = sqlx::query_as(
        "SELECT u.id, g.association_id FROM users u JOIN role_grants g ON g.user_id = u.id \
         WHERE u.national_id = $1 AND g.role = 'association_admin'",
    )
    .bind(&admin)
    .fetch_one(&db.pool)
    .await
    .expect("the demo association admin");
    let all: Vec<(String,)> = sqlx::query_as(
        "SELECT d.name_ar FROM districts d JOIN cities c ON c.id = d.city_id \
         WHERE c.name_en = 'Jeddah' ORDER BY d.id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    // Names only one Jeddah district answers to (the others need a mapping).
    let key = |name: &str| app::imports::rules::place_key(name);
    let districts: Vec<(String,)> = all
        .iter()
        .filter(|(name,)| {
            all.iter()
                .filter(|(other,)| key(other) == key(name))
                .count()
                == 1
        })
        .cloned()
        .collect();
    let (existing,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM households")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    println!("engine {:?}, {existing} households before", db.engine);
    // A run number keeps IDs apart when the database is reused.
    let run = existing as usize;

    let mut csv = String::from(
        "Head national ID,Head full name,Mobile phone,City,District,Dependants,Monthly income\n",
    );
    let mut ids = Vec::with_capacity(rows);
    for i in 0..rows {
        let n = run + i;
        let id = with_check_digit(&format!("1{:08}", 50_000_000 + n));
        let name = format!(
            "{} {} {} {}",
            GIVEN[n % 10],
            FATHER[n / 10 % 10],
            FATHER[n / 100 % 10],
            FAMILY[n / 1000 % 10]
        );
        let district = &districts[n % districts.len()].0;
        csv.push_str(&format!(
            "{id},{name},05{:08},جدة,{district},{},{}\n",
            60_000_000 + n,
            n % 8,
            n % 9000
        ));
        ids.push(id);
    }
    let by = job::Committer {
        user_id,
        client_ip: "127.0.0.1".into(),
    };
    for (kind, bytes) in [
        (ImportKind::Households, csv.into_bytes()),
        (ImportKind::Benefits, {
            let mut b =
                String::from("Head national ID,Assistance type,Date given,Value in riyals\n");
            for (i, id) in ids.iter().enumerate() {
                b.push_str(&format!(
                    "{id},training,2025-{:02}-{:02},{}\n",
                    i % 12 + 1,
                    i % 28 + 1,
                    i % 5000
                ));
            }
            b.into_bytes()
        }),
    ] {
        println!("-- {} file, {} KB", kind.as_str(), bytes.len() / 1024);
        let parsed = timed("read the file", rows, async {
            file::read(kind, &bytes).unwrap()
        })
        .await;
        let cells: Vec<_> = parsed.iter().map(|(_, c)| c).collect();
        let evaluations = timed(
            "dry run",
            rows,
            check::evaluate(&db, association_id, kind, &cells),
        )
        .await
        .unwrap();
        let batch = db::NewBatch {
            association_id,
            kind,
            file_name: "bench.csv",
            sha256: &format!("bench-{run}-{}", kind.as_str()),
            uploaded_by: user_id,
        };
        let audit = app::audit::AuditEvent::new("import_uploaded");
        let batch_id = timed(
            "store rows and dry run",
            rows,
            db::create_batch(&db, &batch, &parsed, &evaluations, audit),
        )
        .await
        .unwrap();
        db::start_commit(
            &db,
            batch_id,
            user_id,
            app::audit::AuditEvent::new("import_commit_started"),
        )
        .await
        .unwrap();
        timed(
            "commit (500 rows per transaction)",
            rows,
            job::run(&db, batch_id, association_id, kind, &by),
        )
        .await
        .unwrap();
        let summary = db::batch(&db, batch_id).await.unwrap().unwrap();
        println!(
            "{:<34} created {} matched {} review {} refused {}",
            "  result", summary.created, summary.matched, summary.sent_to_review, summary.refused
        );
        assert_eq!(summary.created as usize, rows, "every row imported");
    }
    let _ = std::fs::remove_dir_all(dir);
}
