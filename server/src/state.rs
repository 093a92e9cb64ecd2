//! The one application state shared by every handler: the HTTP layer's
//! context. Domain modules never import it; each is handed the parts it
//! uses (see `startup::build_state`).

use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::Auth;
use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::gateway::Gateway;
use crate::payments::Payments;
use crate::requests::Requests;
use crate::smart::Smart;
use crate::stores::Stores;
use crate::web::{Shell, Web};

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    catalog: Arc<Catalog>,
    shell: Option<Arc<Shell>>,
    gateway: Arc<Gateway>,
    auth: Arc<Auth>,
    requests: Arc<Requests>,
    smart: Arc<Smart>,
    payments: Arc<Payments>,
    stores: Stores,
    clock: Arc<dyn Clock>,
    instance: String,
    web: Web,
}

/// What an [`AppState`] is made of.
pub struct Parts {
    pub catalog: Arc<Catalog>,
    pub shell: Option<Arc<Shell>>,
    pub gateway: Arc<Gateway>,
    pub auth: Arc<Auth>,
    pub requests: Arc<Requests>,
    pub smart: Arc<Smart>,
    pub payments: Arc<Payments>,
    pub stores: Stores,
    pub clock: Arc<dyn Clock>,
    /// This instance's name (`X-Panjere-Instance`).
    pub instance: String,
}

impl AppState {
    pub fn new(p: Parts) -> Self {
        let Parts { catalog, shell, gateway, auth, requests, smart, payments, stores, clock, instance } = p;
        let web = {
            let (catalog, gateway, smart) = (catalog.clone(), gateway.clone(), smart.clone());
            Web {
                shell: shell.clone(),
                catalog: catalog.clone(),
                agencies: Arc::new(move || crate::verify::live_agencies(&catalog, &gateway, &smart.rules)),
            }
        };
        AppState { inner: Arc::new(Inner { catalog, shell, gateway, auth, requests, smart, payments, stores, clock, instance, web }) }
    }

    /// This instance's name, sent on every answer.
    pub fn instance(&self) -> &str {
        &self.inner.instance
    }

    pub fn requests(&self) -> &Arc<Requests> {
        &self.inner.requests
    }

    pub fn smart(&self) -> &Arc<Smart> {
        &self.inner.smart
    }

    pub fn payments(&self) -> &Arc<Payments> {
        &self.inner.payments
    }

    pub fn stores(&self) -> &Stores {
        &self.inner.stores
    }

    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    pub fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    pub fn shell(&self) -> Option<&Shell> {
        self.inner.shell.as_deref()
    }

    pub fn gateway(&self) -> &Arc<Gateway> {
        &self.inner.gateway
    }

    /// The window's clock: read it once per operation.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// What the static client's routes need.
    pub fn web(&self) -> Web {
        self.inner.web.clone()
    }
}

impl FromRef<AppState> for Web {
    fn from_ref(state: &AppState) -> Web {
        state.web()
    }
}
