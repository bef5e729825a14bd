//! Retention and prune with injected clocks.

use std::sync::{Arc, Mutex};

use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use vault::clock::{Clock, to_ns};
use vault::{Incoming, InitOptions, PruneOptions, Store, Vault, VerifyOptions};

type R<T> = Result<T, Box<dyn std::error::Error>>;

#[derive(Debug, Clone)]
struct TestClock(Arc<Mutex<OffsetDateTime>>);

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        self.0
            .lock()
            .map(|t| *t)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

impl TestClock {
    fn set(&self, t: OffsetDateTime) {
        if let Ok(mut g) = self.0.lock() {
            *g = t;
        }
    }
}

fn add(v: &mut Vault, t: OffsetDateTime, n: u64) -> R<()> {
    for i in 0..n {
        let l = format!("plain record {i} at {t}");
        v.append(&Incoming {
            received_ns: to_ns(t),
            source: "fw1",
            peer: "-",
            transport: "file",
            raw: l.as_bytes(),
        })?;
    }
    v.commit()?;
    v.seal()?;
    Ok(())
}

/// One record received now (by the vault's clock), left unsealed: the store
/// is live, as prune requires.
fn fresh(v: &mut Vault, clock: &TestClock) -> R<()> {
    v.append(&Incoming {
        received_ns: to_ns(clock.now()),
        source: "fw1",
        peer: "-",
        transport: "file",
        raw: b"a record that arrived just now",
    })?;
    v.commit()?;
    Ok(())
}

/// A vault with one segment on `start` and one 40 days later, and a
/// checkpoint every day until `until`.
fn setup(
    dir: &std::path::Path,
    start: OffsetDateTime,
    until: OffsetDateTime,
) -> R<(Vault, TestClock)> {
    let clock = TestClock(Arc::new(Mutex::new(start)));
    let mut v = Vault::init_with_clock(dir, &InitOptions::default(), Arc::new(clock.clone()))?;
    add(&mut v, start, 300)?;
    let mut t = start;
    while t < until {
        t += Duration::days(1);
        clock.set(t);
        if t == start + Duration::days(40) {
            add(&mut v, t, 300)?;
        }
        v.checkpoint_now()?;
    }
    Ok((v, clock))
}

#[test]
fn prune_respects_calendar_months_and_keeps_the_tree_verifiable() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let start = datetime!(2024-08-31 10:00 UTC);
    // on Feb 28 2025, today minus six calendar months is Aug 28 2024: Aug 31 is kept;
    // on Mar 1 it is Sep 1: Aug 31 may go
    let (mut v, clock) = setup(tmp.path(), start, datetime!(2025-02-28 09:00 UTC))?;
    clock.set(datetime!(2025-02-28 23:00 UTC));
    fresh(&mut v, &clock)?;
    let r = vault::prune(&mut v, &PruneOptions { dry_run: false })?;
    assert!(r.pruned.is_empty(), "pruned too early: {r:?}");
    clock.set(datetime!(2025-03-01 00:30 UTC));
    v.checkpoint_now()?;
    let dry = vault::prune(&mut v, &PruneOptions { dry_run: true })?;
    assert_eq!(dry.pruned.len(), 1, "{dry:?}");
    // the read-only plan on a snapshot says the same
    let plan = vault::prune::plan(&Store::open(tmp.path())?, clock.now())?;
    assert_eq!(plan.pruned.len(), 1, "{plan:?}");
    assert!(
        Store::open(tmp.path())?.segments().len() == 2,
        "dry run deleted"
    );
    let r = vault::prune(&mut v, &PruneOptions { dry_run: false })?;
    assert_eq!(r.pruned.len(), 1, "{r:?}");
    drop(v);
    let store = Store::open(tmp.path())?;
    assert_eq!(store.segments().len(), 1);
    assert_eq!(store.tombstones().len(), 1);
    let rep = vault::verify(&store, &VerifyOptions::default())?;
    assert!(rep.is_intact(), "{:?}", rep.findings);
    assert!(rep.findings.iter().any(|f| f.kind == "pruned"));
    // proofs still work for the records after the pruned range
    let size = store.size();
    let root = store.root_at(size)?;
    let p = store.inclusion_proof(450, size)?;
    assert!(p.verify(store.hash_alg(), &root));
    // the prune is an event in the log itself
    let ev: Vec<_> = vault::query(
        &store,
        &vault::Query {
            sources: vec![vault::INTERNAL_SOURCE.into()],
            ..Default::default()
        },
    )
    .collect::<Result<_, _>>()?;
    assert!(
        ev.iter()
            .any(|r| String::from_utf8_lossy(&r.record.raw).contains("\"event\":\"prune\""))
    );
    Ok(())
}

#[test]
fn leap_year_cutoff() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let start = datetime!(2023-08-31 10:00 UTC);
    // leap year: on Feb 29 2024 the cutoff is Aug 29 2023; on Mar 1 it is Sep 1
    let (mut v, clock) = setup(tmp.path(), start, datetime!(2024-02-29 09:00 UTC))?;
    clock.set(datetime!(2024-02-29 23:30 UTC));
    fresh(&mut v, &clock)?;
    assert!(
        vault::prune(&mut v, &PruneOptions { dry_run: true })?
            .pruned
            .is_empty()
    );
    clock.set(datetime!(2024-03-01 00:30 UTC));
    v.checkpoint_now()?;
    assert_eq!(
        vault::prune(&mut v, &PruneOptions { dry_run: true })?
            .pruned
            .len(),
        1
    );
    Ok(())
}

#[test]
fn clock_set_forward_cannot_purge_early() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let start = datetime!(2025-01-10 00:00 UTC);
    let (mut v, clock) = setup(tmp.path(), start, start + Duration::days(50))?;
    // jump a year ahead
    clock.set(start + Duration::days(400));
    let r = vault::prune(&mut v, &PruneOptions { dry_run: false })?;
    assert!(r.pruned.is_empty());
    assert!(
        r.refused
            .as_deref()
            .is_some_and(|w| w.contains("ahead of the latest checkpoint")),
        "{r:?}"
    );
    // even after signing a checkpoint at the forward time, the timeline is too short
    v.checkpoint_now()?;
    let r = vault::prune(&mut v, &PruneOptions { dry_run: false })?;
    assert!(r.pruned.is_empty(), "{r:?}");
    assert!(
        r.refused
            .as_deref()
            .is_some_and(|w| w.contains("continuous time")),
        "{r:?}"
    );
    // a clock set back is refused too
    clock.set(start);
    let r = vault::prune(&mut v, &PruneOptions { dry_run: false })?;
    assert!(
        r.refused.as_deref().is_some_and(|w| w.contains("behind")),
        "{r:?}"
    );
    drop(v);
    let rep = vault::verify(&Store::open(tmp.path())?, &VerifyOptions::default())?;
    assert!(rep.findings.iter().any(|f| f.kind == "checkpoint_gap"));
    Ok(())
}

#[test]
fn deletion_without_tombstone_is_not_a_prune() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let start = datetime!(2025-01-10 00:00 UTC);
    let (v, _clock) = setup(tmp.path(), start, start + Duration::days(45))?;
    drop(v);
    let first = Store::open(tmp.path())?.segments()[0].file.path.clone();
    std::fs::remove_file(first)?;
    let rep = vault::verify(&Store::open(tmp.path())?, &VerifyOptions::default())?;
    assert!(!rep.is_intact());
    assert!(rep.findings.iter().any(|f| f.kind == "segment_missing"));
    Ok(())
}

/// A sealed segment received at `start` in a fresh vault on `clock`.
fn one_segment(dir: &std::path::Path, start: OffsetDateTime) -> R<(Vault, TestClock)> {
    let clock = TestClock(Arc::new(Mutex::new(start)));
    let mut v = Vault::init_with_clock(dir, &InitOptions::default(), Arc::new(clock.clone()))?;
    add(&mut v, start, 300)?;
    Ok((v, clock))
}

/// Sign a checkpoint every day from the clock's time until `until`.
fn walk(v: &mut Vault, clock: &TestClock, until: OffsetDateTime) -> R<()> {
    let mut t = clock.now();
    while t < until {
        t += Duration::days(1);
        clock.set(t);
        v.checkpoint_now()?;
    }
    Ok(())
}

fn verify_at(dir: &std::path::Path, now: OffsetDateTime) -> R<vault::VerifyReport> {
    Ok(vault::verify(
        &Store::open(dir)?,
        &VerifyOptions {
            now: Some(now),
            ..VerifyOptions::default()
        },
    )?)
}

fn has(rep: &vault::VerifyReport, kind: &str, sev: vault::Severity) -> bool {
    rep.findings
        .iter()
        .any(|f| f.kind == kind && f.severity == sev)
}

/// Issue 16: a clock walked forward one checkpoint at a time (each step
/// within the gap) while nothing arrives must not let prune delete a
/// one-minute-old segment; verify, run at the real time, calls the walked
/// checkpoints errors.
#[test]
fn walking_the_clock_forward_with_checkpoints_alone_prunes_nothing() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let start = datetime!(2025-01-10 00:00 UTC);
    let (mut v, clock) = one_segment(tmp.path(), start)?;
    walk(&mut v, &clock, start + Duration::days(245))?;
    let r = vault::prune(&mut v, &PruneOptions { dry_run: false })?;
    assert!(r.pruned.is_empty(), "pruned fresh records: {r:?}");
    assert!(
        r.refused
            .as_deref()
            .is_some_and(|w| w.contains("no record has arrived")),
        "{r:?}"
    );
    drop(v);
    assert_eq!(Store::open(tmp.path())?.segments().len(), 1);
    let rep = verify_at(tmp.path(), start + Duration::minutes(1))?;
    assert!(!rep.is_intact(), "{:?}", rep.findings);
    assert!(
        has(&rep, "checkpoint_future_dated", vault::Severity::Error),
        "{:?}",
        rep.findings
    );
    Ok(())
}

/// A key holder who also forges the records' receive times can make prune
/// act; verify at the real time then reports the prune as early and the
/// checkpoints as dated ahead (errors, not info).
#[test]
fn a_prune_run_on_a_clock_set_ahead_is_an_error_in_verify() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let start = datetime!(2025-01-10 00:00 UTC);
    let (mut v, clock) = one_segment(tmp.path(), start)?;
    walk(&mut v, &clock, start + Duration::days(245))?;
    fresh(&mut v, &clock)?;
    let r = vault::prune(&mut v, &PruneOptions { dry_run: false })?;
    assert_eq!(r.pruned.len(), 1, "{r:?}");
    drop(v);
    let rep = verify_at(tmp.path(), start + Duration::minutes(1))?;
    assert!(!rep.is_intact(), "{:?}", rep.findings);
    assert!(
        has(&rep, "pruned_early", vault::Severity::Error),
        "{:?}",
        rep.findings
    );
    assert!(
        has(&rep, "checkpoint_future_dated", vault::Severity::Error),
        "{:?}",
        rep.findings
    );
    // verified once the real time has caught up, the prune is lawful
    let later = verify_at(tmp.path(), start + Duration::days(246))?;
    assert!(later.is_intact(), "{:?}", later.findings);
    Ok(())
}

/// Time going backwards across checkpoints: prune refuses while the clock
/// is before any checkpoint, and verify calls a large backward step an error.
#[test]
fn a_checkpoint_dated_ahead_blocks_prune_until_the_clock_passes_it() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let start = datetime!(2025-01-10 00:00 UTC);
    let (mut v, clock) = one_segment(tmp.path(), start)?;
    walk(&mut v, &clock, start + Duration::days(200))?;
    // one checkpoint with the clock a year ahead, then the clock is put back
    clock.set(start + Duration::days(400));
    v.checkpoint_now()?;
    clock.set(start + Duration::days(201));
    v.checkpoint_now()?;
    fresh(&mut v, &clock)?;
    let r = vault::prune(&mut v, &PruneOptions { dry_run: false })?;
    assert!(r.pruned.is_empty(), "{r:?}");
    assert!(
        r.refused
            .as_deref()
            .is_some_and(|w| w.contains("contradicts the clock")),
        "{r:?}"
    );
    drop(v);
    let rep = verify_at(tmp.path(), start + Duration::days(500))?;
    assert!(
        has(&rep, "checkpoint_time_backwards", vault::Severity::Error),
        "{:?}",
        rep.findings
    );
    Ok(())
}

/// A record received after the clock's "now" means the clock was set back.
#[test]
fn a_record_received_after_now_blocks_prune() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let start = datetime!(2025-01-10 00:00 UTC);
    let (mut v, clock) = one_segment(tmp.path(), start)?;
    walk(&mut v, &clock, start + Duration::days(200))?;
    v.append(&Incoming {
        received_ns: to_ns(start + Duration::days(300)),
        source: "fw1",
        peer: "-",
        transport: "file",
        raw: b"from the future",
    })?;
    v.commit()?;
    let r = vault::prune(&mut v, &PruneOptions { dry_run: false })?;
    assert!(r.pruned.is_empty(), "{r:?}");
    assert!(
        r.refused
            .as_deref()
            .is_some_and(|w| w.contains("after the clock")),
        "{r:?}"
    );
    Ok(())
}

/// Retention near the calendar's end never saturates toward deletion: a
/// cutoff before the calendar expires nothing, a deadline after it is never.
#[test]
fn out_of_range_retention_arithmetic_expires_nothing() {
    let r = vault::Retention::Months(vault::config::MAX_RETENTION_MONTHS);
    let early = datetime!(-9950-06-01 00:00 UTC);
    assert_eq!(r.cutoff(early), None);
    assert_eq!(r.cutoff_ns(early), i64::MIN);
    let late = datetime!(9950-06-01 00:00 UTC);
    assert_eq!(r.deadline(late), None);
    assert_eq!(r.deadline_ns(late), i64::MAX);
    let d = vault::Retention::Days(vault::config::MAX_RETENTION_DAYS);
    assert_eq!(d.cutoff(early), None);
    assert_eq!(d.deadline_ns(late), i64::MAX);
    // a deadline past 2262 (the end of stored times) is never, not "now"
    let now = datetime!(2200-01-01 00:00 UTC);
    assert_eq!(r.deadline_ns(now), i64::MAX);
}
