//! Coverage from block metadata (`vault::spans`) finds exactly the silences
//! the record-by-record coverage finds, while decompressing only the blocks
//! the headers cannot decide.

use std::collections::BTreeMap;
use std::sync::Arc;

use proptest::prelude::*;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use vault::clock::{FixedClock, to_ns};
use vault::{CoverageOptions, Incoming, InitOptions, Retention, SpanOptions, Store, Vault};

type R<T> = Result<T, Box<dyn std::error::Error>>;

const AT: OffsetDateTime = datetime!(2026-03-01 16:00 UTC);

/// A store of `(source, receive time)` records, sealed into a segment every
/// `seal_every` records (so blocks are many and small).
fn store(recs: &[(usize, i64)], seal_every: usize) -> R<(tempfile::TempDir, Store)> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("v");
    let mut v = Vault::init_with_clock(&dir, &InitOptions::default(), Arc::new(FixedClock(AT)))?;
    for (i, (s, t)) in recs.iter().enumerate() {
        let source = format!("src{s}");
        let line = format!("<134>1 - host app - - - record {i}");
        v.append(&Incoming {
            received_ns: *t,
            source: &source,
            peer: "192.0.2.1:514",
            transport: "udp",
            raw: line.as_bytes(),
        })?;
        if (i + 1) % seal_every == 0 {
            v.commit()?;
            v.seal()?;
        }
    }
    v.commit()?;
    drop(v);
    let s = Store::open(&dir)?;
    Ok((tmp, s))
}

/// Both ways over `[AT − days, AT]` with threshold `gap`; compare.
fn compare(store: &Store, days: u16, gap: Duration) -> R<vault::SpanReport> {
    let full = vault::coverage(
        store,
        &CoverageOptions {
            at: AT,
            gap,
            window: Some(Retention::Days(days.into())),
        },
        None,
    )?;
    let meta = vault::spans(
        store,
        &SpanOptions {
            from: AT - Duration::days(i64::from(days)),
            to: AT,
            gap,
            gaps: BTreeMap::new(),
        },
    )?;
    assert_eq!(meta.records, full.records);
    assert!(meta.unreadable.is_empty(), "{:?}", meta.unreadable);
    let want: Vec<_> = full
        .sources
        .iter()
        .map(|s| (s.source.clone(), s.first_ns, s.last_ns, s.gaps.clone()))
        .collect();
    let got: Vec<_> = meta
        .sources
        .iter()
        .map(|s| (s.source.clone(), s.first_ns, s.last_ns, s.gaps.clone()))
        .collect();
    assert_eq!(got, want);
    Ok(meta)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// Random sources, times (mostly in order, some late), threshold and
    /// sealing: the same silences as the record-by-record coverage.
    #[test]
    fn spans_equal_full_coverage(
        steps in prop::collection::vec((0usize..3, 0i64..7_200, any::<bool>()), 1..400),
        gap_min in 10i64..240,
        seal_every in 1usize..60,
        days in 1u16..4,
    ) {
        let start = to_ns(AT - Duration::days(4));
        let mut t = start;
        let mut recs = Vec::new();
        for (s, dt, late) in steps {
            t += dt * 1_000_000_000 * 30;
            let at = if late { t - 3_600_000_000_000 } else { t };
            recs.push((s, at.min(to_ns(AT))));
        }
        let (_tmp, s) = store(&recs, seal_every).map_err(|e| TestCaseError::fail(e.to_string()))?;
        compare(&s, days, Duration::minutes(gap_min)).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}

#[test]
fn a_busy_healthy_vault_is_decided_from_headers() -> R<()> {
    // three sources, a record each minute over ten days, a segment each 20
    // minutes: blocks shorter than half the threshold decide from headers
    let from = to_ns(AT - Duration::days(4));
    let mut recs = Vec::new();
    let mut t = from;
    while t <= to_ns(AT) {
        for s in 0..3 {
            recs.push((s, t + s as i64));
        }
        t += 60_000_000_000;
    }
    let (_tmp, s) = store(&recs, 60)?;
    let r = compare(&s, 3, Duration::hours(1))?;
    assert!(r.sources.iter().all(|s| s.gaps.is_empty()));
    assert!(r.blocks > 250, "{} blocks", r.blocks);
    // only the first and last block of each source, and those across the
    // window's start, are decompressed
    assert!(
        r.blocks_decoded <= 6,
        "decoded {} of {} blocks",
        r.blocks_decoded,
        r.blocks
    );
    Ok(())
}

#[test]
fn a_gap_just_over_the_threshold_is_found_one_just_under_is_not() -> R<()> {
    let base = to_ns(AT - Duration::days(2));
    let min = 60_000_000_000i64;
    // records each 10 minutes; then a silence of 60 min exactly, then 61 min
    let mut times = Vec::new();
    let mut t = base;
    for _ in 0..50 {
        times.push(t);
        t += 10 * min;
    }
    t += 50 * min; // 60 min since the last
    times.push(t);
    let just_under = t;
    t += 61 * min;
    times.push(t);
    let after_gap = t;
    while t < to_ns(AT) {
        t += 10 * min;
        times.push(t.min(to_ns(AT)));
    }
    let recs: Vec<(usize, i64)> = times.iter().map(|t| (0, *t)).collect();
    let (_tmp, s) = store(&recs, 7)?;
    let r = compare(&s, 2, Duration::hours(1))?;
    let gaps = &r.sources[0].gaps;
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!((gaps[0].from_ns, gaps[0].to_ns), (just_under, after_gap));
    Ok(())
}

#[test]
fn large_blocks_with_many_sources_read_their_time_column() -> R<()> {
    // 300 sources, 24 000 records of ~300 bytes in one segment: several
    // megabyte blocks whose dictionaries exceed the first read
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("v");
    let mut v = Vault::init_with_clock(&dir, &InitOptions::default(), Arc::new(FixedClock(AT)))?;
    let start = to_ns(AT) - 24_000 * 4_000_000_000;
    let pad = "x".repeat(280);
    for i in 0..24_000i64 {
        let source = format!("device-{:03}-with-a-long-name", i % 300);
        // a silence for the sources 0..10 in the middle
        if i % 300 < 10 && (9_000..15_000).contains(&i) {
            continue;
        }
        let line = format!("<134>1 - h a - - - {i} {pad}");
        v.append(&Incoming {
            received_ns: start + i * 4_000_000_000,
            source: &source,
            peer: "192.0.2.1:514",
            transport: "udp",
            raw: line.as_bytes(),
        })?;
    }
    v.commit()?;
    v.seal()?;
    drop(v);
    let s = Store::open(&dir)?;
    let r = compare(&s, 1, Duration::hours(2))?;
    assert!(r.blocks >= 4, "{} blocks", r.blocks);
    assert_eq!(r.sources.iter().filter(|s| !s.gaps.is_empty()).count(), 10);
    Ok(())
}
