//! Panjere's browser client: the `App` component and its router.

pub mod api;
pub mod components;
pub mod contexts;
pub mod dashboard;
pub mod fetched;
pub mod fmt;
pub mod i18n;
pub mod logic;
pub mod pages;
pub mod pwa;
pub mod search_engine;
pub mod shell;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;
use wasm_bindgen::JsCast;

use crate::components::footer::Footer;
use crate::components::header::Header;
use crate::components::later::{after_first_render, Later};
use crate::components::lazy_page::{lazy_page, lazy_part};
use crate::components::offline_banner::OfflineBanner;
use crate::components::session_timeout::SessionTimeout;
use crate::components::update_prompt::UpdatePrompt;
use crate::i18n::I18n;
use crate::pages::{
    agencies::AgenciesPage, agency::AgencyPage, dashboard::DashboardPage, data_use::DataUsePage, draft::DraftPage, home::HomePage,
    inbox::InboxPage, not_found::NotFoundPage, profile::ProfilePage, request::RequestPage, requests::RequestsPage, search::SearchPage,
    service::ServicePage, services::ServicesPage, sessions::SessionsPage, sign_in::SignInPage, status::StatusPage, topic::TopicPage,
    track::TrackPage, use_service::UseServicePage,
};

/// Replaces the static app shell of `index.html` with the live app.
pub fn mount() {
    console_error_panic_hook::set_once();
    // In a task of its own: the one that instantiated the module is long
    // enough on a slow phone.
    set_timeout(mount_now, std::time::Duration::ZERO);
}

fn mount_now() {
    let document = document();
    let root = document.get_element_by_id("app").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    match root {
        Some(root) => {
            // The shell is Persian: kept for a Persian reader only, never
            // shown beside the app's English.
            if i18n::saved_lang() == i18n::Lang::Fa {
                if let Some(main) = document.get_element_by_id("main") {
                    let page = main.query_selector(":scope > .wrap").ok().flatten().map(|wrap| wrap.inner_html());
                    let header = root.query_selector(":scope > header").ok().flatten().map(|h| h.outer_html()).unwrap_or_default();
                    shell::keep(&window().location().pathname().unwrap_or_default(), &header, &main.inner_html(), page.as_deref());
                }
            }
            root.set_inner_html("");
            leptos::mount::mount_to(root, App).forget();
        }
        None => leptos::mount::mount_to_body(App),
    }
}

/// A page whose code is in a wasm module of its own, fetched when one of its
/// pages is first opened: `cargo xtask build` cuts the client at these
/// functions (xtask/src/split.rs). The home and service pages, where most
/// citizens arrive, stay in the main module. Pages are grouped by journey
/// (`$module`): a module per page made the draft page fetch 39 files.
/// `$route` is the route's view; `$page` builds the page inside the module
/// (see `components::lazy_page` for what shows while it loads, or if it
/// cannot be fetched).
macro_rules! lazy_page {
    ($route:ident, $page:ident in $module:ident, $view:expr) => {
        fn $route() -> AnyView {
            #[leptos::wasm_split::wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible)]
            fn $page() -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
                Ok($view.into_any())
            }
            lazy_page(Box::pin($page()))
        }
    };
}

// Browsing the catalog and the window's status: public, offline-capable.
lazy_page!(search_route, search_page in catalog, view! { <SearchPage/> });
lazy_page!(services_route, services_page in catalog, view! { <ServicesPage/> });
lazy_page!(agencies_route, agencies_page in catalog, view! { <AgenciesPage/> });
lazy_page!(agency_route, agency_page in catalog, view! { <AgencyPage/> });
lazy_page!(category_route, category_page in catalog, view! { <TopicPage event=false/> });
lazy_page!(life_event_route, life_event_page in catalog, view! { <TopicPage event=true/> });
lazy_page!(status_route, status_page in catalog, view! { <StatusPage/> });
lazy_page!(not_found_route, not_found_page in catalog, view! { <NotFoundPage/> });
// The law's targets and the figures behind them (charts and tables).
lazy_page!(dashboard_route, dashboard_page in dashboard, view! { <DashboardPage/> });
// Signing in and the citizen's own account.
lazy_page!(sign_in_route, sign_in_page in account, view! { <SignInPage/> });
lazy_page!(profile_route, profile_page in account, view! { <ProfilePage/> });
lazy_page!(sessions_route, sessions_page in account, view! { <SessionsPage/> });
lazy_page!(data_use_route, data_use_page in account, view! { <DataUsePage/> });
lazy_page!(inbox_route, inbox_page in account, view! { <InboxPage/> });
// Using a service: the application, drafts and requests.
lazy_page!(use_service_route, use_service_page in apply, view! { <UseServicePage/> });
lazy_page!(draft_route, draft_page in apply, view! { <DraftPage/> });
lazy_page!(requests_route, requests_page in apply, view! { <RequestsPage/> });
lazy_page!(request_route, request_page in apply, view! { <RequestPage/> });
lazy_page!(track_route, track_page in apply, view! { <TrackPage/> });

/// The idle-timeout warning, in a module of its own: only a signed-in
/// citizen's browser fetches it.
#[leptos::wasm_split::wasm_split(session, wasm_split_path = ::leptos::wasm_split, fallible)]
fn session_timeout() -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
    Ok(view! { <SessionTimeout/> }.into_any())
}

/// A route's view. Every route's view has this one type, a function
/// pointer rather than each page's own function: the router's code is then
/// compiled once per kind of path, not once per route.
type Page = fn() -> AnyView;

fn home_route() -> AnyView {
    view! { <HomePage/> }.into_any()
}

fn service_route() -> AnyView {
    view! { <ServicePage/> }.into_any()
}

/// The whole app: language context, catalog index, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::provide();
    contexts::provide_catalog_index();
    let auth = contexts::Auth::provide();
    let signed_in = Memo::new(move |_| matches!(auth.status.get(), contexts::AuthStatus::SignedIn(_)));
    pwa::Pwa::provide();
    Effect::new(move || {
        i18n.apply_to_document();
        pwa::set_manifest_language(i18n.get());
    });
    // The first render is a long task on a slow phone (much of it the
    // browser compiling the wasm functions it runs for the first time), so
    // it is cut in short ones, each `Later` a task of its own in order: the
    // router, with the header and page as the server painted them; then the
    // header; the update and offline notices; the page itself; the footer
    // and the timeout dialog (below the fold, or hidden).
    let painted_header = shell::take_header().unwrap_or_default();
    let painted = shell::take_main().unwrap_or_default();
    // The number formatter is built in a task of its own while the page
    // waits for its data (in idle time, it came too late: the page's data
    // then built it, in a long task). It is short when the loader's worker
    // (public/warm-intl.js) has already loaded the locale data.
    after_first_render(move || fmt::prepare(i18n.lang.get_untracked()));
    view! {
        <Router>
            <FocusOnNavigate/>
            <a class="skip-link" href="#main" on:click=skip_to_main>{move || i18n.t().skip_to_content}</a>
            // The header as painted, in an unstyled div, until the app's own.
            <Later fallback=move || view! { <div class="painted" inner_html=painted_header.clone()></div> }>
                <Header/>
            </Later>
            <Later>
                <UpdatePrompt/>
                <OfflineBanner/>
            </Later>
            <main id="main" tabindex="-1">
                // An unstyled div: the painted page lays out as it did.
                <Later fallback=move || view! { <div class="painted" inner_html=painted.clone()></div> }>
                    <Routes fallback=not_found_route>
                        <Route path=path!("/") view={home_route as Page}/>
                        <Route path=path!("/search") view={search_route as Page}/>
                        <Route path=path!("/services") view={services_route as Page}/>
                        <Route path=path!("/services/:id") view={service_route as Page}/>
                        <Route path=path!("/agencies") view={agencies_route as Page}/>
                        <Route path=path!("/agencies/:id") view={agency_route as Page}/>
                        <Route path=path!("/status") view={status_route as Page}/>
                        <Route path=path!("/dashboard") view={dashboard_route as Page}/>
                        <Route path=path!("/sign-in") view={sign_in_route as Page}/>
                        <Route path=path!("/me") view={profile_route as Page}/>
                        <Route path=path!("/me/sessions") view={sessions_route as Page}/>
                        <Route path=path!("/me/data-use") view={data_use_route as Page}/>
                        <Route path=path!("/services/:id/use") view={use_service_route as Page}/>
                        <Route path=path!("/drafts/:id") view={draft_route as Page}/>
                        <Route path=path!("/requests") view={requests_route as Page}/>
                        <Route path=path!("/requests/:id") view={request_route as Page}/>
                        <Route path=path!("/inbox") view={inbox_route as Page}/>
                        <Route path=path!("/track") view={track_route as Page}/>
                        <Route path=path!("/categories/:id") view={category_route as Page}/>
                        <Route path=path!("/life-events/:id") view={life_event_route as Page}/>
                    </Routes>
                </Later>
            </main>
            <Later>
                <Footer/>
                {move || signed_in.get().then(|| lazy_part(Box::pin(session_timeout())))}
            </Later>
        </Router>
    }
}

/// The skip link moves focus itself: the router takes over in-page links,
/// so the browser would not.
fn skip_to_main(ev: web_sys::MouseEvent) {
    ev.prevent_default();
    if let Some(main) = document().get_element_by_id("main").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = main.focus();
        main.scroll_into_view();
    }
}

/// Moves keyboard and screen-reader focus to the page heading after each
/// client-side navigation (not on the first load).
#[component]
fn FocusOnNavigate() -> impl IntoView {
    let location = use_location();
    let first = StoredValue::new(true);
    Effect::new(move || {
        let _ = location.pathname.get();
        if first.get_value() {
            first.set_value(false);
            return;
        }
        window().scroll_to_with_x_and_y(0.0, 0.0);
        focus_heading_when_ready(FOCUS_ATTEMPTS);
    });
}

/// How long (in 100 ms steps) to wait for a loading page's heading.
const FOCUS_ATTEMPTS: u32 = 50;

fn retry_focus(attempts_left: u32) {
    gloo_timers::callback::Timeout::new(100, move || focus_heading_when_ready(attempts_left)).forget();
}

/// Focuses `main h1` once the page has loaded (no loading placeholder left),
/// or `main` itself if no heading appears in time. If the heading it focused
/// is then replaced (focus falls back to `<body>`), it tries again; it never
/// takes focus the citizen has moved elsewhere.
fn focus_heading_when_ready(attempts_left: u32) {
    if attempts_left == FOCUS_ATTEMPTS {
        // Let the router render the new page first.
        return retry_focus(attempts_left - 1);
    }
    let doc = document();
    let loading = doc.query_selector("main .loading").ok().flatten().is_some();
    let heading = doc.query_selector("main h1").ok().flatten();
    let target = match heading {
        Some(h) if !loading => Some(h),
        _ if attempts_left == 0 => doc.get_element_by_id("main"),
        _ => return retry_focus(attempts_left - 1),
    };
    if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        if !el.has_attribute("tabindex") {
            let _ = el.set_attribute("tabindex", "-1");
        }
        let _ = el.focus();
    }
    if attempts_left > 0 {
        gloo_timers::callback::Timeout::new(300, move || {
            let doc = document();
            let lost = doc.active_element().is_none_or(|a| a.tag_name().eq_ignore_ascii_case("body"));
            if lost {
                focus_heading_when_ready(attempts_left - 1);
            }
        })
        .forget();
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    /// The server names a page's module from `panjere_api::pages`; this is
    /// the router's own answer, read from this file's `lazy_page!` and
    /// `<Route>` lines.
    #[test]
    fn the_shared_page_table_matches_the_router() {
        let source = include_str!("lib.rs");
        let mut module_of_view = HashMap::new();
        for line in source.lines().filter_map(|l| l.strip_prefix("lazy_page!(")) {
            let (view, rest) = line.split_once(',').expect("lazy_page!(view, page in module, …)");
            let module = rest.split(" in ").nth(1).and_then(|m| m.split(',').next()).expect("a module");
            module_of_view.insert(view.trim(), module.trim());
        }
        let mut routes = 0;
        for line in source.lines().map(str::trim).filter_map(|l| l.strip_prefix("<Route path=path!(\"")) {
            let (path, rest) = line.split_once("\")").expect("a path");
            let view = rest.split("view={").nth(1).and_then(|v| v.split(" as Page").next()).expect("a view");
            let concrete = path.replace(":id", "x");
            assert_eq!(panjere_api::pages::page_module(&concrete), module_of_view.get(view).copied(), "{path}");
            routes += usize::from(module_of_view.contains_key(view));
        }
        assert!(routes > 10, "the router's lines were read");
        assert_eq!(routes, panjere_api::pages::PAGE_MODULES.len(), "every listed page is a route");
    }
}
