//! Pieces every domain's pages share: a public page's meta tags, a price,
//! the `:id` of the address.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::i18n::*;
use crate::text::format_riyals;

/// Title, description, canonical address and Open Graph tags of a public page.
#[component]
pub fn PageMeta(
    title: String,
    description: String,
    #[prop(optional, into)] canonical: Option<String>,
    #[prop(default = None)] image: Option<String>,
) -> impl IntoView {
    let description: String = description.chars().take(160).collect();
    view! {
        <Title text=title.clone() />
        <Meta name="description" content=description.clone() />
        <Meta property="og:type" content="website" />
        <Meta property="og:title" content=title />
        <Meta property="og:description" content=description />
        {canonical.map(|url| view! {
            <Link rel="canonical" href=url.clone() />
            <Meta property="og:url" content=url />
        })}
        {image.map(|url| view! { <Meta property="og:image" content=url /> })}
    }
}

/// A price with the Saudi Riyal sign (drawn from the icon sprite: fonts do
/// not carry U+20C1 yet; screen readers hear "riyal"), kept left-to-right
/// inside Arabic text.
#[component]
pub fn Price(halalas: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <bdi class="price" dir="ltr">
            {format_riyals(halalas)} " "
            <svg class="icon riyal" role="img" aria-label=move || t_string!(i18n, market.currency)>
                <use_ href="#icon-riyal" />
            </svg>
        </bdi>
    }
}

/// The page's `:id` as a number (`None` for anything else, such as `new`).
pub fn id_param() -> Option<i64> {
    use_params_map().with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()))
}

/// Where a paged list stands: the page asked for (clamped to the pages
/// there are), how many pages there are (at least one) and the offset of
/// its first row.
pub fn page_window(total: i64, per_page: i64, asked: Option<i64>) -> (i64, i64, i64) {
    let pages = ((total + per_page - 1) / per_page).max(1);
    let page = asked.unwrap_or(1).clamp(1, pages);
    (page, pages, (page - 1) * per_page)
}

/// The address of page `page` of the list at `base`, its filters kept (empty
/// values left out; each value percent-encoded), so a plain link lands on
/// the same selection. `param` names the page (`page`, unless a second list
/// on the same page needs its own).
pub fn page_href(base: &str, filters: &[(&str, String)], param: &str, page: i64) -> String {
    let mut href = format!("{base}?");
    for (key, value) in filters.iter().filter(|(_, v)| !v.is_empty()) {
        href.push_str(key);
        href.push('=');
        for byte in value.bytes() {
            match byte {
                b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'-' | b'_' | b'.' => {
                    href.push(char::from(byte))
                }
                _ => href.push_str(&format!("%{byte:02X}")),
            }
        }
        href.push('&');
    }
    href.push_str(&format!("{param}={page}"));
    href
}

/// A paged list's pager: previous / next among `pages`, the filters kept in
/// the links (see [`page_href`]); nothing when there is one page.
#[component]
pub fn ListPager(
    base: &'static str,
    filters: Vec<(&'static str, String)>,
    page: i64,
    pages: i64,
    /// The address's name for this list's page (default `page`).
    #[prop(default = "page")]
    param: &'static str,
    /// What the pages are of, for screen readers.
    #[prop(optional, into)]
    label: Option<String>,
) -> impl IntoView {
    let href = move |to: i64| page_href(base, &filters, param, to);
    let prev = (page > 1).then(|| href(page - 1));
    let next = (page < pages).then(|| href(page + 1));
    match label {
        Some(label) => {
            view! { <Pager prev next position=format!("{page} / {pages}") label /> }.into_any()
        }
        None => view! { <Pager prev next position=format!("{page} / {pages}") /> }.into_any(),
    }
}

/// How many rows a paged list holds in all, shown above it (it stays when
/// the list fits one page and the [`Pager`] does not show).
#[component]
pub fn ListTotal(total: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="muted list-total">{t!(i18n, pager.total)} ": " <bdi>{total}</bdi></p> }
}

/// Previous / next links of a paged list: plain links, so paging works
/// without JavaScript and each page has its own address. `position` is what
/// sits between them ("3 / 7", "Page 3"). Nothing at all when there is
/// neither a previous nor a next page: a lone "1" tells nobody anything (a
/// page that shows its total shows it above the list, not here).
#[component]
pub fn Pager(
    prev: Option<String>,
    next: Option<String>,
    #[prop(optional, into)] position: Option<String>,
    /// What the pages are of, for screen readers (default "Pages").
    #[prop(optional, into)]
    label: Option<String>,
) -> impl IntoView {
    if prev.is_none() && next.is_none() {
        return ().into_any();
    }
    let i18n = use_i18n();
    let label = label.unwrap_or_else(|| t_string!(i18n, pager.pages).to_string());
    view! {
        <nav class="pagination" aria-label=label>
            {prev.map(|href| view! { <a rel="prev" href=href>{t!(i18n, pager.previous)}</a> })}
            {position.map(|p| view! { <span>{p}</span> })}
            {next.map(|href| view! { <a rel="next" href=href>{t!(i18n, pager.next)}</a> })}
        </nav>
    }
    .into_any()
}

/// A table of records that scrolls sideways on a phone instead of
/// squeezing its columns. `class` adds to `data`; `focusable` lets a
/// keyboard scroll a wide one.
#[component]
pub fn DataTable(
    children: Children,
    #[prop(optional, into)] class: Option<String>,
    #[prop(optional)] focusable: bool,
) -> impl IntoView {
    let class = match class {
        Some(extra) => format!("data {extra}"),
        None => "data".to_string(),
    };
    view! {
        <div class="table-wrap" tabindex=focusable.then_some("0")>
            <table class=class>{children()}</table>
        </div>
    }
}

/// What a list says when it has nothing to show.
#[component]
pub fn EmptyState(children: Children) -> impl IntoView {
    view! { <p class="muted">{children()}</p> }
}

#[cfg(test)]
mod tests {
    use super::{page_href, page_window};

    #[test]
    fn a_page_link_keeps_the_filters() {
        assert_eq!(page_href("/access", &[], "page", 2), "/access?page=2");
        let filters = [("a", "1".into()), ("b", String::new()), ("q", "أ b".into())];
        assert_eq!(
            page_href("/x", &filters, "due_page", 3),
            "/x?a=1&q=%D8%A3%20b&due_page=3"
        );
    }

    #[test]
    fn a_page_is_clamped_to_the_pages_there_are() {
        assert_eq!(page_window(0, 20, None), (1, 1, 0));
        assert_eq!(page_window(41, 20, Some(3)), (3, 3, 40));
        assert_eq!(page_window(41, 20, Some(9)), (3, 3, 40));
        assert_eq!(page_window(40, 20, Some(0)), (1, 2, 0));
    }
}
