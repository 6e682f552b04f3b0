//! Running out of file descriptors: the soft limit is raised at start, and when even the hard
//! limit is reached the accept loop waits instead of spinning, then serves again.

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpSocket,
};

use crate::process::ServerProcess;

/// Opens `count` connections from 127.0.0.1 that start a request head and never finish it.
async fn slow_connections(server: SocketAddr, count: usize) -> Vec<tokio::net::TcpStream> {
    let mut streams = Vec::with_capacity(count);
    for _ in 0..count {
        let Ok(Ok(mut stream)) = tokio::time::timeout(
            Duration::from_secs(2),
            tokio::net::TcpStream::connect(server),
        )
        .await
        else {
            // Past the server's descriptors the kernel's accept queue fills up too.
            break;
        };
        let _ = stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await;
        streams.push(stream);
    }
    streams
}

/// `GET /healthz` from another loopback address; the status, once served.
async fn healthz_from_elsewhere(server: SocketAddr) -> u16 {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.2:0".parse().expect("addr"))
        .expect("bind 127.0.0.2");
    let mut stream = socket.connect(server).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response
        .split_whitespace()
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {response:?}"))
}

/// The test process needs a descriptor per slow connection too.
fn raise_own_limit() -> u64 {
    rlimit::increase_nofile_limit(u64::MAX).expect("raise the test's own limit")
}

#[tokio::test]
async fn at_a_soft_limit_of_1024_the_server_raises_it_and_serves_past_1100_slow_connections() {
    let (_, hard) = rlimit::Resource::NOFILE.get().expect("limits");
    if raise_own_limit() < 3000 || hard < 3000 {
        eprintln!("skipped: the hard descriptor limit ({hard}) is too low to tell");
        return;
    }
    let server = ServerProcess::start(&[], Some(&format!("1024:{hard}")));
    assert_eq!(server.file_limits(), (hard, hard), "soft raised to hard");
    assert!(server.log().contains("open file limit"));
    let slow = slow_connections(server.socket_address(), 1100).await;
    assert_eq!(slow.len(), 1100);
    let started = Instant::now();
    let status = tokio::time::timeout(
        Duration::from_secs(2),
        healthz_from_elsewhere(server.socket_address()),
    )
    .await
    .expect("served within 2 s");
    assert_eq!(status, 200);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn at_a_hard_limit_of_1024_the_server_waits_for_descriptors_without_spinning_then_serves() {
    raise_own_limit();
    // Long enough that no slow connection expires while the rest are still being opened
    // (on a busy machine some connects wait out a SYN retry).
    let mut server = ServerProcess::start(&[("HTTP_HEADER_TIMEOUT_SECS", "60")], Some("1024:1024"));
    let slow = slow_connections(server.socket_address(), 1100).await;
    assert!(slow.len() > 1024, "more connections than descriptors");

    // Out of descriptors: the accept loop must sleep, not burn a core.
    assert!(
        server
            .log_shows("out of file descriptors", Duration::from_secs(10))
            .await,
        "{}",
        server.log()
    );
    let ticks = server.cpu_ticks();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let spent = server.cpu_ticks() - ticks;
    assert!(spent < 30, "{spent} ticks of CPU in 1 s while exhausted");

    // Once the slow clients go away, a new client is served again.
    drop(slow);
    let status = tokio::time::timeout(
        Duration::from_secs(10),
        healthz_from_elsewhere(server.socket_address()),
    )
    .await
    .expect("served once descriptors are free");
    assert_eq!(status, 200);
    assert!(server.is_running());
}
