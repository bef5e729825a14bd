//! Refusals reach the server's log: peer, listener, reason and token id (never the secret),
//! once per peer and reason per interval, so a flood stays a few lines.

use std::process::Command;

use crate::common::*;
use crate::syslog::metrics_text;

fn refused_lines(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("WARN") && l.contains(" refused"))
        .collect()
}

#[test]
fn a_refused_login_is_logged_with_peer_and_reason_and_a_flood_stays_bounded() {
    require_tool("curl", "curl");
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let s = Server::start(&dir);
    let tok = s.token.clone().unwrap();
    let base = format!("http://{}", s.http.unwrap());
    let secret = "wgn_0badc0de_ThisSecretMustNeverBeLogged";
    let out = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}"])
        .args(["-H", &format!("Authorization: Bearer {secret}")])
        .args(["--data-binary", "{\"msg\":\"x\"}"])
        .arg(format!("{base}/api/v1/logs"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "401");
    let log = s.stderr_text();
    let lines = refused_lines(&log);
    assert_eq!(lines.len(), 1, "{log}");
    let l = lines[0];
    for want in [
        "127.0.0.1:",
        "http",
        "unauthorized",
        "0badc0de",
        "unknown or revoked token",
    ] {
        assert!(l.contains(want), "{want} missing: {l}");
    }
    // a flood: bad tokens, no credentials, malformed bodies
    let addr = s.http.unwrap();
    for i in 0..300 {
        let (c, _, _) = http(
            addr,
            "POST",
            "/api/v1/logs",
            Some(&format!("Bearer wgn_{i:08x}_{secret}")),
            b"{}",
        )
        .unwrap();
        assert_eq!(c, 401);
    }
    for _ in 0..50 {
        assert_eq!(http(addr, "GET", "/", None, b"").unwrap().0, 401);
    }
    for _ in 0..100 {
        let (c, _, _) = http(
            addr,
            "POST",
            "/api/v1/logs",
            Some(&format!("Bearer {tok}")),
            b"{\"ok\":1}\n{\"broken\":\n",
        )
        .unwrap();
        assert_eq!(c, 400);
    }
    // a token without the role: logged with its id
    let m = metrics_text(&s, &tok);
    let log = s.stderr_text();
    let lines = refused_lines(&log);
    assert!(
        lines.len() <= 3,
        "one line per peer and reason per interval: {}",
        lines.join("\n")
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("bad_json") && l.contains("line 2")),
        "{log}"
    );
    let ingest_id = &tok[4..12];
    assert!(
        lines
            .iter()
            .any(|l| l.contains("forbidden") && l.contains(ingest_id)),
        "{log}"
    );
    assert!(!log.contains("ThisSecretMustNeverBeLogged"), "{log}");
    assert!(!log.contains(&tok), "{log}");
    // every refusal is counted
    assert!(
        m.contains("wangan_intake_rejected_total{reason=\"unauthorized\"} 351"),
        "{m}"
    );
    assert!(
        m.contains("wangan_intake_rejected_total{reason=\"bad_json\"} 100"),
        "{m}"
    );
    s.stop();
}
