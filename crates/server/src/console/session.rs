//! Console sessions and the login limiter.
//!
//! A session is a 256-bit random id in an `HttpOnly`, `SameSite=Strict` cookie (`Secure`
//! when the listener speaks TLS); the server keeps only its SHA-256, the user name and a
//! per-session CSRF token that every form carries. A session ends on logout, after the idle
//! timeout, after an absolute lifetime of 12 hours, or when its user is disabled, removed or
//! has the password changed. Sessions live in memory: a restart logs everybody out.
//!
//! Login failures are counted per user name and per peer address over a sliding window; past
//! the limit further attempts are refused without checking the password until the lockout
//! ends (a lockout is logged and recorded in the vault by the caller).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// Most live sessions; the oldest idle one is dropped beyond (bounded memory).
const MAX_SESSIONS: usize = 10_000;
/// Absolute session lifetime.
const MAX_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    /// User name.
    pub user: String,
    /// CSRF token of this session (sent in every form, compared in constant time).
    pub csrf: String,
    /// When the user's password was set at login (a change ends the session).
    pub password_set: String,
    key: [u8; 32],
    created: Instant,
    last_seen: Instant,
}

/// The session table.
#[derive(Debug)]
pub struct Sessions {
    idle: Duration,
    map: Mutex<HashMap<[u8; 32], Session>>,
}

fn random_token() -> Option<String> {
    use base64::Engine as _;
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).ok()?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw))
}

fn key(id: &str) -> [u8; 32] {
    Sha256::digest(id.as_bytes()).into()
}

/// Constant-time equality of two byte strings.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Sessions {
    /// An empty table whose sessions end after `idle` without a request.
    pub fn new(idle: Duration) -> Sessions {
        Sessions {
            idle,
            map: Mutex::new(HashMap::new()),
        }
    }

    /// The idle timeout.
    pub fn idle(&self) -> Duration {
        self.idle
    }

    /// Start a session for `user`; returns the cookie value (None when the OS gives no
    /// random bytes).
    pub fn create(&self, user: &str, password_set: &str) -> Option<String> {
        let id = random_token()?;
        let csrf = random_token()?;
        let now = Instant::now();
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        m.retain(|_, s| !self.expired(s, now));
        if m.len() >= MAX_SESSIONS
            && let Some(oldest) = m.iter().min_by_key(|(_, s)| s.last_seen).map(|(k, _)| *k)
        {
            m.remove(&oldest);
        }
        let k = key(&id);
        m.insert(
            k,
            Session {
                user: user.to_owned(),
                csrf,
                password_set: password_set.to_owned(),
                key: k,
                created: now,
                last_seen: now,
            },
        );
        Some(id)
    }

    fn expired(&self, s: &Session, now: Instant) -> bool {
        now.duration_since(s.last_seen) >= self.idle
            || now.duration_since(s.created) >= MAX_LIFETIME
    }

    /// The session of cookie value `id`, touched (its idle clock restarts); `None` when
    /// unknown or expired (an expired one is removed).
    pub fn get(&self, id: &str) -> Option<Session> {
        let now = Instant::now();
        let k = key(id);
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let s = m.get_mut(&k)?;
        if self.expired(s, now) {
            m.remove(&k);
            return None;
        }
        s.last_seen = now;
        Some(s.clone())
    }

    /// End the session of cookie value `id`.
    pub fn remove(&self, id: &str) {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        m.remove(&key(id));
    }

    /// End session `s`.
    pub fn end(&self, s: &Session) {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        m.remove(&s.key);
    }

    /// End every session of `user`.
    pub fn remove_user(&self, user: &str) {
        let mut m = self.map.lock().unwrap_or_else(|e| e.into_inner());
        m.retain(|_, s| s.user != user);
    }

    /// Live sessions (for the memory benchmark and tests).
    pub fn len(&self) -> usize {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no session is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What the limiter says about a login attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Go on and check the password.
    Open,
    /// Refused without checking: this user name is locked for this long.
    UserLocked(Duration),
    /// Refused without checking: this address tried too often; retry after this long.
    PeerLimited(Duration),
}

/// Counts failed logins per user name and per peer address.
#[derive(Debug)]
pub struct LoginLimiter {
    max_user: usize,
    max_peer: usize,
    window: Duration,
    lockout: Duration,
    state: Mutex<LimiterState>,
}

#[derive(Debug, Default)]
struct LimiterState {
    users: HashMap<String, Vec<Instant>>,
    locked: HashMap<String, Instant>,
    peers: HashMap<IpAddr, Vec<Instant>>,
}

/// Most names and addresses tracked (bounded memory under a spray of names).
const MAX_TRACKED: usize = 50_000;

impl LoginLimiter {
    /// `max_user` failures for one name within `window` lock it for `lockout`; `max_peer`
    /// failures from one address within `window` refuse that address until they age out.
    pub fn new(
        max_user: usize,
        max_peer: usize,
        window: Duration,
        lockout: Duration,
    ) -> LoginLimiter {
        LoginLimiter {
            max_user,
            max_peer,
            window,
            lockout,
            state: Mutex::new(LimiterState::default()),
        }
    }

    /// May `user` from `peer` try a password now?
    pub fn check(&self, user: &str, peer: IpAddr) -> Gate {
        let now = Instant::now();
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(until) = st.locked.get(user).copied() {
            if until > now {
                return Gate::UserLocked(until - now);
            }
            st.locked.remove(user);
        }
        if let Some(v) = st.peers.get_mut(&peer) {
            v.retain(|t| now.duration_since(*t) < self.window);
            if v.len() >= self.max_peer
                && let Some(first) = v.first()
            {
                return Gate::PeerLimited(self.window.saturating_sub(now.duration_since(*first)));
            }
        }
        Gate::Open
    }

    /// Count a failed attempt; returns true when it locked the user name just now.
    pub fn failed(&self, user: &str, peer: IpAddr) -> bool {
        let now = Instant::now();
        let window = self.window;
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.users.len() >= MAX_TRACKED || st.peers.len() >= MAX_TRACKED {
            st.users
                .retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < window));
            st.peers
                .retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < window));
            if st.users.len() >= MAX_TRACKED {
                st.users.clear();
            }
            if st.peers.len() >= MAX_TRACKED {
                st.peers.clear();
            }
        }
        let p = st.peers.entry(peer).or_default();
        p.retain(|t| now.duration_since(*t) < window);
        p.push(now);
        let u = st.users.entry(user.to_owned()).or_default();
        u.retain(|t| now.duration_since(*t) < window);
        u.push(now);
        if u.len() >= self.max_user {
            u.clear();
            st.locked.insert(user.to_owned(), now + self.lockout);
            return true;
        }
        false
    }

    /// Forget the failures of `user` after a successful login.
    pub fn succeeded(&self, user: &str) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.users.remove(user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_expire_when_idle_and_end_with_their_user() {
        let s = Sessions::new(Duration::from_millis(50));
        let a = s.create("alice", "t1").unwrap();
        let b = s.create("bob", "t1").unwrap();
        assert_ne!(a, b);
        assert_eq!(s.get(&a).unwrap().user, "alice");
        assert!(s.get("forged").is_none());
        s.remove_user("bob");
        assert!(s.get(&b).is_none());
        std::thread::sleep(Duration::from_millis(70));
        assert!(s.get(&a).is_none(), "idle timeout");
        assert!(s.is_empty());
    }

    #[test]
    fn failures_lock_a_name_and_limit_an_address() {
        let l = LoginLimiter::new(3, 5, Duration::from_secs(60), Duration::from_secs(900));
        let p: IpAddr = "192.0.2.1".parse().unwrap();
        let q: IpAddr = "192.0.2.2".parse().unwrap();
        assert_eq!(l.check("a", p), Gate::Open);
        assert!(!l.failed("a", p));
        assert!(!l.failed("a", p));
        assert!(l.failed("a", p), "third failure locks");
        assert!(matches!(l.check("a", q), Gate::UserLocked(_)));
        assert_eq!(l.check("b", q), Gate::Open);
        l.failed("b", p);
        l.failed("c", p);
        assert!(matches!(l.check("d", p), Gate::PeerLimited(_)));
        assert_eq!(l.check("d", q), Gate::Open);
        assert!(ct_eq(b"abc", b"abc") && !ct_eq(b"abc", b"abd") && !ct_eq(b"ab", b"abc"));
    }
}
