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

pub async fn middleware(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
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
    fn only_short_plain_ids_are_kept() {
        assert!(acceptable("abc-123_DEF"));
        assert!(!acceptable(""));
        assert!(!acceptable("has space"));
        assert!(!acceptable("new\nline"));
        assert!(!acceptable(&"x".repeat(65)));
    }
}
