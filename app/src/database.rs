//! The data layer shared by every domain (server only).
//!
//! One code path serves both engines: sqlx's `Any` driver with `$1, $2…`
//! placeholders, which SQLite and PostgreSQL both accept. The rules a domain's
//! `db.rs` follows are in `docs/ARCHITECTURE.md`: integers are `BIGINT`
//! (SQLite `INTEGER`), times are Unix seconds, flags are 0/1 integers, and
//! aggregates that PostgreSQL widens to NUMERIC are cast back to BIGINT.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// Which engine a pool talks to; domains ask only where the SQL must differ
/// (full-text search, for instance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn from_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Engine::Postgres
        } else {
            Engine::Sqlite
        }
    }
}

/// A connection pool and the engine behind it.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub engine: Engine,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Why the database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create the data directory {0}: {1}")]
    DataDir(String, std::io::Error),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Opens a pool for `url` (`sqlite://path` or `postgres://…`). A SQLite
    /// file and its directory are created when missing.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, DbSetupError> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url);
        let url = match engine {
            Engine::Sqlite => prepare_sqlite_url(url)?,
            Engine::Postgres => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // Per-connection settings: durability for registrations,
                        // enforced foreign keys, and waiting instead of failing
                        // when another writer holds the lock. `optimize` keeps the
                        // planner's statistics fresh (SQLite's advice for
                        // long-lived connections; the pool renews them every
                        // 30 minutes): without them it walks a whole index for a
                        // filter another index answers at once.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                             PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;",
                        )
                        .await?;
                    } else {
                        // Web requests are short and many at once: a parallel
                        // plan's workers only add their start-up (a common word
                        // sorted by price: 53 ms with two workers, 18 ms
                        // without), and JIT compiling costs more than these
                        // queries run.
                        conn.execute("SET max_parallel_workers_per_gather = 0; SET jit = off")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool, engine })
    }

    /// Applies the pending migrations of this engine's folder.
    pub async fn migrate(&self) -> Result<(), DbSetupError> {
        match self.engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Engine::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Starts a transaction that will write. SQLite takes the write lock at
    /// `BEGIN IMMEDIATE`, so concurrent writers wait (busy timeout) instead of
    /// failing when a read lock cannot be upgraded; PostgreSQL needs nothing special.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Engine::Postgres => self.pool.begin().await,
        }
    }

    /// Refreshes the planner's statistics after a bulk load (the generators).
    pub async fn analyze(&self) -> Result<(), sqlx::Error> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    /// Answers whether the database can run a query (for `/healthz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// Adds `mode=rwc` so SQLite creates the file, and creates its directory.
fn prepare_sqlite_url(url: &str) -> Result<String, DbSetupError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    let dir = std::path::Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir.filter(|_| path != ":memory:") {
        std::fs::create_dir_all(dir)
            .map_err(|e| DbSetupError::DataDir(dir.display().to_string(), e))?;
    }
    let url = if url.starts_with("sqlite:") {
        url.to_string()
    } else {
        format!("sqlite://{url}")
    };
    Ok(if url.contains("mode=") {
        url
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// The current time as Unix seconds, the one time format stored.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// An error that may come from the database, so that a conflict worth
/// retrying can be told apart from a refusal.
pub trait DbFailure {
    /// The database error inside, if this is one.
    fn database_error(&self) -> Option<&sqlx::Error>;
}

impl DbFailure for sqlx::Error {
    fn database_error(&self) -> Option<&sqlx::Error> {
        Some(self)
    }
}

/// Implements [`DbFailure`] for a domain's error enum that wraps the
/// database's error in a `Database(sqlx::Error)` variant.
#[macro_export]
macro_rules! db_failure {
    ($error:ty) => {
        impl $crate::database::DbFailure for $error {
            fn database_error(&self) -> Option<&sqlx::Error> {
                match self {
                    Self::Database(error) => Some(error),
                    #[allow(unreachable_patterns)]
                    _ => None,
                }
            }
        }
    };
}

/// True when `error` is a conflict between concurrent transactions that a
/// fresh attempt resolves: PostgreSQL's serialization failure, deadlock or
/// lock timeout; SQLite's busy or locked database (after its busy timeout).
pub fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            matches!(
                db.code().as_deref(),
                Some("40001" | "40P01" | "55P03" | "5" | "6" | "517" | "262")
            ) || db.message().contains("database is locked")
        }
        _ => false,
    }
}

/// How many times a write is tried in all when it keeps meeting another.
const WRITE_ATTEMPTS: u32 = 4;

/// Runs `write` (one whole transaction: it commits or leaves nothing) and,
/// when it fails on a conflict with a concurrent transaction, runs it again
/// after a short, growing, jittered pause, up to [`WRITE_ATTEMPTS`] in all.
/// Refusals and other errors come back at once.
pub async fn retrying<T, E, F, Fut>(mut write: F) -> Result<T, E>
where
    E: DbFailure,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let mut attempt = 1;
    loop {
        match write().await {
            Err(error)
                if attempt < WRITE_ATTEMPTS && error.database_error().is_some_and(is_transient) =>
            {
                let jitter = u64::from(rand::random::<u8>() % 20);
                let pause = Duration::from_millis(20 * u64::from(attempt) + jitter);
                tracing::warn!(attempt, "a write met a concurrent one; trying again");
                tokio::time::sleep(pause).await;
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// True when `error` is a unique-constraint violation, on either engine.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.code().as_deref() == Some("23505")
                || db.code().as_deref() == Some("2067")
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

/// Decodes a value stored as text into its enum, or fails loudly: an unknown
/// value means the schema and the code disagree, and guessing a state (say,
/// "submitted") would act on a row as something it is not.
pub fn stored<T>(
    column: &'static str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, sqlx::Error> {
    parse(value).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: format!("unknown stored value {value:?}").into(),
    })
}

/// One value bound by a [`Sql`] builder.
#[derive(Debug, Clone)]
pub enum Bound {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

/// A query assembled from optional parts, with every value bound as a `$n`
/// placeholder (never pasted into the SQL text). The one way to write a
/// filter that depends on the request.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    values: Vec<Bound>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            values: Vec::new(),
        }
    }

    /// Appends SQL text (no values in it).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Bound>) -> &mut Self {
        self.values.push(value.into());
        self.text.push_str(&format!("${}", self.values.len()));
        self
    }

    /// Appends `(…)` with one placeholder per id; `(NULL)` for none, which
    /// matches nothing (`x IN (NULL)` is never true).
    pub fn bind_list(&mut self, ids: &[i64]) -> &mut Self {
        if ids.is_empty() {
            return self.push("(NULL)");
        }
        self.push("(");
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(*id);
        }
        self.push(")")
    }

    /// The SQL text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The query, every value bound.
    pub fn query(self) -> sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments> {
        let mut query = sqlx::query(sqlx::AssertSqlSafe(self.text));
        for value in self.values {
            query = match value {
                Bound::Int(v) => query.bind(v),
                Bound::OptInt(v) => query.bind(v),
                Bound::Text(v) => query.bind(v),
                Bound::OptText(v) => query.bind(v),
            };
        }
        query
    }

    /// The query decoding rows as `T`, every value bound.
    pub fn query_as<T>(self) -> sqlx::query::QueryAs<'static, sqlx::Any, T, sqlx::any::AnyArguments>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(self.text));
        for value in self.values {
            query = match value {
                Bound::Int(v) => query.bind(v),
                Bound::OptInt(v) => query.bind(v),
                Bound::Text(v) => query.bind(v),
                Bound::OptText(v) => query.bind(v),
            };
        }
        query
    }
}

impl From<i64> for Bound {
    fn from(v: i64) -> Self {
        Bound::Int(v)
    }
}
impl From<Option<i64>> for Bound {
    fn from(v: Option<i64>) -> Self {
        Bound::OptInt(v)
    }
}
impl From<String> for Bound {
    fn from(v: String) -> Self {
        Bound::Text(v)
    }
}
impl From<&str> for Bound {
    fn from(v: &str) -> Self {
        Bound::Text(v.to_string())
    }
}
impl From<Option<String>> for Bound {
    fn from(v: Option<String>) -> Self {
        Bound::OptText(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builder_numbers_its_placeholders() {
        let mut sql = Sql::new("SELECT id FROM t WHERE a = ");
        sql.bind(1)
            .push(" AND b IN ")
            .bind_list(&[2, 3])
            .push(" AND c IN ")
            .bind_list(&[]);
        assert_eq!(
            sql.text(),
            "SELECT id FROM t WHERE a = $1 AND b IN ($2, $3) AND c IN (NULL)"
        );
    }

    #[test]
    fn unknown_stored_values_fail() {
        assert_eq!(stored("n", "2", |v| v.parse::<i64>().ok()).unwrap(), 2);
        assert!(stored("n", "two", |v| v.parse::<i64>().ok()).is_err());
    }

    #[test]
    fn recognises_engines() {
        assert_eq!(Engine::from_url("postgres://u@h/db"), Engine::Postgres);
        assert_eq!(Engine::from_url("postgresql://u@h/db"), Engine::Postgres);
        assert_eq!(Engine::from_url("sqlite://data/x.db"), Engine::Sqlite);
    }

    #[test]
    fn sqlite_urls_create_the_file() {
        let dir = std::env::temp_dir().join(format!("takamul-url-{}", std::process::id()));
        let url = format!("sqlite://{}/x.db", dir.display());
        assert_eq!(prepare_sqlite_url(&url).unwrap(), format!("{url}?mode=rwc"));
        assert!(dir.exists());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
