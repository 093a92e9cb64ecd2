//! App-wide state: the catalog search index, loaded on first use and shared
//! by every search box (as-you-type suggestions run in the browser with the
//! same search code as the server).

use std::sync::Arc;

use leptos::prelude::*;

use crate::api::{self, FetchError};
use crate::fetched::Fetched;
use crate::search_engine::{self, Suggest};

/// The catalog as the browser searches it.
pub struct LoadedIndex {
    pub suggest: Suggest,
}

#[derive(Clone, Copy)]
pub struct CatalogIndex {
    wanted: StoredValue<bool>,
    loaded: RwSignal<Option<Arc<LoadedIndex>>>,
}

impl CatalogIndex {
    /// Starts loading the index (idempotent): called when a search box is
    /// first used, so pages that never search never download it. If it
    /// cannot be loaded, the next use tries again.
    pub fn want(self) {
        if self.wanted.get_value() {
            return;
        }
        self.wanted.set_value(true);
        leptos::task::spawn_local(async move {
            match load_index().await {
                Some(index) => self.loaded.set(Some(index)),
                None => self.wanted.set_value(false),
            }
        });
    }

    /// The index once loaded.
    pub fn get(self) -> Option<Arc<LoadedIndex>> {
        self.loaded.get()
    }
}

/// The search index, fetched and read by the search engine's module.
async fn load_index() -> Option<Arc<LoadedIndex>> {
    let json = api::search_index_json().await.ok()?;
    let suggest = search_engine::suggester(json).await.ok().flatten()?;
    Some(Arc::new(LoadedIndex { suggest }))
}

/// Nothing is loaded (nor a resource made) until a search box is used: the
/// app's mount is the longest task of a first visit.
pub fn provide_catalog_index() {
    provide_context(CatalogIndex { wanted: StoredValue::new(false), loaded: RwSignal::new(None) });
}

pub fn use_catalog_index() -> CatalogIndex {
    expect_context::<CatalogIndex>()
}

/// Whether a citizen is signed in in this browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthStatus {
    /// Asking the server (first load).
    Checking,
    SignedOut,
    SignedIn(Box<panjere_api::auth::Me>),
}

/// The signed-in citizen and the session's clock, shared by the header,
/// protected pages and the idle-timeout warning.
#[derive(Clone, Copy)]
pub struct Auth {
    pub status: RwSignal<AuthStatus>,
    /// When (in `Date.now()` milliseconds) the session ends unless the
    /// citizen acts.
    pub deadline: RwSignal<Option<f64>>,
    /// Seconds before the deadline at which to warn.
    pub warn_before_s: RwSignal<u64>,
    idle_timeout_s: RwSignal<u64>,
    absolute_deadline: RwSignal<Option<f64>>,
    /// Unread notifications (the header shows the count).
    pub unread: RwSignal<u32>,
    /// Where a signed-out citizen on a signed-in page is sent, when the app
    /// signed them out on purpose (the idle timeout, "sign out").
    exit: RwSignal<Option<String>>,
}

impl Auth {
    /// Creates the context and asks the server who is signed in.
    pub fn provide() -> Self {
        let auth = Auth {
            status: RwSignal::new(AuthStatus::Checking),
            deadline: RwSignal::new(None),
            warn_before_s: RwSignal::new(120),
            idle_timeout_s: RwSignal::new(0),
            absolute_deadline: RwSignal::new(None),
            unread: RwSignal::new(0),
            exit: RwSignal::new(None),
        };
        provide_context(auth);
        // A citizen's page the server painted says who is signed in.
        if let Some(panjere_api::auth::SessionState { me: Some(me), .. }) = crate::shell::take_session() {
            auth.signed_in(me);
            return auth;
        }
        // Asked in a task of its own: building the request (the first
        // time, compiling its code) made the app's mount, the longest task
        // of every first visit, longer still.
        crate::components::later::in_own_task(move || {
            leptos::task::spawn_local(async move {
                match api::session_state().await {
                    Ok(panjere_api::auth::SessionState { me: Some(me), .. }) => auth.signed_in(me),
                    _ => auth.signed_out(),
                }
            })
        });
        auth
    }

    /// A sign-in or a fresh `GET /api/me`: the session's clock restarts.
    pub fn signed_in(self, me: panjere_api::auth::Me) {
        let now = js_sys::Date::now();
        let c = me.session;
        self.idle_timeout_s.set(c.idle_timeout_s);
        self.warn_before_s.set(c.warn_before_s);
        let absolute = now + c.absolute_remaining_s as f64 * 1000.0;
        self.absolute_deadline.set(Some(absolute));
        self.deadline.set(Some((now + c.idle_remaining_s as f64 * 1000.0).min(absolute)));
        self.exit.set(None);
        self.status.set(AuthStatus::SignedIn(Box::new(me)));
    }

    /// A signed-in request succeeded: the server restarted the idle clock.
    pub fn touched(self) {
        if let Some(absolute) = self.absolute_deadline.get_untracked() {
            let idle = js_sys::Date::now() + self.idle_timeout_s.get_untracked() as f64 * 1000.0;
            self.deadline.set(Some(idle.min(absolute)));
        }
    }

    /// Whether the coming deadline is the absolute one (staying active
    /// cannot move it).
    pub fn at_absolute_limit(self) -> bool {
        match (self.deadline.get(), self.absolute_deadline.get()) {
            (Some(d), Some(a)) => d >= a,
            _ => false,
        }
    }

    pub fn signed_out(self) {
        self.deadline.set(None);
        self.absolute_deadline.set(None);
        self.status.set(AuthStatus::SignedOut);
    }

    /// Signed out by the app on purpose: a signed-in page sends the citizen
    /// to `href` (which says why) rather than to a plain sign-in.
    pub fn signed_out_to(self, href: String) {
        self.exit.set(Some(href));
        self.signed_out();
    }

    /// The citizen's own sign-out, once the server has answered it (the
    /// profile page's button, the timeout warning's): signed out here, and
    /// on to the sign-in page, which says so.
    pub fn signed_out_by_citizen(self, navigate: impl Fn(&str, leptos_router::NavigateOptions)) {
        const EXIT: &str = "/sign-in?reason=signed-out";
        self.signed_out_to(EXIT.to_owned());
        navigate(EXIT, Default::default());
    }

    /// Where a signed-in page sends a citizen who is not signed in: to sign
    /// in and come back here, or where the app's own sign-out said.
    pub fn sign_in_href(self) -> String {
        self.exit.get_untracked().unwrap_or_else(|| {
            let location = window().location();
            let path = location.pathname().unwrap_or_default();
            let here = match location.search().unwrap_or_default().trim_start_matches('?') {
                "" => path,
                q => format!("{path}?{q}"),
            };
            crate::logic::sign_in_href(&here, None)
        })
    }

    /// The signed-in citizen, if any (reactive).
    pub fn me(self) -> Option<panjere_api::auth::Me> {
        match self.status.get() {
            AuthStatus::SignedIn(me) => Some(*me),
            _ => None,
        }
    }

    /// A signed-in call's result: success restarts the idle clock; a 401
    /// means the session is over.
    pub fn note<T>(self, result: &Result<T, FetchError>) {
        match result {
            Ok(_) => self.touched(),
            Err(FetchError::SignedOut { .. }) => self.signed_out(),
            Err(_) => {}
        }
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// A resource loaded on the citizen's behalf: success restarts the session
/// clock, a 401 signs the app out (and the router's `ProtectedRoute` sends
/// the citizen to sign in).
pub fn signed_in_resource<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> Fetched<T>
where
    T: Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, FetchError>> + 'static,
{
    let auth = use_auth();
    Fetched::new(move || {
        let pending = fetch();
        async move {
            let r = pending.await;
            auth.note(&r);
            r
        }
    })
}

/// [`signed_in_resource`] for a page the server paints from the citizen's
/// records: its first read is what the server painted it from
/// ([`crate::shell::take_data`]), when it did, rather than the same records
/// read again; later reads (refreshes) ask the API.
pub fn painted_resource<T, Fut>(fetch: impl Fn() -> Fut + 'static) -> Fetched<T>
where
    T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<T, FetchError>> + 'static,
{
    signed_in_resource(move || {
        let pending = match crate::shell::take_data::<T>() {
            Some(painted) => Err(painted),
            None => Ok(fetch()),
        };
        async move {
            match pending {
                Ok(read) => read.await,
                Err(painted) => Ok(painted),
            }
        }
    })
}

/// A write on the citizen's behalf, as an action (pending, value, version):
/// success restarts the session clock, a 401 signs the app out.
pub fn signed_in_action<I, T, Fut>(act: impl Fn(&I) -> Fut + 'static) -> Action<I, Result<T, FetchError>>
where
    I: 'static,
    T: 'static,
    Fut: std::future::Future<Output = Result<T, FetchError>> + 'static,
{
    let auth = use_auth();
    Action::new_local(move |input: &I| {
        let pending = act(input);
        async move {
            let r = pending.await;
            auth.note(&r);
            r
        }
    })
}
