//! Syslog listeners: UDP (RFC 5426), TCP (RFC 6587) and TLS (RFC 5425).
//!
//! No message is rejected for its content: whatever arrives between frame boundaries is
//! stored as raw bytes (the vault's parser adds a note when it cannot understand it).
//! Limits are enforced and counted in `/metrics`: peers outside the allow-list are ignored
//! (`denied_peer`), messages over `max_message_bytes` are cut (`truncated`), broken octet
//! frames are stored as lines (`bad_frame`), connections that send nothing for
//! `idle_timeout_secs` or take longer than `frame_timeout_secs` to finish a message are
//! closed (`timeout`), and at `max_connections` new connections are refused.
//!
//! Backpressure: a TCP/TLS connection waits (stops reading) while the writer's queue is
//! full or the store is down, so senders slow down instead of losing data. UDP cannot be
//! slowed: when the queue is full the datagram is dropped and counted (`queue_full`).
//! Syslog has no acknowledgement: a crash can lose what was received but not yet
//! group-committed (at most the commit window plus the fsync in progress).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{Semaphore, mpsc, watch};

use crate::cidr::AllowList;
use crate::framing::{Frame, FrameDecoder};
use crate::metrics::{Metrics, Reason, Transport};
use crate::writer::{Intake, QueueError, Rec};

/// What every syslog listener shares.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub intake: Intake,
    pub metrics: Arc<Metrics>,
    pub allow: Arc<AllowList>,
    pub max_message: usize,
    pub idle_timeout: Duration,
    pub frame_timeout: Duration,
    pub shutdown: watch::Receiver<bool>,
    /// Held by every connection task; the server waits for all clones to drop.
    pub alive: mpsc::Sender<()>,
}

pub(crate) fn now_ns() -> i64 {
    let t = time::OffsetDateTime::now_utc();
    i64::try_from(t.unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

pub(crate) fn peer_name(a: SocketAddr) -> String {
    SocketAddr::new(a.ip().to_canonical(), a.port()).to_string()
}

/// Receive datagrams until shutdown.
pub(crate) async fn udp(sock: UdpSocket, source: Arc<str>, ctx: Ctx) {
    let mut shutdown = ctx.shutdown.clone();
    let mut buf = vec![0u8; 65536];
    let max = ctx.max_message;
    loop {
        let first = tokio::select! {
            r = sock.recv_from(&mut buf) => r,
            _ = shutdown.changed() => return,
        };
        let mut recs = Vec::new();
        let mut bytes = 0u64;
        let mut next = Some(first);
        while let Some(r) = next.take() {
            match r {
                Ok((n, from)) => {
                    if !ctx.allow.allows(from.ip()) {
                        ctx.metrics.reject(Reason::DeniedPeer, 1);
                    } else {
                        let mut d = &buf[..n];
                        while let [rest @ .., b'\n' | b'\r' | 0] = d {
                            d = rest;
                        }
                        if !d.is_empty() {
                            if d.len() > max {
                                ctx.metrics.reject(Reason::Truncated, 1);
                                d = &d[..max];
                            }
                            bytes += n as u64;
                            recs.push(Rec {
                                received_ns: now_ns(),
                                source: source.clone(),
                                peer: peer_name(from).into(),
                                transport: Transport::Udp.name(),
                                raw: bytes::Bytes::copy_from_slice(d),
                            });
                        }
                    }
                }
                Err(e) => tracing::debug!(error = %e, "udp receive failed"),
            }
            if recs.len() < 512 {
                match sock.try_recv_from(&mut buf) {
                    Ok(x) => next = Some(Ok(x)),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) => next = Some(Err(e)),
                }
            }
        }
        if recs.is_empty() {
            continue;
        }
        let n = recs.len() as u64;
        ctx.metrics.received(Transport::Udp, n, bytes);
        match ctx.intake.try_send(recs) {
            Ok(()) => {}
            Err(QueueError::Full) => ctx.metrics.reject(Reason::QueueFull, n),
            Err(QueueError::Down) => ctx.metrics.reject(Reason::StoreFailed, n),
        }
    }
}

/// How to turn an accepted TCP connection into a byte stream (plain or TLS).
pub(crate) enum Wrap {
    Plain,
    Tls(tokio_rustls::TlsAcceptor),
}

/// Accept TCP (or TLS) connections until shutdown.
pub(crate) async fn tcp(
    listener: TcpListener,
    source: Arc<str>,
    wrap: Wrap,
    max_connections: usize,
    ctx: Ctx,
) {
    let transport = match wrap {
        Wrap::Plain => Transport::Tcp,
        Wrap::Tls(_) => Transport::Tls,
    };
    let wrap = Arc::new(wrap);
    let conns = Arc::new(Semaphore::new(max_connections));
    let mut shutdown = ctx.shutdown.clone();
    loop {
        let Some((stream, from)) = accept_or_stop(&listener, &mut shutdown).await else {
            return;
        };
        if !ctx.allow.allows(from.ip()) {
            ctx.metrics.reject(Reason::DeniedPeer, 1);
            continue;
        }
        let Ok(permit) = conns.clone().try_acquire_owned() else {
            ctx.metrics.reject(Reason::TooManyConnections, 1);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let ctx = ctx.clone();
        let source = source.clone();
        let wrap = wrap.clone();
        tokio::spawn(async move {
            let _permit = permit;
            ctx.metrics.conn_open();
            let peer: Arc<str> = peer_name(from).into();
            match &*wrap {
                Wrap::Plain => serve_stream(stream, peer, source, transport, &ctx).await,
                Wrap::Tls(acc) => {
                    match tokio::time::timeout(ctx.frame_timeout, acc.accept(stream)).await {
                        Ok(Ok(s)) => serve_stream(s, peer, source, transport, &ctx).await,
                        Ok(Err(e)) => {
                            ctx.metrics.reject(Reason::TlsHandshake, 1);
                            tracing::debug!(error = %e, "tls handshake failed");
                        }
                        Err(_) => ctx.metrics.reject(Reason::TlsHandshake, 1),
                    }
                }
            }
            ctx.metrics.conn_close();
        });
    }
}

fn to_recs(
    frames: &mut Vec<Frame>,
    source: &Arc<str>,
    peer: &Arc<str>,
    transport: Transport,
    m: &Metrics,
) -> Vec<Rec> {
    let now = now_ns();
    let mut recs = Vec::with_capacity(frames.len());
    let mut bytes = 0u64;
    for f in frames.drain(..) {
        if f.truncated {
            m.reject(Reason::Truncated, 1);
        }
        if f.bad_frame {
            m.reject(Reason::BadFrame, 1);
        }
        if f.data.is_empty() {
            continue;
        }
        bytes += f.data.len() as u64;
        recs.push(Rec {
            received_ns: now,
            source: source.clone(),
            peer: peer.clone(),
            transport: transport.name(),
            raw: f.data,
        });
    }
    m.received(transport, recs.len() as u64, bytes);
    recs
}

/// Read one connection: frame, batch per read, queue with backpressure.
async fn serve_stream<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    peer: Arc<str>,
    source: Arc<str>,
    transport: Transport,
    ctx: &Ctx,
) {
    let _alive = ctx.alive.clone();
    let mut shutdown = ctx.shutdown.clone();
    let mut dec = FrameDecoder::new(ctx.max_message);
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut frames = Vec::new();
    let mut frame_start: Option<Instant> = None;
    loop {
        let partial = dec.in_frame() || !buf.is_empty();
        if partial && frame_start.is_none() {
            frame_start = Some(Instant::now());
        } else if !partial {
            frame_start = None;
        }
        let wait = match frame_start {
            Some(t) => ctx.frame_timeout.saturating_sub(t.elapsed()),
            None => ctx.idle_timeout,
        };
        if buf.capacity() - buf.len() < 16 * 1024 {
            buf.reserve(64 * 1024);
        }
        let r = tokio::select! {
            r = tokio::time::timeout(wait, s.read_buf(&mut buf)) => r,
            _ = shutdown.changed() => break,
        };
        match r {
            Err(_) => {
                ctx.metrics.reject(Reason::Timeout, 1);
                tracing::debug!("syslog connection timed out");
                break;
            }
            Ok(Ok(0)) => break,
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "syslog connection read failed");
                break;
            }
        }
        let used = dec.decode(&buf, &mut frames);
        buf.drain(..used);
        if frames
            .iter()
            .any(|f| !f.data.is_empty() || f.truncated || f.bad_frame)
        {
            frame_start = None;
        }
        let recs = to_recs(&mut frames, &source, &peer, transport, &ctx.metrics);
        if !recs.is_empty() {
            let n = recs.len() as u64;
            if ctx.intake.send_wait(recs).await.is_err() {
                ctx.metrics.reject(Reason::StoreFailed, n);
                return;
            }
        }
    }
    dec.finish(&buf, &mut frames);
    let recs = to_recs(&mut frames, &source, &peer, transport, &ctx.metrics);
    if !recs.is_empty() {
        let n = recs.len() as u64;
        if ctx.intake.send_wait(recs).await.is_err() {
            ctx.metrics.reject(Reason::StoreFailed, n);
        }
    }
    // a clean close (TLS close_notify, TCP FIN) so senders see an orderly end
    let _ = tokio::time::timeout(Duration::from_secs(1), s.shutdown()).await;
}

/// The next connection, or `None` once `stop` changes (shutdown). A failed accept (out of
/// file descriptors, a connection reset before it was taken) is logged and retried after a
/// short pause instead of spinning.
pub(crate) async fn accept_or_stop(
    listener: &TcpListener,
    stop: &mut watch::Receiver<bool>,
) -> Option<(TcpStream, SocketAddr)> {
    loop {
        tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => return Some(x),
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = stop.changed() => return None,
        }
    }
}
