//! Issue 16 through the real binary: out-of-range configuration refused with the right exit
//! code (never 101), no re-initialisation over existing data, private files, one record
//! limit, inputs that cannot be read never passed over in silence.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn wangan_in(umask: Option<&str>, args: &[&str], stdin: Option<&[u8]>) -> R<Output> {
    let bin = env!("CARGO_BIN_EXE_wangan");
    let mut c = match umask {
        // the shell sets the umask, then becomes wangan
        Some(m) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("umask {m} && exec \"$0\" \"$@\""))
                .arg(bin)
                .args(args);
            c
        }
        None => {
            let mut c = Command::new(bin);
            c.args(args);
            c
        }
    };
    c.env_remove("WANGAN_DATA_DIR")
        .env("LANG", "C")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn()?;
    if let Some(mut si) = child.stdin.take() {
        match si.write_all(stdin.unwrap_or_default()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r?,
        }
    }
    Ok(child.wait_with_output()?)
}

fn wangan(args: &[&str], stdin: Option<&[u8]>) -> R<Output> {
    wangan_in(None, args, stdin)
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// A vault in `dir` with a few records, sealed.
fn vault_with_records(dir: &Path, extra: &[&str]) -> R<()> {
    let dd = s(dir);
    let mut args = vec!["vault", "init", "--data-dir", &dd];
    args.extend_from_slice(extra);
    let o = wangan(&args, None)?;
    assert_eq!(o.status.code(), Some(0), "init: {}", err(&o));
    let lines = "user 13800138000 logged in\nid 11010519491231002X\nplain line\n";
    let o = wangan(
        &["vault", "ingest", "--data-dir", &dd, "--source", "fw1"],
        Some(lines.as_bytes()),
    )?;
    assert_eq!(o.status.code(), Some(0), "ingest: {}", err(&o));
    Ok(())
}

fn segments(dir: &Path) -> R<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("seg"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    v.retain(|p| p.extension().is_some_and(|x| x == "seg"));
    v.sort();
    Ok(v)
}

/// Out-of-range retention from a flag is a usage error (64), and a very long retention
/// that is allowed (100 years) never deletes fresh records.
#[test]
fn retention_flags_are_bounded_and_a_long_retention_keeps_everything() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let dd = s(&d);
    for r in [
        "1000000 years",
        "4294967295 days",
        "4294967296 days",
        "99999999999999999999 months",
        "101 years",
    ] {
        let o = wangan(
            &["vault", "init", "--data-dir", &dd, "--retention", r],
            None,
        )?;
        assert_eq!(o.status.code(), Some(64), "{r}: {}", err(&o));
        assert!(err(&o).contains("out of range"), "{r}: {}", err(&o));
        assert!(!d.join("vault.toml").exists(), "{r}: a vault was created");
    }
    let o = wangan(
        &["vault", "init", "--data-dir", &dd, "--segment-size", "0"],
        None,
    )?;
    assert_eq!(o.status.code(), Some(64), "{}", err(&o));
    vault_with_records(&d, &["--retention", "100 years"])?;
    let o = wangan(&["vault", "checkpoint", "--new", "--data-dir", &dd], None)?;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    for args in [
        &["vault", "prune", "--data-dir", &dd][..],
        &["vault", "prune", "--dry-run", "--data-dir", &dd, "--json"][..],
    ] {
        let o = wangan(args, None)?;
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", err(&o));
        assert!(
            !out(&o).contains("pruned ") || out(&o).contains("\"pruned\": []"),
            "{}",
            out(&o)
        );
    }
    assert_eq!(segments(&d)?.len(), 1, "fresh records were pruned");
    let o = wangan(&["vault", "verify", "--data-dir", &dd], None)?;
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let o = wangan(&["vault", "coverage", "--data-dir", &dd, "--json"], None)?;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    Ok(())
}

/// Every value of an edited `vault.toml` is checked when the store is opened: out of range,
/// corrupt, empty or unknown is a configuration error (78; 65 for a newer format version),
/// naming the file, from every command; nothing is deleted and nothing panics.
#[test]
fn a_bad_vault_toml_is_refused_by_every_command_with_78_or_65() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let dd = s(&d);
    vault_with_records(&d, &[])?;
    let good = std::fs::read_to_string(d.join("vault.toml"))?;
    let set = |key: &str, value: &str| -> String {
        good.lines()
            .map(|l| {
                if l.starts_with(&format!("{key} =")) {
                    format!("{key} = {value}")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let cases: Vec<(&str, Vec<u8>, i32)> = vec![
        (
            "retention 1000000 years",
            set("retention", "\"1000000 years\"").into(),
            78,
        ),
        (
            "retention 4294967295 days",
            set("retention", "\"4294967295 days\"").into(),
            78,
        ),
        (
            "gap 999999999999999 days",
            set("max_checkpoint_gap", "\"999999999999999 days\"").into(),
            78,
        ),
        (
            "gap 1000 days",
            set("max_checkpoint_gap", "\"1000 days\"").into(),
            78,
        ),
        ("segment_size 0", set("segment_size", "0").into(), 78),
        ("empty", Vec::new(), 78),
        ("not toml", b"this is not toml ===\n".to_vec(), 78),
        ("binary", vec![0xff, 0xfe, 0x00, 0x9c, 0x80, 0x0a], 78),
        ("format 3", set("format", "3").into(), 65),
    ];
    let commands: Vec<Vec<&str>> = vec![
        vec!["vault", "verify"],
        vec!["vault", "verify", "--quick"],
        vec!["vault", "query"],
        vec!["vault", "coverage"],
        vec!["vault", "prune"],
        vec!["vault", "prune", "--dry-run"],
        vec!["vault", "checkpoint"],
        vec!["vault", "checkpoint", "--new"],
        vec!["vault", "ingest", "--source", "x"],
        vec!["scan", "vault:"],
    ];
    let before = segments(&d)?;
    for (what, text, code) in &cases {
        std::fs::write(d.join("vault.toml"), text)?;
        for c in &commands {
            let mut args = c.clone();
            args.extend(["--data-dir", &dd]);
            let o = wangan(&args, Some(b"a record\n"))?;
            assert_eq!(o.status.code(), Some(*code), "{what}: {c:?}: {}", err(&o));
            assert!(err(&o).contains("vault.toml"), "{what}: {c:?}: {}", err(&o));
            assert!(!err(&o).contains("panicked"), "{what}: {c:?}: {}", err(&o));
        }
        let o = wangan(
            &[
                "vault",
                "export",
                "--data-dir",
                &dd,
                "-o",
                &s(&tmp.path().join("b.wgb")),
            ],
            None,
        )?;
        assert_eq!(o.status.code(), Some(*code), "{what}: export: {}", err(&o));
    }
    assert_eq!(segments(&d)?, before, "a segment was deleted");
    // restored, everything is as before
    std::fs::write(d.join("vault.toml"), &good)?;
    let o = wangan(&["vault", "verify", "--data-dir", &dd], None)?;
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    Ok(())
}

/// Hostile values of the remaining flags: usage errors, never a panic.
#[test]
fn hostile_flags_never_panic() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let dd = s(&d);
    vault_with_records(&d, &[])?;
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (
            vec!["vault", "coverage", "--gap", "999999999999999 days"],
            64,
        ),
        (
            vec!["vault", "coverage", "--gap", "106751991167301 days"],
            64,
        ),
        (vec!["vault", "coverage", "--at", "9999-12-31"], 64),
        (vec!["vault", "coverage", "--at", "0001-01-01"], 64),
        (
            vec![
                "vault",
                "coverage",
                "--at",
                "2262-04-11",
                "--utc-offset",
                "+23:59",
            ],
            1,
        ),
        (
            vec![
                "vault",
                "coverage",
                "--at",
                "1677-09-22",
                "--utc-offset",
                "-23:59",
            ],
            1,
        ),
        (vec!["vault", "query", "--from", "9999-12-31T23:59:59Z"], 64),
        (vec!["vault", "query", "--to", "-0001-01-01"], 64),
        (vec!["vault", "query", "--limit", "0"], 0),
    ];
    for (c, code) in cases {
        let mut args = c.clone();
        args.extend(["--data-dir", &dd]);
        let o = wangan(&args, None)?;
        assert_eq!(o.status.code(), Some(code), "{c:?}: {}", err(&o));
    }
    Ok(())
}

/// With `vault.toml` gone, `vault init` (and `serve`, which initialises a missing vault)
/// refuse to write new keys over the old ones and say how to recover.
#[test]
fn init_and_serve_refuse_to_overwrite_an_existing_vault_without_its_config() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let dd = s(&d);
    vault_with_records(&d, &[])?;
    let keys_before = std::fs::read(d.join("keys/ed25519.key"))?;
    let cp_before = std::fs::read(d.join("checkpoints.log"))?;
    std::fs::remove_file(d.join("vault.toml"))?;
    let o = wangan(&["vault", "init", "--data-dir", &dd], None)?;
    assert_eq!(o.status.code(), Some(64), "{}", err(&o));
    let e = err(&o);
    assert!(
        e.contains("no vault.toml") && e.contains("restore vault.toml"),
        "{e}"
    );
    assert!(e.contains("keys/") && e.contains("segments"), "{e}");
    let o = wangan(
        &[
            "serve",
            "--data-dir",
            &dd,
            "--http",
            "127.0.0.1:0",
            "--syslog-udp",
            "127.0.0.1:0",
            "--syslog-tcp",
            "127.0.0.1:0",
        ],
        None,
    )?;
    assert_ne!(o.status.code(), Some(0), "serve started: {}", out(&o));
    assert!(err(&o).contains("restore vault.toml"), "{}", err(&o));
    assert_eq!(std::fs::read(d.join("keys/ed25519.key"))?, keys_before);
    assert_eq!(std::fs::read(d.join("checkpoints.log"))?, cp_before);
    assert!(!d.join("vault.toml").exists());
    Ok(())
}

/// The data directory is 0700 and every file in it 0600 (0400 when sealed) even under a
/// permissive umask, including files made later: WAL, segments, checkpoints, tombstones;
/// an exported bundle (log contents) is 0600 too.
#[cfg(unix)]
#[test]
fn the_data_directory_is_private_under_any_umask() -> R<()> {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let dd = s(&d);
    let o = wangan_in(
        Some("000"),
        &["vault", "init", "--data-dir", &dd, "--segment-size", "200"],
        None,
    )?;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let lines: String = (0..50).map(|i| format!("line {i} of the log\n")).collect();
    for _ in 0..3 {
        let o = wangan_in(
            Some("000"),
            &["vault", "ingest", "--data-dir", &dd, "--source", "fw1"],
            Some(lines.as_bytes()),
        )?;
        assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    }
    let o = wangan_in(
        Some("000"),
        &["vault", "checkpoint", "--new", "--data-dir", &dd],
        None,
    )?;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let bundle = tmp.path().join("evidence.wgb");
    let o = wangan_in(
        Some("000"),
        &["vault", "export", "--data-dir", &dd, "-o", &s(&bundle)],
        None,
    )?;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(
        std::fs::metadata(&bundle)?.permissions().mode() & 0o777,
        0o600
    );
    let mut files = 0;
    let mut stack = vec![d.clone()];
    while let Some(p) = stack.pop() {
        let m = std::fs::metadata(&p)?;
        let mode = m.permissions().mode() & 0o777;
        if m.is_dir() {
            assert_eq!(mode, 0o700, "{} is {mode:o}", p.display());
            for e in std::fs::read_dir(&p)? {
                stack.push(e?.path());
            }
        } else {
            assert!(
                mode == 0o600 || mode == 0o400,
                "{} is {mode:o}",
                p.display()
            );
            files += 1;
        }
    }
    assert!(segments(&d)?.len() > 1 && files > 10, "{files} files");
    Ok(())
}

/// A line longer than the record limit is refused at ingest with an error naming the file
/// and line; what came before it is stored and checkpointed, and the store stays readable.
/// A directory given as input names its path.
#[test]
fn a_record_over_the_limit_is_refused_naming_file_and_line() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let dd = s(&d);
    let o = wangan(&["vault", "init", "--data-dir", &dd], None)?;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let f = tmp.path().join("big.log");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&f)?);
        w.write_all(b"first\nsecond\n")?;
        // exactly at the limit: stored
        w.write_all(&vec![b'a'; 16 << 20])?;
        w.write_all(b"\nfourth\n")?;
        // 70 MiB: refused
        w.write_all(&vec![b'b'; 70 << 20])?;
        w.write_all(b"\nsixth\n")?;
    }
    let o = wangan(
        &[
            "vault",
            "ingest",
            "--data-dir",
            &dd,
            "--source",
            "fw1",
            &s(&f),
        ],
        None,
    )?;
    assert_eq!(o.status.code(), Some(65), "{}", err(&o));
    let e = err(&o);
    assert!(e.contains("big.log") && e.contains("line 5"), "{e}");
    assert!(
        e.contains("16 MiB") && e.contains("4 records before it are stored"),
        "{e}"
    );
    let o = wangan(&["vault", "verify", "--data-dir", &dd], None)?;
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    let o = wangan(&["vault", "query", "--data-dir", &dd, "--json"], None)?;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let raws: Vec<usize> = out(&o)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .map(|v| v["raw"].as_str().map_or(0, str::len))
        })
        .collect::<Result<_, _>>()?;
    assert_eq!(raws, vec![5, 6, 16 << 20, 6]);
    let o = wangan(
        &[
            "vault",
            "export",
            "--data-dir",
            &dd,
            "-o",
            &s(&tmp.path().join("b.wgb")),
        ],
        None,
    )?;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    // a directory as input
    let o = wangan(
        &[
            "vault",
            "ingest",
            "--data-dir",
            &dd,
            "--source",
            "fw1",
            &s(tmp.path()),
        ],
        None,
    )?;
    assert_eq!(o.status.code(), Some(66), "{}", err(&o));
    assert!(
        err(&o).contains(&s(tmp.path())) && err(&o).contains("directory"),
        "{}",
        err(&o)
    );
    Ok(())
}

/// A damaged store is never read in silence: with a truncated segment, `scan vault:`,
/// `vault query` and `vault export` name the unreadable part on stderr and exit 65, and
/// scan never claims "no personal information found".
#[test]
fn damaged_stores_and_unreadable_inputs_are_never_read_silently() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let dd = s(&d);
    vault_with_records(&d, &[])?;
    let seg = segments(&d)?.pop().ok_or("no segment")?;
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&seg, std::fs::Permissions::from_mode(0o600))?;
    }
    let len = std::fs::metadata(&seg)?.len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&seg)?
        .set_len(len / 2)?;
    let name = seg
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for args in [
        vec!["scan", "vault:", "--data-dir", &dd],
        vec!["scan", "vault:", "--data-dir", &dd, "--json"],
        vec!["vault", "query", "--data-dir", &dd],
        vec![
            "vault",
            "export",
            "--data-dir",
            &dd,
            "-o",
            &s(&tmp.path().join("b.wgb")),
        ],
    ] {
        let o = wangan(&args, None)?;
        assert_eq!(o.status.code(), Some(65), "{args:?}: {}", err(&o));
        assert!(err(&o).contains(&name), "{args:?}: {}", err(&o));
        assert!(
            !out(&o).contains("no personal information found"),
            "{args:?}: {}",
            out(&o)
        );
    }
    let o = wangan(&["vault", "verify", "--data-dir", &dd], None)?;
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    // files: every input unreadable is not "no personal information found"
    let bad = tmp.path().join("bad.gz");
    std::fs::write(&bad, b"not gzip at all")?;
    let o = wangan(&["scan", &s(&bad)], None)?;
    assert_eq!(o.status.code(), Some(74), "{}", err(&o));
    assert!(
        !out(&o).contains("no personal information found"),
        "{}",
        out(&o)
    );
    assert!(err(&o).contains("bad.gz"), "{}", err(&o));
    let o = wangan(&["scan", &s(&bad), "--allow-unreadable"], None)?;
    assert_eq!(o.status.code(), Some(74), "nothing read: {}", err(&o));
    // one readable, one not: non-zero unless --allow-unreadable, the grade says it is partial
    let good = tmp.path().join("good.txt");
    std::fs::write(&good, b"nothing personal here\n")?;
    let o = wangan(&["scan", &s(&good), &s(&bad)], None)?;
    assert_eq!(o.status.code(), Some(74), "{}", err(&o));
    assert!(out(&o).contains("covers only what was read"), "{}", out(&o));
    let o = wangan(
        &["scan", &s(&good), &s(&bad), "--allow-unreadable", "--json"],
        None,
    )?;
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(v["summary"]["unreadable"], 1);
    assert_eq!(v["summary"]["complete"], false);
    assert!(err(&o).contains("bad.gz"), "{}", err(&o));
    Ok(())
}
