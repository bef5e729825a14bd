//! `wangan profile …` and `wangan assess` through the real binary.

mod edges;
mod oscal;
mod profile;
mod profiles;
mod world;

use std::path::Path;
use std::process::{Command, Output};

/// Run the real `wangan` binary in `dir` with a clean environment.
pub fn wangan_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wangan"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("WANGAN_LOG")
        .env_remove("WANGAN_DATA_DIR")
        .env("LANG", "C")
        .output()
        .unwrap_or_else(|e| panic!("cannot run wangan: {e}"))
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exit code (-1 when killed by a signal).
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// A fresh temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// Write a file, creating its folder.
pub fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("mkdir {}: {e}", d.display()));
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}
