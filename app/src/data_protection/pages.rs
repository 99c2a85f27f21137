//! The data-protection officer's pages: the breach register, one breach
//! with the families to notify, and the retention table with the job's
//! recent runs. Plain forms: they work without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::api::{
    AddBreachHouseholds, MarkBreachNotified, RecordBreach, RunRetentionNow, get_breach,
    get_breaches, get_retention_page,
};
use super::{
    BREACHES_PAGE, BreachList, BreachPage, BreachStatus, BreachSummary, RetentionPage,
    RetentionPolicy, RetentionRun, Rule, StartedBy,
};
use crate::i18n::*;
use crate::time::{format_date, format_time_of_day};
use crate::ui::{DataTable, EmptyState, ErrorAlert, error_from_query, id_param, loaded};

/// A time as `YYYY-MM-DD HH:MM`, Saudi time.
fn moment(at: i64) -> String {
    format!("{} {}", format_date(at), format_time_of_day(at))
}

/// The status mark of a breach, overdue first.
#[component]
fn BreachMark(breach: BreachSummary, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    if breach.overdue(now) {
        return view! { <span class="mark mark-overdue">{t!(i18n, data_protection.overdue)}</span> }
            .into_any();
    }
    match breach.status() {
        BreachStatus::Open => {
            view! { <span class="mark mark-overlap">{t!(i18n, data_protection.status_open)}</span> }
                .into_any()
        }
        BreachStatus::AuthorityNotified => view! {
            <span class="mark mark-ok">{t!(i18n, data_protection.status_authority)}</span>
        }
        .into_any(),
        BreachStatus::FamiliesNotified => view! {
            <span class="mark mark-ok">{t!(i18n, data_protection.status_families)}</span>
        }
        .into_any(),
    }
}

/// `/data-protection/breaches`: the register and the form to record one.
#[component]
pub fn BreachesPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_breaches());
    view! {
        <Title text=t_string!(i18n, data_protection.breaches_title).to_string() />
        <h1>{t!(i18n, data_protection.breaches_title)}</h1>
        <p class="lead">{t!(i18n, data_protection.breaches_intro)}</p>
        {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
        {loaded(data, |list| view! { <BreachTable list /> <RecordForm /> })}
    }
}

#[component]
fn BreachTable(list: BreachList) -> impl IntoView {
    let i18n = use_i18n();
    let now = list.now;
    if list.breaches.is_empty() {
        return view! { <EmptyState>{t!(i18n, data_protection.no_breaches)}</EmptyState> }
            .into_any();
    }
    view! {
        <DataTable>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, data_protection.what)}</th>
                    <th scope="col">{t!(i18n, data_protection.discovered)}</th>
                    <th scope="col">{t!(i18n, data_protection.deadline)}</th>
                    <th scope="col">{t!(i18n, data_protection.status)}</th>
                    <th scope="col">{t!(i18n, data_protection.households)}</th>
                </tr>
            </thead>
            <tbody>
                {list.breaches.into_iter().map(|b| {
                    let overdue = b.overdue(now);
                    view! {
                        <tr class:overdue=overdue>
                            <td><a href=format!("{BREACHES_PAGE}/{}", b.id)>{b.summary.chars().take(80).collect::<String>()}</a></td>
                            <td><span class="date">{moment(b.discovered_at)}</span></td>
                            <td><span class="date">{moment(b.deadline())}</span></td>
                            <td><BreachMark breach=b.clone() now /></td>
                            <td>{b.households}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </DataTable>
    }
    .into_any()
}

#[component]
fn RecordForm() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form method="post" action=RecordBreach::PATH class="stack card spaced" id="record-breach">
            <h2>{t!(i18n, data_protection.record_title)}</h2>
            <div class="field">
                <label for="breach-summary">{t!(i18n, data_protection.what)}</label>
                <textarea id="breach-summary" name="summary" rows="3" maxlength="4000" required></textarea>
            </div>
            <div class="field">
                <label for="discovered-date">{t!(i18n, data_protection.discovered_date)}</label>
                <input id="discovered-date" name="discovered_date" type="date" required dir="ltr" />
            </div>
            <div class="field">
                <label for="discovered-time">{t!(i18n, data_protection.discovered_time)}</label>
                <input id="discovered-time" name="discovered_time" type="time" dir="ltr" aria-describedby="discovered-hint" />
                <p class="hint" id="discovered-hint">{t!(i18n, data_protection.discovered_hint)}</p>
            </div>
            <HouseholdsField />
            <button type="submit" class="button">{t!(i18n, data_protection.record)}</button>
        </form>
    }
}

/// The list of households: national IDs or household numbers.
#[component]
fn HouseholdsField() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for="breach-households">{t!(i18n, data_protection.households_field)}</label>
            <textarea id="breach-households" name="households" rows="3" dir="ltr" required aria-describedby="households-hint"></textarea>
            <p class="hint" id="households-hint">{t!(i18n, data_protection.households_hint)}</p>
        </div>
    }
}

/// `/data-protection/breaches/<id>`: the breach, its deadline and status,
/// and the families to notify.
#[component]
pub fn BreachPageView() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param().unwrap_or(0);
    let data = Resource::new_blocking(|| (), move |_| get_breach(id));
    view! {
        <Title text=t_string!(i18n, data_protection.breach_title).to_string() />
        {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
        {loaded(data, |page| view! { <BreachDetail page /> })}
        <p><a href=BREACHES_PAGE>{t!(i18n, data_protection.back_to_register)}</a></p>
    }
}

#[component]
fn BreachDetail(page: BreachPage) -> impl IntoView {
    let i18n = use_i18n();
    let b = page.breach.clone();
    let now = page.now;
    let id = b.id.to_string();
    view! {
        <h1>{t!(i18n, data_protection.breach_title)} " " <bdi dir="ltr">"#" {b.id}</bdi></h1>
        <section class="card">
            <p class="prose">{b.summary.clone()}</p>
            <dl class="facts stacked">
                <dt>{t!(i18n, data_protection.discovered)}</dt>
                <dd><span class="date">{moment(b.discovered_at)}</span></dd>
                <dt>{t!(i18n, data_protection.deadline)}</dt>
                <dd><span class="date">{moment(b.deadline())}</span> " " <BreachMark breach=b.clone() now /></dd>
                <dt>{t!(i18n, data_protection.authority_notified)}</dt>
                <dd>{match b.authority_notified_at {
                    Some(at) => view! {
                        <span class="date">{moment(at)}</span>
                        {b.notified_late().then(|| view! { " " <span class="mark mark-overdue">{t!(i18n, data_protection.late)}</span> })}
                    }.into_any(),
                    None => t!(i18n, data_protection.not_yet).into_any(),
                }}</dd>
                <dt>{t!(i18n, data_protection.families_notified)}</dt>
                <dd>{match b.families_notified_at {
                    Some(at) => view! { <span class="date">{moment(at)}</span> }.into_any(),
                    None => t!(i18n, data_protection.not_yet).into_any(),
                }}</dd>
            </dl>
            <div class="actions">
                {b.authority_notified_at.is_none().then(|| view! {
                    <form method="post" action=MarkBreachNotified::PATH class="inline-form">
                        <input type="hidden" name="breach_id" value=id.clone() />
                        <input type="hidden" name="who" value="authority" />
                        <button type="submit" class="button">{t!(i18n, data_protection.mark_authority)}</button>
                    </form>
                })}
                {(b.authority_notified_at.is_some() && b.families_notified_at.is_none()).then(|| view! {
                    <form method="post" action=MarkBreachNotified::PATH class="inline-form">
                        <input type="hidden" name="breach_id" value=id.clone() />
                        <input type="hidden" name="who" value="families" />
                        <button type="submit" class="button">{t!(i18n, data_protection.mark_families)}</button>
                    </form>
                })}
            </div>
        </section>
        <section class="card">
            <h2>{t!(i18n, data_protection.families_title)}</h2>
            <p class="hint">{t!(i18n, data_protection.families_hint)}</p>
            {if page.families.is_empty() {
                view! { <EmptyState>{t!(i18n, data_protection.no_families)}</EmptyState> }.into_any()
            } else {
                view! {
                    <DataTable>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, data_protection.household_number)}</th>
                                <th scope="col">{t!(i18n, data_protection.head)}</th>
                                <th scope="col">{t!(i18n, data_protection.national_id)}</th>
                                <th scope="col">{t!(i18n, data_protection.phone)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page.families.into_iter().map(|f| view! {
                                <tr>
                                    <td><bdi dir="ltr">{f.household_id}</bdi></td>
                                    <td>{f.head_name}</td>
                                    <td><bdi dir="ltr">{f.masked_national_id}</bdi></td>
                                    <td>{match f.phone {
                                        Some(phone) => view! { <a dir="ltr" href=format!("tel:{phone}")>{phone.clone()}</a> }.into_any(),
                                        None => view! { <span class="muted">"—"</span> }.into_any(),
                                    }}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </DataTable>
                }.into_any()
            }}
            <form method="post" action=AddBreachHouseholds::PATH class="stack" id="add-households">
                <input type="hidden" name="breach_id" value=id />
                <HouseholdsField />
                <button type="submit" class="button secondary">{t!(i18n, data_protection.add_households)}</button>
            </form>
        </section>
    }
}

/// `/data-protection/retention`: the table in force and the recent runs.
#[component]
pub fn RetentionPageView() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_retention_page());
    view! {
        <Title text=t_string!(i18n, data_protection.retention_title).to_string() />
        <h1>{t!(i18n, data_protection.retention_title)}</h1>
        <p class="lead">{t!(i18n, data_protection.retention_intro)}</p>
        {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
        {loaded(data, |page| view! { <RetentionDetail page /> })}
    }
}

/// A period in days (or hours under a day).
fn period(secs: i64) -> String {
    let i18n = use_i18n();
    if secs < 86_400 {
        let hours = (secs / 3600).max(1);
        format!("{hours} {}", t_string!(i18n, data_protection.hours))
    } else {
        let days = secs / 86_400;
        format!("{days} {}", t_string!(i18n, data_protection.days))
    }
}

fn rule_name(rule: Rule) -> AnyView {
    let i18n = use_i18n();
    match rule {
        Rule::SignInAttempts => t!(i18n, data_protection.rule_sign_in_attempts).into_any(),
        Rule::SimulatorRequests => t!(i18n, data_protection.rule_simulator_requests).into_any(),
        Rule::RateLimits => t!(i18n, data_protection.rule_rate_limits).into_any(),
        Rule::Sessions => t!(i18n, data_protection.rule_sessions).into_any(),
        Rule::FormDrafts => t!(i18n, data_protection.rule_form_drafts).into_any(),
        Rule::ImportRows => t!(i18n, data_protection.rule_import_rows).into_any(),
        Rule::AbandonedImports => t!(i18n, data_protection.rule_abandoned_imports).into_any(),
        Rule::AuditEvents => t!(i18n, data_protection.rule_audit_events).into_any(),
        Rule::RetentionRuns => t!(i18n, data_protection.rule_retention_runs).into_any(),
        Rule::MessageBodies => t!(i18n, data_protection.rule_message_bodies).into_any(),
    }
}

#[component]
fn RetentionDetail(page: RetentionPage) -> impl IntoView {
    let i18n = use_i18n();
    let policy: RetentionPolicy = page.policy;
    view! {
        <section class="card">
            <h2>{t!(i18n, data_protection.table_title)}</h2>
            <DataTable>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, data_protection.what_is_deleted)}</th>
                        <th scope="col">{t!(i18n, data_protection.kept_for)}</th>
                    </tr>
                </thead>
                <tbody>
                    {Rule::ALL.into_iter().map(|rule| view! {
                        <tr>
                            <td>{rule_name(rule)} <br /><code dir="ltr" class="small muted">{rule.table()}</code></td>
                            <td>{if rule == Rule::Sessions {
                                format!("{} / {}", period(policy.session_idle_secs), period(policy.session_absolute_secs))
                            } else {
                                period(policy.kept_secs(rule))
                            }}</td>
                        </tr>
                    }).collect_view()}
                    <tr>
                        <td>{t!(i18n, data_protection.rule_deleted_households)} <br /><code dir="ltr" class="small muted">"households"</code></td>
                        <td>{t!(i18n, data_protection.on_approval)}</td>
                    </tr>
                </tbody>
            </DataTable>
            <p class="hint">{t!(i18n, data_protection.table_hint)}</p>
        </section>
        <section class="card">
            <h2>{t!(i18n, data_protection.runs_title)}</h2>
            <form method="post" action=RunRetentionNow::PATH class="inline-form">
                <button type="submit" class="button secondary">{t!(i18n, data_protection.run_now)}</button>
            </form>
            {if page.runs.is_empty() {
                view! { <EmptyState>{t!(i18n, data_protection.no_runs)}</EmptyState> }.into_any()
            } else {
                view! { <ul class="runs">{page.runs.into_iter().map(|run| view! { <RunItem run /> }).collect_view()}</ul> }.into_any()
            }}
        </section>
    }
}

#[component]
fn RunItem(run: RetentionRun) -> impl IntoView {
    let i18n = use_i18n();
    let total: i64 = run.deleted.iter().map(|(_, n)| n).sum();
    let by = match run.started_by {
        StartedBy::Schedule => t!(i18n, data_protection.by_schedule).into_any(),
        StartedBy::CommandLine => t!(i18n, data_protection.by_command_line).into_any(),
        StartedBy::Officer => t!(i18n, data_protection.by_officer).into_any(),
    };
    let outcome = match run.outcome.as_str() {
        "done" => view! { <span class="mark mark-ok">{t!(i18n, data_protection.run_done)}</span> }
            .into_any(),
        "failed" => {
            view! { <span class="mark mark-overdue">{t!(i18n, data_protection.run_failed)}</span> }
                .into_any()
        }
        _ => {
            view! { <span class="mark mark-overlap">{t!(i18n, data_protection.run_running)}</span> }
                .into_any()
        }
    };
    let deleted: Vec<(Rule, i64)> = run.deleted.into_iter().filter(|(_, n)| *n > 0).collect();
    view! {
        <li class="run">
            <p>
                <span class="date">{moment(run.started_at)}</span> " · " {by} " · " {outcome} " · "
                {t!(i18n, data_protection.deleted_total, n = move || total)}
            </p>
            {(!deleted.is_empty()).then(|| view! {
                <ul class="small">
                    {deleted.into_iter().map(|(rule, n)| view! {
                        <li>{rule_name(rule)} ": " <bdi dir="ltr">{n}</bdi></li>
                    }).collect_view()}
                </ul>
            })}
        </li>
    }
}
