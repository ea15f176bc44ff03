//! Reading the multipart forms of claims (buyer and staff): the text fields
//! and the attached documents with their file names. The documents' sizes
//! and types are checked by content in the use case, not here.

use crate::app::claims::Upload;
use axum::extract::multipart::{Multipart, MultipartError};
use reso_domain::document::{MAX_DOCUMENTS, MAX_DOCUMENT_BYTES};
use std::collections::HashMap;

/// Ten documents of 10 MB each, plus the form fields.
pub const BODY_LIMIT: usize = MAX_DOCUMENTS * MAX_DOCUMENT_BYTES + 1024 * 1024;

/// Text fields longer than this are cut: no claim field needs more, and the
/// use case refuses texts over its own limit with a message.
const MAX_FIELD: usize = 20_000;

#[derive(Default)]
pub struct ClaimForm {
    pub fields: HashMap<String, String>,
    /// Files of the `documents` input, in order; empty file inputs are skipped.
    pub documents: Vec<Upload>,
}

impl ClaimForm {
    pub fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// Why a form could not be read.
pub enum FormError {
    /// Over the route's body limit.
    TooLarge,
    Malformed,
}

pub async fn read(mut multipart: Multipart) -> Result<ClaimForm, FormError> {
    let mut form = ClaimForm::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(classify(&e)),
        };
        let name = field.name().unwrap_or("").to_string();
        let filename = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|e| classify(&e))?;
        match filename {
            // A file input left empty still sends a part with no name and no bytes.
            Some(filename) if name == "documents" => {
                if !bytes.is_empty() {
                    form.documents.push(Upload {
                        filename,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            Some(_) => {}
            None => {
                let mut value = String::from_utf8_lossy(&bytes).into_owned();
                if value.len() > MAX_FIELD {
                    let cut = (0..=MAX_FIELD)
                        .rev()
                        .find(|i| value.is_char_boundary(*i))
                        .unwrap_or(0);
                    value.truncate(cut);
                }
                form.fields.insert(name, value);
            }
        }
    }
    Ok(form)
}

fn classify(e: &MultipartError) -> FormError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        FormError::TooLarge
    } else {
        FormError::Malformed
    }
}
