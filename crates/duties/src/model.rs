//! The result of an assessment: [`Assessment`], serialised as the JSON
//! document of schema `wangan.assess/1`.
//!
//! # The `wangan.assess/1` shape
//!
//! Every human text is an object `{"zh": …, "en": …}` ([`Text`]); the law's
//! own words (`article.text`, `penalties[].text`) are always Chinese. Dates
//! are `YYYY-MM-DD`, instants RFC 3339.
//!
//! ```text
//! schema       "wangan.assess/1"
//! generated    when the evidence was gathered (RFC 3339)
//! at           the date assessed (YYYY-MM-DD)
//! law          {key "2016"|"2025", label, name, in_force_from}: the text in force at `at`
//! profile      {file, sha256}
//! operator     {name, kind, kind_label, provider, sector, province, responsible}
//! summary      {met, partly_met, not_met, needs_evidence, not_applicable, waived,
//!               applicable, overdue, integrity_failed, worst}
//! duties[]     one per duty of the law crate, in its order:
//!   id, title, section, bearer, kind, status ("met" | "partly-met" | "not-met" |
//!   "needs-evidence" | "not-applicable" | "waived"), decided (the status before
//!   a waiver), reason, findings[{level, text}],
//!   article {version, ref, label, zh, text, numbering{draft, 2016, 2025}},
//!   evidence[{kind, what, source, collected, stale_after, sha256, state}],
//!   remediation[], clocks[{rule, period, what, basis, status, legal, due,
//!   days_left, overdue}], penalties[{version, citation, zh, text, status, note}],
//!   waiver, overdue
//! waivers[]    every waiver of the profile: duty, reason, owner, expires, granted, state
//! logs         {sources[], undeclared[], vaults[]}
//! data_stores[] documents[]
//! settings[]   the values the decisions used that are wangan's defaults, not law
//! notes[]
//! ```

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::evidence::{DataLevel, Gap};
use crate::serde_time;

/// The schema name of [`Assessment`].
pub const SCHEMA: &str = "wangan.assess/1";

/// A key of this build's fixed vocabulary (duty ids, sections, bearers, versions, clock
/// rules, setting keys). Read back by [`crate::serde_time::static_str`]; spelled as an alias
/// so that serde's derive does not take the field for one borrowed from the input.
pub type Key = &'static str;

/// A text in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Text {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// A text from its two forms.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The same words in both languages (names, paths, ids).
    pub fn same(s: impl Into<String>) -> Text {
        let s = s.into();
        Text {
            zh: s.clone(),
            en: s,
        }
    }

    /// The form for a language.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl From<law::Text> for Text {
    fn from(t: law::Text) -> Self {
        Text::new(t.zh, t.en)
    }
}

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Simplified Chinese.
    Zh,
    /// English.
    En,
}

/// How a duty stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Evidence shows the duty is not met.
    NotMet,
    /// Part of it is proven, or proven but stale (an overdue review).
    PartlyMet,
    /// Nothing proves it either way yet.
    NeedsEvidence,
    /// A waiver holds until its expiry date.
    Waived,
    /// Proven by fresh evidence.
    Met,
    /// Not this operator's duty (with the reason).
    NotApplicable,
}

impl Status {
    /// Every status, worst first.
    pub const ALL: [Status; 6] = [
        Status::NotMet,
        Status::PartlyMet,
        Status::NeedsEvidence,
        Status::Waived,
        Status::Met,
        Status::NotApplicable,
    ];

    /// `met`, `partly-met`, `not-met`, `needs-evidence`, `not-applicable`, `waived`.
    pub fn key(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::PartlyMet => "partly-met",
            Status::NotMet => "not-met",
            Status::NeedsEvidence => "needs-evidence",
            Status::NotApplicable => "not-applicable",
            Status::Waived => "waived",
        }
    }

    /// The word to show a reader.
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Status::Met => ("已履行", "met"),
            Status::PartlyMet => ("部分履行", "partly met"),
            Status::NotMet => ("未履行", "not met"),
            Status::NeedsEvidence => ("待举证", "needs evidence"),
            Status::NotApplicable => ("不适用", "not applicable"),
            Status::Waived => ("已豁免", "waived"),
        };
        Text::new(zh, en)
    }

    /// Whether the status counts against the operator (for exit codes).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::NotMet | Status::PartlyMet | Status::NeedsEvidence
        )
    }
}

/// The `schema` field: always [`SCHEMA`].
fn schema<'de, D: serde::Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
    let s = std::borrow::Cow::<str>::deserialize(d)?;
    if s == SCHEMA {
        Ok(SCHEMA)
    } else {
        Err(serde::de::Error::custom(format!(
            "schema is {s:?}, not {SCHEMA:?}"
        )))
    }
}

/// The whole assessment (schema `wangan.assess/1`): what [`crate::assess()`] decides, written
/// and read back as JSON (`Deserialize` accepts what `Serialize` writes, so a saved
/// assessment renders again in every report format).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assessment {
    /// Always [`SCHEMA`].
    #[serde(deserialize_with = "schema")]
    pub schema: Key,
    /// When the evidence was gathered.
    #[serde(with = "serde_time::rfc3339")]
    pub generated: OffsetDateTime,
    /// The date assessed.
    #[serde(with = "serde_time::date")]
    pub at: Date,
    /// The law in force at `at`.
    pub law: LawRef,
    /// The profile the assessment read.
    pub profile: ProfileRef,
    /// Who the operator is.
    pub operator: OperatorSummary,
    /// Counts by status.
    pub summary: Summary,
    /// One per duty of the law crate, in its order.
    pub duties: Vec<DutyAssessment>,
    /// Every waiver of the profile, in force or not.
    pub waivers: Vec<WaiverState>,
    /// Log sources, undeclared sources and vaults.
    pub logs: Logs,
    /// Data stores with their scans.
    pub data_stores: Vec<DataStoreState>,
    /// Documents with their hashes.
    pub documents: Vec<DocumentState>,
    /// The values used that are wangan's defaults or the profile's choices, not law.
    pub settings: Vec<Setting>,
    /// What a reader should know about the assessment as a whole.
    pub notes: Vec<Text>,
}

impl Assessment {
    /// The duty with this id.
    pub fn duty(&self, id: &str) -> Option<&DutyAssessment> {
        self.duties.iter().find(|d| d.id == id)
    }

    /// The exit level for a CI gate: 0 every applicable duty met or waived;
    /// 1 a duty at or above the threshold is open; 2 a running legal clock is
    /// overdue or a vault fails verification (unless the threshold is `None`).
    pub fn exit_level(&self, fail_on: FailOn) -> u8 {
        if fail_on == FailOn::None {
            return 0;
        }
        if self.summary.overdue > 0 || self.summary.integrity_failed {
            return 2;
        }
        let open = self.duties.iter().any(|d| match fail_on {
            FailOn::None | FailOn::Severe => false,
            FailOn::NotMet => d.status == Status::NotMet,
            FailOn::PartlyMet => matches!(d.status, Status::NotMet | Status::PartlyMet),
            FailOn::NeedsEvidence => d.status.is_open(),
        });
        u8::from(open)
    }
}

/// The threshold of [`Assessment::exit_level`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Never fail.
    None,
    /// Only an overdue legal clock or a failed verification (exit 2).
    Severe,
    /// Also any `not-met`.
    NotMet,
    /// Also any `partly-met`.
    PartlyMet,
    /// Also any `needs-evidence` (the default).
    #[default]
    NeedsEvidence,
}

/// The law in force at the date assessed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LawRef {
    /// `2016` or `2025`.
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub key: Key,
    /// `CSL-2016` or `CSL-2025`.
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub label: Key,
    /// Its name.
    pub name: Text,
    /// The day it came into force.
    #[serde(with = "serde_time::date")]
    pub in_force_from: Date,
}

/// The profile file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProfileRef {
    /// As given.
    pub file: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

/// Who the operator is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OperatorSummary {
    /// Name.
    pub name: String,
    /// `operator`, `cii-operator` or `central-organ`.
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub kind: Key,
    /// The kind for a reader.
    pub kind_label: Text,
    /// Also provides network products or services.
    pub provider: bool,
    /// Sector.
    pub sector: Option<String>,
    /// Province.
    pub province: Option<String>,
    /// The person responsible for network security: name and title.
    pub responsible: Option<String>,
}

/// Counts by status and the facts that set the exit code.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Duties met.
    pub met: u32,
    /// Duties partly met.
    pub partly_met: u32,
    /// Duties not met.
    pub not_met: u32,
    /// Duties needing evidence.
    pub needs_evidence: u32,
    /// Duties not applicable.
    pub not_applicable: u32,
    /// Duties waived.
    pub waived: u32,
    /// Duties that apply to this operator.
    pub applicable: u32,
    /// Duties with an overdue legal clock.
    pub overdue: u32,
    /// A vault failed verification.
    pub integrity_failed: bool,
    /// The worst status of an applicable duty.
    pub worst: Option<Status>,
}

impl Summary {
    /// The count of one status.
    pub fn count(&self, s: Status) -> u32 {
        match s {
            Status::Met => self.met,
            Status::PartlyMet => self.partly_met,
            Status::NotMet => self.not_met,
            Status::NeedsEvidence => self.needs_evidence,
            Status::NotApplicable => self.not_applicable,
            Status::Waived => self.waived,
        }
    }
}

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Good news.
    Ok,
    /// For information.
    Info,
    /// Something to look at.
    Warning,
    /// A reason the duty is not met.
    Problem,
}

/// One thing the decision found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// How much it matters.
    pub level: Level,
    /// What.
    pub text: Text,
}

/// One duty, decided.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DutyAssessment {
    /// The law crate's stable id.
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub id: Key,
    /// Title (our words).
    pub title: Text,
    /// `section-1` or `section-2` (CII).
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub section: Key,
    /// Who bears it (law crate key).
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub bearer: Key,
    /// The bearer for a reader.
    pub bearer_label: Text,
    /// Obligation, prohibition, encouragement, authority-role.
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub kind: Key,
    /// The decision.
    pub status: Status,
    /// The decision before a waiver (equal to `status` when none holds).
    pub decided: Status,
    /// Why, in one sentence.
    pub reason: Text,
    /// What the decision found, worst first.
    pub findings: Vec<Finding>,
    /// The article in the version in force, with its other numberings.
    pub article: ArticleRef,
    /// The evidence behind the decision.
    pub evidence: Vec<EvidenceItem>,
    /// What to do next.
    pub remediation: Vec<Text>,
    /// The clocks that run for this operator.
    pub clocks: Vec<ClockState>,
    /// The penalty exposure in the version in force.
    pub penalties: Vec<PenaltyRef>,
    /// The waiver in force, if any.
    pub waiver: Option<WaiverRef>,
    /// A legal clock of this duty is overdue.
    pub overdue: bool,
}

/// A provision of chapter 3 in the version in force.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArticleRef {
    /// `2016` or `2025`.
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub version: Key,
    /// `23(3)`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// `CSL-2025 23(3)`.
    pub label: String,
    /// `第二十三条第三项`.
    pub zh: String,
    /// The law's text (Chinese).
    pub text: String,
    /// `{draft, 2016, 2025}` numbering, null where absent.
    #[serde(deserialize_with = "serde_time::static_str::keys")]
    pub numbering: std::collections::BTreeMap<Key, Option<String>>,
}

/// Where a piece of evidence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// A vault's coverage of a log source.
    VaultCoverage,
    /// A vault's integrity (structure check, full verification).
    VaultIntegrity,
    /// A saved scan of a data store.
    Scan,
    /// A document file.
    Document,
    /// A register entry or a register as a whole.
    Register,
    /// A fact stated in the profile.
    Profile,
}

/// The state of a piece of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceState {
    /// It proves what it should.
    Ok,
    /// It is there but old.
    Stale,
    /// It shows a problem.
    Problem,
    /// It is not there.
    Missing,
}

/// One piece of evidence.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// Where it comes from.
    pub kind: EvidenceKind,
    /// What it is and says.
    pub what: Text,
    /// Where it was found (vault directory, file, register).
    pub source: String,
    /// When it was collected.
    #[serde(with = "serde_time::opt_rfc3339")]
    pub collected: Option<OffsetDateTime>,
    /// The first day it no longer proves the duty.
    #[serde(with = "serde_time::opt_date")]
    pub stale_after: Option<Date>,
    /// SHA-256 of the file, where it is one.
    pub sha256: Option<String>,
    /// Its state.
    pub state: EvidenceState,
}

/// A clock as it stands at the date assessed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClockState {
    /// `keep-at-least`, `at-least-every`, `within`, `regularly`, `immediately`, `review`.
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub rule: Key,
    /// ISO 8601 period.
    pub period: Option<String>,
    /// What must happen.
    pub what: Text,
    /// Where the rule comes from.
    pub basis: Text,
    /// `verified`, `secondary`, `unverified`; `ours` for wangan's defaults.
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub status: Key,
    /// A legal clock (from the law or another instrument), not a setting.
    pub legal: bool,
    /// When it is due (date or RFC 3339 instant), when it runs.
    pub due: Option<String>,
    /// Whole days left until `due` (negative: overdue).
    pub days_left: Option<i64>,
    /// It has run out.
    pub overdue: bool,
}

/// A penalty provision in the version in force.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PenaltyRef {
    /// `2016` or `2025`.
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub version: Key,
    /// `CSL-2025 art. 61¶1, 61¶3`; null when the version has none.
    pub citation: Option<String>,
    /// `第六十一条第一款、第六十一条第三款`.
    pub zh: Option<String>,
    /// The law's text (Chinese).
    pub text: Option<String>,
    /// How sure the fact is.
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub status: Key,
    /// Our summary.
    pub note: Option<Text>,
}

/// The waiver that holds for a duty.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WaiverRef {
    /// Why.
    pub reason: String,
    /// Who answers for it.
    pub owner: String,
    /// The first day it no longer holds.
    #[serde(with = "serde_time::date")]
    pub expires: Date,
    /// Days until it expires.
    pub days_left: i64,
}

/// Where a waiver of the profile stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverStatus {
    /// It holds at the date assessed.
    Active,
    /// It expired on or before the date assessed: the duty is decided again.
    Expired,
    /// Granted after the date assessed.
    NotYetGranted,
    /// The duty does not apply to this operator anyway.
    NotApplicable,
}

/// One waiver of the profile.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WaiverState {
    /// The duty id.
    pub duty: String,
    /// The duty's title.
    pub title: Text,
    /// Why.
    pub reason: String,
    /// Who answers for it.
    pub owner: String,
    /// The first day it no longer holds.
    #[serde(with = "serde_time::date")]
    pub expires: Date,
    /// When it was granted.
    #[serde(with = "serde_time::opt_date")]
    pub granted: Option<Date>,
    /// Where it stands.
    pub state: WaiverStatus,
}

/// The log side of the assessment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Logs {
    /// One per declared log source.
    pub sources: Vec<LogSourceState>,
    /// Sources with records that the profile does not declare.
    pub undeclared: Vec<UndeclaredSource>,
    /// One per vault.
    pub vaults: Vec<VaultState>,
}

/// A declared log source.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogSourceState {
    /// The vault's source name.
    pub name: String,
    /// The vault's data directory.
    pub vault: String,
    /// The system it logs for.
    pub system: Option<String>,
    /// Six continuous months are covered.
    pub covered: bool,
    /// Earliest record.
    #[serde(with = "serde_time::opt_rfc3339")]
    pub first: Option<OffsetDateTime>,
    /// Latest record.
    #[serde(with = "serde_time::opt_rfc3339")]
    pub last: Option<OffsetDateTime>,
    /// The gap threshold, in seconds.
    pub max_gap_secs: i64,
    /// Gaps inside the window.
    pub gaps: Vec<Gap>,
    /// Why it is not covered, when it is not.
    pub problem: Option<Text>,
}

/// A source with records that the profile does not declare.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UndeclaredSource {
    /// The vault's source name.
    pub name: String,
    /// The vault.
    pub vault: String,
}

/// One vault's state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VaultState {
    /// The data directory.
    pub dir: String,
    /// Why it could not be read.
    pub error: Option<String>,
    /// Its log origin.
    pub origin: Option<String>,
    /// Configured retention.
    pub retention: Option<String>,
    /// Records stored.
    pub records: u64,
    /// The window start.
    #[serde(with = "serde_time::opt_rfc3339")]
    pub window_start: Option<OffsetDateTime>,
    /// The window end.
    #[serde(with = "serde_time::opt_rfc3339")]
    pub window_end: Option<OffsetDateTime>,
    /// The structural check passed.
    pub structure_ok: Option<bool>,
    /// Problems the structural check found.
    pub structure_problems: Vec<String>,
    /// The latest full verification.
    #[serde(with = "serde_time::opt_rfc3339")]
    pub verified_at: Option<OffsetDateTime>,
    /// Its result.
    pub verified_intact: Option<bool>,
    /// Records it covered.
    pub verified_records: Option<u64>,
    /// Its age in whole days at collection.
    pub verified_age_days: Option<i64>,
    /// Parts that could not be read.
    pub unreadable: Vec<String>,
    /// The vault fails verification.
    pub integrity_failed: bool,
}

/// One data store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataStoreState {
    /// Its id.
    pub id: String,
    /// The target (credentials never included).
    pub target: String,
    /// Country code.
    pub country: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Declared important.
    pub important: bool,
    /// The latest scan's grade, when scanned.
    pub level: Option<DataLevel>,
    /// The latest scan's grade for a reader.
    pub level_label: Option<Text>,
    /// When it was scanned.
    #[serde(with = "serde_time::opt_rfc3339")]
    pub scanned_at: Option<OffsetDateTime>,
    /// The scan is older than allowed.
    pub scan_stale: bool,
    /// The saved scan file and its SHA-256.
    pub scan_file: Option<String>,
    /// SHA-256 of the saved scan.
    pub scan_sha256: Option<String>,
    /// Sensitive PI found.
    pub sensitive: bool,
    /// Distinct persons.
    pub persons: Option<u64>,
    /// Backup interval.
    pub backup_every: Option<String>,
    /// Last restore test.
    #[serde(with = "serde_time::opt_date")]
    pub restore_tested: Option<Date>,
    /// Encrypted at rest.
    pub encrypted: Option<bool>,
}

/// One document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentState {
    /// Its id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The file.
    pub path: String,
    /// The duties it proves.
    pub duties: Vec<String>,
    /// Version.
    pub version: Option<String>,
    /// Approval date.
    #[serde(with = "serde_time::opt_date")]
    pub approved: Option<Date>,
    /// The next review is due on this date.
    #[serde(with = "serde_time::opt_date")]
    pub review_due: Option<Date>,
    /// The file's SHA-256.
    pub sha256: Option<String>,
    /// Size in bytes.
    pub bytes: Option<u64>,
    /// Why it could not be read.
    pub error: Option<String>,
    /// Its state.
    pub state: EvidenceState,
}

/// A value the decisions used that is a default or a choice, not law.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Setting {
    /// The profile key.
    #[serde(deserialize_with = "serde_time::static_str::deserialize")]
    pub key: Key,
    /// The value.
    pub value: String,
    /// What it decides.
    pub what: Text,
}
