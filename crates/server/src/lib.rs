//! `wangan serve`: receive logs the way networks send them and store them in the vault,
//! losing nothing that was acknowledged.
//!
//! This is the only async and the only web crate of wangan. It owns the listeners and the
//! vault writer thread; parsing of what is stored stays in `vault::parse`.
//!
//! ```text
//!  syslog UDP ─┐                                   ┌──────────────────────┐
//!  syslog TCP ─┼─ tokio tasks ── bounded queue ──▶ │ vault writer thread   │
//!  syslog TLS ─┤   (frame, limit,  (bytes, with     │ append… commit: WAL   │
//!  HTTP / ES  ─┘    authenticate)   backpressure)   │ fsync + checkpoint    │
//!                        ▲                          └──────────┬───────────┘
//!                        └──── HTTP answered only after the commit that holds its records
//! ```
//!
//! # Listeners (see [`config`] for `wangan.toml`)
//!
//! | key | default without a file | protocol |
//! |---|---|---|
//! | `syslog_udp` | `127.0.0.1:5514` | RFC 5426, one message per datagram |
//! | `syslog_tcp` | `127.0.0.1:5514` | RFC 6587, octet counting or LF, detected per connection ([`framing`]) |
//! | `syslog_tls` | off (needs `[tls]`) | RFC 5425, rustls, optional client certificates |
//! | `http` | `127.0.0.1:8514` | HTTP/1.1, optionally TLS (`[tls] http = true`) |
//!
//! # HTTP endpoints
//!
//! Every endpoint needs a token (see [`auth`]) except `/healthz` and `/readyz`.
//!
//! | endpoint | role | what |
//! |---|---|---|
//! | `POST /api/v1/logs` | ingest | NDJSON or a JSON array; each element is one record, stored as its exact JSON bytes; answers `{"accepted":n,"first_seq":…,"last_seq":…}` after fsync |
//! | `POST /_bulk`, `POST /{index}/_bulk` | ingest | Elasticsearch bulk API; `index`/`create` stored, `update`/`delete` refused per item; Elasticsearch response format with per-item status |
//! | `GET /`, `HEAD /` | ingest | Elasticsearch 8 root info (`version.number` from `es_version`, tagline "You Know, for Search") |
//! | `GET /_license`, `/_xpack`, `/_nodes`, `/_cluster/health` | ingest | what shippers check before sending |
//! | other `GET`/`HEAD /_…`; `PUT`/`POST` of templates, ILM policies, pipelines, data streams, indices | ingest | acknowledged without effect (wangan keeps raw documents) |
//! | `GET /metrics` | metrics | Prometheus text: received, stored, rejected by reason, bytes, queue depth, connections, commit latency histogram |
//! | `GET /healthz` | none | the process is up |
//! | `GET /readyz` | none | 200 when the store is writable, 503 otherwise |
//! | `/console/…` | console session (login page and assets: none) | the web console, see [`console`] |
//! | `/api/v1/…` except `POST /api/v1/logs` | auditor, operator or admin token | the console's JSON API; `GET /api/v1/openapi.json` describes it |
//!
//! `GET /` answers the Elasticsearch root info to every client that sends credentials or does
//! not ask for HTML; a browser (`Accept: text/html`, no `Authorization`) is redirected to
//! `/console/` instead. No path a shipper uses is taken by the console.
//!
//! Every response carries `X-Elastic-Product: Elasticsearch` (the official clients refuse a
//! server without it). Bodies may be gzip or deflate encoded (any other `Content-Encoding`,
//! also one that is not ASCII, is answered 415); the decompressed size counts against
//! `max_body_bytes` (413 beyond). Malformed JSON is answered 400 naming the line; a full
//! queue or spent request memory 429 with `Retry-After`; a request with more records than the
//! whole write queue holds 413; a store that cannot write (full disk) 503 with `Retry-After`,
//! an alarm in the log, and recovery without restart once space returns. Every answer is
//! exact: a request is stored whole (200) or not at all ("nothing of this request was
//! stored"), except when the commit fails part way through it, when the answer says how many
//! of its records were stored (per item for bulk requests). `/readyz` stays 503 until the
//! data directory takes writes again. Refusals (401, 403, 400, 413, 415, 429, failed TLS
//! handshakes, syslog senders outside the allow-list, connection limits) are counted and
//! logged at `warn`, once per peer, listener and reason per `refusal_log_secs`.
//!
//! # Durability
//!
//! An HTTP success means the records are in the fsynced WAL (a crash cannot lose them; the
//! vault recovers them on restart). A signed checkpoint covers them within `[commit]
//! proof_ms` (1 s by default): group commits fsync the WAL but do not each sign a checkpoint,
//! so a steady trickle does not fill `checkpoints.log` (at 100 commits/s that would be about
//! 3 GB a day). Syslog has no acknowledgement: a crash (`kill -9`, power loss) can lose what
//! was received but not yet on disk — at most the syslog group-commit window (`[commit]
//! syslog_window_ms`, 10 ms by default) plus the groups whose background fsync is still running
//! (the writer does not wait for the fsync of a syslog-only group; it is requested at once and
//! takes milliseconds), and whatever still sat in the kernel's socket buffers. `/metrics` counts
//! syslog records as stored only once their fsync is confirmed. SIGTERM and SIGINT stop the
//! listeners, drain the queue, commit and sign a final checkpoint; when the store cannot
//! write (full disk), no checkpoint is signed and the server says so ([`Final`]) and exits
//! non-zero.
//!
//! # Resources
//!
//! Memory stays under `max_memory_bytes` (512 MiB by default) whatever clients send: request
//! bodies, decoded records and connection buffers are charged against budgets before they are
//! used, and what does not fit is refused early (429 with `Retry-After`) or waits (syslog
//! TCP). The open-file limit is raised to the hard limit at start and the connection limits
//! are derived from it, keeping descriptors for the vault and a share for HTTP. See
//! [`limits`].
//!
//! # Why hyper, not axum
//!
//! A dozen fixed routes, no extractors, no middleware stack: hyper 1 with `hyper-util`
//! serves them directly and keeps axum, tower and their macros out of the build. TLS uses
//! rustls with the `ring` provider (no cmake or aws-lc C build). The console adds about thirty
//! routes; they are matched on path segments in [`console`] (the API from one route table
//! that also generates its OpenAPI document), which a router crate would not shorten much,
//! so the console brings only `maud` (compile-time, escaping HTML templates), `argon2` and
//! `form_urlencoded`.

#![deny(missing_docs)]

pub mod auth;
pub mod bulk;
pub mod cidr;
pub mod config;
pub mod console;
pub mod contract;
mod error;
pub mod framing;
mod http;
pub mod limits;
pub mod metrics;
mod refusal;
mod syslog;
pub mod tls;
mod writer;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::{mpsc, watch};
use vault::{InitOptions, Vault};

pub use config::Config;
pub use error::{Error, ErrorKind, Result};
pub use writer::Final;

use crate::auth::{NewToken, Role};
use crate::metrics::Metrics;

/// What a first run created, to show the operator once.
#[derive(Debug)]
pub struct FirstRun {
    /// The vault was created by this run (not only the token).
    pub vault_created: bool,
    /// Log origin (the vault's unique name).
    pub origin: String,
    /// Ed25519 note verifier key (`name+keyid+key`): what auditors use to check checkpoints.
    pub ed25519_verifier_key: String,
    /// SM2 key id (hex).
    pub sm2_key_id: String,
    /// SM2 public key (SEC1 uncompressed, hex).
    pub sm2_public_key: Option<String>,
    /// The ingest token created for this run (shown once).
    pub token: NewToken,
}

/// The console's first administrator, created because there was no user: shown once.
pub struct FirstAdmin {
    /// User name (`admin`).
    pub name: String,
    /// The generated password (show once, never log).
    pub password: String,
}

impl std::fmt::Debug for FirstAdmin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirstAdmin")
            .field("name", &self.name)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// An opened (or freshly created) vault, ready to serve.
#[derive(Debug)]
pub struct Prepared {
    vault: Vault,
    /// Set when this run created the vault or the first token.
    pub first_run: Option<FirstRun>,
    /// Set when the console is on and had no user: its first administrator.
    pub first_admin: Option<FirstAdmin>,
}

/// Open the vault in `cfg.data_dir`, creating it (with default options) if it does not exist,
/// and create an ingest token if none exists yet.
pub fn prepare(cfg: &Config) -> Result<Prepared> {
    let dir = &cfg.data_dir;
    let created = !dir.join("vault.toml").exists();
    let vault = if created {
        Vault::init(dir, &InitOptions::default())?
    } else {
        Vault::open(dir)?
    };
    let first_run = if auth::list_tokens(dir)?.is_empty() {
        let token = auth::create_token(dir, Role::Ingest)?;
        let k = vault.public_keys();
        Some(FirstRun {
            vault_created: created,
            origin: k.name.clone(),
            ed25519_verifier_key: k.ed25519_verifier_key(),
            sm2_key_id: format!("{:08x}", k.sm2_id),
            sm2_public_key: k.sm2_hex(),
            token,
        })
    } else {
        None
    };
    let first_admin = if cfg.console.enabled && cfg.http.is_some() {
        console::users::ensure_first_admin(dir)?
            .map(|(name, password)| FirstAdmin { name, password })
    } else {
        None
    };
    Ok(Prepared {
        vault,
        first_run,
        first_admin,
    })
}

/// The addresses the server actually listens on (useful with port 0).
#[derive(Debug, Clone, Default)]
pub struct Bound {
    /// Syslog UDP.
    pub syslog_udp: Option<SocketAddr>,
    /// Syslog TCP.
    pub syslog_tcp: Option<SocketAddr>,
    /// Syslog TLS.
    pub syslog_tls: Option<SocketAddr>,
    /// HTTP (or HTTPS when `tls_http`).
    pub http: Option<SocketAddr>,
    /// Whether the HTTP listener speaks TLS.
    pub tls_http: bool,
}

/// Receive buffer asked for on the UDP socket (the kernel caps it at `net.core.rmem_max`):
/// bursts wait in the kernel instead of being dropped there.
const UDP_RECV_BUFFER: usize = 8 << 20;

fn bind_udp(a: SocketAddr) -> std::io::Result<UdpSocket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let s = Socket::new(Domain::for_address(a), Type::DGRAM, Some(Protocol::UDP))?;
    if let Err(e) = s.set_recv_buffer_size(UDP_RECV_BUFFER) {
        tracing::warn!(error = %e, "udp receive buffer not enlarged");
    }
    s.set_nonblocking(true)?;
    s.bind(&a.into())?;
    UdpSocket::from_std(s.into())
}

fn io_err(what: &str, addr: SocketAddr, e: std::io::Error) -> Error {
    Error::with_source(ErrorKind::Io, format!("{what} {addr}: {e}"), e)
}

/// Run the server until SIGTERM or SIGINT. `on_bound` is called once every listener is
/// bound. Returns whether a final checkpoint was signed.
pub fn run(cfg: Config, prepared: Prepared, on_bound: impl FnOnce(&Bound)) -> Result<Final> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("wangan-io")
        .build()
        .map_err(|e| {
            Error::with_source(ErrorKind::Io, format!("start the async runtime: {e}"), e)
        })?;
    rt.block_on(async {
        // handlers are installed before anything is bound or announced, so a SIGTERM right
        // after `on_bound` is a clean stop, never the default (kill) action
        let stop = shutdown_signal()?;
        serve(cfg, prepared, on_bound, stop).await
    })
}

fn shutdown_signal() -> Result<impl Future<Output = ()>> {
    let err = |e: std::io::Error| {
        Error::with_source(ErrorKind::Io, format!("install signal handlers: {e}"), e)
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).map_err(err)?;
        let mut int = signal(SignalKind::interrupt()).map_err(err)?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        let _ = err;
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// Serve until `stop` completes, then drain, commit and sign a final checkpoint; returns
/// whether that checkpoint was signed. Raises the open-file limit first (see [`limits`]).
pub async fn serve(
    cfg: Config,
    prepared: Prepared,
    on_bound: impl FnOnce(&Bound),
    stop: impl Future<Output = ()>,
) -> Result<Final> {
    cfg.check().map_err(|e| Error::new(ErrorKind::Config, e))?;
    let fd = limits::raise_nofile();
    let metrics = Arc::new(Metrics::default());
    let tokens = Arc::new(auth::TokenStore::open(&cfg.data_dir)?);
    let tls_cfg = match &cfg.tls {
        Some(t) if cfg.syslog_tls.is_some() || t.http => Some(t),
        _ => None,
    };
    let tls_syslog = match (tls_cfg, cfg.syslog_tls) {
        (Some(t), Some(_)) => Some(tokio_rustls::TlsAcceptor::from(tls::server_config(
            t, false,
        )?)),
        _ => None,
    };
    let tls_http = match tls_cfg {
        Some(t) if t.http => Some(tokio_rustls::TlsAcceptor::from(tls::server_config(
            t, true,
        )?)),
        _ => None,
    };
    // bind everything before starting the writer, so a busy port fails fast
    let mut bound = Bound {
        tls_http: tls_http.is_some(),
        ..Bound::default()
    };
    let udp = match cfg.syslog_udp {
        Some(a) => {
            let s = bind_udp(a).map_err(|e| io_err("bind udp", a, e))?;
            bound.syslog_udp = s.local_addr().ok();
            if let Some(b) = bound.syslog_udp {
                metrics.set_udp_port(b.port());
            }
            Some(s)
        }
        None => None,
    };
    let tcp_bind = |a: SocketAddr| async move {
        TcpListener::bind(a)
            .await
            .map_err(|e| io_err("bind tcp", a, e))
    };
    let tcp = match cfg.syslog_tcp {
        Some(a) => {
            let l = tcp_bind(a).await?;
            bound.syslog_tcp = l.local_addr().ok();
            Some(l)
        }
        None => None,
    };
    let tlsl = match cfg.syslog_tls {
        Some(a) => {
            let l = tcp_bind(a).await?;
            bound.syslog_tls = l.local_addr().ok();
            Some(l)
        }
        None => None,
    };
    let httpl = match cfg.http {
        Some(a) => {
            let l = tcp_bind(a).await?;
            bound.http = l.local_addr().ok();
            Some(l)
        }
        None => None,
    };
    // connection limits from the descriptors left now that the listeners and the vault are open
    let conn = limits::connection_limits(
        cfg.max_connections,
        httpl.is_some(),
        tcp.is_some(),
        tlsl.is_some(),
        fd.soft,
        limits::open_fds(),
    )
    .ok_or_else(|| {
        Error::new(
            ErrorKind::Config,
            format!(
                "the open-file limit ({}) leaves too few descriptors for connections; raise it (ulimit -n, LimitNOFILE=)",
                fd.soft
            ),
        )
    })?;
    // HTTP connections' own buffers are set aside up front (so health checks always find
    // room); the HTTP connection limit is lowered to what that part holds
    let per_conn = limits::HTTP_CONNECTION_BYTES
        + if tls_http.is_some() {
            limits::TLS_SESSION_BYTES
        } else {
            0
        };
    let plan = limits::MemoryPlan::of(&cfg, conn.http, per_conn);
    let mut conn = conn;
    if plan.http_connections < conn.http {
        conn.http = plan.http_connections;
        conn.lowered = true;
    }
    let http_budget = limits::Budget::new(plan.requests);
    let syslog_budget = limits::Budget::new(plan.syslog);
    metrics.set_limits(&http_budget, &syslog_budget, &cfg, conn, fd.soft);
    if conn.lowered {
        tracing::warn!(
            open_files_limit = fd.soft,
            http = conn.http,
            syslog_tcp = conn.syslog_tcp,
            syslog_tls = conn.syslog_tls,
            max_connections = cfg.max_connections,
            "connection limits lowered to fit the open-file limit and the memory ceiling (raise LimitNOFILE= or max_memory_bytes for more)"
        );
    }
    tracing::info!(
        open_files_limit = fd.soft,
        raised_from = ?fd.raised_from,
        http_connections = conn.http,
        syslog_tcp_connections = conn.syslog_tcp,
        syslog_tls_connections = conn.syslog_tls,
        memory_ceiling = cfg.max_memory_bytes,
        http_request_budget = http_budget.capacity(),
        syslog_buffer_budget = syslog_budget.capacity(),
        "limits"
    );
    let refusals = Arc::new(refusal::RefusalLog::new(
        metrics.clone(),
        cfg.refusal_log_interval,
    ));
    let origin = prepared.vault.public_keys().name.clone();
    let (writer, intake) = writer::Writer::start(
        prepared.vault,
        writer::WriterConfig {
            dir: cfg.data_dir.clone(),
            window: cfg.commit_window,
            syslog_window: cfg.syslog_commit_window,
            max_records: cfg.commit_max_records,
            queue_bytes: cfg.queue_bytes,
            checkpoint_interval: cfg.checkpoint_interval,
            proof_interval: cfg.proof_interval,
        },
        metrics.clone(),
    );
    let (stop_tx, stop_rx) = watch::channel(false);
    let (alive_tx, mut alive_rx) = mpsc::channel::<()>(1);
    let ctx = syslog::Ctx {
        intake: intake.clone(),
        metrics: metrics.clone(),
        allow: Arc::new(cidr::AllowList::new(cfg.allow.clone())),
        max_message: cfg.max_message_bytes,
        idle_timeout: cfg.idle_timeout,
        frame_timeout: cfg.frame_timeout,
        shutdown: stop_rx.clone(),
        alive: alive_tx.clone(),
        budget: syslog_budget,
        refusals: refusals.clone(),
    };
    let mut tasks = tokio::task::JoinSet::new();
    if let Some(s) = udp {
        tasks.spawn(syslog::udp(s, cfg.udp_source.as_str().into(), ctx.clone()));
    }
    if let Some(l) = tcp {
        tasks.spawn(syslog::tcp(
            l,
            cfg.tcp_source.as_str().into(),
            syslog::Wrap::Plain,
            conn.syslog_tcp,
            ctx.clone(),
        ));
    }
    if let (Some(l), Some(acc)) = (tlsl, tls_syslog) {
        tasks.spawn(syslog::tcp(
            l,
            cfg.tls_source.as_str().into(),
            syslog::Wrap::Tls(acc),
            conn.syslog_tls,
            ctx.clone(),
        ));
    }
    if let Some(l) = httpl {
        let console = if cfg.console.enabled {
            let c = Arc::new(console::Console::new(
                &cfg.data_dir,
                cfg.console.clone(),
                tls_http.is_some(),
                tokens.clone(),
                intake.clone(),
                origin.clone(),
            )?);
            c.warm_up();
            Some(c)
        } else {
            None
        };
        let hctx = Arc::new(http::HttpCtx {
            intake: intake.clone(),
            metrics: metrics.clone(),
            tokens,
            max_body: cfg.max_body_bytes,
            source: cfg.http_source.as_str().into(),
            es_version: cfg.es_version.clone(),
            cluster_uuid: origin.rsplit('/').next().unwrap_or("wangan").to_owned(),
            frame_timeout: cfg.frame_timeout,
            idle_timeout: cfg.idle_timeout,
            transport: if tls_http.is_some() { "https" } else { "http" },
            budget: http_budget,
            refusals: refusals.clone(),
            console,
        });
        tasks.spawn(http::serve(
            l,
            tls_http,
            hctx,
            conn.http,
            stop_rx.clone(),
            alive_tx.clone(),
        ));
    }
    drop(ctx);
    drop(alive_tx);
    drop(intake);
    tracing::info!(
        syslog_udp = ?bound.syslog_udp,
        syslog_tcp = ?bound.syslog_tcp,
        syslog_tls = ?bound.syslog_tls,
        http = ?bound.http,
        "listening"
    );
    on_bound(&bound);
    stop.await;
    tracing::info!("stopping: draining connections, then the final commit");
    let _ = stop_tx.send(true);
    while tasks.join_next().await.is_some() {}
    // connection tasks hold `alive`; give them a bounded time to hand over what they read
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), alive_rx.recv()).await;
    tokio::task::spawn_blocking(move || writer.shutdown())
        .await
        .map_err(|e| Error::new(ErrorKind::Io, format!("vault writer thread failed: {e}")))
}

/// Create a token for `role` in data directory `dir` (see [`auth`]).
pub fn create_token(dir: &Path, role: Role) -> Result<NewToken> {
    auth::create_token(dir, role)
}
