//! Durable file operations: tmp + fsync + rename + directory fsync.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::Result;
use crate::error::IoCtx;

#[cfg(unix)]
fn set_mode(opts: &mut OpenOptions, mode: u32) {
    use std::os::unix::fs::OpenOptionsExt;
    opts.mode(mode);
}

#[cfg(not(unix))]
fn set_mode(_opts: &mut OpenOptions, _mode: u32) {}

/// fsync a directory so a rename or create in it is durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let f = File::open(dir).ctx("open directory", dir)?;
        f.sync_all().ctx("fsync directory", dir)?;
    }
    let _ = dir;
    Ok(())
}

pub(crate) fn create_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).ctx("create directory", dir)
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

/// Write `data` to `path` atomically with the given mode.
pub(crate) fn write_atomic(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".tmp-{name}"));
    let _ = fs::remove_file(&tmp);
    {
        let mut o = OpenOptions::new();
        o.write(true).create_new(true);
        set_mode(&mut o, 0o600);
        let mut f = o.open(&tmp).ctx("create", &tmp)?;
        f.write_all(data).ctx("write", &tmp)?;
        f.sync_all().ctx("fsync", &tmp)?;
    }
    chmod(&tmp, mode)?;
    fs::rename(&tmp, path).ctx("rename into place", path)?;
    sync_dir(dir)
}

/// Write a private file (0600), atomically.
pub(crate) fn write_private(path: &Path, data: &[u8]) -> Result<()> {
    write_atomic(path, data, 0o600)
}

/// Append to a file and fsync it.
pub(crate) fn append_sync(path: &Path, data: &[u8]) -> Result<()> {
    let mut f = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .ctx("open for append", path)?;
    f.write_all(data).ctx("append", path)?;
    f.sync_data().ctx("fsync", path)
}
