//! Crash test: `wangan vault ingest` (the real binary) is killed with SIGKILL
//! at random points of a large ingest, many times over. After every kill the
//! store must open, verify without error (an honestly declared torn tail is
//! fine, tampering never), keep everything a checkpoint covered, and hold
//! each run's records as an exact prefix of its input.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use vault::{Store, VerifyOptions};

type R<T> = Result<T, Box<dyn std::error::Error>>;

/// SplitMix64: a seeded, dependency-free generator (the kill points are reproducible).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

const LINES: usize = 25_000;

fn input_lines() -> Vec<String> {
    let mut rng = Rng(7);
    (0..LINES)
        .map(|i| {
            let seed = rng.next();
            let pad: String = (0..400u64)
                .map(|k| char::from(b'a' + ((seed >> (k % 59)) ^ k) as u8 % 26))
                .collect();
            format!(
                "<134>1 2026-11-30T01:00:00Z fw1 nat - - - SNAT conn {i} 10.{}.{}.{} {pad}",
                rng.next() % 256,
                rng.next() % 256,
                rng.next() % 256
            )
        })
        .collect()
}

fn wangan(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wangan"));
    c.args(args)
        .env_remove("WANGAN_DATA_DIR")
        .env("LANG", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Records of `source` from seq `from` on, as text.
fn run_records(store: &Store, from: u64, source: &str) -> R<Vec<String>> {
    let mut out = Vec::new();
    for r in store.records(from..store.size()) {
        let r = r?;
        if r.record.source == source {
            out.push(String::from_utf8(r.record.raw)?);
        }
    }
    Ok(out)
}

fn check(dir: &Path, iteration: usize, last_cp: &mut (u64, vault::Hash)) -> R<Store> {
    let store = Store::open(dir).map_err(|e| format!("iteration {iteration}: open: {e}"))?;
    let report = vault::verify(&store, &VerifyOptions::default())?;
    let bad: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.severity != vault::Severity::Info)
        .map(|f| format!("{} {}: {}", f.severity.name(), f.kind, f.message))
        .collect();
    assert!(
        bad.is_empty(),
        "iteration {iteration}: verify after a kill found {bad:?}"
    );
    // what a checkpoint covered before this kill is still there, unchanged
    let (size, root) = *last_cp;
    assert!(
        store.size() >= size,
        "iteration {iteration}: {} records on disk, a checkpoint covered {size}",
        store.size()
    );
    assert_eq!(
        store.root_at(size)?,
        root,
        "iteration {iteration}: root at {size} changed"
    );
    if let Some(cp) = store.latest_checkpoint()? {
        assert!(cp.checkpoint.size >= size);
        *last_cp = (cp.checkpoint.size, cp.checkpoint.root);
    }
    Ok(store)
}

#[test]
fn kill_9_during_ingest_never_corrupts_the_store() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let dd = d.display().to_string();
    let lines = input_lines();
    let input = tmp.path().join("big.log");
    std::fs::write(&input, lines.join("\n") + "\n")?;
    let inp = input.display().to_string();
    // small segments so that kills also land in sealing
    let st = wangan(&[
        "vault",
        "init",
        "--data-dir",
        &dd,
        "--segment-size",
        "4000000",
    ])
    .status()?;
    assert!(st.success());
    // one uninterrupted run in a scratch store tells how long a whole ingest takes
    // here; the kill points are then spread over that span (a calibration, not an
    // assertion on speed)
    let scratch = tmp.path().join("scratch");
    let sd = scratch.display().to_string();
    assert!(
        wangan(&["vault", "init", "--data-dir", &sd])
            .status()?
            .success()
    );
    let t0 = std::time::Instant::now();
    let st = wangan(&["vault", "ingest", "--data-dir", &sd, "--source", "s", &inp]).status()?;
    assert!(st.success());
    let mut span_ms = (t0.elapsed().as_millis() as u64).max(50);
    std::fs::remove_dir_all(&scratch)?;
    let mut rng = Rng(20261130);
    let mut last_cp = (0u64, vault::HashAlg::Sha256.empty_root());
    let mut killed_mid_run = 0;
    // At least 20 runs and at least 8 kills before a run finished. A run that
    // finished before its kill point shortens the span: on a shared machine the
    // calibration run can be much slower than the runs after it.
    let mut i = 0;
    while i < 20 || (killed_mid_run < 8 && i < 60) {
        let before = Store::open(&d)?.size();
        let source = format!("run-{i}");
        let mut child = wangan(&[
            "vault",
            "ingest",
            "--data-dir",
            &dd,
            "--source",
            &source,
            &inp,
        ])
        .spawn()?;
        let delay = 10 + rng.next() % span_ms;
        std::thread::sleep(Duration::from_millis(delay));
        let finished = child.try_wait()?.is_some();
        if !finished {
            child.kill()?; // SIGKILL
            child.wait()?;
        }
        let store = check(&d, i, &mut last_cp)?;
        let got = run_records(&store, before, &source)?;
        eprintln!(
            "iteration {i}: killed after {delay} ms, finished {finished}, {} of the run's records kept",
            got.len()
        );
        assert!(
            got.len() <= lines.len() && got[..] == lines[..got.len()],
            "iteration {i}: the stored records of the run are not a prefix of its input"
        );
        if finished {
            assert_eq!(
                got.len(),
                lines.len(),
                "iteration {i}: finished run incomplete"
            );
            span_ms = (span_ms * 2 / 3).max(50);
        } else {
            killed_mid_run += 1;
        }
        i += 1;
    }
    assert!(
        killed_mid_run >= 8,
        "only {killed_mid_run} of {i} runs were killed before finishing: the input is too small"
    );
    // a last, uninterrupted run recovers and stores everything
    let before = Store::open(&d)?.size();
    let st = wangan(&[
        "vault",
        "ingest",
        "--data-dir",
        &dd,
        "--source",
        "final",
        &inp,
    ])
    .status()?;
    assert!(st.success());
    let store = check(&d, i, &mut last_cp)?;
    assert_eq!(run_records(&store, before, "final")?, lines);
    let st = wangan(&["vault", "verify", "--data-dir", &dd]).status()?;
    assert_eq!(st.code(), Some(0));
    Ok(())
}
