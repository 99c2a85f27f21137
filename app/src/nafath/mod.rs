//! Nafath, the national single sign-on (server only).
//!
//! Two providers sit behind [`NafathProvider`]: [`HttpNafath`], the real client
//! of Nafath's MFA API, and [`SimulatedNafath`], a built-in stand-in for
//! development and demos whose "phone app" is the `/nafath-simulator` page.
//! Production refuses to start with the simulator (see `server`).

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::JwkSet};
use rand::Rng;
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use crate::database::{Db, now};
use crate::ids::NationalId;

mod db;

/// A started Nafath transaction: the id and the number the user must pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NafathTransaction {
    pub trans_id: String,
    pub random: String,
}

/// The identity Nafath asserts once the user approved.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssertedPerson {
    pub name_ar: Option<String>,
    pub name_en: Option<String>,
}

/// A transaction's state as Nafath reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NafathStatus {
    Waiting,
    Completed(AssertedPerson),
    Rejected,
    Expired,
}

/// What a verified callback JWT says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackAssertion {
    pub trans_id: String,
    pub national_id: String,
    pub status: NafathStatus,
}

/// Why a call to Nafath failed.
#[derive(Debug, thiserror::Error)]
pub enum NafathError {
    #[error("Nafath did not answer in time")]
    Timeout,
    #[error("Nafath answered with HTTP {0}")]
    Http(u16),
    #[error("Nafath could not be reached: {0}")]
    Transport(String),
    #[error("Nafath's answer could not be read: {0}")]
    Malformed(String),
    #[error("the callback token is not valid: {0}")]
    InvalidToken(String),
    #[error("this provider does not accept callbacks")]
    CallbacksUnsupported,
    #[error("database error in the simulator: {0}")]
    Simulator(#[from] sqlx::Error),
}

/// The operations of Nafath's app flow that Takamul uses.
#[async_trait]
pub trait NafathProvider: Send + Sync {
    /// Starts a transaction for this person; they confirm `random` in the app.
    async fn request(&self, national_id: &NationalId) -> Result<NafathTransaction, NafathError>;
    /// Asks where the transaction stands.
    async fn status(
        &self,
        national_id: &NationalId,
        transaction: &NafathTransaction,
    ) -> Result<NafathStatus, NafathError>;
    /// Verifies the JWT Nafath posts to the callback URL.
    async fn verify_callback(&self, token: &str) -> Result<CallbackAssertion, NafathError>;
    /// True for the built-in simulator.
    fn is_simulator(&self) -> bool;
}

// ---------------------------------------------------------------- real client

/// Settings of the real Nafath client.
#[derive(Debug, Clone)]
pub struct NafathClientConfig {
    /// e.g. `https://nafath.api.elm.sa` (no trailing slash).
    pub base_url: String,
    pub app_id: String,
    pub app_key: String,
    /// The service name Nafath registered for this site.
    pub service: String,
    pub timeout: Duration,
}

/// The real Nafath MFA client over HTTP.
pub struct HttpNafath {
    config: NafathClientConfig,
    http: reqwest::Client,
    /// JWK set used to verify callbacks; refreshed when a token names an unknown key.
    keys: Arc<RwLock<Option<JwkSet>>>,
    /// When the key set was last fetched: forged tokens naming made-up keys
    /// must not turn every callback into a request to Nafath.
    keys_fetched_at: Arc<RwLock<Option<std::time::Instant>>>,
}

/// The shortest time between two fetches of Nafath's key set.
pub const JWKS_REFRESH_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestBody<'a> {
    national_id: &'a str,
    service: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RequestAnswer {
    trans_id: String,
    random: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StatusBody<'a> {
    national_id: &'a str,
    trans_id: &'a str,
    random: &'a str,
}

#[derive(Deserialize)]
struct StatusAnswer {
    status: String,
    #[serde(default)]
    person: Option<PersonClaims>,
}

/// Person fields as Nafath sends them (status answer or JWT claims).
#[derive(Debug, Deserialize, Serialize, Default, Clone)]
#[serde(rename_all = "camelCase")]
pub struct PersonClaims {
    #[serde(default, alias = "arFullName", alias = "fullNameAr")]
    pub name_ar: Option<String>,
    #[serde(default, alias = "enFullName", alias = "fullNameEn")]
    pub name_en: Option<String>,
}

/// The claims of the callback JWT.
#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackClaims {
    pub trans_id: String,
    pub national_id: String,
    pub status: String,
    #[serde(default)]
    pub person: Option<PersonClaims>,
    pub exp: i64,
}

fn parse_status(status: &str, person: Option<PersonClaims>) -> Result<NafathStatus, NafathError> {
    match status {
        "WAITING" => Ok(NafathStatus::Waiting),
        "COMPLETED" => {
            let person = person.unwrap_or_default();
            Ok(NafathStatus::Completed(AssertedPerson {
                name_ar: person.name_ar.filter(|n| !n.trim().is_empty()),
                name_en: person.name_en.filter(|n| !n.trim().is_empty()),
            }))
        }
        "REJECTED" => Ok(NafathStatus::Rejected),
        "EXPIRED" => Ok(NafathStatus::Expired),
        other => Err(NafathError::Malformed(format!("unknown status {other:?}"))),
    }
}

impl HttpNafath {
    pub fn new(config: NafathClientConfig) -> Result<Self, NafathError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // A redirect would carry APP-ID and APP-KEY to wherever it
            // points: Nafath's API answers where it was asked, or fails.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| NafathError::Transport(e.to_string()))?;
        Ok(Self {
            config,
            http,
            keys: Arc::new(RwLock::new(None)),
            keys_fetched_at: Arc::new(RwLock::new(None)),
        })
    }

    async fn post<B: Serialize, A: for<'de> Deserialize<'de>>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<A, NafathError> {
        let response = self
            .http
            .post(format!("{}{path}", self.config.base_url))
            .header("APP-ID", &self.config.app_id)
            .header("APP-KEY", &self.config.app_key)
            .json(body)
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status();
        if !status.is_success() {
            return Err(NafathError::Http(status.as_u16()));
        }
        let bytes = response.bytes().await.map_err(transport_error)?;
        serde_json::from_slice(&bytes).map_err(|e| NafathError::Malformed(e.to_string()))
    }

    async fn fetch_keys(&self) -> Result<JwkSet, NafathError> {
        let response = self
            .http
            .get(format!("{}/api/v1/mfa/jwk", self.config.base_url))
            .header("APP-ID", &self.config.app_id)
            .header("APP-KEY", &self.config.app_key)
            .send()
            .await
            .map_err(transport_error)?;
        if !response.status().is_success() {
            return Err(NafathError::Http(response.status().as_u16()));
        }
        let bytes = response.bytes().await.map_err(transport_error)?;
        serde_json::from_slice(&bytes).map_err(|e| NafathError::Malformed(e.to_string()))
    }

    async fn key_for(&self, kid: Option<&str>) -> Result<DecodingKey, NafathError> {
        for refresh in [false, true] {
            let missing = self.keys.read().await.is_none();
            if missing || refresh {
                let recent = self
                    .keys_fetched_at
                    .read()
                    .await
                    .is_some_and(|at| at.elapsed() < JWKS_REFRESH_INTERVAL);
                if recent && !missing {
                    break;
                }
                let fresh = self.fetch_keys().await?;
                *self.keys.write().await = Some(fresh);
                *self.keys_fetched_at.write().await = Some(std::time::Instant::now());
            }
            let guard = self.keys.read().await;
            let Some(set) = guard.as_ref() else {
                break;
            };
            let jwk = match kid {
                Some(kid) => set.find(kid),
                None if set.keys.len() == 1 => set.keys.first(),
                None => None,
            };
            if let Some(jwk) = jwk {
                return DecodingKey::from_jwk(jwk)
                    .map_err(|e| NafathError::InvalidToken(e.to_string()));
            }
        }
        Err(NafathError::InvalidToken("no matching key".into()))
    }
}

fn transport_error(error: reqwest::Error) -> NafathError {
    if error.is_timeout() {
        NafathError::Timeout
    } else if error.is_decode() {
        NafathError::Malformed(error.to_string())
    } else {
        NafathError::Transport(error.to_string())
    }
}

#[async_trait]
impl NafathProvider for HttpNafath {
    async fn request(&self, national_id: &NationalId) -> Result<NafathTransaction, NafathError> {
        let answer: RequestAnswer = self
            .post(
                "/api/v1/mfa/request",
                &RequestBody {
                    national_id: national_id.as_str(),
                    service: &self.config.service,
                },
            )
            .await?;
        if answer.trans_id.is_empty() || answer.random.is_empty() || answer.random.len() > 4 {
            return Err(NafathError::Malformed("empty transId or bad random".into()));
        }
        Ok(NafathTransaction {
            trans_id: answer.trans_id,
            random: answer.random,
        })
    }

    async fn status(
        &self,
        national_id: &NationalId,
        transaction: &NafathTransaction,
    ) -> Result<NafathStatus, NafathError> {
        let answer: StatusAnswer = self
            .post(
                "/api/v1/mfa/request/status",
                &StatusBody {
                    national_id: national_id.as_str(),
                    trans_id: &transaction.trans_id,
                    random: &transaction.random,
                },
            )
            .await?;
        parse_status(&answer.status, answer.person)
    }

    async fn verify_callback(&self, token: &str) -> Result<CallbackAssertion, NafathError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|e| NafathError::InvalidToken(e.to_string()))?;
        if header.alg != Algorithm::RS256 {
            return Err(NafathError::InvalidToken("only RS256 is accepted".into()));
        }
        let key = self.key_for(header.kid.as_deref()).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        let data = jsonwebtoken::decode::<CallbackClaims>(token, &key, &validation)
            .map_err(|e| NafathError::InvalidToken(e.to_string()))?;
        let claims = data.claims;
        let status = parse_status(&claims.status, claims.person)?;
        Ok(CallbackAssertion {
            trans_id: claims.trans_id,
            national_id: claims.national_id,
            status,
        })
    }

    fn is_simulator(&self) -> bool {
        false
    }
}

// ------------------------------------------------------------------ simulator

/// How long a simulated request stays open, as Nafath's own requests do.
pub const SIMULATED_REQUEST_LIFETIME_SECS: i64 = 180;

/// The built-in simulator: requests live in `nafath_sim_requests`, so every
/// server instance sharing the database sees them, and the
/// `/nafath-simulator` page approves or rejects them.
pub struct SimulatedNafath {
    db: Db,
}

impl SimulatedNafath {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

/// A pending simulated request, as the phone-app page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedRequest {
    pub trans_id: String,
    pub national_id: String,
    pub random: String,
    pub created_at: i64,
}

/// The simulator's side: list and decide pending requests.
pub mod simulator {
    pub use super::db::{decide, pending};

    /// Three numbers to offer, one of them right, in a stable order.
    pub fn choices(random: &str) -> Vec<String> {
        let right: u32 = random.parse().unwrap_or(10);
        let mut numbers = vec![right, 10 + (right + 37) % 90, 10 + (right + 61) % 90];
        numbers.sort_unstable();
        numbers.dedup();
        numbers.into_iter().map(|n| n.to_string()).collect()
    }
}

#[async_trait]
impl NafathProvider for SimulatedNafath {
    async fn request(&self, national_id: &NationalId) -> Result<NafathTransaction, NafathError> {
        let (trans_id, random) = {
            let mut rng = rand::rng();
            let trans_id: String = (0..16)
                .map(|_| format!("{:02x}", rng.random::<u8>()))
                .collect();
            (trans_id, rng.random_range(10..100u32).to_string())
        };
        db::insert_request(&self.db, &trans_id, national_id, &random).await?;
        Ok(NafathTransaction { trans_id, random })
    }

    async fn status(
        &self,
        national_id: &NationalId,
        transaction: &NafathTransaction,
    ) -> Result<NafathStatus, NafathError> {
        let row = db::request_status(&self.db, national_id, transaction).await?;
        let Some((status, created_at)) = row else {
            return Err(NafathError::Malformed("unknown transaction".into()));
        };
        match status.as_str() {
            "WAITING" if now() - created_at > SIMULATED_REQUEST_LIFETIME_SECS => {
                Ok(NafathStatus::Expired)
            }
            "COMPLETED" => {
                let person = db::known_person(&self.db, national_id).await?;
                Ok(NafathStatus::Completed(match person {
                    Some((name_ar, name_en)) => AssertedPerson {
                        name_ar: Some(name_ar),
                        name_en: Some(name_en),
                    },
                    // Real Nafath always names the person; the simulator gives
                    // people it does not know a fictional name from their ID.
                    None => {
                        let id = national_id.as_str();
                        let tail = &id[id.len().saturating_sub(4)..];
                        AssertedPerson {
                            name_ar: Some(format!("شخص تجريبي {tail}")),
                            name_en: Some(format!("Demo person {tail}")),
                        }
                    }
                }))
            }
            other => parse_status(other, None),
        }
    }

    async fn verify_callback(&self, _token: &str) -> Result<CallbackAssertion, NafathError> {
        Err(NafathError::CallbacksUnsupported)
    }

    fn is_simulator(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse() {
        assert_eq!(
            parse_status("WAITING", None).unwrap(),
            NafathStatus::Waiting
        );
        assert_eq!(
            parse_status("REJECTED", None).unwrap(),
            NafathStatus::Rejected
        );
        assert_eq!(
            parse_status("EXPIRED", None).unwrap(),
            NafathStatus::Expired
        );
        assert!(matches!(
            parse_status("COMPLETED", None).unwrap(),
            NafathStatus::Completed(_)
        ));
        assert!(parse_status("MAYBE", None).is_err());
    }

    #[test]
    fn simulator_offers_the_right_number_among_three() {
        for n in 10..100 {
            let random = n.to_string();
            let choices = simulator::choices(&random);
            assert!(choices.contains(&random));
            assert!(choices.len() >= 2);
        }
    }
}
