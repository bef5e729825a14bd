//! Search over the law's Chinese text and our duty titles and summaries in
//! both languages.

use crate::{Duty, Loc, Part, Version, duties, units};

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hit {
    /// A paragraph or item of the law whose text contains the query.
    Text {
        /// The paragraph or item (items are reported on their own, not
        /// again as part of their paragraph).
        loc: Loc,
        /// The line of the law that matched.
        line: &'static str,
    },
    /// A duty whose id, title or summary (Chinese or English) contains the query.
    Duty {
        /// The duty.
        duty: &'static Duty,
        /// Which field matched: `id`, `title.zh`, `title.en`, `summary.zh`, `summary.en`.
        field: &'static str,
    },
}

/// Search `query` (case-insensitive for Latin letters; surrounding spaces
/// ignored) in the text of the given versions and in the duties. Duties come
/// first, then text hits in version and text order. An empty query finds
/// nothing.
///
/// ```
/// let hits = law::search("六个月", &[law::Version::Csl2016]);
/// assert!(hits.iter().any(|h| matches!(h, law::Hit::Text { loc, .. } if loc.to_string() == "21(3)")));
/// ```
pub fn search(query: &str, versions: &[Version]) -> Vec<Hit> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for d in duties() {
        let fields = [
            ("id", d.id),
            ("title.zh", d.title.zh),
            ("title.en", d.title.en),
            ("summary.zh", d.summary.zh),
            ("summary.en", d.summary.en),
        ];
        if let Some((field, _)) = fields.iter().find(|(_, v)| v.to_lowercase().contains(&q)) {
            out.push(Hit::Duty { duty: d, field });
        }
    }
    for &v in versions {
        for loc in units(v) {
            let Some(a) = loc.article_data() else {
                continue;
            };
            let line = match loc.part {
                Part::Whole => continue,
                Part::Paragraph(p) => a
                    .paragraphs
                    .get(usize::from(p).saturating_sub(1))
                    .map(|para| para.text),
                Part::Item(i) => a.items().find(|(n, _, _)| *n == i).map(|(_, _, s)| s),
            };
            if let Some(line) = line
                && line.to_lowercase().contains(&q)
            {
                out.push(Hit::Text { loc, line });
            }
        }
    }
    out
}
