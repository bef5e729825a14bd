//! Syslog listeners: UDP (RFC 5426), TCP (RFC 6587) and TLS (RFC 5425).
//!
//! No message is rejected for its content: whatever arrives between frame boundaries is
//! stored as raw bytes (the vault's parser adds a note when it cannot understand it).
//! Limits are enforced and counted in `/metrics`: peers outside the allow-list are ignored
//! (`denied_peer`), messages over `max_message_bytes` are cut (`truncated`), broken octet
//! frames are stored as lines (`bad_frame`), connections that send nothing for
//! `idle_timeout_secs` or take longer than `frame_timeout_secs` to finish a message are
//! closed (`timeout`), and at the connection limit (`max_connections`, lowered to fit the
//! open-file limit) or when the syslog memory budget is spent, new connections are refused
//! (`too_many_connections`, `memory_limit`). Refused peers are also logged, rate-limited
//! ([`crate::refusal`]).
//!
//! Memory: a connection's buffers grow with what it sends (a read buffer of 8 to 64 KiB, and
//! message buffers of 4 to 256 KiB) and are let go after two seconds without data; they are
//! charged against the syslog budget ([`crate::limits`]), and a connection whose buffers do
//! not fit waits (is not read) until they do.
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
use crate::limits::{Budget, Charge, TLS_SESSION_BYTES};
use crate::metrics::{Metrics, Reason, Transport};
use crate::refusal::{Refusal, RefusalLog};
use crate::writer::{Intake, QueueError, Rec};

/// Smallest and largest read buffer of a connection.
const READ_MIN: usize = 8 << 10;
const READ_MAX: usize = 64 << 10;

/// A connection without data for this long lets its buffers go.
const LINGER: Duration = Duration::from_secs(2);

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
    /// Memory for connection buffers.
    pub budget: Budget,
    pub refusals: Arc<RefusalLog>,
}

impl Ctx {
    fn refuse(&self, from: SocketAddr, listener: &'static str, reason: Reason, detail: &str) {
        self.refusals.refuse(
            Refusal {
                peer: from,
                listener,
                reason,
                detail,
                token_id: None,
            },
            1,
        );
    }
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
                        ctx.refuse(
                            from,
                            "syslog-udp",
                            Reason::DeniedPeer,
                            "sender outside the allow-list",
                        );
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
            Err(_) => ctx.metrics.reject(Reason::StoreFailed, n),
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
    let (transport, lname, extra) = match wrap {
        Wrap::Plain => (Transport::Tcp, "syslog-tcp", 0),
        Wrap::Tls(_) => (Transport::Tls, "syslog-tls", TLS_SESSION_BYTES),
    };
    let wrap = Arc::new(wrap);
    let conns = Arc::new(Semaphore::new(max_connections));
    let mut shutdown = ctx.shutdown.clone();
    loop {
        let Some((stream, from)) = accept_or_stop(&listener, &mut shutdown).await else {
            return;
        };
        if !ctx.allow.allows(from.ip()) {
            ctx.refuse(
                from,
                lname,
                Reason::DeniedPeer,
                "sender outside the allow-list",
            );
            continue;
        }
        let Ok(permit) = conns.clone().try_acquire_owned() else {
            ctx.refuse(
                from,
                lname,
                Reason::TooManyConnections,
                &format!("connection limit ({max_connections}) reached"),
            );
            continue;
        };
        let mut charge = ctx.budget.charge();
        if !charge.try_set(extra + READ_MIN) {
            ctx.refuse(
                from,
                lname,
                Reason::MemoryLimit,
                "memory for syslog connections is spent (max_memory_bytes)",
            );
            continue;
        }
        let _ = stream.set_nodelay(true);
        let ctx = ctx.clone();
        let source = source.clone();
        let wrap = wrap.clone();
        tokio::spawn(async move {
            let _permit = permit;
            ctx.metrics.conn_open();
            let peer: Arc<str> = peer_name(from).into();
            let conn = Conn {
                from,
                peer,
                source,
                transport,
                listener: lname,
                extra,
                charge,
            };
            match &*wrap {
                Wrap::Plain => serve_stream(stream, conn, &ctx).await,
                Wrap::Tls(acc) => {
                    match tokio::time::timeout(ctx.frame_timeout, acc.accept(stream)).await {
                        Ok(Ok(s)) => serve_stream(s, conn, &ctx).await,
                        Ok(Err(e)) => ctx.refuse(
                            from,
                            lname,
                            Reason::TlsHandshake,
                            &format!("tls handshake failed: {e}"),
                        ),
                        Err(_) => ctx.refuse(
                            from,
                            lname,
                            Reason::TlsHandshake,
                            "tls handshake did not complete in time",
                        ),
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

/// One accepted syslog connection.
struct Conn {
    from: SocketAddr,
    peer: Arc<str>,
    source: Arc<str>,
    transport: Transport,
    listener: &'static str,
    /// Bytes charged besides the buffers (a TLS session).
    extra: usize,
    charge: Charge,
}

/// Read one connection: frame, batch per read, queue with backpressure.
async fn serve_stream<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, mut c: Conn, ctx: &Ctx) {
    let _alive = ctx.alive.clone();
    let mut shutdown = ctx.shutdown.clone();
    let mut dec = FrameDecoder::new(ctx.max_message);
    let mut read_cap = READ_MIN;
    let mut buf: Vec<u8> = Vec::new();
    let mut frames = Vec::new();
    let mut frame_start: Option<Instant> = None;
    let mut last_data = Instant::now();
    loop {
        let partial = dec.in_frame() || !buf.is_empty();
        if partial && frame_start.is_none() {
            frame_start = Some(Instant::now());
        } else if !partial {
            frame_start = None;
        }
        let wait = match frame_start {
            Some(t) => ctx.frame_timeout.saturating_sub(t.elapsed()),
            None => {
                let idle = ctx.idle_timeout.saturating_sub(last_data.elapsed());
                if buf.capacity() > 0 || dec.buffered() > 0 {
                    idle.min(LINGER)
                } else {
                    idle
                }
            }
        };
        if buf.capacity() < read_cap {
            buf.reserve_exact(read_cap - buf.len());
        }
        let spare = buf.capacity() - buf.len();
        let r = tokio::select! {
            r = tokio::time::timeout(wait, s.read_buf(&mut buf)) => r,
            _ = shutdown.changed() => break,
        };
        match r {
            Err(_) if frame_start.is_none() && last_data.elapsed() < ctx.idle_timeout => {
                // quiet for a while: let the buffers go until data comes again
                buf = Vec::new();
                read_cap = READ_MIN;
                dec.release();
                c.charge.try_set(c.extra);
                continue;
            }
            Err(_) => {
                ctx.metrics.reject(Reason::Timeout, 1);
                tracing::debug!("syslog connection timed out");
                break;
            }
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => {
                last_data = Instant::now();
                if n >= spare {
                    read_cap = (read_cap * 2).min(READ_MAX);
                }
            }
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
        let recs = to_recs(&mut frames, &c.source, &c.peer, c.transport, &ctx.metrics);
        if !recs.is_empty() {
            let n = recs.len() as u64;
            if ctx.intake.send_wait(recs).await.is_err() {
                ctx.metrics.reject(Reason::StoreFailed, n);
                return;
            }
        }
        // the buffers this connection holds now must fit the budget before it reads on: when
        // they do not, it reads on with the smallest read buffer, or waits (not read)
        let mut footprint = c.extra + buf.capacity().max(read_cap) + dec.buffered();
        if !c.charge.try_set(footprint) && read_cap > READ_MIN {
            read_cap = READ_MIN;
            if buf.len() <= READ_MIN {
                buf.shrink_to(READ_MIN);
            }
            footprint = c.extra + buf.capacity().max(read_cap) + dec.buffered();
        }
        if !c.charge.try_set(footprint) {
            let fits = tokio::select! {
                r = tokio::time::timeout(ctx.frame_timeout, c.charge.set(footprint)) => r.is_ok(),
                _ = shutdown.changed() => break,
            };
            if !fits {
                ctx.refuse(
                    c.from,
                    c.listener,
                    Reason::MemoryLimit,
                    "memory for syslog connections stayed spent: connection closed",
                );
                break;
            }
        }
    }
    dec.finish(&buf, &mut frames);
    let recs = to_recs(&mut frames, &c.source, &c.peer, c.transport, &ctx.metrics);
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
