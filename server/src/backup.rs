//! `server backup PATH` and `server restore PATH`: a consistent copy of a
//! running database, and bringing it back into an empty one (docs/DEPLOY.md).
//!
//! - SQLite: `VACUUM INTO`, one read transaction, so the copy is the database
//!   as of one moment while writers go on (WAL); compacted and checked.
//! - PostgreSQL: `pg_dump --format=custom --no-owner --no-privileges`, which
//!   reads every table in one repeatable-read snapshot; restored with
//!   `pg_restore` in one transaction. The client tools must be at least the
//!   server's major version (Debian: `postgresql-client`).
//!
//! Neither ever overwrites: the copy is written under a temporary name beside
//! the target and linked into place only if nothing is there yet.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use app::database::{Db, Engine};

use crate::config::{masked_database_url, sqlite_path};

/// Why a backup or a restore did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists: a backup never overwrites a file; choose a new name")]
    Exists(PathBuf),
    #[error("the folder of {0} does not exist: create it first")]
    NoFolder(PathBuf),
    #[error(
        "the SQLite database {path} (DATABASE_URL) does not exist: there is nothing to back up"
    )]
    NoSource { path: String },
    #[error(
        "restore needs an empty database, and DATABASE_URL={url} already holds {what}: \
         point DATABASE_URL at a new database (or move the old one away) and run the restore again"
    )]
    NotEmpty { url: String, what: String },
    #[error("{path} is not a Takamul {engine} backup: {why}")]
    NotABackup {
        path: PathBuf,
        engine: &'static str,
        why: String,
    },
    #[error(
        "{tool} was not found: PostgreSQL backups use the PostgreSQL client tools \
         (Debian: apt-get install postgresql-client), at least the server's major version"
    )]
    ToolMissing { tool: &'static str },
    #[error("{tool} failed ({status}): {stderr}")]
    ToolFailed {
        tool: &'static str,
        status: String,
        stderr: String,
    },
    #[error("the database at DATABASE_URL={url} could not be read: {cause}")]
    Database { url: String, cause: String },
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// What a finished backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    pub took: Duration,
}

/// Writes a consistent copy of the database at `database_url` to `path`,
/// which must not exist yet.
pub async fn backup(database_url: &str, path: &Path) -> Result<BackupReport, BackupError> {
    let started = Instant::now();
    if path.exists() {
        return Err(BackupError::Exists(path.to_path_buf()));
    }
    let partial = partial_name(path)?;
    // Readable by its owner only: a backup holds every national ID and
    // session. Created empty first, so the copy never exists with wider rights
    // (VACUUM INTO and pg_dump both write into an existing empty file).
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&partial)
            .map_err(|e| BackupError::Io(partial.clone(), e))?;
    }
    let written = match Engine::from_url(database_url) {
        Engine::Sqlite => sqlite_backup(database_url, &partial).await,
        Engine::Postgres => pg_dump(database_url, &partial),
    };
    let placed = written.and_then(|()| place(&partial, path));
    // The temporary file goes whatever happened (a failed copy is not a backup).
    let _ = std::fs::remove_file(&partial);
    placed?;
    let bytes = std::fs::metadata(path)
        .map_err(|e| BackupError::Io(path.to_path_buf(), e))?
        .len();
    Ok(BackupReport {
        path: path.to_path_buf(),
        bytes,
        took: started.elapsed(),
    })
}

/// Brings the backup at `path` into the empty database at `database_url`.
pub async fn restore(database_url: &str, path: &Path) -> Result<(), BackupError> {
    if !path.is_file() {
        return Err(BackupError::Io(
            path.to_path_buf(),
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such backup file"),
        ));
    }
    match Engine::from_url(database_url) {
        Engine::Sqlite => sqlite_restore(database_url, path).await,
        Engine::Postgres => pg_restore(database_url, path).await,
    }
}

/// `PATH.partial-<random>` in the target's folder, so the final step is a link.
fn partial_name(path: &Path) -> Result<PathBuf, BackupError> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(BackupError::NoFolder(path.to_path_buf()));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "backup".to_string());
    Ok(folder.join(format!(".{name}.partial-{}", &app::ids::new_token()[..12])))
}

/// Links the finished copy to its name: fails, rather than replaces, when
/// something appeared there meanwhile.
fn place(partial: &Path, path: &Path) -> Result<(), BackupError> {
    std::fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| BackupError::Io(partial.to_path_buf(), e))?;
    std::fs::hard_link(partial, path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => BackupError::Exists(path.to_path_buf()),
        _ => BackupError::Io(path.to_path_buf(), e),
    })
}

fn database_error(database_url: &str, error: impl std::fmt::Display) -> BackupError {
    BackupError::Database {
        url: masked_database_url(database_url),
        cause: error.to_string(),
    }
}

async fn sqlite_backup(database_url: &str, partial: &Path) -> Result<(), BackupError> {
    let source = sqlite_path(database_url);
    if !Path::new(&source).is_file() {
        return Err(BackupError::NoSource { path: source });
    }
    let db = Db::connect(database_url, 1)
        .await
        .map_err(|e| database_error(database_url, e))?;
    // One read transaction: the copy is the database as of its start, while
    // the server's writers carry on in the WAL.
    sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().to_string())
        .execute(&db.pool)
        .await
        .map_err(|e| database_error(database_url, e))?;
    db.pool.close().await;
    check_sqlite_copy(partial).await
}

/// Opens a SQLite copy read-only: it must pass `integrity_check` and carry
/// the migrations table (it is a Takamul database).
async fn check_sqlite_copy(path: &Path) -> Result<(), BackupError> {
    let not_a_backup = |why: String| BackupError::NotABackup {
        path: path.to_path_buf(),
        engine: "SQLite",
        why,
    };
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", path.display());
    let options: sqlx::any::AnyConnectOptions = url
        .parse()
        .map_err(|e: sqlx::Error| not_a_backup(e.to_string()))?;
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect_with(&options)
        .await
        .map_err(|e| not_a_backup(e.to_string()))?;
    let (verdict,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| not_a_backup(e.to_string()))?;
    if verdict != "ok" {
        return Err(not_a_backup(format!("integrity check: {verdict}")));
    }
    let (migrations,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(|e| not_a_backup(e.to_string()))?;
    if migrations == 0 {
        return Err(not_a_backup("it has no migrations table".to_string()));
    }
    Ok(())
}

async fn sqlite_restore(database_url: &str, backup: &Path) -> Result<(), BackupError> {
    let target = PathBuf::from(sqlite_path(database_url));
    let nonempty = |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.len() > 0);
    let wal = PathBuf::from(format!("{}-wal", target.display()));
    if nonempty(&target) || nonempty(&wal) {
        return Err(BackupError::NotEmpty {
            url: masked_database_url(database_url),
            what: format!("the file {}", target.display()),
        });
    }
    check_sqlite_copy(backup).await?;
    if let Some(folder) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|e| BackupError::Io(folder.to_path_buf(), e))?;
    }
    // An empty file left by an earlier start goes; anything else stays (checked above).
    for leftover in [&target, &wal] {
        if leftover.exists() {
            std::fs::remove_file(leftover).map_err(|e| BackupError::Io(leftover.clone(), e))?;
        }
    }
    let partial = partial_name(&target)?;
    let copied = std::fs::copy(backup, &partial)
        .map_err(|e| BackupError::Io(partial.clone(), e))
        .and_then(|_| place(&partial, &target));
    let _ = std::fs::remove_file(&partial);
    copied
}

/// The URL without its password, and the password for `PGPASSWORD`, so the
/// secret never shows in the process list.
fn split_password(database_url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = database_url.split_once("://") else {
        return (database_url.to_string(), None);
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (database_url.to_string(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (database_url.to_string(), None);
    };
    (
        format!("{scheme}://{user}@{host}{tail}"),
        Some(percent_decode(password)),
    )
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(value) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(value);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_string()
}

/// Runs a PostgreSQL client tool against `database_url`.
fn pg_tool(tool: &'static str, database_url: &str, args: &[&str]) -> Result<(), BackupError> {
    let (url, password) = split_password(database_url);
    let mut command = Command::new(tool);
    command.args(args).arg("--dbname").arg(&url);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => BackupError::ToolMissing { tool },
        _ => BackupError::Io(PathBuf::from(tool), e),
    })?;
    if output.status.success() {
        return Ok(());
    }
    Err(BackupError::ToolFailed {
        tool,
        status: output.status.to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).trim().to_string(),
    })
}

fn pg_dump(database_url: &str, partial: &Path) -> Result<(), BackupError> {
    let file = partial.to_string_lossy().to_string();
    pg_tool(
        "pg_dump",
        database_url,
        &[
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            &file,
        ],
    )
}

async fn pg_restore(database_url: &str, backup: &Path) -> Result<(), BackupError> {
    let db = Db::connect(database_url, 1)
        .await
        .map_err(|e| database_error(database_url, e))?;
    let (tables,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()",
    )
    .fetch_one(&db.pool)
    .await
    .map_err(|e| database_error(database_url, e))?;
    db.pool.close().await;
    if tables > 0 {
        return Err(BackupError::NotEmpty {
            url: masked_database_url(database_url),
            what: format!("{tables} tables"),
        });
    }
    let file = backup.to_string_lossy().to_string();
    // Listing the archive first tells "not a pg_dump archive" apart from a
    // failed restore, and leaves the database untouched in the first case.
    pg_list(backup)?;
    pg_tool(
        "pg_restore",
        database_url,
        &[
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            &file,
        ],
    )
}

fn pg_list(backup: &Path) -> Result<(), BackupError> {
    let output = Command::new("pg_restore")
        .arg("--list")
        .arg(backup)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => BackupError::ToolMissing { tool: "pg_restore" },
            _ => BackupError::Io(PathBuf::from("pg_restore"), e),
        })?;
    let listing = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || !listing.contains("_sqlx_migrations") {
        return Err(BackupError::NotABackup {
            path: backup.to_path_buf(),
            engine: "PostgreSQL",
            why: if output.status.success() {
                "it has no migrations table".to_string()
            } else {
                String::from_utf8_lossy(&output.stderr).trim().to_string()
            },
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url() {
        assert_eq!(
            split_password("postgres://takamul:s%40cret@db:5432/takamul?sslmode=require"),
            (
                "postgres://takamul@db:5432/takamul?sslmode=require".to_string(),
                Some("s@cret".to_string())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1/test"),
            ("postgres://postgres@127.0.0.1/test".to_string(), None)
        );
    }
}
