//! Documents people hand in (an ID copy, a quotation, a licence), shared by
//! every domain that takes them (financing's checklist, an application's
//! documents): what a PDF must look like to be kept (its structure checked,
//! not trusted from its name or type), the size caps, and, on the server,
//! turning an upload into the file kept ([`prepare`]: a PDF as it is, a
//! photo through the product photos' pipeline — decoded within limits,
//! oriented, stripped of its metadata, re-encoded as WebP) and the answer
//! that sends a stored document back ([`file_response`]: its own type,
//! `nosniff`, a policy that lets no script run, never cached).

use serde::{Deserialize, Serialize};

/// The largest document accepted (a scanned certificate is well under it).
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// Why a PDF is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PdfProblem {
    TooLarge,
    /// No `%PDF-1.x` or `%PDF-2.0` header at the start.
    NotPdf,
    /// No end-of-file marker, or no cross-reference offset inside the file
    /// (cut short, or not a PDF writer's output).
    Damaged,
    /// Encrypted, or carries active content (scripts, launch actions,
    /// embedded files): not a document a caseworker needs to open.
    Active,
}

/// Names that make a PDF do something when opened: refused.
const ACTIVE: [&[u8]; 7] = [
    b"/JavaScript",
    b"/JS",
    b"/Launch",
    b"/EmbeddedFile",
    b"/RichMedia",
    b"/XFA",
    b"/Encrypt",
];

/// Checks a PDF by its structure: the version header at the start, a
/// `startxref` whose offset lies inside the file, `%%EOF` in the last
/// kilobyte, and none of the active-content names.
pub fn check_pdf(bytes: &[u8]) -> Result<(), PdfProblem> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(PdfProblem::TooLarge);
    }
    let header_ok = bytes.len() >= 8
        && bytes.starts_with(b"%PDF-")
        && matches!(
            &bytes[5..8],
            b"1.0" | b"1.1" | b"1.2" | b"1.3" | b"1.4" | b"1.5" | b"1.6" | b"1.7" | b"2.0"
        );
    if !header_ok {
        return Err(PdfProblem::NotPdf);
    }
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if find(tail, b"%%EOF").is_none() {
        return Err(PdfProblem::Damaged);
    }
    let Some(at) = rfind(bytes, b"startxref") else {
        return Err(PdfProblem::Damaged);
    };
    let offset: String = bytes[at + b"startxref".len()..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|b| char::from(*b))
        .collect();
    match offset.parse::<usize>() {
        Ok(offset) if offset > 0 && offset < at => {}
        _ => return Err(PdfProblem::Damaged),
    }
    if ACTIVE.iter().any(|name| contains_name(bytes, name)) {
        return Err(PdfProblem::Active);
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// A PDF name as a whole name (`/JS` but not `/JSON`): followed by a
/// delimiter, whitespace or the end.
fn contains_name(bytes: &[u8], name: &[u8]) -> bool {
    let mut from = 0;
    while let Some(i) = find(&bytes[from..], name) {
        let end = from + i + name.len();
        match bytes.get(end) {
            None => return true,
            Some(b) if !b.is_ascii_alphanumeric() => return true,
            _ => from = end,
        }
    }
    false
}

/// What a stored document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentFormat {
    Pdf,
    /// A photo of the document, re-encoded as WebP.
    Webp,
}

impl DocumentFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "pdf",
            DocumentFormat::Webp => "webp",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pdf, Self::Webp]
            .into_iter()
            .find(|f| f.as_str() == value)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "application/pdf",
            DocumentFormat::Webp => "image/webp",
        }
    }
}

/// Why an uploaded document is refused, or could not be kept.
#[cfg(feature = "ssr")]
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("the file is larger than allowed")]
    TooLarge,
    #[error("the file is neither a PDF nor a JPEG, PNG or WebP photo")]
    WrongType,
    #[error("the PDF or photo is damaged or incomplete")]
    Damaged,
    #[error("the PDF is encrypted or carries scripts, actions or attachments")]
    Active,
    #[error("the photo has too many pixels")]
    TooManyPixels,
    #[error("every photo decoder stayed busy")]
    Busy,
}

#[cfg(feature = "ssr")]
impl From<PdfProblem> for DocumentError {
    fn from(problem: PdfProblem) -> Self {
        match problem {
            PdfProblem::TooLarge => DocumentError::TooLarge,
            PdfProblem::NotPdf => DocumentError::WrongType,
            PdfProblem::Damaged => DocumentError::Damaged,
            PdfProblem::Active => DocumentError::Active,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<DocumentError> for crate::error::AppError {
    fn from(error: DocumentError) -> Self {
        use crate::error::{AppError, ErrorKey};
        let field = "document";
        match error {
            DocumentError::TooLarge => AppError::validation(field, ErrorKey::DocumentTooLarge),
            DocumentError::WrongType => AppError::validation(field, ErrorKey::DocumentWrongType),
            DocumentError::Damaged => AppError::validation(field, ErrorKey::DocumentDamaged),
            DocumentError::Active => AppError::validation(field, ErrorKey::DocumentActive),
            DocumentError::TooManyPixels => {
                AppError::validation(field, ErrorKey::PhotoTooManyPixels)
            }
            DocumentError::Busy => AppError::Busy,
        }
    }
}

/// The largest photo of a document read from an upload (a phone's photo);
/// a PDF is held to [`MAX_DOCUMENT_BYTES`].
pub const MAX_DOCUMENT_PHOTO_BYTES: usize = super::MAX_PHOTO_BYTES;

/// The file to keep for an upload: a PDF whose structure checks out, kept
/// as it is, or a photo of the document through the photo pipeline (its
/// largest width, WebP). Anything else is refused; nothing is stored here.
#[cfg(feature = "ssr")]
pub async fn prepare(bytes: Vec<u8>) -> Result<(DocumentFormat, Vec<u8>), DocumentError> {
    use super::pipeline::{PhotoError, decode, process};
    if bytes.starts_with(b"%PDF-") {
        check_pdf(&bytes)?;
        return Ok((DocumentFormat::Pdf, bytes));
    }
    if bytes.len() > MAX_DOCUMENT_PHOTO_BYTES {
        return Err(DocumentError::TooLarge);
    }
    let processed = decode(move || process(&bytes))
        .await
        .map_err(|_| DocumentError::Busy)?
        .map_err(|error| match error {
            PhotoError::TooLarge => DocumentError::TooLarge,
            PhotoError::NotAnImage => DocumentError::WrongType,
            PhotoError::TooManyPixels => DocumentError::TooManyPixels,
            PhotoError::Busy => DocumentError::Busy,
            PhotoError::Corrupt | PhotoError::Store(_) => DocumentError::Damaged,
        })?;
    let (_, largest) = processed
        .variants
        .into_iter()
        .last()
        .ok_or(DocumentError::Damaged)?;
    Ok((DocumentFormat::Webp, largest))
}

/// How a stored document is handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Shown in the browser (a staff member reads it on screen).
    Inline,
    /// Saved as a file.
    Attachment,
}

/// The policy a served document gets. Nothing may run: no script, no form,
/// no frame around it from elsewhere. A photo (always WebP made here, never
/// SVG) is sandboxed as well; a PDF keeps the browser's own viewer (which a
/// sandbox would block in Chromium) and its scripts were refused at upload.
pub fn document_policy(format: DocumentFormat) -> &'static str {
    match format {
        DocumentFormat::Pdf => {
            "default-src 'none'; object-src 'self'; \
             frame-ancestors 'self'; form-action 'none'; base-uri 'none'"
        }
        DocumentFormat::Webp => {
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; \
             frame-ancestors 'self'; form-action 'none'; base-uri 'none'; sandbox"
        }
    }
}

/// The answer carrying a stored document: its own type, `nosniff`, the
/// [`document_policy`], never stored by any cache, named `{name}.{pdf|webp}`.
#[cfg(feature = "ssr")]
pub fn file_response(
    bytes: Vec<u8>,
    format: DocumentFormat,
    name: &str,
    disposition: Disposition,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let how = match disposition {
        Disposition::Inline => "inline",
        Disposition::Attachment => "attachment",
    };
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("{how}; filename=\"{name}.{}\"", format.as_str()),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                document_policy(format).to_string(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal well-formed PDF with `body` inside its one object.
    pub fn pdf(body: &str) -> Vec<u8> {
        let head = format!("%PDF-1.4\n1 0 obj\n<< {body} >>\nendobj\n");
        let xref = head.len();
        format!("{head}xref\n0 2\n0000000000 65535 f \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n")
            .into_bytes()
    }

    #[test]
    fn a_plain_pdf_passes() {
        assert_eq!(check_pdf(&pdf("/Type /Catalog")), Ok(()));
        // A name that only starts like an active one is fine.
        assert_eq!(check_pdf(&pdf("/JSON 1")), Ok(()));
    }

    #[test]
    fn what_is_refused() {
        assert_eq!(check_pdf(b"GIF89a"), Err(PdfProblem::NotPdf));
        assert_eq!(check_pdf(b"%PDF-9.9\n%%EOF"), Err(PdfProblem::NotPdf));
        let whole = pdf("/Type /Catalog");
        assert_eq!(
            check_pdf(&whole[..whole.len() - 20]),
            Err(PdfProblem::Damaged)
        );
        let mut no_xref = b"%PDF-1.7\n".to_vec();
        no_xref.extend_from_slice(b"1 0 obj <<>> endobj\n%%EOF\n");
        assert_eq!(check_pdf(&no_xref), Err(PdfProblem::Damaged));
        assert_eq!(
            check_pdf(&pdf("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")),
            Err(PdfProblem::Active)
        );
        assert_eq!(check_pdf(&pdf("/Encrypt 5 0 R")), Err(PdfProblem::Active));
        assert_eq!(check_pdf(&pdf("/S /Launch")), Err(PdfProblem::Active));
        let mut big = pdf("/Type /Catalog");
        big.resize(MAX_DOCUMENT_BYTES + 1, b' ');
        assert_eq!(check_pdf(&big), Err(PdfProblem::TooLarge));
    }
}
