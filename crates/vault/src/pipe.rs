//! Block workers: threads that turn the records of the open segment into
//! compressed blocks (parse, tokenise, zstd) while the writer thread hashes
//! the next records and writes the WAL.
//!
//! The writer builds each record's WAL frame (`{len u32, crc u32,
//! canonical record}`) right in the buffer of the block being filled; at
//! about [`crate::tuning::BLOCK_TARGET`] bytes the block goes to one queue
//! that every worker takes from (whichever is free takes the next block, so
//! no worker idles while another has blocks waiting; and a writer that must
//! wait, for a block, an fsync or a seal, takes a queued one and builds it
//! itself rather than sleep), and finished blocks are collected in order, so
//! the segment is the same whatever the number of workers and whoever made
//! which block. A block comes back compressed and
//! stays in memory, lazy: it goes into the WAL as one block frame (about a
//! quarter of its records' frames) only when something needs it durable before
//! its segment is. When an acknowledgement is owed ([`BlockPipe::write_all`]:
//! sync, commit, flush), the lazy blocks and those in flight (waited for) go
//! there so, and the records of the block being filled go to the WAL as record
//! frames, from the buffer (no second copy); that block then does to its end,
//! never both. [`BlockPipe::write_ready`] writes just the blocks back so far.
//! Sealing takes the blocks with [`BlockPipe::flush`], which also sends the
//! partial block, and either writes the lazy blocks to the WAL first (eager) or
//! leaves them to the segment (lazy: written once). Nothing here is durable:
//! after a crash the WAL is replayed into new workers. What is hashed (the
//! canonical records, the Merkle tree) never leaves the writer thread.

use std::collections::{BTreeSet, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::block::{BlockBuilder, BlockHeader, NO_TIME_MAX, NO_TIME_MIN};
use crate::parse;
use crate::record::decode_canonical_after;
use crate::segment::BlockEntry;
use crate::tuning::MAX_WORKERS;
use crate::{Error, ErrorKind, Hash, Result};

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

/// One block's frames, for a worker; `id` numbers the blocks in the order
/// they were dispatched.
struct Job {
    id: u64,
    frames: Vec<u8>,
}

/// A finished block: header + compressed bytes, and the frames buffer back for reuse.
struct Done {
    header: BlockHeader,
    bytes: Vec<u8>,
    frames: Vec<u8>,
}

/// What a worker sends back: the block's id and the block (or why it failed).
type Outcome = (u64, std::result::Result<Done, String>);

/// The tree size and root after a block's last record: what the WAL covers
/// once the block is in it.
pub(crate) type Mark = (u64, Hash);

/// A block in flight.
struct Pending {
    /// Its records are in the WAL already (as record frames).
    in_wal: bool,
    mark: Mark,
    /// The block, once a worker has sent it back.
    done: Option<std::result::Result<Done, String>>,
}

/// Where the pipe writes WAL bytes: appends them to the WAL file, in order.
pub(crate) type WalOut<'a> = &'a mut dyn FnMut(&[u8]) -> Result<()>;

/// The writer's side of the block workers: gathers the frames of the
/// block being filled, queues each full block for whichever worker is free,
/// collects the finished blocks in order, and decides how each block's
/// records reach the WAL: as one block frame once something needs them
/// durable after it came back, as record frames when an acknowledgement is
/// owed first, or not at all when its segment is sealed first.
pub(crate) struct BlockPipe {
    /// The worker threads.
    workers: Vec<JoinHandle<()>>,
    /// The one queue of jobs every worker takes from (`None` once dropping):
    /// whichever worker is free takes the next block, so none waits idle
    /// while another has blocks queued.
    jobs: Option<SyncSender<Job>>,
    /// Finished blocks from every worker, in whatever order they finish.
    results: Receiver<Outcome>,
    /// The workers' queue, which the writer takes a block from itself rather than
    /// sleep while it waits for one ([`BlockPipe::help`]).
    queue: Arc<Mutex<Receiver<Job>>>,
    /// The writer's own block builder, made the first time it helps.
    helper: Option<Builder>,
    /// Whether the writer helps (tests turn it off to compare), and the blocks it built.
    helps: bool,
    helped: u64,
    /// Most blocks in flight: [`PER_WORKER`] per worker.
    max_pending: usize,
    /// Target raw size of a block ([`crate::tuning::BLOCK_TARGET`] but in tests).
    target: usize,
    /// Id of the oldest block in `pending` (ids count up from 0).
    first_id: u64,
    /// Blocks in flight, oldest first (the block with id `first_id + i` at `i`).
    pending: VecDeque<Pending>,
    /// Frames of the block being filled, and its estimated size.
    buf: Vec<u8>,
    buf_size: usize,
    /// How much of `buf` is in the WAL file already; once anything is, the
    /// whole block goes there as record frames.
    written: usize,
    /// Frame buffers back from the workers.
    spare: Vec<Vec<u8>>,
    /// Finished blocks of the open segment.
    seg: SegBlocks,
    /// The last `lazy.len()` blocks of `seg`: none of their records is in the WAL yet
    /// (each with the tree after its last record). They go there as block frames only
    /// when something needs them durable before the segment is ([`BlockPipe::write_all`],
    /// [`BlockPipe::write_ready`], an eager [`BlockPipe::flush`]); a segment sealed
    /// first makes them durable itself, so they are written once.
    lazy: VecDeque<Mark>,
    /// Block frames in the WAL (`false`: record frames only, a vault of format 1).
    blocks_in_wal: bool,
    /// What the WAL file covers: the mark after the last records written to it.
    wal_mark: Mark,
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
    /// most 4) for blocks of about `target` raw bytes. With `blocks_in_wal`, a block none of whose records is in the
    /// WAL yet goes there as one block frame when it comes back; `mark` is
    /// what the WAL covers now.
    pub(crate) fn start(
        workers: Option<usize>,
        target: usize,
        blocks_in_wal: bool,
        mark: Mark,
    ) -> Result<BlockPipe> {
        // the writer's options are checked before (`WriterOptions::check`)
        let n = match workers {
            Some(n) => n.clamp(1, MAX_WORKERS),
            None => std::thread::available_parallelism().map_or(1, |n| n.get().min(4)),
        };
        let max_pending = PER_WORKER * n;
        // neither channel ever blocks a sender: at most `max_pending` blocks
        // are in flight, queued or finished
        let (jobs_tx, jobs_rx) = mpsc::sync_channel::<Job>(max_pending);
        let (done_tx, results) = mpsc::sync_channel::<Outcome>(max_pending);
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        let mut workers = Vec::with_capacity(n);
        for i in 0..n {
            let zc = crate::tuning::block_compressor()
                .map_err(|e| Error::new(ErrorKind::Io, format!("zstd: {e}")))?;
            let jobs = Arc::clone(&jobs_rx);
            let done = done_tx.clone();
            let handle = std::thread::Builder::new()
                .name(format!("vault-blocks-{i}"))
                .spawn(move || {
                    let mut b = Builder {
                        block: BlockBuilder::new(0),
                        zc,
                        parsed: parse::Parsed::empty(),
                    };
                    loop {
                        // the lock is held only while waiting for the next job
                        let job = jobs.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        let Ok(job) = job else { break };
                        let id = job.id;
                        // a panic fails this block (and the pipe), not silently the writer
                        let out = std::panic::catch_unwind(AssertUnwindSafe(|| b.build(job)))
                            .unwrap_or_else(|_| Err("block worker panicked".into()));
                        let failed = out.is_err();
                        if done.send((id, out)).is_err() || failed {
                            break;
                        }
                    }
                })
                .map_err(|e| Error::new(ErrorKind::Io, format!("start block worker: {e}")))?;
            workers.push(handle);
        }
        Ok(BlockPipe {
            workers,
            jobs: Some(jobs_tx),
            results,
            queue: jobs_rx,
            helper: None,
            helps: true,
            helped: 0,
            max_pending,
            target,
            first_id: 0,
            pending: VecDeque::new(),
            buf: Vec::new(),
            buf_size: 0,
            written: 0,
            spare: Vec::new(),
            seg: SegBlocks::new(),
            lazy: VecDeque::new(),
            blocks_in_wal,
            wal_mark: mark,
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
    /// frame (CRC left 0, see [`crate::wal::frame_open`]), then calls
    /// [`BlockPipe::added`].
    pub(crate) fn buf_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Count a frame appended through [`BlockPipe::buf_mut`] whose raw
    /// record is `raw_len` bytes of a `canonical_len`-byte canonical record;
    /// `true` when the block is full and should go to a worker
    /// ([`BlockPipe::dispatch`]). Long source, peer and
    /// transport names count too, so a block's data stays within what a
    /// reader decodes (see [`crate::MAX_RECORD_BYTES`]) whatever the names.
    pub(crate) fn added(&mut self, raw_len: usize, canonical_len: usize) -> bool {
        let names = canonical_len.saturating_sub(raw_len + CANONICAL_FIXED);
        self.buf_size += raw_len + RECORD_OVERHEAD + names.saturating_sub(NAMES_FREE);
        self.buf_size >= self.target
    }

    /// What the WAL file covers: tree size and root after the last record written to it.
    pub(crate) fn wal_mark(&self) -> Mark {
        self.wal_mark
    }

    /// Set what the WAL file covers (after the replay at open).
    pub(crate) fn set_wal_mark(&mut self, mark: Mark) {
        self.wal_mark = mark;
    }

    /// Add one frame that the WAL file already holds (replay after a
    /// restart); `true` when the block is full ([`BlockPipe::dispatch`] it).
    pub(crate) fn push(&mut self, frame: &[u8], raw_len: usize) -> bool {
        self.buf.extend_from_slice(frame);
        self.written = self.buf.len();
        self.added(raw_len, frame.len().saturating_sub(8))
    }

    /// Write the frames of the block being filled that are not in the WAL
    /// yet, as record frames (CRCs filled in); `mark` is the tree after them.
    fn write_buf_raw(&mut self, mark: Mark, out: WalOut<'_>) -> Result<()> {
        if self.written < self.buf.len() {
            // never the case (a block gets record frames only after a `write_all`, which
            // leaves nothing lazy before it), but the WAL must stay in seq order
            self.write_lazy(out)?;
            crate::wal::fill_crcs(&mut self.buf[self.written..]);
            out(&self.buf[self.written..])?;
            self.written = self.buf.len();
            self.wal_mark = mark;
        }
        Ok(())
    }

    /// Queue the gathered frames as one block for the workers; `mark` is
    /// the tree after its last record. A block some of whose records are in
    /// the WAL already (or every block, without block frames) goes there whole
    /// as record frames first; the others go as a block frame when they come
    /// back. Blocks back already are collected (their frames written to `out`).
    pub(crate) fn dispatch(&mut self, mark: Mark, out: WalOut<'_>) -> Result<()> {
        self.check()?;
        if self.buf.is_empty() {
            return Ok(());
        }
        let in_wal = self.written > 0 || !self.blocks_in_wal;
        if in_wal {
            self.write_buf_raw(mark, out)?;
        }
        // take what is done, and bound what is in flight
        self.collect(false)?;
        while self.pending.len() >= self.max_pending {
            self.collect_one(true)?;
        }
        let frames = std::mem::replace(&mut self.buf, self.spare.pop().unwrap_or_default());
        self.buf_size = 0;
        self.written = 0;
        let id = self.first_id + self.pending.len() as u64;
        let sent = self
            .jobs
            .as_ref()
            .is_some_and(|tx| tx.send(Job { id, frames }).is_ok());
        if !sent {
            self.failed = Some(gone());
            return self.check();
        }
        self.pending.push_back(Pending {
            in_wal,
            mark,
            done: None,
        });
        Ok(())
    }

    /// Collect the finished blocks in order (all of them with `wait`, else
    /// those back already) into the open segment; those none of whose records
    /// is in the WAL stay lazy (not written).
    pub(crate) fn collect(&mut self, wait: bool) -> Result<()> {
        while !self.pending.is_empty() {
            if !self.collect_one(wait)? {
                break;
            }
        }
        self.check()
    }

    /// Write the lazy blocks to the WAL as block frames, in order.
    fn write_lazy(&mut self, out: WalOut<'_>) -> Result<()> {
        let first = self.seg.bytes.len() - self.lazy.len();
        for (bytes, mark) in self.seg.bytes[first..].iter().zip(&self.lazy) {
            // the frame header, then the block as it is (not copied together)
            out(&crate::wal::block_frame_header(bytes))?;
            out(bytes)?;
            self.wal_mark = *mark;
        }
        self.lazy.clear();
        Ok(())
    }

    /// Write the blocks finished so far (those back from the workers, without
    /// waiting) to the WAL as block frames.
    pub(crate) fn write_ready(&mut self, out: WalOut<'_>) -> Result<()> {
        self.collect(false)?;
        self.write_lazy(out)
    }

    /// Compressed bytes of the lazy blocks, and of all the open segment's blocks.
    pub(crate) fn lazy_bytes(&self) -> (u64, u64) {
        let first = self.seg.bytes.len() - self.lazy.len();
        let lazy = self.seg.bytes[first..].iter().map(|b| b.len() as u64).sum();
        (lazy, self.seg.len)
    }

    /// Make every record given so far WAL-written: the blocks in flight
    /// whose records are not in the WAL yet as block frames (waiting for
    /// them), the block being filled as record frames (it stays record frames
    /// to its end). `mark` is the tree after the last record. A writer that
    /// syncs often starts every block as record frames, so it never waits.
    pub(crate) fn write_all(&mut self, mark: Mark, out: WalOut<'_>) -> Result<()> {
        self.collect(false)?;
        while self.pending.iter().any(|p| !p.in_wal) {
            self.collect_one(true)?;
        }
        self.write_lazy(out)?;
        self.write_buf_raw(mark, out)
    }

    /// Take the oldest block in flight if it is back (or wait for it with
    /// `wait`) and add it to the segment (lazy if its records are not in the
    /// WAL yet); `false` when none was taken.
    fn collect_one(&mut self, wait: bool) -> Result<bool> {
        if self.pending.is_empty() {
            return Ok(false);
        }
        // file what the workers sent back until the oldest block is there
        while self.pending.front().is_some_and(|p| p.done.is_none()) {
            let got = if wait {
                // rather than sleep (and leave a CPU idle until a worker is scheduled on
                // it), build a queued block here; then look again
                if let Some((id, done)) = self.help() {
                    if !self.file(id, done) {
                        return self.check().map(|()| false);
                    }
                    continue;
                }
                self.results.recv().map_err(|_| ())
            } else {
                match self.results.try_recv() {
                    Ok(d) => Ok(d),
                    Err(mpsc::TryRecvError::Empty) => return Ok(false),
                    Err(mpsc::TryRecvError::Disconnected) => Err(()),
                }
            };
            let Ok((id, done)) = got else {
                self.failed = Some(gone());
                return self.check().map(|()| false);
            };
            if !self.file(id, done) {
                return self.check().map(|()| false);
            }
        }
        let Some(p) = self.pending.pop_front() else {
            return Ok(false);
        };
        self.first_id += 1;
        match p.done {
            Some(Ok(done)) => {
                if !p.in_wal {
                    self.lazy.push_back(p.mark);
                }
                self.seg.add_block(&done.header, done.bytes);
                let mut frames = done.frames;
                frames.clear();
                if self.spare.len() < self.max_pending {
                    self.spare.push(frames);
                }
                Ok(true)
            }
            Some(Err(e)) => {
                self.failed = Some(e);
                self.check().map(|()| false)
            }
            None => {
                self.failed = Some(gone());
                self.check().map(|()| false)
            }
        }
    }

    /// File block `id`, built, in its place among the blocks in flight; `false`
    /// (and the pipe failed) when it is not in flight.
    fn file(&mut self, id: u64, done: std::result::Result<Done, String>) -> bool {
        let slot = id
            .checked_sub(self.first_id)
            .and_then(|i| self.pending.get_mut(usize::try_from(i).ok()?));
        match slot {
            Some(p) if p.done.is_none() => {
                p.done = Some(done);
                true
            }
            _ => {
                self.failed = Some(format!("block worker sent back block {id}, not in flight"));
                false
            }
        }
    }

    /// Build the next queued block on this thread, if one is queued (while the writer
    /// waits for something else: an fsync, a seal); `true` when one was built.
    pub(crate) fn help_once(&mut self) -> bool {
        match self.help() {
            Some((id, done)) => self.file(id, done),
            None => false,
        }
    }

    /// Take the next queued block, if any (none while a worker holds the queue), and
    /// build it on this thread: the same bytes as a worker would make.
    fn help(&mut self) -> Option<Outcome> {
        if !self.helps {
            return None;
        }
        let job = match self.queue.try_lock() {
            Ok(rx) => rx.try_recv().ok(),
            Err(_) => None,
        }?;
        let id = job.id;
        let helper = match &mut self.helper {
            Some(b) => b,
            None => match crate::tuning::block_compressor() {
                Ok(zc) => self.helper.insert(Builder {
                    block: BlockBuilder::new(0),
                    zc,
                    parsed: parse::Parsed::empty(),
                }),
                Err(e) => return Some((id, Err(format!("zstd: {e}")))),
            },
        };
        let out = std::panic::catch_unwind(AssertUnwindSafe(|| helper.build(job)))
            .unwrap_or_else(|_| Err("block builder panicked".into()));
        self.helped += 1;
        Some((id, out))
    }

    /// Finish the partial block and take the open segment's blocks; the next
    /// block starts an empty segment. `mark` is the tree after the last record.
    /// With `eager`, every record is WAL-written first (the lazy blocks as block
    /// frames); without, the lazy blocks are left out of the WAL (the segment
    /// must be durable before the records they hold count as such), and the
    /// second value tells whether there were any.
    pub(crate) fn flush(
        &mut self,
        mark: Mark,
        eager: bool,
        out: WalOut<'_>,
    ) -> Result<(SegBlocks, bool)> {
        self.dispatch(mark, out)?;
        self.collect(true)?;
        let lazy = !self.lazy.is_empty();
        if eager {
            self.write_lazy(out)?;
        } else {
            self.lazy.clear();
        }
        Ok((
            std::mem::replace(&mut self.seg, SegBlocks::new()),
            lazy && !eager,
        ))
    }
}

impl Drop for BlockPipe {
    fn drop(&mut self) {
        // the workers stop when the queue is closed (their results never
        // block: the channel has room for every block in flight)
        self.jobs = None;
        for h in self.workers.drain(..) {
            let _ = h.join();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of `n` records each, `blocks` of them, through a pipe of one worker,
    /// the writer helping or not: the blocks, and how many the writer built.
    fn run(helps: bool, blocks: u64, n: u64) -> (Vec<Vec<u8>>, u64) {
        let mark = (0, Hash::default());
        let mut pipe = BlockPipe::start(Some(1), usize::MAX, true, mark).expect("pipe");
        pipe.helps = helps;
        let mut out = |_: &[u8]| -> Result<()> { Ok(()) };
        let mut seq = 0u64;
        for _ in 0..blocks {
            for _ in 0..n {
                let raw = format!(
                    "<34>1 2026-03-01T08:00:{:02}Z fw{} sshd {seq} - - Failed password for u{} from 198.51.100.{} port {}",
                    seq % 60,
                    seq % 7,
                    seq * 31 % 977,
                    seq % 256,
                    1024 + seq * 13 % 60_000
                );
                let range = crate::wal::frame_open(pipe.buf_mut(), |o| {
                    crate::record::canonical_into(
                        o,
                        seq,
                        1_772_352_000_000_000_000 + seq as i64,
                        "fw",
                        "192.0.2.1:514",
                        "tcp",
                        raw.as_bytes(),
                    )
                });
                pipe.added(raw.len(), range.len());
                seq += 1;
            }
            pipe.dispatch((seq, Hash::default()), &mut out)
                .expect("dispatch");
        }
        let (seg, _) = pipe
            .flush((seq, Hash::default()), false, &mut out)
            .expect("flush");
        (seg.bytes, pipe.helped)
    }

    /// A writer that waits for its workers builds queued blocks itself, and they are
    /// the same bytes a worker makes: the segment does not depend on who built what.
    #[test]
    fn the_writer_helps_with_queued_blocks_and_they_come_out_the_same() {
        let (alone, none) = run(false, 64, 400);
        assert_eq!(none, 0);
        let (helped, n) = run(true, 64, 400);
        assert!(n > 0, "the writer never built a block");
        assert_eq!(helped.len(), 64);
        assert_eq!(helped, alone);
    }
}
