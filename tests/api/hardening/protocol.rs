//! HTTP/1.1 only: prior-knowledge HTTP/2 is refused with a GOAWAY that says so, a request
//! shorter than HTTP/2's preface is still served, and a client that stops reading its responses
//! is cut off after the write timeout.

use std::time::{Duration, Instant};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
};

use crate::helpers::{TestApp, TestEnv};

fn socket_address(app: &TestApp) -> std::net::SocketAddr {
    app.address
        .trim_start_matches("http://")
        .parse()
        .expect("an address")
}

async fn assert_healthy(app: &TestApp) {
    let started = Instant::now();
    let health = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("ok");
    assert_eq!(health.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn prior_knowledge_http2_is_refused_with_a_goaway_asking_for_http_1_1() {
    let app = TestApp::spawn().await;
    let stream = TcpStream::connect(socket_address(&app))
        .await
        .expect("connect");
    let (mut client, connection) = h2::client::handshake(stream).await.expect("handshake");
    let connection = tokio::spawn(connection);
    let request = http::Request::get(app.url("/healthz"))
        .body(())
        .expect("request");
    // The request may be refused at once or when the GOAWAY arrives; either way no answer.
    if let Ok((response, _)) = client.send_request(request, true) {
        assert!(response.await.is_err(), "an HTTP/2 request was answered");
    }
    let ended = tokio::time::timeout(Duration::from_secs(5), connection)
        .await
        .expect("the server ends the connection")
        .expect("the connection task");
    let error = ended.expect_err("a GOAWAY with an error code");
    assert!(error.is_go_away() && error.is_remote(), "{error:?}");
    assert_eq!(error.reason(), Some(h2::Reason::HTTP_1_1_REQUIRED));
    assert_healthy(&app).await;
}

#[tokio::test]
async fn an_http_1_0_request_shorter_than_the_http2_preface_is_served() {
    let app = TestApp::spawn().await;
    let mut stream = TcpStream::connect(socket_address(&app))
        .await
        .expect("connect");
    // 18 bytes: fewer than the 24 of HTTP/2's preface, and no more are coming.
    stream
        .write_all(b"GET / HTTP/1.0\r\n\r\n")
        .await
        .expect("write");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response))
        .await
        .expect("answered and closed")
        .expect("read");
    let response = String::from_utf8_lossy(&response);
    assert_eq!(
        response.split_whitespace().nth(1),
        Some("200"),
        "{response}"
    );
}

#[tokio::test]
async fn a_client_that_never_reads_its_responses_is_closed_after_the_write_timeout() {
    let app = TestEnv::new()
        .set("HTTP_WRITE_TIMEOUT_SECS", "1")
        .spawn()
        .await;
    let socket = TcpSocket::new_v4().expect("socket");
    // A small receive window, so the server's writes stall after a few responses.
    socket.set_recv_buffer_size(4096).expect("buffer size");
    let stream = socket.connect(socket_address(&app)).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    const REQUESTS: usize = 2000;
    let writing = tokio::spawn(async move {
        let request = b"GET /openapi.json HTTP/1.1\r\nHost: localhost\r\n\r\n";
        for _ in 0..REQUESTS {
            if writer.write_all(request).await.is_err() {
                break;
            }
        }
        writer
    });
    // Not reading for longer than the timeout, then draining what is left: a closed
    // connection ends (or resets) soon; an open one would serve all the requests.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut received = 0;
    let mut buffer = vec![0; 64 * 1024];
    let drained = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(n @ 1..) = reader.read(&mut buffer).await {
            received += n;
        }
    })
    .await;
    assert!(drained.is_ok(), "still open; read {received} bytes");
    let spec = app.client.get(app.url("/openapi.json")).send().await;
    let spec_bytes = spec.expect("spec").bytes().await.expect("body").len();
    assert!(
        received < spec_bytes * 100,
        "{received} bytes: most of {REQUESTS} responses were sent"
    );
    writing.abort();
    assert_healthy(&app).await;
}
