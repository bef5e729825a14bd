//! The numbering maps between the draft, CSL-2016 and CSL-2025.
//!
//! Draft ↔ 2016 is stated article by article in [`DRAFT_TO_2016`]; where an
//! article's paragraphs do not line up one to one the paragraph rows are
//! stated in [`PARAGRAPH_ROWS`]; everything else maps by position (the tests
//! prove the shapes agree). 2016 ↔ 2025 is the verified renumbering: same
//! wording, article number + 2. Draft ↔ 2025 goes through 2016.

use crate::{Loc, Part, Text, Version, text};

/// How well a counterpart matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fit {
    /// The same provision (its wording may have changed).
    Same,
    /// Only part of one corresponds to (part of) the other: the provision
    /// was split or merged.
    Part,
}

impl Fit {
    /// `same` or `part`.
    pub fn key(self) -> &'static str {
        match self {
            Fit::Same => "same",
            Fit::Part => "part",
        }
    }
}

/// Where a location sits in another version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counterpart {
    /// The location in the other version.
    pub loc: Loc,
    /// Whole or partial correspondence.
    pub fit: Fit,
    /// Why the correspondence is not plain, when it is not.
    pub note: Option<Text>,
}

/// Draft 2015 article → CSL-2016 article. 2016 art. 26 and 30 have no draft
/// counterpart; draft 29 and 30 swapped places (29 → 36, 30 → 35).
pub const DRAFT_TO_2016: [(u16, u16); 17] = [
    (17, 21),
    (18, 22),
    (19, 23),
    (20, 24),
    (21, 25),
    (22, 27),
    (23, 28),
    (24, 29),
    (25, 31),
    (26, 32),
    (27, 33),
    (28, 34),
    (29, 36),
    (30, 35),
    (31, 37),
    (32, 38),
    (33, 39),
];

/// CSL-2025 renumbered chapter 3 by +2 without changing its wording.
const SHIFT_2025: u16 = 2;

const SPLIT_18: Text = Text::new(
    "草案第十八条第一款在定稿中拆分：标准、恶意程序和缺陷处置留在2016年文本第二十二条第一款；收集用户信息须明示并取得同意的规定成为第二十二条第三款，并增加了个人信息保护的要求。",
    "Draft 18¶1 was split in the final text: standards, malicious programs and flaw handling stayed in 2016 22¶1; the consent rule for collecting user information became 2016 22¶3, which adds the personal-information rules.",
);

/// One paragraph-level correspondence between the draft and CSL-2016.
#[derive(Debug, Clone, Copy)]
pub struct ParagraphRow {
    /// Draft (article, paragraph), or `None` when the 2016 paragraph is new.
    pub draft: Option<(u16, u8)>,
    /// 2016 (article, paragraph), or `None` when the draft paragraph was dropped.
    pub csl2016: Option<(u16, u8)>,
    /// How well they match.
    pub fit: Fit,
    /// Why, when it is not plain.
    pub note: Option<Text>,
}

/// The paragraph rows for the article pairs whose paragraphs do not line up
/// one to one: draft 17 / 2016 21 (the draft has a second paragraph), draft
/// 18 / 2016 22 (two paragraphs became three) and draft 25 / 2016 31 (the
/// second paragraph is new).
pub const PARAGRAPH_ROWS: [ParagraphRow; 7] = [
    ParagraphRow {
        draft: Some((17, 1)),
        csl2016: Some((21, 1)),
        fit: Fit::Same,
        note: None,
    },
    ParagraphRow {
        draft: Some((17, 2)),
        csl2016: None,
        fit: Fit::Same,
        note: Some(Text::new(
            "草案第十七条第二款（网络安全等级保护的具体办法由国务院规定）未写入定稿。",
            "Draft 17¶2 (the State Council sets the detailed MLPS rules) is not in the final text.",
        )),
    },
    ParagraphRow {
        draft: Some((18, 1)),
        csl2016: Some((22, 1)),
        fit: Fit::Part,
        note: Some(SPLIT_18),
    },
    ParagraphRow {
        draft: Some((18, 1)),
        csl2016: Some((22, 3)),
        fit: Fit::Part,
        note: Some(SPLIT_18),
    },
    ParagraphRow {
        draft: Some((18, 2)),
        csl2016: Some((22, 2)),
        fit: Fit::Same,
        note: None,
    },
    ParagraphRow {
        draft: Some((25, 1)),
        csl2016: Some((31, 1)),
        fit: Fit::Same,
        note: None,
    },
    ParagraphRow {
        draft: None,
        csl2016: Some((31, 2)),
        fit: Fit::Same,
        note: Some(Text::new(
            "定稿新增：鼓励关键信息基础设施以外的网络运营者自愿参与保护体系；草案无对应条款。",
            "New in the final text (other operators may join the CII protection system voluntarily); no draft counterpart.",
        )),
    },
];

const NEW_IN_2016: Text = Text::new(
    "定稿新增的条文，草案无对应条文。",
    "New in the final text; the draft has no counterpart.",
);

/// Where `loc` sits in version `to`: none, one, or several counterparts
/// (several when a provision was split). A location in its own version maps
/// to itself. Locations that do not exist map to nothing.
pub fn counterparts(loc: Loc, to: Version) -> Vec<Counterpart> {
    if !loc.exists() {
        return Vec::new();
    }
    use Version::*;
    match (loc.version, to) {
        (a, b) if a == b => vec![plain(loc)],
        (Csl2016, Csl2025) => vec![plain(shift(loc, Csl2025, loc.article + SHIFT_2025))],
        (Csl2025, Csl2016) => vec![plain(shift(loc, Csl2016, loc.article - SHIFT_2025))],
        (Draft2015, Csl2016) | (Csl2016, Draft2015) => draft_2016(loc, to),
        (Draft2015, Csl2025) | (Csl2025, Draft2015) => {
            let mut out = Vec::new();
            for mid in counterparts(loc, Csl2016) {
                for end in counterparts(mid.loc, to) {
                    out.push(Counterpart {
                        loc: end.loc,
                        fit: mid.fit.max(end.fit),
                        note: mid.note.or(end.note),
                    });
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// Why `loc` has no counterpart in version `to`, when it has none and we
/// know why (new article, new or dropped paragraph).
pub fn no_counterpart_note(loc: Loc, to: Version) -> Option<Text> {
    if !loc.exists() || loc.version == to || !counterparts(loc, to).is_empty() {
        return None;
    }
    // Reduce to the draft ↔ 2016 question.
    let (loc, to) = match (loc.version, to) {
        (Version::Csl2025, _) => (loc.in_version(Version::Csl2016)?, to),
        (Version::Draft2015, Version::Csl2025) => (loc, Version::Csl2016),
        _ => (loc, to),
    };
    let pair = article_pair(loc);
    if pair.is_none() {
        return Some(NEW_IN_2016);
    }
    let p = loc.paragraph_number()?;
    PARAGRAPH_ROWS
        .iter()
        .find(|r| {
            let side = if loc.version == Version::Draft2015 {
                r.draft
            } else {
                r.csl2016
            };
            side == Some((loc.article, p))
                && (if to == Version::Draft2015 {
                    r.draft
                } else {
                    r.csl2016
                })
                .is_none()
        })
        .and_then(|r| r.note)
}

fn plain(loc: Loc) -> Counterpart {
    Counterpart {
        loc,
        fit: Fit::Same,
        note: None,
    }
}

fn shift(loc: Loc, version: Version, article: u16) -> Loc {
    Loc {
        version,
        article,
        part: loc.part,
    }
}

/// (draft article, 2016 article) for a location on either side.
fn article_pair(loc: Loc) -> Option<(u16, u16)> {
    DRAFT_TO_2016
        .iter()
        .copied()
        .find(|(d, s)| match loc.version {
            Version::Draft2015 => *d == loc.article,
            _ => *s == loc.article,
        })
}

fn draft_2016(loc: Loc, to: Version) -> Vec<Counterpart> {
    let Some((d, s)) = article_pair(loc) else {
        return Vec::new();
    };
    let other = if to == Version::Draft2015 { d } else { s };
    let target = |part| Loc {
        version: to,
        article: other,
        part,
    };
    match loc.part {
        Part::Whole => vec![plain(target(Part::Whole))],
        Part::Paragraph(p) => {
            let rows: Vec<&ParagraphRow> = PARAGRAPH_ROWS
                .iter()
                .filter(|r| r.draft.map(|x| x.0) == Some(d) || r.csl2016.map(|x| x.0) == Some(s))
                .collect();
            if rows.is_empty() {
                let t = target(Part::Paragraph(p));
                return if t.exists() {
                    vec![plain(t)]
                } else {
                    Vec::new()
                };
            }
            rows.into_iter()
                .filter_map(|r| {
                    let (from, into) = if loc.version == Version::Draft2015 {
                        (r.draft, r.csl2016)
                    } else {
                        (r.csl2016, r.draft)
                    };
                    (from == Some((loc.article, p))).then_some(())?;
                    let (_, q) = into?;
                    Some(Counterpart {
                        loc: target(Part::Paragraph(q)),
                        fit: r.fit,
                        note: r.note,
                    })
                })
                .collect()
        }
        Part::Item(i) => {
            let same_shape = match (
                text::article(Version::Draft2015, d),
                text::article(Version::Csl2016, s),
            ) {
                (Some(a), Some(b)) => a.item_count() == b.item_count(),
                _ => false,
            };
            let t = target(Part::Item(i));
            if same_shape && t.exists() {
                vec![plain(t)]
            } else {
                Vec::new()
            }
        }
    }
}

/// The notes on `loc`'s counterparts in every version (splits, merges, and
/// why a version has none), each once, oldest version first.
pub fn notes(loc: Loc) -> Vec<Text> {
    let mut acc: Vec<Text> = Vec::new();
    for v in Version::ALL {
        let cs = counterparts(loc, v);
        let mut ns: Vec<Text> = cs.iter().filter_map(|c| c.note).collect();
        if cs.is_empty() {
            ns.extend(no_counterpart_note(loc, v));
        }
        for n in ns {
            if !acc.contains(&n) {
                acc.push(n);
            }
        }
    }
    acc
}
