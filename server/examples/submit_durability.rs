//! What durable commits cost on the submit path: the request store's
//! `submit` (request, first event, notification, draft marked: one
//! transaction) on SQLite in WAL mode with `synchronous = NORMAL` and with
//! `FULL` (the server's setting), in a data directory on the disk the
//! server would use. Run by `bench/durability/run.sh`.
//!
//!   cargo run --release -p panjere-server --example submit_durability -- [requests] [directory]

use std::str::FromStr;
use std::time::Instant;

use panjere_server::requests::store::{NewRequest, RequestRow, RequestStore, SqlRequestStore, Values};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let base = args.next().map(std::path::PathBuf::from).unwrap_or_else(|| std::env::temp_dir().join("panjere-durability"));
    println!("{n} submits, one after another, each its own transaction, in {}", base.display());
    println!("{:<8} {:>12} {:>12} {:>12}", "mode", "submits/s", "mean µs", "p99 µs");
    for (name, mode) in [("NORMAL", SqliteSynchronous::Normal), ("FULL", SqliteSynchronous::Full)] {
        let dir = base.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", dir.join("panjere.db").display()))
            .unwrap()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(mode)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await.unwrap();
        sqlx::migrate!("./migrations").run(&pool).await.unwrap();
        let store = SqlRequestStore::new(pool.clone());
        let mut took = Vec::with_capacity(n);
        let start = Instant::now();
        for i in 0..n {
            let r = RequestRow::submitted(
                NewRequest {
                    id: format!("r{i}"),
                    tracking_code: format!("T{i}"),
                    draft_id: None,
                    citizen: "c".into(),
                    national_code: "0076229645".into(),
                    service: "passport-issuance".into(),
                    agency: "passport-police".into(),
                    data: Values::from([("purpose".to_owned(), "tourism".to_owned())]),
                },
                1_800_000_000,
            );
            let t = Instant::now();
            store.submit(&r, &format!("n{i}")).await.unwrap();
            took.push(t.elapsed().as_micros() as u64);
        }
        let total = start.elapsed().as_secs_f64();
        took.sort_unstable();
        let mean = took.iter().sum::<u64>() as f64 / n as f64;
        println!("{name:<8} {:>12.0} {mean:>12.0} {:>12}", n as f64 / total, took[n * 99 / 100]);
        pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
