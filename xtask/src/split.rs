//! Route splitting: the client's wasm is cut into what every page needs (the
//! shell, the home and service pages), one module per group of lazily
//! loaded pages (`lazy_page!` in `app/src/lib.rs`), the search engine
//! (`app/src/search_engine.rs`) and the idle-timeout warning (fetched once
//! signed in), with the code several of them share in chunks of its own,
//! so that the first visit downloads only what its page needs.
//!
//! Trunk builds the client as one module (it cannot split: trunk-rs/trunk
//! #1022). After it, this step takes cargo's linked wasm (linked with
//! `--emit-relocs`, see `.cargo/config.toml`), splits it with
//! `wasm_split_cli_support`, runs wasm-bindgen on the main module, wasm-opt
//! on every module and esbuild on the two JS modules, and puts them all in
//! one directory named by the build's content hash: `dist/app-<hash>/`. The
//! modules load each other by relative URLs, so the directory name alone
//! makes them immutable per build. `index.html`'s loader is pointed at the
//! new main module.

use std::path::Path;
use std::process::Command;

use crate::tools::{run, tool_path};
use crate::{root, Result};

/// The name wasm-bindgen and the split loader use for the main module.
const MAIN: &str = "panjere-app";

/// wasm-opt's settings (Trunk's own wasm-opt is off: `index.html`).
const WASM_OPT: &[&str] = &["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int"];

/// Trunk's name for the client's JS glue (`panjere-app-<hash>`), from the
/// loader in `index.html`. The hash is up to 16 hex digits: Trunk writes a
/// 64-bit number without its leading zeros.
pub fn trunk_stem(index_html: &str) -> Option<&str> {
    let start = index_html.find(&format!("/{MAIN}-"))? + 1;
    let rest = &index_html[start..];
    let hash_len = rest[MAIN.len() + 1..].bytes().take_while(u8::is_ascii_hexdigit).count();
    let stem = &rest[..MAIN.len() + 1 + hash_len];
    ((1..=16).contains(&hash_len) && rest[stem.len()..].starts_with(".js")).then_some(stem)
}

/// Points the loader (and its modulepreload) at the split build, and
/// preloads the split loader too: the glue imports it, so without this it
/// would be found only once the glue has arrived (one more round trip).
pub fn repoint(index_html: &str, stem: &str, dir: &str) -> String {
    let html = index_html
        .replace(&format!("/{stem}.js"), &format!("/{dir}/{MAIN}.js"))
        .replace(&format!("/{stem}_bg.wasm"), &format!("/{dir}/{MAIN}_bg.wasm"));
    let glue = format!("href=\"/{dir}/{MAIN}.js\"");
    let tag = html.find(&glue).and_then(|at| {
        let start = html[..at].rfind("<link")?;
        let end = at + html[at..].find('>')? + 1;
        html[start..end].contains("modulepreload").then_some((start, end))
    });
    match tag {
        Some((start, end)) => {
            let loader = html[start..end].replace(&glue, &format!("href=\"/{dir}/__wasm_split.js\""));
            format!("{}{loader}{}", &html[..end], &html[end..])
        }
        None => html,
    }
}

/// Splits the client Trunk has just built into `dist/`.
pub fn split_client(dist: &Path) -> Result {
    let index_path = dist.join("index.html");
    let index = std::fs::read_to_string(&index_path).map_err(|e| format!("cannot read {}: {e}", index_path.display()))?;
    let stem = trunk_stem(&index).ok_or("dist/index.html has no loader for panjere-app-<hash>.js")?.to_owned();
    let linked = root().join("target/wasm32-unknown-unknown/wasm-release").join(format!("{MAIN}.wasm"));
    let input = std::fs::read(&linked).map_err(|e| format!("cannot read {}: {e}", linked.display()))?;

    let work = root().join("target/wasm-split");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let main_wasm = work.join(format!("{MAIN}.wasm"));
    let main_module = format!("./{MAIN}.js");
    let mut opts = wasm_split_cli_support::Options::new(&input);
    opts.output_dir = &work;
    opts.main_out_path = &main_wasm;
    opts.main_module = &main_module;
    opts.target.web();
    let split = wasm_split_cli_support::transform(opts).map_err(|e| format!("splitting {}: {e:#}", linked.display()))?;
    let routes: std::collections::BTreeMap<_, _> = split.prefetch_map.into_iter().collect();

    let out = work.join("out");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let bindgen = work.join("bindgen");
    // The chunks import the main module's memory and function table, which
    // wasm-bindgen would otherwise drop (`--keep-lld-exports`).
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--keep-lld-exports", "--out-dir"])
        .arg(&bindgen)
        .arg(&main_wasm)
        .env("PATH", tool_path()))?;
    minify_js(&bindgen.join(format!("{MAIN}.js")), &out.join(format!("{MAIN}.js")))?;
    minify_js(&work.join("__wasm_split.js"), &out.join("__wasm_split.js"))?;
    let mut modules = vec![(bindgen.join(format!("{MAIN}_bg.wasm")), out.join(format!("{MAIN}_bg.wasm")))];
    for entry in std::fs::read_dir(&work).map_err(|e| format!("cannot read {}: {e}", work.display()))?.filter_map(std::result::Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".wasm") && path != main_wasm {
            modules.push((path, out.join(name)));
        }
    }
    // binaryen's wasm-opt runs in Node and starts slowly: one per core.
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let per_thread = modules.len().div_ceil(cores);
    std::thread::scope(|scope| {
        let workers: Vec<_> =
            modules.chunks(per_thread).map(|some| scope.spawn(move || some.iter().try_for_each(|(from, to)| wasm_opt(from, to)))).collect();
        workers.into_iter().try_for_each(|w| w.join().unwrap_or_else(|_| Err("a wasm-opt worker panicked".into())))
    })?;

    // Named by what it holds: a change to the split or the tools renames it
    // even when cargo's wasm (and so Trunk's hash) is the same.
    let out_dir_name = format!("app-{}", content_hash(&out)?);
    let dest = dist.join(&out_dir_name);
    let _ = std::fs::remove_dir_all(&dest);
    std::fs::rename(&out, &dest).map_err(|e| format!("cannot move {} to {}: {e}", out.display(), dest.display()))?;
    for old in [format!("{stem}.js"), format!("{stem}_bg.wasm")] {
        let _ = std::fs::remove_file(dist.join(old));
    }
    // Which files each module fetches, for the server to name those of the
    // page it serves (`web::Shell`) and for bench/size/run.sh.
    let urls = module_urls(&routes, &out_dir_name);
    std::fs::write(dist.join(MODULES_JSON), serde_json::to_string_pretty(&urls).map_err(|e| e.to_string())?)
        .map_err(|e| format!("cannot write {MODULES_JSON}: {e}"))?;
    std::fs::write(&index_path, repoint(&index, &stem, &out_dir_name))
        .map_err(|e| format!("cannot write {}: {e}", index_path.display()))?;
    crate::say(format!("Split the client into {} wasm modules in dist/{out_dir_name}/", modules.len()));
    Ok(())
}

/// The file in `dist/` naming each module's files (the server's, not the
/// browser's: it is not precached).
pub const MODULES_JSON: &str = "modules.json";

/// Each module's files (module and shared chunks) as the URLs the split
/// loader fetches them from.
fn module_urls(routes: &std::collections::BTreeMap<String, Vec<String>>, dir: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    routes.iter().map(|(module, files)| (module.clone(), files.iter().map(|f| format!("/{dir}/{f}.wasm")).collect())).collect()
}

/// Runs wasm-opt on one module. Its warnings about the name section's
/// subsections it does not know (rustc's) are dropped: one per module.
fn wasm_opt(from: &Path, to: &Path) -> Result {
    // PANJERE_WASM_NAMES=1 keeps the functions' names, for a profile
    // (bench/lighthouse/profile.mjs): never for a build that is served.
    let names: &[&str] = if std::env::var_os("PANJERE_WASM_NAMES").is_some() { &["-g"] } else { &[] };
    let out = Command::new("wasm-opt")
        .args(WASM_OPT)
        .args(names)
        .arg(from)
        .arg("-o")
        .arg(to)
        .env("PATH", tool_path())
        .output()
        .map_err(|e| format!("cannot start wasm-opt: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr).replace("warning: unknown name subsection", "\nwarning: unknown name subsection");
    let stderr: Vec<&str> = stderr.lines().filter(|l| !l.is_empty() && !l.starts_with("warning: unknown name subsection")).collect();
    if !stderr.is_empty() {
        eprintln!("{}", stderr.join("\n"));
    }
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("wasm-opt {} failed ({})", from.display(), out.status))
    }
}

/// The first 16 hex digits of the hash of a directory's files.
fn content_hash(dir: &Path) -> Result<String> {
    let mut names = Vec::new();
    crate::files::files_under(dir, dir, &mut names)?;
    names.sort();
    Ok(crate::files::hash_files(dir, &names)?[..16].to_owned())
}

/// Minifies an ES module (esbuild, from the build tools' npm packages):
/// the glue and the loader are about a quarter smaller over the wire. The
/// glue's import object names the loader once per chunk; esbuild's warning
/// about those duplicate keys is silenced (they are the same module).
fn minify_js(from: &Path, to: &Path) -> Result {
    run(Command::new("esbuild")
        .arg(from)
        .args(["--minify", "--format=esm", "--log-level=warning", "--log-override:duplicate-object-key=silent"])
        .arg(format!("--outfile={}", to.display()))
        .env("PATH", tool_path()))
}

/// Minifies the stylesheets Trunk wrote (`dist/*.css`) in place with
/// esbuild: their comments and spacing are a sixth of them over the wire.
/// A name keeps Trunk's hash of the source, from which the file is made the
/// same way every time; the page's `integrity` for it is recomputed.
pub fn minify_css(dist: &Path) -> Result {
    let entries = std::fs::read_dir(dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))?;
    let index = dist.join("index.html");
    let mut html = std::fs::read_to_string(&index).map_err(|e| format!("cannot read {}: {e}", index.display()))?;
    for css in entries.filter_map(std::result::Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "css")) {
        let minified = css.with_extension("min.css");
        run(Command::new("esbuild")
            .arg(&css)
            .args(["--minify", "--log-level=warning"])
            .arg(format!("--outfile={}", minified.display()))
            .env("PATH", tool_path()))?;
        std::fs::rename(&minified, &css).map_err(|e| format!("cannot replace {}: {e}", css.display()))?;
        let name = css.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let bytes = std::fs::read(&css).map_err(|e| format!("cannot read {}: {e}", css.display()))?;
        html = with_integrity(&html, name, &bytes);
    }
    std::fs::write(&index, html).map_err(|e| format!("cannot write {}: {e}", index.display()))
}

/// `html` with the `integrity` of the link to `/{name}` made that of
/// `bytes` (Trunk writes SHA-384).
fn with_integrity(html: &str, name: &str, bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    let link = format!("href=\"/{name}\" integrity=\"");
    let Some(at) = html.find(&link).map(|i| i + link.len()) else {
        return html.to_owned();
    };
    let end = at + html[at..].find('"').unwrap_or(0);
    let digest = base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(bytes));
    format!("{}sha384-{digest}{}", &html[..at], &html[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOADER: &str = r#"<link rel="modulepreload" href="/panjere-app-0123456789abcdef.js" crossorigin="anonymous">
<script type="module">
import init from '/panjere-app-0123456789abcdef.js';
await init({ module_or_path: '/panjere-app-0123456789abcdef_bg.wasm' });
</script>"#;

    #[test]
    fn a_minified_stylesheet_gets_its_own_integrity() {
        let html = r#"<link rel="stylesheet" href="/main-0123.css" integrity="sha384-old"/><link href="/other.css" integrity="sha384-x">"#;
        let out = with_integrity(html, "main-0123.css", b"body{}");
        // printf 'body{}' | openssl dgst -sha384 -binary | base64
        assert!(
            out.starts_with(r#"<link rel="stylesheet" href="/main-0123.css" integrity="sha384-myyg/hQ74aSgjBBvVME/QXAXEkT4Y9dHbVQ5C0lIyGpldvNLJV2IWc5ElXbqLi06""#),
            "{out}"
        );
        assert!(!out.contains("sha384-old") && out.ends_with(r#""/><link href="/other.css" integrity="sha384-x">"#), "{out}");
        assert_eq!(with_integrity(html, "missing.css", b""), html);
    }

    #[test]
    fn finds_trunks_module_and_repoints_the_loader() {
        let stem = trunk_stem(LOADER).unwrap();
        assert_eq!(stem, "panjere-app-0123456789abcdef");
        let html = repoint(LOADER, stem, "app-0123456789abcdef");
        assert!(html.contains(r#"href="/app-0123456789abcdef/panjere-app.js""#));
        assert!(html.contains(
            r#"<link rel="modulepreload" href="/app-0123456789abcdef/panjere-app.js" crossorigin="anonymous"><link rel="modulepreload" href="/app-0123456789abcdef/__wasm_split.js" crossorigin="anonymous">"#
        ));
        assert!(html.contains("import init from '/app-0123456789abcdef/panjere-app.js';"));
        assert!(html.contains("module_or_path: '/app-0123456789abcdef/panjere-app_bg.wasm'"));
        assert!(!html.contains("/panjere-app-0123456789abcdef"));
    }

    #[test]
    fn a_hash_with_its_leading_zero_dropped_is_found() {
        let loader = LOADER.replace("0123456789abcdef", "ac9b62fa31df808");
        assert_eq!(trunk_stem(&loader), Some("panjere-app-ac9b62fa31df808"));
    }

    #[test]
    fn an_index_without_the_loader_is_an_error() {
        assert_eq!(trunk_stem("<html></html>"), None);
        assert_eq!(trunk_stem("/panjere-app-notahash00000000.js"), None);
    }
}
