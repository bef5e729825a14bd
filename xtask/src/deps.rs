//! `cargo xtask deps`: the supply-chain check CI runs (what `cargo deny check licenses bans
//! sources` would check), from `cargo metadata` alone, so it works offline and costs no build.
//!
//! For the main workspace and the fuzz workspace:
//! - every dependency comes from crates.io (no git, path outside the repository or other
//!   registry);
//! - every dependency's SPDX licence expression is satisfied by [`ALLOWED`] (with the
//!   exceptions in [`ALLOWED_EXCEPTIONS`]); a crate with no licence expression fails;
//! - in the main workspace, a crate present in more than one version is an error unless it
//!   is in [`DUPLICATES`] (each entry says why it is tolerated), so a new duplicate is a
//!   decision, not an accident; an entry no longer needed is reported too.
//!
//! Security advisories (RustSec) are not checked here: the advisory database is fetched from
//! GitHub, which this project's machines cannot reach. Run `cargo deny check advisories` or
//! `cargo audit` where it can be fetched.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Licences every dependency may be used under (permissive; adding a copyleft licence is a
/// decision for the whole project, not for this list).
pub const ALLOWED: &[&str] = &[
    "0BSD",
    "Apache-2.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSL-1.0",
    "CC0-1.0",
    "ISC",
    "MIT",
    "MIT-0",
    "NCSA",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Unlicense",
    "Zlib",
];

/// `WITH` exceptions that keep a licence permissive.
pub const ALLOWED_EXCEPTIONS: &[&str] = &["LLVM-exception"];

/// Crates tolerated in two or more versions in the main workspace, and why.
pub const DUPLICATES: &[(&str, &str)] = &[
    (
        "base64",
        "the MariaDB and PostgreSQL clients (mysql_common, postgres-protocol) use 0.22",
    ),
    (
        "block-buffer",
        "RustCrypto 0.10 generation through mysql_common's sha1/sha2 0.10",
    ),
    (
        "cpufeatures",
        "RustCrypto 0.10 generation through mysql_common's sha1/sha2 0.10",
    ),
    (
        "crypto-common",
        "RustCrypto 0.10 generation through mysql_common's sha1/sha2 0.10",
    ),
    (
        "digest",
        "RustCrypto 0.10 generation through mysql_common's sha1/sha2 0.10",
    ),
    (
        "fallible-iterator",
        "the PostgreSQL client uses 0.2, rusqlite 0.3",
    ),
    (
        "getrandom",
        "ring (rustls) uses 0.2 and mysql_common 0.3; the rest 0.4",
    ),
    (
        "nix",
        "fuser (lossfs, the power-loss tests' FUSE file system; test support only) uses 0.31, zip 0.32",
    ),
    (
        "r-efi",
        "UEFI-only, through getrandom 0.3 (never built on Linux)",
    ),
    ("sha2", "mysql_common uses 0.10; the rest 0.11"),
    (
        "similar",
        "insta (tests only) uses 2.x; law's diff uses 3.x",
    ),
    (
        "syn",
        "proc-macros still on syn 2 (maud, tracing, dalek, zeroize) beside syn 3",
    ),
    (
        "wasi",
        "WASI-only, through getrandom 0.2 and mio (never built on Linux)",
    ),
    (
        "windows-sys",
        "Windows-only, through ring (never built on Linux)",
    ),
];

/// Run the check on the repository at `root`.
pub fn run(root: &Path) -> Result<()> {
    let mut problems = Vec::new();
    let main = metadata(root, None)?;
    check(root, &main, "workspace", true, &mut problems);
    let fuzz = root.join("fuzz/Cargo.toml");
    if fuzz.exists() {
        let m = metadata(root, Some(&fuzz))?;
        check(root, &m, "fuzz", false, &mut problems);
    }
    if problems.is_empty() {
        eprintln!("deps: sources, licences and duplicate versions ok");
        Ok(())
    } else {
        for p in &problems {
            eprintln!("deps: {p}");
        }
        bail!("{} supply-chain problem(s)", problems.len())
    }
}

fn metadata(root: &Path, manifest: Option<&Path>) -> Result<serde_json::Value> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root)
        .args(["metadata", "--format-version", "1", "--locked"]);
    if let Some(m) = manifest {
        cmd.arg("--manifest-path").arg(m);
    }
    let out = cmd.output().context("could not run cargo metadata")?;
    if !out.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    serde_json::from_slice(&out.stdout).context("cargo metadata printed invalid JSON")
}

const CRATES_IO: &str = "registry+https://github.com/rust-lang/crates.io-index";

fn check(
    root: &Path,
    m: &serde_json::Value,
    what: &str,
    duplicates: bool,
    problems: &mut Vec<String>,
) {
    let members: BTreeSet<&str> = m["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    let mut versions: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in m["packages"].as_array().into_iter().flatten() {
        let id = p["id"].as_str().unwrap_or_default();
        // our own crates (the fuzz workspace depends on them by path)
        let ours = p["source"].is_null()
            && p["manifest_path"]
                .as_str()
                .is_some_and(|m| Path::new(m).starts_with(root));
        if members.contains(id) || ours {
            continue;
        }
        let name = p["name"].as_str().unwrap_or("?");
        let version = p["version"].as_str().unwrap_or("?");
        match p["source"].as_str() {
            Some(CRATES_IO) => {}
            Some(other) => problems.push(format!(
                "{what}: {name} {version} comes from {other}, not crates.io"
            )),
            None => problems.push(format!(
                "{what}: {name} {version} is a path dependency outside the repository"
            )),
        }
        match p["license"].as_str() {
            None => problems.push(format!(
                "{what}: {name} {version} has no SPDX licence expression"
            )),
            Some(l) => match allowed(l) {
                Ok(true) => {}
                Ok(false) => problems.push(format!(
                    "{what}: {name} {version} is licensed `{l}`, which no allowed licence satisfies"
                )),
                Err(e) => problems.push(format!(
                    "{what}: {name} {version}: cannot read its licence `{l}`: {e}"
                )),
            },
        }
        versions.entry(name).or_default().insert(version);
    }
    if duplicates {
        for (name, vs) in &versions {
            if vs.len() > 1 && !DUPLICATES.iter().any(|(n, _)| n == name) {
                let vs: Vec<&str> = vs.iter().copied().collect();
                problems.push(format!(
                    "{what}: {name} is built in {} versions ({}): unify them, or add it to DUPLICATES in xtask/src/deps.rs with the reason",
                    vs.len(),
                    vs.join(", ")
                ));
            }
        }
        for (name, _) in DUPLICATES {
            if versions.get(name).is_none_or(|v| v.len() < 2) {
                problems.push(format!(
                    "{what}: {name} is listed in DUPLICATES but is no longer duplicated: remove the entry"
                ));
            }
        }
    }
}

/// Whether an SPDX licence expression is satisfied by [`ALLOWED`]: `OR` needs one side,
/// `AND` both, `A WITH E` needs `A` and `E` allowed; the legacy `/` separator means `OR`.
pub fn allowed(expr: &str) -> Result<bool, String> {
    let spaced = expr
        .replace('(', " ( ")
        .replace(')', " ) ")
        .replace('/', " OR ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut p = Parser { tokens, at: 0 };
    let v = p.or()?;
    if p.at != p.tokens.len() {
        return Err(format!("unexpected `{}`", p.tokens[p.at]));
    }
    Ok(v)
}

struct Parser<'a> {
    tokens: Vec<&'a str>,
    at: usize,
}

impl Parser<'_> {
    fn next(&mut self) -> Option<&str> {
        let t = self.tokens.get(self.at).copied();
        self.at += 1;
        t
    }

    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).copied()
    }

    fn or(&mut self) -> Result<bool, String> {
        let mut v = self.and()?;
        while self.peek() == Some("OR") {
            self.at += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut v = self.atom()?;
        while self.peek() == Some("AND") {
            self.at += 1;
            let r = self.atom()?;
            v = v && r;
        }
        Ok(v)
    }

    fn atom(&mut self) -> Result<bool, String> {
        match self.next() {
            Some("(") => {
                let v = self.or()?;
                if self.next() != Some(")") {
                    return Err("missing `)`".into());
                }
                Ok(v)
            }
            Some(t) if !matches!(t, ")" | "AND" | "OR" | "WITH") => {
                let id = t.trim_end_matches('+');
                let mut ok = ALLOWED.contains(&id);
                if self.peek() == Some("WITH") {
                    self.at += 1;
                    let e = self.next().ok_or("`WITH` without an exception")?;
                    ok = ok && ALLOWED_EXCEPTIONS.contains(&e);
                }
                Ok(ok)
            }
            Some(t) => Err(format!("unexpected `{t}`")),
            None => Err("the expression ends too early".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::allowed;

    #[test]
    fn spdx_expressions() {
        for ok in [
            "MIT",
            "MIT OR Apache-2.0",
            "MIT/Apache-2.0",
            "Apache-2.0 / MIT",
            "(MIT OR Apache-2.0) AND Unicode-3.0",
            "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT",
            "MIT OR Apache-2.0 OR LGPL-2.1-or-later",
            "BSD-3-Clause AND BSD-2-Clause",
        ] {
            assert_eq!(allowed(ok), Ok(true), "{ok}");
        }
        for no in [
            "GPL-3.0-only",
            "MIT AND GPL-2.0-only",
            "LGPL-2.1-or-later",
            "MPL-2.0",
            "Apache-2.0 WITH Classpath-exception-2.0",
        ] {
            assert_eq!(allowed(no), Ok(false), "{no}");
        }
        for bad in ["", "MIT OR", "(MIT", "MIT )", "AND MIT", "MIT WITH"] {
            assert!(allowed(bad).is_err(), "{bad}");
        }
    }
}
