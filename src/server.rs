//! The HTTP/1.1 server loop around hyper: accepts connections, refuses prior-knowledge HTTP/2
//! with a GOAWAY, closes the connections that are slow to send a request head, sit idle (never
//! one with a request in flight) or do not read their responses, backs off instead of spinning
//! when file descriptors run out, and shuts down gracefully. poem's own `Server` does none of
//! these but the last.

use std::{
    convert::Infallible,
    future::Future,
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{Arc, Mutex, MutexGuard},
    task::{Context, Poll},
    time::Duration,
};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::BoxBody;
use hyper::server::conn::http1;
use hyper_util::{
    rt::TokioIo,
    server::graceful::{GracefulShutdown, Watcher},
};
use poem::{
    Endpoint, Response,
    web::{LocalAddr, RemoteAddr},
};
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::Notify,
    time::Instant,
};

/// How long a connection may take to send a request head, stay open with nothing to do, and
/// leave its responses unread.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// From the accept (or, on a kept-alive connection, the next request's first byte) until
    /// the request head is complete.
    pub header_timeout: Duration,
    /// With no request in flight and none started.
    pub idle_timeout: Duration,
    /// With a response write that makes no progress (the client does not read).
    pub write_timeout: Duration,
}

/// hyper's own limits on a request head, above the ones the API checks (100 header lines,
/// 32 KiB) so that those get a JSON `431` from our code; past these hyper answers a bodyless
/// `431` itself. The head limit also caps hyper's read buffer, which pipelined requests fill.
const HYPER_MAX_HEADERS: usize = 1000;
const HYPER_MAX_HEAD_BYTES: usize = 64 * 1024;

/// Raises the soft limit on open files to the hard limit, so descriptors are not the first
/// thing to run out under many connections, and logs both.
pub fn raise_file_limit() {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(soft) => {
            let hard = rlimit::Resource::NOFILE
                .get()
                .map_or(soft, |(_, hard)| hard);
            tracing::info!(soft, hard, "open file limit");
        }
        Err(error) => tracing::warn!(error = %error, "could not raise the open file limit"),
    }
}

/// Serves `endpoint` on `listener` until `shutdown` resolves, then lets requests in flight
/// finish for up to `grace`.
pub async fn serve<E>(
    listener: TcpListener,
    endpoint: E,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> io::Result<()>
where
    E: Endpoint<Output = Response> + 'static,
{
    let endpoint = Arc::new(endpoint);
    let local_addr = listener.local_addr()?;
    let mut builder = http1::Builder::new();
    builder
        .max_headers(HYPER_MAX_HEADERS)
        .max_header_size(HYPER_MAX_HEAD_BYTES)
        .max_buf_size(HYPER_MAX_HEAD_BYTES);
    let graceful = GracefulShutdown::new();
    let mut exhaustion = Backoff::default();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, remote_addr)) => {
                exhaustion.reset();
                tokio::spawn(connection(
                    stream,
                    (local_addr, remote_addr),
                    endpoint.clone(),
                    builder.clone(),
                    limits,
                    graceful.watcher(),
                ));
            }
            Err(error) if out_of_descriptors(&error) => exhaustion.wait(&error).await,
            // The connection was reset before it was accepted, and the like: not ours to fix.
            Err(error) => tracing::debug!(error = %error, "accept failed"),
        }
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(grace) => {
            tracing::warn!(grace_secs = grace.as_secs(), "requests still in flight after the grace period were cut");
        }
    }
    Ok(())
}

/// Serves one accepted connection until it closes, breaks a deadline or the server shuts down.
async fn connection<E>(
    mut stream: TcpStream,
    addresses: (SocketAddr, SocketAddr),
    endpoint: Arc<E>,
    builder: http1::Builder,
    limits: ConnectionLimits,
    graceful: Watcher,
) where
    E: Endpoint<Output = Response> + 'static,
{
    let remote_addr = addresses.1;
    let activity = Arc::new(Activity::new(limits));
    let opening = tokio::time::timeout(limits.header_timeout, opening(&mut stream)).await;
    let replay = match opening {
        Ok(Ok(Opening::Http1(replay))) => replay,
        Ok(Ok(Opening::Http2)) => {
            tracing::debug!(%remote_addr, "refused prior-knowledge HTTP/2");
            let refused = refuse_http2(stream);
            let _ = tokio::time::timeout(limits.header_timeout, refused).await;
            return;
        }
        Ok(Ok(Opening::Closed) | Err(_)) | Err(_) => return,
    };
    let service = hyper::service::service_fn({
        let activity = activity.clone();
        move |request| {
            let in_flight = activity.begin_request();
            let endpoint = endpoint.clone();
            async move { respond(&*endpoint, request, addresses, in_flight).await }
        }
    });
    let io = TokioIo::new(Watched {
        stream,
        replay,
        activity: activity.clone(),
    });
    let served = graceful.watch(builder.serve_connection(io, service));
    tokio::select! {
        _ = served => {}
        () = activity.expired() => {
            tracing::debug!(%remote_addr, "closed a slow, idle or unread connection");
        }
    }
}

/// The client preface that opens every HTTP/2 connection (RFC 9113 §3.4).
const HTTP2_PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// How a connection starts.
enum Opening {
    /// Anything but HTTP/2's preface: the bytes already read, for hyper to read again.
    Http1(Bytes),
    Http2,
    /// Closed before either was clear.
    Closed,
}

/// Reads the first bytes only while they may still be HTTP/2's preface, so that an HTTP/1
/// request (an HTTP/1.0 one may be shorter than the preface) goes to hyper at once.
async fn opening(stream: &mut TcpStream) -> io::Result<Opening> {
    let mut read = [0; HTTP2_PREFACE.len()];
    let mut len = 0;
    loop {
        match stream.read(&mut read[len..]).await? {
            0 => return Ok(Opening::Closed),
            n => len += n,
        }
        if !HTTP2_PREFACE.starts_with(&read[..len]) {
            return Ok(Opening::Http1(Bytes::copy_from_slice(&read[..len])));
        }
        if len == HTTP2_PREFACE.len() {
            return Ok(Opening::Http2);
        }
    }
}

/// HTTP/2 is not served (see docs/operations.md): tells the client so in its own protocol, an
/// empty SETTINGS frame (the server preface) then a GOAWAY with `HTTP_1_1_REQUIRED`, and closes.
async fn refuse_http2(mut stream: TcpStream) {
    const DEBUG: &[u8] = b"this server speaks HTTP/1.1 only";
    const HTTP_1_1_REQUIRED: u32 = 0xd;
    let mut frames = Vec::with_capacity(9 + 9 + 8 + DEBUG.len());
    let mut frame_header = |length: usize, kind: u8| {
        let length = u32::try_from(length).unwrap_or(0).to_be_bytes();
        frames.extend_from_slice(&length[1..]);
        // The type, no flags, stream 0.
        frames.extend_from_slice(&[kind, 0, 0, 0, 0, 0]);
    };
    frame_header(0, 0x4);
    frame_header(8 + DEBUG.len(), 0x7);
    // Last stream id 0: no request was processed.
    frames.extend_from_slice(&[0; 4]);
    frames.extend_from_slice(&HTTP_1_1_REQUIRED.to_be_bytes());
    frames.extend_from_slice(DEBUG);
    if stream.write_all(&frames).await.is_err() || stream.shutdown().await.is_err() {
        return;
    }
    // Closing with the client's frames unread would reset the connection, and a reset may
    // destroy the GOAWAY before the client reads it: read until the client closes (bounded).
    let mut sink = [0; 1024];
    let drain = async { while matches!(stream.read(&mut sink).await, Ok(1..)) {} };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
}

fn out_of_descriptors(error: &io::Error) -> bool {
    matches!(
        error.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
}

/// Waits between accepts while descriptors are exhausted: the pending connections stay queued
/// in the kernel, and each closed connection frees a descriptor for the next retry.
#[derive(Default)]
struct Backoff {
    delay: Option<Duration>,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(5);
    const MAX: Duration = Duration::from_millis(200);

    async fn wait(&mut self, error: &io::Error) {
        let delay = match self.delay {
            None => {
                tracing::warn!(error = %error, "out of file descriptors; pausing accepts until connections close");
                Self::FIRST
            }
            Some(delay) => (delay * 2).min(Self::MAX),
        };
        self.delay = Some(delay);
        tokio::time::sleep(delay).await;
    }

    fn reset(&mut self) {
        if self.delay.take().is_some() {
            tracing::info!("accepting connections again");
        }
    }
}

type ResponseBody = BoxBody<Bytes, io::Error>;

/// Hands each request hyper parses on a connection to `endpoint`, counting it in flight until
/// its response is written.
async fn respond<E: Endpoint<Output = Response>>(
    endpoint: &E,
    request: http::Request<hyper::body::Incoming>,
    addresses: (SocketAddr, SocketAddr),
    in_flight: RequestInFlight,
) -> Result<http::Response<InFlightBody>, Infallible> {
    let (local_addr, remote_addr) = addresses;
    let request = poem::Request::from((
        request,
        LocalAddr(local_addr.into()),
        RemoteAddr(remote_addr.into()),
        http::uri::Scheme::HTTP,
    ));
    let response: http::Response<ResponseBody> = endpoint.get_response(request).await.into();
    Ok(response.map(|body| InFlightBody {
        body,
        _request: in_flight,
    }))
}

/// Where a connection is in its life, for its deadlines.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    /// Waiting for a request head to complete, since this instant.
    ReadingHead(Instant),
    /// Requests in flight: no deadline (a generation may wait a minute on the LLM).
    Busy(usize),
    /// Kept alive with nothing to do, since this instant.
    Idle(Instant),
}

/// A connection's phase, and since when its writes have been stalled, if they are.
#[derive(Clone, Copy, Debug)]
struct State {
    phase: Phase,
    write_stalled: Option<Instant>,
}

struct Activity {
    state: Mutex<State>,
    changed: Notify,
    limits: ConnectionLimits,
}

impl Activity {
    fn new(limits: ConnectionLimits) -> Self {
        Self {
            state: Mutex::new(State {
                // A new connection must deliver its first head within the header timeout too.
                phase: Phase::ReadingHead(Instant::now()),
                write_stalled: None,
            }),
            changed: Notify::new(),
            limits,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, phase: Phase) {
        self.state().phase = phase;
        self.changed.notify_one();
    }

    /// Bytes arrived: on an idle connection they start the next request head.
    fn bytes_read(&self) {
        let phase = self.state().phase;
        if matches!(phase, Phase::Idle(_)) {
            self.set(Phase::ReadingHead(Instant::now()));
        }
    }

    /// A write could not proceed (the client's receive window is full): starts the stall clock
    /// unless it is already running.
    fn write_blocked(&self) {
        let mut state = self.state();
        if state.write_stalled.is_none() {
            state.write_stalled = Some(Instant::now());
            drop(state);
            self.changed.notify_one();
        }
    }

    /// Bytes went out: the client reads. No wake-up needed, [`Self::expired`] rechecks at the
    /// stall's deadline.
    fn bytes_written(&self) {
        self.state().write_stalled = None;
    }

    fn begin_request(self: &Arc<Self>) -> RequestInFlight {
        let busy = match self.state().phase {
            Phase::Busy(requests) => requests + 1,
            _ => 1,
        };
        self.set(Phase::Busy(busy));
        RequestInFlight(self.clone())
    }

    fn end_request(&self) {
        let next = match self.state().phase {
            Phase::Busy(requests) if requests > 1 => Phase::Busy(requests - 1),
            _ => Phase::Idle(Instant::now()),
        };
        self.set(next);
    }

    /// Resolves when the current phase outlives its deadline, or a write stays stalled past
    /// the write timeout (in any phase: a client may stop reading mid-response).
    async fn expired(&self) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            // Recomputed after every wake-up: a stalled write may have moved on without one.
            match self.deadline() {
                Some(deadline) if deadline <= Instant::now() => return,
                Some(deadline) => tokio::select! {
                    () = tokio::time::sleep_until(deadline) => {}
                    () = &mut changed => {}
                },
                None => changed.await,
            }
        }
    }

    /// The earliest deadline of the current state, if any.
    fn deadline(&self) -> Option<Instant> {
        let state = *self.state();
        let phase = match state.phase {
            Phase::ReadingHead(since) => Some(since + self.limits.header_timeout),
            Phase::Idle(since) => Some(since + self.limits.idle_timeout),
            Phase::Busy(_) => None,
        };
        let write = state
            .write_stalled
            .map(|since| since + self.limits.write_timeout);
        [phase, write].into_iter().flatten().min()
    }
}

/// Held from the moment hyper hands over a request until its response body is done.
struct RequestInFlight(Arc<Activity>);

impl Drop for RequestInFlight {
    fn drop(&mut self) {
        self.0.end_request();
    }
}

/// A response body that keeps its request counted as in flight until it is written (or dropped).
struct InFlightBody {
    body: ResponseBody,
    _request: RequestInFlight,
}

impl Body for InFlightBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The socket, reporting every read and every stalled or progressing write to the
/// connection's [`Activity`], and first giving back the bytes read to tell HTTP/1 from HTTP/2.
struct Watched {
    stream: TcpStream,
    replay: Bytes,
    activity: Arc<Activity>,
}

impl Watched {
    fn written(&self, polled: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
        match polled {
            Poll::Pending => self.activity.write_blocked(),
            Poll::Ready(Ok(1..)) => self.activity.bytes_written(),
            Poll::Ready(_) => {}
        }
        polled
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if !self.replay.is_empty() {
            let n = self.replay.len().min(buf.remaining());
            buf.put_slice(&self.replay.split_to(n));
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.bytes_read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.written(polled)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.written(polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
