//! A value a page shows and keeps fresh by asking the API again.
//!
//! A page loads its value once through [`crate::fetched::Fetched`] (shown by
//! `AsyncView`, with its loading state and its error and retry), and the
//! view it renders keeps that value fresh with [`Polled`]: the value is a
//! signal set only when an answer differs from what is shown, so an
//! unchanged answer redraws nothing and a changed one redraws only what
//! reads the part that changed. (Refetching the page's resource instead
//! rebuilt the whole view on every answer: a long task on a phone every few
//! seconds, and a field being typed in lost its focus.)

use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;

use crate::api::FetchError;

/// A value kept fresh while its view is shown. `Copy`.
pub struct Polled<T: Send + Sync + 'static> {
    value: RwSignal<T>,
    failed: RwSignal<bool>,
    ask: StoredValue<Rc<dyn Fn()>, LocalStorage>,
}

impl<T: Send + Sync + 'static> Clone for Polled<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Polled<T> {}

impl<T: Clone + PartialEq + Send + Sync + 'static> Polled<T> {
    /// Starts from `initial` (what the page loaded) and asks `fetch` again
    /// every `every` while `open(value)` holds and the page is visible (a
    /// phone in a pocket asks nothing), never twice at once. Stops with the
    /// view that made it.
    pub fn new<Fut>(initial: T, every: Duration, fetch: impl Fn() -> Fut + 'static, open: impl Fn(&T) -> bool + 'static) -> Self
    where
        Fut: Future<Output = Result<T, FetchError>> + 'static,
    {
        let value = RwSignal::new(initial);
        let failed = RwSignal::new(false);
        let busy = StoredValue::new(false);
        let ask: Rc<dyn Fn()> = Rc::new(move || {
            if busy.try_get_value() != Some(false) {
                return;
            }
            busy.set_value(true);
            let pending = fetch();
            leptos::task::spawn_local(async move {
                let answer = pending.await;
                // The view may be gone by now: every write is a `try_`.
                match answer {
                    Ok(fresh) => {
                        if value.try_with_untracked(|shown| *shown != fresh) == Some(true) {
                            value.try_set(fresh);
                        }
                        failed.try_set(false);
                    }
                    Err(_) => {
                        failed.try_set(true);
                    }
                }
                busy.try_set_value(false);
            });
        });
        let ask = StoredValue::new_local(ask);
        let tick = move || {
            let visible = !document().hidden();
            if visible && value.try_with_untracked(|v| open(v)) == Some(true) {
                if let Some(ask) = ask.try_get_value() {
                    ask();
                }
            }
        };
        let handle = set_interval_with_handle(tick, every).ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
        Polled { value, failed, ask }
    }

    /// [`Polled::new`] for the citizen's records, read as
    /// [`crate::contexts::signed_in_resource`] reads them: an answer
    /// restarts the session clock, a 401 signs the app out.
    pub fn signed_in<Fut>(initial: T, every: Duration, fetch: impl Fn() -> Fut + 'static, open: impl Fn(&T) -> bool + 'static) -> Self
    where
        Fut: Future<Output = Result<T, FetchError>> + 'static,
    {
        let auth = crate::contexts::use_auth();
        let read = move || {
            let pending = fetch();
            async move {
                let r = pending.await;
                auth.note(&r);
                r
            }
        };
        Self::new(initial, every, read, open)
    }
}

impl<T: Send + Sync + 'static> Polled<T> {
    /// The value shown.
    pub fn value(&self) -> ReadSignal<T> {
        self.value.read_only()
    }

    /// Whether the last time it asked, it got no answer (what is shown is
    /// older than it should be).
    pub fn failed(&self) -> bool {
        self.failed.get()
    }

    /// Asks now (after the citizen changed something). If it is already
    /// asking, that answer is the one shown and the next tick asks again.
    pub fn refresh(&self) {
        if let Some(ask) = self.ask.try_get_value() {
            ask();
        }
    }
}
