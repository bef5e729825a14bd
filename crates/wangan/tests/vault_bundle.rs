//! `wangan vault export` and `check-bundle` through the real binary.

use std::io::Write;
use std::process::{Command, Output, Stdio};

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn wangan(args: &[&str], stdin: Option<&[u8]>) -> R<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wangan"))
        .args(args)
        .env_remove("WANGAN_DATA_DIR")
        .env_remove("WANGAN_TRUST_STORE")
        // no default trust store of the user running the tests
        .env("XDG_CONFIG_HOME", "/nonexistent/wangan-test-config")
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
    let akeys = a.join("keys").display().to_string();
    let bkeys = b.join("keys").display().to_string();
    let o = wangan(
        &["vault", "check-bundle", &bs, "--trusted-key", &akeys],
        None,
    )?;
    let text = ok(&o);
    assert!(
        text.contains("bundle verifies, anchored in trusted keys"),
        "{text}"
    );
    assert!(text.contains("signed by trusted keys"), "{text}");
    // JSON names the shape and says anchored
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
    assert_eq!(v["schema"], "wangan.vault.check-bundle/2");
    assert_eq!(v["ok"], true);
    assert_eq!(v["trust"], "anchored");
    assert_eq!(v["self_consistent"], true);
    assert_eq!(v["anchor"]["keys"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["records_verified"].as_u64(), Some(n));
    assert_eq!(v["sources"][0]["source"], "gw");
    assert_eq!(v["sm2_verified"], true);

    // no anchor: self-consistent, not anchored, exit 1, fingerprints printed
    let o = wangan(&["vault", "check-bundle", &bs], None)?;
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("self-consistent, not anchored"), "{text}");
    let pubkey = std::fs::read_to_string(a.join("keys/ed25519.pub"))?;
    assert!(text.contains(pubkey.trim()), "{text}");
    assert!(text.contains("sha256:"), "{text}");
    let o = wangan(&["vault", "check-bundle", &bs, "--json"], None)?;
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(v["ok"], false);
    assert_eq!(v["trust"], "not_anchored");
    assert_eq!(v["self_consistent"], true);
    assert!(v["keys"]["sm2_sha256"].is_string());

    // a trust store holding A's keys anchors it without --trusted-key
    let store = tmp.path().join("store");
    std::fs::create_dir_all(store.join("operator-a"))?;
    for f in ["ed25519.pub", "sm2.pub"] {
        std::fs::copy(a.join("keys").join(f), store.join("operator-a").join(f))?;
    }
    let ss = store.display().to_string();
    ok(&wangan(
        &["vault", "check-bundle", &bs, "--trust-store", &ss],
        None,
    )?);

    // a foreign trusted key: exit 1, says why
    let o = wangan(
        &["vault", "check-bundle", &bs, "--trusted-key", &bkeys],
        None,
    )?;
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("not anchored"), "{text}");

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

fn vault_with_bundle(tmp: &std::path::Path) -> R<(std::path::PathBuf, std::path::PathBuf)> {
    let a = tmp.join("a");
    let ad = a.display().to_string();
    ok(&wangan(&["vault", "init", "--data-dir", &ad], None)?);
    let mut input = String::new();
    for i in 0..40 {
        input.push_str(&format!(
            "<38>1 2026-11-30T01:{i:02}:00Z gw sshd - - - login user{i}\n"
        ));
    }
    ok(&wangan(
        &["vault", "ingest", "--data-dir", &ad, "--source", "gw"],
        Some(input.as_bytes()),
    )?);
    let bundle = tmp.join("all.wgb");
    ok(&wangan(
        &[
            "vault",
            "export",
            "--data-dir",
            &ad,
            "--output",
            &bundle.display().to_string(),
        ],
        None,
    )?);
    Ok((a, bundle))
}

fn check(bundle: &std::path::Path, extra: &[&str]) -> R<(Option<i32>, serde_json::Value)> {
    let bs = bundle.display().to_string();
    let mut args = vec!["vault", "check-bundle", bs.as_str(), "--json"];
    args.extend_from_slice(extra);
    let o = wangan(&args, None)?;
    Ok((o.status.code(), serde_json::from_slice(&o.stdout)?))
}

fn kinds(v: &serde_json::Value) -> Vec<String> {
    v["failures"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| f["kind"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A record altered, the tree rebuilt and the checkpoint re-signed with an
/// attacker's own keys under the vault's key name: exit 1 with and without a
/// trust anchor (issue 16).
#[test]
fn a_forged_bundle_is_refused_with_and_without_an_anchor() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let (a, genuine) = vault_with_bundle(tmp.path())?;
    let (forged, _) = vault::testing::forge_bundle(&std::fs::read(&genuine)?, |recs| {
        recs[7].raw = b"<38>1 2026-11-30T01:07:00Z gw sshd - - - nothing".to_vec();
    })?;
    let fp = tmp.path().join("forged.wgb");
    std::fs::write(&fp, forged)?;
    let keys = a.join("keys").display().to_string();
    let ed = a.join("keys/ed25519.pub").display().to_string();
    let (code, v) = check(&fp, &[])?;
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["trust"], "not_anchored");
    assert_eq!(v["self_consistent"], true);
    let (code, v) = check(&fp, &["--trusted-key", &keys])?;
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["trust"], "refused");
    assert!(
        kinds(&v).contains(&"anchor_signature_missing".to_owned()),
        "{v}"
    );
    let (code, v) = check(&fp, &["--trusted-key", &ed])?;
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["ok"], false);
    // the genuine bundle passes with the right anchors, given as a directory or as two files
    let sm2 = a.join("keys/sm2.pub").display().to_string();
    let (code, v) = check(&genuine, &["--trusted-key", &keys])?;
    assert_eq!((code, &v["trust"]), (Some(0), &"anchored".into()), "{v}");
    let (code, v) = check(&genuine, &["--trusted-key", &ed, "--trusted-key", &sm2])?;
    assert_eq!(code, Some(0), "{v}");
    Ok(())
}

/// The SM2 signature line and the SM2 key stripped: exit 1 without an
/// anchor, with the full anchor and with `--trusted-key ed25519.pub` alone
/// (issue 16).
#[test]
fn a_bundle_stripped_of_sm2_is_refused_with_and_without_an_anchor() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let (a, genuine) = vault_with_bundle(tmp.path())?;
    let stripped = vault::testing::strip_sm2(&std::fs::read(&genuine)?)?;
    let sp = tmp.path().join("stripped.wgb");
    std::fs::write(&sp, stripped)?;
    let keys = a.join("keys").display().to_string();
    let ed = a.join("keys/ed25519.pub").display().to_string();
    let (code, v) = check(&sp, &[])?;
    assert_eq!(code, Some(1), "{v}");
    assert!(kinds(&v).contains(&"sm2_key_missing".to_owned()), "{v}");
    let (code, v) = check(&sp, &["--trusted-key", &keys])?;
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["trust"], "refused");
    let (code, v) = check(&sp, &["--trusted-key", &ed])?;
    assert_eq!(code, Some(1), "{v}");
    assert!(kinds(&v).contains(&"anchor_incomplete".to_owned()), "{v}");
    // text output says why
    let o = wangan(
        &[
            "vault",
            "check-bundle",
            &sp.display().to_string(),
            "--trusted-key",
            &keys,
        ],
        None,
    )?;
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("bundle does not verify") && text.contains("sm2"),
        "{text}"
    );
    Ok(())
}

/// `export --since-checkpoint`, `check-bundle --since-checkpoint` and
/// `prove-consistency`: a bundle handed over later proves it extends the
/// earlier one.
#[test]
fn bundles_months_apart_are_linked_by_a_consistency_proof() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let (a, first) = vault_with_bundle(tmp.path())?;
    let ad = a.display().to_string();
    ok(&wangan(
        &["vault", "ingest", "--data-dir", &ad, "--source", "gw"],
        Some(b"later line 1\nlater line 2\nlater line 3\n"),
    )?);
    let second = tmp.path().join("second.wgb");
    let (fs, ss) = (first.display().to_string(), second.display().to_string());
    let o = wangan(
        &[
            "vault",
            "export",
            "--data-dir",
            &ad,
            "--output",
            &ss,
            "--since-checkpoint",
            &fs,
            "--json",
        ],
        None,
    )?;
    let v: serde_json::Value = serde_json::from_str(&ok(&o))?;
    assert_eq!(v["since"]["size"], 40, "{v}");
    let keys = a.join("keys").display().to_string();
    let (code, v) = check(
        &second,
        &["--trusted-key", &keys, "--since-checkpoint", &fs],
    )?;
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["since"]["size"], 40);
    assert_eq!(v["since"]["consistency_verified"], true);
    // held checkpoint not matched by the bundle (the first bundle has no section)
    let (code, v) = check(&first, &["--trusted-key", &keys, "--since-checkpoint", &ss])?;
    assert_eq!(code, Some(1), "{v}");
    assert!(kinds(&v).contains(&"since_missing".to_owned()), "{v}");

    // prove-consistency from the first bundle's checkpoint to the latest checkpoint file
    let latest = tmp.path().join("latest.cp");
    let o = wangan(&["vault", "checkpoint", "--data-dir", &ad], None)?;
    std::fs::write(&latest, ok(&o))?;
    let ls = latest.display().to_string();
    let o = wangan(
        &[
            "vault",
            "prove-consistency",
            "--data-dir",
            &ad,
            &fs,
            &ls,
            "--json",
        ],
        None,
    )?;
    let v: serde_json::Value = serde_json::from_str(&ok(&o))?;
    assert_eq!(v["schema"], "wangan.vault.prove-consistency/1");
    assert_eq!(v["old"]["size"], 40);
    assert_eq!(v["new"]["size"], 43);
    assert!(!v["proof"].as_array().ok_or("no proof")?.is_empty());
    let text = ok(&wangan(
        &["vault", "prove-consistency", "--data-dir", &ad, &fs, &ls],
        None,
    )?);
    assert!(text.contains("consistency proof 40 → 43"), "{text}");
    // newer before older: refused with a clear message
    let o = wangan(
        &["vault", "prove-consistency", "--data-dir", &ad, &ls, &fs],
        None,
    )?;
    assert_eq!(o.status.code(), Some(65));
    assert!(String::from_utf8_lossy(&o.stderr).contains("more records"));
    // a checkpoint of another vault: refused, not a crash
    let other = tmp.path().join("other");
    let od = other.display().to_string();
    ok(&wangan(&["vault", "init", "--data-dir", &od], None)?);
    let o = wangan(
        &["vault", "prove-consistency", "--data-dir", &od, &fs, &ls],
        None,
    )?;
    assert_eq!(
        o.status.code(),
        Some(65),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("not signed by this vault"));
    Ok(())
}
