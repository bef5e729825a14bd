//! Tamper-evident, retention-enforcing log store.
//!
//! The vault keeps every record's raw bytes exactly as received, with
//! receive time, source, peer and transport, in zstd-compressed blocks of
//! immutable segment files; a Merkle tree (RFC 9162 hashing, SHA-256 or SM3)
//! covers all records in seq order, and signed checkpoints (C2SP signed-note
//! format, Ed25519 plus an SM2 line) let a third party check that nothing was
//! changed, removed or reordered. Retention is at least six calendar months
//! and pruning is the only way anything is deleted.
//!
//! This crate is synchronous and knows nothing of HTTP, async runtimes or
//! the command line.
//!
//! ```
//! use vault::{Incoming, InitOptions, Store, Vault};
//! # fn main() -> Result<(), vault::Error> {
//! let dir = std::env::temp_dir().join(format!("vault-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&dir);
//! let mut v = Vault::init(&dir, &InitOptions::default())?;
//! v.append(&Incoming {
//!     received_ns: 1_700_000_000_000_000_000,
//!     source: "fw1",
//!     peer: "192.0.2.7:514",
//!     transport: "udp",
//!     raw: b"<34>Oct 11 22:14:15 fw1 sshd: Failed password for root",
//! })?;
//! v.commit()?;
//! drop(v);
//!
//! let store = Store::open(&dir)?;
//! let report = vault::verify(&store, &vault::VerifyOptions::default())?;
//! assert!(report.is_intact());
//! let proof = store.inclusion_proof(0, store.size())?;
//! assert!(proof.verify(store.hash_alg(), &store.root_at(store.size())?));
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok(()) }
//! ```
//!
//! See `DESIGN.md` in this crate for the on-disk format.

#![deny(missing_docs)]

pub mod block;
pub mod bundle;
pub mod clock;
mod codec;
pub mod config;
pub mod contract;
pub mod coverage;
pub mod decode;
pub mod durable;
mod error;
mod fsx;
mod hash;
pub mod ingest;
pub mod keys;
mod lanes;
pub mod merkle;
pub mod note;
pub mod parse;
mod pipe;
pub mod prune;
pub mod query;
mod record;
pub mod segment;
pub mod spans;
mod store;
/// Helpers that forge what only the key holder could (tests only): behind
/// the `testing` feature, which only test builds enable.
#[cfg(feature = "testing")]
pub mod testing;
mod tokens;
pub mod tombstone;
mod tuning;
pub mod verified;
pub mod verify;
pub mod wal;

pub use bundle::{
    Bundle, BundleCheck, ConsistencyProof, ExportSummary, Trust, check_bundle, check_bundle_since,
    export, export_seqs, export_since, prove_consistency,
};
pub use coverage::{CoverageOptions, CoverageReport, SourceCoverage, coverage};
pub use keys::{TrustedKeys, VerifierKey};
pub use prune::{PruneItem, PruneOptions, PruneReport, prune};
pub use query::{Order, Query, QueryIter, query, query_seqs};
pub use spans::{SourceSpan, SpanOptions, SpanReport, spans};

pub use config::{Config, Retention};
pub use error::{Error, ErrorKind, Result};
pub use hash::{Hash, HashAlg};
pub use note::{Checkpoint, SignedCheckpoint};

pub use record::{Incoming, MAX_RECORD_BYTES, Record};
pub use store::{
    BLOCK_TARGET, BadFile, CommitInfo, DEFAULT_SEGMENT_SIZE, INTERNAL_SOURCE, InclusionProof,
    InitOptions, Layout, MAX_WORKERS, RawPart, SegmentMeta, Store, StoredRecord, TreeReader, Vault,
    WriterOptions, read_all_blocks,
};
pub use verify::{Finding, Severity, VerifyOptions, VerifyReport, verify};
