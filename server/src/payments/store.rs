//! Payments and refunds, behind [`PaymentStore`] (one SQL text for SQLite
//! and PostgreSQL). A state changes by compare-and-set (`WHERE state =
//! <the state it was read in>`): two instances, or the citizen's return and
//! the sweeper, acting on one payment at once change it once, and only the
//! one that changed it acts on the change.

use async_trait::async_trait;
use panjere_api::Text;
use sqlx::types::Json;

use crate::requests::store::StoreResult;
use crate::sql::Dialect;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: String,
    pub citizen: String,
    pub idempotency_key: String,
    pub kind: String,
    pub request_id: Option<String>,
    pub payee: String,
    pub title: Json<Text>,
    pub bill_id: Option<String>,
    pub payment_id: Option<String>,
    pub amount: i64,
    pub state: String,
    pub token: Option<String>,
    pub payment_url: Option<String>,
    pub reference: Option<String>,
    pub card: Option<String>,
    pub charged: Option<i64>,
    pub reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub paid_at: Option<i64>,
    pub settled_at: Option<i64>,
    pub next_check_at: i64,
    pub attempts: i64,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RefundRow {
    pub id: String,
    pub payment_id: String,
    pub amount: i64,
    pub state: String,
    pub reason: Json<Text>,
    pub reference: Option<String>,
    pub created_at: i64,
    pub refunded_at: Option<i64>,
    pub attempts: i64,
}

/// What the provider reported when a payment was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paid {
    pub reference: String,
    pub card: Option<String>,
    pub charged: i64,
}

/// Per payee: payments tried, succeeded, and rials refunded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PayeeFigures {
    pub payee: String,
    pub attempts: i64,
    /// Attempts that ended (success, failed, cancelled, expired, reversed).
    pub finished: i64,
    pub succeeded: i64,
    pub paid_rials: i64,
    pub refunded_rials: i64,
}

#[async_trait]
pub trait PaymentStore: Send + Sync + 'static {
    /// Stores a new payment (state `created`); a payment with the same
    /// citizen and idempotency key already stored is answered instead.
    async fn create(&self, p: &PaymentRow) -> StoreResult<PaymentRow>;
    async fn payment(&self, id: &str) -> StoreResult<Option<PaymentRow>>;
    async fn by_token(&self, token: &str) -> StoreResult<Option<PaymentRow>>;
    async fn of_citizen(&self, citizen: &str) -> StoreResult<Vec<PaymentRow>>;
    async fn of_request(&self, request_id: &str) -> StoreResult<Vec<PaymentRow>>;
    /// Moves `id` from `from` to `to` (with `detail` in its history, and
    /// the next check at `next`); false when it was no longer in `from`.
    async fn transition(&self, id: &str, from: &str, to: &str, detail: Option<&str>, next: i64, now: i64) -> StoreResult<bool>;
    /// The provider's token and page, once created (`created` → `pending`).
    async fn set_token(&self, id: &str, token: &str, url: &str, next: i64, now: i64) -> StoreResult<bool>;
    /// `verifying` → `success` with what the provider reported; false when
    /// it was not verifying (someone else did it).
    async fn succeed(&self, id: &str, paid: &Paid, now: i64) -> StoreResult<bool>;
    /// The amount the provider took (before a reversal).
    async fn set_charged(&self, id: &str, charged: i64) -> StoreResult<()>;
    async fn set_settled(&self, id: &str, now: i64) -> StoreResult<()>;
    /// Try again at `next`.
    async fn reschedule(&self, id: &str, next: i64) -> StoreResult<()>;
    /// Claims up to `limit` payments needing the sweeper (not final and due,
    /// or successful and not settled), for `owner` until `now + lease_s`.
    async fn claim_due(&self, owner: &str, now: i64, lease_s: i64, limit: i64) -> StoreResult<Vec<PaymentRow>>;
    async fn release(&self, id: &str, owner: &str) -> StoreResult<()>;
    /// Another successful payment for the same request or bill, if any.
    async fn other_success(&self, p: &PaymentRow) -> StoreResult<Option<String>>;
    /// A refund for every successful payment of a rejected request that
    /// has none; how many were made.
    async fn refund_rejected(&self, reason: &Text, now: i64) -> StoreResult<u64>;
    async fn due_refunds(&self, now: i64, limit: i64) -> StoreResult<Vec<RefundRow>>;
    async fn refunded(&self, id: &str, reference: &str, now: i64) -> StoreResult<bool>;
    async fn retry_refund(&self, id: &str, next: i64) -> StoreResult<()>;
    async fn refunds_of(&self, payment_id: &str) -> StoreResult<Vec<RefundRow>>;
    /// Successful fee payments whose request still waits for payment (a
    /// crash between the two writes): their request ids.
    async fn paid_but_waiting(&self) -> StoreResult<Vec<String>>;
    async fn figures(&self) -> StoreResult<Vec<PayeeFigures>>;
}

pub struct SqlPaymentStore<DB: sqlx::Database> {
    pool: sqlx::Pool<DB>,
}

impl<DB: sqlx::Database> SqlPaymentStore<DB> {
    pub fn new(pool: sqlx::Pool<DB>) -> Self {
        SqlPaymentStore { pool }
    }
}

const PAYMENT: &str =
    "id, citizen, idempotency_key, kind, request_id, payee, title, bill_id, payment_id, amount, state, token, payment_url, \
                       reference, card, charged, reason, created_at, updated_at, paid_at, settled_at, next_check_at, attempts";
const REFUND: &str = "id, payment_id, amount, state, reason, reference, created_at, refunded_at, attempts";

macro_rules! payment_store {
    ($db:ty) => {
#[async_trait]
impl PaymentStore for SqlPaymentStore<$db> {
    async fn create(&self, p: &PaymentRow) -> StoreResult<PaymentRow> {
        let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
        let existing: Option<PaymentRow> = sqlx::query_as(&format!("SELECT {PAYMENT} FROM payment WHERE citizen = $1 AND idempotency_key = $2"))
            .bind(&p.citizen)
            .bind(&p.idempotency_key)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(e) = existing {
            return Ok(e);
        }
        sqlx::query(
            "INSERT INTO payment (id, citizen, idempotency_key, kind, request_id, payee, title, bill_id, payment_id, amount, state, \
             created_at, updated_at, next_check_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(&p.id)
        .bind(&p.citizen)
        .bind(&p.idempotency_key)
        .bind(&p.kind)
        .bind(&p.request_id)
        .bind(&p.payee)
        .bind(&p.title)
        .bind(&p.bill_id)
        .bind(&p.payment_id)
        .bind(p.amount)
        .bind(&p.state)
        .bind(p.created_at)
        .bind(p.updated_at)
        .bind(p.next_check_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO payment_event (payment_id, state, at) VALUES ($1, $2, $3)")
            .bind(&p.id)
            .bind(&p.state)
            .bind(p.created_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(p.clone())
    }

    async fn payment(&self, id: &str) -> StoreResult<Option<PaymentRow>> {
        sqlx::query_as(&format!("SELECT {PAYMENT} FROM payment WHERE id = $1")).bind(id).fetch_optional(&self.pool).await
    }

    async fn by_token(&self, token: &str) -> StoreResult<Option<PaymentRow>> {
        sqlx::query_as(&format!("SELECT {PAYMENT} FROM payment WHERE token = $1")).bind(token).fetch_optional(&self.pool).await
    }

    async fn of_citizen(&self, citizen: &str) -> StoreResult<Vec<PaymentRow>> {
        sqlx::query_as(&format!("SELECT {PAYMENT} FROM payment WHERE citizen = $1 ORDER BY created_at DESC, id LIMIT 200"))
            .bind(citizen)
            .fetch_all(&self.pool)
            .await
    }

    async fn of_request(&self, request_id: &str) -> StoreResult<Vec<PaymentRow>> {
        sqlx::query_as(&format!("SELECT {PAYMENT} FROM payment WHERE request_id = $1 ORDER BY created_at, id"))
            .bind(request_id)
            .fetch_all(&self.pool)
            .await
    }

    async fn transition(&self, id: &str, from: &str, to: &str, detail: Option<&str>, next: i64, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
        let changed = sqlx::query(
            "UPDATE payment SET state = $1, reason = COALESCE($2, reason), next_check_at = $3, updated_at = $4 WHERE id = $5 AND state = $6",
        )
        .bind(to)
        .bind(detail)
        .bind(next)
        .bind(now)
        .bind(id)
        .bind(from)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if changed {
            sqlx::query("INSERT INTO payment_event (payment_id, state, at, detail) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(to)
                .bind(now)
                .bind(detail)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn set_token(&self, id: &str, token: &str, url: &str, next: i64, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
        let changed = sqlx::query(
            "UPDATE payment SET token = $1, payment_url = $2, state = 'pending', next_check_at = $3, updated_at = $4 \
             WHERE id = $5 AND state = 'created'",
        )
        .bind(token)
        .bind(url)
        .bind(next)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if changed {
            sqlx::query("INSERT INTO payment_event (payment_id, state, at) VALUES ($1, 'pending', $2)")
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn succeed(&self, id: &str, paid: &Paid, now: i64) -> StoreResult<bool> {
        let mut tx = self.pool.begin_with(<$db as Dialect>::BEGIN_WRITE).await?;
        let updated = sqlx::query(
            "UPDATE payment SET state = 'success', reference = $1, card = $2, charged = $3, paid_at = $4, updated_at = $4, \
             next_check_at = $4 WHERE id = $5 AND state = 'verifying'",
        )
        .bind(&paid.reference)
        .bind(&paid.card)
        .bind(paid.charged)
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await;
        let changed = match updated {
            Ok(r) => r.rows_affected() == 1,
            // Another payment of the same request or bill succeeded first
            // (`payment_paid_once`): this one is not credited; the next
            // step finds the other and reverses this one.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(false),
            Err(e) => return Err(e),
        };
        if changed {
            sqlx::query("INSERT INTO payment_event (payment_id, state, at, detail) VALUES ($1, 'success', $2, $3)")
                .bind(id)
                .bind(now)
                .bind(&paid.reference)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    async fn set_charged(&self, id: &str, charged: i64) -> StoreResult<()> {
        sqlx::query("UPDATE payment SET charged = $1 WHERE id = $2").bind(charged).bind(id).execute(&self.pool).await.map(|_| ())
    }

    async fn set_settled(&self, id: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE payment SET settled_at = COALESCE(settled_at, $1) WHERE id = $2").bind(now).bind(id).execute(&self.pool).await.map(|_| ())
    }

    async fn reschedule(&self, id: &str, next: i64) -> StoreResult<()> {
        sqlx::query("UPDATE payment SET next_check_at = $1, attempts = attempts + 1 WHERE id = $2")
            .bind(next)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    async fn claim_due(&self, owner: &str, now: i64, lease_s: i64, limit: i64) -> StoreResult<Vec<PaymentRow>> {
        sqlx::query_as(&format!(
            "UPDATE payment SET lease_owner = $1, lease_until = $2 WHERE id IN (\
               SELECT id FROM payment WHERE (state IN ('created', 'pending', 'verifying', 'reversing') \
                 OR (state = 'success' AND settled_at IS NULL)) \
               AND next_check_at <= $3 AND (lease_until IS NULL OR lease_until <= $3) \
               ORDER BY next_check_at LIMIT $4{}) \
             RETURNING {PAYMENT}",
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
        sqlx::query("UPDATE payment SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2")
            .bind(id)
            .bind(owner)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    async fn other_success(&self, p: &PaymentRow) -> StoreResult<Option<String>> {
        sqlx::query_scalar(
            "SELECT id FROM payment WHERE state = 'success' AND id <> $1 AND \
             ((request_id IS NOT NULL AND request_id = $2) OR (bill_id IS NOT NULL AND bill_id = $3 AND payment_id = $4)) LIMIT 1",
        )
        .bind(&p.id)
        .bind(&p.request_id)
        .bind(&p.bill_id)
        .bind(&p.payment_id)
        .fetch_optional(&self.pool)
        .await
    }

    async fn refund_rejected(&self, reason: &Text, now: i64) -> StoreResult<u64> {
        let r = sqlx::query(
            "INSERT INTO refund (id, payment_id, amount, state, reason, created_at, next_attempt_at) \
             SELECT 'rf-' || p.id, p.id, COALESCE(p.charged, p.amount), 'requested', $1, $2, $2 FROM payment p \
             JOIN request r ON r.id = p.request_id \
             WHERE p.state = 'success' AND r.status = 'rejected' AND NOT EXISTS (SELECT 1 FROM refund f WHERE f.payment_id = p.id) \
             ON CONFLICT DO NOTHING",
        )
        .bind(Json(reason))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected())
    }

    async fn due_refunds(&self, now: i64, limit: i64) -> StoreResult<Vec<RefundRow>> {
        sqlx::query_as(&format!("SELECT {REFUND} FROM refund WHERE state = 'requested' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2"))
            .bind(now)
            .bind(limit)
            .fetch_all(&self.pool)
            .await
    }

    async fn refunded(&self, id: &str, reference: &str, now: i64) -> StoreResult<bool> {
        let r = sqlx::query("UPDATE refund SET state = 'refunded', reference = $1, refunded_at = $2 WHERE id = $3 AND state = 'requested'")
            .bind(reference)
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected() == 1)
    }

    async fn retry_refund(&self, id: &str, next: i64) -> StoreResult<()> {
        sqlx::query("UPDATE refund SET next_attempt_at = $1, attempts = attempts + 1 WHERE id = $2")
            .bind(next)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    async fn refunds_of(&self, payment_id: &str) -> StoreResult<Vec<RefundRow>> {
        sqlx::query_as(&format!("SELECT {REFUND} FROM refund WHERE payment_id = $1 ORDER BY created_at"))
            .bind(payment_id)
            .fetch_all(&self.pool)
            .await
    }

    async fn paid_but_waiting(&self) -> StoreResult<Vec<String>> {
        sqlx::query_scalar(
            "SELECT r.id FROM request r JOIN payment p ON p.request_id = r.id WHERE r.status = 'awaiting_payment' AND p.state = 'success' LIMIT 100",
        )
        .fetch_all(&self.pool)
        .await
    }

    async fn figures(&self) -> StoreResult<Vec<PayeeFigures>> {
        sqlx::query_as(
            "SELECT p.payee AS payee, \
               CAST(COUNT(*) AS BIGINT) AS attempts, \
               CAST(SUM(CASE WHEN p.state IN ('success', 'failed', 'cancelled', 'expired', 'reversed') THEN 1 ELSE 0 END) AS BIGINT) AS finished, \
               CAST(SUM(CASE WHEN p.state = 'success' THEN 1 ELSE 0 END) AS BIGINT) AS succeeded, \
               CAST(COALESCE(SUM(CASE WHEN p.state = 'success' THEN p.amount ELSE 0 END), 0) AS BIGINT) AS paid_rials, \
               CAST(COALESCE(SUM(f.amount), 0) AS BIGINT) AS refunded_rials \
             FROM payment p LEFT JOIN refund f ON f.payment_id = p.id AND f.state = 'refunded' \
             WHERE p.token IS NOT NULL GROUP BY p.payee ORDER BY p.payee",
        )
        .fetch_all(&self.pool)
        .await
    }
}
    };
}
payment_store!(sqlx::Sqlite);
payment_store!(sqlx::Postgres);
