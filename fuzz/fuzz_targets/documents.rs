//! Uploaded documents and photos, judged by their bytes: the type sniffing,
//! the header reading for declared pixel sizes, and file-name cleaning.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reso_domain::document::{check_documents, clean_filename, sniff_document};
use reso_domain::photo::{check_photos, declared_size, sniff_image, too_many_pixels, MAX_PIXELS};

fuzz_target!(|data: &[u8]| {
    let image = sniff_image(data);
    let document = sniff_document(data);
    // Every image is also an acceptable document.
    assert!(image.is_none() || document == image);
    if let Some((w, h)) = declared_size(data) {
        assert_eq!(
            too_many_pixels(data),
            u64::from(w) * u64::from(h) > MAX_PIXELS
        );
    }
    if let Ok(kinds) = check_photos(&[data], 0) {
        assert_eq!(kinds, vec![image.unwrap()]);
    }

    // The bytes also as a hostile file name.
    let name = String::from_utf8_lossy(data);
    let clean = clean_filename(&name);
    assert!(
        !clean.is_empty() && clean.chars().count() <= 120,
        "{clean:?}"
    );
    assert!(!clean.contains(['/', '\\', '"', '<', '>']) && !clean.starts_with('.'));
    assert!(!clean.chars().any(char::is_control));
    if let Ok(kinds) = check_documents(&[(&name, data)]) {
        assert_eq!(kinds, vec![document.unwrap()]);
    }
});
