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
    let r = vault::prune(&mut v, &PruneOptions { dry_run: false })?;
    assert!(r.pruned.is_empty(), "pruned too early: {r:?}");
    clock.set(datetime!(2025-03-01 00:30 UTC));
    v.checkpoint_now()?;
    let dry = vault::prune(&mut v, &PruneOptions { dry_run: true })?;
    assert_eq!(dry.pruned.len(), 1, "{dry:?}");
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
