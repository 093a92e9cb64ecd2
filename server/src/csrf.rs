//! Cross-site request forgery defence for the API: a state-changing request
//! (POST, PUT, PATCH, DELETE) must come from this site's own pages and, when
//! it has a body, send JSON (or, for an upload, the file's own type). Checked on `Sec-Fetch-Site` when the browser sends it, otherwise on
//! `Origin` against `Host`; a request with neither is refused. JSON cannot be
//! sent cross-site without a CORS preflight, which the API never grants.
//! SameSite=Strict cookies are the third layer. The edge (`edge.rs`) checks
//! every request with [`check`].

use axum::http::{header, HeaderMap, Method};

use crate::error::AppError;

pub fn check(method: &Method, path: &str, headers: &HeaderMap) -> Result<(), AppError> {
    let changes_state = matches!(*method, Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    // Agencies' callbacks are server-to-server, authenticated by signature.
    if !changes_state || !path.starts_with("/api/") || crate::routes::callbacks::is_signed(path) {
        return Ok(());
    }
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match text("sec-fetch-site") {
        Some("same-origin") => {}
        Some(_) => return Err(AppError::CrossSite),
        None => {
            let host = text(header::HOST.as_str()).ok_or(AppError::CrossSite)?;
            let origin = text(header::ORIGIN.as_str()).ok_or(AppError::CrossSite)?;
            let authority = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")).ok_or(AppError::CrossSite)?;
            if !authority.eq_ignore_ascii_case(host) {
                return Err(AppError::CrossSite);
            }
        }
    }
    // An Origin that is present must match even when Sec-Fetch-Site says
    // same-origin (defence in depth against a lying intermediary).
    if let (Some(origin), Some(host)) = (text(header::ORIGIN.as_str()), text(header::HOST.as_str())) {
        let authority = origin.split_once("://").map(|(_, a)| a).unwrap_or("");
        if !authority.eq_ignore_ascii_case(host) {
            return Err(AppError::CrossSite);
        }
    }
    // A request without a body (a DELETE, a POST that only names its
    // resource) has no content type to check.
    let has_body = headers.contains_key(header::TRANSFER_ENCODING)
        || text(header::CONTENT_LENGTH.as_str()).is_some_and(|l| l.trim() != "0")
        || headers.contains_key(header::CONTENT_TYPE);
    if !has_body {
        return Ok(());
    }
    let media = crate::routes::extract::media_type(headers);
    // File uploads send the file's own type; never one of the three a
    // cross-site form can send without a preflight.
    let upload = path.starts_with("/api/drafts/") && path.contains("/files/");
    let ok = match media.as_deref() {
        Some("application/json") => true,
        Some("text/plain" | "multipart/form-data" | "application/x-www-form-urlencoded") | None => false,
        Some(_) => upload,
    };
    if !ok {
        return Err(AppError::NotJson);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn rules() {
        let json = ("content-type", "application/json");
        let host = ("host", "panjere.example:8080");
        let ok = |h: &[(&'static str, &'static str)]| check(&Method::POST, "/api/auth/start", &headers(h)).is_ok();
        assert!(ok(&[json, host, ("origin", "http://panjere.example:8080")]));
        assert!(ok(&[json, host, ("sec-fetch-site", "same-origin"), ("origin", "http://panjere.example:8080")]));
        assert!(ok(&[("content-type", "application/json; charset=utf-8"), host, ("sec-fetch-site", "same-origin")]));
        assert!(!ok(&[json, host]), "no Origin and no Sec-Fetch-Site");
        assert!(!ok(&[json, host, ("origin", "http://evil.example")]));
        assert!(!ok(&[json, host, ("origin", "null")]));
        assert!(!ok(&[json, host, ("sec-fetch-site", "cross-site"), ("origin", "http://panjere.example:8080")]));
        assert!(!ok(&[json, host, ("sec-fetch-site", "same-site")]));
        assert!(!ok(&[json, host, ("sec-fetch-site", "same-origin"), ("origin", "http://evil.example")]));
        assert!(matches!(
            check(&Method::POST, "/api/auth/start", &headers(&[("content-type", "text/plain"), host, ("sec-fetch-site", "same-origin")])),
            Err(AppError::NotJson)
        ));
        // Without a body there is no type to check; the origin still is.
        assert!(check(&Method::DELETE, "/api/me/sessions", &headers(&[host, ("sec-fetch-site", "same-origin")])).is_ok());
        assert!(check(&Method::DELETE, "/api/me/sessions", &headers(&[host, ("content-length", "0"), ("sec-fetch-site", "same-origin")]))
            .is_ok());
        assert!(matches!(
            check(&Method::DELETE, "/api/me/sessions", &headers(&[host, ("sec-fetch-site", "cross-site")])),
            Err(AppError::CrossSite)
        ));
        assert!(matches!(check(&Method::POST, "/api/auth/sign-out", &headers(&[host])), Err(AppError::CrossSite)));
        // A body without a type is refused.
        assert!(matches!(
            check(&Method::POST, "/api/auth/start", &headers(&[host, ("content-length", "12"), ("sec-fetch-site", "same-origin")])),
            Err(AppError::NotJson)
        ));
        let upload = |ct: &'static str| {
            check(&Method::POST, "/api/drafts/d1/files/lease", &headers(&[("content-type", ct), host, ("sec-fetch-site", "same-origin")]))
        };
        assert!(upload("application/pdf").is_ok());
        assert!(upload("text/plain").is_err() && upload("multipart/form-data; boundary=x").is_err());
        assert!(check(
            &Method::POST,
            "/api/auth/start",
            &headers(&[("content-type", "application/pdf"), host, ("sec-fetch-site", "same-origin")])
        )
        .is_err());
        // Reads and non-API paths are not checked.
        assert!(check(&Method::GET, "/api/me", &HeaderMap::new()).is_ok());
        assert!(check(&Method::POST, "/not-api", &HeaderMap::new()).is_ok());
    }
}
