//! Where the server keeps what it must not lose, behind traits: the
//! application state is handed a [`Stores`] (`db::sqlite_stores`,
//! `db::postgres_stores`, then [`Stores::with_redis`] for sessions and
//! limits shared by several instances) and never builds one itself.

use std::sync::Arc;

use async_trait::async_trait;
use tower_sessions::SessionStore;

use crate::auth::limit::Limiter;
use crate::auth::store::AuthStore;
use crate::gateway::audit::AuditSink;
use crate::payments::store::PaymentStore;
use crate::redis::{Redis, RedisLimiter, RedisSessions};
use crate::requests::store::RequestStore;
use crate::smart::store::SmartStore;
use crate::stats::UsageStore;

/// The database as a whole: is it usable, and its periodic upkeep.
#[async_trait]
pub trait Database: Send + Sync + 'static {
    /// Whether it answers a trivial query.
    async fn ping(&self) -> bool;
    /// `sqlite` or `postgres`.
    fn engine(&self) -> &'static str;
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
    /// Life events, offers, opt-outs.
    pub smart: Arc<dyn SmartStore>,
    /// Payments and refunds.
    pub payments: Arc<dyn PaymentStore>,
    /// The append-only audit log of agency calls.
    pub audit: Arc<dyn AuditSink>,
    /// The sign-in address limit's counts.
    pub limits: Arc<dyn Limiter>,
    /// Redis, when sessions and limits live there.
    pub redis: Option<Redis>,
}

impl Stores {
    /// Sessions and the sign-in limit in Redis, shared by every instance.
    pub fn with_redis(self, redis: Redis) -> Stores {
        Stores {
            sessions: Arc::new(RedisSessions(redis.clone())),
            limits: Arc::new(RedisLimiter::new(redis.clone())),
            redis: Some(redis),
            ..self
        }
    }
}
