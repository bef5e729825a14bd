//! `wangan vault …` through the real binary: exit codes, JSON shapes, tampering.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn wangan(args: &[&str], stdin: Option<&[u8]>) -> R<Output> {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wangan"));
    c.args(args)
        .env_remove("WANGAN_DATA_DIR")
        .env("LANG", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn()?;
    if let Some(mut si) = child.stdin.take() {
        // a command that fails early (usage error) may exit before reading stdin
        match si.write_all(stdin.unwrap_or_default()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r?,
        }
    }
    Ok(child.wait_with_output()?)
}

fn dir_arg(d: &Path) -> String {
    d.display().to_string()
}

#[test]
fn init_ingest_query_verify_and_detect_tampering() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let dd = dir_arg(&d);
    let o = wangan(
        &[
            "vault",
            "init",
            "--data-dir",
            &dd,
            "--retention",
            "180 days",
        ],
        None,
    )?;
    assert_eq!(
        o.status.code(),
        Some(64),
        "retention below the floor must be a usage error"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("第二十三条第三项"));
    let o = wangan(&["vault", "init", "--data-dir", &dd, "--hash", "sm3"], None)?;
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut input: Vec<u8> = "<34>1 2025-01-01T00:00:00Z fw1 sshd 42 - - Failed password for u2700377445 from 10.52.75.119\r\n\n用户登录失败 alice\n".into();
    input.extend_from_slice(b"\xff\xfe not utf-8\n{\"message\":\"json\",\"host\":\"h1\"}\n");
    let o = wangan(
        &[
            "vault",
            "ingest",
            "--data-dir",
            &dd,
            "--source",
            "fw1",
            "--json",
        ],
        Some(&input),
    )?;
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(v["records"], 4);
    assert_eq!(v["empty_lines_skipped"], 1);
    let o = wangan(
        &[
            "vault",
            "query",
            "--data-dir",
            &dd,
            "--grep",
            "登录",
            "--json",
        ],
        None,
    )?;
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["raw"], "用户登录失败 alice");
    assert_eq!(lines[0]["source"], "fw1");
    assert!(
        lines[0]["received_at"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    let o = wangan(
        &[
            "vault",
            "query",
            "--data-dir",
            &dd,
            "--grep",
            "10.52.75.119",
            "--json",
        ],
        None,
    )?;
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);
    // CRLF stripped, raw bytes kept
    let o = wangan(
        &[
            "vault",
            "query",
            "--data-dir",
            &dd,
            "--json",
            "--limit",
            "1",
        ],
        None,
    )?;
    assert!(!String::from_utf8_lossy(&o.stdout).contains("\\r"));
    let o = wangan(&["vault", "verify", "--data-dir", &dd, "--json"], None)?;
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(v["schema"], "wangan.vault.verify/1");
    assert_eq!(v["intact"], true);
    let o = wangan(&["vault", "checkpoint", "--data-dir", &dd], None)?;
    let cp = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(cp.contains("\nhash sm3\n") && cp.contains("— wangan.vault/"));
    let trusted = tmp.path().join("trusted.cp");
    std::fs::write(&trusted, &cp)?;
    let o = wangan(&["vault", "prune", "--data-dir", &dd, "--dry-run"], None)?;
    assert_eq!(o.status.code(), Some(0));
    // tamper: remove the segment; verify must fail with exit 1 and name the problem
    for e in std::fs::read_dir(d.join("seg"))? {
        std::fs::remove_file(e?.path())?;
    }
    let o = wangan(
        &[
            "vault",
            "verify",
            "--data-dir",
            &dd,
            "--json",
            "--trusted-checkpoint",
            &dir_arg(&trusted),
        ],
        None,
    )?;
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    let kinds: Vec<&str> = v["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["kind"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        kinds.contains(&"tail_truncated") && kinds.contains(&"rolled_back"),
        "{kinds:?}"
    );
    Ok(())
}

#[test]
fn missing_store_is_exit_66() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let o = wangan(
        &[
            "vault",
            "verify",
            "--data-dir",
            &dir_arg(&tmp.path().join("none")),
        ],
        None,
    )?;
    assert_eq!(o.status.code(), Some(66));
    let o = wangan(
        &[
            "vault",
            "query",
            "--data-dir",
            &dir_arg(&tmp.path().join("none")),
        ],
        None,
    )?;
    assert_eq!(o.status.code(), Some(66));
    Ok(())
}
