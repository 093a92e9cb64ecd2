use leptos::prelude::*;
use panjere_api::stats::ServiceCheck;

use crate::fmt::{fill, num};
use crate::i18n::use_i18n;
use crate::logic::{gap_text, level_label};

/// What agencies claim beside what the window verifies: every service
/// whose claimed and verified levels differ, and why.
#[component]
pub fn Claims(differences: Vec<ServiceCheck>) -> impl IntoView {
    let i18n = use_i18n();
    let n = differences.len();
    let rows = differences
        .into_iter()
        .map(|d| {
            let href = format!("/services/{}", d.id);
            let (name, claimed, verified, gaps) = (d.name, d.claimed, d.verified, d.gaps);
            view! {
                <tr data-service=d.id>
                    <th scope="row"><a href=href>{move || name.get(i18n.get()).to_owned()}</a></th>
                    <td>{move || level_label(claimed, i18n.t())}</td>
                    <td>{move || level_label(verified, i18n.t())}</td>
                    <td>
                        <ul class="gaps">
                            {gaps.into_iter().map(|g| view! { <li>{move || gap_text(&g, i18n.t(), i18n.get())}</li> }).collect_view()}
                        </ul>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="dash-claims" id="claims">
            <h2 id="dash-claims">{move || i18n.t().dash_claims_title}</h2>
            <p>{move || i18n.t().dash_claims_lead}</p>
            {if n == 0 {
                view! { <p class="empty">{move || i18n.t().dash_claims_none}</p> }.into_any()
            } else {
                view! {
                    <p>{move || fill(i18n.t().dash_claims_differ, &[("n", &num(n as u64, i18n.get()))])}</p>
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="dash-claims">
                        <table class="claims">
                            <thead>
                                <tr>
                                    <th scope="col">{move || i18n.t().dash_claims_col_service}</th>
                                    <th scope="col">{move || i18n.t().dash_claims_col_claimed}</th>
                                    <th scope="col">{move || i18n.t().dash_claims_col_verified}</th>
                                    <th scope="col">{move || i18n.t().dash_claims_col_why}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
}
