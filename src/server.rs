//! The HTTP server loop around hyper: accepts connections, closes the ones that are slow to
//! send a request head or sit idle (never one with a request in flight), backs off instead of
//! spinning when file descriptors run out, and shuts down gracefully. poem's own `Server` does
//! none of the first three.

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
use hyper_util::{
    rt::{TokioExecutor, TokioIo},
    server::{conn::auto, graceful::GracefulShutdown},
};
use poem::{
    Endpoint, Response,
    web::{LocalAddr, RemoteAddr},
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::Notify,
    time::Instant,
};

/// How long a connection may take to send a request head, and stay open with nothing to do.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// From the accept (or, on a kept-alive connection, the next request's first byte) until
    /// the request head is complete.
    pub header_timeout: Duration,
    /// With no request in flight and none started.
    pub idle_timeout: Duration,
}

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
    let builder = auto::Builder::new(TokioExecutor::new());
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
                let activity = Arc::new(Activity::new(limits));
                let service = hyper::service::service_fn({
                    let (endpoint, activity) = (endpoint.clone(), activity.clone());
                    move |request| {
                        let in_flight = activity.begin_request();
                        let endpoint = endpoint.clone();
                        async move {
                            respond(&*endpoint, request, (local_addr, remote_addr), in_flight).await
                        }
                    }
                });
                let io = TokioIo::new(Watched {
                    stream,
                    activity: activity.clone(),
                });
                let served = graceful.watch(builder.serve_connection(io, service).into_owned());
                tokio::spawn(async move {
                    tokio::select! {
                        _ = served => {}
                        () = activity.expired() => {
                            tracing::debug!(%remote_addr, "closed a slow or idle connection");
                        }
                    }
                });
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

struct Activity {
    phase: Mutex<Phase>,
    changed: Notify,
    limits: ConnectionLimits,
}

impl Activity {
    fn new(limits: ConnectionLimits) -> Self {
        Self {
            // A new connection must deliver its first head within the header timeout too.
            phase: Mutex::new(Phase::ReadingHead(Instant::now())),
            changed: Notify::new(),
            limits,
        }
    }

    fn phase(&self) -> MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set(&self, phase: Phase) {
        *self.phase() = phase;
        self.changed.notify_one();
    }

    /// Bytes arrived: on an idle connection they start the next request head.
    fn bytes_read(&self) {
        let phase = *self.phase();
        if matches!(phase, Phase::Idle(_)) {
            self.set(Phase::ReadingHead(Instant::now()));
        }
    }

    fn begin_request(self: &Arc<Self>) -> RequestInFlight {
        let busy = match *self.phase() {
            Phase::Busy(requests) => requests + 1,
            _ => 1,
        };
        self.set(Phase::Busy(busy));
        RequestInFlight(self.clone())
    }

    fn end_request(&self) {
        let next = match *self.phase() {
            Phase::Busy(requests) if requests > 1 => Phase::Busy(requests - 1),
            _ => Phase::Idle(Instant::now()),
        };
        self.set(next);
    }

    /// Resolves when the current phase outlives its deadline.
    async fn expired(&self) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let deadline = match *self.phase() {
                Phase::ReadingHead(since) => Some(since + self.limits.header_timeout),
                Phase::Idle(since) => Some(since + self.limits.idle_timeout),
                Phase::Busy(_) => None,
            };
            match deadline {
                Some(deadline) => tokio::select! {
                    () = tokio::time::sleep_until(deadline) => return,
                    () = &mut changed => {}
                },
                None => changed.await,
            }
        }
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

/// The socket, reporting every read to the connection's [`Activity`].
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
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
        Pin::new(&mut self.stream).poll_write(cx, buf)
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
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
