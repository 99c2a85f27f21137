//! The privacy server functions. A family reads and acts on its own
//! household only (found from the signed-in national ID, never from an id in
//! the request); an association's staff read the disputes of records their
//! acting association wrote; only the data-protection officer reads the
//! queue and decides.

use leptos::prelude::*;

use super::{Disputes, MyData, Queue};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::{
        Dispute, ExtensionRefusal, PrivacyRequest, QueuedRequest, REQUESTS_PER_PAGE, RecordRead,
        RequestKind, RequestStatus, SIGN_INS_SHOWN_SECS, clean_note, db, due_at,
    },
    crate::applications::subject as applications,
    crate::audit::{self, ListRead, action},
    crate::database::{Db, now},
    crate::error::ErrorKey,
    crate::financing::subject as financing,
    crate::identity::{Ctx, CurrentUser, Requirement, serve},
    crate::marketplace::subject as marketplace,
    crate::paths::{MY_DATA_PAGE, PRIVACY_QUEUE_PAGE},
    crate::training::subject as training,
};

/// Everything held about the signed-in person's household.
#[server(endpoint = "get_my_data")]
pub async fn get_my_data() -> Result<MyData, AppError> {
    serve(|ctx| async move {
        let user = ctx.require(Requirement::SignedIn).await?;
        collect(ctx.db(), user).await
    })
    .await
}

/// Gathers "My data" for `user` (the page and the download).
#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all)]
pub async fn collect(db: &Db, user: &CurrentUser) -> Result<MyData, AppError> {
    let now = now();
    let since = now - SIGN_INS_SHOWN_SECS;
    let identity = db::identity(db, user.user_id)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let household = crate::registry::db::household_of_head(db, &user.national_id).await?;
    let household_id = household.as_ref().map(|h| h.id);
    let mut data = MyData {
        format: super::COPY_FORMAT.to_string(),
        generated_at: now,
        identity,
        household: None,
        place: None,
        applications: Vec::new(),
        benefits: Vec::new(),
        shop: marketplace::shop_of(db, household_id.unwrap_or(0), user.user_id).await?,
        courses: training::enrollments_of(db, user.user_id, household_id).await?,
        financing: Vec::new(),
        sessions: db::sessions(db, user.user_id, since).await?,
        sign_ins: db::sign_ins(db, user.user_id, since).await?,
        consents: Vec::new(),
        requests: Vec::new(),
        reads: Vec::new(),
        acts: Vec::new(),
    };
    if let Some(id) = household_id {
        data.place = db::place(db, id).await?;
        data.applications = applications::lines_of(db, id).await?;
        data.benefits = applications::benefits_of(db, id).await?;
        data.financing = financing::financing_of(db, id).await?;
        data.consents = db::consents(db, id).await?;
        data.requests = requests_of(db, id, &data.benefits).await?;
        data.reads = reads(db, id).await?;
        data.acts = crate::registry::db::history(db, id)
            .await?
            .into_iter()
            .filter(|c| crate::registry::ACTS.contains(&c.field.as_str()))
            .collect();
    }
    data.household = household;
    Ok(data)
}

/// Who read the household's record: for a course's list, the training
/// provider running it; else the association the reader acted for; else
/// the council.
#[cfg(feature = "ssr")]
async fn reads(db: &Db, household_id: i64) -> Result<Vec<RecordRead>, sqlx::Error> {
    let mut reads = Vec::new();
    let mut providers = std::collections::HashMap::new();
    for (mut read, course) in db::reads(db, household_id).await? {
        if let Some(course_id) = course {
            if let std::collections::hash_map::Entry::Vacant(entry) = providers.entry(course_id) {
                entry.insert(training::provider_of_course(db, course_id).await?);
            }
            if let Some((name_ar, name_en)) = &providers[&course_id] {
                read.association_name_ar = Some(name_ar.clone());
                read.association_name_en = Some(name_en.clone());
            }
        }
        reads.push(read);
    }
    Ok(reads)
}

/// The household's requests, each with its disputed benefit.
#[cfg(feature = "ssr")]
async fn requests_of(
    db: &Db,
    household_id: i64,
    benefits: &[applications::SubjectBenefit],
) -> Result<Vec<PrivacyRequest>, AppError> {
    Ok(db::requests_of(db, household_id)
        .await?
        .into_iter()
        .map(|row| view_of(row, benefits))
        .collect())
}

#[cfg(feature = "ssr")]
fn view_of(row: db::RequestRow, benefits: &[applications::SubjectBenefit]) -> PrivacyRequest {
    PrivacyRequest {
        id: row.id,
        kind: row.kind,
        status: row.status,
        benefit: row
            .benefit_id
            .and_then(|id| benefits.iter().find(|b| b.id == id).cloned()),
        note: row.note,
        created_at: row.created_at,
        due_at: row.due_at,
        extended_at: row.extended_at,
        extension_reason: row.extension_reason,
        decided_at: row.decided_at,
        outcome_reason: row.outcome_reason,
    }
}

/// The signed-in person's household id; 404 without one.
#[cfg(feature = "ssr")]
async fn own_household(ctx: &Ctx) -> Result<(i64, i64), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let household = crate::registry::db::household_of_head(ctx.db(), &user.national_id)
        .await?
        .ok_or(AppError::Conflict(ErrorKey::HouseholdNotRegistered))?;
    Ok((household.id, user.user_id))
}

/// Stores a request with its audit row, in one transaction.
#[cfg(feature = "ssr")]
async fn file(ctx: &Ctx, new: db::NewRequest<'_>) -> Result<i64, AppError> {
    if db::has_open(ctx.db(), new.household_id, new.kind, new.benefit_id).await? {
        return Err(AppError::Conflict(ErrorKey::PrivacyRequestOpen));
    }
    let mut tx = ctx.db().begin_write().await?;
    let id = db::insert(&mut tx, &new).await?;
    let event = ctx
        .event(action::PRIVACY_REQUEST_MADE)
        .subject("privacy_request", id)
        .detail(new.kind.as_str());
    audit::record_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Disputes a benefit recorded for the family's household, with a note;
/// the association that recorded it and the officer see it.
#[server(endpoint = "dispute_benefit")]
pub async fn dispute_benefit(benefit_id: i64, note: String) -> Result<(), AppError> {
    serve(|ctx| async move {
        let (household_id, user_id) = own_household(&ctx).await?;
        let note = clean_note(&note);
        if note.is_empty() {
            return Err(AppError::validation("note", ErrorKey::NoteRequired));
        }
        // Only a benefit of this household: another's is "not found".
        let benefit = applications::benefits_of(ctx.db(), household_id)
            .await?
            .into_iter()
            .find(|b| b.id == benefit_id)
            .ok_or(AppError::NotFound)?;
        let at = now();
        file(
            &ctx,
            db::NewRequest {
                household_id,
                requested_by: user_id,
                kind: RequestKind::Correction,
                benefit_id: Some(benefit.id),
                association_id: Some(benefit.association_id),
                note: &note,
                created_at: at,
                due_at: due_at(at),
            },
        )
        .await?;
        leptos_axum::redirect(&format!("{MY_DATA_PAGE}#requests"));
        Ok(())
    })
    .await
}

/// Asks for a copy (`access`), withdraws consent (`objection`) or asks for
/// deletion (`deletion`); the last two only with `confirm` ticked.
#[server(endpoint = "make_privacy_request")]
pub async fn make_privacy_request(
    kind: String,
    #[server(default)] note: String,
    #[server(default)] confirm: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        let (household_id, user_id) = own_household(&ctx).await?;
        let kind = RequestKind::parse(&kind)
            .filter(|k| *k != RequestKind::Correction)
            .ok_or(AppError::validation("kind", ErrorKey::BadRequest))?;
        if kind.needs_confirmation() && confirm.as_deref() != Some("yes") {
            return Err(AppError::validation(
                "confirm",
                ErrorKey::PrivacyConfirmRequired,
            ));
        }
        let note = clean_note(&note);
        let at = now();
        file(
            &ctx,
            db::NewRequest {
                household_id,
                requested_by: user_id,
                kind,
                benefit_id: None,
                association_id: None,
                note: &note,
                created_at: at,
                due_at: due_at(at),
            },
        )
        .await?;
        leptos_axum::redirect(&format!("{MY_DATA_PAGE}#requests"));
        Ok(())
    })
    .await
}

/// The data-protection officer's queue.
#[server(endpoint = "get_privacy_queue")]
pub async fn get_privacy_queue(page: Option<i64>) -> Result<Queue, AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::DataProtectionOfficer).await?;
        let db = ctx.db();
        let total = db::queue_count(db).await?;
        let (page, pages, offset) = crate::ui::page_window(total, REQUESTS_PER_PAGE, page);
        let rows = db::queue(db, REQUESTS_PER_PAGE, offset).await?;
        let mut requests = Vec::with_capacity(rows.len());
        for row in rows {
            let benefits = match row.benefit_id {
                Some(_) => applications::benefits_of(db, row.household_id).await?,
                None => Vec::new(),
            };
            let trail = db::trail(db, row.id).await?;
            let anonymised = row.head_national_id.starts_with("erased-");
            let masked_national_id = match anonymised {
                true => String::new(),
                false => crate::text::mask_identifier(&row.head_national_id),
            };
            requests.push(QueuedRequest {
                household_id: row.household_id,
                head_name_ar: row.head_name_ar.clone(),
                masked_national_id,
                anonymised,
                association_name_ar: row.association_name_ar.clone(),
                association_name_en: row.association_name_en.clone(),
                trail,
                request: view_of(row, &benefits),
            });
        }
        ctx.record_list_read(
            None,
            ListRead::shown("privacy_queue", requests.len())
                .of(requests.iter().map(|r| r.household_id)),
        )
        .await?;
        Ok(Queue {
            now: now(),
            requests,
            total,
            page,
            pages,
        })
    })
    .await
}

/// The disputes of records the acting association wrote.
#[server(endpoint = "get_disputes")]
pub async fn get_disputes(page: Option<i64>) -> Result<Disputes, AppError> {
    serve(|ctx| async move {
        let user = ctx.require(Requirement::SignedIn).await?;
        let Some(association_id) = user.acting_association_id() else {
            return Err(ctx.deny("disputes").await);
        };
        ctx.require(Requirement::AssociationMember(association_id))
            .await?;
        let db = ctx.db();
        let total = db::disputes_count(db, association_id).await?;
        let (page, pages, offset) = crate::ui::page_window(total, REQUESTS_PER_PAGE, page);
        let mut disputes = Vec::new();
        for row in db::disputes_of(db, association_id, REQUESTS_PER_PAGE, offset).await? {
            let benefits = applications::benefits_of(db, row.household_id).await?;
            disputes.push(Dispute {
                household_id: row.household_id,
                head_name_ar: row.head_name_ar.clone(),
                request: view_of(row, &benefits),
            });
        }
        ctx.record_list_read(
            Some(association_id),
            ListRead::shown("disputes", disputes.len()).of(disputes.iter().map(|d| d.household_id)),
        )
        .await?;
        Ok(Disputes {
            now: now(),
            disputes,
            total,
            page,
            pages,
        })
    })
    .await
}

/// The officer extends a request once, with a reason the family sees.
#[server(endpoint = "extend_privacy_request")]
pub async fn extend_privacy_request(id: i64, reason: String) -> Result<(), AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::DataProtectionOfficer).await?;
        let row = db::request(ctx.db(), id).await?.ok_or(AppError::NotFound)?;
        let reason = clean_note(&reason);
        let new_due = super::extend(row.status, row.due_at, row.extended_at.is_some(), &reason)
            .map_err(|refusal| match refusal {
                ExtensionRefusal::AlreadyDecided => AppError::Conflict(ErrorKey::AlreadyDecided),
                ExtensionRefusal::AlreadyExtended => {
                    AppError::Conflict(ErrorKey::PrivacyAlreadyExtended)
                }
                ExtensionRefusal::ReasonRequired => {
                    AppError::validation("reason", ErrorKey::ReasonRequired)
                }
            })?;
        let mut tx = ctx.db().begin_write().await?;
        if !db::extend(&mut tx, id, new_due, &reason).await? {
            return Err(AppError::Conflict(ErrorKey::PrivacyAlreadyExtended));
        }
        let event = ctx
            .event(action::PRIVACY_REQUEST_EXTENDED)
            .subject("privacy_request", id);
        audit::record_in(&mut tx, event).await?;
        tx.commit().await?;
        leptos_axum::redirect(PRIVACY_QUEUE_PAGE);
        Ok(())
    })
    .await
}

/// The officer's outcome: `done` (a deletion anonymises the household,
/// withdrawn consent stops its open applications) or `refused` with a reason
/// the family sees.
#[server(endpoint = "decide_privacy_request")]
pub async fn decide_privacy_request(
    id: i64,
    outcome: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    serve(|ctx| decide(ctx, id, outcome, reason)).await
}

#[cfg(feature = "ssr")]
#[tracing::instrument(skip_all, fields(request_id = id))]
async fn decide(ctx: Ctx, id: i64, outcome: String, reason: String) -> Result<(), AppError> {
    let officer = ctx.require(Requirement::DataProtectionOfficer).await?;
    let status = match outcome.as_str() {
        "done" => RequestStatus::Done,
        "refused" => RequestStatus::Refused,
        _ => return Err(AppError::validation("outcome", ErrorKey::BadRequest)),
    };
    let reason = clean_note(&reason);
    if status == RequestStatus::Refused && reason.is_empty() {
        return Err(AppError::validation("reason", ErrorKey::ReasonRequired));
    }
    let db = ctx.db();
    let row = db::request(db, id).await?.ok_or(AppError::NotFound)?;
    let head_user = db::head_user(db, row.household_id).await?;
    let mut tx = db.begin_write().await?;
    let reason = (!reason.is_empty()).then_some(reason);
    if !db::decide(&mut tx, id, status, reason.as_deref(), officer.user_id).await? {
        return Err(AppError::Conflict(ErrorKey::AlreadyDecided));
    }
    audit::record_in(
        &mut tx,
        ctx.event(action::PRIVACY_REQUEST_DECIDED)
            .subject("privacy_request", id)
            .detail(status.as_str()),
    )
    .await?;
    let mut photos = Vec::new();
    let mut documents = Vec::new();
    if status == RequestStatus::Done {
        match row.kind {
            RequestKind::Deletion => {
                documents = applications::erase(&mut tx, row.household_id, officer.user_id).await?;
                photos = marketplace::erase(
                    &mut tx,
                    db.engine,
                    row.household_id,
                    head_user.unwrap_or(0),
                )
                .await?;
                documents.extend(financing::erase(&mut tx, row.household_id).await?);
                db::anonymise(&mut tx, row.household_id, head_user).await?;
                audit::record_in(
                    &mut tx,
                    ctx.event(action::HOUSEHOLD_ANONYMISED)
                        .subject("household", row.household_id),
                )
                .await?;
            }
            RequestKind::Objection => {
                applications::stop_open_lines(&mut tx, row.household_id, officer.user_id).await?;
                db::clear_consent(&mut tx, row.household_id).await?;
            }
            RequestKind::Access | RequestKind::Correction => {}
        }
    }
    tx.commit().await?;
    // The files go once the rows are gone (an orphan file is harmless).
    for (key, width) in photos {
        ctx.state.photos.remove(&key, width).await;
    }
    for name in documents {
        ctx.state.photos.remove_file(&name).await;
    }
    leptos_axum::redirect(PRIVACY_QUEUE_PAGE);
    Ok(())
}
