//! Aggregated results: per asset (file, column, key path, table column)
//! counts, distinct values and distinct persons.

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::kind::{Finding, Kind, Masked};

/// The values are already 64-bit hashes: use them as they are.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

type HashSet64 = HashSet<u64, BuildHasherDefault<IdHasher>>;

/// `a ∪= b`; a copy of the table when `a` is empty (no rehashing).
fn union(a: &mut HashSet64, b: &HashSet64) {
    if b.is_empty() {
        return;
    }
    if a.is_empty() {
        a.clone_from(b);
        return;
    }
    a.reserve(b.len());
    a.extend(b.iter().copied());
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
    distinct: HashSet64,
}

impl KindStats {
    /// Distinct raw values.
    pub fn distinct(&self) -> u64 {
        self.distinct.len() as u64
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
    persons: HashSet64,
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
        if f.is_deidentified() {
            k.deidentified += 1;
            return;
        }
        k.count += 1;
        k.max_confidence = k.max_confidence.max(f.confidence);
        if f.is_minor() {
            k.minors += 1;
        }
        if f.flags & crate::kind::flags::INDIVIDUAL != 0 {
            k.individual += 1;
        }
        if k.sample.is_none() {
            k.sample = Some(f.masked);
        }
        k.distinct.insert(f.hash);
        if f.person != 0 {
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
            union(&mut k.distinct, &o.distinct);
        }
        union(&mut self.persons, &other.persons);
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
