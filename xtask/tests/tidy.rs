//! Invariants of the code base, checked on every CI run (as rust-analyzer's `tidy.rs`):
//!
//! - the engine crates (law, vault, scan without `db`, duties, registers without `postgres`,
//!   report, evidence) have no async runtime in their dependency trees;
//! - `vault::testing` (which can re-sign a rewritten segment) is in no release build;
//! - library messages name no `wangan …` command: the binary adds such hints;
//! - no source file is longer than [`MAX_LINES`] unless [`LONG_FILES`] says why;
//! - every library crate denies undocumented public items.
//!
//! Each allow-list entry carries its reason, and an entry that is no longer needed fails the
//! test, so the lists only shrink.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace root")
        .to_path_buf()
}

fn cargo_tree(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root())
        .args(["tree", "--locked", "--offline", "--prefix", "none"])
        .args(args)
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

// ---- async runtimes -------------------------------------------------------------------------

/// Crates whose presence means an async runtime is compiled in.
const ASYNC_RUNTIMES: &[&str] = &[
    "tokio",
    "async-std",
    "smol",
    "async-executor",
    "async-global-executor",
    "futures-executor",
    "async-io",
    "mio",
];

/// The engine crates: synchronous, no HTTP, no command line (`scan` and `registers` as a
/// library user gets them, without the `db` and `postgres` features).
const ENGINE: &[&str] = &[
    "law",
    "vault",
    "scan",
    "duties",
    "registers",
    "report",
    "evidence",
];

/// Engine crates that still compile an async runtime, and why. Remove an entry when its
/// reason is gone (the test fails on an entry that is no longer needed).
const ASYNC_ALLOWED: &[(&str, &str)] = &[];

/// The package names in the normal (non-dev, non-build) dependency tree of `krate`, built as a
/// user of the library would build it: default features, no dev-dependencies.
fn normal_deps(krate: &str) -> Vec<String> {
    cargo_tree(&["-p", krate, "-e", "normal", "-f", "{p}"])
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn engine_crates_have_no_async_runtime() {
    let mut bad = Vec::new();
    for &krate in ENGINE {
        let deps = normal_deps(krate);
        assert!(
            deps.iter().any(|d| d == krate),
            "{krate}: not in the workspace"
        );
        let runtimes: Vec<&String> = deps
            .iter()
            .filter(|d| ASYNC_RUNTIMES.contains(&d.as_str()))
            .collect();
        let allowed = ASYNC_ALLOWED.iter().any(|(k, _)| *k == krate);
        match (runtimes.is_empty(), allowed) {
            (false, false) => bad.push(format!("{krate} compiles {runtimes:?}")),
            (true, true) => bad.push(format!(
                "{krate} no longer compiles an async runtime: remove it from ASYNC_ALLOWED"
            )),
            _ => {}
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn scan_compiles_database_clients_only_with_its_db_feature() {
    let without = normal_deps("scan");
    for client in ["postgres", "mysql", "tokio"] {
        assert!(
            !without.iter().any(|d| d == client),
            "scan without `db` compiles {client}"
        );
    }
    let with = cargo_tree(&[
        "-p",
        "scan",
        "-e",
        "normal",
        "-f",
        "{p}",
        "--features",
        "db",
    ]);
    assert!(with.lines().any(|l| l.starts_with("postgres ")), "{with}");
    assert!(with.lines().any(|l| l.starts_with("mysql ")), "{with}");
}

#[test]
fn registers_compiles_the_postgres_client_only_with_its_postgres_feature() {
    let without = normal_deps("registers");
    for client in ["postgres", "tokio"] {
        assert!(
            !without.iter().any(|d| d == client),
            "registers without `postgres` compiles {client}"
        );
    }
    let with = cargo_tree(&[
        "-p",
        "registers",
        "-e",
        "normal",
        "-f",
        "{p}",
        "--features",
        "postgres",
    ]);
    assert!(with.lines().any(|l| l.starts_with("postgres ")), "{with}");
    assert!(with.lines().any(|l| l.starts_with("tokio ")), "{with}");
}

#[test]
fn vault_testing_is_in_no_release_build() {
    // every member as a release build resolves it: normal and build edges, no dev-dependencies
    let tree = cargo_tree(&["--workspace", "-e", "normal,build", "-f", "{p}|{f}"]);
    let vaults: Vec<&str> = tree.lines().filter(|l| l.starts_with("vault ")).collect();
    assert!(!vaults.is_empty(), "{tree}");
    for l in vaults {
        let features = l.split('|').nth(1).unwrap_or("");
        assert!(
            !features.split(',').any(|f| f.trim() == "testing"),
            "a release build enables vault's `testing` feature: {l}"
        );
    }
    // the tests do enable it (they use it)
    let dev = cargo_tree(&["-p", "wangan", "-e", "normal,dev", "-f", "{p}|{f}"]);
    assert!(
        dev.lines()
            .any(|l| l.starts_with("vault ") && l.contains("testing")),
        "the wangan tests no longer enable vault/testing: {dev}"
    );
}

// ---- source files ---------------------------------------------------------------------------

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&p, out);
            }
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root())
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Commands of the `wangan` binary (and its register groups) that a message could name.
const COMMANDS: &[&str] = &[
    "law",
    "vault",
    "scan",
    "serve",
    "token",
    "user",
    "registers",
    "profile",
    "assess",
    "incident",
    "plan",
    "drill",
    "training",
    "background-check",
    "organisation",
    "agreement",
    "procurement-review",
    "vulnerability",
    "real-name",
    "mlps",
    "cii-assessment",
    "equipment",
    "project",
];

/// Lines of engine-crate sources that name a `wangan` command and are not error messages:
/// (file, text on the line or "" for every line of the file, why).
const COMMAND_TEXT_ALLOWED: &[(&str, &str, &str)] = &[
    (
        "crates/duties/src/assess.rs",
        "",
        "the recommended actions of an assessment (what the operator should run), not errors",
    ),
    (
        "crates/report/src/oscal.rs",
        "wangan law export --format oscal",
        "the assessment plan names how its catalog was made (report text, not an error)",
    ),
    (
        "crates/duties/src/profile.rs",
        "Read by `wangan assess`; check it with",
        "the commented profile template (a file for the operator), not an error",
    ),
    (
        "crates/duties/src/profile.rs",
        "# `wangan profile check FILE`",
        "the commented profile template, not an error",
    ),
    (
        "crates/duties/src/profile.rs",
        "where `wangan scan … --save` keeps results",
        "the commented profile template, not an error",
    ),
    (
        "crates/duties/src/profile.rs",
        "an older full `wangan vault verify` is stale",
        "the commented profile template, not an error",
    ),
    (
        "crates/duties/src/profile.rs",
        "as `wangan serve` or",
        "the commented profile template, not an error",
    ),
    (
        "crates/duties/src/profile.rs",
        "`wangan vault ingest --source` record it",
        "the commented profile template, not an error",
    ),
    (
        "crates/duties/src/profile.rs",
        "what `wangan scan` reads",
        "the commented profile template, not an error",
    ),
    (
        "crates/registers/src/store/mod.rs",
        "运行 `wangan registers anchor`",
        "advice in a verify finding (a report line, not an error); to move to the binary with \
         the other renderers",
    ),
    (
        "crates/registers/src/store/mod.rs",
        "Run `wangan registers anchor`",
        "advice in a verify finding (a report line, not an error); to move to the binary with \
         the other renderers",
    ),
];

/// Words that follow a command in command text: its subcommands.
const SUBCOMMANDS: &[&str] = &[
    "init",
    "ingest",
    "verify",
    "checkpoint",
    "query",
    "export",
    "check-bundle",
    "prove-consistency",
    "prune",
    "coverage",
    "anchor",
    "status",
    "clocks",
    "list",
    "show",
    "add",
    "open",
    "update",
    "close",
    "report",
    "grade",
    "check",
    "template",
    "create",
];

/// Whether `line` holds command text: `` `wangan <command>`` (quoted as code), or
/// `wangan <command>` followed by a flag, a placeholder or a subcommand. ("a wangan vault",
/// "a wangan scan result" name things, not commands.)
fn names_command(line: &str) -> bool {
    line.match_indices("wangan ").any(|(i, _)| {
        let quoted = line[..i].ends_with('`');
        let rest = &line[i + "wangan ".len()..];
        COMMANDS.iter().any(|c| {
            let Some(after) = rest.strip_prefix(c) else {
                return false;
            };
            let word_ends = after
                .chars()
                .next()
                .is_none_or(|ch| !(ch.is_alphanumeric() || ch == '-' || ch == '_'));
            if !word_ends {
                return false;
            }
            let next = after.trim_start_matches(' ');
            quoted
                || after.starts_with('`')
                || (after.starts_with(' ')
                    && (next.starts_with('-')
                        || next.starts_with('{')
                        || SUBCOMMANDS.iter().any(|s| {
                            next.strip_prefix(s).is_some_and(|t| {
                                t.chars()
                                    .next()
                                    .is_none_or(|ch| !ch.is_alphanumeric() && ch != '-')
                            })
                        })))
        })
    })
}

#[test]
fn library_messages_name_no_command() {
    let mut files = Vec::new();
    for k in ENGINE {
        rust_files(&root().join("crates").join(k).join("src"), &mut files);
    }
    assert!(files.len() > 50, "{} files", files.len());
    let mut bad = Vec::new();
    let mut used = vec![false; COMMAND_TEXT_ALLOWED.len()];
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        let path = rel(f);
        // the tests of a file (after `#[cfg(test)]`) may say anything
        let body = text.split("#[cfg(test)]").next().unwrap_or(&text);
        for (n, line) in body.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") || !names_command(line) {
                continue;
            }
            match COMMAND_TEXT_ALLOWED
                .iter()
                .position(|(p, s, _)| *p == path && (s.is_empty() || line.contains(s)))
            {
                Some(i) => used[i] = true,
                None => bad.push(format!("{path}:{}: {}", n + 1, line.trim())),
            }
        }
    }
    for (i, (p, s, _)) in COMMAND_TEXT_ALLOWED.iter().enumerate() {
        if !used[i] {
            bad.push(format!(
                "COMMAND_TEXT_ALLOWED entry no longer needed: {p}: {s}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "library code names `wangan` commands (the binary adds such hints):\n{}",
        bad.join("\n")
    );
}

#[test]
fn names_command_matches_commands_only() {
    assert!(names_command("run `wangan vault verify`"));
    assert!(names_command("\"Run wangan registers anchor now\""));
    assert!(names_command("not while `wangan serve` runs"));
    assert!(names_command("see `wangan law list`"));
    assert!(names_command("Run wangan vault verify --data-dir {shown}"));
    assert!(names_command(
        "wangan scan {} --save, or wangan assess --scan"
    ));
    assert!(!names_command("changed outside wangan"));
    assert!(!names_command("a wangan vault signs every checkpoint"));
    assert!(!names_command("not a saved wangan scan result"));
    assert!(!names_command("send their logs to the wangan vault."));
    assert!(!names_command("wangan keeps no registers here"));
    assert!(!names_command("wangan lawful"));
    assert!(!names_command("wangan.vault/0123"));
}

/// Longest source file without a reason.
const MAX_LINES: usize = 1500;

/// Files over [`MAX_LINES`], and why. Split them; remove an entry when its file is short
/// enough (the test fails on an entry that is no longer needed).
const LONG_FILES: &[(&str, &str)] = &[
    (
        "crates/duties/src/assess.rs",
        "the assessment engine: one decision per duty, kept together so every rule is read in \
         one place; to split by chapter section",
    ),
    (
        "crates/registers/src/store/mod.rs",
        "connection, migrations, reads and writes of both SQL backends; to split by concern",
    ),
    (
        "crates/server/src/console/pages.rs",
        "every HTML page of the console; to split by page",
    ),
    (
        "crates/wangan/tests/registers.rs",
        "the registers' end-to-end tests through the binary; to split by register",
    ),
];

#[test]
fn no_source_file_over_the_length_budget() {
    let mut files = Vec::new();
    for d in ["crates", "xtask", "fuzz/fuzz_targets"] {
        rust_files(&root().join(d), &mut files);
    }
    let mut bad = Vec::new();
    let mut used = vec![false; LONG_FILES.len()];
    for f in &files {
        let path = rel(f);
        let lines = std::fs::read_to_string(f)
            .expect("readable")
            .lines()
            .count();
        let allowed = LONG_FILES.iter().position(|(p, _)| *p == path);
        match allowed {
            Some(i) if lines > MAX_LINES => used[i] = true,
            Some(_) => {}
            None if lines > MAX_LINES => bad.push(format!("{path}: {lines} lines")),
            None => {}
        }
    }
    for (i, (p, _)) in LONG_FILES.iter().enumerate() {
        if !used[i] {
            bad.push(format!(
                "{p}: no longer over {MAX_LINES} lines (or gone): remove it from LONG_FILES"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "over {MAX_LINES} lines without a reason in LONG_FILES:\n{}",
        bad.join("\n")
    );
}

// ---- documentation --------------------------------------------------------------------------

/// Every library crate of the workspace: a `src/lib.rs` under `crates/`.
fn library_crates() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join("crates"))
        .expect("crates/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("src/lib.rs").exists())
        .collect();
    out.sort();
    out
}

#[test]
fn every_library_denies_missing_docs() {
    let libs = library_crates();
    assert!(libs.len() >= 8, "{libs:?}");
    let mut bad = Vec::new();
    for dir in libs {
        let lib = std::fs::read_to_string(dir.join("src/lib.rs")).expect("lib.rs");
        if !lib.lines().any(|l| l.trim() == "#![deny(missing_docs)]") {
            bad.push(format!("{}: no #![deny(missing_docs)]", rel(&dir)));
        }
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
        if !manifest.contains("[lints]\nworkspace = true") {
            bad.push(format!("{}: does not use the workspace lints", rel(&dir)));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
