use leptos::prelude::*;

use crate::api::FetchError;
use crate::components::error_view::ErrorView;
use crate::components::loading::Loading;

/// Shows a resource: a loading state while it loads (keeping the previous
/// content on reload), the error with a retry button if it fails, and
/// `render(value)` once it is there.
#[component]
pub fn AsyncView<T, F, V>(resource: LocalResource<Result<T, FetchError>>, render: F) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let retry = Callback::new(move |_| resource.refetch());
    view! {
        <Transition fallback=Loading>
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
