//! Errors of the registers library.

use crate::text::Msg;

/// What kind of failure an [`Error`] is. Stable: callers match on it to pick
/// exit codes and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input was malformed or breaks a rule of the register (a field is
    /// missing, a time has no offset, handling ended before discovery …).
    /// [`Error::invalid`] says which field and why, in both languages.
    Invalid,
    /// No record with this id in this register.
    NotFound,
    /// The store could not be opened or read: a database error, a connection
    /// refused, a file missing.
    Storage,
    /// The store's schema is newer than this program, or its metadata is
    /// damaged.
    Schema,
    /// A settings file is invalid.
    Settings,
    /// The store holds what this library never writes: it was changed outside wangan.
    /// A verification of the registers says what changed.
    Tampered,
    /// Writing a report failed.
    Io,
}

/// A problem with one field of a record (or with the record as a whole when
/// `field` is `None`), said in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The register's key, e.g. `incident`.
    pub register: String,
    /// The field's key, e.g. `discovered_at`.
    pub field: Option<String>,
    /// What is wrong.
    pub problem: Msg,
}

/// An error of the registers library: a kind plus lowercase English text that
/// says what failed and where. Validation errors also carry an [`Invalid`]
/// with a Chinese form for the user.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    kind: ErrorKind,
    message: String,
    invalid: Option<Box<Invalid>>,
}

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            invalid: None,
        }
    }

    /// A validation error.
    pub fn from_invalid(inv: Invalid) -> Error {
        let message = match &inv.field {
            Some(f) => format!("{} {f}: {}", inv.register, inv.problem.en),
            None => format!("{}: {}", inv.register, inv.problem.en),
        };
        Error {
            kind: ErrorKind::Invalid,
            message,
            invalid: Some(Box::new(inv)),
        }
    }

    /// A storage error (database, file).
    pub fn storage(what: impl std::fmt::Display) -> Error {
        Error::new(ErrorKind::Storage, what.to_string())
    }

    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The field problem, for [`ErrorKind::Invalid`].
    pub fn invalid(&self) -> Option<&Invalid> {
        self.invalid.as_deref()
    }

    /// The message in Chinese where one exists (validation errors), else the
    /// English message.
    pub fn message_zh(&self) -> String {
        match &self.invalid {
            Some(inv) => match &inv.field {
                Some(f) => format!("{} {f}：{}", inv.register, inv.problem.zh),
                None => format!("{}：{}", inv.register, inv.problem.zh),
            },
            None => self.message.clone(),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error::storage(format!("sqlite: {e}"))
    }
}

#[cfg(feature = "postgres")]
impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Error {
        // the postgres error text never contains the connection password
        Error::storage(format!("postgresql: {}", pg_text(&e)))
    }
}

/// The useful text of a PostgreSQL error: the server's message when there
/// is one (the error's own Display says only "db error").
#[cfg(feature = "postgres")]
pub(crate) fn pg_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(d) => format!("{} ({d})", db.message()),
            None => db.message().to_owned(),
        },
        None => {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(x) = src {
                s.push_str(": ");
                s.push_str(&x.to_string());
                src = x.source();
            }
            s
        }
    }
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A validation error on `field` of `register`.
pub(crate) fn invalid(register: &str, field: Option<&str>, problem: Msg) -> Error {
    Error::from_invalid(Invalid {
        register: register.to_owned(),
        field: field.map(str::to_owned),
        problem,
    })
}
