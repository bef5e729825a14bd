//! The registers at scale: 100 000 incidents and 1 000 000 register entries
//! in all, in the embedded SQLite store.
//!
//! `cargo bench -p registers --bench registers` builds the store once (about
//! a minute; kept in `target/bench-registers/` and reused while the schema
//! and the mix below stay the same) and measures:
//!
//! - `list`: the newest page (50) of the incident register, and the page of
//!   open incidents;
//! - `show`: one incident with its whole history (three revisions), as
//!   `wangan incident show` reads it, picked at random;
//! - `sweep`: every open deadline and finding of every register for a CII
//!   operator, as `wangan registers clocks` computes it.
//!
//! Goals (issue 18): list and show under 50 ms, the sweep under 100 ms.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use registers::{
    Input, ListQuery, Location, OperatorKind, Register, Registers, Settings, WriteCtx,
};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

const INCIDENTS: u64 = 100_000;
/// Register entries besides the incidents, per register: 900 000 in all.
const OTHERS: &[(Register, u64)] = &[
    (Register::Training, 300_000),
    (Register::BackgroundCheck, 200_000),
    (Register::Drill, 100_000),
    (Register::Agreement, 100_000),
    (Register::Equipment, 100_000),
    (Register::Vulnerability, 50_000),
    (Register::RealName, 50_000),
];
/// One incident in this many is still open (not closed or summary not sent).
const OPEN_EVERY: u64 = 50;
/// Incidents with three revisions (the ones `show` reads).
const HISTORY: u64 = 500;
/// Bump when the mix changes, so a stale store is rebuilt.
const MIX: u32 = 1;

const NOW: OffsetDateTime = datetime!(2026-06-01 12:00 +08:00);

/// A deterministic spread of values (no RNG crate needed).
fn mix(i: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 32)
}

fn day(i: u64, span_days: u64) -> String {
    let d =
        datetime!(2021-01-01 0:00 UTC).date() + time::Duration::days((mix(i) % span_days) as i64);
    registers::when::fmt_date(d)
}

fn instant(i: u64) -> OffsetDateTime {
    datetime!(2021-01-01 0:00 +08:00)
        + time::Duration::minutes((mix(i) % (5 * 365 * 24 * 60)) as i64)
}

fn t(x: OffsetDateTime) -> String {
    registers::when::fmt_datetime(x)
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn incident(i: u64) -> Map<String, Value> {
    let at = instant(i);
    let grade = ["general", "large", "large", "major"][(mix(i) % 4) as usize];
    let mut m = obj(json!({
        "title": format!("事件 {i}：异常登录与数据外传"),
        "grade": grade,
        "discovered_at": t(at),
        "systems": ["OA", "邮件系统"],
        "impact": "部分用户数据可能泄露，业务未中断。",
        "measures": "封禁来源地址；重置相关账户口令；保全日志。",
        "cause": "弱口令",
    }));
    if grade != "general" {
        m.insert(
            "reported_sector_at".into(),
            json!(t(at + time::Duration::minutes(40))),
        );
        m.insert(
            "reported_police_at".into(),
            json!(t(at + time::Duration::minutes(45))),
        );
    }
    // most incidents of the past are closed and summarised
    if !i.is_multiple_of(OPEN_EVERY) {
        let end = at + time::Duration::days(2);
        m.insert("handling_ended_at".into(), json!(t(end)));
        m.insert("status".into(), json!("closed"));
        m.insert(
            "summary_reported_at".into(),
            json!(t(end + time::Duration::days(10))),
        );
    }
    m
}

fn other(reg: Register, i: u64) -> Map<String, Value> {
    match reg {
        Register::Training => obj(json!({
            "date": day(i, 1900), "course": format!("安全意识培训 {}", i % 97), "kind": "both",
            "attendees": 30 + i % 20, "passed": 28, "trainees": ["王小明:passed", "李华:passed"],
        })),
        Register::BackgroundCheck => obj(json!({
            "person": "王小明", "staff_id": format!("E{:06}", i % 1_000_000), "post": "数据库管理员",
            "checked_on": day(i, 1900), "result": if i.is_multiple_of(200) { "pending" } else { "passed" },
        })),
        Register::Drill => obj(json!({
            "date": day(i, 1900), "scenario": "勒索软件", "participants": 12,
            "follow_ups": ["补充离线备份"], "follow_ups_closed": 1,
        })),
        Register::Agreement => obj(json!({
            "vendor": format!("供应商 {}", i % 500), "subject": "云主机", "signed_on": day(i, 1500),
            "expires_on": "2027-12-31", "security": true, "confidentiality": true,
            // most agreements of the past have ended; the sweep reads the rest
            "status": if i.is_multiple_of(20) { "in-force" } else { "ended" },
        })),
        Register::Equipment => obj(json!({
            "model": format!("R{}", i % 40), "vendor": "某厂", "category": "router",
            "throughput_tbps": 16.0, "routes": 1_000_000,
            "certificate": format!("CERT-{i}"),
        })),
        Register::Vulnerability => {
            let at = instant(i);
            let mut m = obj(json!({
                "product": "安全网关", "version": format!("5.{}", i % 9), "found_at": t(at), "severity": "high",
            }));
            if !i.is_multiple_of(50) {
                m.insert(
                    "reported_at".into(),
                    json!(t(at + time::Duration::hours(20))),
                );
                m.insert(
                    "users_told_at".into(),
                    json!(t(at + time::Duration::hours(30))),
                );
                m.insert("fixed_at".into(), json!(t(at + time::Duration::days(5))));
            }
            m
        }
        _ => obj(
            json!({"service": format!("服务 {}", i % 100), "kind": "publishing", "method": "手机号短信验证", "checked_on": day(i, 1900)}),
        ),
    }
}

fn store_path() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target
        .join("bench-registers")
        .join(format!("s{}-m{MIX}", registers::SCHEMA_VERSION))
}

/// Build the store once; reuse it when it is complete.
fn store() -> Registers {
    let dir = store_path();
    let loc = Location::default_in(&dir);
    let total: u64 = INCIDENTS + OTHERS.iter().map(|x| x.1).sum::<u64>();
    if let Ok(mut r) = Registers::open_existing(&loc)
        && r.counts()
            .map(|c| c.iter().map(|x| x.records).sum::<u64>())
            .unwrap_or(0)
            == total
    {
        return r;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let started = std::time::Instant::now();
    let mut r = Registers::open(&loc).expect("open the bench store");
    let s = Settings::default();
    let w = WriteCtx {
        actor: "bench",
        now: NOW,
        settings: &s,
        expected_revision: None,
    };
    let batch = 20_000;
    let mut i = 0;
    while i < INCIDENTS {
        let n = batch.min(INCIDENTS - i);
        let recs: Vec<_> = (i..i + n).map(incident).collect();
        r.add_many(Register::Incident, recs, &w).expect("incidents");
        i += n;
    }
    // a sample of incidents gets two more revisions, so `show` reads a history
    for k in 0..HISTORY {
        let id = format!("INC-{}", 1 + k * (INCIDENTS / HISTORY));
        for (field, value) in [("place", "总部机房"), ("trend", "已得到控制")] {
            r.update(
                Register::Incident,
                &id,
                &[(field, Input::Text(value.into()))],
                "update",
                &w,
            )
            .expect("update");
        }
    }
    for (reg, count) in OTHERS {
        let mut i = 0;
        while i < *count {
            let n = batch.min(count - i);
            let recs: Vec<_> = (i..i + n).map(|k| other(*reg, k)).collect();
            r.add_many(*reg, recs, &w).expect("entries");
            i += n;
        }
    }
    eprintln!(
        "built the bench store ({total} records) in {:.1} s: {}",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    r
}

fn bench(c: &mut Criterion) {
    let mut r = store();
    let s = Settings::default();
    let counts = r.counts().expect("counts");
    let open: u64 = counts.iter().map(|c| c.open).sum();
    let records: u64 = counts.iter().map(|c| c.records).sum();
    eprintln!("store: {records} records, {open} open (read by the sweep)");

    let mut g = c.benchmark_group("registers");
    g.sample_size(30);
    g.bench_function("list_incidents_page", |b| {
        b.iter(|| {
            let p = r
                .list(
                    Register::Incident,
                    &ListQuery {
                        open_only: false,
                        limit: 50,
                        offset: 0,
                    },
                )
                .expect("list");
            let v = registers::view::list_view(
                Register::Incident,
                &p,
                0,
                50,
                OperatorKind::Cii,
                &s,
                NOW,
            );
            black_box(v)
        })
    });
    g.bench_function("list_open_incidents_page", |b| {
        b.iter(|| {
            let p = r
                .list(
                    Register::Incident,
                    &ListQuery {
                        open_only: true,
                        limit: 50,
                        offset: 0,
                    },
                )
                .expect("list");
            black_box(p)
        })
    });
    let mut k = 0u64;
    g.bench_function("show_incident_with_history", |b| {
        b.iter(|| {
            k += 1;
            // sampled incidents have three revisions
            let id = format!("INC-{}", 1 + (mix(k) % HISTORY) * (INCIDENTS / HISTORY));
            let rec = r.get(Register::Incident, &id).expect("get");
            let h = r.history(Register::Incident, &id).expect("history");
            black_box(registers::view::record_view(
                &rec,
                OperatorKind::Cii,
                &s,
                NOW,
                Some(h),
                false,
            ))
        })
    });
    g.bench_function("sweep_all_open_items_cii", |b| {
        b.iter(|| black_box(r.sweep(OperatorKind::Cii, &s, NOW).expect("sweep")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
