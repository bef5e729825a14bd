//! Aggregated results: per asset (file, column, key path, table column)
//! counts, distinct values and distinct persons.

use std::collections::BTreeMap;

use crate::kind::{Finding, Kind, Masked};

/// A set of 64-bit value hashes, for exact distinct counts. Inserts go to
/// an unsorted buffer that is sorted, deduplicated and merged into a sorted
/// list when it holds as many as the list (at least 4096): appends and
/// sequential merges instead of a random hash-table access per finding, and
/// unions of sets are linear merges.
#[derive(Debug, Clone, Default)]
struct Distinct {
    /// Sorted, without duplicates.
    sorted: Vec<u64>,
    /// Not yet merged (unsorted, may repeat).
    pending: Vec<u64>,
}

impl Distinct {
    fn insert(&mut self, h: u64) {
        self.pending.push(h);
        if self.pending.len() >= self.sorted.len().max(4096) {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.pending.sort_unstable();
        self.pending.dedup();
        if self.sorted.is_empty() {
            std::mem::swap(&mut self.sorted, &mut self.pending);
        } else {
            self.sorted = merge_sorted(&self.sorted, &self.pending);
        }
        self.pending.clear();
    }

    /// The pending values, sorted and deduplicated (a copy).
    fn pending_sorted(&self) -> Vec<u64> {
        let mut p = self.pending.clone();
        p.sort_unstable();
        p.dedup();
        p
    }

    fn len(&self) -> usize {
        if self.pending.is_empty() {
            return self.sorted.len();
        }
        let p = self.pending_sorted();
        self.sorted.len()
            + p.iter()
                .filter(|h| self.sorted.binary_search(h).is_err())
                .count()
    }

    fn is_empty(&self) -> bool {
        self.sorted.is_empty() && self.pending.is_empty()
    }

    /// `self ∪= other`.
    fn union(&mut self, other: &Distinct) {
        if other.is_empty() {
            return;
        }
        self.flush();
        let o = if other.pending.is_empty() {
            merge_sorted(&self.sorted, &other.sorted)
        } else {
            merge_sorted(
                &self.sorted,
                &merge_sorted(&other.sorted, &other.pending_sorted()),
            )
        };
        self.sorted = o;
    }
}

/// The sorted union of two sorted lists without duplicates.
fn merge_sorted(a: &[u64], b: &[u64]) -> Vec<u64> {
    if a.is_empty() {
        return b.to_vec();
    }
    if b.is_empty() {
        return a.to_vec();
    }
    let mut out = vec![0u64; a.len() + b.len()];
    let (mut i, mut j, mut k) = (0, 0, 0);
    while let (Some(&x), Some(&y), Some(o)) = (a.get(i), b.get(j), out.get_mut(k)) {
        // branch-free: equal values are written once
        *o = x.min(y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
        k += 1;
    }
    let (ra, rb) = (&a[i..], &b[j..]);
    out[k..k + ra.len()].copy_from_slice(ra);
    k += ra.len();
    out[k..k + rb.len()].copy_from_slice(rb);
    out.truncate(k + rb.len());
    out
}

/// Counts of one kind in one asset.
#[derive(Debug, Clone, Default)]
pub struct KindStats {
    /// Raw (not de-identified) findings.
    pub count: u64,
    /// Findings already masked in the source (`138****8000`).
    pub deidentified: u64,
    /// Resident IDs of persons under 14.
    pub minors: u64,
    /// `92…` USCCs (individual businesses, tied to a person).
    pub individual: u64,
    /// Highest confidence seen.
    pub max_confidence: u8,
    /// A masked sample value (the first raw one seen).
    pub sample: Option<Masked>,
    distinct: Distinct,
}

impl KindStats {
    /// Distinct raw values.
    pub fn distinct(&self) -> u64 {
        self.distinct.len() as u64
    }

    /// Count a finding of this kind; whether it is raw (not de-identified).
    #[inline]
    fn count_finding(&mut self, f: &Finding) -> bool {
        if f.is_deidentified() {
            self.deidentified += 1;
            return false;
        }
        self.count += 1;
        self.max_confidence = self.max_confidence.max(f.confidence);
        if f.is_minor() {
            self.minors += 1;
        }
        if f.flags & crate::kind::flags::INDIVIDUAL != 0 {
            self.individual += 1;
        }
        if self.sample.is_none() {
            self.sample = Some(f.masked);
        }
        self.distinct.insert(f.hash);
        true
    }
}

/// An [`Asset`] being filled from a file or stream, finding by finding: the
/// per-kind counts sit in an array indexed by kind (no map search per
/// finding) until [`Staged::finish`] moves them into [`Asset::kinds`]. The
/// counts are those of [`Asset::add`].
#[derive(Debug)]
pub(crate) struct Staged {
    /// The asset (its `kinds` are filled by [`Staged::finish`]).
    pub(crate) asset: Asset,
    kinds: Box<[Option<KindStats>; Kind::ALL.len()]>,
}

impl Staged {
    /// Stage counts for `asset`.
    pub(crate) fn new(asset: Asset) -> Staged {
        Staged {
            asset,
            kinds: Box::new(std::array::from_fn(|_| None)),
        }
    }

    /// Count a finding (as [`Asset::add`]).
    #[inline]
    pub(crate) fn add(&mut self, f: &Finding) {
        match self.kinds.get_mut(f.kind as usize) {
            Some(slot) => {
                let k = slot.get_or_insert_with(KindStats::default);
                if k.count_finding(f) && f.person != 0 {
                    self.asset.persons.insert(f.person);
                }
            }
            None => self.asset.add(f),
        }
    }

    /// The asset with the staged counts.
    pub(crate) fn finish(mut self) -> Asset {
        for kind in Kind::ALL {
            if let Some(k) = self.kinds.get_mut(kind as usize).and_then(Option::take) {
                self.asset.kinds.insert(kind, k);
            }
        }
        self.asset
    }
}

/// One asset: a whole file or stream, a column, a JSON key path or a table column.
#[derive(Debug, Clone, Default)]
pub struct Asset {
    /// The dataset it belongs to: a path (archive members as `a.gz`), a
    /// table (`db/schema.table`), or `vault:<source>`.
    pub source: String,
    /// Field within the source (CSV column, JSON key path, SQL column);
    /// `None` for free text.
    pub field: Option<String>,
    /// Per kind counts.
    pub kinds: BTreeMap<Kind, KindStats>,
    persons: Distinct,
}

impl Asset {
    /// A new empty asset.
    pub fn new(source: impl Into<String>, field: Option<String>) -> Asset {
        Asset {
            source: source.into(),
            field,
            ..Asset::default()
        }
    }

    /// Count a finding.
    pub fn add(&mut self, f: &Finding) {
        let k = self.kinds.entry(f.kind).or_default();
        if k.count_finding(f) && f.person != 0 {
            self.persons.insert(f.person);
        }
    }

    /// Merge another asset's counts into this one.
    pub fn merge(&mut self, other: &Asset) {
        for (kind, o) in &other.kinds {
            let k = self.kinds.entry(*kind).or_default();
            k.count += o.count;
            k.deidentified += o.deidentified;
            k.minors += o.minors;
            k.individual += o.individual;
            k.max_confidence = k.max_confidence.max(o.max_confidence);
            if k.sample.is_none() {
                k.sample = o.sample;
            }
            k.distinct.union(&o.distinct);
        }
        self.persons.union(&other.persons);
    }

    /// Merge buffered hashes (makes the distinct counts cheap to read).
    pub(crate) fn compact(&mut self) {
        for k in self.kinds.values_mut() {
            k.distinct.flush();
        }
        self.persons.flush();
    }

    /// Distinct persons identified by resident ID number.
    pub fn persons_by_id(&self) -> u64 {
        self.persons.len() as u64
    }

    /// Distinct persons: by resident ID when any, else an estimate (the
    /// largest distinct count among mobile, e-mail, bank card, passport and
    /// name). The second value says whether it is an estimate.
    pub fn persons(&self) -> (u64, bool) {
        if !self.persons.is_empty() {
            return (self.persons.len() as u64, false);
        }
        let est = [
            Kind::CnMobile,
            Kind::Email,
            Kind::BankCard,
            Kind::Passport,
            Kind::CnName,
            Kind::TravelPermit,
        ]
        .iter()
        .filter_map(|k| self.kinds.get(k))
        .map(KindStats::distinct)
        .max()
        .unwrap_or(0);
        (est, true)
    }

    /// Whether any raw (not de-identified) finding was counted.
    pub fn has_raw(&self) -> bool {
        self.kinds.values().any(|k| k.count > 0)
    }
}

/// A file, table or record that could not be scanned.
#[derive(Debug, Clone)]
pub struct Skipped {
    /// What (path, table).
    pub source: String,
    /// Why (lowercase, no personal data).
    pub reason: String,
}

/// The result of a scan.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Assets with at least one finding, sorted by source and field.
    pub assets: Vec<Asset>,
    /// Sources (files, tables, streams) scanned.
    pub sources: u64,
    /// Bytes scanned (decompressed).
    pub bytes: u64,
    /// Records scanned where records exist (rows, lines).
    pub rows: u64,
    /// What could not be scanned, and why.
    pub skipped: Vec<Skipped>,
}

impl Report {
    /// Sort assets deterministically.
    pub fn sort(&mut self) {
        for a in &mut self.assets {
            a.compact();
        }
        self.assets
            .sort_by(|a, b| (&a.source, &a.field).cmp(&(&b.source, &b.field)));
        self.skipped.sort_by(|a, b| a.source.cmp(&b.source));
    }

    /// Merge another report into this one.
    pub fn extend(&mut self, other: Report) {
        self.assets.extend(other.assets);
        self.sources += other.sources;
        self.bytes += other.bytes;
        self.rows += other.rows;
        self.skipped.extend(other.skipped);
    }

    /// Datasets (sources) with their assets merged, in order.
    pub fn datasets(&self) -> Vec<Asset> {
        let mut out: BTreeMap<&str, Asset> = BTreeMap::new();
        for a in &self.assets {
            out.entry(&a.source)
                .or_insert_with(|| Asset::new(a.source.clone(), None))
                .merge(a);
        }
        out.into_values().collect()
    }

    /// Everything merged into one asset (the whole scan).
    pub fn total(&self) -> Asset {
        let mut t = Asset::new("*", None);
        for a in &self.assets {
            t.merge(a);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Staged counts are the counts of `Asset::add`, for every kind.
    #[test]
    fn staged_counts_equal_asset_add() {
        use crate::kind::{Masked, flags};
        let mut plain = Asset::new("s", None);
        let mut staged = Staged::new(Asset::new("s", None));
        let mut seed = 11u64;
        for n in 0..20_000u64 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let r = seed >> 20;
            let kind = Kind::ALL[(r % Kind::ALL.len() as u64) as usize];
            let fl =
                [0, flags::DEIDENTIFIED, flags::MINOR, flags::INDIVIDUAL][(r >> 8) as usize % 4];
            let f = Finding {
                kind,
                start: n,
                end: n + 1,
                confidence: (r >> 12) as u8 % 100,
                flags: fl,
                hash: (r >> 16) % 3000,
                person: if kind == Kind::CnId {
                    (r >> 16) % 500
                } else {
                    0
                },
                masked: Masked::new(&format!("m{}", r % 7)),
            };
            plain.add(&f);
            staged.add(&f);
        }
        let staged = staged.finish();
        let show = |a: &Asset| {
            let kinds: Vec<_> = a
                .kinds
                .iter()
                .map(|(k, s)| {
                    (
                        *k,
                        s.count,
                        s.deidentified,
                        s.minors,
                        s.individual,
                        s.max_confidence,
                        s.sample,
                        s.distinct(),
                    )
                })
                .collect();
            (kinds, a.persons_by_id())
        };
        assert_eq!(show(&plain), show(&staged));
    }

    /// Distinct counts are exact across buffered inserts, flushes and unions.
    #[test]
    fn distinct_counts_are_exact() {
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % 20_000
        };
        let (mut a, mut b) = (Distinct::default(), Distinct::default());
        let (mut sa, mut sb) = (
            std::collections::HashSet::new(),
            std::collections::HashSet::new(),
        );
        for n in 0..50_000 {
            let (x, y) = (next(), next());
            a.insert(x);
            sa.insert(x);
            if n % 3 == 0 {
                b.insert(y);
                sb.insert(y);
            }
            if n % 9_999 == 0 {
                assert_eq!(a.len(), sa.len());
                assert_eq!(b.len(), sb.len());
            }
        }
        assert_eq!(a.len(), sa.len());
        let mut u = a.clone();
        u.union(&b);
        sa.extend(&sb);
        assert_eq!(u.len(), sa.len());
        u.flush();
        assert_eq!(u.len(), sa.len());
        let mut e = Distinct::default();
        e.union(&b);
        assert_eq!(e.len(), sb.len());
    }
}
