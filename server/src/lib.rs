//! The Takamul server: configuration, state, router assembly and the CLI's
//! building blocks. Domain logic lives in the `app` crate.

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

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Database(#[from] DbSetupError),
    #[error("cannot set up the Nafath client: {0}")]
    Nafath(#[from] NafathError),
    #[error("cannot read the Leptos configuration: {0}")]
    Leptos(String),
    #[error("cannot set up the photo store: {0}")]
    Photos(#[from] app::marketplace::photos::PhotoError),
}

/// Opens and migrates the database and builds the shared state.
pub async fn build_state(
    config: &Config,
    leptos_options: LeptosOptions,
) -> Result<AppState, StartError> {
    let db = Db::connect(&config.database_url, config.db_max_connections).await?;
    db.migrate().await?;
    let nafath: Arc<dyn NafathProvider> = match &config.nafath {
        NafathMode::Simulator => Arc::new(SimulatedNafath::new(db.clone())),
        NafathMode::Live(client) => Arc::new(HttpNafath::new(client.clone())?),
    };
    let photos = PhotoStore::new(
        &config.settings.photo_dir,
        config.settings.photo_bucket.as_ref(),
    )?;
    Ok(AppState {
        db,
        nafath,
        settings: Arc::new(config.settings.clone()),
        photos,
        inline_style: app::state::InlineStyle::load(&leptos_options),
        leptos_options,
    })
}
