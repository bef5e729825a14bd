//! `wangan vault ingest --peer/--transport` and their defaults, through the real binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn wangan(args: &[&str], stdin: &[u8]) -> R<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wangan"))
        .args(args)
        .env_remove("WANGAN_DATA_DIR")
        .env("LANG", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut si) = child.stdin.take() {
        // a command that fails early (usage error) may exit before reading stdin
        match si.write_all(stdin) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r?,
        }
    }
    let o = child.wait_with_output()?;
    Ok(o)
}

fn records(dd: &str) -> R<Vec<serde_json::Value>> {
    let o = wangan(&["vault", "query", "--data-dir", dd, "--json"], b"")?;
    Ok(String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?)
}

#[test]
fn peer_and_transport_are_stored_with_each_record() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let dd = d.display().to_string();
    let o = wangan(&["vault", "init", "--data-dir", &dd], b"")?;
    assert_eq!(o.status.code(), Some(0));
    // explicit flags on stdin
    let o = wangan(
        &[
            "vault",
            "ingest",
            "--data-dir",
            &dd,
            "--source",
            "fw1",
            "--peer",
            "192.0.2.9:2514",
            "--transport",
            "relp",
        ],
        b"one\n",
    )?;
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // defaults on stdin
    let o = wangan(
        &["vault", "ingest", "--data-dir", &dd, "--source", "fw1"],
        b"two\n",
    )?;
    assert_eq!(o.status.code(), Some(0));
    // defaults on a file
    let f = tmp.path().join("fw.log");
    std::fs::write(&f, "three\n")?;
    let fs = f.display().to_string();
    let o = wangan(
        &["vault", "ingest", "--data-dir", &dd, "--source", "fw1", &fs],
        b"",
    )?;
    assert_eq!(o.status.code(), Some(0));
    let r = records(&dd)?;
    let got: Vec<(String, String, String)> = r
        .iter()
        .map(|v| {
            (
                v["raw"].as_str().unwrap_or_default().to_owned(),
                v["peer"].as_str().unwrap_or_default().to_owned(),
                v["transport"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("one".into(), "192.0.2.9:2514".into(), "relp".into()),
            ("two".into(), "stdin".into(), "stdin".into()),
            ("three".into(), format!("file:{fs}"), "file".into()),
        ]
    );
    // the peer is part of what is hashed: the store verifies
    let o = wangan(&["vault", "verify", "--data-dir", &dd], b"")?;
    assert_eq!(o.status.code(), Some(0));
    // a control character in a name is a usage error
    let o = wangan(
        &[
            "vault",
            "ingest",
            "--data-dir",
            &dd,
            "--source",
            "fw1",
            "--peer",
            "a\u{1b}b",
        ],
        b"x\n",
    )?;
    assert_eq!(o.status.code(), Some(64));
    Ok(())
}
