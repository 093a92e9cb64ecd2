//! Simulated government agencies. Each is a real HTTP server on its own
//! port that requires its own credential on every request, so the server
//! talks to it exactly as it would to a real agency.
//!
//! This crate starts small (identity, credentials, health); the gateway
//! issue grows each agency's operations, data and fault injection.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

/// The simulated agencies: catalog id and the development credential
/// (overridable with `PANJERE_AGENCY_<ID>_KEY`).
pub const AGENCIES: &[&str] = &[
    "sabt-ahval",
    "cra",
    "sms",
    "traffic-police",
    "passport-police",
    "tax",
    "customs",
    "social-security",
    "post",
    "conscription",
];

#[derive(Debug, Clone)]
pub struct Options {
    pub address: IpAddr,
    /// First port; agency i listens on `base_port + i`. 0: any free port.
    pub base_port: u16,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            address: IpAddr::from([127, 0, 0, 1]),
            base_port: 0,
        }
    }
}

/// The credential an agency expects: from the environment, else a
/// development default that names the agency.
pub fn credential(id: &str) -> String {
    let var = format!("PANJERE_AGENCY_{}_KEY", id.to_uppercase().replace('-', "_"));
    std::env::var(var).unwrap_or_else(|_| format!("dev-{id}-key"))
}

#[derive(Clone)]
struct AgencyState {
    id: &'static str,
    key: String,
}

/// The router of one agency.
pub fn agency_router(id: &'static str, key: String) -> Router {
    let state = AgencyState { id, key };
    Router::new()
        .route("/health", get(health))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_credential,
        ))
        .with_state(state)
}

async fn health(State(s): State<AgencyState>) -> Json<serde_json::Value> {
    Json(json!({ "agency": s.id, "status": "up" }))
}

/// Every request must carry `Authorization: Bearer <credential>`.
async fn require_credential(State(s): State<AgencyState>, req: Request, next: Next) -> Response {
    let ok = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|k| k == s.key);
    if ok {
        next.run(req).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "missing or wrong credential", "agency": s.id })),
        )
            .into_response()
    }
}

/// Binds every agency and serves until the process ends.
pub async fn serve_all(opts: Options) -> std::io::Result<()> {
    let mut tasks = Vec::new();
    for (i, id) in AGENCIES.iter().enumerate() {
        let port = if opts.base_port == 0 {
            0
        } else {
            opts.base_port + i as u16
        };
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(opts.address, port)).await?;
        let addr = listener.local_addr()?;
        println!("AGENCY {id} http://{addr}");
        std::io::Write::flush(&mut std::io::stdout())?;
        let app = agency_router(id, credential(id));
        tasks.push(tokio::spawn(
            async move { axum::serve(listener, app).await },
        ));
    }
    println!("AGENCIES READY {}", AGENCIES.len());
    std::io::Write::flush(&mut std::io::stdout())?;
    tracing::info!(count = AGENCIES.len(), "simulated agencies are listening");
    for t in tasks {
        t.await.map_err(std::io::Error::other)??;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    #[tokio::test]
    async fn credential_is_required() {
        let app = agency_router("post", "secret".into());
        let res = app
            .clone()
            .oneshot(Request::get("/health").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let res = app
            .clone()
            .oneshot(
                Request::get("/health")
                    .header("authorization", "Bearer wrong")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let res = app
            .oneshot(
                Request::get("/health")
                    .header("authorization", "Bearer secret")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }

    #[test]
    fn development_credentials_name_the_agency() {
        assert_eq!(
            credential("traffic-police"),
            std::env::var("PANJERE_AGENCY_TRAFFIC_POLICE_KEY")
                .unwrap_or_else(|_| "dev-traffic-police-key".into())
        );
    }
}
