//! Known-answer vectors from the published sources, so that our hashing,
//! tree, note and signature code is checked against someone else's answers,
//! not only against itself:
//! - RFC 6962 / RFC 9162 Merkle trees: the leaf inputs, roots, inclusion and
//!   consistency proofs of the reference test data (Certificate Transparency's
//!   `merkle_tree_test`, carried on in transparency-dev/merkle `testonly` and
//!   `proof/verify_test.go`);
//! - C2SP signed notes: the `PeterNeumann` key and note of Go's
//!   `golang.org/x/mod/sumdb/note` (the reference implementation);
//! - SM3: the two examples of GM/T 0004-2012 / GB/T 32905-2016 appendix A;
//! - SM2: the signature example on the recommended curve of GM/T 0003.5-2012
//!   (key, message "message digest", ID 1234567812345678, r and s).

use base64::Engine as _;
use vault::merkle::{self, MemLeaves};
use vault::{Hash, HashAlg, VerifierKey};

type R<T> = Result<T, Box<dyn std::error::Error>>;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or_default())
        .collect()
}

fn h(s: &str) -> Hash {
    let mut a = [0u8; 32];
    a.copy_from_slice(&unhex(s));
    Hash(a)
}

const LEAF_INPUTS: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

/// Roots of the trees of 0..=8 of the leaves above.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// (leaf index from 0, tree size, audit path bottom up).
const INCLUSION: [(u64, u64, &[&str]); 4] = [
    (
        0,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        3,
        &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    ),
    (
        1,
        5,
        &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
];

/// (old size, new size, consistency proof).
const CONSISTENCY: [(u64, u64, &[&str]); 5] = [
    (1, 1, &[]),
    (
        1,
        8,
        &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
];

fn leaves() -> Vec<Hash> {
    LEAF_INPUTS
        .iter()
        .map(|l| HashAlg::Sha256.leaf(&unhex(l)))
        .collect()
}

#[test]
fn rfc6962_roots() {
    let alg = HashAlg::Sha256;
    let l = leaves();
    assert_eq!(
        alg.empty_root(),
        h(ROOTS[0]),
        "empty tree root is SHA-256 of nothing"
    );
    for (n, root) in ROOTS.iter().enumerate() {
        assert_eq!(merkle::mth(alg, &l[..n]), h(root), "tree of {n} leaves");
    }
}

#[test]
fn rfc6962_inclusion_proofs() -> R<()> {
    let alg = HashAlg::Sha256;
    let l = leaves();
    for (m, n, want) in INCLUSION {
        let want: Vec<Hash> = want.iter().map(|x| h(x)).collect();
        let mut src = MemLeaves {
            alg,
            leaves: &l[..n as usize],
        };
        assert_eq!(
            merkle::inclusion_proof(alg, &mut src, m, n)?,
            want,
            "leaf {m} of {n}"
        );
        let root = h(ROOTS[n as usize]);
        let leaf = l[m as usize];
        assert!(merkle::verify_inclusion(alg, &leaf, m, n, &want, &root));
        // the corruptions of the reference test: wrong index, size, leaf, root, extra or
        // missing hashes, a flipped bit
        assert!(!merkle::verify_inclusion(
            alg,
            &leaf,
            m ^ 1,
            n,
            &want,
            &root
        ));
        assert!(!merkle::verify_inclusion(
            alg,
            &leaf,
            m,
            n * 2,
            &want,
            &root
        ));
        assert!(!merkle::verify_inclusion(
            alg,
            &leaf,
            m,
            n / 2,
            &want,
            &root
        ));
        assert!(!merkle::verify_inclusion(
            alg,
            &l[(m as usize + 1) % 8],
            m,
            n,
            &want,
            &root
        ));
        assert!(!merkle::verify_inclusion(
            alg,
            &leaf,
            m,
            n,
            &want,
            &h(ROOTS[0])
        ));
        let mut longer = want.clone();
        longer.push(root);
        assert!(!merkle::verify_inclusion(alg, &leaf, m, n, &longer, &root));
        assert!(!merkle::verify_inclusion(
            alg,
            &leaf,
            m,
            n,
            &want[1..],
            &root
        ));
        for i in 0..want.len() {
            let mut p = want.clone();
            p[i].0[0] ^= 8;
            assert!(!merkle::verify_inclusion(alg, &leaf, m, n, &p, &root));
        }
    }
    Ok(())
}

#[test]
fn rfc6962_consistency_proofs() -> R<()> {
    let alg = HashAlg::Sha256;
    let l = leaves();
    for (m, n, want) in CONSISTENCY {
        let want: Vec<Hash> = want.iter().map(|x| h(x)).collect();
        let mut src = MemLeaves {
            alg,
            leaves: &l[..n as usize],
        };
        assert_eq!(
            merkle::consistency_proof(alg, &mut src, m, n)?,
            want,
            "{m} → {n}"
        );
        let (r1, r2) = (h(ROOTS[m as usize]), h(ROOTS[n as usize]));
        assert!(merkle::verify_consistency(alg, m, &r1, n, &r2, &want));
        if want.is_empty() {
            continue;
        }
        assert!(!merkle::verify_consistency(alg, m - 1, &r1, n, &r2, &want));
        assert!(!merkle::verify_consistency(alg, m + 1, &r1, n, &r2, &want));
        assert!(!merkle::verify_consistency(alg, m, &r1, n * 2, &r2, &want));
        assert!(!merkle::verify_consistency(alg, m, &r2, n, &r1, &want));
        assert!(!merkle::verify_consistency(alg, m, &r1, n, &r2, &[]));
        assert!(!merkle::verify_consistency(
            alg,
            m,
            &r1,
            n,
            &r2,
            &want[..want.len() - 1]
        ));
        let mut longer = want.clone();
        longer.push(r2);
        assert!(!merkle::verify_consistency(alg, m, &r1, n, &r2, &longer));
        for i in 0..want.len() {
            let mut p = want.clone();
            p[i].0[0] ^= 16;
            assert!(!merkle::verify_consistency(alg, m, &r1, n, &r2, &p));
        }
    }
    Ok(())
}

const NEUMANN_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const NEUMANN_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const NEUMANN_TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const NEUMANN_SIG: &str = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

// GM/T 0003.5-2012 signature example on the recommended curve
const SM2_D: &str = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
const SM2_PUB: &str = "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13";
const SM2_R: &str = "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3";
const SM2_S: &str = "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa";

/// A signer with the Go note example's Ed25519 seed and the GM/T SM2 example key.
fn signer(tmp: &std::path::Path) -> R<vault::keys::Signer> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let sk = b64.decode(NEUMANN_SKEY.splitn(5, '+').nth(4).ok_or("no key")?)?;
    assert_eq!(sk[0], 0x01);
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    std::fs::write(tmp.join("ed25519.key"), hex(&sk[1..]))?;
    std::fs::write(tmp.join("sm2.key"), SM2_D)?;
    Ok(vault::keys::Signer::load(tmp, "PeterNeumann")?)
}

#[test]
fn c2sp_signed_note_vector() -> R<()> {
    let vk = VerifierKey::parse(NEUMANN_VKEY)?;
    assert_eq!((vk.name.as_str(), vk.id), ("PeterNeumann", 0xc74f20a3));
    assert_eq!(vk.vkey(), NEUMANN_VKEY);
    let msg = format!("{NEUMANN_TEXT}\n{NEUMANN_SIG}");
    let note = vault::note::Note::parse(&msg)?;
    assert_eq!(note.text, NEUMANN_TEXT);
    assert_eq!(note.sigs.len(), 1);
    assert_eq!(note.sigs[0].key_id, 0xc74f20a3);
    assert!(vk.verify(note.text.as_bytes(), &note.sigs[0].sig));
    assert!(!vk.verify(b"If you think", &note.sigs[0].sig));
    // the verifier key as a trusted key file, and the public half of the example's signer
    let keys = vault::TrustedKeys::parse_text(NEUMANN_VKEY, "vkey", None)?;
    assert_eq!(keys, vec![vk.clone()]);
    let tmp = tempfile::tempdir()?;
    let s = signer(tmp.path())?;
    assert_eq!(s.public().ed25519_verifier_key(), NEUMANN_VKEY);
    // Ed25519 is deterministic: signing the text gives the example's signature line
    let signed = vault::note::Note::sign(NEUMANN_TEXT.to_owned(), &s)?.to_string();
    let first_sig = signed.lines().nth(3).ok_or("no signature line")?;
    assert_eq!(format!("{first_sig}\n"), NEUMANN_SIG);
    Ok(())
}

#[test]
fn gmt_0004_sm3_vectors() {
    assert_eq!(
        HashAlg::Sm3.digest(&[b"abc"]).hex(),
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    );
    assert_eq!(
        HashAlg::Sm3.digest(&["abcd".repeat(16).as_bytes()]).hex(),
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    );
}

#[test]
fn gmt_0003_sm2_signature_vector() -> R<()> {
    let tmp = tempfile::tempdir()?;
    let s = signer(tmp.path())?;
    // the public key of the example's private key
    assert_eq!(s.public().sm2_sec1(), Some(unhex(SM2_PUB)));
    let vk = VerifierKey::sm2("example", &unhex(SM2_PUB))?;
    let mut sig = unhex(SM2_R);
    sig.extend(unhex(SM2_S));
    // r ‖ s over "message digest", Z_A with ID 1234567812345678
    assert!(vk.verify(b"message digest", &sig));
    assert!(!vk.verify(b"message digesT", &sig));
    let mut bad = sig.clone();
    bad[63] ^= 1;
    assert!(!vk.verify(b"message digest", &bad));
    // our own SM2 signatures verify under the same key
    let ours = s.sign_sm2(b"message digest")?;
    assert!(vk.verify(b"message digest", &ours));
    Ok(())
}
