//! Drafts, requests, their timelines and notifications, behind
//! [`RequestStore`] (SQLite here; PostgreSQL can implement it). JSON kept in
//! a column is read and written as its own type ([`Values`],
//! [`InquiryRecord`], [`Text`]), never by string keys.

use std::collections::BTreeMap;

use async_trait::async_trait;
use panjere_api::Text;
use serde::{Deserialize, Serialize};
use sqlx::types::Json;

use crate::sql::Dialect;

pub type StoreResult<T> = Result<T, sqlx::Error>;

/// A form's values: field → value.
pub type Values = BTreeMap<String, String>;

/// One inter-agency inquiry the window made for a request before
/// forwarding it (the `inquiries` column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InquiryRecord {
    pub operation: String,
    /// The agency asked.
    pub agency: String,
    /// What it establishes, for the citizen.
    pub label: Text,
    /// RFC 3339.
    pub answered_at: String,
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DraftRow {
    pub id: String,
    pub citizen: String,
    pub service: String,
    /// As typed, whatever its errors.
    pub data: Json<Values>,
    pub step: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RequestRow {
    pub id: String,
    pub tracking_code: String,
    pub draft_id: Option<String>,
    pub citizen: String,
    pub national_code: String,
    pub service: String,
    pub agency: String,
    /// Checked and normalised.
    pub data: Json<Values>,
    /// Made once, before the first forward.
    pub inquiries: Option<Json<Vec<InquiryRecord>>>,
    pub status: String,
    pub agency_reference: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub polled_at: i64,
    pub decided_at: Option<i64>,
}

/// Who submits what: the parts of a new request that are not bookkeeping.
pub struct NewRequest {
    pub id: String,
    pub tracking_code: String,
    pub draft_id: Option<String>,
    pub citizen: String,
    pub national_code: String,
    pub service: String,
    pub agency: String,
    pub data: Values,
}

impl RequestRow {
    /// A request just submitted at `now`: due for delivery at once.
    pub fn submitted(n: NewRequest, now: i64) -> RequestRow {
        RequestRow {
            id: n.id,
            tracking_code: n.tracking_code,
            draft_id: n.draft_id,
            citizen: n.citizen,
            national_code: n.national_code,
            service: n.service,
            agency: n.agency,
            data: Json(n.data),
            inquiries: None,
            status: "submitted".into(),
            agency_reference: None,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            created_at: now,
            updated_at: now,
            polled_at: 0,
            decided_at: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub status: String,
    pub at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: String,
    pub request_id: String,
    pub tracking_code: String,
    pub service: String,
    pub status: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
    /// An agency's notice, if it is one.
    pub notice: Option<Json<Text>>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditUse {
    pub at: String,
    pub agency: String,
    pub operation: String,
    pub requested_by: Option<String>,
    pub request_id: String,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    pub id: String,
    pub draft_id: String,
    pub field: String,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub content: Vec<u8>,
    pub created_at: i64,
}

/// What submitting a draft did.
pub enum Submitted {
    New(RequestRow),
    /// The draft had been submitted before: its request.
    Existing(RequestRow),
}

#[async_trait]
pub trait RequestStore: Send + Sync + 'static {
    async fn add_draft(&self, d: &DraftRow) -> StoreResult<()>;
    async fn draft(&self, id: &str, citizen: &str) -> StoreResult<Option<DraftRow>>;
    async fn drafts(&self, citizen: &str) -> StoreResult<Vec<DraftRow>>;
    async fn save_draft(&self, id: &str, citizen: &str, data: &Values, step: i64, now: i64) -> StoreResult<bool>;
    async fn delete_draft(&self, id: &str, citizen: &str) -> StoreResult<bool>;
    /// Stores the request, its first event and notification, and marks the
    /// draft submitted, in one transaction; a draft submitted before
    /// answers its existing request.
    async fn submit(&self, r: &RequestRow, notification_id: &str) -> StoreResult<Submitted>;
    async fn request(&self, id: &str) -> StoreResult<Option<RequestRow>>;
    async fn request_of(&self, id: &str, citizen: &str) -> StoreResult<Option<RequestRow>>;
    async fn requests_of(&self, citizen: &str) -> StoreResult<Vec<RequestRow>>;
    async fn by_tracking_code(&self, code: &str) -> StoreResult<Option<RequestRow>>;
    async fn by_reference(&self, agency: &str, reference: &str) -> StoreResult<Option<RequestRow>>;
    /// Claims up to `limit` requests waiting to be forwarded whose time has
    /// come and which no one holds, for `owner`, until `now + lease_s`:
    /// another instance claims none of them until the lease ends (a killed
    /// instance's claims are taken over then).
    async fn claim_due(&self, owner: &str, now: i64, lease_s: i64, limit: i64) -> StoreResult<Vec<RequestRow>>;
    /// Gives back a claim (delivery done or given up for now).
    async fn release(&self, id: &str, owner: &str) -> StoreResult<()>;
    /// Claims up to `limit` forwarded requests not finished and not polled
    /// since `before`, marking them polled at `now` (so one instance polls
    /// each).
    async fn claim_pollable(&self, now: i64, before: i64, limit: i64) -> StoreResult<Vec<RequestRow>>;
    async fn set_inquiries(&self, id: &str, inquiries: &[InquiryRecord]) -> StoreResult<()>;
    /// Delivery failed: try again at `next`.
    async fn requeue(&self, id: &str, next: i64, error: &str, now: i64) -> StoreResult<()>;
    async fn set_reference(&self, id: &str, reference: &str, now: i64) -> StoreResult<()>;
    /// Records a status (once per request and status) with a notification;
    /// moves the request's status forward only. True when it was new.
    async fn add_status(&self, r: &RequestRow, status: &str, source: &str, notification_id: &str, now: i64) -> StoreResult<bool> {
        self.add_status_with_notices(r, status, source, notification_id, &[], now).await
    }
    /// A status implied by a later one (so the timeline has no gaps):
    /// recorded as `add_status` does, but only if the request has not
    /// passed it, decided under the same lock as the insert (a decision
    /// recorded meanwhile by another task or instance is seen).
    async fn add_implied_status(&self, r: &RequestRow, status: &str, source: &str, notification_id: &str, now: i64) -> StoreResult<bool>;
    /// Records a status as `add_status` does and, when it is new, what the
    /// agency said with it (`(id, notice)`), in the same transaction: the
    /// citizen never sees a request for more information without its
    /// question, nor a refusal without its reason. A notice the request
    /// already has (an agency repeats its document's reference with later
    /// statuses) is not said again: decided under the request's lock, so
    /// two instances recording two statuses at once cannot both say it.
    async fn add_status_with_notices(
        &self,
        r: &RequestRow,
        status: &str,
        source: &str,
        notification_id: &str,
        notices: &[(String, Text)],
        now: i64,
    ) -> StoreResult<bool>;
    async fn events(&self, request_id: &str) -> StoreResult<Vec<EventRow>>;
    /// An agency's notice about a request, into the citizen's inbox.
    async fn add_notice(&self, r: &RequestRow, notice: &Text, id: &str, now: i64) -> StoreResult<()>;
    /// A request's notices, oldest first.
    async fn notices(&self, request_id: &str) -> StoreResult<Vec<(i64, Json<Text>)>>;
    async fn notifications(&self, citizen: &str) -> StoreResult<Vec<NotificationRow>>;
    async fn mark_read(&self, id: &str, citizen: &str, now: i64) -> StoreResult<bool>;
    /// Stores a file for a draft's field.
    async fn add_file(&self, f: &FileRow) -> StoreResult<()>;
    /// A draft's file: (field, mime, size).
    async fn file_meta(&self, draft_id: &str, id: &str) -> StoreResult<Option<(String, String, i64)>>;
    /// The successful payment of a request's fee: (provider reference,
    /// rials), sent to the agency with the request.
    async fn paid(&self, request_id: &str) -> StoreResult<Option<(String, i64)>>;
    /// Every audited call about the citizen, newest first.
    async fn data_use(&self, citizen: &str, limit: i64) -> StoreResult<Vec<AuditUse>>;
}

/// [`RequestStore`] on a SQLite or PostgreSQL pool.
pub struct SqlRequestStore<DB: sqlx::Database> {
    pool: sqlx::Pool<DB>,
}

impl<DB: sqlx::Database> SqlRequestStore<DB> {
    pub fn new(pool: sqlx::Pool<DB>) -> Self {
        SqlRequestStore { pool }
    }
}

/// How `record_status` records a status: said by the agency or the
/// window (with the agency's notices, if any), or implied by a later one.
enum How<'a> {
    Said(&'a [(String, Text)]),
    Implied,
}

const DRAFT: &str = "id, citizen, service, data, step, created_at, updated_at, request_id";
const REQUEST: &str = "id, tracking_code, draft_id, citizen, national_code, service, agency, data, inquiries, status, agency_reference, \
                       attempts, next_attempt_at, last_error, created_at, updated_at, polled_at, decided_at";

macro_rules! request_store {
    ($db:ty) => {
        impl SqlRequestStore<$db> {
            /// Inserts a new request with its first timeline entry and
            /// notification, in the caller's transaction (a draft's
            /// submission, or an offer's parts with `offer`).
            pub async fn insert_new(
                tx: &mut sqlx::Transaction<'_, $db>,
                r: &RequestRow,
                notification_id: &str,
                offer: Option<&str>,
            ) -> StoreResult<()> {
                sqlx::query(
                    "INSERT INTO request (id, tracking_code, draft_id, citizen, national_code, service, agency, data, status, \
                     next_attempt_at, created_at, updated_at, offer_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                )
                .bind(&r.id)
                .bind(&r.tracking_code)
                .bind(&r.draft_id)
                .bind(&r.citizen)
                .bind(&r.national_code)
                .bind(&r.service)
                .bind(&r.agency)
                .bind(&r.data)
                .bind(&r.status)
                .bind(r.next_attempt_at)
                .bind(r.created_at)
                .bind(r.updated_at)
                .bind(offer)
                .execute(&mut **tx)
                .await?;
                sqlx::query("INSERT INTO request_event (request_id, status, source, at) VALUES ($1, $2, 'window', $3)")
                    .bind(&r.id)
                    .bind(&r.status)
                    .bind(r.created_at)
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("INSERT INTO notification (id, citizen, request_id, status, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(notification_id)
                    .bind(&r.citizen)
                    .bind(&r.id)
                    .bind(&r.status)
                    .bind(r.created_at)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            async fn insert_notice<'e, E: sqlx::Executor<'e, Database = $db>>(
                ex: E,
                r: &RequestRow,
                notice: &Text,
                id: &str,
                now: i64,
            ) -> StoreResult<()> {
                sqlx::query("INSERT INTO notification (id, citizen, request_id, status, created_at, notice) VALUES ($1, $2, $3, 'notice', $4, $5)")
                    .bind(id)
                    .bind(&r.citizen)
                    .bind(&r.id)
                    .bind(now)
                    .bind(Json(notice))
                    .execute(ex)
                    .await
                    .map(|_| ())
            }

            /// `add_status` and `add_implied_status`: one transaction that
            /// locks the request's row before anything else.
            async fn record_status(
                &self,
                r: &RequestRow,
                status: &str,
                source: &str,
                notification_id: &str,
                now: i64,
                how: How<'_>,
            ) -> StoreResult<bool> {
                let implied = matches!(how, How::Implied);
                let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
                // The request's row first, locked (PostgreSQL) or under the write
                // lock (SQLite): a callback and a poll racing on two instances take
                // turns, so the status cannot move backwards; and locking it before
                // the event's insert (whose foreign key share-locks the row) leaves
                // no lock to upgrade, so no deadlock.
                let current: String = sqlx::query_scalar(&format!("SELECT status FROM request WHERE id = $1{}", <$db as Dialect>::FOR_UPDATE))
                    .bind(&r.id)
                    .fetch_one(&mut *tx)
                    .await?;
                if implied && panjere_api::requests::rank(status) <= panjere_api::requests::rank(&current) {
                    return Ok(false);
                }
                let inserted = sqlx::query("INSERT INTO request_event (request_id, status, source, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                    .bind(&r.id)
                    .bind(status)
                    .bind(source)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                if inserted {
                    let decided = matches!(status, "approved" | "rejected").then_some(now);
                    if panjere_api::requests::rank(status) > panjere_api::requests::rank(&current) {
                        sqlx::query("UPDATE request SET status = $1, updated_at = $2 WHERE id = $3")
                            .bind(status)
                            .bind(now)
                            .bind(&r.id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    // The decision's time, even when a later status came first.
                    if decided.is_some() {
                        sqlx::query("UPDATE request SET decided_at = COALESCE(decided_at, $1) WHERE id = $2")
                            .bind(decided)
                            .bind(&r.id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    sqlx::query("INSERT INTO notification (id, citizen, request_id, status, created_at) VALUES ($1, $2, $3, $4, $5)")
                        .bind(notification_id)
                        .bind(&r.citizen)
                        .bind(&r.id)
                        .bind(status)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    if let How::Said(notices) = how {
                        if !notices.is_empty() {
                            let mut told: Vec<Text> = sqlx::query_scalar::<_, Json<Text>>(
                                "SELECT notice FROM notification WHERE request_id = $1 AND status = 'notice' AND notice IS NOT NULL",
                            )
                            .bind(&r.id)
                            .fetch_all(&mut *tx)
                            .await?
                            .into_iter()
                            .map(|t| t.0)
                            .collect();
                            for (id, notice) in notices {
                                if !told.contains(notice) {
                                    Self::insert_notice(&mut *tx, r, notice, id, now).await?;
                                    told.push(notice.clone());
                                }
                            }
                        }
                    }
                }
                tx.commit().await?;
                Ok(inserted)
            }
        }

#[async_trait]
impl RequestStore for SqlRequestStore<$db> {
    async fn add_draft(&self, d: &DraftRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO draft (id, citizen, service, data, step, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&d.id)
        .bind(&d.citizen)
        .bind(&d.service)
        .bind(&d.data)
        .bind(d.step)
        .bind(d.created_at)
        .bind(d.updated_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    async fn draft(&self, id: &str, citizen: &str) -> StoreResult<Option<DraftRow>> {
        sqlx::query_as(&format!("SELECT {DRAFT} FROM draft WHERE id = $1 AND citizen = $2"))
            .bind(id)
            .bind(citizen)
            .fetch_optional(&self.pool)
            .await
    }

    async fn drafts(&self, citizen: &str) -> StoreResult<Vec<DraftRow>> {
        sqlx::query_as(&format!("SELECT {DRAFT} FROM draft WHERE citizen = $1 AND request_id IS NULL ORDER BY updated_at DESC"))
            .bind(citizen)
            .fetch_all(&self.pool)
            .await
    }

    async fn save_draft(&self, id: &str, citizen: &str, data: &Values, step: i64, now: i64) -> StoreResult<bool> {
        let r = sqlx::query("UPDATE draft SET data = $1, step = $2, updated_at = $3 WHERE id = $4 AND citizen = $5 AND request_id IS NULL")
            .bind(Json(data))
            .bind(step)
            .bind(now)
            .bind(id)
            .bind(citizen)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn delete_draft(&self, id: &str, citizen: &str) -> StoreResult<bool> {
        let r = sqlx::query("DELETE FROM draft WHERE id = $1 AND citizen = $2 AND request_id IS NULL")
            .bind(id)
            .bind(citizen)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn submit(&self, r: &RequestRow, notification_id: &str) -> StoreResult<Submitted> {
        let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
        if let Some(draft) = &r.draft_id {
            let existing: Option<RequestRow> =
                sqlx::query_as(&format!("SELECT {REQUEST} FROM request WHERE draft_id = $1")).bind(draft).fetch_optional(&mut *tx).await?;
            if let Some(e) = existing {
                return Ok(Submitted::Existing(e));
            }
        }
        Self::insert_new(&mut tx, r, notification_id, None).await?;
        if let Some(draft) = &r.draft_id {
            sqlx::query("UPDATE draft SET request_id = $1, updated_at = $2 WHERE id = $3")
                .bind(&r.id)
                .bind(r.created_at)
                .bind(draft)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Submitted::New(r.clone()))
    }

    async fn request(&self, id: &str) -> StoreResult<Option<RequestRow>> {
        sqlx::query_as(&format!("SELECT {REQUEST} FROM request WHERE id = $1")).bind(id).fetch_optional(&self.pool).await
    }

    async fn request_of(&self, id: &str, citizen: &str) -> StoreResult<Option<RequestRow>> {
        sqlx::query_as(&format!("SELECT {REQUEST} FROM request WHERE id = $1 AND citizen = $2"))
            .bind(id)
            .bind(citizen)
            .fetch_optional(&self.pool)
            .await
    }

    async fn requests_of(&self, citizen: &str) -> StoreResult<Vec<RequestRow>> {
        sqlx::query_as(&format!("SELECT {REQUEST} FROM request WHERE citizen = $1 ORDER BY created_at DESC, {} DESC", <$db as Dialect>::SEQ))
            .bind(citizen)
            .fetch_all(&self.pool)
            .await
    }

    async fn by_tracking_code(&self, code: &str) -> StoreResult<Option<RequestRow>> {
        sqlx::query_as(&format!("SELECT {REQUEST} FROM request WHERE tracking_code = $1")).bind(code).fetch_optional(&self.pool).await
    }

    async fn by_reference(&self, agency: &str, reference: &str) -> StoreResult<Option<RequestRow>> {
        sqlx::query_as(&format!("SELECT {REQUEST} FROM request WHERE agency = $1 AND agency_reference = $2"))
            .bind(agency)
            .bind(reference)
            .fetch_optional(&self.pool)
            .await
    }

    async fn claim_due(&self, owner: &str, now: i64, lease_s: i64, limit: i64) -> StoreResult<Vec<RequestRow>> {
        sqlx::query_as(&format!(
            "UPDATE request SET lease_owner = $1, lease_until = $2 WHERE id IN (\
               SELECT id FROM request WHERE status IN ('submitted', 'queued') AND agency_reference IS NULL \
               AND next_attempt_at <= $3 AND (lease_until IS NULL OR lease_until <= $3) \
               ORDER BY next_attempt_at LIMIT $4{}) \
             RETURNING {REQUEST}",
            <$db as Dialect>::SKIP_LOCKED
        ))
        .bind(owner)
        .bind(now + lease_s)
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    async fn release(&self, id: &str, owner: &str) -> StoreResult<()> {
        sqlx::query("UPDATE request SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2")
            .bind(id)
            .bind(owner)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    async fn claim_pollable(&self, now: i64, before: i64, limit: i64) -> StoreResult<Vec<RequestRow>> {
        sqlx::query_as(&format!(
            "UPDATE request SET polled_at = $1 WHERE id IN (\
               SELECT id FROM request WHERE agency_reference IS NOT NULL AND status NOT IN ('rejected', 'delivered') \
               AND polled_at <= $2 ORDER BY polled_at LIMIT $3{}) \
             RETURNING {REQUEST}",
            <$db as Dialect>::SKIP_LOCKED
        ))
        .bind(now)
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    async fn set_inquiries(&self, id: &str, inquiries: &[InquiryRecord]) -> StoreResult<()> {
        sqlx::query("UPDATE request SET inquiries = $1 WHERE id = $2").bind(Json(inquiries)).bind(id).execute(&self.pool).await.map(|_| ())
    }

    async fn requeue(&self, id: &str, next: i64, error: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE request SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2, updated_at = $3 WHERE id = $4")
            .bind(next)
            .bind(error)
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    async fn set_reference(&self, id: &str, reference: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE request SET agency_reference = $1, polled_at = $2, last_error = NULL WHERE id = $3")
            .bind(reference)
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    async fn add_status_with_notices(
        &self,
        r: &RequestRow,
        status: &str,
        source: &str,
        notification_id: &str,
        notices: &[(String, Text)],
        now: i64,
    ) -> StoreResult<bool> {
        self.record_status(r, status, source, notification_id, now, How::Said(notices)).await
    }

    async fn add_implied_status(&self, r: &RequestRow, status: &str, source: &str, notification_id: &str, now: i64) -> StoreResult<bool> {
        self.record_status(r, status, source, notification_id, now, How::Implied).await
    }

    async fn events(&self, request_id: &str) -> StoreResult<Vec<EventRow>> {
        sqlx::query_as("SELECT status, at FROM request_event WHERE request_id = $1 ORDER BY at, id")
            .bind(request_id)
            .fetch_all(&self.pool)
            .await
    }

    async fn add_notice(&self, r: &RequestRow, notice: &Text, id: &str, now: i64) -> StoreResult<()> {
        Self::insert_notice(&self.pool, r, notice, id, now).await
    }

    async fn notices(&self, request_id: &str) -> StoreResult<Vec<(i64, Json<Text>)>> {
        sqlx::query_as(&format!(
            "SELECT created_at, notice FROM notification WHERE request_id = $1 AND status = 'notice' AND notice IS NOT NULL ORDER BY created_at, {}",
            <$db as Dialect>::SEQ
        ))
        .bind(request_id)
        .fetch_all(&self.pool)
        .await
    }

    async fn notifications(&self, citizen: &str) -> StoreResult<Vec<NotificationRow>> {
        sqlx::query_as(&format!(
            "SELECT n.id, n.request_id, r.tracking_code, r.service, n.status, n.created_at, n.read_at, n.notice \
             FROM notification n JOIN request r ON r.id = n.request_id WHERE n.citizen = $1 ORDER BY n.created_at DESC, n.{} DESC LIMIT 200",
            <$db as Dialect>::SEQ
        ))
        .bind(citizen)
        .fetch_all(&self.pool)
        .await
    }

    async fn mark_read(&self, id: &str, citizen: &str, now: i64) -> StoreResult<bool> {
        let r = sqlx::query("UPDATE notification SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND citizen = $3")
            .bind(now)
            .bind(id)
            .bind(citizen)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn add_file(&self, f: &FileRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO draft_file (id, draft_id, field, name, mime, size, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&f.id)
        .bind(&f.draft_id)
        .bind(&f.field)
        .bind(&f.name)
        .bind(&f.mime)
        .bind(f.size)
        .bind(&f.content)
        .bind(f.created_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
    }

    async fn file_meta(&self, draft_id: &str, id: &str) -> StoreResult<Option<(String, String, i64)>> {
        sqlx::query_as("SELECT field, mime, size FROM draft_file WHERE draft_id = $1 AND id = $2")
            .bind(draft_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    async fn paid(&self, request_id: &str) -> StoreResult<Option<(String, i64)>> {
        sqlx::query_as("SELECT reference, amount FROM payment WHERE request_id = $1 AND state = 'success' AND reference IS NOT NULL LIMIT 1")
            .bind(request_id)
            .fetch_optional(&self.pool)
            .await
    }

    async fn data_use(&self, citizen: &str, limit: i64) -> StoreResult<Vec<AuditUse>> {
        sqlx::query_as(
            "SELECT at, agency, operation, requested_by, request_id, outcome FROM audit_log WHERE citizen = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(citizen)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }
}
    };
}
request_store!(sqlx::Sqlite);
request_store!(sqlx::Postgres);
