//! An application's documents on the server (see `applications::documents`):
//! checking and storing the files of a form before its lines are written,
//! removing them when the form is refused, and opening one for a reader
//! allowed to see it (audited for staff).

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
    let mut prepared: Vec<(i64, i64, DocumentFormat, Vec<u8>)> = Vec::new();
    for (kind_id, type_id, bytes) in given {
        let (format, kept) = prepare(bytes).await?;
        prepared.push((kind_id, type_id, format, kept));
    }
    let mut names = Vec::new();
    for (kind_id, type_id, format, bytes) in prepared {
        let key = crate::photos::pipeline::new_key();
        let name = stored_name(&key, format);
        if let Err(error) = ctx.state.photos.put_file(&name, &bytes).await {
            forget(ctx, &names).await;
            return Err(error.into());
        }
        names.push(name);
        if let Some(line) = requested
            .iter_mut()
            .find(|l| l.assistance_type_id == type_id)
        {
            line.documents.push(StoredDocument {
                kind_id,
                key,
                format,
                size_bytes: bytes.len() as i64,
            });
        }
    }
    Ok(names)
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
