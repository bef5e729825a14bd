//! What the stores of one process share: a sealed segment's opened file (its footer with
//! the tiles, a few hundred KiB at 64 MiB segments) never changes, so every [`Store`] of
//! the process that lists the same file holds the same [`SegmentFile`] — the writer's own
//! snapshot and the console's read snapshots read a footer once, not once each.
//!
//! The registry holds weak references: a segment file stays in memory exactly as long as a
//! store lists it. An entry is used only for the same path with the same file identity
//! (device, inode, length, modification and status-change times), so a file replaced under
//! the same name (a restore) or written in place is read again: the status-change time moves
//! with every write and cannot be set back, even where the modification time is.
//!
//! [`Store`]: super::Store

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use crate::Result;
use crate::error::IoCtx;
use crate::segment::SegmentFile;

/// Which file a path named when it was read: (device, inode, length, modification and
/// status-change times in ns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FileId(u64, u64, u64, i128, i128);

impl FileId {
    /// The identity of the file at `path` now.
    pub(super) fn of(path: &Path) -> Result<FileId> {
        let m = std::fs::metadata(path).ctx("stat", path)?;
        Ok(FileId::from_meta(&m))
    }

    #[cfg(unix)]
    fn from_meta(m: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId(
            m.dev(),
            m.ino(),
            m.len(),
            i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
            i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
        )
    }

    #[cfg(not(unix))]
    fn from_meta(m: &std::fs::Metadata) -> FileId {
        let t = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        FileId(0, 0, m.len(), t, t)
    }
}

type Segments = HashMap<PathBuf, (FileId, Weak<SegmentFile>)>;

static SEGMENTS: Mutex<Option<Segments>> = Mutex::new(None);

/// The segment file at `path`: the one another store of this process holds, if it is the
/// same file, else opened now (and offered to the next store).
pub(super) fn segment(path: &Path) -> Result<Arc<SegmentFile>> {
    let id = FileId::of(path)?;
    let held = {
        let g = SEGMENTS.lock().unwrap_or_else(|e| e.into_inner());
        g.as_ref()
            .and_then(|m| m.get(path))
            .filter(|(was, _)| *was == id)
            .and_then(|(_, w)| w.upgrade())
    };
    if let Some(s) = held {
        return Ok(s);
    }
    let s = Arc::new(SegmentFile::open(path)?);
    // the identity read before the open: a file replaced in between is not taken for this one
    // later (its identity differs from the one recorded), at worst it is read again
    let mut g = SEGMENTS.lock().unwrap_or_else(|e| e.into_inner());
    let m = g.get_or_insert_with(HashMap::new);
    // segments no store holds any more (pruned, or their stores dropped) leave the registry
    m.retain(|_, (_, w)| w.strong_count() > 0);
    m.insert(path.to_path_buf(), (id, Arc::downgrade(&s)));
    Ok(s)
}
