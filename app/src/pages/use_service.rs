use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use panjere_api::requests::InquiryAnswer;
use panjere_api::{Service, ServiceKind};

use crate::api::{self, FetchError};
use crate::components::async_view::AsyncView;
use crate::components::form_field::{focus_error_summary, ErrorSummary, FormField, FormState};
use crate::contexts::{signed_in_action, use_auth};
use crate::fetched::Fetched;
use crate::fmt::fill;
use crate::i18n::{use_i18n, use_title};
use crate::logic::result_text;

/// Using a service through the window: an inquiry answered at once, or the
/// start of an application.
#[component]
pub fn UseServicePage() -> impl IntoView {
    view! {
        <UseService/>
    }
}

#[component]
fn UseService() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::params::use_id();
    let service = Fetched::new(move || {
        let id = id();
        async move { api::service(&id).await }
    });
    use_title(move || service.get().and_then(Result::ok).map(|s| s.name.get(i18n.get()).to_owned()));
    view! {
        <div class="wrap narrow">
            <AsyncView
                resource=service
                shell=true
                render=|s| match s.kind {
                    _ if !s.used_here() => view! { <NotOnline s/> }.into_any(),
                    ServiceKind::Inquiry => view! { <InquiryPanel s/> }.into_any(),
                    _ => view! { <ApplyStart s/> }.into_any(),
                }
            />
        </div>
    }
}

#[component]
fn NotOnline(s: Service) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/services/{}", s.id);
    view! {
        <h1>{move || s.name.get(i18n.get()).to_owned()}</h1>
        <p>{move || i18n.t().use_not_online()}</p>
        <a href=href>{move || i18n.t().use_back_to_service()}</a>
    }
}

#[component]
fn InquiryPanel(s: Service) -> impl IntoView {
    let i18n = use_i18n();
    let form = s.form.clone().unwrap_or_else(|| unreachable!("checked by the caller"));
    let fields = form.fields.clone();
    let state = FormState::new(Default::default());
    let answer = RwSignal::new(None::<InquiryAnswer>);
    let general = RwSignal::new(None::<String>);
    let agency = s.agency_name.clone();
    let asking = signed_in_action(|(id, values): &(String, std::collections::BTreeMap<String, String>)| {
        let (id, values) = (id.clone(), values.clone());
        async move { api::inquiry(&id, values).await }
    });
    let busy = asking.pending();
    Effect::new(move || {
        if asking.version().get() == 0 {
            return;
        }
        match asking.value().get_untracked() {
            Some(Ok(a)) => answer.set(Some(a)),
            Some(Err(FetchError::Refused { fields: Some(f), .. })) => {
                state.errors.set(f.read());
                focus_error_summary();
            }
            // The agency answered: it has nothing on record for this person.
            Some(Err(FetchError::NotFound { .. })) => {
                general.set(Some(fill(i18n.t().use_nothing_on_record(), &[("agency", agency.get(i18n.get()))])));
                focus_error_summary();
            }
            Some(Err(e)) => {
                general.set(Some(e.message(i18n.t())));
                focus_error_summary();
            }
            None => {}
        }
    });
    let service_id = s.id.clone();
    let result_fields = StoredValue::new(form.result);
    let ask = {
        let fields = fields.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            general.set(None);
            if !state.check_all(&fields) {
                focus_error_summary();
                return;
            }
            if busy.get_untracked() {
                return;
            }
            answer.set(None);
            asking.dispatch((service_id.clone(), state.values.get_untracked()));
        }
    };
    let no_fields = fields.is_empty();
    let fields_signal = Signal::derive({
        let fields = fields.clone();
        move || fields.clone()
    });
    view! {
        <ErrorSummary fields=fields_signal state general/>
        <h1>{move || s.name.get(i18n.get()).to_owned()}</h1>
        <p class="lead">{move || s.summary.get(i18n.get()).to_owned()}</p>
        {no_fields.then(|| view! { <p class="hint">{move || i18n.t().use_once_only()}</p> })}
        <form class="form" novalidate on:submit=ask>
            {fields.into_iter().map(|field| view! { <FormField field state/> }).collect_view()}
            <button type="submit" class="button" aria-disabled=move || busy.get().to_string()>
                {move || if busy.get() { i18n.t().use_asking() } else { i18n.t().use_ask() }}
            </button>
        </form>
        <div aria-live="polite">
            {move || {
                answer
                    .get()
                    .map(|a| {
                        let rows = result_fields
                            .get_value()
                            .into_iter()
                            .map(|rf| {
                                let value = result_text(&a.result, &rf, i18n.t()).unwrap_or_else(|| "—".to_owned());
                                view! {
                                    <div class="summary-row">
                                        <dt>{rf.label.get(i18n.get()).to_owned()}</dt>
                                        <dd>{value}</dd>
                                    </div>
                                }
                            })
                            .collect_view();
                        let source = fill(
                            i18n.t().use_answered_by(),
                            &[("agency", a.agency_name.get(i18n.get())), ("time", &crate::fmt::time(&a.answered_at, i18n.get()))],
                        );
                        // Items the agency gave bill IDs for (fines): payable here.
                        let bills: Vec<_> =
                            result_fields.get_value().iter().flat_map(|rf| crate::logic::bills_in(&a.result, &rf.pointer)).collect();
                        let bills = (!bills.is_empty()).then(|| view! {
                            <h3>{i18n.t().bill_payable()}</h3>
                            <ul class="session-list" id="payable-bills">
                                {bills.into_iter().map(|(what, rials, b, p)| view! {
                                    <li class="session-card">
                                        <p>{what}</p>
                                        <p>{crate::logic::rials_text(rials.max(0) as u64, i18n.t())}</p>
                                        <p><a class="button" href=crate::logic::pay_bill_href(&b, &p)>{i18n.t().bill_pay()}</a></p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        });
                        view! {
                            <section class="answer" aria-labelledby="answer-h">
                                <h2 id="answer-h">{i18n.t().use_answer()}</h2>
                                <dl class="summary-list" id="answer">{rows}</dl>
                                {bills}
                                <p class="hint">{source}</p>
                            </section>
                        }
                    })
            }}
        </div>
    }
}

#[component]
fn ApplyStart(s: Service) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let navigate = use_navigate();
    let form = s.form.clone().unwrap_or_else(|| unreachable!("checked by the caller"));
    let service_id = s.id.clone();
    let drafts = Fetched::new(move || async move {
        let r = api::drafts().await;
        auth.note(&r);
        r
    });
    let starting = signed_in_action(|id: &String| api::create_draft(id.clone()));
    let busy = starting.pending();
    let failed = RwSignal::new(None::<String>);
    Effect::new(move || {
        if starting.version().get() == 0 {
            return;
        }
        match starting.value().get_untracked() {
            Some(Ok(d)) => navigate(&format!("/drafts/{}", d.id), Default::default()),
            Some(Err(e)) => failed.set(Some(e.message(i18n.t()))),
            None => {}
        }
    });
    let start = {
        let service_id = service_id.clone();
        move |_| {
            if busy.get_untracked() {
                return;
            }
            starting.dispatch(service_id.clone());
        }
    };
    let steps = form.steps.clone();
    let inquiries = form.inquiries;
    let for_this = move || {
        drafts
            .get()
            .and_then(Result::ok)
            .map(|d| d.items.into_iter().filter(|d| d.service == service_id).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    view! {
        <h1>{move || s.name.get(i18n.get()).to_owned()}</h1>
        <p class="lead">{move || s.summary.get(i18n.get()).to_owned()}</p>
        <h2>{move || i18n.t().apply_steps_title()}</h2>
        <ol class="steps">{steps.into_iter().map(|t| view! { <li>{move || t.get(i18n.get()).to_owned()}</li> }).collect_view()}</ol>
        {(!inquiries.is_empty())
            .then(|| {
                view! {
                    <div class="notice notice-info">
                        <h2>{move || i18n.t().apply_window_asks()}</h2>
                        <ul>{inquiries.into_iter().map(|i| view! { <li>{move || i.label.get(i18n.get()).to_owned()}</li> }).collect_view()}</ul>
                    </div>
                }
            })}
        {move || {
            let mine = for_this();
            (!mine.is_empty())
                .then(|| {
                    view! {
                        <h2>{i18n.t().apply_saved_drafts()}</h2>
                        <ul class="session-list">
                            {mine
                                .into_iter()
                                .map(|d| {
                                    let saved = fill(i18n.t().apply_saved_at(), &[("time", &crate::fmt::time(&d.updated_at, i18n.get()))]);
                                    view! {
                                        <li class="session-card">
                                            <p>{saved}</p>
                                            <a class="button secondary" href=format!("/drafts/{}", d.id)>{i18n.t().apply_continue()}</a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })
        }}
        {move || failed.get().map(|m| view! { <div class="notice notice-error" role="alert"><p>{m}</p></div> })}
        <button type="button" class="button start" id="start-application" on:click=start aria-disabled=move || busy.get().to_string()>
            {move || i18n.t().apply_start()}
        </button>
    }
}
