//! Public marketplace pages: home, search, product and shop. Plain HTML with
//! no island: links and GET forms do all the work, so a page costs a phone
//! only its HTML, the stylesheet and the photos it shows.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{
    MarketHome, ProductView, SearchParams, SearchView, ShopView, get_market_home, get_product_page,
    get_shop_page, search_products,
};
use super::basket::{BasketItem, BasketSection, add_button};
use super::{
    Availability, Category, MARKET_PAGE, Photo, ProductCard, SEARCH_PAGE, SearchSort, Shop,
    photo_srcset, photo_url, product_url, shop_url,
};
use crate::i18n::*;
use crate::text::format_riyals;
use crate::ui::{
    EmptyState, Icon, IconName, PageMeta, Pager, Price, id_param, is_english, loaded, pick,
};

/// A category's name in the page's language.
#[component]
pub fn CategoryName(category: Category) -> impl IntoView {
    let (ar, en) = category.names();
    pick(is_english(), ar, en)
}

/// A photo with every stored width in `srcset`, its size set (no layout
/// shift) and lazy loading unless it is near the top of the page, where it is
/// fetched first (it is what a phone paints last: Lighthouse's LCP).
#[component]
pub fn PhotoImg(
    photo: Photo,
    alt: String,
    sizes: &'static str,
    #[prop(optional)] eager: bool,
) -> impl IntoView {
    view! {
        <img
            src=photo_url(&photo.key, photo.width, 640)
            srcset=photo_srcset(&photo.key, photo.width)
            sizes=sizes
            width=photo.width
            height=photo.height
            alt=alt
            loading=if eager { "eager" } else { "lazy" }
            fetchpriority=if eager { "high" } else { "auto" }
            decoding=if eager { "sync" } else { "async" }
        />
    }
}

/// The width a card's photo is shown at, by the grid in `style/domains.css`: two
/// columns on a phone (half the screen less the page's and the card's
/// padding), three from 32rem, about 10rem each from 60rem. Saying more would
/// make a phone fetch the next larger file.
const CARD_PHOTO_SIZES: &str =
    "(min-width: 60rem) 10rem, (min-width: 32rem) calc(33vw - 2rem), calc(50vw - 2.5rem)";

/// One product in a grid.
#[component]
pub fn ProductCardView(
    card: ProductCard,
    #[prop(optional)] eager: bool,
    /// With an "add to basket" button (the shop takes WhatsApp orders).
    #[prop(optional)]
    basket: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let title = pick(
        english,
        &card.title_ar,
        card.title_en.as_deref().unwrap_or(""),
    );
    let shop = shop_name(english, &card.shop_name_ar, card.shop_name_en.as_deref());
    let district = pick(english, &card.district_name_ar, &card.district_name_en);
    view! {
        <li class="product-card">
            <a href=product_url(card.id)>
                {match card.cover.clone() {
                    Some(photo) => view! {
                        // The title follows inside the same link: the photo adds no words.
                        <PhotoImg photo alt=String::new() sizes=CARD_PHOTO_SIZES eager />
                    }.into_any(),
                    None => view! { <span class="no-photo" aria-hidden="true"><Icon name=IconName::Store /></span> }.into_any(),
                }}
                <span class="product-title">{title.clone()}</span>
            </a>
            <p>
                <Price halalas=card.price_halalas />
                {(!card.unit_ar.is_empty()).then(|| view! { <span class="muted small">" / " {card.unit_ar.clone()}</span> })}
            </p>
            <p class="muted small">{shop} " · " {district}</p>
            {(card.availability != Availability::InStock).then(|| view! {
                <p class="small"><AvailabilityName availability=card.availability /></p>
            })}
            <span class="visually-hidden">{t!(i18n, market.category)} ": " <CategoryName category=card.category /></span>
            {basket.then(|| add_button(BasketItem {
                product_id: card.id,
                shop_id: card.shop_id,
                title: title.clone(),
                price_halalas: card.price_halalas,
            }))}
        </li>
    }
}

/// "In stock", "Made to order" or "Paused" in the page's language.
#[component]
pub fn AvailabilityName(availability: Availability) -> impl IntoView {
    let i18n = use_i18n();
    match availability {
        Availability::InStock => t!(i18n, market.in_stock).into_any(),
        Availability::MadeToOrder => t!(i18n, market.made_to_order).into_any(),
        Availability::Paused => t!(i18n, market.paused).into_any(),
    }
}

/// A grid of product cards; the first two load eagerly (above the fold on a phone).
#[component]
pub fn ProductGrid(
    cards: Vec<ProductCard>,
    /// Cards with "add to basket" (a shop that takes WhatsApp orders).
    #[prop(optional)]
    basket: bool,
) -> impl IntoView {
    view! {
        <ul class="product-grid">
            {cards
                .into_iter()
                .enumerate()
                .map(|(i, card)| view! { <ProductCardView card eager=i < 2 basket /> })
                .collect_view()}
        </ul>
    }
}

/// The search box, on the home page and above results.
#[component]
fn SearchBox(#[prop(optional)] text: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form method="get" action=SEARCH_PAGE class="search-box" role="search">
            <label for="q" class="visually-hidden">{t!(i18n, market.search_label)}</label>
            <input id="q" type="search" name="q" value=text placeholder=move || t_string!(i18n, market.search_placeholder) />
            <button type="submit" class="button primary">{t!(i18n, market.search)}</button>
        </form>
    }
}

/// `/market`: the marketplace home.
#[component]
pub fn MarketPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_market_home());
    view! {
        <PageMeta
            title=t_string!(i18n, market.title).to_string()
            description=t_string!(i18n, market.description).to_string()
        />
        <section class="market">
            <h1>{t!(i18n, market.title)}</h1>
            <p class="lead">{t!(i18n, market.intro)}</p>
            <SearchBox />
            <h2 class="visually-hidden">{t!(i18n, market.categories)}</h2>
            <ul class="chips">
                {Category::ALL.into_iter().map(|c| view! {
                    <li><a href=format!("{SEARCH_PAGE}?category={}", c.as_str())><CategoryName category=c /></a></li>
                }).collect_view()}
            </ul>
            {loaded(data, |home| view! { <MarketHomeBody home /> })}
        </section>
    }
}

#[component]
fn MarketHomeBody(home: MarketHome) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    view! {
        {(!home.featured.is_empty()).then(|| view! {
            <h2>{t!(i18n, market.featured)}</h2>
            <ProductGrid cards=home.featured.clone() />
        })}
        <h2>{t!(i18n, market.newest)}</h2>
        {if home.newest.is_empty() {
            view! { <p class="muted">{t!(i18n, market.nothing_yet)}</p> }.into_any()
        } else {
            view! {
                <ProductGrid cards=home.newest.clone() />
                <p><a href=format!("{SEARCH_PAGE}?sort=newest")>{t!(i18n, market.see_all)}</a></p>
            }.into_any()
        }}
        {(!home.districts.is_empty()).then(|| view! {
            <h2>{t!(i18n, market.districts)}</h2>
            <ul class="chips">
                {home.districts.iter().map(|d| view! {
                    <li><a href=format!("{SEARCH_PAGE}?district={}", d.id)>{pick(english, &d.name_ar, &d.name_en)} <span class="muted">" (" {d.shops} ")"</span></a></li>
                }).collect_view()}
            </ul>
        })}
    }
}

/// The search parameters of the current URL.
fn search_params() -> SearchParams {
    use_query_map().with_untracked(|q| SearchParams {
        q: q.get("q"),
        category: q.get("category"),
        city: q.get("city"),
        district: q.get("district"),
        min: q.get("min"),
        max: q.get("max"),
        delivery: q.get("delivery"),
        pickup: q.get("pickup"),
        available: q.get("available"),
        sort: q.get("sort"),
        page: q.get("page"),
    })
}

/// `/market/search`: results with filters, sort and pages, all in the URL.
#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = search_params();
    let title = match params.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => format!("{q} · {}", t_string!(i18n, market.search_title)),
        None => t_string!(i18n, market.search_title).to_string(),
    };
    let data = Resource::new_blocking(|| (), move |_| search_products(params.clone()));
    view! {
        <PageMeta title description=t_string!(i18n, market.description).to_string() />
        <section class="market">
            <h1>{t!(i18n, market.search_title)}</h1>
            {loaded(data, |view| view! { <SearchResults view /> })}
        </section>
    }
}

/// The URL of the same search on another page.
fn page_url(query: &super::SearchQuery, page: i64) -> String {
    let mut params: Vec<(String, String)> = Vec::new();
    if !query.text.trim().is_empty() {
        params.push(("q".into(), query.text.trim().to_string()));
    }
    if let Some(c) = query.category {
        params.push(("category".into(), c.as_str().into()));
    }
    if let Some(c) = query.city_id {
        params.push(("city".into(), c.to_string()));
    }
    if let Some(d) = query.district_id {
        params.push(("district".into(), d.to_string()));
    }
    if let Some(min) = query.min_halalas {
        params.push(("min".into(), format_riyals(min)));
    }
    if let Some(max) = query.max_halalas {
        params.push(("max".into(), format_riyals(max)));
    }
    for (on, name) in [
        (query.delivery, "delivery"),
        (query.pickup, "pickup"),
        (query.available_now, "available"),
    ] {
        if on {
            params.push((name.into(), "1".into()));
        }
    }
    if query.sort != SearchSort::Newest {
        params.push(("sort".into(), query.sort.as_str().into()));
    }
    if page > 1 {
        params.push(("page".into(), page.to_string()));
    }
    let encoded: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", super::url_encode(v)))
        .collect();
    if encoded.is_empty() {
        SEARCH_PAGE.to_string()
    } else {
        format!("{SEARCH_PAGE}?{}", encoded.join("&"))
    }
}

#[component]
fn SearchResults(view: SearchView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let query = view.query.clone();
    let page = query.page.max(1);
    let count = if view.total > view.count_cap {
        format!("{}+", view.count_cap)
    } else {
        view.total.to_string()
    };
    let price = |v: Option<i64>| v.map(format_riyals).unwrap_or_default();
    view! {
        <SearchBox text=query.text.clone() />
        <details class="filters-panel" open=query != super::SearchQuery { text: query.text.clone(), page: query.page, ..Default::default() }>
            <summary>{t!(i18n, market.filters)}</summary>
            <form method="get" action=SEARCH_PAGE class="filters">
                <input type="hidden" name="q" value=query.text.clone() />
                <div class="field">
                    <label for="category">{t!(i18n, market.category)}</label>
                    <select id="category" name="category">
                        <option value="">{t!(i18n, market.any)}</option>
                        {Category::ALL.into_iter().map(|c| view! {
                            <option value=c.as_str() selected=query.category == Some(c)><CategoryName category=c /></option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="city">{t!(i18n, market.city)}</label>
                    <select id="city" name="city">
                        <option value="">{t!(i18n, market.any)}</option>
                        {view.cities.iter().map(|c| view! {
                            <option value=c.id.to_string() selected=query.city_id == Some(c.id)>{pick(english, &c.name_ar, &c.name_en)}</option>
                        }).collect_view()}
                    </select>
                </div>
                {(!view.districts.is_empty()).then(|| view! {
                    <div class="field">
                        <label for="district">{t!(i18n, market.district)}</label>
                        <select id="district" name="district">
                            <option value="">{t!(i18n, market.any)}</option>
                            {view.districts.iter().map(|d| view! {
                                <option value=d.id.to_string() selected=query.district_id == Some(d.id)>{pick(english, &d.name_ar, &d.name_en)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="field">
                    <label for="min">{t!(i18n, market.min_price)}</label>
                    <input id="min" name="min" inputmode="decimal" value=price(query.min_halalas) />
                </div>
                <div class="field">
                    <label for="max">{t!(i18n, market.max_price)}</label>
                    <input id="max" name="max" inputmode="decimal" value=price(query.max_halalas) />
                </div>
                <label class="choice-row"><input type="checkbox" name="delivery" value="1" checked=query.delivery /> {t!(i18n, market.delivery)}</label>
                <label class="choice-row"><input type="checkbox" name="pickup" value="1" checked=query.pickup /> {t!(i18n, market.pickup)}</label>
                <label class="choice-row"><input type="checkbox" name="available" value="1" checked=query.available_now /> {t!(i18n, market.available_now)}</label>
                <div class="field">
                    <label for="sort">{t!(i18n, market.sort)}</label>
                    <select id="sort" name="sort">
                        <option value="newest" selected=query.sort == SearchSort::Newest>{t!(i18n, market.sort_newest)}</option>
                        <option value="price_low" selected=query.sort == SearchSort::PriceLow>{t!(i18n, market.sort_price_low)}</option>
                        <option value="price_high" selected=query.sort == SearchSort::PriceHigh>{t!(i18n, market.sort_price_high)}</option>
                    </select>
                </div>
                <button type="submit" class="button secondary">{t!(i18n, market.apply)}</button>
            </form>
        </details>
        <p class="muted" id="result-count">{t!(i18n, market.results)} ": " <bdi>{count}</bdi></p>
        {if view.cards.is_empty() {
            view! { <EmptyState>{t!(i18n, market.no_results)}</EmptyState> }.into_any()
        } else {
            view! { <ProductGrid cards=view.cards.clone() /> }.into_any()
        }}
        <Pager
            prev=(page > 1).then(|| page_url(&query, page - 1))
            next=view.has_next.then(|| page_url(&query, page + 1))
            position=format!("{} {page}", t_string!(i18n, market.page))
            label=t_string!(i18n, market.pages).to_string()
        />
    }
}

/// `/market/products/<id>`.
#[component]
pub fn ProductPage() -> impl IntoView {
    let id = id_param();
    let data = Resource::new_blocking(
        || (),
        move |_| async move { get_product_page(id.ok_or(crate::error::AppError::NotFound)?).await },
    );
    view! { <section class="market">{loaded(data, |view| view! { <ProductDetail view /> })}</section> }
}

#[component]
fn ProductDetail(view: ProductView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let product = view.product.clone();
    let title = product.title(english);
    let description = product.description(english);
    let image = product.photos.first().map(|p| {
        format!(
            "{}{}",
            view.canonical.split("/market/").next().unwrap_or_default(),
            photo_url(&p.key, p.width, 1280)
        )
    });
    view! {
        <PageMeta title=title.clone() description=description.clone() canonical=view.canonical.clone() image />
        <article class="product">
            <ProductBody product=product.clone() shop=view.shop.clone() />
            <div class="actions">
                {view.order_link.clone().map(|link| view! {
                    <a class="button primary" id="order-whatsapp" href=link rel="nofollow noopener" target="_blank">
                        <Icon name=IconName::Phone /> {t!(i18n, market.order_whatsapp)}
                    </a>
                })}
                {view.order_link.is_some().then(|| add_button(BasketItem {
                    product_id: product.id,
                    shop_id: view.shop.id,
                    title: title.clone(),
                    price_halalas: product.price_halalas,
                }))}
                {view.shop.phone.clone().map(|phone| view! {
                    <a class="button secondary" id="call" href=format!("tel:+{phone}")>
                        <Icon name=IconName::Phone /> {t!(i18n, market.call)}
                    </a>
                })}
            </div>
            {view.order_link.is_some().then(|| view! { <BasketSection shop_id=view.shop.id /> })}
            <ShopCard shop=view.shop.clone() />
            {view.can_feature.then(|| view! { <FeatureForm product_id=product.id featured=view.featured /> })}
            {view.can_moderate.then(|| view! { <HideForm product_id=product.id /> })}
            {(!view.others.is_empty()).then(|| view! {
                <h2>{t!(i18n, market.more_from_shop)}</h2>
                <ProductGrid cards=view.others.clone() basket=view.order_link.is_some() />
            })}
        </article>
    }
}

/// For the council on a product's page: feature it on the home page, or stop.
#[component]
fn FeatureForm(product_id: i64, featured: bool) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    let i18n = use_i18n();
    view! {
        <form method="post" action=super::api::FeatureProduct::PATH class="inline-form">
            <input type="hidden" name="product_id" value=product_id.to_string() />
            <input type="hidden" name="featured" value=(!featured).to_string() />
            <button type="submit" class="button secondary">
                {if featured { t!(i18n, moderation.unfeature).into_any() } else { t!(i18n, moderation.feature).into_any() }}
            </button>
        </form>
    }
}

/// For moderators on a published product's page: take it down, with a
/// reason the family sees.
#[component]
fn HideForm(product_id: i64) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    let i18n = use_i18n();
    view! {
        <form method="post" action=super::api::ModerateProduct::PATH class="stack moderation-item">
            <input type="hidden" name="product_id" value=product_id.to_string() />
            <input type="hidden" name="decision" value="hide" />
            <div class="field">
                <label for="hide-reason">{t!(i18n, moderation.hide_reason)}</label>
                <input id="hide-reason" name="reason" required maxlength="500" />
            </div>
            <button type="submit" class="button danger">{t!(i18n, moderation.hide)}</button>
        </form>
    }
}

/// A shop's public name; while its first name waits for review, "a
/// productive family" (the public never sees text nobody reviewed).
fn shop_name(english: bool, name_ar: &str, name_en: Option<&str>) -> String {
    if name_ar.is_empty() {
        let i18n = use_i18n();
        t_string!(i18n, market.unnamed_shop).to_string()
    } else {
        pick(english, name_ar, name_en.unwrap_or(""))
    }
}

/// A product's photos and details as the public sees them (the moderators
/// review exactly this).
#[component]
pub fn ProductBody(product: super::Product, shop: Shop) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let title = product.title(english);
    let description = product.description(english);
    let shop_name = shop_name(english, &shop.name_ar, shop.name_en.as_deref());
    view! {
        <h1>{title.clone()}</h1>
        <ul class="gallery">
            {product.photos.iter().enumerate().map(|(i, photo)| view! {
                <li><PhotoImg photo=photo.clone() alt=title.clone() sizes="(min-width: 40rem) 36rem, 92vw" eager=i == 0 /></li>
            }).collect_view()}
        </ul>
        <p class="product-price"><Price halalas=product.price_halalas />
            {(!product.unit_ar.is_empty()).then(|| view! { <span class="muted">" / " {product.unit_ar.clone()}</span> })}
        </p>
        <dl class="facts">
            <dt>{t!(i18n, market.category)}</dt>
            <dd><CategoryName category=product.category /></dd>
            <dt>{t!(i18n, market.availability)}</dt>
            <dd>
                <AvailabilityName availability=product.availability />
                {product.lead_time_days.map(|d| view! { " · " {t!(i18n, market.lead_time)} " " <bdi>{d}</bdi> " " {t!(i18n, market.days)} })}
            </dd>
            <dt>{t!(i18n, market.shop)}</dt>
            <dd><a href=shop_url(shop.id)>{shop_name}</a></dd>
        </dl>
        <p class="description">{description}</p>
    }
}

/// The shop's card: where, how to get the goods, when.
#[component]
fn ShopCard(shop: Shop) -> impl IntoView {
    let english = is_english();
    view! {
        <aside class="shop-card">
            <h2><a href=shop_url(shop.id)>{shop_name(english, &shop.name_ar, shop.name_en.as_deref())}</a></h2>
            <ShopFacts shop />
        </aside>
    }
}

#[component]
fn ShopFacts(shop: Shop) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    view! {
        <dl class="facts">
            {shop.producer_name.clone().map(|p| view! { <dt>{t!(i18n, delegates.producer)}</dt><dd data-testid="producer">{p}</dd> })}
            <dt>{t!(i18n, market.district)}</dt>
            <dd>{pick(english, &shop.district_name_ar, &shop.district_name_en)} " · " {pick(english, &shop.city_name_ar, &shop.city_name_en)}</dd>
            {shop.pickup.then(|| view! { <dt>{t!(i18n, market.pickup)}</dt><dd>{t!(i18n, market.yes)}</dd> })}
            {shop.delivery.then(|| view! {
                <dt>{t!(i18n, market.delivery)}</dt>
                <dd>
                    {shop.delivery_areas.clone()}
                    {shop.delivery_fee_halalas.map(|fee| view! { " · " {t!(i18n, market.delivery_fee)} " " <Price halalas=fee /> })}
                </dd>
            })}
            {(!shop.working_hours.is_empty()).then(|| view! { <dt>{t!(i18n, market.hours)}</dt><dd>{shop.working_hours.clone()}</dd> })}
        </dl>
    }
}

/// `/market/shops/<id>`.
#[component]
pub fn ShopPage() -> impl IntoView {
    let id = id_param();
    let data = Resource::new_blocking(
        || (),
        move |_| async move { get_shop_page(id.ok_or(crate::error::AppError::NotFound)?).await },
    );
    view! { <section class="market">{loaded(data, |view| view! { <ShopDetail view /> })}</section> }
}

#[component]
fn ShopDetail(view: ShopView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let shop = view.shop.clone();
    let name = shop_name(english, &shop.name_ar, shop.name_en.as_deref());
    let description = if shop.bio.is_empty() {
        t_string!(i18n, market.description).to_string()
    } else {
        shop.bio.clone()
    };
    view! {
        <PageMeta title=name.clone() description canonical=view.canonical.clone() />
        <h1>{name}</h1>
        {(!shop.bio.is_empty()).then(|| view! { <p class="lead">{shop.bio.clone()}</p> })}
        <ShopFacts shop=shop.clone() />
        <h2>{t!(i18n, market.products)}</h2>
        <ProductGrid cards=view.products.clone() basket=shop.whatsapp.is_some() />
        {shop.whatsapp.is_some().then(|| view! { <BasketSection shop_id=shop.id /> })}
        <p><a href=MARKET_PAGE>{t!(i18n, market.back_to_market)}</a></p>
    }
}
