//! The writer: [`Vault`] appends records, group-commits them with fsync,
//! seals segments and signs checkpoints; also its init and open options.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, FORMAT_VERSION, KeyIds, Retention};
use crate::durable::{Ack, Durability, Target};
use crate::error::IoCtx;
use crate::keys::{PublicKeys, Signer};
use crate::merkle::CompactRange;
use crate::note::{Checkpoint, SignedCheckpoint};
use crate::record::{Incoming, MAX_NAME};
use crate::segment::{self, BlockEntry, SegmentFooter, SegmentHeader, TILE};
use crate::wal;
use crate::{Error, ErrorKind, Hash, HashAlg, Result};

use super::layout::Layout;
use super::reader::Store;
use super::{DEFAULT_SEGMENT_SIZE, GROUP_BYTES, INTERNAL_SOURCE, MAX_SEGMENT_AGE};

/// Records whose leaves the writer hashes at once (see `Vault::unhashed`).
const LEAF_BATCH: usize = crate::lanes::LANES;

/// Options for [`Vault::init`].
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// Tree hash, fixed for the log's life.
    pub hash: HashAlg,
    /// Retention (at least six calendar months).
    pub retention: Retention,
    /// Seal segments at this many raw bytes.
    pub segment_size: u64,
    /// Largest checkpoint gap counted as a continuous timeline.
    pub max_checkpoint_gap: String,
}

impl Default for InitOptions {
    fn default() -> Self {
        InitOptions {
            hash: HashAlg::Sha256,
            retention: Retention::MINIMUM,
            segment_size: DEFAULT_SEGMENT_SIZE,
            max_checkpoint_gap: "2 days".into(),
        }
    }
}

/// How a writer runs: the parts a test may replace, and tuning. The
/// defaults are the real clock, the real file system ([`crate::durable::Os`])
/// and one block worker per available core (at most 4).
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// The clock records and checkpoints are stamped with.
    pub clock: Arc<dyn Clock>,
    /// File syncs and directory operations (see [`crate::durable`]).
    pub durability: Arc<dyn Durability>,
    /// Block worker threads (1 to [`MAX_WORKERS`](crate::MAX_WORKERS)); `None`: one per
    /// available core, at most 4. Segments are byte-identical whatever the
    /// number.
    pub workers: Option<usize>,
    /// Target raw size of a block, from 1 KiB to [`BLOCK_TARGET`](crate::BLOCK_TARGET);
    /// `None`: [`BLOCK_TARGET`](crate::BLOCK_TARGET). Smaller blocks compress worse
    /// and make larger segments; tests use them to have many blocks (and block
    /// frames in the WAL) from few records. [`Vault::append`] then looks at the
    /// open segment's size every 8 blocks' worth instead of every 8 MiB
    /// (`GROUP_BYTES`).
    pub block_target: Option<usize>,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            clock: Arc::new(SystemClock),
            durability: crate::durable::os(),
            workers: None,
            block_target: None,
        }
    }
}

impl WriterOptions {
    /// Refuse a worker count or a block target out of range.
    fn check(&self) -> Result<()> {
        let max = crate::tuning::MAX_WORKERS;
        if let Some(n) = self.workers
            && !(1..=max).contains(&n)
        {
            return Err(Error::new(
                ErrorKind::Config,
                format!("{n} block workers is out of range: between 1 and {max}"),
            ));
        }
        let most = crate::tuning::BLOCK_TARGET;
        if let Some(t) = self.block_target
            && !(1 << 10..=most).contains(&t)
        {
            return Err(Error::new(
                ErrorKind::Config,
                format!("block target of {t} bytes is out of range: between 1024 and {most}"),
            ));
        }
        Ok(())
    }

    /// The defaults with `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> WriterOptions {
        WriterOptions {
            clock,
            ..WriterOptions::default()
        }
    }
}

/// The writer-side state of the open segment (the blocks are built by the
/// [`crate::pipe::BlockPipe`] workers).
struct SegBuilder {
    first_seq: u64,
    first_tile: Option<u64>,
    tiles: Vec<Hash>,
    /// When the open segment got its first record, by the vault's clock
    /// (for [`MAX_SEGMENT_AGE`]).
    opened: Option<time::OffsetDateTime>,
    raw: u64,
    count: u64,
}

impl SegBuilder {
    fn new(first_seq: u64) -> SegBuilder {
        SegBuilder {
            first_seq,
            first_tile: None,
            tiles: Vec::new(),
            opened: None,
            raw: 0,
            count: 0,
        }
    }
}

/// What a commit did.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    /// Records durable now.
    pub size: u64,
    /// The checkpoint written.
    pub checkpoint: SignedCheckpoint,
    /// Segments sealed by this commit (their files may still be being
    /// written in the background; see [`Vault::commit`]).
    pub sealed: Vec<String>,
}

/// The writer: appends records, group-commits them with fsync, seals
/// segments and signs checkpoints. One writer per data directory (a lock
/// file guards it).
pub struct Vault {
    store: Store,
    signer: Signer,
    clock: Arc<dyn Clock>,
    /// Every fsync, rename and removal, and every acknowledgement, goes through it.
    durability: Arc<dyn Durability>,
    _lock: File,
    wal_file: File,
    wal_path: PathBuf,
    /// fsyncs the WAL in the background.
    syncer: wal::Syncer,
    /// Ticket of the last fsync requested, and of the last one waited for.
    wal_ticket: u64,
    wal_synced: u64,
    /// Written groups whose fsync may still run: (ticket, tree size, root,
    /// WAL length).
    flushed: std::collections::VecDeque<(u64, u64, Hash, u64)>,
    /// Bytes of the open WAL file written, known durable (what
    /// [`Vault::abandon`] cuts it back to), and written when the last fsync
    /// was requested.
    wal_written: u64,
    wal_durable: u64,
    wal_requested: u64,
    /// Frame bytes appended since the last WAL write or look at the segment's size.
    group: usize,
    /// `append` looks at the open segment's size every this many `group` bytes
    /// ([`GROUP_BYTES`], or as many blocks' worth with a smaller block target).
    group_bytes: usize,
    next_seq: u64,
    /// Payload ranges, in the block being filled ([`crate::pipe::BlockPipe::buf_mut`]), of
    /// the last records appended whose leaves are not hashed yet: they are hashed
    /// [`LEAF_BATCH`] at a time ([`crate::HashAlg::leaves`]: SIMD lanes for SM3), and
    /// by [`Vault::root`], which every path that reads the tree or hands the block to a
    /// worker (`dispatch`, `flush`, `write_all`) calls first.
    unhashed: Vec<std::ops::Range<usize>>,
    main: CompactRange,
    tile: CompactRange,
    /// Leaves of the tile being filled that are not in `tile` yet: a tile
    /// filled without a root asked for in between gets its root from them at
    /// once ([`crate::HashAlg::perfect_root`]: SM3 in SIMD lanes); `root` adds
    /// them to `tile` first.
    tile_leaves: Vec<Hash>,
    committed: (u64, Hash),
    seg: SegBuilder,
    /// Builds and compresses the open segment's blocks on worker threads.
    pipe: crate::pipe::BlockPipe,
    prev_footer: Hash,
    recovered: Option<wal::TornTail>,
    /// Records made durable by [`Vault::sync`] that no checkpoint covers yet.
    unchecked: bool,
    /// The thread writing the last sealed segment (see [`Vault::commit`]).
    sealing: Option<std::thread::JoinHandle<Result<()>>>,
    /// A lazy seal in flight: some of its records are in no WAL, only in the segment
    /// being written (see [`Vault::seal_start`]). Until it is durable nothing is
    /// written to a WAL and `committed` stays where it is; then the next WAL is
    /// created (so no WAL ever holds records after a gap) and `committed` becomes
    /// the mark here (tree size and root at the seal).
    lazy_seal: Option<LazySeal>,
    /// Why writing a sealed segment failed (sticky: reopen the vault).
    seal_failed: Option<String>,
    /// WAL files before the open one whose records are not sealed yet
    /// (left by a crash during a background seal); removed at the next seal.
    older_wals: Vec<PathBuf>,
}

impl Drop for Vault {
    /// A dropped vault leaves no segment half written: a background seal finishes first.
    fn drop(&mut self) {
        if let Err(e) = self.finish_seal() {
            tracing::warn!(error = %e, "vault dropped after a failed seal");
        }
    }
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("dir", &self.store.layout.dir)
            .field("next_seq", &self.next_seq)
            .finish_non_exhaustive()
    }
}

/// A lazy seal in flight (see [`Vault::seal_start`]).
#[derive(Debug)]
struct LazySeal {
    /// The segment being written.
    segment: PathBuf,
    /// The WAL to create once it is durable.
    next_wal: PathBuf,
    /// Tree size and root after its last record.
    mark: crate::pipe::Mark,
}

/// Take the writer lock (`lock`, flock). A reader probing it
/// ([`Store::open`]) holds it shared for an instant, so a busy lock is
/// retried for up to a second before it counts as another writer.
fn take_writer_lock(layout: &Layout) -> Result<File> {
    let path = layout.lock();
    let lock = crate::fsx::open_private(
        OpenOptions::new().create(true).truncate(false).write(true),
        &path,
    )?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        match lock.try_lock() {
            Ok(()) => return Ok(lock),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::new(
                    ErrorKind::Locked,
                    format!(
                        "{}: another process is writing to this vault",
                        path.display()
                    ),
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io("lock", &path, e)),
        }
    }
}

/// Make the data directory and its subdirectories 0700 and the files the
/// writer writes to 0600 (stores made before modes were enforced). Best
/// effort: a failure is logged, not fatal.
fn make_private(layout: &Layout) {
    let mut paths = vec![
        (layout.dir.clone(), crate::fsx::DIR_MODE),
        (layout.keys(), crate::fsx::DIR_MODE),
        (layout.wal(), crate::fsx::DIR_MODE),
        (layout.seg(), crate::fsx::DIR_MODE),
        (layout.tombstones(), crate::fsx::DIR_MODE),
        (layout.config(), crate::fsx::FILE_MODE),
        (layout.checkpoint(), crate::fsx::FILE_MODE),
        (layout.checkpoint_log(), crate::fsx::FILE_MODE),
    ];
    if let Ok(rd) = std::fs::read_dir(layout.wal()) {
        paths.extend(rd.flatten().map(|e| (e.path(), crate::fsx::FILE_MODE)));
    }
    for (p, mode) in paths {
        if !p.exists() {
            continue;
        }
        if let Err(e) = crate::fsx::chmod(&p, mode) {
            tracing::warn!(path = %p.display(), error = %e, "could not make private");
        }
    }
}

/// Refuse to initialise over vault data whose `vault.toml` is gone.
fn refuse_existing_data(layout: &Layout) -> Result<()> {
    let count = |dir: &Path, ext: Option<&str>| -> usize {
        std::fs::read_dir(dir).map_or(0, |rd| {
            rd.flatten()
                .filter(|e| {
                    let n = e.file_name();
                    let n = n.to_string_lossy();
                    !n.starts_with(".tmp-") && ext.is_none_or(|x| n.ends_with(x))
                })
                .count()
        })
    };
    let mut found = Vec::new();
    let keys = count(&layout.keys(), None);
    if keys > 0 {
        found.push(format!("{keys} files in keys/"));
    }
    for (dir, ext, what) in [
        (layout.seg(), ".seg", "segments"),
        (layout.wal(), ".wal", "wal files"),
        (layout.tombstones(), ".tomb", "tombstones"),
    ] {
        let n = count(&dir, Some(ext));
        if n > 0 {
            found.push(format!("{n} {what}"));
        }
    }
    for p in [layout.checkpoint_log(), layout.checkpoint()] {
        if p.exists() {
            found.push(
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    let origin = std::fs::read_to_string(layout.keys().join("ed25519.pub"))
        .ok()
        .and_then(|t| t.split('+').next().map(|s| s.trim().to_owned()))
        .filter(|s| !s.is_empty() && s.len() < 200);
    Err(Error::new(
        ErrorKind::AlreadyExists,
        format!(
            "{} holds vault data but no vault.toml ({}): refusing to initialise over it, since new keys would orphan every signed checkpoint and segment. To recover, restore vault.toml from a backup{} and the vault opens again; to start a new vault, move this directory aside or choose another --data-dir",
            layout.dir.display(),
            found.join(", "),
            origin
                .map(|o| format!(" (its origin is {o:?}, as in keys/ed25519.pub)"))
                .unwrap_or_default()
        ),
    ))
}

fn random_hex(n: usize) -> Result<String> {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).map_err(|e| {
        Error::new(
            ErrorKind::Crypto,
            format!("no random bytes from the os: {e}"),
        )
    })?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Write a sealed segment file from its parts in order (header, the blocks
/// as the workers made them, footer), never copied together.
fn write_segment(
    d: &dyn Durability,
    path: &Path,
    head: &[u8],
    blocks: &[Vec<u8>],
    tail: &[u8],
) -> Result<()> {
    let mut parts = Vec::with_capacity(blocks.len() + 2);
    parts.push(head);
    parts.extend(blocks.iter().map(Vec::as_slice));
    parts.push(tail);
    crate::fsx::write_atomic_parts(d, path, &parts, crate::fsx::SEALED_MODE, Target::Segment)
}

/// What the block pipe writes to the WAL goes to `file` (`path`), counted in `written`.
fn wal_out<'a>(
    file: &'a File,
    path: &'a Path,
    written: &'a mut u64,
) -> impl FnMut(&[u8]) -> Result<()> + 'a {
    move |b: &[u8]| {
        let mut f = file;
        f.write_all(b).ctx("write wal", path)?;
        *written += b.len() as u64;
        Ok(())
    }
}

fn split_compact(c: &CompactRange) -> (CompactRange, CompactRange) {
    let size = c.size();
    let main_size = size & !(TILE - 1);
    let n_main = main_size.count_ones() as usize;
    let roots = c.roots();
    let main = CompactRange::from_parts(main_size, roots[..n_main].to_vec()).unwrap_or_default();
    let tile =
        CompactRange::from_parts(size - main_size, roots[n_main..].to_vec()).unwrap_or_default();
    (main, tile)
}

fn combined(alg: HashAlg, main: &CompactRange, tile: &CompactRange) -> CompactRange {
    let mut roots = main.roots().to_vec();
    roots.extend_from_slice(tile.roots());
    CompactRange::from_parts(main.size() + tile.size(), roots).unwrap_or_else(|| {
        let _ = alg;
        CompactRange::new()
    })
}

impl Vault {
    /// Create a new vault in `dir` (created if missing; must not hold a vault).
    pub fn init(dir: &Path, opts: &InitOptions) -> Result<Vault> {
        Vault::init_with_clock(dir, opts, Arc::new(SystemClock))
    }

    /// [`Vault::init`] with an injected clock (tests).
    ///
    /// Refuses (with [`ErrorKind::AlreadyExists`]) a directory that holds a
    /// vault, or vault data without its `vault.toml` (keys, segments, WAL,
    /// tombstones, checkpoints): new keys would orphan every signed
    /// checkpoint and segment. The message says how to recover.
    pub fn init_with_clock(dir: &Path, opts: &InitOptions, clock: Arc<dyn Clock>) -> Result<Vault> {
        Vault::init_with(dir, opts, WriterOptions::with_clock(clock))
    }

    /// [`Vault::init`] with the writer's parts and tuning given.
    pub fn init_with(dir: &Path, opts: &InitOptions, w: WriterOptions) -> Result<Vault> {
        // before anything is created: a refused option leaves no half-made vault behind
        w.check()?;
        let clock = w.clock.clone();
        let d = &*w.durability;
        opts.retention.check()?;
        crate::config::parse_checkpoint_gap(&opts.max_checkpoint_gap)?;
        crate::config::check_segment_size(opts.segment_size)?;
        let layout = Layout {
            dir: dir.to_path_buf(),
        };
        if layout.config().exists() {
            return Err(Error::new(
                ErrorKind::AlreadyExists,
                format!("{} already holds a vault", dir.display()),
            ));
        }
        refuse_existing_data(&layout)?;
        crate::fsx::create_dir(dir)?;
        // the data directory's own entry is durable only with its parent synced
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty())
            && let Err(e) = crate::fsx::sync_dir(d, parent, Target::Config)
        {
            tracing::warn!(error = %e, "the data directory's parent could not be fsynced");
        }
        for d in [
            layout.keys(),
            layout.wal(),
            layout.seg(),
            layout.tombstones(),
        ] {
            crate::fsx::create_dir(&d)?;
        }
        let origin = format!("wangan.vault/{}", random_hex(8)?);
        let signer = Signer::generate(&origin)?;
        signer.save_with(d, &layout.keys())?;
        let now = clock.now();
        let config = Config {
            format: FORMAT_VERSION,
            origin: origin.clone(),
            hash: opts.hash.name().into(),
            retention: opts.retention.to_string(),
            created: crate::clock::rfc3339(now),
            segment_size: opts.segment_size,
            max_checkpoint_gap: opts.max_checkpoint_gap.clone(),
            keys: KeyIds {
                ed25519: signer.public().ed25519_verifier_key(),
                sm2: format!("{:08x}", signer.public().sm2_id),
            },
        };
        crate::fsx::write_private(
            d,
            &layout.config(),
            config.to_toml()?.as_bytes(),
            Target::Config,
        )?;
        crate::fsx::sync_dir(d, dir, Target::Config)?;
        let mut v = Vault::open_with(dir, w)?;
        v.checkpoint_now()?;
        tracing::info!(dir = %dir.display(), hash = opts.hash.name(), "vault initialised");
        Ok(v)
    }

    /// Open the vault in `dir` for writing, recovering from a crash if needed.
    pub fn open(dir: &Path) -> Result<Vault> {
        Vault::open_with_clock(dir, Arc::new(SystemClock))
    }

    /// [`Vault::open`] with an injected clock (tests; the CLI always uses the system clock).
    pub fn open_with_clock(dir: &Path, clock: Arc<dyn Clock>) -> Result<Vault> {
        Vault::open_with(dir, WriterOptions::with_clock(clock))
    }

    /// [`Vault::open`] with the writer's parts and tuning given.
    pub fn open_with(dir: &Path, w: WriterOptions) -> Result<Vault> {
        w.check()?;
        let WriterOptions {
            clock,
            durability,
            workers,
            block_target,
        } = w;
        let block_target = block_target.unwrap_or(crate::tuning::BLOCK_TARGET);
        let d = &*durability;
        let layout = Layout {
            dir: dir.to_path_buf(),
        };
        if !layout.config().exists() {
            // the same "no vault" error as a reader gets
            return Err(Store::open(dir).err().unwrap_or_else(|| {
                Error::new(
                    ErrorKind::NotFound,
                    format!("no vault in {}", dir.display()),
                )
            }));
        }
        // the lock first, then the snapshot: nobody appends behind our back
        let lock = take_writer_lock(&layout)?;
        let store = Store::open_inner(dir, false)?;
        make_private(&layout);
        let signer = Signer::load(&layout.keys(), &store.config.origin)?;
        if signer.public().ed25519_id != store.keys.ed25519_id {
            return Err(Error::new(
                ErrorKind::Crypto,
                "keys/ed25519.key does not match keys/ed25519.pub",
            ));
        }
        if !store.bad_files.is_empty() || !store.wal.corrupt.is_empty() {
            return Err(Error::new(
                ErrorKind::Corrupt,
                format!(
                    "{}: the store is damaged ({} unreadable files, {} wal problems); restore it before writing",
                    dir.display(),
                    store.bad_files.len(),
                    store.wal.corrupt.len()
                ),
            ));
        }
        // leftovers of interrupted writes
        for p in &store.leftovers {
            let _ = d.remove_file(p, Target::Wal);
        }
        let cut = crate::note::repair_checkpoint_log(d, &layout.checkpoint_log())?;
        if cut > 0 {
            tracing::warn!(bytes = cut, "torn checkpoints.log tail truncated");
        }
        let alg = store.alg;
        let sealed_end = store.sealed_end;
        // tree state after the sealed part
        let (compact, prev_footer) = match (store.segments.last(), store.tombstones.last()) {
            (Some(s), t) if t.is_none_or(|t| t.end <= s.file.footer.end()) => (
                s.file.footer.compact_range().unwrap_or_default(),
                s.file.footer_hash,
            ),
            (_, Some(t)) => (
                CompactRange::from_parts(t.tree_size, t.compact.clone()).unwrap_or_default(),
                t.footer,
            ),
            _ => (CompactRange::new(), Hash::default()),
        };
        if compact.size() != sealed_end {
            return Err(Error::new(
                ErrorKind::Corrupt,
                format!(
                    "tree state after the last segment has size {} but the log ends at {sealed_end}",
                    compact.size()
                ),
            ));
        }
        let (main, tile) = split_compact(&compact);
        // WAL: drop stale files, truncate a torn tail
        let mut wal_path: Option<PathBuf> = None;
        let mut older_wals = Vec::new();
        let mut removed_wal = false;
        for (path, first, good) in &store.wal.extents {
            let covered = store
                .wal
                .records
                .iter()
                .filter(|r| r.seq >= *first)
                .all(|r| r.seq < sealed_end);
            if *first < sealed_end && covered && store.unsealed.iter().all(|r| r.seq < *first) {
                d.remove_file(path, Target::Wal)
                    .ctx("remove stale wal", path)?;
                removed_wal = true;
                continue;
            }
            let f = OpenOptions::new()
                .write(true)
                .open(path)
                .ctx("open wal", path)?;
            f.set_len(*good).ctx("truncate torn wal tail", path)?;
            crate::fsx::sync_file(d, &f, path, Target::Wal)?;
            older_wals.extend(wal_path.replace(path.clone()));
        }
        let latest = store.latest_checkpoint().ok().flatten();
        let durable = store.size();
        if let Some(cp) = &latest
            && cp.checkpoint.size > durable
        {
            return Err(Error::new(
                ErrorKind::Corrupt,
                format!(
                    "checkpoint covers {} records but only {durable} are on disk",
                    cp.checkpoint.size
                ),
            ));
        }
        let wal_path = match wal_path {
            Some(p) => p,
            None => {
                let p = layout.wal().join(wal::wal_name(sealed_end));
                crate::fsx::create_private(&p)?;
                removed_wal = true;
                p
            }
        };
        if removed_wal {
            crate::fsx::sync_dir(d, &layout.wal(), Target::Wal)?;
        }
        let wal_file = OpenOptions::new()
            .append(true)
            .open(&wal_path)
            .ctx("open wal", &wal_path)?;
        let wal_len = wal_file.metadata().ctx("stat wal", &wal_path)?.len();
        let pipe = crate::pipe::BlockPipe::start(
            workers,
            block_target,
            crate::config::wal_blocks(store.config.format),
            (sealed_end, alg.empty_root()),
        )?;
        let syncer = wal::Syncer::start(&wal_file, &wal_path, durability.clone())?;
        let recovered = store.wal.torn.clone();
        let unsealed = store.unsealed.clone();
        let mut v = Vault {
            committed: (0, alg.empty_root()),
            store,
            signer,
            clock,
            durability,
            _lock: lock,
            wal_file,
            wal_path,
            syncer,
            wal_ticket: 0,
            wal_synced: 0,
            flushed: std::collections::VecDeque::new(),
            wal_written: wal_len,
            wal_durable: wal_len,
            wal_requested: wal_len,
            group: 0,
            group_bytes: GROUP_BYTES / crate::tuning::BLOCK_TARGET * block_target,
            sealing: None,
            lazy_seal: None,
            seal_failed: None,
            older_wals,
            unchecked: false,
            next_seq: sealed_end,
            unhashed: Vec::with_capacity(LEAF_BATCH),
            main,
            tile,
            tile_leaves: Vec::with_capacity(TILE as usize),
            seg: SegBuilder::new(sealed_end),
            pipe,
            prev_footer,
            recovered: None,
        };
        // replay unsealed records into the tree and the block worker (not into the WAL again)
        let mut frame = Vec::new();
        for r in &unsealed {
            frame.clear();
            let range = wal::frame_open(&mut frame, |out| r.canonical_into(out));
            let leaf = alg.leaf(&frame[range]);
            let full = v.pipe.push(&frame, r.raw.len());
            v.add(r.raw.len(), leaf);
            if full {
                // in the WAL already: nothing is written
                let mark = (v.next_seq, v.root());
                let mut out = wal_out(&v.wal_file, &v.wal_path, &mut v.wal_written);
                v.pipe.dispatch(mark, &mut out)?;
            }
        }
        v.committed = (v.next_seq, v.root());
        v.pipe.set_wal_mark(v.committed);
        // records synced before a crash that no checkpoint covers: the next commit signs one
        let checkpointed = v
            .store
            .latest_checkpoint()
            .ok()
            .flatten()
            .map(|c| c.checkpoint.size);
        v.unchecked = checkpointed.is_none_or(|s| s < v.committed.0);
        if let Some(t) = recovered {
            tracing::warn!(path = %t.path.display(), bytes = t.bytes, next_seq = t.next_seq, "torn wal tail truncated");
            let msg = format!(
                "{{\"event\":\"recovery\",\"unsealed_tail_lost_bytes\":{},\"at_least_records\":{},\"first_lost_seq\":{},\"checkpointed\":false}}",
                t.bytes, t.records, t.next_seq
            );
            let now = crate::clock::to_ns(v.clock.now());
            v.append(&Incoming {
                received_ns: now,
                source: INTERNAL_SOURCE,
                peer: "-",
                transport: "internal",
                raw: msg.as_bytes(),
            })?;
            v.commit()?;
            v.recovered = Some(t);
        }
        Ok(v)
    }

    /// A torn WAL tail found and truncated when this writer opened (records
    /// that were never checkpointed).
    pub fn recovered_tail(&self) -> Option<&wal::TornTail> {
        self.recovered.as_ref()
    }

    /// The read view as of opening (does not include later appends; reopen with [`Store::open`]).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Public keys.
    pub fn public_keys(&self) -> &PublicKeys {
        self.signer.public()
    }

    /// Seq the next record gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Durable (committed) tree size and root.
    pub fn committed(&self) -> (u64, Hash) {
        self.committed
    }

    /// Root of the tree of every record appended.
    fn root(&mut self) -> Hash {
        self.hash_leaves();
        for leaf in self.tile_leaves.drain(..) {
            self.tile.push(self.store.alg, leaf);
        }
        combined(self.store.alg, &self.main, &self.tile).root(self.store.alg)
    }

    /// Hash the leaves of the records in `unhashed` and add them to the tree.
    fn hash_leaves(&mut self) {
        let n = self.unhashed.len();
        if n == 0 {
            return;
        }
        let mut leaves = [Hash::default(); LEAF_BATCH];
        self.store
            .alg
            .leaves_at(self.pipe.buf_mut(), &self.unhashed, &mut leaves);
        self.unhashed.clear();
        for leaf in &leaves[..n] {
            self.push_leaf(*leaf);
        }
    }

    /// Append one record; returns its seq. It is durable after
    /// [`Vault::sync`] or [`Vault::commit`]. The block workers compress the
    /// records a block (about 1 MiB of records) at a time; a finished block
    /// waits in memory until a sync, commit or flush writes it to the WAL, or
    /// its segment is sealed. Every 8 MiB of records `append` looks at the
    /// open segment and seals it when it is full (lazily, so that the blocks
    /// no WAL holds yet are written once, into the segment; they are durable,
    /// and [`Vault::poll_durable`] reports them, once it is; the next
    /// [`Vault::commit`] signs the checkpoint over them), so memory stays
    /// bounded whatever the caller does.
    pub fn append(&mut self, r: &Incoming<'_>) -> Result<u64> {
        if r.source.len() > MAX_NAME || r.peer.len() > MAX_NAME || r.transport.len() > MAX_NAME {
            return Err(Error::new(
                ErrorKind::Config,
                "source, peer or transport name longer than 65535 bytes",
            ));
        }
        if r.raw.len() > crate::record::MAX_RECORD_BYTES {
            return Err(Error::new(
                ErrorKind::TooLarge,
                format!(
                    "record of {} bytes is larger than the limit of {} bytes (16 MiB); nothing of it was stored",
                    r.raw.len(),
                    crate::record::MAX_RECORD_BYTES
                ),
            ));
        }
        let seq = self.next_seq;
        // the frame is built in the block being filled and written to the WAL from there
        let buf = self.pipe.buf_mut();
        let range = wal::frame_open(buf, |out| {
            crate::record::canonical_into(
                out,
                seq,
                r.received_ns,
                r.source,
                r.peer,
                r.transport,
                r.raw,
            )
        });
        self.group += range.len() + 8;
        let full = self.pipe.added(r.raw.len(), range.len());
        self.count(r.raw.len());
        self.unhashed.push(range);
        if self.unhashed.len() == LEAF_BATCH {
            self.hash_leaves();
        }
        if full {
            // `root` hashes the leaves still unhashed before their frames go to a worker
            let mark = (self.next_seq, self.root());
            let mut out = wal_out(&self.wal_file, &self.wal_path, &mut self.wal_written);
            self.pipe.dispatch(mark, &mut out)?;
        }
        if self.group >= self.group_bytes {
            self.group = 0;
            if self.seg.raw >= self.store.config.segment_size {
                // sealed without a checkpoint of its own: each one costs the
                // writer three syncs, and the writer's next commit signs one
                // over these records anyway (`unchecked`); `seal_start` first
                // finishes the seal before this one. Lazy: the blocks nothing
                // needed in the WAL yet go to the segment only.
                self.seal_start(true)?;
                if self.lazy_seal.is_none() {
                    // eager: what the WAL holds is durable now (lazy: once the segment is)
                    self.ack_durable();
                }
            }
            // otherwise nothing is written: the finished blocks wait (lazy) until a
            // sync, commit or flush needs them in the WAL, or the segment is sealed
        }
        Ok(seq)
    }

    /// Add the record with seq `self.next_seq` to the tree and the open segment's totals.
    fn add(&mut self, raw_len: usize, leaf: Hash) {
        self.hash_leaves();
        self.push_leaf(leaf);
        self.count(raw_len);
    }

    /// Add the next leaf to the tree (the records before it are in it).
    fn push_leaf(&mut self, leaf: Hash) {
        let alg = self.store.alg;
        self.tile_leaves.push(leaf);
        if self.tile.size() + self.tile_leaves.len() as u64 == TILE {
            let h = if self.tile.size() == 0 {
                alg.perfect_root(&self.tile_leaves)
            } else {
                for leaf in &self.tile_leaves {
                    self.tile.push(alg, *leaf);
                }
                self.tile.root(alg)
            };
            self.tile_leaves.clear();
            self.main.push_subtree(alg, 8, h);
            if self.seg.first_tile.is_none() {
                // this tile's number: the tiles now in `main`, less one
                self.seg.first_tile = Some(self.main.size() / TILE - 1);
            }
            self.seg.tiles.push(h);
            self.tile = CompactRange::new();
        }
    }

    /// Count the record with seq `self.next_seq` in the open segment's totals
    /// (its leaf is added to the tree by [`Vault::push_leaf`]).
    fn count(&mut self, raw_len: usize) {
        self.seg.raw += raw_len as u64;
        self.seg.count += 1;
        if self.seg.opened.is_none() {
            self.seg.opened = Some(self.clock.now());
        }
        self.next_seq += 1;
    }

    /// Make every appended record durable (write + fsync the WAL) without
    /// signing a checkpoint; returns the durable size. A group-committing
    /// writer calls this per group and [`Vault::commit`] on a cadence, so a
    /// steady trickle of records does not sign (and store) a checkpoint per
    /// group. After a crash the synced records are recovered from the WAL;
    /// the next checkpoint covers them.
    pub fn sync(&mut self) -> Result<u64> {
        if self.write_wal()? {
            self.unchecked = true;
        }
        self.ack_durable();
        Ok(self.committed.0)
    }

    /// Announce the durable size to the seam before acknowledging it.
    fn ack_durable(&self) {
        self.durability.acknowledged(&Ack::Durable {
            size: self.committed.0,
            wal: &self.wal_path,
            wal_len: self.wal_durable,
        });
    }

    /// The writer's durability seam.
    pub(crate) fn durability(&self) -> &dyn Durability {
        &*self.durability
    }

    /// Whether records were made durable by [`Vault::sync`] since the last
    /// checkpoint (a [`Vault::commit`] would sign one).
    pub fn has_unchecked(&self) -> bool {
        self.unchecked
    }

    /// Have the WAL bytes written since the last request fsynced in the
    /// background; `mark` is the tree they cover (what becomes durable).
    fn request_fsync(&mut self, mark: crate::pipe::Mark) {
        if self.wal_written == self.wal_requested {
            return;
        }
        self.wal_requested = self.wal_written;
        self.wal_ticket = self.syncer.request();
        self.flushed
            .push_back((self.wal_ticket, mark.0, mark.1, self.wal_written));
    }

    /// Write every appended record to the WAL (whole blocks as block frames,
    /// waiting for those in flight; the block being filled as record frames)
    /// and have it fsynced in the background.
    fn flush_wal(&mut self) -> Result<()> {
        // nothing goes to the next WAL before the lazily sealed segment is durable
        self.finish_seal()?;
        let mark = (self.next_seq, self.root());
        {
            let mut out = wal_out(&self.wal_file, &self.wal_path, &mut self.wal_written);
            self.pipe.write_all(mark, &mut out)?;
        }
        self.group = 0;
        self.request_fsync(mark);
        Ok(())
    }

    /// Write the blocks the workers have finished to the WAL, compressed (block
    /// frames), and start their fsync in the background, waiting neither for
    /// the workers nor for the disk. The records of the block being filled and
    /// of blocks still being compressed stay in memory until a later call,
    /// [`Vault::flush`], [`Vault::sync`] or [`Vault::commit`]; what becomes
    /// durable is what the WAL covers, block by block, and
    /// [`Vault::poll_durable`] reports it. A writer that owes nobody an
    /// acknowledgement and appends steadily (syslog) uses this, so that its
    /// records reach the disk once, compressed, rather than as record frames
    /// in the WAL and again in the segment; it must still sync (or commit)
    /// when it falls idle, or the last records wait for the next block. While a
    /// segment that [`Vault::append`] sealed lazily is being written, this writes
    /// nothing (no WAL may get records before that segment is durable); its
    /// records count as durable once it is, and [`Vault::poll_durable`] says so.
    pub fn flush_ready(&mut self) -> Result<()> {
        self.poll_seal()?;
        if self.lazy_seal.is_some() {
            // the next WAL waits for the lazily sealed segment; nothing to write before
            return Ok(());
        }
        {
            let mut out = wal_out(&self.wal_file, &self.wal_path, &mut self.wal_written);
            self.pipe.write_ready(&mut out)?;
        }
        self.group = 0;
        self.request_fsync(self.pipe.wal_mark());
        Ok(())
    }

    /// Write the appended records to the WAL and start their fsync in the
    /// background, without waiting for the disk (whole blocks still with the
    /// workers are waited for and written compressed; the block being filled
    /// is written as record frames, see [`Vault::append`]). They are durable once
    /// [`Vault::poll_durable`] reports them (or after [`Vault::sync`] or
    /// [`Vault::commit`]). A writer that owes nobody an acknowledgement
    /// (syslog) uses this to go on appending while the disk works.
    pub fn flush(&mut self) -> Result<()> {
        self.flush_wal()
    }

    /// The durable tree size now, without waiting: flushed records whose
    /// fsync has finished become durable (and the next [`Vault::commit`]
    /// signs a checkpoint over them). Fails when a background fsync failed.
    pub fn poll_durable(&mut self) -> Result<u64> {
        // a lazily sealed segment that is durable now makes its records so
        self.poll_seal()?;
        let done = self.syncer.done()?;
        let mut advanced = false;
        while let Some(&(ticket, size, root, wal_len)) = self.flushed.front() {
            if ticket > done {
                break;
            }
            self.flushed.pop_front();
            self.wal_durable = self.wal_durable.max(wal_len);
            if size > self.committed.0 {
                self.committed = (size, root);
                advanced = true;
            }
        }
        if advanced {
            self.unchecked = true;
            self.ack_durable();
        }
        Ok(self.committed.0)
    }

    /// Write the pending WAL bytes and wait until every written byte is
    /// fsynced; `false` when no record became durable.
    fn write_wal(&mut self) -> Result<bool> {
        self.flush_wal()?;
        // the workers' queued blocks are built here while the disk works
        while self.syncer.done().is_ok_and(|d| d < self.wal_ticket) && self.pipe.help_once() {}
        if self.wal_synced < self.wal_ticket {
            self.syncer.wait(self.wal_ticket)?;
            self.wal_synced = self.wal_ticket;
        }
        self.flushed.clear();
        self.wal_durable = self.wal_written;
        if self.committed.0 == self.next_seq {
            return Ok(false);
        }
        self.committed = (self.next_seq, self.root());
        Ok(true)
    }

    /// Make every appended record durable (write + fsync the WAL), seal the
    /// segment if it is full or old, and sign a checkpoint over the durable
    /// state. Returns `None` when there was nothing to commit (nothing
    /// appended or synced since the last checkpoint).
    ///
    /// A segment sealed here is written and fsynced by a background thread
    /// (its records stay in the old WAL until then), so appending does not
    /// stop for the disk; [`Vault::seal`], [`Vault::close`] and dropping the
    /// vault wait for it, and a failure to write it fails the next call.
    pub fn commit(&mut self) -> Result<Option<CommitInfo>> {
        self.poll_seal()?;
        if self.committed.0 == self.next_seq && !self.unchecked {
            self.write_wal()?;
            return Ok(None);
        }
        let mut sealed = Vec::new();
        let now = self.clock.now();
        let old = self.seg.opened.is_some_and(|t| now - t > MAX_SEGMENT_AGE);
        if self.seg.raw >= self.store.config.segment_size || old {
            // the seal waits for the blocks and writes them to the WAL as
            // block frames, then waits for the fsync of every record
            sealed.extend(self.seal_start(false)?);
        } else {
            self.write_wal()?;
        }
        self.ack_durable();
        let checkpoint = self.checkpoint_now()?;
        self.unchecked = false;
        tracing::debug!(size = self.committed.0, "committed");
        Ok(Some(CommitInfo {
            size: self.committed.0,
            checkpoint,
            sealed,
        }))
    }

    /// Seal the records since the last segment into a new segment file now
    /// (commits first). Returns the segment's file name; the file is
    /// written and fsynced when this returns.
    pub fn seal(&mut self) -> Result<Option<String>> {
        let name = self.seal_start(true)?;
        self.finish_seal()?;
        Ok(name)
    }

    /// Seal, with the segment file written and fsynced by a thread of its
    /// own while appending goes on. A crash meanwhile leaves the old WAL and
    /// the next open replays it (the half-written segment is a leftover
    /// temporary file). At most one seal is in flight.
    ///
    /// Eager (always when `lazy_ok` is false): every record goes to the WAL
    /// first (the blocks none of whose records is there as block frames) and
    /// is fsynced; a new WAL takes the next records at once, and the old one
    /// is removed once the segment is durable.
    ///
    /// Lazy (when `lazy_ok` and at least a quarter of the segment's bytes are
    /// in blocks that are in no WAL yet, as in a batch ingest that commits
    /// once a second): those blocks are written once, into the segment only.
    /// Their records become durable (and `committed`) when the segment is;
    /// until then nothing is written to any WAL (a sync or commit waits for the
    /// segment first), and the next WAL is created only then, so a crash
    /// leaves the old WAL with a consecutive prefix of the records and never a
    /// WAL after a gap. What is lost is what nobody was told was durable.
    fn seal_start(&mut self, lazy_ok: bool) -> Result<Option<String>> {
        self.finish_seal()?;
        let mark = (self.next_seq, self.root());
        let new_wal = self.store.layout.wal().join(wal::wal_name(self.next_seq));
        let (lazy_bytes, seg_bytes) = self.pipe.lazy_bytes();
        let lazy =
            lazy_ok && new_wal != self.wal_path && lazy_bytes > 0 && lazy_bytes * 4 >= seg_bytes;
        // every block back from its worker; eager: written to the WAL as a block
        // frame if none of its records is there yet, then the fsync
        let (blocks, left_out) = {
            let mut out = wal_out(&self.wal_file, &self.wal_path, &mut self.wal_written);
            self.pipe.flush(mark, !lazy, &mut out)?
        };
        if !left_out && self.write_wal()? {
            self.unchecked = true;
        }
        if self.seg.count == 0 {
            return Ok(None);
        }
        let alg = self.store.alg;
        let layout = self.store.layout.clone();
        let header = SegmentHeader {
            hash: alg,
            origin: self.store.config.origin.clone(),
            first_seq: self.seg.first_seq,
            prev_footer_hash: self.prev_footer,
            created_ns: crate::clock::to_ns(self.clock.now()),
        };
        // the file is the header, the blocks as the workers made them and
        // the footer, written one after the other (not copied together)
        let mut head = Vec::with_capacity(4096);
        header.encode(&mut head);
        let hlen = head.len() as u64;
        let compact = combined(alg, &self.main, &self.tile);
        let mut footer = SegmentFooter {
            first_seq: self.seg.first_seq,
            count: self.seg.count,
            min_recv: blocks.min_recv,
            max_recv: blocks.max_recv,
            min_event: blocks.min_event,
            max_event: blocks.max_event,
            sources: blocks.sources.iter().cloned().collect(),
            blocks: blocks
                .dir
                .iter()
                .map(|b| BlockEntry {
                    offset: b.offset + hlen,
                    ..*b
                })
                .collect(),
            tree_size: compact.size(),
            root: compact.root(alg),
            compact: compact.roots().to_vec(),
            first_tile: self
                .seg
                .first_tile
                .unwrap_or(self.seg.first_seq.div_ceil(TILE)),
            tiles: std::mem::take(&mut self.seg.tiles),
            signature: Vec::new(),
        };
        let signer = &self.signer;
        let mut tail = Vec::new();
        let fh = segment::encode_footer(&mut footer, alg, |b| signer.sign_ed25519(b), &mut tail);
        let blocks = blocks.bytes;
        let name = segment::segment_name(footer.first_seq, footer.end() - 1);
        let path = layout.seg().join(&name);
        self.prev_footer = fh;
        // eager: new WAL now; lazy: once the segment is durable (`finish_seal`). The
        // segment and the removal of the old WAL in the background.
        let old_wal = self.wal_path.clone();
        if new_wal != old_wal {
            if left_out {
                self.lazy_seal = Some(LazySeal {
                    segment: path.clone(),
                    next_wal: new_wal,
                    mark,
                });
            } else {
                self.switch_wal(new_wal)?;
            }
            let mut old = std::mem::take(&mut self.older_wals);
            old.push(old_wal);
            let wal_dir = layout.wal();
            let d = self.durability.clone();
            let spawned = std::thread::Builder::new()
                .name("vault-seal".into())
                .spawn(move || -> Result<()> {
                    let d = &*d;
                    write_segment(d, &path, &head, &blocks, &tail)?;
                    // the records are durable in the segment: their WAL can go
                    for w in &old {
                        d.remove_file(w, Target::Wal).ctx("remove sealed wal", w)?;
                    }
                    crate::fsx::sync_dir(d, &wal_dir, Target::Wal)
                })
                .map_err(|e| Error::new(ErrorKind::Io, format!("start segment writer: {e}")))?;
            self.sealing = Some(spawned);
        } else {
            // no new WAL name (nothing after the sealed records): write the
            // segment before the WAL is emptied
            let d = &*self.durability;
            write_segment(d, &path, &head, &blocks, &tail)?;
            self.wal_file.set_len(0).ctx("truncate wal", &old_wal)?;
            crate::fsx::sync_file(d, &self.wal_file, &old_wal, Target::Wal)?;
            self.wal_written = 0;
            self.wal_durable = 0;
            self.wal_requested = 0;
        }
        self.seg = SegBuilder::new(self.next_seq);
        tracing::info!(segment = %name, records = footer.count, "segment sealed");
        Ok(Some(name))
    }

    /// Sign a checkpoint over the durable state now (also when nothing
    /// arrived, so silence is provable) and append it to `checkpoints.log`.
    pub fn checkpoint_now(&mut self) -> Result<SignedCheckpoint> {
        let (size, root) = self.committed;
        let cp = Checkpoint {
            origin: self.store.config.origin.clone(),
            size,
            root,
            time_ns: crate::clock::to_ns(self.clock.now()),
            hash: self.store.alg,
            retention: self.store.retention.to_string(),
            extra: Vec::new(),
        };
        let signed = SignedCheckpoint::sign(cp, &self.signer)?;
        let text = signed.to_string();
        let layout = &self.store.layout;
        let d = &*self.durability;
        crate::fsx::append_sync(
            d,
            &layout.checkpoint_log(),
            format!("{text}\n").as_bytes(),
            Target::CheckpointLog,
        )?;
        // the `checkpoint` file's rename syncs the data directory, which
        // also makes a just-created `checkpoints.log` entry durable
        crate::fsx::write_private(d, &layout.checkpoint(), text.as_bytes(), Target::Checkpoint)?;
        d.acknowledged(&Ack::Checkpoint { size, text: &text });
        Ok(signed)
    }

    /// Give up writing after a failure (full disk, I/O error) and keep
    /// exactly what is durable. Records appended since the last durable
    /// point (a [`Vault::sync`] or [`Vault::commit`], or a background fsync
    /// that has finished) are cut from the WAL, so that the next open does
    /// not recover part of a group whose writer was told it failed: a
    /// client that retries cannot duplicate records. Returns the durable
    /// size (records `0..size` are stored); reopen the vault to write again.
    /// An error means the WAL could not be cut back, so the next open may
    /// recover records beyond the durable size.
    pub fn abandon(mut self) -> Result<u64> {
        // a lazy seal in flight first: its records are durable once it is done, or
        // (failed) were never reported so; either way the WAL to cut is the one after
        let _ = self.finish_seal();
        let _ = self.poll_durable();
        let size = self.committed.0;
        let f = OpenOptions::new()
            .write(true)
            .open(&self.wal_path)
            .ctx("open wal", &self.wal_path)?;
        let len = f.metadata().ctx("stat wal", &self.wal_path)?.len();
        if len > self.wal_durable {
            f.set_len(self.wal_durable)
                .ctx("cut back wal", &self.wal_path)?;
            crate::fsx::sync_file(&*self.durability, &f, &self.wal_path, Target::Wal)?;
            tracing::warn!(
                path = %self.wal_path.display(),
                bytes = len - self.wal_durable,
                records = self.next_seq - size,
                "records that were not durable were discarded from the wal"
            );
        }
        Ok(size)
    }

    /// Commit, seal what is unsealed, and close.
    pub fn close(mut self) -> Result<()> {
        self.commit()?;
        self.finish_seal()
    }

    /// Append to a new, empty WAL file `path` from now on (after a seal).
    fn switch_wal(&mut self, path: PathBuf) -> Result<()> {
        crate::fsx::create_private(&path)?;
        crate::fsx::sync_dir(&*self.durability, &self.store.layout.wal(), Target::Wal)?;
        self.wal_file = OpenOptions::new()
            .append(true)
            .open(&path)
            .ctx("open wal", &path)?;
        self.syncer.set_file(&self.wal_file, &path)?;
        self.wal_path = path;
        self.wal_written = 0;
        self.wal_durable = 0;
        self.wal_requested = 0;
        Ok(())
    }

    /// A lazily sealed segment is durable (its old WAL removed): its records
    /// are durable, and the next WAL takes the records after them.
    fn lazy_seal_done(&mut self, done: LazySeal) -> Result<()> {
        let LazySeal {
            segment,
            next_wal,
            mark,
        } = done;
        // fsyncs of the old WAL still running finish before the syncer moves on
        if self.wal_synced < self.wal_ticket {
            self.syncer.wait(self.wal_ticket)?;
            self.wal_synced = self.wal_ticket;
        }
        self.flushed.clear();
        self.switch_wal(next_wal)?;
        if mark.0 > self.committed.0 {
            self.committed = mark;
            self.unchecked = true;
        }
        self.durability.acknowledged(&Ack::Sealed {
            size: mark.0,
            segment: &segment,
        });
        Ok(())
    }

    /// Wait for the segment being written in the background, if any. A
    /// failure is sticky: every later call fails until the vault is
    /// reopened (the sealed records are safe in the WAL, which is removed
    /// only after the segment is durable; those of a lazy seal that were in
    /// no WAL were never reported durable).
    fn finish_seal(&mut self) -> Result<()> {
        // the workers' queued blocks are built here while the segment is written
        while self.sealing.as_ref().is_some_and(|h| !h.is_finished()) && self.pipe.help_once() {}
        if let Some(h) = self.sealing.take() {
            let r = h.join().unwrap_or_else(|_| {
                Err(Error::new(ErrorKind::Io, "segment writer thread panicked"))
            });
            let lazy = self.lazy_seal.take();
            let r = match (r, lazy) {
                (Ok(()), Some(done)) => self.lazy_seal_done(done),
                (r, _) => r,
            };
            if let Err(e) = r {
                tracing::error!(error = %e, "writing a sealed segment failed");
                self.seal_failed = Some(e.to_string());
            }
        }
        match &self.seal_failed {
            Some(e) => Err(Error::new(
                ErrorKind::Io,
                format!(
                    "writing a sealed segment failed (reopen the vault; its records are in the wal): {e}"
                ),
            )),
            None => Ok(()),
        }
    }

    /// [`Vault::finish_seal`] if the background seal is done (no waiting).
    fn poll_seal(&mut self) -> Result<()> {
        if self.sealing.as_ref().is_none_or(|h| h.is_finished()) {
            self.finish_seal()?;
        }
        Ok(())
    }

    pub(crate) fn signer(&self) -> &Signer {
        &self.signer
    }

    pub(crate) fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub(crate) fn reload(&mut self) -> Result<()> {
        self.finish_seal()?;
        let s = Store::open_inner(&self.store.layout.dir, false)?;
        self.store = s;
        Ok(())
    }
}
