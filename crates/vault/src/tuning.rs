//! Block and worker tuning shared by the writer ([`crate::store`]) and its
//! block workers ([`crate::pipe`]): both depend on this module, so neither
//! depends on the other's constants.

/// zstd level of blocks (level 1 measured both faster and smaller than 3 on network logs).
pub(crate) const ZSTD_LEVEL: i32 = 1;
/// log2 of zstd's hash table for blocks: level 1 would take 14 (64 KiB of
/// table, beyond the core's L1 cache); 12 (16 KiB) compressed the network
/// logs of the ingest benchmark no larger, with 18 % less CPU alone and about
/// 11 % less zstd work inside an ingest (BENCHMARKS.md, #21). The format does not change: any zstd decoder reads it.
pub(crate) const ZSTD_HASH_LOG: u32 = 12;

/// A zstd compressor for blocks: [`ZSTD_LEVEL`] with [`ZSTD_HASH_LOG`], no
/// frame checksum (blocks have their own).
pub(crate) fn block_compressor() -> std::io::Result<zstd::bulk::Compressor<'static>> {
    let mut zc = zstd::bulk::Compressor::new(ZSTD_LEVEL)?;
    zc.set_parameter(zstd::stream::raw::CParameter::HashLog(ZSTD_HASH_LOG))?;
    zc.include_checksum(false)?;
    Ok(zc)
}
/// Target raw size of a block before compression.
pub const BLOCK_TARGET: usize = 1 << 20;
/// Most block worker threads a writer runs.
pub const MAX_WORKERS: usize = 64;
