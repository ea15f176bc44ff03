//! Photos buyers attach to a return are checked by their content, never by
//! their name or the type the browser claims.

pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_PHOTOS: usize = 5;
/// More pixels than any phone photo: a small file declaring more is a
/// decompression bomb for whatever decodes it (a browser, a PDF reader).
pub const MAX_PIXELS: u64 = 50_000_000;

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
    #[error("a photo may have at most 50 megapixels")]
    TooManyPixels,
}

/// The width and height an image declares in its header, where it can be
/// read (PNG, GIF, WebP, baseline and progressive JPEG).
pub fn declared_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |i: usize| Some(u16::from_be_bytes(bytes.get(i..i + 2)?.try_into().ok()?));
    let le16 = |i: usize| Some(u16::from_le_bytes(bytes.get(i..i + 2)?.try_into().ok()?));
    let be32 = |i: usize| Some(u32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?));
    let le24 = |i: usize| {
        let b = bytes.get(i..i + 3)?;
        Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
    };
    match sniff_image(bytes)? {
        "image/png" => (bytes.get(12..16)? == b"IHDR")
            .then_some(())
            .and_then(|()| Some((be32(16)?, be32(20)?))),
        "image/gif" => Some((u32::from(le16(6)?), u32::from(le16(8)?))),
        "image/webp" => match bytes.get(12..16)? {
            b"VP8 " => Some((u32::from(le16(26)? & 0x3fff), u32::from(le16(28)? & 0x3fff))),
            b"VP8L" => {
                let bits = u32::from_le_bytes(bytes.get(21..25)?.try_into().ok()?);
                Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
            }
            b"VP8X" => Some((le24(24)? + 1, le24(27)? + 1)),
            _ => None,
        },
        _ => {
            // JPEG: walk the segments to the frame header (SOFn).
            let mut i = 2;
            loop {
                if *bytes.get(i)? != 0xFF {
                    return None;
                }
                let marker = *bytes.get(i + 1)?;
                match marker {
                    0xFF => i += 1,
                    0x01 | 0xD0..=0xD7 => i += 2,
                    0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                        return Some((u32::from(be16(i + 7)?), u32::from(be16(i + 5)?)));
                    }
                    0xD9 | 0xDA => return None,
                    _ => i += 2 + usize::from(be16(i + 2)?),
                }
            }
        }
    }
}

/// Whether an image declares more pixels than [`MAX_PIXELS`].
pub fn too_many_pixels(bytes: &[u8]) -> bool {
    declared_size(bytes).is_some_and(|(w, h)| u64::from(w) * u64::from(h) > MAX_PIXELS)
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
            let kind = sniff_image(p).ok_or(PhotoError::NotAnImage)?;
            if too_many_pixels(p) {
                return Err(PhotoError::TooManyPixels);
            }
            Ok(kind)
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

    /// A PNG header declaring `w` × `h` pixels.
    fn png(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, 6, 0, 0, 0]);
        b
    }

    #[test]
    fn declared_sizes_are_read_from_the_headers() {
        assert_eq!(declared_size(&png(640, 480)), Some((640, 480)));
        assert_eq!(declared_size(b"GIF89a\x20\x03\x58\x02"), Some((800, 600)));
        // JPEG: APP0 segment, then a baseline frame header of 1024 × 768.
        let jpeg = b"\xff\xd8\xff\xe0\x00\x04JF\xff\xc0\x00\x11\x08\x03\x00\x04\x00\x03";
        assert_eq!(declared_size(jpeg), Some((1024, 768)));
        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0".to_vec();
        webp.extend([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        assert_eq!(declared_size(&webp), Some((1 << 24, 1 << 24)));
        assert_eq!(declared_size(b"\x89PNG\r\n\x1a\n-truncated"), None);
    }

    #[test]
    fn a_decompression_bomb_is_refused() {
        assert_eq!(check_photos(&[&png(4000, 3000)], 0), Ok(vec!["image/png"]));
        assert_eq!(
            check_photos(&[&png(100_000, 100_000)], 0),
            Err(PhotoError::TooManyPixels)
        );
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
