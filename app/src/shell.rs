//! What the server painted before the app: for a service or an agency page,
//! `index.html`'s `<main>` already holds the page's breadcrumbs, heading and
//! summary. The app keeps that content on screen (instead of a loading
//! placeholder) until its own page has the data, so nothing the citizen is
//! reading disappears or moves when the app starts.

use std::cell::RefCell;

thread_local! {
    static PAINTED: RefCell<Painted> = const { RefCell::new(Painted { header: None, main: None, page: None }) };
}

/// What the server painted, each part taken once.
struct Painted {
    /// The shell's whole `<header>` element.
    header: Option<String>,
    /// The whole of the shell's `<main>`.
    main: Option<String>,
    /// The page content (the inside of `main > .wrap`) and its path.
    page: Option<(String, String)>,
}

/// Keeps the shell as painted at `path`: its header and the whole of its
/// `<main>`, for the app's first task to show while the header and the page
/// are built in the next ones; and the page content inside it (`main >
/// .wrap`), if it is the server's rendering of a page (it has the
/// `shell-title` heading), for that page to show while it loads. An empty
/// shell's page content is not kept.
pub fn keep(path: &str, header: &str, main: &str, page: Option<&str>) {
    PAINTED.with(|p| {
        *p.borrow_mut() = Painted {
            header: Some(header.to_owned()),
            main: Some(main.to_owned()),
            page: page.filter(|html| html.contains("shell-title")).map(|html| (normalise(path).to_owned(), html.to_owned())),
        }
    });
}

/// The shell's header as painted (the element itself), once.
pub fn take_header() -> Option<String> {
    PAINTED.with(|p| p.borrow_mut().header.take())
}

/// The shell's `<main>` as painted, once.
pub fn take_main() -> Option<String> {
    PAINTED.with(|p| p.borrow_mut().main.take())
}

/// The page content kept for `path`, once: the first page rendered for the
/// URL the server painted takes it; any other path gets nothing, and clears
/// it.
pub fn take_for(path: &str) -> Option<String> {
    PAINTED.with(|p| p.borrow_mut().page.take()).filter(|(kept, _)| kept == normalise(path)).map(|(_, html)| html)
}

/// The page content kept for `path`, left in place: for what shows while a
/// lazily loaded page's code arrives, before the page itself takes it.
pub fn peek_for(path: &str) -> Option<String> {
    PAINTED.with(|p| p.borrow().page.as_ref().filter(|(kept, _)| kept == normalise(path)).map(|(_, html)| html.clone()))
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
        let main = "<div class=\"wrap\"><h1 class=\"shell-title\">صدور گذرنامه</h1></div>";
        keep("/services/passport-issuance/", "", main, Some("<h1 class=\"shell-title\">صدور گذرنامه</h1>"));
        assert_eq!(peek_for("/services/passport-issuance/").as_deref(), Some("<h1 class=\"shell-title\">صدور گذرنامه</h1>"));
        assert_eq!(peek_for("/agencies/post"), None, "never for another page");
        assert_eq!(
            take_for("/services/passport-issuance").as_deref(),
            Some("<h1 class=\"shell-title\">صدور گذرنامه</h1>"),
            "peeking leaves it"
        );
        assert_eq!(take_for("/services/passport-issuance"), None, "only once");

        keep("/agencies/post", "", main, Some("<h1 class=\"shell-title\">پست</h1>"));
        assert_eq!(take_for("/agencies/tax"), None, "another page never shows it");
        assert_eq!(take_for("/agencies/post"), None, "and it is gone");

        keep("/dashboard", "", main, Some("<p role=\"status\">در حال بارگذاری…</p>"));
        assert_eq!(take_for("/dashboard"), None, "an empty shell is not kept");

        keep("/", "<header class=\"site-header\">…</header>", "<section class=\"hero\">…</section>", None);
        assert_eq!(take_header().as_deref(), Some("<header class=\"site-header\">…</header>"));
        assert_eq!(take_main().as_deref(), Some("<section class=\"hero\">…</section>"));
        assert_eq!(take_header(), None, "only once");
        assert_eq!(take_main(), None, "only once");
    }
}
