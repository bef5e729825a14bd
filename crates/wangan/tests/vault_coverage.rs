//! `wangan vault coverage` through the real binary, over a store filled with
//! chosen receive times.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use vault::clock::{FixedClock, to_ns};
use vault::{Incoming, InitOptions, Vault};

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn wangan(args: &[&str]) -> R<Output> {
    Ok(Command::new(env!("CARGO_BIN_EXE_wangan"))
        .args(args)
        .env_remove("WANGAN_DATA_DIR")
        .env("LANG", "C")
        .output()?)
}

fn fill(
    v: &mut Vault,
    source: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
    step: Duration,
) -> R<()> {
    let mut t = from;
    while t <= to {
        v.append(&Incoming {
            received_ns: to_ns(t),
            source,
            peer: "192.0.2.1:514",
            transport: "udp",
            raw: format!("conn at {t}").as_bytes(),
        })?;
        t += step;
    }
    v.commit()?;
    v.seal()?;
    Ok(())
}

fn make_store(dir: &Path) -> R<()> {
    let at = datetime!(2026-08-31 12:00 UTC);
    let start = datetime!(2026-02-28 12:00 UTC);
    let mut v = Vault::init_with_clock(dir, &InitOptions::default(), Arc::new(FixedClock(at)))?;
    fill(&mut v, "fw1", start, at, Duration::minutes(30))?;
    // dns stops for three hours in May
    fill(
        &mut v,
        "dns",
        start,
        datetime!(2026-05-01 00:00 UTC),
        Duration::minutes(30),
    )?;
    fill(
        &mut v,
        "dns",
        datetime!(2026-05-01 03:00 UTC),
        at,
        Duration::minutes(30),
    )?;
    Ok(())
}

#[test]
fn coverage_reports_gaps_and_exit_codes() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    make_store(&d)?;
    let dd = d.display().to_string();
    let o = wangan(&[
        "vault",
        "coverage",
        "--data-dir",
        &dd,
        "--at",
        "2026-08-31T12:00:00Z",
        "--json",
    ])?;
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(v["schema"], "wangan.vault.coverage/1");
    assert_eq!(v["covered"], false);
    assert_eq!(v["window"]["from"], "2026-02-28T12:00:00Z");
    assert_eq!(v["gap_threshold_seconds"], 3600);
    let dns = &v["sources"][0];
    assert_eq!(dns["source"], "dns");
    assert_eq!(dns["covers_window"], false);
    assert_eq!(dns["six_months"], false);
    assert_eq!(dns["gaps"][0]["from"], "2026-05-01T00:00:00Z");
    assert_eq!(dns["gaps"][0]["to"], "2026-05-01T03:00:00Z");
    assert_eq!(dns["gaps"][0]["seconds"], 10800);
    let fw = &v["sources"][1];
    assert_eq!(fw["source"], "fw1");
    assert_eq!(fw["six_months"], true);
    assert_eq!(fw["gaps"].as_array().map(Vec::len), Some(0));
    assert_eq!(fw["days"].as_array().map(Vec::len), Some(185));
    assert_eq!(fw["days"][1], serde_json::json!(["2026-03-01", 48]));

    // a larger threshold hides the three-hour gap: exit 0
    let o = wangan(&[
        "vault",
        "coverage",
        "--data-dir",
        &dd,
        "--at",
        "2026-08-31T12:00:00Z",
        "--gap",
        "4h",
    ])?;
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("six continuous months: yes"), "{text}");

    // Chinese text output names the gap
    let o = wangan(&[
        "vault",
        "coverage",
        "--data-dir",
        &dd,
        "--at",
        "2026-08-31T12:00:00Z",
        "--lang",
        "zh",
    ])?;
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("间断 2026-05-01T00:00:00Z .. 2026-05-01T03:00:00Z (3小时)"),
        "{text}"
    );

    // judged at midnight, both sources have been silent for twelve hours
    let o = wangan(&[
        "vault",
        "coverage",
        "--data-dir",
        &dd,
        "--at",
        "2026-09-01",
        "--gap",
        "4h",
        "--json",
    ])?;
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(v["sources"][1]["gaps"][0]["after_last"], true);

    // China Standard Time calendar
    let o = wangan(&[
        "vault",
        "coverage",
        "--data-dir",
        &dd,
        "--at",
        "2026-08-31T12:00:00Z",
        "--utc-offset",
        "+08:00",
        "--json",
    ])?;
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(v["utc_offset"], "+08:00");
    assert_eq!(v["window"]["from"], "2026-02-28T12:00:00Z");
    assert_eq!(
        v["sources"][1]["days"][0],
        serde_json::json!(["2026-02-28", 8])
    );
    let o = wangan(&["vault", "coverage", "--data-dir", &dd, "--utc-offset", "8"])?;
    assert_eq!(o.status.code(), Some(64));

    // bad threshold: usage error
    let o = wangan(&["vault", "coverage", "--data-dir", &dd, "--gap", "soon"])?;
    assert_eq!(o.status.code(), Some(64));
    Ok(())
}
