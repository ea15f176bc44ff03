//! Reading the multipart forms that carry photos.

use axum::extract::multipart::{Multipart, MultipartError};
use std::collections::HashMap;

/// The text fields and the files of a submitted form.
#[derive(Default)]
pub struct Upload {
    pub fields: HashMap<String, String>,
    /// Files of the `photos` input, in order; empty file inputs are skipped.
    pub photos: Vec<Vec<u8>>,
}

/// Why a form could not be read.
pub enum UploadError {
    /// Over the route's body limit.
    TooLarge,
    Malformed,
}

/// Text fields longer than this are cut: no field of ours needs more, and a
/// buyer's comment over the use case's limit is refused there with a message.
const MAX_FIELD: usize = 10_000;

pub async fn read(mut multipart: Multipart) -> Result<Upload, UploadError> {
    let mut upload = Upload::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(classify(&e)),
        };
        let name = field.name().unwrap_or("").to_string();
        let is_file = field.file_name().is_some();
        let bytes = field.bytes().await.map_err(|e| classify(&e))?;
        if name == "photos" && is_file {
            // A file input left empty still sends a part with no name and no bytes.
            if !bytes.is_empty() {
                upload.photos.push(bytes.to_vec());
            }
        } else if !is_file {
            let mut value = String::from_utf8_lossy(&bytes).into_owned();
            if value.len() > MAX_FIELD {
                let cut = (0..=MAX_FIELD)
                    .rev()
                    .find(|i| value.is_char_boundary(*i))
                    .unwrap_or(0);
                value.truncate(cut);
            }
            upload.fields.insert(name, value);
        }
    }
    Ok(upload)
}

fn classify(e: &MultipartError) -> UploadError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        UploadError::TooLarge
    } else {
        UploadError::Malformed
    }
}
