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
/// translated "time left"; `after` is where an approved person goes.
#[island]
pub fn NafathWait(expires_in_secs: i64, label: String, after: String) -> impl IntoView {
    let left = RwSignal::new(expires_in_secs.max(0));
    #[cfg(feature = "hydrate")]
    browser::start(left, after);
    #[cfg(not(feature = "hydrate"))]
    let _ = after;
    view! {
        <p class="countdown muted" data-testid="nafath-countdown">
            {label} " " <bdi dir="ltr"><time>{move || clock(left.get())}</time></bdi>
        </p>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use gloo_timers::future::TimeoutFuture;
    use leptos::prelude::*;
    use leptos::task::spawn_local;

    use super::POLL_SECS;
    use crate::error::{AppError, with_error_param};
    use crate::identity::SignInState;
    use crate::identity::api::poll_sign_in;
    use crate::paths::SIGN_IN_PAGE;

    pub fn start(left: RwSignal<i64>, after: String) {
        spawn_local(async move {
            loop {
                TimeoutFuture::new(1_000).await;
                left.update(|secs| *secs = (*secs - 1).max(0));
            }
        });
        spawn_local(async move {
            loop {
                TimeoutFuture::new(POLL_SECS * 1_000).await;
                match poll_sign_in().await {
                    Ok(SignInState::Waiting) => {}
                    // Signed in: the session cookie came with the answer.
                    Ok(_) => return go(&after),
                    // A network hiccup or a busy server: ask again next time.
                    Err(
                        AppError::Internal
                        | AppError::Unavailable
                        | AppError::Busy
                        | AppError::RateLimited,
                    ) => {}
                    Err(error) => return go(&with_error_param(SIGN_IN_PAGE, error.key().as_str())),
                }
            }
        });
    }

    fn go(path: &str) {
        let _ = window().location().set_href(path);
    }
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn the_countdown_reads_minutes_and_seconds() {
        assert_eq!(clock(125), "2:05");
        assert_eq!(clock(59), "0:59");
        assert_eq!(clock(-3), "0:00");
    }
}
