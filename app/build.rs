//! Generates the typed string tables from `locales/fa.json` and
//! `locales/en.json`. The build fails when the two files do not have the same
//! keys, when a value is empty, or when their `{placeholders}` differ, so no
//! string can be missing or untranslated in either language.
//!
//! The Persian table is a static in the main module. The English one is
//! fetched when English is chosen (`locale_pack.rs`): here only the code
//! that reads it (`Strings::unpack`) and its file's name (`EN_FILE`), and a
//! static for the app's own unit tests.

#[path = "locale_pack.rs"]
mod locale_pack;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

fn read(lang: &str) -> BTreeMap<String, String> {
    let path = format!("locales/{lang}.json");
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not a flat JSON object of strings: {e}"))
}

fn placeholders(s: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        out.insert(rest[i + 1..i + j].to_owned());
        rest = &rest[i + j + 1..];
    }
    out
}

fn main() {
    let fa = read("fa");
    let en = read("en");
    let mut problems = Vec::new();
    for k in fa.keys().filter(|k| !en.contains_key(*k)) {
        problems.push(format!("`{k}` is in fa.json but not in en.json"));
    }
    for k in en.keys().filter(|k| !fa.contains_key(*k)) {
        problems.push(format!("`{k}` is in en.json but not in fa.json"));
    }
    for (k, v) in &fa {
        if !k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            problems.push(format!("key `{k}` must be snake_case"));
        }
        if v.trim().is_empty() {
            problems.push(format!("fa.json: `{k}` is empty"));
        }
        if v.contains(locale_pack::SEPARATOR) || en.get(k).is_some_and(|e| e.contains(locale_pack::SEPARATOR)) {
            problems.push(format!("`{k}` contains U+001F, which separates the values of a packed table"));
        }
        if v.contains(['ي', 'ك']) {
            problems.push(format!("fa.json: `{k}` has an Arabic ي or ك; write ی or ک"));
        }
        if let Some(e) = en.get(k) {
            if e.trim().is_empty() {
                problems.push(format!("en.json: `{k}` is empty"));
            }
            if placeholders(v) != placeholders(e) {
                problems.push(format!("`{k}`: placeholders differ: fa {:?}, en {:?}", placeholders(v), placeholders(e)));
            }
        }
    }
    if !problems.is_empty() {
        panic!("the locale files disagree:\n  {}", problems.join("\n  "));
    }

    let n = fa.len();
    let mut out = format!(
        "/// Every user-facing string: one accessor per key of the locale files,\n\
         /// the values in key order (as `locale_pack::pack` writes them).\n\
         #[derive(Debug)]\npub struct Strings([&'static str; {n}]);\n\
         impl Strings {{\n    /// A table packed by `locale_pack::pack` with exactly these keys.\n    \
         pub fn unpack(text: &'static str) -> Option<Strings> {{\n        \
         text.split({sep:?}).collect::<Vec<_>>().try_into().ok().map(Strings)\n    }}\n",
        sep = locale_pack::SEPARATOR
    );
    for (i, k) in fa.keys().enumerate() {
        writeln!(out, "    #[inline]\n    pub fn {k}(&self) -> &'static str {{\n        self.0[{i}]\n    }}").unwrap();
    }
    out.push_str("}\n");
    let statics = [("", "FA", &fa), ("#[cfg(test)]\n", "EN", &en)];
    for (cfg, name, table) in statics {
        writeln!(out, "{cfg}pub static {name}: Strings = Strings([").unwrap();
        for v in table.values() {
            writeln!(out, "    {v:?},").unwrap();
        }
        out.push_str("]);\n");
    }
    let file = locale_pack::file_name(&locale_pack::pack(&en));
    writeln!(out, "/// Where the English table is (`cargo xtask build` writes it).\npub const EN_FILE: &str = \"/{file}\";").unwrap();
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("strings.rs");
    std::fs::write(dest, out).unwrap();
}
