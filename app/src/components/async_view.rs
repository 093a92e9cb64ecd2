use leptos::prelude::*;

use crate::api::FetchError;
use crate::components::error_view::ErrorView;
use crate::components::loading::Loading;

/// Shows a resource: a loading state while it loads (keeping the previous
/// content on reload), the error with a retry button if it fails, and
/// `render(value)` once it is there. With `shell`, a page the server
/// already painted (see [`crate::shell`]) stays as painted while it loads.
#[component]
pub fn AsyncView<T, F, V>(resource: LocalResource<Result<T, FetchError>>, render: F, #[prop(optional)] shell: bool) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let retry = Callback::new(move |_| resource.refetch());
    let painted = shell.then(|| crate::shell::take_for(&window().location().pathname().unwrap_or_default())).flatten();
    let fallback = move || match painted {
        // An unstyled div: the painted content lays out as it did.
        Some(html) => view! { <div class="painted" inner_html=html></div> }.into_any(),
        None => view! { <Loading/> }.into_any(),
    };
    view! {
        <Transition fallback>
            <ErrorBoundary fallback=move |errors| view! { <ErrorView errors retry/> }>
                {
                    let render = render.clone();
                    move || {
                        let render = render.clone();
                        Suspend::new(async move { resource.await.map(render) })
                    }
                }
            </ErrorBoundary>
        </Transition>
    }
}
