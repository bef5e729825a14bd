//! Reports of an [`Assessment`]: text for a terminal, Markdown, one
//! self-contained HTML file, JSON (`wangan.assess/1`), OSCAL 1.1
//! assessment-results and CSV, each in Chinese or English.
//!
//! The yearly CII assessment report (检测评估情况和改进措施, CSL-2025 art.
//! 40) is built from an assessment and the registers by [`yearly`], as
//! Markdown, HTML or DOCX.
//!
//! Every renderer is a pure function over the assessment, so the command
//! line and the web console print the same reports. The law's own words
//! (articles, penalty provisions) are always Chinese; the rest follows the
//! language asked for.
//!
//! ```
//! # fn demo(a: &duties::Assessment) {
//! use report::{Format, Options};
//! let html = report::render(a, Format::Html, &Options::new(duties::Lang::Zh));
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! # }
//! ```

#![deny(missing_docs)]

mod csv;
mod html;
mod markdown;
mod oscal;
mod text;
pub mod yearly;

use duties::model::{DutyAssessment, Status};
use duties::{Assessment, Lang};

pub use oscal::{CATALOG_HREF, OSCAL_NS};

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A summary for the terminal: counts, then the duties not met and late first.
    Text,
    /// The full report in Markdown.
    Markdown,
    /// The full report as one self-contained HTML file (no network; prints on A4).
    Html,
    /// The assessment as JSON (`wangan.assess/1`, both languages).
    Json,
    /// OSCAL 1.1 assessment-results against the catalog of `wangan law export --format oscal`.
    Oscal,
    /// One row per duty, UTF-8 with a byte-order mark (Excel, WPS).
    Csv,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 6] = [
        Format::Text,
        Format::Markdown,
        Format::Html,
        Format::Json,
        Format::Oscal,
        Format::Csv,
    ];

    /// `text`, `md`, `html`, `json`, `oscal`, `csv`.
    pub fn key(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Json => "json",
            Format::Oscal => "oscal",
            Format::Csv => "csv",
        }
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Json | Format::Oscal => "json",
            Format::Csv => "csv",
        }
    }

    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Json => "application/json",
            Format::Oscal => "application/oscal+json",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// How to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The language of everything but the law's own words.
    pub lang: Lang,
    /// ANSI colour in the text format.
    pub color: bool,
}

impl Options {
    /// Plain output in a language.
    pub fn new(lang: Lang) -> Options {
        Options { lang, color: false }
    }
}

/// Render an assessment.
pub fn render(a: &Assessment, format: Format, opts: &Options) -> String {
    match format {
        Format::Text => text::render(a, opts),
        Format::Markdown => markdown::render(a, opts.lang),
        Format::Html => html::render(a, opts.lang),
        Format::Json => json(a),
        Format::Oscal => oscal::render(a, opts.lang),
        Format::Csv => csv::render(a, opts.lang),
    }
}

/// The assessment as pretty-printed JSON with a final newline.
pub fn json(a: &Assessment) -> String {
    let mut s = serde_json::to_string_pretty(a).unwrap_or_else(|e| {
        // serialising plain data with string keys cannot fail; say so if it ever does
        format!("{{\"schema\":\"{}\",\"error\":\"{e}\"}}", duties::SCHEMA)
    });
    s.push('\n');
    s
}

/// Pick the text for a language.
pub(crate) fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The order duties are listed in: not met, overdue, partly met, needs
/// evidence, waived, met, not applicable; then the law's order.
pub(crate) fn ordered(a: &Assessment) -> Vec<&DutyAssessment> {
    let mut v: Vec<&DutyAssessment> = a.duties.iter().collect();
    v.sort_by_key(|d| (rank(d), 0));
    v
}

fn rank(d: &DutyAssessment) -> u8 {
    match (d.status, d.overdue) {
        (Status::NotMet, true) => 0,
        (Status::NotMet, false) => 1,
        (Status::PartlyMet, _) => 2,
        (Status::NeedsEvidence, _) => 3,
        (Status::Waived, _) => 4,
        (Status::Met, _) => 5,
        (Status::NotApplicable, _) => 6,
    }
}

/// The count line: `met 5 · partly met 3 · …` for every status present.
pub(crate) fn counts(a: &Assessment, lang: Lang) -> String {
    Status::ALL
        .iter()
        .filter(|s| a.summary.count(**s) > 0)
        .map(|s| format!("{} {}", s.label().get(lang), a.summary.count(*s)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `CSL-2025 23(3)` in English, `CSL-2025 第二十三条第三项` in Chinese.
pub(crate) fn article(d: &DutyAssessment, lang: Lang) -> String {
    let version = match d.article.version {
        "2016" => "CSL-2016",
        "2025" => "CSL-2025",
        other => other,
    };
    match lang {
        Lang::Zh => format!("{version} {}", d.article.zh),
        Lang::En => format!("{version} art. {}", d.article.reference),
    }
}

/// The other numberings: `2016: 21(3) · draft: 17(3)`.
pub(crate) fn other_numbers(d: &DutyAssessment, lang: Lang) -> String {
    let mut parts = Vec::new();
    for (key, zh, en) in [
        ("2016", "2016年文本", "CSL-2016"),
        ("2025", "2025年文本", "CSL-2025"),
        ("draft", "2015年草案", "draft 2015"),
    ] {
        if key == d.article.version {
            continue;
        }
        let n = d
            .article
            .numbering
            .get(key)
            .cloned()
            .flatten()
            .unwrap_or_else(|| "—".to_owned());
        parts.push(format!("{} {n}", t(lang, zh, en)));
    }
    parts.join(" · ")
}

/// The date and the days left or overdue of a clock: `2026-06-01 (92 days left)`.
pub(crate) fn due(c: &duties::model::ClockState, lang: Lang) -> Option<String> {
    let due = c.due.as_ref()?;
    let due = due.get(..10).unwrap_or(due);
    Some(match (c.days_left, lang) {
        (Some(d), Lang::Zh) if d < 0 || c.overdue => format!("{due}（已逾期{}天）", -d.min(0)),
        (Some(d), Lang::Zh) => format!("{due}（还有{d}天）"),
        (Some(d), Lang::En) if d < 0 || c.overdue => {
            format!("{due} ({} days overdue)", -d.min(0))
        }
        (Some(d), Lang::En) => format!("{due} ({d} days left)"),
        (None, _) => due.to_owned(),
    })
}

/// An instant as `2026-03-05 10:00 +08:00` (China Standard Time).
pub(crate) fn when(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(duties::assess::CST);
    format!("{} {:02}:{:02} +08:00", t.date(), t.hour(), t.minute())
}

/// Whether the assessment found nothing to act on.
pub(crate) fn all_clear(a: &Assessment) -> bool {
    a.duties.iter().all(|d| !d.status.is_open())
        && a.summary.overdue == 0
        && !a.summary.integrity_failed
}
