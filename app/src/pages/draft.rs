use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use panjere_api::forms::Form;
use panjere_api::markup::draft::draft_head;
use panjere_api::requests::Draft;
use panjere_api::Service;

use crate::api::{self, FetchError};
use crate::components::async_view::AsyncView;
use crate::components::form_field::{focus_error_summary, ErrorSummary, FormField, FormState};
use crate::contexts::{signed_in_action, use_auth};
use crate::fetched::Fetched;
use crate::fmt::fill;
use crate::i18n::{use_i18n, use_title};
use crate::logic::ReceiptLabels;

/// An application in steps, saved on the server at every step (so the
/// citizen can come back later, also on another device), then a review
/// page and submit.
#[component]
pub fn DraftPage() -> impl IntoView {
    view! {
        <DraftLoader/>
    }
}

#[component]
fn DraftLoader() -> impl IntoView {
    let auth = use_auth();
    let id = crate::params::use_id();
    let loaded = Fetched::new(move || {
        let id = id();
        // First from what the server painted the page from.
        let painted = crate::shell::take_data::<Draft>();
        async move {
            let draft = match painted {
                Some(d) => Ok(d),
                None => api::draft(&id).await,
            };
            auth.note(&draft);
            let draft = draft?;
            let service = api::service(&draft.service).await?;
            Ok::<_, FetchError>((draft, service))
        }
    });
    view! {
        <div class="wrap narrow">
            // The head the server painted stays while the app loads the form.
            <AsyncView resource=loaded shell=true render=|(d, s)| view! { <DraftForm d s/> }/>
        </div>
    }
}

/// One save of the draft: what the browser asked for.
#[derive(Clone)]
struct Save {
    values: std::collections::BTreeMap<String, String>,
    /// The step to save at (the next one, when this one is valid).
    target: u32,
    /// The step the server checks.
    check: Option<u32>,
    current: u32,
    /// Whether the step was valid in the browser.
    valid: bool,
}

#[component]
fn DraftForm(d: Draft, s: Service) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let form: Form = s.form.clone().unwrap_or_else(|| unreachable!("drafts exist only for services with forms"));
    let count = form.step_count();
    let review = count + 1;
    let step = RwSignal::new(d.step.clamp(1, review));
    let state = FormState::new(d.values.clone());
    let general = RwSignal::new(None::<String>);
    let saved_at = RwSignal::new(d.updated_at.clone());
    let form = StoredValue::new(form);
    let draft_id = StoredValue::new(d.id.clone());
    let saving = signed_in_action(move |save: &Save| {
        let save = save.clone();
        let id = draft_id.get_value();
        async move { api::save_draft(&id, save.values.clone(), save.target, save.check).await.map(|saved| (save, saved)) }
    });
    let submitting = signed_in_action(move |_: &()| {
        let id = draft_id.get_value();
        async move { api::submit_draft(&id).await }
    });
    let busy = Signal::derive(move || saving.pending().get() || submitting.pending().get());
    let name = s.name;
    use_title({
        let name = name.clone();
        move || Some(name.get(i18n.get()).to_owned())
    });
    if let Some(r) = d.request_id {
        navigate(&format!("/requests/{r}"), Default::default());
    }
    let step_fields = move || form.with_value(|f| f.fields.iter().filter(|x| x.step == step.get()).cloned().collect::<Vec<_>>());

    // Saves what was typed (always) and, when `next` is given, moves there
    // if this step is valid in the browser and on the server.
    let save = move |next: Option<u32>| {
        if busy.get_untracked() {
            return;
        }
        general.set(None);
        let current = step.get_untracked();
        let fields = form.with_value(|f| f.fields.iter().filter(|x| x.step == current).cloned().collect::<Vec<_>>());
        let valid = next.is_none_or(|n| n < current) || state.check_all(&fields);
        let target = next.filter(|_| valid).unwrap_or(current);
        let check = next.filter(|n| *n > current).map(|_| current);
        saving.dispatch(Save { values: state.values.get_untracked(), target, check, current, valid });
    };
    Effect::new(move || {
        if saving.version().get() == 0 {
            return;
        }
        match saving.value().get_untracked() {
            Some(Ok((save, saved))) if saved.errors.is_empty() => {
                saved_at.set(saved.updated_at);
                if save.valid {
                    step.set(save.target);
                    scroll_top();
                } else {
                    focus_error_summary();
                }
            }
            Some(Ok((save, saved))) => {
                saved_at.set(saved.updated_at);
                state.errors.set(saved.errors);
                step.set(save.current);
                focus_error_summary();
            }
            Some(Err(e)) => {
                general.set(Some(e.message(i18n.t())));
                focus_error_summary();
            }
            None => {}
        }
    });

    let submit = move |_| {
        if busy.get_untracked() {
            return;
        }
        general.set(None);
        submitting.dispatch(());
    };
    Effect::new(move || {
        if submitting.version().get() == 0 {
            return;
        }
        match submitting.value().get_untracked() {
            Some(Ok(req)) => navigate(&format!("/requests/{}?new=1", req.summary.id), Default::default()),
            Some(Err(FetchError::Refused { fields: Some(f), .. })) => {
                let f = f.read();
                let first = form.with_value(|form| form.fields.iter().filter(|x| f.contains_key(&x.name)).map(|x| x.step).min());
                state.errors.set(f);
                step.set(first.unwrap_or(1));
                focus_error_summary();
            }
            Some(Err(e)) => {
                general.set(Some(e.message(i18n.t())));
                focus_error_summary();
            }
            None => {}
        }
    });

    let head = move || form.with_value(|f| draft_head(&name, f, step.get(), &ReceiptLabels(i18n.t())));
    let all_fields = Signal::derive(move || form.with_value(|f| f.fields.clone()));
    view! {
        <ErrorSummary fields=all_fields state general/>
        <div class="draft-head" inner_html=head></div>
        {move || {
            if step.get() == review {
                view! { <Review form=form.get_value() state step/> }.into_any()
            } else {
                view! {
                    <form class="form" novalidate on:submit=move |ev| {
                        ev.prevent_default();
                        save(Some(step.get_untracked() + 1));
                    }>
                        {step_fields().into_iter().map(|field| view! { <FormField field state draft=draft_id.get_value()/> }).collect_view()}
                        <div class="button-row">
                            <button type="submit" class="button" id="continue" aria-disabled=move || busy.get().to_string()>
                                {move || i18n.t().apply_save_continue()}
                            </button>
                            {move || (step.get() > 1).then(|| view! {
                                <button type="button" class="button secondary" on:click=move |_| save(Some(step.get_untracked() - 1))>
                                    {i18n.t().apply_back()}
                                </button>
                            })}
                        </div>
                    </form>
                }
                    .into_any()
            }
        }}
        {move || (step.get() == review).then(|| view! {
            <div class="button-row">
                <button type="button" class="button" id="submit-application" on:click=submit aria-disabled=move || busy.get().to_string()>
                    {move || i18n.t().apply_submit()}
                </button>
                <button type="button" class="button secondary" on:click=move |_| save(Some(count))>{move || i18n.t().apply_back()}</button>
            </div>
        })}
        <p class="hint" role="status">{move || fill(i18n.t().apply_saved_at(), &[("time", &crate::fmt::time(&saved_at.get(), i18n.get()))])}</p>
    }
}

/// Check your answers (GOV.UK): every answer with a "change" link, and the
/// inquiries the window will make itself.
#[component]
fn Review(form: Form, state: FormState, step: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = form
        .fields
        .iter()
        .cloned()
        .map(|f| {
            let name = f.name.clone();
            let field = f.clone();
            let value = move || {
                let v = state.values.with(|m| m.get(&name).cloned().unwrap_or_default());
                crate::logic::answer_text(&field, &v, i18n.t())
            };
            let label = f.label.clone();
            let at = f.step;
            view! {
                <div class="summary-row">
                    <dt>{move || label.get(i18n.get()).to_owned()}</dt>
                    <dd>{value}</dd>
                    <dd class="change">
                        <button type="button" class="link-button" on:click=move |_| step.set(at)>
                            {move || i18n.t().apply_change()}
                            <span class="visually-hidden">{move || format!(" {}", f.label.get(i18n.get()))}</span>
                        </button>
                    </dd>
                </div>
            }
        })
        .collect_view();
    let inquiries = form.inquiries;
    view! {
        <dl class="summary-list" id="review">{rows}</dl>
        {(!inquiries.is_empty())
            .then(|| {
                view! {
                    <h2>{move || i18n.t().apply_window_asks()}</h2>
                    <ul>{inquiries.into_iter().map(|i| view! { <li>{move || i.label.get(i18n.get()).to_owned()}</li> }).collect_view()}</ul>
                }
            })}
        <p>{move || i18n.t().apply_declaration()}</p>
    }
}

fn scroll_top() {
    window().scroll_to_with_x_and_y(0.0, 0.0);
}
