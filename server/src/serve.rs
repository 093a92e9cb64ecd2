//! Serving on every core the way nginx does: one thread per worker, each
//! with its own single-threaded runtime and its own listening socket on the
//! same address (`SO_REUSEPORT`: the kernel spreads new connections across
//! them). A citizen's request, the agency call it makes (the gateway pools
//! agency connections per thread) and the answer all stay on one thread: no
//! cross-thread wake-ups on the hot path. Background work (audit writer,
//! health probes, request delivery) runs on the main runtime.

use std::io;
use std::net::SocketAddr;
use std::thread::JoinHandle;

use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpSocket;
use tokio::sync::watch;

/// `workers` listening sockets on `addr`, all on the same port (port 0
/// picks a free one for the first, and the others share it). Must be called
/// inside a tokio runtime.
pub fn bind(addr: SocketAddr, workers: usize) -> io::Result<Vec<std::net::TcpListener>> {
    let mut addr = addr;
    let mut listeners = Vec::with_capacity(workers.max(1));
    for _ in 0..workers.max(1) {
        let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
        socket.set_reuseaddr(true)?;
        socket.set_reuseport(true)?;
        socket.bind(addr)?;
        let listener = socket.listen(1024)?;
        addr = listener.local_addr()?;
        listeners.push(listener.into_std()?);
    }
    Ok(listeners)
}

/// Stops the workers: they finish the requests in flight, then return.
pub struct Workers {
    stop: watch::Sender<bool>,
    threads: Vec<JoinHandle<io::Result<()>>>,
}

impl Workers {
    /// Serves `app` on each listener from its own thread and runtime.
    pub fn spawn(listeners: Vec<std::net::TcpListener>, app: Router) -> io::Result<Workers> {
        let (stop, stopped) = watch::channel(false);
        let mut threads = Vec::with_capacity(listeners.len());
        for (i, listener) in listeners.into_iter().enumerate() {
            let app = app.clone();
            let mut stopped = stopped.clone();
            let thread = std::thread::Builder::new().name(format!("panjere-worker-{i}")).spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?.tap_io(|tcp| {
                        let _ = tcp.set_nodelay(true);
                    });
                    let service = app.into_make_service_with_connect_info::<SocketAddr>();
                    axum::serve(listener, service)
                        .with_graceful_shutdown(async move {
                            let _ = stopped.wait_for(|s| *s).await;
                        })
                        .await
                })
            })?;
            threads.push(thread);
        }
        Ok(Workers { stop, threads })
    }

    /// Asks every worker to stop and waits for them (from a blocking
    /// context: a thread of its own).
    pub async fn shutdown(self) -> io::Result<()> {
        let _ = self.stop.send(true);
        let threads = self.threads;
        let joined = tokio::task::spawn_blocking(move || threads.into_iter().map(|t| t.join()).collect::<Vec<_>>())
            .await
            .map_err(io::Error::other)?;
        for result in joined {
            result.map_err(|_| io::Error::other("a worker thread panicked"))??;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    /// Every worker answers on the one port, from its own thread, and all
    /// stop on shutdown.
    #[tokio::test]
    async fn workers_share_one_port_and_stop() {
        let listeners = bind("127.0.0.1:0".parse().unwrap(), 3).unwrap();
        let ports: Vec<u16> = listeners.iter().map(|l| l.local_addr().unwrap().port()).collect();
        assert!(ports.iter().all(|p| *p == ports[0] && *p != 0), "{ports:?}");
        let app = Router::new().route("/", get(|| async { std::thread::current().name().unwrap_or_default().to_owned() }));
        let workers = Workers::spawn(listeners, app).unwrap();
        let url = format!("http://127.0.0.1:{}/", ports[0]);
        let mut seen = std::collections::BTreeSet::new();
        // New connections each time: the kernel hashes them across sockets.
        for _ in 0..200 {
            let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
            seen.insert(client.get(&url).send().await.unwrap().text().await.unwrap());
            if seen.len() == 3 {
                break;
            }
        }
        assert_eq!(seen.len(), 3, "answered by {seen:?}");
        assert!(seen.iter().all(|t| t.starts_with("panjere-worker-")));
        workers.shutdown().await.unwrap();
        assert!(reqwest::get(&url).await.is_err(), "still listening after shutdown");
    }
}
