//! One way to build the application, used by `main` and by every test:
//! [`build_state`] turns the configuration into an [`AppState`], and
//! [`spawn_background`] starts the work that runs beside the requests.

use std::sync::Arc;

use crate::auth::{Auth, DynStore};
use crate::catalog::{Catalog, CatalogErrors};
use crate::clock::Clock;
use crate::config::{Config, ConfigError, LogFormat, Mode};
use crate::gateway::registry::Registry;
use crate::gateway::Gateway;
use crate::requests::Requests;
use crate::smart::Smart;
use crate::state::{AppState, Parts};
use crate::stores::Stores;
use crate::web::Shell;

/// Why the server could not start; `main` reports it once.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{0}")]
    Config(#[from] ConfigError),
    #[error("cannot load the catalog from {0}: {1}")]
    Catalog(String, CatalogErrors),
    #[error("cannot open the database in {0}: {1}")]
    Database(String, sqlx::Error),
    #[error("backup: {0}")]
    Backup(String),
    #[error("cannot use Redis (PANJERE_REDIS_URL): {0}")]
    Redis(String),
    #[error("cannot set up the agency gateway: {0}")]
    Gateway(String),
    #[error("cannot listen on {0}: {1}")]
    Listen(String, std::io::Error),
    #[error("cannot start the serving threads: {0}")]
    Serve(std::io::Error),
}

/// Builds the application from its configuration: on PostgreSQL when
/// `PANJERE_DATABASE_URL` is set, else the embedded SQLite database; with
/// sessions and limits in Redis when `PANJERE_REDIS_URL` is set. `env` gives the agencies' URLs and secrets
/// ([`Config::agencies`]), `clock` the window's time.
pub async fn build_state(config: &Config, env: &dyn Fn(&str) -> Option<String>, clock: Arc<dyn Clock>) -> Result<AppState, StartupError> {
    let catalog = Catalog::load(&config.catalog_dir).map_err(|e| StartupError::Catalog(config.catalog_dir.display().to_string(), e))?;
    let stores = open_stores(config).await?;
    build_state_with(config, env, clock, catalog, stores)
}

/// Connections each instance keeps to Redis: its commands are single
/// round trips of microseconds, pipelined by fred on each connection.
const REDIS_CONNECTIONS: usize = 4;

/// The stores the configuration names.
pub async fn open_stores(config: &Config) -> Result<Stores, StartupError> {
    let stores = match &config.secrets.database_url {
        Some(url) => {
            let database = |e| StartupError::Database("PostgreSQL (PANJERE_DATABASE_URL)".into(), e);
            let pool = crate::db::open_postgres(url.expose(), config.database_connections).await.map_err(database)?;
            crate::db::postgres_stores(pool).await.map_err(database)?
        }
        None => {
            let database = |e| StartupError::Database(config.data_dir.display().to_string(), e);
            let pool = crate::db::open(&config.data_dir).await.map_err(database)?;
            crate::db::sqlite_stores(pool).await.map_err(database)?
        }
    };
    Ok(match &config.secrets.redis_url {
        Some(url) => {
            let redis = crate::redis::Redis::connect(url.expose(), &config.redis_prefix, REDIS_CONNECTIONS)
                .await
                .map_err(|e| StartupError::Redis(e.to_string()))?;
            stores.with_redis(redis)
        }
        None => stores,
    })
}

/// Builds the application on the given stores.
pub fn build_state_with(
    config: &Config,
    env: &dyn Fn(&str) -> Option<String>,
    clock: Arc<dyn Clock>,
    catalog: Catalog,
    stores: Stores,
) -> Result<AppState, StartupError> {
    let registry = Registry::new(config.agencies(env)?, &config.operations_file).map_err(StartupError::Gateway)?;
    crate::catalog::forms::check_operations(&catalog, &registry).map_err(StartupError::Gateway)?;
    let names = |id: &str| {
        catalog
            .agency_name(id)
            .cloned()
            .or_else(|| registry.agencies.get(id).and_then(|a| a.name.clone()))
            .unwrap_or_else(|| panjere_api::Text { fa: id.to_owned(), en: id.to_owned() })
    };
    let gateway = Gateway::new(registry.clone(), stores.audit.clone(), &config.secrets.pseudonym_key, &names, clock.clone())
        .map_err(StartupError::Gateway)?;
    let gateway = Arc::new(gateway);
    let secure = config.auth.cookie_secure.unwrap_or(config.mode == Mode::Production);
    let auth = Auth::new(
        config.auth.clone(),
        secure,
        stores.auth.clone(),
        DynStore(stores.sessions.clone()),
        stores.limits.clone(),
        &config.secrets.otp_key,
    );
    let catalog = Arc::new(catalog);
    let rules = crate::smart::rules::Rules::load(&config.catalog_dir, &catalog, gateway.registry()).map_err(StartupError::Gateway)?;
    let requests = Arc::new(Requests::new(stores.requests.clone(), gateway.clone(), catalog.clone(), clock.clone(), config.requests));
    let smart = Smart::new(rules, stores.smart.clone(), gateway.clone(), catalog.clone(), requests.clone(), clock.clone(), config.requests);
    let payments = Arc::new(crate::payments::Payments::new(
        stores.payments.clone(),
        gateway.clone(),
        requests.clone(),
        clock.clone(),
        config.payments.clone(),
    ));
    let shell = Shell::load(&config.dist_dir).map(Arc::new);
    let instance = config.instance.clone().unwrap_or_else(|| format!("pid-{}", std::process::id()));
    Ok(AppState::new(Parts {
        catalog,
        shell,
        gateway,
        auth: Arc::new(auth),
        requests,
        smart: Arc::new(smart),
        payments,
        stores,
        clock,
        instance,
    }))
}

/// The work beside the requests: agency health probes, request delivery
/// and polling, the database's upkeep. [`Background::stop`] lets the
/// delivery in progress finish; dropping it aborts everything.
pub struct Background {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    worker: Option<tokio::task::JoinHandle<()>>,
    stop: tokio::sync::watch::Sender<bool>,
}

impl Background {
    /// Stops claiming work, waits (up to `grace`) for the delivery in
    /// progress, gives back what was claimed and not started, and stops the
    /// rest.
    pub async fn stop(mut self, grace: std::time::Duration) {
        let _ = self.stop.send(true);
        if let Some(worker) = self.worker.take() {
            let abort = worker.abort_handle();
            if tokio::time::timeout(grace, worker).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        for task in self.tasks.iter().chain(&self.worker) {
            task.abort();
        }
    }
}

pub fn spawn_background(state: &AppState) -> Background {
    let mut tasks = state.gateway().spawn_prober();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // Unique per process, whatever the instance is called.
    let owner = format!("{}/{}", state.instance(), crate::rand::random_id());
    let worker = crate::requests::spawn_worker(state.requests().clone(), owner.clone(), stopped.clone());
    tasks.push(crate::smart::spawn_worker(state.smart().clone(), owner.clone(), stopped.clone()));
    tasks.push(crate::payments::spawn_worker(state.payments().clone(), owner, stopped));
    let database = state.stores().database.clone();
    tasks.push(tokio::spawn(async move { database.maintain().await }));
    Background { tasks, worker: Some(worker), stop }
}

/// Sets up structured logging (JSON lines by default).
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PANJERE_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).init(),
        LogFormat::Pretty => builder.init(),
    }
}
