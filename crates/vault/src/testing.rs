//! Helpers to simulate an attacker who holds the signing key (tests only).

use std::path::Path;

use crate::block::BlockBuilder;
use crate::keys::Signer;
use crate::record::{Incoming, Record};
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
    let mut zc = zstd::bulk::Compressor::new(crate::store::ZSTD_LEVEL)
        .map_err(|e| Error::new(ErrorKind::Io, e.to_string()))?;
    let mut out = Vec::new();
    seg.header.encode(&mut out);
    let mut dirs = Vec::new();
    let per = (recs.len() / seg.footer.blocks.len().max(1)).max(1);
    for chunk in recs.chunks(per) {
        let first = chunk.first().map(|r| r.seq).unwrap_or(0);
        let mut b = BlockBuilder::new(first);
        for r in chunk {
            let inc = Incoming {
                received_ns: r.received_ns,
                source: &r.source,
                peer: &r.peer,
                transport: &r.transport,
                raw: &r.raw,
            };
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
