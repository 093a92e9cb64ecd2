//! `cargo xtask test`: every gate, with a count of what passed and failed.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::portal::{build_binaries_as_tested, Portal, PortalOptions};
use crate::tools::{self, Need};
use crate::{root, say, Result};

struct Step {
    name: &'static str,
    passed: u64,
    failed: u64,
    secs: u64,
    note: String,
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// Runs a command, echoing its output, and returns (success, output).
fn run_capture(mut cmd: Command) -> (bool, String) {
    cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
    let Ok(mut child) = cmd.spawn() else {
        return (false, String::new());
    };
    let mut all = String::new();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(std::result::Result::ok) {
            println!("{line}");
            all.push_str(&line);
            all.push('\n');
        }
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    (ok, all)
}

/// Sums libtest's `test result: … N passed; M failed` lines.
fn count_rust_tests(output: &str) -> (u64, u64) {
    let mut passed = 0;
    let mut failed = 0;
    for line in output.lines().filter(|l| l.starts_with("test result:")) {
        let num_before = |word: &str| -> u64 {
            line.split(';')
                .find(|p| p.trim_end().ends_with(word))
                .and_then(|p| p.split_whitespace().rev().nth(1))
                .and_then(|n| n.parse().ok())
                .unwrap_or(0)
        };
        passed += num_before("passed");
        failed += num_before("failed");
    }
    (passed, failed)
}

fn gate(name: &'static str, f: impl FnOnce() -> Result) -> Step {
    say(name);
    let start = Instant::now();
    let r = f();
    let secs = start.elapsed().as_secs();
    match r {
        Ok(()) => Step { name, passed: 1, failed: 0, secs, note: String::new() },
        Err(e) => {
            eprintln!("xtask: {e}");
            Step { name, passed: 0, failed: 1, secs, note: e }
        }
    }
}

pub fn test_command() -> Result {
    let started = Instant::now();
    tools::ensure(Need::Everything)?;
    let mut steps = Vec::new();

    steps.push(gate("cargo fmt --check", || tools::run(cargo().args(["fmt", "--all", "--check"]))));
    steps.push(gate("cargo clippy --all-targets -- -D warnings", || {
        tools::run(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))
    }));
    // The client as the browser gets it: some code is only for wasm32.
    steps.push(gate("cargo clippy (app on wasm32) -- -D warnings", || {
        tools::run(cargo().args(["clippy", "-p", "panjere-app", "--target", "wasm32-unknown-unknown", "--", "-D", "warnings"]))
    }));

    say("Rust tests (native, whole workspace)");
    let t = Instant::now();
    let (ok, out) = run_capture({
        let mut c = cargo();
        c.args(["test", "--workspace", "--no-fail-fast"]);
        c
    });
    let (p, mut f) = count_rust_tests(&out);
    if !ok && f == 0 {
        f = 1; // it did not build or a harness failed
    }
    steps.push(Step { name: "Rust tests", passed: p, failed: f, secs: t.elapsed().as_secs(), note: String::new() });
    steps.push(on_postgres_and_redis());

    let bins = gate("server and agencies binaries", build_binaries_as_tested);
    let bins_ok = bins.failed == 0;
    steps.push(bins);
    // Schemathesis needs only the server (its portal serves the API, not
    // the client) and runs for a fixed time: it runs while Trunk builds the
    // client, on the other core, and its output is printed when it ends.
    let fuzz = bins_ok.then(|| std::thread::spawn(schemathesis));
    let wasm = gate("wasm32 release build of app (Trunk)", crate::client::build_client_if_stale);
    let wasm_ok = wasm.failed == 0;
    steps.push(wasm);
    steps.push(match fuzz.map(std::thread::JoinHandle::join) {
        Some(Ok(step)) => step,
        Some(Err(_)) => {
            Step { name: "Schemathesis on the OpenAPI document", passed: 0, failed: 1, secs: 0, note: "its thread panicked".into() }
        }
        None => {
            Step { name: "Schemathesis on the OpenAPI document", passed: 0, failed: 1, secs: 0, note: "not run: the build failed".into() }
        }
    });
    if wasm_ok && bins_ok {
        steps.push(playwright());
    } else {
        steps.push(Step { name: "Playwright", passed: 0, failed: 1, secs: 0, note: "not run: the build failed".into() });
    }

    println!();
    say("Summary");
    for s in &steps {
        println!("  {:<45} {:>5} passed {:>4} failed {:>5}s {}", s.name, s.passed, s.failed, s.secs, s.note);
    }
    let passed: u64 = steps.iter().map(|s| s.passed).sum();
    let failed: u64 = steps.iter().map(|s| s.failed).sum();
    println!("  total time {}s", started.elapsed().as_secs());
    println!("Summary: {passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} failed"))
    }
}

/// The local PostgreSQL and Redis the suite runs on a second time
/// (`PANJERE_TEST_POSTGRES`, `PANJERE_TEST_REDIS` override them).
const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";
const REDIS: &str = "redis://127.0.0.1:6379";

/// Whether something listens at `host:port`.
fn listening(address: &str) -> bool {
    use std::net::ToSocketAddrs;
    address
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|a| std::net::TcpStream::connect_timeout(&a, std::time::Duration::from_secs(1)).is_ok())
}

/// The server's API suite again, each test on a PostgreSQL database of its
/// own and Redis under a key prefix of its own, with the scale-out test
/// (three instances behind HAProxy); not run, and said so, when the
/// machine has no PostgreSQL or Redis.
fn on_postgres_and_redis() -> Step {
    let name = "API suite + scale-out on PostgreSQL and Redis";
    say(name);
    let t = Instant::now();
    let postgres = std::env::var("PANJERE_TEST_POSTGRES").unwrap_or_else(|_| POSTGRES.into());
    let redis = std::env::var("PANJERE_TEST_REDIS").unwrap_or_else(|_| REDIS.into());
    let host = |url: &str| url.rsplit('@').next().unwrap_or(url).trim_start_matches("redis://").split('/').next().unwrap_or("").to_owned();
    if !listening(&host(&postgres)) || !listening(&host(&redis)) {
        let note = format!("not run: no PostgreSQL at {postgres} or no Redis at {redis}");
        println!("{note}");
        return Step { name, passed: 0, failed: 0, secs: 0, note };
    }
    // `--workspace` as in the first run: the same features, so the same
    // test binary, nothing compiled again.
    let (ok, out) = run_capture({
        let mut c = cargo();
        c.args(["test", "--workspace", "--test", "api", "--no-fail-fast", "--", "--include-ignored"])
            .env("PANJERE_TEST_POSTGRES", &postgres)
            .env("PANJERE_TEST_REDIS", &redis);
        c
    });
    let (p, mut f) = count_rust_tests(&out);
    if !ok && f == 0 {
        f = 1;
    }
    Step { name, passed: p, failed: f, secs: t.elapsed().as_secs(), note: String::new() }
}

/// Schemathesis against a fresh portal: signed in, then anonymous.
fn schemathesis() -> Step {
    let name = "Schemathesis on the OpenAPI document";
    say(name);
    let started = Instant::now();
    match crate::fuzz::ci() {
        Ok(results) => {
            let failed: Vec<_> = results.iter().filter(|r| !r.1).collect();
            let note = failed.iter().map(|(n, _, d)| format!("{n} failed ({d})")).collect::<Vec<_>>().join("; ");
            Step {
                name,
                passed: (results.len() - failed.len()) as u64,
                failed: failed.len() as u64,
                secs: started.elapsed().as_secs(),
                note,
            }
        }
        Err(e) => Step { name, passed: 0, failed: 1, secs: started.elapsed().as_secs(), note: e },
    }
}

fn playwright() -> Step {
    say("Playwright suite (Debian chromium) against a freshly started portal on free ports");
    let start = Instant::now();
    let out_dir = root().join("target/e2e");
    let _ = std::fs::create_dir_all(&out_dir);
    let log = out_dir.join("portal.log");
    let _ = std::fs::remove_file(&log);
    let data_dir = out_dir.join(format!("data-{}", std::process::id()));
    let portal = Portal::start(&PortalOptions::for_tests(data_dir.clone(), Some(log.clone())));
    let mut portal = match portal {
        Ok(p) => p,
        Err(e) => {
            return Step {
                name: "Playwright",
                passed: 0,
                failed: 1,
                secs: start.elapsed().as_secs(),
                note: format!("portal did not start: {e}; see {}", log.display()),
            }
        }
    };
    println!("    portal at {} (log: {})", portal.url, log.display());
    let results: PathBuf = out_dir.join("playwright-results.json");
    let _ = std::fs::remove_file(&results);
    let mut c = Command::new("npx");
    c.args(["playwright", "test", "--reporter=list,json"])
        .current_dir(root().join("end2end"))
        .env("BASE_URL", &portal.url)
        .env("PANJERE_AGENCIES_ADMIN_URL", &portal.admin)
        .env("PLAYWRIGHT_JSON_OUTPUT_NAME", &results);
    for (id, url) in &portal.agencies {
        c.env(format!("PANJERE_AGENCY_{}_URL", id.to_uppercase().replace('-', "_")), url);
    }
    let ok = c.status().map(|s| s.success()).unwrap_or(false);
    portal.stop();
    let _ = std::fs::remove_dir_all(data_dir);
    let stats =
        std::fs::read_to_string(&results).ok().and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok()).map(|j| j["stats"].clone());
    let (passed, mut failed, note) = match stats {
        Some(s) => {
            let n = |k: &str| s[k].as_u64().unwrap_or(0);
            (n("expected") + n("flaky"), n("unexpected"), if n("flaky") > 0 { format!("{} flaky", n("flaky")) } else { String::new() })
        }
        None => (0, 0, "no results file".to_owned()),
    };
    if !ok && failed == 0 {
        failed = 1;
    }
    let note = if failed > 0 {
        format!("{note} traces, screenshots and console logs in end2end/test-results; portal log {}", log.display())
    } else {
        note
    };
    Step { name: "Playwright", passed, failed, secs: start.elapsed().as_secs(), note }
}

#[cfg(test)]
mod tests {
    use super::count_rust_tests;

    #[test]
    fn counts_libtest_lines() {
        let out = "test result: ok. 17 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.1s\n\
                   noise\n\
                   test result: FAILED. 3 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.2s\n";
        assert_eq!(count_rust_tests(out), (20, 2));
    }
}
