//! `/association/financing/files/<id>`: one financing file, step by step —
//! documents, eligibility, referral, approval (warned at the exposure
//! limit), disbursement with the association's guarantee, repayments.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::api::{
    AddLoanGuarantee, ApproveLoan, CheckFinancingEligibility, DisburseLoan, EnterRepayment,
    RecordFinancingDocument, RecordGuaranteeCall, ReferFinancingFile, RescheduleLoan, WriteOffLoan,
    get_financing_file,
};
use super::labels::{DocumentText, ReferralText, RuleResult};
use super::pages::LoanView;
use super::{DocumentKind, FileDetail, LoanStatus};
use crate::i18n::*;
use crate::paths::{FINANCING_DOCUMENT_FILES, FINANCING_DOCUMENT_UPLOAD, FINANCING_PAGE};
use crate::registry::pages::CraftName;
use crate::ui::{ErrorAlert, Price, error_from_query, id_param, loaded};

/// The file page.
#[component]
pub fn FinancingFilePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param().unwrap_or(0);
    let data = Resource::new_blocking(|| (), move |_| get_financing_file(id));
    view! {
        <Title text=t_string!(i18n, financing.file_title).to_string() />
        <section class="card wide financing">
            <p><a href=FINANCING_PAGE>{t!(i18n, financing.back)}</a></p>
            <h1>{t!(i18n, financing.file_title)}</h1>
            {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |file| view! { <File file /> })}
        </section>
    }
}

#[component]
fn File(file: FileDetail) -> impl IntoView {
    let i18n = use_i18n();
    let id = file.file_id.to_string();
    let may_act = file.may_act;
    let loan_status = file.loan.as_ref().map(|l| l.summary.status);
    let certificate_held = file
        .documents
        .iter()
        .any(|d| d.kind == DocumentKind::Certificate);
    let projected_over = file
        .limit
        .is_some_and(|l| file.exposure + file.requested > l);
    view! {
        <dl class="figures">
            <div><dt>{t!(i18n, financing.family)}</dt><dd>{file.head_name_ar.clone()}</dd></div>
            <div><dt>{t!(i18n, financing.activity)}</dt><dd><CraftName code=file.activity.clone() /></dd></div>
            <div><dt>{t!(i18n, financing.requested)}</dt><dd><Price halalas=file.requested /></dd></div>
            <div><dt>{t!(i18n, financing.months)}</dt><dd>{file.months}</dd></div>
            <div><dt>{t!(i18n, financing.monthly_income)}</dt><dd><Price halalas=file.monthly_income /></dd></div>
        </dl>

        <h2>{t!(i18n, financing.documents)}</h2>
        <ul class="documents" data-testid="documents">
            {DocumentKind::ALL.into_iter().map(|kind| {
                let held = file.documents.iter().find(|d| d.kind == kind).cloned();
                let is_held = held.is_some().to_string();
                view! {
                    <li data-document=kind.as_str() data-held=is_held>
                        <DocumentText kind />
                        {match held {
                            Some(d) => view! {
                                " · " {t!(i18n, financing.received)} " " <span class="date">{d.received_on}</span>
                                {d.expires_on.map(|e| view! { " · " {t!(i18n, financing.expires)} " " <span class="date">{e}</span> })}
                            }.into_any(),
                            None => view! { " · " <span class="muted">{t!(i18n, financing.missing)}</span> }.into_any(),
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
        {(!file.uploads.is_empty()).then(|| view! {
            <h3>{t!(i18n, financing.uploads)}</h3>
            <ul class="uploads" data-testid="uploads">
                {file.uploads.iter().map(|u| view! {
                    <li data-upload=u.kind.as_str() data-format=u.format.as_str()>
                        <DocumentText kind=u.kind /> " · "
                        <a href=format!("{FINANCING_DOCUMENT_FILES}/{}", u.id) download>{t!(i18n, financing.download)}</a>
                        " · " {u.format.as_str().to_uppercase()} " · " {format!("{} KB", (u.size + 1023) / 1024)}
                    </li>
                }).collect_view()}
            </ul>
        })}
        {may_act.then(|| view! {
            <form method="post" action=FINANCING_DOCUMENT_UPLOAD enctype="multipart/form-data" class="stack upload-form">
                <input type="hidden" name="file_id" value=id.clone() />
                <label for="up-kind">{t!(i18n, financing.document)}</label>
                <select id="up-kind" name="kind">
                    {DocumentKind::ALL.into_iter().map(|kind| view! { <option value=kind.as_str()><DocumentText kind /></option> }).collect_view()}
                </select>
                <label for="up-file">{t!(i18n, financing.upload_document)}</label>
                <input id="up-file" name="document" type="file" required accept=".pdf,application/pdf,image/jpeg,image/png,image/webp" />
                <button type="submit" class="button secondary">{t!(i18n, financing.upload)}</button>
            </form>
        })}
        {(may_act && file.referral.is_none()).then(|| view! {
            <form method="post" action=RecordFinancingDocument::PATH class="stack document-form">
                <input type="hidden" name="file_id" value=id.clone() />
                <label for="doc-kind">{t!(i18n, financing.document)}</label>
                <select id="doc-kind" name="kind">
                    {DocumentKind::ALL.into_iter().map(|kind| view! { <option value=kind.as_str()><DocumentText kind /></option> }).collect_view()}
                </select>
                <label for="doc-received">{t!(i18n, financing.received)}</label>
                <input id="doc-received" name="received_on" type="date" required value=file.today.clone() />
                <label for="doc-expires">{t!(i18n, financing.expires_hint)}</label>
                <input id="doc-expires" name="expires_on" type="date" />
                <button type="submit" class="button secondary">{t!(i18n, financing.record_document)}</button>
            </form>
        })}

        <h2>{t!(i18n, financing.eligibility)}</h2>
        {match file.eligibility.clone() {
            Some(results) => view! {
                <p class={if file.eligible == Some(true) { "notice" } else { "notice overdue" }} data-testid="eligibility" data-eligible=file.eligible.unwrap_or(false).to_string()>
                    {if file.eligible == Some(true) { t!(i18n, financing.eligible).into_any() } else { t!(i18n, financing.not_eligible).into_any() }}
                </p>
                <ul class="rules">
                    {results.into_iter().map(|(rule, passed)| view! { <RuleResult rule passed /> }).collect_view()}
                </ul>
            }.into_any(),
            None => view! { <p class="muted">{t!(i18n, financing.not_checked)}</p> }.into_any(),
        }}
        {(may_act && file.referral.is_none()).then(|| view! {
            <form method="post" action=CheckFinancingEligibility::PATH>
                <input type="hidden" name="file_id" value=id.clone() />
                {(!certificate_held).then(|| view! { <p class="small muted">{t!(i18n, financing.certificate_first)}</p> })}
                <button type="submit" class="button secondary">{t!(i18n, financing.check)}</button>
            </form>
        })}

        <h2>{t!(i18n, financing.referral)}</h2>
        {match file.referral {
            Some(referral) => view! { <p data-testid="referral"><ReferralText referral /></p> }.into_any(),
            None if may_act && file.eligible == Some(true) => view! {
                <form method="post" action=ReferFinancingFile::PATH class="stack">
                    <input type="hidden" name="file_id" value=id.clone() />
                    <label class="choice-row"><input type="radio" name="to" value="sdb" checked /> {t!(i18n, financing.referral_sdb)}</label>
                    <label class="choice-row"><input type="radio" name="to" value="own_portfolio" /> {t!(i18n, financing.referral_own)}</label>
                    <button type="submit" class="button">{t!(i18n, financing.refer)}</button>
                </form>
            }.into_any(),
            None => view! { <p class="muted">{t!(i18n, financing.not_referred)}</p> }.into_any(),
        }}

        {(may_act && loan_status == Some(LoanStatus::Referred)).then(|| view! {
            <h2>{t!(i18n, financing.approval)}</h2>
            {projected_over.then(|| view! { <p class="notice overdue" role="alert" data-testid="limit-warning">{t!(i18n, financing.would_pass_limit)}</p> })}
            <form method="post" action=ApproveLoan::PATH class="stack">
                <input type="hidden" name="file_id" value=id.clone() />
                <label for="approve-amount">{t!(i18n, financing.approved_amount)}</label>
                <input id="approve-amount" name="amount" inputmode="decimal" required value=crate::text::format_riyals(file.requested) />
                <label for="approve-months">{t!(i18n, financing.months)}</label>
                <input id="approve-months" name="months" inputmode="numeric" required value=file.months.to_string() />
                <label class="choice-row">
                    <input type="checkbox" name="confirm_over_limit" value="on" />
                    {t!(i18n, financing.confirm_over_limit)}
                </label>
                <button type="submit" class="button">{t!(i18n, financing.record_approval)}</button>
            </form>
        })}
        {(may_act && loan_status == Some(LoanStatus::Approved)).then(|| view! {
            <h2>{t!(i18n, financing.disbursement)}</h2>
            <form method="post" action=DisburseLoan::PATH class="stack">
                <input type="hidden" name="file_id" value=id.clone() />
                <label for="disbursed-on">{t!(i18n, financing.disbursed_on)}</label>
                <input id="disbursed-on" name="disbursed_on" type="date" required value=file.today.clone() />
                <label for="first-due-on">{t!(i18n, financing.first_due_on)}</label>
                <input id="first-due-on" name="first_due_on" type="date" required />
                <fieldset>
                    <legend>{t!(i18n, financing.guarantee_by_association)}</legend>
                    <label class="choice-row"><input type="radio" name="kafala" value="payment" checked /> {t!(i18n, financing.kafala_payment)}</label>
                    <label class="choice-row"><input type="radio" name="kafala" value="appearance" /> {t!(i18n, financing.kafala_appearance)}</label>
                    <label for="share">{t!(i18n, financing.share_percent)}</label>
                    <input id="share" name="share_percent" inputmode="numeric" value="100" />
                </fieldset>
                <button type="submit" class="button">{t!(i18n, financing.record_disbursement)}</button>
            </form>
        })}
        {file.loan.clone().map(|loan| view! {
            <h2>{t!(i18n, financing.loan)}</h2>
            <LoanView loan />
        })}
        {(may_act && loan_status.is_some_and(LoanStatus::is_running)).then(|| view! {
            <h2>{t!(i18n, financing.enter_repayment)}</h2>
            <form method="post" action=EnterRepayment::PATH class="stack repayment-form">
                <input type="hidden" name="file_id" value=id.clone() />
                <label for="repay-amount">{t!(i18n, financing.amount)}</label>
                <input id="repay-amount" name="amount" inputmode="decimal" required />
                <label for="repay-on">{t!(i18n, financing.paid_on)}</label>
                <input id="repay-on" name="paid_on" type="date" required value=file.today.clone() />
                <button type="submit" class="button">{t!(i18n, financing.record_repayment)}</button>
            </form>
        })}
        {(may_act && loan_status.is_some_and(LoanStatus::is_running)).then(|| view! {
            <h2>{t!(i18n, financing.reschedule)}</h2>
            <form method="post" action=RescheduleLoan::PATH class="stack reschedule-form">
                <input type="hidden" name="file_id" value=id.clone() />
                <label for="re-months">{t!(i18n, financing.months)}</label>
                <input id="re-months" name="months" inputmode="numeric" required />
                <label for="re-first">{t!(i18n, financing.first_due_on)}</label>
                <input id="re-first" name="first_due_on" type="date" required />
                <button type="submit" class="button secondary">{t!(i18n, financing.reschedule)}</button>
            </form>
        })}
        {(may_act && file.loan.as_ref().is_some_and(|l| l.disbursed_on.is_some())).then(|| view! {
            <h2>{t!(i18n, financing.add_guarantee_title)}</h2>
            <p class="small muted">{t!(i18n, financing.add_guarantee_intro)}</p>
            <form method="post" action=AddLoanGuarantee::PATH class="stack guarantee-form">
                <input type="hidden" name="file_id" value=id.clone() />
                <fieldset>
                    <legend>{t!(i18n, financing.guarantor_kind)}</legend>
                    <label class="choice-row"><input type="radio" name="guarantor" value="person" checked /> {t!(i18n, financing.guarantor_person)}</label>
                    <label class="choice-row"><input type="radio" name="guarantor" value="other_entity" /> {t!(i18n, financing.guarantor_entity)}</label>
                </fieldset>
                <label for="g-name">{t!(i18n, financing.guarantor_name)}</label>
                <input id="g-name" name="name" required minlength="2" maxlength="200" />
                <fieldset>
                    <legend>{t!(i18n, financing.kafala_kind)}</legend>
                    <label class="choice-row"><input type="radio" name="kafala" value="payment" checked /> {t!(i18n, financing.kafala_payment)}</label>
                    <label class="choice-row"><input type="radio" name="kafala" value="appearance" /> {t!(i18n, financing.kafala_appearance)}</label>
                </fieldset>
                <label for="g-share">{t!(i18n, financing.share_percent)}</label>
                <input id="g-share" name="share_percent" inputmode="numeric" value="100" />
                <label for="g-cap">{t!(i18n, financing.cap)}</label>
                <input id="g-cap" name="cap" inputmode="decimal" />
                <label for="g-starts">{t!(i18n, financing.starts_on)}</label>
                <input id="g-starts" name="starts_on" type="date" required value=file.today.clone() />
                <label for="g-ends">{t!(i18n, financing.ends_on)}</label>
                <input id="g-ends" name="ends_on" type="date" />
                <button type="submit" class="button secondary">{t!(i18n, financing.add_guarantee)}</button>
            </form>
        })}
        {(may_act && loan_status.is_some_and(LoanStatus::is_running)).then(|| view! {
            <h2>{t!(i18n, financing.write_off_title)}</h2>
            <p class="small muted">{t!(i18n, financing.write_off_intro)}</p>
            <form method="post" action=WriteOffLoan::PATH class="stack write-off-form">
                <input type="hidden" name="file_id" value=id.clone() />
                <label for="wo-on">{t!(i18n, financing.written_off_on)}</label>
                <input id="wo-on" name="on" type="date" required value=file.today.clone() />
                <label for="wo-reason">{t!(i18n, financing.write_off_reason)}</label>
                <textarea id="wo-reason" name="reason" required minlength="3" maxlength="500"></textarea>
                <button type="submit" class="button danger">{t!(i18n, financing.write_off)}</button>
            </form>
        })}
        {(may_act && file.loan.as_ref().is_some_and(|l| l.disbursed_on.is_some())).then(|| view! {
            <h2>{t!(i18n, financing.calls_title)}</h2>
            <p class="small muted">{t!(i18n, financing.calls_intro)}</p>
            <form method="post" action=RecordGuaranteeCall::PATH class="stack call-form">
                <input type="hidden" name="file_id" value=id.clone() />
                <label class="choice-row"><input type="radio" name="recovery" value="" checked /> {t!(i18n, financing.call)}</label>
                <label class="choice-row"><input type="radio" name="recovery" value="on" /> {t!(i18n, financing.recovery)}</label>
                <label for="call-amount">{t!(i18n, financing.amount)}</label>
                <input id="call-amount" name="amount" inputmode="decimal" required />
                <label for="call-on">{t!(i18n, financing.call_on)}</label>
                <input id="call-on" name="on" type="date" required value=file.today.clone() />
                <label for="call-note">{t!(i18n, financing.call_note)}</label>
                <input id="call-note" name="note" />
                <button type="submit" class="button secondary">{t!(i18n, financing.record_call)}</button>
            </form>
        })}
    }
}
