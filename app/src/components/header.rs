use leptos::prelude::*;
use panjere_api::Lang;

use crate::contexts::{use_auth, AuthStatus};
use crate::i18n::use_i18n;

/// The site header: brand, main navigation and the language switch.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    // The unread count follows sign-in and every navigation.
    let location = leptos_router::hooks::use_location();
    Effect::new(move || {
        let _ = location.pathname.get();
        if matches!(auth.status.get(), AuthStatus::SignedIn(_)) {
            leptos::task::spawn_local(async move {
                if let Ok(n) = crate::api::unread().await {
                    auth.unread.set(n);
                }
            });
        }
    });
    let other = move || match i18n.get() {
        Lang::Fa => Lang::En,
        Lang::En => Lang::Fa,
    };
    view! {
        <header class="site-header">
            <div class="wrap header-row">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"▦"</span>
                    <span class="brand-text">
                        <span class="brand-short">{move || i18n.t().site_short()}</span>
                        <span class="brand-long">{move || i18n.t().site_name()}</span>
                    </span>
                </a>
                {move || match auth.status.get() {
                    AuthStatus::SignedIn(me) => {
                        let name = move || match i18n.get() {
                            Lang::Fa => format!("{} {}", me.first_name, me.last_name),
                            Lang::En => format!("{} {}", me.first_name_en, me.last_name_en),
                        };
                        view! {
                            <a class="account-link" href="/me">
                                <span class="visually-hidden">{move || i18n.t().account_label()}</span>
                                {name}
                            </a>
                        }
                            .into_any()
                    }
                    AuthStatus::SignedOut => view! { <a class="account-link" href="/sign-in">{move || i18n.t().sign_in()}</a> }.into_any(),
                    AuthStatus::Checking => ().into_any(),
                }}
                <button
                    type="button"
                    class="lang-switch"
                    lang=move || other().code()
                    aria-label=move || i18n.t().switch_language_label()
                    on:click=move |_| i18n.set(other())
                >
                    {move || i18n.t().switch_language()}
                </button>
            </div>
            <nav class="wrap main-nav" aria-label=move || i18n.t().nav_label()>
                <a href="/">{move || i18n.t().nav_home()}</a>
                <a href="/services">{move || i18n.t().nav_services()}</a>
                <a href="/agencies">{move || i18n.t().nav_agencies()}</a>
                {move || matches!(auth.status.get(), AuthStatus::SignedIn(_)).then(|| view! {
                    <a href="/requests">{move || i18n.t().nav_requests()}</a>
                    <a href="/inbox" id="nav-inbox">
                        {move || match auth.unread.get() {
                            0 => i18n.t().nav_inbox().to_owned(),
                            n => crate::fmt::fill(i18n.t().nav_inbox_unread(), &[("n", &crate::fmt::num(u64::from(n), i18n.get()))]),
                        }}
                    </a>
                })}
            </nav>
        </header>
    }
}
