//! The council's financing page (figures across associations, settings,
//! limits) and the family's own loans.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{SaveFinancingSettings, SetExposureLimit, get_council_financing, get_my_loans};
use super::labels::percent;
use super::pages::{FiguresList, LoanView};
use super::{CouncilFinancing, MyLoans};
use crate::i18n::*;
use crate::paths::COUNCIL_FINANCING_EXPORT;
use crate::ui::{DataTable, ErrorAlert, Price, error_from_query, is_english, loaded, pick};

/// `/council/financing`.
#[component]
pub fn CouncilFinancingPage() -> impl IntoView {
    let i18n = use_i18n();
    let saved = use_query_map().with_untracked(|q| q.get("saved").is_some());
    let data = Resource::new_blocking(|| (), |_| get_council_financing());
    view! {
        <Title text=t_string!(i18n, financing.council_title).to_string() />
        <section class="card wide financing">
            <h1>{t!(i18n, financing.council_title)}</h1>
            <p class="lead">{t!(i18n, financing.council_intro)}</p>
            {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {saved.then(|| view! { <p class="notice" role="status">{t!(i18n, financing.saved)}</p> })}
            {loaded(data, |council| view! { <Council council /> })}
        </section>
    }
}

#[component]
fn Council(council: CouncilFinancing) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let e = council.settings.eligibility;
    let bounds = council
        .settings
        .delinquency_bounds
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let today = council.today.clone();
    view! {
        <h2>{t!(i18n, financing.all_associations)}</h2>
        <FiguresList figures=council.totals limit=None totals=true />
        <p class="exports">
            {t!(i18n, financing.export_figures)} ": "
            <a href=format!("{COUNCIL_FINANCING_EXPORT}.csv") download>"CSV"</a> " · "
            <a href=format!("{COUNCIL_FINANCING_EXPORT}.xlsx") download>"XLSX"</a>
        </p>
        <DataTable class="council-financing">
            <thead><tr>
                <th>{t!(i18n, financing.association)}</th>
                <th>{t!(i18n, financing.portfolio_outstanding)}</th>
                <th>"PAR30"</th>
                <th>{t!(i18n, financing.exposure_total)}</th>
                <th>{t!(i18n, financing.limit)}</th>
                <th>{t!(i18n, financing.set_limit)}</th>
            </tr></thead>
            <tbody>
                {council.associations.into_iter().map(|a| {
                    let over = a.limit.is_some_and(|l| a.figures.exposure > l);
                    view! {
                        <tr data-association=a.association_id.to_string() class={if over { "overdue" } else { "" }}>
                            <td>{pick(english, &a.name_ar, &a.name_en)}</td>
                            <td><Price halalas=a.figures.outstanding /></td>
                            <td>{percent(a.figures.par30_bp)}</td>
                            <td><Price halalas=a.figures.exposure /></td>
                            <td>{a.limit.map(|l| view! { <Price halalas=l /> })}</td>
                            <td>
                                <form method="post" action=SetExposureLimit::PATH class="inline">
                                    <input type="hidden" name="association_id" value=a.association_id.to_string() />
                                    <input type="hidden" name="valid_from" value=today.clone() />
                                    <input name="limit" inputmode="decimal" required aria-label=move || t_string!(i18n, financing.limit) size="8" />
                                    <button type="submit" class="button secondary">{t!(i18n, financing.save)}</button>
                                </form>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </DataTable>
        <h2>{t!(i18n, financing.settings_title)}</h2>
        {council.settings_from.map(|from| view! { <p class="small muted">{t!(i18n, financing.settings_since)} " " <span class="date">{from}</span></p> })}
        <form method="post" action=SaveFinancingSettings::PATH class="stack settings-form">
            <label for="s-min-age">{t!(i18n, financing.min_age)}</label>
            <input id="s-min-age" name="min_age" inputmode="numeric" required value=e.min_age.to_string() />
            <label for="s-max-age">{t!(i18n, financing.max_age)}</label>
            <input id="s-max-age" name="max_age" inputmode="numeric" required value=e.max_age.to_string() />
            <label for="s-income">{t!(i18n, financing.max_income)}</label>
            <input id="s-income" name="max_monthly_income" inputmode="decimal" required value=crate::text::format_riyals(e.max_monthly_income) />
            <label for="s-min-amount">{t!(i18n, financing.min_amount)}</label>
            <input id="s-min-amount" name="min_amount" inputmode="decimal" required value=crate::text::format_riyals(e.min_amount) />
            <label for="s-max-amount">{t!(i18n, financing.max_amount)}</label>
            <input id="s-max-amount" name="max_amount" inputmode="decimal" required value=crate::text::format_riyals(e.max_amount) />
            <label for="s-months">{t!(i18n, financing.max_months)}</label>
            <input id="s-months" name="max_months" inputmode="numeric" required value=e.max_months.to_string() />
            <label class="choice-row"><input type="checkbox" name="certificate_required" value="on" checked=e.certificate_required /> {t!(i18n, financing.certificate_required)}</label>
            <label class="choice-row"><input type="checkbox" name="no_commercial_registration" value="on" checked=e.no_commercial_registration /> {t!(i18n, financing.no_cr_required)}</label>
            <label for="s-further">{t!(i18n, financing.further_loan_share)}</label>
            <input id="s-further" name="further_loan_percent" inputmode="numeric" required value=(e.further_loan_repaid_bp / 100).to_string() />
            <label for="s-bounds">{t!(i18n, financing.bounds)}</label>
            <input id="s-bounds" name="delinquency_bounds" required value=bounds />
            <label for="s-reminder">{t!(i18n, financing.reminder_days)}</label>
            <input id="s-reminder" name="reminder_days_before" inputmode="numeric" required value=council.settings.reminder_days_before.to_string() />
            <label for="s-from">{t!(i18n, financing.valid_from)}</label>
            <input id="s-from" name="valid_from" type="date" required value=council.today.clone() />
            <button type="submit" class="button">{t!(i18n, financing.save)}</button>
        </form>
    }
}

/// `/my-loans`: the family's loans, schedule, what is paid and due.
#[component]
pub fn MyLoansPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_my_loans());
    view! {
        <Title text=t_string!(i18n, financing.my_title).to_string() />
        <section class="card financing">
            <h1>{t!(i18n, financing.my_title)}</h1>
            {loaded(data, |mine| view! { <Mine mine /> })}
        </section>
    }
}

#[component]
fn Mine(mine: MyLoans) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    if mine.loans.is_empty() {
        return view! { <p class="muted">{t!(i18n, financing.my_empty)}</p> }.into_any();
    }
    mine.loans
        .into_iter()
        .map(|loan| {
            let association = pick(english, &loan.association_name_ar, &loan.association_name_en);
            let late = loan.summary.arrears_days > 0;
            view! {
                <p class="lead">{t!(i18n, financing.with_association)} " " {association}</p>
                {late.then(|| view! { <p class="notice overdue" role="alert" data-testid="my-arrears">{t!(i18n, financing.my_late)}</p> })}
                <LoanView loan />
            }
        })
        .collect_view()
        .into_any()
}
