use leptos::prelude::*;
use panjere_api::stats::AgencyStats;

use crate::dashboard::{percent_text, stage_text, table_rows, target_short, verdict_label, Sort, SortKey};
use crate::fmt::{fill, num};
use crate::i18n::use_i18n;

/// Every agency's figures and verdicts: filterable by name and stage,
/// sortable by any column (headings are buttons with `aria-sort`).
#[component]
pub fn AgencyStatsTable(agencies: Vec<AgencyStats>) -> impl IntoView {
    let i18n = use_i18n();
    let total = agencies.len();
    let all = StoredValue::new(agencies);
    let text = RwSignal::new(String::new());
    let stage = RwSignal::new(None::<u8>);
    let sort = RwSignal::new(Sort { key: SortKey::Stage, ascending: false });
    let shown = Memo::new(move |_| {
        all.with_value(|a| table_rows(a, &text.get(), stage.get(), sort.get(), i18n.get()).into_iter().cloned().collect::<Vec<_>>())
    });
    let headings = SortKey::ALL
        .into_iter()
        .map(|key| {
            view! {
                <th scope="col" aria-sort=move || sort.get().aria(key) data-sort=key.as_str()>
                    <button type="button" class="sort" on:click=move |_| sort.update(|s| *s = s.toggle(key))>
                        {move || key.label(i18n.t())}
                        <span class="sort-mark" aria-hidden="true">
                            {move || match sort.get().aria(key) {
                                "ascending" => "▲",
                                "descending" => "▼",
                                _ => "",
                            }}
                        </span>
                    </button>
                </th>
            }
        })
        .collect_view();
    let pct = move |p: Option<f64>| percent_text(p, i18n.get(), i18n.t());
    view! {
        <section aria-labelledby="dash-table">
            <h2 id="dash-table">{move || i18n.t().dash_table_title}</h2>
            <div class="filters">
                <div class="field">
                    <label for="dash-filter">{move || i18n.t().dash_filter_label}</label>
                    <input
                        id="dash-filter"
                        type="search"
                        autocomplete="off"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="dash-stage">{move || i18n.t().dash_filter_stage}</label>
                    <select id="dash-stage" on:change=move |ev| stage.set(event_target_value(&ev).parse().ok())>
                        <option value="" selected=move || stage.get().is_none()>{move || i18n.t().dash_filter_all_stages}</option>
                        {(0..=4u8)
                            .map(|s| {
                                view! {
                                    <option value=s.to_string() selected=move || stage.get() == Some(s)>
                                        {move || stage_text(s, i18n.get(), i18n.t())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
            </div>
            <p class="count" role="status">
                {move || {
                    let lang = i18n.get();
                    fill(i18n.t().dash_shown, &[("n", &num(shown.with(Vec::len) as u64, lang)), ("total", &num(total as u64, lang))])
                }}
            </p>
            <p class="hint">{move || i18n.t().dash_sort_hint}</p>
            <div class="table-wrap" tabindex="0" role="region" aria-labelledby="dash-table">
                <table class="agency-stats">
                    <caption class="visually-hidden">{move || i18n.t().dash_table_title}</caption>
                    <thead>
                        <tr>
                            {headings}
                            <th scope="col">{move || i18n.t().dash_col_verdicts}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || shown.get() key=|a| a.id.clone() let:a>
                            {
                                let name = a.name.clone();
                                let href = format!("/agencies/{}", a.id);
                                let (st, c, req, paid) = (a.stage, a.counts, a.requests_submitted, a.payments);
                                let (off, full, inq, smart) =
                                    (a.offered_percent, a.fully_electronic_percent, a.inquiries_electronic_percent, a.smart_percent);
                                let verdicts = a.verdicts.clone();
                                let cl = a.claimed;
                                let claimed = move |part: u32, now: Option<f64>| {
                                    let p = panjere_api::stats::percent(part, cl.services);
                                    (p != now).then(|| {
                                        view! { <small class="claimed">{move || fill(i18n.t().dash_claimed_note, &[("p", &pct(p))])}</small> }
                                    })
                                };
                                view! {
                                    <tr data-agency=a.id>
                                        <th scope="row"><a href=href>{move || name.get(i18n.get()).to_owned()}</a></th>
                                        <td data-col="stage">
                                            {move || stage_text(st, i18n.get(), i18n.t())}
                                        </td>
                                        <td data-col="services">{move || num(u64::from(c.services), i18n.get())}</td>
                                        <td data-col="offered">{move || pct(off)} {claimed(cl.offered, off)}</td>
                                        <td data-col="fully">{move || pct(full)} {claimed(cl.fully_electronic, full)}</td>
                                        <td data-col="inquiries">{move || pct(inq)}</td>
                                        <td data-col="smart">{move || pct(smart)}</td>
                                        <td data-col="requests">
                                            {move || num(req, i18n.get())}
                                            {(paid.payments_made > 0 || paid.success_percent.is_some()).then(|| view! {
                                                <small class="payments">{move || crate::dashboard::payments_text(paid, i18n.t())}</small>
                                            })}
                                        </td>
                                        <td>
                                            <ul class="verdicts">
                                                {verdicts
                                                    .into_iter()
                                                    .map(|v| {
                                                        view! {
                                                            <li class=format!("verdict-{}", v.verdict.as_str())>
                                                                {move || format!("{}: {}", target_short(v.target, i18n.t()), verdict_label(v.verdict, i18n.t()))}
                                                            </li>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        </td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
            </div>
            <Show when=move || shown.with(Vec::is_empty)>
                <p class="empty">{move || i18n.t().dash_no_match}</p>
            </Show>
        </section>
    }
}
