//! SIMD helpers for 64-byte blocks: byte classes as bit masks, one bit per
//! byte. They use the `wide` crate (SSE2 on x86-64, NEON on aarch64, scalar
//! elsewhere), so there is no `unsafe`.

use wide::u8x16;

/// The four 16-byte SIMD lanes of a 64-byte block, with their index.
#[inline(always)]
pub(crate) fn lanes(blk: &[u8]) -> impl Iterator<Item = (usize, u8x16)> + '_ {
    blk.chunks_exact(16).take(4).enumerate().map(|(k, part)| {
        let mut a = [0u8; 16];
        a.copy_from_slice(part);
        (k, u8x16::new(a))
    })
}

/// Per byte of `x`: all ones when `lo <= x <= lo + n` (a wrapping subtract
/// and an unsigned minimum), else zero.
#[inline(always)]
pub(crate) fn within(x: u8x16, lo: u8, n: u8) -> u8x16 {
    let d = x - u8x16::splat(lo);
    d.min(u8x16::splat(n)).cmp_eq(d)
}

/// Per byte of `x`: the high bit clear when `lo <= x <= lo + n`, set
/// otherwise (`n` at most 127): a wrapping subtract and a saturating add,
/// no compare, ready for a move mask of the bytes outside the range.
#[inline(always)]
pub(crate) fn outside(x: u8x16, lo: u8, n: u8) -> u8x16 {
    (x - u8x16::splat(lo)).saturating_add(u8x16::splat(127 - n))
}

/// The bits of lane `k` of a 64-byte block's mask, from a compare result.
#[inline(always)]
pub(crate) fn bits(x: u8x16, k: usize) -> u64 {
    u64::from(x.move_mask() as u16) << (16 * k)
}
