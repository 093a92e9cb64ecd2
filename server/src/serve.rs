//! Serving on every core the way nginx does: one thread per worker, each
//! with its own single-threaded runtime and its own listening socket on the
//! same address (`SO_REUSEPORT`: the kernel spreads new connections across
//! them). A citizen's request, the agency call it makes (the gateway pools
//! agency connections per thread) and the answer all stay on one thread: no
//! cross-thread wake-ups on the hot path. Background work (audit writer,
//! health probes, request delivery) runs on the main runtime.
//!
//! Slow and hostile clients are held to [`Limits`]: the request head must
//! arrive within a deadline (slowloris), the body too (408), heads are
//! bounded (431), and the open connections per instance and per address
//! are counted (one more is answered 503 and closed).

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::extract::Request;
use axum::response::Response;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::watch;
use tower::Service;

use crate::config::Config;

/// What a client may take and hold (see [`crate::config::HttpSettings`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
    /// 0: no limit per address.
    pub max_per_address: usize,
    pub max_header_bytes: usize,
}

impl Limits {
    pub fn from_config(c: &Config) -> Limits {
        let h = &c.http;
        Limits {
            header_timeout: Duration::from_secs(h.header_timeout_s),
            body_timeout: Duration::from_secs(h.body_timeout_s),
            max_connections: h.max_connections,
            // Behind a balancer every connection comes from it.
            max_per_address: if c.auth.trust_forwarded { 0 } else { h.max_connections_per_address },
            max_header_bytes: h.max_header_bytes,
        }
    }
}

/// Why a connection was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refused {
    Full,
    Address,
}

/// The open client connections of this instance, over every worker.
pub struct Connections {
    limits: Limits,
    total: AtomicUsize,
    by_address: Mutex<HashMap<IpAddr, usize>>,
}

/// One admitted connection; counted until dropped.
struct Admitted {
    connections: Arc<Connections>,
    ip: IpAddr,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.connections.total.fetch_sub(1, Ordering::Relaxed);
        if self.connections.limits.max_per_address > 0 {
            let mut map = self.connections.by_address.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(n) = map.get_mut(&self.ip) {
                *n -= 1;
                if *n == 0 {
                    map.remove(&self.ip);
                }
            }
        }
    }
}

impl Connections {
    pub fn new(limits: Limits) -> Arc<Connections> {
        Arc::new(Connections { limits, total: AtomicUsize::new(0), by_address: Mutex::new(HashMap::new()) })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.total.load(Ordering::Relaxed)
    }

    fn admit(self: &Arc<Self>, ip: IpAddr) -> Result<Admitted, Refused> {
        if self.total.fetch_add(1, Ordering::Relaxed) >= self.limits.max_connections {
            self.total.fetch_sub(1, Ordering::Relaxed);
            return Err(Refused::Full);
        }
        if self.limits.max_per_address > 0 {
            let mut map = self.by_address.lock().unwrap_or_else(|p| p.into_inner());
            let n = map.entry(ip).or_insert(0);
            if *n >= self.limits.max_per_address {
                drop(map);
                self.total.fetch_sub(1, Ordering::Relaxed);
                return Err(Refused::Address);
            }
            *n += 1;
        }
        Ok(Admitted { connections: self.clone(), ip })
    }
}

/// The answer to a connection over the limits: 503 with the documented
/// error body, written without waiting (it fits the socket's buffer) and
/// the connection closed.
fn refuse(tcp: TcpStream, why: Refused) {
    let message = match why {
        Refused::Full => "the server has too many open connections; please try again shortly",
        Refused::Address => "too many open connections from your address; please try again shortly",
    };
    let error: panjere_api::ApiError = panjere_api::ApiError {
        code: "too_many_connections".into(),
        message: message.into(),
        parameter: None,
        agency: None,
        retry_after_s: Some(5),
        attempts_left: None,
        fields: None,
        request_id: None,
    };
    let body = serde_json::to_string(&panjere_api::ErrorBody { error }).unwrap_or_default();
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 5\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = tcp.try_write(answer.as_bytes());
    tracing::warn!(reason = ?why, "connection refused: over the connection limit");
}

/// Serves `app` on `listener` until `stop` completes, then lets the
/// connections finish the requests in flight. Used by every worker and by
/// the test harness.
pub async fn serve<S>(listener: tokio::net::TcpListener, app: S, connections: Arc<Connections>, stop: impl Future<Output = ()>)
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    let limits = connections.limits.clone();
    let body_timeout = limits.body_timeout;
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).max_header_size(limits.max_header_bytes);
    // Every connection holds a receiver: all gone = all finished.
    let (finished, open) = watch::channel(());
    let (shutdown, shutting_down) = watch::channel(false);
    let mut stop = pin!(stop);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, most likely: let some close.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let admitted = match connections.admit(peer.ip()) {
            Ok(a) => a,
            Err(why) => {
                refuse(tcp, why);
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        // Around the router as a whole (a layer added to a router wraps
        // each of its routes, cloned and boxed on every request).
        let service = tower::ServiceBuilder::new()
            .map_request(move |request: axum::http::Request<hyper::body::Incoming>| {
                let mut request = request.map(|body| Body::new(tower_http::timeout::TimeoutBody::new(body_timeout, body)));
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            })
            .service(app.clone());
        let connection = http.serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service));
        let mut shutting_down = shutting_down.clone();
        let open = open.clone();
        tokio::spawn(async move {
            let mut connection = pin!(connection);
            let mut asked = false;
            loop {
                tokio::select! {
                    _ = connection.as_mut() => break,
                    _ = shutting_down.wait_for(|s| *s), if !asked => {
                        asked = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
            drop(admitted);
            drop(open);
        });
    }
    drop(listener);
    let _ = shutdown.send(true);
    drop(open);
    finished.closed().await;
}

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
    pub fn spawn<S>(listeners: Vec<std::net::TcpListener>, app: S, connections: Arc<Connections>) -> io::Result<Workers>
    where
        S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
        S::Future: Send + 'static,
    {
        let (stop, stopped) = watch::channel(false);
        let mut threads = Vec::with_capacity(listeners.len());
        for (i, listener) in listeners.into_iter().enumerate() {
            let app = app.clone();
            let connections = connections.clone();
            let mut stopped = stopped.clone();
            let thread = std::thread::Builder::new().name(format!("panjere-worker-{i}")).spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    serve(listener, app, connections, async move {
                        let _ = stopped.wait_for(|s| *s).await;
                    })
                    .await;
                    Ok(())
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
    use axum::Router;

    /// Every worker answers on the one port, from its own thread, and all
    /// stop on shutdown.
    #[tokio::test]
    async fn workers_share_one_port_and_stop() {
        let listeners = bind("127.0.0.1:0".parse().unwrap(), 3).unwrap();
        let ports: Vec<u16> = listeners.iter().map(|l| l.local_addr().unwrap().port()).collect();
        assert!(ports.iter().all(|p| *p == ports[0] && *p != 0), "{ports:?}");
        let app = Router::new().route("/", get(|| async { std::thread::current().name().unwrap_or_default().to_owned() }));
        let workers = Workers::spawn(listeners, app, Connections::new(Limits::from_config(&Config::default()))).unwrap();
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
