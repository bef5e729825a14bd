//! The read API: [`Store`], a consistent read-only snapshot of a vault
//! (segments, blocks, records, proofs, checkpoints), and the Merkle
//! subtree reader behind its proofs.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::block::{BlockData, BlockHeader};
use crate::config::{Config, Retention};
use crate::error::IoCtx;
use crate::keys::PublicKeys;
use crate::merkle::{self, SubtreeSource};
use crate::note::{CheckpointLog, SignedCheckpoint};
use crate::parse;
use crate::record::Record;
use crate::segment::{SegmentFile, TILE};
use crate::tombstone::Tombstone;
use crate::wal::{self, Records, WalScan};
use crate::{Error, ErrorKind, Hash, HashAlg, Result};

use super::layout::{Layout, read_checkpoint_log, read_latest};

/// A sealed segment as listed by [`Store::segments`].
#[derive(Debug)]
pub struct SegmentMeta {
    /// File name.
    pub name: String,
    /// The opened file (header, footer, footer hash). Shared by every store of the process
    /// that lists the same file (the writer's and the read snapshots): a sealed segment never
    /// changes, so its footer is read and held once.
    pub file: Arc<SegmentFile>,
}

/// A record with its stored parsed fields.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    /// The hashed fields.
    pub record: Record,
    /// Parsed fields (never hashed); `None` when they could not be decoded.
    pub parsed: Option<parse::Parsed>,
}

/// A part of the store that [`Store::visit_part`] reads on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawPart {
    /// Block `block` of the `segment`-th sealed segment.
    Block {
        /// Index in [`Store::segments`].
        segment: usize,
        /// Block index in that segment.
        block: usize,
    },
    /// The records not sealed into a segment yet.
    Unsealed,
}

/// A file of the store that could not be read as what it should be.
#[derive(Debug, Clone)]
pub struct BadFile {
    /// Path.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
}

/// Read-only view of a vault: open it, list segments, read blocks and
/// records, compute proofs, load checkpoints. Never writes.
///
/// A `Store` is a consistent snapshot, also while a writer (`wangan serve`)
/// appends, seals and signs: [`Store::open`] reads the checkpoints first,
/// then the WAL, then the segments and tombstones. Every checkpoint covers
/// only records that were durable when it was signed, and a record leaves
/// the WAL only after the segment holding it is in place (and a segment only
/// after its tombstone), so everything a checkpoint of the snapshot covers
/// is found by the reads after it. Parts that a live writer has not finished
/// (the WAL frame or checkpoint being written, a segment's temporary file)
/// are left out, not reported as damage.
#[derive(Debug)]
pub struct Store {
    pub(super) layout: Layout,
    pub(super) config: Config,
    pub(super) alg: HashAlg,
    pub(super) retention: Retention,
    pub(super) keys: PublicKeys,
    pub(super) segments: Vec<SegmentMeta>,
    pub(super) tombstones: Vec<Tombstone>,
    pub(super) bad_files: Vec<BadFile>,
    pub(super) leftovers: Vec<PathBuf>,
    pub(super) wal: WalScan,
    pub(super) sealed_end: u64,
    pub(super) unsealed: Records,
    /// `checkpoints.log` as read at open (or why it could not be read).
    checkpoint_log: std::result::Result<CheckpointLog, (ErrorKind, String)>,
    /// The `checkpoint` file as read at open.
    latest: std::result::Result<Option<SignedCheckpoint>, (ErrorKind, String)>,
    /// Whether another process held the writer lock at open.
    writer_active: bool,
}

/// Whether a process holds the writer lock of the vault in `layout` now
/// (probed with a shared lock that is released at once; a writer that
/// starts meanwhile retries, see [`Vault::open`](super::Vault::open)).
fn writer_active(layout: &Layout) -> bool {
    let Ok(f) = File::open(layout.lock()) else {
        return false;
    };
    match f.try_lock_shared() {
        Ok(()) => {
            let _ = f.unlock();
            false
        }
        Err(std::fs::TryLockError::WouldBlock) => true,
        Err(std::fs::TryLockError::Error(_)) => false,
    }
}

fn keep_err(e: Error) -> (ErrorKind, String) {
    (e.kind(), e.to_string())
}

impl Store {
    /// Open the vault in `dir` for reading: a consistent snapshot (see
    /// [`Store`]), also while `wangan serve` or another writer is running.
    pub fn open(dir: &Path) -> Result<Store> {
        Store::open_inner(dir, true)
    }

    /// `probe`: find out whether a writer is active (a reader); a writer
    /// holding the lock itself opens with `false` so it sees torn tails to
    /// repair.
    pub(super) fn open_inner(dir: &Path, probe: bool) -> Result<Store> {
        let layout = Layout {
            dir: dir.to_path_buf(),
        };
        let cpath = layout.config();
        if !cpath.exists() {
            return Err(Error::new(
                ErrorKind::NotFound,
                format!("no vault in {} (no vault.toml)", dir.display()),
            ));
        }
        let config = Config::load(&cpath)?;
        let alg = config.hash_alg()?;
        let retention = config.retention()?;
        let keys = PublicKeys::load(&layout.keys())?;
        let live = probe && writer_active(&layout);
        // 1. checkpoints, before anything they cover
        let checkpoint_log = read_checkpoint_log(&layout.checkpoint_log(), live).map_err(keep_err);
        let latest = read_latest(&layout.checkpoint()).map_err(keep_err);
        // 2. the WAL: records leave it only once their segment is in place
        let mut wal = wal::scan(&layout.wal())?;
        if live {
            // a live writer's last frame may be half written: not a lost tail
            wal.torn = None;
        }
        // 3. segments and tombstones (a tombstone is written before its segment goes)
        let mut bad_files = Vec::new();
        let mut leftovers = Vec::new();
        let mut segments = Vec::new();
        let sdir = layout.seg();
        if let Ok(rd) = std::fs::read_dir(&sdir) {
            let mut names: Vec<(String, PathBuf)> = Vec::new();
            for e in rd {
                let e = e.ctx("list", &sdir)?;
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with(".tmp-") {
                    if !live {
                        leftovers.push(e.path());
                    }
                } else if name.ends_with(".seg") {
                    names.push((name, e.path()));
                } else {
                    bad_files.push(BadFile {
                        path: e.path(),
                        reason: "unexpected file in seg/".into(),
                    });
                }
            }
            names.sort();
            for (name, path) in names {
                match super::shared::segment(&path) {
                    Ok(file) => segments.push(SegmentMeta { name, file }),
                    // pruned since it was listed: its tombstone is read below
                    Err(e) if !path.exists() => {
                        tracing::debug!(segment = %name, error = %e, "segment gone while opening");
                    }
                    Err(e) => bad_files.push(BadFile {
                        path,
                        reason: e.to_string(),
                    }),
                }
            }
        }
        segments.sort_by_key(|s| (s.file.footer.first_seq, s.file.footer.count));
        let mut tombstones = Vec::new();
        let tdir = layout.tombstones();
        if let Ok(rd) = std::fs::read_dir(&tdir) {
            for e in rd {
                let e = e.ctx("list", &tdir)?;
                let name = e.file_name().to_string_lossy().into_owned();
                if name.starts_with(".tmp-") {
                    if !live {
                        leftovers.push(e.path());
                    }
                    continue;
                }
                let path = e.path();
                match std::fs::read_to_string(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|t| Tombstone::parse(&t).map_err(|e| e.to_string()))
                {
                    Ok(t) => tombstones.push(t),
                    Err(reason) => bad_files.push(BadFile { path, reason }),
                }
            }
        }
        tombstones.sort_by_key(|t| t.first);
        let sealed_end = segments
            .iter()
            .map(|s| s.file.footer.end())
            .chain(tombstones.iter().map(|t| t.end))
            .max()
            .unwrap_or(0);
        let unsealed = wal.records.split_run_from(sealed_end);
        Ok(Store {
            layout,
            config,
            alg,
            retention,
            keys,
            segments,
            tombstones,
            bad_files,
            leftovers,
            wal,
            sealed_end,
            unsealed,
            checkpoint_log,
            latest,
            writer_active: live,
        })
    }

    /// Whether another process (`wangan serve`, `vault ingest`) held the
    /// writer lock when this snapshot was taken.
    pub fn writer_active(&self) -> bool {
        self.writer_active
    }

    /// The data directory layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// `vault.toml`.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Tree hash.
    pub fn hash_alg(&self) -> HashAlg {
        self.alg
    }

    /// Retention policy.
    pub fn retention(&self) -> Retention {
        self.retention
    }

    /// Public keys (from `keys/*.pub`).
    pub fn public_keys(&self) -> &PublicKeys {
        &self.keys
    }

    /// Sealed segments that opened, in seq order.
    pub fn segments(&self) -> &[SegmentMeta] {
        &self.segments
    }

    /// Tombstones of pruned segments, in seq order.
    pub fn tombstones(&self) -> &[Tombstone] {
        &self.tombstones
    }

    /// Files that could not be read (corrupt segments, stray files).
    pub fn bad_files(&self) -> &[BadFile] {
        &self.bad_files
    }

    /// Temporary files left by an interrupted write (harmless).
    pub fn leftovers(&self) -> &[PathBuf] {
        &self.leftovers
    }

    /// What the WAL scan found (torn tail, damage). Its `records` are those of the WAL
    /// that are not [`Store::unsealed`] (sealed already, or out of sequence).
    pub fn wal(&self) -> &WalScan {
        &self.wal
    }

    /// Seq after the last sealed (or pruned) record.
    pub fn sealed_end(&self) -> u64 {
        self.sealed_end
    }

    /// Durable records not yet sealed into a segment (from the WAL), in seq order. The runs
    /// of records are shared with the other stores of this process that read the same WAL
    /// bytes (see [`wal::scan`]): the writer's and the read snapshots hold the tail once.
    pub fn unsealed(&self) -> &Records {
        &self.unsealed
    }

    /// Number of records in the log (sealed, pruned and unsealed).
    pub fn size(&self) -> u64 {
        self.sealed_end + self.unsealed.len() as u64
    }

    /// Every checkpoint in `checkpoints.log`, in file order, as read when
    /// the store was opened (part of the snapshot).
    pub fn checkpoints(&self) -> Result<CheckpointLog> {
        self.checkpoint_log
            .clone()
            .map_err(|(k, m)| Error::new(k, m))
    }

    /// The latest checkpoint (`checkpoint` file), as read when the store
    /// was opened.
    pub fn latest_checkpoint(&self) -> Result<Option<SignedCheckpoint>> {
        self.latest.clone().map_err(|(k, m)| Error::new(k, m))
    }

    /// The parts of the store holding records with seq in `range`, in seq
    /// order: sealed blocks, then the unsealed records. Each can be read on
    /// its own ([`Store::visit_part`]), so passes over the store can spread
    /// parts over threads.
    pub fn raw_parts(&self, range: std::ops::Range<u64>) -> Vec<RawPart> {
        let mut parts = Vec::new();
        for (k, s) in self.segments.iter().enumerate() {
            let foot = &s.file.footer;
            if foot.first_seq >= range.end || foot.end() <= range.start {
                continue;
            }
            for (i, b) in foot.blocks.iter().enumerate() {
                if b.first_seq < range.end && b.first_seq + u64::from(b.count) > range.start {
                    parts.push(RawPart::Block {
                        segment: k,
                        block: i,
                    });
                }
            }
        }
        if self.unsealed.iter().any(|r| range.contains(&r.seq)) {
            parts.push(RawPart::Unsealed);
        }
        parts
    }

    /// Call `f(seq, source, raw)` for the records of `part` with seq in
    /// `range`, in seq order: borrowed views, nothing copied and nothing
    /// parsed.
    pub fn visit_part(
        &self,
        part: RawPart,
        range: std::ops::Range<u64>,
        mut f: impl FnMut(u64, &str, &[u8]),
    ) -> Result<()> {
        match part {
            RawPart::Block { segment, block } => {
                let Some(s) = self.segments.get(segment) else {
                    return Err(Error::new(
                        ErrorKind::OutOfRange,
                        format!("no segment {segment}"),
                    ));
                };
                let off = s.file.footer.blocks.get(block).map_or(0, |b| b.offset);
                let (_, d) = s.file.read_block(block)?;
                for r in d.records() {
                    let v = r.map_err(|e| {
                        Error::corrupt(&s.file.path, off, format!("block {block}: {e}"))
                    })?;
                    if range.contains(&v.seq) {
                        f(v.seq, v.source, v.raw);
                    }
                }
            }
            RawPart::Unsealed => {
                for r in &self.unsealed {
                    if range.contains(&r.seq) {
                        f(r.seq, &r.source, &r.raw);
                    }
                }
            }
        }
        Ok(())
    }

    /// Call `f(seq, source, raw)` for the records with seq in `range`, in seq
    /// order, part by part ([`Store::raw_parts`], [`Store::visit_part`]):
    /// borrowed views, nothing copied and nothing parsed. Pruned records are
    /// skipped. Stops at the first block that cannot be read.
    pub fn visit_raw(
        &self,
        range: std::ops::Range<u64>,
        mut f: impl FnMut(u64, &str, &[u8]),
    ) -> Result<()> {
        for part in self.raw_parts(range.clone()) {
            self.visit_part(part, range.clone(), &mut f)?;
        }
        Ok(())
    }

    /// Records with seq in `range`, in seq order, block by block (streamed).
    /// Pruned records are skipped.
    pub fn records(
        &self,
        range: std::ops::Range<u64>,
    ) -> impl Iterator<Item = Result<StoredRecord>> + '_ {
        let segs: Vec<&SegmentMeta> = self
            .segments
            .iter()
            .filter(|s| s.file.footer.first_seq < range.end && s.file.footer.end() > range.start)
            .collect();
        let r2 = range.clone();
        let sealed = segs.into_iter().flat_map(move |s| {
            let r = r2.clone();
            s.file
                .footer
                .blocks
                .iter()
                .enumerate()
                .filter(move |(_, b)| {
                    b.first_seq < r.end && b.first_seq + u64::from(b.count) > r.start
                })
                .map(move |(i, _)| (s, i))
        });
        let r3 = range.clone();
        let blocks = sealed.flat_map(move |(s, i)| {
            let v: Vec<Result<StoredRecord>> = match s.file.read_block(i) {
                Ok((_, d)) => d
                    .records()
                    .filter_map(|r| match r {
                        Ok(v) if r3.contains(&v.seq) => Some(Ok(StoredRecord {
                            record: v.to_record(),
                            parsed: v.parsed(),
                        })),
                        Ok(_) => None,
                        Err(e) => Some(Err(Error::corrupt(
                            &s.file.path,
                            s.file.footer.blocks[i].offset,
                            format!("block {i}: {e}"),
                        ))),
                    })
                    .collect(),
                Err(e) => vec![Err(e)],
            };
            v.into_iter()
        });
        let unsealed = self
            .unsealed
            .iter()
            .filter(move |r| range.contains(&r.seq))
            .map(|r| {
                Ok(StoredRecord {
                    record: r.clone(),
                    parsed: Some(parse::parse_record(&r.raw, r.received_at())),
                })
            });
        blocks.chain(unsealed)
    }

    /// Leaf hashes of the records in `range` (pruned records from tombstone edges where kept).
    pub fn leaf_hashes(&self, range: std::ops::Range<u64>) -> Result<Vec<Hash>> {
        let mut out = Vec::with_capacity((range.end - range.start) as usize);
        let mut scratch = Vec::new();
        let mut next = range.start;
        for t in &self.tombstones {
            if t.end > next && t.first < range.end {
                // only edge leaves survive a prune
                for (i, h) in t.edge.iter().enumerate() {
                    let s = t.edge_start + i as u64;
                    if s == next && s < range.end {
                        out.push(*h);
                        next += 1;
                    }
                }
            }
        }
        for r in self.records(next..range.end) {
            let r = r?;
            if r.record.seq != next {
                return Err(Error::new(
                    ErrorKind::Corrupt,
                    format!("record seq {} where {next} was expected", r.record.seq),
                ));
            }
            out.push(r.record.leaf_hash(self.alg, &mut scratch));
            next += 1;
        }
        if next != range.end {
            return Err(Error::new(
                ErrorKind::OutOfRange,
                format!(
                    "leaves {}..{} not available (pruned or missing from {next})",
                    range.start, range.end
                ),
            ));
        }
        Ok(out)
    }

    /// A source of subtree hashes for proofs (tiles from footers and tombstones, leaves recomputed).
    pub fn tree(&self) -> TreeReader<'_> {
        // the stored tiles, by range: read where they are (a copy of every tile into a map
        // was 3 MiB at 10 M records, for one proof)
        let mut tiles: Vec<(u64, &[Hash])> = self
            .segments
            .iter()
            .map(|s| (s.file.footer.first_tile, &s.file.footer.tiles[..]))
            .chain(self.tombstones.iter().map(|t| (t.first_tile, &t.tiles[..])))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        tiles.sort_by_key(|(first, _)| *first);
        TreeReader {
            store: self,
            tiles,
            memo: HashMap::new(),
        }
    }

    /// Inclusion proof of record `seq` in the tree of `size` records.
    pub fn inclusion_proof(&self, seq: u64, size: u64) -> Result<InclusionProof> {
        if seq >= size || size > self.size() {
            return Err(Error::new(
                ErrorKind::OutOfRange,
                format!(
                    "seq {seq} is not in a tree of size {size} (log size {})",
                    self.size()
                ),
            ));
        }
        let mut tr = self.tree();
        let hashes = merkle::inclusion_proof(self.alg, &mut tr, seq, size)?;
        let leaf = self
            .leaf_hashes(seq..seq + 1)?
            .first()
            .copied()
            .unwrap_or_default();
        Ok(InclusionProof {
            seq,
            tree_size: size,
            leaf,
            hashes,
        })
    }

    /// Consistency proof between tree sizes `old <= new`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>> {
        if old > new || new > self.size() {
            return Err(Error::new(
                ErrorKind::OutOfRange,
                format!(
                    "no consistency proof from {old} to {new} (log size {})",
                    self.size()
                ),
            ));
        }
        let mut tr = self.tree();
        merkle::consistency_proof(self.alg, &mut tr, old, new)
    }

    /// Merkle root at `size`.
    pub fn root_at(&self, size: u64) -> Result<Hash> {
        let mut tr = self.tree();
        merkle::range_hash(self.alg, &mut tr, 0, size)
    }
}

/// An inclusion proof of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    /// Seq (leaf index).
    pub seq: u64,
    /// Tree size the proof is for.
    pub tree_size: u64,
    /// Leaf hash of the record.
    pub leaf: Hash,
    /// Audit path, bottom to top.
    pub hashes: Vec<Hash>,
}

impl InclusionProof {
    /// Check the proof against a root.
    pub fn verify(&self, alg: HashAlg, root: &Hash) -> bool {
        merkle::verify_inclusion(
            alg,
            &self.leaf,
            self.seq,
            self.tree_size,
            &self.hashes,
            root,
        )
    }
}

/// Subtree hashes from stored tiles (level 8) and recomputed leaves.
pub struct TreeReader<'a> {
    store: &'a Store,
    /// Stored tiles: (index of the first, the tiles), sorted by the first.
    tiles: Vec<(u64, &'a [Hash])>,
    /// Subtree hashes of [`MEMO_LEVEL`] and above already computed (a reader serves many
    /// proofs of one export): at most one per 4 096 records; and level-8 subtrees that no
    /// stored tile holds.
    memo: HashMap<(u64, u32), Hash>,
}

/// The lowest level a [`TreeReader`] remembers: below it a subtree hash is at most eight
/// stored tiles combined.
const MEMO_LEVEL: u32 = 12;

impl TreeReader<'_> {
    /// The stored tile `idx` (level 8), if any.
    fn tile(&self, idx: u64) -> Option<Hash> {
        let p = self.tiles.partition_point(|(first, _)| *first <= idx);
        let hit = |(first, t): &(u64, &[Hash])| {
            idx.checked_sub(*first)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| t.get(i).copied())
        };
        p.checked_sub(1)
            .and_then(|i| hit(&self.tiles[i]))
            // ranges do not overlap; should they, any range holding the tile will do
            .or_else(|| self.tiles[..p].iter().rev().find_map(hit))
    }
}

impl SubtreeSource for TreeReader<'_> {
    fn perfect(&mut self, start: u64, k: u32) -> Result<Hash> {
        if let Some(h) = self.memo.get(&(start, k)) {
            return Ok(*h);
        }
        let alg = self.store.alg;
        let stored = if k == 8 {
            self.tile(start / TILE)
        } else {
            None
        };
        let h = if let Some(h) = stored {
            h
        } else if k > 8 {
            let l = self.perfect(start, k - 1)?;
            let r = self.perfect(start + (1 << (k - 1)), k - 1)?;
            alg.node(&l, &r)
        } else {
            let leaves = self.store.leaf_hashes(start..start + (1 << k))?;
            merkle::mth(alg, &leaves)
        };
        // and a level-8 subtree no tile holds (one crossing a segment's end), read from its
        // records
        if k >= MEMO_LEVEL || (k == 8 && stored.is_none()) {
            self.memo.insert((start, k), h);
        }
        Ok(h)
    }
}

/// Read every block of a segment for verification or export.
pub fn read_all_blocks(
    seg: &SegmentFile,
) -> impl Iterator<Item = (usize, Result<(BlockHeader, BlockData)>)> + '_ {
    (0..seg.footer.blocks.len()).map(move |i| (i, seg.read_block(i)))
}
