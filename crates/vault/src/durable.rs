//! The durability seam: every fsync, rename and removal the writer makes
//! goes through one [`Durability`] object held by the [`crate::Vault`], and
//! every acknowledgement it gives is announced to it ([`Ack`]).
//!
//! The real implementation ([`Os`]) is the default: one virtual call in
//! front of each `fsync`/`rename`/`unlink`, nothing else (no allocation, no
//! lock), which is nothing beside the system call. Tests substitute their own
//! to observe the order of syncs and acknowledgements (every acknowledgement
//! comes after the sync that covers it) or to leave out one kind of sync and
//! prove that the power-loss test catches the loss.
//!
//! The rule the writer keeps: a record is acknowledged (returned by
//! [`crate::Vault::sync`], [`crate::Vault::commit`] or
//! [`crate::Vault::poll_durable`], or covered by a written checkpoint) only
//! after the WAL bytes holding it were synced with [`Durability::sync_file`]
//! and the WAL file's directory entry was synced with
//! [`Durability::sync_dir`]; a file renamed into place, created or removed
//! counts only after the sync of its directory.

use std::fs::File;
use std::io;
use std::path::Path;

/// Which file of the data directory a sync, rename or removal is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Target {
    /// A WAL file (`wal/*.wal`) and the `wal/` directory.
    Wal,
    /// A sealed segment (`seg/*.seg`) and the `seg/` directory.
    Segment,
    /// `checkpoints.log`, the append-only log of signed checkpoints.
    CheckpointLog,
    /// The `checkpoint` file (latest checkpoint, replaced atomically) and
    /// the data directory it lives in.
    Checkpoint,
    /// A tombstone (`tombstones/*.tomb`) and its directory.
    Tombstone,
    /// Key files (`keys/`).
    Keys,
    /// `vault.toml` and the data directory at initialisation.
    Config,
}

/// An acknowledgement the writer is about to give; the syncs that cover it
/// have returned.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Ack<'a> {
    /// Records `0..size` are durable: they are in segments or in the WAL,
    /// whose open file `wal` is synced up to `wal_len` bytes.
    Durable {
        /// Durable tree size.
        size: u64,
        /// The open WAL file.
        wal: &'a Path,
        /// Bytes of `wal` the acknowledgement relies on.
        wal_len: u64,
    },
    /// Records `0..size` are durable because the sealed segment `segment`, which
    /// holds the last of them, is: its data synced and its name in a synced
    /// `seg/` (a lazy seal, whose last blocks were in no WAL).
    Sealed {
        /// Durable tree size (the segment's end).
        size: u64,
        /// The segment file.
        segment: &'a Path,
    },
    /// A signed checkpoint over `size` records was appended to
    /// `checkpoints.log` and written to `checkpoint`.
    Checkpoint {
        /// Its tree size.
        size: u64,
        /// Its text (a signed note).
        text: &'a str,
    },
}

/// File syncs and directory operations of the vault writer.
///
/// Every method has the real behaviour as its default, so an
/// implementation overrides only what it observes or changes.
pub trait Durability: Send + Sync + std::fmt::Debug {
    /// Make the data of `file` (at `path`) durable: `fdatasync`.
    fn sync_file(&self, file: &File, path: &Path, target: Target) -> io::Result<()> {
        let _ = (path, target);
        file.sync_data()
    }

    /// Make the entries of directory `dir` durable (after a create, rename
    /// or removal in it): `fsync` of the directory.
    fn sync_dir(&self, dir: &Path, target: Target) -> io::Result<()> {
        let _ = target;
        sync_dir_os(dir)
    }

    /// Rename `from` to `to` (durable only after [`Durability::sync_dir`]).
    fn rename(&self, from: &Path, to: &Path, target: Target) -> io::Result<()> {
        let _ = target;
        std::fs::rename(from, to)
    }

    /// Remove the file `path` (durable only after [`Durability::sync_dir`]).
    fn remove_file(&self, path: &Path, target: Target) -> io::Result<()> {
        let _ = target;
        std::fs::remove_file(path)
    }

    /// Called just before the writer acknowledges `ack`; every sync that
    /// covers it has returned. The default does nothing.
    fn acknowledged(&self, ack: &Ack<'_>) {
        let _ = ack;
    }
}

/// `fsync` of a directory (nothing on platforms without one).
fn sync_dir_os(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()?;
    }
    let _ = dir;
    Ok(())
}

/// The real thing: the operating system's `fdatasync`, `fsync`, `rename`
/// and `unlink`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Os;

impl Durability for Os {}

/// The shared default ([`Os`]).
pub fn os() -> std::sync::Arc<dyn Durability> {
    std::sync::Arc::new(Os)
}
