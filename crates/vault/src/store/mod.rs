//! The store: layout on disk ([`layout`]), the read API ([`Store`], in
//! [`reader`]) and the writer ([`Vault`], in [`writer`]).
//!
//! The writer depends on the reader (it opens a [`Store`] snapshot to
//! recover and reopen), the reader on the layout; the block workers
//! ([`crate::pipe`]) and the writer share their tuning constants through
//! [`crate::tuning`].

mod layout;
mod reader;
mod shared;
mod writer;

pub use crate::tuning::{BLOCK_TARGET, MAX_WORKERS};
pub use layout::Layout;
pub use reader::{
    BadFile, InclusionProof, RawPart, SegmentMeta, Store, StoredRecord, TreeReader, read_all_blocks,
};
pub use writer::{CommitInfo, InitOptions, Vault, WriterOptions};

/// Default segment size (raw bytes) at which a segment is sealed.
pub const DEFAULT_SEGMENT_SIZE: u64 = 64 << 20;
/// `Vault::append` looks at the open segment's size (and seals it when full)
/// every this many appended bytes; the records themselves are compressed
/// block by block, about every [`BLOCK_TARGET`] bytes.
pub const GROUP_BYTES: usize = 8 << 20;
/// Segments are also sealed when their first record arrived longer ago than
/// this (by the vault's clock), so a trickle of records is sealed daily.
pub const MAX_SEGMENT_AGE: time::Duration = time::Duration::days(1);
/// Source name of the records the vault writes about itself (prunes, recoveries).
pub const INTERNAL_SOURCE: &str = "wangan.vault";
