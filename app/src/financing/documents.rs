//! The checklist's uploaded documents: the rules (a PDF's structure, the
//! size cap, the formats kept) are the core's, shared with an application's
//! documents (`photos::documents`); the stored name is financing's own.

pub use crate::photos::documents::{DocumentFormat, MAX_DOCUMENT_BYTES, PdfProblem, check_pdf};

/// The stored name of a document file (never the uploader's name).
pub fn document_file_name(key: &str, format: DocumentFormat) -> String {
    format!("financing-document-{key}.{}", format.as_str())
}
