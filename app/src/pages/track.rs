use leptos::prelude::*;
use panjere_api::requests::TrackAnswer;

use crate::api;
use crate::i18n::{use_i18n, use_title};
use crate::logic::status_label;

/// Public "track by code": status only, for a tracking code and the
/// applicant's national code.
#[component]
pub fn TrackPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().track_title().to_owned()));
    let code = RwSignal::new(String::new());
    let national_code = RwSignal::new(String::new());
    let lookup = Action::new_local(|(c, n): &(String, String)| {
        let (c, n) = (c.clone(), n.clone());
        async move { api::track(&c, &n).await }
    });
    // What the form itself refused, before asking.
    let refused = RwSignal::new(None::<String>);
    let answer = move || -> Option<Result<TrackAnswer, String>> {
        if let Some(e) = refused.get() {
            return Some(Err(e));
        }
        lookup.value().get().map(|r| {
            r.map_err(|e| match e {
                crate::api::FetchError::NotFound { .. } => i18n.t().track_not_found().to_owned(),
                e => e.message(i18n.t()),
            })
        })
    };
    let look = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (c, n) = (code.get_untracked(), national_code.get_untracked());
        if panjere_api::tracking::parse(&c).is_none() {
            refused.set(Some(i18n.t().track_bad_code().to_owned()));
            return;
        }
        if panjere_api::ids::national_code(&n).is_err() {
            refused.set(Some(i18n.t().err_national_code_check_digit().to_owned()));
            return;
        }
        refused.set(None);
        lookup.dispatch((c, n));
    };
    view! {
        <div class="wrap narrow">
            <h1>{move || i18n.t().track_title()}</h1>
            <p class="lead">{move || i18n.t().track_lead()}</p>
            <form class="form" novalidate on:submit=look>
                <div class="field">
                    <label for="track-code">{move || i18n.t().track_code()}</label>
                    <p class="hint" id="track-code-hint">{move || i18n.t().track_code_hint()}</p>
                    <input id="track-code" dir="ltr" autocomplete="off" aria-describedby="track-code-hint" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="track-national-code">{move || i18n.t().sign_in_national_code()}</label>
                    <input id="track-national-code" dir="ltr" inputmode="numeric" autocomplete="off" prop:value=move || national_code.get() on:input=move |ev| national_code.set(event_target_value(&ev))/>
                </div>
                <button type="submit" class="button">{move || i18n.t().track_look()}</button>
            </form>
            <div aria-live="polite">
                {move || answer().map(|a| match a {
                    Ok(t) => {
                        let status = t.status.clone();
                        view! {
                            <section class="answer">
                                <h2>{t.service_name.get(i18n.get()).to_owned()}</h2>
                                <p><span class=format!("badge req-{}", t.status) id="track-status">{status_label(&status, i18n.t())}</span></p>
                                <ol class="timeline">{t.timeline.into_iter().map(|e| view! { <li>{status_label(&e.status, i18n.t())}" · "{crate::fmt::time(&e.at, i18n.get())}</li> }).collect_view()}</ol>
                            </section>
                        }.into_any()
                    }
                    Err(m) => view! { <div class="notice notice-error" role="alert"><p>{m}</p></div> }.into_any(),
                })}
            </div>
        </div>
    }
}
