//! The legal clocks, as pure functions of a record's times, the operator's
//! kind and the [`Settings`]: no storage, no "now" unless passed in.
//!
//! - Incident reports (2025 reporting measures; secondary): for grade 较大 and
//!   above, counted from **discovery**: CII operators 1 hour to the sector
//!   protection department and to public security, central and state organs
//!   2 hours to their own cyberspace office, every other operator 4 hours to
//!   the provincial cyberspace office; the summary report 30 days after
//!   handling ends.
//! - Product vulnerabilities (2021 provisions; secondary): report to the MIIT
//!   platform within 2 days of learning of it.
//! - MLPS (2007 rules; secondary): file within 30 days of grading; level
//!   tests yearly at level 3 and every six months at level 4.
//! - Recurring duties: drills and training "regularly" (interval ours), the
//!   CII assessment at least once a year (law), plan reviews (ours).
//!
//! A deadline is met when the act is done at or before the due time: a CII
//! operator that discovers an incident at 23:30 +08:00 must report by 00:30
//! +08:00 the next day, and a report at 00:30 is on time.

use serde::{Serialize, Serializer};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

use crate::settings::{DayCount, Settings};
use crate::text::{Msg, Provenance};
use crate::when::{self, Interval, end_of_day, fmt_date, fmt_datetime};

/// What kind of operator the profile describes; it decides the incident
/// reporting clock and whether the CII duties apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OperatorKind {
    /// Any other network operator (网络运营者).
    Ordinary,
    /// An operator of critical information infrastructure (关键信息基础设施运营者).
    Cii,
    /// A central or state organ (中央和国家机关).
    CentralState,
}

impl OperatorKind {
    /// All kinds.
    pub const ALL: [OperatorKind; 3] = [
        OperatorKind::Ordinary,
        OperatorKind::Cii,
        OperatorKind::CentralState,
    ];

    /// `ordinary`, `cii`, `central-state`.
    pub fn key(self) -> &'static str {
        match self {
            OperatorKind::Ordinary => "ordinary",
            OperatorKind::Cii => "cii",
            OperatorKind::CentralState => "central-state",
        }
    }

    /// Read a key (also `cii-operator`, `central-state-organ`, `关基`).
    pub fn parse(s: &str) -> Option<OperatorKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ordinary" | "other" | "network-operator" | "一般" => Some(OperatorKind::Ordinary),
            "cii" | "cii-operator" | "关基" | "关键信息基础设施运营者" => {
                Some(OperatorKind::Cii)
            }
            "central-state" | "central-state-organ" | "central" | "中央和国家机关" => {
                Some(OperatorKind::CentralState)
            }
            _ => None,
        }
    }

    /// The name to show.
    pub fn label(self) -> law::Text {
        match self {
            OperatorKind::Ordinary => law::Text::new("网络运营者", "network operator"),
            OperatorKind::Cii => law::Text::new("关键信息基础设施运营者", "CII operator"),
            OperatorKind::CentralState => {
                law::Text::new("中央和国家机关", "central or state organ")
            }
        }
    }

    /// Whether the CII duties (36–40) apply.
    pub fn is_cii(self) -> bool {
        self == OperatorKind::Cii
    }
}

impl From<duties::OperatorKind> for OperatorKind {
    fn from(k: duties::OperatorKind) -> OperatorKind {
        match k {
            duties::OperatorKind::CiiOperator => OperatorKind::Cii,
            duties::OperatorKind::CentralOrgan => OperatorKind::CentralState,
            _ => OperatorKind::Ordinary,
        }
    }
}

/// Incident grades of the 2025 reporting measures, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grade {
    /// 一般.
    General,
    /// 较大.
    Large,
    /// 重大.
    Major,
    /// 特别重大.
    EspeciallyMajor,
}

impl Grade {
    /// All grades, lowest first.
    pub const ALL: [Grade; 4] = [
        Grade::General,
        Grade::Large,
        Grade::Major,
        Grade::EspeciallyMajor,
    ];

    /// `general`, `large`, `major`, `especially-major`.
    pub fn key(self) -> &'static str {
        match self {
            Grade::General => "general",
            Grade::Large => "large",
            Grade::Major => "major",
            Grade::EspeciallyMajor => "especially-major",
        }
    }

    /// 一般, 较大, 重大, 特别重大.
    pub fn zh(self) -> &'static str {
        match self {
            Grade::General => "一般",
            Grade::Large => "较大",
            Grade::Major => "重大",
            Grade::EspeciallyMajor => "特别重大",
        }
    }

    /// The name to show: `较大` / `large (较大)`.
    pub fn label(self) -> Msg {
        Msg::new(self.zh(), format!("{} ({})", self.key(), self.zh()))
    }

    /// Read `一般|较大|重大|特别重大` or `general|large|major|especially-major`.
    pub fn parse(s: &str) -> Option<Grade> {
        let s = s.trim();
        Grade::ALL
            .into_iter()
            .find(|g| g.zh() == s || g.key().eq_ignore_ascii_case(s))
            .or_else(|| match s.to_ascii_lowercase().as_str() {
                "especially major" | "especially_major" | "particularly-major" => {
                    Some(Grade::EspeciallyMajor)
                }
                _ => None,
            })
    }

    /// Whether an initial report is due (较大 and above).
    pub fn must_report(self) -> bool {
        self >= Grade::Large
    }
}

/// Which clock a deadline belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineKind {
    /// The first report of an incident (hours from discovery).
    InitialReport,
    /// The summary report, 30 days after handling ends.
    SummaryReport,
    /// A product vulnerability reported to the MIIT platform.
    VulnerabilityReport,
    /// Filing an MLPS grading with public security.
    MlpsFiling,
    /// The next MLPS level test.
    MlpsTest,
    /// The next drill of the response plan.
    Drill,
    /// The next training and skills test.
    Training,
    /// The next review of a response plan.
    PlanReview,
    /// The next yearly CII assessment.
    CiiAssessment,
    /// Sending the yearly assessment to the sector department.
    AssessmentSubmission,
    /// A supplier agreement runs out.
    AgreementExpiry,
}

impl DeadlineKind {
    /// The stable key.
    pub fn key(self) -> &'static str {
        match self {
            DeadlineKind::InitialReport => "initial-report",
            DeadlineKind::SummaryReport => "summary-report",
            DeadlineKind::VulnerabilityReport => "vulnerability-report",
            DeadlineKind::MlpsFiling => "mlps-filing",
            DeadlineKind::MlpsTest => "mlps-test",
            DeadlineKind::Drill => "drill",
            DeadlineKind::Training => "training",
            DeadlineKind::PlanReview => "plan-review",
            DeadlineKind::CiiAssessment => "cii-assessment",
            DeadlineKind::AssessmentSubmission => "assessment-submission",
            DeadlineKind::AgreementExpiry => "agreement-expiry",
        }
    }

    /// The name to show.
    pub fn label(self) -> law::Text {
        use law::Text as T;
        match self {
            DeadlineKind::InitialReport => T::new("事件初报", "initial report"),
            DeadlineKind::SummaryReport => T::new("事件总结报告", "summary report"),
            DeadlineKind::VulnerabilityReport => T::new("漏洞报送", "vulnerability report"),
            DeadlineKind::MlpsFiling => T::new("等级保护备案", "MLPS filing"),
            DeadlineKind::MlpsTest => T::new("等级测评", "MLPS level test"),
            DeadlineKind::Drill => T::new("应急演练", "drill"),
            DeadlineKind::Training => T::new("培训和技能考核", "training and skills test"),
            DeadlineKind::PlanReview => T::new("应急预案评审", "plan review"),
            DeadlineKind::CiiAssessment => T::new("年度检测评估", "yearly CII assessment"),
            DeadlineKind::AssessmentSubmission => T::new(
                "检测评估结果报送",
                "assessment sent to the sector department",
            ),
            DeadlineKind::AgreementExpiry => T::new("安全保密协议到期", "agreement expires"),
        }
    }
}

/// Who receives a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recipient {
    /// 保护工作部门 (the CII sector protection department).
    SectorProtectionDepartment,
    /// 公安机关 (public security).
    PublicSecurity,
    /// 本单位网信部门 (a central or state organ's own cyberspace office).
    OwnCyberspaceOffice,
    /// 省级网信部门 (the provincial cyberspace office).
    ProvincialCyberspaceOffice,
    /// 工业和信息化部网络安全威胁和漏洞信息共享平台.
    MiitVulnerabilityPlatform,
    /// 公安机关 for MLPS filing (备案).
    PublicSecurityFiling,
    /// 保护工作部门 for the yearly assessment.
    SectorDepartment,
}

impl Recipient {
    /// The stable key.
    pub fn key(self) -> &'static str {
        match self {
            Recipient::SectorProtectionDepartment => "sector-protection-department",
            Recipient::PublicSecurity => "public-security",
            Recipient::OwnCyberspaceOffice => "own-cyberspace-office",
            Recipient::ProvincialCyberspaceOffice => "provincial-cyberspace-office",
            Recipient::MiitVulnerabilityPlatform => "miit-vulnerability-platform",
            Recipient::PublicSecurityFiling => "public-security-filing",
            Recipient::SectorDepartment => "sector-department",
        }
    }

    /// The name to show.
    pub fn label(self) -> law::Text {
        use law::Text as T;
        match self {
            Recipient::SectorProtectionDepartment => {
                T::new("保护工作部门", "sector protection department")
            }
            Recipient::PublicSecurity => T::new("公安机关", "public security"),
            Recipient::OwnCyberspaceOffice => T::new("本单位网信部门", "own cyberspace office"),
            Recipient::ProvincialCyberspaceOffice => {
                T::new("省级网信部门", "provincial cyberspace office")
            }
            Recipient::MiitVulnerabilityPlatform => T::new(
                "工业和信息化部网络安全威胁和漏洞信息共享平台",
                "MIIT vulnerability platform",
            ),
            Recipient::PublicSecurityFiling => {
                T::new("公安机关（备案）", "public security (filing)")
            }
            Recipient::SectorDepartment => T::new("相关保护工作部门", "sector department"),
        }
    }

    /// The English name as the object of a sentence: "report to the
    /// provincial cyberspace office", "report to public security".
    pub fn en_object(self) -> String {
        match self {
            Recipient::PublicSecurity | Recipient::PublicSecurityFiling => {
                self.label().en.to_owned()
            }
            Recipient::OwnCyberspaceOffice => "its own cyberspace office".to_owned(),
            _ => format!("the {}", self.label().en),
        }
    }
}

/// One deadline of one clock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deadline {
    /// Which clock.
    pub kind: DeadlineKind,
    /// Who must receive the report, when there is one.
    pub recipient: Option<Recipient>,
    /// When it falls due (inclusive), in the offset of the event that
    /// started it; `None` while the clock has not started (the summary
    /// report before handling ends) or when nothing was ever done (no drill
    /// recorded).
    #[serde(serialize_with = "ser_opt_dt")]
    pub due: Option<OffsetDateTime>,
    /// For deadlines that fall on a whole day: the day.
    #[serde(serialize_with = "ser_opt_date")]
    pub due_date: Option<Date>,
    /// When it was done, if it was.
    #[serde(serialize_with = "ser_opt_dt")]
    pub done_at: Option<OffsetDateTime>,
    /// What must happen, in both languages.
    pub rule: Msg,
    /// Where the rule comes from.
    pub basis: Msg,
    /// How far to trust the rule.
    pub provenance: Provenance,
    /// The duty it belongs to (id from the `law` crate).
    pub duty: &'static str,
}

/// Where a deadline stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not done, not yet due: this much time is left.
    Pending(Duration),
    /// Not done and past due by this much.
    Overdue(Duration),
    /// Done in time.
    Met,
    /// Done, but this much after the due time.
    Late(Duration),
    /// The clock has not started (e.g. handling has not ended).
    NotStarted,
    /// Never done, and nothing to count from (e.g. no drill recorded).
    Missing,
}

impl State {
    /// `pending`, `overdue`, `met`, `late`, `not-started`, `missing`.
    pub fn key(self) -> &'static str {
        match self {
            State::Pending(_) => "pending",
            State::Overdue(_) => "overdue",
            State::Met => "met",
            State::Late(_) => "late",
            State::NotStarted => "not-started",
            State::Missing => "missing",
        }
    }

    /// Whether the deadline still asks for something (pending, overdue,
    /// missing).
    pub fn is_open(self) -> bool {
        matches!(self, State::Pending(_) | State::Overdue(_) | State::Missing)
    }

    /// Whether it is a problem now (overdue, late, missing).
    pub fn is_problem(self) -> bool {
        matches!(self, State::Overdue(_) | State::Late(_) | State::Missing)
    }

    /// As people say it: `还剩 35 分钟` / `35 min left`, `已超时 2 小时` / `overdue by 2 h`.
    pub fn text(self) -> Msg {
        match self {
            State::Pending(d) => {
                let t = when::duration_text(d);
                Msg::new(format!("还剩 {}", t.zh), format!("{} left", t.en))
            }
            State::Overdue(d) => {
                let t = when::duration_text(d);
                Msg::new(format!("已超时 {}", t.zh), format!("overdue by {}", t.en))
            }
            State::Met => Msg::new("已按时完成", "met"),
            State::Late(d) => {
                let t = when::duration_text(d);
                Msg::new(
                    format!("已完成，迟了 {}", t.zh),
                    format!("done {} late", t.en),
                )
            }
            State::NotStarted => Msg::new("尚未起算", "not started"),
            State::Missing => Msg::new("没有记录", "nothing recorded"),
        }
    }
}

impl Deadline {
    /// Where the deadline stands at `now`.
    pub fn state(&self, now: OffsetDateTime) -> State {
        match (self.due, self.done_at) {
            (Some(due), Some(done)) if done <= due => State::Met,
            (Some(due), Some(done)) => State::Late(done - due),
            (None, Some(_)) => State::Met,
            (Some(due), None) if now <= due => State::Pending(due - now),
            (Some(due), None) => State::Overdue(now - due),
            (None, None) if self.kind == DeadlineKind::SummaryReport => State::NotStarted,
            (None, None) => State::Missing,
        }
    }
}

fn ser_opt_dt<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&fmt_datetime(*t)),
        None => s.serialize_none(),
    }
}

fn ser_opt_date<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&fmt_date(*d)),
        None => s.serialize_none(),
    }
}

const INCIDENT_BASIS: law::Text = law::Text::new(
    "《国家网络安全事件报告管理办法》（2025年11月1日施行）",
    "Measures for Reporting National Cybersecurity Incidents (in force 2025-11-01)",
);
const VULN_BASIS: law::Text = law::Text::new(
    "《网络产品安全漏洞管理规定》（2021年）第七条",
    "Provisions on the Management of Security Vulnerabilities of Network Products (2021), art. 7",
);
const MLPS_BASIS: law::Text = law::Text::new(
    "《信息安全等级保护管理办法》（2007年）",
    "Administrative Measures for Multi-Level Protection of Information Security (2007)",
);

/// "Within `days` days" of `from`, counted as the settings say: `days` × 24
/// hours ([`DayCount::Elapsed`]), or the end of the `days`-th day after
/// `from`'s day at the operator's offset ([`DayCount::Calendar`]).
pub fn within_days(from: OffsetDateTime, days: u16, s: &Settings) -> OffsetDateTime {
    match s.day_count {
        DayCount::Elapsed => from.saturating_add(Duration::days(i64::from(days))),
        DayCount::Calendar => {
            let d =
                when::date_at(from, s.utc_offset).saturating_add(Duration::days(i64::from(days)));
            end_of_day(d, s.utc_offset)
        }
    }
}

/// The times of an incident that its clocks depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentTimes {
    /// The grade.
    pub grade: Grade,
    /// When it was discovered: the clock starts here.
    pub discovered_at: OffsetDateTime,
    /// When handling ended: the summary clock starts here.
    pub handling_ended_at: Option<OffsetDateTime>,
    /// When the sector protection department was told (CII).
    pub reported_sector_at: Option<OffsetDateTime>,
    /// When public security was told (CII).
    pub reported_police_at: Option<OffsetDateTime>,
    /// When the cyberspace office was told (own office for central and
    /// state organs, provincial office for others).
    pub reported_cac_at: Option<OffsetDateTime>,
    /// When the summary report was sent.
    pub summary_reported_at: Option<OffsetDateTime>,
}

/// The reporting deadlines of an incident. Grade 一般 has none; 较大 and
/// above have the initial report(s) by operator kind, then the summary
/// report 30 days after handling ends.
pub fn incident_deadlines(t: &IncidentTimes, kind: OperatorKind, s: &Settings) -> Vec<Deadline> {
    if !t.grade.must_report() {
        return Vec::new();
    }
    let initial = |hours: i64, recipient: Recipient, done: Option<OffsetDateTime>| {
        let to = recipient.label();
        Deadline {
            kind: DeadlineKind::InitialReport,
            recipient: Some(recipient),
            due: Some(t.discovered_at.saturating_add(Duration::hours(hours))),
            due_date: None,
            done_at: done,
            rule: Msg::new(
                format!("较大及以上事件自发现起 {hours} 小时内报告{}", to.zh),
                format!(
                    "incidents graded 较大 or higher: report to {} within {hours} h of discovery",
                    recipient.en_object()
                ),
            ),
            basis: INCIDENT_BASIS.into(),
            provenance: Provenance::Secondary,
            duty: "csl.incident-report",
        }
    };
    let mut out = match kind {
        OperatorKind::Cii => vec![
            initial(
                1,
                Recipient::SectorProtectionDepartment,
                t.reported_sector_at,
            ),
            initial(1, Recipient::PublicSecurity, t.reported_police_at),
        ],
        OperatorKind::CentralState => {
            vec![initial(
                2,
                Recipient::OwnCyberspaceOffice,
                t.reported_cac_at,
            )]
        }
        OperatorKind::Ordinary => vec![initial(
            4,
            Recipient::ProvincialCyberspaceOffice,
            t.reported_cac_at,
        )],
    };
    let summary_to = match kind {
        OperatorKind::Cii => Recipient::SectorProtectionDepartment,
        OperatorKind::CentralState => Recipient::OwnCyberspaceOffice,
        OperatorKind::Ordinary => Recipient::ProvincialCyberspaceOffice,
    };
    out.push(Deadline {
        kind: DeadlineKind::SummaryReport,
        recipient: Some(summary_to),
        due: t.handling_ended_at.map(|e| within_days(e, 30, s)),
        due_date: None,
        done_at: t.summary_reported_at,
        rule: Msg::new(
            "事件处置结束后 30 日内报送总结报告（原因、措施、危害、追责、整改、教训）",
            "send the summary report within 30 days after handling ends (cause, measures, harm, accountability, fixes, lessons)",
        ),
        basis: INCIDENT_BASIS.into(),
        provenance: Provenance::Secondary,
        duty: "csl.incident-report",
    });
    out
}

/// The report of a product vulnerability to the MIIT platform: within 2 days
/// of learning of it.
pub fn vulnerability_deadline(
    found_at: OffsetDateTime,
    reported_at: Option<OffsetDateTime>,
    s: &Settings,
) -> Deadline {
    Deadline {
        kind: DeadlineKind::VulnerabilityReport,
        recipient: Some(Recipient::MiitVulnerabilityPlatform),
        due: Some(within_days(found_at, 2, s)),
        due_date: None,
        done_at: reported_at,
        rule: Msg::new(
            "发现漏洞后 2 日内报送工业和信息化部网络安全威胁和漏洞信息共享平台（产品名称、型号、版本、技术特点、危害和影响范围）",
            "report to the MIIT vulnerability platform within 2 days (product, model, version, technical characteristics, harm, scope)",
        ),
        basis: VULN_BASIS.into(),
        provenance: Provenance::Secondary,
        duty: "csl.product-flaw-remedy",
    }
}

/// What a deadline is about: everything but its times.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Which clock.
    pub kind: DeadlineKind,
    /// Who receives the report, if anyone.
    pub recipient: Option<Recipient>,
    /// What must happen.
    pub rule: Msg,
    /// Where the rule comes from.
    pub basis: Msg,
    /// How far to trust it.
    pub provenance: Provenance,
    /// The duty (id of the `law` crate).
    pub duty: &'static str,
}

/// A deadline that falls on a whole day (met by anything done that day at
/// the operator's offset), done on a day.
pub fn on_day(r: Rule, due: Option<Date>, done: Option<Date>, offset: UtcOffset) -> Deadline {
    Deadline {
        kind: r.kind,
        recipient: r.recipient,
        due: due.map(|d| end_of_day(d, offset)),
        due_date: due,
        done_at: done.map(|d| d.midnight().assume_offset(offset)),
        rule: r.rule,
        basis: r.basis,
        provenance: r.provenance,
        duty: r.duty,
    }
}

/// MLPS filing: within 30 days of grading (secondary), for level 2 and
/// above; the grading date starts the clock.
pub fn mlps_filing_deadline(
    graded_on: Date,
    filed_on: Option<Date>,
    level: u8,
    s: &Settings,
) -> Option<Deadline> {
    if level < 2 {
        // level 1 systems are not filed under the 2007 rules
        return None;
    }
    let r = Rule {
        kind: DeadlineKind::MlpsFiling,
        recipient: Some(Recipient::PublicSecurityFiling),
        rule: Msg::new(
            "第二级以上系统定级后 30 日内到公安机关备案",
            "systems of level 2 or higher are filed with public security within 30 days of grading",
        ),
        basis: MLPS_BASIS.into(),
        provenance: Provenance::Secondary,
        duty: "csl.other-mlps-duties",
    };
    Some(on_day(
        r,
        Some(graded_on.saturating_add(Duration::days(30))),
        filed_on,
        s.utc_offset,
    ))
}

/// How often a level is tested: level 3 yearly, level 4 every six months
/// (secondary); other levels have no fixed cadence in our sources.
pub fn mlps_test_interval(level: u8) -> Option<Interval> {
    match level {
        3 => Some(Interval::Years(1)),
        4 => Some(Interval::Months(6)),
        _ => None,
    }
}

/// The next MLPS level test: one interval after the last test, or after
/// grading when no test is recorded (that start is our reading).
pub fn mlps_test_deadline(
    level: u8,
    graded_on: Date,
    last_test_on: Option<Date>,
    s: &Settings,
) -> Option<Deadline> {
    let every = mlps_test_interval(level)?;
    let (from, provenance, zh_from, en_from) = match last_test_on {
        Some(d) => (d, Provenance::Secondary, "上次测评", "the last test"),
        None => (
            graded_on,
            Provenance::Ours,
            "定级（尚无测评记录）",
            "grading (no test recorded)",
        ),
    };
    let label = every.label();
    let r = Rule {
        kind: DeadlineKind::MlpsTest,
        recipient: None,
        rule: Msg::new(
            format!(
                "第{level}级系统每 {} 至少测评一次，自{zh_from}起算",
                label.zh
            ),
            format!(
                "level {level} systems are tested at least every {}, counted from {en_from}",
                label.en
            ),
        ),
        basis: MLPS_BASIS.into(),
        provenance,
        duty: "csl.other-mlps-duties",
    };
    Some(on_day(r, Some(every.after(from)), None, s.utc_offset))
}

/// A duty done "regularly" or "at least every …": due one interval after
/// the last time it was done, or [`State::Missing`] when never.
pub fn recurring_deadline(r: Rule, last: Option<Date>, every: Interval, s: &Settings) -> Deadline {
    on_day(r, last.map(|d| every.after(d)), None, s.utc_offset)
}

/// The next drill (CII, 36(4)): "regularly", interval from the settings (ours).
pub fn drill_deadline(last: Option<Date>, s: &Settings) -> Deadline {
    let l = s.drill_interval.label();
    let r = Rule {
        kind: DeadlineKind::Drill,
        recipient: None,
        rule: Msg::new(
            format!("定期进行应急演练（按每 {} 一次计）", l.zh),
            format!(
                "rehearse the response plan regularly (counted as every {})",
                l.en
            ),
        ),
        basis: Msg::new(
            "《网络安全法》第三十六条第（四）项；间隔为本工具设定",
            "CSL-2025 art. 36(4); the interval is ours",
        ),
        provenance: Provenance::Ours,
        duty: "csl.cii-drills",
    };
    recurring_deadline(r, last, s.drill_interval, s)
}

/// The next training and skills test (CII, 36(2)): "regularly", interval
/// from the settings (ours).
pub fn training_deadline(last: Option<Date>, s: &Settings) -> Deadline {
    let l = s.training_interval.label();
    let r = Rule {
        kind: DeadlineKind::Training,
        recipient: None,
        rule: Msg::new(
            format!(
                "定期开展安全教育、技术培训和技能考核（按每 {} 一次计）",
                l.zh
            ),
            format!("train and test staff regularly (counted as every {})", l.en),
        ),
        basis: Msg::new(
            "《网络安全法》第三十六条第（二）项；间隔为本工具设定",
            "CSL-2025 art. 36(2); the interval is ours",
        ),
        provenance: Provenance::Ours,
        duty: "csl.cii-training",
    };
    recurring_deadline(r, last, s.training_interval, s)
}

/// The next yearly CII assessment (40): at least once a year (the law),
/// counted as 12 months from the last one (our reading).
pub fn assessment_deadline(last: Option<Date>, s: &Settings) -> Deadline {
    let r = Rule {
        kind: DeadlineKind::CiiAssessment,
        recipient: None,
        rule: Msg::new(
            "每年至少进行一次检测评估（按上次评估后 12 个月计）",
            "test and assess at least once a year (counted as 12 months after the last)",
        ),
        basis: Msg::new(
            "《网络安全法》第四十条；按 12 个月计算为本工具的理解",
            "CSL-2025 art. 40; counting 12 months is our reading",
        ),
        provenance: Provenance::Verified,
        duty: "csl.cii-annual-assessment",
    };
    recurring_deadline(r, last, Interval::Years(1), s)
}

/// The next review of a response plan: its own review date, or one plan
/// review interval after approval (ours).
pub fn plan_review_deadline(
    approved_on: Date,
    next_review: Option<Date>,
    s: &Settings,
) -> Deadline {
    let (due, provenance) = match next_review {
        Some(d) => (d, Provenance::Verified),
        None => (s.plan_review_interval.after(approved_on), Provenance::Ours),
    };
    let r = Rule {
        kind: DeadlineKind::PlanReview,
        recipient: None,
        rule: Msg::new("评审和修订应急预案", "review and revise the response plan"),
        basis: Msg::new(
            "《网络安全法》第二十七条；评审日期由预案自定或按本工具设定的间隔计",
            "CSL-2025 art. 27; the review date is the plan's own or our interval",
        ),
        provenance,
        duty: "csl.incident-plan",
    };
    on_day(r, Some(due), None, s.utc_offset)
}

/// The last day a supplier agreement is in force.
pub fn agreement_expiry_deadline(expires_on: Date, s: &Settings) -> Deadline {
    let r = Rule {
        kind: DeadlineKind::AgreementExpiry,
        recipient: None,
        rule: Msg::new(
            "协议到期前续签或重新签订安全保密协议",
            "renew or replace the agreement before it runs out",
        ),
        basis: Msg::new("协议本身的期限", "the agreement's own term"),
        provenance: Provenance::Verified,
        duty: "csl.cii-supplier-agreement",
    };
    on_day(r, Some(expires_on), None, s.utc_offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn inc(grade: Grade, discovered: OffsetDateTime) -> IncidentTimes {
        IncidentTimes {
            grade,
            discovered_at: discovered,
            handling_ended_at: None,
            reported_sector_at: None,
            reported_police_at: None,
            reported_cac_at: None,
            summary_reported_at: None,
        }
    }

    #[test]
    fn cii_report_due_one_hour_after_discovery_across_midnight() {
        let s = Settings::default();
        let d = incident_deadlines(
            &inc(Grade::Large, datetime!(2025-03-14 23:30 +08:00)),
            OperatorKind::Cii,
            &s,
        );
        assert_eq!(d.len(), 3);
        for x in &d[..2] {
            assert_eq!(
                fmt_datetime(x.due.unwrap()),
                "2025-03-15T00:30:00+08:00",
                "{:?}",
                x.recipient
            );
        }
        assert_eq!(d[0].recipient, Some(Recipient::SectorProtectionDepartment));
        assert_eq!(d[1].recipient, Some(Recipient::PublicSecurity));
        assert_eq!(d[2].kind, DeadlineKind::SummaryReport);
        assert_eq!(
            d[2].state(datetime!(2025-03-15 00:00 +08:00)),
            State::NotStarted
        );
    }

    #[test]
    fn fifty_nine_minutes_is_on_time_sixty_one_is_late() {
        let s = Settings::default();
        let t0 = datetime!(2025-06-30 23:30 +08:00);
        let cases = [
            (59, State::Met),
            (60, State::Met),
            (61, State::Late(Duration::minutes(1))),
        ];
        for (mins, want) in cases {
            let mut t = inc(Grade::Major, t0);
            t.reported_sector_at = Some(t0 + Duration::minutes(mins));
            let d = incident_deadlines(&t, OperatorKind::Cii, &s);
            assert_eq!(d[0].state(t0 + Duration::hours(5)), want, "{mins} min");
            // the police report was not made: overdue
            assert_eq!(
                d[1].state(t0 + Duration::minutes(61)),
                State::Overdue(Duration::minutes(1))
            );
        }
        let d = incident_deadlines(&inc(Grade::Major, t0), OperatorKind::Cii, &s);
        assert_eq!(
            d[0].state(t0 + Duration::minutes(59)),
            State::Pending(Duration::minutes(1))
        );
        assert_eq!(
            d[0].state(t0 + Duration::minutes(60)),
            State::Pending(Duration::ZERO)
        );
        assert_eq!(
            d[0].state(t0 + Duration::minutes(61)),
            State::Overdue(Duration::minutes(1))
        );
    }

    #[test]
    fn hours_by_operator_kind_and_grade() {
        let s = Settings::default();
        let t0 = datetime!(2025-12-31 22:15 +08:00);
        let cases = [
            (OperatorKind::Cii, "2025-12-31T23:15:00+08:00"),
            (OperatorKind::CentralState, "2026-01-01T00:15:00+08:00"),
            (OperatorKind::Ordinary, "2026-01-01T02:15:00+08:00"),
        ];
        for (kind, want) in cases {
            for g in [Grade::Large, Grade::Major, Grade::EspeciallyMajor] {
                let d = incident_deadlines(&inc(g, t0), kind, &s);
                assert_eq!(fmt_datetime(d[0].due.unwrap()), want, "{kind:?} {g:?}");
            }
            assert!(incident_deadlines(&inc(Grade::General, t0), kind, &s).is_empty());
        }
        let d = incident_deadlines(&inc(Grade::Large, t0), OperatorKind::Ordinary, &s);
        assert_eq!(d[0].recipient, Some(Recipient::ProvincialCyberspaceOffice));
        let d = incident_deadlines(&inc(Grade::Large, t0), OperatorKind::CentralState, &s);
        assert_eq!(d[0].recipient, Some(Recipient::OwnCyberspaceOffice));
    }

    #[test]
    fn time_zones_the_due_time_is_the_same_instant() {
        let s = Settings::default();
        let a = inc(Grade::Large, datetime!(2025-03-14 23:30 +08:00));
        let b = inc(Grade::Large, datetime!(2025-03-14 15:30 UTC));
        let da = incident_deadlines(&a, OperatorKind::Cii, &s);
        let db = incident_deadlines(&b, OperatorKind::Cii, &s);
        assert_eq!(da[0].due, db[0].due);
        assert_eq!(fmt_datetime(db[0].due.unwrap()), "2025-03-14T16:30:00Z");
        // a report stamped in another zone is compared as an instant
        let mut c = a;
        c.reported_sector_at = Some(datetime!(2025-03-14 16:30 UTC));
        c.reported_police_at = Some(datetime!(2025-03-14 16:31 UTC));
        let dc = incident_deadlines(&c, OperatorKind::Cii, &s);
        assert_eq!(dc[0].state(datetime!(2025-03-16 0:00 UTC)), State::Met);
        assert_eq!(
            dc[1].state(datetime!(2025-03-16 0:00 UTC)),
            State::Late(Duration::minutes(1))
        );
    }

    #[test]
    fn summary_report_thirty_days_across_month_ends() {
        let mut s = Settings::default();
        let mut t = inc(Grade::Large, datetime!(2025-01-30 10:00 +08:00));
        t.handling_ended_at = Some(datetime!(2025-01-31 18:00 +08:00));
        let d = incident_deadlines(&t, OperatorKind::Ordinary, &s);
        assert_eq!(fmt_datetime(d[1].due.unwrap()), "2025-03-02T18:00:00+08:00");
        s.day_count = DayCount::Calendar;
        let d = incident_deadlines(&t, OperatorKind::Ordinary, &s);
        assert_eq!(fmt_datetime(d[1].due.unwrap()), "2025-03-02T23:59:59+08:00");
        // leap year
        t.handling_ended_at = Some(datetime!(2024-01-31 18:00 +08:00));
        let d = incident_deadlines(&t, OperatorKind::Ordinary, &s);
        assert_eq!(fmt_datetime(d[1].due.unwrap()), "2024-03-01T23:59:59+08:00");
        // calendar days are counted at the operator's offset, not the input's
        t.handling_ended_at = Some(datetime!(2024-01-31 17:00 UTC)); // 01:00 on 1 Feb in Beijing
        let d = incident_deadlines(&t, OperatorKind::Ordinary, &s);
        assert_eq!(fmt_datetime(d[1].due.unwrap()), "2024-03-02T23:59:59+08:00");
    }

    #[test]
    fn vulnerability_two_days() {
        let mut s = Settings::default();
        let found = datetime!(2025-02-27 09:00 +08:00);
        let d = vulnerability_deadline(found, None, &s);
        assert_eq!(fmt_datetime(d.due.unwrap()), "2025-03-01T09:00:00+08:00");
        assert_eq!(
            d.state(datetime!(2025-03-01 09:01 +08:00)),
            State::Overdue(Duration::minutes(1))
        );
        s.day_count = DayCount::Calendar;
        let d = vulnerability_deadline(found, Some(datetime!(2025-03-01 23:00 +08:00)), &s);
        assert_eq!(fmt_datetime(d.due.unwrap()), "2025-03-01T23:59:59+08:00");
        assert_eq!(d.state(datetime!(2025-03-05 0:00 +08:00)), State::Met);
        // 2024 is a leap year: 28 Feb + 2 days = 1 March
        let d = vulnerability_deadline(datetime!(2024-02-28 09:00 +08:00), None, &s);
        assert_eq!(d.due_date, None);
        assert_eq!(fmt_datetime(d.due.unwrap()), "2024-03-01T23:59:59+08:00");
    }

    #[test]
    fn mlps_filing_and_tests() {
        let s = Settings::default();
        let f = mlps_filing_deadline(date!(2025 - 01 - 31), None, 3, &s).unwrap();
        assert_eq!(f.due_date, Some(date!(2025 - 03 - 02)));
        assert_eq!(fmt_datetime(f.due.unwrap()), "2025-03-02T23:59:59+08:00");
        let f = mlps_filing_deadline(date!(2025 - 01 - 31), Some(date!(2025 - 03 - 02)), 3, &s)
            .unwrap();
        assert_eq!(f.state(datetime!(2025-06-01 0:00 +08:00)), State::Met);
        let f = mlps_filing_deadline(date!(2025 - 01 - 31), Some(date!(2025 - 03 - 03)), 3, &s)
            .unwrap();
        assert!(matches!(
            f.state(datetime!(2025-06-01 0:00 +08:00)),
            State::Late(_)
        ));
        assert!(mlps_filing_deadline(date!(2025 - 01 - 31), None, 1, &s).is_none());

        let t =
            mlps_test_deadline(4, date!(2024 - 01 - 01), Some(date!(2025 - 08 - 31)), &s).unwrap();
        assert_eq!(t.due_date, Some(date!(2026 - 02 - 28)));
        assert_eq!(t.provenance, Provenance::Secondary);
        let t = mlps_test_deadline(3, date!(2024 - 02 - 29), None, &s).unwrap();
        assert_eq!(t.due_date, Some(date!(2025 - 02 - 28)));
        assert_eq!(t.provenance, Provenance::Ours);
        assert!(mlps_test_deadline(2, date!(2024 - 02 - 29), None, &s).is_none());
        // the last day counts in full, at the operator's offset
        assert!(matches!(
            t.state(datetime!(2025-02-28 23:59 +08:00)),
            State::Pending(_)
        ));
        assert!(matches!(
            t.state(datetime!(2025-02-28 16:01 UTC)),
            State::Overdue(_)
        ));
    }

    #[test]
    fn drills_thirteen_months_ago_are_late_last_month_is_met() {
        let s = Settings::default();
        let now = datetime!(2026-03-10 12:00 +08:00);
        let d = drill_deadline(Some(date!(2025 - 02 - 10)), &s);
        assert!(
            matches!(d.state(now), State::Overdue(_)),
            "{:?}",
            d.state(now)
        );
        let d = drill_deadline(Some(date!(2026 - 02 - 10)), &s);
        assert!(matches!(d.state(now), State::Pending(_)));
        let d = drill_deadline(None, &s);
        assert_eq!(d.state(now), State::Missing);
        // exactly one year later is still on time that whole day
        let d = drill_deadline(Some(date!(2025 - 03 - 10)), &s);
        assert!(matches!(d.state(now), State::Pending(_)));
    }

    #[test]
    fn grades_and_kinds_parse() {
        for g in Grade::ALL {
            assert_eq!(Grade::parse(g.zh()), Some(g));
            assert_eq!(Grade::parse(g.key()), Some(g));
        }
        assert_eq!(Grade::parse("LARGE"), Some(Grade::Large));
        assert_eq!(Grade::parse("big"), None);
        for k in OperatorKind::ALL {
            assert_eq!(OperatorKind::parse(k.key()), Some(k));
        }
    }
}
