//! Attendance on a weak connection. The sheet's marks are plain forms (one
//! post per tap, without JavaScript); with it, the [`AttendanceQueue`]
//! island keeps each tap in the browser first (local storage), shows it at
//! once, sends the taps in order when the network allows, and shows
//! "waiting to send" on a row until its taps are through. Each tap carries a
//! key made in the browser, so a tap sent again after a lost answer is
//! applied once (`attendance_taps`).

use leptos::prelude::*;

use crate::ui::in_browser;

/// Where the taps wait in the browser.
pub const QUEUE_KEY: &str = "takamul-attendance-queue";

/// Whether a tap key is one the sheet makes: letters, digits and `-`, 1–64.
pub fn is_tap_key(key: &str) -> bool {
    (1..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// A tap waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tap {
    pub key: String,
    pub course_id: i64,
    pub session_id: i64,
    pub enrollment_id: i64,
    pub mark: String,
}

/// The stored queue: one tap per line, `key\tcourse\tsession\tenrollment\tmark`.
pub fn encode_queue(taps: &[Tap]) -> String {
    taps.iter()
        .map(|t| {
            format!(
                "{}\t{}\t{}\t{}\t{}",
                t.key, t.course_id, t.session_id, t.enrollment_id, t.mark
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the stored queue; unreadable lines are left out.
pub fn decode_queue(stored: &str) -> Vec<Tap> {
    stored
        .lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            let key = parts.next().filter(|k| is_tap_key(k))?.to_string();
            let mut number = || parts.next().and_then(|p| p.parse::<i64>().ok());
            let (course_id, session_id, enrollment_id) = (number()?, number()?, number()?);
            let mark = parts.next()?.to_string();
            Some(Tap {
                key,
                course_id,
                session_id,
                enrollment_id,
                mark,
            })
        })
        .collect()
}

/// Wraps the sheet's rows (their plain forms inside). `waiting` is the
/// translated "waiting to send", put in the page (hidden) for the island to
/// read: islands take no props, so the browser's module needs no JSON decoder.
#[component]
pub fn AttendanceQueue(waiting: String, children: Children) -> impl IntoView {
    view! {
        <AttendanceTaps>
            <span class="tap-waiting-text" hidden>{waiting}</span>
            {children()}
        </AttendanceTaps>
    }
}

/// The island of [`AttendanceQueue`]: keeps and sends the taps.
#[island]
pub fn AttendanceTaps(children: Children) -> impl IntoView {
    // Once the island is awake: it changes the rows' DOM.
    #[cfg(feature = "hydrate")]
    Effect::new(browser::start);
    let on_tap = in_browser!(leptos::ev::SubmitEvent, browser::tapped);
    view! { <div class="attendance-queue" on:submit=on_tap>{children()}</div> }
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::Cell;

    use gloo_timers::future::TimeoutFuture;
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::js_sys::{Date, Math};
    use leptos::web_sys::{Element, Event, HtmlInputElement};

    use super::{QUEUE_KEY, Tap, decode_queue, encode_queue};
    use crate::training::api::MarkAttendance;
    use crate::ui::fetch;
    use leptos::server_fn::ServerFn;

    thread_local! {
        static SENDING: Cell<bool> = const { Cell::new(false) };
    }

    fn load() -> Vec<Tap> {
        window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(QUEUE_KEY).ok().flatten())
            .map(|stored| decode_queue(&stored))
            .unwrap_or_default()
    }

    fn save(taps: &[Tap]) {
        if let Ok(Some(storage)) = window().local_storage() {
            let _ = if taps.is_empty() {
                storage.remove_item(QUEUE_KEY)
            } else {
                storage.set_item(QUEUE_KEY, &encode_queue(taps))
            };
        }
    }

    /// Rows with taps left show "waiting to send"; the others do not.
    fn show_waiting(waiting: &str) {
        let queued = load();
        let Ok(rows) = document().query_selector_all(".attendance-row") else {
            return;
        };
        for index in 0..rows.length() {
            let Some(row) = rows.item(index).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let id = row.id();
            let is_waiting = queued.iter().any(|t| format!("e{}", t.enrollment_id) == id);
            let label = row.query_selector(".tap-waiting").ok().flatten();
            match (is_waiting, label) {
                (true, None) => {
                    if let Ok(label) = document().create_element("span") {
                        label.set_class_name("tap-waiting");
                        label.set_text_content(Some(waiting));
                        let _ = row.append_child(&label);
                    }
                }
                (false, Some(label)) => label.remove(),
                _ => {}
            }
        }
    }

    /// The page's "waiting to send".
    fn waiting_text() -> String {
        crate::ui::dom::page_text(".tap-waiting-text")
    }

    pub fn start() {
        let text = waiting_text();
        show_waiting(&text);
        let again = text.clone();
        let online = window_event_listener_untyped("online", move |_| send(again.clone()));
        // The sheet lives as long as the page.
        std::mem::forget(online);
        send(text);
        // Said on the sheet, so a test (or a person's tools) can tell taps
        // are now kept in the phone rather than posted as plain forms.
        if let Ok(Some(sheet)) = document().query_selector(".attendance-queue") {
            let _ = sheet.set_attribute("data-awake", "");
        }
    }

    fn field(form: &Element, name: &str) -> Option<String> {
        form.query_selector(&format!("input[name={name}]"))
            .ok()
            .flatten()
            .and_then(|i| i.dyn_into::<HtmlInputElement>().ok())
            .map(|i| i.value())
    }

    /// A tap on a mark: shown pressed at once, queued, sent when possible.
    pub fn tapped(event: &Event) {
        let Some(form) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let number = |name| field(&form, name).and_then(|v| v.parse::<i64>().ok());
        let (Some(course_id), Some(session_id), Some(enrollment_id), Some(mark)) = (
            number("course_id"),
            number("session_id"),
            number("enrollment_id"),
            field(&form, "mark"),
        ) else {
            return;
        };
        event.prevent_default();
        if let Some(marks) = form.parent_element()
            && let Ok(buttons) = marks.query_selector_all("button")
        {
            for index in 0..buttons.length() {
                if let Some(button) = buttons
                    .item(index)
                    .and_then(|n| n.dyn_into::<Element>().ok())
                {
                    let _ = button.set_attribute("aria-pressed", "false");
                }
            }
        }
        if let Ok(Some(button)) = form.query_selector("button") {
            let _ = button.set_attribute("aria-pressed", "true");
        }
        let key = format!(
            "{:x}-{:x}",
            Date::now() as u64,
            (Math::random() * 9_007_199_254_740_992.0) as u64
        );
        let mut queue = load();
        queue.push(Tap {
            key,
            course_id,
            session_id,
            enrollment_id,
            mark,
        });
        save(&queue);
        let waiting = waiting_text();
        show_waiting(&waiting);
        send(waiting);
    }

    /// Sends the queue in order, one tap at a time; stops at a network
    /// failure and tries again a little later (or when the browser is back
    /// online). A tap the server refuses (4xx) leaves the queue.
    fn send(waiting: String) {
        if SENDING.with(|s| s.replace(true)) {
            return;
        }
        spawn_local(async move {
            while let Some(tap) = load().into_iter().next() {
                // `mark_attendance` by fetch (`ui::fetch`: lighter than its
                // generated client); only the status matters here.
                let (course, session, enrollment) = (
                    tap.course_id.to_string(),
                    tap.session_id.to_string(),
                    tap.enrollment_id.to_string(),
                );
                let body = fetch::form_body(&[
                    ("course_id", &course),
                    ("session_id", &session),
                    ("enrollment_id", &enrollment),
                    ("mark", &tap.mark),
                    ("tap", &tap.key),
                ]);
                let answer = fetch::call(MarkAttendance::PATH, Some(&body)).await;
                if answer.as_ref().is_none_or(fetch::Answer::is_retryable) {
                    SENDING.with(|s| s.set(false));
                    TimeoutFuture::new(5_000).await;
                    if !load().is_empty() {
                        send(waiting);
                    }
                    return;
                }
                let rest: Vec<Tap> = load().into_iter().filter(|t| t.key != tap.key).collect();
                save(&rest);
                show_waiting(&waiting);
            }
            SENDING.with(|s| s.set(false));
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_reads_back_and_leaves_out_rubbish() {
        let taps = vec![
            Tap {
                key: "18c-abc".into(),
                course_id: 1,
                session_id: 2,
                enrollment_id: 3,
                mark: "present".into(),
            },
            Tap {
                key: "18d-abd".into(),
                course_id: 1,
                session_id: 2,
                enrollment_id: 4,
                mark: "absent".into(),
            },
        ];
        assert_eq!(decode_queue(&encode_queue(&taps)), taps);
        assert!(decode_queue("bad key\t1\t2\t3\tpresent\nk\tx\t2\t3\tpresent").is_empty());
    }

    #[test]
    fn tap_keys_are_short_and_plain() {
        assert!(is_tap_key("18c4f-9a0b"));
        assert!(!is_tap_key(""));
        assert!(!is_tap_key("a b"));
        assert!(!is_tap_key(&"a".repeat(65)));
    }
}
