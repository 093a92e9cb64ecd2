//! `panjere`: the Panjere server.

use std::process::ExitCode;

use panjere_server::catalog::Catalog;
use panjere_server::config::Config;
use panjere_server::{app, build_auth, build_gateway, db, init_tracing, serve, spawn_session_cleanup, web, AppState};

/// mimalloc: the server allocates many small, short-lived buffers per
/// request (measured with bench/gateway/run.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The main runtime starts the portal and runs its background work; the
/// requests are served by `serve::Workers`, one thread and runtime per core.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let config = match Config::load(|k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("panjere: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(config.log_format);
    let catalog = match Catalog::load(&config.catalog_dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("panjere: cannot load the catalog from {}: {e}", config.catalog_dir.display());
            return ExitCode::from(2);
        }
    };
    let pool = match db::open(&config.data_dir).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("panjere: cannot open the database in {}: {e}", config.data_dir.display());
            return ExitCode::from(2);
        }
    };
    let env = |k: &str| std::env::var(k).ok();
    let gateway = match build_gateway(&config, &catalog, pool.clone(), &env) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("panjere: cannot set up the agency gateway: {e}");
            return ExitCode::from(2);
        }
    };
    gateway.spawn_prober();
    let auth = match build_auth(&config, pool.clone(), std::sync::Arc::new(panjere_server::auth::SystemClock), &env).await {
        Ok(a) => a,
        Err(e) => {
            eprintln!("panjere: cannot set up sign-in: {e}");
            return ExitCode::from(2);
        }
    };
    spawn_session_cleanup(pool.clone());
    let shell = web::Shell::load(&config.dist_dir);
    if shell.is_none() {
        tracing::warn!(dist = %config.dist_dir.display(), "no client build found; only the API is served");
    }
    let workers = config.worker_threads();
    let listeners = match serve::bind(std::net::SocketAddr::new(config.address, config.port), workers) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("panjere: cannot listen on {}:{}: {e}", config.address, config.port);
            return ExitCode::from(2);
        }
    };
    let addr = listeners[0].local_addr().expect("bound listener has an address");
    tracing::info!(%addr, workers, agencies = catalog.agencies().len(), services = catalog.service_count(), "Panjere is listening");
    // A machine-readable line for the task runner and tests (port 0).
    println!("PANJERE_LISTENING http://{addr}");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let state = AppState::new(catalog, pool, shell, gateway.clone(), auth);
    let _worker = panjere_server::requests::spawn_worker(state.clone());
    let workers = match serve::Workers::spawn(listeners, app(state)) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("panjere: cannot start the serving threads: {e}");
            return ExitCode::FAILURE;
        }
    };
    shutdown().await;
    let served = workers.shutdown().await;
    gateway.audit().flush().await;
    if let Err(e) = served {
        eprintln!("panjere: server error: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).expect("SIGTERM handler");
    tokio::select! {
        _ = ctrl_c => {},
        _ = term.recv() => {},
    }
    tracing::info!("shutting down");
}
