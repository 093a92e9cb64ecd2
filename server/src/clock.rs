//! The window's idea of now: one [`Clock`] in the application state, read
//! once per operation (a manual one in tests, so timeouts are tested
//! without waiting).

use std::sync::atomic::{AtomicI64, Ordering};

/// Now, in Unix seconds.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    }
}

/// A clock tests move by hand.
#[derive(Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn at(now: i64) -> Self {
        ManualClock(AtomicI64::new(now))
    }
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A Unix time as an RFC 3339 UTC timestamp (seconds).
pub fn rfc3339(t: i64) -> String {
    panjere_api::time::rfc3339(t.max(0) as u64)
}
