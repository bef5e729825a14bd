//! Keyword searches for context: the context keywords before a candidate
//! ([`KeyScan`]) and the negative keywords right before a number
//! ([`NegScan`]). Both answer exactly as an ASCII case-insensitive
//! Aho-Corasick automaton over the same keys; tests check it.

use wide::u8x16;

use crate::simd::{bits, lanes, outside};

/// Keyword search with the matches of a leftmost-longest, ASCII
/// case-insensitive Aho-Corasick automaton over the same keywords, built for
/// the context windows that cover most of dense text: SIMD byte classes mark
/// where a keyword can start, a table of the keywords' first two bytes (every
/// ASCII case) rejects almost every marked position with independent loads
/// instead of a dependent walk through a transition table, and a table
/// indexed by the pair and the third byte names the few keywords to compare.
/// A test checks it against the automaton.
#[derive(Debug, Clone)]
pub(crate) struct KeyScan {
    /// Byte `b0 | b1 << 8` (the pair read as a little-endian `u16`) is
    /// `0x80 | id` when some keyword starts with `b0 b1` (any ASCII case),
    /// `id` (1 to 127) naming the pair up to ASCII case, else 0. Read only
    /// where [`KeyScan::pair_bits`] says a keyword starts.
    pairs: Box<[u8; 65536]>,
    /// Bit `w & 63` of word `w >> 6` is set when `pairs[w]` is not zero: the
    /// same test in 8 KiB, which stays in the L1 cache (the byte table
    /// does not), read at every position where a keyword can start. (A
    /// byte per position gathered with a SIMD move mask costs
    /// fewer instructions but about 3 % more time on dense text: the
    /// 64 KiB table's loads miss L1.)
    pair_bits: Box<[u64; 1024]>,
    /// Entry [`KeyScan::tri`] of a pair's id and the third byte: 0 when no
    /// keyword starts so, else 1 + the index of their group in `groups`.
    tri_group: Box<[u8; 8192]>,
    /// (bytes, mask) of the keywords with the same [`KeyScan::tri`] entry,
    /// longest first (equal lengths in keyword order): the candidates at a
    /// position, in the order leftmost-longest takes them.
    groups: Vec<Vec<Key>>,
    /// Bytes that occur in a keyword (any ASCII case).
    pub(crate) in_key: Box<[bool; 256]>,
    /// The range of the keywords' non-ASCII first bytes (every ASCII first
    /// byte is a letter followed by a letter; `new` checks both).
    lead: (u8, u8),
}

impl KeyScan {
    pub(crate) fn new(keys: &[(&'static str, u32)]) -> KeyScan {
        let mut pairs = Box::new([0u8; 65536]);
        let mut tri_group = Box::new([0u8; 8192]);
        let mut groups: Vec<Vec<Key>> = Vec::new();
        // the pairs up to ASCII case; a pair's id is 1 + its index
        let mut ids: Vec<[u8; 2]> = Vec::new();
        let cases = |b: u8| [b.to_ascii_lowercase(), b.to_ascii_uppercase()];
        for &(p, mask) in keys {
            let b = p.as_bytes();
            assert!(b.len() >= 3, "every keyword has at least three bytes");
            let low = [b[0].to_ascii_lowercase(), b[1].to_ascii_lowercase()];
            let id = match ids.iter().position(|&x| x == low) {
                Some(i) => i + 1,
                None => {
                    ids.push(low);
                    ids.len()
                }
            };
            let id = u8::try_from(id)
                .ok()
                .filter(|&i| i < 0x80)
                .expect("at most 127 pairs");
            for b0 in cases(b[0]) {
                for b1 in cases(b[1]) {
                    pairs[usize::from(b0) | usize::from(b1) << 8] = 0x80 | id;
                }
            }
            let t = KeyScan::tri(id, b[2]);
            if tri_group[t] == 0 {
                groups.push(Vec::new());
                tri_group[t] = u8::try_from(groups.len()).expect("at most 255 groups");
            }
            groups[usize::from(tri_group[t] - 1)].push(Key::new(b, mask));
        }
        for g in &mut groups {
            // longest first; equal lengths in keyword order (a stable sort)
            g.sort_by_key(|k| std::cmp::Reverse(k.bytes.len()));
        }
        // first bytes: ASCII letters followed by a letter, and one range of
        // lead bytes (what `first_bytes` finds)
        assert!(
            keys.iter()
                .map(|k| k.0.as_bytes())
                .all(|b| b[0] >= 0x80 || b[0].is_ascii_alphabetic() && b[1].is_ascii_alphabetic()),
            "keywords start with two letters or a non-ASCII byte"
        );
        let lead = keys
            .iter()
            .map(|k| k.0.as_bytes()[0])
            .filter(|&b| b >= 0x80)
            .fold((0xFF, 0x80), |(lo, hi), b| (lo.min(b), hi.max(b)));
        let mut pair_bits = Box::new([0u64; 1024]);
        for (w, &v) in pairs.iter().enumerate() {
            if v != 0 {
                pair_bits[w >> 6] |= 1 << (w & 63);
            }
        }
        KeyScan {
            pairs,
            pair_bits,
            tri_group,
            groups,
            lead,
            in_key: {
                let mut t = [false; 256];
                for (p, _) in keys {
                    for &b in p.as_bytes() {
                        t[usize::from(b.to_ascii_lowercase())] = true;
                        t[usize::from(b.to_ascii_uppercase())] = true;
                    }
                }
                Box::new(t)
            },
        }
    }

    /// The index in `tri_group` of a pair's id (its `pairs` entry, high bit
    /// ignored) and the third byte: the third byte's low six bits with bit 5
    /// set, the same for both ASCII cases of a letter (other bytes may share
    /// it too: the comparison that follows tells them apart).
    #[inline(always)]
    fn tri(id: u8, b2: u8) -> usize {
        usize::from(id & 0x7F) << 6 | usize::from((b2 | 0x20) & 0x3F)
    }

    /// Report (end, mask) of every keyword in `text[from..to]`,
    /// leftmost-longest, non-overlapping, with `end` an offset in `text`:
    /// what the automaton reports on the slice `text[from..to]` alone (no
    /// keyword ends after `to`). Bytes of `text` after `to` are read only
    /// to fill whole 64-byte blocks for the SIMD compares; positions at and
    /// after the limit are masked off.
    pub(crate) fn find(&self, text: &[u8], from: usize, to: usize, mut f: impl FnMut(usize, u32)) {
        // every keyword has at least three bytes: starts are below to - 2
        let last = to.saturating_sub(2);
        let mut p = from;
        // the last block of a text: a copy padded with zeros (no keyword
        // byte), so every block takes the same path
        let mut pad = [0u8; 66];
        while p < last {
            let end = (p + 64).min(last);
            // a block: 64 positions and the two bytes after the last
            let blk: &[u8; 66] = match text.get(p..p + 66) {
                Some(b) => b.try_into().unwrap_or(&pad),
                None => {
                    pad = [0u8; 66];
                    let rest = &text[p..];
                    pad[..rest.len()].copy_from_slice(rest);
                    &pad
                }
            };
            // where a keyword can start, below `end` only: positions at
            // `end` and beyond belong to the next block or lie past the limit
            let mut c = if end - p <= SHORT {
                // a few positions (the tail of a window): the pair test at
                // each costs less than the SIMD compares
                u64::MAX
            } else {
                first_bytes(blk, self.lead)
            };
            if end - p < 64 {
                c &= (1u64 << (end - p)) - 1;
            }
            // the pair test where a keyword can start: one bit of the L1
            // table per position, gathered into a mask (no data-dependent
            // branches)
            let mut m = 0u64;
            while c != 0 {
                let k = c.trailing_zeros() as usize;
                c &= c - 1;
                // one 16-bit load (two byte loads with `[blk[k], blk[k + 1]]`)
                let w: &[u8; 2] = blk[k..k + 2].try_into().unwrap_or(&[0; 2]);
                let w = usize::from(u16::from_le_bytes(*w));
                m |= (self.pair_bits[w >> 6] >> (w & 63) & 1) << k;
            }
            // positions before `next` are inside a match already reported
            let mut next = p;
            while m != 0 {
                let k = m.trailing_zeros() as usize;
                let q = p + k;
                m &= m - 1;
                if q < next {
                    continue;
                }
                let w: &[u8; 2] = blk[k..k + 2].try_into().unwrap_or(&[0; 2]);
                let id = self.pairs[usize::from(u16::from_le_bytes(*w))];
                let g = self.tri_group[KeyScan::tri(id, blk[k + 2])];
                if g == 0 {
                    continue;
                }
                let hit = self.groups[usize::from(g - 1)]
                    .iter()
                    .find(|key| q + key.bytes.len() <= to && key.at(text, q));
                if let Some(key) = hit {
                    next = q + key.bytes.len();
                    f(next, key.mask);
                }
            }
            p = end.max(next);
        }
    }
}

/// A keyword to compare at a position: its bytes ASCII lower-cased in two
/// little-endian words, for a comparison of 16 bytes in a few word
/// operations.
#[derive(Debug, Clone)]
struct Key {
    bytes: &'static [u8],
    mask: u32,
    /// The bytes, ASCII lower-cased, zero past the end.
    low: [u64; 2],
    /// 0xFF in the bytes of the keyword, zero past the end.
    care: [u64; 2],
}

impl Key {
    fn new(bytes: &'static [u8], mask: u32) -> Key {
        assert!(bytes.len() <= 16, "keywords have at most 16 bytes");
        let mut low = [0u8; 16];
        let mut care = [0u8; 16];
        for (i, &b) in bytes.iter().enumerate() {
            low[i] = b.to_ascii_lowercase();
            care[i] = 0xFF;
        }
        let word = |a: &[u8; 16], i: usize| {
            u64::from_le_bytes(a[8 * i..8 * i + 8].try_into().unwrap_or([0; 8]))
        };
        Key {
            bytes,
            mask,
            low: [word(&low, 0), word(&low, 1)],
            care: [word(&care, 0), word(&care, 1)],
        }
    }

    /// Whether `text[q..]` starts with the keyword (ASCII case-insensitive);
    /// the caller checks that it fits before its limit.
    #[inline(always)]
    fn at(&self, text: &[u8], q: usize) -> bool {
        match text.get(q..q + 16) {
            Some(w) => {
                let word =
                    |i: usize| u64::from_le_bytes(w[8 * i..8 * i + 8].try_into().unwrap_or([0; 8]));
                ((lower8(word(0)) ^ self.low[0]) & self.care[0])
                    | ((lower8(word(1)) ^ self.low[1]) & self.care[1])
                    == 0
            }
            None => text
                .get(q..q + self.bytes.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(self.bytes)),
        }
    }
}

/// The eight bytes of `x` ASCII lower-cased (other bytes unchanged), in a
/// few word operations: no carry crosses a byte (each sum is below 0x100).
#[inline(always)]
fn lower8(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let h = x & (0x7F * ONES);
    // high bit set where the low seven bits are at least b'A', at least b'['
    let ge_a = h + (0x80 - u64::from(b'A')) * ONES;
    let ge_z1 = h + (0x80 - u64::from(b'[')) * ONES;
    let upper = ge_a & !ge_z1 & !x & (0x80 * ONES);
    x | upper >> 2
}

/// Up to this many positions in a block, [`KeyScan::find`] runs the pair
/// test at each instead of the SIMD compares of [`first_bytes`].
const SHORT: usize = 8;

/// Positions of `blk[..64]` where a keyword can start, as a bit mask: an
/// ASCII letter followed by an ASCII letter, or a byte in `lo..=hi` (16
/// bytes per SIMD compare; `blk[64]` follows the last position).
#[inline(always)]
fn first_bytes(blk: &[u8; 66], (lo, hi): (u8, u8)) -> u64 {
    // the bytes outside each class (high bits of `outside`), inverted once
    let mut other = 0u64;
    let mut not_lead = 0u64;
    for (k, v) in lanes(&blk[..64]) {
        other |= bits(outside(v | u8x16::splat(0x20), b'a', 25), k);
        not_lead |= bits(outside(v, lo, hi.wrapping_sub(lo)), k);
    }
    let letters = !other;
    // bit i of `after`: a letter at i + 1
    let after = letters >> 1 | u64::from(blk[64].is_ascii_alphabetic()) << 63;
    letters & after | !not_lead
}

/// The negative keywords ([`crate::lexer::NEG_KEYS`]) by first and second
/// byte: whether one occurs in a short slice, with two table loads per
/// position (the answer of an
/// ASCII case-insensitive Aho-Corasick automaton over the same keys, without
/// its per-call start-up; a test checks it). It runs for every IPv4 address
/// and bank-card candidate.
#[derive(Debug, Clone)]
pub(crate) struct NegScan {
    /// Per byte: bit `k` when key `k` starts with it (any ASCII case).
    first: Box<[u32; 256]>,
    /// Per byte: bit `k` when it is key `k`'s second byte (any ASCII case).
    second: Box<[u32; 256]>,
    keys: Vec<&'static [u8]>,
    /// The shortest key's length.
    min: usize,
}

impl NegScan {
    pub(crate) fn new(keys: &[&'static str]) -> NegScan {
        let mut first = Box::new([0u32; 256]);
        let mut second = Box::new([0u32; 256]);
        // one bit per key in `first` and `second`
        assert!(keys.len() <= 32, "at most 32 negative keywords");
        let keys: Vec<&'static [u8]> = keys.iter().map(|k| k.as_bytes()).collect();
        assert!(
            keys.iter().all(|k| k.len() >= 2),
            "negative keywords have two bytes or more"
        );
        for (k, p) in keys.iter().enumerate() {
            for (t, &b) in [&mut first, &mut second].into_iter().zip(p.iter()) {
                t[usize::from(b.to_ascii_lowercase())] |= 1 << k;
                t[usize::from(b.to_ascii_uppercase())] |= 1 << k;
            }
        }
        NegScan {
            first,
            second,
            min: keys.iter().map(|k| k.len()).min().unwrap_or(1).max(1),
            keys,
        }
    }

    /// Whether a key occurs in `hay` (ASCII case-insensitive).
    #[inline]
    pub(crate) fn is_match(&self, hay: &[u8]) -> bool {
        // the common slice (`neg_before` takes 16 bytes): the table test at
        // every position without a branch (an unrolled loop, no bounds
        // checks), then the comparisons only where a key may start
        if let Ok(h) = <&[u8; 16]>::try_from(hay) {
            let mut starts = 0u32;
            for q in 0..15 {
                starts |= u32::from(self.pair(h[q], h[q + 1]) != 0) << q;
            }
            while starts != 0 {
                let q = starts.trailing_zeros() as usize;
                starts &= starts - 1;
                if self.key_at(h, q) {
                    return true;
                }
            }
            return false;
        }
        // every key has two bytes or more: `q + 1 < n`
        (0..(hay.len() + 1).saturating_sub(self.min)).any(|q| self.key_at(hay, q))
    }

    /// The keys that start with the bytes `a b` (any ASCII case), one bit
    /// each.
    #[inline(always)]
    fn pair(&self, a: u8, b: u8) -> u32 {
        self.first[usize::from(a)] & self.second[usize::from(b)]
    }

    /// Whether a key starts at `hay[q]` (`q + 1 < hay.len()`).
    #[inline(always)]
    fn key_at(&self, hay: &[u8], q: usize) -> bool {
        let mut m = self.pair(hay[q], hay[q + 1]);
        while m != 0 {
            let p = self.keys[m.trailing_zeros() as usize];
            m &= m - 1;
            if hay[q..].len() >= p.len() && hay[q..q + p.len()].eq_ignore_ascii_case(p) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::lexer::{KEYWORDS, NEG_KEYS};
    use aho_corasick::{AhoCorasickBuilder, MatchKind};

    /// The keyword scan finds what the leftmost-longest automaton finds.
    #[test]
    fn key_scan_matches_the_automaton() {
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(KEYWORDS.iter().map(|k| k.0))
            .expect("automaton");
        let ks = KeyScan::new(KEYWORDS);
        // text made of keyword pieces, their prefixes and suffixes, filler
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        for (k, _) in KEYWORDS {
            let b = k.as_bytes();
            pieces.push(b.to_vec());
            pieces.push(k.to_ascii_uppercase().into_bytes());
            let cut = k.char_indices().nth(1).map_or(b.len(), |c| c.0);
            pieces.push(b[..cut].to_vec());
            pieces.push(b[cut..].to_vec());
            pieces.push(b[..b.len() - 1].to_vec());
        }
        for f in [
            "件号", "x", " ", "：", "1", "号", "_", "Name", "TEL", "é", "份证",
        ] {
            pieces.push(f.as_bytes().to_vec());
        }
        // `find` on `text[from..to]` reports what the automaton reports on
        // that slice alone, with offsets in `text`
        let check = |text: &[u8], from: usize, to: usize| {
            let hay = &text[from..to];
            let want: Vec<(usize, u32)> = ac
                .find_iter(hay)
                .map(|m| (from + m.end(), KEYWORDS[m.pattern().as_usize()].1))
                .collect();
            let mut got = Vec::new();
            ks.find(text, from, to, |e, m| got.push((e, m)));
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(hay));
        };
        for text in random_texts(&pieces, 12, 0x1234_5678_9abc_def0) {
            // every slice start, as the context windows cut the text, to the
            // end of the text and to its middle (bytes read past the limit)
            for from in 0..text.len() {
                check(&text, from, text.len());
                check(&text, from, from + (text.len() - from) / 2);
            }
        }
        // long texts: whole 64-byte blocks, matches across block seams,
        // limits inside and at the end of blocks
        let long = random_texts(&pieces, 48, 0x0f0f_1234_5678_abcd);
        for text in long.iter().filter(|t| t.len() > 130).take(400) {
            for from in 0..text.len() {
                for to in [
                    text.len(),
                    from + 63,
                    from + 64,
                    from + 65,
                    from + 66,
                    from + 129,
                ] {
                    if to <= text.len() {
                        check(text, from, to);
                    }
                }
            }
        }
    }

    /// The word lower-casing is `to_ascii_lowercase` on every byte value.
    #[test]
    fn lower8_is_ascii_lowercase() {
        for b in 0..=255u8 {
            for pos in 0..8 {
                let x = u64::from(b) << (8 * pos) | 0x4161_5A7A_405B_60C1 & !(0xFF << (8 * pos));
                let want = u64::from_le_bytes(x.to_le_bytes().map(|c| c.to_ascii_lowercase()));
                assert_eq!(lower8(x), want, "{b:#x} at {pos}");
            }
        }
    }

    /// 3000 texts of up to `max - 1` random `pieces` each (xorshift from `seed`).
    pub(crate) fn random_texts(pieces: &[Vec<u8>], max: usize, mut seed: u64) -> Vec<Vec<u8>> {
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        (0..3000)
            .map(|_| {
                let mut text = Vec::new();
                for _ in 0..rnd(max) {
                    text.extend_from_slice(&pieces[rnd(pieces.len())]);
                }
                text
            })
            .collect()
    }

    /// The negative-keyword test answers as the automaton it replaced.
    #[test]
    fn neg_scan_matches_the_automaton() {
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(NEG_KEYS)
            .expect("automaton");
        let ns = NegScan::new(NEG_KEYS);
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        for k in NEG_KEYS {
            let b = k.as_bytes();
            pieces.push(b.to_vec());
            pieces.push(k.to_ascii_uppercase().into_bytes());
            pieces.push(b[..b.len() - 1].to_vec());
            pieces.push(b[1..].to_vec());
        }
        for f in ["号", " ", "：", "1", "=", ":", ".", "é", "x", "O"] {
            pieces.push(f.as_bytes().to_vec());
        }
        for text in random_texts(&pieces, 8, 0x0bad_cafe_1234_5678) {
            // every window, as `neg_before` cuts the text (inside characters too)
            for from in 0..=text.len() {
                for to in from..=text.len().min(from + 20) {
                    let hay = &text[from..to];
                    assert_eq!(
                        ns.is_match(hay),
                        ac.is_match(hay),
                        "{:?}",
                        String::from_utf8_lossy(hay)
                    );
                }
            }
        }
    }
}
