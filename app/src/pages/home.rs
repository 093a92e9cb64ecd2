use leptos::prelude::*;
use panjere_api::Categories;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::components::later::Later;
use crate::components::search_box::SearchBox;
use crate::components::service_list::ServiceList;
use crate::fetched::Fetched;
use crate::fmt::{fill, num};
use crate::i18n::{use_i18n, use_title};
use crate::logic::ServiceFilter;

/// How many of the most used services the home page shows.
const POPULAR: usize = 8;

/// Home: search with suggestions, most used services, topics, life events.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(|| None);
    // Both at once: one round trip on a slow network, not two.
    let popular = Fetched::new(|| async {
        let first_page = ServiceFilter { page: 1, ..Default::default() };
        futures_util::future::try_join(api::services(&first_page), api::agency_count()).await
    });
    let topics = Fetched::new(api::categories);
    view! {
        <section class="hero">
            <div class="wrap">
                <h1>{move || i18n.t().home_title()}</h1>
                <p class="lead">
                    // The same sentence as index.html's shell until the
                    // counts arrive: the hero keeps its height (no layout
                    // shift). The sentence with counts is a new element, not
                    // the same text changed: the browser counts a text whose
                    // lines end a pixel elsewhere as moved.
                    {move || match popular.get().and_then(Result::ok) {
                        Some((s, a)) => {
                            let lang = i18n.get();
                            let counts = fill(i18n.t().home_lead(), &[("services", &num(s.total as u64, lang)), ("agencies", &num(a as u64, lang))]);
                            view! { <span>{counts}</span> }.into_any()
                        }
                        None => i18n.t().home_lead_loading().into_any(),
                    }}
                </p>
                <SearchBox id="home-search"/>
            </div>
        </section>
        // Below the hero: built in a task of its own, after it.
        <Later>
            <div class="wrap">
                <section aria-labelledby="popular-h">
                    <h2 id="popular-h">{move || i18n.t().popular_title()}</h2>
                    // Holds a screen's height while loading, so what follows
                    // starts below the fold and is not pushed down in view.
                    <div class="reserve">
                        <AsyncView resource=popular render=|(page, _)| view! { <ServiceList items=page.items.into_iter().take(POPULAR).collect()/> }/>
                    </div>
                    <p><a class="more" href="/services">{move || i18n.t().all_services_link()}</a></p>
                </section>
                // The topics arrive with the most used services: they are built
                // in the task after those.
                <AsyncView resource=topics render=move |c: Categories| view! { <Later><Topics categories=c.clone()/></Later> }/>
                <p><a class="more" href="/agencies">{move || i18n.t().all_agencies_link()}</a></p>
                <p><a class="more" href="/dashboard">{move || i18n.t().home_dashboard_link()}</a></p>
            </div>
        </Later>
    }
}

/// The topic and life-event grids of the home page.
#[component]
fn Topics(categories: Categories) -> impl IntoView {
    let i18n = use_i18n();
    let tile = move |href: String, name: panjere_api::Text, count: usize| {
        view! {
            <li>
                <a class="tile" href=href>
                    <span class="tile-name">{move || name.get(i18n.get()).to_owned()}</span>
                    <span class="tile-count">{move || fill(i18n.t().services_count(), &[("n", &num(count as u64, i18n.get()))])}</span>
                </a>
            </li>
        }
    };
    let cats = categories.items.into_iter().map(|c| tile(format!("/categories/{}", c.id), c.name, c.service_count)).collect_view();
    let events = categories.life_events;
    view! {
        <section aria-labelledby="topics-h">
            <h2 id="topics-h">{move || i18n.t().categories_title()}</h2>
            <ul class="tiles">{cats}</ul>
        </section>
        // The second grid in a task of its own: each is a long list.
        <Later>
            <section aria-labelledby="events-h">
                <h2 id="events-h">{move || i18n.t().events_title()}</h2>
                <p>{move || i18n.t().events_lead()}</p>
                <ul class="tiles events">
                    {events.clone().into_iter().map(|e| tile(format!("/life-events/{}", e.id), e.name, e.service_count)).collect_view()}
                </ul>
            </section>
        </Later>
    }
}
