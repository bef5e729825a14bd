//! Syslog over TLS (RFC 5425) and HTTPS, with and without client certificates.

use std::path::Path;
use std::process::Command;

use crate::common::*;

fn openssl(dir: &Path, args: &[&str]) {
    require_tool("openssl", "openssl");
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A CA, a server certificate for 127.0.0.1/localhost and a client certificate.
fn make_pki(dir: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut a = vec!["req", "-x509"];
    a.extend(ec);
    a.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=wangan test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(dir, &a);
    for (name, eku, san) in [
        (
            "server",
            "serverAuth",
            "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
        ),
        ("client", "clientAuth", ""),
    ] {
        let mut a = vec!["req"];
        a.extend(ec);
        let key = format!("{name}.key");
        let csr = format!("{name}.csr");
        let subj = format!("/CN={name}");
        a.extend(["-keyout", &key, "-out", &csr, "-subj", &subj]);
        openssl(dir, &a);
        let ext = format!("{name}.ext");
        std::fs::write(
            dir.join(&ext),
            format!("{san}basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage={eku}\n"),
        )
        .unwrap();
        let pem = format!("{name}.pem");
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &pem,
                "-days",
                "2",
                "-extfile",
                &ext,
            ],
        );
    }
}

const PY_TLS: &str = r#"
import socket, ssl, sys
port, ca, cert, key, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
ctx = ssl.create_default_context(cafile=ca)
if cert != "-":
    ctx.load_cert_chain(cert, key)
with socket.create_connection(("127.0.0.1", port)) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        for i in range(n):
            m = f"<14>1 2026-11-30T06:00:00Z fw1 app - - - tls message {i}".encode()
            s.sendall(str(len(m)).encode() + b" " + m)
        s.unwrap()
print("sent")
"#;

#[test]
fn syslog_tls_and_https_with_client_certificates() {
    let d = tempfile::tempdir().unwrap();
    let pki = d.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    make_pki(&pki);
    let dir = d.path().join("data");
    let cfg = d.path().join("wangan.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[intake]\nsyslog_tls = \"127.0.0.1:0\"\nhttp = \"127.0.0.1:0\"\n\
[tls]\ncert = \"pki/server.pem\"\nkey = \"pki/server.key\"\nclient_ca = \"pki/ca.pem\"\nhttp = true\n",
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
    let port = s.tls.unwrap().port().to_string();
    let p = |f: &str| pki.join(f).display().to_string();
    run_python(
        PY_TLS,
        &[
            &port,
            &p("ca.pem"),
            &p("client.pem"),
            &p("client.key"),
            "25",
        ],
        None,
    );
    let r = wait_records(&dir, "syslog-tls", 25);
    assert!(r.iter().all(|r| r.transport == "tls"));
    assert!(String::from_utf8_lossy(&r[24].raw).ends_with("tls message 24"));
    // without a client certificate the handshake fails and nothing is stored (with TLS 1.3
    // the client may believe it connected: the server's refusal arrives after its Finished)
    let _ = Command::new(python())
        .args(["-c", PY_TLS, &port, &p("ca.pem"), "-", "-", "3"])
        .output()
        .unwrap();
    let tok = s.token.clone().unwrap();
    require_tool("curl", "curl");
    let out = wangan()
        .args([
            "token",
            "create",
            "--role",
            "metrics",
            "--json",
            "--data-dir",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mtok = v["token"].as_str().unwrap().to_owned();
    let hport = s.http.unwrap().port();
    // curl with the CA, the client certificate and localhost resolved to the listener
    let curl = || {
        let mut c = Command::new("curl");
        c.args(["-s", "--cacert", &p("ca.pem"), "--cert", &p("client.pem")])
            .args(["--key", &p("client.key"), "--resolve"])
            .arg(format!("localhost:{hport}:127.0.0.1"));
        c
    };
    let https = |path: &str, auth: &str, body: Option<&str>| -> String {
        let mut c = curl();
        c.args(["-w", "\n%{http_code}"])
            .args(["-H", &format!("Authorization: Bearer {auth}")]);
        if let Some(b) = body {
            c.args(["--data-binary", b]);
        }
        let out = c
            .arg(format!("https://localhost:{hport}{path}"))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let m = https("/metrics", &mtok, None);
        if m.contains("wangan_intake_rejected_total{reason=\"tls_handshake\"} 1") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "handshake not refused: {m}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(records(&dir, "syslog-tls").len(), 25);
    // the refused handshake is in the log: peer, listener and why
    let log = s.stderr_text();
    assert!(
        log.lines().any(|l| l.contains(" refused")
            && l.contains("syslog-tls")
            && l.contains("tls_handshake")
            && l.contains("127.0.0.1:")
            && l.contains("certificate")),
        "{log}"
    );
    // HTTPS with curl, client certificate and token
    let text = https("/api/v1/logs", &tok, Some("{\"over\":\"https\"}"));
    assert!(text.ends_with("\n200"), "{text}");
    let h = records(&dir, "http");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].transport, "https");
    // over TLS the console's cookies are Secure (as well as HttpOnly and SameSite=Strict)
    let out = curl()
        .arg("-i")
        .arg(format!("https://localhost:{hport}/console/login"))
        .output()
        .unwrap();
    let head = String::from_utf8_lossy(&out.stdout);
    let cookie = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("no cookie from the sign-in page: {head}"));
    for attr in ["; Secure", "; HttpOnly", "; SameSite=Strict"] {
        assert!(cookie.contains(attr), "{attr} missing: {cookie}");
    }
    s.stop();
    verify(&dir);
}

#[test]
fn rsyslog_forwards_over_tls_with_a_client_certificate() {
    require_tool("rsyslogd", "rsyslog");
    assert!(
        std::path::Path::new("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so").exists()
            || std::path::Path::new("/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so").exists(),
        "rsyslog's TLS driver is missing: install the Debian package `rsyslog-gnutls`"
    );
    let d = tempfile::tempdir().unwrap();
    let pki = d.path().join("pki");
    std::fs::create_dir_all(&pki).unwrap();
    make_pki(&pki);
    let dir = d.path().join("data");
    let cfg = d.path().join("wangan.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[intake]\nsyslog_tls = \"127.0.0.1:0\"\nhttp = \"127.0.0.1:0\"\n\
[tls]\ncert = \"pki/server.pem\"\nkey = \"pki/server.key\"\nclient_ca = \"pki/ca.pem\"\n",
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
    let in_port = free_port();
    let work = d.path().join("rs");
    std::fs::create_dir_all(&work).unwrap();
    let p = |f: &str| pki.join(f).display().to_string();
    let conf = work.join("rsyslog.conf");
    std::fs::write(
        &conf,
        format!(
            r#"global(workDirectory="{w}" DefaultNetstreamDriverCAFile="{ca}" DefaultNetstreamDriverCertFile="{cert}" DefaultNetstreamDriverKeyFile="{key}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="{in_port}" ruleset="fwd")
ruleset(name="fwd") {{
  action(type="omfwd" target="127.0.0.1" port="{tls}" protocol="tcp" StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name" StreamDriverPermittedPeers="localhost" template="RSYSLOG_SyslogProtocol23Format")
}}
"#,
            w = work.display(),
            ca = p("ca.pem"),
            cert = p("client.pem"),
            key = p("client.key"),
            tls = s.tls.unwrap().port(),
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
        .stderr(std::fs::File::create(work.join("rsyslogd.err")).unwrap())
        .spawn()
        .expect("start rsyslogd");
    for _ in 0..100 {
        if pid.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(pid.exists(), "rsyslogd did not start");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..20 {
        let m = format!("<86>Nov 30 06:00:00 sw1 sshd[7]: 用户 admin 登录成功 via tls relay {i}");
        sock.send_to(m.as_bytes(), ("127.0.0.1", in_port)).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let r = wait_records(&dir, "syslog-tls", 20);
    let _ = Command::new("kill")
        .args(["-TERM", &rs.id().to_string()])
        .status();
    let _ = rs.wait();
    assert!(r.iter().all(|r| r.transport == "tls"));
    assert!(
        r.iter().all(|r| r.raw.starts_with(b"<86>1 ")),
        "RFC 5424 over RFC 5425 framing"
    );
    assert!(String::from_utf8_lossy(&r[19].raw).contains("登录成功 via tls relay 19"));
    s.stop();
    verify(&dir);
}
