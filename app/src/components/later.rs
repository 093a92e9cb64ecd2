use leptos::prelude::*;

/// Renders its children in a task of their own, just after the rest of the
/// page. For the part of a long page below the fold: building the whole page
/// at once is one long task on a slow phone (much of it the browser
/// compiling the code it runs for the first time), and the page answers
/// input sooner in two shorter ones. `fallback` shows until then.
#[component]
pub fn Later(children: ChildrenFn, #[prop(optional, into)] fallback: ViewFn) -> impl IntoView {
    let ready = RwSignal::new(false);
    set_timeout(move || ready.set(true), std::time::Duration::ZERO);
    view! { <Show when=move || ready.get() fallback>{children()}</Show> }
}

/// Runs `f` in a task of its own after those the first render queues (its
/// `Later`s): for work the page does not wait for. Two hops, because the
/// `Later`s' tasks are queued while the app is mounted, after its caller.
pub fn after_first_render(f: impl FnOnce() + 'static) {
    set_timeout(move || set_timeout(f, std::time::Duration::ZERO), std::time::Duration::ZERO);
}
