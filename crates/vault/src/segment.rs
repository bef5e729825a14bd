//! Sealed segment files: `seg/<first:020>-<last:020>.seg`, mode 0400.
//!
//! ```text
//! header  "WANGSEG1" ‖ version u16 ‖ hash u8 ‖ u16 len ‖ origin ‖ first_seq u64
//!         ‖ prev segment footer hash [32] ‖ created ns i64 ‖ crc32c u32
//! blocks  (block header ‖ zstd frame) × n        — see [`crate::block`]
//! footer  "WANGFTR1" ‖ first_seq u64 ‖ count u64 ‖ min/max receive, min/max event i64
//!         ‖ sources ‖ block directory ‖ tree size u64 ‖ root [32]
//!         ‖ compact range (u8 n ‖ n × [32]) ‖ level-8 tiles (first index u64 ‖ u32 n ‖ n × [32])
//!         ‖ Ed25519 signature [64] over all preceding footer bytes
//! trailer footer length u32 ‖ crc32c(footer) u32 ‖ "WANGEND1"
//! ```
//! All integers little-endian. The footer hash (tree hash of the footer bytes
//! including the signature) is the `prev` of the next segment's header.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::block::{BlockData, BlockHeader};
use crate::codec::{Cursor, DecodeErr, put_bytes, put_str16, put_varint};
use crate::error::IoCtx;
use crate::keys::PublicKeys;
use crate::merkle::CompactRange;
use crate::{Error, Hash, HashAlg, Result};

const SEG_MAGIC: &[u8; 8] = b"WANGSEG1";
const FTR_MAGIC: &[u8; 8] = b"WANGFTR1";
const END_MAGIC: &[u8; 8] = b"WANGEND1";
const SEG_VERSION: u16 = 1;
/// Records per level-8 tile.
pub const TILE: u64 = 256;

/// Segment header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentHeader {
    /// Tree hash.
    pub hash: HashAlg,
    /// Log origin.
    pub origin: String,
    /// First seq.
    pub first_seq: u64,
    /// Footer hash of the previous segment (zeros for the first segment).
    pub prev_footer_hash: Hash,
    /// When the segment was sealed (ns).
    pub created_ns: i64,
}

impl SegmentHeader {
    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(SEG_MAGIC);
        out.extend_from_slice(&SEG_VERSION.to_le_bytes());
        out.push(self.hash.code());
        put_str16(out, &self.origin);
        out.extend_from_slice(&self.first_seq.to_le_bytes());
        out.extend_from_slice(&self.prev_footer_hash.0);
        out.extend_from_slice(&self.created_ns.to_le_bytes());
        let crc = crc32c::crc32c(&out[start..]);
        out.extend_from_slice(&crc.to_le_bytes());
    }

    pub(crate) fn decode(b: &[u8]) -> Result<(SegmentHeader, usize), DecodeErr> {
        let mut c = Cursor::new(b);
        if c.take(8)? != SEG_MAGIC {
            return Err("bad segment magic");
        }
        if c.u16()? != SEG_VERSION {
            return Err("unsupported segment version");
        }
        let hash = HashAlg::from_code(c.u8()?).ok_or("unknown hash algorithm")?;
        let n = c.u16()? as usize;
        let origin = std::str::from_utf8(c.take(n)?)
            .map_err(|_| "origin not utf-8")?
            .to_owned();
        let first_seq = c.u64()?;
        let prev_footer_hash = c.hash()?;
        let created_ns = c.i64()?;
        let end = c.pos;
        let crc = c.u32()?;
        if crc32c::crc32c(&b[..end]) != crc {
            return Err("segment header crc mismatch");
        }
        Ok((
            SegmentHeader {
                hash,
                origin,
                first_seq,
                prev_footer_hash,
                created_ns,
            },
            c.pos,
        ))
    }
}

/// One entry of a segment's block directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockEntry {
    /// Byte offset of the block header in the file.
    pub offset: u64,
    /// Length of block header plus compressed data.
    pub len: u32,
    /// First seq.
    pub first_seq: u64,
    /// Number of records.
    pub count: u32,
    /// Earliest receive time (ns).
    pub min_recv: i64,
    /// Latest receive time (ns).
    pub max_recv: i64,
    /// Earliest record time (ns): event time, or receive time for a record
    /// without one; [`crate::block::NO_TIME_MIN`] when empty.
    pub min_event: i64,
    /// Latest record time (ns), as `min_event`; [`crate::block::NO_TIME_MAX`] when empty.
    pub max_event: i64,
}

impl BlockEntry {
    /// The directory entry of the block with header `h`, written at `offset` in `len` bytes.
    pub(crate) fn of(h: &BlockHeader, offset: u64, len: u32) -> BlockEntry {
        BlockEntry {
            offset,
            len,
            first_seq: h.first_seq,
            count: h.count,
            min_recv: h.min_recv,
            max_recv: h.max_recv,
            min_event: h.min_event,
            max_event: h.max_event,
        }
    }

    /// Earliest of receive and event time.
    pub fn oldest(&self) -> i64 {
        self.min_recv.min(self.min_event)
    }

    /// Latest of receive and event time.
    pub fn newest(&self) -> i64 {
        self.max_recv.max(self.max_event)
    }
}

/// Segment footer: what the segment holds and the tree state after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentFooter {
    /// First seq.
    pub first_seq: u64,
    /// Number of records.
    pub count: u64,
    /// Earliest receive time (ns).
    pub min_recv: i64,
    /// Latest receive time (ns).
    pub max_recv: i64,
    /// Earliest record time (event time, else receive time) or [`crate::block::NO_TIME_MIN`].
    pub min_event: i64,
    /// Latest record time (event time, else receive time) or [`crate::block::NO_TIME_MAX`].
    pub max_event: i64,
    /// Distinct sources.
    pub sources: Vec<String>,
    /// Block directory.
    pub blocks: Vec<BlockEntry>,
    /// Tree size after this segment (= first_seq + count).
    pub tree_size: u64,
    /// Tree root after this segment.
    pub root: Hash,
    /// Compact range (perfect subtree roots) after this segment.
    pub compact: Vec<Hash>,
    /// Index of the first level-8 tile completed in this segment.
    pub first_tile: u64,
    /// Hashes of the level-8 tiles (256 leaves each) completed in this segment.
    pub tiles: Vec<Hash>,
    /// Ed25519 signature over the footer bytes before it.
    pub signature: Vec<u8>,
}

impl SegmentFooter {
    /// Newest time (max of receive and event time).
    pub fn newest(&self) -> i64 {
        self.max_recv.max(self.max_event)
    }

    /// Seq after the last record.
    pub fn end(&self) -> u64 {
        self.first_seq + self.count
    }

    /// The compact range after this segment.
    pub fn compact_range(&self) -> Option<CompactRange> {
        CompactRange::from_parts(self.tree_size, self.compact.clone())
    }

    pub(crate) fn encode_unsigned(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(FTR_MAGIC);
        out.extend_from_slice(&self.first_seq.to_le_bytes());
        out.extend_from_slice(&self.count.to_le_bytes());
        for t in [self.min_recv, self.max_recv, self.min_event, self.max_event] {
            out.extend_from_slice(&t.to_le_bytes());
        }
        put_varint(out, self.sources.len() as u64);
        for s in &self.sources {
            put_bytes(out, s.as_bytes());
        }
        out.extend_from_slice(&(self.blocks.len() as u32).to_le_bytes());
        for b in &self.blocks {
            out.extend_from_slice(&b.offset.to_le_bytes());
            out.extend_from_slice(&b.len.to_le_bytes());
            out.extend_from_slice(&b.first_seq.to_le_bytes());
            out.extend_from_slice(&b.count.to_le_bytes());
            for t in [b.min_recv, b.max_recv, b.min_event, b.max_event] {
                out.extend_from_slice(&t.to_le_bytes());
            }
        }
        out.extend_from_slice(&self.tree_size.to_le_bytes());
        out.extend_from_slice(&self.root.0);
        out.push(self.compact.len() as u8);
        for h in &self.compact {
            out.extend_from_slice(&h.0);
        }
        out.extend_from_slice(&self.first_tile.to_le_bytes());
        out.extend_from_slice(&(self.tiles.len() as u32).to_le_bytes());
        for h in &self.tiles {
            out.extend_from_slice(&h.0);
        }
    }

    pub(crate) fn decode(b: &[u8]) -> Result<SegmentFooter, DecodeErr> {
        let mut c = Cursor::new(b);
        if c.take(8)? != FTR_MAGIC {
            return Err("bad footer magic");
        }
        let first_seq = c.u64()?;
        let count = c.u64()?;
        let (min_recv, max_recv, min_event, max_event) = (c.i64()?, c.i64()?, c.i64()?, c.i64()?);
        let n = c.varint()?;
        if n > c.remaining() as u64 {
            return Err("source list too long");
        }
        let mut sources = Vec::new();
        for _ in 0..n {
            sources.push(c.str()?.to_owned());
        }
        let n = c.u32()? as usize;
        if n > c.remaining() / 56 {
            return Err("block directory too long");
        }
        let mut blocks = Vec::with_capacity(n);
        for _ in 0..n {
            blocks.push(BlockEntry {
                offset: c.u64()?,
                len: c.u32()?,
                first_seq: c.u64()?,
                count: c.u32()?,
                min_recv: c.i64()?,
                max_recv: c.i64()?,
                min_event: c.i64()?,
                max_event: c.i64()?,
            });
        }
        let tree_size = c.u64()?;
        let root = c.hash()?;
        let n = c.u8()? as usize;
        let mut compact = Vec::with_capacity(n);
        for _ in 0..n {
            compact.push(c.hash()?);
        }
        let first_tile = c.u64()?;
        let n = c.u32()? as usize;
        if n > c.remaining() / 32 {
            return Err("tile list too long");
        }
        let mut tiles = Vec::with_capacity(n);
        for _ in 0..n {
            tiles.push(c.hash()?);
        }
        let signature = c.take(64)?.to_vec();
        if c.remaining() != 0 {
            return Err("trailing bytes in footer");
        }
        Ok(SegmentFooter {
            first_seq,
            count,
            min_recv,
            max_recv,
            min_event,
            max_event,
            sources,
            blocks,
            tree_size,
            root,
            compact,
            first_tile,
            tiles,
            signature,
        })
    }
}

/// File name of a segment holding seqs `first..=last`.
pub fn segment_name(first: u64, last: u64) -> String {
    format!("{first:020}-{last:020}.seg")
}

/// Parse a segment file name into (first, last).
pub fn parse_segment_name(name: &str) -> Option<(u64, u64)> {
    let stem = name.strip_suffix(".seg")?;
    let (a, b) = stem.split_once('-')?;
    if a.len() != 20 || b.len() != 20 {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Encode the footer + trailer (signing with `sign`) and return the footer hash.
pub(crate) fn encode_footer(
    footer: &mut SegmentFooter,
    alg: HashAlg,
    sign: impl FnOnce(&[u8]) -> [u8; 64],
    out: &mut Vec<u8>,
) -> Hash {
    let start = out.len();
    footer.encode_unsigned(out);
    let sig = sign(&out[start..]);
    footer.signature = sig.to_vec();
    out.extend_from_slice(&sig);
    let fbytes = &out[start..];
    let h = alg.digest(&[fbytes]);
    let len = fbytes.len() as u32;
    let crc = crc32c::crc32c(fbytes);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(END_MAGIC);
    h
}

/// An open, sealed segment file.
#[derive(Debug)]
pub struct SegmentFile {
    /// Path of the file.
    pub path: PathBuf,
    /// Header.
    pub header: SegmentHeader,
    /// Footer.
    pub footer: SegmentFooter,
    /// Tree hash of the footer bytes (chained into the next segment).
    pub footer_hash: Hash,
    /// File length.
    pub len: u64,
    footer_unsigned_len: usize,
    footer_bytes: Vec<u8>,
    header_len: u64,
}

impl SegmentFile {
    /// Open a segment: read and check header, trailer and footer (structure and CRCs).
    pub fn open(path: &Path) -> Result<SegmentFile> {
        let mut file = File::open(path).ctx("open segment", path)?;
        let len = file.metadata().ctx("stat segment", path)?.len();
        let corrupt = |off: u64, why: &str| Error::corrupt(path, off, format!("segment: {why}"));
        if len < 24 {
            return Err(corrupt(0, "file too short"));
        }
        let mut head = vec![0u8; 4096.min(len as usize)];
        file.read_exact(&mut head).ctx("read segment", path)?;
        let (header, header_len) = SegmentHeader::decode(&head).map_err(|e| corrupt(0, e))?;
        let mut trailer = [0u8; 16];
        file.seek(SeekFrom::Start(len - 16))
            .ctx("seek segment", path)?;
        file.read_exact(&mut trailer).ctx("read segment", path)?;
        if &trailer[8..] != END_MAGIC {
            return Err(corrupt(
                len - 8,
                "no end marker (incomplete or truncated segment)",
            ));
        }
        let flen = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]) as u64;
        let fcrc = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
        if flen + 16 + header_len as u64 > len {
            return Err(corrupt(len - 16, "footer length out of range"));
        }
        let foff = len - 16 - flen;
        let mut fb = vec![0u8; flen as usize];
        file.seek(SeekFrom::Start(foff)).ctx("seek segment", path)?;
        file.read_exact(&mut fb).ctx("read segment", path)?;
        if crc32c::crc32c(&fb) != fcrc {
            return Err(corrupt(foff, "footer crc mismatch"));
        }
        let footer = SegmentFooter::decode(&fb).map_err(|e| corrupt(foff, e))?;
        let footer_hash = header.hash.digest(&[&fb]);
        Ok(SegmentFile {
            path: path.to_path_buf(),
            footer_unsigned_len: fb.len() - 64,
            footer_bytes: fb,
            header_len: header_len as u64,
            header,
            footer,
            footer_hash,
            len,
        })
    }

    /// Whether the footer signature verifies with `keys`.
    pub fn signature_ok(&self, keys: &PublicKeys) -> bool {
        keys.verify_ed25519(
            &self.footer_bytes[..self.footer_unsigned_len],
            &self.footer.signature,
        )
    }

    /// Byte range where blocks may live (after the header, before the footer).
    pub fn data_range(&self) -> (u64, u64) {
        (
            self.header_len,
            self.len - 16 - self.footer_bytes.len() as u64,
        )
    }

    /// Read block `i` (header + compressed bytes) without decompressing.
    pub fn read_block_bytes(&self, i: usize) -> Result<Vec<u8>> {
        let e = self.footer.blocks.get(i).ok_or_else(|| {
            Error::new(
                crate::ErrorKind::OutOfRange,
                format!("{}: no block {i}", self.path.display()),
            )
        })?;
        let (lo, hi) = self.data_range();
        if e.offset < lo || e.offset + u64::from(e.len) > hi {
            return Err(Error::corrupt(
                &self.path,
                e.offset,
                format!("block {i} outside the data area"),
            ));
        }
        let mut b = vec![0u8; e.len as usize];
        let mut f = File::open(&self.path).ctx("open segment", &self.path)?;
        f.seek(SeekFrom::Start(e.offset))
            .ctx("seek segment", &self.path)?;
        f.read_exact(&mut b).ctx("read segment", &self.path)?;
        Ok(b)
    }

    /// Read and check block `i`'s header (CRC of the header and of the compressed bytes).
    pub fn read_block_header(&self, i: usize) -> Result<(BlockHeader, Vec<u8>)> {
        let (h, b, n) = self.read_checked(i)?;
        Ok((h, b[n..].to_vec()))
    }

    /// Check block `i` as [`SegmentFile::read_block_header`] does, without
    /// keeping its compressed bytes.
    pub fn check_block(&self, i: usize) -> Result<BlockHeader> {
        self.read_checked(i).map(|(h, _, _)| h)
    }

    /// Block `i` read and checked: its header, its bytes, and where the
    /// compressed data starts in them.
    fn read_checked(&self, i: usize) -> Result<(BlockHeader, Vec<u8>, usize)> {
        let b = self.read_block_bytes(i)?;
        let off = self.footer.blocks[i].offset;
        let (h, n) = BlockHeader::decode(&b)
            .map_err(|e| Error::corrupt(&self.path, off, format!("block {i}: {e}")))?;
        let comp = &b[n..];
        if comp.len() != h.comp_len as usize {
            return Err(Error::corrupt(
                &self.path,
                off,
                format!("block {i}: compressed length mismatch"),
            ));
        }
        if crc32c::crc32c(comp) != h.comp_crc {
            return Err(Error::corrupt(
                &self.path,
                off + n as u64,
                format!("block {i}: crc32c mismatch"),
            ));
        }
        Ok((h, b, n))
    }

    /// Read and check the headers of every block (their own CRCs), without
    /// reading or decompressing the compressed data: what a block holds
    /// (seqs, sources, time range) from its metadata alone.
    pub fn block_headers(&self) -> Result<Vec<BlockHeader>> {
        let mut f = File::open(&self.path).ctx("open segment", &self.path)?;
        let (lo, hi) = self.data_range();
        let mut out = Vec::with_capacity(self.footer.blocks.len());
        let mut buf = Vec::new();
        for (i, e) in self.footer.blocks.iter().enumerate() {
            if e.offset < lo || e.offset + u64::from(e.len) > hi {
                return Err(Error::corrupt(
                    &self.path,
                    e.offset,
                    format!("block {i} outside the data area"),
                ));
            }
            let mut head = [0u8; 8];
            f.seek(SeekFrom::Start(e.offset))
                .ctx("seek segment", &self.path)?;
            f.read_exact(&mut head).ctx("read segment", &self.path)?;
            let n = BlockHeader::peek_len(&head)
                .map_err(|m| Error::corrupt(&self.path, e.offset, format!("block {i}: {m}")))?;
            if n > e.len as usize {
                return Err(Error::corrupt(
                    &self.path,
                    e.offset,
                    format!("block {i}: header longer than the block"),
                ));
            }
            buf.clear();
            buf.extend_from_slice(&head);
            buf.resize(n, 0);
            f.read_exact(&mut buf[8..])
                .ctx("read segment", &self.path)?;
            let (h, _) = BlockHeader::decode(&buf)
                .map_err(|m| Error::corrupt(&self.path, e.offset, format!("block {i}: {m}")))?;
            out.push(h);
        }
        Ok(out)
    }

    /// Read, check and decompress block `i`.
    pub fn read_block(&self, i: usize) -> Result<(BlockHeader, BlockData)> {
        let (h, b, n) = self.read_checked(i)?;
        let off = self.footer.blocks[i].offset;
        let d = BlockData::decode(&h, &b[n..])
            .map_err(|e| Error::corrupt(&self.path, off, format!("block {i}: {e}")))?;
        Ok((h, d))
    }
}
