//! Refusals in the log: every refused login, bad request, failed TLS handshake and sender
//! outside the allow-list is counted in `/metrics` and logged at `warn` with the peer address,
//! the listener, the reason and the token id (never the secret) — at most once per peer
//! address, listener and reason per interval (`[intake] refusal_log_secs`, 60 s by default),
//! so a flood of bad requests yields a bounded number of lines. The next line for that peer
//! says how many refusals were not logged in between; over all peers at most
//! [`MAX_LINES_PER_INTERVAL`] lines are written per interval, and the rest are summed up in one
//! line when the interval ends.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::metrics::{Metrics, Reason};

/// Lines written per interval over all peers, at most.
pub const MAX_LINES_PER_INTERVAL: u32 = 200;

/// Peers remembered at once (older entries are forgotten first).
const MAX_PEERS: usize = 4096;

/// One refusal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Refusal<'a> {
    /// The peer's address.
    pub peer: SocketAddr,
    /// `http`, `https`, `syslog-tcp`, `syslog-tls` or `syslog-udp`.
    pub listener: &'static str,
    /// The counted reason.
    pub reason: Reason,
    /// What was wrong, in a few words (never a secret, never record contents).
    pub detail: &'a str,
    /// The token's public id, when a token was presented in the `wgn_<id>_…` form.
    pub token_id: Option<&'a str>,
}

#[derive(Debug)]
struct Entry {
    last: Instant,
    suppressed: u64,
}

#[derive(Debug)]
struct State {
    peers: HashMap<(IpAddr, &'static str, Reason), Entry>,
    window: Instant,
    lines: u32,
    /// Refusals not logged because of the overall cap, in this window.
    over_cap: u64,
}

/// Counts refusals and logs them, rate-limited.
#[derive(Debug)]
pub(crate) struct RefusalLog {
    metrics: Arc<Metrics>,
    interval: Duration,
    state: Mutex<State>,
}

impl RefusalLog {
    pub fn new(metrics: Arc<Metrics>, interval: Duration) -> RefusalLog {
        RefusalLog {
            metrics,
            interval,
            state: Mutex::new(State {
                peers: HashMap::new(),
                window: Instant::now(),
                lines: 0,
                over_cap: 0,
            }),
        }
    }

    /// Count `n` refusals of one kind from one peer, and log them unless this peer was logged
    /// for this listener and reason within the interval.
    pub fn refuse(&self, r: Refusal<'_>, n: u64) {
        self.metrics.reject(r.reason, n);
        let now = Instant::now();
        let key = (r.peer.ip().to_canonical(), r.listener, r.reason);
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if now.duration_since(st.window) >= self.interval {
            if st.over_cap > 0 {
                tracing::warn!(
                    refusals = st.over_cap,
                    interval_secs = self.interval.as_secs(),
                    "refusals from many peers were not logged one by one (at most {MAX_LINES_PER_INTERVAL} lines per interval); see /metrics"
                );
            }
            st.window = now;
            st.lines = 0;
            st.over_cap = 0;
        }
        let interval = self.interval;
        if let Some(e) = st.peers.get_mut(&key)
            && now.duration_since(e.last) < interval
        {
            e.suppressed += n;
            return;
        }
        if st.lines >= MAX_LINES_PER_INTERVAL {
            st.over_cap += n;
            return;
        }
        if st.peers.len() >= MAX_PEERS && !st.peers.contains_key(&key) {
            st.peers
                .retain(|_, e| now.duration_since(e.last) < interval || e.suppressed > 0);
            if st.peers.len() >= MAX_PEERS {
                // every remembered peer is recent: forget the oldest half
                let mut ages: Vec<Instant> = st.peers.values().map(|e| e.last).collect();
                ages.sort_unstable();
                let cut = ages[ages.len() / 2];
                st.peers.retain(|_, e| e.last > cut);
            }
        }
        let e = st.peers.entry(key).or_insert(Entry {
            last: now,
            suppressed: 0,
        });
        let suppressed = std::mem::take(&mut e.suppressed);
        e.last = now;
        st.lines += 1;
        drop(st);
        tracing::warn!(
            peer = %r.peer,
            listener = r.listener,
            reason = r.reason.name(),
            detail = r.detail,
            token_id = r.token_id.unwrap_or("-"),
            count = n,
            not_logged_since_last = suppressed,
            "refused"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_peer_and_reason_per_interval_and_every_refusal_counted() {
        let m = Arc::new(Metrics::default());
        let log = RefusalLog::new(m.clone(), Duration::from_secs(3600));
        let r = |peer: &str, reason| Refusal {
            peer: peer.parse().unwrap(),
            listener: "http",
            reason,
            detail: "x",
            token_id: None,
        };
        for port in 0..1000u16 {
            log.refuse(r(&format!("192.0.2.1:{port}"), Reason::Unauthorized), 1);
        }
        log.refuse(r("192.0.2.1:9", Reason::BadJson), 1);
        log.refuse(r("192.0.2.2:9", Reason::Unauthorized), 1);
        let st = log.state.lock().unwrap();
        assert_eq!(st.lines, 3);
        let e = &st.peers[&("192.0.2.1".parse().unwrap(), "http", Reason::Unauthorized)];
        assert_eq!(e.suppressed, 999);
        drop(st);
        assert_eq!(m.rejected(Reason::Unauthorized), 1001);
        // many peers: the overall cap holds
        for i in 0..5000u32 {
            let ip = std::net::Ipv4Addr::from(0x0a00_0000 + i);
            log.refuse(
                Refusal {
                    peer: SocketAddr::new(ip.into(), 1),
                    listener: "syslog-udp",
                    reason: Reason::DeniedPeer,
                    detail: "x",
                    token_id: None,
                },
                1,
            );
        }
        let st = log.state.lock().unwrap();
        assert_eq!(st.lines, MAX_LINES_PER_INTERVAL);
        assert_eq!(st.over_cap, 5000 - u64::from(MAX_LINES_PER_INTERVAL) + 3);
        assert!(st.peers.len() <= MAX_PEERS);
    }
}
