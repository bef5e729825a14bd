//! `wangan.toml`: the server configuration (versioned, unknown keys rejected).
//!
//! Every key is optional; what is missing takes the embedded default. Every number must lie in
//! the range noted below; a value outside it is refused at load time with an error naming the
//! file, the key and the range (`wangan serve` exits 78), never clamped or left to overflow. Without a file, the
//! listeners are on loopback: syslog UDP and TCP on `127.0.0.1:5514`, HTTP on
//! `127.0.0.1:8514`; syslog over TLS is off until a certificate is configured. In a file, a
//! listener whose address is omitted from `[intake]` is off.
//!
//! ```toml
//! version = 1                       # required in a file
//! data_dir = "/var/lib/wangan"      # --data-dir and $WANGAN_DATA_DIR take precedence
//!
//! [intake]
//! syslog_udp = "0.0.0.0:514"        # omit a listener to turn it off
//! syslog_tcp = "0.0.0.0:514"
//! syslog_tls = "0.0.0.0:6514"       # needs [tls]
//! http = "127.0.0.1:8514"
//! allow = ["192.0.2.0/24"]          # syslog senders allowed besides loopback
//! udp_source = "syslog-udp"         # source name stored with each record
//! tcp_source = "syslog-tcp"
//! tls_source = "syslog-tls"
//! http_source = "http"              # bulk requests use the index name when it is valid
//! max_message_bytes = 65536         # longer syslog messages are cut and counted (1 B to 16 MiB)
//! max_body_bytes = 16777216         # larger HTTP bodies get 413 (1 KiB to 1 GiB, at most queue_bytes); one record (a JSON value or bulk document) is at most 16 MiB whatever this says
//! max_connections = 4096            # per TCP/TLS/HTTP listener (1 to 1000000; lowered to fit the fd limit)
//! max_memory_bytes = 536870912      # memory ceiling of the whole server (64 MiB to 1 TiB; at least 96 MiB + queue_bytes + 5 × max_body_bytes)
//! idle_timeout_secs = 600           # a TCP connection that sends nothing is closed (1 s to 7 days)
//! frame_timeout_secs = 60           # a started frame or HTTP body must finish in this time (1 s to 1 day)
//! refusal_log_secs = 60             # a refusal is logged once per peer, listener and reason per interval (1 s to 1 day)
//! es_version = "8.19.0"             # what `GET /` reports to Elasticsearch clients
//!
//! [tls]
//! cert = "tls/server.pem"           # PEM chain; paths relative to this file
//! key = "tls/server.key"            # PEM private key (PKCS#8, PKCS#1 or SEC1)
//! client_ca = "tls/clients-ca.pem"  # optional: require client certificates from this CA
//! http = false                      # serve the HTTP listener over TLS too
//!
//! [commit]
//! window_ms = 2                     # group-commit window when an HTTP request waits for it (0 to 1000)
//! syslog_window_ms = 10             # …when only syslog records do (0 to 10000; bounds commits of a trickle)
//! max_records = 65536               # …or this many records (1 to 16777216; the vault also seals a full segment every 64 MiB)
//! queue_bytes = 33554432            # queued but uncommitted bytes before pushing back (1 MiB to 64 GiB)
//! proof_ms = 1000                   # records a group commit made durable get a signed checkpoint within this (1 to 3600000)
//! checkpoint_secs = 60              # sign a checkpoint at least this often, even when idle (1 to 86400)
//!
//! [console]                         # the web console and JSON API on the HTTP listener
//! enabled = true
//! session_idle_mins = 30            # a session unused this long ends (1 to 1440)
//! utc_offset = "+08:00"             # days of the dashboard and times shown (China Standard Time)
//! login_max_failures = 5            # failed logins of one name within 15 minutes that lock it (3 to 100)
//! lockout_mins = 15                 # how long a locked name stays locked (1 to 1440)
//! operator_kind = "ordinary"        # the registers' clocks (without a profile): ordinary, cii or central-state
//! assessment = "assess.json"        # the assessment shown, written by the console's runs or `wangan assess`
//! profile = "profile.toml"          # the operator's profile: the console runs the assessment (no default)
//! ```

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::cidr::Cidr;
use crate::error::{Error, ErrorKind, Result};

/// The only configuration version this build reads.
pub const CONFIG_VERSION: u32 = 1;
/// Default syslog UDP and TCP address.
pub const DEFAULT_SYSLOG: &str = "127.0.0.1:5514";
/// Default HTTP address.
pub const DEFAULT_HTTP: &str = "127.0.0.1:8514";
/// Default data directory (also `$WANGAN_DATA_DIR`).
pub const DEFAULT_DATA_DIR: &str = "./wangan-data";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    version: Option<u32>,
    data_dir: Option<PathBuf>,
    #[serde(default)]
    intake: FileIntake,
    tls: Option<FileTls>,
    #[serde(default)]
    commit: FileCommit,
    #[serde(default)]
    console: crate::console::FileConsole,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileIntake {
    syslog_udp: Option<String>,
    syslog_tcp: Option<String>,
    syslog_tls: Option<String>,
    http: Option<String>,
    #[serde(default)]
    allow: Vec<String>,
    udp_source: Option<String>,
    tcp_source: Option<String>,
    tls_source: Option<String>,
    http_source: Option<String>,
    max_message_bytes: Option<usize>,
    max_body_bytes: Option<usize>,
    max_connections: Option<usize>,
    max_memory_bytes: Option<usize>,
    idle_timeout_secs: Option<u64>,
    frame_timeout_secs: Option<u64>,
    refusal_log_secs: Option<u64>,
    es_version: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTls {
    cert: PathBuf,
    key: PathBuf,
    client_ca: Option<PathBuf>,
    #[serde(default)]
    http: bool,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileCommit {
    window_ms: Option<u64>,
    syslog_window_ms: Option<u64>,
    max_records: Option<usize>,
    queue_bytes: Option<usize>,
    checkpoint_secs: Option<u64>,
    proof_ms: Option<u64>,
}

/// TLS material.
#[derive(Debug, Clone)]
pub struct TlsConfig {
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
    /// When set, clients must present a certificate signed by one of these CAs.
    pub client_ca: Option<PathBuf>,
    /// Serve HTTP over TLS as well.
    pub http: bool,
}

/// The resolved configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Data directory of the vault (and of `tokens.json`).
    pub data_dir: PathBuf,
    /// Syslog over UDP (RFC 5426), if on.
    pub syslog_udp: Option<SocketAddr>,
    /// Syslog over TCP (RFC 6587), if on.
    pub syslog_tcp: Option<SocketAddr>,
    /// Syslog over TLS (RFC 5425), if on.
    pub syslog_tls: Option<SocketAddr>,
    /// HTTP intake and Elasticsearch-compatible API, if on.
    pub http: Option<SocketAddr>,
    /// Syslog senders allowed besides loopback.
    pub allow: Vec<Cidr>,
    /// Source names per listener: udp, tcp, tls, http.
    pub udp_source: String,
    /// Source name of TCP syslog records.
    pub tcp_source: String,
    /// Source name of TLS syslog records.
    pub tls_source: String,
    /// Source name of HTTP records (bulk requests use a valid index name instead).
    pub http_source: String,
    /// Longest syslog message stored whole; longer ones are cut and counted.
    pub max_message_bytes: usize,
    /// Largest HTTP body (after decompression).
    pub max_body_bytes: usize,
    /// Most open connections per TCP/TLS/HTTP listener (lowered at start to fit the
    /// file-descriptor limit, see [`crate::limits`]).
    pub max_connections: usize,
    /// Ceiling of the server's memory: the vault writer, the write queue, request bodies and
    /// connection buffers are all budgeted within it (see [`crate::limits`]).
    pub max_memory_bytes: usize,
    /// A connection that sends nothing for this long is closed.
    pub idle_timeout: Duration,
    /// A started frame, TLS handshake or HTTP request must complete within this time.
    pub frame_timeout: Duration,
    /// Refusals (401, 400, TLS handshakes, peers outside the allow-list, …) are logged at
    /// most once per peer address, listener and reason in this interval.
    pub refusal_log_interval: Duration,
    /// Version `GET /` reports.
    pub es_version: String,
    /// TLS material, if configured.
    pub tls: Option<TlsConfig>,
    /// Group-commit window when an HTTP request waits for the commit.
    pub commit_window: Duration,
    /// Group-commit window when only syslog records are in the group: what a crash can lose
    /// of syslog, at most (plus the commit in progress).
    pub syslog_commit_window: Duration,
    /// Most records per group commit.
    pub commit_max_records: usize,
    /// Queued bytes before intake pushes back.
    pub queue_bytes: usize,
    /// Checkpoint cadence when idle.
    pub checkpoint_interval: Duration,
    /// Longest time records made durable by a group commit (WAL fsync) wait for a signed
    /// checkpoint that covers them: group commits do not each sign one, so a steady trickle
    /// does not fill `checkpoints.log`.
    pub proof_interval: Duration,
    /// The web console and its JSON API (`[console]`).
    pub console: crate::console::ConsoleConfig,
}

impl Default for Config {
    fn default() -> Config {
        let syslog: SocketAddr = DEFAULT_SYSLOG.parse().unwrap_or_else(|_| unreachable!());
        Config {
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            syslog_udp: Some(syslog),
            syslog_tcp: Some(syslog),
            syslog_tls: None,
            http: DEFAULT_HTTP.parse().ok(),
            allow: Vec::new(),
            udp_source: "syslog-udp".into(),
            tcp_source: "syslog-tcp".into(),
            tls_source: "syslog-tls".into(),
            http_source: "http".into(),
            max_message_bytes: 64 * 1024,
            max_body_bytes: 16 << 20,
            max_connections: 4096,
            max_memory_bytes: 512 << 20,
            idle_timeout: Duration::from_secs(600),
            frame_timeout: Duration::from_secs(60),
            refusal_log_interval: Duration::from_secs(60),
            es_version: "8.19.0".into(),
            tls: None,
            commit_window: Duration::from_millis(2),
            syslog_commit_window: Duration::from_millis(10),
            commit_max_records: 65536,
            queue_bytes: 32 << 20,
            checkpoint_interval: Duration::from_secs(60),
            proof_interval: Duration::from_secs(1),
            console: crate::console::ConsoleConfig::default(),
        }
    }
}

fn cfg_err(path: &Path, msg: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Config, format!("{}: {msg}", path.display()))
}

/// Parse a listener address; `off` (or an empty string) turns the listener off.
pub fn parse_listen(s: &str) -> std::result::Result<Option<SocketAddr>, String> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    s.parse::<SocketAddr>()
        .map(Some)
        .map_err(|_| format!("{s:?} is not an address such as 127.0.0.1:5514 (or `off`)"))
}

fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 255 && !s.contains(char::is_control)
}

impl Config {
    /// The embedded defaults (no file).
    pub fn defaults() -> Config {
        Config::default()
    }

    /// Read a `wangan.toml`. Relative paths in it are taken from the file's directory.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::with_source(
                ErrorKind::Config,
                format!("read config {}: {e}", path.display()),
                e,
            )
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::parse(&text, base).map_err(|e| cfg_err(path, e))
    }

    /// Parse the text of a `wangan.toml`; `base` resolves relative paths.
    pub fn parse(text: &str, base: &Path) -> std::result::Result<Config, String> {
        let f: FileConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        match f.version {
            Some(CONFIG_VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "version {v} is not supported (this build reads version {CONFIG_VERSION})"
                ));
            }
            None => return Err(format!("missing `version = {CONFIG_VERSION}`")),
        }
        let d = Config::default();
        let rel = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };
        let listen = |v: &Option<String>, key: &str| -> std::result::Result<_, String> {
            match v {
                None => Ok(None),
                Some(s) => parse_listen(s).map_err(|e| format!("[intake] {key}: {e}")),
            }
        };
        let i = &f.intake;
        let mut allow = Vec::new();
        for a in &i.allow {
            allow.push(
                a.parse::<Cidr>()
                    .map_err(|e| format!("[intake] allow: {e}"))?,
            );
        }
        let name = |v: &Option<String>, key: &str, def: &str| -> std::result::Result<_, String> {
            match v {
                None => Ok(def.to_owned()),
                Some(s) if valid_name(s) => Ok(s.clone()),
                Some(_) => Err(format!(
                    "[intake] {key}: must be 1 to 255 bytes without control characters"
                )),
            }
        };
        let c = &f.commit;
        let secs = |v: Option<u64>, def: Duration| v.map(Duration::from_secs).unwrap_or(def);
        let millis = |v: Option<u64>, def: Duration| v.map(Duration::from_millis).unwrap_or(def);
        let cfg = Config {
            data_dir: f.data_dir.map(rel).unwrap_or(d.data_dir),
            syslog_udp: listen(&i.syslog_udp, "syslog_udp")?,
            syslog_tcp: listen(&i.syslog_tcp, "syslog_tcp")?,
            syslog_tls: listen(&i.syslog_tls, "syslog_tls")?,
            http: listen(&i.http, "http")?,
            allow,
            udp_source: name(&i.udp_source, "udp_source", &d.udp_source)?,
            tcp_source: name(&i.tcp_source, "tcp_source", &d.tcp_source)?,
            tls_source: name(&i.tls_source, "tls_source", &d.tls_source)?,
            http_source: name(&i.http_source, "http_source", &d.http_source)?,
            max_message_bytes: i.max_message_bytes.unwrap_or(d.max_message_bytes),
            max_body_bytes: i.max_body_bytes.unwrap_or(d.max_body_bytes),
            max_connections: i.max_connections.unwrap_or(d.max_connections),
            max_memory_bytes: i.max_memory_bytes.unwrap_or(d.max_memory_bytes),
            idle_timeout: secs(i.idle_timeout_secs, d.idle_timeout),
            frame_timeout: secs(i.frame_timeout_secs, d.frame_timeout),
            refusal_log_interval: secs(i.refusal_log_secs, d.refusal_log_interval),
            es_version: i.es_version.clone().unwrap_or(d.es_version),
            tls: f.tls.map(|t| TlsConfig {
                cert: rel(t.cert),
                key: rel(t.key),
                client_ca: t.client_ca.map(rel),
                http: t.http,
            }),
            commit_window: millis(c.window_ms, d.commit_window),
            syslog_commit_window: millis(c.syslog_window_ms, d.syslog_commit_window),
            commit_max_records: c.max_records.unwrap_or(d.commit_max_records),
            queue_bytes: c.queue_bytes.unwrap_or(d.queue_bytes),
            checkpoint_interval: secs(c.checkpoint_secs, d.checkpoint_interval),
            proof_interval: millis(c.proof_ms, d.proof_interval),
            console: crate::console::ConsoleConfig::from_file(&f.console, base)?,
        };
        cfg.check()?;
        Ok(cfg)
    }

    /// Range and consistency checks that apply however the configuration was built: every
    /// duration and count must lie in its documented range (a value near `u64::MAX` would
    /// overflow the clock arithmetic of every connection).
    pub fn check(&self) -> std::result::Result<(), String> {
        for b in self.bounds() {
            b.check()?;
        }
        if self.es_version.is_empty()
            || self.es_version.len() > 64
            || !self.es_version.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err("[intake] es_version must be 1 to 64 printable ASCII characters".into());
        }
        if self.syslog_tls.is_some() && self.tls.is_none() {
            return Err("[intake] syslog_tls needs a [tls] section with cert and key".into());
        }
        if self.max_body_bytes > self.queue_bytes {
            return Err(format!(
                "[intake] max_body_bytes = {} must not exceed [commit] queue_bytes = {}",
                self.max_body_bytes, self.queue_bytes
            ));
        }
        let least = crate::limits::min_memory(self);
        if self.max_memory_bytes < least {
            return Err(format!(
                "[intake] max_memory_bytes = {} is too small for the other settings: it must be at least {least} ({} MiB for the vault writer + [commit] queue_bytes + 5 × max_body_bytes)",
                self.max_memory_bytes,
                crate::limits::BASELINE_BYTES >> 20,
            ));
        }
        Ok(())
    }

    fn bounds(&self) -> [Bound; 13] {
        let s = |d: Duration| d.as_secs();
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let n = |v: usize| v as u64;
        [
            Bound::new(
                "[intake] max_message_bytes",
                n(self.max_message_bytes),
                1,
                // one syslog message is one record: never more than the vault stores
                vault::MAX_RECORD_BYTES as u64,
                "bytes",
            ),
            Bound::new(
                "[intake] max_body_bytes",
                n(self.max_body_bytes),
                1024,
                1 << 30,
                "bytes",
            ),
            Bound::new(
                "[intake] max_connections",
                n(self.max_connections),
                1,
                1_000_000,
                "connections per listener",
            ),
            Bound::new(
                "[intake] max_memory_bytes",
                n(self.max_memory_bytes),
                64 << 20,
                1 << 40,
                "bytes",
            ),
            Bound::new(
                "[intake] idle_timeout_secs",
                s(self.idle_timeout),
                1,
                7 * 86_400,
                "seconds",
            ),
            Bound::new(
                "[intake] frame_timeout_secs",
                s(self.frame_timeout),
                1,
                86_400,
                "seconds",
            ),
            Bound::new(
                "[intake] refusal_log_secs",
                s(self.refusal_log_interval),
                1,
                86_400,
                "seconds",
            ),
            Bound::new(
                "[commit] window_ms",
                ms(self.commit_window),
                0,
                1_000,
                "milliseconds",
            ),
            Bound::new(
                "[commit] syslog_window_ms",
                ms(self.syslog_commit_window),
                0,
                10_000,
                "milliseconds",
            ),
            Bound::new(
                "[commit] max_records",
                n(self.commit_max_records),
                1,
                1 << 24,
                "records",
            ),
            Bound::new(
                "[commit] queue_bytes",
                n(self.queue_bytes),
                1 << 20,
                1 << 36,
                "bytes",
            ),
            Bound::new(
                "[commit] proof_ms",
                ms(self.proof_interval),
                1,
                3_600_000,
                "milliseconds",
            ),
            Bound::new(
                "[commit] checkpoint_secs",
                s(self.checkpoint_interval),
                1,
                86_400,
                "seconds",
            ),
        ]
    }
}

/// One configured number and the range it must lie in.
struct Bound {
    key: &'static str,
    value: u64,
    min: u64,
    max: u64,
    unit: &'static str,
}

impl Bound {
    fn new(key: &'static str, value: u64, min: u64, max: u64, unit: &'static str) -> Bound {
        Bound {
            key,
            value,
            min,
            max,
            unit,
        }
    }

    fn check(&self) -> std::result::Result<(), String> {
        if (self.min..=self.max).contains(&self.value) {
            return Ok(());
        }
        Err(format!(
            "{} = {} is out of range: allowed {} to {} {}",
            self.key, self.value, self.min, self.max, self.unit
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_file_parses_and_relative_paths_follow_the_file() {
        let text = r#"
version = 1
data_dir = "data"
[intake]
syslog_udp = "0.0.0.0:514"
http = "127.0.0.1:9200"
allow = ["192.0.2.0/24", "2001:db8::/32"]
tcp_source = "core-switches"
[tls]
cert = "c.pem"
key = "/etc/k.pem"
[commit]
window_ms = 5
checkpoint_secs = 10
"#;
        let c = Config::parse(text, Path::new("/etc/wangan")).unwrap();
        assert_eq!(c.data_dir, Path::new("/etc/wangan/data"));
        assert_eq!(c.syslog_udp, Some("0.0.0.0:514".parse().unwrap()));
        assert_eq!(c.syslog_tcp, None, "omitted listeners are off");
        assert_eq!(c.syslog_tls, None);
        assert_eq!(c.http, Some("127.0.0.1:9200".parse().unwrap()));
        assert_eq!(c.allow.len(), 2);
        assert_eq!(c.tcp_source, "core-switches");
        let tls = c.tls.unwrap();
        assert_eq!(tls.cert, Path::new("/etc/wangan/c.pem"));
        assert_eq!(tls.key, Path::new("/etc/k.pem"));
        assert_eq!(c.commit_window, Duration::from_millis(5));
        assert_eq!(c.checkpoint_interval, Duration::from_secs(10));
    }

    #[test]
    fn bad_files_are_rejected_with_the_reason() {
        let cases = [
            ("", "missing `version = 1`"),
            ("version = 2", "version 2 is not supported"),
            ("version = 1\nlisten = 1", "unknown field `listen`"),
            (
                "version = 1\n[intake]\nhttp = \"localhost\"",
                "[intake] http",
            ),
            (
                "version = 1\n[intake]\nallow = [\"10.0.0.0/40\"]",
                "[intake] allow",
            ),
            (
                "version = 1\n[intake]\nsyslog_tls = \"127.0.0.1:6514\"",
                "needs a [tls]",
            ),
            ("version = 1\n[intake]\nudp_source = \"\"", "udp_source"),
            (
                "version = 1\n[commit]\nmax_records = 0",
                "[commit] max_records = 0 is out of range: allowed 1 to 16777216",
            ),
            // near u64::MAX (TOML's largest integer): refused, never left to overflow
            (
                "version = 1\n[intake]\nidle_timeout_secs = 9223372036854775807",
                "[intake] idle_timeout_secs = 9223372036854775807 is out of range: allowed 1 to 604800 seconds",
            ),
            (
                "version = 1\n[intake]\nframe_timeout_secs = 9223372036854775807",
                "[intake] frame_timeout_secs = 9223372036854775807 is out of range",
            ),
            (
                "version = 1\n[intake]\nframe_timeout_secs = 0",
                "frame_timeout_secs = 0 is out of range: allowed 1 to 86400",
            ),
            (
                "version = 1\n[commit]\ncheckpoint_secs = 9223372036854775807",
                "[commit] checkpoint_secs = 9223372036854775807 is out of range",
            ),
            (
                "version = 1\n[commit]\nproof_ms = 9223372036854775807",
                "[commit] proof_ms = 9223372036854775807 is out of range",
            ),
            (
                "version = 1\n[commit]\nwindow_ms = 5000",
                "[commit] window_ms = 5000 is out of range: allowed 0 to 1000",
            ),
            (
                "version = 1\n[commit]\nsyslog_window_ms = 9223372036854775807",
                "[commit] syslog_window_ms",
            ),
            (
                "version = 1\n[commit]\nqueue_bytes = 9223372036854775807",
                "[commit] queue_bytes = 9223372036854775807 is out of range",
            ),
            (
                "version = 1\n[commit]\nmax_records = 9223372036854775807",
                "[commit] max_records",
            ),
            (
                "version = 1\n[intake]\nmax_connections = 9223372036854775807",
                "[intake] max_connections = 9223372036854775807 is out of range",
            ),
            (
                "version = 1\n[intake]\nmax_message_bytes = 9223372036854775807",
                "[intake] max_message_bytes",
            ),
            (
                "version = 1\n[intake]\nmax_body_bytes = 9223372036854775807",
                "[intake] max_body_bytes",
            ),
            (
                "version = 1\n[intake]\nmax_memory_bytes = 9223372036854775807",
                "[intake] max_memory_bytes",
            ),
            (
                "version = 1\n[intake]\nmax_memory_bytes = 209715200",
                "max_memory_bytes = 209715200 is too small",
            ),
            (
                "version = 1\n[intake]\nrefusal_log_secs = 0",
                "[intake] refusal_log_secs = 0",
            ),
            (
                "version = 1\n[intake]\nidle_timeout_secs = -1",
                "idle_timeout_secs",
            ),
            ("version = 1\n[intake]\nes_version = \"\"", "es_version"),
        ];
        for (text, want) in cases {
            let e = Config::parse(text, Path::new(".")).unwrap_err();
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn the_documented_example_parses() {
        let text = include_str!("../../../docs/wangan.toml.example");
        let c = Config::parse(text, Path::new("/etc/wangan")).unwrap();
        assert_eq!(c.syslog_tls, Some("0.0.0.0:6514".parse().unwrap()));
        assert_eq!(c.allow.len(), 3);
        assert!(c.tls.is_some());
    }

    #[test]
    fn listen_values() {
        assert_eq!(parse_listen("off").unwrap(), None);
        assert_eq!(
            parse_listen("[::1]:514").unwrap(),
            Some("[::1]:514".parse().unwrap())
        );
        assert!(parse_listen("514").is_err());
    }
}
