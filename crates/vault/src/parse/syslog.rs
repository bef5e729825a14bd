//! Syslog: RFC 5424, RFC 3164 and the variants devices send.

use std::borrow::Cow;

use time::OffsetDateTime;
use wide::u8x16;

use super::{Draft, Format, MAX_NAME_LEN, Sink, kv, name, stamp};

/// The PRI part of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pri {
    /// No `<n>` at the start.
    Absent,
    /// `<n>` with n in 0..=191.
    Valid(u8),
    /// `<n>` with n over 191: kept in the message position, facility and severity unknown.
    OutOfRange,
}

/// A record starting with `<`: RFC 5424 when a version follows the PRI, else RFC 3164. `None`
/// when `<` does not open a PRI and nothing else syslog-like follows (the caller makes it plain).
pub(crate) fn parse_with_pri<'a>(
    s: &'a str,
    received_at: OffsetDateTime,
    sink: &mut Sink,
) -> Option<Draft<'a>> {
    let b = s.as_bytes();
    let mut i = 1;
    let mut v: u32 = 0;
    while i < b.len() && i <= 3 && b[i].is_ascii_digit() {
        v = v * 10 + u32::from(b[i] - b'0');
        i += 1;
    }
    if i == 1 || i > 4 || b.get(i) != Some(&b'>') {
        return parse_3164(s, Pri::Absent, received_at, sink);
    }
    let pri = if v <= 191 {
        Pri::Valid(v as u8)
    } else {
        sink.note("pri out of range");
        Pri::OutOfRange
    };
    let rest = &s[i + 1..];
    if let Some(after_version) = rfc5424_version(rest.as_bytes()) {
        return Some(parse_5424(rest, after_version, pri, received_at, sink));
    }
    parse_3164(rest, pri, received_at, sink)
}

/// After the PRI: `VERSION SP` then `-` or a digit; the index after the space.
fn rfc5424_version(b: &[u8]) -> Option<usize> {
    let n = b.iter().take(3).take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || b[0] == b'0' || b.get(n) != Some(&b' ') {
        return None;
    }
    match b.get(n + 1) {
        Some(b'-') if matches!(b.get(n + 2), Some(b' ') | None) => Some(n + 1),
        Some(_)
            if b.get(n + 1..n + 5)
                .is_some_and(|y| y.iter().all(u8::is_ascii_digit)) =>
        {
            Some(n + 1)
        }
        _ => None,
    }
}

fn draft<'a>(format: Format, pri: Pri) -> Draft<'a> {
    let mut d = Draft {
        format,
        ..Draft::default()
    };
    if let Pri::Valid(p) = pri {
        d.facility = Some(p >> 3);
        d.severity = Some(p & 7);
    }
    d
}

/// One space-delimited header token at `b[i..]`: (start, end, index after the delimiter).
#[inline(always)]
fn token(b: &[u8], i: usize) -> (usize, usize, usize) {
    let end = find_any(b, i, [b' ']).unwrap_or(b.len());
    (i, end, if end < b.len() { end + 1 } else { end })
}

/// RFC 5424 from the timestamp on (`s` starts after the PRI, `i` after the version).
fn parse_5424<'a>(
    s: &'a str,
    mut i: usize,
    pri: Pri,
    received_at: OffsetDateTime,
    sink: &mut Sink,
) -> Draft<'a> {
    let b = s.as_bytes();
    let mut d = draft(Format::Rfc5424, pri);
    let nil = |a: usize, e: usize| e == a || &b[a..e] == b"-";

    let (a, e, next) = token(b, i);
    if !nil(a, e) {
        match stamp::rfc3339(&b[a..e]) {
            Some((st, n)) if n == e - a => match stamp::resolve(st, received_at) {
                Ok(t) => d.event_time = Some(t),
                Err(why) => sink.note(&format!("timestamp {why}")),
            },
            _ => sink.note("timestamp not rfc 3339"),
        }
    }
    i = next;
    let mut header = [(0, 0); 4];
    for h in &mut header {
        let (a, e, next) = token(b, i);
        *h = (a, e);
        i = next;
    }
    let [host, app, procid, msgid] = header;
    if !nil(host.0, host.1) {
        d.host = Some(name(&s[host.0..host.1]));
    }
    if !nil(app.0, app.1) {
        d.app = Some(name(&s[app.0..app.1]));
    }
    if !nil(procid.0, procid.1) {
        sink.push(
            Cow::Borrowed("procid"),
            Cow::Borrowed(&s[procid.0..procid.1]),
        );
    }
    if !nil(msgid.0, msgid.1) {
        sink.push(Cow::Borrowed("msgid"), Cow::Borrowed(&s[msgid.0..msgid.1]));
    }

    match b.get(i) {
        None => {}
        Some(b'-') => i += 1,
        Some(b'[') => {
            let mark = sink.mark();
            match structured_data(s, i, sink) {
                Some(end) => i = end,
                None => {
                    sink.rollback(mark);
                    sink.note("malformed structured data kept in the message");
                    d.message = Cow::Borrowed(&s[i..]);
                    kv::extract(&d.message, sink);
                    return d;
                }
            }
        }
        Some(_) => {
            sink.note("structured data missing");
            d.message = Cow::Borrowed(&s[i..]);
            kv::extract(&d.message, sink);
            return d;
        }
    }
    if b.get(i) == Some(&b' ') {
        i += 1;
    }
    let msg = &s[i..];
    d.message = Cow::Borrowed(msg.strip_prefix('\u{feff}').unwrap_or(msg));
    kv::extract(&d.message, sink);
    d
}

/// `[id name="value" …]…` at `s[i..]`; each parameter becomes the field `id.name` with its value
/// unescaped (`\"`, `\\`, `\]`). The index after the last `]`, or `None` when malformed.
fn structured_data(s: &str, mut i: usize, sink: &mut Sink) -> Option<usize> {
    let b = s.as_bytes();
    let mut key = String::new();
    while b.get(i) == Some(&b'[') {
        i += 1;
        let id_start = i;
        i = sd_name_end(b, i);
        if i == id_start || !matches!(b.get(i), Some(b' ' | b']')) {
            return None;
        }
        let id = &s[id_start..i];
        loop {
            match b.get(i)? {
                b']' => {
                    i += 1;
                    break;
                }
                b' ' => i += 1,
                _ => {
                    let name_start = i;
                    i = sd_name_end(b, i);
                    if i == name_start || b.get(i) != Some(&b'=') || b.get(i + 1) != Some(&b'"') {
                        return None;
                    }
                    let pname = &s[name_start..i];
                    i += 2;
                    let v_start = i;
                    let mut escaped = false;
                    loop {
                        i = quote_or_backslash(b, i)?;
                        if b[i] == b'"' {
                            break;
                        }
                        escaped = true;
                        i += 2;
                    }
                    let raw = s.get(v_start..i)?;
                    i += 1;
                    let value = if escaped {
                        Cow::Owned(unescape_sd(raw))
                    } else {
                        Cow::Borrowed(raw)
                    };
                    sink.push_sd(&mut key, id, pname, value);
                }
            }
        }
    }
    Some(i)
}

/// The index of the first byte from `i` on that ends an SD name (space,
/// `]`, `=` or `"`), or `b.len()` if none.
#[inline(always)]
fn sd_name_end(b: &[u8], i: usize) -> usize {
    find_any(b, i, [b' ', b']', b'=', b'"']).unwrap_or(b.len())
}

/// The index of the first `"` or `\` in `b` from `i` on; `None` when there
/// is none or `i` is past the end.
#[inline(always)]
fn quote_or_backslash(b: &[u8], i: usize) -> Option<usize> {
    find_any(b, i, [b'"', b'\\'])
}

/// The index of the first byte of `b` from `i` on that is one of `set`,
/// sixteen bytes at a time (SSE2 / NEON compares), then eight; `None` when
/// there is none or `i` is past the end.
#[inline]
pub(super) fn find_any<const K: usize>(b: &[u8], i: usize, set: [u8; K]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let rest = b.get(i..)?;
    let mut wide = rest.chunks_exact(16);
    let mut at = i;
    for c in &mut wide {
        let mut a = [0u8; 16];
        a.copy_from_slice(c);
        let x = u8x16::new(a);
        let mut m = u8x16::splat(0);
        for &t in &set {
            m |= x.cmp_eq(u8x16::splat(t));
        }
        let bits = m.move_mask();
        if bits != 0 {
            return Some(at + bits.trailing_zeros() as usize);
        }
        at += 16;
    }
    let mut chunks = wide.remainder().chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        // a zero byte of `w ^ t` is a match of `t`; the lowest flagged byte
        // is exact (false flags only appear above a true one)
        let mut m = 0;
        for &t in &set {
            let x = w ^ (ONES * u64::from(t));
            m |= x.wrapping_sub(ONES) & !x;
        }
        m &= HIGH;
        if m != 0 {
            return Some(at + (m.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|c| set.contains(c))
        .map(|p| at + p)
}

/// RFC 5424 §6.3.3: `\"`, `\\` and `\]` stand for the character; any other backslash is itself.
fn unescape_sd(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n @ ('"' | '\\' | ']')) => out.push(n),
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

fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// Cisco sequence number `123: ` at `b[i..]`: the number's end and the index after `: `.
fn seq(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let n = b[i..]
        .iter()
        .take(20)
        .take_while(|c| c.is_ascii_digit())
        .count();
    (n > 0 && b.get(i + n) == Some(&b':') && b.get(i + n + 1) == Some(&b' '))
        .then_some((i + n, i + n + 2))
}

/// A timestamp at `b[i..]`, optionally behind a Cisco `*`/`.` or H3C `%` marker, ending at a
/// space or the end: the stamp and the index after it.
fn timestamp(b: &[u8], i: usize) -> Option<(stamp::Stamp, usize)> {
    let j = if matches!(b.get(i), Some(b'*' | b'.' | b'%')) {
        i + 1
    } else {
        i
    };
    let rest = b.get(j..)?;
    let (st, n) = match rest.first()? {
        b'0'..=b'9' => {
            let (st, mut n) = stamp::rfc3339(rest)?;
            if rest.get(n) == Some(&b':') && matches!(rest.get(n + 1), None | Some(b' ')) {
                n += 1;
            }
            (st, n)
        }
        _ => stamp::bsd(rest)?,
    };
    matches!(rest.get(n), None | Some(b' ')).then_some((st, j + n))
}

/// A vendor tag at `b[i..]`: (app, severity, mnemonic, index after the tag's colon).
struct VendorTag<'a> {
    app: &'a str,
    severity: u8,
    mnemonic: &'a str,
    end: usize,
}

fn ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-')
}

/// After a tag's colon: one optional space.
fn after_colon(b: &[u8], i: usize) -> usize {
    if b.get(i) == Some(&b' ') { i + 1 } else { i }
}

/// Cisco `%FAC-SEV-MNEMONIC:` (also ASA `%ASA-6-302013:`, FTD `%FTD-session-6-…:`).
fn cisco_tag<'a>(s: &'a str, i: usize) -> Option<VendorTag<'a>> {
    let b = s.as_bytes();
    if b.get(i) != Some(&b'%') || b.get(i + 1) == Some(&b'%') {
        return None;
    }
    let start = i + 1;
    let mut j = start;
    while j < b.len() && j - start < 96 && ident(b[j]) {
        j += 1;
    }
    if b.get(j) != Some(&b':') || !matches!(b.get(j + 1), None | Some(b' ')) {
        return None;
    }
    let tok = &b[start..j];
    let k = tok
        .windows(3)
        .position(|w| w[0] == b'-' && (b'0'..=b'7').contains(&w[1]) && w[2] == b'-')?;
    if k == 0 || k + 3 >= tok.len() {
        return None;
    }
    Some(VendorTag {
        app: &s[start..start + k],
        severity: tok[k + 1] - b'0',
        mnemonic: &s[start + k + 3..j],
        end: after_colon(b, j + 1),
    })
}

/// Huawei/H3C `%%01MOD/SEV/BRIEF(l)[n]:`, or H3C's `MOD/SEV/BRIEF:` without the `%%`.
fn huawei_tag<'a>(s: &'a str, i: usize) -> Option<VendorTag<'a>> {
    let b = s.as_bytes();
    let mut j = i;
    let marked = b.get(j..j + 2) == Some(b"%%");
    if marked {
        j += 2;
        let mut n = 0;
        while n < 2 && b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
            n += 1;
        }
    }
    let mod_start = j;
    while j < b.len() && j - mod_start < 64 && ident(b[j]) {
        j += 1;
    }
    let module = &s[mod_start..j];
    if module.is_empty()
        || (!marked && (module.len() < 2 || !module.bytes().all(|c| !c.is_ascii_lowercase())))
        || b.get(j) != Some(&b'/')
        || b.get(j + 2) != Some(&b'/')
    {
        return None;
    }
    let sev = *b.get(j + 1)?;
    if !(b'0'..=b'7').contains(&sev) {
        return None;
    }
    j += 3;
    let brief_start = j;
    while j < b.len() && j - brief_start < 96 && ident(b[j]) {
        j += 1;
    }
    if j == brief_start {
        return None;
    }
    let brief_end = j;
    if b.get(j) == Some(&b'(') {
        let n = b[j + 1..]
            .iter()
            .take(4)
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if b.get(j + 1 + n) == Some(&b')') {
            j += n + 2;
        }
    }
    if b.get(j) == Some(&b'[') {
        let n = b[j + 1..]
            .iter()
            .take(20)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if b.get(j + 1 + n) == Some(&b']') {
            j += n + 2;
        }
    }
    if b.get(j) != Some(&b':') {
        return None;
    }
    Some(VendorTag {
        app: module,
        severity: sev - b'0',
        mnemonic: &s[brief_start..brief_end],
        end: after_colon(b, j + 1),
    })
}

/// A program tag `name:` or `name[pid]:` (colon optional after `]`) followed by a space or the
/// end: (name, pid, index after the tag and one space).
fn program_tag(s: &str, i: usize) -> Option<(&str, Option<&str>, usize)> {
    let b = s.as_bytes();
    let mut j = i;
    while j < b.len() && !matches!(b[j], b' ' | b':' | b'[' | b']' | b'=' | b'"') {
        j += 1;
    }
    if j == i || j - i > 64 || b[i] == b'%' {
        return None;
    }
    let prog = &s[i..j];
    let mut pid = None;
    if b.get(j) == Some(&b'[') {
        let p = j + 1;
        let n = b[p..]
            .iter()
            .take(128)
            .take_while(|&&c| c != b']' && c != b' ')
            .count();
        if b.get(p + n) != Some(&b']') {
            return None;
        }
        pid = Some(&s[p..p + n]);
        j = p + n + 1;
        if b.get(j) == Some(&b':') {
            j += 1;
        }
    } else if b.get(j) == Some(&b':') {
        j += 1;
    } else {
        return None;
    }
    matches!(b.get(j), None | Some(b' ')).then(|| (prog, pid, after_colon(b, j)))
}

/// A token that can be a hostname: no control characters, quotes, `=`, brackets or trailing colon.
fn hostname(tok: &str) -> bool {
    !tok.is_empty()
        && tok.len() <= MAX_NAME_LEN
        && !tok.ends_with(':')
        && tok
            .bytes()
            .all(|c| c > b' ' && !matches!(c, b'=' | b'"' | b'[' | b']' | b'%' | 0x7f))
}

/// RFC 3164 and vendor variants (`s` starts after the PRI, if any). `None` when there was no
/// PRI and nothing else syslog-like (timestamp, sequence number, vendor tag) was found.
pub(crate) fn parse_3164<'a>(
    s: &'a str,
    pri: Pri,
    received_at: OffsetDateTime,
    sink: &mut Sink,
) -> Option<Draft<'a>> {
    let b = s.as_bytes();
    let mut d = draft(Format::Rfc3164, pri);
    let mut known = pri != Pri::Absent;
    let mark = sink.mark();
    let mut i = skip_spaces(b, 0);

    if let Some((num_end, next)) = seq(b, i) {
        sink.push(Cow::Borrowed("seq"), Cow::Borrowed(&s[i..num_end]));
        known = true;
        i = skip_spaces(b, next);
    }
    // Cisco `logging origin-id hostname`: `router1: *Mar  1 …`.
    let (ta, te, tnext) = token(b, i);
    if te > ta + 1 && b[te - 1] == b':' && hostname(&s[ta..te - 1]) && timestamp(b, tnext).is_some()
    {
        d.host = Some(name(&s[ta..te - 1]));
        i = tnext;
    }
    let mut stamped = false;
    if let Some((st, next)) = timestamp(b, i) {
        stamped = true;
        known = true;
        set_time(&mut d, st, received_at, sink);
        i = skip_spaces(b, next);
    }
    if stamped && d.host.is_none() {
        let (ta, te, tnext) = token(b, i);
        let tok = &s[ta..te];
        if hostname(tok) && huawei_tag(s, ta).is_none() {
            d.host = Some(name(tok));
            i = skip_spaces(b, tnext);
            // Cisco ASA: `asa1 : %ASA-…`.
            if b.get(i) == Some(&b':') && matches!(b.get(i + 1), None | Some(b' ')) {
                i = skip_spaces(b, i + 1);
            }
            // A relay's header in front of the device's own: `host 123: *Mar  1 …: %…`.
            if let Some((num_end, next)) = seq(b, i) {
                sink.push(Cow::Borrowed("seq"), Cow::Borrowed(&s[i..num_end]));
                i = skip_spaces(b, next);
                if let Some((_, next)) = timestamp(b, i) {
                    i = skip_spaces(b, next);
                }
            }
        }
    }
    if let Some(t) = cisco_tag(s, i).or_else(|| huawei_tag(s, i)) {
        known = true;
        d.app = Some(name(t.app));
        d.severity.get_or_insert(t.severity);
        sink.push(Cow::Borrowed("mnemonic"), Cow::Borrowed(t.mnemonic));
        i = t.end;
    } else if let Some((prog, pid, end)) = program_tag(s, i) {
        d.app = Some(name(prog));
        if let Some(pid) = pid {
            sink.push(Cow::Borrowed("procid"), Cow::Borrowed(pid));
        }
        i = end;
    }
    if !known {
        sink.rollback(mark);
        return None;
    }
    d.message = Cow::Borrowed(&s[i..]);
    kv::extract(&d.message, sink);
    Some(d)
}

fn set_time(d: &mut Draft<'_>, st: stamp::Stamp, received_at: OffsetDateTime, sink: &mut Sink) {
    match stamp::resolve(st, received_at) {
        Ok(t) => d.event_time = Some(t),
        Err(why) => sink.note(&format!("timestamp {why}")),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{find_any, quote_or_backslash, sd_name_end};

    proptest! {
        /// Eight bytes at a time finds what a byte loop finds, wherever the
        /// quotes and backslashes are and whatever bytes surround them.
        #[test]
        fn quote_or_backslash_is_the_first_match(
            b in proptest::collection::vec(
                prop_oneof![Just(b'"'), Just(b'\\'), Just(0u8), Just(0x80u8), Just(0xdcu8), Just(b'!'), Just(b'#'), any::<u8>()],
                0..80,
            ),
            i in 0usize..85,
        ) {
            let want = b
                .get(i..)
                .and_then(|r| r.iter().position(|&c| c == b'"' || c == b'\\'))
                .map(|p| i + p);
            prop_assert_eq!(quote_or_backslash(&b, i), want);
        }

        /// One match (or none) far into bytes that are otherwise anything:
        /// found past whole sixteen-byte steps without a match.
        #[test]
        fn find_any_finds_a_late_match(
            mut b in proptest::collection::vec(any::<u8>(), 0..80),
            at in 0usize..80,
            c in prop_oneof![Just(b'"'), Just(b'\\'), Just(b' '), Just(b']'), Just(b'=')],
            i in 0usize..40,
        ) {
            if let Some(x) = b.get_mut(at) {
                *x = c;
            }
            let i = i.min(b.len());
            let first = |set: &[u8]| b[i..].iter().position(|c| set.contains(c)).map(|p| i + p);
            prop_assert_eq!(quote_or_backslash(&b, i), first(b"\"\\"));
            prop_assert_eq!(sd_name_end(&b, i), first(b" ]=\"").unwrap_or(b.len()));
            prop_assert_eq!(find_any(&b, i, [b' ']), first(b" "));
        }

        /// The same for the other sets searched: SD name ends and spaces.
        #[test]
        fn find_any_is_the_first_match(
            b in proptest::collection::vec(
                prop_oneof![Just(b' '), Just(b']'), Just(b'='), Just(b'"'), Just(0u8), Just(0x80u8), Just(0xa0u8), any::<u8>(), any::<u8>(), any::<u8>()],
                0..80,
            ),
            i in 0usize..80,
        ) {
            let first = |set: &[u8]| b[i.min(b.len())..].iter().position(|c| set.contains(c)).map(|p| i.min(b.len()) + p);
            prop_assert_eq!(sd_name_end(&b, i.min(b.len())), first(b" ]=\"").unwrap_or(b.len()));
            prop_assert_eq!(find_any(&b, i.min(b.len()), [b' ']), first(b" "));
        }
    }
}
