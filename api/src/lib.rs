//! Wire types and pure logic shared by the Panjere client (wasm32) and server.
//!
//! Nothing here may depend on tokio, axum, sqlx or any I/O: it must build for
//! `wasm32-unknown-unknown` and native alike.

pub mod auth;
pub mod catalog;
pub mod error;
pub mod filter;
pub mod forms;
pub mod ids;
pub mod markup;
pub mod normalize;
pub mod pages;
pub mod payments;
pub mod requests;
pub mod search;
pub mod smart;
pub mod stats;
pub mod status;
pub mod time;
pub mod tracking;
pub mod url;

pub use catalog::*;
pub use error::{ApiError, ErrorBody};
pub use filter::ServiceFilter;
pub use status::{AgencyStatus, LookupAnswer, StatusReport};

/// `GET /api/health` answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when the server, its database and (if used) Redis answer,
    /// `degraded` otherwise.
    pub status: String,
    /// The server's version (Cargo package version).
    pub version: String,
    /// Whether the database answered a trivial query.
    pub database: bool,
    /// The database engine: `sqlite` or `postgres`.
    pub engine: String,
    /// Whether Redis answered a PING; absent when sessions and limits do
    /// not live in Redis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redis: Option<bool>,
    /// Where the sign-in limit is counted: `memory` (this instance),
    /// `redis` (shared by every instance) or `memory_fallback` (Redis
    /// should hold it but did not answer).
    pub limits: String,
    /// Number of agencies and services in the loaded catalog.
    pub agencies: usize,
    pub services: usize,
}

/// A paged list: every list endpoint answers `{"items": [...], "total": N}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Number of items matching the query over all pages.
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
}

/// Default and maximum page sizes for list endpoints.
pub const DEFAULT_PER_PAGE: usize = 20;
pub const MAX_PER_PAGE: usize = 100;
