//! Compression as the client accepts it, and no compression machinery for
//! a client that accepts none.
//!
//! tower-http's [`Compression`] wraps every answer's body in its
//! `CompressionBody` (an enum sized for its largest encoder's state,
//! moved and boxed on every answer) and runs its predicate, even for a
//! request with no `Accept-Encoding`, whose answer it never compresses:
//! about 3,500 instructions a request (`bench/gateway/profile.sh`), for
//! nothing. [`AsAccepted`] sends a request without `Accept-Encoding` past
//! it, as nginx's gzip module does; one with the header, whatever it
//! names, goes through it as before. Either answer says it varies by
//! `Accept-Encoding`, so a shared cache never hands the one to the other's
//! client.

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{ACCEPT_ENCODING, VARY};
use axum::http::HeaderValue;
use axum::response::Response;
use futures_util::future::{Either, FutureExt, Map};
use tower::{Layer, Service};
use tower_http::compression::predicate::Predicate;
use tower_http::compression::{Compression, CompressionBody, CompressionLayer};

/// [`AsAccepted`] around each service, with `compression`'s settings.
#[derive(Clone)]
pub struct AsAcceptedLayer<P> {
    compression: CompressionLayer<P>,
}

impl<P> AsAcceptedLayer<P> {
    pub fn new(compression: CompressionLayer<P>) -> Self {
        AsAcceptedLayer { compression }
    }
}

impl<S, P: Predicate> Layer<S> for AsAcceptedLayer<P> {
    type Service = AsAccepted<S, P>;

    fn layer(&self, inner: S) -> Self::Service {
        AsAccepted { compression: self.compression.layer(inner) }
    }
}

/// See the module's documentation.
#[derive(Clone)]
pub struct AsAccepted<S, P> {
    compression: Compression<S, P>,
}

type Compressed = Result<Response<CompressionBody<Body>>, Infallible>;
type Answer = Result<Response, Infallible>;

fn boxed(answer: Compressed) -> Answer {
    answer.map(|res| res.map(Body::new))
}

fn plain(answer: Answer) -> Answer {
    answer.map(|mut res| {
        let headers = res.headers_mut();
        if !headers.contains_key(VARY) {
            headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
        }
        res
    })
}

impl<S, P> Service<Request> for AsAccepted<S, P>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    P: Predicate,
{
    type Response = Response;
    type Error = Infallible;
    #[allow(clippy::type_complexity)]
    type Future =
        Either<Map<tower_http::compression::ResponseFuture<S::Future, P>, fn(Compressed) -> Answer>, Map<S::Future, fn(Answer) -> Answer>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Compression's readiness is its inner service's: the one called
        // either way.
        self.compression.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if req.headers().contains_key(ACCEPT_ENCODING) {
            Either::Left(self.compression.call(req).map(boxed as fn(Compressed) -> Answer))
        } else {
            Either::Right(self.compression.get_mut().call(req).map(plain as fn(Answer) -> Answer))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new()
            .route("/", get(|| async { "x".repeat(2000) }))
            .layer(AsAcceptedLayer::new(CompressionLayer::new().br(true).gzip(true)))
    }

    async fn ask(accept: Option<&str>) -> Response {
        let mut req = Request::builder().uri("/");
        if let Some(a) = accept {
            req = req.header(ACCEPT_ENCODING, a);
        }
        app().oneshot(req.body(Body::empty()).unwrap()).await.unwrap()
    }

    /// Accepted encodings are used; without the header the body is sent as
    /// it is; every answer varies by Accept-Encoding, once.
    #[tokio::test]
    async fn compresses_as_accepted_and_passes_the_rest() {
        for (accept, encoding) in [(Some("gzip"), Some("gzip")), (Some("br, gzip"), Some("br")), (Some("identity"), None), (None, None)] {
            let res = ask(accept).await;
            assert_eq!(res.headers().get("content-encoding").map(|v| v.to_str().unwrap()), encoding, "{accept:?}");
            let vary: Vec<_> = res.headers().get_all(VARY).iter().collect();
            assert_eq!(vary, [HeaderValue::from_static("accept-encoding")], "{accept:?}");
            let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
            if encoding.is_none() {
                assert_eq!(body.len(), 2000, "{accept:?}");
            } else {
                assert!(body.len() < 100, "{accept:?}: {} bytes", body.len());
            }
        }
    }
}
