//! The Nafath wait as an island: with JavaScript the page asks the server
//! every few seconds by `fetch` (no page reloads), counts down the time left,
//! moves on by itself once the person approved, and sends them back to the
//! sign-in page with the reason when Nafath refused or the time ran out.
//! Without JavaScript the page's own refresh and "I confirmed" do the same.

use leptos::prelude::*;

/// Seconds between two questions to the server. A question is a small fetch,
/// so it can be more frequent than the no-JavaScript page refresh.
pub const POLL_SECS: u32 = 2;

/// `m:ss` of a number of seconds (never negative).
pub fn clock(secs: i64) -> String {
    let secs = secs.max(0);
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// The countdown and the polling loop of the waiting page. `label` is the
/// translated "time left"; `after` is where an approved person goes. What
/// the island needs is in the markup (`data-left`, `data-after`): islands
/// take no props, so the browser's module needs no JSON decoder.
#[component]
pub fn NafathWait(expires_in_secs: i64, label: String, after: String) -> impl IntoView {
    let left = expires_in_secs.max(0);
    view! {
        <NafathCountdown>
            <p class="countdown muted" data-testid="nafath-countdown" data-left=left data-after=after>
                {label} " " <bdi dir="ltr"><time>{clock(left)}</time></bdi>
            </p>
        </NafathCountdown>
    }
}

/// The island of [`NafathWait`]: counts down and asks the server.
#[island]
pub fn NafathCountdown(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(browser::start);
    children()
}

#[cfg(feature = "hydrate")]
mod browser {
    use gloo_timers::future::TimeoutFuture;
    use leptos::prelude::*;
    use leptos::task::spawn_local;

    use super::{POLL_SECS, clock, error_key};
    use crate::error::with_error_param;
    use crate::identity::api::PollSignIn;
    use crate::paths::SIGN_IN_PAGE;
    use crate::ui::fetch;
    use leptos::server_fn::ServerFn;

    pub fn start() {
        let Some(countdown) = document()
            .query_selector(".countdown[data-left]")
            .ok()
            .flatten()
        else {
            return;
        };
        let mut left: i64 = countdown
            .get_attribute("data-left")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        let after = countdown.get_attribute("data-after").unwrap_or_default();
        let time = countdown.query_selector("time").ok().flatten();
        spawn_local(async move {
            loop {
                TimeoutFuture::new(1_000).await;
                left = (left - 1).max(0);
                if let Some(time) = &time {
                    time.set_text_content(Some(&clock(left)));
                }
            }
        });
        spawn_local(async move {
            loop {
                TimeoutFuture::new(POLL_SECS * 1_000).await;
                // `poll_sign_in` by fetch (`ui::fetch`: lighter than its
                // generated client). A network hiccup or a busy server: ask
                // again next time.
                let Some(answer) = fetch::call(PollSignIn::PATH, None).await else {
                    continue;
                };
                if answer.is_retryable() || answer.body == "\"Waiting\"" {
                    continue;
                }
                // Signed in: the session cookie came with the answer.
                if answer.status < 400 {
                    return go(&after);
                }
                return go(&with_error_param(SIGN_IN_PAGE, error_key(&answer.body)));
            }
        });
    }

    fn go(path: &str) {
        let _ = window().location().set_href(path);
    }
}

/// The message key of a refused poll: `poll_sign_in`'s error as JSON
/// (`AppError`), read without a JSON parser — a key (`{"Conflict":"sign_in_rejected"}`)
/// is the last string; a bare variant names its key through [`AppError::key`].
pub fn error_key(body: &str) -> &str {
    use crate::error::AppError;
    let key = match body.trim() {
        "\"Unauthorized\"" => AppError::Unauthorized.key(),
        "\"Forbidden\"" => AppError::Forbidden.key(),
        "\"NotFound\"" => AppError::NotFound.key(),
        other if other.starts_with('{') => {
            let inner = other.trim_end_matches(['}', ' ']).trim_end_matches('"');
            let last = inner.rsplit('"').next().unwrap_or_default();
            // A key is snake case; anything else is not ours to put in an address.
            if !last.is_empty() && last.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                return last;
            }
            AppError::BadRequest.key()
        }
        _ => AppError::BadRequest.key(),
    };
    key.as_str()
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn a_refused_poll_names_its_message() {
        use super::error_key;
        assert_eq!(
            error_key(r#"{"Conflict":"sign_in_rejected"}"#),
            "sign_in_rejected"
        );
        assert_eq!(
            error_key(r#"{"Validation":{"field":"x","key":"bad_request"}}"#),
            "bad_request"
        );
        assert_eq!(error_key(r#""Unauthorized""#), "sign_in_required");
        assert_eq!(error_key("rubbish"), "bad_request");
        assert_eq!(error_key(r#"{"Conflict":"x&y=1"}"#), "bad_request");
    }

    #[test]
    fn the_countdown_reads_minutes_and_seconds() {
        assert_eq!(clock(125), "2:05");
        assert_eq!(clock(59), "0:59");
        assert_eq!(clock(-3), "0:00");
    }
}
