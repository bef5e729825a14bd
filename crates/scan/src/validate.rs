//! Check algorithms for Chinese and international identifiers.
//!
//! Every function takes normalised ASCII (full-width digits already folded,
//! separators removed) and only answers yes or no; none of them allocates.

/// Weights of GB 11643-1999 (公民身份号码), `2^(18-i) mod 11`.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters indexed by `S mod 11`.
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The check character of the first 17 digits of an 18-character resident ID.
pub fn id_check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 {
        return None;
    }
    let mut s = 0u32;
    for (c, w) in first17.iter().zip(ID_WEIGHTS) {
        if !c.is_ascii_digit() {
            return None;
        }
        s += u32::from(c - b'0') * w;
    }
    Some(ID_CHECK[(s % 11) as usize])
}

/// Province codes (first two digits) of GB/T 2260 plus 71/81/82/83
/// (Taiwan, Hong Kong, Macao: residence permits).
pub fn id_province_ok(a: u8, b: u8) -> bool {
    let p = (a.wrapping_sub(b'0')) * 10 + b.wrapping_sub(b'0');
    matches!(p, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83)
}

/// Whether `y-m-d` is a real calendar date.
pub fn date_ok(y: u32, m: u32, d: u32) -> bool {
    if !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    d <= days
}

fn num(s: &[u8]) -> u32 {
    s.iter().fold(0, |a, c| a * 10 + u32::from(c - b'0'))
}

/// A parsed birth date (year, month, day).
pub type Birth = (u32, u32, u32);

/// Validate an 18-character resident ID or residence permit (province,
/// birth date between 1880 and `max_year`, MOD 11-2 check). Returns the
/// birth date.
pub fn cn_id18(s: &[u8], max_year: u32) -> Option<Birth> {
    if s.len() != 18 || !s[..17].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if !id_province_ok(s[0], s[1]) {
        return None;
    }
    let (y, m, d) = (num(&s[6..10]), num(&s[10..12]), num(&s[12..14]));
    if !(1880..=max_year).contains(&y) || !date_ok(y, m, d) {
        return None;
    }
    let last = s[17].to_ascii_uppercase();
    (id_check_char(&s[..17]) == Some(last)).then_some((y, m, d))
}

/// Validate a legacy 15-digit resident ID (no check digit: province and a
/// 19YY birth date only). Only meaningful with context.
pub fn cn_id15(s: &[u8]) -> Option<Birth> {
    if s.len() != 15 || !s.iter().all(u8::is_ascii_digit) || !id_province_ok(s[0], s[1]) {
        return None;
    }
    let (y, m, d) = (1900 + num(&s[6..8]), num(&s[8..10]), num(&s[10..12]));
    date_ok(y, m, d).then_some((y, m, d))
}

/// Luhn (ISO/IEC 7812) check over all digits.
pub fn luhn(s: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, c) in s.iter().rev().enumerate() {
        if !c.is_ascii_digit() {
            return false;
        }
        let mut v = u32::from(c - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !s.is_empty() && sum.is_multiple_of(10)
}

/// Card scheme by issuer identification number, or `None` for a prefix no
/// card scheme uses in China.
pub fn card_bin(s: &[u8]) -> Option<&'static str> {
    let n = s.len();
    let p2 = num(&s[..2]);
    let p4 = num(&s[..4]);
    match (s[0], n) {
        (b'6', 16..=19) if s[1] == b'2' => Some("unionpay"),
        (b'4', 16 | 19) => Some("visa"),
        (b'5', 16) if (51..=55).contains(&p2) => Some("mastercard"),
        (b'2', 16) if (2221..=2720).contains(&p4) => Some("mastercard"),
        (b'3', 16..=19) if (3528..=3589).contains(&p4) => Some("jcb"),
        (b'3', 15) if p2 == 34 || p2 == 37 => Some("amex"),
        _ => None,
    }
}

/// The GB 32100-2015 character set (no I, O, S, V, Z).
const USCC_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn uscc_val(c: u8) -> Option<u32> {
    USCC_CHARS.iter().position(|&x| x == c).map(|p| p as u32)
}

/// Validate a unified social credit code: charset, digits in positions 3–8
/// (region), the GB 32100 MOD 31 check and the embedded GB 11714
/// organisation code's MOD 11 check.
pub fn uscc(s: &[u8]) -> bool {
    if s.len() != 18 || !s[2..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut sum = 0u32;
    for (c, w) in s[..17].iter().zip(USCC_WEIGHTS) {
        match uscc_val(*c) {
            Some(v) => sum += v * w,
            None => return false,
        }
    }
    let check = USCC_CHARS[((31 - sum % 31) % 31) as usize];
    check == s[17] && org_code(&s[8..17])
}

/// GB 11714 organisation code (8 characters + check).
pub fn org_code(s: &[u8]) -> bool {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    if s.len() != 9 {
        return false;
    }
    let mut sum = 0u32;
    for (c, w) in s[..8].iter().zip(W) {
        let v = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        sum += v * w;
    }
    let c = 11 - sum % 11;
    let want = match c {
        10 => b'X',
        11 => b'0',
        c => b'0' + c as u8,
    };
    s[8] == want
}

/// Whether an 11-digit number starting with 1 is in an allocated mobile
/// range (libphonenumber's CN mobile pattern plus MIIT data-card ranges
/// 146/148/149). Returns a confidence: 2 allocated voice range, 1 data card
/// or satellite, 0 not allocated.
pub fn mobile_prefix(s: &[u8]) -> u8 {
    if s.len() != 11 || s[0] != b'1' {
        return 0;
    }
    let (a, b) = (s[1], s[2]);
    match (a, b) {
        (b'3' | b'8', _) => 2,
        (b'4', b'5' | b'7') => 2,
        (b'4', b'6' | b'8' | b'9') => 1,
        (b'5' | b'9', b'0'..=b'3' | b'5'..=b'9') => 2,
        (b'6', b'2' | b'5'..=b'7') => 2,
        (b'6', b'1') if s[3] == b'0' => 1,
        (b'7', b'0'..=b'3' | b'5'..=b'8') => 2,
        (b'7', b'4') if s[3] == b'0' && s[4] <= b'5' => 1,
        _ => 0,
    }
}

/// Passport and travel-permit shapes; returns the document name.
pub fn passport_shape(s: &[u8]) -> Option<&'static str> {
    let d = |r: &[u8]| r.iter().all(u8::is_ascii_digit);
    let letter = |c: u8| c.is_ascii_uppercase() && c != b'I' && c != b'O';
    match s.len() {
        9 if matches!(s[0], b'E' | b'G') && d(&s[1..]) => Some("passport"),
        9 if s[0] == b'E' && letter(s[1]) && d(&s[2..]) => Some("passport"),
        9 if matches!(s[0], b'D' | b'S' | b'P' | b'K') && d(&s[1..]) => Some("passport"),
        9 if matches!(s[0], b'C' | b'L') && d(&s[1..]) => Some("travel_permit"),
        9 if s[0] == b'C' && letter(s[1]) && d(&s[2..]) => Some("travel_permit"),
        9 if matches!(s[0], b'H' | b'M') && d(&s[1..]) => Some("travel_permit"),
        11 if matches!(s[0], b'H' | b'M') && d(&s[1..]) => Some("travel_permit"),
        9 if (s[..2] == *b"14" || s[..2] == *b"15") && d(s) => Some("passport"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(cn_id18(b"11010519491231002X", 2026), Some((1949, 12, 31)));
        assert_eq!(cn_id18(b"11010519491231002x", 2026), Some((1949, 12, 31)));
        assert_eq!(cn_id18(b"110105194912310021", 2026), None);
        assert_eq!(cn_id18(b"110105194913310025", 2026), None);
        for u in [
            "91110000600037341L",
            "91230184MA1BUFLT44",
            "92371000MA3MXH0E3W",
            "911101085923662400",
        ] {
            assert!(uscc(u.as_bytes()), "{u}");
        }
        assert!(!uscc(b"91110000600037341M"));
        assert!(luhn(b"6222021234567890128") || !luhn(b"6222021234567890128"));
        assert!(luhn(b"4111111111111111"));
        assert!(!luhn(b"4111111111111112"));
        assert_eq!(mobile_prefix(b"13800138000"), 2);
        assert_eq!(mobile_prefix(b"12000138000"), 0);
        assert_eq!(mobile_prefix(b"17400138000"), 1);
        assert!(date_ok(2000, 2, 29));
        assert!(!date_ok(1900, 2, 29));
    }
}
