//! The imports pages: the association's imports with the upload form and
//! the templates, and one import (its dry run row by row, the district
//! names to map, the commit with its progress, the result file). Plain
//! forms and links only: everything works without JavaScript; the progress
//! refreshes itself with `<meta http-equiv="refresh">`.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use super::api::{
    CommitImport, MapImportDistrict, RecheckImport, ResumeImport, get_import_batch, get_imports,
};
use super::places::place_key;
use super::{
    BatchPage, BatchStatus, BatchSummary, IMPORT_UPLOAD, IMPORTS_PAGE, ImportKind, ImportsOverview,
    Outcome, ROWS_PAGE_SIZE, Reason, RowFilter, RowResult, RowView, batch_url, result_url,
    template_url,
};
use crate::i18n::*;
use crate::time::format_date;
use crate::ui::{
    DataTable, EmptyState, ErrorAlert, ListPager, ListTotal, Pager, error_from_query, is_english,
    loaded, pick,
};

fn query_number(key: &str) -> Option<i64> {
    use_query_map().with_untracked(|q| q.get(key).and_then(|v| v.parse().ok()))
}

/// `/association/imports`: upload a file, download a template, see every import.
#[component]
pub fn ImportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let association = query_number("association");
    let page = query_number("page");
    let error = error_from_query();
    let data = Resource::new_blocking(|| (), move |_| get_imports(association, page));
    view! {
        <Title text=t_string!(i18n, imports.title).to_string() />
        <section class="card wide">
            <h1>{t!(i18n, imports.title)}</h1>
            <p class="muted">{t!(i18n, imports.intro)}</p>
            {error.map(|key| view! { <ErrorAlert key id="import-error" /> })}
            {loaded(data, |overview| view! { <Overview overview /> })}
        </section>
    }
}

#[component]
fn Overview(overview: ImportsOverview) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let chosen = overview.association_id;
    let chooser = (overview.associations.len() > 1 || chosen.is_none()).then(|| {
        view! {
            <form method="get" action=IMPORTS_PAGE class="filters">
                <div class="field">
                    <label for="association">{t!(i18n, imports.association)}</label>
                    <select id="association" name="association">
                        {overview.associations.iter().map(|a| view! {
                            <option value=a.id.to_string() selected=chosen == Some(a.id)>{pick(english, &a.name_ar, &a.name_en)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button secondary">{t!(i18n, imports.choose)}</button>
            </form>
        }
    });
    view! {
        {chooser}
        <h2>{t!(i18n, imports.templates)}</h2>
        <ul>
            {ImportKind::ALL.map(|kind| view! {
                <li>
                    <KindName kind /> ": "
                    <a href=template_url(kind, "csv") download>"CSV"</a> " · "
                    <a href=template_url(kind, "xlsx") download>"XLSX"</a>
                </li>
            }).collect_view()}
        </ul>
        <p class="muted">{t!(i18n, imports.templates_note)}</p>
        {chosen.map(|association_id| view! {
            <h2>{t!(i18n, imports.upload)}</h2>
            <form method="post" action=IMPORT_UPLOAD enctype="multipart/form-data" class="stack">
                <input type="hidden" name="association_id" value=association_id.to_string() />
                <fieldset>
                    <legend>{t!(i18n, imports.kind)}</legend>
                    {ImportKind::ALL.map(|kind| view! {
                        <label>
                            <input type="radio" name="kind" value=kind.as_str() checked=kind == ImportKind::Households required />
                            " " <KindName kind />
                        </label>
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="import-file">{t!(i18n, imports.file)}</label>
                    <input id="import-file" name="file" type="file" required
                        accept=".csv,.xlsx,text/csv" aria-describedby="import-error" />
                </div>
                <button type="submit" class="button primary">{t!(i18n, imports.check)}</button>
            </form>
        })}
        <h2>{t!(i18n, imports.history)}</h2>
        {if overview.batches.is_empty() {
            view! { <EmptyState>{t!(i18n, imports.none)}</EmptyState> }.into_any()
        } else {
            // The association chosen stays chosen on every page.
            let filters = vec![("association", chosen.map(|id| id.to_string()).unwrap_or_default())];
            view! {
                <ListTotal total=overview.total />
                <BatchList batches=overview.batches />
                <ListPager base=IMPORTS_PAGE filters page=overview.page pages=overview.pages />
            }.into_any()
        }}
    }
}

#[component]
fn BatchList(batches: Vec<BatchSummary>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <DataTable>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, imports.when)}</th>
                    <th scope="col">{t!(i18n, imports.file_name)}</th>
                    <th scope="col">{t!(i18n, imports.kind)}</th>
                    <th scope="col">{t!(i18n, imports.by)}</th>
                    <th scope="col">{t!(i18n, imports.status)}</th>
                    <th scope="col">{t!(i18n, imports.rows)}</th>
                    <th scope="col">{t!(i18n, imports.counts)}</th>
                </tr>
            </thead>
            <tbody>
                {batches.into_iter().map(|b| view! {
                    <tr>
                        <td class="date">{format_date(b.committed_at.unwrap_or(b.uploaded_at))}</td>
                        <td><a href=batch_url(b.id)><bdi>{b.file_name.clone()}</bdi></a></td>
                        <td><KindName kind=b.kind /></td>
                        <td><bdi>{b.committed_by.clone().unwrap_or(b.uploaded_by.clone())}</bdi></td>
                        <td><StatusName status=b.status /></td>
                        <td>{b.rows_total}</td>
                        <td><Counts batch=b /></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </DataTable>
    }
}

/// Created · matched · to review · refused: the commit's once it started,
/// else the dry run's.
#[component]
fn Counts(batch: BatchSummary) -> impl IntoView {
    let i18n = use_i18n();
    let [create, matched, review, refused] = if batch.status == BatchStatus::DryRun {
        [
            batch.would_create,
            batch.would_match,
            batch.would_review,
            batch.would_refuse,
        ]
    } else {
        [
            batch.created,
            batch.matched,
            batch.sent_to_review,
            batch.refused,
        ]
    };
    view! {
        // Each count stays whole; the line breaks between them on a phone.
        <span class="import-counts">
            <span class="nowrap">{t!(i18n, imports.count_create, n = create)}</span> " · "
            <span class="nowrap">{t!(i18n, imports.count_match, n = matched)}</span> " · "
            <span class="nowrap">{t!(i18n, imports.count_review, n = review)}</span> " · "
            <span class="nowrap">{t!(i18n, imports.count_refuse, n = refused)}</span>
        </span>
    }
}

#[component]
fn KindName(kind: ImportKind) -> impl IntoView {
    let i18n = use_i18n();
    match kind {
        ImportKind::Households => t!(i18n, imports.kind_households).into_any(),
        ImportKind::Benefits => t!(i18n, imports.kind_benefits).into_any(),
    }
}

#[component]
fn StatusName(status: BatchStatus) -> impl IntoView {
    let i18n = use_i18n();
    match status {
        BatchStatus::DryRun => t!(i18n, imports.status_dry_run).into_any(),
        BatchStatus::Committing => t!(i18n, imports.status_committing).into_any(),
        BatchStatus::Committed => t!(i18n, imports.status_committed).into_any(),
    }
}

/// `/association/imports/{id}`: one import.
#[component]
pub fn ImportBatchPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::ui::id_param().unwrap_or(0);
    let all = use_query_map().with_untracked(|q| q.get("all").is_some());
    let page = query_number("page").unwrap_or(0);
    let error = error_from_query();
    let data = Resource::new_blocking(|| (), move |_| get_import_batch(id, Some(all), Some(page)));
    view! {
        <Title text=t_string!(i18n, imports.batch_title).to_string() />
        <section class="card wide">
            <p><a href=IMPORTS_PAGE>{t!(i18n, imports.back)}</a></p>
            {error.map(|key| view! { <ErrorAlert key id="import-error" /> })}
            {loaded(data, |page| view! { <Batch page /> })}
        </section>
    }
}

#[component]
fn Batch(page: BatchPage) -> impl IntoView {
    let i18n = use_i18n();
    let batch = page.batch.clone();
    let id = batch.id;
    let state = match batch.status {
        BatchStatus::DryRun => view! {
            <p>{t!(i18n, imports.dry_run_intro)}</p>
            <p><Counts batch=batch.clone() /></p>
            <div class="actions">
                <form method="post" action=CommitImport::PATH>
                    <input type="hidden" name="batch_id" value=id.to_string() />
                    <button type="submit" class="button primary">{t!(i18n, imports.commit)}</button>
                </form>
                <form method="post" action=RecheckImport::PATH>
                    <input type="hidden" name="batch_id" value=id.to_string() />
                    <button type="submit" class="button secondary">{t!(i18n, imports.recheck)}</button>
                </form>
            </div>
        }
        .into_any(),
        BatchStatus::Committing => view! {
            {(!batch.stalled).then(|| view! { <Meta http_equiv="refresh" content="2" /> })}
            <p role="status">
                <label for="import-progress">{t!(i18n, imports.progress, done = batch.rows_done, total = batch.rows_total)}</label>
            </p>
            <progress id="import-progress" max=batch.rows_total.max(1).to_string() value=batch.rows_done.to_string()>
                {format!("{} / {}", batch.rows_done, batch.rows_total)}
            </progress>
            {batch.stalled.then(|| view! {
                <form method="post" action=ResumeImport::PATH>
                    <input type="hidden" name="batch_id" value=id.to_string() />
                    <p class="muted">{t!(i18n, imports.stalled)}</p>
                    <button type="submit" class="button primary">{t!(i18n, imports.resume)}</button>
                </form>
            })}
        }
        .into_any(),
        BatchStatus::Committed => view! {
            <p class="alert alert-ok" role="status">{t!(i18n, imports.done)}</p>
            <p><Counts batch=batch.clone() /></p>
            <p><a class="button secondary" href=result_url(id) download>{t!(i18n, imports.result_file)}</a></p>
        }
        .into_any(),
    };
    view! {
        <h1><bdi>{batch.file_name.clone()}</bdi></h1>
        <p class="muted">
            <KindName kind=batch.kind /> " · " <StatusName status=batch.status /> " · "
            // The name is isolated: an Arabic name inside an English sentence keeps its order.
            {t!(i18n, imports.uploaded, by = format!("\u{2068}{}\u{2069}", batch.uploaded_by), at = format_date(batch.uploaded_at))}
        </p>
        {state}
        <UnknownPlaces page=page.clone() />
        <Rows page />
    }
}

#[component]
fn UnknownPlaces(page: BatchPage) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    if page.unknown_places.is_empty() {
        return ().into_any();
    }
    // (city keys, district id, label) of every district.
    let options: Vec<([String; 2], String, String)> = page
        .districts
        .iter()
        .map(|d| {
            let label = format!(
                "{} — {}",
                pick(english, &d.name_ar, &d.name_en),
                pick(english, &d.city_ar, &d.city_en)
            );
            (
                [place_key(&d.city_ar), place_key(&d.city_en)],
                d.id.to_string(),
                label,
            )
        })
        .collect();
    // The districts of the city the file names, when one answers; else all.
    let choices_for = move |city: &str| {
        let key = place_key(city);
        let in_city: Vec<(String, String)> = options
            .iter()
            .filter(|(cities, _, _)| !key.is_empty() && cities.contains(&key))
            .map(|(_, id, label)| (id.clone(), label.clone()))
            .collect();
        if in_city.is_empty() {
            options
                .iter()
                .map(|(_, id, label)| (id.clone(), label.clone()))
                .collect()
        } else {
            in_city
        }
    };
    let id = page.batch.id;
    view! {
        <h2>{t!(i18n, imports.unknown_places)}</h2>
        <p class="muted">{t!(i18n, imports.unknown_places_intro)}</p>
        // One small form per unknown name, stacked: a table would hide the
        // district list off the side of a phone.
        <ul class="place-mappings">
            {page.unknown_places.iter().enumerate().map(|(n, p)| {
                let select_id = format!("map-{n}");
                view! {
                    <li class="card">
                        <form method="post" action=MapImportDistrict::PATH class="stack">
                            <p>
                                <bdi class="written-place">{p.district.clone()}</bdi>
                                " · " <bdi>{p.city.clone()}</bdi>
                                " · " <span class="muted">{t!(i18n, imports.rows)} " " {p.rows}</span>
                            </p>
                            <input type="hidden" name="batch_id" value=id.to_string() />
                            <input type="hidden" name="place" value=format!("{}|{}", p.city, p.district) />
                            <div class="field">
                                <label for=select_id.clone()>{t!(i18n, imports.map_to)}</label>
                                <select id=select_id name="district_id" required>
                                    <option value="">"—"</option>
                                    {choices_for(&p.city).into_iter().map(|(value, label)| view! {
                                        <option value=value>{label}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <button type="submit" class="button secondary">{t!(i18n, imports.map)}</button>
                        </form>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Rows(page: BatchPage) -> impl IntoView {
    let i18n = use_i18n();
    let base = batch_url(page.batch.id);
    let all = page.filter == RowFilter::All;
    let filter_param = if all { "all=1&" } else { "" };
    let last_page = (page.rows_in_filter - 1).max(0) / ROWS_PAGE_SIZE;
    let at = page.page;
    let link = |p: i64| format!("{base}?{filter_param}page={p}");
    let committed = page.batch.status != BatchStatus::DryRun;
    view! {
        <h2>{t!(i18n, imports.row_list)}</h2>
        <nav class="tabs">
            <a href=base.clone() aria-current=(!all).then_some("page")>{t!(i18n, imports.attention)}</a>
            " · "
            <a href=format!("{base}?all=1") aria-current=all.then_some("page")>{t!(i18n, imports.all_rows)}</a>
        </nav>
        {if page.rows.is_empty() {
            view! { <EmptyState>{t!(i18n, imports.no_rows)}</EmptyState> }.into_any()
        } else {
            view! {
                <DataTable class="import-rows">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, imports.line)}</th>
                            <th scope="col">{t!(i18n, imports.head_id)}</th>
                            <th scope="col">{t!(i18n, imports.label)}</th>
                            <th scope="col">{t!(i18n, imports.outcome)}</th>
                            <th scope="col">{t!(i18n, imports.reasons)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.rows.into_iter().map(|row| view! { <Row row committed /> }).collect_view()}
                    </tbody>
                </DataTable>
            }.into_any()
        }}
        <Pager
            prev=(at > 0).then(|| link(at - 1))
            next=(at < last_page).then(|| link(at + 1))
            position=format!("{} / {}", at + 1, last_page + 1)
        />
    }
}

#[component]
fn Row(row: RowView, committed: bool) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = match (committed, row.result, row.outcome, row.duplicate) {
        (true, Some(RowResult::Created), _, true) => {
            t!(i18n, imports.result_created_review).into_any()
        }
        (true, Some(RowResult::Created), _, false) => t!(i18n, imports.result_created).into_any(),
        (true, Some(RowResult::Matched), _, _) => t!(i18n, imports.result_matched).into_any(),
        (true, Some(RowResult::Refused), _, _) => t!(i18n, imports.result_refused).into_any(),
        (_, _, Outcome::Create, true) => t!(i18n, imports.outcome_create_review).into_any(),
        (_, _, Outcome::Create, false) => t!(i18n, imports.outcome_create).into_any(),
        (_, _, Outcome::Match, _) => t!(i18n, imports.outcome_match).into_any(),
        (_, _, Outcome::Refuse, _) => t!(i18n, imports.outcome_refuse).into_any(),
    };
    view! {
        <tr class=(row.outcome == Outcome::Refuse).then_some("refused")>
            <td>{row.line_no}</td>
            <td dir="ltr">{row.head_id_masked}</td>
            <td><bdi>{row.label}</bdi></td>
            <td class="outcome">{outcome}</td>
            <td class="reasons">
                {row.reasons.into_iter().enumerate().map(|(n, reason)| view! {
                    {(n > 0).then_some(" · ")}
                    <ReasonText reason />
                }).collect_view()}
            </td>
        </tr>
    }
}

/// The translated message of a row's reason.
#[component]
pub fn ReasonText(reason: Reason) -> impl IntoView {
    let i18n = use_i18n();
    match reason {
        Reason::NationalIdMissing => t!(i18n, imports.reason.national_id_missing).into_any(),
        Reason::NationalIdLength => t!(i18n, imports.reason.national_id_length).into_any(),
        Reason::NationalIdDigits => t!(i18n, imports.reason.national_id_digits).into_any(),
        Reason::NationalIdPrefix => t!(i18n, imports.reason.national_id_prefix).into_any(),
        Reason::NationalIdCheckDigit => t!(i18n, imports.reason.national_id_check_digit).into_any(),
        Reason::NameMissing => t!(i18n, imports.reason.name_missing).into_any(),
        Reason::PhoneNotSaudi => t!(i18n, imports.reason.phone_not_saudi).into_any(),
        Reason::DistrictMissing => t!(i18n, imports.reason.district_missing).into_any(),
        Reason::DistrictUnknown => t!(i18n, imports.reason.district_unknown).into_any(),
        Reason::DependantsInvalid => t!(i18n, imports.reason.dependants_invalid).into_any(),
        Reason::IncomeBracketInvalid => t!(i18n, imports.reason.income_bracket_invalid).into_any(),
        Reason::CraftUnknown => t!(i18n, imports.reason.craft_unknown).into_any(),
        Reason::RepeatedInFile => t!(i18n, imports.reason.repeated_in_file).into_any(),
        Reason::MemberOfOtherHousehold => {
            t!(i18n, imports.reason.member_of_other_household).into_any()
        }
        Reason::HouseholdUnknown => t!(i18n, imports.reason.household_unknown).into_any(),
        Reason::AssistanceTypeUnknown => {
            t!(i18n, imports.reason.assistance_type_unknown).into_any()
        }
        Reason::DateInvalid => t!(i18n, imports.reason.date_invalid).into_any(),
        Reason::DateInFuture => t!(i18n, imports.reason.date_in_future).into_any(),
        Reason::ValueInvalid => t!(i18n, imports.reason.value_invalid).into_any(),
        Reason::HouseholdExists => t!(i18n, imports.reason.household_exists).into_any(),
        Reason::BenefitRecorded => t!(i18n, imports.reason.benefit_recorded).into_any(),
        Reason::PossibleDuplicate => t!(i18n, imports.reason.possible_duplicate).into_any(),
    }
}

/// The message of a row's reason in `locale` (the result file's reader's
/// language, beside the codes).
pub fn reason_text(locale: Locale, reason: Reason) -> String {
    match reason {
        Reason::NationalIdMissing => {
            td_string!(locale, imports.reason.national_id_missing).to_string()
        }
        Reason::NationalIdLength => {
            td_string!(locale, imports.reason.national_id_length).to_string()
        }
        Reason::NationalIdDigits => {
            td_string!(locale, imports.reason.national_id_digits).to_string()
        }
        Reason::NationalIdPrefix => {
            td_string!(locale, imports.reason.national_id_prefix).to_string()
        }
        Reason::NationalIdCheckDigit => {
            td_string!(locale, imports.reason.national_id_check_digit).to_string()
        }
        Reason::NameMissing => td_string!(locale, imports.reason.name_missing).to_string(),
        Reason::PhoneNotSaudi => td_string!(locale, imports.reason.phone_not_saudi).to_string(),
        Reason::DistrictMissing => td_string!(locale, imports.reason.district_missing).to_string(),
        Reason::DistrictUnknown => td_string!(locale, imports.reason.district_unknown).to_string(),
        Reason::DependantsInvalid => {
            td_string!(locale, imports.reason.dependants_invalid).to_string()
        }
        Reason::IncomeBracketInvalid => {
            td_string!(locale, imports.reason.income_bracket_invalid).to_string()
        }
        Reason::CraftUnknown => td_string!(locale, imports.reason.craft_unknown).to_string(),
        Reason::RepeatedInFile => td_string!(locale, imports.reason.repeated_in_file).to_string(),
        Reason::MemberOfOtherHousehold => {
            td_string!(locale, imports.reason.member_of_other_household).to_string()
        }
        Reason::HouseholdUnknown => {
            td_string!(locale, imports.reason.household_unknown).to_string()
        }
        Reason::AssistanceTypeUnknown => {
            td_string!(locale, imports.reason.assistance_type_unknown).to_string()
        }
        Reason::DateInvalid => td_string!(locale, imports.reason.date_invalid).to_string(),
        Reason::DateInFuture => td_string!(locale, imports.reason.date_in_future).to_string(),
        Reason::ValueInvalid => td_string!(locale, imports.reason.value_invalid).to_string(),
        Reason::HouseholdExists => td_string!(locale, imports.reason.household_exists).to_string(),
        Reason::BenefitRecorded => td_string!(locale, imports.reason.benefit_recorded).to_string(),
        Reason::PossibleDuplicate => {
            td_string!(locale, imports.reason.possible_duplicate).to_string()
        }
    }
}
