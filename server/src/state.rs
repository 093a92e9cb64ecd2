//! The one application state shared by every handler: the HTTP layer's
//! context. Domain modules never import it; each is handed the parts it
//! uses (see `startup::build_state`).

use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::{Auth, AuthError, CheckError};
use crate::catalog::Catalog;
use crate::clock::Clock;
use crate::gateway::Gateway;
use crate::payments::Payments;
use crate::requests::Requests;
use crate::smart::Smart;
use crate::stores::Stores;
use crate::web::{Shell, Visitor, Web};

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
            let (auth, clock, pseudonyms) = (auth.clone(), clock.clone(), gateway.clone());
            Web {
                shell: shell.clone(),
                catalog: catalog.clone(),
                agencies: Arc::new(move || crate::verify::live_agencies(&catalog, &gateway, &smart.rules)),
                visitor: Arc::new(move |session| {
                    let (auth, clock, pseudonyms) = (auth.clone(), clock.clone(), pseudonyms.clone());
                    Box::pin(
                        async move { visitor(auth.check(&session, clock.now()).await.map(|c| pseudonyms.pseudonym(&c.national_code))) },
                    )
                }),
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

/// Who a session's check says the visitor is, for a citizen's page.
/// `checked`: the signed-in citizen's pseudonym, or why there is none.
fn visitor(checked: Result<String, CheckError>) -> Visitor {
    match checked {
        Ok(pseudonym) => Visitor::Citizen(pseudonym),
        Err(CheckError::Auth(AuthError::IdleTimeout)) => Visitor::SignedOut { reason: Some("idle") },
        Err(CheckError::Auth(_)) => Visitor::SignedOut { reason: None },
        Err(CheckError::Session(_) | CheckError::Database(_)) => Visitor::Unknown,
    }
}

impl FromRef<AppState> for Web {
    fn from_ref(state: &AppState) -> Web {
        state.web()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session the check refuses sends its visitor to sign in (saying so
    /// when it ended for being idle); a store that did not answer tells
    /// nothing.
    #[test]
    fn the_check_says_who_visits() {
        assert_eq!(visitor(Err(AuthError::IdleTimeout.into())), Visitor::SignedOut { reason: Some("idle") });
        assert_eq!(visitor(Err(AuthError::AbsoluteTimeout.into())), Visitor::SignedOut { reason: None });
        assert_eq!(visitor(Err(AuthError::NotSignedIn.into())), Visitor::SignedOut { reason: None });
        assert_eq!(visitor(Err(sqlx::Error::PoolTimedOut.into())), Visitor::Unknown);
    }
}
