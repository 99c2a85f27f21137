//! The counter (issue 21 §2 and §8): staff apply for a household, the head
//! confirms or declines on their next sign-in, the household's file and an
//! application's receipt print on A4.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::super::api::{
    AnswerCounterApplication, CounterApplyForm, HouseholdFile, Receipt, get_counter_applications,
    get_counter_apply_form, get_household_file, get_receipt,
};
use super::super::{
    HOUSEHOLD_FILE_PAGE, HeadConfirmation, MY_APPLICATIONS_PAGE, RECEIPT_PAGE, line_url,
};
use super::family::Apply;
use super::{BenefitList, StateBadge};
use crate::i18n::*;
use crate::paths::COUNTER_APPLY_SEND;
use crate::registry::pages::RelationName;
use crate::time::format_date;
use crate::ui::{
    DataTable, DualDate, ErrorAlert, Icon, IconName, error_from_query, id_param, is_english,
    loaded, pick,
};

/// The "awaiting the head's confirmation" mark.
#[component]
pub fn AwaitingMark() -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class="mark mark-overlap" data-testid="awaiting-head">{t!(i18n, counter.awaiting_head)}</span> }
}

/// `/association/households/<id>/apply`: staff fill the family's form.
#[component]
pub fn CounterApplyPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let error = error_from_query();
    let draft = use_query_map().with_untracked(|q| q.get("draft"));
    let data = Resource::new_blocking(
        || (),
        move |_| {
            let draft = draft.clone();
            async move {
                match id {
                    Some(id) => get_counter_apply_form(id, draft).await,
                    None => Err(crate::error::AppError::NotFound),
                }
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, counter.apply_title).to_string() />
        <section class="card narrow">
            <h1>{t!(i18n, counter.apply_title)}</h1>
            {error.map(|key| view! { <ErrorAlert key id="apply-error" /> })}
            {loaded(data, |data| view! { <CounterApply data /> })}
        </section>
    }
}

#[component]
fn CounterApply(data: CounterApplyForm) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let h = data.household;
    let district = h
        .district_name_ar
        .as_ref()
        .map(|ar| pick(english, ar, h.district_name_en.as_deref().unwrap_or("")));
    view! {
        <dl class="facts">
            <dt>{t!(i18n, queue.head)}</dt>
            <dd>{h.head_name_ar.clone()} " · " <bdi dir="ltr">{h.head_national_id_masked.clone()}</bdi>
                {(!h.verified).then(|| view! { " " <span class="mark mark-gap">{t!(i18n, line.not_verified)}</span> })}</dd>
            <dt>{t!(i18n, coverage.district)}</dt>
            <dd>{district}</dd>
        </dl>
        <p class="alert" role="note"><Icon name=IconName::Alert />{t!(i18n, counter.apply_intro)}</p>
        <Apply
            form=data.form
            action=COUNTER_APPLY_SEND
            back=format!("{HOUSEHOLD_FILE_PAGE}/{}", h.id)
            household_id=h.id
        />
    }
}

/// The applications made for the signed-in head at the counter, each with
/// "confirm" and "decline" (plain forms); nothing when there are none. On
/// the account page (where Nafath sign-in lands) and "My applications".
#[component]
pub fn CounterAnswers() -> impl IntoView {
    let i18n = use_i18n();
    let pending = Resource::new_blocking(|| (), |_| get_counter_applications());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let pending = pending.await.unwrap_or_default();
                let english = is_english();
                (!pending.is_empty()).then(|| view! {
                    <section class="card notice counter-answers" id="counter-applications">
                        <h2>{t!(i18n, counter.confirm_title)}</h2>
                        <p>{t!(i18n, counter.confirm_intro)}</p>
                        <ul class="lines">
                            {pending.into_iter().map(|a| {
                                let id = a.application_id.to_string();
                                let types = a.types.iter().map(|(ar, en)| pick(english, ar, en)).collect::<Vec<_>>().join("، ");
                                view! {
                                    <li class="line" data-application=id.clone()>
                                        <p><strong>{types}</strong></p>
                                        <p class="muted small">
                                            {pick(english, &a.association_name_ar, &a.association_name_en)} " · "
                                            <DualDate unix=a.created_at /> " · "
                                            <a href=format!("{RECEIPT_PAGE}/{id}")>{a.reference.clone()}</a>
                                        </p>
                                        <div class="actions">
                                            <form method="post" action=AnswerCounterApplication::PATH class="inline-form">
                                                <input type="hidden" name="application_id" value=id.clone() />
                                                <input type="hidden" name="confirm" value="true" />
                                                <button type="submit" class="button primary small">{t!(i18n, counter.confirm)}</button>
                                            </form>
                                            <form method="post" action=AnswerCounterApplication::PATH class="inline-form">
                                                <input type="hidden" name="application_id" value=id.clone() />
                                                <input type="hidden" name="confirm" value="false" />
                                                <button type="submit" class="button secondary small">{t!(i18n, counter.decline)}</button>
                                            </form>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}

/// What the head's answer did (`?counter=confirmed|declined` on "My applications").
#[component]
pub fn CounterAnswered() -> impl IntoView {
    let i18n = use_i18n();
    let answered = use_query_map().with_untracked(|q| q.get("counter"));
    answered.map(|a| {
        let text = if a == "declined" {
            t!(i18n, counter.declined_ok).into_any()
        } else {
            t!(i18n, counter.confirmed_ok).into_any()
        };
        view! { <div class="alert alert-ok" role="status"><Icon name=IconName::Check /><span>{text}</span></div> }
    })
}

/// `/association/households/<id>`: the household's file (printable, A4 portrait).
#[component]
pub fn HouseholdFilePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let data = Resource::new_blocking(
        || (),
        move |_| async move {
            match id {
                Some(id) => get_household_file(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, counter.file_title).to_string() />
        <article class="card wide print-doc household-file">
            {loaded(data, |file| view! { <FileBody file /> })}
        </article>
    }
}

#[component]
fn FileBody(file: HouseholdFile) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let h = file.household.clone();
    let district = h
        .district_name_ar
        .as_ref()
        .map(|ar| pick(english, ar, h.district_name_en.as_deref().unwrap_or("")));
    let members = file
        .members
        .iter()
        .map(|m| {
            view! {
                <tr>
                    <td>{m.full_name.clone()}</td>
                    <td><RelationName code=m.relation.clone() /></td>
                    <td class="date"><bdi dir="ltr">{m.birth_date.clone()}</bdi></td>
                    <td><bdi dir="ltr">{m.national_id.clone()}</bdi></td>
                </tr>
            }
        })
        .collect_view();
    let lines = file
        .lines
        .iter()
        .map(|l| {
            view! {
                <tr>
                    <td><a href=line_url(l.id)>{pick(english, &l.type_name_ar, &l.type_name_en)} " #" {l.id}</a></td>
                    <td><StateBadge state=l.state /> {l.awaiting_head().then(|| view! { " " <AwaitingMark /> })}</td>
                    <td><DualDate unix=l.created_at /></td>
                    <td class="need">{l.description.clone()}</td>
                    <td><a href=format!("{RECEIPT_PAGE}/{}", l.application_id)>{super::super::reference_number(l.application_id)}</a></td>
                </tr>
            }
        })
        .collect_view();
    let elsewhere = file
        .elsewhere
        .iter()
        .map(|l| {
            view! {
                <li>
                    {pick(english, &l.type_name_ar, &l.type_name_en)} " · " <StateBadge state=l.state />
                    {l.awaiting_head.then(|| view! { " " <AwaitingMark /> })}
                    {l.association_name_ar.as_ref().map(|ar| view! {
                        " · " {pick(english, ar, l.association_name_en.as_deref().unwrap_or(""))}
                    })}
                </li>
            }
        })
        .collect_view();
    let notes = file
        .notes
        .iter()
        .map(|n| {
            view! {
                <li>
                    <p>{n.body.clone()}</p>
                    <p class="muted small">"#" {n.line_id} " · " {n.author_name.clone()} " · " <span class="date">{format_date(n.created_at)}</span></p>
                </li>
            }
        })
        .collect_view();
    let apply = format!("{HOUSEHOLD_FILE_PAGE}/{}/apply", h.id);
    view! {
        <header class="print-head">
            <p class="muted small">{pick(english, &file.association_name_ar, &file.association_name_en)}</p>
            <h1>{t!(i18n, counter.file_title)} " — " {h.head_name_ar.clone()}</h1>
            <p class="muted small">{t!(i18n, counter.printed_on)} " " <DualDate unix=file.read_at /> " · " {t!(i18n, counter.household_number)} " " <bdi dir="ltr">{h.id}</bdi></p>
        </header>
        <p class="actions no-print">
            <a class="button primary" href=apply>{t!(i18n, counter.apply_link)}</a>
            <span class="muted small">{t!(i18n, counter.print_hint)}</span>
        </p>
        {(!h.verified).then(|| view! {
            <p class="alert" role="note"><Icon name=IconName::Alert />
                {if file.walked_in_here { t!(i18n, counter.walk_in_unconfirmed).into_any() } else { t!(i18n, line.not_verified).into_any() }}
            </p>
        })}
        <h2>{t!(i18n, line.household)}</h2>
        <dl class="facts">
            <dt>{t!(i18n, queue.head)}</dt>
            <dd>{h.head_name_ar.clone()} " · " <bdi dir="ltr">{h.head_national_id_masked.clone()}</bdi></dd>
            <dt>{t!(i18n, household.phone_label)}</dt>
            <dd><bdi dir="ltr">{file.phone.clone()}</bdi></dd>
            <dt>{t!(i18n, coverage.district)}</dt>
            <dd>{district} {file.address.clone().map(|a| view! { " · " {a} })}</dd>
            <dt>{t!(i18n, household.dependants_label)}</dt>
            <dd>{file.dependants}</dd>
        </dl>
        <h2>{t!(i18n, household.steps.members)}</h2>
        {if file.members.is_empty() {
            view! { <p class="muted">{t!(i18n, counter.no_members)}</p> }.into_any()
        } else {
            view! {
                <DataTable class="print-table">
                    <thead><tr>
                        <th scope="col">{t!(i18n, counter.member_name)}</th>
                        <th scope="col">{t!(i18n, counter.member_relation)}</th>
                        <th scope="col">{t!(i18n, counter.member_birth)}</th>
                        <th scope="col">{t!(i18n, counter.member_id)}</th>
                    </tr></thead>
                    <tbody>{members}</tbody>
                </DataTable>
            }.into_any()
        }}
        <h2>{t!(i18n, counter.lines_here)}</h2>
        {if file.lines.is_empty() {
            view! { <p class="muted">{t!(i18n, applications.no_lines)}</p> }.into_any()
        } else {
            view! {
                <DataTable class="print-table">
                    <thead><tr>
                        <th scope="col">{t!(i18n, counter.line_type)}</th>
                        <th scope="col">{t!(i18n, counter.line_state)}</th>
                        <th scope="col">{t!(i18n, line.submitted_on)}</th>
                        <th scope="col">{t!(i18n, line.need)}</th>
                        <th scope="col">{t!(i18n, counter.reference)}</th>
                    </tr></thead>
                    <tbody>{lines}</tbody>
                </DataTable>
            }.into_any()
        }}
        {(!file.elsewhere.is_empty()).then(|| view! {
            <h2>{t!(i18n, line.other_lines)}</h2>
            <ul>{elsewhere}</ul>
        })}
        <h2>{t!(i18n, applications.benefits)}</h2>
        {if file.benefits.is_empty() {
            view! { <p class="muted">{t!(i18n, line.no_benefits)}</p> }.into_any()
        } else {
            view! { <BenefitList benefits=file.benefits.clone() /> }.into_any()
        }}
        <h2>{t!(i18n, line.notes)}</h2>
        <p class="muted small">{t!(i18n, line.notes_private)}</p>
        {if file.notes.is_empty() {
            view! { <p class="muted">{t!(i18n, counter.no_notes)}</p> }.into_any()
        } else {
            view! { <ul class="notes">{notes}</ul> }.into_any()
        }}
    }
}

/// `/applications/receipts/<id>`: the receipt a family can show (printable).
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let made = use_query_map().with_untracked(|q| q.get("made").is_some());
    let data = Resource::new_blocking(
        || (),
        move |_| async move {
            match id {
                Some(id) => get_receipt(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, counter.receipt_title).to_string() />
        <article class="card narrow print-doc receipt">
            {made.then(|| view! {
                <div class="alert alert-ok no-print" role="status"><Icon name=IconName::Check /><span>{t!(i18n, counter.made_ok)}</span></div>
            })}
            {loaded(data, |receipt| view! { <ReceiptBody receipt /> })}
        </article>
    }
}

#[component]
fn ReceiptBody(receipt: Receipt) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let lines = receipt
        .lines
        .iter()
        .map(|l| {
            view! {
                <tr>
                    <td>{pick(english, &l.type_name_ar, &l.type_name_en)}</td>
                    <td><StateBadge state=l.state /></td>
                    <td>{match &l.association_name_ar {
                        Some(ar) => pick(english, ar, l.association_name_en.as_deref().unwrap_or("")).into_any(),
                        None => t!(i18n, applications.with_council).into_any(),
                    }}</td>
                </tr>
            }
        })
        .collect_view();
    let made_by = receipt.made_by_name_ar.as_ref().map(|ar| {
        pick(
            english,
            ar,
            receipt.made_by_name_en.as_deref().unwrap_or(""),
        )
    });
    let back = if receipt.for_staff {
        format!("{HOUSEHOLD_FILE_PAGE}/{}", receipt.household_id)
    } else {
        MY_APPLICATIONS_PAGE.to_string()
    };
    view! {
        <header class="print-head">
            <p class="muted small">{t!(i18n, site.name)}</p>
            <h1>{t!(i18n, counter.receipt_title)}</h1>
        </header>
        <dl class="facts receipt-facts">
            <dt>{t!(i18n, counter.reference)}</dt>
            <dd><strong class="reference" dir="ltr" data-testid="reference">{receipt.reference.clone()}</strong></dd>
            <dt>{t!(i18n, counter.date)}</dt>
            <dd><DualDate unix=receipt.created_at /></dd>
            <dt>{t!(i18n, queue.head)}</dt>
            <dd>{receipt.head_name_ar.clone()}</dd>
            {made_by.map(|name| view! {
                <dt>{t!(i18n, counter.made_by)}</dt>
                <dd>{name} " · " {match receipt.head_confirmation {
                    Some(HeadConfirmation::Pending) => view! { <AwaitingMark /> }.into_any(),
                    Some(HeadConfirmation::Confirmed) => view! { <span class="mark mark-ok">{t!(i18n, counter.confirmed)}</span> }.into_any(),
                    _ => view! { <span class="mark mark-gap">{t!(i18n, counter.declined)}</span> }.into_any(),
                }}</dd>
            })}
        </dl>
        <DataTable class="print-table">
            <thead><tr>
                <th scope="col">{t!(i18n, counter.line_type)}</th>
                <th scope="col">{t!(i18n, counter.line_state)}</th>
                <th scope="col">{t!(i18n, counter.association)}</th>
            </tr></thead>
            <tbody>{lines}</tbody>
        </DataTable>
        <p class="small muted">{t!(i18n, counter.receipt_note)}</p>
        <p class="actions no-print">
            <a class="button secondary" href=back>{t!(i18n, counter.back)}</a>
            <span class="muted small">{t!(i18n, counter.print_hint)}</span>
        </p>
    }
}
