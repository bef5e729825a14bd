//! The durability seam: every acknowledgement comes after the syncs that
//! cover it; and segments are byte-identical whatever the number of block
//! workers.

use std::collections::{BTreeSet, HashMap};
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use vault::clock::FixedClock;
use vault::durable::{Ack, Durability, Os, Target};
use vault::{Incoming, InitOptions, Vault, WriterOptions};

fn io_err(e: impl std::fmt::Display) -> vault::Error {
    vault::Error::new(vault::ErrorKind::Io, e.to_string())
}

/// What the seam saw, by path.
#[derive(Debug, Default)]
struct Seen {
    /// Length of each file when it was last synced.
    synced_len: HashMap<PathBuf, u64>,
    /// Names in each directory when it was last synced.
    dir_listing: HashMap<PathBuf, BTreeSet<String>>,
    /// Renames and removals not yet followed by a sync of their directory.
    pending: HashMap<PathBuf, usize>,
    /// Acknowledgements checked.
    acks: usize,
    checkpoints: usize,
    /// Of `acks`, those of a lazy seal (records durable in their segment only).
    sealed_acks: usize,
    /// Violations of the rule.
    broken: Vec<String>,
}

impl Seen {
    /// Check an acknowledgement of `size` that relies on the first `len` bytes of
    /// `path`: they must be synced, and the file's name in a synced directory (with
    /// `settled`, no rename or removal there since).
    fn check_file(&mut self, size: u64, path: &Path, len: u64, settled: bool) {
        let synced = self.synced_len.get(path).copied().unwrap_or(0);
        if synced < len {
            let m = format!(
                "size {size} acknowledged with {} synced up to {synced} of {len} bytes",
                path.display()
            );
            self.broken.push(m);
        }
        let listed = self
            .dir_listing
            .get(&parent(path))
            .is_some_and(|l| l.contains(&name(path)));
        let moved = settled && self.pending.get(&parent(path)).is_some_and(|n| *n > 0);
        if !listed || moved {
            let m = format!(
                "size {size} acknowledged before {} was in a synced directory",
                path.display()
            );
            self.broken.push(m);
        }
    }
}

/// Records every sync through the seam (and does the real thing), and
/// checks each acknowledgement against what was synced before it.
#[derive(Debug, Default)]
struct Recorder(Mutex<Seen>);

fn parent(p: &Path) -> PathBuf {
    p.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Durability for Recorder {
    fn sync_file(&self, file: &File, path: &Path, target: Target) -> io::Result<()> {
        let len = file.metadata()?.len();
        Os.sync_file(file, path, target)?;
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        s.synced_len.insert(path.to_path_buf(), len);
        Ok(())
    }

    fn sync_dir(&self, dir: &Path, target: Target) -> io::Result<()> {
        let names = std::fs::read_dir(dir)?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        Os.sync_dir(dir, target)?;
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        s.dir_listing.insert(dir.to_path_buf(), names);
        s.pending.remove(dir);
        Ok(())
    }

    fn rename(&self, from: &Path, to: &Path, target: Target) -> io::Result<()> {
        Os.rename(from, to, target)?;
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        // the data synced under the temporary name is the renamed file's
        if let Some(len) = s.synced_len.remove(from) {
            s.synced_len.insert(to.to_path_buf(), len);
        }
        *s.pending.entry(parent(to)).or_default() += 1;
        Ok(())
    }

    fn remove_file(&self, path: &Path, target: Target) -> io::Result<()> {
        Os.remove_file(path, target)?;
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *s.pending.entry(parent(path)).or_default() += 1;
        Ok(())
    }

    fn acknowledged(&self, ack: &Ack<'_>) {
        let mut s = self.0.lock().unwrap_or_else(|p| p.into_inner());
        s.acks += 1;
        match *ack {
            Ack::Durable { size, wal, wal_len } => s.check_file(size, wal, wal_len, false),
            Ack::Sealed { size, segment } => {
                s.sealed_acks += 1;
                let len = std::fs::metadata(segment).map(|m| m.len()).unwrap_or(0);
                if len == 0 {
                    s.broken.push(format!(
                        "size {size} acknowledged with {} empty or missing",
                        segment.display()
                    ));
                }
                s.check_file(size, segment, len, true);
            }
            Ack::Checkpoint { size, text } => {
                s.checkpoints += 1;
                let Some(data_dir) = s
                    .synced_len
                    .keys()
                    .find(|p| name(p) == "checkpoints.log")
                    .map(|p| parent(p))
                else {
                    s.broken.push(format!(
                        "checkpoint {size} acknowledged before checkpoints.log was ever synced"
                    ));
                    return;
                };
                let log = data_dir.join("checkpoints.log");
                let on_disk = std::fs::read(&log).unwrap_or_default();
                let synced = s.synced_len.get(&log).copied().unwrap_or(0) as usize;
                let text_nl = format!("{text}\n");
                if !on_disk[..synced.min(on_disk.len())].ends_with(text_nl.as_bytes()) {
                    s.broken.push(format!("checkpoint {size} acknowledged before its line in checkpoints.log was synced"));
                }
                if s.pending.get(&data_dir).is_some_and(|n| *n > 0) {
                    s.broken.push(format!("checkpoint {size} acknowledged before the rename of `checkpoint` was synced"));
                }
                let listed = s
                    .dir_listing
                    .get(&data_dir)
                    .is_some_and(|l| l.contains("checkpoint") && l.contains("checkpoints.log"));
                if !listed {
                    s.broken.push(format!("checkpoint {size} acknowledged before the data directory listing it was synced"));
                }
            }
            _ => s.broken.push("unknown acknowledgement".into()),
        }
    }
}

fn record(i: u64) -> String {
    format!(
        "<34>1 2025-01-01T00:00:{:02}Z fw{} sshd {} - - Failed password for user u{} from 198.51.100.{} port {}",
        i % 60,
        i % 5,
        i * 7919 % 100_000,
        i * 31 % 9973,
        i % 256,
        1024 + i * 13 % 60_000
    )
}

fn append(v: &mut Vault, i: u64) -> vault::Result<u64> {
    let raw = record(i);
    let src = format!("fw{}", i % 5);
    v.append(&Incoming {
        received_ns: 1_700_000_000_000_000_000 + i as i64 * 1_000_000,
        source: &src,
        peer: "192.0.2.7:514",
        transport: "udp",
        raw: raw.as_bytes(),
    })
}

/// A fresh directory, and `w` with its syncs going through a new recorder.
fn recorded(w: WriterOptions) -> vault::Result<(tempfile::TempDir, Arc<Recorder>, WriterOptions)> {
    let dir = tempfile::tempdir().map_err(io_err)?;
    let rec = Arc::new(Recorder::default());
    let w = WriterOptions {
        durability: rec.clone(),
        ..w
    };
    Ok((dir, rec, w))
}

/// A recorded vault of small blocks (4 KiB: `append` looks at the segment's size every
/// 8 blocks) and small segments (100 000 raw bytes), so that `append` seals often.
fn small_segments() -> vault::Result<(tempfile::TempDir, Arc<Recorder>, Vault)> {
    let rec = Arc::new(Recorder::default());
    let (dir, v) = small_vault(rec.clone())?;
    Ok((dir, rec, v))
}

/// A vault in a fresh directory with [`small_segments`]'s sizes, syncing through `d`.
fn small_vault(d: Arc<dyn Durability>) -> vault::Result<(tempfile::TempDir, Vault)> {
    let dir = tempfile::tempdir().map_err(io_err)?;
    let w = WriterOptions {
        durability: d,
        block_target: Some(4 << 10),
        ..WriterOptions::default()
    };
    let opts = InitOptions {
        segment_size: 100_000,
        ..InitOptions::default()
    };
    let v = Vault::init_with(dir.path(), &opts, w)?;
    Ok((dir, v))
}

#[test]
fn every_acknowledgement_follows_the_syncs_that_cover_it() -> vault::Result<()> {
    let (dir, rec, w) = recorded(WriterOptions::default())?;
    let opts = InitOptions {
        segment_size: 200_000,
        ..InitOptions::default()
    };
    let mut v = Vault::init_with(dir.path(), &opts, w.clone())?;
    let mut sealed = 0;
    for i in 0..20_000u64 {
        append(&mut v, i)?;
        match i % 1000 {
            99 => {
                v.sync()?;
            }
            499 => {
                v.flush()?;
            }
            500..=510 => {
                v.poll_durable()?;
            }
            999 => sealed += v.commit()?.map_or(0, |c| c.sealed.len()),
            _ => {}
        }
    }
    v.close()?;
    // a second writer: recovery, then more
    let mut v = Vault::open_with(dir.path(), w)?;
    for i in 20_000..21_000u64 {
        append(&mut v, i)?;
    }
    v.commit()?;
    v.seal()?;
    v.close()?;
    let s = rec.0.lock().unwrap_or_else(|p| p.into_inner());
    assert!(sealed >= 10, "the workload seals segments: {sealed}");
    assert!(s.checkpoints >= 22 && s.acks > s.checkpoints, "{s:?}");
    assert!(s.broken.is_empty(), "{:#?}", s.broken);
    Ok(())
}

/// A seal that `append` makes when the segment is full signs no checkpoint
/// of its own: each one cost the writer three syncs (the checkpoint log, the
/// checkpoint file and its directory), about 27 times in a 10 M-line ingest,
/// and the ingest stalled on them on a slow disk (BENCHMARKS.md, #21). The
/// next commit signs one over the sealed records; every acknowledgement
/// still follows the syncs that cover it.
#[test]
fn seals_made_by_append_leave_the_checkpoint_to_the_next_commit() -> vault::Result<()> {
    let (dir, rec, mut v) = small_segments()?;
    let checkpoints = || rec.0.lock().unwrap_or_else(|p| p.into_inner()).checkpoints;
    let at_start = checkpoints();
    let n = 20_000u64;
    for i in 0..n {
        append(&mut v, i)?;
    }
    assert_eq!(checkpoints(), at_start, "append signed a checkpoint");
    let info = v
        .commit()?
        .ok_or_else(|| io_err("the commit signed nothing"))?;
    assert_eq!(checkpoints(), at_start + 1);
    assert_eq!((info.size, info.checkpoint.checkpoint.size), (n, n));
    v.close()?;
    let segs = segments(dir.path()).map_err(io_err)?;
    assert!(segs.len() >= 10, "append sealed {} segments", segs.len());
    let store = vault::Store::open(dir.path())?;
    let report = vault::verify(&store, &vault::VerifyOptions::default())?;
    assert!(report.is_intact(), "{:?}", report.findings);
    assert_eq!(report.records_checked, n);
    let s = rec.0.lock().unwrap_or_else(|p| p.into_inner());
    assert!(s.broken.is_empty(), "{:#?}", s.broken);
    Ok(())
}

/// Whether any WAL file under `dir` holds a block frame (a payload starting with the
/// block magic).
fn wal_has_block_frames(dir: &Path) -> io::Result<bool> {
    for e in std::fs::read_dir(dir.join("wal"))? {
        let b = match std::fs::read(e?.path()) {
            Ok(b) => b,
            // removed by a seal meanwhile
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let mut pos = 0;
        while b.len() - pos >= 8 {
            let len = u32::from_le_bytes([b[pos], b[pos + 1], b[pos + 2], b[pos + 3]]) as usize;
            if b[pos + 8..].starts_with(b"WBK1") {
                return Ok(true);
            }
            pos = pos.saturating_add(8 + len).min(b.len());
        }
    }
    Ok(false)
}

/// A writer that owes nobody an acknowledgement (a batch ingest between its commits)
/// writes each compressed block once: into its segment, never into the WAL as well
/// (#21). The records of such a lazily sealed segment become durable, and are
/// acknowledged, only after the segment's data and its name in `seg/` are synced.
#[test]
fn blocks_sealed_before_any_sync_are_written_once_and_acknowledged_after_their_segment()
-> vault::Result<()> {
    let (dir, rec, mut v) = small_segments()?;
    let n = 20_000u64;
    for i in 0..n {
        append(&mut v, i)?;
        if i % 500 == 0 {
            assert!(
                !wal_has_block_frames(dir.path()).map_err(io_err)?,
                "a block went to the WAL with nobody waiting for it (record {i})"
            );
            // what the lazy seals made durable, as soon as it is
            v.poll_durable()?;
        }
    }
    let sealed = seg_names(dir.path()).map_err(io_err)?.len();
    assert!(sealed >= 5, "append sealed {sealed} segments");
    // durable without a single sync: the segments are
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while v.poll_durable()? == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let durable = v.committed().0;
    assert!(durable > 0 && durable < n, "durable {durable} of {n}");
    // the commit writes the open segment's blocks to the WAL: now they are there
    let info = v
        .commit()?
        .ok_or_else(|| io_err("the commit signed nothing"))?;
    assert_eq!(info.size, n);
    assert!(wal_has_block_frames(dir.path()).map_err(io_err)?);
    v.close()?;
    let store = vault::Store::open(dir.path())?;
    let report = vault::verify(&store, &vault::VerifyOptions::default())?;
    assert!(report.is_intact(), "{:?}", report.findings);
    assert_eq!(report.records_checked, n);
    let s = rec.0.lock().unwrap_or_else(|p| p.into_inner());
    assert!(s.sealed_acks >= 1, "{s:?}");
    assert!(s.broken.is_empty(), "{:#?}", s.broken);
    Ok(())
}

/// A lazy seal whose segment never becomes durable (its sync fails, as at a power cut
/// before it) loses only records nobody was told were durable: the vault reopens with
/// every acknowledged record, a WAL holding a consecutive run of records (none after
/// a gap), and verifies.
#[test]
fn a_lazy_seal_that_never_became_durable_loses_nothing_acknowledged() -> vault::Result<()> {
    /// Fails every sync of a segment file: no segment ever becomes durable.
    #[derive(Debug)]
    struct NoSegments;
    impl Durability for NoSegments {
        fn sync_file(&self, file: &File, path: &Path, target: Target) -> io::Result<()> {
            if target == Target::Segment {
                return Err(io::Error::other("power cut"));
            }
            Os.sync_file(file, path, target)
        }
    }
    let (dir, mut v) = small_vault(Arc::new(NoSegments))?;
    let acked = 300u64;
    for i in 0..acked {
        append(&mut v, i)?;
    }
    assert_eq!(v.sync()?, acked);
    // on until a seal has started (and failed in the background)
    let mut i = acked;
    while seg_names(dir.path()).map_err(io_err)?.is_empty() && i < 20_000 {
        append(&mut v, i)?;
        i += 1;
    }
    let failed = (i..i + 5000).try_for_each(|k| append(&mut v, k).map(drop));
    let failed = failed.and_then(|()| v.sync().map(drop));
    assert!(failed.is_err(), "the failed seal is reported");
    assert_eq!(
        v.committed().0,
        acked,
        "nothing after the failed seal counted as durable"
    );
    drop(v);
    // the WAL: one file, records 0.. in a run
    let wals = std::fs::read_dir(dir.path().join("wal"))
        .map_err(io_err)?
        .count();
    assert_eq!(wals, 1);
    let v = Vault::open(dir.path())?;
    let got = v.next_seq();
    assert!(
        got >= acked,
        "{got} records after reopening, {acked} were acknowledged"
    );
    v.close()?;
    let store = vault::Store::open(dir.path())?;
    let report = vault::verify(&store, &vault::VerifyOptions::default())?;
    assert!(report.is_intact(), "{:?}", report.findings);
    assert_eq!(report.records_checked, got);
    for r in store.records(0..got) {
        let r = r?;
        assert_eq!(r.record.raw, record(r.record.seq).as_bytes());
    }
    Ok(())
}

/// Holds every sync of a segment file until opened: a lazy seal stays in flight.
#[derive(Debug, Default)]
struct Gate {
    open: Mutex<bool>,
    cv: std::sync::Condvar,
}

impl Gate {
    fn open(&self) {
        *self.open.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.cv.notify_all();
    }
}

impl Durability for Gate {
    fn sync_file(&self, file: &File, path: &Path, target: Target) -> io::Result<()> {
        if target == Target::Segment {
            let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
            while !*open {
                open = self.cv.wait(open).unwrap_or_else(|p| p.into_inner());
            }
        }
        Os.sync_file(file, path, target)
    }
}

/// Opens the gate when dropped (also when the test fails, so the writer's drop,
/// which waits for its seal, does not hang).
struct Opener(Arc<Gate>);

impl Drop for Opener {
    fn drop(&mut self) {
        self.0.open();
    }
}

/// The names in `seg/` (sealed segments, and the temporary file of one being written),
/// listed without opening them: a seal in flight may rename or remove one meanwhile.
fn seg_names(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir.join("seg"))? {
        out.push(e?.file_name().to_string_lossy().into_owned());
    }
    Ok(out)
}

/// The files of `dir` and their lengths.
fn listing(dir: &Path) -> io::Result<Vec<(String, u64)>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        out.push((name(&e.path()), e.metadata()?.len()));
    }
    out.sort();
    Ok(out)
}

/// While a lazily sealed segment is being written, no WAL gets a byte and the next WAL
/// file does not exist: a crash then leaves the old WAL with a consecutive run of
/// records, never a WAL after a gap. Once the segment is durable its records are, the
/// next WAL exists, and writing goes on.
#[test]
fn nothing_reaches_a_wal_while_a_lazy_seal_is_in_flight() -> vault::Result<()> {
    let gate = Arc::new(Gate::default());
    let (dir, mut v) = small_vault(gate.clone())?;
    // after `v`, so that it is dropped (and the gate opened) first
    let opener = Opener(gate.clone());
    let in_flight = || -> io::Result<bool> {
        Ok(seg_names(dir.path())?
            .iter()
            .any(|n| n.starts_with(".tmp-")))
    };
    // until the first seal's segment waits at its sync
    let mut i = 0u64;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !in_flight().map_err(io_err)? {
        if i < 20_000 {
            append(&mut v, i)?;
            i += 1;
        } else if std::time::Instant::now() > deadline {
            return Err(io_err("no seal started"));
        } else {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
    // only the first WAL, as it was before the seal: no next WAL yet
    let wal = dir.path().join("wal");
    let before = listing(&wal).map_err(io_err)?;
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(before[0].0, vault::wal::wal_name(0));
    // more blocks finish meanwhile; flush_ready must not write them anywhere
    for k in i..i + 200 {
        append(&mut v, k)?;
    }
    i += 200;
    for _ in 0..50 {
        v.flush_ready()?;
        assert_eq!(v.poll_durable()?, 0, "durable before the segment is");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert_eq!(
        listing(&wal).map_err(io_err)?,
        before,
        "a WAL was written during the seal"
    );
    drop(opener);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while v.poll_durable()? == 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let durable = v.committed().0;
    assert!(durable > 0 && durable <= i, "durable {durable} of {i}");
    // the old WAL gone with its records sealed, the next one named after them
    let after = listing(&wal).map_err(io_err)?;
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0].0, vault::wal::wal_name(durable));
    for k in i..i + 100 {
        append(&mut v, k)?;
    }
    assert_eq!(v.sync()?, i + 100);
    v.close()?;
    let store = vault::Store::open(dir.path())?;
    let report = vault::verify(&store, &vault::VerifyOptions::default())?;
    assert!(report.is_intact(), "{:?}", report.findings);
    assert_eq!(report.records_checked, i + 100);
    Ok(())
}

/// An acknowledgement whose sync was left out is caught by the recorder:
/// the check above can fail.
#[test]
fn the_recorder_catches_an_acknowledgement_without_its_sync() -> vault::Result<()> {
    /// Forgets WAL data syncs (still does them, so nothing is at risk).
    #[derive(Debug, Default)]
    struct Forgetful(Recorder);
    impl Durability for Forgetful {
        fn sync_file(&self, file: &File, path: &Path, target: Target) -> io::Result<()> {
            if target == Target::Wal {
                return Os.sync_file(file, path, target);
            }
            self.0.sync_file(file, path, target)
        }
        fn sync_dir(&self, dir: &Path, target: Target) -> io::Result<()> {
            self.0.sync_dir(dir, target)
        }
        fn acknowledged(&self, ack: &Ack<'_>) {
            self.0.acknowledged(ack)
        }
    }
    let dir = tempfile::tempdir().map_err(io_err)?;
    let rec = Arc::new(Forgetful::default());
    let w = WriterOptions {
        durability: rec.clone(),
        ..WriterOptions::default()
    };
    let mut v = Vault::init_with(dir.path(), &InitOptions::default(), w)?;
    for i in 0..100u64 {
        append(&mut v, i)?;
    }
    v.sync()?;
    drop(v);
    let s = rec.0.0.lock().unwrap_or_else(|p| p.into_inner());
    assert!(
        s.broken.iter().any(|b| b.contains("synced up to 0")),
        "{:#?}",
        s.broken
    );
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let dest = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &dest)?;
        } else if e.file_name() != "lock" {
            std::fs::copy(e.path(), dest)?;
        }
    }
    Ok(())
}

/// Segment files: (name, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// The segments (names and bytes) of the vault in `dir`.
fn segments(dir: &Path) -> io::Result<Files> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir.join("seg"))? {
        let e = e?;
        out.push((
            e.file_name().to_string_lossy().into_owned(),
            std::fs::read(e.path())?,
        ));
    }
    out.sort();
    Ok(out)
}

#[test]
fn segments_are_byte_identical_whatever_the_number_of_block_workers() -> vault::Result<()> {
    let at = time::macros::datetime!(2026-03-01 08:00 UTC);
    let clock = Arc::new(FixedClock(at));
    let base = tempfile::tempdir().map_err(io_err)?;
    let origin = base.path().join("origin");
    let opts = InitOptions {
        // several blocks (about 1 MiB each) per segment
        segment_size: 3 << 20,
        ..InitOptions::default()
    };
    drop(Vault::init_with(
        &origin,
        &opts,
        WriterOptions::with_clock(clock.clone()),
    )?);
    let mut seen: Vec<(usize, Files)> = Vec::new();
    for workers in [1, 2, 4] {
        let dir = base.path().join(format!("w{workers}"));
        copy_dir(&origin, &dir).map_err(io_err)?;
        let mut v = Vault::open_with(
            &dir,
            WriterOptions {
                workers: Some(workers),
                ..WriterOptions::with_clock(clock.clone())
            },
        )?;
        for i in 0..70_000u64 {
            append(&mut v, i)?;
            if i % 9_000 == 8_999 {
                v.commit()?;
            }
        }
        v.seal()?;
        v.close()?;
        let segs = segments(&dir).map_err(io_err)?;
        assert!(segs.len() >= 2, "{} segments", segs.len());
        seen.push((workers, segs));
    }
    let (_, first) = &seen[0];
    for (workers, segs) in &seen[1..] {
        assert_eq!(
            first.iter().map(|s| &s.0).collect::<Vec<_>>(),
            segs.iter().map(|s| &s.0).collect::<Vec<_>>(),
            "segment names with {workers} workers"
        );
        for (a, b) in first.iter().zip(segs) {
            assert!(a.1 == b.1, "{} differs with {workers} workers", a.0);
        }
    }
    // and the option is checked
    let dir = base.path().join("w1");
    let e = Vault::open_with(
        &dir,
        WriterOptions {
            workers: Some(0),
            ..WriterOptions::default()
        },
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(e.contains("0 block workers is out of range"), "{e}");
    Ok(())
}

/// A varied record: RFC 5424 with structured data, RFC 3164, JSON, CJK,
/// text longer than the bitmask tokenizer takes, bytes that are not UTF-8;
/// more than 64 hosts and apps, host names that are also app names.
fn varied_record(i: u64) -> Vec<u8> {
    let host = format!("h{}", i * 37 % 97);
    match i % 7 {
        0 => format!(
            "<134>1 2026-11-01T00:00:{:02}.{:03}Z {host} natd {} NAT [nat@32473 proto=\"udp\" src=\"10.28.{}.{}\" sport=\"{}\"] session created",
            i % 60,
            i % 1000,
            i * 7919 % 100_000,
            i % 256,
            i * 3 % 256,
            1024 + i * 13 % 60_000
        )
        .into_bytes(),
        1 => format!(
            "<86>Nov  1 00:00:{:02} {host} sshd[{}]: Failed password for user U{} from 124.30.{}.{} port {} ssh2",
            i % 60,
            i % 40_000,
            i * 31 % 9973,
            i % 200,
            i % 250,
            i % 65_000
        )
        .into_bytes(),
        2 => format!(
            "{{\"@timestamp\":\"2026-11-01T00:00:{:02}Z\",\"host\":{{\"name\":\"{host}\"}},\"level\":\"warn\",\"message\":\"disk /dev/sda{} at {}%\"}}",
            i % 60,
            i % 9,
            i % 100
        )
        .into_bytes(),
        3 => format!("<30>Nov  1 00:00:{:02} {host} app{}: 用户登录失败，来源 10.0.{}.{} 帐号 u{}", i % 60, i % 80, i % 256, i % 7 % 256, i).into_bytes(),
        4 => {
            // longer than the bitmask tokenizer takes
            let mut s = format!("<13>Nov  1 00:00:{:02} {host} h{}: ", i % 60, i % 11);
            for k in 0..60 {
                s.push_str(&format!("k{k}=v{} ", (i + k) % 13));
            }
            s.into_bytes()
        }
        5 => {
            // not UTF-8 (GB18030 and a stray byte)
            let mut b = format!("<11>Nov  1 00:00:{:02} {host} gbk: ", i % 60).into_bytes();
            b.extend_from_slice(&[0xb5, 0xc7, 0xc2, 0xbc, b' ', 0xff, b'x', b'0' + (i % 10) as u8]);
            b
        }
        _ => format!("plain {i} text AbC-{}.dEf:{} @{} /p/{}", i % 17, i % 5, i % 3, i % 2).into_bytes(),
    }
}

/// The blocks of sealed segments (block headers with their token filters,
/// and the compressed data) are pinned: an ingest change that is meant to
/// cost less CPU must not change a byte of them (a format change must be
/// deliberate: a new version and a new pin).
#[test]
fn sealed_blocks_are_pinned_for_a_fixed_input() -> vault::Result<()> {
    let at = time::macros::datetime!(2026-11-01 00:00 UTC);
    let clock = Arc::new(FixedClock(at));
    let dir = tempfile::tempdir().map_err(io_err)?;
    let opts = InitOptions {
        segment_size: 2 << 20,
        ..InitOptions::default()
    };
    let mut v = Vault::init_with(dir.path(), &opts, WriterOptions::with_clock(clock.clone()))?;
    for i in 0..30_000u64 {
        let raw = varied_record(i);
        v.append(&Incoming {
            received_ns: 1_793_491_200_000_000_000 + (i / 100) as i64 * 1_000_000,
            source: if i % 3 == 0 { "fw" } else { "srv" },
            peer: "192.0.2.7:514",
            transport: "tcp",
            raw: &raw,
        })?;
    }
    v.seal()?;
    v.close()?;
    let mut digests = Vec::new();
    for (name, bytes) in segments(dir.path()).map_err(io_err)? {
        let seg = vault::segment::SegmentFile::open(&dir.path().join("seg").join(&name))?;
        assert!(seg.block_headers()?.len() >= 4, "{name}: several blocks");
        let (from, to) = seg.data_range();
        let blocks = &bytes[from as usize..to as usize];
        digests.push(format!(
            "{name} {} {}",
            blocks.len(),
            &vault::HashAlg::Sha256.digest(&[blocks]).hex()[..16]
        ));
    }
    // pinned at b12f8302, before the ingest work of issue #21; pinned again when the blocks'
    // zstd hash table went from 2^14 to 2^12 entries (`tuning::ZSTD_HASH_LOG`: the same
    // format, other bytes; 527979 bytes of blocks before, 3 % more on this varied input,
    // 0.2 % more on the benchmark's corpus)
    assert_eq!(
        digests,
        ["00000000000000000000-00000000000000029999.seg 543678 9cad549d637f43dd"]
    );
    Ok(())
}
