//! Retention: [`prune`] is the only path that deletes.
//!
//! Rule. Only whole segments go, oldest first, and only while every
//! condition holds for the oldest remaining segment:
//! 1. its newest time (max of receive and event time) is before
//!    `now − retention` (calendar months: Aug 31 − 6 months = Feb 28/29);
//!    a retention whose arithmetic leaves the calendar expires nothing;
//! 2. the clock agrees with the store's own history: `now` is not before any
//!    valid checkpoint (a checkpoint dated later was signed with a clock
//!    ahead, or the clock was set back) nor before any record's receive
//!    time, and not more than `max_checkpoint_gap` after the latest
//!    checkpoint (a clock set forward to purge early is refused with the
//!    reason);
//! 3. the checkpoint timeline shows enough elapsed time: summing the
//!    intervals between consecutive checkpoints from the first checkpoint that
//!    covers the segment up to now, each interval capped at
//!    `max_checkpoint_gap` (at most 7 days) and backward steps counted as
//!    zero, must reach `deadline(newest) − time of that checkpoint`. A jump
//!    of the clock adds at most one gap, so it cannot shorten retention; an
//!    honest outage only delays pruning;
//! 4. the store is live: its newest record arrived at most
//!    `max_checkpoint_gap` before `now`. Checkpoints alone, signed while
//!    nothing arrives, cannot walk the clock forward to a prune; the
//!    records' receive times must follow (and a forged one stays in the
//!    hashed log). Run prune right after an ingest, or while logs flow.
//!
//! For each pruned segment a signed tombstone is written first (keeping the
//! tree state, level-8 tiles and edge leaves so the tree stays verifiable),
//! then a prune event record (source `wangan.vault`) is appended and
//! committed, then the segment file is removed.
//!
//! [`plan`] applies the rule to a read-only [`Store`] snapshot: a dry run
//! needs no writer lock, so it runs beside `wangan serve`.

use time::OffsetDateTime;

use crate::store::{Store, Vault};
use crate::tombstone::Tombstone;
use crate::{Error, ErrorKind, Result};

/// Options of [`prune`].
#[derive(Debug, Clone, Default)]
pub struct PruneOptions {
    /// Only report what would go.
    pub dry_run: bool,
}

/// A segment that was (or would be) pruned.
#[derive(Debug, Clone)]
pub struct PruneItem {
    /// Segment file name.
    pub segment: String,
    /// First seq.
    pub first: u64,
    /// Seq after the last.
    pub end: u64,
    /// Newest time in the segment (ns).
    pub newest_ns: i64,
}

/// What [`prune`] did.
#[derive(Debug, Clone)]
pub struct PruneReport {
    /// The clock reading used.
    pub now_ns: i64,
    /// `now − retention`.
    pub cutoff_ns: i64,
    /// Segments pruned (or, with `dry_run`, that would be).
    pub pruned: Vec<PruneItem>,
    /// Why pruning stopped early (clock not trusted, timeline too short), if it did.
    pub refused: Option<String>,
    /// Whether this was a dry run.
    pub dry_run: bool,
}

/// What [`prune`] would delete at `now`, by the rule of the module docs,
/// from the snapshot `store`: reads only (no lock, nothing written), so it
/// runs while another process writes. `dry_run` is set in the report.
pub fn plan(store: &Store, now: OffsetDateTime) -> Result<PruneReport> {
    let now_ns = crate::clock::checked_ns(now).ok_or_else(|| {
        Error::new(
            ErrorKind::Refused,
            format!(
                "the clock ({}) is outside the range of stored times",
                crate::clock::rfc3339(now)
            ),
        )
    })?;
    let retention = store.retention();
    let max_gap = store.config().max_gap()?;
    let cap = i64::try_from(max_gap.whole_nanoseconds()).unwrap_or(i64::MAX);
    let cutoff_ns = retention.cutoff_ns(now);
    let mut report = PruneReport {
        now_ns,
        cutoff_ns,
        pruned: Vec::new(),
        refused: None,
        dry_run: true,
    };
    let t = crate::clock::rfc3339_ns;
    let keys = store.public_keys();
    let log = store.checkpoints()?;
    let cps: Vec<(u64, i64)> = log
        .entries
        .iter()
        .filter(|c| matches!(c.check(keys), crate::note::SigCheck::Valid { .. }))
        .map(|c| (c.checkpoint.size, c.checkpoint.time_ns))
        .collect();
    let Some(&(_, latest_t)) = cps.last() else {
        report.refused = Some("no valid checkpoint: the clock cannot be trusted".into());
        return Ok(report);
    };
    // 2. the clock against the store's history
    let max_t = cps.iter().map(|c| c.1).max().unwrap_or(latest_t);
    if now_ns < latest_t {
        report.refused = Some(format!(
            "the clock ({}) is behind the latest checkpoint ({}): the clock was set back; refusing to prune",
            t(now_ns),
            t(latest_t)
        ));
        return Ok(report);
    }
    if now_ns < max_t {
        report.refused = Some(format!(
            "a checkpoint is dated {}, after the clock ({}), and later ones went back in time: it was signed with a clock set ahead, or the clock was set back; the store's history contradicts the clock, so nothing is pruned before {}",
            t(max_t),
            t(now_ns),
            t(max_t)
        ));
        return Ok(report);
    }
    let newest_recv = store
        .segments()
        .iter()
        .map(|s| s.file.footer.max_recv)
        .chain(store.unsealed().iter().map(|r| r.received_ns))
        .max();
    if let Some(r) = newest_recv
        && now_ns < r
    {
        report.refused = Some(format!(
            "a record was received at {}, after the clock ({}): the clock was set back; refusing to prune",
            t(r),
            t(now_ns)
        ));
        return Ok(report);
    }
    let ahead = now_ns.saturating_sub(latest_t);
    if ahead > cap {
        report.refused = Some(format!(
            "the clock ({}) is {} ahead of the latest checkpoint ({}), more than the allowed gap of {max_gap}: a clock set forward could purge logs early; write checkpoints on a steady cadence (a new checkpoint now and then) and retry",
            t(now_ns),
            time::Duration::nanoseconds(ahead),
            t(latest_t)
        ));
        return Ok(report);
    }
    // 3. capped elapsed time from each checkpoint to now: suffix sums
    let mut since = vec![0i64; cps.len()];
    let mut acc = ahead.clamp(0, cap);
    for i in (0..cps.len()).rev() {
        since[i] = acc;
        if i > 0 {
            acc = acc.saturating_add(cps[i].1.saturating_sub(cps[i - 1].1).clamp(0, cap));
        }
    }
    let mut expect = store
        .tombstones()
        .iter()
        .filter(|t| {
            !store
                .segments()
                .iter()
                .any(|s| s.file.footer.first_seq == t.first)
        })
        .map(|t| t.end)
        .max()
        .unwrap_or(0);
    for s in store.segments() {
        let ft = &s.file.footer;
        if ft.first_seq != expect {
            report.refused = Some(format!(
                "segment {} does not follow the previous one; verify the store",
                s.name
            ));
            break;
        }
        let newest = ft.newest();
        if newest >= cutoff_ns {
            break;
        }
        // elapsed time on the checkpoint timeline since the segment was covered
        let Some(i0) = cps.iter().position(|(size, _)| *size >= ft.end()) else {
            report.refused = Some(format!(
                "segment {} is not covered by any checkpoint",
                s.name
            ));
            break;
        };
        let elapsed = since[i0];
        let deadline = retention.deadline_ns(crate::clock::from_ns(newest));
        let needed = deadline.saturating_sub(cps[i0].1).max(0);
        if elapsed < needed {
            report.refused = Some(format!(
                "segment {}: the checkpoint timeline shows only {} of continuous time since it was sealed, {} are needed (gaps longer than {max_gap} count as {max_gap})",
                s.name,
                time::Duration::nanoseconds(elapsed),
                time::Duration::nanoseconds(needed)
            ));
            break;
        }
        report.pruned.push(PruneItem {
            segment: s.name.clone(),
            first: ft.first_seq,
            end: ft.end(),
            newest_ns: newest,
        });
        expect = ft.end();
    }
    // 4. the store is live: its records confirm the clock
    if !report.pruned.is_empty() {
        let quiet = newest_recv.is_none_or(|r| now_ns.saturating_sub(r) > cap);
        if quiet {
            report.pruned.clear();
            report.refused = Some(format!(
                "no record has arrived since {} (more than the allowed gap of {max_gap} before the clock's {}): the store's own history does not confirm the clock, so nothing is pruned; prune right after records arrive (after an ingest, or while logs flow in)",
                newest_recv.map_or_else(|| "the start".to_owned(), t),
                t(now_ns)
            ));
        }
    }
    Ok(report)
}

/// Prune expired segments (see the module docs for the rule). Commits
/// first, so the rule sees every durable record and checkpoint.
pub fn prune(v: &mut Vault, opts: &PruneOptions) -> Result<PruneReport> {
    v.commit()?;
    v.reload()?;
    let now = v.clock().now();
    let mut report = plan(v.store(), now)?;
    report.dry_run = opts.dry_run;
    if opts.dry_run || report.pruned.is_empty() {
        return Ok(report);
    }
    let now_ns = report.now_ns;
    let retention = v.store().retention();
    let cutoff_ns = report.cutoff_ns;
    let todo: Vec<String> = report.pruned.iter().map(|p| p.segment.clone()).collect();
    for name in todo {
        let store = v.store();
        let Some(s) = store.segments().iter().find(|s| s.name == name) else {
            continue;
        };
        let ft = &s.file.footer;
        let edge_start = (ft.end() / crate::segment::TILE) * crate::segment::TILE;
        let edge = if edge_start < ft.end() {
            store.leaf_hashes(edge_start..ft.end())?
        } else {
            Vec::new()
        };
        let t = Tombstone {
            origin: store.config().origin.clone(),
            segment: name.clone(),
            first: ft.first_seq,
            end: ft.end(),
            prev: s.file.header.prev_footer_hash,
            footer: s.file.footer_hash,
            newest_ns: ft.newest(),
            pruned_at_ns: now_ns,
            retention: retention.to_string(),
            tree_size: ft.tree_size,
            compact: ft.compact.clone(),
            first_tile: ft.first_tile,
            tiles: ft.tiles.clone(),
            edge_start,
            edge,
            note: crate::note::Note {
                text: String::new(),
                sigs: Vec::new(),
            },
        }
        .sign(v.signer())?;
        let tdir = store.layout().tombstones();
        crate::fsx::create_dir(&tdir)?;
        let tpath = tdir.join(t.file_name());
        crate::fsx::write_atomic(
            v.durability(),
            &tpath,
            t.note.to_string().as_bytes(),
            crate::fsx::SEALED_MODE,
            crate::durable::Target::Tombstone,
        )?;
        let seg_path = s.file.path.clone();
        let msg = format!(
            "{{\"event\":\"prune\",\"segment\":\"{name}\",\"first_seq\":{},\"last_seq\":{},\"newest\":\"{}\",\"retention\":\"{retention}\",\"cutoff\":\"{}\"}}",
            t.first,
            t.end - 1,
            crate::clock::rfc3339_ns(t.newest_ns),
            crate::clock::rfc3339_ns(cutoff_ns)
        );
        v.append(&crate::Incoming {
            received_ns: now_ns,
            source: crate::INTERNAL_SOURCE,
            peer: "-",
            transport: "internal",
            raw: msg.as_bytes(),
        })?;
        v.commit()?;
        v.durability()
            .remove_file(&seg_path, crate::durable::Target::Segment)
            .map_err(|e| Error::io("remove pruned segment", &seg_path, e))?;
        crate::fsx::sync_dir(
            v.durability(),
            seg_path.parent().unwrap_or(std::path::Path::new(".")),
            crate::durable::Target::Segment,
        )?;
        tracing::info!(segment = %name, first = t.first, end = t.end, "segment pruned");
        v.reload()?;
    }
    Ok(report)
}
