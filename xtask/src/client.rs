//! Building the client: Trunk (release), the split at its lazily loaded
//! routes, the service worker's precache list, precompression; skipped when
//! `dist/` was built from exactly the current sources.

use std::path::Path;
use std::process::Command;

#[path = "../../app/locale_pack.rs"]
mod locale_pack;

use crate::files::{files_under, hash_files};
use crate::tools::{run, tool_path};
use crate::{root, say, Result};

/// What the client is built from, relative to the repository: a change to
/// any file under these rebuilds it.
const CLIENT_INPUTS: &[&str] = &[
    "app",
    "api",
    "style",
    "public",
    "index.html",
    "Trunk.toml",
    "Cargo.toml",
    "Cargo.lock",
    ".cargo/config.toml",
    "package-lock.json",
    "xtask/src",
];

/// The hash of the client's inputs.
fn client_inputs_hash() -> Result<String> {
    let mut files = Vec::new();
    for input in CLIENT_INPUTS {
        files_under(&root(), &root().join(input), &mut files)?;
    }
    files.sort();
    hash_files(&root(), &files)
}

/// Builds the client unless `dist/` was last built from exactly the current
/// sources (a full build takes minutes, mostly the wasm's optimisation).
pub fn build_client_if_stale() -> Result {
    let stamp = root().join("target/client-inputs");
    let inputs = client_inputs_hash()?;
    if root().join("dist/index.html").exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == inputs) {
        say("The client in dist/ is up to date with its sources: not rebuilding it");
        return Ok(());
    }
    build_client()
}

/// Builds the client in release mode with Trunk and precompresses `dist/`,
/// then records what it was built from (`target/client-inputs`).
pub fn build_client() -> Result {
    let stamp = root().join("target/client-inputs");
    let inputs = client_inputs_hash()?;
    let _ = std::fs::remove_file(&stamp);
    say("Building the client (Trunk, release)");
    run(Command::new("trunk")
        .args(["build", "--release", "--offline"])
        .current_dir(root())
        .env("PATH", tool_path())
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", wasm_rustflags()?))?;
    say("Splitting the client at its lazily loaded routes (wasm-split, wasm-bindgen, wasm-opt -Oz)");
    crate::split::split_client(&root().join("dist"))?;
    say("Writing the English string table");
    write_english(&root().join("dist"))?;
    say("Minifying the stylesheet (esbuild)");
    crate::split::minify_css(&root().join("dist"))?;
    say("Writing the service worker's precache list");
    write_precache(&root().join("dist"))?;
    say("Precompressing dist/ (brotli and gzip)");
    precompress(&root().join("dist"))?;
    std::fs::write(&stamp, inputs).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// The client's rustflags: `.cargo/config.toml`'s for the wasm target, and
/// source paths shortened (`--remap-path-prefix`): the wasm names the file
/// of every place it may panic, and the registry's, the toolchain's and this
/// checkout's long directories were 12 KB of it.
fn wasm_rustflags() -> Result<String> {
    let config = std::fs::read_to_string(root().join(".cargo/config.toml")).map_err(|e| format!("cannot read .cargo/config.toml: {e}"))?;
    let mut flags = config_rustflags(&config).ok_or(".cargo/config.toml names no rustflags for wasm32-unknown-unknown")?;
    let home = std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default()));
    // The registries, then each one's own directory (`index.crates.io-<hash>`):
    // where several match, rustc takes the last.
    flags.push(format!("--remap-path-prefix={home}/registry/src=/crates"));
    let registries = std::fs::read_dir(format!("{home}/registry/src")).into_iter().flatten().filter_map(std::result::Result::ok);
    flags.extend(registries.map(|r| format!("--remap-path-prefix={}=/crates", r.path().display())));
    flags.push(format!("--remap-path-prefix={}=/panjere", root().display()));
    if let Some(hash) =
        crate::tools::output("rustc", &["-vV"]).and_then(|v| v.lines().find_map(|l| l.strip_prefix("commit-hash: ").map(str::to_owned)))
    {
        flags.push(format!("--remap-path-prefix=/rustc/{hash}=/rustc"));
    }
    Ok(flags.join(" "))
}

/// The `rustflags` of `[target.wasm32-unknown-unknown]` in a cargo config.
fn config_rustflags(config: &str) -> Option<Vec<String>> {
    let section = config.split("[target.wasm32-unknown-unknown]").nth(1)?;
    let line = section.lines().find(|l| l.trim_start().starts_with("rustflags"))?;
    let list = &line[line.find('[')? + 1..line.rfind(']')?];
    Some(list.split(',').map(|f| f.trim().trim_matches('"').to_owned()).filter(|f| !f.is_empty()).collect())
}

/// Writes the English string table the app fetches when English is chosen
/// (`app/locale_pack.rs`; the app's build script names the same file).
fn write_english(dist: &Path) -> Result {
    let path = root().join("app/locales/en.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let table = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let packed = locale_pack::pack(&table);
    let file = dist.join(locale_pack::file_name(&packed));
    std::fs::write(&file, packed).map_err(|e| format!("cannot write {}: {e}", file.display()))
}

/// Fills `dist/sw.js` with the build's exact files (the app shell it
/// precaches) and a version that changes whenever any of them does.
pub fn write_precache(dist: &Path) -> Result {
    let mut files = Vec::new();
    files_under(dist, dist, &mut files)?;
    files.retain(|f| !f.ends_with(".br") && !f.ends_with(".gz") && f != "sw.js" && f != crate::split::MODULES_JSON);
    files.sort();
    let version = &hash_files(dist, &files)?[..16];
    // The shell is served at "/" (index.html is never requested by name).
    let urls: Vec<String> = files.iter().map(|f| if f == "index.html" { "/".to_owned() } else { format!("/{f}") }).collect();
    let sw_path = dist.join("sw.js");
    let sw = std::fs::read_to_string(&sw_path).map_err(|e| format!("cannot read {}: {e}", sw_path.display()))?;
    let (version_line, list_line) = ("const VERSION = 'development';", "const PRECACHE = [];");
    if !sw.contains(version_line) || !sw.contains(list_line) {
        return Err(format!("{} lacks `{version_line}` or `{list_line}`", sw_path.display()));
    }
    let list = serde_json::to_string(&urls).map_err(|e| e.to_string())?;
    let sw = sw.replace(version_line, &format!("const VERSION = '{version}';")).replace(list_line, &format!("const PRECACHE = {list};"));
    std::fs::write(&sw_path, sw).map_err(|e| format!("cannot write {}: {e}", sw_path.display()))
}

/// Writes `.br` and `.gz` beside every compressible file of `dir`.
pub fn precompress(dir: &Path) -> Result {
    use std::io::Write;
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.filter_map(std::result::Result::ok) {
        let p = entry.path();
        if p.is_dir() {
            precompress(&p)?;
            continue;
        }
        let compressible = p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "wasm" | "js" | "css" | "html" | "json" | "svg" | "webmanifest" | "txt"));
        if !compressible {
            continue;
        }
        let data = std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
            w.write_all(&data).map_err(|e| e.to_string())?;
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&data).map_err(|e| e.to_string())?;
        let gz = gz.finish().map_err(|e| e.to_string())?;
        let name = p.file_name().unwrap_or_default().to_string_lossy().into_owned();
        std::fs::write(p.with_file_name(format!("{name}.br")), br).map_err(|e| e.to_string())?;
        std::fs::write(p.with_file_name(format!("{name}.gz")), gz).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::config_rustflags;

    #[test]
    fn the_wasm_targets_rustflags_are_read_from_the_config() {
        let config = std::fs::read_to_string(crate::root().join(".cargo/config.toml")).unwrap();
        let flags = config_rustflags(&config).unwrap();
        assert!(flags.windows(2).any(|w| w == ["--cfg", "erase_components"]), "{flags:?}");
        assert!(flags.iter().any(|f| f == "link-arg=--emit-relocs"), "{flags:?}");
        assert_eq!(config_rustflags("[alias]\nx = 1"), None);
    }
}
