//! `cargo xtask cycles`: which top-level modules of `server/` and `xtask/`
//! use which others (`crate::module…` paths, `use crate::{…}` groups and the
//! crate root's re-exports), and any import cycle among them. Test modules
//! (`#[cfg(test)]`) are left out: a test may reach anywhere. A unit test
//! runs the same check, so a cycle fails `cargo xtask test`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::{root, say, Result};

/// Module → the other modules it uses.
pub type Graph = BTreeMap<String, BTreeSet<String>>;

/// The crates checked: their source directories, from the repository root.
pub const CRATES: &[&str] = &["server/src", "xtask/src"];

pub fn command() -> Result {
    let mut failed = Vec::new();
    for dir in CRATES {
        let graph = module_graph(&root().join(dir))?;
        say(format!("{dir}: {} modules", graph.len()));
        for (module, uses) in &graph {
            println!("  {module:<12} → {}", uses.iter().cloned().collect::<Vec<_>>().join(", "));
        }
        for cycle in cycles(&graph) {
            failed.push(format!("{dir}: {}", cycle.join(" → ")));
        }
    }
    if failed.is_empty() {
        say("No import cycle");
        Ok(())
    } else {
        Err(format!("import cycles: {}", failed.join("; ")))
    }
}

/// The text of a file without its `#[cfg(test)]` items (from the attribute
/// to the end of the file: test modules come last here).
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |i| &text[..i])
}

/// Every `.rs` file under `path`, or `path` itself.
fn rust_files(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        if let Ok(entries) = std::fs::read_dir(path) {
            for e in entries.filter_map(std::result::Result::ok) {
                rust_files(&e.path(), out);
            }
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_owned());
    }
}

/// The first path segment of every `crate::…` use in `text`, including each
/// member of a `crate::{a, b::c}` group.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `some_crate::`, not `crate::`
        }
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level members only: nested groups belong to a member.
            let mut depth = 0;
            let mut member = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        let name = ident(member.trim());
                        if !name.is_empty() {
                            found.insert(name);
                        }
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        let name = ident(member.trim());
                        if !name.is_empty() {
                            found.insert(name);
                        }
                        member.clear();
                    }
                    c if depth == 0 => member.push(c),
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// The crate's top-level modules and which others each uses. Names the
/// crate root re-exports (`pub use state::AppState`) count as their module.
pub fn module_graph(src: &Path) -> Result<Graph> {
    let entries = std::fs::read_dir(src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    let mut modules = BTreeMap::new();
    for e in entries.filter_map(std::result::Result::ok) {
        let path = e.path();
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        if name == "main" || name == "lib" || name.is_empty() {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&path, &mut files);
        modules.entry(name).or_insert_with(Vec::new).extend(files);
    }
    let mut reexports = BTreeMap::new();
    for root_file in ["lib.rs", "main.rs"] {
        let text = std::fs::read_to_string(src.join(root_file)).unwrap_or_default();
        for line in text.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
            let module = line.split("::").next().unwrap_or_default().to_owned();
            let names = line.split_once("::").map(|(_, r)| r).unwrap_or_default();
            for name in names.trim_end_matches(';').trim_matches(['{', '}']).split(',') {
                let name = name.rsplit("::").next().unwrap_or_default().trim().to_owned();
                reexports.insert(name, module.clone());
            }
        }
    }
    let mut graph = Graph::new();
    for (module, files) in &modules {
        let mut uses = BTreeSet::new();
        for f in files {
            let text = std::fs::read_to_string(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
            for name in crate_paths(without_tests(&text)) {
                let target = if modules.contains_key(&name) { Some(name) } else { reexports.get(&name).cloned() };
                if let Some(t) = target.filter(|t| t != module) {
                    uses.insert(t);
                }
            }
        }
        graph.insert(module.clone(), uses);
    }
    Ok(graph)
}

/// Every cycle: the strongly connected components of more than one module
/// (Tarjan's algorithm), each as a path that returns to its start.
pub fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    struct Walk<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a str) {
            let i = self.index.len();
            self.index.insert(v, i);
            self.low.insert(v, i);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if self.on_stack.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.reverse();
                    component.push(component[0].clone());
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk =
        Walk { graph, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on_stack: BTreeSet::new(), found: Vec::new() };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_groups_are_read() {
        let text = "use crate::auth::{A, B};\nuse crate::{error::AppError, state, web::{Shell, Web}};\nlet x = crate::rand::random_id();\nmy_crate::nope();";
        let found: Vec<String> = crate_paths(text).into_iter().collect();
        assert_eq!(found, ["auth", "error", "rand", "state", "web"]);
    }

    #[test]
    fn a_cycle_is_found_and_a_chain_is_not() {
        let graph = |edges: &[(&str, &str)]| {
            let mut g = Graph::new();
            for (a, b) in edges {
                g.entry((*a).to_owned()).or_default().insert((*b).to_owned());
                g.entry((*b).to_owned()).or_default();
            }
            g
        };
        assert!(cycles(&graph(&[("a", "b"), ("b", "c")])).is_empty());
        let found = cycles(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].first(), found[0].last());
        assert_eq!(found[0].len(), 4);
    }

    /// The check `cargo xtask cycles` makes, on this repository.
    #[test]
    fn no_import_cycle_in_server_or_xtask() {
        for dir in CRATES {
            let graph = module_graph(&root().join(dir)).unwrap();
            assert!(graph.len() > 5, "{dir}: the modules were read: {graph:?}");
            assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "{dir}: {graph:?}");
        }
    }
}
