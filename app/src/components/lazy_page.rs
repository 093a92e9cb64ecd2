use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use send_wrapper::SendWrapper;

use crate::components::loading::Loading;
use crate::components::page_load_failed::PageLoadFailed;

/// Fetches a page's module and builds the page in it (`lazy_page!` in
/// `lib.rs`).
pub type LoadPage = Pin<Box<dyn Future<Output = Result<AnyView, SplitLoaderError>>>>;

/// A page whose code is fetched on first use. Until it has arrived, what
/// the server painted for this address stays on screen as it was (the page
/// itself then takes it over while its data loads, see [`crate::shell`]),
/// else a loading placeholder; if it cannot be fetched, [`PageLoadFailed`].
/// One function for every such page (not generic: in the main module once).
pub fn lazy_page(load: LoadPage) -> AnyView {
    let painted = crate::shell::peek_for(&window().location().pathname().unwrap_or_default());
    let fallback = move || match painted {
        Some(page) => page.in_wrap(),
        None => view! { <div class="wrap"><Loading/></div> }.into_any(),
    };
    // The module's future is not `Send`; it only ever runs on the page's thread.
    let page = SendWrapper::new(async move { load.await.unwrap_or_else(|_| view! { <PageLoadFailed/> }.into_any()) });
    view! { <Suspense fallback>{Suspend::new(page)}</Suspense> }.into_any()
}

/// A part of a page whose code is fetched on first use: nothing shows until
/// it has arrived, nor if it cannot be fetched (it is never the page's
/// content itself).
pub fn lazy_part(load: LoadPage) -> AnyView {
    let part = SendWrapper::new(async move { load.await.unwrap_or_else(|_| ().into_any()) });
    view! { <Suspense fallback=|| ()>{Suspend::new(part)}</Suspense> }.into_any()
}
