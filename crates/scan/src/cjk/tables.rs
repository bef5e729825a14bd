//! The tables of the name and address pass ([`super`]): the flag bits per
//! ideograph, the character and word lists, and the lookup tables built
//! from them once per process.

use std::sync::OnceLock;

#[cfg(test)]
use super::key6;

/// Flags per ideograph (U+4E00–U+9FFF).
pub(super) const SUR1: u32 = 1;
pub(super) const SUR2: u32 = 1 << 1;
/// First character of a compound surname.
pub(super) const SURC: u32 = 1 << 2;
pub(super) const GIVEN1: u32 = 1 << 3;
pub(super) const GIVEN2: u32 = 1 << 4;
/// Ends an administrative division (省 市 县 区 州 旗 盟 镇 乡).
pub(super) const ADMIN: u32 = 1 << 5;
/// Ends a street (路 街 道 巷 弄 村 里).
pub(super) const STREET: u32 = 1 << 6;
/// A unit after a number (号 栋 幢 座 层 楼 室 户 组 院 期 单).
pub(super) const UNIT: u32 = 1 << 7;
/// Ends a named estate or building (小区, 大厦, 花园, …).
pub(super) const PLACE: u32 = 1 << 8;
/// First character of a province name.
pub(super) const PROV: u32 = 1 << 9;
/// Never inside a name or an address (function words, verbs of prose).
pub(super) const STOP: u32 = 1 << 10;
/// May follow a name (说, 和, 来电, 同志, 女士, …).
pub(super) const RIGHT: u32 = 1 << 11;
/// May introduce a name as the last character of a word (叫, 由, 户, 人, …).
pub(super) const LEFT: u32 = 1 << 12;
/// Last character of a word that introduces an address (址, 在, 往, 至, 于, 为, 到).
pub(super) const CUE: u32 = 1 << 13;
/// First character of a title after a surname (经理, 总, 老师, …).
pub(super) const TITLE: u32 = 1 << 14;
/// Never inside an address (function words of prose).
pub(super) const ASTOP: u32 = 1 << 15;
/// A possible given-name character (tier 3; see `data/given.txt`).
pub(super) const GIVEN3: u32 = 1 << 16;
/// First character of a word that introduces an address ([`ADDR_CUES`]).
pub(super) const ACUE1: u32 = 1 << 17;
/// Second character of a province name: with [`PROV`] before it, the
/// province list is worth comparing (`上`, `新`, `西` start many words).
pub(super) const PROV2: u32 = 1 << 18;
/// Second character of a compound surname.
pub(super) const SURC2: u32 = 1 << 19;
/// Derived bits for the walk's inner loop, which decides a position from
/// its flags and the next character's: a bit of the "before" group (`B_*`)
/// shifted left by [`PAIR_SHIFT`] meets the bit of the "after" group
/// (`A_*`) that makes the pair worth a full step.
pub(super) const PAIR_SHIFT: u32 = 5;
/// A single surname (before a given name or a title: a name candidate).
pub(super) const B_SUR: u32 = 1 << 20;
/// The first character of a compound surname.
pub(super) const B_SURC: u32 = 1 << 21;
/// The first character of a province name or of an address cue (one bit
/// for both: a province's first character before a cue's last, or a cue's
/// first before a province's second, is a full step more, not another
/// result).
pub(super) const B_PLACE: u32 = 1 << 22;
/// The first character of a keyword that introduces a name ([`name_keys`]).
pub(super) const B_KEY: u32 = 1 << 23;
/// A street character (with [`A_ANY`]: whatever follows).
pub(super) const B_STREET: u32 = 1 << 24;
/// Starts a given name or a title: after a surname, a name candidate.
pub(super) const A_NAME: u32 = B_SUR << PAIR_SHIFT;
/// The second character of a compound surname.
pub(super) const A_SURC2: u32 = B_SURC << PAIR_SHIFT;
/// The second character of a province name or the last of an address cue.
pub(super) const A_PLACE: u32 = B_PLACE << PAIR_SHIFT;
/// The second character of a keyword that introduces a name.
pub(super) const A_KEY2: u32 = B_KEY << PAIR_SHIFT;
/// On every entry of the walk table, ideograph or not.
pub(super) const A_ANY: u32 = B_STREET << PAIR_SHIFT;
/// Every "before" bit: a position without one starts no pair.
pub(super) const B_ALL: u32 = B_SUR | B_SURC | B_PLACE | B_KEY | B_STREET;
/// In the walk's `prev_f`, never in the table: no ideograph ends where the
/// walk is (it has just passed ASCII or another character). With [`CUE`]
/// set too, so an address candidate is still recorded at the run's start.
pub(super) const NO_IDEO: u32 = 1 << 31;

pub(super) const SURNAMES: &str = include_str!("../../data/surnames.txt");
pub(super) const GIVEN: &str = include_str!("../../data/given.txt");
pub(super) const DIVISIONS: &str = include_str!("../../data/divisions.txt");
pub(super) const NOT_NAMES: &str = include_str!("../../data/not_names.txt");

pub(super) const ADMIN_CHARS: &str = "省市县区州旗盟镇乡";
pub(super) const STREET_CHARS: &str = "路街道巷弄村里";
pub(super) const UNIT_CHARS: &str = "号栋幢座层楼室户组院期单";
pub(super) const PLACE_CHARS: &str = "区厦园寓场心楼苑庄城馆府湾阁院村坊舍";
/// Characters that never stand inside a given name.
pub(super) const STOP_CHARS: &str = "的了是在和与及或我你他她它们这那有没不也都就还说去来到为被把将从向对给让请要会能可以着过得地之其所而但并且个些么吗呢吧啊呀哦嗯已于等时后前中上下里外内";
/// Characters that never stand inside an address.
pub(super) const ASTOP_CHARS: &str =
    "址的了是在我你他她它们说把被吗呢吧啊呀哦嗯这那有没不也就还要会能";
/// First characters of what may follow a name: `说`, `和`, `的`, `来电`,
/// `同志`, `先生`, `女士`, `老师`, `介绍`, `主持`, `记录`, `反映`, `推荐`,
/// `修改`, `邀请`, `加入`, `撤回`, `负责`, `担任`, `要求`, `名下`, `住在` …
pub(super) const RIGHT_CHARS: &str = "名住说和与及等的在已于将也都是对把被给向从去来到表介主记反推修邀加撤负担要确提申签办入离女男同先老经总请让因今昨曾现为称回打收拨共处出上下报所认发做需希";
/// The last characters of words that introduce a person: verbs (`叫`,
/// `由`, `任命`), roles (`客户`, `代表`, `经理`, `记者`, `老师`, `员工`).
pub(super) const LEFT_CHARS: &str = "叫由给和与及同跟请让被向据派交找问谢系户人员事友邀是为名称见将把对天者客表理任师生长官士工警督导记命选荐聘";
pub(super) const CUE_CHARS: &str = "址在往至于为到住";
pub(super) const TITLE_WORDS: &[&str] = &[
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
pub(super) const WORDS: &[&str] = &[
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
pub(super) const ADDR_CUES: &[&str] = &[
    "地址", "住址", "住在", "家住", "寄往", "送至", "位于", "改为", "址为", "搬到", "寄到", "送到",
    "居住", "住于", "现住", "户籍", "发往", "迁至",
];
pub(super) const SUFFIXES: &[&str] = &[
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
];

pub(super) struct Tables {
    /// The flags per ideograph, indexed by the code point less U+4E00.
    pub(super) flags: Vec<u32>,
    /// The flags again for the walk's inner loop ([`walk_flags`](super::walk_flags)), indexed
    /// by the code point less U+4000 (all a three-byte sequence with an
    /// `E4`–`E9` lead byte can give), [`NO_IDEO`] below U+4E00; every
    /// entry with [`A_ANY`].
    pub(super) walk: Box<[u32; 0x8000]>,
    /// For the inner loop's pass over ideographs that start nothing, no
    /// decode: indexed by [`skip_index`](super::skip_index) of a three-byte sequence (the lead
    /// byte's low four bits and the second byte's low six), a bit per
    /// third byte's low six bits, set where the walk must look closer: an
    /// ideograph with a "before" bit (`B_*`), anything below U+4E00, and
    /// every lead byte outside `E4`–`E9`.
    pub(super) skip: Box<[u64; 1024]>,
    /// Compound surnames (two ideographs), packed by [`key6`](super::key6), sorted.
    pub(super) compounds: Vec<u64>,
    pub(super) provinces: Vec<&'static str>,
    /// Words of a name's shape that are none, packed ([`pack`]) and
    /// sorted: `data/not_names.txt`, place names, [`WORDS`].
    pub(super) not_names: Vec<u128>,
    /// The keywords that introduce a name ([`name_keys`]).
    pub(super) keys: Vec<&'static str>,
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
pub(super) fn pack(b: &[u8]) -> Option<u128> {
    if b.len() > 15 {
        return None;
    }
    let mut k = [0u8; 16];
    k[..b.len()].copy_from_slice(b);
    k[15] = b.len() as u8;
    Some(u128::from_le_bytes(k))
}

pub(super) fn data_lines(s: &'static str) -> impl Iterator<Item = &'static str> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The number of ideographs (U+4E00–U+9FFF) in the flag table.
pub(super) const NF: usize = 0xA000 - 0x4E00;

/// The flag table, built at compile time ([`const_flags`]).
static FLAGS: [u32; NF] = const_flags();
static WALK: [u32; 0x8000] = const_walk(&FLAGS);
static SKIP: [u64; 1024] = const_skip(&FLAGS);

/// The code point of the three-byte UTF-8 sequence at `s[i..]`, if one is
/// there.
const fn char3(s: &[u8], i: usize) -> Option<usize> {
    if i + 3 > s.len() || s[i] & 0xF0 != 0xE0 || s[i + 1] & 0xC0 != 0x80 || s[i + 2] & 0xC0 != 0x80
    {
        return None;
    }
    Some(
        ((s[i] as usize & 0x0F) << 12)
            | ((s[i + 1] as usize & 0x3F) << 6)
            | (s[i + 2] as usize & 0x3F),
    )
}

/// `f` on the ideograph at `s[i..]` if one starts there and ends by `end`.
const fn set_at(flags: &mut [u32; NF], s: &[u8], i: usize, end: usize, f: u32) {
    if i + 3 <= end
        && let Some(u) = char3(s, i)
        && u >= 0x4E00
        && u < 0xA000
    {
        flags[u - 0x4E00] |= f;
    }
}

/// `f` on every ideograph of `s[a..b]` (valid UTF-8), character by
/// character.
const fn set_all(flags: &mut [u32; NF], s: &[u8], a: usize, b: usize, f: u32) {
    let mut i = a;
    while i < b {
        let c = s[i];
        let n = if c < 0x80 {
            1
        } else if c & 0xE0 == 0xC0 {
            2
        } else if c & 0xF0 == 0xE0 {
            3
        } else {
            4
        };
        if n == 3 {
            set_at(flags, s, i, b, f);
        }
        i += n;
    }
}

/// For each word of `s[a..b]` (split at spaces): `f1` on its first
/// ideograph (bytes 0–2), `f2` on its second (bytes 3–5).
const fn set_words(flags: &mut [u32; NF], s: &[u8], a: usize, b: usize, f1: u32, f2: u32) {
    let mut i = a;
    while i < b {
        while i < b && s[i].is_ascii_whitespace() {
            i += 1;
        }
        let w = i;
        while i < b && !s[i].is_ascii_whitespace() {
            i += 1;
        }
        if i > w {
            set_at(flags, s, w, i, f1);
            set_at(flags, s, w + 3, i, f2);
        }
    }
}

/// The line of `s` starting at `i`: its trimmed byte range and its end (the
/// newline or the end of `s`).
const fn trimmed_line(s: &[u8], i: usize) -> (usize, usize, usize) {
    let mut e = i;
    while e < s.len() && s[e] != b'\n' {
        e += 1;
    }
    let (mut a, mut b) = (i, e);
    while a < b && s[a].is_ascii_whitespace() {
        a += 1;
    }
    while b > a && s[b - 1].is_ascii_whitespace() {
        b -= 1;
    }
    (a, b, e)
}

/// The byte range of the `n`th data line of `s` (as [`data_lines`]: trimmed,
/// neither empty nor a `#` comment; the data hold no whitespace but ASCII),
/// empty if there are fewer.
const fn data_line(s: &[u8], n: usize) -> (usize, usize) {
    let (mut i, mut k) = (0, 0);
    while i < s.len() {
        let (a, b, e) = trimmed_line(s, i);
        if a < b && s[a] != b'#' {
            if k == n {
                return (a, b);
            }
            k += 1;
        }
        i = e + 1;
    }
    (0, 0)
}

/// The flags of every ideograph, from the data files and the lists above
/// (evaluated by the compiler: a scan pays nothing for it).
const fn const_flags() -> [u32; NF] {
    let mut flags = [0u32; NF];
    let sur = SURNAMES.as_bytes();
    let (a, b) = data_line(sur, 0);
    set_all(&mut flags, sur, a, b, SUR1);
    let (a, b) = data_line(sur, 1);
    set_all(&mut flags, sur, a, b, SUR2);
    let (a, b) = data_line(sur, 2);
    set_words(&mut flags, sur, a, b, SURC, SURC2);
    let given = GIVEN.as_bytes();
    let tiers = [GIVEN1, GIVEN2, GIVEN3];
    let mut k = 0;
    while k < 3 {
        let (a, b) = data_line(given, k);
        set_all(&mut flags, given, a, b, tiers[k]);
        k += 1;
    }
    let chars: [(&str, u32); 9] = [
        (ADMIN_CHARS, ADMIN),
        (STREET_CHARS, STREET),
        (UNIT_CHARS, UNIT),
        (PLACE_CHARS, PLACE),
        (STOP_CHARS, STOP),
        (ASTOP_CHARS, ASTOP),
        (RIGHT_CHARS, RIGHT),
        (LEFT_CHARS, LEFT),
        (CUE_CHARS, CUE),
    ];
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].0.as_bytes();
        set_all(&mut flags, c, 0, c.len(), chars[k].1);
        k += 1;
    }
    let mut k = 0;
    while k < TITLE_WORDS.len() {
        let w = TITLE_WORDS[k].as_bytes();
        set_at(&mut flags, w, 0, w.len(), TITLE);
        k += 1;
    }
    let div = DIVISIONS.as_bytes();
    let (a, b) = data_line(div, 0);
    set_words(&mut flags, div, a, b, PROV, PROV2);
    let mut k = 0;
    while k < ADDR_CUES.len() {
        let w = ADDR_CUES[k].as_bytes();
        set_at(&mut flags, w, 0, w.len(), ACUE1);
        k += 1;
    }
    // given-name flags on stop characters would let names run into prose
    let mut k = 0;
    while k < NF {
        if flags[k] & STOP != 0 {
            flags[k] &= !(GIVEN1 | GIVEN2 | GIVEN3);
        }
        k += 1;
    }
    // the pair bits of the walk's inner loop, from the flags above
    let mut k = 0;
    while k < NF {
        flags[k] |= pair_bits(flags[k]);
        k += 1;
    }
    // the keywords that introduce a name ([`name_keys`])
    let keys = crate::lexer::KEYWORDS;
    let mut k = 0;
    while k < keys.len() {
        if keys[k].1 & crate::lexer::ctx::NAME_INTRO != 0 {
            let w = keys[k].0.as_bytes();
            set_at(&mut flags, w, 0, w.len(), B_KEY);
            set_at(&mut flags, w, 3, w.len(), A_KEY2);
        }
        k += 1;
    }
    flags
}

/// [`Tables::walk`] from the flags.
const fn const_walk(flags: &[u32; NF]) -> [u32; 0x8000] {
    let mut walk = [NO_IDEO | A_ANY; 0x8000];
    let mut k = 0;
    while k < NF {
        walk[0xE00 + k] = flags[k] | A_ANY;
        k += 1;
    }
    walk
}

/// [`Tables::skip`] from the flags: all bits set but for the ideographs
/// (U+4E00–U+9FFF) without a "before" bit.
const fn const_skip(flags: &[u32; NF]) -> [u64; 1024] {
    let mut skip = [u64::MAX; 1024];
    let mut u = 0x4E00;
    while u < 0xA000 {
        skip[(u >> 12) | ((u >> 2) & 0x3F0)] = 0;
        u += 64;
    }
    let mut k = 0;
    while k < NF {
        if flags[k] & B_ALL != 0 {
            let u = 0x4E00 + k;
            skip[(u >> 12) | ((u >> 2) & 0x3F0)] |= 1 << (u & 63);
        }
        k += 1;
    }
    skip
}

/// [`pack`] of `s[a..b]` (at most 15 bytes).
const fn pack_const(s: &[u8], a: usize, b: usize) -> u128 {
    let mut k = [0u8; 16];
    let mut i = a;
    while i < b {
        k[i - a] = s[i];
        i += 1;
    }
    k[15] = (b - a) as u8;
    u128::from_le_bytes(k)
}

/// Each word of `s[a..b]` (split at spaces) of `min`–`max` bytes, packed
/// ([`pack`] with `max` 15, the first six bytes as [`key6`](super::key6) with `min` 6),
/// into `out` from `n` on (as far as it goes); the count after them.
const fn push_words<const N: usize>(
    out: &mut [u128; N],
    mut n: usize,
    s: &[u8],
    (a, b): (usize, usize),
    six: bool,
) -> usize {
    let mut i = a;
    while i < b {
        while i < b && s[i].is_ascii_whitespace() {
            i += 1;
        }
        let w = i;
        while i < b && !s[i].is_ascii_whitespace() {
            i += 1;
        }
        let ok = if six {
            i >= w + 6
        } else {
            i > w && i - w <= 15
        };
        if ok {
            if n < N {
                out[n] = if six {
                    pack_const(s, w, w + 6) & 0xFFFF_FFFF_FFFF
                } else {
                    pack_const(s, w, i)
                };
            }
            n += 1;
        }
    }
    n
}

/// The words of [`Tables::not_names`] before sorting (as many as fit in
/// `N`) and their count.
const fn not_names_raw<const N: usize>() -> ([u128; N], usize) {
    let mut out = [0u128; N];
    let mut n = 0;
    // every data line of `not_names.txt`, in one pass
    let s = NOT_NAMES.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let (a, b, e) = trimmed_line(s, i);
        if a < b && s[a] != b'#' {
            n = push_words(&mut out, n, s, (a, b), false);
        }
        i = e + 1;
    }
    let d = DIVISIONS.as_bytes();
    n = push_words(&mut out, n, d, data_line(d, 1), false);
    n = push_words(&mut out, n, d, data_line(d, 0), false);
    let mut k = 0;
    while k < WORDS.len() {
        let w = WORDS[k].as_bytes();
        n = push_words(&mut out, n, w, (0, w.len()), false);
        k += 1;
    }
    (out, n)
}

/// The compound surnames ([`key6`](super::key6)) before sorting, and their count.
const fn compounds_raw<const N: usize>() -> ([u128; N], usize) {
    let mut out = [0u128; N];
    let s = SURNAMES.as_bytes();
    let n = push_words(&mut out, 0, s, data_line(s, 2), true);
    (out, n)
}

/// `a` sorted (heapsort: a few comparisons per element, for the compiler's
/// evaluation).
const fn sorted<const N: usize>(mut a: [u128; N]) -> [u128; N] {
    const fn sift(a: &mut [u128], mut r: usize, end: usize) {
        loop {
            let mut c = 2 * r + 1;
            if c >= end {
                return;
            }
            if c + 1 < end && a[c + 1] > a[c] {
                c += 1;
            }
            if a[r] >= a[c] {
                return;
            }
            let t = a[r];
            a[r] = a[c];
            a[c] = t;
            r = c;
        }
    }
    let mut i = N / 2;
    while i > 0 {
        i -= 1;
        sift(&mut a, i, N);
    }
    let mut end = N;
    while end > 1 {
        end -= 1;
        let t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift(&mut a, 0, end);
    }
    a
}

/// The number of distinct values of sorted `a`.
const fn distinct(a: &[u128]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < a.len() {
        if i == 0 || a[i] != a[i - 1] {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The distinct values of sorted `a` (`M` of them).
const fn dedup<const N: usize, const M: usize>(a: &[u128; N]) -> [u128; M] {
    let mut out = [0u128; M];
    let (mut i, mut n) = (0, 0);
    while i < N {
        if i == 0 || a[i] != a[i - 1] {
            out[n] = a[i];
            n += 1;
        }
        i += 1;
    }
    out
}

const NN_RAW: usize = not_names_raw::<0>().1;
static NN_SORTED: [u128; NN_RAW] = sorted(not_names_raw::<NN_RAW>().0);
const NN: usize = distinct(&NN_SORTED);
/// [`Tables::not_names`], built at compile time.
static NOT_NAMES_T: [u128; NN] = dedup(&NN_SORTED);

const NC_RAW: usize = compounds_raw::<0>().1;
static NC_SORTED: [u128; NC_RAW] = sorted(compounds_raw::<NC_RAW>().0);
const NC: usize = distinct(&NC_SORTED);
/// [`Tables::compounds`], built at compile time.
static COMPOUNDS: [u64; NC] = {
    let d: [u128; NC] = dedup(&NC_SORTED);
    let mut out = [0u64; NC];
    let mut i = 0;
    while i < NC {
        out[i] = d[i] as u64;
        i += 1;
    }
    out
};

#[inline]
pub(super) fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut div = data_lines(DIVISIONS);
        let provinces: Vec<&'static str> = div.next().unwrap_or("").split_whitespace().collect();
        let keys: Vec<&'static str> = name_keys().collect();
        Tables {
            flags: FLAGS.to_vec(),
            walk: Box::new(WALK),
            skip: Box::new(SKIP),
            compounds: COMPOUNDS.to_vec(),
            provinces,
            not_names: NOT_NAMES_T.to_vec(),
            keys,
        }
    })
}

/// The three character tables as the code before [`FLAGS`] built them at
/// run time (from the same data, by `str` methods): the reference the
/// compile-time build is tested against.
/// The pair bits of the walk's inner loop for a character with flags `g`.
/// A compound's first character that is no single surname (`完` of `完颜`)
/// starts a name only before the compound's second ([`B_SURC`]), not before
/// a given name (`已完成`).
const fn pair_bits(g: u32) -> u32 {
    let mut d = 0;
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
    d
}

#[cfg(test)]
#[allow(clippy::type_complexity)]
pub(super) fn char_tables_at_run_time() -> (Vec<u32>, Box<[u32; 0x8000]>, Box<[u64; 1024]>) {
    {
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
            *f |= pair_bits(*f);
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
        (flags, walk, skip)
    }
}

/// [`Tables::compounds`] and [`Tables::not_names`] as the code before
/// [`COMPOUNDS`] and [`NOT_NAMES_T`] built them at run time.
#[cfg(test)]
pub(super) fn word_tables_at_run_time() -> (Vec<u64>, Vec<u128>) {
    let sc = data_lines(SURNAMES).nth(2).unwrap_or("");
    let mut compounds: Vec<u64> = sc
        .split_whitespace()
        .filter_map(|c| key6(c.as_bytes(), 0))
        .collect();
    compounds.sort_unstable();
    compounds.dedup();
    let mut div = data_lines(DIVISIONS);
    let provinces: Vec<&'static str> = div.next().unwrap_or("").split_whitespace().collect();
    let places: Vec<&'static str> = div.next().unwrap_or("").split_whitespace().collect();
    let mut not_names: Vec<u128> = data_lines(NOT_NAMES)
        .flat_map(str::split_whitespace)
        .chain(places.iter().copied())
        .chain(provinces.iter().copied())
        .chain(WORDS.iter().copied())
        .filter_map(|w| pack(w.as_bytes()))
        .collect();
    not_names.sort_unstable();
    not_names.dedup();
    (compounds, not_names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compile_time_tables_as_built_at_run_time() {
        let (flags, walk, skip) = char_tables_at_run_time();
        assert_eq!(flags.len(), NF);
        assert!(flags.iter().zip(&FLAGS).all(|(a, b)| a == b));
        assert!(walk.iter().zip(&WALK).all(|(a, b)| a == b));
        assert!(skip.iter().zip(&SKIP).all(|(a, b)| a == b));
        let (compounds, not_names) = word_tables_at_run_time();
        assert_eq!(compounds, COMPOUNDS);
        assert_eq!(not_names, NOT_NAMES_T);
        assert!(compounds.len() > 40 && not_names.len() > 1000);
        // the data set something: a surname, a given name, a province
        assert!(FLAGS.iter().filter(|f| *f & SUR1 != 0).count() > 50);
        assert!(FLAGS.iter().filter(|f| *f & GIVEN1 != 0).count() > 50);
        assert!(FLAGS.iter().filter(|f| *f & PROV != 0).count() > 10);
    }
}
