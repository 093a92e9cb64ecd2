//! Schemathesis against the live portal's `/api/openapi.json`: an outside
//! client attacking the API from its published contract, with every check
//! on, once signed in (a session from the real sign-in) and once
//! anonymous. `cargo xtask test` runs it time-bounded with a fixed seed;
//! `cargo xtask fuzz --minutes N [--seed S]` runs longer.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::portal::{Portal, PortalOptions};
use crate::{root, say, tools, Result};

/// The seed CI uses: the same cases on every run.
pub const CI_SEED: u64 = 20_261_205;
/// Seconds per run in CI (two runs).
const CI_SECONDS: u64 = 75;
/// The persona the signed-in run uses (a citizen the simulated registry
/// knows, with this mobile).
const PERSONA: &str = "0089123451:09121234567";

/// Operations left out of the signed-in run: they end the session the run
/// signs in with (the anonymous run still sends them).
const ENDS_SESSION: &str = "^/api/(auth/sign-out|me/sessions)$";

struct Run {
    name: &'static str,
    signed_in: bool,
}

const RUNS: [Run; 2] = [Run { name: "signed in", signed_in: true }, Run { name: "anonymous", signed_in: false }];

/// Runs both passes against a fresh portal serving only the API (every
/// operation of the document is under `/api`); `(passed, failed, note)`.
/// `aside`: another step runs meanwhile, so each pass's output goes to
/// `<pass>.log` in `out_dir`, printed whole when the pass ends.
fn fuzz(seconds: u64, seed: Option<String>, out_dir: &Path, aside: bool) -> Result<Vec<(String, bool, String)>> {
    let schemathesis = tools::ensure_schemathesis()?;
    let _ = std::fs::create_dir_all(out_dir);
    let log = out_dir.join("portal.log");
    let _ = std::fs::remove_file(&log);
    let data_dir = out_dir.join(format!("data-{}", std::process::id()));
    let mut portal = Portal::start(&PortalOptions { client: false, ..PortalOptions::for_tests(data_dir.clone(), Some(log.clone())) })?;
    say(format!("Schemathesis against {}/api/openapi.json (portal log: {})", portal.url, log.display()));
    let mut results = Vec::new();
    for run in RUNS {
        let report = out_dir.join(format!("{}.xml", run.name.replace(' ', "-")));
        let mut c = Command::new(&schemathesis);
        c.arg("--config-file").arg(root().join("end2end/schemathesis/schemathesis.toml"));
        c.arg("run").arg(format!("{}/api/openapi.json", portal.url));
        c.args(["--checks", "all", "--workers", "2", "--no-color", "--max-time", &seconds.to_string()]);
        c.args(["--generation-database", "none", "--report", "junit", "--report-junit-path"]).arg(&report);
        if let Some(seed) = &seed {
            c.args(["--seed", seed]);
        }
        if run.signed_in {
            c.args(["--exclude-path-regex", ENDS_SESSION]).env("PANJERE_FUZZ_AS", PERSONA);
        }
        c.env("SCHEMATHESIS_HOOKS", "panjere_hooks")
            .env("PYTHONPATH", root().join("end2end/schemathesis"))
            .env("PANJERE_AGENCIES_ADMIN_URL", &portal.admin)
            .current_dir(out_dir);
        say(format!("Schemathesis, {} ({seconds} s)", run.name));
        let output = out_dir.join(format!("{}.log", run.name.replace(' ', "-")));
        if aside {
            let file = std::fs::File::create(&output).map_err(|e| format!("cannot create {}: {e}", output.display()))?;
            c.stdout(file.try_clone().map_err(|e| e.to_string())?).stderr(file);
        }
        let started = Instant::now();
        let ok = c.status().map(|s| s.success()).unwrap_or(false);
        if aside {
            say(format!("Schemathesis, {}: its output", run.name));
            print!("{}", std::fs::read_to_string(&output).unwrap_or_default());
        }
        results.push((run.name.to_owned(), ok, format!("{} s, report {}", started.elapsed().as_secs(), report.display())));
        if portal.exited() {
            results.push(("portal".into(), false, format!("a portal process exited during the run; see {}", log.display())));
            break;
        }
    }
    portal.stop();
    let _ = std::fs::remove_dir_all(data_dir);
    Ok(results)
}

fn out_dir() -> PathBuf {
    root().join("target/schemathesis")
}

/// The time-bounded, fixed-seed runs of `cargo xtask test`, while another
/// step runs: (run, passed, detail) each.
pub fn ci() -> Result<Vec<(String, bool, String)>> {
    fuzz(CI_SECONDS, Some(CI_SEED.to_string()), &out_dir(), true)
}

/// `cargo xtask fuzz [--minutes N] [--seed S]`: a longer run (a random
/// seed unless given), each pass `N` minutes.
pub fn command(args: &[String]) -> Result {
    let mut minutes = 10u64;
    let mut seed = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = it.next().ok_or(format!("{a} needs a value"))?;
        match a.as_str() {
            "--minutes" => minutes = value.parse().map_err(|_| format!("--minutes needs a whole number, not {value}"))?,
            "--seed" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => seed = Some(value.clone()),
            "--seed" => return Err(format!("--seed needs a whole number (as Schemathesis prints it), not {value}")),
            _ => return Err(format!("unknown option {a} (--minutes N, --seed S)")),
        }
    }
    tools::ensure(tools::Need::Build)?;
    crate::portal::build_binaries(false)?;
    let results = fuzz(minutes * 60, seed, &out_dir(), false)?;
    let mut failed = 0;
    for (name, ok, detail) in &results {
        println!("  {name:<12} {} {detail}", if *ok { "passed" } else { "FAILED" });
        failed += usize::from(!ok);
    }
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} Schemathesis run(s) found failures"))
    }
}
