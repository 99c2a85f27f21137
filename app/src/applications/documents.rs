//! Documents with an application (issue 21 §4). The council lists, per
//! assistance type, the documents a family is asked for
//! (`assistance::DocumentKind`); the apply form asks for them under each type
//! and takes them in the same multipart post (`http_documents`: works
//! without JavaScript). A file is a PDF checked by its structure or a photo
//! re-encoded by the photo pipeline — the core's `photos::documents`, shared
//! with financing's checklist — stored under a random key in the photo
//! store (directory or bucket). Every file of a form is checked before any
//! is stored, and a form refused for any reason stores nothing.
//!
//! Who sees a document: the family (its own), staff of the association the
//! line is with and the council, inline; each staff opening is a
//! `household_viewed` audit row (`application_document <id>`) that the
//! family's "My data" lists. A household's deletion removes the rows and the
//! files (`subject::erase`).

use serde::{Deserialize, Serialize};

use crate::assistance::DocumentKind;
pub use crate::photos::documents::DocumentFormat;

/// A document given with a line, as the family and staff see it listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDocument {
    pub id: i64,
    pub line_id: i64,
    pub kind_name_ar: String,
    pub kind_name_en: String,
    pub format: DocumentFormat,
    pub size_bytes: i64,
    pub uploaded_at: i64,
}

/// The address a document is opened at.
pub fn document_url(id: i64) -> String {
    format!("{}/{id}", crate::paths::LINE_DOCUMENT_FILES)
}

/// The stored name of a document's file (never the family's file name).
pub fn stored_name(key: &str, format: DocumentFormat) -> String {
    format!("application-document-{key}.{}", format.as_str())
}

/// The name of the form field that carries the file for a kind.
pub fn field_name(kind_id: i64) -> String {
    format!("documents[{kind_id}]")
}

/// The kind a form field carries a file for (`documents[<id>]`).
pub fn kind_of_field(name: &str) -> Option<i64> {
    name.strip_prefix("documents[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// The first required, active kind of a chosen type that was not given.
pub fn first_missing<'a>(
    kinds: &'a [DocumentKind],
    chosen_types: &[i64],
    given: &[i64],
) -> Option<&'a DocumentKind> {
    kinds.iter().find(|k| {
        k.active
            && k.required
            && chosen_types.contains(&k.assistance_type_id)
            && !given.contains(&k.id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(id: i64, type_id: i64, required: bool, active: bool) -> DocumentKind {
        DocumentKind {
            id,
            assistance_type_id: type_id,
            name_ar: "هوية".into(),
            name_en: "ID".into(),
            required,
            active,
        }
    }

    #[test]
    fn field_names_round_trip() {
        assert_eq!(kind_of_field(&field_name(42)), Some(42));
        assert_eq!(kind_of_field("documents[x]"), None);
        assert_eq!(kind_of_field("lines[0][chosen]"), None);
    }

    #[test]
    fn only_required_active_kinds_of_chosen_types_are_missing() {
        let kinds = [
            kind(1, 10, true, true),
            kind(2, 10, false, true),
            kind(3, 20, true, true),
            kind(4, 10, true, false),
        ];
        assert_eq!(first_missing(&kinds, &[10], &[]).map(|k| k.id), Some(1));
        assert_eq!(first_missing(&kinds, &[10], &[1]), None);
        assert_eq!(
            first_missing(&kinds, &[20, 10], &[1]).map(|k| k.id),
            Some(3)
        );
        assert_eq!(first_missing(&kinds, &[30], &[]), None);
    }
}
