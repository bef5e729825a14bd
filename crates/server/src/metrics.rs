//! Counters and the Prometheus text exposition of `/metrics`.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering::Relaxed};

/// Transports counted separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Syslog over UDP.
    Udp,
    /// Syslog over TCP.
    Tcp,
    /// Syslog over TLS.
    Tls,
    /// HTTP (plain or TLS).
    Http,
}

impl Transport {
    const ALL: [Transport; 4] = [
        Transport::Udp,
        Transport::Tcp,
        Transport::Tls,
        Transport::Http,
    ];

    /// The name stored as the record's transport.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
            Transport::Tls => "tls",
            Transport::Http => "http",
        }
    }
}

/// Why something was refused, cut, dropped or failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// A syslog message longer than the limit (stored cut to the limit).
    Truncated,
    /// An octet-counted frame whose length prefix was broken (its bytes were stored as a line).
    BadFrame,
    /// UDP datagram dropped because the queue was full.
    QueueFull,
    /// Dropped or refused because the store failed (e.g. full disk).
    StoreFailed,
    /// A peer outside the allow-list.
    DeniedPeer,
    /// Connection closed for sending nothing, or a frame too slowly.
    Timeout,
    /// Connection refused at the connection limit.
    TooManyConnections,
    /// TLS handshake failed.
    TlsHandshake,
    /// HTTP request without valid credentials.
    Unauthorized,
    /// HTTP request whose token lacks the role.
    Forbidden,
    /// HTTP body too large.
    BodyTooLarge,
    /// HTTP body not valid JSON / NDJSON / bulk.
    BadJson,
    /// HTTP request answered 429.
    Overload,
    /// HTTP request answered 503 (store unavailable).
    Unavailable,
    /// Bulk items refused one by one (delete/update, bad document).
    BulkItem,
    /// HTTP request that could not be read (broken body, undecodable gzip).
    BadRequest,
    /// HTTP body in a `Content-Encoding` other than gzip, deflate or identity (answered 415).
    UnsupportedEncoding,
    /// Refused because the memory budget was spent: an HTTP request answered 429 before its
    /// body was read or its records copied, or a syslog connection refused.
    MemoryLimit,
}

impl Reason {
    const ALL: [Reason; 18] = [
        Reason::Truncated,
        Reason::BadFrame,
        Reason::QueueFull,
        Reason::StoreFailed,
        Reason::DeniedPeer,
        Reason::Timeout,
        Reason::TooManyConnections,
        Reason::TlsHandshake,
        Reason::Unauthorized,
        Reason::Forbidden,
        Reason::BodyTooLarge,
        Reason::BadJson,
        Reason::Overload,
        Reason::Unavailable,
        Reason::BulkItem,
        Reason::BadRequest,
        Reason::UnsupportedEncoding,
        Reason::MemoryLimit,
    ];

    /// Label value.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Truncated => "truncated",
            Reason::BadFrame => "bad_frame",
            Reason::QueueFull => "queue_full",
            Reason::StoreFailed => "store_failed",
            Reason::DeniedPeer => "denied_peer",
            Reason::Timeout => "timeout",
            Reason::TooManyConnections => "too_many_connections",
            Reason::TlsHandshake => "tls_handshake",
            Reason::Unauthorized => "unauthorized",
            Reason::Forbidden => "forbidden",
            Reason::BodyTooLarge => "body_too_large",
            Reason::BadJson => "bad_json",
            Reason::Overload => "overload",
            Reason::Unavailable => "unavailable",
            Reason::BulkItem => "bulk_item",
            Reason::BadRequest => "bad_request",
            Reason::UnsupportedEncoding => "unsupported_encoding",
            Reason::MemoryLimit => "memory_limit",
        }
    }
}

/// Upper bounds (seconds) of the commit-latency histogram buckets.
pub const COMMIT_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 5.0,
];

/// Every counter of a running server.
#[derive(Debug, Default)]
pub struct Metrics {
    received: [AtomicU64; 4],
    received_bytes: [AtomicU64; 4],
    stored: AtomicU64,
    stored_bytes: AtomicU64,
    rejected: [AtomicU64; 18],
    queue_bytes: AtomicU64,
    commits: AtomicU64,
    commit_failures: AtomicU64,
    commit_buckets: [AtomicU64; 12],
    commit_sum_us: AtomicU64,
    checkpoints: AtomicU64,
    vault_size: AtomicU64,
    connections: AtomicU64,
    ready: AtomicBool,
    udp_port: AtomicU16,
    limits: std::sync::OnceLock<Limits>,
}

/// The budgets and limits a running server reports in `/metrics`.
#[derive(Debug)]
struct Limits {
    http: crate::limits::Budget,
    syslog: crate::limits::Budget,
    queue: usize,
    ceiling: usize,
    conns: crate::limits::ConnectionLimits,
    fd_soft: u64,
}

/// Datagrams the kernel dropped on sockets bound to `port` (full receive buffer), from
/// `/proc/net/udp` and `/proc/net/udp6` (Linux; 0 elsewhere).
fn kernel_udp_drops(port: u16) -> u64 {
    let mut n = 0;
    for f in ["/proc/net/udp", "/proc/net/udp6"] {
        let Ok(t) = std::fs::read_to_string(f) else {
            continue;
        };
        for l in t.lines().skip(1) {
            let cols: Vec<&str> = l.split_whitespace().collect();
            let Some(local) = cols.get(1) else { continue };
            let p = local
                .rsplit(':')
                .next()
                .and_then(|h| u16::from_str_radix(h, 16).ok());
            if p == Some(port) {
                n += cols.last().and_then(|d| d.parse::<u64>().ok()).unwrap_or(0);
            }
        }
    }
    n
}

/// Resident set size of this process (Linux `/proc/self/status`).
fn resident_bytes() -> Option<u64> {
    let t = std::fs::read_to_string("/proc/self/status").ok()?;
    let l = t.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = l.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn ti(t: Transport) -> usize {
    Transport::ALL.iter().position(|x| *x == t).unwrap_or(0)
}

fn ri(r: Reason) -> usize {
    Reason::ALL.iter().position(|x| *x == r).unwrap_or(0)
}

impl Metrics {
    /// Count `n` received records of `bytes` bytes.
    pub fn received(&self, t: Transport, n: u64, bytes: u64) {
        self.received[ti(t)].fetch_add(n, Relaxed);
        self.received_bytes[ti(t)].fetch_add(bytes, Relaxed);
    }

    /// Count `n` refused, cut or dropped things.
    pub fn reject(&self, r: Reason, n: u64) {
        self.rejected[ri(r)].fetch_add(n, Relaxed);
    }

    /// How many of `r` so far.
    pub fn rejected(&self, r: Reason) -> u64 {
        self.rejected[ri(r)].load(Relaxed)
    }

    /// Records durably stored so far.
    pub fn stored(&self) -> u64 {
        self.stored.load(Relaxed)
    }

    pub(crate) fn add_stored(&self, n: u64, bytes: u64) {
        self.stored.fetch_add(n, Relaxed);
        self.stored_bytes.fetch_add(bytes, Relaxed);
    }

    pub(crate) fn queue_add(&self, bytes: u64) {
        self.queue_bytes.fetch_add(bytes, Relaxed);
    }

    pub(crate) fn queue_sub(&self, bytes: u64) {
        self.queue_bytes.fetch_sub(bytes, Relaxed);
    }

    pub(crate) fn commit_done(&self, secs: f64, size: u64) {
        self.commits.fetch_add(1, Relaxed);
        for (i, b) in COMMIT_BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.commit_buckets[i].fetch_add(1, Relaxed);
            }
        }
        self.commit_sum_us.fetch_add((secs * 1e6) as u64, Relaxed);
        self.vault_size.store(size, Relaxed);
    }

    pub(crate) fn commit_failed(&self) {
        self.commit_failures.fetch_add(1, Relaxed);
    }

    pub(crate) fn checkpoint_done(&self, size: u64) {
        self.checkpoints.fetch_add(1, Relaxed);
        self.vault_size.store(size, Relaxed);
    }

    pub(crate) fn conn_open(&self) {
        self.connections.fetch_add(1, Relaxed);
    }

    pub(crate) fn conn_close(&self) {
        self.connections.fetch_sub(1, Relaxed);
    }

    pub(crate) fn set_limits(
        &self,
        http: &crate::limits::Budget,
        syslog: &crate::limits::Budget,
        cfg: &crate::Config,
        conns: crate::limits::ConnectionLimits,
        fd_soft: u64,
    ) {
        let _ = self.limits.set(Limits {
            http: http.clone(),
            syslog: syslog.clone(),
            queue: cfg.queue_bytes,
            ceiling: cfg.max_memory_bytes,
            conns,
            fd_soft,
        });
    }

    pub(crate) fn set_udp_port(&self, port: u16) {
        self.udp_port.store(port, Relaxed);
    }

    /// Whether the store accepts writes.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Relaxed)
    }

    pub(crate) fn set_ready(&self, v: bool) {
        self.ready.store(v, Relaxed);
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let mut s = String::with_capacity(4096);
        let _ = self.render_into(&mut s);
        s
    }

    fn render_into(&self, s: &mut String) -> std::fmt::Result {
        writeln!(
            s,
            "# HELP wangan_intake_received_records_total Records received, by transport."
        )?;
        writeln!(s, "# TYPE wangan_intake_received_records_total counter")?;
        for t in Transport::ALL {
            writeln!(
                s,
                "wangan_intake_received_records_total{{transport=\"{}\"}} {}",
                t.name(),
                self.received[ti(t)].load(Relaxed)
            )?;
        }
        writeln!(
            s,
            "# HELP wangan_intake_received_bytes_total Raw bytes received, by transport."
        )?;
        writeln!(s, "# TYPE wangan_intake_received_bytes_total counter")?;
        for t in Transport::ALL {
            writeln!(
                s,
                "wangan_intake_received_bytes_total{{transport=\"{}\"}} {}",
                t.name(),
                self.received_bytes[ti(t)].load(Relaxed)
            )?;
        }
        writeln!(
            s,
            "# HELP wangan_intake_stored_records_total Records durably stored (fsynced)."
        )?;
        writeln!(s, "# TYPE wangan_intake_stored_records_total counter")?;
        writeln!(
            s,
            "wangan_intake_stored_records_total {}",
            self.stored.load(Relaxed)
        )?;
        writeln!(
            s,
            "# HELP wangan_intake_stored_bytes_total Raw bytes durably stored."
        )?;
        writeln!(s, "# TYPE wangan_intake_stored_bytes_total counter")?;
        writeln!(
            s,
            "wangan_intake_stored_bytes_total {}",
            self.stored_bytes.load(Relaxed)
        )?;
        writeln!(
            s,
            "# HELP wangan_intake_rejected_total Messages or requests refused, cut or dropped, by reason."
        )?;
        writeln!(s, "# TYPE wangan_intake_rejected_total counter")?;
        for r in Reason::ALL {
            writeln!(
                s,
                "wangan_intake_rejected_total{{reason=\"{}\"}} {}",
                r.name(),
                self.rejected[ri(r)].load(Relaxed)
            )?;
        }
        let port = self.udp_port.load(Relaxed);
        if port != 0 {
            writeln!(
                s,
                "# HELP wangan_intake_udp_kernel_drops_total Datagrams the kernel dropped before wangan read them (receive buffer full)."
            )?;
            writeln!(s, "# TYPE wangan_intake_udp_kernel_drops_total counter")?;
            writeln!(
                s,
                "wangan_intake_udp_kernel_drops_total {}",
                kernel_udp_drops(port)
            )?;
        }
        writeln!(
            s,
            "# HELP wangan_intake_queue_bytes Bytes queued for the vault writer."
        )?;
        writeln!(s, "# TYPE wangan_intake_queue_bytes gauge")?;
        writeln!(
            s,
            "wangan_intake_queue_bytes {}",
            self.queue_bytes.load(Relaxed)
        )?;
        writeln!(
            s,
            "# HELP wangan_intake_connections Open TCP, TLS and HTTP connections."
        )?;
        writeln!(s, "# TYPE wangan_intake_connections gauge")?;
        writeln!(
            s,
            "wangan_intake_connections {}",
            self.connections.load(Relaxed)
        )?;
        writeln!(
            s,
            "# HELP wangan_vault_commit_seconds Group commit latency (write, fsync, checkpoint)."
        )?;
        writeln!(s, "# TYPE wangan_vault_commit_seconds histogram")?;
        for (i, b) in COMMIT_BUCKETS.iter().enumerate() {
            writeln!(
                s,
                "wangan_vault_commit_seconds_bucket{{le=\"{b}\"}} {}",
                self.commit_buckets[i].load(Relaxed)
            )?;
        }
        let n = self.commits.load(Relaxed);
        writeln!(s, "wangan_vault_commit_seconds_bucket{{le=\"+Inf\"}} {n}")?;
        writeln!(
            s,
            "wangan_vault_commit_seconds_sum {}",
            self.commit_sum_us.load(Relaxed) as f64 / 1e6
        )?;
        writeln!(s, "wangan_vault_commit_seconds_count {n}")?;
        writeln!(
            s,
            "# HELP wangan_vault_commit_failures_total Group commits that failed (e.g. full disk)."
        )?;
        writeln!(s, "# TYPE wangan_vault_commit_failures_total counter")?;
        writeln!(
            s,
            "wangan_vault_commit_failures_total {}",
            self.commit_failures.load(Relaxed)
        )?;
        writeln!(
            s,
            "# HELP wangan_vault_idle_checkpoints_total Checkpoints signed by the idle cadence."
        )?;
        writeln!(s, "# TYPE wangan_vault_idle_checkpoints_total counter")?;
        writeln!(
            s,
            "wangan_vault_idle_checkpoints_total {}",
            self.checkpoints.load(Relaxed)
        )?;
        writeln!(
            s,
            "# HELP wangan_vault_size Records in the log (committed tree size)."
        )?;
        writeln!(s, "# TYPE wangan_vault_size gauge")?;
        writeln!(s, "wangan_vault_size {}", self.vault_size.load(Relaxed))?;
        if let Some(l) = self.limits.get() {
            writeln!(
                s,
                "# HELP wangan_memory_budget_bytes Memory budgets within the ceiling (max_memory_bytes), by pool."
            )?;
            writeln!(s, "# TYPE wangan_memory_budget_bytes gauge")?;
            writeln!(
                s,
                "wangan_memory_budget_bytes{{pool=\"ceiling\"}} {}",
                l.ceiling
            )?;
            writeln!(
                s,
                "wangan_memory_budget_bytes{{pool=\"queue\"}} {}",
                l.queue
            )?;
            writeln!(
                s,
                "wangan_memory_budget_bytes{{pool=\"http\"}} {}",
                l.http.capacity()
            )?;
            writeln!(
                s,
                "wangan_memory_budget_bytes{{pool=\"syslog\"}} {}",
                l.syslog.capacity()
            )?;
            writeln!(
                s,
                "# HELP wangan_memory_charged_bytes Memory charged against each budget now."
            )?;
            writeln!(s, "# TYPE wangan_memory_charged_bytes gauge")?;
            writeln!(
                s,
                "wangan_memory_charged_bytes{{pool=\"queue\"}} {}",
                self.queue_bytes.load(Relaxed)
            )?;
            writeln!(
                s,
                "wangan_memory_charged_bytes{{pool=\"http\"}} {}",
                l.http.used()
            )?;
            writeln!(
                s,
                "wangan_memory_charged_bytes{{pool=\"syslog\"}} {}",
                l.syslog.used()
            )?;
            writeln!(
                s,
                "# HELP wangan_connection_limit Most open connections per listener (derived from max_connections and the open-file limit)."
            )?;
            writeln!(s, "# TYPE wangan_connection_limit gauge")?;
            for (k, v) in [
                ("http", l.conns.http),
                ("syslog_tcp", l.conns.syslog_tcp),
                ("syslog_tls", l.conns.syslog_tls),
            ] {
                writeln!(s, "wangan_connection_limit{{listener=\"{k}\"}} {v}")?;
            }
            writeln!(
                s,
                "# HELP wangan_open_files_limit The soft RLIMIT_NOFILE in force (raised to the hard limit at start)."
            )?;
            writeln!(s, "# TYPE wangan_open_files_limit gauge")?;
            writeln!(s, "wangan_open_files_limit {}", l.fd_soft)?;
        }
        if let Some(rss) = resident_bytes() {
            writeln!(
                s,
                "# HELP wangan_process_resident_bytes Resident memory of the process."
            )?;
            writeln!(s, "# TYPE wangan_process_resident_bytes gauge")?;
            writeln!(s, "wangan_process_resident_bytes {rss}")?;
        }
        writeln!(s, "# HELP wangan_ready 1 when the store accepts writes.")?;
        writeln!(s, "# TYPE wangan_ready gauge")?;
        writeln!(s, "wangan_ready {}", u8::from(self.is_ready()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exposition_has_every_family_and_counts() {
        let m = Metrics::default();
        m.received(Transport::Tcp, 3, 300);
        m.reject(Reason::BadJson, 2);
        m.commit_done(0.003, 3);
        let t = m.render();
        for want in [
            "wangan_intake_received_records_total{transport=\"tcp\"} 3",
            "wangan_intake_received_bytes_total{transport=\"tcp\"} 300",
            "wangan_intake_rejected_total{reason=\"bad_json\"} 2",
            "wangan_vault_commit_seconds_bucket{le=\"0.002\"} 0",
            "wangan_vault_commit_seconds_bucket{le=\"0.005\"} 1",
            "wangan_vault_commit_seconds_count 1",
            "wangan_vault_size 3",
        ] {
            assert!(t.contains(want), "missing {want}\n{t}");
        }
    }
}
