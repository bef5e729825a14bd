//! Write-ahead log of unsealed records: `wal/<first seq:020>.wal`, frames
//! `{len u32, crc32c u32, payload}` (little-endian; payload = the canonical
//! record), fsynced per group commit.

use std::path::{Path, PathBuf};

use crate::Result;
use crate::error::IoCtx;
use crate::record::{Record, decode_canonical};

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
    pub records: Vec<Record>,
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

pub(crate) fn frame_into(
    out: &mut Vec<u8>,
    payload_writer: impl FnOnce(&mut Vec<u8>),
) -> std::ops::Range<usize> {
    let start = out.len();
    out.extend_from_slice(&[0u8; 8]);
    payload_writer(out);
    let len = (out.len() - start - 8) as u32;
    let crc = crc32c::crc32c(&out[start + 8..]);
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
    out[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
    start + 8..out.len()
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
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            // removed since it was listed: its records are sealed (a reader
            // running beside the writer finds them in the segment)
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(crate::Error::io("read wal", &path, e)),
        };
        scan_file(&mut out, path, first, &data, i == last_idx);
    }
    Ok(out)
}

/// Scan the frames of one WAL file into `out` (records, extent, torn tail or damage).
fn scan_file(out: &mut WalScan, path: PathBuf, first: u64, data: &[u8], is_last: bool) {
    let mut pos = 0usize;
    let mut expect = first;
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
        match decode_canonical(&rest[8..8 + len]) {
            Ok(r) if r.seq == expect && expect < u64::MAX => {
                out.records.push(r);
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
    scan_file(&mut out, PathBuf::from(wal_name(first)), first, data, true);
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
}
