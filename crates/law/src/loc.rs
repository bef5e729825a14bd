//! Locations: one article, paragraph or item in one version.

use std::fmt;

use crate::text::{self, Article};
use crate::{Section, Version, counterparts, numeral};

/// Which part of an article a [`Loc`] addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Part {
    /// The whole article (条).
    Whole,
    /// A paragraph (款), numbered from 1.
    Paragraph(u8),
    /// An item (项), numbered from 1 within the article (in chapter 3 all
    /// items stand in the first paragraph).
    Item(u8),
}

/// One article, paragraph or item in one version of chapter 3. A `Loc` may
/// name something that does not exist (e.g. `2016:50`); [`Loc::exists`] says.
///
/// Displayed as the bare number form (`21(3)`, `24¶2`, `21`); [`Loc::key`]
/// and [`Loc::label`] add the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// The text it belongs to.
    pub version: Version,
    /// The article number in that text.
    pub article: u16,
    /// Which part of the article.
    pub part: Part,
}

impl Loc {
    /// A whole article.
    pub const fn article(version: Version, article: u16) -> Loc {
        Loc {
            version,
            article,
            part: Part::Whole,
        }
    }

    /// A paragraph (款) of an article.
    pub const fn paragraph(version: Version, article: u16, paragraph: u8) -> Loc {
        Loc {
            version,
            article,
            part: Part::Paragraph(paragraph),
        }
    }

    /// An item (项) of an article.
    pub const fn item(version: Version, article: u16, item: u8) -> Loc {
        Loc {
            version,
            article,
            part: Part::Item(item),
        }
    }

    /// The whole article this location is part of.
    pub fn whole(self) -> Loc {
        Loc::article(self.version, self.article)
    }

    /// The embedded article, if the article exists in this version.
    pub fn article_data(self) -> Option<&'static Article> {
        text::article(self.version, self.article)
    }

    /// Whether the article, paragraph or item exists in this version.
    pub fn exists(self) -> bool {
        let Some(a) = self.article_data() else {
            return false;
        };
        match self.part {
            Part::Whole => true,
            Part::Paragraph(p) => p >= 1 && usize::from(p) <= a.paragraphs.len(),
            Part::Item(i) => i >= 1 && usize::from(i) <= a.item_count(),
        }
    }

    /// The section the article stands in.
    pub fn section(self) -> Option<Section> {
        self.article_data().map(|a| a.section)
    }

    /// The paragraph an item stands in (1-based); for a paragraph, itself.
    pub fn paragraph_number(self) -> Option<u8> {
        match self.part {
            Part::Whole => None,
            Part::Paragraph(p) => Some(p),
            Part::Item(i) => self
                .article_data()?
                .items()
                .find(|(n, _, _)| *n == i)
                .map(|(_, p, _)| p),
        }
    }

    /// The law's text of this location, always Chinese, exactly as in the
    /// vendored source: a whole article with its heading (`第二十一条 …`),
    /// a paragraph followed by its items, one item alone. Lines are joined
    /// with `\n`. `None` when the location does not exist.
    pub fn text(self) -> Option<String> {
        if !self.exists() {
            return None;
        }
        let a = self.article_data()?;
        match self.part {
            Part::Whole => Some(a.source_lines().join("\n")),
            _ => self.body(),
        }
    }

    /// Like [`Loc::text`] but a whole article comes without its heading, so
    /// that the same provision compares equal across numberings.
    pub fn body(self) -> Option<String> {
        if !self.exists() {
            return None;
        }
        let a = self.article_data()?;
        let para = |p: &crate::Paragraph| {
            let mut lines = vec![p.text];
            lines.extend(p.items.iter().copied());
            lines.join("\n")
        };
        match self.part {
            Part::Whole => Some(a.paragraphs.iter().map(para).collect::<Vec<_>>().join("\n")),
            Part::Paragraph(p) => a.paragraphs.get(usize::from(p).checked_sub(1)?).map(para),
            Part::Item(i) => a
                .items()
                .find(|(n, _, _)| *n == i)
                .map(|(_, _, s)| s.to_owned()),
        }
    }

    /// Whether `other` lies within this location (same version and article,
    /// and this is the whole article, the same part, or the paragraph that
    /// holds the item `other`).
    pub fn contains(self, other: Loc) -> bool {
        if self.version != other.version || self.article != other.article {
            return false;
        }
        match (self.part, other.part) {
            (Part::Whole, _) => true,
            (a, b) if a == b => true,
            (Part::Paragraph(p), Part::Item(_)) => other.paragraph_number() == Some(p),
            _ => false,
        }
    }

    /// Whether the two locations share any text.
    pub fn overlaps(self, other: Loc) -> bool {
        self.contains(other) || other.contains(self)
    }

    /// The counterpart of this location in another version when there is
    /// exactly one (see [`counterparts`] for splits and notes).
    pub fn in_version(self, version: Version) -> Option<Loc> {
        match counterparts(self, version).as_slice() {
            [one] => Some(one.loc),
            _ => None,
        }
    }

    /// The version-qualified key: `2016:21(3)`, `draft:17¶2`, `2025:23`.
    pub fn key(self) -> String {
        format!("{}:{self}", self.version.key())
    }

    /// The citation form: `CSL-2016 21(3)`, `draft 2015 17¶2`.
    pub fn label(self) -> String {
        format!("{} {self}", self.version.label())
    }

    /// The Chinese form: `第二十一条第三项`, `第二十四条第二款`.
    pub fn zh(self) -> String {
        let n = |v: u32| numeral::to_chinese(v).unwrap_or_else(|| v.to_string());
        let mut s = format!("第{}条", n(u32::from(self.article)));
        match self.part {
            Part::Whole => {}
            Part::Paragraph(p) => s.push_str(&format!("第{}款", n(u32::from(p)))),
            Part::Item(i) => s.push_str(&format!("第{}项", n(u32::from(i)))),
        }
        s
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.article)?;
        match self.part {
            Part::Whole => Ok(()),
            Part::Paragraph(p) => write!(f, "¶{p}"),
            Part::Item(i) => write!(f, "({i})"),
        }
    }
}

/// Every addressable location of a version: each article, each of its
/// paragraphs and each of its items, in text order.
pub fn units(version: Version) -> Vec<Loc> {
    let mut out = Vec::new();
    for a in text::articles(version) {
        out.push(Loc::article(version, a.number));
        for p in 1..=a.paragraphs.len() {
            out.push(Loc::paragraph(
                version,
                a.number,
                u8::try_from(p).unwrap_or(u8::MAX),
            ));
        }
        for (i, _, _) in a.items() {
            out.push(Loc::item(version, a.number, i));
        }
    }
    out
}
