//! The outbox worker: started once per server instance (see `server`), it
//! claims due messages one at a time and sends them through [`Messenger`].
//! Several instances may run it on one database: a claim is a conditional
//! UPDATE ([`db::claim`]), so each message goes to exactly one of them.

use std::time::Duration;

use super::db::{self, Claimed};
use super::providers::{Messenger, TaqnyatClient, WhatsAppClient};
use super::{MessagingMode, MessagingSettings, SmsConfig, WhatsAppConfig, retry_delay};
use crate::database::Db;

/// How long a provider call may take before it counts as failed.
pub const PROVIDER_TIMEOUT: Duration = Duration::from_secs(15);

/// A claim older than this is taken for an instance that stopped mid-send.
pub const CLAIM_LEASE_SECS: i64 = 300;

/// Messages sent per round at most, so one round never runs for long.
const ROUND: usize = 50;

/// The simulator's bearer token (what its clients send and it checks).
pub const SIMULATOR_TOKEN: &str = "simulator-token";
/// The simulator's WhatsApp phone-number id.
pub const SIMULATOR_PHONE_NUMBER_ID: &str = "100000000000001";
/// The Graph API version the clients use unless told otherwise.
pub const DEFAULT_WHATSAPP_VERSION: &str = "v21.0";

/// The clients for the configured mode; `None` when messaging is off. In
/// simulator mode they speak to this server's own `/messaging-simulator`
/// API at `own_base` (e.g. `http://127.0.0.1:3000`).
pub fn messenger_for(settings: &MessagingSettings, own_base: &str) -> Option<Messenger> {
    let (sms, whatsapp) = match &settings.mode {
        MessagingMode::Off => return None,
        MessagingMode::Live { sms, whatsapp } => (sms.clone(), whatsapp.clone()),
        MessagingMode::Simulator => simulator_configs(settings, own_base),
    };
    Some(Messenger {
        sms: TaqnyatClient::new(sms, PROVIDER_TIMEOUT),
        whatsapp: WhatsAppClient::new(whatsapp, PROVIDER_TIMEOUT),
    })
}

/// The client settings that point at the simulator served at `own_base`.
pub fn simulator_configs(
    settings: &MessagingSettings,
    own_base: &str,
) -> (SmsConfig, WhatsAppConfig) {
    let base = own_base.trim_end_matches('/');
    (
        SmsConfig {
            base_url: format!("{base}{}", super::simulator::SMS_BASE),
            token: SIMULATOR_TOKEN.to_string(),
            sender: settings.simulator_sender.clone(),
        },
        WhatsAppConfig {
            base_url: format!("{base}{}", super::simulator::WHATSAPP_BASE),
            version: DEFAULT_WHATSAPP_VERSION.to_string(),
            phone_number_id: SIMULATOR_PHONE_NUMBER_ID.to_string(),
            token: SIMULATOR_TOKEN.to_string(),
        },
    )
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// Sends every message due at `now` (at most one round's worth) and records
/// each outcome. `claim_token` names this worker in the claims.
pub async fn drain_once(
    db: &Db,
    messenger: &Messenger,
    settings: &MessagingSettings,
    claim_token: &str,
    now: i64,
) -> Result<Round, sqlx::Error> {
    db::abandon_stale_claims(db, now, CLAIM_LEASE_SECS).await?;
    let quiet = settings.quiet_hours.contains(now);
    let mut round = Round::default();
    for _ in 0..ROUND {
        let Some(message) = db::claim(db, claim_token, now, quiet).await? else {
            break;
        };
        send_one(
            db,
            messenger,
            settings,
            claim_token,
            &message,
            now,
            &mut round,
        )
        .await?;
    }
    Ok(round)
}

async fn send_one(
    db: &Db,
    messenger: &Messenger,
    settings: &MessagingSettings,
    claim_token: &str,
    message: &Claimed,
    now: i64,
    round: &mut Round,
) -> Result<(), sqlx::Error> {
    match messenger.send(message).await {
        Ok(provider_id) => {
            db::mark_sent(db, message.id, claim_token, &provider_id, now).await?;
            round.sent += 1;
        }
        Err(error) => {
            let retry_at = (error.retryable() && message.attempts < settings.max_attempts)
                .then(|| now + retry_delay(settings.retry_base_secs, message.attempts));
            tracing::warn!(message_id = message.id, attempts = message.attempts, %error, "message not sent");
            db::mark_failed(
                db,
                message.id,
                claim_token,
                &error.to_string(),
                retry_at,
                now,
            )
            .await?;
            if retry_at.is_some() {
                round.retried += 1;
            } else {
                round.failed += 1;
            }
        }
    }
    Ok(())
}

/// Runs the worker until the process ends: a round every `poll_ms`.
pub fn spawn(
    db: Db,
    messenger: Messenger,
    settings: MessagingSettings,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let claim_token = crate::ids::new_token();
        let mut tick = tokio::time::interval(Duration::from_millis(settings.poll_ms.max(10)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = crate::database::now();
            if let Err(error) = drain_once(&db, &messenger, &settings, &claim_token, now).await {
                tracing::warn!(%error, "messaging round failed; trying again next round");
            }
        }
    })
}
