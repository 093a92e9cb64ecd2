//! The first search: every query word compared with every word of every
//! service. Kept as the reference the indexed search must agree with (its
//! tests compare the two over the whole catalog) and as the baseline
//! `bench/search` measures against. Linear in the catalog's size.

use super::{rank, typo_in_prefix, within_one_edit, Hit, EXACT, EXTRA_WEIGHT, NAME_WEIGHT, PREFIX, TYPO, TYPO_MIN_CHARS};
use crate::normalize::{normalize, tokens};
use crate::{SearchIndexData, ServiceSummary};

#[derive(Debug, Clone)]
struct Field {
    tokens: Vec<String>,
    /// The normalised field with every space removed, so that "گواهینامه"
    /// finds "گواهی نامه" and the other way round.
    compact: String,
    weight: u32,
}

impl Field {
    fn new<'a>(texts: impl IntoIterator<Item = &'a str>, weight: u32) -> Self {
        let mut toks = Vec::new();
        let mut compact = String::new();
        for t in texts {
            let n = normalize(t);
            compact.push_str(&n.replace(' ', ""));
            compact.push('\u{1}');
            toks.extend(tokens(t));
        }
        toks.sort();
        toks.dedup();
        Field { tokens: toks, compact, weight }
    }

    /// Best score of one query word in this field (0: no match).
    fn score(&self, q: &str) -> u32 {
        let qlen = q.chars().count();
        let mut best = 0;
        for t in &self.tokens {
            let quality = if t == q {
                EXACT
            } else if t.starts_with(q) {
                PREFIX
            } else if qlen >= TYPO_MIN_CHARS && (within_one_edit(q, t) || typo_in_prefix(q, qlen, t)) {
                TYPO
            } else {
                0
            };
            best = best.max(quality);
            if best == EXACT {
                break;
            }
        }
        best * self.weight
    }
}

#[derive(Debug, Clone)]
struct Doc {
    name: Field,
    extra: Field,
    /// Normalised names (fa and en) for whole-phrase bonuses.
    full_names: Vec<String>,
    popularity: u32,
}

/// The catalog searched word by word, service by service.
#[derive(Debug, Clone, Default)]
pub struct LinearIndex {
    docs: Vec<Doc>,
}

impl LinearIndex {
    /// Builds the index from the data the server also sends the browser.
    pub fn new(data: &SearchIndexData) -> Self {
        let docs = data
            .services
            .iter()
            .zip(data.extra_terms.iter().chain(std::iter::repeat(&Vec::new())))
            .map(|(s, extra)| doc(s, extra))
            .collect();
        LinearIndex { docs }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Matching services, best first. An empty query matches nothing.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let q_tokens = tokens(query);
        if q_tokens.is_empty() {
            return Vec::new();
        }
        let q_norm = q_tokens.join(" ");
        let q_compact: String = q_tokens.concat();
        let mut hits: Vec<Hit> = self
            .docs
            .iter()
            .enumerate()
            .filter_map(|(index, d)| score_doc(d, &q_tokens, &q_norm, &q_compact).map(|score| Hit { index, score }))
            .collect();
        rank(&mut hits, |i| self.docs[i].popularity);
        hits
    }
}

fn doc(s: &ServiceSummary, extra: &[String]) -> Doc {
    Doc {
        name: Field::new([s.name.fa.as_str(), s.name.en.as_str()], NAME_WEIGHT),
        extra: Field::new(extra.iter().map(String::as_str), EXTRA_WEIGHT),
        full_names: vec![normalize(&s.name.fa), normalize(&s.name.en)],
        popularity: s.popularity,
    }
}

fn score_doc(d: &Doc, q_tokens: &[String], q_norm: &str, q_compact: &str) -> Option<u32> {
    let mut total = 0;
    let mut all_matched = true;
    for q in q_tokens {
        let s = d.name.score(q).max(d.extra.score(q));
        if s == 0 {
            all_matched = false;
        }
        total += s;
    }
    if !all_matched {
        // Words typed without the space or ZWNJ the catalog has (or with one
        // it lacks): compare with spaces removed.
        let weight = if d.name.compact.contains(q_compact) {
            NAME_WEIGHT
        } else if d.extra.compact.contains(q_compact) {
            EXTRA_WEIGHT
        } else {
            return None;
        };
        total = PREFIX * weight * q_tokens.len() as u32;
    }
    for name in &d.full_names {
        if name == q_norm {
            total += 10;
        } else if name.starts_with(q_norm) {
            total += 4;
        }
    }
    Some(total)
}

/// Queries that probe every word of a catalog: each word, its beginnings,
/// a middle part, and each with a letter dropped, changed, doubled or two
/// swapped; each text whole and with its spaces removed. The tests (and
/// `bench/search`) check that the indexed search answers them as the linear
/// one does.
pub fn probe_queries(data: &SearchIndexData) -> Vec<String> {
    let mut queries: Vec<String> = Vec::new();
    for (s, extra) in data.services.iter().zip(&data.extra_terms) {
        let texts = [s.name.fa.clone(), s.name.en.clone()].into_iter().chain(extra.iter().cloned());
        for text in texts {
            let words = tokens(&text);
            queries.push(words.concat());
            queries.push(words.join(" "));
            for w in &words {
                let chars: Vec<char> = w.chars().collect();
                for k in 1..=chars.len() {
                    queries.push(chars[..k].iter().collect());
                    // a middle part, a letter dropped, changed, doubled, swapped
                    queries.push(chars[k / 2..k].iter().collect());
                    let mut dropped = chars.clone();
                    dropped.remove(k - 1);
                    queries.push(dropped.iter().collect());
                    let mut changed = chars[..k].to_vec();
                    changed[k - 1] = if changed[k - 1] == 'x' { 'ب' } else { 'x' };
                    queries.push(changed.iter().collect());
                    let mut doubled = chars.clone();
                    doubled.insert(k - 1, chars[k - 1]);
                    queries.push(doubled.iter().collect());
                    if k >= 2 {
                        let mut swapped = chars[..k].to_vec();
                        swapped.swap(k - 2, k - 1);
                        queries.push(swapped.iter().collect());
                    }
                }
            }
        }
    }
    queries.sort();
    queries.dedup();
    queries
}
