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
    for _ in n..9 {
        nanos *= 10;
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
    let year = digits(b, 0, 4)? as i32;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = digits(b, 5, 2)? as u8;
    let day = digits(b, 8, 2)? as u8;
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (hour, minute, second, nanos, mut i) = clock(b, 11)?;
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
    let mut j = i + 8;
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
    Some((hour, minute, second, nanos, j))
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
