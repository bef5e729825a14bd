//! Network values: IPv4 and IPv6 addresses, MAC addresses, GPS
//! coordinates, and the e-mail spans found around each `@`.

use super::tokens::{alnum_before, is_alnum_at};
use super::*;

/// A decimal number with ≥4 fractional digits at `s`: its value and end.
fn decimal(text: &[u8], s: usize) -> Option<(f64, usize)> {
    let mut j = s;
    while j < text.len() && text[j].is_ascii_digit() && j - s < 3 {
        j += 1;
    }
    if j == s || text.get(j) != Some(&b'.') {
        return None;
    }
    let f = j + 1;
    j = f;
    while j < text.len() && text[j].is_ascii_digit() && j - f < 12 {
        j += 1;
    }
    if j - f < 4 || is_alnum_at(text, j) || (text.get(j) == Some(&b'.') && digit_at(text, j + 1)) {
        return None;
    }
    let v: f64 = std::str::from_utf8(&text[s..j]).ok()?.parse().ok()?;
    Some((v, j))
}

pub(super) fn email_at(text: &[u8], at: usize) -> Option<(usize, usize)> {
    let local = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-');
    let mut s = at;
    while s > 0 && at - s < 64 && local(text[s - 1]) {
        s -= 1;
    }
    while s < at && !text[s].is_ascii_alphanumeric() {
        s += 1;
    }
    if s == at || alnum_before(text, s) && s > 0 && text[s - 1] >= 0x80 {
        return None;
    }
    let mut e = at + 1;
    while e < text.len()
        && e - at < 255
        && (text[e].is_ascii_alphanumeric() || text[e] == b'-' || text[e] == b'.')
    {
        e += 1;
    }
    while e > at + 1 && matches!(text[e - 1], b'.' | b'-') {
        e -= 1;
    }
    let dom = &text[at + 1..e];
    let dot = dom.iter().rposition(|&c| c == b'.')?;
    let tld = &dom[dot + 1..];
    if dot == 0 || tld.len() < 2 || tld.len() > 24 || !tld.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    if dom.windows(2).any(|w| w == b"..") || dom[0] == b'-' || dom[0] == b'.' {
        return None;
    }
    // `id@32473.iut` (syslog SD-IDs): a numeric name needs a common TLD (163.com)
    if dom[..dot].iter().all(u8::is_ascii_digit) && !matches!(tld, b"com" | b"cn" | b"net" | b"org")
    {
        return None;
    }
    Some((s, e))
}

impl Detector {
    pub(super) fn ipv4(&self, text: &[u8], s: usize, em: &mut Emit<'_>) -> Option<usize> {
        if s > 0 && text[s - 1] == b'.' {
            return None;
        }
        let mut j = s;
        let mut oct = [0u32; 4];
        for (k, o) in oct.iter_mut().enumerate() {
            let st = j;
            while j < text.len() && text[j].is_ascii_digit() && j - st < 4 {
                j += 1;
            }
            let l = j - st;
            if l == 0 || l > 3 || (l > 1 && text[st] == b'0') {
                return None;
            }
            *o = text[st..j]
                .iter()
                .fold(0, |a, c| a * 10 + u32::from(c - b'0'));
            if *o > 255 {
                return None;
            }
            if k < 3 {
                if text.get(j) != Some(&b'.') {
                    return None;
                }
                j += 1;
            }
        }
        // negative keywords (order numbers, versions) last: rarely reached
        if is_alnum_at(text, j)
            || (text.get(j) == Some(&b'.') && digit_at(text, j + 1))
            || self.neg_before(text, s)
        {
            return None;
        }
        if oct == [0, 0, 0, 0] || oct == [255, 255, 255, 255] {
            return Some(j);
        }
        let private = oct[0] == 10
            || oct[0] == 127
            || (oct[0] == 172 && (16..32).contains(&oct[1]))
            || (oct[0] == 192 && oct[1] == 168)
            || (oct[0] == 169 && oct[1] == 254);
        let (conf, fl) = if private {
            (55, flags::PRIVATE_NET)
        } else {
            (75, 0)
        };
        em.push(Kind::Ipv4, s, j, conf, fl, &text[s..j], 0);
        Some(j)
    }

    pub(super) fn gps(&self, text: &[u8], t: &Tok, hint: Hint, em: &mut Emit<'_>) -> Option<usize> {
        let (a, ae) = decimal(text, t.s)?;
        let mut j = ae;
        // separator: ",", ", ", " ", "，"
        if text.get(j) == Some(&b',') {
            j += 1;
            if text.get(j) == Some(&b' ') {
                j += 1;
            }
        } else if text[j..].starts_with("，".as_bytes()) {
            j += 3;
        } else if text.get(j) == Some(&b' ') {
            j += 1;
        } else {
            j = usize::MAX;
        }
        let lat = |x: f64| (3.8..=53.6).contains(&x);
        let lon = |x: f64| (73.5..=135.1).contains(&x);
        if j != usize::MAX
            && digit_at(text, j)
            && let Some((b, be)) = decimal(text, j)
            && ((lat(a) && lon(b)) || (lon(a) && lat(b)))
        {
            let c = self.ctx_before(text, t.s, hint, em);
            let conf = if c & ctx::GPS != 0 { 85 } else { 70 };
            let norm = format!("{},{}", ascii(&text[t.s..ae]), ascii(&text[j..be]));
            em.push(Kind::Gps, t.s, be, conf, 0, norm.as_bytes(), 0);
            return Some(be);
        }
        if hint.0 & ctx::GPS != 0 && (lat(a) || lon(a)) {
            em.push(Kind::Gps, t.s, ae, 70, flags::CONTEXT, &text[t.s..ae], 0);
            return Some(ae);
        }
        None
    }

    pub(super) fn mac(&self, text: &[u8], s: usize, em: &mut Emit<'_>) -> Option<usize> {
        let b = text.get(s..s + 17)?;
        let sep = b[2];
        for k in 0..6 {
            if !b[k * 3].is_ascii_hexdigit() || !b[k * 3 + 1].is_ascii_hexdigit() {
                return None;
            }
            if k < 5 && b[k * 3 + 2] != sep {
                return None;
            }
        }
        let e = s + 17;
        if is_alnum_at(text, e)
            || (matches!(text.get(e), Some(b':' | b'-'))
                && text.get(e + 1).is_some_and(u8::is_ascii_hexdigit))
        {
            return None;
        }
        let hex: Vec<u8> = b
            .iter()
            .filter(|c| c.is_ascii_hexdigit())
            .map(u8::to_ascii_uppercase)
            .collect();
        if hex.iter().all(|&c| c == b'0') || hex.iter().all(|&c| c == b'F') {
            return Some(e);
        }
        let norm: Vec<u8> = b
            .iter()
            .map(|&c| {
                if c == b'-' {
                    b':'
                } else {
                    c.to_ascii_uppercase()
                }
            })
            .collect();
        em.push(Kind::Mac, s, e, 75, 0, &norm, 0);
        Some(e)
    }

    pub(super) fn ipv6(&self, text: &[u8], s: usize, em: &mut Emit<'_>) -> Option<usize> {
        let mut j = s;
        while j < text.len()
            && j - s < 45
            && (text[j].is_ascii_hexdigit() || text[j] == b':' || text[j] == b'.')
        {
            j += 1;
        }
        while j > s && matches!(text[j - 1], b':' | b'.') {
            j -= 1;
        }
        if is_alnum_at(text, j) {
            return None;
        }
        // cheap shape checks first (`12:34:56` in every syslog header)
        let (mut colons, mut hexd, mut double, mut prev) = (0, 0, false, 0u8);
        for &c in &text[s..j] {
            if c == b':' {
                colons += 1;
                double |= prev == b':';
            } else if c.is_ascii_hexdigit() {
                hexd += 1;
            }
            prev = c;
        }
        if colons < 2 || hexd < 6 || (!double && colons != 7) {
            return None;
        }
        let cand = std::str::from_utf8(&text[s..j]).ok()?;
        let groups = cand.split(':').filter(|g| !g.is_empty()).count();
        if groups < 3 {
            return None;
        }
        let addr: std::net::Ipv6Addr = cand.parse().ok()?;
        let seg = addr.segments();
        let private =
            addr.is_loopback() || (seg[0] & 0xffc0) == 0xfe80 || (seg[0] & 0xfe00) == 0xfc00;
        let (conf, fl) = if private {
            (55, flags::PRIVATE_NET)
        } else {
            (75, 0)
        };
        let norm = addr.to_string();
        em.push(Kind::Ipv6, s, j, conf, fl, norm.as_bytes(), 0);
        Some(j)
    }
}
