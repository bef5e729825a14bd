//! Bounded resources: memory stays under `max_memory_bytes` whatever clients send, and a low
//! open-file limit never lets syslog connections starve HTTP.

use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use crate::syslog::metrics_text;

fn metric(text: &str, name: &str) -> u64 {
    text.lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
}

#[test]
fn large_bodies_and_tiny_records_stay_under_the_memory_ceiling() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let cfg = d.path().join("wangan.toml");
    // the smallest ceiling the defaults allow: 96 MiB + 32 MiB queue + 5 × 16 MiB bodies
    let ceiling: u64 = 208 << 20;
    std::fs::write(
        &cfg,
        format!("version = 1\n[intake]\nhttp = \"127.0.0.1:0\"\nmax_memory_bytes = {ceiling}\n"),
    )
    .unwrap();
    let s = Server::start_with(
        &dir,
        Opts {
            config: Some(&cfg),
            args: vec![],
            ..Opts::default()
        },
    );
    let tok = format!("Bearer {}", s.token.clone().unwrap());
    // 16 MiB of two-byte records, and ~15 MiB of 200-byte ones
    let tiny: Arc<Vec<u8>> = Arc::new(b"1\n".repeat(8 << 20));
    let normal: Arc<Vec<u8>> = Arc::new(
        (0..70_000)
            .map(|i| format!("{{\"i\":{i},\"msg\":\"{}\"}}\n", "m".repeat(200)))
            .collect::<String>()
            .into_bytes(),
    );
    assert!(normal.len() < 16 << 20);
    let mut threads = Vec::new();
    for k in 0..8 {
        let body = if k % 2 == 0 {
            tiny.clone()
        } else {
            normal.clone()
        };
        let (addr, tok) = (s.http.unwrap(), tok.clone());
        threads.push(std::thread::spawn(move || {
            let (code, _, b) = http(addr, "POST", "/api/v1/logs", Some(&tok), &body).unwrap();
            (k % 2 == 0, code, String::from_utf8_lossy(&b).into_owned())
        }));
    }
    let mut stored = 0;
    let mut tiny_413 = 0;
    for t in threads {
        let (is_tiny, code, body) = t.join().unwrap();
        if is_tiny {
            // refused before its body was taken (429), or once its records were counted:
            // more than the request memory or the queue can ever hold (413)
            assert!(code == 413 || code == 429, "{code}: {body}");
            if code == 413 {
                tiny_413 += 1;
                assert!(body.contains("send fewer records per request"), "{body}");
            }
        } else {
            assert!(code == 200 || code == 429, "{code}: {body}");
            if code == 200 {
                stored += 70_000;
            }
        }
    }
    // alone, a body of tiny records is refused as too large, and a large request fits
    let (code, _, _) = http(s.http.unwrap(), "POST", "/api/v1/logs", Some(&tok), &tiny).unwrap();
    assert_eq!(code, 413);
    tiny_413 += 1;
    let (code, _, body) =
        http(s.http.unwrap(), "POST", "/api/v1/logs", Some(&tok), &normal).unwrap();
    assert_eq!(code, 200, "{}", String::from_utf8_lossy(&body));
    stored += 70_000;
    let peak_kib = s.proc_status("VmHWM");
    assert!(
        peak_kib * 1024 < ceiling,
        "peak RSS {} MiB over the {} MiB ceiling",
        peak_kib >> 10,
        ceiling >> 20
    );
    let m = metrics_text(&s, s.token.as_deref().unwrap());
    assert_eq!(
        metric(
            &m,
            "wangan_intake_rejected_total{reason=\"body_too_large\"}"
        ),
        tiny_413
    );
    s.stop();
    assert_eq!(records(&dir, "http").len(), stored);
}

#[test]
fn idle_syslog_connections_never_starve_http_under_a_low_open_file_limit() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let s = Server::start_with(
        &dir,
        Opts {
            ulimit: Some("-n 256"),
            ..Opts::default()
        },
    );
    let tok = s.token.clone().unwrap();
    // far more idle syslog connections than the server has descriptors
    let conns: Vec<TcpStream> = (0..400)
        .map(|_| TcpStream::connect(s.tcp.unwrap()).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // HTTP ingest and the health checks still work
    let (code, _, body) = http(
        s.http.unwrap(),
        "POST",
        "/api/v1/logs",
        Some(&format!("Bearer {tok}")),
        b"{\"msg\":\"through\"}\n",
    )
    .expect("HTTP must still accept connections");
    assert_eq!(code, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        http(s.http.unwrap(), "GET", "/readyz", None, b"")
            .unwrap()
            .0,
        200
    );
    assert_eq!(
        http(s.http.unwrap(), "GET", "/healthz", None, b"")
            .unwrap()
            .0,
        200
    );
    // an accepted syslog connection is served
    let mut c = &conns[0];
    std::io::Write::write_all(&mut c, b"<13>first idle connection speaks\n").unwrap();
    wait_records(&dir, "syslog-tcp", 1);
    let m = metrics_text(&s, &tok);
    let limit = metric(&m, "wangan_connection_limit{listener=\"syslog_tcp\"}");
    assert!(
        limit < 256,
        "syslog connections fit the open-file limit: {limit}"
    );
    assert_eq!(metric(&m, "wangan_open_files_limit"), 256);
    assert!(
        metric(
            &m,
            "wangan_intake_rejected_total{reason=\"too_many_connections\"}"
        ) > 0
    );
    drop(conns);
    let log = s.stderr_text();
    assert!(log.contains("connection limits lowered"), "{log}");
    s.stop();
    assert_eq!(records(&dir, "http").len(), 1);
}

#[test]
fn the_soft_open_file_limit_is_raised_to_the_hard_limit() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let s = Server::start_with(
        &dir,
        Opts {
            ulimit: Some("-Sn 300"),
            ..Opts::default()
        },
    );
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", s.pid())).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    let v: Vec<&str> = line.split_whitespace().collect();
    let (soft, hard) = (v[3], v[4]);
    assert_eq!(soft, hard, "{line}");
    assert_ne!(soft, "300", "{line}");
    s.stop();
}

#[test]
fn a_record_larger_than_the_vault_stores_is_refused_at_admission_and_the_store_stays_up() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let cfg = d.path().join("wangan.toml");
    // bodies may be 64 MiB, but one record is at most vault::MAX_RECORD_BYTES (16 MiB)
    std::fs::write(
        &cfg,
        "version = 1\n[intake]\nhttp = \"127.0.0.1:0\"\nmax_body_bytes = 67108864\n[commit]\nqueue_bytes = 67108864\n",
    )
    .unwrap();
    let s = Server::start_with(
        &dir,
        Opts {
            config: Some(&cfg),
            args: vec![],
            ..Opts::default()
        },
    );
    let tok = format!("Bearer {}", s.token.clone().unwrap());
    let addr = s.http.unwrap();
    let big = format!("\"{}\"", "x".repeat(vault::MAX_RECORD_BYTES + 1));
    // the logs endpoint: the whole request is refused, naming the record
    let body = format!("{{\"msg\":\"small\"}}\n{big}\n");
    let (code, _, b) = http(addr, "POST", "/api/v1/logs", Some(&tok), body.as_bytes()).unwrap();
    let b = String::from_utf8_lossy(&b);
    assert_eq!(code, 413, "{b}");
    assert!(b.contains("record 2 of this request"), "{b}");
    // the bulk API: that document alone is refused, as Elasticsearch refuses an item
    let bulk = format!(
        "{{\"index\":{{\"_index\":\"app\"}}}}\n{{\"msg\":\"kept\"}}\n{{\"index\":{{\"_index\":\"app\"}}}}\n{{\"msg\":{big}}}\n"
    );
    let (code, _, b) = http(addr, "POST", "/_bulk", Some(&tok), bulk.as_bytes()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(code, 200, "{v}");
    assert_eq!(v["errors"], true);
    assert_eq!(v["items"][0]["index"]["status"], 201, "{v}");
    assert_eq!(v["items"][1]["index"]["status"], 413, "{v}");
    assert_eq!(
        v["items"][1]["index"]["error"]["type"],
        "content_too_long_exception"
    );
    // the store was never taken for down: it is ready and keeps accepting
    let (code, _, b) = http(addr, "GET", "/readyz", None, b"").unwrap();
    assert_eq!(code, 200, "{}", String::from_utf8_lossy(&b));
    let (code, _, _) = http(
        addr,
        "POST",
        "/api/v1/logs",
        Some(&tok),
        b"{\"msg\":\"after\"}\n",
    )
    .unwrap();
    assert_eq!(code, 200);
    s.stop();
    assert_eq!(records(&dir, "http").len(), 1, "only the record sent after");
    assert_eq!(
        records(&dir, "app").len(),
        1,
        "only the small bulk document"
    );
    verify(&dir);
}
