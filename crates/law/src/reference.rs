//! Reading references in every form people write them.

use crate::{Duty, Error, Loc, Part, Version, duties, duty, numeral, text};

/// A resolved reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The location the reference names (for a duty id: the duty's source in
    /// the version the caller asked for, or its CSL-2016 source when the duty
    /// is not in that version).
    pub loc: Loc,
    /// The duty, when the reference was a duty id.
    pub duty: Option<&'static Duty>,
    /// Whether the reference named its version (`CSL-2016 21(3)`, `draft 17`)
    /// rather than relying on the default.
    pub explicit_version: bool,
}

/// Resolve a reference. `bare` is the version a reference without one means:
/// normally the version in force on the date of the facts
/// ([`Version::in_force_at`]).
///
/// Accepted forms (ASCII or full-width, any case, spaces optional):
/// `23(3)`, `art. 23(3)`, `23（三）`, `24¶2`, `24 para 2`, `第二十三条第三项`,
/// `第二十四条第二款`, `第23条第3项`, a version prefix (`CSL-2016 `, `2016:`,
/// `2016年`, `draft `, `草案`, `CSL-2025 `, `2025:`) and duty ids
/// (`csl.log-retention`).
///
/// ```
/// use law::{Version, resolve};
/// let t = resolve("第二十三条第三项", Version::Csl2025)?;
/// assert_eq!(t.loc.key(), "2025:23(3)");
/// let t = resolve("draft 17(3)", Version::Csl2025)?;
/// assert_eq!(t.loc.key(), "draft:17(3)");
/// assert!(resolve("2016:50", Version::Csl2025).is_err());
/// # Ok::<(), law::Error>(())
/// ```
pub fn resolve(input: &str, bare: Version) -> Result<Target, Error> {
    let norm = normalize(input);
    if norm.starts_with("csl.") {
        return match duty(&norm) {
            Some(d) => {
                let loc = d
                    .source(bare)
                    .or_else(|| d.source(Version::Csl2016))
                    .unwrap_or(Loc::article(Version::Csl2016, 21));
                Ok(Target {
                    loc,
                    duty: Some(d),
                    explicit_version: false,
                })
            }
            None => Err(Error::NotFound {
                input: input.to_owned(),
                suggestions: closest_duties(&norm),
            }),
        };
    }
    let Some(cite) = parse_cite(&norm) else {
        return Err(Error::Unreadable {
            input: input.to_owned(),
            suggestions: closest_duties(&norm),
        });
    };
    let version = cite.version.unwrap_or(bare);
    let loc = Loc {
        version,
        article: cite.article,
        part: cite.part,
    };
    let consistent = match (cite.paragraph_hint, loc.paragraph_number()) {
        (Some(hint), Some(p)) => hint == p,
        _ => true,
    };
    if loc.exists() && consistent {
        Ok(Target {
            loc,
            duty: None,
            explicit_version: cite.version.is_some(),
        })
    } else {
        Err(Error::NotFound {
            input: input.to_owned(),
            suggestions: closest_locs(loc, cite.version.is_some()),
        })
    }
}

struct Cite {
    version: Option<Version>,
    article: u16,
    part: Part,
    /// A paragraph given together with an item (`34¶1(3)`), to be checked.
    paragraph_hint: Option<u8>,
}

/// Full-width ASCII to ASCII, ideographic space to space, ASCII lower case,
/// outer whitespace trimmed.
fn normalize(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '§' => '¶',
            _ => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// A tiny cursor over the normalised input.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn skip_space(&mut self) {
        self.rest = self.rest.trim_start_matches([' ', '\t', ':', ',']);
    }

    fn eat(&mut self, prefix: &str) -> bool {
        match self.rest.strip_prefix(prefix) {
            Some(r) => {
                self.rest = r;
                true
            }
            None => false,
        }
    }

    /// Arabic digits or a Chinese numeral.
    fn number(&mut self) -> Option<u32> {
        let digits = self.rest.len()
            - self
                .rest
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .len();
        if digits > 0 {
            let n = self.rest[..digits].parse().ok()?;
            self.rest = &self.rest[digits..];
            return Some(n);
        }
        let zh = self.rest.len()
            - self
                .rest
                .trim_start_matches(|c: char| "零〇一二两三四五六七八九十百千".contains(c))
                .len();
        if zh > 0 {
            let n = numeral::from_chinese(&self.rest[..zh])?;
            self.rest = &self.rest[zh..];
            return Some(n);
        }
        None
    }
}

fn parse_version(c: &mut Cursor<'_>) -> Option<Version> {
    let year = |c: &mut Cursor<'_>| -> Option<Version> {
        for (y, v) in [
            ("2015", Version::Draft2015),
            ("2016", Version::Csl2016),
            ("2025", Version::Csl2025),
        ] {
            if c.eat(y) {
                return Some(v);
            }
        }
        None
    };
    if c.eat("csl") {
        c.eat("-");
        c.skip_space();
        let v = year(c)?;
        c.eat("年");
        return Some(v);
    }
    if c.eat("draft") || c.eat("草案") {
        c.eat("-");
        c.skip_space();
        if c.eat("2015") {
            c.eat("年");
        }
        return Some(Version::Draft2015);
    }
    // A bare year needs a separator so that `2016` alone is not a version.
    let save = c.rest;
    if let Some(v) = year(c)
        && (c.eat(":") || c.eat("年") || c.eat(" "))
    {
        return Some(v);
    }
    c.rest = save;
    None
}

fn parse_cite(s: &str) -> Option<Cite> {
    let mut c = Cursor { rest: s };
    let save = c.rest;
    let version = match parse_version(&mut c) {
        Some(v) => Some(v),
        None => {
            c.rest = save;
            None
        }
    };
    c.skip_space();
    if c.eat("article") || c.eat("arts.") || c.eat("art.") || c.eat("art") {
        c.skip_space();
    }
    let chinese = c.eat("第");
    let article = c.number()?;
    if chinese && !c.eat("条") {
        return None;
    }
    let mut part = Part::Whole;
    let mut paragraph_hint = None;
    loop {
        c.skip_space();
        if c.rest.is_empty() {
            break;
        }
        if c.eat("(") {
            let n = c.number()?;
            if !c.eat(")") {
                return None;
            }
            set_item(&mut part, &mut paragraph_hint, n)?;
        } else if c.eat("¶") || c.eat("paragraph") || c.eat("para.") || c.eat("para") {
            c.skip_space();
            let n = c.number()?;
            set_paragraph(&mut part, &mut paragraph_hint, n)?;
        } else if c.eat("第") {
            let n = c.number()?;
            if c.eat("款") {
                set_paragraph(&mut part, &mut paragraph_hint, n)?;
            } else if c.eat("项") {
                set_item(&mut part, &mut paragraph_hint, n)?;
            } else {
                return None;
            }
        } else {
            return None;
        }
    }
    Some(Cite {
        version,
        article: u16::try_from(article).ok()?,
        part,
        paragraph_hint,
    })
}

fn set_item(part: &mut Part, hint: &mut Option<u8>, n: u32) -> Option<()> {
    let n = u8::try_from(n).ok()?;
    match *part {
        Part::Whole => *part = Part::Item(n),
        Part::Paragraph(p) => {
            *hint = Some(p);
            *part = Part::Item(n);
        }
        Part::Item(_) => return None,
    }
    Some(())
}

fn set_paragraph(part: &mut Part, hint: &mut Option<u8>, n: u32) -> Option<()> {
    let n = u8::try_from(n).ok()?;
    match *part {
        Part::Whole => *part = Part::Paragraph(n),
        _ => return None,
    }
    let _ = hint;
    Some(())
}

/// Up to five valid references near an invalid location.
fn closest_locs(loc: Loc, explicit: bool) -> Vec<String> {
    let fmt = |l: Loc| if explicit { l.label() } else { l.to_string() };
    let mut out = Vec::new();
    if let Some(a) = loc.article_data() {
        // The article exists; the paragraph or item does not.
        match loc.part {
            Part::Item(_) => {
                out.extend(
                    a.items()
                        .map(|(i, _, _)| fmt(Loc::item(loc.version, a.number, i))),
                );
            }
            _ => {
                out.extend((1..=a.paragraphs.len()).map(|p| {
                    fmt(Loc::paragraph(
                        loc.version,
                        a.number,
                        u8::try_from(p).unwrap_or(u8::MAX),
                    ))
                }));
            }
        }
        out.push(fmt(loc.whole()));
        out.truncate(5);
        return out;
    }
    // The article does not exist here: the nearest articles of this version,
    // then the same number where another version has it.
    let mut near: Vec<u16> = text::articles(loc.version)
        .iter()
        .map(|a| a.number)
        .collect();
    near.sort_by_key(|n| (n.abs_diff(loc.article), *n));
    out.extend(
        near.into_iter()
            .take(3)
            .map(|n| Loc::article(loc.version, n).label()),
    );
    for v in Version::ALL {
        let other = Loc::article(v, loc.article);
        if v != loc.version && other.exists() {
            out.push(other.label());
        }
    }
    out.truncate(5);
    out
}

/// Up to three duty ids closest to `input` by edit distance.
fn closest_duties(input: &str) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = duties()
        .iter()
        .map(|d| (edit_distance(input, d.id), d.id))
        .collect();
    scored.sort();
    let limit = input.chars().count().max(4);
    scored
        .into_iter()
        .filter(|(d, _)| *d <= limit / 2)
        .take(3)
        .map(|(_, id)| id.to_owned())
        .collect()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("csl.log-retension", "csl.log-retention"), 1);
    }
}
