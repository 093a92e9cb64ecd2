//! Which wasm module holds a page's code (`cargo xtask build` cuts the
//! client into modules by journey: `app/src/lib.rs`, `lazy_page!`). The
//! server names the module of the page it serves, so the loader can fetch
//! that code alongside the main module on a direct visit instead of after
//! it. The client's router is the source; a test in `app` checks this table
//! against it.

/// Each lazily loaded client route (`:id` is one path segment) and its
/// module. Routes not listed (home, a service page) are in the main module.
pub const PAGE_MODULES: &[(&str, &str)] = &[
    ("/search", "catalog"),
    ("/services", "catalog"),
    ("/agencies", "catalog"),
    ("/agencies/:id", "catalog"),
    ("/status", "catalog"),
    ("/categories/:id", "catalog"),
    ("/life-events/:id", "catalog"),
    ("/dashboard", "dashboard"),
    ("/sign-in", "account"),
    ("/me", "account"),
    ("/me/sessions", "account"),
    ("/me/data-use", "account"),
    ("/inbox", "account"),
    ("/services/:id/use", "apply"),
    ("/drafts/:id", "apply"),
    ("/requests", "apply"),
    ("/requests/:id", "apply"),
    ("/track", "apply"),
];

/// The module holding the code of the page at `path`, if not the main one
/// (an unknown path too: its 404 page is not worth fetching ahead).
pub fn page_module(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    PAGE_MODULES.iter().find_map(|(route, module)| {
        let pattern: Vec<&str> = route.split('/').skip(1).collect();
        let fits = pattern.len() == segments.len()
            && pattern.iter().zip(&segments).all(|(p, s)| if p.starts_with(':') { !s.is_empty() } else { p == s });
        fits.then_some(*module)
    })
}

#[cfg(test)]
mod tests {
    use super::page_module;

    #[test]
    fn pages_are_found_by_their_route() {
        assert_eq!(page_module("/services"), Some("catalog"));
        assert_eq!(page_module("/services/"), Some("catalog"));
        assert_eq!(page_module("/agencies/post"), Some("catalog"));
        assert_eq!(page_module("/services/passport-issuance/use"), Some("apply"));
        assert_eq!(page_module("/me/sessions"), Some("account"));
        assert_eq!(page_module("/"), None, "home is in the main module");
        assert_eq!(page_module("/services/passport-issuance"), None, "so is a service page");
        assert_eq!(page_module("/no/such/page"), None);
        assert_eq!(page_module("/agencies//"), Some("catalog"), "trailing slashes are the list's");
    }
}
