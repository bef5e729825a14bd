//! Hash algorithms and RFC 9162 leaf/node hashing.

use sha2::Digest as _;

/// The tree hash of a log: fixed at `init` for the life of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashAlg {
    /// SHA-256 (default; interoperable with C2SP tlog tooling).
    Sha256,
    /// SM3 (GB/T 32905), for deployments that need the national algorithms.
    Sm3,
}

impl HashAlg {
    /// The lowercase name used in `vault.toml` and checkpoint lines.
    pub fn name(self) -> &'static str {
        match self {
            HashAlg::Sha256 => "sha256",
            HashAlg::Sm3 => "sm3",
        }
    }

    /// Parse `sha256` or `sm3`.
    pub fn from_name(s: &str) -> Option<HashAlg> {
        match s.to_ascii_lowercase().as_str() {
            "sha256" | "sha-256" => Some(HashAlg::Sha256),
            "sm3" => Some(HashAlg::Sm3),
            _ => None,
        }
    }

    pub(crate) fn code(self) -> u8 {
        match self {
            HashAlg::Sha256 => 1,
            HashAlg::Sm3 => 2,
        }
    }

    pub(crate) fn from_code(c: u8) -> Option<HashAlg> {
        match c {
            1 => Some(HashAlg::Sha256),
            2 => Some(HashAlg::Sm3),
            _ => None,
        }
    }

    /// Hash the concatenation of `parts`.
    pub fn digest(self, parts: &[&[u8]]) -> Hash {
        match self {
            HashAlg::Sha256 => {
                let mut h = sha2::Sha256::new();
                for p in parts {
                    h.update(p);
                }
                Hash(h.finalize().into())
            }
            HashAlg::Sm3 => {
                let mut h = sm3::Sm3::new();
                for p in parts {
                    h.update(p);
                }
                Hash(h.finalize().into())
            }
        }
    }

    /// RFC 9162 leaf hash `H(0x00 ‖ data)`.
    pub fn leaf(self, data: &[u8]) -> Hash {
        match self {
            HashAlg::Sha256 => sha256_prefixed(0, data),
            HashAlg::Sm3 => self.digest(&[&[0u8], data]),
        }
    }

    /// RFC 9162 leaf hash of data given in two pieces, `H(0x00 ‖ head ‖ rest)`,
    /// without joining them.
    pub fn leaf2(self, head: &[u8], rest: &[u8]) -> Hash {
        match self {
            HashAlg::Sha256 => sha256_parts(&[&[0u8], head, rest]),
            HashAlg::Sm3 => self.digest(&[&[0u8], head, rest]),
        }
    }

    /// RFC 9162 leaf hashes of `data[i]` into `out[i]` (`out` at least as
    /// long), eight at a time in SIMD lanes where that is faster ([`HashAlg::batches`]).
    pub fn leaves(self, data: &[&[u8]], out: &mut [Hash]) {
        if !self.batches() {
            for (o, d) in out.iter_mut().zip(data) {
                *o = self.leaf(d);
            }
            return;
        }
        self.lanes(0, data, out);
    }

    /// [`HashAlg::leaves`] of the byte ranges `ranges` of `buf` (at most
    /// [`crate::lanes::LANES`] of them) into `out`.
    pub(crate) fn leaves_at(self, buf: &[u8], ranges: &[std::ops::Range<usize>], out: &mut [Hash]) {
        let mut data: [&[u8]; crate::lanes::LANES] = [&[]; crate::lanes::LANES];
        for (d, r) in data.iter_mut().zip(ranges) {
            *d = &buf[r.clone()];
        }
        let n = ranges.len().min(crate::lanes::LANES);
        self.leaves(&data[..n], out);
    }

    /// [`HashAlg::leaves`] in SIMD lanes whatever [`HashAlg::batches`] says (for benchmarks).
    pub fn leaves_in_lanes(self, data: &[&[u8]], out: &mut [Hash]) {
        self.lanes(0, data, out);
    }

    /// Whether [`HashAlg::leaves`] and [`HashAlg::perfect_root`] hash eight
    /// messages at a time: SM3 always (about two to four times as fast as
    /// one by one), SHA-256 where the CPU has AVX2 and not the SHA
    /// instructions (with them one message at a time is faster).
    pub fn batches(self) -> bool {
        match self {
            HashAlg::Sm3 => true,
            HashAlg::Sha256 => crate::lanes::sha256_lanes_pay(),
        }
    }

    /// `H(prefix ‖ data[i])` into `out[i]`, eight at a time.
    fn lanes(self, prefix: u8, data: &[&[u8]], out: &mut [Hash]) {
        let lanes = crate::lanes::LANES;
        for (d, o) in data.chunks(lanes).zip(out.chunks_mut(lanes)) {
            let mut h = [[0u8; 32]; crate::lanes::LANES];
            match self {
                HashAlg::Sm3 => crate::lanes::hash_prefixed(prefix, d, &mut h),
                HashAlg::Sha256 => crate::lanes::sha256_prefixed(prefix, d, &mut h),
            }
            for (o, h) in o.iter_mut().zip(&h[..d.len()]) {
                *o = Hash(*h);
            }
        }
    }

    /// Root of the perfect subtree whose leaf hashes are `leaves` (a power of
    /// two of them): RFC 9162 nodes level by level, eight at a time where
    /// that is faster ([`HashAlg::batches`]).
    pub fn perfect_root(self, leaves: &[Hash]) -> Hash {
        assert!(
            leaves.len().is_power_of_two(),
            "a perfect subtree has a power of two of leaves"
        );
        let batches = self.batches();
        let mut level: Vec<Hash> = leaves.to_vec();
        let mut pairs: Vec<u8> = Vec::new();
        while level.len() > 1 {
            let n = level.len() / 2;
            let mut next = vec![Hash::default(); n];
            if batches {
                // `left ‖ right` of each node: two neighbours of the level below
                pairs.clear();
                for h in &level {
                    pairs.extend_from_slice(&h.0);
                }
                let msgs: Vec<&[u8]> = pairs.chunks_exact(64).collect();
                self.lanes(1, &msgs, &mut next);
            } else {
                for (o, p) in next.iter_mut().zip(level.chunks_exact(2)) {
                    *o = self.node(&p[0], &p[1]);
                }
            }
            level = next;
        }
        level[0]
    }

    /// RFC 9162 interior node hash `H(0x01 ‖ left ‖ right)`.
    pub fn node(self, left: &Hash, right: &Hash) -> Hash {
        match self {
            HashAlg::Sha256 => sha256_node(left, right),
            HashAlg::Sm3 => self.digest(&[&[1u8], &left.0, &right.0]),
        }
    }

    /// Root of the empty tree: `H("")`.
    pub fn empty_root(self) -> Hash {
        self.digest(&[])
    }
}

/// SHA-256 initial state (FIPS 180-4 §5.3.3).
const SHA256_IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

// Leaf and node hashes straight through the SHA-256 compression function
// (`sha2`'s, SHA-NI when the CPU has it): the whole blocks of the input are
// compressed in place, only the first (behind the prefix byte) and the
// padded last ones are copied. Half the cost of a node hash through the
// streaming `Digest` (its buffering), a few percent of a leaf's; the tests
// below hold both to `sha2::Sha256`.

fn sha256_out(state: [u32; 8]) -> Hash {
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    Hash(out)
}

/// Pad the last `tail` bytes (fewer than 64) of a message of `total` bytes
/// and compress them.
fn sha256_finish(mut state: [u32; 8], tail: &[u8], total: usize) -> Hash {
    let mut b = [[0u8; 64]; 2];
    let n = tail.len();
    b[0][..n].copy_from_slice(tail);
    b[0][n] = 0x80;
    let blocks = if n + 9 <= 64 { 1 } else { 2 };
    let bits = (total as u64).wrapping_mul(8).to_be_bytes();
    b[blocks - 1][56..].copy_from_slice(&bits);
    sha2::block_api::compress256(&mut state, &b[..blocks]);
    sha256_out(state)
}

/// SHA-256 of the concatenation of `parts`: whole blocks are compressed
/// where they lie, only the bytes around part boundaries are copied.
fn sha256_parts(parts: &[&[u8]]) -> Hash {
    let mut state = SHA256_IV;
    let mut buf = [0u8; 64];
    let mut n = 0; // bytes waiting in `buf`
    let mut total = 0;
    for &p in parts {
        total += p.len();
        let mut p = p;
        if n > 0 {
            let k = p.len().min(64 - n);
            buf[n..n + k].copy_from_slice(&p[..k]);
            n += k;
            p = &p[k..];
            if n < 64 {
                continue;
            }
            sha2::block_api::compress256(&mut state, std::slice::from_ref(&buf));
        }
        let (blocks, tail) = p.as_chunks::<64>();
        sha2::block_api::compress256(&mut state, blocks);
        buf[..tail.len()].copy_from_slice(tail);
        n = tail.len();
    }
    sha256_finish(state, &buf[..n], total)
}

/// SHA-256 of `prefix ‖ data`.
fn sha256_prefixed(prefix: u8, data: &[u8]) -> Hash {
    sha256_parts(&[&[prefix], data])
}

/// SHA-256 of `0x01 ‖ left ‖ right`: two blocks, the second padded.
fn sha256_node(left: &Hash, right: &Hash) -> Hash {
    let mut b = [[0u8; 64]; 2];
    b[0][0] = 1;
    b[0][1..33].copy_from_slice(&left.0);
    b[0][33..].copy_from_slice(&right.0[..31]);
    b[1][0] = right.0[31];
    b[1][1] = 0x80;
    b[1][56..].copy_from_slice(&(65u64 * 8).to_be_bytes());
    let mut state = SHA256_IV;
    sha2::block_api::compress256(&mut state, &b);
    sha256_out(state)
}

/// A 32-byte hash (SHA-256 or SM3 output).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// Lowercase hex.
    pub fn hex(&self) -> String {
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    /// Standard base64 (as in checkpoints).
    pub fn b64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    /// Parse standard base64 of exactly 32 bytes.
    pub fn from_b64(s: &str) -> Option<Hash> {
        use base64::Engine as _;
        let v = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
        Some(Hash(v.try_into().ok()?))
    }
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hash({})", self.hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batched_leaves_and_perfect_roots_equal_one_by_one() {
        let data: Vec<Vec<u8>> = (0..300u32)
            .map(|i| (0..i).map(|j| (i ^ j) as u8).collect())
            .collect();
        let refs: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
        for alg in [HashAlg::Sha256, HashAlg::Sm3] {
            let mut out = vec![Hash::default(); refs.len()];
            alg.leaves(&refs, &mut out);
            let one: Vec<Hash> = refs.iter().map(|d| alg.leaf(d)).collect();
            assert_eq!(out, one, "{alg:?}");
            alg.leaves_in_lanes(&refs, &mut out);
            assert_eq!(out, one, "{alg:?} in lanes");
            for n in [1usize, 2, 4, 8, 16, 32, 64, 128, 256] {
                let mut c = crate::merkle::CompactRange::new();
                for l in &one[..n] {
                    c.push(alg, *l);
                }
                assert_eq!(alg.perfect_root(&one[..n]), c.root(alg), "{alg:?} {n}");
            }
        }
    }

    fn reference(parts: &[&[u8]]) -> Hash {
        let mut h = sha2::Sha256::new();
        for p in parts {
            h.update(p);
        }
        Hash(h.finalize().into())
    }

    /// Every length around the block and padding boundaries, against the
    /// streaming `sha2::Sha256`.
    #[test]
    fn sha256_leaf_and_node_match_the_streaming_hasher() {
        let data: Vec<u8> = (0..400u32).map(|i| (i * 7 + 3) as u8).collect();
        for n in 0..data.len() {
            let d = &data[..n];
            assert_eq!(HashAlg::Sha256.leaf(d), reference(&[&[0], d]), "length {n}");
        }
        for alg in [HashAlg::Sha256, HashAlg::Sm3] {
            for n in [0, 1, 62, 63, 64, 65, 127, 128, 200, 399] {
                for k in [0, 1, 30, 62, 63, 64, 65, 130] {
                    let k = k.min(n);
                    assert_eq!(
                        alg.leaf2(&data[..k], &data[k..n]),
                        alg.leaf(&data[..n]),
                        "{alg:?} length {n} split at {k}"
                    );
                }
            }
        }
        assert_eq!(
            HashAlg::Sha256.leaf2(&data[..100], &data[100..]),
            reference(&[&[0], &data])
        );
        let l = HashAlg::Sha256.leaf(b"left");
        let r = HashAlg::Sha256.leaf(b"right");
        assert_eq!(HashAlg::Sha256.node(&l, &r), reference(&[&[1], &l.0, &r.0]));
        assert_ne!(HashAlg::Sha256.node(&l, &r), HashAlg::Sha256.node(&r, &l));
        // RFC 6962 test vector: the leaf hash of the empty string
        assert_eq!(
            HashAlg::Sha256.leaf(b"").hex(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
    }
}
