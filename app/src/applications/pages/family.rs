//! The family's pages: the application form and "my applications".

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::super::api::{
    ApplyDraft, ApplyForm, MyApplications, WithdrawLine, get_apply_form, get_my_applications,
};
use super::super::{APPLY_PAGE, LineState, MY_APPLICATIONS_PAGE};
use super::documents::{AddDocument, DocumentInputs, DocumentLinks, FieldNote, described};
use super::{BenefitList, StateBadge, association_of};
use crate::checks::FieldCheck;
use crate::i18n::*;
use crate::paths::APPLY_SEND;
use crate::time::format_date;
use crate::ui::{
    CheckedForm, DualDate, ErrorAlert, Icon, IconName, check_messages, error_from_query,
    is_english, loaded, pick,
};

/// `/applications`: the family's lines, notifications and benefits.
#[component]
pub fn MyApplicationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let submitted = use_query_map().with_untracked(|q| q.get("submitted").is_some());
    let added = use_query_map().with_untracked(|q| q.get("document_added").is_some());
    let error = error_from_query();
    let data = Resource::new_blocking(|| (), |_| get_my_applications());
    view! {
        <Title text=t_string!(i18n, applications.mine_title).to_string() />
        <section class="card narrow">
            <h1>{t!(i18n, applications.mine_title)}</h1>
            {submitted.then(|| view! {
                <div class="alert alert-ok" role="status">
                    <Icon name=IconName::Check />
                    <span>{t!(i18n, applications.submitted_ok)}</span>
                </div>
            })}
            {added.then(|| view! {
                <div class="alert alert-ok" role="status" id="document-added">
                    <Icon name=IconName::Check />
                    <span>{t!(i18n, documents.added_ok)}</span>
                </div>
            })}
            <super::counter::CounterAnswered />
            {error.map(|key| view! { <ErrorAlert key id="applications-error" /> })}
            <super::counter::CounterAnswers />
            {loaded(data, |mine| view! { <Mine mine /> })}
        </section>
    }
}

/// Shown instead of applications until the household is registered.
#[component]
fn RegisterFirst() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p>{t!(i18n, applications.register_first)}</p>
        <a class="button primary" href=crate::paths::WIZARD_PAGE>{t!(i18n, household.nav_link)}</a>
    }
}

#[component]
fn Mine(mine: MyApplications) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    if !mine.registered {
        return view! { <RegisterFirst /> }.into_any();
    }
    let notifications = mine
        .notifications
        .iter()
        .map(|n| {
            view! {
                <li class:unread=!n.read>
                    {pick(english, &n.type_name_ar, &n.type_name_en)} " · " <StateBadge state=n.state />
                    " " <span class="muted small date">{format_date(n.created_at)}</span>
                </li>
            }
        })
        .collect_view();
    let lines = mine
        .lines
        .iter()
        .map(|line| {
            let withdrawable = matches!(
                line.state,
                LineState::Submitted | LineState::InReview | LineState::Referred
            );
            let id = line.id.to_string();
            let documents: Vec<_> = mine
                .documents
                .iter()
                .filter(|d| d.line_id == line.id)
                .cloned()
                .collect();
            // An open line takes a missing or an extra document of its type.
            let kinds: Vec<_> = mine
                .document_kinds
                .iter()
                .filter(|k| line.state.takes_documents() && k.assistance_type_id == line.assistance_type_id)
                .cloned()
                .collect();
            view! {
                <li class="line" data-line-id=id.clone()>
                    <div class="line-head">
                        <strong>{pick(english, &line.type_name_ar, &line.type_name_en)}</strong>
                        <StateBadge state=line.state />
                        {line.awaiting_head().then(|| view! { <super::counter::AwaitingMark /> })}
                    </div>
                    <p class="muted small">
                        {match association_of(line, english) {
                            Some(name) => view! { {t!(i18n, applications.with_association)} " " <span class="association">{name}</span> }.into_any(),
                            None => t!(i18n, applications.with_council).into_any(),
                        }}
                        " · " <DualDate unix=line.created_at />
                        " · " <a href=format!("{}/{}", super::super::RECEIPT_PAGE, line.application_id)>{t!(i18n, counter.receipt_link)}</a>
                    </p>
                    {line.decision_reason.clone().map(|r| view! { <p class="reason">{t!(i18n, applications.reason)} ": " {r}</p> })}
                    {(!documents.is_empty()).then(|| view! { <DocumentLinks documents /> })}
                    {(!kinds.is_empty()).then(|| view! { <AddDocument line_id=line.id kinds /> })}
                    {withdrawable.then(|| view! {
                        <form method="post" action=WithdrawLine::PATH class="inline-form">
                            <input type="hidden" name="line_id" value=id.clone() />
                            <button type="submit" class="button small secondary">{t!(i18n, applications.withdraw)}</button>
                        </form>
                    })}
                </li>
            }
        })
        .collect_view();
    let acts_for = mine.acts_for.clone().map(|head| {
        view! { <p class="alert alert-ok" role="status" id="acts-for">{t!(i18n, delegates.acts_for, head = move || head.clone())}</p> }
    });
    view! {
        {acts_for}
        <p><a class="button primary" href=APPLY_PAGE>{t!(i18n, applications.apply_link)}</a></p>
        {(!mine.notifications.is_empty()).then(|| view! {
            <h2>{t!(i18n, applications.notifications)}</h2>
            <ul class="notifications">{notifications}</ul>
        })}
        <h2>{t!(i18n, applications.lines)}</h2>
        {if mine.lines.is_empty() {
            view! { <p class="muted">{t!(i18n, applications.no_lines)}</p> }.into_any()
        } else {
            view! { <ul class="lines">{lines}</ul> }.into_any()
        }}
        {(!mine.benefits.is_empty()).then(|| view! {
            <h2>{t!(i18n, applications.benefits)}</h2>
            <BenefitList benefits=mine.benefits.clone() />
        })}
    }
    .into_any()
}

/// `/applications/new`: choose assistance types, describe the need.
#[component]
pub fn ApplyPage() -> impl IntoView {
    let i18n = use_i18n();
    let error = error_from_query();
    let draft = use_query_map().with_untracked(|q| q.get("draft"));
    let data = Resource::new_blocking(|| (), move |_| get_apply_form(draft.clone()));
    view! {
        <Title text=t_string!(i18n, applications.apply_title).to_string() />
        <section class="card narrow">
            <h1>{t!(i18n, applications.apply_title)}</h1>
            {error.map(|key| view! { <ErrorAlert key id="apply-error" /> })}
            {loaded(data, |form| view! { <Apply form action=APPLY_SEND back=MY_APPLICATIONS_PAGE.to_string() /> })}
        </section>
    }
}

/// The application form: the family's own (`/applications/new`) and the
/// counter's (staff for a household, `household_id` set), posting to `action`.
#[component]
pub(super) fn Apply(
    form: ApplyForm,
    action: &'static str,
    back: String,
    #[prop(optional)] household_id: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let draft = form.draft.clone().unwrap_or_default();
    if !form.ready {
        return match household_id {
            None => view! { <RegisterFirst /> }.into_any(),
            Some(_) => view! { <p class="alert" role="note">{t!(i18n, counter.no_district)}</p> }
                .into_any(),
        };
    }
    let choices = form
        .choices
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let t = &choice.assistance_type;
            let name = pick(english, &t.name_ar, &t.name_en);
            let field = |f: &str| format!("lines[{i}][{f}]");
            let id = |f: &str| format!("line-{i}-{f}");
            if let Some(active) = &choice.active {
                let place = association_of(active, english);
                // The type id keeps the form's line indices contiguous; unchosen lines are ignored.
                return view! {
                    <fieldset class="field choice-block taken">
                        <legend>{name}</legend>
                        <input type="hidden" name=field("assistance_type_id") value=t.id.to_string() />
                        <p class="muted">
                            {t!(i18n, applications.already_active)} " " <StateBadge state=active.state />
                            {place.map(|p| view! { " · " {t!(i18n, applications.with_association)} " " {p} })}
                        </p>
                    </fieldset>
                }
                .into_any();
            }
            if let Some(until) = choice.cooldown_until {
                let on = crate::time::format_date(until);
                let hijri = crate::time::format_hijri(until);
                return view! {
                    <fieldset class="field choice-block taken">
                        <legend>{name}</legend>
                        <input type="hidden" name=field("assistance_type_id") value=t.id.to_string() />
                        <p class="muted" data-testid="cooldown-until">
                            {t!(i18n, applications.cooldown_until, date = move || on.clone(), hijri = move || hijri.clone())}
                        </p>
                    </fieldset>
                }
                .into_any();
            }
            let financing = t.asks_amount;
            // What was typed when the server refused the form (`?draft=`).
            let typed = draft.line(t.id).cloned().unwrap_or_default();
            let description_error = draft.error_at(&ApplyDraft::line_field(t.id, "description"));
            let amount_error = draft.error_at(&ApplyDraft::line_field(t.id, "amount"));
            view! {
                <fieldset class="field choice-block">
                    <legend class="visually-hidden">{name.clone()}</legend>
                    <input type="hidden" name=field("assistance_type_id") value=t.id.to_string() />
                    <label class="choice-row">
                        <input type="checkbox" name=field("chosen") value="1" id=id("chosen") checked=typed.chosen.is_some().then_some("") />
                        " " {name}
                    </label>
                    // Shown once the type is chosen (style/base.css, `.choice-details`).
                    <div class="choice-details">
                        <label for=id("description")>{t!(i18n, applications.description_label)}</label>
                        <textarea id=id("description") name=field("description") rows="3" maxlength="1000" aria-required="true" data-check=FieldCheck::Description.as_str() data-when=id("chosen")
                            aria-invalid=description_error.map(|_| "true") aria-describedby=described(&id("description"), description_error)>{typed.description.clone()}</textarea>
                        <FieldNote input=id("description") error=description_error />
                        {financing.then(|| view! {
                            <label for=id("amount")>{t!(i18n, applications.amount_label)}</label>
                            <input id=id("amount") name=field("amount") type="text" inputmode="decimal" dir="ltr" data-check=FieldCheck::Amount.as_str() data-when=id("chosen")
                                value=typed.amount.clone().unwrap_or_default() aria-invalid=amount_error.map(|_| "true") aria-describedby=described(&id("amount"), amount_error) />
                            <FieldNote input=id("amount") error=amount_error />
                        })}
                        <DocumentInputs kinds=choice.documents.clone() line=i draft=draft.clone() />
                    </div>
                </fieldset>
            }
            .into_any()
        })
        .collect_view();
    let files_again = (!draft.files.is_empty()).then(|| {
        view! { <p class="alert" role="note" id="files-again"><Icon name=IconName::Alert />{t!(i18n, documents.files_again)}</p> }
    });
    view! {
        <p class="muted">{t!(i18n, applications.apply_intro)}</p>
        {files_again}
<CheckedForm messages=check_messages(&[FieldCheck::Description, FieldCheck::Amount])>
        // Multipart: it carries the documents (`http_documents`), the
        // family's and the counter's alike.
        <form method="post" action=action enctype="multipart/form-data" class="stack">
            <input type="hidden" name="submission_key" value=form.submission_key.clone() />
            {household_id.map(|id| view! { <input type="hidden" name="household_id" value=id.to_string() /> })}
            {choices}
            <div class="actions">
                <button type="submit" class="button primary">{t!(i18n, applications.submit)}</button>
                {match household_id {
                    None => view! { <a class="button secondary" href=back>{t!(i18n, applications.mine_title)}</a> }.into_any(),
                    Some(_) => view! { <a class="button secondary" href=back>{t!(i18n, counter.file_link)}</a> }.into_any(),
                }}
            </div>
        </form>
</CheckedForm>
    }
    .into_any()
}
