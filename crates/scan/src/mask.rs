//! Masking: how much of each kind of value may be shown.
//!
//! The rule is one number per kind, [`max_revealed`]: the count of value
//! characters (not separators) a masked rendering may show. The rest is `*`.
//! A property test checks every masked rendering against it.

use crate::kind::{Kind, Masked};

/// The most characters of the normalised value a masked rendering reveals.
pub fn max_revealed(kind: Kind, len: usize) -> usize {
    match kind {
        // 110105********002X-style masks show 10; we show less: 4 + 2.
        Kind::CnId => 6,
        // The common 138****8000 style: 3 + 4.
        Kind::CnMobile => 7,
        // PCI DSS: first 6 (BIN) and last 4.
        Kind::BankCard => 10,
        Kind::CnUscc => 6,
        Kind::Landline => 6,
        Kind::Passport | Kind::TravelPermit => 3,
        Kind::Imei => 8,
        Kind::Plate => 3,
        Kind::Mac => 6,
        Kind::Ipv4 => 6,
        Kind::Ipv6 => 9,
        Kind::Gps => 8,
        Kind::CnName => 1,
        Kind::CnAddress => 6,
        Kind::Email => 1 + len.saturating_sub(1).min(len), // first char + domain (checked separately)
        Kind::PrivateKey => 0,
        Kind::Password => 0,
        Kind::ApiToken => 4,
    }
}

fn keep_ends(v: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = v.chars().collect();
    let n = chars.len();
    if head + tail >= n {
        // Too short to show anything safely: show only the first char.
        let mut s = String::new();
        if let Some(c) = chars.first()
            && n > 2
        {
            s.push(*c);
        }
        s.extend(std::iter::repeat_n('*', n - s.chars().count()));
        return s;
    }
    let mut s: String = chars[..head].iter().collect();
    s.extend(std::iter::repeat_n('*', n - head - tail));
    s.extend(&chars[n - tail..]);
    s
}

/// `n` stars then zeros: the window `STARS[62 - n..124 - n]`.
const STARS: [u8; 124] = {
    let mut a = [0u8; 124];
    let mut i = 0;
    while i < 62 {
        a[i] = b'*';
        i += 1;
    }
    a
};

/// `keep_ends` for ASCII values, without allocating, written over `buf`
/// (stars, the kept ends, then zeros); returns the length. Inlined where
/// `head` and `tail` are constants, so every copy has a fixed length.
#[inline(always)]
fn keep_ends_ascii(v: &[u8], head: usize, tail: usize, buf: &mut [u8; 62]) -> usize {
    let n = v.len().min(62);
    if let Some(w) = STARS.get(62 - n..124 - n) {
        buf.copy_from_slice(w);
    }
    if head + tail >= n {
        if n > 2 {
            buf[0] = v[0];
        }
    } else {
        buf[..head].copy_from_slice(&v[..head]);
        buf[n - tail..n].copy_from_slice(&v[v.len() - tail..]);
    }
    n
}

/// Mask a normalised value of `kind`. `value` is ASCII for identifiers; for
/// names and addresses it is UTF-8.
pub fn mask(kind: Kind, value: &str) -> Masked {
    mask_bytes(kind, value.as_bytes())
}

/// [`mask`] of a value given as bytes: ASCII values are masked without a
/// UTF-8 validation (this runs once per finding); a value that is not UTF-8
/// is masked as `***`.
pub(crate) fn mask_bytes(kind: Kind, value: &[u8]) -> Masked {
    let mut m = Masked::EMPTY;
    mask_bytes_into(kind, value, &mut m);
    m
}

/// [`mask_bytes`] written into `out`, which is [`Masked::EMPTY`]: the
/// lexer builds each finding's mask in place, in the finding (no copy of
/// the 62-byte buffer through the stack).
pub(crate) fn mask_bytes_into(kind: Kind, value: &[u8], out: &mut Masked) {
    if value.len() <= 62 && value.is_ascii() {
        let (buf, len) = out.parts_mut();
        if let Some(n) = mask_ascii(kind, value, buf) {
            debug_assert!(n <= 62 && buf[..n].is_ascii() && buf[n..].iter().all(|&b| b == 0));
            // at most 62
            *len = n as u8;
            return;
        }
    }
    *out = match std::str::from_utf8(value) {
        Ok(v) => mask_str(kind, v),
        Err(_) => Masked::new("***"),
    };
}

/// The renderings of [`mask_str`] for the kinds whose ASCII values are
/// masked on the stack, written over `buf` (zero after the text; `buf` is
/// all zeros on entry), with their length; `None` (nothing written) for the
/// others. `v` is ASCII, at most 62 bytes.
#[inline(always)]
fn mask_ascii(kind: Kind, v: &[u8], buf: &mut [u8; 62]) -> Option<usize> {
    Some(match kind {
        Kind::CnId => keep_ends_ascii(v, 4, 2, buf),
        Kind::CnMobile => keep_ends_ascii(v, 3, 4, buf),
        Kind::BankCard => keep_ends_ascii(v, 6, 4, buf),
        Kind::CnUscc | Kind::Landline => keep_ends_ascii(v, 4, 2, buf),
        Kind::Passport | Kind::TravelPermit => keep_ends_ascii(v, 1, 2, buf),
        Kind::Imei => keep_ends_ascii(v, 8, 0, buf),
        // first char, `***`, `@domain`
        Kind::Email => {
            let at = v.iter().rposition(|&c| c == b'@')?;
            let mut n = 0;
            if at > 0 {
                buf[0] = v[0];
                n = 1;
            }
            buf[n..n + 3].copy_from_slice(b"***");
            n += 3;
            let domain = &v[at..];
            let k = domain.len().min(62 - n);
            buf[n..n + k].copy_from_slice(&domain[..k]);
            n + k
        }
        // the first two parts, then `.*.*`
        Kind::Ipv4 => {
            let dot = |from: usize| v[from..].iter().position(|&c| c == b'.').map(|p| from + p);
            let (end, suffix): (usize, &[u8]) = match dot(0) {
                None => (v.len(), b"..*.*"),
                Some(d) => (dot(d + 1).unwrap_or(v.len()), b".*.*"),
            };
            let mut tmp = [0u8; 62 + 5];
            tmp[..end].copy_from_slice(&v[..end]);
            tmp[end..end + suffix.len()].copy_from_slice(suffix);
            buf.copy_from_slice(&tmp[..62]);
            (end + suffix.len()).min(62)
        }
        _ => return None,
    })
}

/// The general renderings (any UTF-8 value).
fn mask_str(kind: Kind, value: &str) -> Masked {
    let s = match kind {
        Kind::CnId => keep_ends(value, 4, 2),
        Kind::CnMobile => keep_ends(value, 3, 4),
        Kind::BankCard => keep_ends(value, 6, 4),
        Kind::CnUscc => keep_ends(value, 4, 2),
        Kind::Landline => keep_ends(value, 4, 2),
        Kind::Passport | Kind::TravelPermit => keep_ends(value, 1, 2),
        Kind::Imei => keep_ends(value, 8, 0),
        Kind::Plate => keep_ends(value, 2, 1),
        Kind::CnName => keep_ends(value, 1, 0),
        Kind::CnAddress => keep_ends(value, 6, 0),
        Kind::Mac => {
            let head: String = value.chars().take(8).collect();
            format!("{head}:**:**:**")
        }
        Kind::Ipv4 => {
            let mut it = value.split('.');
            let a = it.next().unwrap_or("");
            let b = it.next().unwrap_or("");
            format!("{a}.{b}.*.*")
        }
        Kind::Ipv6 => {
            let mut it = value.split(':');
            let a = it.next().unwrap_or("");
            let b = it.next().unwrap_or("");
            format!("{a}:{b}:*")
        }
        Kind::Gps => {
            // one decimal: about 11 km
            let mut out = String::new();
            for (i, part) in value.split(',').enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let mut p = part.splitn(2, '.');
                let int = p.next().unwrap_or("");
                let frac = p.next().unwrap_or("");
                out.push_str(int);
                if let Some(c) = frac.chars().next() {
                    out.push('.');
                    out.push(c);
                    out.push('*');
                }
            }
            out
        }
        Kind::Email => match value.rsplit_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".to_owned(),
        },
        Kind::PrivateKey => "-----BEGIN … PRIVATE KEY-----".to_owned(),
        Kind::Password => "********".to_owned(),
        Kind::ApiToken => {
            let head: String = value.chars().take(4).collect();
            format!("{head}****")
        }
    };
    Masked::new(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// The stack renderings of ASCII values are those of `mask_str`,
        /// padding included.
        #[test]
        fn ascii_masks_are_the_general_ones(
            v in "[0-9A-Za-z.@*_-]{0,62}",
            k in 0usize..Kind::ALL.len(),
        ) {
            let kind = Kind::ALL[k];
            let mut m = Masked::EMPTY;
            let (buf, len) = m.parts_mut();
            if let Some(n) = mask_ascii(kind, v.as_bytes(), buf) {
                *len = n as u8;
                proptest::prop_assert_eq!(m, mask_str(kind, &v));
            }
            proptest::prop_assert_eq!(mask_bytes(kind, v.as_bytes()), mask_str(kind, &v));
            proptest::prop_assert_eq!(mask(kind, &v), mask_str(kind, &v));
        }
    }

    #[test]
    fn masks() {
        assert_eq!(
            mask(Kind::CnId, "11010519491231002X").as_str(),
            "1101************2X"
        );
        assert_eq!(mask(Kind::CnMobile, "13800138000").as_str(), "138****8000");
        assert_eq!(
            mask(Kind::BankCard, "6222021234567890123").as_str(),
            "622202*********0123"
        );
        assert_eq!(
            mask(Kind::Email, "zhang.san@example.com").as_str(),
            "z***@example.com"
        );
        assert_eq!(mask(Kind::Ipv4, "10.1.2.3").as_str(), "10.1.*.*");
        assert_eq!(mask(Kind::Gps, "39.9087,116.3975").as_str(), "39.9*,116.3*");
        assert_eq!(mask(Kind::CnName, "张三丰").as_str(), "张**");
        assert_eq!(mask(Kind::Passport, "E12345678").as_str(), "E******78");
    }
}
