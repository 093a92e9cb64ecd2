use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use panjere_api::auth::Profile;
use panjere_api::Lang;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::components::proactive_choices::ProactiveChoicesPanel;
use crate::contexts::{signed_in_resource, use_auth};
use crate::fmt::digits;
use crate::fmt::fill;
use crate::i18n::{use_i18n, use_title};

/// "My profile": the person as the civil registry has them, fetched by the
/// window (the citizen never types it), and the verified mobile.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().profile_title.to_owned()));
    view! {
        <ProfileContent/>
    }
}

#[component]
fn ProfileContent() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let profile = signed_in_resource(api::profile);
    let navigate = use_navigate();
    let signing_out = Action::new_local(|_: &()| api::sign_out());
    Effect::new(move || {
        if signing_out.version().get() > 0 {
            navigate("/sign-in?reason=signed-out", Default::default());
        }
    });
    let sign_out = move |_| {
        auth.signed_out_to("/sign-in?reason=signed-out".to_owned());
        signing_out.dispatch(());
    };
    view! {
        <div class="wrap narrow">
            <h1>{move || i18n.t().profile_title}</h1>
            <AsyncView resource=profile render=|p| view! { <ProfileDetails p/> }/>
            // Below the profile once it has come (or failed): shown before,
            // the profile arriving above would push them down the page.
            <Show when=move || profile.get().is_some()>
                <ProactiveChoicesPanel/>
                <div class="button-row">
                    <a class="button secondary" href="/me/sessions">{move || i18n.t().sessions_title}</a>
                    <a class="button secondary" href="/me/data-use">{move || i18n.t().profile_data_use}</a>
                    <a class="button secondary" href="/requests">{move || i18n.t().requests_title}</a>
                    <button type="button" class="button secondary" id="sign-out" on:click=sign_out>{move || i18n.t().sign_out}</button>
                </div>
            </Show>
        </div>
    }
}

#[component]
fn ProfileDetails(p: Profile) -> impl IntoView {
    let i18n = use_i18n();
    let p = StoredValue::new(p);
    let row = move |label: fn(&'static crate::i18n::Strings) -> &'static str, value: Box<dyn Fn() -> String + Send + Sync>| {
        view! {
            <div class="summary-row">
                <dt>{move || label(i18n.t())}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    let name = move || {
        p.with_value(|p| match i18n.get() {
            Lang::Fa => format!("{} {}", p.first_name, p.last_name),
            Lang::En => format!("{} {}", p.first_name_en, p.last_name_en),
        })
    };
    view! {
        <dl class="summary-list" id="profile">
            {row(|t| t.profile_name, Box::new(name))}
            {row(|t| t.profile_father_name, Box::new(move || p.with_value(|p| p.father_name.clone())))}
            {row(|t| t.profile_national_code, Box::new(move || digits(&p.with_value(|p| p.national_code.clone()), i18n.get())))}
            {row(|t| t.profile_birth_date, Box::new(move || crate::fmt::date(&p.with_value(|p| p.birth_date.clone()), i18n.get())))}
            {row(
                |t| t.profile_gender,
                Box::new(move || {
                    let t = i18n.t();
                    if p.with_value(|p| p.gender == "female") { t.gender_female.to_owned() } else { t.gender_male.to_owned() }
                }),
            )}
            {row(
                |t| t.profile_certificate,
                Box::new(move || {
                    let (serial, place) = p.with_value(|p| (p.certificate_serial.clone(), p.certificate_place.clone()));
                    fill(i18n.t().profile_certificate_value, &[("serial", &digits(&serial, i18n.get())), ("place", &place)])
                }),
            )}
            {row(|t| t.profile_mobile, Box::new(move || digits(&p.with_value(|p| p.mobile.clone()), i18n.get())))}
        </dl>
        <p class="hint">
            {move || {
                let (agency, at) = p.with_value(|p| (p.source_agency.get(i18n.get()).to_owned(), p.fetched_at.clone()));
                fill(i18n.t().profile_source, &[("agency", &agency), ("time", &crate::fmt::time(&at, i18n.get()))])
            }}
        </p>
    }
}
