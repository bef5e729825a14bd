//! Coverage from metadata: per source, the silences longer than a threshold
//! inside a window, decided from the block headers wherever they suffice,
//! and otherwise from the blocks' per-record time column alone — the raw
//! records are never decompressed.
//!
//! [`crate::coverage()`] decompresses and reads every record. Here a block
//! that holds a source is first known only from its header: the source has
//! *at least one* record somewhere in `[min_recv, max_recv]`. Take those
//! intervals of one source in order of their start: if every interval is at
//! most the threshold long and each ends at most the threshold after the
//! start of the one before, no silence of the source is longer than the
//! threshold (a silence from record `x` to record `y` lies between the last
//! interval starting at or before `x` and the next, which ends at or after
//! `y`). The sources that pass need nothing more. For the others, the time
//! column of each of their blocks in the window is read
//! ([`crate::block::receive_times`]: the zstd stream is decoded only up to the
//! end of the per-record fields, which precede the raw records) and reduced
//! to *runs* — stretches whose consecutive records are at most the threshold
//! apart — so memory stays proportional to blocks × sources, not records.
//! The silences are then the stretches of the window that no run covers.
//! The first and last record of every source are exact: the blocks that may
//! hold them (those starting before any block of the source ends, and those
//! ending after any starts) are read too.
//!
//! The result equals what [`crate::coverage()`] finds for the same window and
//! threshold (a property test checks it). Times are receive times; the
//! window edges count as records. Records of [`crate::INTERNAL_SOURCE`] are
//! left out.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use time::{Duration, OffsetDateTime};

use crate::block::BlockTimes;
use crate::coverage::Gap;
use crate::store::{INTERNAL_SOURCE, Store};
use crate::{Error, ErrorKind, Result};

/// Options of [`spans`].
#[derive(Debug, Clone)]
pub struct SpanOptions {
    /// Window start (inclusive).
    pub from: OffsetDateTime,
    /// Window end (inclusive): the instant coverage is judged at.
    pub to: OffsetDateTime,
    /// Silences longer than this are gaps, unless `gaps` names the source.
    pub gap: Duration,
    /// Per-source thresholds.
    pub gaps: BTreeMap<String, Duration>,
}

/// One source's silences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSpan {
    /// Source name.
    pub source: String,
    /// Earliest receive time (ns) of any record of the source in the store.
    pub first_ns: i64,
    /// Latest receive time (ns) of any record of the source in the store.
    pub last_ns: i64,
    /// Silences longer than the threshold inside the window, in time order.
    pub gaps: Vec<Gap>,
    /// The threshold used.
    pub gap: Duration,
}

/// Result of [`spans`].
#[derive(Debug, Clone)]
pub struct SpanReport {
    /// Window start (ns).
    pub from_ns: i64,
    /// Window end (ns).
    pub to_ns: i64,
    /// Records in the store (sealed and unsealed).
    pub records: u64,
    /// Per source with at least one record, sorted by name.
    pub sources: Vec<SourceSpan>,
    /// Files and blocks that could not be read: coverage is then unproven.
    pub unreadable: Vec<String>,
    /// Sealed blocks in the store.
    pub blocks: usize,
    /// Blocks whose time column was read.
    pub blocks_decoded: usize,
}

#[derive(Debug, Clone, Copy)]
struct BlockRef {
    segment: usize,
    block: usize,
    lo: i64,
    hi: i64,
}

/// What one source needs from the blocks read.
#[derive(Default)]
struct Need {
    /// Runs are needed (the headers could not decide the source).
    runs: bool,
}

/// Silences of every source in the window; see the module documentation.
pub fn spans(store: &Store, opts: &SpanOptions) -> Result<SpanReport> {
    let to_ns = crate::clock::to_ns(opts.to);
    let from_ns = crate::clock::to_ns(opts.from);
    if from_ns > to_ns {
        return Err(Error::new(
            ErrorKind::Config,
            "coverage window ends before it starts",
        ));
    }
    let threshold = |src: &str| -> Result<i64> {
        let g = opts.gaps.get(src).copied().unwrap_or(opts.gap);
        if g <= Duration::ZERO {
            return Err(Error::new(
                ErrorKind::Config,
                "coverage gap threshold must be positive",
            ));
        }
        Ok(i64::try_from(g.whole_nanoseconds()).unwrap_or(i64::MAX))
    };
    threshold("")?;
    let mut unreadable: Vec<String> = store
        .bad_files()
        .iter()
        .map(|b| format!("{}: {}", b.path.display(), b.reason))
        .collect();

    // phase 1: the headers
    let mut blocks: Vec<BlockRef> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    // per source: the blocks that hold it
    let mut holds: Vec<Vec<usize>> = Vec::new();
    // per source: exact times of unsealed records
    let mut loose: Vec<Vec<i64>> = Vec::new();
    let mut records = 0u64;
    let mut intern = |name: &str,
                      names: &mut Vec<String>,
                      holds: &mut Vec<Vec<usize>>,
                      loose: &mut Vec<Vec<i64>>|
     -> usize {
        if let Some(i) = index.get(name) {
            return *i;
        }
        let i = names.len();
        names.push(name.to_owned());
        holds.push(Vec::new());
        loose.push(Vec::new());
        index.insert(name.to_owned(), i);
        i
    };
    for (si, seg) in store.segments().iter().enumerate() {
        match seg.file.block_headers() {
            Ok(headers) => {
                for (bi, h) in headers.iter().enumerate() {
                    records += u64::from(h.count);
                    let id = blocks.len();
                    blocks.push(BlockRef {
                        segment: si,
                        block: bi,
                        lo: h.min_recv,
                        hi: h.max_recv,
                    });
                    for src in &h.sources {
                        if src != INTERNAL_SOURCE {
                            let s = intern(src, &mut names, &mut holds, &mut loose);
                            holds[s].push(id);
                        }
                    }
                }
            }
            Err(e) => unreadable.push(format!("{}: {e}", seg.name)),
        }
    }
    for r in store.unsealed() {
        records += 1;
        if r.source != INTERNAL_SOURCE {
            let s = intern(&r.source, &mut names, &mut holds, &mut loose);
            loose[s].push(r.received_ns);
        }
    }
    let gaps: Vec<i64> = names.iter().map(|n| threshold(n)).collect::<Result<_>>()?;

    // which blocks to read, and what each source needs from them
    let mut needs: Vec<Need> = (0..names.len()).map(|_| Need::default()).collect();
    let mut to_read: BTreeSet<usize> = BTreeSet::new();
    for s in 0..names.len() {
        let hs = &holds[s];
        // the blocks that may hold the first and the last record
        let min_hi = hs
            .iter()
            .map(|b| blocks[*b].hi)
            .chain(loose[s].iter().copied())
            .min();
        let max_lo = hs
            .iter()
            .map(|b| blocks[*b].lo)
            .chain(loose[s].iter().copied())
            .max();
        for b in hs {
            let blk = blocks[*b];
            if min_hi.is_some_and(|m| blk.lo <= m) || max_lo.is_some_and(|m| blk.hi >= m) {
                to_read.insert(*b);
            }
        }
        if !headers_decide(&blocks, hs, &loose[s], from_ns, to_ns, gaps[s]) {
            needs[s].runs = true;
            for b in hs {
                let blk = blocks[*b];
                if blk.hi >= from_ns && blk.lo <= to_ns {
                    to_read.insert(*b);
                }
            }
        }
    }

    // phase 2: the time columns of those blocks, on every core
    let order: Vec<usize> = to_read.into_iter().collect();
    let wanted: Vec<bool> = needs.iter().map(|n| n.runs).collect();
    let per_block = read_blocks(store, &blocks, &order, &index, &gaps, &wanted);
    let mut first: Vec<Option<i64>> = vec![None; names.len()];
    let mut last: Vec<Option<i64>> = vec![None; names.len()];
    let mut runs: Vec<Vec<(i64, i64)>> = vec![Vec::new(); names.len()];
    for (b, r) in order.iter().zip(per_block) {
        match r {
            Ok(found) => {
                for (s, lo, hi, rs) in found {
                    first[s] = Some(first[s].map_or(lo, |f: i64| f.min(lo)));
                    last[s] = Some(last[s].map_or(hi, |l: i64| l.max(hi)));
                    runs[s].extend(rs);
                }
            }
            Err(e) => {
                let blk = blocks[*b];
                let seg = &store.segments()[blk.segment];
                unreadable.push(format!("{} block {}: {e}", seg.name, blk.block));
            }
        }
    }
    let mut sources = Vec::new();
    for s in 0..names.len() {
        let l = &loose[s];
        let lf = l.iter().copied().min();
        let ll = l.iter().copied().max();
        let first_ns = first[s].into_iter().chain(lf).min();
        let last_ns = last[s].into_iter().chain(ll).max();
        // when every block that may hold them was unreadable: the headers' bounds
        let hdr_first = holds[s].iter().map(|b| blocks[*b].lo).min();
        let hdr_last = holds[s].iter().map(|b| blocks[*b].hi).max();
        let (Some(first_ns), Some(last_ns)) = (first_ns.or(hdr_first), last_ns.or(hdr_last)) else {
            continue;
        };
        let found = if needs[s].runs {
            let mut rs = std::mem::take(&mut runs[s]);
            rs.extend(make_runs(l.clone(), gaps[s]));
            silences(rs, from_ns, to_ns, gaps[s])
        } else {
            Vec::new()
        };
        sources.push(SourceSpan {
            source: names[s].clone(),
            first_ns,
            last_ns,
            gaps: found,
            gap: Duration::nanoseconds(gaps[s]),
        });
    }
    sources.sort_by(|a, b| a.source.cmp(&b.source));
    Ok(SpanReport {
        from_ns,
        to_ns,
        records,
        sources,
        unreadable,
        blocks: blocks.len(),
        blocks_decoded: order.len(),
    })
}

/// Do the headers alone prove that the source has no silence longer than
/// `gap` in `[lo, hi]`? (See the module documentation.)
fn headers_decide(
    blocks: &[BlockRef],
    holds: &[usize],
    loose: &[i64],
    lo: i64,
    hi: i64,
    gap: i64,
) -> bool {
    // (start, end) of everything that may hold a record inside the window
    let mut v: Vec<(i64, i64)> = Vec::with_capacity(holds.len() + loose.len() + 2);
    for b in holds {
        let blk = blocks[*b];
        if blk.hi < lo || blk.lo > hi {
            continue;
        }
        // across an edge (the record may lie outside) or too long: undecided
        if blk.lo < lo || blk.hi > hi || blk.hi.saturating_sub(blk.lo) > gap {
            return false;
        }
        v.push((blk.lo, blk.hi));
    }
    v.extend(
        loose
            .iter()
            .filter(|t| **t >= lo && **t <= hi)
            .map(|t| (*t, *t)),
    );
    v.push((lo, lo));
    v.push((hi, hi));
    v.sort_unstable();
    v.windows(2).all(|w| w[1].1.saturating_sub(w[0].0) <= gap)
}

/// Sorted times → runs whose consecutive times are at most `gap` apart.
fn make_runs(mut times: Vec<i64>, gap: i64) -> Vec<(i64, i64)> {
    times.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::new();
    for t in times {
        match out.last_mut() {
            Some(r) if t.saturating_sub(r.1) <= gap => r.1 = t,
            _ => out.push((t, t)),
        }
    }
    out
}

/// The stretches of `[lo, hi]` longer than `gap` that no run covers; the
/// window edges count as records.
fn silences(mut runs: Vec<(i64, i64)>, lo: i64, hi: i64, gap: i64) -> Vec<Gap> {
    runs.retain(|r| r.1 >= lo && r.0 <= hi);
    runs.sort_unstable();
    let mut out = Vec::new();
    let mut reach = lo;
    let mut seen = false;
    for (a, b) in runs {
        let a = a.max(lo);
        let b = b.min(hi);
        if a.saturating_sub(reach) > gap {
            out.push(Gap {
                from_ns: reach,
                to_ns: a,
                at_start: !seen,
                at_end: false,
            });
        }
        seen = true;
        reach = reach.max(b);
    }
    if hi.saturating_sub(reach) > gap {
        out.push(Gap {
            from_ns: reach,
            to_ns: hi,
            at_start: !seen,
            at_end: true,
        });
    }
    out
}

/// Per source found in a block: (source, first, last, runs if wanted).
type Found = Vec<(usize, i64, i64, Vec<(i64, i64)>)>;

/// Read the time columns of `order`'s blocks on every core and reduce each
/// to what the sources need.
fn read_blocks(
    store: &Store,
    blocks: &[BlockRef],
    order: &[usize],
    index: &HashMap<String, usize>,
    gaps: &[i64],
    wanted: &[bool],
) -> Vec<std::result::Result<Found, String>> {
    let read = |b: usize| -> std::result::Result<Found, String> {
        let blk = blocks[b];
        let seg = &store.segments()[blk.segment];
        let (h, comp) = seg
            .file
            .read_block_header(blk.block)
            .map_err(|e| e.to_string())?;
        let t = crate::block::receive_times(&h, &comp).map_err(str::to_owned)?;
        Ok(reduce(&t, index, gaps, wanted))
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(8);
    if threads <= 1 || order.len() < 4 {
        return order.iter().map(|b| read(*b)).collect();
    }
    // interleaved, so that every thread gets blocks from all over the store
    let mut slots: Vec<Option<std::result::Result<Found, String>>> =
        (0..order.len()).map(|_| None).collect();
    std::thread::scope(|sc| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let read = &read;
                sc.spawn(move || {
                    (k..order.len())
                        .step_by(threads)
                        .map(|i| (i, read(order[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            if let Ok(v) = h.join() {
                for (i, r) in v {
                    slots[i] = Some(r);
                }
            }
        }
    });
    slots
        .into_iter()
        .map(|s| s.unwrap_or_else(|| Err("reader thread failed".to_owned())))
        .collect()
}

fn reduce(t: &BlockTimes, index: &HashMap<String, usize>, gaps: &[i64], wanted: &[bool]) -> Found {
    let map: Vec<Option<usize>> = t
        .sources
        .iter()
        .map(|n| {
            if n == INTERNAL_SOURCE {
                None
            } else {
                index.get(n).copied()
            }
        })
        .collect();
    let mut per: BTreeMap<usize, (i64, i64, Vec<i64>)> = BTreeMap::new();
    for (o, ns) in &t.times {
        let Some(Some(s)) = map.get(*o as usize) else {
            continue;
        };
        let e = per.entry(*s).or_insert((*ns, *ns, Vec::new()));
        e.0 = e.0.min(*ns);
        e.1 = e.1.max(*ns);
        if wanted[*s] {
            e.2.push(*ns);
        }
    }
    per.into_iter()
        .map(|(s, (lo, hi, times))| {
            let runs = if wanted[s] {
                make_runs(times, gaps[s])
            } else {
                Vec::new()
            };
            (s, lo, hi, runs)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_silences() {
        assert_eq!(
            make_runs(vec![5, 1, 2, 10, 11], 2),
            vec![(1, 2), (5, 5), (10, 11)]
        );
        assert_eq!(make_runs(vec![5, 1, 2, 10, 11], 3), vec![(1, 5), (10, 11)]);
        // window [0, 20], gap 3: silences 0..1 no; 5..10 yes; 11..20 yes (at the end)
        let g = silences(vec![(1, 5), (10, 11)], 0, 20, 3);
        assert_eq!(
            g,
            vec![
                Gap {
                    from_ns: 5,
                    to_ns: 10,
                    at_start: false,
                    at_end: false
                },
                Gap {
                    from_ns: 11,
                    to_ns: 20,
                    at_start: false,
                    at_end: true
                },
            ]
        );
        // nothing: one silence over the whole window
        assert_eq!(
            silences(vec![], 0, 20, 3),
            vec![Gap {
                from_ns: 0,
                to_ns: 20,
                at_start: true,
                at_end: true
            }]
        );
        // a run across the start edge covers it
        assert!(silences(vec![(-5, 2), (4, 20)], 0, 20, 3).is_empty());
    }
}
