//! Helpers to simulate an attacker who holds the signing key (tests only).

use std::path::Path;

use crate::block::BlockBuilder;
use crate::keys::Signer;
use crate::record::Record;
use crate::segment::{self, BlockEntry, SegmentFile};
use crate::{Error, ErrorKind, Result};

/// Rewrite the segment `name` of the vault in `dir` with its records
/// passed through `edit` (which may change, drop, insert or reorder them;
/// seqs are written as given). Blocks are re-encoded with valid CRCs, the
/// footer keeps its tree state and tiles and is re-signed with the vault's
/// own key: only the Merkle tree and checkpoints can catch this.
pub fn rewrite_segment(dir: &Path, name: &str, edit: impl FnOnce(&mut Vec<Record>)) -> Result<()> {
    let store = crate::Store::open(dir)?;
    let meta = store
        .segments()
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| Error::new(ErrorKind::NotFound, format!("no segment {name}")))?;
    let seg = SegmentFile::open(&meta.file.path)?;
    let mut recs: Vec<Record> = store
        .records(seg.footer.first_seq..seg.footer.end())
        .map(|r| r.map(|r| r.record))
        .collect::<Result<_>>()?;
    edit(&mut recs);
    let signer = Signer::load(&store.layout().keys(), &store.config().origin)?;
    let mut zc =
        crate::tuning::block_compressor().map_err(|e| Error::new(ErrorKind::Io, e.to_string()))?;
    let mut out = Vec::new();
    seg.header.encode(&mut out);
    let mut dirs = Vec::new();
    let per = (recs.len() / seg.footer.blocks.len().max(1)).max(1);
    for chunk in recs.chunks(per) {
        let first = chunk.first().map(|r| r.seq).unwrap_or(0);
        let mut b = BlockBuilder::new(first);
        for r in chunk {
            let inc = r.incoming();
            let p = crate::parse::parse_record(&r.raw, r.received_at());
            b.push_seq(r.seq, &inc, &p);
        }
        let start = out.len();
        let h = b
            .finish(&mut zc, &mut out)
            .map_err(|e| Error::new(ErrorKind::Io, e.to_string()))?;
        dirs.push(BlockEntry::of(&h, start as u64, (out.len() - start) as u32));
    }
    let mut footer = seg.footer.clone();
    footer.blocks = dirs;
    segment::encode_footer(
        &mut footer,
        seg.header.hash,
        |b| signer.sign_ed25519(b),
        &mut out,
    );
    crate::fsx::chmod(&seg.path, 0o644)?;
    std::fs::write(&seg.path, &out).map_err(|e| Error::io("write", &seg.path, e))?;
    Ok(())
}

/// Forge a bundle as an outsider who does not hold the vault's keys would:
/// decode `bundle`, pass its records through `edit` (e.g. change a raw
/// line; seqs must stay `0..n`, so export every record), rebuild the Merkle
/// tree over them, and sign a new checkpoint with fresh Ed25519 and SM2 keys
/// under the same key name (the checkpoint's origin). Returns the forged
/// bundle and the attacker's keys. The result is self-consistent; only a
/// trust anchor refuses it.
pub fn forge_bundle(
    bundle: &[u8],
    edit: impl FnOnce(&mut Vec<Record>),
) -> Result<(Vec<u8>, crate::keys::PublicKeys)> {
    let b = crate::Bundle::decode(bundle)?;
    let text = String::from_utf8(b.checkpoint.clone())
        .map_err(|_| Error::new(ErrorKind::Corrupt, "checkpoint is not utf-8"))?;
    let cp = crate::SignedCheckpoint::parse(&text)?;
    let alg = cp.checkpoint.hash;
    let mut recs: Vec<Record> = b
        .records
        .iter()
        .map(|r| Record::from_canonical(&r.canonical))
        .collect::<Result<_>>()?;
    edit(&mut recs);
    let mut canon = Vec::with_capacity(recs.len());
    for r in &recs {
        let mut c = Vec::new();
        r.canonical_into(&mut c);
        canon.push(c);
    }
    let leaves: Vec<crate::Hash> = canon.iter().map(|c| alg.leaf(c)).collect();
    let n = leaves.len() as u64;
    let mut src = crate::merkle::MemLeaves {
        alg,
        leaves: &leaves,
    };
    let root = crate::merkle::mth(alg, &leaves);
    let mut records = Vec::with_capacity(recs.len());
    for (i, c) in canon.into_iter().enumerate() {
        let proof = crate::merkle::inclusion_proof(alg, &mut src, i as u64, n)?;
        records.push(crate::bundle::BundleRecord {
            canonical: c,
            proof,
        });
    }
    let attacker = Signer::generate(&cp.checkpoint.origin)?;
    let forged_cp = crate::Checkpoint {
        size: n,
        root,
        ..cp.checkpoint
    };
    let signed = crate::SignedCheckpoint::sign(forged_cp, &attacker)?;
    let keys = attacker.public().clone();
    let out = crate::Bundle {
        hash_code: b.hash_code,
        checkpoint: signed.to_string().into_bytes(),
        ed25519_key: keys.ed25519_verifier_key().into_bytes(),
        sm2_key: keys.sm2_sec1().unwrap_or_default(),
        since: None,
        records,
    };
    Ok((out.encode(), keys))
}

/// Strip the SM2 signature line from a bundle's checkpoint and the SM2 key
/// from the bundle, leaving the Ed25519 signature (valid) and the records.
pub fn strip_sm2(bundle: &[u8]) -> Result<Vec<u8>> {
    let mut b = crate::Bundle::decode(bundle)?;
    let text = String::from_utf8(b.checkpoint.clone())
        .map_err(|_| Error::new(ErrorKind::Corrupt, "checkpoint is not utf-8"))?;
    let mut note = crate::note::Note::parse(&text)?;
    let keys = crate::keys::PublicKeys::from_verifier_key(
        std::str::from_utf8(&b.ed25519_key)
            .map_err(|_| Error::new(ErrorKind::Corrupt, "key is not utf-8"))?,
    )?;
    note.sigs.retain(|s| s.key_id == keys.ed25519_id);
    b.checkpoint = note.to_string().into_bytes();
    b.sm2_key.clear();
    Ok(b.encode())
}
