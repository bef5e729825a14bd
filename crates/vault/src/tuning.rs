//! Block and worker tuning shared by the writer ([`crate::store`]) and its
//! block workers ([`crate::pipe`]): both depend on this module, so neither
//! depends on the other's constants.

/// zstd level of blocks (level 1 measured both faster and smaller than 3 on network logs).
pub(crate) const ZSTD_LEVEL: i32 = 1;
/// Target raw size of a block before compression.
pub const BLOCK_TARGET: usize = 1 << 20;
/// Most block worker threads a writer runs.
pub const MAX_WORKERS: usize = 64;
