//! Request ids: taken from a well-formed incoming `X-Request-Id` or made
//! anew, put on every log line of the request (a tracing span), returned in
//! the `X-Request-Id` response header, and quoted in error bodies.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A new random (version 4) UUID. Request ids need to be unique, not
/// secret: they come from `crate::rand`, not from a system call per request.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&crate::rand::next_u64().to_le_bytes());
    bytes[8..].copy_from_slice(&crate::rand::next_u64().to_le_bytes());
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

pub async fn middleware(req: Request, next: Next) -> Response {
    let id = req.headers().get(HEADER).and_then(|v| v.to_str().ok()).filter(|v| acceptable(v)).map(str::to_owned).unwrap_or_else(new_id);
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
    let start = std::time::Instant::now();
    let mut response = REQUEST_ID
        .scope(id.clone(), async move {
            let response = next.run(req).await;
            tracing::info!(status = response.status().as_u16(), latency_ms = start.elapsed().as_secs_f64() * 1000.0, "served");
            response
        })
        .instrument(span)
        .await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn new_ids_are_distinct_v4_uuids() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| super::new_id()).collect();
        assert_eq!(ids.len(), 10_000);
        let id = uuid::Uuid::parse_str(ids.iter().next().unwrap()).unwrap();
        assert_eq!(id.get_version_num(), 4);
        let other_thread = std::thread::spawn(super::new_id).join().unwrap();
        assert!(!ids.contains(&other_thread));
    }

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(acceptable("abc-123_DEF"));
        assert!(!acceptable(""));
        assert!(!acceptable("has space"));
        assert!(!acceptable("new\nline"));
        assert!(!acceptable(&"x".repeat(65)));
    }
}
