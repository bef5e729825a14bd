//! Power-loss test of the vault: a writer process appends, syncs and
//! commits on a [`lossfs`] mount, which cuts the power at a seeded random
//! point (any operation, or the nth write, fsync, rename, unlink or
//! directory fsync, so the WAL, seal and checkpoint paths are all hit);
//! whatever was not fsynced is lost, the writer is killed, the file system
//! is mounted again from what was durable, and then:
//! - every durable size the writer acknowledged (`sync`, `commit`,
//!   `poll_durable`) is present with the root it had (so every record in
//!   it is, byte for byte),
//! - every checkpoint it acknowledged is in `checkpoints.log`,
//! - the vault opens, recovers, and `verify` finds it intact.
//!
//! The test has teeth: with one sync left out through the vault's
//! durability seam (the WAL fsync, the segment directory fsync of a seal,
//! the `checkpoints.log` fsync, a sealed segment's data fsync), the same
//! check fails. With small blocks the writer seals lazily too (blocks in no
//! WAL, written once, into the segment), and the run counts those seals.
//!
//! Needs root and `/dev/fuse` (CI runs as root); fails, never skips,
//! without them.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lossfs::{Image, Mount};
use vault::durable::{Durability, Os, Target};
use vault::{Incoming, InitOptions, Store, Vault, VerifyOptions, WriterOptions};

/// The child process's environment: the data directory, its seed, and the sync to leave out.
const CHILD_DIR: &str = "LOSSFS_CHILD_DIR";
const CHILD_SEED: &str = "LOSSFS_CHILD_SEED";
const CHILD_SKIP: &str = "LOSSFS_CHILD_SKIP";
/// Set: the writer uses small blocks (2 KiB) and bursts of records, so block frames,
/// record frames and background fsyncs all happen between acknowledgements.
const CHILD_BLOCKS: &str = "LOSSFS_CHILD_BLOCKS";
/// Base seed (override with LOSSFS_SEED to explore).
const SEED: u64 = 0x5eed_20c0_ffee;

/// splitmix64: a small seeded generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A sync the writer leaves out (to prove the test catches it).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Skip {
    None,
    /// The fdatasync of the WAL (group commit).
    WalData,
    /// The fsync of `seg/` after a sealed segment is renamed into place.
    SealDir,
    /// The fsync of `checkpoints.log` after a checkpoint is appended.
    CheckpointLog,
    /// The fdatasync of a sealed segment's data (a lazy seal's records are in no WAL).
    SegData,
}

impl Skip {
    fn name(self) -> &'static str {
        match self {
            Skip::None => "none",
            Skip::WalData => "wal-data",
            Skip::SealDir => "seal-dir",
            Skip::CheckpointLog => "checkpoint-log",
            Skip::SegData => "seg-data",
        }
    }

    fn from_name(s: &str) -> Skip {
        [
            Skip::WalData,
            Skip::SealDir,
            Skip::CheckpointLog,
            Skip::SegData,
        ]
        .into_iter()
        .find(|k| k.name() == s)
        .unwrap_or(Skip::None)
    }
}

/// The real syncs, less one kind.
#[derive(Debug)]
struct Leaky(Skip);

impl Durability for Leaky {
    fn sync_file(&self, file: &std::fs::File, path: &Path, target: Target) -> std::io::Result<()> {
        match (self.0, target) {
            (Skip::WalData, Target::Wal)
            | (Skip::CheckpointLog, Target::CheckpointLog)
            | (Skip::SegData, Target::Segment) => Ok(()),
            _ => Os.sync_file(file, path, target),
        }
    }

    /// A lazy seal's acknowledgement (records durable in their segment only) is
    /// announced, so that the test knows that path was taken.
    fn acknowledged(&self, ack: &vault::durable::Ack<'_>) {
        if let vault::durable::Ack::Sealed { size, .. } = ack {
            println!("SEALED {size}");
        }
    }

    fn sync_dir(&self, dir: &Path, target: Target) -> std::io::Result<()> {
        match (self.0, target) {
            (Skip::SealDir, Target::Segment) => Ok(()),
            _ => Os.sync_dir(dir, target),
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// The writer process: appends, syncs and commits until the disk dies,
/// printing every acknowledgement as it is given. With `blocks`, blocks are
/// small (2 KiB, so a background fsync every 16 KiB of records), bursts up
/// to ten times longer, and what the background fsyncs made durable is
/// acknowledged after every append (`poll_durable`): many blocks come back
/// from the workers and go to the WAL as block frames between two explicit
/// acknowledgements, and those find blocks in flight and a partial block
/// (written as record frames).
fn child(dir: &Path, seed: u64, skip: Skip, blocks: bool) -> vault::Result<()> {
    let w = WriterOptions {
        durability: Arc::new(Leaky(skip)),
        block_target: blocks.then_some(2 << 10),
        ..WriterOptions::default()
    };
    let mut v = Vault::open_with(dir, w)?;
    let mut rng = Rng(seed);
    let mut n = 0u64;
    let ack = |size: u64, root: &vault::Hash| println!("ACK D {size} {}", root.b64());
    let burst = if blocks { 400 } else { 40 };
    loop {
        for _ in 0..1 + rng.below(burst) {
            let raw = format!(
                "<34>1 2026-03-01T08:00:00Z fw{} sshd - - - seed {seed:x} record {n} {}",
                n % 3,
                "x".repeat(rng.below(300) as usize)
            );
            let src = format!("fw{}", n % 3);
            v.append(&Incoming {
                received_ns: 1_772_352_000_000_000_000 + n as i64,
                source: &src,
                peer: "192.0.2.1:514",
                transport: "tcp",
                raw: raw.as_bytes(),
            })?;
            n += 1;
            if blocks {
                // what the background fsyncs of `append` made durable, as soon as it is
                let before = v.committed().0;
                let size = v.poll_durable()?;
                if size > before {
                    ack(size, &v.committed().1);
                }
            }
        }
        match rng.below(10) {
            0..=4 => {
                let size = v.sync()?;
                ack(size, &v.committed().1);
            }
            5..=7 => {
                if let Some(c) = v.commit()? {
                    let cp = &c.checkpoint.checkpoint;
                    println!(
                        "ACK C {} {} {}",
                        cp.size,
                        cp.root.b64(),
                        hex(c.checkpoint.to_string().as_bytes())
                    );
                }
            }
            8 => {
                v.flush()?;
                let before = v.committed().0;
                let size = v.poll_durable()?;
                if size > before {
                    ack(size, &v.committed().1);
                }
            }
            _ => {}
        }
    }
}

/// Entry point of the writer process (run by the power-loss tests, not by hand).
#[test]
#[ignore = "the writer process of the power-loss tests; they run it"]
fn child_writer() {
    let (Ok(dir), Ok(seed)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_SEED)) else {
        panic!("child_writer is run by the power-loss tests, with {CHILD_DIR} and {CHILD_SEED}");
    };
    let skip = Skip::from_name(&std::env::var(CHILD_SKIP).unwrap_or_default());
    let seed = seed.parse().unwrap_or(0);
    let blocks = std::env::var_os(CHILD_BLOCKS).is_some();
    // runs until the power is cut (then every operation fails) or it is killed
    let e = child(Path::new(&dir), seed, skip, blocks);
    eprintln!("writer stopped: {e:?}");
}

/// One acknowledgement read from the writer.
#[derive(Debug, Clone)]
enum Acked {
    Durable {
        size: u64,
        root: String,
    },
    Checkpoint {
        size: u64,
        root: String,
        text: String,
    },
}

fn parse_ack(line: &str) -> Option<Acked> {
    let mut it = line.split(' ');
    if it.next()? != "ACK" {
        return None;
    }
    let kind = it.next()?;
    let size = it.next()?.parse().ok()?;
    let root = it.next()?.to_owned();
    match kind {
        "D" => Some(Acked::Durable { size, root }),
        "C" => {
            let text = String::from_utf8(unhex(it.next()?)).ok()?;
            Some(Acked::Checkpoint { size, root, text })
        }
        _ => None,
    }
}

/// The world of one power-loss run: a lossfs mount holding a vault.
struct World {
    base: tempfile::TempDir,
    mount: Option<Mount>,
    round: usize,
    rng: Rng,
    /// Every acknowledgement so far: checked again after every cut.
    acked: Vec<Acked>,
    /// Where the power was cut, per round.
    cuts: Vec<String>,
    /// The writer uses small blocks (see [`child`]).
    blocks: bool,
    /// Block frames found in the WAL files after the cuts (before recovery).
    block_frames: usize,
    /// Lazy seals acknowledged (segments whose last blocks were in no WAL).
    lazy_seals: usize,
}

fn io(e: impl std::fmt::Display) -> String {
    e.to_string()
}

impl World {
    fn new(seed: u64, blocks: bool) -> Result<World, String> {
        let base = tempfile::tempdir().map_err(io)?;
        let mnt = base.path().join("m0");
        std::fs::create_dir(&mnt).map_err(io)?;
        let mount = Mount::at(Image::default(), &mnt).map_err(io)?;
        let opts = InitOptions {
            // seal often: every few hundred records
            segment_size: 48 << 10,
            ..InitOptions::default()
        };
        Vault::init(&mnt.join("vault"), &opts)
            .and_then(|v| v.close())
            .map_err(io)?;
        Ok(World {
            base,
            mount: Some(mount),
            round: 0,
            rng: Rng(seed),
            acked: Vec::new(),
            cuts: Vec::new(),
            blocks,
            block_frames: 0,
            lazy_seals: 0,
        })
    }

    fn dir(&self) -> PathBuf {
        self.mount
            .as_ref()
            .map(|m| m.path().join("vault"))
            .unwrap_or_default()
    }

    /// Run the writer until the power is cut at a random point, reboot,
    /// recover and check; the problems found (none when all is well).
    fn round(&mut self, skip: Skip) -> Result<Vec<String>, String> {
        self.round += 1;
        let mount = self.mount.as_ref().ok_or("not mounted")?;
        // where to cut: any operation, or the nth of one kind
        let kinds = [
            None,
            Some("fsync"),
            Some("rename"),
            Some("fsyncdir"),
            Some("unlink"),
            Some("write"),
        ];
        match kinds[self.round % kinds.len()] {
            None => mount.arm(20 + self.rng.below(1500)),
            Some(k @ ("rename" | "unlink" | "fsyncdir")) => mount.arm_on(k, 2 + self.rng.below(12)),
            Some(k) => mount.arm_on(k, 1 + self.rng.below(150)),
        }
        let exe = std::env::current_exe().map_err(io)?;
        let mut cmd = Command::new(exe);
        if self.blocks {
            cmd.env(CHILD_BLOCKS, "1");
        }
        let mut proc = cmd
            .args([
                "child_writer",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR, self.dir())
            .env(CHILD_SEED, self.rng.next().to_string())
            .env(CHILD_SKIP, skip.name())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(io)?;
        let lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let out = proc.stdout.take().ok_or("no stdout")?;
        let l2 = lines.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                l2.lock().unwrap_or_else(|p| p.into_inner()).push(line);
            }
        });
        let mut err = proc.stderr.take().ok_or("no stderr")?;
        let err_reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        while !mount.is_cut() && Instant::now() < deadline {
            if proc.try_wait().map_err(io)?.is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        mount.cut();
        // every operation fails now: the writer stops by itself (give it a moment), or is killed
        let stopping = Instant::now() + Duration::from_secs(3);
        while proc.try_wait().map_err(io)?.is_none() && Instant::now() < stopping {
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = proc.kill();
        let _ = proc.wait();
        let _ = reader.join();
        let stderr = err_reader.join().unwrap_or_default();
        let stats = mount.stats();
        self.cuts.push(stats.cut_at.clone().unwrap_or_default());
        let new: Vec<Acked> = lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter_map(|l| parse_ack(l))
            .collect();
        self.lazy_seals += lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|l| l.starts_with("SEALED "))
            .count();
        if new.is_empty() && !stderr.contains("writer stopped") {
            return Err(format!(
                "round {}: the writer acknowledged nothing and did not stop on an error: {}",
                self.round,
                stderr
                    .chars()
                    .rev()
                    .take(2000)
                    .collect::<String>()
                    .chars()
                    .rev()
                    .collect::<String>()
            ));
        }
        self.acked.extend(new);
        // reboot: what was durable, mounted afresh
        let image = mount.durable_image();
        if let Some(m) = self.mount.take() {
            m.unmount().map_err(io)?;
        }
        let mnt = self.base.path().join(format!("m{}", self.round));
        std::fs::create_dir(&mnt).map_err(io)?;
        self.mount = Some(Mount::at(image, &mnt).map_err(io)?);
        self.block_frames += block_frames(&self.dir().join("wal"));
        Ok(self.check())
    }

    /// Recover (open a writer and close it) and check every acknowledgement.
    fn check(&self) -> Vec<String> {
        let dir = self.dir();
        let r = self.round;
        let mut bad = Vec::new();
        if let Err(e) = Vault::open(&dir).and_then(|v| v.close()) {
            bad.push(format!(
                "round {r}: the vault does not reopen after the cut: {e}"
            ));
            return bad;
        }
        let store = match Store::open(&dir) {
            Ok(s) => s,
            Err(e) => return vec![format!("round {r}: the store does not open: {e}")],
        };
        match vault::verify(&store, &VerifyOptions::default()) {
            Ok(rep) if rep.is_intact() => {}
            Ok(rep) => bad.push(format!("round {r}: verify: {:?}", rep.findings)),
            Err(e) => bad.push(format!("round {r}: verify failed: {e}")),
        }
        let log = std::fs::read_to_string(dir.join("checkpoints.log")).unwrap_or_default();
        // the largest durable acknowledgement covers the smaller ones
        // (same records, prefix roots), but check each checkpoint's text
        let mut checked = std::collections::BTreeSet::new();
        for a in self.acked.iter().rev() {
            let (size, root) = match a {
                Acked::Durable { size, root } | Acked::Checkpoint { size, root, .. } => {
                    (*size, root)
                }
            };
            if let Acked::Checkpoint { text, .. } = a
                && !log.contains(text.as_str())
            {
                bad.push(format!(
                    "round {r}: acknowledged checkpoint of size {size} is not in checkpoints.log"
                ));
            }
            if !checked.insert(size) {
                continue;
            }
            if size > store.size() {
                bad.push(format!(
                    "round {r}: {size} records were acknowledged, {} survived",
                    store.size()
                ));
                continue;
            }
            match store.root_at(size) {
                Ok(h) if h.b64() == *root => {}
                Ok(h) => bad.push(format!(
                    "round {r}: the first {size} records changed: root {} where {root} was acknowledged",
                    h.b64()
                )),
                Err(e) => bad.push(format!("round {r}: root at {size}: {e}")),
            }
            if checked.len() > 64 {
                break;
            }
        }
        bad
    }

    fn segments(&self) -> usize {
        std::fs::read_dir(self.dir().join("seg")).map_or(0, |rd| rd.count())
    }
}

/// Block frames (payload starting with the block magic) in the WAL files under `dir`.
fn block_frames(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let b = std::fs::read(e.path()).unwrap_or_default();
        let mut pos = 0;
        while b.len() - pos >= 8 {
            let len = u32::from_le_bytes([b[pos], b[pos + 1], b[pos + 2], b[pos + 3]]) as usize;
            n += usize::from(b[pos + 8..].starts_with(b"WBK1"));
            pos = pos.saturating_add(8 + len).min(b.len());
        }
    }
    n
}

fn seed() -> u64 {
    std::env::var("LOSSFS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED)
}

#[test]
fn acknowledged_records_survive_power_cuts() -> Result<(), String> {
    survive_power_cuts(false)
}

/// The same with small blocks: block frames, record frames and background fsyncs
/// between acknowledgements.
#[test]
fn acknowledged_records_in_block_frames_survive_power_cuts() -> Result<(), String> {
    survive_power_cuts(true)
}

fn survive_power_cuts(blocks: bool) -> Result<(), String> {
    let seed = seed() ^ u64::from(blocks);
    let mut w = World::new(seed, blocks)?;
    let rounds = 18;
    for _ in 0..rounds {
        let bad = w.round(Skip::None)?;
        assert!(bad.is_empty(), "seed {seed}: {bad:#?}\ncuts: {:?}", w.cuts);
    }
    let durable = w
        .acked
        .iter()
        .filter(|a| matches!(a, Acked::Durable { .. }))
        .count();
    let checkpoints = w.acked.len() - durable;
    eprintln!(
        "{rounds} power cuts (seed {seed}): {durable} durable sizes and {checkpoints} checkpoints acknowledged, {} segments ({} sealed lazily), {} block frames in the WALs left by the cuts; cut at {:?}",
        w.segments(),
        w.lazy_seals,
        w.block_frames,
        w.cuts
    );
    if blocks {
        // seals made by `append` were under load too: lazy ones, whose blocks are
        // written once, into the segment (the others seal at a commit, eagerly)
        assert!(w.lazy_seals > 0, "no lazy seal acknowledged");
    }
    if blocks {
        assert!(
            w.block_frames > 0,
            "no block frame in the WALs the cuts left"
        );
    }
    // the WAL, seal and checkpoint paths were all under load when cut
    assert!(durable > 20 && checkpoints > 10, "{durable} {checkpoints}");
    assert!(w.segments() >= 5, "only {} segments sealed", w.segments());
    for op in ["write", "fsync", "rename", "fsyncdir", "unlink"] {
        assert!(
            w.cuts.iter().any(|c| c == op),
            "no cut at a {op}: {:?}",
            w.cuts
        );
    }
    Ok(())
}

/// With one sync left out, some acknowledged record or checkpoint is lost:
/// the power-loss check has teeth.
fn caught_without(skip: Skip, blocks: bool) -> Result<(), String> {
    let seed = seed() ^ 0xdead;
    let mut w = World::new(seed, blocks)?;
    for _ in 0..24 {
        let bad = w.round(skip)?;
        if !bad.is_empty() {
            eprintln!(
                "without the {} sync, round {} found: {bad:#?}",
                skip.name(),
                w.round
            );
            return Ok(());
        }
    }
    Err(format!(
        "seed {seed}: {} rounds without the {} sync and no loss was found; cuts: {:?}",
        w.round,
        skip.name(),
        w.cuts
    ))
}

#[test]
fn a_missing_wal_fsync_is_caught() -> Result<(), String> {
    caught_without(Skip::WalData, false)
}

#[test]
fn a_missing_seal_directory_fsync_is_caught() -> Result<(), String> {
    caught_without(Skip::SealDir, false)
}

#[test]
fn a_missing_checkpoint_log_fsync_is_caught() -> Result<(), String> {
    caught_without(Skip::CheckpointLog, false)
}

/// The segment's own data sync: with it left out, a lazily sealed segment (records in
/// no WAL) loses acknowledged records at a cut.
#[test]
fn a_missing_segment_data_fsync_is_caught() -> Result<(), String> {
    caught_without(Skip::SegData, true)
}
