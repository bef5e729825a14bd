//! Coverage: per source, what the vault holds over the retention window —
//! the evidence for the six-month duty (CSL-2025 art. 23(3), CSL-2016 art. 21(3)).
//!
//! For every source: first and last record, record counts per calendar day
//! (UTC) over the retention window, the silences longer than a threshold,
//! and whether the source is covered without such a silence over the whole
//! window and over the last six calendar months.
//!
//! Times are **receive times**: what the operator received and kept, not the
//! (untrusted, often missing) event time inside the record. The window is
//! `[at − retention, at]`, computed in calendar months like prune's cutoff
//! (31 Aug − 6 months = 28 Feb, or 29 Feb in a leap year). A silence is the
//! stretch between two consecutive records of the source, with the window
//! edges acting as records (a silence that starts before the window counts
//! only from the window start). Records of the vault's own source
//! ([`crate::INTERNAL_SOURCE`]) are left out: it writes only on prune and
//! recovery.

use std::collections::BTreeMap;

use time::{Date, Duration, OffsetDateTime};

use crate::config::Retention;
use crate::store::{INTERNAL_SOURCE, Store};
use crate::{Error, ErrorKind, Result};

/// The legal minimum the `six_months` verdict checks.
pub const SIX_MONTHS: Retention = Retention::Months(6);

/// Default silence threshold: one hour.
pub const DEFAULT_GAP: Duration = Duration::hours(1);

/// Options of [`coverage`].
#[derive(Debug, Clone)]
pub struct CoverageOptions {
    /// The instant coverage is judged at (the window ends here). Its UTC
    /// offset sets the calendar: months are counted and days bucketed in
    /// that offset (e.g. `+08:00` for China Standard Time).
    pub at: OffsetDateTime,
    /// Silences longer than this are gaps.
    pub gap: Duration,
    /// Window length; `None` = the store's retention.
    pub window: Option<Retention>,
}

impl CoverageOptions {
    /// Judge at `at` with the default gap and the store's retention.
    pub fn at(at: OffsetDateTime) -> CoverageOptions {
        CoverageOptions {
            at,
            gap: DEFAULT_GAP,
            window: None,
        }
    }
}

/// A silence longer than the threshold, clipped to the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    /// Start (ns): the last record before it, or the window start.
    pub from_ns: i64,
    /// End (ns): the next record, or the end of the window.
    pub to_ns: i64,
    /// Whether no record of the source precedes it inside the window.
    pub at_start: bool,
    /// Whether no record of the source follows it inside the window.
    pub at_end: bool,
}

impl Gap {
    /// Length.
    pub fn duration(&self) -> Duration {
        Duration::nanoseconds(self.to_ns.saturating_sub(self.from_ns))
    }
}

/// Coverage of one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCoverage {
    /// Source name.
    pub source: String,
    /// All records of the source in the store (any time).
    pub records: u64,
    /// Earliest receive time (ns) of any record.
    pub first_ns: i64,
    /// Latest receive time (ns) of any record.
    pub last_ns: i64,
    /// Records inside the window.
    pub in_window: u64,
    /// Records per calendar day (in the offset of [`CoverageOptions::at`]), every
    /// day of the window in order, zeros included.
    pub days: Vec<(Date, u64)>,
    /// Silences longer than the threshold inside the window, in time order.
    pub gaps: Vec<Gap>,
    /// No gap over the whole window.
    pub covers_window: bool,
    /// No gap over the last six calendar months (the legal minimum).
    pub six_months: bool,
}

/// Result of [`coverage`].
#[derive(Debug, Clone)]
pub struct CoverageReport {
    /// When coverage was judged (ns): the window's end.
    pub at_ns: i64,
    /// The window's start (ns).
    pub window_start_ns: i64,
    /// Start of the last six calendar months (ns).
    pub six_months_start_ns: i64,
    /// The window's length.
    pub window: Retention,
    /// UTC offset of the calendar (days and months).
    pub utc_offset: time::UtcOffset,
    /// The silence threshold.
    pub gap: Duration,
    /// Records read.
    pub records: u64,
    /// Per source, sorted by name.
    pub sources: Vec<SourceCoverage>,
    /// Files and blocks that could not be read (and why): coverage is then unproven.
    pub unreadable: Vec<String>,
}

impl CoverageReport {
    /// Every source covers the window, at least one source exists, and every block was read.
    pub fn all_covered(&self) -> bool {
        !self.sources.is_empty()
            && self.unreadable.is_empty()
            && self.sources.iter().all(|s| s.covers_window)
    }
}

#[derive(Default)]
struct Acc {
    records: u64,
    first: i64,
    last: i64,
    /// Receive times inside the window (sorted at the end).
    times: Vec<i64>,
}

/// Compute coverage of every source of `store`. Reads every block (the
/// records are decompressed, not parsed). `progress` is called with the
/// number of records read so far.
pub fn coverage(
    store: &Store,
    opts: &CoverageOptions,
    progress: Option<&dyn Fn(u64)>,
) -> Result<CoverageReport> {
    if opts.gap <= Duration::ZERO {
        return Err(Error::new(
            ErrorKind::Config,
            "coverage gap threshold must be positive",
        ));
    }
    let window = opts.window.unwrap_or(store.retention());
    let at = opts.at;
    let at_ns = crate::clock::to_ns(at);
    let out_of_range = || {
        Error::new(
            ErrorKind::OutOfRange,
            format!(
                "coverage at {}: the window of {window} before it is outside the calendar",
                crate::clock::rfc3339(at)
            ),
        )
    };
    let start = window.cutoff(at).ok_or_else(out_of_range)?;
    let start_ns = crate::clock::to_ns(start);
    let six_start_ns =
        crate::clock::to_ns(SIX_MONTHS.cutoff(at).ok_or_else(out_of_range)?).max(start_ns);
    let mut acc: BTreeMap<String, Acc> = BTreeMap::new();
    let mut n = 0u64;
    let mut unreadable: Vec<String> = store
        .bad_files()
        .iter()
        .map(|b| format!("{}: {}", b.path.display(), b.reason))
        .collect();
    let mut add = |source: &str, t: i64| {
        if source == INTERNAL_SOURCE {
            return;
        }
        let a = match acc.get_mut(source) {
            Some(a) => a,
            None => acc.entry(source.to_owned()).or_insert_with(|| Acc {
                first: i64::MAX,
                last: i64::MIN,
                ..Acc::default()
            }),
        };
        a.records += 1;
        a.first = a.first.min(t);
        a.last = a.last.max(t);
        if t >= start_ns && t <= at_ns {
            a.times.push(t);
        }
    };
    for s in store.segments() {
        for (i, _) in s.file.footer.blocks.iter().enumerate() {
            match s.file.read_block(i) {
                Ok((_, d)) => {
                    for r in d.records() {
                        match r {
                            Ok(r) => {
                                add(r.source, r.received_ns);
                                n += 1;
                            }
                            Err(e) => {
                                unreadable.push(format!("{} block {i}: {e}", s.name));
                                break;
                            }
                        }
                    }
                }
                Err(e) => unreadable.push(format!("{} block {i}: {e}", s.name)),
            }
            if let Some(p) = progress {
                p(n);
            }
        }
    }
    for r in store.unsealed() {
        add(&r.source, r.received_ns);
        n += 1;
    }
    if let Some(p) = progress {
        p(n);
    }
    let gap_ns = i64::try_from(opts.gap.whole_nanoseconds()).unwrap_or(i64::MAX);
    let offset = at.offset();
    let first_day = start.date();
    let last_day = at.date();
    let sources = acc
        .into_iter()
        .map(|(source, mut a)| {
            a.times.sort_unstable();
            let gaps = find_gaps(&a.times, start_ns, at_ns, gap_ns);
            let six = find_gaps(&a.times, six_start_ns, at_ns, gap_ns);
            let mut days = Vec::new();
            let mut d = first_day;
            let mut idx = 0usize;
            loop {
                let next = d.next_day();
                let end_ns = next.map_or(i64::MAX, |nd| {
                    crate::clock::to_ns(nd.midnight().assume_offset(offset))
                });
                let from = idx;
                while idx < a.times.len() && a.times[idx] < end_ns {
                    idx += 1;
                }
                days.push((d, (idx - from) as u64));
                match next {
                    Some(nd) if nd <= last_day => d = nd,
                    _ => break,
                }
            }
            SourceCoverage {
                source,
                records: a.records,
                first_ns: a.first,
                last_ns: a.last,
                in_window: a.times.len() as u64,
                days,
                covers_window: gaps.is_empty(),
                six_months: six.is_empty(),
                gaps,
            }
        })
        .collect();
    Ok(CoverageReport {
        at_ns,
        window_start_ns: start_ns,
        six_months_start_ns: six_start_ns,
        window,
        utc_offset: offset,
        gap: opts.gap,
        records: n,
        sources,
        unreadable,
    })
}

/// Silences longer than `gap` in `[lo, hi]`, given sorted times; the window
/// edges count as records.
fn find_gaps(times: &[i64], lo: i64, hi: i64, gap: i64) -> Vec<Gap> {
    let a = times.partition_point(|t| *t < lo);
    let b = times.partition_point(|t| *t <= hi);
    let inside = &times[a..b];
    let mut out = Vec::new();
    let mut prev = lo;
    let mut at_start = true;
    for &t in inside {
        if t.saturating_sub(prev) > gap {
            out.push(Gap {
                from_ns: prev,
                to_ns: t,
                at_start,
                at_end: false,
            });
        }
        prev = t;
        at_start = false;
    }
    if hi.saturating_sub(prev) > gap {
        out.push(Gap {
            from_ns: prev,
            to_ns: hi,
            at_start,
            at_end: true,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_use_window_edges() {
        let h = 3_600_000_000_000i64;
        // window [0, 10h], records at 0.5h, 1h, 4h, 9.5h
        let t = [h / 2, h, 4 * h, 9 * h + h / 2];
        let g = find_gaps(&t, 0, 10 * h, h);
        assert_eq!(
            g,
            vec![
                Gap {
                    from_ns: h,
                    to_ns: 4 * h,
                    at_start: false,
                    at_end: false
                },
                Gap {
                    from_ns: 4 * h,
                    to_ns: 9 * h + h / 2,
                    at_start: false,
                    at_end: false
                }
            ]
        );
        // nothing inside: one gap over the whole window
        let g = find_gaps(&[], 0, 10 * h, h);
        assert_eq!(g.len(), 1);
        assert!(g[0].at_start && g[0].at_end);
        // records outside the window do not close gaps inside
        let g = find_gaps(&[-1, 11 * h], 0, 10 * h, h);
        assert_eq!(g.len(), 1);
        // exactly the threshold is not a gap
        assert!(find_gaps(&[h, 2 * h], 0, 3 * h, h).is_empty());
    }
}
