//! Errors of the vault library.

use std::path::Path;

/// What kind of failure an [`Error`] is. Stable: callers match on it to pick
/// exit codes and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The data directory holds no vault (no `vault.toml`).
    NotFound,
    /// A vault already exists where `init` was asked to create one.
    AlreadyExists,
    /// Reading or writing a file failed.
    Io,
    /// `vault.toml` or an argument is invalid (e.g. retention below the legal floor).
    Config,
    /// A file of the store is malformed (bad magic, CRC, truncated structure).
    Corrupt,
    /// A signature or key is invalid or unknown.
    Crypto,
    /// Another process holds the writer lock.
    Locked,
    /// An operation was refused on purpose (e.g. prune with an untrusted clock).
    Refused,
    /// A request referred to something that does not exist (e.g. a seq beyond the tree).
    OutOfRange,
    /// The store was written in a format version this build does not read.
    Unsupported,
    /// A record is larger than [`crate::MAX_RECORD_BYTES`]; nothing was stored.
    TooLarge,
}

/// An error of the vault library: a kind plus lowercase text saying what
/// failed and where (file path, segment, offset).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
    #[source]
    source: Option<std::io::Error>,
}

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// An I/O error on `path` while doing `what`.
    pub fn io(what: &str, path: &Path, err: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Io,
            message: format!("{what} {}: {err}", path.display()),
            source: Some(err),
        }
    }

    /// A corruption error in `path` at byte `offset`.
    pub fn corrupt(path: &Path, offset: u64, what: impl std::fmt::Display) -> Error {
        Error::new(
            ErrorKind::Corrupt,
            format!("{} at offset {offset}: {what}", path.display()),
        )
    }

    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attach a path to I/O results.
pub(crate) trait IoCtx<T> {
    fn ctx(self, what: &str, path: &Path) -> Result<T>;
}

impl<T> IoCtx<T> for std::io::Result<T> {
    fn ctx(self, what: &str, path: &Path) -> Result<T> {
        self.map_err(|e| Error::io(what, path, e))
    }
}
