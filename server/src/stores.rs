//! Where the server keeps what it must not lose, behind traits: the
//! application state is handed a [`Stores`] (SQLite ones from
//! `db::sqlite_stores` today) and never builds one itself, so
//! another engine's implementations can take their place.

use std::sync::Arc;

use async_trait::async_trait;
use tower_sessions::SessionStore;

use crate::auth::store::AuthStore;
use crate::gateway::audit::AuditSink;
use crate::requests::store::RequestStore;
use crate::stats::UsageStore;

/// The database as a whole: is it usable, and its periodic upkeep.
#[async_trait]
pub trait Database: Send + Sync + 'static {
    /// Whether it answers a trivial query.
    async fn ping(&self) -> bool;
    /// Runs the upkeep (expired sessions deleted, …) for as long as the
    /// server runs.
    async fn maintain(&self);
}

/// Every store, injected.
#[derive(Clone)]
pub struct Stores {
    pub database: Arc<dyn Database>,
    /// Citizens' sessions (tower-sessions records).
    pub sessions: Arc<dyn SessionStore>,
    /// One-time-code challenges, the sessions index, sign-in records.
    pub auth: Arc<dyn AuthStore>,
    /// Drafts, requests, timelines, notifications, files.
    pub requests: Arc<dyn RequestStore>,
    /// What the public figures count.
    pub usage: Arc<dyn UsageStore>,
    /// The append-only audit log of agency calls.
    pub audit: Arc<dyn AuditSink>,
}
