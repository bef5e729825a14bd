//! `cargo xtask fuzz`: run every cargo-fuzz target for a short, fixed time on its kept corpus.
//!
//! The kept corpus of target `T` lives in the repository, `fuzz/seeds/T/` (small inputs: real
//! files of each format and what earlier fuzzing found worth keeping). A run never writes into
//! it: libFuzzer adds the inputs it finds to a temporary directory given first, and reads the
//! kept corpus given second. A crash, a timeout or running out of memory fails the run, and
//! the input that did it is kept under `fuzz/artifacts/T/` (ignored by git) for the fix.
//!
//! `--grow` merges what a run found into the kept corpus (minimised with `-merge=1`) — for a
//! maintainer who lets the fuzzers run longer and commits the result.
//!
//! Needs the nightly toolchain (`rustup toolchain install nightly`) and cargo-fuzz, which is
//! installed with `cargo install cargo-fuzz --locked` when missing. Targets are built without a
//! sanitizer (`-s none`, the code under test is safe Rust; it keeps CI short) and with debug
//! assertions, so overflow checks and `debug_assert!`s fire.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

const USAGE: &str = "usage: cargo xtask fuzz [--seconds N] [--target NAME]... [--grow]";

/// Parse the arguments and run.
pub fn cli(root: &Path, args: &[String]) -> Result<()> {
    let mut seconds = 10u64;
    let mut targets = Vec::new();
    let mut grow = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                seconds = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .context("--seconds needs a whole number of seconds above 0")?
            }
            "--target" => targets.push(it.next().context("--target needs a name")?.clone()),
            "--grow" => grow = true,
            _ => bail!("unknown argument `{a}`\n{USAGE}"),
        }
    }
    run(root, seconds, &targets, grow)
}

/// Build the targets and run each for `seconds` on its kept corpus.
pub fn run(root: &Path, seconds: u64, only: &[String], grow: bool) -> Result<()> {
    let fuzz = root.join("fuzz");
    let all = targets(&fuzz)?;
    for t in only {
        if !all.contains(t) {
            bail!("no fuzz target `{t}`; the targets are: {}", all.join(", "));
        }
    }
    let chosen: Vec<&String> = all
        .iter()
        .filter(|t| only.is_empty() || only.contains(t))
        .collect();
    ensure_cargo_fuzz()?;
    let mut build = Command::new("cargo");
    build
        .current_dir(root)
        .args([
            "+nightly",
            "fuzz",
            "build",
            "--sanitizer",
            "none",
            "--debug-assertions",
        ])
        .env_remove("RUSTC")
        .env_remove("CARGO");
    if only.len() == 1 {
        build.arg(&only[0]);
    }
    let st = build.status().context("could not start cargo fuzz build")?;
    if !st.success() {
        bail!("cargo fuzz build failed with {st}");
    }
    let bin_dir = find_bin_dir(&fuzz)?;
    let mut failed = Vec::new();
    for t in chosen {
        let seeds = fuzz.join("seeds").join(t);
        std::fs::create_dir_all(&seeds)
            .with_context(|| format!("could not create {}", seeds.display()))?;
        let found = std::env::temp_dir().join(format!("wangan-fuzz-{}-{t}", std::process::id()));
        let _ = std::fs::remove_dir_all(&found);
        std::fs::create_dir_all(&found)?;
        let artifacts = fuzz.join("artifacts").join(t);
        std::fs::create_dir_all(&artifacts)?;
        eprintln!("==> fuzz {t} for {seconds} s");
        let st = Command::new(bin_dir.join(t))
            .arg(&found)
            .arg(&seeds)
            .arg(format!("-max_total_time={seconds}"))
            .arg("-timeout=10")
            .arg("-rss_limit_mb=2048")
            .arg("-print_final_stats=1")
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .status()
            .with_context(|| format!("could not start fuzz target {t}"))?;
        if !st.success() {
            failed.push(format!(
                "{t} ({st}; the input is under {})",
                artifacts.display()
            ));
        } else if grow {
            let st = Command::new(bin_dir.join(t))
                .arg("-merge=1")
                .arg(&seeds)
                .arg(&found)
                .status()?;
            if !st.success() {
                failed.push(format!("{t}: merging into the kept corpus failed ({st})"));
            }
        }
        let _ = std::fs::remove_dir_all(&found);
    }
    if failed.is_empty() {
        Ok(())
    } else {
        bail!("fuzzing found problems in: {}", failed.join("; "))
    }
}

/// The `[[bin]]` names of fuzz/Cargo.toml.
fn targets(fuzz: &Path) -> Result<Vec<String>> {
    let toml = std::fs::read_to_string(fuzz.join("Cargo.toml"))
        .context("could not read fuzz/Cargo.toml")?;
    let mut out = Vec::new();
    let mut in_bin = false;
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
        } else if in_bin && let Some(v) = line.strip_prefix("name") {
            let v = v
                .trim_start()
                .trim_start_matches('=')
                .trim()
                .trim_matches('"');
            out.push(v.to_owned());
        }
    }
    if out.is_empty() {
        bail!("fuzz/Cargo.toml declares no [[bin]] target");
    }
    Ok(out)
}

fn find_bin_dir(fuzz: &Path) -> Result<PathBuf> {
    let target = fuzz.join("target");
    for e in std::fs::read_dir(&target)
        .with_context(|| format!("no {} after the build", target.display()))?
    {
        let p = e?.path().join("release");
        if p.is_dir() {
            return Ok(p);
        }
    }
    bail!("no fuzz/target/<triple>/release after the build")
}

fn ensure_cargo_fuzz() -> Result<()> {
    let nightly = Command::new("cargo")
        .args(["+nightly", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !nightly {
        bail!("fuzzing needs the nightly toolchain: rustup toolchain install nightly");
    }
    let have = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        eprintln!("==> installing cargo-fuzz");
        let st = Command::new("cargo")
            .args(["install", "cargo-fuzz", "--locked"])
            .status()
            .context("could not start cargo install")?;
        if !st.success() {
            bail!("cargo install cargo-fuzz failed with {st}");
        }
    }
    Ok(())
}
