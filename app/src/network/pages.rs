//! The council's pages: the associations, one association (card, status,
//! admins), and the assistance catalogue. Plain forms: they work without
//! JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::api::{
    AppointAssociationAdmin, SaveAssistanceType, SaveAssociation, SetAssociationStatus,
    get_association_page, get_associations, get_catalogue,
};
use super::document_kinds::{TypeDocuments, get_document_kinds};
use super::{AppointedPerson, AssociationPage, AssociationSummary};
use crate::assistance::CatalogueEntry;
use crate::associations::{AssociationProfile, AssociationStatus};
use crate::error::AppError;
use crate::i18n::*;
use crate::identity::access::RevokeRole;
use crate::paths::{ASSOCIATION_PAGE, ASSOCIATIONS_PAGE, CATALOGUE_PAGE};
use crate::time::format_date;
use crate::ui::{
    DataTable, EmptyState, ErrorAlert, error_from_query, id_param, is_english, loaded, pick,
};

/// The status mark of an association.
#[component]
fn StatusMark(status: AssociationStatus) -> impl IntoView {
    let i18n = use_i18n();
    match status {
        AssociationStatus::Active => {
            view! { <span class="mark mark-ok">{t!(i18n, network.active)}</span> }.into_any()
        }
        AssociationStatus::Suspended => {
            view! { <span class="mark mark-gap">{t!(i18n, network.suspended)}</span> }.into_any()
        }
    }
}

/// `/council/associations`: every association, with a link to add one.
#[component]
pub fn AssociationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_associations());
    view! {
        <Title text=t_string!(i18n, network.title).to_string() />
        <h1>{t!(i18n, network.title)}</h1>
        <p class="lead">{t!(i18n, network.intro)}</p>
        <p class="actions">
            <a class="button" href=format!("{ASSOCIATION_PAGE}/new")>{t!(i18n, network.add)}</a>
            <a class="button secondary" href=CATALOGUE_PAGE>{t!(i18n, network.catalogue_title)}</a>
        </p>
        {loaded(data, |list| view! { <AssociationList list /> })}
    }
}

#[component]
fn AssociationList(list: Vec<AssociationSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    if list.is_empty() {
        return view! { <EmptyState>{t!(i18n, network.empty)}</EmptyState> }.into_any();
    }
    view! {
        <DataTable>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, network.name)}</th>
                    <th scope="col">{t!(i18n, network.licence)}</th>
                    <th scope="col">{t!(i18n, network.status)}</th>
                    <th scope="col">{t!(i18n, network.people)}</th>
                    <th scope="col">{t!(i18n, network.cells)}</th>
                </tr>
            </thead>
            <tbody>
                {list.into_iter().map(|a| view! {
                    <tr>
                        <td class="association-name">
                            {a.logo.as_ref().map(|logo| view! {
                                <img class="association-logo small" src=logo.url(64) alt="" width="32" height="32" />
                            })}
                            <a href=format!("{ASSOCIATION_PAGE}/{}", a.id)>{pick(english, &a.name_ar, &a.name_en)}</a>
                        </td>
                        <td><bdi dir="ltr">{a.licence_number.clone()}</bdi></td>
                        <td><StatusMark status=a.status /></td>
                        <td class="small">
                            {t!(i18n, network.admins_count)} " " {a.admins} " · "
                            {t!(i18n, network.staff_count)} " " {a.staff}
                            {(a.pending > 0).then(|| view! { " · " {t!(i18n, network.pending_count)} " " {a.pending} })}
                        </td>
                        <td>{a.cells}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </DataTable>
    }
    .into_any()
}

/// `/council/associations/<id>` (or `new`): the card, the status, the admins.
#[component]
pub fn AssociationPageView() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let data = Resource::new_blocking(|| (), move |_| get_association_page(id));
    view! {
        <Title text=t_string!(i18n, network.association_title).to_string() />
        {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
        {loaded(data, |page| view! { <AssociationDetail page /> })}
        <p><a href=ASSOCIATIONS_PAGE>{t!(i18n, network.back)}</a></p>
    }
}

#[component]
fn AssociationDetail(page: AssociationPage) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let heading = match &page.profile {
        Some(p) => pick(english, &p.name_ar, &p.name_en),
        None => t_string!(i18n, network.add).to_string(),
    };
    let profile = page.profile.clone();
    view! {
        <h1>{heading}</h1>
        {profile.clone().map(|p| view! { <StatusPanel profile=p open_lines=page.open_lines /> })}
        {profile.clone().map(|p| view! { <LogoPanel profile=p /> })}
        <AssociationForm profile=profile.clone() cities=page.cities />
        {profile.map(|p| view! { <Admins association_id=p.id admins=page.admins /> })}
    }
}

#[component]
fn StatusPanel(profile: AssociationProfile, open_lines: i64) -> impl IntoView {
    let i18n = use_i18n();
    let suspended = profile.status == AssociationStatus::Suspended;
    view! {
        <section class="card">
            <h2>{t!(i18n, network.status)} " " <StatusMark status=profile.status /></h2>
            {profile.status_reason.clone().map(|reason| view! {
                <p class="small">{reason} {profile.status_changed_at.map(|at| view! { " · " <span class="date">{format_date(at)}</span> })}</p>
            })}
            <p class="small muted">{t!(i18n, network.open_lines)} ": " {open_lines}</p>
            <form method="post" action=SetAssociationStatus::PATH class="stack">
                <input type="hidden" name="association_id" value=profile.id.to_string() />
                <input type="hidden" name="suspend" value=(!suspended).to_string() />
                {if suspended {
                    view! {
                        <p class="hint">{t!(i18n, network.reactivate_hint)}</p>
                        <button type="submit" class="button">{t!(i18n, network.reactivate)}</button>
                    }.into_any()
                } else {
                    view! {
                        <p class="hint">{t!(i18n, network.suspend_hint)}</p>
                        <div class="field">
                            <label for="suspend-reason">{t!(i18n, network.reason)}</label>
                            <textarea id="suspend-reason" name="reason" rows="2" maxlength="500" required></textarea>
                        </div>
                        <button type="submit" class="button danger">{t!(i18n, network.suspend)}</button>
                    }.into_any()
                }}
            </form>
        </section>
    }
}

/// The logo and its upload form (a plain multipart post: no JavaScript needed).
#[component]
fn LogoPanel(profile: AssociationProfile) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let name = pick(english, &profile.name_ar, &profile.name_en);
    view! {
        <section class="card logo-panel">
            <h2>{t!(i18n, network.logo)}</h2>
            {match profile.logo.as_ref() {
                Some(logo) => view! {
                    <img class="association-logo" src=logo.url(160) alt=name width="96" height="96" />
                }.into_any(),
                None => view! { <p class="small muted">{t!(i18n, network.no_logo)}</p> }.into_any(),
            }}
            <form method="post" action=format!("{ASSOCIATION_PAGE}/{}/logo", profile.id)
                enctype="multipart/form-data" class="stack">
                <div class="field">
                    <label for="logo">{t!(i18n, network.logo_choose)}</label>
                    <input id="logo" type="file" name="logo" accept="image/jpeg,image/png,image/webp" required
                        aria-describedby="logo-hint" />
                    <p class="hint" id="logo-hint">{t!(i18n, network.logo_hint)}</p>
                </div>
                <button type="submit" class="button secondary">{t!(i18n, network.logo_upload)}</button>
            </form>
        </section>
    }
}

#[component]
fn AssociationForm(
    profile: Option<AssociationProfile>,
    cities: Vec<crate::places::City>,
) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let p = profile.clone();
    let value = move |f: fn(&AssociationProfile) -> Option<String>| {
        p.as_ref().and_then(f).unwrap_or_default()
    };
    let city = profile.as_ref().and_then(|p| p.city_id);
    view! {
        <form method="post" action=SaveAssociation::PATH class="stack card" id="association-form">
            <h2>{t!(i18n, network.card)}</h2>
            {profile.as_ref().map(|p| view! { <input type="hidden" name="id" value=p.id.to_string() /> })}
            <div class="field">
                <label for="licence">{t!(i18n, network.licence)}</label>
                <input id="licence" name="licence_number" required dir="ltr" maxlength="20"
                    value=value(|p| Some(p.licence_number.clone())) aria-describedby="licence-hint" />
                <p class="hint" id="licence-hint">{t!(i18n, network.licence_hint)}</p>
            </div>
            <div class="field">
                <label for="name-ar">{t!(i18n, network.name_ar)}</label>
                <input id="name-ar" name="name_ar" required maxlength="150" value=value(|p| Some(p.name_ar.clone())) />
            </div>
            <div class="field">
                <label for="name-en">{t!(i18n, network.name_en)}</label>
                <input id="name-en" name="name_en" required maxlength="150" dir="ltr" value=value(|p| Some(p.name_en.clone())) />
            </div>
            <div class="field">
                <label for="city">{t!(i18n, network.city)}</label>
                <select id="city" name="city_id">
                    <option value="">{t!(i18n, network.no_city)}</option>
                    {cities.into_iter().map(|c| view! {
                        <option value=c.id.to_string() selected=Some(c.id) == city>{pick(english, &c.name_ar, &c.name_en)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="contact">{t!(i18n, network.contact_name)}</label>
                <input id="contact" name="contact_name" maxlength="150" value=value(|p| p.contact_name.clone()) />
            </div>
            <div class="field">
                <label for="phone">{t!(i18n, network.phone)}</label>
                <input id="phone" name="phone" type="tel" inputmode="tel" dir="ltr" maxlength="20" value=value(|p| p.phone.clone()) />
            </div>
            <div class="field">
                <label for="email">{t!(i18n, network.email)}</label>
                <input id="email" name="email" type="email" dir="ltr" maxlength="200" value=value(|p| p.email.clone()) />
            </div>
            <button type="submit" class="button">{t!(i18n, network.save)}</button>
        </form>
    }
}

#[component]
fn Admins(association_id: i64, admins: Vec<AppointedPerson>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let association = association_id.to_string();
    view! {
        <section class="card">
            <h2>{t!(i18n, network.admins)}</h2>
            {if admins.is_empty() {
                view! { <EmptyState>{t!(i18n, network.no_admins)}</EmptyState> }.into_any()
            } else {
                view! {
                    <ul class="people">
                        {admins.into_iter().map(|a| {
                            let name = if a.name_ar.is_empty() {
                                t_string!(i18n, network.not_signed_in_yet).to_string()
                            } else {
                                pick(english, &a.name_ar, a.name_en.as_deref().unwrap_or(""))
                            };
                            view! {
                                <li class="person">
                                    {name} " " <bdi dir="ltr" class="muted small">{a.masked_national_id.clone()}</bdi>
                                    {a.pending.then(|| view! { " " <span class="mark">{t!(i18n, network.pending)}</span> })}
                                    " " <span class="small muted">{t!(i18n, network.appointed_on)} " " <span class="date">{format_date(a.granted_at)}</span></span>
                                    <form method="post" action=RevokeRole::PATH class="inline-form">
                                        <input type="hidden" name="user_id" value=a.user_id.to_string() />
                                        <input type="hidden" name="role" value="association_admin" />
                                        <input type="hidden" name="association_id" value=association.clone() />
                                        <button type="submit" class="button secondary small">{t!(i18n, network.remove_admin)}</button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action=AppointAssociationAdmin::PATH class="filters" id="appoint-admin">
                <input type="hidden" name="association_id" value=association_id.to_string() />
                <div class="field">
                    <label for="admin-national-id">{t!(i18n, network.admin_national_id)}</label>
                    <input id="admin-national-id" name="national_id" inputmode="numeric" dir="ltr" maxlength="14" required aria-describedby="admin-hint" />
                    <p class="hint" id="admin-hint">{t!(i18n, network.admin_hint)}</p>
                </div>
                <button type="submit" class="button">{t!(i18n, network.appoint)}</button>
            </form>
        </section>
    }
}

/// `/council/catalogue`: each assistance type as its own small form, and a
/// form to add one.
#[component]
pub fn CataloguePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(
        || (),
        |_| async { Ok::<_, AppError>((get_catalogue().await?, get_document_kinds().await?)) },
    );
    view! {
        <Title text=t_string!(i18n, network.catalogue_title).to_string() />
        <h1>{t!(i18n, network.catalogue_title)}</h1>
        <p class="lead">{t!(i18n, network.catalogue_intro)}</p>
        {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
        {loaded(data, move |(types, kinds)| view! {
            <ul class="catalogue">
                {types.into_iter().map(|t| {
                    let type_id = t.id;
                    view! {
                        <li id=format!("type-{type_id}")>
                            <TypeForm entry=Some(t) />
                            <TypeDocuments assistance_type_id=type_id kinds=kinds.clone() />
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h2>{t!(i18n, network.add_type)}</h2>
            <TypeForm entry=None />
        })}
        <p><a href=ASSOCIATIONS_PAGE>{t!(i18n, network.back)}</a></p>
    }
}

#[component]
fn TypeForm(entry: Option<CatalogueEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let key = entry
        .as_ref()
        .map(|e| e.id.to_string())
        .unwrap_or_else(|| "new".into());
    let id = move |field: &str| format!("type-{key}-{field}");
    let e = entry.clone();
    view! {
        <form method="post" action=SaveAssistanceType::PATH class="card stack type-form">
            {match e {
                Some(e) => view! {
                    <input type="hidden" name="id" value=e.id.to_string() />
                    <p class="small muted"><bdi dir="ltr">{e.code.clone()}</bdi> " · " {t!(i18n, network.lines_count)} " " {e.lines}
                        {(!e.active).then(|| view! { " " <span class="mark">{t!(i18n, network.retired)}</span> })}</p>
                }.into_any(),
                None => view! {
                    <div class="field">
                        <label for=id("code")>{t!(i18n, network.code)}</label>
                        <input id=id("code") name="code" required dir="ltr" maxlength="40" pattern="[a-z][a-z0-9_]{1,39}" aria-describedby=id("code-hint") />
                        <p class="hint" id=id("code-hint")>{t!(i18n, network.code_hint)}</p>
                    </div>
                }.into_any(),
            }}
            <div class="field">
                <label for=id("ar")>{t!(i18n, network.name_ar)}</label>
                <input id=id("ar") name="name_ar" required maxlength="150" value=entry.as_ref().map(|e| e.name_ar.clone()) />
            </div>
            <div class="field">
                <label for=id("en")>{t!(i18n, network.name_en)}</label>
                <input id=id("en") name="name_en" required maxlength="150" dir="ltr" value=entry.as_ref().map(|e| e.name_en.clone()) />
            </div>
            <div class="field">
                <label for=id("cooldown")>{t!(i18n, network.cooldown)}</label>
                <input id=id("cooldown") name="cooldown_days" required inputmode="numeric" dir="ltr" maxlength="4"
                    value=entry.as_ref().map(|e| e.cooldown_days).unwrap_or(180).to_string() />
            </div>
            <label class="choice-row">
                <input type="checkbox" name="asks_amount" value="1" checked=entry.as_ref().is_some_and(|e| e.asks_amount) />
                " " {t!(i18n, network.asks_amount)}
            </label>
            <label class="choice-row">
                <input type="checkbox" name="active" value="1" checked=entry.as_ref().is_none_or(|e| e.active) />
                " " {t!(i18n, network.offered)}
            </label>
            <button type="submit" class="button secondary">{t!(i18n, network.save)}</button>
        </form>
    }
}
