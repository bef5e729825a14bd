//! The single vault writer: one OS thread owns the (synchronous) [`vault::Vault`], fed by a
//! channel whose size is bounded in bytes by a semaphore.
//!
//! Group commit: the writer takes the first queued batch, keeps collecting for the commit
//! window (or until the record limit), appends everything, then makes it durable once (WAL
//! write + fsync, [`vault::Vault::sync`]); a full commit that also seals full segments and
//! signs a checkpoint runs at most every `proof_ms`, and when synced records wait longer than
//! that. The window is `window_ms` when an HTTP request waits in the
//! group and `syslog_window_ms` when only syslog records (which nobody waits for) do. Only
//! after that commit returns does any HTTP request of the group get its answer: a success
//! response means the records are durable.
//!
//! A group of syslog records only is not synced: the blocks the vault's workers have finished
//! are written to the WAL compressed and their fsync started in the background
//! ([`vault::Vault::flush_ready`]); the writer goes on with the next group while the disk
//! works, and counts the records as stored when [`vault::Vault::poll_durable`] (or the next
//! sync, within 2 ms when idle, which also writes the block still being filled) confirms them.
//!
//! When a commit fails (full disk, I/O error), the writer raises an alarm in the log, marks
//! the server not ready and gives the vault up with [`vault::Vault::abandon`], which cuts the
//! WAL back to the last durable record: what was not durable is discarded, so each HTTP
//! request of the group is answered exactly — 200 when all its records were already durable,
//! 503 "nothing of this request was stored" when none was, and in the rare case of a request
//! cut by a commit inside the group, 503 stating how many of its records were stored (a bulk
//! request gets per-item statuses instead). Syslog records not durable are counted lost. The
//! writer then tries every second to write a 4 MiB probe file into the data directory and to
//! reopen the vault; only when both succeed is it ready again, so `/readyz` does not flap
//! while the disk is full. Intake resumes by itself once the store is writable again.
//!
//! At shutdown the writer commits and signs a final checkpoint, and reports whether it could
//! ([`Final`]): a server that could not sign one says so.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, oneshot, watch};
use vault::{Incoming, Vault};

use crate::metrics::{Metrics, Reason};

/// One record on its way to the vault.
#[derive(Debug)]
pub(crate) struct Rec {
    pub received_ns: i64,
    pub source: Arc<str>,
    pub peer: Arc<str>,
    pub transport: &'static str,
    /// The record as received (shared with the other records of its read).
    pub raw: bytes::Bytes,
}

/// Queue bytes counted per record beyond its raw bytes (its envelope, see [`Rec`]).
pub(crate) const REC_OVERHEAD: u64 = 64;

/// Queue space is taken from the semaphore in steps of at least this many bytes while a
/// request's records are counted (not once per record).
const RESERVE_STEP: usize = 256 << 10;

/// A failed commit, as far as one batch is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failed {
    /// The first `stored` records of the batch (from seq `first`) are stored, the rest are
    /// not (0: nothing).
    Stored { first: u64, stored: u64 },
    /// The store could not discard what was not durable: an unknown part may be stored.
    Unknown,
}

type Ack = oneshot::Sender<Result<u64, Failed>>;

struct Batch {
    recs: Vec<Rec>,
    bytes: u64,
    ack: Option<Ack>,
    _permit: Reservation,
}

enum Msg {
    Batch(Batch),
    Shutdown,
}

/// Why a record batch was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueueError {
    /// The queue has no room now (overload): retry later.
    Full,
    /// The records counted so far need more than the whole queue (`queue_bytes`): this
    /// request can never be taken whole.
    TooLarge,
    /// The store is failing (e.g. full disk) or the server is stopping: nothing was queued.
    Down,
    /// The commit holding the batch failed.
    Failed(Failed),
}

/// Bytes of the writer's queue held for records not yet stored; given back when dropped
/// (after the writer has appended them).
#[derive(Debug)]
pub(crate) struct Reservation {
    sem: Arc<Semaphore>,
    cap: u64,
    held: usize,
    bytes: u64,
}

impl Reservation {
    /// Count one more record of `len` raw bytes against the queue, taking room as it goes.
    pub fn add_record(&mut self, len: usize) -> Result<(), QueueError> {
        self.bytes += len as u64 + REC_OVERHEAD;
        if self.bytes > self.cap {
            return Err(QueueError::TooLarge);
        }
        let need = self.bytes as usize;
        if need <= self.held {
            return Ok(());
        }
        let greedy = need.max(self.held + RESERVE_STEP).min(self.cap as usize) - self.held;
        for want in [greedy, need - self.held] {
            let Ok(w) = u32::try_from(want) else { continue };
            if let Ok(p) = self.sem.try_acquire_many(w) {
                p.forget();
                self.held += want;
                return Ok(());
            }
        }
        Err(QueueError::Full)
    }

    /// Bytes counted.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Give back what was taken beyond the bytes counted.
    fn trim(&mut self) {
        let need = self.bytes as usize;
        if self.held > need {
            self.sem.add_permits(self.held - need);
            self.held = need;
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.held > 0 {
            self.sem.add_permits(self.held);
        }
    }
}

/// Handle used by the listeners to queue records.
#[derive(Clone)]
pub(crate) struct Intake {
    tx: mpsc::Sender<Msg>,
    sem: Arc<Semaphore>,
    cap: usize,
    ready: watch::Receiver<bool>,
    metrics: Arc<Metrics>,
}

fn batch_bytes(recs: &[Rec]) -> u64 {
    recs.iter().map(|r| r.raw.len() as u64 + REC_OVERHEAD).sum()
}

impl Intake {
    /// Semaphore permits for a syslog batch: a batch larger than the whole queue takes the
    /// whole queue (syslog batches are one read, or at most 512 datagrams).
    fn permits(&self, bytes: u64) -> usize {
        bytes.clamp(1, self.cap as u64) as usize
    }

    fn reservation(&self, held: usize, bytes: u64) -> Reservation {
        Reservation {
            sem: self.sem.clone(),
            cap: self.cap as u64,
            held,
            bytes,
        }
    }

    fn push(
        &self,
        recs: Vec<Rec>,
        permit: Reservation,
        ack: Option<Ack>,
    ) -> Result<(), QueueError> {
        let bytes = permit.bytes().max(batch_bytes(&recs));
        self.metrics.queue_add(bytes);
        let b = Batch {
            recs,
            bytes,
            ack,
            _permit: permit,
        };
        self.tx.send(Msg::Batch(b)).map_err(|_| {
            self.metrics.queue_sub(bytes);
            QueueError::Down
        })
    }

    /// Queue records, waiting while the queue is full or the store is down (TCP, TLS:
    /// the connection simply stops being read).
    pub async fn send_wait(&self, recs: Vec<Rec>) -> Result<(), QueueError> {
        if recs.is_empty() {
            return Ok(());
        }
        let mut ready = self.ready.clone();
        if ready.wait_for(|r| *r).await.is_err() {
            return Err(QueueError::Down);
        }
        let bytes = batch_bytes(&recs);
        let n = self.permits(bytes);
        self.sem
            .acquire_many(u32::try_from(n).unwrap_or(u32::MAX))
            .await
            .map_err(|_| QueueError::Down)?
            .forget();
        self.push(recs, self.reservation(n, bytes), None)
    }

    /// Queue records if there is room now (UDP).
    pub fn try_send(&self, recs: Vec<Rec>) -> Result<(), QueueError> {
        if !*self.ready.borrow() {
            return Err(QueueError::Down);
        }
        let bytes = batch_bytes(&recs);
        let n = self.permits(bytes);
        self.sem
            .try_acquire_many(u32::try_from(n).unwrap_or(u32::MAX))
            .map_err(|_| QueueError::Full)?
            .forget();
        self.push(recs, self.reservation(n, bytes), None)
    }

    /// Start counting a request's records against the queue (HTTP): `Down` when the store
    /// does not accept writes now.
    pub fn reserve(&self) -> Result<Reservation, QueueError> {
        if !*self.ready.borrow() {
            return Err(QueueError::Down);
        }
        Ok(self.reservation(0, 0))
    }

    /// Queue records counted in `res` and wait until they are durable; returns the seq of
    /// the first record (the rest follow contiguously). The records are stored whole or,
    /// when the commit fails, as [`QueueError::Failed`] says.
    pub async fn send_durable(
        &self,
        recs: Vec<Rec>,
        mut res: Reservation,
    ) -> Result<u64, QueueError> {
        if !*self.ready.borrow() {
            return Err(QueueError::Down);
        }
        res.trim();
        let (tx, rx) = oneshot::channel();
        self.push(recs, res, Some(tx))?;
        match rx.await {
            Ok(Ok(first)) => Ok(first),
            Ok(Err(f)) => Err(QueueError::Failed(f)),
            // the writer thread ended without answering (it panicked): nothing is known
            Err(_) => Err(QueueError::Failed(Failed::Unknown)),
        }
    }

    /// Bytes the queue holds at most (`queue_bytes`).
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Whether the store accepts writes.
    pub fn is_ready(&self) -> bool {
        *self.ready.borrow()
    }
}

/// Tuning of the writer.
#[derive(Debug, Clone)]
pub(crate) struct WriterConfig {
    pub dir: PathBuf,
    pub window: Duration,
    pub syslog_window: Duration,
    pub max_records: usize,
    pub queue_bytes: usize,
    pub checkpoint_interval: Duration,
    /// Synced records wait at most this long for a checkpoint.
    pub proof_interval: Duration,
}

/// How the writer ended: the answer to "was a final checkpoint signed?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Final {
    /// Everything queued was committed and a final checkpoint signed over `size` records.
    Signed {
        /// Records covered.
        size: u64,
    },
    /// No final checkpoint: the store was not writable. What was acknowledged is durable
    /// in the WAL; the next start checkpoints it.
    NotSigned {
        /// What failed.
        error: String,
    },
}

/// Bytes written (and fsynced, then removed) to prove the data directory can take writes
/// before the server says it is ready again after a failure.
const PROBE_BYTES: usize = 4 << 20;

/// Name of the probe file in the data directory.
const PROBE_FILE: &str = ".wangan-space-probe";

/// Whether `dir` can take [`PROBE_BYTES`] now (written, fsynced, removed).
fn probe_space(dir: &std::path::Path) -> std::io::Result<()> {
    use std::io::Write as _;
    let p = dir.join(PROBE_FILE);
    let r = (|| {
        let mut f = std::fs::File::create(&p)?;
        let chunk = vec![0u8; 256 << 10];
        for _ in 0..PROBE_BYTES / chunk.len() {
            f.write_all(&chunk)?;
        }
        f.sync_all()
    })();
    let _ = std::fs::remove_file(&p);
    r
}

/// The running writer thread.
pub(crate) struct Writer {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<Final>>,
}

impl Writer {
    /// Start the writer thread with an open vault.
    pub fn start(vault: Vault, cfg: WriterConfig, metrics: Arc<Metrics>) -> (Writer, Intake) {
        let (tx, rx) = mpsc::channel();
        // a store that cannot take writes at start is not ready until it can
        let ready = match probe_space(&cfg.dir) {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(
                    error = %e,
                    "ALARM: the data directory cannot take writes (full disk?); intake stays stopped until it can, HTTP answers 503; retrying every second"
                );
                false
            }
        };
        let (ready_tx, ready_rx) = watch::channel(ready);
        metrics.set_ready(ready);
        let sem = Arc::new(Semaphore::new(cfg.queue_bytes));
        let intake = Intake {
            tx: tx.clone(),
            sem,
            cap: cfg.queue_bytes,
            ready: ready_rx,
            metrics: metrics.clone(),
        };
        let mut st = WriterState {
            vault: ready.then_some(vault),
            cfg,
            metrics,
            ready: ready_tx,
            last_checkpoint: Instant::now(),
            last_retry: Instant::now(),
            unconfirmed: std::collections::VecDeque::new(),
        };
        let thread = std::thread::Builder::new()
            .name("vault-writer".into())
            .spawn(move || st.run(rx))
            .ok();
        (Writer { tx, thread }, intake)
    }

    /// Process everything queued so far, commit, sign a final checkpoint and stop; says
    /// whether the checkpoint was signed.
    pub fn shutdown(mut self) -> Final {
        let _ = self.tx.send(Msg::Shutdown);
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(f)) => f,
            Some(Err(_)) => Final::NotSigned {
                error: "the vault writer thread panicked".into(),
            },
            None => Final::NotSigned {
                error: "the vault writer thread could not be started".into(),
            },
        }
    }
}

/// A syslog group written to the WAL whose background fsync is not confirmed yet.
#[derive(Debug, Clone, Copy)]
struct Unconfirmed {
    /// Seq of its first record, and the tree size after it.
    start: u64,
    end: u64,
    /// Raw bytes of its records.
    bytes: u64,
}

struct WriterState {
    vault: Option<Vault>,
    cfg: WriterConfig,
    metrics: Arc<Metrics>,
    ready: watch::Sender<bool>,
    last_checkpoint: Instant,
    last_retry: Instant,
    /// Syslog groups written to the WAL whose background fsync is not yet confirmed. They
    /// count as stored only once durable.
    unconfirmed: std::collections::VecDeque<Unconfirmed>,
}

impl WriterState {
    fn run(&mut self, rx: mpsc::Receiver<Msg>) -> Final {
        let mut pending: Vec<Batch> = Vec::new();
        loop {
            let timeout = match &self.vault {
                None => Duration::from_secs(1),
                // confirm flushed syslog groups soon (their fsync is running)
                Some(_) if !self.unconfirmed.is_empty() => Duration::from_millis(2),
                Some(v) if v.has_unchecked() => self
                    .cfg
                    .proof_interval
                    .saturating_sub(self.last_checkpoint.elapsed()),
                Some(_) => self
                    .cfg
                    .checkpoint_interval
                    .saturating_sub(self.last_checkpoint.elapsed()),
            };
            let mut shutdown = false;
            match rx.recv_timeout(timeout) {
                Ok(Msg::Batch(b)) => pending.push(b),
                Ok(Msg::Shutdown) | Err(RecvTimeoutError::Disconnected) => shutdown = true,
                Err(RecvTimeoutError::Timeout) => {
                    self.tick();
                    continue;
                }
            }
            if !shutdown {
                // a group waiting for acknowledgement commits after `window`; a group of syslog
                // records only (nobody waiting) may collect for `syslog_window`, which bounds
                // the commit (and checkpoint) rate of a steady trickle
                let start = Instant::now();
                let mut deadline = if pending.iter().any(|b| b.ack.is_some()) {
                    start + self.cfg.window
                } else {
                    start + self.cfg.syslog_window.max(self.cfg.window)
                };
                let mut n: usize = pending.iter().map(|b| b.recs.len()).sum();
                while n < self.cfg.max_records {
                    let wait = deadline.saturating_duration_since(Instant::now());
                    let m = if wait.is_zero() {
                        rx.try_recv().map_err(|e| match e {
                            mpsc::TryRecvError::Empty => RecvTimeoutError::Timeout,
                            mpsc::TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
                        })
                    } else {
                        rx.recv_timeout(wait)
                    };
                    match m {
                        Ok(Msg::Batch(b)) => {
                            n += b.recs.len();
                            if b.ack.is_some() {
                                deadline = deadline.min(Instant::now() + self.cfg.window);
                            }
                            pending.push(b);
                        }
                        Ok(Msg::Shutdown) | Err(RecvTimeoutError::Disconnected) => {
                            shutdown = true;
                            break;
                        }
                        Err(RecvTimeoutError::Timeout) => break,
                    }
                }
            }
            self.process(&mut pending);
            if shutdown {
                while let Ok(m) = rx.try_recv() {
                    if let Msg::Batch(b) = m {
                        pending.push(b);
                    }
                }
                self.process(&mut pending);
                return self.close();
            }
        }
    }

    /// Count flushed syslog groups that are durable now as stored.
    fn confirm(&mut self, durable: u64) {
        while let Some(&u) = self.unconfirmed.front() {
            if u.end > durable {
                break;
            }
            self.unconfirmed.pop_front();
            self.metrics.add_stored(u.end - u.start, u.bytes);
        }
    }

    fn tick(&mut self) {
        if !self.unconfirmed.is_empty()
            && let Some(v) = &mut self.vault
        {
            let t0 = Instant::now();
            match v.sync() {
                Ok(size) => {
                    self.metrics.commit_done(t0.elapsed().as_secs_f64(), size);
                    self.confirm(size);
                }
                Err(e) => {
                    self.fail(&e);
                    return;
                }
            }
        }
        match &mut self.vault {
            None => self.reopen(false),
            Some(v) => {
                let since = self.last_checkpoint.elapsed();
                if v.has_unchecked() && since >= self.cfg.proof_interval {
                    // durable records that no checkpoint covers yet
                    match v.commit() {
                        Ok(Some(info)) => {
                            self.metrics
                                .checkpoint_done(info.checkpoint.checkpoint.size);
                            self.last_checkpoint = Instant::now();
                        }
                        Ok(None) => {}
                        Err(e) => {
                            self.fail(&e);
                        }
                    }
                } else if since >= self.cfg.checkpoint_interval {
                    match v.checkpoint_now() {
                        Ok(cp) => {
                            self.metrics.checkpoint_done(cp.checkpoint.size);
                            tracing::debug!(size = cp.checkpoint.size, "idle checkpoint signed");
                        }
                        Err(e) => {
                            self.fail(&e);
                        }
                    }
                    self.last_checkpoint = Instant::now();
                }
            }
        }
    }

    /// Try to open the vault again (at most once a second unless `now`). Ready only once the
    /// data directory takes a probe write and the vault opens: a full disk stays not ready,
    /// instead of looking ready until the next write fails.
    fn reopen(&mut self, now: bool) {
        if !now && self.last_retry.elapsed() < Duration::from_millis(900) {
            return;
        }
        self.last_retry = Instant::now();
        if let Err(e) = probe_space(&self.cfg.dir) {
            tracing::error!(error = %e, "the data directory still cannot take writes: intake stays stopped");
            return;
        }
        match Vault::open(&self.cfg.dir) {
            Ok(v) => {
                if let Some(t) = v.recovered_tail() {
                    tracing::warn!(
                        bytes = t.bytes,
                        "unacknowledged records of the failed group commit were discarded"
                    );
                }
                self.metrics.commit_done(0.0, v.committed().0);
                self.vault = Some(v);
                self.last_checkpoint = Instant::now();
                self.metrics.set_ready(true);
                let _ = self.ready.send(true);
                tracing::warn!("vault writable again: intake resumed");
            }
            Err(e) => {
                tracing::error!(error = %e, "vault still not writable: intake stays stopped");
            }
        }
    }

    /// A write failed: raise the alarm, stop intake, and give the vault up keeping exactly
    /// what is durable. Returns the durable size, or `None` when the vault could not discard
    /// what was not durable (then a later open may recover part of it).
    fn fail(&mut self, e: &vault::Error) -> Option<u64> {
        tracing::error!(
            error = %e,
            "ALARM: writing to the vault failed (full disk?); intake stopped, HTTP answers 503, TCP is not read; retrying every second"
        );
        self.metrics.commit_failed();
        let durable = match self.vault.take().map(Vault::abandon) {
            Some(Ok(size)) => Some(size),
            Some(Err(e)) => {
                tracing::error!(
                    error = %e,
                    "records that were not durable could not be discarded: the next open may recover part of the failed group"
                );
                None
            }
            None => None,
        };
        // flushed syslog records: stored if their fsync finished, otherwise lost (discarded)
        for u in self.unconfirmed.drain(..) {
            let n = u.end - u.start;
            let stored = durable.map_or(0, |d| d.clamp(u.start, u.end) - u.start);
            if stored > 0 {
                self.metrics
                    .add_stored(stored, u.bytes.saturating_mul(stored) / n.max(1));
            }
            self.metrics.reject(Reason::StoreFailed, n - stored);
        }
        self.last_retry = Instant::now();
        self.metrics.set_ready(false);
        let _ = self.ready.send(false);
        durable
    }

    fn process(&mut self, pending: &mut Vec<Batch>) {
        if pending.is_empty() {
            return;
        }
        if self.vault.is_none() {
            self.reopen(false);
        }
        // per batch: seq of its first record and how many of its records were appended
        let mut spans: Vec<(u64, u64)> = Vec::with_capacity(pending.len());
        // Ok: every record appended and durable; Err(Some(d)): failed, records below d are
        // stored; Err(None): failed, unknown (or never appended: the store was down)
        let mut result: Result<(), Option<u64>> = Err(Some(0));
        let mut flushed_only = false;
        let mut durable = None;
        if let Some(v) = &mut self.vault {
            let group_start = v.next_seq();
            let mut err = None;
            'all: for b in pending.iter() {
                let first = v.next_seq();
                let mut k = 0;
                for r in &b.recs {
                    let inc = Incoming {
                        received_ns: r.received_ns,
                        source: &r.source,
                        peer: &r.peer,
                        transport: r.transport,
                        raw: &r.raw[..],
                    };
                    if let Err(e) = v.append(&inc) {
                        err = Some(e);
                        spans.push((first, k));
                        break 'all;
                    }
                    k += 1;
                }
                spans.push((first, k));
            }
            let acks = pending.iter().any(|b| b.ack.is_some());
            if err.is_none() {
                let t0 = Instant::now();
                // group commit: WAL write + fsync; a checkpoint at most every proof_interval;
                // a group nobody waits for (syslog) is written and fsynced in the background
                let r = if self.last_checkpoint.elapsed() >= self.cfg.proof_interval {
                    v.commit().map(|info| {
                        if let Some(i) = &info {
                            self.metrics.checkpoint_done(i.checkpoint.checkpoint.size);
                        }
                        self.last_checkpoint = Instant::now();
                        v.committed().0
                    })
                } else if acks {
                    v.sync()
                } else {
                    flushed_only = true;
                    v.flush_ready().and_then(|()| v.poll_durable())
                };
                match r {
                    Ok(size) => {
                        self.metrics.commit_done(t0.elapsed().as_secs_f64(), size);
                        if flushed_only {
                            let bytes: u64 = pending
                                .iter()
                                .flat_map(|b| b.recs.iter())
                                .map(|r| r.raw.len() as u64)
                                .sum();
                            self.unconfirmed.push_back(Unconfirmed {
                                start: group_start,
                                end: v.next_seq(),
                                bytes,
                            });
                        }
                        durable = Some(size);
                    }
                    Err(e) => err = Some(e),
                }
            }
            result = match err {
                None => Ok(()),
                Some(e) => Err(self.fail(&e)),
            };
        }
        for (i, b) in pending.drain(..).enumerate() {
            self.metrics.queue_sub(b.bytes);
            let n = b.recs.len() as u64;
            let (first, appended) = spans.get(i).copied().unwrap_or((0, 0));
            // how many of this batch's records are stored (None: unknown)
            let stored = match result {
                Ok(()) => Some(n),
                Err(Some(d)) => Some(appended.min(d.saturating_sub(first))),
                Err(None) => None,
            };
            let bytes_of = |k: u64| -> u64 {
                b.recs
                    .iter()
                    .take(k as usize)
                    .map(|r| r.raw.len() as u64)
                    .sum()
            };
            match (b.ack, stored) {
                (Some(ack), Some(k)) if k == n => {
                    self.metrics.add_stored(n, bytes_of(n));
                    let _ = ack.send(Ok(first));
                }
                (Some(ack), Some(k)) => {
                    self.metrics.add_stored(k, bytes_of(k));
                    let _ = ack.send(Err(Failed::Stored { first, stored: k }));
                }
                (Some(ack), None) => {
                    let _ = ack.send(Err(Failed::Unknown));
                }
                // syslog: stored once durable (flushed groups are confirmed later)
                (None, Some(k)) => {
                    if !(flushed_only && result.is_ok()) {
                        self.metrics.add_stored(k, bytes_of(k));
                    }
                    self.metrics.reject(Reason::StoreFailed, n - k);
                }
                (None, None) => self.metrics.reject(Reason::StoreFailed, n),
            }
        }
        if let Some(size) = durable {
            self.confirm(size);
        }
    }

    /// The final commit and checkpoint; says truthfully whether one was signed.
    fn close(&mut self) -> Final {
        if self.vault.is_none() {
            // a last try: space may have come back since the last retry
            self.reopen(true);
        }
        let Some(mut v) = self.vault.take() else {
            for u in self.unconfirmed.drain(..) {
                self.metrics.reject(Reason::StoreFailed, u.end - u.start);
            }
            return Final::NotSigned {
                error: "the vault is not writable (full disk or I/O error)".into(),
            };
        };
        match v.commit().and_then(|_| v.checkpoint_now()) {
            Ok(cp) => {
                self.confirm(cp.checkpoint.size);
                tracing::info!(size = cp.checkpoint.size, "final checkpoint signed");
                Final::Signed {
                    size: cp.checkpoint.size,
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "final commit failed: no final checkpoint");
                self.vault = Some(v);
                self.fail(&e);
                Final::NotSigned {
                    error: e.to_string(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(n: usize) -> Rec {
        Rec {
            received_ns: 1,
            source: Arc::from("t"),
            peer: Arc::from("-"),
            transport: "tcp",
            raw: vec![b'x'; n].into(),
        }
    }

    #[test]
    fn a_full_queue_refuses_udp_and_http_at_once_and_a_down_store_refuses_all() {
        let (tx, _rx) = mpsc::channel();
        let (ready_tx, ready) = watch::channel(true);
        let intake = Intake {
            tx,
            sem: Arc::new(Semaphore::new(1000)),
            cap: 1000,
            ready,
            metrics: Arc::new(Metrics::default()),
        };
        intake.try_send(vec![rec(500)]).unwrap();
        assert_eq!(intake.try_send(vec![rec(500)]), Err(QueueError::Full));
        // HTTP: counted record by record; refused as soon as the queue has no room, and as
        // too large once the request could never fit
        let mut r = intake.reserve().unwrap();
        r.add_record(300).unwrap();
        assert_eq!(r.add_record(300), Err(QueueError::Full));
        drop(r);
        let mut r = intake.reserve().unwrap();
        assert_eq!(r.add_record(2000), Err(QueueError::TooLarge));
        ready_tx.send(false).unwrap();
        assert_eq!(intake.try_send(vec![rec(1)]), Err(QueueError::Down));
        assert!(matches!(intake.reserve(), Err(QueueError::Down)));
    }

    #[test]
    fn acknowledged_records_are_durable_in_order_and_shutdown_checkpoints() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("v");
        let v = Vault::init(&dir, &vault::InitOptions::default()).unwrap();
        let metrics = Arc::new(Metrics::default());
        let (w, intake) = Writer::start(
            v,
            WriterConfig {
                dir: dir.clone(),
                window: Duration::from_millis(5),
                syslog_window: Duration::from_millis(10),
                max_records: 100,
                queue_bytes: 1 << 20,
                checkpoint_interval: Duration::from_secs(3600),
                proof_interval: Duration::from_secs(1),
            },
            metrics.clone(),
        );
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let firsts = rt.block_on(async {
            let mut hs = Vec::new();
            for i in 0..20 {
                let intake = intake.clone();
                hs.push(tokio::spawn(async move {
                    let mut res = intake.reserve().unwrap();
                    res.add_record(10 + i).unwrap();
                    res.add_record(10 + i).unwrap();
                    intake
                        .send_durable(vec![rec(10 + i), rec(10 + i)], res)
                        .await
                }));
            }
            let mut f = Vec::new();
            for h in hs {
                f.push(h.await.unwrap().unwrap());
            }
            f
        });
        // each request's records are contiguous, and every seq is someone's
        let mut sorted = firsts.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).map(|i| i * 2).collect::<Vec<u64>>());
        assert_eq!(metrics.stored(), 40);
        let store = vault::Store::open(&dir).unwrap();
        assert_eq!(
            store.size(),
            40,
            "acknowledged means on disk before shutdown"
        );
        for (i, f) in firsts.iter().enumerate() {
            let r: Vec<_> = store
                .records(*f..*f + 2)
                .map(|r| r.unwrap().record)
                .collect();
            assert!(r.iter().all(|r| r.raw.len() == 10 + i));
        }
        drop(intake);
        assert_eq!(w.shutdown(), Final::Signed { size: 40 });
        let store = vault::Store::open(&dir).unwrap();
        let cp = store.latest_checkpoint().unwrap().unwrap();
        assert_eq!(cp.checkpoint.size, 40);
        let report = vault::verify(&store, &vault::VerifyOptions::default()).unwrap();
        assert!(report.is_intact());
    }
}
