//! The databases: the embedded SQLite one (opened, created on first run, in
//! the data directory) and PostgreSQL (`PANJERE_DATABASE_URL`), each
//! migrated at start with its own migrations, and [`Stores`] on either.
//!
//! Every store is written once, as SQL both engines accept (`$1…$N`
//! placeholders, `ON CONFLICT`, `RETURNING`), and implemented for both pool
//! types by a macro; what the dialects do differently is named in
//! [`crate::sql::Dialect`].

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};
use tower_sessions::ExpiredDeletion;

use crate::auth::limit::{Limiter, MemoryLimiter};
use crate::auth::store::SqlAuthStore;
use crate::gateway::audit::{AuditPool, BatchedAudit};
use crate::requests::store::SqlRequestStore;
use crate::smart::store::SqlSmartStore;
use crate::sql::Dialect;
use crate::stats::SqlUsageStore;
use crate::stores::{Database, Stores};

/// Opens (creating on first run) and migrates the SQLite database in
/// `data_dir`. Commits are durable when acknowledged: WAL with
/// `synchronous = FULL` syncs the log on every commit, so a request
/// answered with a tracking code survives a power cut, not only a crash
/// (`NORMAL` could lose the last commits; the cost is measured in the
/// README).
pub async fn open(data_dir: &Path) -> Result<SqlitePool, sqlx::Error> {
    std::fs::create_dir_all(data_dir).map_err(sqlx::Error::Io)?;
    let path = data_dir.join("panjere.db");
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(std::time::Duration::from_secs(5))
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// A consistent copy of the SQLite database at `to` (a new file), made
/// while the server runs: `VACUUM INTO` reads one snapshot, so writes
/// going on meanwhile are either wholly in the copy or not at all.
pub async fn backup(pool: &SqlitePool, to: &Path) -> Result<(), sqlx::Error> {
    if to.exists() {
        return Err(sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::AlreadyExists, format!("{} exists", to.display()))));
    }
    sqlx::query("VACUUM INTO $1").bind(to.display().to_string()).execute(pool).await.map(|_| ())
}

/// Connects to PostgreSQL at `url` with at most `connections` connections
/// and applies its migrations (several instances starting at once take
/// turns: sqlx holds an advisory lock while migrating).
pub async fn open_postgres(url: &str, connections: u32) -> Result<PgPool, sqlx::Error> {
    let pool =
        PgPoolOptions::new().max_connections(connections.max(2)).acquire_timeout(std::time::Duration::from_secs(5)).connect(url).await?;
    sqlx::migrate!("./migrations-pg").run(&pool).await?;
    Ok(pool)
}

/// Sessions kept in memory in front of SQLite, at most.
const CACHED_SESSIONS: u64 = 100_000;

/// Every store on one SQLite database (the session store's table created
/// if missing; the audit log's batch writer started); limits in memory.
///
/// Sessions are read from memory and written through to SQLite, and which
/// have ended is remembered: a SQLite database is one instance's (several
/// instances share PostgreSQL and Redis), so every change to a session goes
/// through this cache, and a signed-in request reads its session without a
/// query (a query is a round trip to SQLite's own thread). A restarted
/// instance reads its sessions back from SQLite.
pub async fn sqlite_stores(pool: SqlitePool) -> Result<Stores, sqlx::Error> {
    let sessions = tower_sessions_sqlx_store::SqliteStore::new(pool.clone());
    sessions.migrate().await?;
    let cache = tower_sessions_moka_store::MokaStore::new(Some(CACHED_SESSIONS));
    let served = Arc::new(tower_sessions::CachingSessionStore::new(cache, sessions.clone()));
    // Which sessions have ended, remembered likewise (see RememberEnded).
    let auth = Arc::new(crate::auth::store::RememberEnded::new(SqlAuthStore::new(pool.clone()), CACHED_SESSIONS));
    Ok(Stores { auth, ..stores_on(pool, sessions, served) })
}

/// Every store on one PostgreSQL database; sessions in its
/// `tower_sessions` schema and limits in memory unless
/// [`Stores::with_redis`] moves them.
pub async fn postgres_stores(pool: PgPool) -> Result<Stores, sqlx::Error> {
    let sessions = tower_sessions_sqlx_store::PostgresStore::new(pool.clone());
    sessions.migrate().await?;
    let served = Arc::new(sessions.clone());
    Ok(stores_on(pool, sessions, served))
}

/// `sessions` is the session table (its upkeep), `served` what requests read
/// and write sessions through.
fn stores_on<DB, S>(pool: sqlx::Pool<DB>, sessions: S, served: Arc<dyn tower_sessions::SessionStore>) -> Stores
where
    DB: sqlx::Database,
    S: tower_sessions::SessionStore + Clone,
    Engine<sqlx::Pool<DB>, S>: Database,
    SqlAuthStore<DB>: crate::auth::store::AuthStore,
    SqlRequestStore<DB>: crate::requests::store::RequestStore,
    SqlUsageStore<DB>: crate::stats::UsageStore,
    SqlSmartStore<DB>: crate::smart::store::SmartStore,
    crate::payments::store::SqlPaymentStore<DB>: crate::payments::store::PaymentStore,
    AuditPool: From<sqlx::Pool<DB>>,
{
    Stores {
        database: Arc::new(Engine { pool: pool.clone(), sessions }),
        sessions: served,
        auth: Arc::new(SqlAuthStore::new(pool.clone())),
        requests: Arc::new(SqlRequestStore::new(pool.clone())),
        usage: Arc::new(SqlUsageStore::new(pool.clone())),
        smart: Arc::new(SqlSmartStore::new(pool.clone())),
        payments: Arc::new(crate::payments::store::SqlPaymentStore::new(pool.clone())),
        audit: Arc::new(BatchedAudit::start(pool.into())),
        limits: Arc::new(MemoryLimiter::default()) as Arc<dyn Limiter>,
        redis: None,
    }
}

/// The database as a whole, and the upkeep of its session table.
struct Engine<P, S> {
    pool: P,
    sessions: S,
}

macro_rules! engine {
    ($db:ty, $store:ty) => {
        #[async_trait]
        impl Database for Engine<sqlx::Pool<$db>, $store> {
            async fn ping(&self) -> bool {
                sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
            }

            fn engine(&self) -> &'static str {
                <$db as Dialect>::NAME
            }

            /// Deletes expired sessions every five minutes.
            async fn maintain(&self) {
                if let Err(e) = self.sessions.clone().continuously_delete_expired(std::time::Duration::from_secs(300)).await {
                    tracing::error!(error = %e, "expired-session cleanup stopped");
                }
            }
        }
    };
}
engine!(Sqlite, tower_sessions_sqlx_store::SqliteStore);
engine!(Postgres, tower_sessions_sqlx_store::PostgresStore);
