//! Chapter 3 of the PRC Cybersecurity Law (网络安全法 第三章 网络运行安全) as data.
//!
//! Three texts are embedded, article by article, with paragraphs (款) and
//! items (项) addressable: the 2015 first-reading draft (art. 17–33), CSL-2016
//! (art. 21–39, in force 2017-06-01) and CSL-2025 (art. 23–41, in force
//! 2026-01-01). On top of the texts this crate holds
//!
//! - [`Loc`]: one article, paragraph or item in one version, and a reference
//!   parser ([`resolve`]) that reads every citation form people use:
//!   `23(3)`, `art. 23(3)`, `CSL-2016 21(3)`, `2016:21(3)`, `draft 17(3)`,
//!   `24¶2`, `第二十三条第三项`, `第二十四条第二款`, full-width `２３（三）`, and duty
//!   ids such as `csl.log-retention`;
//! - the numbering maps between the versions ([`counterparts`]), down to
//!   paragraphs and items, with a note wherever a provision was split, merged,
//!   added or dropped;
//! - every duty of the chapter ([`duties`]): a stable id, bearer, sources in
//!   all three numberings, evidence, clocks, penalty articles and what changed
//!   since the draft, each secondary or unverified fact carrying its [`Status`];
//! - character-level diffs ([`diff()`]), search ([`search()`]) and exports
//!   ([`export::json`], [`export::oscal`]).
//!
//! The crate knows nothing of the command line or of output languages: every
//! human text comes as a [`Text`] with a Chinese and an English form.
//!
//! # Example
//!
//! ```
//! use law::{Version, resolve};
//!
//! // A bare number means the version in force; here CSL-2025.
//! let target = resolve("23(3)", Version::Csl2025)?;
//! assert_eq!(target.loc.key(), "2025:23(3)");
//! assert_eq!(target.loc.in_version(Version::Csl2016).map(|l| l.to_string()), Some("21(3)".into()));
//!
//! // The same duty, whichever way it is cited.
//! let duty = law::duty("csl.log-retention").expect("known duty");
//! assert_eq!(duty.source(Version::Draft2015).map(|l| l.to_string()), Some("17(3)".into()));
//! assert!(target.loc.text().unwrap_or_default().contains("不少于六个月"));
//! # Ok::<(), law::Error>(())
//! ```

#![deny(missing_docs)]

pub mod diff;
mod duty;
mod error;
pub mod export;
pub mod json;
mod loc;
pub mod map;
pub mod numeral;
mod reference;
pub mod search;
pub mod text;

pub use diff::{Op, Segment, diff};
pub use duty::{
    Bearer, Capability, Change, Clock, ClockRule, Duty, Evidence, Kind, Penalty, Period, Provision,
    duties, duties_at, duty,
};
pub use error::Error;
pub use loc::{Loc, Part, units};
pub use map::{Counterpart, Fit, counterparts, no_counterpart_note};
pub use reference::{Target, resolve};
pub use search::{Hit, search};
pub use text::{Article, Paragraph, article, articles};

use time::{Date, Month};

/// One of the three texts of chapter 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// The first-reading draft published 2015-07-06 (art. 17–33). Historical only.
    Draft2015,
    /// The law as adopted 2016-11-07, in force 2017-06-01 until 2025-12-31 (art. 21–39).
    Csl2016,
    /// The law as amended 2025-10-28, in force from 2026-01-01 (art. 23–41).
    Csl2025,
}

impl Version {
    /// All versions, oldest first.
    pub const ALL: [Version; 3] = [Version::Draft2015, Version::Csl2016, Version::Csl2025];

    /// The day CSL-2025 replaced CSL-2016.
    pub const CSL_2025_IN_FORCE: Date = match Date::from_calendar_date(2026, Month::January, 1) {
        Ok(d) => d,
        Err(_) => Date::MIN,
    };

    /// The short key used in references and JSON: `draft`, `2016`, `2025`.
    pub fn key(self) -> &'static str {
        match self {
            Version::Draft2015 => "draft",
            Version::Csl2016 => "2016",
            Version::Csl2025 => "2025",
        }
    }

    /// The name used in citations: `draft 2015`, `CSL-2016`, `CSL-2025`.
    pub fn label(self) -> &'static str {
        match self {
            Version::Draft2015 => "draft 2015",
            Version::Csl2016 => "CSL-2016",
            Version::Csl2025 => "CSL-2025",
        }
    }

    /// A descriptive name in Chinese and English.
    pub fn name(self) -> Text {
        match self {
            Version::Draft2015 => Text::new("2015年一审草案", "2015 first-reading draft"),
            Version::Csl2016 => Text::new("2016年网络安全法", "Cybersecurity Law 2016"),
            Version::Csl2025 => Text::new(
                "2025年修正的网络安全法",
                "Cybersecurity Law as amended 2025",
            ),
        }
    }

    /// Read a version key: `draft`, `2015`, `2016`, `2025`, `csl-2016`, `CSL-2025`.
    pub fn from_key(key: &str) -> Option<Version> {
        match key.trim().to_ascii_lowercase().as_str() {
            "draft" | "2015" | "draft-2015" | "draft 2015" => Some(Version::Draft2015),
            "2016" | "csl-2016" | "csl2016" => Some(Version::Csl2016),
            "2025" | "csl-2025" | "csl2025" => Some(Version::Csl2025),
            _ => None,
        }
    }

    /// The version in force on `date`: CSL-2016 before 2026-01-01, CSL-2025
    /// from then on. The draft is never in force.
    pub fn in_force_at(date: Date) -> Version {
        if date < Self::CSL_2025_IN_FORCE {
            Version::Csl2016
        } else {
            Version::Csl2025
        }
    }

    /// The first and last article number of chapter 3 in this version.
    pub fn article_range(self) -> (u16, u16) {
        match self {
            Version::Draft2015 => (17, 33),
            Version::Csl2016 => (21, 39),
            Version::Csl2025 => (23, 41),
        }
    }

    pub(crate) fn index(self) -> usize {
        match self {
            Version::Draft2015 => 0,
            Version::Csl2016 => 1,
            Version::Csl2025 => 2,
        }
    }
}

/// The two sections (节) of chapter 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// 第一节 一般规定: general provisions.
    General,
    /// 第二节 关键信息基础设施的运行安全: critical information infrastructure.
    Cii,
}

impl Section {
    /// Both sections, in order.
    pub const ALL: [Section; 2] = [Section::General, Section::Cii];

    /// A short stable id: `section-1`, `section-2`.
    pub fn id(self) -> &'static str {
        match self {
            Section::General => "section-1",
            Section::Cii => "section-2",
        }
    }

    /// The heading in Chinese (as in the law) and English.
    pub fn title(self) -> Text {
        match self {
            Section::General => Text::new("第一节 一般规定", "Section 1: General provisions"),
            Section::Cii => Text::new(
                "第二节 关键信息基础设施的运行安全",
                "Section 2: Operational security of critical information infrastructure",
            ),
        }
    }
}

/// How sure we are of a fact (see the project's law notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Read in the official text or a faithful copy.
    Verified,
    /// Consistent third-party copies; not read in the primary document.
    Secondary,
    /// Not confirmed: never build on it without showing this flag.
    Unverified,
}

impl Status {
    /// `verified`, `secondary`, `unverified`.
    pub fn key(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Secondary => "secondary",
            Status::Unverified => "unverified",
        }
    }

    /// The word to show a reader.
    pub fn label(self) -> Text {
        match self {
            Status::Verified => Text::new("已核实", "verified"),
            Status::Secondary => Text::new("二手来源", "secondary"),
            Status::Unverified => Text::new("未核实", "unverified"),
        }
    }
}

/// A short human text in Chinese and English (our own words; the law's own
/// text is always Chinese and comes from [`Loc::text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Text {
    /// Simplified Chinese.
    pub zh: &'static str,
    /// English.
    pub en: &'static str,
}

impl Text {
    /// A text from its two forms.
    pub const fn new(zh: &'static str, en: &'static str) -> Text {
        Text { zh, en }
    }
}
