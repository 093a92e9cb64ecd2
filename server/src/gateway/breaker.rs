//! A circuit breaker per agency: opens on consecutive failures or a failure
//! rate over a window, lets one probe through after a pause (half-open),
//! closes on its success.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Closed,
    Open,
    HalfOpen,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    consecutive_failures: u32,
    recent: VecDeque<bool>,
    opened_at: Instant,
    probe_in_flight: bool,
}

#[derive(Debug)]
pub struct Breaker {
    state: Mutex<State>,
    consecutive: u32,
    window: usize,
    rate: f64,
    open_for: Duration,
}

/// Whether a call may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    Yes,
    /// The single half-open probe: its outcome decides.
    Probe,
    No,
}

impl Breaker {
    pub fn new(consecutive: u32, window: usize, rate: f64, open_for: Duration) -> Self {
        Breaker {
            state: Mutex::new(State {
                phase: Phase::Closed,
                consecutive_failures: 0,
                recent: VecDeque::new(),
                opened_at: Instant::now(),
                probe_in_flight: false,
            }),
            consecutive: consecutive.max(1),
            window: window.max(1),
            rate,
            open_for,
        }
    }

    pub fn phase(&self) -> Phase {
        let s = self.state.lock().expect("breaker lock");
        if s.phase == Phase::Open && s.opened_at.elapsed() >= self.open_for {
            Phase::HalfOpen
        } else {
            s.phase
        }
    }

    pub fn admit(&self) -> Admit {
        let mut s = self.state.lock().expect("breaker lock");
        match s.phase {
            Phase::Closed => Admit::Yes,
            Phase::Open if s.opened_at.elapsed() < self.open_for => Admit::No,
            Phase::Open | Phase::HalfOpen => {
                if s.probe_in_flight {
                    Admit::No
                } else {
                    s.phase = Phase::HalfOpen;
                    s.probe_in_flight = true;
                    Admit::Probe
                }
            }
        }
    }

    /// Records the outcome of an admitted call; true when it closed the
    /// breaker (a successful probe: the agency is back).
    pub fn record(&self, admitted: Admit, ok: bool) -> bool {
        let mut s = self.state.lock().expect("breaker lock");
        if admitted == Admit::Probe {
            s.probe_in_flight = false;
            if ok {
                s.phase = Phase::Closed;
                s.consecutive_failures = 0;
                s.recent.clear();
            } else {
                s.phase = Phase::Open;
                s.opened_at = Instant::now();
            }
            return ok;
        }
        if s.phase != Phase::Closed {
            return false;
        }
        s.recent.push_back(ok);
        if s.recent.len() > self.window {
            s.recent.pop_front();
        }
        s.consecutive_failures = if ok { 0 } else { s.consecutive_failures + 1 };
        let failures = s.recent.iter().filter(|o| !**o).count();
        let rate_tripped = s.recent.len() >= self.window && failures as f64 / s.recent.len() as f64 >= self.rate;
        if s.consecutive_failures >= self.consecutive || rate_tripped {
            s.phase = Phase::Open;
            s.opened_at = Instant::now();
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_on_consecutive_failures_then_probes_and_closes() {
        let b = Breaker::new(3, 100, 0.9, Duration::from_millis(30));
        for _ in 0..2 {
            b.record(b.admit(), false);
        }
        assert_eq!(b.phase(), Phase::Closed);
        b.record(b.admit(), false);
        assert_eq!(b.phase(), Phase::Open);
        assert_eq!(b.admit(), Admit::No);
        std::thread::sleep(Duration::from_millis(40));
        let probe = b.admit();
        assert_eq!(probe, Admit::Probe);
        assert_eq!(b.admit(), Admit::No, "only one probe at a time");
        assert!(b.record(probe, true));
        assert_eq!(b.phase(), Phase::Closed);
        assert_eq!(b.admit(), Admit::Yes);
    }

    #[test]
    fn a_failed_probe_reopens() {
        let b = Breaker::new(1, 10, 0.9, Duration::from_millis(20));
        b.record(b.admit(), false);
        std::thread::sleep(Duration::from_millis(25));
        let probe = b.admit();
        b.record(probe, false);
        assert_eq!(b.phase(), Phase::Open);
        assert_eq!(b.admit(), Admit::No);
    }

    #[test]
    fn opens_on_failure_rate() {
        let b = Breaker::new(100, 10, 0.5, Duration::from_secs(5));
        for i in 0..10 {
            b.record(b.admit(), i % 2 == 0);
        }
        assert_eq!(b.phase(), Phase::Open);
        let c = Breaker::new(100, 10, 0.5, Duration::from_secs(5));
        for i in 0..10 {
            c.record(c.admit(), i % 3 != 0);
        }
        assert_eq!(c.phase(), Phase::Closed);
    }
}
