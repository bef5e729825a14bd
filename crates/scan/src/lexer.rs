//! The byte lexer: one pass over UTF-8 text, validators on candidates.
//!
//! Chinese identifiers have no literal prefix (`[0-9]{17}[0-9X]`,
//! `1[3-9][0-9]{9}`), so a regex prefilter cannot skip input. Instead the
//! lexer walks the bytes once with a 256-entry class table, collects each
//! ASCII (or full-width) alphanumeric run with its normalised form,
//! dispatches on the run's length and shape, and runs the check algorithm of
//! [`crate::validate`]. Boundaries are alphanumeric (not digit-only), which
//! keeps `13310101132QQT5E8N` (a USCC) from yielding a mobile number.
//! Context keywords (`身份证`, `手机`, `IMEI`, …) are looked up only for
//! candidates that need them, in a window before the value (a prefix-table
//! search with the matches of a leftmost-longest Aho-Corasick automaton); a
//! column name or JSON key acts as context too.
//!
//! The walk goes over 64-byte windows (`Detector::blocks`): SIMD compares
//! (the `wide` crate: SSE2 on x86-64, NEON on aarch64) give the window's
//! byte classes as bit masks, and only the positions where something can
//! start are visited: the first byte of an ASCII alphanumeric run, `--`, a
//! `0xEF` lead byte (full-width forms). CJK text, spaces and punctuation
//! cost nothing beyond the compares. Most runs of logs and prose are
//! decided from the masks without building a token: an ordinary word, a
//! short number, a `12:34:56` time or a `2026-05-13` date cannot start a
//! value, so the scan moves past it (`plain_decide`). A run's classes come
//! from two carry masks per window (adding the lower-case bits to the
//! alphanumeric mask carries into the byte after each run that holds one).
//! A run that may be a value is dispatched with its token built from the
//! masks (`Tok::ascii`), a masked value (`138****8000`) straight from its
//! digits; what the masks cannot answer (full-width characters, runs through
//! the window's end, e-mail spans) goes through one step of the plain byte
//! loop (`Detector::step`), which is also the reference the window loop is
//! tested against: both give the same findings on every input.
//!
//! E-mail addresses are found by a `memchr` pass over `@`; names after a
//! keyword (`姓名`, `联系人`, …) by a small automaton and the surname data;
//! names and addresses without a keyword by a pass over the ideographs
//! (`cjk.rs`: scored surname + given-name candidates closed by what
//! follows; an address grammar from the administrative divisions to the
//! postcode).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem;
use wide::u8x16;

use crate::keys::{KeyScan, NegScan};
use crate::kind::{Finding, Kind, Masked, flags};
use crate::mask::mask_bytes_into;
use crate::simd::{bits, lanes, within};
use crate::validate;

/// Context groups (bit masks) looked up near a candidate or in a field name.
pub mod ctx {
    /// Resident ID context (身份证, ID No.).
    pub const ID: u32 = 1;
    /// Phone context (手机, 电话, mobile, tel).
    pub const PHONE: u32 = 2;
    /// Bank card context (银行卡, 卡号, card).
    pub const CARD: u32 = 4;
    /// USCC context (信用代码, 税号).
    pub const USCC: u32 = 8;
    /// Passport and permit context.
    pub const PASSPORT: u32 = 16;
    /// IMEI context.
    pub const IMEI: u32 = 32;
    /// Coordinates context (经度, lat, lng).
    pub const GPS: u32 = 64;
    /// Name context (姓名, 联系人, name).
    pub const NAME: u32 = 128;
    /// Address context (地址, address).
    pub const ADDRESS: u32 = 256;
    /// Plate context (车牌).
    pub const PLATE: u32 = 512;
    /// Password context (password, 密码).
    pub const PASSWORD: u32 = 1024;
    /// E-mail context.
    pub const EMAIL: u32 = 2048;
    /// A keyword that introduces a name in prose (姓名：, 联系人).
    pub const NAME_INTRO: u32 = 4096;
    /// A field whose name says its values are not personal data (order,
    /// serial and trace numbers, versions): set by [`super::Detector::hint`].
    pub const NOT_PI: u32 = 8192;
}

pub(crate) const KEYWORDS: &[(&str, u32)] = &[
    ("身份证", ctx::ID),
    ("身分證", ctx::ID),
    ("公民身份", ctx::ID),
    ("证件号", ctx::ID | ctx::PASSPORT),
    ("證件號", ctx::ID | ctx::PASSPORT),
    ("idcard", ctx::ID),
    ("id_card", ctx::ID),
    ("id card", ctx::ID),
    ("id no", ctx::ID),
    ("id_no", ctx::ID),
    ("idno", ctx::ID),
    ("id_number", ctx::ID),
    ("sfz", ctx::ID),
    ("居住证", ctx::ID),
    ("手机", ctx::PHONE),
    ("手機", ctx::PHONE),
    ("电话", ctx::PHONE),
    ("電話", ctx::PHONE),
    ("联系方式", ctx::PHONE),
    ("座机", ctx::PHONE),
    ("传真", ctx::PHONE),
    ("mobile", ctx::PHONE),
    ("phone", ctx::PHONE),
    ("tel", ctx::PHONE),
    ("fax", ctx::PHONE),
    ("银行卡", ctx::CARD),
    ("卡号", ctx::CARD),
    ("账号", ctx::CARD),
    ("帳號", ctx::CARD),
    ("开户", ctx::CARD),
    ("账户", ctx::CARD),
    ("帳戶", ctx::CARD),
    ("帐户", ctx::CARD),
    ("信用卡", ctx::CARD),
    ("借记卡", ctx::CARD),
    ("储蓄卡", ctx::CARD),
    ("card", ctx::CARD),
    ("信用代码", ctx::USCC),
    ("税号", ctx::USCC),
    ("uscc", ctx::USCC),
    ("credit_code", ctx::USCC),
    ("护照", ctx::PASSPORT),
    ("護照", ctx::PASSPORT),
    ("passport", ctx::PASSPORT),
    ("通行证", ctx::PASSPORT),
    ("回乡证", ctx::PASSPORT),
    ("台胞证", ctx::PASSPORT),
    ("imei", ctx::IMEI),
    ("meid", ctx::IMEI),
    ("串号", ctx::IMEI),
    ("设备号", ctx::IMEI),
    ("经度", ctx::GPS),
    ("纬度", ctx::GPS),
    ("坐标", ctx::GPS),
    ("lat", ctx::GPS),
    ("lng", ctx::GPS),
    ("lon", ctx::GPS),
    ("姓名", ctx::NAME | ctx::NAME_INTRO),
    ("联系人", ctx::NAME | ctx::NAME_INTRO),
    ("收件人", ctx::NAME | ctx::NAME_INTRO),
    ("收货人", ctx::NAME | ctx::NAME_INTRO),
    ("持卡人", ctx::NAME | ctx::NAME_INTRO),
    ("户名", ctx::NAME | ctx::NAME_INTRO),
    ("name", ctx::NAME),
    ("地址", ctx::ADDRESS),
    ("住址", ctx::ADDRESS),
    ("address", ctx::ADDRESS),
    ("addr", ctx::ADDRESS),
    ("车牌", ctx::PLATE),
    ("plate", ctx::PLATE),
    ("password", ctx::PASSWORD),
    ("passwd", ctx::PASSWORD),
    ("pwd", ctx::PASSWORD),
    ("密码", ctx::PASSWORD),
    ("email", ctx::EMAIL),
    ("邮箱", ctx::EMAIL),
];

/// Keywords right before a number that say it is not personal data
/// (order and trace numbers, versions).
pub(crate) const NEG_KEYS: &[&str] = &[
    "订单",
    "单号",
    "流水",
    "交易号",
    "编号",
    "order",
    "trace",
    "req",
    "txn",
    "request",
    "serial",
    "sn=",
    "sn:",
    "version",
    "release",
    "版本",
    "build",
    "ver ",
    "ver.",
];

/// Characters that end a given name in running text.
const NAME_STOP: &str = "的是在于已和与及等先女手身电住地性年岁男，。、；：,:;（(号证卡您你我他她说了将被从向对把给要会就都也还";

const PLATE_PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领";

const C_NONE: u8 = 0;
const C_DIGIT: u8 = 1;
const C_ALPHA: u8 = 2;
const C_FW: u8 = 3;
const C_DASH: u8 = 4;

const CLASS: [u8; 256] = {
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

/// Options of the detector.
#[derive(Debug, Clone)]
pub struct DetectOptions {
    /// Today's date (year, month, day): birth dates after it are invalid and
    /// ages (minors under 14) are computed against it.
    pub today: (u32, u32, u32),
    /// Detect Chinese names (dictionary + context).
    pub names: bool,
    /// Detect Chinese addresses.
    pub addresses: bool,
    /// Bytes before a candidate searched for context keywords.
    pub context_window: usize,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            today: today_utc(),
            names: true,
            addresses: true,
            context_window: 120,
        }
    }
}

/// Today's civil date in UTC+8 (China Standard Time), from the system clock.
pub fn today_utc() -> (u32, u32, u32) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        + 8 * 3600;
    civil_from_days((secs / 86_400) as i64)
}

/// Convert days since 1970-01-01 to (year, month, day) (H. Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (u32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (y as u32, m as u32, d as u32)
}

/// A field name turned into context (column header, JSON key).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hint(pub u32);

/// The detector: built once, shared by all threads (it is `Sync`).
#[derive(Debug, Clone)]
pub struct Detector {
    opts: DetectOptions,
    keywords: AhoCorasick,
    key_masks: Vec<u32>,
    key_scan: KeyScan,
    neg: NegScan,
    names: AhoCorasick,
    /// The same keywords for a SIMD (Teddy) search, where the CPU has one:
    /// the automaton's byte prefilter stops at most ideographs.
    names_packed: Option<aho_corasick::packed::Searcher>,
    /// Every name-introducing keyword holds a non-ASCII byte: ASCII text
    /// has no name context.
    intro_non_ascii: bool,
    pem_end: memmem::Finder<'static>,
}

#[derive(Clone, Copy)]
struct Tok {
    s: usize,
    e: usize,
    buf: [u8; 64],
    len: usize,
    digits: usize,
    upper: usize,
    lower: usize,
    long: bool,
    fw: bool,
}

impl Tok {
    /// The token of the ASCII alphanumeric run `s..s + len` (`len < 64`,
    /// not followed by a full-width character) with `digits` digits and
    /// `lower` lower-case letters: what [`read_tok`] returns for it.
    #[inline(always)]
    fn ascii(text: &[u8], s: usize, len: usize, digits: usize, lower: usize) -> Tok {
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
    fn v(&self) -> &[u8] {
        &self.buf[..self.len]
    }
    fn all_digits(&self) -> bool {
        !self.long && self.digits == self.len
    }
}

/// Read a full-width alphanumeric char at `i` (3 bytes), as ASCII.
#[inline]
fn fw_at(text: &[u8], i: usize) -> Option<u8> {
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
fn is_alnum_at(text: &[u8], i: usize) -> bool {
    match text.get(i) {
        Some(b) if b.is_ascii_alphanumeric() => true,
        Some(0xEF) => fw_at(text, i).is_some(),
        _ => false,
    }
}

#[inline]
fn digit_at(text: &[u8], i: usize) -> bool {
    match text.get(i) {
        Some(b) if b.is_ascii_digit() => true,
        Some(0xEF) => fw_at(text, i).is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Whether the alphanumeric run ending at `i` (exclusive) could continue: used
/// for left boundaries (a full-width letter before a value).
fn alnum_before(text: &[u8], i: usize) -> bool {
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
fn run_end(
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
fn skip_none(text: &[u8], mut i: usize) -> usize {
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
fn alnum_lanes(w: u64) -> (u64, u64, u64) {
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
fn plain_token_end(text: &[u8], i: usize) -> Option<usize> {
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
fn plain_decide(text: &[u8], i: usize, j: usize, lower: bool, digits: bool) -> Option<usize> {
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
fn read_tok(text: &[u8], start: usize) -> Tok {
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

/// The e-mail spans of a text (sorted, disjoint) and the cursor of the
/// byte loop in them.
struct Mails<'a> {
    spans: &'a [(usize, usize)],
    /// The first span not yet passed.
    k: usize,
    /// The start of span `k` (`usize::MAX` past the last).
    next: usize,
    /// Spans whose finding is pushed.
    pushed: usize,
}

impl Mails<'_> {
    /// Push the findings of spans `pushed..upto`.
    fn push_upto(&mut self, text: &[u8], em: &mut Emit<'_>, upto: usize) {
        while self.pushed < upto {
            let Some(&(s, e)) = self.spans.get(self.pushed) else {
                break;
            };
            self.pushed += 1;
            // local part ≤ 64 bytes, domain < 256: lower-case on the stack
            let mut low = [0u8; 384];
            let v = &text[s..e];
            if v.len() <= low.len() {
                let l = &mut low[..v.len()];
                l.copy_from_slice(v);
                l.make_ascii_lowercase();
                em.push(Kind::Email, s, e, 80, 0, l, 0);
            } else {
                em.push(Kind::Email, s, e, 80, 0, &v.to_ascii_lowercase(), 0);
            }
        }
    }
}

/// Byte classes of a 64-byte window, one bit per byte.
struct Classes {
    /// ASCII letters and digits.
    alnum: u64,
    /// ASCII digits.
    digit: u64,
    /// ASCII lower-case letters.
    lower: u64,
    /// `-`.
    dash: u64,
    /// `0xEF`, the lead byte of full-width forms.
    ef: u64,
}

/// The [`Classes`] of `w` (64 bytes): 16 bytes per SIMD compare.
#[inline(always)]
fn classes(w: &[u8]) -> Classes {
    let mut c = Classes {
        alnum: 0,
        digit: 0,
        lower: 0,
        dash: 0,
        ef: 0,
    };
    for (k, v) in lanes(w) {
        let digit = within(v, b'0', 9);
        let lower = within(v, b'a', 25);
        // an upper-case letter ORed with 0x20 is its lower-case letter, and
        // no other byte becomes one
        let letter = within(v | u8x16::splat(0x20), b'a', 25);
        c.alnum |= bits(digit | letter, k);
        c.digit |= bits(digit, k);
        c.lower |= bits(lower, k);
        c.dash |= bits(v.cmp_eq(u8x16::splat(b'-')), k);
        c.ef |= bits(v.cmp_eq(u8x16::splat(0xEF)), k);
    }
    c
}

/// The tag of person hashes (resident ID bodies) in [`hash64`].
const PERSON_TAG: u64 = 0xff;

/// A 64-bit hash of `v` under `tag` (the kind), for distinct counting only:
/// eight bytes per folded 64×64→128-bit multiply (values are hashed once per
/// finding, so this is on the hot path); the length is part of the seed and
/// the last word overlaps the one before it.
pub(crate) fn hash64(tag: u64, v: &[u8]) -> u64 {
    // the folded multiply of foldhash/wyhash: every input bit reaches every
    // output bit
    fn mix(x: u64, k: u64) -> u64 {
        let m = u128::from(x) * u128::from(k);
        (m as u64) ^ ((m >> 64) as u64)
    }
    const K1: u64 = 0x243f_6a88_85a3_08d3;
    const K2: u64 = 0x9e37_79b9_7f4a_7c15;
    let n = v.len();
    let mut h = mix(0x1319_8a2e_0370_7344 ^ tag ^ ((n as u64) << 32), K2);
    let mut i = 0;
    while let Some(w) = word_at(v, i) {
        h = mix(h ^ w, K1);
        i += 8;
    }
    if i < n {
        let t = match word_at(v, n.saturating_sub(8)) {
            Some(w) => w,
            None => v.iter().rev().fold(0u64, |a, &b| (a << 8) | u64::from(b)),
        };
        h = mix(h ^ t, K1);
    }
    mix(h, K2)
}

fn cjk_at(text: &[u8], i: usize) -> Option<char> {
    let b = *text.get(i)?;
    if !(0xE4..=0xE9).contains(&b) || i + 3 > text.len() {
        return None;
    }
    let (b1, b2) = (text[i + 1], text[i + 2]);
    if b1 & 0xC0 != 0x80 || b2 & 0xC0 != 0x80 {
        return None;
    }
    // E4–E9 lead bytes: U+4000–U+9FFF, no overlong or surrogate forms
    char::from_u32((u32::from(b & 0x0F) << 12) | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F))
}

fn cjk_before(text: &[u8], i: usize) -> Option<char> {
    if i < 3 {
        return None;
    }
    cjk_at(text, i - 3)
}

struct Emit<'a> {
    out: &'a mut Vec<Finding>,
    /// Where this call's findings start in `out` (earlier ones belong to
    /// other text).
    first: usize,
    /// (end offset, context mask) of every keyword in the text.
    /// Keyword matches found so far and how far the text has been searched
    /// (searched lazily: only the windows before candidates, unless names
    /// need the whole text).
    kw: std::cell::RefCell<(Vec<(u32, u32)>, usize)>,
}

impl Emit<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(&mut self, kind: Kind, s: usize, e: usize, conf: u8, fl: u8, norm: &[u8], person: u64) {
        self.out.push(Finding {
            kind,
            start: s as u64,
            end: e as u64,
            confidence: conf,
            flags: fl,
            hash: hash64(kind as u64, norm),
            person,
            masked: Masked::EMPTY,
        });
        // the mask written in place, in the finding
        if let Some(f) = self.out.last_mut() {
            mask_bytes_into(kind, norm, &mut f.masked);
        }
    }
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new(DetectOptions::default())
    }
}

impl Detector {
    /// Build a detector (compiles two small keyword automata and keyword tables).
    pub fn new(opts: DetectOptions) -> Detector {
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            // start bytes (E4–E9 lead bytes, common ASCII letters) are too
            // frequent for a prefilter to pay off
            .prefilter(false)
            .build(KEYWORDS.iter().map(|k| k.0))
            .unwrap_or_else(|_| AhoCorasick::new(["\u{0}"]).expect("trivial automaton"));
        let neg = NegScan::new(NEG_KEYS);
        let intro: Vec<&str> = KEYWORDS
            .iter()
            .filter(|k| k.1 & ctx::NAME_INTRO != 0)
            .map(|k| k.0)
            .collect();
        let intro_non_ascii = intro.iter().all(|k| !k.is_ascii());
        let names_packed = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostLongest)
            .only_teddy(true)
            .builder()
            .extend(&intro)
            .build();
        let names = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(intro)
            .unwrap_or_else(|_| AhoCorasick::new(["\u{0}"]).expect("trivial automaton"));
        Detector {
            names,
            names_packed,
            intro_non_ascii,
            neg,
            opts,
            keywords,
            key_masks: KEYWORDS.iter().map(|k| k.1).collect(),
            key_scan: KeyScan::new(KEYWORDS),
            pem_end: memmem::Finder::new(b"-----END ").into_owned(),
        }
    }

    /// The options this detector was built with.
    pub fn options(&self) -> &DetectOptions {
        &self.opts
    }

    /// Context carried by a field name (CSV header, JSON key, SQL column).
    pub fn hint(&self, field: &str) -> Hint {
        let mut m = self.context_mask(field.as_bytes());
        if self.neg.is_match(field.as_bytes()) {
            m |= ctx::NOT_PI;
        }
        Hint(m)
    }

    fn context_mask(&self, hay: &[u8]) -> u32 {
        let mut m = 0;
        for mat in self.keywords.find_iter(hay) {
            m |= self.key_masks[mat.pattern().as_usize()];
        }
        m
    }

    /// Search keywords up to `s` (each byte at most once, from at most one
    /// window before `s`).
    fn kw_upto(&self, text: &[u8], s: usize, em: &Emit<'_>) {
        let mut st = em.kw.borrow_mut();
        let (list, done) = &mut *st;
        if *done >= s {
            return;
        }
        let lo = s.saturating_sub(self.opts.context_window);
        // back up by the longest keyword so none is cut at the seam, unless
        // no keyword can hold the byte at the seam (a digit: candidates
        // start there), so none straddles it
        let from = if *done >= lo && !self.key_scan.in_key[usize::from(text[*done])] {
            *done
        } else {
            (*done).max(lo).saturating_sub(16)
        };
        let seam = *done;
        // only the tail of the list is read again (windows move forward)
        if list.len() >= 4096 {
            let cut = s.saturating_sub(2 * self.opts.context_window + 64);
            let k = list.partition_point(|&(e, _)| (e as usize) < cut);
            list.drain(..k);
        }
        self.key_scan.find(text, from, s, |end, mask| {
            if end > seam {
                list.push((end as u32, mask));
            }
        });
        *done = s;
    }

    /// Context keywords in the window before `s` plus the field hint.
    fn ctx_before(&self, text: &[u8], s: usize, hint: Hint, em: &Emit<'_>) -> u32 {
        self.ctx_since(
            text,
            s,
            s.saturating_sub(self.opts.context_window),
            hint,
            em,
        )
    }

    /// [`Detector::ctx_before`] within the line of `s` (a keyword on the
    /// line before says nothing about a number on this one).
    fn ctx_line(&self, text: &[u8], s: usize, hint: Hint, em: &Emit<'_>) -> u32 {
        let lo = s.saturating_sub(self.opts.context_window);
        let lo = memchr::memrchr(b'\n', &text[lo..s]).map_or(lo, |p| lo + p + 1);
        self.ctx_since(text, s, lo, hint, em)
    }

    /// Context keywords ending in `lo..=s` plus the field hint.
    fn ctx_since(&self, text: &[u8], s: usize, lo: usize, hint: Hint, em: &Emit<'_>) -> u32 {
        self.kw_upto(text, s, em);
        let st = em.kw.borrow();
        let kw = &st.0;
        // the list is sorted by end and the window is at its tail: walk back
        let mut m = hint.0;
        for &(e, mask) in kw.iter().rev() {
            let e = e as usize;
            if e < lo {
                break;
            }
            if e <= s {
                m |= mask;
            }
        }
        m
    }

    /// The context of the keyword nearest before `s` in the window (the
    /// last one [`Detector::ctx_before`] saw; call that first), 0 if none.
    fn nearest_ctx(&self, s: usize, em: &Emit<'_>) -> u32 {
        let st = em.kw.borrow();
        let lo = s.saturating_sub(self.opts.context_window);
        st.0.iter()
            .rev()
            .map(|&(e, mask)| (e as usize, mask))
            .take_while(|&(e, _)| e >= lo)
            .find(|&(e, _)| e <= s)
            .map_or(0, |(_, mask)| mask)
    }

    /// A card number without a card keyword at `s` (not UnionPay): the
    /// field has no context of its own, and the number sits in Chinese
    /// text (`向张三名下4…转入`), not after a key (`号`, `：`, `码`) nor in
    /// ASCII text (logs, where 16-digit ids abound) or alone.
    fn bare_card_ok(&self, text: &[u8], s: usize, hint: Hint) -> bool {
        if hint.0 != 0 {
            return false;
        }
        let mut j = s;
        while j > 0 && text[j - 1] == b' ' {
            j -= 1;
        }
        if j == 0 || text[j - 1].is_ascii() {
            return false;
        }
        let before = &text[..j];
        cjk_before(text, j).is_some()
            && !["号", "码", "：", "＃", "为", "是"]
                .iter()
                .any(|k| before.ends_with(k.as_bytes()))
    }

    /// A negative keyword (order number, version) in the 16 bytes before `s`.
    fn neg_before(&self, text: &[u8], s: usize) -> bool {
        self.neg.is_match(&text[s.saturating_sub(16)..s])
    }

    fn minor(&self, (y, m, d): validate::Birth) -> bool {
        let (ty, tm, td) = self.opts.today;
        // 14th birthday not yet reached
        (y + 14, m, d) > (ty, tm, td)
    }

    /// Scan UTF-8 text (invalid sequences are skipped) and append findings
    /// with offsets relative to `text`. Findings come out sorted by start.
    pub fn scan(&self, text: &[u8], hint: Hint, out: &mut Vec<Finding>) {
        self.scan_with(text, hint, out, true);
    }

    /// [`Detector::scan`] without its window loop: the plain byte loop,
    /// one position at a time. It finds exactly what `scan` finds, more
    /// slowly; it exists as the reference for tests and fuzzing.
    #[doc(hidden)]
    pub fn scan_reference(&self, text: &[u8], hint: Hint, out: &mut Vec<Finding>) {
        self.scan_with(text, hint, out, false);
    }

    /// [`Detector::scan`]; `windows` false runs the byte loop alone
    /// ([`Detector::step`] from 0), the reference the window loop is
    /// tested against.
    fn scan_with(&self, text: &[u8], hint: Hint, out: &mut Vec<Finding>, windows: bool) {
        let first = out.len();
        let mut em = Emit {
            out,
            first,
            kw: std::cell::RefCell::new((Vec::new(), 0)),
        };
        // e-mail spans first: tokens inside them are skipped; each is
        // pushed when the loops reach it, so the findings come out in order
        let mut emails: Vec<(usize, usize)> = Vec::new();
        for at in memchr::memchr_iter(b'@', text) {
            if let Some((s, e)) = email_at(text, at)
                && emails.last().is_none_or(|l| l.1 <= s)
            {
                emails.push((s, e));
            }
        }
        let mut mails = Mails {
            spans: &emails,
            k: 0,
            next: emails.first().map_or(usize::MAX, |e| e.0),
            pushed: 0,
        };
        let mut i = if windows {
            self.blocks(text, hint, &mut em, &mut mails)
        } else {
            0
        };
        while i < text.len() {
            i = self.step(text, i, hint, &mut em, &mut mails);
        }
        // e-mails no step reached (inside a longer token)
        mails.push_upto(text, &mut em, emails.len());
        // names and addresses are Chinese: no need to look in ASCII text
        // (most CSV cells and JSON values)
        if (self.opts.names || self.opts.addresses) && !text.is_ascii() {
            if self.opts.names && !(self.intro_non_ascii && text.is_ascii()) {
                self.names(text, hint, &mut em);
            }
            self.cjk(text, &mut em);
        }
        if hint.0 & ctx::NAME != 0 && self.opts.names {
            self.name_cell(text, &mut em);
        }
        if hint.0 & ctx::PASSWORD != 0 {
            let v = trim_ws(text);
            if v.1 > v.0 {
                em.push(
                    Kind::Password,
                    v.0,
                    v.1,
                    80,
                    flags::CONTEXT,
                    &text[v.0..v.1],
                    0,
                );
            }
        }
        sort_findings(em.out, first);
    }

    /// One step of the byte loop at `i` (any byte not consumed by an earlier
    /// step): skip it, or read the token or key block starting there and
    /// dispatch it. Returns the next position.
    #[inline(always)]
    fn step(
        &self,
        text: &[u8],
        i: usize,
        hint: Hint,
        em: &mut Emit<'_>,
        mails: &mut Mails<'_>,
    ) -> usize {
        let c = CLASS[text[i] as usize];
        if c == C_NONE {
            return if text[i] >= 0x80 {
                skip_none(text, i + 1)
            } else {
                i + 1
            };
        }
        if c == C_DASH {
            return self.dash(text, i, em);
        }
        if c == C_FW && fw_at(text, i).is_none() {
            return i + 3;
        }
        if i >= mails.next {
            // tokens inside e-mail addresses are skipped
            while mails.k < mails.spans.len() && mails.spans[mails.k].1 <= i {
                mails.k += 1;
            }
            mails.next = mails.spans.get(mails.k).map_or(usize::MAX, |e| e.0);
            if mails.next <= i {
                mails.push_upto(text, em, mails.k + 1);
                return mails.spans[mails.k].1;
            }
            mails.push_upto(text, em, mails.k);
        }
        if let Some(e) = plain_token_end(text, i) {
            return e;
        }
        let t = read_tok(text, i);
        self.dispatch(text, &t, hint, em).max(t.e)
    }

    /// The byte loop over 64-byte windows: the byte classes of a window come
    /// from SIMD compares as bit masks, the positions where [`Detector::step`]
    /// could do anything (a run's first byte, `--`, a `0xEF` lead byte) are
    /// visited in order, and the ordinary ones are decided from the masks:
    /// a plain word or number ([`plain_decide`] on the run's end and classes
    /// from the masks), a dash not starting `-----BEGIN `, a full-width
    /// punctuation mark. A run inside the window that may be a value is
    /// dispatched from the masks too ([`Detector::masked`],
    /// [`Detector::dispatch_ascii`]). Anything else goes to
    /// [`Detector::step`], and the next window starts where it stopped. The
    /// last window is the text's last 64 bytes, whatever of them the
    /// windows before covered masked off. The result equals running `step`
    /// from 0 (a test compares the two). Returns where the windows stopped:
    /// the end of a text of 64 bytes or more, 0 for a shorter one.
    fn blocks(&self, text: &[u8], hint: Hint, em: &mut Emit<'_>, mails: &mut Mails<'_>) -> usize {
        let mut i = 0;
        'window: loop {
            // the window at `i`; past the last whole one, the text's last 64
            // bytes with the positions before `i` cleared, so a short tail
            // (a CSV cell's or a JSON value's end) does not go through the
            // byte loop
            let (base, w) = match text.get(i..i + 64) {
                Some(w) => (i, w),
                None if i < text.len() && text.len() >= 64 => {
                    (text.len() - 64, &text[text.len() - 64..])
                }
                None => break,
            };
            // a window ending where the text ends: a run reaching its end is
            // not continued in a next window
            let last = base + 64 == text.len();
            let mut m = classes(w);
            let off = i - base;
            if off > 0 {
                let keep = !0u64 << off;
                m.alnum &= keep;
                m.digit &= keep;
                m.lower &= keep;
                m.dash &= keep;
                m.ef &= keep;
            }
            let starts = m.alnum & !(m.alnum << 1);
            // the byte after each run that holds a lower-case letter, and
            // after each that holds a letter: adding a bit inside a run of
            // ones carries to the byte after it (runs reaching the window's
            // end are not decided here)
            let low_end = m.alnum.wrapping_add(m.lower) & !m.alnum;
            let letter_end = m.alnum.wrapping_add(m.alnum & !m.digit) & !m.alnum;
            let mut cand = starts | (m.dash & ((m.dash >> 1) | 1 << 63)) | m.ef;
            while cand != 0 {
                let p = cand.trailing_zeros() as usize;
                cand &= cand - 1;
                let q = base + p;
                let r = if m.alnum >> p & 1 != 0 {
                    // a run: its length from the mask (the bits above the
                    // window are zero, so a run reaching its end is cut)
                    let len = (!(m.alnum >> p)).trailing_zeros() as usize;
                    let e = p + len;
                    if e < 64 && q < mails.next {
                        let lower = low_end >> e & 1 != 0;
                        let digits = letter_end >> e & 1 == 0;
                        match plain_decide(text, q, q + len, lower, digits) {
                            Some(e) if e == q + len => continue,
                            Some(e) => e,
                            // digits before `*` (not after `3.`): a masked
                            // value, as `dispatch` would find it
                            None if digits
                                && w[e] == b'*'
                                && !(q >= 2
                                    && text[q - 1] == b'.'
                                    && text[q - 2].is_ascii_digit()) =>
                            {
                                self.masked(text, q, q + len, &text[q..q + len], em)
                            }
                            // the token is the run (no full-width character
                            // follows): its counts from the masks
                            None if w[e] != 0xEF => {
                                let run = ((1u64 << len) - 1) << p;
                                self.dispatch_ascii(
                                    text,
                                    q,
                                    len,
                                    (m.digit & run).count_ones() as usize,
                                    (m.lower & run).count_ones() as usize,
                                    hint,
                                    em,
                                )
                            }
                            None => {
                                let t = read_tok(text, q);
                                self.dispatch(text, &t, hint, em).max(t.e)
                            }
                        }
                    } else if p > off && !last && q < mails.next {
                        // a run through the window's end: the next window
                        // starts with it
                        i = q;
                        continue 'window;
                    } else {
                        self.step(text, q, hint, em, mails)
                    }
                } else if w[p] == b'-' {
                    if !text[q..].starts_with(b"-----BEGIN ") {
                        continue;
                    }
                    self.dash(text, q, em)
                } else if fw_at(text, q).is_none()
                    && text.get(q + 1..q + 3).is_some_and(|c| {
                        // `step` skips three bytes: nothing to skip but
                        // continuation bytes
                        c.iter().all(|&b| (0x80..0xC0).contains(&b))
                    })
                {
                    continue;
                } else {
                    self.step(text, q, hint, em, mails)
                };
                // go on in this window when `r` is where the masks say a
                // step would look next: not inside a run
                let at = r - base;
                if at < 64 {
                    let bit = 1u64 << at;
                    if m.alnum & bit == 0 || starts & bit != 0 {
                        cand &= !(bit - 1);
                        continue;
                    }
                }
                i = r;
                continue 'window;
            }
            i = base + 64;
        }
        i
    }

    /// `-----BEGIN … PRIVATE KEY-----` blocks.
    fn dash(&self, text: &[u8], i: usize, em: &mut Emit<'_>) -> usize {
        if !text[i..].starts_with(b"-----BEGIN ") {
            return i + 1;
        }
        let hdr_end = (i + 80).min(text.len());
        let Some(p) = memmem::find(&text[i + 11..hdr_end], b"PRIVATE KEY-----") else {
            return i + 11;
        };
        let after_hdr = i + 11 + p + 16;
        let lim = (after_hdr + 16 * 1024).min(text.len());
        let end = match self.pem_end.find(&text[after_hdr..lim]) {
            Some(q) => {
                let e0 = after_hdr + q + 9;
                match memmem::find(&text[e0..lim], b"-----") {
                    Some(r) => e0 + r + 5,
                    None => lim,
                }
            }
            None => after_hdr,
        };
        em.push(Kind::PrivateKey, i, end, 95, 0, &text[i..end], 0);
        end
    }

    /// [`Detector::dispatch`] of the token [`Tok::ascii`] builds; kept out
    /// of the window loop (its registers stay on the loop).
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn dispatch_ascii(
        &self,
        text: &[u8],
        s: usize,
        len: usize,
        digits: usize,
        lower: usize,
        hint: Hint,
        em: &mut Emit<'_>,
    ) -> usize {
        let t = Tok::ascii(text, s, len, digits, lower);
        self.dispatch(text, &t, hint, em).max(t.e)
    }

    fn dispatch(&self, text: &[u8], t: &Tok, hint: Hint, em: &mut Emit<'_>) -> usize {
        let next = text.get(t.e).copied().unwrap_or(0);
        // part of a dotted number (3.14159…): skip
        if t.s >= 2 && text[t.s - 1] == b'.' && text[t.s - 2].is_ascii_digit() {
            return t.e;
        }
        if t.long {
            return t.e;
        }
        let v = t.v();
        if t.all_digits() {
            if next == b'.' && t.len <= 3 && digit_at(text, t.e + 1) {
                if let Some(e) = self.ipv4(text, t.s, em) {
                    return e;
                }
                if let Some(e) = self.gps(text, t, hint, em) {
                    return e;
                }
                // skip the rest of the dotted number
                let mut j = t.e;
                while j < text.len() && (text[j] == b'.' || text[j].is_ascii_digit()) {
                    j += 1;
                }
                return j;
            }
            if (next == b':' || next == b'-')
                && t.len == 2
                && !t.fw
                && let Some(e) = self.mac(text, t.s, em)
            {
                return e;
            }
            if next == b':'
                && t.len <= 4
                && !t.fw
                && let Some(e) = self.ipv6(text, t.s, em)
            {
                return e;
            }
            if next == b'*' {
                return self.masked(text, t.s, t.e, t.v(), em);
            }
            if (next == b' ' || next == b'-')
                && digit_at(text, t.e + 1)
                && let Some(e) = self.grouped(text, t, hint, em)
            {
                return e;
            }
            self.digits(text, t, v, t.s, t.e, hint, em);
            return t.e;
        }
        // 17 digits + X
        if t.len == 18 && t.digits == 17 && (v[17] == b'X' || v[17] == b'x') {
            self.digits(text, t, v, t.s, t.e, hint, em);
            return t.e;
        }
        if t.len == 18 && t.lower == 0 && validate::uscc(v) {
            let c = self.ctx_before(text, t.s, hint, em);
            let fl = if v.starts_with(b"92") {
                flags::INDIVIDUAL
            } else {
                0
            };
            let conf = if c & ctx::USCC != 0 { 90 } else { 80 };
            em.push(Kind::CnUscc, t.s, t.e, conf, fl, v, 0);
            return t.e;
        }
        // a word with a lower-case letter can only be a secret, a MAC or an
        // IPv6 group, and only before `_`, `-`, `:` or as a password key:
        // skip the checks below for ordinary words
        if t.lower > 0
            && !matches!(next, b'_' | b'-' | b':')
            && !v.starts_with(b"AIza")
            && !is_password_key(v)
        {
            return t.e;
        }
        if let Some(e) = self.secret(text, t, em) {
            return e;
        }
        if (next == b':' || next == b'-')
            && !t.fw
            && t.len == 2
            && t.digits + t.upper + t.lower == 2
            && let Some(e) = self.mac(text, t.s, em)
        {
            return e;
        }
        if next == b':'
            && t.len <= 4
            && !t.fw
            && v.iter().all(u8::is_ascii_hexdigit)
            && let Some(e) = self.ipv6(text, t.s, em)
        {
            return e;
        }
        if t.lower == 0 && t.upper >= 1 {
            if let Some(e) = self.plate(text, t, hint, em) {
                return e;
            }
            if let Some(doc) = validate::passport_shape(v) {
                let c = self.ctx_before(text, t.s, hint, em);
                if c & ctx::PASSPORT != 0 {
                    let kind = if doc == "passport" {
                        Kind::Passport
                    } else {
                        Kind::TravelPermit
                    };
                    em.push(kind, t.s, t.e, 75, flags::CONTEXT, v, 0);
                }
            }
        }
        t.e
    }

    /// A run of digits (possibly a trailing X), span `s..e`.
    #[allow(clippy::too_many_arguments)]
    fn digits(
        &self,
        text: &[u8],
        t: &Tok,
        v: &[u8],
        s: usize,
        e: usize,
        hint: Hint,
        em: &mut Emit<'_>,
    ) {
        let plus = s > 0 && text[s - 1] == b'+';
        match v.len() {
            18 => {
                if let Some(b) = validate::cn_id18(v, self.opts.today.0) {
                    let c = self.ctx_before(text, s, hint, em);
                    let mut fl = if c & ctx::ID != 0 { flags::CONTEXT } else { 0 };
                    if self.minor(b) {
                        fl |= flags::MINOR;
                    }
                    let conf = if fl & flags::CONTEXT != 0 { 85 } else { 75 };
                    let mut up = [0u8; 18];
                    up.copy_from_slice(v);
                    up[17] = up[17].to_ascii_uppercase();
                    em.push(
                        Kind::CnId,
                        s,
                        e,
                        conf,
                        fl,
                        &up,
                        hash64(PERSON_TAG, &up[..17]),
                    );
                    return;
                }
                if !v.iter().all(u8::is_ascii_digit) {
                    if validate::uscc(v) {
                        let fl = if v.starts_with(b"92") {
                            flags::INDIVIDUAL
                        } else {
                            0
                        };
                        em.push(Kind::CnUscc, s, e, 80, fl, v, 0);
                    }
                    return;
                }
                if self.neg_before(text, s) {
                    return;
                }
                let c = self.ctx_before(text, s, hint, em);
                // digits right after an ID keyword (the nearest keyword,
                // and no USCC field name): an ID with a wrong check digit,
                // not a USCC that happens to pass its check (1 in 31 do)
                let id_only = hint.0 & ctx::USCC == 0
                    && c & ctx::ID != 0
                    && (self.nearest_ctx(s, em) | hint.0) & (ctx::ID | ctx::USCC) == ctx::ID;
                if validate::uscc(v)
                    && !id_only
                    && validate::id_province_ok(v[2], v[3])
                    && (matches!(v[0], b'1' | b'5' | b'9')
                        && matches!(v[1], b'1' | b'2' | b'3' | b'9')
                        || c & ctx::USCC != 0)
                {
                    let fl = if v.starts_with(b"92") {
                        flags::INDIVIDUAL
                    } else {
                        0
                    };
                    let conf = if c & ctx::USCC != 0 { 85 } else { 60 };
                    em.push(Kind::CnUscc, s, e, conf, fl, v, 0);
                    return;
                }
                if c & ctx::CARD != 0 && validate::luhn(v) && validate::card_bin(v).is_some() {
                    em.push(Kind::BankCard, s, e, 75, flags::CONTEXT, v, 0);
                }
            }
            16 | 19 => {
                if validate::luhn(v)
                    && let Some(bin) = validate::card_bin(v)
                    && !self.neg_before(text, s)
                {
                    let c = self.ctx_line(text, s, hint, em);
                    let has = c & ctx::CARD != 0;
                    // Without a card keyword, UnionPay (62…) numbers are
                    // reported; other schemes' only where nothing says the
                    // number is something else: 16-digit ids starting with
                    // 4 or 5 pass Luhn one time in ten, and those come after
                    // a key (`id=`, `编号：`, `构建号 `) or in a named field
                    if bin != "unionpay" && !has && !self.bare_card_ok(text, s, hint) {
                        return;
                    }
                    let conf = if has { 85 } else { 75 };
                    em.push(
                        Kind::BankCard,
                        s,
                        e,
                        conf,
                        if has { flags::CONTEXT } else { 0 },
                        v,
                        0,
                    );
                }
            }
            17 => {
                let c = self.ctx_before(text, s, hint, em);
                if c & ctx::CARD != 0 && validate::luhn(v) && validate::card_bin(v).is_some() {
                    em.push(Kind::BankCard, s, e, 75, flags::CONTEXT, v, 0);
                }
            }
            15 => {
                if v.starts_with(b"0086") && validate::mobile_prefix(&v[4..]) > 0 {
                    em.push(Kind::CnMobile, s, e, 85, 0, &v[4..], 0);
                    return;
                }
                let c = self.ctx_before(text, s, hint, em);
                if c & ctx::IMEI != 0 && validate::luhn(v) {
                    em.push(Kind::Imei, s, e, 85, flags::CONTEXT, v, 0);
                } else if c & ctx::ID != 0
                    && let Some(b) = validate::cn_id15(v)
                {
                    let mut fl = flags::CONTEXT | flags::LEGACY;
                    if self.minor(b) {
                        fl |= flags::MINOR;
                    }
                    let mut p = [0u8; 17];
                    p[..6].copy_from_slice(&v[..6]);
                    p[6..8].copy_from_slice(b"19");
                    p[8..].copy_from_slice(&v[6..]);
                    em.push(Kind::CnId, s, e, 70, fl, v, hash64(PERSON_TAG, &p));
                } else if c & ctx::CARD != 0 && validate::luhn(v) && validate::card_bin(v).is_some()
                {
                    em.push(Kind::BankCard, s, e, 75, flags::CONTEXT, v, 0);
                }
            }
            13 if v.starts_with(b"86") && validate::mobile_prefix(&v[2..]) > 0 => {
                let conf = if plus { 85 } else { 60 };
                let s2 = if plus { s - 1 } else { s };
                em.push(Kind::CnMobile, s2, e, conf, 0, &v[2..], 0);
            }
            11 if v[0] == b'1' => {
                let p = validate::mobile_prefix(v);
                if p > 0 {
                    let c = self.ctx_before(text, s, hint, em);
                    let has = c & ctx::PHONE != 0;
                    let conf = match (p, has) {
                        (_, true) => 90,
                        (2, false) => 75,
                        _ => 55,
                    };
                    em.push(
                        Kind::CnMobile,
                        s,
                        e,
                        conf,
                        if has { flags::CONTEXT } else { 0 },
                        v,
                        0,
                    );
                }
            }
            11 | 12 if v[0] == b'0' => {
                let c = self.ctx_before(text, s, hint, em);
                if c & ctx::PHONE != 0 && landline_split(v).is_some() {
                    em.push(Kind::Landline, s, e, 70, flags::CONTEXT, v, 0);
                }
            }
            9 if v.starts_with(b"14") || v.starts_with(b"15") => {
                let c = self.ctx_before(text, s, hint, em);
                if c & ctx::PASSPORT != 0 {
                    em.push(Kind::Passport, s, e, 65, flags::CONTEXT, v, 0);
                }
            }
            _ => {}
        }
        let _ = t;
    }

    /// Digit groups joined by single spaces or hyphens: `138 0013 8000`,
    /// `+86-138-0013-8000`, `6222 0212 3456 7890 123`, `110105 19491231 002X`,
    /// `010-12345678`.
    fn grouped(&self, text: &[u8], t: &Tok, hint: Hint, em: &mut Emit<'_>) -> Option<usize> {
        // group lengths and ends; the groups' characters joined (no heap)
        let mut lens = [0usize; 6];
        let mut ends = [0usize; 6];
        let mut joined = [0u8; 64];
        lens[0] = t.len;
        ends[0] = t.e;
        joined[..t.len].copy_from_slice(t.v());
        let mut ng = 1;
        let mut jl = t.len;
        let mut overflow = false;
        let mut j = t.e;
        let sep = text[j];
        while ng < 6 && j < text.len() && text[j] == sep && digit_at(text, j + 1) {
            let g = read_tok(text, j + 1);
            if g.long
                || g.digits + usize::from(g.len == 4 && matches!(g.buf[3], b'X' | b'x')) != g.len
            {
                break;
            }
            j = g.e;
            lens[ng] = g.len;
            ends[ng] = g.e;
            ng += 1;
            if jl + g.len > 64 {
                overflow = true;
            } else {
                joined[jl..jl + g.len].copy_from_slice(g.v());
                jl += g.len;
            }
            if g.digits != g.len {
                break;
            }
        }
        if ng < 2 || overflow {
            return None;
        }
        let lens = &lens[..ng];
        let all = &joined[..jl];
        let s = t.s;
        let plus = s > 0 && text[s - 1] == b'+';
        // try the longest prefix of groups that forms a known shape
        for k in (2..=ng).rev() {
            let lens_k = &lens[..k];
            let e = ends[k - 1];
            let n: usize = lens_k.iter().sum();
            let val = &all[..n];
            // the value must end at an alphanumeric boundary
            if is_alnum_at(text, e) {
                continue;
            }
            match lens_k {
                [3, 4, 4] if validate::mobile_prefix(val) > 0 => {
                    let c = self.ctx_before(text, s, hint, em);
                    let conf = if c & ctx::PHONE != 0 { 90 } else { 80 };
                    em.push(Kind::CnMobile, s, e, conf, 0, val, 0);
                    return Some(e);
                }
                [2, 3, 4, 4] | [2, 11]
                    if val.starts_with(b"86") && validate::mobile_prefix(&val[2..]) > 0 =>
                {
                    let s2 = if plus { s - 1 } else { s };
                    em.push(Kind::CnMobile, s2, e, 85, 0, &val[2..], 0);
                    return Some(e);
                }
                [4, 3, 4, 4] | [4, 11]
                    if val.starts_with(b"0086") && validate::mobile_prefix(&val[4..]) > 0 =>
                {
                    em.push(Kind::CnMobile, s, e, 85, 0, &val[4..], 0);
                    return Some(e);
                }
                [4, 4, 4, 4]
                | [4, 4, 4, 4, 3]
                | [4, 4, 4, 4, 2]
                | [4, 4, 4, 4, 1]
                | [6, 13]
                | [6, 10]
                    if validate::luhn(val) && validate::card_bin(val).is_some() =>
                {
                    let c = self.ctx_before(text, s, hint, em);
                    let conf = if c & ctx::CARD != 0 { 90 } else { 80 };
                    em.push(Kind::BankCard, s, e, conf, 0, val, 0);
                    return Some(e);
                }
                [6, 8, 4] | [6, 4, 4, 4] | [3, 3, 4, 4, 4] => {
                    if let Some(b) = validate::cn_id18(val, self.opts.today.0) {
                        let mut fl = 0;
                        if self.minor(b) {
                            fl |= flags::MINOR;
                        }
                        let mut up = [0u8; 18];
                        up.copy_from_slice(val);
                        up[17] = up[17].to_ascii_uppercase();
                        em.push(Kind::CnId, s, e, 80, fl, &up, hash64(PERSON_TAG, &up[..17]));
                        return Some(e);
                    }
                }
                [3 | 4, 7 | 8] | [3 | 4, 7 | 8, 1..=6] if sep == b'-' || k == 2 => {
                    let area_ok = val[0] == b'0'
                        && ((lens_k[0] == 3 && (val[1] == b'1' || val[1] == b'2'))
                            || (lens_k[0] == 4 && val[1] >= b'3'));
                    let local = &all[lens_k[0]..];
                    if area_ok && local[0] >= b'2' {
                        let c = self.ctx_before(text, s, hint, em);
                        let has = c & ctx::PHONE != 0;
                        let conf = if has { 85 } else { 65 };
                        let end = lens_k[0] + lens_k[1];
                        em.push(
                            Kind::Landline,
                            s,
                            e,
                            conf,
                            if has { flags::CONTEXT } else { 0 },
                            &all[..end],
                            0,
                        );
                        return Some(e);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// A masked value (`138****8000`, `110105********002X`): the digits
    /// `v` (normalised, at `s..e`) are followed by `*`. Returns where the
    /// scan goes on.
    fn masked(&self, text: &[u8], s: usize, e: usize, v: &[u8], em: &mut Emit<'_>) -> usize {
        let j = run_end(
            text,
            e,
            |w| zero_lanes(w ^ (u64::from(b'*') * ONES)),
            |b| b == b'*',
        );
        let stars = j - e;
        // the tail: an ASCII run read in place, or a token with full-width
        // characters
        let k = run_end(text, j, |w| alnum_lanes(w).0, |b| b.is_ascii_alphanumeric());
        let wide;
        let (tail, end, long): (&[u8], usize, bool) = if text.get(k) != Some(&0xEF) {
            (&text[j..k], k, k - j > 64)
        } else if k == j && fw_at(text, j).is_none() {
            (&[], j, false)
        } else {
            wide = read_tok(text, j);
            (wide.v(), wide.e, wide.long)
        };
        if is_alnum_at(text, end) || stars < 2 {
            return end;
        }
        let q = tail.len();
        let tail_ok = !long
            && tail
                .iter()
                .enumerate()
                .all(|(k, c)| c.is_ascii_digit() || (k + 1 == q && (*c == b'X' || *c == b'x')));
        if !tail_ok {
            return end;
        }
        let p = v.len();
        let total = p + stars + q;
        let kind = if total == 18 && (p < 2 || validate::id_province_ok(v[0], v[1])) && v[0] != b'0'
        {
            Some(Kind::CnId)
        } else if total == 11 && v[0] == b'1' && (p < 2 || (b'3'..=b'9').contains(&v[1])) {
            Some(Kind::CnMobile)
        } else if (16..=19).contains(&total) && p >= 4 && q >= 4 {
            Some(Kind::BankCard)
        } else {
            None
        };
        if let Some(kd) = kind {
            // the value as written, when the digits before the stars and
            // the tail are the text's own bytes (no full-width digits)
            if std::ptr::eq(v.as_ptr(), text[s..].as_ptr())
                && v.len() == e - s
                && std::ptr::eq(tail.as_ptr(), text[j..].as_ptr())
                && end - s == total
            {
                em.push(kd, s, end, 70, flags::DEIDENTIFIED, &text[s..end], 0);
                return end;
            }
            // total is at most 19 here
            let mut norm = [b'*'; 19];
            norm[..p].copy_from_slice(v);
            norm[p + stars..total].copy_from_slice(tail);
            em.push(kd, s, end, 70, flags::DEIDENTIFIED, &norm[..total], 0);
        }
        end
    }

    fn ipv4(&self, text: &[u8], s: usize, em: &mut Emit<'_>) -> Option<usize> {
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

    fn gps(&self, text: &[u8], t: &Tok, hint: Hint, em: &mut Emit<'_>) -> Option<usize> {
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

    fn mac(&self, text: &[u8], s: usize, em: &mut Emit<'_>) -> Option<usize> {
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

    fn ipv6(&self, text: &[u8], s: usize, em: &mut Emit<'_>) -> Option<usize> {
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

    fn plate(&self, text: &[u8], t: &Tok, hint: Hint, em: &mut Emit<'_>) -> Option<usize> {
        let p = cjk_before(text, t.s)?;
        if !PLATE_PROVINCES.contains(p) {
            return None;
        }
        let s = t.s - 3;
        let ok_ch =
            |c: u8| c.is_ascii_digit() || (c.is_ascii_uppercase() && c != b'I' && c != b'O');
        let v = t.v();
        let mut body: Vec<u8> = v.to_vec();
        let mut e = t.e;
        // 京A·12345 / 京A 12345
        if t.len == 1 {
            let sep_len = if text[e..].starts_with("·".as_bytes()) {
                2
            } else if text.get(e) == Some(&b' ') {
                1
            } else {
                return None;
            };
            if !is_alnum_at(text, e + sep_len) {
                return None;
            }
            let t2 = read_tok(text, e + sep_len);
            body.extend_from_slice(t2.v());
            e = t2.e;
        }
        if !(6..=7).contains(&body.len())
            || !body[0].is_ascii_uppercase()
            || !body.iter().all(|&c| ok_ch(c))
        {
            return None;
        }
        let digits = body[1..].iter().filter(|c| c.is_ascii_digit()).count();
        if digits < 3 {
            return None;
        }
        if body.len() == 6
            && let Some(c) = cjk_at(text, e)
            && "挂学警港澳".contains(c)
        {
            e += 3;
        }
        let c = self.ctx_before(text, s, hint, em);
        let conf = if c & ctx::PLATE != 0 { 85 } else { 70 };
        let mut norm = p.to_string().into_bytes();
        norm.extend_from_slice(&body);
        em.push(Kind::Plate, s, e, conf, 0, &norm, 0);
        Some(e)
    }

    fn secret(&self, text: &[u8], t: &Tok, em: &mut Emit<'_>) -> Option<usize> {
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

    /// Names after a keyword: `姓名：张三`, `联系人李四`.
    fn names(&self, text: &[u8], hint: Hint, em: &mut Emit<'_>) {
        let _ = hint;
        // each match is decided as it is found, while its bytes are in cache
        match &self.names_packed {
            Some(p) => {
                for m in p.find_iter(text) {
                    Self::name_after(text, m.end(), em);
                }
            }
            None => {
                for m in self.names.find_iter(text) {
                    Self::name_after(text, m.end(), em);
                }
            }
        }
    }

    /// The name after a keyword ending at `j`, past separators.
    fn name_after(text: &[u8], mut j: usize, em: &mut Emit<'_>) {
        // separators
        for _ in 0..3 {
            if let Some(&b) = text.get(j)
                && matches!(b, b':' | b' ' | b'=' | b'"' | b'\'')
            {
                j += 1;
            } else if text[j..].starts_with("：".as_bytes())
                || text[j..].starts_with("为".as_bytes())
                || text[j..].starts_with("是".as_bytes())
            {
                j += 3;
            } else {
                break;
            }
        }
        if let Some(e) = name_at(text, j) {
            em.push(Kind::CnName, j, e, 70, flags::CONTEXT, &text[j..e], 0);
        }
    }

    /// Names and addresses without a keyword ([`crate::cjk`]), skipping
    /// the names found after a keyword.
    fn cjk(&self, text: &[u8], em: &mut Emit<'_>) {
        let taken: Vec<(usize, usize)> = em.out[em.first..]
            .iter()
            .filter(|f| f.kind == Kind::CnName)
            .map(|f| (f.start as usize, f.end as usize))
            .collect();
        let mut spans = Vec::new();
        crate::cjk::scan(
            text,
            self.opts.names,
            self.opts.addresses,
            &taken,
            &mut spans,
        );
        for (addr, s, e) in spans {
            if addr {
                em.push(Kind::CnAddress, s, e, 65, 0, &text[s..e], 0);
            } else {
                em.push(Kind::CnName, s, e, 60, 0, &text[s..e], 0);
            }
        }
    }

    /// A field named like a name column: the whole cell is a name.
    fn name_cell(&self, text: &[u8], em: &mut Emit<'_>) {
        let (s, e) = trim_ws(text);
        if name_at(text, s) != Some(e) {
            return;
        }
        // names found in the cell without context give way to the cell
        let (s64, e64) = (s as u64, e as u64);
        let first = em.first;
        let mut k = first;
        while k < em.out.len() {
            let f = &em.out[k];
            if f.kind == Kind::CnName
                && f.flags & flags::CONTEXT == 0
                && f.start < e64
                && f.end > s64
            {
                em.out.remove(k);
            } else {
                k += 1;
            }
        }
        if !em.out[first..]
            .iter()
            .any(|f| f.kind == Kind::CnName && f.start == s64)
        {
            em.push(Kind::CnName, s, e, 75, flags::CONTEXT, &text[s..e], 0);
        }
    }
}

/// Sort `out[first..]` by (start, end), stably. They are in order already
/// unless names or a name or password cell (pushed after the loops) or an
/// e-mail inside a longer token (pushed at the end) came after later ones.
fn sort_findings(out: &mut [Finding], first: usize) {
    let key = |f: &Finding| (f.start, f.end);
    if !out[first..].is_sorted_by_key(key) {
        out[first..].sort_by_key(key);
    }
}

/// `password`, `passwd`, `pwd`, `secret`, `apikey`, `…password` (any case).
#[inline]
fn is_password_key(v: &[u8]) -> bool {
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

fn ascii(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

fn trim_ws(text: &[u8]) -> (usize, usize) {
    let mut s = 0;
    let mut e = text.len();
    while s < e && (text[s].is_ascii_whitespace() || text[s] == b'"') {
        s += 1;
    }
    while e > s && (text[e - 1].is_ascii_whitespace() || text[e - 1] == b'"') {
        e -= 1;
    }
    (s, e)
}

/// A set of characters with a bitmap for the CJK unified ideographs
/// (U+4E00–U+9FFF), looked up for every name candidate.
struct CharSet {
    bits: Vec<u64>,
    all: &'static str,
}

impl CharSet {
    fn new(all: &'static str) -> CharSet {
        let mut bits = vec![0u64; 0x5200 / 64];
        for c in all.chars() {
            let u = c as usize;
            if (0x4E00..0xA000).contains(&u) {
                bits[(u - 0x4E00) >> 6] |= 1 << ((u - 0x4E00) & 63);
            }
        }
        CharSet { bits, all }
    }

    fn has(&self, c: char) -> bool {
        let u = c as usize;
        if (0x4E00..0xA000).contains(&u) {
            self.bits[(u - 0x4E00) >> 6] >> ((u - 0x4E00) & 63) & 1 != 0
        } else {
            self.all.contains(c)
        }
    }
}

static NAME_STOP_SET: std::sync::OnceLock<CharSet> = std::sync::OnceLock::new();

fn char_set(cell: &'static std::sync::OnceLock<CharSet>, all: &'static str) -> &'static CharSet {
    cell.get_or_init(|| CharSet::new(all))
}

/// A name starting at `j` after a keyword or in a name field: surname
/// (compound first) + 1–2 given-name characters (any but those that end a
/// name in running text); one when the second would not be followed by a
/// boundary but the first is (`客户王平来电`).
fn name_at(text: &[u8], j: usize) -> Option<usize> {
    let sl = crate::cjk::surname_len(text, j)?;
    let stop = char_set(&NAME_STOP_SET, NAME_STOP);
    let mut e = j + sl;
    let mut ends = [0usize; 2];
    let mut given = 0;
    while given < 2 {
        match cjk_at(text, e) {
            Some(c) if !stop.has(c) => {
                e += 3;
                ends[given] = e;
                given += 1;
            }
            _ => break,
        }
    }
    match given {
        0 => None,
        1 => Some(e),
        _ if !crate::cjk::closes(text, ends[1]) && crate::cjk::closes(text, ends[0]) => {
            Some(ends[0])
        }
        _ => Some(e),
    }
}

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

/// Split a landline written without separators: 010/02x + 8, 0xxx + 7/8.
fn landline_split(v: &[u8]) -> Option<usize> {
    match (v.len(), v[1]) {
        (11, b'1' | b'2') if v[3] >= b'2' => Some(3),
        (11 | 12, b'3'..=b'9') if v[4] >= b'2' => Some(4),
        _ => None,
    }
}

fn email_at(text: &[u8], at: usize) -> Option<(usize, usize)> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::tests::random_texts;

    /// The context masks of `ctx_before` equal those of a window-by-window
    /// search with an automaton (each window searched alone, up to the
    /// candidate, from the previous candidate or 16 bytes before the
    /// window), on random texts with candidates at many offsets, mostly
    /// forward, sometimes back.
    #[test]
    fn ctx_before_equals_the_window_search() {
        let det = Detector::new(DetectOptions::default());
        let w = det.opts.context_window;
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(KEYWORDS.iter().map(|k| k.0))
            .expect("automaton");
        let in_key = |b: u8| {
            KEYWORDS
                .iter()
                .any(|k| k.0.bytes().any(|c| c.eq_ignore_ascii_case(&b)))
        };
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        for (k, _) in KEYWORDS {
            let b = k.as_bytes();
            pieces.push(b.to_vec());
            pieces.push(k.to_ascii_uppercase().into_bytes());
            pieces.push(b[..b.len() - 1].to_vec());
            pieces.push(b[1..].to_vec());
        }
        for f in [
            "13800138000",
            "1",
            "42",
            " ",
            "：",
            "x",
            "号",
            "_",
            "é",
            "@a.cn",
            "3",
            "\n",
        ] {
            for _ in 0..6 {
                pieces.push(f.as_bytes().to_vec());
            }
        }
        let mut seed = 0x5eed_0123_4567_89abu64;
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for text in random_texts(&pieces, 80, 0x00c0_ffee_dead_beef) {
            let mut out = Vec::new();
            let em = Emit {
                out: &mut out,
                first: 0,
                kw: std::cell::RefCell::new((Vec::new(), 0)),
            };
            // the reference: (end, mask) list and how far it was searched
            let mut list: Vec<(usize, u32)> = Vec::new();
            let mut done = 0;
            let mut s = 0usize;
            loop {
                s = match rnd(10) {
                    0 => s.saturating_sub(rnd(60)),
                    1..=5 => s + 1 + rnd(12),
                    6..=8 => s + 1 + rnd(90),
                    _ => s + 1 + rnd(300),
                };
                if s > text.len() {
                    break;
                }
                if done < s {
                    let lo = s.saturating_sub(w);
                    let from = if done >= lo && !in_key(text[done]) {
                        done
                    } else {
                        done.max(lo).saturating_sub(16)
                    };
                    for m in ac.find_iter(&text[from..s]) {
                        if from + m.end() > done {
                            list.push((from + m.end(), KEYWORDS[m.pattern().as_usize()].1));
                        }
                    }
                    done = s;
                }
                let lo = s.saturating_sub(w);
                let want = list
                    .iter()
                    .filter(|&&(e, _)| lo <= e && e <= s)
                    .fold(0, |m, &(_, k)| m | k);
                assert_eq!(
                    det.ctx_before(&text, s, Hint::default(), &em),
                    want,
                    "at {s}: {:?}",
                    String::from_utf8_lossy(&text)
                );
            }
        }
    }

    /// The window loop (`blocks`) against the byte loop alone, on texts
    /// built from pieces that reach every branch of both: runs of each class
    /// and length around the decisions of `plain_decide`, separators,
    /// full-width letters and punctuation, dashes and key blocks, e-mail
    /// addresses, CJK text and invalid UTF-8, at every alignment.
    #[test]
    fn window_loop_equals_the_byte_loop() {
        let det = Detector::new(DetectOptions {
            today: (2026, 11, 30),
            ..DetectOptions::default()
        });
        let mut pieces: Vec<Vec<u8>> = [
            "110105199003071234",
            "11010519900307123X",
            "13800138000",
            "+86 138 0013 8000",
            "6222021234567890123",
            "91440300091293020R",
            "user.name@example.com",
            "a@b",
            "192.168.1.20",
            "3.14159",
            "12:34:56",
            "12:34:56.789",
            "2026-05-13",
            "2026-05-13 12:22:16.177",
            "Nov  5 ",
            "138****8000",
            "110105********002X",
            "622202******7890",
            "1**",
            "****8000",
            "13**x",
            "00:1a:2b:3c:4d:5e",
            "fe80::1",
            "京A12345",
            "E12345678",
            "password=hunter22",
            "passwd",
            "AIzaSyA1234567890abcdefghijklmnopqrstu",
            "-----BEGIN PRIVATE KEY-----\nMIIabc\n-----END PRIVATE KEY-----",
            "-----BEGIN ",
            "--",
            "-",
            "-----",
            "１３８００１３８０００",
            "１２",
            "，",
            "：",
            "（",
            "\u{ff21}",
            "身份证",
            "手机号：",
            "订单号 ",
            "姓名：张三",
            "北京市朝阳区建国路88号",
            "的",
            "。",
            " ",
            "\n",
            "_",
            ":",
            ".",
            "*",
            "号",
            "abc",
            "Word",
            "ABC",
            "A1B2C3",
            "abcdefghijklmnopqr",
            "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
            "1",
            "12",
            "123",
            "1234",
            "123456789",
            "12345678901",
            "1234567890123456789012",
            "0123456789012345678901234567890123456789012345678901234567890123456789",
        ]
        .iter()
        .map(|p| p.as_bytes().to_vec())
        .collect();
        for b in [0xEFu8, 0xBC, 0x80, 0xE5, 0xFF, 0xC3] {
            pieces.push(vec![b]);
        }
        pieces.push(vec![0xEF, b'1', b'2']);
        pieces.push(vec![0xEF, 0xEF, 0xBC, 0x91]);
        let mut texts = random_texts(&pieces, 40, 0x5eed_0fb1_0c00);
        // the same texts shifted, so every piece meets every window edge
        let shifted: Vec<Vec<u8>> = texts
            .iter()
            .take(400)
            .flat_map(|t| {
                (1..64)
                    .step_by(7)
                    .map(move |k| [&b"x ".repeat(32)[..k], t].concat())
            })
            .collect();
        texts.extend(shifted);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for text in &texts {
            for hint in [Hint::default(), det.hint("password"), det.hint("姓名")] {
                a.clear();
                b.clear();
                det.scan_with(text, hint, &mut a, true);
                det.scan_with(text, hint, &mut b, false);
                assert_eq!(a, b, "{:?}", String::from_utf8_lossy(text));
            }
        }
    }

    proptest::proptest! {
        /// The same on random bytes from an alphabet dense in the bytes the
        /// loops decide on (digits, letters, separators, `@`, full-width and
        /// CJK lead and continuation bytes).
        #[test]
        fn window_loop_equals_the_byte_loop_on_random_bytes(
            picks in proptest::collection::vec(0usize..24, 0..600),
        ) {
            const ALPHABET: &[u8] = b"0123 9aZxX-:._ *@\n\xEF\xBC\x91\xE5\x8F\xB7";
            let text: Vec<u8> = picks.iter().map(|&k| ALPHABET[k % ALPHABET.len()]).collect();
            let det = Detector::default();
            let (mut a, mut b) = (Vec::new(), Vec::new());
            det.scan_with(&text, Hint::default(), &mut a, true);
            det.scan_with(&text, Hint::default(), &mut b, false);
            proptest::prop_assert_eq!(a, b);
        }
    }
}
