//! The edge of the application: what every request and every answer goes
//! through, done by one service around the whole router.
//!
//! In order:
//! - the request id: an incoming `X-Request-Id` is kept when it is short
//!   and plain (letters, digits, `-`, `_`), otherwise a new one is made.
//!   It is set on the request, kept in a task-local for error bodies and
//!   agency calls, put on a tracing span, and returned on the answer;
//! - the API's cross-site request forgery check ([`crate::csrf`]);
//! - the answer's headers: the request id, the instance's name, and the
//!   security headers ([`crate::web::security_headers`]);
//! - one log line per request, with its status and latency.
//!
//! These were seven layers added to the router, and axum wraps each route
//! in every layer added to a router: every request cloned and boxed each
//! of them in turn. Around the router as one service they cost one boxed
//! future per request (see `bench/gateway`).

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;
use tower::Service;
use tracing::Instrument;

use crate::request_id::{acceptable, new_id, HEADER, REQUEST_ID};

/// The edge around `inner` (the router): see the module's documentation.
#[derive(Clone)]
pub struct Edge<S> {
    inner: S,
    instance: HeaderValue,
    csp: HeaderValue,
}

const INSTANCE: HeaderName = HeaderName::from_static("x-panjere-instance");
const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static(HEADER);

impl<S> Edge<S> {
    /// `instance` names this instance on every answer; `csp` is the
    /// Content-Security-Policy of every answer.
    pub fn new(inner: S, instance: HeaderValue, csp: HeaderValue) -> Self {
        Edge { inner, instance, csp }
    }
}

impl<S> Service<Request> for Edge<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        // The service made ready is the one called; a clone stays for the next.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let (instance, csp) = (self.instance.clone(), self.csp.clone());
        let incoming = req.headers().get(HEADER).and_then(|v| v.to_str().ok()).filter(|id| acceptable(id)).map(str::to_owned);
        let id = incoming.unwrap_or_else(new_id);
        let id_header = HeaderValue::from_str(&id).expect("an acceptable or new id is a valid header value");
        req.headers_mut().insert(REQUEST_ID_HEADER, id_header.clone());
        let forged = crate::csrf::check(req.method(), req.uri().path(), req.headers()).err();
        let span = tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path());
        // The load balancer's health checks (every second, from each balancer)
        // are logged only when they fail, or at debug level.
        let health = req.uri().path() == "/api/health";
        let start = std::time::Instant::now();
        Box::pin(
            REQUEST_ID
                .scope(id, async move {
                    let mut res = match forged {
                        Some(e) => e.into_response(),
                        None => match inner.call(req).await {
                            Ok(res) => res,
                            Err(never) => match never {},
                        },
                    };
                    let h = res.headers_mut();
                    if !h.contains_key(REQUEST_ID_HEADER) {
                        h.insert(REQUEST_ID_HEADER, id_header);
                    }
                    h.insert(INSTANCE, instance);
                    crate::web::security_headers(h, csp);
                    let (status, latency_ms) = (res.status().as_u16(), start.elapsed().as_secs_f64() * 1000.0);
                    if health && status == 200 {
                        tracing::debug!(status, latency_ms, "served");
                    } else {
                        tracing::info!(status, latency_ms, "served");
                    }
                    Ok(res)
                })
                .instrument(span),
        )
    }
}
