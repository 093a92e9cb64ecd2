//! The installable, offline-capable app: the service worker's registration
//! and update flow, the network state, and the browser's install prompt.
//! The worker itself is `public/sw.js`.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// How often an open app asks whether a new version was deployed.
const UPDATE_CHECK_MS: u64 = 30 * 60 * 1000;

/// App-wide PWA state.
#[derive(Clone, Copy)]
pub struct Pwa {
    /// A new version is installed and waits for the citizen's consent.
    pub update_ready: RwSignal<bool>,
    /// The browser believes it is online.
    pub online: RwSignal<bool>,
    /// The browser offered to install the app (Chromium's deferred prompt).
    pub can_install: RwSignal<bool>,
    install_event: StoredValue<Option<web_sys::Event>, LocalStorage>,
    waiting: StoredValue<Option<web_sys::ServiceWorker>, LocalStorage>,
    consented: StoredValue<bool>,
}

impl Pwa {
    /// Provides the context, registers the worker and follows the network.
    pub fn provide() -> Self {
        let pwa = Pwa {
            update_ready: RwSignal::new(false),
            online: RwSignal::new(window().navigator().on_line()),
            can_install: RwSignal::new(false),
            install_event: StoredValue::new_local(None),
            waiting: StoredValue::new_local(None),
            consented: StoredValue::new(false),
        };
        provide_context(pwa);
        let online = pwa.online;
        window_event_listener_untyped("online", move |_| online.set(true));
        window_event_listener_untyped("offline", move |_| online.set(false));
        window_event_listener_untyped("beforeinstallprompt", move |e| {
            e.prevent_default();
            pwa.install_event.set_value(Some(e));
            pwa.can_install.set(true);
        });
        window_event_listener_untyped("appinstalled", move |_| {
            pwa.install_event.set_value(None);
            pwa.can_install.set(false);
        });
        // The page first: the worker's registration (and its precaching)
        // is no part of what the citizen waits for.
        crate::components::later::after_first_render(move || pwa.register());
        pwa
    }

    fn register(self) {
        let container = window().navigator().service_worker();
        let promise = container.register("/sw.js");
        leptos::task::spawn_local(async move {
            let Ok(reg) = wasm_bindgen_futures::JsFuture::from(promise).await else {
                return;
            };
            let reg: web_sys::ServiceWorkerRegistration = reg.unchecked_into();
            let controlled = || window().navigator().service_worker().controller().is_some();
            if let Some(waiting) = reg.waiting() {
                if controlled() {
                    self.offer(waiting);
                }
            }
            let watched = reg.clone();
            let on_update = Closure::<dyn FnMut()>::new(move || {
                let Some(installing) = watched.installing() else {
                    return;
                };
                let worker = installing.clone();
                let on_state = Closure::<dyn FnMut()>::new(move || {
                    if worker.state() == web_sys::ServiceWorkerState::Installed && controlled() {
                        self.offer(worker.clone());
                    }
                });
                installing.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
                on_state.forget();
            });
            reg.set_onupdatefound(Some(on_update.as_ref().unchecked_ref()));
            on_update.forget();
            // The new worker took over because the citizen agreed: reload
            // once onto the new version.
            let consented = self.consented;
            let on_change = Closure::<dyn FnMut()>::new(move || {
                if consented.get_value() {
                    consented.set_value(false);
                    let _ = window().location().reload();
                }
            });
            window().navigator().service_worker().set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
            on_change.forget();
            let checker = reg;
            let _ = set_interval_with_handle(
                move || {
                    let _ = checker.update();
                },
                std::time::Duration::from_millis(UPDATE_CHECK_MS),
            );
            // The whole catalog, for every page to work offline: once a
            // worker is active and the page is idle, the worker fetches it
            // (or checks it is current) in the background.
            let Ok(ready) = window().navigator().service_worker().ready() else {
                return;
            };
            let Ok(active) = wasm_bindgen_futures::JsFuture::from(ready).await else {
                return;
            };
            let active: web_sys::ServiceWorkerRegistration = active.unchecked_into();
            when_idle(move || {
                if let Some(worker) = active.active() {
                    let _ = worker.post_message(&JsValue::from_str("catalog"));
                }
            });
        });
    }

    fn offer(self, worker: web_sys::ServiceWorker) {
        self.waiting.set_value(Some(worker));
        self.update_ready.set(true);
    }

    /// The citizen agreed: the waiting worker takes over, then the page reloads.
    pub fn apply_update(self) {
        self.consented.set_value(true);
        self.waiting.with_value(|w| {
            if let Some(w) = w {
                let _ = w.post_message(&JsValue::from_str("skip-waiting"));
            }
        });
    }

    /// Shows the browser's install dialog (where it offered one).
    pub fn install(self) {
        let Some(event) = self.install_event.get_value() else {
            return;
        };
        if let Ok(prompt) = js_sys::Reflect::get(&event, &"prompt".into()).and_then(|f| f.dyn_into::<js_sys::Function>()) {
            let _ = prompt.call0(&event);
        }
        self.install_event.set_value(None);
        self.can_install.set(false);
    }
}

/// Runs `f` when the browser is idle (`requestIdleCallback`, at most 10 s
/// away), or in 2 s where it has no such call.
fn when_idle(f: impl FnOnce() + 'static) {
    let idle = js_sys::Reflect::get(&window(), &"requestIdleCallback".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match idle {
        Some(request) => {
            let callback = Closure::once_into_js(f);
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"timeout".into(), &JsValue::from_f64(10_000.0));
            let _ = request.call2(&window(), &callback, &options);
        }
        None => set_timeout(f, std::time::Duration::from_secs(2)),
    }
}

pub fn use_pwa() -> Pwa {
    expect_context::<Pwa>()
}

/// Asks the worker to drop anything cached that is not the public catalog
/// (nothing else is cached by design; this is the belt to those braces).
pub fn forget_session() {
    if let Some(worker) = window().navigator().service_worker().controller() {
        let _ = worker.post_message(&JsValue::from_str("sign-out"));
    }
}

/// Whether this is an Apple mobile browser outside the installed app: it
/// offers no install prompt, so the page explains "Add to Home Screen".
pub fn needs_ios_instructions() -> bool {
    let nav = window().navigator();
    let ua = nav.user_agent().unwrap_or_default();
    let apple_mobile = ["iPhone", "iPad", "iPod"].iter().any(|d| ua.contains(d));
    let standalone = js_sys::Reflect::get(&nav, &"standalone".into()).ok().and_then(|v| v.as_bool()).unwrap_or(false);
    apple_mobile && !standalone
}

/// Points `<link rel="manifest">` at the manifest of the page's language.
pub fn set_manifest_language(lang: panjere_api::Lang) {
    let href = match lang {
        panjere_api::Lang::Fa => "/manifest.webmanifest",
        panjere_api::Lang::En => "/manifest-en.webmanifest",
    };
    if let Ok(Some(link)) = document().query_selector("link[rel=manifest]") {
        let _ = link.set_attribute("href", href);
    }
}
