use std::sync::Arc;

use leptos::prelude::*;

use crate::components::error_view::ErrorView;
use crate::components::loading::Loading;
use crate::fetched::{value_of, Fetched, Loaded, Value};

/// How a loaded value is shown (its type erased, see [`crate::fetched`]).
type Render = Arc<dyn Fn(&Value) -> AnyView + Send + Sync>;

/// Shows a resource: a loading state while it loads (keeping the previous
/// content on reload), the error with a retry button if it fails, and
/// `render(value)` once it is there. With `shell`, a page the server
/// already painted (see [`crate::shell`]) stays as painted while it loads;
/// with `part`, only the painted element it selects does (the rest of the
/// page being the app's already).
#[component]
pub fn AsyncView<T, F, V>(
    resource: Fetched<T>,
    render: F,
    #[prop(optional)] shell: bool,
    #[prop(optional)] part: Option<&'static str>,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let render: Render = Arc::new(move |v| render(value_of::<T>(v)).into_any());
    loaded_view(resource.raw(), render, shell, part)
}

/// [`AsyncView`] once for every type.
fn loaded_view(resource: LocalResource<Loaded>, render: Render, shell: bool, part: Option<&'static str>) -> AnyView {
    let retry = Callback::new(move |_| resource.refetch());
    let painted = (shell || part.is_some())
        .then(|| crate::shell::take_for(&window().location().pathname().unwrap_or_default()))
        .flatten()
        .and_then(|page| match part {
            None => Some(page.nodes),
            Some(selector) => page.nodes.query_selector(selector).ok().flatten(),
        });
    let fallback = move || match painted {
        // The painted content's own nodes, moved here.
        Some(nodes) => crate::shell::painted_page(nodes).into_any(),
        None => view! { <Loading/> }.into_any(),
    };
    view! {
        <Transition fallback>
            <ErrorBoundary fallback=move |errors| view! { <ErrorView errors retry/> }>
                {
                    move || {
                        let render = render.clone();
                        Suspend::new(async move { resource.await.map(|v| render(&v)) })
                    }
                }
            </ErrorBoundary>
        </Transition>
    }
    .into_any()
}
