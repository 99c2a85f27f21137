//! The partners' API's pure parts: secrets and bearer headers, the DCI
//! envelope read and written, and the OpenAPI document against the routes.

use serde_json::{Value, json};

use super::dci::{
    self, BenefitEntry, HouseholdRecord, ItemAnswer, Organisation, national_id_of, parse_request,
};
use super::http::{ENDPOINTS, OPENAPI_JSON, indicator_list};
use super::{Scope, bearer_secret, clean_name, looks_like_secret};

const SECRET: &str = "tkm_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[test]
fn secrets_have_one_shape() {
    assert!(looks_like_secret(SECRET));
    assert!(!looks_like_secret(&SECRET.to_uppercase()));
    assert!(!looks_like_secret(&SECRET[..SECRET.len() - 1]));
    assert!(!looks_like_secret(&SECRET.replace("tkm_", "abc_")));
    assert_eq!(bearer_secret(&format!("Bearer {SECRET}")), Some(SECRET));
    assert_eq!(bearer_secret(&format!("bearer  {SECRET} ")), Some(SECRET));
    assert_eq!(bearer_secret(&format!("Basic {SECRET}")), None);
    assert_eq!(bearer_secret(SECRET), None);
    assert_eq!(bearer_secret("Bearer nope"), None);
}

#[test]
fn scopes_and_names() {
    assert_eq!(Scope::parse("households"), Some(Scope::Households));
    assert_eq!(Scope::parse("everything"), None);
    assert!(Scope::Households.may_look_up() && !Scope::Indicators.may_look_up());
    assert_eq!(
        clean_name("  وزارة   الموارد \n البشرية "),
        "وزارة الموارد البشرية"
    );
    assert_eq!(clean_name(&"x".repeat(500)).chars().count(), 120);
}

fn envelope(items: Value, total: i64) -> Vec<u8> {
    json!({
        "signature": "",
        "header": {"version": "1.0.0", "message_id": "m1", "message_ts": "2026-12-04T09:00:00Z",
                   "action": "search", "sender_id": "ministry.example.sa", "receiver_id": "takamul",
                   "total_count": total},
        "message": {"transaction_id": "t1", "search_request": items},
    })
    .to_string()
    .into_bytes()
}

fn item(query: Value) -> Value {
    json!({"reference_id": "r1", "timestamp": "2026-12-04T09:00:00Z",
           "search_criteria": {"query_type": "idtype-value", "query": query}})
}

#[test]
fn envelopes_are_read_and_refused_with_the_spec_codes() {
    let good = envelope(
        json!([item(json!({"type": "NATIONAL_ID", "value": "1000000065"}))]),
        1,
    );
    let request = parse_request(&good).unwrap();
    assert_eq!(request.message.search_request.len(), 1);
    let refusal = |body: &[u8]| parse_request(body).unwrap_err();
    let code = |body: &[u8]| refusal(body).reason_code.unwrap_or("none");
    assert_eq!(refusal(b"{not json").error_code, "err.request.bad");
    assert_eq!(code(b"{not json"), "none");
    assert_eq!(code(b"{}"), "none");
    let wrong_action = String::from_utf8(good.clone())
        .unwrap()
        .replace("\"search\"", "\"subscribe\"");
    assert_eq!(code(wrong_action.as_bytes()), "rjct.action.invalid");
    let v2 = String::from_utf8(good.clone())
        .unwrap()
        .replace("1.0.0", "2.0.0");
    assert_eq!(code(v2.as_bytes()), "rjct.version.invalid");
    assert_eq!(
        refusal(v2.as_bytes()).error_code,
        "err.version.not_supported"
    );
    let encrypted = String::from_utf8(good.clone()).unwrap().replace(
        "\"total_count\"",
        "\"is_msg_encrypted\": true, \"total_count\"",
    );
    assert_eq!(
        refusal(encrypted.as_bytes()).error_code,
        "err.encryption.invalid"
    );
    assert_eq!(code(&envelope(json!([]), 0)), "rjct.total_count.invalid");
    let one = item(json!({"type": "NATIONAL_ID", "value": "1000000065"}));
    assert_eq!(
        code(&envelope(json!([one.clone()]), 2)),
        "rjct.total_count.invalid"
    );
    let many: Vec<Value> = (0..=dci::MAX_SEARCHES).map(|_| one.clone()).collect();
    assert_eq!(
        code(&envelope(json!(many), many.len() as i64)),
        "rjct.total_count.limit_exceeded"
    );
}

#[test]
fn an_item_asks_for_one_valid_national_id() {
    let id = |query: Value| {
        let request = parse_request(&envelope(json!([item(query)]), 1)).unwrap();
        national_id_of(&request.message.search_request[0]).map(|n| n.as_str().to_string())
    };
    assert_eq!(
        id(json!({"type": "NATIONAL_ID", "value": "1000000065"})).unwrap(),
        "1000000065"
    );
    // Eastern-Arabic digits, the specification's field names, UIN.
    assert_eq!(
        id(json!({"type": "UIN", "value": "١٠٠٠٠٠٠٠٦٥"})).unwrap(),
        "1000000065"
    );
    assert_eq!(
        id(json!({"identifier_type": {"value": "NATIONAL_ID"}, "identifier_value": "1000000065"}))
            .unwrap(),
        "1000000065"
    );
    assert!(id(json!({"type": "BRN", "value": "1000000065"})).is_err());
    assert!(id(json!({"type": "NATIONAL_ID", "value": "1000000066"})).is_err());
    assert!(id(json!({"type": "NATIONAL_ID", "value": 1000000065})).is_err());
    let mut wrong_type = item(json!({"type": "NATIONAL_ID", "value": "1000000065"}));
    wrong_type["search_criteria"]["query_type"] = json!("expression");
    let request = parse_request(&envelope(json!([wrong_type]), 1)).unwrap();
    assert!(national_id_of(&request.message.search_request[0]).is_err());
}

#[test]
fn the_answer_is_an_on_search_envelope_without_personal_fields() {
    let body = envelope(
        json!([
            item(json!({"type": "NATIONAL_ID", "value": "1000000065"})),
            item(json!({"type": "NATIONAL_ID", "value": "x"})),
            item(json!({"type": "NATIONAL_ID", "value": "2000000071"})),
        ]),
        3,
    );
    let request = parse_request(&body).unwrap();
    let nakhla = Organisation {
        name_ar: "جمعية النخلة".into(),
        name_en: "Al Nakhla".into(),
    };
    let answers = [
        ItemAnswer::Found(HouseholdRecord {
            registered: true,
            serving_associations: vec![nakhla.clone()],
            benefits: Some(vec![BenefitEntry {
                assistance_type: "training".into(),
                assistance_type_name_ar: "تدريب".into(),
                assistance_type_name_en: "Training".into(),
                given_on: "2026-11-20".into(),
                association: nakhla,
            }]),
        }),
        ItemAnswer::Rejected("search_criteria.query.value is not a valid national ID"),
        ItemAnswer::Found(HouseholdRecord::not_registered()),
    ];
    let answer = dci::on_search(&request, &answers, 1_764_838_800, "c1");
    assert_eq!(answer["header"]["action"], "on-search");
    assert_eq!(answer["header"]["message_id"], "m1");
    assert_eq!(answer["header"]["receiver_id"], "ministry.example.sa");
    assert_eq!(answer["header"]["message_ts"], "2025-12-04T09:00:00Z");
    assert_eq!(answer["header"]["total_count"], 3);
    assert_eq!(answer["message"]["transaction_id"], "t1");
    let responses = answer["message"]["search_response"].as_array().unwrap();
    assert_eq!(responses[0]["status"], "succ");
    let record = &responses[0]["data"]["reg_records"][0];
    assert_eq!(record["registered"], true);
    assert_eq!(record["benefits"][0]["given_on"], "2026-11-20");
    assert_eq!(record["benefits_withheld"], false);
    assert_eq!(responses[1]["status"], "rjct");
    assert_eq!(
        responses[1]["status_reason_code"],
        "rjct.search_criteria.invalid"
    );
    assert_eq!(responses[2]["data"]["reg_records"][0]["registered"], false);
    let text = answer.to_string();
    for absent in [
        "1000000065",
        "2000000071",
        "value_halalas",
        "phone",
        "address",
        "name\"",
    ] {
        assert!(!text.contains(absent), "{absent} in {text}");
    }
    let refused = dci::refused(
        b"{\"header\": {\"message_id\": \"m9\"}}",
        &parse_request(b"{}").unwrap_err(),
        0,
    );
    assert_eq!(refused["header"]["status"], "rjct");
    assert!(refused["header"].get("status_reason_code").is_none());
    assert_eq!(refused["header"]["message_id"], "m9");
    assert_eq!(refused["error"]["code"], "err.request.bad");
}

/// Every route is described, and every described operation is a route.
#[test]
fn the_openapi_document_describes_exactly_the_routes() {
    let doc: Value = serde_json::from_str(OPENAPI_JSON).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut described = Vec::new();
    for (path, item) in paths {
        for method in item.as_object().unwrap().keys() {
            described.push((method.to_uppercase(), path.clone()));
        }
    }
    described.sort();
    let mut routes: Vec<(String, String)> = ENDPOINTS
        .iter()
        .map(|(method, path, _)| (method.to_string(), path.to_string()))
        .collect();
    routes.sort();
    assert_eq!(described, routes);
    // Every $ref points at a schema that exists.
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    if k == "$ref" {
                        out.push(v.as_str().unwrap().to_string());
                    }
                    refs(v, out);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    for reference in found {
        let pointer = reference.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "dangling {reference}");
    }
}

#[test]
fn the_indicator_list_names_every_indicator_in_both_languages() {
    let list = indicator_list();
    let items = list["indicators"].as_array().unwrap();
    assert_eq!(items.len(), crate::reporting::Indicator::ALL.len());
    for item in items {
        assert!(!item["name"]["ar"].as_str().unwrap().is_empty());
        assert!(!item["name"]["en"].as_str().unwrap().is_empty());
        assert_ne!(item["name"]["ar"], item["name"]["en"]);
    }
}
