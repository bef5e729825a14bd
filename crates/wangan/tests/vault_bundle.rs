//! `wangan vault export` and `check-bundle` through the real binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn wangan(args: &[&str], stdin: Option<&[u8]>) -> R<Output> {
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
        match si.write_all(stdin.unwrap_or_default()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            r => r?,
        }
    }
    Ok(child.wait_with_output()?)
}

fn ok(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn export_check_tamper_and_foreign_key() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let (ad, bd) = (a.display().to_string(), b.display().to_string());
    ok(&wangan(&["vault", "init", "--data-dir", &ad], None)?);
    ok(&wangan(&["vault", "init", "--data-dir", &bd], None)?);
    let mut input = String::new();
    for i in 0..300 {
        input.push_str(&format!(
            "<38>1 2026-11-30T01:{:02}:00Z gw sshd - - - Failed password for user{i} from 10.1.{}.{}\n",
            i % 60,
            i % 7,
            i % 200
        ));
    }
    ok(&wangan(
        &["vault", "ingest", "--data-dir", &ad, "--source", "gw"],
        Some(input.as_bytes()),
    )?);
    let bundle = tmp.path().join("evidence.wgb");
    let bs = bundle.display().to_string();
    let o = wangan(
        &[
            "vault",
            "export",
            "--data-dir",
            &ad,
            "--grep",
            "10.1.3.3",
            "--output",
            &bs,
            "--json",
        ],
        None,
    )?;
    let v: serde_json::Value = serde_json::from_str(&ok(&o))?;
    assert_eq!(v["schema"], "wangan.vault.export/1");
    let n = v["records"].as_u64().ok_or("no record count")?;
    assert!(n >= 1);
    let akey = a.join("keys/ed25519.pub").display().to_string();
    let bkey = b.join("keys/ed25519.pub").display().to_string();
    let o = wangan(
        &["vault", "check-bundle", &bs, "--trusted-key", &akey],
        None,
    )?;
    let text = ok(&o);
    assert!(text.contains("bundle verifies"), "{text}");
    assert!(text.contains("keys match the trusted key"), "{text}");
    // the keys directory works as a trusted key too, and JSON names the shape
    let akeys = a.join("keys").display().to_string();
    let o = wangan(
        &[
            "vault",
            "check-bundle",
            &bs,
            "--trusted-key",
            &akeys,
            "--json",
        ],
        None,
    )?;
    let v: serde_json::Value = serde_json::from_str(&ok(&o))?;
    assert_eq!(v["schema"], "wangan.vault.check-bundle/1");
    assert_eq!(v["ok"], true);
    assert_eq!(v["records_verified"].as_u64(), Some(n));
    assert_eq!(v["sources"][0]["source"], "gw");
    assert_eq!(v["sm2_verified"], true);

    // a foreign trusted key: exit 1, says why
    let o = wangan(
        &["vault", "check-bundle", &bs, "--trusted-key", &bkey],
        None,
    )?;
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("key_not_trusted"));

    // one changed byte in the first record's raw text: exit 1, names record 0 and its seq
    let mut bytes = std::fs::read(&bundle)?;
    let pos = bytes
        .windows(8)
        .position(|w| w == b"10.1.3.3")
        .ok_or("record text not found")?;
    bytes[pos] = b'9';
    let bad = tmp.path().join("bad.wgb");
    std::fs::write(&bad, &bytes)?;
    let o = wangan(
        &[
            "vault",
            "check-bundle",
            &bad.display().to_string(),
            "--json",
        ],
        None,
    )?;
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(v["ok"], false);
    assert_eq!(v["failures"][0]["kind"], "proof_invalid");
    assert_eq!(v["failures"][0]["record"], 0);
    assert!(v["failures"][0]["seq"].is_u64());

    // truncated: exit 1 with the offset
    std::fs::write(&bad, &bytes[..bytes.len() - 3])?;
    let o = wangan(&["vault", "check-bundle", &bad.display().to_string()], None)?;
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("at offset"));

    // missing file: exit 66
    let o = wangan(&["vault", "check-bundle", "/nonexistent/bundle"], None)?;
    assert_eq!(o.status.code(), Some(66));
    Ok(())
}
