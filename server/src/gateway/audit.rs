//! The append-only audit log of every call made on behalf of a request,
//! behind a trait so another store can replace SQLite. Rows are queued and
//! written in batches by one task: the request path never waits for the disk.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::{PgPool, SqlitePool};
use tokio::sync::{oneshot, Notify};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
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

/// Rows waiting to be written, and flushes waiting for them.
#[derive(Default)]
struct Queue {
    rows: Vec<AuditRow>,
    waiters: Vec<oneshot::Sender<()>>,
    closed: bool,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Notify,
}

/// The database the audit log is written to.
pub enum AuditPool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl From<SqlitePool> for AuditPool {
    fn from(p: SqlitePool) -> Self {
        AuditPool::Sqlite(p)
    }
}

impl From<PgPool> for AuditPool {
    fn from(p: PgPool) -> Self {
        AuditPool::Postgres(p)
    }
}

/// Batches rows into the database: a batch is written `MAX_DELAY` after its first
/// row, at once when it reaches `MAX_BATCH` rows or a flush is asked for.
/// Recording a row only appends to a queue under a short lock; the writer
/// is woken once per batch, not once per row (a wake-up per row was a
/// cross-thread wake-up per citizen request).
pub struct BatchedAudit {
    shared: Arc<Shared>,
}

/// A batch is cut at this many rows. Under load a batch is the rows of one
/// `MAX_DELAY`: each commit (a sync of the log) and each statement is paid
/// once per batch, not per row (512-row batches cost the gateway about a
/// tenth of its CPU per call at 50,000 calls/s; see `bench/gateway`).
const MAX_BATCH: usize = 4096;
const MAX_DELAY: Duration = Duration::from_millis(50);

impl BatchedAudit {
    pub fn start(pool: AuditPool) -> Self {
        let shared = Arc::new(Shared::default());
        let writer = shared.clone();
        tokio::spawn(async move {
            loop {
                writer.wake.notified().await;
                let urgent = {
                    let q = writer.queue.lock().expect("audit queue");
                    q.closed || !q.waiters.is_empty() || q.rows.len() >= MAX_BATCH
                };
                if !urgent {
                    // Let the batch fill; a flush or a full batch cuts it short.
                    let _ = tokio::time::timeout(MAX_DELAY, writer.wake.notified()).await;
                }
                let (rows, waiters, closed) = {
                    let mut q = writer.queue.lock().expect("audit queue");
                    (std::mem::take(&mut q.rows), std::mem::take(&mut q.waiters), q.closed)
                };
                if !rows.is_empty() {
                    if let Err(e) = write(&pool, &rows).await {
                        tracing::error!(error = %e, rows = rows.len(), "audit batch not written");
                    }
                }
                for w in waiters {
                    let _ = w.send(());
                }
                if closed {
                    break;
                }
            }
        });
        BatchedAudit { shared }
    }
}

impl Drop for BatchedAudit {
    /// Writes what is queued, then stops the writer.
    fn drop(&mut self) {
        self.shared.queue.lock().expect("audit queue").closed = true;
        self.shared.wake.notify_one();
    }
}

/// Rows per INSERT statement at most (8 parameters each; SQLite allows
/// 32766, PostgreSQL 65535).
const ROWS_PER_STATEMENT: usize = 1024;

/// A batch cut into statements of 1024, 512, 256, … or 1 rows: eleven
/// statement texts in all, each parsed once and then taken from the
/// connection's statement cache. A statement of any other length was parsed
/// anew for every batch, which cost about as much as storing its rows.
fn statements(rows: &[AuditRow]) -> impl Iterator<Item = &[AuditRow]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        let n = match rest.len() {
            0 => return None,
            n if n >= ROWS_PER_STATEMENT => ROWS_PER_STATEMENT,
            n => 1 << n.ilog2(),
        };
        let (statement, tail) = rest.split_at(n);
        rest = tail;
        Some(statement)
    })
}

async fn write(pool: &AuditPool, rows: &[AuditRow]) -> Result<(), sqlx::Error> {
    match pool {
        AuditPool::Sqlite(p) => p.write_rows(rows).await,
        AuditPool::Postgres(p) => p.write_rows(rows).await,
    }
}

/// The INSERT of `rows` rows (a power of two up to [`ROWS_PER_STATEMENT`]),
/// written once per process: placeholders numbered (`$N`, PostgreSQL) or
/// not (`?`, SQLite: see [`crate::sql::Dialect::NUMBERED`]). Building it per
/// statement with sqlx's `QueryBuilder` formatted every placeholder anew:
/// about 1,400 instructions a row.
fn insert_text(rows: usize, numbered: bool) -> &'static str {
    static TEXTS: [std::sync::OnceLock<Vec<String>>; 2] = [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
    let texts = TEXTS[usize::from(numbered)].get_or_init(|| {
        (0..=ROWS_PER_STATEMENT.ilog2())
            .map(|power| {
                let rows: Vec<String> = (0..1usize << power)
                    .map(|row| {
                        let first = row * COLUMNS + 1;
                        let values: Vec<String> =
                            (first..first + COLUMNS).map(|n| if numbered { format!("${n}") } else { "?".to_owned() }).collect();
                        format!("({})", values.join(", "))
                    })
                    .collect();
                format!("INSERT INTO audit_log ({}) VALUES {}", COLUMN_NAMES.join(", "), rows.join(", "))
            })
            .collect()
    });
    &texts[rows.ilog2() as usize]
}

/// The audit log's columns, in the order an [`AuditRow`] is bound.
const COLUMN_NAMES: [&str; 8] = ["at", "request_id", "agency", "operation", "citizen", "requested_by", "outcome", "latency_ms"];
const COLUMNS: usize = COLUMN_NAMES.len();

macro_rules! write_in {
    ($($db:ty),*) => {
        /// One transaction of multi-row INSERTs.
        trait WriteIn {
            async fn write_rows(&self, rows: &[AuditRow]) -> Result<(), sqlx::Error>;
        }
        $(
        impl WriteIn for sqlx::Pool<$db> {
            async fn write_rows(&self, rows: &[AuditRow]) -> Result<(), sqlx::Error> {
                let mut t = self.begin_with(<$db as crate::sql::Dialect>::BEGIN_WRITE).await?;
                for chunk in statements(rows) {
                    let mut q = sqlx::query::<$db>(insert_text(chunk.len(), <$db as crate::sql::Dialect>::NUMBERED));
                    // Bound as borrowed text: binding a `&String` would copy
                    // every field once more before the database copies it.
                    for r in chunk {
                        q = q
                            .bind(r.at.as_str())
                            .bind(r.request_id.as_str())
                            .bind(r.agency.as_str())
                            .bind(r.operation.as_str())
                            .bind(r.citizen.as_deref())
                            .bind(r.requested_by.as_deref())
                            .bind(r.outcome.as_str())
                            .bind(r.latency_ms);
                    }
                    q.execute(&mut *t).await?;
                }
                t.commit().await
            }
        }
        )*
    };
}
write_in!(sqlx::Sqlite, sqlx::Postgres);

impl AuditSink for BatchedAudit {
    fn record(&self, row: AuditRow) {
        let wake = {
            let mut q = self.shared.queue.lock().expect("audit queue");
            q.rows.push(row);
            q.rows.len() == 1 || q.rows.len() == MAX_BATCH
        };
        if wake {
            self.shared.wake.notify_one();
        }
    }

    fn flush(&self) -> futures_util::future::BoxFuture<'static, ()> {
        let (w, r) = oneshot::channel();
        self.shared.queue.lock().expect("audit queue").waiters.push(w);
        self.shared.wake.notify_one();
        Box::pin(async move {
            let _ = r.await;
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: usize) -> AuditRow {
        AuditRow {
            at: "2026-11-28T00:00:00Z".into(),
            request_id: format!("r{i}"),
            agency: "post".into(),
            operation: "post.address".into(),
            citizen: None,
            requested_by: None,
            outcome: "ok".into(),
            latency_ms: 1,
        }
    }

    async fn count(pool: &SqlitePool) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(pool).await.unwrap()
    }

    /// Every batch is written in statements of a power-of-two length up to
    /// the limit, in order and all of it.
    #[test]
    fn batches_are_cut_into_statements_of_few_lengths() {
        for len in [0, 1, 2, 3, 7, 25, 1023, 1024, 1025, 3000, MAX_BATCH] {
            let rows: Vec<AuditRow> = (0..len).map(row).collect();
            let cut: Vec<&[AuditRow]> = statements(&rows).collect();
            assert!(cut.iter().all(|s| s.len().is_power_of_two() && s.len() <= ROWS_PER_STATEMENT), "{len}");
            assert_eq!(cut.concat(), rows, "{len}");
            assert!(cut.len() <= len / ROWS_PER_STATEMENT + ROWS_PER_STATEMENT.ilog2() as usize, "{len}: {} statements", cut.len());
        }
    }

    /// Each statement length has its text, eight placeholders to a row,
    /// numbered in order for PostgreSQL.
    #[test]
    fn each_statement_length_has_its_text() {
        let head = "INSERT INTO audit_log (at, request_id, agency, operation, citizen, requested_by, outcome, latency_ms) VALUES ";
        assert_eq!(insert_text(2, true), format!("{head}($1, $2, $3, $4, $5, $6, $7, $8), ($9, $10, $11, $12, $13, $14, $15, $16)"));
        assert_eq!(insert_text(2, false), format!("{head}(?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?)"));
        for rows in (0..=ROWS_PER_STATEMENT.ilog2()).map(|p| 1usize << p) {
            let text = insert_text(rows, true);
            assert_eq!(text.matches('$').count(), rows * COLUMNS, "{rows}");
            assert!(text.ends_with(&format!("${})", rows * COLUMNS)), "{rows}");
            assert_eq!(insert_text(rows, false).matches('?').count(), rows * COLUMNS, "{rows}");
        }
    }

    /// Every field of every row is stored in its column, whatever the
    /// statement it went in.
    #[tokio::test]
    async fn rows_are_stored_field_for_field() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::open(dir.path()).await.unwrap();
        let audit = BatchedAudit::start(pool.clone().into());
        let rows: Vec<AuditRow> = (0..7)
            .map(|i| AuditRow {
                citizen: (i % 2 == 0).then(|| format!("p{i}")),
                requested_by: (i % 3 == 0).then(|| "tax".to_owned()),
                latency_ms: i as i64 * 10,
                ..row(i)
            })
            .collect();
        for r in &rows {
            audit.record(r.clone());
        }
        audit.flush().await;
        let stored: Vec<AuditRow> = sqlx::query_as(
            "SELECT at, request_id, agency, operation, citizen, requested_by, outcome, latency_ms FROM audit_log ORDER BY id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(stored, rows);
    }

    /// Calls for no citizen are kept out of the citizen index (so writing
    /// one costs one B-tree insert), and a citizen's "who used my data"
    /// still reads that index, newest first, rather than the whole log.
    #[tokio::test]
    async fn the_citizen_index_holds_only_calls_for_a_citizen() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::open(dir.path()).await.unwrap();
        let audit = BatchedAudit::start(pool.clone().into());
        for i in 0..10 {
            audit.record(AuditRow { citizen: (i % 5 == 0).then(|| "p1".to_owned()), ..row(i) });
        }
        audit.flush().await;
        let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
            "EXPLAIN QUERY PLAN SELECT at, agency, operation, requested_by, request_id, outcome FROM audit_log WHERE citizen = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind("p1")
        .bind(50)
        .fetch_all(&pool)
        .await
        .unwrap();
        assert!(plan.iter().any(|(_, _, _, detail)| detail.contains("INDEX audit_log_citizen")), "{plan:?}");
        // The index gives a citizen's rows in id order: nothing is sorted.
        assert!(!plan.iter().any(|(_, _, _, detail)| detail.contains("TEMP B-TREE")), "{plan:?}");
        let partial: i64 = sqlx::query_scalar("SELECT partial FROM pragma_index_list('audit_log') WHERE name = 'audit_log_citizen'")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(partial, 1);
        let citizens: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log INDEXED BY audit_log_citizen WHERE citizen = 'p1'")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(citizens, 2);
    }

    /// Rows are written in batches, a flush waits for every row recorded
    /// before it, and rows recorded while a batch is being written are not
    /// lost; dropping the sink writes what is left.
    #[tokio::test]
    async fn batches_flushes_and_drains_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::open(dir.path()).await.unwrap();
        let audit = BatchedAudit::start(pool.clone().into());
        audit.flush().await;
        assert_eq!(count(&pool).await, 0);
        for i in 0..1300 {
            audit.record(row(i));
            if i % 97 == 0 {
                tokio::task::yield_now().await;
            }
        }
        audit.flush().await;
        assert_eq!(count(&pool).await, 1300);
        // A batch that is not flushed is written within MAX_DELAY or so.
        audit.record(row(5000));
        tokio::time::sleep(MAX_DELAY * 6).await;
        assert_eq!(count(&pool).await, 1301);
        audit.record(row(5001));
        drop(audit);
        for _ in 0..50 {
            if count(&pool).await == 1302 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(count(&pool).await, 1302);
    }
}
