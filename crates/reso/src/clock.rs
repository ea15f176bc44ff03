//! Time is injected: the server runs on the system clock, tests and the demo
//! on a clock they can move, so deadlines can be shown and tested.

use reso_domain::Timestamp;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        Timestamp(ms)
    }
}

/// The system clock plus an offset that only moves forward.
#[derive(Clone, Default)]
pub struct ManualClock {
    offset_ms: Arc<AtomicI64>,
    frozen_at: Option<i64>,
}

impl ManualClock {
    /// Follows the system clock, shifted by whatever `advance` added.
    pub fn following_system() -> Self {
        ManualClock::default()
    }

    /// Stands still at `start` until advanced (deterministic tests).
    pub fn frozen(start: Timestamp) -> Self {
        ManualClock {
            offset_ms: Arc::default(),
            frozen_at: Some(start.0),
        }
    }

    pub fn advance_ms(&self, ms: i64) {
        self.offset_ms.fetch_add(ms.max(0), Ordering::SeqCst);
    }

    pub fn advance_days(&self, days: i64) {
        self.advance_ms(days * reso_domain::time::MS_PER_DAY);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        let base = self.frozen_at.unwrap_or_else(|| SystemClock.now().0);
        Timestamp(base + self.offset_ms.load(Ordering::SeqCst))
    }
}
