//! Configuration mistakes at start-up: the built binary stops with one
//! sentence that names the variable, exit code 1, and no panic trace; a
//! correct configuration serves `/healthz`.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A development configuration that starts (simulator on loopback, a fresh
/// SQLite file and photo folder), to change one variable at a time.
fn base(folder: &std::path::Path) -> Vec<(String, String)> {
    [
        ("TAKAMUL_ENV", "development".to_string()),
        ("NAFATH_MODE", "simulator".to_string()),
        (
            "DATABASE_URL",
            format!("sqlite://{}/takamul.db", folder.display()),
        ),
        (
            "TAKAMUL_PHOTO_DIR",
            folder.join("photos").display().to_string(),
        ),
        (
            "LEPTOS_SITE_ROOT",
            folder.join("site").display().to_string(),
        ),
        ("LEPTOS_OUTPUT_NAME", "takamul".to_string()),
        ("LEPTOS_SITE_ADDR", "127.0.0.1:0".to_string()),
        ("RUST_LOG", "warn".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// Runs `server serve` with exactly these variables (plus PATH) and waits
/// for it to stop (at most 40 s).
fn serve(vars: &[(String, String)]) -> (Option<i32>, String, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return (status.code(), stderr, started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(40) {
            let _ = child.kill();
            panic!("the server did not stop within 40 s with {vars:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn with(folder: &std::path::Path, changes: &[(&str, Option<String>)]) -> Vec<(String, String)> {
    let mut vars = base(folder);
    for (name, value) in changes {
        vars.retain(|(k, _)| k != name);
        if let Some(value) = value {
            vars.push((name.to_string(), value.clone()));
        }
    }
    vars
}

/// Asserts one clear sentence naming `variable`, exit code 1, no panic.
fn refuses(vars: &[(String, String)], variable: &str, sentence: &str) {
    let (code, stderr, took) = serve(vars);
    eprintln!(
        "{variable} ({:.1} s): {}",
        took.as_secs_f64(),
        stderr.trim()
    );
    assert_eq!(code, Some(1), "exit code for {variable}: {stderr}");
    assert!(
        !stderr.contains("panicked"),
        "a panic for {variable}: {stderr}"
    );
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no error line for {variable}: {stderr}"));
    assert!(line.contains(variable), "{line} does not name {variable}");
    assert!(line.contains(sentence), "{line} does not say {sentence:?}");
    assert_eq!(
        stderr.lines().filter(|l| !l.trim().is_empty()).count(),
        1,
        "more than one line for {variable}: {stderr}"
    );
}

#[test]
fn each_configuration_mistake_stops_the_start_with_its_variable_named() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path();
    let set = |name: &'static str, value: &str| (name, Some(value.to_string()));

    // Production (the default) without Nafath's credentials.
    refuses(
        &with(dir, &[("TAKAMUL_ENV", None), ("NAFATH_MODE", None)]),
        "NAFATH_BASE_URL",
        "must be set when NAFATH_MODE=live",
    );
    let live = [
        set("TAKAMUL_ENV", "production"),
        set("NAFATH_MODE", "live"),
        set("NAFATH_BASE_URL", "https://nafath.example"),
        set("NAFATH_APP_ID", "takamul"),
    ];
    refuses(
        &with(dir, &live),
        "NAFATH_APP_KEY",
        "must be set when NAFATH_MODE=live",
    );
    refuses(
        &with(dir, &[set("TAKAMUL_ENV", "production")]),
        "NAFATH_MODE=simulator",
        "the Nafath simulator runs only when asked for",
    );
    refuses(
        &with(dir, &[set("NAFATH_MODE", "sandbox")]),
        "NAFATH_MODE",
        "has an invalid value \"sandbox\": expected live or simulator",
    );
    // Messages to families: live needs both gateways' credentials; the
    // simulator only runs in development.
    refuses(
        &with(dir, &[set("MESSAGING_MODE", "live")]),
        "TAQNYAT_TOKEN",
        "must be set when MESSAGING_MODE=live",
    );
    refuses(
        &with(
            dir,
            &[
                set("MESSAGING_MODE", "live"),
                set("TAQNYAT_TOKEN", "token"),
                set("TAQNYAT_SENDER", "Takamul"),
                set("WHATSAPP_TOKEN", "token"),
            ],
        ),
        "WHATSAPP_PHONE_NUMBER_ID",
        "must be set when MESSAGING_MODE=live",
    );
    let mut production_with_simulator = live.to_vec();
    production_with_simulator.push(set("NAFATH_APP_KEY", "key"));
    production_with_simulator.push(set("MESSAGING_MODE", "simulator"));
    refuses(
        &with(dir, &production_with_simulator),
        "MESSAGING_MODE=simulator",
        "the messaging simulator runs only when asked for",
    );
    refuses(
        &with(dir, &[set("MESSAGING_MODE", "sms")]),
        "MESSAGING_MODE",
        "expected off, live or simulator",
    );
    // The database: a URL of another engine, a malformed one, one that
    // nothing answers at, and a file that cannot be created.
    refuses(
        &with(dir, &[set("DATABASE_URL", "mysql://db/takamul")]),
        "DATABASE_URL",
        "has an invalid value",
    );
    refuses(
        &with(
            dir,
            &[set(
                "DATABASE_URL",
                "postgres://takamul:secret@db:port/takamul",
            )],
        ),
        "DATABASE_URL",
        "has an invalid value \"postgres://takamul:***@db:port/takamul\"",
    );
    refuses(
        &with(
            dir,
            &[set(
                "DATABASE_URL",
                "postgres://takamul:secret@127.0.0.1:1/takamul",
            )],
        ),
        "DATABASE_URL=postgres://takamul:***@127.0.0.1:1/takamul",
        "cannot open the database at",
    );
    // A PostgreSQL server that answers, without that database.
    let admin = std::env::var("TAKAMUL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    let (server, _) = admin.rsplit_once('/').unwrap();
    refuses(
        &with(
            dir,
            &[set(
                "DATABASE_URL",
                &format!("{server}/takamul_no_such_database"),
            )],
        ),
        "DATABASE_URL",
        "cannot open the database at",
    );
    let a_file = dir.join("a-file");
    std::fs::write(&a_file, "not a folder").unwrap();
    refuses(
        &with(
            dir,
            &[set(
                "DATABASE_URL",
                &format!("sqlite://{}/takamul.db", a_file.display()),
            )],
        ),
        "DATABASE_URL",
        "cannot open the database at",
    );
    // The photo folder: under a file, so not even root can write it.
    refuses(
        &with(
            dir,
            &[set(
                "TAKAMUL_PHOTO_DIR",
                &a_file.join("photos").display().to_string(),
            )],
        ),
        "TAKAMUL_PHOTO_DIR",
        "is not a writable folder",
    );
    refuses(
        &with(dir, &[set("TAKAMUL_PHOTO_BUCKET", "takamul-photos")]),
        "TAKAMUL_PHOTO_BUCKET_ENDPOINT",
        "must be set when TAKAMUL_PHOTO_BUCKET is set",
    );
    // The listen address: not an address, and one already taken.
    refuses(
        &with(dir, &[set("LEPTOS_SITE_ADDR", "localhost:http")]),
        "LEPTOS_SITE_ADDR",
        "has an invalid value \"localhost:http\"",
    );
    refuses(
        &with(dir, &[set("LEPTOS_ENV", "staging")]),
        "LEPTOS_ENV",
        "has an invalid value \"staging\"",
    );
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_addr = taken.local_addr().unwrap().to_string();
    refuses(
        &with(dir, &[set("LEPTOS_SITE_ADDR", &taken_addr)]),
        &format!("LEPTOS_SITE_ADDR={taken_addr}"),
        "cannot listen on",
    );
    // Numbers and lists.
    refuses(
        &with(dir, &[set("TAKAMUL_SESSION_IDLE_SECS", "an hour")]),
        "TAKAMUL_SESSION_IDLE_SECS",
        "expected a whole number",
    );
    refuses(
        &with(dir, &[set("TAKAMUL_TRUSTED_PROXIES", "nginx")]),
        "TAKAMUL_TRUSTED_PROXIES",
        "expected IP addresses or CIDR ranges",
    );
}

#[test]
fn a_correct_configuration_serves_healthz() {
    let folder = tempfile::tempdir().unwrap();
    serves_healthz(&base(folder.path()));
}

/// A local S3 server (moto, as `photo_bucket.rs` uses) with one bucket;
/// `None` with a loud note when it is not installed, except in CI.
struct S3Server(std::process::Child, String);

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_s3(bucket: &str) -> Option<S3Server> {
    let program =
        std::env::var("TAKAMUL_TEST_S3_SERVER").unwrap_or_else(|_| "moto_server".to_string());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = match Command::new(&program)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI needs the S3 test server ({program}): {error}"
            );
            eprintln!(
                "!!! {program} not found ({error}): the bucket start-up test does NOT run !!!"
            );
            return None;
        }
    };
    let server = S3Server(child, format!("127.0.0.1:{port}"));
    let started = Instant::now();
    loop {
        use std::io::Write;
        if let Ok(mut stream) = std::net::TcpStream::connect(&server.1) {
            let request = format!(
                "PUT /{bucket} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                server.1
            );
            stream.write_all(request.as_bytes()).unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            assert!(answer.starts_with("HTTP/1.1 200"), "bucket: {answer}");
            return Some(server);
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "moto did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_photo_bucket_is_written_once_at_start_up() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path();
    let bucket = |endpoint: &str, name: &str| {
        with(
            dir,
            &[
                ("TAKAMUL_PHOTO_BUCKET", Some(name.to_string())),
                ("TAKAMUL_PHOTO_BUCKET_ENDPOINT", Some(endpoint.to_string())),
                (
                    "TAKAMUL_PHOTO_BUCKET_KEY_ID",
                    Some("takamul-test".to_string()),
                ),
                (
                    "TAKAMUL_PHOTO_BUCKET_SECRET",
                    Some("takamul-test-secret".to_string()),
                ),
            ],
        )
    };
    // Nothing listens there.
    refuses(
        &bucket("http://127.0.0.1:1", "takamul-photos"),
        "TAKAMUL_PHOTO_BUCKET=takamul-photos at TAKAMUL_PHOTO_BUCKET_ENDPOINT=http://127.0.0.1:1",
        "cannot be written",
    );
    let Some(s3) = start_s3("takamul-photos") else {
        return;
    };
    let endpoint = format!("http://{}", s3.1);
    refuses(
        &bucket(&endpoint, "no-such-bucket"),
        "TAKAMUL_PHOTO_BUCKET=no-such-bucket",
        "cannot be written",
    );
    serves_healthz(&bucket(&endpoint, "takamul-photos"));
}

/// Starts the server with `vars`, reads `/healthz` and `/metrics`, stops it.
fn serves_healthz(vars: &[(String, String)]) {
    use std::io::{BufRead, Write};
    // Port 0: the server says which port it got, so no other test can take it first.
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = lines
        .find_map(|line| {
            line.ok()?
                .strip_prefix("Takamul is listening on http://")
                .map(str::to_string)
        })
        .expect("the server says where it listens");
    let get = |path: &str| {
        let mut stream = std::net::TcpStream::connect(&listening).unwrap();
        stream
            .write_all(
                format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    let health = get("/healthz");
    // What monitoring reads (docs/DEPLOY.md): the health check counted,
    // response times, the database pool.
    let metrics = get("/metrics");
    let _ = child.kill();
    let _ = child.wait();
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with("ok"), "{health}");
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    for line in [
        "takamul_http_responses_total{class=\"2xx\"} 1",
        "takamul_database_up 1",
        "takamul_http_response_seconds_bucket{le=\"+Inf\"} 1",
        "takamul_http_response_seconds_count 1",
        "takamul_db_connections_max 16",
    ] {
        assert!(metrics.contains(line), "no {line:?} in {metrics}");
    }
    assert!(
        metrics.contains("takamul_db_connections{state=\"busy\"}"),
        "{metrics}"
    );
}
