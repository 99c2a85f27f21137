//! The configuration read from the environment: every variable's checks.

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
