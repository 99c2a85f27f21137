//! The Takamul server: configuration, state, router assembly and the CLI's
//! building blocks. Domain logic lives in the `app` crate.

pub mod backup;
pub mod config;
pub mod precompress;
mod router;

pub use router::{protect, router};

use std::sync::Arc;

use app::database::{Db, DbSetupError};
use app::identity::nafath::{HttpNafath, NafathError, NafathProvider, SimulatedNafath};
use app::marketplace::photos::PhotoStore;
use app::state::AppState;
use leptos::config::LeptosOptions;

use crate::config::{Config, ConfigError, NafathMode};

/// Why the server could not start: each says, in one sentence, which
/// variable to look at.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("cannot open the database at DATABASE_URL={url}: {cause}")]
    Database { url: String, cause: String },
    #[error("cannot migrate the database at DATABASE_URL={url}: {cause}")]
    Migrate { url: String, cause: String },
    #[error("cannot set up the Nafath client for NAFATH_BASE_URL: {0}")]
    Nafath(#[from] NafathError),
    #[error("cannot read the Leptos configuration (LEPTOS_* variables): {0}")]
    Leptos(String),
    #[error("cannot set up the photo store (TAKAMUL_PHOTO_BUCKET*): {0}")]
    Photos(#[from] app::marketplace::photos::PhotoError),
    #[error(
        "the photo bucket TAKAMUL_PHOTO_BUCKET={bucket} at TAKAMUL_PHOTO_BUCKET_ENDPOINT={endpoint} \
         cannot be written with TAKAMUL_PHOTO_BUCKET_KEY_ID and _SECRET: {cause}"
    )]
    PhotoBucket {
        bucket: String,
        endpoint: String,
        cause: String,
    },
    #[error("TAKAMUL_PHOTO_DIR={dir} is not a writable folder: {cause}")]
    PhotoDir { dir: String, cause: std::io::Error },
    #[error("cannot listen on LEPTOS_SITE_ADDR={addr}: {cause}")]
    Listen {
        addr: std::net::SocketAddr,
        cause: std::io::Error,
    },
}

impl StartError {
    fn database(config: &Config, error: DbSetupError) -> Self {
        let url = config::masked_database_url(&config.database_url);
        match error {
            DbSetupError::Migrate(cause) => StartError::Migrate {
                url,
                cause: cause.to_string(),
            },
            DbSetupError::Sqlx(sqlx::Error::PoolTimedOut) => StartError::Database {
                url,
                cause: "no connection within 10 seconds (is the database running and reachable?)"
                    .to_string(),
            },
            other => StartError::Database {
                url,
                cause: other.to_string(),
            },
        }
    }
}

/// Writes and removes a small object in the photo bucket, so a wrong
/// endpoint, bucket or key stops the start, not the first upload.
async fn check_photo_bucket(
    photos: &PhotoStore,
    settings: &app::marketplace::photos::BucketSettings,
) -> Result<(), StartError> {
    let PhotoStore::Bucket(bucket) = photos else {
        return Ok(());
    };
    let path =
        object_store::path::Path::from(format!(".write-check-{}", &app::ids::new_token()[..12]));
    let probe = async {
        bucket
            .put(&path, object_store::PutPayload::from_static(b"ok"))
            .await?;
        bucket.delete(&path).await
    };
    // The client retries for minutes; a start-up waits 10 seconds.
    let cause = match tokio::time::timeout(std::time::Duration::from_secs(10), probe).await {
        Ok(Ok(())) => return Ok(()),
        // One line: an S3 error carries the service's XML answer.
        Ok(Err(error)) => {
            let text = error.to_string();
            let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
            line.chars().take(400).collect()
        }
        Err(_) => "no answer within 10 seconds".to_string(),
    };
    Err(StartError::PhotoBucket {
        bucket: settings.bucket.clone(),
        endpoint: settings.endpoint.clone(),
        cause,
    })
}

/// Creates the photo folder if needed and writes and removes a file in it,
/// so a folder the server cannot write to stops the start, not the first
/// upload.
fn check_photo_dir(dir: &std::path::Path) -> Result<(), StartError> {
    let failed = |cause| StartError::PhotoDir {
        dir: dir.display().to_string(),
        cause,
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let probe = dir.join(format!(".write-check-{}", &app::ids::new_token()[..12]));
    std::fs::write(&probe, b"ok").map_err(failed)?;
    std::fs::remove_file(&probe).map_err(failed)
}

/// Opens and migrates the database and builds the shared state.
pub async fn build_state(
    config: &Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, StartError> {
    if config.settings.photo_bucket.is_none() {
        check_photo_dir(&config.settings.photo_dir)?;
    }
    let db = match Db::connect(&config.database_url, config.db_max_connections).await {
        Ok(db) => db,
        Err(DbSetupError::Sqlx(sqlx::Error::PoolTimedOut)) => {
            // The pool only says it waited: one direct attempt names the cause
            // (refused, unknown host, password, missing database).
            let direct = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                <sqlx::AnyConnection as sqlx::Connection>::connect(&config.database_url),
            )
            .await;
            let error = match direct {
                Ok(Err(cause)) => DbSetupError::Sqlx(cause),
                _ => DbSetupError::Sqlx(sqlx::Error::PoolTimedOut),
            };
            return Err(StartError::database(config, error));
        }
        Err(error) => return Err(StartError::database(config, error)),
    };
    db.migrate()
        .await
        .map_err(|e| StartError::database(config, e))?;
    let nafath: Arc<dyn NafathProvider> = match &config.nafath {
        NafathMode::Simulator => Arc::new(SimulatedNafath::new(db.clone())),
        NafathMode::Live(client) => Arc::new(HttpNafath::new(client.clone())?),
    };
    let photos = PhotoStore::new(
        &config.settings.photo_dir,
        config.settings.photo_bucket.as_ref(),
    )?;
    if let Some(settings) = &config.settings.photo_bucket {
        check_photo_bucket(&photos, settings).await?;
    }
    Ok(AppState {
        db,
        nafath,
        settings: Arc::new(config.settings.clone()),
        photos,
        inline_style: app::state::InlineStyle::load(&leptos_options),
        answers: Arc::new(app::cache::AnswerCache::new(
            512,
            config.settings.dashboard_cache_secs,
        )),
        leptos_options,
    })
}

/// Starts the outbox worker of this instance (nothing when `MESSAGING_MODE`
/// is off). In simulator mode its clients call this server's own simulator
/// at the address it listens on (`bound`, loopback when it listens on all).
pub fn start_messaging(
    state: &AppState,
    bound: std::net::SocketAddr,
) -> Option<tokio::task::JoinHandle<()>> {
    let settings = state.settings.messaging.clone();
    let mut own = bound;
    if own.ip().is_unspecified() {
        own.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let Some(messenger) =
        app::messaging::worker::messenger_for(&settings, &format!("http://{own}"))
    else {
        tracing::info!("MESSAGING_MODE=off: messages to families wait in the outbox, none is sent");
        return None;
    };
    Some(app::messaging::worker::spawn(
        state.db.clone(),
        messenger,
        settings,
    ))
}
