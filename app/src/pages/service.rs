use leptos::prelude::*;
use panjere_api::Text;

use crate::api::{self, ServiceOverview};
use crate::components::async_view::AsyncView;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::later::Later;
use crate::components::level_badge::LevelBadge;
use crate::fetched::Fetched;
use crate::fmt::{fill, num};
use crate::i18n::{use_i18n, use_title};
use crate::logic::{audience_label, fee_text, how_step_text, how_to_steps, kind_label, time_text};

/// A service: what it is, who may use it, documents (marking those the
/// window fetches itself), fee, time, electronic level and how to use it.
#[component]
pub fn ServicePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::params::use_id();

    let service = Fetched::new(move || {
        let id = id();
        async move { api::service_overview(&id).await }
    });
    use_title(move || service.get().and_then(Result::ok).map(|s| s.name.get(i18n.get()).to_owned()));
    view! {
        <div class="wrap">
            <AsyncView resource=service shell=true render=|s| view! { <ServiceDetail s/> }/>
        </div>
    }
}

/// The body of a service page once loaded.
#[component]
fn ServiceDetail(s: ServiceOverview) -> impl IntoView {
    let i18n = use_i18n();
    let tr = move |t: &Text| {
        let t = t.clone();
        move || t.get(i18n.get()).to_owned()
    };
    let trail = {
        let (cat, cat_id, name) = (s.category_name.clone(), s.category.clone(), s.name.clone());
        Signal::derive(move || {
            let lang = i18n.get();
            vec![(cat.get(lang).to_owned(), format!("/categories/{cat_id}")), (name.get(lang).to_owned(), String::new())]
        })
    };
    let agency_href = format!("/agencies/{}", s.agency);
    let (kind, audience, fee, days, level) = (s.kind, s.audience, s.fee, s.processing_days, s.level);
    let more = s.clone();
    view! {
        <Breadcrumbs trail/>
        <article class="service">
            <h1>{tr(&s.name)}</h1>
            <p class="meta">
                <a href=agency_href.clone()>{tr(&s.agency_name)}</a>
                <span class="badge kind">{move || kind_label(kind, i18n.t())}</span>
                <LevelBadge level/>
            </p>
            <section aria-labelledby="what-h">
                <h2 id="what-h">{move || i18n.t().service_what()}</h2>
                <p class="lead">{tr(&s.summary)}</p>
                {s.content.iter().map(|p| view! { <p class="content">{tr(p)}</p> }).collect_view()}
            </section>
            {(!s.related.is_empty()).then(|| view! {
                <section aria-labelledby="related-h">
                    <h2 id="related-h">{move || i18n.t().service_related()}</h2>
                    <ul class="related" id="related-services">
                        {s.related.iter().map(|r| view! { <li><a href=format!("/services/{}", r.id)>{tr(&r.name)}</a></li> }).collect_view()}
                    </ul>
                </section>
            })}
            {s.form.is_some().then(|| {
                let href = format!("/services/{}/use", s.id);
                view! {
                    <p class="start">
                        <a class="button start" id="use-service" href=href>
                            {move || if kind == panjere_api::ServiceKind::Inquiry { i18n.t().service_start_inquiry() } else { i18n.t().service_start_application() }}
                        </a>
                    </p>
                    <p class="hint">{move || i18n.t().service_start_sign_in()}</p>
                }
            })}
            <section aria-labelledby="facts-h">
                <h2 id="facts-h">{move || i18n.t().service_facts()}</h2>
                <dl class="facts">
                    <div><dt>{move || i18n.t().service_agency()}</dt><dd><a href=agency_href>{tr(&s.agency_name)}</a></dd></div>
                    <div><dt>{move || i18n.t().service_kind()}</dt><dd>{move || kind_label(kind, i18n.t())}</dd></div>
                    <div><dt>{move || i18n.t().service_who()}</dt><dd>{move || audience_label(audience, i18n.t())}</dd></div>
                    <div><dt>{move || i18n.t().service_fee()}</dt><dd>{move || fee_text(fee, i18n.get(), i18n.t())}</dd></div>
                    <div><dt>{move || i18n.t().service_time()}</dt><dd>{move || time_text(days, i18n.get(), i18n.t())}</dd></div>
                    <div><dt>{move || i18n.t().service_level()}</dt><dd><LevelBadge level/></dd></div>
                    <div><dt>{move || i18n.t().service_topic()}</dt><dd><a href=format!("/categories/{}", s.category)>{tr(&s.category_name)}</a></dd></div>
                </dl>
            </section>
            // Below the fold: built just after the part above it.
            <Later>
                <ServiceMore s=more.clone()/>
            </Later>
        </article>
    }
}

/// The lower part of a service page: documents, how to use it, life events.
#[component]
fn ServiceMore(s: ServiceOverview) -> impl IntoView {
    let i18n = use_i18n();
    let fetched = s.documents.iter().filter(|d| d.fetched_from.is_some()).count();
    let steps = how_to_steps(&s);
    let agency_name = s.agency_name.clone();
    let own_steps = s.how_to.clone();
    let documents = s.documents;
    let events = s.life_events;
    view! {
        <section aria-labelledby="docs-h">
            <h2 id="docs-h">{move || i18n.t().service_documents()}</h2>
            {(fetched > 0).then(|| view! {
                <p class="notice notice-info">{move || fill(i18n.t().service_fetched_summary(), &[("n", &num(fetched as u64, i18n.get()))])}</p>
            })}
            {if documents.is_empty() {
                view! { <p>{move || i18n.t().service_no_documents()}</p> }.into_any()
            } else {
                view! {
                    <ul class="documents">
                        {documents.into_iter().map(|d| {
                            let name = d.name.clone();
                            let from = d.fetched_from_name.clone();
                            let carried = d.carried_from_name.clone();
                            let class = if d.fetched_from.is_some() { "doc fetched" } else { "doc" };
                            view! {
                                <li class=class>
                                    <span class="doc-name">{move || name.get(i18n.get()).to_owned()}</span>
                                    <span class="doc-note">
                                        {move || match &from {
                                            Some(a) => fill(i18n.t().service_fetched(), &[("agency", a.get(i18n.get()))]),
                                            None => match &carried {
                                                Some(a) => fill(i18n.t().service_bring_from(), &[("agency", a.get(i18n.get()))]),
                                                None => i18n.t().service_bring().to_owned(),
                                            },
                                        }}
                                    </span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section aria-labelledby="how-h">
            <h2 id="how-h">{move || i18n.t().service_how()}</h2>
            <ol class="steps">
                {move || {
                    let lang = i18n.get();
                    if own_steps.is_empty() {
                        steps.iter().map(|st| view! { <li>{how_step_text(*st, agency_name.get(lang), i18n.t())}</li> }).collect_view().into_any()
                    } else {
                        own_steps.iter().map(|st| view! { <li>{st.get(lang).to_owned()}</li> }).collect_view().into_any()
                    }
                }}
            </ol>
        </section>
        {(!events.is_empty()).then(|| view! {
            <section aria-labelledby="events-h">
                <h2 id="events-h">{move || i18n.t().service_events()}</h2>
                <EventLinks ids=events/>
            </section>
        })}
    }
}

/// Links to the life events a service belongs to, named from the catalog.
#[component]
fn EventLinks(ids: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let topics = Fetched::new(api::categories);
    let ids = StoredValue::new(ids);
    move || {
        let events = topics.get().and_then(Result::ok).map(|c| c.life_events).unwrap_or_default();
        let lang = i18n.get();
        view! {
            <ul class="chips">
                {ids.get_value().into_iter().map(|id| {
                    let name = events.iter().find(|e| e.id == id).map(|e| e.name.get(lang).to_owned()).unwrap_or_else(|| id.clone());
                    view! { <li><a class="chip" href=format!("/life-events/{id}")>{name}</a></li> }
                }).collect_view()}
            </ul>
        }
    }
}
