use std::collections::BTreeMap;

use leptos::prelude::*;
use panjere_api::forms::{check_field, Field, FieldError, FieldType};

use crate::fmt::fill;
use crate::i18n::use_i18n;
use crate::logic::field_error_text;

/// The values of a form and their errors, shared by its fields.
#[derive(Clone, Copy)]
pub struct FormState {
    pub values: RwSignal<BTreeMap<String, String>>,
    pub errors: RwSignal<BTreeMap<String, FieldError>>,
    /// Fields the citizen has left once: checked as they type from then on.
    pub touched: RwSignal<std::collections::BTreeSet<String>>,
}

impl FormState {
    pub fn new(values: BTreeMap<String, String>) -> Self {
        FormState { values: RwSignal::new(values), errors: RwSignal::new(BTreeMap::new()), touched: RwSignal::new(Default::default()) }
    }

    /// Checks one field with the shared validator (the server runs the same).
    pub fn check(self, field: &Field) {
        let v = self.values.with_untracked(|m| m.get(&field.name).cloned().unwrap_or_default());
        self.errors.update(|e| match check_field(field, &v) {
            Ok(_) => {
                e.remove(&field.name);
            }
            Err(err) => {
                e.insert(field.name.clone(), err);
            }
        });
    }

    /// Checks every field given; true when all are valid.
    pub fn check_all(self, fields: &[Field]) -> bool {
        for f in fields {
            self.touched.update(|t| {
                t.insert(f.name.clone());
            });
            self.check(f);
        }
        self.errors.with_untracked(|e| fields.iter().all(|f| !e.contains_key(&f.name)))
    }
}

pub use panjere_api::markup::form::input_id;

/// One form field by its type: label, hint, error (GOV.UK pattern), checked
/// in the browser as the citizen types once they have left it.
#[component]
pub fn FormField(
    field: Field,
    state: FormState,
    /// The draft files are uploaded to (file fields only).
    #[prop(optional)]
    draft: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = input_id(&field.name);
    let name = field.name.clone();
    let error = {
        let name = name.clone();
        move || state.errors.with(|e| e.get(&name).cloned())
    };
    let value = {
        let name = name.clone();
        move || state.values.with(|v| v.get(&name).cloned().unwrap_or_default())
    };
    let f = StoredValue::new(field.clone());
    let on_input = {
        let name = name.clone();
        move |v: String| {
            state.values.update(|m| {
                m.insert(name.clone(), v);
            });
            if state.touched.with_untracked(|t| t.contains(&name)) {
                f.with_value(|f| state.check(f));
            }
        }
    };
    let on_blur = {
        let name = name.clone();
        move || {
            state.touched.update(|t| {
                t.insert(name.clone());
            });
            f.with_value(|f| state.check(f));
        }
    };
    let label = field.label.clone();
    let hint = field.hint.clone();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = {
        let (h, e) = (hint_id.clone(), error_id.clone());
        let has_hint = hint.is_some();
        let error = error.clone();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(h.clone());
            }
            if error().is_some() {
                ids.push(e.clone());
            }
            ids.join(" ")
        }
    };
    let invalid = {
        let error = error.clone();
        move || error().is_some().to_string()
    };
    let input = match field.kind.clone() {
        FieldType::Choice { options } => view! {
            <select
                id=id.clone()
                name=name
                aria-invalid=invalid
                aria-describedby=described
                on:change=move |ev| {
                    on_input(event_target_value(&ev));
                    on_blur();
                }
            >
                <option value="" selected={
                    let value = value.clone();
                    move || value().is_empty()
                }>{move || i18n.t().form_choose()}</option>
                {options
                    .into_iter()
                    .map(|o| {
                        let v = o.value.clone();
                        let selected = {
                            let value = value.clone();
                            let v = v.clone();
                            move || value() == v
                        };
                        view! { <option value=v selected=selected>{move || o.label.get(i18n.get()).to_owned()}</option> }
                    })
                    .collect_view()}
            </select>
        }
        .into_any(),
        FieldType::File { types, .. } => {
            // Uploading a chosen file to the draft: (draft, field, file).
            let upload = crate::contexts::signed_in_action(|(draft, field, file): &(String, String, web_sys::File)| {
                let (draft, field, file) = (draft.clone(), field.clone(), file.clone());
                async move { crate::api::upload_file(&draft, &field, file).await.map(|v| (field, v)) }
            });
            let uploading = upload.pending();
            let name3 = name.clone();
            Effect::new(move || {
                if upload.version().get() == 0 {
                    return;
                }
                match upload.value().get_untracked() {
                    Some(Ok((name, v))) => {
                        state.values.update(|m| {
                            m.insert(name.clone(), serde_json::to_string(&v).unwrap_or_default());
                        });
                        state.errors.update(|m| {
                            m.remove(&name);
                        });
                    }
                    Some(Err(e)) => {
                        let err = match e {
                            crate::api::FetchError::Refused { fields: Some(f), .. } => f.read().remove(&name3),
                            _ => None,
                        };
                        let err = err.unwrap_or(FieldError { code: "file_missing".into(), min: None, max: None });
                        state.errors.update(|m| {
                            m.insert(name3.clone(), err);
                        });
                    }
                    None => {}
                }
            });
            let name2 = name.clone();
            let current = {
                move || {
                    serde_json::from_str::<panjere_api::forms::FileValue>(&value()).ok().map(|f| {
                        fill(
                            i18n.t().form_file_current(),
                            &[("name", &f.name), ("size", &crate::fmt::num(f.size.div_ceil(1024), i18n.get()))],
                        )
                    })
                }
            };
            let on_change = move |ev: leptos::ev::Event| {
                use wasm_bindgen::JsCast;
                let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
                let Some(file) = input.files().and_then(|l| l.get(0)) else { return };
                let meta =
                    panjere_api::forms::FileValue { id: String::new(), name: file.name(), mime: file.type_(), size: file.size() as u64 };
                let name = name2.clone();
                let checked = f.with_value(|f| check_field(f, &serde_json::to_string(&meta).unwrap_or_default()));
                state.touched.update(|t| {
                    t.insert(name.clone());
                });
                if let Err(e) = checked {
                    state.errors.update(|m| {
                        m.insert(name, e);
                    });
                    return;
                }
                let Some(draft) = draft.clone() else { return };
                upload.dispatch((draft, name, file));
            };
            view! {
                <input
                    id=id.clone()
                    name=name
                    type="file"
                    accept=types.join(",")
                    aria-invalid=invalid
                    aria-describedby=described
                    on:change=on_change
                />
                <p class="hint" aria-live="polite">
                    {move || if uploading.get() { Some(i18n.t().form_file_uploading().to_owned()) } else { current() }}
                </p>
            }
            .into_any()
        }
        FieldType::Text { multiline: true, max, .. } => view! {
            <textarea
                id=id.clone()
                name=name
                rows="4"
                maxlength=max.to_string()
                aria-invalid=invalid
                aria-describedby=described
                prop:value=value
                on:input=move |ev| on_input(event_target_value(&ev))
                on:blur=move |_| on_blur()
            ></textarea>
        }
        .into_any(),
        kind => {
            // The same box the server paints (`panjere_api::markup::form`).
            let k = panjere_api::markup::form::input_kind(&kind);
            view! {
                <input
                    id=id.clone()
                    name=name
                    type=k.kind
                    inputmode=k.inputmode
                    autocomplete=k.autocomplete
                    dir=if k.ltr { "ltr" } else { "auto" }
                    aria-invalid=invalid
                    aria-describedby=described
                    prop:value=value
                    on:input=move |ev| on_input(event_target_value(&ev))
                    on:blur=move |_| on_blur()
                />
            }
            .into_any()
        }
    };
    let optional = !field.required;
    let invalid_class = {
        let error = error.clone();
        move || error().is_some()
    };
    view! {
        <div class="field" class:field-invalid=invalid_class>
            <label for=id>
                {move || label.get(i18n.get()).to_owned()}
                {optional.then(|| view! { <span class="optional">{move || i18n.t().form_optional()}</span> })}
            </label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || h.get(i18n.get()).to_owned()}</p> })}
            {move || {
                error()
                    .map(|e| {
                        view! {
                            <p class="field-error" id=error_id.clone()>
                                <span class="visually-hidden">{i18n.t().error_prefix()}</span>
                                {field_error_text(&e, i18n.t())}
                            </p>
                        }
                    })
            }}
            {input}
        </div>
    }
}

/// The GOV.UK error summary for a form: a link to each field in error.
#[component]
pub fn ErrorSummary(
    fields: Signal<Vec<Field>>,
    state: FormState,
    #[prop(optional)] general: Option<RwSignal<Option<String>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = move || {
        let errors = state.errors.get();
        let lang = i18n.get();
        let mut out: Vec<(Option<String>, String)> = fields
            .get()
            .iter()
            .filter_map(|f| {
                errors.get(&f.name).map(|e| (Some(input_id(&f.name)), format!("{}: {}", f.label.get(lang), field_error_text(e, i18n.t()))))
            })
            .collect();
        if let Some(g) = general.and_then(|g| g.get()) {
            out.push((None, g));
        }
        out
    };
    view! {
        <div class="error-summary" id="error-summary" tabindex="-1" role="alert" hidden=move || items().is_empty()>
            <h2>{move || i18n.t().error_summary_title()}</h2>
            <ul>
                {move || {
                    items()
                        .into_iter()
                        .map(|(href, text)| match href {
                            Some(id) => view! { <li><a href=format!("#{id}")>{text}</a></li> }.into_any(),
                            None => view! { <li>{text}</li> }.into_any(),
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// Moves focus to the error summary (after a failed submit).
pub fn focus_error_summary() {
    gloo_timers::callback::Timeout::new(50, || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document().get_element_by_id("error-summary").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    })
    .forget();
}
