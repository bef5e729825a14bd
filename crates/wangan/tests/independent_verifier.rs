//! wangan's bundles checked by verifiers that share no code with wangan,
//! written from `docs/evidence-format.md` alone (`verifiers/`): the Go
//! verifier (Ed25519 through `golang.org/x/mod/sumdb/note`, SHA-256 trees
//! through `golang.org/x/mod/sumdb/tlog`) and the Python verifier (SM2 and SM3
//! through `gmssl`, RFC 9162 proofs for both hashes). Genuine bundles and
//! consistency proofs of SHA-256 and SM3 vaults must pass both; every kind of
//! tampering must be refused by the verifier that covers it.
//!
//! Needs Go with x/mod in GOPATH mode (Debian `golang-go`,
//! `golang-golang-x-mod-dev`) and Python with `gmssl` (`WANGAN_PYTHON`, set by
//! `cargo xtask ci`, which installs all of them). A missing tool fails the
//! test, naming what to install.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

type R<T> = Result<T, Box<dyn std::error::Error>>;

const GOPATH: &str = "/usr/share/gocode";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn wangan(args: &[&str], stdin: Option<&[u8]>) -> R<Output> {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_wangan"))
        .args(args)
        .env_remove("WANGAN_DATA_DIR")
        .env("LANG", "C")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    if let Some(mut si) = child.stdin.take() {
        si.write_all(stdin.unwrap_or_default())?;
    }
    let o = child.wait_with_output()?;
    assert_eq!(
        o.status.code(),
        Some(0),
        "wangan {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    Ok(o)
}

/// Build the Go verifier (GOPATH mode, no network), or fail saying what to install.
fn go_verifier(dir: &Path) -> R<PathBuf> {
    let note = Path::new(GOPATH).join("src/golang.org/x/mod/sumdb/note/note.go");
    assert!(
        note.exists(),
        "{} is missing: install the Debian packages golang-go and golang-golang-x-mod-dev (cargo xtask ci does)",
        note.display()
    );
    let out = dir.join("wangan-verify");
    let o = Command::new("go")
        .args(["build", "-o"])
        .arg(&out)
        .arg(".")
        .current_dir(repo().join("verifiers/go/wangan-verify"))
        .env("GO111MODULE", "off")
        .env("GOPATH", GOPATH)
        .env("GOCACHE", Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-cache"))
        .env("GOPROXY", "off")
        .env("GOFLAGS", "")
        .env("GOTOOLCHAIN", "local")
        .output()
        .map_err(|e| {
            format!("cannot run `go` ({e}): install the Debian packages golang-go and golang-golang-x-mod-dev (cargo xtask ci does)")
        })?;
    assert!(
        o.status.success(),
        "go build of verifiers/go failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    Ok(out)
}

/// The Python with `gmssl`, or fail saying what to install.
fn python() -> R<String> {
    let py = std::env::var("WANGAN_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&py)
        .args(["-c", "import gmssl.sm2, gmssl.sm3"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "{py} cannot import gmssl: run `cargo xtask ci` (it installs gmssl into target/ci-tools/venv and sets WANGAN_PYTHON) or `pip install gmssl==3.2.2`"
    );
    Ok(py)
}

struct Verifiers {
    go: PathBuf,
    py: String,
}

#[derive(Debug)]
struct Verdict {
    go: bool,
    py: bool,
    go_out: String,
    py_out: String,
}

impl Verifiers {
    fn bundle(&self, keys: &Path, bundle: &Path, held: Option<&Path>) -> R<Verdict> {
        let mut go = Command::new(&self.go);
        go.arg("bundle").arg("-key").arg(keys.join("ed25519.pub"));
        if let Some(h) = held {
            go.arg("-held").arg(h);
        }
        let g = go.arg(bundle).output()?;
        let mut py = Command::new(&self.py);
        py.arg(repo().join("verifiers/python/wangan_verify_sm.py"))
            .arg("bundle")
            .arg("--sm2-key")
            .arg(keys.join("sm2.pub"));
        if let Some(h) = held {
            py.arg("--held").arg(h);
        }
        let p = py.arg(bundle).output()?;
        verdict(&g, &p)
    }

    fn consistency(&self, keys: &Path, proof: &Path, old: &Path, new: &Path) -> R<Verdict> {
        let g = Command::new(&self.go)
            .arg("consistency")
            .arg("-key")
            .arg(keys.join("ed25519.pub"))
            .arg("-proof")
            .arg(proof)
            .args([old, new])
            .output()?;
        let p = Command::new(&self.py)
            .arg(repo().join("verifiers/python/wangan_verify_sm.py"))
            .arg("consistency")
            .arg("--sm2-key")
            .arg(keys.join("sm2.pub"))
            .arg("--proof")
            .arg(proof)
            .args([old, new])
            .output()?;
        verdict(&g, &p)
    }
}

fn verdict(g: &Output, p: &Output) -> R<Verdict> {
    for (name, o) in [("go", g), ("python", p)] {
        // 0 accepted, 1 refused; anything else is a broken verifier
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{name} verifier failed: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout)?;
        assert_eq!(v["ok"].as_bool(), Some(o.status.code() == Some(0)), "{v}");
    }
    Ok(Verdict {
        go: g.status.code() == Some(0),
        py: p.status.code() == Some(0),
        go_out: String::from_utf8_lossy(&g.stdout).into_owned(),
        py_out: String::from_utf8_lossy(&p.stdout).into_owned(),
    })
}

/// A vault with 50 records, a bundle of all of them, 30 more records, a
/// bundle of all 80 carrying the consistency proof from the first, and a
/// filtered bundle.
fn setup(dir: &Path, hash: &str) -> R<(PathBuf, PathBuf, PathBuf, PathBuf)> {
    let v = dir.join("v");
    let vd = v.display().to_string();
    wangan(&["vault", "init", "--data-dir", &vd, "--hash", hash], None)?;
    let lines: String = (0..50)
        .map(|i| {
            format!(
                "<38>1 2026-11-30T01:{:02}:00Z gw sshd - - - login user{i} from 10.0.0.{}\n",
                i % 60,
                i % 7
            )
        })
        .collect();
    wangan(
        &["vault", "ingest", "--data-dir", &vd, "--source", "gw"],
        Some(lines.as_bytes()),
    )?;
    let a = dir.join("a.wgb");
    wangan(
        &[
            "vault",
            "export",
            "--data-dir",
            &vd,
            "-o",
            &a.display().to_string(),
        ],
        None,
    )?;
    let more: String = (0..30).map(|i| format!("later {i}\n")).collect();
    wangan(
        &["vault", "ingest", "--data-dir", &vd, "--source", "fw"],
        Some(more.as_bytes()),
    )?;
    let b = dir.join("b.wgb");
    wangan(
        &[
            "vault",
            "export",
            "--data-dir",
            &vd,
            "-o",
            &b.display().to_string(),
            "--since-checkpoint",
            &a.display().to_string(),
        ],
        None,
    )?;
    let c = dir.join("c.wgb");
    wangan(
        &[
            "vault",
            "export",
            "--data-dir",
            &vd,
            "-o",
            &c.display().to_string(),
            "--grep",
            "10.0.0.3",
        ],
        None,
    )?;
    Ok((v.join("keys"), a, b, c))
}

#[test]
fn independent_verifiers_accept_genuine_evidence_and_refuse_tampering() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let vs = Verifiers {
        go: go_verifier(tmp.path())?,
        py: python()?,
    };
    for hash in ["sha256", "sm3"] {
        let dir = tmp.path().join(hash);
        std::fs::create_dir_all(&dir)?;
        let (keys, a, b, c) = setup(&dir, hash)?;
        let sha = hash == "sha256";
        // genuine: both accept, and say what they checked
        for (bundle, held) in [(&a, None), (&b, Some(a.as_path())), (&c, None)] {
            let v = vs.bundle(&keys, bundle, held)?;
            assert!(v.go && v.py, "{hash} {}: {v:?}", bundle.display());
        }
        let v = vs.bundle(&keys, &b, Some(&a))?;
        assert!(v.py_out.contains("\"records_verified\": 80"), "{v:?}");
        assert!(v.py_out.contains("\"consistency_verified\": true"), "{v:?}");
        assert_eq!(v.go_out.contains("\"records_verified\":80"), sha, "{v:?}");

        // tampering: (what, bytes, refused by go, refused by python)
        let genuine = std::fs::read(&b)?;
        let dec = vault::Bundle::decode(&genuine)?;
        let mut cases: Vec<(&str, Vec<u8>, bool, bool)> = Vec::new();
        let flip = |at: usize| {
            let mut x = genuine.clone();
            x[at] ^= 0x01;
            x
        };
        let find = |needle: &[u8]| {
            genuine
                .windows(needle.len())
                .position(|w| w == needle)
                .ok_or("not found")
        };
        cases.push(("record text", flip(find(b"login user7 ")? + 6), sha, true));
        let last_proof = genuine.len() - 17 - 5;
        cases.push(("inclusion proof", flip(last_proof), sha, true));
        let cp_text = std::str::from_utf8(&dec.checkpoint)?;
        let size_at = 13 + cp_text.find("\n80\n").ok_or("no size")? + 2;
        cases.push(("checkpoint size", flip(size_at), true, true));
        cases.push((
            "checkpoint root",
            flip(13 + cp_text.find('\n').unwrap_or(0) + 5),
            true,
            true,
        ));
        let (forged, _) = vault::testing::forge_bundle(&genuine, |recs| {
            recs[7].raw = b"nothing happened".to_vec();
        })?;
        cases.push(("re-signed with other keys", forged, true, true));
        cases.push((
            "sm2 stripped",
            vault::testing::strip_sm2(&genuine)?,
            false,
            true,
        ));
        let mut swapped = dec.clone();
        swapped.records.swap(3, 4);
        cases.push(("records reordered", swapped.encode(), true, true));
        let mut dropped_proof = dec.clone();
        dropped_proof.records[10].proof.pop();
        cases.push(("proof hash removed", dropped_proof.encode(), sha, true));
        let mut bad_cons = dec.clone();
        if let Some(s) = bad_cons.since.as_mut() {
            s.proof[0].0[0] ^= 0x10;
        }
        cases.push(("consistency proof", bad_cons.encode(), sha, true));
        let mut other_hash = dec.clone();
        other_hash.hash_code = if sha { 2 } else { 1 };
        cases.push(("hash code", other_hash.encode(), true, true));
        cases.push((
            "truncated",
            genuine[..genuine.len() - 9].to_vec(),
            true,
            true,
        ));
        let mut trailing = genuine.clone();
        trailing.push(0);
        cases.push(("trailing byte", trailing, true, true));
        let mut foreign_key = dec.clone();
        foreign_key.sm2_key[10] ^= 1;
        cases.push(("bundle's sm2 key", foreign_key.encode(), false, true));
        for (what, bytes, go_refuses, py_refuses) in cases {
            assert_ne!(bytes, genuine, "{what}");
            let f = dir.join("tampered.wgb");
            std::fs::write(&f, &bytes)?;
            let v = vs.bundle(&keys, &f, None)?;
            assert_eq!(!v.go, go_refuses, "{hash} {what}: go {}", v.go_out);
            assert_eq!(!v.py, py_refuses, "{hash} {what}: python {}", v.py_out);
        }
        // a held checkpoint the bundle does not start from: both refuse
        let v = vs.bundle(&keys, &b, Some(&b))?;
        assert!(!v.go && !v.py, "{v:?}");

        // prove-consistency output, checked by both
        let o = wangan(
            &[
                "vault",
                "prove-consistency",
                "--data-dir",
                &dir.join("v").display().to_string(),
                &a.display().to_string(),
                &b.display().to_string(),
                "--json",
            ],
            None,
        )?;
        let proof = dir.join("proof.json");
        std::fs::write(&proof, &o.stdout)?;
        let v = vs.consistency(&keys, &proof, &a, &b)?;
        assert!(v.go && v.py, "{v:?}");
        let mut p: serde_json::Value = serde_json::from_slice(&o.stdout)?;
        p["proof"][0] =
            serde_json::Value::String("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into());
        std::fs::write(&proof, p.to_string())?;
        let v = vs.consistency(&keys, &proof, &a, &b)?;
        assert_eq!((v.go, v.py), (!sha, false), "{v:?}");
        // the wrong keys: both refuse the genuine bundle
        let other = dir.join("other");
        wangan(
            &["vault", "init", "--data-dir", &other.display().to_string()],
            None,
        )?;
        let v = vs.bundle(&other.join("keys"), &b, None)?;
        assert!(!v.go && !v.py, "{v:?}");
    }
    Ok(())
}
