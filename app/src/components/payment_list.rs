use leptos::prelude::*;
use panjere_api::markup::payment_cards;
use panjere_api::payments::Payment;

use crate::i18n::use_i18n;
use crate::logic::Labels;

/// A list of payments: what each paid for, how much, its state, when. The
/// cards are `panjere_api::markup`'s, the markup the server paints the
/// citizen's payments with before the app arrives. `top`: the list is
/// right under the page's heading (its cards' titles are `h2`, else `h3`).
#[component]
pub fn PaymentList(items: Vec<Payment>, id: &'static str, #[prop(optional)] top: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! { <ul class="session-list" id=id inner_html=move || payment_cards(&items, top, &Labels(i18n.t()))></ul> }
}
