//! Resource limits of a running server: the memory ceiling and the file descriptors.
//!
//! # Memory
//!
//! `[intake] max_memory_bytes` (512 MiB by default) is the ceiling of the whole process,
//! whatever clients do. It is divided up front:
//!
//! | part | size |
//! |---|---|
//! | vault writer, runtime, code (fixed) | [`BASELINE_BYTES`] |
//! | write queue | `[commit] queue_bytes` |
//! | open HTTP connections (set aside, so health checks always find room) | 32 KiB each (80 KiB with TLS), at most a third of the rest; the HTTP connection limit is lowered to fit |
//! | syslog TCP/TLS connection buffers | a third of what remains |
//! | HTTP request bodies and their records | two thirds of what remains |
//!
//! Each part is a byte budget; what uses memory holds a charge against it, taken
//! *before* the memory is used: an HTTP request charges its body as it arrives (its whole
//! `Content-Length` up front), its decoded body and a fixed cost per record while its records
//! are counted, so a request that does not fit is answered 429 (`Retry-After`) before any copy
//! is made, and one that could never fit 413. A syslog connection charges its buffers; when
//! the budget is spent it stops reading (TCP backpressure) instead of growing.
//!
//! # File descriptors
//!
//! At start the soft `RLIMIT_NOFILE` is raised to the hard limit ([`raise_nofile`]), and the
//! connection limits are derived from what is left ([`connection_limits`]): a reserve of
//! [`FD_RESERVE`] descriptors for the vault (WAL, segments, checkpoints, the token file), and
//! the HTTP listener keeps a share of its own, so that however many syslog connections are
//! open, HTTP ingest, `/metrics` and the health checks still accept connections.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::config::Config;

/// Memory set aside for the vault writer (open segment, WAL group, sealing), the async
/// runtime and the program itself; what the budgets share is the ceiling minus this and the
/// write queue.
pub const BASELINE_BYTES: usize = 96 << 20;

/// File descriptors kept free for the vault and the process (WAL, segments being sealed or
/// read, checkpoint files, the token file, the probe file, the runtime).
pub const FD_RESERVE: u64 = 64;

/// Set aside per open HTTP connection: its read buffer ([`HTTP_READ_BUFFER`]), its write
/// buffer and its task.
pub const HTTP_CONNECTION_BYTES: usize = 32 << 10;

/// Largest read buffer of an HTTP connection (so also the longest request head).
pub const HTTP_READ_BUFFER: usize = 16 << 10;

/// Charged per TLS session on top of its buffers (rustls record buffers and state).
pub const TLS_SESSION_BYTES: usize = 48 << 10;

/// The least `max_memory_bytes` the other settings need: what remains besides the baseline
/// and the queue must be at least five largest bodies (so that the request budget holds two,
/// with their records).
pub fn min_memory(cfg: &Config) -> usize {
    BASELINE_BYTES
        .saturating_add(cfg.queue_bytes)
        .saturating_add(cfg.max_body_bytes.saturating_mul(5))
}

/// How the memory ceiling is divided (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryPlan {
    /// HTTP connections the set-aside part holds (at most the connection limit asked for).
    pub http_connections: usize,
    /// Set aside for open HTTP connections.
    pub http_connection_bytes: usize,
    /// For syslog TCP and TLS connection buffers.
    pub syslog: usize,
    /// For HTTP request bodies and their records.
    pub requests: usize,
}

impl MemoryPlan {
    /// The plan for `cfg` (which passed [`Config::check`]) with at most `http_connections`
    /// HTTP connections of `per_connection` bytes each.
    pub fn of(cfg: &Config, http_connections: usize, per_connection: usize) -> MemoryPlan {
        let rest = cfg
            .max_memory_bytes
            .saturating_sub(BASELINE_BYTES)
            .saturating_sub(cfg.queue_bytes);
        let per = per_connection.max(1);
        let conns = if http_connections == 0 {
            0
        } else {
            http_connections.min(rest / 3 / per).max(1)
        };
        let set_aside = conns * per;
        let syslog = (rest - set_aside) / 3;
        MemoryPlan {
            http_connections: conns,
            http_connection_bytes: set_aside,
            syslog,
            requests: rest - set_aside - syslog,
        }
    }
}

/// Budgets are kept in units of this many bytes (semaphore permits are `u32`).
const UNIT: usize = 1024;

fn units(bytes: usize) -> usize {
    bytes.div_ceil(UNIT)
}

/// A number of bytes that [`Charge`]s draw from.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    sem: Arc<Semaphore>,
    units: usize,
}

impl Budget {
    pub fn new(bytes: usize) -> Budget {
        let units = (bytes / UNIT).min(Semaphore::MAX_PERMITS);
        Budget {
            sem: Arc::new(Semaphore::new(units)),
            units,
        }
    }

    /// An empty charge against this budget.
    pub fn charge(&self) -> Charge {
        Charge {
            sem: self.sem.clone(),
            held: 0,
            bytes: 0,
        }
    }

    /// The whole budget, in bytes.
    pub fn capacity(&self) -> usize {
        self.units * UNIT
    }

    /// Bytes charged now.
    pub fn used(&self) -> usize {
        self.units.saturating_sub(self.sem.available_permits()) * UNIT
    }
}

/// Memory held against a [`Budget`]; given back when dropped.
#[derive(Debug)]
pub(crate) struct Charge {
    sem: Arc<Semaphore>,
    /// Units taken from the semaphore.
    held: usize,
    /// Bytes this charge covers.
    bytes: usize,
}

impl Charge {
    /// Bytes covered.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Cover `total` bytes if the budget has room now (shrinking always succeeds).
    pub fn try_set(&mut self, total: usize) -> bool {
        let need = units(total);
        if need > self.held {
            let Ok(more) = u32::try_from(need - self.held) else {
                return false;
            };
            match self.sem.try_acquire_many(more) {
                Ok(p) => p.forget(),
                Err(_) => return false,
            }
        } else if need < self.held {
            self.sem.add_permits(self.held - need);
        }
        self.held = need;
        self.bytes = total;
        true
    }

    /// Cover `total` bytes, waiting for room (a request larger than the whole budget waits
    /// forever: callers bound `total` first).
    pub async fn set(&mut self, total: usize) {
        let need = units(total);
        if need > self.held {
            let Ok(more) = u32::try_from(need - self.held) else {
                std::future::pending::<()>().await;
                return;
            };
            match self.sem.acquire_many(more).await {
                Ok(p) => p.forget(),
                // the semaphore is never closed
                Err(_) => std::future::pending::<()>().await,
            }
            self.held = need;
            self.bytes = total;
        } else {
            self.try_set(total);
        }
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        if self.held > 0 {
            self.sem.add_permits(self.held);
        }
    }
}

/// The open-file limit after [`raise_nofile`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdLimit {
    /// Soft limit now in force.
    pub soft: u64,
    /// Hard limit.
    pub hard: u64,
    /// The soft limit before it was raised, when it was.
    pub raised_from: Option<u64>,
}

/// Raise the soft `RLIMIT_NOFILE` to the hard limit (Linux and other Unix; elsewhere a
/// generous guess is returned unchanged).
pub fn raise_nofile() -> FdLimit {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        // the kernel refuses "unlimited" for open files; fs.nr_open is 1 Mi by default
        const NR_OPEN: u64 = 1 << 20;
        let cur = getrlimit(Resource::Nofile);
        let soft = cur.current.unwrap_or(NR_OPEN);
        let hard = cur.maximum.unwrap_or(NR_OPEN);
        if soft >= hard {
            return FdLimit {
                soft,
                hard,
                raised_from: None,
            };
        }
        // a hard limit above fs.nr_open cannot be the soft limit: try nr_open then
        let nr_open = std::fs::read_to_string("/proc/sys/fs/nr_open")
            .ok()
            .and_then(|t| t.trim().parse::<u64>().ok())
            .unwrap_or(NR_OPEN);
        let mut err = None;
        for target in [hard, hard.min(nr_open)] {
            let r = setrlimit(
                Resource::Nofile,
                Rlimit {
                    current: Some(target),
                    maximum: cur.maximum,
                },
            );
            match r {
                Ok(()) => {
                    return FdLimit {
                        soft: target,
                        hard,
                        raised_from: Some(soft),
                    };
                }
                Err(e) => err = Some(e),
            }
        }
        if let Some(e) = err {
            tracing::warn!(error = %e, soft, hard, "open-file limit not raised");
        }
        FdLimit {
            soft,
            hard,
            raised_from: None,
        }
    }
    #[cfg(not(unix))]
    {
        FdLimit {
            soft: 1 << 16,
            hard: 1 << 16,
            raised_from: None,
        }
    }
}

/// Descriptors open in this process now (Linux `/proc/self/fd`; a guess elsewhere).
pub fn open_fds() -> u64 {
    match std::fs::read_dir("/proc/self/fd") {
        Ok(d) => d.count() as u64,
        Err(_) => 32,
    }
}

/// Connection limits per listener, derived from the configuration and the descriptors left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// HTTP listener.
    pub http: usize,
    /// Syslog TCP listener.
    pub syslog_tcp: usize,
    /// Syslog TLS listener.
    pub syslog_tls: usize,
    /// Whether the configured `max_connections` had to be lowered.
    pub lowered: bool,
    /// Descriptors available to connections.
    pub available: u64,
}

/// Divide the descriptors left (`soft` minus `open` minus [`FD_RESERVE`]) between the
/// listeners that are on: each gets the configured `max_connections` when everything fits;
/// otherwise HTTP keeps a quarter (at most `max_connections`) and the syslog listeners share
/// the rest, so syslog connections can never take the descriptors HTTP needs. `None` when
/// fewer than 8 descriptors are left.
pub fn connection_limits(
    max_connections: usize,
    http: bool,
    tcp: bool,
    tls: bool,
    soft: u64,
    open: u64,
) -> Option<ConnectionLimits> {
    let available = soft.saturating_sub(open).saturating_sub(FD_RESERVE);
    if available < 8 {
        return None;
    }
    let avail = usize::try_from(available).unwrap_or(usize::MAX);
    let n_syslog = usize::from(tcp) + usize::from(tls);
    let listeners = n_syslog + usize::from(http);
    let mut l = ConnectionLimits {
        http: if http { max_connections } else { 0 },
        syslog_tcp: if tcp { max_connections } else { 0 },
        syslog_tls: if tls { max_connections } else { 0 },
        lowered: false,
        available,
    };
    if max_connections.saturating_mul(listeners) <= avail {
        return Some(l);
    }
    l.lowered = true;
    let h = if !http {
        0
    } else if n_syslog == 0 {
        avail.min(max_connections)
    } else {
        (avail / 4).clamp(1, max_connections)
    };
    let each = (avail - h)
        .checked_div(n_syslog)
        .map_or(0, |e| e.clamp(1, max_connections));
    l.http = h;
    l.syslog_tcp = if tcp { each } else { 0 };
    l.syslog_tls = if tls { each } else { 0 };
    Some(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_limits_fit_the_descriptors_and_keep_a_share_for_http() {
        // plenty: as configured
        let l = connection_limits(4096, true, true, true, 1 << 20, 20).unwrap();
        assert_eq!(
            (l.http, l.syslog_tcp, l.syslog_tls, l.lowered),
            (4096, 4096, 4096, false)
        );
        // ulimit -n 1024: everything together stays below the limit, HTTP keeps a quarter
        let l = connection_limits(4096, true, true, false, 1024, 20).unwrap();
        assert!(l.lowered);
        assert_eq!(l.available, 1024 - 20 - FD_RESERVE);
        assert_eq!(l.http, 235);
        assert_eq!(l.syslog_tcp, 940 - 235);
        assert!(l.http + l.syslog_tcp + l.syslog_tls <= l.available as usize);
        let l = connection_limits(4096, true, true, true, 1024, 20).unwrap();
        assert!(l.http + l.syslog_tcp + l.syslog_tls <= l.available as usize);
        assert!(l.http >= 200 && l.syslog_tcp == l.syslog_tls);
        // HTTP only: all of it, within max_connections
        let l = connection_limits(100, true, false, false, 1024, 20).unwrap();
        assert_eq!((l.http, l.lowered), (100, false));
        let l = connection_limits(4096, true, false, false, 1024, 20).unwrap();
        assert_eq!(l.http, 940);
        assert!(connection_limits(4096, true, true, true, 80, 20).is_none());
    }

    #[test]
    fn charges_take_and_give_back() {
        let b = Budget::new(10 << 10);
        let mut a = b.charge();
        assert!(a.try_set(6000));
        assert_eq!(b.used(), 6 << 10);
        let mut c = b.charge();
        assert!(!c.try_set(5000), "only 4 KiB left");
        assert!(c.try_set(4000));
        assert!(a.try_set(100), "shrinking always works");
        assert!(c.try_set(8000));
        drop(a);
        drop(c);
        assert_eq!(b.used(), 0);
    }

    #[test]
    fn the_plan_divides_what_is_left() {
        let mut cfg = Config::default();
        let p = MemoryPlan::of(&cfg, 4096, HTTP_CONNECTION_BYTES);
        assert_eq!(
            p.http_connection_bytes + p.syslog + p.requests + BASELINE_BYTES + cfg.queue_bytes,
            512 << 20
        );
        assert_eq!(p.http_connections, 4096);
        assert!(p.requests >= 2 * p.syslog);
        assert!(min_memory(&cfg) <= cfg.max_memory_bytes);
        // the smallest ceiling the defaults allow still holds two largest bodies
        cfg.max_memory_bytes = min_memory(&cfg);
        let p = MemoryPlan::of(&cfg, 4096, HTTP_CONNECTION_BYTES + TLS_SESSION_BYTES);
        assert!(p.requests >= 2 * cfg.max_body_bytes);
        assert!(p.http_connections < 4096, "lowered to fit");
    }
}
