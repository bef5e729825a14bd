//! Integration tests of the `wangan` binary: one test target, one module per
//! command group. Every test runs the real binary.

mod law;

use std::process::{Command, Output};

/// Run the real `wangan` binary with `args`, in an environment that does not
/// leak the developer's settings (language, colour).
pub fn wangan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wangan"))
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("WANGAN_LOG")
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
