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
