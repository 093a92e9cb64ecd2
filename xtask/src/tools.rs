//! Installs what the build and the tests need, skipping what is there.

use std::path::Path;
use std::process::Command;

use crate::{root, say, Result};

pub const TRUNK_VERSION: &str = "0.21.14";

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// What building the client needs.
    Build,
    /// Also what the browser tests need.
    Everything,
}

/// Runs a command, failing with its name when it fails.
pub fn run(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// The stdout of a command, if it ran successfully.
fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// `PATH` with cargo's bin directory and the local npm tools first.
pub fn tool_path() -> String {
    let home = std::env::var("CARGO_HOME").unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap_or_default()));
    let npm_bin = root().join("node_modules/.bin");
    format!("{}:{home}/bin:{}", npm_bin.display(), std::env::var("PATH").unwrap_or_default())
}

/// The wasm-bindgen version in Cargo.lock (the CLI must match it exactly).
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = \"")).and_then(|v| v.strip_suffix('"')) {
                return Ok(v.to_owned());
            }
        }
    }
    Err("Cargo.lock names no wasm-bindgen version".into())
}

pub fn ensure(need: Need) -> Result {
    let path = tool_path();
    let has = |cmd: &str, args: &[&str]| -> Option<String> {
        let out = Command::new(cmd).args(args).env("PATH", &path).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };

    let targets = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if targets.lines().any(|t| t == "wasm32-unknown-unknown") {
        say("wasm32-unknown-unknown target: present");
    } else {
        say("Installing the wasm32-unknown-unknown Rust target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    if has("trunk", &["--version"]).is_some_and(|v| v.ends_with(TRUNK_VERSION)) {
        say(format!("trunk {TRUNK_VERSION}: present"));
    } else {
        say(format!("Installing trunk {TRUNK_VERSION} (compiles from source: about 20 minutes on 2 cores, once)"));
        run(Command::new(cargo()).args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    }

    let wb = locked_wasm_bindgen()?;
    let trunk_toml = std::fs::read_to_string(root().join("Trunk.toml")).unwrap_or_default();
    if !trunk_toml.contains(&format!("wasm_bindgen = \"{wb}\"")) {
        return Err(format!("Trunk.toml must pin wasm_bindgen = \"{wb}\" (the version in Cargo.lock); update [tools] in Trunk.toml"));
    }
    if has("wasm-bindgen", &["--version"]).is_some_and(|v| v.ends_with(&wb)) {
        say(format!("wasm-bindgen-cli {wb}: present"));
    } else {
        say(format!("Installing wasm-bindgen-cli {wb} (matches Cargo.lock; a few minutes, once)"));
        // No --locked: the CLI's own lock file names a yanked crate.
        run(Command::new(cargo()).args(["install", "wasm-bindgen-cli", "--version", &wb]))?;
    }

    npm_ci(&root(), "build tools (binaryen's wasm-opt, the Vazirmatn font)")?;
    subset_fonts()?;

    if need == Need::Everything {
        npm_ci(&root().join("end2end"), "the Playwright suite")?;
        // chromium for the browser tests; openssl makes the test CA of the
        // gateway's TLS test.
        let missing: Vec<&str> = [("/usr/bin/chromium", "chromium"), ("/usr/bin/openssl", "openssl")]
            .into_iter()
            .filter(|(path, _)| !Path::new(path).exists())
            .map(|(_, package)| package)
            .collect();
        if missing.is_empty() {
            say("Debian chromium and openssl: present");
        } else {
            say(format!("Installing Debian's {} for the tests (apt-get)", missing.join(" and ")));
            apt_install(&missing)?;
        }
    }
    Ok(())
}

/// `npm ci` in `dir` unless `node_modules` is already up to date with the lock.
fn npm_ci(dir: &Path, what: &str) -> Result {
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules/.package-lock.json");
    let fresh = match (std::fs::metadata(&lock).and_then(|m| m.modified()), std::fs::metadata(&installed).and_then(|m| m.modified())) {
        (Ok(l), Ok(i)) => i >= l,
        _ => false,
    };
    if fresh {
        say(format!("npm packages for {what}: present"));
        return Ok(());
    }
    say(format!("Installing npm packages for {what} in {}", dir.display()));
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(dir))
}

/// The Unicode ranges of the self-hosted font: the Persian alphabet (with
/// the Arabic letters Persian text also uses), its diacritics, Persian
/// digits, the Arabic decimal and thousands separators and percent sign
/// (the Persian number format's), Persian punctuation, ZWNJ and the
/// direction marks, and the rial sign. `style/main.css` gives each
/// `@font-face` exactly this `unicode-range` (a test checks), so any other
/// character falls back to the system font (Arabic-Indic digits included:
/// the portal writes Persian ones).
pub const FONT_UNICODES: &str =
    "U+060C, U+061B, U+061F, U+0621-063A, U+0640-0655, U+066A-066C, U+0670, U+067E, U+0686, U+0698, U+06A9, U+06AF, U+06C0, U+06CC, U+06F0-06F9, U+200C-200F, U+FDFC";

/// The weights shipped: (the `vazirmatn` package's file, the file served).
const FONTS: [(&str, &str); 2] =
    [("Vazirmatn-NL-Regular.woff2", "Vazirmatn-fa-Regular.woff2"), ("Vazirmatn-NL-Bold.woff2", "Vazirmatn-fa-Bold.woff2")];

/// The self-hosted font, from the `vazirmatn` npm package into
/// `public/fonts`, subset (fontTools' `pyftsubset`, keeping every layout
/// feature, so joining forms and ligatures still work) to [`FONT_UNICODES`]:
/// about 12.5 KB per weight instead of the package's 22 KB Non-Latin cut.
/// Latin text uses the system font (English pages load no font). Redone
/// when the ranges change; anything else in the folder is removed, so it is
/// not shipped.
fn subset_fonts() -> Result {
    let src = root().join("node_modules/vazirmatn/misc/Non-Latin/fonts/webfonts");
    let dst = root().join("public/fonts");
    std::fs::create_dir_all(&dst).map_err(|e| format!("cannot create {}: {e}", dst.display()))?;
    // What the subset was made with, beside the package it was made from.
    let stamp = root().join("node_modules/.vazirmatn-subset");
    let current = std::fs::read_to_string(&stamp).is_ok_and(|s| s == FONT_UNICODES) && FONTS.iter().all(|(_, to)| dst.join(to).exists());
    if current {
        say("Vazirmatn subset: present");
        return Ok(());
    }
    if !Path::new("/usr/bin/pyftsubset").exists() || output("/usr/bin/python3", &["-c", "import brotli"]).is_none() {
        say("Installing Debian's fonttools and python3-brotli to subset the font (apt-get)");
        apt_install(&["fonttools", "python3-brotli"])?;
    }
    for entry in std::fs::read_dir(&dst).map_err(|e| format!("cannot read {}: {e}", dst.display()))?.filter_map(std::result::Result::ok) {
        let _ = std::fs::remove_file(entry.path());
    }
    say("Subsetting the Vazirmatn font to the Persian alphabet");
    for (from, to) in FONTS {
        run(Command::new("/usr/bin/pyftsubset")
            .arg(src.join(from))
            .arg(format!("--unicodes={FONT_UNICODES}"))
            .args(["--layout-features=*", "--flavor=woff2"])
            .arg(format!("--output-file={}", dst.join(to).display())))?;
    }
    std::fs::write(&stamp, FONT_UNICODES).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
}

/// `apt-get install -y` (through sudo unless root), after an update.
fn apt_install(packages: &[&str]) -> Result {
    let sudo = output("id", &["-u"]).is_some_and(|u| u != "0");
    let apt = |args: &[&str]| {
        let mut c = if sudo { Command::new("sudo") } else { Command::new("apt-get") };
        if sudo {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut c)
    };
    apt(&["update"])?;
    apt(&[&["install", "-y"][..], packages].concat())
}

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

/// Every file under `path` (or `path` itself if it is a file), relative to
/// `base`, with `/` separators.
pub fn files_under(base: &Path, path: &Path, out: &mut Vec<String>) -> Result {
    if path.is_dir() {
        for entry in
            std::fs::read_dir(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.filter_map(std::result::Result::ok)
        {
            files_under(base, &entry.path(), out)?;
        }
    } else if let Ok(rel) = path.strip_prefix(base) {
        if path.exists() {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// The SHA-256, in hex, of `files` (relative to `base`, sorted): each one's
/// name and contents. What names a build (`dist/app-<hash>/`, the service
/// worker's version) and tells whether the client is stale.
pub fn hash_files(base: &Path, files: &[String]) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for f in files {
        hasher.update(f.as_bytes());
        hasher.update(std::fs::read(base.join(f)).map_err(|e| format!("cannot read {f}: {e}"))?);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

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
    run(Command::new("trunk").args(["build", "--release", "--offline"]).current_dir(root()).env("PATH", tool_path()))?;
    say("Splitting the client at its lazily loaded routes (wasm-split, wasm-bindgen, wasm-opt -Oz)");
    crate::split::split_client(&root().join("dist"))?;
    say("Writing the service worker's precache list");
    write_precache(&root().join("dist"))?;
    say("Precompressing dist/ (brotli and gzip)");
    precompress(&root().join("dist"))?;
    std::fs::write(&stamp, inputs).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
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
    use super::{FONTS, FONT_UNICODES};

    /// The stylesheet uses the font for exactly the characters the subset
    /// has, and the page preloads the files the subset writes.
    #[test]
    fn stylesheet_and_page_name_the_subset() {
        let css = std::fs::read_to_string(crate::root().join("style/main.css")).unwrap();
        let ranges: Vec<&str> = css.lines().filter_map(|l| l.trim().strip_prefix("unicode-range: ")).collect();
        assert_eq!(ranges.len(), FONTS.len());
        for r in ranges {
            assert_eq!(r.trim_end_matches(';'), FONT_UNICODES);
        }
        let html = std::fs::read_to_string(crate::root().join("index.html")).unwrap();
        for (_, served) in FONTS {
            assert!(css.contains(&format!("url(\"/fonts/{served}\")")), "{served} not in main.css");
            assert!(html.contains(&format!("href=\"/fonts/{served}\"")), "{served} not preloaded");
        }
    }
}
