//! Request ids: taken from a well-formed incoming `X-Request-Id` or made
//! anew, put on every log line of the request (a tracing span), returned in
//! the `X-Request-Id` response header, and quoted in error bodies.
//! tower-http sets and propagates the header ([`set_layer`]); this module
//! decides what id is acceptable, makes new ones, and keeps the id where
//! error bodies and agency calls find it.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tower_http::request_id::{MakeRequestId, RequestId, SetRequestIdLayer};
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

/// Makes a new id for a request that came without an acceptable one.
#[derive(Clone, Copy)]
pub struct MakeId;

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&new_id()).ok().map(RequestId::new)
    }
}

/// tower-http's layer that keeps the incoming id or sets a new one; with
/// its `PropagateRequestIdLayer` after it, the response carries the id.
pub fn set_layer() -> SetRequestIdLayer<MakeId> {
    SetRequestIdLayer::x_request_id(MakeId)
}

/// Runs before [`set_layer`]: an incoming id that is too long or has other
/// characters than letters, digits, `-` and `_` is dropped (a new one is
/// made), so it never reaches a log line or an agency.
pub async fn drop_unacceptable(mut req: Request) -> Request {
    if req.headers().get(HEADER).is_some_and(|v| !v.to_str().is_ok_and(acceptable)) {
        req.headers_mut().remove(HEADER);
    }
    req
}

/// Serves the request with its id in a task-local (error bodies, agency
/// calls) and a tracing span, and logs its outcome.
pub async fn scope(req: Request, next: Next) -> Response {
    let id = req.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).map(str::to_owned).unwrap_or_else(new_id);
    let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
    let start = std::time::Instant::now();
    // The load balancer's health checks (every second, from each balancer)
    // are logged only when they fail, or at debug level.
    let health = req.uri().path() == "/api/health";
    REQUEST_ID
        .scope(id, async move {
            let response = next.run(req).await;
            let (status, latency_ms) = (response.status().as_u16(), start.elapsed().as_secs_f64() * 1000.0);
            if health && status == 200 {
                tracing::debug!(status, latency_ms, "served");
            } else {
                tracing::info!(status, latency_ms, "served");
            }
            response
        })
        .instrument(span)
        .await
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
