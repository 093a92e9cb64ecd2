//! What the server painted before the app: for a service's or an agency's
//! page, a list of services or agencies, `index.html`'s `<main>` already
//! holds the page's breadcrumbs, heading and content. The app keeps that
//! content on screen (instead of a loading placeholder) until its own page
//! has the data, so nothing the citizen is reading disappears or moves when
//! the app starts.
//!
//! The painted page's nodes themselves are kept, not their HTML: each
//! placeholder on the way (the app's first task, the page's module
//! loading, the page's data loading) moves the same nodes into place
//! ([`painted_page`]), so a long painted list is parsed, styled and laid
//! out once, not once per placeholder.

use std::cell::RefCell;

use leptos::prelude::*;

thread_local! {
    static PAINTED: RefCell<Painted<PaintedPage>> = const { RefCell::new(Painted::new()) };
    /// The painted page's nodes, for what was typed in them ([`typed_in`]).
    static TYPED: RefCell<Option<web_sys::Element>> = const { RefCell::new(None) };
    /// What a citizen's page was painted from, and its path ([`take_data`]).
    static DATA: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
    /// Who the citizen's page was painted for ([`take_session`]).
    static SESSION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Keeps what the server painted a citizen's page at `path` from (its
/// `script#page-data`, the JSON the API answers for the page's first read),
/// in either language: the data are the same in both.
pub fn keep_data(path: &str) {
    let json = |id| document().get_element_by_id(id).and_then(|e| e.text_content());
    let page = json("page-data");
    DATA.with(|d| *d.borrow_mut() = page.map(|j| (normalise(path).to_owned(), j)));
    SESSION.with(|s| *s.borrow_mut() = json("session-data"));
}

/// Who the server painted a citizen's page for (its `script#session-data`),
/// once: the app starts signed in with it, without asking.
pub fn take_session() -> Option<panjere_api::auth::SessionState> {
    SESSION.with(|s| s.borrow_mut().take()).and_then(|j| serde_json::from_str(&j).ok())
}

/// What the server painted this page from, once: the first read of the page
/// it painted takes it instead of asking the API again; a read on any other
/// page gets nothing, and clears it.
pub fn take_data<T: serde::de::DeserializeOwned>() -> Option<T> {
    let here = window().location().pathname().unwrap_or_default();
    let (path, json) = DATA.with(|d| d.borrow_mut().take())?;
    (path == normalise(&here)).then(|| serde_json::from_str(&json).ok()).flatten()
}

/// A page the server painted: its nodes, in a `div.painted` of their own,
/// and the class of the `.wrap` they were in (`wrap`, `wrap narrow`…).
#[derive(Clone)]
pub struct PaintedPage {
    pub nodes: web_sys::Element,
    pub wrap: String,
}

impl PaintedPage {
    /// Where the server put it (`main > .wrap`): its own nodes, moved here.
    pub fn in_wrap(self) -> AnyView {
        let class = self.wrap;
        view! { <div class=class>{painted_page(self.nodes)}</div> }.into_any()
    }
}

/// What the server painted, each part taken once. `P` is the painted page
/// content: its nodes in the browser.
struct Painted<P> {
    /// The shell's whole `<header>` element.
    header: Option<String>,
    /// The whole of the shell's `<main>`, when it is not a page's content
    /// (the home page's hero).
    main: Option<String>,
    /// The page content (the inside of `main > .wrap`) and its path.
    page: Option<(String, P)>,
}

impl<P: Clone> Painted<P> {
    const fn new() -> Self {
        Painted { header: None, main: None, page: None }
    }

    fn keep(&mut self, path: &str, header: &str, main: &str, page: Option<P>) {
        *self =
            Painted { header: Some(header.to_owned()), main: Some(main.to_owned()), page: page.map(|p| (normalise(path).to_owned(), p)) };
    }

    fn take_for(&mut self, path: &str) -> Option<P> {
        self.page.take().filter(|(kept, _)| kept == normalise(path)).map(|(_, p)| p)
    }

    fn peek_for(&self, path: &str) -> Option<P> {
        self.page.as_ref().filter(|(kept, _)| kept == normalise(path)).map(|(_, p)| p.clone())
    }
}

/// Keeps the shell as painted at `path`: its header and the whole of its
/// `<main>`, for the app's first task to show while the header and the page
/// are built in the next ones; and, if the server painted a page there (its
/// `.wrap` says `data-painted`), that page's nodes: they are moved out of
/// `main > .wrap` into a `div.painted` of their own, for the page to show
/// while it loads.
pub fn keep(path: &str, header: &str, main: &web_sys::Element) {
    let wrap = main.query_selector(":scope > .wrap[data-painted]").ok().flatten();
    let page = wrap.and_then(|wrap| {
        let holder = document().create_element("div").ok()?;
        holder.set_class_name("painted");
        while let Some(node) = wrap.first_child() {
            holder.append_child(&node).ok()?;
        }
        Some(PaintedPage { nodes: holder, wrap: wrap.class_name() })
    });
    let main = if page.is_some() { String::new() } else { main.inner_html() };
    TYPED.with(|t| *t.borrow_mut() = page.as_ref().map(|p| p.nodes.clone()));
    PAINTED.with(|p| p.borrow_mut().keep(path, header, &main, page));
}

/// The shell's header as painted (the element itself), once.
pub fn take_header() -> Option<String> {
    PAINTED.with(|p| p.borrow_mut().header.take())
}

/// The shell's `<main>` as painted (its HTML when it is not a page's), once.
pub fn take_main() -> String {
    PAINTED.with(|p| p.borrow_mut().main.take()).unwrap_or_default()
}

/// The shell's `<main>` as painted, for the app's first task: the painted
/// page's own nodes if there is one, else `html` ([`take_main`]).
pub fn main_view(html: String) -> AnyView {
    match peek_for(&window().location().pathname().unwrap_or_default()) {
        Some(page) => page.in_wrap(),
        // An unstyled div: the painted shell lays out as it did.
        None => view! { <div class="painted" inner_html=html></div> }.into_any(),
    }
}

/// The page content kept for `path`, once: the first page rendered for the
/// URL the server painted takes it; any other path gets nothing, and clears
/// it.
pub fn take_for(path: &str) -> Option<PaintedPage> {
    PAINTED.with(|p| p.borrow_mut().take_for(path))
}

/// The page content kept for `path`, left in place: for what shows while a
/// lazily loaded page's code arrives, before the page itself takes it.
pub fn peek_for(path: &str) -> Option<PaintedPage> {
    PAINTED.with(|p| p.borrow().peek_for(path))
}

/// Shows the painted page's nodes here, moving them from wherever they
/// were shown before (an unstyled div: they lay out as they did).
pub fn painted_page(page: web_sys::Element) -> impl IntoView {
    let slot = NodeRef::<leptos::html::Div>::new();
    let page = send_wrapper::SendWrapper::new(page);
    slot.on_load(move |div| {
        let _ = div.append_child(&page);
    });
    view! { <div class="painted-slot" node_ref=slot></div> }
}

/// What was typed in the painted page's text box `id`, if anything. The
/// painted nodes are read even once the app's page has replaced them (they
/// are kept, detached), so nothing typed before the app took over is lost,
/// whenever it was typed.
pub fn typed_in(id: &str) -> String {
    use wasm_bindgen::JsCast;
    let nodes = TYPED.with(|t| t.borrow().clone());
    nodes
        .and_then(|n| n.query_selector(&format!("#{id}")).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|i| i.value())
        .unwrap_or_default()
}

/// A box of the app's that replaces the painted page's box `id`: it starts
/// with what was typed there, and, once it is on screen, takes what was
/// typed there up to the moment it replaced it, unless it has been changed
/// in the app's box already.
pub fn keep_typed(id: impl Into<String>, value: RwSignal<String>) {
    let id = id.into();
    let typed = typed_in(&id);
    if !typed.is_empty() {
        value.set(typed);
    }
    let start = value.get_untracked();
    Effect::new(move |_| {
        let typed = typed_in(&id);
        if !typed.is_empty() && typed != start && value.get_untracked() == start {
            value.set(typed);
        }
    });
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
        let mut p = Painted::new();
        let page = "<h1 class=\"shell-title\">صدور گذرنامه</h1>".to_owned();
        p.keep("/services/passport-issuance/", "", "", Some(page.clone()));
        assert_eq!(p.peek_for("/services/passport-issuance/"), Some(page.clone()));
        assert_eq!(p.peek_for("/agencies/post"), None, "never for another page");
        assert_eq!(p.take_for("/services/passport-issuance"), Some(page.clone()), "peeking leaves it");
        assert_eq!(p.take_for("/services/passport-issuance"), None, "only once");

        p.keep("/agencies/post", "", "", Some(page));
        assert_eq!(p.take_for("/agencies/tax"), None, "another page never shows it");
        assert_eq!(p.take_for("/agencies/post"), None, "and it is gone");

        p.keep("/", "<header class=\"site-header\">…</header>", "<section class=\"hero\">…</section>", None);
        assert_eq!(p.header.take().as_deref(), Some("<header class=\"site-header\">…</header>"));
        assert_eq!(p.main.take().as_deref(), Some("<section class=\"hero\">…</section>"));
        assert_eq!(p.peek_for("/"), None);
    }
}
