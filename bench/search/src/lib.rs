//! The search benchmark's measurement, one source for both runs: natively
//! (`src/main.rs`) and in the browser (this crate built for wasm32 with the
//! client's release profile and wasm-opt, `run.sh`). The catalog is grown
//! by copying its services under new ids, as a national catalog grows into
//! the thousands. A benchmark, not a test.

use panjere_api::search::{linear::LinearIndex, Hit, SearchIndex};
use panjere_api::SearchIndexData;

/// What citizens type: whole words in both languages, words being typed,
/// a typo, two words, joined words.
pub const QUERIES: [&str; 14] = [
    "گذرنامه",
    "پاسپورت",
    "گذ",
    "گواهینامه",
    "استعلام خلافی",
    "مالیات",
    "passport",
    "driving lic",
    "گذرنانه",
    "بیمه",
    "ثبت شرکت",
    "یارانه",
    "کارت ملی",
    "tax",
];

/// Catalog sizes measured: the catalog and 4, 16 and 64 copies of it.
pub const COPIES: [usize; 4] = [1, 4, 16, 64];

/// The catalog with `copies` copies of every service, under new ids; with
/// `distinct_names`, each copy's names also end in the copy's number, so
/// that the index holds as many distinct names as services (the copies
/// otherwise share every text, which an index normalises once).
pub fn enlarge(data: &SearchIndexData, copies: usize, distinct_names: bool) -> SearchIndexData {
    let mut out = SearchIndexData { services: Vec::new(), extra_terms: Vec::new(), life_events: Vec::new() };
    for k in 0..copies {
        for (i, (s, extra)) in data.services.iter().zip(&data.extra_terms).enumerate() {
            let mut s = s.clone();
            if k > 0 {
                s.id = format!("{}-copy{k}", s.id);
                if distinct_names {
                    s.name.fa = format!("{} {k}", s.name.fa);
                    s.name.en = format!("{} {k}", s.name.en);
                }
            }
            out.services.push(s);
            out.extra_terms.push(extra.clone());
            out.life_events.push(data.life_events.get(i).cloned().unwrap_or_default());
        }
    }
    out
}

/// One line of the table.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub services: usize,
    pub build_ms: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Row {
    pub fn line(&self, engine: &str) -> String {
        format!("| {engine} | {} | {:.2} | {:.4} | {:.4} |", self.services, self.build_ms, self.p50_ms, self.p99_ms)
    }
}

pub const HEADER: &str = "| search | services | index build ms | query p50 ms | query p99 ms |\n| --- | --- | --- | --- | --- |";

/// Builds an index of `data` with `build` and times every query `rounds`
/// times (each query timed alone); `now` is a clock in milliseconds.
fn measure<I>(
    data: &SearchIndexData,
    rounds: usize,
    now: &dyn Fn() -> f64,
    build: impl Fn(&SearchIndexData) -> I,
    search: impl Fn(&I, &str) -> Vec<Hit>,
) -> (Row, Vec<Vec<Hit>>) {
    let t0 = now();
    let index = build(data);
    let build_ms = now() - t0;
    let answers: Vec<Vec<Hit>> = QUERIES.iter().map(|q| search(&index, q)).collect();
    let mut times = Vec::with_capacity(rounds * QUERIES.len());
    for _ in 0..rounds {
        for q in QUERIES {
            let t = now();
            let hits = search(&index, q);
            times.push(now() - t);
            std::hint::black_box(hits);
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((p * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    (Row { services: data.services.len(), build_ms, p50_ms: at(0.50), p99_ms: at(0.99) }, answers)
}

/// The table for every size: the linear search (up to `linear_up_to`
/// services) and the indexed one, which must answer every query as the
/// linear one does.
pub fn table(data: &SearchIndexData, rounds: usize, linear_up_to: usize, now: &dyn Fn() -> f64) -> Result<String, String> {
    let mut lines = vec![HEADER.to_owned()];
    let sizes = COPIES.iter().map(|&c| (c, false)).chain([(16, true)]);
    for (copies, distinct) in sizes {
        let big = enlarge(data, copies, distinct);
        let (row, answers) = measure(&big, rounds, now, SearchIndex::new, |i, q| i.search(q));
        lines.push(row.line(if distinct { "indexed, distinct names" } else { "indexed" }));
        if big.services.len() <= linear_up_to && !distinct {
            let (before, expected) = measure(&big, rounds.div_ceil(4), now, LinearIndex::new, |i, q| i.search(q));
            if answers != expected {
                let q = QUERIES.iter().zip(answers.iter().zip(&expected)).find(|(_, (a, b))| a != b).map(|(q, _)| *q).unwrap_or_default();
                return Err(format!("the indexed search answers {q:?} differently from the linear one at {} services", big.services.len()));
            }
            lines.push(before.line("linear (before)"));
        }
    }
    Ok(lines.join("\n"))
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = performance)]
        fn now() -> f64;
    }

    /// The table, measured in the browser, from the search index's JSON
    /// (`GET /api/catalog/search-index`).
    #[wasm_bindgen]
    pub fn run(index_json: &str, rounds: usize, linear_up_to: usize) -> Result<String, String> {
        let data = serde_json::from_str(index_json).map_err(|e| format!("not a search index: {e}"))?;
        super::table(&data, rounds, linear_up_to, &now)
    }
}
