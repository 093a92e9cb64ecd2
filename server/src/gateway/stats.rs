//! Recent call statistics per agency, for `/api/status`.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::SystemTime;

const KEEP: usize = 512;

#[derive(Debug, Default)]
struct Inner {
    /// Latencies of recent successful calls, microseconds.
    latencies: VecDeque<u64>,
    /// Outcomes of recent calls (true: success).
    outcomes: VecDeque<bool>,
    last_success: Option<SystemTime>,
    calls: u64,
    failures: u64,
}

#[derive(Debug, Default)]
pub struct Stats {
    inner: Mutex<Inner>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub recent_failure_rate: f64,
    pub last_success: Option<SystemTime>,
    pub calls: u64,
    pub failures: u64,
}

fn percentile(sorted: &[u64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    Some(sorted[i] as f64 / 1000.0)
}

impl Stats {
    pub fn record(&self, ok: bool, micros: u64) {
        let mut s = self.inner.lock().expect("stats lock");
        s.calls += 1;
        if ok {
            s.latencies.push_back(micros);
            if s.latencies.len() > KEEP {
                s.latencies.pop_front();
            }
            s.last_success = Some(SystemTime::now());
        } else {
            s.failures += 1;
        }
        s.outcomes.push_back(ok);
        if s.outcomes.len() > 50 {
            s.outcomes.pop_front();
        }
    }

    /// Forgets recent outcomes (the agency has just recovered).
    pub fn reset_recent(&self) {
        self.inner.lock().expect("stats lock").outcomes.clear();
    }

    pub fn snapshot(&self) -> Snapshot {
        let s = self.inner.lock().expect("stats lock");
        let mut sorted: Vec<u64> = s.latencies.iter().copied().collect();
        sorted.sort_unstable();
        let failed = s.outcomes.iter().filter(|o| !**o).count();
        Snapshot {
            p50_ms: percentile(&sorted, 0.5),
            p95_ms: percentile(&sorted, 0.95),
            recent_failure_rate: if s.outcomes.is_empty() { 0.0 } else { failed as f64 / s.outcomes.len() as f64 },
            last_success: s.last_success,
            calls: s.calls,
            failures: s.failures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_rates() {
        let s = Stats::default();
        for i in 1..=100 {
            s.record(true, i * 1000);
        }
        s.record(false, 0);
        let snap = s.snapshot();
        assert_eq!(snap.p50_ms, Some(51.0));
        assert_eq!(snap.p95_ms, Some(95.0));
        assert_eq!((snap.calls, snap.failures), (101, 1));
        assert!(snap.recent_failure_rate > 0.0 && snap.recent_failure_rate < 0.05);
        assert!(snap.last_success.is_some());
        assert_eq!(Stats::default().snapshot().p50_ms, None);
    }
}
