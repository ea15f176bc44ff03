//! RMA numbers: short enough to read over the phone, random enough that
//! nobody can guess the next one from their own.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Crockford's base 32: no I, L, O or U, so nothing is misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RmaNumber(String);

impl RmaNumber {
    /// "RMA-7KX4-M2QP" from 40 random bits supplied by the caller. Uniqueness
    /// per merchant is the store's job (a unique index; retry on clash).
    pub fn from_random(random: u64) -> Self {
        let mut chars = [0u8; 8];
        for (i, c) in chars.iter_mut().enumerate() {
            *c = ALPHABET[((random >> (5 * i)) & 31) as usize];
        }
        let s = std::str::from_utf8(&chars).unwrap_or("00000000");
        RmaNumber(format!("RMA-{}-{}", &s[..4], &s[4..]))
    }

    /// Accepts what a person types: any case, with or without dashes, and the
    /// letters Crockford maps to digits (O→0, I/L→1).
    pub fn parse(raw: &str) -> Option<Self> {
        let cleaned: String = raw
            .trim()
            .to_ascii_uppercase()
            .trim_start_matches("RMA")
            .chars()
            .filter(|c| *c != '-' && *c != ' ')
            .map(|c| match c {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        if cleaned.len() != 8 || !cleaned.bytes().all(|b| ALPHABET.contains(&b)) {
            return None;
        }
        Some(RmaNumber(format!(
            "RMA-{}-{}",
            &cleaned[..4],
            &cleaned[4..]
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RmaNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_readable_and_parse_back() {
        let rma = RmaNumber::from_random(0x12_3456_789A);
        assert_eq!(rma.as_str().len(), 13);
        assert_eq!(RmaNumber::parse(rma.as_str()), Some(rma.clone()));
        let typed = rma.as_str().to_lowercase().replace('-', " ");
        assert_eq!(RmaNumber::parse(&typed), Some(rma));
    }

    #[test]
    fn consecutive_randoms_do_not_look_consecutive() {
        let a = RmaNumber::from_random(1);
        let b = RmaNumber::from_random(2);
        assert_ne!(a, b);
        assert!(RmaNumber::parse("RMA-UUUU-0000").is_none());
    }
}
