//! Retention: [`prune`] is the only path that deletes.
//!
//! Rule. Only whole segments go, oldest first, and only while every
//! condition holds for the oldest remaining segment:
//! 1. its newest time (max of receive and event time) is before
//!    `now − retention` (calendar months: Aug 31 − 6 months = Feb 28/29);
//! 2. the clock is trusted: `now` is not before the latest checkpoint and
//!    not more than `max_checkpoint_gap` after it (a clock set back, or set
//!    forward to purge early, is refused with the reason);
//! 3. the checkpoint timeline shows enough elapsed time: summing the
//!    intervals between consecutive checkpoints from the first checkpoint that
//!    covers the segment up to now, each interval capped at
//!    `max_checkpoint_gap` and backward steps counted as zero, must reach
//!    `deadline(newest) − time of that checkpoint`. A jump of the clock adds
//!    at most one gap, so it cannot shorten retention; an honest outage only
//!    delays pruning.
//!
//! For each pruned segment a signed tombstone is written first (keeping the
//! tree state, level-8 tiles and edge leaves so the tree stays verifiable),
//! then a prune event record (source `wangan.vault`) is appended and
//! committed, then the segment file is removed.

use crate::store::Vault;
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

/// Prune expired segments (see the module docs for the rule).
pub fn prune(v: &mut Vault, opts: &PruneOptions) -> Result<PruneReport> {
    v.commit()?;
    v.reload()?;
    let now = v.clock().now();
    let now_ns = crate::clock::to_ns(now);
    let store = v.store();
    let retention = store.retention();
    let max_gap = store.config().max_gap()?;
    let cutoff = retention.cutoff(now);
    let mut report = PruneReport {
        now_ns,
        cutoff_ns: crate::clock::to_ns(cutoff),
        pruned: Vec::new(),
        refused: None,
        dry_run: opts.dry_run,
    };
    let keys = store.public_keys();
    let log = store.checkpoints()?;
    let cps: Vec<_> = log
        .entries
        .iter()
        .filter(|c| matches!(c.check(keys), crate::note::SigCheck::Valid { .. }))
        .map(|c| (c.checkpoint.size, c.checkpoint.time_ns))
        .collect();
    let Some(&(_, latest_t)) = cps.last() else {
        report.refused = Some("no valid checkpoint: the clock cannot be trusted".into());
        return Ok(report);
    };
    if now_ns < latest_t {
        report.refused = Some(format!(
            "the clock ({}) is behind the latest checkpoint ({}): the clock was set back; refusing to prune",
            crate::clock::rfc3339(now),
            crate::clock::rfc3339_ns(latest_t)
        ));
        return Ok(report);
    }
    let ahead = time::Duration::nanoseconds(now_ns - latest_t);
    if ahead > max_gap {
        report.refused = Some(format!(
            "the clock ({}) is {} ahead of the latest checkpoint ({}), more than the allowed gap of {max_gap}: a clock set forward could purge logs early; write checkpoints on a steady cadence (`wangan vault checkpoint`) and retry",
            crate::clock::rfc3339(now),
            ahead,
            crate::clock::rfc3339_ns(latest_t)
        ));
        return Ok(report);
    }
    let cap = max_gap.whole_nanoseconds() as i64;
    let mut todo = Vec::new();
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
                "segment {} does not follow the previous one; run `wangan vault verify`",
                s.name
            ));
            break;
        }
        let newest = ft.newest();
        if crate::clock::from_ns(newest) >= cutoff {
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
        let mut elapsed: i64 = 0;
        for w in cps[i0..].windows(2) {
            elapsed = elapsed.saturating_add((w[1].1 - w[0].1).clamp(0, cap));
        }
        elapsed = elapsed.saturating_add((now_ns - latest_t).clamp(0, cap));
        let deadline = crate::clock::to_ns(retention.deadline(crate::clock::from_ns(newest)));
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
        todo.push(s.name.clone());
        report.pruned.push(PruneItem {
            segment: s.name.clone(),
            first: ft.first_seq,
            end: ft.end(),
            newest_ns: newest,
        });
        expect = ft.end();
    }
    if opts.dry_run || todo.is_empty() {
        return Ok(report);
    }
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
        crate::fsx::write_atomic(&tpath, t.note.to_string().as_bytes(), 0o444)?;
        let seg_path = s.file.path.clone();
        let msg = format!(
            "{{\"event\":\"prune\",\"segment\":\"{name}\",\"first_seq\":{},\"last_seq\":{},\"newest\":\"{}\",\"retention\":\"{retention}\",\"cutoff\":\"{}\"}}",
            t.first,
            t.end - 1,
            crate::clock::rfc3339_ns(t.newest_ns),
            crate::clock::rfc3339(cutoff)
        );
        v.append(&crate::Incoming {
            received_ns: now_ns,
            source: crate::INTERNAL_SOURCE,
            peer: "-",
            transport: "internal",
            raw: msg.as_bytes(),
        })?;
        v.commit()?;
        std::fs::remove_file(&seg_path)
            .map_err(|e| Error::io("remove pruned segment", &seg_path, e))?;
        crate::fsx::sync_dir(seg_path.parent().unwrap_or(std::path::Path::new(".")))?;
        tracing::info!(segment = %name, first = t.first, end = t.end, "segment pruned");
        v.reload()?;
    }
    let _ = ErrorKind::Refused;
    Ok(report)
}
