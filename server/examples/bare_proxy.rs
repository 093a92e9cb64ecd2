//! The floor under the gateway benchmark (`bench/gateway/run.sh`): the
//! least a proxy built on the gateway's own HTTP stack (hyper on tokio, one
//! single-threaded runtime per core, `SO_REUSEPORT`, kept-alive upstream
//! connections) can do per call. It forwards every request's path to one
//! upstream with a credential and sends the answer back; no routing,
//! checking, audit, breaker or headers of its own. Not part of Panjere.
//!
//!   bare_proxy LISTEN_ADDR UPSTREAM_ADDR AUTHORIZATION THREADS

use std::cell::RefCell;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::rc::Rc;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpSocket, TcpStream};

type Pool = Rc<RefCell<Vec<SendRequest<Full<Bytes>>>>>;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, listen, upstream, auth, threads] = &args[..] else {
        eprintln!("usage: bare_proxy LISTEN_ADDR UPSTREAM_ADDR AUTHORIZATION THREADS");
        std::process::exit(2);
    };
    let listen: SocketAddr = listen.parse().expect("a listen address");
    let upstream: SocketAddr = upstream.parse().expect("an upstream address");
    let auth: &'static str = Box::leak(auth.clone().into_boxed_str());
    let threads: usize = threads.parse().expect("a thread count");
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
                let local = tokio::task::LocalSet::new();
                local.block_on(&rt, serve(listen, upstream, auth));
            })
        })
        .collect();
    for h in handles {
        let _ = h.join();
    }
}

async fn serve(listen: SocketAddr, upstream: SocketAddr, auth: &'static str) {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket.set_reuseport(true).expect("SO_REUSEPORT");
    socket.bind(listen).expect("bind");
    let listener: TcpListener = socket.listen(1024).expect("listen");
    let pool: Pool = Rc::new(RefCell::new(Vec::new()));
    loop {
        let Ok((tcp, _)) = listener.accept().await else { continue };
        let _ = tcp.set_nodelay(true);
        let pool = pool.clone();
        tokio::task::spawn_local(async move {
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let pool = pool.clone();
                async move { Ok::<_, Infallible>(forward(&pool, upstream, auth, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(tcp), service).await;
        });
    }
}

async fn forward(pool: &Pool, upstream: SocketAddr, auth: &str, req: Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    let failed = || Response::builder().status(502).body(Full::new(Bytes::new())).expect("a response");
    let taken = pool.borrow_mut().pop();
    let mut sender = match taken {
        Some(s) if !s.is_closed() => s,
        _ => {
            let Ok(tcp) = TcpStream::connect(upstream).await else { return failed() };
            let _ = tcp.set_nodelay(true);
            let Ok((sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await else { return failed() };
            tokio::task::spawn_local(async move {
                let _ = conn.await;
            });
            sender
        }
    };
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
    let up = Request::get(path)
        .header(hyper::header::HOST, "upstream")
        .header(hyper::header::AUTHORIZATION, auth)
        .body(Full::new(Bytes::new()))
        .expect("a request");
    let Ok(answer) = sender.send_request(up).await else { return failed() };
    let (parts, body) = answer.into_parts();
    let Ok(body) = body.collect().await else { return failed() };
    pool.borrow_mut().push(sender);
    let mut out = Response::new(Full::new(body.to_bytes()));
    *out.status_mut() = parts.status;
    if let Some(ct) = parts.headers.get(hyper::header::CONTENT_TYPE) {
        out.headers_mut().insert(hyper::header::CONTENT_TYPE, ct.clone());
    }
    out
}
