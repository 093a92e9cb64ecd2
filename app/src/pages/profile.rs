use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use panjere_api::auth::Profile;
use panjere_api::markup::profile;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::components::proactive_choices::ProactiveChoicesPanel;
use crate::contexts::{painted_resource, use_auth};
use crate::i18n::{use_i18n, use_title};
use crate::logic::ReceiptLabels;

/// "My profile": the person as the civil registry has them, fetched by the
/// window (the citizen never types it), and the verified mobile.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().profile_title().to_owned()));
    view! {
        <ProfileContent/>
    }
}

#[component]
fn ProfileContent() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let profile = painted_resource(api::profile);
    let navigate = use_navigate();
    // Signed out here only once the server has: until then (and if it
    // cannot be reached) the citizen stays, is told, and may try again.
    let signing_out = Action::new_local(|_: &()| api::sign_out());
    Effect::new(move || {
        if let Some(Ok(())) = signing_out.value().get() {
            auth.signed_out_by_citizen(&navigate);
        }
    });
    let failed = move || signing_out.value().get().and_then(Result::err);
    let sign_out = move |_| {
        if !signing_out.pending().get_untracked() {
            signing_out.dispatch(());
        }
    };
    view! {
        <div class="wrap narrow">
            <h1>{move || i18n.t().profile_title()}</h1>
            // The profile the server painted stays while the app loads it.
            <AsyncView resource=profile part=".profile-details" render=|p| view! { <ProfileDetails p/> }/>
            // Below the profile once it has come (or failed): shown before,
            // the profile arriving above would push them down the page.
            <Show when=move || profile.get().is_some()>
                <ProactiveChoicesPanel/>
                <div role="alert">
                    {move || failed().map(|e| view! {
                        <div class="notice notice-error" id="sign-out-failed">
                            <p>{i18n.t().sign_out_failed()}</p>
                            <p>{e.message(i18n.t())}</p>
                        </div>
                    })}
                </div>
                <div class="button-row">
                    <a class="button secondary" href="/me/sessions">{move || i18n.t().sessions_title()}</a>
                    <a class="button secondary" href="/me/data-use">{move || i18n.t().profile_data_use()}</a>
                    <a class="button secondary" href="/requests">{move || i18n.t().requests_title()}</a>
                    <button type="button" class="button secondary" id="sign-out" on:click=sign_out aria-disabled=move || signing_out.pending().get().to_string()>{move || i18n.t().sign_out()}</button>
                </div>
            </Show>
        </div>
    }
}

/// The person and the verified mobile: `panjere_api::markup::profile`'s,
/// the markup the server paints them with before the app arrives.
#[component]
fn ProfileDetails(p: Profile) -> impl IntoView {
    let i18n = use_i18n();
    view! { <div class="profile-details" inner_html=move || profile::profile(&p, &crate::fmt::date(&p.birth_date, i18n.get()), &ReceiptLabels(i18n.t()))></div> }
}
