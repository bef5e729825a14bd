//! Decoders of the on-disk formats over byte slices, for tools, fuzzing
//! and third parties that read a store without opening it: whole segment
//! files and single blocks. They check what the store's readers check
//! (magics, versions, lengths, CRCs) and never panic, whatever the bytes.

use crate::block::{BlockData, BlockHeader};
use crate::segment::{SegmentFooter, SegmentHeader};
use crate::{Error, ErrorKind, Result};

fn corrupt(what: &str, offset: usize, why: &str) -> Error {
    Error::new(
        ErrorKind::Corrupt,
        format!("{what} at offset {offset}: {why}"),
    )
}

/// Decode a whole segment file: header, trailer and footer (as
/// [`crate::segment::SegmentFile::open`] does), and check that every block of
/// the directory lies between header and footer.
pub fn segment(b: &[u8]) -> Result<(SegmentHeader, SegmentFooter)> {
    let len = b.len();
    if len < 24 {
        return Err(corrupt("segment", 0, "file too short"));
    }
    let (header, header_len) =
        SegmentHeader::decode(&b[..len.min(4096)]).map_err(|e| corrupt("segment", 0, e))?;
    let trailer = &b[len - 16..];
    if &trailer[8..] != b"WANGEND1" {
        return Err(corrupt(
            "segment",
            len - 8,
            "no end marker (incomplete or truncated segment)",
        ));
    }
    let flen = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]) as usize;
    let fcrc = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
    if flen.saturating_add(16).saturating_add(header_len) > len {
        return Err(corrupt("segment", len - 16, "footer length out of range"));
    }
    let foff = len - 16 - flen;
    let fb = &b[foff..len - 16];
    if crc32c::crc32c(fb) != fcrc {
        return Err(corrupt("segment", foff, "footer crc mismatch"));
    }
    let footer = SegmentFooter::decode(fb).map_err(|e| corrupt("segment", foff, e))?;
    for (i, e) in footer.blocks.iter().enumerate() {
        let end = e.offset.checked_add(u64::from(e.len));
        if e.offset < header_len as u64 || end.is_none_or(|x| x > foff as u64) {
            return Err(corrupt(
                "segment",
                foff,
                &format!("block {i} outside the data area"),
            ));
        }
    }
    Ok((header, footer))
}

/// Decode a block header (checking its CRC); returns it and its length.
pub fn block_header(b: &[u8]) -> Result<(BlockHeader, usize)> {
    BlockHeader::decode(b).map_err(|e| corrupt("block", 0, e))
}

/// Decode a whole block: header, CRC of the compressed bytes, and the
/// decompressed data (iterate it with [`BlockData::records`]).
pub fn block(b: &[u8]) -> Result<(BlockHeader, BlockData)> {
    let (h, n) = block_header(b)?;
    let comp = &b[n..];
    if comp.len() != h.comp_len as usize {
        return Err(corrupt("block", n, "compressed length mismatch"));
    }
    if crc32c::crc32c(comp) != h.comp_crc {
        return Err(corrupt("block", n, "crc32c mismatch"));
    }
    let d = BlockData::decode(&h, comp).map_err(|e| corrupt("block", n, e))?;
    Ok((h, d))
}

/// Decode the compressed data of a block given only what the data decoder
/// needs from its header (first seq, record count, decompressed length).
pub fn block_data(first_seq: u64, count: u32, raw_len: u32, comp: &[u8]) -> Result<BlockData> {
    let h = BlockHeader {
        first_seq,
        count,
        raw_len,
        comp_len: comp.len() as u32,
        min_recv: 0,
        max_recv: 0,
        min_event: crate::block::NO_TIME_MIN,
        max_event: crate::block::NO_TIME_MAX,
        severities: 0,
        sources: Vec::new(),
        hosts: None,
        apps: None,
        filter: crate::tokens::BloomFilter {
            k: 0,
            words: Vec::new(),
        },
        comp_crc: crc32c::crc32c(comp),
    };
    BlockData::decode(&h, comp).map_err(|e| corrupt("block data", 0, e))
}

/// Read only the time column (source and receive time of every record) of a
/// block's compressed data, given what that reader needs from its header
/// (record count, decompressed length); see [`crate::block::receive_times`].
pub fn block_times(
    first_seq: u64,
    count: u32,
    raw_len: u32,
    comp: &[u8],
) -> Result<crate::block::BlockTimes> {
    let h = BlockHeader {
        first_seq,
        count,
        raw_len,
        comp_len: comp.len() as u32,
        min_recv: 0,
        max_recv: 0,
        min_event: crate::block::NO_TIME_MIN,
        max_event: crate::block::NO_TIME_MAX,
        severities: 0,
        sources: Vec::new(),
        hosts: None,
        apps: None,
        filter: crate::tokens::BloomFilter {
            k: 0,
            words: Vec::new(),
        },
        comp_crc: crc32c::crc32c(comp),
    };
    crate::block::receive_times(&h, comp).map_err(|e| corrupt("block data", 0, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_segment_decodes_and_its_blocks_too() -> Result<()> {
        let tmp = std::env::temp_dir().join(format!("vault-decode-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let mut v = crate::Vault::init(&tmp, &crate::InitOptions::default())?;
        for i in 0..100 {
            v.append(&crate::Incoming {
                received_ns: i,
                source: "s",
                peer: "-",
                transport: "file",
                raw: format!("line {i}").as_bytes(),
            })?;
        }
        let name = v
            .seal()?
            .ok_or_else(|| Error::new(ErrorKind::Io, "no segment"))?;
        let bytes =
            std::fs::read(tmp.join("seg").join(&name)).map_err(|e| Error::io("read", &tmp, e))?;
        let (h, f) = segment(&bytes)?;
        assert_eq!((h.first_seq, f.count), (0, 100));
        let e = f.blocks[0];
        let (bh, d) = block(&bytes[e.offset as usize..(e.offset + u64::from(e.len)) as usize])?;
        assert_eq!(bh.count, 100);
        assert_eq!(d.records().count(), 100);
        // every truncation is an error, never a panic
        for n in 0..bytes.len() {
            assert!(segment(&bytes[..n]).is_err());
        }
        std::fs::remove_dir_all(&tmp).ok();
        Ok(())
    }
}
