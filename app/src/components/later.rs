use leptos::prelude::*;

/// Renders its children in a task of their own, just after the rest of the
/// page. For the part of a long page below the fold: building the whole page
/// at once is one long task on a slow phone (much of it the browser
/// compiling the code it runs for the first time), and the page answers
/// input sooner in two shorter ones. `fallback` shows until then.
///
/// With `after_paint`, its task waits for two frames to be painted:
/// inside an element with `content-visibility: auto` (the dashboard's
/// sections) that was painted empty and far from the screen, the browser
/// then skips laying out what is put into it until the reader scrolls near
/// (an element inserted with its content is laid out whole once, wherever
/// it is).
#[component]
pub fn Later(children: ChildrenFn, #[prop(optional, into)] fallback: ViewFn, #[prop(optional)] after_paint: bool) -> impl IntoView {
    let ready = RwSignal::new(false);
    let show = move || in_own_task(move || ready.set(true));
    if after_paint {
        // Two frames, as measured on the dashboard. On a test page one was
        // enough; whether one is enough here was not measured.
        request_animation_frame(move || request_animation_frame(show));
    } else {
        show();
    }
    view! { <Show when=move || ready.get() fallback>{children()}</Show> }
}

/// Runs `f` in a task of its own after those the first render queues (its
/// `Later`s): for work the page does not wait for. Two hops, because the
/// `Later`s' tasks are queued while the app is mounted, after its caller.
pub fn after_first_render(f: impl FnOnce() + 'static) {
    in_own_task(move || in_own_task(f));
}

/// Runs `f` in a task of its own, after those queued already (a timer of
/// no delay): the caller's task ends sooner, and the browser may answer
/// input or paint between the two.
pub fn in_own_task(f: impl FnOnce() + 'static) {
    set_timeout(f, std::time::Duration::ZERO);
}
