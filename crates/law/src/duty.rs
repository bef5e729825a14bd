//! Every duty of chapter 3, with a stable id, its sources in all three
//! numberings, its bearer, evidence, clocks, penalties and history.
//!
//! Titles and summaries are our own words, not the law's. Facts from outside
//! the law's text (reporting hours, the 2-day vulnerability rule) carry a
//! [`Status`] that every output shows. The penalty articles are read in the
//! vendored chapter 6 of each version ([`crate::text::penalty_articles`]).

use crate::{Loc, Part, Section, Status, Text, Version};

mod table;

use table::DUTIES;

/// Who bears a duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bearer {
    /// 网络运营者: owners, managers and service providers of networks.
    NetworkOperator,
    /// 关键信息基础设施的运营者: operators of critical information infrastructure.
    CiiOperator,
    /// 网络产品、服务的提供者 (and sellers of critical equipment).
    Provider,
    /// 任何个人和组织: anyone.
    Anyone,
    /// 有关行业组织: industry organisations.
    IndustryBody,
    /// The State and its departments: the authorities' own duty or role.
    Authorities,
}

impl Bearer {
    /// All bearers.
    pub const ALL: [Bearer; 6] = [
        Bearer::NetworkOperator,
        Bearer::CiiOperator,
        Bearer::Provider,
        Bearer::Anyone,
        Bearer::IndustryBody,
        Bearer::Authorities,
    ];

    /// The stable key: `network-operator`, `cii-operator`, `provider`,
    /// `anyone`, `industry-body`, `authorities`.
    pub fn key(self) -> &'static str {
        match self {
            Bearer::NetworkOperator => "network-operator",
            Bearer::CiiOperator => "cii-operator",
            Bearer::Provider => "provider",
            Bearer::Anyone => "anyone",
            Bearer::IndustryBody => "industry-body",
            Bearer::Authorities => "authorities",
        }
    }

    /// Read a key as written by [`Bearer::key`].
    pub fn from_key(key: &str) -> Option<Bearer> {
        Bearer::ALL.into_iter().find(|b| b.key() == key.trim())
    }

    /// The name to show a reader.
    pub fn label(self) -> Text {
        match self {
            Bearer::NetworkOperator => Text::new("网络运营者", "network operator"),
            Bearer::CiiOperator => Text::new("关键信息基础设施运营者", "CII operator"),
            Bearer::Provider => Text::new("网络产品、服务提供者", "product or service provider"),
            Bearer::Anyone => Text::new("任何个人和组织", "anyone"),
            Bearer::IndustryBody => Text::new("有关行业组织", "industry organisation"),
            Bearer::Authorities => Text::new("国家及主管部门", "the authorities"),
        }
    }
}

/// What kind of rule a duty is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Something the bearer must do.
    Obligation,
    /// Something the bearer must not do.
    Prohibition,
    /// Something the State encourages or supports; not enforceable.
    Encouragement,
    /// The authorities' own duty or power; shown so operators know what to expect.
    AuthorityRole,
}

impl Kind {
    /// `obligation`, `prohibition`, `encouragement`, `authority-role`.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Obligation => "obligation",
            Kind::Prohibition => "prohibition",
            Kind::Encouragement => "encouragement",
            Kind::AuthorityRole => "authority-role",
        }
    }

    /// The name to show a reader.
    pub fn label(self) -> Text {
        match self {
            Kind::Obligation => Text::new("义务", "obligation"),
            Kind::Prohibition => Text::new("禁止性规定", "prohibition"),
            Kind::Encouragement => Text::new("鼓励性规定", "encouragement"),
            Kind::AuthorityRole => Text::new("主管部门职责", "authorities' own duty"),
        }
    }
}

/// A wangan capability that gathers evidence without a person's help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capability {
    /// The tamper-evident log vault (`wangan vault`).
    Vault,
    /// The personal and important data scanner (planned).
    Scan,
    /// The registers: incidents, drills, training, vendors, checks (planned).
    Registers,
}

impl Capability {
    /// `vault`, `scan`, `registers`.
    pub fn key(self) -> &'static str {
        match self {
            Capability::Vault => "vault",
            Capability::Scan => "scan",
            Capability::Registers => "registers",
        }
    }
}

/// What proves a duty is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Gathered by a wangan capability.
    Auto {
        /// Which capability.
        capability: Capability,
        /// What it gathers.
        what: Text,
    },
    /// A record or document a person supplies.
    Supplied {
        /// Which record or document.
        what: Text,
    },
}

/// A length of time in a clock rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    /// Hours.
    Hours(u16),
    /// Calendar days.
    Days(u16),
    /// Calendar months (never a fixed number of days).
    Months(u16),
    /// Calendar years.
    Years(u16),
}

impl Period {
    /// ISO 8601 duration: `PT1H`, `P2D`, `P6M`, `P1Y`.
    pub fn iso8601(self) -> String {
        match self {
            Period::Hours(n) => format!("PT{n}H"),
            Period::Days(n) => format!("P{n}D"),
            Period::Months(n) => format!("P{n}M"),
            Period::Years(n) => format!("P{n}Y"),
        }
    }
}

/// The shape of a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClockRule {
    /// Keep something for at least this long.
    KeepAtLeast(Period),
    /// Do something at least once per period.
    AtLeastEvery(Period),
    /// Do something within this long of a trigger.
    Within(Period),
    /// Do something regularly (定期); the law sets no interval.
    Regularly,
    /// Do something at once (立即).
    Immediately,
}

impl ClockRule {
    /// `keep-at-least`, `at-least-every`, `within`, `regularly`, `immediately`.
    pub fn key(self) -> &'static str {
        match self {
            ClockRule::KeepAtLeast(_) => "keep-at-least",
            ClockRule::AtLeastEvery(_) => "at-least-every",
            ClockRule::Within(_) => "within",
            ClockRule::Regularly => "regularly",
            ClockRule::Immediately => "immediately",
        }
    }

    /// The period, for the rules that have one.
    pub fn period(self) -> Option<Period> {
        match self {
            ClockRule::KeepAtLeast(p) | ClockRule::AtLeastEvery(p) | ClockRule::Within(p) => {
                Some(p)
            }
            ClockRule::Regularly | ClockRule::Immediately => None,
        }
    }
}

/// A recurrence, retention period or deadline attached to a duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// The rule in machine form.
    pub rule: ClockRule,
    /// What must happen, for whom, and from when.
    pub what: Text,
    /// Where the rule comes from (the law's text or another instrument).
    pub basis: Text,
    /// How sure we are of it.
    pub status: Status,
}

/// One provision of chapter 6 (法律责任): an article, a paragraph (款) or an
/// item (项) of the liability chapter of one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Provision {
    /// The article number in chapter 6 of the version.
    pub article: u16,
    /// Which part of it.
    pub part: Part,
}

impl Provision {
    /// The Chinese form: `第六十一条第一款`, `第六十九条第三项`.
    pub fn zh(self) -> String {
        Loc {
            version: Version::Csl2025,
            article: self.article,
            part: self.part,
        }
        .zh()
    }

    /// The law's text of the provision in `version` (always Chinese): an
    /// article with its heading, a paragraph with its items, or an item
    /// after the sentence that introduces it. `None` when it is not there.
    pub fn text(self, version: Version) -> Option<String> {
        let a = crate::text::penalty_article(version, self.article)?;
        let para = |p: &crate::Paragraph| {
            let mut lines = vec![p.text];
            lines.extend(p.items.iter().copied());
            lines.join("\n")
        };
        match self.part {
            Part::Whole => Some(a.source_lines().join("\n")),
            Part::Paragraph(n) => {
                let i = usize::from(n).checked_sub(1)?;
                let p = a.paragraphs.get(i)?;
                let body = para(p);
                Some(if i == 0 {
                    format!("{}{}{}", a.heading, a.separator, body)
                } else {
                    body
                })
            }
            Part::Item(n) => {
                let (_, pn, item) = a.items().find(|(i, _, _)| *i == n)?;
                let lead = a.paragraphs.get(usize::from(pn).checked_sub(1)?)?.text;
                let lead = if pn == 1 {
                    format!("{}{}{}", a.heading, a.separator, lead)
                } else {
                    lead.to_owned()
                };
                Some(format!("{lead}\n{item}"))
            }
        }
    }
}

impl std::fmt::Display for Provision {
    /// `61¶1`, `69(3)`, `63`, as chapter-3 locations are written.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.article)?;
        match self.part {
            Part::Whole => Ok(()),
            Part::Paragraph(p) => write!(f, "¶{p}"),
            Part::Item(i) => write!(f, "({i})"),
        }
    }
}

/// The liability provisions for breaching a duty in one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Penalty {
    /// CSL-2016 or CSL-2025 (the draft's liability chapter is not recorded).
    pub version: Version,
    /// The provisions of chapter 6 that apply, e.g. 61¶1 and 61¶3; empty
    /// when the version has none for this duty (the note says so).
    pub provisions: &'static [Provision],
    /// How sure we are of it.
    pub status: Status,
    /// What a reader should know, in our words (the law's own words come
    /// from [`Penalty::text`]).
    pub note: Option<Text>,
}

impl Penalty {
    /// The provisions as written in citations: `61¶1, 61¶3`; `None` when there is none.
    pub fn article(&self) -> Option<String> {
        if self.provisions.is_empty() {
            return None;
        }
        Some(
            self.provisions
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        )
    }

    /// The citation: `CSL-2025 art. 61¶1, 61¶3`.
    pub fn label(&self) -> Option<String> {
        self.article()
            .map(|a| format!("{} art. {a}", self.version.label()))
    }

    /// The Chinese citation: `第六十一条第一款、第六十一条第三款`.
    pub fn zh(&self) -> Option<String> {
        if self.provisions.is_empty() {
            return None;
        }
        Some(
            self.provisions
                .iter()
                .map(|p| p.zh())
                .collect::<Vec<_>>()
                .join("、"),
        )
    }

    /// The law's text of every provision, in order, joined by `\n`
    /// (always Chinese); `None` when there is no provision.
    pub fn text(&self) -> Option<String> {
        let parts: Vec<String> = self
            .provisions
            .iter()
            .filter_map(|p| p.text(self.version))
            .collect();
        (!parts.is_empty()).then(|| parts.join("\n"))
    }
}

/// What happened to a duty between the 2015 draft and the 2016 text. (2016 →
/// 2025 changed no wording, only numbers: verified.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Same wording.
    Unchanged,
    /// Different words, same substance.
    Reworded,
    /// The duty itself changed.
    Substantive,
    /// Not in the draft.
    New,
}

impl Change {
    /// `unchanged`, `reworded`, `substantive`, `new`.
    pub fn key(self) -> &'static str {
        match self {
            Change::Unchanged => "unchanged",
            Change::Reworded => "reworded",
            Change::Substantive => "substantive",
            Change::New => "new",
        }
    }

    /// The word to show a reader.
    pub fn label(self) -> Text {
        match self {
            Change::Unchanged => Text::new("未改动", "unchanged"),
            Change::Reworded => Text::new("措辞调整", "reworded"),
            Change::Substantive => Text::new("实质修改", "changed in substance"),
            Change::New => Text::new("草案后新增", "new after the draft"),
        }
    }
}

/// One duty of chapter 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duty {
    /// Stable id, e.g. `csl.log-retention`. Other crates refer to duties by it.
    pub id: &'static str,
    /// Who bears it.
    pub bearer: Bearer,
    /// Obligation, prohibition, encouragement or the authorities' own.
    pub kind: Kind,
    /// A short title (our words).
    pub title: Text,
    /// A one- or two-sentence summary (our words).
    pub summary: Text,
    /// Where it is written: draft 2015, CSL-2016, CSL-2025 (`None`: not in that text).
    pub sources: [Option<Loc>; 3],
    /// What proves it is met.
    pub evidence: &'static [Evidence],
    /// Retention periods, recurrences and deadlines.
    pub clocks: &'static [Clock],
    /// The liability articles (CSL-2016 and CSL-2025); empty when the duty
    /// carries no penalty (encouragements, the authorities' own duties).
    pub penalties: &'static [Penalty],
    /// What happened between the draft and CSL-2016.
    pub since_draft: Change,
    /// The change in words.
    pub change_note: Text,
}

impl Duty {
    /// Where the duty is written in `version`.
    pub fn source(&self, version: Version) -> Option<Loc> {
        self.sources[version.index()]
    }

    /// The section the duty stands in.
    pub fn section(&self) -> Section {
        self.source(Version::Csl2016)
            .and_then(Loc::section)
            .unwrap_or(Section::General)
    }
}

/// Every duty of chapter 3, in CSL-2016 order.
pub fn duties() -> &'static [Duty] {
    &DUTIES
}

/// The duty with this id (exact, case-insensitive).
pub fn duty(id: &str) -> Option<&'static Duty> {
    DUTIES.iter().find(|d| d.id.eq_ignore_ascii_case(id.trim()))
}

/// The duties written in (or around) a location: those whose source in the
/// location's version overlaps it.
pub fn duties_at(loc: Loc) -> Vec<&'static Duty> {
    DUTIES
        .iter()
        .filter(|d| d.source(loc.version).is_some_and(|s| s.overlaps(loc)))
        .collect()
}
