//! `key=value` bodies (FortiGate, Huawei `(Task=VT0, Ip=…)`, most firewalls) into fields.

use std::borrow::Cow;

use time::OffsetDateTime;

use super::syslog::find_any;
use super::{Draft, Sink, severity_from_text, stamp};

fn key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')
}

fn separator(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b',' | b'(' | b'[' | b';' | b'{' | b'|')
}

/// Add every `key=value` pair of `msg` to `sink`: keys start the text or follow a space, comma,
/// bracket or semicolon; values are `"quoted"` (with `\"` and `\\` escapes) or run to the next
/// space or comma. Returns how many pairs were found.
pub(crate) fn extract(msg: &str, sink: &mut Sink) -> usize {
    let b = msg.as_bytes();
    let mut found = 0;
    let mut i = 0;
    // `=` sixteen bytes at a time, inline: messages are short, and a call
    // of `memchr` cost more than the search itself
    while let Some(eq) = find_any(b, i, [b'=']) {
        let mut ks = eq;
        while ks > i && key_byte(b[ks - 1]) {
            ks -= 1;
        }
        if ks == eq
            || (ks > 0 && !separator(b[ks - 1]))
            || !(b[ks].is_ascii_alphanumeric() || b[ks] == b'_')
        {
            i = eq + 1;
            continue;
        }
        let key = &msg[ks..eq];
        let vs = eq + 1;
        let (value, end): (Cow<'_, str>, usize) = if b.get(vs) == Some(&b'"') {
            quoted(msg, vs + 1)
        } else {
            let mut e = vs;
            while e < b.len() && !matches!(b[e], b' ' | b'\t' | b',') {
                e += 1;
            }
            let mut v = &msg[vs..e];
            if v.ends_with(')') && !v.contains('(') {
                v = &v[..v.len() - 1];
            }
            (Cow::Borrowed(v), e)
        };
        sink.push(Cow::Borrowed(key), value);
        sink.kv_pairs += 1;
        found += 1;
        i = end;
    }
    found
}

/// A value quoted with `"` starting at `b[start..]` (after the quote): the unescaped value and
/// the index after the closing quote (or the end, when there is none).
fn quoted(msg: &str, start: usize) -> (Cow<'_, str>, usize) {
    let b = msg.as_bytes();
    let mut i = start;
    let mut escaped = false;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                escaped = true;
                i += 2;
                continue;
            }
            b'"' => break,
            _ => i += 1,
        }
    }
    let end = i.min(b.len());
    let raw = &msg[start..end];
    let value = if escaped {
        Cow::Owned(unescape(raw))
    } else {
        Cow::Borrowed(raw)
    };
    (value, (end + 1).min(b.len()))
}

fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n @ ('"' | '\\')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The keys [`promote`] reads (all a block index needs from the fields).
pub(crate) const PROMOTED: [&str; 7] = [
    "devname",
    "level",
    "severity",
    "date",
    "time",
    "tz",
    "eventtime",
];

/// Fill what the header did not give from well-known vendor keys: FortiGate's `devname`,
/// `date` + `time` (+ `tz`) or `eventtime`, and `level`/`severity`.
pub(crate) fn promote(d: &mut Draft<'_>, received_at: OffsetDateTime, sink: &Sink) {
    if d.host.is_none()
        && let Some(h) = sink.get("devname").filter(|h| !h.is_empty())
    {
        d.host = Some(Cow::Owned(super::name(h).into_owned()));
    }
    if d.severity.is_none()
        && let Some(s) = sink
            .get("level")
            .or_else(|| sink.get("severity"))
            .and_then(severity_from_text)
    {
        d.severity = Some(s);
    }
    if d.event_time.is_none() {
        d.event_time = date_time(sink, received_at)
            .or_else(|| sink.get("eventtime").and_then(|t| epoch(t.parse().ok()?)));
    }
}

fn date_time(sink: &Sink, received_at: OffsetDateTime) -> Option<OffsetDateTime> {
    let (date, clock) = (sink.get("date")?, sink.get("time")?);
    let mut text = String::with_capacity(32);
    text.push_str(date);
    text.push('T');
    text.push_str(clock);
    let tz = sink.get("tz").unwrap_or("");
    if tz.len() == 5 && (tz.starts_with('+') || tz.starts_with('-')) {
        text.push_str(&tz[..3]);
        text.push(':');
        text.push_str(&tz[3..]);
    }
    let (s, n) = stamp::rfc3339(text.as_bytes())?;
    (n == text.len()).then_some(())?;
    stamp::resolve(s, received_at).ok()
}

/// An epoch number in seconds, milliseconds, microseconds or nanoseconds, told by its size.
pub(crate) fn epoch(n: i128) -> Option<OffsetDateTime> {
    let nanos = match n.unsigned_abs() {
        0..10_000_000_000 => n * 1_000_000_000,
        10_000_000_000..10_000_000_000_000 => n * 1_000_000,
        10_000_000_000_000..10_000_000_000_000_000 => n * 1_000,
        _ => n,
    };
    OffsetDateTime::from_unix_timestamp_nanos(nanos).ok()
}
