//! The family's shop pages (open the shop, list products, upload photos,
//! send for review) and the moderators' review queue. Every form is a plain
//! POST; the photo upload is a multipart form.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    ChangePhoto, ModerateProduct, ModerationView, MyShopView, ProductDraft, ProductEditor,
    SaveProduct, SaveShop, SubmitProduct, get_moderation_queue, get_my_shop, get_product_editor,
};
use super::pages::{AvailabilityName, CategoryName, PhotoImg, ProductBody};
use super::photo_shrink::PhotoForm;
use super::shop_review::{ModerateShop, PendingShopText, ShopText, TextReview};
use super::{
    Availability, Category, MAX_PHOTOS, MY_PRODUCT_PAGE, Product, ProductStatus, ProductTaps,
    edit_url, product_url, shop_url,
};
use crate::checks::FieldCheck;
use crate::i18n::*;
use crate::text::format_riyals;
use crate::ui::{
    CheckedForm, EmptyState, ErrorAlert, Pager, Price, check_messages, error_from_query, id_param,
    is_english, loaded, pick,
};

/// A product status in the page's language.
#[component]
pub fn ProductStatusName(status: ProductStatus) -> impl IntoView {
    let i18n = use_i18n();
    let label = match status {
        ProductStatus::Draft => t!(i18n, my_shop.status_draft).into_any(),
        ProductStatus::Pending => t!(i18n, my_shop.status_pending).into_any(),
        ProductStatus::Published => t!(i18n, my_shop.status_published).into_any(),
        ProductStatus::Rejected => t!(i18n, my_shop.status_rejected).into_any(),
        ProductStatus::Hidden => t!(i18n, my_shop.status_hidden).into_any(),
    };
    view! { <span class=format!("state state-{}", status.as_str())>{label}</span> }
}

/// `/my-shop`: the shop form and the shop's products.
#[component]
pub fn MyShopPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_my_shop());
    let error = error_from_query();
    view! {
        <Title text=t_string!(i18n, my_shop.title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, my_shop.title)}</h1>
            {error.map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |view| view! { <MyShop view /> })}
        </section>
    }
}

#[component]
fn MyShop(view: MyShopView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let shop = view.shop.clone();
    let district = shop
        .as_ref()
        .map(|s| s.district_id)
        .or(view.household_district_id);
    // Empty until the family writes a number: nothing from the registry is
    // offered for publication.
    let whatsapp = shop
        .as_ref()
        .and_then(|s| s.whatsapp.clone())
        .map(|international| local_phone(&international))
        .unwrap_or_default();
    let public_phone = shop
        .as_ref()
        .and_then(|s| s.phone.clone())
        .map(|international| local_phone(&international))
        .unwrap_or_default();
    let value = |f: fn(&super::Shop) -> String| shop.as_ref().map(f).unwrap_or_default();
    // The form shows what the family wrote, even while it waits for review.
    let review = view.text_review.clone();
    let text = review
        .as_ref()
        .map(|r| r.text.clone())
        .unwrap_or_else(|| ShopText {
            name_ar: value(|s| s.name_ar.clone()),
            name_en: shop.as_ref().and_then(|s| s.name_en.clone()),
            bio: value(|s| s.bio.clone()),
        });
    let products = view.products.clone();
    let taps = view.taps.clone();
    let taps_of = move |id: i64| {
        taps.iter()
            .find(|t| t.product_id == id)
            .copied()
            .unwrap_or(ProductTaps {
                product_id: id,
                ..Default::default()
            })
    };
    let week: i64 = view.taps.iter().map(|t| t.last_7_days).sum();
    view! {
        {shop.as_ref().and_then(|s| s.producer_name.clone()).map(|p| view! {
            <p class="muted" data-testid="producer">{t!(i18n, delegates.producer)} ": " {p}</p>
        })}
        {shop.as_ref().map(|s| view! {
            <p>
                <a class="button secondary" href=shop_url(s.id)>{t!(i18n, my_shop.public_page)}</a>
                " "
                <a class="button primary" id="new-product" href=format!("{MY_PRODUCT_PAGE}/new")>{t!(i18n, my_shop.new_product)}</a>
            </p>
            <h2>{t!(i18n, my_shop.products)}</h2>
            {if products.is_empty() {
                view! { <p class="muted">{t!(i18n, my_shop.no_products)}</p> }.into_any()
            } else {
                view! {
                    <p class="small" id="taps-week">{t!(i18n, my_shop.taps_week_total, count = move || week)}</p>
                    <ul class="my-products">{products.iter().map(|p| view! { <MyProductRow product=p.clone() taps=taps_of(p.id) /> }).collect_view()}</ul>
                }.into_any()
            }}
        })}
        <h2>{if shop.is_some() { t!(i18n, my_shop.edit_shop).into_any() } else { t!(i18n, my_shop.open_shop).into_any() }}</h2>
        {shop.is_none().then(|| view! { <p class="muted">{t!(i18n, my_shop.open_intro)}</p> })}
        {review.map(|r| match r.review {
            TextReview::Rejected => view! {
                <p class="alert alert-error" role="status">{t!(i18n, my_shop.text_rejected)} " " <q>{r.rejection_reason.unwrap_or_default()}</q></p>
            }.into_any(),
            _ => view! { <p class="alert" role="status">{t!(i18n, my_shop.text_pending)}</p> }.into_any(),
        })}
        <form method="post" action=SaveShop::PATH class="stack">
            <div class="field">
                <label for="name-ar">{t!(i18n, my_shop.name_ar)}</label>
                <input id="name-ar" name="name_ar" required maxlength="80" value=text.name_ar.clone() aria-describedby="form-error" />
            </div>
            <div class="field">
                <label for="name-en">{t!(i18n, my_shop.name_en)}</label>
                <input id="name-en" name="name_en" maxlength="80" dir="ltr" value=text.name_en.clone().unwrap_or_default() />
            </div>
            <div class="field">
                <label for="bio">{t!(i18n, my_shop.bio)}</label>
                <textarea id="bio" name="bio" maxlength="600" rows="3">{text.bio.clone()}</textarea>
            </div>
            <div class="field">
                <label for="district">{t!(i18n, my_shop.district)}</label>
                <select id="district" name="district_id" required>
                    <option value="">{t!(i18n, my_shop.choose)}</option>
                    {view.places.iter().map(|(city, districts)| view! {
                        <optgroup label=pick(english, &city.name_ar, &city.name_en)>
                            {districts.iter().map(|d| view! {
                                <option value=d.id.to_string() selected=district == Some(d.id)>{pick(english, &d.name_ar, &d.name_en)}</option>
                            }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </div>
            <fieldset class="field">
                <legend>{t!(i18n, my_shop.how_to_get)}</legend>
                <label class="choice-row"><input type="checkbox" name="pickup" value="1" checked=shop.as_ref().is_none_or(|s| s.pickup) /> {t!(i18n, market.pickup)}</label>
                <label class="choice-row"><input type="checkbox" name="delivery" value="1" checked=shop.as_ref().is_some_and(|s| s.delivery) /> {t!(i18n, market.delivery)}</label>
            </fieldset>
            <div class="field">
                <label for="delivery-areas">{t!(i18n, my_shop.delivery_areas)}</label>
                <input id="delivery-areas" name="delivery_areas" maxlength="200" value=value(|s| s.delivery_areas.clone()) />
            </div>
            <div class="field">
                <label for="delivery-fee">{t!(i18n, my_shop.delivery_fee)}</label>
                <input id="delivery-fee" name="delivery_fee" inputmode="decimal" value=value(|s| s.delivery_fee_halalas.map(format_riyals).unwrap_or_default()) />
            </div>
            <label class="choice-row"><input type="checkbox" name="whatsapp_opt_in" value="1" checked=shop.as_ref().is_some_and(|s| s.whatsapp.is_some()) /> {t!(i18n, my_shop.whatsapp_opt_in)}</label>
            <div class="field">
                <label for="whatsapp">{t!(i18n, my_shop.whatsapp)}</label>
                <input id="whatsapp" name="whatsapp" inputmode="tel" dir="ltr" value=whatsapp />
            </div>
            <div class="field">
                <label for="public-phone">{t!(i18n, my_shop.public_phone)}</label>
                <input id="public-phone" name="public_phone" inputmode="tel" dir="ltr" value=public_phone aria-describedby="public-phone-hint" />
                <p class="hint" id="public-phone-hint">{t!(i18n, my_shop.public_phone_hint)}</p>
            </div>
            <div class="field">
                <label for="hours">{t!(i18n, my_shop.hours)}</label>
                <input id="hours" name="working_hours" maxlength="120" value=value(|s| s.working_hours.clone()) placeholder=move || t_string!(i18n, my_shop.hours_hint) />
            </div>
            <button type="submit" class="button primary">{t!(i18n, my_shop.save_shop)}</button>
        </form>
    }
}

/// `9665XXXXXXXX` as families write it: `05XXXXXXXX`.
fn local_phone(international: &str) -> String {
    match international.strip_prefix("966") {
        Some(rest) => format!("0{rest}"),
        None => international.to_string(),
    }
}

#[component]
fn MyProductRow(product: Product, taps: ProductTaps) -> impl IntoView {
    let i18n = use_i18n();
    let cover = product.photos.first().cloned();
    let ProductTaps {
        last_7_days,
        last_30_days,
        ..
    } = taps;
    view! {
        <li class="my-product">
            {cover.map(|photo| view! { <PhotoImg photo alt=String::new() sizes="4rem" /> })}
            <div>
                <a href=edit_url(product.id)>{product.title_ar.clone()}</a>
                <p class="small"><Price halalas=product.price_halalas /> " · " <ProductStatusName status=product.status /></p>
                {product.moderation_reason.clone().map(|reason| view! { <p class="small">{t!(i18n, my_shop.reason)} ": " {reason}</p> })}
                <p class="small muted taps" id=format!("taps-{}", product.id)>
                    {t!(i18n, my_shop.taps_30_days, count = move || last_30_days)} " · "
                    {t!(i18n, my_shop.taps_7_days, count = move || last_7_days)}
                </p>
            </div>
        </li>
    }
}

/// `/my-shop/products/<id>` (or `new`): the product form, its photos, review.
#[component]
pub fn ProductEditorPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let draft = use_query_map().with_untracked(|q| q.get("draft"));
    let data = Resource::new_blocking(|| (), move |_| get_product_editor(id, draft.clone()));
    let error = error_from_query();
    view! {
        <Title text=t_string!(i18n, my_shop.product_title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, my_shop.product_title)}</h1>
            {error.map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |editor| view! { <ProductForm editor /> })}
            <p><a href=super::MY_SHOP_PAGE>{t!(i18n, my_shop.back)}</a></p>
        </section>
    }
}

#[component]
fn ProductForm(editor: ProductEditor) -> impl IntoView {
    let i18n = use_i18n();
    let product = editor.product.clone();
    let draft = editor.draft.clone();
    // What was typed into a refused post first, else the saved product
    // (its own copies: the form is the checked-form island's child).
    let (typed_draft, saved_product) = (draft.clone(), product.clone());
    let value = move |typed: fn(&ProductDraft) -> String, saved: fn(&Product) -> String| {
        typed_draft
            .as_ref()
            .map(typed)
            .or_else(|| saved_product.as_ref().map(saved))
            .unwrap_or_default()
    };
    let product_id = product.as_ref().map(|p| p.id);
    let category = draft
        .as_ref()
        .and_then(|d| Category::parse(&d.category))
        .or(product.as_ref().map(|p| p.category));
    let availability = draft
        .as_ref()
        .and_then(|d| Availability::parse(&d.availability))
        .or(product.as_ref().map(|p| p.availability))
        .unwrap_or(Availability::InStock);
    view! {
            {product.as_ref().map(|p| view! {
                <p>
                    <ProductStatusName status=p.status />
                    {(p.status == ProductStatus::Published).then(|| view! { " " <a href=product_url(p.id)>{t!(i18n, my_shop.see_public)}</a> })}
                </p>
                {p.moderation_reason.clone().map(|reason| view! {
                    <div class="alert alert-error" role="status">{t!(i18n, my_shop.reason)} ": " {reason}</div>
                })}
                {(p.status == ProductStatus::Published).then(|| view! { <p class="muted small">{t!(i18n, my_shop.edit_returns_to_review)}</p> })}
            })}
            <CheckedForm messages=check_messages(&[FieldCheck::Price])>
    <form method="post" action=SaveProduct::PATH class="stack">
                {product_id.map(|id| view! { <input type="hidden" name="product_id" value=id.to_string() /> })}
                <div class="field">
                    <label for="title-ar">{t!(i18n, my_shop.title_ar)}</label>
                    <input id="title-ar" name="title_ar" required maxlength="120" value=value(|d| d.title_ar.clone(), |p| p.title_ar.clone()) aria-describedby="form-error" />
                </div>
                <div class="field">
                    <label for="title-en">{t!(i18n, my_shop.title_en)}</label>
                    <input id="title-en" name="title_en" maxlength="120" dir="ltr" value=value(|d| d.title_en.clone(), |p| p.title_en.clone().unwrap_or_default()) />
                </div>
                <div class="field">
                    <label for="description-ar">{t!(i18n, my_shop.description_ar)}</label>
                    <textarea id="description-ar" name="description_ar" required rows="4" maxlength="2000">{value(|d| d.description_ar.clone(), |p| p.description_ar.clone())}</textarea>
                </div>
                <div class="field">
                    <label for="description-en">{t!(i18n, my_shop.description_en)}</label>
                    <textarea id="description-en" name="description_en" rows="3" dir="ltr" maxlength="2000">{value(|d| d.description_en.clone(), |p| p.description_en.clone().unwrap_or_default())}</textarea>
                </div>
                <div class="field">
                    <label for="category">{t!(i18n, market.category)}</label>
                    <select id="category" name="category" required>
                        {Category::ALL.into_iter().map(|c| view! {
                            <option value=c.as_str() selected=category == Some(c)><CategoryName category=c /></option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="price">{t!(i18n, my_shop.price)}</label>
                    <input id="price" name="price" required inputmode="decimal" data-check=FieldCheck::Price.as_str() value=value(|d| d.price.clone(), |p| format_riyals(p.price_halalas)) />
                </div>
                <div class="field">
                    <label for="unit">{t!(i18n, my_shop.unit)}</label>
                    <input id="unit" name="unit_ar" maxlength="40" value=value(|d| d.unit_ar.clone(), |p| p.unit_ar.clone()) placeholder=move || t_string!(i18n, my_shop.unit_hint) />
                </div>
                <fieldset class="field">
                    <legend>{t!(i18n, market.availability)}</legend>
                    {Availability::ALL.into_iter().map(|a| view! {
                        <label class="choice-row"><input type="radio" name="availability" value=a.as_str() checked=availability == a /> <AvailabilityName availability=a /></label>
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="lead-time">{t!(i18n, my_shop.lead_time)}</label>
                    <input id="lead-time" name="lead_time_days" inputmode="numeric" value=value(|d| d.lead_time_days.clone(), |p| p.lead_time_days.map(|d| d.to_string()).unwrap_or_default()) />
                </div>
                <button type="submit" class="button primary">{t!(i18n, my_shop.save_product)}</button>
            </form>
    </CheckedForm>
            {product.map(|p| view! { <PhotosSection product=p /> })}
        }
}

#[component]
fn PhotosSection(product: Product) -> impl IntoView {
    let i18n = use_i18n();
    let id = product.id.to_string();
    let upload = super::PHOTO_UPLOAD.replace("{id}", &id);
    let room = MAX_PHOTOS.saturating_sub(product.photos.len());
    let can_add = room > 0;
    let can_submit = matches!(
        product.status,
        ProductStatus::Draft | ProductStatus::Rejected
    );
    view! {
        <h2>{t!(i18n, my_shop.photos)}</h2>
        <p class="muted small">{t!(i18n, my_shop.photos_hint)}</p>
        <ul class="photo-list">
            {product.photos.iter().map(|photo| {
                let photo_id = photo.id.to_string();
                view! {
                    <li>
                        <PhotoImg photo=photo.clone() alt=String::new() sizes="8rem" />
                        {if photo.is_cover {
                            view! { <span class="badge">{t!(i18n, my_shop.cover)}</span> }.into_any()
                        } else {
                            view! {
                                <form method="post" action=ChangePhoto::PATH class="inline-form">
                                    <input type="hidden" name="product_id" value=id.clone() />
                                    <input type="hidden" name="photo_id" value=photo_id.clone() />
                                    <input type="hidden" name="action" value="cover" />
                                    <button type="submit" class="button small secondary">{t!(i18n, my_shop.make_cover)}</button>
                                </form>
                            }.into_any()
                        }}
                        <form method="post" action=ChangePhoto::PATH class="inline-form">
                            <input type="hidden" name="product_id" value=id.clone() />
                            <input type="hidden" name="photo_id" value=photo_id />
                            <input type="hidden" name="action" value="remove" />
                            <button type="submit" class="button small secondary">{t!(i18n, my_shop.remove_photo)}</button>
                        </form>
                    </li>
                }
            }).collect_view()}
        </ul>
        {can_add.then(|| view! { <PhotoForm action=upload.clone() room /> })}
        {can_submit.then(|| view! {
            <form method="post" action=SubmitProduct::PATH class="stack">
                <input type="hidden" name="product_id" value=id.clone() />
                <button type="submit" class="button primary" id="submit-for-review">{t!(i18n, my_shop.submit_for_review)}</button>
            </form>
        })}
    }
}

/// `/association/moderation`: products waiting for review, as the public will see them.
#[component]
pub fn ModerationPage() -> impl IntoView {
    let i18n = use_i18n();
    let page =
        use_query_map().with_untracked(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()));
    let data = Resource::new_blocking(|| (), move |_| get_moderation_queue(page));
    let error = error_from_query();
    view! {
        <Title text=t_string!(i18n, moderation.title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, moderation.title)}</h1>
            {error.map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |view| view! { <ModerationQueue view /> })}
        </section>
    }
}

#[component]
fn ModerationQueue(view: ModerationView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let whose = match &view.association {
        Some(a) => pick(english, &a.name_ar, &a.name_en),
        None => t_string!(i18n, moderation.council_queue).to_string(),
    };
    let (page, pages) = (view.page, view.pages);
    let url = |p: i64| format!("{}?page={p}", super::MODERATION_PAGE);
    view! {
        <p class="muted">{whose}</p>
        <p class="muted" id="moderation-total">{t!(i18n, moderation.total)} ": " <bdi>{view.total}</bdi></p>
        {(!view.shops.is_empty()).then(|| view! {
            <h2>{t!(i18n, moderation.shop_texts)}</h2>
            {view.shops.iter().map(|pending| view! { <ShopTextItem pending=pending.clone() /> }).collect_view()}
            <h2>{t!(i18n, moderation.products)}</h2>
        })}
        {if view.items.is_empty() && view.shops.is_empty() {
            view! { <EmptyState>{t!(i18n, moderation.empty)}</EmptyState> }.into_any()
        } else {
            view.items.iter().map(|item| {
                let id = item.product.id.to_string();
                view! {
                    <article class="moderation-item" data-product-id=id.clone()>
                        <ProductBody product=item.product.clone() shop=item.shop.clone() />
                        <OtherLanguageTexts product=item.product.clone() />
                        <Decision action=ModerateProduct::PATH id_name="product_id" id=id.clone() />
                    </article>
                }
            }).collect_view().into_any()
        }}
        {(pages > 1).then(|| view! {
            <Pager
                prev=(page > 1).then(|| url(page - 1))
                next=(page < pages).then(|| url(page + 1))
                position=format!("{page} / {pages}")
            />
        })}
    }
}

/// The product's title and description in the language the page does not
/// show: visitors read both, so the moderator reviews both before publishing.
#[component]
fn OtherLanguageTexts(product: super::Product) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let english_title = product.title_en.clone().filter(|t| !t.trim().is_empty());
    let english_description = product
        .description_en
        .clone()
        .filter(|d| !d.trim().is_empty());
    // An English page shows the English texts where there are some, an Arabic page only Arabic.
    let (title, description) = if english {
        (
            english_title.map(|_| product.title_ar.clone()),
            english_description.map(|_| product.description_ar.clone()),
        )
    } else {
        (english_title, english_description)
    };
    let dir = if english { "rtl" } else { "ltr" };
    (title.is_some() || description.is_some()).then(|| view! {
        <dl class="facts other-language">
            {title.map(|title| view! {
                <dt>{if english { t!(i18n, my_shop.title_ar).into_any() } else { t!(i18n, my_shop.title_en).into_any() }}</dt>
                <dd dir=dir>{title}</dd>
            })}
            {description.map(|description| view! {
                <dt>{if english { t!(i18n, my_shop.description_ar).into_any() } else { t!(i18n, my_shop.description_en).into_any() }}</dt>
                <dd dir=dir>{description}</dd>
            })}
        </dl>
    })
}

/// A shop's new name and bio beside the public ones, with the decision forms.
#[component]
fn ShopTextItem(pending: PendingShopText) -> impl IntoView {
    let i18n = use_i18n();
    let id = pending.shop_id.to_string();
    let proposed = pending.proposed;
    let public = pending.public;
    view! {
        <article class="moderation-item" data-shop-id=id.clone()>
            <dl class="facts">
                <dt>{t!(i18n, my_shop.name_ar)}</dt>
                <dd>{proposed.name_ar.clone()}</dd>
                {proposed.name_en.clone().map(|en| view! { <dt>{t!(i18n, my_shop.name_en)}</dt><dd dir="ltr">{en}</dd> })}
                {(!proposed.bio.is_empty()).then(|| view! { <dt>{t!(i18n, my_shop.bio)}</dt><dd>{proposed.bio.clone()}</dd> })}
                {(!public.name_ar.is_empty()).then(|| view! {
                    <dt>{t!(i18n, moderation.shown_now)}</dt>
                    <dd class="muted">{public.name_ar.clone()}</dd>
                })}
            </dl>
            <Decision action=ModerateShop::PATH id_name="shop_id" id=id.clone() />
        </article>
    }
}

/// A moderator's two forms for one item: approve, or send back with a
/// reason. `id_name` is the field naming the item (`product_id`, `shop_id`).
#[component]
fn Decision(action: &'static str, id_name: &'static str, id: String) -> impl IntoView {
    let i18n = use_i18n();
    let reason_id = format!("reason-{id_name}-{id}");
    view! {
        <form method="post" action=action class="inline-form">
            <input type="hidden" name=id_name value=id.clone() />
            <input type="hidden" name="decision" value="approve" />
            <button type="submit" class="button primary">{t!(i18n, moderation.approve)}</button>
        </form>
        <form method="post" action=action class="stack">
            <input type="hidden" name=id_name value=id />
            <input type="hidden" name="decision" value="reject" />
            <div class="field">
                <label for=reason_id.clone()>{t!(i18n, moderation.reason)}</label>
                <input id=reason_id name="reason" maxlength="500" />
            </div>
            <button type="submit" class="button secondary">{t!(i18n, moderation.reject)}</button>
        </form>
    }
}
