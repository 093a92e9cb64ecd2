//! Redis (`PANJERE_REDIS_URL`): citizens' sessions and the sign-in address
//! limit, shared by every instance. Keys start with the configured prefix
//! (`PANJERE_REDIS_PREFIX`, default `panjere:`), so several deployments or
//! tests can share one Redis.
//!
//! Sessions: one key per session, `SET … NX` on creation and `SET … XX` on
//! save (so a session deleted by signing out is never written back by a
//! request that was in flight), expiring with the session (`EXAT`).
//!
//! The limit: a sliding window in a sorted set, counted and added to in one
//! Lua script (atomic across instances). When Redis does not answer, the
//! limiter counts in this instance's memory instead (each instance then
//! allows the limit on its own), logs it once, and `/api/health` says so.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use fred::prelude::*;
use fred::types::{Expiration, SetOptions};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::auth::limit::{Limiter, MemoryLimiter};

/// A pool of connections to Redis that reconnects on its own.
#[derive(Clone)]
pub struct Redis {
    pool: Pool,
    prefix: Arc<str>,
}

impl std::fmt::Debug for Redis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redis").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

impl Redis {
    /// Connects (waiting up to two seconds; a Redis that is down at start
    /// is reconnected to in the background, and `/api/health` answers 503
    /// meanwhile).
    pub async fn connect(url: &str, prefix: &str, connections: usize) -> Result<Redis, Error> {
        let config = Config::from_url(url)?;
        let pool = Builder::from_config(config)
            .with_connection_config(|c| {
                c.connection_timeout = Duration::from_secs(1);
                c.max_command_attempts = 2;
            })
            .with_performance_config(|p| {
                p.default_command_timeout = Duration::from_millis(1500);
            })
            .set_policy(ReconnectPolicy::new_constant(0, 500))
            .build_pool(connections.max(1))?;
        pool.connect();
        if tokio::time::timeout(Duration::from_secs(2), pool.wait_for_connect()).await.is_err() {
            tracing::error!("Redis does not answer; reconnecting in the background");
        }
        Ok(Redis { pool, prefix: prefix.into() })
    }

    /// Whether Redis answers a PING.
    pub async fn ping(&self) -> bool {
        matches!(tokio::time::timeout(Duration::from_secs(1), self.pool.ping::<String>(None)).await, Ok(Ok(_)))
    }

    fn key(&self, kind: &str, id: &str) -> String {
        format!("{}{kind}:{id}", self.prefix)
    }

    /// Closes the connections.
    pub async fn quit(&self) {
        let _ = self.pool.quit().await;
    }
}

/// Citizens' sessions in Redis.
#[derive(Debug, Clone)]
pub struct RedisSessions(pub Redis);

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

impl RedisSessions {
    async fn write(&self, record: &Record, option: SetOptions) -> session_store::Result<bool> {
        let data = serde_json::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let key = self.0.key("session", &record.id.to_string());
        let written: Option<String> = self
            .0
            .pool
            .set(key, data.as_slice(), Some(Expiration::EXAT(record.expiry_date.unix_timestamp())), Some(option), false)
            .await
            .map_err(backend)?;
        Ok(written.is_some())
    }
}

#[async_trait]
impl SessionStore for RedisSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        while !self.write(record, SetOptions::NX).await? {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.write(record, SetOptions::XX).await.map(|_| ())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let data: Option<Vec<u8>> = self.0.pool.get(self.0.key("session", &id.to_string())).await.map_err(backend)?;
        data.map(|d| serde_json::from_slice(&d).map_err(|e| session_store::Error::Decode(e.to_string()))).transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let _: i64 = self.0.pool.del(self.0.key("session", &id.to_string())).await.map_err(backend)?;
        Ok(())
    }
}

/// KEYS[1]: the window's sorted set; ARGV: now, window, limit, a unique
/// member. 0 when counted, else the seconds to wait.
const SLIDING_WINDOW: &str = r"
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(1, tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], window)
return 0
";

/// The sign-in limit shared by every instance, with a fallback to memory.
pub struct RedisLimiter {
    redis: Redis,
    fallback: MemoryLimiter,
    down: AtomicBool,
}

impl RedisLimiter {
    pub fn new(redis: Redis) -> Self {
        RedisLimiter { redis, fallback: MemoryLimiter::default(), down: AtomicBool::new(false) }
    }
}

#[async_trait]
impl Limiter for RedisLimiter {
    async fn hit(&self, key: &str, now: i64, limit: u32, window: i64) -> Result<(), u64> {
        let member = format!("{now}:{}", crate::rand::random_id());
        let args = vec![now.to_string(), window.to_string(), limit.to_string(), member];
        let answer: Result<i64, Error> = self.redis.pool.eval(SLIDING_WINDOW, vec![self.redis.key("limit", key)], args).await;
        match answer {
            Ok(wait) => {
                if self.down.swap(false, Ordering::Relaxed) {
                    tracing::warn!("Redis answers again: sign-in limits are shared again");
                }
                if wait > 0 {
                    Err(wait as u64)
                } else {
                    Ok(())
                }
            }
            Err(e) => {
                if !self.down.swap(true, Ordering::Relaxed) {
                    tracing::error!(error = %e, "Redis does not answer: sign-in limits are counted by this instance alone");
                }
                self.fallback.hit_now(key, now, limit, window)
            }
        }
    }

    fn kind(&self) -> &'static str {
        if self.down.load(Ordering::Relaxed) {
            "memory_fallback"
        } else {
            "redis"
        }
    }
}
