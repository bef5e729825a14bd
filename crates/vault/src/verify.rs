//! Verification: structure (`quick`) and full recomputation of the tree.
//!
//! Every problem is a [`Finding`] with a stable snake_case `kind`, a
//! severity, and where it is: segment, seq range, time range, source.
//!
//! Kinds (severity): `segment_unreadable`, `segment_missing`,
//! `segment_overlap`, `chain_broken`, `segment_signature_invalid`,
//! `segment_invalid`, `block_corrupt`, `records_deleted`,
//! `records_inserted`, `records_reordered`, `records_modified`,
//! `root_mismatch`, `tail_truncated`, `rolled_back`, `fork`,
//! `store_replaced`, `checkpoint_forged`, `checkpoint_unknown_key`,
//! `checkpoint_malformed`, `checkpoint_size_decreased`,
//! `tombstone_invalid`, `pruned_early`, `wal_corrupt`,
//! `checkpoint_future_dated`, `tombstone_future_dated` (error); `checkpoint_time_backwards` (error
//! when a checkpoint is dated more than [`CLOCK_TOLERANCE`] before the one
//! before it, else warning); `checkpoint_missing`,
//! `checkpoint_sm2_missing` (warning); `unsealed_tail_lost`, `pruned`,
//! `checkpoint_gap`, `interrupted_write`, `checkpoint_log_torn`,
//! `prune_incomplete` (info).

use std::collections::BTreeSet;

use crate::block::NO_TIME_MAX;
use crate::keys::PublicKeys;
use crate::merkle::CompactRange;
use crate::note::{SigCheck, SignedCheckpoint};
use crate::segment::TILE;
use crate::store::Store;
use crate::{Hash, HashAlg, Result};

/// JSON schema id of a verification's JSON shape (`VerifyReport::to_json`, in
/// [`crate::contract`]).
pub const SCHEMA: &str = "wangan.vault.verify/1";

/// A checkpoint dated more than this before the checkpoint before it is an
/// error (`checkpoint_time_backwards`): one of the two was signed with a
/// wrong clock, and prune decisions in between cannot be trusted. Smaller
/// steps (NTP corrections) are warnings.
pub const CLOCK_TOLERANCE: time::Duration = time::Duration::minutes(5);

/// A checkpoint or prune dated more than this after the verifier's clock
/// was signed with a clock set ahead (`checkpoint_future_dated`,
/// `pruned_early`). Generous, so a verifier whose own clock is a little
/// behind is not misled.
pub const FUTURE_TOLERANCE: time::Duration = time::Duration::hours(1);

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Honest, expected events (a crash's torn tail, a lawful prune).
    Info,
    /// Suspicious but not proof of tampering (clock steps).
    Warning,
    /// Integrity is broken: tampering or corruption.
    Error,
}

impl Severity {
    /// Lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem or notable fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable snake_case id.
    pub kind: &'static str,
    /// Severity.
    pub severity: Severity,
    /// Human-readable detail (English, lowercase start).
    pub message: String,
    /// Segment (or tombstone, WAL) file name.
    pub segment: Option<String>,
    /// Affected seqs, inclusive.
    pub seq: Option<(u64, u64)>,
    /// Affected time range (ns), inclusive.
    pub time: Option<(i64, i64)>,
    /// Sources involved.
    pub sources: Vec<String>,
}

impl Finding {
    fn new(kind: &'static str, severity: Severity, message: impl Into<String>) -> Finding {
        Finding {
            kind,
            severity,
            message: message.into(),
            segment: None,
            seq: None,
            time: None,
            sources: Vec::new(),
        }
    }
    fn seg(mut self, s: &str) -> Finding {
        self.segment = Some(s.to_owned());
        self
    }
    fn seqs(mut self, a: u64, b: u64) -> Finding {
        self.seq = Some((a, b));
        self
    }
    fn times(mut self, a: i64, b: i64) -> Finding {
        if a <= b && b != NO_TIME_MAX {
            self.time = Some((a, b));
        }
        self
    }
}

/// Options of [`verify`].
#[derive(Default)]
pub struct VerifyOptions<'a> {
    /// Structure only: headers, footers, CRCs, chain, signatures.
    pub quick: bool,
    /// Checkpoints kept outside the store (e.g. by an auditor).
    pub trusted: Vec<SignedCheckpoint>,
    /// Keys to check trusted checkpoints with (default: the store's).
    pub trusted_keys: Option<PublicKeys>,
    /// Called with the number of records checked so far.
    pub progress: Option<&'a dyn Fn(u64)>,
    /// The verifier's "now" (default: the system clock): checkpoints and
    /// prunes dated after it were signed with a clock set ahead.
    pub now: Option<time::OffsetDateTime>,
}

/// Result of [`verify`].
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// Whether this was a quick run.
    pub quick: bool,
    /// Log origin.
    pub origin: String,
    /// Tree hash.
    pub hash: HashAlg,
    /// Records in the log (sealed, pruned, unsealed).
    pub size: u64,
    /// Records whose leaves were recomputed (full mode).
    pub records_checked: u64,
    /// Sealed segments.
    pub segments: usize,
    /// Tombstones.
    pub tombstones: usize,
    /// Checkpoints in `checkpoints.log`.
    pub checkpoints: usize,
    /// Latest checkpoint: size, root, time (ns).
    pub latest: Option<(u64, Hash, i64)>,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
}

impl VerifyReport {
    /// No error-level findings.
    pub fn is_intact(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

struct Cp {
    size: u64,
    root: Hash,
    time_ns: i64,
    trusted: bool,
}

/// Verify a store. Never fails on damage (that is reported as findings);
/// fails only when the store cannot be read at all.
pub fn verify(store: &Store, opts: &VerifyOptions<'_>) -> Result<VerifyReport> {
    let alg = store.hash_alg();
    let keys = store.public_keys();
    let origin = store.config().origin.clone();
    let mut f: Vec<Finding> = Vec::new();
    let max_gap = store.config().max_gap().unwrap_or(time::Duration::days(2));
    let now_ns = crate::clock::to_ns(opts.now.unwrap_or_else(time::OffsetDateTime::now_utc));
    let tol_ns = CLOCK_TOLERANCE.whole_nanoseconds() as i64;
    let future_ns = now_ns.saturating_add(FUTURE_TOLERANCE.whole_nanoseconds() as i64);

    for b in store.bad_files() {
        let name = b
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut x = Finding::new(
            "segment_unreadable",
            Severity::Error,
            format!("{}: {}", b.path.display(), b.reason),
        )
        .seg(&name);
        if let Some((a, z)) = crate::segment::parse_segment_name(&name) {
            x = x.seqs(a, z);
        }
        f.push(x);
    }
    for p in store.leftovers() {
        f.push(Finding::new(
            "interrupted_write",
            Severity::Info,
            format!(
                "{}: temporary file of an interrupted write (harmless)",
                p.display()
            ),
        ));
    }

    // checkpoints
    let log = store.checkpoints()?;
    if log.torn_tail {
        f.push(Finding::new(
            "checkpoint_log_torn",
            Severity::Info,
            "checkpoints.log ends in an incomplete entry (interrupted append)",
        ));
    }
    for (i, why) in &log.malformed {
        f.push(Finding::new(
            "checkpoint_malformed",
            Severity::Error,
            format!("checkpoints.log entry {i}: {why}"),
        ));
    }
    let mut cps: Vec<Cp> = Vec::new();
    let mut prev: Option<&SignedCheckpoint> = None;
    for (i, c) in log.entries.iter().enumerate() {
        let cp = &c.checkpoint;
        let ok = check_sig(
            c,
            keys,
            &origin,
            &format!("checkpoints.log entry {i}"),
            &mut f,
            false,
        );
        if !ok {
            continue;
        }
        if let Some(p) = prev {
            let pc = &p.checkpoint;
            if cp.size < pc.size {
                f.push(Finding::new("checkpoint_size_decreased", Severity::Error, format!("checkpoint {i} has size {} after a checkpoint of size {}: the log was rolled back", cp.size, pc.size)).seqs(cp.size, pc.size - 1).times(pc.time_ns, cp.time_ns));
            }
            if cp.time_ns < pc.time_ns {
                let back = pc.time_ns.saturating_sub(cp.time_ns);
                if back > tol_ns {
                    f.push(Finding::new("checkpoint_time_backwards", Severity::Error, format!("checkpoint {i} is dated {} after one dated {} ({} earlier): one of them was signed with a wrong clock (set ahead to purge early, or set back); the time line cannot vouch for retention in between", crate::clock::rfc3339_ns(cp.time_ns), crate::clock::rfc3339_ns(pc.time_ns), time::Duration::nanoseconds(back))).seqs(0, cp.size.max(pc.size).saturating_sub(1)).times(cp.time_ns, pc.time_ns));
                } else {
                    f.push(Finding::new("checkpoint_time_backwards", Severity::Warning, format!("checkpoint {i} is dated {} after one dated {}: the clock went backwards a little (a clock correction)", crate::clock::rfc3339_ns(cp.time_ns), crate::clock::rfc3339_ns(pc.time_ns))).times(cp.time_ns, pc.time_ns));
                }
            } else if time::Duration::nanoseconds(cp.time_ns.saturating_sub(pc.time_ns)) > max_gap {
                f.push(Finding::new("checkpoint_gap", Severity::Info, format!("no checkpoint between {} and {} (longer than {max_gap}): silence is not proven for this span", crate::clock::rfc3339_ns(pc.time_ns), crate::clock::rfc3339_ns(cp.time_ns))).times(pc.time_ns, cp.time_ns));
            }
        }
        if cp.time_ns > future_ns {
            f.push(Finding::new("checkpoint_future_dated", Severity::Error, format!("checkpoint {i} (size {}) is dated {}, after this machine's clock ({}): it was signed with a clock set ahead, which could let records be pruned early", cp.size, crate::clock::rfc3339_ns(cp.time_ns), crate::clock::rfc3339_ns(now_ns))).seqs(0, cp.size.saturating_sub(1)).times(now_ns, cp.time_ns));
        }
        cps.push(Cp {
            size: cp.size,
            root: cp.root,
            time_ns: cp.time_ns,
            trusted: false,
        });
        prev = Some(c);
    }
    match store.latest_checkpoint() {
        Ok(Some(c)) => {
            if check_sig(&c, keys, &origin, "checkpoint", &mut f, false)
                && !log.entries.iter().any(|e| e.checkpoint == c.checkpoint)
            {
                cps.push(Cp {
                    size: c.checkpoint.size,
                    root: c.checkpoint.root,
                    time_ns: c.checkpoint.time_ns,
                    trusted: false,
                });
            }
        }
        Ok(None) => f.push(Finding::new(
            "checkpoint_missing",
            Severity::Warning,
            "no `checkpoint` file",
        )),
        Err(e) => f.push(Finding::new(
            "checkpoint_malformed",
            Severity::Error,
            format!("checkpoint: {e}"),
        )),
    }
    let tkeys = opts.trusted_keys.as_ref().unwrap_or(keys);
    for c in &opts.trusted {
        if check_sig(c, tkeys, &origin, "trusted checkpoint", &mut f, true) {
            cps.push(Cp {
                size: c.checkpoint.size,
                root: c.checkpoint.root,
                time_ns: c.checkpoint.time_ns,
                trusted: true,
            });
        }
    }
    let size = store.size();
    let latest = log
        .entries
        .last()
        .map(|c| (c.checkpoint.size, c.checkpoint.root, c.checkpoint.time_ns));
    if cps.is_empty() && size > 0 {
        f.push(Finding::new(
            "checkpoint_missing",
            Severity::Warning,
            "no valid checkpoint: nothing vouches for the records",
        ));
    }
    for c in &cps {
        if c.size > size {
            let (kind, what) = if c.trusted {
                ("rolled_back", "the trusted checkpoint")
            } else {
                ("tail_truncated", "a local checkpoint")
            };
            f.push(
                Finding::new(kind, Severity::Error, format!("{what} signed at {} covers {} records but the store has {size}: records {size}..{} were removed (truncated or rolled back)", crate::clock::rfc3339_ns(c.time_ns), c.size, c.size - 1))
                    .seqs(size, c.size - 1),
            );
        }
    }
    // same size, different root between checkpoints: a fork
    {
        let mut by_size: Vec<&Cp> = cps.iter().collect();
        by_size.sort_by_key(|c| c.size);
        for w in by_size.windows(2) {
            if w[0].size == w[1].size && w[0].root != w[1].root {
                f.push(Finding::new("fork", Severity::Error, format!("two checkpoints of size {} have different roots: the log was forked or rewritten", w[0].size)).seqs(0, w[0].size.saturating_sub(1)));
            }
        }
    }

    // structure: segments and tombstones tile [0, sealed_end)
    enum Item<'a> {
        Seg(&'a crate::SegmentMeta),
        Tomb(&'a crate::tombstone::Tombstone),
    }
    let mut items: Vec<(u64, Item<'_>)> = store
        .segments()
        .iter()
        .map(|s| (s.file.footer.first_seq, Item::Seg(s)))
        .collect();
    for t in store.tombstones() {
        if store
            .segments()
            .iter()
            .any(|s| s.file.footer.first_seq == t.first && s.file.footer.end() == t.end)
        {
            f.push(Finding::new("prune_incomplete", Severity::Info, format!("{}: tombstone written but the segment is still there (interrupted prune; the next prune finishes it)", t.file_name())).seqs(t.first, t.end.saturating_sub(1)));
            continue;
        }
        items.push((t.first, Item::Tomb(t)));
    }
    items.sort_by_key(|(a, _)| *a);
    let mut expect = 0u64;
    let mut prev_hash = Hash::default();
    let mut prev_time = i64::MIN;
    let mut chain_ok = true;
    let retention = store.retention();
    for (_, it) in &items {
        match it {
            Item::Seg(s) => {
                let ft = &s.file.footer;
                let hd = &s.file.header;
                let name = &s.name;
                if ft.first_seq > expect {
                    f.push(Finding::new("segment_missing", Severity::Error, format!("records {expect}..{} are missing and no tombstone records a prune: a segment was deleted", ft.first_seq - 1)).seqs(expect, ft.first_seq - 1).times(prev_time, ft.min_recv.min(ft.min_event)));
                    chain_ok = false;
                } else if ft.first_seq < expect {
                    f.push(Finding::new("segment_overlap", Severity::Error, format!("{name} starts at {} but records up to {} are already stored: inserted or duplicated segment", ft.first_seq, expect - 1)).seg(name).seqs(ft.first_seq, expect - 1));
                    chain_ok = false;
                }
                if chain_ok && hd.prev_footer_hash != prev_hash {
                    f.push(Finding::new("chain_broken", Severity::Error, format!("{name} does not chain to the segment before it: segments were reordered, replaced or re-signed")).seg(name).seqs(ft.first_seq, ft.end().saturating_sub(1)).times(ft.min_recv, ft.newest()));
                }
                if !s.file.signature_ok(keys) {
                    f.push(
                        Finding::new(
                            "segment_signature_invalid",
                            Severity::Error,
                            format!("{name}: footer signature does not verify with the vault key"),
                        )
                        .seg(name)
                        .seqs(ft.first_seq, ft.end().saturating_sub(1)),
                    );
                }
                let named = crate::segment::parse_segment_name(name);
                if hd.first_seq != ft.first_seq
                    || hd.origin != origin
                    || hd.hash != alg
                    || ft.tree_size != ft.end()
                    || named != Some((ft.first_seq, ft.end().saturating_sub(1)))
                    || ft.count == 0
                {
                    f.push(Finding::new("segment_invalid", Severity::Error, format!("{name}: header, footer and file name disagree (first seq, origin, hash or count)")).seg(name).seqs(ft.first_seq, ft.end().saturating_sub(1)));
                }
                let mut bseq = ft.first_seq;
                for (i, b) in ft.blocks.iter().enumerate() {
                    if b.first_seq != bseq {
                        f.push(
                            Finding::new(
                                if b.first_seq > bseq {
                                    "records_deleted"
                                } else {
                                    "records_inserted"
                                },
                                Severity::Error,
                                format!(
                                    "{name}: block {i} starts at seq {} where {bseq} was expected",
                                    b.first_seq
                                ),
                            )
                            .seg(name)
                            .seqs(
                                bseq.min(b.first_seq),
                                bseq.max(b.first_seq).saturating_sub(1),
                            )
                            .times(b.min_recv, b.newest()),
                        );
                    }
                    bseq = b.first_seq + u64::from(b.count);
                    match s.file.check_block(i) {
                        Err(_) if pruned_meanwhile(store, s) => break,
                        Ok(h) => {
                            if h.first_seq != b.first_seq || h.count != b.count {
                                f.push(Finding::new("records_modified", Severity::Error, format!("{name}: block {i} header disagrees with the block directory")).seg(name).seqs(b.first_seq, b.first_seq + u64::from(b.count).saturating_sub(1)));
                            }
                        }
                        Err(e) => {
                            let mut x =
                                Finding::new("block_corrupt", Severity::Error, e.to_string())
                                    .seg(name)
                                    .seqs(
                                        b.first_seq,
                                        (b.first_seq + u64::from(b.count)).saturating_sub(1),
                                    )
                                    .times(b.min_recv, b.newest());
                            x.sources = ft.sources.clone();
                            f.push(x);
                        }
                    }
                }
                if bseq != ft.end() {
                    f.push(
                        Finding::new(
                            if bseq < ft.end() {
                                "records_deleted"
                            } else {
                                "records_inserted"
                            },
                            Severity::Error,
                            format!(
                                "{name}: blocks end at seq {bseq} but the footer says {}",
                                ft.end()
                            ),
                        )
                        .seg(name)
                        .seqs(bseq.min(ft.end()), bseq.max(ft.end()).saturating_sub(1)),
                    );
                }
                expect = expect.max(ft.end());
                prev_hash = s.file.footer_hash;
                prev_time = ft.newest();
                chain_ok = true;
            }
            Item::Tomb(t) => {
                let name = t.file_name();
                match t.note.check(keys) {
                    SigCheck::Valid { .. } if t.origin == origin => {}
                    _ => {
                        f.push(Finding::new("tombstone_invalid", Severity::Error, format!("{name}: tombstone signature does not verify: deletion of records {}..{} is not authorised", t.first, t.end.saturating_sub(1))).seg(&name).seqs(t.first, t.end.saturating_sub(1)));
                    }
                }
                if t.first > expect {
                    f.push(Finding::new("segment_missing", Severity::Error, format!("records {expect}..{} are missing and no tombstone records a prune: a segment was deleted", t.first - 1)).seqs(expect, t.first - 1));
                    chain_ok = false;
                }
                if chain_ok && t.prev != prev_hash {
                    f.push(
                        Finding::new(
                            "chain_broken",
                            Severity::Error,
                            format!("{name} does not chain to the segment before it"),
                        )
                        .seg(&name)
                        .seqs(t.first, t.end.saturating_sub(1)),
                    );
                }
                let newest = crate::clock::from_ns(t.newest_ns);
                let deadline = retention.deadline_ns(newest);
                let recorded: Option<crate::Retention> = crate::Retention::parse(&t.retention).ok();
                let deadline = recorded
                    .map(|r| r.deadline_ns(newest).max(deadline))
                    .unwrap_or(deadline);
                // a prune dated in the future ran on a clock set ahead: it
                // happened no later than now
                let pruned_at = t.pruned_at_ns.min(now_ns);
                if t.pruned_at_ns > future_ns && now_ns >= deadline {
                    f.push(Finding::new("tombstone_future_dated", Severity::Error, format!("{name}: the prune of records {}..{} is dated {}, after this machine's clock ({}): it ran with a clock set ahead (their retention has run out by now)", t.first, t.end.saturating_sub(1), crate::clock::rfc3339_ns(t.pruned_at_ns), crate::clock::rfc3339_ns(now_ns))).seg(&name).seqs(t.first, t.end.saturating_sub(1)));
                } else if t.pruned_at_ns > future_ns {
                    f.push(Finding::new("pruned_early", Severity::Error, format!("{name}: records {}..{} (newest {}) were pruned with a clock set ahead: the tombstone is dated {}, after this machine's clock ({}); their retention of {retention} runs out at {}", t.first, t.end.saturating_sub(1), crate::clock::rfc3339_ns(t.newest_ns), crate::clock::rfc3339_ns(t.pruned_at_ns), crate::clock::rfc3339_ns(now_ns), crate::clock::rfc3339_ns(deadline))).seg(&name).seqs(t.first, t.end.saturating_sub(1)));
                } else if pruned_at < deadline {
                    f.push(Finding::new("pruned_early", Severity::Error, format!("{name}: records {}..{} (newest {}) were pruned at {}, before the retention of {retention} ran out at {}", t.first, t.end.saturating_sub(1), crate::clock::rfc3339_ns(t.newest_ns), crate::clock::rfc3339_ns(t.pruned_at_ns), crate::clock::rfc3339_ns(deadline))).seg(&name).seqs(t.first, t.end.saturating_sub(1)));
                } else {
                    f.push(
                        Finding::new(
                            "pruned",
                            Severity::Info,
                            format!(
                                "records {}..{} (segment {}, newest {}) were pruned lawfully at {}",
                                t.first,
                                t.end.saturating_sub(1),
                                t.segment,
                                crate::clock::rfc3339_ns(t.newest_ns),
                                crate::clock::rfc3339_ns(t.pruned_at_ns)
                            ),
                        )
                        .seg(&t.segment)
                        .seqs(t.first, t.end.saturating_sub(1))
                        .times(i64::MIN, t.newest_ns),
                    );
                }
                expect = expect.max(t.end);
                prev_hash = t.footer;
                prev_time = t.newest_ns;
                chain_ok = true;
            }
        }
    }
    // WAL
    for (p, off, why) in &store.wal().corrupt {
        f.push(
            Finding::new(
                "wal_corrupt",
                Severity::Error,
                format!("{} at offset {off}: {why}", p.display()),
            )
            .seg(
                &p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ),
        );
    }
    if let Some(t) = &store.wal().torn {
        let max_cp = cps.iter().map(|c| c.size).max().unwrap_or(0);
        if t.next_seq >= max_cp {
            f.push(Finding::new("unsealed_tail_lost", Severity::Info, format!("unsealed tail lost: at least {} record(s) ({} bytes) after seq {}, not covered by any checkpoint (a crash before the group commit finished)", t.records, t.bytes, t.next_seq.saturating_sub(1))).seg(&t.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()).seqs(t.next_seq, t.next_seq + t.records - 1));
        }
    }
    let unsealed = store.unsealed();
    if let Some(first) = unsealed.first()
        && first.seq != expect
    {
        f.push(
            Finding::new(
                "segment_missing",
                Severity::Error,
                format!(
                    "records {expect}..{} are missing before the unsealed records",
                    first.seq.saturating_sub(1)
                ),
            )
            .seqs(expect, first.seq.saturating_sub(1)),
        );
    }

    let mut checked = 0u64;
    if !opts.quick {
        checked = full(store, &cps, &mut f, opts)?;
    }

    f.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.seq.cmp(&b.seq)));
    Ok(VerifyReport {
        quick: opts.quick,
        origin,
        hash: alg,
        size,
        records_checked: checked,
        segments: store.segments().len(),
        tombstones: store.tombstones().len(),
        checkpoints: log.entries.len(),
        latest,
        findings: f,
    })
}

/// Whether segment `s` was pruned since the store was opened (its file is
/// gone and its tombstone is there): not damage, a concurrent prune.
fn pruned_meanwhile(store: &Store, s: &crate::SegmentMeta) -> bool {
    let ft = &s.file.footer;
    !s.file.path.exists()
        && store
            .layout()
            .tombstones()
            .join(format!(
                "{:020}-{:020}.tomb",
                ft.first_seq,
                ft.end().saturating_sub(1)
            ))
            .exists()
}

fn check_sig(
    c: &SignedCheckpoint,
    keys: &PublicKeys,
    origin: &str,
    what: &str,
    f: &mut Vec<Finding>,
    trusted: bool,
) -> bool {
    if c.checkpoint.origin != origin {
        f.push(Finding::new(
            if trusted {
                "store_replaced"
            } else {
                "checkpoint_unknown_key"
            },
            Severity::Error,
            format!(
                "{what}: origin {:?} is not this log ({origin:?}){}",
                c.checkpoint.origin,
                if trusted {
                    ": the store was replaced"
                } else {
                    ""
                }
            ),
        ));
        return false;
    }
    match c.check(keys) {
        SigCheck::Valid { sm2 } => {
            if !sm2 && keys.has_sm2() {
                f.push(Finding::new(
                    "checkpoint_sm2_missing",
                    Severity::Warning,
                    format!(
                        "{what} (size {}): no valid SM2 signature line",
                        c.checkpoint.size
                    ),
                ));
            }
            true
        }
        SigCheck::Invalid => {
            f.push(Finding::new("checkpoint_forged", Severity::Error, format!("{what} (size {}): signature does not verify: the checkpoint was altered or forged", c.checkpoint.size)).seqs(0, c.checkpoint.size.saturating_sub(1)));
            false
        }
        SigCheck::UnknownKey => {
            f.push(
                Finding::new(
                    if trusted {
                        "store_replaced"
                    } else {
                        "checkpoint_unknown_key"
                    },
                    Severity::Error,
                    format!(
                        "{what} (size {}): not signed by this vault's key{}",
                        c.checkpoint.size,
                        if trusted {
                            ": the store or its keys were replaced"
                        } else {
                            ""
                        }
                    ),
                )
                .seqs(0, c.checkpoint.size.saturating_sub(1)),
            );
            false
        }
    }
}

struct TileAcc {
    min_t: i64,
    max_t: i64,
    sources: BTreeSet<String>,
}

impl TileAcc {
    fn new() -> TileAcc {
        TileAcc {
            min_t: i64::MAX,
            max_t: i64::MIN,
            sources: BTreeSet::new(),
        }
    }
}

/// Full mode: recompute every leaf, every tile and the root at every checkpoint.
fn full(store: &Store, cps: &[Cp], f: &mut Vec<Finding>, opts: &VerifyOptions<'_>) -> Result<u64> {
    let alg = store.hash_alg();
    let mut sizes: Vec<(u64, Hash, i64, bool)> = cps
        .iter()
        .map(|c| (c.size, c.root, c.time_ns, c.trusted))
        .collect();
    sizes.sort_by_key(|c| c.0);
    let mut ci = 0usize;
    let mut last_good = 0u64;
    let mut main = CompactRange::new();
    let mut tile = CompactRange::new();
    let mut acc = TileAcc::new();
    let mut broken = false;
    let mut checked = 0u64;
    let mut scratch = Vec::with_capacity(4096);

    // checkpoint of size 0
    let check_cps = |size: u64,
                     main: &CompactRange,
                     tile: &CompactRange,
                     ci: &mut usize,
                     last_good: &mut u64,
                     f: &mut Vec<Finding>,
                     broken: bool| {
        while *ci < sizes.len() && sizes[*ci].0 < size {
            *ci += 1; // inside a pruned range or after a break: not checkable
        }
        while *ci < sizes.len() && sizes[*ci].0 == size {
            let (s, root, t, trusted) = sizes[*ci];
            if !broken {
                let mut roots = main.roots().to_vec();
                roots.extend_from_slice(tile.roots());
                let got = CompactRange::from_parts(size, roots).map(|c| c.root(alg));
                if got != Some(root) {
                    let kind = if trusted { "fork" } else { "root_mismatch" };
                    f.push(Finding::new(kind, Severity::Error, format!("{} checkpoint of size {s} signed at {} does not match the stored records: a record in {}..{} was changed, inserted, removed or reordered", if trusted { "the trusted" } else { "a" }, crate::clock::rfc3339_ns(t), *last_good, s.saturating_sub(1))).seqs(*last_good, s.saturating_sub(1)));
                } else {
                    *last_good = s;
                }
            }
            *ci += 1;
        }
    };
    check_cps(0, &main, &tile, &mut ci, &mut last_good, f, broken);

    let mut items: Vec<(u64, bool, usize)> = store
        .segments()
        .iter()
        .enumerate()
        .map(|(i, s)| (s.file.footer.first_seq, true, i))
        .collect();
    items.extend(
        store
            .tombstones()
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                !store
                    .segments()
                    .iter()
                    .any(|s| s.file.footer.first_seq == t.first)
            })
            .map(|(i, t)| (t.first, false, i)),
    );
    items.sort();
    // a whole tile (root `h`, index `idx`) goes into the tree: checked
    // against the tile hash the footer stores
    let close_tile = |h: Hash,
                      idx: u64,
                      main: &mut CompactRange,
                      tile: &mut CompactRange,
                      acc: &mut TileAcc,
                      tiles: Option<(&[Hash], u64, &str)>,
                      f: &mut Vec<Finding>| {
        if let Some((ts, first_tile, name)) = tiles {
            let stored = idx.checked_sub(first_tile).and_then(|i| ts.get(i as usize));
            if stored.is_some_and(|s| *s != h) {
                let mut x = Finding::new("records_modified", Severity::Error, format!("{name}: records {}..{} do not match their stored subtree hash: a record was modified", idx * TILE, idx * TILE + TILE - 1)).seg(name).seqs(idx * TILE, idx * TILE + TILE - 1).times(acc.min_t, acc.max_t);
                x.sources = acc.sources.iter().cloned().collect();
                f.push(x);
            }
        }
        main.push_subtree(alg, 8, h);
        *tile = CompactRange::new();
        *acc = TileAcc::new();
    };
    let push_leaf = |leaf: Hash,
                     seq: u64,
                     t: i64,
                     src: &str,
                     main: &mut CompactRange,
                     tile: &mut CompactRange,
                     acc: &mut TileAcc,
                     tiles: Option<(&[Hash], u64, &str)>,
                     f: &mut Vec<Finding>| {
        tile.push(alg, leaf);
        acc.min_t = acc.min_t.min(t);
        acc.max_t = acc.max_t.max(t);
        if acc.sources.len() < 8 && !acc.sources.contains(src) {
            acc.sources.insert(src.to_owned());
        }
        if tile.size() == TILE {
            close_tile(tile.root(alg), seq / TILE, main, tile, acc, tiles, f);
        }
    };
    // blocks are read, decompressed and their leaves hashed by worker
    // threads, ahead of this one, which builds the tree in order
    let jobs: Vec<(usize, usize)> = items
        .iter()
        .filter(|x| x.1)
        .flat_map(|&(_, _, i)| {
            (0..store.segments()[i].file.footer.blocks.len()).map(move |bi| (i, bi))
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get().min(MAX_VERIFY_THREADS))
        .min(jobs.len().max(1));
    std::thread::scope(|sc| {
        let mut rxs = Vec::with_capacity(threads);
        for w in 0..threads {
            let (tx, rx) = std::sync::mpsc::sync_channel(BLOCKS_AHEAD);
            let jobs = &jobs;
            sc.spawn(move || {
                let mut scratch = Vec::with_capacity(4096);
                for &(si, bi) in jobs.iter().skip(w).step_by(threads) {
                    let r = block_leaves(&store.segments()[si].file, bi, alg, &mut scratch);
                    if tx.send(r).is_err() {
                        break;
                    }
                }
            });
            rxs.push(rx);
        }
        let next_block = |k: &mut usize| -> Result<BlockLeaves> {
            let r = rxs[*k % threads].recv().unwrap_or_else(|_| {
                Err(crate::Error::new(
                    crate::ErrorKind::Io,
                    "verify worker thread stopped unexpectedly",
                ))
            });
            *k += 1;
            r
        };
        let mut k = 0usize;
        for (first, is_seg, i) in items {
            let size_now = main.size() + tile.size();
            if first != size_now {
                broken = true;
            }
            if !is_seg {
                let t = &store.tombstones()[i];
                if let Some(c) = CompactRange::from_parts(t.tree_size, t.compact.clone()) {
                    let mut roots = c.roots().to_vec();
                    let main_size = t.tree_size & !(TILE - 1);
                    let n_main = main_size.count_ones() as usize;
                    let tail = roots.split_off(n_main);
                    main = CompactRange::from_parts(main_size, roots).unwrap_or_default();
                    tile =
                        CompactRange::from_parts(t.tree_size - main_size, tail).unwrap_or_default();
                    acc = TileAcc::new();
                    broken = false;
                    check_cps(
                        t.tree_size,
                        &main,
                        &tile,
                        &mut ci,
                        &mut last_good,
                        f,
                        broken,
                    );
                }
                continue;
            }
            let s = &store.segments()[i];
            let ft = &s.file.footer;
            let name = s.name.as_str();
            // a prune beside us stopped this segment: the rest of its blocks are skipped
            let mut gone = false;
            for bi in 0..ft.blocks.len() {
                let be = ft.blocks[bi];
                let read = next_block(&mut k);
                if gone {
                    continue;
                }
                let bl = match read {
                    Ok(x) => x,
                    Err(_) if pruned_meanwhile(store, s) => {
                        // a prune beside us: its tombstone keeps the tree state
                        broken = true;
                        gone = true;
                        continue;
                    }
                    Err(e) => {
                        if !f.iter().any(|x| {
                            x.kind == "block_corrupt" && x.segment.as_deref() == Some(name)
                        }) {
                            f.push(
                                Finding::new("block_corrupt", Severity::Error, e.to_string())
                                    .seg(name)
                                    .seqs(
                                        be.first_seq,
                                        (be.first_seq + u64::from(be.count)).saturating_sub(1),
                                    )
                                    .times(be.min_recv, be.newest()),
                            );
                        }
                        broken = true;
                        continue;
                    }
                };
                let h = &bl.header;
                let mut expect = h.first_seq;
                let mut n = 0u32;
                let mut wtiles = bl.tiles.iter().peekable();
                let mut ri = 0usize;
                while ri < bl.recs.len() {
                    let r = &bl.recs[ri];
                    // a tile the worker hashed whole, starting where the tree
                    // is now, with no checkpoint inside it: its records are
                    // exactly those pushed one by one below, in order, so its
                    // root is the one the tree would get
                    while wtiles.peek().is_some_and(|t| t.0 < ri) {
                        wtiles.next();
                    }
                    if !broken
                        && tile.size() == 0
                        && r.seq == expect
                        && main.size() == r.seq
                        && let Some(&&(_, th)) = wtiles.peek().filter(|t| t.0 == ri)
                        && sizes
                            .get(sizes.partition_point(|c| c.0 <= r.seq))
                            .is_none_or(|c| c.0 >= r.seq + TILE)
                    {
                        let mut last_src = u32::MAX;
                        for r in &bl.recs[ri..ri + TILE as usize] {
                            acc.min_t = acc.min_t.min(r.received_ns);
                            acc.max_t = acc.max_t.max(r.received_ns);
                            if r.source != last_src {
                                last_src = r.source;
                                let src = bl.sources[r.source as usize].as_str();
                                if acc.sources.len() < 8 && !acc.sources.contains(src) {
                                    acc.sources.insert(src.to_owned());
                                }
                            }
                            tick(&mut checked, opts);
                        }
                        close_tile(
                            th,
                            r.seq / TILE,
                            &mut main,
                            &mut tile,
                            &mut acc,
                            Some((&ft.tiles, ft.first_tile, name)),
                            f,
                        );
                        check_cps(
                            main.size() + tile.size(),
                            &main,
                            &tile,
                            &mut ci,
                            &mut last_good,
                            f,
                            broken,
                        );
                        n += TILE as u32;
                        expect = r.seq + TILE;
                        ri += TILE as usize;
                        continue;
                    }
                    ri += 1;
                    n += 1;
                    let source = bl.sources[r.source as usize].as_str();
                    if r.seq != expect {
                        let (kind, a, b) = if r.seq > expect {
                            ("records_deleted", expect, r.seq - 1)
                        } else {
                            ("records_reordered", r.seq, expect - 1)
                        };
                        let mut x = Finding::new(
                            kind,
                            Severity::Error,
                            format!(
                                "{name}: block {bi}: seq {} found where {expect} was expected",
                                r.seq
                            ),
                        )
                        .seg(name)
                        .seqs(a, b)
                        .times(r.received_ns, r.received_ns);
                        x.sources = vec![source.to_owned()];
                        f.push(x);
                        broken = true;
                    }
                    expect = r.seq.saturating_add(1);
                    if !broken {
                        push_leaf(
                            r.leaf,
                            r.seq,
                            r.received_ns,
                            source,
                            &mut main,
                            &mut tile,
                            &mut acc,
                            Some((&ft.tiles, ft.first_tile, name)),
                            f,
                        );
                        check_cps(
                            main.size() + tile.size(),
                            &main,
                            &tile,
                            &mut ci,
                            &mut last_good,
                            f,
                            broken,
                        );
                    }
                    tick(&mut checked, opts);
                }
                if let Some(e) = &bl.err {
                    f.push(
                        Finding::new(
                            "block_corrupt",
                            Severity::Error,
                            format!("{name}: block {bi}: {e}"),
                        )
                        .seg(name)
                        .seqs(expect, (h.first_seq + u64::from(h.count)).saturating_sub(1)),
                    );
                    broken = true;
                }
                if n != h.count || bl.trailing {
                    f.push(
                        Finding::new(
                            if n > h.count {
                                "records_inserted"
                            } else {
                                "records_deleted"
                            },
                            Severity::Error,
                            format!(
                                "{name}: block {bi} holds {n} records, its header says {}",
                                h.count
                            ),
                        )
                        .seg(name)
                        .seqs(
                            h.first_seq,
                            (h.first_seq + u64::from(h.count.max(n))).saturating_sub(1),
                        )
                        .times(h.min_recv, h.newest()),
                    );
                    broken = true;
                }
            }
            if !broken {
                let mut roots = main.roots().to_vec();
                roots.extend_from_slice(tile.roots());
                if roots != ft.compact || main.size() + tile.size() != ft.tree_size {
                    f.push(Finding::new("records_modified", Severity::Error, format!("{name}: the records do not produce the tree state recorded in the footer")).seg(name).seqs(ft.first_seq, ft.end().saturating_sub(1)).times(ft.min_recv, ft.newest()));
                }
            } else {
                // resynchronise on the footer's tree state so later segments are still checked
                if let Some(c) = ft.compact_range() {
                    let mut roots = c.roots().to_vec();
                    let main_size = c.size() & !(TILE - 1);
                    let tail = roots.split_off(main_size.count_ones() as usize);
                    main = CompactRange::from_parts(main_size, roots).unwrap_or_default();
                    tile = CompactRange::from_parts(c.size() - main_size, tail).unwrap_or_default();
                    acc = TileAcc::new();
                    broken = false;
                    last_good = c.size();
                }
            }
        }
    });
    let sz = main.size() + tile.size();
    if !broken && sz == store.sealed_end() {
        for r in store.unsealed() {
            let leaf = r.leaf_hash(alg, &mut scratch);
            push_leaf(
                leaf,
                r.seq,
                r.received_ns,
                &r.source,
                &mut main,
                &mut tile,
                &mut acc,
                None,
                f,
            );
            check_cps(
                main.size() + tile.size(),
                &main,
                &tile,
                &mut ci,
                &mut last_good,
                f,
                broken,
            );
            checked += 1;
        }
    }
    Ok(checked)
}

/// Verify worker threads at most (each reads, decompresses and hashes
/// whole blocks; the calling thread builds the tree).
const MAX_VERIFY_THREADS: usize = 4;

/// Blocks a verify worker may have finished ahead of the tree builder.
const BLOCKS_AHEAD: usize = 4;

/// One record of a block as the tree builder needs it.
struct LeafRec {
    seq: u64,
    received_ns: i64,
    /// Index into [`BlockLeaves::sources`].
    source: u32,
    leaf: Hash,
}

/// What a verify worker found in one block: every decodable record's leaf,
/// in order, then the decoding error that stopped it, if any.
struct BlockLeaves {
    header: crate::block::BlockHeader,
    sources: Vec<String>,
    recs: Vec<LeafRec>,
    /// Why the record after `recs` could not be decoded.
    err: Option<String>,
    /// Bytes left after the last record.
    trailing: bool,
    /// The level-8 tiles this block holds whole, in order: the index in
    /// `recs` of a tile's first record and the tile's root, computed by the
    /// worker over `TILE` records whose seqs run from a multiple of `TILE`
    /// without a gap. The tree builder takes the root instead of hashing
    /// the tile's 255 interior nodes itself when those records are exactly
    /// the ones it would push (see `full`).
    tiles: Vec<(usize, Hash)>,
}

/// Read, decompress and hash block `bi` of `seg`.
fn block_leaves(
    seg: &crate::segment::SegmentFile,
    bi: usize,
    alg: HashAlg,
    scratch: &mut Vec<u8>,
) -> Result<BlockLeaves> {
    let (header, data) = seg.read_block(bi)?;
    let mut out = BlockLeaves {
        recs: Vec::with_capacity(header.count as usize),
        header,
        sources: Vec::new(),
        err: None,
        trailing: false,
        tiles: Vec::new(),
    };
    // the tile being gathered: index in `out.recs` of its first record
    let mut run: Option<usize> = None;
    // leaves hashed eight at a time where that is faster (`HashAlg::batches`):
    // the canonical records of the last `out.recs` whose leaves are not hashed yet
    let batched = alg.batches();
    let mut unhashed = Unhashed::default();
    let mut it = data.records();
    let mut last: Option<(&str, u32)> = None;
    for r in it.by_ref() {
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                out.err = Some(e.to_string());
                break;
            }
        };
        let source = match last {
            Some((s, i)) if s == r.source => i,
            _ => {
                let i = match out.sources.iter().position(|s| s == r.source) {
                    Some(i) => i as u32,
                    None => {
                        out.sources.push(r.source.to_owned());
                        (out.sources.len() - 1) as u32
                    }
                };
                last = Some((r.source, i));
                i
            }
        };
        let leaf = if batched {
            unhashed.add(&r);
            Hash::default()
        } else {
            crate::record::leaf_hash_of(
                alg,
                scratch,
                r.seq,
                r.received_ns,
                [r.source, r.peer, r.transport],
                r.raw,
            )
        };
        let i = out.recs.len();
        out.recs.push(LeafRec {
            seq: r.seq,
            received_ns: r.received_ns,
            source,
            leaf,
        });
        if unhashed.ranges.len() == crate::lanes::LANES {
            unhashed.hash(alg, &mut out.recs);
        }
        // a tile goes on only while the seqs follow each other
        if let Some(start) = run
            && out.recs[start].seq.checked_add((i - start) as u64) != Some(r.seq)
        {
            run = None;
        }
        if run.is_none() && r.seq.is_multiple_of(TILE) {
            run = Some(i);
        }
        if let Some(start) = run
            && i + 1 - start == TILE as usize
        {
            unhashed.hash(alg, &mut out.recs);
            let leaves: Vec<Hash> = out.recs[start..=i].iter().map(|r| r.leaf).collect();
            let root = alg.perfect_root(&leaves);
            out.tiles.push((start, root));
            run = None;
        }
    }
    unhashed.hash(alg, &mut out.recs);
    out.trailing = it.trailing();
    Ok(out)
}

/// Canonical records of a block whose leaves are not hashed yet (at most
/// eight: the last of [`BlockLeaves::recs`]).
#[derive(Default)]
struct Unhashed {
    canonical: Vec<u8>,
    ranges: Vec<std::ops::Range<usize>>,
}

impl Unhashed {
    fn add(&mut self, r: &crate::block::RecordView<'_>) {
        let start = self.canonical.len();
        crate::record::canonical_into(
            &mut self.canonical,
            r.seq,
            r.received_ns,
            r.source,
            r.peer,
            r.transport,
            r.raw,
        );
        self.ranges.push(start..self.canonical.len());
    }

    /// Hash them into the leaves of the last records of `recs`.
    fn hash(&mut self, alg: HashAlg, recs: &mut [LeafRec]) {
        let n = self.ranges.len();
        if n == 0 {
            return;
        }
        let mut leaves = [Hash::default(); crate::lanes::LANES];
        alg.leaves_at(&self.canonical, &self.ranges, &mut leaves);
        let from = recs.len() - n;
        for (rec, leaf) in recs[from..].iter_mut().zip(leaves) {
            rec.leaf = leaf;
        }
        self.canonical.clear();
        self.ranges.clear();
    }
}

/// One more record checked; progress is reported every 65 536 records.
fn tick(checked: &mut u64, opts: &VerifyOptions) {
    *checked += 1;
    if checked.is_multiple_of(65536)
        && let Some(p) = opts.progress
    {
        p(*checked);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tiles a worker hashes whole are the ones the footer stores, and
    /// a block of a few thousand records has some (so the tree builder
    /// takes that path).
    #[test]
    fn worker_tiles_match_the_footer() -> Result<()> {
        let tmp = std::env::temp_dir().join(format!("vault-verify-tiles-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let mut v = crate::Vault::init(&tmp, &crate::InitOptions::default())?;
        for i in 0..3000 {
            v.append(&crate::Incoming {
                received_ns: i,
                source: if i % 3 == 0 { "a" } else { "b" },
                peer: "-",
                transport: "file",
                raw: format!("line {i}").as_bytes(),
            })?;
        }
        v.seal()?;
        drop(v);
        let store = Store::open(&tmp)?;
        let alg = store.hash_alg();
        let mut scratch = Vec::new();
        let mut seen = 0;
        for s in store.segments() {
            let ft = &s.file.footer;
            for bi in 0..ft.blocks.len() {
                let bl = block_leaves(&s.file, bi, alg, &mut scratch)?;
                for &(at, h) in &bl.tiles {
                    let first = bl.recs[at].seq;
                    assert_eq!(first % TILE, 0);
                    let leaves: Vec<Hash> = bl.recs[at..at + TILE as usize]
                        .iter()
                        .map(|r| r.leaf)
                        .collect();
                    assert_eq!(h, crate::merkle::mth(alg, &leaves));
                    assert_eq!(
                        Some(&h),
                        ft.tiles.get((first / TILE - ft.first_tile) as usize)
                    );
                    seen += 1;
                }
            }
        }
        assert_eq!(seen, 3000 / TILE);
        std::fs::remove_dir_all(&tmp).ok();
        Ok(())
    }
}
