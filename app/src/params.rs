//! The route parameters pages read, typed (`#[derive(Params)]`).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use leptos_router::params::Params;

/// `:id` of `/services/:id`, `/agencies/:id`, `/drafts/:id`, … (the router
/// has matched it, so it is there; a missing one reads as empty, which no
/// page or API call has).
#[derive(Params, Debug, Clone, PartialEq, Eq, Default)]
pub struct IdParams {
    pub id: Option<String>,
}

/// The page's `:id`, tracked: read as [`IdParams`] from the router's own
/// memo of the parameters (no memo of its own: less code in the main
/// module, where the service page reads it).
pub fn use_id() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.with(|map| IdParams::from_map(map).ok().and_then(|p| p.id)).unwrap_or_default()
}
