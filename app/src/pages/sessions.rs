use leptos::prelude::*;
use panjere_api::auth::{SessionItem, Sessions};

use crate::api;
use crate::components::async_view::AsyncView;
use crate::contexts::{signed_in_action, signed_in_resource};
use crate::fmt::{fill, num};
use crate::i18n::{use_i18n, use_title};

/// "My sessions": where the citizen is signed in, with "sign out this one"
/// and "sign out all others".
#[component]
pub fn SessionsPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().sessions_title().to_owned()));
    view! {
        <SessionsContent/>
    }
}

#[component]
fn SessionsContent() -> impl IntoView {
    let i18n = use_i18n();
    let list = signed_in_resource(api::sessions);
    // Sign out one session (`Some(id)`) or all the others (`None`); the
    // outcome of the last one is announced.
    let sign_out = signed_in_action(|id: &Option<String>| {
        let id = id.clone();
        async move {
            match id {
                Some(id) => api::end_session(id).await,
                None => api::sign_out_others().await,
            }
            .map(|s| s.count)
        }
    });
    let outcome = sign_out.value();
    Effect::new(move || {
        if sign_out.version().get() > 0 {
            list.refetch();
        }
    });
    let act = Callback::new(move |id: Option<String>| {
        sign_out.dispatch(id);
    });
    view! {
        <div class="wrap narrow">
            <p class="breadcrumb-back"><a href="/me">{move || i18n.t().profile_title()}</a></p>
            <h1>{move || i18n.t().sessions_title()}</h1>
            <p class="lead">{move || i18n.t().sessions_lead()}</p>
            <div role="status" class="sessions-outcome">
                {move || {
                    outcome
                        .get()
                        .map(|o| match o {
                            Ok(n) => {
                                let text = fill(i18n.t().sessions_signed_out(), &[("n", &num(u64::from(n), i18n.get()))]);
                                view! { <div class="notice notice-success"><p>{text}</p></div> }.into_any()
                            }
                            Err(e) => view! { <div class="notice notice-error"><p>{e.message(i18n.t())}</p></div> }.into_any(),
                        })
                }}
            </div>
            <AsyncView resource=list render=move |s| view! { <SessionList s act/> }/>
        </div>
    }
}

#[component]
fn SessionList(s: Sessions, act: Callback<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let others = s.items.iter().filter(|i| !i.current).count();
    let items = s.items.into_iter().map(|item| view! { <SessionCard item act/> }).collect_view();
    view! {
        <ul class="session-list">{items}</ul>
        {(others > 0)
            .then(|| {
                view! {
                    <button type="button" class="button warning" id="sign-out-others" on:click=move |_| act.run(None)>
                        {move || i18n.t().sessions_sign_out_others()}
                    </button>
                }
            })}
    }
}

#[component]
fn SessionCard(item: SessionItem, act: Callback<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let SessionItem { id, device, started_at, last_seen, current } = item;
    let device = if device == "?" { None } else { Some(device) };
    view! {
        <li class="session-card" class:current=current data-current=current.to_string()>
            <h2 class="session-device">
                {move || device.clone().unwrap_or_else(|| i18n.t().sessions_unknown_device().to_owned())}
                {current.then(|| view! { <span class="badge">{move || i18n.t().sessions_this_device()}</span> })}
            </h2>
            <p>{move || fill(i18n.t().sessions_started(), &[("time", &crate::fmt::time(&started_at, i18n.get()))])}</p>
            <p>{move || fill(i18n.t().sessions_last_seen(), &[("time", &crate::fmt::time(&last_seen, i18n.get()))])}</p>
            {(!current)
                .then(|| {
                    view! {
                        <button type="button" class="button secondary" on:click=move |_| act.run(Some(id.clone()))>
                            {move || i18n.t().sessions_sign_out_this()}
                        </button>
                    }
                })}
        </li>
    }
}
