//! What the islands share to draw into the server's markup in the browser:
//! a list is redrawn from rows the server wrote as a `<template>` (with
//! their translated words), not built by a reactive view.

use leptos::prelude::document;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, HtmlTemplateElement};

/// The first element matching `selector` inside `parent`.
pub fn find(parent: &Element, selector: &str) -> Option<Element> {
    parent.query_selector(selector).ok().flatten()
}

/// The text of the page's first element matching `selector` (words the
/// server wrote, hidden, for an island), or "" when there is none.
pub fn page_text(selector: &str) -> String {
    document()
        .query_selector(selector)
        .ok()
        .flatten()
        .and_then(|element| element.text_content())
        .unwrap_or_default()
}

/// The `<template>` matching `selector` inside `parent`.
pub fn template(parent: &Element, selector: &str) -> Option<HtmlTemplateElement> {
    find(parent, selector)?.dyn_into().ok()
}

/// A fresh copy of the row `template` holds (its first element).
pub fn new_row(template: &HtmlTemplateElement) -> Option<Element> {
    template
        .content()
        .first_element_child()?
        .clone_node_with_deep(true)
        .ok()?
        .dyn_into()
        .ok()
}
