//! The islands' calls to server functions, by the browser's own `fetch`.
//! Calling a `#[server]` function from an island compiles its whole client
//! into the WebAssembly (argument encoding, response and error decoding with
//! serde): several KB for two small requests. An island's call needs only
//! the HTTP status (and, once, a short JSON answer), so it posts a
//! form-encoded body (the server function's own `PostUrl` input) and asks for
//! JSON, as the generated client would; the server cannot tell them apart.

use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys::js_sys::encode_uri_component;
use leptos::web_sys::{Headers, RequestInit, Response};
use wasm_bindgen_futures::JsFuture;

/// What came back: the HTTP status and the body's text.
pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    /// Whether the server may answer better later: an error on our side,
    /// an outage, or too many requests (the caller keeps its work and retries).
    pub fn is_retryable(&self) -> bool {
        self.status >= 500 || self.status == 429
    }
}

/// A `name=value&…` body, each value percent-encoded.
pub fn form_body(fields: &[(&str, &str)]) -> String {
    let mut body = String::new();
    for (name, value) in fields {
        if !body.is_empty() {
            body.push('&');
        }
        body.push_str(name);
        body.push('=');
        body.push_str(&String::from(encode_uri_component(value)));
    }
    body
}

/// Calls `path` (a server function's `PATH`): a GET without `form`, else a
/// form-encoded POST. `None` when the network failed (offline, aborted).
pub async fn call(path: &str, form: Option<&str>) -> Option<Answer> {
    let init = RequestInit::new();
    let headers = Headers::new().ok()?;
    headers.set("Accept", "application/json").ok()?;
    if let Some(body) = form {
        init.set_method("POST");
        headers
            .set("Content-Type", "application/x-www-form-urlencoded")
            .ok()?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let promise = leptos::prelude::window().fetch_with_str_and_init(path, &init);
    let response: Response = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    let text = JsFuture::from(response.text().ok()?).await.ok()?;
    Some(Answer {
        status: response.status(),
        body: text.as_string().unwrap_or_default(),
    })
}
