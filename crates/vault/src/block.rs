//! Blocks: ~1 MiB of records, zstd-compressed, with an uncompressed header
//! (seq range, time bounds, sources/hosts/apps/severities, token filter,
//! CRC32C of the compressed bytes).
//!
//! Decompressed layout: `version u8 = 1`, origin dictionary (varint n, then
//! n × (source, peer, transport) as varint-length strings), string
//! dictionary (hosts and apps), then the records, each:
//! `varint seq − first seq of the block ‖ zigzag varint receive-time
//! delta ‖ varint origin index ‖ varint len ‖ raw ‖ parsed fields`.
//! Parsed fields (the indexed ones): `format u8 ‖ flags u8 ‖ [zigzag event −
//! receive] ‖ [host idx] ‖ [app idx] ‖ [severity u8] ‖ [facility u8]`. The
//! message, key/value fields and parse note are re-derived from the raw
//! bytes when read: storing them doubled the bytes on disk.

use std::collections::HashMap;

use crate::codec::{Cursor, DecodeErr, put_bytes, put_varint, same_bytes, unzigzag, zigzag};
use crate::parse;
use crate::record::Incoming;
use crate::tokens::{BloomFilter, TokenSet};

pub(crate) const BLOCK_MAGIC: &[u8; 4] = b"WBK1";
const DATA_VERSION: u8 = 2;
/// Most distinct hosts (or apps) listed in a block header; beyond that the
/// header says "any" and filtering by host (app) reads the block.
pub const MAX_LISTED: usize = 64;

const F_EVENT: u8 = 1;
const F_HOST: u8 = 2;
const F_APP: u8 = 4;
const F_SEV: u8 = 8;
const F_FAC: u8 = 16;

/// [`BlockBuilder`]'s `listed` flags.
const LISTED_HOST: u8 = 1;
const LISTED_APP: u8 = 2;

/// No record time in a block (an empty block): `min_event = i64::MAX`, `max_event = i64::MIN`.
pub const NO_TIME_MIN: i64 = i64::MAX;
/// See [`NO_TIME_MIN`].
pub const NO_TIME_MAX: i64 = i64::MIN;

/// The uncompressed header of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockHeader {
    /// Seq of the first record.
    pub first_seq: u64,
    /// Number of records.
    pub count: u32,
    /// Length of the decompressed data.
    pub raw_len: u32,
    /// Length of the compressed data that follows the header.
    pub comp_len: u32,
    /// Earliest receive time (ns).
    pub min_recv: i64,
    /// Latest receive time (ns).
    pub max_recv: i64,
    /// Earliest record time (ns): event time, or receive time for a record
    /// without one; [`NO_TIME_MIN`] when the block is empty.
    pub min_event: i64,
    /// Latest record time (ns), as [`BlockHeader::min_event`]; [`NO_TIME_MAX`] when empty.
    pub max_event: i64,
    /// Bit `s` set when severity `s` occurs; bit 15 when a record has none.
    pub severities: u16,
    /// Distinct source names.
    pub sources: Vec<String>,
    /// Distinct hosts, or `None` when more than [`MAX_LISTED`].
    pub hosts: Option<Vec<String>>,
    /// Distinct apps, or `None` when more than [`MAX_LISTED`].
    pub apps: Option<Vec<String>>,
    /// Token filter.
    pub filter: BloomFilter,
    /// CRC32C of the compressed bytes.
    pub comp_crc: u32,
}

impl BlockHeader {
    /// Newest time in the block: max of receive and event time.
    pub fn newest(&self) -> i64 {
        self.max_recv.max(self.max_event)
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        let start = out.len();
        out.extend_from_slice(BLOCK_MAGIC);
        out.extend_from_slice(&[0; 4]); // header length, patched below
        out.extend_from_slice(&self.first_seq.to_le_bytes());
        out.extend_from_slice(&self.count.to_le_bytes());
        out.extend_from_slice(&self.raw_len.to_le_bytes());
        out.extend_from_slice(&self.comp_len.to_le_bytes());
        for t in [self.min_recv, self.max_recv, self.min_event, self.max_event] {
            out.extend_from_slice(&t.to_le_bytes());
        }
        out.extend_from_slice(&self.severities.to_le_bytes());
        let flags = u8::from(self.hosts.is_none()) | (u8::from(self.apps.is_none()) << 1);
        out.push(flags);
        for list in [Some(&self.sources), self.hosts.as_ref(), self.apps.as_ref()] {
            let empty = Vec::new();
            let l = list.unwrap_or(&empty);
            put_varint(out, l.len() as u64);
            for s in l {
                put_bytes(out, s.as_bytes());
            }
        }
        out.push(self.filter.k);
        put_varint(out, self.filter.words.len() as u64);
        for w in &self.filter.words {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(&self.comp_crc.to_le_bytes());
        let len = (out.len() - start + 4) as u32;
        out[start + 4..start + 8].copy_from_slice(&len.to_le_bytes());
        let crc = crc32c::crc32c(&out[start..]);
        out.extend_from_slice(&crc.to_le_bytes());
    }

    /// Length of the header starting at `b` (from its first 8 bytes).
    pub(crate) fn peek_len(b: &[u8]) -> Result<usize, DecodeErr> {
        if b.len() < 8 || &b[..4] != BLOCK_MAGIC {
            return Err("bad block magic");
        }
        let n = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
        if n < 8 + 4 {
            return Err("bad block header length");
        }
        Ok(n)
    }

    /// Decode a header; `b` must hold at least the whole header.
    pub(crate) fn decode(b: &[u8]) -> Result<(BlockHeader, usize), DecodeErr> {
        let n = BlockHeader::peek_len(b)?;
        if b.len() < n {
            return Err("block header truncated");
        }
        let crc = u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]);
        if crc32c::crc32c(&b[..n - 4]) != crc {
            return Err("block header crc mismatch");
        }
        let mut c = Cursor::new(&b[8..n - 4]);
        let first_seq = c.u64()?;
        let count = c.u32()?;
        let raw_len = c.u32()?;
        let comp_len = c.u32()?;
        let (min_recv, max_recv, min_event, max_event) = (c.i64()?, c.i64()?, c.i64()?, c.i64()?);
        let severities = c.u16()?;
        let flags = c.u8()?;
        let mut lists: [Vec<String>; 3] = Default::default();
        for l in &mut lists {
            let n = c.varint()?;
            if n > 1 << 20 {
                return Err("list too long");
            }
            for _ in 0..n {
                l.push(c.str()?.to_owned());
            }
        }
        let k = c.u8()?;
        let words = c.varint()?;
        if words as usize > c.remaining() / 8 {
            return Err("filter truncated");
        }
        let mut w = Vec::with_capacity(words as usize);
        for _ in 0..words {
            w.push(c.u64()?);
        }
        let comp_crc = c.u32()?;
        if c.remaining() != 0 {
            return Err("trailing bytes in block header");
        }
        let [sources, hosts, apps] = lists;
        Ok((
            BlockHeader {
                first_seq,
                count,
                raw_len,
                comp_len,
                min_recv,
                max_recv,
                min_event,
                max_event,
                severities,
                sources,
                hosts: (flags & 1 == 0).then_some(hosts),
                apps: (flags & 2 == 0).then_some(apps),
                filter: BloomFilter { k, words: w },
                comp_crc,
            },
            n,
        ))
    }
}

#[derive(Hash, PartialEq, Eq, Clone)]
struct OriginKey(String, String, String);

/// Hasher of a block's string tables (host and app names, origins): a
/// multiply-rotate hash (as rustc's FxHash), much cheaper than SipHash on
/// short names. The keys come from the block's own records, and a block
/// holds a bounded number of them, so flooding is no concern.
#[derive(Debug, Clone, Copy, Default)]
struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(26) ^ w).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        // the last 0..=7 bytes in one word without a copy: two overlapping
        // loads (the length is mixed in, so overlaps cannot collide)
        let tail = match rest.len() {
            0 => 0,
            n @ 1..=3 => {
                u64::from(rest[0]) | u64::from(rest[n / 2]) << 8 | u64::from(rest[n - 1]) << 16
            }
            n => {
                let lo = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
                let hi = u32::from_le_bytes([rest[n - 4], rest[n - 3], rest[n - 2], rest[n - 1]]);
                u64::from(lo) | u64::from(hi) << 32
            }
        };
        self.0 = (self.0.rotate_left(26) ^ tail ^ bytes.len() as u64).wrapping_mul(K);
    }

    fn write_u8(&mut self, i: u8) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        self.0 = (self.0.rotate_left(26) ^ u64::from(i)).wrapping_mul(K);
    }

    fn finish(&self) -> u64 {
        // the low bits pick the bucket: fold the well-mixed high bits in
        self.0 ^ (self.0 >> 29)
    }
}

/// Room left for the fields before the raw records of a block at first (see
/// [`BlockBuilder`]'s `gap`); later blocks size it from the block before.
const INITIAL_GAP: usize = 128 << 10;

/// Slots of [`BlockBuilder`]'s recent-string table.
const RECENT: usize = 256;

/// Slot of a name in the recent-string table: from its length and last two
/// bytes, where names of one kind (`fw-edge-04`, `fw-edge-09`) differ most.
fn recent_slot(b: &[u8]) -> usize {
    let n = b.len();
    let last = match n {
        0 => 0,
        1 => usize::from(b[0]),
        _ => usize::from(b[n - 1]) | usize::from(b[n - 2]) << 8,
    };
    (last.wrapping_mul(0x9e37) >> 8 ^ n) & (RECENT - 1)
}

/// Accumulates records of one block.
pub(crate) struct BlockBuilder {
    first_seq: u64,
    next_seq: u64,
    count: u32,
    /// Per-record fields (seq, times, origin, raw length, parsed fields).
    body: Vec<u8>,
    /// The block's data as [`BlockBuilder::finish`] compresses it, built in
    /// place: the raw records go back to back from `raws_at` on (kept apart from
    /// the binary fields so zstd sees homogeneous text, about a third smaller
    /// than interleaved), and `finish` writes the dictionaries and `body`
    /// right before them, so the raw records are never copied again.
    data: Vec<u8>,
    /// Where the raw records of this block start in `data`.
    raws_at: usize,
    /// Where they start in the next block (after [`BlockBuilder::reset`]):
    /// room for the fields before them, sized from the block before.
    gap: usize,
    /// The dictionaries and fields that precede the raw records, built by `finish`.
    head: Vec<u8>,
    /// The compressed bytes, built by `finish` (reused from block to block).
    comp: Vec<u8>,
    origins: Vec<OriginKey>,
    origin_idx: HashMap<OriginKey, u32, FastHash>,
    last_origin: Option<u32>,
    strings: Vec<String>,
    string_idx: HashMap<String, u32, FastHash>,
    /// Recently interned strings: slot [`recent_slot`] of a name holds its
    /// index + 1 (0: empty), checked by comparing the name, so a host or app
    /// seen before in the block is found without hashing it.
    recent: Box<[u32; RECENT]>,
    /// Per string: [`LISTED_HOST`] / [`LISTED_APP`] when `hosts` / `apps`
    /// holds it (a flag test instead of a scan of the lists per record).
    listed: Vec<u8>,
    hosts: Vec<u32>,
    apps: Vec<u32>,
    prev_recv: i64,
    /// Event time of the previous record that had one (event times are
    /// stored as deltas from it: steady log streams give small, repeating numbers).
    prev_event: Option<i64>,
    min_recv: i64,
    max_recv: i64,
    min_event: i64,
    max_event: i64,
    severities: u16,
    tokens: TokenSet,
    raw_bytes: usize,
}

fn format_code(f: parse::Format) -> u8 {
    match f {
        parse::Format::Rfc5424 => 1,
        parse::Format::Rfc3164 => 2,
        parse::Format::Json => 3,
        parse::Format::Plain => 4,
        #[allow(unreachable_patterns)]
        _ => 0,
    }
}

fn format_from(c: u8) -> parse::Format {
    match c {
        1 => parse::Format::Rfc5424,
        2 => parse::Format::Rfc3164,
        3 => parse::Format::Json,
        _ => parse::Format::Plain,
    }
}

impl BlockBuilder {
    pub(crate) fn new(first_seq: u64) -> BlockBuilder {
        BlockBuilder {
            first_seq,
            next_seq: first_seq,
            count: 0,
            body: Vec::with_capacity(1 << 16),
            data: vec![0; INITIAL_GAP],
            raws_at: INITIAL_GAP,
            gap: INITIAL_GAP,
            head: Vec::new(),
            comp: Vec::new(),
            origins: Vec::new(),
            origin_idx: HashMap::default(),
            last_origin: None,
            strings: Vec::new(),
            string_idx: HashMap::default(),
            recent: Box::new([0; RECENT]),
            listed: Vec::new(),
            hosts: Vec::new(),
            apps: Vec::new(),
            prev_recv: 0,
            prev_event: None,
            min_recv: i64::MAX,
            max_recv: i64::MIN,
            min_event: NO_TIME_MIN,
            max_event: NO_TIME_MAX,
            severities: 0,
            tokens: TokenSet::new(),
            raw_bytes: 0,
        }
    }

    pub(crate) fn reset(&mut self, first_seq: u64) {
        self.first_seq = first_seq;
        self.next_seq = first_seq;
        self.count = 0;
        self.body.clear();
        // the bytes before `gap` are overwritten by `finish`: no need to clear them
        if self.data.len() >= self.gap {
            self.data.truncate(self.gap);
        } else {
            self.data.resize(self.gap, 0);
        }
        self.raws_at = self.gap;
        self.origins.clear();
        self.origin_idx.clear();
        self.last_origin = None;
        self.strings.clear();
        self.string_idx.clear();
        self.recent.fill(0);
        self.listed.clear();
        self.hosts.clear();
        self.apps.clear();
        self.prev_recv = 0;
        self.prev_event = None;
        self.min_recv = i64::MAX;
        self.max_recv = i64::MIN;
        self.min_event = NO_TIME_MIN;
        self.max_event = NO_TIME_MAX;
        self.severities = 0;
        self.tokens.clear();
        self.raw_bytes = 0;
    }

    fn intern(&mut self, s: &str) -> u32 {
        let slot = recent_slot(s.as_bytes());
        let r = self.recent[slot];
        if r != 0 && same_bytes(self.strings[(r - 1) as usize].as_bytes(), s.as_bytes()) {
            return r - 1;
        }
        let i = match self.string_idx.get(s) {
            Some(i) => *i,
            None => {
                let i = self.strings.len() as u32;
                self.strings.push(s.to_owned());
                self.listed.push(0);
                self.string_idx.insert(s.to_owned(), i);
                i
            }
        };
        self.recent[slot] = i + 1;
        i
    }

    /// The origin index of `r`; `same` when the caller knows `r`'s origin
    /// is that of the record pushed last.
    fn origin(&mut self, r: &Incoming<'_>, same: bool) -> u32 {
        if let Some(i) = self.last_origin {
            if same {
                return i;
            }
            let o = &self.origins[i as usize];
            if same_bytes(o.0.as_bytes(), r.source.as_bytes())
                && same_bytes(o.1.as_bytes(), r.peer.as_bytes())
                && same_bytes(o.2.as_bytes(), r.transport.as_bytes())
            {
                return i;
            }
        }
        let key = OriginKey(
            r.source.to_owned(),
            r.peer.to_owned(),
            r.transport.to_owned(),
        );
        let i = match self.origin_idx.get(&key) {
            Some(i) => *i,
            None => {
                let i = self.origins.len() as u32;
                self.origins.push(key.clone());
                self.origin_idx.insert(key, i);
                i
            }
        };
        self.last_origin = Some(i);
        i
    }

    /// Add a record with seq `seq` (the next one, except when tests simulate tampering).
    #[cfg(any(test, feature = "testing"))]
    pub(crate) fn push_seq(&mut self, seq: u64, r: &Incoming<'_>, p: &parse::Parsed) {
        self.push_seq_after(seq, r, p, false);
    }

    /// Add a record with seq `seq` (see `push_seq`, used by tests) whose source, peer and
    /// transport are those of the record pushed just before when
    /// `same_origin` (their comparison is skipped then).
    pub(crate) fn push_seq_after(
        &mut self,
        seq: u64,
        r: &Incoming<'_>,
        p: &parse::Parsed,
        same_origin: bool,
    ) {
        // 0 for every record of an untampered block
        let expected = self.first_seq.wrapping_add(u64::from(self.count));
        put_varint(&mut self.body, zigzag(seq.wrapping_sub(expected) as i64));
        if self.count == 0 {
            put_varint(&mut self.body, zigzag(r.received_ns));
        } else {
            put_varint(
                &mut self.body,
                zigzag(r.received_ns.wrapping_sub(self.prev_recv)),
            );
        }
        self.prev_recv = r.received_ns;
        let o = self.origin(r, same_origin);
        put_varint(&mut self.body, u64::from(o));
        put_varint(&mut self.body, r.raw.len() as u64);
        self.data.extend_from_slice(r.raw);
        self.min_recv = self.min_recv.min(r.received_ns);
        self.max_recv = self.max_recv.max(r.received_ns);
        self.raw_bytes += r.raw.len();

        // parsed fields
        let mut flags = 0u8;
        let event_ns = p.event_time.map(crate::clock::to_ns);
        if event_ns.is_some() {
            flags |= F_EVENT;
        }
        if p.host.is_some() {
            flags |= F_HOST;
        }
        if p.app.is_some() {
            flags |= F_APP;
        }
        if p.severity.is_some() {
            flags |= F_SEV;
        }
        if p.facility.is_some() {
            flags |= F_FAC;
        }
        self.body.push(format_code(p.format));
        self.body.push(flags);
        if let Some(e) = event_ns {
            let base = self.prev_event.unwrap_or(r.received_ns);
            put_varint(&mut self.body, zigzag(e.wrapping_sub(base)));
            self.prev_event = Some(e);
        }
        // The time bounds queries prune by: a record's time is its event time
        // when it has one, else its receive time.
        let t = event_ns.unwrap_or(r.received_ns);
        self.min_event = self.min_event.min(t);
        self.max_event = self.max_event.max(t);
        if let Some(h) = &p.host {
            let i = self.intern(h);
            put_varint(&mut self.body, u64::from(i));
            let l = &mut self.listed[i as usize];
            if self.hosts.len() <= MAX_LISTED && *l & LISTED_HOST == 0 {
                *l |= LISTED_HOST;
                self.hosts.push(i);
            }
        }
        if let Some(a) = &p.app {
            let i = self.intern(a);
            put_varint(&mut self.body, u64::from(i));
            let l = &mut self.listed[i as usize];
            if self.apps.len() <= MAX_LISTED && *l & LISTED_APP == 0 {
                *l |= LISTED_APP;
                self.apps.push(i);
            }
        }
        match p.severity {
            Some(s) => {
                self.body.push(s);
                self.severities |= 1 << (s & 7);
            }
            None => self.severities |= 1 << 15,
        }
        if let Some(f) = p.facility {
            self.body.push(f);
        }
        let toks = &mut self.tokens;
        crate::tokens::for_each_filter_token(r.raw, |h| toks.insert(h));
        self.count += 1;
        self.next_seq = seq + 1;
    }

    /// Finish: compress and append header + compressed bytes to `out`.
    /// Returns the header.
    pub(crate) fn finish(
        &mut self,
        zc: &mut zstd::bulk::Compressor<'static>,
        out: &mut Vec<u8>,
    ) -> std::io::Result<BlockHeader> {
        let head = &mut self.head;
        head.clear();
        head.push(DATA_VERSION);
        put_varint(head, self.origins.len() as u64);
        for o in &self.origins {
            put_bytes(head, o.0.as_bytes());
            put_bytes(head, o.1.as_bytes());
            put_bytes(head, o.2.as_bytes());
        }
        put_varint(head, self.strings.len() as u64);
        for s in &self.strings {
            put_bytes(head, s.as_bytes());
        }
        put_varint(head, self.body.len() as u64);
        head.extend_from_slice(&self.body);
        // `data` holds the raw records from `raws_at` on (see `reset`)
        let data = &mut self.data;
        let start = match self.raws_at.checked_sub(head.len()) {
            Some(start) => {
                data[start..self.raws_at].copy_from_slice(head);
                start
            }
            None => {
                // the fields outgrew the room: move the raw records up
                data.splice(..self.raws_at, head.iter().copied());
                self.raws_at = head.len();
                0
            }
        };
        // room for the next block: this one's fields and a quarter more
        self.gap = (head.len() + head.len() / 4).max(INITIAL_GAP);
        let data = &data[start..];
        self.comp.clear();
        self.comp
            .reserve(zstd::zstd_safe::compress_bound(data.len()));
        zc.compress_to_buffer(data, &mut self.comp)?;
        let comp = &self.comp;
        let mut sources: Vec<String> = self.origins.iter().map(|o| o.0.clone()).collect();
        sources.sort();
        sources.dedup();
        let names = |ids: &Vec<u32>| -> Option<Vec<String>> {
            (ids.len() <= MAX_LISTED).then(|| {
                ids.iter()
                    .map(|i| self.strings[*i as usize].clone())
                    .collect()
            })
        };
        let h = BlockHeader {
            first_seq: self.first_seq,
            count: self.count,
            raw_len: data.len() as u32,
            comp_len: comp.len() as u32,
            min_recv: self.min_recv,
            max_recv: self.max_recv,
            min_event: self.min_event,
            max_event: self.max_event,
            severities: self.severities,
            sources,
            hosts: names(&self.hosts),
            apps: names(&self.apps),
            filter: BloomFilter::build(&self.tokens),
            comp_crc: crc32c::crc32c(comp),
        };
        out.reserve(comp.len() + 8 * h.filter.words.len() + 1024);
        h.encode(out);
        out.extend_from_slice(comp);
        Ok(h)
    }
}

/// A decompressed block: iterate its records with [`BlockData::records`].
#[derive(Debug, Clone)]
pub struct BlockData {
    data: Vec<u8>,
    origins: Vec<(
        std::ops::Range<usize>,
        std::ops::Range<usize>,
        std::ops::Range<usize>,
    )>,
    strings: Vec<std::ops::Range<usize>>,
    /// Start and end of the per-record fields; the raw records follow them.
    body: usize,
    body_end: usize,
    first_seq: u64,
    count: u32,
}

/// One record inside a [`BlockData`], borrowed.
#[derive(Debug, Clone, Copy)]
pub struct RecordView<'a> {
    /// Seq.
    pub seq: u64,
    /// Receive time (ns).
    pub received_ns: i64,
    /// Source name.
    pub source: &'a str,
    /// Peer address.
    pub peer: &'a str,
    /// Transport.
    pub transport: &'a str,
    /// Raw bytes as received.
    pub raw: &'a [u8],
    block: &'a BlockData,
    parsed: &'a [u8],
    event_ns: Option<i64>,
}

impl RecordView<'_> {
    /// The canonical (hashed) encoding, appended to `out`.
    pub fn canonical_into(&self, out: &mut Vec<u8>) {
        crate::record::canonical_into(
            out,
            self.seq,
            self.received_ns,
            self.source,
            self.peer,
            self.transport,
            self.raw,
        );
    }

    /// RFC 9162 leaf hash.
    pub fn leaf_hash(&self, alg: crate::HashAlg, scratch: &mut Vec<u8>) -> crate::Hash {
        scratch.clear();
        self.canonical_into(scratch);
        alg.leaf(scratch)
    }

    /// An owned copy of the hashed fields.
    pub fn to_record(&self) -> crate::Record {
        crate::Record {
            seq: self.seq,
            received_ns: self.received_ns,
            source: self.source.to_owned(),
            peer: self.peer.to_owned(),
            transport: self.transport.to_owned(),
            raw: self.raw.to_vec(),
        }
    }

    /// The stored parsed fields (never hashed). `None` if they cannot be
    /// decoded (the hashed fields are still intact).
    pub fn parsed(&self) -> Option<parse::Parsed> {
        decode_parsed(
            self.parsed,
            self.raw,
            self.received_ns,
            self.event_ns,
            self.block,
        )
        .ok()
    }

    /// Event time from the parsed fields if any (ns), else receive time.
    pub fn time_ns(&self) -> i64 {
        self.event_ns.unwrap_or(self.received_ns)
    }
}

/// Skip a record's parsed fields; returns its event-time delta, if it has one.
fn skip_parsed(c: &mut Cursor<'_>) -> Result<Option<i64>, DecodeErr> {
    let _fmt = c.u8()?;
    let flags = c.u8()?;
    let mut event = None;
    if flags & F_EVENT != 0 {
        event = Some(unzigzag(c.varint()?));
    }
    if flags & F_HOST != 0 {
        c.varint()?;
    }
    if flags & F_APP != 0 {
        c.varint()?;
    }
    if flags & F_SEV != 0 {
        c.u8()?;
    }
    if flags & F_FAC != 0 {
        c.u8()?;
    }
    Ok(event)
}

fn decode_parsed(
    b: &[u8],
    raw: &[u8],
    recv: i64,
    event: Option<i64>,
    blk: &BlockData,
) -> Result<parse::Parsed, DecodeErr> {
    let mut c = Cursor::new(b);
    let format = format_from(c.u8()?);
    let flags = c.u8()?;
    let s = |c: &mut Cursor<'_>| -> Result<String, DecodeErr> {
        let i = c.varint()? as usize;
        let r = blk.strings.get(i).ok_or("string index out of range")?;
        Ok(String::from_utf8_lossy(&blk.data[r.clone()]).into_owned())
    };
    let event_time = if flags & F_EVENT != 0 {
        c.varint()?; // resolved by the iterator (a delta from the record before)
        Some(crate::clock::from_ns(event.ok_or("event time missing")?))
    } else {
        None
    };
    let host = if flags & F_HOST != 0 {
        Some(s(&mut c)?)
    } else {
        None
    };
    let app = if flags & F_APP != 0 {
        Some(s(&mut c)?)
    } else {
        None
    };
    let severity = if flags & F_SEV != 0 {
        Some(c.u8()?)
    } else {
        None
    };
    let facility = if flags & F_FAC != 0 {
        Some(c.u8()?)
    } else {
        None
    };
    // the message, fields and note are re-derived from the raw bytes (not stored: they
    // doubled the bytes on disk); the indexed fields above are the ones stored at ingest
    let mut p = parse::parse_record(raw, crate::clock::from_ns(recv));
    p.format = format;
    p.event_time = event_time;
    p.host = host;
    p.app = app;
    p.severity = severity;
    p.facility = facility;
    Ok(p)
}

/// The source and receive time of every record of a block, read from the
/// block's per-record fields only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockTimes {
    /// The block's source names, by origin index (repeats possible).
    pub sources: Vec<String>,
    /// `(origin index, receive time ns)` per record, in record order.
    pub times: Vec<(u32, i64)>,
}

/// Read the source and receive time of every record: the zstd stream is
/// decompressed only up to the end of the per-record fields (which come
/// before the raw records, a small part of the data), never into the raw
/// records themselves.
pub fn receive_times(header: &BlockHeader, comp: &[u8]) -> Result<BlockTimes, DecodeErr> {
    use std::io::Read;
    if header.raw_len as usize > 64 << 20 {
        return Err("block too large");
    }
    let mut dec =
        zstd::stream::read::Decoder::with_buffer(comp).map_err(|_| "zstd decompression failed")?;
    let mut data: Vec<u8> = Vec::new();
    // read until `want` bytes are in `data` (or the stream ends)
    let mut fill = |data: &mut Vec<u8>, want: usize| -> Result<(), DecodeErr> {
        let want = want.min(header.raw_len as usize);
        if data.len() >= want {
            return Ok(());
        }
        let start = data.len();
        data.resize(want, 0);
        dec.read_exact(&mut data[start..])
            .map_err(|_| "block data shorter than its fields")
    };
    // the dictionaries: grow the prefix until they parse
    let mut chunk = 4096usize;
    let (sources, body, body_len) = loop {
        fill(&mut data, chunk)?;
        let parsed = (|| -> Result<(Vec<String>, usize, usize), DecodeErr> {
            let mut c = Cursor::new(&data);
            if c.u8()? != DATA_VERSION {
                return Err("unknown block data version");
            }
            let n = c.varint()?;
            if n > header.raw_len as u64 {
                return Err("origin count too large");
            }
            // the count comes from the block: reserve no more than the bytes could hold
            let mut sources = Vec::with_capacity((n as usize).min(c.remaining()));
            for _ in 0..n {
                sources.push(c.str()?.to_owned());
                c.bytes()?;
                c.bytes()?;
            }
            let n = c.varint()?;
            if n > header.raw_len as u64 {
                return Err("string count too large");
            }
            for _ in 0..n {
                c.bytes()?;
            }
            let body_len = c.varint()?;
            if body_len > u64::from(header.raw_len) {
                return Err("record fields longer than the block");
            }
            Ok((sources, c.pos, body_len as usize))
        })();
        match parsed {
            Ok(p) => break p,
            Err("unexpected end of data") if data.len() < header.raw_len as usize => {
                chunk = chunk.saturating_mul(4);
            }
            Err(e) => return Err(e),
        }
    };
    fill(&mut data, body + body_len)?;
    if data.len() < body + body_len {
        return Err("record fields longer than the block");
    }
    let mut c = Cursor::new(&data[body..body + body_len]);
    // every record takes at least a byte of the fields: a count beyond that is corrupt,
    // and must not reserve memory it names (a forged count is an error, never an abort)
    if header.count as usize > body_len {
        return Err("record count larger than the block's fields");
    }
    let mut times = Vec::with_capacity(header.count as usize);
    let mut recv = 0i64;
    for i in 0..header.count {
        c.varint()?; // seq offset
        let t = unzigzag(c.varint()?);
        recv = if i == 0 { t } else { recv.wrapping_add(t) };
        let o = c.varint()?;
        if o as usize >= sources.len() {
            return Err("origin index out of range");
        }
        c.varint()?; // raw length
        skip_parsed(&mut c)?;
        times.push((o as u32, recv));
    }
    Ok(BlockTimes { sources, times })
}

impl BlockData {
    /// Decompress and index a block's data; `header` gives first seq, count and sizes.
    pub fn decode(header: &BlockHeader, comp: &[u8]) -> Result<BlockData, DecodeErr> {
        if header.raw_len as usize > 64 << 20 {
            return Err("block too large");
        }
        let data = zstd::bulk::decompress(comp, header.raw_len as usize)
            .map_err(|_| "zstd decompression failed")?;
        if data.len() != header.raw_len as usize {
            return Err("decompressed length mismatch");
        }
        let mut c = Cursor::new(&data);
        if c.u8()? != DATA_VERSION {
            return Err("unknown block data version");
        }
        let range = |c: &mut Cursor<'_>| -> Result<std::ops::Range<usize>, DecodeErr> {
            let s = c.str()?;
            let end = c.pos;
            Ok(end - s.len()..end)
        };
        let n = c.varint()?;
        if n > c.remaining() as u64 {
            return Err("origin count too large");
        }
        let mut origins = Vec::with_capacity(n as usize);
        for _ in 0..n {
            origins.push((range(&mut c)?, range(&mut c)?, range(&mut c)?));
        }
        let n = c.varint()?;
        if n > c.remaining() as u64 {
            return Err("string count too large");
        }
        let mut strings = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let b = c.bytes()?;
            strings.push(c.pos - b.len()..c.pos);
        }
        let body_len = c.varint()?;
        if body_len > c.remaining() as u64 {
            return Err("record fields longer than the block");
        }
        let body = c.pos;
        let body_end = body + body_len as usize;
        Ok(BlockData {
            data,
            origins,
            strings,
            body,
            body_end,
            first_seq: header.first_seq,
            count: header.count,
        })
    }

    /// Iterate the records. Each item is a record or a decode error (after
    /// which iteration stops). Seqs are as stored: the verifier checks they
    /// are contiguous.
    pub fn records(&self) -> Records<'_> {
        Records {
            blk: self,
            c: Cursor::new(&self.data[self.body..self.body_end]),
            raw_pos: self.body_end,
            i: 0,
            recv: 0,
            prev_event: None,
            failed: false,
            origin: None,
        }
    }

    /// Number of records according to the header.
    pub fn count(&self) -> u32 {
        self.count
    }
}

/// Iterator over the records of a [`BlockData`].
pub struct Records<'a> {
    blk: &'a BlockData,
    c: Cursor<'a>,
    /// Offset of the next raw record in the block data.
    raw_pos: usize,
    i: u32,
    recv: i64,
    prev_event: Option<i64>,
    failed: bool,
    /// The last origin read, as strings: records of a block mostly share
    /// one, so its names are checked for UTF-8 once, not per record.
    origin: Option<(usize, [&'a str; 3])>,
}

impl<'a> Records<'a> {
    fn next_inner(&mut self) -> Result<RecordView<'a>, DecodeErr> {
        let blk = self.blk;
        let d = unzigzag(self.c.varint()?);
        let seq = blk
            .first_seq
            .wrapping_add(u64::from(self.i))
            .wrapping_add(d as u64);
        let t = unzigzag(self.c.varint()?);
        let recv = if self.i == 0 {
            t
        } else {
            self.recv.wrapping_add(t)
        };
        let o = self.c.varint()? as usize;
        let [source, peer, transport] = match self.origin {
            Some((k, names)) if k == o => names,
            _ => {
                let (s, p, tr) = blk
                    .origins
                    .get(o)
                    .ok_or("origin index out of range")?
                    .clone();
                let st =
                    |r: std::ops::Range<usize>| std::str::from_utf8(&blk.data[r]).unwrap_or("");
                let names = [st(s), st(p), st(tr)];
                self.origin = Some((o, names));
                names
            }
        };
        let len = self.c.varint()?;
        let end = (self.raw_pos as u64)
            .checked_add(len)
            .filter(|e| *e <= blk.data.len() as u64)
            .ok_or("raw record runs past the block")? as usize;
        let raw = &blk.data[self.raw_pos..end];
        self.raw_pos = end;
        let start = self.c.pos;
        let event_ns = skip_parsed(&mut self.c)?.map(|d| {
            let e = self.prev_event.unwrap_or(recv).wrapping_add(d);
            self.prev_event = Some(e);
            e
        });
        let parsed = &self.c.buf[start..self.c.pos];
        self.recv = recv;
        self.i += 1;
        Ok(RecordView {
            seq,
            received_ns: recv,
            source,
            peer,
            transport,
            raw,
            block: blk,
            parsed,
            event_ns,
        })
    }

    /// Whether bytes remain after the last record (a sign of inserted data).
    pub fn trailing(&self) -> bool {
        self.c.remaining() > 0 || self.raw_pos < self.blk.data.len()
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<RecordView<'a>, DecodeErr>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.c.remaining() == 0 {
            return None;
        }
        let r = self.next_inner();
        if r.is_err() {
            self.failed = true;
        }
        Some(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of `sizes[k]` records from one builder (reset between
    /// blocks), the room before the raw records set to `gap` first.
    fn blocks(gap: usize, sizes: &[usize]) -> Vec<Vec<u8>> {
        let mut zc = crate::tuning::block_compressor().unwrap();
        let mut b = BlockBuilder::new(0);
        b.gap = gap;
        let mut p = parse::Parsed::empty();
        let mut seq = 0u64;
        let mut out = Vec::new();
        for &n in sizes {
            b.reset(seq);
            for i in 0..n {
                let raw = format!(
                    "<13>1 2024-01-17T10:18:20Z h{} app{} - - - m {i}",
                    i % 70,
                    i % 3
                );
                let raw = &raw.as_bytes()[..raw.len() - (i % 40)];
                parse::parse_index_into(raw, crate::clock::from_ns(0), &mut p);
                let r = Incoming {
                    received_ns: seq as i64,
                    source: if i % 2 == 0 { "fw1" } else { "fw2" },
                    peer: "-",
                    transport: "file",
                    raw,
                };
                b.push_seq(seq, &r, &p);
                seq += 1;
            }
            let mut bytes = Vec::new();
            b.finish(&mut zc, &mut bytes).unwrap();
            out.push(bytes);
        }
        out
    }

    /// The fields before the raw records are written in front of them
    /// whatever room was left for them: none (the raw records are moved
    /// up), too little, or plenty; the blocks come out the same, also when
    /// the builder is reused for blocks of other sizes.
    #[test]
    fn blocks_do_not_depend_on_the_room_before_the_raw_records() {
        let sizes = [1, 5000, 20, 30000, 3];
        let want = blocks(1 << 20, &sizes);
        assert_eq!(blocks(0, &sizes), want);
        assert_eq!(blocks(100, &sizes), want);
        assert_eq!(blocks(INITIAL_GAP, &sizes), want);
    }
}
