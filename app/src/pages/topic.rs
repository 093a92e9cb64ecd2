use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{self, FetchError};
use crate::components::async_view::AsyncView;
use crate::components::breadcrumbs::Breadcrumbs;
use crate::components::pager::Pager;
use crate::components::service_list::{ResultsCount, ServiceList};
use crate::fetched::Fetched;
use crate::i18n::{use_i18n, use_title};
use crate::logic::ServiceFilter;

/// A category (`/categories/:id`) or a life event (`/life-events/:id`) with
/// its services. The topic and its services are read together and shown
/// at once: on a direct visit the server has painted both
/// (`Paint::Topic`), which stay on screen until then.
#[component]
pub fn TopicPage(event: bool) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let id = crate::params::use_id();
    let filter = Memo::new(move |_| {
        let page = ServiceFilter::from_query(|k| query.read().get(k)).page;
        let id = Some(id());
        if event {
            ServiceFilter { event: id, page, ..Default::default() }
        } else {
            ServiceFilter { category: id, page, ..Default::default() }
        }
    });
    let topic = Fetched::new(move || {
        let (id, f) = (id(), filter.get());
        async move {
            let topic = async {
                let c = api::categories().await?;
                let found = if event {
                    c.life_events.into_iter().find(|e| e.id == id).map(|e| (e.name, e.description))
                } else {
                    c.items.into_iter().find(|e| e.id == id).map(|e| (e.name, e.description))
                };
                found.ok_or(FetchError::NotFound { request_id: None })
            };
            let ((name, description), page) = futures_util::future::try_join(topic, api::services(&f)).await?;
            Ok((name, description, page))
        }
    });
    use_title(move || topic.get().and_then(Result::ok).map(|(n, _, _)| n.get(i18n.get()).to_owned()));
    let path = move || format!("/{}/{}", if event { "life-events" } else { "categories" }, id());
    view! {
        <div class="wrap">
            <AsyncView resource=topic shell=true render=move |(name, description, page)| {
                let trail = {
                    let name = name.clone();
                    Signal::derive(move || {
                        let label = if event { i18n.t().topic_event() } else { i18n.t().topic_category() };
                        vec![(format!("{label}: {}", name.get(i18n.get())), String::new())]
                    })
                };
                let total = page.total;
                view! {
                    <Breadcrumbs trail/>
                    <h1>{move || name.get(i18n.get()).to_owned()}</h1>
                    <p class="lead">{move || description.get(i18n.get()).to_owned()}</p>
                    <ResultsCount total/>
                    <ServiceList items=page.items/>
                    <Pager filter=filter.get_untracked() total path=path()/>
                }
            }/>
        </div>
    }
}
