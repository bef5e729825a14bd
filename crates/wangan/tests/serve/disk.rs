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
    assert_eq!(ready(&s), 503);
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
