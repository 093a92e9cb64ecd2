//! Panjere's task runner (matklad's xtask pattern).
//!
//! - `cargo xtask run [--address IP] [--port N] [--admin-port N] [--data-dir DIR] [--release] [--scale N]`:
//!   installs what is missing, builds the client (release), starts the
//!   simulated agencies and the server, prints the URL; Ctrl-C stops all.
//!   `--scale N`: N instances on PostgreSQL and Redis behind HAProxy.
//! - `cargo xtask test`: installs what is missing, then fmt, clippy, all Rust
//!   tests, the wasm32 release build and the Playwright suite against a
//!   freshly started portal on free ports; ends with `N passed, N failed`.
//! - `cargo xtask setup`: only installs what is missing.
//! - `cargo xtask build`: only builds the client into `dist/`.
//! - `cargo xtask cycles`: the modules of `server/` and `xtask/` and which
//!   others each uses; fails on an import cycle.

mod client;
mod cycles;
mod files;
mod fuzz;
mod portal;
mod split;
mod steps;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask has a parent directory").to_owned()
}

/// Prints a progress heading.
pub fn say(msg: impl AsRef<str>) {
    println!("\x1b[1m==> {}\x1b[0m", msg.as_ref());
}

pub type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => portal::run_command(&args[1..]),
        Some("test") => steps::test_command(),
        Some("setup") => tools::ensure(tools::Need::Everything),
        Some("build") => tools::ensure(tools::Need::Build).and_then(|()| client::build_client()),
        Some("cycles") => cycles::command(),
        Some("serve-e2e") => portal::serve_e2e(&args[1..]),
        Some("fuzz") => fuzz::command(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <run|test|setup|build|cycles|fuzz>\n  run  [--address IP] [--port N] [--admin-port N] [--data-dir DIR] [--release] [--scale N]\n  test\n  fuzz [--minutes N] [--seed S]"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\x1b[31mxtask: {e}\x1b[0m");
            ExitCode::FAILURE
        }
    }
}
