//! Configuration from the environment (documented in README.md).

use std::time::Duration;

use app::identity::nafath::NafathClientConfig;
use app::messaging::{MessagingMode, MessagingSettings, QuietHours, SmsConfig, WhatsAppConfig};
use app::state::Settings;

/// Which Nafath provider to use.
#[derive(Debug, Clone)]
pub enum NafathMode {
    /// The built-in simulator (development and demos; refused in production).
    Simulator,
    /// The real Nafath API.
    Live(NafathClientConfig),
}

/// Everything the server reads from the environment.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub db_max_connections: u32,
    pub nafath: NafathMode,
    /// Development only: the simulator may listen on a network address.
    pub simulator_on_network: bool,
    pub settings: Settings,
}

/// A configuration the server refuses to start with.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} must be set when {1}")]
    Missing(&'static str, &'static str),
    #[error("{name} has an invalid value {value:?}: expected {expected}")]
    Invalid {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error(
        "the Nafath simulator runs only when asked for: NAFATH_MODE=simulator with TAKAMUL_ENV=development \
         (production, the default, needs NAFATH_MODE=live)"
    )]
    SimulatorInProduction,
    #[error(
        "the messaging simulator runs only when asked for: MESSAGING_MODE=simulator with \
         TAKAMUL_ENV=development (production sends with MESSAGING_MODE=live, or nothing with off)"
    )]
    MessagingSimulatorInProduction,
    #[error(
        "the Nafath simulator approves anyone's sign-in: it listens only on a loopback address \
         (LEPTOS_SITE_ADDR={0}); set TAKAMUL_SIMULATOR_ON_NETWORK=yes to show a demo to other devices"
    )]
    SimulatorOnNetwork(std::net::SocketAddr),
}

/// Why a variable is needed, in [`ConfigError::Missing`].
const LIVE: &str = "NAFATH_MODE=live (the default)";
const BUCKET: &str = "TAKAMUL_PHOTO_BUCKET is set";
const MESSAGING_LIVE: &str = "MESSAGING_MODE=live";

/// The default database: a SQLite file beside the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/takamul.db";

/// Checks `DATABASE_URL` (or takes the default): an engine this server
/// speaks and a URL it can parse, so a typo stops the start with its name
/// instead of creating a stray SQLite file. A bare path is a SQLite file.
pub fn database_url(value: Option<String>) -> Result<String, ConfigError> {
    let Some(value) = value.map(|v| v.trim().to_string()) else {
        return Ok(DEFAULT_DATABASE_URL.to_string());
    };
    let invalid = || ConfigError::Invalid {
        name: "DATABASE_URL",
        value: masked_database_url(&value),
        expected: "sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE",
    };
    if value.starts_with("postgres://") || value.starts_with("postgresql://") {
        // Only the URL's syntax (host, port, user); reaching it comes later.
        if value.parse::<sqlx::any::AnyConnectOptions>().is_err() {
            return Err(invalid());
        }
    } else if value.contains("://") && !value.starts_with("sqlite://") {
        // Another engine, or a typo in the scheme: not a file name.
        return Err(invalid());
    } else if sqlite_path(&value).is_empty() {
        return Err(invalid());
    }
    Ok(value)
}

/// `DATABASE_URL` from the environment, checked; for the commands that need
/// only the database (backup, restore).
pub fn database_url_from_env() -> Result<String, ConfigError> {
    database_url(
        std::env::var("DATABASE_URL")
            .ok()
            .filter(|v| !v.trim().is_empty()),
    )
}

/// The file of a `sqlite:` URL (without its `?options`).
pub fn sqlite_path(url: &str) -> String {
    url.trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A database URL fit for a message or a log: the password replaced by `***`.
pub fn masked_database_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        _ => url.to_string(),
    }
}

/// Checks `LEPTOS_SITE_ADDR` and `LEPTOS_ENV` before the Leptos
/// configuration reads them, so a bad value is named with its variable.
pub fn check_leptos_variables() -> Result<(), ConfigError> {
    if let Ok(value) = std::env::var("LEPTOS_SITE_ADDR")
        && value.trim().parse::<std::net::SocketAddr>().is_err()
    {
        return Err(ConfigError::Invalid {
            name: "LEPTOS_SITE_ADDR",
            value,
            expected: "an IP address and port such as 127.0.0.1:3000",
        });
    }
    if let Ok(value) = std::env::var("LEPTOS_ENV")
        && !["dev", "development", "prod", "production"].contains(&value.to_lowercase().as_str())
    {
        return Err(ConfigError::Invalid {
            name: "LEPTOS_ENV",
            value,
            expected: "PROD (or DEV)",
        });
    }
    Ok(())
}

impl Config {
    /// Whether demo data (fixed personas with the council role, fictional
    /// households and shops) may be written: development with the simulator
    /// only, never a configuration that real people sign in to.
    pub fn allows_demo_data(&self) -> bool {
        self.settings.development && matches!(self.nafath, NafathMode::Simulator)
    }

    /// Refuses to serve the simulator anywhere but loopback unless asked.
    pub fn check_listen_address(&self, addr: std::net::SocketAddr) -> Result<(), ConfigError> {
        let simulator = matches!(self.nafath, NafathMode::Simulator)
            || self.settings.messaging.mode == MessagingMode::Simulator;
        if simulator && !addr.ip().is_loopback() && !self.simulator_on_network {
            return Err(ConfigError::SimulatorOnNetwork(addr));
        }
        Ok(())
    }

    /// Reads the environment; see README.md for each variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let number = |name: &'static str, default: i64| -> Result<i64, ConfigError> {
            match var(name) {
                None => Ok(default),
                Some(value) => value.trim().parse().map_err(|_| ConfigError::Invalid {
                    name,
                    value,
                    expected: "a whole number",
                }),
            }
        };
        // Production unless development is asked for by name.
        let development = match var("TAKAMUL_ENV").as_deref() {
            None | Some("production") => false,
            Some("development") => true,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "TAKAMUL_ENV",
                    value: other.to_string(),
                    expected: "production or development",
                });
            }
        };
        let nafath = match var("NAFATH_MODE").as_deref() {
            Some("simulator") => NafathMode::Simulator,
            None | Some("live") => NafathMode::Live(NafathClientConfig {
                base_url: var("NAFATH_BASE_URL")
                    .ok_or(ConfigError::Missing("NAFATH_BASE_URL", LIVE))?
                    .trim_end_matches('/')
                    .to_string(),
                app_id: var("NAFATH_APP_ID").ok_or(ConfigError::Missing("NAFATH_APP_ID", LIVE))?,
                app_key: var("NAFATH_APP_KEY")
                    .ok_or(ConfigError::Missing("NAFATH_APP_KEY", LIVE))?,
                service: var("NAFATH_SERVICE").unwrap_or_else(|| "Login".to_string()),
                timeout: Duration::from_secs(number("NAFATH_TIMEOUT_SECS", 10)?.max(1) as u64),
            }),
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "NAFATH_MODE",
                    value: other.to_string(),
                    expected: "live or simulator",
                });
            }
        };
        if !development && matches!(nafath, NafathMode::Simulator) {
            return Err(ConfigError::SimulatorInProduction);
        }
        let trusted_proxies = match var("TAKAMUL_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse::<ipnet::IpNet>()
                        .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .map_err(|_| ConfigError::Invalid {
                            name: "TAKAMUL_TRUSTED_PROXIES",
                            value: p.to_string(),
                            expected: "IP addresses or CIDR ranges, comma-separated",
                        })
                })
                .collect::<Result<_, _>>()?,
        };
        let messaging = messaging_settings(&var, &number, development)?;
        let defaults = Settings::default();
        Ok(Self {
            database_url: database_url(var("DATABASE_URL"))?,
            db_max_connections: number("TAKAMUL_DB_MAX_CONNECTIONS", 16)?.clamp(1, 1000) as u32,
            nafath,
            simulator_on_network: var("TAKAMUL_SIMULATOR_ON_NETWORK").as_deref() == Some("yes"),
            settings: Settings {
                development,
                trusted_proxies,
                metrics_token: var("TAKAMUL_METRICS_TOKEN"),
                messaging,
                session_idle_secs: number("TAKAMUL_SESSION_IDLE_SECS", defaults.session_idle_secs)?,
                session_absolute_secs: number(
                    "TAKAMUL_SESSION_ABSOLUTE_SECS",
                    defaults.session_absolute_secs,
                )?,
                sign_in_wait_secs: number("TAKAMUL_SIGN_IN_WAIT_SECS", defaults.sign_in_wait_secs)?,
                sign_in_refresh_secs: number(
                    "TAKAMUL_SIGN_IN_REFRESH_SECS",
                    defaults.sign_in_refresh_secs,
                )?
                .max(1),
                sign_in_limit_per_id: number(
                    "TAKAMUL_SIGN_IN_LIMIT_PER_ID",
                    defaults.sign_in_limit_per_id,
                )?,
                sign_in_limit_per_ip: number(
                    "TAKAMUL_SIGN_IN_LIMIT_PER_IP",
                    defaults.sign_in_limit_per_ip,
                )?,
                photo_uploads_per_day: number(
                    "TAKAMUL_PHOTO_UPLOADS_PER_DAY",
                    defaults.photo_uploads_per_day,
                )?,
                partner_api_per_minute: number(
                    "TAKAMUL_PARTNER_API_PER_MINUTE",
                    defaults.partner_api_per_minute,
                )?
                .max(1),
                photo_dir: var("TAKAMUL_PHOTO_DIR")
                    .map(std::path::PathBuf::from)
                    .unwrap_or(defaults.photo_dir),
                photo_bucket: match var("TAKAMUL_PHOTO_BUCKET") {
                    None => None,
                    Some(bucket) => {
                        let required = |name: &'static str| {
                            var(name).ok_or(ConfigError::Missing(name, BUCKET))
                        };
                        Some(app::marketplace::photos::BucketSettings {
                            bucket,
                            endpoint: required("TAKAMUL_PHOTO_BUCKET_ENDPOINT")?,
                            region: var("TAKAMUL_PHOTO_BUCKET_REGION")
                                .unwrap_or_else(|| "us-east-1".to_string()),
                            access_key_id: required("TAKAMUL_PHOTO_BUCKET_KEY_ID")?,
                            secret_access_key: required("TAKAMUL_PHOTO_BUCKET_SECRET")?,
                        })
                    }
                },
                public_url: var("TAKAMUL_PUBLIC_URL")
                    .map(|url| url.trim_end_matches('/').to_string())
                    .unwrap_or(defaults.public_url),
                page_cache_bytes: number(
                    "TAKAMUL_PAGE_CACHE_MB",
                    (defaults.page_cache_bytes >> 20) as i64,
                )?
                .clamp(0, 64 * 1024) as u64
                    * 1024
                    * 1024,
                page_cache_check_ms: number(
                    "TAKAMUL_PAGE_CACHE_CHECK_MS",
                    defaults.page_cache_check_ms as i64,
                )?
                .clamp(1, 3_600_000) as u64,
                dashboard_cache_secs: number(
                    "TAKAMUL_DASHBOARD_CACHE_SECS",
                    defaults.dashboard_cache_secs as i64,
                )?
                .clamp(0, 3_600) as u64,
                retention_interval_secs: number(
                    "TAKAMUL_RETENTION_INTERVAL_SECS",
                    defaults.retention_interval_secs as i64,
                )?
                .clamp(0, 7 * 86_400) as u64,
                continuity_interval_secs: number(
                    "TAKAMUL_CONTINUITY_INTERVAL_SECS",
                    defaults.continuity_interval_secs as i64,
                )?
                .clamp(0, 7 * 86_400) as u64,
                continuity_feed_secs: number(
                    "TAKAMUL_CONTINUITY_FEED_SECS",
                    defaults.continuity_feed_secs as i64,
                )?
                .clamp(0, 3_600) as u64,
                // At most a day: the reminder window is 24 hours wide.
                session_reminder_interval_secs: number(
                    "TAKAMUL_SESSION_REMINDER_INTERVAL_SECS",
                    defaults.session_reminder_interval_secs as i64,
                )?
                .clamp(0, 86_400) as u64,
            },
        })
    }
}

/// The messaging variables (docs/DEPLOY.md): `MESSAGING_MODE` is `off` (the
/// default: messages wait in the outbox), `simulator` (development only) or
/// `live`, which needs both gateways' credentials.
fn messaging_settings(
    var: &impl Fn(&str) -> Option<String>,
    number: &impl Fn(&'static str, i64) -> Result<i64, ConfigError>,
    development: bool,
) -> Result<MessagingSettings, ConfigError> {
    let defaults = MessagingSettings::default();
    let required = |name: &'static str| var(name).ok_or(ConfigError::Missing(name, MESSAGING_LIVE));
    let mode = match var("MESSAGING_MODE").as_deref() {
        None | Some("off") => MessagingMode::Off,
        Some("simulator") if development => MessagingMode::Simulator,
        Some("simulator") => return Err(ConfigError::MessagingSimulatorInProduction),
        Some("live") => MessagingMode::Live {
            sms: SmsConfig {
                base_url: var("TAQNYAT_BASE_URL")
                    .unwrap_or_else(|| "https://api.taqnyat.sa".to_string())
                    .trim_end_matches('/')
                    .to_string(),
                token: required("TAQNYAT_TOKEN")?,
                sender: required("TAQNYAT_SENDER")?,
            },
            whatsapp: WhatsAppConfig {
                base_url: var("WHATSAPP_BASE_URL")
                    .unwrap_or_else(|| "https://graph.facebook.com".to_string())
                    .trim_end_matches('/')
                    .to_string(),
                version: var("WHATSAPP_API_VERSION").unwrap_or_else(|| {
                    app::messaging::worker::DEFAULT_WHATSAPP_VERSION.to_string()
                }),
                phone_number_id: required("WHATSAPP_PHONE_NUMBER_ID")?,
                token: required("WHATSAPP_TOKEN")?,
            },
        },
        Some(other) => {
            return Err(ConfigError::Invalid {
                name: "MESSAGING_MODE",
                value: other.to_string(),
                expected: "off, live or simulator",
            });
        }
    };
    let quiet_hours = match var("MESSAGING_QUIET_HOURS") {
        None => defaults.quiet_hours,
        Some(value) => QuietHours::parse(value.trim()).ok_or(ConfigError::Invalid {
            name: "MESSAGING_QUIET_HOURS",
            value,
            expected: "HH:MM-HH:MM in Saudi time, such as 22:00-08:00",
        })?,
    };
    Ok(MessagingSettings {
        mode,
        quiet_hours,
        max_attempts: number("MESSAGING_MAX_ATTEMPTS", defaults.max_attempts)?.clamp(1, 50),
        retry_base_secs: number("MESSAGING_RETRY_SECS", defaults.retry_base_secs)?.max(0),
        poll_ms: defaults.poll_ms,
        simulator_sender: var("TAQNYAT_SENDER").unwrap_or(defaults.simulator_sender),
    })
}

#[cfg(test)]
mod tests;
