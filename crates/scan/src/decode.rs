//! Text encodings: detection and decoding to UTF-8 with an offset map back
//! to the original bytes.
//!
//! GBK/GB18030 keep ASCII as ASCII, but their trail bytes include ASCII
//! letters and digits, which corrupts alphanumeric boundaries; UTF-16 breaks
//! byte scanning entirely. Both are decoded to UTF-8 first. The decoders
//! here walk the input one character at a time (GB18030 via `encoding_rs`
//! per multi-byte sequence) so that every decoded byte maps to the original
//! offset exactly.

/// A detected text encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (or ASCII).
    Utf8,
    /// UTF-16 little endian.
    Utf16Le,
    /// UTF-16 big endian.
    Utf16Be,
    /// GB18030 (a superset of GBK and GB2312).
    Gb18030,
}

impl Encoding {
    /// Stable name for output.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Gb18030 => "gb18030",
        }
    }
}

/// Detect the encoding of a file from its first bytes. Returns the
/// encoding and the length of its byte-order mark. Rules: a BOM wins; then
/// valid UTF-8 (a cut sequence at the end is allowed); then UTF-16 when at
/// least a third of the even or odd bytes are zero; else GB18030 (the
/// likely legacy encoding of Chinese text; Big5 is not detected).
pub fn sniff(head: &[u8]) -> (Encoding, usize) {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return (Encoding::Utf8, 3);
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return (Encoding::Utf16Le, 2);
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return (Encoding::Utf16Be, 2);
    }
    let n = head.len().min(64 * 1024);
    let h = &head[..n];
    let pairs = n / 2;
    // UTF-16 needs zero bytes in a third of the pairs: text without any
    // (almost all of it) skips the counts
    if pairs >= 2 && memchr::memchr(0, h).is_some() {
        let even0 = h.iter().step_by(2).filter(|&&b| b == 0).count();
        let odd0 = h.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
        if odd0 * 3 >= pairs && even0 * 10 < pairs {
            return (Encoding::Utf16Le, 0);
        }
        if even0 * 3 >= pairs && odd0 * 10 < pairs {
            return (Encoding::Utf16Be, 0);
        }
    }
    // ASCII (most log records) is UTF-8: a word-at-a-time test, cheaper
    // than validation on short texts
    if h.is_ascii() {
        return (Encoding::Utf8, 0);
    }
    match std::str::from_utf8(h) {
        Ok(_) => (Encoding::Utf8, 0),
        Err(e) if e.error_len().is_none() => (Encoding::Utf8, 0),
        Err(_) => (Encoding::Gb18030, 0),
    }
}

/// Whether the head looks binary (NUL bytes in text that is not UTF-16).
pub fn looks_binary(head: &[u8], enc: Encoding) -> bool {
    matches!(enc, Encoding::Utf8 | Encoding::Gb18030)
        && memchr::memchr(0, &head[..head.len().min(8192)]).is_some()
}

/// Decoded text with its map back to original offsets.
#[derive(Debug, Default)]
pub struct Decoded {
    /// UTF-8 text.
    pub text: Vec<u8>,
    /// `map[i]` is the original offset of decoded byte `i` (relative to the
    /// decoded input); `map[text.len()]` is the input length. Empty for
    /// UTF-8 input (identity).
    pub map: Vec<u32>,
}

impl Decoded {
    /// Original offset of a decoded offset.
    pub fn orig(&self, i: usize) -> u64 {
        if self.map.is_empty() {
            i as u64
        } else {
            u64::from(self.map[i.min(self.map.len() - 1)])
        }
    }
}

/// Decode `input` (no BOM) to UTF-8 with an offset map. UTF-8 input is
/// copied as is with an empty (identity) map.
pub fn decode(input: &[u8], enc: Encoding) -> Decoded {
    match enc {
        Encoding::Utf8 => Decoded {
            text: input.to_vec(),
            map: Vec::new(),
        },
        Encoding::Utf16Le | Encoding::Utf16Be => utf16(input, enc == Encoding::Utf16Le),
        Encoding::Gb18030 => gb18030(input),
    }
}

fn utf16(input: &[u8], le: bool) -> Decoded {
    let mut text = Vec::with_capacity(input.len());
    let mut map = Vec::with_capacity(input.len() + 1);
    let unit = |i: usize| {
        let (a, b) = (input[i], input[i + 1]);
        if le {
            u16::from_le_bytes([a, b])
        } else {
            u16::from_be_bytes([a, b])
        }
    };
    let mut i = 0;
    let mut buf = [0u8; 4];
    while i + 1 < input.len() {
        let u = unit(i);
        let (c, w) = if (0xD800..0xDC00).contains(&u) && i + 3 < input.len() {
            let u2 = unit(i + 2);
            match char::decode_utf16([u, u2]).next() {
                Some(Ok(c)) => (c, 4),
                _ => ('\u{FFFD}', 2),
            }
        } else {
            (char::from_u32(u32::from(u)).unwrap_or('\u{FFFD}'), 2)
        };
        let s = c.encode_utf8(&mut buf);
        text.extend_from_slice(s.as_bytes());
        map.extend(std::iter::repeat_n(i as u32, s.len()));
        i += w;
    }
    map.push(i as u32);
    Decoded { text, map }
}

fn gb18030(input: &[u8]) -> Decoded {
    let mut text = Vec::with_capacity(input.len() * 3 / 2);
    let mut map = Vec::with_capacity(input.len() * 3 / 2 + 1);
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b < 0x80 {
            // ASCII run
            let st = i;
            while i < input.len() && input[i] < 0x80 {
                i += 1;
            }
            text.extend_from_slice(&input[st..i]);
            map.extend((st as u32)..(i as u32));
            continue;
        }
        let len = if (0x81..=0xFE).contains(&b) {
            match input.get(i + 1) {
                Some(0x30..=0x39) => 4,
                Some(_) => 2,
                None => 1,
            }
        } else {
            1
        };
        let len = len.min(input.len() - i);
        let (cow, had_err) = encoding_rs::GB18030.decode_without_bom_handling(&input[i..i + len]);
        let (piece, used) = if had_err && len > 1 && input[i + 1] < 0x80 {
            // lead byte alone is an error; the ASCII byte is handled next
            ("\u{FFFD}".to_owned(), 1)
        } else {
            (cow.into_owned(), len)
        };
        text.extend_from_slice(piece.as_bytes());
        map.extend(std::iter::repeat_n(i as u32, piece.len()));
        i += used;
    }
    map.push(input.len() as u32);
    Decoded { text, map }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_map() {
        let s = "手机13800138000";
        let (gbk, _, _) = encoding_rs::GBK.encode(s);
        assert_eq!(sniff(&gbk).0, Encoding::Gb18030);
        let d = decode(&gbk, Encoding::Gb18030);
        assert_eq!(d.text, s.as_bytes());
        // "13800138000" starts after two 2-byte chars
        let p = s.find('1').unwrap_or(0);
        assert_eq!(d.orig(p), 4);
        assert_eq!(d.orig(s.len()), gbk.len() as u64);
    }

    #[test]
    fn utf16_map() {
        let s = "号13800138000";
        let mut b = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(sniff(&b), (Encoding::Utf16Le, 2));
        let d = decode(&b[2..], Encoding::Utf16Le);
        assert_eq!(d.text, s.as_bytes());
        assert_eq!(d.orig(3), 2);
        assert_eq!(sniff(&b[2..]).0, Encoding::Utf16Le);
    }
}
