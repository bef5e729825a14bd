//! Property tests: append-then-verify passes; damage is always caught.

use proptest::prelude::*;
use vault::{Incoming, InitOptions, Store, Vault, VerifyOptions};

fn build(dir: &std::path::Path, lines: &[Vec<u8>]) -> Result<(), vault::Error> {
    let mut v = Vault::init(
        dir,
        &InitOptions {
            segment_size: 2_000,
            ..InitOptions::default()
        },
    )?;
    for (i, l) in lines.iter().enumerate() {
        v.append(&Incoming {
            received_ns: 1_700_000_000_000_000_000 + i as i64,
            source: "s",
            peer: "-",
            transport: "file",
            raw: l,
        })?;
        if i % 17 == 16 {
            v.commit()?;
        }
    }
    v.commit()?;
    v.seal()?;
    v.checkpoint_now()?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn append_then_verify_passes(lines in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..120), 1..120)) {
        let tmp = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        build(tmp.path(), &lines).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let store = Store::open(tmp.path()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(store.size(), lines.len() as u64);
        let r = vault::verify(&store, &VerifyOptions::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(r.is_intact(), "{:?}", r.findings);
        let got: Vec<Vec<u8>> = store.records(0..store.size()).map(|r| r.map(|r| r.record.raw)).collect::<Result<_, _>>().map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(got, lines);
    }

    #[test]
    fn any_byte_flip_in_a_segment_or_removal_is_caught(
        lines in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 20..80), 60..150),
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        remove in any::<bool>(),
    ) {
        let tmp = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        build(tmp.path(), &lines).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut segs: Vec<_> = std::fs::read_dir(tmp.path().join("seg")).map_err(|e| TestCaseError::fail(e.to_string()))?.flatten().map(|e| e.path()).collect();
        segs.sort();
        prop_assume!(!segs.is_empty());
        let p = which.get(&segs).clone();
        if remove {
            std::fs::remove_file(&p).map_err(|e| TestCaseError::fail(e.to_string()))?;
        } else {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut b = std::fs::read(&p).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let i = at.index(b.len());
            b[i] ^= 0x01;
            std::fs::write(&p, b).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let store = Store::open(tmp.path()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let r = vault::verify(&store, &VerifyOptions::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(!r.is_intact(), "not detected: remove={} {:?}", remove, r.findings);
    }
}
