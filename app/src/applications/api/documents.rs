//! An application's documents on the server (see `applications::documents`):
//! checking and storing the files of a form before its lines are written,
//! removing them when the form is refused, adding one to an open line
//! afterwards, and opening one for a reader allowed to see it (audited for
//! staff).

use super::super::db::{self, RequestedLine, documents::StoredDocument};
use super::super::documents::{DocumentFormat, field_name, first_missing, stored_name};
use super::lines::{LineAccess, line_access};
use crate::audit;
use crate::error::{AppError, ErrorKey};
use crate::identity::{Ctx, Requirement};
use crate::photos::documents::prepare;

/// Checks every file given for the chosen lines (files for a type not
/// chosen, or a kind no longer asked for, are ignored; a required one
/// missing refuses the form), then stores them and hangs each on its line.
/// Returns the stored files' names. Nothing is stored unless every file
/// passed; a storage failure removes what was stored.
pub(in crate::applications) async fn attach(
    ctx: &Ctx,
    requested: &mut [RequestedLine],
    files: Vec<(i64, Vec<u8>)>,
) -> Result<Vec<String>, AppError> {
    let kinds = crate::assistance::db::document_kinds(ctx.db()).await?;
    let chosen: Vec<i64> = requested.iter().map(|l| l.assistance_type_id).collect();
    let mut given: Vec<(i64, i64, Vec<u8>)> = Vec::new();
    for (kind_id, bytes) in files {
        let Some(kind) = kinds
            .iter()
            .find(|k| k.id == kind_id && k.active && chosen.contains(&k.assistance_type_id))
        else {
            continue;
        };
        if !given.iter().any(|(id, _, _)| *id == kind.id) {
            given.push((kind.id, kind.assistance_type_id, bytes));
        }
    }
    let given_ids: Vec<i64> = given.iter().map(|(id, _, _)| *id).collect();
    if let Some(missing) = first_missing(&kinds, &chosen, &given_ids) {
        return Err(AppError::validation(
            &field_name(missing.id),
            ErrorKey::DocumentMissing,
        ));
    }
    let (names, stored) = check_and_store(ctx, given).await?;
    for (type_id, document) in stored {
        if let Some(line) = requested
            .iter_mut()
            .find(|l| l.assistance_type_id == type_id)
        {
            line.documents.push(document);
        }
    }
    Ok(names)
}

/// Checks every file (`prepare`: a PDF's structure, a photo re-encoded),
/// then stores them all: nothing is stored unless every file passed, and a
/// storage failure removes what was stored. Each file is given as its kind,
/// the kind's type and its bytes; returns the stored files' names and each
/// stored document with its type.
async fn check_and_store(
    ctx: &Ctx,
    given: Vec<(i64, i64, Vec<u8>)>,
) -> Result<(Vec<String>, Vec<(i64, StoredDocument)>), AppError> {
    let mut prepared: Vec<(i64, i64, DocumentFormat, Vec<u8>)> = Vec::new();
    for (kind_id, type_id, bytes) in given {
        let (format, kept) = prepare(bytes).await.map_err(|error| {
            // The message goes beside the file's own input.
            match AppError::from(error) {
                AppError::Validation { key, .. } => AppError::validation(&field_name(kind_id), key),
                other => other,
            }
        })?;
        prepared.push((kind_id, type_id, format, kept));
    }
    let mut names = Vec::new();
    let mut stored = Vec::new();
    for (kind_id, type_id, format, bytes) in prepared {
        let key = crate::photos::pipeline::new_key();
        let name = stored_name(&key, format);
        if let Err(error) = ctx.state.photos.put_file(&name, &bytes).await {
            forget(ctx, &names).await;
            return Err(error.into());
        }
        names.push(name);
        stored.push((
            type_id,
            StoredDocument {
                kind_id,
                key,
                format,
                size_bytes: bytes.len() as i64,
            },
        ));
    }
    Ok((names, stored))
}

/// A family (its head, or a member the head allows) adds documents to one
/// of its lines while the line is open — one that was missing, or one more
/// — of the kinds asked with the line's type; the files are checked as the
/// form's are (every one before any is stored) and recorded as uploaded by
/// the person, now, audited (`line_document_uploaded`). Another household's
/// line is refused (403, audited); a decided or withdrawn line is a 409.
#[tracing::instrument(skip_all, fields(line_id = line_id))]
pub(in crate::applications) async fn add_documents(
    ctx: &Ctx,
    line_id: i64,
    files: Vec<(i64, Vec<u8>)>,
) -> Result<(), AppError> {
    let (user, household, acting) = super::family::own_household(ctx).await?;
    let user_id = user.user_id;
    let line = db::line_record(ctx.db(), line_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if household.is_none_or(|h| h.id != line.household_id) {
        return Err(ctx.deny(format!("line {line_id} documents")).await);
    }
    if !line.state.takes_documents() {
        return Err(AppError::Conflict(ErrorKey::DocumentLineClosed));
    }
    let kinds: Vec<_> = crate::assistance::db::document_kinds(ctx.db())
        .await?
        .into_iter()
        .filter(|k| k.active && k.assistance_type_id == line.assistance_type_id)
        .collect();
    let mut given: Vec<(i64, i64, Vec<u8>)> = Vec::new();
    for (kind_id, bytes) in files {
        if kinds.iter().any(|k| k.id == kind_id) && !given.iter().any(|(id, _, _)| *id == kind_id) {
            given.push((kind_id, line.assistance_type_id, bytes));
        }
    }
    if given.is_empty() {
        return Err(AppError::validation(
            "documents",
            ErrorKey::DocumentNotChosen,
        ));
    }
    let added: Vec<String> = given
        .iter()
        .filter_map(|(id, _, _)| kinds.iter().find(|k| k.id == *id))
        .map(|k| k.name_ar.clone())
        .collect();
    let (names, stored) = check_and_store(ctx, given).await?;
    let documents: Vec<StoredDocument> = stored.into_iter().map(|(_, d)| d).collect();
    let event = ctx
        .event(audit::action::LINE_DOCUMENT_UPLOADED)
        .subject("household", line.household_id)
        .detail(format!("line {line_id} ({} documents)", documents.len()));
    let written = crate::database::retrying(|| {
        db::documents::add_to_open_line(ctx.db(), line_id, &documents, user_id, event.clone())
    })
    .await;
    match written {
        Ok(true) => {}
        Ok(false) => {
            forget(ctx, &names).await;
            return Err(AppError::Conflict(ErrorKey::DocumentLineClosed));
        }
        Err(error) => {
            forget(ctx, &names).await;
            return Err(error.into());
        }
    }
    super::family::note_act(ctx, acting, user_id, "document_added", added.join("، ")).await
}

/// Removes stored files of a form that was not kept.
pub(in crate::applications) async fn forget(ctx: &Ctx, names: &[String]) {
    for name in names {
        ctx.state.photos.remove_file(name).await;
    }
}

/// A document's bytes and format, for its family, the staff of the
/// association its line is with, or the council; a staff or council opening
/// is audited as a read of the household (`application_document <id>`),
/// which the family's "My data" lists. Anyone else: 403, audited.
#[tracing::instrument(skip_all, fields(document_id = id))]
pub(in crate::applications) async fn open_document(
    ctx: &Ctx,
    id: i64,
) -> Result<(Vec<u8>, DocumentFormat), AppError> {
    let user = ctx.require(Requirement::SignedIn).await?;
    let (line_id, name, format) = db::documents::document_file(ctx.db(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let line = db::line_record(ctx.db(), line_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let own = user.satisfies(Requirement::FamilyMember)
        && crate::registry::db::household_of_head(ctx.db(), &user.national_id)
            .await?
            .is_some_and(|h| h.id == line.household_id);
    if !own {
        let acting_for = match line_access(ctx, &line).await? {
            LineAccess::Current(association_id) => Some(association_id),
            LineAccess::Council => None,
            // It passed the line on: not the association serving it.
            LineAccess::Referrer(_) => {
                return Err(ctx.deny(format!("application_document {id}")).await);
            }
        };
        audit::record(
            ctx.db(),
            ctx.event(audit::action::HOUSEHOLD_VIEWED)
                .acting_for(acting_for)
                .subject("household", line.household_id)
                .detail(format!("application_document {id}")),
        )
        .await?;
    }
    let bytes = ctx
        .state
        .photos
        .read(&name)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((bytes, format))
}
