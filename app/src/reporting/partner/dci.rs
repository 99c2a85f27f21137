//! The household look-up's envelope, shaped after the DCI (Digital
//! Convergence Initiative) social-registry "sync search" API, so that a
//! ministry's existing DCI client can read it: `POST …/registry/sync/search`
//! with `signature`, `header` (`MsgHeader`: `version`, `message_id`,
//! `message_ts`, `action: "search"`, `sender_id`, `receiver_id`,
//! `total_count`) and `message` (`transaction_id`, `search_request[]` with
//! `reference_id`, `timestamp`, `search_criteria` whose `query_type` is
//! `idtype-value`), answered by the `on-search` envelope (`header` with
//! `status`, `message.search_response[]` with `status` `succ` or `rjct`,
//! `status_reason_code`, and `data.reg_records`). Field names and codes are
//! the specification's (`rjct.*` reason codes, `err.*` error codes).
//!
//! Pure functions: parsing and building; the look-up itself is in `db.rs`.

use serde::Deserialize;
use serde_json::{Value, json};

use crate::ids::NationalId;

/// The version of the DCI envelope this speaks.
pub const VERSION: &str = "1.0.0";
/// This registry's id in `sender_id` of its answers.
pub const REGISTRY_ID: &str = "takamul";
/// At most this many look-ups in one message.
pub const MAX_SEARCHES: usize = 50;

/// A sync search request as sent (the criteria are read item by item, so
/// one malformed item is rejected alone).
#[derive(Debug, Clone, Deserialize)]
pub struct SearchRequest {
    #[serde(default)]
    pub signature: Option<Value>,
    pub header: RequestHeader,
    pub message: RequestMessage,
}

/// `MsgHeader` of a request.
#[derive(Debug, Clone, Deserialize)]
pub struct RequestHeader {
    #[serde(default)]
    pub version: Option<String>,
    pub message_id: String,
    pub message_ts: String,
    pub action: String,
    pub sender_id: String,
    #[serde(default)]
    pub sender_uri: Option<String>,
    #[serde(default)]
    pub receiver_id: Option<String>,
    pub total_count: i64,
    #[serde(default)]
    pub is_msg_encrypted: Option<bool>,
}

/// `message` of a search request.
#[derive(Debug, Clone, Deserialize)]
pub struct RequestMessage {
    pub transaction_id: String,
    pub search_request: Vec<SearchItem>,
}

/// One `search_request` item.
#[derive(Debug, Clone, Deserialize)]
pub struct SearchItem {
    pub reference_id: String,
    #[serde(default)]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub search_criteria: Value,
    #[serde(default)]
    pub locale: Option<String>,
}

/// Why a whole message is refused (answered 400): the specification's
/// `MsgHeaderStatusReasonCode` when one fits, and its `Error` code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `rjct.action.invalid`, `rjct.version.invalid`, `rjct.total_count.*`;
    /// none when the body is not an envelope at all.
    pub reason_code: Option<&'static str>,
    /// `err.request.bad`, `err.version.not_supported`, `err.encryption.invalid`.
    pub error_code: &'static str,
    pub message: String,
}

impl Refusal {
    fn new(
        reason_code: Option<&'static str>,
        error_code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            reason_code,
            error_code,
            message: message.into(),
        }
    }
}

/// Reads a request body: JSON of the envelope's shape, `action` `search`,
/// a 1.x version, `total_count` equal to the number of items, 1 to
/// [`MAX_SEARCHES`] items, not encrypted.
pub fn parse_request(body: &[u8]) -> Result<SearchRequest, Refusal> {
    let request: SearchRequest = serde_json::from_slice(body).map_err(|error| {
        Refusal::new(
            None,
            "err.request.bad",
            format!("not a DCI search envelope: {error}"),
        )
    })?;
    let header = &request.header;
    if header.action != "search" {
        return Err(Refusal::new(
            Some("rjct.action.invalid"),
            "err.request.bad",
            "header.action must be \"search\"",
        ));
    }
    if header
        .version
        .as_deref()
        .is_some_and(|v| v.split('.').next() != Some("1"))
    {
        return Err(Refusal::new(
            Some("rjct.version.invalid"),
            "err.version.not_supported",
            format!("version {VERSION} is spoken here"),
        ));
    }
    if header.is_msg_encrypted == Some(true) {
        return Err(Refusal::new(
            None,
            "err.encryption.invalid",
            "encrypted messages are not accepted; the connection is TLS",
        ));
    }
    let items = request.message.search_request.len();
    if items == 0 {
        return Err(Refusal::new(
            Some("rjct.total_count.invalid"),
            "err.request.bad",
            "message.search_request is empty",
        ));
    }
    if items > MAX_SEARCHES {
        return Err(Refusal::new(
            Some("rjct.total_count.limit_exceeded"),
            "err.request.bad",
            format!("at most {MAX_SEARCHES} searches per message"),
        ));
    }
    if header.total_count != items as i64 {
        return Err(Refusal::new(
            Some("rjct.total_count.invalid"),
            "err.request.bad",
            "header.total_count must equal the number of search_request items",
        ));
    }
    Ok(request)
}

/// The identifier types accepted in an `idtype-value` query: the Saudi
/// national ID or Iqama number (DCI's `UIN`, "unique identification number").
const ID_TYPES: [&str; 3] = ["NATIONAL_ID", "UIN", "NID"];

/// The national ID an item asks for: `query_type` `idtype-value` and a
/// query `{"type": "NATIONAL_ID", "value": "…"}` (or the specification's
/// `{"identifier_type": …, "identifier_value": …}`), with a valid ID (ten
/// digits, Eastern-Arabic digits accepted, Luhn check digit).
pub fn national_id_of(item: &SearchItem) -> Result<NationalId, &'static str> {
    let criteria = &item.search_criteria;
    if criteria.get("query_type").and_then(Value::as_str) != Some("idtype-value") {
        return Err("search_criteria.query_type must be \"idtype-value\"");
    }
    let query = criteria
        .get("query")
        .ok_or("search_criteria.query is missing")?;
    let id_type = query
        .get("type")
        .or_else(|| query.get("identifier_type"))
        .and_then(|t| {
            t.as_str()
                .or_else(|| t.get("value").and_then(Value::as_str))
        })
        .ok_or("search_criteria.query.type is missing")?;
    if !ID_TYPES.iter().any(|t| t.eq_ignore_ascii_case(id_type)) {
        return Err("search_criteria.query.type must be NATIONAL_ID");
    }
    let value = query
        .get("value")
        .or_else(|| query.get("identifier_value"))
        .and_then(Value::as_str)
        .ok_or("search_criteria.query.value must be a string")?;
    NationalId::parse(value).map_err(|_| "search_criteria.query.value is not a valid national ID")
}

/// An association, by name, as a record names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub name_ar: String,
    pub name_en: String,
}

/// A benefit as the look-up answers it: never its amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitEntry {
    /// The assistance type's code (`training`, `equipment`, …).
    pub assistance_type: String,
    pub assistance_type_name_ar: String,
    pub assistance_type_name_en: String,
    /// `YYYY-MM-DD`.
    pub given_on: String,
    pub association: Organisation,
}

/// What the registry says about one national ID, for one partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdRecord {
    pub registered: bool,
    pub serving_associations: Vec<Organisation>,
    /// `None`: withheld (the partner's association does not serve the household).
    pub benefits: Option<Vec<BenefitEntry>>,
}

impl HouseholdRecord {
    /// No registered household holds the ID.
    pub fn not_registered() -> Self {
        Self {
            registered: false,
            serving_associations: Vec::new(),
            benefits: Some(Vec::new()),
        }
    }

    fn to_json(&self) -> Value {
        let organisation = |o: &Organisation| json!({"name_ar": o.name_ar, "name_en": o.name_en});
        let mut record = json!({
            "registered": self.registered,
            "serving_associations": self.serving_associations.iter().map(organisation).collect::<Vec<_>>(),
            "benefits_withheld": self.benefits.is_none(),
        });
        if let Some(benefits) = &self.benefits {
            record["benefits"] = benefits
                .iter()
                .map(|b| {
                    json!({
                        "assistance_type": b.assistance_type,
                        "assistance_type_name_ar": b.assistance_type_name_ar,
                        "assistance_type_name_en": b.assistance_type_name_en,
                        "given_on": b.given_on,
                        "association": organisation(&b.association),
                    })
                })
                .collect();
        }
        record
    }
}

/// The answer to one `search_request` item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemAnswer {
    Found(HouseholdRecord),
    /// The item's criteria were refused (`rjct.search_criteria.invalid`).
    Rejected(&'static str),
}

/// A Unix time as the envelope writes times (ISO 8601, UTC).
pub fn timestamp(unix_seconds: i64) -> String {
    chrono::DateTime::from_timestamp(unix_seconds, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The `on-search` answer: one `search_response` item per request item, in
/// the request's order.
pub fn on_search(
    request: &SearchRequest,
    answers: &[ItemAnswer],
    now: i64,
    correlation_id: &str,
) -> Value {
    let responses: Vec<Value> = request
        .message
        .search_request
        .iter()
        .zip(answers)
        .map(|(item, answer)| {
            let mut response = json!({
                "reference_id": item.reference_id,
                "timestamp": timestamp(now),
                "locale": item.locale.clone().unwrap_or_else(|| "en".to_string()),
            });
            match answer {
                ItemAnswer::Found(record) => {
                    response["status"] = json!("succ");
                    response["data"] = json!({
                        "version": VERSION,
                        "reg_type": {"namespace": "ns:dci:registry-type:v1", "value": "social"},
                        "reg_record_type": {"namespace": "ns:takamul:record-type:v1", "value": "household"},
                        "reg_records": [record.to_json()],
                    });
                    response["pagination"] =
                        json!({"page_size": 1, "page_number": 1, "total_count": 1});
                }
                ItemAnswer::Rejected(message) => {
                    response["status"] = json!("rjct");
                    response["status_reason_code"] = json!("rjct.search_criteria.invalid");
                    response["status_reason_message"] = json!(message);
                }
            }
            response
        })
        .collect();
    let completed = responses.len();
    json!({
        "signature": "",
        "header": {
            "version": VERSION,
            "message_id": request.header.message_id,
            "message_ts": timestamp(now),
            "action": "on-search",
            "status": "succ",
            "total_count": completed,
            "completed_count": completed,
            "sender_id": REGISTRY_ID,
            "receiver_id": request.header.sender_id,
            "is_msg_encrypted": false,
        },
        "message": {
            "transaction_id": request.message.transaction_id,
            "correlation_id": correlation_id,
            "search_response": responses,
        },
    })
}

/// The answer to a refused message (400): the `on-search` header with
/// `status` `rjct` and the reason, and the DCI `error` object. The
/// request's ids are echoed when they could be read.
pub fn refused(body: &[u8], refusal: &Refusal, now: i64) -> Value {
    let sent: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let text = |v: &Value| v.as_str().map(str::to_string);
    let mut answer = json!({
        "signature": "",
        "header": {
            "version": VERSION,
            "message_id": text(&sent["header"]["message_id"]).unwrap_or_default(),
            "message_ts": timestamp(now),
            "action": "on-search",
            "status": "rjct",
            "status_reason_message": refusal.message,
            "total_count": 0,
            "completed_count": 0,
            "sender_id": REGISTRY_ID,
            "receiver_id": text(&sent["header"]["sender_id"]),
            "is_msg_encrypted": false,
        },
        "message": {
            "transaction_id": text(&sent["message"]["transaction_id"]),
            "search_response": [],
        },
        "error": {"code": refusal.error_code, "message": refusal.message},
    });
    if let Some(code) = refusal.reason_code {
        answer["header"]["status_reason_code"] = json!(code);
    }
    answer
}
