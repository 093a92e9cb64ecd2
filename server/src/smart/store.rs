//! Life events, the feed cursors, offers and opt-outs, behind
//! [`SmartStore`] (one SQL text for SQLite and PostgreSQL). Every event is
//! stored once (`UNIQUE (agency, event_id)`), every offer once per event
//! and rule (`UNIQUE (event, rule)`): a pushed, re-pushed and pulled event
//! starts its services once whatever the order and the restarts.

use std::collections::BTreeMap;

use async_trait::async_trait;
use panjere_api::smart::{DataRead, ProactivePrefs};
use sqlx::types::Json;

use crate::requests::store::{RequestRow, SqlRequestStore, StoreResult, Values};
use crate::sql::Dialect;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EventRow {
    pub id: String,
    pub agency: String,
    pub event_id: i64,
    pub kind: String,
    pub national_code: String,
    pub data: Json<serde_json::Map<String, serde_json::Value>>,
    pub occurred_at: i64,
    pub received_at: i64,
    pub via: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OfferRow {
    pub id: String,
    pub citizen: String,
    pub national_code: String,
    pub rule: String,
    pub event: String,
    pub mode: String,
    pub status: String,
    /// Service → field → value.
    pub prefill: Json<BTreeMap<String, Values>>,
    pub reads: Json<Vec<DataRead>>,
    pub tracking_code: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub decided_at: Option<i64>,
    pub seen_at: Option<i64>,
}

impl OfferRow {
    /// Its status at `now`: an open offer past its expiry is `expired`
    /// (before the worker has written it).
    pub fn status_at(&self, now: i64) -> &str {
        if self.status == "open" && self.expires_at <= now {
            "expired"
        } else {
            &self.status
        }
    }
}

/// A part of a bundle: the request made for one service.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PartRow {
    pub id: String,
    pub tracking_code: String,
    pub service: String,
    pub status: String,
}

/// What the public figures count about proactive services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmartUsage {
    pub requests_proactive: u64,
    /// Consent offers by status.
    pub offers: BTreeMap<String, u64>,
    /// Seconds from the event to each proactive request's decision.
    pub event_to_decision: Vec<i64>,
}

#[async_trait]
pub trait SmartStore: Send + Sync + 'static {
    /// Stores an event; false when it was stored before (by push or pull).
    async fn add_event(&self, e: &EventRow) -> StoreResult<bool>;
    async fn event(&self, id: &str) -> StoreResult<Option<EventRow>>;
    /// Claims up to `limit` events not yet processed (leased for `lease_s`).
    async fn claim_events(&self, owner: &str, now: i64, lease_s: i64, limit: i64) -> StoreResult<Vec<EventRow>>;
    /// Processing finished: never again.
    async fn finish_event(&self, id: &str, outcome: &str, now: i64) -> StoreResult<()>;
    /// Processing failed for now: let it be claimed again after `retry_at`.
    async fn retry_event(&self, id: &str, retry_at: i64) -> StoreResult<()>;
    /// The last event id read from `agency`'s feed.
    async fn cursor(&self, agency: &str) -> StoreResult<i64>;
    /// Moves the cursor forward (never back).
    async fn set_cursor(&self, agency: &str, last_id: i64, now: i64) -> StoreResult<()>;
    /// Stores an offer once per (event, rule), with the requests of an
    /// automatic one in the same transaction; false when it existed.
    async fn add_offer(&self, o: &OfferRow, requests: &[RequestRow], notification_ids: &[String]) -> StoreResult<bool>;
    async fn offer(&self, id: &str) -> StoreResult<Option<OfferRow>>;
    async fn offers_of(&self, citizen: &str) -> StoreResult<Vec<OfferRow>>;
    /// How many of the citizen's offers they have not opened.
    async fn unseen(&self, citizen: &str) -> StoreResult<u64>;
    /// Accepts an open, unexpired offer and stores its requests, in one
    /// transaction; false when it was not open (accepted before, declined,
    /// expired).
    async fn accept(
        &self,
        id: &str,
        citizen: &str,
        tracking_code: &str,
        requests: &[RequestRow],
        notification_ids: &[String],
        now: i64,
    ) -> StoreResult<bool>;
    async fn decline(&self, id: &str, citizen: &str, now: i64) -> StoreResult<bool>;
    /// Open offers past their expiry become `expired`; how many.
    async fn expire(&self, now: i64) -> StoreResult<u64>;
    /// The citizen has opened the offer (it no longer counts as unread).
    async fn mark_seen(&self, id: &str, citizen: &str, now: i64) -> StoreResult<()>;
    async fn parts(&self, offer: &str) -> StoreResult<Vec<PartRow>>;
    async fn prefs(&self, citizen: &str) -> StoreResult<ProactivePrefs>;
    async fn set_prefs(&self, citizen: &str, prefs: &ProactivePrefs, now: i64) -> StoreResult<()>;
    async fn set_contact(&self, citizen: &str, mobile: &str, now: i64) -> StoreResult<()>;
    async fn contact(&self, citizen: &str) -> StoreResult<Option<String>>;
    async fn usage(&self) -> StoreResult<SmartUsage>;
}

pub struct SqlSmartStore<DB: sqlx::Database> {
    pool: sqlx::Pool<DB>,
}

impl<DB: sqlx::Database> SqlSmartStore<DB> {
    pub fn new(pool: sqlx::Pool<DB>) -> Self {
        SqlSmartStore { pool }
    }
}

const EVENT: &str = "id, agency, event_id, kind, national_code, data, occurred_at, received_at, via";
const OFFER: &str = "id, citizen, national_code, rule, event, mode, status, prefill, reads, tracking_code, created_at, expires_at, \
                     decided_at, seen_at";

macro_rules! smart_store {
    ($db:ty) => {
        impl SqlSmartStore<$db> {
            async fn insert_requests(
                tx: &mut sqlx::Transaction<'_, $db>,
                offer: &str,
                requests: &[RequestRow],
                notification_ids: &[String],
            ) -> StoreResult<()> {
                for (r, n) in requests.iter().zip(notification_ids) {
                    SqlRequestStore::<$db>::insert_new(tx, r, n, Some(offer)).await?;
                }
                Ok(())
            }
        }

        #[async_trait]
        impl SmartStore for SqlSmartStore<$db> {
            async fn add_event(&self, e: &EventRow) -> StoreResult<bool> {
                let done = sqlx::query(
                    "INSERT INTO life_event (id, agency, event_id, kind, national_code, data, occurred_at, received_at, via) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (agency, event_id) DO NOTHING",
                )
                .bind(&e.id)
                .bind(&e.agency)
                .bind(e.event_id)
                .bind(&e.kind)
                .bind(&e.national_code)
                .bind(&e.data)
                .bind(e.occurred_at)
                .bind(e.received_at)
                .bind(&e.via)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn event(&self, id: &str) -> StoreResult<Option<EventRow>> {
                sqlx::query_as(&format!("SELECT {EVENT} FROM life_event WHERE id = $1")).bind(id).fetch_optional(&self.pool).await
            }

            async fn claim_events(&self, owner: &str, now: i64, lease_s: i64, limit: i64) -> StoreResult<Vec<EventRow>> {
                sqlx::query_as(&format!(
                    "UPDATE life_event SET lease_owner = $1, lease_until = $2 WHERE id IN (\
                       SELECT id FROM life_event WHERE processed_at IS NULL AND (lease_until IS NULL OR lease_until <= $3) \
                       ORDER BY received_at LIMIT $4{}) \
                     RETURNING {EVENT}",
                    <$db as Dialect>::SKIP_LOCKED
                ))
                .bind(owner)
                .bind(now + lease_s)
                .bind(now)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
            }

            async fn finish_event(&self, id: &str, outcome: &str, now: i64) -> StoreResult<()> {
                sqlx::query("UPDATE life_event SET processed_at = $1, outcome = $2, lease_owner = NULL, lease_until = NULL WHERE id = $3")
                    .bind(now)
                    .bind(outcome)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn retry_event(&self, id: &str, retry_at: i64) -> StoreResult<()> {
                sqlx::query("UPDATE life_event SET lease_owner = NULL, lease_until = $1 WHERE id = $2 AND processed_at IS NULL")
                    .bind(retry_at)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn cursor(&self, agency: &str) -> StoreResult<i64> {
                let c: Option<i64> =
                    sqlx::query_scalar("SELECT last_id FROM event_cursor WHERE agency = $1").bind(agency).fetch_optional(&self.pool).await?;
                Ok(c.unwrap_or(0))
            }

            async fn set_cursor(&self, agency: &str, last_id: i64, now: i64) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO event_cursor (agency, last_id, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (agency) DO UPDATE SET \
                       last_id = CASE WHEN excluded.last_id > event_cursor.last_id THEN excluded.last_id ELSE event_cursor.last_id END, \
                       updated_at = excluded.updated_at",
                )
                .bind(agency)
                .bind(last_id)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn add_offer(&self, o: &OfferRow, requests: &[RequestRow], notification_ids: &[String]) -> StoreResult<bool> {
                let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
                let done = sqlx::query(
                    "INSERT INTO offer (id, citizen, national_code, rule, event, mode, status, prefill, reads, tracking_code, \
                     created_at, expires_at, decided_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (event, rule) DO NOTHING",
                )
                .bind(&o.id)
                .bind(&o.citizen)
                .bind(&o.national_code)
                .bind(&o.rule)
                .bind(&o.event)
                .bind(&o.mode)
                .bind(&o.status)
                .bind(&o.prefill)
                .bind(&o.reads)
                .bind(&o.tracking_code)
                .bind(o.created_at)
                .bind(o.expires_at)
                .bind(o.decided_at)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                Self::insert_requests(&mut tx, &o.id, requests, notification_ids).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn offer(&self, id: &str) -> StoreResult<Option<OfferRow>> {
                sqlx::query_as(&format!("SELECT {OFFER} FROM offer WHERE id = $1")).bind(id).fetch_optional(&self.pool).await
            }

            async fn offers_of(&self, citizen: &str) -> StoreResult<Vec<OfferRow>> {
                sqlx::query_as(&format!("SELECT {OFFER} FROM offer WHERE citizen = $1 ORDER BY created_at DESC, id"))
                    .bind(citizen)
                    .fetch_all(&self.pool)
                    .await
            }

            async fn unseen(&self, citizen: &str) -> StoreResult<u64> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offer WHERE citizen = $1 AND seen_at IS NULL")
                    .bind(citizen)
                    .fetch_one(&self.pool)
                    .await?;
                Ok(n.max(0) as u64)
            }

            async fn accept(
                &self,
                id: &str,
                citizen: &str,
                tracking_code: &str,
                requests: &[RequestRow],
                notification_ids: &[String],
                now: i64,
            ) -> StoreResult<bool> {
                let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
                let done = sqlx::query(
                    "UPDATE offer SET status = 'accepted', decided_at = $1, tracking_code = $2, seen_at = COALESCE(seen_at, $1) \
                     WHERE id = $3 AND citizen = $4 AND status = 'open' AND expires_at > $1",
                )
                .bind(now)
                .bind(tracking_code)
                .bind(id)
                .bind(citizen)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                Self::insert_requests(&mut tx, id, requests, notification_ids).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn decline(&self, id: &str, citizen: &str, now: i64) -> StoreResult<bool> {
                let done = sqlx::query(
                    "UPDATE offer SET status = 'declined', decided_at = $1, seen_at = COALESCE(seen_at, $1) \
                     WHERE id = $2 AND citizen = $3 AND status = 'open'",
                )
                .bind(now)
                .bind(id)
                .bind(citizen)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn expire(&self, now: i64) -> StoreResult<u64> {
                let done = sqlx::query("UPDATE offer SET status = 'expired', decided_at = $1 WHERE status = 'open' AND expires_at <= $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn mark_seen(&self, id: &str, citizen: &str, now: i64) -> StoreResult<()> {
                sqlx::query("UPDATE offer SET seen_at = $1 WHERE id = $2 AND citizen = $3 AND seen_at IS NULL")
                    .bind(now)
                    .bind(id)
                    .bind(citizen)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn parts(&self, offer: &str) -> StoreResult<Vec<PartRow>> {
                sqlx::query_as("SELECT id, tracking_code, service, status FROM request WHERE offer_id = $1 ORDER BY created_at, id")
                    .bind(offer)
                    .fetch_all(&self.pool)
                    .await
            }

            async fn prefs(&self, citizen: &str) -> StoreResult<ProactivePrefs> {
                let rows: Vec<String> = sqlx::query_scalar("SELECT service FROM proactive_optout WHERE citizen = $1 ORDER BY service")
                    .bind(citizen)
                    .fetch_all(&self.pool)
                    .await?;
                Ok(ProactivePrefs {
                    all_off: rows.iter().any(|s| s == "*"),
                    services_off: rows.into_iter().filter(|s| s != "*").collect(),
                })
            }

            async fn set_prefs(&self, citizen: &str, prefs: &ProactivePrefs, now: i64) -> StoreResult<()> {
                let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
                sqlx::query("DELETE FROM proactive_optout WHERE citizen = $1").bind(citizen).execute(&mut *tx).await?;
                let all = prefs.all_off.then(|| "*".to_owned());
                for s in prefs.services_off.iter().cloned().chain(all) {
                    sqlx::query("INSERT INTO proactive_optout (citizen, service, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                        .bind(citizen)
                        .bind(s)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await
            }

            async fn set_contact(&self, citizen: &str, mobile: &str, now: i64) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO citizen_contact (citizen, mobile, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (citizen) DO UPDATE SET mobile = excluded.mobile, updated_at = excluded.updated_at",
                )
                .bind(citizen)
                .bind(mobile)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn contact(&self, citizen: &str) -> StoreResult<Option<String>> {
                sqlx::query_scalar("SELECT mobile FROM citizen_contact WHERE citizen = $1").bind(citizen).fetch_optional(&self.pool).await
            }

            async fn usage(&self) -> StoreResult<SmartUsage> {
                let proactive: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM request WHERE offer_id IS NOT NULL").fetch_one(&self.pool).await?;
                let offers: Vec<(String, i64)> =
                    sqlx::query_as("SELECT status, COUNT(*) FROM offer WHERE mode = 'consent' GROUP BY status").fetch_all(&self.pool).await?;
                let seconds: Vec<i64> = sqlx::query_scalar(
                    "SELECT r.decided_at - e.occurred_at FROM request r JOIN offer o ON o.id = r.offer_id \
                     JOIN life_event e ON e.id = o.event WHERE r.decided_at IS NOT NULL",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(SmartUsage {
                    requests_proactive: proactive.max(0) as u64,
                    offers: offers.into_iter().map(|(s, n)| (s, n.max(0) as u64)).collect(),
                    event_to_decision: seconds,
                })
            }
        }
    };
}
smart_store!(sqlx::Sqlite);
smart_store!(sqlx::Postgres);
