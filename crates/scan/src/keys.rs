//! Keyword searches for context: the context keywords before a candidate
//! ([`KeyScan`]) and the negative keywords right before a number
//! ([`NegScan`]). Both answer exactly as an ASCII case-insensitive
//! Aho-Corasick automaton over the same keys; tests check it.

use wide::u8x16;

use crate::simd::{bits, lanes, within};

/// Keyword search with the matches of a leftmost-longest, ASCII
/// case-insensitive Aho-Corasick automaton over the same keywords, built for
/// the context windows that cover most of dense text: a table of the
/// keywords' first two bytes (every ASCII case) and a bitmap of their first three
/// bytes (ASCII lower-cased, hashed) reject almost every position with
/// independent loads instead of a dependent walk through a transition table.
/// A test checks it against the automaton.
#[derive(Debug, Clone)]
pub(crate) struct KeyScan {
    /// Byte `b0 | b1 << 8` (the pair read as a little-endian `u16`) is 1 when
    /// some keyword starts with `b0 b1` (any ASCII case); a byte, not a bit,
    /// per pair: no bit extraction in the hot loop.
    pairs: Box<[u8; 65536]>,
    /// Bit [`KeyScan::tri`] of the lower-cased first three bytes.
    tris: Box<[u64]>,
    /// Bytes that occur in a keyword (any ASCII case).
    pub(crate) in_key: Box<[bool; 256]>,
    /// The range of the keywords' non-ASCII first bytes (every ASCII first
    /// byte is a letter; `new` checks both).
    lead: (u8, u8),
    /// Keyword indices by lower-cased first byte, longest first.
    by_first: Box<[Vec<u16>]>,
    pats: Vec<&'static [u8]>,
    masks: Vec<u32>,
}

impl KeyScan {
    pub(crate) fn new(keys: &[(&'static str, u32)]) -> KeyScan {
        let mut pairs = Box::new([0u8; 65536]);
        let mut tris = vec![0u64; 1024].into_boxed_slice();
        let mut by_first = vec![Vec::new(); 256].into_boxed_slice();
        let set = |bits: &mut [u64], k: usize| bits[k >> 6] |= 1 << (k & 63);
        let cases = |b: u8| [b.to_ascii_lowercase(), b.to_ascii_uppercase()];
        for (k, (p, _)) in keys.iter().enumerate() {
            let b = p.as_bytes();
            // every keyword has at least three bytes
            if b.len() < 3 {
                continue;
            }
            for b0 in cases(b[0]) {
                for b1 in cases(b[1]) {
                    pairs[usize::from(b0) | usize::from(b1) << 8] = 1;
                }
            }
            set(&mut tris, KeyScan::tri(b[0], b[1], b[2]));
            by_first[usize::from(b[0].to_ascii_lowercase())].push(k as u16);
        }
        for v in by_first.iter_mut() {
            // longest first; equal lengths in keyword order
            v.sort_by_key(|&k| std::cmp::Reverse(keys[usize::from(k)].0.len()));
        }
        // first bytes: ASCII letters and one range of lead bytes (what
        // `first_bytes` finds)
        let firsts = keys
            .iter()
            .filter_map(|(p, _)| p.as_bytes().first().copied());
        assert!(
            firsts.clone().all(|b| b.is_ascii_alphabetic() || b >= 0x80),
            "keywords start with a letter or a non-ASCII byte"
        );
        let lead = firsts
            .filter(|&b| b >= 0x80)
            .fold((0xFF, 0x80), |(lo, hi), b| (lo.min(b), hi.max(b)));
        KeyScan {
            pairs,
            lead,
            tris,
            by_first,
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
            pats: keys.iter().map(|k| k.0.as_bytes()).collect(),
            masks: keys.iter().map(|k| k.1).collect(),
        }
    }

    #[inline(always)]
    fn tri(b0: u8, b1: u8, b2: u8) -> usize {
        let l = |b: u8| usize::from(b.to_ascii_lowercase());
        ((l(b0) * 0x9E37) ^ (l(b1) * 0x79B9) ^ l(b2)) & 0xFFFF
    }

    #[inline(always)]
    fn bit(bits: &[u64], k: usize) -> bool {
        bits[k >> 6] >> (k & 63) & 1 != 0
    }

    /// Report (end, mask) of every keyword in `hay`, leftmost-longest,
    /// non-overlapping.
    pub(crate) fn find(&self, hay: &[u8], mut f: impl FnMut(usize, u32)) {
        let n = hay.len();
        // every keyword has at least three bytes: starts are below n - 2
        let last = n.saturating_sub(2);
        let mut p = 0;
        while p < last {
            // the pair test for up to 64 positions, as a bit mask (no
            // data-dependent branches): one table byte per position, then
            // eight bytes (each 0 or 1) gathered into eight bits by a
            // multiply (bit 0 of byte i lands in bit 56 + i, without carries)
            let end = (p + 64).min(last);
            let mut flags = [0u8; 64];
            if let Some(blk) = hay.get(p..p + 65) {
                // a whole block: the pair test only where a keyword can
                // start (SIMD compares: an ASCII letter or a lead byte in
                // the keywords' range; not a digit, space or continuation
                // byte)
                let blk: &[u8; 65] = blk.try_into().unwrap_or(&[0; 65]);
                let mut c = first_bytes(&blk[..64], self.lead);
                while c != 0 {
                    let k = c.trailing_zeros() as usize;
                    c &= c - 1;
                    flags[k] = self.pairs[usize::from(u16::from_le_bytes([blk[k], blk[k + 1]]))];
                }
            } else {
                for (f, w) in flags.iter_mut().zip(hay[p..=end].windows(2)) {
                    *f = self.pairs[usize::from(u16::from_le_bytes([w[0], w[1]]))];
                }
            }
            let mut m = 0u64;
            for (c, b) in flags.chunks_exact(8).enumerate() {
                let x = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
                m |= (x.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * c);
            }
            // positions at `end` and beyond belong to the next block (a whole
            // block reads one pair past them)
            if end - p < 64 {
                m &= (1u64 << (end - p)) - 1;
            }
            // positions before `next` are inside a match already reported
            let mut next = p;
            while m != 0 {
                let q = p + m.trailing_zeros() as usize;
                m &= m - 1;
                if q < next
                    || !KeyScan::bit(&self.tris[..], KeyScan::tri(hay[q], hay[q + 1], hay[q + 2]))
                {
                    continue;
                }
                let hit = self.by_first[usize::from(hay[q].to_ascii_lowercase())]
                    .iter()
                    .map(|&k| usize::from(k))
                    .find(|&k| {
                        let pat = self.pats[k];
                        q + pat.len() <= n && hay[q..q + pat.len()].eq_ignore_ascii_case(pat)
                    });
                if let Some(k) = hit {
                    next = q + self.pats[k].len();
                    f(next, self.masks[k]);
                }
            }
            p = end.max(next);
        }
    }
}

/// Positions of `blk` (64 bytes) holding an ASCII letter or a byte in
/// `lo..=hi`, as a bit mask: 16 bytes per SIMD compare.
#[inline(always)]
fn first_bytes(blk: &[u8], (lo, hi): (u8, u8)) -> u64 {
    let mut m = 0u64;
    for (k, v) in lanes(blk) {
        let letter = within(v | u8x16::splat(0x20), b'a', 25);
        let lead = within(v, lo, hi.wrapping_sub(lo));
        m |= bits(letter | lead, k);
    }
    m
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
        let n = hay.len();
        // every key has two bytes or more: `q + 1 < n`
        for q in 0..(n + 1).saturating_sub(self.min) {
            let mut m = self.first[usize::from(hay[q])] & self.second[usize::from(hay[q + 1])];
            while m != 0 {
                let p = self.keys[m.trailing_zeros() as usize];
                m &= m - 1;
                if hay[q..].len() >= p.len() && hay[q..q + p.len()].eq_ignore_ascii_case(p) {
                    return true;
                }
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
        for text in random_texts(&pieces, 12, 0x1234_5678_9abc_def0) {
            // every slice start, as the context windows cut the text
            for from in 0..text.len() {
                let hay = &text[from..];
                let want: Vec<(usize, u32)> = ac
                    .find_iter(hay)
                    .map(|m| (m.end(), KEYWORDS[m.pattern().as_usize()].1))
                    .collect();
                let mut got = Vec::new();
                ks.find(hay, |e, m| got.push((e, m)));
                assert_eq!(got, want, "{:?}", String::from_utf8_lossy(hay));
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
