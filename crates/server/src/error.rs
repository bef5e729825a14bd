//! Errors of the server crate.

/// What kind of failure an [`Error`] is; callers pick exit codes by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The configuration file or a flag is invalid.
    Config,
    /// A file or socket operation failed (e.g. an address already in use).
    Io,
    /// The vault refused to open or initialise.
    Vault,
    /// TLS certificates or keys could not be loaded.
    Tls,
    /// A value given is not acceptable (a user name, a password, a role), or the change is
    /// refused (e.g. removing the last administrator); the message says which.
    Invalid,
    /// The user or token named does not exist.
    NotFound,
}

/// An error of the server crate: a kind plus lowercase text saying what failed and where.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    /// A new error of `kind`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// A new error of `kind` caused by `source`.
    pub fn with_source(
        kind: ErrorKind,
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        Error {
            kind,
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The vault error behind this one, if any.
    pub fn vault_error(&self) -> Option<&vault::Error> {
        self.source.as_ref().and_then(|s| s.downcast_ref())
    }
}

impl From<vault::Error> for Error {
    fn from(e: vault::Error) -> Error {
        Error::with_source(ErrorKind::Vault, e.to_string(), e)
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
