//! RFC 9162 Merkle tree: incremental root (compact range), proofs, and
//! proof verification.

use crate::{Hash, HashAlg};

/// The right edge of a Merkle tree: the roots of the perfect subtrees that
/// make up a tree of `size` leaves (one per set bit of `size`, largest first).
/// Appending a leaf costs amortised one node hash; the root costs
/// O(log size).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompactRange {
    size: u64,
    roots: Vec<Hash>,
}

impl CompactRange {
    /// The empty tree.
    pub fn new() -> CompactRange {
        CompactRange::default()
    }

    /// Rebuild from stored parts; `None` when `roots.len()` does not match
    /// the number of set bits of `size`.
    pub fn from_parts(size: u64, roots: Vec<Hash>) -> Option<CompactRange> {
        (roots.len() == size.count_ones() as usize).then_some(CompactRange { size, roots })
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Perfect subtree roots, largest (leftmost) first.
    pub fn roots(&self) -> &[Hash] {
        &self.roots
    }

    /// Append one leaf hash.
    pub fn push(&mut self, alg: HashAlg, leaf: Hash) {
        self.roots.push(leaf);
        let mut s = self.size;
        while s & 1 == 1 {
            let r = self.roots.pop();
            let l = self.roots.pop();
            if let (Some(l), Some(r)) = (l, r) {
                self.roots.push(alg.node(&l, &r));
            }
            s >>= 1;
        }
        self.size += 1;
    }

    /// Append a perfect subtree of `2^k` leaves whose root is `h`; `size` must
    /// be a multiple of `2^k`. Returns false (and changes nothing) otherwise.
    pub fn push_subtree(&mut self, alg: HashAlg, k: u32, h: Hash) -> bool {
        let n = 1u64 << k;
        if !self.size.is_multiple_of(n) {
            return false;
        }
        self.roots.push(h);
        let mut s = self.size >> k;
        while s & 1 == 1 {
            let r = self.roots.pop();
            let l = self.roots.pop();
            if let (Some(l), Some(r)) = (l, r) {
                self.roots.push(alg.node(&l, &r));
            }
            s >>= 1;
        }
        self.size += n;
        true
    }

    /// The Merkle tree hash of the whole tree.
    pub fn root(&self, alg: HashAlg) -> Hash {
        let mut it = self.roots.iter().rev();
        let Some(mut acc) = it.next().copied() else {
            return alg.empty_root();
        };
        for l in it {
            acc = alg.node(l, &acc);
        }
        acc
    }
}

/// Merkle tree hash of a list of leaf hashes (RFC 9162 MTH).
pub fn mth(alg: HashAlg, leaves: &[Hash]) -> Hash {
    let mut c = CompactRange::new();
    for l in leaves {
        c.push(alg, *l);
    }
    c.root(alg)
}

fn split(n: u64) -> u64 {
    // largest power of two strictly less than n (n >= 2)
    1u64 << (63 - (n - 1).leading_zeros())
}

/// Something that can produce the hash of any perfect, aligned subtree
/// `[start, start + 2^k)`.
pub trait SubtreeSource {
    /// Root hash of the perfect subtree of `2^k` leaves starting at `start`.
    fn perfect(&mut self, start: u64, k: u32) -> crate::Result<Hash>;
}

/// MTH of the leaves `[lo, hi)` (`lo` aligned to the enclosing split), from perfect subtrees.
pub fn range_hash(
    alg: HashAlg,
    src: &mut dyn SubtreeSource,
    lo: u64,
    hi: u64,
) -> crate::Result<Hash> {
    let n = hi - lo;
    if n == 0 {
        return Ok(alg.empty_root());
    }
    if n.is_power_of_two() {
        return src.perfect(lo, n.trailing_zeros());
    }
    let k = split(n);
    let l = range_hash(alg, src, lo, lo + k)?;
    let r = range_hash(alg, src, lo + k, hi)?;
    Ok(alg.node(&l, &r))
}

/// RFC 9162 inclusion proof (PATH) of leaf `m` in the tree of size `n`.
pub fn inclusion_proof(
    alg: HashAlg,
    src: &mut dyn SubtreeSource,
    m: u64,
    n: u64,
) -> crate::Result<Vec<Hash>> {
    let mut out = Vec::new();
    path(alg, src, m, 0, n, &mut out)?;
    Ok(out)
}

fn path(
    alg: HashAlg,
    src: &mut dyn SubtreeSource,
    m: u64,
    lo: u64,
    hi: u64,
    out: &mut Vec<Hash>,
) -> crate::Result<()> {
    let n = hi - lo;
    if n <= 1 {
        return Ok(());
    }
    let k = split(n);
    if m < k {
        path(alg, src, m, lo, lo + k, out)?;
        out.push(range_hash(alg, src, lo + k, hi)?);
    } else {
        path(alg, src, m - k, lo + k, hi, out)?;
        out.push(range_hash(alg, src, lo, lo + k)?);
    }
    Ok(())
}

/// RFC 9162 consistency proof between tree sizes `m <= n`.
pub fn consistency_proof(
    alg: HashAlg,
    src: &mut dyn SubtreeSource,
    m: u64,
    n: u64,
) -> crate::Result<Vec<Hash>> {
    let mut out = Vec::new();
    if m == 0 || m >= n {
        return Ok(out);
    }
    subproof(alg, src, m, 0, n, true, &mut out)?;
    Ok(out)
}

fn subproof(
    alg: HashAlg,
    src: &mut dyn SubtreeSource,
    m: u64,
    lo: u64,
    hi: u64,
    b: bool,
    out: &mut Vec<Hash>,
) -> crate::Result<()> {
    let n = hi - lo;
    if m == n {
        if !b {
            out.push(range_hash(alg, src, lo, hi)?);
        }
        return Ok(());
    }
    let k = split(n);
    if m <= k {
        subproof(alg, src, m, lo, lo + k, b, out)?;
        out.push(range_hash(alg, src, lo + k, hi)?);
    } else {
        subproof(alg, src, m - k, lo + k, hi, false, out)?;
        out.push(range_hash(alg, src, lo, lo + k)?);
    }
    Ok(())
}

/// Verify an inclusion proof (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    alg: HashAlg,
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> bool {
    if index >= size {
        return false;
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = alg.node(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = alg.node(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && r == *root
}

/// Verify a consistency proof (RFC 9162 §2.1.4.2).
pub fn verify_consistency(
    alg: HashAlg,
    size1: u64,
    root1: &Hash,
    size2: u64,
    root2: &Hash,
    proof: &[Hash],
) -> bool {
    if size1 > size2 {
        return false;
    }
    if size1 == size2 {
        return proof.is_empty() && root1 == root2;
    }
    if size1 == 0 {
        return proof.is_empty();
    }
    let mut path: Vec<Hash> = proof.to_vec();
    if size1.is_power_of_two() {
        path.insert(0, *root1);
    }
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let (mut f_n, mut s_n) = (size1 - 1, size2 - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            fr = alg.node(c, &fr);
            sr = alg.node(c, &sr);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            sr = alg.node(&sr, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && fr == *root1 && sr == *root2
}

/// A [`SubtreeSource`] over leaf hashes held in memory (tests, small trees).
#[derive(Debug)]
pub struct MemLeaves<'a> {
    /// Hash algorithm.
    pub alg: HashAlg,
    /// All leaf hashes.
    pub leaves: &'a [Hash],
}

impl SubtreeSource for MemLeaves<'_> {
    fn perfect(&mut self, start: u64, k: u32) -> crate::Result<Hash> {
        let end = start + (1u64 << k);
        let s = self
            .leaves
            .get(start as usize..end as usize)
            .ok_or_else(|| {
                crate::Error::new(crate::ErrorKind::OutOfRange, "subtree beyond leaves")
            })?;
        Ok(mth(self.alg, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| HashAlg::Sha256.leaf(&(i as u64).to_be_bytes()))
            .collect()
    }

    fn reference_mth(alg: HashAlg, l: &[Hash]) -> Hash {
        match l.len() {
            0 => alg.empty_root(),
            1 => l[0],
            n => {
                let k = split(n as u64) as usize;
                alg.node(&reference_mth(alg, &l[..k]), &reference_mth(alg, &l[k..]))
            }
        }
    }

    #[test]
    fn compact_range_matches_reference_and_proofs_verify() {
        let alg = HashAlg::Sha256;
        let all = leaves(70);
        for n in 0..all.len() {
            let l = &all[..n];
            let root = mth(alg, l);
            assert_eq!(root, reference_mth(alg, l), "n={n}");
            let mut src = MemLeaves { alg, leaves: l };
            for m in 0..n as u64 {
                let p = inclusion_proof(alg, &mut src, m, n as u64).unwrap_or_default();
                assert!(verify_inclusion(
                    alg,
                    &l[m as usize],
                    m,
                    n as u64,
                    &p,
                    &root
                ));
                if n > 1 {
                    assert!(!verify_inclusion(
                        alg,
                        &l[(m as usize + 1) % n],
                        m,
                        n as u64,
                        &p,
                        &root
                    ));
                }
                let c = consistency_proof(alg, &mut src, m, n as u64).unwrap_or_default();
                let r1 = mth(alg, &l[..m as usize]);
                assert!(
                    verify_consistency(alg, m, &r1, n as u64, &root, &c),
                    "m={m} n={n}"
                );
            }
        }
    }

    #[test]
    fn push_subtree_equals_leaves() {
        let alg = HashAlg::Sm3;
        let all = leaves(40);
        let mut a = CompactRange::new();
        for l in &all[..32] {
            a.push(alg, *l);
        }
        let mut b = CompactRange::new();
        assert!(b.push_subtree(alg, 4, mth(alg, &all[..16])));
        assert!(b.push_subtree(alg, 4, mth(alg, &all[16..32])));
        assert_eq!(a, b);
        assert!(!b.push_subtree(alg, 6, mth(alg, &all[..32])));
    }
}
