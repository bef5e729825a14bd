//! Coverage from metadata: per source, the silences longer than a threshold
//! inside a window, found from the block headers (sources, earliest and
//! latest receive time) and decompressing only the blocks that the headers
//! cannot decide.
//!
//! [`crate::coverage()`] reads every record; on a large vault that is every
//! block decompressed. Here each block that holds a source is only known to
//! hold *at least one* of its records somewhere in `[min_recv, max_recv]`.
//! For one source, take those intervals in order of their start: if every
//! interval is at most the threshold long and each interval ends at most the
//! threshold after the start of the one before, no silence of the source can
//! be longer than the threshold (a silence from record `x` to record `y`
//! lies between the last interval starting at or before `x` and the next,
//! which ends at or after `y`). Where that test fails, the blocks involved
//! are decompressed and their intervals replaced by the exact receive times
//! of the source's records; the test is repeated until it passes or fails
//! only between exact times with nothing undecided in between — a real
//! silence. The first and last block of every source are read too, so its
//! first and last record are exact. The result equals what
//! [`crate::coverage()`] finds for the same window and threshold (a
//! property test checks it).
//!
//! Times are receive times; the window edges count as records, as in
//! [`crate::coverage()`]. Records of [`crate::INTERNAL_SOURCE`] are left out.

use std::collections::{BTreeMap, HashMap, HashSet};

use time::{Duration, OffsetDateTime};

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
    /// Blocks that had to be decompressed.
    pub blocks_decoded: usize,
}

/// A block or the unsealed records: where an interval came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct BlockId {
    segment: usize,
    block: usize,
}

#[derive(Debug, Clone, Copy)]
struct Item {
    lo: i64,
    hi: i64,
    /// `None`: an exact receive time (decoded or unsealed).
    block: Option<usize>,
    /// 0 the window's start edge, 2 its end edge, 1 a record or block.
    edge: u8,
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
    let mut unreadable: Vec<String> = store
        .bad_files()
        .iter()
        .map(|b| format!("{}: {}", b.path.display(), b.reason))
        .collect();
    let gap_of = |src: &str| -> Result<i64> {
        let g = opts.gaps.get(src).copied().unwrap_or(opts.gap);
        if g <= Duration::ZERO {
            return Err(Error::new(
                ErrorKind::Config,
                "coverage gap threshold must be positive",
            ));
        }
        Ok(i64::try_from(g.whole_nanoseconds()).unwrap_or(i64::MAX))
    };
    gap_of("")?;

    // the blocks, from their headers
    let mut blocks: Vec<BlockId> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut items: Vec<Vec<Item>> = Vec::new();
    let mut records = 0u64;
    let mut intern = |name: &str, names: &mut Vec<String>, items: &mut Vec<Vec<Item>>| -> usize {
        if let Some(i) = index.get(name) {
            return *i;
        }
        let i = names.len();
        names.push(name.to_owned());
        items.push(Vec::new());
        index.insert(name.to_owned(), i);
        i
    };
    for (si, seg) in store.segments().iter().enumerate() {
        match seg.file.block_headers() {
            Ok(headers) => {
                for (bi, h) in headers.iter().enumerate() {
                    records += u64::from(h.count);
                    let id = blocks.len();
                    blocks.push(BlockId {
                        segment: si,
                        block: bi,
                    });
                    for src in &h.sources {
                        if src == INTERNAL_SOURCE {
                            continue;
                        }
                        let s = intern(src, &mut names, &mut items);
                        items[s].push(Item {
                            lo: h.min_recv,
                            hi: h.max_recv,
                            block: Some(id),
                            edge: 1,
                        });
                    }
                }
            }
            Err(e) => unreadable.push(format!("{}: {e}", seg.name)),
        }
    }
    for r in store.unsealed() {
        records += 1;
        if r.source == INTERNAL_SOURCE {
            continue;
        }
        let s = intern(&r.source, &mut names, &mut items);
        items[s].push(Item {
            lo: r.received_ns,
            hi: r.received_ns,
            block: None,
            edge: 1,
        });
    }
    let gaps: Vec<i64> = names.iter().map(|n| gap_of(n)).collect::<Result<_>>()?;

    // decide, decoding what the headers cannot
    let mut decoded: HashSet<usize> = HashSet::new();
    let mut first_round = true;
    loop {
        let mut suspects: HashSet<usize> = HashSet::new();
        for (s, its) in items.iter().enumerate() {
            if first_round {
                // the first and last block of the source: exact first and last record
                if let Some(b) = its.iter().min_by_key(|i| i.lo).and_then(|i| i.block) {
                    suspects.insert(b);
                }
                if let Some(b) = its.iter().max_by_key(|i| i.hi).and_then(|i| i.block) {
                    suspects.insert(b);
                }
            }
            check(its, from_ns, to_ns, gaps[s], &mut suspects, None);
        }
        first_round = false;
        suspects.retain(|b| !decoded.contains(b));
        if suspects.is_empty() {
            break;
        }
        let mut order: Vec<usize> = suspects.into_iter().collect();
        order.sort_unstable();
        // exact times of every source in the decoded blocks: only the
        // per-record time column is decompressed, on every core
        let read = read_times(store, &blocks, &order);
        let mut exact: Vec<(usize, i64)> = Vec::new();
        for (b, r) in order.iter().zip(read) {
            decoded.insert(*b);
            let id = blocks[*b];
            let seg = &store.segments()[id.segment];
            match r {
                Ok(t) => {
                    let map: Vec<Option<usize>> = t
                        .sources
                        .iter()
                        .map(|name| {
                            if name == INTERNAL_SOURCE {
                                None
                            } else {
                                index.get(name).copied()
                            }
                        })
                        .collect();
                    for (o, ns) in t.times {
                        if let Some(Some(s)) = map.get(o as usize) {
                            exact.push((*s, ns));
                        }
                    }
                }
                Err(e) => unreadable.push(format!("{} block {}: {e}", seg.name, id.block)),
            }
        }
        let done: HashSet<usize> = order.into_iter().collect();
        for its in &mut items {
            its.retain(|i| i.block.is_none_or(|b| !done.contains(&b)));
        }
        for (s, t) in exact {
            items[s].push(Item {
                lo: t,
                hi: t,
                block: None,
                edge: 1,
            });
        }
    }

    let mut sources: Vec<SourceSpan> = names
        .iter()
        .enumerate()
        .filter(|(s, _)| !items[*s].is_empty())
        .map(|(s, name)| {
            let its = &items[s];
            let mut found = Vec::new();
            check(
                its,
                from_ns,
                to_ns,
                gaps[s],
                &mut HashSet::new(),
                Some(&mut found),
            );
            SourceSpan {
                source: name.clone(),
                first_ns: its.iter().map(|i| i.lo).min().unwrap_or(i64::MAX),
                last_ns: its.iter().map(|i| i.hi).max().unwrap_or(i64::MIN),
                gaps: found,
                gap: Duration::nanoseconds(gaps[s]),
            }
        })
        .collect();
    sources.sort_by(|a, b| a.source.cmp(&b.source));
    Ok(SpanReport {
        from_ns,
        to_ns,
        records,
        sources,
        unreadable,
        blocks: blocks.len(),
        blocks_decoded: decoded.len(),
    })
}

/// The time columns of `order`'s blocks, read on every core, in order.
fn read_times(
    store: &Store,
    blocks: &[BlockId],
    order: &[usize],
) -> Vec<std::result::Result<crate::block::BlockTimes, String>> {
    let read = |b: usize| -> std::result::Result<crate::block::BlockTimes, String> {
        let id = blocks[b];
        let seg = &store.segments()[id.segment];
        let (h, comp) = seg
            .file
            .read_block_header(id.block)
            .map_err(|e| e.to_string())?;
        crate::block::receive_times(&h, &comp).map_err(str::to_owned)
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(8);
    if threads <= 1 || order.len() < 4 {
        return order.iter().map(|b| read(*b)).collect();
    }
    let per = order.len().div_ceil(threads);
    std::thread::scope(|sc| {
        let handles: Vec<_> = order
            .chunks(per)
            .map(|chunk| sc.spawn(move || chunk.iter().map(|b| read(*b)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec![Err("reader thread failed".to_owned())])
            })
            .collect()
    })
}

/// Check one source's items against the window: add the blocks that must be
/// decoded to `suspects`; with `found`, record the silences between exact
/// times (call it once nothing is suspect).
fn check(
    items: &[Item],
    lo: i64,
    hi: i64,
    gap: i64,
    suspects: &mut HashSet<usize>,
    mut found: Option<&mut Vec<Gap>>,
) {
    // the items that may hold a record inside the window; those across an
    // edge are decided by decoding them
    let mut v: Vec<Item> = Vec::with_capacity(items.len() + 2);
    for i in items {
        if i.hi < lo || i.lo > hi {
            continue;
        }
        if let Some(b) = i.block
            && (i.lo < lo || i.hi > hi || i.hi.saturating_sub(i.lo) > gap)
        {
            suspects.insert(b);
        }
        v.push(*i);
    }
    // the window edges act as records
    v.push(Item {
        lo,
        hi: lo,
        block: None,
        edge: 0,
    });
    v.push(Item {
        lo: hi,
        hi,
        block: None,
        edge: 2,
    });
    v.sort_by_key(|i| (i.lo, i.edge, i.hi));
    for j in 0..v.len() - 1 {
        let (a, b) = (v[j], v[j + 1]);
        if b.hi.saturating_sub(a.lo) <= gap {
            continue;
        }
        match (a.block, b.block) {
            (None, None) => {
                // two exact times: a silence, unless an undecided block overlaps it
                let mut undecided = false;
                for k in (0..j).rev() {
                    let c = v[k];
                    if c.lo < a.lo.saturating_sub(gap) {
                        break;
                    }
                    if let Some(blk) = c.block
                        && c.hi > a.lo
                    {
                        suspects.insert(blk);
                        undecided = true;
                    }
                }
                if !undecided && let Some(out) = found.as_deref_mut() {
                    out.push(Gap {
                        from_ns: a.lo,
                        to_ns: b.lo,
                        at_start: a.edge == 0,
                        at_end: b.edge == 2,
                    });
                }
            }
            (x, y) => {
                suspects.extend(x);
                suspects.extend(y);
            }
        }
    }
}
