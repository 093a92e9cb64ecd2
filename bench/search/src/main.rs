//! `search-bench [rounds] [linear up to N services] [--write-index FILE]`:
//! the search table measured natively on the real catalog (`data/`), and
//! the search index's JSON written for the browser run.

use std::path::Path;
use std::time::Instant;

use panjere_server::catalog::Catalog;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let write = args.iter().position(|a| a == "--write-index").and_then(|i| args.get(i + 1)).cloned();
    let numbers: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let rounds = numbers.first().copied().unwrap_or(20);
    let linear_up_to = numbers.get(1).copied().unwrap_or(usize::MAX);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let catalog = Catalog::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let data = catalog.search_data();
    if let Some(path) = write {
        std::fs::write(&path, serde_json::to_string(data).expect("the index serialises")).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let start = Instant::now();
    let now = move || start.elapsed().as_secs_f64() * 1e3;
    match panjere_search_bench::table(data, rounds, linear_up_to, &now) {
        Ok(t) => println!("{t}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
