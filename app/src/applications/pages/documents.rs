//! An application's documents on the pages: the file inputs of the apply
//! form under each chosen type, and the list of documents given (the
//! family's own lines, the staff's line page), each opened in the browser.

use leptos::prelude::*;

use super::super::documents::{DocumentFormat, LineDocument, document_url, field_name};
use crate::assistance::DocumentKind;
use crate::i18n::*;
use crate::time::format_date;
use crate::ui::{is_english, pick};

/// What the form's file inputs accept (the server checks the bytes).
const ACCEPT: &str = "application/pdf,image/jpeg,image/png,image/webp";

/// The documents asked for with one type, a file input each. None is
/// `required` in HTML: the inputs of an unticked type stay hidden, and the
/// server refuses a required one missing with a message.
#[component]
pub fn DocumentInputs(kinds: Vec<DocumentKind>, line: usize) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    if kinds.is_empty() {
        return ().into_any();
    }
    let hint = format!("line-{line}-documents-hint");
    let inputs = kinds
        .into_iter()
        .map(|k| {
            let id = format!("document-{}", k.id);
            let hint = hint.clone();
            view! {
                <div class="field document-field">
                    <label for=id.clone()>
                        {pick(english, &k.name_ar, &k.name_en)} " "
                        <span class="muted small">"("
                            {if k.required {
                                t!(i18n, documents.required).into_any()
                            } else {
                                t!(i18n, documents.optional).into_any()
                            }}
                        ")"</span>
                    </label>
                    <input id=id type="file" name=field_name(k.id) accept=ACCEPT
                        aria-describedby=hint data-required=k.required.then_some("1") />
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="documents">
            <legend>{t!(i18n, documents.requested)}</legend>
            <p class="hint" id=hint.clone()>{t!(i18n, documents.file_hint)}</p>
            {inputs}
        </fieldset>
    }
    .into_any()
}

/// The documents given with a line, each a link that opens it.
#[component]
pub fn DocumentLinks(documents: Vec<LineDocument>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let items = documents
        .into_iter()
        .map(|d| {
            let kind = match d.format {
                DocumentFormat::Pdf => t!(i18n, documents.pdf).into_any(),
                DocumentFormat::Webp => t!(i18n, documents.photo).into_any(),
            };
            let size = format!("{} KB", (d.size_bytes + 1023) / 1024);
            view! {
                <li data-document-id=d.id.to_string()>
                    <a href=document_url(d.id) target="_blank" rel="noopener">
                        {pick(english, &d.kind_name_ar, &d.kind_name_en)}
                    </a>
                    " " <span class="muted small">{kind} " · " <bdi dir="ltr">{size}</bdi>
                    " · " <span class="date">{format_date(d.uploaded_at)}</span></span>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="documents-given">{items}</ul> }
}

/// The staff's section of a line's documents.
#[component]
pub fn LineDocuments(documents: Vec<LineDocument>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2>{t!(i18n, documents.given)}</h2>
        {if documents.is_empty() {
            view! { <p class="muted">{t!(i18n, documents.none_given)}</p> }.into_any()
        } else {
            view! { <DocumentLinks documents /> }.into_any()
        }}
    }
}
