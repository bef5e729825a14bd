//! The web console (`/console/…`) and its JSON API (`/api/v1/…`), served on the HTTP
//! listener next to the log intake and the Elasticsearch-compatible API.
//!
//! # Paths, and why they never break a shipper
//!
//! Shippers use `POST /api/v1/logs`, `/_bulk`, `/{index}/_bulk`, `GET /` and `/_…`; the console
//! takes only `/console` and below, and `/api/v1/…` except `POST /api/v1/logs`. `GET /` is
//! redirected to `/console/` only for a browser: a request that asks for `text/html` and
//! carries no `Authorization` header (Elasticsearch clients and Beats send credentials and ask
//! for JSON, so they still get the root info).
//!
//! | path | who | what |
//! |---|---|---|
//! | `GET /console/` | session | dashboard: vault health, coverage heatmap |
//! | `GET /console/logs` | session | search (time, source, host, text), cursor paging |
//! | `GET /console/logs/{seq}` | session | one record with its inclusion proof |
//! | `POST /console/logs/export` | operator | evidence bundle of the selection |
//! | `GET`/`POST /console/verify` | session | run a full verification and watch it |
//! | `GET /console/assessment` | session | duties by status; the reports of the latest run |
//! | `POST /console/assessment/run` | operator | run the assessment from `[console] profile` |
//! | `GET /console/assessment/report` | session | a report: `format` html, md, json, oscal, csv; `lang` |
//! | `GET /console/assessment/yearly` | session | the yearly CII report: `format` docx, html, md; `lang` |
//! | `GET /console/scans` | session | the profile's data stores with their latest saved scan |
//! | `GET`/`POST /console/registers/…` | session / operator | list, show; add and change records |
//! | `GET /console/settings` | session | admin: users and tokens; others: their account |
//! | `POST /console/settings/…` | admin | add, change, disable, remove users; create, revoke tokens |
//! | `GET`/`POST /console/login`, `POST /console/logout` | anyone | sign in and out |
//! | `GET /console/assets/…` | anyone | the embedded CSS, JavaScript and icon |
//! | `/api/v1/…` | token (auditor, operator, admin) | the same as JSON, see `GET /api/v1/openapi.json` |
//!
//! # Security
//!
//! - Users ([`users`]) have argon2id hashes and one of three roles: `auditor` reads, `operator`
//!   also exports, `admin` also manages users and tokens. Every check is on the server.
//! - Sessions ([`session`]) are random ids in `HttpOnly`, `SameSite=Strict` cookies, `Secure`
//!   (and `__Host-` named) when the listener speaks TLS; each has a CSRF token that every form
//!   carries and every `POST` checks; the login form has its own double-submit token.
//! - Login failures lock a user name after `login_max_failures` in 15 minutes and limit an
//!   address after 20; a lockout is logged and recorded in the vault.
//! - Every page is built with `maud`, which escapes every value it interpolates: log text is
//!   attacker-controlled and is never trusted as markup. Pages send a Content-Security-Policy
//!   without `unsafe-inline` (scripts and styles only from `/console/assets/`),
//!   `frame-ancestors 'none'`, `X-Frame-Options: DENY`, `nosniff` and `no-referrer`.
//! - Every change made through the console or the API (and every login, lockout, export and
//!   verification) is appended to the vault as a record of source `wangan.console`
//!   ([`audit`]): who, what, when, from which address, with what outcome — covered by the same
//!   Merkle tree and checkpoints as the logs. A change whose event cannot be stored is refused.

pub mod api;
pub mod assessment;
pub mod audit;
pub mod contract;
pub mod data;
mod heatmap;
pub mod jobs;
pub mod openapi;
mod pages;
pub mod regs;
pub mod search;
pub mod session;
pub mod users;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use time::UtcOffset;

use crate::auth::TokenStore;
use crate::writer::Intake;

pub(crate) type Resp = Response<Full<Bytes>>;

/// Largest form or JSON body the console reads.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// `[console]` in `wangan.toml`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FileConsole {
    enabled: Option<bool>,
    session_idle_mins: Option<u64>,
    utc_offset: Option<String>,
    login_max_failures: Option<usize>,
    lockout_mins: Option<u64>,
    operator_kind: Option<String>,
    assessment: Option<PathBuf>,
    profile: Option<PathBuf>,
}

/// The console's resolved settings.
#[derive(Debug, Clone)]
pub struct ConsoleConfig {
    /// Serve the console and its API at all.
    pub enabled: bool,
    /// A session unused this long ends.
    pub session_idle: Duration,
    /// Offset of the calendar days shown (default +08:00, China Standard Time).
    pub utc_offset: UtcOffset,
    /// Failed logins of one name within 15 minutes that lock it.
    pub login_max_failures: usize,
    /// How long a locked name stays locked.
    pub lockout: Duration,
    /// The operator kind the registers' clocks are counted for: the profile's when a profile
    /// is configured, else `operator_kind` (default ordinary).
    pub operator_kind: registers::OperatorKind,
    /// The assessment shown (`wangan.assess/1` JSON, written by the console's runs or by
    /// `wangan assess --format json`); `None`: `<data-dir>/assess.json`.
    pub assessment: Option<PathBuf>,
    /// The operator's profile the console assesses (`wangan assess --profile`); `None`: the
    /// console cannot run an assessment, only show a saved one.
    pub profile: Option<PathBuf>,
    /// The profile's registers store and settings (the store the assessment reads); `None`:
    /// `registers.sqlite` in the data directory with default settings.
    pub registers: Option<(registers::Location, registers::Settings)>,
}

impl Default for ConsoleConfig {
    fn default() -> ConsoleConfig {
        ConsoleConfig {
            enabled: true,
            session_idle: Duration::from_secs(30 * 60),
            utc_offset: UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC),
            login_max_failures: 5,
            lockout: Duration::from_secs(15 * 60),
            operator_kind: registers::OperatorKind::Ordinary,
            assessment: None,
            profile: None,
            registers: None,
        }
    }
}

/// Parse `+08:00`, `-05:30`, `Z` or `UTC`.
pub fn parse_offset(s: &str) -> Option<UtcOffset> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return Some(UtcOffset::UTC);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1i8, &s[1..]),
        b'-' => (-1i8, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    if h > 14 || m > 59 {
        return None;
    }
    UtcOffset::from_hms(sign * h, sign * m, 0).ok()
}

impl ConsoleConfig {
    /// Resolve `[console]`, with bounds checked; relative paths are taken from `base`.
    pub fn from_file(f: &FileConsole, base: &Path) -> Result<ConsoleConfig, String> {
        let d = ConsoleConfig::default();
        let abs = |p: &PathBuf| {
            if p.is_absolute() {
                p.clone()
            } else {
                base.join(p)
            }
        };
        let mins = |v: Option<u64>, key: &str, def: Duration| -> Result<Duration, String> {
            match v {
                None => Ok(def),
                Some(n @ 1..=1440) => Ok(Duration::from_secs(n * 60)),
                Some(n) => Err(format!(
                    "[console] {key}: {n} is out of range (1 to 1440 minutes)"
                )),
            }
        };
        let profile = match &f.profile {
            None => None,
            Some(p) => Some(
                assessment::load_profile(&abs(p)).map_err(|e| format!("[console] profile: {e}"))?,
            ),
        };
        let registers = match &profile {
            None => None,
            Some(p) => {
                let r = evidence::registers_of(p)
                    .map_err(|w| format!("[console] profile: {}: {}", w.what().1, w.detail()))?;
                Some((r.location, r.settings))
            }
        };
        Ok(ConsoleConfig {
            enabled: f.enabled.unwrap_or(true),
            session_idle: mins(f.session_idle_mins, "session_idle_mins", d.session_idle)?,
            utc_offset: match &f.utc_offset {
                None => d.utc_offset,
                Some(s) => parse_offset(s).ok_or_else(|| {
                    format!("[console] utc_offset: {s:?} is not an offset such as \"+08:00\"")
                })?,
            },
            login_max_failures: match f.login_max_failures {
                None => d.login_max_failures,
                Some(n @ 3..=100) => n,
                Some(n) => {
                    return Err(format!(
                        "[console] login_max_failures: {n} is out of range (3 to 100)"
                    ));
                }
            },
            lockout: mins(f.lockout_mins, "lockout_mins", d.lockout)?,
            operator_kind: match (&profile, &f.operator_kind) {
                (Some(_), Some(_)) => {
                    return Err(
                        "[console] operator_kind: remove it; the profile (`[console] \
                         profile`) says the operator kind"
                            .into(),
                    );
                }
                (Some(p), None) => registers::OperatorKind::from(p.operator.kind),
                (None, None) => d.operator_kind,
                (None, Some(s)) => registers::OperatorKind::parse(s).ok_or_else(|| {
                    format!("[console] operator_kind: {s:?} is not ordinary, cii or central-state")
                })?,
            },
            assessment: f.assessment.as_ref().map(abs),
            profile: f.profile.as_ref().map(abs),
            registers,
        })
    }
}

/// The language of a page: chosen by the user (a cookie), else from `Accept-Language`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Pick the Chinese or the English text.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// `zh` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The HTML `lang` attribute.
    pub fn html(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Everything the console shares across connections.
pub struct Console {
    dir: PathBuf,
    cfg: ConsoleConfig,
    tls: bool,
    users: users::UserStore,
    sessions: session::Sessions,
    limiter: session::LoginLimiter,
    tokens: Arc<TokenStore>,
    audit: audit::Audit,
    view: Arc<data::VaultView>,
    verify: Arc<jobs::VerifyJob>,
    regs: Arc<regs::RegStore>,
    assessment: PathBuf,
    runner: Arc<assessment::Runner>,
    /// At most two sign-ins waiting for a password hash (the hashes themselves run one at a
    /// time, in 7 MiB each: `users::argon2id`).
    hashing: tokio::sync::Semaphore,
    origin: String,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console")
            .field("dir", &self.dir)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

impl Console {
    /// The console of data directory `dir`.
    pub(crate) fn new(
        dir: &Path,
        cfg: ConsoleConfig,
        tls: bool,
        tokens: Arc<TokenStore>,
        intake: Intake,
        origin: String,
    ) -> crate::Result<Console> {
        let users = users::UserStore::open(dir)?;
        let view = Arc::new(data::VaultView::new(dir, cfg.utc_offset));
        Ok(Console {
            dir: dir.to_path_buf(),
            sessions: session::Sessions::new(cfg.session_idle),
            limiter: session::LoginLimiter::new(
                cfg.login_max_failures,
                20,
                Duration::from_secs(15 * 60),
                cfg.lockout,
            ),
            tls,
            users,
            tokens,
            audit: audit::Audit::new(intake),
            verify: Arc::new(jobs::VerifyJob::new(dir)),
            regs: Arc::new(match &cfg.registers {
                Some((location, settings)) => {
                    regs::RegStore::at(location.clone(), cfg.operator_kind, settings.clone())
                }
                None => regs::RegStore::new(dir, cfg.operator_kind),
            }),
            assessment: cfg
                .assessment
                .clone()
                .unwrap_or_else(|| dir.join("assess.json")),
            runner: Arc::new(assessment::Runner::new(
                cfg.profile.clone(),
                cfg.assessment
                    .clone()
                    .unwrap_or_else(|| dir.join("assess.json")),
            )),
            view,
            hashing: tokio::sync::Semaphore::new(2),
            origin,
            cfg,
        })
    }

    /// Compute the dashboard's summary in the background, so the first visit is fast.
    pub(crate) fn warm_up(self: &Arc<Self>) {
        let me = self.clone();
        tokio::spawn(async move {
            if let Ok(s) = me.view.store().await {
                let _ = me.view.summary(s).await;
            }
        });
    }
}

/// Whether the console answers this request (and not the intake or the Elasticsearch API).
pub(crate) fn owns(method: &Method, path: &str, headers: &HeaderMap) -> bool {
    if path == "/console" || path.starts_with("/console/") {
        return true;
    }
    if path.starts_with("/api/v1/") || path == "/api/v1" {
        // the HTTP intake stays where shippers send it (whatever the method: it answers 401
        // before anything else, and 405 to a token holder using the wrong method)
        return path != "/api/v1/logs";
    }
    path == "/" && method == Method::GET && is_browser(headers)
}

/// A browser asking for a page: wants HTML and sends no credentials.
fn is_browser(h: &HeaderMap) -> bool {
    if h.contains_key(header::AUTHORIZATION) {
        return false;
    }
    h.get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.to_ascii_lowercase().contains("text/html"))
}

/// The peer's IP address from the connection's `ip:port` name.
fn peer_ip(peer: &str) -> IpAddr {
    peer.parse::<SocketAddr>()
        .map(|a| a.ip())
        .or_else(|_| peer.parse::<IpAddr>())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// Answer a request the console owns.
pub(crate) async fn handle(console: &Arc<Console>, req: Request<Incoming>, peer: &str) -> Resp {
    let t0 = std::time::Instant::now();
    let path = req.uri().path().to_owned();
    if path.starts_with("/api/") {
        let mut r = api::handle(console, req, peer).await;
        api_headers(r.headers_mut());
        server_timing(&mut r, t0);
        return r;
    }
    let mut r = if path == "/" || path == "/console" {
        redirect("/console/")
    } else {
        pages::handle(console, req, peer).await
    };
    page_headers(r.headers_mut(), console.tls);
    server_timing(&mut r, t0);
    r
}

/// `Server-Timing: app;dur=…` (milliseconds spent building the response; what the console
/// benchmark reads).
fn server_timing(r: &mut Resp, t0: std::time::Instant) {
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = HeaderValue::from_str(&format!("app;dur={ms:.2}")) {
        r.headers_mut().insert("server-timing", v);
    }
}

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn page_headers(h: &mut HeaderMap, tls: bool) {
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
}

fn api_headers(h: &mut HeaderMap) {
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

fn empty() -> Full<Bytes> {
    Full::new(Bytes::new())
}

fn fallback() -> Resp {
    Response::new(empty())
}

/// A `303 See Other` to `to` (a path of ours).
pub(crate) fn redirect(to: &str) -> Resp {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, to)
        .body(empty())
        .unwrap_or_else(|_| fallback())
}

/// A response with this status, content type and body.
pub(crate) fn body(status: StatusCode, ctype: &'static str, b: impl Into<Bytes>) -> Resp {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, ctype)
        .body(Full::new(b.into()))
        .unwrap_or_else(|_| fallback())
}

/// Query-string or form pairs, in order.
#[derive(Debug, Default, Clone)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// Parse `a=1&b=2` (percent and `+` decoded).
    pub fn parse(s: &[u8]) -> Params {
        Params(
            form_urlencoded::parse(s)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `k`, if any and not empty after trimming.
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The first value of `k` as sent, empty included (an API parameter that is present must
    /// be valid).
    pub fn sent(&self, k: &str) -> Option<&str> {
        self.0.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of `k`.
    pub fn all(&self, k: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(a, v)| a == k && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// The names not in `known`.
    pub fn unknown(&self, known: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = self
            .0
            .iter()
            .filter(|(k, _)| !known.contains(&k.as_str()))
            .map(|(k, _)| k.clone())
            .collect();
        v.dedup();
        v
    }
}

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    TooLarge,
    Timeout,
    Broken,
}

/// Read a body of at most [`MAX_FORM_BYTES`] within 30 seconds.
pub(crate) async fn read_small_body(req: Request<Incoming>) -> Result<Bytes, BodyError> {
    if req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > MAX_FORM_BYTES as u64)
    {
        return Err(BodyError::TooLarge);
    }
    let b = Limited::new(req.into_body(), MAX_FORM_BYTES);
    match tokio::time::timeout(Duration::from_secs(30), b.collect()).await {
        Err(_) => Err(BodyError::Timeout),
        Ok(Err(e)) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                Err(BodyError::TooLarge)
            } else {
                Err(BodyError::Broken)
            }
        }
        Ok(Ok(c)) => Ok(c.to_bytes()),
    }
}

/// The value of cookie `name`.
pub(crate) fn cookie<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    for v in h.get_all(header::COOKIE) {
        let Ok(s) = v.to_str() else { continue };
        for part in s.split(';') {
            if let Some((k, v)) = part.trim().split_once('=')
                && k == name
            {
                return Some(v);
            }
        }
    }
    None
}

/// Format ns since the epoch as `2026-03-01 12:00:00` in `offset` (with the offset when
/// `with_offset`).
pub fn fmt_time(ns: i64, offset: UtcOffset, with_offset: bool) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns)) else {
        return ns.to_string();
    };
    let t = t.to_offset(offset);
    let (h, m, _) = offset.as_hms();
    let base = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    if with_offset {
        let sign = if offset.is_negative() { '-' } else { '+' };
        format!(
            "{base} {sign}{:02}:{:02}",
            h.unsigned_abs(),
            m.unsigned_abs()
        )
    } else {
        base
    }
}

/// RFC 3339 of ns since the epoch (UTC, nanoseconds when not whole seconds).
pub fn rfc3339(ns: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ns))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// `+08:00` for an offset.
pub fn fmt_offset(o: UtcOffset) -> String {
    let (h, m, _) = o.as_hms();
    let sign = if o.is_negative() { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
}

/// Percent-decode one path segment (`+` stays a plus).
pub(crate) fn percent_decode(s: &str) -> String {
    let p = Params::parse(format!("x={}", s.replace('+', "%2B")).as_bytes());
    p.0.into_iter().next().map(|(_, v)| v).unwrap_or_default()
}

pub(crate) fn now_ns() -> i64 {
    crate::syslog::now_ns()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_browsers_are_sent_from_the_root_to_the_console() {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_static("text/html,*/*"));
        assert!(owns(&Method::GET, "/", &h));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("ApiKey x"));
        assert!(!owns(&Method::GET, "/", &h), "a shipper with credentials");
        let mut j = HeaderMap::new();
        j.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        assert!(!owns(&Method::GET, "/", &j));
        assert!(!owns(&Method::HEAD, "/", &h));
        assert!(!owns(&Method::POST, "/api/v1/logs", &j), "intake stays");
        assert!(owns(&Method::GET, "/api/v1/logs/search", &j));
        assert!(owns(&Method::GET, "/console/logs", &j));
        assert!(!owns(&Method::POST, "/_bulk", &h));
        assert!(!owns(&Method::GET, "/consoles", &h));
    }

    #[test]
    fn console_settings_are_bounded() {
        let f: FileConsole = toml::from_str("session_idle_mins = 0").unwrap();
        assert!(
            ConsoleConfig::from_file(&f, Path::new("."))
                .unwrap_err()
                .contains("1 to 1440")
        );
        let f: FileConsole = toml::from_str("utc_offset = \"+8\"").unwrap();
        assert!(
            ConsoleConfig::from_file(&f, Path::new("."))
                .unwrap_err()
                .contains("utc_offset")
        );
        let f: FileConsole = toml::from_str("utc_offset = \"-05:30\"").unwrap();
        let c = ConsoleConfig::from_file(&f, Path::new(".")).unwrap();
        assert_eq!(c.utc_offset.whole_seconds(), -(5 * 3600 + 1800));
        assert!(toml::from_str::<FileConsole>("nope = 1").is_err());
        assert_eq!(
            fmt_time(0, UtcOffset::from_hms(8, 0, 0).unwrap(), true),
            "1970-01-01 08:00:00 +08:00"
        );
    }

    #[test]
    fn the_profile_is_the_single_source_of_the_operator_kind() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("profile.toml"),
            duties::profile::template(duties::OperatorKind::CiiOperator, false),
        )
        .unwrap();
        let f: FileConsole = toml::from_str("profile = \"profile.toml\"").unwrap();
        let c = ConsoleConfig::from_file(&f, tmp.path()).unwrap();
        assert_eq!(c.operator_kind, registers::OperatorKind::Cii);
        assert_eq!(c.profile, Some(tmp.path().join("profile.toml")));
        let f: FileConsole =
            toml::from_str("profile = \"profile.toml\"\noperator_kind = \"ordinary\"").unwrap();
        let e = ConsoleConfig::from_file(&f, tmp.path()).unwrap_err();
        assert!(e.contains("operator_kind") && e.contains("profile"), "{e}");
        let f: FileConsole = toml::from_str("profile = \"missing.toml\"").unwrap();
        let e = ConsoleConfig::from_file(&f, tmp.path()).unwrap_err();
        assert!(
            e.contains("[console] profile") && e.contains("missing.toml"),
            "{e}"
        );
    }
}
