use leptos::prelude::*;
use panjere_api::AgencyDetail;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::service_list::ServiceList;
use crate::fetched::Fetched;
use crate::fmt::{date, fill, num};
use crate::i18n::{use_i18n, use_title};
use crate::logic::{agency_kind_label, stage_label};

/// An agency: what it does, its connection to the window and its services.
#[component]
pub fn AgencyPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::params::use_id();
    let agency = Fetched::new(move || {
        let id = id();
        async move { api::agency(&id).await }
    });
    use_title(move || agency.get().and_then(Result::ok).map(|a| a.agency.name.get(i18n.get()).to_owned()));
    view! {
        <div class="wrap">
            <AsyncView resource=agency shell=true render=|detail| view! { <AgencyDetailView detail/> }/>
        </div>
    }
}

#[component]
fn AgencyDetailView(detail: AgencyDetail) -> impl IntoView {
    let i18n = use_i18n();
    let a = detail.agency;
    let name = a.name.clone();
    let trail = {
        let name = name.clone();
        Signal::derive(move || {
            vec![(i18n.t().agencies_title().to_owned(), "/agencies".to_owned()), (name.get(i18n.get()).to_owned(), String::new())]
        })
    };
    let (kind, connected, stage, on) = (a.kind, a.connected, a.stage, a.connected_on.clone());
    let desc = a.description.clone();
    let short = a.short_name.clone();
    let website = a.website;
    view! {
        <Breadcrumbs trail/>
        <h1>{move || name.get(i18n.get()).to_owned()}</h1>
        {short.map(|s| view! { <p class="subtitle">{move || s.get(i18n.get()).to_owned()}</p> })}
        <p class="lead">{move || desc.get(i18n.get()).to_owned()}</p>
        <dl class="facts">
            <div><dt>{move || i18n.t().agency_kind()}</dt><dd>{move || agency_kind_label(kind, i18n.t())}</dd></div>
            <div>
                <dt>{move || i18n.t().agency_connected()}</dt>
                <dd>
                    {move || match (connected, &on) {
                        (true, Some(iso)) => view! { <span class="badge ok">{fill(i18n.t().agency_connected_on(), &[("date", &date(iso, i18n.get()))])}</span> }.into_any(),
                        _ => view! { <span class="badge warn">{i18n.t().agency_not_connected()}</span> }.into_any(),
                    }}
                </dd>
            </div>
            {connected.then(|| view! {
                <div>
                    <dt>{move || i18n.t().agency_stage_label()}</dt>
                    <dd>
                        {move || fill(i18n.t().agency_stage(), &[("n", &num(u64::from(stage), i18n.get())), ("name", stage_label(stage, i18n.t()))])}
                        " "
                        <a href="/dashboard">{move || i18n.t().agency_stage_how()}</a>
                    </dd>
                </div>
            })}
            {website.map(|w| {
                let text = w.clone();
                view! {
                    <div><dt>{move || i18n.t().agency_website()}</dt><dd><a href=w rel="external noopener" dir="ltr">{text}</a></dd></div>
                }
            })}
        </dl>
        <h2>{move || i18n.t().agency_services_title()}</h2>
        <ServiceList items=detail.services/>
    }
}
