use leptos::prelude::*;
use panjere_api::markup::inbox_list;
use panjere_api::requests::Inbox;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::contexts::{signed_in_action, use_auth};
use crate::fetched::Fetched;
use crate::i18n::{use_i18n, use_title};
use crate::logic::Labels;

/// The inbox: every status change of the citizen's requests.
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().inbox_title().to_owned()));
    view! {
        <InboxList/>
    }
}

#[component]
fn InboxList() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    // Read first from what the server painted the inbox from.
    let inbox = Fetched::new(move || {
        let painted = crate::shell::take_data::<Inbox>();
        async move {
            let r = match painted {
                Some(i) => Ok(i),
                None => api::inbox().await,
            };
            auth.note(&r);
            if let Ok(i) = &r {
                auth.unread.set(i.unread);
            }
            r
        }
    });
    let mark_read = signed_in_action(|id: &String| {
        let id = id.clone();
        async move { api::mark_read(&id).await }
    });
    Effect::new(move || {
        if mark_read.version().get() > 0 {
            inbox.refetch();
        }
    });
    let read = Callback::new(move |id: String| {
        mark_read.dispatch(id);
    });
    view! {
        <div class="wrap narrow">
            <h1>{move || i18n.t().inbox_title()}</h1>
            // The inbox the server painted stays while the app loads it.
            <AsyncView resource=inbox part=".inbox-list" render=move |i| view! { <InboxItems inbox=i read/> }/>
        </div>
    }
}

/// The inbox's items: `panjere_api::markup`'s, the markup the server
/// paints the inbox with. A click on an item's "mark read" button (its
/// `data-read`) marks that one read.
#[component]
fn InboxItems(inbox: Inbox, read: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let on_click = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let id = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("button[data-read]").ok().flatten())
            .and_then(|b| b.get_attribute("data-read"));
        if let Some(id) = id {
            read.run(id);
        }
    };
    view! { <div class="inbox-list" on:click=on_click inner_html=move || inbox_list(&inbox, &Labels(i18n.t()))></div> }
}
