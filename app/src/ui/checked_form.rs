//! Forms checked as the person types, with the server's own rules
//! ([`crate::checks`]). The form inside is the server's plain form and works
//! without JavaScript; with it, a field (input or textarea) that names a
//! check in `data-check` (and, with `data-when`, only while the checkbox of
//! that id is ticked) is checked when the person leaves it (and again on each key once it is
//! wrong), the message appears under it, and a form with a wrong field is
//! not sent. The server checks everything again: the browser is a courtesy.

use leptos::prelude::*;

use crate::checks::FieldCheck;
use crate::error::ErrorKey;
use crate::i18n::*;

/// The translated messages of these checks, for [`CheckedForm`] (the
/// island carries no translations of its own: they would weigh on every page).
pub fn check_messages(checks: &[FieldCheck]) -> Vec<(String, String)> {
    let i18n = use_i18n();
    let text = |key: ErrorKey| match key {
        ErrorKey::NationalIdLength => t_string!(i18n, errors.national_id_length).to_string(),
        ErrorKey::NationalIdDigits => t_string!(i18n, errors.national_id_digits).to_string(),
        ErrorKey::NationalIdPrefix => t_string!(i18n, errors.national_id_prefix).to_string(),
        ErrorKey::NationalIdCheckDigit => {
            t_string!(i18n, errors.national_id_check_digit).to_string()
        }
        ErrorKey::PhoneFormat => t_string!(i18n, errors.phone_format).to_string(),
        ErrorKey::BirthDateInvalid => t_string!(i18n, errors.birth_date_invalid).to_string(),
        ErrorKey::HijriDateInvalid => t_string!(i18n, errors.hijri_date_invalid).to_string(),
        ErrorKey::DependantsInvalid => t_string!(i18n, errors.dependants_invalid).to_string(),
        ErrorKey::PriceInvalid => t_string!(i18n, errors.price_invalid).to_string(),
        ErrorKey::AmountInvalid => t_string!(i18n, errors.amount_invalid).to_string(),
        ErrorKey::DescriptionRequired => t_string!(i18n, errors.description_required).to_string(),
        // `FieldCheck::keys` names no other key (a unit test holds it to that).
        _ => String::new(),
    };
    checks
        .iter()
        .flat_map(|check| check.keys())
        .map(|key| (key.as_str().to_string(), text(*key)))
        .collect()
}

/// Wraps a server-rendered form (or several) whose fields carry `data-check`.
/// `messages` are [`check_messages`] of the checks used inside; they are put
/// in the page (hidden) for the island to read: islands take no props, so
/// the browser's module needs no JSON decoder.
#[component]
pub fn CheckedForm(messages: Vec<(String, String)>, children: Children) -> impl IntoView {
    view! {
        <CheckedFields>
            <div class="check-messages" hidden>
                {messages
                    .into_iter()
                    .map(|(key, text)| view! { <span data-message=key>{text}</span> })
                    .collect_view()}
            </div>
            {children()}
        </CheckedFields>
    }
}

/// The island of [`CheckedForm`]: checks the fields as the person types.
#[island]
pub fn CheckedFields(children: Children) -> impl IntoView {
    let on_leave = in_browser!(leptos::ev::FocusEvent, browser::field_left);
    let on_type = in_browser!(leptos::ev::Event, browser::field_typed);
    let on_send = in_browser!(leptos::ev::SubmitEvent, browser::form_sent);
    view! {
        <div class="checked-form" on:focusout=on_leave on:input=on_type on:submit=on_send>
            {children()}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{Element, Event, HtmlInputElement, HtmlTextAreaElement};

    use crate::checks::FieldCheck;
    use crate::error::ErrorKey;

    /// The page's message for `key` (written by [`super::CheckedForm`]).
    fn message(key: ErrorKey) -> String {
        crate::ui::dom::page_text(&format!(".check-messages [data-message={}]", key.as_str()))
    }

    /// A checked text field: an `<input>` or a `<textarea>`.
    enum Field {
        Input(HtmlInputElement),
        Area(HtmlTextAreaElement),
    }

    impl Field {
        fn of(element: Element) -> Option<(Field, FieldCheck)> {
            let check = FieldCheck::parse(&element.get_attribute("data-check")?)?;
            let field = match element.dyn_into::<HtmlInputElement>() {
                Ok(input) => Field::Input(input),
                Err(element) => Field::Area(element.dyn_into().ok()?),
            };
            Some((field, check))
        }

        fn element(&self) -> &Element {
            match self {
                Field::Input(input) => input,
                Field::Area(area) => area,
            }
        }

        fn value(&self) -> String {
            match self {
                Field::Input(input) => input.value(),
                Field::Area(area) => area.value(),
            }
        }

        fn focus(&self) {
            let _ = match self {
                Field::Input(input) => input.focus(),
                Field::Area(area) => area.focus(),
            };
        }

        /// Whether the field is checked at all: a field with `data-when`
        /// counts only while the checkbox of that id is ticked.
        fn applies(&self) -> bool {
            let Some(when) = self.element().get_attribute("data-when") else {
                return true;
            };
            document()
                .get_element_by_id(&when)
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
                .is_some_and(|checkbox| checkbox.checked())
        }

        /// The field's verdict: an empty field that is not required passes.
        fn verdict(&self, check: FieldCheck) -> Option<ErrorKey> {
            if !self.applies() {
                return None;
            }
            let value = self.value();
            let element = self.element();
            let required = element.has_attribute("required")
                || element.get_attribute("aria-required").as_deref() == Some("true");
            if value.trim().is_empty() && !required {
                return None;
            }
            check.check(&value).err()
        }
    }

    fn target_field(event: &Event) -> Option<(Field, FieldCheck)> {
        Field::of(event.target()?.dyn_into::<Element>().ok()?)
    }

    pub fn field_left(event: &Event) {
        if let Some((field, check)) = target_field(event) {
            show(&field, field.verdict(check));
        }
    }

    /// While typing, only a field already shown wrong is checked again, so
    /// that the message goes away as soon as it is right (and nobody is told
    /// off halfway through typing a number).
    pub fn field_typed(event: &Event) {
        if let Some((field, check)) = target_field(event)
            && field.element().get_attribute("aria-invalid").as_deref() == Some("true")
        {
            show(&field, field.verdict(check));
        }
    }

    /// Checks every field of the form; keeps a form with a wrong field here.
    pub fn form_sent(event: &Event) {
        let Some(form) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let Ok(fields) = form.query_selector_all("[data-check]") else {
            return;
        };
        let mut first_wrong: Option<Field> = None;
        for index in 0..fields.length() {
            let Some((field, check)) = fields
                .item(index)
                .and_then(|n| n.dyn_into::<Element>().ok())
                .and_then(Field::of)
            else {
                continue;
            };
            let wrong = field.verdict(check);
            show(&field, wrong);
            if wrong.is_some() && first_wrong.is_none() {
                first_wrong = Some(field);
            }
        }
        if let Some(field) = first_wrong {
            event.prevent_default();
            field.focus();
        }
    }

    /// Writes (or clears) the message under the field and its ARIA state.
    fn show(field: &Field, wrong: Option<ErrorKey>) {
        let input = field.element();
        let id = format!("{}-check", input.id());
        let note = match document().get_element_by_id(&id) {
            Some(note) => note,
            None => {
                let Ok(note) = document().create_element("p") else {
                    return;
                };
                note.set_id(&id);
                note.set_class_name("field-error");
                // Like the server's message after a post (`ErrorAlert`).
                let _ = note.set_attribute("role", "alert");
                let _ = input.after_with_node_1(&note);
                note
            }
        };
        let described: Vec<String> = input
            .get_attribute("aria-describedby")
            .unwrap_or_default()
            .split_whitespace()
            .filter(|d| *d != id)
            .map(str::to_string)
            .collect();
        match wrong {
            Some(key) => {
                note.set_text_content(Some(&message(key)));
                let _ = input.set_attribute("aria-invalid", "true");
                let _ = input.set_attribute(
                    "aria-describedby",
                    &described
                        .into_iter()
                        .chain([id])
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
            None => {
                note.set_text_content(None);
                let _ = input.remove_attribute("aria-invalid");
                let _ = input.set_attribute("aria-describedby", &described.join(" "));
            }
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use crate::checks::FieldCheck;

    /// Every key a check can answer with has its message in `check_messages`
    /// (checked against the list of keys the match above covers).
    #[test]
    fn every_check_key_has_a_message() {
        use crate::error::ErrorKey::*;
        let covered = [
            NationalIdLength,
            NationalIdDigits,
            NationalIdPrefix,
            NationalIdCheckDigit,
            PhoneFormat,
            BirthDateInvalid,
            HijriDateInvalid,
            DependantsInvalid,
            PriceInvalid,
            AmountInvalid,
            DescriptionRequired,
        ];
        for check in FieldCheck::ALL {
            for key in check.keys() {
                assert!(covered.contains(key), "{check:?}: {key:?}");
            }
        }
    }
}
