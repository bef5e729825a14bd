//! Paths of the files in a data directory, and readers of the two
//! checkpoint files that both the reader and the writer load.

use std::path::{Path, PathBuf};

use crate::note::{CheckpointLog, SignedCheckpoint, parse_checkpoint_log};
use crate::{Error, Result};

/// Paths of the files in a data directory.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Data directory.
    pub dir: PathBuf,
}

impl Layout {
    /// `vault.toml`.
    pub fn config(&self) -> PathBuf {
        self.dir.join("vault.toml")
    }
    /// `keys/`.
    pub fn keys(&self) -> PathBuf {
        self.dir.join("keys")
    }
    /// `wal/`.
    pub fn wal(&self) -> PathBuf {
        self.dir.join("wal")
    }
    /// `seg/`.
    pub fn seg(&self) -> PathBuf {
        self.dir.join("seg")
    }
    /// `tombstones/`.
    pub fn tombstones(&self) -> PathBuf {
        self.dir.join("tombstones")
    }
    /// `checkpoints.log`: every checkpoint ever signed.
    pub fn checkpoint_log(&self) -> PathBuf {
        self.dir.join("checkpoints.log")
    }
    /// `checkpoint`: the latest checkpoint.
    pub fn checkpoint(&self) -> PathBuf {
        self.dir.join("checkpoint")
    }
    /// `lock`: the writer lock.
    pub fn lock(&self) -> PathBuf {
        self.dir.join("lock")
    }
}

/// Read `checkpoints.log`; with a live writer, only its complete entries
/// (the one being appended is not torn, just unfinished).
pub(super) fn read_checkpoint_log(p: &Path, live: bool) -> Result<CheckpointLog> {
    match std::fs::read(p) {
        Ok(mut b) => {
            if live {
                b.truncate(crate::note::complete_prefix(&b));
            }
            Ok(parse_checkpoint_log(&String::from_utf8_lossy(&b)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(CheckpointLog::default()),
        Err(e) => Err(Error::io("read", p, e)),
    }
}

/// Read the `checkpoint` file (replaced atomically by the writer).
pub(super) fn read_latest(p: &Path) -> Result<Option<SignedCheckpoint>> {
    match std::fs::read_to_string(p) {
        Ok(t) => SignedCheckpoint::parse(&t).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("read", p, e)),
    }
}
