//! The gateway's HTTP/1.1 client to one agency.
//!
//! Kept-alive connections are pooled per agency **and per thread**: the
//! server runs one single-threaded runtime per core (see `crate::serve`),
//! so a call is sent, answered and its connection returned on the thread
//! that serves the citizen's request, with no hop to another thread. (A
//! general-purpose client with one shared pool cost the gateway twice the
//! CPU of nginx per call; see `bench/gateway`.)
//!
//! The base URL is parsed once; a call supplies only the method, the path
//! and query built by the registry, the headers and a body. `https://`
//! agencies are reached over rustls with the Mozilla root store.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::{HeaderValue, HOST};
use http::uri::PathAndQuery;
use http::{Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Why a call got no complete answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientError {
    /// No connection within the connect timeout.
    ConnectTimeout,
    /// No connection (refused, unreachable, TLS failure).
    Connect,
    /// The connection failed while sending or before the answer's head.
    Send,
    /// The answer's body broke off or exceeded the size limit.
    Body,
}

/// An agency's status and body, read completely.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
}

struct Idle {
    conn: SendRequest<Full<Bytes>>,
    since: Instant,
}

thread_local! {
    /// Idle connections of this thread, by client id.
    static POOLS: RefCell<crate::FastMap<u64, Vec<Idle>>> = RefCell::new(crate::FastMap::default());
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub struct AgencyClient {
    /// Keys this client's connections in the per-thread pools.
    id: u64,
    /// For `Debug` only.
    base_url: String,
    /// `host:port` to connect to (the port made explicit).
    address: String,
    /// The base URL's path, without a trailing `/`, prefixed to every call.
    base_path: String,
    host: HeaderValue,
    tls: Option<(tokio_rustls::TlsConnector, rustls::pki_types::ServerName<'static>)>,
    connect_timeout: Duration,
    max_idle: usize,
    idle_timeout: Duration,
}

impl std::fmt::Debug for AgencyClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AgencyClient({})", self.base_url)
    }
}

impl AgencyClient {
    /// A client for `base_url` (`http://` or `https://`, optional path);
    /// `ca_file` adds trusted roots (PEM) for an `https://` agency.
    pub fn new(
        base_url: &str,
        ca_file: Option<&std::path::Path>,
        connect_timeout: Duration,
        max_idle: usize,
        idle_timeout: Duration,
    ) -> Result<Self, String> {
        let uri: Uri = base_url.parse().map_err(|e| format!("base URL {base_url}: {e}"))?;
        let scheme = uri.scheme().cloned().ok_or_else(|| format!("base URL {base_url}: no scheme"))?;
        let authority = uri.authority().cloned().ok_or_else(|| format!("base URL {base_url}: no host"))?;
        if authority.as_str().contains('@') {
            return Err(format!("base URL {base_url}: credentials belong in the agency's key, not the URL"));
        }
        let https = match scheme.as_str() {
            "http" => false,
            "https" => true,
            other => return Err(format!("base URL {base_url}: scheme {other} is not http or https")),
        };
        let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
        let host_name = authority.host().trim_start_matches('[').trim_end_matches(']').to_owned();
        let address = if host_name.contains(':') { format!("[{host_name}]:{port}") } else { format!("{host_name}:{port}") };
        let tls = match (https, ca_file) {
            (true, ca_file) => {
                let name = rustls::pki_types::ServerName::try_from(host_name).map_err(|e| format!("base URL {base_url}: {e}"))?;
                Some((tls_connector(ca_file)?, name))
            }
            (false, Some(_)) => return Err(format!("base URL {base_url}: a CA file applies to https:// agencies only")),
            (false, None) => None,
        };
        Ok(AgencyClient {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            host: HeaderValue::from_str(authority.as_str()).map_err(|e| format!("base URL {base_url}: {e}"))?,
            base_path: uri.path().trim_end_matches('/').to_owned(),
            base_url: base_url.to_owned(),
            address,
            tls,
            connect_timeout,
            max_idle,
            idle_timeout,
        })
    }

    /// The request target (origin form) of `path_and_query` under the base
    /// URL's path.
    pub fn target(&self, path_and_query: &str) -> Result<Uri, http::Error> {
        let pq = if self.base_path.is_empty() {
            PathAndQuery::try_from(path_and_query)?
        } else {
            PathAndQuery::try_from(format!("{}{path_and_query}", self.base_path))?
        };
        Ok(Uri::from(pq))
    }

    /// Sends `request` (its URI made by [`Self::target`]; `Host` is set)
    /// and reads the answer's body up to `limit` bytes. A kept-alive
    /// connection the agency closed before the request went out is replaced
    /// once, transparently; nothing that may have reached the agency is
    /// resent here (retries are the gateway's decision).
    pub async fn send(&self, mut request: Request<Full<Bytes>>, limit: usize) -> Result<Answer, ClientError> {
        request.headers_mut().insert(HOST, self.host.clone());
        // Connecting (TCP, maybe TLS) is boxed: it is rare, and inline its
        // state would make every call's future (moved through axum's
        // layers) more than twice as large.
        let (mut conn, reused) = match self.checkout() {
            Some(c) => (c, true),
            None => (Box::pin(self.connect()).await?, false),
        };
        let response = match conn.try_send_request(request).await {
            Ok(r) => r,
            Err(mut e) => match e.take_message() {
                // Closed while idle: the request was never written.
                Some(request) if reused => {
                    conn = Box::pin(self.connect()).await?;
                    conn.send_request(request).await.map_err(|_| ClientError::Send)?
                }
                _ => return Err(ClientError::Send),
            },
        };
        let status = response.status();
        let too_long = response
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|n| n > limit as u64);
        if too_long {
            return Err(ClientError::Body);
        }
        let body = Limited::new(response.into_body(), limit).collect().await.map_err(|_| ClientError::Body)?.to_bytes();
        self.checkin(conn);
        Ok(Answer { status, body })
    }

    fn checkout(&self) -> Option<SendRequest<Full<Bytes>>> {
        POOLS.with(|pools| {
            let mut pools = pools.borrow_mut();
            let idle = pools.get_mut(&self.id)?;
            while let Some(c) = idle.pop() {
                if c.since.elapsed() < self.idle_timeout && c.conn.is_ready() {
                    return Some(c.conn);
                }
            }
            None
        })
    }

    fn checkin(&self, conn: SendRequest<Full<Bytes>>) {
        if !conn.is_ready() {
            return;
        }
        POOLS.with(|pools| {
            let mut pools = pools.borrow_mut();
            let idle = pools.entry(self.id).or_default();
            if idle.len() < self.max_idle {
                idle.push(Idle { conn, since: Instant::now() });
            }
        });
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, ClientError> {
        let tcp = tokio::time::timeout(self.connect_timeout, TcpStream::connect(self.address.as_str()))
            .await
            .map_err(|_| ClientError::ConnectTimeout)?
            .map_err(|_| ClientError::Connect)?;
        let _ = tcp.set_nodelay(true);
        match &self.tls {
            None => handshake(TokioIo::new(tcp)).await,
            Some((connector, name)) => {
                let tls = tokio::time::timeout(self.connect_timeout, connector.connect(name.clone(), tcp))
                    .await
                    .map_err(|_| ClientError::ConnectTimeout)?
                    .map_err(|_| ClientError::Connect)?;
                handshake(TokioIo::new(tls)).await
            }
        }
    }
}

async fn handshake<T>(io: T) -> Result<SendRequest<Full<Bytes>>, ClientError>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (conn, driver) = hyper::client::conn::http1::handshake(io).await.map_err(|_| ClientError::Connect)?;
    // The connection is driven on this thread's runtime until either side
    // closes it; an idle one is dropped from the pool after `idle_timeout`.
    tokio::spawn(async move {
        let _ = driver.await;
    });
    Ok(conn)
}

/// The rustls configuration for `https://` agencies: the Mozilla root
/// store (webpki-roots), plus the roots in `ca_file` where given; ring as
/// the crypto provider. The common one is built once.
fn tls_connector(ca_file: Option<&std::path::Path>) -> Result<tokio_rustls::TlsConnector, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    fn config(extra: Vec<CertificateDer<'static>>) -> Result<Arc<rustls::ClientConfig>, String> {
        let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        for cert in extra {
            roots.add(cert).map_err(|e| format!("not a usable CA certificate: {e}"))?;
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }
    static COMMON: std::sync::OnceLock<Arc<rustls::ClientConfig>> = std::sync::OnceLock::new();
    let config = match ca_file {
        None => COMMON.get_or_init(|| config(Vec::new()).expect("the built-in roots are valid")).clone(),
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| format!("CA file {}: {e}", path.display()))?;
            if certs.is_empty() {
                return Err(format!("CA file {}: no certificate in it", path.display()));
            }
            config(certs).map_err(|e| format!("CA file {}: {e}", path.display()))?
        }
    };
    Ok(tokio_rustls::TlsConnector::from(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(url: &str) -> Result<AgencyClient, String> {
        AgencyClient::new(url, None, Duration::from_millis(100), 4, Duration::from_secs(60))
    }

    #[test]
    fn base_urls() {
        let c = client("http://127.0.0.1:7109").unwrap();
        assert_eq!(c.address, "127.0.0.1:7109");
        assert_eq!(c.target("/v1/x?a=1").unwrap().to_string(), "/v1/x?a=1");
        let c = client("https://gw.example.ir/xroad/post/").unwrap();
        assert_eq!(c.address, "gw.example.ir:443");
        assert!(c.tls.is_some());
        assert_eq!(c.target("/v1/x").unwrap().to_string(), "/xroad/post/v1/x");
        assert_eq!(c.host, "gw.example.ir");
        assert_eq!(client("http://[::1]:81/").unwrap().address, "[::1]:81");
        assert!(client("ftp://x").is_err());
        assert!(client("http://user:pw@x").is_err());
        assert!(client("/relative").is_err());
    }

    #[tokio::test]
    async fn a_refused_connection_is_a_connect_error() {
        let unused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = unused.local_addr().unwrap().port();
        drop(unused);
        let c = client(&format!("http://127.0.0.1:{port}")).unwrap();
        let req = Request::get(c.target("/").unwrap()).body(Full::new(Bytes::new())).unwrap();
        assert_eq!(c.send(req, 100).await.unwrap_err(), ClientError::Connect);
    }

    /// One connection serves consecutive calls; when the agency closes it
    /// while idle, the next call opens a new one without failing.
    #[tokio::test]
    async fn keeps_alive_and_replaces_closed_connections() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicU64::new(0));
        let count = accepted.clone();
        tokio::spawn(async move {
            loop {
                let (mut s, _) = listener.accept().await.unwrap();
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    // The first connection answers two calls then closes.
                    for _ in 0..(if n == 1 { 2 } else { 100 }) {
                        let Ok(read) = s.read(&mut buf).await else { return };
                        if read == 0 {
                            return;
                        }
                        let body = format!("{{\"n\":{n}}}");
                        let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n", body.len());
                        s.write_all(format!("{head}{body}").as_bytes()).await.unwrap();
                    }
                });
            }
        });
        let c = client(&format!("http://{addr}")).unwrap();
        let call = || async {
            let req = Request::get(c.target("/").unwrap()).body(Full::new(Bytes::new())).unwrap();
            String::from_utf8(c.send(req, 100).await.unwrap().body.to_vec()).unwrap()
        };
        assert_eq!(call().await, "{\"n\":1}");
        assert_eq!(call().await, "{\"n\":1}");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(call().await, "{\"n\":2}");
        assert_eq!(accepted.load(Ordering::SeqCst), 2);
    }

    /// Runs `openssl` (test certificates only).
    fn openssl(dir: &std::path::Path, args: &[&str]) {
        let out = std::process::Command::new("openssl").args(args).current_dir(dir).output().expect("openssl (Debian package openssl)");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// An `https://` agency whose certificate comes from a private CA: the
    /// call succeeds with that CA's file, and fails (no connection) without
    /// it or when the certificate names another host.
    #[tokio::test]
    async fn https_agencies_are_verified_against_their_ca() {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        openssl(
            d,
            &[&["req", "-x509"][..], &ec, &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Panjere test CA"]].concat(),
        );
        openssl(d, &[&["req"][..], &ec, &["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"]].concat());
        std::fs::write(d.join("ext.cnf"), "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
            .unwrap();
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "ext.cnf",
            ],
        );
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(d.join("server.pem")).unwrap().map(Result::unwrap).collect();
        let key = PrivateKeyDer::from_pem_file(d.join("server.key")).unwrap();
        let server = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            loop {
                let (tcp, _) = listener.accept().await.unwrap();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else { return };
                    let mut buf = vec![0u8; 4096];
                    while let Ok(n) = tls.read(&mut buf).await {
                        if n == 0 {
                            return;
                        }
                        let _ = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\n{\"tls\":true}").await;
                    }
                });
            }
        });
        let ca = d.join("ca.pem");
        let call = |url: String, ca: Option<std::path::PathBuf>| async move {
            let c = AgencyClient::new(&url, ca.as_deref(), Duration::from_secs(2), 4, Duration::from_secs(60)).unwrap();
            let req = Request::get(c.target("/v1/x").unwrap()).body(Full::new(Bytes::new())).unwrap();
            c.send(req, 100).await.map(|a| a.body)
        };
        let trusted = call(format!("https://localhost:{port}"), Some(ca.clone())).await;
        assert_eq!(trusted.unwrap(), Bytes::from_static(b"{\"tls\":true}"));
        assert_eq!(call(format!("https://localhost:{port}"), None).await.unwrap_err(), ClientError::Connect);
        assert_eq!(call(format!("https://127.0.0.1:{port}"), Some(ca.clone())).await.unwrap_err(), ClientError::Connect);
        // A CA file that is missing, empty, or given for plain HTTP is refused at start.
        let missing = AgencyClient::new("https://x.example", Some(&d.join("none.pem")), Duration::from_secs(1), 1, Duration::from_secs(1));
        assert!(missing.unwrap_err().contains("none.pem"));
        std::fs::write(d.join("empty.pem"), "").unwrap();
        let empty = AgencyClient::new("https://x.example", Some(&d.join("empty.pem")), Duration::from_secs(1), 1, Duration::from_secs(1));
        assert!(empty.unwrap_err().contains("no certificate"));
        assert!(AgencyClient::new("http://x.example", Some(&ca), Duration::from_secs(1), 1, Duration::from_secs(1)).is_err());
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let (mut s, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    let _ = s.read(&mut buf).await;
                    // No content-length: the limit must hold while reading.
                    let body = "x".repeat(1000);
                    let _ = s.write_all(format!("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n{body}").as_bytes()).await;
                });
            }
        });
        let c = client(&format!("http://{addr}")).unwrap();
        let req = Request::get(c.target("/").unwrap()).body(Full::new(Bytes::new())).unwrap();
        assert_eq!(c.send(req, 100).await.unwrap_err(), ClientError::Body);
        let req = Request::get(c.target("/").unwrap()).body(Full::new(Bytes::new())).unwrap();
        assert_eq!(c.send(req, 5000).await.unwrap().body.len(), 1000);
    }
}
