//! Starting and stopping the whole portal: simulated agencies, then the
//! server, each reporting its address on stdout.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::tools::{self, run, Need};
use crate::{root, say, Result};

pub struct PortalOptions {
    pub address: String,
    pub port: u16,
    pub data_dir: PathBuf,
    pub release: bool,
    /// The simulators' admin endpoint port (0: any free port).
    pub admin_port: u16,
    /// Where the processes' output goes: the terminal, or a log file.
    pub log: Option<PathBuf>,
    /// The browser tests' configuration: test mode and a shortened idle
    /// timeout (so the timeout warning can be tested).
    pub e2e: bool,
    /// Several instances on PostgreSQL and Redis behind HAProxy.
    pub scale: Option<Scale>,
    /// Serve the client build (`dist/`, or `PANJERE_DIST`); without it the
    /// server serves only the API, whatever `dist/` holds meanwhile.
    pub client: bool,
}

impl PortalOptions {
    /// What the test suites start: a debug build in test mode on free
    /// ports, with a throwaway data directory.
    pub fn for_tests(data_dir: PathBuf, log: Option<PathBuf>) -> PortalOptions {
        PortalOptions {
            address: "127.0.0.1".into(),
            port: 0,
            data_dir,
            release: false,
            admin_port: 0,
            log,
            e2e: true,
            scale: None,
            client: true,
        }
    }
}

/// `--scale N`: N instances sharing one PostgreSQL database and one Redis,
/// behind HAProxy configured from `deploy/haproxy.cfg`.
pub struct Scale {
    pub instances: usize,
    pub database_url: String,
    pub redis_url: String,
    pub redis_prefix: String,
}

/// The shipped balancer configuration (`deploy/haproxy.cfg`) bound to
/// `bind`, with these instances (name, port) in place of its examples.
pub fn balancer_config(bind: &str, servers: &[(String, u16)]) -> Result<String> {
    let path = root().join("deploy/haproxy.cfg");
    let shipped = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let (head, _) = shipped.split_once("    # servers\n").ok_or(format!("{} has no '# servers' line", path.display()))?;
    let mut config = head.replace("bind 127.0.0.1:8080", &format!("bind {bind}"));
    for (name, port) in servers {
        config.push_str(&format!("    server {name} 127.0.0.1:{port}\n"));
    }
    Ok(config)
}

/// The simulators' admin port of `cargo xtask run` (`--admin-port`): the
/// browser tests find it there when only `BASE_URL` is given.
pub const RUN_ADMIN_PORT: u16 = 7100;

/// The idle timeout of the browser tests' portal, in seconds (the app warns
/// 120 s before it).
pub const E2E_IDLE_SECONDS: u64 = 150;

/// The running portal; stopped (agencies and server) when dropped.
pub struct Portal {
    children: Vec<Child>,
    pub url: String,
    pub agencies: Vec<(String, String)>,
    /// The simulators' admin endpoint (fault injection).
    pub admin: String,
}

fn binary(name: &str, release: bool) -> PathBuf {
    root().join("target").join(if release { "release" } else { "debug" }).join(name)
}

/// Builds the server and the agencies (debug by default: the same artifacts
/// the tests use, so nothing is compiled twice).
pub fn build_binaries(release: bool) -> Result {
    say(format!("Building the server and the simulated agencies ({})", if release { "release" } else { "debug" }));
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.args(["build", "-p", "panjere-server", "-p", "panjere-agencies"]).current_dir(root());
    if release {
        c.arg("--release");
    }
    run(&mut c)
}

/// Builds the server and the agencies as `cargo test --workspace` built
/// their dependencies: every member's targets with its dev-dependencies, so
/// features resolve as they did for the tests and nothing is compiled
/// again (`build_binaries` resolves for the two packages alone: after the
/// tests it compiled a hundred crates anew, 100–150 s of CI).
pub fn build_binaries_as_tested() -> Result {
    say("Building the server and the simulated agencies (debug, with the tests' features)");
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.args(["build", "--workspace", "--bins", "--tests"]).current_dir(root());
    run(&mut c)
}

/// Spawns `cmd` and reads its start-up lines until `ready(line)`; returns
/// the lines seen. A watchdog stops the process if it is not ready within
/// `timeout`. Its later output is forwarded (to the terminal or the log).
fn spawn(mut cmd: Command, what: &str, ready: fn(&str) -> bool, timeout: Duration, log: Option<&Path>) -> Result<(Child, Vec<String>)> {
    cmd.stdout(Stdio::piped());
    if let Some(path) = log {
        cmd.stderr(Stdio::from(open_log(path)?));
    }
    let shown = format!("{cmd:?}");
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {shown}: {e}"))?;
    let mut reader = BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let mut sink: Box<dyn Write + Send> = match log {
        Some(path) => Box::new(open_log(path)?),
        None => Box::new(std::io::stdout()),
    };
    let started = Arc::new(AtomicBool::new(false));
    let timed_out = Arc::new(AtomicBool::new(false));
    {
        let (started, timed_out, pid) = (started.clone(), timed_out.clone(), child.id().to_string());
        std::thread::spawn(move || {
            let deadline = Instant::now() + timeout;
            while Instant::now() < deadline {
                if started.load(Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            timed_out.store(true, Ordering::SeqCst);
            let _ = Command::new("kill").args(["-TERM", &pid]).status();
        });
    }
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).map_err(|e| format!("reading from {what}: {e}"))?;
        if n == 0 {
            let _ = child.wait();
            return Err(if timed_out.load(Ordering::SeqCst) {
                format!("{what} did not start within {}s (see its output above or in the log)", timeout.as_secs())
            } else {
                format!("{what} exited before it was ready (see its output above or in the log)")
            });
        }
        let line = line.trim_end().to_owned();
        let _ = writeln!(sink, "{line}");
        let done = ready(&line);
        lines.push(line);
        if done {
            break;
        }
    }
    started.store(true, Ordering::SeqCst);
    std::thread::spawn(move || {
        for line in reader.lines().map_while(std::result::Result::ok) {
            let _ = writeln!(sink, "{line}");
        }
    });
    Ok((child, lines))
}

/// Whether `GET /api/health` at `address` answers 200.
fn health_ok(address: &str) -> bool {
    let Ok(mut s) = std::net::TcpStream::connect(address) else { return false };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    std::io::Read::read_exact(&mut s, &mut head).is_ok() && head.ends_with(b"200")
}

/// A port free right now (the OS picks it).
/// A free port below the kernel's ephemeral range (32768 and up). The
/// server's port is chosen before it starts (the agencies must know it for
/// their callbacks); a port the OS hands out could meanwhile be given to
/// one of the 73 agencies binding port 0, or to an outgoing connection.
/// These are not.
fn free_port() -> Result<u16> {
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let mut x = (u64::from(seed) ^ (u64::from(std::process::id()) << 32)) | 1;
    for _ in 0..1000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let port = 20_000 + (x % 12_000) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    Err("cannot find a free port between 20000 and 32000".into())
}

fn open_log(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))
}

impl Portal {
    pub fn start(o: &PortalOptions) -> Result<Portal> {
        std::fs::create_dir_all(&o.data_dir).map_err(|e| format!("cannot create {}: {e}", o.data_dir.display()))?;
        let mut portal = Portal { children: Vec::new(), url: String::new(), agencies: Vec::new(), admin: String::new() };

        // The agencies call the server back with status updates: its port
        // must be known before either starts.
        let port = if o.port == 0 { free_port()? } else { o.port };
        let callback = format!("http://127.0.0.1:{port}/api/agency-callbacks");
        let events = format!("http://127.0.0.1:{port}/api/agency-events");
        // Applications move on every 2 s in the browser tests, 10 s otherwise.
        let step = if o.e2e { "2" } else { "10" };
        let mut agencies = Command::new(binary("panjere-agencies", o.release));
        agencies
            .args(["--address", "127.0.0.1", "--base-port", "0", "--admin-port", &o.admin_port.to_string()])
            .args(["--callback-url", &callback, "--events-url", &events, "--step-seconds", step])
            .current_dir(root());
        let (child, lines) =
            spawn(agencies, "the simulated agencies", |l| l.starts_with("AGENCIES READY"), Duration::from_secs(30), o.log.as_deref())?;
        portal.children.push(child);
        if let Some(admin) = lines.iter().find_map(|l| l.strip_prefix("ADMIN ")) {
            portal.admin = admin.trim().to_owned();
        }
        for line in lines.iter().filter(|l| l.starts_with("AGENCY ")) {
            let mut parts = line.split_whitespace().skip(1);
            if let (Some(id), Some(url)) = (parts.next(), parts.next()) {
                portal.agencies.push((id.to_owned(), url.to_owned()));
            }
        }

        let server = |port: u16| {
            let mut server = Command::new(binary("panjere", o.release));
            server
                .current_dir(root())
                .env("PANJERE_PORT", port.to_string())
                .env("PANJERE_DATA_DIR", &o.data_dir)
                // Another client build (`PANJERE_DIST`), to compare two
                // builds side by side (bench/lighthouse/tasks.mjs).
                .env(
                    "PANJERE_DIST",
                    match std::env::var_os("PANJERE_DIST") {
                        _ if !o.client => o.data_dir.join("no-client"),
                        Some(dist) => PathBuf::from(dist),
                        None => root().join("dist"),
                    },
                )
                .env("PANJERE_CATALOG", root().join("data"))
                .env("PANJERE_LOG_FORMAT", if o.log.is_some() { "json" } else { "pretty" });
            if o.e2e {
                server.env("PANJERE_MODE", "test").env("PANJERE_SESSION_IDLE_SECONDS", E2E_IDLE_SECONDS.to_string());
            }
            for (id, url) in &portal.agencies {
                server.env(format!("PANJERE_AGENCY_{}_URL", id.to_uppercase().replace('-', "_")), url);
            }
            server
        };
        let listening = |l: &str| l.starts_with("PANJERE_LISTENING ");
        let Some(scale) = &o.scale else {
            let mut one = server(port);
            one.env("PANJERE_ADDRESS", &o.address);
            let (child, lines) = spawn(one, "the server", listening, Duration::from_secs(60), o.log.as_deref())?;
            portal.children.push(child);
            let line = lines.last().cloned().unwrap_or_default();
            portal.url = line.trim_start_matches("PANJERE_LISTENING ").trim().to_owned();
            return Ok(portal);
        };
        let mut servers = Vec::new();
        for i in 1..=scale.instances {
            let (name, own_port) = (format!("panjere-{i}"), free_port()?);
            let mut one = server(own_port);
            one.env("PANJERE_ADDRESS", "127.0.0.1")
                .env("PANJERE_INSTANCE", &name)
                .env("PANJERE_DATABASE_URL", &scale.database_url)
                .env("PANJERE_REDIS_URL", &scale.redis_url)
                .env("PANJERE_REDIS_PREFIX", &scale.redis_prefix)
                .env("PANJERE_TRUST_FORWARDED", "true");
            let (child, _) = spawn(one, &format!("instance {name}"), listening, Duration::from_secs(60), o.log.as_deref())?;
            portal.children.push(child);
            servers.push((name, own_port));
        }
        let bind = format!("{}:{port}", o.address);
        let config = o.data_dir.join("haproxy.cfg");
        std::fs::write(&config, balancer_config(&bind, &servers)?).map_err(|e| format!("cannot write {}: {e}", config.display()))?;
        let mut balancer = Command::new(tools::HAPROXY);
        balancer.arg("-db").arg("-f").arg(&config).stdin(Stdio::null());
        if let Some(path) = o.log.as_deref() {
            balancer.stdout(Stdio::from(open_log(path)?)).stderr(Stdio::from(open_log(path)?));
        }
        portal.children.push(balancer.spawn().map_err(|e| format!("cannot start HAProxy: {e}"))?);
        portal.url = format!("http://{bind}");
        // Until the balancer answers from an instance.
        let deadline = Instant::now() + Duration::from_secs(20);
        while !health_ok(&bind) {
            if Instant::now() > deadline || portal.exited() {
                return Err(format!("HAProxy on {bind} did not answer (see {})", config.display()));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(portal)
    }

    /// Whether a process of the portal has exited.
    pub fn exited(&mut self) -> bool {
        self.children.iter_mut().any(|c| matches!(c.try_wait(), Ok(Some(_))))
    }

    /// SIGTERM to each process (graceful), SIGKILL after 5 s.
    pub fn stop(&mut self) {
        for c in self.children.iter().rev() {
            let _ = Command::new("kill").args(["-TERM", &c.id().to_string()]).stderr(Stdio::null()).status();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        for c in self.children.iter_mut() {
            while Instant::now() < deadline && matches!(c.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
        self.children.clear();
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        self.stop();
    }
}

fn parse_flags(args: &[String]) -> Result<std::collections::HashMap<String, String>> {
    let mut m = std::collections::HashMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--release" => {
                m.insert("release".into(), "1".into());
            }
            "--address" | "--port" | "--data-dir" | "--admin-port" | "--scale" => {
                let v = it.next().ok_or(format!("{a} needs a value"))?;
                m.insert(a.trim_start_matches("--").into(), v.clone());
            }
            _ => return Err(format!("unknown option {a}; see `cargo xtask` for usage")),
        }
    }
    Ok(m)
}

/// Blocks until Ctrl-C / SIGTERM or until a process of the portal exits.
fn wait_for_stop(portal: &mut Portal) {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
    while !stop.load(Ordering::SeqCst) {
        if portal.exited() {
            eprintln!("xtask: a portal process exited; stopping the others");
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    say("Stopping the portal");
    portal.stop();
}

/// `cargo xtask run`.
pub fn run_command(args: &[String]) -> Result {
    let f = parse_flags(args)?;
    let address = f.get("address").cloned().unwrap_or_else(|| std::env::var("PANJERE_ADDRESS").unwrap_or_else(|_| "127.0.0.1".into()));
    let port: u16 = f
        .get("port")
        .cloned()
        .or_else(|| std::env::var("PANJERE_PORT").ok())
        .unwrap_or_else(|| "8080".into())
        .parse()
        .map_err(|_| "--port must be a number from 0 to 65535".to_owned())?;
    let data_dir = f.get("data-dir").map(PathBuf::from).unwrap_or_else(|| root().join("var"));
    let release = f.contains_key("release");
    let admin_port: u16 = f
        .get("admin-port")
        .map_or(Ok(RUN_ADMIN_PORT), |p| p.parse())
        .map_err(|_| "--admin-port must be a number from 0 to 65535".to_owned())?;
    let scale = match f.get("scale") {
        None => None,
        Some(n) => {
            let n: usize = n.parse().ok().filter(|n| (1..=16).contains(n)).ok_or("--scale must be a number from 1 to 16")?;
            Some(scale_out(n)?)
        }
    };
    tools::ensure(Need::Build)?;
    crate::client::build_client_if_stale()?;
    build_binaries(release)?;
    match &scale {
        None => say(format!("Starting the simulated agencies and the server (database in {})", data_dir.display())),
        Some(s) => say(format!(
            "Starting the simulated agencies and {} instances on {} and {} (keys {}*) behind HAProxy",
            s.instances, s.database_url, s.redis_url, s.redis_prefix
        )),
    }
    let mut portal = Portal::start(&PortalOptions {
        address: address.clone(),
        port,
        data_dir,
        release,
        admin_port,
        log: None,
        e2e: false,
        scale,
        client: true,
    })?;
    println!();
    say(format!("Panjere is running at {}", portal.url));
    println!("    Simulated agencies' admin endpoint (faults, SMS outbox): {}", portal.admin);
    println!(
        "    Browser tests against this portal: cd end2end && BASE_URL={} PANJERE_AGENCIES_ADMIN_URL={} npm test",
        portal.url, portal.admin
    );
    if address == "0.0.0.0" {
        println!(
            "    (listening on every interface: open http://<this machine's LAN address>:{} on a phone)",
            portal.url.rsplit(':').next().unwrap_or_default()
        );
    }
    println!("    Press Ctrl-C to stop everything.\n");
    wait_for_stop(&mut portal);
    Ok(())
}

/// What `--scale N` runs on: `PANJERE_DATABASE_URL` and `PANJERE_REDIS_URL`
/// when set, else the local PostgreSQL (a database of this run's own,
/// created here) and the local Redis (a key prefix of this run's own); HAProxy
/// installed from Debian when missing.
fn scale_out(instances: usize) -> Result<Scale> {
    tools::ensure_haproxy()?;
    let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    let database_url = match std::env::var("PANJERE_DATABASE_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            let name = format!("panjere_run_{run}");
            say(format!("Creating the PostgreSQL database {name} on 127.0.0.1:5432"));
            run_quiet(Command::new("psql").args([
                "postgres://postgres@127.0.0.1:5432/postgres",
                "-qc",
                &format!("CREATE DATABASE {name}"),
            ]))?;
            format!("postgres://postgres@127.0.0.1:5432/{name}")
        }
    };
    let redis_url = std::env::var("PANJERE_REDIS_URL").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "redis://127.0.0.1:6379".into());
    Ok(Scale { instances, database_url, redis_url, redis_prefix: format!("panjere-run-{run}:") })
}

fn run_quiet(cmd: &mut Command) -> Result {
    let out = cmd.output().map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr).trim()))
    }
}

/// `cargo xtask serve-e2e --port N`: what the Playwright suite starts when no
/// `BASE_URL` is given: a portal with a throwaway database.
pub fn serve_e2e(args: &[String]) -> Result {
    let f = parse_flags(args)?;
    let port: u16 = f.get("port").and_then(|p| p.parse().ok()).ok_or("serve-e2e needs --port")?;
    let admin_port: u16 = f.get("admin-port").and_then(|p| p.parse().ok()).unwrap_or(0);
    tools::ensure(Need::Build)?;
    crate::client::build_client_if_stale()?;
    build_binaries(false)?;
    let data_dir = root().join("target/e2e").join(format!("data-{}", std::process::id()));
    let mut portal = Portal::start(&PortalOptions { port, admin_port, ..PortalOptions::for_tests(data_dir.clone(), None) })?;
    say(format!("Panjere (end-to-end) at {}; agencies' admin at {}", portal.url, portal.admin));
    wait_for_stop(&mut portal);
    let _ = std::fs::remove_dir_all(data_dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--scale N` balances over exactly its N instances with the shipped
    /// settings, and HAProxy accepts the result.
    #[test]
    fn the_balancer_config_lists_the_instances_and_is_valid() {
        let servers: Vec<(String, u16)> = (1..=4).map(|i| (format!("panjere-{i}"), 9000 + i)).collect();
        let config = balancer_config("127.0.0.1:9999", &servers).unwrap();
        assert!(config.contains("bind 127.0.0.1:9999") && !config.contains("bind 127.0.0.1:8080"), "{config}");
        let lines: Vec<&str> = config.lines().filter(|l| l.trim_start().starts_with("server ")).collect();
        assert_eq!(
            lines,
            [
                "    server panjere-1 127.0.0.1:9001",
                "    server panjere-2 127.0.0.1:9002",
                "    server panjere-3 127.0.0.1:9003",
                "    server panjere-4 127.0.0.1:9004"
            ]
        );
        assert!(config.contains("http-check send meth GET uri /api/health") && config.contains("retry-on conn-failure empty-response"));
        if Path::new(tools::HAPROXY).exists() {
            let dir = tempfile_dir();
            let path = dir.join("haproxy.cfg");
            std::fs::write(&path, &config).unwrap();
            let out = Command::new(tools::HAPROXY).arg("-c").arg("-f").arg(&path).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("panjere-xtask-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
