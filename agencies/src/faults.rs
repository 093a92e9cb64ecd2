//! Fault injection: per agency, changed at run time through the admin
//! endpoint or set at start by `--fault` flags.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Agency;

/// What is wrong with an agency right now. All zero / false: healthy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added to every answer.
    pub latency_ms: u64,
    /// Up to this much more, at random.
    pub jitter_ms: u64,
    /// Share of requests answered 503 (0.0–1.0).
    pub error_rate: f64,
    /// Accept the request and never answer.
    pub hang: bool,
    /// Stop listening: connections are refused.
    pub refuse: bool,
    /// Answer 200 with a truncated, invalid JSON body.
    pub malformed: bool,
    /// Send the body in pieces spread over this long.
    pub slow_body_ms: u64,
    /// Publish a description that no longer matches the registration
    /// (every path moved under `/v2`), as after a careless upgrade.
    pub drift: bool,
    /// Payment provider only: the citizen pays and never comes back (the
    /// tab closed): no return to the window.
    pub no_return: bool,
    /// Payment provider only: the return to the window arrives twice (the
    /// provider also calls it itself).
    pub double_callback: bool,
    /// Payment provider only: the card is charged another amount than the
    /// one asked (10,000 rials more), which the return and verify report.
    pub wrong_amount: bool,
    /// Payment provider only: verify does its work, then never answers.
    pub verify_timeout: bool,
}

impl Faults {
    /// Parses `key=value,key=value` (the `--fault ID:…` flag).
    pub fn parse(spec: &str) -> Result<Faults, String> {
        let mut f = Faults::default();
        for kv in spec.split(',').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, "true"));
            let num = |v: &str| v.parse::<u64>().map_err(|_| format!("{k} needs a whole number of milliseconds, not '{v}'"));
            let flag = |v: &str| v.parse::<bool>().map_err(|_| format!("{k} needs true or false, not '{v}'"));
            match k {
                "latency_ms" => f.latency_ms = num(v)?,
                "jitter_ms" => f.jitter_ms = num(v)?,
                "slow_body_ms" => f.slow_body_ms = num(v)?,
                "error_rate" => {
                    f.error_rate = v
                        .parse::<f64>()
                        .ok()
                        .filter(|r| (0.0..=1.0).contains(r))
                        .ok_or(format!("error_rate needs a number from 0 to 1, not '{v}'"))?
                }
                "hang" => f.hang = flag(v)?,
                "refuse" => f.refuse = flag(v)?,
                "malformed" => f.malformed = flag(v)?,
                "drift" => f.drift = flag(v)?,
                "no_return" => f.no_return = flag(v)?,
                "double_callback" => f.double_callback = flag(v)?,
                "wrong_amount" => f.wrong_amount = flag(v)?,
                "verify_timeout" => f.verify_timeout = flag(v)?,
                _ => {
                    return Err(format!(
                        "unknown fault '{k}' (latency_ms, jitter_ms, error_rate, hang, refuse, malformed, slow_body_ms, drift, \
                         no_return, double_callback, wrong_amount, verify_timeout)"
                    ))
                }
            }
        }
        Ok(f)
    }

    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.error_rate) {
            return Err("error_rate must be from 0 to 1".into());
        }
        Ok(())
    }
}

static RANDOM: AtomicU64 = AtomicU64::new(0x2545_F491_4F6C_DD1D);

/// A fast, non-cryptographic random number (xorshift), for faults only.
pub fn random() -> u64 {
    let mut x = RANDOM.load(Ordering::Relaxed);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    RANDOM.store(x, Ordering::Relaxed);
    x
}

/// The middleware that applies the agency's current faults.
pub async fn inject(State(agency): State<Arc<Agency>>, req: Request, next: Next) -> Response {
    agency.requests.lock().expect("requests lock").push(req.uri().to_string());
    let f = agency.faults.borrow().clone();
    if f.hang {
        std::future::pending::<()>().await;
    }
    let delay = f.latency_ms + if f.jitter_ms > 0 { random() % (f.jitter_ms + 1) } else { 0 };
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    if f.error_rate > 0.0 && (random() % 10_000) as f64 / 10_000.0 < f.error_rate {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "error": "injected failure", "agency": agency.id }))).into_response();
    }
    let res = next.run(req).await;
    if f.malformed {
        return (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "{\"result\": [1, 2, {\"trunc").into_response();
    }
    if f.slow_body_ms > 0 {
        let (parts, body) = res.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        const PIECES: u64 = 10;
        let step = Duration::from_millis(f.slow_body_ms / PIECES);
        let size = bytes.len().div_ceil(PIECES as usize).max(1);
        let chunks: Vec<Bytes> = bytes.chunks(size).map(Bytes::copy_from_slice).collect();
        let stream = futures_util::stream::unfold(chunks.into_iter(), move |mut it| async move {
            let next = it.next()?;
            tokio::time::sleep(step).await;
            Some((Ok::<_, std::io::Error>(next), it))
        });
        let mut parts = parts;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from_stream(stream));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_syntax() {
        let f = Faults::parse("latency_ms=200,jitter_ms=50,error_rate=0.25,hang,malformed=false").unwrap();
        assert_eq!((f.latency_ms, f.jitter_ms, f.error_rate, f.hang, f.malformed), (200, 50, 0.25, true, false));
        assert!(Faults::parse("error_rate=2").is_err());
        assert!(Faults::parse("latency=5").unwrap_err().contains("unknown fault"));
        assert_eq!(Faults::parse("").unwrap(), Faults::default());
    }
}
