//! `wangan.toml`: the server configuration (versioned, unknown keys rejected).
//!
//! Every key is optional; what is missing takes the embedded default. Without a file, the
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
//! max_message_bytes = 65536         # longer syslog messages are cut and counted
//! max_body_bytes = 16777216         # larger HTTP bodies get 413
//! max_connections = 4096            # per TCP/TLS listener
//! idle_timeout_secs = 600           # a TCP connection that sends nothing is closed
//! frame_timeout_secs = 60           # a started frame or HTTP body must finish in this time
//! es_version = "8.19.0"             # what `GET /` reports to Elasticsearch clients
//!
//! [tls]
//! cert = "tls/server.pem"           # PEM chain; paths relative to this file
//! key = "tls/server.key"            # PEM private key (PKCS#8, PKCS#1 or SEC1)
//! client_ca = "tls/clients-ca.pem"  # optional: require client certificates from this CA
//! http = false                      # serve the HTTP listener over TLS too
//!
//! [commit]
//! window_ms = 2                     # group-commit window when an HTTP request waits for it
//! syslog_window_ms = 10             # …when only syslog records do (bounds commits of a trickle)
//! max_records = 65536               # …or this many records (the vault also writes its WAL every ~1 MiB, fsyncs every 8 MiB)
//! queue_bytes = 33554432            # queued but uncommitted bytes before pushing back
//! proof_ms = 1000                   # records a group commit made durable get a signed checkpoint within this
//! checkpoint_secs = 60              # sign a checkpoint at least this often, even when idle
//!
//! [console]                         # the web console and JSON API on the HTTP listener
//! enabled = true
//! session_idle_mins = 30            # a session unused this long ends
//! utc_offset = "+08:00"             # days of the dashboard and times shown (China Standard Time)
//! login_max_failures = 5            # failed logins of one name within 15 minutes that lock it
//! lockout_mins = 15                 # how long a locked name stays locked
//! operator_kind = "ordinary"        # the registers' clocks: ordinary, cii or central-state
//! assessment = "assess.json"        # `wangan assess --format json` output shown (default: in data_dir)
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
    idle_timeout_secs: Option<u64>,
    frame_timeout_secs: Option<u64>,
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
    /// Most open connections per TCP/TLS/HTTP listener.
    pub max_connections: usize,
    /// A connection that sends nothing for this long is closed.
    pub idle_timeout: Duration,
    /// A started frame, TLS handshake or HTTP request must complete within this time.
    pub frame_timeout: Duration,
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
            idle_timeout: Duration::from_secs(600),
            frame_timeout: Duration::from_secs(60),
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
        let pos = |v: Option<usize>, key: &str, def: usize| -> std::result::Result<_, String> {
            match v {
                Some(0) => Err(format!("{key} must be positive")),
                Some(n) => Ok(n),
                None => Ok(def),
            }
        };
        let c = &f.commit;
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
            max_message_bytes: pos(
                i.max_message_bytes,
                "max_message_bytes",
                d.max_message_bytes,
            )?,
            max_body_bytes: pos(i.max_body_bytes, "max_body_bytes", d.max_body_bytes)?,
            max_connections: pos(i.max_connections, "max_connections", d.max_connections)?,
            idle_timeout: Duration::from_secs(pos(
                i.idle_timeout_secs.map(|v| v as usize),
                "idle_timeout_secs",
                600,
            )? as u64),
            frame_timeout: Duration::from_secs(pos(
                i.frame_timeout_secs.map(|v| v as usize),
                "frame_timeout_secs",
                60,
            )? as u64),
            es_version: i.es_version.clone().unwrap_or(d.es_version),
            tls: f.tls.map(|t| TlsConfig {
                cert: rel(t.cert),
                key: rel(t.key),
                client_ca: t.client_ca.map(rel),
                http: t.http,
            }),
            commit_window: Duration::from_millis(c.window_ms.unwrap_or(2).min(1000)),
            syslog_commit_window: Duration::from_millis(
                c.syslog_window_ms.unwrap_or(10).min(10_000),
            ),
            commit_max_records: pos(c.max_records, "[commit] max_records", d.commit_max_records)?,
            queue_bytes: pos(c.queue_bytes, "[commit] queue_bytes", d.queue_bytes)?.max(1 << 20),
            checkpoint_interval: Duration::from_secs(pos(
                c.checkpoint_secs.map(|v| v as usize),
                "[commit] checkpoint_secs",
                60,
            )? as u64),
            proof_interval: Duration::from_millis(pos(
                c.proof_ms.map(|v| v as usize),
                "[commit] proof_ms",
                1000,
            )? as u64),
            console: crate::console::ConsoleConfig::from_file(&f.console, base)?,
        };
        cfg.check()?;
        Ok(cfg)
    }

    /// Consistency checks that apply however the configuration was built.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.syslog_tls.is_some() && self.tls.is_none() {
            return Err("[intake] syslog_tls needs a [tls] section with cert and key".into());
        }
        if self.max_message_bytes > 16 << 20 {
            return Err("[intake] max_message_bytes must be at most 16 MiB".into());
        }
        if self.max_body_bytes > self.queue_bytes {
            return Err("[intake] max_body_bytes must not exceed [commit] queue_bytes".into());
        }
        Ok(())
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
                "max_records must be positive",
            ),
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
