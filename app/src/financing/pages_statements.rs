//! `/association/financing/statements`: upload a bank's or the
//! association's statement (CSV or XLSX) and see its dry run row by row
//! (`…/statements/<id>`), then apply it. Plain forms: everything works
//! without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::api::{ApplyStatement, get_statement, get_statements};
use super::statement::{RowOutcome, RowProblem, StatementColumn};
use super::{StatementSummary, StatementView};
use crate::i18n::*;
use crate::paths::{FINANCING_PAGE, FINANCING_STATEMENT_UPLOAD, FINANCING_STATEMENTS_PAGE};
use crate::ui::{DataTable, ErrorAlert, Price, error_from_query, id_param, loaded};

/// The list of statements and the upload form.
#[component]
pub fn FinancingStatementsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_statements());
    view! {
        <Title text=t_string!(i18n, financing.statements_title).to_string() />
        <section class="card wide financing">
            <p><a href=FINANCING_PAGE>{t!(i18n, financing.back)}</a></p>
            <h1>{t!(i18n, financing.statements_title)}</h1>
            <p class="lead">{t!(i18n, financing.statements_intro)}</p>
            {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
            <form method="post" action=FINANCING_STATEMENT_UPLOAD enctype="multipart/form-data" class="stack statement-form">
                <fieldset>
                    <legend>{t!(i18n, financing.statement_source)}</legend>
                    <label class="choice-row"><input type="radio" name="source" value="bank_statement" checked required /> {t!(i18n, financing.source_bank_statement)}</label>
                    <label class="choice-row"><input type="radio" name="source" value="association_statement" /> {t!(i18n, financing.source_association_statement)}</label>
                </fieldset>
                <label for="statement-file">{t!(i18n, financing.statement_file)}</label>
                <input id="statement-file" name="file" type="file" required accept=".csv,.xlsx,text/csv" aria-describedby="statement-columns" />
                <p class="small muted" id="statement-columns">
                    {t!(i18n, financing.statement_columns)} " "
                    {StatementColumn::all().iter().map(|c| {
                        let (ar, en) = c.header();
                        format!("«{ar}» ({en})")
                    }).collect::<Vec<_>>().join("، ")}
                </p>
                <button type="submit" class="button">{t!(i18n, financing.statement_check)}</button>
            </form>
            {loaded(data, |list| view! { <List list /> })}
        </section>
    }
}

#[component]
fn List(list: Vec<StatementSummary>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted">{t!(i18n, financing.statements_empty)}</p> }.into_any();
    }
    view! {
        <DataTable class="statements">
            <thead><tr>
                <th>{t!(i18n, financing.statement_file)}</th>
                <th>{t!(i18n, financing.statement_source)}</th>
                <th>{t!(i18n, financing.status)}</th>
            </tr></thead>
            <tbody>
                {list.into_iter().map(|s| view! {
                    <tr data-statement=s.id.to_string()>
                        <td><a href=format!("{FINANCING_STATEMENTS_PAGE}/{}", s.id)><bdi>{s.file_name.clone()}</bdi></a></td>
                        <td><SourceText source=s.source.clone() /></td>
                        <td><StatusText status=s.status.clone() /></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </DataTable>
    }
    .into_any()
}

#[component]
fn SourceText(source: String) -> impl IntoView {
    let i18n = use_i18n();
    match source.as_str() {
        "bank_statement" => t!(i18n, financing.source_bank_statement).into_any(),
        _ => t!(i18n, financing.source_association_statement).into_any(),
    }
}

#[component]
fn StatusText(status: String) -> impl IntoView {
    let i18n = use_i18n();
    let text = if status == "applied" {
        t!(i18n, financing.statement_applied).into_any()
    } else {
        t!(i18n, financing.statement_dry_run).into_any()
    };
    view! { <span class="state" data-status=status>{text}</span> }
}

/// One statement: its dry run (or what became of each row), and the apply.
#[component]
pub fn FinancingStatementPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param().unwrap_or(0);
    let data = Resource::new_blocking(|| (), move |_| get_statement(id));
    view! {
        <Title text=t_string!(i18n, financing.statement_title).to_string() />
        <section class="card wide financing">
            <p><a href=FINANCING_STATEMENTS_PAGE>{t!(i18n, financing.statements_title)}</a></p>
            <h1>{t!(i18n, financing.statement_title)}</h1>
            {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |statement| view! { <Statement statement /> })}
        </section>
    }
}

#[component]
fn Statement(statement: StatementView) -> impl IntoView {
    let i18n = use_i18n();
    let s = statement.summary.clone();
    let dry_run = s.status == "dry_run";
    view! {
        <dl class="figures" data-testid="statement-counts">
            <div><dt>{t!(i18n, financing.statement_file)}</dt><dd><bdi>{s.file_name.clone()}</bdi></dd></div>
            <div><dt>{t!(i18n, financing.status)}</dt><dd><StatusText status=s.status.clone() /></dd></div>
            <div data-figure="to_pay"><dt>{t!(i18n, financing.to_pay)}</dt><dd>{statement.to_pay}</dd></div>
            <div data-figure="to_skip"><dt>{t!(i18n, financing.to_skip)}</dt><dd>{statement.to_skip}</dd></div>
            <div data-figure="to_refuse"><dt>{t!(i18n, financing.to_refuse)}</dt><dd>{statement.to_refuse}</dd></div>
            <div data-figure="total"><dt>{t!(i18n, financing.total_to_pay)}</dt><dd><Price halalas=statement.total_to_pay /></dd></div>
        </dl>
        {(dry_run && statement.to_pay > 0).then(|| view! {
            <form method="post" action=ApplyStatement::PATH>
                <input type="hidden" name="import_id" value=s.id.to_string() />
                <p class="small muted">{t!(i18n, financing.apply_note)}</p>
                <button type="submit" class="button">{t!(i18n, financing.apply_statement)}</button>
            </form>
        })}
        <DataTable class="statement-rows">
            <thead><tr>
                <th>{t!(i18n, financing.line)}</th>
                <th>{t!(i18n, financing.reference)}</th>
                <th>{t!(i18n, financing.national_id)}</th>
                <th>{t!(i18n, financing.paid_on)}</th>
                <th>{t!(i18n, financing.amount)}</th>
                <th>{t!(i18n, financing.outcome)}</th>
            </tr></thead>
            <tbody>
                {statement.rows.into_iter().map(|r| {
                    let result = r.result.clone().unwrap_or_default();
                    view! {
                    <tr data-line=r.line_no.to_string() data-outcome=r.outcome.as_str() data-result=result>
                        <td>{r.line_no}</td>
                        <td><bdi>{r.reference}</bdi></td>
                        <td><bdi>{r.national_id}</bdi></td>
                        <td><span class="date">{r.paid_on}</span></td>
                        <td><Price halalas=r.amount /></td>
                        <td><Outcome outcome=r.outcome problem=r.problem result=r.result /></td>
                    </tr>
                    }
                }).collect_view()}
            </tbody>
        </DataTable>
    }
}

#[component]
fn Outcome(
    outcome: RowOutcome,
    problem: Option<RowProblem>,
    result: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let head = match (result.as_deref(), outcome) {
        (Some("paid"), _) => t!(i18n, financing.result_paid).into_any(),
        (Some("skipped"), _) => t!(i18n, financing.outcome_skip).into_any(),
        (Some(_), _) => t!(i18n, financing.outcome_refuse).into_any(),
        (None, RowOutcome::Pay) => t!(i18n, financing.outcome_pay).into_any(),
        (None, RowOutcome::Skip) => t!(i18n, financing.outcome_skip).into_any(),
        (None, RowOutcome::Refuse) => t!(i18n, financing.outcome_refuse).into_any(),
    };
    let why = problem.map(|p| match p {
        RowProblem::ReferenceMissing => t!(i18n, financing.problem_reference_missing).into_any(),
        RowProblem::LoanUnknown => t!(i18n, financing.problem_loan_unknown).into_any(),
        RowProblem::NationalIdMismatch => {
            t!(i18n, financing.problem_national_id_mismatch).into_any()
        }
        RowProblem::LoanNotRunning => t!(i18n, financing.problem_loan_not_running).into_any(),
        RowProblem::DateInvalid => t!(i18n, financing.problem_date_invalid).into_any(),
        RowProblem::DateFuture => t!(i18n, financing.problem_date_future).into_any(),
        RowProblem::AmountInvalid => t!(i18n, financing.problem_amount_invalid).into_any(),
        RowProblem::AlreadyImported => t!(i18n, financing.problem_already_imported).into_any(),
        RowProblem::AlreadyEntered => t!(i18n, financing.problem_already_entered).into_any(),
    });
    view! { <strong>{head}</strong> {why.map(|w| view! { " · " <span class="small">{w}</span> })} }
}
