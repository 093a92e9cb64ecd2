//! The route parameters pages read, typed (`#[derive(Params)]`).

use leptos::prelude::*;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

/// `:id` of `/services/:id`, `/agencies/:id`, `/drafts/:id`, … (the router
/// has matched it, so it is there; a missing one reads as empty, which no
/// page or API call has).
#[derive(Params, Debug, Clone, PartialEq, Eq, Default)]
pub struct IdParams {
    pub id: Option<String>,
}

/// The page's `:id`, tracked.
pub fn use_id() -> Memo<String> {
    let params = use_params::<IdParams>();
    Memo::new(move |_| params.read().as_ref().ok().and_then(|p| p.id.clone()).unwrap_or_default())
}
