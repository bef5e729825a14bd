//! Durable file operations: tmp + fsync + rename + directory fsync, each
//! sync, rename and removal through the writer's [`Durability`] seam.
//!
//! Modes: every directory of a data directory is 0700 and every file 0600
//! (0400 once immutable: segments, tombstones, public keys), set explicitly
//! after creation so the umask never widens (or narrows) them.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::Result;
use crate::durable::{Durability, Target};
use crate::error::IoCtx;

#[cfg(unix)]
fn set_mode(opts: &mut OpenOptions, mode: u32) {
    use std::os::unix::fs::OpenOptionsExt;
    opts.mode(mode);
}

#[cfg(not(unix))]
fn set_mode(_opts: &mut OpenOptions, _mode: u32) {}

/// fsync a directory so a rename, create or removal in it is durable.
pub(crate) fn sync_dir(d: &dyn Durability, dir: &Path, t: Target) -> Result<()> {
    d.sync_dir(dir, t).ctx("fsync directory", dir)
}

/// fdatasync a file.
pub(crate) fn sync_file(d: &dyn Durability, f: &File, path: &Path, t: Target) -> Result<()> {
    d.sync_file(f, path, t).ctx("fsync", path)
}

/// Mode of the data directory and its subdirectories.
pub(crate) const DIR_MODE: u32 = 0o700;
/// Mode of the files the vault writes to (WAL, checkpoints, config, lock).
pub(crate) const FILE_MODE: u32 = 0o600;
/// Mode of files never written again (segments, tombstones, public keys).
pub(crate) const SEALED_MODE: u32 = 0o400;

/// Create `dir` (and missing parents) and make it private (0700).
pub(crate) fn create_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(dir)
            .ctx("create directory", dir)?;
    }
    #[cfg(not(unix))]
    fs::create_dir_all(dir).ctx("create directory", dir)?;
    chmod(dir, DIR_MODE)
}

/// Open `path` with `opts` (which should create it), private (0600)
/// whatever the umask.
pub(crate) fn open_private(opts: &mut OpenOptions, path: &Path) -> Result<File> {
    set_mode(opts, FILE_MODE);
    let f = opts.open(path).ctx("open", path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let m = f.metadata().ctx("stat", path)?.permissions().mode() & 0o7777;
        if m != FILE_MODE {
            f.set_permissions(fs::Permissions::from_mode(FILE_MODE))
                .ctx("chmod", path)?;
        }
    }
    Ok(f)
}

/// Create (or truncate) `path` as an empty private file.
pub(crate) fn create_private(path: &Path) -> Result<File> {
    open_private(
        OpenOptions::new().write(true).create(true).truncate(true),
        path,
    )
}

/// Set permissions (best effort on non-unix).
pub(crate) fn chmod(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).ctx("chmod", path)?;
    }
    let _ = (path, mode);
    Ok(())
}

/// Write `data` to `path` atomically with the given mode: a temporary file,
/// fsynced, renamed into place, and the directory fsynced.
pub(crate) fn write_atomic(
    d: &dyn Durability,
    path: &Path,
    data: &[u8],
    mode: u32,
    t: Target,
) -> Result<()> {
    write_atomic_parts(d, path, &[data], mode, t)
}

/// [`write_atomic`] of `parts` back to back (written one after the other,
/// never copied together).
pub(crate) fn write_atomic_parts(
    d: &dyn Durability,
    path: &Path,
    parts: &[&[u8]],
    mode: u32,
    t: Target,
) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".tmp-{name}"));
    let _ = fs::remove_file(&tmp);
    {
        let mut o = OpenOptions::new();
        o.write(true).create_new(true);
        set_mode(&mut o, 0o600);
        let mut f = o.open(&tmp).ctx("create", &tmp)?;
        for data in parts {
            f.write_all(data).ctx("write", &tmp)?;
        }
        sync_file(d, &f, &tmp, t)?;
    }
    chmod(&tmp, mode)?;
    d.rename(&tmp, path, t).ctx("rename into place", path)?;
    sync_dir(d, dir, t)
}

/// Write a private file (0600), atomically.
pub(crate) fn write_private(d: &dyn Durability, path: &Path, data: &[u8], t: Target) -> Result<()> {
    write_atomic(d, path, data, FILE_MODE, t)
}

/// Append to a (private) file and fsync it. A file created here is durable
/// only once its directory is synced (the caller's business).
pub(crate) fn append_sync(d: &dyn Durability, path: &Path, data: &[u8], t: Target) -> Result<()> {
    let mut f = open_private(OpenOptions::new().append(true).create(true), path)?;
    f.write_all(data).ctx("append", path)?;
    sync_file(d, &f, path, t)
}
