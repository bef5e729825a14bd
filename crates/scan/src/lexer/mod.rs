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
//! E-mail addresses are found by a `memchr` pass over `@`; names and
//! addresses by a pass over the ideographs (`cjk.rs`: names after a keyword
//! such as `姓名` or `联系人`, the keywords found on the way; scored surname +
//! given-name candidates closed by what follows; an address grammar from the
//! administrative divisions to the postcode).
//!
//! The module is split by concern: this file holds the window loop, the
//! shared types and the keyword context; `tokens` the byte classes and
//! tokens; `ident` identifiers (digit runs, grouped and masked numbers,
//! plates); `network` IP and MAC addresses, coordinates and e-mail spans;
//! `secrets` keys, tokens and passwords; `names` names after a keyword and
//! the pass over the ideographs.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem;
use wide::u8x16;

use crate::keys::{KeyScan, NegScan};
use crate::kind::{Finding, Kind, Masked, flags};
use crate::mask::mask_bytes_into;
use crate::simd::{bits, lanes, within};
use crate::validate;

mod ident;
mod names;
mod network;
mod secrets;
mod tokens;

pub(crate) use names::KEY_NAME_SEPARATORS;
#[cfg(test)]
pub(crate) use names::key_name;
use network::email_at;
use secrets::is_password_key;
use tokens::{
    C_DASH, C_FW, C_NONE, CLASS, Tok, digit_at, fw_at, plain_decide, plain_token_end, read_tok,
    skip_none,
};
pub(crate) use tokens::{ONES, word_at, zero_lanes};

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
    pem_end: memmem::Finder<'static>,
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
        Detector {
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
        // names and addresses are Chinese, and so are the keywords that
        // introduce a name: no need to look in ASCII text (most CSV cells
        // and JSON values)
        if (self.opts.names || self.opts.addresses) && !text.is_ascii() {
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
