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

fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &x in b {
        h ^= u64::from(x);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    fmix(h)
}

fn is_word_ascii(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b':' | b'@' | b'/')
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F
        | 0x3040..=0x30FF | 0xAC00..=0xD7AF)
}

fn utf8_width(b: u8) -> usize {
    match b {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

#[inline]
fn fnv(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
}

/// Streaming state of one word (a run of ASCII word bytes and non-CJK
/// alphanumeric characters): the hash of the whole token (first to last
/// alphanumeric byte) and of its alphanumeric parts, computed in one pass
/// without buffering the word. Bytes of non-ASCII characters count as
/// alphanumeric; ASCII bytes arrive lowercased.
struct Word {
    /// FNV state over the token from its first alphanumeric byte.
    whole: u64,
    /// An alphanumeric byte was seen.
    started: bool,
    /// Start of the punctuation run after the last alphanumeric byte.
    pending: Option<usize>,
    /// Punctuation occurred between two alphanumeric bytes.
    inner: bool,
    /// FNV state of the current part, and whether it has a byte.
    part: u64,
    part_open: bool,
    /// The first part, held back until inner punctuation proves it differs
    /// from the whole token.
    first_part: Option<u64>,
}

impl Word {
    const fn new() -> Word {
        Word {
            whole: FNV_OFFSET,
            started: false,
            pending: None,
            inner: false,
            part: FNV_OFFSET,
            part_open: false,
            first_part: None,
        }
    }

    #[inline]
    fn alnum(&mut self, text: &[u8], at: usize, b: u8, f: &mut impl FnMut(u64)) {
        if let Some(p) = self.pending.take() {
            // punctuation between alphanumerics belongs to the whole token
            for &x in &text[p..at] {
                self.whole = fnv(self.whole, x);
            }
            if !self.inner {
                self.inner = true;
                if let Some(h) = self.first_part.take() {
                    f(fmix(h));
                }
            }
        }
        self.started = true;
        self.whole = fnv(self.whole, b);
        self.part = fnv(self.part, b);
        self.part_open = true;
    }

    #[inline]
    fn punct(&mut self, at: usize, f: &mut impl FnMut(u64)) {
        if !self.started {
            return; // leading punctuation is trimmed
        }
        if self.pending.is_none() {
            self.pending = Some(at);
        }
        if self.part_open {
            if self.inner {
                f(fmix(self.part));
            } else {
                self.first_part = Some(self.part);
            }
            self.part = FNV_OFFSET;
            self.part_open = false;
        }
    }

    #[inline]
    fn flush(&mut self, f: &mut impl FnMut(u64)) {
        if self.started {
            f(fmix(self.whole));
            if self.inner && self.part_open {
                f(fmix(self.part));
            }
        }
        *self = Word::new();
    }
}

/// Call `f` with the hash of every token of `text` (duplicates included).
pub fn for_each_token(text: &[u8], mut f: impl FnMut(u64)) {
    let mut word = Word::new();
    let mut prev_cjk: Option<[u8; 4]> = None; // utf-8 of previous CJK char
    let mut prev_len = 0usize;
    let mut i = 0;
    while i < text.len() {
        let b = text[i];
        if b < 0x80 {
            prev_cjk = None;
            if b.is_ascii_alphanumeric() {
                word.alnum(text, i, b.to_ascii_lowercase(), &mut f);
            } else if is_word_ascii(b) {
                word.punct(i, &mut f);
            } else {
                word.flush(&mut f);
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
                word.flush(&mut f);
                let cur = &text[i..i + w];
                f(hash_bytes(cur));
                if let Some(p) = prev_cjk {
                    let mut pair = [0u8; 8];
                    pair[..prev_len].copy_from_slice(&p[..prev_len]);
                    pair[prev_len..prev_len + w].copy_from_slice(cur);
                    f(hash_bytes(&pair[..prev_len + w]));
                }
                let mut p = [0u8; 4];
                p[..w].copy_from_slice(cur);
                prev_cjk = Some(p);
                prev_len = w;
                i += w;
            }
            Some(c) if c.is_alphanumeric() => {
                prev_cjk = None;
                for k in i..i + w {
                    word.alnum(text, k, text[k], &mut f);
                }
                i += w;
            }
            Some(_) => {
                prev_cjk = None;
                word.flush(&mut f);
                i += w;
            }
            None => {
                prev_cjk = None;
                word.flush(&mut f);
                i += 1;
            }
        }
    }
    word.flush(&mut f);
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
}

impl Term {
    /// Compile a term.
    pub fn new(term: &str) -> Term {
        Term {
            lower: term.as_bytes().to_ascii_lowercase(),
            tokens: token_set(term.as_bytes()),
        }
    }

    /// Token hashes of the term (for block filters).
    pub fn tokens(&self) -> &[u64] {
        &self.tokens
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

/// An insert-only set of token hashes (open addressing; 0 means empty).
#[derive(Debug, Clone)]
pub(crate) struct TokenSet {
    slots: Vec<u64>,
    len: usize,
}

impl TokenSet {
    pub(crate) fn new() -> TokenSet {
        TokenSet {
            slots: vec![0; 4096],
            len: 0,
        }
    }

    pub(crate) fn clear(&mut self) {
        self.slots.iter_mut().for_each(|s| *s = 0);
        self.len = 0;
    }

    pub(crate) fn insert(&mut self, h: u64) {
        let h = h.max(1);
        if (self.len + 1) * 2 > self.slots.len() {
            let n = self.slots.len() * 2;
            let old = std::mem::replace(&mut self.slots, vec![0; n]);
            self.len = 0;
            for s in old.into_iter().filter(|s| *s != 0) {
                self.insert(s);
            }
        }
        let mask = self.slots.len() - 1;
        let mut i = (h as usize) & mask;
        loop {
            let s = self.slots[i];
            if s == h {
                return;
            }
            if s == 0 {
                self.slots[i] = h;
                self.len += 1;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.slots.iter().copied().filter(|s| *s != 0)
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

/// A Bloom filter over token hashes (8 bits per distinct token, 5 probes:
/// about 2 % false positives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BloomFilter {
    pub(crate) k: u8,
    pub(crate) words: Vec<u64>,
}

impl BloomFilter {
    pub(crate) fn build(set: &TokenSet) -> BloomFilter {
        let bits = (set.len() * 8).max(256).next_multiple_of(64);
        let mut f = BloomFilter {
            k: 5,
            words: vec![0; bits / 64],
        };
        for h in set.iter() {
            f.insert(h);
        }
        f
    }

    fn probes(&self, h: u64) -> impl Iterator<Item = usize> + use<> {
        let m = (self.words.len() * 64) as u64;
        let h = h.max(1);
        let h1 = h & 0xffff_ffff;
        let h2 = (h >> 32) | 1;
        (0..u64::from(self.k))
            .map(move |i| (h1.wrapping_add(i.wrapping_mul(h2)) % m.max(1)) as usize)
    }

    fn insert(&mut self, h: u64) {
        for p in self.probes(h).collect::<Vec<_>>() {
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
                f(hash_bytes(t));
                // alphanumeric parts, when the token has inner punctuation
                if t.iter().any(|b| b.is_ascii() && !b.is_ascii_alphanumeric()) {
                    for part in t.split(|b| b.is_ascii() && !b.is_ascii_alphanumeric()) {
                        if !part.is_empty() {
                            f(hash_bytes(part));
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
                    f(hash_bytes(cur));
                    if let Some(p) = prev_cjk {
                        let mut pair = [0u8; 8];
                        pair[..prev_len].copy_from_slice(&p[..prev_len]);
                        pair[prev_len..prev_len + w].copy_from_slice(cur);
                        f(hash_bytes(&pair[..prev_len + w]));
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

    fn collect(text: &[u8], imp: fn(&[u8], &mut dyn FnMut(u64))) -> Vec<u64> {
        let mut v = Vec::new();
        imp(text, &mut |h| v.push(h));
        v.sort_unstable();
        v.dedup();
        v
    }

    fn streaming(t: &[u8], f: &mut dyn FnMut(u64)) {
        for_each_token(t, f);
    }

    fn reference(t: &[u8], f: &mut dyn FnMut(u64)) {
        reference_for_each_token(t, f);
    }

    #[test]
    fn streaming_tokens_equal_reference_on_examples() {
        for t in [
            "",
            "...",
            "a",
            "sshd:",
            ":sshd",
            "10.52.75.119",
            "--a--b--",
            "a..b..c.",
            "user@example.com/path:80",
            "Caf\u{e9}-Bar \u{e9}t\u{e9}.x",
            "登录失败 for u2700377445 from 10.52.75.119:22 用户",
            "x登录y",
            "2026-11-01T00:00:00.000Z fw1 [origin ip=\"10.0.0.1\"]",
        ] {
            assert_eq!(
                collect(t.as_bytes(), streaming),
                collect(t.as_bytes(), reference),
                "{t:?}"
            );
        }
    }

    proptest::proptest! {
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
