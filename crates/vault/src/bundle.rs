//! Evidence bundles: records with inclusion proofs, the signed checkpoint
//! they are proven against and the public keys, in one file that a third
//! party checks offline ([`check_bundle`]), with no access to the store.
//!
//! This is how logs are handed over (e.g. to the police under CSL-2025
//! art. 30 / CSL-2016 art. 28). The format is in `DESIGN.md` ("Bundles");
//! all integers are big-endian:
//!
//! ```text
//! "WANGBDL1"                      magic, format version 1
//! u8 hash                         1 = SHA-256, 2 = SM3 (must equal the checkpoint's `hash` line)
//! u32 n ‖ n bytes                 the signed checkpoint (C2SP signed note, UTF-8)
//! u16 n ‖ n bytes                 Ed25519 note verifier key `name+keyid+base64(0x01‖key)` (UTF-8)
//! u16 n ‖ n bytes                 SM2 public key, SEC1 uncompressed point (65 bytes), or n = 0
//! optional, at most once:
//!   'C' ‖ u32 n ‖ n bytes         an earlier signed checkpoint the recipient holds
//!       ‖ u8 k ‖ k × hash         RFC 9162 consistency proof from it to this checkpoint, k ≤ 128
//! per record:
//!   'R' ‖ u32 n ‖ n bytes         canonical record v1 (what the leaf hash covers)
//!       ‖ u8 k ‖ k × hash         RFC 9162 inclusion proof (audit path, bottom up), k ≤ 64
//! 'E' ‖ u64 count ‖ "WANGBEND"    end: number of records, end magic, then end of file
//! ```

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use crate::keys::{KeyAlg, PublicKeys, TrustedKeys, VerifierKey};
use crate::merkle::{self, SubtreeSource};
use crate::note::{Checkpoint, Note, SigCheck, SignedCheckpoint};
use crate::query::Query;
use crate::record::Record;
use crate::segment::TILE;
use crate::store::{Store, TreeReader};
use crate::{Error, ErrorKind, Hash, HashAlg, Result};

/// Magic and version at the start of a bundle.
pub const MAGIC: &[u8; 8] = b"WANGBDL1";
/// Magic at the end of a bundle.
pub const END_MAGIC: &[u8; 8] = b"WANGBEND";
const TAG_RECORD: u8 = b'R';
const TAG_CONSISTENCY: u8 = b'C';
/// Longest consistency proof.
pub const MAX_CONSISTENCY_PROOF: usize = 128;
const TAG_END: u8 = b'E';
/// Longest inclusion proof (a tree of 2^64 leaves).
pub const MAX_PROOF: usize = 64;
/// Most bytes of the checkpoint section.
pub const MAX_CHECKPOINT: usize = 1 << 16;
/// Most failures [`check_bundle`] lists (the rest are counted).
pub const MAX_FAILURES: usize = 1000;

/// One record of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleRecord {
    /// The canonical record v1 bytes (seq, receive time, source, peer, transport, raw).
    pub canonical: Vec<u8>,
    /// Inclusion proof in the checkpoint's tree.
    pub proof: Vec<Hash>,
}

/// The consistency section of a bundle: an earlier checkpoint and the proof
/// that the bundle's checkpoint extends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleConsistency {
    /// The earlier signed checkpoint, as bytes.
    pub checkpoint: Vec<u8>,
    /// RFC 9162 consistency proof from its size to the bundle checkpoint's size.
    pub proof: Vec<Hash>,
}

/// A decoded bundle (structure only: nothing is checked yet; see [`check_bundle`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// Hash code byte as found (1 = SHA-256, 2 = SM3).
    pub hash_code: u8,
    /// The signed checkpoint note, as bytes.
    pub checkpoint: Vec<u8>,
    /// Ed25519 note verifier key, as bytes.
    pub ed25519_key: Vec<u8>,
    /// SM2 public key (SEC1 uncompressed), empty when absent.
    pub sm2_key: Vec<u8>,
    /// Consistency from an earlier checkpoint, when exported with one.
    pub since: Option<BundleConsistency>,
    /// Records in file order.
    pub records: Vec<BundleRecord>,
}

fn bad(what: &str, offset: usize) -> Error {
    Error::new(
        ErrorKind::Corrupt,
        format!("bundle: {what} at offset {offset}"),
    )
}

struct Rd<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Rd<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        if self.b.len() - self.pos < n {
            return Err(bad(&format!("{what} truncated"), self.pos));
        }
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.take(1, what)?[0])
    }
    fn u16(&mut self, what: &str) -> Result<usize> {
        let b = self.take(2, what)?;
        Ok(usize::from(u16::from_be_bytes([b[0], b[1]])))
    }
    fn u32(&mut self, what: &str) -> Result<usize> {
        let b = self.take(4, what)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    }
    fn u64(&mut self, what: &str) -> Result<u64> {
        let b = self.take(8, what)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_be_bytes(a))
    }
}

impl Bundle {
    /// Decode a bundle strictly: magic, every length, the record tags, the
    /// count and the end magic must be exactly right, and nothing may follow.
    /// Never panics; errors name the offset.
    pub fn decode(b: &[u8]) -> Result<Bundle> {
        let mut r = Rd { b, pos: 0 };
        if r.take(8, "magic")? != MAGIC {
            return Err(bad("not a wangan bundle (bad magic or version)", 0));
        }
        let hash_code = r.u8("hash")?;
        let n = r.u32("checkpoint length")?;
        if n > MAX_CHECKPOINT {
            return Err(bad("checkpoint longer than 64 KiB", r.pos - 4));
        }
        let checkpoint = r.take(n, "checkpoint")?.to_vec();
        let n = r.u16("ed25519 key length")?;
        let ed25519_key = r.take(n, "ed25519 key")?.to_vec();
        let n = r.u16("sm2 key length")?;
        let sm2_key = r.take(n, "sm2 key")?.to_vec();
        let mut records = Vec::new();
        let mut since = None;
        loop {
            let at = r.pos;
            match r.u8("record tag")? {
                TAG_CONSISTENCY if since.is_none() && records.is_empty() => {
                    let n = r.u32("earlier checkpoint length")?;
                    if n > MAX_CHECKPOINT {
                        return Err(bad("earlier checkpoint longer than 64 KiB", r.pos - 4));
                    }
                    let checkpoint = r.take(n, "earlier checkpoint")?.to_vec();
                    let k = usize::from(r.u8("consistency proof length")?);
                    if k > MAX_CONSISTENCY_PROOF {
                        return Err(bad(
                            &format!(
                                "consistency proof of {k} hashes (at most {MAX_CONSISTENCY_PROOF})"
                            ),
                            r.pos - 1,
                        ));
                    }
                    let mut proof = Vec::with_capacity(k);
                    for _ in 0..k {
                        let h = r.take(32, "consistency proof")?;
                        let mut a = [0u8; 32];
                        a.copy_from_slice(h);
                        proof.push(Hash(a));
                    }
                    since = Some(BundleConsistency { checkpoint, proof });
                }
                TAG_RECORD => {
                    let i = records.len();
                    let n = r.u32("record length")?;
                    let canonical = r
                        .take(n, &format!("record {i}"))
                        .map_err(|_| bad(&format!("record {i} truncated"), at))?
                        .to_vec();
                    let k = usize::from(r.u8("proof length")?);
                    if k > MAX_PROOF {
                        return Err(bad(
                            &format!("record {i}: proof of {k} hashes (at most {MAX_PROOF})"),
                            r.pos - 1,
                        ));
                    }
                    let mut proof = Vec::with_capacity(k);
                    for _ in 0..k {
                        let h = r.take(32, &format!("proof of record {i}"))?;
                        let mut a = [0u8; 32];
                        a.copy_from_slice(h);
                        proof.push(Hash(a));
                    }
                    records.push(BundleRecord { canonical, proof });
                }
                TAG_END => {
                    let count = r.u64("record count")?;
                    if count != records.len() as u64 {
                        return Err(bad(
                            &format!("record count {count} but {} records present", records.len()),
                            at + 1,
                        ));
                    }
                    if r.take(8, "end magic")? != END_MAGIC {
                        return Err(bad("bad end magic", r.pos - 8));
                    }
                    if r.pos != b.len() {
                        return Err(bad("trailing bytes after the end", r.pos));
                    }
                    return Ok(Bundle {
                        hash_code,
                        checkpoint,
                        ed25519_key,
                        sm2_key,
                        since,
                        records,
                    });
                }
                TAG_CONSISTENCY => {
                    return Err(bad(
                        "consistency section out of place (at most one, before the records)",
                        at,
                    ));
                }
                t => return Err(bad(&format!("unknown tag 0x{t:02x}"), at)),
            }
        }
    }

    /// Encode (the inverse of [`Bundle::decode`]).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.push(self.hash_code);
        out.extend_from_slice(&(self.checkpoint.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.checkpoint);
        out.extend_from_slice(&(self.ed25519_key.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.ed25519_key);
        out.extend_from_slice(&(self.sm2_key.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.sm2_key);
        if let Some(c) = &self.since {
            put_consistency(&mut out, &c.checkpoint, &c.proof);
        }
        for r in &self.records {
            put_record(&mut out, &r.canonical, &r.proof);
        }
        out.push(TAG_END);
        out.extend_from_slice(&(self.records.len() as u64).to_be_bytes());
        out.extend_from_slice(END_MAGIC);
        out
    }
}

fn put_consistency(out: &mut Vec<u8>, checkpoint: &[u8], proof: &[Hash]) {
    out.push(TAG_CONSISTENCY);
    out.extend_from_slice(&(checkpoint.len() as u32).to_be_bytes());
    out.extend_from_slice(checkpoint);
    out.push(proof.len() as u8);
    for h in proof {
        out.extend_from_slice(&h.0);
    }
}

fn put_record(out: &mut Vec<u8>, canonical: &[u8], proof: &[Hash]) {
    out.push(TAG_RECORD);
    out.extend_from_slice(&(canonical.len() as u32).to_be_bytes());
    out.extend_from_slice(canonical);
    out.push(proof.len() as u8);
    for h in proof {
        out.extend_from_slice(&h.0);
    }
}

/// One reason a bundle does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFailure {
    /// Stable snake_case id. Self-consistency: `hash_unknown`, `hash_mismatch`,
    /// `key_malformed`, `sm2_key_missing`, `checkpoint_malformed`,
    /// `checkpoint_signature_invalid`, `checkpoint_unknown_key`,
    /// `checkpoint_sm2_missing`, `record_malformed`,
    /// `record_beyond_checkpoint`, `records_out_of_order`, `proof_invalid`,
    /// `since_malformed`, `since_signature_invalid`, `consistency_invalid`,
    /// `since_missing`, `since_mismatch`.
    /// Trust anchor ([`ANCHOR_FAILURES`]): `key_not_trusted`, `anchor_incomplete`,
    /// `anchor_signature_missing`, `anchor_signature_invalid`.
    pub kind: &'static str,
    /// Index of the record in the bundle (from 0), when about one record.
    pub record: Option<u64>,
    /// Seq of that record, when it could be read.
    pub seq: Option<u64>,
    /// What failed (English, lowercase).
    pub message: String,
}

/// Failure kinds about the trust anchor (the bundle may still be self-consistent).
pub const ANCHOR_FAILURES: &[&str] = &[
    "key_not_trusted",
    "anchor_incomplete",
    "anchor_signature_missing",
    "anchor_signature_invalid",
];

/// Key fingerprints shown to the recipient for comparison out of band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// The Ed25519 note verifier key as found.
    pub ed25519_key: String,
    /// Ed25519 key id (hex, 8 digits).
    pub ed25519_id: String,
    /// SHA-256 of the 32-byte Ed25519 public key, hex.
    pub ed25519_fingerprint: String,
    /// The SM2 note verifier key (`name+id+base64(0xff ‖ "wangan.sm2-sm3.v1" ‖ point)`), when present.
    pub sm2_key: Option<String>,
    /// SM2 key id (hex), when an SM2 key is present.
    pub sm2_id: Option<String>,
    /// SHA-256 of the SEC1 SM2 public key, hex.
    pub sm2_fingerprint: Option<String>,
}

/// Whether a bundle's checkpoint is anchored in keys the verifier trusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Its Ed25519 and SM2 signatures verify under trusted keys of its origin.
    Anchored,
    /// No trusted key was given for its origin: at most self-consistent.
    NotAnchored,
    /// Trusted keys of its origin were given and the checkpoint is not
    /// signed by them (forged, re-signed, or a signature stripped).
    Refused,
}

impl Trust {
    /// Stable snake_case name (`anchored`, `not_anchored`, `refused`).
    pub fn name(self) -> &'static str {
        match self {
            Trust::Anchored => "anchored",
            Trust::NotAnchored => "not_anchored",
            Trust::Refused => "refused",
        }
    }
}

/// Result of [`check_bundle`].
#[derive(Debug, Clone)]
pub struct BundleCheck {
    /// Tree hash, when known.
    pub hash: Option<HashAlg>,
    /// The checkpoint content, when it parsed.
    pub checkpoint: Option<Checkpoint>,
    /// Keys carried by the bundle, when they parsed.
    pub keys: Option<KeyInfo>,
    /// Whether the checkpoint is anchored in trusted keys.
    pub trust: Trust,
    /// The trusted verifier keys whose signatures verified (when anchored or refused).
    pub anchor_keys: Vec<String>,
    /// Whether the SM2 signature line was present and verified with the bundle's key.
    pub sm2_verified: bool,
    /// The earlier checkpoint of the consistency section, when present and parsed.
    pub since: Option<Checkpoint>,
    /// Whether the consistency proof from [`BundleCheck::since`] verified.
    pub consistency_verified: bool,
    /// Records in the bundle.
    pub records: u64,
    /// Records whose proof verified.
    pub records_verified: u64,
    /// Lowest and highest seq.
    pub seqs: Option<(u64, u64)>,
    /// Earliest and latest receive time (ns).
    pub time: Option<(i64, i64)>,
    /// Records per source.
    pub sources: Vec<(String, u64)>,
    /// Everything that failed (at most [`MAX_FAILURES`]).
    pub failures: Vec<BundleFailure>,
    /// Failures beyond [`MAX_FAILURES`] (counted, not listed).
    pub more_failures: u64,
}

impl BundleCheck {
    /// The bundle holds and is anchored: every signature and every proof
    /// verifies, and the checkpoint is signed by trusted keys (Ed25519 and SM2).
    pub fn ok(&self) -> bool {
        self.self_consistent() && self.trust == Trust::Anchored
    }

    /// Every signature (under the bundle's own keys) and every proof holds;
    /// says nothing about who signed.
    pub fn self_consistent(&self) -> bool {
        self.more_failures == 0
            && self
                .failures
                .iter()
                .all(|f| ANCHOR_FAILURES.contains(&f.kind))
    }

    fn fail(&mut self, kind: &'static str, record: Option<u64>, seq: Option<u64>, msg: String) {
        if self.failures.len() < MAX_FAILURES {
            self.failures.push(BundleFailure {
                kind,
                record,
                seq,
                message: msg,
            });
        } else {
            self.more_failures += 1;
        }
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Check the checkpoint note against the trusted keys of its origin: for
/// each algorithm (Ed25519 and SM2) a trusted key must be given and one of
/// them must have a valid signature line; a line of a trusted key that does
/// not verify refuses the note; the bundle's own keys must be trusted ones.
fn anchor(
    c: &mut BundleCheck,
    note: &Note,
    origin: &str,
    own: &[VerifierKey],
    trusted: &TrustedKeys,
) {
    let anchors: Vec<&VerifierKey> = trusted.named(origin).collect();
    if anchors.is_empty() {
        c.trust = Trust::NotAnchored;
        return;
    }
    let mut refused = false;
    let msg = note.text.as_bytes();
    for alg in [KeyAlg::Ed25519, KeyAlg::Sm2] {
        let of_alg: Vec<&&VerifierKey> = anchors.iter().filter(|k| k.alg() == alg).collect();
        if of_alg.is_empty() {
            refused = true;
            c.fail(
                "anchor_incomplete",
                None,
                None,
                format!(
                    "no trusted {} key for {origin:?}: a wangan vault signs every checkpoint with ed25519 and sm2, so both public keys must be trusted (give the vault's keys/ directory, or both key files)",
                    alg.name()
                ),
            );
            continue;
        }
        let mut good = false;
        for k in &of_alg {
            for s in note
                .sigs
                .iter()
                .filter(|s| s.name == k.name && s.key_id == k.id)
            {
                if k.verify(msg, &s.sig) {
                    good = true;
                    if !c.anchor_keys.contains(&k.vkey()) {
                        c.anchor_keys.push(k.vkey());
                    }
                } else {
                    refused = true;
                    c.fail(
                        "anchor_signature_invalid",
                        None,
                        None,
                        format!(
                            "the {} signature of trusted key {:08x} does not verify: the checkpoint was altered or forged",
                            alg.name(),
                            k.id
                        ),
                    );
                }
            }
        }
        if !good {
            refused = true;
            let ids: Vec<String> = of_alg.iter().map(|k| format!("{:08x}", k.id)).collect();
            c.fail(
                "anchor_signature_missing",
                None,
                None,
                format!(
                    "the checkpoint carries no valid {} signature of a trusted key (trusted key id {}): it was signed by other keys, or the signature was stripped",
                    alg.name(),
                    ids.join(", ")
                ),
            );
        }
    }
    for k in own {
        if !anchors.contains(&k) {
            refused = true;
            c.fail(
                "key_not_trusted",
                None,
                None,
                format!(
                    "the bundle's {} key {:08x} (sha256:{}) is not among the trusted keys of {origin:?}",
                    k.alg().name(),
                    k.id,
                    k.fingerprint()
                ),
            );
        }
    }
    c.trust = if refused {
        Trust::Refused
    } else {
        Trust::Anchored
    };
}

/// The consistency section: the earlier checkpoint parses, is signed (Ed25519
/// and SM2) by the bundle's keys for the same origin and hash, is not larger,
/// and the proof leads from its root to the bundle checkpoint's root.
fn check_since(
    c: &mut BundleCheck,
    since: &BundleConsistency,
    cp: &SignedCheckpoint,
    keys: Option<&PublicKeys>,
) {
    let old = match std::str::from_utf8(&since.checkpoint)
        .map_err(|_| Error::new(ErrorKind::Corrupt, "checkpoint is not utf-8"))
        .and_then(SignedCheckpoint::parse)
    {
        Ok(o) => o,
        Err(e) => {
            c.fail(
                "since_malformed",
                None,
                None,
                format!("earlier checkpoint: {e}"),
            );
            return;
        }
    };
    c.since = Some(old.checkpoint.clone());
    let (o, n) = (&old.checkpoint, &cp.checkpoint);
    if let Some(k) = keys
        && (o.origin != n.origin || !matches!(old.check(k), SigCheck::Valid { sm2: true }))
    {
        c.fail(
            "since_signature_invalid",
            None,
            None,
            format!(
                "the earlier checkpoint (size {}) is not signed with ed25519 and sm2 by the bundle's keys",
                o.size
            ),
        );
        return;
    }
    if o.hash != n.hash
        || !merkle::verify_consistency(n.hash, o.size, &o.root, n.size, &n.root, &since.proof)
    {
        c.fail(
            "consistency_invalid",
            None,
            None,
            format!(
                "the consistency proof from size {} to size {} does not verify: the log was rewritten between the two checkpoints, or the proof was altered",
                o.size, n.size
            ),
        );
        return;
    }
    c.consistency_verified = true;
}

/// Check a bundle offline: decode it strictly; check that it is
/// self-consistent (the checkpoint's Ed25519 and SM2 signatures verify with
/// the keys the bundle carries, and every record's inclusion proof leads to
/// the checkpoint root); and check that the checkpoint is anchored: signed,
/// with both algorithms, by keys in `trusted` named as its origin
/// ([`Trust`]). Only [`BundleCheck::ok`] (self-consistent and anchored)
/// means the records are what the operator's vault stored; keys carried in
/// the bundle prove nothing by themselves, since whoever altered it could
/// have re-signed it. Returns an error only when the bytes are not a
/// well-formed bundle; everything else is a [`BundleFailure`].
pub fn check_bundle(bytes: &[u8], trusted: &TrustedKeys) -> Result<BundleCheck> {
    check_bundle_since(bytes, trusted, None)
}

/// [`check_bundle`], and when `held` is given (a checkpoint the recipient
/// already holds, e.g. from an earlier bundle), require the bundle to carry
/// the consistency proof from exactly that checkpoint to its own: two
/// bundles handed over months apart are then proven to come from one
/// append-only log.
pub fn check_bundle_since(
    bytes: &[u8],
    trusted: &TrustedKeys,
    held: Option<&Checkpoint>,
) -> Result<BundleCheck> {
    let b = Bundle::decode(bytes)?;
    let mut c = BundleCheck {
        hash: HashAlg::from_code(b.hash_code),
        checkpoint: None,
        keys: None,
        trust: Trust::NotAnchored,
        anchor_keys: Vec::new(),
        sm2_verified: false,
        since: None,
        consistency_verified: false,
        records: b.records.len() as u64,
        records_verified: 0,
        seqs: None,
        time: None,
        sources: Vec::new(),
        failures: Vec::new(),
        more_failures: 0,
    };
    if c.hash.is_none() {
        c.fail(
            "hash_unknown",
            None,
            None,
            format!("unknown hash code {}", b.hash_code),
        );
    }
    // keys
    let keys = std::str::from_utf8(&b.ed25519_key)
        .map_err(|_| Error::new(ErrorKind::Crypto, "ed25519 key is not utf-8"))
        .and_then(PublicKeys::from_verifier_key)
        .and_then(|k| {
            if b.sm2_key.is_empty() {
                Ok(k)
            } else {
                k.with_sm2_text(&hex(&b.sm2_key))
            }
        });
    let keys = match keys {
        Ok(k) => {
            let vks = k.verifier_keys();
            let ed = k.ed25519_bytes();
            let sm2 = vks.iter().find(|v| v.alg() == KeyAlg::Sm2);
            c.keys = Some(KeyInfo {
                ed25519_key: k.ed25519_verifier_key(),
                ed25519_id: format!("{:08x}", k.ed25519_id),
                ed25519_fingerprint: HashAlg::Sha256.digest(&[&ed]).hex(),
                sm2_key: sm2.map(VerifierKey::vkey),
                sm2_id: sm2.map(|v| format!("{:08x}", v.id)),
                sm2_fingerprint: sm2.map(VerifierKey::fingerprint),
            });
            if !k.has_sm2() {
                c.fail(
                    "sm2_key_missing",
                    None,
                    None,
                    "the bundle carries no sm2 key: a wangan vault signs every checkpoint with ed25519 and sm2 (was it stripped?)".into(),
                );
            }
            Some((k, vks))
        }
        Err(e) => {
            c.fail("key_malformed", None, None, format!("bundle keys: {e}"));
            None
        }
    };
    // checkpoint
    let cp = match std::str::from_utf8(&b.checkpoint)
        .map_err(|_| Error::new(ErrorKind::Corrupt, "checkpoint is not utf-8"))
        .and_then(SignedCheckpoint::parse)
    {
        Ok(cp) => Some(cp),
        Err(e) => {
            c.fail("checkpoint_malformed", None, None, e.to_string());
            None
        }
    };
    if let Some(cp) = &cp {
        c.checkpoint = Some(cp.checkpoint.clone());
        if Some(cp.checkpoint.hash) != c.hash {
            c.fail(
                "hash_mismatch",
                None,
                None,
                format!(
                    "bundle says hash code {} but the checkpoint says {}",
                    b.hash_code,
                    cp.checkpoint.hash.name()
                ),
            );
        }
        if let Some((k, _)) = &keys {
            if cp.checkpoint.origin != k.name {
                c.fail(
                    "checkpoint_unknown_key",
                    None,
                    None,
                    format!(
                        "checkpoint origin {:?} is not the key name {:?}",
                        cp.checkpoint.origin, k.name
                    ),
                );
            }
            match cp.check(k) {
                SigCheck::Valid { sm2 } => {
                    c.sm2_verified = sm2;
                    if k.has_sm2() && !sm2 {
                        c.fail(
                            "checkpoint_sm2_missing",
                            None,
                            None,
                            "the checkpoint has no sm2 signature line of the bundle's sm2 key (was it stripped?)"
                                .into(),
                        );
                    }
                }
                SigCheck::Invalid => c.fail(
                    "checkpoint_signature_invalid",
                    None,
                    None,
                    "checkpoint signature does not verify: the checkpoint was altered or forged"
                        .into(),
                ),
                SigCheck::UnknownKey => c.fail(
                    "checkpoint_unknown_key",
                    None,
                    None,
                    format!(
                        "checkpoint carries no signature of key {} ({:08x})",
                        k.name, k.ed25519_id
                    ),
                ),
            }
        }
        let own = keys.as_ref().map(|(_, v)| v.as_slice()).unwrap_or_default();
        anchor(&mut c, &cp.note, &cp.checkpoint.origin, own, trusted);
        if let Some(since) = &b.since {
            check_since(&mut c, since, cp, keys.as_ref().map(|(k, _)| k));
        }
    }
    match (held, &c.since) {
        (Some(h), None) => c.fail(
            "since_missing",
            None,
            None,
            format!(
                "the bundle carries no consistency proof from the checkpoint held (size {})",
                h.size
            ),
        ),
        (Some(h), Some(s)) if h.origin != s.origin || h.size != s.size || h.root != s.root => c
            .fail(
                "since_mismatch",
                None,
                None,
                format!(
                    "the bundle's consistency proof starts at size {} root {}, not at the checkpoint held (size {} root {})",
                    s.size,
                    s.root.b64(),
                    h.size,
                    h.root.b64()
                ),
            ),
        _ => {}
    }
    // records
    let mut sources: BTreeMap<String, u64> = BTreeMap::new();
    let mut prev: Option<u64> = None;
    for (i, r) in b.records.iter().enumerate() {
        let i = i as u64;
        let rec = match Record::from_canonical(&r.canonical) {
            Ok(x) => x,
            Err(e) => {
                c.fail(
                    "record_malformed",
                    Some(i),
                    None,
                    format!("record {i}: {e}"),
                );
                continue;
            }
        };
        let seq = rec.seq;
        *sources.entry(rec.source.clone()).or_default() += 1;
        c.seqs = Some(c.seqs.map_or((seq, seq), |(a, z)| (a.min(seq), z.max(seq))));
        let t = rec.received_ns;
        c.time = Some(c.time.map_or((t, t), |(a, z)| (a.min(t), z.max(t))));
        if prev.is_some_and(|p| seq <= p) {
            c.fail(
                "records_out_of_order",
                Some(i),
                Some(seq),
                format!(
                    "record {i} (seq {seq}) does not follow seq {}",
                    prev.unwrap_or(0)
                ),
            );
        }
        prev = Some(seq);
        let (Some(cp), Some(alg)) = (&cp, c.hash) else {
            continue;
        };
        let size = cp.checkpoint.size;
        if seq >= size {
            c.fail(
                "record_beyond_checkpoint",
                Some(i),
                Some(seq),
                format!("record {i} (seq {seq}) is beyond the checkpoint's {size} records"),
            );
            continue;
        }
        let leaf = alg.leaf(&r.canonical);
        if merkle::verify_inclusion(alg, &leaf, seq, size, &r.proof, &cp.checkpoint.root) {
            c.records_verified += 1;
        } else {
            c.fail(
                "proof_invalid",
                Some(i),
                Some(seq),
                format!(
                    "record {i} (seq {seq}): inclusion proof does not lead to the checkpoint root (record or proof altered)"
                ),
            );
        }
    }
    c.sources = sources.into_iter().collect();
    Ok(c)
}

/// What [`export`] wrote.
#[derive(Debug, Clone)]
pub struct ExportSummary {
    /// Records written.
    pub records: u64,
    /// Matching records left out because the latest checkpoint does not cover them yet.
    pub beyond_checkpoint: u64,
    /// The checkpoint the proofs are against.
    pub checkpoint: Checkpoint,
    /// The earlier checkpoint a consistency proof starts from, when asked for.
    pub since: Option<Checkpoint>,
    /// Bytes written.
    pub bytes: u64,
}

/// Subtree hashes for many proofs: level-8 tiles and higher from the
/// store's [`TreeReader`] (memoised), lower levels from the cached node
/// hashes of each 256-record tile (computed once per tile).
struct ProofSource<'a> {
    store: &'a Store,
    tr: TreeReader<'a>,
    /// Per tile: level j holds the hashes of its complete 2^j-leaf subtrees.
    tiles: HashMap<u64, Vec<Vec<Hash>>>,
    limit: u64,
}

impl SubtreeSource for ProofSource<'_> {
    fn perfect(&mut self, start: u64, k: u32) -> Result<Hash> {
        if k >= 8 {
            return self.tr.perfect(start, k);
        }
        let tile = start / TILE;
        if !self.tiles.contains_key(&tile) {
            if self.tiles.len() >= 64 {
                self.tiles.clear();
            }
            let alg = self.store.hash_alg();
            let lo = tile * TILE;
            let hi = (lo + TILE).min(self.limit);
            let mut levels = vec![self.store.leaf_hashes(lo..hi)?];
            while let Some(prev) = levels.last()
                && prev.len() >= 2
            {
                let next: Vec<Hash> = prev
                    .chunks_exact(2)
                    .map(|p| alg.node(&p[0], &p[1]))
                    .collect();
                levels.push(next);
            }
            self.tiles.insert(tile, levels);
        }
        let idx = ((start - tile * TILE) >> k) as usize;
        self.tiles[&tile]
            .get(k as usize)
            .and_then(|l| l.get(idx))
            .copied()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::OutOfRange,
                    format!("leaves {start}..+{} not available", 1u64 << k),
                )
            })
    }
}

/// Export the records matching `q` as a bundle written to `w`, each with
/// its inclusion proof against the store's latest signed checkpoint.
/// Refuses when the checkpoint's signature or root does not match the
/// store (run verify). `progress` is called with the records written so far.
pub fn export(
    store: &Store,
    q: &Query,
    w: &mut dyn Write,
    progress: Option<&dyn Fn(u64)>,
) -> Result<ExportSummary> {
    export_since(store, q, None, w, progress)
}

/// A consistency proof between two checkpoints of a store ([`prove_consistency`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsistencyProof {
    /// The earlier checkpoint.
    pub old: Checkpoint,
    /// The later checkpoint.
    pub new: Checkpoint,
    /// RFC 9162 consistency proof from `old.size` to `new.size`.
    pub proof: Vec<Hash>,
}

/// Prove that `new` extends `old`: both must be checkpoints of this store
/// (signed by its keys, Ed25519 and SM2, with its origin and hash), `old` no
/// larger than `new`, and the store's tree must have their roots at their
/// sizes. The proof is verified before it is returned.
pub fn prove_consistency(
    store: &Store,
    old: &SignedCheckpoint,
    new: &SignedCheckpoint,
) -> Result<ConsistencyProof> {
    let keys = store.public_keys();
    let alg = store.hash_alg();
    for (what, c) in [("earlier", old), ("later", new)] {
        if !matches!(c.check(keys), SigCheck::Valid { sm2: true })
            || c.checkpoint.origin != keys.name
        {
            return Err(Error::new(
                ErrorKind::Crypto,
                format!(
                    "the {what} checkpoint (size {}) is not signed by this vault's keys ({})",
                    c.checkpoint.size, keys.name
                ),
            ));
        }
        if c.checkpoint.hash != alg || c.checkpoint.size > store.size() {
            return Err(Error::new(
                ErrorKind::OutOfRange,
                format!(
                    "the {what} checkpoint ({} records, {}) is beyond this vault ({} records, {})",
                    c.checkpoint.size,
                    c.checkpoint.hash.name(),
                    store.size(),
                    alg.name()
                ),
            ));
        }
    }
    let (o, n) = (&old.checkpoint, &new.checkpoint);
    if o.size > n.size {
        return Err(Error::new(
            ErrorKind::OutOfRange,
            format!(
                "the earlier checkpoint has more records ({}) than the later one ({})",
                o.size, n.size
            ),
        ));
    }
    let mut src = ProofSource {
        store,
        tr: store.tree(),
        tiles: HashMap::new(),
        limit: n.size,
    };
    for c in [o, n] {
        if merkle::range_hash(alg, &mut src, 0, c.size)? != c.root {
            return Err(Error::new(
                ErrorKind::Corrupt,
                format!(
                    "the store's tree at size {} does not have the checkpoint's root: the log diverged from it",
                    c.size
                ),
            ));
        }
    }
    let proof = merkle::consistency_proof(alg, &mut src, o.size, n.size)?;
    if !merkle::verify_consistency(alg, o.size, &o.root, n.size, &n.root, &proof) {
        return Err(Error::new(
            ErrorKind::Corrupt,
            "the consistency proof computed from the store does not verify",
        ));
    }
    Ok(ConsistencyProof {
        old: o.clone(),
        new: n.clone(),
        proof,
    })
}

/// [`export`], with the consistency proof from `since` (an earlier checkpoint
/// of this store the recipient already holds) to the bundle's checkpoint.
pub fn export_since(
    store: &Store,
    q: &Query,
    since: Option<&SignedCheckpoint>,
    w: &mut dyn Write,
    progress: Option<&dyn Fn(u64)>,
) -> Result<ExportSummary> {
    export_inner(store, q, 0..u64::MAX, since, w, progress)
}

/// [`export`] of the matching records with seq in `seqs` only (one record, or a page of
/// search results).
pub fn export_seqs(
    store: &Store,
    q: &Query,
    seqs: std::ops::Range<u64>,
    w: &mut dyn Write,
    progress: Option<&dyn Fn(u64)>,
) -> Result<ExportSummary> {
    export_inner(store, q, seqs, None, w, progress)
}

fn export_inner(
    store: &Store,
    q: &Query,
    seqs: std::ops::Range<u64>,
    since: Option<&SignedCheckpoint>,
    w: &mut dyn Write,
    progress: Option<&dyn Fn(u64)>,
) -> Result<ExportSummary> {
    let alg = store.hash_alg();
    let keys = store.public_keys();
    let cp = store.latest_checkpoint()?.ok_or_else(|| {
        Error::new(
            ErrorKind::NotFound,
            "the store has no checkpoint to prove records against",
        )
    })?;
    if !matches!(cp.check(keys), SigCheck::Valid { .. }) {
        return Err(Error::new(
            ErrorKind::Crypto,
            "the latest checkpoint does not verify with the store's keys",
        ));
    }
    let size = cp.checkpoint.size;
    if cp.checkpoint.hash != alg || size > store.size() {
        return Err(Error::new(
            ErrorKind::Corrupt,
            format!(
                "the latest checkpoint ({} records, {}) does not fit the store ({} records, {})",
                size,
                cp.checkpoint.hash.name(),
                store.size(),
                alg.name()
            ),
        ));
    }
    let mut src = ProofSource {
        store,
        tr: store.tree(),
        tiles: HashMap::new(),
        limit: size,
    };
    let root = merkle::range_hash(alg, &mut src, 0, size)?;
    if root != cp.checkpoint.root {
        return Err(Error::new(
            ErrorKind::Corrupt,
            format!("the store's tree at size {size} does not match the latest checkpoint"),
        ));
    }
    let consistency = match since {
        Some(old) => {
            let p = prove_consistency(store, old, &cp)?;
            Some(BundleConsistency {
                checkpoint: old.to_string().into_bytes(),
                proof: p.proof,
            })
        }
        None => None,
    };
    let wio = |e: std::io::Error| Error::new(ErrorKind::Io, format!("write bundle: {e}"));
    let mut head = Bundle {
        hash_code: alg.code(),
        checkpoint: cp.to_string().into_bytes(),
        ed25519_key: keys.ed25519_verifier_key().into_bytes(),
        sm2_key: keys.sm2_sec1().unwrap_or_default(),
        since: consistency,
        records: Vec::new(),
    }
    .encode();
    // drop the empty end section: records are streamed after the header
    head.truncate(head.len() - 17);
    w.write_all(&head).map_err(wio)?;
    let mut bytes = head.len() as u64;
    let mut n = 0u64;
    let mut beyond = 0u64;
    let mut buf = Vec::new();
    let mut canonical = Vec::new();
    for r in crate::query::query_seqs(store, q, seqs) {
        let r = r?;
        let seq = r.record.seq;
        if seq >= size {
            beyond += 1;
            continue;
        }
        canonical.clear();
        r.record.canonical_into(&mut canonical);
        let proof = merkle::inclusion_proof(alg, &mut src, seq, size)?;
        if !merkle::verify_inclusion(alg, &alg.leaf(&canonical), seq, size, &proof, &root) {
            return Err(Error::new(
                ErrorKind::Corrupt,
                format!("record seq {seq} does not match the tree (proof fails)"),
            ));
        }
        buf.clear();
        put_record(&mut buf, &canonical, &proof);
        w.write_all(&buf).map_err(wio)?;
        bytes += buf.len() as u64;
        n += 1;
        if let Some(p) = progress
            && n.is_multiple_of(256)
        {
            p(n);
        }
    }
    buf.clear();
    buf.push(TAG_END);
    buf.extend_from_slice(&n.to_be_bytes());
    buf.extend_from_slice(END_MAGIC);
    w.write_all(&buf).map_err(wio)?;
    w.flush().map_err(wio)?;
    if let Some(p) = progress {
        p(n);
    }
    Ok(ExportSummary {
        records: n,
        beyond_checkpoint: beyond,
        checkpoint: cp.checkpoint,
        since: since.map(|s| s.checkpoint.clone()),
        bytes: bytes + buf.len() as u64,
    })
}
