use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

use crate::contexts::use_catalog_index;
use crate::fmt::{fill, num};
use crate::i18n::use_i18n;
use crate::logic::ServiceFilter;

/// Most suggestions shown while typing.
const MAX_SUGGESTIONS: usize = 6;

/// The service search box: an ARIA combobox with as-you-type suggestions
/// computed in the browser by the same search code as the server. Enter
/// opens the results page (`/search?q=`); a suggestion opens its service.
#[component]
pub fn SearchBox(
    #[prop(into)] id: String,
    #[prop(optional, into)] initial: String,
    #[prop(default = false)] autofocus: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let index = use_catalog_index();
    let navigate = use_navigate();
    let text = RwSignal::new(initial);
    // What was typed in the box the server painted (`/search`), if anything, before the app took it over.
    crate::shell::keep_typed(id.clone(), text);
    let open = RwSignal::new(false);
    let active = RwSignal::new(None::<usize>);

    let items = Memo::new(move |_| {
        let q = text.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        index.get().map(|l| (l.suggest)(&q, MAX_SUGGESTIONS)).unwrap_or_default()
    });
    let shown = move || open.get() && !items.read().is_empty();

    let go_search = {
        let navigate = navigate.clone();
        move || {
            let q = text.get_untracked().trim().to_owned();
            open.set(false);
            let filter = ServiceFilter { q: (!q.is_empty()).then_some(q), ..Default::default() };
            navigate(&filter.href("/search"), NavigateOptions::default());
        }
    };
    let on_submit = {
        let go_search = go_search.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            go_search();
        }
    };
    let on_keydown = {
        let navigate = navigate.clone();
        move |ev: KeyboardEvent| {
            let n = items.read_untracked().len();
            match ev.key().as_str() {
                "ArrowDown" if n > 0 => {
                    ev.prevent_default();
                    open.set(true);
                    active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % n)));
                }
                "ArrowUp" if n > 0 => {
                    ev.prevent_default();
                    open.set(true);
                    active.update(|a| *a = Some(a.map_or(n - 1, |i| (i + n - 1) % n)));
                }
                "Escape" => {
                    open.set(false);
                    active.set(None);
                }
                "Enter" => {
                    if let (true, Some(i)) = (open.get_untracked(), active.get_untracked()) {
                        if let Some(s) = items.read_untracked().get(i) {
                            ev.prevent_default();
                            open.set(false);
                            navigate(&format!("/services/{}", s.id), NavigateOptions::default());
                        }
                    }
                }
                _ => {}
            }
        }
    };

    let list_id = format!("{id}-list");
    let opt_id = {
        let id = id.clone();
        move |i: usize| format!("{id}-opt-{i}")
    };
    let active_descendant = {
        let opt_id = opt_id.clone();
        move || {
            if shown() {
                active.get().map(&opt_id)
            } else {
                None
            }
        }
    };
    let status = move || {
        if !open.get() || text.read().trim().is_empty() || index.get().is_none() {
            return String::new();
        }
        let n = items.read().len();
        if n == 0 {
            i18n.t().suggestions_none().to_owned()
        } else {
            fill(i18n.t().suggestions_count(), &[("n", &num(n as u64, i18n.get()))])
        }
    };

    view! {
        <form role="search" class="search-box" action="/search" method="get" on:submit=on_submit>
            <label for=id.clone() class="search-label">{move || i18n.t().search_label()}</label>
            <div class="search-row">
                <div class="combo">
                    <input
                        id=id
                        type="search"
                        name="q"
                        role="combobox"
                        aria-autocomplete="list"
                        aria-controls=list_id.clone()
                        aria-expanded=move || shown().to_string()
                        aria-activedescendant=active_descendant
                        autocomplete="off"
                        enterkeyhint="search"
                        maxlength="200"
                        autofocus=autofocus
                        placeholder=move || i18n.t().search_placeholder()
                        prop:value=move || text.get()
                        on:input=move |ev| {
                            text.set(event_target_value(&ev));
                            open.set(true);
                            active.set(None);
                            index.want();
                        }
                        on:focus=move |_| index.want()
                        on:blur=move |_| open.set(false)
                        on:keydown=on_keydown
                    />
                    <ul
                        id=list_id
                        role="listbox"
                        class="suggestions"
                        aria-label=move || i18n.t().suggestions_label()
                        hidden=move || !shown()
                        on:mousedown=|ev| ev.prevent_default()
                    >
                        <For
                            each=move || items.get().into_iter().enumerate()
                            key=|(i, s)| (*i, s.id.clone())
                            children=move |(i, s)| {
                                let href = format!("/services/{}", s.id);
                                let (name, agency) = (s.name.clone(), s.agency_name);
                                view! {
                                    <li role="option" id=opt_id(i) aria-selected=move || (active.get() == Some(i)).to_string()>
                                        <a href=href tabindex="-1" on:click=move |_| open.set(false)>
                                            <span class="s-name">{move || name.get(i18n.get()).to_owned()}</span>
                                            <span class="s-agency">{move || agency.get(i18n.get()).to_owned()}</span>
                                        </a>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </div>
                <button type="submit" class="button">{move || i18n.t().search_button()}</button>
            </div>
            <p class="visually-hidden" role="status" aria-live="polite">{status}</p>
        </form>
    }
}
