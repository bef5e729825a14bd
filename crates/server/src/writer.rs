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
//! A group of syslog records only is written to the WAL and its fsync started in the
//! background ([`vault::Vault::flush`]); the writer goes on with the next group while the disk
//! works, and counts the records as stored when [`vault::Vault::poll_durable`] (or the next
//! sync, within 2 ms when idle) confirms them.
//!
//! When a commit fails (full disk, I/O error), the writer raises an alarm in the log, drops
//! the vault (uncommitted records of that group are answered 503, or counted as lost for
//! syslog), marks the server not ready, and tries to reopen the vault every second; the
//! vault's recovery truncates a torn WAL tail, so nothing stored is corrupted. Intake resumes
//! by itself once the store is writable again.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot, watch};
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

/// The store could not take the records (answered 503).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoreDown;

type Ack = oneshot::Sender<Result<u64, StoreDown>>;

struct Batch {
    recs: Vec<Rec>,
    bytes: u64,
    ack: Option<Ack>,
    _permit: Option<OwnedSemaphorePermit>,
}

enum Msg {
    Batch(Batch),
    Shutdown,
}

/// Why a record batch was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueueError {
    /// The queue is full (overload).
    Full,
    /// The store is failing (e.g. full disk) or the server is stopping.
    Down,
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
    recs.iter().map(|r| r.raw.len() as u64 + 64).sum()
}

impl Intake {
    fn permits(&self, bytes: u64) -> u32 {
        bytes.clamp(1, self.cap as u64).min(u64::from(u32::MAX)) as u32
    }

    fn push(
        &self,
        recs: Vec<Rec>,
        bytes: u64,
        permit: OwnedSemaphorePermit,
        ack: Option<Ack>,
    ) -> Result<(), QueueError> {
        self.metrics.queue_add(bytes);
        let b = Batch {
            recs,
            bytes,
            ack,
            _permit: Some(permit),
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
        let permit = self
            .sem
            .clone()
            .acquire_many_owned(self.permits(bytes))
            .await
            .map_err(|_| QueueError::Down)?;
        self.push(recs, bytes, permit, None)
    }

    /// Queue records if there is room now (UDP).
    pub fn try_send(&self, recs: Vec<Rec>) -> Result<(), QueueError> {
        if !*self.ready.borrow() {
            return Err(QueueError::Down);
        }
        let bytes = batch_bytes(&recs);
        let permit = self
            .sem
            .clone()
            .try_acquire_many_owned(self.permits(bytes))
            .map_err(|_| QueueError::Full)?;
        self.push(recs, bytes, permit, None)
    }

    /// Queue records if there is room now and wait until they are durable; returns the seq
    /// of the first record (the rest follow contiguously).
    pub async fn send_durable(&self, recs: Vec<Rec>) -> Result<u64, QueueError> {
        if !*self.ready.borrow() {
            return Err(QueueError::Down);
        }
        let bytes = batch_bytes(&recs);
        let permit = self
            .sem
            .clone()
            .try_acquire_many_owned(self.permits(bytes))
            .map_err(|_| QueueError::Full)?;
        let (tx, rx) = oneshot::channel();
        self.push(recs, bytes, permit, Some(tx))?;
        match rx.await {
            Ok(Ok(first)) => Ok(first),
            Ok(Err(StoreDown)) | Err(_) => Err(QueueError::Down),
        }
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

/// The running writer thread.
pub(crate) struct Writer {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    /// Start the writer thread with an open vault.
    pub fn start(vault: Vault, cfg: WriterConfig, metrics: Arc<Metrics>) -> (Writer, Intake) {
        let (tx, rx) = mpsc::channel();
        let (ready_tx, ready_rx) = watch::channel(true);
        metrics.set_ready(true);
        let sem = Arc::new(Semaphore::new(cfg.queue_bytes));
        let intake = Intake {
            tx: tx.clone(),
            sem,
            cap: cfg.queue_bytes,
            ready: ready_rx,
            metrics: metrics.clone(),
        };
        let mut st = WriterState {
            vault: Some(vault),
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

    /// Process everything queued so far, commit, sign a final checkpoint and stop.
    pub fn shutdown(mut self) {
        let _ = self.tx.send(Msg::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct WriterState {
    vault: Option<Vault>,
    cfg: WriterConfig,
    metrics: Arc<Metrics>,
    ready: watch::Sender<bool>,
    last_checkpoint: Instant,
    last_retry: Instant,
    /// Syslog groups written to the WAL whose background fsync is not yet
    /// confirmed: (tree size after the group, records, bytes). They count as
    /// stored only once durable.
    unconfirmed: std::collections::VecDeque<(u64, u64, u64)>,
}

impl WriterState {
    fn run(&mut self, rx: mpsc::Receiver<Msg>) {
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
                self.close();
                return;
            }
        }
    }

    /// Count flushed syslog groups that are durable now as stored.
    fn confirm(&mut self, durable: u64) {
        while let Some(&(end, n, bytes)) = self.unconfirmed.front() {
            if end > durable {
                break;
            }
            self.unconfirmed.pop_front();
            self.metrics.add_stored(n, bytes);
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
            None => self.reopen(),
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
                        Err(e) => self.fail(&e),
                    }
                } else if since >= self.cfg.checkpoint_interval {
                    match v.checkpoint_now() {
                        Ok(cp) => {
                            self.metrics.checkpoint_done(cp.checkpoint.size);
                            tracing::debug!(size = cp.checkpoint.size, "idle checkpoint signed");
                        }
                        Err(e) => self.fail(&e),
                    }
                    self.last_checkpoint = Instant::now();
                }
            }
        }
    }

    fn reopen(&mut self) {
        if self.last_retry.elapsed() < Duration::from_millis(900) {
            return;
        }
        self.last_retry = Instant::now();
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

    fn fail(&mut self, e: &vault::Error) {
        tracing::error!(
            error = %e,
            "ALARM: writing to the vault failed (full disk?); intake stopped, HTTP answers 503, TCP is not read; retrying every second"
        );
        self.metrics.commit_failed();
        self.vault = None;
        // flushed syslog records whose fsync was never confirmed: counted lost
        for (_, n, _) in self.unconfirmed.drain(..) {
            self.metrics.reject(Reason::StoreFailed, n);
        }
        self.last_retry = Instant::now();
        self.metrics.set_ready(false);
        let _ = self.ready.send(false);
    }

    fn process(&mut self, pending: &mut Vec<Batch>) {
        if pending.is_empty() {
            return;
        }
        if self.vault.is_none() {
            self.reopen();
        }
        let mut result: Result<Vec<u64>, ()> = Err(());
        let mut flushed_only = false;
        let mut durable = None;
        if let Some(v) = &mut self.vault {
            let mut firsts = Vec::with_capacity(pending.len());
            let mut err = None;
            'all: for b in pending.iter() {
                firsts.push(v.next_seq());
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
                        break 'all;
                    }
                }
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
                    v.flush().and_then(|()| v.poll_durable())
                };
                match r {
                    Ok(size) => {
                        self.metrics.commit_done(t0.elapsed().as_secs_f64(), size);
                        if flushed_only {
                            let n: u64 = pending.iter().map(|b| b.recs.len() as u64).sum();
                            let bytes: u64 = pending
                                .iter()
                                .flat_map(|b| b.recs.iter())
                                .map(|r| r.raw.len() as u64)
                                .sum();
                            self.unconfirmed.push_back((v.next_seq(), n, bytes));
                        }
                        durable = Some(size);
                    }
                    Err(e) => err = Some(e),
                }
            }
            match err {
                None => result = Ok(firsts),
                Some(e) => self.fail(&e),
            }
        }
        for (i, b) in pending.drain(..).enumerate() {
            self.metrics.queue_sub(b.bytes);
            match &result {
                Ok(firsts) => {
                    if !flushed_only {
                        let bytes: u64 = b.recs.iter().map(|r| r.raw.len() as u64).sum();
                        self.metrics.add_stored(b.recs.len() as u64, bytes);
                    }
                    if let Some(ack) = b.ack {
                        let _ = ack.send(Ok(firsts[i]));
                    }
                }
                Err(()) => match b.ack {
                    Some(ack) => {
                        let _ = ack.send(Err(StoreDown));
                    }
                    None => self
                        .metrics
                        .reject(Reason::StoreFailed, b.recs.len() as u64),
                },
            }
        }
        if let Some(size) = durable {
            self.confirm(size);
        }
    }

    fn close(&mut self) {
        if let Some(mut v) = self.vault.take() {
            let r = v.commit().and_then(|_| v.checkpoint_now());
            match r {
                Ok(cp) => {
                    self.confirm(cp.checkpoint.size);
                    tracing::info!(size = cp.checkpoint.size, "final checkpoint signed")
                }
                Err(e) => {
                    tracing::error!(error = %e, "final commit failed");
                    for (_, n, _) in self.unconfirmed.drain(..) {
                        self.metrics.reject(Reason::StoreFailed, n);
                    }
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
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
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
        rt.block_on(async {
            assert_eq!(
                intake.send_durable(vec![rec(500)]).await,
                Err(QueueError::Full)
            );
        });
        ready_tx.send(false).unwrap();
        assert_eq!(intake.try_send(vec![rec(1)]), Err(QueueError::Down));
        rt.block_on(async {
            assert_eq!(
                intake.send_durable(vec![rec(1)]).await,
                Err(QueueError::Down)
            );
        });
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
                    intake.send_durable(vec![rec(10 + i), rec(10 + i)]).await
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
        w.shutdown();
        let store = vault::Store::open(&dir).unwrap();
        let cp = store.latest_checkpoint().unwrap().unwrap();
        assert_eq!(cp.checkpoint.size, 40);
        let report = vault::verify(&store, &vault::VerifyOptions::default()).unwrap();
        assert!(report.is_intact());
    }
}
