use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use panjere_api::auth::CodeSent;

use crate::api::{self, FetchError};
use crate::contexts::use_auth;
use crate::fmt::digits;
use crate::fmt::fill;
use crate::i18n::Strings;
use crate::i18n::{use_i18n, use_title};
use crate::logic::{check_sign_in, countdown};

/// What the form shows: the details step or the code step.
#[derive(Clone, PartialEq)]
enum Step {
    Details,
    Code(CodeSent),
}

/// A field's error, as an error code the locale files explain.
type FieldError = RwSignal<Option<FetchError>>;

fn refused(code: &str) -> FetchError {
    FetchError::Refused {
        code: code.to_owned(),
        message: String::new(),
        parameter: None,
        retry_after_s: None,
        attempts_left: None,
        fields: None,
        request_id: None,
    }
}

/// Sign in with national code and mobile, then the one-time code sent by
/// SMS. Errors follow the GOV.UK pattern: a summary at the top linking to
/// each field, and the message again at the field.
#[component]
pub fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let query = use_query_map();
    let navigate = use_navigate();
    use_title(move || Some(i18n.t().sign_in_title().to_owned()));

    let national_code = RwSignal::new(String::new());
    let mobile = RwSignal::new(String::new());
    // The form the server painted is read-only until the app has it
    // (`web::painted`): nothing typed there is waiting to be taken over.
    let code = RwSignal::new(String::new());
    let step = RwSignal::new(Step::Details);
    // Sending a code: `Some((national code, mobile))` starts a sign-in,
    // `None` sends a new code for the one waiting.
    let sending = Action::new_local(|details: &Option<(String, String)>| {
        let details = details.clone();
        async move {
            let resent = details.is_none();
            match details {
                Some((nc, m)) => api::auth_start(nc, m).await,
                None => api::auth_resend().await,
            }
            .map(|sent| (resent, sent))
        }
    });
    let verifying = Action::new_local(|typed: &String| api::auth_verify(typed.clone()));
    let busy = Signal::derive(move || sending.pending().get() || verifying.pending().get());
    let nc_error: FieldError = RwSignal::new(None);
    let mobile_error: FieldError = RwSignal::new(None);
    let code_error: FieldError = RwSignal::new(None);
    let general_error: FieldError = RwSignal::new(None);
    let notice = RwSignal::new(None::<&'static str>);
    // When the current code was sent (Date.now() ms), for the countdowns.
    let sent_at = RwSignal::new(0.0_f64);
    let now = RwSignal::new(js_sys::Date::now());
    let tick = set_interval_with_handle(move || now.set(js_sys::Date::now()), std::time::Duration::from_secs(1)).ok();
    on_cleanup(move || {
        if let Some(h) = tick {
            h.clear();
        }
    });
    let elapsed_s = move || ((now.get() - sent_at.get()) / 1000.0).max(0.0) as u64;

    let next =
        move || query.read().get("next").filter(|n| panjere_api::auth::safe_return_path(n).is_some()).unwrap_or_else(|| "/me".to_owned());
    let reason = move || query.read().get("reason");

    let clear_errors = move || {
        for e in [nc_error, mobile_error, code_error, general_error] {
            e.set(None);
        }
    };
    // Puts a server refusal on its field, or in the summary.
    let place_error = move |e: FetchError| {
        let field = match &e {
            FetchError::Refused { parameter: Some(p), .. } => Some(p.clone()),
            _ => None,
        };
        match field.as_deref() {
            Some("national_code") => nc_error.set(Some(e)),
            Some("mobile") => mobile_error.set(Some(e)),
            Some("code") => code_error.set(Some(e)),
            _ => general_error.set(Some(e)),
        }
        focus_summary();
    };

    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        clear_errors();
        notice.set(None);
        let (nc, m) = (national_code.get_untracked(), mobile.get_untracked());
        let (nc_bad, m_bad) = check_sign_in(&nc, &m);
        nc_error.set(nc_bad.map(refused));
        mobile_error.set(m_bad.map(refused));
        if nc_bad.is_some() || m_bad.is_some() {
            focus_summary();
            return;
        }
        sending.dispatch(Some((nc, m)));
    };
    Effect::new(move || {
        if sending.version().get() == 0 {
            return;
        }
        match sending.value().get_untracked() {
            Some(Ok((resent, sent))) => {
                sent_at.set(js_sys::Date::now());
                code.set(String::new());
                step.set(Step::Code(sent));
                if resent {
                    notice.set(Some(i18n.t().sign_in_code_resent()));
                }
                focus_by_id("code");
            }
            Some(Err(e)) => place_error(e),
            None => {}
        }
    });

    let verify = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        clear_errors();
        let typed = code.get_untracked();
        if panjere_api::auth::one_time_code(&typed).is_none() {
            code_error.set(Some(refused("code_format")));
            focus_summary();
            return;
        }
        verifying.dispatch(typed);
    };
    Effect::new(move || {
        if verifying.version().get() == 0 {
            return;
        }
        match verifying.value().get_untracked() {
            Some(Ok(me)) => {
                auth.signed_in(me);
                navigate(&next(), Default::default());
            }
            Some(Err(e)) => {
                if matches!(&e, FetchError::Refused { code, .. } if code == "no_pending_sign_in") {
                    step.set(Step::Details);
                }
                place_error(e);
            }
            None => {}
        }
    });

    let resend = move |_| {
        if busy.get_untracked() {
            return;
        }
        clear_errors();
        sending.dispatch(None);
    };

    let errors = move || {
        let t = i18n.t();
        [("national-code", nc_error), ("mobile", mobile_error), ("code", code_error), ("", general_error)]
            .into_iter()
            .filter_map(|(id, e)| e.get().map(|e| (id, e.message(t))))
            .collect::<Vec<_>>()
    };

    view! {
        <div class="wrap narrow">
            {move || {
                let t = i18n.t();
                match reason().as_deref() {
                    Some("idle") => Some(view! { <div class="notice notice-info" role="status"><p>{t.auth_idle_signed_out()}</p></div> }.into_any()),
                    Some("signed-out") => Some(view! { <div class="notice notice-success" role="status"><p>{t.auth_signed_out_notice()}</p></div> }.into_any()),
                    _ if query.read().get("next").is_some() => Some(view! { <div class="notice notice-info"><p>{t.auth_sign_in_to_continue()}</p></div> }.into_any()),
                    _ => None,
                }
            }}
            <div class="error-summary" id="error-summary" tabindex="-1" role="alert" hidden=move || errors().is_empty()>
                <h2>{move || i18n.t().error_summary_title()}</h2>
                <ul>
                    {move || {
                        errors()
                            .into_iter()
                            .map(|(id, text)| {
                                if id.is_empty() {
                                    view! { <li>{text}</li> }.into_any()
                                } else {
                                    view! { <li><a href=format!("#{id}")>{text}</a></li> }.into_any()
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
            <h1>{move || i18n.t().sign_in_title()}</h1>
            {move || match step.get() {
                Step::Details => {
                    view! {
                        <p class="lead">{move || i18n.t().sign_in_lead()}</p>
                        <form class="form" novalidate on:submit=start>
                            <Field id="national-code" label=|t| t.sign_in_national_code() hint=|t| t.sign_in_national_code_hint() error=nc_error value=national_code inputmode="numeric" autocomplete="off" input_type="text"/>
                            <Field id="mobile" label=|t| t.sign_in_mobile() hint=|t| t.sign_in_mobile_hint() error=mobile_error value=mobile inputmode="tel" autocomplete="tel" input_type="tel"/>
                            <button type="submit" class="button" aria-disabled=move || busy.get().to_string()>
                                {move || if busy.get() { i18n.t().sign_in_sending() } else { i18n.t().sign_in_send_code() }}
                            </button>
                        </form>
                        <p class="hint">{move || i18n.t().sign_in_privacy()}</p>
                    }
                        .into_any()
                }
                Step::Code(sent) => {
                    let valid_for = sent.valid_for_s;
                    let resend_after = sent.resend_after_s;
                    let masked = sent.mobile_masked;
                    view! {
                        <p class="lead">
                            {move || {
                                let lang = i18n.get();
                                // Isolated left-to-right, so the digits keep their order in Persian.
                                let mobile = format!("\u{2066}{}\u{2069}", digits(&masked, lang));
                                fill(i18n.t().sign_in_code_sent(), &[("mobile", &mobile)])
                            }}
                        </p>
                        {move || notice.get().map(|n| view! { <div class="notice notice-success" role="status"><p>{n}</p></div> })}
                        <form class="form" novalidate on:submit=verify>
                            <Field id="code" label=|t| t.sign_in_code() hint=|t| t.sign_in_code_hint() error=code_error value=code inputmode="numeric" autocomplete="one-time-code" input_type="text"/>
                            <p class="hint" aria-live="off">
                                {move || {
                                    let left = valid_for.saturating_sub(elapsed_s());
                                    if left == 0 {
                                        i18n.t().sign_in_code_expired_hint().to_owned()
                                    } else {
                                        fill(i18n.t().sign_in_code_valid_for(), &[("time", &countdown(left, i18n.get()))])
                                    }
                                }}
                            </p>
                            <button type="submit" class="button" aria-disabled=move || busy.get().to_string()>{move || i18n.t().sign_in_verify()}</button>
                        </form>
                        <div class="resend">
                            {move || {
                                let wait = resend_after.saturating_sub(elapsed_s());
                                if wait > 0 {
                                    view! {
                                        <p class="hint" id="resend-wait">
                                            {fill(i18n.t().sign_in_resend_in(), &[("time", &countdown(wait, i18n.get()))])}
                                        </p>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <button type="button" class="button secondary" on:click=resend>{i18n.t().sign_in_resend()}</button>
                                    }
                                        .into_any()
                                }
                            }}
                            <button
                                type="button"
                                class="link-button"
                                on:click=move |_| {
                                    clear_errors();
                                    notice.set(None);
                                    step.set(Step::Details);
                                }
                            >
                                {move || i18n.t().sign_in_change_details()}
                            </button>
                        </div>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// A labelled text input with its hint and error (GOV.UK pattern).
#[component]
fn Field(
    id: &'static str,
    label: fn(&'static Strings) -> &'static str,
    hint: fn(&'static Strings) -> &'static str,
    error: FieldError,
    value: RwSignal<String>,
    inputmode: &'static str,
    autocomplete: &'static str,
    input_type: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let label_text = move || label(i18n.t());
    let hint_text = move || hint(i18n.t());
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let (e, h) = (error_id.clone(), hint_id.clone());
        move || if error.get().is_some() { format!("{h} {e}") } else { h.clone() }
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id>{label_text}</label>
            <p class="hint" id=hint_id>{hint_text}</p>
            {move || {
                error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="field-error" id=error_id.clone()>
                                <span class="visually-hidden">{i18n.t().error_prefix()}</span>
                                {e.message(i18n.t())}
                            </p>
                        }
                    })
            }}
            <input
                id=id
                name=id
                type=input_type
                dir="ltr"
                inputmode=inputmode
                autocomplete=autocomplete
                spellcheck="false"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

fn focus_by_id(id: &'static str) {
    gloo_timers::callback::Timeout::new(50, move || {
        use wasm_bindgen::JsCast;
        if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    })
    .forget();
}

fn focus_summary() {
    focus_by_id("error-summary");
}
