//! What the console reads from the vault: a read snapshot ([`vault::Store`]) reopened at most
//! once a second while the writer thread appends, and a per-source, per-day summary of
//! receive times (the dashboard's heatmap, "records today", the coverage API).
//!
//! Sealed segments never change, so each one's summary is computed once and kept by segment
//! name; a refresh only adds the segments sealed since and the unsealed tail. A block whose
//! segment holds one source and whose records were all received on one day is counted from
//! the segment footer alone; other blocks are decompressed once (never parsed).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use time::UtcOffset;
use vault::Store;

/// How long a snapshot is served before it is reopened.
const SNAPSHOT_TTL: Duration = Duration::from_millis(1000);
const NS: i64 = 1_000_000_000;
const DAY_SECS: i64 = 86_400;

/// Records of one source.
#[derive(Debug, Clone, Default)]
pub struct SourceDays {
    /// Records in total.
    pub records: u64,
    /// First receive time (ns).
    pub first_ns: i64,
    /// Last receive time (ns).
    pub last_ns: i64,
    /// Records per local calendar day (days since 1970-01-01 in the console's UTC offset).
    pub days: BTreeMap<i64, u64>,
}

impl SourceDays {
    fn add(&mut self, day: i64, n: u64, lo: i64, hi: i64) {
        if self.records == 0 {
            self.first_ns = lo;
            self.last_ns = hi;
        } else {
            self.first_ns = self.first_ns.min(lo);
            self.last_ns = self.last_ns.max(hi);
        }
        self.records += n;
        *self.days.entry(day).or_default() += n;
    }

    fn merge(&mut self, o: &SourceDays) {
        if o.records == 0 {
            return;
        }
        if self.records == 0 {
            self.first_ns = o.first_ns;
            self.last_ns = o.last_ns;
        } else {
            self.first_ns = self.first_ns.min(o.first_ns);
            self.last_ns = self.last_ns.max(o.last_ns);
        }
        self.records += o.records;
        for (d, n) in &o.days {
            *self.days.entry(*d).or_default() += n;
        }
    }
}

/// Per source, per day, over the whole store.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// By source name.
    pub sources: BTreeMap<String, SourceDays>,
    /// Store size the summary covers.
    pub size: u64,
    /// Blocks that could not be read (named).
    pub unreadable: Vec<String>,
}

type SegSummary = BTreeMap<String, SourceDays>;

/// Local day number of a time in ns.
pub fn day_of(ns: i64, offset: UtcOffset) -> i64 {
    (ns.div_euclid(NS) + i64::from(offset.whole_seconds())).div_euclid(DAY_SECS)
}

/// The calendar date of a local day number.
pub fn date_of(day: i64) -> Option<time::Date> {
    // 1970-01-01 is Julian day 2 440 588
    i32::try_from(day + 2_440_588)
        .ok()
        .and_then(|j| time::Date::from_julian_day(j).ok())
}

fn segment_summary(
    seg: &vault::SegmentMeta,
    offset: UtcOffset,
    bad: &mut Vec<String>,
) -> SegSummary {
    let mut out = SegSummary::new();
    let foot = &seg.file.footer;
    let single = (foot.sources.len() == 1).then(|| foot.sources[0].clone());
    for (i, b) in foot.blocks.iter().enumerate() {
        let (d0, d1) = (day_of(b.min_recv, offset), day_of(b.max_recv, offset));
        if let Some(s) = &single
            && d0 == d1
        {
            out.entry(s.clone())
                .or_default()
                .add(d0, u64::from(b.count), b.min_recv, b.max_recv);
            continue;
        }
        match seg.file.read_block(i) {
            Ok((_, d)) => {
                for r in d.records() {
                    match r {
                        Ok(r) => {
                            let t = r.received_ns;
                            match out.get_mut(r.source) {
                                Some(x) => x.add(day_of(t, offset), 1, t, t),
                                None => out.entry(r.source.to_owned()).or_default().add(
                                    day_of(t, offset),
                                    1,
                                    t,
                                    t,
                                ),
                            }
                        }
                        Err(e) => {
                            bad.push(format!("{} block {i}: {e}", seg.name));
                            break;
                        }
                    }
                }
            }
            Err(e) => bad.push(format!("{} block {i}: {e}", seg.name)),
        }
    }
    out
}

/// The console's view of the vault.
#[derive(Debug)]
pub struct VaultView {
    dir: PathBuf,
    offset: UtcOffset,
    snap: Mutex<Option<(Instant, Arc<Store>)>>,
    reopen: tokio::sync::Mutex<()>,
    segs: Mutex<HashMap<String, Arc<SegSummary>>>,
    summary: Mutex<Option<Arc<Summary>>>,
}

impl VaultView {
    /// A view of the vault in `dir`, days counted in `offset`.
    pub fn new(dir: &Path, offset: UtcOffset) -> VaultView {
        VaultView {
            dir: dir.to_path_buf(),
            offset,
            snap: Mutex::new(None),
            reopen: tokio::sync::Mutex::new(()),
            segs: Mutex::new(HashMap::new()),
            summary: Mutex::new(None),
        }
    }

    /// The UTC offset days are counted in.
    pub fn offset(&self) -> UtcOffset {
        self.offset
    }

    fn cached(&self) -> Option<Arc<Store>> {
        let g = self.snap.lock().unwrap_or_else(|e| e.into_inner());
        g.as_ref()
            .filter(|(t, _)| t.elapsed() < SNAPSHOT_TTL)
            .map(|(_, s)| s.clone())
    }

    /// A snapshot at most a second old.
    pub async fn store(&self) -> Result<Arc<Store>, vault::Error> {
        self.snapshot(false).await
    }

    /// A snapshot opened now: for proofs and exports, which must agree with the latest
    /// checkpoint file (read when they run).
    pub async fn fresh(&self) -> Result<Arc<Store>, vault::Error> {
        self.snapshot(true).await
    }

    async fn snapshot(&self, fresh: bool) -> Result<Arc<Store>, vault::Error> {
        if !fresh && let Some(s) = self.cached() {
            return Ok(s);
        }
        let _one = self.reopen.lock().await;
        if !fresh && let Some(s) = self.cached() {
            return Ok(s);
        }
        // the old snapshot leaves the cache before the new one is read, so that the two unsealed
        // tails (up to a segment's worth of records each) are not held at once by the cache
        let old = self
            .snap
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .map(|(_, s)| s.size());
        let dir = self.dir.clone();
        let s = tokio::task::spawn_blocking(move || -> Result<Store, vault::Error> {
            let mut s = Store::open(&dir)?;
            // a segment sealed between listing seg/ and reading the WAL can hide the tail
            // for one open: read again rather than show fewer records than before
            for _ in 0..3 {
                if old.is_none_or(|o| s.size() >= o) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
                s = Store::open(&dir)?;
            }
            Ok(s)
        })
        .await
        .map_err(|e| vault::Error::new(vault::ErrorKind::Io, format!("snapshot task: {e}")))??;
        let s = Arc::new(s);
        *self.snap.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), s.clone()));
        Ok(s)
    }

    /// The summary of `store` (computed from cached segment summaries plus what is new).
    pub fn summary_blocking(&self, store: &Store) -> Arc<Summary> {
        if let Some(s) = self
            .summary
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .filter(|s| s.size == store.size())
        {
            return s.clone();
        }
        let mut unreadable = Vec::new();
        let mut per_seg = Vec::with_capacity(store.segments().len());
        for seg in store.segments() {
            let k = format!("{}:{}", seg.name, seg.file.footer.tree_size);
            let hit = self
                .segs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&k)
                .cloned();
            let s = match hit {
                Some(s) => s,
                None => {
                    let mut bad = Vec::new();
                    let s = Arc::new(segment_summary(seg, self.offset, &mut bad));
                    if bad.is_empty() {
                        self.segs
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(k, s.clone());
                    }
                    unreadable.extend(bad);
                    s
                }
            };
            per_seg.push(s);
        }
        // forget segments pruned away
        {
            let live: std::collections::HashSet<String> = store
                .segments()
                .iter()
                .map(|s| format!("{}:{}", s.name, s.file.footer.tree_size))
                .collect();
            self.segs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .retain(|k, _| live.contains(k));
        }
        let mut sources: BTreeMap<String, SourceDays> = BTreeMap::new();
        for s in &per_seg {
            for (name, d) in s.iter() {
                match sources.get_mut(name) {
                    Some(x) => x.merge(d),
                    None => {
                        sources.insert(name.clone(), d.clone());
                    }
                }
            }
        }
        for r in store.unsealed() {
            let t = r.received_ns;
            sources
                .entry(r.source.clone())
                .or_default()
                .add(day_of(t, self.offset), 1, t, t);
        }
        unreadable.extend(
            store
                .bad_files()
                .iter()
                .map(|b| format!("{}: {}", b.path.display(), b.reason)),
        );
        let s = Arc::new(Summary {
            sources,
            size: store.size(),
            unreadable,
        });
        *self.summary.lock().unwrap_or_else(|e| e.into_inner()) = Some(s.clone());
        s
    }

    /// [`VaultView::summary_blocking`] off the async threads.
    pub async fn summary(self: &Arc<Self>, store: Arc<Store>) -> Arc<Summary> {
        let me = self.clone();
        match tokio::task::spawn_blocking(move || me.summary_blocking(&store)).await {
            Ok(s) => s,
            Err(_) => Arc::new(Summary::default()),
        }
    }
}

/// Bytes available to unprivileged writers and the total size of the file system holding
/// `dir`.
pub fn disk_space(dir: &Path) -> Option<(u64, u64)> {
    let s = rustix::fs::statvfs(dir).ok()?;
    Some((
        s.f_bavail.saturating_mul(s.f_frsize),
        s.f_blocks.saturating_mul(s.f_frsize),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_follow_the_offset() {
        let cst = UtcOffset::from_hms(8, 0, 0).unwrap();
        // 2026-03-01T15:59:59Z is 23:59:59 in +08:00; one second later is the next day there
        let t = 1_772_380_799 * NS;
        assert_eq!(day_of(t, cst) + 1, day_of(t + NS, cst));
        assert_eq!(day_of(t, UtcOffset::UTC), day_of(t + NS, UtcOffset::UTC));
        assert_eq!(
            date_of(day_of(t, cst)).unwrap(),
            time::macros::date!(2026 - 03 - 01)
        );
        assert_eq!(date_of(0).unwrap(), time::macros::date!(1970 - 01 - 01));
        assert_eq!(day_of(-1, UtcOffset::UTC), -1);
    }
}
