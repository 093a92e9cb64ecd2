//! The one application state shared by every handler.

use std::sync::Arc;

use sqlx::SqlitePool;

use crate::auth::Auth;
use crate::catalog::Catalog;
use crate::gateway::Gateway;
use crate::requests::store::SqliteRequestStore;
use crate::requests::{RequestSettings, Requests};
use crate::web::Shell;

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    catalog: Catalog,
    db: SqlitePool,
    shell: Option<Shell>,
    gateway: Arc<Gateway>,
    auth: Auth,
    requests: Requests,
    usage: crate::stats::DynUsageStore,
}

impl AppState {
    pub fn new(catalog: Catalog, db: SqlitePool, shell: Option<Shell>, gateway: Arc<Gateway>, auth: Auth) -> Self {
        let requests = Requests::new(Arc::new(SqliteRequestStore::new(db.clone())), RequestSettings::default());
        let usage = Arc::new(crate::stats::SqliteUsageStore::new(db.clone()));
        AppState { inner: Arc::new(Inner { catalog, db, shell, gateway, auth, requests, usage }) }
    }

    /// Other delivery and polling timings (before the state is shared).
    pub fn with_request_settings(mut self, settings: RequestSettings) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.requests.settings = settings;
        }
        self
    }

    pub fn requests(&self) -> &Requests {
        &self.inner.requests
    }

    pub fn usage(&self) -> &crate::stats::DynUsageStore {
        &self.inner.usage
    }

    pub fn auth(&self) -> &Auth {
        &self.inner.auth
    }

    pub fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    pub fn db(&self) -> &SqlitePool {
        &self.inner.db
    }

    pub fn shell(&self) -> Option<&Shell> {
        self.inner.shell.as_ref()
    }

    pub fn gateway(&self) -> &Arc<Gateway> {
        &self.inner.gateway
    }
}
