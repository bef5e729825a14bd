//! Every duty of chapter 3 of the Cybersecurity Law decided for one operator.
//!
//! - [`profile`]: the operator's profile (a versioned TOML file): who the
//!   operator is, its systems, log sources, data stores, documents and
//!   waivers. [`profile::parse`] checks it and reports errors with file,
//!   line and column.
//! - [`evidence`]: the facts an assessment is decided on, as plain data —
//!   vault coverage and integrity, saved scans, documents' hashes and the
//!   registers' entries ([`evidence::RegisterEvidence`]).
//! - [`assess()`]: the decision rules: profile + date + evidence →
//!   [`Assessment`] (every duty of the law crate met, partly met, not met,
//!   needing evidence, not applicable or waived, with the evidence, the
//!   article in force, the clocks, the penalty and what to do next).
//! - [`model`]: the [`Assessment`] type, serialised as `wangan.assess/1`.
//! - [`mlps`]: MLPS grading (object × degree → level).
//!
//! The crate is pure: no file, network or clock access. The caller reads
//! files and gathers evidence and hands them in; the duties, articles,
//! clocks and penalties all come from the `law` crate.
//!
//! # Example
//!
//! ```
//! use std::path::Path;
//!
//! let text = r#"
//! version = 1
//! [operator]
//! name = "示例科技有限公司"
//! kind = "cii-operator"
//! "#;
//! let profile = duties::profile::parse(text, Path::new("profile.toml"))?;
//! assert!(profile.operator.kind.is_cii());
//!
//! let err = duties::profile::parse("version = 2\n", Path::new("p.toml")).unwrap_err();
//! assert_eq!((err.line, err.column), (1, 11));
//! # Ok::<(), duties::profile::ProfileError>(())
//! ```

#![deny(missing_docs)]

pub mod assess;
pub mod evidence;
pub mod interval;
pub mod mlps;
pub mod model;
pub mod profile;
pub mod serde_time;

pub use assess::{Inputs, as_of, assess, scan_fresh};
pub use evidence::{EntryStatus, Evidence, RegisterEvidence, RegisterKind, RegisterSet};
pub use interval::Interval;
pub use model::{Assessment, FailOn, Lang, SCHEMA, Status, Text};
pub use profile::{OperatorKind, Profile, ProfileError};

/// Lowercase hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
