//! The edges: six months back across month ends and leap years, a gap just
//! under and just over the threshold, a waiver expiring today, the numbering
//! and penalty either side of 2026-01-01, exit codes and --fail-on, a vault
//! that fails verification, a stale or outdated verification record.

use std::path::Path;

use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::profiles::{assess, duty};
use crate::world::{fill, finish, vault_at, verify, world};
use crate::{code, stderr, stdout, tempdir, wangan_in, write};

const LEAP_PROFILE: &str = r#"version = 1
[operator]
name = "闰年测试"
kind = "operator"
[assess]
vault = "leap-data"
max_gap = "1 hour"
[[log_source]]
name = "early"
[[log_source]]
name = "late"
[[log_source]]
name = "jitter"
[[log_source]]
name = "jitter2"
"#;

/// A vault of 2024–2025 records: `early` starts 59 minutes after midnight
/// (China time) of 29 February 2024, `late` 61 minutes after; `jitter` has
/// one silence of 59 min 59 s, `jitter2` one of 60 min 1 s.
fn leap_world() -> tempfile::TempDir {
    let tmp = tempdir();
    let root = tmp.path();
    let mut v = vault_at(&root.join("leap-data"), datetime!(2025-09-02 00:00 +08:00));
    let end = datetime!(2025-09-01 00:00 +08:00);
    let half = Duration::minutes(30);
    fill(
        &mut v,
        "early",
        datetime!(2024-02-29 00:59 +08:00),
        end,
        half,
        &[],
    );
    fill(
        &mut v,
        "late",
        datetime!(2024-02-29 01:01 +08:00),
        end,
        half,
        &[],
    );
    let start = datetime!(2024-02-01 00:00 +08:00);
    let ten = Duration::minutes(10);
    // records each 10 minutes; the hole removes the records strictly inside it
    let silence = |len: Duration| {
        let from = datetime!(2024-06-01 12:00 +08:00);
        (from, from + len)
    };
    fill_with_silence(
        &mut v,
        "jitter",
        start,
        end,
        ten,
        silence(Duration::seconds(3599)),
    );
    fill_with_silence(
        &mut v,
        "jitter2",
        start,
        end,
        ten,
        silence(Duration::seconds(3601)),
    );
    finish(v);
    verify(root, "leap-data");
    write(&root.join("leap.toml"), LEAP_PROFILE);
    tmp
}

/// Records each `step`, with exactly one silence `(a, b)`: a record at `a`,
/// the next at `b`.
fn fill_with_silence(
    v: &mut vault::Vault,
    source: &str,
    from: OffsetDateTime,
    to: OffsetDateTime,
    step: Duration,
    (a, b): (OffsetDateTime, OffsetDateTime),
) {
    fill(v, source, from, a, step, &[]);
    fill(v, source, b, to, step, &[]);
}

fn covered(root: &Path, at: &str) -> (serde_json::Value, Vec<(String, bool)>) {
    let o = wangan_in(
        root,
        &["assess", "--profile", "leap.toml", "--json", "--at", at],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{at}: not JSON ({e}): {}", stderr(&o)));
    let c = v["logs"]["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or("").to_owned(),
                s["covered"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    (v, c)
}

#[test]
fn six_months_back_across_month_ends_leap_years_and_the_gap_threshold() {
    let tmp = leap_world();
    let root = tmp.path();
    let cases: &[(&str, &str, [bool; 4])] = &[
        // date assessed, window start (China time), [early, late, jitter, jitter2]
        (
            "2024-08-31",
            "2024-02-29T00:00:00+08:00",
            [true, false, true, false],
        ),
        (
            "2024-08-30",
            "2024-02-29T00:00:00+08:00",
            [true, false, true, false],
        ),
        (
            "2024-08-29",
            "2024-02-29T00:00:00+08:00",
            [true, false, true, false],
        ),
        (
            "2024-08-28",
            "2024-02-28T00:00:00+08:00",
            [false, false, true, false],
        ),
        (
            "2025-08-31",
            "2025-02-28T00:00:00+08:00",
            [true, true, true, true],
        ),
        (
            "2024-12-01",
            "2024-06-01T00:00:00+08:00",
            [true, true, true, false],
        ),
    ];
    for (at, start, want) in cases {
        let (v, got) = covered(root, at);
        assert_eq!(v["logs"]["vaults"][0]["window_start"], *start, "{at}");
        let names = ["early", "late", "jitter", "jitter2"];
        for (name, w) in names.iter().zip(want) {
            let g = got.iter().find(|(n, _)| n == name).map(|(_, c)| *c);
            assert_eq!(g, Some(*w), "{at}: {name}");
        }
        let log = duty(&v, "csl.log-retention");
        let all = want.iter().all(|w| *w);
        assert_eq!(log["status"], if all { "met" } else { "not-met" }, "{at}");
    }
    // the gap just over the threshold is listed with its exact ends
    let (v, _) = covered(root, "2024-08-31");
    let j2 = v["logs"]["sources"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "jitter2"))
        .expect("jitter2");
    assert_eq!(j2["gaps"][0]["from"], "2024-06-01T12:00:00+08:00");
    assert_eq!(j2["gaps"][0]["to"], "2024-06-01T13:00:01+08:00");
    assert_eq!(j2["max_gap_secs"], 3600);
}

#[test]
fn a_waiver_expiring_today_no_longer_holds() {
    let (_, v) = assess("central-organ.toml", &["--at", "2026-03-01"]);
    let ir = duty(&v, "csl.incident-report");
    assert_eq!(ir["status"], "needs-evidence");
    assert!(ir["waiver"].is_null());
    let w = v["waivers"]
        .as_array()
        .and_then(|ws| ws.iter().find(|w| w["duty"] == "csl.incident-report"))
        .expect("listed");
    assert_eq!(w["state"], "expired");
    assert_eq!(w["owner"], "赵六");
    // the day before it holds
    let (_, v) = assess("central-organ.toml", &["--at", "2026-02-28"]);
    let ir = duty(&v, "csl.incident-report");
    assert_eq!(ir["status"], "waived");
    assert_eq!(ir["decided"], "needs-evidence");
    assert_eq!(ir["waiver"]["expires"], "2026-03-01");
    assert_eq!(ir["waiver"]["days_left"], 1);
}

#[test]
fn the_numbering_and_the_penalty_change_on_1_january_2026() {
    let (_, v) = assess("ordinary.toml", &["--at", "2025-12-31"]);
    assert_eq!(v["law"]["label"], "CSL-2016");
    let log = duty(&v, "csl.log-retention");
    assert_eq!(log["article"]["ref"], "21(3)");
    assert_eq!(log["article"]["label"], "CSL-2016 21(3)");
    assert_eq!(log["article"]["numbering"]["2025"], "23(3)");
    assert_eq!(log["penalties"][0]["citation"], "CSL-2016 art. 59¶1");
    assert!(
        log["penalties"][0]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("第五十九条") && t.contains("给予警告"))
    );
    let (_, v) = assess("ordinary.toml", &["--at", "2026-01-01"]);
    assert_eq!(v["law"]["label"], "CSL-2025");
    let log = duty(&v, "csl.log-retention");
    assert_eq!(log["article"]["ref"], "23(3)");
    assert_eq!(log["article"]["numbering"]["2016"], "21(3)");
    assert_eq!(log["penalties"][0]["citation"], "CSL-2025 art. 61¶1, 61¶3");
    assert!(
        log["penalties"][0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("可以处一万元以上五万元以下罚款"))
    );
    // and in the text report
    let w = world();
    for (at, want) in [
        ("2025-12-31", "CSL-2016 art. 21(3)"),
        ("2026-01-01", "CSL-2025 art. 23(3)"),
    ] {
        let o = wangan_in(
            &w.root,
            &[
                "assess",
                "--profile",
                "cii-finance.toml",
                "--at",
                at,
                "--lang",
                "en",
            ],
        );
        assert!(stdout(&o).contains(want), "{at}: {}", stdout(&o));
    }
}

const CLEAR: &str = r#"version = 1
[operator]
name = "清朗科技有限公司"
kind = "operator"
[operator.responsible]
name = "张三"
[[system]]
id = "web"
name = "官网"
mlps_level = 1
[[log_source]]
name = "fw1"
[[log_source]]
name = "app"
[[data_store]]
id = "notes"
target = "exports/notes"
country = "CN"
[[document]]
id = "rules"
title = "网络安全制度汇编"
path = "docs/rules.pdf"
duties = ["csl.security-management", "csl.malware-intrusion-defence", "csl.no-attacks", "csl.law-enforcement-support"]
approved = 2026-01-10
review_every = "1 year"
[[waiver]]
duty = "csl.incident-plan"
reason = "预案修订中"
owner = "张三"
expires = 2026-12-31
[[waiver]]
duty = "csl.incident-report"
reason = "事件登记簿建设中"
owner = "张三"
expires = 2026-12-31
"#;

#[test]
fn exit_codes_and_fail_on() {
    let w = world();
    write(&w.root.join("clear.toml"), CLEAR);
    let cases: &[(&str, &[&str], i32)] = &[
        ("clear.toml", &[], 0),
        ("ordinary.toml", &[], 1),
        ("ordinary.toml", &["--fail-on", "needs-evidence"], 1),
        ("ordinary.toml", &["--fail-on", "partly-met"], 1),
        ("ordinary.toml", &["--fail-on", "not-met"], 0),
        ("ordinary.toml", &["--fail-on", "severe"], 0),
        ("provider.toml", &["--fail-on", "not-met"], 1),
        ("cii-finance.toml", &[], 2),
        ("cii-finance.toml", &["--fail-on", "severe"], 2),
        ("cii-finance.toml", &["--fail-on", "none"], 0),
    ];
    for (profile, extra, want) in cases {
        let (c, v) = assess(profile, extra);
        assert_eq!(c, *want, "{profile} {extra:?}: {}", v["summary"]);
    }
    let (_, v) = assess("clear.toml", &[]);
    assert_eq!(v["summary"]["waived"], 2);
    assert_eq!(v["summary"]["met"], 7);
    // usage, missing and invalid profiles
    let o = wangan_in(&w.root, &["assess", "--profile", "missing.toml"]);
    assert_eq!(code(&o), 66, "{}", stderr(&o));
    write(
        &w.root.join("bad.toml"),
        "version = 1\n[operator]\nname = \"x\"\nkind = \"x\"\n",
    );
    let o = wangan_in(&w.root, &["assess", "--profile", "bad.toml"]);
    assert_eq!(code(&o), 78, "{}", stderr(&o));
    assert!(stderr(&o).contains("bad.toml:4:8"), "{}", stderr(&o));
    let o = wangan_in(
        &w.root,
        &["assess", "--profile", "clear.toml", "--at", "2026-13-01"],
    );
    assert_eq!(code(&o), 64, "{}", stderr(&o));
}

/// A vault covering the six months before 2026-03-01 with one source, verified.
fn small_vault(root: &Path) {
    let mut v = vault_at(&root.join("v"), datetime!(2026-03-02 00:00 +08:00));
    fill(
        &mut v,
        "fw1",
        datetime!(2025-08-20 00:00 +08:00),
        datetime!(2026-03-01 23:50 +08:00),
        Duration::minutes(20),
        &[],
    );
    finish(v);
    write(
        &root.join("p.toml"),
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[assess]\nvault = \"v\"\n[[log_source]]\nname = \"fw1\"\n",
    );
}

fn log_duty(root: &Path) -> (i32, serde_json::Value) {
    // only the severe outcomes set the exit code here: the profile proves nothing else
    let o = wangan_in(
        root,
        &[
            "assess",
            "--profile",
            "p.toml",
            "--at",
            "2026-03-01",
            "--json",
            "--fail-on",
            "severe",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(&o)));
    (code(&o), duty(&v, "csl.log-retention").clone())
}

#[test]
fn the_vaults_integrity_decides_whatever_its_coverage() {
    let tmp = tempdir();
    let root = tmp.path();
    small_vault(root);
    // never verified: coverage proven, integrity not
    let (c, d) = log_duty(root);
    assert_eq!((c, d["status"].as_str()), (0, Some("partly-met")), "{d}");
    verify(root, "v");
    let (c, d) = log_duty(root);
    assert_eq!((c, d["status"].as_str()), (0, Some("met")), "{d}");

    // a record that is ten days old is stale (verify_max_age 7 days)
    let log = root.join("v").join(vault::verified::FILE);
    let latest = vault::verified::latest(&root.join("v"))
        .ok()
        .flatten()
        .expect("recorded");
    let mut old = latest.clone();
    old.time = vault::clock::rfc3339(OffsetDateTime::now_utc() - Duration::days(10));
    std::fs::write(
        &log,
        format!("{}\n", serde_json::to_string(&old).unwrap_or_default()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (c, d) = log_duty(root);
    assert_eq!((c, d["status"].as_str()), (0, Some("partly-met")), "{d}");
    assert!(
        d["reason"]["en"]
            .as_str()
            .is_some_and(|r| r.contains("10 days old")),
        "{d}"
    );

    // a record whose root is not the store's (rewritten since): exit 2
    let mut other = latest.clone();
    other.root = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_owned();
    std::fs::write(
        &log,
        format!("{}\n", serde_json::to_string(&other).unwrap_or_default()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let (c, d) = log_duty(root);
    assert_eq!((c, d["status"].as_str()), (2, Some("not-met")), "{d}");

    // a damaged segment: the structural check fails, exit 2
    std::fs::write(
        &log,
        format!("{}\n", serde_json::to_string(&latest).unwrap_or_default()),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let seg = std::fs::read_dir(root.join("v/seg"))
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "seg"))
        .expect("a segment");
    let mut bytes = std::fs::read(&seg).unwrap_or_else(|e| panic!("{e}"));
    let mid = bytes.len() / 3;
    bytes[mid] ^= 0x40;
    let mut perm = std::fs::metadata(&seg)
        .unwrap_or_else(|e| panic!("{e}"))
        .permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perm.set_readonly(false);
    std::fs::set_permissions(&seg, perm).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&seg, bytes).unwrap_or_else(|e| panic!("{e}"));
    let o = wangan_in(
        root,
        &[
            "assess",
            "--profile",
            "p.toml",
            "--at",
            "2026-03-01",
            "--json",
        ],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    assert_eq!(v["summary"]["integrity_failed"], true);
    assert_eq!(duty(&v, "csl.log-retention")["status"], "not-met");
}

#[test]
fn a_missing_vault_leaves_every_source_not_met() {
    let tmp = tempdir();
    write(
        &tmp.path().join("p.toml"),
        "version = 1\n[operator]\nname = \"x\"\nkind = \"operator\"\n[[log_source]]\nname = \"fw1\"\n",
    );
    let o = wangan_in(tmp.path(), &["assess", "--profile", "p.toml", "--json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    let d = duty(&v, "csl.log-retention");
    assert_eq!(d["status"], "not-met");
    assert!(
        d["reason"]["en"]
            .as_str()
            .is_some_and(|r| r.contains("cannot be read")),
        "{d}"
    );
}
