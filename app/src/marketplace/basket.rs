//! The WhatsApp basket: a visitor adds products of one shop with quantities,
//! sees the total, and sends one WhatsApp message listing them. The basket
//! lives in the browser (local storage, so it survives a reload); the message
//! is written by the server from the product ids and quantities alone
//! ([`order_message`], `http::order_basket`), with the titles and prices it
//! holds, so a page cannot put words or prices in a family's mouth and the
//! shop's number never appears in a page.
//!
//! The islands ([`BasketAdd`], [`BasketPanel`]) load their WebAssembly only
//! when the visitor first taps "add" or already has a basket
//! (`public/basket.js`): a first visit to a shop costs no script but that
//! small loader.

use leptos::prelude::*;

use crate::i18n::*;
use crate::text::format_riyals;
use crate::ui::in_browser;

/// Where the basket is kept in the browser.
pub const STORAGE_KEY: &str = "takamul-basket";
/// The DOM event the islands send each other when the basket changed.
pub const CHANGED_EVENT: &str = "takamul-basket-changed";
/// At most this many different products in one message.
pub const MAX_LINES: usize = 20;
/// At most this many of one product.
pub const MAX_QUANTITY: u32 = 99;

/// A product as the "add" button knows it (title and price for the basket's
/// display only; the message uses the server's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasketItem {
    pub product_id: i64,
    pub shop_id: i64,
    pub title: String,
    pub price_halalas: i64,
}

/// One product in the basket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasketLine {
    pub item: BasketItem,
    pub quantity: u32,
}

/// The basket: products of one shop.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Basket {
    pub lines: Vec<BasketLine>,
}

impl Basket {
    /// The shop of the basket, if it holds anything.
    pub fn shop_id(&self) -> Option<i64> {
        self.lines.first().map(|l| l.item.shop_id)
    }

    /// Adds one of the item. An item of another shop starts a new basket
    /// (one message goes to one shop); a full basket takes no new product.
    pub fn add(&mut self, item: BasketItem) {
        if self.shop_id().is_some_and(|shop| shop != item.shop_id) {
            self.lines.clear();
        }
        let full = self.lines.len() >= MAX_LINES;
        match self
            .lines
            .iter_mut()
            .find(|l| l.item.product_id == item.product_id)
        {
            Some(line) => line.quantity = (line.quantity + 1).min(MAX_QUANTITY),
            None if !full => self.lines.push(BasketLine { item, quantity: 1 }),
            None => {}
        }
    }

    /// Changes a product's quantity by `delta`; at zero it leaves the basket.
    pub fn change(&mut self, product_id: i64, delta: i32) {
        if let Some(line) = self
            .lines
            .iter_mut()
            .find(|l| l.item.product_id == product_id)
        {
            let quantity = (line.quantity as i64 + delta as i64).clamp(0, MAX_QUANTITY as i64);
            line.quantity = quantity as u32;
        }
        self.lines.retain(|l| l.quantity > 0);
    }

    /// The total, in halalas.
    pub fn total_halalas(&self) -> i64 {
        self.lines
            .iter()
            .map(|l| l.item.price_halalas * l.quantity as i64)
            .sum()
    }

    /// `id:quantity,…`: what the order link sends the server.
    pub fn items_param(&self) -> String {
        self.lines
            .iter()
            .map(|l| format!("{}:{}", l.item.product_id, l.quantity))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The stored form: one line per product, `shop\tid\tquantity\tprice\ttitle`.
    pub fn encode(&self) -> String {
        self.lines
            .iter()
            .map(|l| {
                let title: String = l.item.title.chars().filter(|c| !c.is_control()).collect();
                format!(
                    "{}\t{}\t{}\t{}\t{}",
                    l.item.shop_id, l.item.product_id, l.quantity, l.item.price_halalas, title
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Reads the stored form; anything unreadable is left out.
    pub fn decode(stored: &str) -> Self {
        let mut basket = Basket::default();
        for line in stored.lines() {
            let mut parts = line.splitn(5, '\t');
            let mut number = || parts.next().and_then(|p| p.parse::<i64>().ok());
            let (Some(shop_id), Some(product_id), Some(quantity), Some(price_halalas)) =
                (number(), number(), number(), number())
            else {
                continue;
            };
            let title = parts.next().unwrap_or_default().to_string();
            if !(1..=MAX_QUANTITY as i64).contains(&quantity)
                || basket.shop_id().is_some_and(|s| s != shop_id)
                || basket.lines.len() >= MAX_LINES
            {
                continue;
            }
            basket.lines.push(BasketLine {
                item: BasketItem {
                    product_id,
                    shop_id,
                    title,
                    price_halalas,
                },
                quantity: quantity as u32,
            });
        }
        basket
    }
}

/// Reads `id:quantity,…` (the order link's `items`): at most [`MAX_LINES`]
/// distinct products, quantities 1–[`MAX_QUANTITY`]; `None` for anything else.
pub fn parse_items(param: &str) -> Option<Vec<(i64, u32)>> {
    let mut items: Vec<(i64, u32)> = Vec::new();
    for part in param.split(',') {
        let (id, quantity) = part.split_once(':')?;
        let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
        let quantity: u32 = quantity
            .parse()
            .ok()
            .filter(|q| (1..=MAX_QUANTITY).contains(q))?;
        if items.iter().any(|(seen, _)| *seen == id) {
            return None;
        }
        items.push((id, quantity));
    }
    (!items.is_empty() && items.len() <= MAX_LINES).then_some(items)
}

/// The WhatsApp message of a basket, in the visitor's language: a greeting,
/// one line per product with its quantity and price, the total, and the shop's
/// page. `lines` are (title, quantity, price in halalas) as the server holds them.
pub fn order_message(english: bool, lines: &[(String, u32, i64)], shop_page: &str) -> String {
    let currency = if english { "SAR" } else { "ر.س" };
    let mut text = if english {
        "Hello, I would like to order from Takamul:".to_string()
    } else {
        "السلام عليكم، أرغب في طلب ما يلي من تكامل:".to_string()
    };
    let mut total = 0;
    for (title, quantity, price) in lines {
        let amount = price * *quantity as i64;
        total += amount;
        text.push_str(&format!(
            "\n- {quantity} × {title} ({} {currency})",
            format_riyals(amount)
        ));
    }
    let total_word = if english { "Total" } else { "المجموع" };
    text.push_str(&format!(
        "\n{total_word}: {} {currency}\n{shop_page}",
        format_riyals(total)
    ));
    text
}

/// The "add to basket" button of a product. Hidden until the page's basket
/// loader (`public/basket.js`) shows it: without JavaScript there is no
/// basket, and the product's own "Order on WhatsApp" remains. The product is
/// in the button's `data-*` (islands take no props, so the browser's module
/// needs no JSON decoder).
pub fn add_button(item: BasketItem) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <BasketAdd>
            <button
                type="button"
                class="button secondary small basket-add"
                data-basket-add
                data-product=item.product_id
                data-shop=item.shop_id
                data-price=item.price_halalas
                data-title=item.title
                hidden
            >
                {t!(i18n, market.basket_add)}
            </button>
        </BasketAdd>
    }
}

/// The island of [`add_button`]: a tap adds the product to the basket.
#[island]
pub fn BasketAdd(children: Children) -> impl IntoView {
    let add = in_browser!(leptos::ev::MouseEvent, browser::add);
    view! { <span on:click=add>{children()}</span> }
}

/// The basket of a shop that takes WhatsApp orders, shown once it holds
/// something: each product with its quantity (− and +), the total with the
/// Riyal sign, and "Send on WhatsApp", a link to the server's counted
/// redirect. The server writes the bar empty, with a `<template>` row; the
/// island fills it from the stored basket. With the loader of its islands
/// (`public/basket.js`, a file: the public pages are kept rendered and carry
/// no inline script).
#[component]
pub fn BasketSection(shop_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let lang = if crate::ui::is_english() { "en" } else { "ar" };
    let order = format!(
        "{}?lang={lang}&shop={shop_id}&items=",
        crate::paths::ORDER_BASKET
    );
    let title = t_string!(i18n, market.basket_title).to_string();
    let (label, send) = (title.clone(), order.clone());
    let riyal = move |class: &'static str| {
        view! {
            <bdi class=format!("price {class}") dir="ltr">
                <span class="amount"></span> " "
                <svg class="icon riyal" role="img" aria-label=t_string!(i18n, market.currency).to_string()><use_ href="#icon-riyal" /></svg>
            </bdi>
        }
    };
    view! {
        <BasketPanel>
            <aside class="basket" aria-label=label data-shop=shop_id data-order=order hidden>
                <h2>{title}</h2>
                <ul class="basket-lines"></ul>
                <template class="basket-line">
                    <li>
                        <span class="basket-title"></span>
                        <span class="basket-quantity">
                            <button type="button" class="button small secondary" data-change="-1" aria-label=t_string!(i18n, market.basket_less).to_string()>"−"</button>
                            <bdi dir="ltr"></bdi>
                            <button type="button" class="button small secondary" data-change="1" aria-label=t_string!(i18n, market.basket_more).to_string()>"+"</button>
                        </span>
                        {riyal("line-amount")}
                    </li>
                </template>
                <p class="basket-total">
                    <strong>{t!(i18n, market.basket_total)}</strong> " " {riyal("total-amount")}
                </p>
                <a class="button primary" data-testid="basket-send" href=send rel="nofollow noopener" target="_blank">
                    {t!(i18n, market.basket_send)}
                </a>
            </aside>
        </BasketPanel>
        <script type="module" src="/basket.js"></script>
    }
}

/// The island of [`BasketSection`]: draws the stored basket into the bar
/// (now, after each change on this page, and after a change in another
/// tab) and takes its − and + taps. Drawn straight into the markup rather
/// than as a reactive view: lighter in the WebAssembly every island page loads.
#[island]
pub fn BasketPanel(children: Children) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(browser::follow);
    let change = in_browser!(leptos::ev::MouseEvent, browser::changed);
    view! { <div on:click=change>{children()}</div> }
}

#[cfg(feature = "hydrate")]
mod browser;

#[cfg(test)]
mod tests {
    use super::*;

    fn item(product_id: i64, shop_id: i64, price_halalas: i64) -> BasketItem {
        BasketItem {
            product_id,
            shop_id,
            title: format!("منتج {product_id}"),
            price_halalas,
        }
    }

    #[test]
    fn a_basket_adds_counts_and_totals() {
        let mut basket = Basket::default();
        basket.add(item(1, 7, 2_500));
        basket.add(item(1, 7, 2_500));
        basket.add(item(2, 7, 1_050));
        assert_eq!(basket.total_halalas(), 6_050);
        assert_eq!(basket.items_param(), "1:2,2:1");
        basket.change(1, -2);
        assert_eq!(basket.items_param(), "2:1");
        // Another shop's product starts a new basket.
        basket.add(item(9, 8, 100));
        assert_eq!(basket.shop_id(), Some(8));
        assert_eq!(basket.lines.len(), 1);
    }

    #[test]
    fn the_stored_basket_reads_back_and_ignores_rubbish() {
        let mut basket = Basket::default();
        basket.add(item(1, 7, 2_500));
        basket.add(item(3, 7, 99));
        let stored = basket.encode();
        assert_eq!(Basket::decode(&stored), basket);
        assert_eq!(Basket::decode("x\ty\n7\t1\t0\t5\tt"), Basket::default());
    }

    #[test]
    fn order_items_are_checked() {
        assert_eq!(parse_items("3:2,5:1"), Some(vec![(3, 2), (5, 1)]));
        for bad in ["", "3", "3:0", "3:100", "a:1", "3:1,3:2", "-1:1"] {
            assert_eq!(parse_items(bad), None, "{bad}");
        }
        let many: Vec<String> = (1..=21).map(|i| format!("{i}:1")).collect();
        assert_eq!(parse_items(&many.join(",")), None);
    }

    #[test]
    fn the_message_lists_each_product_and_the_total() {
        let lines = vec![
            ("كعك".to_string(), 2, 2_500),
            ("معمول".to_string(), 1, 1_050),
        ];
        let text = order_message(false, &lines, "https://takamul.example/market/shops/7");
        assert!(text.contains("- 2 × كعك (50 ر.س)"), "{text}");
        assert!(text.contains("المجموع: 60.50 ر.س"), "{text}");
        let english = order_message(true, &lines, "https://x");
        assert!(english.contains("Total: 60.50 SAR"), "{english}");
    }
}
