//! Power cuts while clients send over HTTP: `wangan serve` runs on a `lossfs` mount that drops
//! whatever was not fsynced when the power is cut (file bytes and sizes, creates, renames and
//! unlinks not yet fixed by a directory fsync). After each cut at a seeded random point the
//! file system comes back with only what was durable, `wangan vault verify` passes, and every
//! record that got an HTTP 200 is there. Needs root and /dev/fuse.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lossfs::{Image, Mount};

use crate::common::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

const PER_REQUEST: usize = 20;

#[test]
fn a_power_cut_loses_nothing_that_got_an_http_200() {
    let seed: u64 = std::env::var("WANGAN_POWER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_0ff1_ce00);
    let rounds: u32 = std::env::var("WANGAN_POWER_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    let mut rng = Rng(seed | 1);
    let base = tempfile::tempdir().unwrap();
    let mnt = base.path().join("m0");
    std::fs::create_dir(&mnt).unwrap();
    // the data directory is the mount's root, so the harness's stderr file lies outside it
    let mut mount = Mount::at(Image::default(), &mnt).unwrap();
    let mut token: Option<String> = None;
    let acked: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let mut total_ok = 0usize;
    let mut cuts = Vec::new();
    for round in 0..rounds {
        let dir = mount.path().to_path_buf();
        let s = Server::start(&dir);
        if let Some(t) = &s.token {
            assert!(
                token.is_none(),
                "round {round}: the ingest token of the first run did not survive the power cut"
            );
            token = Some(t.clone());
        }
        let auth = format!("Bearer {}", token.clone().unwrap());
        let addr = s.http.unwrap();
        // cut at a seeded point: any operation, or the nth fsync, rename or directory fsync
        match round % 4 {
            0 => mount.arm(30 + rng.next() % 600),
            1 => mount.arm_on("fsync", 1 + rng.next() % 20),
            2 => mount.arm_on("rename", 1 + rng.next() % 3),
            _ => mount.arm_on("fsyncdir", 1 + rng.next() % 3),
        }
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        for client in 0..3 {
            let stop = stop.clone();
            let acked = acked.clone();
            let auth = auth.clone();
            threads.push(std::thread::spawn(move || {
                let mut k = 0u64;
                let mut ok = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let mut body = String::new();
                    for i in 0..PER_REQUEST {
                        body.push_str(&format!(
                            "{{\"round\":{round},\"client\":{client},\"k\":{k},\"i\":{i},\"pad\":\"{}\"}}\n",
                            "p".repeat((k as usize * 37 + i * 11) % 400)
                        ));
                    }
                    match http(addr, "POST", "/api/v1/logs", Some(&auth), body.as_bytes()) {
                        Ok((200, _, _)) => {
                            acked.lock().unwrap().push(body);
                            ok += 1;
                        }
                        // after the cut the store refuses (503) or the server is gone:
                        // no acknowledgement, nothing promised
                        Ok(_) | Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                    k += 1;
                }
                ok
            }));
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while !mount.is_cut() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        mount.cut();
        s.kill9();
        stop.store(true, Ordering::Relaxed);
        for t in threads {
            total_ok += t.join().unwrap();
        }
        cuts.push(mount.stats().cut_at.unwrap_or_default());
        // reboot: only what was durable, mounted afresh
        let image = mount.durable_image();
        mount.unmount().unwrap();
        let next = base.path().join(format!("m{}", round + 1));
        std::fs::create_dir(&next).unwrap();
        mount = Mount::at(image, &next).unwrap();
        verify(mount.path());
    }
    assert!(total_ok > 0, "no request was acknowledged at all");
    let dir = mount.path().to_path_buf();
    let stored: HashSet<Vec<u8>> = records(&dir, "http").into_iter().map(|r| r.raw).collect();
    let acked = acked.lock().unwrap();
    let mut missing = 0;
    for body in acked.iter() {
        for line in body.lines() {
            if !stored.contains(line.as_bytes()) {
                missing += 1;
            }
        }
    }
    assert_eq!(
        missing, 0,
        "acknowledged records missing after {rounds} power cuts (seed {seed:#x}, cut at {cuts:?})"
    );
    eprintln!(
        "{rounds} power cuts (seed {seed:#x}): {total_ok} requests acknowledged, all present; cut at {cuts:?}"
    );
    // and the server starts again on what survived
    let s = Server::start(&dir);
    s.stop();
    verify(&dir);
}
