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
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    const DEV: [(&str, &str); 2] = [("TAKAMUL_ENV", "development"), ("NAFATH_MODE", "simulator")];

    #[test]
    fn defaults_to_production_and_live_nafath() {
        // Nothing set: production, which needs the real Nafath's credentials.
        assert!(matches!(
            config(&[]),
            Err(ConfigError::Missing("NAFATH_BASE_URL", _))
        ));
        let c = config(&DEV).unwrap();
        assert_eq!(c.database_url, "sqlite://data/takamul.db");
        assert!(matches!(c.nafath, NafathMode::Simulator));
        assert!(c.settings.development);
        assert!(c.allows_demo_data());
    }

    #[test]
    fn the_simulator_needs_development_and_loopback() {
        assert!(matches!(
            config(&[("NAFATH_MODE", "simulator")]),
            Err(ConfigError::SimulatorInProduction)
        ));
        assert!(matches!(
            config(&[("TAKAMUL_ENV", "production"), ("NAFATH_MODE", "simulator")]),
            Err(ConfigError::SimulatorInProduction)
        ));
        let c = config(&DEV).unwrap();
        assert!(
            c.check_listen_address("127.0.0.1:3000".parse().unwrap())
                .is_ok()
        );
        assert!(matches!(
            c.check_listen_address("0.0.0.0:3000".parse().unwrap()),
            Err(ConfigError::SimulatorOnNetwork(_))
        ));
        let c = config(&[DEV[0], DEV[1], ("TAKAMUL_SIMULATOR_ON_NETWORK", "yes")]).unwrap();
        assert!(
            c.check_listen_address("0.0.0.0:3000".parse().unwrap())
                .is_ok()
        );
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let c = config(&[
            DEV[0],
            DEV[1],
            ("TAKAMUL_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7"),
        ])
        .unwrap();
        assert_eq!(c.settings.trusted_proxies.len(), 2);
        assert!(matches!(
            config(&[DEV[0], DEV[1], ("TAKAMUL_TRUSTED_PROXIES", "nginx")]),
            Err(ConfigError::Invalid {
                name: "TAKAMUL_TRUSTED_PROXIES",
                ..
            })
        ));
    }

    #[test]
    fn live_nafath_needs_its_credentials() {
        assert!(matches!(
            config(&[("NAFATH_MODE", "live")]),
            Err(ConfigError::Missing("NAFATH_BASE_URL", _))
        ));
        let c = config(&[
            ("TAKAMUL_ENV", "production"),
            ("NAFATH_MODE", "live"),
            ("NAFATH_BASE_URL", "https://nafath.example/"),
            ("NAFATH_APP_ID", "id"),
            ("NAFATH_APP_KEY", "key"),
        ])
        .unwrap();
        assert!(!c.settings.development);
        assert!(!c.allows_demo_data());
        match c.nafath {
            NafathMode::Live(client) => assert_eq!(client.base_url, "https://nafath.example"),
            NafathMode::Simulator => panic!("expected live"),
        }
    }

    #[test]
    fn messaging_is_off_unless_asked_and_live_needs_credentials() {
        let c = config(&DEV).unwrap();
        assert_eq!(c.settings.messaging.mode, MessagingMode::Off);
        assert!(matches!(
            config(&[DEV[0], DEV[1], ("MESSAGING_MODE", "live")]),
            Err(ConfigError::Missing("TAQNYAT_TOKEN", _))
        ));
        assert!(matches!(
            config(&[
                DEV[0],
                DEV[1],
                ("MESSAGING_MODE", "live"),
                ("TAQNYAT_TOKEN", "t"),
                ("TAQNYAT_SENDER", "Takamul"),
                ("WHATSAPP_TOKEN", "w"),
            ]),
            Err(ConfigError::Missing("WHATSAPP_PHONE_NUMBER_ID", _))
        ));
        let live = [
            ("TAKAMUL_ENV", "production"),
            ("NAFATH_BASE_URL", "https://nafath.example"),
            ("NAFATH_APP_ID", "id"),
            ("NAFATH_APP_KEY", "key"),
            ("MESSAGING_MODE", "simulator"),
        ];
        assert!(matches!(
            config(&live),
            Err(ConfigError::MessagingSimulatorInProduction)
        ));
        let c = config(&[
            DEV[0],
            DEV[1],
            ("MESSAGING_MODE", "live"),
            ("TAQNYAT_TOKEN", "t"),
            ("TAQNYAT_SENDER", "Takamul"),
            ("WHATSAPP_TOKEN", "w"),
            ("WHATSAPP_PHONE_NUMBER_ID", "123"),
            ("MESSAGING_QUIET_HOURS", "21:00-07:30"),
        ])
        .unwrap();
        match c.settings.messaging.mode {
            MessagingMode::Live { sms, whatsapp } => {
                assert_eq!(sms.base_url, "https://api.taqnyat.sa");
                assert_eq!(whatsapp.version, "v21.0");
            }
            other => panic!("expected live, got {other:?}"),
        }
        assert_eq!(c.settings.messaging.quiet_hours.end_minute, 7 * 60 + 30);
        assert!(matches!(
            config(&[DEV[0], DEV[1], ("MESSAGING_QUIET_HOURS", "night")]),
            Err(ConfigError::Invalid {
                name: "MESSAGING_QUIET_HOURS",
                ..
            })
        ));
    }

    #[test]
    fn bad_values_are_named() {
        assert!(matches!(
            config(&[DEV[0], DEV[1], ("TAKAMUL_SESSION_IDLE_SECS", "soon")]),
            Err(ConfigError::Invalid {
                name: "TAKAMUL_SESSION_IDLE_SECS",
                ..
            })
        ));
        assert!(matches!(
            config(&[("TAKAMUL_ENV", "staging")]),
            Err(ConfigError::Invalid { .. })
        ));
    }

    #[test]
    fn database_urls_are_checked_and_masked() {
        assert_eq!(database_url(None).unwrap(), DEFAULT_DATABASE_URL);
        assert!(database_url(Some("postgres://u:p@db:5432/takamul".into())).is_ok());
        assert!(database_url(Some("sqlite:///var/lib/takamul/takamul.db".into())).is_ok());
        assert!(database_url(Some("data/takamul.db".into())).is_ok());
        for bad in ["mysql://db/takamul", "sqlite://", "postgres://u@db:port/x"] {
            assert!(
                matches!(
                    database_url(Some(bad.into())),
                    Err(ConfigError::Invalid {
                        name: "DATABASE_URL",
                        ..
                    })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            masked_database_url("postgres://takamul:secret@db/takamul"),
            "postgres://takamul:***@db/takamul"
        );
        assert_eq!(sqlite_path("sqlite://data/t.db?mode=rwc"), "data/t.db");
    }
}
