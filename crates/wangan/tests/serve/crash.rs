//! kill -9 while clients send over HTTP: after restart the vault verifies and every record
//! that got a success response is there. Seeded random kill points, many rounds.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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

const PER_REQUEST: usize = 25;

#[test]
fn kill_9_loses_nothing_that_was_acknowledged() {
    let seed: u64 = std::env::var("WANGAN_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026);
    let rounds: u32 = std::env::var("WANGAN_CRASH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let mut rng = Rng(seed | 1);
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let mut token = None;
    let acked: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(Vec::new()));
    let mut total_ok = 0usize;
    for round in 0..rounds {
        let s = Server::start(&dir);
        if token.is_none() {
            token = s.token.clone();
        }
        let auth = format!("Bearer {}", token.clone().unwrap());
        let addr = s.http.unwrap();
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
                            "{{\"round\":{round},\"client\":{client},\"k\":{k},\"i\":{i}}}\n"
                        ));
                    }
                    match http(addr, "POST", "/api/v1/logs", Some(&auth), body.as_bytes()) {
                        Ok((200, _, _)) => {
                            acked.lock().unwrap().push(body);
                            ok += 1;
                        }
                        Ok((code, _, b)) => {
                            panic!("unexpected status {code}: {}", String::from_utf8_lossy(&b))
                        }
                        // the server died mid-request: no acknowledgement, nothing promised
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                    k += 1;
                }
                ok
            }));
        }
        let wait = 100 + rng.next() % 700;
        std::thread::sleep(Duration::from_millis(wait));
        s.kill9();
        stop.store(true, Ordering::Relaxed);
        for t in threads {
            total_ok += t.join().unwrap();
        }
        verify(&dir);
    }
    assert!(total_ok > 0, "no request was acknowledged at all");
    // every acknowledged record is present
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
        "acknowledged records missing after {rounds} kill -9 rounds (seed {seed:#x})"
    );
    // and the server starts again on the crashed store
    let s = Server::start(&dir);
    s.stop();
    verify(&dir);
}
