//! `panjere-agencies`: starts every simulated agency, each a real HTTP
//! server on its own port, and prints one line per agency:
//! `AGENCY <id> http://<addr>`, then `AGENCIES READY <n>` (the task runner
//! and tests read these).

use std::net::IpAddr;
use std::process::ExitCode;

use panjere_agencies::{serve_all, Options};

#[tokio::main]
async fn main() -> ExitCode {
    let mut opts = Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next();
        let parsed = match (a.as_str(), value.as_deref()) {
            ("--address", Some(v)) => v.parse::<IpAddr>().map(|ip| opts.address = ip).map_err(|e| e.to_string()),
            ("--base-port", Some(v)) => v.parse::<u16>().map(|p| opts.base_port = p).map_err(|e| e.to_string()),
            _ => Err(format!("unknown argument {a}; usage: panjere-agencies [--address IP] [--base-port PORT (0: any free port)]")),
        };
        if let Err(e) = parsed {
            eprintln!("panjere-agencies: {e}");
            return ExitCode::from(2);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PANJERE_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    match serve_all(opts).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("panjere-agencies: {e}");
            ExitCode::FAILURE
        }
    }
}
