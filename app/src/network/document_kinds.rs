//! The documents the council asks for with each assistance type (issue 21
//! §4): listed under each type of the catalogue page, each its own small
//! form (plain forms: they work without JavaScript). The rows are the
//! `assistance` reference module's; the family's form reads them.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::assistance::DocumentKind;
use crate::error::AppError;
use crate::i18n::*;

#[cfg(feature = "ssr")]
use {
    crate::assistance::db::{self as assistance_db, KindFields},
    crate::audit::action,
    crate::error::ErrorKey,
    crate::identity::{Requirement, serve},
    crate::paths::CATALOGUE_PAGE,
};

/// Every document kind of every type, retired ones included.
#[server(endpoint = "get_document_kinds")]
pub async fn get_document_kinds() -> Result<Vec<DocumentKind>, AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::CouncilAdmin).await?;
        Ok(assistance_db::document_kinds(ctx.db()).await?)
    })
    .await
}

/// Adds a document kind to a type (no `id`) or saves one. A retired kind is
/// no longer asked for; documents already given stay with their lines.
#[server(endpoint = "save_document_kind")]
pub async fn save_document_kind(
    id: Option<i64>,
    assistance_type_id: i64,
    name_ar: String,
    name_en: String,
    required: Option<String>,
    active: Option<String>,
) -> Result<(), AppError> {
    serve(|ctx| async move {
        ctx.require(Requirement::CouncilAdmin).await?;
        let name_ar = name_ar.trim().to_string();
        let name_en = name_en.trim().to_string();
        for (field, name) in [("name_ar", &name_ar), ("name_en", &name_en)] {
            if name.is_empty() || name.chars().count() > 120 {
                return Err(AppError::validation(field, ErrorKey::NameRequired));
            }
        }
        let fields = KindFields {
            name_ar,
            name_en,
            required: required.is_some(),
            active: active.is_some(),
        };
        let id = match id {
            Some(id) => {
                let kind = assistance_db::document_kind(ctx.db(), id)
                    .await?
                    .filter(|k| k.assistance_type_id == assistance_type_id)
                    .ok_or(AppError::NotFound)?;
                if !assistance_db::update_document_kind(ctx.db(), kind.id, &fields).await? {
                    return Err(AppError::NotFound);
                }
                id
            }
            None => assistance_db::add_document_kind(ctx.db(), assistance_type_id, &fields)
                .await?
                .ok_or(AppError::NotFound)?,
        };
        let event = ctx
            .event(action::DOCUMENT_KIND_SAVED)
            .subject("document_kind", id)
            .detail(format!(
                "type {assistance_type_id} {} {}",
                if fields.required {
                    "required"
                } else {
                    "optional"
                },
                if fields.active { "active" } else { "retired" }
            ));
        crate::audit::record(ctx.db(), event).await?;
        leptos_axum::redirect(&format!("{CATALOGUE_PAGE}#type-{assistance_type_id}"));
        Ok(())
    })
    .await
}

/// The documents asked for with one type: a form per kind, and one to add.
#[component]
pub fn TypeDocuments(assistance_type_id: i64, kinds: Vec<DocumentKind>) -> impl IntoView {
    let i18n = use_i18n();
    let forms = kinds
        .into_iter()
        .filter(|k| k.assistance_type_id == assistance_type_id)
        .map(|k| view! { <li><KindForm assistance_type_id kind=Some(k) /></li> })
        .collect_view();
    view! {
        <details class="document-kinds" data-testid=format!("document-kinds-{assistance_type_id}")>
            <summary>{t!(i18n, documents.requested)}</summary>
            <p class="hint">{t!(i18n, documents.council_intro)}</p>
            <ul class="plain stack">{forms}</ul>
            <h3 class="small">{t!(i18n, documents.add_kind)}</h3>
            <KindForm assistance_type_id kind=None />
        </details>
    }
}

#[component]
fn KindForm(assistance_type_id: i64, kind: Option<DocumentKind>) -> impl IntoView {
    let i18n = use_i18n();
    let key = format!(
        "kind-{assistance_type_id}-{}",
        kind.as_ref()
            .map_or_else(|| "new".to_string(), |k| k.id.to_string())
    );
    let id = move |field: &str| format!("{key}-{field}");
    let is_new = kind.is_none();
    let retired = kind.as_ref().is_some_and(|k| !k.active);
    let (name_ar, name_en) = kind
        .as_ref()
        .map(|k| (k.name_ar.clone(), k.name_en.clone()))
        .unzip();
    let required = kind.as_ref().is_some_and(|k| k.required);
    let active = kind.as_ref().is_none_or(|k| k.active);
    let kind_id = kind.map(|k| k.id);
    view! {
        <form method="post" action=SaveDocumentKind::PATH class="stack kind-form">
            {kind_id.map(|k| view! { <input type="hidden" name="id" value=k.to_string() /> })}
            <input type="hidden" name="assistance_type_id" value=assistance_type_id.to_string() />
            {retired.then(|| view! {
                <p class="small"><span class="mark">{t!(i18n, documents.retired)}</span></p>
            })}
            <div class="field">
                <label for=id("ar")>{t!(i18n, documents.kind_name_ar)}</label>
                <input id=id("ar") name="name_ar" required maxlength="120" value=name_ar />
            </div>
            <div class="field">
                <label for=id("en")>{t!(i18n, documents.kind_name_en)}</label>
                <input id=id("en") name="name_en" required maxlength="120" dir="ltr" value=name_en />
            </div>
            <label class="choice-row">
                <input type="checkbox" name="required" value="1" checked=required />
                " " {t!(i18n, documents.kind_required)}
            </label>
            <label class="choice-row">
                <input type="checkbox" name="active" value="1" checked=active />
                " " {t!(i18n, documents.kind_active)}
            </label>
            <button type="submit" class="button small secondary">
                {if is_new {
                    t!(i18n, documents.add_kind).into_any()
                } else {
                    t!(i18n, documents.save).into_any()
                }}
            </button>
        </form>
    }
}
