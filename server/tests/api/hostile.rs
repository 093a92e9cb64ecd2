//! Slow and hostile clients: connections that send their request a byte
//! at a time (slowloris) or nothing at all do not keep other citizens from
//! being served and are closed after the header timeout; one address
//! cannot hold more than its share of connections; oversize heads and
//! bodies, and bodies that stall, are refused with a clear status.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use panjere_server::config::HttpSettings;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::{TestApp, TestOptions};

fn address(app: &TestApp) -> SocketAddr {
    app.base.trim_start_matches("http://").parse().unwrap()
}

/// A connection to the server from `from` (any 127.x address on Linux).
async fn connect(to: SocketAddr, from: [u8; 4]) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(to).await.unwrap()
}

/// Sends `request` and reads the answer until the server closes (or 10 s).
async fn exchange(to: SocketAddr, request: &[u8]) -> String {
    let mut tcp = connect(to, [127, 0, 0, 1]).await;
    let _ = tcp.write_all(request).await;
    read_all(&mut tcp).await
}

async fn read_all(tcp: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), tcp.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The status and the JSON body of a raw answer.
fn parse(answer: &str) -> (u16, Value) {
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// Whether the server has closed `tcp` (a read returns end of file or an
/// error rather than waiting).
async fn closed_by_server(tcp: &mut TcpStream) -> bool {
    let mut buf = [0u8; 512];
    loop {
        match tokio::time::timeout(Duration::from_millis(200), tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn slow_and_idle_connections_do_not_keep_others_from_being_served() {
    let app = TestApp::spawn(TestOptions {
        http: HttpSettings { header_timeout_s: 3, max_connections_per_address: 400, ..HttpSettings::default() },
        ..TestOptions::default()
    })
    .await;
    let to = address(&app);
    // 300 clients sending a request head a byte at a time, 100 sending nothing.
    let mut slow = Vec::new();
    for _ in 0..300 {
        let mut tcp = connect(to, [127, 0, 0, 1]).await;
        tcp.write_all(b"GET /api/health HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(tcp);
    }
    let mut idle = Vec::new();
    for _ in 0..100 {
        idle.push(connect(to, [127, 0, 0, 1]).await);
    }
    let opened = Instant::now();
    let trickle = tokio::spawn(async move {
        for _ in 0..20 {
            for tcp in slow.iter_mut() {
                let _ = tcp.write_all(b"X").await;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        slow
    });
    // Meanwhile another citizen (another address) is served, again and again.
    let citizen = reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, 2])).build().unwrap();
    for _ in 0..20 {
        let r = citizen.get(format!("{}/api/catalog/services?q=passport", app.base)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let body: Value = r.json().await.unwrap();
        assert!(body["items"].as_array().is_some_and(|i| !i.is_empty()), "{body}");
    }
    assert!(opened.elapsed() < Duration::from_secs(3), "served while the slow connections were still open");
    // Each slow client had kept sending, yet the whole head was due within
    // the header timeout: every one is closed, and so is every idle one.
    let mut slow = trickle.await.unwrap();
    for tcp in slow.iter_mut().chain(idle.iter_mut()) {
        assert!(closed_by_server(tcp).await, "a slow or idle connection is still open after the header timeout");
    }
}

#[tokio::test]
async fn one_address_cannot_hold_every_connection() {
    let app = TestApp::spawn(TestOptions {
        http: HttpSettings { max_connections_per_address: 50, ..HttpSettings::default() },
        ..TestOptions::default()
    })
    .await;
    let to = address(&app);
    let mut held = Vec::new();
    for _ in 0..50 {
        held.push(connect(to, [127, 0, 0, 3]).await);
    }
    // The next one from that address is told why, and closed.
    let mut extra = connect(to, [127, 0, 0, 3]).await;
    let (status, body) = parse(&read_all(&mut extra).await);
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "too_many_connections", "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("your address"));
    // Another address is served.
    let citizen = reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, 4])).build().unwrap();
    assert_eq!(citizen.get(format!("{}/api/health", app.base)).send().await.unwrap().status(), 200);
    // Closing them frees the address's share.
    drop(held);
    let again = reqwest::Client::builder().local_address(std::net::IpAddr::from([127, 0, 0, 3])).build().unwrap();
    let mut served = false;
    for _ in 0..50 {
        if again.get(format!("{}/api/health", app.base)).send().await.is_ok_and(|r| r.status() == 200) {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served, "the address is served again once its connections closed");
}

#[tokio::test]
async fn oversize_heads_and_bodies_and_stalled_bodies_are_refused_clearly() {
    let app =
        TestApp::spawn(TestOptions { http: HttpSettings { body_timeout_s: 2, ..HttpSettings::default() }, ..TestOptions::default() }).await;
    let to = address(&app);
    // A head over 64 KiB: 431.
    let big = format!("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Filler: {}\r\n\r\n", "a".repeat(100 * 1024));
    let answer = exchange(to, big.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{}", &answer[..answer.len().min(200)]);
    // A JSON body over the limit: 413 with the documented error body.
    let post = |path: &str, content_type: &str, length: usize| {
        format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nSec-Fetch-Site: same-origin\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
        )
    };
    let huge = 3 * 1024 * 1024;
    let mut request = post("/api/auth/start", "application/json", huge).into_bytes();
    request.extend(std::iter::repeat_n(b' ', huge));
    let (status, body) = parse(&exchange(to, &request).await);
    assert_eq!((status, body["error"]["code"].as_str()), (413, Some("too_large")), "{body}");
    // A body that stops arriving: 408 with the documented error body, for
    // JSON and for a raw upload alike.
    for (path, content_type) in [("/api/auth/start", "application/json"), ("/api/agency-callbacks", "application/json")] {
        let mut tcp = connect(to, [127, 0, 0, 1]).await;
        tcp.write_all(post(path, content_type, 100).as_bytes()).await.unwrap();
        tcp.write_all(b"{\"national_code\":").await.unwrap();
        let (status, body) = parse(&read_all(&mut tcp).await);
        assert_eq!((status, body["error"]["code"].as_str()), (408, Some("request_timeout")), "{path}: {body}");
    }
}
