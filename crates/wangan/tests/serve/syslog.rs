//! Syslog over UDP and TCP with real senders.

use std::io::Write;
use std::process::Command;

use crate::common::*;

fn logger(args: &[&str], stdin_lines: &[String]) {
    require_tool("logger", "bsdutils");
    let mut c = Command::new("logger")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("run logger");
    {
        let mut i = c.stdin.take().unwrap();
        for l in stdin_lines {
            writeln!(i, "{l}").unwrap();
        }
    }
    assert!(c.wait().unwrap().success(), "logger {args:?} failed");
}

#[test]
fn logger_udp_tcp_and_octet_counting_are_stored() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let s = Server::start(&dir);
    let udp = s.udp.unwrap();
    let tcp = s.tcp.unwrap();
    let lines = |tag: &str| -> Vec<String> {
        (0..50)
            .map(|i| format!("{tag} message {i} 登录失败"))
            .collect()
    };
    // UDP is lossy by nature; on loopback with a queue far from full nothing is dropped
    logger(
        &[
            "-d",
            "-n",
            "127.0.0.1",
            "-P",
            &udp.port().to_string(),
            "-t",
            "lu",
            "--rfc5424",
        ],
        &lines("udp"),
    );
    logger(
        &[
            "-T",
            "-n",
            "127.0.0.1",
            "-P",
            &tcp.port().to_string(),
            "-t",
            "lt",
            "--rfc3164",
        ],
        &lines("tcp-lf"),
    );
    logger(
        &[
            "-T",
            "-n",
            "127.0.0.1",
            "-P",
            &tcp.port().to_string(),
            "-t",
            "lo",
            "--rfc5424",
            "--octet-count",
        ],
        &lines("tcp-octet"),
    );
    let u = wait_records(&dir, "syslog-udp", 50);
    let t = wait_records(&dir, "syslog-tcp", 100);
    for r in &u {
        assert_eq!(r.transport, "udp");
        assert!(r.peer.starts_with("127.0.0.1:"), "{}", r.peer);
    }
    let text = |r: &vault::Record| String::from_utf8(r.raw.clone()).unwrap();
    assert!(
        u.iter()
            .all(|r| text(r).starts_with("<13>1 ") && text(r).contains("lu"))
    );
    let lf: Vec<_> = t
        .iter()
        .filter(|r| text(r).contains("tcp-lf message"))
        .collect();
    let oc: Vec<_> = t
        .iter()
        .filter(|r| text(r).contains("tcp-octet message"))
        .collect();
    assert_eq!((lf.len(), oc.len()), (50, 50));
    assert!(
        lf.iter().all(|r| !r.raw.ends_with(b"\n")),
        "framing bytes are not stored"
    );
    assert!(oc.iter().all(|r| text(r).starts_with("<13>1 ")));
    assert!(text(oc[49]).ends_with("tcp-octet message 49 登录失败"));
    s.stop();
    verify(&dir);
}

const PY_SYSLOG: &str = r#"
import logging, logging.handlers, socket, sys
port, kind, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
st = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
h = logging.handlers.SysLogHandler(address=("127.0.0.1", port), socktype=st)
log = logging.getLogger("py-" + kind)
log.addHandler(h)
log.setLevel(logging.INFO)
for i in range(n):
    log.warning("python %s message %d 中文", kind, i)
h.close()
"#;

#[test]
fn python_syslog_handler_udp_and_tcp() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let s = Server::start(&dir);
    run_python(
        PY_SYSLOG,
        &[&s.udp.unwrap().port().to_string(), "udp", "40"],
        None,
    );
    run_python(
        PY_SYSLOG,
        &[&s.tcp.unwrap().port().to_string(), "tcp", "40"],
        None,
    );
    let u = wait_records(&dir, "syslog-udp", 40);
    let t = wait_records(&dir, "syslog-tcp", 40);
    // SysLogHandler ends each message with NUL; it is framing, not content
    for r in u.iter().chain(&t) {
        assert!(
            r.raw.starts_with(b"<12>"),
            "{:?}",
            String::from_utf8_lossy(&r.raw)
        );
        assert!(!r.raw.contains(&0));
    }
    assert!(String::from_utf8_lossy(&t[39].raw).contains("python tcp message 39 中文"));
    let m = metrics_text(&s, &s.token.clone().unwrap());
    for want in [
        "wangan_intake_received_records_total{transport=\"udp\"} 40",
        "wangan_intake_received_records_total{transport=\"tcp\"} 40",
        "wangan_intake_stored_records_total 80",
        "wangan_intake_udp_kernel_drops_total 0",
        "wangan_ready 1",
    ] {
        assert!(m.contains(want), "{want}\n{m}");
    }
    s.stop();
    verify(&dir);
}

#[test]
fn rsyslog_forwards_with_omfwd_over_tcp_and_udp() {
    require_tool("rsyslogd", "rsyslog");
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let s = Server::start(&dir);
    let in_port = free_port();
    let work = d.path().join("rs");
    std::fs::create_dir_all(&work).unwrap();
    let conf = work.join("rsyslog.conf");
    std::fs::write(
        &conf,
        format!(
            r#"global(workDirectory="{w}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="{in_port}" ruleset="fwd")
ruleset(name="fwd") {{
  action(type="omfwd" target="127.0.0.1" port="{tcp}" protocol="tcp" TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
  action(type="omfwd" target="127.0.0.1" port="{tcp}" protocol="tcp")
  action(type="omfwd" target="127.0.0.1" port="{udp}" protocol="udp")
}}
"#,
            w = work.display(),
            tcp = s.tcp.unwrap().port(),
            udp = s.udp.unwrap().port(),
        ),
    )
    .unwrap();
    let pid = work.join("rsyslogd.pid");
    let mut rs = Command::new("rsyslogd")
        .arg("-n")
        .arg("-f")
        .arg(&conf)
        .arg("-i")
        .arg(&pid)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start rsyslogd");
    // wait until rsyslog listens, then send through it
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut started = false;
    for _ in 0..100 {
        if pid.exists() {
            started = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(started, "rsyslogd did not start");
    std::thread::sleep(std::time::Duration::from_millis(500));
    for i in 0..30 {
        let m = format!("<134>Nov 30 06:00:00 fw1 kernel: rsyslog relay {i} SRC=10.0.0.{i}");
        sock.send_to(m.as_bytes(), ("127.0.0.1", in_port)).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let t = wait_records(&dir, "syslog-tcp", 60);
    let u = wait_records(&dir, "syslog-udp", 30);
    let _ = Command::new("kill")
        .args(["-TERM", &rs.id().to_string()])
        .status();
    let _ = rs.wait();
    let text = |r: &vault::Record| String::from_utf8_lossy(&r.raw).into_owned();
    let rfc5424 = t.iter().filter(|r| text(r).starts_with("<134>1 ")).count();
    assert_eq!(rfc5424, 30, "octet-counted RFC 5424 forwards");
    assert!(u.iter().all(|r| text(r).contains("rsyslog relay")));
    s.stop();
    verify(&dir);
}

#[test]
fn oversized_and_broken_frames_are_cut_counted_and_kept() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let cfg = d.path().join("wangan.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[intake]\nsyslog_tcp = \"127.0.0.1:0\"\nhttp = \"127.0.0.1:0\"\nmax_message_bytes = 100\nframe_timeout_secs = 1\n",
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
    assert!(s.udp.is_none(), "omitted listeners are off");
    let tcp = s.tcp.unwrap();
    let mut c = std::net::TcpStream::connect(tcp).unwrap();
    let long = "x".repeat(500);
    // octet-counting connection: a long frame, a broken frame, a good one, invalid UTF-8
    let mut payload = Vec::new();
    let m = format!("<13>1 - h a - - - {long}");
    payload.extend_from_slice(format!("{} {m}", m.len()).as_bytes());
    payload.extend_from_slice(b"garbage without length\n");
    payload.extend_from_slice(b"11 <13>1 - ok\n");
    payload.extend_from_slice(b"8 \xb5\xc7\xc2\xbc\xca\xa7\xb0\xdc");
    c.write_all(&payload).unwrap();
    drop(c);
    let r = wait_records(&dir, "syslog-tcp", 4);
    assert_eq!(r[0].raw.len(), 100, "cut at max_message_bytes");
    assert_eq!(r[1].raw, b"garbage without length");
    assert_eq!(r[2].raw, b"<13>1 - ok\n");
    assert_eq!(
        r[3].raw, b"\xb5\xc7\xc2\xbc\xca\xa7\xb0\xdc",
        "GB18030 bytes stored raw"
    );
    // …and decoded for reading, with a note saying so
    let p = vault::parse::parse_record(&r[3].raw, time::OffsetDateTime::now_utc());
    assert_eq!(p.message, "登录失败");
    assert!(p.note.is_some());
    // slowloris: a started frame that never ends is closed after frame_timeout_secs
    let mut slow = std::net::TcpStream::connect(tcp).unwrap();
    slow.write_all(b"<13>never ends").unwrap();
    slow.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut buf = [0u8; 8];
    let n = std::io::Read::read(&mut slow, &mut buf).unwrap_or(0);
    assert_eq!(n, 0, "the server closed the slow connection");
    let tok = s.token.clone().unwrap();
    let metrics = metrics_text(&s, &tok);
    assert!(
        metrics.contains("wangan_intake_rejected_total{reason=\"truncated\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("wangan_intake_rejected_total{reason=\"bad_frame\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("wangan_intake_rejected_total{reason=\"timeout\"} 1"),
        "{metrics}"
    );
    // the partial message of the slow connection was kept, not dropped
    wait_records(&dir, "syslog-tcp", 5);
    // HTTP slowloris: headers that never end are cut off; a body that stalls gets 408
    let h = s.http.unwrap();
    let mut c = std::net::TcpStream::connect(h).unwrap();
    c.write_all(b"POST /api/v1/logs HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    c.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = std::io::Read::read_to_end(&mut c, &mut rest);
    assert!(
        !String::from_utf8_lossy(&rest).contains(" 200 "),
        "no answer to half a request"
    );
    let mut c = std::net::TcpStream::connect(h).unwrap();
    c.write_all(
        format!(
            "POST /api/v1/logs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tok}\r\nContent-Length: 100\r\n\r\n{{\"a\":"
        )
        .as_bytes(),
    )
    .unwrap();
    c.set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut resp = Vec::new();
    let _ = std::io::Read::read_to_end(&mut c, &mut resp);
    assert!(
        String::from_utf8_lossy(&resp).starts_with("HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&resp)
    );
    s.stop();
    verify(&dir);
}

pub fn metrics_text(s: &Server, ingest_token: &str) -> String {
    // ingest tokens may not read metrics (least privilege)
    let (st, _, _) = http(
        s.http.unwrap(),
        "GET",
        "/metrics",
        Some(&format!("Bearer {ingest_token}")),
        b"",
    )
    .unwrap();
    assert_eq!(st, 403);
    let out = wangan()
        .args([
            "token",
            "create",
            "--role",
            "metrics",
            "--json",
            "--data-dir",
        ])
        .arg(&s.dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = v["token"].as_str().unwrap();
    let (st, _, body) = http(
        s.http.unwrap(),
        "GET",
        "/metrics",
        Some(&format!("Bearer {m}")),
        b"",
    )
    .unwrap();
    assert_eq!(st, 200);
    String::from_utf8(body).unwrap()
}

/// A local address that is not loopback (the one a default route would use).
fn non_loopback_ip() -> std::net::IpAddr {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
    s.connect("198.51.100.1:9")
        .expect("this test needs a non-loopback IPv4 address with a route (e.g. eth0)");
    let ip = s.local_addr().unwrap().ip();
    assert!(
        !ip.is_loopback() && !ip.is_unspecified(),
        "no non-loopback address: {ip}"
    );
    ip
}

#[test]
fn peers_outside_the_allow_list_are_ignored_and_counted() {
    let ip = non_loopback_ip();
    let d = tempfile::tempdir().unwrap();
    for (n, allow) in [(0, ""), (1, "allow = [\"0.0.0.0/0\"]\n")] {
        let dir = d.path().join(format!("data{n}"));
        let cfg = d.path().join(format!("wangan{n}.toml"));
        std::fs::write(
            &cfg,
            format!(
                "version = 1\n[intake]\nsyslog_tcp = \"0.0.0.0:0\"\nsyslog_udp = \"0.0.0.0:0\"\nhttp = \"127.0.0.1:0\"\n{allow}"
            ),
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
        let tcp = std::net::SocketAddr::new(ip, s.tcp.unwrap().port());
        let udp = std::net::SocketAddr::new(ip, s.udp.unwrap().port());
        let mut c = std::net::TcpStream::connect(tcp).unwrap();
        let _ = c.write_all(b"<13>from outside over tcp\n");
        drop(c);
        let u = std::net::UdpSocket::bind((ip, 0)).unwrap();
        u.send_to(b"<13>from outside over udp", udp).unwrap();
        let m = metrics_text(&s, &s.token.clone().unwrap());
        if n == 0 {
            // refusals are counted before anything is read: wait for both
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            let mut m = m;
            while !m.contains("wangan_intake_rejected_total{reason=\"denied_peer\"} 2") {
                assert!(std::time::Instant::now() < deadline, "{m}");
                std::thread::sleep(std::time::Duration::from_millis(100));
                m = metrics_text(&s, &s.token.clone().unwrap());
            }
            // and logged: who, on which listener, why
            let log = s.stderr_text();
            for listener in ["syslog-tcp", "syslog-udp"] {
                assert!(
                    log.lines().any(|l| l.contains(" refused")
                        && l.contains(listener)
                        && l.contains("denied_peer")
                        && l.contains(&ip.to_string())),
                    "{listener}: {log}"
                );
            }
            s.stop();
            assert!(records(&dir, "syslog-tcp").is_empty());
            assert!(records(&dir, "syslog-udp").is_empty());
        } else {
            let t = wait_records(&dir, "syslog-tcp", 1);
            wait_records(&dir, "syslog-udp", 1);
            assert!(t[0].peer.starts_with(&format!("{ip}:")), "{}", t[0].peer);
            s.stop();
        }
        verify(&dir);
    }
}
