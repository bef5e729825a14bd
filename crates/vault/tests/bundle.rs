//! Export and offline bundle checks: a bundle verifies with no store; any
//! flipped byte, a foreign trusted key or a truncation makes it fail.

use std::path::Path;

use vault::bundle::{Bundle, Trusted, check_bundle};
use vault::keys::PublicKeys;
use vault::{HashAlg, Incoming, InitOptions, Query, Store, Vault};

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn make(dir: &Path, hash: HashAlg, n: u64, seal_every: u64) -> R<()> {
    let opts = InitOptions {
        hash,
        ..InitOptions::default()
    };
    let mut v = Vault::init(dir, &opts)?;
    for i in 0..n {
        let line = format!(
            "<134>1 2026-11-30T00:00:00Z fw{} app - - - conn {i} from 10.0.0.{}",
            i % 3,
            i % 250
        );
        v.append(&Incoming {
            received_ns: 1_790_000_000_000_000_000 + i as i64 * 1_000_000_000,
            source: if i % 3 == 0 { "fw0" } else { "fw1" },
            peer: "192.0.2.1:514",
            transport: "udp",
            raw: line.as_bytes(),
        })?;
        if (i + 1) % seal_every == 0 {
            v.commit()?;
            v.seal()?;
        }
    }
    v.commit()?;
    Ok(())
}

fn export(dir: &Path, q: &Query) -> R<Vec<u8>> {
    let s = Store::open(dir)?;
    let mut out = Vec::new();
    vault::export(&s, q, &mut out, None)?;
    Ok(out)
}

fn trusted(dir: &Path) -> R<Trusted> {
    Ok(Trusted {
        keys: Some(PublicKeys::load(&dir.join("keys"))?),
    })
}

#[test]
fn export_then_check_passes_for_sealed_and_unsealed_records() -> R<()> {
    for hash in [HashAlg::Sha256, HashAlg::Sm3] {
        let tmp = tempfile::tempdir()?;
        let d = tmp.path().join("v");
        // 1000 records in segments of 300 plus an unsealed tail of 100
        make(&d, hash, 1000, 300)?;
        let b = export(&d, &Query::default())?;
        let c = check_bundle(&b, &trusted(&d)?)?;
        assert!(c.ok(), "{:?}", c.failures);
        assert_eq!(c.records, 1000);
        assert_eq!(c.records_verified, 1000);
        assert!(c.key_trusted && c.sm2_verified);
        assert_eq!(c.seqs, Some((0, 999)));
        assert_eq!(c.hash, Some(hash));
        assert_eq!(
            c.sources,
            vec![("fw0".to_owned(), 334), ("fw1".to_owned(), 666)]
        );
        // without a trusted key the bundle's own keys are used
        let c = check_bundle(&b, &Trusted::default())?;
        assert!(c.ok() && !c.key_trusted);
        // a filtered export holds only the matches
        let q = Query {
            sources: vec!["fw0".into()],
            terms: vec!["10.0.0.7".into()],
            ..Query::default()
        };
        let b = export(&d, &q)?;
        let dec = Bundle::decode(&b)?;
        let c = check_bundle(&b, &trusted(&d)?)?;
        assert!(c.ok(), "{:?}", c.failures);
        assert_eq!(c.records, dec.records.len() as u64);
        assert!(c.records > 0);
        assert_eq!(Bundle::decode(&dec.encode())?, dec);
    }
    Ok(())
}

#[test]
fn every_flipped_byte_fails_the_check() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    make(&d, HashAlg::Sha256, 40, 16)?;
    let q = Query {
        limit: Some(3),
        ..Query::default()
    };
    let b = export(&d, &q)?;
    let t = trusted(&d)?;
    assert!(check_bundle(&b, &t)?.ok());
    let dec = Bundle::decode(&b)?;
    // section offsets, to check the message names the right part
    let cp_start = 8 + 1 + 4;
    let cp_end = cp_start + dec.checkpoint.len();
    let text_end = cp_start
        + std::str::from_utf8(&dec.checkpoint)?
            .rfind("\n\n")
            .ok_or("no blank line")?
        + 1;
    let keys_end = cp_end + 2 + dec.ed25519_key.len() + 2 + dec.sm2_key.len();
    let mut rec_ranges = Vec::new();
    let mut pos = keys_end;
    for r in &dec.records {
        let body = pos + 1 + 4;
        let proof = body + r.canonical.len() + 1;
        rec_ranges.push((body, proof, proof + 32 * r.proof.len()));
        pos = proof + 32 * r.proof.len();
    }
    for i in 0..b.len() {
        let mut x = b.clone();
        x[i] ^= 0x01;
        let what = match check_bundle(&x, &t) {
            Err(e) => format!("decode: {e}"),
            Ok(c) => {
                assert!(!c.ok(), "flipping byte {i} went unnoticed");
                c.failures
                    .iter()
                    .map(|f| format!("{}: {}", f.kind, f.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        };
        if (cp_start..text_end).contains(&i) {
            assert!(
                what.contains("checkpoint"),
                "byte {i} (checkpoint text): {what}"
            );
        } else if (text_end..cp_end).contains(&i) {
            assert!(
                what.contains("checkpoint") || what.contains("signature"),
                "byte {i} (signature): {what}"
            );
        }
        for (k, (body, proof, end)) in rec_ranges.iter().enumerate() {
            if (*body..*proof - 1).contains(&i) {
                assert!(
                    what.contains(&format!("record {k}")),
                    "byte {i} (record {k}): {what}"
                );
            }
            if (*proof..*end).contains(&i) {
                assert!(
                    what.contains(&format!("record {k} (seq")) && what.contains("proof"),
                    "byte {i} (proof of record {k}): {what}"
                );
            }
        }
    }
    // truncation anywhere fails to decode
    for n in 0..b.len() {
        assert!(Bundle::decode(&b[..n]).is_err(), "truncated to {n}");
    }
    Ok(())
}

#[test]
fn a_bundle_of_store_a_fails_against_the_key_of_store_b() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let a = tmp.path().join("a");
    let bdir = tmp.path().join("b");
    make(&a, HashAlg::Sha256, 10, 100)?;
    make(&bdir, HashAlg::Sha256, 10, 100)?;
    let bundle = export(&a, &Query::default())?;
    let c = check_bundle(&bundle, &trusted(&bdir)?)?;
    assert!(!c.ok());
    assert_eq!(c.failures[0].kind, "key_not_trusted");
    // swapping in B's keys is caught by the signature check
    let mut dec = Bundle::decode(&bundle)?;
    let kb = PublicKeys::load(&bdir.join("keys"))?;
    dec.ed25519_key = kb.ed25519_verifier_key().into_bytes();
    dec.sm2_key = kb.sm2_sec1().unwrap_or_default();
    let c = check_bundle(&dec.encode(), &trusted(&bdir)?)?;
    assert!(!c.ok());
    assert!(
        c.failures.iter().any(|f| f.kind.starts_with("checkpoint_")),
        "{:?}",
        c.failures
    );
    Ok(())
}

#[derive(Debug, Clone)]
struct TestClock(std::sync::Arc<std::sync::Mutex<time::OffsetDateTime>>);

impl vault::clock::Clock for TestClock {
    fn now(&self) -> time::OffsetDateTime {
        self.0
            .lock()
            .map(|t| *t)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }
}

#[test]
fn records_after_a_prune_export_with_proofs_through_the_tombstone() -> R<()> {
    use time::Duration;
    use time::macros::datetime;
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    let start = datetime!(2024-08-31 10:00 UTC);
    let clock = TestClock(std::sync::Arc::new(std::sync::Mutex::new(start)));
    let set = |t| {
        if let Ok(mut g) = clock.0.lock() {
            *g = t;
        }
    };
    let mut v = Vault::init_with_clock(
        &d,
        &InitOptions::default(),
        std::sync::Arc::new(clock.clone()),
    )?;
    let add = |v: &mut Vault, t: time::OffsetDateTime, from: u64| -> R<()> {
        for i in from..from + 300 {
            v.append(&Incoming {
                received_ns: vault::clock::to_ns(t),
                source: "fw1",
                peer: "-",
                transport: "file",
                raw: format!("record {i}").as_bytes(),
            })?;
        }
        v.commit()?;
        v.seal()?;
        Ok(())
    };
    add(&mut v, start, 0)?;
    let mut t = start;
    while t < datetime!(2025-03-02 00:00 UTC) {
        t += Duration::days(1);
        set(t);
        if t == start + Duration::days(40) {
            add(&mut v, t, 300)?;
        }
        v.checkpoint_now()?;
    }
    // prune acts only on a live store: a record arrived just now (seq 600)
    v.append(&Incoming {
        received_ns: vault::clock::to_ns(t),
        source: "fw1",
        peer: "-",
        transport: "file",
        raw: b"fresh",
    })?;
    let r = vault::prune(&mut v, &vault::PruneOptions { dry_run: false })?;
    assert_eq!(r.pruned.len(), 1, "{r:?}");
    drop(v);
    let b = export(&d, &Query::default())?;
    let c = check_bundle(&b, &trusted(&d)?)?;
    assert!(c.ok(), "{:?}", c.failures);
    // records 300..600 and the prune event survive; 0..299 are gone
    assert_eq!(c.records, 302);
    assert_eq!(c.seqs, Some((300, 601)));
    Ok(())
}
