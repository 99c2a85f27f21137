//! Server state handed to every server function and page through Leptos
//! context, and the settings that change behaviour between environments.

use std::sync::Arc;

use leptos::config::LeptosOptions;

use crate::database::Db;
use crate::nafath::NafathProvider;

/// Behaviour that differs between development, tests and production. The
/// default is production's: every convenience must be asked for.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Development (`TAKAMUL_ENV=development`, asked for explicitly): cookies
    /// without `Secure` or the `__Host-` prefix, no HSTS. Off by default.
    pub development: bool,
    /// A session ends after this long without a request.
    pub session_idle_secs: i64,
    /// A session ends this long after sign-in, whatever the activity.
    pub session_absolute_secs: i64,
    /// How long the waiting page waits for the Nafath decision.
    pub sign_in_wait_secs: i64,
    /// How often the waiting page refreshes itself to poll.
    pub sign_in_refresh_secs: i64,
    /// Sign-in starts allowed per (national ID, client) pair in ten minutes;
    /// past it the wait doubles with each further refusal.
    pub sign_in_limit_per_id: i64,
    /// Sign-in starts allowed per client IP in ten minutes.
    pub sign_in_limit_per_ip: i64,
    /// Photo uploads one person may start in a day (a decode costs a core
    /// for a second; a family adds a few photos a day).
    pub photo_uploads_per_day: i64,
    /// Calls one partner token may make to `/api/v1/…` in a minute; past
    /// it the token waits a minute, then two, four… (429).
    pub partner_api_per_minute: i64,
    /// Where product photos are stored (a shared volume when several
    /// instances serve the site), unless a bucket is given.
    pub photo_dir: std::path::PathBuf,
    /// An S3-compatible bucket for product photos, instead of the directory.
    pub photo_bucket: Option<crate::photos::pipeline::BucketSettings>,
    /// The site's public address, for canonical URLs, the sitemap and links
    /// shared on WhatsApp.
    pub public_url: String,
    /// Memory for public marketplace pages kept rendered (0: none kept).
    pub page_cache_bytes: u64,
    /// How often an instance reads the market revision to learn of changes
    /// made through another instance.
    pub page_cache_check_ms: u64,
    /// How long a dashboard's figures are answered from memory (0: never).
    pub dashboard_cache_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` is believed
    /// (`TAKAMUL_TRUSTED_PROXIES`); everyone else's is ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A bearer token that opens `/metrics` from anywhere; without it only a
    /// direct loopback client (no proxy in between) may read it.
    pub metrics_token: Option<String>,
    /// How often each instance starts the retention job (the lease lets one
    /// run at a time); 0: never (`server retention run` still works).
    pub retention_interval_secs: u64,
    /// How often each instance starts the full continuity recompute (the
    /// lease lets one run at a time); 0: never.
    pub continuity_interval_secs: u64,
    /// How often each instance drains the continuity change feed (statuses
    /// follow events within this); 0: never.
    pub continuity_feed_secs: u64,
    /// How often each instance looks for sessions to remind enrolled people
    /// of (`training::reminders`; at most a day); 0: never.
    pub session_reminder_interval_secs: u64,
    /// Messages to families: which provider, quiet hours, retries.
    pub messaging: MessagingSettings,
}

impl Settings {
    /// Development settings: what `make run`, the browser tests and most
    /// integration tests use (cookies over plain HTTP on loopback).
    pub fn development() -> Self {
        Self {
            development: true,
            ..Self::default()
        }
    }

    /// Whether cookies carry `Secure` and the `__Host-` prefix.
    pub fn secure_cookies(&self) -> bool {
        !self.development
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            development: false,
            session_idle_secs: 60 * 60,
            session_absolute_secs: 12 * 60 * 60,
            sign_in_wait_secs: 180,
            sign_in_refresh_secs: 3,
            sign_in_limit_per_id: 5,
            sign_in_limit_per_ip: 30,
            photo_uploads_per_day: 60,
            partner_api_per_minute: 120,
            photo_dir: std::path::PathBuf::from("data/photos"),
            photo_bucket: None,
            public_url: "http://127.0.0.1:3000".to_string(),
            page_cache_bytes: 64 * 1024 * 1024,
            page_cache_check_ms: 1000,
            dashboard_cache_secs: 60,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            retention_interval_secs: 3600,
            continuity_interval_secs: 6 * 3600,
            continuity_feed_secs: 5,
            session_reminder_interval_secs: 3600,
            messaging: MessagingSettings::default(),
        }
    }
}

// ------------------------------------------------ messages to families
// (kept here, not in `messaging`, so the state does not depend on the
// domain that uses it)

/// Which provider gets the messages (`crate::messaging`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MessagingMode {
    /// Nothing is sent (the outbox keeps filling; the default, so a
    /// deployment sends messages only once it has said with what).
    #[default]
    Off,
    /// The built-in simulator on this server's own loopback address
    /// (development only; `/messaging-simulator`).
    Simulator,
    /// The real gateways.
    Live {
        sms: SmsConfig,
        whatsapp: WhatsAppConfig,
    },
}

/// The SMS gateway (Taqnyat) client's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsConfig {
    /// `https://api.taqnyat.sa` (no trailing slash).
    pub base_url: String,
    /// The application's bearer token.
    pub token: String,
    /// The sender name registered with the gateway.
    pub sender: String,
}

/// The WhatsApp Business Cloud API client's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhatsAppConfig {
    /// `https://graph.facebook.com` (no trailing slash).
    pub base_url: String,
    /// The Graph API version, e.g. `v21.0`.
    pub version: String,
    /// The business phone number's id.
    pub phone_number_id: String,
    /// A system user's access token.
    pub token: String,
}

/// How the messaging worker behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagingSettings {
    pub mode: MessagingMode,
    pub quiet_hours: crate::time::QuietHours,
    /// Provider calls per message before it is marked failed.
    pub max_attempts: i64,
    /// The first retry's wait; each further one doubles.
    pub retry_base_secs: i64,
    /// How often the worker looks for due messages.
    pub poll_ms: u64,
    /// The simulator's sender name and token (what its clients send).
    pub simulator_sender: String,
}

impl Default for MessagingSettings {
    fn default() -> Self {
        Self {
            mode: MessagingMode::Off,
            quiet_hours: crate::time::QuietHours::default(),
            max_attempts: 5,
            retry_base_secs: 60,
            poll_ms: 2000,
            simulator_sender: "Takamul".to_string(),
        }
    }
}

/// The site's stylesheet, written into the head of every page instead of
/// linked: a phone on a slow network paints as soon as the HTML arrives,
/// without first opening a connection for the stylesheet (about 5 KB brotli,
/// so each page carries it for less than one round trip costs).
#[derive(Debug, Clone)]
pub struct InlineStyle {
    pub css: Arc<str>,
    /// The Content-Security-Policy source that allows exactly this `<style>`.
    pub csp_source: Arc<str>,
}

impl InlineStyle {
    /// The stylesheet cargo-leptos built (`<site root>/<pkg>/<name>.css`), in
    /// production only: in development cargo-leptos reloads the linked file
    /// as it changes. `None` also when there is no such file.
    pub fn load(options: &LeptosOptions) -> Option<Self> {
        if options.env != leptos::config::Env::PROD {
            return None;
        }
        let path = std::path::Path::new(options.site_root.as_ref())
            .join(options.site_pkg_dir.as_ref())
            .join(format!("{}.css", options.output_name));
        std::fs::read_to_string(path).ok().map(Self::new)
    }

    pub fn new(css: String) -> Self {
        use base64::Engine as _;
        use sha2::Digest as _;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&css));
        Self {
            css: css.into(),
            csp_source: format!("'sha256-{hash}'").into(),
        }
    }
}

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub nafath: Arc<dyn NafathProvider>,
    pub settings: Arc<Settings>,
    /// Where product photos are read and written.
    pub photos: crate::photos::pipeline::PhotoStore,
    pub leptos_options: LeptosOptions,
    /// The stylesheet put inline in every page (production), else linked.
    pub inline_style: Option<InlineStyle>,
    /// Computed answers kept a short while (the dashboards').
    pub answers: Arc<crate::cache::AnswerCache>,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state from the Leptos context of the current request.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the request context");
        crate::error::AppError::Internal
    })
}
