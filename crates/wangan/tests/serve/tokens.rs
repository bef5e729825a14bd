//! `wangan token` run concurrently: no token is lost, no revocation undone.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Child, Stdio};

use crate::common::*;

fn create(dir: &Path) -> Child {
    wangan()
        .args([
            "token",
            "create",
            "--role",
            "ingest",
            "--json",
            "--data-dir",
        ])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn created_id(c: Child) -> String {
    let out = c.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "token create failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["id"].as_str().unwrap().to_owned()
}

fn stored_ids(dir: &Path) -> BTreeSet<String> {
    let out = wangan()
        .args(["token", "list", "--json", "--data-dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn concurrent_creates_and_revokes_lose_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let mut all = BTreeSet::new();
    for _ in 0..3 {
        let children: Vec<Child> = (0..20).map(|_| create(&dir)).collect();
        let ids: Vec<String> = children.into_iter().map(created_id).collect();
        all.extend(ids);
        let stored = stored_ids(&dir);
        assert_eq!(stored, all, "every printed token is stored");
    }
    assert_eq!(all.len(), 60);
    // a revocation racing creations is not undone by them
    for victim in all.iter().take(3).cloned().collect::<Vec<_>>() {
        let revoke = wangan()
            .args(["token", "revoke", &victim, "--data-dir"])
            .arg(&dir)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let children: Vec<Child> = (0..10).map(|_| create(&dir)).collect();
        let ids: Vec<String> = children.into_iter().map(created_id).collect();
        assert!(revoke.wait_with_output().unwrap().status.success());
        all.remove(&victim);
        all.extend(ids);
        assert_eq!(stored_ids(&dir), all, "{victim} stays revoked");
    }
    // no temporary file is left behind, and the file stays private
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with(".tmp-")), "{names:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("tokens.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
