//! The filters and page of a service list: one type for the catalog API's
//! query (the server reads it, and documents it), the browser's address bar
//! and API calls, and the browser's offline list from the cached search
//! index, so the two sides cannot filter differently.

use crate::{ElectronicLevel, ServiceKind, ServiceSummary};

/// The items of a page of services the browser asks for.
pub const PER_PAGE: usize = 20;

/// Filters of `GET /api/catalog/services` (paged by `page` and `per_page`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ServiceFilter {
    /// Search text (Persian or English, up to 200 characters).
    #[cfg_attr(feature = "openapi", param(max_length = 200))]
    pub q: Option<String>,
    /// A category id.
    pub category: Option<String>,
    /// An agency id.
    pub agency: Option<String>,
    /// A life-event id.
    pub event: Option<String>,
    /// `information`, `inquiry` or `application`; empty: any.
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>, pattern = "^(|information|inquiry|application)$"))]
    pub kind: Option<ServiceKind>,
    /// `in_person`, `partly_electronic`, `fully_electronic` or `smart`;
    /// empty: any.
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>, pattern = "^(|in_person|partly_electronic|fully_electronic|smart)$"))]
    pub level: Option<ElectronicLevel>,
    /// The page, from 1 (documented with the paging parameters).
    #[cfg_attr(feature = "openapi", param(ignore))]
    pub page: usize,
}

impl ServiceFilter {
    /// Whether a service with these facts passes every filter but the
    /// search text. `events` are the service's life events, `None` where
    /// they are not known (the search index): then an event filter admits
    /// nothing.
    pub fn admits(&self, category: &str, agency: &str, kind: ServiceKind, level: ElectronicLevel, events: Option<&[String]>) -> bool {
        self.category.as_deref().is_none_or(|c| category == c)
            && self.agency.as_deref().is_none_or(|a| agency == a)
            && self.event.as_deref().is_none_or(|e| events.is_some_and(|events| events.iter().any(|x| x == e)))
            && self.kind.is_none_or(|k| kind == k)
            && self.level.is_none_or(|l| level == l)
    }

    /// [`Self::admits`] for a service's summary (no life events).
    pub fn admits_summary(&self, s: &ServiceSummary) -> bool {
        self.admits(&s.category, &s.agency, s.kind, s.level, None)
    }

    /// The search text, if there is any.
    pub fn text(&self) -> Option<&str> {
        self.q.as_deref().filter(|t| !t.trim().is_empty())
    }

    /// Reads the page's own query parameters, ignoring malformed values
    /// (topic ids live in the path).
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let nonempty = |k: &str| get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        ServiceFilter {
            q: nonempty("q"),
            category: None,
            event: None,
            agency: None,
            kind: nonempty("kind").and_then(|k| ServiceKind::parse(&k)),
            level: nonempty("level").and_then(|l| ElectronicLevel::parse(&l)),
            page: nonempty("page").and_then(|p| crate::normalize::ascii_digits(&p).parse().ok()).filter(|p| *p >= 1).unwrap_or(1),
        }
    }

    fn pairs(&self, with_page: bool) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        if let Some(q) = &self.q {
            v.push(("q", q.clone()));
        }
        if let Some(c) = &self.category {
            v.push(("category", c.clone()));
        }
        if let Some(e) = &self.event {
            v.push(("event", e.clone()));
        }
        if let Some(a) = &self.agency {
            v.push(("agency", a.clone()));
        }
        if let Some(k) = self.kind {
            v.push(("kind", k.as_str().to_owned()));
        }
        if let Some(l) = self.level {
            v.push(("level", l.as_str().to_owned()));
        }
        if with_page && self.page > 1 {
            v.push(("page", self.page.to_string()));
        }
        v
    }

    /// The API query string (always with paging, [`PER_PAGE`] a page).
    pub fn api_query(&self) -> String {
        let mut pairs = self.pairs(false);
        pairs.push(("page", self.page.max(1).to_string()));
        pairs.push(("per_page", PER_PAGE.to_string()));
        join(&pairs)
    }

    /// The page's own address with these filters (topic ids live in the path,
    /// so they are left out).
    pub fn href(&self, path: &str) -> String {
        let own = ServiceFilter { category: None, event: None, agency: None, ..self.clone() };
        let q = join(&own.pairs(true));
        if q.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{q}")
        }
    }

    pub fn with_page(&self, page: usize) -> Self {
        ServiceFilter { page, ..self.clone() }
    }

    pub fn with_kind(&self, kind: Option<ServiceKind>) -> Self {
        ServiceFilter { kind, page: 1, ..self.clone() }
    }

    pub fn with_level(&self, level: Option<ElectronicLevel>) -> Self {
        ServiceFilter { level, page: 1, ..self.clone() }
    }
}

fn join(pairs: &[(&str, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{k}={}", crate::url::encode(v))).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_filter_must_admit() {
        let (app, fully) = (ServiceKind::Application, ElectronicLevel::Fully);
        let birth = vec!["birth".to_owned()];
        let f = ServiceFilter { category: Some("tax".into()), kind: Some(app), ..Default::default() };
        assert!(f.admits("tax", "tax", app, fully, None));
        assert!(!f.admits("vehicles", "tax", app, fully, None));
        assert!(!f.admits("tax", "tax", ServiceKind::Inquiry, fully, None));
        let e = ServiceFilter { event: Some("birth".into()), ..Default::default() };
        assert!(e.admits("x", "y", app, fully, Some(&birth)));
        assert!(!e.admits("x", "y", app, fully, Some(&[])));
        assert!(!e.admits("x", "y", app, fully, None), "events unknown: an event filter admits nothing");
        assert!(ServiceFilter::default().admits("x", "y", app, fully, None));
        assert_eq!(ServiceFilter { q: Some("  ".into()), ..Default::default() }.text(), None);
    }
}
