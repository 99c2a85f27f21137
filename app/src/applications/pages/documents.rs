//! An application's documents on the pages: the file inputs of the apply
//! form under each chosen type, the form that adds one to an open line, and
//! the list of documents given (the family's own lines, the staff's line
//! page), each opened in the browser.

use leptos::prelude::*;

use super::super::api::ApplyDraft;
use super::super::documents::{DocumentFormat, LineDocument, document_url, field_name};
use crate::assistance::DocumentKind;
use crate::error::ErrorKey;
use crate::i18n::*;
use crate::paths::LINE_DOCUMENT_ADD;
use crate::time::format_date;
use crate::ui::{ErrorText, is_english, pick};

/// What the form's file inputs accept (the server checks the bytes).
const ACCEPT: &str = "application/pdf,image/jpeg,image/png,image/webp";

/// The documents asked for with one type, a file input each. None is
/// `required` in HTML: the inputs of an unticked type stay hidden, and the
/// server refuses a required one missing with a message.
///
/// After a refused form (`draft`), the refused file's message is beside its
/// input and every file that was sent is asked for again.
#[component]
pub fn DocumentInputs(
    kinds: Vec<DocumentKind>,
    line: usize,
    #[prop(optional)] draft: ApplyDraft,
) -> impl IntoView {
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
            let error = draft.error_at(&field_name(k.id));
            let again = draft.files.contains(&k.id).then(|| {
                view! { <p class="hint choose-again" id=format!("{id}-again")>{t!(i18n, documents.choose_again)}</p> }
            });
            let describedby = match (error, again.is_some()) {
                (Some(_), true) => format!("{hint} {id}-check {id}-again"),
                (Some(_), false) => format!("{hint} {id}-check"),
                (None, true) => format!("{hint} {id}-again"),
                (None, false) => hint.clone(),
            };
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
                    <input id=id.clone() type="file" name=field_name(k.id) accept=ACCEPT
                        aria-describedby=describedby data-required=k.required.then_some("1")
                        aria-invalid=error.map(|_| "true") />
                    <FieldNote input=id error />
                    {again}
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

/// The server's message under a field it refused (`<input id>-check`: the
/// id `ui::CheckedForm` writes its own message under, so one replaces the
/// other); nothing when the field is fine.
#[component]
pub fn FieldNote(input: String, error: Option<ErrorKey>) -> impl IntoView {
    error.map(|key| {
        view! { <p class="field-error" id=format!("{input}-check")><ErrorText key /></p> }
    })
}

/// A field's `aria-describedby`: the form's alert, and its own message when
/// the server refused it.
pub fn described(input: &str, error: Option<ErrorKey>) -> String {
    match error {
        Some(_) => format!("apply-error {input}-check"),
        None => "apply-error".to_string(),
    }
}

/// The family adds a document to an open line: a file input per document
/// asked with the line's type (a missing one, or one more), posted with the
/// line (multipart, works without JavaScript; `http_documents`).
#[component]
pub fn AddDocument(line_id: i64, kinds: Vec<DocumentKind>) -> impl IntoView {
    let i18n = use_i18n();
    let english = is_english();
    let inputs = kinds
        .into_iter()
        .map(|k| {
            let id = format!("add-{line_id}-document-{}", k.id);
            view! {
                <div class="field document-field">
                    <label for=id.clone()>{pick(english, &k.name_ar, &k.name_en)}</label>
                    <input id=id type="file" name=field_name(k.id) accept=ACCEPT
                        aria-describedby=format!("add-{line_id}-hint") />
                </div>
            }
        })
        .collect_view();
    view! {
        <details class="add-document" data-testid="add-document">
            <summary>{t!(i18n, documents.add_title)}</summary>
            <form method="post" action=LINE_DOCUMENT_ADD enctype="multipart/form-data" class="stack">
                <input type="hidden" name="line_id" value=line_id.to_string() />
                <p class="hint" id=format!("add-{line_id}-hint")>{t!(i18n, documents.add_intro)} " " {t!(i18n, documents.file_hint)}</p>
                {inputs}
                <button type="submit" class="button small primary">{t!(i18n, documents.add_submit)}</button>
            </form>
        </details>
    }
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
