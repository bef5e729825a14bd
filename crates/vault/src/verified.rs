//! The record of full verifications: `verified.log` in the data directory,
//! one JSON line (`wangan.vault.verified/1`) per full [`crate::verify()`] run:
//! when, the result, and the size and root of the tree it recomputed.
//!
//! Who reads the record (e.g. `wangan assess`) checks that the recorded
//! root is still the store's root at that size ([`matches()`]), so a store
//! rewritten after its verification does not keep the old verdict. The
//! record is a claim of the verifying host, not a proof for a third party:
//! that is what checkpoints and evidence bundles are for.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::IoCtx;
use crate::store::Store;
use crate::verify::{Severity, VerifyReport};
use crate::{Hash, Result};

/// The file in the data directory.
pub const FILE: &str = "verified.log";
/// The schema of each line.
pub const SCHEMA: &str = "wangan.vault.verified/1";

/// One full verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verified {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// When it finished (RFC 3339, UTC).
    pub time: String,
    /// No error-level findings.
    pub intact: bool,
    /// Records in the tree it verified.
    pub size: u64,
    /// The tree's root at `size` (base64).
    pub root: String,
    /// Tree hash (`sha256`, `sm3`).
    pub hash: String,
    /// Records whose leaves were recomputed.
    pub records_checked: u64,
    /// Error-level findings.
    pub errors: u64,
    /// Warning-level findings.
    pub warnings: u64,
}

impl Verified {
    /// The record of a full verification `report` of a tree whose root at
    /// `report.size` is `root`, finished at `at`.
    pub fn new(report: &VerifyReport, root: Hash, at: OffsetDateTime) -> Verified {
        let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count() as u64;
        Verified {
            schema: SCHEMA.to_owned(),
            time: crate::clock::rfc3339(at),
            intact: report.is_intact(),
            size: report.size,
            root: root.b64(),
            hash: report.hash.name().to_owned(),
            records_checked: report.records_checked,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
        }
    }

    /// When it finished.
    pub fn at(&self) -> Option<OffsetDateTime> {
        crate::clock::parse_rfc3339(&self.time)
    }
}

/// Append a record to `<dir>/verified.log` (created mode 0600) and fsync it.
pub fn append(dir: &Path, v: &Verified) -> Result<()> {
    let path = dir.join(FILE);
    let mut o = OpenOptions::new();
    o.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(&path).ctx("open", &path)?;
    let mut line = serde_json::to_vec(v)
        .map_err(|e| crate::Error::new(crate::ErrorKind::Io, e.to_string()))?;
    line.push(b'\n');
    f.write_all(&line).ctx("append", &path)?;
    f.sync_data().ctx("fsync", &path)?;
    Ok(())
}

/// The latest well-formed record of `<dir>/verified.log`, if any (a torn or
/// foreign line is skipped).
pub fn latest(dir: &Path) -> Result<Option<Verified>> {
    let path = dir.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(crate::Error::io("read", &path, e)),
    };
    Ok(text
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<Verified>(l).ok())
        .find(|v| v.schema == SCHEMA && v.at().is_some()))
}

/// Whether the store's tree at the record's size still has the recorded
/// root (`false` when the store is smaller now or the root differs).
pub fn matches(store: &Store, v: &Verified) -> bool {
    if v.size > store.size() || v.hash != store.hash_alg().name() {
        return false;
    }
    match store.root_at(v.size) {
        Ok(root) => root.b64() == v.root,
        Err(_) => false,
    }
}
