//! What the server painted before the app: for a service or an agency page,
//! `index.html`'s `<main>` already holds the page's breadcrumbs, heading and
//! summary. The app keeps that content on screen (instead of a loading
//! placeholder) until its own page has the data, so nothing the citizen is
//! reading disappears or moves when the app starts.

use std::cell::RefCell;

thread_local! {
    static KEPT: RefCell<Option<Kept>> = const { RefCell::new(None) };
    static MAIN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps the whole of the shell's `<main>` as painted, for the app's first
/// task to show while its page is built in the next one.
pub fn keep_main(html: &str) {
    MAIN.with(|m| *m.borrow_mut() = Some(html.to_owned()));
}

/// The shell's `<main>` as painted, once.
pub fn take_main() -> Option<String> {
    MAIN.with(|m| m.borrow_mut().take())
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Kept {
    path: String,
    html: String,
}

/// Keeps the shell's page content (the inside of `main > .wrap`) painted
/// for `path`, if it is the server's rendering of a page (it has the
/// `shell-title` heading); an empty shell is not kept.
pub fn keep(path: &str, html: &str) {
    if html.contains("shell-title") {
        KEPT.with(|k| *k.borrow_mut() = Some(Kept { path: normalise(path).to_owned(), html: html.to_owned() }));
    }
}

/// The content kept for `path`, once: the first page rendered for the URL
/// the server painted takes it; any other path gets nothing, and clears it.
pub fn take_for(path: &str) -> Option<String> {
    KEPT.with(|k| k.borrow_mut().take()).filter(|kept| kept.path == normalise(path)).map(|kept| kept.html)
}

fn normalise(path: &str) -> &str {
    match path.trim_end_matches('/') {
        "" => "/",
        p => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_painted_page_is_kept_once_for_its_own_path() {
        keep("/services/passport-issuance/", "<h1 class=\"shell-title\">صدور گذرنامه</h1>");
        assert_eq!(take_for("/services/passport-issuance").as_deref(), Some("<h1 class=\"shell-title\">صدور گذرنامه</h1>"));
        assert_eq!(take_for("/services/passport-issuance"), None, "only once");

        keep("/agencies/post", "<h1 class=\"shell-title\">پست</h1>");
        assert_eq!(take_for("/agencies/tax"), None, "another page never shows it");
        assert_eq!(take_for("/agencies/post"), None, "and it is gone");

        keep("/dashboard", "<p role=\"status\">در حال بارگذاری…</p>");
        assert_eq!(take_for("/dashboard"), None, "an empty shell is not kept");

        keep_main("<section class=\"hero\">…</section>");
        assert_eq!(take_main().as_deref(), Some("<section class=\"hero\">…</section>"));
        assert_eq!(take_main(), None, "only once");
    }
}
