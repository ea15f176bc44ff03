//! Why goods come back: the fixed taxonomy every return is filed under, so that
//! reports can compare products and shops.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    Damaged,
    Defective,
    WrongItem,
    NotAsDescribed,
    TooSmall,
    TooLarge,
    ChangedMind,
    ArrivedLate,
    Other,
}

impl ReturnReason {
    pub const ALL: [ReturnReason; 9] = [
        ReturnReason::Damaged,
        ReturnReason::Defective,
        ReturnReason::WrongItem,
        ReturnReason::NotAsDescribed,
        ReturnReason::TooSmall,
        ReturnReason::TooLarge,
        ReturnReason::ChangedMind,
        ReturnReason::ArrivedLate,
        ReturnReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReturnReason::Damaged => "damaged",
            ReturnReason::Defective => "defective",
            ReturnReason::WrongItem => "wrong_item",
            ReturnReason::NotAsDescribed => "not_as_described",
            ReturnReason::TooSmall => "too_small",
            ReturnReason::TooLarge => "too_large",
            ReturnReason::ChangedMind => "changed_mind",
            ReturnReason::ArrivedLate => "arrived_late",
            ReturnReason::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The shop got something wrong: the buyer should not pay for sending it back.
    pub fn is_merchant_fault(self) -> bool {
        matches!(
            self,
            ReturnReason::Damaged
                | ReturnReason::Defective
                | ReturnReason::WrongItem
                | ReturnReason::NotAsDescribed
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in ReturnReason::ALL {
            assert_eq!(ReturnReason::parse(r.code()), Some(r));
        }
        assert_eq!(ReturnReason::parse("bored"), None);
    }
}
