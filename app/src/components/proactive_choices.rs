use leptos::prelude::*;
use panjere_api::smart::{ProactiveChoices, ProactivePrefs};

use crate::api;
use crate::components::async_view::AsyncView;
use crate::contexts::{signed_in_action, signed_in_resource};
use crate::i18n::use_i18n;

/// The citizen's choices about proactive offers (in the profile): off
/// altogether, or per service; honoured for every event from then on.
#[component]
pub fn ProactiveChoicesPanel() -> impl IntoView {
    let i18n = use_i18n();
    let choices = signed_in_resource(api::proactive);
    view! {
        <section class="panel" id="proactive" aria-labelledby="proactive-title">
            <h2 id="proactive-title">{move || i18n.t().proactive_title()}</h2>
            <p>{move || i18n.t().proactive_lead()}</p>
            <AsyncView resource=choices render=move |c| view! { <ChoicesForm c/> }/>
        </section>
    }
}

#[component]
fn ChoicesForm(c: ProactiveChoices) -> impl IntoView {
    let i18n = use_i18n();
    let all_off = RwSignal::new(c.all_off);
    let off: Vec<(String, RwSignal<bool>)> = c.services.iter().map(|s| (s.service.clone(), RwSignal::new(s.off))).collect();
    let off = StoredValue::new(off);
    let saved = RwSignal::new(None::<String>);
    let saving = signed_in_action(|p: &ProactivePrefs| {
        let p = p.clone();
        async move { api::set_proactive(p).await }
    });
    Effect::new(move || match saving.value().get() {
        Some(Ok(_)) => saved.set(Some(i18n.t().proactive_saved().to_owned())),
        Some(Err(e)) => saved.set(Some(e.message(i18n.t()))),
        None => {}
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let services_off = off.with_value(|o| o.iter().filter(|(_, s)| s.get_untracked()).map(|(id, _)| id.clone()).collect());
        saving.dispatch(ProactivePrefs { all_off: all_off.get_untracked(), services_off });
    };
    view! {
        <form on:submit=save id="proactive-form">
            <div class="checkbox">
                <input type="checkbox" id="proactive-all-off" prop:checked=move || all_off.get()
                    on:change=move |ev| all_off.set(event_target_checked(&ev))/>
                <label for="proactive-all-off">{move || i18n.t().proactive_all_off()}</label>
            </div>
            <fieldset disabled=move || all_off.get()>
                <legend>{move || i18n.t().proactive_per_service()}</legend>
                {c.services.into_iter().map(|s| {
                    let signal = off.with_value(|o| o.iter().find(|(id, _)| *id == s.service).map(|(_, v)| *v)).unwrap_or_else(|| RwSignal::new(false));
                    let id = format!("proactive-{}", s.service);
                    let (name, event) = (s.service_name, s.event_name);
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=id.clone() prop:checked=move || signal.get()
                                on:change=move |ev| signal.set(event_target_checked(&ev))/>
                            <label for=id>
                                {move || crate::fmt::fill(i18n.t().proactive_service_off(), &[("service", name.get(i18n.get())), ("event", event.get(i18n.get()))])}
                            </label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="button secondary" disabled=move || saving.pending().get()>{move || i18n.t().proactive_save()}</button>
            <p role="status">{move || saved.get().unwrap_or_default()}</p>
        </form>
    }
}
