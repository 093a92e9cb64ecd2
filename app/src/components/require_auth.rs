use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::components::loading::Loading;
use crate::contexts::{use_auth, AuthStatus};

/// A signed-in page: an anonymous visitor is sent to sign in and comes back
/// here afterwards.
#[component]
pub fn RequireAuth(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let navigate = use_navigate();
    Effect::new(move || {
        // Already on the way to sign in (a sign-out or timeout navigated
        // there): nothing to do.
        if auth.status.get() == AuthStatus::SignedOut && !location.pathname.get_untracked().starts_with("/sign-in") {
            let search = location.search.get_untracked();
            let here = match search.trim_start_matches('?') {
                "" => location.pathname.get_untracked(),
                q => format!("{}?{q}", location.pathname.get_untracked()),
            };
            navigate(&crate::logic::sign_in_href(&here, None), NavigateOptions { replace: true, ..Default::default() });
        }
    });
    move || match auth.status.get() {
        AuthStatus::SignedIn(_) => children().into_any(),
        _ => view! { <Loading/> }.into_any(),
    }
}
