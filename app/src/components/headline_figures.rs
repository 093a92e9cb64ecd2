use leptos::prelude::*;
use panjere_api::stats::National;

use crate::dashboard::percent_text;
use crate::fmt::{duration, Round};
use crate::fmt::{fill, num};
use crate::i18n::use_i18n;

/// The dashboard's nationwide figures, each a labelled number (under the
/// headline section's heading and smart-service rule, which the page shows
/// before the figures have loaded).
#[component]
pub fn HeadlineFigures(national: National) -> impl IntoView {
    let i18n = use_i18n();
    let n = national;
    let c = n.counts;
    let claimed = n.claimed;
    let claim = move |part: u32| fill(i18n.t().dash_fig_claimed, &[("n", &num(u64::from(part), i18n.get()))]);
    let pct = move |p: Option<f64>| percent_text(p, i18n.get(), i18n.t());
    let of = move |part: u32, whole: u32| {
        let lang = i18n.get();
        fill(i18n.t().dash_of_total, &[("n", &num(u64::from(part), lang)), ("total", &num(u64::from(whole), lang))])
    };
    let (agencies, connected, connected_pct) = (n.agencies, n.agencies_connected, n.connected_percent);
    let (fully_pct, smart_pct, inq_pct) = (n.fully_electronic_percent, n.smart_percent, n.inquiries_electronic_percent);
    let (made, citizens, requests, decided, median) =
        (n.inquiries_made, n.citizens_signed_in, n.requests_submitted, n.requests_decided, n.median_decision_seconds);
    let (proactive, proactive_pct, offers, acceptance, event_median) =
        (n.requests_proactive, n.proactive_percent, n.offers_made, n.acceptance_percent, n.median_event_to_delivery_seconds);
    let paid = n.payments;
    view! {
            <dl class="figures">
                <div data-figure="connected">
                    <dt>{move || i18n.t().dash_fig_connected}</dt>
                    <dd class="figure">{move || pct(connected_pct)}</dd>
                    <dd>{move || of(connected, agencies)}</dd>
                </div>
                <div data-figure="offered">
                    <dt>{move || i18n.t().dash_fig_offered}</dt>
                    <dd class="figure">{move || num(u64::from(c.offered), i18n.get())}</dd>
                    <dd>{move || of(c.offered, c.services)}</dd>
                    <dd class="claimed">{move || claim(claimed.offered)}</dd>
                </div>
                <div data-figure="fully">
                    <dt>{move || i18n.t().dash_fig_fully}</dt>
                    <dd class="figure">{move || pct(fully_pct)}</dd>
                    <dd>{move || of(c.fully_electronic, c.services)}</dd>
                    <dd class="claimed">{move || claim(claimed.fully_electronic)}</dd>
                </div>
                <div data-figure="smart">
                    <dt>{move || i18n.t().dash_fig_smart}</dt>
                    <dd class="figure">{move || pct(smart_pct)}</dd>
                    <dd>{move || of(c.smart, c.services)}</dd>
                    <dd>{move || fill(i18n.t().dash_fig_smart_split, &[("zero_touch", &num(u64::from(c.zero_touch), i18n.get())), ("proactive", &num(u64::from(c.proactive), i18n.get()))])}</dd>
                    <dd class="claimed">{move || claim(claimed.smart)}</dd>
                </div>
                <div data-figure="proactive">
                    <dt>{move || i18n.t().dash_fig_proactive}</dt>
                    <dd class="figure">{move || pct(proactive_pct)}</dd>
                    <dd>{move || fill(i18n.t().dash_fig_proactive_requests, &[("n", &num(proactive, i18n.get()))])}</dd>
                    <dd>{move || fill(i18n.t().dash_fig_acceptance, &[("pct", &pct(acceptance)), ("n", &num(offers, i18n.get()))])}</dd>
                    <dd>
                        {move || fill(i18n.t().dash_fig_event_median, &[("time", &event_median.map(|s| duration(s, Round::Down, i18n.get(), i18n.t())).unwrap_or_else(|| i18n.t().dash_none.to_owned()))])}
                    </dd>
                </div>
                <div data-figure="inquiries">
                    <dt>{move || i18n.t().dash_fig_inquiries}</dt>
                    <dd class="figure">{move || pct(inq_pct)}</dd>
                    <dd>{move || of(c.inquiries_electronic, c.inquiries)}</dd>
                    <dd class="claimed">{move || claim(claimed.inquiries_electronic)}</dd>
                    <dd>{move || fill(i18n.t().dash_fig_inquiries_made, &[("n", &num(made, i18n.get()))])}</dd>
                </div>
                <div data-figure="citizens">
                    <dt>{move || i18n.t().dash_fig_citizens}</dt>
                    <dd class="figure">{move || num(citizens, i18n.get())}</dd>
                    <dd>{move || i18n.t().dash_fig_citizens_note}</dd>
                </div>
                <div data-figure="requests">
                    <dt>{move || i18n.t().dash_fig_requests}</dt>
                    <dd class="figure">{move || num(requests, i18n.get())}</dd>
                </div>
                <div data-figure="payments">
                    <dt>{move || i18n.t().dash_fig_payments}</dt>
                    <dd class="figure">{move || num(paid.payments_made, i18n.get())}</dd>
                    <dd>{move || crate::dashboard::payments_text(paid, i18n.t())}</dd>
                </div>
                <div data-figure="median">
                    <dt>{move || i18n.t().dash_fig_median}</dt>
                    <dd class="figure">
                        {move || median.map(|s| duration(s, Round::Down, i18n.get(), i18n.t())).unwrap_or_else(|| i18n.t().dash_none.to_owned())}
                    </dd>
                    <dd>{move || fill(i18n.t().dash_fig_decided, &[("n", &num(decided, i18n.get()))])}</dd>
                </div>
            </dl>
    }
}
