use std::collections::BTreeMap;

use leptos::prelude::*;
use panjere_api::markup::offer::offer_top;
use panjere_api::smart::{Offer, OfferPart};

use crate::api::{self, FetchError};
use crate::components::async_view::AsyncView;
use crate::components::form_field::{FormField, FormState};
use crate::contexts::{painted_resource, signed_in_action};
use crate::fmt::fill;
use crate::i18n::{use_i18n, use_title};
use crate::logic::{accept_values, asked_fields, is_open, part_field, status_label, ReceiptLabels};
use crate::polled::Polled;

/// A proactive offer or automatic delivery: which event, recorded by
/// which agency, started it; what the window read; what it pre-filled; what
/// the citizen chooses. Accepted with one action (one request per service,
/// under one tracking code), or declined; afterwards, each part's request
/// and status (refreshed while any is still on its way).
#[component]
pub fn OfferPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().offer_title().to_owned()));
    view! {
        <OfferLoader/>
    }
}

#[component]
fn OfferLoader() -> impl IntoView {
    let id = crate::params::use_id();
    let offer = painted_resource(move || {
        let id = id();
        async move { api::offer(&id).await }
    });
    view! {
        <div class="wrap narrow">
            // The offer the server painted stays while the app loads it.
            <AsyncView resource=offer shell=true render=move |o| view! { <OfferView o/> }/>
        </div>
    }
}

/// Whether a part's request is still on its way (the offer is then asked
/// again).
fn moving(o: &Offer) -> bool {
    o.parts.iter().any(|p| p.status.as_deref().is_some_and(|s| !panjere_api::requests::is_final(s)))
}

/// The offer as it stands: asked again every 3 s while any part's request
/// is on its way; each part, and each line of the timeline, is redrawn
/// only when it changes (see [`Polled`]).
#[component]
fn OfferView(o: Offer) -> impl IntoView {
    let i18n = use_i18n();
    let id = o.id.clone();
    let offer = Polled::signed_in(
        o,
        std::time::Duration::from_secs(3),
        move || {
            let id = id.clone();
            async move { api::offer(&id).await }
        },
        moving,
    );
    let shown = offer.value();
    // One form for the offer: its fields named `service.field`, as the
    // server names a refused one.
    let state = FormState::new(BTreeMap::new());
    let general = RwSignal::new(None::<String>);
    let accepting = signed_in_action(move |values: &BTreeMap<String, BTreeMap<String, String>>| {
        let (id, values) = (shown.with_untracked(|o| o.id.clone()), values.clone());
        async move { api::accept_offer(&id, values).await }
    });
    let declining = signed_in_action(move |_: &()| {
        let id = shown.with_untracked(|o| o.id.clone());
        async move { api::decline_offer(&id).await }
    });
    Effect::new(move || match accepting.value().get() {
        Some(Ok(_)) => offer.refresh(),
        Some(Err(FetchError::Refused { code, .. })) if code == "conflict" => {
            general.set(Some(i18n.t().offer_closed().to_owned()));
            offer.refresh();
        }
        Some(Err(FetchError::Refused { fields: Some(f), .. })) => {
            state.errors.set(f.read());
            general.set(Some(i18n.t().offer_fix_fields().to_owned()));
        }
        Some(Err(e)) => general.set(Some(e.message(i18n.t()))),
        None => {}
    });
    Effect::new(move || match declining.value().get() {
        Some(Ok(())) => offer.refresh(),
        Some(Err(e)) => general.set(Some(e.message(i18n.t()))),
        None => {}
    });
    let accept = move |_| {
        general.set(None);
        let ok = shown.with_untracked(|o| state.check_all(&asked_fields(o)));
        if ok {
            let typed = state.values.get_untracked();
            accepting.dispatch(shown.with_untracked(|o| accept_values(o, &typed)));
        } else {
            general.set(Some(i18n.t().offer_fix_fields().to_owned()));
        }
    };
    let open = Memo::new(move |_| shown.with(is_open));
    let head = move || {
        shown.with(|o| {
            let date = crate::fmt::date(o.event_at.get(..10).unwrap_or(""), i18n.get());
            offer_top(o, &date, &ReceiptLabels(i18n.t()))
        })
    };
    let services = move || shown.with(|o| o.parts.iter().map(|p| p.service.clone()).collect::<Vec<_>>());
    // Events are only ever added, oldest first: a line is its place and
    // what it says.
    let events = move || shown.with(|o| o.timeline.iter().cloned().enumerate().collect::<Vec<_>>());
    view! {
        <div class="offer-top" inner_html=head></div>
        <ol class="offer-parts" id="offer-parts">
            <For each=services key=String::clone children=move |service| {
                let part = Memo::new(move |_| shown.with(|o| o.parts.iter().find(|p| p.service == service).cloned()));
                move || part.get().map(|p| view! { <Part p state open=open.get()/> })
            }/>
        </ol>
        <Show when=move || shown.with(|o| !o.timeline.is_empty())>
            <h2>{move || i18n.t().offer_timeline()}</h2>
            <ol class="timeline" id="bundle-timeline">
                <For each=events key=|(i, e)| (*i, e.status.clone(), e.at.clone()) children=move |(_, e)| {
                    let st = e.status.clone();
                    view! {
                        <li data-status=e.status>
                            <strong>{move || e.service_name.get(i18n.get()).to_owned()}</strong>
                            " · "
                            {move || status_label(&st, i18n.t())}
                            " · "
                            <span>{move || crate::fmt::time(&e.at, i18n.get())}</span>
                        </li>
                    }
                }/>
            </ol>
        </Show>
        <Show when=move || general.with(Option::is_some)>
            <p class="error" role="alert" id="offer-error">{move || general.get().unwrap_or_default()}</p>
        </Show>
        <Show when=move || open.get()>
            <p class="hint">
                {move || shown.with(|o| fill(i18n.t().offer_expires(), &[("date", &crate::fmt::date(o.expires_at.get(..10).unwrap_or(""), i18n.get()))]))}
            </p>
            <div class="button-row">
                <button type="button" class="button" id="accept-offer" on:click=accept disabled=move || accepting.pending().get()>
                    {move || i18n.t().offer_accept()}
                </button>
                <button type="button" class="button secondary" id="decline-offer" on:click=move |_| { declining.dispatch(()); }
                    disabled=move || declining.pending().get()>
                    {move || i18n.t().offer_decline()}
                </button>
            </div>
        </Show>
        <p class="hint"><a href="/me#proactive" id="offer-opt-out">{move || i18n.t().offer_opt_out_hint()}</a></p>
    }
}

/// One service of the offer: pre-filled values with their source, the
/// fields to choose while open, the request once made.
#[component]
fn Part(p: OfferPart, state: FormState, open: bool) -> impl IntoView {
    let i18n = use_i18n();
    let (name, agency) = (p.service_name.clone(), p.agency_name.clone());
    let request = p.request_id.clone().zip(p.tracking_code.clone());
    let status = p.status.clone();
    view! {
        <li class="panel offer-part" data-service=p.service>
            <h2>{move || name.get(i18n.get()).to_owned()}</h2>
            <p class="hint">{move || agency.get(i18n.get()).to_owned()}</p>
            <dl class="summary-list">
                {p.prefilled.into_iter().map(|f| view! {
                    <div class="summary-row">
                        <dt>{move || f.label.get(i18n.get()).to_owned()}</dt>
                        <dd>
                            {move || f.value.get(i18n.get()).to_owned()}
                            <span class="hint">{move || fill(i18n.t().offer_from(), &[("agency", f.source_name.get(i18n.get()))])}</span>
                        </dd>
                    </div>
                }).collect_view()}
            </dl>
            {open.then(|| {
                let service = p.service.clone();
                p.ask.iter().map(|f| view! { <FormField field=part_field(&service, f) state/> }).collect_view()
            })}
            {request.map(|(id, code)| {
                let st = status.clone().unwrap_or_default();
                let (class, data, label) = (format!("badge req-{st}"), st.clone(), st);
                view! {
                    <p class="offer-request">
                        <a href=format!("/requests/{id}")>{move || i18n.t().request_tracking_code()}" "<span dir="ltr">{code}</span></a>
                        " · "
                        <span class=class data-part-status=data>{move || status_label(&label, i18n.t())}</span>
                    </p>
                }
            })}
        </li>
    }
}
