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
pub fn output(cmd: &str, args: &[&str]) -> Option<String> {
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
        // gateway's TLS test; HAProxy balances the scale-out test.
        let missing: Vec<&str> = [("/usr/bin/chromium", "chromium"), ("/usr/bin/openssl", "openssl"), (HAPROXY, "haproxy")]
            .into_iter()
            .filter(|(path, _)| !Path::new(path).exists())
            .map(|(_, package)| package)
            .collect();
        if missing.is_empty() {
            say("Debian chromium, openssl and haproxy: present");
        } else {
            say(format!("Installing Debian's {} for the tests (apt-get)", missing.join(" and ")));
            apt_install(&missing)?;
        }
        ensure_schemathesis()?;
    }
    Ok(())
}

/// Schemathesis, pinned, in a virtual environment of its own under
/// `target/tools/py` (from PyPI, with the machine's Python).
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// The `schemathesis` command, installed if missing.
pub fn ensure_schemathesis() -> Result<std::path::PathBuf> {
    let venv = root().join("target/tools/py");
    let bin = venv.join("bin/schemathesis");
    let version = Command::new(&bin).arg("--version").output().ok().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if version.as_deref().is_some_and(|v| v.ends_with(SCHEMATHESIS_VERSION)) {
        say(format!("schemathesis {SCHEMATHESIS_VERSION}: present"));
        return Ok(bin);
    }
    say(format!("Installing schemathesis {SCHEMATHESIS_VERSION} from PyPI into {}", venv.display()));
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", &format!("schemathesis=={SCHEMATHESIS_VERSION}")]))?;
    Ok(bin)
}

/// Where Debian installs HAProxy.
pub const HAPROXY: &str = "/usr/sbin/haproxy";

/// HAProxy from Debian, for `cargo xtask run --scale N`.
pub fn ensure_haproxy() -> Result {
    if Path::new(HAPROXY).exists() {
        return Ok(());
    }
    say("Installing Debian's haproxy (apt-get)");
    apt_install(&["haproxy"])
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

/// The font shipped: (the `vazirmatn` package's variable font, the file
/// served). One variable font cut to the weights the stylesheet uses
/// ([`FONT_WEIGHTS`]) is 20.6 KB; the two static weights it replaces were
/// 24.1 KB together.
const FONTS: [(&str, &str); 1] = [("variable/Vazirmatn-NL[wght].ttf", "Vazirmatn-fa.woff2")];

/// The OpenType features kept: Persian shaping (joining forms, required
/// and contextual ligatures), marks and kerning; not the font's fractions,
/// tabular digits or stylistic set, which the stylesheet never asks for.
const FONT_FEATURES: &str = "ccmp,locl,isol,init,medi,fina,rlig,calt,liga,curs,mark,mkmk,kern";

/// The weight axis kept (fontTools' instancer): regular to bold.
const FONT_WEIGHTS: &str = "wght=400:700";

/// The self-hosted font, from the `vazirmatn` npm package into
/// `public/fonts`: its variable font limited to [`FONT_WEIGHTS`], then
/// subset (fontTools' `pyftsubset`, keeping [`FONT_FEATURES`], so joining
/// forms and ligatures still work) to [`FONT_UNICODES`]. Latin text
/// uses the system font (English pages load no font). Redone when the
/// recipe changes; anything else in the folder is removed, so it is not
/// shipped.
fn subset_fonts() -> Result {
    let src = root().join("node_modules/vazirmatn/misc/Non-Latin/fonts");
    let dst = root().join("public/fonts");
    std::fs::create_dir_all(&dst).map_err(|e| format!("cannot create {}: {e}", dst.display()))?;
    // What the subset was made with, beside the package it was made from.
    let stamp = root().join("node_modules/.vazirmatn-subset");
    let recipe = format!("{FONT_WEIGHTS} {FONT_FEATURES} {FONT_UNICODES}");
    let current = std::fs::read_to_string(&stamp).is_ok_and(|s| s == recipe) && FONTS.iter().all(|(_, to)| dst.join(to).exists());
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
    say("Cutting the Vazirmatn variable font to regular…bold and the Persian alphabet");
    for (from, to) in FONTS {
        let instance = root().join("target/vazirmatn-instance.ttf");
        run(Command::new("/usr/bin/python3")
            .args(["-m", "fontTools.varLib.instancer"])
            .arg(src.join(from))
            .arg(FONT_WEIGHTS)
            .arg("-o")
            .arg(&instance))?;
        run(Command::new("/usr/bin/pyftsubset")
            .arg(&instance)
            .arg(format!("--unicodes={FONT_UNICODES}"))
            .arg(format!("--layout-features={FONT_FEATURES}"))
            .arg("--flavor=woff2")
            .arg(format!("--output-file={}", dst.join(to).display())))?;
    }
    std::fs::write(&stamp, recipe).map_err(|e| format!("cannot write {}: {e}", stamp.display()))
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

#[cfg(test)]
mod tests {
    use super::{FONTS, FONT_UNICODES, FONT_WEIGHTS};

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
        // The face covers the weights the font was cut to.
        let weights = FONT_WEIGHTS.trim_start_matches("wght=").replace(':', " ");
        assert!(css.contains(&format!("font-weight: {weights};")), "main.css: font-weight {weights}");
        let html = std::fs::read_to_string(crate::root().join("index.html")).unwrap();
        for (_, served) in FONTS {
            assert!(css.contains(&format!("url(\"/fonts/{served}\")")), "{served} not in main.css");
            assert!(html.contains(&format!("href=\"/fonts/{served}\"")), "{served} not preloaded");
        }
    }
}
