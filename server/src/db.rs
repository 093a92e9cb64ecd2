//! The embedded SQLite database: opened (created on first run) in the data
//! directory, migrated at start, and the SQLite implementation of every
//! store.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use tower_sessions::ExpiredDeletion;

use crate::auth::store::SqliteAuthStore;
use crate::gateway::audit::SqliteAudit;
use crate::requests::store::SqliteRequestStore;
use crate::stats::SqliteUsageStore;
use crate::stores::{Database, Stores};

pub async fn open(data_dir: &Path) -> Result<SqlitePool, sqlx::Error> {
    std::fs::create_dir_all(data_dir).map_err(sqlx::Error::Io)?;
    let path = data_dir.join("panjere.db");
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(std::time::Duration::from_secs(5))
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// Every store on one SQLite database (the session store's table created
/// if missing; the audit log's batch writer started).
pub async fn sqlite_stores(pool: SqlitePool) -> Result<Stores, sqlx::Error> {
    let sessions = tower_sessions_sqlx_store::SqliteStore::new(pool.clone());
    sessions.migrate().await?;
    Ok(Stores {
        database: Arc::new(Sqlite { pool: pool.clone(), sessions: sessions.clone() }),
        sessions: Arc::new(sessions),
        auth: Arc::new(SqliteAuthStore::new(pool.clone())),
        requests: Arc::new(SqliteRequestStore::new(pool.clone())),
        usage: Arc::new(SqliteUsageStore::new(pool.clone())),
        audit: Arc::new(SqliteAudit::start(pool)),
    })
}

struct Sqlite {
    pool: SqlitePool,
    sessions: tower_sessions_sqlx_store::SqliteStore,
}

#[async_trait]
impl Database for Sqlite {
    async fn ping(&self) -> bool {
        sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    /// Deletes expired sessions every five minutes.
    async fn maintain(&self) {
        if let Err(e) = self.sessions.clone().continuously_delete_expired(std::time::Duration::from_secs(300)).await {
            tracing::error!(error = %e, "expired-session cleanup stopped");
        }
    }
}
