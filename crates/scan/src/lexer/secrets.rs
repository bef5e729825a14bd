//! Secrets: API keys, tokens, private-key blocks and password fields.

use super::tokens::is_alnum_at;
use super::*;

/// `password`, `passwd`, `pwd`, `secret`, `apikey`, `…password` (any case).
#[inline]
pub(super) fn is_password_key(v: &[u8]) -> bool {
    // every key ends in d, t or y
    if !matches!(v.last().map(|c| c | 0x20), Some(b'd' | b't' | b'y')) {
        return false;
    }
    // the keys are letters only: a byte ORed with 0x20 equals a lower-case
    // letter exactly when it is that letter in either case
    let low = |b: &[u8]| {
        let mut w = [0u8; 8];
        w[..b.len()].copy_from_slice(b);
        u64::from_le_bytes(w) | (0x20 * ONES)
    };
    let key = |k: &[u8; 8]| u64::from_le_bytes(*k) | (0x20 * ONES);
    match v.len() {
        3 => low(v) == key(b"pwd\0\0\0\0\0"),
        6 => {
            let x = low(v);
            x == key(b"passwd\0\0") || x == key(b"secret\0\0") || x == key(b"apikey\0\0")
        }
        n if n >= 8 => low(&v[n - 8..]) == key(b"password"),
        _ => false,
    }
}

impl Detector {
    pub(super) fn secret(&self, text: &[u8], t: &Tok, em: &mut Emit<'_>) -> Option<usize> {
        let v = t.v();
        let next = text.get(t.e).copied().unwrap_or(0);
        let tokch = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        let run_end = |from: usize| {
            let mut j = from;
            while j < text.len() && tokch(text[j]) {
                j += 1;
            }
            j
        };
        // AWS access key id
        if t.len == 20 && (v.starts_with(b"AKIA") || v.starts_with(b"ASIA")) && t.lower == 0 {
            em.push(Kind::ApiToken, t.s, t.e, 90, 0, v, 0);
            return Some(t.e);
        }
        if v.starts_with(b"AIza") && !t.fw {
            let e = run_end(t.s);
            if e - t.s == 39 {
                em.push(Kind::ApiToken, t.s, e, 90, 0, &text[t.s..e], 0);
                return Some(e);
            }
        }
        let pre: Option<(usize, usize)> = match (v, next) {
            (b"ghp" | b"gho" | b"ghu" | b"ghs" | b"ghr", b'_') => Some((36, 36)),
            (b"github", b'_') if text[t.e..].starts_with(b"_pat_") => Some((60, 90)),
            (b"glpat", b'-') => Some((20, 64)),
            (b"xoxb" | b"xoxp" | b"xoxa" | b"xoxr" | b"xoxs", b'-') => Some((10, 200)),
            (b"sk", b'-') => Some((20, 200)),
            _ => None,
        };
        if let Some((min, max)) = pre {
            let e = run_end(t.e + 1);
            let body = e - t.e - 1;
            let body = if v == b"github" {
                body.saturating_sub(4)
            } else {
                body
            };
            if (min..=max).contains(&body) && !is_alnum_at(text, e) {
                em.push(Kind::ApiToken, t.s, e, 90, 0, &text[t.s..e], 0);
                return Some(e);
            }
            return None;
        }
        // scheme://user:password@host
        if next == b':' && text[t.e..].starts_with(b"://") && t.upper + t.lower == t.len {
            let st = t.e + 3;
            let mut j = st;
            let mut colon = None;
            while j < text.len() && j - st < 256 {
                match text[j] {
                    b'@' => break,
                    b':' if colon.is_none() => colon = Some(j),
                    b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'<' | b'>' => {
                        return None;
                    }
                    _ => {}
                }
                j += 1;
            }
            if j < text.len()
                && text[j] == b'@'
                && let Some(c) = colon
                && j > c + 1
            {
                em.push(
                    Kind::Password,
                    c + 1,
                    j,
                    90,
                    flags::CONTEXT,
                    &text[c + 1..j],
                    0,
                );
                return Some(j);
            }
            return None;
        }
        // password=…, "password": "…"
        // (no allocation: this runs for every word of the text)
        if is_password_key(v) {
            let mut j = t.e;
            if text.get(j) == Some(&b'"') || text.get(j) == Some(&b'\'') {
                j += 1;
            }
            while text.get(j) == Some(&b' ') {
                j += 1;
            }
            if !matches!(text.get(j), Some(b'=' | b':')) {
                return None;
            }
            j += 1;
            while text.get(j) == Some(&b' ') {
                j += 1;
            }
            let quote = match text.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    j += 1;
                    Some(q)
                }
                _ => None,
            };
            let st = j;
            while j < text.len() && j - st < 200 {
                let c = text[j];
                let stop = match quote {
                    Some(q) => c == q || c == b'\n',
                    None => {
                        c.is_ascii_whitespace()
                            || matches!(c, b'&' | b';' | b',' | b'"' | b'\'' | b'<' | b'}' | b')')
                    }
                };
                if stop {
                    break;
                }
                j += 1;
            }
            // never cut inside a UTF-8 character
            while j > st && j < text.len() && (text[j] & 0xC0) == 0x80 {
                j -= 1;
            }
            let val = &text[st..j];
            let placeholder = val.len() < 4
                || val.iter().all(|&c| c == b'*' || c == b'x' || c == b'X')
                || val.starts_with(b"${")
                || val.starts_with(b"<")
                || val.starts_with(b"%(")
                // unquoted code (`let secret = base64::encode(&x)`), not a literal
                || (quote.is_none()
                    && (val.windows(2).any(|w| w == b"::")
                        || val.iter().any(|&c| matches!(c, b'(' | b'[' | b'{' | b'&' | b'$'))))
                || matches!(
                    val.to_ascii_lowercase().as_slice(),
                    b"null" | b"none" | b"true" | b"false" | b"required" | b"string"
                );
            if !placeholder {
                em.push(Kind::Password, st, j, 75, flags::CONTEXT, val, 0);
                return Some(j);
            }
        }
        None
    }
}
