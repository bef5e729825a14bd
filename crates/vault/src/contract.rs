//! The versioned JSON shapes (`wangan.vault.…/N`) that the vault's commands
//! print: stable contracts that scripts, assessors and other tools may rely
//! on.
//!
//! Each type serialises to exactly one shape and carries its schema name in
//! the `schema` field (first); the schema name is in each type's
//! documentation and in its `SCHEMA` constant. A shape changes only with a
//! new schema version. Times are RFC 3339 in UTC with nanoseconds
//! ([`crate::clock::rfc3339_ns`]), hashes base64 ([`Hash::b64`]).
//!
//! The command-line front end only fills these in and serialises them; the
//! examples kept by the contract tests (`crates/wangan/tests/contracts/vault.rs`,
//! their shapes pinned in `schemas.txt`) fail on any unannounced change.

use std::path::Path;

use serde::Serialize;

use crate::bundle::{BundleCheck, BundleFailure, ConsistencyProof, ExportSummary, KeyInfo};
use crate::clock::rfc3339_ns;
use crate::coverage::{CoverageReport, Gap, SourceCoverage};
use crate::keys::PublicKeys;
use crate::note::{Checkpoint as Cp, SignedCheckpoint};
use crate::prune::{PruneItem, PruneReport};
use crate::verify::{Finding, VerifyReport};
use crate::{Hash, HashAlg, Retention, StoredRecord};

/// `wangan.vault.init/1`: a vault was created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.vault.init/1")]
pub struct Init {
    /// The data directory, as given.
    pub data_dir: String,
    /// The log's origin (checkpoint name).
    pub origin: String,
    /// Tree hash: `sha256` or `sm3`.
    pub hash: &'static str,
    /// Retention, as in `vault.toml` (e.g. `6 months`).
    pub retention: String,
    /// The Ed25519 note verifier key (`name+id+base64`).
    pub ed25519_verifier_key: String,
    /// The SM2 public key, hex (SEC1 uncompressed), when the vault has one.
    pub sm2_public_key: Option<String>,
}

impl Init {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.vault.init/1";

    /// The shape for a vault created in `dir`.
    pub fn new(dir: &Path, keys: &PublicKeys, hash: HashAlg, retention: Retention) -> Init {
        Init {
            data_dir: dir.display().to_string(),
            origin: keys.name.clone(),
            hash: hash.name(),
            retention: retention.to_string(),
            ed25519_verifier_key: keys.ed25519_verifier_key(),
            sm2_public_key: keys.sm2_hex(),
        }
    }
}

/// `wangan.vault.ingest/1`: a batch ingest finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.vault.ingest/1")]
pub struct Ingest {
    /// Records stored.
    pub records: u64,
    /// Empty lines skipped (not stored).
    pub empty_lines_skipped: u64,
    /// Seq of the first record stored (`null` when none was).
    pub first_seq: Option<u64>,
    /// Seq of the last record stored (`null` when none was).
    pub last_seq: Option<u64>,
    /// Records covered by the latest checkpoint.
    pub tree_size: u64,
    /// Root of the tree at `tree_size`, base64.
    pub root: String,
    /// Segment files sealed by the ingest, oldest first.
    pub sealed: Vec<String>,
}

impl Ingest {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.vault.ingest/1";

    /// The shape for `records` records stored from seq `first`.
    pub fn new(
        first: u64,
        stats: &crate::ingest::IngestStats,
        tree: (u64, Hash),
        sealed: Vec<String>,
    ) -> Ingest {
        let any = stats.records > 0;
        Ingest {
            records: stats.records,
            empty_lines_skipped: stats.empty,
            first_seq: any.then_some(first),
            last_seq: any.then(|| first + stats.records - 1),
            tree_size: tree.0,
            root: tree.1.b64(),
            sealed,
        }
    }
}

/// `wangan.vault.checkpoint/1`: the latest (or a new) signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.vault.checkpoint/1")]
pub struct Checkpoint {
    /// The log's origin.
    pub origin: String,
    /// Records covered.
    pub size: u64,
    /// Tree root, base64.
    pub root: String,
    /// Signing time.
    pub time: String,
    /// Tree hash name.
    pub hash: &'static str,
    /// The whole signed note, as stored (C2SP signed-note text).
    pub note: String,
}

impl Checkpoint {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.vault.checkpoint/1";

    /// The shape of a signed checkpoint.
    pub fn new(cp: &SignedCheckpoint) -> Checkpoint {
        let c = &cp.checkpoint;
        Checkpoint {
            origin: c.origin.clone(),
            size: c.size,
            root: c.root.b64(),
            time: rfc3339_ns(c.time_ns),
            hash: c.hash.name(),
            note: cp.to_string(),
        }
    }
}

/// One line of the query output (newline-delimited JSON, one object per
/// record; the lines carry no `schema` field).
///
/// The parsed fields (`event_time` … `fields`) are present only when the
/// record could be parsed; `raw_hex` only when the raw bytes are not UTF-8
/// (`raw` then holds them with U+FFFD replacements).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryRecord {
    /// Position in the log.
    pub seq: u64,
    /// Receive time.
    pub received_at: String,
    /// Source name.
    pub source: String,
    /// Peer address.
    pub peer: String,
    /// Transport.
    pub transport: String,
    /// The raw record as text (lossy for bytes that are not UTF-8).
    pub raw: String,
    /// The raw bytes in lowercase hex, when they are not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw_hex: Option<String>,
    /// Parsed fields, when the record could be parsed.
    #[serde(flatten)]
    pub parsed: Option<QueryParsed>,
}

/// The parsed fields of a [`QueryRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryParsed {
    /// Event time from the record itself (second precision), if any.
    pub event_time: Option<String>,
    /// Host named in the record.
    pub host: Option<String>,
    /// Application (tag).
    pub app: Option<String>,
    /// Syslog severity, 0 … 7.
    pub severity: Option<u8>,
    /// Syslog facility.
    pub facility: Option<u8>,
    /// The message.
    pub message: String,
    /// Structured fields, as `[key, value]` pairs in order.
    pub fields: Vec<(String, String)>,
}

impl QueryRecord {
    /// The line for one stored record.
    pub fn new(r: &StoredRecord) -> QueryRecord {
        let rec = &r.record;
        let raw_hex = std::str::from_utf8(&rec.raw)
            .is_err()
            .then(|| rec.raw.iter().map(|b| format!("{b:02x}")).collect());
        QueryRecord {
            seq: rec.seq,
            received_at: rfc3339_ns(rec.received_ns),
            source: rec.source.clone(),
            peer: rec.peer.clone(),
            transport: rec.transport.clone(),
            raw: String::from_utf8_lossy(&rec.raw).into_owned(),
            raw_hex,
            parsed: r.parsed.as_ref().map(|p| QueryParsed {
                event_time: p.event_time.map(crate::clock::rfc3339),
                host: p.host.clone(),
                app: p.app.clone(),
                severity: p.severity,
                facility: p.facility,
                message: p.message.clone(),
                fields: p.fields.clone(),
            }),
        }
    }
}

/// `wangan.vault.prune/1`: what a prune deleted (or, dry, would delete).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.vault.prune/1")]
pub struct Prune {
    /// Whether nothing was deleted on purpose.
    pub dry_run: bool,
    /// The clock reading used.
    pub now: String,
    /// `now − retention`: segments whose newest record is older may go.
    pub cutoff: String,
    /// The segments pruned (or that would be), oldest first.
    pub pruned: Vec<PrunedSegment>,
    /// Why pruning stopped early, if it did.
    pub refused: Option<String>,
}

/// One segment in [`Prune::pruned`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrunedSegment {
    /// Segment file name.
    pub segment: String,
    /// First seq in it.
    pub first_seq: u64,
    /// Last seq in it.
    pub last_seq: u64,
    /// Its newest receive time.
    pub newest: String,
}

impl Prune {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.vault.prune/1";

    /// The shape of a prune report.
    pub fn new(r: &PruneReport) -> Prune {
        let seg = |p: &PruneItem| PrunedSegment {
            segment: p.segment.clone(),
            first_seq: p.first,
            last_seq: p.end.saturating_sub(1),
            newest: rfc3339_ns(p.newest_ns),
        };
        Prune {
            dry_run: r.dry_run,
            now: rfc3339_ns(r.now_ns),
            cutoff: rfc3339_ns(r.cutoff_ns),
            pruned: r.pruned.iter().map(seg).collect(),
            refused: r.refused.clone(),
        }
    }
}

/// `wangan.vault.coverage/1`: whether every source covers the retention
/// window (see `DESIGN.md`, "Coverage").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.vault.coverage/1")]
pub struct Coverage {
    /// Every source covers the window and every block was read.
    pub covered: bool,
    /// When coverage was judged (the window's end).
    pub at: String,
    /// The retention window.
    pub window: CoverageWindow,
    /// Start of the last six calendar months.
    pub six_months_from: String,
    /// UTC offset of the calendar, `±HH:MM`.
    pub utc_offset: String,
    /// The silence threshold, in seconds.
    pub gap_threshold_seconds: i64,
    /// Records read.
    pub records: u64,
    /// Files and blocks that could not be read (coverage is then unproven).
    pub unreadable: Vec<String>,
    /// Per source, sorted by name.
    pub sources: Vec<CoverageSource>,
}

/// [`Coverage::window`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageWindow {
    /// Start.
    pub from: String,
    /// End (the judgement time).
    pub to: String,
    /// Length, as retention is written (e.g. `6 months`).
    pub length: String,
}

/// One source in [`Coverage::sources`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageSource {
    /// Source name.
    pub source: String,
    /// Records of the source.
    pub records: u64,
    /// Its first receive time.
    pub first: String,
    /// Its last receive time.
    pub last: String,
    /// Records inside the window.
    pub in_window: u64,
    /// No gap longer than the threshold inside the window.
    pub covers_window: bool,
    /// Six continuous calendar months of records.
    pub six_months: bool,
    /// Silences longer than the threshold.
    pub gaps: Vec<CoverageGap>,
    /// Records per calendar day of the window, as `["YYYY-MM-DD", n]`.
    pub days: Vec<(String, u64)>,
}

/// One gap in [`CoverageSource::gaps`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageGap {
    /// Start of the silence.
    pub from: String,
    /// End of the silence.
    pub to: String,
    /// Its length in seconds.
    pub seconds: i64,
    /// It runs from the window's start (no record before it).
    pub before_first: bool,
    /// It runs to the window's end (no record after it).
    pub after_last: bool,
}

/// A UTC offset as `±HH:MM` (`+08:00`, `-03:30`, `+00:00`).
pub fn utc_offset_text(o: time::UtcOffset) -> String {
    let (h, m, _) = o.as_hms();
    let sign = if o.is_negative() { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
}

impl Coverage {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.vault.coverage/1";

    /// The shape of a coverage report.
    pub fn new(r: &CoverageReport) -> Coverage {
        let gap = |g: &Gap| CoverageGap {
            from: rfc3339_ns(g.from_ns),
            to: rfc3339_ns(g.to_ns),
            seconds: g.duration().whole_seconds(),
            before_first: g.at_start,
            after_last: g.at_end,
        };
        let source = |s: &SourceCoverage| CoverageSource {
            source: s.source.clone(),
            records: s.records,
            first: rfc3339_ns(s.first_ns),
            last: rfc3339_ns(s.last_ns),
            in_window: s.in_window,
            covers_window: s.covers_window,
            six_months: s.six_months,
            gaps: s.gaps.iter().map(gap).collect(),
            days: s.days.iter().map(|(d, n)| (d.to_string(), *n)).collect(),
        };
        Coverage {
            covered: r.all_covered(),
            at: rfc3339_ns(r.at_ns),
            window: CoverageWindow {
                from: rfc3339_ns(r.window_start_ns),
                to: rfc3339_ns(r.at_ns),
                length: r.window.to_string(),
            },
            six_months_from: rfc3339_ns(r.six_months_start_ns),
            utc_offset: utc_offset_text(r.utc_offset),
            gap_threshold_seconds: r.gap.whole_seconds(),
            records: r.records,
            unreadable: r.unreadable.clone(),
            sources: r.sources.iter().map(source).collect(),
        }
    }
}

/// A checkpoint inside another shape (no signature).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckpointRef {
    /// The log's origin.
    pub origin: String,
    /// Records covered.
    pub size: u64,
    /// Tree root, base64.
    pub root: String,
    /// Signing time.
    pub time: String,
    /// Tree hash name.
    pub hash: &'static str,
}

impl CheckpointRef {
    /// The reference to a checkpoint.
    pub fn new(c: &Cp) -> CheckpointRef {
        CheckpointRef {
            origin: c.origin.clone(),
            size: c.size,
            root: c.root.b64(),
            time: rfc3339_ns(c.time_ns),
            hash: c.hash.name(),
        }
    }
}

/// `wangan.vault.prove-consistency/1`: an RFC 9162 consistency proof from
/// one checkpoint to a later one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.vault.prove-consistency/1")]
pub struct ProveConsistency {
    /// The earlier checkpoint.
    pub old: CheckpointRef,
    /// The later checkpoint.
    pub new: CheckpointRef,
    /// The proof's hashes, base64, in RFC 9162 order.
    pub proof: Vec<String>,
}

impl ProveConsistency {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.vault.prove-consistency/1";

    /// The shape of a consistency proof.
    pub fn new(p: &ConsistencyProof) -> ProveConsistency {
        ProveConsistency {
            old: CheckpointRef::new(&p.old),
            new: CheckpointRef::new(&p.new),
            proof: p.proof.iter().map(Hash::b64).collect(),
        }
    }
}

/// `wangan.vault.export/1`: a bundle was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.vault.export/1")]
pub struct Export {
    /// The bundle file, as given.
    pub output: String,
    /// Records in the bundle.
    pub records: u64,
    /// Matching records left out because no checkpoint covers them yet.
    pub beyond_checkpoint: u64,
    /// Size of the bundle in bytes.
    pub bytes: u64,
    /// The checkpoint the bundle's proofs lead to.
    pub checkpoint: CheckpointRef,
    /// The earlier checkpoint the bundle's consistency proof starts from, if any.
    pub since: Option<SinceRef>,
}

/// The earlier checkpoint of [`Export::since`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SinceRef {
    /// Records covered.
    pub size: u64,
    /// Tree root, base64.
    pub root: String,
    /// Signing time.
    pub time: String,
}

impl Export {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.vault.export/1";

    /// The shape of an export written to `output`.
    pub fn new(output: &Path, s: &ExportSummary) -> Export {
        Export {
            output: output.display().to_string(),
            records: s.records,
            beyond_checkpoint: s.beyond_checkpoint,
            bytes: s.bytes,
            checkpoint: CheckpointRef::new(&s.checkpoint),
            since: s.since.as_ref().map(|o| SinceRef {
                size: o.size,
                root: o.root.b64(),
                time: rfc3339_ns(o.time_ns),
            }),
        }
    }
}

/// `wangan.vault.check-bundle/2`: the result of checking a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.vault.check-bundle/2")]
pub struct CheckBundle {
    /// Every check passed and the checkpoint is anchored in trusted keys.
    pub ok: bool,
    /// `anchored`, `not_anchored` or `refused`.
    pub trust: &'static str,
    /// Every check that needs no trusted key passed.
    pub self_consistent: bool,
    /// What the trust was anchored in.
    pub anchor: CheckBundleAnchor,
    /// Records in the bundle.
    pub records: u64,
    /// Records whose inclusion proof verified.
    pub records_verified: u64,
    /// First and last seq of the records.
    pub seq: Option<SeqRange>,
    /// Earliest and latest receive time of the records.
    pub time: Option<TimeRange>,
    /// Records per source.
    pub sources: Vec<SourceCount>,
    /// Tree hash name.
    pub hash: Option<&'static str>,
    /// The bundle's checkpoint.
    pub checkpoint: Option<CheckBundleCheckpoint>,
    /// The keys the bundle carries (compare their fingerprints out of band).
    pub keys: Option<CheckBundleKeys>,
    /// The SM2 signature of the checkpoint verified.
    pub sm2_verified: bool,
    /// The earlier checkpoint the bundle extends, when one was given.
    pub since: Option<CheckBundleSince>,
    /// Failed checks (at most a bounded number; see `more_failures`).
    pub failures: Vec<CheckBundleFailure>,
    /// Failures not listed.
    pub more_failures: u64,
}

/// [`CheckBundle::anchor`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckBundleAnchor {
    /// The trusted keys that signed the checkpoint.
    pub keys: Vec<String>,
    /// How many trusted keys were given.
    pub trusted_keys_given: usize,
    /// The trust store read, if any.
    pub trust_store: Option<String>,
}

/// A seq range, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeqRange {
    /// First seq.
    pub first: u64,
    /// Last seq.
    pub last: u64,
}

/// A time range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeRange {
    /// Earliest.
    pub from: String,
    /// Latest.
    pub to: String,
}

/// Records of one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceCount {
    /// Source name.
    pub source: String,
    /// Records.
    pub records: u64,
}

/// [`CheckBundle::checkpoint`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckBundleCheckpoint {
    /// The log's origin.
    pub origin: String,
    /// Records covered.
    pub size: u64,
    /// Tree root, base64.
    pub root: String,
    /// Signing time.
    pub time: String,
}

/// [`CheckBundle::keys`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckBundleKeys {
    /// The Ed25519 note verifier key.
    pub ed25519: String,
    /// Its key id, hex.
    pub ed25519_id: String,
    /// SHA-256 of the public key, hex.
    pub ed25519_sha256: String,
    /// The SM2 note verifier key.
    pub sm2: Option<String>,
    /// Its key id, hex.
    pub sm2_id: Option<String>,
    /// SHA-256 of the SEC1 public key, hex.
    pub sm2_sha256: Option<String>,
}

/// [`CheckBundle::since`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckBundleSince {
    /// The log's origin.
    pub origin: String,
    /// Records covered.
    pub size: u64,
    /// Tree root, base64.
    pub root: String,
    /// Signing time.
    pub time: String,
    /// The consistency proof from it to the bundle's checkpoint verified.
    pub consistency_verified: bool,
}

/// One failed check in [`CheckBundle::failures`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckBundleFailure {
    /// Failure kind (see `bundle::FAILURE_KINDS`).
    pub kind: &'static str,
    /// Index of the record in the bundle, when one record failed.
    pub record: Option<u64>,
    /// Its seq, when known.
    pub seq: Option<u64>,
    /// What failed.
    pub message: String,
}

impl CheckBundle {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.vault.check-bundle/2";

    /// The shape of a bundle check, with how many trusted keys were given
    /// and the trust store read.
    pub fn new(c: &BundleCheck, trusted_keys_given: usize, trust_store: Option<&Path>) -> Self {
        let t = rfc3339_ns;
        let keys = |k: &KeyInfo| CheckBundleKeys {
            ed25519: k.ed25519_key.clone(),
            ed25519_id: k.ed25519_id.clone(),
            ed25519_sha256: k.ed25519_fingerprint.clone(),
            sm2: k.sm2_key.clone(),
            sm2_id: k.sm2_id.clone(),
            sm2_sha256: k.sm2_fingerprint.clone(),
        };
        let failure = |f: &BundleFailure| CheckBundleFailure {
            kind: f.kind,
            record: f.record,
            seq: f.seq,
            message: f.message.clone(),
        };
        CheckBundle {
            ok: c.ok(),
            trust: c.trust.name(),
            self_consistent: c.self_consistent(),
            anchor: CheckBundleAnchor {
                keys: c.anchor_keys.clone(),
                trusted_keys_given,
                trust_store: trust_store.map(|s| s.display().to_string()),
            },
            records: c.records,
            records_verified: c.records_verified,
            seq: c.seqs.map(|(first, last)| SeqRange { first, last }),
            time: c.time.map(|(a, b)| TimeRange {
                from: t(a),
                to: t(b),
            }),
            sources: (c.sources.iter())
                .map(|(s, n)| SourceCount {
                    source: s.clone(),
                    records: *n,
                })
                .collect(),
            hash: c.hash.map(HashAlg::name),
            checkpoint: c.checkpoint.as_ref().map(|cp| CheckBundleCheckpoint {
                origin: cp.origin.clone(),
                size: cp.size,
                root: cp.root.b64(),
                time: t(cp.time_ns),
            }),
            keys: c.keys.as_ref().map(keys),
            sm2_verified: c.sm2_verified,
            since: c.since.as_ref().map(|o| CheckBundleSince {
                origin: o.origin.clone(),
                size: o.size,
                root: o.root.b64(),
                time: t(o.time_ns),
                consistency_verified: c.consistency_verified,
            }),
            failures: c.failures.iter().map(failure).collect(),
            more_failures: c.more_failures,
        }
    }
}

/// `wangan.vault.check-bundle/2` for a file that is not a well-formed
/// bundle at all: `ok` is always `false`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.vault.check-bundle/2")]
pub struct CheckBundleInvalid {
    /// Always `false`.
    pub ok: bool,
    /// Why the file could not be read as a bundle.
    pub error: String,
}

impl CheckBundleInvalid {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.vault.check-bundle/2";

    /// The shape for a file that could not be decoded.
    pub fn new(error: &crate::Error) -> CheckBundleInvalid {
        CheckBundleInvalid {
            ok: false,
            error: error.to_string(),
        }
    }
}

/// `wangan.vault.verify/1`: the result of verifying a store, optionally
/// with the check of the registers anchored in it (`R`, serialised under
/// `registers`; absent when no registers are in use).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "schema", rename = "wangan.vault.verify/1")]
pub struct Verify<R = ()> {
    /// No error-level finding (in the vault nor, when present, the registers).
    pub intact: bool,
    /// `quick` or `full`.
    pub mode: &'static str,
    /// The log's origin.
    pub origin: String,
    /// Tree hash name.
    pub hash: &'static str,
    /// Records in the log.
    pub records: u64,
    /// Records whose leaves were recomputed (full mode).
    pub records_checked: u64,
    /// Sealed segments.
    pub segments: usize,
    /// Tombstones (pruned segments).
    pub tombstones: usize,
    /// Checkpoints in the checkpoint log.
    pub checkpoints: usize,
    /// The latest checkpoint.
    pub latest_checkpoint: Option<LatestCheckpoint>,
    /// Findings, most severe first.
    pub findings: Vec<VerifyFinding>,
    /// The registers' check, when registers are in use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registers: Option<R>,
}

/// [`Verify::latest_checkpoint`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LatestCheckpoint {
    /// Records covered.
    pub size: u64,
    /// Tree root, base64.
    pub root: String,
    /// Signing time.
    pub time: String,
}

/// One finding in [`Verify::findings`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyFinding {
    /// Finding kind (e.g. `leaf_mismatch`).
    pub kind: &'static str,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// What was found.
    pub message: String,
    /// The segment file concerned, if any.
    pub segment: Option<String>,
    /// The seq range concerned, if any.
    pub seq: Option<SeqRange>,
    /// The receive-time range concerned, if any.
    pub time: Option<TimeRange>,
    /// The sources concerned.
    pub sources: Vec<String>,
}

impl Verify<()> {
    /// Schema name.
    pub const SCHEMA: &'static str = "wangan.vault.verify/1";
}

impl VerifyReport {
    /// The documented JSON shape (`schema` = [`crate::verify::SCHEMA`]; the
    /// type is [`Verify`]). Here rather than in [`mod@crate::verify`], so that
    /// the verifier does not depend on the contracts that depend on it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(Verify::<()>::new(self, None)).unwrap_or(serde_json::Value::Null)
    }
}

impl<R> Verify<R> {
    /// The shape of a verification, with the registers' check `registers`
    /// and whether that check found the registers intact.
    pub fn new(r: &VerifyReport, registers: Option<(R, bool)>) -> Verify<R> {
        let t = rfc3339_ns;
        let finding = |f: &Finding| VerifyFinding {
            kind: f.kind,
            severity: f.severity.name(),
            message: f.message.clone(),
            segment: f.segment.clone(),
            seq: f.seq.map(|(first, last)| SeqRange { first, last }),
            time: f.time.map(|(a, b)| TimeRange {
                from: t(a),
                to: t(b),
            }),
            sources: f.sources.clone(),
        };
        let regs_intact = registers.as_ref().is_none_or(|(_, ok)| *ok);
        Verify {
            intact: r.is_intact() && regs_intact,
            mode: if r.quick { "quick" } else { "full" },
            origin: r.origin.clone(),
            hash: r.hash.name(),
            records: r.size,
            records_checked: r.records_checked,
            segments: r.segments,
            tombstones: r.tombstones,
            checkpoints: r.checkpoints,
            latest_checkpoint: r.latest.map(|(size, root, tm)| LatestCheckpoint {
                size,
                root: root.b64(),
                time: t(tm),
            }),
            findings: r.findings.iter().map(finding).collect(),
            registers: registers.map(|(r, _)| r),
        }
    }
}
