//! Catalog search: one implementation, run by the server for
//! `GET /api/catalog/services?q=` and by the browser for as-you-type
//! suggestions.
//!
//! Every query word must match a word of the service (exactly, as a prefix
//! while typing, or with one typo in words of five letters or more); words
//! joined without a space or ZWNJ match their spaced form. Matches in the
//! service's own name weigh more than in its keywords, agency or category.
//! Results are ranked by relevance, then popularity (rank 1 first).

use crate::normalize::{normalize, tokens};
use crate::{SearchIndexData, ServiceSummary};

/// Words at least this long (in characters) tolerate one typo.
pub const TYPO_MIN_CHARS: usize = 5;

const NAME_WEIGHT: u32 = 3;
const EXTRA_WEIGHT: u32 = 2;
const EXACT: u32 = 3;
const PREFIX: u32 = 2;
const TYPO: u32 = 1;

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

/// A word still being typed with one typo: compare with the start of `t`.
fn typo_in_prefix(q: &str, qlen: usize, t: &str) -> bool {
    t.chars().count() > qlen && within_one_edit(q, &t.chars().take(qlen).collect::<String>())
}

#[derive(Debug, Clone)]
struct Doc {
    name: Field,
    extra: Field,
    /// Normalised names (fa and en) for whole-phrase bonuses.
    full_names: Vec<String>,
    popularity: u32,
}

/// One search result: the position of the service in the index and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub index: usize,
    pub score: u32,
}

/// A searchable catalog.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    docs: Vec<Doc>,
}

impl SearchIndex {
    /// Builds the index from the data the server also sends the browser.
    pub fn new(data: &SearchIndexData) -> Self {
        let docs = data
            .services
            .iter()
            .zip(data.extra_terms.iter().chain(std::iter::repeat(&Vec::new())))
            .map(|(s, extra)| doc(s, extra))
            .collect();
        SearchIndex { docs }
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
        hits.sort_by(|a, b| {
            b.score.cmp(&a.score).then(self.docs[a.index].popularity.cmp(&self.docs[b.index].popularity)).then(a.index.cmp(&b.index))
        });
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
    use crate::{Audience, ElectronicLevel, ServiceKind, Text};

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
}
