//! The two channels' HTTP clients: SMS through Taqnyat and WhatsApp through
//! Meta's WhatsApp Business Cloud API. The simulator ([`super::simulator`])
//! speaks the same two APIs on loopback, and these clients are what the
//! worker uses against either.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use super::db::Claimed;
use super::{Channel, SmsConfig, WhatsAppConfig};

/// Why a provider did not take a message.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the provider did not answer in time")]
    Timeout,
    #[error("the provider could not be reached: {0}")]
    Transport(String),
    #[error("the provider refused the message (HTTP {status}): {reason}")]
    Refused { status: u16, reason: String },
    #[error("the provider's answer could not be read: {0}")]
    Malformed(String),
    #[error("no client for the {0} channel")]
    NoChannel(&'static str),
}

impl SendError {
    /// Whether trying again later may succeed: time-outs, network errors,
    /// rate limits, an empty balance (it can be topped up) and the
    /// provider's own failures. A refused number or template is not retried.
    pub fn retryable(&self) -> bool {
        match self {
            SendError::Timeout | SendError::Transport(_) | SendError::Malformed(_) => true,
            SendError::Refused { status, reason } => {
                *status == 402
                    || *status == 429
                    || *status >= 500
                    // WhatsApp's rate-limit codes come with HTTP 400.
                    || reason.starts_with("130429")
                    || reason.starts_with("131042")
                    || reason.starts_with("131048")
                    || reason.starts_with("131056")
            }
            SendError::NoChannel(_) => false,
        }
    }
}

fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        // A redirect would carry the bearer token elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

fn transport(error: reqwest::Error) -> SendError {
    if error.is_timeout() {
        SendError::Timeout
    } else {
        SendError::Transport(error.to_string())
    }
}

/// The Taqnyat SMS client.
///
/// API as documented publicly by Taqnyat (<https://dev.taqnyat.sa/ar/doc/sms/>;
/// also the connector reference <https://learn.microsoft.com/connectors/taqnyat/>):
/// `POST {base}/v1/messages` with `Authorization: Bearer <token>` and a JSON
/// body `{"recipients": ["9665XXXXXXXX"], "body": "…", "sender": "<name>"}`;
/// a taken message is answered `201` with `{"statusCode": 201, "messageId": …,
/// "cost": …, "currency": "SAR", "totalCount": 1, "msgLength": …, "accepted":
/// …, "rejected": …}`; errors carry `{"statusCode": …, "message": "…"}`. The
/// body is sent as UTF-8 JSON; the gateway encodes a body with Arabic letters
/// as UCS-2 (70 characters per part).
#[derive(Clone)]
pub struct TaqnyatClient {
    config: SmsConfig,
    http: reqwest::Client,
}

impl TaqnyatClient {
    pub fn new(config: SmsConfig, timeout: Duration) -> Self {
        Self {
            config,
            http: http_client(timeout),
        }
    }

    /// Sends one SMS; returns the gateway's message id.
    pub async fn send(&self, to: &str, body: &str) -> Result<String, SendError> {
        let response = self
            .http
            .post(format!("{}/v1/messages", self.config.base_url))
            .bearer_auth(&self.config.token)
            .json(&json!({
                "recipients": [to],
                "body": body,
                "sender": self.config.sender,
            }))
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        let answer: serde_json::Value = response.json().await.unwrap_or(serde_json::Value::Null);
        if !(200..300).contains(&status) {
            let reason = answer["message"].as_str().unwrap_or("").to_string();
            return Err(SendError::Refused { status, reason });
        }
        match &answer["messageId"] {
            serde_json::Value::Number(n) => Ok(n.to_string()),
            serde_json::Value::String(s) if !s.is_empty() => Ok(s.clone()),
            _ => Err(SendError::Malformed("no messageId".into())),
        }
    }
}

/// The WhatsApp Business Cloud API client (template messages).
///
/// API as documented by Meta
/// (<https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates>):
/// `POST {base}/{version}/{phone-number-id}/messages` with `Authorization:
/// Bearer <token>` and `{"messaging_product": "whatsapp", "to": "9665…",
/// "type": "template", "template": {"name": …, "language": {"code": "ar"},
/// "components": [{"type": "body", "parameters": [{"type": "text", "text":
/// …}]}]}}`; answered `{"messages": [{"id": "wamid…"}]}`, errors
/// `{"error": {"message": …, "code": …}}` (131026 undeliverable, 130429 rate
/// limit, 132001 unknown template…).
#[derive(Clone)]
pub struct WhatsAppClient {
    config: WhatsAppConfig,
    http: reqwest::Client,
}

#[derive(Deserialize)]
struct WhatsAppAnswer {
    #[serde(default)]
    messages: Vec<WhatsAppMessageId>,
}

#[derive(Deserialize)]
struct WhatsAppMessageId {
    id: String,
}

impl WhatsAppClient {
    pub fn new(config: WhatsAppConfig, timeout: Duration) -> Self {
        Self {
            config,
            http: http_client(timeout),
        }
    }

    /// Sends one template message; returns the `wamid` id.
    pub async fn send(
        &self,
        to: &str,
        template: &str,
        language: &str,
        params: &[String],
    ) -> Result<String, SendError> {
        let parameters: Vec<_> = params
            .iter()
            .map(|p| json!({"type": "text", "text": p}))
            .collect();
        let response = self
            .http
            .post(format!(
                "{}/{}/{}/messages",
                self.config.base_url, self.config.version, self.config.phone_number_id
            ))
            .bearer_auth(&self.config.token)
            .json(&json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "template",
                "template": {
                    "name": template,
                    "language": {"code": language},
                    "components": [{"type": "body", "parameters": parameters}],
                },
            }))
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(transport)?;
        if !(200..300).contains(&status) {
            let error: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let reason = format!(
                "{} {}",
                error["error"]["code"].as_i64().unwrap_or(0),
                error["error"]["message"].as_str().unwrap_or("")
            );
            return Err(SendError::Refused { status, reason });
        }
        let answer: WhatsAppAnswer =
            serde_json::from_slice(&bytes).map_err(|e| SendError::Malformed(e.to_string()))?;
        answer
            .messages
            .into_iter()
            .next()
            .map(|m| m.id)
            .ok_or_else(|| SendError::Malformed("no message id".into()))
    }
}

/// Both channels' clients, as the worker uses them.
#[derive(Clone)]
pub struct Messenger {
    pub sms: TaqnyatClient,
    pub whatsapp: WhatsAppClient,
}

impl Messenger {
    /// Sends a claimed message on its channel; returns the provider's id.
    pub async fn send(&self, message: &Claimed) -> Result<String, SendError> {
        match message.channel {
            Channel::Sms => self.sms.send(&message.phone, &message.body).await,
            Channel::WhatsApp => {
                self.whatsapp
                    .send(
                        &message.phone,
                        &message.template,
                        message.language.as_str(),
                        &message.params,
                    )
                    .await
            }
            Channel::None => Err(SendError::NoChannel("none")),
        }
    }
}
