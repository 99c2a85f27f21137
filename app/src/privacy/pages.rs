//! The family's "My data" page: what is held, who read it, the copy, the
//! disputes and requests. Plain forms and links: it works without
//! JavaScript, and prints (print CSS in `style/domains.css`). The officer's
//! queue and the associations' disputes are in `officer_pages.rs`.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::api::{DisputeBenefit, MakePrivacyRequest, get_my_data};
use super::{
    AccessKind, MY_DATA_JSON, MyData, PrivacyRequest, RecordRead, RequestKind, RequestStatus,
};
use crate::applications::subject::{LineState, SubjectBenefit, SubjectLine};
use crate::financing::subject::{DocumentText, LoanStatusBadge, ReferralText, SubjectFinancing};
use crate::i18n::*;
use crate::marketplace::subject::SubjectShop;
use crate::registry::pages::CraftName;
use crate::registry::{Household, SaudiPhone};
use crate::text::format_riyals;
use crate::time::format_date;
use crate::training::subject::SubjectEnrollment;
use crate::ui::{ErrorAlert, error_from_query, is_english, loaded, pick};

pub use super::officer_pages::{DisputesPage, PrivacyQueuePage};

/// A line state in the reader's language.
#[component]
pub fn LineStateText(state: LineState) -> impl IntoView {
    let i18n = use_i18n();
    match state {
        LineState::Submitted => t!(i18n, applications.states.submitted).into_any(),
        LineState::InReview => t!(i18n, applications.states.in_review).into_any(),
        LineState::Approved => t!(i18n, applications.states.approved).into_any(),
        LineState::Fulfilled => t!(i18n, applications.states.fulfilled).into_any(),
        LineState::Rejected => t!(i18n, applications.states.rejected).into_any(),
        LineState::Referred => t!(i18n, applications.states.referred).into_any(),
        LineState::Withdrawn => t!(i18n, applications.states.withdrawn).into_any(),
    }
}

/// A stored code (relation, income bracket, product or enrollment status)
/// in the reader's language; an unknown code is shown as stored.
#[component]
fn Code(kind: &'static str, code: String) -> impl IntoView {
    let i18n = use_i18n();
    match (kind, code.as_str()) {
        ("relation", "spouse") => t!(i18n, household.relations.spouse).into_any(),
        ("relation", "son") => t!(i18n, household.relations.son).into_any(),
        ("relation", "daughter") => t!(i18n, household.relations.daughter).into_any(),
        ("relation", "father") => t!(i18n, household.relations.father).into_any(),
        ("relation", "mother") => t!(i18n, household.relations.mother).into_any(),
        ("relation", "sibling") => t!(i18n, household.relations.sibling).into_any(),
        ("relation", "other") => t!(i18n, household.relations.other).into_any(),
        ("income", "none") => t!(i18n, household.income.none).into_any(),
        ("income", "under_3000") => t!(i18n, household.income.under_3000).into_any(),
        ("income", "3000_6000") => t!(i18n, household.income.from_3000_to_6000).into_any(),
        ("income", "6000_10000") => t!(i18n, household.income.from_6000_to_10000).into_any(),
        ("income", "over_10000") => t!(i18n, household.income.over_10000).into_any(),
        ("product", "draft") => t!(i18n, my_shop.status_draft).into_any(),
        ("product", "pending") => t!(i18n, my_shop.status_pending).into_any(),
        ("product", "published") => t!(i18n, my_shop.status_published).into_any(),
        ("product", "rejected") => t!(i18n, my_shop.status_rejected).into_any(),
        ("product", "hidden") => t!(i18n, my_shop.status_hidden).into_any(),
        ("enrollment", "enrolled") => t!(i18n, privacy.enrollment_enrolled).into_any(),
        ("enrollment", "waitlisted") => t!(i18n, privacy.enrollment_waitlisted).into_any(),
        ("enrollment", "cancelled") => t!(i18n, privacy.enrollment_cancelled).into_any(),
        ("enrollment", "completed") => t!(i18n, privacy.enrollment_completed).into_any(),
        ("enrollment", "not_completed") => t!(i18n, privacy.enrollment_not_completed).into_any(),
        _ => code.into_any(),
    }
}

/// A request's kind in the reader's language.
#[component]
pub fn KindText(kind: RequestKind) -> impl IntoView {
    let i18n = use_i18n();
    match kind {
        RequestKind::Access => t!(i18n, privacy.kind_access).into_any(),
        RequestKind::Correction => t!(i18n, privacy.kind_correction).into_any(),
        RequestKind::Deletion => t!(i18n, privacy.kind_deletion).into_any(),
        RequestKind::Objection => t!(i18n, privacy.kind_objection).into_any(),
    }
}

/// A request's status as a mark; an open one past its due date is overdue.
#[component]
pub fn StatusText(status: RequestStatus, due_at: i64, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    match status {
        RequestStatus::Open if super::is_overdue(status, due_at, now) => {
            view! { <span class="pill pill-gap">{t!(i18n, privacy.overdue)}</span> }.into_any()
        }
        RequestStatus::Open => {
            view! { <span class="pill">{t!(i18n, privacy.status_open)}</span> }.into_any()
        }
        RequestStatus::Done => {
            view! { <span class="pill pill-ok">{t!(i18n, privacy.status_done)}</span> }.into_any()
        }
        RequestStatus::Refused => {
            view! { <span class="pill pill-gap">{t!(i18n, privacy.status_refused)}</span> }
                .into_any()
        }
    }
}

/// The 30-day clock of a request, as both sides see it.
#[component]
pub fn Clock(request: PrivacyRequest, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let left = super::days_left(request.due_at, now);
    let open = request.status == RequestStatus::Open;
    view! {
        <dl class="facts">
            <dt>{t!(i18n, privacy.made_on)}</dt>
            <dd><span class="date">{format_date(request.created_at)}</span></dd>
            <dt>{t!(i18n, privacy.due_on)}</dt>
            <dd>
                <span class="date" data-testid="due-date">{format_date(request.due_at)}</span>
                {open.then(|| view! {
                    " · "
                    {if left >= 0 {
                        view! { <span data-testid="days-left">{left} " " {t!(i18n, privacy.days_left)}</span> }.into_any()
                    } else {
                        view! { <strong class="overdue">{-left} " " {t!(i18n, privacy.days_late)}</strong> }.into_any()
                    }}
                })}
            </dd>
            {request.extension_reason.clone().map(|reason| view! {
                <dt>{t!(i18n, privacy.extended_because)}</dt>
                <dd data-testid="extension-reason">{reason}</dd>
            })}
            {request.decided_at.map(|at| view! {
                <dt>{t!(i18n, privacy.decided_on)}</dt>
                <dd><span class="date">{format_date(at)}</span></dd>
            })}
            {request.outcome_reason.clone().map(|reason| view! {
                <dt>{t!(i18n, privacy.outcome_reason)}</dt>
                <dd data-testid="outcome-reason">{reason}</dd>
            })}
        </dl>
    }
}

/// A benefit in one line.
#[component]
pub fn BenefitText(benefit: SubjectBenefit) -> impl IntoView {
    let english = is_english();
    view! {
        {pick(english, &benefit.type_name_ar, &benefit.type_name_en)} " · "
        {pick(english, &benefit.association_name_ar, &benefit.association_name_en)} " · "
        <span class="date">{benefit.given_on.clone()}</span>
        {benefit.value_halalas.map(|v| view! { " · " <bdi>{format_riyals(v)}</bdi> })}
    }
}

/// `/my-data`: everything held about the signed-in family.
#[component]
pub fn MyDataPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new_blocking(|| (), |_| get_my_data());
    view! {
        <Title text=t_string!(i18n, privacy.title).to_string() />
        <div class="my-data">
            <h1>{t!(i18n, privacy.title)}</h1>
            <p class="lead">{t!(i18n, privacy.intro)}</p>
            {error_from_query().map(|key| view! { <ErrorAlert key id="form-error" /> })}
            <p class="actions no-print">
                <a class="button" href=MY_DATA_JSON download="takamul-my-data.json" data-testid="download-json">
                    {t!(i18n, privacy.download)}
                </a>
            </p>
            <p class="hint no-print">{t!(i18n, privacy.print_hint)}</p>
            {loaded(data, |data| view! { <MyDataView data /> })}
        </div>
    }
}

#[component]
fn MyDataView(data: MyData) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let now = data.generated_at;
    let identity = data.identity.clone();
    let has_household = data.household.is_some();
    view! {
        <section class="card">
            <h2>{t!(i18n, privacy.identity)}</h2>
            <dl class="facts">
                <dt>{t!(i18n, account.name)}</dt>
                <dd>{pick(english, &identity.name_ar, identity.name_en.as_deref().unwrap_or(""))}</dd>
                <dt>{t!(i18n, account.national_id)}</dt>
                <dd><bdi dir="ltr">{identity.national_id.clone()}</bdi></dd>
                <dt>{t!(i18n, privacy.source)}</dt>
                <dd data-testid="identity-source">
                    {match identity.nafath_verified_at {
                        Some(at) => view! { {t!(i18n, privacy.source_nafath)} " · " <span class="date">{format_date(at)}</span> }.into_any(),
                        None => t!(i18n, privacy.source_typed).into_any(),
                    }}
                </dd>
            </dl>
        </section>
        {data.household.clone().map(|h| view! { <HouseholdSection household=h place=data.place.clone() /> })}
        <section class="card">
            <h2>{t!(i18n, privacy.consents)}</h2>
            {if data.consents.is_empty() {
                view! { <p class="muted">{t!(i18n, privacy.no_consent)}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {data.consents.iter().map(|c| view! {
                            <li>{t!(i18n, privacy.notice_version)} " " <bdi>{c.notice_version.clone()}</bdi> " · " <span class="date">{format_date(c.at)}</span></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <Applications lines=data.applications.clone() />
        <Benefits benefits=data.benefits.clone() />
        <Shop shop=data.shop.clone() />
        <Courses courses=data.courses.clone() />
        <Financing files=data.financing.clone() />
        <section class="card">
            <h2>{t!(i18n, privacy.sessions)}</h2>
            <ul>
                {data.sessions.iter().map(|s| view! {
                    <li>
                        <span class="date">{format_date(s.created_at)}</span> " – " <span class="date">{format_date(s.last_seen_at)}</span>
                        {s.user_agent.clone().map(|ua| view! { <br /><span class="small muted">{ua}</span> })}
                    </li>
                }).collect_view()}
            </ul>
            <h3>{t!(i18n, privacy.sign_ins)}</h3>
            <p class="small">{data.sign_ins.iter().map(|at| format_date(*at)).collect::<Vec<_>>().join(" · ")}</p>
        </section>
        <Reads reads=data.reads.clone() />
        <crate::registry::delegates::Acts acts=data.acts.clone() />
        <Requests requests=data.requests.clone() now />
        {has_household.then(|| view! { <RequestForms /> })}
    }
}

#[component]
fn HouseholdSection(household: Household, place: Option<super::Place>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    view! {
        <section class="card">
            <h2>{t!(i18n, privacy.household)}</h2>
            <dl class="facts">
                <dt>{t!(i18n, privacy.head_name)}</dt>
                <dd>{household.head_name_ar.clone()}</dd>
                <dt>{t!(i18n, privacy.phone)}</dt>
                <dd><bdi dir="ltr">{household.phone.as_deref().map(local_phone).unwrap_or_default()}</bdi></dd>
                <dt>{t!(i18n, privacy.place)}</dt>
                <dd>
                    {place.map(|p| {
                        let city = pick(english, p.city_name_ar.as_deref().unwrap_or(""), p.city_name_en.as_deref().unwrap_or(""));
                        let district = pick(english, p.district_name_ar.as_deref().unwrap_or(""), p.district_name_en.as_deref().unwrap_or(""));
                        let address = p.address.unwrap_or_default();
                        [city, district, address].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")
                    })}
                </dd>
                <dt>{t!(i18n, privacy.circumstances)}</dt>
                <dd>
                    {t!(i18n, privacy.income)} ": " <Code kind="income" code=household.income_bracket.clone().unwrap_or_default() />
                    " · " {t!(i18n, privacy.dependants)} ": " {household.dependants.unwrap_or(0)}
                    {(!household.crafts.is_empty()).then(|| view! {
                        " · " {t!(i18n, privacy.crafts)} ": "
                        {household.crafts.clone().into_iter().enumerate().map(|(n, code)| view! {
                            {(n > 0).then_some(if english { ", " } else { "، " })} <CraftName code />
                        }).collect_view()}
                    })}
                </dd>
                <dt>{t!(i18n, privacy.record_verified)}</dt>
                <dd>{if household.verified { t!(i18n, privacy.yes).into_any() } else { t!(i18n, privacy.no).into_any() }}</dd>
            </dl>
            <h3>{t!(i18n, privacy.members)}</h3>
            {household.members.is_empty().then(|| view! { <p class="muted">{t!(i18n, privacy.none)}</p> })}
            <ul>
                {household.members.iter().map(|m| view! {
                    <li>
                        {m.full_name.clone()} " · " <Code kind="relation" code=m.relation.clone() /> " · " <span class="date">{m.birth_date.clone()}</span>
                        {m.national_id.clone().map(|id| view! { " · " <bdi dir="ltr">{id}</bdi> })}
                        " · "
                        {if m.id_confirmed { t!(i18n, privacy.id_confirmed).into_any() } else { t!(i18n, privacy.id_claimed).into_any() }}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Applications(lines: Vec<SubjectLine>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    view! {
        <section class="card">
            <h2>{t!(i18n, privacy.applications)}</h2>
            {lines.is_empty().then(|| view! { <p class="muted">{t!(i18n, privacy.none)}</p> })}
            {lines.into_iter().map(|l| {
                let line = l.line;
                view! {
                    <article class="stack">
                        <h3>{pick(english, &line.type_name_ar, &line.type_name_en)} " · " <LineStateText state=line.state /></h3>
                        <p class="small">{line.description.clone()}</p>
                        <ol class="small">
                            {l.events.into_iter().map(|e| view! {
                                <li>
                                    <span class="date">{format_date(e.occurred_at)}</span> " · " <LineStateText state=e.to_state />
                                    {e.association_name_ar.clone().map(|ar| view! { " · " {pick(english, &ar, e.association_name_en.as_deref().unwrap_or(""))} })}
                                    {e.note.clone().map(|n| view! { " · " {n} })}
                                </li>
                            }).collect_view()}
                        </ol>
                    </article>
                }
            }).collect_view()}
        </section>
    }
}

#[component]
fn Benefits(benefits: Vec<SubjectBenefit>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, privacy.benefits)}</h2>
            <p class="hint no-print">{t!(i18n, privacy.dispute_hint)}</p>
            {benefits.is_empty().then(|| view! { <p class="muted">{t!(i18n, privacy.none)}</p> })}
            <ul class="stack">
                {benefits.into_iter().map(|b| {
                    let id = b.id.to_string();
                    view! {
                        <li data-testid="benefit">
                            <BenefitText benefit=b />
                            <details class="no-print">
                                <summary>{t!(i18n, privacy.dispute)}</summary>
                                <form method="post" action=DisputeBenefit::PATH class="stack">
                                    <input type="hidden" name="benefit_id" value=id />
                                    <label for="dispute-note">{t!(i18n, privacy.dispute_note)}</label>
                                    <textarea id="dispute-note" name="note" required rows="3"></textarea>
                                    <button type="submit" class="button secondary">{t!(i18n, privacy.send_dispute)}</button>
                                </form>
                            </details>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Shop(shop: Option<SubjectShop>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, privacy.shop)}</h2>
            {match shop {
                None => view! { <p class="muted">{t!(i18n, privacy.none)}</p> }.into_any(),
                Some(shop) => view! {
                    <p>
                        <strong>{shop.name_ar.clone()}</strong>
                        {shop.name_en.clone().map(|n| view! { " · " {n} })}
                        " · " <span class="date">{format_date(shop.created_at)}</span>
                    </p>
                    <p class="small">{shop.bio.clone()}</p>
                    {shop.whatsapp.clone().map(|w| view! { <p class="small">{t!(i18n, privacy.whatsapp)} ": " <bdi dir="ltr">{w}</bdi></p> })}
                    {shop.public_phone.clone().map(|p| view! { <p class="small">{t!(i18n, privacy.phone)} ": " <bdi dir="ltr">{p}</bdi></p> })}
                    <ul>
                        {shop.products.into_iter().map(|p| view! {
                            <li>{p.title_ar.clone()} " · " <bdi>{format_riyals(p.price_halalas)}</bdi> " · " <span class="small"><Code kind="product" code=p.status.clone() /></span></li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Courses(courses: Vec<SubjectEnrollment>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    view! {
        <section class="card">
            <h2>{t!(i18n, privacy.courses)}</h2>
            {courses.is_empty().then(|| view! { <p class="muted">{t!(i18n, privacy.none)}</p> })}
            <ul>
                {courses.into_iter().map(|c| view! {
                    <li>
                        {pick(english, &c.course_title_ar, &c.course_title_en)} " · " <span class="small"><Code kind="enrollment" code=c.status.clone() /></span>
                        " · " <span class="date">{format_date(c.enrolled_at)}</span>
                        {c.certificate_code.clone().map(|code| view! { " · " {t!(i18n, privacy.certificate)} " " <bdi dir="ltr">{code}</bdi> })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Financing files, their loans and the documents held on them (the
/// documents' content is not repeated: the family gave them).
#[component]
fn Financing(files: Vec<SubjectFinancing>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    (!files.is_empty()).then(|| view! {
        <section class="card" id="financing">
            <h2>{t!(i18n, privacy.financing)}</h2>
            {files.into_iter().map(|f| view! {
                <div class="financing-file">
                    <p>
                        <strong>{pick(english, &f.association_name_ar, &f.association_name_en)}</strong>
                        " · " <CraftName code=f.activity.clone() />
                        " · " <bdi>{format_riyals(f.requested)}</bdi>
                        " · " {t!(i18n, privacy.financing_months, count = f.months)}
                        " · " <span class="date">{format_date(f.opened_at)}</span>
                        {f.referral.map(|r| view! { " · " <ReferralText referral=r /> })}
                    </p>
                    {(!f.applicant_birth_date.is_empty()).then(|| view! {
                        <p class="small">
                            {t!(i18n, privacy.financing_birth_date)} ": " <bdi dir="ltr">{f.applicant_birth_date.clone()}</bdi>
                            " · " {t!(i18n, privacy.financing_income)} ": " <bdi>{format_riyals(f.monthly_income)}</bdi>
                        </p>
                    })}
                    {f.loan.map(|l| view! {
                        <p class="small">
                            {t!(i18n, privacy.financing_loan)} " " <bdi dir="ltr">{l.reference}</bdi> " · " <LoanStatusBadge status=l.status />
                            " · " {t!(i18n, privacy.financing_outstanding)} ": " <bdi>{format_riyals(l.outstanding)}</bdi>
                            " / " <bdi>{format_riyals(l.principal)}</bdi>
                        </p>
                    })}
                    {(!f.documents.is_empty()).then(|| view! {
                        <p class="small">{t!(i18n, privacy.financing_documents)}</p>
                        <ul class="small">
                            {f.documents.into_iter().map(|d| view! {
                                <li><DocumentText kind=d.kind /> " · " {d.format.as_str().to_uppercase()} " · " <span class="date">{format_date(d.uploaded_at)}</span></li>
                            }).collect_view()}
                        </ul>
                    })}
                </div>
            }).collect_view()}
        </section>
    })
}

#[component]
fn Reads(reads: Vec<RecordRead>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    view! {
        <section class="card" id="who-read">
            <h2>{t!(i18n, privacy.who_read)}</h2>
            <p class="hint">{t!(i18n, privacy.who_read_hint)}</p>
            {reads.is_empty().then(|| view! { <p class="muted">{t!(i18n, privacy.nobody_read)}</p> })}
            <ul data-testid="who-read">
                {reads.into_iter().map(|r| {
                    let who = match r.association_name_ar.as_deref() {
                        Some(ar) => pick(english, ar, r.association_name_en.as_deref().unwrap_or("")),
                        None => t_string!(i18n, privacy.the_council).to_string(),
                    };
                    view! {
                        <li>
                            <strong>{who}</strong> " · "
                            {match r.kind {
                                AccessKind::HouseholdOpened => t!(i18n, privacy.read_household).into_any(),
                                AccessKind::LineOpened => t!(i18n, privacy.read_line).into_any(),
                                AccessKind::DocumentOpened => t!(i18n, privacy.read_document).into_any(),
                                AccessKind::DuplicateReview => t!(i18n, privacy.read_duplicate).into_any(),
                                AccessKind::Listed => t!(i18n, privacy.read_in_list).into_any(),
                                AccessKind::Exported => t!(i18n, privacy.read_in_export).into_any(),
                                AccessKind::PartnerLookup => t!(i18n, privacy.read_by_partner).into_any(),
                            }}
                            " · " <span class="date">{format_date(r.at)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Requests(requests: Vec<PrivacyRequest>, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" id="requests">
            <h2>{t!(i18n, privacy.requests)}</h2>
            {requests.is_empty().then(|| view! { <p class="muted">{t!(i18n, privacy.none)}</p> })}
            {requests.into_iter().map(|r| view! {
                <article class="stack" data-testid="request" data-kind=r.kind.as_str()>
                    <h3><KindText kind=r.kind /></h3>
                    <p><StatusText status=r.status due_at=r.due_at now /></p>
                    {r.benefit.clone().map(|b| view! { <p class="small"><BenefitText benefit=b /></p> })}
                    {(!r.note.is_empty()).then(|| view! { <p class="small">{r.note.clone()}</p> })}
                    <Clock request=r.clone() now />
                </article>
            }).collect_view()}
        </section>
    }
}

/// Ask for a copy, withdraw consent, ask for deletion: each explained.
#[component]
fn RequestForms() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card no-print" id="ask">
            <h2>{t!(i18n, privacy.ask_title)}</h2>
            <form method="post" action=MakePrivacyRequest::PATH class="stack">
                <input type="hidden" name="kind" value="access" />
                <h3>{t!(i18n, privacy.kind_access)}</h3>
                <p class="hint">{t!(i18n, privacy.access_means)}</p>
                <button type="submit" class="button secondary">{t!(i18n, privacy.send_access)}</button>
            </form>
            <form method="post" action=MakePrivacyRequest::PATH class="stack">
                <input type="hidden" name="kind" value="objection" />
                <h3>{t!(i18n, privacy.kind_objection)}</h3>
                <p class="hint">{t!(i18n, privacy.objection_means)}</p>
                <label class="choice-row">
                    <input type="checkbox" name="confirm" value="yes" required />
                    {t!(i18n, privacy.confirm)}
                </label>
                <button type="submit" class="button secondary">{t!(i18n, privacy.send_objection)}</button>
            </form>
            <form method="post" action=MakePrivacyRequest::PATH class="stack" data-testid="deletion-form">
                <input type="hidden" name="kind" value="deletion" />
                <h3>{t!(i18n, privacy.kind_deletion)}</h3>
                <p class="hint">{t!(i18n, privacy.deletion_means)}</p>
                <label for="deletion-note">{t!(i18n, privacy.note_optional)}</label>
                <textarea id="deletion-note" name="note" rows="2"></textarea>
                <label class="choice-row">
                    <input type="checkbox" name="confirm" value="yes" required />
                    {t!(i18n, privacy.confirm)}
                </label>
                <button type="submit" class="button danger">{t!(i18n, privacy.send_deletion)}</button>
            </form>
        </section>
    }
}

/// A stored phone (`9665XXXXXXXX`) as families write it (`05XXXXXXXX`).
fn local_phone(stored: &str) -> String {
    SaudiPhone::parse(stored)
        .map(|phone| phone.local())
        .unwrap_or_else(|_| stored.to_string())
}
