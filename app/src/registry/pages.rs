//! The household registration wizard: one topic per step, progress shown,
//! each step saved on its own (plain forms, works without JavaScript).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{
    AddHouseholdMember, RemoveHouseholdMember, SaveHouseholdCircumstances, SaveHouseholdContact,
    SaveHouseholdCrafts, SaveHouseholdPlace, SubmitHousehold, WizardData, get_household_wizard,
};
use super::labels::IncomeName;
pub use super::labels::{CraftName, RelationName};
use super::{
    CRAFTS, HouseholdStatus, INCOME_BRACKETS, PRIVACY_NOTICE_VERSION, RELATIONS, SaudiPhone,
    WIZARD_PAGE,
};
use crate::checks::FieldCheck;
use crate::i18n::*;
use crate::identity::signed_in_user;
use crate::ui::{
    CheckedForm, ErrorAlert, Icon, IconName, check_messages, error_from_query, is_english,
};

/// The wizard's steps, in order.
pub const STEPS: [&str; 6] = [
    "contact",
    "place",
    "circumstances",
    "members",
    "crafts",
    "review",
];

fn step_url(step: &str) -> String {
    format!("{WIZARD_PAGE}?step={step}")
}

/// `/household`: the registration wizard of the signed-in family member.
#[component]
pub fn HouseholdPage() -> impl IntoView {
    let i18n = use_i18n();
    if signed_in_user().is_none() {
        #[cfg(feature = "ssr")]
        leptos_axum::redirect("/sign-in");
    }
    let query = use_query_map();
    let step = query
        .with_untracked(|q| q.get("step"))
        .filter(|s| STEPS.contains(&s.as_str()));
    let step = step.unwrap_or_else(|| "contact".to_string());
    let city = query.with_untracked(|q| q.get("city").and_then(|c| c.parse::<i64>().ok()));
    let data = Resource::new_blocking(|| (), move |_| get_household_wizard(city));
    let error = error_from_query();
    view! {
        <Title text=t_string!(i18n, household.title).to_string() />
        <section class="card narrow wizard">
            <h1>{t!(i18n, household.title)}</h1>
            <Progress current=step.clone() />
            {error.map(|key| view! { <ErrorAlert key id="step-error" /> })}
            <super::claims::MemberClaims />
            <Suspense fallback=|| ()>
                {
                    let step = step.clone();
                    move || {
                        let step = step.clone();
                        Suspend::new(async move {
                            match data.await {
                                Ok(WizardData { acts_for: Some(head), .. }) => view! { <super::delegates::ActsFor head /> }.into_any(),
                                Ok(data) => view! { <Step step data /> }.into_any(),
                                Err(e) => view! { <ErrorAlert key=e.key() /> }.into_any(),
                            }
                        })
                    }
                }
            </Suspense>
        </section>
    }
}

#[component]
fn Progress(current: String) -> impl IntoView {
    let i18n = use_i18n();
    let index = STEPS.iter().position(|s| *s == current).unwrap_or(0);
    view! {
        <nav aria-label=move || t_string!(i18n, household.progress)>
            <p class="muted small">
                {t!(i18n, household.step_of)} " " {index + 1} " / " {STEPS.len()}
            </p>
            <ol class="progress">
                {STEPS
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let class = if i < index { "done" } else if i == index { "current" } else { "" };
                        view! {
                            <li class=class aria-current=(i == index).then_some("step")>
                                <a href=step_url(s)>
                                    <StepName step=s />
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

#[component]
fn StepName(step: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    match step {
        "contact" => t!(i18n, household.steps.contact).into_any(),
        "place" => t!(i18n, household.steps.place).into_any(),
        "circumstances" => t!(i18n, household.steps.circumstances).into_any(),
        "members" => t!(i18n, household.steps.members).into_any(),
        "crafts" => t!(i18n, household.steps.crafts).into_any(),
        _ => t!(i18n, household.steps.review).into_any(),
    }
}

fn next_of(step: &str) -> String {
    let i = STEPS.iter().position(|s| *s == step).unwrap_or(0);
    step_url(STEPS[(i + 1).min(STEPS.len() - 1)])
}

/// Back link and the submit button of a step.
#[component]
fn StepButtons(step: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let i = STEPS.iter().position(|s| *s == step).unwrap_or(0);
    view! {
        <div class="actions">
            <button type="submit" class="button primary">
                {t!(i18n, household.save_next)}
            </button>
            {(i > 0).then(|| view! { <a class="button secondary" href=step_url(STEPS[i - 1])>{t!(i18n, household.back)}</a> })}
        </div>
    }
}

#[component]
fn Step(step: String, data: WizardData) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let household = data.household.clone();
    match step.as_str() {
        "contact" => {
            let phone = household
                .as_ref()
                .and_then(|h| h.phone.clone())
                .and_then(|p| SaudiPhone::parse(&p).ok())
                .map(|p| p.local());
            view! {
                <CheckedForm messages=check_messages(&[FieldCheck::Phone])>
<form method="post" action=SaveHouseholdContact::PATH class="stack">
                    <input type="hidden" name="next" value=next_of("contact") />
                    <div class="field">
                        <label for="phone">{t!(i18n, household.phone_label)}</label>
                        <p class="hint" id="phone-hint">{t!(i18n, household.phone_hint)}</p>
                        <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" dir="ltr" required value=phone data-check=FieldCheck::Phone.as_str() aria-describedby="phone-hint step-error" />
                    </div>
                    <StepButtons step="contact" />
                </form>
</CheckedForm>
            }
            .into_any()
        }
        "place" => {
            let district = household.as_ref().and_then(|h| h.district_id);
            let address = household.as_ref().and_then(|h| h.address.clone());
            let city_id = data.city_id;
            view! {
                <form method="get" action=WIZARD_PAGE class="stack">
                    <input type="hidden" name="step" value="place" />
                    <div class="field">
                        <label for="city">{t!(i18n, household.city_label)}</label>
                        <select id="city" name="city">
                            {data.cities.iter().map(|c| {
                                let name = if english { c.name_en.clone() } else { c.name_ar.clone() };
                                view! { <option value=c.id.to_string() selected=city_id == Some(c.id)>{name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button secondary">{t!(i18n, household.choose_city)}</button>
                </form>
                {(!data.districts.is_empty()).then(|| view! {
                    <form method="post" action=SaveHouseholdPlace::PATH class="stack">
                        <input type="hidden" name="next" value=next_of("place") />
                        <div class="field">
                            <label for="district">{t!(i18n, household.district_label)}</label>
                            <select id="district" name="district_id" required aria-describedby="step-error">
                                {data.districts.iter().map(|d| {
                                    let name = if english { d.name_en.clone() } else { d.name_ar.clone() };
                                    view! { <option value=d.id.to_string() selected=district == Some(d.id)>{name}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="address">{t!(i18n, household.address_label)}</label>
                            <p class="hint" id="address-hint">{t!(i18n, household.address_hint)}</p>
                            <input id="address" name="address" type="text" maxlength="300" value=address aria-describedby="address-hint" />
                        </div>
                        <StepButtons step="place" />
                    </form>
                })}
            }
            .into_any()
        }
        "circumstances" => {
            let bracket = household.as_ref().and_then(|h| h.income_bracket.clone());
            let dependants = household
                .as_ref()
                .and_then(|h| h.dependants)
                .map(|d| d.to_string());
            view! {
                <CheckedForm messages=check_messages(&[FieldCheck::Dependants])>
<form method="post" action=SaveHouseholdCircumstances::PATH class="stack">
                    <input type="hidden" name="next" value=next_of("circumstances") />
                    <fieldset class="field">
                        <legend>{t!(i18n, household.income_label)}</legend>
                        {INCOME_BRACKETS.iter().map(|b| {
                            let id = format!("income-{b}");
                            view! {
                                <label class="choice-row">
                                    <input type="radio" id=id name="income_bracket" value=*b checked=bracket.as_deref() == Some(*b) />
                                    <IncomeName code=b.to_string() />
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <div class="field">
                        <label for="dependants">{t!(i18n, household.dependants_label)}</label>
                        <input id="dependants" name="dependants" type="text" inputmode="numeric" dir="ltr" maxlength="3" required value=dependants data-check=FieldCheck::Dependants.as_str() aria-describedby="step-error" />
                    </div>
                    <StepButtons step="circumstances" />
                </form>
</CheckedForm>
            }
            .into_any()
        }
        "members" => {
            let members = household
                .as_ref()
                .map(|h| h.members.clone())
                .unwrap_or_default();
            let empty = members.is_empty();
            view! {
                {empty.then(|| view! { <p class="muted">{t!(i18n, household.members_empty)}</p> })}
                <ul class="members">
                    {members.into_iter().map(|m| view! {
                        <li data-member=m.full_name.clone()>
                            <span><strong>{m.full_name.clone()}</strong> " · " <RelationName code=m.relation.clone() /> " · " <bdi dir="ltr">{m.birth_date.clone()}</bdi>
                                {crate::time::day_start(&m.birth_date).map(|unix| view! { " " <crate::ui::HijriDate unix /> })}</span>
                            <super::delegates::DelegateToggle member=m.clone() />
                            <form method="post" action=RemoveHouseholdMember::PATH class="inline-form">
                                <input type="hidden" name="member_id" value=m.id.to_string() />
                                <button type="submit" class="button danger small">{t!(i18n, household.remove_member)}</button>
                            </form>
                        </li>
                    }).collect_view()}
                </ul>
                <CheckedForm messages=check_messages(&[FieldCheck::BirthDate, FieldCheck::HijriBirthDate, FieldCheck::NationalId])>
<form method="post" action=AddHouseholdMember::PATH class="stack">
                    <div class="field">
                        <label for="member-name">{t!(i18n, household.member_name)}</label>
                        <input id="member-name" name="full_name" type="text" maxlength="120" required aria-describedby="step-error" />
                    </div>
                    <div class="field">
                        <label for="member-relation">{t!(i18n, household.member_relation)}</label>
                        <select id="member-relation" name="relation">
                            {RELATIONS.iter().map(|r| view! { <option value=*r><RelationName code=r.to_string() /></option> }).collect_view()}
                        </select>
                    </div>
                    // One stored date, typed in either calendar: the chosen
                    // calendar's field shows (CSS `:has`, so also without
                    // JavaScript) and the server reads only that one.
                    <fieldset class="field birth-date">
                        <legend>{t!(i18n, household.member_birth_date)}</legend>
                        <div class="calendar-choice" role="radiogroup" aria-label=move || t_string!(i18n, household.birth_calendar)>
                            <label><input type="radio" id="birth-cal-gregorian" name="birth_calendar" value="gregorian" checked /> {t!(i18n, household.birth_gregorian)}</label>
                            <label><input type="radio" id="birth-cal-hijri" name="birth_calendar" value="hijri" /> {t!(i18n, household.birth_hijri)}</label>
                        </div>
                        <div class="when-gregorian">
                            <input id="member-birth" name="birth_date" type="date" min="1900-01-01" dir="ltr" data-check=FieldCheck::BirthDate.as_str() data-when="birth-cal-gregorian" aria-describedby="member-birth-hint" aria-label=move || t_string!(i18n, household.birth_gregorian) />
                            <p class="hint" id="member-birth-hint">{t!(i18n, household.member_birth_hint)}</p>
                        </div>
                        <div class="when-hijri">
                            <input id="member-birth-hijri" name="birth_date_hijri" type="text" inputmode="numeric" dir="ltr" placeholder="1405/03/12" data-check=FieldCheck::HijriBirthDate.as_str() data-when="birth-cal-hijri" aria-describedby="member-birth-hijri-hint" aria-label=move || t_string!(i18n, household.birth_hijri) />
                            <p class="hint" id="member-birth-hijri-hint">{t!(i18n, household.member_birth_hijri_hint)}</p>
                        </div>
                    </fieldset>
                    <div class="field">
                        <label for="member-id">{t!(i18n, household.member_national_id)}</label>
                        <input id="member-id" name="national_id" type="text" inputmode="numeric" dir="ltr" maxlength="14" data-check=FieldCheck::NationalId.as_str() />
                    </div>
                    <button type="submit" class="button secondary">{t!(i18n, household.add_member)}</button>
                </form>
</CheckedForm>
                <div class="actions">
                    <a class="button primary" href=next_of("members")>{t!(i18n, household.save_next)}</a>
                    <a class="button secondary" href=step_url("circumstances")>{t!(i18n, household.back)}</a>
                </div>
            }
            .into_any()
        }
        "crafts" => {
            let chosen = household
                .as_ref()
                .map(|h| h.crafts.clone())
                .unwrap_or_default();
            view! {
                <form method="post" action=SaveHouseholdCrafts::PATH class="stack">
                    <input type="hidden" name="next" value=next_of("crafts") />
                    <fieldset class="field">
                        <legend>{t!(i18n, household.crafts_label)}</legend>
                        {CRAFTS.iter().map(|c| {
                            let id = format!("craft-{c}");
                            view! {
                                <label class="choice-row">
                                    <input type="checkbox" id=id name=*c value="on" checked=chosen.iter().any(|x| x == c) />
                                    <CraftName code=c.to_string() />
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <StepButtons step="crafts" />
                </form>
            }
            .into_any()
        }
        _ => view! { <Review data /> }.into_any(),
    }
}

#[component]
fn Review(data: WizardData) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let Some(h) = data.household else {
        return view! { <p>{t!(i18n, household.draft)}</p> }.into_any();
    };
    let registered = h.status == HouseholdStatus::Registered;
    let district = h
        .district_id
        .and_then(|id| data.districts.iter().find(|d| d.id == id))
        .map(|d| {
            if english {
                d.name_en.clone()
            } else {
                d.name_ar.clone()
            }
        });
    let phone = h
        .phone
        .as_deref()
        .and_then(|p| SaudiPhone::parse(p).ok())
        .map(|p| p.local());
    let not_set = move || t_string!(i18n, household.not_set).to_string();
    view! {
        {(!h.verified).then(|| view! { <p class="alert" role="status"><Icon name=IconName::Alert />{t!(i18n, household.walk_in_notice)}</p> })}
        {if registered && h.verified {
            view! { <p class="alert alert-ok" role="status"><Icon name=IconName::Check />{t!(i18n, household.registered)}</p> }.into_any()
        } else {
            view! { <p class="muted">{t!(i18n, household.draft)}</p> }.into_any()
        }}
        <dl class="facts">
            <dt>{t!(i18n, household.head)}</dt>
            <dd>{h.head_name_ar.clone()} {h.verified.then(|| view! { " " <span class="badge ok">{t!(i18n, household.verified)}</span> })}</dd>
            <dt>{t!(i18n, household.phone_label)}</dt>
            <dd><bdi dir="ltr">{phone.unwrap_or_else(not_set)}</bdi></dd>
            <dt>{t!(i18n, household.district_label)}</dt>
            <dd>{district.unwrap_or_else(not_set)}</dd>
            <dt>{t!(i18n, household.income_label)}</dt>
            <dd>{match h.income_bracket.clone() { Some(b) => view! { <IncomeName code=b.to_string() /> }.into_any(), None => not_set().into_any() }}</dd>
            <dt>{t!(i18n, household.dependants_label)}</dt>
            <dd>{h.dependants.map(|d| d.to_string()).unwrap_or_else(not_set)}</dd>
            <dt>{t!(i18n, household.steps.members)}</dt>
            <dd>{h.members.len()}</dd>
            <dt>{t!(i18n, household.steps.crafts)}</dt>
            <dd>{h.crafts.clone().into_iter().map(|c| view! { <span class="badge"><CraftName code=c /></span> " " }).collect_view()}</dd>
        </dl>
        {(!registered).then(|| view! {
            <form method="post" action=SubmitHousehold::PATH class="stack">
                <h2>{t!(i18n, household.privacy_title)}</h2>
                <p class="small">{t!(i18n, household.privacy_text)}</p>
                <label class="choice-row" for="consent">
                    <input type="checkbox" id="consent" name="consent" value=PRIVACY_NOTICE_VERSION required />
                    {t!(i18n, household.consent_label)}
                </label>
                <button type="submit" class="button primary">{t!(i18n, household.submit)}</button>
            </form>
        })}
    }
    .into_any()
}

/// `/council/duplicates`: pairs of households that may be one, side by side.
#[component]
pub fn DuplicatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = error_from_query();
    let page =
        use_query_map().with_untracked(|q| q.get("page").and_then(|p| p.parse::<i64>().ok()));
    let data = Resource::new_blocking(|| (), move |_| super::api::get_duplicate_candidates(page));
    view! {
        <Title text=t_string!(i18n, duplicates.title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, duplicates.title)}</h1>
            <p class="muted">{t!(i18n, duplicates.intro)}</p>
            {error.map(|key| view! { <ErrorAlert key /> })}
            {crate::ui::loaded(data, |list: super::api::DuplicatePage| {
                let i18n = use_i18n();
                if list.candidates.is_empty() {
                    return view! { <p class="muted">{t!(i18n, duplicates.none)}</p> }.into_any();
                }
                let (page, pages, total) = (list.page, list.pages, list.total);
                let url = |p: i64| format!("{}?page={p}", super::DUPLICATES_PAGE);
                view! {
                    <p class="muted" id="duplicates-total">{t!(i18n, duplicates.total)} ": " <bdi>{total}</bdi></p>
                    {list.candidates.into_iter().map(|c| view! { <Candidate candidate=c /> }).collect_view()}
                    <crate::ui::Pager
                        prev=(page > 1).then(|| url(page - 1))
                        next=(page < pages).then(|| url(page + 1))
                        position=format!("{page} / {pages}")
                    />
                }
                .into_any()
            })}
        </section>
    }
}

#[component]
fn Candidate(candidate: super::DuplicateCandidate) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let id = candidate.id.to_string();
    let reasons = candidate
        .reasons
        .iter()
        .map(|r| {
            let label = match r {
                super::DuplicateReason::SamePhone => t!(i18n, duplicates.same_phone).into_any(),
                super::DuplicateReason::SharedMember => {
                    t!(i18n, duplicates.shared_member).into_any()
                }
                super::DuplicateReason::SimilarName => t!(i18n, duplicates.similar_name).into_any(),
            };
            view! { <span class="mark mark-duplicate">{label}</span> " " }
        })
        .collect_view();
    let side = move |s: &super::DuplicateSide| {
        let h = &s.household;
        let district = s
            .district_name_ar
            .as_ref()
            .map(|ar| crate::ui::pick(english, ar, s.district_name_en.as_deref().unwrap_or("")));
        view! {
            <div class="side">
                <h3>{h.head_name_ar.clone()}</h3>
                <dl class="facts">
                    <dt>{t!(i18n, account.national_id)}</dt>
                    <dd><bdi dir="ltr">{s.head_national_id_masked.clone()}</bdi></dd>
                    <dt>{t!(i18n, household.phone_label)}</dt>
                    <dd><bdi dir="ltr">{h.phone.clone().and_then(|p| SaudiPhone::parse(&p).ok()).map(|p| p.local())}</bdi></dd>
                    <dt>{t!(i18n, household.district_label)}</dt>
                    <dd>{district}</dd>
                    <dt>{t!(i18n, household.steps.members)}</dt>
                    <dd>{h.members.iter().map(|m| m.full_name.clone()).collect::<Vec<_>>().join("، ")}</dd>
                    <dt>{t!(i18n, families.lines)}</dt>
                    <dd>{s.lines}</dd>
                    <dt>{t!(i18n, families.benefits)}</dt>
                    <dd>{s.benefits}</dd>
                </dl>
            </div>
        }
    };
    view! {
        <article class="candidate" data-candidate-id=id.clone()>
            <p>{reasons} <span class="muted small">{t!(i18n, duplicates.score)} " " {candidate.score}</span></p>
            <div class="side-by-side">
                {side(&candidate.a)}
                {side(&candidate.b)}
            </div>
            <div class="actions">
                <form method="post" action=super::api::DecideDuplicate::PATH class="inline-form">
                    <input type="hidden" name="candidate_id" value=id.clone() />
                    <input type="hidden" name="decision" value="same" />
                    <button type="submit" class="button primary">{t!(i18n, duplicates.same)}</button>
                </form>
                <form method="post" action=super::api::DecideDuplicate::PATH class="inline-form">
                    <input type="hidden" name="candidate_id" value=id.clone() />
                    <input type="hidden" name="decision" value="different" />
                    <button type="submit" class="button secondary">{t!(i18n, duplicates.different)}</button>
                </form>
            </div>
        </article>
    }
}

/// `/association/walk-in`: staff register a family that came in person.
#[component]
pub fn WalkInPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let city = query.with_untracked(|q| q.get("city").and_then(|c| c.parse::<i64>().ok()));
    let registered = query.with_untracked(|q| q.get("registered"));
    // The new household's number: links to its file and to the counter application.
    let household = registered.as_deref().and_then(|r| r.parse::<i64>().ok());
    let error = error_from_query();
    let data = Resource::new_blocking(|| (), move |_| super::api::get_walk_in_form(city));
    view! {
            <Title text=t_string!(i18n, walk_in.title).to_string() />
            <section class="card narrow">
                <h1>{t!(i18n, walk_in.title)}</h1>
                <p class="muted">{t!(i18n, walk_in.intro)}</p>
                {signed_in_user()
                    .is_some_and(|u| u.is_council_admin() || !u.administered_association_ids().is_empty())
                    .then(|| view! { <p><a href=crate::paths::IMPORTS_PAGE>{t!(i18n, imports.walk_in_link)}</a></p> })}
                {registered.is_some().then(|| view! { <p class="alert alert-ok" role="status"><Icon name=IconName::Check />{t!(i18n, walk_in.done)}</p> })}
                {household.map(|id| view! {
                    <p class="actions">
                        <a class="button primary" href=format!("{}/{id}/apply", crate::paths::HOUSEHOLD_FILE_PAGE)>{t!(i18n, counter.apply_link)}</a>
                        " "
                        <a class="button secondary" href=format!("{}/{id}", crate::paths::HOUSEHOLD_FILE_PAGE)>{t!(i18n, counter.file_link)}</a>
                    </p>
                })}
                {error.map(|key| view! { <ErrorAlert key id="walk-in-error" /> })}
                {crate::ui::loaded(data, |data: WizardData| {
                    let i18n = use_i18n();
                    let english = is_english();
                    let city_id = data.city_id;
                    view! {
                        <form method="get" action=super::WALK_IN_PAGE class="filters">
                            <div class="field">
                                <label for="city">{t!(i18n, household.city_label)}</label>
                                <select id="city" name="city">
                                    {data.cities.iter().map(|c| view! {
                                        <option value=c.id.to_string() selected=city_id == Some(c.id)>{crate::ui::pick(english, &c.name_ar, &c.name_en)}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <button type="submit" class="button secondary">{t!(i18n, household.choose_city)}</button>
                        </form>
                        {(!data.districts.is_empty()).then(|| view! {
                            <CheckedForm messages=check_messages(&[FieldCheck::NationalId, FieldCheck::Phone])>
    <form method="post" action=super::api::RegisterWalkIn::PATH class="stack">
                                <div class="field">
                                    <label for="national-id">{t!(i18n, walk_in.national_id)}</label>
                                    <input id="national-id" name="national_id" type="text" inputmode="numeric" dir="ltr" required data-check=FieldCheck::NationalId.as_str() aria-describedby="walk-in-error" />
                                </div>
                                <div class="field">
                                    <label for="head-name">{t!(i18n, walk_in.head_name)}</label>
                                    <input id="head-name" name="head_name" type="text" required maxlength="120" />
                                </div>
                                <div class="field">
                                    <label for="phone">{t!(i18n, household.phone_label)}</label>
                                    <input id="phone" name="phone" type="tel" inputmode="tel" dir="ltr" required data-check=FieldCheck::Phone.as_str() />
                                </div>
                                <div class="field">
                                    <label for="district">{t!(i18n, household.district_label)}</label>
                                    <select id="district" name="district_id" required>
                                        {data.districts.iter().map(|d| view! {
                                            <option value=d.id.to_string()>{crate::ui::pick(english, &d.name_ar, &d.name_en)}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <button type="submit" class="button primary">{t!(i18n, walk_in.save)}</button>
                            </form>
    </CheckedForm>
                        })}
                    }
                })}
            </section>
        }
}
