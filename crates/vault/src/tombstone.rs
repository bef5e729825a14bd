//! Tombstones: the signed record of a lawful prune of one segment.
//!
//! A tombstone is a C2SP signed note (Ed25519 + SM2 lines) in
//! `tombstones/<first:020>-<last:020>.tomb` whose text is:
//! ```text
//! wangan-tombstone v1
//! origin <origin>
//! segment <file name>
//! range <first seq> <end seq>
//! prev <base64 footer hash of the segment before>
//! footer <base64 footer hash of the pruned segment>
//! newest <RFC 3339: newest receive/event time in the segment>
//! pruned-at <RFC 3339: trusted time of the prune>
//! retention <policy>
//! compact <tree size> <base64 subtree root>...
//! tiles <first tile index> <base64>...
//! edge <first seq> <base64 leaf>...
//! ```
//! `compact` is the tree state after the segment (so verification continues
//! across the gap), `tiles` the level-8 subtree hashes completed in the
//! segment and `edge` the leaf hashes of the last, incomplete tile (so
//! inclusion proofs of records after the gap stay computable).

use crate::keys::Signer;
use crate::note::Note;
use crate::{Error, ErrorKind, Hash, Result};

/// A parsed tombstone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tombstone {
    /// Log origin.
    pub origin: String,
    /// File name of the pruned segment.
    pub segment: String,
    /// First seq pruned.
    pub first: u64,
    /// Seq after the last pruned.
    pub end: u64,
    /// Footer hash of the segment before the pruned one.
    pub prev: Hash,
    /// Footer hash of the pruned segment.
    pub footer: Hash,
    /// Newest time in the pruned segment (ns).
    pub newest_ns: i64,
    /// Trusted time of the prune (ns).
    pub pruned_at_ns: i64,
    /// Retention policy applied.
    pub retention: String,
    /// Tree size after the segment.
    pub tree_size: u64,
    /// Compact range after the segment.
    pub compact: Vec<Hash>,
    /// Index of the first tile.
    pub first_tile: u64,
    /// Level-8 tile hashes completed in the segment.
    pub tiles: Vec<Hash>,
    /// Seq of the first edge leaf.
    pub edge_start: u64,
    /// Leaf hashes from `edge_start` to `end`.
    pub edge: Vec<Hash>,
    /// The signed note.
    pub note: Note,
}

fn hashes(v: &[Hash]) -> String {
    v.iter().map(|h| format!(" {}", h.b64())).collect()
}

impl Tombstone {
    /// Build the note text and sign it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text(t: &Tombstone) -> String {
        format!(
            "wangan-tombstone v1\norigin {}\nsegment {}\nrange {} {}\nprev {}\nfooter {}\nnewest {}\npruned-at {}\nretention {}\ncompact {}{}\ntiles {}{}\nedge {}{}\n",
            t.origin,
            t.segment,
            t.first,
            t.end,
            t.prev.b64(),
            t.footer.b64(),
            crate::clock::rfc3339_ns(t.newest_ns),
            crate::clock::rfc3339_ns(t.pruned_at_ns),
            t.retention,
            t.tree_size,
            hashes(&t.compact),
            t.first_tile,
            hashes(&t.tiles),
            t.edge_start,
            hashes(&t.edge),
        )
    }

    pub(crate) fn sign(mut self, signer: &Signer) -> Result<Tombstone> {
        self.note = Note::sign(Tombstone::text(&self), signer)?;
        Ok(self)
    }

    /// Parse a tombstone file's text (signatures are checked by the verifier).
    pub fn parse(s: &str) -> Result<Tombstone> {
        let note = Note::parse(s)?;
        let bad = |w: &str| Error::new(ErrorKind::Corrupt, format!("tombstone: {w}"));
        let mut lines = note.text.lines();
        if lines.next() != Some("wangan-tombstone v1") {
            return Err(bad("not a v1 tombstone"));
        }
        let mut get = |key: &str| -> Result<String> {
            let l = lines.next().ok_or_else(|| bad(&format!("missing {key}")))?;
            let v = l
                .strip_prefix(key)
                .and_then(|r| {
                    r.strip_prefix(' ')
                        .or(if r.is_empty() { Some("") } else { None })
                })
                .ok_or_else(|| bad(&format!("expected {key} line")))?;
            Ok(v.to_owned())
        };
        let h = |s: &str| Hash::from_b64(s).ok_or_else(|| bad("bad hash"));
        let hs = |it: std::str::SplitWhitespace<'_>| -> Result<Vec<Hash>> { it.map(h).collect() };
        let n = |s: Option<&str>| -> Result<u64> {
            s.and_then(|x| x.parse().ok())
                .ok_or_else(|| bad("bad number"))
        };
        let t = |s: &str| {
            crate::clock::parse_rfc3339(s)
                .map(crate::clock::to_ns)
                .ok_or_else(|| bad("bad time"))
        };
        let origin = get("origin")?;
        let segment = get("segment")?;
        let range = get("range")?;
        let mut r = range.split_whitespace();
        let (first, end) = (n(r.next())?, n(r.next())?);
        let prev = h(&get("prev")?)?;
        let footer = h(&get("footer")?)?;
        let newest_ns = t(&get("newest")?)?;
        let pruned_at_ns = t(&get("pruned-at")?)?;
        let retention = get("retention")?;
        let compact = get("compact")?;
        let mut c = compact.split_whitespace();
        let tree_size = n(c.next())?;
        let compact = hs(c)?;
        let tiles = get("tiles")?;
        let mut ti = tiles.split_whitespace();
        let first_tile = n(ti.next())?;
        let tiles = hs(ti)?;
        let edge = get("edge")?;
        let mut e = edge.split_whitespace();
        let edge_start = n(e.next())?;
        let edge = hs(e)?;
        if first > end || tree_size != end || compact.len() != end.count_ones() as usize {
            return Err(bad("inconsistent range or tree state"));
        }
        Ok(Tombstone {
            origin,
            segment,
            first,
            end,
            prev,
            footer,
            newest_ns,
            pruned_at_ns,
            retention,
            tree_size,
            compact,
            first_tile,
            tiles,
            edge_start,
            edge,
            note,
        })
    }

    /// File name: `<first:020>-<last:020>.tomb`.
    pub fn file_name(&self) -> String {
        format!("{:020}-{:020}.tomb", self.first, self.end.saturating_sub(1))
    }
}
