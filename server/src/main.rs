//! `panjere`: the Panjere server. `panjere backup <file>`: a consistent copy
//! of its SQLite database, made while it runs.

use std::process::ExitCode;
use std::sync::Arc;

use panjere_server::clock::SystemClock;
use panjere_server::config::Config;
use panjere_server::startup::init_tracing;
use panjere_server::{app, build_state, serve, spawn_background, StartupError};

/// mimalloc: the server allocates many small, short-lived buffers per
/// request (measured with bench/gateway/run.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The main runtime starts the portal and runs its background work; the
/// requests are served by `serve::Workers`, one thread and runtime per core.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => run().await,
        ["backup", file] => backup(std::path::Path::new(file)).await,
        _ => {
            eprintln!("usage: panjere            serve (configured by config/panjere.toml and PANJERE_* variables)\n       panjere backup <file>  copy the SQLite database, consistently, while the server runs");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("panjere: {e}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<(), StartupError> {
    let env = |k: &str| std::env::var(k).ok();
    let config = Config::load(env)?;
    init_tracing(config.log_format);
    let state = build_state(&config, &env, Arc::new(SystemClock)).await?;
    if state.shell().is_none() {
        tracing::warn!(dist = %config.dist_dir.display(), "no client build found; only the API is served");
    }
    let workers = config.worker_threads();
    let address = std::net::SocketAddr::new(config.address, config.port);
    let listeners = serve::bind(address, workers).map_err(|e| StartupError::Listen(address.to_string(), e))?;
    let addr = listeners[0].local_addr().map_err(|e| StartupError::Listen(address.to_string(), e))?;
    let catalog = state.catalog();
    tracing::info!(%addr, workers, agencies = catalog.agencies().len(), services = catalog.service_count(), "Panjere is listening");
    // A machine-readable line for the task runner and tests (port 0).
    println!("PANJERE_LISTENING http://{addr}");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let background = spawn_background(&state);
    let audit = state.stores().audit.clone();
    let connections = serve::Connections::new(serve::Limits::from_config(&config));
    let workers = serve::Workers::spawn(listeners, app(state), connections).map_err(StartupError::Serve)?;
    shutdown().await;
    // Stop accepting and finish the requests in flight; finish the delivery
    // in progress; write the audit log's last batch.
    let served = workers.shutdown().await;
    background.stop(std::time::Duration::from_secs(20)).await;
    audit.flush().await;
    tracing::info!("stopped");
    served.map_err(StartupError::Serve)
}

/// `panjere backup <file>`: the database the configuration names, copied
/// to a new file. PostgreSQL has its own tools (see the README).
async fn backup(to: &std::path::Path) -> Result<(), StartupError> {
    let config = Config::load(|k: &str| std::env::var(k).ok())?;
    if config.secrets.database_url.is_some() {
        return Err(StartupError::Backup(
            "PANJERE_DATABASE_URL names PostgreSQL: back it up with pg_dump or pg_basebackup (see the README)".into(),
        ));
    }
    let from = config.data_dir.join("panjere.db");
    if !from.exists() {
        return Err(StartupError::Backup(format!("no database at {}", from.display())));
    }
    let pool =
        panjere_server::db::open(&config.data_dir).await.map_err(|e| StartupError::Database(config.data_dir.display().to_string(), e))?;
    panjere_server::db::backup(&pool, to).await.map_err(|e| StartupError::Backup(format!("cannot write {}: {e}", to.display())))?;
    println!("backed up {} to {}", from.display(), to.display());
    Ok(())
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
