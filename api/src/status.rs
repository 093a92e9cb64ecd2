//! `GET /api/status` and the gateway's answers.

use serde::{Deserialize, Serialize};

use crate::Text;

/// How an agency's connection is doing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyStatus {
    pub id: String,
    pub name: Text,
    /// Connected: registered, its credential accepted, its published
    /// description matching every registered operation and its last health
    /// probe answered. Measured by the gateway, never a flag.
    #[serde(default)]
    pub connected: bool,
    /// Why not: each operation that does not match the agency's
    /// description (and why), a refused credential, an unreadable
    /// description.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// `up`, `degraded`, `down` or `unknown` (not called yet).
    pub state: String,
    /// The circuit breaker: `closed`, `open` or `half_open`.
    pub breaker: String,
    /// Median and 95th-percentile latency of recent successful calls.
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    /// RFC 3339 time of the last successful call.
    pub last_success: Option<String>,
    pub calls: u64,
    pub failures: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusReport {
    pub agencies: Vec<AgencyStatus>,
    /// RFC 3339 time of this report.
    pub checked_at: String,
}

/// `GET /api/lookup/{operation}`: a public inquiry answered by an agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LookupAnswer {
    pub operation: String,
    pub agency: String,
    pub agency_name: Text,
    /// RFC 3339 time of the answer.
    pub answered_at: String,
    /// The agency's answer, as it gave it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub result: serde_json::Value,
}
