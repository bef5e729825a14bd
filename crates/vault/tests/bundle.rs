//! Export and offline bundle checks: a bundle verifies with no store; any
//! flipped byte, a foreign trusted key or a truncation makes it fail; a
//! bundle forged with an attacker's own keys or stripped of its SM2
//! signature is refused with and without a trust anchor.

use std::path::Path;

use vault::bundle::{Bundle, Trust, check_bundle};
use vault::keys::{KeyAlg, PublicKeys, TrustedKeys};
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

fn trusted(dir: &Path) -> R<TrustedKeys> {
    let mut t = TrustedKeys::new();
    t.load(&dir.join("keys"))?;
    Ok(t)
}

fn kinds(c: &vault::BundleCheck) -> Vec<&'static str> {
    c.failures.iter().map(|f| f.kind).collect()
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
        assert!(c.trust == Trust::Anchored && c.sm2_verified);
        assert_eq!(c.anchor_keys.len(), 2);
        assert_eq!(c.seqs, Some((0, 999)));
        assert_eq!(c.hash, Some(hash));
        assert_eq!(
            c.sources,
            vec![("fw0".to_owned(), 334), ("fw1".to_owned(), 666)]
        );
        // without a trusted key the bundle is only self-consistent: not ok
        let c = check_bundle(&b, &TrustedKeys::new())?;
        assert!(!c.ok() && c.self_consistent() && c.trust == Trust::NotAnchored);
        assert_eq!(c.records_verified, 1000);
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
    assert_eq!(c.trust, Trust::NotAnchored, "{:?}", c.failures);
    // B's keys under A's name: refused, naming the keys
    let mut tb = TrustedKeys::new();
    let ka = PublicKeys::load(&a.join("keys"))?;
    let kb = PublicKeys::load(&bdir.join("keys"))?;
    for k in kb.verifier_keys() {
        let renamed = match k.alg() {
            KeyAlg::Ed25519 => vault::VerifierKey::ed25519(&ka.name, &kb.ed25519_bytes())?,
            KeyAlg::Sm2 => vault::VerifierKey::sm2(&ka.name, &kb.sm2_sec1().unwrap_or_default())?,
        };
        tb.add(renamed);
    }
    let c = check_bundle(&bundle, &tb)?;
    assert!(!c.ok());
    assert_eq!(c.trust, Trust::Refused);
    assert!(kinds(&c).contains(&"key_not_trusted"), "{:?}", c.failures);
    assert!(
        kinds(&c).contains(&"anchor_signature_missing"),
        "{:?}",
        c.failures
    );
    // swapping in B's keys is caught by the signature check
    let mut dec = Bundle::decode(&bundle)?;
    dec.ed25519_key = kb.ed25519_verifier_key().into_bytes();
    dec.sm2_key = kb.sm2_sec1().unwrap_or_default();
    let c = check_bundle(&dec.encode(), &TrustedKeys::new())?;
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

/// A bundle whose record was altered, whose tree was rebuilt and whose
/// checkpoint was re-signed with an attacker's own keys under the vault's key
/// name: self-consistent, so refused only through the trust anchor; never ok.
#[test]
fn a_bundle_forged_with_an_attackers_keys_is_refused() -> R<()> {
    for hash in [HashAlg::Sha256, HashAlg::Sm3] {
        let tmp = tempfile::tempdir()?;
        let d = tmp.path().join("v");
        make(&d, hash, 20, 100)?;
        let genuine = export(&d, &Query::default())?;
        let (forged, attacker) = vault::testing::forge_bundle(&genuine, |recs| {
            recs[3].raw = b"<134>1 2026-11-30T00:00:00Z fw1 app - - - nothing happened".to_vec();
        })?;
        let anchor = trusted(&d)?;
        // the genuine bundle is anchored
        assert!(check_bundle(&genuine, &anchor)?.ok());
        // without an anchor: self-consistent (that is the point of the forgery), not anchored
        let c = check_bundle(&forged, &TrustedKeys::new())?;
        assert!(c.self_consistent(), "{:?}", c.failures);
        assert_eq!(c.trust, Trust::NotAnchored);
        assert!(!c.ok());
        // the printed fingerprints are the attacker's, which the recipient compares out of band
        let k = c.keys.as_ref().ok_or("no keys")?;
        assert_eq!(k.ed25519_key, attacker.ed25519_verifier_key());
        // with the vault's keys as anchor: refused, both algorithms named
        let c = check_bundle(&forged, &anchor)?;
        assert!(!c.ok());
        assert_eq!(c.trust, Trust::Refused);
        let missing: Vec<&str> = c
            .failures
            .iter()
            .filter(|f| f.kind == "anchor_signature_missing")
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(missing.len(), 2, "{:?}", c.failures);
        assert!(missing[0].contains("ed25519") && missing[1].contains("sm2"));
        assert!(kinds(&c).contains(&"key_not_trusted"));
        // with only the vault's ed25519 key: refused too
        let mut ed_only = TrustedKeys::new();
        ed_only.load(&d.join("keys/ed25519.pub"))?;
        let c = check_bundle(&forged, &ed_only)?;
        assert!(!c.ok());
        assert_eq!(c.trust, Trust::Refused);
    }
    Ok(())
}

/// A genuine bundle with its SM2 signature line and SM2 key stripped: the
/// Ed25519 signature still verifies, but it is refused with the full anchor,
/// with the Ed25519 key alone, and without an anchor.
#[test]
fn a_bundle_stripped_of_its_sm2_line_is_refused() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    make(&d, HashAlg::Sha256, 20, 100)?;
    let genuine = export(&d, &Query::default())?;
    let stripped = vault::testing::strip_sm2(&genuine)?;
    assert_ne!(stripped, genuine);
    // no anchor: the missing sm2 key is a failure, not only "not anchored"
    let c = check_bundle(&stripped, &TrustedKeys::new())?;
    assert!(!c.ok() && !c.self_consistent());
    assert!(kinds(&c).contains(&"sm2_key_missing"), "{:?}", c.failures);
    assert_eq!(c.records_verified, 20);
    // the full anchor: the sm2 signature of the trusted key is missing
    let c = check_bundle(&stripped, &trusted(&d)?)?;
    assert!(!c.ok());
    assert_eq!(c.trust, Trust::Refused);
    assert!(
        c.failures
            .iter()
            .any(|f| f.kind == "anchor_signature_missing" && f.message.contains("sm2")),
        "{:?}",
        c.failures
    );
    // the ed25519 key alone is not a complete anchor, for the stripped and the genuine bundle
    let mut ed_only = TrustedKeys::new();
    ed_only.load(&d.join("keys/ed25519.pub"))?;
    for b in [&stripped, &genuine] {
        let c = check_bundle(b, &ed_only)?;
        assert!(!c.ok());
        assert_eq!(c.trust, Trust::Refused);
        assert!(kinds(&c).contains(&"anchor_incomplete"), "{:?}", c.failures);
    }
    // ed25519.pub and sm2.pub given one by one make the full anchor
    let mut both = TrustedKeys::new();
    both.load(&d.join("keys/ed25519.pub"))?;
    both.load(&d.join("keys/sm2.pub"))?;
    assert_eq!(both, trusted(&d)?);
    assert!(check_bundle(&genuine, &both)?.ok());
    assert!(!check_bundle(&stripped, &both)?.ok());
    Ok(())
}

#[test]
fn verifier_keys_round_trip_and_are_strict() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let d = tmp.path().join("v");
    make(&d, HashAlg::Sha256, 1, 100)?;
    let keys = trusted(&d)?;
    assert_eq!(keys.keys().len(), 2);
    let mut text = String::from("# pinned keys of the vault\n\n");
    for k in keys.keys() {
        assert_eq!(&vault::VerifierKey::parse(&k.vkey())?, k);
        text.push_str(&k.vkey());
        text.push('\n');
    }
    assert_eq!(TrustedKeys::parse_text(&text, "pin", None)?, keys.keys());
    let vk = keys.keys()[1].vkey();
    let (name, rest) = vk.split_once('+').ok_or("no +")?;
    // a wrong key id, a bad name, a stray type: refused
    for bad in [
        format!("{name}+00000000+{}", &rest[9..]),
        format!("a b+{rest}"),
        format!("{name}+{}", rest.to_uppercase()),
        String::new(),
    ] {
        assert!(TrustedKeys::parse_text(&bad, "x", None).is_err(), "{bad}");
    }
    Ok(())
}

fn append(dir: &Path, from: u64, n: u64) -> R<()> {
    let mut v = Vault::open(dir)?;
    for i in from..from + n {
        v.append(&Incoming {
            received_ns: 1_790_000_000_000_000_000 + i as i64 * 1_000_000_000,
            source: "fw1",
            peer: "-",
            transport: "file",
            raw: format!("later record {i}").as_bytes(),
        })?;
    }
    v.commit()?;
    Ok(())
}

/// Two bundles handed over apart: the second carries the consistency proof
/// from the first one's checkpoint, and the recipient who holds that
/// checkpoint checks it.
#[test]
fn a_later_bundle_proves_it_extends_an_earlier_checkpoint() -> R<()> {
    for hash in [HashAlg::Sha256, HashAlg::Sm3] {
        let tmp = tempfile::tempdir()?;
        let d = tmp.path().join("v");
        make(&d, hash, 37, 16)?;
        let first = export(&d, &Query::default())?;
        let held = vault::SignedCheckpoint::parse(std::str::from_utf8(
            &Bundle::decode(&first)?.checkpoint,
        )?)?;
        append(&d, 37, 100)?;
        let s = Store::open(&d)?;
        let mut second = Vec::new();
        let sum = vault::export_since(&s, &Query::default(), Some(&held), &mut second, None)?;
        assert_eq!(sum.since.as_ref().map(|c| c.size), Some(37));
        let t = trusted(&d)?;
        let c = vault::check_bundle_since(&second, &t, Some(&held.checkpoint))?;
        assert!(c.ok(), "{:?}", c.failures);
        assert!(c.consistency_verified);
        assert_eq!(c.since.as_ref().map(|c| c.size), Some(37));
        // the section round-trips and the fuzzed decoder's invariant holds
        let dec = Bundle::decode(&second)?;
        assert_eq!(dec.encode(), second);
        // a flipped bit of the proof: refused
        let mut bad = dec.clone();
        if let Some(since) = bad.since.as_mut() {
            since.proof[0].0[5] ^= 4;
        }
        let c = check_bundle(&bad.encode(), &t)?;
        assert!(!c.ok());
        assert!(
            kinds(&c).contains(&"consistency_invalid"),
            "{:?}",
            c.failures
        );
        // the recipient holds another checkpoint (the second bundle's own): mismatch
        let own = vault::SignedCheckpoint::parse(std::str::from_utf8(&dec.checkpoint)?)?;
        let c = vault::check_bundle_since(&second, &t, Some(&own.checkpoint))?;
        assert!(kinds(&c).contains(&"since_mismatch"), "{:?}", c.failures);
        // a bundle without the section, checked against a held checkpoint: missing
        let c = vault::check_bundle_since(&first, &t, Some(&held.checkpoint))?;
        assert!(!c.ok() && kinds(&c).contains(&"since_missing"));
        // a section placed after a record, or twice: malformed
        let mut twice = dec.encode();
        let at =
            8 + 1 + 4 + dec.checkpoint.len() + 2 + dec.ed25519_key.len() + 2 + dec.sm2_key.len();
        let section = {
            let mut x = Bundle::decode(&second)?;
            x.records.clear();
            let e = x.encode();
            e[at..e.len() - 17].to_vec()
        };
        twice.splice(at..at, section);
        assert!(Bundle::decode(&twice).is_err());
        // prove_consistency refuses a checkpoint of another vault
        let other = tmp.path().join("other");
        make(&other, hash, 5, 16)?;
        let foreign = Store::open(&other)?
            .latest_checkpoint()?
            .ok_or("no checkpoint")?;
        let latest = s.latest_checkpoint()?.ok_or("no checkpoint")?;
        assert!(vault::prove_consistency(&s, &foreign, &latest).is_err());
        assert!(vault::prove_consistency(&s, &latest, &held).is_err());
        let p = vault::prove_consistency(&s, &held, &latest)?;
        assert!(vault::merkle::verify_consistency(
            hash,
            37,
            &held.checkpoint.root,
            latest.checkpoint.size,
            &latest.checkpoint.root,
            &p.proof
        ));
    }
    Ok(())
}
