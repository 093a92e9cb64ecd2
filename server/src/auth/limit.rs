//! Request rate limits per key (a client address), over a sliding window:
//! in this process's memory ([`MemoryLimiter`], one instance), or shared by
//! every instance in Redis (the `redis` module's `RedisLimiter`).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use async_trait::async_trait;

#[async_trait]
pub trait Limiter: Send + Sync + 'static {
    /// Counts a request for `key` at `now`; `Err(seconds to wait)` when
    /// `limit` requests were already made in the last `window` seconds.
    async fn hit(&self, key: &str, now: i64, limit: u32, window: i64) -> Result<(), u64>;
    /// Where the counts are kept: `memory` (this instance), `redis`
    /// (shared), or `memory_fallback` (Redis should hold them but does not
    /// answer: each instance counts alone until it does).
    fn kind(&self) -> &'static str {
        "memory"
    }
}

#[derive(Default)]
pub struct MemoryLimiter {
    hits: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl MemoryLimiter {
    pub fn hit_now(&self, key: &str, now: i64, limit: u32, window: i64) -> Result<(), u64> {
        let mut hits = self.hits.lock().expect("limiter lock");
        if hits.len() > 100_000 {
            hits.retain(|_, q| q.back().is_some_and(|&t| t > now - window));
        }
        let q = hits.entry(key.to_owned()).or_default();
        while q.front().is_some_and(|&t| t <= now - window) {
            q.pop_front();
        }
        if q.len() >= limit as usize {
            let oldest = q.front().copied().unwrap_or(now);
            return Err((oldest + window - now).max(1) as u64);
        }
        q.push_back(now);
        Ok(())
    }
}

#[async_trait]
impl Limiter for MemoryLimiter {
    async fn hit(&self, key: &str, now: i64, limit: u32, window: i64) -> Result<(), u64> {
        self.hit_now(key, now, limit, window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_window() {
        let l = MemoryLimiter::default();
        assert!(l.hit_now("a", 100, 2, 60).is_ok());
        assert!(l.hit_now("a", 110, 2, 60).is_ok());
        assert_eq!(l.hit_now("a", 120, 2, 60), Err(40));
        assert!(l.hit_now("b", 120, 2, 60).is_ok(), "keys are separate");
        assert!(l.hit_now("a", 160, 2, 60).is_ok(), "the first hit left the window");
        assert_eq!(l.hit_now("a", 161, 2, 60), Err(9));
    }
}
