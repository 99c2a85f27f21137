//! The association's pages (and the council's): the queue, a line's
//! detail with the household's record, and "our families".

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::super::api::{
    ActOnLine, AddLineNote, FamiliesView, LineDetail, QueueOwner, QueueView, get_line_detail,
    get_our_families, get_queue,
};
use super::super::{FAMILIES_PAGE, LineState, QUEUE_PAGE, QUEUE_PAGE_SIZE, is_overdue, line_url};
use super::documents::LineDocuments;
use super::{BenefitList, StateBadge, query_number};
use crate::i18n::*;
use crate::registry::claims::VerifyMemberForm;
use crate::registry::pages::RelationName;
use crate::text::format_riyals;
use crate::time::format_date;
use crate::ui::{
    DataTable, DualDate, ErrorAlert, Pager, error_from_query, is_english, loaded, pick,
};

/// `/association/queue`: the lines with this association (or the council's unrouted ones).
#[component]
pub fn QueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let (state, sort) = query.with_untracked(|q| (q.get("state"), q.get("sort")));
    let (association, type_id, district, age, page) = (
        query_number("association"),
        query_number("type"),
        query_number("district"),
        query_number("age"),
        query_number("page"),
    );
    let data = Resource::new_blocking(
        || (),
        move |_| {
            get_queue(
                association,
                state.clone(),
                type_id,
                district,
                age,
                sort.clone(),
                page,
            )
        },
    );
    let error = error_from_query();
    view! {
        <Title text=t_string!(i18n, queue.title).to_string() />
        <section class="card wide">
            {error.map(|key| view! { <ErrorAlert key /> })}
            {loaded(data, |queue| view! { <Queue queue /> })}
        </section>
    }
}

#[component]
fn OwnerHeading(owner: QueueOwner, base: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let name = match &owner.association {
        Some(a) => pick(english, &a.name_ar, &a.name_en),
        None => t_string!(i18n, queue.council_queue).to_string(),
    };
    let current = owner.association.as_ref().map(|a| a.id);
    view! {
        <h1>{name}</h1>
        <nav class="tabs" aria-label=move || t_string!(i18n, queue.sections)>
            <a href=QUEUE_PAGE aria-current=(base == QUEUE_PAGE).then_some("page")>{t!(i18n, queue.title)}</a>
            <a href=FAMILIES_PAGE aria-current=(base == FAMILIES_PAGE).then_some("page")>{t!(i18n, families.title)}</a>
            // The continuity lists are a caseworker's (an association's staff), and so
            // is the association's dashboard.
            {current.is_some().then(|| view! {
                <a href=crate::paths::ASSOCIATION_SEARCH_PAGE>{t!(i18n, search.nav)}</a>
                <a href=crate::paths::CONTINUITY_PAGE>{t!(i18n, continuity.nav)}</a>
                <a href=crate::paths::ASSOCIATION_DASHBOARD_PAGE>{t!(i18n, reporting.nav)}</a>
            })}
            <a href=crate::paths::WALK_IN_PAGE>{t!(i18n, walk_in.title)}</a>
            <a href=crate::paths::MODERATION_PAGE>{t!(i18n, moderation.title)}</a>
            <a href=crate::paths::MANAGE_PAGE>{t!(i18n, training.manage_nav_link)}</a>
            <a href=crate::paths::MATRIX_PAGE>{t!(i18n, coverage.matrix_title)}</a>
        </nav>
        {(owner.choices.len() > 1).then(|| view! {
            <form method="get" action=base class="filters">
                <div class="field">
                    <label for="association">{t!(i18n, queue.association)}</label>
                    <select id="association" name="association">
                        {owner.choices.iter().map(|a| view! {
                            <option value=a.id.to_string() selected=current == Some(a.id)>{pick(english, &a.name_ar, &a.name_en)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button secondary">{t!(i18n, queue.switch)}</button>
            </form>
        })}
    }
}

#[component]
fn Queue(queue: QueueView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let f = queue.filter.clone();
    let association_param = queue
        .owner
        .association
        .as_ref()
        .map(|a| format!("association={}&", a.id))
        .unwrap_or_default();
    let link = {
        let association_param = association_param.clone();
        let f = f.clone();
        move |state: Option<LineState>, page: i64| {
            let mut q = association_param.clone();
            if let Some(s) = state {
                q.push_str(&format!("state={}&", s.as_str()));
            }
            if let Some(t) = f.assistance_type_id {
                q.push_str(&format!("type={t}&"));
            }
            if let Some(d) = f.district_id {
                q.push_str(&format!("district={d}&"));
            }
            if let Some(a) = f.older_than_days {
                q.push_str(&format!("age={a}&"));
            }
            if f.newest_first {
                q.push_str("sort=newest&");
            }
            format!("{QUEUE_PAGE}?{q}page={page}")
        }
    };
    let counts = queue
        .counts
        .iter()
        .map(|(s, n)| {
            let current = f.state == Some(*s);
            view! {
                <li>
                    <a href=link(Some(*s), 1) aria-current=current.then_some("true")>
                        <StateBadge state=*s /> " " <span class="count">{*n}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let now = queue.now;
    let rows = queue
        .lines
        .iter()
        .map(|l| {
            let overdue = is_overdue(l.state, l.last_action_at, now);
            let age_days = (now - l.created_at) / 86_400;
            let district = l
                .district_name_ar
                .as_ref()
                .map(|ar| pick(english, ar, l.district_name_en.as_deref().unwrap_or("")));
            view! {
                <tr class:overdue=overdue data-line-id=l.id.to_string()>
                    <td><a href=line_url(l.id)>"#" {l.id}</a></td>
                    <td>{pick(english, &l.type_name_ar, &l.type_name_en)}</td>
                    <td>{l.head_name_ar.clone()}</td>
                    <td>{district}</td>
                    <td>
                        <StateBadge state=l.state />
                        {overdue.then(|| view! { " " <span class="mark mark-overdue">{t!(i18n, queue.overdue)}</span> })}
                        {l.possible_duplicate.then(|| view! { " " <span class="mark mark-duplicate">{t!(i18n, queue.possible_duplicate)}</span> })}
                        {l.awaiting_head().then(|| view! { " " <super::counter::AwaitingMark /> })}
                        {l.association_suspended.then(|| view! { " " <span class="mark">{t!(i18n, queue.association_suspended)}</span> })}
                    </td>
                    <td>{age_days} " " {t!(i18n, queue.days)}</td>
                </tr>
            }
        })
        .collect_view();
    let page = f.page;
    let pages = (queue.total + QUEUE_PAGE_SIZE - 1) / QUEUE_PAGE_SIZE;
    let type_selected = f.assistance_type_id;
    let district_selected = f.district_id;
    let age_option = move |days: i64, label: AnyView| {
        view! { <option value=days.to_string() selected=f.older_than_days == Some(days)>{label}</option> }
    };
    view! {
        <OwnerHeading owner=queue.owner.clone() base=QUEUE_PAGE />
        <ul class="state-counts">
            <li><a href=link(None, 1) aria-current=f.state.is_none().then_some("true")>{t!(i18n, queue.all_states)}</a></li>
            {counts}
        </ul>
        <form method="get" action=QUEUE_PAGE class="filters">
            {queue.owner.association.as_ref().map(|a| view! { <input type="hidden" name="association" value=a.id.to_string() /> })}
            {f.state.map(|s| view! { <input type="hidden" name="state" value=s.as_str() /> })}
            <div class="field">
                <label for="type">{t!(i18n, coverage.assistance_type)}</label>
                <select id="type" name="type">
                    <option value="">{t!(i18n, queue.any)}</option>
                    {queue.types.iter().map(|t| view! {
                        <option value=t.id.to_string() selected=type_selected == Some(t.id)>{pick(english, &t.name_ar, &t.name_en)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="district">{t!(i18n, queue.district)}</label>
                <select id="district" name="district">
                    <option value="">{t!(i18n, queue.any)}</option>
                    {queue.districts.iter().map(|d| view! {
                        <option value=d.id.to_string() selected=district_selected == Some(d.id)>{pick(english, &d.name_ar, &d.name_en)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="age">{t!(i18n, queue.age)}</label>
                <select id="age" name="age">
                    <option value="">{t!(i18n, queue.any)}</option>
                    {age_option(7, t!(i18n, queue.older_7).into_any())}
                    {age_option(30, t!(i18n, queue.older_30).into_any())}
                </select>
            </div>
            <div class="field">
                <label for="sort">{t!(i18n, queue.sort)}</label>
                <select id="sort" name="sort">
                    <option value="oldest" selected=!f.newest_first>{t!(i18n, queue.oldest_first)}</option>
                    <option value="newest" selected=f.newest_first>{t!(i18n, queue.newest_first)}</option>
                </select>
            </div>
            <button type="submit" class="button secondary">{t!(i18n, coverage.apply_filter)}</button>
        </form>
        <p class="muted small">{t!(i18n, queue.total)} ": " <span data-testid="queue-total">{queue.total}</span></p>
        {if queue.lines.is_empty() {
            view! { <p class="muted">{t!(i18n, queue.empty)}</p> }.into_any()
        } else {
            view! {
                <DataTable class="queue">
                        <thead>
                            <tr>
                                <th scope="col">"#"</th>
                                <th scope="col">{t!(i18n, coverage.assistance_type)}</th>
                                <th scope="col">{t!(i18n, queue.head)}</th>
                                <th scope="col">{t!(i18n, coverage.district)}</th>
                                <th scope="col">{t!(i18n, coverage.status)}</th>
                                <th scope="col">{t!(i18n, queue.age)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </DataTable>
            }.into_any()
        }}
        {(pages > 1).then(|| view! {
            <Pager
                prev=(page > 1).then(|| link(f.state, page - 1))
                next=(page < pages).then(|| link(f.state, page + 1))
                position=format!("{page} / {pages}")
            />
        })}
    }
}

/// `/association/lines/<id>`: the line, the household's full record (audited), decisions, notes.
#[component]
pub fn LinePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let error = error_from_query();
    let data = Resource::new_blocking(
        || (),
        move |_| async move {
            match id {
                Some(id) => get_line_detail(id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, line.title).to_string() />
        <section class="card wide">
            {error.map(|key| view! { <ErrorAlert key id="line-error" /> })}
            {loaded(data, |detail| view! { <Line detail /> })}
        </section>
    }
}

#[component]
fn Line(detail: LineDetail) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let line = detail.line.clone();
    let household = detail.household.clone();
    let id = line.id.to_string();
    let action_form = {
        let id = id.clone();
        move |action: &'static str, label: AnyView, class: &'static str| {
            view! {
                <form method="post" action=ActOnLine::PATH class="inline-form">
                    <input type="hidden" name="line_id" value=id.clone() />
                    <input type="hidden" name="action" value=action />
                    <button type="submit" class=format!("button {class}")>{label}</button>
                </form>
            }
        }
    };
    let has = |a: &str| detail.actions.iter().any(|x| x == a);
    let back = line_url(detail.line.id);
    let members = household
        .members
        .iter()
        .map(|m| {
            // A member's ID that is only a claim: staff may confirm it from
            // the documents the family shows at the counter.
            let claim = (m.national_id.is_some() && !m.id_confirmed).then(|| view! {
                <span class="muted">" · " {t!(i18n, claims.unconfirmed)}</span>
                <VerifyMemberForm member_id=m.id next=back.clone() />
            });
            view! {
                <li>
                    {m.full_name.clone()} " · " <span class="muted"><RelationName code=m.relation.clone() /> " · " <span class="date">{m.birth_date.clone()}</span></span>
                    {m.national_id.clone().map(|n| view! { " · " <bdi dir="ltr">{n}</bdi> })}
                    {claim}
                </li>
            }
        })
        .collect_view();
    let events = detail
        .events
        .iter()
        .map(|e| {
            let by = e
                .association_name_ar
                .as_ref()
                .map(|ar| pick(english, ar, e.association_name_en.as_deref().unwrap_or("")));
            view! {
                <li>
                    <DualDate unix=e.occurred_at /> " " <StateBadge state=e.to_state />
                    {by.map(|b| view! { " · " {b} })}
                    {e.member_name.clone().map(|n| view! { " · " <span data-testid="by-member">{t!(i18n, line.by_member)} " " {n}</span> })}
                    {e.note.clone().map(|n| view! { " · " <q>{n}</q> })}
                </li>
            }
        })
        .collect_view();
    let notes = detail
        .notes
        .iter()
        .map(|n| {
            view! {
                <li>
                    <p>{n.body.clone()}</p>
                    <p class="muted small">{n.author_name.clone()} " · " {format_date(n.created_at)}</p>
                </li>
            }
        })
        .collect_view();
    let others = detail
        .other_lines
        .iter()
        .map(|l| {
            view! {
                <li>
                    {pick(english, &l.type_name_ar, &l.type_name_en)} " · " <StateBadge state=l.state />
                    {l.awaiting_head.then(|| view! { " " <super::counter::AwaitingMark /> })}
                    {l.association_name_ar.as_ref().map(|ar| view! {
                        " · " {pick(english, ar, l.association_name_en.as_deref().unwrap_or(""))}
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <p><a href=QUEUE_PAGE>{t!(i18n, line.back_to_queue)}</a></p>
        <h1>{pick(english, &line.type_name_ar, &line.type_name_en)} " #" {line.id}</h1>
        <p><StateBadge state=line.state />
            {line.possible_duplicate.then(|| view! { " " <span class="mark mark-duplicate">{t!(i18n, queue.possible_duplicate)}</span> })}
            {line.awaiting_head().then(|| view! { " " <super::counter::AwaitingMark /> })}
        </p>
        {line.awaiting_head().then(|| view! { <p class="alert" role="note">{t!(i18n, errors.awaiting_head_confirmation)}</p> })}
        <p class="no-print"><a href=format!("{}/{}", crate::paths::HOUSEHOLD_FILE_PAGE, line.household_id)>{t!(i18n, counter.file_link)}</a>
            " · " <a href=format!("{}/{}", crate::paths::RECEIPT_PAGE, line.application_id)>{t!(i18n, counter.receipt_link)}</a></p>
        {line.association_suspended.then(|| view! { <p class="alert alert-error" role="note">{t!(i18n, queue.association_suspended_notice)}</p> })}
        <dl class="facts">
            <dt>{t!(i18n, line.need)}</dt>
            <dd>{line.description.clone()}</dd>
            {line.amount_halalas.map(|a| view! { <dt>{t!(i18n, applications.amount_label)}</dt><dd><bdi dir="ltr">{format_riyals(a)}</bdi> " " {t!(i18n, line.riyal)}</dd> })}
            <dt>{t!(i18n, line.submitted_on)}</dt>
            <dd><DualDate unix=line.created_at /></dd>
            {line.referred_from_name_ar.clone().map(|ar| view! {
                <dt>{t!(i18n, line.referred_from)}</dt>
                <dd>{pick(english, &ar, line.referred_from_name_en.as_deref().unwrap_or(""))}
                    {line.referral_note.clone().map(|n| view! { " · " <q>{n}</q> })}</dd>
            })}
            {line.decision_reason.clone().map(|r| view! { <dt>{t!(i18n, applications.reason)}</dt><dd>{r}</dd> })}
        </dl>

        {(!detail.actions.is_empty()).then(|| view! {
            <h2>{t!(i18n, line.decide)}</h2>
            <div class="actions">
                {has("start_review").then(|| action_form("start_review", t!(i18n, line.start_review).into_any(), "primary"))}
                {has("accept_referral").then(|| action_form("accept_referral", t!(i18n, line.accept_referral).into_any(), "primary"))}
                {has("approve").then(|| action_form("approve", t!(i18n, line.approve).into_any(), "primary"))}
            </div>
            {has("fulfil").then(|| view! {
                <form method="post" action=ActOnLine::PATH class="stack">
                    <input type="hidden" name="line_id" value=id.clone() />
                    <input type="hidden" name="action" value="fulfil" />
                    <h3>{t!(i18n, line.fulfil_title)}</h3>
                    <div class="field">
                        <label for="value">{t!(i18n, line.benefit_value)}</label>
                        <input id="value" name="value" type="text" inputmode="decimal" dir="ltr" aria-describedby="line-error" />
                    </div>
                    <div class="field">
                        <label for="given-on">{t!(i18n, line.benefit_date)}</label>
                        <input id="given-on" name="given_on" type="date" required value=detail.today.clone() />
                    </div>
                    <button type="submit" class="button primary">{t!(i18n, line.fulfil)}</button>
                </form>
            })}
            {has("reject").then(|| view! {
                <form method="post" action=ActOnLine::PATH class="stack">
                    <input type="hidden" name="line_id" value=id.clone() />
                    <input type="hidden" name="action" value="reject" />
                    <div class="field">
                        <label for="reason">{t!(i18n, line.reject_reason)}</label>
                        <textarea id="reason" name="note" rows="2" required aria-describedby="line-error"></textarea>
                    </div>
                    <button type="submit" class="button danger">{t!(i18n, line.reject)}</button>
                </form>
            })}
            {has("refer").then(|| view! {
                <form method="post" action=ActOnLine::PATH class="stack">
                    <input type="hidden" name="line_id" value=id.clone() />
                    <input type="hidden" name="action" value="refer" />
                    <div class="field">
                        <label for="to">{t!(i18n, line.refer_to)}</label>
                        <select id="to" name="to_association_id">
                            {detail.referral_targets.iter().map(|a| view! {
                                <option value=a.id.to_string()>{pick(english, &a.name_ar, &a.name_en)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="refer-note">{t!(i18n, line.refer_note)}</label>
                        <textarea id="refer-note" name="note" rows="2" required></textarea>
                    </div>
                    <button type="submit" class="button secondary">{t!(i18n, line.refer)}</button>
                </form>
            })}
        })}

        <LineDocuments documents=detail.documents.clone() />

        <h2>{t!(i18n, line.household)}</h2>
        <dl class="facts">
            <dt>{t!(i18n, queue.head)}</dt>
            <dd>{household.head_name_ar.clone()} " · " <bdi dir="ltr">{detail.head_national_id_masked.clone()}</bdi>
                {(!household.verified).then(|| view! { " " <span class="mark mark-gap">{t!(i18n, line.not_verified)}</span> })}</dd>
            <dt>{t!(i18n, household.phone_label)}</dt>
            <dd><bdi dir="ltr">{household.phone.clone().and_then(|p| crate::registry::SaudiPhone::parse(&p).ok()).map(|p| p.local())}</bdi></dd>
            <dt>{t!(i18n, coverage.district)}</dt>
            <dd>{line.district_name_ar.clone().map(|ar| pick(english, &ar, line.district_name_en.as_deref().unwrap_or("")))}
                {household.address.clone().map(|a| view! { " · " {a} })}</dd>
            <dt>{t!(i18n, household.dependants_label)}</dt>
            <dd>{household.dependants}</dd>
        </dl>
        {(!household.members.is_empty()).then(|| view! { <ul class="members">{members}</ul> })}

        <h2>{t!(i18n, applications.benefits)}</h2>
        {if detail.benefits.is_empty() {
            view! { <p class="muted">{t!(i18n, line.no_benefits)}</p> }.into_any()
        } else {
            view! { <BenefitList benefits=detail.benefits.clone() /> }.into_any()
        }}
        {(!detail.other_lines.is_empty()).then(|| view! {
            <h2>{t!(i18n, line.other_lines)}</h2>
            <ul>{others}</ul>
        })}

        <h2>{t!(i18n, line.history)}</h2>
        <ol class="history">{events}</ol>

        <h2>{t!(i18n, line.notes)}</h2>
        <p class="muted small">{t!(i18n, line.notes_private)}</p>
        <ul class="notes">{notes}</ul>
        {detail.may_write_notes.then(|| view! {
            <form method="post" action=AddLineNote::PATH class="stack">
                <input type="hidden" name="line_id" value=id.clone() />
                <div class="field">
                    <label for="note-body">{t!(i18n, line.add_note)}</label>
                    <textarea id="note-body" name="body" rows="3" required></textarea>
                </div>
                <button type="submit" class="button secondary">{t!(i18n, line.save_note)}</button>
            </form>
        })}
    }
}

/// `/association/families`: households this association serves.
#[component]
pub fn FamiliesPage() -> impl IntoView {
    let i18n = use_i18n();
    let (association, page) = (query_number("association"), query_number("page"));
    let data = Resource::new_blocking(|| (), move |_| get_our_families(association, page));
    view! {
        <Title text=t_string!(i18n, families.title).to_string() />
        <section class="card wide">
            {loaded(data, |view| view! { <Families view /> })}
        </section>
    }
}

#[component]
fn Families(view: FamiliesView) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let rows = view
        .families
        .iter()
        .map(|f| {
            view! {
                <tr>
                    <td><a href=format!("{}/{}", crate::paths::HOUSEHOLD_FILE_PAGE, f.household_id)>{f.head_name_ar.clone()}</a>
                        {f.latest_line_id.map(|id| view! { " · " <a class="small" href=line_url(id)>"#" {id}</a> })}</td>
                    <td>{f.district_name_ar.as_ref().map(|ar| pick(english, ar, f.district_name_en.as_deref().unwrap_or("")))}</td>
                    <td>{f.lines}</td>
                    <td>{f.benefits}</td>
                    <td class="date">{(f.last_activity > 0).then(|| format_date(f.last_activity))}</td>
                </tr>
            }
        })
        .collect_view();
    let page = view.page;
    let full = view.families.len() as i64 == QUEUE_PAGE_SIZE;
    view! {
        <OwnerHeading owner=view.owner.clone() base=FAMILIES_PAGE />
        {if view.families.is_empty() {
            view! { <p class="muted">{t!(i18n, families.empty)}</p> }.into_any()
        } else {
            view! {
                <DataTable>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, queue.head)}</th>
                                <th scope="col">{t!(i18n, coverage.district)}</th>
                                <th scope="col">{t!(i18n, families.lines)}</th>
                                <th scope="col">{t!(i18n, families.benefits)}</th>
                                <th scope="col">{t!(i18n, families.last_activity)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </DataTable>
                {view.owner.association_id().map(|id| view! {
                    <p class="exports">
                        <a class="button secondary" href=format!("{FAMILIES_PAGE}.csv?association={id}") download>{t!(i18n, families.export_csv)}</a>
                        " "
                        <a class="button secondary" href=format!("{FAMILIES_PAGE}.xlsx?association={id}") download>{t!(i18n, families.export_xlsx)}</a>
                        <span class="small muted">" " {t!(i18n, families.export_note)}</span>
                    </p>
                })}
            }.into_any()
        }}
        <Pager
            prev=(page > 1).then(|| format!("{FAMILIES_PAGE}?page={}", page - 1))
            next=full.then(|| format!("{FAMILIES_PAGE}?page={}", page + 1))
        />
    }
}
