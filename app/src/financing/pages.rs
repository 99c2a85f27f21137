//! The association's financing list and its exposure page, and the pieces
//! every financing page shares: the figures, a loan's schedule. Plain links
//! and forms: everything works without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{OpenFinancingFile, get_financing, get_financing_exposure};
use super::labels::{GuaranteeText, LoanStatusBadge, RangeText, SourceText, percent};
use super::{ExposureView, Figures, FinancingList, LoanDetail};
use crate::i18n::*;
use crate::paths::{
    FINANCING_EXPOSURE_PAGE, FINANCING_FILE_PAGE, FINANCING_LOANS_EXPORT, FINANCING_PAGE,
    FINANCING_STATEMENTS_PAGE,
};
use crate::registry::CRAFTS;
use crate::registry::pages::CraftName;
use crate::ui::{DataTable, ErrorAlert, ListPager, ListTotal, Price, error_from_query, loaded};

/// `/association/financing`: approved financing lines to open a file for,
/// and the association's files with their loans.
#[component]
pub fn FinancingPage() -> impl IntoView {
    let i18n = use_i18n();
    let (page, ready_page) = use_query_map().with_untracked(|q| {
        let number = |key: &str| q.get(key).and_then(|p| p.parse::<i64>().ok());
        (number("page"), number("ready_page"))
    });
    let data = Resource::new_blocking(|| (), move |_| get_financing(page, ready_page));
    view! {
        <Title text=t_string!(i18n, financing.title).to_string() />
        <section class="card wide financing">
            <h1>{t!(i18n, financing.title)}</h1>
            <p class="lead">{t!(i18n, financing.intro)}</p>
            <p>
                <a href=FINANCING_EXPOSURE_PAGE class="button secondary">{t!(i18n, financing.exposure_title)}</a>
                " "
                <a href=FINANCING_STATEMENTS_PAGE class="button secondary">{t!(i18n, financing.statements_title)}</a>
            </p>
            <p class="exports">
                {t!(i18n, financing.export_loans)} ": "
                <a href=format!("{FINANCING_LOANS_EXPORT}.csv") download>"CSV"</a> " · "
                <a href=format!("{FINANCING_LOANS_EXPORT}.xlsx") download>"XLSX"</a>
            </p>
            {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
            {loaded(data, |list| view! { <List list /> })}
        </section>
    }
}

#[component]
fn List(list: FinancingList) -> impl IntoView {
    let i18n = use_i18n();
    let bounds = list.bounds.clone();
    let (page, pages) = (list.page, list.pages);
    let (ready_page, ready_pages) = (list.ready_page, list.ready_pages);
    // Each list's pager keeps the other list on the page it is at.
    let keep = |page: i64| {
        if page > 1 {
            page.to_string()
        } else {
            String::new()
        }
    };
    let files_filters = vec![("ready_page", keep(ready_page))];
    let ready_filters = vec![("page", keep(page))];
    view! {
        <h2>{t!(i18n, financing.ready_title)}</h2>
        {if list.ready.is_empty() {
            view! { <p class="muted">{t!(i18n, financing.ready_empty)}</p> }.into_any()
        } else {
            let lines = list.ready.into_iter().map(|line| {
                let id = line.line_id;
                let amount = line.amount.map(crate::text::format_riyals).unwrap_or_default();
                view! {
                    <form method="post" action=OpenFinancingFile::PATH class="stack ready-line" data-line=id.to_string()>
                        <h3>{line.head_name_ar.clone()}</h3>
                        <p class="small">{line.description.clone()}</p>
                        <input type="hidden" name="line_id" value=id.to_string() />
                        <label for=format!("activity-{id}")>{t!(i18n, financing.activity)}</label>
                        <select id=format!("activity-{id}") name="activity" required>
                            {CRAFTS.iter().map(|c| view! { <option value=*c><CraftName code=c.to_string() /></option> }).collect_view()}
                        </select>
                        <label for=format!("requested-{id}")>{t!(i18n, financing.requested)}</label>
                        <input id=format!("requested-{id}") name="requested" inputmode="decimal" required value=amount />
                        <label for=format!("months-{id}")>{t!(i18n, financing.months)}</label>
                        <input id=format!("months-{id}") name="months" inputmode="numeric" required value="36" />
                        <label for=format!("birth-{id}")>{t!(i18n, financing.birth_date)}</label>
                        <input id=format!("birth-{id}") name="birth_date" type="date" required />
                        <label for=format!("income-{id}")>{t!(i18n, financing.monthly_income)}</label>
                        <input id=format!("income-{id}") name="monthly_income" inputmode="decimal" required />
                        <label class="choice-row">
                            <input type="checkbox" name="commercial_registration" value="on" />
                            {t!(i18n, financing.has_cr)}
                        </label>
                        <button type="submit" class="button">{t!(i18n, financing.open_file)}</button>
                    </form>
                }
            }).collect_view();
            view! {
                <ListTotal total=list.ready_total />
                {lines}
                <ListPager base=FINANCING_PAGE filters=ready_filters page=ready_page pages=ready_pages
                    param="ready_page" label=t_string!(i18n, financing.ready_title).to_string() />
            }.into_any()
        }}
        <h2>{t!(i18n, financing.files_title)}</h2>
        {if list.files.is_empty() {
            view! { <p class="muted">{t!(i18n, financing.files_empty)}</p> }.into_any()
        } else {
            view! {
                <ListTotal total=list.total />
                <DataTable class="financing-files">
                    <thead><tr>
                        <th>{t!(i18n, financing.family)}</th>
                        <th>{t!(i18n, financing.activity)}</th>
                        <th>{t!(i18n, financing.status)}</th>
                        <th>{t!(i18n, financing.outstanding)}</th>
                        <th>{t!(i18n, financing.arrears)}</th>
                    </tr></thead>
                    <tbody>
                        {list.files.into_iter().map(|f| {
                            let href = format!("{FINANCING_FILE_PAGE}/{}", f.file_id);
                            let bounds = bounds.clone();
                            view! {
                                <tr data-file=f.file_id.to_string()>
                                    <td><a href=href><bdi>{f.head_name_ar}</bdi></a></td>
                                    <td><CraftName code=f.activity /></td>
                                    <td>{match &f.loan {
                                        Some(l) => view! { <LoanStatusBadge status=l.status /> }.into_any(),
                                        None => t!(i18n, financing.status_file).into_any(),
                                    }}</td>
                                    <td>{f.loan.as_ref().map(|l| view! { <Price halalas=l.outstanding /> })}</td>
                                    <td>{f.loan.map(|l| view! { <RangeText range=l.range bounds /> })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </DataTable>
                <ListPager base=FINANCING_PAGE filters=files_filters page pages />
            }.into_any()
        }}
    }
}

/// `/association/financing/exposure`: what the association stands to pay
/// as guarantor, against its limit, and the portfolio's figures.
#[component]
pub fn FinancingExposurePage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_financing_exposure());
    view! {
        <Title text=t_string!(i18n, financing.exposure_title).to_string() />
        <section class="card wide financing">
            <h1>{t!(i18n, financing.exposure_title)}</h1>
            <p class="lead">{t!(i18n, financing.exposure_intro)}</p>
            {loaded(data, |view| view! { <Exposure view /> })}
        </section>
    }
}

#[component]
fn Exposure(view: ExposureView) -> impl IntoView {
    let i18n = use_i18n();
    let over = view.limit.is_some_and(|l| view.figures.exposure > l);
    view! {
        <FiguresList figures=view.figures limit=view.limit />
        {over.then(|| view! { <p class="notice overdue" role="alert">{t!(i18n, financing.over_limit)}</p> })}
        <Breakdowns by_activity=view.by_activity by_district=view.by_district />
        <h2>{t!(i18n, financing.largest)}</h2>
        {if view.largest.is_empty() {
            view! { <p class="muted">{t!(i18n, financing.files_empty)}</p> }.into_any()
        } else {
            view! {
                <DataTable class="largest">
                    <thead><tr>
                        <th>{t!(i18n, financing.reference)}</th>
                        <th>{t!(i18n, financing.family)}</th>
                        <th>{t!(i18n, financing.outstanding)}</th>
                        <th>{t!(i18n, financing.exposure)}</th>
                        <th>{t!(i18n, financing.arrears_days)}</th>
                    </tr></thead>
                    <tbody>
                        {view.largest.into_iter().map(|e| view! {
                            <tr data-reference=e.reference.clone()>
                                <td><a href=format!("{FINANCING_FILE_PAGE}/{}", e.file_id)><bdi>{e.reference.clone()}</bdi></a></td>
                                <td><bdi>{e.head_name_ar}</bdi></td>
                                <td><Price halalas=e.outstanding /></td>
                                <td><Price halalas=e.exposure /></td>
                                <td class={if e.arrears_days > 0 { "overdue" } else { "" }}>{e.arrears_days}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </DataTable>
            }.into_any()
        }}
    }
}

/// Disbursed loans by activity and by district.
#[component]
pub fn Breakdowns(
    by_activity: Vec<super::Breakdown>,
    by_district: Vec<super::Breakdown>,
) -> impl IntoView {
    let i18n = use_i18n();
    let english = crate::ui::is_english();
    if by_activity.is_empty() {
        return ().into_any();
    }
    let head = move |first: AnyView| {
        view! {
            <thead><tr>
                <th>{first}</th>
                <th>{t!(i18n, financing.loans)}</th>
                <th>{t!(i18n, financing.outstanding)}</th>
            </tr></thead>
        }
    };
    view! {
        <h2>{t!(i18n, financing.by_activity)}</h2>
        <DataTable class="by-activity">
            {head(t!(i18n, financing.activity).into_any())}
            <tbody>
                {by_activity.into_iter().map(|b| view! {
                    <tr data-activity=b.key.clone()>
                        <td><CraftName code=b.key.clone() /></td>
                        <td>{b.loans}</td>
                        <td><Price halalas=b.outstanding /></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </DataTable>
        <h2>{t!(i18n, financing.by_district)}</h2>
        <DataTable class="by-district">
            {head(t!(i18n, financing.district).into_any())}
            <tbody>
                {by_district.into_iter().map(|b| view! {
                    <tr>
                        <td>{crate::ui::pick(english, &b.key, &b.name_en)}</td>
                        <td>{b.loans}</td>
                        <td><Price halalas=b.outstanding /></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </DataTable>
    }
    .into_any()
}

/// A portfolio's figures as a definition list.
#[component]
pub fn FiguresList(
    figures: Figures,
    limit: Option<i64>,
    /// Totals across associations: no single limit applies.
    #[prop(optional)]
    totals: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="figures" data-testid="financing-figures">
            <div data-figure="exposure"><dt>{t!(i18n, financing.exposure_total)}</dt><dd><Price halalas=figures.exposure /></dd></div>
            <div data-figure="exposure_in_arrears"><dt>{t!(i18n, financing.exposure_in_arrears)}</dt><dd><Price halalas=figures.exposure_in_arrears /></dd></div>
            {(!totals).then(|| view! {
                <div data-figure="limit"><dt>{t!(i18n, financing.limit)}</dt><dd>{match limit {
                    Some(l) => view! { <Price halalas=l /> }.into_any(),
                    None => t!(i18n, financing.no_limit).into_any(),
                }}</dd></div>
            })}
            <div data-figure="outstanding"><dt>{t!(i18n, financing.portfolio_outstanding)}</dt><dd><Price halalas=figures.outstanding /></dd></div>
            <div data-figure="disbursed"><dt>{t!(i18n, financing.disbursed_this_month)}</dt><dd><Price halalas=figures.disbursed_this_month /></dd></div>
            <div data-figure="par30"><dt>"PAR30"</dt><dd>{percent(figures.par30_bp)}</dd></div>
            <div data-figure="par90"><dt>"PAR90"</dt><dd>{percent(figures.par90_bp)}</dd></div>
            <div data-figure="collection"><dt>{t!(i18n, financing.collection_rate)}</dt><dd>{percent(figures.collection_bp)}</dd></div>
            <div data-figure="loans"><dt>{t!(i18n, financing.loans)}</dt><dd>{figures.loans}</dd></div>
            <div data-figure="written_off"><dt>{t!(i18n, financing.written_off)}</dt><dd><Price halalas=figures.written_off /></dd></div>
        </dl>
    }
}

/// A loan: where it stands, its schedule, repayments and guarantees.
#[component]
pub fn LoanView(loan: LoanDetail) -> impl IntoView {
    let i18n = use_i18n();
    let s = loan.summary.clone();
    view! {
        <div class="loan" data-loan=s.reference.clone() data-arrears=s.arrears_days.to_string()>
            <dl class="figures">
                <div><dt>{t!(i18n, financing.reference)}</dt><dd><bdi>{s.reference.clone()}</bdi></dd></div>
                <div><dt>{t!(i18n, financing.status)}</dt><dd><LoanStatusBadge status=s.status /></dd></div>
                <div><dt>{t!(i18n, financing.principal)}</dt><dd><Price halalas=s.principal /></dd></div>
                <div><dt>{t!(i18n, financing.repaid)}</dt><dd><Price halalas=loan.repaid /></dd></div>
                <div><dt>{t!(i18n, financing.outstanding)}</dt><dd><Price halalas=s.outstanding /></dd></div>
                <div data-figure="due_now"><dt>{t!(i18n, financing.due_now)}</dt><dd><Price halalas=loan.due_now /></dd></div>
                <div data-figure="arrears"><dt>{t!(i18n, financing.arrears_days)}</dt><dd class={if s.arrears_days > 0 { "overdue" } else { "" }}>{s.arrears_days}</dd></div>
                <div><dt>{t!(i18n, financing.arrears)}</dt><dd><RangeText range=s.range bounds=loan.bounds.clone() /></dd></div>
                {loan.written_off_on.clone().map(|on| view! {
                    <div data-figure="written_off"><dt>{t!(i18n, financing.written_off_on)}</dt><dd>
                        <span class="date">{on}</span> " · " <Price halalas=loan.written_off />
                        " · " <span data-testid="write-off-reason">{loan.written_off_reason.clone().unwrap_or_default()}</span>
                    </dd></div>
                })}
                {loan.next_due.clone().map(|n| view! {
                    <div><dt>{t!(i18n, financing.next_due)}</dt><dd><span class="date">{n.due_on}</span> " · " <Price halalas=n.amount - n.paid /></dd></div>
                })}
            </dl>
            {(!loan.instalments.is_empty()).then(|| view! {
                <h3>{t!(i18n, financing.schedule)}</h3>
                {(loan.schedule_no > 1).then(|| view! { <p class="small muted" data-testid="rescheduled">{t!(i18n, financing.rescheduled_note)}</p> })}
                <DataTable class="schedule">
                    <thead><tr>
                        <th>"#"</th>
                        <th>{t!(i18n, financing.due_on)}</th>
                        <th>{t!(i18n, financing.amount)}</th>
                        <th>{t!(i18n, financing.paid)}</th>
                    </tr></thead>
                    <tbody>
                        {loan.instalments.iter().cloned().map(|i| {
                            let class = if i.late { "late" } else if i.paid == i.amount { "paid" } else { "" };
                            view! {
                                <tr class=class data-instalment=i.number.to_string()>
                                    <td>{i.number}</td>
                                    <td><span class="date">{i.due_on}</span>{i.late.then(|| view! { " " <span class="pill overdue">{t!(i18n, financing.late)}</span> })}</td>
                                    <td><Price halalas=i.amount /></td>
                                    <td><Price halalas=i.paid /></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </DataTable>
            })}
            {(!loan.repayments.is_empty()).then(|| view! {
                <h3>{t!(i18n, financing.repayments)}</h3>
                <ul class="repayments">
                    {loan.repayments.iter().cloned().map(|r| view! {
                        <li data-source=r.source.clone()>
                            <span class="date">{r.paid_on}</span> " · " <Price halalas=r.amount />
                            " · " <SourceText source=r.source.clone() />
                        </li>
                    }).collect_view()}
                </ul>
            })}
            {(!loan.guarantees.is_empty()).then(|| view! {
                <h3>{t!(i18n, financing.guarantees)}</h3>
                <ul class="guarantees">
                    {loan.guarantees.iter().map(|g| view! {
                        <li data-kafala=super::kafala_str(g.kind)>
                            <GuaranteeText guarantor=g.guarantor kind=g.kind />
                            {g.name.clone().map(|n| view! { " · " <bdi>{n}</bdi> })}
                            " · " {percent(g.share_basis_points)}
                            " · " {t!(i18n, financing.exposure)} " " <Price halalas=g.exposure />
                            {(g.called > 0).then(|| view! {
                                <br />
                                <span data-testid="guarantee-position" data-position=g.position().to_string()>
                                    {t!(i18n, financing.called)} " " <Price halalas=g.called />
                                    " · " {t!(i18n, financing.recovered)} " " <Price halalas=g.recovered />
                                    " · " {t!(i18n, financing.position)} " " <Price halalas=g.position() />
                                </span>
                            })}
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
}
