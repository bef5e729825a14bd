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
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, mpsc, watch};

use crate::auth::{AuthResult, Role, TokenStore};
use crate::bulk::{self, BulkItem};
use crate::metrics::{Metrics, Reason, Transport};
use crate::syslog::{accept_or_stop, now_ns, peer_name};
use crate::writer::{Intake, QueueError, Rec};

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
}

type Resp = Response<Full<Bytes>>;

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
            ctx.metrics.reject(Reason::TooManyConnections, 1);
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
                        _ => ctx.metrics.reject(Reason::TlsHandshake, 1),
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
        async move { Ok::<_, Infallible>(handle(req, peer, ctx).await) }
    });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(ctx.frame_timeout.min(ctx.idle_timeout))
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

fn json_resp(status: StatusCode, v: &Value) -> Resp {
    base(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(v.to_string())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
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
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

async fn handle(req: Request<Incoming>, peer: Arc<str>, ctx: Arc<HttpCtx>) -> Resp {
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
        return crate::console::handle(console, req, &peer).await;
    }
    let needed = if path == "/metrics" {
        Role::Metrics
    } else {
        Role::Ingest
    };
    let auth = ctx.tokens.authenticate(
        req.headers()
            .get(header::AUTHORIZATION)
            .map(|v| v.as_bytes()),
    );
    match auth {
        AuthResult::Ok(role) if role.permits(needed) => {}
        AuthResult::Ok(_) => {
            ctx.metrics.reject(Reason::Forbidden, 1);
            return es_error(
                StatusCode::FORBIDDEN,
                "security_exception",
                &format!("this token lacks the {} role", needed.name()),
            );
        }
        AuthResult::Missing | AuthResult::Invalid => {
            ctx.metrics.reject(Reason::Unauthorized, 1);
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
            .body(Full::new(Bytes::from(ctx.metrics.render())))
            .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()))),
        (["api", "v1", "logs"], _, true) => logs(req, peer, &ctx).await,
        (["_bulk"], _, true) => es_bulk(req, peer, None, &ctx).await,
        ([index, "_bulk"], _, true) => {
            let index = (*index).to_owned();
            es_bulk(req, peer, Some(index), &ctx).await
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

enum BodyErr {
    TooLarge,
    Timeout,
    Bad(String),
    Unsupported(String),
}

async fn read_body(req: Request<Incoming>, ctx: &HttpCtx) -> Result<Bytes, BodyErr> {
    let max = ctx.max_body;
    if let Some(len) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && len > max as u64
    {
        return Err(BodyErr::TooLarge);
    }
    let enc = req
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_ascii_lowercase());
    let body = Limited::new(req.into_body(), max);
    let bytes = match tokio::time::timeout(ctx.frame_timeout, body.collect()).await {
        Err(_) => return Err(BodyErr::Timeout),
        Ok(Err(e)) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                return Err(BodyErr::TooLarge);
            }
            return Err(BodyErr::Bad(format!(
                "reading the request body failed: {e}"
            )));
        }
        Ok(Ok(c)) => c.to_bytes(),
    };
    match enc.as_deref() {
        None | Some("identity") | Some("") => Ok(bytes),
        Some("gzip") | Some("x-gzip") => {
            let mut out = Vec::with_capacity(bytes.len() * 4);
            let mut d = flate2::read::MultiGzDecoder::new(&bytes[..]).take(max as u64 + 1);
            d.read_to_end(&mut out)
                .map_err(|e| BodyErr::Bad(format!("gzip body could not be decoded: {e}")))?;
            if out.len() > max {
                return Err(BodyErr::TooLarge);
            }
            Ok(Bytes::from(out))
        }
        Some("deflate") => {
            let mut out = Vec::with_capacity(bytes.len() * 4);
            let mut d = flate2::read::ZlibDecoder::new(&bytes[..]).take(max as u64 + 1);
            d.read_to_end(&mut out)
                .map_err(|e| BodyErr::Bad(format!("deflate body could not be decoded: {e}")))?;
            if out.len() > max {
                return Err(BodyErr::TooLarge);
            }
            Ok(Bytes::from(out))
        }
        Some(other) => Err(BodyErr::Unsupported(format!(
            "content-encoding {:?} is not supported (use gzip, deflate or none)",
            other.chars().take(32).collect::<String>()
        ))),
    }
}

fn body_error(e: BodyErr, ctx: &HttpCtx) -> Resp {
    match e {
        BodyErr::TooLarge => {
            ctx.metrics.reject(Reason::BodyTooLarge, 1);
            es_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "content_too_long_exception",
                &format!(
                    "request body is larger than max_body_bytes ({} bytes)",
                    ctx.max_body
                ),
            )
        }
        BodyErr::Timeout => {
            ctx.metrics.reject(Reason::Timeout, 1);
            es_error(
                StatusCode::REQUEST_TIMEOUT,
                "timeout_exception",
                "the request body did not arrive in time",
            )
        }
        BodyErr::Bad(m) => {
            ctx.metrics.reject(Reason::BadRequest, 1);
            es_error(StatusCode::BAD_REQUEST, "parse_exception", &m)
        }
        BodyErr::Unsupported(m) => {
            ctx.metrics.reject(Reason::BadRequest, 1);
            es_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "illegal_argument_exception",
                &m,
            )
        }
    }
}

fn queue_error(e: QueueError, ctx: &HttpCtx) -> Resp {
    match e {
        QueueError::Full => {
            ctx.metrics.reject(Reason::Overload, 1);
            with_header(
                es_error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "es_rejected_execution_exception",
                    "wangan is busy: the write queue is full; retry later",
                ),
                header::RETRY_AFTER,
                "1",
            )
        }
        QueueError::Down => {
            ctx.metrics.reject(Reason::Unavailable, 1);
            with_header(
                es_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable_shards_exception",
                    "the log store is not writable (disk full or I/O error); nothing of this request was stored; retry later",
                ),
                header::RETRY_AFTER,
                "5",
            )
        }
    }
}

fn rec(ctx: &HttpCtx, source: Arc<str>, peer: &Arc<str>, raw: &[u8], now: i64) -> Rec {
    Rec {
        received_ns: now,
        source,
        peer: peer.clone(),
        transport: ctx.transport,
        raw: bytes::Bytes::copy_from_slice(raw),
    }
}

async fn logs(req: Request<Incoming>, peer: Arc<str>, ctx: &HttpCtx) -> Resp {
    let body = match read_body(req, ctx).await {
        Ok(b) => b,
        Err(e) => return body_error(e, ctx),
    };
    let items = match bulk::parse_json_records(&body) {
        Ok(i) => i,
        Err(e) => {
            ctx.metrics.reject(Reason::BadJson, 1);
            return json_resp(
                StatusCode::BAD_REQUEST,
                &json!({"error": format!("{e}; nothing of this request was stored"), "line": e.line, "status": 400}),
            );
        }
    };
    if items.is_empty() {
        return json_resp(StatusCode::OK, &json!({"accepted": 0}));
    }
    let now = now_ns();
    let recs: Vec<Rec> = items
        .iter()
        .map(|r| rec(ctx, ctx.source.clone(), &peer, r, now))
        .collect();
    let n = recs.len() as u64;
    ctx.metrics.received(
        Transport::Http,
        n,
        items.iter().map(|r| r.len() as u64).sum(),
    );
    match ctx.intake.send_durable(recs).await {
        Ok(first) => json_resp(
            StatusCode::OK,
            &json!({"accepted": n, "first_seq": first, "last_seq": first + n - 1}),
        ),
        Err(e) => queue_error(e, ctx),
    }
}

async fn es_bulk(
    req: Request<Incoming>,
    peer: Arc<str>,
    path_index: Option<String>,
    ctx: &HttpCtx,
) -> Resp {
    let t0 = Instant::now();
    let body = match read_body(req, ctx).await {
        Ok(b) => b,
        Err(e) => return body_error(e, ctx),
    };
    let items: Vec<BulkItem<'_>> = match bulk::parse_bulk(&body) {
        Ok(i) => i,
        Err(e) => {
            ctx.metrics.reject(Reason::BadJson, 1);
            return es_error(
                StatusCode::BAD_REQUEST,
                "illegal_argument_exception",
                &format!("{e}; nothing of this request was stored"),
            );
        }
    };
    if items.is_empty() {
        ctx.metrics.reject(Reason::BadJson, 1);
        return es_error(
            StatusCode::BAD_REQUEST,
            "action_request_validation_exception",
            "Validation Failed: 1: no requests added;",
        );
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
        recs.push(rec(ctx, source, &peer, doc, now));
    }
    let n_ok = recs.len() as u64;
    let n_bad = items.len() as u64 - n_ok;
    ctx.metrics.reject(Reason::BulkItem, n_bad);
    ctx.metrics.received(Transport::Http, n_ok, bytes);
    let first = if recs.is_empty() {
        0
    } else {
        match ctx.intake.send_durable(recs).await {
            Ok(f) => f,
            Err(e) => return queue_error(e, ctx),
        }
    };
    let mut seq = first;
    // written by hand: one serde_json::Value per item costs more than storing the record
    let mut out: Vec<u8> = Vec::with_capacity(items.len() * 192 + 64);
    out.extend_from_slice(b"{\"took\":");
    out.extend_from_slice(t0.elapsed().as_millis().to_string().as_bytes());
    out.extend_from_slice(if n_bad > 0 {
        b",\"errors\":true,\"items\":["
    } else {
        b",\"errors\":false,\"items\":["
    });
    let jstr = |out: &mut Vec<u8>, s: &str| {
        let _ = serde_json::to_writer(&mut *out, s);
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
        match &it.error {
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
                jstr(&mut out, &e.reason);
                out.extend_from_slice(b"}}}");
            }
        }
    }
    out.extend_from_slice(b"]}");
    base(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(out)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}
