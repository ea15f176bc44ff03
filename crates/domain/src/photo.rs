//! Photos buyers attach to a return are checked by their content, never by
//! their name or the type the browser claims.

pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_PHOTOS: usize = 5;

/// The image type of `bytes`, from its signature.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("at most {MAX_PHOTOS} photos per return")]
    TooMany,
    #[error("a photo may be at most 5 MB")]
    TooLarge,
    #[error("only JPEG, PNG, GIF or WebP images can be attached")]
    NotAnImage,
}

/// Checks a batch of photos; returns their content types.
pub fn check_photos(photos: &[&[u8]], already: usize) -> Result<Vec<&'static str>, PhotoError> {
    if photos.len() + already > MAX_PHOTOS {
        return Err(PhotoError::TooMany);
    }
    photos
        .iter()
        .map(|p| {
            if p.len() > MAX_PHOTO_BYTES {
                return Err(PhotoError::TooLarge);
            }
            sniff_image(p).ok_or(PhotoError::NotAnImage)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_known_by_their_bytes() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff_image(b"\xff\xd8\xff\xe0"), Some("image/jpeg"));
        assert_eq!(sniff_image(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff_image(b"%PDF-1.7"), None);
    }

    #[test]
    fn batches_are_limited() {
        let png: &[u8] = b"\x89PNG\r\n\x1a\n";
        assert_eq!(check_photos(&[png], 0), Ok(vec!["image/png"]));
        assert_eq!(check_photos(&[png; 6], 0), Err(PhotoError::TooMany));
        assert_eq!(check_photos(&[b"hello"], 0), Err(PhotoError::NotAnImage));
        let big = vec![0xFFu8; MAX_PHOTO_BYTES + 1];
        assert_eq!(check_photos(&[&big], 0), Err(PhotoError::TooLarge));
    }
}
