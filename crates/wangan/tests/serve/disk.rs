//! A full disk stops acceptance with an alarm (HTTP 503, not ready) and intake resumes by
//! itself once space returns, with nothing corrupted. Needs root (mounts a small tmpfs).

use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::*;

struct Mount(std::path::PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn fill(path: &std::path::Path) -> u64 {
    let mut f = std::fs::File::create(path).unwrap();
    let mut n = 0u64;
    for chunk in [1 << 16, 4096, 1] {
        let buf = vec![0u8; chunk];
        while f.write_all(&buf).is_ok() {
            n += chunk as u64;
        }
    }
    n
}

/// A `size` tmpfs mounted under a new temporary directory (unmounted on drop).
fn small_disk(size: &str) -> (tempfile::TempDir, std::path::PathBuf, Mount) {
    let d = tempfile::tempdir().unwrap();
    let mnt = d.path().join("small");
    std::fs::create_dir_all(&mnt).unwrap();
    let st = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(&mnt)
        .status()
        .expect("run mount");
    assert!(
        st.success(),
        "this test mounts a {size} tmpfs to fill it: run it as root (mount from util-linux `mount`)"
    );
    let m = Mount(mnt.clone());
    (d, mnt, m)
}

/// NDJSON records tagged `tag`, `pad` bytes of padding each.
fn ndjson(tag: &str, n: usize, pad: usize) -> Vec<u8> {
    (0..n)
        .map(|i| {
            format!(
                "{{\"tag\":\"{tag}\",\"i\":{i},\"pad\":\"{}\"}}\n",
                "p".repeat(pad)
            )
        })
        .collect::<String>()
        .into_bytes()
}

fn count_tag(dir: &std::path::Path, tag: &str) -> usize {
    records(dir, "http")
        .iter()
        .filter(|x| String::from_utf8_lossy(&x.raw).contains(&format!("\"tag\":\"{tag}\"")))
        .count()
}

fn ready(s: &Server) -> u16 {
    http(s.http.unwrap(), "GET", "/readyz", None, b"")
        .unwrap()
        .0
}

#[test]
fn full_disk_answers_503_and_recovers_when_space_returns() {
    let d = tempfile::tempdir().unwrap();
    let mnt = d.path().join("small");
    std::fs::create_dir_all(&mnt).unwrap();
    let st = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=6m", "tmpfs"])
        .arg(&mnt)
        .status()
        .expect("run mount");
    assert!(
        st.success(),
        "this test mounts a 6 MiB tmpfs to fill it: run it as root (mount from util-linux `mount`)"
    );
    let _m = Mount(mnt.clone());
    let dir = mnt.join("data");
    let s = Server::start(&dir);
    let tok = format!("Bearer {}", s.token.clone().unwrap());
    let body = |tag: &str| -> Vec<u8> {
        (0..400)
            .map(|i| {
                format!(
                    "{{\"tag\":\"{tag}\",\"i\":{i},\"pad\":\"{}\"}}\n",
                    "p".repeat(200)
                )
            })
            .collect::<String>()
            .into_bytes()
    };
    let (code, _, _) = http(
        s.http.unwrap(),
        "POST",
        "/api/v1/logs",
        Some(&tok),
        &body("before"),
    )
    .unwrap();
    assert_eq!(code, 200);
    let filler = mnt.join("filler");
    fill(&filler);
    let (code, head, b) = http(
        s.http.unwrap(),
        "POST",
        "/api/v1/logs",
        Some(&tok),
        &body("full"),
    )
    .unwrap();
    assert_eq!(code, 503, "{}", String::from_utf8_lossy(&b));
    assert!(head.to_ascii_lowercase().contains("retry-after"), "{head}");
    // not ready, and it stays so while the disk is full (the writer retries every second)
    for _ in 0..20 {
        assert_eq!(
            ready(&s),
            503,
            "/readyz answered 200 while the disk was full"
        );
        std::thread::sleep(Duration::from_millis(150));
    }
    // still full: refused quickly, not queued
    let (code, _, _) = http(
        s.http.unwrap(),
        "POST",
        "/api/v1/logs",
        Some(&tok),
        &body("full2"),
    )
    .unwrap();
    assert_eq!(code, 503);
    assert!(
        s.stderr_text().contains("ALARM"),
        "a clear alarm in the log"
    );
    std::fs::remove_file(&filler).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while ready(&s) != 200 {
        assert!(
            Instant::now() < deadline,
            "intake did not resume: {}",
            s.stderr_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let (code, _, _) = http(
        s.http.unwrap(),
        "POST",
        "/api/v1/logs",
        Some(&tok),
        &body("after"),
    )
    .unwrap();
    assert_eq!(code, 200);
    s.stop();
    verify(&dir);
    let r = records(&dir, "http");
    let count = |tag: &str| {
        r.iter()
            .filter(|x| String::from_utf8_lossy(&x.raw).contains(&format!("\"tag\":\"{tag}\"")))
            .count()
    };
    assert_eq!((count("before"), count("after")), (400, 400));
    assert_eq!(count("full2"), 0, "refused requests store nothing");
}

#[test]
fn a_refused_request_stores_nothing_so_a_retry_never_duplicates() {
    let (_d, mnt, _m) = small_disk("8m");
    let dir = mnt.join("data");
    let s = Server::start(&dir);
    let tok = format!("Bearer {}", s.token.clone().unwrap());
    let post =
        |body: &[u8]| http(s.http.unwrap(), "POST", "/api/v1/logs", Some(&tok), body).unwrap();
    assert_eq!(post(&ndjson("before", 100, 200)).0, 200);
    // leave about 600 KiB free: a 3 MiB request reaches the disk block by block and its first
    // blocks fit before the disk is full
    let spacer = mnt.join("spacer");
    std::fs::write(&spacer, vec![0u8; 600 << 10]).unwrap();
    let filler = mnt.join("filler");
    fill(&filler);
    std::fs::remove_file(&spacer).unwrap();
    let big = ndjson("big", 12_000, 240);
    assert!(big.len() > 3 << 20);
    let (code, _, body) = post(&big);
    let text = String::from_utf8_lossy(&body);
    assert_eq!(code, 503, "{text}");
    assert!(
        text.contains("nothing of this request was stored"),
        "{text}"
    );
    // the store stays not ready while the disk is full: no flapping
    for _ in 0..25 {
        assert_eq!(
            ready(&s),
            503,
            "/readyz answered 200 while the disk was full"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::fs::remove_file(&filler).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while ready(&s) != 200 {
        assert!(
            Instant::now() < deadline,
            "intake did not resume: {}",
            s.stderr_text()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // the client retries the refused request: stored exactly once
    assert_eq!(post(&big).0, 200);
    s.stop();
    verify(&dir);
    assert_eq!(count_tag(&dir, "before"), 100);
    assert_eq!(
        count_tag(&dir, "big"),
        12_000,
        "the refused request left nothing behind, so its retry did not duplicate records"
    );
}

#[test]
fn shutdown_on_a_full_disk_says_no_checkpoint_was_signed() {
    let (_d, mnt, _m) = small_disk("6m");
    let dir = mnt.join("data");
    let s = Server::start(&dir);
    let tok = format!("Bearer {}", s.token.clone().unwrap());
    assert_eq!(
        http(
            s.http.unwrap(),
            "POST",
            "/api/v1/logs",
            Some(&tok),
            &ndjson("a", 50, 100)
        )
        .unwrap()
        .0,
        200
    );
    let filler = mnt.join("filler");
    fill(&filler);
    let (code, _, _) = http(
        s.http.unwrap(),
        "POST",
        "/api/v1/logs",
        Some(&tok),
        &ndjson("b", 400, 200),
    )
    .unwrap();
    assert_eq!(code, 503);
    let (status, log) = s.stop_status();
    assert_eq!(status.code(), Some(74), "not signed is a failure: {log}");
    assert!(log.contains("without a final checkpoint"), "{log}");
    assert!(!log.contains("final checkpoint signed"), "{log}");
    std::fs::remove_file(&filler).unwrap();
    // acknowledged records are in the WAL; the next start checkpoints them
    let s = Server::start(&dir);
    let (status, log) = s.stop_status();
    assert!(status.success(), "{log}");
    verify(&dir);
    assert_eq!(count_tag(&dir, "a"), 50);
    assert_eq!(count_tag(&dir, "b"), 0);
    let store = vault::Store::open(&dir).unwrap();
    assert_eq!(
        store.latest_checkpoint().unwrap().unwrap().checkpoint.size,
        store.size()
    );
}
