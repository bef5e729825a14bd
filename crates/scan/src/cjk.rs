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

use wide::u8x16;

mod memo;
mod tables;

use memo::{Effect, Found, Memo, Walked};
use tables::*;

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
/// its span. It reads past at most three separators (ASCII ones, or `：`,
/// `为`, `是`) and then ideographs, and looks no further than the first
/// character that ends the name: the walk's memo ([`memo`]) relies on it.
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
    thread_local! {
        static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::new());
    }
    MEMO.with_borrow_mut(|memo| {
        walk::<true>(
            text,
            names,
            addresses,
            names.then_some(key_name),
            taken,
            out,
            Some(memo),
        );
    });
}

/// The segment `text[s..a]` (between ASCII bytes) reads nothing past its
/// end that could change what the walk does there, and starts no address
/// grammar (which looks back at candidates recorded before it): no street
/// character (with `addresses`), and no keyword that introduces a name
/// (with `keys`) whose separators reach the segment's end ([`KeyName`]).
fn inert(t: &Tables, text: &[u8], s: usize, a: usize, addresses: bool, keys: bool) -> bool {
    let mut q = s;
    while q < a {
        let f = walk_flags(t, text, q);
        if f & NO_IDEO != 0 {
            q += 1;
            continue;
        }
        if addresses && f & STREET != 0 {
            return false;
        }
        if keys
            && f & B_KEY != 0
            && let Some(l) = word_at(text, q, &t.keys)
        {
            let mut x = q + l;
            for _ in 0..3 {
                if x >= a {
                    return false;
                }
                if crate::lexer::KEY_NAME_SEPARATORS
                    .iter()
                    .any(|c| text[x..].starts_with(c.as_bytes()))
                {
                    x += 3;
                } else {
                    break;
                }
            }
        }
        q += 3;
    }
    true
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

/// The walk's use of the memo where an ASCII run ends at `i`: the segment
/// walked before it is kept, if it is to be, and the segment at `i` looked
/// up. Where the memo holds it (and the walk's state allows: no name after
/// a keyword, `ahead`, ends past `i`; the keyword search has not gone past
/// `i`), its effect on the walk's address candidates and keyword search
/// (`state`, with where the memo is next looked up: after a pause) is
/// applied, and the segment's end returned. `opts`: the walk's
/// tag, `addresses`, whether it finds keywords; `lens`: the lengths of
/// `out` and `taken`, and the names after keywords not yet passed.
///
/// A segment where the walk found nothing ends where the walk enters the
/// ASCII branch next: it jumps past a position only over what it finds.
#[inline(never)]
fn memo_step(
    m: &mut Memo,
    t: &Tables,
    text: &[u8],
    i: usize,
    opts: (u32, bool, bool),
    lens: (usize, usize, &[(usize, usize)]),
    state: (&mut [(usize, bool); 4], &mut usize, &mut usize, &mut usize),
) -> Option<usize> {
    let (tag, addresses, keys) = opts;
    let (out, taken, ahead) = lens;
    let (cands, nc, keys_to, from) = state;
    let now = Walked {
        out,
        taken,
        nc: *nc,
        keys_to: *keys_to,
    };
    if let Some(r) = m.rec.take() {
        let (s, a) = (r.start, r.end);
        let effect = (now.out == r.at.out
            && now.taken == r.at.taken
            && inert(t, text, s, a, addresses, keys))
        .then(|| {
            let pushes = now.nc - r.at.nc;
            let k = pushes.min(4);
            let mut c = [0u32; 4];
            for (j, c) in c.iter_mut().enumerate().take(k) {
                let (p, need) = cands[(now.nc - k + j) % 4];
                *c = ((p - s) << 1) as u32 | u32::from(need);
            }
            Effect {
                pushes: pushes as u32,
                cands: c,
                keys_to: if now.keys_to != r.at.keys_to {
                    (now.keys_to - s) as u32
                } else {
                    0
                },
            }
        });
        m.insert(&text[s..a], r.hash, tag, effect);
    }
    if i >= text.len() || now.keys_to > i || ahead.iter().any(|s| s.1 > i) {
        return None;
    }
    match m.lookup(text, i, tag) {
        Found::Hit(a, e) => {
            let k = (e.pushes as usize).min(4);
            *nc += e.pushes as usize - k;
            for &c in &e.cands[..k] {
                cands[*nc % 4] = (i + (c >> 1) as usize, c & 1 != 0);
                *nc += 1;
            }
            if e.keys_to != 0 {
                *keys_to = i + e.keys_to as usize;
            }
            Some(a)
        }
        Found::Miss(len, hash) => {
            m.rec = Some(memo::Rec {
                start: i,
                end: i + len,
                hash,
                at: now,
            });
            None
        }
        Found::Pause => {
            // few hits of late: no lookups for a while
            *from = i.saturating_add(std::mem::take(&mut m.pause));
            None
        }
        Found::Bad | Found::None => None,
    }
}

/// [`scan`]; without `INNER` every ideograph takes the full step (the
/// reference the inner loop is tested against: both find the same).
/// `key_name`: find the keywords that introduce a name (and append the
/// names to `taken`); without it, `taken` holds the names to skip. With
/// `memo`, a segment between ASCII bytes that it holds is passed at once
/// ([`memo`]), and one it does not is walked and then kept in it.
fn walk<const INNER: bool>(
    text: &[u8],
    names: bool,
    addresses: bool,
    key_name: Option<KeyName>,
    taken: &mut Vec<(usize, usize)>,
    out: &mut Vec<Span>,
    mut memo: Option<&mut Memo>,
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
    let tag = memo::opts(names, addresses, key_name.is_some());
    // the memo is looked up from here on (after a pause)
    let mut memo_from = match memo.as_deref_mut() {
        Some(m) => {
            m.rec = None;
            std::mem::take(&mut m.pause)
        }
        None => usize::MAX,
    };
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
            if i >= memo_from
                && let Some(m) = memo.as_deref_mut()
                && let Some(a) = memo_step(
                    m,
                    t,
                    text,
                    i,
                    (tag, addresses, key_name.is_some()),
                    (out.len(), taken.len(), &taken[tk.min(taken.len())..]),
                    (&mut cands, &mut nc, &mut keys_to, &mut memo_from),
                )
            {
                i = a;
            }
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
        let lone = f & (B_ALL | CUE) == 0 && prev_f & NO_IDEO != 0 && prev_f & block != 0;
        if INNER && prev_end == i && (lone || prev_f & block == 0) {
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
            // a single surname (not before a title) needs a second given-name
            // character after the first, or, after a boundary or a word that
            // introduces a person, what closes a one-character given name
            // there; with neither, [`name_scored`] finds none (`录成功，`,
            // `络安全法`)
            if no_given_end(t, text, i, f, nx, pf) {
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
    if let Some(m) = memo {
        // what is left of a pause carries over to the next text
        m.pause = memo_from.saturating_sub(n);
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
        let m = (fp << PAIR_SHIFT) & g & pair;
        // a single surname before a given name where only the name could
        // start (not at the loop's first position, not at a cue character):
        // its full step would find that no given name ends after it
        // ([`no_given_end`]) and do nothing else
        if m != 0
            && !(m == A_NAME
                && p != i
                && fp & (CUE | ACUE1) == 0
                && no_given_end(t, text, p, fp, Some(g), Some(walk_flags(t, text, p - 3))))
        {
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

/// At a surname at `s` (flags `f0`, the next character's `nx`, the one
/// before's `pf`): a single surname (no compound's first character) not
/// before a title, followed by neither a second given-name character after
/// the first nor, after a boundary or a word that introduces a person
/// (`pf`), what closes a one-character given name. [`name_scored`] then
/// finds no name (it returns `Err(s + 3)`), so the walk makes no call.
#[inline(always)]
fn no_given_end(
    t: &Tables,
    text: &[u8],
    s: usize,
    f0: u32,
    nx: Option<u32>,
    pf: Option<u32>,
) -> bool {
    f0 & SURC == 0
        && nx.is_some_and(|g| g & TITLE == 0)
        && flags_at(t, text, s + 6).map_or(pf.is_some_and(|p| p & LEFT == 0), |g| {
            g & (GIVEN1 | GIVEN2 | GIVEN3) == 0
                && !(pf.is_none_or(|p| p & LEFT != 0) && g & RIGHT != 0)
        })
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
mod tests;
