//! The HTTP listener: `POST /api/v1/logs`, the Elasticsearch-compatible API, `/metrics`,
//! `/healthz`, `/readyz`.
//!
//! Built on hyper 1 directly (HTTP/1.1 only, which is what log shippers speak): about a dozen
//! routes do not need a router framework, and leaving axum/tower out keeps the build smaller.

use std::convert::Infallible;
use std::io::Read as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc, watch};

use crate::auth::{self, AuthResult, Role, TokenStore};
use crate::bulk::{self, BulkItem, Stop};
use crate::limits::{self, Budget, Charge};
use crate::metrics::{Metrics, Reason, Transport};
use crate::refusal::{Refusal, RefusalLog};
use crate::syslog::{accept_or_stop, now_ns, peer_name};
use crate::writer::{Failed, Intake, QueueError, Rec, Reservation};

/// Memory charged per record of `POST /api/v1/logs` while it is decoded and queued (its
/// slice in the decoded list and its envelope; the bytes themselves are the body's).
const LOG_RECORD_COST: usize = 128;

/// Memory charged per item of a bulk request (the decoded item with its index and id, the
/// record envelope, and its part of the response).
const BULK_ITEM_COST: usize = 512;

/// What every HTTP connection shares.
pub(crate) struct HttpCtx {
    pub intake: Intake,
    pub metrics: Arc<Metrics>,
    pub tokens: Arc<TokenStore>,
    pub max_body: usize,
    pub source: Arc<str>,
    pub es_version: String,
    pub cluster_uuid: String,
    pub frame_timeout: Duration,
    pub idle_timeout: Duration,
    pub transport: &'static str,
    /// The web console and its API, when enabled (see [`crate::console`]).
    pub console: Option<Arc<crate::console::Console>>,
    /// Memory for request bodies and their records.
    pub budget: Budget,
    pub refusals: Arc<RefusalLog>,
}

impl HttpCtx {
    /// Charge `total` bytes for a request: 429 when the budget has no room now, 413 when it
    /// never will.
    fn charge(&self, charge: &mut Charge, total: usize) -> Result<(), Refuse> {
        if charge.try_set(total) {
            Ok(())
        } else if total > self.budget.capacity() {
            Err(Refuse::NeverFits)
        } else {
            Err(Refuse::Memory)
        }
    }

    fn refuse(&self, from: SocketAddr, reason: Reason, detail: &str, token_id: Option<&str>) {
        self.refusals.refuse(
            Refusal {
                peer: from,
                listener: self.transport,
                reason,
                detail,
                token_id,
            },
            1,
        );
    }
}

type Resp = Response<Body>;

/// Frames of a response body, at most this large: hyper takes the next one only once its
/// write buffer has room, so the rest stays here, charged.
const RESPONSE_FRAME: usize = 16 << 10;

/// A response body. A large one (a bulk response, sized by its items) keeps the memory charge
/// of its request until it has been written out, so a client that does not read its answers
/// cannot hold memory the budget no longer counts.
pub(crate) struct Body {
    data: Bytes,
    _charge: Option<Charge>,
}

impl Body {
    fn new(data: impl Into<Bytes>) -> Body {
        Body {
            data: data.into(),
            _charge: None,
        }
    }

    fn charged(data: impl Into<Bytes>, charge: Charge) -> Body {
        Body {
            data: data.into(),
            _charge: Some(charge),
        }
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Infallible>>> {
        if self.data.is_empty() {
            return std::task::Poll::Ready(None);
        }
        let n = self.data.len().min(RESPONSE_FRAME);
        let chunk = self.data.split_to(n);
        std::task::Poll::Ready(Some(Ok(hyper::body::Frame::data(chunk))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_empty()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.data.len() as u64)
    }
}

/// Accept HTTP(S) connections until shutdown.
pub(crate) async fn serve(
    listener: TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    ctx: Arc<HttpCtx>,
    max_connections: usize,
    shutdown: watch::Receiver<bool>,
    alive: mpsc::Sender<()>,
) {
    let conns = Arc::new(Semaphore::new(max_connections));
    let mut stop = shutdown.clone();
    loop {
        let Some((stream, from)) = accept_or_stop(&listener, &mut stop).await else {
            return;
        };
        let Ok(permit) = conns.clone().try_acquire_owned() else {
            ctx.refuse(
                from,
                Reason::TooManyConnections,
                &format!("connection limit ({max_connections}) reached"),
                None,
            );
            continue;
        };
        let _ = stream.set_nodelay(true);
        let ctx = ctx.clone();
        let tls = tls.clone();
        let shutdown = shutdown.clone();
        let alive = alive.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let _alive = alive;
            ctx.metrics.conn_open();
            match tls {
                None => connection(TokioIo::new(stream), from, ctx.clone(), shutdown).await,
                Some(acc) => {
                    match tokio::time::timeout(ctx.frame_timeout, acc.accept(stream)).await {
                        Ok(Ok(s)) => connection(TokioIo::new(s), from, ctx.clone(), shutdown).await,
                        Ok(Err(e)) => ctx.refuse(
                            from,
                            Reason::TlsHandshake,
                            &format!("tls handshake failed: {e}"),
                            None,
                        ),
                        Err(_) => ctx.refuse(
                            from,
                            Reason::TlsHandshake,
                            "tls handshake did not complete in time",
                            None,
                        ),
                    }
                }
            }
            ctx.metrics.conn_close();
        });
    }
}

async fn connection<I>(
    io: I,
    from: SocketAddr,
    ctx: Arc<HttpCtx>,
    mut shutdown: watch::Receiver<bool>,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let peer: Arc<str> = peer_name(from).into();
    let c2 = ctx.clone();
    let svc = service_fn(move |req| {
        let ctx = c2.clone();
        let peer = peer.clone();
        async move { Ok::<_, Infallible>(handle(req, from, peer, ctx).await) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(ctx.frame_timeout.min(ctx.idle_timeout))
        // headers up to 16 KiB; a connection's read buffer stays within what it is charged
        .max_buf_size(limits::HTTP_READ_BUFFER)
        .keep_alive(true)
        .serve_connection(io, svc);
    tokio::pin!(conn);
    tokio::select! {
        r = conn.as_mut() => {
            if let Err(e) = r {
                if e.is_timeout() {
                    ctx.metrics.reject(Reason::Timeout, 1);
                }
                tracing::debug!(error = %e, "http connection ended");
            }
        }
        _ = shutdown.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(10), conn).await;
        }
    }
}

fn base(status: StatusCode) -> hyper::http::response::Builder {
    Response::builder()
        .status(status)
        .header("x-elastic-product", "Elasticsearch")
}

fn json_resp(status: StatusCode, v: &impl serde::Serialize) -> Resp {
    // the replies are strings, numbers and maps with string keys: they always serialise
    let text = serde_json::to_string(v).unwrap_or_default();
    base(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::new(Bytes::from(text)))
        .unwrap_or_else(|_| Response::new(Body::new(Bytes::new())))
}

/// An Elasticsearch-style error response.
fn es_error(status: StatusCode, kind: &str, reason: &str) -> Resp {
    json_resp(
        status,
        &json!({
            "error": {"root_cause": [{"type": kind, "reason": reason}], "type": kind, "reason": reason},
            "status": status.as_u16(),
        }),
    )
}

fn with_header(mut r: Resp, k: header::HeaderName, v: &'static str) -> Resp {
    r.headers_mut()
        .append(k, header::HeaderValue::from_static(v));
    r
}

fn unauthorized(missing: bool) -> Resp {
    let reason = if missing {
        "missing authentication credentials for REST request"
    } else {
        "unable to authenticate with provided credentials"
    };
    let mut r = es_error(StatusCode::UNAUTHORIZED, "security_exception", reason);
    for v in [
        "Basic realm=\"security\", charset=\"UTF-8\"",
        "Bearer realm=\"security\"",
        "ApiKey",
    ] {
        r = with_header(r, header::WWW_AUTHENTICATE, v);
    }
    r
}

fn text(status: StatusCode, body: &'static str) -> Resp {
    base(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(Body::new(Bytes::from_static(body.as_bytes())))
        .unwrap_or_else(|_| Response::new(Body::new(Bytes::new())))
}

async fn handle(
    req: Request<Incoming>,
    from: SocketAddr,
    peer: Arc<str>,
    ctx: Arc<HttpCtx>,
) -> Resp {
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    match path.as_str() {
        "/healthz" => return text(StatusCode::OK, "ok\n"),
        "/readyz" => {
            return if ctx.intake.is_ready() {
                text(StatusCode::OK, "ready\n")
            } else {
                with_header(
                    text(StatusCode::SERVICE_UNAVAILABLE, "store not writable\n"),
                    header::RETRY_AFTER,
                    "5",
                )
            };
        }
        _ => {}
    }
    if let Some(console) = &ctx.console
        && crate::console::owns(&method, &path, req.headers())
    {
        let (parts, body) = crate::console::handle(console, req, &peer)
            .await
            .into_parts();
        let data = match http_body_util::BodyExt::collect(body).await {
            Ok(c) => c.to_bytes(),
            Err(never) => match never {},
        };
        return Response::from_parts(parts, Body::new(data));
    }
    let needed = if path == "/metrics" {
        Role::Metrics
    } else {
        Role::Ingest
    };
    let authz = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes());
    let auth = ctx.tokens.authenticate(authz);
    match auth {
        AuthResult::Ok(role) if role.permits(needed) => {}
        AuthResult::Ok(role) => {
            let id = auth::presented_token_id(authz);
            ctx.refuse(
                from,
                Reason::Forbidden,
                &format!(
                    "a {} token may not use {} (needs the {} role)",
                    role.name(),
                    if needed == Role::Metrics {
                        "/metrics"
                    } else {
                        "the ingest API"
                    },
                    needed.name()
                ),
                id.as_deref(),
            );
            return es_error(
                StatusCode::FORBIDDEN,
                "security_exception",
                &format!("this token lacks the {} role", needed.name()),
            );
        }
        AuthResult::Missing | AuthResult::Invalid => {
            let id = auth::presented_token_id(authz);
            let detail = if auth == AuthResult::Missing {
                "no credentials"
            } else if id.is_some() {
                "unknown or revoked token"
            } else {
                "credentials that are no wangan token"
            };
            ctx.refuse(from, Reason::Unauthorized, detail, id.as_deref());
            return unauthorized(auth == AuthResult::Missing);
        }
    }
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let get = method == Method::GET || method == Method::HEAD;
    let write = method == Method::POST || method == Method::PUT;
    match (segs.as_slice(), get, write) {
        ([], true, _) => json_resp(StatusCode::OK, &root_info(&ctx)),
        (["metrics"], true, _) => base(StatusCode::OK)
            .header(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )
            .body(Body::new(Bytes::from(ctx.metrics.render())))
            .unwrap_or_else(|_| Response::new(Body::new(Bytes::new()))),
        (["api", "v1", "logs"], _, true) => logs(req, from, peer, &ctx).await,
        (["_bulk"], _, true) => es_bulk(req, from, peer, None, &ctx).await,
        ([index, "_bulk"], _, true) => {
            let index = (*index).to_owned();
            es_bulk(req, from, peer, Some(index), &ctx).await
        }
        (["_license"], true, _) => json_resp(
            StatusCode::OK,
            &json!({"license": {"status": "active", "uid": ctx.cluster_uuid, "type": "basic",
                "issue_date": "2024-01-01T00:00:00.000Z", "issue_date_in_millis": 1704067200000u64,
                "max_nodes": 1000, "max_resource_units": null, "issued_to": "wangan",
                "issuer": "elasticsearch", "start_date_in_millis": -1}}),
        ),
        (["_xpack"], true, _) => json_resp(
            StatusCode::OK,
            &json!({"build": {"hash": "wangan", "date": "2024-01-01T00:00:00.000Z"},
                "license": {"uid": ctx.cluster_uuid, "type": "basic", "mode": "basic", "status": "active"},
                "features": {"ilm": {"available": true, "enabled": true},
                    "security": {"available": true, "enabled": true}}}),
        ),
        (["_nodes", ..], true, _) => json_resp(StatusCode::OK, &nodes_info(&ctx)),
        (["_cluster", "health", ..], true, _) => json_resp(
            StatusCode::OK,
            &json!({"cluster_name": "wangan", "status": "green", "timed_out": false,
                "number_of_nodes": 1, "number_of_data_nodes": 1, "active_primary_shards": 1,
                "active_shards": 1, "relocating_shards": 0, "initializing_shards": 0,
                "unassigned_shards": 0, "active_shards_percent_as_number": 100.0}),
        ),
        // management calls shippers make before sending (templates, ILM policies, pipelines,
        // data streams, index creation): answered as if they succeeded; wangan keeps raw
        // documents and needs none of them
        (s, true, _) if s.iter().any(|x| x.starts_with('_')) => {
            json_resp(StatusCode::OK, &json!({}))
        }
        (s, _, true)
            if s.first().is_some_and(|x| {
                matches!(
                    *x,
                    "_index_template"
                        | "_template"
                        | "_component_template"
                        | "_ilm"
                        | "_ingest"
                        | "_data_stream"
                        | "_security"
                )
            }) || (s.len() == 1 && !s[0].starts_with('_')) =>
        {
            json_resp(StatusCode::OK, &json!({"acknowledged": true}))
        }
        _ => es_error(
            StatusCode::NOT_FOUND,
            "resource_not_found_exception",
            "no such endpoint in wangan's Elasticsearch-compatible API (supported: GET /, POST /_bulk, POST /{index}/_bulk)",
        ),
    }
}

fn root_info(ctx: &HttpCtx) -> Value {
    json!({
        "name": "wangan",
        "cluster_name": "wangan",
        "cluster_uuid": ctx.cluster_uuid,
        "version": {
            "number": ctx.es_version,
            "build_flavor": "default",
            "build_type": "wangan",
            "build_hash": "0000000000000000000000000000000000000000",
            "build_date": "2025-01-01T00:00:00.000Z",
            "build_snapshot": false,
            "lucene_version": "9.12.0",
            "minimum_wire_compatibility_version": "7.17.0",
            "minimum_index_compatibility_version": "7.0.0"
        },
        "tagline": "You Know, for Search"
    })
}

fn nodes_info(ctx: &HttpCtx) -> Value {
    json!({
        "_nodes": {"total": 1, "successful": 1, "failed": 0},
        "cluster_name": "wangan",
        "nodes": {"wangan-0": {
            "name": "wangan", "version": ctx.es_version, "roles": ["data", "ingest", "master"],
            "http": {"publish_address": "127.0.0.1:9200"}
        }}
    })
}

/// Why a request was refused before its records were queued.
enum Refuse {
    /// The body is larger than `max_body_bytes` (413).
    TooLarge,
    /// The body did not arrive within `frame_timeout_secs` (408).
    Timeout,
    /// The body could not be read or decoded (400).
    Bad(String),
    /// An unknown `Content-Encoding` (415).
    Unsupported(String),
    /// The memory budget for requests is spent now (429).
    Memory,
    /// The request needs more memory than the whole request budget (413).
    NeverFits,
    /// Malformed JSON, NDJSON or bulk body (400).
    Json(bulk::BodyError),
    /// The write queue refused (429 full, 413 too many records, 503 store down).
    Queue(QueueError),
    /// One record is larger than the vault stores ([`vault::MAX_RECORD_BYTES`], 413).
    RecordTooLarge {
        /// 1-based position of the record in the request.
        index: usize,
        /// Its size in bytes.
        bytes: usize,
    },
}

enum Encoding {
    Identity,
    Gzip,
    Deflate,
}

/// The body's encoding, decided before anything is read: an encoding that is not
/// recognised — including a header value that is not ASCII text — is refused (415), never
/// taken for identity.
fn encoding(req: &Request<Incoming>) -> Result<Encoding, Refuse> {
    let Some(v) = req.headers().get(header::CONTENT_ENCODING) else {
        return Ok(Encoding::Identity);
    };
    let Ok(v) = v.to_str() else {
        return Err(Refuse::Unsupported(
            "content-encoding is not ASCII text (use gzip, deflate or none)".into(),
        ));
    };
    match v.trim().to_ascii_lowercase().as_str() {
        "" | "identity" => Ok(Encoding::Identity),
        "gzip" | "x-gzip" => Ok(Encoding::Gzip),
        "deflate" => Ok(Encoding::Deflate),
        other => Err(Refuse::Unsupported(format!(
            "content-encoding {:?} is not supported (use gzip, deflate or none)",
            other.chars().take(32).collect::<String>()
        ))),
    }
}

/// Read the body within the memory budget: a declared `Content-Length` is charged whole
/// before a byte is read (so a request that does not fit is answered at once), a chunked
/// body as it grows; gzip and deflate are decoded in steps, each charged before it is taken.
async fn read_body(
    req: Request<Incoming>,
    ctx: &HttpCtx,
    charge: &mut Charge,
) -> Result<Bytes, Refuse> {
    let max = ctx.max_body;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > max as u64) {
        return Err(Refuse::TooLarge);
    }
    let enc = encoding(&req)?;
    let declared = declared.map_or(0, |l| l as usize);
    if let Err(e) = ctx.charge(charge, declared) {
        return Err(drained(req, ctx, e).await);
    }
    let mut buf: Vec<u8> = Vec::with_capacity(declared);
    let mut body = req.into_body();
    let read = async {
        while let Some(frame) = body.frame().await {
            let frame =
                frame.map_err(|e| Refuse::Bad(format!("reading the request body failed: {e}")))?;
            let Ok(data) = frame.into_data() else {
                continue;
            };
            let len = buf.len() + data.len();
            if len > max {
                return Err(Refuse::TooLarge);
            }
            if len > buf.capacity() {
                let cap = len.max(buf.capacity() * 2).max(64 << 10).min(max);
                ctx.charge(charge, cap)?;
                buf.reserve_exact(cap - buf.len());
            }
            buf.extend_from_slice(&data);
        }
        Ok(())
    };
    match tokio::time::timeout(ctx.frame_timeout, read).await {
        Err(_) => return Err(Refuse::Timeout),
        Ok(r) => r?,
    }
    let out = match enc {
        Encoding::Identity => buf,
        Encoding::Gzip => decode(
            flate2::read::MultiGzDecoder::new(&buf[..]),
            "gzip",
            buf.capacity(),
            ctx,
            charge,
        )?,
        Encoding::Deflate => decode(
            flate2::read::ZlibDecoder::new(&buf[..]),
            "deflate",
            buf.capacity(),
            ctx,
            charge,
        )?,
    };
    // what stays charged: the body kept (the encoded one is dropped)
    charge.try_set(out.capacity());
    Ok(Bytes::from(out))
}

/// Read and discard the body of a request refused before it was read (nothing of it is
/// kept), so that the client reads the answer instead of a reset connection; then `e`.
async fn drained(req: Request<Incoming>, ctx: &HttpCtx, e: Refuse) -> Refuse {
    let mut body = req.into_body();
    let mut left = ctx.max_body;
    let drain = async {
        while let Some(Ok(f)) = body.frame().await {
            if let Ok(d) = f.into_data() {
                if d.len() >= left {
                    break;
                }
                left -= d.len();
            }
        }
    };
    let _ = tokio::time::timeout(ctx.frame_timeout, drain).await;
    e
}

/// Decode a compressed body in steps, each charged (on top of the `held` bytes of the
/// encoded body) before it is taken; at most `max` bytes.
fn decode(
    mut d: impl std::io::Read,
    what: &str,
    held: usize,
    ctx: &HttpCtx,
    charge: &mut Charge,
) -> Result<Vec<u8>, Refuse> {
    let max = ctx.max_body;
    let mut out: Vec<u8> = Vec::new();
    loop {
        if out.len() > max {
            return Err(Refuse::TooLarge);
        }
        if out.len() == out.capacity() {
            let cap = (out.capacity() * 2)
                .max(64 << 10)
                .min(max + 1)
                .max(out.len() + 1);
            ctx.charge(charge, held + cap)?;
            out.reserve_exact(cap - out.len());
        }
        let spare = (out.capacity() - out.len()) as u64;
        let got = (&mut d)
            .take(spare)
            .read_to_end(&mut out)
            .map_err(|e| Refuse::Bad(format!("{what} body could not be decoded: {e}")))?;
        if (got as u64) < spare {
            break;
        }
    }
    if out.len() > max {
        return Err(Refuse::TooLarge);
    }
    Ok(out)
}

/// Answer a refusal, count it and log it (rate-limited).
fn refused(e: Refuse, from: SocketAddr, ctx: &HttpCtx) -> Resp {
    match e {
        Refuse::RecordTooLarge { index, bytes } => {
            ctx.refuse(
                from,
                Reason::BodyTooLarge,
                "record larger than the vault stores",
                None,
            );
            es_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "content_too_long_exception",
                &format!(
                    "record {index} of this request is {bytes} bytes, larger than a record may be ({} bytes, 16 MiB); nothing of this request was stored",
                    vault::MAX_RECORD_BYTES
                ),
            )
        }
        Refuse::TooLarge => {
            ctx.refuse(
                from,
                Reason::BodyTooLarge,
                "body larger than max_body_bytes",
                None,
            );
            es_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "content_too_long_exception",
                &format!(
                    "request body is larger than max_body_bytes ({} bytes); nothing of this request was stored",
                    ctx.max_body
                ),
            )
        }
        Refuse::Timeout => {
            ctx.refuse(
                from,
                Reason::Timeout,
                "the body did not arrive in time",
                None,
            );
            es_error(
                StatusCode::REQUEST_TIMEOUT,
                "timeout_exception",
                "the request body did not arrive in time; nothing of this request was stored",
            )
        }
        Refuse::Bad(m) => {
            ctx.refuse(from, Reason::BadRequest, &m, None);
            es_error(StatusCode::BAD_REQUEST, "parse_exception", &m)
        }
        Refuse::Unsupported(m) => {
            ctx.refuse(from, Reason::UnsupportedEncoding, &m, None);
            es_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "illegal_argument_exception",
                &format!("{m}; nothing of this request was stored"),
            )
        }
        Refuse::Memory => {
            ctx.refuse(
                from,
                Reason::MemoryLimit,
                "memory for requests is spent (max_memory_bytes)",
                None,
            );
            with_header(
                es_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "es_rejected_execution_exception",
                    "wangan is busy: its memory for requests is in use; nothing of this request was stored; retry later",
                ),
                header::RETRY_AFTER,
                "1",
            )
        }
        Refuse::NeverFits => {
            ctx.refuse(
                from,
                Reason::BodyTooLarge,
                "more records than the memory for requests holds",
                None,
            );
            es_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "content_too_long_exception",
                &format!(
                    "this request's records need more memory than wangan gives requests ({} bytes within max_memory_bytes): send fewer records per request; nothing of this request was stored",
                    ctx.budget.capacity()
                ),
            )
        }
        Refuse::Json(e) => {
            // the line number only: the parser's text may quote the body
            ctx.refuse(
                from,
                Reason::BadJson,
                &format!("malformed JSON body (line {})", e.line),
                None,
            );
            es_error(
                StatusCode::BAD_REQUEST,
                "illegal_argument_exception",
                &format!("{e}; nothing of this request was stored"),
            )
        }
        Refuse::Queue(q) => queue_error(q, from, ctx),
    }
}

fn unavailable(reason: String) -> Resp {
    with_header(
        es_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable_shards_exception",
            &reason,
        ),
        header::RETRY_AFTER,
        "5",
    )
}

fn queue_error(e: QueueError, from: SocketAddr, ctx: &HttpCtx) -> Resp {
    match e {
        QueueError::Full => {
            ctx.refuse(from, Reason::Overload, "the write queue is full", None);
            with_header(
                es_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "es_rejected_execution_exception",
                    "wangan is busy: the write queue is full; nothing of this request was stored; retry later",
                ),
                header::RETRY_AFTER,
                "1",
            )
        }
        QueueError::TooLarge => {
            ctx.refuse(
                from,
                Reason::BodyTooLarge,
                "more records than the write queue holds",
                None,
            );
            es_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "content_too_long_exception",
                &format!(
                    "this request's records need more than the whole write queue ([commit] queue_bytes = {} bytes; each record counts {} bytes besides its own): send fewer records per request; nothing of this request was stored",
                    ctx.intake.capacity(),
                    crate::writer::REC_OVERHEAD
                ),
            )
        }
        QueueError::Down | QueueError::Failed(Failed::Stored { stored: 0, .. }) => {
            ctx.metrics.reject(Reason::Unavailable, 1);
            unavailable(
                "the log store is not writable (disk full or I/O error); nothing of this request was stored; retry later".into(),
            )
        }
        QueueError::Failed(Failed::Stored { first, stored }) => {
            ctx.metrics.reject(Reason::Unavailable, 1);
            unavailable(format!(
                "the log store failed (disk full or I/O error) while committing this request: its first {stored} records were stored (seq {first}..{}), the rest were not; resend only the rest",
                first + stored - 1
            ))
        }
        QueueError::Failed(Failed::Unknown) => {
            ctx.metrics.reject(Reason::Unavailable, 1);
            unavailable(
                "the log store failed (disk full or I/O error) while committing this request and could not discard what it had written: part of this request may be stored; check with `wangan vault query` before resending".into(),
            )
        }
    }
}

impl From<Stop<Refuse>> for Refuse {
    fn from(s: Stop<Refuse>) -> Refuse {
        match s {
            Stop::Body(e) => Refuse::Json(e),
            Stop::Refused(r) => r,
        }
    }
}

fn rec(
    ctx: &HttpCtx,
    source: Arc<str>,
    peer: &Arc<str>,
    body: &Bytes,
    raw: &[u8],
    now: i64,
) -> Rec {
    Rec {
        received_ns: now,
        source,
        peer: peer.clone(),
        transport: ctx.transport,
        // a slice of the body: no copy per record
        raw: body.slice_ref(raw),
    }
}

async fn logs(req: Request<Incoming>, from: SocketAddr, peer: Arc<str>, ctx: &HttpCtx) -> Resp {
    match logs_inner(req, &peer, ctx).await {
        Ok(r) => r,
        Err(e) => refused(e, from, ctx),
    }
}

async fn logs_inner(
    req: Request<Incoming>,
    peer: &Arc<str>,
    ctx: &HttpCtx,
) -> Result<Resp, Refuse> {
    // a store that cannot write refuses before the body is read
    let mut res: Reservation = match ctx.intake.reserve() {
        Ok(r) => r,
        Err(e) => return Err(drained(req, ctx, Refuse::Queue(e)).await),
    };
    let mut charge = ctx.budget.charge();
    let body = read_body(req, ctx, &mut charge).await?;
    let mut index = 0usize;
    let items = bulk::parse_json_records_with(&body, |raw| {
        index += 1;
        if raw.len() > vault::MAX_RECORD_BYTES {
            // refused here, at admission: the vault would refuse it at append
            return Err(Refuse::RecordTooLarge {
                index,
                bytes: raw.len(),
            });
        }
        let total = charge.bytes() + LOG_RECORD_COST;
        ctx.charge(&mut charge, total)?;
        res.add_record(raw.len()).map_err(Refuse::Queue)
    })?;
    if items.is_empty() {
        return Ok(json_resp(
            StatusCode::OK,
            &crate::contract::Accepted::none(),
        ));
    }
    let now = now_ns();
    let recs: Vec<Rec> = items
        .iter()
        .map(|r| rec(ctx, ctx.source.clone(), peer, &body, r, now))
        .collect();
    let n = recs.len() as u64;
    ctx.metrics.received(
        Transport::Http,
        n,
        items.iter().map(|r| r.len() as u64).sum(),
    );
    drop(items);
    let first = ctx
        .intake
        .send_durable(recs, res)
        .await
        .map_err(Refuse::Queue)?;
    drop(charge);
    Ok(json_resp(
        StatusCode::OK,
        &crate::contract::Accepted::records(first, n),
    ))
}

async fn es_bulk(
    req: Request<Incoming>,
    from: SocketAddr,
    peer: Arc<str>,
    path_index: Option<String>,
    ctx: &HttpCtx,
) -> Resp {
    match es_bulk_inner(req, &peer, path_index, ctx).await {
        Ok(r) => r,
        Err(e) => refused(e, from, ctx),
    }
}

async fn es_bulk_inner(
    req: Request<Incoming>,
    peer: &Arc<str>,
    path_index: Option<String>,
    ctx: &HttpCtx,
) -> Result<Resp, Refuse> {
    let t0 = Instant::now();
    let mut res: Reservation = match ctx.intake.reserve() {
        Ok(r) => r,
        Err(e) => return Err(drained(req, ctx, Refuse::Queue(e)).await),
    };
    let mut charge = ctx.budget.charge();
    let body = read_body(req, ctx, &mut charge).await?;
    let mut items: Vec<BulkItem<'_>> = bulk::parse_bulk_with(&body, |it| {
        let total = charge.bytes() + BULK_ITEM_COST;
        ctx.charge(&mut charge, total)?;
        match (&it.error, it.doc) {
            (None, Some(doc)) if doc.len() <= vault::MAX_RECORD_BYTES => {
                res.add_record(doc.len()).map_err(Refuse::Queue)
            }
            _ => Ok(()),
        }
    })?;
    // a document larger than the vault stores is refused on its own, as
    // Elasticsearch refuses an item: the rest of the request is stored
    for it in &mut items {
        if let (None, Some(doc)) = (&it.error, it.doc)
            && doc.len() > vault::MAX_RECORD_BYTES
        {
            it.error = Some(bulk::ItemError {
                status: 413,
                kind: "content_too_long_exception",
                reason: format!(
                    "document of {} bytes is larger than a record may be ({} bytes, 16 MiB); this item was not stored",
                    doc.len(),
                    vault::MAX_RECORD_BYTES
                ),
            });
        }
    }
    if items.is_empty() {
        ctx.metrics.reject(Reason::BadJson, 1);
        return Ok(es_error(
            StatusCode::BAD_REQUEST,
            "action_request_validation_exception",
            "Validation Failed: 1: no requests added;",
        ));
    }
    let now = now_ns();
    let mut sources: std::collections::HashMap<String, Arc<str>> = Default::default();
    let mut recs = Vec::new();
    let mut bytes = 0u64;
    for it in &items {
        if it.error.is_some() {
            continue;
        }
        let Some(doc) = it.doc else { continue };
        let idx = it.index.as_deref().or(path_index.as_deref());
        let source = match idx {
            Some(i) if bulk::valid_index(i) => sources
                .entry(i.to_owned())
                .or_insert_with(|| Arc::from(i))
                .clone(),
            _ => ctx.source.clone(),
        };
        bytes += doc.len() as u64;
        recs.push(rec(ctx, source, peer, &body, doc, now));
    }
    let n_ok = recs.len() as u64;
    let n_bad = items.len() as u64 - n_ok;
    ctx.metrics.reject(Reason::BulkItem, n_bad);
    ctx.metrics.received(Transport::Http, n_ok, bytes);
    // items stored: all of them, or (when the commit failed part way) the first `stored`
    let (first, stored) = if recs.is_empty() {
        (0, 0)
    } else {
        match ctx.intake.send_durable(recs, res).await {
            Ok(f) => (f, n_ok),
            Err(QueueError::Failed(Failed::Stored { first, stored })) if stored > 0 => {
                ctx.metrics.reject(Reason::Unavailable, 1);
                (first, stored)
            }
            Err(e) => return Err(Refuse::Queue(e)),
        }
    };
    let mut seq = first;
    let mut ok_seen = 0u64;
    let any_error = n_bad > 0 || stored < n_ok;
    // written by hand: one serde_json::Value per item costs more than storing the record
    let mut out: Vec<u8> = Vec::with_capacity(items.len() * 192 + 64);
    out.extend_from_slice(b"{\"took\":");
    out.extend_from_slice(t0.elapsed().as_millis().to_string().as_bytes());
    out.extend_from_slice(if any_error {
        b",\"errors\":true,\"items\":["
    } else {
        b",\"errors\":false,\"items\":["
    });
    let jstr = |out: &mut Vec<u8>, s: &str| {
        let _ = serde_json::to_writer(&mut *out, s);
    };
    let not_stored = ItemErrorRef {
        status: 503,
        kind: "unavailable_shards_exception",
        reason: "the log store failed (disk full or I/O error) while committing this request: this item was not stored; resend it",
    };
    for (k, it) in items.iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"");
        out.extend_from_slice(it.op.name().as_bytes());
        out.extend_from_slice(b"\":{\"_index\":");
        jstr(
            &mut out,
            it.index
                .as_deref()
                .or(path_index.as_deref())
                .unwrap_or("wangan"),
        );
        out.extend_from_slice(b",\"_id\":");
        let error = match &it.error {
            Some(e) => Some(ItemErrorRef {
                status: e.status,
                kind: e.kind,
                reason: &e.reason,
            }),
            None if ok_seen >= stored => {
                ok_seen += 1;
                Some(not_stored)
            }
            None => {
                ok_seen += 1;
                None
            }
        };
        match error {
            None => {
                match &it.id {
                    Some(id) => jstr(&mut out, id),
                    None => jstr(&mut out, &format!("wg{seq}")),
                }
                out.extend_from_slice(
                    b",\"_version\":1,\"result\":\"created\",\"_shards\":{\"total\":1,\"successful\":1,\"failed\":0},\"_seq_no\":",
                );
                out.extend_from_slice(seq.to_string().as_bytes());
                out.extend_from_slice(b",\"_primary_term\":1,\"status\":201}}");
                seq += 1;
            }
            Some(e) => {
                match &it.id {
                    Some(id) => jstr(&mut out, id),
                    None => out.extend_from_slice(b"null"),
                }
                out.extend_from_slice(b",\"status\":");
                out.extend_from_slice(e.status.to_string().as_bytes());
                out.extend_from_slice(b",\"error\":{\"type\":");
                jstr(&mut out, e.kind);
                out.extend_from_slice(b",\"reason\":");
                jstr(&mut out, e.reason);
                out.extend_from_slice(b"}}}");
            }
        }
    }
    out.extend_from_slice(b"]}");
    drop(items);
    drop(body);
    // what stays charged until the answer is written: the answer
    charge.try_set(out.len());
    Ok(base(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::charged(out, charge))
        .unwrap_or_else(|_| Response::new(Body::new(Bytes::new()))))
}

#[derive(Clone, Copy)]
struct ItemErrorRef<'a> {
    status: u16,
    kind: &'a str,
    reason: &'a str,
}
