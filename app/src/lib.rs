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
pub mod params;
pub mod polled;
pub mod pwa;
pub mod search_engine;
pub mod shell;
pub mod status;

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
    inbox::InboxPage, not_found::NotFoundPage, offer::OfferPage, pay_bill::PayBillPage, payment::PaymentPage, payments::PaymentsPage,
    profile::ProfilePage, request::RequestPage, requests::RequestsPage, search::SearchPage, service::ServicePage, services::ServicesPage,
    sessions::SessionsPage, sign_in::SignInPage, status::StatusPage, topic::TopicPage, track::TrackPage, use_service::UseServicePage,
};

/// Replaces the static app shell of `index.html` with the live app.
pub fn mount() {
    console_error_panic_hook::set_once();
    // In a task of its own: the one that instantiated the module is long
    // enough on a slow phone. A reader who chose English waits for its
    // table (Persian if it cannot come).
    if i18n::saved_lang() == i18n::Lang::En {
        // (Leptos's executor starts with the mount: this is before it.)
        wasm_bindgen_futures::spawn_local(async {
            i18n::load_english().await;
            mount_now();
        });
    } else {
        components::later::in_own_task(mount_now);
    }
}

fn mount_now() {
    let document = document();
    let root = document.get_element_by_id("app").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    match root {
        Some(root) => {
            // The shell is Persian: kept for a Persian reader only, never
            // shown beside the app's English.
            shell::keep_data(&window().location().pathname().unwrap_or_default());
            if i18n::saved_lang() == i18n::Lang::Fa {
                if let Some(main) = document.get_element_by_id("main") {
                    let header = root.query_selector(":scope > header").ok().flatten().map(|h| h.outer_html()).unwrap_or_default();
                    shell::keep(&window().location().pathname().unwrap_or_default(), &header, &main);
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
/// citizens arrive, stay in the main module (`main`). Pages are grouped by
/// journey (`$module`): a module per page made the draft page fetch 39
/// files. `$route` is the route's view (see `components::lazy_page` for what
/// shows while it loads, or if it cannot be fetched).
macro_rules! page_view {
    ($route:ident, main, $view:tt) => {
        fn $route() -> AnyView {
            $view.into_any()
        }
    };
    ($route:ident, $module:ident, $view:tt) => {
        fn $route() -> AnyView {
            #[leptos::wasm_split::wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible)]
            fn $route() -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
                Ok($view.into_any())
            }
            lazy_page(Box::pin($route()))
        }
    };
    // A citizen's page: guarded inside its own module (the guard's code is
    // fetched with the page, not with the main module everyone loads).
    (citizen $route:ident, $module:ident, $view:tt) => {
        fn $route() -> AnyView {
            #[leptos::wasm_split::wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible)]
            fn $route() -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
                Ok(components::citizen_page::citizen_page(|| $view.into_any()))
            }
            lazy_page(Box::pin($route()))
        }
    };
}

/// Every page's view and the router's routes, from the one table
/// (`panjere_api::with_pages!`): the server paints, preloads and answers
/// 404 from the same table.
macro_rules! app_routes {
    (
        public { $(($path:tt, $route:ident, $module:ident, $paint:tt, $view:tt)),* $(,)? }
        citizen { $(($cpath:tt, $croute:ident, $cmodule:ident, $cpaint:tt, $cview:tt)),* $(,)? }
    ) => {
        $(page_view!($route, $module, $view);)*
        $(page_view!(citizen $croute, $cmodule, $cview);)*

        /// The routes; a citizen's pages are shown to a signed-in citizen only
        /// (`components::citizen_page`), anyone else is sent to sign in and
        /// comes back afterwards.
        fn routes() -> impl IntoView {
            view! {
                <Routes fallback=not_found_route>
                    $(<Route path=path!($path) view={$route as Page}/>)*
                    $(<Route path=path!($cpath) view={$croute as Page}/>)*
                </Routes>
            }
        }
    };
}

panjere_api::with_pages!(app_routes);

/// The page for an address that is none of the table's.
#[leptos::wasm_split::wasm_split(catalog, wasm_split_path = ::leptos::wasm_split, fallible)]
fn not_found_page() -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
    Ok(view! { <NotFoundPage/> }.into_any())
}

fn not_found_route() -> AnyView {
    lazy_page(Box::pin(not_found_page()))
}

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
    let painted = shell::take_main();
    // The number formatter is built in a task of its own while the page
    // waits for its data (in idle time, it came too late: the page's data
    // then built it, in a long task). It is short when the loader's worker
    // (public/warm-intl.js) has already loaded the locale data.
    after_first_render(move || fmt::prepare(i18n.lang.get_untracked()));
    view! {
        <Router>
            <FocusOnNavigate/>
            <a class="skip-link" href="#main" on:click=skip_to_main>{move || i18n.t().skip_to_content()}</a>
            // The header as painted, in an unstyled div, until the app's own.
            <Later fallback=move || view! { <div class="painted" inner_html=painted_header.clone()></div> }>
                <Header/>
            </Later>
            <Later>
                <UpdatePrompt/>
                <OfflineBanner/>
            </Later>
            <main id="main" tabindex="-1">
                // The painted page, its own nodes (see `shell`).
                <Later fallback=move || shell::main_view(painted.clone())>
                    {routes()}
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
