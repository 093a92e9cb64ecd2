//! The append-only audit log of every call made on behalf of a request,
//! behind a trait so another store can replace SQLite. Rows are queued and
//! written in batches by one task: the request path never waits for the disk.

use std::time::Duration;

use sqlx::SqlitePool;
use tokio::sync::{mpsc, oneshot};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// RFC 3339, UTC.
    pub at: String,
    pub request_id: String,
    pub agency: String,
    pub operation: String,
    /// Pseudonym of the citizen concerned (never the national code).
    pub citizen: Option<String>,
    /// The agency on whose behalf the window asked, for inter-agency inquiries.
    pub requested_by: Option<String>,
    /// `ok`, `error`, `timeout`, `unavailable`, `busy`, `bad_answer`, `refused`.
    pub outcome: String,
    pub latency_ms: i64,
}

/// Where audit rows go.
pub trait AuditSink: Send + Sync {
    /// Queues a row; never blocks.
    fn record(&self, row: AuditRow);
    /// Resolves once every row queued before the call is stored.
    fn flush(&self) -> futures_util::future::BoxFuture<'static, ()>;
}

enum Msg {
    Row(AuditRow),
    Flush(oneshot::Sender<()>),
}

/// Batches rows into SQLite: up to `MAX_BATCH` rows a transaction, at least
/// every `MAX_DELAY`.
pub struct SqliteAudit {
    tx: mpsc::UnboundedSender<Msg>,
}

const MAX_BATCH: usize = 512;
const MAX_DELAY: Duration = Duration::from_millis(50);

impl SqliteAudit {
    pub fn start(pool: SqlitePool) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(MAX_BATCH);
            let mut waiters = Vec::new();
            loop {
                let Some(first) = rx.recv().await else { break };
                let deadline = tokio::time::Instant::now() + MAX_DELAY;
                let mut next = Some(first);
                while let Some(m) = next.take() {
                    match m {
                        Msg::Row(r) => batch.push(r),
                        Msg::Flush(w) => waiters.push(w),
                    }
                    if batch.len() >= MAX_BATCH || !waiters.is_empty() {
                        break;
                    }
                    next = match tokio::time::timeout_at(deadline, rx.recv()).await {
                        Ok(Some(m)) => Some(m),
                        _ => None,
                    };
                }
                // Take whatever else is already queued without waiting.
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(Msg::Row(r)) => batch.push(r),
                        Ok(Msg::Flush(w)) => waiters.push(w),
                        Err(_) => break,
                    }
                }
                if !batch.is_empty() {
                    if let Err(e) = write(&pool, &batch).await {
                        tracing::error!(error = %e, rows = batch.len(), "audit batch not written");
                    }
                    batch.clear();
                }
                for w in waiters.drain(..) {
                    let _ = w.send(());
                }
            }
        });
        SqliteAudit { tx }
    }
}

/// Rows per INSERT statement (8 parameters each; SQLite allows 32766).
const ROWS_PER_STATEMENT: usize = 128;

async fn write(pool: &SqlitePool, rows: &[AuditRow]) -> Result<(), sqlx::Error> {
    let mut t = pool.begin().await?;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO audit_log (at, request_id, agency, operation, citizen, requested_by, outcome, latency_ms) ",
        );
        q.push_values(chunk, |mut b, r| {
            b.push_bind(&r.at)
                .push_bind(&r.request_id)
                .push_bind(&r.agency)
                .push_bind(&r.operation)
                .push_bind(&r.citizen)
                .push_bind(&r.requested_by)
                .push_bind(&r.outcome)
                .push_bind(r.latency_ms);
        });
        q.build().execute(&mut *t).await?;
    }
    t.commit().await
}

impl AuditSink for SqliteAudit {
    fn record(&self, row: AuditRow) {
        let _ = self.tx.send(Msg::Row(row));
    }

    fn flush(&self) -> futures_util::future::BoxFuture<'static, ()> {
        let (w, r) = oneshot::channel();
        let _ = self.tx.send(Msg::Flush(w));
        Box::pin(async move {
            let _ = r.await;
        })
    }
}
