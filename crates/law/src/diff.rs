//! Character-level diffs between versions. Chinese has no spaces between
//! words, so a word diff would mark whole clauses; characters are the unit.

use similar::{ChangeTag, TextDiff};

/// What a diff segment does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// In both texts.
    Equal,
    /// Only in the old text.
    Delete,
    /// Only in the new text.
    Insert,
}

impl Op {
    /// `equal`, `delete`, `insert`.
    pub fn key(self) -> &'static str {
        match self {
            Op::Equal => "equal",
            Op::Delete => "delete",
            Op::Insert => "insert",
        }
    }
}

/// A run of characters with the same [`Op`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// What happened to the run.
    pub op: Op,
    /// The characters.
    pub text: String,
}

/// Diff two texts character by character; adjacent changes of the same kind
/// are merged into one segment. Joining the `Equal` and `Delete` segments
/// gives `old`; joining `Equal` and `Insert` gives `new`.
///
/// ```
/// use law::{Op, diff};
/// let d = diff("留存网络日志；", "留存相关的网络日志不少于六个月；");
/// assert!(d.iter().any(|s| s.op == Op::Insert && s.text == "不少于六个月"));
/// ```
pub fn diff(old: &str, new: &str) -> Vec<Segment> {
    let d = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_chars(old, new);
    let mut out: Vec<Segment> = Vec::new();
    for change in d.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => Op::Equal,
            ChangeTag::Delete => Op::Delete,
            ChangeTag::Insert => Op::Insert,
        };
        let s = change.value();
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(s),
            _ => out.push(Segment {
                op,
                text: s.to_owned(),
            }),
        }
    }
    // Put deletions before insertions within each changed stretch, so that
    // a replacement reads [-old-]{+new+}.
    let mut i = 0;
    while i + 1 < out.len() {
        if out[i].op == Op::Insert && out[i + 1].op == Op::Delete {
            out.swap(i, i + 1);
            i = i.saturating_sub(1);
        } else {
            i += 1;
        }
    }
    merge(out)
}

fn merge(segments: Vec<Segment>) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    for s in segments {
        match out.last_mut() {
            Some(last) if last.op == s.op => last.text.push_str(&s.text),
            _ => out.push(s),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn side(d: &[Segment], skip: Op) -> String {
        d.iter()
            .filter(|s| s.op != skip)
            .map(|s| s.text.as_str())
            .collect()
    }

    proptest! {
        #[test]
        fn diff_reconstructs_both_sides(a in "[一二三四五六七八九十，。a-c]{0,24}", b in "[一二三四五六七八九十，。a-c]{0,24}") {
            let d = diff(&a, &b);
            prop_assert_eq!(side(&d, Op::Insert), a);
            prop_assert_eq!(side(&d, Op::Delete), b);
            for w in d.windows(2) {
                prop_assert_ne!(w[0].op, w[1].op);
            }
        }
    }
}
