//! Serving connections: HTTP/1.1 with the limits a public server needs.
//!
//! - At most `MAX_CONNECTIONS` open connections; further clients wait in the listen backlog.
//! - `HEADER_READ_TIMEOUT`: a client that starts a request must finish its head in time
//!   (slowloris).
//! - `IDLE_TIMEOUT`: a keep-alive connection with no request in progress is closed.
//! - The few responses hyper writes by itself (400 for a malformed request line, 414, 431) get
//!   the proxy's JSON error body like every other error.
//!
//! hyper's own header timer also runs while a keep-alive connection waits for its next request,
//! which would make the idle timeout the header timeout; so both are kept here, from what the
//! connection reads and when its requests start and finish.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Connection limits, shared by every serving thread.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Time to receive a whole request head once it has started.
    pub header_read: Duration,
    /// Time a connection may sit with no request.
    pub idle: Duration,
    /// A permit per connection that may be open, across all threads (`MAX_CONNECTIONS`). A
    /// thread waits for one before it accepts, so clients past the cap wait in the backlog.
    pub connections: Arc<Semaphore>,
}

/// The listening socket, non-blocking, for every serving thread to register with its runtime
/// (a `try_clone` each). Call it inside a runtime.
pub fn bind(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    // A backlog deeper than std's 128, for bursts and for clients past MAX_CONNECTIONS.
    socket.listen(1024)?.into_std()
}

/// Serves `app` on `listener` until `shutdown` resolves.
pub async fn serve(listener: TcpListener, app: Router, limits: Limits, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = limits.connections.clone().acquire_owned() => permit.expect("never closed"),
            () = &mut shutdown => return,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, say: wait instead of spinning.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let (header_read, idle) = (limits.header_read, limits.idle);
        tokio::spawn(async move {
            connection(stream, peer, app, header_read, idle).await;
            drop(permit);
        });
    }
}

/// What a connection's watchdog knows about it.
#[derive(Default)]
struct Activity {
    /// Milliseconds since the connection opened, when the current partial head began (0: none).
    head_started_ms: AtomicU64,
    /// Whether bytes arrived since the last request was handed to the app.
    reading_head: AtomicBool,
    /// Requests being answered.
    in_flight: AtomicUsize,
    /// Milliseconds since open when the connection last became idle.
    idle_since_ms: AtomicU64,
}

async fn connection(stream: TcpStream, peer: SocketAddr, app: Router, header_read: Duration, idle: Duration) {
    let opened = Instant::now();
    let activity = Arc::new(Activity::default());
    let io = TokioIo::new(Watched { inner: stream, activity: activity.clone(), opened, rewrite: None });
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            activity.reading_head.store(false, Ordering::Relaxed);
            activity.in_flight.fetch_add(1, Ordering::Relaxed);
            let activity = activity.clone();
            let app = app.clone();
            async move {
                let response = app.oneshot(request.map(axum::body::Body::new)).await;
                activity.in_flight.fetch_sub(1, Ordering::Relaxed);
                activity.idle_since_ms.store(opened.elapsed().as_millis() as u64, Ordering::Relaxed);
                response
            }
        })
    };
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(None)
        .keep_alive(true)
        .max_header_size(32 * 1024)
        .max_buf_size(64 * 1024);
    let conn = http.serve_connection(io, service);
    tokio::pin!(conn);
    loop {
        let deadline = deadline(&activity, opened, header_read, idle);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, %peer, "connection ended with an error");
                }
                return;
            }
            () = sleep_until(deadline) => {
                // Re-read: a request may have started or ended while this slept.
                if self::deadline(&activity, opened, header_read, idle).is_some_and(|d| Instant::now() >= d) {
                    tracing::debug!(%peer, "closing a connection that timed out");
                    return;
                }
            }
        }
    }
}

/// When the connection must be closed if nothing changes, or `None` while a request runs.
fn deadline(activity: &Activity, opened: Instant, header_read: Duration, idle: Duration) -> Option<Instant> {
    if activity.in_flight.load(Ordering::Relaxed) > 0 {
        return None;
    }
    let ms = |atomic: &AtomicU64| opened + Duration::from_millis(atomic.load(Ordering::Relaxed));
    Some(match activity.reading_head.load(Ordering::Relaxed) {
        true => ms(&activity.head_started_ms) + header_read,
        false => ms(&activity.idle_since_ms) + idle,
    })
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        // Re-checked at least every second, so a request that starts or ends moves the deadline.
        Some(deadline) => tokio::time::sleep_until(deadline.min(Instant::now() + Duration::from_secs(1)).into()).await,
        None => tokio::time::sleep(Duration::from_secs(1)).await,
    }
}

/// The TCP stream, noting when a request head starts arriving, and giving hyper's own error
/// responses a JSON body.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
    opened: Instant,
    /// A replacement response being written instead of hyper's, and how much of hyper's
    /// buffer it stands for.
    rewrite: Option<(Vec<u8>, usize, usize)>,
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before && !this.activity.reading_head.swap(true, Ordering::Relaxed) {
            this.activity.head_started_ms.store(this.opened.elapsed().as_millis() as u64, Ordering::Relaxed);
        }
        result
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.rewrite.is_none() {
            match hyper_error_response(buf) {
                Some(replacement) => this.rewrite = Some((replacement, 0, buf.len())),
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        let (replacement, written, stands_for) = this.rewrite.as_mut().expect("set above");
        while *written < replacement.len() {
            match Pin::new(&mut this.inner).poll_write(cx, &replacement[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                other => return other,
            }
        }
        let stands_for = *stands_for;
        this.rewrite = None;
        Poll::Ready(Ok(stands_for))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        // hyper's own error answers are a head alone, in the first buffer.
        match bufs.first() {
            Some(first) if this.rewrite.is_some() || hyper_error_response(first).is_some() => {
                Pin::new(this).poll_write(cx, first)
            }
            _ => Pin::new(&mut this.inner).poll_write_vectored(cx, bufs),
        }
    }

    // Vectored: hyper sends a response's head and body in one `writev` without copying the body.
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// hyper answers a request it cannot parse by itself, with an empty body. Those answers (and
/// only those: the app's own always carry a content type) are replaced by the JSON error shape.
fn hyper_error_response(buf: &[u8]) -> Option<Vec<u8>> {
    let (status, code, message) = match buf.get(..13)? {
        b"HTTP/1.1 400 " => (400, "bad_request", "the request could not be parsed"),
        b"HTTP/1.1 414 " => (414, "uri_too_long", "the request URL is too long"),
        b"HTTP/1.1 431 " => (431, "headers_too_large", "the request headers are too large"),
        _ => return None,
    };
    let head_end = memchr::memmem::find(buf, b"\r\n\r\n")?;
    let head = &buf[..head_end];
    if memchr::memmem::find(head, b"content-type:").is_some() || memchr::memmem::find(head, b"content-length: 0").is_none() {
        return None;
    }
    let body = format!(r#"{{"error":"{code}","message":"{message}"}}"#);
    let reason = std::str::from_utf8(&buf[13..memchr::memchr(b'\r', buf)?]).ok()?;
    Some(
        format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncache-control: no-store\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hyper_s_own_empty_error_answers_are_rewritten() {
        let hyper = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let rewritten = String::from_utf8(hyper_error_response(hyper).unwrap()).unwrap();
        assert!(rewritten.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"), "{rewritten}");
        assert!(rewritten.ends_with(r#"{"error":"headers_too_large","message":"the request headers are too large"}"#));
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n";
        assert!(hyper_error_response(ours).is_none());
        assert!(hyper_error_response(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
    }
}
