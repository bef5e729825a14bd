//! The three embedded texts of chapter 3, split into articles (条), paragraphs
//! (款) and items (项).

use std::sync::LazyLock;

use crate::{Section, Version, numeral};

/// The vendored source of chapter 3 in the 2015 first-reading draft, as
/// received (every line ends in `<br/>`).
pub const DRAFT_2015_SOURCE: &str = include_str!("../data/draft-2015-ch3.txt");
/// The vendored source of chapter 3 of CSL-2016 (Markdown).
pub const CSL_2016_SOURCE: &str = include_str!("../data/csl-2016-ch3.md");
/// The vendored source of chapter 3 of CSL-2025 (Markdown).
pub const CSL_2025_SOURCE: &str = include_str!("../data/csl-2025-ch3.md");
/// The vendored chapter 6 (法律责任, art. 59–69) of CSL-2016 (Markdown).
pub const CSL_2016_CH6_SOURCE: &str = include_str!("../data/csl-2016-ch6-penalties.md");
/// The vendored chapter 6 (法律责任, art. 61–71) of CSL-2025 (Markdown).
pub const CSL_2025_CH6_SOURCE: &str = include_str!("../data/csl-2025-ch6-penalties.md");
/// The `SHA256SUMS` file recorded when the texts were vendored.
pub const SHA256SUMS: &str = include_str!("../data/SHA256SUMS");

/// One article (条) of one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Which text it belongs to.
    pub version: Version,
    /// The article number in that text.
    pub number: u16,
    /// The section (节) it stands in.
    pub section: Section,
    /// The heading as written, e.g. `第二十一条`.
    pub heading: &'static str,
    /// What separates the heading from the text in the source line: an ASCII
    /// space in the 2016 and 2025 files, an ideographic space in the draft.
    pub separator: &'static str,
    /// The paragraphs (款), in order. The first one's text excludes the heading.
    pub paragraphs: Vec<Paragraph>,
}

/// One paragraph (款): its leading sentence(s) and any items (项) under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// The paragraph's own text (for the first paragraph, without the heading).
    pub text: &'static str,
    /// The items, each with its marker, e.g. `（三）采取监测……；`.
    pub items: Vec<&'static str>,
}

impl Article {
    /// The article's lines exactly as in the vendored source (the heading and
    /// separator in front of the first line; items on their own lines).
    pub fn source_lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (i, p) in self.paragraphs.iter().enumerate() {
            if i == 0 {
                lines.push(format!("{}{}{}", self.heading, self.separator, p.text));
            } else {
                lines.push(p.text.to_owned());
            }
            lines.extend(p.items.iter().map(|s| (*s).to_owned()));
        }
        lines
    }

    /// All items of the article, numbered from 1, across paragraphs. In
    /// chapter 3 only the first paragraph ever has items.
    pub fn items(&self) -> impl Iterator<Item = (u8, u8, &'static str)> + '_ {
        self.paragraphs
            .iter()
            .enumerate()
            .flat_map(|(p, para)| para.items.iter().map(move |s| (p, *s)))
            .enumerate()
            .map(|(i, (p, s))| (to_u8(i + 1), to_u8(p + 1), s))
    }

    /// The number of items (项) in the article.
    pub fn item_count(&self) -> usize {
        self.paragraphs.iter().map(|p| p.items.len()).sum()
    }
}

fn to_u8(n: usize) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

/// All articles of one version, in order.
pub fn articles(version: Version) -> &'static [Article] {
    &TEXTS[version.index()]
}

/// One article of one version, if the number exists there.
pub fn article(version: Version, number: u16) -> Option<&'static Article> {
    articles(version).iter().find(|a| a.number == number)
}

/// The vendored source file of a version, as embedded.
pub fn source(version: Version) -> &'static str {
    match version {
        Version::Draft2015 => DRAFT_2015_SOURCE,
        Version::Csl2016 => CSL_2016_SOURCE,
        Version::Csl2025 => CSL_2025_SOURCE,
    }
}

/// The vendored file name of a version (as listed in [`SHA256SUMS`]).
pub fn source_file(version: Version) -> &'static str {
    match version {
        Version::Draft2015 => "draft-2015-ch3.txt",
        Version::Csl2016 => "csl-2016-ch3.md",
        Version::Csl2025 => "csl-2025-ch3.md",
    }
}

static TEXTS: LazyLock<[Vec<Article>; 3]> =
    LazyLock::new(|| Version::ALL.map(|v| parse(v, source(v))));

/// The liability articles of chapter 6 (法律责任) that answer chapter 3, in
/// order: CSL-2016 art. 59–69, CSL-2025 art. 61–71; empty for the draft
/// (its liability chapter is not vendored). Chapter 6 has no sections: every
/// article's `section` is [`Section::General`].
pub fn penalty_articles(version: Version) -> &'static [Article] {
    &PENALTY_TEXTS[version.index()]
}

/// One liability article of chapter 6, if vendored.
pub fn penalty_article(version: Version, number: u16) -> Option<&'static Article> {
    penalty_articles(version)
        .iter()
        .find(|a| a.number == number)
}

/// The vendored chapter-6 source of a version (empty for the draft).
pub fn penalty_source(version: Version) -> &'static str {
    match version {
        Version::Draft2015 => "",
        Version::Csl2016 => CSL_2016_CH6_SOURCE,
        Version::Csl2025 => CSL_2025_CH6_SOURCE,
    }
}

/// The vendored chapter-6 file name of a version (as listed in [`SHA256SUMS`]).
pub fn penalty_source_file(version: Version) -> Option<&'static str> {
    match version {
        Version::Draft2015 => None,
        Version::Csl2016 => Some("csl-2016-ch6-penalties.md"),
        Version::Csl2025 => Some("csl-2025-ch6-penalties.md"),
    }
}

static PENALTY_TEXTS: LazyLock<[Vec<Article>; 3]> =
    LazyLock::new(|| Version::ALL.map(|v| parse(v, penalty_source(v))));

/// Split a source text into articles. Never fails: a line that is not a
/// heading, an article start or an item continues the current article as a
/// new paragraph (the tests prove every line lands where it should).
fn parse(version: Version, src: &'static str) -> Vec<Article> {
    let mut out: Vec<Article> = Vec::new();
    let mut section = Section::General;
    for raw in src.lines() {
        let line = raw.strip_suffix("<br/>").unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with('#') {
            if line.contains("第二节") {
                section = Section::Cii;
            } else if line.contains("第一节") {
                section = Section::General;
            }
            continue;
        }
        if let Some((heading, number, separator, rest)) = article_start(line) {
            out.push(Article {
                version,
                number,
                section,
                heading,
                separator,
                paragraphs: vec![Paragraph {
                    text: rest,
                    items: Vec::new(),
                }],
            });
            continue;
        }
        let Some(article) = out.last_mut() else {
            continue;
        };
        if is_item(line) {
            if let Some(p) = article.paragraphs.last_mut() {
                p.items.push(line);
            }
        } else {
            article.paragraphs.push(Paragraph {
                text: line,
                items: Vec::new(),
            });
        }
    }
    out
}

/// `第二十一条 text` → (`第二十一条`, 21, ` `, `text`).
fn article_start(line: &'static str) -> Option<(&'static str, u16, &'static str, &'static str)> {
    let rest = line.strip_prefix('第')?;
    let end = rest.find('条')?;
    let number = numeral::from_chinese(&rest[..end])?;
    let heading_len = '第'.len_utf8() + end + '条'.len_utf8();
    let heading = &line[..heading_len];
    let after = &line[heading_len..];
    let sep_len = after
        .chars()
        .next()
        .filter(|c| *c == ' ' || *c == '\u{3000}')?
        .len_utf8();
    Some((
        heading,
        u16::try_from(number).ok()?,
        &after[..sep_len],
        &after[sep_len..],
    ))
}

/// Does the line open with an item marker such as `（三）`?
fn is_item(line: &str) -> bool {
    item_marker(line).is_some()
}

/// The number in an item marker at the start of `line`: `（三）…` → 3.
pub(crate) fn item_marker(line: &str) -> Option<u32> {
    let rest = line.strip_prefix('（')?;
    let end = rest.find('）')?;
    numeral::from_chinese(&rest[..end])
}
