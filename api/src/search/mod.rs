//! Catalog search: one implementation, run by the server for
//! `GET /api/catalog/services?q=` and by the browser for as-you-type
//! suggestions.
//!
//! Every query word must match a word of the service (exactly, as a prefix
//! while typing, or with one typo in words of five letters or more); words
//! joined without a space or ZWNJ match their spaced form. Matches in the
//! service's own name weigh more than in its keywords, agency or category.
//! Results are ranked by relevance, then popularity (rank 1 first).
//!
//! The index is built once: every distinct word of the catalog, sorted, with
//! the services (and fields) it occurs in, and a trie over the words for
//! the one-typo lookup; every distinct text with its spaces removed, with a
//! trigram index for the spaced/joined match. A query then touches only the
//! words and services it can match, not the whole catalog. The first,
//! linear search is kept in [`linear`] as the reference the tests compare
//! this one with, and as `bench/search`'s baseline.

use std::collections::HashMap;

use crate::normalize::{normalize, tokens};
use crate::SearchIndexData;

pub mod linear;

/// Words at least this long (in characters) tolerate one typo.
pub const TYPO_MIN_CHARS: usize = 5;

const NAME_WEIGHT: u32 = 3;
const EXTRA_WEIGHT: u32 = 2;
const EXACT: u32 = 3;
const PREFIX: u32 = 2;
const TYPO: u32 = 1;

/// Field bits in a posting.
const IN_NAME: u8 = 1;
const IN_EXTRA: u8 = 2;

/// A word still being typed with one typo: compare with the start of `t`.
fn typo_in_prefix(q: &str, qlen: usize, t: &str) -> bool {
    t.chars().count() > qlen && within_one_edit(q, &t.chars().take(qlen).collect::<String>())
}

/// Best score first, then the more popular service (rank 1 first), then
/// catalog order.
fn rank(hits: &mut [Hit], popularity: impl Fn(usize) -> u32) {
    hits.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(popularity(a.index).cmp(&popularity(b.index))).then(a.index.cmp(&b.index)));
}

/// One search result: the position of the service in the index and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub index: usize,
    pub score: u32,
}

#[derive(Debug, Clone)]
struct Doc {
    /// The names (fa and en), in `SearchIndex::names`, for whole-phrase
    /// bonuses.
    full_names: [u32; 2],
    popularity: u32,
}

/// One distinct text of the data, normalised.
struct RawText {
    normalized: String,
    /// Its words, by (unsorted) word id.
    words: Vec<u32>,
    /// Its text with spaces removed, in `SearchIndex::texts`.
    compact: u32,
}

/// A trie over the sorted words: each node covers the words `lo..hi`.
#[derive(Debug, Clone, Default)]
struct Node {
    children: Vec<(char, u32)>,
    /// The word ending here, if any.
    word: Option<u32>,
    lo: u32,
    hi: u32,
}

/// A searchable catalog.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    docs: Vec<Doc>,
    /// Every distinct text of the data, normalised.
    names: Vec<String>,
    /// Every distinct word, sorted (byte order, which is code-point order).
    words: Vec<String>,
    /// Per word: the services it occurs in, with `IN_NAME`/`IN_EXTRA` bits.
    postings: Vec<Vec<(u32, u8)>>,
    trie: Vec<Node>,
    /// Every distinct text of a field, normalised with spaces removed.
    texts: Vec<String>,
    /// Per text: the services holding it, with field bits.
    text_docs: Vec<Vec<(u32, u8)>>,
    /// Byte trigrams of the texts (each padded with two 0x01 bytes, so every
    /// byte starts one), sorted, with the texts holding each.
    grams: Vec<(u32, Vec<u32>)>,
}

impl SearchIndex {
    /// Builds the index from the data the server also sends the browser.
    pub fn new(data: &SearchIndexData) -> Self {
        let no_extra = Vec::new();
        // Agency and category names, synonyms and keywords repeat from one
        // service to the next: each distinct text is normalised once.
        let mut raw_ids: HashMap<&str, u32> = HashMap::new();
        let mut raw_texts: Vec<RawText> = Vec::new();
        let mut word_ids: HashMap<String, u32> = HashMap::new();
        let mut words: Vec<String> = Vec::new();
        let mut postings: Vec<Vec<(u32, u8)>> = Vec::new();
        let mut text_ids: HashMap<String, u32> = HashMap::new();
        let mut texts: Vec<String> = Vec::new();
        let mut text_docs: Vec<Vec<(u32, u8)>> = Vec::new();
        let mut docs = Vec::with_capacity(data.services.len());
        for (d, s) in data.services.iter().enumerate() {
            let extra = data.extra_terms.get(d).unwrap_or(&no_extra);
            let d = d as u32;
            let mut names = [0; 2];
            let field_texts = [(IN_NAME, s.name.fa.as_str()), (IN_NAME, s.name.en.as_str())]
                .into_iter()
                .chain(extra.iter().map(|t| (IN_EXTRA, t.as_str())));
            for (k, (bit, t)) in field_texts.enumerate() {
                let id = *raw_ids.entry(t).or_insert_with(|| {
                    let normalized = normalize(t);
                    let own_words = normalized
                        .split(' ')
                        .filter(|w| !w.is_empty())
                        .map(|w| {
                            *word_ids.entry(w.to_owned()).or_insert_with(|| {
                                words.push(w.to_owned());
                                postings.push(Vec::new());
                                (words.len() - 1) as u32
                            })
                        })
                        .collect();
                    let compact = *text_ids.entry(normalized.replace(' ', "")).or_insert_with_key(|c| {
                        texts.push(c.clone());
                        text_docs.push(Vec::new());
                        (texts.len() - 1) as u32
                    });
                    raw_texts.push(RawText { normalized, words: own_words, compact });
                    (raw_texts.len() - 1) as u32
                });
                if k < 2 {
                    names[k] = id;
                }
                let raw = &raw_texts[id as usize];
                for &w in &raw.words {
                    add_posting(&mut postings[w as usize], d, bit);
                }
                add_posting(&mut text_docs[raw.compact as usize], d, bit);
            }
            docs.push(Doc { full_names: names, popularity: s.popularity });
        }
        // words sorted, for prefix ranges and the trie
        let mut order: Vec<u32> = (0..words.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| words[a as usize].cmp(&words[b as usize]));
        let postings = order.iter().map(|&w| std::mem::take(&mut postings[w as usize])).collect();
        let words: Vec<String> = order.iter().map(|&w| std::mem::take(&mut words[w as usize])).collect();
        let trie = build_trie(&words);
        let grams = build_grams(&texts);
        let names = raw_texts.into_iter().map(|r| r.normalized).collect();
        SearchIndex { docs, names, words, postings, trie, texts, text_docs, grams }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Distinct words and distinct texts indexed.
    pub fn vocabulary(&self) -> (usize, usize) {
        (self.words.len(), self.texts.len())
    }

    /// Matching services, best first. An empty query matches nothing.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let q_tokens = tokens(query);
        if q_tokens.is_empty() {
            return Vec::new();
        }
        let n = self.docs.len();
        let mut total = vec![0u32; n];
        let mut matched = vec![0u32; n];
        let mut seen: Vec<u32> = Vec::new();
        let mut name_q = vec![0u8; n];
        let mut extra_q = vec![0u8; n];
        let mut touched: Vec<u32> = Vec::new();
        for q in &q_tokens {
            for (w, quality) in self.word_matches(q) {
                for &(d, bits) in &self.postings[w as usize] {
                    let di = d as usize;
                    if name_q[di] == 0 && extra_q[di] == 0 {
                        touched.push(d);
                    }
                    if bits & IN_NAME != 0 {
                        name_q[di] = name_q[di].max(quality);
                    }
                    if bits & IN_EXTRA != 0 {
                        extra_q[di] = extra_q[di].max(quality);
                    }
                }
            }
            for d in touched.drain(..) {
                let di = d as usize;
                let score = (u32::from(name_q[di]) * NAME_WEIGHT).max(u32::from(extra_q[di]) * EXTRA_WEIGHT);
                name_q[di] = 0;
                extra_q[di] = 0;
                if matched[di] == 0 {
                    seen.push(d);
                }
                matched[di] += 1;
                total[di] += score;
            }
        }
        let ntok = q_tokens.len();
        let mut hit_docs: Vec<(u32, u32)> =
            seen.iter().filter(|&&d| matched[d as usize] as usize == ntok).map(|&d| (d, total[d as usize])).collect();
        // Words typed without the space or ZWNJ the catalog has (or with one
        // it lacks): services not matched word by word whose text, spaces
        // removed, holds the query, spaces removed.
        let q_compact: String = q_tokens.concat();
        let mut weight = vec![0u8; n];
        let mut joined: Vec<u32> = Vec::new();
        for t in self.texts_containing(&q_compact) {
            for &(d, bits) in &self.text_docs[t as usize] {
                let di = d as usize;
                if matched[di] as usize == ntok {
                    continue;
                }
                let w = if bits & IN_NAME != 0 { NAME_WEIGHT as u8 } else { EXTRA_WEIGHT as u8 };
                if weight[di] == 0 {
                    joined.push(d);
                }
                weight[di] = weight[di].max(w);
            }
        }
        hit_docs.extend(joined.iter().map(|&d| (d, PREFIX * u32::from(weight[d as usize]) * ntok as u32)));
        let q_norm = q_tokens.join(" ");
        let mut hits: Vec<Hit> = hit_docs
            .into_iter()
            .map(|(d, score)| {
                let bonus: u32 = self.docs[d as usize]
                    .full_names
                    .iter()
                    .map(|&name| &self.names[name as usize])
                    .map(|name| {
                        if *name == q_norm {
                            10
                        } else if name.starts_with(&q_norm) {
                            4
                        } else {
                            0
                        }
                    })
                    .sum();
                Hit { index: d as usize, score: score + bonus }
            })
            .collect();
        rank(&mut hits, |i| self.docs[i].popularity);
        hits
    }

    /// The words one query word matches, with the quality of the match:
    /// the word itself, words it begins, and (five letters or more) words
    /// or word beginnings one typo away.
    fn word_matches(&self, q: &str) -> Vec<(u32, u8)> {
        let start = self.words.partition_point(|w| w.as_str() < q);
        let end = start + self.words[start..].partition_point(|w| w.starts_with(q));
        let mut out: Vec<(u32, u8)> =
            (start..end).map(|w| (w as u32, if self.words[w] == q { EXACT as u8 } else { PREFIX as u8 })).collect();
        let qc: Vec<char> = q.chars().collect();
        if qc.len() >= TYPO_MIN_CHARS && !self.trie.is_empty() {
            let mut nodes = Vec::new();
            self.one_edit(0, &qc, 0, false, &mut nodes);
            nodes.sort_unstable();
            nodes.dedup();
            let mut candidates: Vec<u32> = Vec::new();
            for node in nodes {
                let node = &self.trie[node as usize];
                candidates.extend((node.lo..node.hi).filter(|&w| !(start as u32..end as u32).contains(&w)));
            }
            candidates.sort_unstable();
            candidates.dedup();
            let qlen = qc.len();
            for w in candidates {
                let t = self.words[w as usize].as_str();
                if within_one_edit(q, t) || typo_in_prefix(q, qlen, t) {
                    out.push((w, TYPO as u8));
                }
            }
        }
        out
    }

    /// Trie nodes reached by reading all of `q` with exactly one edit
    /// (substitution, insertion, deletion or swap of neighbours): the words
    /// under them are the candidates for a one-typo match, checked after.
    fn one_edit(&self, node: u32, q: &[char], i: usize, edited: bool, out: &mut Vec<u32>) {
        if i == q.len() {
            // Read without an edit, the node's words all begin with `q`:
            // prefix matches, found already.
            if edited {
                out.push(node);
            }
            return;
        }
        let children = &self.trie[node as usize].children;
        for &(c, child) in children {
            if c == q[i] {
                self.one_edit(child, q, i + 1, edited, out);
            } else if !edited {
                self.one_edit(child, q, i + 1, true, out); // substitution
                self.one_edit(child, q, i, true, out); // a letter inserted
            }
        }
        if !edited {
            self.one_edit(node, q, i + 1, true, out); // a letter dropped
            if i + 1 < q.len() && q[i] != q[i + 1] {
                if let Some(next) = self.child(node, q[i + 1]).and_then(|n| self.child(n, q[i])) {
                    self.one_edit(next, q, i + 2, true, out); // neighbours swapped
                }
            }
        }
    }

    fn child(&self, node: u32, c: char) -> Option<u32> {
        self.trie[node as usize].children.iter().find(|&&(k, _)| k == c).map(|&(_, n)| n)
    }

    /// Texts (ids) holding `needle` (non-empty, no 0x01 byte).
    fn texts_containing(&self, needle: &str) -> Vec<u32> {
        let b = needle.as_bytes();
        let candidates: Vec<u32> = if b.len() >= 3 {
            let mut best: Option<&Vec<u32>> = None;
            for g in b.windows(3) {
                let key = gram(g[0], g[1], g[2]);
                match self.grams.binary_search_by_key(&key, |(k, _)| *k) {
                    Ok(i) => {
                        let list = &self.grams[i].1;
                        if best.is_none_or(|b| list.len() < b.len()) {
                            best = Some(list);
                        }
                    }
                    Err(_) => return Vec::new(),
                }
            }
            best.cloned().unwrap_or_default()
        } else {
            let (lo, hi) = if b.len() == 2 {
                let k = gram(b[0], b[1], 0);
                (k, k + 0x100)
            } else {
                let k = gram(b[0], 0, 0);
                (k, k + 0x1_0000)
            };
            let from = self.grams.partition_point(|(k, _)| *k < lo);
            let to = self.grams.partition_point(|(k, _)| *k < hi);
            let mut all: Vec<u32> = self.grams[from..to].iter().flat_map(|(_, l)| l.iter().copied()).collect();
            all.sort_unstable();
            all.dedup();
            all
        };
        candidates.into_iter().filter(|&t| self.texts[t as usize].contains(needle)).collect()
    }
}

fn add_posting(list: &mut Vec<(u32, u8)>, d: u32, bit: u8) {
    match list.last_mut() {
        Some((last, bits)) if *last == d => *bits |= bit,
        _ => list.push((d, bit)),
    }
}

fn gram(a: u8, b: u8, c: u8) -> u32 {
    (u32::from(a) << 16) | (u32::from(b) << 8) | u32::from(c)
}

fn build_trie(words: &[String]) -> Vec<Node> {
    let mut trie = vec![Node { lo: 0, hi: words.len() as u32, ..Node::default() }];
    for (w, word) in words.iter().enumerate() {
        let w = w as u32;
        let mut node = 0usize;
        for c in word.chars() {
            // Words come sorted: a child, once left, is never visited again,
            // so the last child is the only one to look at.
            node = match trie[node].children.last() {
                Some(&(k, child)) if k == c => child as usize,
                _ => {
                    trie.push(Node { lo: w, hi: w, ..Node::default() });
                    let child = (trie.len() - 1) as u32;
                    trie[node].children.push((c, child));
                    child as usize
                }
            };
            trie[node].hi = w + 1;
        }
        trie[node].word = Some(w);
    }
    trie
}

fn build_grams(texts: &[String]) -> Vec<(u32, Vec<u32>)> {
    let mut pairs: Vec<u64> = Vec::new();
    for (t, text) in texts.iter().enumerate() {
        let mut b = text.as_bytes().to_vec();
        b.extend([1, 1]);
        pairs.extend(b.windows(3).map(|g| (u64::from(gram(g[0], g[1], g[2])) << 32) | t as u64));
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut grams: Vec<(u32, Vec<u32>)> = Vec::new();
    for p in pairs {
        let (key, t) = ((p >> 32) as u32, p as u32);
        match grams.last_mut() {
            Some((k, list)) if *k == key => list.push(t),
            _ => grams.push((key, vec![t])),
        }
    }
    grams
}

/// Whether `a` and `b` differ by at most one insertion, deletion,
/// substitution or transposition of adjacent characters.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    let suffix = ra.iter().rev().zip(rb.iter().rev()).take_while(|(x, y)| x == y).count();
    let (ma, mb) = (&ra[..ra.len() - suffix.min(ra.len())], &rb[..rb.len() - suffix.min(rb.len())]);
    match (ma.len(), mb.len()) {
        (0, 0) | (1, 0) | (0, 1) | (1, 1) => true,
        (2, 2) => ma[0] == mb[1] && ma[1] == mb[0],
        _ => {
            // Suffix matching may have been greedy on repeated letters;
            // fall back to a bounded edit-distance check.
            edit_distance(ra, rb) <= 1
        }
    }
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Audience, ElectronicLevel, ServiceKind, ServiceSummary, Text};
    use proptest::prelude::*;

    fn svc(id: &str, fa: &str, en: &str, popularity: u32) -> ServiceSummary {
        ServiceSummary {
            id: id.into(),
            agency: "a".into(),
            agency_name: Text::default(),
            category: "c".into(),
            kind: ServiceKind::Inquiry,
            level: ElectronicLevel::Fully,
            audience: Audience::Anyone,
            name: Text { fa: fa.into(), en: en.into() },
            summary: Text::default(),
            popularity,
        }
    }

    fn index() -> (SearchIndexData, SearchIndex) {
        let data = SearchIndexData {
            services: vec![
                svc("tax-clearance", "استعلام مفاصاحساب مالیاتی", "Tax clearance inquiry", 12),
                svc("tax-return", "تسلیم اظهارنامه مالیاتی", "Filing a tax return", 5),
                svc("passport", "صدور گذرنامه", "Passport issuance", 8),
                svc("licence", "گواهی‌نامه رانندگی", "Driving licence", 3),
                svc("fines", "استعلام خلافی خودرو", "Vehicle traffic fines inquiry", 1),
            ],
            extra_terms: vec![
                vec!["سازمان امور مالیاتی".into()],
                vec!["سازمان امور مالیاتی".into()],
                vec!["پاسپورت".into(), "passport".into()],
                vec![],
                vec!["جریمه".into(), "پلیس راهور".into()],
            ],
            life_events: Vec::new(),
        };
        let idx = SearchIndex::new(&data);
        (data, idx)
    }

    fn ids(q: &str) -> Vec<String> {
        let (data, idx) = index();
        idx.search(q).into_iter().map(|h| data.services[h.index].id.clone()).collect()
    }

    #[test]
    fn arabic_yeh_finds_tax_services() {
        let found = ids("ماليات");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.contains(&"tax-clearance".to_owned()));
        assert!(found.contains(&"tax-return".to_owned()));
    }

    #[test]
    fn relevance_then_popularity() {
        // both tax services match "مالیاتی" exactly in the name: popularity 5 first
        assert_eq!(ids("مالیاتی"), vec!["tax-return", "tax-clearance"]);
        // a name match beats a keyword-only match
        assert_eq!(ids("مفاصاحساب")[0], "tax-clearance");
    }

    #[test]
    fn synonyms_in_data_are_searchable() {
        assert_eq!(ids("پاسپورت"), vec!["passport"]);
        assert_eq!(ids("گذرنامه"), vec!["passport"]);
        assert_eq!(ids("Passport"), vec!["passport"]);
    }

    #[test]
    fn prefix_matching_as_you_type() {
        assert_eq!(ids("گذرن"), vec!["passport"]);
        assert_eq!(ids("drivi"), vec!["licence"]);
        assert_eq!(ids("استعلام خلا"), vec!["fines"]);
    }

    #[test]
    fn one_typo_in_longer_words() {
        assert_eq!(ids("گذرنانه"), vec!["passport"]); // substitution
        assert_eq!(ids("pasport"), vec!["passport"]); // deletion
        assert_eq!(ids("licnece"), vec!["licence"]); // transposition
                                                     // short words do not get typo tolerance
        assert!(ids("tak").is_empty());
        // two typos are too many
        assert!(ids("gasbort").is_empty());
    }

    #[test]
    fn zwnj_space_or_nothing_between_words() {
        assert_eq!(ids("گواهینامه"), vec!["licence"]);
        assert_eq!(ids("گواهی نامه"), vec!["licence"]);
        assert_eq!(ids("گواهی\u{200C}نامه"), vec!["licence"]);
    }

    #[test]
    fn persian_digits_and_empty_queries() {
        assert!(ids("").is_empty());
        assert!(ids("  ،  ").is_empty());
        assert!(ids("۱۲۳۴۵").is_empty());
    }

    #[test]
    fn every_word_must_match() {
        assert!(ids("گذرنامه رانندگی").is_empty());
    }

    #[test]
    fn exact_name_ranks_first() {
        assert_eq!(ids("Driving licence")[0], "licence");
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("abc", "abc"));
        assert!(within_one_edit("abc", "abd"));
        assert!(within_one_edit("abc", "ab"));
        assert!(within_one_edit("abc", "bac"));
        assert!(within_one_edit("aab", "ab"));
        assert!(!within_one_edit("abc", "cba"));
        assert!(!within_one_edit("abcd", "ab"));
        assert!(!within_one_edit("kitten", "sitting"));
    }

    /// Both searches, the indexed and the linear reference, give the same
    /// services in the same order with the same scores.
    fn same_as_linear(data: &SearchIndexData, idx: &SearchIndex, q: &str) {
        let reference = linear::LinearIndex::new(data);
        assert_eq!(idx.search(q), reference.search(q), "query {q:?}");
    }

    #[test]
    fn agrees_with_the_linear_search_on_the_words_of_the_catalog() {
        let (data, idx) = index();
        let queries = linear::probe_queries(&data);
        assert!(queries.len() > 500);
        for q in &queries {
            same_as_linear(&data, &idx, q);
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_linear_search_on_any_query(q in "[ a-gs-vxگذرنامهلیاتیخوپس]{0,14}") {
            let (data, idx) = index();
            let reference = linear::LinearIndex::new(&data);
            prop_assert_eq!(idx.search(&q), reference.search(&q));
        }
    }
}
