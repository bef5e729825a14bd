//! Aggregated results: per asset (file, column, key path, table column)
//! counts, distinct values and distinct persons.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::kind::{Finding, Kind, Masked};

/// A set of 64-bit value hashes, for exact distinct counts. Inserts are
/// appended after the sorted values; when as many are pending as are sorted
/// (at least 4096), the pending ones are sorted (one radix pass on the top
/// bits, then small sorts: the hashes are uniform) and merged in place from
/// the back. Appends and sequential passes instead of a random hash-table
/// access per finding; unions of sets are linear merges. Memory: room for
/// twice the distinct values (16 bytes each), plus a sorted copy of the
/// pending ones during a merge.
#[derive(Debug, Clone, Default)]
struct Distinct {
    /// `values[..sorted]` is sorted, without duplicates; `values[sorted..]`
    /// is pending (unsorted, may repeat).
    values: Vec<u64>,
    sorted: usize,
    /// `values.len()` at which the pending values are merged.
    limit: usize,
}

/// Pending values merged at once, at least.
const MIN_PENDING: usize = 4096;

impl Distinct {
    #[inline]
    fn insert(&mut self, h: u64) {
        self.values.push(h);
        if self.values.len() >= self.limit {
            self.flush();
            // room for the next pending values, once the set is large
            // (small sets, as in many-column tables, grow only as needed)
            if self.sorted >= MIN_PENDING {
                self.values
                    .reserve_exact(self.limit.saturating_sub(self.values.len()));
            }
        }
    }

    /// Merge the pending values into the sorted ones.
    fn flush(&mut self) {
        let s = self.sorted;
        if self.values.len() > s {
            let mut b = sort_pending(&self.values[s..]);
            b.dedup();
            let n = merge_back(&mut self.values, s, &b);
            self.values.truncate(n);
            self.sorted = n;
        }
        self.limit = self.sorted + self.sorted.max(MIN_PENDING);
    }

    /// The sorted values (all of them once flushed).
    fn sorted(&self) -> &[u64] {
        &self.values[..self.sorted]
    }

    /// The pending values, sorted and deduplicated (a copy).
    fn pending_sorted(&self) -> Vec<u64> {
        let mut p = sort_pending(&self.values[self.sorted..]);
        p.dedup();
        p
    }

    fn len(&self) -> usize {
        if self.values.len() == self.sorted {
            return self.sorted;
        }
        let p = self.pending_sorted();
        let sorted = self.sorted();
        sorted.len()
            + p.iter()
                .filter(|h| sorted.binary_search(h).is_err())
                .count()
    }

    fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// `self ∪= other`. A set much smaller than this one is appended as
    /// pending values (merged by the usual policy: many small unions into
    /// one set stay linear overall); a comparable one is merged at once.
    fn union(&mut self, other: &Distinct) {
        if other.is_empty() {
            return;
        }
        if self.is_empty() {
            self.clone_from(other);
            return;
        }
        if other.values.len().saturating_mul(8) < self.sorted {
            self.values.extend_from_slice(&other.values);
            if self.values.len() >= self.limit {
                self.flush();
            }
            return;
        }
        self.flush();
        *self = Distinct::from_sorted(merge_sorted(self.sorted(), &other.all_sorted()));
    }

    /// A set of `values` (sorted, without duplicates).
    fn from_sorted(values: Vec<u64>) -> Distinct {
        let sorted = values.len();
        Distinct {
            values,
            sorted,
            limit: sorted + sorted.max(MIN_PENDING),
        }
    }

    /// All the values, sorted and deduplicated (borrowed when none is
    /// pending).
    fn all_sorted(&self) -> Cow<'_, [u64]> {
        if self.values.len() == self.sorted {
            Cow::Borrowed(self.sorted())
        } else {
            Cow::Owned(merge_sorted(self.sorted(), &self.pending_sorted()))
        }
    }

    /// The union of `sets` in one new set: the two largest are merged
    /// straight into it (no copy of the first to merge into), the others
    /// added as [`Distinct::union`] adds them.
    fn union_all(sets: &[&Distinct]) -> Distinct {
        let mut sets: Vec<&Distinct> = sets.iter().copied().filter(|d| !d.is_empty()).collect();
        sets.sort_by_key(|d| std::cmp::Reverse(d.values.len()));
        let mut out = match sets.as_slice() {
            [] => return Distinct::default(),
            [one] => return (*one).clone(),
            [a, b, ..] => Distinct::from_sorted(merge_sorted(&a.all_sorted(), &b.all_sorted())),
        };
        for d in &sets[2..] {
            out.union(d);
        }
        out
    }
}

/// `v` sorted (a copy; duplicates kept). Uniformly distributed values (the
/// hashes) are spread into buckets by their top bits, about two per bucket,
/// and then sorted by insertion, which moves values only within their
/// bucket; input that is not uniform (insertion moving too much) falls back
/// to a comparison sort, so the worst case stays `O(n log n)`.
fn sort_pending(v: &[u64]) -> Vec<u64> {
    let n = v.len();
    if n < 256 || u32::try_from(n).is_err() {
        let mut out = v.to_vec();
        out.sort_unstable();
        return out;
    }
    // about two values per bucket, at most 2^16 buckets
    let bits = (usize::BITS - 1 - n.leading_zeros()).clamp(8, 17) - 1;
    let shift = 64 - bits;
    let mut at = vec![0u32; 1 << bits];
    for &h in v {
        if let Some(c) = at.get_mut((h >> shift) as usize) {
            *c += 1;
        }
    }
    // bucket starts
    let mut sum = 0;
    for c in &mut at {
        let k = *c;
        *c = sum;
        sum += k;
    }
    let mut out = vec![0u64; n];
    for &h in v {
        if let Some(c) = at.get_mut((h >> shift) as usize) {
            if let Some(o) = out.get_mut(*c as usize) {
                *o = h;
            }
            *c += 1;
        }
    }
    // insertion sort; values stay in their bucket
    let mut budget = 4 * n;
    for i in 1..n {
        let x = out[i];
        let mut j = i;
        while j > 0 && out[j - 1] > x {
            out[j] = out[j - 1];
            j -= 1;
        }
        out[j] = x;
        budget = budget.saturating_sub(i - j);
        if budget == 0 {
            out.sort_unstable();
            break;
        }
    }
    out
}

/// Merge the sorted, duplicate-free `b` into the sorted, duplicate-free
/// `v[..s]`, writing from the back into `v[..s + b.len()]` (its tail is
/// free); returns the length of the union, which ends up at the front.
fn merge_back(v: &mut Vec<u64>, s: usize, b: &[u64]) -> usize {
    let total = s + b.len();
    v.resize(total, 0);
    // the merged values go to v[k..total], taken from the back of v[..i]
    // and b[..j]; k >= i + j, so the unread part of v is never written
    let (mut i, mut j, mut k) = (s, b.len(), total);
    while let (Some(&x), Some(&y)) = (v.get(i.wrapping_sub(1)), b.get(j.wrapping_sub(1))) {
        // branch-free: the larger, from both when equal
        k -= 1;
        if let Some(o) = v.get_mut(k) {
            *o = x.max(y);
        }
        i -= usize::from(x >= y);
        j -= usize::from(y >= x);
    }
    // what is left of b is below everything written
    if let (Some(d), Some(r)) = (v.get_mut(k - j..k), b.get(..j)) {
        d.copy_from_slice(r);
    }
    k -= j;
    // v[..i] is below everything written: it stays where it is and the
    // written part moves down next to it (when equal values were merged)
    if k > i {
        v.copy_within(k..total, i);
    }
    i + (total - k)
}

/// The sorted union of two sorted lists without duplicates.
fn merge_sorted(a: &[u64], b: &[u64]) -> Vec<u64> {
    if a.is_empty() {
        return b.to_vec();
    }
    if b.is_empty() {
        return a.to_vec();
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    out.extend_from_slice(a);
    let n = merge_back(&mut out, a.len(), b);
    out.truncate(n);
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

    /// Add the counts of `o`, all but the distinct values.
    fn add_counts(&mut self, o: &KindStats) {
        self.count += o.count;
        self.deidentified += o.deidentified;
        self.minors += o.minors;
        self.individual += o.individual;
        self.max_confidence = self.max_confidence.max(o.max_confidence);
        if self.sample.is_none() {
            self.sample = o.sample;
        }
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
        self.minors += u64::from(f.is_minor());
        self.individual += u64::from(f.flags & crate::kind::flags::INDIVIDUAL != 0);
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

    /// Count findings (as [`Staged::add`] for each).
    pub(crate) fn add_run(&mut self, run: &[Finding]) {
        for f in run {
            self.add(f);
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

    /// The counts of `assets` merged into one new asset: what
    /// [`Asset::merge`] of each into an empty one gives, without copying a
    /// distinct set only to merge another into it.
    pub fn merged<'a>(
        source: impl Into<String>,
        field: Option<String>,
        assets: impl IntoIterator<Item = &'a Asset>,
    ) -> Asset {
        let assets: Vec<&Asset> = assets.into_iter().collect();
        let mut out = Asset::new(source, field);
        for kind in Kind::ALL {
            let stats: Vec<&KindStats> = assets.iter().filter_map(|a| a.kinds.get(&kind)).collect();
            if stats.is_empty() {
                continue;
            }
            let mut k = KindStats::default();
            for o in &stats {
                k.add_counts(o);
            }
            let sets: Vec<&Distinct> = stats.iter().map(|o| &o.distinct).collect();
            k.distinct = Distinct::union_all(&sets);
            out.kinds.insert(kind, k);
        }
        let persons: Vec<&Distinct> = assets.iter().map(|a| &a.persons).collect();
        out.persons = Distinct::union_all(&persons);
        out.compact();
        out
    }

    /// Merge another asset's counts into this one.
    pub fn merge(&mut self, other: &Asset) {
        for (kind, o) in &other.kinds {
            let k = self.kinds.entry(*kind).or_default();
            k.add_counts(o);
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

/// A file, table or record that was not scanned.
#[derive(Debug, Clone)]
pub struct Skipped {
    /// What (path, table).
    pub source: String,
    /// Why (lowercase, no personal data).
    pub reason: String,
    /// Whether it could not be read (an I/O error, a file that cannot be
    /// opened, a damaged archive or store), as opposed to left out on
    /// purpose (a binary file, a pipe met in a directory walk). A scan with
    /// unreadable inputs is incomplete: its grade covers only what was read.
    pub unreadable: bool,
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

    /// The inputs that could not be read ([`Skipped::unreadable`]).
    pub fn unreadable(&self) -> impl Iterator<Item = &Skipped> {
        self.skipped.iter().filter(|s| s.unreadable)
    }

    /// Merge another report into this one.
    pub fn extend(&mut self, other: Report) {
        self.assets.extend(other.assets);
        self.sources += other.sources;
        self.bytes += other.bytes;
        self.rows += other.rows;
        self.skipped.extend(other.skipped);
    }

    /// Datasets (sources) with their assets merged, in order. A dataset of
    /// one free-text asset (a plain file, a log source) is that asset,
    /// borrowed.
    pub fn datasets(&self) -> Vec<Cow<'_, Asset>> {
        let mut by: BTreeMap<&str, Vec<&Asset>> = BTreeMap::new();
        for a in &self.assets {
            by.entry(&a.source).or_default().push(a);
        }
        by.into_iter()
            .map(|(source, assets)| match assets.as_slice() {
                [one] if one.field.is_none() => Cow::Borrowed(*one),
                _ => Cow::Owned(Asset::merged(source, None, assets)),
            })
            .collect()
    }

    /// Everything merged into one asset (the whole scan).
    pub fn total(&self) -> Asset {
        Asset::merged("*", None, &self.assets)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// A seeded linear congruential sequence: the next state at each call.
    fn lcg(mut seed: u64) -> impl FnMut() -> u64 {
        move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            seed
        }
    }

    /// Staged counts are the counts of `Asset::add`, for every kind.
    #[test]
    fn staged_counts_equal_asset_add() {
        use crate::kind::{Masked, flags};
        let mut plain = Asset::new("s", None);
        let mut staged = Staged::new(Asset::new("s", None));
        let mut next = lcg(11);
        for n in 0..20_000u64 {
            let r = next() >> 20;
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

    /// Values for the set tests: `n` values below `2^bits`, shifted to the
    /// top (uniform-looking) or left at the bottom (all in one bucket).
    fn values(seed: u64, n: usize, bits: u32, top: bool) -> Vec<u64> {
        let mut s = seed | 1;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let x = (s ^ (s >> 29)) & (u64::MAX >> (64 - bits));
                if top { x << (64 - bits) } else { x }
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// The set holds what a `BTreeSet` holds: sizes, contents after a
        /// flush, and unions, for dense and sparse values, uniform or not.
        #[test]
        fn distinct_is_a_set(
            seed in proptest::prelude::any::<u64>(),
            n in 0usize..30_000,
            m in 0usize..10_000,
            bits in 1u32..=64,
            top in proptest::prelude::any::<bool>(),
            checks in 1usize..6,
        ) {
            let va = values(seed, n, bits, top);
            let vb = values(seed ^ 0x9E37_79B9, m, bits, !top);
            let (mut a, mut b) = (Distinct::default(), Distinct::default());
            let (mut sa, mut sb) = (BTreeSet::new(), BTreeSet::new());
            let step = (n / checks).max(1);
            for (k, &x) in va.iter().enumerate() {
                a.insert(x);
                sa.insert(x);
                if k % step == 0 {
                    proptest::prop_assert_eq!(a.len(), sa.len());
                }
            }
            for &y in &vb {
                b.insert(y);
                sb.insert(y);
            }
            proptest::prop_assert_eq!(a.len(), sa.len());
            proptest::prop_assert_eq!(b.len(), sb.len());
            // union with pending values on both sides
            let mut u = a.clone();
            u.union(&b);
            let su: BTreeSet<u64> = sa.union(&sb).copied().collect();
            proptest::prop_assert_eq!(u.len(), su.len());
            u.flush();
            proptest::prop_assert!(u.sorted().iter().eq(su.iter()));
            // union into an empty set, and of flushed sets
            let mut e = Distinct::default();
            e.union(&b);
            proptest::prop_assert_eq!(e.len(), sb.len());
            a.flush();
            b.flush();
            proptest::prop_assert!(a.sorted().iter().eq(sa.iter()));
            a.union(&b);
            proptest::prop_assert_eq!(a.len(), su.len());
            a.flush();
            proptest::prop_assert!(a.sorted().iter().eq(su.iter()));
        }

        /// Many small sets merged into one (the per-column assets of a wide
        /// table merged into the dataset) give the union.
        #[test]
        fn many_unions_are_the_union(
            seed in proptest::prelude::any::<u64>(),
            n in 0usize..40_000,
            parts in 1usize..400,
            bits in 1u32..=64,
            top in proptest::prelude::any::<bool>(),
        ) {
            let v = values(seed, n, bits, top);
            let mut all = Distinct::default();
            let mut want = BTreeSet::new();
            for chunk in v.chunks(n.div_ceil(parts).max(1)) {
                let mut d = Distinct::default();
                for &x in chunk {
                    d.insert(x);
                }
                all.union(&d);
                want.extend(chunk.iter().copied());
                proptest::prop_assert_eq!(all.len(), want.len());
            }
            all.flush();
            proptest::prop_assert!(all.sorted().iter().eq(want.iter()));
        }

        /// The bucket sort sorts (keeping duplicates) like `sort_unstable`.
        #[test]
        fn sort_pending_sorts(
            seed in proptest::prelude::any::<u64>(),
            n in 0usize..20_000,
            bits in 1u32..=64,
            top in proptest::prelude::any::<bool>(),
        ) {
            let v = values(seed, n, bits, top);
            let mut want = v.clone();
            want.sort_unstable();
            proptest::prop_assert_eq!(sort_pending(&v), want);
        }

        /// The in-place merge is the sorted union.
        #[test]
        fn merge_back_is_the_union(
            a in proptest::collection::btree_set(0u64..200, 0..100),
            mut b in proptest::collection::vec(0u64..200, 0..100),
        ) {
            b.sort_unstable();
            b.dedup();
            let mut v: Vec<u64> = a.iter().copied().collect();
            let s = v.len();
            // the pending region holds anything (it is overwritten)
            v.extend(b.iter().map(|x| x ^ 0x55));
            let n = merge_back(&mut v, s, &b);
            v.truncate(n);
            let want: Vec<u64> = a.iter().chain(&b).copied().collect::<BTreeSet<_>>().into_iter().collect();
            proptest::prop_assert_eq!(v, want);
        }
    }

    /// Distinct counts are exact across buffered inserts, flushes and unions.
    #[test]
    fn distinct_counts_are_exact() {
        let mut lcg = lcg(7);
        let mut next = move || (lcg() >> 33) % 20_000;
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

    /// `union_all` is the union: sets of every size (empty, small, large,
    /// with values pending or not), in any number.
    #[test]
    fn union_all_is_the_union() {
        let mut lcg = lcg(3);
        let mut next = move || (lcg() >> 33) % 30_000;
        let sizes = [0usize, 5, 4_000, 9_000, 25_000, 100];
        let mut sets = Vec::new();
        for (i, &n) in sizes.iter().enumerate() {
            let mut d = Distinct::default();
            for _ in 0..n {
                d.insert(next());
            }
            if i % 2 == 0 {
                d.flush();
            }
            sets.push(d);
        }
        for k in 0..=sets.len() {
            for first in 0..sets.len() {
                let pick: Vec<&Distinct> = sets.iter().cycle().skip(first).take(k).collect();
                let mut want = std::collections::BTreeSet::new();
                for d in &pick {
                    want.extend(d.sorted().iter().copied());
                    want.extend(d.pending_sorted());
                }
                let mut u = Distinct::union_all(&pick);
                assert_eq!(u.len(), want.len(), "{k} sets from {first}");
                u.flush();
                assert!(u.sorted().iter().copied().eq(want.iter().copied()));
            }
        }
    }

    /// `Asset::merged` counts what merging each asset into an empty one does.
    #[test]
    fn merged_equals_merge() {
        use crate::kind::{Masked, flags};
        let mut next = lcg(5);
        let mut assets = Vec::new();
        for n in 0..4u64 {
            let mut a = Asset::new("s", Some(format!("c{n}")));
            for _ in 0..(n * 3_000 + 10) {
                let r = next() >> 20;
                let kind = Kind::ALL[(r % 4) as usize];
                let fl = [0, flags::DEIDENTIFIED, flags::MINOR][(r >> 8) as usize % 3];
                a.add(&Finding {
                    kind,
                    start: 0,
                    end: 1,
                    confidence: (r >> 12) as u8 % 100,
                    flags: fl,
                    hash: r % 5_000,
                    person: if kind == Kind::CnId { r % 3_000 } else { 0 },
                    masked: Masked::new("138****0000"),
                });
            }
            assets.push(a);
        }
        let mut want = Asset::new("*", None);
        for a in &assets {
            want.merge(a);
        }
        want.compact();
        let got = Asset::merged("*", None, &assets);
        assert_eq!(got.persons_by_id(), want.persons_by_id());
        assert_eq!(got.kinds.len(), want.kinds.len());
        for (k, w) in &want.kinds {
            let g = &got.kinds[k];
            assert_eq!(
                (
                    g.count,
                    g.deidentified,
                    g.minors,
                    g.individual,
                    g.max_confidence
                ),
                (
                    w.count,
                    w.deidentified,
                    w.minors,
                    w.individual,
                    w.max_confidence
                ),
                "{k:?}"
            );
            assert_eq!(
                g.sample.map(|m| m.as_str().to_owned()),
                w.sample.map(|m| m.as_str().to_owned())
            );
            assert_eq!(g.distinct(), w.distinct(), "{k:?}");
        }
    }
}
