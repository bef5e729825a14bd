//! Tokens: the byte classes of the plain loop, the token (`Tok`) built
//! from an ASCII or full-width alphanumeric run, and the word-at-a-time
//! helpers that decide most runs without building one (`plain_decide`,
//! `read_tok`, times and dates).

use super::*;

pub(super) const C_NONE: u8 = 0;
const C_DIGIT: u8 = 1;
const C_ALPHA: u8 = 2;
pub(super) const C_FW: u8 = 3;
pub(super) const C_DASH: u8 = 4;

pub(super) const CLASS: [u8; 256] = {
    let mut t = [C_NONE; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_digit() {
            C_DIGIT
        } else if b.is_ascii_alphabetic() {
            C_ALPHA
        } else if b == 0xEF {
            C_FW
        } else if b == b'-' {
            C_DASH
        } else {
            C_NONE
        };
        i += 1;
    }
    t
};

#[derive(Clone, Copy)]
pub(super) struct Tok {
    pub(super) s: usize,
    pub(super) e: usize,
    pub(super) buf: [u8; 64],
    pub(super) len: usize,
    pub(super) digits: usize,
    pub(super) upper: usize,
    pub(super) lower: usize,
    pub(super) long: bool,
    pub(super) fw: bool,
}

impl Tok {
    /// The token of the ASCII alphanumeric run `s..s + len` (`len < 64`,
    /// not followed by a full-width character) with `digits` digits and
    /// `lower` lower-case letters: what [`read_tok`] returns for it.
    #[inline(always)]
    pub(super) fn ascii(text: &[u8], s: usize, len: usize, digits: usize, lower: usize) -> Tok {
        let mut buf = [0u8; 64];
        match text.get(s..s + 64) {
            Some(w) => buf.copy_from_slice(w),
            None => buf[..len].copy_from_slice(&text[s..s + len]),
        }
        Tok {
            s,
            e: s + len,
            buf,
            len,
            digits,
            upper: len - digits - lower,
            lower,
            long: false,
            fw: false,
        }
    }
    pub(super) fn v(&self) -> &[u8] {
        &self.buf[..self.len]
    }
    pub(super) fn all_digits(&self) -> bool {
        !self.long && self.digits == self.len
    }
}

/// Read a full-width alphanumeric char at `i` (3 bytes), as ASCII.
#[inline]
pub(super) fn fw_at(text: &[u8], i: usize) -> Option<u8> {
    if i + 2 >= text.len() || text[i] != 0xEF {
        return None;
    }
    let (b1, b2) = (text[i + 1], text[i + 2]);
    match (b1, b2) {
        (0xBC, 0x90..=0x99) => Some(b'0' + (b2 - 0x90)),
        (0xBC, 0xA1..=0xBA) => Some(b'A' + (b2 - 0xA1)),
        (0xBD, 0x81..=0x9A) => Some(b'a' + (b2 - 0x81)),
        _ => None,
    }
}

#[inline]
pub(super) fn is_alnum_at(text: &[u8], i: usize) -> bool {
    match text.get(i) {
        Some(b) if b.is_ascii_alphanumeric() => true,
        Some(0xEF) => fw_at(text, i).is_some(),
        _ => false,
    }
}

#[inline]
pub(super) fn digit_at(text: &[u8], i: usize) -> bool {
    match text.get(i) {
        Some(b) if b.is_ascii_digit() => true,
        Some(0xEF) => fw_at(text, i).is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Whether the alphanumeric run ending at `i` (exclusive) could continue: used
/// for left boundaries (a full-width letter before a value).
pub(super) fn alnum_before(text: &[u8], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    if text[i - 1].is_ascii_alphanumeric() {
        return true;
    }
    i >= 3 && fw_at(text, i - 3).is_some()
}

/// Per ASCII byte: 1 for a digit, 2 for an upper-case letter, 3 for a
/// lower-case letter, 0 otherwise.
const ALNUM: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if b.is_ascii_digit() {
            1
        } else if b.is_ascii_uppercase() {
            2
        } else if b.is_ascii_lowercase() {
            3
        } else {
            0
        };
        i += 1;
    }
    t
};

/// Byte lanes of a word: the high bit of each byte, and a one in each byte.
pub(crate) const HI: u64 = 0x8080_8080_8080_8080;
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;

/// Eight bytes at `i`, little-endian, if there are eight.
#[inline(always)]
pub(crate) fn word_at(text: &[u8], i: usize) -> Option<u64> {
    let b: [u8; 8] = text.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

/// The high bit of each zero byte of `x` (exact in every lane).
#[inline(always)]
pub(crate) fn zero_lanes(x: u64) -> u64 {
    !(((x & !HI) + !HI) | x) & HI
}

/// The end of the run of bytes that `lanes` marks (the high bit of each
/// such byte of a word) and `byte` accepts, from `i`: eight bytes at a time,
/// the last few one by one.
#[inline(always)]
pub(super) fn run_end(
    text: &[u8],
    mut i: usize,
    lanes: impl Fn(u64) -> u64,
    byte: impl Fn(u8) -> bool,
) -> usize {
    while let Some(w) = word_at(text, i) {
        let stop = !lanes(w) & HI;
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < text.len() && byte(text[i]) {
        i += 1;
    }
    i
}

/// Skip bytes of class [`C_NONE`] (CJK text, spaces, punctuation) eight at
/// a time: none of them can start a token. Returns the first byte of
/// another class, or a position less than eight bytes before the end.
/// Called after non-ASCII bytes only: between ASCII words the gap is a
/// byte or two, and the byte loop is cheaper there.
#[inline]
pub(super) fn skip_none(text: &[u8], mut i: usize) -> usize {
    while let Some(w) = word_at(text, i) {
        let (alnum, _, _) = alnum_lanes(w);
        let dash = zero_lanes(w ^ (u64::from(b'-') * ONES));
        let ef = zero_lanes(w ^ (0xEF * ONES));
        let m = alnum | dash | ef;
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

/// Per byte lane of `w` (high bit set in the lane): ASCII alphanumeric,
/// ASCII digit, ASCII lower-case letter.
#[inline(always)]
pub(super) fn alnum_lanes(w: u64) -> (u64, u64, u64) {
    let ascii = !w & HI;
    let x = w & !HI;
    // x ≤ 0x7f, so adding at most 0x80 - 1 never carries out of a lane
    let digit = (x + 0x50 * ONES) & !(x + 0x46 * ONES) & ascii;
    let y = x | (0x20 * ONES);
    let letter = (y + 0x1f * ONES) & !(y + 0x05 * ONES) & ascii;
    let lower = letter & (x << 2);
    (digit | letter, digit, lower & HI)
}

/// Per ASCII byte: a bit for digit (1), upper-case (2), lower-case (4).
const ALNUM_BIT: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match ALNUM[i] {
            0 => 0,
            c => 1 << (c - 1),
        };
        i += 1;
    }
    t
};

/// The end of the token at `i` when [`Detector::dispatch`] provably finds
/// nothing in it and returns its end: an ordinary word, a short number in
/// running text, a `12:34:56` time. `None` sends the token down the full
/// path. This is the lexer's hot path: most tokens of logs and prose end
/// here.
#[inline]
pub(super) fn plain_token_end(text: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    let mut cls = 0u8;
    // eight bytes at a time: the run's end and its classes from lane masks
    while let Some(w) = word_at(text, j) {
        let (alnum, digit, lower) = alnum_lanes(w);
        let stop = !alnum & HI;
        let run = if stop == 0 {
            HI
        } else {
            // lanes below the first non-alphanumeric one
            (stop & stop.wrapping_neg()).wrapping_sub(1) & HI
        };
        cls |= u8::from(digit & run != 0)
            | u8::from(alnum & !digit & !lower & run != 0) << 1
            | u8::from(lower & run != 0) << 2;
        if stop != 0 {
            j += (stop.trailing_zeros() / 8) as usize;
            break;
        }
        j += 8;
    }
    if word_at(text, j).is_none() {
        while let Some(&b) = text.get(j) {
            let c = ALNUM_BIT[b as usize];
            if c == 0 {
                break;
            }
            cls |= c;
            j += 1;
        }
    }
    plain_decide(text, i, j, cls & 4 != 0, cls == 1)
}

/// The decision of [`plain_token_end`] for the ASCII alphanumeric run
/// `i..j`, which holds a lower-case letter (`lower`) or digits only
/// (`digits`; neither: upper-case letters, maybe digits): `Some(j)` when the
/// token is skipped whole, `Some(k)` with `k != j` for a time or a date
/// (resume at `k`), `None` for the full path.
#[inline(always)]
pub(super) fn plain_decide(
    text: &[u8],
    i: usize,
    j: usize,
    lower: bool,
    digits: bool,
) -> Option<usize> {
    let len = j - i;
    let next = text.get(j).copied().unwrap_or(0);
    let after = AFTER[usize::from(next)];
    if lower {
        // see the word test in `dispatch` (`secret`, MAC and IPv6 follow);
        // 18 characters may be 17 digits and an `x`; `0xEF` may start a
        // full-width character that continues the token
        if after & AFTER_WORD != 0
            || len == 18
            || text[i..j].starts_with(b"AIza")
            || is_password_key(&text[i..j])
        {
            return None;
        }
        return Some(j);
    }
    if digits {
        // the common case first: nothing a value needs follows, and the
        // length is none that `digits` checks
        if after & AFTER_DIGITS == 0 && !matches!(len, 9 | 11..=19) {
            return Some(j);
        }
        if next == 0xEF {
            return None;
        }
        if len == 2 && next == b':' {
            return time_end(text, i);
        }
        if len == 4 && next == b'-' {
            return date_end(text, i);
        }
        // the lengths `digits` checks
        if matches!(len, 9 | 11..=19) {
            return None;
        }
        // what may follow a value: see the digit branch of `dispatch`
        let digit_next = || digit_at(text, j + 1);
        let full = match next {
            b'.' => len <= 3 && digit_next(),
            b':' => len <= 4,
            b'-' => len == 2 || (digit_next() && group_shape_possible(text, j, len)),
            b' ' => {
                if !digit_next() {
                    false
                } else if group_shape_possible(text, j, len) {
                    true
                } else if let Some(k) = time_after_space(text, j + 1) {
                    // `Nov  5 12:34:56`: the time's own visit would find
                    // nothing either; resume where it would
                    return Some(k);
                } else {
                    false
                }
            }
            b'*' | 0xE5 => true,
            _ => false,
        };
        return (!full).then_some(j);
    }
    None
}

/// [`AFTER`] bit: after a run with a lower-case letter, the byte may make
/// it more than a word (`_`, `-`, `:`, or `0xEF`, a full-width character
/// that continues the token).
const AFTER_WORD: u8 = 1;
/// [`AFTER`] bit: after a run of digits, the byte may continue a value
/// (`.`, `:`, `-`, a space, `*`, `0xE5` (the lead byte of `号`), `0xEF`).
const AFTER_DIGITS: u8 = 2;

/// Per byte: the [`AFTER_WORD`] and [`AFTER_DIGITS`] bits, what
/// [`plain_decide`] asks of the byte after a run.
const AFTER: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'_' as usize] = AFTER_WORD;
    t[b'-' as usize] = AFTER_WORD | AFTER_DIGITS;
    t[b':' as usize] = AFTER_WORD | AFTER_DIGITS;
    t[0xEF] = AFTER_WORD | AFTER_DIGITS;
    t[b'.' as usize] = AFTER_DIGITS;
    t[b' ' as usize] = AFTER_DIGITS;
    t[b'*' as usize] = AFTER_DIGITS;
    t[0xE5] = AFTER_DIGITS;
    t
};

/// Whether digit groups starting with a `len`-digit group before the
/// separator at `j` can form a shape of `Detector::grouped`: the second
/// group's length decides (`Nov  5 12:…` and `2026-05-13 12:…` cannot).
/// Conservative when the second group goes on with a letter or a
/// full-width character.
#[inline]
fn group_shape_possible(text: &[u8], j: usize, len: usize) -> bool {
    let mut k = j + 1;
    while k < text.len() && text[k].is_ascii_digit() {
        k += 1;
    }
    if text
        .get(k)
        .is_some_and(|&b| b.is_ascii_alphanumeric() || b == 0xEF)
    {
        return true;
    }
    matches!(
        (len, k - j - 1),
        (2, 3 | 11) | (3, 3 | 4 | 7 | 8) | (4, 3 | 4 | 7 | 8 | 11) | (6, 4 | 8 | 10 | 13)
    )
}

/// `hh:mm:ss` at `i` (`hh` is a two-digit token followed by `:`): neither a
/// MAC (six groups) nor IPv6 (two colons, no `::`) starts at `hh` or `mm`
/// when no hex digit, `:` or `.` follows (or the text ends: a cell or a
/// JSON value), so the scan resumes at `ss`; with
/// `.fff` (1–3 digits) it is not an IPv4 address or a coordinate either, and
/// the whole time is skipped.
#[inline(always)]
fn time_end(text: &[u8], i: usize) -> Option<usize> {
    let b = text.get(i..i + 8)?;
    let d = u8::is_ascii_digit;
    if !(d(&b[3]) && d(&b[4]) && b[5] == b':' && d(&b[6]) && d(&b[7])) {
        return None;
    }
    let t = text.get(i + 8).copied().unwrap_or(0);
    if !(t.is_ascii_hexdigit() || t == b':' || t == b'.') {
        return Some(i + 6);
    }
    if t != b'.' {
        return None;
    }
    let mut k = i + 9;
    while k < text.len() && text[k].is_ascii_digit() && k - i < 13 {
        k += 1;
    }
    let frac = k - (i + 9);
    let end = text.get(k).copied().unwrap_or(0);
    if (1..=3).contains(&frac)
        && !(end.is_ascii_alphanumeric() || matches!(end, b':' | b'.' | b'@' | 0xEF))
    {
        return Some(k);
    }
    None
}

/// [`time_end`] of a `hh:mm:ss` that starts at `h`, right after a space:
/// what the visit of `hh` (a two-digit run followed by `:`) returns when it
/// skips the time, `None` when that visit would go on.
#[inline]
fn time_after_space(text: &[u8], h: usize) -> Option<usize> {
    let b = text.get(h..h + 3)?;
    if !(b[0].is_ascii_digit() && b[1].is_ascii_digit() && b[2] == b':') {
        return None;
    }
    time_end(text, h)
}

/// `yyyy-mm-dd` at `i`: no grouped shape starts with a 4-digit group and a
/// 2-digit one, and `mm` is not a MAC when the day does not go on with `-`
/// (or the text ends after it); the scan resumes at `dd`.
#[inline]
fn date_end(text: &[u8], i: usize) -> Option<usize> {
    let b = text.get(i..i + 10)?;
    let after = text.get(i + 10).copied().unwrap_or(0);
    let d = u8::is_ascii_digit;
    if d(&b[5])
        && d(&b[6])
        && b[7] == b'-'
        && d(&b[8])
        && d(&b[9])
        && !(after.is_ascii_alphanumeric() || after == b'-' || after == 0xEF)
    {
        return Some(i + 8);
    }
    None
}

#[inline]
pub(super) fn read_tok(text: &[u8], start: usize) -> Tok {
    let mut buf = [0u8; 64];
    // most tokens are one ASCII run: copy a fixed 64-byte window up front
    // (bytes past `len` are never read)
    let window = match text.get(start..start + 64) {
        Some(w) => {
            buf.copy_from_slice(w);
            true
        }
        None => false,
    };
    let (mut digits, mut upper, mut lower) = (0, 0, 0);
    let (mut len, mut long, mut fw) = (0usize, false, false);
    let mut i = start;
    loop {
        // a run of ASCII alphanumerics
        let st = i;
        // eight bytes at a time, as in `plain_token_end`
        while let Some(w) = word_at(text, i) {
            let (alnum, digit, low) = alnum_lanes(w);
            let stop = !alnum & HI;
            let run = if stop == 0 {
                HI
            } else {
                (stop & stop.wrapping_neg()).wrapping_sub(1) & HI
            };
            digits += (digit & run).count_ones() as usize;
            lower += (low & run).count_ones() as usize;
            upper += (alnum & !digit & !low & run).count_ones() as usize;
            if stop != 0 {
                i += (stop.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        if word_at(text, i).is_none() {
            while let Some(&b) = text.get(i) {
                let c = ALNUM[b as usize];
                if c == 0 {
                    break;
                }
                digits += usize::from(c == 1);
                upper += usize::from(c == 2);
                lower += usize::from(c == 3);
                i += 1;
            }
        }
        let run = i - st;
        if window && st == start {
            len = run.min(64);
            long = run > 64;
        } else {
            let room = 64 - len;
            if run <= room {
                buf[len..len + run].copy_from_slice(&text[st..i]);
                len += run;
            } else {
                buf[len..].copy_from_slice(&text[st..st + room]);
                len = 64;
                long = true;
            }
        }
        // a full-width alphanumeric continues the token
        match fw_at(text, i) {
            Some(c) => {
                fw = true;
                match ALNUM[c as usize] {
                    1 => digits += 1,
                    2 => upper += 1,
                    _ => lower += 1,
                }
                if len < 64 {
                    buf[len] = c;
                    len += 1;
                } else {
                    long = true;
                }
                i += 3;
            }
            None => break,
        }
    }
    Tok {
        s: start,
        e: i,
        buf,
        len,
        digits,
        upper,
        lower,
        long,
        fw,
    }
}
