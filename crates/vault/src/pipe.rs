//! Block workers: threads that turn the records of the open segment into
//! compressed blocks (parse, tokenise, zstd) while the writer thread hashes
//! the next records and writes the WAL.
//!
//! The writer builds each record's WAL frame (`{len u32, crc u32,
//! canonical record}`) right in the buffer of the block being filled, and
//! writes that buffer to the WAL file from there (no second copy); at about
//! [`crate::tuning::BLOCK_TARGET`] bytes the block, once written to the WAL,
//! goes to the next worker in turn, and finished blocks are collected in order, so the segment is
//! the same whatever the number of workers. Sealing takes them with
//! [`BlockPipe::flush`], which also sends the partial block. Nothing here
//! is durable: after a crash the WAL is replayed into new workers. What is
//! hashed (the canonical records, the Merkle tree) never leaves the writer
//! thread.

use std::collections::{BTreeSet, VecDeque};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread::JoinHandle;

use crate::block::{BlockBuilder, BlockHeader, NO_TIME_MAX, NO_TIME_MIN};
use crate::parse;
use crate::record::decode_canonical_after;
use crate::segment::BlockEntry;
use crate::tuning::{BLOCK_TARGET, MAX_WORKERS, ZSTD_LEVEL};
use crate::{Error, ErrorKind, Result};

/// The compressed blocks of the open segment and their bounds.
#[derive(Debug)]
pub(crate) struct SegBlocks {
    /// The blocks in order (header + compressed bytes each), as the workers
    /// made them: the segment file holds them back to back, offsets from 0
    /// (kept apart rather than copied together: the segment is written from them).
    pub(crate) bytes: Vec<Vec<u8>>,
    /// Total length of `bytes`.
    pub(crate) len: u64,
    /// Directory entries (offsets into the blocks back to back).
    pub(crate) dir: Vec<BlockEntry>,
    pub(crate) min_recv: i64,
    pub(crate) max_recv: i64,
    pub(crate) min_event: i64,
    pub(crate) max_event: i64,
    pub(crate) sources: BTreeSet<String>,
}

impl SegBlocks {
    fn new() -> SegBlocks {
        SegBlocks {
            bytes: Vec::new(),
            len: 0,
            dir: Vec::new(),
            min_recv: i64::MAX,
            max_recv: i64::MIN,
            min_event: NO_TIME_MIN,
            max_event: NO_TIME_MAX,
            sources: BTreeSet::new(),
        }
    }

    fn add_block(&mut self, h: &BlockHeader, bytes: Vec<u8>) {
        let n = bytes.len() as u64;
        self.dir.push(BlockEntry::of(h, self.len, n as u32));
        self.len += n;
        self.bytes.push(bytes);
        self.min_recv = self.min_recv.min(h.min_recv);
        self.max_recv = self.max_recv.max(h.max_recv);
        self.min_event = self.min_event.min(h.min_event);
        self.max_event = self.max_event.max(h.max_event);
        for s in &h.sources {
            if !self.sources.contains(s) {
                self.sources.insert(s.clone());
            }
        }
    }
}

/// One block's frames, for a worker.
struct Job {
    frames: Vec<u8>,
}

/// A finished block: header + compressed bytes, and the frames buffer back for reuse.
struct Done {
    header: BlockHeader,
    bytes: Vec<u8>,
    frames: Vec<u8>,
}

struct Worker {
    tx: Option<SyncSender<Job>>,
    rx: Receiver<std::result::Result<Done, String>>,
    handle: Option<JoinHandle<()>>,
}

/// The writer's side of the block workers: gathers the frames of the
/// block being filled, hands each full block to the next worker in turn and
/// collects the finished blocks in order.
pub(crate) struct BlockPipe {
    workers: Vec<Worker>,
    /// Worker to get the next block.
    next: usize,
    /// Workers holding the blocks in flight, oldest first.
    pending: VecDeque<usize>,
    /// Frames of the block being filled, and its estimated size.
    buf: Vec<u8>,
    buf_size: usize,
    /// How much of `buf` is in the WAL file already.
    written: usize,
    /// Frame buffers back from the workers.
    spare: Vec<Vec<u8>>,
    /// Finished blocks of the open segment.
    seg: SegBlocks,
    /// The first failure (sticky: the vault must be reopened).
    failed: Option<String>,
}

impl std::fmt::Debug for BlockPipe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockPipe")
            .field("workers", &self.workers.len())
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

fn gone() -> String {
    "block worker thread stopped unexpectedly".into()
}

/// Blocks in flight per worker: enough that the workers have work while
/// the writer waits for an fsync (about 1 MiB of frames each).
const PER_WORKER: usize = 8;

/// Per-record overhead of a block besides the raw bytes (varints, flags),
/// for the size estimate that cuts blocks.
const RECORD_OVERHEAD: usize = 16;

/// Bytes of a canonical record besides its raw bytes and names (version,
/// seq, receive time, four lengths).
const CANONICAL_FIXED: usize = 1 + 8 + 8 + 2 + 2 + 2 + 4;

/// Names (source, peer, transport together) up to this length are not
/// counted toward a block's size: the usual short names leave blocks as
/// they were; long ones count in full beyond it.
const NAMES_FREE: usize = 256;

impl BlockPipe {
    /// Start `workers` block workers (default: one per available core, at
    /// most 4).
    pub(crate) fn start(workers: Option<usize>) -> Result<BlockPipe> {
        let n = match workers {
            Some(n) if (1..=MAX_WORKERS).contains(&n) => n,
            Some(n) => {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!(
                        "{n} block workers is out of range: between 1 and {}",
                        MAX_WORKERS
                    ),
                ));
            }
            None => std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
        };
        let mut workers = Vec::with_capacity(n);
        for i in 0..n {
            let mut zc = zstd::bulk::Compressor::new(ZSTD_LEVEL)
                .map_err(|e| Error::new(ErrorKind::Io, format!("zstd: {e}")))?;
            let _ = zc.include_checksum(false);
            let (tx, jobs) = mpsc::sync_channel::<Job>(PER_WORKER);
            let (done_tx, rx) = mpsc::sync_channel(PER_WORKER);
            let handle = std::thread::Builder::new()
                .name(format!("vault-blocks-{i}"))
                .spawn(move || {
                    let mut b = Builder {
                        block: BlockBuilder::new(0),
                        zc,
                        parsed: parse::Parsed::empty(),
                    };
                    for job in jobs {
                        if done_tx.send(b.build(job)).is_err() {
                            break;
                        }
                    }
                })
                .map_err(|e| Error::new(ErrorKind::Io, format!("start block worker: {e}")))?;
            workers.push(Worker {
                tx: Some(tx),
                rx,
                handle: Some(handle),
            });
        }
        Ok(BlockPipe {
            workers,
            next: 0,
            pending: VecDeque::new(),
            buf: Vec::new(),
            buf_size: 0,
            written: 0,
            spare: Vec::new(),
            seg: SegBlocks::new(),
            failed: None,
        })
    }

    fn check(&self) -> Result<()> {
        match &self.failed {
            Some(e) => Err(Error::new(ErrorKind::Io, e.clone())),
            None => Ok(()),
        }
    }

    /// The frames of the block being filled: the writer appends one WAL
    /// frame, then calls [`BlockPipe::added`].
    pub(crate) fn buf_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Count a frame appended through [`BlockPipe::buf_mut`] whose raw
    /// record is `raw_len` bytes of a `canonical_len`-byte canonical record;
    /// `true` when the block is full and should go to a worker
    /// ([`BlockPipe::dispatch`], after the WAL write). Long source, peer and
    /// transport names count too, so a block's data stays within what a
    /// reader decodes (see [`crate::MAX_RECORD_BYTES`]) whatever the names.
    pub(crate) fn added(&mut self, raw_len: usize, canonical_len: usize) -> bool {
        let names = canonical_len.saturating_sub(raw_len + CANONICAL_FIXED);
        self.buf_size += raw_len + RECORD_OVERHEAD + names.saturating_sub(NAMES_FREE);
        self.buf_size >= BLOCK_TARGET
    }

    /// The frames appended since the last [`BlockPipe::mark_written`]: not
    /// in the WAL file yet.
    pub(crate) fn unwritten(&self) -> &[u8] {
        &self.buf[self.written..]
    }

    /// Note that [`BlockPipe::unwritten`] went to the WAL file.
    pub(crate) fn mark_written(&mut self) {
        self.written = self.buf.len();
    }

    /// Add one WAL frame that the WAL file already holds (replay after a
    /// restart); a full block goes to a worker.
    pub(crate) fn push(&mut self, frame: &[u8], raw_len: usize) -> Result<()> {
        self.buf.extend_from_slice(frame);
        self.written = self.buf.len();
        if self.added(raw_len, frame.len().saturating_sub(8)) {
            self.dispatch()?;
        }
        Ok(())
    }

    /// Send the gathered frames as one block to the next worker. Every
    /// frame must be in the WAL file first ([`BlockPipe::unwritten`] empty):
    /// the buffer leaves the writer.
    pub(crate) fn dispatch(&mut self) -> Result<()> {
        self.check()?;
        if self.written != self.buf.len() {
            return Err(Error::new(
                ErrorKind::Io,
                "internal error: records handed to a block worker before the wal write",
            ));
        }
        if self.buf.is_empty() {
            return Ok(());
        }
        // bound what is in flight
        while self.pending.len() >= PER_WORKER * self.workers.len() {
            self.collect_one()?;
        }
        let frames = std::mem::replace(&mut self.buf, self.spare.pop().unwrap_or_default());
        self.buf_size = 0;
        self.written = 0;
        let w = self.next;
        self.next = (self.next + 1) % self.workers.len();
        let sent = self.workers[w]
            .tx
            .as_ref()
            .is_some_and(|tx| tx.send(Job { frames }).is_ok());
        if !sent {
            self.failed = Some(gone());
            return self.check();
        }
        self.pending.push_back(w);
        Ok(())
    }

    /// Wait for the oldest block in flight and add it to the segment.
    fn collect_one(&mut self) -> Result<()> {
        let Some(w) = self.pending.pop_front() else {
            return Ok(());
        };
        match self.workers[w].rx.recv() {
            Ok(Ok(done)) => {
                self.seg.add_block(&done.header, done.bytes);
                let mut frames = done.frames;
                frames.clear();
                if self.spare.len() < PER_WORKER * self.workers.len() {
                    self.spare.push(frames);
                }
                Ok(())
            }
            Ok(Err(e)) => {
                self.failed = Some(e);
                self.check()
            }
            Err(_) => {
                self.failed = Some(gone());
                self.check()
            }
        }
    }

    /// Finish the partial block and take the open segment's blocks; the
    /// next block starts an empty segment. Every frame must be in the WAL
    /// file first.
    pub(crate) fn flush(&mut self) -> Result<SegBlocks> {
        self.dispatch()?;
        while !self.pending.is_empty() {
            self.collect_one()?;
        }
        self.check()?;
        Ok(std::mem::replace(&mut self.seg, SegBlocks::new()))
    }
}

impl Drop for BlockPipe {
    fn drop(&mut self) {
        for w in &mut self.workers {
            w.tx = None;
        }
        for w in &mut self.workers {
            // unblock a worker waiting to hand over a result
            while w.rx.try_recv().is_ok() {}
            if let Some(h) = w.handle.take() {
                let _ = h.join();
            }
        }
    }
}

/// A worker's state: builds one block per job.
struct Builder {
    block: BlockBuilder,
    zc: zstd::bulk::Compressor<'static>,
    parsed: parse::Parsed,
}

impl Builder {
    fn build(&mut self, job: Job) -> std::result::Result<Done, String> {
        let buf = &job.frames;
        let mut pos = 0usize;
        let mut first = true;
        let mut prev = None;
        while pos < buf.len() {
            let len = buf
                .get(pos..pos + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
                .ok_or("block worker: truncated wal frame in memory")?;
            let payload = buf
                .get(pos + 8..pos + 8 + len)
                .ok_or("block worker: truncated wal frame in memory")?;
            pos += 8 + len;
            let (seq, r, same_origin) = decode_canonical_after(payload, prev.as_ref())
                .map_err(|e| format!("block worker: record in memory: {e}"))?;
            if first {
                self.block.reset(seq);
                first = false;
            }
            parse::parse_index_into(
                r.raw,
                crate::clock::from_ns(r.received_ns),
                &mut self.parsed,
            );
            self.block
                .push_seq_after(seq, &r, &self.parsed, same_origin);
            prev = Some(r);
        }
        let mut bytes = Vec::new();
        let header = self
            .block
            .finish(&mut self.zc, &mut bytes)
            .map_err(|e| format!("zstd compression failed: {e}"))?;
        Ok(Done {
            header,
            bytes,
            frames: job.frames,
        })
    }
}
