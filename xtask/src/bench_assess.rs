//! `cargo xtask bench assess`: `wangan assess` on a profile of 50 log sources
//! over a vault of 10 M records spread over seven months (one source silent
//! for three hours), against the goal of under 2 s and under 256 MiB.
//!
//! The vault is written by the `timed_vault` example of the vault crate (the
//! receive times can only be set through the library). Then `wangan vault
//! verify` records a full verification, and `wangan assess --format json` runs
//! several times (warm cache); wall time and peak RSS (`VmHWM`) of each run.
//! For reference, `wangan vault coverage` (which reads every record) on the
//! same vault. Writes the `assess` section of `BENCHMARKS.md`.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::bench::{cpu_model, loadavg, release_binary, root, timed, write_section};

const USAGE: &str =
    "usage: cargo xtask bench assess [--records N] [--sources N] [--runs N] [--no-build] [--reuse]";

const FROM: &str = "2025-08-01T00:00:00+08:00";
const TO: &str = "2026-03-02T00:00:00+08:00";
const AT: &str = "2026-03-01";
/// The goals of the issue.
const GOAL_SECS: f64 = 2.0;
const GOAL_MIB: f64 = 256.0;

/// Run the benchmark.
pub fn run(args: &[String]) -> Result<()> {
    let (mut records, mut sources, mut runs, mut build) = (10_000_000u64, 50u64, 5usize, true);
    let mut reuse = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut num = |what: &str| -> Result<u64> {
            it.next()
                .with_context(|| format!("{what} needs a value"))?
                .parse::<u64>()
                .with_context(|| format!("{what}: not a number"))
        };
        match a.as_str() {
            "--records" => records = num("--records")?,
            "--sources" => sources = num("--sources")?.clamp(8, 99),
            "--runs" => runs = usize::try_from(num("--runs")?.max(1))?,
            "--no-build" => build = false,
            "--reuse" => reuse = true,
            _ => bail!("{USAGE}"),
        }
    }
    let root = root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    if build {
        for args in [
            &["build", "--release", "-p", "wangan"][..],
            &[
                "build",
                "--release",
                "-p",
                "vault",
                "--example",
                "timed_vault",
            ][..],
        ] {
            if !Command::new(&cargo)
                .args(args)
                .current_dir(&root)
                .status()?
                .success()
            {
                bail!("cargo {} failed", args.join(" "));
            }
        }
    }
    let wangan = release_binary(&root);
    let generator = wangan
        .parent()
        .context("release folder")?
        .join("examples/timed_vault");
    let work = root.join("bench-work/assess");
    let vault = work.join("vault");
    // --reuse: the vault (and its record of the last run's sizes) of an earlier run
    let meta = work.join("vault.meta");
    let kept = reuse
        && fs::read_to_string(&meta).is_ok_and(|m| m.trim() == format!("{records} {sources}"));
    let (gen_secs, written, verify_secs) = if kept {
        let v: Vec<f64> = fs::read_to_string(work.join("vault.times"))?
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        if v.len() != 3 {
            bail!("bench-work/assess/vault.times is damaged: run without --reuse");
        }
        (v[0], v[1] as u64, v[2])
    } else {
        if work.exists() {
            fs::remove_dir_all(&work)?;
        }
        fs::create_dir_all(&work)?;
        eprintln!("bench assess: writing {records} records over {sources} sources");
        let t0 = Instant::now();
        let o = Command::new(&generator)
            .args([
                vault.display().to_string(),
                records.to_string(),
                sources.to_string(),
                FROM.to_owned(),
                TO.to_owned(),
            ])
            .output()
            .with_context(|| format!("run {}", generator.display()))?;
        if !o.status.success() {
            bail!("timed_vault failed: {}", String::from_utf8_lossy(&o.stderr));
        }
        let gen_secs = t0.elapsed().as_secs_f64();
        let written: u64 = String::from_utf8_lossy(&o.stdout)
            .trim()
            .parse()
            .unwrap_or(0);
        eprintln!("bench assess: wangan vault verify (full)");
        let verify = timed(
            Command::new(&wangan)
                .args(["vault", "verify", "--data-dir"])
                .arg(&vault),
            None,
        )?;
        if !verify.ok {
            bail!("wangan vault verify failed");
        }
        fs::write(&meta, format!("{records} {sources}"))?;
        fs::write(
            work.join("vault.times"),
            format!("{gen_secs} {written} {}", verify.wall),
        )?;
        (gen_secs, written, verify.wall)
    };
    let disk = dir_bytes(&vault)?;

    let mut profile = String::from(
        "version = 1\n[operator]\nname = \"bench\"\nkind = \"operator\"\n[assess]\nvault = \"vault\"\n",
    );
    for i in 0..sources {
        let _ = write!(profile, "[[log_source]]\nname = \"src-{i:02}\"\n");
    }
    let p = work.join("profile.toml");
    fs::write(&p, profile)?;

    let out = work.join("assessment.json");
    let load_before = loadavg();
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut hwms = Vec::new();
    for i in 0..=runs {
        let t = timed(
            Command::new(&wangan)
                .current_dir(&work)
                .args([
                    "assess",
                    "--profile",
                    "profile.toml",
                    "--at",
                    AT,
                    "--format",
                    "json",
                ])
                .args(["--fail-on", "none", "-o"])
                .arg(&out),
            None,
        )?;
        if !t.ok {
            bail!("wangan assess failed");
        }
        // the first run warms the page cache
        if i > 0 {
            walls.push(t.wall);
            cpus.push(t.cpu);
            hwms.push(t.hwm_kib.unwrap_or(0) as f64 / 1024.0);
        }
    }
    // the result is the one expected: src-07 silent three hours, the rest covered
    let v: serde_json::Value = serde_json::from_slice(&fs::read(&out)?)?;
    let srcs = v["logs"]["sources"].as_array().context("sources")?;
    let gappy: Vec<&str> = srcs
        .iter()
        .filter(|s| s["covered"] == false)
        .filter_map(|s| s["name"].as_str())
        .collect();
    if srcs.len() as u64 != sources || gappy != ["src-07"] {
        bail!(
            "unexpected coverage: {} sources, not covered: {gappy:?}",
            srcs.len()
        );
    }

    eprintln!("bench assess: wangan vault coverage (reads every record), for reference");
    let cov = timed(
        Command::new(&wangan)
            .args([
                "vault",
                "coverage",
                "--json",
                "--at",
                "2026-03-01T16:00:00Z",
                "--data-dir",
            ])
            .arg(&vault),
        None,
    )?;

    let med = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (wall, worst) = (
        med(walls.clone()),
        walls.iter().copied().fold(0.0, f64::max),
    );
    let hwm = hwms.iter().copied().fold(0.0, f64::max);
    let cpu = med(cpus);
    let load_after = loadavg();
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(&root)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    let mut md = String::new();
    let _ = writeln!(md, "## Assess: 50 log sources over a 10 M-record vault\n");
    let _ = writeln!(
        md,
        "`cargo xtask bench assess --records {records} --sources {sources} --runs {runs}` at {commit}; \
         {} CPUs ({}), load {load_before} before the timed runs and {load_after} after.\n",
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        cpu_model(),
    );
    let _ = writeln!(
        md,
        "The vault holds {written} records ({:.0} MiB on disk) received round-robin from {sources} \
         sources between {FROM} and {TO} (one record each {:.1} s; `src-07` silent for three hours \
         in the middle), written through the vault library in {gen_secs:.1} s. The profile declares \
         all {sources} sources; `--at {AT}`, gap threshold 1 hour. Every source's blocks span more \
         than half the threshold, so the headers alone decide nothing here: assess reads the time \
         column of the blocks in the six-month window (the raw records are never decompressed).\n",
        disk as f64 / 1048576.0,
        (parse_secs(TO) - parse_secs(FROM)) / records.max(1) as f64,
    );
    let _ = writeln!(md, "| what | result | goal |\n|---|---|---|");
    let _ = writeln!(
        md,
        "| `wangan assess --format json`, median of {runs} warm runs | {wall:.2} s (slowest {worst:.2} s) | < {GOAL_SECS} s: {} |",
        met(worst < GOAL_SECS)
    );
    let _ = writeln!(
        md,
        "| CPU time of assess (user + system, median) | {cpu:.2} s | — |"
    );
    let _ = writeln!(
        md,
        "| peak RSS of assess (`VmHWM`, highest run) | {hwm:.0} MiB | < {GOAL_MIB} MiB: {} |",
        met(hwm < GOAL_MIB)
    );
    let _ = writeln!(
        md,
        "| `wangan vault coverage --json` (reads every record), for reference | {:.2} s, {:.0} MiB | — |",
        cov.wall,
        cov.hwm_kib.unwrap_or(0) as f64 / 1024.0
    );
    let _ = writeln!(
        md,
        "| `wangan vault verify` (full, writes the record assess reads) | {verify_secs:.1} s | — |"
    );
    write_section(&root, "assess", &md)?;
    print!("{md}");
    if worst >= GOAL_SECS || hwm >= GOAL_MIB {
        bail!("a goal was not met (see above)");
    }
    Ok(())
}

fn parse_secs(rfc3339: &str) -> f64 {
    // "YYYY-MM-DDTHH:MM:SS+08:00": days since 2025-08-01 are enough here
    let d = |s: &str| -> f64 {
        let y: i64 = s[0..4].parse().unwrap_or(0);
        let m: i64 = s[5..7].parse().unwrap_or(1);
        let day: i64 = s[8..10].parse().unwrap_or(1);
        // days from civil (Howard Hinnant)
        let y2 = if m <= 2 { y - 1 } else { y };
        let era = y2.div_euclid(400);
        let yoe = y2 - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe) as f64 * 86_400.0
    };
    d(rfc3339)
}

fn dir_bytes(p: &Path) -> Result<u64> {
    let mut n = 0;
    for e in fs::read_dir(p)? {
        let e = e?;
        let m = e.metadata()?;
        n += if m.is_dir() {
            dir_bytes(&e.path())?
        } else {
            m.len()
        };
    }
    Ok(n)
}
