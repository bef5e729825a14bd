//! Chinese names and addresses in running text, without an introducing
//! keyword: one pass over the text's ideographs with a flag table. Most
//! ideographs are passed in an inner loop that decides each position from
//! its flags and the next character's, and stops only where the pair can
//! start something (a surname before a given-name or title character, a
//! province name, an address cue, a street character, a keyword that
//! introduces a name); the full step there is the reference the loop is
//! tested against. The ideographs that start no pair at all (most) are
//! passed by a bit table keyed by their UTF-8 bytes, without a decode.
//!
//! **Names after a keyword** (`姓名：张三`, `联系人李四`): the walk finds the
//! keywords as it passes (their first two characters are a pair), so the
//! text is not searched for them separately; the name after each is read
//! by the caller's function and skipped by the keyword-less candidates.
//!
//! **Names.** A candidate is a surname (single or compound, from
//! `data/surnames.txt`) and one or two given-name characters (from
//! `data/given.txt`, in two strengths). It is scored from what precedes it
//! (a text boundary or a word that introduces a person, `叫`, `由`,
//! `客户`, `受理人`, …) and kept only when what follows closes it: a
//! boundary (punctuation, a space, ASCII, the end), or a word that follows a
//! person (`来电`, `同志`, `说`, `和`, `女士`, …). The right boundary also
//! decides the length: `客户王平来电` gives `王平`, `曹飞同志` gives `曹飞`.
//! A surname followed by a title (`王经理`) or a candidate that is a place
//! name (GB/T 2260 prefecture names, `data/divisions.txt`) is not a name.
//!
//! **Addresses.** Tried at the start of an ideograph run, at a province
//! name, and after a word that introduces a place (`住在`, `寄往`, …); a
//! grammar reads administrative divisions (`省`/`市`/`县`/`区`/`镇`/`乡`
//! …), a street (`路`/`街`/`道`/`巷`/`弄`/`村`), then numbers with units
//! (`号`, `栋`/`幢`/`座`/`单元`, `层`/`楼`/`室`, `组`) and named estates
//! or buildings (`…小区`, `…大厦`), and a postcode after a space. The
//! address ends where the grammar ends.

use std::sync::OnceLock;

use wide::u8x16;

/// Flags per ideograph (U+4E00–U+9FFF).
const SUR1: u32 = 1;
const SUR2: u32 = 1 << 1;
/// First character of a compound surname.
const SURC: u32 = 1 << 2;
const GIVEN1: u32 = 1 << 3;
const GIVEN2: u32 = 1 << 4;
/// Ends an administrative division (省 市 县 区 州 旗 盟 镇 乡).
const ADMIN: u32 = 1 << 5;
/// Ends a street (路 街 道 巷 弄 村 里).
const STREET: u32 = 1 << 6;
/// A unit after a number (号 栋 幢 座 层 楼 室 户 组 院 期 单).
const UNIT: u32 = 1 << 7;
/// Ends a named estate or building (小区, 大厦, 花园, …).
const PLACE: u32 = 1 << 8;
/// First character of a province name.
const PROV: u32 = 1 << 9;
/// Never inside a name or an address (function words, verbs of prose).
const STOP: u32 = 1 << 10;
/// May follow a name (说, 和, 来电, 同志, 女士, …).
const RIGHT: u32 = 1 << 11;
/// May introduce a name as the last character of a word (叫, 由, 户, 人, …).
const LEFT: u32 = 1 << 12;
/// Last character of a word that introduces an address (址, 在, 往, 至, 于, 为, 到).
const CUE: u32 = 1 << 13;
/// First character of a title after a surname (经理, 总, 老师, …).
const TITLE: u32 = 1 << 14;
/// Never inside an address (function words of prose).
const ASTOP: u32 = 1 << 15;
/// A possible given-name character (tier 3; see `data/given.txt`).
const GIVEN3: u32 = 1 << 16;
/// First character of a word that introduces an address ([`ADDR_CUES`]).
const ACUE1: u32 = 1 << 17;
/// Second character of a province name: with [`PROV`] before it, the
/// province list is worth comparing (`上`, `新`, `西` start many words).
const PROV2: u32 = 1 << 18;
/// Second character of a compound surname.
const SURC2: u32 = 1 << 19;
/// Derived bits for the walk's inner loop, which decides a position from
/// its flags and the next character's: a bit of the "before" group (`B_*`)
/// shifted left by [`PAIR_SHIFT`] meets the bit of the "after" group
/// (`A_*`) that makes the pair worth a full step.
const PAIR_SHIFT: u32 = 5;
/// A single surname (before a given name or a title: a name candidate).
const B_SUR: u32 = 1 << 20;
/// The first character of a compound surname.
const B_SURC: u32 = 1 << 21;
/// The first character of a province name or of an address cue (one bit
/// for both: a province's first character before a cue's last, or a cue's
/// first before a province's second, is a full step more, not another
/// result).
const B_PLACE: u32 = 1 << 22;
/// The first character of a keyword that introduces a name ([`name_keys`]).
const B_KEY: u32 = 1 << 23;
/// A street character (with [`A_ANY`]: whatever follows).
const B_STREET: u32 = 1 << 24;
/// Starts a given name or a title: after a surname, a name candidate.
const A_NAME: u32 = B_SUR << PAIR_SHIFT;
/// The second character of a compound surname.
const A_SURC2: u32 = B_SURC << PAIR_SHIFT;
/// The second character of a province name or the last of an address cue.
const A_PLACE: u32 = B_PLACE << PAIR_SHIFT;
/// The second character of a keyword that introduces a name.
const A_KEY2: u32 = B_KEY << PAIR_SHIFT;
/// On every entry of the walk table, ideograph or not.
const A_ANY: u32 = B_STREET << PAIR_SHIFT;
/// Every "before" bit: a position without one starts no pair.
const B_ALL: u32 = B_SUR | B_SURC | B_PLACE | B_KEY | B_STREET;
/// In the walk's `prev_f`, never in the table: no ideograph ends where the
/// walk is (it has just passed ASCII or another character). With [`CUE`]
/// set too, so an address candidate is still recorded at the run's start.
const NO_IDEO: u32 = 1 << 31;

const SURNAMES: &str = include_str!("../data/surnames.txt");
const GIVEN: &str = include_str!("../data/given.txt");
const DIVISIONS: &str = include_str!("../data/divisions.txt");
const NOT_NAMES: &str = include_str!("../data/not_names.txt");

const ADMIN_CHARS: &str = "省市县区州旗盟镇乡";
const STREET_CHARS: &str = "路街道巷弄村里";
const UNIT_CHARS: &str = "号栋幢座层楼室户组院期单";
const PLACE_CHARS: &str = "区厦园寓场心楼苑庄城馆府湾阁院村坊舍";
/// Characters that never stand inside a given name.
const STOP_CHARS: &str = "的了是在和与及或我你他她它们这那有没不也都就还说去来到为被把将从向对给让请要会能可以着过得地之其所而但并且个些么吗呢吧啊呀哦嗯已于等时后前中上下里外内";
/// Characters that never stand inside an address.
const ASTOP_CHARS: &str = "址的了是在我你他她它们说把被吗呢吧啊呀哦嗯这那有没不也就还要会能";
/// First characters of what may follow a name: `说`, `和`, `的`, `来电`,
/// `同志`, `先生`, `女士`, `老师`, `介绍`, `主持`, `记录`, `反映`, `推荐`,
/// `修改`, `邀请`, `加入`, `撤回`, `负责`, `担任`, `要求`, `名下`, `住在` …
const RIGHT_CHARS: &str = "名住说和与及等的在已于将也都是对把被给向从去来到表介主记反推修邀加撤负担要确提申签办入离女男同先老经总请让因今昨曾现为称回打收拨共处出上下报所认发做需希";
/// The last characters of words that introduce a person: verbs (`叫`,
/// `由`, `任命`), roles (`客户`, `代表`, `经理`, `记者`, `老师`, `员工`).
const LEFT_CHARS: &str = "叫由给和与及同跟请让被向据派交找问谢系户人员事友邀是为名称见将把对天者客表理任师生长官士工警督导记命选荐聘";
const CUE_CHARS: &str = "址在往至于为到住";
const TITLE_WORDS: &[&str] = &[
    "经理",
    "总",
    "老师",
    "主任",
    "师傅",
    "医生",
    "先生",
    "女士",
    "小姐",
    "阿姨",
    "同学",
    "律师",
    "警官",
    "局长",
    "科长",
    "处长",
    "部长",
    "院长",
    "校长",
    "书记",
    "董事",
    "工程师",
    "队长",
    "会计",
    "秘书",
    "博士",
    "教授",
    "大爷",
    "大妈",
    "叔",
    "姐",
    "哥",
    "某",
];
/// Words that look like a surname and a given name but are none.
const WORDS: &[&str] = &[
    "周一",
    "周二",
    "周三",
    "周四",
    "周五",
    "周六",
    "周日",
    "周末",
    "张三李四",
];
/// Words that introduce an address (the last character is in [`CUE_CHARS`]).
const ADDR_CUES: &[&str] = &[
    "地址", "住址", "住在", "家住", "寄往", "送至", "位于", "改为", "址为", "搬到", "寄到", "送到",
    "居住", "住于", "现住", "户籍", "发往", "迁至",
];
const SUFFIXES: &[&str] = &[
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
];

struct Tables {
    flags: Vec<u32>,
    /// The flags again for the walk's inner loop ([`walk_flags`]), indexed
    /// by the code point less U+4000 (all a three-byte sequence with an
    /// `E4`–`E9` lead byte can give), [`NO_IDEO`] below U+4E00; every
    /// entry with [`A_ANY`].
    walk: Box<[u32; 0x8000]>,
    /// For the inner loop's pass over ideographs that start nothing, no
    /// decode: indexed by [`skip_index`] of a three-byte sequence (the lead
    /// byte's low four bits and the second byte's low six), a bit per
    /// third byte's low six bits, set where the walk must look closer: an
    /// ideograph with a "before" bit (`B_*`), anything below U+4E00, and
    /// every lead byte outside `E4`–`E9`.
    skip: Box<[u64; 1024]>,
    /// Compound surnames (two ideographs), packed by [`key6`], sorted.
    compounds: Vec<u64>,
    provinces: Vec<&'static str>,
    /// Words of a name's shape that are none, packed ([`pack`]) and
    /// sorted: `data/not_names.txt`, place names, [`WORDS`].
    not_names: Vec<u128>,
    /// The keywords that introduce a name ([`name_keys`]).
    keys: Vec<&'static str>,
}

/// The keywords after which a name is read (`姓名`, `联系人`, …: those of
/// the detector's keyword table that introduce a name). The walk finds them
/// as it passes (each is two or more ideographs, and none overlaps another:
/// no keyword's end is another's start), so no separate search is needed.
pub(crate) fn name_keys() -> impl Iterator<Item = &'static str> {
    crate::lexer::KEYWORDS
        .iter()
        .filter(|k| k.1 & crate::lexer::ctx::NAME_INTRO != 0)
        .map(|k| k.0)
}

/// Up to 15 bytes and their length in one number (longer: `None`).
fn pack(b: &[u8]) -> Option<u128> {
    if b.len() > 15 {
        return None;
    }
    let mut k = [0u8; 16];
    k[..b.len()].copy_from_slice(b);
    k[15] = b.len() as u8;
    Some(u128::from_le_bytes(k))
}

fn data_lines(s: &'static str) -> impl Iterator<Item = &'static str> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut flags = vec![0u32; 0xA000 - 0x4E00];
        let mut set = |s: &str, f: u32| {
            for c in s.chars() {
                let u = c as usize;
                if (0x4E00..0xA000).contains(&u) {
                    flags[u - 0x4E00] |= f;
                }
            }
        };
        let mut sur = data_lines(SURNAMES);
        let (s1, s2, sc) = (
            sur.next().unwrap_or(""),
            sur.next().unwrap_or(""),
            sur.next().unwrap_or(""),
        );
        set(s2, SUR2);
        set(s1, SUR1);
        let compounds: Vec<&'static str> = sc.split_whitespace().collect();
        for c in &compounds {
            set(c.get(..3).unwrap_or(""), SURC);
            set(c.get(3..6).unwrap_or(""), SURC2);
        }
        let mut compounds: Vec<u64> = compounds
            .iter()
            .filter_map(|c| key6(c.as_bytes(), 0))
            .collect();
        compounds.sort_unstable();
        compounds.dedup();
        let mut given = data_lines(GIVEN);
        let (g1, g2, g3) = (
            given.next().unwrap_or(""),
            given.next().unwrap_or(""),
            given.next().unwrap_or(""),
        );
        set(g3, GIVEN3);
        set(g2, GIVEN2);
        set(g1, GIVEN1);
        set(ADMIN_CHARS, ADMIN);
        set(STREET_CHARS, STREET);
        set(UNIT_CHARS, UNIT);
        set(PLACE_CHARS, PLACE);
        set(STOP_CHARS, STOP);
        set(ASTOP_CHARS, ASTOP);
        set(RIGHT_CHARS, RIGHT);
        set(LEFT_CHARS, LEFT);
        set(CUE_CHARS, CUE);
        for t in TITLE_WORDS {
            set(t.get(..3).unwrap_or(""), TITLE);
        }
        let mut div = data_lines(DIVISIONS);
        let provinces: Vec<&'static str> = div.next().unwrap_or("").split_whitespace().collect();
        for p in &provinces {
            set(p.get(..3).unwrap_or(""), PROV);
            set(p.get(3..6).unwrap_or(""), PROV2);
        }
        let places: Vec<&'static str> = div.next().unwrap_or("").split_whitespace().collect();
        for c in ADDR_CUES {
            set(c.get(..3).unwrap_or(""), ACUE1);
        }
        // given-name flags on stop characters would let names run into prose
        for f in flags.iter_mut() {
            if *f & STOP != 0 {
                *f &= !(GIVEN1 | GIVEN2 | GIVEN3);
            }
        }
        // the pair bits of the walk's inner loop, from the flags above
        for f in flags.iter_mut() {
            let g = *f;
            let mut d = 0;
            // a compound's first character that is no single surname
            // (`完` of `完颜`) starts a name only before the compound's second
            // ([`B_SURC`]), not before a given name (`已完成`)
            if g & (SUR1 | SUR2) != 0 {
                d |= B_SUR;
            }
            if g & SURC != 0 {
                d |= B_SURC;
            }
            if g & (PROV | ACUE1) != 0 {
                d |= B_PLACE;
            }
            if g & STREET != 0 {
                d |= B_STREET;
            }
            if g & (GIVEN1 | GIVEN2 | GIVEN3 | TITLE) != 0 {
                d |= A_NAME;
            }
            if g & SURC2 != 0 {
                d |= A_SURC2;
            }
            if g & (PROV2 | CUE) != 0 {
                d |= A_PLACE;
            }
            *f |= d;
        }
        let keys: Vec<&'static str> = name_keys().collect();
        for k in &keys {
            let (a, b) = (k.get(..3).unwrap_or(""), k.get(3..6).unwrap_or(""));
            for (c, bit) in [(a, B_KEY), (b, A_KEY2)] {
                if let Some(u) = c.chars().next().map(|c| c as usize)
                    && (0x4E00..0xA000).contains(&u)
                {
                    flags[u - 0x4E00] |= bit;
                }
            }
        }
        let mut not_names: Vec<u128> = data_lines(NOT_NAMES)
            .flat_map(str::split_whitespace)
            .chain(places.iter().copied())
            .chain(provinces.iter().copied())
            .chain(WORDS.iter().copied())
            .filter_map(|w| pack(w.as_bytes()))
            .collect();
        not_names.sort_unstable();
        not_names.dedup();
        let mut walk = vec![NO_IDEO | A_ANY; 0x8000];
        for (w, f) in walk[0xE00..].iter_mut().zip(&flags) {
            *w = f | A_ANY;
        }
        let walk: Box<[u32; 0x8000]> = walk
            .into_boxed_slice()
            .try_into()
            .unwrap_or_else(|_| unreachable!("the walk table has 0x8000 entries"));
        // all bits set but for the ideographs (U+4E00–U+9FFF) without a
        // "before" bit
        let mut skip = Box::new([u64::MAX; 1024]);
        for u in (0x4E00..0xA000).step_by(64) {
            skip[(u >> 12) | ((u >> 2) & 0x3F0)] = 0;
        }
        for (k, f) in flags.iter().enumerate() {
            if f & B_ALL != 0 {
                let u = 0x4E00 + k;
                skip[(u >> 12) | ((u >> 2) & 0x3F0)] |= 1 << (u & 63);
            }
        }
        Tables {
            flags,
            walk,
            skip,
            compounds,
            provinces,
            not_names,
            keys,
        }
    })
}

/// The length of the first of `words` that `text[i..]` starts with. The
/// first three bytes (one ideograph) are compared as an array first, so
/// most words cost an integer compare, not a `memcmp` call.
#[inline]
fn word_at(text: &[u8], i: usize, words: &[&str]) -> Option<usize> {
    let head: [u8; 3] = text.get(i..i + 3)?.try_into().ok()?;
    let rest = &text[i..];
    words.iter().map(|w| w.as_bytes()).find_map(|w| {
        let h: [u8; 3] = w.get(..3)?.try_into().ok()?;
        (h == head && rest.starts_with(w)).then_some(w.len())
    })
}

/// The six bytes at `i` (two ideographs) as one number, if there are six.
#[inline(always)]
fn key6(text: &[u8], i: usize) -> Option<u64> {
    let b: [u8; 6] = text.get(i..i + 6)?.try_into().ok()?;
    let mut k = [0u8; 8];
    k[..6].copy_from_slice(&b);
    Some(u64::from_le_bytes(k))
}

/// A compound surname starts at `i` (one integer search, not a
/// comparison per compound).
#[inline]
fn is_compound(t: &Tables, text: &[u8], i: usize) -> bool {
    key6(text, i).is_some_and(|k| t.compounds.binary_search(&k).is_ok())
}

/// The ideograph (U+4E00–U+9FFF) at `i` as an index into the flag table.
#[inline(always)]
fn ideo(text: &[u8], i: usize) -> Option<usize> {
    let b = *text.get(i)?;
    if !(0xE4..=0xE9).contains(&b) || i + 3 > text.len() {
        return None;
    }
    let (b1, b2) = (text[i + 1], text[i + 2]);
    if b1 & 0xC0 != 0x80 || b2 & 0xC0 != 0x80 {
        return None;
    }
    let u = (usize::from(b & 0x0F) << 12) | (usize::from(b1 & 0x3F) << 6) | usize::from(b2 & 0x3F);
    u.checked_sub(0x4E00)
}

/// The flags of the ideograph at `j` for the walk's inner loop, or
/// [`NO_IDEO`] when there is none (both with [`A_ANY`]): the answer of
/// [`flags_at`], with
/// fewer branches (the table covers every code point an `E4`–`E9` lead byte
/// gives, so the index needs no check).
#[inline(always)]
fn walk_flags(t: &Tables, text: &[u8], j: usize) -> u32 {
    if let Some(&w) = text.get(j..).and_then(<[u8]>::first_chunk::<4>) {
        return word_flags(t, u32::from_le_bytes(w));
    }
    match text.get(j..j + 3) {
        Some(&[b0, b1, b2]) if b0.wrapping_sub(0xE4) < 6 && (b1 ^ 0x80) | (b2 ^ 0x80) < 0x40 => {
            let u = (usize::from(b0 & 0x0F) << 12)
                | (usize::from(b1 & 0x3F) << 6)
                | usize::from(b2 & 0x3F);
            t.walk[u.wrapping_sub(0x4000) & 0x7FFF]
        }
        _ => NO_IDEO | A_ANY,
    }
}

/// [`walk_flags`] of the three bytes at the low end of `w`
/// (little-endian; the fourth is not looked at).
#[inline(always)]
fn word_flags(t: &Tables, w: u32) -> u32 {
    // three bytes `1110xxxx 10xxxxxx 10xxxxxx`, the lead byte `E4`–`E9`
    if w & 0x00C0_C0F0 == 0x0080_80E0 && (w & 0xF).wrapping_sub(4) < 6 {
        let u = ((w & 0xF) << 12) | ((w >> 2) & 0xFC0) | ((w >> 16) & 0x3F);
        t.walk[(u as usize).wrapping_sub(0x4000) & 0x7FFF]
    } else {
        NO_IDEO | A_ANY
    }
}

/// The index into [`Tables::skip`] of the three bytes at the low end of
/// `w` (little-endian): the lead byte's low four bits and the second byte's
/// low six.
#[inline(always)]
fn skip_index(w: u32) -> usize {
    ((w & 0xF) | ((w >> 4) & 0x3F0)) as usize
}

/// The flags of the ideograph (U+4E00–U+9FFF) at `i`, if one is there:
/// `t.flags` of [`ideo`], read through the walk table ([`walk_flags`]: one
/// four-byte load where there are four bytes).
#[inline(always)]
fn flags_at(t: &Tables, text: &[u8], i: usize) -> Option<u32> {
    let f = walk_flags(t, text, i);
    (f & NO_IDEO == 0).then_some(f & !A_ANY)
}

#[inline(always)]
fn ideo_before(text: &[u8], i: usize) -> Option<usize> {
    if i < 3 { None } else { ideo(text, i - 3) }
}

/// A province name starts at `i` (`f`: the flags there): the list is
/// compared only when the next character may be a province's second.
#[inline(always)]
fn province_at(t: &Tables, text: &[u8], i: usize, f: u32) -> bool {
    f & PROV != 0
        && flags_at(t, text, i + 3).is_some_and(|g| g & PROV2 != 0)
        && word_at(text, i, &t.provinces).is_some()
}

/// The length in bytes of the surname at `j` (compound first), if one is.
pub(crate) fn surname_len(text: &[u8], j: usize) -> Option<usize> {
    let t = tables();
    let f = flags_at(t, text, j)?;
    if f & SURC != 0 && is_compound(t, text, j) {
        return Some(6);
    }
    (f & (SUR1 | SUR2) != 0).then_some(3)
}

/// What follows `i` closes a name: not an ideograph, or a character that
/// follows a person (`说`, `来电`, `同志`, …).
pub(crate) fn closes(text: &[u8], i: usize) -> bool {
    flags_at(tables(), text, i).is_none_or(|f| f & RIGHT != 0)
}

/// What the pass found: (is an address, start, end).
pub(crate) type Span = (bool, usize, usize);

/// The name after a keyword that ends at the given offset, if one is:
/// its span.
pub(crate) type KeyName = fn(&[u8], usize) -> Option<(usize, usize)>;

/// Find names (when `names`) and addresses (when `addresses`) in `text`.
/// With `names`, the keywords that introduce a name ([`name_keys`]) are
/// found on the way and `key_name` reads the name after each: those names
/// are appended to `taken` in the order of their keywords (as a search of
/// the keywords over the whole text would give them), and the pass skips
/// the candidates that overlap them. A field value (a CSV cell, a JSON
/// value) is scanned on its own: its start and end are boundaries.
pub(crate) fn scan(
    text: &[u8],
    names: bool,
    addresses: bool,
    key_name: KeyName,
    taken: &mut Vec<(usize, usize)>,
    out: &mut Vec<Span>,
) {
    walk::<true>(
        text,
        names,
        addresses,
        names.then_some(key_name),
        taken,
        out,
    );
}

/// The keywords that introduce a name starting in `from..to` (each ends
/// where it starts: keywords overlap none): the names `key_name` reads
/// after them, appended to `taken`.
#[inline(never)]
fn find_keys(
    t: &Tables,
    text: &[u8],
    from: usize,
    to: usize,
    key_name: KeyName,
    taken: &mut Vec<(usize, usize)>,
) {
    for q in from..to.min(text.len()) {
        if text[q] >= 0xE0
            && let Some(l) = word_at(text, q, &t.keys)
            && let Some(span) = key_name(text, q + l)
        {
            taken.push(span);
        }
    }
}

/// [`scan`]; without `INNER` every ideograph takes the full step (the
/// reference the inner loop is tested against: both find the same).
/// `key_name`: find the keywords that introduce a name (and append the
/// names to `taken`); without it, `taken` holds the names to skip.
fn walk<const INNER: bool>(
    text: &[u8],
    names: bool,
    addresses: bool,
    key_name: Option<KeyName>,
    taken: &mut Vec<(usize, usize)>,
    out: &mut Vec<Span>,
) {
    let t = tables();
    let n = text.len();
    let mut i = 0;
    let mut tk = 0;
    // keywords that introduce a name and start before `keys_to` have been
    // looked for: the inner loop stops at each (its first two characters
    // are a pair) and the full step looks at its own position; what the
    // walk jumps over is searched ([`find_keys`]) before the jump
    let mut keys_to = 0usize;
    macro_rules! keys_upto {
        ($x:expr) => {
            let x = $x;
            if let Some(kn) = key_name
                && keys_to < x
            {
                find_keys(t, text, keys_to, x, kn, taken);
                keys_to = x;
            }
        };
    }
    // the flags of the ideograph ending at `prev_end` (the one before `i`
    // when nothing was skipped)
    let mut prev_end = usize::MAX;
    let mut prev_f = 0;
    // where an address may have started (the last four), and whether it
    // needs a province name there
    let mut cands = [(0usize, false); 4];
    let mut nc = 0usize;
    // the inner loop ([`pass`]) passes over a position whose full step
    // below would do nothing: no street character, no pair with the next
    // character that starts a name, a compound surname, a province name or
    // an address cue (the position after the cue may start an address: the
    // two after its first character take full steps, `block`), and before
    // the next name found after a keyword
    let pair = if names { A_NAME | A_SURC2 } else { 0 }
        | if key_name.is_some() { A_KEY2 } else { 0 }
        | if addresses { A_PLACE | A_ANY } else { 0 };
    let block = if addresses { CUE | ACUE1 } else { 0 };
    while i < n {
        let b = text[i];
        if b < 0x80 {
            // skip ASCII sixteen bytes at a time (one SIMD compare), then
            // eight (the first non-ASCII byte found ends both)
            i += 1;
            'ascii: {
                while let Some(w) = text.get(i..i + 16) {
                    let mut a = [0u8; 16];
                    a.copy_from_slice(w);
                    let m = u8x16::new(a).move_mask();
                    if m != 0 {
                        i += m.trailing_zeros() as usize;
                        break 'ascii;
                    }
                    i += 16;
                }
                while i + 8 <= n {
                    let w = u64::from_le_bytes(text[i..i + 8].try_into().unwrap_or([0; 8]));
                    let hi = w & 0x8080_8080_8080_8080;
                    if hi != 0 {
                        i += (hi.trailing_zeros() / 8) as usize;
                        break 'ascii;
                    }
                    i += 8;
                }
            }
            prev_end = i;
            prev_f = NO_IDEO | CUE;
            continue;
        }
        let mut f = walk_flags(t, text, i);
        if f & NO_IDEO != 0 {
            // another character (full-width punctuation): its continuation
            // bytes start none
            let (q, qf) = past_other(text, i);
            if q > i {
                i = q;
                prev_end = q;
                prev_f = qf;
                continue;
            }
            let s = i;
            i += 1;
            while i < n && text[i] & 0xC0 == 0x80 {
                i += 1;
            }
            if i - s == 3 {
                // the three bytes before `i` are no ideograph
                prev_end = i;
                prev_f = NO_IDEO | CUE;
            }
            continue;
        }
        // the first ideograph of a run that starts nothing (no "before"
        // bit, no cue): its full step would only record an address
        // candidate (not at a stop character), so the inner loop starts
        // there, unless a name after a keyword does
        let lone = prev_f & block != 0 && prev_f & NO_IDEO != 0 && f & (B_ALL | CUE) == 0;
        if INNER && prev_end == i && (prev_f & block == 0 || lone) {
            let tstart = if !taken.is_empty() {
                while tk < taken.len() && taken[tk].1 <= i {
                    tk += 1;
                }
                taken.get(tk).map_or(usize::MAX, |t| t.0)
            } else {
                usize::MAX
            };
            if !lone || tstart > i {
                if lone && f & STOP == 0 {
                    cands[nc % 4] = (i, false);
                    nc += 1;
                }
                let (p, fp, fpp, stop) = if tstart == usize::MAX {
                    pass::<false>(t, text, i, f, prev_f, pair, tstart)
                } else {
                    pass::<true>(t, text, i, f, prev_f, pair, tstart)
                };
                if !stop {
                    // the run ended: `p` is past its last ideograph, or
                    // past the three-byte character after it (with the
                    // flags after such a character); the flags of a
                    // position that is no ideograph are never asked
                    if fp != 0 {
                        prev_end = p;
                        prev_f = fp;
                    } else {
                        prev_end = usize::MAX;
                    }
                    i = p;
                    continue;
                }
                // the full step at `p`
                i = p;
                f = fp;
                prev_end = p;
                prev_f = fpp;
            }
        }
        let pf = if prev_end == i {
            (prev_f & NO_IDEO == 0).then_some(prev_f)
        } else {
            ideo_before(text, i).map(|p| t.flags[p])
        };
        prev_end = i + 3;
        prev_f = f;
        if let Some(kn) = key_name
            && keys_to <= i
        {
            if f & B_KEY != 0
                && let Some(l) = word_at(text, i, &t.keys)
                && let Some(span) = kn(text, i + l)
            {
                taken.push(span);
            }
            keys_to = i + 1;
        }
        if addresses {
            // an address holds a street: its grammar is tried when one is
            // reached, from the places where it may have started
            if f & STREET != 0
                && let Some((c, e)) = (0..nc.min(4))
                    .map(|k| cands[(nc - nc.min(4) + k) % 4])
                    .filter(|&(c, _)| c + 180 >= i)
                    .find_map(|(c, need)| {
                        address(t, text, c, need).filter(|&e| e > i).map(|e| (c, e))
                    })
            {
                // names read inside it were none
                while out.last().is_some_and(|l| !l.0 && l.1 >= c) {
                    out.pop();
                }
                out.push((true, c, e));
                keys_upto!(e);
                i = e;
                nc = 0;
                prev_end = usize::MAX;
                continue;
            }
            let prov = province_at(t, text, i, f);
            if prov || f & STOP == 0 {
                let start_ok = addr_start_ok(text, i, pf);
                if start_ok || prov {
                    cands[nc % 4] = (i, !start_ok);
                    nc += 1;
                }
            }
        }
        if f & (SUR1 | SUR2 | SURC) == 0 {
            i += 3;
            continue;
        }
        while tk < taken.len() && taken[tk].1 <= i {
            tk += 1;
        }
        if tk < taken.len() && taken[tk].0 <= i {
            keys_upto!(taken[tk].1);
            i = taken[tk].1;
            continue;
        }
        if names && f & (SUR1 | SUR2 | SURC) != 0 {
            // a surname followed by what starts neither a given name nor a
            // title, nor a compound surname, is no name ([`name_scored`]
            // would say so after a call and a second decode): `单号`
            let nx = flags_at(t, text, i + 3);
            if (f & SURC == 0 || nx.is_none_or(|g| g & SURC2 == 0))
                && nx.is_none_or(|g| g & (GIVEN1 | GIVEN2 | GIVEN3 | TITLE) == 0)
            {
                i += 3;
                continue;
            }
            match name(t, text, i, f, pf) {
                Ok(e) => {
                    // the names after keywords that start before `e`
                    keys_upto!(e);
                    if tk < taken.len() && taken[tk].0 < e {
                        keys_upto!(taken[tk].1);
                        i = taken[tk].1;
                        continue;
                    }
                    out.push((false, i, e));
                    i = e;
                }
                Err(k) => {
                    // (most are `i + 3`: nothing jumped over)
                    if k > i + 3 {
                        keys_upto!(k);
                    }
                    i = k;
                }
            }
            continue;
        }
        i += 3;
    }
}

/// The walk's inner loop from the ideograph at `i` (flags `f`, `pf` those
/// of the one before it): passes over every position whose pair with the
/// next character meets none of `pair`, and stops at the first that does,
/// or at `tstart` when `TAKEN` (the next name found after a keyword).
/// Returns (where it stopped, the flags there, the flags before, whether a
/// full step is due there): without one, the position is past the run's
/// last ideograph, or past the three-byte character after it
/// ([`past_other`]; the flags then those after it, else 0).
///
/// A position without a "before" bit starts no pair, whatever follows: from
/// there the ideographs that have none either are passed by [`Tables::skip`]
/// without a decode (their flags are not read); the flags are decoded again
/// at the first that has one, or that may be no ideograph.
#[inline(always)]
fn pass<const TAKEN: bool>(
    t: &Tables,
    text: &[u8],
    i: usize,
    f: u32,
    pf: u32,
    pair: u32,
    tstart: usize,
) -> (usize, u32, u32, bool) {
    // the flags before `p`, decoded again where the loop stops
    let before = |p: usize| {
        if p == i {
            pf
        } else {
            walk_flags(t, text, p - 3)
        }
    };
    let (mut p, mut fp) = (i, f);
    loop {
        if TAKEN && p >= tstart {
            return (p, fp, before(p), true);
        }
        if fp & B_ALL == 0 {
            // `fp` is not updated here: without a "before" bit it meets no
            // pair, as the flags of what is passed would not
            while let Some(w) = text.get(p + 3..p + 7) {
                let w = u32::from_le_bytes(w.try_into().unwrap_or([0; 4]));
                if w & 0x00C0_C0F0 != 0x0080_80E0 {
                    // no three-byte character follows: the run ends (and
                    // [`past_other`] would pass nothing)
                    return (p + 3, 0, 0, false);
                }
                if t.skip[skip_index(w)] >> ((w >> 16) & 63) & 1 != 0 {
                    // an ideograph with a "before" bit, or none: its flags
                    // (`fp`, without one, meets no pair with it)
                    let g = word_flags(t, w);
                    p += 3;
                    if g & NO_IDEO != 0 {
                        // a three-byte character that is no ideograph
                        return if w & 0xC000_0000 != 0x8000_0000 {
                            (p + 3, NO_IDEO | CUE, 0, false)
                        } else {
                            (p, 0, 0, false)
                        };
                    }
                    fp = g;
                    if TAKEN && p >= tstart {
                        return (p, fp, before(p), true);
                    }
                    break;
                }
                p += 3;
                if TAKEN && p >= tstart {
                    return (p, walk_flags(t, text, p), before(p), true);
                }
            }
        }
        let g = walk_flags(t, text, p + 3);
        if (fp << PAIR_SHIFT) & g & pair != 0 {
            return (p, fp, before(p), true);
        }
        p += 3;
        if g & NO_IDEO != 0 {
            let (q, qf) = past_other(text, p);
            return (q, qf, 0, false);
        }
        fp = g;
    }
}

/// At `p`, where no ideograph starts: the position past a three-byte
/// character there (one not followed by a continuation byte) and the flags
/// the walk keeps after such a character ([`NO_IDEO`] with [`CUE`]); else
/// `p` and 0.
#[inline(always)]
fn past_other(text: &[u8], p: usize) -> (usize, u32) {
    match text.get(p..).and_then(<[u8]>::first_chunk::<4>) {
        Some(&w) if u32::from_le_bytes(w) & 0xC0C0_C0F0 == 0x0080_80E0 && w[3] & 0xC0 != 0x80 => {
            (p + 3, NO_IDEO | CUE)
        }
        _ => (p, 0),
    }
}

/// An address may start at `i` (`pf`: the flags of the ideograph before
/// it, if one is): after a non-ideograph or an address cue.
#[inline(always)]
fn addr_start_ok(text: &[u8], i: usize, pf: Option<u32>) -> bool {
    match pf {
        None => true,
        Some(f) => {
            f & CUE != 0 && i >= 6 && ADDR_CUES.iter().any(|c| text[..i].ends_with(c.as_bytes()))
        }
    }
}

/// A name starting at `s` (a surname character): `Ok(end)`; `Err(k)` when
/// it is none and the pass goes on at `k` (after a title: `陈主任`). A
/// surname that also introduces a person (`和`, `向`, `谢` in `感谢`) gives
/// way to a name right after it that scores as well (`凤兰和岳倩`).
/// `f0`: the flags at `s`; `pf`: those of the ideograph before it, if one
/// is.
fn name(t: &Tables, text: &[u8], s: usize, f0: u32, pf: Option<u32>) -> Result<usize, usize> {
    let (e, score) = name_scored(t, text, s, f0, pf)?;
    if f0 & LEFT != 0
        && e - s > 6
        && let Some(f1) = flags_at(t, text, s + 3)
        && let Ok((_, next)) = name_scored(t, text, s + 3, f1, Some(f0))
        && next >= score
    {
        return Err(s + 3);
    }
    Ok(e)
}

/// [`name`] with its score; each position's flags are decoded once.
fn name_scored(
    t: &Tables,
    text: &[u8],
    s: usize,
    f0: u32,
    pf: Option<u32>,
) -> Result<(usize, i32), usize> {
    let none = Err(s + 3);
    // surname: compound first
    let (sl, sscore) = if f0 & SURC != 0 && is_compound(t, text, s) {
        (6, 3)
    } else if f0 & SUR1 != 0 {
        (3, 2)
    } else if f0 & SUR2 != 0 {
        (3, 1)
    } else {
        return none;
    };
    let g = s + sl;
    // most candidates end here: what follows the surname can start neither
    // a given name nor a title
    let fg = flags_at(t, text, g);
    if fg.is_none_or(|f| f & (GIVEN1 | GIVEN2 | GIVEN3 | TITLE) == 0) {
        return none;
    }
    // a title right after the surname: `王经理`, `李总`
    if let Some(fg) = fg
        && fg & TITLE != 0
        && let Some(w) = word_at(text, g, TITLE_WORDS)
    {
        return Err(g + w);
    }
    let left = match pf {
        None => 1,
        Some(p) if p & LEFT != 0 => 1,
        Some(_) => -1,
    };
    // tier 1: 2, tier 2: 1, tier 3: 0, none: -1
    let given = |f: Option<u32>| -> i32 {
        match f {
            Some(f) if f & GIVEN1 != 0 => 2,
            Some(f) if f & GIVEN2 != 0 => 1,
            Some(f) if f & GIVEN3 != 0 => 0,
            _ => -1,
        }
    };
    // what follows closes the name: a non-ideograph or a word that follows
    // a person
    let closes = |f: Option<u32>| -> bool { f.is_none_or(|f| f & RIGHT != 0) };
    let g1 = given(fg);
    if g1 < 0 {
        return none;
    }
    let mut best: Option<(i32, usize)> = None;
    let f3 = flags_at(t, text, g + 3);
    let g2 = given(f3);
    // a tier 3 character only next to a tier 1 or 2 one
    if g2 >= 0 && g1 + g2 > 0 && closes(flags_at(t, text, g + 6)) {
        best = Some((sscore + g1 + g2 + left + 1, g + 6));
    }
    if best.is_none() && g1 > 0 && closes(f3) {
        best = Some((sscore + g1 + left + 1, g + 3));
    }
    let Some((score, e)) = best else {
        return none;
    };
    // two characters after a word that does not introduce a person need
    // more evidence (`担任晖来…`)
    let need = if left < 0 && e - g == 3 { 5 } else { 4 };
    if score < need {
        return none;
    }
    // nor a word before a province name (`位于宁夏回族自治区`)
    if fg.is_some_and(|f| province_at(t, text, g, f))
        || (e - g == 6 && f3.is_some_and(|f| province_at(t, text, g + 3, f)))
    {
        return none;
    }
    // a common word, a place name or a weekday is not a person
    if pack(&text[s..e]).is_some_and(|k| t.not_names.binary_search(&k).is_ok()) {
        return none;
    }
    // nor the start of an administrative division (`金华市`)
    let fe = if e == g + 3 { f3 } else { flags_at(t, text, e) };
    if fe.is_some_and(|f| f & ADMIN != 0) {
        return none;
    }
    Ok((e, score))
}

/// A run of 1..=`max` ideographs from `i`, none a stop character, whose last
/// is one with flag `end` (the first such position when `first`, else the
/// last): the end of that character.
fn run_to(
    t: &Tables,
    text: &[u8],
    i: usize,
    end: u32,
    min: usize,
    max: usize,
    first: bool,
) -> Option<usize> {
    let mut j = i;
    let mut found = None;
    for n in 1..=max {
        let Some(f) = flags_at(t, text, j) else { break };
        if f & ASTOP != 0 {
            break;
        }
        j += 3;
        if f & end != 0 && n >= min {
            found = Some(j);
            if first {
                break;
            }
        }
    }
    found
}

/// A named estate or building at `i` (`华润大厦`, `数字100大厦`,
/// `MBP软件小区`): ideographs and short ASCII runs, the last ideograph one
/// that ends such a name; its end.
fn place_run(t: &Tables, text: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    let mut found = None;
    let mut ideos = 0;
    while ideos < 12 {
        if let Some(f) = flags_at(t, text, j) {
            if f & ASTOP != 0 {
                break;
            }
            j += 3;
            ideos += 1;
            if f & PLACE != 0 && ideos >= 2 {
                found = Some(j);
            }
            continue;
        }
        let mut k = j;
        while k < text.len() && text[k].is_ascii_alphanumeric() && k - j < 8 {
            k += 1;
        }
        if k == j || ideo(text, k).is_none() {
            break;
        }
        j = k;
    }
    found
}

/// Digits (ASCII, up to 6, `-` joined), one ASCII letter, or Chinese
/// numerals at `i`: their end (`i` when none).
fn number(text: &[u8], i: usize) -> usize {
    let mut j = i;
    while j < text.len() && text[j].is_ascii_digit() && j - i < 6 {
        j += 1;
    }
    if j > i {
        if text.get(j) == Some(&b'-') && text.get(j + 1).is_some_and(u8::is_ascii_digit) {
            return number(text, j + 1);
        }
        return j;
    }
    if text.get(i).is_some_and(u8::is_ascii_alphabetic)
        && !text.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
    {
        return i + 1;
    }
    // Chinese numerals (一 … 十), up to three
    let mut j = i;
    while j < i + 9
        && ideo(text, j).is_some_and(|k| {
            matches!(
                char::from_u32(0x4E00 + k as u32),
                Some('一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')
            )
        })
    {
        j += 3;
    }
    j
}

/// The unit at `i` (`号`, `单元`, …): its end.
fn unit(t: &Tables, text: &[u8], i: usize) -> Option<usize> {
    let f = flags_at(t, text, i)?;
    if f & UNIT == 0 {
        return None;
    }
    if text[i..].starts_with("单".as_bytes()) {
        return text[i..].starts_with("单元".as_bytes()).then_some(i + 6);
    }
    Some(i + 3)
}

/// An address starting at `s` (with a province name when `need_prov`): its
/// end.
fn address(t: &Tables, text: &[u8], s: usize, need_prov: bool) -> Option<usize> {
    // `住址北京市…`: the address starts after the cue
    if flags_at(t, text, s).is_some_and(|f| f & ACUE1 != 0) && word_at(text, s, ADDR_CUES).is_some()
    {
        return None;
    }
    let mut i = s;
    let mut prov = false;
    if flags_at(t, text, i).is_some_and(|f| f & PROV != 0)
        && let Some(p) = word_at(text, i, &t.provinces)
    {
        i += p;
        prov = true;
        if let Some(x) = word_at(text, i, SUFFIXES) {
            i += x;
        }
    }
    if need_prov && !prov {
        return None;
    }
    // administrative divisions
    let mut admins = 0;
    while admins < 4 {
        match run_to(t, text, i, ADMIN, 2, 7, true) {
            Some(e) => {
                i = e;
                admins += 1;
            }
            None => break,
        }
    }
    if !prov && admins == 0 {
        return None;
    }
    // the street: the longest run to a street character
    let mut street = false;
    if let Some(e) = run_to(t, text, i, STREET, 1, 12, false) {
        i = e;
        street = true;
    }
    // numbers with units, named estates and buildings
    let mut units = 0;
    loop {
        let k = number(text, i);
        if k > i {
            if let Some(e) = unit(t, text, k) {
                i = e;
                units += 1;
                continue;
            }
            // a number without a unit ends the address, unless it is a
            // Chinese numeral starting a name (`七喜大厦`)
            if text[i].is_ascii() {
                break;
            }
        }
        // a unit right after one: `20号楼`, `3号院`
        if units > 0
            && let Some(e) = unit(t, text, i)
            && !text[i..].starts_with("单元".as_bytes())
        {
            i = e;
            continue;
        }
        // a named estate or building followed by a number or the end
        if let Some(e) = place_run(t, text, i)
            && (street || units > 0)
        {
            i = e;
            units += 1;
            continue;
        }
        break;
    }
    if !(street && units > 0) {
        return None;
    }
    if admins + usize::from(prov) < 2 && i - s < 24 {
        return None;
    }
    // a postcode after a space
    if text.get(i) == Some(&b' ')
        && text.len() >= i + 7
        && text[i + 1..i + 7].iter().all(u8::is_ascii_digit)
        && !text.get(i + 7).is_some_and(u8::is_ascii_alphanumeric)
    {
        i += 7;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(s: &str) -> Vec<(bool, String)> {
        let mut out = Vec::new();
        scan(
            s.as_bytes(),
            true,
            true,
            crate::lexer::key_name,
            &mut Vec::new(),
            &mut out,
        );
        out.into_iter()
            .map(|(a, x, y)| (a, s[x..y].to_owned()))
            .collect()
    }

    #[test]
    fn names_by_what_follows() {
        let cases: &[(&str, &[&str])] = &[
            ("新来的同事叫李玉华，负责财务。", &["李玉华"]),
            ("曹飞同志自2019年起担任经理。", &["曹飞"]),
            ("客户王平来电咨询", &["王平"]),
            ("[15:02] 郑文：收到", &["郑文"]),
            ("@萧红梅 麻烦看一下", &["萧红梅"]),
            ("欧阳娜娜 邀请 傅强 加入了群聊", &["欧阳娜娜", "傅强"]),
            ("王经理明天到公司开会。", &[]),
            ("客户单位：四通科技有限公司", &[]),
            ("我们计划去金华旅游，顺便看看石家庄。", &[]),
        ];
        for (text, want) in cases {
            let got: Vec<String> = found(text)
                .into_iter()
                .filter(|f| !f.0)
                .map(|f| f.1)
                .collect();
            assert_eq!(&got, want, "{text}");
        }
    }

    /// Text from the tables' own words (surnames, given names, provinces
    /// and prefectures, street and unit characters, address cues, titles,
    /// words that introduce or follow a person), numbers, punctuation and
    /// ASCII, in a pseudo-random order.
    fn mixed_text(seed: u64, words: usize) -> String {
        mixed_text_keys(seed, words, 1)
    }

    /// [`mixed_text`] with each keyword that introduces a name `keys` times
    /// among the pieces (and after it, as often, a surname).
    fn mixed_text_keys(seed: u64, words: usize, keys: usize) -> String {
        let mut sur = data_lines(SURNAMES);
        let mut given = data_lines(GIVEN);
        let mut div = data_lines(DIVISIONS);
        let mut pieces: Vec<String> = Vec::new();
        for line in [
            sur.next(),
            sur.next(),
            given.next(),
            given.next(),
            given.next(),
        ] {
            pieces.extend(line.unwrap_or("").chars().map(String::from));
        }
        for line in [sur.next(), div.next(), div.next()] {
            pieces.extend(line.unwrap_or("").split_whitespace().map(String::from));
        }
        for chars in [
            ADMIN_CHARS,
            STREET_CHARS,
            UNIT_CHARS,
            PLACE_CHARS,
            STOP_CHARS,
            RIGHT_CHARS,
            LEFT_CHARS,
        ] {
            pieces.extend(chars.chars().map(String::from));
        }
        for words in [ADDR_CUES, TITLE_WORDS, WORDS, SUFFIXES] {
            pieces.extend(words.iter().map(|w| w.to_string()));
        }
        for _ in 0..keys {
            pieces.extend(name_keys().map(String::from));
        }
        for s in data_lines(SURNAMES)
            .next()
            .unwrap_or("")
            .chars()
            .take(keys * 6)
        {
            pieces.push(s.to_string());
        }
        for p in [
            "，", "。", "：", "、", " ", "\n", "12", "3-5", "B", "88", "一", "十二", " 100080",
            "[15:02] ", "name=", "来电", "同志", "小区", "大厦", "单元", "\u{3400}", "𠀀",
        ] {
            pieces.push(p.to_string());
        }
        let mut x = seed;
        let mut s = String::new();
        for _ in 0..words {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            s.push_str(&pieces[(x >> 33) as usize % pieces.len()]);
        }
        s
    }

    #[test]
    fn inner_loop_finds_what_full_steps_find() {
        // (names, addresses) found, so the comparison is not of nothing
        let mut found = (0, 0);
        for seed in 1..=6 {
            let text = mixed_text(seed, 30_000);
            let b = text.as_bytes();
            // names found after a keyword: every fifth surname's three
            // characters
            let taken: Vec<(usize, usize)> = (0..b.len())
                .filter(|&j| text.is_char_boundary(j) && surname_len(b, j) == Some(3))
                .step_by(5)
                .map(|j| (j, j + 9))
                .filter(|&(_, e)| e <= b.len() && text.is_char_boundary(e))
                .collect();
            let mut taken = taken;
            taken.dedup_by(|b, a| b.0 < a.1);
            for (names, addresses) in [(true, true), (true, false), (false, true)] {
                for tk in [&[][..], &taken[..]] {
                    let (mut fast, mut full) = (Vec::new(), Vec::new());
                    walk::<true>(b, names, addresses, None, &mut tk.to_vec(), &mut fast);
                    walk::<false>(b, names, addresses, None, &mut tk.to_vec(), &mut full);
                    found.0 += fast.iter().filter(|f| !f.0).count();
                    found.1 += fast.iter().filter(|f| f.0).count();
                    assert_eq!(
                        fast, full,
                        "seed {seed}, names {names}, addresses {addresses}"
                    );
                }
            }
        }
        assert!(found.0 > 1000 && found.1 > 100, "{found:?}");
    }

    #[test]
    fn name_keys_overlap_none() {
        // the walk finds every keyword where it starts, as a search of all
        // the keywords would: none may end where another starts or hold
        // another, and each starts with two ideographs (the walk's pair)
        let keys: Vec<&str> = name_keys().collect();
        assert!(keys.len() >= 6, "{keys:?}");
        for a in &keys {
            let c: Vec<char> = a.chars().collect();
            assert!(c.len() >= 2 && c[..2].iter().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)));
            for b in &keys {
                if a != b {
                    assert!(!a.contains(b), "{a} holds {b}");
                }
                for k in 1..c.len() {
                    let tail: String = c[k..].iter().collect();
                    assert!(!b.starts_with(&tail), "{a} ends where {b} starts");
                }
            }
        }
    }

    #[test]
    fn keywords_found_on_the_way_as_by_a_search() {
        // names after keywords: the walk's (keywords found as it passes)
        // against those of a search of every keyword at every byte, given to
        // the full steps as names to skip
        let t = tables();
        let mut found = 0;
        for seed in 11..=16 {
            let text = mixed_text_keys(seed, 30_000, 25);
            let b = text.as_bytes();
            let mut searched = Vec::new();
            for q in 0..b.len() {
                if let Some(l) = word_at(b, q, &t.keys)
                    && let Some(span) = crate::lexer::key_name(b, q + l)
                {
                    searched.push(span);
                }
            }
            found += searched.len();
            for (names, addresses) in [(true, true), (true, false)] {
                let mut want = Vec::new();
                walk::<false>(b, names, addresses, None, &mut searched.clone(), &mut want);
                let kn: KeyName = crate::lexer::key_name;
                let (mut fast, mut full) = (Vec::new(), Vec::new());
                let (mut tfast, mut tfull) = (Vec::new(), Vec::new());
                walk::<true>(b, names, addresses, Some(kn), &mut tfast, &mut fast);
                walk::<false>(b, names, addresses, Some(kn), &mut tfull, &mut full);
                // the first difference, not the whole lists
                let first = |a: &[(usize, usize)], b: &[(usize, usize)]| {
                    let k = a.iter().zip(b).take_while(|(x, y)| x == y).count();
                    (a.len(), b.len(), a.get(k).copied(), b.get(k).copied())
                };
                let spans = |v: &[Span]| v.iter().map(|s| (s.1, s.2)).collect::<Vec<_>>();
                for (got, what) in [(&tfast, "inner loop"), (&tfull, "full steps")] {
                    assert!(
                        got == &searched,
                        "seed {seed}, addresses {addresses}, {what}: names after keywords {:?}",
                        first(got, &searched)
                    );
                }
                for (got, what) in [(&fast, "inner loop"), (&full, "full steps")] {
                    assert!(
                        got == &want,
                        "seed {seed}, addresses {addresses}, {what}: found {:?}",
                        first(&spans(got), &spans(&want))
                    );
                }
            }
        }
        assert!(found > 1000, "{found}");
    }

    #[test]
    fn addresses_by_grammar() {
        let cases: &[(&str, &str)] = &[
            (
                "吉林省欣县淄川惠州街B座 674391",
                "吉林省欣县淄川惠州街B座 674391",
            ),
            (
                "我家住在广东省深圳市南山区科技园路88号华润大厦32层3201室，欢迎来玩。",
                "广东省深圳市南山区科技园路88号华润大厦32层3201室",
            ),
            (
                "收货地址：艳市高港区兰州路277号G座23楼",
                "艳市高港区兰州路277号G座23楼",
            ),
        ];
        for (text, want) in cases {
            let got: Vec<String> = found(text)
                .into_iter()
                .filter(|f| f.0)
                .map(|f| f.1)
                .collect();
            assert_eq!(got, vec![want.to_string()], "{text}");
        }
    }
}
