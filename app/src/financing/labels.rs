//! Financing's words: statuses, referrals, documents, eligibility rules,
//! delinquency ranges and guarantees in the reader's language.

use leptos::prelude::*;

use super::{DocumentKind, EligibilityRule, Guarantor, KafalaKind, LoanStatus, Referral};
use crate::i18n::*;

/// A loan's status as a badge.
#[component]
pub fn LoanStatusBadge(status: LoanStatus) -> impl IntoView {
    let i18n = use_i18n();
    let label = match status {
        LoanStatus::Referred => t!(i18n, financing.status_referred).into_any(),
        LoanStatus::Approved => t!(i18n, financing.status_approved).into_any(),
        LoanStatus::Disbursed => t!(i18n, financing.status_disbursed).into_any(),
        LoanStatus::Repaying => t!(i18n, financing.status_repaying).into_any(),
        LoanStatus::Settled => t!(i18n, financing.status_settled).into_any(),
        LoanStatus::Rescheduled => t!(i18n, financing.status_rescheduled).into_any(),
        LoanStatus::WrittenOff => t!(i18n, financing.status_written_off).into_any(),
    };
    view! { <span class="state" data-status=status.as_str()>{label}</span> }
}

/// Where a file was referred.
#[component]
pub fn ReferralText(referral: Referral) -> impl IntoView {
    let i18n = use_i18n();
    match referral {
        Referral::Sdb => t!(i18n, financing.referral_sdb).into_any(),
        Referral::OwnPortfolio => t!(i18n, financing.referral_own).into_any(),
    }
}

/// A document of the checklist.
#[component]
pub fn DocumentText(kind: DocumentKind) -> impl IntoView {
    let i18n = use_i18n();
    match kind {
        DocumentKind::Certificate => t!(i18n, financing.doc_certificate).into_any(),
        DocumentKind::NationalId => t!(i18n, financing.doc_national_id).into_any(),
        DocumentKind::Housing => t!(i18n, financing.doc_housing).into_any(),
        DocumentKind::Quote => t!(i18n, financing.doc_quote).into_any(),
    }
}

/// One eligibility rule's result in words.
#[component]
pub fn RuleResult(rule: EligibilityRule, passed: bool) -> impl IntoView {
    let i18n = use_i18n();
    let text = match (rule, passed) {
        (EligibilityRule::Age, true) => t!(i18n, financing.rule_age_ok).into_any(),
        (EligibilityRule::Age, false) => t!(i18n, financing.rule_age_no).into_any(),
        (EligibilityRule::Income, true) => t!(i18n, financing.rule_income_ok).into_any(),
        (EligibilityRule::Income, false) => t!(i18n, financing.rule_income_no).into_any(),
        (EligibilityRule::Amount, true) => t!(i18n, financing.rule_amount_ok).into_any(),
        (EligibilityRule::Amount, false) => t!(i18n, financing.rule_amount_no).into_any(),
        (EligibilityRule::Term, true) => t!(i18n, financing.rule_term_ok).into_any(),
        (EligibilityRule::Term, false) => t!(i18n, financing.rule_term_no).into_any(),
        (EligibilityRule::Certificate, true) => t!(i18n, financing.rule_certificate_ok).into_any(),
        (EligibilityRule::Certificate, false) => t!(i18n, financing.rule_certificate_no).into_any(),
        (EligibilityRule::FurtherLoan, true) => t!(i18n, financing.rule_further_ok).into_any(),
        (EligibilityRule::FurtherLoan, false) => t!(i18n, financing.rule_further_no).into_any(),
        (EligibilityRule::CommercialRegistration, true) => {
            t!(i18n, financing.rule_cr_ok).into_any()
        }
        (EligibilityRule::CommercialRegistration, false) => {
            t!(i18n, financing.rule_cr_no).into_any()
        }
    };
    let class = if passed { "rule-ok" } else { "rule-no" };
    let mark = if passed { "✓ " } else { "✗ " };
    view! { <li class=class data-passed=passed.to_string()>{mark}{text}</li> }
}

/// A delinquency range from its index and the configured bounds: "current",
/// "1–30 days", …, "over 90 days".
#[component]
pub fn RangeText(range: usize, bounds: Vec<i64>) -> impl IntoView {
    let i18n = use_i18n();
    if range == 0 {
        return view! { <span class="range" data-range="0">{t!(i18n, financing.range_current)}</span> }
            .into_any();
    }
    let low = if range == 1 {
        1
    } else {
        bounds.get(range - 2).map_or(0, |b| b + 1)
    };
    let text = match bounds.get(range - 1) {
        Some(&high) => t!(
            i18n,
            financing.range_days,
            from = move || low,
            to = move || high
        )
        .into_any(),
        None => {
            let days = bounds.last().copied().unwrap_or(0);
            t!(i18n, financing.range_over, days = move || days).into_any()
        }
    };
    view! { <span class="range overdue" data-range=range.to_string()>{text}</span> }.into_any()
}

/// Who stands guarantor, and how.
#[component]
pub fn GuaranteeText(guarantor: Guarantor, kind: KafalaKind) -> impl IntoView {
    let i18n = use_i18n();
    let who = match guarantor {
        Guarantor::Association => t!(i18n, financing.guarantor_association).into_any(),
        Guarantor::Person => t!(i18n, financing.guarantor_person).into_any(),
        Guarantor::OtherEntity => t!(i18n, financing.guarantor_entity).into_any(),
    };
    let how = match kind {
        KafalaKind::Payment => t!(i18n, financing.kafala_payment).into_any(),
        KafalaKind::Appearance => t!(i18n, financing.kafala_appearance).into_any(),
    };
    view! { {who} " · " {how} }
}

/// A rate in basis points as a percentage with one decimal.
pub fn percent(basis_points: i64) -> String {
    format!("{}.{}%", basis_points / 100, (basis_points % 100) / 10)
}

/// Who a repayment came from: staff's entry, a statement, or the
/// guarantor's payment on a call.
#[component]
pub fn SourceText(source: String) -> impl IntoView {
    let i18n = use_i18n();
    match source.as_str() {
        "bank_statement" => t!(i18n, financing.source_bank_statement).into_any(),
        "association_statement" => t!(i18n, financing.source_association_statement).into_any(),
        "guarantee_call" => t!(i18n, financing.source_guarantee_call).into_any(),
        _ => t!(i18n, financing.source_staff).into_any(),
    }
}
