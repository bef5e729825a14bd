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
//! per record:
//!   'R' ‖ u32 n ‖ n bytes         canonical record v1 (what the leaf hash covers)
//!       ‖ u8 k ‖ k × hash         RFC 9162 inclusion proof (audit path, bottom up), k ≤ 64
//! 'E' ‖ u64 count ‖ "WANGBEND"    end: number of records, end magic, then end of file
//! ```

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use crate::keys::PublicKeys;
use crate::merkle::{self, SubtreeSource};
use crate::note::{Checkpoint, SigCheck, SignedCheckpoint};
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
        loop {
            let at = r.pos;
            match r.u8("record tag")? {
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
                        records,
                    });
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
        for r in &self.records {
            put_record(&mut out, &r.canonical, &r.proof);
        }
        out.push(TAG_END);
        out.extend_from_slice(&(self.records.len() as u64).to_be_bytes());
        out.extend_from_slice(END_MAGIC);
        out
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

/// Trusted public keys to check a bundle against (obtained out of band,
/// e.g. the auditor's copy of `keys/ed25519.pub`).
#[derive(Debug, Clone, Default)]
pub struct Trusted {
    /// Keys the bundle's keys must equal. `None`: the bundle's own keys are
    /// used and [`BundleCheck::key_trusted`] is false.
    pub keys: Option<PublicKeys>,
}

/// One reason a bundle does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFailure {
    /// Stable snake_case id: `hash_unknown`, `hash_mismatch`, `key_malformed`,
    /// `key_not_trusted`, `checkpoint_malformed`, `checkpoint_signature_invalid`,
    /// `checkpoint_unknown_key`, `checkpoint_sm2_invalid`, `record_malformed`,
    /// `record_beyond_checkpoint`, `records_out_of_order`, `proof_invalid`.
    pub kind: &'static str,
    /// Index of the record in the bundle (from 0), when about one record.
    pub record: Option<u64>,
    /// Seq of that record, when it could be read.
    pub seq: Option<u64>,
    /// What failed (English, lowercase).
    pub message: String,
}

/// Key fingerprints shown to the recipient for comparison out of band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// The Ed25519 note verifier key as found.
    pub ed25519_key: String,
    /// Ed25519 key id (hex, 8 digits).
    pub ed25519_id: String,
    /// SHA-256 of the 32-byte Ed25519 public key, hex.
    pub ed25519_fingerprint: String,
    /// SM2 key id (hex), when an SM2 key is present.
    pub sm2_id: Option<String>,
    /// SHA-256 of the SEC1 SM2 public key, hex.
    pub sm2_fingerprint: Option<String>,
}

/// Result of [`check_bundle`].
#[derive(Debug, Clone)]
pub struct BundleCheck {
    /// Tree hash, when known.
    pub hash: Option<HashAlg>,
    /// The checkpoint content, when it parsed.
    pub checkpoint: Option<Checkpoint>,
    /// Keys, when they parsed.
    pub keys: Option<KeyInfo>,
    /// Whether the keys were compared with (and equal) trusted keys.
    pub key_trusted: bool,
    /// Whether the SM2 signature line was present and verified.
    pub sm2_verified: bool,
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
    /// Every signature and every proof holds.
    pub fn ok(&self) -> bool {
        self.failures.is_empty() && self.more_failures == 0
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

/// Check a bundle offline: decode it strictly, check the checkpoint's
/// signatures (Ed25519 and, when an SM2 key is included, SM2) with the
/// bundle's keys — which must equal `trusted` keys when given — and every
/// record's inclusion proof against the checkpoint root. Returns an error
/// only when the bytes are not a well-formed bundle; everything else is a
/// [`BundleFailure`].
pub fn check_bundle(bytes: &[u8], trusted: &Trusted) -> Result<BundleCheck> {
    let b = Bundle::decode(bytes)?;
    let mut c = BundleCheck {
        hash: HashAlg::from_code(b.hash_code),
        checkpoint: None,
        keys: None,
        key_trusted: false,
        sm2_verified: false,
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
            let ed = k.ed25519_bytes();
            c.keys = Some(KeyInfo {
                ed25519_key: k.ed25519_verifier_key(),
                ed25519_id: format!("{:08x}", k.ed25519_id),
                ed25519_fingerprint: HashAlg::Sha256.digest(&[&ed]).hex(),
                sm2_id: k.has_sm2().then(|| format!("{:08x}", k.sm2_id)),
                sm2_fingerprint: k
                    .has_sm2()
                    .then(|| HashAlg::Sha256.digest(&[&b.sm2_key]).hex()),
            });
            Some(k)
        }
        Err(e) => {
            c.fail("key_malformed", None, None, format!("bundle keys: {e}"));
            None
        }
    };
    if let (Some(t), Some(k)) = (&trusted.keys, &keys) {
        let ed_same = t.ed25519_verifier_key() == k.ed25519_verifier_key();
        let sm2_same = !t.has_sm2() || t.sm2_hex() == k.sm2_hex();
        if ed_same && sm2_same {
            c.key_trusted = true;
        } else {
            c.fail(
                "key_not_trusted",
                None,
                None,
                format!(
                    "the bundle is signed by key {} ({:08x}) but the trusted key is {} ({:08x}){}",
                    k.name,
                    k.ed25519_id,
                    t.name,
                    t.ed25519_id,
                    if ed_same { ": sm2 keys differ" } else { "" }
                ),
            );
        }
    }
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
        if let Some(k) = &keys {
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
                            "checkpoint_sm2_invalid",
                            None,
                            None,
                            "the checkpoint has no valid sm2 signature for the bundle's sm2 key"
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
    export_seqs(store, q, 0..u64::MAX, w, progress)
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
            "the latest checkpoint does not verify with the store's keys; run `wangan vault verify`",
        ));
    }
    let size = cp.checkpoint.size;
    if cp.checkpoint.hash != alg || size > store.size() {
        return Err(Error::new(
            ErrorKind::Corrupt,
            format!(
                "the latest checkpoint ({} records, {}) does not fit the store ({} records, {}); run `wangan vault verify`",
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
            format!(
                "the store's tree at size {size} does not match the latest checkpoint; run `wangan vault verify`"
            ),
        ));
    }
    let wio = |e: std::io::Error| Error::new(ErrorKind::Io, format!("write bundle: {e}"));
    let mut head = Bundle {
        hash_code: alg.code(),
        checkpoint: cp.to_string().into_bytes(),
        ed25519_key: keys.ed25519_verifier_key().into_bytes(),
        sm2_key: keys.sm2_sec1().unwrap_or_default(),
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
                format!(
                    "record seq {seq} does not match the tree (proof fails); run `wangan vault verify`"
                ),
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
        bytes: bytes + buf.len() as u64,
    })
}
