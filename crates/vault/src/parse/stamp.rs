//! Timestamps: RFC 3339 and the BSD forms devices send, resolved against the receive time.

use time::{Date, Duration, Month, OffsetDateTime, Time, UtcOffset};

/// A timestamp as written, before the year and zone are settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) year: Option<i32>,
    pub(crate) month: u8,
    pub(crate) day: u8,
    pub(crate) hour: u8,
    pub(crate) minute: u8,
    pub(crate) second: u8,
    pub(crate) nanos: u32,
    pub(crate) offset: Option<UtcOffset>,
}

/// Exactly `n` ASCII digits at `b[i..]`.
fn digits(b: &[u8], i: usize, n: usize) -> Option<u32> {
    let s = b.get(i..i + n)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// What `n` fraction digits (`n < 9`) are multiplied by to give nanoseconds.
const SCALE: [u32; 9] = [
    1_000_000_000,
    100_000_000,
    10_000_000,
    1_000_000,
    100_000,
    10_000,
    1_000,
    100,
    10,
];

/// Fraction digits at `b[i..]` (at least one): nanoseconds and the index after the digits.
fn fraction(b: &[u8], mut i: usize) -> Option<(u32, usize)> {
    let start = i;
    let mut nanos = 0u32;
    while i < b.len() && b[i].is_ascii_digit() {
        if i - start < 9 {
            nanos = nanos * 10 + u32::from(b[i] - b'0');
        }
        i += 1;
    }
    let n = i - start;
    if n == 0 {
        return None;
    }
    if n < 9 {
        nanos *= SCALE[n];
    }
    Some((nanos, i))
}

/// `Z`, `+hh:mm`, `+hhmm` or `+hh` at `b[i..]`.
fn offset(b: &[u8], i: usize) -> Option<(UtcOffset, usize)> {
    match b.get(i)? {
        b'Z' | b'z' => Some((UtcOffset::UTC, i + 1)),
        &sign @ (b'+' | b'-') => {
            let h = digits(b, i + 1, 2)? as i8;
            let (m, end) = if b.get(i + 3) == Some(&b':') {
                (digits(b, i + 4, 2)? as i8, i + 6)
            } else if let Some(m) = digits(b, i + 3, 2) {
                (m as i8, i + 5)
            } else {
                (0, i + 3)
            };
            if h > 23 || m > 59 {
                return None;
            }
            let (h, m) = if sign == b'-' { (-h, -m) } else { (h, m) };
            Some((UtcOffset::from_hms(h, m, 0).ok()?, end))
        }
        _ => None,
    }
}

/// `YYYY-MM-DD(T| )HH:MM:SS[.frac][Z|±hh:mm]` at the start of `b`; the stamp and its length.
pub(crate) fn rfc3339(b: &[u8]) -> Option<(Stamp, usize)> {
    // `YYYY-MM-DD?HH:MM:SS` checked as three words: bytes 0..8, 8..16 and 11..19
    let h: &[u8; 19] = b.get(..19)?.try_into().ok()?;
    let word = |i: usize| {
        u64::from_le_bytes([
            h[i],
            h[i + 1],
            h[i + 2],
            h[i + 3],
            h[i + 4],
            h[i + 5],
            h[i + 6],
            h[i + 7],
        ])
    };
    // digits at 0..4, 5..7; `-` at 4 and 7
    let date = shaped(
        word(0),
        0x00ff_ff00_ffff_ffff,
        0xff00_00ff_0000_0000,
        0x2d00_002d_0000_0000,
    );
    // digits at 8, 9 (the rest of this word is checked by the next one or below)
    let day = shaped(word(8), 0x0000_0000_0000_ffff, 0, 0);
    // `HH:MM:SS`
    let clock = shaped(
        word(11),
        0xffff_00ff_ff00_ffff,
        0x0000_ff00_00ff_0000,
        0x0000_3a00_003a_0000,
    );
    if !(date && day && clock && matches!(h[10], b'T' | b't' | b' ')) {
        return None;
    }
    let d = |i: usize| u32::from(h[i] - b'0');
    let year = (d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3)) as i32;
    let two = |i: usize| (d(i) * 10 + d(i + 1)) as u8;
    let (month, day, hour, minute, second) = (two(5), two(8), two(11), two(14), two(17));
    let (nanos, mut i) = clock_rest(b, 19);
    let mut off = None;
    if let Some((o, end)) = offset(b, i) {
        off = Some(o);
        i = end;
    }
    Some((
        Stamp {
            year: Some(year),
            month,
            day,
            hour,
            minute,
            second,
            nanos,
            offset: off,
        },
        i,
    ))
}

/// `HH:MM:SS[.frac]` at `b[i..]`, also `HH:MM:SS:mmm` (H3C milliseconds).
fn clock(b: &[u8], i: usize) -> Option<(u8, u8, u8, u32, usize)> {
    let hour = digits(b, i, 2)? as u8;
    if b.get(i + 2) != Some(&b':') || b.get(i + 5) != Some(&b':') {
        return None;
    }
    let minute = digits(b, i + 3, 2)? as u8;
    let second = digits(b, i + 6, 2)? as u8;
    let (nanos, j) = clock_rest(b, i + 8);
    Some((hour, minute, second, nanos, j))
}

/// After `HH:MM:SS` at `b[j..]`: an optional `.frac`/`,frac` or H3C `:mmm`; the
/// nanoseconds and the index after them.
#[inline]
fn clock_rest(b: &[u8], mut j: usize) -> (u32, usize) {
    let mut nanos = 0;
    match b.get(j) {
        Some(b'.' | b',') => {
            if let Some((n, end)) = fraction(b, j + 1) {
                nanos = n;
                j = end;
            }
        }
        Some(b':') => {
            if let Some(ms) = digits(b, j + 1, 3)
                && !b.get(j + 4).is_some_and(u8::is_ascii_digit)
            {
                nanos = ms * 1_000_000;
                j += 4;
            }
        }
        _ => {}
    }
    (nanos, j)
}

/// `w` (eight bytes, little-endian) has an ASCII digit in every byte of
/// `digit_mask` and the bytes of `sep` in the bytes of `sep_mask`.
#[inline]
fn shaped(w: u64, digit_mask: u64, sep_mask: u64, sep: u64) -> bool {
    const NIBBLE_HIGH: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    const THREES: u64 = 0x3333_3333_3333_3333;
    const SIXES: u64 = 0x0606_0606_0606_0606;
    // digit bytes kept, every other byte made `0`, so no other byte carries
    // into a digit below (a digit byte above 0xf9 carries, but fails itself)
    let d = (w & digit_mask) | (0x3030_3030_3030_3030 & !digit_mask);
    // a digit: high nibble 3, and still 3 after adding 6 (low nibble <= 9)
    let digits = (d & NIBBLE_HIGH) | (((d.wrapping_add(SIXES)) & NIBBLE_HIGH) >> 4);
    digits == THREES && (w & sep_mask) == sep
}

fn month(b: &[u8]) -> Option<u8> {
    let m = [b.first()? | 0x20, b.get(1)? | 0x20, b.get(2)? | 0x20];
    Some(match &m {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => return None,
    })
}

/// A four-digit year followed by a space or the end, at `b[i..]`.
fn year_at(b: &[u8], i: usize) -> Option<i32> {
    let y = digits(b, i, 4)?;
    let after = b.get(i + 4);
    ((1970..=2200).contains(&y) && matches!(after, None | Some(b' ' | b':'))).then_some(y as i32)
}

/// Time-zone abbreviations devices print, and their offsets in hours. Only these are taken as a
/// zone; anything else after the time is left for the hostname. `CST` is China Standard Time:
/// this is a PRC product, and Chinese devices print it far more often than US Central.
fn zone(b: &[u8]) -> Option<(i8, usize)> {
    let n = b
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    if n == 0 || b.get(n).is_some_and(|c| !matches!(c, b' ' | b':')) {
        return None;
    }
    let h = match &b[..n] {
        b"UTC" | b"GMT" | b"UT" | b"Z" => 0,
        b"CST" | b"BJT" | b"CCT" | b"HKT" | b"SGT" | b"AWST" => 8,
        b"JST" | b"KST" => 9,
        _ => return None,
    };
    Some((h, n))
}

/// The BSD forms: `Mmm dd hh:mm:ss`, with an optional year before or after the clock, a
/// fraction (`.123` or H3C `:123`), an attached offset (`+08:00`), a zone abbreviation (`UTC`)
/// and a trailing colon (Cisco). The stamp and its length.
pub(crate) fn bsd(b: &[u8]) -> Option<(Stamp, usize)> {
    let month = month(b)?;
    let mut i = 3;
    if b.get(i) != Some(&b' ') {
        return None;
    }
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    let day = if let Some(d) = digits(b, i, 2) {
        i += 2;
        d
    } else {
        let d = digits(b, i, 1)?;
        i += 1;
        d
    } as u8;
    if b.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let mut year = None;
    if let Some(y) = year_at(b, i)
        && b.get(i + 4) == Some(&b' ')
    {
        year = Some(y);
        i += 5;
    }
    let (hour, minute, second, nanos, mut i) = clock(b, i)?;
    let mut off = None;
    if let Some((o, end)) = offset(b, i) {
        off = Some(o);
        i = end;
    }
    if year.is_none()
        && b.get(i) == Some(&b' ')
        && let Some(y) = year_at(b, i + 1)
    {
        year = Some(y);
        i += 5;
    }
    if off.is_none()
        && b.get(i) == Some(&b' ')
        && let Some((h, n)) = zone(&b[i + 1..])
    {
        off = UtcOffset::from_hms(h, 0, 0).ok();
        i += 1 + n;
    }
    if b.get(i) == Some(&b':') && matches!(b.get(i + 1), None | Some(b' ')) {
        i += 1;
    }
    Some((
        Stamp {
            year,
            month,
            day,
            hour,
            minute,
            second,
            nanos,
            offset: off,
        },
        i,
    ))
}

/// The instant a stamp names. A missing zone is the receive time's offset; a missing year is
/// the one that puts the time closest to, and at most one day after, `received_at`.
pub(crate) fn resolve(
    s: Stamp,
    received_at: OffsetDateTime,
) -> Result<OffsetDateTime, &'static str> {
    let off = s.offset.unwrap_or_else(|| received_at.offset());
    let month = Month::try_from(s.month).map_err(|_| "month out of range")?;
    let time = Time::from_hms_nano(s.hour, s.minute, s.second.min(59), s.nanos)
        .map_err(|_| "time of day out of range")?;
    if let Some(y) = s.year {
        let date = Date::from_calendar_date(y, month, s.day).map_err(|_| "date out of range")?;
        return Ok(date.with_time(time).assume_offset(off));
    }
    let limit = received_at
        .checked_add(Duration::DAY)
        .unwrap_or(received_at);
    let ry = received_at
        .checked_to_offset(off)
        .unwrap_or(received_at)
        .year();
    for y in (ry - 4..=ry + 1).rev() {
        if let Ok(date) = Date::from_calendar_date(y, month, s.day) {
            let t = date.with_time(time).assume_offset(off);
            if t <= limit {
                return Ok(t);
            }
        }
    }
    Err("date out of range")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Stamp, clock, digits, offset, rfc3339};

    /// [`rfc3339`] byte by byte, as it was before its words: the reference.
    fn rfc3339_bytewise(b: &[u8]) -> Option<(Stamp, usize)> {
        let year = digits(b, 0, 4)? as i32;
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let month = digits(b, 5, 2)? as u8;
        let day = digits(b, 8, 2)? as u8;
        if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
            return None;
        }
        let (hour, minute, second, mut nanos, mut i) = clock(b, 11)?;
        // the fraction scaled by a loop, as before its table
        if matches!(b.get(19), Some(b'.' | b',')) && i > 20 {
            let n = b[20..i].len().min(9);
            let mut v = 0u32;
            for &c in &b[20..20 + n] {
                v = v * 10 + u32::from(c - b'0');
            }
            for _ in n..9 {
                v *= 10;
            }
            assert_eq!(v, nanos);
            nanos = v;
        }
        let mut off = None;
        if let Some((o, end)) = offset(b, i) {
            off = Some(o);
            i = end;
        }
        let stamp = Stamp {
            year: Some(year),
            month,
            day,
            hour,
            minute,
            second,
            nanos,
            offset: off,
        };
        Some((stamp, i))
    }

    /// A byte that is often one a stamp holds or one next to it.
    fn stamp_byte() -> impl Strategy<Value = u8> {
        prop_oneof![
            (b'0'..=b'9'),
            Just(b'-'),
            Just(b':'),
            Just(b'T'),
            Just(b't'),
            Just(b' '),
            Just(b'.'),
            Just(b','),
            Just(b'Z'),
            Just(b'+'),
            Just(b'/'),
            Just(b';'),
            Just(b'*'),
            (0xf9u8..=0xff),
            any::<u8>(),
        ]
    }

    proptest! {
        /// Checked as words, a stamp gives what the byte loop gives, with
        /// any byte of a good stamp replaced and at any length.
        #[test]
        fn rfc3339_words_match_the_byte_loop(
            template in prop_oneof![
                Just(b"2026-11-01T00:00:00.008Z".to_vec()),
                Just(b"1999-12-31 23:59:59,123456789012+08:00".to_vec()),
                Just(b"2024-02-29t12:34:56:789-0530 x".to_vec()),
                Just(b"2026-01-01T00:00:00Z".to_vec()),
            ],
            edits in proptest::collection::vec((0usize..40, stamp_byte()), 0..3),
            len in 0usize..40,
        ) {
            let mut b = template;
            for (at, c) in edits {
                if let Some(x) = b.get_mut(at) {
                    *x = c;
                }
            }
            b.truncate(len);
            prop_assert_eq!(rfc3339(&b), rfc3339_bytewise(&b));
        }

        /// The same on bytes drawn from the stamp alphabet.
        #[test]
        fn rfc3339_words_match_on_stamp_bytes(b in proptest::collection::vec(stamp_byte(), 0..32)) {
            prop_assert_eq!(rfc3339(&b), rfc3339_bytewise(&b));
        }
    }
}
