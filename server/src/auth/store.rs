//! Where sign-in keeps its records: one-time-code challenges, the index of
//! citizens' sessions, and who has signed in. Behind [`AuthStore`] so a
//! implementation on SQLite or on PostgreSQL (one SQL text, [`SqlAuthStore`]) can
//! be injected.

use crate::sql::Dialect;
use async_trait::async_trait;

pub type StoreResult<T> = Result<T, sqlx::Error>;

/// A one-time-code challenge.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Challenge {
    pub id: String,
    pub citizen: String,
    pub code_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub attempts: i64,
    pub locked_at: Option<i64>,
    pub used_at: Option<i64>,
}

/// A row of the session index.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    pub handle: String,
    pub session_id: String,
    pub citizen: String,
    pub device: String,
    pub started_at: i64,
    pub last_seen: i64,
}

#[async_trait]
pub trait AuthStore: Send + Sync + 'static {
    /// Stores a new challenge and marks the citizen's earlier ones replaced.
    async fn add_challenge(&self, c: &Challenge) -> StoreResult<()>;
    async fn challenge(&self, id: &str) -> StoreResult<Option<Challenge>>;
    /// The citizen's most recent challenge.
    async fn latest_challenge(&self, citizen: &str) -> StoreResult<Option<Challenge>>;
    /// Challenges created for the citizen since `since`: (count, oldest).
    async fn challenges_since(&self, citizen: &str, since: i64) -> StoreResult<(i64, Option<i64>)>;
    /// Counts a wrong attempt; locks the challenge when it reaches `max`.
    /// Returns the attempts made so far.
    async fn wrong_attempt(&self, id: &str, max: u32, now: i64) -> StoreResult<i64>;
    /// Marks the challenge used; false if it was already used, locked or
    /// replaced (so a code signs in once).
    async fn use_challenge(&self, id: &str, max: u32, now: i64) -> StoreResult<bool>;

    async fn add_session(&self, s: &SessionRow) -> StoreResult<()>;
    async fn touch_session(&self, handle: &str, now: i64) -> StoreResult<()>;
    /// Whether the session with this handle has ended (signed out, timed
    /// out, ended from another device) or was never recorded.
    async fn session_ended(&self, handle: &str) -> StoreResult<bool>;
    async fn end_session(&self, handle: &str, now: i64, reason: &str) -> StoreResult<()>;
    /// The citizen's sessions not ended and seen since `seen_since`, started
    /// since `started_since`; most recently seen first.
    async fn active_sessions(&self, citizen: &str, seen_since: i64, started_since: i64) -> StoreResult<Vec<SessionRow>>;

    /// Records a sign-in (first and last sign-in times, count).
    async fn record_sign_in(&self, citizen: &str, now: i64) -> StoreResult<()>;
}

/// [`AuthStore`] on a SQLite or PostgreSQL pool.
pub struct SqlAuthStore<DB: sqlx::Database> {
    pool: sqlx::Pool<DB>,
}

impl<DB: sqlx::Database> SqlAuthStore<DB> {
    pub fn new(pool: sqlx::Pool<DB>) -> Self {
        SqlAuthStore { pool }
    }
}

const CHALLENGE_COLUMNS: &str = "id, citizen, code_hash, created_at, expires_at, attempts, locked_at, used_at";
const SESSION_COLUMNS: &str = "handle, session_id, citizen, device, started_at, last_seen";

macro_rules! auth_store {
    ($db:ty) => {
        #[async_trait]
        impl AuthStore for SqlAuthStore<$db> {
            async fn add_challenge(&self, c: &Challenge) -> StoreResult<()> {
                let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
                sqlx::query("UPDATE otp_challenge SET replaced = 1 WHERE citizen = $1 AND replaced = 0")
                    .bind(&c.citizen)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO otp_challenge (id, citizen, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&c.id)
                    .bind(&c.citizen)
                    .bind(&c.code_hash)
                    .bind(c.created_at)
                    .bind(c.expires_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await
            }

            async fn challenge(&self, id: &str) -> StoreResult<Option<Challenge>> {
                sqlx::query_as(&format!("SELECT {CHALLENGE_COLUMNS} FROM otp_challenge WHERE id = $1 AND replaced = 0"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
            }

            async fn latest_challenge(&self, citizen: &str) -> StoreResult<Option<Challenge>> {
                sqlx::query_as(&format!(
                    "SELECT {CHALLENGE_COLUMNS} FROM otp_challenge WHERE citizen = $1 ORDER BY created_at DESC, {} DESC LIMIT 1",
                    <$db as Dialect>::SEQ
                ))
                .bind(citizen)
                .fetch_optional(&self.pool)
                .await
            }

            async fn challenges_since(&self, citizen: &str, since: i64) -> StoreResult<(i64, Option<i64>)> {
                sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM otp_challenge WHERE citizen = $1 AND created_at > $2")
                    .bind(citizen)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await
            }

            async fn wrong_attempt(&self, id: &str, max: u32, now: i64) -> StoreResult<i64> {
                sqlx::query_scalar(
                    "UPDATE otp_challenge SET attempts = attempts + 1, \
                     locked_at = CASE WHEN attempts + 1 >= $1 THEN $2 ELSE locked_at END \
                     WHERE id = $3 RETURNING attempts",
                )
                .bind(i64::from(max))
                .bind(now)
                .bind(id)
                .fetch_one(&self.pool)
                .await
            }

            async fn use_challenge(&self, id: &str, max: u32, now: i64) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE otp_challenge SET used_at = $1 \
                     WHERE id = $2 AND used_at IS NULL AND locked_at IS NULL AND replaced = 0 AND attempts < $3",
                )
                .bind(now)
                .bind(id)
                .bind(i64::from(max))
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn add_session(&self, s: &SessionRow) -> StoreResult<()> {
                sqlx::query(&format!("INSERT INTO citizen_session ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"))
                    .bind(&s.handle)
                    .bind(&s.session_id)
                    .bind(&s.citizen)
                    .bind(&s.device)
                    .bind(s.started_at)
                    .bind(s.last_seen)
                    .execute(&self.pool)
                    .await
                    .map(|_| ())
            }

            async fn touch_session(&self, handle: &str, now: i64) -> StoreResult<()> {
                sqlx::query("UPDATE citizen_session SET last_seen = $1 WHERE handle = $2 AND ended_at IS NULL")
                    .bind(now)
                    .bind(handle)
                    .execute(&self.pool)
                    .await
                    .map(|_| ())
            }

            async fn session_ended(&self, handle: &str) -> StoreResult<bool> {
                let open: Option<String> = sqlx::query_scalar("SELECT handle FROM citizen_session WHERE handle = $1 AND ended_at IS NULL")
                    .bind(handle)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(open.is_none())
            }

            async fn end_session(&self, handle: &str, now: i64, reason: &str) -> StoreResult<()> {
                sqlx::query("UPDATE citizen_session SET ended_at = $1, end_reason = $2 WHERE handle = $3 AND ended_at IS NULL")
                    .bind(now)
                    .bind(reason)
                    .bind(handle)
                    .execute(&self.pool)
                    .await
                    .map(|_| ())
            }

            async fn active_sessions(&self, citizen: &str, seen_since: i64, started_since: i64) -> StoreResult<Vec<SessionRow>> {
                sqlx::query_as(&format!(
                    "SELECT {SESSION_COLUMNS} FROM citizen_session \
                     WHERE citizen = $1 AND ended_at IS NULL AND last_seen > $2 AND started_at > $3 \
                     ORDER BY last_seen DESC, started_at DESC"
                ))
                .bind(citizen)
                .bind(seen_since)
                .bind(started_since)
                .fetch_all(&self.pool)
                .await
            }

            async fn record_sign_in(&self, citizen: &str, now: i64) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO citizen (pseudonym, first_sign_in, last_sign_in) VALUES ($1, $2, $3) \
                     ON CONFLICT (pseudonym) DO UPDATE SET last_sign_in = excluded.last_sign_in, sign_ins = citizen.sign_ins + 1",
                )
                .bind(citizen)
                .bind(now)
                .bind(now)
                .execute(&self.pool)
                .await
                .map(|_| ())
            }
        }
    };
}
auth_store!(sqlx::Sqlite);
auth_store!(sqlx::Postgres);

/// An [`AuthStore`] that remembers which sessions have ended, for a
/// database only this instance writes (SQLite: several instances share
/// PostgreSQL): every signed-in request asks whether its session has ended,
/// and here the answer comes from memory instead of a query (a round trip
/// to SQLite's own thread). Every session ends through
/// [`AuthStore::end_session`] of this store, and an ended session never
/// reopens; an answer read from the database is remembered only if no end
/// was remembered meanwhile, so a stale "open" can never hide an end. A
/// forgotten answer (past `capacity`) is asked of the database again.
pub struct RememberEnded<S> {
    inner: S,
    ended: moka::future::Cache<String, bool>,
}

impl<S> RememberEnded<S> {
    pub fn new(inner: S, capacity: u64) -> Self {
        RememberEnded { inner, ended: moka::future::Cache::new(capacity) }
    }
}

#[async_trait]
impl<S: AuthStore> AuthStore for RememberEnded<S> {
    async fn add_challenge(&self, c: &Challenge) -> StoreResult<()> {
        self.inner.add_challenge(c).await
    }
    async fn challenge(&self, id: &str) -> StoreResult<Option<Challenge>> {
        self.inner.challenge(id).await
    }
    async fn latest_challenge(&self, citizen: &str) -> StoreResult<Option<Challenge>> {
        self.inner.latest_challenge(citizen).await
    }
    async fn challenges_since(&self, citizen: &str, since: i64) -> StoreResult<(i64, Option<i64>)> {
        self.inner.challenges_since(citizen, since).await
    }
    async fn wrong_attempt(&self, id: &str, max: u32, now: i64) -> StoreResult<i64> {
        self.inner.wrong_attempt(id, max, now).await
    }
    async fn use_challenge(&self, id: &str, max: u32, now: i64) -> StoreResult<bool> {
        self.inner.use_challenge(id, max, now).await
    }
    async fn add_session(&self, s: &SessionRow) -> StoreResult<()> {
        self.inner.add_session(s).await
    }
    async fn touch_session(&self, handle: &str, now: i64) -> StoreResult<()> {
        self.inner.touch_session(handle, now).await
    }
    async fn session_ended(&self, handle: &str) -> StoreResult<bool> {
        if let Some(ended) = self.ended.get(handle).await {
            return Ok(ended);
        }
        let ended = self.inner.session_ended(handle).await?;
        // An end remembered since the query stands.
        Ok(self.ended.entry(handle.to_owned()).or_insert(ended).await.into_value())
    }
    async fn end_session(&self, handle: &str, now: i64, reason: &str) -> StoreResult<()> {
        self.inner.end_session(handle, now, reason).await?;
        self.ended.insert(handle.to_owned(), true).await;
        Ok(())
    }
    async fn active_sessions(&self, citizen: &str, seen_since: i64, started_since: i64) -> StoreResult<Vec<SessionRow>> {
        self.inner.active_sessions(citizen, seen_since, started_since).await
    }
    async fn record_sign_in(&self, citizen: &str, now: i64) -> StoreResult<()> {
        self.inner.record_sign_in(citizen, now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(handle: &str) -> SessionRow {
        SessionRow {
            handle: handle.into(),
            session_id: format!("s-{handle}"),
            citizen: "c".into(),
            device: "phone".into(),
            started_at: 1,
            last_seen: 1,
        }
    }

    /// The remembered answer is the database's: open until ended, ended for
    /// good (even after "open" was remembered), ended for a handle never
    /// recorded; a store started afresh on the same database reads the same.
    #[tokio::test]
    async fn remembers_which_sessions_ended() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::open(dir.path()).await.unwrap();
        let store = RememberEnded::new(SqlAuthStore::new(pool.clone()), 10);
        store.add_session(&row("a")).await.unwrap();
        store.add_session(&row("b")).await.unwrap();
        assert!(!store.session_ended("a").await.unwrap());
        assert!(!store.session_ended("a").await.unwrap(), "remembered open");
        store.end_session("a", 5, "sign_out").await.unwrap();
        assert!(store.session_ended("a").await.unwrap(), "an end replaces a remembered open");
        assert!(!store.session_ended("b").await.unwrap());
        assert!(store.session_ended("never").await.unwrap());
        // Ended behind a fresh store's back is impossible here by design;
        // what the database holds is what a fresh store reads.
        let fresh = RememberEnded::new(SqlAuthStore::new(pool), 10);
        assert!(fresh.session_ended("a").await.unwrap());
        assert!(!fresh.session_ended("b").await.unwrap());
        // Past its capacity it asks the database again: still right.
        for i in 0..50 {
            store.add_session(&row(&format!("x{i}"))).await.unwrap();
            assert!(!store.session_ended(&format!("x{i}")).await.unwrap());
        }
        store.ended.run_pending_tasks().await;
        assert!(store.session_ended("a").await.unwrap());
        assert!(!store.session_ended("b").await.unwrap());
    }
}
