use leptos::prelude::*;

use crate::api;
use crate::components::async_view::AsyncView;
use crate::components::payment_list::PaymentList;
use crate::contexts::painted_resource;
use crate::i18n::{use_i18n, use_title};

/// The list (or the note that there is none) the server painted.
const PAINTED_LIST: &str = "#payments, .empty";

/// "My payments": every payment with its receipt, and paying a bill.
#[component]
pub fn PaymentsPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(move || Some(i18n.t().payments_title().to_owned()));
    let list = painted_resource(api::payments);
    view! {
        <div class="wrap narrow">
            <h1>{move || i18n.t().payments_title()}</h1>
            <p><a class="button" href="/pay">{move || i18n.t().bill_title()}</a></p>
            // The list the server painted stays while the app loads it.
            <AsyncView
                resource=list
                part=PAINTED_LIST
                render=move |r| {
                    if r.items.is_empty() {
                        view! { <p class="empty">{move || i18n.t().payments_none()}</p> }.into_any()
                    } else {
                        view! { <PaymentList items=r.items id="payments" top=true/> }.into_any()
                    }
                }
            />
        </div>
    }
}
