//! Identifiers: digit runs (resident ID numbers, mobile and landline
//! numbers, bank cards, USCCs, IMEIs), grouped and masked numbers, and
//! licence plates.

use super::tokens::{alnum_lanes, is_alnum_at, run_end};
use super::*;

const PLATE_PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领";

/// Split a landline written without separators: 010/02x + 8, 0xxx + 7/8.
fn landline_split(v: &[u8]) -> Option<usize> {
    match (v.len(), v[1]) {
        (11, b'1' | b'2') if v[3] >= b'2' => Some(3),
        (11 | 12, b'3'..=b'9') if v[4] >= b'2' => Some(4),
        _ => None,
    }
}

impl Detector {
    /// A run of digits (possibly a trailing X), span `s..e`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn digits(
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
    pub(super) fn grouped(
        &self,
        text: &[u8],
        t: &Tok,
        hint: Hint,
        em: &mut Emit<'_>,
    ) -> Option<usize> {
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
    pub(super) fn masked(
        &self,
        text: &[u8],
        s: usize,
        e: usize,
        v: &[u8],
        em: &mut Emit<'_>,
    ) -> usize {
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

    pub(super) fn plate(
        &self,
        text: &[u8],
        t: &Tok,
        hint: Hint,
        em: &mut Emit<'_>,
    ) -> Option<usize> {
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
}
