//! Tokens for the per-block filters and for `--grep`.
//!
//! ASCII words, IPs, ids (runs of letters, digits and `. _ - : @ /`) are
//! kept whole and lowercased, and also split into their alphanumeric parts
//! (`10.52.75.119` gives `10.52.75.119`, `10`, `52`, `75`, `119`). CJK
//! ideographs give every character (unigram) and every overlapping
//! character pair (bigram), so a Chinese query of two or more characters
//! matches wherever it occurs, without a dictionary.
//!
//! A `--grep` term matches a record when every token of the term is a token
//! of the record and the record contains the term as a case-insensitive
//! (ASCII) substring: `10.52.75.119`, `sshd`, `u2700377445`, `登录失败` match;
//! a fragment of a word such as `10.52` or `pass` does not.
//!
//! Block filters hold token hashes. Two hash versions exist: v1 (FNV-1a per
//! byte, blocks written before the filter version flag) and v2 (eight bytes
//! at a time); a filter says which it holds ([`BloomFilter::version`]) and a
//! [`Term`] carries its tokens in both. Pure-digit tokens of up to
//! [`MAX_SHORT_NUMBER`] digits (ports, pids, counters) are left out of v2
//! filters: nearly every block holds most of them, so they cannot narrow a
//! search, and they made up most of a filter. Records are still matched on
//! them exactly.

use wide::u8x16;

fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

/// v1 token hash: FNV-1a over the (already lowercased) token, then fmix.
fn hash_v1(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= u64::from(x);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    fmix(h)
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// ASCII-lowercase eight bytes at once (bytes >= 0x80 are left alone).
#[inline]
fn lower8(x: u64) -> u64 {
    let low7 = x & !HI;
    let ge_a = low7.wrapping_add(LO * (0x80 - u64::from(b'A')));
    let gt_z = low7.wrapping_add(LO * (0x80 - u64::from(b'Z') - 1));
    let upper = ge_a & !gt_z & !x & HI;
    x | (upper >> 2)
}

const K2: u64 = 0x9e37_79b9_7f4a_7c15;
const K3: u64 = 0xe703_7ed1_a0b4_28db;

/// Multiply to 128 bits and fold (the wyhash "mum"): one multiply mixes every input bit.
#[inline]
fn mum(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
}

#[inline(always)]
fn read8(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

#[inline(always)]
fn read4(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 4];
    x.copy_from_slice(&b[at..at + 4]);
    u64::from(u32::from_le_bytes(x))
}

/// v2 token hash of `b` ASCII-lowercased: eight bytes per multiply; the
/// tail is read with overlapping loads (as wyhash does), never byte by byte.
#[inline(always)]
fn hash_v2(b: &[u8]) -> u64 {
    hash_v2_of::<true>(b)
}

/// [`hash_v2`] of `b`, which is already ASCII-lowercased unless `LOWER`.
#[inline(always)]
fn hash_v2_of<const LOWER: bool>(b: &[u8]) -> u64 {
    let lower8 = |x: u64| if LOWER { lower8(x) } else { x };
    let n = b.len();
    let mut h = (n as u64) ^ K3;
    if n <= 8 {
        let x = if n >= 4 {
            read4(b, 0) | (read4(b, n - 4) << 32)
        } else if n > 0 {
            u64::from(b[0]) | (u64::from(b[n / 2]) << 8) | (u64::from(b[n - 1]) << 16)
        } else {
            0
        };
        return mum(h ^ lower8(x), K2);
    }
    let mut at = 0;
    while at + 8 < n {
        h = mum(h ^ lower8(read8(b, at)), K2);
        at += 8;
    }
    // the last eight bytes (overlapping the previous chunk unless n % 8 == 0)
    mum(h ^ lower8(read8(b, n - 8)), K3)
}

/// Byte classes of the tokenizer.
const SEP: u8 = 0;
const ALNUM: u8 = 1;
const PUNCT: u8 = 2;
const HIGH: u8 = 3;

const CLASS: [u8; 256] = {
    let mut t = [SEP; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b >= 0x80 {
            HIGH
        } else if b.is_ascii_alphanumeric() {
            ALNUM
        } else if matches!(b, b'.' | b'_' | b'-' | b':' | b'@' | b'/') {
            PUNCT
        } else {
            SEP
        };
        i += 1;
    }
    t
};

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F
        | 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

/// The character starting at `text[i]` (a byte >= 0x80) and its width, or
/// `None` for invalid UTF-8.
#[inline]
fn char_at(text: &[u8], i: usize) -> Option<(char, usize)> {
    let w = match text[i] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let s = std::str::from_utf8(text.get(i..i + w)?).ok()?;
    s.chars().next().map(|c| (c, w))
}

/// What the character at `text[i]` (a byte >= 0x80) is to the tokenizer.
enum High {
    /// A CJK character of this width.
    Cjk(usize),
    /// A non-CJK alphanumeric character (part of a word) of this width.
    Word(usize),
    /// Anything else: a separator of this width (1 for invalid UTF-8).
    Sep(usize),
}

#[inline]
fn high(text: &[u8], i: usize) -> High {
    match char_at(text, i) {
        Some((c, w)) if is_cjk(c) => High::Cjk(w),
        Some((c, w)) if c.is_alphanumeric() => High::Word(w),
        Some((_, w)) => High::Sep(w),
        None => High::Sep(1),
    }
}

/// Call `f` with every token of `text` as a slice of `text` (not yet
/// lowercased; duplicates included).
pub fn for_each_token_slice<'t>(text: &'t [u8], mut f: impl FnMut(&'t [u8])) {
    match classify(text, None) {
        Some(m) => ascii_tokens::<false>(&m, |s, e| f(&text[s..e])),
        None => any_tokens(text, f),
    }
}

/// Longest text (in 64-byte words) the bitmask tokenizer takes.
const ASCII_WORDS: usize = 8;

/// Byte classes of an ASCII text of up to `64 * ASCII_WORDS` bytes, one bit
/// per byte (byte `i` is bit `i % 64` of word `i / 64`; bits past the text
/// are clear, and so is a spare word after the last, so that the next
/// word can be read without a branch).
struct Masks {
    /// Words in use (`text.len().div_ceil(64)`).
    words: usize,
    /// `[0-9A-Za-z]`.
    alnum: [u64; ASCII_WORDS + 1],
    /// Alphanumeric or `. _ - : @ /` (the bytes of a word).
    word: [u64; ASCII_WORDS + 1],
    /// `[A-Za-z]` (an alphanumeric run without one is a number).
    letter: [u64; ASCII_WORDS + 1],
}

/// Per byte of `x`: all ones when `lo <= x <= lo + n` (a wrapping subtract
/// and an unsigned minimum), else zero.
#[inline(always)]
fn within(x: u8x16, lo: u8, n: u8) -> u8x16 {
    let d = x - u8x16::splat(lo);
    d.min(u8x16::splat(n)).cmp_eq(d)
}

/// Class bits of 16 bytes: (alphanumeric, word byte, letter), and the
/// bytes ASCII-lowercased.
#[inline(always)]
fn classify16(x: u8x16) -> (u64, u64, u64, u8x16) {
    let digit = within(x, b'0', 9);
    let letter = within(x | u8x16::splat(0x20), b'a', 25);
    let alnum = digit | letter;
    // `-` `.` `/` are adjacent (0x2d..=0x2f)
    let punct = within(x, b'-', 2)
        | x.cmp_eq(u8x16::splat(b':'))
        | x.cmp_eq(u8x16::splat(b'@'))
        | x.cmp_eq(u8x16::splat(b'_'));
    let bits = |v: u8x16| u64::from(v.move_mask() as u16);
    (
        bits(alnum),
        bits(alnum | punct),
        bits(letter),
        x | (letter & u8x16::splat(0x20)),
    )
}

/// The class masks of `text`, or `None` when it is longer than the
/// bitmask tokenizer takes or not all ASCII. SIMD, 16 bytes per step (SSE2
/// or NEON through `wide`). With `lower`, its first `text.len()` bytes
/// become `text` ASCII-lowercased.
#[inline(always)]
fn classify(text: &[u8], mut lower: Option<&mut [u8; 64 * ASCII_WORDS]>) -> Option<Masks> {
    let n = text.len();
    if n > 64 * ASCII_WORDS {
        return None;
    }
    let mut m = Masks {
        words: n.div_ceil(64),
        alnum: [0; ASCII_WORDS + 1],
        word: [0; ASCII_WORDS + 1],
        letter: [0; ASCII_WORDS + 1],
    };
    let mut high = u8x16::splat(0);
    let mut put = |i: usize, x: u8x16| {
        high |= x;
        let (a, w, l, low) = classify16(x);
        if let Some(buf) = lower.as_deref_mut() {
            buf[i * 16..i * 16 + 16].copy_from_slice(&low.to_array());
        }
        let sh = (i % 4) * 16;
        m.alnum[i / 4] |= a << sh;
        m.word[i / 4] |= w << sh;
        m.letter[i / 4] |= l << sh;
    };
    let chunks = text.chunks_exact(16);
    let tail = chunks.remainder();
    let full = n / 16;
    for (i, c) in chunks.enumerate() {
        let mut b = [0u8; 16];
        b.copy_from_slice(c);
        put(i, u8x16::new(b));
    }
    if !tail.is_empty() {
        let mut b = [0u8; 16];
        b[..tail.len()].copy_from_slice(tail);
        put(full, u8x16::new(b));
    }
    (high.move_mask() == 0).then_some(m)
}

/// The tokenizer for ASCII text of up to `64 * ASCII_WORDS` bytes, from
/// its class masks (the same tokens as [`any_tokens`]): every alphanumeric
/// run is a token (a part, or the whole word when it is the word's only
/// run), and a word of two or more runs is also a token from its first
/// run's start to its last run's end. Runs are found from mask arithmetic
/// and bit scans, one step per run; per word, its parts come first, then
/// the word. With `FILTER`, short pure-digit parts (see [`in_filter`]) are
/// recognised from the masks and skipped. `f` gets each token's byte range.
#[inline(always)]
fn ascii_tokens<const FILTER: bool>(m: &Masks, mut f: impl FnMut(usize, usize)) {
    let nw = m.words;
    // Per word of the masks: run starts; run ends (the last byte of each
    // run); the first alphanumeric of each word (a run of word bytes):
    // adding the word's start bit to its punctuation bits carries over the
    // leading punctuation onto that byte (a word without an alphanumeric
    // carries onto the separator after it); and the byte after each
    // pure-digit run: adding a run's start bit to its digit bits carries
    // onto its first letter, or past its end when it has none.
    let mut starts = [0u64; ASCII_WORDS];
    let mut ends = [0u64; ASCII_WORDS];
    let mut first = [0u64; ASCII_WORDS];
    let mut number_end = [0u64; ASCII_WORDS + 1];
    let (mut prev_a, mut prev_w, mut carry, mut carry_n) = (0u64, 0u64, 0u64, 0u64);
    for i in 0..nw {
        let (a, w, next_a) = (m.alnum[i], m.word[i], m.alnum[i + 1]);
        let st = a & !((a << 1) | (prev_a >> 63));
        starts[i] = st;
        ends[i] = a & !((a >> 1) | (next_a << 63));
        let word_start = w & !((w << 1) | (prev_w >> 63));
        let (s1, c1) = (w & !a).overflowing_add(word_start);
        let (s2, c2) = s1.overflowing_add(carry);
        first[i] = s2 & a;
        carry = u64::from(c1 | c2);
        if FILTER {
            let (s1, c1) = (a & !m.letter[i]).overflowing_add(st);
            let (s2, c2) = s1.overflowing_add(carry_n);
            number_end[i] = s2 & !a;
            carry_n = u64::from(c1 | c2);
        }
        (prev_a, prev_w) = (a, w);
    }
    number_end[nw] = carry_n;
    let (mut word_at, mut last_end, mut runs) = (0usize, 0usize, 0u32);
    // the cursor on `ends` (each start's end is the next one)
    let (mut ew, mut end_bits) = (0usize, ends[0]);
    for i in 0..nw {
        let mut bits = starts[i];
        while bits != 0 {
            let b = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            let s = i * 64 + b;
            if first[i] >> b & 1 != 0 {
                if runs > 1 {
                    f(word_at, last_end);
                }
                (word_at, runs) = (s, 0);
            }
            while end_bits == 0 {
                ew += 1;
                end_bits = ends[ew];
            }
            let e = ew * 64 + end_bits.trailing_zeros() as usize + 1;
            end_bits &= end_bits - 1;
            if !(FILTER && e - s <= MAX_SHORT_NUMBER && number_end[e / 64] >> (e % 64) & 1 != 0) {
                f(s, e);
            }
            runs += 1;
            last_end = e;
        }
    }
    if runs > 1 {
        f(word_at, last_end);
    }
}

/// The general tokenizer (any bytes, CJK unigrams and bigrams).
fn any_tokens<'t>(text: &'t [u8], mut f: impl FnMut(&'t [u8])) {
    let n = text.len();
    let mut i = 0;
    // end of the previous CJK character and its start (for bigrams)
    let mut prev_cjk: Option<(usize, usize)> = None;
    while i < n {
        let c = CLASS[text[i] as usize];
        if c == SEP || c == PUNCT {
            // separators; punctuation before a word is trimmed
            i += 1;
            continue;
        }
        if c == HIGH {
            match high(text, i) {
                High::Cjk(w) => {
                    f(&text[i..i + w]);
                    if let Some((ps, pe)) = prev_cjk
                        && pe == i
                    {
                        f(&text[ps..i + w]);
                    }
                    prev_cjk = Some((i, i + w));
                    i += w;
                    continue;
                }
                High::Sep(w) => {
                    i += w;
                    continue;
                }
                High::Word(_) => {}
            }
        }
        // a word starts at i: scan to its end
        let start = i;
        let mut end = i; // end of the last alphanumeric seen
        let mut punct = false; // punctuation seen since the last alphanumeric
        let mut inner = false; // punctuation between two alphanumerics
        while i < n {
            let b = text[i];
            match CLASS[b as usize] {
                ALNUM => {
                    inner |= punct;
                    punct = false;
                    i += 1;
                    end = i;
                }
                PUNCT => {
                    punct = true;
                    i += 1;
                }
                HIGH => match high(text, i) {
                    High::Word(w) => {
                        inner |= punct;
                        punct = false;
                        i += w;
                        end = i;
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        let word = &text[start..end];
        f(word);
        if inner {
            for part in word.split(|b| CLASS[*b as usize] == PUNCT) {
                if !part.is_empty() {
                    f(part);
                }
            }
        }
        // trailing punctuation (consumed above) is not part of the word;
        // what stopped the scan is handled by the outer loop
    }
}

/// Call `f` with the (v2) hash of every token of `text` (duplicates included).
pub fn for_each_token(text: &[u8], mut f: impl FnMut(u64)) {
    for_each_token_slice(text, |t| f(hash_v2(t)));
}

/// Longest pure-digit token left out of v2 block filters.
pub const MAX_SHORT_NUMBER: usize = 5;

/// Whether a token goes into a v2 block filter (short pure-digit tokens do not).
#[inline]
fn in_filter(t: &[u8]) -> bool {
    t.len() > MAX_SHORT_NUMBER || !t.iter().all(u8::is_ascii_digit)
}

/// Call `f` with the v2 hash of every token of `text` that block filters
/// hold (duplicates included).
pub fn for_each_filter_token(text: &[u8], mut f: impl FnMut(u64)) {
    // the text lowercased (SIMD, with the classes): the hash need not
    let mut lower = [0u8; 64 * ASCII_WORDS];
    match classify(text, Some(&mut lower)) {
        Some(m) => ascii_tokens::<true>(&m, |s, e| f(hash_v2_of::<false>(&lower[s..e]))),
        None => any_tokens(text, |t| {
            if in_filter(t) {
                f(hash_v2(t))
            }
        }),
    }
}

/// The distinct token hashes of `text`, sorted.
pub fn token_set(text: &[u8]) -> Vec<u64> {
    let mut v = Vec::new();
    for_each_token(text, |h| v.push(h));
    v.sort_unstable();
    v.dedup();
    v
}

/// A compiled `--grep` term.
#[derive(Debug, Clone)]
pub struct Term {
    lower: Vec<u8>,
    tokens: Vec<u64>,
    /// Tokens a v2 block filter holds.
    filter_v2: Vec<u64>,
    /// Tokens as a v1 block filter holds them (every token, v1 hash).
    filter_v1: Vec<u64>,
}

impl Term {
    /// Compile a term.
    pub fn new(term: &str) -> Term {
        let b = term.as_bytes();
        let mut filter_v1 = Vec::new();
        let mut filter_v2 = Vec::new();
        for_each_token_slice(b, |t| {
            filter_v1.push(hash_v1(&t.to_ascii_lowercase()));
            if in_filter(t) {
                filter_v2.push(hash_v2(t));
            }
        });
        for v in [&mut filter_v1, &mut filter_v2] {
            v.sort_unstable();
            v.dedup();
        }
        Term {
            lower: b.to_ascii_lowercase(),
            tokens: token_set(b),
            filter_v1,
            filter_v2,
        }
    }

    /// Whether a block with this filter may hold a record matching the term
    /// (false means certainly not).
    pub fn may_be_in(&self, filter: &BloomFilter) -> bool {
        let toks = match filter.version() {
            1 => &self.filter_v1,
            _ => &self.filter_v2,
        };
        toks.iter().all(|t| filter.may_contain(*t))
    }

    /// A cheap necessary condition for [`Term::matches`]: the term's text
    /// occurs in `raw`, ignoring ASCII case. Lets a query skip tokenising
    /// records that cannot match.
    pub fn may_match(&self, raw: &[u8]) -> bool {
        contains_ignore_ascii_case(raw, &self.lower)
    }

    /// Whether `raw` matches (see the module docs). `record_tokens` is
    /// [`token_set`] of `raw`.
    pub fn matches(&self, raw: &[u8], record_tokens: &[u64]) -> bool {
        if !self
            .tokens
            .iter()
            .all(|t| record_tokens.binary_search(t).is_ok())
        {
            return false;
        }
        if self.lower.is_empty() {
            return true;
        }
        contains_ignore_ascii_case(raw, &self.lower)
    }
}

/// Whether `needle` (already ASCII-lowercased) occurs in `hay`, ignoring ASCII case.
fn contains_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if hay.len() < needle.len() {
        return false;
    }
    let last_start = hay.len() - needle.len();
    hay[..=last_start].iter().enumerate().any(|(i, &b)| {
        b.to_ascii_lowercase() == first && hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest)
    })
}

/// Slots of [`TokenSet`]'s cache of recent hashes (32 KiB: stays in L1).
const RECENT: usize = 4096;
/// Bits of the bitmap [`TokenSet::len`] counts on (16 KiB).
const SEEN_BITS: usize = 1 << 17;
const SEEN_SHIFT: u32 = 64 - SEEN_BITS.trailing_zeros();

/// The token hashes of one block, gathered for its Bloom filter.
///
/// Not an exact set: a direct-mapped cache of recent hashes skips most
/// repeats (only a hash equal to the cached one is skipped, so nothing is
/// lost), the rest are kept in a list that may still hold repeats (adding
/// one to a filter twice does nothing), and the number of distinct hashes,
/// which sizes the filter, is estimated by linear counting on a bitmap
/// (about 0.2 % error at 40,000 distinct tokens). Every step touches memory
/// that stays in the cache, unlike a hash set that grows with the block.
#[derive(Debug, Clone)]
pub(crate) struct TokenSet {
    recent: Vec<u64>,
    hashes: Vec<u64>,
}

impl TokenSet {
    pub(crate) fn new() -> TokenSet {
        TokenSet {
            recent: vec![0; RECENT],
            hashes: Vec::new(),
        }
    }

    pub(crate) fn clear(&mut self) {
        self.recent.fill(0);
        self.hashes.clear();
    }

    #[inline]
    pub(crate) fn insert(&mut self, h: u64) {
        let h = h.max(1);
        let slot = &mut self.recent[h as usize & (RECENT - 1)];
        if *slot == h {
            return;
        }
        *slot = h;
        self.hashes.push(h);
    }

    /// The gathered hashes (repeats possible).
    pub(crate) fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.hashes.iter().copied()
    }

    /// Estimated number of distinct hashes (never more than were gathered).
    pub(crate) fn len(&self) -> usize {
        let mut seen = vec![0u64; SEEN_BITS / 64];
        for h in &self.hashes {
            let b = (h >> SEEN_SHIFT) as usize;
            seen[b / 64] |= 1 << (b % 64);
        }
        let set: u32 = seen.iter().map(|w| w.count_ones()).sum();
        let m = SEEN_BITS as f64;
        let zeros = SEEN_BITS - set as usize;
        if zeros == 0 {
            return self.hashes.len();
        }
        let est = (-m * (zeros as f64 / m).ln()).ceil() as usize;
        est.min(self.hashes.len())
    }
}

/// A Bloom filter over token hashes (8 bits per distinct token, 5 probes:
/// about 2 % false positives).
///
/// The stored `k` byte holds the probe count in its low 7 bits and
/// [`FILTER_V2`] when the filter holds v2 token hashes (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BloomFilter {
    pub(crate) k: u8,
    pub(crate) words: Vec<u64>,
}

/// Flag in [`BloomFilter`]'s `k` byte: v2 token hashes.
pub const FILTER_V2: u8 = 0x80;

impl BloomFilter {
    pub(crate) fn build(set: &TokenSet) -> BloomFilter {
        let bits = (set.len() * 8).max(256).next_multiple_of(64);
        let mut f = BloomFilter {
            k: 5 | FILTER_V2,
            words: vec![0; bits / 64],
        };
        for h in set.iter() {
            f.insert(h);
        }
        f
    }

    /// Token hash version of the filter (1 or 2).
    pub fn version(&self) -> u8 {
        if self.k & FILTER_V2 != 0 { 2 } else { 1 }
    }

    /// Bit positions of `h`: double hashing; v1 maps with a modulo, v2
    /// with a multiply (the "fastrange" reduction).
    fn probes(&self, h: u64) -> impl Iterator<Item = usize> + use<> {
        let m = (self.words.len() * 64) as u64;
        let h = h.max(1);
        let v2 = self.k & FILTER_V2 != 0;
        let k = u64::from(self.k & !FILTER_V2);
        let (a, b) = if v2 {
            (h, h.rotate_left(32) | 1)
        } else {
            (h & 0xffff_ffff, (h >> 32) | 1)
        };
        (0..k).map(move |i| {
            let g = a.wrapping_add(i.wrapping_mul(b));
            if v2 {
                ((u128::from(g) * u128::from(m)) >> 64) as usize
            } else {
                (g % m.max(1)) as usize
            }
        })
    }

    fn insert(&mut self, h: u64) {
        for p in self.probes(h) {
            self.words[p / 64] |= 1 << (p % 64);
        }
    }

    /// Size of the filter bits in bytes.
    pub fn byte_len(&self) -> usize {
        self.words.len() * 8
    }

    /// Whether the token may be present (false means certainly absent).
    pub fn may_contain(&self, h: u64) -> bool {
        if self.words.is_empty() {
            return true;
        }
        self.probes(h)
            .all(|p| self.words[p / 64] & (1 << (p % 64)) != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy as _;

    fn is_word_ascii(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':' | b'@' | b'/')
    }

    fn utf8_width(b: u8) -> usize {
        match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 0,
        }
    }

    /// The first, buffering implementation: the streaming one must agree with it.
    /// Call `f` with the hash of every token of `text` (duplicates included).
    fn reference_for_each_token(text: &[u8], mut f: impl FnMut(u64)) {
        let mut word: Vec<u8> = Vec::with_capacity(64);
        let mut prev_cjk: Option<[u8; 4]> = None; // utf-8 of previous CJK char, len in [3]
        let mut prev_len = 0usize;
        let flush = |word: &mut Vec<u8>, f: &mut dyn FnMut(u64)| {
            let w: &[u8] = word.as_slice();
            let start = w
                .iter()
                .position(|b| b.is_ascii_alphanumeric() || *b >= 0x80);
            let end = w
                .iter()
                .rposition(|b| b.is_ascii_alphanumeric() || *b >= 0x80);
            if let (Some(s), Some(e)) = (start, end) {
                let t = &w[s..=e];
                f(hash_v1(t));
                // alphanumeric parts, when the token has inner punctuation
                if t.iter().any(|b| b.is_ascii() && !b.is_ascii_alphanumeric()) {
                    for part in t.split(|b| b.is_ascii() && !b.is_ascii_alphanumeric()) {
                        if !part.is_empty() {
                            f(hash_v1(part));
                        }
                    }
                }
            }
            word.clear();
        };
        let mut i = 0;
        while i < text.len() {
            let b = text[i];
            if b < 0x80 {
                prev_cjk = None;
                if is_word_ascii(b) {
                    word.push(b.to_ascii_lowercase());
                } else {
                    flush(&mut word, &mut f);
                }
                i += 1;
                continue;
            }
            let w = utf8_width(b);
            let ch = (w > 0 && i + w <= text.len())
                .then(|| std::str::from_utf8(&text[i..i + w]).ok())
                .flatten()
                .and_then(|s| s.chars().next());
            match ch {
                Some(c) if is_cjk(c) => {
                    flush(&mut word, &mut f);
                    let cur = &text[i..i + w];
                    f(hash_v1(cur));
                    if let Some(p) = prev_cjk {
                        let mut pair = [0u8; 8];
                        pair[..prev_len].copy_from_slice(&p[..prev_len]);
                        pair[prev_len..prev_len + w].copy_from_slice(cur);
                        f(hash_v1(&pair[..prev_len + w]));
                    }
                    let mut p = [0u8; 4];
                    p[..w].copy_from_slice(cur);
                    prev_cjk = Some(p);
                    prev_len = w;
                    i += w;
                }
                Some(c) if c.is_alphanumeric() => {
                    prev_cjk = None;
                    word.extend_from_slice(&text[i..i + w]);
                    i += w;
                }
                Some(_) => {
                    prev_cjk = None;
                    flush(&mut word, &mut f);
                    i += w;
                }
                None => {
                    prev_cjk = None;
                    flush(&mut word, &mut f);
                    i += 1;
                }
            }
        }
        flush(&mut word, &mut f);
    }

    /// Byte `>= c` flags (high bit of each byte) of eight ASCII bytes.
    #[inline(always)]
    fn ge(x: u64, c: u8) -> u64 {
        x.wrapping_add(LO * u64::from(0x80 - c)) & HI
    }

    /// Gather the high bit of each byte into an 8-bit mask (byte i -> bit i).
    #[inline(always)]
    fn pack(flags: u64) -> u64 {
        ((flags >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
    }

    /// Alphanumeric and word-byte (alphanumeric or `. _ - : @ /`) masks of
    /// eight ASCII bytes.
    #[inline(always)]
    fn classify8(x: u64) -> (u64, u64) {
        let l = x | (LO * 0x20);
        let digit = ge(x, b'0') & !ge(x, b':');
        let letter = ge(l, b'a') & !ge(l, b'{');
        let alnum = digit | letter;
        let dash_dot_slash = ge(x, b'-') & !ge(x, b'0');
        let colon = ge(x, b':') & !ge(x, b';');
        let at = ge(x, b'@') & !ge(x, b'A');
        let under = ge(x, b'_') & !ge(x, b'`');
        (
            pack(alnum),
            pack(alnum | dash_dot_slash | colon | at | under),
        )
    }

    /// First bit at or after `from` that is set (`SET`) or clear (or `m.len() * 64`).
    #[inline(always)]
    fn next_bit<const SET: bool>(m: &[u64], from: usize) -> usize {
        let word = |w: usize| if SET { m[w] } else { !m[w] };
        let mut w = from / 64;
        if w >= m.len() {
            return m.len() * 64;
        }
        let mut x = word(w) & (!0u64 << (from % 64));
        loop {
            if x != 0 {
                return w * 64 + x.trailing_zeros() as usize;
            }
            w += 1;
            if w == m.len() {
                return m.len() * 64;
            }
            x = word(w);
        }
    }

    /// First set bit at or after `from` (or `m.len() * 64`).
    #[inline]
    fn next_set(m: &[u64], from: usize) -> usize {
        next_bit::<true>(m, from)
    }

    /// First clear bit at or after `from` (or `m.len() * 64`).
    #[inline]
    fn next_clear(m: &[u64], from: usize) -> usize {
        next_bit::<false>(m, from)
    }

    /// The bitmask tokenizer before the SIMD one (SWAR classes, eight bytes at
    /// a time, then words and parts from bit scans): the reference for the
    /// order in which tokens reach a block's filter (its recent-hash cache
    /// depends on the order, and the block bytes on that cache).
    fn bitmask_tokens<'t>(text: &'t [u8], mut f: impl FnMut(&'t [u8])) {
        let n = text.len();
        let mut alnum = [0u64; ASCII_WORDS];
        let mut word = [0u64; ASCII_WORDS];
        let words = n.div_ceil(64);
        for (i, c) in text.chunks(8).enumerate() {
            let mut b = [0u8; 8];
            b[..c.len()].copy_from_slice(c);
            let (a, w) = classify8(u64::from_le_bytes(b));
            alnum[i / 8] |= a << ((i % 8) * 8);
            word[i / 8] |= w << ((i % 8) * 8);
        }
        let (alnum, word) = (&alnum[..words], &word[..words]);
        let mut pos = 0;
        loop {
            let s = next_set(alnum, pos);
            if s >= n {
                return;
            }
            let end_word = next_clear(word, s).min(n);
            let first_end = next_clear(alnum, s).min(n);
            let next = next_set(alnum, first_end);
            if next >= end_word {
                // no inner punctuation: one token
                f(&text[s..first_end]);
            } else {
                f(&text[s..first_end]);
                let mut p = next;
                let mut last_end = first_end;
                while p < end_word {
                    let e = next_clear(alnum, p).min(n);
                    f(&text[p..e]);
                    last_end = e;
                    p = next_set(alnum, e);
                }
                f(&text[s..last_end]);
            }
            pos = end_word;
        }
    }

    #[test]
    fn terms_match_whole_tokens_and_cjk_substrings() {
        let raw = "<34>Oct 11 22:14:15 fw1 sshd[42]: Failed password for user u2700377445 from 10.52.75.119 用户登录失败，来源未知".as_bytes();
        let toks = token_set(raw);
        for yes in [
            "sshd",
            "SSHD",
            "u2700377445",
            "10.52.75.119",
            "119",
            "登录",
            "登录失败",
            "录",
            "failed password",
            "用户登录失败",
        ] {
            assert!(Term::new(yes).matches(raw, &toks), "{yes}");
        }
        for no in ["10.52", "pass", "登失", "failedpassword", "u27003774"] {
            assert!(!Term::new(no).matches(raw, &toks), "{no}");
        }
    }

    type Tokenizer = fn(&[u8], &mut dyn FnMut(&[u8]));

    fn slices(t: &[u8], imp: Tokenizer) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        imp(t, &mut |s| v.push(s.to_vec()));
        v.sort();
        v
    }

    /// The dispatching tokenizer (bitmasks for short ASCII text).
    fn ascii_imp(t: &[u8], f: &mut dyn FnMut(&[u8])) {
        for_each_token_slice(t, f);
    }

    fn any_imp(t: &[u8], f: &mut dyn FnMut(&[u8])) {
        any_tokens(t, f);
    }

    #[test]
    fn classify8_matches_the_byte_table() {
        for b in 0..0x80u8 {
            for at in 0..8 {
                let mut x = [b' '; 8];
                x[at] = b;
                let (a, w) = classify8(u64::from_le_bytes(x));
                assert_eq!(a == 1 << at, CLASS[b as usize] == ALNUM, "{b:#x} at {at}");
                assert_eq!(
                    w == 1 << at,
                    matches!(CLASS[b as usize], ALNUM | PUNCT),
                    "{b:#x} at {at}"
                );
            }
        }
    }

    #[test]
    fn classify16_matches_the_byte_table() {
        for b in 0..0x80u8 {
            for at in 0..16 {
                let mut x = [b' '; 16];
                x[at] = b;
                let (a, w, l, low) = classify16(u8x16::new(x));
                assert_eq!(low.to_array()[at], b.to_ascii_lowercase(), "{b:#x} at {at}");
                assert_eq!(a == 1 << at, CLASS[b as usize] == ALNUM, "{b:#x} at {at}");
                assert_eq!(
                    w == 1 << at,
                    matches!(CLASS[b as usize], ALNUM | PUNCT),
                    "{b:#x} at {at}"
                );
                assert_eq!(l == 1 << at, b.is_ascii_alphabetic(), "{b:#x} at {at}");
            }
        }
        assert!(classify(&[b'a'; 512], None).is_some());
        assert!(classify(&[b'a'; 513], None).is_none());
        for at in [0, 15, 16, 100, 511] {
            let mut t = [b'a'; 512];
            t[at] = 0x80;
            assert!(classify(&t, None).is_none(), "{at}");
        }
    }

    /// The filter path gives the hashes of the reference tokenizer's
    /// filtered tokens in the same order, and the slice path its tokens in
    /// the same order.
    fn same_order(t: &[u8]) -> Result<(), proptest::test_runner::TestCaseError> {
        let mut want = Vec::new();
        let mut want_slices = Vec::new();
        if t.len() <= 64 * ASCII_WORDS && t.is_ascii() {
            bitmask_tokens(t, |s| {
                want_slices.push(s);
                if in_filter(s) {
                    want.push(hash_v2(s));
                }
            });
        } else {
            any_tokens(t, |s| {
                want_slices.push(s);
                if in_filter(s) {
                    want.push(hash_v2(s));
                }
            });
        }
        let mut got = Vec::new();
        for_each_filter_token(t, |h| got.push(h));
        proptest::prop_assert_eq!(got, want);
        let mut got_slices = Vec::new();
        for_each_token_slice(t, |s| got_slices.push(s));
        proptest::prop_assert_eq!(got_slices, want_slices);
        Ok(())
    }

    #[test]
    fn filter_tokens_come_in_the_reference_order_on_examples() {
        let long = [
            "1.2 ".repeat(128),
            format!("{}12345.x", "9".repeat(59)),
            format!("{}123456 1", "9".repeat(58)),
            format!("{}..123/456", "-".repeat(60)),
            format!("{}a", "0".repeat(511)),
        ];
        for t in EXAMPLES
            .iter()
            .copied()
            .chain(long.iter().map(String::as_str))
        {
            same_order(t.as_bytes()).unwrap();
        }
    }

    /// Edge cases of word and part boundaries, shared by the example tests.
    const EXAMPLES: &[&str] = &[
        "",
        "...",
        "a",
        "sshd:",
        ":sshd",
        "10.52.75.119",
        "--a--b--",
        "a..b..c.",
        "user@example.com/path:80",
        "2026-11-01T00:00:00.000Z fw1 [origin ip=\"10.0.0.1\"]",
    ];

    #[test]
    fn ascii_tokenizer_equals_general_one_on_examples() {
        let long = [
            "x".repeat(64),
            "y".repeat(65),
            "a-".repeat(40),
            "a.b ".repeat(130),
            // 511 bytes, 384 tokens: the most tokens per byte, under the bitmask tokenizer's limit
            format!("{}a.b", "a.b ".repeat(127)),
        ];
        for t in EXAMPLES
            .iter()
            .copied()
            .chain(long.iter().map(String::as_str))
        {
            assert_eq!(
                slices(t.as_bytes(), ascii_imp),
                slices(t.as_bytes(), any_imp),
                "{t:?}"
            );
        }
    }

    #[test]
    fn lower8_lowercases_ascii_only() {
        for b in 0..=255u8 {
            let x = u64::from_le_bytes([b, b'A', b'z', 0xC3, b'@', b'[', b'Z', 0x80]);
            let want = u64::from_le_bytes([
                b.to_ascii_lowercase(),
                b'a',
                b'z',
                0xC3,
                b'@',
                b'[',
                b'z',
                0x80,
            ]);
            assert_eq!(lower8(x), want, "{b:#x}");
        }
    }

    #[test]
    fn v2_hash_ignores_ascii_case_and_sees_every_byte() {
        assert_eq!(hash_v2(b"SSHD-Session.X1"), hash_v2(b"sshd-session.x1"));
        assert_ne!(hash_v2(b"sshd"), hash_v2(b"sshe"));
        assert_ne!(hash_v2(b"a"), hash_v2(b"a\0"));
        assert_ne!(hash_v2(b"12345678"), hash_v2(b"123456789"));
    }

    #[test]
    fn short_numbers_stay_out_of_filters_but_match_records() {
        let raw = b"conn from 10.1.2.3 port 4177 pid 123456";
        let mut set = TokenSet::new();
        for_each_filter_token(raw, |h| set.insert(h));
        let f = BloomFilter::build(&set);
        assert_eq!(f.version(), 2);
        let toks = token_set(raw);
        for term in ["4177", "10.1.2.3", "123456", "port 4177"] {
            let t = Term::new(term);
            assert!(t.may_be_in(&f), "{term}");
            assert!(t.matches(raw, &toks), "{term}");
        }
        assert!(!set.iter().any(|h| h == hash_v2(b"4177").max(1)));
        assert!(!Term::new("conn zzz").matches(raw, &toks));
    }

    #[test]
    fn v1_filters_are_still_searched_with_v1_hashes() {
        let raw = "Failed password for u2700377445 登录失败".as_bytes();
        let mut set = TokenSet::new();
        for_each_token_slice(raw, |s| set.insert(hash_v1(&s.to_ascii_lowercase())));
        // a filter as blocks written before v2 hold it
        let mut f = BloomFilter {
            k: 5,
            words: vec![0; 8],
        };
        for h in set.iter() {
            f.insert(h);
        }
        assert_eq!(f.version(), 1);
        for term in ["u2700377445", "FAILED", "登录", "password for"] {
            assert!(Term::new(term).may_be_in(&f), "{term}");
        }
    }

    #[test]
    fn bloom_has_no_false_negatives() {
        let mut s = TokenSet::new();
        for i in 0..5000u64 {
            s.insert(fmix(i));
        }
        let f = BloomFilter::build(&s);
        assert!((0..5000u64).all(|i| f.may_contain(fmix(i))));
        let fp = (5000..105_000u64)
            .filter(|i| f.may_contain(fmix(*i)))
            .count();
        assert!(fp < 5000, "false positives {fp}");
    }

    #[test]
    fn token_set_counts_distinct_hashes_closely_and_keeps_them_all() {
        for n in [0u64, 1, 100, 5_000, 40_000, 300_000] {
            let mut s = TokenSet::new();
            // every hash three times, far apart and close together
            for round in 0..3 {
                for i in 0..n {
                    s.insert(fmix(i));
                    if round == 0 && i % 2 == 0 {
                        s.insert(fmix(i));
                    }
                }
            }
            let est = s.len() as f64;
            assert!(
                (est - n as f64).abs() <= (n as f64 * 0.02).max(1.0),
                "{n} distinct estimated as {est}"
            );
            let kept: std::collections::HashSet<u64> = s.iter().collect();
            assert_eq!(kept.len() as u64, n);
            let f = BloomFilter::build(&s);
            assert!((0..n).all(|i| f.may_contain(fmix(i))));
            s.clear();
            assert_eq!((s.len(), s.iter().count()), (0, 0));
        }
    }

    fn collect(text: &[u8], imp: fn(&[u8], &mut dyn FnMut(u64))) -> Vec<u64> {
        let mut v = Vec::new();
        imp(text, &mut |h| v.push(h));
        v.sort_unstable();
        v.dedup();
        v
    }

    fn streaming(t: &[u8], f: &mut dyn FnMut(u64)) {
        for_each_token_slice(t, |s| f(hash_v1(&s.to_ascii_lowercase())));
    }

    fn reference(t: &[u8], f: &mut dyn FnMut(u64)) {
        reference_for_each_token(t, f);
    }

    #[test]
    fn streaming_tokens_equal_reference_on_examples() {
        for t in EXAMPLES.iter().copied().chain([
            "Caf\u{e9}-Bar \u{e9}t\u{e9}.x",
            "登录失败 for u2700377445 from 10.52.75.119:22 用户",
            "x登录y",
        ]) {
            assert_eq!(
                collect(t.as_bytes(), streaming),
                collect(t.as_bytes(), reference),
                "{t:?}"
            );
        }
    }

    fn same_tokens(t: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        proptest::prop_assert_eq!(
            slices(t.as_bytes(), ascii_imp),
            slices(t.as_bytes(), any_imp)
        );
        Ok(())
    }

    proptest::proptest! {
        #[test]
        fn ascii_tokens_equal_general_tokens(t in "[ -~]{0,600}") {
            same_tokens(&t)?;
            same_order(t.as_bytes())?;
        }

        #[test]
        fn filter_tokens_come_in_the_reference_order(
            parts in proptest::collection::vec(proptest::prop_oneof![
                proptest::string::string_regex("[0-9]{1,7}").unwrap(),
                proptest::string::string_regex("[a-zA-Z0-9]{1,9}").unwrap(),
                proptest::string::string_regex("[._:@/-]{1,3}").unwrap(),
                proptest::string::string_regex("[ ,;=\\[\\]\"]").unwrap(),
            ], 0..160),
        ) {
            same_tokens(&parts.concat())?;
            same_order(parts.concat().as_bytes())?;
        }

        /// Text that is not all ASCII (a high byte anywhere, in a whole
        /// eight-byte chunk or in the tail) is left to the general tokenizer.
        #[test]
        fn dispatch_equals_general_tokens_on_any_bytes(
            t in proptest::collection::vec(proptest::prop_oneof![
                8 => proptest::num::u8::ANY.prop_map(|b| b & 0x7f),
                1 => proptest::num::u8::ANY,
            ], 0..600),
        ) {
            proptest::prop_assert_eq!(slices(&t, ascii_imp), slices(&t, any_imp));
        }

        #[test]
        fn ascii_tokens_equal_general_tokens_on_word_soup(
            parts in proptest::collection::vec(proptest::prop_oneof![
                proptest::string::string_regex("[a-zA-Z0-9]{1,9}").unwrap(),
                proptest::string::string_regex("[._:@/-]{1,3}").unwrap(),
                proptest::string::string_regex("[ ,;=\\[\\]\"`{}]").unwrap(),
            ], 0..80),
        ) {
            same_tokens(&parts.concat())?;
        }

        #[test]
        fn streaming_tokens_equal_reference(
            parts in proptest::collection::vec(proptest::prop_oneof![
                proptest::string::string_regex("[a-zA-Z0-9]{1,6}").unwrap(),
                proptest::string::string_regex("[._:@/-]{1,3}").unwrap(),
                proptest::string::string_regex("[ ,;=\\[\\]\"]").unwrap(),
                proptest::string::string_regex("[登录失败用户é中文Ωß]{1,3}").unwrap(),
            ], 0..20),
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..8),
        ) {
            let mut t = parts.concat().into_bytes();
            t.extend_from_slice(&bytes);
            proptest::prop_assert_eq!(collect(&t, streaming), collect(&t, reference));
        }
    }
}
