//! Names and addresses: names after a keyword (`姓名`, `联系人`, …), the
//! pass over the ideographs that finds them and the keyword-less ones
//! (`cjk.rs`), and name cells.

use super::*;

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

/// The non-ASCII separators [`key_name`] passes between a keyword and its
/// name (the walk's memo relies on knowing them: [`crate::cjk`]).
pub(crate) const KEY_NAME_SEPARATORS: [&str; 3] = ["：", "为", "是"];

/// The name after a keyword that introduces one (`姓名`, `联系人`, …: the
/// walk of [`crate::cjk`] finds them) ending at `j`, past separators: its
/// span.
pub(crate) fn key_name(text: &[u8], mut j: usize) -> Option<(usize, usize)> {
    // separators
    for _ in 0..3 {
        if let Some(&b) = text.get(j)
            && matches!(b, b':' | b' ' | b'=' | b'"' | b'\'')
        {
            j += 1;
        } else if KEY_NAME_SEPARATORS
            .iter()
            .any(|c| text[j..].starts_with(c.as_bytes()))
        {
            j += 3;
        } else {
            break;
        }
    }
    name_at(text, j).map(|e| (j, e))
}

impl Detector {
    /// Names and addresses without a keyword ([`crate::cjk`]), and names
    /// after a keyword (with `names`; found by the same pass): the names
    /// after a keyword first, in the order of their keywords.
    pub(super) fn cjk(&self, text: &[u8], em: &mut Emit<'_>) {
        let mut taken: Vec<(usize, usize)> = Vec::new();
        let mut spans = Vec::new();
        crate::cjk::scan(
            text,
            self.opts.names,
            self.opts.addresses,
            key_name,
            &mut taken,
            &mut spans,
        );
        for &(s, e) in &taken {
            em.push(Kind::CnName, s, e, 70, flags::CONTEXT, &text[s..e], 0);
        }
        for (addr, s, e) in spans {
            if addr {
                em.push(Kind::CnAddress, s, e, 65, 0, &text[s..e], 0);
            } else {
                em.push(Kind::CnName, s, e, 60, 0, &text[s..e], 0);
            }
        }
    }

    /// A field named like a name column: the whole cell is a name.
    pub(super) fn name_cell(&self, text: &[u8], em: &mut Emit<'_>) {
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
