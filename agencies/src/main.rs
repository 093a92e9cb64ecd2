//! `panjere-agencies`: starts every simulated agency, each a real HTTP
//! server on its own port, and prints `AGENCY <id> http://<addr>` per agency,
//! `ADMIN http://<addr>`, then `AGENCIES READY <n>` (the task runner and the
//! tests read these).

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use panjere_agencies::faults::Faults;
use panjere_agencies::{serve_all, Mode, Options, AGENCIES};

const USAGE: &str = "usage: panjere-agencies [--address IP] [--base-port PORT] [--admin-port PORT] \
[--mode development|test|production] [--step-seconds N] [--callback-url URL] [--events-url URL] [--payment-page-seconds N] [--reverse-after-seconds N] [--fault AGENCY:key=value,...]...";

fn parse(args: Vec<String>) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--address" => o.address = value()?.parse::<IpAddr>().map_err(|e| format!("--address: {e}"))?,
            "--base-port" => o.base_port = value()?.parse().map_err(|e| format!("--base-port: {e}"))?,
            "--admin-port" => o.admin_port = value()?.parse().map_err(|e| format!("--admin-port: {e}"))?,
            "--mode" => o.mode = Mode::parse(&value()?).ok_or("--mode is development, test or production")?,
            "--step-seconds" => {
                o.step = Duration::from_secs_f64(
                    value()?.parse::<f64>().ok().filter(|s| *s > 0.0).ok_or("--step-seconds needs a positive number")?,
                )
            }
            "--callback-url" => o.callback_url = Some(value()?),
            "--events-url" => o.events_url = Some(value()?),
            "--payment-page-seconds" => {
                o.psp.page_ttl = Duration::from_secs(value()?.parse().map_err(|e| format!("--payment-page-seconds: {e}"))?)
            }
            "--reverse-after-seconds" => {
                o.psp.reverse_after = Duration::from_secs(value()?.parse().map_err(|e| format!("--reverse-after-seconds: {e}"))?)
            }
            "--fault" => {
                let v = value()?;
                let (id, spec) = v.split_once(':').ok_or("--fault is AGENCY:key=value,...")?;
                if !AGENCIES.contains(&id) {
                    return Err(format!("--fault: unknown agency {id} (one of {})", AGENCIES.join(", ")));
                }
                o.faults.push((id.to_owned(), Faults::parse(spec)?));
            }
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    Ok(o)
}

#[tokio::main]
async fn main() -> ExitCode {
    let opts = match parse(std::env::args().skip(1).collect()) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("panjere-agencies: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("PANJERE_LOG").unwrap_or_else(|_| "info".into()))
        .init();
    match serve_all(opts).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("panjere-agencies: {e}");
            ExitCode::FAILURE
        }
    }
}
