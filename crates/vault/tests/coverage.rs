//! Coverage over real stores: records ingested with chosen receive times.

use std::sync::Arc;

use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use vault::clock::{FixedClock, to_ns};
use vault::coverage::{CoverageOptions, Gap};
use vault::{Incoming, InitOptions, Store, Vault};

type R<T> = Result<T, Box<dyn std::error::Error>>;

/// Append one record of `source` at every `step` in `[from, to]`, then commit
/// and seal.
fn fill(
    v: &mut Vault,
    source: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
    step: Duration,
) -> R<u64> {
    let mut t = from;
    let mut n = 0;
    while t <= to {
        let line = format!("<134>1 {t} fw1 app - - - conn {n}");
        v.append(&Incoming {
            received_ns: to_ns(t),
            source,
            peer: "192.0.2.1:514",
            transport: "udp",
            raw: line.as_bytes(),
        })?;
        t += step;
        n += 1;
    }
    v.commit()?;
    v.seal()?;
    Ok(n)
}

fn store_with(
    clock_at: OffsetDateTime,
    fill_fn: impl FnOnce(&mut Vault) -> R<()>,
) -> R<(tempfile::TempDir, Store)> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("v");
    let mut v = Vault::init_with_clock(
        &dir,
        &InitOptions::default(),
        Arc::new(FixedClock(clock_at)),
    )?;
    fill_fn(&mut v)?;
    drop(v);
    let s = Store::open(&dir)?;
    Ok((tmp, s))
}

#[test]
fn six_calendar_months_back_from_31_august_start_on_28_february() -> R<()> {
    let at = datetime!(2026-08-31 12:00 UTC);
    // 2026 is not a leap year: 31 Aug − 6 months = 28 Feb, 12:00
    let start = datetime!(2026-02-28 12:00 UTC);
    let (_t, s) = store_with(at, |v| {
        // covered exactly from the window start
        fill(v, "exact", start, at, Duration::minutes(30))?;
        // starts 90 minutes late: a gap at the window start
        fill(
            v,
            "late",
            start + Duration::minutes(90),
            at,
            Duration::minutes(30),
        )?;
        // starts a day early (records before the window do not count as gaps)
        fill(
            v,
            "early",
            start - Duration::days(1),
            at,
            Duration::minutes(30),
        )?;
        Ok(())
    })?;
    let r = vault::coverage(&s, &CoverageOptions::at(at), None)?;
    assert_eq!(r.window_start_ns, to_ns(start));
    assert_eq!(r.six_months_start_ns, to_ns(start));
    let by = |n: &str| r.sources.iter().find(|s| s.source == n).cloned();
    let exact = by("exact").ok_or("no source exact")?;
    assert!(exact.covers_window && exact.six_months, "{:?}", exact.gaps);
    assert_eq!(exact.first_ns, to_ns(start));
    assert_eq!(exact.last_ns, to_ns(at));
    // one entry per calendar day, 28 Feb .. 31 Aug inclusive = 1 + 31 + 30 + 31 + 30 + 31 + 31 = 185
    assert_eq!(exact.days.len(), 185);
    assert_eq!(exact.days[0].0, datetime!(2026-02-28 0:00).date());
    assert_eq!(exact.days[0].1, 24); // 12:00 .. 23:30 every 30 min
    assert_eq!(exact.days[1].1, 48);
    assert_eq!(exact.days[184].1, 25); // 00:00 .. 12:00 inclusive
    let late = by("late").ok_or("no source late")?;
    assert!(!late.covers_window && !late.six_months);
    assert_eq!(
        late.gaps,
        vec![Gap {
            from_ns: to_ns(start),
            to_ns: to_ns(start + Duration::minutes(90)),
            at_start: true,
            at_end: false,
        }]
    );
    let early = by("early").ok_or("no source early")?;
    assert!(early.covers_window && early.six_months);
    assert_eq!(early.first_ns, to_ns(start - Duration::days(1)));
    assert_eq!(early.in_window, exact.in_window);
    assert!(!r.all_covered());
    Ok(())
}

#[test]
fn leap_year_window_starts_on_29_february_and_a_gap_in_the_middle_is_found() -> R<()> {
    let at = datetime!(2028-08-31 00:00 UTC);
    let start = datetime!(2028-02-29 00:00 UTC);
    let hole_from = datetime!(2028-05-10 08:00 UTC);
    let hole_to = datetime!(2028-05-10 11:00 UTC);
    let (_t, s) = store_with(at, |v| {
        fill(v, "fw1", start, hole_from, Duration::hours(1))?;
        fill(v, "fw1", hole_to, at, Duration::hours(1))?;
        fill(v, "dns", start, at, Duration::hours(1))?;
        Ok(())
    })?;
    let r = vault::coverage(&s, &CoverageOptions::at(at), None)?;
    assert_eq!(r.window_start_ns, to_ns(start));
    let fw = &r.sources[1];
    assert_eq!(fw.source, "fw1");
    assert_eq!(
        fw.gaps,
        vec![Gap {
            from_ns: to_ns(hole_from),
            to_ns: to_ns(hole_to),
            at_start: false,
            at_end: false,
        }]
    );
    assert!(!fw.covers_window && !fw.six_months);
    let dns = &r.sources[0];
    assert!(dns.covers_window && dns.six_months);
    // a threshold above the hole makes fw1 covered too
    let opts = CoverageOptions {
        gap: Duration::hours(4),
        ..CoverageOptions::at(at)
    };
    let r = vault::coverage(&s, &opts, None)?;
    assert!(r.all_covered());
    Ok(())
}

#[test]
fn longer_retention_window_and_silence_until_now() -> R<()> {
    let at = datetime!(2027-03-31 06:00 UTC);
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("v");
    let opts = InitOptions {
        retention: vault::Retention::Months(12),
        ..InitOptions::default()
    };
    let mut v = Vault::init_with_clock(&dir, &opts, Arc::new(FixedClock(at)))?;
    // eight months of records: six continuous months, but not the 12-month window;
    // the last two hours are silent
    let from = datetime!(2026-07-31 06:00 UTC);
    let last = at - Duration::hours(2);
    fill(&mut v, "fw1", from, last, Duration::minutes(20))?;
    drop(v);
    let s = Store::open(&dir)?;
    let r = vault::coverage(&s, &CoverageOptions::at(at), None)?;
    assert_eq!(r.window_start_ns, to_ns(datetime!(2026-03-31 06:00 UTC)));
    assert_eq!(
        r.six_months_start_ns,
        to_ns(datetime!(2026-09-30 06:00 UTC))
    );
    let fw = &r.sources[0];
    assert_eq!(fw.gaps.len(), 2, "{:?}", fw.gaps);
    assert!(fw.gaps[0].at_start && fw.gaps[0].to_ns == to_ns(from));
    assert!(fw.gaps[1].at_end && fw.gaps[1].from_ns == to_ns(last));
    assert!(!fw.covers_window && !fw.six_months);
    // judged two hours earlier, the six months are continuous
    let r = vault::coverage(&s, &CoverageOptions::at(last), None)?;
    assert!(r.sources[0].six_months && !r.sources[0].covers_window);
    Ok(())
}

#[test]
fn empty_store_is_not_covered_and_internal_records_are_left_out() -> R<()> {
    let at = datetime!(2026-12-01 00:00 UTC);
    let (_t, s) = store_with(at, |v| {
        v.append(&Incoming {
            received_ns: to_ns(at),
            source: vault::INTERNAL_SOURCE,
            peer: "-",
            transport: "internal",
            raw: b"{\"event\":\"test\"}",
        })?;
        v.commit()?;
        Ok(())
    })?;
    let r = vault::coverage(&s, &CoverageOptions::at(at), None)?;
    assert!(r.sources.is_empty());
    assert_eq!(r.records, 1);
    assert!(!r.all_covered());
    Ok(())
}

#[test]
fn days_and_months_follow_the_offset_of_at() -> R<()> {
    // 2026-08-31 02:00 in China Standard Time is still 30 Aug in UTC
    let cst = time::UtcOffset::from_hms(8, 0, 0)?;
    let at = datetime!(2026-08-31 02:00 +8);
    let (_t, s) = store_with(at, |v| {
        fill(
            v,
            "fw1",
            datetime!(2026-02-27 00:00 UTC),
            at.to_offset(time::UtcOffset::UTC),
            Duration::minutes(30),
        )?;
        Ok(())
    })?;
    let r = vault::coverage(&s, &CoverageOptions::at(at), None)?;
    assert_eq!(r.utc_offset, cst);
    // 31 Aug − 6 months = 28 Feb, 02:00 CST
    assert_eq!(r.window_start_ns, to_ns(datetime!(2026-02-28 02:00 +8)));
    let fw = &r.sources[0];
    assert_eq!(
        fw.days.first().map(|d| d.0),
        Some(datetime!(2026-02-28 0:00).date())
    );
    assert_eq!(
        fw.days.last().map(|d| d.0),
        Some(datetime!(2026-08-31 0:00).date())
    );
    // 31 Aug CST so far: 00:00 .. 02:00 CST = 16:00 .. 18:00 UTC on 30 Aug, every 30 min
    assert_eq!(fw.days.last().map(|d| d.1), Some(5));
    // the same instant judged in UTC: the window ends on 30 Aug and starts on 28 Feb 18:00 UTC
    let r = vault::coverage(
        &s,
        &CoverageOptions::at(at.to_offset(time::UtcOffset::UTC)),
        None,
    )?;
    assert_eq!(r.window_start_ns, to_ns(datetime!(2026-02-28 18:00 UTC)));
    assert_eq!(
        r.sources[0].days.last().map(|d| d.0),
        Some(datetime!(2026-08-30 0:00).date())
    );
    Ok(())
}

#[test]
fn an_unreadable_segment_makes_coverage_unproven() -> R<()> {
    let at = datetime!(2026-08-31 12:00 UTC);
    let (t, s) = store_with(at, |v| {
        fill(
            v,
            "fw1",
            datetime!(2026-02-01 00:00 UTC),
            at,
            Duration::minutes(30),
        )?;
        Ok(())
    })?;
    assert!(vault::coverage(&s, &CoverageOptions::at(at), None)?.all_covered());
    let seg = &s.segments()[0].file.path;
    let mut b = std::fs::read(seg)?;
    let n = b.len();
    b[n - 20] ^= 0xff; // inside the footer: the segment no longer opens
    let mut perm = std::fs::metadata(seg)?.permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(seg, perm)?;
    std::fs::write(seg, &b)?;
    let s = Store::open(&t.path().join("v"))?;
    let r = vault::coverage(&s, &CoverageOptions::at(at), None)?;
    assert_eq!(r.unreadable.len(), 1, "{:?}", r.unreadable);
    assert!(!r.all_covered());
    Ok(())
}
