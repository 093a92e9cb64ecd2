use leptos::prelude::*;
use panjere_api::requests::Notification;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::contexts::{signed_in_action, use_auth};
use crate::fetched::Fetched;
use crate::fmt::fill;
use crate::i18n::{use_i18n, use_title};
use crate::logic::status_label;

/// The inbox: every status change of the citizen's requests.
#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().inbox_title.to_owned()));
    view! {
        <InboxList/>
    }
}

#[component]
fn InboxList() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let inbox = Fetched::new(move || async move {
        let r = api::inbox().await;
        auth.note(&r);
        if let Ok(i) = &r {
            auth.unread.set(i.unread);
        }
        r
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
            <h1>{move || i18n.t().inbox_title}</h1>
            <AsyncView
                resource=inbox
                render=move |i| {
                    if i.items.is_empty() {
                        view! { <p class="empty">{i18n.t().inbox_empty}</p> }.into_any()
                    } else {
                        view! {
                            <p role="status">{fill(i18n.t().inbox_unread, &[("n", &crate::fmt::num(u64::from(i.unread), i18n.get()))])}</p>
                            <ul class="session-list" id="inbox">{i.items.into_iter().map(|n| view! { <Item n read/> }).collect_view()}</ul>
                        }
                            .into_any()
                    }
                }
            />
        </div>
    }
}

#[component]
fn Item(n: Notification, read: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let (id, unread) = (n.id.clone(), !n.read);
    let offer = n.offer_id.clone();
    let text = {
        let (service, status, code, offer) = (n.service_name.clone(), n.status.clone(), n.tracking_code.clone(), offer.is_some());
        move || {
            if matches!(status.as_str(), "paid" | "refunded") {
                let template = if status == "paid" { i18n.t().inbox_paid } else { i18n.t().inbox_refunded };
                fill(template, &[("title", service.get(i18n.get()))])
            } else if offer {
                fill(i18n.t().inbox_offer, &[("title", service.get(i18n.get()))])
            } else {
                fill(
                    i18n.t().inbox_item,
                    &[("service", service.get(i18n.get())), ("status", status_label(&status, i18n.t())), ("code", &code)],
                )
            }
        }
    };
    let href = match (&offer, &n.payment_id) {
        (Some(o), _) => format!("/offers/{o}"),
        (None, Some(p)) => format!("/payments/{p}"),
        (None, None) => format!("/requests/{}", n.request_id),
    };
    view! {
        <li class="session-card" class:unread=unread data-status=n.status>
            <p><a href=href>{text}</a></p>
            <p class="hint">{move || crate::fmt::time(&n.created_at, i18n.get())}</p>
            {unread.then(|| view! {
                <button type="button" class="button secondary" on:click=move |_| read.run(id.clone())>{move || i18n.t().inbox_mark_read}</button>
            })}
        </li>
    }
}
