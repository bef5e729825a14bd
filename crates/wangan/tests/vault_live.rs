//! Reading the vault while `wangan serve` writes to it (issue 16): `vault verify` (full and
//! `--quick`) run in a loop under HTTP and syslog load must never cry wolf, and
//! `vault prune --dry-run` runs beside the server (it only reads).

#[allow(dead_code)]
#[path = "serve/common.rs"]
mod common;

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::*;

/// Findings a reader must not report about a healthy store that is being written: anything
/// above info, and the infos that claim an interruption (a torn tail, a lost tail, a
/// leftover temporary file) when the writer is merely busy.
fn false_alarms(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .filter(|f| {
                    f["severity"] != "info"
                        || matches!(
                            f["kind"].as_str(),
                            Some(
                                "unsealed_tail_lost" | "interrupted_write" | "checkpoint_log_torn"
                            )
                        )
                })
                .map(|f| format!("{} {}: {}", f["severity"], f["kind"], f["message"]))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn verify_and_a_dry_run_prune_beside_a_loaded_server_never_cry_wolf() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    // small segments: seals (a new WAL, a segment written in the background, the old WAL
    // removed) happen many times while verify reads
    let o = wangan()
        .args(["vault", "init", "--segment-size", "32000000", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = Server::start(&dir);
    let tok = format!("Bearer {}", s.token.clone().expect("first-run token"));
    let stop = Arc::new(AtomicBool::new(false));
    let http_ok = Arc::new(AtomicU64::new(0));
    let mut load = Vec::new();
    // HTTP: acknowledged (fsynced) batches; the rates keep the store to a few hundred
    // thousand records, so a full verify stays quick in a debug build
    for t in 0..1 {
        let (stop, ok, tok, addr) = (stop.clone(), http_ok.clone(), tok.clone(), s.http.unwrap());
        load.push(std::thread::spawn(move || {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let body: String = (0..400)
                    .map(|k| {
                        format!(
                            "{{\"t\":{t},\"i\":{i},\"k\":{k},\"pad\":\"{}\"}}\n",
                            "p".repeat(120)
                        )
                    })
                    .collect();
                let (code, _, b) =
                    http(addr, "POST", "/api/v1/logs", Some(&tok), body.as_bytes()).expect("post");
                assert_eq!(code, 200, "{}", String::from_utf8_lossy(&b));
                ok.fetch_add(400, Ordering::Relaxed);
                i += 1;
                std::thread::sleep(Duration::from_millis(40));
            }
        }));
    }
    // syslog over TCP: written and fsynced in the background, never acknowledged
    {
        let (stop, addr) = (stop.clone(), s.tcp.unwrap());
        load.push(std::thread::spawn(move || {
            let mut c = TcpStream::connect(addr).expect("connect syslog tcp");
            c.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let mut b = String::new();
                for _ in 0..100 {
                    b.push_str(&format!(
                        "<34>Oct 11 22:14:15 fw1 sshd[42]: failed password for u{n} from 10.0.0.{}\n",
                        n % 250
                    ));
                    n += 1;
                }
                if c.write_all(b.as_bytes()).is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }));
    }
    // a WAL of some MiB first: reading it takes a while, and a checkpoint signed meanwhile
    // must not look like records removed
    let t0 = Instant::now();
    let big: String = (0..10_000)
        .map(|k| format!("{{\"pre\":{k},\"pad\":\"{}\"}}\n", "q".repeat(180)))
        .collect();
    let mut pre = 0u64;
    for _ in 0..10 {
        let (code, _, b) = http(
            s.http.unwrap(),
            "POST",
            "/api/v1/logs",
            Some(&tok),
            big.as_bytes(),
        )
        .unwrap();
        assert_eq!(code, 200, "{}", String::from_utf8_lossy(&b));
        pre += 10_000;
    }
    eprintln!("preloaded {pre} records in {:?}", t0.elapsed());
    http_ok.fetch_add(pre, Ordering::Relaxed);
    while http_ok.load(Ordering::Relaxed) < pre + 20_000 {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "no load reached the server"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // at least 10 rounds, and until several seals happened meanwhile
    let seg_count = || std::fs::read_dir(dir.join("seg")).map_or(0, |r| r.count());
    let first_segments = seg_count();
    let mut runs = 0;
    let mut alarms = Vec::new();
    while runs < 10 || (seg_count() < first_segments + 2 && runs < 60) {
        let i = runs;
        runs += 1;
        for mode in [&["--quick"][..], &[][..]] {
            let o = wangan()
                .args(["--json", "vault", "verify", "--data-dir"])
                .arg(&dir)
                .args(mode)
                .output()
                .unwrap();
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
                panic!(
                    "verify {mode:?} run {i}: not JSON ({e}): {}",
                    String::from_utf8_lossy(&o.stderr)
                )
            });
            let bad = false_alarms(&v);
            if o.status.code() != Some(0) || !bad.is_empty() {
                alarms.push(format!(
                    "run {i} {mode:?} exit {:?}: {bad:?}",
                    o.status.code()
                ));
            }
        }
        let o = wangan()
            .args(["--json", "vault", "prune", "--dry-run", "--data-dir"])
            .arg(&dir)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "prune --dry-run beside serve: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["dry_run"], true);
        assert_eq!(v["pruned"].as_array().map(Vec::len), Some(0), "{v}");
    }
    stop.store(true, Ordering::Relaxed);
    for t in load {
        t.join().unwrap();
    }
    let segments = seg_count() - first_segments;
    s.stop();
    assert!(
        alarms.is_empty(),
        "false alarms in {} of {} runs:\n{}",
        alarms.len(),
        2 * runs,
        alarms.join("\n")
    );
    assert!(
        segments >= 2,
        "only {segments} segments were sealed: the seal race was not exercised"
    );
    verify(&dir);
    let stored = records(&dir, "http").len() as u64;
    assert_eq!(
        stored,
        http_ok.load(Ordering::Relaxed),
        "acknowledged HTTP records stored"
    );
}
