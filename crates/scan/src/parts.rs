//! Record stores scanned part by part: the parts (a log store's blocks) on
//! the worker threads, their findings reported in part order, so the output
//! does not depend on the number of threads.
//!
//! The scanner knows nothing of the store: the caller lends each part's
//! records through a visitor.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;

use crate::engine::{Scanner, Sink};
use crate::kind::Finding;
use crate::report::{Asset, Report};

/// One record of a [`PartScan`].
struct PartRecord {
    seq: u64,
    /// Index in [`PartScan::sources`].
    source: usize,
    /// Raw length in bytes.
    len: u64,
    /// End of its findings in [`PartScan::findings`].
    end: usize,
}

/// The findings of one part, record by record.
#[derive(Default)]
struct PartScan {
    records: Vec<PartRecord>,
    sources: Vec<String>,
    findings: Vec<Finding>,
}

/// Run `work` on the indices `0..n` on up to `threads` threads and pass the
/// results to `emit` in index order. The first error (in index order) stops
/// the run: workers take no new index, nothing after it is emitted, and it is
/// returned.
pub(crate) fn ordered<T: Send, E: Send>(
    threads: usize,
    n: usize,
    work: impl Fn(usize) -> Result<T, E> + Sync,
    mut emit: impl FnMut(T),
) -> Result<(), E> {
    let threads = threads.clamp(1, n.max(1));
    if threads == 1 {
        for k in 0..n {
            emit(work(k)?);
        }
        return Ok(());
    }
    let next = AtomicUsize::new(0);
    let (tx, rx) = sync_channel(threads * 2);
    let mut failed = None;
    std::thread::scope(|sc| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, work) = (&next, &work);
            sc.spawn(move || {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= n {
                        break;
                    }
                    if tx.send((k, work(k))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // dropped on return: a worker waiting to send then stops
        let rx = rx;
        // results arrive in any order; each is emitted when all before it are
        let mut pending = BTreeMap::new();
        let mut want = 0;
        for (k, res) in rx.iter() {
            pending.insert(k, res);
            while let Some(res) = pending.remove(&want) {
                want += 1;
                match res {
                    Ok(t) => emit(t),
                    Err(e) => {
                        failed = Some(e);
                        next.store(usize::MAX / 2, Ordering::Relaxed);
                        return;
                    }
                }
            }
        }
    });
    failed.map_or(Ok(()), Err)
}

impl Scanner {
    /// Scan a record store split into `parts` (a log store's blocks): each
    /// part on a worker thread, `visit` lending its records as
    /// `(seq, source, raw bytes)`. Findings go to `sink` part by part in
    /// order, with the record's `seq` as row and `prefix` + source as the
    /// dataset (one asset per source), so the output does not depend on the
    /// number of threads.
    ///
    /// # Errors
    /// The first error of `visit`, in part order; nothing after the failed
    /// part is reported.
    pub fn scan_parts<P: Sync, E: Send>(
        &self,
        parts: &[P],
        prefix: &str,
        visit: impl Fn(&P, &mut dyn FnMut(u64, &str, &[u8])) -> Result<(), E> + Sync,
        sink: &dyn Sink,
    ) -> Result<Report, E> {
        // assets in order of first appearance, and their index by source
        let mut assets: Vec<Asset> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut report = Report::default();
        let work = |k: usize| {
            let mut done = PartScan::default();
            let mut tmp = Vec::new();
            // the last record's source: the next one mostly has the same
            let mut last = 0;
            visit(&parts[k], &mut |seq, source, raw| {
                let src = if done.sources.get(last).is_some_and(|s| s == source) {
                    last
                } else {
                    // a part holds few sources, mostly one
                    match done.sources.iter().rposition(|s| s == source) {
                        Some(i) => i,
                        None => {
                            done.sources.push(source.to_owned());
                            done.sources.len() - 1
                        }
                    }
                };
                last = src;
                self.record_findings(None, raw, &mut tmp);
                done.findings.append(&mut tmp);
                done.records.push(PartRecord {
                    seq,
                    source: src,
                    len: raw.len() as u64,
                    end: done.findings.len(),
                });
            })?;
            Ok(done)
        };
        let emit = |done: PartScan| {
            // the part's sources as indices in `assets`, looked up once
            let ids: Vec<usize> = done
                .sources
                .iter()
                .map(|source| match index.get(source) {
                    Some(&i) => i,
                    None => {
                        assets.push(Asset::new(format!("{prefix}{source}"), None));
                        index.insert(source.clone(), assets.len() - 1);
                        assets.len() - 1
                    }
                })
                .collect();
            let mut from = 0;
            for r in &done.records {
                let run = &done.findings[from..r.end];
                from = r.end;
                if let Some(asset) = ids.get(r.source).and_then(|&i| assets.get_mut(i)) {
                    for f in run {
                        asset.add(f);
                    }
                    sink.findings(&asset.source, None, Some(r.seq), run);
                }
                report.bytes += r.len;
                report.rows += 1;
                sink.progress(r.len);
            }
        };
        ordered(self.options().threads, parts.len(), work, emit)?;
        report.sources = assets.len() as u64;
        report.assets = assets.into_iter().filter(|a| !a.kinds.is_empty()).collect();
        report.sort();
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::ordered;
    use crate::engine::{Hit, ScanOptions, Scanner, Sink};
    use crate::report::Asset;

    /// Where a finding was reported: source, row, kind, start.
    type Seen = (String, Option<u64>, &'static str, u64);

    /// Collects every finding.
    #[derive(Default)]
    struct Collect(Mutex<Vec<Seen>>);

    impl Sink for Collect {
        fn finding(&self, hit: &Hit<'_>) {
            if let Ok(mut v) = self.0.lock() {
                v.push((
                    hit.source.to_owned(),
                    hit.row,
                    hit.finding.kind.name(),
                    hit.finding.start,
                ));
            }
        }
    }

    /// Parts whose records switch between sources are reported record by
    /// record in order, one asset per source, whatever the thread count:
    /// what scanning each record on its own gives.
    #[test]
    fn scan_parts_equals_record_by_record() {
        let sources = ["fw1", "fw2", "app"];
        let texts = [
            "login ok for 13800138000 from 10.0.0.1",
            "nothing here",
            "身份证 110105199003071234 卡号 6222027849362707906",
            "user9@example.com",
        ];
        let mut seq = 0u64;
        let parts: Vec<Vec<(u64, &str, &str)>> = (0..9)
            .map(|p| {
                (0..(p * 3 % 7 + 1))
                    .map(|i| {
                        seq += 1;
                        let r = (seq * 5 + i) as usize;
                        (seq, sources[r / 2 % 3], texts[r % 4])
                    })
                    .collect()
            })
            .collect();
        let all: Vec<(u64, &str, &str)> = parts.iter().flatten().copied().collect();
        // the reference: each record scanned alone, in order
        let one = Scanner::new(ScanOptions {
            threads: 1,
            ..ScanOptions::default()
        });
        let want = Collect::default();
        let mut assets: Vec<Asset> = Vec::new();
        let mut tmp = Vec::new();
        for &(seq, source, text) in &all {
            let name = format!("vault:{source}");
            let k = match assets.iter().position(|a| a.source == name) {
                Some(k) => k,
                None => {
                    assets.push(Asset::new(name, None));
                    assets.len() - 1
                }
            };
            one.scan_record(&mut assets[k], text.as_bytes(), Some(seq), &want, &mut tmp);
        }
        let want = want.0.into_inner().unwrap_or_default();
        assert!(want.len() > 20 && want.iter().any(|w| w.0 == "vault:fw2"));
        for threads in [1, 2, 3] {
            let sc = Scanner::new(ScanOptions {
                threads,
                ..ScanOptions::default()
            });
            let got = Collect::default();
            let r = sc
                .scan_parts(
                    &parts,
                    "vault:",
                    |part, f| {
                        for &(seq, source, text) in part {
                            f(seq, source, text.as_bytes());
                        }
                        Ok::<(), ()>(())
                    },
                    &got,
                )
                .unwrap_or_default();
            assert_eq!(
                got.0.into_inner().unwrap_or_default(),
                want,
                "threads {threads}"
            );
            assert_eq!(r.rows, all.len() as u64);
            assert_eq!(r.sources, 3);
            let bytes: usize = all.iter().map(|r| r.2.len()).sum();
            assert_eq!(r.bytes, bytes as u64);
            let mut counts: Vec<(String, u64)> = r
                .assets
                .iter()
                .map(|a| (a.source.clone(), a.kinds.values().map(|k| k.count).sum()))
                .collect();
            let mut expect: Vec<(String, u64)> = assets
                .iter()
                .filter(|a| !a.kinds.is_empty())
                .map(|a| (a.source.clone(), a.kinds.values().map(|k| k.count).sum()))
                .collect();
            counts.sort();
            expect.sort();
            assert_eq!(counts, expect, "threads {threads}");
        }
    }

    #[test]
    fn ordered_emits_in_index_order_and_stops_at_the_first_error() {
        for threads in [1, 2, 4] {
            let mut got = Vec::new();
            let r: Result<(), ()> = ordered(
                threads,
                50,
                |k| {
                    // later indices finish first
                    std::thread::sleep(std::time::Duration::from_micros((50 - k as u64) * 20));
                    Ok(k)
                },
                |k| got.push(k),
            );
            assert_eq!(r, Ok(()));
            assert_eq!(got, (0..50).collect::<Vec<_>>(), "threads {threads}");

            let mut got = Vec::new();
            let r = ordered(
                threads,
                50,
                |k| if k == 17 || k == 30 { Err(k) } else { Ok(k) },
                |k| got.push(k),
            );
            assert_eq!(r, Err(17), "threads {threads}");
            assert_eq!(got, (0..17).collect::<Vec<_>>(), "threads {threads}");
        }
        let r: Result<(), ()> = ordered(2, 0, |_| Ok(()), |()| unreachable!());
        assert_eq!(r, Ok(()));
    }
}
