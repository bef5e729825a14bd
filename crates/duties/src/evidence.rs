//! The evidence an assessment is decided on, as plain data. The caller
//! gathers it (the `wangan` binary from the vault, saved scans, the files
//! the profile names and the registers) and hands it in; nothing here reads
//! a file or a clock.
//!
//! Every item says where it came from and when it was collected, so a
//! report can show it and a reader can check it.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::serde_time;

/// Everything an assessment is decided on, besides the profile and the date.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// One entry per vault data directory the profile's log sources name.
    pub vaults: Vec<VaultEvidence>,
    /// The latest saved scan of each data store (none when never scanned).
    pub scans: Vec<ScanEvidence>,
    /// One entry per document of the profile.
    pub documents: Vec<DocumentEvidence>,
    /// What the registers hold; `None` until wangan keeps registers here.
    pub registers: Option<RegisterSet>,
}

// ---- vault ----------------------------------------------------------------------

/// What one vault says about its log sources and its own integrity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultEvidence {
    /// The data directory as the profile writes it.
    pub dir: String,
    /// When the facts were read.
    pub collected: OffsetDateTime,
    /// Why the vault could not be read, when it could not (then everything
    /// else is empty).
    pub error: Option<String>,
    /// The vault's log origin (its name in checkpoints).
    pub origin: Option<String>,
    /// The configured retention, e.g. `6 months`.
    pub retention: Option<String>,
    /// Records in the store.
    pub records: u64,
    /// The coverage window: six calendar months back from `window_end`.
    pub window_start: Option<OffsetDateTime>,
    /// The instant coverage is judged at.
    pub window_end: Option<OffsetDateTime>,
    /// Per source seen in the store (declared or not), sorted by name.
    pub sources: Vec<SourceCoverage>,
    /// Parts of the store that could not be read (coverage is then unproven).
    pub unreadable: Vec<String>,
    /// The structural check run while collecting (headers, footers, CRCs,
    /// chain, signatures).
    pub structure: Option<Check>,
    /// The latest full verification on record (`wangan vault verify`).
    pub last_full_verify: Option<FullVerification>,
}

/// A check's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// No error-level findings.
    pub ok: bool,
    /// The error-level findings, short (no record contents).
    pub problems: Vec<String>,
}

/// One full verification of a vault (every leaf recomputed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullVerification {
    /// When it finished.
    pub at: OffsetDateTime,
    /// No error-level findings.
    pub intact: bool,
    /// Records in the tree it verified.
    pub records: u64,
    /// Tree root it verified (base64).
    pub root: String,
    /// Error-level findings it reported.
    pub errors: u64,
    /// Whether the tree it verified is still the store's tree at that size
    /// (`false`: the store was rewritten since).
    pub matches_store: bool,
}

/// Coverage of one source over the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCoverage {
    /// The vault's source name.
    pub name: String,
    /// Earliest record (receive time) in the store, when known.
    pub first: Option<OffsetDateTime>,
    /// Latest record (receive time) in the store, when known.
    pub last: Option<OffsetDateTime>,
    /// Silences longer than the source's threshold inside the window.
    pub gaps: Vec<Gap>,
    /// The threshold the gaps were found with, in seconds.
    pub max_gap_secs: i64,
}

/// A silence in a log source, clipped to the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gap {
    /// The last record before it, or the window start.
    #[serde(with = "serde_time::rfc3339")]
    pub from: OffsetDateTime,
    /// The next record, or the window end.
    #[serde(with = "serde_time::rfc3339")]
    pub to: OffsetDateTime,
}

impl Gap {
    /// Its length in seconds.
    pub fn seconds(&self) -> i64 {
        (self.to - self.from).whole_seconds()
    }
}

// ---- scans ----------------------------------------------------------------------

/// The grade candidate a scan gave a data store (see the `scan` crate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataLevel {
    /// No personal information found.
    NoPi,
    /// 一般数据 containing personal information.
    GeneralPi,
    /// 一般数据 containing sensitive personal information.
    SensitivePi,
    /// An important-data candidate by scale, to be confirmed against a catalog.
    ImportantCandidate,
}

impl DataLevel {
    /// Read the `scan` crate's level name (`no_pi`, `general_pi`, …).
    pub fn from_name(s: &str) -> Option<DataLevel> {
        match s {
            "no_pi" => Some(DataLevel::NoPi),
            "general_pi" => Some(DataLevel::GeneralPi),
            "sensitive_pi" => Some(DataLevel::SensitivePi),
            "important_candidate" => Some(DataLevel::ImportantCandidate),
            _ => None,
        }
    }

    /// The stable name.
    pub fn name(self) -> &'static str {
        match self {
            DataLevel::NoPi => "no_pi",
            DataLevel::GeneralPi => "general_pi",
            DataLevel::SensitivePi => "sensitive_pi",
            DataLevel::ImportantCandidate => "important_candidate",
        }
    }

    /// The name to show a reader.
    pub fn label(self) -> law::Text {
        match self {
            DataLevel::NoPi => law::Text::new("未发现个人信息", "no personal information found"),
            DataLevel::GeneralPi => law::Text::new("含个人信息", "personal information"),
            DataLevel::SensitivePi => {
                law::Text::new("含敏感个人信息", "sensitive personal information")
            }
            DataLevel::ImportantCandidate => law::Text::new(
                "重要数据候选（待对照目录确认）",
                "important-data candidate (confirm against the catalog)",
            ),
        }
    }

    /// Personal information of any kind was found.
    pub fn has_pi(self) -> bool {
        self >= DataLevel::GeneralPi
    }
}

/// The latest saved scan of one data store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanEvidence {
    /// The data store's id in the profile.
    pub store: String,
    /// The saved result file, as found.
    pub file: String,
    /// SHA-256 of the saved result file.
    pub sha256: String,
    /// When the scan ran.
    pub scanned_at: OffsetDateTime,
    /// The target as scanned (credentials masked).
    pub target: String,
    /// The overall grade candidate.
    pub level: DataLevel,
    /// Sensitive personal information found.
    pub sensitive: bool,
    /// Data of minors under 14 found.
    pub minors: bool,
    /// Secrets (passwords, keys, tokens) found.
    pub secrets: bool,
    /// Distinct persons (by resident ID, else estimated).
    pub persons: u64,
    /// The kinds found (`cn_id`, `phone`, …), sorted.
    pub kinds: Vec<String>,
    /// Inputs the scan could not read.
    pub skipped: u64,
}

// ---- documents --------------------------------------------------------------------

/// What was found at a document's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentEvidence {
    /// The document's id in the profile.
    pub id: String,
    /// The path as resolved.
    pub path: String,
    /// When it was read.
    pub collected: OffsetDateTime,
    /// SHA-256 of the file, when it could be read.
    pub sha256: Option<String>,
    /// Size in bytes, when it could be read.
    pub bytes: Option<u64>,
    /// Why it could not be read (missing, not a file, unreadable).
    pub error: Option<String>,
}

// ---- registers ------------------------------------------------------------------------

/// Which register an entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RegisterKind {
    /// Incidents (27; reporting clock).
    Incidents,
    /// Response plans (27, 36(4)).
    Plans,
    /// Drills (36(4)).
    Drills,
    /// Training and skills tests (36(2)).
    Training,
    /// The security body, head and background checks (36(1)).
    BackgroundChecks,
    /// Supplier security and confidentiality agreements (38).
    Agreements,
    /// Procurement national-security reviews (37).
    ProcurementReviews,
    /// Product vulnerabilities (24; 2-day report).
    Vulnerabilities,
    /// Real-name verification per service (26).
    RealName,
    /// MLPS filings (23(5)).
    MlpsFilings,
    /// MLPS level tests (23(5)).
    MlpsTests,
    /// Yearly CII assessments and their submission (40).
    AnnualAssessments,
    /// Critical network equipment and security products in use (25).
    Equipment,
    /// CII construction projects (35, 三同步).
    Projects,
    /// Technical support given to public and state security organs (30).
    LawEnforcementRequests,
}

impl RegisterKind {
    /// Every register.
    pub const ALL: [RegisterKind; 15] = [
        RegisterKind::Incidents,
        RegisterKind::Plans,
        RegisterKind::Drills,
        RegisterKind::Training,
        RegisterKind::BackgroundChecks,
        RegisterKind::Agreements,
        RegisterKind::ProcurementReviews,
        RegisterKind::Vulnerabilities,
        RegisterKind::RealName,
        RegisterKind::MlpsFilings,
        RegisterKind::MlpsTests,
        RegisterKind::AnnualAssessments,
        RegisterKind::Equipment,
        RegisterKind::Projects,
        RegisterKind::LawEnforcementRequests,
    ];

    /// The stable key (`incidents`, `drills`, `annual-assessments`, …).
    pub fn key(self) -> &'static str {
        match self {
            RegisterKind::Incidents => "incidents",
            RegisterKind::Plans => "plans",
            RegisterKind::Drills => "drills",
            RegisterKind::Training => "training",
            RegisterKind::BackgroundChecks => "background-checks",
            RegisterKind::Agreements => "agreements",
            RegisterKind::ProcurementReviews => "procurement-reviews",
            RegisterKind::Vulnerabilities => "vulnerabilities",
            RegisterKind::RealName => "real-name",
            RegisterKind::MlpsFilings => "mlps-filings",
            RegisterKind::MlpsTests => "mlps-tests",
            RegisterKind::AnnualAssessments => "annual-assessments",
            RegisterKind::Equipment => "equipment",
            RegisterKind::Projects => "projects",
            RegisterKind::LawEnforcementRequests => "law-enforcement-requests",
        }
    }

    /// Read a key as written by [`RegisterKind::key`].
    pub fn from_key(key: &str) -> Option<RegisterKind> {
        RegisterKind::ALL
            .into_iter()
            .find(|k| k.key() == key.trim())
    }

    /// The register's name for a reader.
    pub fn label(self) -> law::Text {
        use law::Text as T;
        match self {
            RegisterKind::Incidents => T::new("事件登记", "incident register"),
            RegisterKind::Plans => T::new("应急预案登记", "response plan register"),
            RegisterKind::Drills => T::new("演练登记", "drill register"),
            RegisterKind::Training => T::new("培训考核登记", "training register"),
            RegisterKind::BackgroundChecks => T::new(
                "安全机构与背景审查登记",
                "security body and background check register",
            ),
            RegisterKind::Agreements => {
                T::new("供应商安全保密协议登记", "supplier agreement register")
            }
            RegisterKind::ProcurementReviews => T::new(
                "采购国家安全审查登记",
                "procurement security review register",
            ),
            RegisterKind::Vulnerabilities => {
                T::new("产品漏洞登记", "product vulnerability register")
            }
            RegisterKind::RealName => T::new("实名核验登记", "real-name verification register"),
            RegisterKind::MlpsFilings => T::new("等级保护备案登记", "MLPS filing register"),
            RegisterKind::MlpsTests => T::new("等级测评登记", "MLPS test register"),
            RegisterKind::AnnualAssessments => {
                T::new("年度检测评估登记", "yearly CII assessment register")
            }
            RegisterKind::Equipment => {
                T::new("关键设备和安全专用产品登记", "critical equipment register")
            }
            RegisterKind::Projects => T::new("建设项目三同步登记", "CII project register"),
            RegisterKind::LawEnforcementRequests => {
                T::new("执法协助登记", "law-enforcement support register")
            }
        }
    }
}

/// Where an entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryStatus {
    /// Done (a drill held, a report sent, an agreement signed, a test passed).
    Done,
    /// Open and within its deadline.
    Open,
    /// Open past its deadline: a legal clock has run out.
    Overdue,
    /// Done but failed or with findings still open (e.g. a test not passed).
    Failed,
}

/// One register entry as evidence for `assess`: plain data, so the registers
/// can hand their entries over without `duties` knowing how they are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEvidence {
    /// Which register.
    pub register: RegisterKind,
    /// The entry's id in its register.
    pub entry: String,
    /// The duty ids it bears on (law duty ids).
    pub duties: Vec<String>,
    /// A short summary without personal data (e.g. `2026年第1次应急演练：勒索病毒场景`).
    pub summary: String,
    /// Its status.
    pub status: EntryStatus,
    /// When it was done (drill held, report sent, agreement signed, …).
    pub done: Option<OffsetDateTime>,
    /// When it is due, if a deadline runs (e.g. an incident's report).
    pub due: Option<OffsetDateTime>,
    /// When the next one is due, if the register knows (e.g. next drill).
    pub next: Option<Date>,
    /// When the entry was last changed.
    pub recorded: OffsetDateTime,
    /// The system (profile id) it concerns, if any.
    pub system: Option<String>,
}

/// What the registers hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegisterSet {
    /// Where they are kept (shown as the evidence's origin).
    pub origin: String,
    /// When they were read.
    pub collected: Option<OffsetDateTime>,
    /// The registers that are kept at all (an empty register that is kept
    /// proves, e.g., that no incident was recorded).
    pub kept: Vec<RegisterKind>,
    /// The entries.
    pub entries: Vec<RegisterEvidence>,
}

impl RegisterSet {
    /// Whether a register is kept.
    pub fn keeps(&self, kind: RegisterKind) -> bool {
        self.kept.contains(&kind)
    }

    /// The entries of one register bearing on a duty (or on no duty in particular).
    pub fn entries_for(&self, kind: RegisterKind, duty: &str) -> Vec<&RegisterEvidence> {
        self.entries
            .iter()
            .filter(|e| {
                e.register == kind && (e.duties.is_empty() || e.duties.iter().any(|d| d == duty))
            })
            .collect()
    }
}
