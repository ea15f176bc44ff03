//! Documents attached to claims and messages (order confirmations, receipts,
//! photos), checked by content, never by name or declared type.

use crate::photo::{sniff_image, too_many_pixels};

pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_DOCUMENTS: usize = 10;

/// PDF or an image, from its signature.
pub fn sniff_document(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        return Some("application/pdf");
    }
    sniff_image(bytes)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("at most {MAX_DOCUMENTS} documents at a time")]
    TooMany,
    #[error("'{0}' is larger than 10 MB")]
    TooLarge(String),
    #[error("'{0}' is not a PDF or an image (JPEG, PNG, GIF, WebP)")]
    WrongType(String),
    #[error("'{0}' is an image of more than 50 megapixels")]
    TooManyPixels(String),
}

/// A file name safe to show and to offer as a download name.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "document".to_string()
    } else {
        cleaned
    }
}

/// Checks a batch of (file name, bytes); returns their content types.
pub fn check_documents(files: &[(&str, &[u8])]) -> Result<Vec<&'static str>, DocumentError> {
    if files.len() > MAX_DOCUMENTS {
        return Err(DocumentError::TooMany);
    }
    files
        .iter()
        .map(|(name, bytes)| {
            if bytes.len() > MAX_DOCUMENT_BYTES {
                return Err(DocumentError::TooLarge(clean_filename(name)));
            }
            let kind = sniff_document(bytes)
                .ok_or_else(|| DocumentError::WrongType(clean_filename(name)))?;
            if too_many_pixels(bytes) {
                return Err(DocumentError::TooManyPixels(clean_filename(name)));
            }
            Ok(kind)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_known_by_content() {
        assert_eq!(
            check_documents(&[("receipt.pdf", b"%PDF-1.7 ...")]),
            Ok(vec!["application/pdf"])
        );
        assert!(matches!(
            check_documents(&[("receipt.pdf", b"MZ\x90\x00")]),
            Err(DocumentError::WrongType(_))
        ));
        let big = vec![b'%'; MAX_DOCUMENT_BYTES + 1];
        assert!(matches!(
            check_documents(&[("big.pdf", &big)]),
            Err(DocumentError::TooLarge(_))
        ));
    }

    #[test]
    fn hostile_names_are_cleaned() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\x\\\"evil\".pdf"), "evil.pdf");
        assert_eq!(clean_filename(".."), "document");
        assert_eq!(clean_filename("rechnung\u{0}.pdf"), "rechnung.pdf");
    }
}
