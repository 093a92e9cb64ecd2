//! Holds a fixed request rate against one URL, for the gateway benchmark
//! (`bench/gateway/run.sh`): exactly `RATE × SECONDS` requests, request `i`
//! due at `i / RATE` seconds, spread over `CONNECTIONS` kept-alive HTTP/1.1
//! connections (request `i` on connection `i mod CONNECTIONS`). A request
//! goes out when it is due (tokio's timer: to the millisecond) and its
//! latency is counted from then; if its connection is still busy more than
//! a millisecond after it was due, it goes out as soon as the connection is
//! free, is counted as late, and its latency is counted from when it was
//! due, so a stall shows in the percentiles instead of slowing the rate (no
//! coordinated omission). One thread. Not part of Panjere.
//!
//!   fixed_rate URL RATE SECONDS CONNECTIONS [-m METHOD] [-H 'Name: value']... [-d BODY]
//!
//! Prints one line: `sent ok failed late rate p50_ms p90_ms p99_ms p999_ms max_ms`.

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

struct Plan {
    host: String,
    address: String,
    path: String,
    method: hyper::Method,
    headers: Vec<(String, String)>,
    body: Bytes,
    rate: f64,
    total: u64,
    connections: u64,
}

#[derive(Default)]
struct Tally {
    ok: u64,
    failed: u64,
    late: u64,
    /// Latency of every answered request, in microseconds.
    micros: Vec<u64>,
}

fn main() {
    let plan = match parse(std::env::args().skip(1).collect()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("fixed_rate: {e}\nusage: fixed_rate URL RATE SECONDS CONNECTIONS [-m METHOD] [-H 'Name: value']... [-d BODY]");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let local = tokio::task::LocalSet::new();
    let (tally, elapsed) = local.block_on(&rt, run(plan));
    let mut micros = tally.micros;
    micros.sort_unstable();
    let at = |q: f64| -> f64 {
        if micros.is_empty() {
            return 0.0;
        }
        let i = ((micros.len() as f64 * q).ceil() as usize).clamp(1, micros.len()) - 1;
        micros[i] as f64 / 1000.0
    };
    let sent = tally.ok + tally.failed;
    println!(
        "sent {sent} ok {} failed {} late {} rate {:.0} p50_ms {:.3} p90_ms {:.3} p99_ms {:.3} p999_ms {:.3} max_ms {:.3}",
        tally.ok,
        tally.failed,
        tally.late,
        sent as f64 / elapsed.as_secs_f64(),
        at(0.50),
        at(0.90),
        at(0.99),
        at(0.999),
        at(1.0)
    );
}

fn parse(args: Vec<String>) -> Result<Plan, String> {
    let mut positional = Vec::new();
    let mut method = hyper::Method::GET;
    let mut headers = Vec::new();
    let mut body = Bytes::new();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "-m" => method = value()?.parse().map_err(|_| "-m: not a method".to_owned())?,
            "-H" => {
                let h = value()?;
                let (name, v) = h.split_once(':').ok_or_else(|| format!("-H {h}: not 'Name: value'"))?;
                headers.push((name.trim().to_owned(), v.trim().to_owned()));
            }
            "-d" => body = Bytes::from(value()?),
            _ => positional.push(a),
        }
    }
    let [url, rate, seconds, connections] = &positional[..] else {
        return Err("URL RATE SECONDS CONNECTIONS are needed".to_owned());
    };
    let uri: hyper::Uri = url.parse().map_err(|e| format!("{url}: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err(format!("{url}: only http:// is measured"));
    }
    let authority = uri.authority().ok_or_else(|| format!("{url}: no host"))?;
    let rate: f64 = rate.parse().map_err(|_| format!("RATE {rate}: not a number"))?;
    let seconds: f64 = seconds.parse().map_err(|_| format!("SECONDS {seconds}: not a number"))?;
    let connections: u64 = connections.parse().map_err(|_| format!("CONNECTIONS {connections}: not a count"))?;
    if rate <= 0.0 || seconds <= 0.0 || connections == 0 {
        return Err("RATE, SECONDS and CONNECTIONS must be positive".to_owned());
    }
    Ok(Plan {
        host: authority.as_str().to_owned(),
        address: format!("{}:{}", authority.host(), authority.port_u16().unwrap_or(80)),
        path: uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
        method,
        headers,
        body,
        total: (rate * seconds).round() as u64,
        rate,
        connections,
    })
}

async fn run(plan: Plan) -> (Tally, Duration) {
    let plan = std::rc::Rc::new(plan);
    let start = Instant::now() + Duration::from_millis(20);
    let tasks: Vec<_> =
        (0..plan.connections.min(plan.total)).map(|k| tokio::task::spawn_local(connection(plan.clone(), k, start))).collect();
    let mut tally = Tally::default();
    for t in tasks {
        let part = t.await.expect("a connection's task");
        tally.ok += part.ok;
        tally.failed += part.failed;
        tally.late += part.late;
        tally.micros.extend(part.micros);
    }
    (tally, start.elapsed())
}

/// Sends requests `k, k + C, k + 2C, …` on one connection (reopened if the
/// server closes it).
async fn connection(plan: std::rc::Rc<Plan>, k: u64, start: Instant) -> Tally {
    let mut tally = Tally::default();
    let mut sender: Option<hyper::client::conn::http1::SendRequest<Full<Bytes>>> = None;
    let mut i = k;
    while i < plan.total {
        let due = start + Duration::from_secs_f64(i as f64 / plan.rate);
        let now = Instant::now();
        // Counted from when it went out, or from when it was due if its
        // connection held it back.
        let from = if now < due {
            tokio::time::sleep_until(due.into()).await;
            Instant::now()
        } else if now - due > Duration::from_millis(1) {
            tally.late += 1;
            due
        } else {
            now
        };
        if sender.as_ref().is_none_or(|s| s.is_closed()) {
            sender = open(&plan.address).await;
        }
        let answered = match sender.as_mut() {
            Some(s) => send(s, &plan).await,
            None => false,
        };
        if answered {
            tally.ok += 1;
            tally.micros.push(from.elapsed().as_micros() as u64);
        } else {
            tally.failed += 1;
            sender = None;
        }
        i += plan.connections;
    }
    tally
}

async fn open(address: &str) -> Option<hyper::client::conn::http1::SendRequest<Full<Bytes>>> {
    let tcp = TcpStream::connect(address).await.ok()?;
    let _ = tcp.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await.ok()?;
    tokio::task::spawn_local(async move {
        let _ = conn.await;
    });
    Some(sender)
}

/// One request; whether it was answered 2xx with its whole body.
async fn send(sender: &mut hyper::client::conn::http1::SendRequest<Full<Bytes>>, plan: &Plan) -> bool {
    let mut req = Request::builder().method(plan.method.clone()).uri(plan.path.as_str()).header(hyper::header::HOST, plan.host.as_str());
    for (name, value) in &plan.headers {
        req = req.header(name.as_str(), value.as_str());
    }
    let Ok(req) = req.body(Full::new(plan.body.clone())) else { return false };
    if sender.ready().await.is_err() {
        return false;
    }
    let Ok(answer) = sender.send_request(req).await else { return false };
    let ok = answer.status().is_success();
    answer.into_body().collect().await.is_ok() && ok
}
