//! The shared trainer registry, and adding a trainer.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::i18n::*;
use crate::training::api::{SaveTrainer, TrainersView, get_trainers};
use crate::training::pages::SpecialtyName;
use crate::training::{MANAGE_PAGE, Specialty, TRAINERS_PAGE};
use crate::ui::{ErrorAlert, ListPager, ListTotal, error_from_query, is_english, loaded, pick};

/// `/training/trainers`: the shared registry, and adding a trainer.
#[component]
pub fn TrainersPage() -> impl IntoView {
    let i18n = use_i18n();
    let (specialty, page) = use_query_map().with_untracked(|q| {
        (
            q.get("specialty"),
            q.get("page").and_then(|p| p.parse::<i64>().ok()),
        )
    });
    let error = error_from_query();
    let data = Resource::new_blocking(|| (), move |_| get_trainers(specialty.clone(), page));
    view! {
        <Title text=t_string!(i18n, training.trainers_title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, training.trainers_title)}</h1>
            <p class="muted">{t!(i18n, training.trainers_intro)}</p>
            {error.map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |view| view! { <Trainers view /> })}
            <p><a href=MANAGE_PAGE>{t!(i18n, training.back_to_dashboard)}</a></p>
        </section>
    }
}

#[component]
fn Trainers(view: TrainersView) -> impl IntoView {
    let may_link = view.may_link_accounts;
    let i18n = use_i18n();
    let english = is_english();
    let chosen = view.specialty.clone().unwrap_or_default();
    view! {
        <form method="get" action=TRAINERS_PAGE class="filters">
            <div class="field">
                <label for="specialty-filter">{t!(i18n, training.specialty)}</label>
                <select id="specialty-filter" name="specialty">
                    <option value="">{t!(i18n, training.any)}</option>
                    {Specialty::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=chosen == s.as_str()><SpecialtyName specialty=*s /></option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button secondary">{t!(i18n, training.filter)}</button>
        </form>
        <ListTotal total=view.total />
        <ul class="trainers">
            {view.trainers.iter().map(|t| view! {
                <li class="trainer">
                    <h2>{pick(english, &t.name_ar, &t.name_en)}</h2>
                    <p class="small">
                        {t.specialties.iter().map(|s| view! { <span class="tag"><SpecialtyName specialty=*s /></span> " " }).collect_view()}
                    </p>
                    {(!t.qualifications.is_empty()).then(|| view! { <p>{t.qualifications.clone()}</p> })}
                    <p class="small muted">
                        {t.providers.iter().map(|(ar, en)| pick(english, ar, en)).collect::<Vec<_>>().join("، ")}
                        {t.phone.clone().map(|p| view! { " · " <a href=format!("tel:+{p}") dir="ltr">{format!("+{p}")}</a> })}
                        {t.email.clone().map(|e| view! { " · " <a href=format!("mailto:{e}") dir="ltr">{e.clone()}</a> })}
                    </p>
                </li>
            }).collect_view()}
        </ul>
        <ListPager base=TRAINERS_PAGE filters=vec![("specialty", chosen.clone())] page=view.page pages=view.pages />
        {(!view.providers.is_empty()).then(|| view! {
            <h2>{t!(i18n, training.add_trainer)}</h2>
            <form method="post" action=SaveTrainer::PATH class="stack">
                <div class="field">
                    <label for="trainer-provider">{t!(i18n, training.provider)}</label>
                    <select id="trainer-provider" name="provider_id" required>
                        {view.providers.iter().map(|p| view! { <option value=p.id.to_string()>{pick(english, &p.name_ar, &p.name_en)}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="trainer-name-ar">{t!(i18n, training.name_ar)}</label>
                    <input id="trainer-name-ar" name="name_ar" required maxlength="120" />
                </div>
                <div class="field">
                    <label for="trainer-name-en">{t!(i18n, training.name_en)}</label>
                    <input id="trainer-name-en" name="name_en" maxlength="120" dir="ltr" />
                </div>
                <fieldset class="field">
                    <legend>{t!(i18n, training.specialties)}</legend>
                    <div class="choice-grid">
                        {Specialty::ALL.iter().map(|s| view! {
                            <label class="choice-row"><input type="checkbox" name="specialties[]" value=s.as_str() /> <SpecialtyName specialty=*s /></label>
                        }).collect_view()}
                    </div>
                </fieldset>
                <div class="field">
                    <label for="qualifications">{t!(i18n, training.qualifications)}</label>
                    <textarea id="qualifications" name="qualifications" rows="2" maxlength="600"></textarea>
                </div>
                <div class="field">
                    <label for="trainer-phone">{t!(i18n, training.phone)}</label>
                    <input id="trainer-phone" name="phone" inputmode="tel" dir="ltr" />
                </div>
                <div class="field">
                    <label for="trainer-email">{t!(i18n, training.email)}</label>
                    <input id="trainer-email" name="email" type="email" dir="ltr" />
                </div>
                {may_link.then(|| view! {
                    <div class="field">
                        <label for="trainer-national-id">{t!(i18n, training.trainer_national_id)}</label>
                        <input id="trainer-national-id" name="national_id" inputmode="numeric" dir="ltr" aria-describedby="trainer-id-hint" />
                        <p class="hint" id="trainer-id-hint">{t!(i18n, training.trainer_national_id_hint)}</p>
                    </div>
                })}
                <button type="submit" class="button primary">{t!(i18n, training.save_trainer)}</button>
            </form>
        })}
    }
}
