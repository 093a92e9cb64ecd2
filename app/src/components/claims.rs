use leptos::prelude::*;
use panjere_api::stats::ServiceCheck;

use crate::components::chunked_bodies::{within, ChunkedBodies};
use crate::dashboard::claim_rows_html;
use crate::fmt::{fill, num};
use crate::i18n::use_i18n;

/// Claim rows drawn per task.
const ROWS_PER_BODY: usize = 20;

/// What agencies claim beside what the window verifies (under the
/// section's heading, the page's): every service
/// whose claimed and verified levels differ, and why ([`claim_rows_html`], in [`ChunkedBodies`]).
#[component]
pub fn Claims(differences: Vec<ServiceCheck>) -> impl IntoView {
    let i18n = use_i18n();
    let n = differences.len();
    let differences = std::sync::Arc::new(differences);
    view! {
            <p>{move || i18n.t().dash_claims_lead()}</p>
            {if n == 0 {
                view! { <p class="empty">{move || i18n.t().dash_claims_none()}</p> }.into_any()
            } else {
                view! {
                    <p>{move || fill(i18n.t().dash_claims_differ(), &[("n", &num(n as u64, i18n.get()))])}</p>
                    <div class="table-wrap" tabindex="0" role="region" aria-labelledby="dash-claims">
                        <table class="claims">
                            <thead>
                                <tr>
                                    <th scope="col">{move || i18n.t().dash_claims_col_service()}</th>
                                    <th scope="col">{move || i18n.t().dash_claims_col_claimed()}</th>
                                    <th scope="col">{move || i18n.t().dash_claims_col_verified()}</th>
                                    <th scope="col">{move || i18n.t().dash_claims_col_why()}</th>
                                </tr>
                            </thead>
                            <ChunkedBodies rows=n per_body=ROWS_PER_BODY html=move |range| claim_rows_html(&differences[within(range, n)], i18n.get(), i18n.t())/>
                        </table>
                    </div>
                }
                    .into_any()
            }}
    }
}
