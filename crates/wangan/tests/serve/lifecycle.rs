//! First run, restarts, idle checkpoints, SIGTERM, configuration errors.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::*;

#[test]
fn first_run_message_then_idle_checkpoints_and_a_final_one_on_sigterm() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    // human first-run message, in Chinese
    let mut c = wangan()
        .env("LANG", "zh_CN.UTF-8")
        .args([
            "serve",
            "--syslog-udp",
            "off",
            "--syslog-tcp",
            "off",
            "--http",
            "127.0.0.1:0",
            "--data-dir",
        ])
        .arg(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(c.stdout.take().unwrap());
    let mut text = String::new();
    while !text.contains("监听") {
        let n = std::io::BufRead::read_line(&mut out, &mut text).unwrap();
        assert!(n > 0, "ended early: {text}");
    }
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &c.id().to_string()])
        .status();
    assert!(c.wait().unwrap().success());
    assert!(text.contains("首次运行"), "{text}");
    assert!(text.contains("wgn_"), "the token is shown once: {text}");
    assert!(text.contains("审计公钥 (Ed25519)"), "{text}");

    // second run: no new token, checkpoints every second while idle
    let cfg = d.path().join("wangan.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[intake]\nhttp = \"127.0.0.1:0\"\n[commit]\ncheckpoint_secs = 1\n",
    )
    .unwrap();
    let cps = || {
        vault::Store::open(&dir)
            .unwrap()
            .checkpoints()
            .unwrap()
            .entries
            .len()
    };
    let before = cps();
    let s = Server::start_with(
        &dir,
        Opts {
            config: Some(&cfg),
            args: vec![],
            ..Opts::default()
        },
    );
    assert!(s.token.is_none(), "a token exists already: none is created");
    let deadline = Instant::now() + Duration::from_secs(20);
    while cps() < before + 2 {
        assert!(Instant::now() < deadline, "no idle checkpoints");
        std::thread::sleep(Duration::from_millis(200));
    }
    s.stop();
    let store = vault::Store::open(&dir).unwrap();
    let last = store.latest_checkpoint().unwrap().unwrap();
    assert_eq!(last.checkpoint.size, store.size());
    verify(&dir);
}

#[test]
fn bad_configuration_and_busy_ports_fail_clearly() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("wangan.toml");
    std::fs::write(
        &cfg,
        "version = 1\n[intake]\nhttp = \"127.0.0.1:0\"\nlisten = \"x\"\n",
    )
    .unwrap();
    let out = wangan()
        .arg("serve")
        .arg("--config")
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("unknown field `listen`"), "{e}");
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().to_string();
    let out = wangan()
        .args([
            "serve",
            "--syslog-udp",
            "off",
            "--syslog-tcp",
            "off",
            "--http",
            &port,
            "--data-dir",
        ])
        .arg(d.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(74),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains(&port));
    let out = wangan()
        .args(["serve", "--http", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
}

/// Run `wangan serve --config FILE` and return its exit code and stderr; fails when the
/// server is still running after 20 s (it should have refused the file).
fn serve_refuses(cfg: &std::path::Path, data: &std::path::Path) -> (Option<i32>, String) {
    let mut c = wangan()
        .arg("serve")
        .arg("--config")
        .arg(cfg)
        .arg("--data-dir")
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(st) = c.try_wait().unwrap() {
            let mut e = String::new();
            std::io::Read::read_to_string(&mut c.stderr.take().unwrap(), &mut e).unwrap();
            return (st.code(), e);
        }
        if Instant::now() > deadline {
            let _ = c.kill();
            let _ = c.wait();
            panic!("serve accepted {} and kept running", cfg.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn durations_and_counts_out_of_range_are_refused_at_load_time() {
    let d = tempfile::tempdir().unwrap();
    let data = d.path().join("data");
    let cfg = d.path().join("wangan.toml");
    let cases = [
        (
            "intake",
            "idle_timeout_secs",
            "9223372036854775807",
            "1 to 604800",
        ),
        (
            "intake",
            "frame_timeout_secs",
            "9223372036854775807",
            "1 to 86400",
        ),
        ("intake", "frame_timeout_secs", "0", "1 to 86400"),
        ("intake", "max_connections", "0", "1 to 1000000"),
        (
            "intake",
            "max_body_bytes",
            "9223372036854775807",
            "1024 to 1073741824",
        ),
        (
            "intake",
            "refusal_log_secs",
            "9223372036854775807",
            "1 to 86400",
        ),
        (
            "commit",
            "checkpoint_secs",
            "9223372036854775807",
            "1 to 86400",
        ),
        ("commit", "proof_ms", "9223372036854775807", "1 to 3600000"),
        ("commit", "window_ms", "9223372036854775807", "0 to 1000"),
        (
            "commit",
            "syslog_window_ms",
            "9223372036854775807",
            "0 to 10000",
        ),
        (
            "commit",
            "queue_bytes",
            "9223372036854775807",
            "1048576 to 68719476736",
        ),
        ("commit", "max_records", "0", "1 to 16777216"),
    ];
    for (section, key, value, range) in cases {
        let mut text = "version = 1\n[intake]\nhttp = \"127.0.0.1:0\"\n".to_owned();
        if section == "intake" {
            text.push_str(&format!("{key} = {value}\n"));
        } else {
            text.push_str(&format!("[{section}]\n{key} = {value}\n"));
        }
        std::fs::write(&cfg, &text).unwrap();
        let (code, e) = serve_refuses(&cfg, &data);
        assert_eq!(code, Some(78), "{key} = {value}: {e}");
        for want in [
            cfg.display().to_string(),
            format!("[{section}] {key} = {value} is out of range: allowed {range}"),
        ] {
            assert!(e.contains(&want), "{want:?} missing: {e}");
        }
    }
    // the largest allowed values work: a connection is served, nothing overflows
    std::fs::write(
        &cfg,
        "version = 1\n[intake]\nhttp = \"127.0.0.1:0\"\nidle_timeout_secs = 604800\nframe_timeout_secs = 86400\n[commit]\ncheckpoint_secs = 86400\nproof_ms = 3600000\n",
    )
    .unwrap();
    let s = Server::start_with(
        &data,
        Opts {
            config: Some(&cfg),
            args: vec![],
            ..Opts::default()
        },
    );
    let tok = format!("Bearer {}", s.token.clone().unwrap());
    let (code, _, _) = http(
        s.http.unwrap(),
        "POST",
        "/api/v1/logs",
        Some(&tok),
        b"{\"a\":1}",
    )
    .unwrap();
    assert_eq!(code, 200);
    s.stop();
    assert_eq!(records(&data, "http").len(), 1);
}
