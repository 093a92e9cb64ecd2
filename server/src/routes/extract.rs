//! The API's extractors. Every one refuses with the app's own
//! [`AppError`] (the documented `ErrorBody`), never axum's plain text:
//! [`AppJson`], [`AppQuery`], [`AppPath`] and [`AppBytes`] for a malformed,
//! too large or too slow body, query or path; [`Citizen`] for a request that
//! needs a signed-in citizen. [`QueryPairs`] takes any query as it comes.

use std::borrow::Cow;

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use tower_sessions::Session;

use crate::auth::{AuthError, SignedIn};
use crate::error::AppError;
use crate::state::AppState;

/// A JSON object body; a malformed one, another JSON value (serde would
/// read an array as a struct's fields in order), a wrong type or an
/// unknown field is the app's error (`bad_body`, or `not_json` without the
/// JSON content type).
pub struct AppJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let media = media_type(request.headers());
        if !media.is_some_and(|m| m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))) {
            return Err(AppError::NotJson);
        }
        let AppBytes(bytes) = AppBytes::from_request(request, state).await?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(AppError::BadBody("expected a JSON object".into()));
        }
        // Read plainly; only a body that fails is read again with the path
        // to its fault tracked, for the message (tracking it on every body
        // cost about 700 instructions a request).
        match serde_json::from_slice::<T>(&bytes) {
            Ok(value) => Ok(AppJson(value)),
            Err(_) => Ok(AppJson(axum::Json::<T>::from_bytes(&bytes)?.0)),
        }
    }
}

/// The media type of a request's body (`Content-Type` without its
/// parameters, lower case): borrowed from the header when it is already
/// lower case, as it nearly always is (every JSON request asks twice, the
/// cross-site check and the body's extractor).
pub fn media_type(headers: &axum::http::HeaderMap) -> Option<Cow<'_, str>> {
    let value = headers.get(axum::http::header::CONTENT_TYPE)?.to_str().ok()?;
    let media = value.split(';').next().unwrap_or_default().trim();
    Some(if media.bytes().any(|b| b.is_ascii_uppercase()) { Cow::Owned(media.to_ascii_lowercase()) } else { Cow::Borrowed(media) })
}

/// A query string.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct AppQuery<T>(pub T);

/// A raw body (an upload, a signed callback): too large is `too_large`,
/// too slow `request_timeout`.
pub struct AppBytes(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for AppBytes {
    type Rejection = AppError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        Ok(AppBytes(axum::body::Bytes::from_request(request, state).await?))
    }
}

/// A query's name–value pairs in order, decoded as an HTML form's are
/// (`+` is a space; a malformed escape is kept as typed): never refused, the
/// route checks the names and values. What `AppQuery<Vec<(String,
/// String)>>` gave, without serde's machinery on every request.
pub struct QueryPairs(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        Ok(QueryPairs(form_urlencoded::parse(query.as_bytes()).into_owned().collect()))
    }
}

/// Path parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct AppPath<T>(pub T);

/// A signed-in citizen, extracted from the session. Refuses with 401 when
/// nobody is signed in or the session passed its idle or absolute timeout
/// (and then ends it); otherwise counts the request as activity. The
/// citizen's pseudonym is what the window's own records name them by.
pub struct Citizen {
    pub data: SignedIn,
    pub session: Session,
}

impl FromRequestParts<AppState> for Citizen {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = parts.extensions.get::<Session>().cloned().ok_or(AuthError::NotSignedIn)?;
        let data = state.auth().check(&session, state.clock().now()).await?;
        Ok(Citizen::new(state, data, session))
    }
}

impl Citizen {
    /// The citizen of a checked session, named by the pseudonym the session
    /// keeps (or, in a session from before it kept one, made now).
    pub fn new(state: &AppState, mut data: SignedIn, session: Session) -> Self {
        kept_or_made(&mut data, |code| state.gateway().pseudonym(code));
        Citizen { data, session }
    }

    /// The citizen's pseudonym.
    pub fn pseudonym(&self) -> &str {
        &self.data.pseudonym
    }
}

/// The session's pseudonym kept, or `make`'s of its national code put in
/// its place.
fn kept_or_made(data: &mut SignedIn, make: impl FnOnce(&str) -> String) {
    if data.pseudonym.is_empty() {
        data.pseudonym = make(&data.national_code);
    }
}

/// The client's address, for rate limits: the connection's peer, or the
/// last `X-Forwarded-For` entry when configured to trust a proxy.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if state.auth().settings.trust_forwarded {
            let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
            if let Some(last) = forwarded.rsplit(',').map(str::trim).find(|s| !s.is_empty()) {
                return Ok(ClientAddress(last.to_owned()));
            }
        }
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientAddress(peer.unwrap_or_else(|| "unknown".to_owned())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pairs(uri: &str) -> Vec<(String, String)> {
        let (mut parts, ()) = axum::http::Request::get(uri).body(()).unwrap().into_parts();
        QueryPairs::from_request_parts(&mut parts, &()).await.ok().unwrap().0
    }

    /// A session written before it kept the pseudonym is still read, and
    /// its pseudonym made; a kept one is used as it is.
    #[test]
    fn a_session_without_a_pseudonym_gets_one_made() {
        let old = serde_json::json!({
            "national_code": "0076229645", "mobile": "09121111111", "handle": "h", "started_at": 1, "last_seen": 2,
            "indexed_at": 1, "names": {"first_name": "", "last_name": "", "first_name_en": "", "last_name_en": ""}
        });
        let mut data: SignedIn = serde_json::from_value(old).unwrap();
        kept_or_made(&mut data, |code| format!("made-{code}"));
        assert_eq!(data.pseudonym, "made-0076229645");
        data.pseudonym = "kept".into();
        kept_or_made(&mut data, |_| unreachable!("a kept pseudonym is not made again"));
        assert_eq!(data.pseudonym, "kept");
    }

    /// A body's media type is the header's type without parameters, lower
    /// case, borrowed when the header already was.
    #[test]
    fn media_type_is_lower_case_without_parameters() {
        let of = |value: Option<&'static str>| {
            let mut h = axum::http::HeaderMap::new();
            if let Some(v) = value {
                h.insert(axum::http::header::CONTENT_TYPE, v.parse().unwrap());
            }
            media_type(&h).map(|m| (matches!(m, Cow::Borrowed(_)), m.into_owned()))
        };
        assert_eq!(of(None), None);
        assert_eq!(of(Some("application/json")), Some((true, "application/json".into())));
        assert_eq!(of(Some(" application/json ; charset=utf-8")), Some((true, "application/json".into())));
        assert_eq!(of(Some("Application/JSON;charset=UTF-8")), Some((false, "application/json".into())));
        assert_eq!(of(Some("")), Some((true, String::new())));
    }

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// A query is read as a form is: in order, repeated names kept, `+` and
    /// escapes decoded (Persian too), a malformed escape kept as typed.
    #[tokio::test]
    async fn query_pairs_are_decoded_as_a_form() {
        assert_eq!(pairs("/api/x").await, owned(&[]));
        assert_eq!(pairs("/api/x?").await, owned(&[]));
        assert_eq!(
            pairs("/api/x?q=%DA%AF%D9%88%D8%A7%D9%87%DB%8C+%D9%86%D8%A7%D9%85%D9%87&page=2&page=3&flag").await,
            owned(&[("q", "گواهی نامه"), ("page", "2"), ("page", "3"), ("flag", "")])
        );
        assert_eq!(pairs("/api/x?a=%zz&b=1%2B1%3D2&c%20d=e=f").await, owned(&[("a", "%zz"), ("b", "1+1=2"), ("c d", "e=f")]));
    }
}
