use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::components::loading::Loading;
use crate::contexts::{use_auth, AuthStatus};

/// The guard of every citizen's page (the `citizen` group of the page
/// table): the page for a signed-in citizen; anyone else is sent to sign in
/// and comes back here afterwards (or, when the app signed them out on
/// purpose, where it said). While the session is being checked, what the
/// server painted for a signed-in citizen here (the page's heading) stays
/// as painted, else a loading placeholder. The page is built once per
/// sign-in, not again when the session's clock is refreshed.
pub fn citizen_page(page: fn() -> AnyView) -> AnyView {
    let auth = use_auth();
    let access = Memo::new(move |_| match auth.status.get() {
        AuthStatus::SignedIn(_) => Some(true),
        AuthStatus::SignedOut => Some(false),
        AuthStatus::Checking => None,
    });
    let navigate = use_navigate();
    Effect::new(move || {
        if access.get() == Some(false) {
            navigate(&auth.sign_in_href(), NavigateOptions { replace: true, ..Default::default() });
        }
    });
    (move || match access.get() {
        Some(true) => page(),
        _ => match crate::shell::peek_for(&window().location().pathname().unwrap_or_default()) {
            Some(painted) => painted.in_wrap(),
            None => view! { <Loading/> }.into_any(),
        },
    })
    .into_any()
}
