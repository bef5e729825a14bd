//! The operator's profile: one versioned TOML file that says who the operator
//! is and where the evidence of its duties lives.
//!
//! ```toml
//! version = 1
//!
//! [operator]
//! name = "示例科技有限公司"
//! kind = "operator"              # operator | cii-operator | central-organ
//! provider = false               # also provides network products or services
//!
//! [operator.responsible]         # 网络安全负责人
//! name = "张三"
//! title = "首席信息安全官"
//!
//! [[log_source]]
//! name = "fw1"                   # the vault's source name
//!
//! [[document]]
//! id = "security-rules"
//! title = "网络安全管理制度"
//! path = "docs/security-rules.pdf"
//! duties = ["csl.security-management"]
//! approved = 2025-06-01
//! review_every = "1 year"
//! ```
//!
//! `docs/profile.toml.example` in the repository documents every key;
//! [`template`] prints a commented starting profile. Unknown keys and bad
//! values are rejected with the file, line and column ([`ProfileError`]).
//! Parsing never touches the file system: the caller reads the file and
//! resolves the relative paths ([`Profile::resolve`]) against its folder.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};
use time::Date;
use toml::Spanned;

use crate::interval::Interval;
use crate::mlps::{self, Grading};

/// The only profile format version this build reads.
pub const VERSION: u32 = 1;

/// A profile that could not be read: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", file.display())]
pub struct ProfileError {
    /// The profile file as given.
    pub file: PathBuf,
    /// 1-based line of the offending key or value (1 when unknown).
    pub line: usize,
    /// 1-based column, in characters (1 when unknown).
    pub column: usize,
    /// What is wrong, lowercase, in English.
    pub message: String,
    /// The id, when the problem is a duty id that chapter 3 does not have:
    /// a caller can then point to where the duty ids are listed.
    pub unknown_duty: Option<String>,
}

/// What kind of network operator the profile describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OperatorKind {
    /// An ordinary network operator (网络运营者).
    Operator,
    /// An operator of critical information infrastructure (关键信息基础设施运营者).
    CiiOperator,
    /// A central or state organ (中央和国家机关) running networks.
    CentralOrgan,
}

impl OperatorKind {
    /// All kinds.
    pub const ALL: [OperatorKind; 3] = [
        OperatorKind::Operator,
        OperatorKind::CiiOperator,
        OperatorKind::CentralOrgan,
    ];

    /// `operator`, `cii-operator`, `central-organ`.
    pub fn key(self) -> &'static str {
        match self {
            OperatorKind::Operator => "operator",
            OperatorKind::CiiOperator => "cii-operator",
            OperatorKind::CentralOrgan => "central-organ",
        }
    }

    /// Read a key as written by [`OperatorKind::key`].
    pub fn from_key(key: &str) -> Option<OperatorKind> {
        OperatorKind::ALL
            .into_iter()
            .find(|k| k.key() == key.trim())
    }

    /// The name to show a reader.
    pub fn label(self) -> law::Text {
        match self {
            OperatorKind::Operator => law::Text::new("网络运营者", "network operator"),
            OperatorKind::CiiOperator => law::Text::new("关键信息基础设施运营者", "CII operator"),
            OperatorKind::CentralOrgan => {
                law::Text::new("中央和国家机关", "central or state organ")
            }
        }
    }

    /// Whether the chapter's section 2 (CII) duties apply.
    pub fn is_cii(self) -> bool {
        self == OperatorKind::CiiOperator
    }
}

/// A service named in CSL-2025 art. 26¶1 (CSL-2016 24¶1) for which users'
/// real identity must be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RealNameService {
    /// 网络接入 (network access).
    Access,
    /// 域名注册 (domain registration).
    Domain,
    /// 入网手续 (fixed or mobile phone sign-up).
    Phone,
    /// 信息发布 (publishing information).
    Publishing,
    /// 即时通讯 (instant messaging).
    InstantMessaging,
}

impl RealNameService {
    /// The stable key.
    pub fn key(self) -> &'static str {
        match self {
            RealNameService::Access => "access",
            RealNameService::Domain => "domain",
            RealNameService::Phone => "phone",
            RealNameService::Publishing => "publishing",
            RealNameService::InstantMessaging => "instant-messaging",
        }
    }

    /// The name to show a reader.
    pub fn label(self) -> law::Text {
        match self {
            RealNameService::Access => law::Text::new("网络接入", "network access"),
            RealNameService::Domain => law::Text::new("域名注册", "domain registration"),
            RealNameService::Phone => law::Text::new("入网手续", "phone sign-up"),
            RealNameService::Publishing => law::Text::new("信息发布", "publishing"),
            RealNameService::InstantMessaging => law::Text::new("即时通讯", "instant messaging"),
        }
    }
}

/// The person responsible for network security (网络安全负责人, CSL-2025 23(1)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responsible {
    /// Name.
    pub name: String,
    /// Post or title.
    pub title: Option<String>,
    /// When the appointment took effect.
    pub appointed: Option<Date>,
}

/// Who the operator is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// The organisation's name.
    pub name: String,
    /// Ordinary operator, CII operator or central/state organ.
    pub kind: OperatorKind,
    /// Also provides network products or services (CSL-2025 art. 24).
    pub provider: bool,
    /// Sells or provides critical network equipment or network security
    /// products (CSL-2025 art. 25).
    pub critical_equipment: bool,
    /// Certifies, tests or assesses others' security, or publishes
    /// vulnerabilities and similar information (CSL-2025 art. 28).
    pub security_services: bool,
    /// The services of art. 26¶1 it offers (empty: none).
    pub real_name_services: Vec<RealNameService>,
    /// Sector (行业), e.g. 金融.
    pub sector: Option<String>,
    /// Province (省级行政区), e.g. 浙江省.
    pub province: Option<String>,
    /// The person responsible for network security.
    pub responsible: Option<Responsible>,
}

/// A system (定级对象) with its MLPS level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct System {
    /// Stable id within the profile.
    pub id: String,
    /// Name.
    pub name: String,
    /// MLPS level 1–5, as stated or as computed from `grading`.
    pub mlps_level: Option<u8>,
    /// The grading inputs, when given.
    pub grading: Option<Grading>,
}

/// A log source: a vault source name and the vault that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSource {
    /// The vault's source name (as recorded by `serve` or `vault ingest --source`).
    pub name: String,
    /// The system it logs for, by id.
    pub system: Option<String>,
    /// The vault's data directory, as written (relative to the profile).
    pub vault: PathBuf,
    /// What it is.
    pub description: Option<String>,
    /// Silences longer than this are gaps.
    pub max_gap: Interval,
}

/// A data store: where data lives and how it is protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataStore {
    /// Stable id within the profile.
    pub id: String,
    /// What `wangan scan` reads: a path, `postgres://…` or `mysql://…` (never
    /// with a password).
    pub target: String,
    /// Environment variable holding the database password for `assess --scan`.
    pub password_env: Option<String>,
    /// The system it belongs to, by id.
    pub system: Option<String>,
    /// ISO 3166-1 alpha-2 code of the country or region where the data
    /// physically is (`CN` is the mainland; `HK`, `MO`, `TW` are not).
    pub country: Option<String>,
    /// Finer location (city, data centre).
    pub region: Option<String>,
    /// The operator has identified the data as important data (重要数据).
    pub important: bool,
    /// How often it is backed up; `None`: not backed up.
    pub backup_every: Option<Interval>,
    /// The date a restore from backup was last tested.
    pub restore_tested: Option<Date>,
    /// Encrypted at rest.
    pub encrypted: Option<bool>,
    /// How (e.g. `SM4 TDE`).
    pub encryption: Option<String>,
    /// The document (by id) holding the export security assessment, when the
    /// store is outside the mainland on purpose.
    pub export_assessment: Option<String>,
    /// A scan older than this is stale.
    pub scan_max_age: Interval,
}

/// A document that proves a duty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Stable id within the profile.
    pub id: String,
    /// Title.
    pub title: String,
    /// The file, as written (relative to the profile).
    pub path: PathBuf,
    /// The duties it bears on (law duty ids).
    pub duties: Vec<String>,
    /// Version label.
    pub version: Option<String>,
    /// Approval date.
    pub approved: Option<Date>,
    /// Review interval; the next review is due this long after approval.
    pub review_every: Option<Interval>,
}

/// A decision not to meet (or not to prove) a duty for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// The duty id.
    pub duty: String,
    /// Why.
    pub reason: String,
    /// Who answers for it.
    pub owner: String,
    /// The first day it no longer holds: the duty is decided again from this date.
    pub expires: Date,
    /// When it was granted.
    pub granted: Option<Date>,
}

/// Settings of the assessment: defaults the profile may change. Every one
/// is wangan's default, not a legal fact, and reports say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The vault data directory of log sources that name none.
    pub vault: PathBuf,
    /// Where saved scan results are (`wangan scan … --save`); default `<vault>/scans`.
    pub scans: PathBuf,
    /// Silence longer than this in a log source is a gap (default 1 hour).
    pub max_gap: Interval,
    /// A scan older than this is stale (default 90 days).
    pub scan_max_age: Interval,
    /// A full vault verification older than this is stale (default 7 days).
    pub verify_max_age: Interval,
    /// Restores of important data tested at least this often (default 1 year).
    pub restore_test_every: Interval,
    /// "Regular" drills (CSL-2025 36(4)) at least this often (default 1 year).
    pub drill_every: Interval,
    /// "Regular" training (CSL-2025 36(2)) at least this often (default 1 year).
    pub training_every: Interval,
    /// Where the registers live: `postgres://…` or an SQLite file (relative
    /// to the profile); `None`: `registers.sqlite` in the vault directory.
    pub registers: Option<String>,
}

/// A whole profile, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// The file it was read from, as given.
    pub file: PathBuf,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// Who the operator is.
    pub operator: Operator,
    /// Assessment settings.
    pub settings: Settings,
    /// Systems (定级对象).
    pub systems: Vec<System>,
    /// Log sources.
    pub log_sources: Vec<LogSource>,
    /// Data stores.
    pub data_stores: Vec<DataStore>,
    /// Documents.
    pub documents: Vec<Document>,
    /// Waivers.
    pub waivers: Vec<Waiver>,
}

impl Profile {
    /// A path written in the profile, resolved against the profile's folder
    /// (absolute paths stay as they are).
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            return path.to_path_buf();
        }
        match self.file.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join(path),
            _ => path.to_path_buf(),
        }
    }

    /// The distinct vault data directories the log sources name, as written.
    pub fn vaults(&self) -> Vec<&Path> {
        let mut v: Vec<&Path> = Vec::new();
        for s in &self.log_sources {
            if !v.contains(&s.vault.as_path()) {
                v.push(&s.vault);
            }
        }
        v
    }

    /// The document with this id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }
}

// ---- raw TOML shapes ----------------------------------------------------------

#[derive(Deserialize)]
struct VersionOnly {
    version: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    #[allow(dead_code, reason = "checked through VersionOnly first")]
    version: i64,
    operator: RawOperator,
    #[serde(default)]
    assess: RawSettings,
    #[serde(default, rename = "system")]
    systems: Vec<Spanned<RawSystem>>,
    #[serde(default, rename = "log_source")]
    log_sources: Vec<Spanned<RawLogSource>>,
    #[serde(default, rename = "data_store")]
    data_stores: Vec<Spanned<RawDataStore>>,
    #[serde(default, rename = "document")]
    documents: Vec<Spanned<RawDocument>>,
    #[serde(default, rename = "waiver")]
    waivers: Vec<Spanned<RawWaiver>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOperator {
    name: Spanned<String>,
    kind: OperatorKind,
    #[serde(default)]
    provider: bool,
    #[serde(default)]
    critical_equipment: bool,
    #[serde(default)]
    security_services: bool,
    #[serde(default)]
    real_name_services: Vec<RealNameService>,
    sector: Option<String>,
    province: Option<String>,
    responsible: Option<RawResponsible>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResponsible {
    name: Spanned<String>,
    title: Option<String>,
    #[serde(default, deserialize_with = "opt_date")]
    appointed: Option<Date>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    vault: Option<PathBuf>,
    scans: Option<PathBuf>,
    #[serde(default, deserialize_with = "opt_interval")]
    max_gap: Option<Interval>,
    #[serde(default, deserialize_with = "opt_interval")]
    scan_max_age: Option<Interval>,
    #[serde(default, deserialize_with = "opt_interval")]
    verify_max_age: Option<Interval>,
    #[serde(default, deserialize_with = "opt_interval")]
    restore_test_every: Option<Interval>,
    #[serde(default, deserialize_with = "opt_interval")]
    drill_every: Option<Interval>,
    #[serde(default, deserialize_with = "opt_interval")]
    training_every: Option<Interval>,
    registers: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSystem {
    id: Spanned<String>,
    name: String,
    mlps_level: Option<Spanned<i64>>,
    grading: Option<Spanned<RawGrading>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrading {
    business: String,
    service: String,
    #[serde(default)]
    citizens_especially_serious: Option<u8>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogSource {
    name: Spanned<String>,
    system: Option<Spanned<String>>,
    vault: Option<PathBuf>,
    description: Option<String>,
    #[serde(default, deserialize_with = "opt_interval")]
    max_gap: Option<Interval>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDataStore {
    id: Spanned<String>,
    target: Spanned<String>,
    password_env: Option<String>,
    system: Option<Spanned<String>>,
    country: Option<Spanned<String>>,
    region: Option<String>,
    #[serde(default)]
    important: bool,
    #[serde(default, deserialize_with = "opt_interval")]
    backup_every: Option<Interval>,
    #[serde(default, deserialize_with = "opt_date")]
    restore_tested: Option<Date>,
    encrypted: Option<bool>,
    encryption: Option<String>,
    export_assessment: Option<Spanned<String>>,
    #[serde(default, deserialize_with = "opt_interval")]
    scan_max_age: Option<Interval>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    id: Spanned<String>,
    title: String,
    path: PathBuf,
    duties: Spanned<Vec<Spanned<String>>>,
    version: Option<String>,
    #[serde(default, deserialize_with = "opt_date")]
    approved: Option<Date>,
    #[serde(default, deserialize_with = "opt_interval")]
    review_every: Option<Interval>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    duty: Spanned<String>,
    reason: Spanned<String>,
    owner: Spanned<String>,
    expires: Spanned<TomlDate>,
    #[serde(default, deserialize_with = "opt_date")]
    granted: Option<Date>,
}

fn parse_date_str(s: &str) -> Result<Date, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s.trim(), fmt).map_err(|_| format!("expected a date as YYYY-MM-DD, found {s:?}"))
}

/// A date written as a TOML local date (`2026-01-31`) or a string (`"2026-01-31"`).
fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    use serde::de::Error;
    match toml::Value::deserialize(d)? {
        toml::Value::String(s) => parse_date_str(&s).map_err(D::Error::custom),
        toml::Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(day), None, None) => {
                let month = time::Month::try_from(day.month)
                    .map_err(|_| D::Error::custom("month out of range"))?;
                Date::from_calendar_date(i32::from(day.year), month, day.day)
                    .map_err(|e| D::Error::custom(format!("invalid date: {e}")))
            }
            _ => Err(D::Error::custom(
                "expected a date without a time, such as 2026-01-31",
            )),
        },
        other => Err(D::Error::custom(format!(
            "expected a date such as 2026-01-31, found {}",
            other.type_str()
        ))),
    }
}

/// A [`Date`] read by [`date`], so that it can be [`Spanned`].
struct TomlDate(Date);

impl<'de> Deserialize<'de> for TomlDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        date(d).map(TomlDate)
    }
}

fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    date(d).map(Some)
}

fn interval<'de, D: Deserializer<'de>>(d: D) -> Result<Interval, D::Error> {
    use serde::de::Error;
    let s = String::deserialize(d)?;
    Interval::parse(&s).map_err(D::Error::custom)
}

fn opt_interval<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Interval>, D::Error> {
    interval(d).map(Some)
}

// ---- parse and check ----------------------------------------------------------

/// Turn byte offsets into 1-based line and column (columns in characters).
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

struct Checker<'a> {
    file: &'a Path,
    text: &'a str,
}

impl Checker<'_> {
    fn err(&self, span: Option<Range<usize>>, message: impl Into<String>) -> ProfileError {
        let (line, column) = span.map_or((1, 1), |s| line_col(self.text, s.start));
        ProfileError {
            file: self.file.to_path_buf(),
            line,
            column,
            message: message.into(),
            unknown_duty: None,
        }
    }

    fn at<T>(&self, s: &Spanned<T>, message: impl Into<String>) -> ProfileError {
        self.err(Some(s.span()), message)
    }
}

fn non_empty(c: &Checker<'_>, s: &Spanned<String>, what: &str) -> Result<String, ProfileError> {
    let v = s.get_ref().trim();
    if v.is_empty() {
        return Err(c.at(s, format!("{what} must not be empty")));
    }
    Ok(v.to_owned())
}

fn unique_id(
    c: &Checker<'_>,
    seen: &mut BTreeSet<String>,
    s: &Spanned<String>,
    what: &str,
) -> Result<String, ProfileError> {
    let id = non_empty(c, s, what)?;
    if !seen.insert(id.clone()) {
        return Err(c.at(s, format!("{what} `{id}` is declared twice")));
    }
    Ok(id)
}

fn known_duty(c: &Checker<'_>, s: &Spanned<String>) -> Result<String, ProfileError> {
    let id = s.get_ref().trim();
    match law::duty(id) {
        Some(d) => Ok(d.id.to_owned()),
        None => Err(ProfileError {
            unknown_duty: Some(id.to_owned()),
            ..c.at(s, format!("unknown duty `{id}`"))
        }),
    }
}

/// Does a database URL carry a password (`scheme://user:password@host`)?
fn url_has_password(target: &str) -> bool {
    let Some((_, rest)) = target.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

/// Read and check a profile. `file` is only used in messages and kept in the
/// result; `text` is the file's content. Nothing is read from disk.
pub fn parse(text: &str, file: &Path) -> Result<Profile, ProfileError> {
    let c = Checker { file, text };
    let toml_err = |e: toml::de::Error| {
        let msg = e.message().trim().trim_end_matches('.').to_owned();
        c.err(e.span(), lower_first(&msg))
    };
    // the version first: a profile of another version gets that error, not
    // one about a key this version does not know
    let v: VersionOnly = toml::from_str(text).map_err(toml_err)?;
    match v.version {
        None => {
            return Err(c.err(
                None,
                format!("missing `version = {VERSION}` at the top of the profile"),
            ));
        }
        Some(v) if *v.get_ref() != i64::from(VERSION) => {
            return Err(c.at(
                &v,
                format!(
                    "unsupported profile version {} (this wangan reads version {VERSION})",
                    v.get_ref()
                ),
            ));
        }
        Some(_) => {}
    }
    let raw: RawProfile = toml::from_str(text).map_err(toml_err)?;

    let o = raw.operator;
    let responsible = match o.responsible {
        Some(r) => Some(Responsible {
            name: non_empty(&c, &r.name, "operator.responsible.name")?,
            title: r.title.filter(|t| !t.trim().is_empty()),
            appointed: r.appointed,
        }),
        None => None,
    };
    let mut services = o.real_name_services;
    services.sort();
    services.dedup();
    let operator = Operator {
        name: non_empty(&c, &o.name, "operator.name")?,
        kind: o.kind,
        provider: o.provider,
        critical_equipment: o.critical_equipment,
        security_services: o.security_services,
        real_name_services: services,
        sector: o.sector.filter(|s| !s.trim().is_empty()),
        province: o.province.filter(|s| !s.trim().is_empty()),
        responsible,
    };

    let s = raw.assess;
    let vault = s.vault.unwrap_or_else(|| PathBuf::from("wangan-data"));
    let settings = Settings {
        scans: s.scans.unwrap_or_else(|| vault.join("scans")),
        vault,
        max_gap: s.max_gap.unwrap_or(Interval(law::Period::Hours(1))),
        scan_max_age: s.scan_max_age.unwrap_or(Interval(law::Period::Days(90))),
        verify_max_age: s.verify_max_age.unwrap_or(Interval(law::Period::Days(7))),
        restore_test_every: s
            .restore_test_every
            .unwrap_or(Interval(law::Period::Years(1))),
        drill_every: s.drill_every.unwrap_or(Interval(law::Period::Years(1))),
        training_every: s.training_every.unwrap_or(Interval(law::Period::Years(1))),
        registers: s.registers.filter(|r| !r.trim().is_empty()),
    };

    let mut ids = BTreeSet::new();
    let mut systems = Vec::new();
    for sys in &raw.systems {
        let r = sys.get_ref();
        let id = unique_id(&c, &mut ids, &r.id, "system id")?;
        let stated = match &r.mlps_level {
            Some(l) => match u8::try_from(*l.get_ref()) {
                Ok(n @ 1..=5) => Some(n),
                _ => return Err(c.at(l, "mlps_level must be 1, 2, 3, 4 or 5")),
            },
            None => None,
        };
        let grading = match &r.grading {
            Some(g) => {
                let gr = g.get_ref();
                let grading =
                    mlps::Grading::parse(&gr.business, &gr.service, gr.citizens_especially_serious)
                        .map_err(|m| c.at(g, m))?;
                Some(grading)
            }
            None => None,
        };
        let computed = grading.as_ref().map(Grading::level);
        if let (Some(a), Some(b), Some(l)) = (stated, computed, &r.mlps_level)
            && a != b
        {
            return Err(c.at(
                l,
                format!("mlps_level {a} disagrees with the grading inputs, which give level {b}"),
            ));
        }
        systems.push(System {
            id,
            name: r.name.trim().to_owned(),
            mlps_level: stated.or(computed),
            grading,
        });
    }
    let system_ref = |s: &Option<Spanned<String>>| -> Result<Option<String>, ProfileError> {
        match s {
            Some(s) if systems.iter().any(|x| x.id == s.get_ref().trim()) => {
                Ok(Some(s.get_ref().trim().to_owned()))
            }
            Some(s) => Err(c.at(s, format!("no [[system]] with id `{}`", s.get_ref().trim()))),
            None => Ok(None),
        }
    };

    let mut names = BTreeSet::new();
    let mut log_sources = Vec::new();
    for ls in &raw.log_sources {
        let r = ls.get_ref();
        let name = unique_id(&c, &mut names, &r.name, "log source name")?;
        log_sources.push(LogSource {
            name,
            system: system_ref(&r.system)?,
            vault: r.vault.clone().unwrap_or_else(|| settings.vault.clone()),
            description: r.description.clone(),
            max_gap: r.max_gap.unwrap_or(settings.max_gap),
        });
    }

    let mut doc_ids = BTreeSet::new();
    let mut documents = Vec::new();
    for d in &raw.documents {
        let r = d.get_ref();
        let id = unique_id(&c, &mut doc_ids, &r.id, "document id")?;
        if r.duties.get_ref().is_empty() {
            return Err(c.at(
                &r.duties,
                "a document must name the duties it proves (duties = [\"csl.…\"])",
            ));
        }
        let mut duties = Vec::new();
        for duty in r.duties.get_ref() {
            let id = known_duty(&c, duty)?;
            if !duties.contains(&id) {
                duties.push(id);
            }
        }
        if r.path.as_os_str().is_empty() {
            return Err(c.at(d, format!("document `{id}` has an empty path")));
        }
        documents.push(Document {
            id,
            title: r.title.trim().to_owned(),
            path: r.path.clone(),
            duties,
            version: r.version.clone(),
            approved: r.approved,
            review_every: r.review_every,
        });
    }

    let mut store_ids = BTreeSet::new();
    let mut data_stores = Vec::new();
    for ds in &raw.data_stores {
        let r = ds.get_ref();
        let id = unique_id(&c, &mut store_ids, &r.id, "data store id")?;
        let target = non_empty(&c, &r.target, "data_store.target")?;
        if url_has_password(&target) {
            return Err(c.at(
                &r.target,
                "the target carries a password: remove it and name the environment variable \
                 that holds it with password_env",
            ));
        }
        let country = match &r.country {
            Some(cc) => {
                let v = cc.get_ref().trim().to_ascii_uppercase();
                if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(c.at(
                        cc,
                        format!(
                            "country must be an ISO 3166-1 alpha-2 code such as CN, HK or US, found {:?}",
                            cc.get_ref()
                        ),
                    ));
                }
                Some(v)
            }
            None => None,
        };
        let export_assessment = match &r.export_assessment {
            Some(e) if doc_ids.contains(e.get_ref().trim()) => Some(e.get_ref().trim().to_owned()),
            Some(e) => {
                return Err(c.at(
                    e,
                    format!("no [[document]] with id `{}`", e.get_ref().trim()),
                ));
            }
            None => None,
        };
        data_stores.push(DataStore {
            id,
            target,
            password_env: r.password_env.clone().filter(|s| !s.trim().is_empty()),
            system: system_ref(&r.system)?,
            country,
            region: r.region.clone(),
            important: r.important,
            backup_every: r.backup_every,
            restore_tested: r.restore_tested,
            encrypted: r.encrypted,
            encryption: r.encryption.clone(),
            export_assessment,
            scan_max_age: r.scan_max_age.unwrap_or(settings.scan_max_age),
        });
    }

    let mut waivers = Vec::new();
    for w in &raw.waivers {
        let r = w.get_ref();
        let duty = known_duty(&c, &r.duty)?;
        let expires = r.expires.get_ref().0;
        if let Some(g) = r.granted
            && g >= expires
        {
            return Err(c.at(&r.expires, "a waiver must expire after it is granted"));
        }
        waivers.push(Waiver {
            duty,
            reason: non_empty(&c, &r.reason, "waiver.reason")?,
            owner: non_empty(&c, &r.owner, "waiver.owner")?,
            expires,
            granted: r.granted,
        });
    }

    Ok(Profile {
        file: file.to_path_buf(),
        sha256: crate::sha256_hex(text.as_bytes()),
        operator,
        settings,
        systems,
        log_sources,
        data_stores,
        documents,
        waivers,
    })
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if f.is_ascii_uppercase() && c.clone().next().is_some_and(|n| n.is_lowercase()) => {
            f.to_ascii_lowercase().to_string() + c.as_str()
        }
        _ => s.to_owned(),
    }
}

impl fmt::Display for OperatorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

// ---- template -----------------------------------------------------------------

/// A commented starting profile for `wangan profile init`: every section,
/// with the kind and provider flags set as asked. It parses as it is.
pub fn template(kind: OperatorKind, provider: bool) -> String {
    let cii = kind.is_cii();
    let mut s = String::new();
    s.push_str(TEMPLATE_HEAD);
    s.push_str(&format!(
        "kind = \"{}\"                 # operator | cii-operator | central-organ\n",
        kind.key()
    ));
    s.push_str(&format!(
        "provider = {provider}                # also provides network products or services (art. 24)\n"
    ));
    s.push_str(TEMPLATE_OPERATOR);
    s.push_str(TEMPLATE_BODY);
    if cii {
        s.push_str(TEMPLATE_CII);
    }
    if provider {
        s.push_str(TEMPLATE_PROVIDER);
    }
    s.push_str(TEMPLATE_TAIL);
    s
}

const TEMPLATE_HEAD: &str = r#"# wangan operator profile (运营者画像). Read by `wangan assess`; check it with
# `wangan profile check FILE`. Paths are relative to this file. Dates are
# YYYY-MM-DD; lengths are "1 hour", "30 days", "6 months", "1 year".
version = 1

[operator]
name = "示例科技有限公司"             # the organisation
"#;

const TEMPLATE_OPERATOR: &str = r#"critical_equipment = false     # sells critical network equipment or security products (art. 25)
security_services = false      # certifies, tests or assesses others, or publishes vulnerabilities (art. 28)
real_name_services = []        # of: access, domain, phone, publishing, instant-messaging (art. 26)
sector = "互联网信息服务"
province = "浙江省"

[operator.responsible]         # 网络安全负责人 (art. 23(1))
name = "张三"
title = "首席信息安全官"
appointed = 2025-01-01

[assess]                       # wangan's defaults, not legal facts; change them here
vault = "wangan-data"          # the vault of log sources that name none
# scans = "wangan-data/scans"  # where `wangan scan … --save` keeps results
max_gap = "1 hour"             # a longer silence in a log source is a gap
scan_max_age = "90 days"       # an older scan is stale
verify_max_age = "7 days"      # an older full `wangan vault verify` is stale
restore_test_every = "1 year"
drill_every = "1 year"         # "regular" drills (CII, art. 36(4))
training_every = "1 year"      # "regular" training (CII, art. 36(2))
# registers = "postgres://wangan@db/compliance"  # default: registers.sqlite in the vault
"#;

const TEMPLATE_BODY: &str = r#"
# Systems (定级对象) with their MLPS level, or the grading inputs
# (objects citizens|social|national, degrees general|serious|especially-serious).
[[system]]
id = "web"
name = "官网及用户中心"
mlps_level = 2
# grading = { business = "citizens:serious", service = "social:general" }
#   citizens_especially_serious = 3 in the table above reads that cell as
#   the 2018 drafts did (GB/T 22240-2020, the default, says 2)

# Log sources: the vault's source name (as `wangan serve` or
# `wangan vault ingest --source` record it) and the vault that holds it.
[[log_source]]
name = "fw1"
system = "web"
description = "边界防火墙"
# vault = "/var/lib/wangan"    # default: [assess].vault
# max_gap = "4 hours"          # default: [assess].max_gap

# Data stores: what `wangan scan` reads (a path, postgres://… or mysql://…,
# never with a password: name the variable that holds it in password_env),
# where the data physically is, and how it is protected.
[[data_store]]
id = "user-db"
target = "postgres://wangan@127.0.0.1/users"
password_env = "USER_DB_PASSWORD"
system = "web"
country = "CN"                 # ISO 3166-1 alpha-2; CN is the mainland
region = "杭州"
important = false              # identified as important data (重要数据)
backup_every = "1 day"
restore_tested = 2025-11-20
encrypted = true
encryption = "SM4 TDE"
# scan_max_age = "30 days"     # default: [assess].scan_max_age
# export_assessment = "…"      # id of the [[document]] holding the export
#                              # security assessment, for data kept abroad

# Documents that prove a duty: the file is hashed (SHA-256) on every assessment.
[[document]]
id = "security-rules"
title = "网络安全管理制度及操作规程"
path = "docs/security-rules.pdf"
duties = ["csl.security-management"]
version = "2.1"
approved = 2025-06-01
review_every = "1 year"

[[document]]
id = "response-plan"
title = "网络安全事件应急预案"
path = "docs/response-plan.pdf"
duties = ["csl.incident-plan"]
version = "1.3"
approved = 2025-09-15
review_every = "1 year"
"#;

const TEMPLATE_CII: &str = r#"
[[document]]
id = "dr-plan"
title = "重要系统和数据库容灾备份方案"
path = "docs/dr-plan.pdf"
duties = ["csl.cii-disaster-recovery"]
approved = 2025-08-01
review_every = "1 year"
"#;

const TEMPLATE_PROVIDER: &str = r#"
[[document]]
id = "maintenance-policy"
title = "产品安全维护政策"
path = "docs/maintenance-policy.pdf"
duties = ["csl.product-maintenance"]
approved = 2025-05-01
review_every = "1 year"
"#;

const TEMPLATE_TAIL: &str = r#"
# Waivers: a duty decided "waived" until the expiry date (from that day it
# is decided again). Every report lists every waiver with owner and expiry.
# [[waiver]]
# duty = "csl.real-name"
# reason = "不提供信息发布服务"
# owner = "李四"
# expires = 2026-12-31
# granted = 2026-01-05
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "a = 1\n名称 = x\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, 6 + "名称 ".len()), (2, 4));
    }

    #[test]
    fn passwords_in_urls_are_seen() {
        assert!(url_has_password("postgres://u:secret@h/db"));
        assert!(!url_has_password("postgres://u@h/db"));
        assert!(!url_has_password("postgres://h/db?user=a:b@c"));
        assert!(!url_has_password("/data/export.csv"));
    }
}

/// The schema name of [`CheckDoc`].
pub const CHECK_SCHEMA: &str = "wangan.profile.check/1";

/// The document of `wangan profile check --json` (schema
/// `wangan.profile.check/1`): a profile that was read and is valid, counted.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckDoc<'a> {
    /// How many data stores.
    pub data_stores: usize,
    /// How many documents.
    pub documents: usize,
    /// The profile file as given.
    pub file: String,
    /// How many log sources.
    pub log_sources: usize,
    /// Who the operator is.
    pub operator: CheckOperator<'a>,
    /// Always [`CHECK_SCHEMA`].
    pub schema: &'static str,
    /// SHA-256 of the file, hex.
    pub sha256: &'a str,
    /// How many systems.
    pub systems: usize,
    /// Always `true` (an invalid profile is an error, not a document).
    pub valid: bool,
    /// How many waivers.
    pub waivers: usize,
}

/// The operator in [`CheckDoc`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckOperator<'a> {
    /// [`OperatorKind::key`].
    pub kind: &'static str,
    /// The operator's name.
    pub name: &'a str,
    /// Whether it also provides network products or services.
    pub provider: bool,
}

impl Profile {
    /// The `wangan.profile.check/1` document of this (valid) profile, read
    /// from `file`.
    pub fn check_doc(&self, file: &Path) -> CheckDoc<'_> {
        CheckDoc {
            data_stores: self.data_stores.len(),
            documents: self.documents.len(),
            file: file.display().to_string(),
            log_sources: self.log_sources.len(),
            operator: CheckOperator {
                kind: self.operator.kind.key(),
                name: &self.operator.name,
                provider: self.operator.provider,
            },
            schema: CHECK_SCHEMA,
            sha256: &self.sha256,
            systems: self.systems.len(),
            valid: true,
            waivers: self.waivers.len(),
        }
    }
}
