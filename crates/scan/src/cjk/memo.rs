//! The walk's memo of inert segments ([`super::walk`]): log text repeats
//! its Chinese templates (`用户登录成功，来源终端`, `订单号`) line after line,
//! between ASCII that varies. A *segment* is the non-ASCII text from just
//! after an ASCII byte to the next ASCII byte; the walk enters every one in
//! the same state (after ASCII: no ideograph before it, an address may
//! start). A segment in which the walk finds nothing (no name, no address,
//! no name after a keyword), reads nothing beyond its end that could
//! change what it does (no street character, whose address grammar looks
//! back at candidates recorded before the segment; no keyword whose name
//! could be read past the segment's end), is passed the same way whatever
//! precedes and follows it, with the same effect on the walk's state: the
//! address candidates it records and where the keyword search has reached.
//! The memo keeps that effect per segment, keyed by the segment's bytes
//! (compared in full: a false hit must never drop a finding), in a small
//! direct-mapped table per thread.
//!
//! A segment seen for the first time leaves only its hash; it is walked
//! to be kept when seen again. The memo stops looking (for [`PAUSE`]
//! bytes, twice as many after each such pause that follows) when fewer
//! than a quarter of the last [`WINDOW`] lookups hit, so text whose
//! segments do not repeat pays little more than the walk's test whether to
//! look (a compare per ASCII run).

/// Slots of the table (a power of two).
const SLOTS: usize = 512;
/// The longest segment kept, in bytes.
pub(super) const MAX_LEN: usize = 120;
/// The shortest segment looked up, in bytes (shorter ones cost the walk
/// less than a lookup).
pub(super) const MIN_LEN: usize = 6;
/// Lookups per hit-rate window.
const WINDOW: u32 = 64;
/// Bytes passed without a lookup after a window with few hits (twice as
/// many after each such window that follows, up to [`MAX_PAUSE`]).
const PAUSE: usize = 1 << 17;
const MAX_PAUSE: usize = 1 << 24;

/// The walk's state that a segment's effect is read from: the lengths of
/// `out` and `taken`, the address candidates recorded, and where the
/// keyword search has reached.
#[derive(Clone, Copy)]
pub(super) struct Walked {
    pub(super) out: usize,
    pub(super) taken: usize,
    pub(super) nc: usize,
    pub(super) keys_to: usize,
}

/// A segment being walked, to be kept when the walk has passed it: its
/// start, end and hash, and the walk's state at its start.
pub(super) struct Rec {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) hash: u64,
    pub(super) at: Walked,
}

/// What walking a segment did to the walk's state.
#[derive(Clone, Copy)]
pub(super) struct Effect {
    /// Address candidates recorded (all of them count; the walk keeps the
    /// last four).
    pub(super) pushes: u32,
    /// The last (up to four) of them, oldest first: offset from the
    /// segment's start, shifted left by one, and whether it needs a
    /// province name.
    pub(super) cands: [u32; 4],
    /// Where the keyword search had reached after the segment (an offset
    /// from its start), or 0 when the segment left it as it was.
    pub(super) keys_to: u32,
}

#[derive(Clone, Copy)]
struct Slot {
    /// The segment's length; 0: empty.
    len: u32,
    /// The walk's options ([`opts`]) and, in bit 8, that the segment is
    /// not to be memoised (it found something, or looks past its end).
    tag: u32,
    hash: u64,
    effect: Effect,
    bytes: [u8; MAX_LEN],
}

const EMPTY: Slot = Slot {
    len: 0,
    tag: 0,
    hash: 0,
    effect: Effect {
        pushes: 0,
        cands: [0; 4],
        keys_to: 0,
    },
    bytes: [0; MAX_LEN],
};

/// A segment not to be memoised.
const BAD: u32 = 1 << 8;
/// A segment seen once: only its hash is kept.
const SEEN: u32 = 1 << 9;

/// The walk's options as a tag.
pub(super) fn opts(names: bool, addresses: bool, keys: bool) -> u32 {
    u32::from(names) | u32::from(addresses) << 1 | u32::from(keys) << 2
}

pub(crate) struct Memo {
    slots: Box<[Slot]>,
    lookups: u32,
    hits: u32,
    /// Bytes to pass without a lookup (set where a window ends with few
    /// hits, read and left by the walk: [`Memo::pause_from`]).
    pub(super) pause: usize,
    pause_len: usize,
    /// The segment being walked, to be kept.
    pub(super) rec: Option<Rec>,
    /// Hits in all (for the tests).
    #[cfg(test)]
    pub(super) used: u64,
}

/// What a lookup found for the segment at `s`.
pub(super) enum Found<'a> {
    /// Not looked up (too short or long, at the text's end), or seen for
    /// the first time.
    None,
    /// Not looked up: a pause starts ([`Memo::pause`] bytes).
    Pause,
    /// The segment's end and its effect.
    Hit(usize, &'a Effect),
    /// The segment is not to be memoised.
    Bad,
    /// Not in the memo but seen before: its length and hash (for
    /// [`Memo::insert`]).
    Miss(usize, u64),
}

impl Memo {
    pub(crate) fn new() -> Memo {
        Memo {
            slots: vec![EMPTY; SLOTS].into_boxed_slice(),
            lookups: 0,
            hits: 0,
            pause: 0,
            pause_len: PAUSE,
            rec: None,
            #[cfg(test)]
            used: 0,
        }
    }

    /// The segment starting at `s` (a non-ASCII byte after an ASCII one)
    /// with the walk's options `tag`.
    #[inline(always)]
    pub(super) fn lookup(&mut self, text: &[u8], s: usize, tag: u32) -> Found<'_> {
        let Some((a, h)) = segment(text, s) else {
            return Found::None;
        };
        self.lookups += 1;
        if self.lookups == WINDOW && self.window() {
            return Found::Pause;
        }
        let k = (h >> (64 - SLOTS.trailing_zeros())) as usize;
        let seg = &text[s..a];
        let slot = &self.slots[k];
        if slot.hash == h
            && slot.tag == tag
            && slot.len as usize == seg.len()
            && same(&slot.bytes, seg)
        {
            self.hits += 1;
            #[cfg(test)]
            {
                self.used += 1;
            }
            return Found::Hit(a, &self.slots[k].effect);
        }
        self.other(k, seg, h, tag)
    }

    /// [`Memo::lookup`] where the slot holds no effect of the segment.
    #[cold]
    #[inline(never)]
    fn other(&mut self, k: usize, seg: &[u8], h: u64, tag: u32) -> Found<'_> {
        let slot = &mut self.slots[k];
        let a = seg.len();
        if slot.hash != h {
            // seen for the first time (as far as the hash tells): only
            // its hash is kept, and the segment is kept when seen again
            slot.hash = h;
            slot.len = 0;
            slot.tag = tag | SEEN;
            Found::None
        } else if slot.tag == tag | BAD && slot.len as usize == a && same(&slot.bytes, seg) {
            Found::Bad
        } else {
            // seen before (the hash), or another segment with this hash
            Found::Miss(a, h)
        }
    }

    /// The end of a window of lookups: pause when few hit (whether it
    /// does).
    #[cold]
    #[inline(never)]
    fn window(&mut self) -> bool {
        let pause = self.hits < WINDOW / 4;
        if pause {
            // twice as long as the last time
            self.pause = self.pause_len;
            self.pause_len = (self.pause_len * 2).min(MAX_PAUSE);
        } else {
            self.pause_len = PAUSE;
        }
        self.lookups = 0;
        self.hits = 0;
        pause
    }

    /// Keep the effect of the segment `seg` (hash `h`, options `tag`), or
    /// with `None` that it is not to be memoised.
    pub(super) fn insert(&mut self, seg: &[u8], h: u64, tag: u32, effect: Option<Effect>) {
        let slot = &mut self.slots[(h >> (64 - SLOTS.trailing_zeros())) as usize];
        slot.len = seg.len() as u32;
        slot.hash = h;
        slot.bytes[..seg.len()].copy_from_slice(seg);
        match effect {
            Some(e) => {
                slot.tag = tag;
                slot.effect = e;
            }
            None => slot.tag = tag | BAD,
        }
    }
}

/// `seg` (4 to [`MAX_LEN`] bytes) is the start of `kept`: compared eight
/// bytes at a time (the last eight, or four, overlapping), no call.
#[inline(always)]
fn same(kept: &[u8; MAX_LEN], seg: &[u8]) -> bool {
    let n = seg.len();
    let w8 = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
    let w4 = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap_or([0; 4]));
    if n < 8 {
        return n >= 4 && w4(kept, 0) == w4(seg, 0) && w4(kept, n - 4) == w4(seg, n - 4);
    }
    let mut i = 0;
    while i + 8 < n {
        if w8(kept, i) != w8(seg, i) {
            return false;
        }
        i += 8;
    }
    w8(kept, n - 8) == w8(seg, n - 8)
}

/// The segment from `s`: its end (the first ASCII byte after it) and a
/// hash of its bytes, when it is [`MIN_LEN`] to [`MAX_LEN`] bytes long and
/// eight bytes follow where it ends.
#[inline(always)]
fn segment(text: &[u8], s: usize) -> Option<(usize, u64)> {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = 0u64;
    let mut p = s;
    while let Some(w) = text.get(p..p + 8) {
        let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        let ascii = !w & 0x8080_8080_8080_8080;
        if ascii != 0 {
            let k = ascii.trailing_zeros() / 8;
            let a = p + k as usize;
            let part = w & !(u64::MAX << (8 * k));
            h = (h.rotate_left(5) ^ part).wrapping_mul(K);
            return (a - s >= MIN_LEN && a - s <= MAX_LEN).then_some((a, h));
        }
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
        p += 8;
        if p - s > MAX_LEN {
            return None;
        }
    }
    None
}
