//! Write-ahead log of unsealed records: `wal/<first seq:020>.wal`, frames
//! `{len u32, crc32c u32, payload}` (little-endian), fsynced per group commit.
//! A payload is either one canonical record (a record frame; its first byte is
//! the canonical version, `0x01`) or, in a vault of format 2, a whole block
//! exactly as the segment will hold it (a block frame: header + compressed
//! data, starting with the block magic `WBK1`), which stands for its records
//! in seq order. The frames of a file hold consecutive seqs, each record once.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use sha2::Digest;

use crate::Result;
use crate::error::IoCtx;
use crate::record::{Record, decode_canonical};

/// Records in seq order, held in runs that several [`WalScan`]s of one process may share
/// (see [`scan`]): indexing and iterating go through the runs, nothing is copied.
#[derive(Clone, Default)]
pub struct Records {
    /// (run, the part of it taken, index of its first record here).
    runs: Vec<(Arc<Vec<Record>>, Range<usize>, usize)>,
    len: usize,
}

impl std::fmt::Debug for Records {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records")
            .field("len", &self.len)
            .field("runs", &self.runs.len())
            .finish()
    }
}

impl Records {
    /// Add `run[range]` at the end.
    fn push_run(&mut self, run: Arc<Vec<Record>>, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        let n = range.len();
        // a run that continues the last one (same buffer, next index) extends it
        if let Some((last, r, _)) = self.runs.last_mut()
            && Arc::ptr_eq(last, &run)
            && r.end == range.start
        {
            r.end = range.end;
        } else {
            self.runs.push((run, range, self.len));
        }
        self.len += n;
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `i`-th record.
    pub fn get(&self, i: usize) -> Option<&Record> {
        let k = self.runs.partition_point(|(_, _, start)| *start <= i);
        let (run, range, start) = self.runs.get(k.checked_sub(1)?)?;
        run.get(range.start + (i - start))
            .filter(|_| i - start < range.len())
    }

    /// The first record.
    pub fn first(&self) -> Option<&Record> {
        self.get(0)
    }

    /// The last record.
    pub fn last(&self) -> Option<&Record> {
        self.len.checked_sub(1).and_then(|i| self.get(i))
    }

    /// The records in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Record> + '_ {
        self.runs
            .iter()
            .flat_map(|(run, range, _)| &run[range.clone()])
    }

    /// Split off the records `first`, `first + 1`, … in order (the unsealed tail when `first`
    /// is where the sealed records end); what stays here is the rest (sealed already, or out
    /// of order). Nothing is copied: both keep parts of the same runs.
    pub(crate) fn split_run_from(&mut self, first: u64) -> Records {
        let mut expect = first;
        let mut run = Records::default();
        let mut rest = Records::default();
        for (buf, range, _) in std::mem::take(&mut self.runs) {
            let mut i = range.start;
            while i < range.end {
                let taken = buf[i].seq == expect;
                let mut j = i;
                while j < range.end && (buf[j].seq == expect) == taken {
                    if taken {
                        expect += 1;
                    }
                    j += 1;
                }
                if taken {
                    run.push_run(buf.clone(), i..j);
                } else {
                    rest.push_run(buf.clone(), i..j);
                }
                i = j;
            }
        }
        *self = rest;
        run
    }
}

impl std::ops::Index<usize> for Records {
    type Output = Record;

    fn index(&self, i: usize) -> &Record {
        match self.get(i) {
            Some(r) => r,
            None => panic!("record index {i} out of range (len {})", self.len),
        }
    }
}

impl<'a> IntoIterator for &'a Records {
    type Item = &'a Record;
    type IntoIter = Box<dyn DoubleEndedIterator<Item = &'a Record> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl From<Vec<Record>> for Records {
    fn from(v: Vec<Record>) -> Records {
        let mut r = Records::default();
        let n = v.len();
        r.push_run(Arc::new(v), 0..n);
        r
    }
}

/// A run of records read from a WAL file: the bytes it came from (offsets and their
/// SHA-256) and the records, held by the stores that use them.
#[derive(Debug)]
struct Piece {
    bytes: Range<usize>,
    sha: [u8; 32],
    first_seq: u64,
    records: Weak<Vec<Record>>,
}

/// The runs read from each WAL file by the stores of this process, by path and file
/// identity (device and inode; a WAL grows, so not its length): the writer's snapshot and
/// every read snapshot beside it hold the unsealed tail once. A run is taken again only when
/// the bytes at its offsets hash the same as when it was read (a WAL cut back or rewritten
/// is read anew), and only while a store holds it.
type Pieces = HashMap<PathBuf, ((u64, u64), Vec<Piece>)>;

static PIECES: Mutex<Option<Pieces>> = Mutex::new(None);

#[cfg(unix)]
fn file_key(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn file_key(_: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// A torn (incompletely written) end of a WAL file: what a crash leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    /// WAL file.
    pub path: PathBuf,
    /// Offset of the first incomplete frame.
    pub offset: u64,
    /// Bytes after that offset.
    pub bytes: u64,
    /// Seq the first lost record would have had.
    pub next_seq: u64,
    /// Lower bound of the number of lost records (frame headers seen, at least 1).
    pub records: u64,
}

/// What reading the WAL found.
#[derive(Debug, Default, Clone)]
pub struct WalScan {
    /// WAL files in seq order.
    pub files: Vec<PathBuf>,
    /// Records, in seq order, including those already sealed (callers skip them).
    pub records: Records,
    /// Per file: (path, first seq, good length in bytes).
    pub extents: Vec<(PathBuf, u64, u64)>,
    /// Torn tail of the last file, if any.
    pub torn: Option<TornTail>,
    /// Damage that a crash cannot explain: (path, offset, what).
    pub corrupt: Vec<(PathBuf, u64, String)>,
}

/// Name of the WAL file whose first record is `seq`.
pub fn wal_name(seq: u64) -> String {
    format!("{seq:020}.wal")
}

/// Append a record frame whose payload `payload_writer` writes; returns the payload's range.
#[cfg(test)]
pub(crate) fn frame_into(
    out: &mut Vec<u8>,
    payload_writer: impl FnOnce(&mut Vec<u8>),
) -> std::ops::Range<usize> {
    let range = frame_open(out, payload_writer);
    fill_crcs(&mut out[range.start - 8..]);
    range
}

/// [`frame_into`] with the CRC left 0: the writer fills it in ([`fill_crcs`])
/// only for the frames that go to the WAL file as they are (a block worker
/// does not need it).
pub(crate) fn frame_open(
    out: &mut Vec<u8>,
    payload_writer: impl FnOnce(&mut Vec<u8>),
) -> std::ops::Range<usize> {
    let start = out.len();
    out.extend_from_slice(&[0u8; 8]);
    payload_writer(out);
    let len = (out.len() - start - 8) as u32;
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
    start + 8..out.len()
}

/// Set the CRC of every frame in `frames` (whole frames, back to back).
pub(crate) fn fill_crcs(frames: &mut [u8]) {
    let mut pos = 0usize;
    while frames.len() - pos >= 8 {
        let len = u32::from_le_bytes([
            frames[pos],
            frames[pos + 1],
            frames[pos + 2],
            frames[pos + 3],
        ]) as usize;
        let Some(payload) = frames.get(pos + 8..pos + 8 + len) else {
            return;
        };
        let crc = crc32c::crc32c(payload);
        frames[pos + 4..pos + 8].copy_from_slice(&crc.to_le_bytes());
        pos += 8 + len;
    }
}

/// The 8 bytes that go before `block` (header + compressed data, as made for the
/// segment) to make it a block frame.
pub(crate) fn block_frame_header(block: &[u8]) -> [u8; 8] {
    let mut h = [0u8; 8];
    h[..4].copy_from_slice(&(block.len() as u32).to_le_bytes());
    h[4..].copy_from_slice(&crc32c::crc32c(block).to_le_bytes());
    h
}

/// Append a block frame holding `block`.
#[cfg(test)]
pub(crate) fn block_frame_into(out: &mut Vec<u8>, block: &[u8]) {
    out.extend_from_slice(&block_frame_header(block));
    out.extend_from_slice(block);
}

/// Whether a frame's payload is a block (else a canonical record).
fn is_block(payload: &[u8]) -> bool {
    payload.starts_with(crate::block::BLOCK_MAGIC)
}

/// The records of a block frame's payload, which must start at seq `expect`.
fn block_records(payload: &[u8], expect: u64) -> std::result::Result<Vec<Record>, String> {
    let (h, hlen) =
        crate::block::BlockHeader::decode(payload).map_err(|e| format!("block frame: {e}"))?;
    let comp = &payload[hlen..];
    if comp.len() != h.comp_len as usize {
        return Err("block frame: compressed length does not match its header".into());
    }
    if h.first_seq != expect {
        return Err(format!(
            "block of records {}.. where {expect} was expected",
            h.first_seq
        ));
    }
    let data =
        crate::block::BlockData::decode(&h, comp).map_err(|e| format!("block frame: {e}"))?;
    let mut out = Vec::with_capacity(h.count as usize);
    let mut it = data.records();
    for r in it.by_ref() {
        let r = r.map_err(|e| format!("block frame: {e}"))?;
        let want = expect + out.len() as u64;
        if r.seq != want || want == u64::MAX {
            return Err(format!(
                "block frame: record seq {} where {want} was expected",
                r.seq
            ));
        }
        out.push(r.to_record());
    }
    if out.len() != h.count as usize || out.is_empty() || it.trailing() {
        return Err("block frame: record count does not match its header".into());
    }
    Ok(out)
}

/// Read every WAL file under `dir`.
pub fn scan(dir: &Path) -> Result<WalScan> {
    let mut out = WalScan::default();
    let mut names: Vec<(u64, PathBuf)> = Vec::new();
    match std::fs::read_dir(dir) {
        Ok(rd) => {
            for e in rd {
                let e = e.ctx("list", dir)?;
                let name = e.file_name();
                let Some(n) = name.to_str() else { continue };
                if let Some(stem) = n.strip_suffix(".wal")
                    && let Ok(seq) = stem.parse::<u64>()
                {
                    names.push((seq, e.path()));
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(crate::Error::io("list", dir, e)),
    }
    names.sort();
    let last_idx = names.len().saturating_sub(1);
    for (i, (first, path)) in names.into_iter().enumerate() {
        let read = std::fs::File::open(&path).and_then(|mut f| {
            let key = file_key(&f.metadata()?);
            let mut d = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut d)?;
            Ok((key, d))
        });
        let (key, data) = match read {
            Ok(d) => d,
            // removed since it was listed: its records are sealed (a reader
            // running beside the writer finds them in the segment)
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(crate::Error::io("read wal", &path, e)),
        };
        scan_file(&mut out, path, first, &data, i == last_idx, Some(key));
    }
    Ok(out)
}

/// The runs of records another store of this process read from the start of `data` (the
/// WAL file `path`, identity `key`) and still holds, each checked against the bytes now
/// there: the records and where they end (bytes, next seq).
fn shared_prefix(
    path: &Path,
    key: (u64, u64),
    first: u64,
    data: &[u8],
) -> (Vec<Arc<Vec<Record>>>, Vec<Piece>, usize, u64) {
    // copied out under the lock, checked (hashed) outside it
    let offered: Vec<(Piece, Option<Arc<Vec<Record>>>)> = {
        let g = PIECES.lock().unwrap_or_else(|e| e.into_inner());
        match g.as_ref().and_then(|m| m.get(path)) {
            Some((k, pieces)) if *k == key => pieces
                .iter()
                .map(|p| {
                    let piece = Piece {
                        bytes: p.bytes.clone(),
                        sha: p.sha,
                        first_seq: p.first_seq,
                        records: p.records.clone(),
                    };
                    (piece, p.records.upgrade())
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut runs = Vec::new();
    let mut kept = Vec::new();
    let (mut pos, mut expect) = (0usize, first);
    for (p, recs) in offered {
        let Some(recs) = recs else {
            break;
        };
        if p.bytes.start != pos
            || p.first_seq != expect
            || p.bytes.end > data.len()
            || sha2::Sha256::digest(&data[p.bytes.clone()]).as_slice() != p.sha
        {
            break;
        }
        pos = p.bytes.end;
        expect += recs.len() as u64;
        runs.push(recs);
        kept.push(p);
    }
    (runs, kept, pos, expect)
}

/// Scan the frames of one WAL file into `out` (records, extent, torn tail or damage). With
/// `shared` (the file's identity), runs of records that another store of this process read
/// from the same bytes are taken as they are, and the records read here are offered to the
/// next store.
fn scan_file(
    out: &mut WalScan,
    path: PathBuf,
    first: u64,
    data: &[u8],
    is_last: bool,
    shared: Option<(u64, u64)>,
) {
    let (runs, mut kept, mut pos, mut expect) = match shared {
        Some(key) => shared_prefix(&path, key, first, data),
        None => (Vec::new(), Vec::new(), 0, first),
    };
    for r in runs {
        let n = r.len();
        out.records.push_run(r, 0..n);
    }
    let (start, start_seq) = (pos, expect);
    let mut fresh: Vec<Record> = Vec::new();
    loop {
        if pos == data.len() {
            break;
        }
        let rest = &data[pos..];
        let frame = (rest.len() >= 8)
            .then(|| {
                let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
                let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
                (len, crc)
            })
            .filter(|(len, _)| rest.len() - 8 >= *len)
            .filter(|(len, crc)| crc32c::crc32c(&rest[8..8 + len]) == *crc);
        let Some((len, _)) = frame else {
            // incomplete or bad frame: a torn tail if nothing valid follows
            let bytes = (data.len() - pos) as u64;
            let mut frames = 0u64;
            let mut p = pos;
            while p <= data.len() && data.len() - p >= 8 {
                frames += 1;
                let l =
                    u32::from_le_bytes([data[p], data[p + 1], data[p + 2], data[p + 3]]) as usize;
                p = p.saturating_add(8 + l);
            }
            if is_last {
                out.torn = Some(TornTail {
                    path: path.clone(),
                    offset: pos as u64,
                    bytes,
                    next_seq: expect,
                    records: frames.max(1),
                });
            } else {
                out.corrupt.push((
                    path.clone(),
                    pos as u64,
                    "bad frame in a wal file that is not the newest".into(),
                ));
            }
            break;
        };
        let payload = &rest[8..8 + len];
        if is_block(payload) {
            match block_records(payload, expect) {
                Ok(rs) => {
                    expect += rs.len() as u64;
                    fresh.extend(rs);
                }
                Err(e) => {
                    out.corrupt.push((path.clone(), pos as u64, e));
                    break;
                }
            }
            pos += 8 + len;
            continue;
        }
        match decode_canonical(payload) {
            Ok(r) if r.seq == expect && expect < u64::MAX => {
                fresh.push(r);
                expect += 1;
            }
            Ok(r) => {
                out.corrupt.push((
                    path.clone(),
                    pos as u64,
                    format!("record seq {} where {expect} was expected", r.seq),
                ));
                break;
            }
            Err(e) => {
                out.corrupt.push((path.clone(), pos as u64, e.to_string()));
                break;
            }
        }
        pos += 8 + len;
    }
    if !fresh.is_empty() {
        fresh.shrink_to_fit();
        let n = fresh.len();
        let fresh = Arc::new(fresh);
        if shared.is_some() {
            // `pos` is where the last good frame ends
            kept.push(Piece {
                sha: sha2::Sha256::digest(&data[start..pos]).into(),
                bytes: start..pos,
                first_seq: start_seq,
                records: Arc::downgrade(&fresh),
            });
        }
        out.records.push_run(fresh, 0..n);
    }
    if let Some(key) = shared {
        let mut g = PIECES.lock().unwrap_or_else(|e| e.into_inner());
        let m = g.get_or_insert_with(HashMap::new);
        m.insert(path.clone(), (key, kept));
        // files no store holds a run of any more (sealed and removed) leave the registry
        m.retain(|_, (_, ps)| ps.iter().any(|p| p.records.strong_count() > 0));
    }
    let good = out
        .torn
        .as_ref()
        .filter(|t| t.path == path)
        .map(|t| t.offset)
        .unwrap_or(pos as u64);
    out.extents.push((path.clone(), first, good));
    out.files.push(path);
}

/// Decode the bytes of one WAL file whose first record has seq `first`, as
/// the newest WAL file (a bad frame at the end is a torn tail). Never panics.
pub fn decode(first: u64, data: &[u8]) -> WalScan {
    let mut out = WalScan::default();
    scan_file(
        &mut out,
        PathBuf::from(wal_name(first)),
        first,
        data,
        true,
        None,
    );
    out
}

/// Background fsync of the WAL: the writer writes a group to the file and
/// [`Syncer::request`]s an fsync, then goes on hashing the next records;
/// [`Syncer::wait`] blocks until everything requested so far is on disk.
/// Requests coalesce (one `fdatasync` covers every write before it). A
/// failed fsync is sticky: every later wait reports it, since what reached
/// the disk is unknown.
pub(crate) struct Syncer {
    shared: std::sync::Arc<(std::sync::Mutex<SyncState>, std::sync::Condvar)>,
    handle: Option<std::thread::JoinHandle<()>>,
}

struct SyncState {
    file: std::sync::Arc<std::fs::File>,
    path: PathBuf,
    requested: u64,
    done: u64,
    error: Option<String>,
    stop: bool,
}

impl std::fmt::Debug for Syncer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Syncer").finish_non_exhaustive()
    }
}

fn sync_failed(e: &str) -> crate::Error {
    crate::Error::new(crate::ErrorKind::Io, e.to_owned())
}

impl Syncer {
    /// Start syncing `file` (a handle on the WAL at `path`).
    pub(crate) fn start(
        file: &std::fs::File,
        path: &Path,
        durability: std::sync::Arc<dyn crate::durable::Durability>,
    ) -> Result<Syncer> {
        let state = SyncState {
            file: std::sync::Arc::new(file.try_clone().ctx("open wal", path)?),
            path: path.to_path_buf(),
            requested: 0,
            done: 0,
            error: None,
            stop: false,
        };
        let shared = std::sync::Arc::new((std::sync::Mutex::new(state), std::sync::Condvar::new()));
        let s2 = shared.clone();
        let handle = std::thread::Builder::new()
            .name("vault-fsync".into())
            .spawn(move || {
                let (lock, cv) = &*s2;
                let mut st = lock.lock().unwrap_or_else(|p| p.into_inner());
                loop {
                    while st.requested == st.done && !st.stop {
                        st = cv.wait(st).unwrap_or_else(|p| p.into_inner());
                    }
                    if st.requested == st.done {
                        return; // stopped, nothing pending
                    }
                    let target = st.requested;
                    let file = st.file.clone();
                    let path = st.path.clone();
                    drop(st);
                    let r = durability.sync_file(&file, &path, crate::durable::Target::Wal);
                    st = lock.lock().unwrap_or_else(|p| p.into_inner());
                    if let Err(e) = r
                        && st.error.is_none()
                    {
                        st.error = Some(crate::Error::io("fsync wal", &path, e).to_string());
                    }
                    st.done = target;
                    cv.notify_all();
                }
            })
            .map_err(|e| {
                crate::Error::new(crate::ErrorKind::Io, format!("start wal fsync thread: {e}"))
            })?;
        Ok(Syncer {
            shared,
            handle: Some(handle),
        })
    }

    /// Ask for an fsync of everything written so far; returns its ticket.
    pub(crate) fn request(&self) -> u64 {
        let (lock, cv) = &*self.shared;
        let mut st = lock.lock().unwrap_or_else(|p| p.into_inner());
        st.requested += 1;
        cv.notify_all();
        st.requested
    }

    /// Wait until the fsync of `ticket` (and every one before it) is done.
    pub(crate) fn wait(&self, ticket: u64) -> Result<()> {
        let (lock, cv) = &*self.shared;
        let mut st = lock.lock().unwrap_or_else(|p| p.into_inner());
        while st.done < ticket && st.error.is_none() {
            st = cv.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        match &st.error {
            Some(e) => Err(sync_failed(e)),
            None => Ok(()),
        }
    }

    /// The last ticket whose fsync is done (without waiting).
    pub(crate) fn done(&self) -> Result<u64> {
        let (lock, _) = &*self.shared;
        let st = lock.lock().unwrap_or_else(|p| p.into_inner());
        match &st.error {
            Some(e) => Err(sync_failed(e)),
            None => Ok(st.done),
        }
    }

    /// Sync `file` from now on (after a WAL rotation; call [`Syncer::wait`] first).
    pub(crate) fn set_file(&self, file: &std::fs::File, path: &Path) -> Result<()> {
        let f = std::sync::Arc::new(file.try_clone().ctx("open wal", path)?);
        let (lock, _) = &*self.shared;
        let mut st = lock.lock().unwrap_or_else(|p| p.into_inner());
        st.file = f;
        st.path = path.to_path_buf();
        Ok(())
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        {
            let (lock, cv) = &*self.shared;
            let mut st = lock.lock().unwrap_or_else(|p| p.into_inner());
            st.stop = true;
            cv.notify_all();
        }
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_reads_frames_and_reports_a_torn_tail() {
        let mut b = Vec::new();
        for seq in 5..8u64 {
            frame_into(&mut b, |out| {
                crate::record::canonical_into(out, seq, 1, "s", "-", "file", b"raw")
            });
        }
        let whole = decode(5, &b);
        assert_eq!(whole.records.len(), 3);
        assert!(whole.torn.is_none() && whole.corrupt.is_empty());
        for cut in 1..b.len() {
            let w = decode(5, &b[..cut]);
            assert!(w.records.len() < 3);
            assert!(w.torn.is_some() || cut % (b.len() / 3) == 0, "cut {cut}");
        }
        // a record whose seq does not follow is damage, not a torn tail
        let w = decode(4, &b);
        assert!(w.records.is_empty() && w.corrupt.len() == 1);
    }

    fn rec(seq: u64) -> Record {
        Record {
            seq,
            received_ns: 1_772_352_000_000_000_000 + seq as i64,
            source: format!("fw{}", seq % 2),
            peer: "192.0.2.1:514".into(),
            transport: "tcp".into(),
            raw: format!("<34>1 2026-03-01T08:00:00Z fw sshd - - - record {seq}").into_bytes(),
        }
    }

    /// A block of the records `seqs`, as a block worker makes it.
    fn block(seqs: Range<u64>) -> Vec<u8> {
        let mut b = crate::block::BlockBuilder::new(seqs.start);
        let mut parsed = crate::parse::Parsed::empty();
        for seq in seqs {
            let r = rec(seq);
            let inc = r.incoming();
            crate::parse::parse_index_into(&r.raw, r.received_at(), &mut parsed);
            b.push_seq(seq, &inc, &parsed);
        }
        let mut zc = crate::tuning::block_compressor().unwrap();
        let mut out = Vec::new();
        b.finish(&mut zc, &mut out).unwrap();
        out
    }

    fn raw_frames(out: &mut Vec<u8>, seqs: Range<u64>) {
        for seq in seqs {
            frame_into(out, |o| rec(seq).canonical_into(o));
        }
    }

    /// Block frames, record frames and a torn block frame at the end: the records up to
    /// the last whole frame, the same as record frames would give, and a torn tail.
    #[test]
    fn block_frames_read_as_their_records_and_a_torn_one_is_a_torn_tail() {
        let mut b = Vec::new();
        block_frame_into(&mut b, &block(5..9));
        raw_frames(&mut b, 9..11);
        block_frame_into(&mut b, &block(11..20));
        let whole_end = b.len();
        block_frame_into(&mut b, &block(20..30));
        let w = decode(5, &b);
        assert!(w.torn.is_none() && w.corrupt.is_empty(), "{:?}", w.corrupt);
        let want: Vec<Record> = (5..30).map(rec).collect();
        assert_eq!(w.records.iter().cloned().collect::<Vec<_>>(), want);
        // every cut inside the last block frame: 5..20 recovered, the rest a torn tail
        for cut in [whole_end + 1, whole_end + 8, whole_end + 40, b.len() - 1] {
            let w = decode(5, &b[..cut]);
            assert!(w.corrupt.is_empty());
            assert_eq!(w.records.len(), 15, "cut {cut}");
            assert_eq!(w.records.last(), Some(&rec(19)));
            let t = w.torn.expect("torn tail");
            assert_eq!((t.offset, t.next_seq), (whole_end as u64, 20));
            assert_eq!(w.extents[0].2, whole_end as u64);
        }
    }

    /// A block frame whose records do not follow (a duplicate of records already read, or
    /// a gap) or whose block does not decode is damage, never skipped.
    #[test]
    fn a_block_frame_out_of_order_or_damaged_is_corruption() {
        let mut b = Vec::new();
        raw_frames(&mut b, 0..4);
        block_frame_into(&mut b, &block(2..6)); // records 2 and 3 twice
        let w = decode(0, &b);
        assert_eq!(w.records.len(), 4);
        assert!(w.torn.is_none());
        assert_eq!(w.corrupt.len(), 1, "{:?}", w.corrupt);
        assert!(
            w.corrupt[0].2.contains("2.. where 4 was expected"),
            "{:?}",
            w.corrupt
        );
        // a block whose bytes are damaged under a matching frame CRC
        let mut blk = block(4..8);
        let n = blk.len();
        blk[n - 3] ^= 0x55;
        let mut c = Vec::new();
        raw_frames(&mut c, 0..4);
        block_frame_into(&mut c, &blk);
        let w = decode(0, &c);
        assert_eq!(
            (w.records.len(), w.corrupt.len()),
            (4, 1),
            "{:?}",
            w.corrupt
        );
        assert!(w.torn.is_none());
    }

    /// In a WAL file that is not the newest, a bad block frame is corruption, not a torn tail.
    #[test]
    fn a_bad_block_frame_in_an_older_wal_file_is_corruption() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = Vec::new();
        block_frame_into(&mut first, &block(0..10));
        block_frame_into(&mut first, &block(10..20));
        let mut second = Vec::new();
        block_frame_into(&mut second, &block(20..30));
        std::fs::write(dir.path().join(wal_name(20)), &second).unwrap();
        // whole: 30 records
        std::fs::write(dir.path().join(wal_name(0)), &first).unwrap();
        let w = scan(dir.path()).unwrap();
        assert_eq!(w.records.len(), 30);
        assert!(w.corrupt.is_empty() && w.torn.is_none());
        // one byte of the second block frame flipped (its CRC no longer matches)
        let at = first.len() - 100;
        first[at] ^= 1;
        std::fs::write(dir.path().join(wal_name(0)), &first).unwrap();
        let w = scan(dir.path()).unwrap();
        assert!(w.torn.is_none());
        assert_eq!(w.corrupt.len(), 1, "{:?}", w.corrupt);
        assert!(w.corrupt[0].2.contains("not the newest"), "{:?}", w.corrupt);
        // cut short: also corruption in an older file
        first.truncate(at);
        std::fs::write(dir.path().join(wal_name(0)), &first).unwrap();
        let w = scan(dir.path()).unwrap();
        assert!(w.torn.is_none() && w.corrupt.len() == 1, "{:?}", w.corrupt);
    }

    /// The writer replays a WAL of block frames, record frames and a torn block frame:
    /// it recovers the records up to the last whole frame, reports the torn tail, and
    /// the vault verifies intact after sealing them.
    #[test]
    fn the_writer_replays_block_frames_and_cuts_a_torn_block_frame() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("v");
        crate::Vault::init(&d, &crate::InitOptions::default())
            .unwrap()
            .close()
            .unwrap();
        let mut b = Vec::new();
        block_frame_into(&mut b, &block(0..7));
        raw_frames(&mut b, 7..9);
        block_frame_into(&mut b, &block(9..15));
        let good = b.len();
        block_frame_into(&mut b, &block(15..40));
        b.truncate(b.len() - 10);
        std::fs::write(d.join("wal").join(wal_name(0)), &b).unwrap();
        let v = crate::Vault::open(&d).unwrap();
        let t = v.recovered_tail().expect("torn tail reported").clone();
        assert_eq!((t.offset, t.next_seq), (good as u64, 15));
        // the 15 records, then the vault's own record of the recovery
        assert_eq!(v.next_seq(), 16);
        v.close().unwrap();
        let store = crate::Store::open(&d).unwrap();
        let mut v = crate::Vault::open(&d).unwrap();
        v.seal().unwrap();
        drop(v);
        let sealed = crate::Store::open(&d).unwrap();
        assert_eq!(sealed.segments().len(), 1);
        let got: Vec<Record> = sealed.records(0..15).map(|r| r.unwrap().record).collect();
        for seq in 0..15 {
            assert_eq!(store.unsealed()[seq as usize], rec(seq));
            assert_eq!(got[seq as usize], rec(seq));
        }
        let r = crate::verify(&sealed, &crate::VerifyOptions::default()).unwrap();
        assert!(r.is_intact(), "{:#?}", r.findings);
    }
}
