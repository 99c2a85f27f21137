//! The basket's islands in the browser: the stored basket, and the bar
//! drawn from it into the server's markup.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{Element, Event};

use super::{Basket, BasketItem, CHANGED_EVENT, STORAGE_KEY};
use crate::text::format_riyals;
use crate::ui::dom;

fn load() -> Basket {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .map(|stored| Basket::decode(&stored))
        .unwrap_or_default()
}

/// Changes the stored basket and tells the page's islands.
fn update(change: impl FnOnce(&mut Basket)) {
    let mut basket = load();
    change(&mut basket);
    if let Ok(Some(storage)) = window().local_storage() {
        let _ = if basket.lines.is_empty() {
            storage.remove_item(STORAGE_KEY)
        } else {
            storage.set_item(STORAGE_KEY, &basket.encode())
        };
    }
    if let Ok(event) = Event::new(CHANGED_EVENT) {
        let _ = window().dispatch_event(&event);
    }
}

/// The element of `event` that matches `selector`, the target or above it.
fn closest(event: &Event, selector: &str) -> Option<Element> {
    event
        .target()?
        .dyn_into::<Element>()
        .ok()?
        .closest(selector)
        .ok()
        .flatten()
}

fn number(element: &Element, name: &str) -> Option<i64> {
    element.get_attribute(name)?.parse().ok()
}

/// "Add to basket": the product as its button describes it.
pub fn add(event: &Event) {
    let Some(button) = closest(event, "[data-basket-add]") else {
        return;
    };
    let (Some(product_id), Some(shop_id), Some(price_halalas)) = (
        number(&button, "data-product"),
        number(&button, "data-shop"),
        number(&button, "data-price"),
    ) else {
        return;
    };
    let title = button.get_attribute("data-title").unwrap_or_default();
    update(|basket| {
        basket.add(BasketItem {
            product_id,
            shop_id,
            title,
            price_halalas,
        })
    });
}

/// − or + on a line of the bar.
pub fn changed(event: &Event) {
    let Some(button) = closest(event, "button[data-change]") else {
        return;
    };
    if let (Some(product_id), Some(delta)) = (
        number(&button, "data-product"),
        number(&button, "data-change"),
    ) {
        update(|basket| basket.change(product_id, delta as i32));
    }
}

/// Draws the bar now, after each change on this page, and after a change
/// in another tab (`storage`).
pub fn follow() {
    draw();
    let here = window_event_listener_untyped(CHANGED_EVENT, |_| draw());
    let other_tab = window_event_listener_untyped("storage", |_| draw());
    // The bar lives as long as the page.
    std::mem::forget((here, other_tab));
}

fn set_text(parent: &Element, selector: &str, text: &str) {
    if let Some(element) = dom::find(parent, selector) {
        element.set_text_content(Some(text));
    }
}

/// The bar from the stored basket: shown only for this shop's basket.
fn draw() {
    let Ok(Some(bar)) = document().query_selector("aside.basket[data-shop]") else {
        return;
    };
    let basket = load();
    let shop = number(&bar, "data-shop");
    let shown = shop.is_some() && basket.shop_id() == shop;
    let _ = bar.toggle_attribute_with_force("hidden", !shown);
    let (Some(list), Some(template)) = (
        dom::find(&bar, "ul.basket-lines"),
        dom::template(&bar, "template.basket-line"),
    ) else {
        return;
    };
    list.set_inner_html("");
    for line in basket.lines.iter().filter(|_| shown) {
        let Some(row) = dom::new_row(&template) else {
            return;
        };
        set_text(&row, ".basket-title", &line.item.title);
        set_text(&row, ".basket-quantity bdi", &line.quantity.to_string());
        set_text(
            &row,
            ".line-amount .amount",
            &format_riyals(line.item.price_halalas * line.quantity as i64),
        );
        if let Ok(buttons) = row.query_selector_all("button[data-change]") {
            for index in 0..buttons.length() {
                if let Some(button) = buttons
                    .item(index)
                    .and_then(|b| b.dyn_into::<Element>().ok())
                {
                    let _ = button.set_attribute("data-product", &line.item.product_id.to_string());
                }
            }
        }
        let _ = list.append_child(&row);
    }
    set_text(
        &bar,
        ".total-amount .amount",
        &format_riyals(basket.total_halalas()),
    );
    if let Some(send) = dom::find(&bar, "[data-testid=basket-send]") {
        let order = bar.get_attribute("data-order").unwrap_or_default();
        let _ = send.set_attribute("href", &format!("{order}{}", basket.items_param()));
    }
}
