//! What changes in a page before the page memory keeps it: it will be sent
//! to many visitors, so nothing that belongs to one response may stay in it.

use axum::body::Bytes;

/// The page without Leptos' data scripts (`<script nonce=…>__RESOLVED_RESOURCES=…`
/// and `__INCOMPLETE_CHUNKS=…`). A page without islands has nothing to read
/// them, and a stored page loses its nonce, so the browser would only block
/// them and log a CSP error on every visit.
pub(super) fn without_data_scripts(body: Bytes) -> Bytes {
    const OPEN: &[u8] = b"<script";
    const CLOSE: &[u8] = b"</script>";
    let find = |haystack: &[u8], needle: &[u8], from: usize| {
        haystack[from..]
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let mut out = Vec::with_capacity(body.len());
    let mut at = 0;
    let mut changed = false;
    while let Some(start) = find(&body, OPEN, at) {
        let Some(tag_end) = find(&body, b">", start) else {
            break;
        };
        let Some(end) = find(&body, CLOSE, tag_end) else {
            break;
        };
        let content = &body[tag_end + 1..end];
        let data = content.starts_with(b"__RESOLVED_RESOURCES=")
            || content.starts_with(b"__INCOMPLETE_CHUNKS=");
        out.extend_from_slice(&body[at..start]);
        if data {
            changed = true;
        } else {
            out.extend_from_slice(&body[start..end + CLOSE.len()]);
        }
        at = end + CLOSE.len();
    }
    if !changed {
        return body;
    }
    out.extend_from_slice(&body[at..]);
    Bytes::from(out)
}

/// A Content-Security-Policy without its `'nonce-…'` sources.
pub(super) fn without_nonce(policy: &str) -> String {
    policy
        .split(' ')
        .filter(|source| !source.starts_with("'nonce-"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_pages_lose_the_data_scripts() {
        let page = Bytes::from_static(
            b"<html><head><script type=\"application/ld+json\">{}</script></head><body>x</body>\
              <script nonce=\"n1\">__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];</script>\
              <script nonce=\"n1\">__INCOMPLETE_CHUNKS=[];</script></html>",
        );
        let kept = without_data_scripts(page);
        assert_eq!(
            std::str::from_utf8(&kept).unwrap(),
            "<html><head><script type=\"application/ld+json\">{}</script></head><body>x</body>\
              </html>"
        );
        let plain = Bytes::from_static(b"<p>no scripts</p>");
        assert_eq!(without_data_scripts(plain.clone()), plain);
    }

    #[test]
    fn the_stored_policy_loses_its_nonce() {
        assert_eq!(
            without_nonce(
                "default-src 'self'; script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval'"
            ),
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"
        );
    }
}
